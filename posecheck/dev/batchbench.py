"""Throughput of a batch: ``posecheck analyze --jobs N`` against N processes each running the bare
model on the same photos, measured in one run (images per second and their ratio)."""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Sequence
from dataclasses import dataclass

from posecheck.batch import BatchSettings, analyze_batch
from posecheck.errors import InvalidImageError


@dataclass(frozen=True)
class Throughput:
    jobs: int
    images: int
    bare_per_second: float
    whole_per_second: float

    @property
    def ratio(self) -> float:
        return self.whole_per_second / self.bare_per_second


def _bare_worker(args: tuple[str, Sequence[str]]) -> int:
    """Decode and detect each photo with the bare model (the machine's limit per process)."""
    from posecheck.estimator import PoseEstimator
    from posecheck.images import load_image

    model, paths = args
    with PoseEstimator.open(model) as estimator:
        for path in paths:
            image = load_image(path)
            estimator.detect(image.rgb, scale=image.scale, image_size=image.size)
    return len(paths)


def _bare(paths: Sequence[str], model: str, jobs: int) -> float:
    shares = [list(paths[i::jobs]) for i in range(jobs)]
    context = multiprocessing.get_context("spawn")
    with context.Pool(jobs) as pool:
        # the model loads inside the timed span, as it does for the batch
        start = time.perf_counter()
        done = sum(pool.map(_bare_worker, [(model, share) for share in shares]))
        return done / (time.perf_counter() - start)


def _whole(paths: Sequence[str], model: str, jobs: int) -> float:
    items: list[str | InvalidImageError] = list(paths)
    settings = BatchSettings(model=model, view=None, annotate=None)
    start = time.perf_counter()
    done = sum(1 for _ in analyze_batch(items, settings, jobs=jobs))
    return done / (time.perf_counter() - start)


def run(paths: Sequence[str], model: str, jobs_list: Sequence[int]) -> list[Throughput]:
    """For each N: the bare model in N processes, then the whole path with --jobs N."""
    return [
        Throughput(jobs, len(paths), _bare(paths, model, jobs), _whole(paths, model, jobs))
        for jobs in jobs_list
    ]


def format_rows(rows: Sequence[Throughput]) -> str:
    lines = [
        "| --jobs | images | bare model, N processes (img/s) | posecheck analyze (img/s) | ratio |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {r.jobs} | {r.images} | {r.bare_per_second:.1f} | {r.whole_per_second:.1f} | "
        f"{r.ratio:.2f} |"
        for r in rows
    ]
    return "\n".join(lines)
