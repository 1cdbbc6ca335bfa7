"""The live session with a replay estimator: time (restarts, equal and uneven timestamps), missed
frames, mirrored frames, the measures it reuses, latest() from another thread, reset and close."""

from __future__ import annotations

import threading
from typing import Any

import cv2
import numpy as np
import pytest

from posecheck.live.coach import CoachPhase
from posecheck.live.definitions import CueKey
from posecheck.live.session import LiveFrame, LiveSession, LiveSettings
from posecheck.live.stance import StancePhase
from posecheck.measures import Measurement, MeasureName, measure_pose
from posecheck.types import CameraRoll, Landmark, Pose, Side
from posecheck.views import ViewEstimate, detect_view
from tests.live_fakes import (
    FRAME,
    PeopleCount,
    ReplayFactory,
    frame_times,
    front_still,
    replay,
    sequence,
    side_standing,
    smooth_pulses,
)
from tests.poses import make_pose


def run(session: LiveSession, times: list[float]) -> list[LiveFrame]:
    return [session.process(FRAME, t) for t in times]


def test_a_frame_carries_pose_view_measures_and_stance() -> None:
    pose = make_pose()
    factory = ReplayFactory([pose])
    with LiveSession(factory) as session:
        frame = session.process(FRAME, 0.0)
    assert frame.pose is pose and frame.index == 0 and frame.t_ms == 0.0
    assert frame.image_size == (1000, 1000)
    assert frame.view is not None and frame.view == detect_view(pose)
    expected = measure_pose(pose, detect_view(pose), None)
    assert set(frame.measures) == set(expected)
    for name, measurement in expected.items():
        assert frame.measures[name].value == measurement.value  # the photo path's own measures
        assert frame.measures[name].status is measurement.status
    assert frame.measures_t_ms == 0.0
    assert frame.coach is None and frame.stance.phase is StancePhase.MOVING
    assert frame.cues and frame.cues[0].key is CueKey.STAND_STILL
    assert factory.made[0].closed


@pytest.mark.slow  # over 0.1 s on a clean clone: .ci/run runs it, make test keeps its time
def test_timestamps_restart_open_a_new_estimator_and_the_trackers_restart() -> None:
    up_down = sequence(
        frame_times(9000), lambda t: side_standing(0.45 * smooth_pulses(t, 1500, 5, start_ms=1500))
    )
    poses = [pose for _, pose in up_down]
    factory = ReplayFactory(poses + poses)
    times = [t for t, _ in up_down]
    with LiveSession(factory, exercise="heel_raises") as session:
        first = run(session, times)
        second = run(session, times)  # the camera restarted: time is back at 0
    assert len(factory.made) == 2
    assert factory.made[0].closed and factory.made[1].closed
    assert factory.made[1].stamps[0] == 0  # the new landmarker starts at the new time
    assert first[-1].restarts == 0 and second[0].restarts == 1 and second[-1].restarts == 1
    assert first[-1].coach is not None and second[-1].coach is not None
    assert first[-1].coach.current.count == 5
    assert second[-1].coach.current.count == 10  # counts kept, the second run counted too


def test_equal_timestamps_are_nudged_forward_not_restarts() -> None:
    factory = ReplayFactory([make_pose()])
    with LiveSession(factory) as session:
        frames = run(session, [0.0, 33.0, 33.0, 33.0, 66.0])
    assert [f.t_ms for f in frames] == [0.0, 33.0, 34.0, 35.0, 66.0]
    assert factory.made[0].stamps == [0, 33, 34, 35, 66]
    assert len(factory.made) == 1 and frames[-1].restarts == 0


def test_fractional_times_give_strictly_increasing_whole_milliseconds() -> None:
    """A browser's 90 kHz clock gives fractions: two frames may round to the same millisecond."""
    factory = ReplayFactory([make_pose()])
    times = [0.0, 0.4, 0.8, 11.1, 11.2, 44.4]
    with LiveSession(factory) as session:
        run(session, times)
    stamps = factory.made[0].stamps
    assert stamps == sorted(set(stamps)) and len(stamps) == len(times)


def test_missed_frames_and_uneven_gaps() -> None:
    seq = sequence(
        frame_times(12000, jitter=0.5, seed=4),
        lambda t: side_standing(0.45 * smooth_pulses(t, 1500, 6, start_ms=2000)),
        missing=0.15,
        seed=5,
    )
    factory, times = replay(seq)
    with LiveSession(factory, exercise="heel_raises") as session:
        frames = run(session, times)
    missing = [f for f in frames if f.pose is None]
    assert missing and all(f.view is None for f in missing)
    assert all(f.coach is not None for f in frames)
    nobody = [f for f in missing if f.coach is not None and f.coach.phase is CoachPhase.SETUP]
    assert nobody and all(f.cues[0].key is CueKey.NOT_IN_FRAME for f in nobody)
    last = frames[-1].coach
    assert last is not None and abs(last.current.count - 6) <= 1
    assert session.summary().frames == len(times)
    assert session.summary().frames_with_person == len(times) - len(missing)


def test_nobody_at_all() -> None:
    factory = ReplayFactory([None])
    with LiveSession(factory, exercise="toe_walking") as session:
        frames = run(session, frame_times(2000))
        summary = session.summary()
    assert all(f.pose is None and not f.measures for f in frames)
    assert frames[-1].stance.phase is StancePhase.OFF  # paused during an exercise
    assert summary.frames_with_person == 0 and summary.stance is None
    assert summary.exercise is not None and summary.exercise.sides[0].count == 0


def test_mirrored_frames_are_flipped_for_the_model_and_back_for_drawing() -> None:
    pose = make_pose()
    factory = ReplayFactory([pose], keep_images=True)
    frame_in = np.zeros((1000, 1000, 3), dtype=np.uint8)
    frame_in[:, :10] = 255  # a stripe on the left of the picture given
    with LiveSession(factory, settings=LiveSettings(mirrored=True)) as session:
        frame = session.process(frame_in, 0.0)
    seen = factory.made[0].images[0]
    assert seen[:, -10:].min() == 255 and seen[:, :10].max() == 0  # the model saw it unflipped
    assert frame.pose is not None
    x = pose.xy[Landmark.LEFT_SHOULDER, 0]
    assert frame.pose.xy[Landmark.LEFT_SHOULDER, 0] == pytest.approx(1000 - x)
    assert frame.view is not None and frame.view.view == detect_view(pose).view  # from the model's


@pytest.mark.slow  # over 0.2 s on a clean clone: .ci/run runs it, make test keeps its time
def test_measures_are_taken_on_still_frames_and_sparingly_otherwise() -> None:
    calls: list[Pose] = []

    def spy(
        pose: Pose, view: ViewEstimate, roll: CameraRoll | None
    ) -> dict[MeasureName, Measurement]:
        calls.append(pose)
        return measure_pose(pose, view, roll)

    moving = sequence(frame_times(3000), lambda t: front_still(60.0, t, period_ms=1000.0))
    still = sequence([3000.0 + t for t in frame_times(5000)], lambda t: front_still())
    factory, times = replay(moving + still)
    settings = LiveSettings(measure_interval_ms=500.0)
    with LiveSession(factory, settings=settings, measure=spy) as session:
        frames = run(session, times)
    moving_frames = frames[: len(moving)]
    assert all(f.stance.phase is not StancePhase.STILL for f in moving_frames)
    taken_moving = sum(1 for f in moving_frames if f.measures_t_ms == f.t_ms)
    assert 5 <= taken_moving <= 8  # every 500 ms over 3 s, not 90 times
    still_frames = [f for f in frames if f.stance.phase is StancePhase.STILL]
    assert len(still_frames) > 100
    assert all(f.measures_t_ms == f.t_ms for f in still_frames)
    assert len(calls) == sum(1 for f in frames if f.measures_t_ms == f.t_ms)
    assert frames[-1].stance.result is not None


@pytest.mark.slow  # over 0.2 s on a clean clone: .ci/run runs it, make test keeps its time
def test_latest_is_safe_from_another_thread() -> None:
    seq = sequence(frame_times(3000), lambda t: front_still(2.0, t))
    factory, times = replay(seq)
    seen: list[int] = []
    done = threading.Event()
    with LiveSession(factory, exercise="standing_posture") as session:
        assert session.latest() is None

        def read() -> None:
            while not done.is_set():
                frame = session.latest()
                if frame is not None:
                    seen.append(frame.index)

        reader = threading.Thread(target=read)
        reader.start()
        try:
            frames = run(session, times)
        finally:
            done.set()
            reader.join()
        latest = session.latest()
    assert latest is frames[-1]
    assert seen == sorted(seen) and seen[-1] <= frames[-1].index


def test_reset_starts_again_and_close_is_final() -> None:
    seq = sequence(
        frame_times(6000), lambda t: side_standing(0.45 * smooth_pulses(t, 1500, 3, start_ms=1500))
    )
    factory, times = replay(seq)
    session = LiveSession(factory, exercise="heel_raises")
    frames = run(session, times)
    assert frames[-1].coach is not None and frames[-1].coach.current.count == 3
    session.reset()
    assert session.latest() is None
    assert session.summary().frames == 0
    frame = session.process(FRAME, times[-1] + 40)
    assert frame.index == 0 and frame.coach is not None and frame.coach.current.count == 0
    assert len(factory.made) == 1  # the estimator is kept
    session.reset()
    session.process(FRAME, 0.0)  # a camera started again after the reset: a new estimator
    assert len(factory.made) == 2 and factory.made[0].closed
    session.close()
    session.close()
    assert factory.made[0].closed
    with pytest.raises(RuntimeError):
        session.process(FRAME, 1e6)


def test_another_exercise_can_be_started() -> None:
    factory = ReplayFactory([side_standing()])
    with LiveSession(factory) as session:
        assert session.exercise is None
        session.start_exercise("towel_leg_stretch")
        frame = session.process(FRAME, 0.0)
        assert session.exercise == "towel_leg_stretch"
        assert frame.coach is not None and frame.coach.side is Side.RIGHT
        with pytest.raises(ValueError):
            session.start_exercise("juggling")


def test_bad_input() -> None:
    with LiveSession(ReplayFactory([None])) as session:
        with pytest.raises(ValueError):
            session.process(np.zeros((10, 10), dtype=np.uint8), 0.0)
        with pytest.raises(ValueError):
            session.process(FRAME, float("nan"))
    with pytest.raises(ValueError):
        LiveSettings(measure_interval_ms=-1)


@pytest.mark.slow  # over 0.2 s on a clean clone: .ci/run runs it, make test keeps its time
def test_the_stance_check_pauses_during_an_exercise() -> None:
    """Standing on one leg to circle an ankle is not a stance: only alone or with the hold."""
    still = sequence(frame_times(5000), lambda t: front_still())
    factory, times = replay(still)
    with LiveSession(factory, exercise="ankle_circles") as session:
        frames = run(session, times)
        assert session.summary().stance is None
    assert {f.stance.phase for f in frames} == {StancePhase.OFF}
    factory, times = replay(still)
    with LiveSession(factory, exercise="standing_posture") as session:
        run(session, times)
        assert session.summary().stance is not None


# --- the camera's roll ---------------------------------------------------------------------------


def door_frames(degrees: float) -> np.ndarray:
    """A 1000 px frame with door and window edges either side of the person (x 385-615), the
    camera rolled so that true verticals appear turned ``degrees`` clockwise on screen."""
    canvas = np.full((1400, 1400, 3), 200, dtype=np.uint8)
    for x in (250, 330, 420, 980, 1070, 1150):
        cv2.line(canvas, (x, 150), (x, 1250), (60, 50, 40), 9)
    noise = np.random.default_rng(0).normal(0.0, 3.0, canvas.shape)
    canvas = np.clip(cv2.GaussianBlur(canvas, (3, 3), 0.8) + noise, 0, 255).astype(np.uint8)
    turn = cv2.getRotationMatrix2D((699.5, 699.5), -degrees, 1.0)
    turned = cv2.warpAffine(canvas, turn, (1400, 1400), flags=cv2.INTER_LINEAR)
    return np.ascontiguousarray(turned[200:1200, 200:1200])


@pytest.mark.slow  # over 0.2 s on a clean clone: .ci/run runs it, make test keeps its time
def test_the_roll_is_found_in_the_scene_and_the_measures_use_it() -> None:
    """With door frames in view the stance's tilts are measured against them, as a photo's are:
    the roll known, nothing is held back for it."""
    rgb = door_frames(3.0)
    factory, times = replay(sequence(frame_times(5000, fps=10.0), lambda t: front_still()))
    with LiveSession(factory) as session:
        frames = [session.process(rgb, t) for t in times]
    roll = frames[-1].roll
    assert roll is not None and roll.degrees is not None, roll
    assert roll.degrees == pytest.approx(3.0, abs=0.3) and roll.confidence >= 0.3
    pose, view = frames[-1].pose, frames[-1].view
    assert pose is not None and view is not None
    expected = measure_pose(pose, view, roll)
    assert {n: m.value for n, m in frames[-1].measures.items()} == {
        n: m.value for n, m in expected.items()
    }
    result = frames[-1].stance.result
    assert result is not None and not any(m.held for m in result.measures.values())
    tilt = result.measures[MeasureName.SHOULDER_TILT]
    # level on screen, so against the true horizontal (turned clockwise 3° on screen, down toward
    # the image's right, where the left shoulder is) the left shoulder is 3° higher
    assert tilt.value == pytest.approx(3.0, abs=0.4)
    # against no scene the same stance's tilt is not given: the roll the camera may have would
    # move it by its whole error; the hip level, which it moves by less, carries that in its band
    factory, times = replay(sequence(frame_times(5000, fps=10.0), lambda t: front_still()))
    with LiveSession(factory) as session:
        blank = [session.process(FRAME, t) for t in times]
    unknown = blank[-1].stance.result
    assert unknown is not None and blank[-1].roll is not None and blank[-1].roll.degrees is None
    assert unknown.measures[MeasureName.SHOULDER_TILT].value is None
    assert "roll is not known" in unknown.measures[MeasureName.SHOULDER_TILT].reason
    hips = MeasureName.PELVIC_TILT
    assert unknown.measures[hips].error > result.measures[hips].error


@pytest.mark.slow  # over 0.5 s on a clean clone: .ci/run runs it, make test keeps its time
def test_the_roll_is_estimated_again_only_when_due(monkeypatch: pytest.MonkeyPatch) -> None:
    import posecheck.live.session as live_session

    calls: list[np.ndarray] = []
    real = live_session.estimate_roll

    def counting(rgb: np.ndarray, **kwargs: Any) -> CameraRoll:
        calls.append(rgb)
        return real(rgb, **kwargs)

    monkeypatch.setattr(live_session, "estimate_roll", counting)
    rgb = door_frames(-2.0)
    settings = LiveSettings(roll_interval_ms=2000.0, mirrored=True)
    factory, times = replay(sequence(frame_times(5000, fps=10.0), lambda t: front_still()))
    with LiveSession(factory, settings=settings) as session:
        frames = [session.process(rgb, t) for t in times]
    assert len(calls) == 3  # at 0, 2 and 4 s
    # a mirrored frame is flipped back for the model: the roll is sought in that picture too
    assert np.array_equal(calls[0], rgb[:, ::-1])
    last = frames[-1].roll
    assert last is not None and last.degrees == pytest.approx(2.0, abs=0.3)
    never = LiveSettings(roll_interval_ms=0.0)
    factory, times = replay(sequence(frame_times(1000, fps=10.0), lambda t: front_still()))
    with LiveSession(factory, settings=never) as session:
        frame = [session.process(rgb, t) for t in times][-1]
    assert frame.roll is None and len(calls) == 3
    with pytest.raises(ValueError, match="roll_interval_ms"):
        LiveSettings(roll_interval_ms=-1.0)


# --- other people in view ----------------------------------------------------------------------


@pytest.mark.slow  # over 0.5 s on a clean clone: .ci/run runs it, make test keeps its time
def test_the_people_in_view_are_counted_only_when_due_and_while_someone_is_followed() -> None:
    counter = PeopleCount([1, 2, 1])
    settings = LiveSettings(people_interval_ms=2000.0, mirrored=True)
    times = frame_times(5000, fps=10.0)
    gap = {t for t in times if 1800 <= t < 2400}  # nobody followed when the 2 s count is due
    factory = ReplayFactory([None if t in gap else front_still() for t in times])
    with LiveSession(factory, settings=settings, people_counter=lambda: counter) as session:
        frames = run(session, times)
        assert not counter.closed
    assert counter.closed  # made once at the start, closed with the session
    # at 0 s; at 2.4 s, the first frame with someone followed once it was due; at 4.4 s
    assert counter.calls == 3
    assert all(f.people == 1 and not f.others_in_view for f in frames if f.t_ms < 2400)
    assert all(f.people == 2 and f.others_in_view for f in frames if 2400 <= f.t_ms < 4400)
    assert all(f.people == 1 and not f.others_in_view for f in frames if f.t_ms >= 4400)
    fresh = PeopleCount([1])
    with LiveSession(ReplayFactory([front_still()]), people_counter=lambda: fresh) as session:
        run(session, frame_times(2500, fps=10.0))
    assert fresh.calls == 2  # at 0 and 2 s by default
    never = LiveSettings(people_interval_ms=0.0)
    with LiveSession(factory, settings=never, people_counter=lambda: PeopleCount([2])) as session:
        assert run(session, times)[-1].people is None
    with LiveSession(ReplayFactory([front_still()])) as session:  # no counter: nobody looked for
        assert session.process(FRAME, 0.0).people is None
    with pytest.raises(ValueError, match="people_interval_ms"):
        LiveSettings(people_interval_ms=-1.0)


def test_someone_else_in_view_pauses_the_stance_check_and_keeps_its_result() -> None:
    # alone for 6 s (a result), someone else from 6 to 8 s, alone again from 8 s
    counter = PeopleCount([1, 1, 1, 2, 1])
    settings = LiveSettings(people_interval_ms=2000.0)
    factory, times = replay(sequence(frame_times(10000, fps=10.0), lambda t: front_still()))
    with LiveSession(factory, settings=settings, people_counter=lambda: counter) as session:
        frames = run(session, times)
        summary = session.summary()
    before = [f for f in frames if f.t_ms < 6000]
    crowded = [f for f in frames if 6000 <= f.t_ms < 8000]
    after = [f for f in frames if f.t_ms >= 8000]
    assert before[-1].stance.phase is StancePhase.STILL and before[-1].stance.progress == 1.0
    result = before[-1].stance.result
    assert result is not None
    for frame in crowded:
        assert frame.people == 2 and frame.others_in_view
        assert frame.stance.phase is StancePhase.OTHERS_IN_VIEW and frame.stance.still_ms == 0.0
        assert frame.stance.result == result  # kept, and no frame of theirs added to it
        assert frame.cues[0].key is CueKey.OTHERS_IN_VIEW
        assert "Someone else is in view" in frame.cues[0].text
    # alone again: a new still stretch starts from scratch
    assert after[0].stance.phase is StancePhase.STILL and after[0].stance.still_ms == 0.0
    assert summary.frames_with_others == len(crowded) == 20


def test_someone_else_in_view_leads_the_exercise_cues_while_the_coach_goes_on() -> None:
    raises = sequence(
        frame_times(9000, fps=15.0),
        lambda t: side_standing(0.45 * smooth_pulses(t, 1500, 5, start_ms=1500)),
    )
    factory, times = replay(raises)
    counter = PeopleCount([2])
    with LiveSession(factory, exercise="heel_raises", people_counter=lambda: counter) as session:
        frames = run(session, times)
        summary = session.summary()
    assert all(f.cues[0].key is CueKey.OTHERS_IN_VIEW for f in frames)
    assert all(len(f.cues) >= 2 for f in frames)  # the coach's own cues follow
    assert summary.exercise is not None and summary.exercise.sides[0].count == 5
    assert summary.frames_with_others == len(frames)


def test_a_counter_that_cannot_be_made_closes_the_live_estimator() -> None:
    factory = ReplayFactory([front_still()])

    def broken() -> PeopleCount:
        raise RuntimeError("no model")

    with pytest.raises(RuntimeError, match="no model"):
        LiveSession(factory, people_counter=broken)
    assert factory.made[0].closed
