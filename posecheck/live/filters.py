"""The one-euro filter (Casiez, Roussel and Vogel, CHI 2012) for signals sampled at uneven times.

An exponential low-pass whose cutoff rises with the signal's speed: ``cutoff = min_cutoff + beta *
|speed|``. Still, it smooths hard (little jitter); moving, it follows closely (little lag). Each
step's weight comes from the real time since the previous sample, so dropped frames and uneven
gaps are handled by the arithmetic itself.

Time is ``t_ms``, the sample's time in milliseconds (float). Rules shared by both filters:

- the first sample after creation or :meth:`reset` passes through unchanged;
- a timestamp that does not increase (equal to or before the last one seen, as when a camera
  restarts at 0) resets the filter, and that sample passes through as a first sample;
- a missing sample (None, NaN or an infinite value) returns None and leaves the estimate alone;
  the next sample's step then spans the whole gap.

Tuning (from the paper): start with ``beta = 0`` and ``min_cutoff`` about 1 Hz; lower
``min_cutoff`` until the jitter of a still signal is gone, then raise ``beta`` (in steps of x10)
until fast movements lag little. ``beta`` is in Hz per (signal unit per second), so it depends on
the signal's unit: a signal in degrees needs a much smaller ``beta`` than one in foot lengths.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class OneEuroParams:
    """The one-euro filter's three parameters.

    Attributes:
        min_cutoff: Hz, the cutoff frequency when the signal is still; lower is smoother and
            slower. Must be > 0.
        beta: Hz per (signal unit / s), how fast the cutoff rises with speed; 0 makes a plain
            low-pass at ``min_cutoff``. Must be >= 0.
        d_cutoff: Hz, the cutoff of the low-pass that smooths the speed estimate. Must be > 0.
    """

    min_cutoff: float = 1.0
    beta: float = 0.0
    d_cutoff: float = 1.0

    def __post_init__(self) -> None:
        for name, value, allow_zero in (
            ("min_cutoff", self.min_cutoff, False),
            ("beta", self.beta, True),
            ("d_cutoff", self.d_cutoff, False),
        ):
            if not math.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
                expected = ">= 0" if allow_zero else "> 0"
                raise ValueError(f"OneEuroParams.{name}: expected a finite {expected}, got {value}")


def smoothing_factor(cutoff_hz: float, dt_s: float) -> float:
    """The weight (0-1] a new sample gets in an exponential low-pass at ``cutoff_hz`` after
    ``dt_s`` seconds: ``1 / (1 + tau / dt)`` with ``tau = 1 / (2 pi cutoff)``."""
    tau_s = 1.0 / (2.0 * math.pi * cutoff_hz)
    return 1.0 / (1.0 + tau_s / dt_s)


@dataclass(frozen=True)
class _Estimate:
    """The filter's state after a sample: its time (ms), the smoothed value and the smoothed
    speed (signal units per second), one entry per component."""

    t_ms: float
    value: tuple[float, ...]
    speed: tuple[float, ...]


def _blend(previous: tuple[float, ...], new: tuple[float, ...], weight: float) -> tuple[float, ...]:
    return tuple(p + weight * (n - p) for p, n in zip(previous, new, strict=True))


def _step(
    params: OneEuroParams, previous: _Estimate, sample: tuple[float, ...], t_ms: float
) -> _Estimate:
    """One filter step; ``t_ms`` is after ``previous.t_ms``.

    The speed is taken against the previous *smoothed* value, as in the paper's algorithm, so a
    lagging estimate counts as movement and catches up quickly after a step. With several
    components one cutoff, from the length of the speed vector, serves them all, so the filter
    does not bend a point's path toward the axes.
    """
    dt_s = (t_ms - previous.t_ms) / 1000.0
    raw_speed = tuple((x - p) / dt_s for x, p in zip(sample, previous.value, strict=True))
    speed = _blend(previous.speed, raw_speed, smoothing_factor(params.d_cutoff, dt_s))
    cutoff_hz = params.min_cutoff + params.beta * math.hypot(*speed)
    value = _blend(previous.value, sample, smoothing_factor(cutoff_hz, dt_s))
    return _Estimate(t_ms=t_ms, value=value, speed=speed)


def _check_time(t_ms: float) -> None:
    if not math.isfinite(t_ms):
        raise ValueError(f"t_ms: expected a finite time in milliseconds, got {t_ms}")


class _OneEuroCore:
    """The shared state machine: time checks, resets, missing samples."""

    def __init__(self, params: OneEuroParams) -> None:
        self.params = params
        self._estimate: _Estimate | None = None
        self._last_seen_ms: float | None = None

    def reset(self) -> None:
        self._estimate = None
        self._last_seen_ms = None

    def update(self, sample: tuple[float, ...] | None, t_ms: float) -> tuple[float, ...] | None:
        _check_time(t_ms)
        if self._last_seen_ms is not None and t_ms <= self._last_seen_ms:
            self.reset()
        self._last_seen_ms = t_ms
        if sample is None:
            return None
        if self._estimate is None:
            self._estimate = _Estimate(t_ms=t_ms, value=sample, speed=(0.0,) * len(sample))
        else:
            if len(sample) != len(self._estimate.value):
                raise ValueError(
                    f"expected a sample of {len(self._estimate.value)} components, "
                    f"got {len(sample)}"
                )
            self._estimate = _step(self.params, self._estimate, sample, t_ms)
        return self._estimate.value

    @property
    def value(self) -> tuple[float, ...] | None:
        return None if self._estimate is None else self._estimate.value


def _finite_or_none(values: Sequence[float | None]) -> tuple[float, ...] | None:
    floats: list[float] = []
    for value in values:
        if value is None or not math.isfinite(value):
            return None
        floats.append(float(value))
    return tuple(floats)


class OneEuroFilter:
    """A one-euro filter for one scalar signal: ``filtered = flt(value, t_ms)``.

    ``value`` is in any unit (the output has the same unit); ``t_ms`` is the sample's time in
    milliseconds. See the module docstring for first samples, restarts and missing samples.
    """

    def __init__(self, params: OneEuroParams | None = None) -> None:
        self._core = _OneEuroCore(params or OneEuroParams())

    @property
    def params(self) -> OneEuroParams:
        return self._core.params

    @property
    def value(self) -> float | None:
        """The latest smoothed value, or None before the first sample (or after a reset)."""
        value = self._core.value
        return None if value is None else value[0]

    def __call__(self, value: float | None, t_ms: float) -> float | None:
        """Feed one sample; returns the smoothed value, or None when ``value`` is missing."""
        filtered = self._core.update(_finite_or_none((value,)), t_ms)
        return None if filtered is None else filtered[0]

    def reset(self) -> None:
        """Forget everything: the next sample passes through."""
        self._core.reset()


class OneEuroVectorFilter:
    """A one-euro filter for a small vector (a 2D point, say) whose components share one cutoff.

    The number of components is fixed by the first sample after a reset; a sample with another
    number raises ``ValueError``. A sample with any missing (None or non-finite) component is
    missing as a whole.
    """

    def __init__(self, params: OneEuroParams | None = None) -> None:
        self._core = _OneEuroCore(params or OneEuroParams())

    @property
    def params(self) -> OneEuroParams:
        return self._core.params

    @property
    def value(self) -> tuple[float, ...] | None:
        """The latest smoothed vector, or None before the first sample (or after a reset)."""
        return self._core.value

    def __call__(
        self, value: Sequence[float | None] | None, t_ms: float
    ) -> tuple[float, ...] | None:
        """Feed one sample; returns the smoothed vector, or None when ``value`` is missing."""
        sample = None if value is None else _finite_or_none(value)
        if sample is not None and not sample:
            raise ValueError("expected a vector of at least one component, got an empty one")
        return self._core.update(sample, t_ms)

    def reset(self) -> None:
        """Forget everything: the next sample passes through."""
        self._core.reset()
