"""Where the photo path's time goes, step by step: a profile to decide from (developer tool).

``python -m posecheck.dev profile [PATH...]`` runs the whole analyze path (as ``bench``'s ``whole``)
on each photo, first timed bare, then under Python's ``cProfile``, and prints per photo the time of
each step of the one-way flow (decode, the model, the view, the roll's fit, the measures, the
capture checks, the findings, the plan) and the functions that took the most time themselves.

cProfile sees the main thread only (the scene's edges, found on the analyser's second thread while
the model runs, show as the wait for them) and adds a cost to every Python call, so Python-heavy
steps read larger than they run; the bare whole-path time is printed beside them for scale.
Figures only: nothing here passes or fails.
"""

from __future__ import annotations

import cProfile
import os
import pstats
import statistics
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from posecheck.analysis import Analyzer
from posecheck.estimator import PoseEstimator
from posecheck.types import ModelName

#: The steps, as (file under the package or library, function, what it is), in the flow's order;
#: a function named as "function<-caller file" counts only its calls from that file (MediaPipe's
#: own calls wait on futures too).
STEPS: tuple[tuple[str, str, str], ...] = (
    ("posecheck/analysis.py", "analyze_path", "the whole path, profiled"),
    ("posecheck/images.py", "load_image", "reading and decoding the file"),
    ("posecheck/capture.py", "read_exif_hints", "the file's EXIF hints"),
    ("posecheck/estimator.py", "detect", "the pose model, with the landmarks' copy"),
    (
        "concurrent/futures/_base.py",
        "result<-posecheck/analysis.py",
        "waiting for the scene's edges (second thread)",
    ),
    ("posecheck/analysis.py", "interpret", "everything after the model"),
    ("posecheck/views.py", "detect_view", "  the view"),
    ("posecheck/roll.py", "roll_from_edges", "  the camera roll's fit"),
    ("posecheck/measures.py", "measure_pose", "  the measures"),
    ("posecheck/capture.py", "capture_checks", "  the capture checks"),
    ("posecheck/capture.py", "check_lighting", "    of which the lighting"),
    ("posecheck/capture.py", "check_sharpness", "    of which the sharpness"),
    ("posecheck/findings.py", "assess", "  the findings"),
    ("posecheck/exercises.py", "build_plan", "  the plan"),
)


#: pstats' table: (file, line, function) -> (calls, primitive calls, own s, cumulative s, callers)
Stats = Mapping[tuple[str, int, str], tuple[Any, ...]]


@dataclass(frozen=True)
class Step:
    label: str
    ms: float | None  # per photo, cumulative (with what it calls); None: not reached


@dataclass(frozen=True)
class Hotspot:
    function: str
    own_ms: float  # per photo, in the function itself


@dataclass(frozen=True)
class PathProfile:
    model: str
    photos: int
    repeats: int
    bare_ms: float  # median whole path per photo without the profiler
    steps: tuple[Step, ...]
    hotspots: tuple[Hotspot, ...]


def profile_photo_path(
    paths: Sequence[str],
    *,
    model: ModelName | str = ModelName.FULL,
    repeats: int = 5,
    both_ways: bool = False,
    top: int = 12,
) -> PathProfile:
    """The whole path on ``paths``: bare timings, then ``repeats`` profiled passes over them."""
    if not paths:
        raise ValueError("profile: no photos")
    if repeats < 1:
        raise ValueError(f"profile: repeats must be at least 1, got {repeats}")
    name = ModelName(str(model))
    with Analyzer(PoseEstimator.open(name, mode="image"), both_ways=both_ways) as analyzer:
        for path in paths:  # warm-up: the model's first call, the caches
            analyzer.analyze_path(path)
        bare = []
        for _ in range(repeats):
            for path in paths:
                start = time.perf_counter()
                analyzer.analyze_path(path)
                bare.append((time.perf_counter() - start) * 1000.0)
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(repeats):
            for path in paths:
                analyzer.analyze_path(path)
        profiler.disable()
    runs = repeats * len(paths)
    stats: Stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    return PathProfile(
        model=name.value,
        photos=len(paths),
        repeats=repeats,
        bare_ms=statistics.median(bare),
        steps=tuple(
            Step(label, _cumulative_ms(stats, where, function, runs))
            for where, function, label in STEPS
        ),
        hotspots=_hotspots(stats, runs, top),
    )


def _matches(filename: str, where: str) -> bool:
    return filename.replace(os.sep, "/").endswith(where)


def _cumulative_ms(stats: Stats, where: str, function: str, runs: int) -> float | None:
    function, _, caller = function.partition("<-")
    total: list[float] = []
    for (filename, _, name), row in stats.items():
        if name != function or not _matches(filename, where):
            continue
        if not caller:
            total.append(row[3])
            continue
        total += [
            cumulative for (source, _, _), (_, _, _, cumulative) in row[4].items()
            if _matches(source, caller)
        ]  # fmt: skip
    return sum(total) * 1000.0 / runs if total else None


def _hotspots(stats: Stats, runs: int, top: int) -> tuple[Hotspot, ...]:
    rows = sorted(stats.items(), key=lambda item: -item[1][2])[:top]
    return tuple(Hotspot(_describe(key), row[2] * 1000.0 / runs) for key, row in rows)


def _describe(key: tuple[str, int, str]) -> str:
    filename, line, function = key
    if filename == "~":  # a built-in: numpy's and OpenCV's native calls
        return function.strip("<>")
    parts = Path(filename).parts
    short = (
        "/".join(parts[parts.index("posecheck") :]) if "posecheck" in parts else Path(filename).name
    )
    return f"{function} ({short}:{line})"


def format_profile(report: PathProfile) -> str:
    lines = [
        f"posecheck profile: model {report.model}, {report.photos} photo(s), {report.repeats} "
        f"pass(es) profiled after one warm-up; times in ms per photo",
        f"the whole path without the profiler: {report.bare_ms:.1f} (median)",
        "under cProfile (main thread only; every Python call costs extra, so Python-heavy steps "
        "read larger than they run):",
    ]
    width = max(len(step.label) for step in report.steps)
    for step in report.steps:
        value = "-" if step.ms is None else f"{step.ms:7.2f}"
        lines.append(f"  {step.label.ljust(width)}  {value}")
    lines.append("the functions that took the most time themselves:")
    for spot in report.hotspots:
        lines.append(f"  {spot.own_ms:7.2f}  {spot.function}")
    return "\n".join(lines)
