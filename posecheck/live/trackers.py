"""Stateful exercise trackers: repetitions, holds and circles over a stream of timed samples.

Each tracker is fed one sample at a time with its time ``t_ms`` (milliseconds, float; never a
frame count), through ``update(value, t_ms)``, which returns the tracker's immutable snapshot (the
same as ``state()``). ``reset()`` forgets everything, counts included.

Shared rules:

- **Missing samples.** ``None`` (or NaN) is a frame where the signal could not be read. It
  neither counts nor breaks anything by itself; only a gap longer than the tracker's
  ``max_gap_ms`` since the last readable sample drops the movement in progress (the partial rep,
  hold or circle), never what was already counted.
- **Restarts.** A timestamp equal to or before the previous one (a camera restarting at 0, a new
  clip) is a restart: the counts (reps, completed holds, circles) and the records (best hold) are
  kept, the movement in progress is dropped (it was not seen to its end), and the sample is
  taken as the first of a new stream. ``restarts`` in each snapshot counts them.
- The trackers do not smooth: feed them a smoothed signal (:mod:`posecheck.live.filters`) or rely
  on their hysteresis, grace period and dead zone, which are there to absorb jitter.
"""

from __future__ import annotations

import enum
import math
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

# --- shared time keeping -----------------------------------------------------------------------


def _check_time(t_ms: float) -> None:
    if not math.isfinite(t_ms):
        raise ValueError(f"t_ms: expected a finite time in milliseconds, got {t_ms}")


def _readable(value: float | None) -> float | None:
    """The value as a float, or None when it is missing (None, NaN, infinite)."""
    if value is None or not math.isfinite(value):
        return None
    return float(value)


def _check_positive(owner: str, name: str, value: float | None, *, allow_zero: bool) -> None:
    if value is None:
        return
    if not math.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        expected = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{owner}.{name}: expected a finite {expected}, got {value}")


class _Timeline:
    """The last timestamp seen (any sample) and the last readable sample's time."""

    def __init__(self) -> None:
        self.last_seen_ms: float | None = None
        self.last_valid_ms: float | None = None

    def advance(self, t_ms: float) -> bool:
        """Record ``t_ms``; True when it is a restart (not after the last timestamp seen)."""
        _check_time(t_ms)
        restarted = self.last_seen_ms is not None and t_ms <= self.last_seen_ms
        if restarted:
            self.last_valid_ms = None
        self.last_seen_ms = t_ms
        return restarted

    def gap_ms(self, t_ms: float) -> float:
        """Milliseconds from the last readable sample to ``t_ms`` (0 before any)."""
        return 0.0 if self.last_valid_ms is None else t_ms - self.last_valid_ms

    def missing_ms(self) -> float:
        """Milliseconds from the last readable sample to the last timestamp seen."""
        if self.last_seen_ms is None:
            return 0.0
        return self.gap_ms(self.last_seen_ms)


# --- repetitions -------------------------------------------------------------------------------


class RepPhase(enum.StrEnum):
    """Where a :class:`RepCounter` is in a repetition.

    ``WAITING``: not yet seen in the rest zone (at the start, after a long gap or a restart); a
    rep must start from rest. ``REST``: at rest, or on the way out of it. ``ACTIVE``: past the
    entry threshold (the "up" of a heel raise), until the value is back in the rest zone.
    """

    WAITING = "waiting"
    REST = "rest"
    ACTIVE = "active"


class RepEvent(enum.StrEnum):
    """What happened last in a :class:`RepCounter` (for cues such as "hold at the top")."""

    NONE = "none"
    COUNTED = "counted"
    TOO_SHORT = "too_short"  # back at rest before min_dwell_ms in the active phase
    TOO_LONG = "too_long"  # the whole rep took longer than max_rep_ms
    GAP = "gap"  # a partial rep dropped: no readable sample for longer than max_gap_ms
    RESTART = "restart"  # a partial rep dropped: the timestamps restarted


@dataclass(frozen=True)
class RepParams:
    """How a :class:`RepCounter` counts, in the signal's own unit and in milliseconds.

    With ``active_high`` (a heel raise: the heel goes up), the active phase is entered when the
    value rises above ``high`` and left when it falls below ``low``; with ``active_high=False``
    (a movement whose active phase is low values), it is entered below ``low`` and left above
    ``high``. Values between the two thresholds change nothing (hysteresis), so jitter smaller
    than ``high - low`` cannot count a rep.

    Attributes:
        low, high: the two thresholds, ``low < high``.
        active_high: True when the active phase is high values.
        min_dwell_ms: a rep counts only if the value stayed in the active phase at least this
            long (measured between samples, so it may fall one frame gap short).
        max_rep_ms: a rep counts only if it took at most this long from leaving the rest zone to
            returning to it; None for no limit.
        max_gap_ms: with no readable sample for longer than this, a rep in progress is dropped
            and the counter waits to see the rest zone again.
    """

    low: float
    high: float
    active_high: bool = True
    min_dwell_ms: float = 0.0
    max_rep_ms: float | None = None
    max_gap_ms: float = 500.0

    def __post_init__(self) -> None:
        if not (math.isfinite(self.low) and math.isfinite(self.high) and self.low < self.high):
            raise ValueError(
                f"RepParams: expected finite thresholds with low < high, "
                f"got low={self.low} high={self.high}"
            )
        _check_positive("RepParams", "min_dwell_ms", self.min_dwell_ms, allow_zero=True)
        _check_positive("RepParams", "max_rep_ms", self.max_rep_ms, allow_zero=False)
        _check_positive("RepParams", "max_gap_ms", self.max_gap_ms, allow_zero=False)


@dataclass(frozen=True)
class RepState:
    """A snapshot of a :class:`RepCounter`.

    Attributes:
        count: reps counted since the last ``reset()`` (restarts keep it).
        phase: where the counter is in a rep.
        rejected: reps seen from rest to rest that did not count (too short or too long).
        last_event: what happened last.
        dwell_ms: time in the current active phase so far (0 outside it).
        peak: the most extreme value of the current active phase (highest when the active phase
            is high values, lowest otherwise), None outside it.
        last_rep_ms: how long the last counted rep took, rest to rest; None before the first.
        last_peak: the most extreme value of the last counted rep; None before the first.
        missing_ms: time since the last readable sample (0 when the latest sample was readable).
        restarts: timestamp restarts seen.
    """

    count: int
    phase: RepPhase
    rejected: int
    last_event: RepEvent
    dwell_ms: float
    peak: float | None
    last_rep_ms: float | None
    last_peak: float | None
    missing_ms: float
    restarts: int


class _Zone(enum.Enum):
    REST = "rest"
    BAND = "band"
    ACTIVE = "active"


class RepCounter:
    """Counts repetitions of a movement with two thresholds and a minimum dwell.

    A rep is seen whole or not at all: from the rest zone, past the entry threshold into the
    active phase, and back into the rest zone, with no gap longer than ``max_gap_ms`` between
    readable samples. It counts when it stayed at least ``min_dwell_ms`` in the active phase and
    took at most ``max_rep_ms``. See the module docstring for missing samples and restarts.
    """

    def __init__(self, params: RepParams) -> None:
        self.params = params
        self.reset()

    def reset(self) -> None:
        """Forget everything, counts included."""
        self._timeline = _Timeline()
        self._count = 0
        self._rejected = 0
        self._restarts = 0
        self._last_rep_ms: float | None = None
        self._last_peak: float | None = None
        self._clear_progress(RepEvent.NONE)

    def _clear_progress(self, event: RepEvent) -> None:
        self._phase = RepPhase.WAITING
        self._event = event
        self._left_rest_ms: float | None = None
        self._entered_ms = 0.0
        self._last_active_ms = 0.0
        self._peak: float | None = None

    def _in_progress(self) -> bool:
        return self._phase is RepPhase.ACTIVE or self._left_rest_ms is not None

    def _drop(self, event: RepEvent) -> None:
        """Drop the rep in progress (if any) and wait for the rest zone again."""
        self._clear_progress(event if self._in_progress() else self._event)

    def _zone(self, value: float) -> _Zone:
        low, high = self.params.low, self.params.high
        if self.params.active_high:
            return _Zone.ACTIVE if value > high else _Zone.REST if value < low else _Zone.BAND
        return _Zone.ACTIVE if value < low else _Zone.REST if value > high else _Zone.BAND

    def _more_extreme(self, value: float, than: float) -> bool:
        return value > than if self.params.active_high else value < than

    def update(self, value: float | None, t_ms: float) -> RepState:
        """Feed one sample (None when it could not be read) taken at ``t_ms``."""
        if self._timeline.advance(t_ms):
            self._restarts += 1
            self._drop(RepEvent.RESTART)
        if self._timeline.gap_ms(t_ms) > self.params.max_gap_ms:
            self._drop(RepEvent.GAP)
        reading = _readable(value)
        if reading is not None:
            self._timeline.last_valid_ms = t_ms
            self._step(reading, t_ms)
        return self.state()

    def _step(self, value: float, t_ms: float) -> None:
        zone = self._zone(value)
        if self._phase is RepPhase.WAITING:
            if zone is _Zone.REST:
                self._phase = RepPhase.REST
        elif self._phase is RepPhase.REST:
            self._step_rest(zone, value, t_ms)
        elif zone is _Zone.REST:
            self._finish(t_ms)
        else:
            self._last_active_ms = t_ms
            if self._peak is None or self._more_extreme(value, self._peak):
                self._peak = value

    def _step_rest(self, zone: _Zone, value: float, t_ms: float) -> None:
        if zone is _Zone.REST:
            self._left_rest_ms = None
            return
        if self._left_rest_ms is None:
            self._left_rest_ms = t_ms
        if zone is _Zone.ACTIVE:
            self._phase = RepPhase.ACTIVE
            self._entered_ms = self._last_active_ms = t_ms
            self._peak = value

    def _finish(self, t_ms: float) -> None:
        """Back in the rest zone after an active phase: count the rep or reject it."""
        dwell_ms = self._last_active_ms - self._entered_ms
        started_ms = self._entered_ms if self._left_rest_ms is None else self._left_rest_ms
        rep_ms = t_ms - started_ms
        max_rep_ms = self.params.max_rep_ms
        if dwell_ms < self.params.min_dwell_ms:
            event = RepEvent.TOO_SHORT
        elif max_rep_ms is not None and rep_ms > max_rep_ms:
            event = RepEvent.TOO_LONG
        else:
            event = RepEvent.COUNTED
            self._count += 1
            self._last_rep_ms = rep_ms
            self._last_peak = self._peak
        if event is not RepEvent.COUNTED:
            self._rejected += 1
        self._clear_progress(event)
        self._phase = RepPhase.REST

    def state(self) -> RepState:
        """The counter's current snapshot."""
        active = self._phase is RepPhase.ACTIVE
        return RepState(
            count=self._count,
            phase=self._phase,
            rejected=self._rejected,
            last_event=self._event,
            dwell_ms=self._last_active_ms - self._entered_ms if active else 0.0,
            peak=self._peak if active else None,
            last_rep_ms=self._last_rep_ms,
            last_peak=self._last_peak,
            missing_ms=self._timeline.missing_ms(),
            restarts=self._restarts,
        )


# --- holds -------------------------------------------------------------------------------------


class HoldPhase(enum.StrEnum):
    """Where a :class:`HoldTimer` is.

    ``IDLE``: no hold. ``HOLDING``: the latest readable sample is in range. ``GRACE``: a hold is
    under way but the latest sample is out of range or missing; it ends if that lasts too long.
    """

    IDLE = "idle"
    HOLDING = "holding"
    GRACE = "grace"


@dataclass(frozen=True)
class HoldParams:
    """What a :class:`HoldTimer` times, in the signal's unit and in milliseconds.

    Attributes:
        low, high: the condition is ``low <= value <= high``; either bound may be None (open),
            not both. ``low`` alone means "at or above a threshold".
        grace_ms: a hold survives values out of range for up to this long after its last
            in-range sample (a brief flicker does not reset it).
        target_ms: a hold counts as completed when it reaches this length; None for no target.
        max_gap_ms: a hold whose latest readable sample was in range survives missing samples for
            up to this long.
    """

    low: float | None = None
    high: float | None = None
    grace_ms: float = 500.0
    target_ms: float | None = None
    max_gap_ms: float = 1000.0

    def __post_init__(self) -> None:
        if self.low is None and self.high is None:
            raise ValueError("HoldParams: expected at least one of low and high, got neither")
        for name, bound in (("low", self.low), ("high", self.high)):
            if bound is not None and not math.isfinite(bound):
                raise ValueError(f"HoldParams.{name}: expected a finite number, got {bound}")
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError(
                f"HoldParams: expected low <= high, got low={self.low} high={self.high}"
            )
        _check_positive("HoldParams", "grace_ms", self.grace_ms, allow_zero=True)
        _check_positive("HoldParams", "target_ms", self.target_ms, allow_zero=False)
        _check_positive("HoldParams", "max_gap_ms", self.max_gap_ms, allow_zero=False)

    def holds(self, value: float) -> bool:
        """True when ``value`` meets the condition."""
        above = self.low is None or value >= self.low
        below = self.high is None or value <= self.high
        return above and below


@dataclass(frozen=True)
class HoldState:
    """A snapshot of a :class:`HoldTimer` (times in milliseconds).

    Attributes:
        phase: idle, holding, or in the grace period of a hold.
        hold_ms: length of the current hold, from its first to its latest in-range sample (0 when
            idle); flickers bridged by the grace period count as held.
        completed: holds that reached ``target_ms`` (counted the moment they reach it, once per
            hold, however long it goes on; restarts keep it).
        best_ms: the longest finished hold (0 before any). The current hold is in ``hold_ms``.
        last_hold_ms: the length of the last finished hold; None before any.
        total_ms: the summed length of all finished holds.
        missing_ms: time since the last readable sample.
        restarts: timestamp restarts seen.
    """

    phase: HoldPhase
    hold_ms: float
    completed: int
    best_ms: float
    last_hold_ms: float | None
    total_ms: float
    missing_ms: float
    restarts: int


class HoldTimer:
    """Times how long a condition on a signal is held, with a grace period for flickers.

    A hold starts at the first in-range sample and lasts to its latest in-range sample. It ends
    (and its length goes into ``best_ms``, ``last_hold_ms`` and ``total_ms``) when the value has
    been out of range for longer than ``grace_ms``, or no readable sample came for longer than
    ``max_gap_ms``. A restart drops the current hold: it is not recorded, but a completion it
    already reached stays counted.
    """

    def __init__(self, params: HoldParams) -> None:
        self.params = params
        self.reset()

    def reset(self) -> None:
        """Forget everything, counts and records included."""
        self._timeline = _Timeline()
        self._completed = 0
        self._best_ms = 0.0
        self._last_hold_ms: float | None = None
        self._total_ms = 0.0
        self._restarts = 0
        self._drop()

    def _drop(self) -> None:
        """Forget the current hold without recording it."""
        self._start_ms: float | None = None
        self._last_in_ms = 0.0
        self._latest_in_range = False
        self._reached_target = False

    def _end(self) -> None:
        """End the current hold and record it."""
        if self._start_ms is not None:
            length_ms = self._last_in_ms - self._start_ms
            self._best_ms = max(self._best_ms, length_ms)
            self._last_hold_ms = length_ms
            self._total_ms += length_ms
        self._drop()

    def update(self, value: float | None, t_ms: float) -> HoldState:
        """Feed one sample (None when it could not be read) taken at ``t_ms``."""
        if self._timeline.advance(t_ms):
            self._restarts += 1
            self._drop()
        reading = _readable(value)
        if self._start_ms is not None and self._broken(reading, t_ms):
            self._end()
        if reading is not None:
            self._timeline.last_valid_ms = t_ms
            self._step(reading, t_ms)
        return self.state()

    def _broken(self, reading: float | None, t_ms: float) -> bool:
        """Whether the current hold has ended by ``t_ms``, given the sample taken then."""
        if self._timeline.gap_ms(t_ms) > self.params.max_gap_ms:
            return True
        if reading is None:
            out_of_range = not self._latest_in_range
        else:
            out_of_range = not self.params.holds(reading)
        return out_of_range and t_ms - self._last_in_ms > self.params.grace_ms

    def _step(self, value: float, t_ms: float) -> None:
        self._latest_in_range = self.params.holds(value)
        if not self._latest_in_range:
            return
        if self._start_ms is None:
            self._start_ms = t_ms
        self._last_in_ms = t_ms
        target_ms = self.params.target_ms
        if (
            target_ms is not None
            and not self._reached_target
            and t_ms - self._start_ms >= target_ms
        ):
            self._reached_target = True
            self._completed += 1

    def state(self) -> HoldState:
        """The timer's current snapshot."""
        if self._start_ms is None:
            phase, hold_ms = HoldPhase.IDLE, 0.0
        else:
            hold_ms = self._last_in_ms - self._start_ms
            holding = self._latest_in_range and self._timeline.missing_ms() == 0.0
            phase = HoldPhase.HOLDING if holding else HoldPhase.GRACE
        return HoldState(
            phase=phase,
            hold_ms=hold_ms,
            completed=self._completed,
            best_ms=self._best_ms,
            last_hold_ms=self._last_hold_ms,
            total_ms=self._total_ms,
            missing_ms=self._timeline.missing_ms(),
            restarts=self._restarts,
        )


# --- circles -----------------------------------------------------------------------------------


class Rotation(enum.StrEnum):
    """A direction of turning as seen in the image (x right, y down).

    In a selfie (mirrored) view, clockwise on screen is anticlockwise for the person watching the
    camera from the other side; the caller decides which to tell the user.
    """

    NONE = "none"
    CLOCKWISE = "clockwise"
    ANTICLOCKWISE = "anticlockwise"


@dataclass(frozen=True)
class CircleParams:
    """How a :class:`CircleCounter` finds the centre and what it ignores.

    Points and radii are in the caller's unit (image pixels, or a normalised unit such as shank
    lengths); angles in degrees; times in milliseconds.

    Attributes:
        centre: the fixed centre the points turn about, used when ``centre_window_ms`` is None.
        centre_window_ms: when set, the centre is the mean of the readable points of the last
            ``centre_window_ms`` instead (make it at least one circle's duration): for a point
            such as the foot tip, which circles about its own resting position, not the ankle.
        min_radius: points closer than this to the centre are ignored (jitter at the centre
            turns the angle wildly without any circling).
        reversal_deg: travel of more than this back against the current direction ends the
            partial circle and starts one the other way, from the turning point.
        max_step_deg: a turn of more than this between two samples is ambiguous (which way
            round?) and is not counted; the next step starts from the new angle.
        max_gap_ms: with no readable sample for longer than this, the partial circle is dropped.
    """

    centre: tuple[float, float] = (0.0, 0.0)
    centre_window_ms: float | None = None
    min_radius: float = 0.0
    reversal_deg: float = 90.0
    max_step_deg: float = 150.0
    max_gap_ms: float = 500.0

    def __post_init__(self) -> None:
        if len(self.centre) != 2 or not all(math.isfinite(c) for c in self.centre):
            raise ValueError(f"CircleParams.centre: expected a finite (x, y), got {self.centre}")
        _check_positive("CircleParams", "centre_window_ms", self.centre_window_ms, allow_zero=False)
        _check_positive("CircleParams", "min_radius", self.min_radius, allow_zero=True)
        _check_positive("CircleParams", "max_gap_ms", self.max_gap_ms, allow_zero=False)
        for name, value in (
            ("reversal_deg", self.reversal_deg),
            ("max_step_deg", self.max_step_deg),
        ):
            if not (math.isfinite(value) and 0 < value < 360):
                raise ValueError(f"CircleParams.{name}: expected 0 < degrees < 360, got {value}")


@dataclass(frozen=True)
class CircleState:
    """A snapshot of a :class:`CircleCounter`.

    Attributes:
        count: full circles counted, both directions (restarts keep it).
        clockwise, anticlockwise: full circles counted in each direction, as seen in the image.
        direction: the direction of the circle under way, or of the last one counted.
        fraction: how much of the current circle is done, 0 to 1 (1 is never reached: the circle
            is counted and the fraction starts again).
        partial_deg: the current circle's signed angle, + clockwise on screen.
        radius: the latest point's distance from the centre (the caller's unit); None for angle
            input or when the latest sample was missing.
        last_circle_ms: how long the last counted circle took; None before any.
        missing_ms: time since the last readable sample.
        restarts: timestamp restarts seen.
    """

    count: int
    clockwise: int
    anticlockwise: int
    direction: Rotation
    fraction: float
    partial_deg: float
    radius: float | None
    last_circle_ms: float | None
    missing_ms: float
    restarts: int


def _wrap_deg(angle: float) -> float:
    """The angle in (-180, 180] degrees."""
    wrapped = math.fmod(angle + 180.0, 360.0)
    if wrapped <= 0.0:
        wrapped += 360.0
    return wrapped - 180.0


#: The adaptive centre keeps at most this many points, whatever the frame rate.
_MAX_CENTRE_POINTS = 2048


class CircleCounter:
    """Counts full circles of a point moving about a centre, by its accumulated unwrapped angle.

    Each sample's angle about the centre is compared with the previous one; the signed turns add
    up, + clockwise on screen (image y points down). A circle counts when 360° have added up in
    one direction. Going back and forth adds nothing (the turns cancel); going back by more than
    ``reversal_deg`` starts a circle the other way. Feed points with :meth:`update` or angles
    (degrees, increasing clockwise on screen) with :meth:`update_angle`; do not mix the two
    between resets.
    """

    def __init__(self, params: CircleParams | None = None) -> None:
        self.params = params or CircleParams()
        self.reset()

    def reset(self) -> None:
        """Forget everything, counts included."""
        self._timeline = _Timeline()
        self._clockwise = 0
        self._anticlockwise = 0
        self._restarts = 0
        self._last_direction = 0
        self._last_circle_ms: float | None = None
        self._points: deque[tuple[float, float, float]] = deque(maxlen=_MAX_CENTRE_POINTS)
        self._radius: float | None = None
        self._drop()

    def _drop(self) -> None:
        """Forget the partial circle."""
        self._angle: float | None = None
        self._partial = 0.0
        self._direction = 0
        self._extreme = 0.0
        self._extreme_ms = 0.0
        self._partial_start_ms: float | None = None

    def _begin(self, t_ms: float) -> None:
        """Time keeping shared by both inputs: restarts and long gaps drop the partial circle."""
        self._radius = None
        if self._timeline.advance(t_ms):
            self._restarts += 1
            self._points.clear()
            self._drop()
        if self._timeline.gap_ms(t_ms) > self.params.max_gap_ms:
            self._drop()

    def update(self, point: Sequence[float] | None, t_ms: float) -> CircleState:
        """Feed one point ``(x, y)`` (None when it could not be read) taken at ``t_ms``."""
        self._begin(t_ms)
        if point is not None and len(point) != 2:
            raise ValueError(f"expected a point (x, y), got {len(point)} components")
        x = None if point is None else _readable(point[0])
        y = None if point is None else _readable(point[1])
        if x is None or y is None:
            return self.state()
        self._timeline.last_valid_ms = t_ms
        cx, cy = self._centre(x, y, t_ms)
        self._radius = math.hypot(x - cx, y - cy)
        if self._radius > 0.0 and self._radius >= self.params.min_radius:
            self._turn_to(math.degrees(math.atan2(y - cy, x - cx)), t_ms)
        return self.state()

    def update_angle(self, angle_deg: float | None, t_ms: float) -> CircleState:
        """Feed one angle (degrees, increasing clockwise on screen; None when missing)."""
        self._begin(t_ms)
        reading = _readable(angle_deg)
        if reading is not None:
            self._timeline.last_valid_ms = t_ms
            self._turn_to(reading, t_ms)
        return self.state()

    def _centre(self, x: float, y: float, t_ms: float) -> tuple[float, float]:
        window_ms = self.params.centre_window_ms
        if window_ms is None:
            return self.params.centre
        self._points.append((t_ms, x, y))
        while self._points[0][0] < t_ms - window_ms:
            self._points.popleft()
        count = len(self._points)
        return sum(p[1] for p in self._points) / count, sum(p[2] for p in self._points) / count

    def _turn_to(self, angle: float, t_ms: float) -> None:
        previous, self._angle = self._angle, angle
        if previous is None:
            self._partial_start_ms = t_ms
            return
        step = _wrap_deg(angle - previous)
        if abs(step) > self.params.max_step_deg:
            return
        self._partial += step
        self._follow_direction(t_ms)
        self._count_full_circles(t_ms)

    def _follow_direction(self, t_ms: float) -> None:
        if self._direction == 0:
            if self._partial != 0.0:
                self._direction = 1 if self._partial > 0 else -1
                self._extreme, self._extreme_ms = abs(self._partial), t_ms
            return
        progress = self._partial * self._direction
        if progress > self._extreme:
            self._extreme, self._extreme_ms = progress, t_ms
        elif self._extreme - progress > self.params.reversal_deg:
            # Turned back: a circle the other way starts from the turning point.
            self._partial -= self._direction * self._extreme
            self._direction = -self._direction
            self._partial_start_ms = self._extreme_ms
            self._extreme, self._extreme_ms = abs(self._partial), t_ms

    def _count_full_circles(self, t_ms: float) -> None:
        while self._direction != 0 and self._partial * self._direction >= 360.0:
            if self._direction > 0:
                self._clockwise += 1
            else:
                self._anticlockwise += 1
            self._last_direction = self._direction
            if self._partial_start_ms is not None:
                self._last_circle_ms = t_ms - self._partial_start_ms
            self._partial_start_ms = t_ms
            self._partial -= self._direction * 360.0
            self._extreme = self._partial * self._direction

    def state(self) -> CircleState:
        """The counter's current snapshot."""
        direction = self._direction or self._last_direction
        rotation = {1: Rotation.CLOCKWISE, -1: Rotation.ANTICLOCKWISE}.get(direction, Rotation.NONE)
        progress = max(0.0, self._partial * self._direction) if self._direction else 0.0
        return CircleState(
            count=self._clockwise + self._anticlockwise,
            clockwise=self._clockwise,
            anticlockwise=self._anticlockwise,
            direction=rotation,
            fraction=min(progress / 360.0, 1.0),
            partial_deg=self._partial,
            radius=self._radius,
            last_circle_ms=self._last_circle_ms,
            missing_ms=self._timeline.missing_ms(),
            restarts=self._restarts,
        )
