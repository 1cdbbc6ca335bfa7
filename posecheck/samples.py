"""The samples shipped with posecheck: photos of rendered bodies with known angles, and a
rendered clip of an exercise with a known count (``heel_raises_side.mp4``: four heel raises seen
side-on, made by ``synth`` as the test clips are).

They are package data (``posecheck/data/samples/``), each photo with its truth JSON beside it, so
they are there in an installed wheel as well as in a clone.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp"})
_CLIP_SUFFIXES = frozenset({".mp4"})


def sample_dir() -> Path:
    """The installed folder of sample photos."""
    return Path(str(resources.files("posecheck").joinpath("data", "samples")))


def sample_paths(folder: Path | None = None) -> list[Path]:
    """The sample photos, sorted by name (empty when the folder is absent)."""
    folder = sample_dir() if folder is None else folder
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in _SUFFIXES)


def sample_clip_paths(folder: Path | None = None) -> list[Path]:
    """The sample clips, sorted by name (empty when the folder is absent)."""
    folder = sample_dir() if folder is None else folder
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in _CLIP_SUFFIXES)
