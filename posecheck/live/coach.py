"""The exercise coach: one :class:`Coach` per exercise, driven by its row in
:mod:`posecheck.live.definitions`, fed one pose at a time.

Each frame the coach:

1. checks the view (the majority of the last second's ``posecheck.views`` estimates must be one
   the exercise needs, and for foot signals the foot must be seen side-on enough);
2. reads its signals on the side being exercised and smooths them lightly (one-euro; MediaPipe
   already smooths the landmarks);
3. finds the person's baseline when the thresholds are relative (a still second at the start);
4. feeds the tracker (none of it when the view is wrong: a foot seen from the front has no
   readable heel height), and compares the count or time with the catalogue's dose, moving to the
   next side when a side is done;
5. gives cues: set-up (step into view, turn side-on), form (knee straight, heels higher, full
   circle, keep still), progress (hold, relax, switch to the left foot, done) and what the camera
   cannot see.

Time is ``t_ms`` (never a frame count); a timestamp that does not increase is a restart: what
was counted stays, the movement under way is dropped. Circle directions are the person's own
(as they look down at their foot), not the screen's: the pose is in the camera's true geometry
(``LiveSession`` un-mirrors a selfie view before the model), where a circle that turns clockwise
on screen turns anticlockwise for the person facing the camera.
"""

from __future__ import annotations

import enum
import math
import statistics
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from posecheck.exercises import Dose, Exercise, load_catalogue
from posecheck.live.definitions import (
    COACH_BY_ID,
    COACHED_IDS,
    CUES,
    POINT_SIGNALS,
    SIGNALS,
    STANDING_POSTURE,
    BaselineRule,
    CircleRule,
    CoachDef,
    CueKey,
    CueKind,
    Reading,
    SideRule,
    Signal,
    Tracking,
)
from posecheck.live.filters import OneEuroFilter, OneEuroVectorFilter
from posecheck.live.signals import foot_fore_aft, foot_position, foot_to_shank_ratio
from posecheck.live.stance import sway_points
from posecheck.live.trackers import (
    CircleCounter,
    CircleState,
    HoldParams,
    HoldPhase,
    HoldTimer,
    RepCounter,
    RepEvent,
    RepParams,
    RepPhase,
    Rotation,
)
from posecheck.live.windows import TimeWindow, scalar_spread, window_point_spread
from posecheck.types import Landmark, Pose, Side, View
from posecheck.views import ViewEstimate, posture
from posecheck.wording import capitalised

#: A cue triggered by an event stays up this long.
CUE_MS = 2500.0
#: A form cue read from the signals is given once its condition has held this long.
FORM_HOLD_MS = 600.0
#: The "switch sides" cue stays up this long after a side is done.
SWITCH_CUE_MS = 4000.0
#: The view is the majority of this long a window of estimates.
VIEW_WINDOW_MS = 1000.0
#: Window of the stillness, motion and sway signals.
STILLNESS_WINDOW_MS = 1000.0
#: Time steps longer than this (a gap without frames) count only this much toward timed doses.
MAX_STEP_MS = 250.0
#: The sides of a per-side exercise, in turn.
SIDE_ORDER = (Side.RIGHT, Side.LEFT)

_PERSON_DIRECTION = {
    Rotation.CLOCKWISE: Rotation.ANTICLOCKWISE,
    Rotation.ANTICLOCKWISE: Rotation.CLOCKWISE,
    Rotation.NONE: Rotation.NONE,
}
_DIRECTIONS = (Rotation.CLOCKWISE, Rotation.ANTICLOCKWISE)
#: A reading far outside any hold's range (finite, so trackers take it as read, not missing).
_FAR = 1e9


class CoachPhase(enum.StrEnum):
    """Where the coach is: ``SETUP`` (nobody in view, wrong view, the side's landmarks hidden),
    ``CALIBRATING`` (finding the baseline), ``ACTIVE`` (counting or timing), ``DONE`` (every
    side's dose is done)."""

    SETUP = "setup"
    CALIBRATING = "calibrating"
    ACTIVE = "active"
    DONE = "done"


@dataclass(frozen=True)
class Cue:
    """One short cue for the person: ``key`` identifies it (:class:`CueKey`), ``text`` says it."""

    key: CueKey
    kind: CueKind
    text: str


def beside_the_count(cues: Sequence[Cue]) -> tuple[Cue, ...]:
    """The cues to show beside a count or time already on show: all but "keep going", which
    says the same count or time again."""
    return tuple(cue for cue in cues if cue.key is not CueKey.KEEP_GOING)


@dataclass(frozen=True)
class SetCount:
    """A count within the set under way: set ``number`` of ``sets``, ``count`` of ``per_set``."""

    number: int
    sets: int
    count: int
    per_set: int


def per_set(target: int, sets: int) -> int | None:
    """The count in each set when a target is ``sets`` equal sets; None for a single set or sets
    that do not divide the target (then it is counted as one)."""
    return target // sets if sets > 1 and target % sets == 0 else None


def set_count(count: int, target: int, sets: int = 1) -> SetCount | None:
    """Where a count stands in a target of several equal sets (the count of a whole set done
    starts the next one); None when the target is one set (``per_set``) or is reached."""
    each = per_set(target, sets)
    if each is None or count >= target:
        return None
    done = max(0, count) // each
    return SetCount(done + 1, sets, count - done * each, each)


def count_words(count: int, target: int, sets: int = 1) -> str:
    """A count against its target in words: "3 of 10"; for a target of several sets, the set
    under way and the count within it, "set 2 of 2: 3 of 10" (see ``set_count``)."""
    under_way = set_count(count, target, sets)
    if under_way is None:
        return f"{count} of {target}"
    return f"set {under_way.number} of {sets}: {under_way.count} of {under_way.per_set}"


@dataclass(frozen=True)
class SideProgress:
    """How far one side (or the only set, ``side`` None) has got.

    Attributes:
        side: the side exercised; None for an exercise done with both or the whole body.
        count: repetitions, completed holds, paced repetitions or circles (both directions).
        target_count: the dose's repetitions (sets x reps); None for a timed dose.
        time_ms: held, worked or circling time (for circles, the smaller direction's time when
            the dose is per direction).
        target_ms: the dose's time (per direction for circles); None for a counted dose.
        best_hold_ms: the longest hold or work phase.
        circles: full circles per direction, the person's own.
        circle_ms: circling time per direction, the person's own.
        done: the dose for this side is done.
        sets: the dose's sets: ``target_count`` is ``sets`` of ``target_count / sets`` each.
    """

    side: Side | None
    count: int
    target_count: int | None
    time_ms: float
    target_ms: float | None
    best_hold_ms: float
    circles: Mapping[Rotation, int]
    circle_ms: Mapping[Rotation, float]
    done: bool
    sets: int = 1

    @property
    def set_count(self) -> SetCount | None:
        """The set under way, for a counted dose of several sets (see ``set_count``)."""
        if self.target_count is None:
            return None
        return set_count(self.count, self.target_count, self.sets)

    @property
    def count_words(self) -> str:
        """The count in words ("3 of 10"; "set 2 of 2: 3 of 10" for a dose of several sets);
        empty for a timed dose."""
        if self.target_count is None:
            return ""
        return count_words(self.count, self.target_count, self.sets)

    @property
    def fraction(self) -> float:
        """How much of the side's dose is done, 0-1."""
        if self.target_count is not None:
            return min(1.0, self.count / self.target_count)
        if self.target_ms:
            return min(1.0, self.time_ms / self.target_ms)
        return 0.0


@dataclass(frozen=True)
class CoachState:
    """A snapshot of a :class:`Coach`.

    Attributes:
        exercise_id, name: the exercise.
        phase: where the coach is.
        side: the side being exercised (None: both, or the whole body).
        current: this side's progress.
        hold_ms: the hold or work phase under way (0 when none).
        tracker: the tracker's own phase word (rest/active, idle/holding/grace, waiting/work/rest,
            or the circling direction).
        direction: the circle under way, in the person's terms (``Rotation.NONE`` otherwise).
        view_ok: the camera sees the person from a view the exercise needs (None: nobody seen).
        baseline: the signal's baseline, when the thresholds are relative and it is known.
        signals: the smoothed signals read this frame, keyed by :class:`Signal` (None: not
            readable).
        cues: what to tell the person now, most important first.
        sides: every side's progress, done sides first.
    """

    exercise_id: str
    name: str
    phase: CoachPhase
    side: Side | None
    current: SideProgress
    hold_ms: float
    tracker: str
    direction: Rotation
    view_ok: bool | None
    baseline: float | None
    signals: Mapping[Signal, Reading | None]
    cues: tuple[Cue, ...]
    sides: tuple[SideProgress, ...]


@dataclass(frozen=True)
class CoachSummary:
    """What a coached set came to.

    Attributes:
        exercise_id, name: the exercise.
        dose: the dose in words.
        camera: where the camera should be.
        cannot_see: what the camera could not see (None when it sees what matters).
        duration_ms: time with the person in view.
        sides: each side's (or the only set's) progress.
        form_notes: the form cues given and how often ("Knee straight: 3 times").
        complete: every side's dose was done.
    """

    exercise_id: str
    name: str
    dose: str
    camera: str
    cannot_see: str | None
    duration_ms: float
    sides: tuple[SideProgress, ...]
    form_notes: tuple[str, ...]
    complete: bool


@dataclass(frozen=True)
class _Targets:
    count: int | None
    time_ms: float | None
    hold_ms: float | None
    each_direction: bool

    @classmethod
    def of(cls, dose: Dose) -> _Targets:
        return cls(
            count=dose.reps * dose.sets if dose.reps is not None else None,
            time_ms=dose.seconds * 1000.0 * dose.sets if dose.seconds is not None else None,
            hold_ms=dose.hold_seconds * 1000.0 if dose.hold_seconds is not None else None,
            each_direction=dose.each_direction,
        )


@dataclass
class _Tally:
    """What a driver reports each frame."""

    count: int = 0
    time_ms: float = 0.0
    hold_ms: float = 0.0
    best_hold_ms: float = 0.0
    tracker: str = ""
    direction: Rotation = Rotation.NONE
    circles: dict[Rotation, int] = field(default_factory=dict)
    circle_ms: dict[Rotation, float] = field(default_factory=dict)
    #: cues for things that happened this frame (a rep too short): each one is a form note
    events: set[CueKey] = field(default_factory=set)
    #: cues for a state that lasts (still waiting for a still foot): a note once per stretch
    conditions: set[CueKey] = field(default_factory=set)


# --- drivers: one per kind of tracking ----------------------------------------------------------


class _RepDriver:
    """Repetitions, and the near misses between them: out of rest, not past the entry threshold,
    back to rest (armed only from well inside the rest zone, so jitter at the threshold on the
    way down is not a near miss)."""

    def __init__(self, params: RepParams, shallow: CueKey | None, too_short: CueKey | None) -> None:
        self._params = params
        self._shallow, self._too_short = shallow, too_short
        self._counter = RepCounter(params)
        self._margin = (params.high - params.low) / 2.0
        self._armed = False
        self._rose = False
        self._rejected = 0

    def update(self, value: Reading | None, t_ms: float, tally: _Tally) -> None:
        reading = value if isinstance(value, float) else None
        state = self._counter.update(reading, t_ms)
        too_short = state.rejected > self._rejected and state.last_event is RepEvent.TOO_SHORT
        if too_short and self._too_short is not None:
            tally.events.add(self._too_short)
        self._rejected = state.rejected
        if state.phase is not RepPhase.REST:
            self._armed = self._rose = False
        elif reading is not None:
            if reading < self._params.low - self._margin:
                if self._rose and self._armed and self._shallow is not None:
                    tally.events.add(self._shallow)
                self._armed, self._rose = True, False
            elif reading > self._params.low:
                self._rose = True
        tally.count = state.count
        tally.hold_ms = state.dwell_ms
        tally.tracker = state.phase.value


class _HoldDriver:
    def __init__(self, params: HoldParams) -> None:
        self._timer = HoldTimer(params)

    def update(self, value: Reading | None, t_ms: float, tally: _Tally) -> None:
        state = self._timer.update(value if isinstance(value, float) else None, t_ms)
        tally.count = state.completed
        tally.hold_ms = state.hold_ms
        tally.time_ms = state.total_ms + state.hold_ms
        tally.best_hold_ms = max(state.best_ms, state.hold_ms)
        tally.tracker = state.phase.value


class _CircleDriver:
    """Circles per direction, of the point made round (:class:`CircleRule`), and circling time."""

    def __init__(self, rule: CircleRule, targets: _Targets) -> None:
        self._rule = rule
        self._params = rule.params()
        self._targets = targets
        self._counter = CircleCounter(self._params)
        self._points: TimeWindow[tuple[float, float]] = TimeWindow(rule.window_ms)
        self._time = dict.fromkeys(_DIRECTIONS, 0.0)
        self._last_ms: float | None = None

    def _rounded(self, value: Reading | None, t_ms: float) -> tuple[float, float] | None:
        """The point about its recent mean, each axis in units of its recent spread."""
        point = value if isinstance(value, tuple) else None
        self._points.add(point, t_ms)
        points = self._points.values
        if point is None or len(points) < 5 or not self._points.full(0.5):
            return None
        count = len(points)
        mean_x = sum(p[0] for p in points) / count
        mean_y = sum(p[1] for p in points) / count
        spread_x = math.sqrt(sum((p[0] - mean_x) ** 2 for p in points) / count)
        spread_y = math.sqrt(sum((p[1] - mean_y) ** 2 for p in points) / count)
        largest = max(spread_x, spread_y)
        if largest < self._rule.min_spread:
            return (0.0, 0.0)  # not circling: inside the counter's dead zone
        least = largest / self._rule.max_stretch
        return (
            (point[0] - mean_x) / max(spread_x, least),
            (point[1] - mean_y) / max(spread_y, least),
        )

    def update(self, value: Reading | None, t_ms: float, tally: _Tally) -> None:
        point = self._rounded(value, t_ms)
        before = self._counter.state()
        state = self._counter.update(point, t_ms)
        step = 0.0 if self._last_ms is None or t_ms <= self._last_ms else t_ms - self._last_ms
        self._last_ms = t_ms
        direction = _PERSON_DIRECTION[state.direction]
        turning = state.count != before.count or abs(state.partial_deg - before.partial_deg) > 0.5
        radius_ok = state.radius is not None and state.radius >= self._params.min_radius
        if direction is not Rotation.NONE and turning and radius_ok:
            self._time[direction] += min(step, MAX_STEP_MS)
        target = self._targets.time_ms
        if (
            state.count == before.count
            and before.direction is not Rotation.NONE
            and state.direction is not before.direction
            and state.restarts == before.restarts
            and abs(before.partial_deg) >= 90.0
            and (target is None or self._time[_PERSON_DIRECTION[before.direction]] < target)
        ):
            tally.events.add(CueKey.FULL_CIRCLE)
        other = Rotation.ANTICLOCKWISE if direction is Rotation.CLOCKWISE else Rotation.CLOCKWISE
        if (
            self._targets.each_direction
            and target is not None
            and direction is not Rotation.NONE
            and self._time[direction] >= target
            and self._time[other] < target
        ):
            tally.conditions.add(CueKey.OTHER_DIRECTION)
        tally.count = state.count
        tally.direction = direction
        tally.circles = _person_circles(state)
        tally.circle_ms = dict(self._time)
        each = self._targets.each_direction
        tally.time_ms = min(self._time.values()) if each else sum(self._time.values())
        tally.tracker = direction.value


def _person_circles(state: CircleState) -> dict[Rotation, int]:
    return {
        Rotation.CLOCKWISE: state.anticlockwise,  # on screen the other way round
        Rotation.ANTICLOCKWISE: state.clockwise,
    }


class _PacePhase(enum.StrEnum):
    WAITING = "waiting"
    WORK = "work"
    REST = "rest"


class _PacedDriver:
    """Paced repetitions (work, rest, work, ...) counted while the foot keeps still."""

    def __init__(self, still: HoldParams, work_ms: float, rest_ms: float) -> None:
        self._still = HoldTimer(still)
        self._work_ms = work_ms
        self._rest_ms = rest_ms
        self._phase = _PacePhase.WAITING
        self._since_ms = 0.0
        self._count = 0
        self._worked_ms = 0.0
        self._best_ms = 0.0
        self._last_ms: float | None = None

    def update(self, value: Reading | None, t_ms: float, tally: _Tally) -> None:
        reading = value if isinstance(value, float) else None
        if self._last_ms is not None and t_ms <= self._last_ms:
            self._phase = _PacePhase.WAITING  # a restart: the work phase under way is dropped
        self._last_ms = t_ms
        still = self._still.update(reading, t_ms).phase is not HoldPhase.IDLE
        elapsed = t_ms - self._since_ms
        if self._phase is _PacePhase.WAITING:
            if still:
                self._phase, self._since_ms, elapsed = _PacePhase.WORK, t_ms, 0.0
            elif reading is not None:
                tally.conditions.add(CueKey.KEEP_STILL)
        elif self._phase is _PacePhase.WORK:
            if not still:
                self._phase = _PacePhase.WAITING
                tally.events.add(CueKey.KEEP_STILL)
            elif elapsed >= self._work_ms:
                self._count += 1
                self._worked_ms += self._work_ms
                self._best_ms = max(self._best_ms, elapsed)
                self._phase, self._since_ms, elapsed = _PacePhase.REST, t_ms, 0.0
        elif elapsed >= self._rest_ms:
            next_phase = _PacePhase.WORK if still else _PacePhase.WAITING
            self._phase, self._since_ms, elapsed = next_phase, t_ms, 0.0
        working = self._phase is _PacePhase.WORK
        tally.count = self._count
        tally.hold_ms = elapsed if self._phase is not _PacePhase.WAITING else 0.0
        tally.time_ms = self._worked_ms + (elapsed if working else 0.0)
        tally.best_hold_ms = max(self._best_ms, elapsed if working else 0.0)
        tally.tracker = self._phase.value

    @property
    def phase(self) -> str:
        return self._phase.value

    def left_ms(self, t_ms: float) -> float:
        span = self._work_ms if self._phase is _PacePhase.WORK else self._rest_ms
        return max(0.0, span - (t_ms - self._since_ms))


_Driver = _RepDriver | _HoldDriver | _CircleDriver | _PacedDriver


# --- signals -------------------------------------------------------------------------------------


class _SignalReader:
    """Reads a row's signals on one side, smoothed, with the windows of the derived ones.

    With ``pick_by`` set, the side is not taken from the labels but is the side on which that
    signal reads higher, every frame: side-on, MediaPipe often swaps the labels of the two legs
    from frame to frame (on rendered towel stretches, the raised leg's reading jumped between the
    two labels), while the raised leg stays the raised leg.
    """

    def __init__(self, wanted: Sequence[Signal], pick_by: Signal | None = None) -> None:
        self._wanted = tuple(dict.fromkeys(wanted))
        self._pick_by = pick_by
        self._scalar_filters: dict[Signal, OneEuroFilter] = {}
        self._point_filters: dict[Signal, OneEuroVectorFilter] = {}
        for signal in self._wanted:
            smoothing = SIGNALS[signal].smoothing
            if smoothing is None:
                continue
            if signal in POINT_SIGNALS:
                self._point_filters[signal] = OneEuroVectorFilter(smoothing)
            else:
                self._scalar_filters[signal] = OneEuroFilter(smoothing)
        self._foot: TimeWindow[tuple[float, float]] = TimeWindow(STILLNESS_WINDOW_MS)
        self._fore_aft: TimeWindow[float] = TimeWindow(STILLNESS_WINDOW_MS)
        self._hips: TimeWindow[tuple[float, float]] = TimeWindow(STILLNESS_WINDOW_MS)
        self._ankles: TimeWindow[tuple[float, float]] = TimeWindow(STILLNESS_WINDOW_MS)

    def read(
        self, pose: Pose | None, side: Side | None, t_ms: float
    ) -> dict[Signal, Reading | None]:
        if self._pick_by is not None and pose is not None:
            side = self._higher_side(pose, self._pick_by) or side
        return {signal: self._read(signal, pose, side, t_ms) for signal in self._wanted}

    def _higher_side(self, pose: Pose, by: Signal) -> Side | None:
        """The side where ``by`` reads higher, among those where every signal can be read."""
        readers = [SIGNALS[signal].read for signal in self._wanted]
        pick = SIGNALS[by].read
        if pick is None:
            return None
        values: dict[Side, float] = {}
        for side in SIDE_ORDER:
            value = pick(pose, side)
            if isinstance(value, float) and all(
                read is None or read(pose, side) is not None for read in readers
            ):
                values[side] = value
        return max(values, key=lambda side: values[side]) if values else None

    def _read(
        self, signal: Signal, pose: Pose | None, side: Side | None, t_ms: float
    ) -> Reading | None:
        if signal is Signal.BODY_SWAY:
            return self._sway(pose, t_ms)
        leg = side if side is not None else Side.RIGHT
        if signal is Signal.FOOT_STILLNESS:
            self._foot.add(None if pose is None else foot_position(pose, leg), t_ms)
            return window_point_spread(self._foot) if self._foot.full(0.8) else None
        if signal is Signal.FOOT_MOTION:
            self._fore_aft.add(None if pose is None else foot_fore_aft(pose, leg), t_ms)
            return scalar_spread(self._fore_aft.values) if self._fore_aft.full(0.8) else None
        read = SIGNALS[signal].read
        raw = None if pose is None or read is None else read(pose, leg)
        if signal in self._point_filters:
            point = raw if isinstance(raw, tuple) else None
            smoothed = self._point_filters[signal](point, t_ms)
            return None if smoothed is None else (smoothed[0], smoothed[1])
        if signal in self._scalar_filters:
            return self._scalar_filters[signal](raw if isinstance(raw, float) else None, t_ms)
        return raw

    def _sway(self, pose: Pose | None, t_ms: float) -> float | None:
        points = sway_points(pose) if pose is not None else None
        standing = pose is not None and posture(pose).standing is True
        self._hips.add(points[0] if points and standing else None, t_ms)
        self._ankles.add(points[1] if points and standing else None, t_ms)
        if not (standing and self._hips.full(0.8) and self._ankles.full(0.8)):
            return None
        return max(window_point_spread(self._hips) or 0.0, window_point_spread(self._ankles) or 0.0)


# --- baseline ------------------------------------------------------------------------------------


class _Baseline:
    """The median of a signal over a still second, or a low quantile after a timeout; then,
    when the rest level is the signal's lowest, any later still second clearly below it (a set
    begun with the heels held up took the raised level for rest)."""

    def __init__(self, rule: BaselineRule) -> None:
        self._window: TimeWindow[float] = TimeWindow(rule.still_ms)
        self._max_range = rule.max_range
        self._timeout_ms = rule.timeout_ms
        self._quantile = rule.fallback_quantile
        self._lowers = rule.rest_is_lowest
        self._seen: list[float] = []
        self._first_ms: float | None = None
        self.value: float | None = None

    def _still_median(self) -> float | None:
        values = self._window.values
        if (
            self._window.full()
            and len(values) >= 3
            and max(values) - min(values) <= self._max_range
        ):
            return statistics.median(values)
        return None

    def update(self, reading: float | None, t_ms: float) -> float | None:
        if self.value is not None and not self._lowers:
            return self.value
        self._window.add(reading, t_ms)
        if self.value is not None:
            still = self._still_median() if reading is not None else None
            if still is not None and still < self.value - self._max_range / 2.0:
                self.value = still
            return self.value
        if reading is None:
            return None
        if len(self._seen) < 4096:
            self._seen.append(reading)
        self._first_ms = t_ms if self._first_ms is None else min(self._first_ms, t_ms)
        still = self._still_median()
        if still is not None:
            self.value = still
            self._seen = []
        elif t_ms - self._first_ms >= self._timeout_ms:
            ordered = sorted(self._seen)
            self.value = ordered[int(self._quantile * (len(ordered) - 1))]
            self._seen = []
        return self.value


# --- the coach -----------------------------------------------------------------------------------


def _catalogue_entry(exercise_id: str, catalogue: Sequence[Exercise]) -> Exercise | None:
    return next((e for e in catalogue if e.id == exercise_id), None)


class Coach:
    """Coaches one exercise (see the module docstring).

    ``exercise_id`` is a catalogue id from :data:`~posecheck.live.definitions.COACHED_IDS` (or
    ``"standing_posture"``); ``catalogue`` defaults to the packaged one; ``first_side`` is the
    first side of a per-side exercise. ``exercise`` is its catalogue entry (steps, cautions,
    pictures' id), None for the posture hold, which is the coach's own.
    """

    def __init__(
        self,
        exercise_id: str,
        *,
        catalogue: Sequence[Exercise] | None = None,
        first_side: Side = Side.RIGHT,
    ) -> None:
        if exercise_id not in COACH_BY_ID:
            raise ValueError(
                f"no coach for exercise {exercise_id!r}: choose one of {', '.join(COACHED_IDS)}"
            )
        self.definition: CoachDef = COACH_BY_ID[exercise_id]
        entry = _catalogue_entry(exercise_id, catalogue or load_catalogue())
        dose = self.definition.dose or (entry.dose if entry is not None else None)
        if dose is None:
            raise ValueError(f"exercise {exercise_id!r} is not in the catalogue and has no dose")
        self.dose = dose
        self.exercise: Exercise | None = entry
        self.name = entry.name if entry is not None else _standing_name(exercise_id)
        self._targets = _Targets.of(dose)
        if self.definition.sides is SideRule.PER_SIDE and dose.per_side:
            first = Side(first_side)
            self._sides: tuple[Side | None, ...] = (first, first.mirrored())
        else:
            self._sides = (None,)
        self.reset()

    # -- lifecycle --

    def reset(self) -> None:
        """Start the set again: counts, sides, baseline and cues."""
        self._side_index = 0
        self._done: list[SideProgress] = []
        baseline = self.definition.baseline
        self._baseline = None if baseline is None else _Baseline(baseline)
        self._views: TimeWindow[View] = TimeWindow(VIEW_WINDOW_MS)
        self._cue_until: dict[CueKey, float] = {}
        self._since: dict[CueKey, float] = {}
        #: each form cue given, in its words at the time (they may name the side), and how often
        self._notes: dict[tuple[CueKey, str], int] = {}
        self._duration_ms = 0.0
        self._last_ms: float | None = None
        self._start_side()
        self._state = self._snapshot(CoachPhase.SETUP, None, {}, (), 0.0)

    def _start_side(self) -> None:
        wanted = [self.definition.signal]
        if self.definition.gate is not None:
            wanted.append(self.definition.gate.signal)
        wanted.extend(self.definition.also)
        gate = self.definition.gate
        pick_by = gate.signal if gate is not None and gate.pick_side else None
        self._reader = _SignalReader(wanted, pick_by)
        self._driver: _Driver | None = None
        self._tally = _Tally()

    def next_side(self) -> None:
        """Finish the current side as it stands and go to the next one (if any)."""
        self._close_side(force=True, t_ms=self._last_ms or 0.0)

    @property
    def side(self) -> Side | None:
        return self._sides[min(self._side_index, len(self._sides) - 1)]

    @property
    def finished(self) -> bool:
        return self._side_index >= len(self._sides)

    # -- one frame --

    def update(self, pose: Pose | None, view: ViewEstimate | None, t_ms: float) -> CoachState:
        """Feed one frame: the pose (None when nobody was found), its view and time."""
        restarted = self._last_ms is not None and t_ms <= self._last_ms
        if restarted:
            self._cue_until.clear()
            self._since.clear()
        elif self._last_ms is not None and pose is not None:
            self._duration_ms += min(t_ms - self._last_ms, MAX_STEP_MS * 2)
        self._last_ms = t_ms
        self._views.add(view.view if view is not None and pose is not None else None, t_ms)
        majority = _majority(self._views.values)
        side = self._reading_side(pose, majority)
        readings = self._reader.read(pose, side, t_ms)
        view_ok = self._view_ok(pose, majority, side)
        if self.finished:
            return self._finish_frame(CoachPhase.DONE, view_ok, readings, t_ms, setup=())
        setup = self._setup_cues(pose, view_ok, readings)
        value = readings.get(self.definition.signal) if view_ok else None
        if value is not None and not self._gate_open(readings):
            value = self._out_of_range()
        if self._baseline is not None:
            baseline = self._baseline.update(value if isinstance(value, float) else None, t_ms)
            if baseline is None:
                phase = CoachPhase.SETUP if setup else CoachPhase.CALIBRATING
                cues = setup or (CueKey.CALIBRATE,)
                return self._finish_frame(phase, view_ok, readings, t_ms, cues)
        driver = self._driver or self._make_driver()
        self._tally.events, self._tally.conditions = set(), set()
        counted = self._tally.count
        driver.update(self._relative(value), t_ms, self._tally)
        if self._sets_done(self._tally.count) > self._sets_done(counted):
            self._cue_until[CueKey.SET_DONE] = t_ms + SWITCH_CUE_MS
        for key in self._tally.events:
            self._show(key, t_ms, note=True)
        for key in self._tally.conditions:
            self._show(key, t_ms, note=self._cue_until.get(key, -math.inf) < t_ms)
        self._form_cues(readings, view_ok, t_ms)
        progress = self._progress()
        if progress.done:
            self._close_side(force=False, t_ms=t_ms)
        phase = (
            CoachPhase.DONE if self.finished else (CoachPhase.SETUP if setup else CoachPhase.ACTIVE)
        )
        return self._finish_frame(phase, view_ok, readings, t_ms, setup)

    def _finish_frame(
        self,
        phase: CoachPhase,
        view_ok: bool | None,
        readings: Mapping[Signal, Reading | None],
        t_ms: float,
        setup: tuple[CueKey, ...],
    ) -> CoachState:
        cues = self._cues(phase, setup, t_ms)
        self._state = self._snapshot(phase, view_ok, readings, cues, t_ms)
        return self._state

    # -- pieces --

    def _reading_side(self, pose: Pose | None, majority: View | None) -> Side | None:
        rule = self.definition.sides
        if rule is SideRule.PER_SIDE:
            return self.side or Side.RIGHT
        if rule is SideRule.NONE:
            return None
        if majority is View.LEFT:
            return Side.LEFT
        if majority is View.RIGHT:
            return Side.RIGHT
        if pose is None:
            return Side.RIGHT
        left = float(pose.visibility[Landmark.LEFT_FOOT_INDEX])
        right = float(pose.visibility[Landmark.RIGHT_FOOT_INDEX])
        return Side.LEFT if left > right else Side.RIGHT

    def _view_ok(self, pose: Pose | None, majority: View | None, side: Side | None) -> bool | None:
        if pose is None or majority is None:
            return None
        camera = self.definition.camera
        if majority not in camera.views:
            return False
        if camera.min_foot_ratio is not None:
            ratio = foot_to_shank_ratio(pose, side or Side.RIGHT)
            if ratio is not None and ratio < camera.min_foot_ratio:
                return False
        return True

    def _setup_cues(
        self, pose: Pose | None, view_ok: bool | None, readings: Mapping[Signal, Reading | None]
    ) -> tuple[CueKey, ...]:
        if pose is None:
            return (CueKey.NOT_IN_FRAME,)
        if view_ok is False:
            return (CueKey.VIEW_WRONG,)
        signal = self.definition.signal
        if readings.get(signal) is None and SIGNALS[signal].read is not None:
            return (CueKey.SHOW_SIDE,)
        return ()

    def _gate_open(self, readings: Mapping[Signal, Reading | None]) -> bool:
        gate = self.definition.gate
        if gate is None:
            return True
        value = readings.get(gate.signal)
        return isinstance(value, float) and value >= gate.at_least

    def _out_of_range(self) -> float:
        """A value the hold's condition rejects (the gate is closed: not holding)."""
        hold = self.definition.hold
        return -_FAR if hold is not None and hold.low is not None else _FAR

    def _relative(self, value: Reading | None) -> Reading | None:
        """The reading from the baseline, when the thresholds are relative: the drivers keep
        their thresholds (built at a baseline of 0) while the baseline may still come down."""
        baseline = self.baseline
        if baseline is None or not isinstance(value, float):
            return value
        return value - baseline

    def _make_driver(self) -> _Driver:
        definition = self.definition
        offset = 0.0  # relative thresholds: the readings are fed from the baseline
        driver: _Driver
        if definition.tracking is Tracking.REPS and definition.rep is not None:
            rule = definition.rep
            driver = _RepDriver(rule.params(offset), rule.shallow, rule.too_short)
        elif definition.tracking is Tracking.CIRCLES and definition.circle is not None:
            driver = _CircleDriver(definition.circle, self._targets)
        elif definition.tracking is Tracking.PACED and definition.pace and definition.hold:
            work_ms = self._targets.hold_ms or definition.pace.work_ms
            driver = _PacedDriver(
                definition.hold.params(offset, None), work_ms, definition.pace.rest_ms
            )
        elif definition.hold is not None:
            target = self._targets.hold_ms if self._targets.count is not None else None
            driver = _HoldDriver(definition.hold.params(offset, target))
        else:  # pragma: no cover - CoachDef checks its parameters
            raise AssertionError(definition.exercise_id)
        self._driver = driver
        return driver

    def _form_cues(
        self, readings: Mapping[Signal, Reading | None], view_ok: bool | None, t_ms: float
    ) -> None:
        """Cues read from the signals themselves (:data:`_SIGNAL_CUES`), given once their
        condition has held for ``FORM_HOLD_MS`` (not on the way through it, as when the heels
        rise past the "heels higher" band); events (a rep too short, a partial circle, a foot
        that moved) come from the drivers at once."""
        for key in self.definition.form:
            check = _SIGNAL_CUES.get(key)
            if check is None:
                continue
            if not (view_ok and check(self, readings)):
                self._since.pop(key, None)
                continue
            since = self._since.setdefault(key, t_ms)
            if t_ms - since >= FORM_HOLD_MS:
                self._show(key, t_ms, note=self._cue_until.get(key, -math.inf) < since)

    def gate_open(self, readings: Mapping[Signal, Reading | None]) -> bool:
        return self._gate_open(readings)

    @property
    def baseline(self) -> float | None:
        return self._baseline.value if self._baseline is not None else None

    def _show(self, key: CueKey, t_ms: float, *, note: bool) -> None:
        """Show the cue for ``CUE_MS`` from now; ``note`` it for the summary's form notes."""
        if note:
            noted = (key, self._cue(key, t_ms).text)
            self._notes[noted] = self._notes.get(noted, 0) + 1
        self._cue_until[key] = t_ms + CUE_MS

    def _progress(self) -> SideProgress:
        tally = self._tally
        targets = self._targets
        if targets.count is not None:
            done = tally.count >= targets.count
        elif targets.time_ms is not None:
            done = tally.time_ms >= targets.time_ms
        else:  # pragma: no cover - a Dose has reps or seconds
            done = False
        return SideProgress(
            side=self.side if not self.finished else self._sides[-1],
            count=tally.count,
            target_count=targets.count,
            time_ms=tally.time_ms,
            target_ms=targets.time_ms,
            best_hold_ms=tally.best_hold_ms,
            circles=MappingProxyType(dict(tally.circles)),
            circle_ms=MappingProxyType(dict(tally.circle_ms)),
            done=done,
            sets=self.dose.sets if targets.count is not None else 1,
        )

    def _close_side(self, *, force: bool, t_ms: float) -> None:
        if self.finished:
            return
        progress = self._progress()
        if not (progress.done or force):
            return
        self._done.append(progress)
        self._side_index += 1
        self._start_side()
        if not self.finished:
            self._cue_until[CueKey.SWITCH_SIDE] = t_ms + SWITCH_CUE_MS

    # -- cues and snapshots --

    def _cues(self, phase: CoachPhase, setup: tuple[CueKey, ...], t_ms: float) -> tuple[Cue, ...]:
        keys: list[CueKey] = list(setup)
        if phase is CoachPhase.DONE:
            keys.append(CueKey.DONE)
        else:
            keys += [k for k, until in self._cue_until.items() if until >= t_ms and k not in keys]
            if phase is CoachPhase.ACTIVE:
                keys.append(self._progress_key())
        if self.definition.cannot_see is not None:
            keys.append(CueKey.CANNOT_SEE)
        order = list(CueKind)
        keys.sort(key=lambda k: order.index(CUES[k][0]))
        return tuple(self._cue(key, t_ms) for key in dict.fromkeys(keys))

    def _per_set(self) -> int | None:
        """Repetitions in each set of a counted dose of several equal sets; None otherwise."""
        target = self._targets.count
        return None if target is None else per_set(target, self.dose.sets)

    def _sets_done(self, count: int) -> int:
        """Whole sets done before the last one (0 for a dose of one set): its end is the dose's."""
        per_set = self._per_set()
        return 0 if per_set is None else min(count // per_set, self.dose.sets - 1)

    def _progress_key(self) -> CueKey:
        driver = self._driver
        if isinstance(driver, _PacedDriver):
            return {"work": CueKey.WORK, "rest": CueKey.RELAX}.get(driver.phase, CueKey.KEEP_GOING)
        if isinstance(driver, _HoldDriver) and self._tally.hold_ms > 0:
            return CueKey.HOLD if self._targets.hold_ms is not None else CueKey.KEEP_GOING
        return CueKey.KEEP_GOING

    def _cue(self, key: CueKey, t_ms: float) -> Cue:
        kind, words = CUES[key]
        definition = self.definition
        side = self.side
        part = self.dose.side if self.dose.side in ("foot", "leg", "side") else "foot"
        done, target = self._progress_words(key)
        left = 0.0
        if isinstance(self._driver, _PacedDriver):
            left = self._driver.left_ms(t_ms) / 1000.0
        counted = self._targets.count
        amount = (
            f"{done} of {target}"
            if counted is None
            else count_words(self._tally.count, counted, self.dose.sets)
        )
        text = words.format(
            amount=capitalised(amount),
            sets_done=self._sets_done(self._tally.count),
            sets=self.dose.sets,
            per_set=self._per_set() or 0,
            side=f"{side.value} {part}" if side is not None else part + "s",
            which=side.value if side is not None else "",
            camera=definition.camera.advice,
            wrong_view=definition.camera.wrong_view,
            work=definition.work,
            left=math.ceil(left),
            done=done,
            target=target,
            cannot_see=definition.cannot_see or "",
        )
        return Cue(key, kind, text)

    def _progress_words(self, key: CueKey) -> tuple[str, str]:
        tally, targets = self._tally, self._targets
        if key is CueKey.HOLD and targets.hold_ms is not None:
            return f"{tally.hold_ms / 1000:.0f}", f"{targets.hold_ms / 1000:.0f}"
        if targets.count is not None:
            return str(tally.count), f"{targets.count}"
        if targets.time_ms is not None:
            return f"{tally.time_ms / 1000:.0f} s", f"{targets.time_ms / 1000:.0f} s"
        return "", ""  # pragma: no cover - a Dose has reps or seconds

    def _snapshot(
        self,
        phase: CoachPhase,
        view_ok: bool | None,
        readings: Mapping[Signal, Reading | None],
        cues: tuple[Cue, ...],
        t_ms: float,
    ) -> CoachState:
        current = self._progress() if not self.finished else self._done[-1]
        sides = self._all_sides()
        return CoachState(
            exercise_id=self.definition.exercise_id,
            name=self.name,
            phase=phase,
            side=self.side if not self.finished else None,
            current=current,
            hold_ms=self._tally.hold_ms
            if self.definition.tracking is not Tracking.CIRCLES
            else 0.0,
            tracker=self._tally.tracker,
            direction=self._tally.direction,
            view_ok=view_ok,
            baseline=self._baseline.value if self._baseline is not None else None,
            signals=MappingProxyType(dict(readings)),
            cues=cues,
            sides=sides,
        )

    def _all_sides(self) -> tuple[SideProgress, ...]:
        return tuple(self._done) if self.finished else (*self._done, self._progress())

    def state(self) -> CoachState:
        return self._state

    def summary(self) -> CoachSummary:
        """The set so far: each side's progress, time, form notes."""
        notes = tuple(
            f"{words}: {count} time{'s' if count != 1 else ''}"
            for (key, words), count in self._notes.items()
            if CUES[key][0] is CueKind.FORM
        )
        return CoachSummary(
            exercise_id=self.definition.exercise_id,
            name=self.name,
            dose=self.dose.describe(),
            camera=self.definition.camera.advice,
            cannot_see=self.definition.cannot_see,
            duration_ms=self._duration_ms,
            sides=self._all_sides(),
            form_notes=notes,
            complete=self.finished,
        )


def _scalar(readings: Mapping[Signal, Reading | None], signal: Signal) -> float | None:
    value = readings.get(signal)
    return value if isinstance(value, float) else None


def _knee_bent(coach: Coach, readings: Mapping[Signal, Reading | None]) -> bool:
    """The leg is raised but the knee bends past the hold's threshold."""
    knee, hold = _scalar(readings, Signal.KNEE_EXTENSION), coach.definition.hold
    if knee is None or hold is None or hold.low is None:
        return False
    return coach.gate_open(readings) and knee < hold.low


def _leg_low(coach: Coach, readings: Mapping[Signal, Reading | None]) -> bool:
    """The knee is straight and the leg partly raised, but not past the gate."""
    knee, leg = _scalar(readings, Signal.KNEE_EXTENSION), _scalar(readings, Signal.LEG_RAISE)
    hold, gate = coach.definition.hold, coach.definition.gate
    if knee is None or leg is None or hold is None or hold.low is None or gate is None:
        return False
    return knee >= hold.low and gate.at_least - 10.0 <= leg < gate.at_least


#: A hold's near miss starts at this share of its threshold ("heels higher", "tilt further").
NEAR_MISS_SHARE = 0.6


def _heels_low(coach: Coach, readings: Mapping[Signal, Reading | None]) -> bool:
    """Toe walking: the heels are up, but less than the hold needs (repetitions are judged by
    their driver when each one ends)."""
    heel, hold, baseline = (
        _scalar(readings, Signal.HEEL_HEIGHT),
        coach.definition.hold,
        coach.baseline,
    )
    if coach.definition.tracking is not Tracking.HOLD:
        return False
    if heel is None or hold is None or hold.low is None or baseline is None:
        return False
    return NEAR_MISS_SHARE * hold.low < heel - baseline < hold.low


def _tilt(coach: Coach, readings: Mapping[Signal, Reading | None]) -> tuple[float, float] | None:
    """The head's tilt toward the side's shoulder and the hold's threshold, when both are known."""
    tilt, hold = _scalar(readings, Signal.HEAD_TILT), coach.definition.hold
    if tilt is None or hold is None or hold.low is None:
        return None
    return tilt, hold.low


def _tilt_short(coach: Coach, readings: Mapping[Signal, Reading | None]) -> bool:
    """The neck side stretch: the head tilted toward the side's shoulder, less than the hold
    needs."""
    known = _tilt(coach, readings)
    return known is not None and NEAR_MISS_SHARE * known[1] <= known[0] < known[1]


def _tilt_away(coach: Coach, readings: Mapping[Signal, Reading | None]) -> bool:
    """The neck side stretch: the head tilted toward the other shoulder as far as a hold needs
    (a lesser tilt may be how the person holds their head)."""
    known = _tilt(coach, readings)
    return known is not None and known[0] <= -known[1]


#: A knee counts as falling in past this angle off its hip-ankle line (a front view). On rendered
#: quarter squats the lite model read knees tracking over the feet at -4.4 to +2.4° at the
#: bottom, and knees brought 10° in (20° in the picture's true points) at 8.8-13.7°: it reads
#: about 0.6 of the true angle. There is no validated cut-off (smartphone readings of this
#: angle change by 5-10° between sessions), so this is a coaching cue for a knee clearly
#: falling in, never a finding.
KNEES_IN_DEG = 7.0


def _knees_in(coach: Coach, readings: Mapping[Signal, Reading | None]) -> bool:
    """A squat under way (past the count's entry threshold) with a knee falling in."""
    inward, depth = _scalar(readings, Signal.KNEES_INWARD), _scalar(readings, Signal.SQUAT_DEPTH)
    rule, baseline = coach.definition.rep, coach.baseline
    if inward is None or depth is None or rule is None or baseline is None:
        return False
    return depth - baseline >= rule.low and inward >= KNEES_IN_DEG


def _swaying(coach: Coach, readings: Mapping[Signal, Reading | None]) -> bool:
    sway, hold = _scalar(readings, Signal.BODY_SWAY), coach.definition.hold
    return sway is not None and hold is not None and hold.high is not None and sway > hold.high


#: Form cues read from the signals each frame, by cue.
_SIGNAL_CUES: Mapping[CueKey, Callable[[Coach, Mapping[Signal, Reading | None]], bool]] = (
    MappingProxyType(
        {
            CueKey.KNEE_STRAIGHT: _knee_bent,
            CueKey.RAISE_LEG: _leg_low,
            CueKey.HEELS_HIGHER: _heels_low,
            CueKey.KNEES_OUT: _knees_in,
            CueKey.TILT_FURTHER: _tilt_short,
            CueKey.OTHER_SHOULDER: _tilt_away,
            CueKey.STAND_STILL: _swaying,
        }
    )
)


def _majority(views: Sequence[View]) -> View | None:
    if not views:
        return None
    counts: dict[View, int] = {}
    for view in views:
        counts[view] = counts.get(view, 0) + 1
    return max(counts, key=lambda v: (counts[v], v is views[-1]))


def _standing_name(exercise_id: str) -> str:
    return "Standing posture hold" if exercise_id == STANDING_POSTURE else exercise_id
