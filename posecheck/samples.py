"""The sample photos shipped with posecheck: renders of bodies with known angles.

They live in ``sample_images/`` at the top of the repository, each with its truth JSON beside it.
"""

from __future__ import annotations

from pathlib import Path

SAMPLE_DIR = Path(__file__).resolve().parents[1] / "sample_images"
_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp"})


def sample_paths(folder: Path = SAMPLE_DIR) -> list[Path]:
    """The sample photos, sorted by name (empty when the folder is absent)."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in _SUFFIXES)
