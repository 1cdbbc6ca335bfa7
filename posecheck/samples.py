"""The sample photos shipped with posecheck: renders of bodies with known angles.

They are package data (``posecheck/data/samples/``), each with its truth JSON beside it, so they
are there in an installed wheel as well as in a clone.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp"})


def sample_dir() -> Path:
    """The installed folder of sample photos."""
    return Path(str(resources.files("posecheck").joinpath("data", "samples")))


def sample_paths(folder: Path | None = None) -> list[Path]:
    """The sample photos, sorted by name (empty when the folder is absent)."""
    folder = sample_dir() if folder is None else folder
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in _SUFFIXES)
