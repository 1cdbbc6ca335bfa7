"""The live stance check: stand still for a few seconds, get the photo report's measures averaged
over the still frames, with the spread of each as its repeatability.

Stillness is the **sway**: over the last ``window_ms``, the root-mean-square spread of the hips'
midpoint and of the ankles' midpoint (the larger of the two), in body lengths (shoulders'
midpoint to ankles' midpoint), so it does not depend on the person's size in the picture. A
**still stretch** starts at the first frame whose window is still, and goes on while the person
keeps still, standing (``posecheck.views.posture``), seen from the same view, with no gap in the
pose longer than ``max_gap_ms``. Once a stretch has lasted ``still_ms``, its frames give a
:class:`StanceResult`: each measure's mean over the still frames (at most the last ``max_ms``),
its error band (the mean of the frames' bands: averaging frames steadies a reading but does not
remove the model's own error, nor what the camera's unknown roll may add), its status from the
measure's own row against that band (``MeasureSpec.status``), and its standard deviation over
those frames. A mean that would make a finding is **held** (``possible``, not judged, with the
frames' reason) when the frames' readings were held: it leans on what the camera cannot show, as
in the photo report. The measures come from ``posecheck.measures.measure_pose``, the photo path's,
never re-implemented: the caller hands them in (computed lazily, only on still frames).
"""

from __future__ import annotations

import enum
import math
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from posecheck.live.windows import TimeWindow, window_point_spread
from posecheck.measures import (
    HELD_WORDS_LIVE,
    MEASURES_BY_NAME,
    Measurement,
    MeasureName,
    status_in_words,
)
from posecheck.types import VISIBILITY_THRESHOLD, Landmark, Pose, Status, Unit, View
from posecheck.views import ViewEstimate, posture
from posecheck.wording import capitalised, listed

Point = tuple[float, float]
MeasureFn = Callable[[], Mapping[MeasureName, Measurement]]


@dataclass(frozen=True)
class StanceParams:
    """When a person counts as standing still, and how long the check takes.

    Attributes:
        window_ms: the sway is measured over this much time.
        max_sway: still while the sway is at most this, in body lengths (0.01 of a 1.7 m person
            is 1.7 cm of RMS movement of the hips or ankles; the lite model's own jitter on a
            still person is a few thousandths).
        still_ms: a still stretch this long gives a result.
        max_ms: the result averages at most the last this long of a stretch.
        max_gap_ms: frames without a pose for longer than this end a stretch.
        min_share: a measure needs a value on at least this share of the still frames.
    """

    window_ms: float = 1000.0
    max_sway: float = 0.01
    still_ms: float = 3000.0
    max_ms: float = 10000.0
    max_gap_ms: float = 500.0
    min_share: float = 0.5

    def __post_init__(self) -> None:
        for name in ("window_ms", "max_sway", "still_ms", "max_ms", "max_gap_ms"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value > 0):
                raise ValueError(f"StanceParams.{name}: expected a finite > 0, got {value}")
        if self.max_ms < self.still_ms:
            raise ValueError(
                f"StanceParams: expected max_ms >= still_ms, got {self.max_ms} < {self.still_ms}"
            )
        if not 0 < self.min_share <= 1:
            raise ValueError(
                f"StanceParams.min_share: expected 0 < share <= 1, got {self.min_share}"
            )


def why_no_stance(
    duration_s: float,
    frames_with_person: int,
    frames_with_others: int,
    params: StanceParams | None = None,
) -> str:
    """Why a session or clip gave no stance result, in words for people (what follows
    "Stance: "): nobody in view, someone else in view all along (the check waits then), a
    recording shorter than the still stretch it needs, or never still for long enough."""
    needed = (params or StanceParams()).still_ms / 1000.0
    how = f"stand still, alone in view, for {needed:g}-{needed + 1:g} s"
    if frames_with_person == 0:
        return f"nobody was found in view, so nothing was measured: {how}"
    if frames_with_others >= frames_with_person:
        return (
            "someone else was in view all along, and the check waits while anyone else is in "
            f"view: {how}"
        )
    if duration_s < needed:
        return f"not measured: it lasted only {duration_s:.1f} s; {how}"
    return f"never still for long enough to measure: {how}"


class StancePhase(enum.StrEnum):
    """Where the stance check is.

    ``NO_PERSON``: nobody (or not the whole body) in view. ``MOVING``: swaying more than allowed
    (or the window not yet full), standing or not. ``NOT_STANDING``: still, but seated, lying or
    bending. ``STILL``: standing still, in a still stretch. ``OTHERS_IN_VIEW``: someone else is
    in view (the frames might be theirs: the check waits). ``OFF``: not checking (an exercise is
    being coached: standing on one leg to circle an ankle is not a stance).
    """

    OFF = "off"

    NO_PERSON = "no_person"
    OTHERS_IN_VIEW = "others_in_view"
    NOT_STANDING = "not_standing"
    MOVING = "moving"
    STILL = "still"


@dataclass(frozen=True)
class StanceMeasure:
    """One measure averaged over a still stretch.

    Attributes:
        name: the measure (the photo report's name).
        value: the mean of the frames' values, in ``unit``; None when fewer than the params'
            ``min_share`` of the still frames had one (``status`` is then ``unknown``).
        spread: the standard deviation of the frames' values (its repeatability), or None.
        count: frames that gave a value.
        unit, normal_range: as the measure's row says.
        status: ``MeasureSpec.status`` of the mean against ``error``; ``possible`` when held.
        reason: why it is unknown or held (the frames' most common reason), else "".
        error: the mean of the frames' error bands (±, in ``unit``); 0 when unknown.
        held: the mean would make a finding, but the frames' readings leaned on what the camera
            cannot show (its roll unknown, a turned body's knee that may be bent): not judged.
    """

    name: MeasureName
    value: float | None
    spread: float | None
    count: int
    unit: Unit
    status: Status
    normal_range: tuple[float, float]
    reason: str = ""
    error: float = 0.0
    held: bool = False

    @property
    def status_words(self) -> str:
        """The status in plain words, as the photo report says it (a held mean says so, and an
        experimental measure's)."""
        return status_in_words(self.name, self.status, held=self.held, held_words=HELD_WORDS_LIVE)

    @property
    def judged(self) -> bool:
        """Whether this measure can make a finding at all (not an experimental one)."""
        return MEASURES_BY_NAME[self.name].for_findings


@dataclass(frozen=True)
class StanceResult:
    """The stance check's result for one still stretch.

    Attributes:
        t_ms: time of the stretch's latest frame used.
        duration_ms: how long the frames used cover.
        frames: still frames averaged.
        view: the view they were seen from.
        sway: the mean sway over those frames, in body lengths.
        measures: per measure, keyed by name, in the measures table's order.
    """

    t_ms: float
    duration_ms: float
    frames: int
    view: View
    sway: float
    measures: Mapping[MeasureName, StanceMeasure] = field(
        default_factory=lambda: MappingProxyType({})
    )

    def notes(self) -> list[str]:
        """What a table of the means cannot hold (too long for it): why a reading outside the
        usual range is not judged, and why the measures with no mean have none, one line for
        each reason (a camera whose roll is unknown leaves several unmeasured for one reason)."""
        lines = []
        unknown: dict[str, list[str]] = {}
        for measure in self.measures.values():
            label = MEASURES_BY_NAME[measure.name].label
            if measure.held:
                lines.append(f"{capitalised(label)}: {measure.reason}.")
            elif measure.value is None:
                unknown.setdefault(measure.reason or "no reading", []).append(label)
        lines += [f"Not measured, the {listed(labels)}: {why}." for why, labels in unknown.items()]
        return lines


@dataclass(frozen=True)
class StanceState:
    """A snapshot of the stance check.

    Attributes:
        phase: where the check is.
        sway: the latest sway (body lengths), None when it cannot be measured yet.
        still_ms: how long the current still stretch has lasted (0 outside one).
        progress: ``still_ms / params.still_ms``, at most 1.
        result: the latest result (of this stretch once it is long enough, else of an earlier
            one); None before any.
    """

    phase: StancePhase
    sway: float | None
    still_ms: float
    progress: float
    result: StanceResult | None


def _midpoint(pose: Pose, a: Landmark, b: Landmark) -> Point | None:
    if not (pose.is_visible(a, VISIBILITY_THRESHOLD) and pose.is_visible(b, VISIBILITY_THRESHOLD)):
        return None
    return (
        float(pose.xy[a][0] + pose.xy[b][0]) / 2.0,
        float(pose.xy[a][1] + pose.xy[b][1]) / 2.0,
    )


def sway_points(pose: Pose) -> tuple[Point, Point] | None:
    """The hips' and the ankles' midpoints in body lengths (shoulders' midpoint to ankles'
    midpoint), or None when a shoulder, hip or ankle is not visible."""
    shoulders = _midpoint(pose, Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER)
    hips = _midpoint(pose, Landmark.LEFT_HIP, Landmark.RIGHT_HIP)
    ankles = _midpoint(pose, Landmark.LEFT_ANKLE, Landmark.RIGHT_ANKLE)
    if shoulders is None or hips is None or ankles is None:
        return None
    length = math.dist(shoulders, ankles)
    if length == 0.0:
        return None
    return (hips[0] / length, hips[1] / length), (ankles[0] / length, ankles[1] / length)


class _Sums:
    """One measure over a stretch's frames: the running count, sum and sum of squares of its
    values and the sum of their error bands, how many frames gave each reason for having none,
    and how many were held for each reason (frames are added with sign +1 and taken out again
    with -1, so a result costs the same however long the stretch)."""

    __slots__ = ("count", "errors", "held", "reasons", "squares", "sum")

    def __init__(self) -> None:
        self.count = 0
        self.sum = 0.0
        self.squares = 0.0
        self.errors = 0.0
        self.reasons: dict[str, int] = {}
        self.held: dict[str, int] = {}

    def add(self, reading: Measurement, sign: int) -> None:
        value = reading.value
        if value is None:
            self.reasons[reading.reason] = self.reasons.get(reading.reason, 0) + sign
            return
        self.count += sign
        self.sum += sign * value
        self.squares += sign * value * value
        self.errors += sign * reading.error
        if reading.held:
            self.held[reading.reason] = self.held.get(reading.reason, 0) + sign


@dataclass(frozen=True)
class _StillFrame:
    t_ms: float
    sway: float
    readings: tuple[Measurement, ...]


def _most_common(counts: Mapping[str, int]) -> str | None:
    present = {reason: n for reason, n in counts.items() if n > 0}
    return max(present, key=lambda r: present[r]) if present else None


class StanceCheck:
    """Feed every frame with :meth:`update`; read the result from the returned state."""

    def __init__(self, params: StanceParams | None = None) -> None:
        self.params = params or StanceParams()
        self.reset()

    def reset(self) -> None:
        """Forget everything, the latest result included."""
        self._hips: TimeWindow[Point] = TimeWindow(self.params.window_ms)
        self._ankles: TimeWindow[Point] = TimeWindow(self.params.window_ms)
        self._result: StanceResult | None = None
        self._sway: float | None = None
        self._phase = StancePhase.NO_PERSON
        self._end_stretch()

    def _end_stretch(self) -> None:
        self._frames: deque[_StillFrame] = deque()
        self._sums: dict[MeasureName, _Sums] = {}
        self._sway_sum = 0.0
        self._stretch_start_ms: float | None = None
        self._stretch_view: View | None = None
        self._last_still_ms: float | None = None

    def update(
        self,
        pose: Pose | None,
        view: ViewEstimate | None,
        t_ms: float,
        measure: MeasureFn,
        *,
        others: bool = False,
    ) -> StanceState:
        """Feed one frame: the pose (None when nobody was found), its view, its time, a function
        giving its measures (called only when the frame is still), and whether someone else is in
        view (the frame then ends a still stretch, as moving does)."""
        points = sway_points(pose) if pose is not None else None
        restarted = self._hips.add(points[0] if points else None, t_ms)
        self._ankles.add(points[1] if points else None, t_ms)
        if restarted:
            self._end_stretch()
        last = self._last_still_ms
        if last is not None and t_ms - last > self.params.max_gap_ms:
            self._finish()
        self._phase = self._classify(pose, points)
        if others and pose is not None:
            self._phase = StancePhase.OTHERS_IN_VIEW
        if self._phase is StancePhase.STILL and pose is not None and view is not None:
            self._add_still(view.view, t_ms, measure)
        elif self._phase in _ENDS_A_STRETCH:
            self._finish()
        return self.state()

    def _classify(self, pose: Pose | None, points: tuple[Point, Point] | None) -> StancePhase:
        """Moving is decided first, from the sway alone (cheap); whether a still person stands
        (``posecheck.views.posture``) only when it matters."""
        self._sway = None
        if pose is None or points is None:
            return StancePhase.NO_PERSON
        # a full window to start a stretch; during one, what a short gap in the pose left of it
        needed = 0.5 if self._stretch_start_ms is not None else 0.9
        if not (self._hips.full(needed) and self._ankles.full(needed)):
            return StancePhase.MOVING
        hips = window_point_spread(self._hips) or 0.0
        ankles = window_point_spread(self._ankles) or 0.0
        sway = max(hips, ankles)
        if sway > self.params.max_sway:
            self._sway = sway
            return StancePhase.MOVING
        if posture(pose).standing is not True:
            return StancePhase.NOT_STANDING
        self._sway = sway
        return StancePhase.STILL

    def _add_still(self, view: View, t_ms: float, measure: MeasureFn) -> None:
        if self._stretch_view is not None and view is not self._stretch_view:
            self._finish()
        if self._stretch_start_ms is None:
            self._stretch_start_ms = t_ms
            self._stretch_view = view
        self._last_still_ms = t_ms
        still = _StillFrame(t_ms, self._sway or 0.0, tuple(measure().values()))
        self._count(still, +1)
        self._frames.append(still)
        while self._frames and self._frames[0].t_ms < t_ms - self.params.max_ms:
            self._count(self._frames.popleft(), -1)
        if self.still_ms() >= self.params.still_ms:
            self._build()

    def _count(self, frame: _StillFrame, sign: int) -> None:
        self._sway_sum += sign * frame.sway
        for reading in frame.readings:
            self._sums.setdefault(reading.name, _Sums()).add(reading, sign)

    def still_ms(self) -> float:
        if self._stretch_start_ms is None or self._last_still_ms is None:
            return 0.0
        return self._last_still_ms - self._stretch_start_ms

    def _finish(self) -> None:
        """End the stretch; a long enough one leaves its final result."""
        if self._stretch_start_ms is not None and self.still_ms() >= self.params.still_ms:
            self._build()
        self._end_stretch()

    def _build(self) -> None:
        """The result from the running sums (as cheap for a long stretch as for a short one)."""
        if not self._frames or self._stretch_view is None:
            return
        first, last = self._frames[0], self._frames[-1]
        count = len(self._frames)
        measures = {
            name: self._averaged(name, sums, count)
            for name, sums in sorted(self._sums.items(), key=lambda item: _ORDER[item[0]])
        }
        self._result = StanceResult(
            t_ms=last.t_ms,
            duration_ms=last.t_ms - first.t_ms,
            frames=count,
            view=self._stretch_view,
            sway=self._sway_sum / count,
            measures=MappingProxyType(measures),
        )

    def _averaged(self, name: MeasureName, sums: _Sums, frames: int) -> StanceMeasure:
        spec = MEASURES_BY_NAME[name]
        if sums.count == 0 or sums.count < self.params.min_share * frames:
            reason = _most_common(sums.reasons) or "not measured"
            why = f"a value on {sums.count} of {frames} still frames: {reason}"
            return StanceMeasure(
                name, None, None, sums.count, spec.unit, Status.UNKNOWN, spec.normal, why
            )
        mean = sums.sum / sums.count
        variance = max(0.0, sums.squares / sums.count - mean * mean)
        error = sums.errors / sums.count
        status = spec.status(mean, error)
        held_for = _most_common(sums.held)
        held = status.clearly_outside and held_for is not None
        return StanceMeasure(
            name=name,
            value=mean,
            spread=math.sqrt(variance),
            count=sums.count,
            unit=spec.unit,
            status=Status.POSSIBLE if held else status,
            normal_range=spec.normal,
            reason=held_for if held and held_for is not None else "",
            error=error,
            held=held,
        )

    def off(self) -> StanceState:
        """The state while the check is not being fed (its last result kept)."""
        return StanceState(StancePhase.OFF, None, 0.0, 0.0, self._result)

    def state(self) -> StanceState:
        still = self.still_ms() if self._phase is StancePhase.STILL else 0.0
        return StanceState(
            phase=self._phase,
            sway=self._sway,
            still_ms=still,
            progress=min(1.0, still / self.params.still_ms),
            result=self._result,
        )


_ORDER = {name: index for index, name in enumerate(MEASURES_BY_NAME)}
_ENDS_A_STRETCH = frozenset(
    {StancePhase.MOVING, StancePhase.NOT_STANDING, StancePhase.OTHERS_IN_VIEW}
)
