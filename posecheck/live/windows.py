"""A sliding window of timed samples: the last ``span_ms`` of readings, for spreads and medians.

Used for stillness (the spread of a foot's or the hips' position over the last second) and for
baselines (the median of a signal over a still second). Like the trackers, it is fed ``t_ms``
(never a frame count) and treats a timestamp that does not increase as a restart: the window
empties and the sample starts it again. Missing samples (None) are not stored; they only move
time on, so old samples still fall out.
"""

from __future__ import annotations

import math
import statistics
from collections import deque
from collections.abc import Sequence
from typing import Generic, TypeVar

from posecheck.live.signals import point_spread

T = TypeVar("T")

#: At most this many samples are kept, whatever the frame rate (memory stays bounded).
MAX_SAMPLES = 4096


class TimeWindow(Generic[T]):
    """The readable samples of the last ``span_ms`` milliseconds, oldest first."""

    def __init__(self, span_ms: float) -> None:
        if not (math.isfinite(span_ms) and span_ms > 0):
            raise ValueError(f"TimeWindow.span_ms: expected a finite > 0, got {span_ms}")
        self.span_ms = span_ms
        self._samples: deque[tuple[float, T]] = deque(maxlen=MAX_SAMPLES)
        self._last_ms: float | None = None
        self.restarts = 0

    def reset(self) -> None:
        self._samples.clear()
        self._last_ms = None

    def add(self, value: T | None, t_ms: float) -> bool:
        """Add a sample (None: missing) taken at ``t_ms``; True when this was a restart."""
        if not math.isfinite(t_ms):
            raise ValueError(f"t_ms: expected a finite time in milliseconds, got {t_ms}")
        restarted = self._last_ms is not None and t_ms <= self._last_ms
        if restarted:
            self._samples.clear()
            self.restarts += 1
        self._last_ms = t_ms
        if value is not None:
            self._samples.append((t_ms, value))
        while self._samples and self._samples[0][0] < t_ms - self.span_ms:
            self._samples.popleft()
        return restarted

    @property
    def values(self) -> list[T]:
        return [value for _, value in self._samples]

    @property
    def count(self) -> int:
        return len(self._samples)

    def covered_ms(self) -> float:
        """Time from the oldest sample kept to the latest timestamp seen (0 when empty)."""
        if not self._samples or self._last_ms is None:
            return 0.0
        return self._last_ms - self._samples[0][0]

    def full(self, share: float = 0.9) -> bool:
        """Whether the samples cover at least ``share`` of the span."""
        return self.covered_ms() >= share * self.span_ms


def scalar_spread(values: Sequence[float]) -> float | None:
    """The standard deviation (population) of the values; None for none."""
    if not values:
        return None
    return statistics.pstdev(values) if len(values) > 1 else 0.0


def window_point_spread(window: TimeWindow[tuple[float, float]]) -> float | None:
    """:func:`~posecheck.live.signals.point_spread` of a window of points; None when empty."""
    return point_spread(window.values)


def window_median(window: TimeWindow[float]) -> float | None:
    values = window.values
    return statistics.median(values) if values else None
