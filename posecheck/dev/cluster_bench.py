"""``python -m posecheck.dev bench-cluster``: images per second of a batch on a Dask cluster against
``posecheck analyze --jobs N`` on the same photos, measured in one run, and what 100,000 photos
would take on N machines at the measured time per photo.

Without ``--address`` it starts a local cluster like the test's: a scheduler and ``--workers``
one-thread worker processes on 127.0.0.1, no dashboard. The rounds alternate (jobs, cold cluster
or warm cluster, ...) so a machine shared with others loads each kind alike; medians are printed.
"""

from __future__ import annotations

import argparse
import importlib
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from posecheck.batch import BatchSettings, analyze_batch
from posecheck.cli import add_model_option, readable_paths
from posecheck.errors import InvalidImageError
from posecheck.samples import sample_paths

#: How many photos the paper estimate is for.
ESTIMATE_PHOTOS = 100_000


@dataclass(frozen=True)
class Timing:
    label: str
    images: int
    seconds: list[float]

    @property
    def per_second(self) -> float:
        return self.images / statistics.median(self.seconds)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m posecheck.dev bench-cluster",
        description="A batch on a Dask cluster against analyze --jobs N, in one run.",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="photos (default: the samples)")
    add_model_option(parser)
    parser.add_argument("--address", help="a running scheduler (default: start a local cluster)")
    parser.add_argument("--workers", type=int, default=2, help="local worker processes (2)")
    parser.add_argument("--jobs", type=int, default=2, help="N for analyze --jobs N (2)")
    parser.add_argument("--repeat", type=int, default=4, help="use the photos this many times (4)")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds of each kind (3)")
    parser.add_argument(
        "--machines", type=int, nargs="+", default=[1, 4, 16], help="N for the estimate"
    )
    parser.add_argument(
        "--cores", type=int, default=8, help="cores per machine for the estimate (8)"
    )
    return parser


def _distributed() -> Any:
    return importlib.import_module("distributed")  # the cluster extra: imported when run


@contextmanager
def _scheduler(address: str | None, workers: int) -> Iterator[str]:
    if address is not None:
        yield address
        return
    with _distributed().LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        worker_dashboard_address=None,
    ) as cluster:
        yield cluster.scheduler_address


def _timed(run: Callable[[], int]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def _unload_models(address: str) -> None:
    """Every worker frees its models (each loads one again at its next photo)."""
    from posecheck.cluster import close_analyzers

    with _distributed().Client(address, set_as_default=False) as client:
        client.run(close_analyzers)


def measure(
    items: Sequence[str | InvalidImageError],
    settings: BatchSettings,
    address: str,
    jobs: int,
    rounds: int,
    *,
    unload: bool,
) -> list[Timing]:
    """``--jobs N`` (processes started and the model loaded in the timed span, as the command
    does), the cluster cold (with ``unload``: every worker frees its models and loads one again;
    never done to a cluster this did not start) and warm, alternated."""
    from posecheck.cluster import analyze_on_cluster

    def local() -> int:
        return sum(1 for _ in analyze_batch(items, settings, jobs=jobs))

    def cluster() -> int:
        return sum(1 for _ in analyze_on_cluster(items, settings, address))

    timings: dict[str, list[float]] = {"jobs": [], "cold": [], "warm": []}
    for _ in range(rounds):
        timings["jobs"].append(_timed(local))
        if unload:
            _unload_models(address)
            timings["cold"].append(_timed(cluster))
        timings["warm"].append(_timed(cluster))
    labels = {
        "jobs": f"`posecheck analyze --jobs {jobs}` (processes start and load the model)",
        "cold": "`--cluster`, models freed first (each worker loads the model)",
        "warm": "`--cluster`, workers warm (the model loaded)",
    }
    return [Timing(labels[k], len(items), seconds) for k, seconds in timings.items() if seconds]


def estimate(per_image_s: float, machines: Sequence[int], cores: int) -> list[str]:
    """Hours for ``ESTIMATE_PHOTOS`` photos on N machines of ``cores`` cores, one worker thread
    per core, if each core does a photo in ``per_image_s`` as here."""
    lines = [
        f"| machines x {cores} cores | photos per second | {ESTIMATE_PHOTOS:,} photos |",
        "|---|---|---|",
    ]
    for count in machines:
        rate = count * cores / per_image_s
        hours = ESTIMATE_PHOTOS / rate / 3600
        lines.append(f"| {count} | {rate:.0f} | {hours:.2f} h ({hours * 60:.0f} min) |")
    return lines


def link_hours(photo_bytes: float, bytes_per_second: float = 117e6) -> float:
    """Hours to send ``ESTIMATE_PHOTOS`` photos of ``photo_bytes`` over the client's link."""
    return ESTIMATE_PHOTOS * photo_bytes / bytes_per_second / 3600


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    paths = readable_paths(args.paths) if args.paths else [str(p) for p in sample_paths()]
    items: list[str | InvalidImageError] = list(paths) * args.repeat
    settings = BatchSettings(model=args.model, view=None, annotate=None)
    with _scheduler(args.address, args.workers) as address:
        with _distributed().Client(address, set_as_default=False) as client:
            threads = sum(client.nthreads().values())
        timings = measure(
            items, settings, address, args.jobs, args.rounds, unload=args.address is None
        )
    print(f"{len(items)} photos ({len(paths)} x {args.repeat}), model {args.model}, "
          f"{threads} worker threads, median of {args.rounds} rounds")  # fmt: skip
    print("\n| run | images per second | rounds (s) |\n|---|---|---|")
    for timing in timings:
        rounds = ", ".join(f"{s:.1f}" for s in timing.seconds)
        print(f"| {timing.label} | {timing.per_second:.1f} | {rounds} |")
    per_image_s = threads / timings[-1].per_second  # one worker thread's time per photo, warm
    print(f"\nWarm cluster: {per_image_s * 1000:.0f} ms per photo per worker thread.\n")
    print("\n".join(estimate(per_image_s, args.machines, args.cores)))
    mean_bytes = statistics.mean(Path(p).stat().st_size for p in paths)
    print(f"\nSending {ESTIMATE_PHOTOS:,} photos of {mean_bytes / 1e6:.2f} MB (these photos' mean) "
          f"from one client at 1 Gbit/s (about 117 MB/s): at least "
          f"{link_hours(mean_bytes):.2f} h.")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
