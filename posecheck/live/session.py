"""One live frame pipeline: ``(rgb, t_ms)`` in, an immutable :class:`LiveFrame` out.

Webcams, the desktop window and video files all feed a :class:`LiveSession`::

    with LiveSession(video_estimator("lite"), exercise="ankle_circles") as session:
        for t_ms, rgb in frames:
            frame = session.process(rgb, t_ms)

Per frame: the session's own VIDEO-mode pose estimator (one person: MediaPipe then smooths the
landmarks itself, so the session adds no second filter on them) -> the pose -> its view
(``posecheck.views.detect_view``) -> the photo path's measures (``posecheck.measures.measure_pose``,
never re-implemented; taken on every still frame, for the stance check, and at most every
``measure_interval_ms`` otherwise) -> the stance check -> the exercise coach (signals, a light
one-euro filter on them, the tracker, cues). ``latest()`` returns the newest frame under a lock,
for another thread (a UI) to read.

**Time.** ``t_ms`` is the frame's time in milliseconds. MediaPipe needs strictly increasing
whole-millisecond timestamps and cannot be reset: a frame stamped at or before the previous one
is nudged to 1 ms after it when equal, and when earlier (a camera restarted, its timestamps back
at 0) the session opens a **new** estimator and the trackers see the time go back, which they
treat as a restart (counts kept, the movement under way dropped).

**Estimators.** The session takes a factory, called once at the start and again after every
restart; it never shares an estimator with another session. :func:`video_estimator` makes the
real one; tests pass a replay of recorded poses.

**Other people.** The live estimator follows one person and cannot see a second, who may walk
in (or be followed instead). With a ``people_counter`` (:func:`people_counter`: the photo path's
IMAGE-mode estimator, up to four people), the session counts the people in the frame every
``LiveSettings.people_interval_ms`` while someone is in view; with more than one, the stance
check waits (its stretch ends, its last result stays) and the coach's cues start with a request
to be alone in the picture.

**Mirrored frames.** With ``LiveSettings(mirrored=True)`` (a selfie view), each frame is flipped
back before the model, so the person's left and right and the direction of a circle stay the
person's; the pose in the :class:`LiveFrame` is flipped again into the frame's own pixels for
drawing.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Protocol

import numpy as np

from posecheck.estimator import EstimatorSettings, PoseEstimator
from posecheck.live.coach import Coach, CoachState, CoachSummary, Cue
from posecheck.live.definitions import CUES, STANDING_POSTURE, CueKey
from posecheck.live.stance import StanceCheck, StanceParams, StancePhase, StanceResult, StanceState
from posecheck.measures import Measurement, MeasureName, measure_pose
from posecheck.roll import body_box, estimate_roll
from posecheck.types import CameraRoll, Closing, Detection, ModelName, Pose, Side
from posecheck.views import ViewEstimate, detect_view

#: Settings of the live estimator: one person (MediaPipe's own landmark smoothing stays on).
LIVE_ESTIMATOR_SETTINGS = EstimatorSettings(
    max_people=1,
    min_detection_confidence=0.5,
    min_presence_confidence=0.5,
    min_tracking_confidence=0.5,
)


class FrameEstimator(Protocol):
    """What a session needs of an estimator: ``detect`` in video mode, and ``close``."""

    def detect(self, rgb: np.ndarray, *, timestamp_ms: int | None = None) -> Detection | None: ...

    def close(self) -> None: ...


EstimatorFactory = Callable[[], FrameEstimator]


def video_estimator(
    model: ModelName | str = ModelName.LITE,
    settings: EstimatorSettings = LIVE_ESTIMATOR_SETTINGS,
) -> EstimatorFactory:
    """A factory of VIDEO-mode estimators of an installed model (each call loads a new one)."""

    def make() -> FrameEstimator:
        return PoseEstimator.open(model, mode="video", settings=settings)

    return make


def people_counter(model: ModelName | str = ModelName.LITE) -> EstimatorFactory:
    """A factory of IMAGE-mode estimators of an installed model with the photo path's settings
    (several people, each frame on its own): a session counts the people in view with one."""

    def make() -> FrameEstimator:
        return PoseEstimator.open(model, mode="image", settings=EstimatorSettings())

    return make


@dataclass(frozen=True)
class LiveSettings:
    """How a session works.

    Attributes:
        measure_interval_ms: the photo path's measures are taken on every still frame (the
            stance check averages them) and otherwise at most this often (0: every frame).
        stance: when the person counts as standing still, and for how long.
        mirrored: the frames are mirror images (a selfie view): flip them back for the model.
        roll_interval_ms: how often the camera's roll is estimated again from the scene's
            straight edges (``posecheck.roll``, as for a photo: about 6 ms on a 640x480 frame),
            while a person is in view; 0: never (the roll unknown, so every reading against the
            horizontal or vertical is held back from a finding).
        people_interval_ms: how often the people in view are counted (with the session's
            ``people_counter``: one more run of the model, about 25-35 ms on a 640x480 frame
            with the lite model), while a person is in view; 0: never.
    """

    measure_interval_ms: float = 500.0
    stance: StanceParams = field(default_factory=StanceParams)
    mirrored: bool = False
    roll_interval_ms: float = 5000.0
    people_interval_ms: float = 2000.0

    def __post_init__(self) -> None:
        for name in ("measure_interval_ms", "roll_interval_ms", "people_interval_ms"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value >= 0):
                raise ValueError(f"LiveSettings.{name}: expected >= 0, got {value}")


@dataclass(frozen=True)
class LiveFrame:
    """What the session made of one frame (an immutable snapshot).

    Attributes:
        index: frames processed by this session before this one.
        t_ms: the frame's time as used (after nudging an equal timestamp forward).
        image_size: (width, height) of the frame.
        pose: the person's landmarks in the frame's own pixels, or None when nobody was found.
        view: the view of this frame's pose, or None.
        measures: the photo path's measures, keyed by name, taken at ``measures_t_ms`` (this
            frame, or an earlier one: see ``LiveSettings.measure_interval_ms``); empty before any.
        stance: the stance check's state (its ``result`` holds the averaged measures); phase
            ``off`` while an exercise other than the posture hold is coached.
        measures_t_ms: when ``measures`` were taken; None before any.
        coach: the exercise coach's state; None with no exercise.
        cues: what to tell the person now, most important first.
        restarts: timestamp restarts seen (each opened a new estimator).
        roll: the camera's roll as last estimated from the scene (the measures use it), or None
            before any estimate (or with ``LiveSettings.roll_interval_ms`` 0).
        people: the people in view at the last count (see ``LiveSettings.people_interval_ms``),
            or None before the first (or with no counter).
    """

    index: int
    t_ms: float
    image_size: tuple[int, int]
    pose: Pose | None
    view: ViewEstimate | None
    measures: Mapping[MeasureName, Measurement]
    measures_t_ms: float | None
    stance: StanceState
    coach: CoachState | None
    cues: tuple[Cue, ...]
    restarts: int
    roll: CameraRoll | None = None
    people: int | None = None

    @property
    def others_in_view(self) -> bool:
        """Someone besides the person followed in this frame was in view at the last count."""
        return self.pose is not None and self.people is not None and self.people > 1


@dataclass(frozen=True)
class SessionSummary:
    """A session so far: frames seen, the exercise's summary, the latest stance result.

    Attributes:
        frames: frames processed.
        frames_with_person: frames in which a person was found.
        duration_ms: from the first frame to the last (restarts add their own spans).
        exercise: the coach's summary; None with no exercise.
        stance: the latest stance result; None when the person never stood still long enough.
        restarts: timestamp restarts seen.
        frames_with_others: frames in which someone else was in view (at the last count).
    """

    frames: int
    frames_with_person: int
    duration_ms: float
    exercise: CoachSummary | None
    stance: StanceResult | None
    restarts: int
    frames_with_others: int = 0


class _Clock:
    """The session's time: restarts, nudged equal timestamps, MediaPipe's whole milliseconds.

    A restart is a timestamp before the previous one *as given*; one equal to it (or falling
    before the time used for the previous frame, after nudging) is used as 1 ms after that.
    """

    def __init__(self) -> None:
        self.last_given: float | None = None
        self.last_ms: float | None = None
        self.last_stamp = -1
        self.span_ms = 0.0

    def advance(self, t_ms: float) -> tuple[float, bool]:
        """(the time to use, whether this is a restart)."""
        if not math.isfinite(t_ms):
            raise ValueError(f"t_ms: expected a finite time in milliseconds, got {t_ms}")
        given, last = t_ms, self.last_ms
        restarted = self.last_given is not None and given < self.last_given
        if restarted:
            self.last_stamp = -1
        elif last is not None:
            t_ms = max(t_ms, last + 1.0)
            self.span_ms += t_ms - last
        self.last_given, self.last_ms = given, t_ms
        return t_ms, restarted

    def stamp(self, t_ms: float) -> int:
        stamp = max(round(t_ms), self.last_stamp + 1)
        self.last_stamp = stamp
        return stamp


class LiveSession(Closing):
    """The live pipeline for one camera or clip (see the module docstring).

    ``exercise``: a coached exercise id (``posecheck.live.definitions.COACHED_IDS``), or None for
    the stance check alone; ``first_side``: the side a per-side exercise starts on;
    ``people_counter``: makes (once, at the start) the estimator that counts the people in view
    (None: nobody else is looked for). Thread use:
    one thread calls :meth:`process`; any thread may call :meth:`latest`, :meth:`summary`,
    :meth:`reset`, :meth:`start_exercise` and :meth:`close`.
    """

    def __init__(
        self,
        estimator_factory: EstimatorFactory,
        *,
        exercise: str | None = None,
        first_side: Side = Side.RIGHT,
        settings: LiveSettings | None = None,
        measure: MeasureFn | None = None,
        people_counter: EstimatorFactory | None = None,
    ) -> None:
        self.settings = settings or LiveSettings()
        self._factory = estimator_factory
        self._measure = measure or _measure
        self._lock = threading.RLock()
        self._latest_lock = threading.Lock()
        self._latest: LiveFrame | None = None
        self._closed = False
        self._first_side = first_side
        self._coach = Coach(exercise, first_side=first_side) if exercise is not None else None
        self._estimator: FrameEstimator = estimator_factory()
        try:
            self._counter = people_counter() if people_counter is not None else None
        except BaseException:
            self._estimator.close()
            raise
        self._restarts = 0
        # the clock outlives reset(): the estimator it stamps for is kept
        self._clock = _Clock()
        self._reset_state()

    @property
    def exercise(self) -> str | None:
        return self._coach.definition.exercise_id if self._coach is not None else None

    def _reset_state(self) -> None:
        self._clock.span_ms = 0.0
        self._stance = StanceCheck(self.settings.stance)
        self._measures: Mapping[MeasureName, Measurement] = MappingProxyType({})
        self._measures_ms: float | None = None
        self._roll: CameraRoll | None = None
        self._roll_ms: float | None = None
        self._people: int | None = None
        self._people_ms: float | None = None
        self._frames = 0
        self._with_person = 0
        self._with_others = 0
        if self._coach is not None:
            self._coach.reset()

    def reset(self) -> None:
        """Start again: counts, the stance check, measures. The estimator is kept, and so is the
        time: a timestamp before the last one is still a restart (a new estimator)."""
        with self._lock:
            self._reset_state()
            self._restarts = 0
            with self._latest_lock:
                self._latest = None

    def start_exercise(self, exercise: str | None, first_side: Side | None = None) -> None:
        """Coach another exercise (or none) from now on; the stance check carries on."""
        side = first_side or self._first_side
        coach = Coach(exercise, first_side=side) if exercise is not None else None
        with self._lock:
            self._coach = coach

    def process(self, rgb: np.ndarray, t_ms: float) -> LiveFrame:
        """Run one RGB uint8 frame taken at ``t_ms`` through the pipeline."""
        if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8:
            raise ValueError(
                f"process: expected an (H, W, 3) uint8 RGB array, got {rgb.shape} {rgb.dtype}"
            )
        with self._lock:
            if self._closed:
                raise RuntimeError("process: the session is closed")
            t_ms, restarted = self._clock.advance(float(t_ms))
            if restarted:
                self._reopen()
            frame = self._process(rgb, t_ms)
        with self._latest_lock:
            self._latest = frame
        return frame

    def _reopen(self) -> None:
        """A new landmarker: MediaPipe's cannot go back in time."""
        self._restarts += 1
        old = self._estimator
        self._estimator = self._factory()
        old.close()

    def _process(self, rgb: np.ndarray, t_ms: float) -> LiveFrame:
        height, width = rgb.shape[:2]
        mirrored = self.settings.mirrored
        image = np.ascontiguousarray(rgb[:, ::-1]) if mirrored else rgb
        detection = self._estimator.detect(image, timestamp_ms=self._clock.stamp(t_ms))
        pose = detection.subject if detection is not None else None
        view = detect_view(pose) if pose is not None else None
        if pose is not None:
            self._update_roll(image, pose, t_ms)
            self._count_people(image, t_ms)
        # not counted again when the person comes back after a frame without them: the model
        # misses a person now and then, and each return would cost a count
        others = pose is not None and self._people is not None and self._people > 1
        lazy = None
        if pose is not None and view is not None:
            lazy = _LazyMeasures(self._measure, pose, view, self._roll)
        if self._checks_stance():
            measure = lazy.get if lazy else _no_measures
            stance = self._stance.update(pose, view, t_ms, measure, others=others)
        else:
            stance = self._stance.off()
        due = _due(self._measures_ms, t_ms, self.settings.measure_interval_ms)
        if lazy is not None and (lazy.taken or due):
            self._measures = lazy.get()
            self._measures_ms = t_ms
        coach = self._coach.update(pose, view, t_ms) if self._coach is not None else None
        cues = coach.cues if coach is not None else _stance_cues(stance)
        if others and coach is not None:
            cues = (_OTHERS_CUE, *cues)
        index = self._frames
        self._frames += 1
        self._with_person += pose is not None
        self._with_others += others
        return LiveFrame(
            index=index,
            t_ms=t_ms,
            image_size=(width, height),
            pose=_mirror_pose(pose) if mirrored and pose is not None else pose,
            view=view,
            measures=self._measures,
            measures_t_ms=self._measures_ms,
            stance=stance,
            coach=coach,
            cues=cues,
            restarts=self._restarts,
            roll=self._roll,
            people=self._people,
        )

    def _update_roll(self, image: np.ndarray, pose: Pose, t_ms: float) -> None:
        """The camera's roll from the scene's edges outside the person, when it is due."""
        interval = self.settings.roll_interval_ms
        if interval <= 0 or not _due(self._roll_ms, t_ms, interval):
            return
        self._roll = estimate_roll(image, person_box=body_box(pose))
        self._roll_ms = t_ms

    def _count_people(self, image: np.ndarray, t_ms: float) -> None:
        """The people in the frame (distinct bodies, as a photo's are counted), when it is due."""
        interval = self.settings.people_interval_ms
        if self._counter is None or interval <= 0 or not _due(self._people_ms, t_ms, interval):
            return
        detection = self._counter.detect(image)
        self._people = detection.people_detected if detection is not None else 0
        self._people_ms = t_ms

    def _checks_stance(self) -> bool:
        """The stance check runs alone or with the posture hold, not during other exercises."""
        return self._coach is None or self._coach.definition.exercise_id == STANDING_POSTURE

    def latest(self) -> LiveFrame | None:
        """The newest frame processed (None before any), safe to call from any thread."""
        with self._latest_lock:
            return self._latest

    def summary(self) -> SessionSummary:
        with self._lock:
            return SessionSummary(
                frames=self._frames,
                frames_with_person=self._with_person,
                duration_ms=self._clock.span_ms,
                exercise=self._coach.summary() if self._coach is not None else None,
                stance=self._stance.state().result,
                restarts=self._restarts,
                frames_with_others=self._with_others,
            )

    def close(self) -> None:
        """Release the estimator; the session cannot process frames after this."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._estimator.close()
            if self._counter is not None:
                self._counter.close()


def _due(last_ms: float | None, t_ms: float, interval_ms: float) -> bool:
    """Whether something last done at ``last_ms`` is due again at ``t_ms``: never done, done
    ``interval_ms`` or more ago, or the time went back (a restart)."""
    return last_ms is None or not last_ms <= t_ms < last_ms + interval_ms


MeasureFn = Callable[[Pose, ViewEstimate, CameraRoll | None], Mapping[MeasureName, Measurement]]


def _measure(
    pose: Pose, view: ViewEstimate, roll: CameraRoll | None
) -> Mapping[MeasureName, Measurement]:
    return measure_pose(pose, view, roll)


def _no_measures() -> Mapping[MeasureName, Measurement]:
    return MappingProxyType({})


class _LazyMeasures:
    """One frame's measures, taken on first use only (most moving frames never need them)."""

    def __init__(
        self, measure: MeasureFn, pose: Pose, view: ViewEstimate, roll: CameraRoll | None
    ) -> None:
        self._measure = measure
        self._pose = pose
        self._view = view
        self._roll = roll
        self._value: Mapping[MeasureName, Measurement] | None = None

    @property
    def taken(self) -> bool:
        return self._value is not None

    def get(self) -> Mapping[MeasureName, Measurement]:
        if self._value is None:
            measured = self._measure(self._pose, self._view, self._roll)
            self._value = MappingProxyType(dict(measured))
        return self._value


def _mirror_pose(pose: Pose) -> Pose:
    """The pose in the mirrored frame's pixels: x flipped, the labels kept (still the person's)."""
    width = pose.image_size[0]
    xy = pose.xy.copy()
    xy[:, 0] = width - xy[:, 0]
    return replace(pose, xy=xy)


_STANCE_WORDS: Mapping[StancePhase, str] = MappingProxyType(
    {
        StancePhase.NO_PERSON: "Step back until your whole body is in view",
        StancePhase.NOT_STANDING: "Stand up straight for the stance check",
        StancePhase.MOVING: "Stand still for a few seconds",
        StancePhase.STILL: "Hold still: checking your stance",
        StancePhase.OFF: "Stance check paused during the exercise",
        StancePhase.OTHERS_IN_VIEW: (
            "Someone else is in view: the stance check waits until you are alone in the picture"
        ),
    }
)

#: What the coach's cues start with while someone else is in view.
_OTHERS_CUE = Cue(CueKey.OTHERS_IN_VIEW, *CUES[CueKey.OTHERS_IN_VIEW])


_STANCE_CUE: Mapping[StancePhase, CueKey] = MappingProxyType(
    {
        StancePhase.NO_PERSON: CueKey.NOT_IN_FRAME,
        StancePhase.OTHERS_IN_VIEW: CueKey.OTHERS_IN_VIEW,
    }
)


def _stance_cues(stance: StanceState) -> tuple[Cue, ...]:
    """With no exercise: what the stance check needs from the person."""
    if stance.phase is StancePhase.STILL and stance.progress >= 1.0:
        return (Cue(CueKey.DONE, CUES[CueKey.DONE][0], "Stance measured: keep still to refine"),)
    key = _STANCE_CUE.get(stance.phase, CueKey.STAND_STILL)
    return (Cue(key, CUES[key][0], _STANCE_WORDS[stance.phase]),)
