"""The live stance check: standing still for a few seconds gives the photo report's measures
averaged over the still frames, with the same names and statuses, and their spread."""

from __future__ import annotations

import math

import numpy as np
import pytest

from posecheck.live.records import stance_to_dict
from posecheck.live.stance import (
    StanceCheck,
    StanceParams,
    StancePhase,
    StanceState,
    sway_points,
    why_no_stance,
)
from posecheck.measures import (
    HELD_WORDS_LIVE,
    MEASURES_BY_NAME,
    Measurement,
    MeasureName,
    measure_pose,
)
from posecheck.types import Landmark, Pose, Status
from posecheck.views import ViewEstimate, detect_view
from tests.live_fakes import Timed, frame_times, front_still, lying, noisy, sequence
from tests.poses import FRONT, make_pose


def feed(check: StanceCheck, timed: Timed) -> list[StanceState]:
    states = []
    for t, pose in timed:
        view = detect_view(pose) if pose is not None else None

        def measure(
            pose: Pose | None = pose, view: ViewEstimate | None = view
        ) -> dict[MeasureName, Measurement]:
            assert pose is not None and view is not None
            return measure_pose(pose, view, None)

        states.append(check.update(pose, view, t, measure))
    return states


def swaying(sway_px: float, *, sigma: float = 0.0, seed: int = 0) -> Timed:
    """Six seconds standing, swaying sideways by ``sway_px`` with a 2 s period, with noise."""
    return sequence(frame_times(6000), lambda t: front_still(sway_px, t), sigma=sigma, seed=seed)


@pytest.mark.slow  # over 0.1 s on a clean clone: .ci/run runs it, make test keeps its time
def test_still_for_three_seconds_gives_averaged_measures_with_their_spread() -> None:
    timed = swaying(2.0, sigma=1.0)
    states = feed(StanceCheck(), timed)
    assert states[10].phase is StancePhase.MOVING  # the sway window is still filling
    still = [s for s in states if s.phase is StancePhase.STILL]
    assert len(still) > 100
    before = [s for s in still if s.still_ms < 3000]
    assert before and all(s.result is None for s in before)
    result = states[-1].result
    assert result is not None and result.view.value == "front"
    assert result.frames == len(still) and result.duration_ms >= 3000
    assert result.sway < 0.01
    # every measure the front view takes, by the photo report's names, in its table's order
    expected = measure_pose(timed[-1][1], detect_view(timed[-1][1]), None)  # type: ignore[arg-type]
    assert list(result.measures) == [n for n in MEASURES_BY_NAME if n in expected]
    knee = result.measures[MeasureName.LEFT_KNEE_ANGLE_FRONTAL]
    assert knee.count == result.frames and knee.spread is not None
    assert 0.0 < knee.spread < 2.0  # 1 px of landmark noise on a 200 px thigh and shank
    assert knee.status is MEASURES_BY_NAME[knee.name].status(knee.value or 0.0)


@pytest.mark.slow  # over 0.2 s on a clean clone: .ci/run runs it, make test keeps its time
def test_the_mean_and_spread_are_those_of_the_frames() -> None:
    timed = swaying(1.0, sigma=1.5, seed=4)
    states = feed(StanceCheck(StanceParams(max_ms=60000)), timed)
    result = states[-1].result
    assert result is not None
    still_times = {
        s_t for (s_t, _), s in zip(timed, states, strict=True) if s.phase is StancePhase.STILL
    }
    values = []
    for t, pose in timed:
        if t in still_times and pose is not None:
            values.append(
                measure_pose(pose, detect_view(pose), None)[
                    MeasureName.LEFT_KNEE_ANGLE_FRONTAL
                ].value
            )
    knee = result.measures[MeasureName.LEFT_KNEE_ANGLE_FRONTAL]
    assert None not in values and np.std(values) > 0.1  # the frames' readings differ
    assert knee.value == pytest.approx(np.mean(values), abs=1e-6)
    assert knee.spread == pytest.approx(np.std(values), abs=1e-6)


def _photo_reading(points: dict[Landmark, tuple[float, float]], name: MeasureName) -> Measurement:
    pose = make_pose(points)
    return measure_pose(pose, detect_view(pose), None)[name]


def test_a_reading_the_unknown_roll_swamps_is_unknown_as_in_the_photo_report() -> None:
    """The left shoulder clearly high, but the camera's roll unknown (no scene edges): a roll the
    camera may well have moves a shoulder tilt by more than its error, so the photo report gives
    no reading, and the stance check none either, with the same reason."""
    raised = {
        **FRONT,
        Landmark.LEFT_SHOULDER: (580.0, 170.0),
        Landmark.LEFT_ELBOW: (600.0, 300.0),
    }
    photo = _photo_reading(raised, MeasureName.SHOULDER_TILT)
    assert photo.value is None and "roll is not known" in photo.reason
    timed = sequence(frame_times(6000, fps=10.0), lambda t: make_pose(raised), sigma=0.5)
    result = feed(StanceCheck(), timed)[-1].result
    assert result is not None
    tilt = result.measures[MeasureName.SHOULDER_TILT]
    assert tilt.value is None and tilt.status is Status.UNKNOWN and not tilt.held
    assert tilt.reason.endswith(f" still frames: {photo.reason}")
    saved = stance_to_dict(result)["measures"]["shoulder_tilt"]  # the JSON and the history
    assert saved["value"] is None and saved["status"] == "unknown"
    assert saved["reason"] == tilt.reason


def test_a_reading_leaning_on_the_unknown_roll_is_held_as_in_the_photo_report() -> None:
    """The left foot turned far out (45°, the camera looking down at 17°), the camera's roll
    unknown: the roll moves the reading by less than its error, so it is given, but the finding it
    would make is not judged, as the photo report does not judge the same still pose, with its
    reason and its widened band; it is not called well outside."""
    stature = (915 - 100) / 0.93
    side, forward = (0.15 * stature * f for f in (math.sin(math.radians(45)), 0.3 * 0.7071))
    turned = {**FRONT, Landmark.LEFT_FOOT_INDEX: (550 + side, 915 + forward)}
    photo = _photo_reading(turned, MeasureName.LEFT_FOOT_ANGLE)
    assert photo.held and photo.status is Status.POSSIBLE
    timed = sequence(frame_times(6000, fps=10.0), lambda t: make_pose(turned), sigma=0.5)
    result = feed(StanceCheck(), timed)[-1].result
    assert result is not None
    angle = result.measures[MeasureName.LEFT_FOOT_ANGLE]
    assert angle.value is not None and angle.value > 35
    spec = MEASURES_BY_NAME[MeasureName.LEFT_FOOT_ANGLE]
    assert spec.status(angle.value).clearly_outside  # against the known error alone: a finding
    assert angle.held and angle.status is Status.POSSIBLE
    assert angle.status_words == HELD_WORDS_LIVE and "roll" in angle.reason
    assert angle.reason == photo.reason
    assert angle.error == pytest.approx(photo.error, abs=0.1) and angle.error > spec.known_error
    saved = stance_to_dict(result)["measures"]["left_foot_angle"]  # the JSON and the history
    assert (
        saved["held"] is True and saved["status"] == "possible" and saved["reason"] == photo.reason
    )
    assert saved["error"] == pytest.approx(angle.error, abs=0.01) and saved["label"] == spec.label
    assert saved["for_findings"] is True


def test_a_clear_reading_keeps_its_status_against_the_frames_band() -> None:
    """A left knee well inward (valgus) does not lean on the roll: the mean is outside the usual
    range as the photo report says, against the frames' band, and not held."""
    inward = {**FRONT, Landmark.LEFT_KNEE: (526.0, 700.0)}
    photo = _photo_reading(inward, MeasureName.LEFT_KNEE_ANGLE_FRONTAL)
    assert photo.status.clearly_outside and not photo.held
    timed = sequence(frame_times(6000, fps=10.0), lambda t: make_pose(inward), sigma=0.5)
    result = feed(StanceCheck(), timed)[-1].result
    assert result is not None
    knee = result.measures[MeasureName.LEFT_KNEE_ANGLE_FRONTAL]
    assert knee.value is not None and not knee.held and knee.reason == ""
    assert knee.status is photo.status
    assert knee.error == pytest.approx(photo.error, abs=0.05)
    assert knee.status is MEASURES_BY_NAME[knee.name].status(knee.value, knee.error)
    assert knee.status_words == photo.status.words and knee.judged


@pytest.mark.slow  # over 0.1 s on a clean clone: .ci/run runs it, make test keeps its time
def test_an_experimental_measure_says_so() -> None:
    result = feed(StanceCheck(), swaying(1.0, sigma=0.5))[-1].result
    assert result is not None
    assert not result.measures[MeasureName.PELVIC_TILT].judged
    assert result.measures[MeasureName.SHOULDER_TILT].judged


def test_swaying_is_not_still() -> None:
    states = feed(StanceCheck(), swaying(40.0))
    assert all(s.phase is StancePhase.MOVING for s in states)
    assert states[-1].result is None
    assert states[-1].sway is not None and states[-1].sway > 0.01


@pytest.mark.slow  # over 0.1 s on a clean clone: .ci/run runs it, make test keeps its time
def test_moving_ends_the_stretch_but_the_result_stays() -> None:
    still = swaying(1.0)
    moving = [(6000 + t, front_still(40.0, t)) for t, _ in swaying(0.0)[:45]]
    states = feed(StanceCheck(), still + moving)
    assert states[-1].phase is StancePhase.MOVING
    # the sway is measured over a second: the stretch ends soon after the sway starts
    assert states[-1].result is not None and states[-1].result.t_ms < 6000 + 400


def test_sitting_or_lying_is_not_a_stance() -> None:
    timed = sequence(frame_times(6000), lambda t: lying(0.0))
    states = feed(StanceCheck(), timed)
    assert states[10].phase is StancePhase.MOVING  # the sway window is still filling
    assert {s.phase for s in states[40:]} == {StancePhase.NOT_STANDING}
    assert states[-1].result is None


def test_a_measure_hidden_on_most_frames_is_unknown_with_the_reason() -> None:
    def make(t: float) -> Pose:
        hidden = (Landmark.LEFT_EYE, Landmark.RIGHT_EYE) if int(t / 100) % 3 else ()
        return make_pose(hidden=hidden)

    result = feed(StanceCheck(), sequence(frame_times(6000), make))[-1].result
    assert result is not None
    head = result.measures[MeasureName.HEAD_TILT]
    assert head.value is None and head.status is Status.UNKNOWN
    assert "not visible" in head.reason and f"of {result.frames}" in head.reason


@pytest.mark.slow  # over 0.2 s on a clean clone: .ci/run runs it, make test keeps its time
def test_nobody_and_short_gaps() -> None:
    check = StanceCheck()
    assert feed(check, [(0.0, None)])[-1].phase is StancePhase.NO_PERSON
    timed = swaying(1.0)
    gappy = [(t, None if 3000 <= t < 3200 else pose) for t, pose in timed]  # 0.2 s: bridged
    result = feed(StanceCheck(), gappy)[-1].result
    assert result is not None and result.duration_ms > 4000
    long_gap = [(t, None if 3000 <= t < 3700 else pose) for t, pose in timed]  # 0.7 s: ends it
    states = feed(StanceCheck(), long_gap)
    assert states[-1].still_ms < 3000


def test_a_restart_ends_the_stretch() -> None:
    check = StanceCheck()
    feed(check, swaying(1.0)[:90])
    states = feed(check, swaying(1.0)[:30])  # the timestamps start again at 0
    assert states[0].phase is StancePhase.MOVING  # the window starts again
    assert states[-1].still_ms < 200 and states[-1].result is None


def test_sway_points_are_in_body_lengths() -> None:
    pose = make_pose()
    points = sway_points(pose)
    assert points is not None
    length = math.dist((500, 200), (500, 900))
    assert points[0] == pytest.approx((500 / length, 500 / length))
    bigger = Pose(pose.xy * 2, pose.z, pose.visibility, pose.presence, None, (2000, 2000))
    big_points = sway_points(bigger)
    assert big_points is not None and big_points[1] == pytest.approx(points[1])
    assert sway_points(make_pose(hidden=(Landmark.LEFT_ANKLE,))) is None
    assert noisy(pose, None, 1.0) is pose


def test_params_are_checked() -> None:
    with pytest.raises(ValueError):
        StanceParams(max_sway=0)
    with pytest.raises(ValueError):
        StanceParams(still_ms=5000, max_ms=4000)
    with pytest.raises(ValueError):
        StanceParams(min_share=1.5)


def test_why_no_stance_says_what_stopped_it() -> None:
    """Nobody in view, someone else in view all along (the check waits then), too short a
    recording, or never still: each in its own words, each saying what to do."""
    how = "stand still, alone in view, for 3-4 s"
    assert why_no_stance(12.0, 0, 0) == f"nobody was found in view, so nothing was measured: {how}"
    assert why_no_stance(12.0, 300, 300).startswith("someone else was in view all along")
    assert why_no_stance(0.2, 11, 0) == f"not measured: it lasted only 0.2 s; {how}"
    assert why_no_stance(12.0, 300, 40) == f"never still for long enough to measure: {how}"
    longer = StanceParams(still_ms=5000.0, max_ms=10000.0)
    assert why_no_stance(4.0, 100, 0, longer).endswith("for 5-6 s")
