"""The Live page's logic: the video processor and its board (with a replay estimator, no model),
and the page itself through AppTest with a stand-in for ``webrtc_streamer`` that does what the
library does at START (calls the processor factory) while the test feeds it frames."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import av
import cv2
import numpy as np
import pytest
import streamlit_webrtc
from streamlit.testing.v1 import AppTest

from posecheck import COACHED_IDS, DISCLAIMER, Coach, ErrorCode, ModelError, Side, sample_paths
from posecheck.ui.live import LiveBoard, LiveProcessor, processor_factory
from posecheck.ui.text import plain
from tests.live_fakes import (
    PeopleCount,
    ReplayFactory,
    clip_bytes,
    counts_alone,
    front_still,
    heel_raises_clip,
    plateaus,
    side_chin_tuck,
    side_standing,
    stance_readings,
)

ROOT = Path(__file__).resolve().parents[1]
LIVE_PAGE = str(ROOT / "posecheck/ui/pages/live.py")
TIME_BASE = Fraction(1, 90000)  # what browsers' WebRTC video uses


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def av_frame(rgb: np.ndarray, t_s: float) -> av.VideoFrame:
    frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
    frame.pts = round(t_s / TIME_BASE)
    frame.time_base = TIME_BASE
    return frame


def asymmetric_frame() -> np.ndarray:
    """A 640x480 picture whose left and right halves differ (a mirror image is told apart)."""
    rgb = np.zeros((480, 640, 3), dtype=np.uint8)
    rgb[:, :320] = (200, 30, 30)
    rgb[400:, 600:] = (10, 220, 10)
    return rgb


def still_person(frames: int) -> ReplayFactory:
    return ReplayFactory([front_still() for _ in range(frames)], keep_images=True)


# --- the processor and the board --------------------------------------------------------------


def test_a_mirrored_view_is_flipped_for_display_and_back_for_the_model() -> None:
    board = LiveBoard()
    replay = ReplayFactory([None], keep_images=True)
    processor = processor_factory(board, exercise=None, mirror=True, estimator_factory=replay)()
    rgb = asymmetric_frame()
    shown = processor.recv(av_frame(rgb, 0.0)).to_ndarray(format="rgb24")
    (estimator,) = replay.made
    assert np.array_equal(estimator.images[0], rgb)  # the model sees the camera's own frame
    # the picture shown is the mirror image (below the text panel in the top-left corner)
    assert np.array_equal(shown[400:, :40], rgb[400:, ::-1][:, :40])
    assert np.array_equal(shown[400:, 600:], rgb[400:, ::-1][:, 600:])
    processor.on_ended()


def test_the_persons_left_stays_their_left_in_a_mirrored_view() -> None:
    """The session is told the frames are mirrored: a person facing the camera keeps their left
    shoulder as LEFT, drawn where the mirror shows it."""
    from posecheck import Landmark

    board = LiveBoard()
    replay = still_person(3)
    processor = processor_factory(board, exercise=None, mirror=True, estimator_factory=replay)()
    processor.recv(av_frame(np.zeros((1000, 1000, 3), dtype=np.uint8), 0.0))
    frame = board.view().frame
    assert frame is not None and frame.pose is not None
    original = front_still()
    left = original.xy[Landmark.LEFT_SHOULDER][0]
    assert frame.pose.xy[Landmark.LEFT_SHOULDER][0] == pytest.approx(1000 - left)
    processor.on_ended()


def test_frames_are_timed_by_their_own_timestamps() -> None:
    board = LiveBoard()
    replay = still_person(5)
    processor = processor_factory(board, exercise=None, mirror=False, estimator_factory=replay)()
    rgb = np.zeros((1000, 1000, 3), dtype=np.uint8)
    for t_s in (0.0, 0.07, 0.2):  # uneven gaps, as WebRTC delivers them
        processor.recv(av_frame(rgb, t_s))
    assert replay.made[0].stamps == [0, 70, 200]
    processor.on_ended()


@pytest.mark.slow  # over 0.2 s on a clean clone: .ci/run runs it, make test keeps its time
def test_the_board_reports_speed_and_time_to_the_first_frame() -> None:
    clock = FakeClock()
    board = LiveBoard(clock=clock)
    replay = still_person(40)
    processor = processor_factory(board, exercise=None, mirror=False, estimator_factory=replay)()
    board.started(processor.session)  # as the factory does, at the fake clock's time
    rgb = np.zeros((1000, 1000, 3), dtype=np.uint8)
    clock.now += 1.5
    for index in range(31):  # 10 frames a second for 3 s
        processor.recv(av_frame(rgb, index / 10))
        clock.now += 0.1
    view = board.view()
    assert view.running and view.frames == 31
    assert view.first_frame_s == pytest.approx(1.5)
    assert view.fps == pytest.approx(10.0)
    processor.on_ended()


def test_someone_else_in_view_is_said_on_the_page_and_the_stance_check_waits() -> None:
    from posecheck.live.coach import CoachPhase
    from posecheck.live.definitions import CueKey
    from posecheck.live.stance import StancePhase
    from posecheck.ui.pages.live import _STANCE_WORDS, COACH_WORDS

    board = LiveBoard()
    counter = PeopleCount([2])
    processor = processor_factory(
        board,
        exercise=None,
        mirror=False,
        estimator_factory=still_person(5),
        counter_factory=lambda: counter,
    )()
    processor.recv(av_frame(np.zeros((1000, 1000, 3), dtype=np.uint8), 0.0))
    frame = board.view().frame
    assert frame is not None and frame.people == 2 and counter.calls == 1
    assert frame.stance.phase is StancePhase.OTHERS_IN_VIEW
    assert frame.cues[0].key is CueKey.OTHERS_IN_VIEW
    processor.on_ended()
    assert counter.closed
    # every phase the page shows has its words (no identifiers on the page)
    assert set(_STANCE_WORDS) == set(StancePhase) - {StancePhase.OFF}
    assert "Someone else" in _STANCE_WORDS[StancePhase.OTHERS_IN_VIEW]
    assert set(COACH_WORDS) == set(CoachPhase)
    assert all(len(words.split()) >= 3 for words in COACH_WORDS.values())  # words, not ids


def test_stopping_closes_the_session_and_keeps_its_summary() -> None:
    board = LiveBoard()
    replay = still_person(10)
    processor = processor_factory(
        board, exercise="standing_posture", mirror=False, estimator_factory=replay
    )()
    rgb = np.zeros((1000, 1000, 3), dtype=np.uint8)
    for index in range(10):
        processor.recv(av_frame(rgb, index / 10))
    processor.on_ended()
    processor.on_ended()  # the library may call it twice
    assert replay.made[0].closed
    assert not board.view().running
    (ended,) = board.ended_sets()
    assert ended.exercise == "standing_posture" and ended.summary.frames == 10
    # a frame arriving after the end is passed through, not processed
    after = processor.recv(av_frame(rgb, 2.0)).to_ndarray(format="rgb24")
    assert np.array_equal(after, rgb) and len(replay.made[0].stamps) == 10


def test_choosing_another_exercise_keeps_the_set_so_far() -> None:
    board = LiveBoard()
    assert not board.choose("heel_raises")  # nothing running: nothing to change
    replay = still_person(20)
    processor = processor_factory(board, exercise=None, mirror=False, estimator_factory=replay)()
    rgb = np.zeros((1000, 1000, 3), dtype=np.uint8)
    for index in range(5):
        processor.recv(av_frame(rgb, index / 10))
    assert board.choose("toe_walking", Side.LEFT)
    processor.recv(av_frame(rgb, 0.6))
    view = board.view()
    assert view.exercise == "toe_walking"
    assert view.frame is not None and view.frame.coach is not None
    assert view.frame.coach.exercise_id == "toe_walking"
    assert [item.exercise for item in board.ended_sets()] == [None]
    assert not board.follow("toe_walking")  # already on it: the set goes on
    assert [item.exercise for item in board.ended_sets()] == [None]
    assert board.restart()
    assert [item.exercise for item in board.ended_sets()] == ["toe_walking", None]
    assert board.follow("heel_raises") and board.view().exercise == "heel_raises"
    processor.on_ended()
    assert not board.follow("toe_walking")  # nothing running: nothing to change
    board.clear()
    assert board.ended_sets() == []


@pytest.mark.slow  # over 0.1 s on a clean clone: .ci/run runs it, make test keeps its time
@pytest.mark.parametrize("exercise", COACHED_IDS)
def test_every_coached_exercise_gives_annotated_frames(exercise: str) -> None:
    """Front-on and side-on, every coach's frames come back drawn (chin tucks, mini squats and
    standing on one leg raised KeyError in the overlay at every frame until 2026-12-06)."""
    board = LiveBoard()
    poses = [front_still() if i < 15 else side_chin_tuck(0.0) for i in range(30)]
    processor = processor_factory(
        board, exercise=exercise, mirror=False, estimator_factory=ReplayFactory(poses)
    )()
    rgb = np.zeros((1000, 1000, 3), dtype=np.uint8)
    for index in range(30):
        shown = processor.recv(av_frame(rgb, index / 10))
        assert shown.to_ndarray(format="rgb24").any(), index  # the skeleton and the panel
    assert board.view().frames == 30
    processor.on_ended()


def test_a_missing_model_is_reported_and_the_video_still_flows() -> None:
    board = LiveBoard()

    def no_model() -> Any:
        raise ModelError("Pose model lite is not installed.", code=ErrorCode.MODEL_UNAVAILABLE)

    processor = processor_factory(board, exercise=None, mirror=False, estimator_factory=no_model)()
    assert isinstance(processor, LiveProcessor) and processor.session is None
    rgb = asymmetric_frame()
    assert np.array_equal(processor.recv(av_frame(rgb, 0.0)).to_ndarray(format="rgb24"), rgb)
    view = board.view()
    assert view.error is not None and "not installed" in view.error
    processor.on_ended()


# --- the page, through AppTest ------------------------------------------------------------------


@dataclass
class FakeStreamer:
    """Stands in for ``webrtc_streamer``: records its arguments; once ``playing``, makes the
    processor from the factory at the first run, as the library does at START."""

    playing: bool = False
    signalling: bool = False
    calls: list[dict[str, Any]] = field(default_factory=list)
    processor: LiveProcessor | None = None

    def __call__(self, key: str, **kwargs: Any) -> SimpleNamespace:
        self.calls.append(kwargs)
        if self.playing and self.processor is None:
            self.processor = kwargs["video_processor_factory"]()
        state = SimpleNamespace(playing=self.playing, signalling=self.signalling)
        return SimpleNamespace(state=state)

    def stop(self) -> None:
        self.playing = False
        if self.processor is not None:
            self.processor.on_ended()
            self.processor = None


@pytest.fixture
def streamer(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeStreamer]:
    """The page imports ``webrtc_streamer`` from the module at every run: it gets the fake."""
    fake = FakeStreamer()
    monkeypatch.setattr(streamlit_webrtc, "webrtc_streamer", fake)
    yield fake
    fake.stop()


#: Sets what the live page opens its model with (``video_estimator``'s stand-in).
SetOpener = Callable[[Callable[[str], Any]], None]


@pytest.fixture
def live_opener(monkeypatch: pytest.MonkeyPatch) -> Iterator[SetOpener]:
    """Sets what the live page opens its model with, for one test; the page keeps the opened model
    once per process, so that cache is emptied before and after."""
    import posecheck.ui.live as live_module

    live_module.load_live_model.clear()

    def set_opener(opener: Callable[[str], Any]) -> None:
        monkeypatch.setattr(live_module, "video_estimator", opener)
        monkeypatch.setattr(live_module, "people_counter", opener)

    yield set_opener
    live_module.load_live_model.clear()


@pytest.fixture
def model_opens(live_opener: SetOpener) -> None:
    """The page opens the live model before Start; these page tests need only that it opened
    (the real lite model is opened by the slow tests, which need it installed)."""

    class Opened:
        def close(self) -> None:
            pass

    live_opener(lambda model: Opened)


def letterboxed(name: str) -> np.ndarray:
    """A sample render inside a 640x480 camera frame."""
    path = next(p for p in sample_paths() if p.stem == name)
    bgr = cv2.imread(str(path))
    height, width = bgr.shape[:2]
    scale = min(640 / width, 480 / height)
    small = cv2.resize(bgr, (round(width * scale), round(height * scale)))
    canvas = np.full((480, 640, 3), 200, dtype=np.uint8)
    top, left = (480 - small.shape[0]) // 2, (640 - small.shape[1]) // 2
    canvas[top : top + small.shape[0], left : left + small.shape[1]] = small
    return cv2.cvtColor(canvas, cv2.COLOR_BGR2RGB)


def feed(processor: LiveProcessor | None, rgb: np.ndarray, frames: int, start: int = 0) -> int:
    """``frames`` frames at 15 a second, numbered from ``start``; the next number."""
    assert processor is not None
    for index in range(start, start + frames):
        processor.recv(av_frame(rgb, index / 15))
    return start + frames


def texts(app: AppTest) -> str:
    kinds = ("markdown", "caption", "subheader", "header", "info", "warning", "error", "metric")
    parts = []
    for kind in kinds:
        for element in app.get(kind):
            value = getattr(element, "value", "")
            label = getattr(element, "label", "")
            parts.append(f"{label} {value}")
    return "\n".join(parts)


def test_the_camera_is_asked_for_offline_at_640x480(
    streamer: FakeStreamer, model_opens: None
) -> None:
    app = AppTest.from_file(LIVE_PAGE, default_timeout=60).run()
    assert not app.exception, app.exception
    call = streamer.calls[-1]
    assert call["rtc_configuration"] == {"iceServers": []}  # no STUN server, not even Google's
    video = call["media_stream_constraints"]["video"]
    assert video["width"] == {"ideal": 640} and video["height"] == {"ideal": 480}
    assert call["media_stream_constraints"]["audio"] is False
    assert "blocked" in call["translations"]["device_access_denied"]
    assert "No camera" in call["translations"]["device_not_available"]
    assert "Press **Start**" in texts(app)
    # every coached exercise can be chosen, with where to put the camera
    options = app.selectbox(key="live-exercise").options
    assert len(options) == 1 + len(COACHED_IDS) == 14 and options[0] == "Stance check"
    app.selectbox(key="live-exercise").select_index(6).run()  # ankle circles
    assert "Where to put the camera" in texts(app) and "knee height" in texts(app)
    assert app.radio(key="live-side").value == "right"


def test_the_connection_that_never_comes_points_to_the_snapshot(
    streamer: FakeStreamer, model_opens: None
) -> None:
    app = AppTest.from_file(LIVE_PAGE, default_timeout=60)
    streamer.signalling = True
    app.run()
    app.session_state["live-connecting-since"] = 0.0  # a long time ago
    app.run()
    assert any("snapshot" in w.value for w in app.warning)


def test_the_stance_table_says_what_it_cannot_judge() -> None:
    """The live page's stance table: each mean with its error band and spread, a held reading
    "not judged" (its reason under the table), an experimental one marked as such, and the
    measures with no mean listed, not dropped, their reason said once under the table."""
    from posecheck.live.stance import StanceMeasure, StanceResult
    from posecheck.measures import HELD_WORDS_LIVE, MEASURES_BY_NAME, MeasureName
    from posecheck.types import Status, Unit, View
    from posecheck.ui.pages.live import NOT_MEASURED_STATUS, stance_rows

    why = "a value on 0 of 60 still frames: the camera's roll is not known"
    unknown = [
        StanceMeasure(name, None, None, 0, Unit.PCT_HIP_WIDTH, Status.UNKNOWN, (-10.0, 10.0), why)
        for name in (MeasureName.TRUNK_SHIFT, MeasureName.PELVIS_SHIFT)
    ]
    measures = {**stance_readings(), **{m.name: m for m in unknown}}
    result = StanceResult(4000.0, 4000.0, 60, View.FRONT, 0.002, measures)
    rows = {row["measure"]: row for row in stance_rows(result)}
    assert rows["shoulder level"]["status"] == HELD_WORDS_LIVE
    assert rows["shoulder level"]["mean ± error (spread)"] == "+10.6 ± 5.0 (sd 0.2) deg"
    assert rows["hip level"]["status"].endswith("(experimental: shown, not judged)")
    assert rows["left knee angle from the front"]["status"] == "within the usual range"
    labels = [MEASURES_BY_NAME[m.name].label for m in unknown]
    for label in labels:
        assert rows[label]["mean ± error (spread)"] == "not measured"
        assert rows[label]["status"] == NOT_MEASURED_STATUS
    assert result.notes() == [
        "Shoulder level: the camera's roll is not known.",
        f"Not measured, the {labels[0]} and {labels[1]}: {why}.",
    ]


def test_the_stance_body_map_is_drawn_again_only_when_a_region_changes() -> None:
    from dataclasses import replace

    from posecheck.bodymap import MAP_HEIGHT, MAP_WIDTH
    from posecheck.live.stance import StanceMeasure, StanceResult
    from posecheck.measures import MeasureName
    from posecheck.types import Status, Unit, View
    from posecheck.ui.pages.live import stance_map

    knee = StanceMeasure(
        MeasureName.LEFT_KNEE_ANGLE_FRONTAL, 1.0, 0.2, 60, Unit.DEG, Status.NORMAL, (-5.0, 5.0),
        "", 5.0,
    )  # fmt: skip
    result = StanceResult(4000.0, 4000.0, 60, View.FRONT, 0.002, {knee.name: knee})
    first = stance_map(result)
    picture = cv2.imdecode(np.frombuffer(first, np.uint8), cv2.IMREAD_COLOR)
    assert picture.shape == (MAP_HEIGHT, MAP_WIDTH, 3)
    steadier = replace(knee, value=1.3, spread=0.1)
    assert stance_map(replace(result, measures={knee.name: steadier})) == first
    inward = replace(knee, value=12.0, status=Status.MILD)
    assert stance_map(replace(result, measures={knee.name: inward})) != first


def test_the_stance_says_whether_the_cameras_tilt_is_known() -> None:
    from posecheck.types import CameraRoll
    from posecheck.ui.pages.live import level_words

    assert level_words(None) == ""  # no estimate yet
    found = level_words(CameraRoll(-3.04, 0.8, "lsd", ""))
    assert "tilted 3.0°" in found and "allow for it" in found
    unknown = level_words(CameraRoll(None, 0.0, "lsd", "no edges"))
    assert "not known" in unknown and "not judged" in unknown and "door frame" in unknown
    not_measured = (
        "not measured (the shoulder level, the head tilt and forward position, the trunk's lean, "
        "the body's positions over the feet)"
    )
    assert not_measured in unknown
    # a weak estimate is enough for the levels and the head: only some positions go
    rough = level_words(CameraRoll(2.0, 0.2, "lsd", ""))
    assert "only roughly known (about 2°" in rough and "not judged" in rough
    assert "(some of the body's positions over the feet) are not measured" in rough
    assert "head" not in rough and "level" not in rough


@pytest.mark.slow
def test_the_live_page_shows_the_stance_check_and_the_coach(streamer: FakeStreamer) -> None:
    """The real lite model on a sample render held still in front of a fake camera."""
    app = AppTest.from_file(LIVE_PAGE, default_timeout=60).run()
    streamer.playing = True
    app.run()  # START: the page's factory makes the processor (and its session)
    assert not app.exception, app.exception
    rgb = letterboxed("woman_neutral_front")
    done = feed(streamer.processor, rgb, 90)  # 6 s
    app.run()
    page = texts(app)
    assert "Stance check" in page and "camera pictures checked: 90" in page
    assert len(app.table) >= 1  # the stance's averaged measures
    # switch to the posture hold: the page's chooser reaches the running session
    app.selectbox(key="live-exercise").set_value("standing_posture").run()
    feed(streamer.processor, rgb, 30, done)
    app.run()
    page = texts(app)
    assert "Standing posture hold" in page and "Time" in page
    assert "Session summary" in page  # the stance check so far was kept
    assert re.search(r"\d+ s in front of the camera \(90 pictures checked\)", page), page
    streamer.stop()
    app.run()
    assert not app.exception, app.exception
    summaries = [e.label for e in app.expander]
    assert "Standing posture hold" in summaries and "Stance check" in summaries
    # each set's summary as a PDF and as JSON
    labels = [button.proto.label for button in app.get("download_button")]
    assert labels.count("Download this summary (PDF)") == 2
    assert labels.count("Download this summary (JSON)") == 2
    assert DISCLAIMER in texts(app)  # not a diagnosis: said under the summaries too


@pytest.mark.slow  # 1.5 s: .ci/run runs it, make test keeps its time
def test_the_foot_routine_goes_on_to_the_next_exercise(
    streamer: FakeStreamer, live_opener: SetOpener, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Toe walking (20 s on the toes, the routine's second exercise) done in front of the camera:
    the page says what comes next and where its camera goes, and a button starts it while the
    camera keeps running."""
    import posecheck.ui.live as live_module

    times = [i * 1000 / 15 for i in range(15 * 26)]
    up = [side_standing(0.4 * plateaus(t, [(2000, 24500)]), walk_x=-t / 100) for t in times]
    monkeypatch.setattr(live_module, "video_estimator", lambda model: ReplayFactory(up))
    monkeypatch.setattr(live_module, "people_counter", counts_alone)
    app = AppTest.from_file(LIVE_PAGE, default_timeout=60).run()
    app.selectbox(key="live-exercise").set_value("toe_walking").run()
    streamer.playing = True
    app.run()
    rgb = np.zeros((480, 640, 3), dtype=np.uint8)
    done = feed(streamer.processor, rgb, len(times) - 1)
    app.run()
    assert not app.exception, app.exception
    page = texts(app).replace("**", "")
    assert "Time 20 of 20 s" in page
    following = Coach("toe_stretching")
    assert f"Next in the foot routine (3 of 7): {following.name}." in page
    assert following.summary().camera in page
    app.button(key="live-next").click().run()
    assert not app.exception, app.exception
    assert app.selectbox(key="live-exercise").value == "toe_stretching"
    feed(streamer.processor, rgb, 1, done)
    app.run()
    assert app.subheader[0].value.startswith(following.name)  # now coached, its first side
    assert "Toe walking" in [e.label for e in app.expander]  # the set done, in the summaries
    assert not any(b.key == "live-next" for b in app.button)


@pytest.mark.slow  # over 0.1 s: .ci/run runs it, make test keeps its time
def test_the_chosen_exercise_shows_how_to_do_it(model_opens: None, streamer: FakeStreamer) -> None:
    """Its steps, dose, cautions and pictures under the chooser; nothing for the stance check or
    the posture hold, which are the coach's own."""
    from posecheck import load_catalogue

    app = AppTest.from_file(LIVE_PAGE, default_timeout=60).run()
    assert not [e for e in app.expander if e.label == "How to do it, step by step"]
    app.selectbox(key="live-exercise").set_value("toe_pressing").run()
    assert not app.exception, app.exception
    (how,) = [e for e in app.expander if e.label == "How to do it, step by step"]
    exercise = next(e for e in load_catalogue() if e.id == "toe_pressing")
    shown = " ".join(m.value for m in how.markdown)
    assert all(step in shown for step in exercise.steps)
    assert exercise.cautions[0] in shown
    assert len(how.get("image")) >= 1  # its pictures
    app.selectbox(key="live-exercise").set_value("standing_posture").run()
    assert not [e for e in app.expander if e.label == "How to do it, step by step"]


def test_the_foot_routine_runs_in_order_and_ends() -> None:
    from posecheck import COACHED_IDS, FOOT_CARE_IDS, next_in_routine

    order = ["toe_pressing"]
    while (following := next_in_routine(order[-1])) is not None:
        order.append(following)
    assert tuple(order) == FOOT_CARE_IDS and len(order) == 7
    assert next_in_routine("heel_raises") is None and next_in_routine(None) is None
    assert set(FOOT_CARE_IDS) <= set(COACHED_IDS)  # each one coached


@pytest.mark.slow  # 0.4 s: .ci/run runs it, make test keeps its time
def test_the_last_foot_exercise_says_the_routine_is_done() -> None:
    """After the seventh foot exercise the page says the routine is done, with no next button;
    after an exercise outside the routine it says nothing of one."""

    def after(done: str) -> None:
        from posecheck.ui.pages.live import _next_in_routine

        _next_in_routine(done)

    from posecheck import FOOT_CARE_IDS

    last = AppTest.from_function(after, args=(FOOT_CARE_IDS[-1],)).run()
    assert not last.exception, last.exception
    assert [s.value for s in last.success] == [
        "That was the last of the 7 foot exercises: the routine is done."
    ]
    assert not last.button and not last.info
    other = AppTest.from_function(after, args=("heel_raises",)).run()
    assert not other.exception and not other.success and not other.info and not other.button


@pytest.mark.slow
def test_the_snapshot_goes_through_the_photo_path(streamer: FakeStreamer) -> None:
    """The snapshot's report, with the camera running (the snapshot is for a camera that is not;
    a person may use both): a coach button in its plan reaches the running session too."""
    app = AppTest.from_file(LIVE_PAGE, default_timeout=120).run()
    streamer.playing = True
    app.run()  # START: the stance check runs
    picture = next(p for p in sample_paths() if p.stem == "man_misaligned_front").read_bytes()
    app.get("camera_input")[0].set_value(("image.jpg", picture, "image/jpeg")).run()  # type: ignore[attr-defined]
    assert not app.exception, app.exception
    images: Any = app.get("image")
    captions = [picture.caption for image in images for picture in image.proto.imgs]
    assert [c for c in captions if c.startswith("snapshot.jpg")] == captions[:1]  # the photo
    assert len(captions) > 1  # and the plan's exercises, with their pictures
    assert "What we saw" in texts(app)
    # an exercise of its plan, done with the coach: the chooser above takes it
    app.button(key="coach-ankle_circles").click().run()
    assert not app.exception, app.exception
    assert app.selectbox(key="live-exercise").value == "ankle_circles"
    from posecheck.ui.pages.live import BOARD_KEY

    assert app.session_state[BOARD_KEY].view().exercise == "ankle_circles"


def test_a_missing_live_model_is_said_on_the_page_before_start(
    streamer: FakeStreamer, live_opener: SetOpener
) -> None:
    def no_model(model: str) -> Any:
        raise ModelError(f"Pose model {model} is not installed.", code=ErrorCode.MODEL_UNAVAILABLE)

    live_opener(no_model)
    app = AppTest.from_file(LIVE_PAGE, default_timeout=60).run()
    assert not app.exception, app.exception
    assert any("lite is not installed" in e.value for e in app.error)
    assert not streamer.calls  # no camera offered without a model
    assert len(app.get("camera_input")) == 1  # the snapshot still works
    assert DISCLAIMER in texts(app)


# --- a recorded clip -----------------------------------------------------------------------------


@pytest.mark.slow  # over 0.2 s: .ci/run runs it, make test keeps its time
def test_the_live_page_analyses_an_uploaded_clip(
    streamer: FakeStreamer, model_opens: None, clip_replays: list[ReplayFactory]
) -> None:
    frames, factory = heel_raises_clip(2)
    clip_replays.append(factory)
    app = AppTest.from_file(LIVE_PAGE, default_timeout=60).run()
    app.selectbox(key="live-exercise").set_value("heel_raises").run()
    clip = [("my raises.mp4", clip_bytes(frames), "video/mp4")]
    app.get("file_uploader")[0].set_value(clip).run()  # type: ignore[attr-defined]
    assert not app.exception, app.exception
    page = texts(app)
    assert "Heel raises: my raises.mp4" in page
    assert "set: 2 of 20" in page
    assert len(app.get("video")) == 1
    labels = [button.proto.label for button in app.get("download_button")]
    assert "Download the clip with the overlay (MP4)" in labels
    assert "Download each frame's figures (CSV)" in labels
    assert "Download this summary (PDF)" in labels
    made = len(factory.made)
    app.run()  # a rerun shows the kept result: the clip is not analysed again
    assert len(factory.made) == made and "set: 2 of 20" in texts(app)
    app.get("file_uploader")[0].set_value([]).run()  # type: ignore[attr-defined]
    assert not app.get("video") and "posecheck_live_clip" not in app.session_state


@pytest.mark.slow  # over 0.2 s: .ci/run runs it, make test keeps its time
def test_the_live_page_says_why_an_upload_is_not_a_clip(
    streamer: FakeStreamer, model_opens: None, clip_replays: list[ReplayFactory]
) -> None:
    app = AppTest.from_file(LIVE_PAGE, default_timeout=60).run()
    jpeg = next(p for p in sample_paths() if p.stem == "child_front").read_bytes()
    app.get("file_uploader")[0].set_value([("me.mp4", jpeg, "video/mp4")]).run()  # type: ignore[attr-defined]
    assert not app.exception, app.exception
    assert any("is a JPEG photo, not a video" in e.value for e in app.error)
    assert not app.get("video")


@pytest.mark.slow  # over 0.2 s: .ci/run runs it, make test keeps its time
def test_the_sample_clip_is_a_button_away(
    streamer: FakeStreamer, model_opens: None, clip_replays: list[ReplayFactory]
) -> None:
    """No clip at hand: the packaged sample (heel raises, side-on) is analysed for heel raises."""
    _, factory = heel_raises_clip(4)
    clip_replays.append(factory)
    app = AppTest.from_file(LIVE_PAGE, default_timeout=60).run()
    assert not app.get("video")
    app.button(key="live-clip-sample").click().run()
    assert not app.exception, app.exception
    assert app.selectbox(key="live-exercise").value == "heel_raises"
    assert f"Heel raises: {plain('heel_raises_side.mp4')}" in texts(app)  # as markdown shows it
    assert len(app.get("video")) == 1 and len(factory.made) == 1
    app.button(key="live-clip-close").click().run()
    assert not app.get("video") and "posecheck_live_clip" not in app.session_state
    app.button(key="live-clip-sample").click().run()  # again: analysed again
    assert len(app.get("video")) == 1
    clip = [("mine.mp4", clip_bytes(heel_raises_clip(1)[0]), "video/mp4")]
    clip_replays.append(heel_raises_clip(1)[1])
    app.get("file_uploader")[0].set_value(clip).run()  # type: ignore[attr-defined]
    assert "Heel raises: mine.mp4" in texts(app)  # the user's own clip comes first
