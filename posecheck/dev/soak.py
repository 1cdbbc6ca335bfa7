"""Soak: memory over a long live session and over a long batch of photos.

``live``: one LiveSession fed a clip over and over (timestamps running on, as a webcam's do) for
``seconds`` of processing; ``photos``: one Analyzer fed the photos over and over. Resident memory
(VmRSS) is sampled as it goes; the figure that matters is how much it grows after warming up
(the first 10 % of the run), which must stay flat whatever the length.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path


def rss_mb() -> float:
    """This process's resident memory now, in MB (Linux)."""
    for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


@dataclass(frozen=True)
class Soak:
    """What a soak did and how memory moved."""

    what: str
    steps: int
    seconds: float
    warm_mb: float
    end_mb: float
    peak_mb: float

    @property
    def growth_mb(self) -> float:
        return self.end_mb - self.warm_mb

    def line(self) -> str:
        return (
            f"{self.what}: {self.steps} steps in {self.seconds:.0f} s "
            f"({self.steps / max(self.seconds, 1e-9):.1f}/s); memory after warm-up "
            f"{self.warm_mb:.0f} MB, at the end {self.end_mb:.0f} MB (growth "
            f"{self.growth_mb:+.1f} MB), peak {self.peak_mb:.0f} MB"
        )


def _run(what: str, step: Callable[[int], object], seconds: float) -> Soak:
    start = time.perf_counter()
    warm_at = start + 0.1 * seconds
    warm = peak = rss_mb()
    warmed = False
    steps = 0
    while (now := time.perf_counter()) - start < seconds:
        step(steps)
        steps += 1
        if steps % 10 == 0:
            current = rss_mb()
            peak = max(peak, current)
            if not warmed and now >= warm_at:
                warm, warmed = current, True
    return Soak(what, steps, time.perf_counter() - start, warm, rss_mb(), peak)


def soak_live(clip: Path, seconds: float, model: str = "lite", exercise: str | None = None) -> Soak:
    from posecheck.live.session import LiveSession, people_counter, video_estimator
    from posecheck.video import open_video

    with open_video(clip) as reader:
        frames = [rgb for _, rgb in reader]  # a short clip, looped
    period_ms = 1000.0 / 15.0
    with LiveSession(
        video_estimator(model), exercise=exercise, people_counter=people_counter(model)
    ) as session:
        return _run(
            f"live session on {clip.name} (looped)",
            lambda i: session.process(frames[i % len(frames)], i * period_ms),
            seconds,
        )


def soak_photos(paths: Sequence[Path], seconds: float, model: str = "full") -> Soak:
    from posecheck.analysis import Analyzer

    with Analyzer.open(model) as analyzer:
        return _run(
            f"photos ({len(paths)}, looped)",
            lambda i: analyzer.analyze_path(paths[i % len(paths)]),
            seconds,
        )
