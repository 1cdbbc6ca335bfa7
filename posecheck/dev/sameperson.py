"""How well the same-person check tells people apart: every pair of photos in a set of renders
named ``<set>_<person>_<view>.jpg`` (``python -m synth.render --set people``), same person or not,
through :func:`posecheck.combine.clothes_differ`."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path

from posecheck.analysis import Analysis, Analyzer
from posecheck.clothing import Clothing
from posecheck.combine import BOTTOM_LIMIT, TOP_LIMIT, clothes_differ


def person_of(path: Path) -> str:
    """``people_007_front`` -> ``007``."""
    return path.stem.split("_")[-2]


def read_clothes(
    analyzer: Analyzer, folder: Path, progress: Callable[[int, int, str], None] | None = None
) -> dict[Path, Clothing]:
    paths = sorted(folder.glob("*.jpg"))
    clothes: dict[Path, Clothing] = {}
    for index, path in enumerate(paths, start=1):
        result = analyzer.analyze_path(path)
        if isinstance(result, Analysis) and result.clothing is not None:
            clothes[path] = result.clothing
        if progress is not None:
            progress(index, len(paths), path.name)
    return clothes


def report(clothes: dict[Path, Clothing]) -> str:
    """Warnings on pairs of one person (false) and of two people (wanted), as text."""
    flagged = {True: 0, False: 0}
    pairs = {True: 0, False: 0}
    undecided = 0
    for one, other in itertools.combinations(sorted(clothes), 2):
        same = person_of(one) == person_of(other)
        differs = clothes_differ(clothes[one], clothes[other])
        if differs is None:
            undecided += 1
            continue
        pairs[same] += 1
        flagged[same] += differs
    people = len({person_of(p) for p in clothes})
    return "\n".join(
        [
            f"{len(clothes)} photos of {people} people; limits: torso {TOP_LIMIT}, "
            f"thigh {BOTTOM_LIMIT} (chroma)",
            f"pairs of one person flagged as different: {flagged[True]} of {pairs[True]}",
            f"pairs of two people flagged as different: {flagged[False]} of {pairs[False]} "
            f"({100 * flagged[False] / max(pairs[False], 1):.0f} %)",
            f"pairs that could not be compared: {undecided}",
        ]
    )
