"""The pictures shipped with posecheck: how to take the photos, and each exercise's key positions.

They are renders of the project's own body model (``synth/pictures.py``, ``make pictures``), so no
third-party image is needed. They are package data (``posecheck/data/pictures/``): small JPEGs and
an index, ``pictures.json``, that gives each picture its caption (its text alternative) and, for
the capture guide, one line of advice. The app only reads them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from posecheck.errors import DataFileError

PICTURES_FORMAT = "posecheck-pictures/1"


@dataclass(frozen=True)
class Picture:
    """One shipped picture: the file, its caption (a text alternative a screen reader can read
    instead of the picture) and one line of advice (the capture guide's; empty for exercises).
    ``mistake``: a guide picture of what to avoid rather than what to do."""

    path: Path
    caption: str
    advice: str = ""
    mistake: bool = False

    def __post_init__(self) -> None:
        if not self.caption.strip():
            raise ValueError(f"{self.path.name}: expected a caption, got an empty one")


def picture_dir() -> Path:
    """The installed folder of pictures."""
    return Path(str(resources.files("posecheck").joinpath("data", "pictures")))


def _picture(folder: Path, entry: Any, index: Path) -> Picture:
    if not isinstance(entry, dict) or not isinstance(entry.get("file"), str):
        raise DataFileError(f"{index}: each picture needs a file name, got {entry!r}")
    return Picture(
        path=folder / entry["file"],
        caption=str(entry.get("caption", "")),
        advice=str(entry.get("advice", "")),
        mistake=entry.get("mistake") is True,
    )


def _index(folder: Path) -> tuple[tuple[Picture, ...], dict[str, tuple[Picture, ...]]]:
    index = folder / "pictures.json"
    try:
        data = json.loads(index.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DataFileError(f"{index}: the picture index cannot be read ({exc})") from exc
    if not isinstance(data, dict) or data.get("format") != PICTURES_FORMAT:
        raise DataFileError(f"{index}: expected format {PICTURES_FORMAT}")
    guide = tuple(_picture(folder, entry, index) for entry in data.get("guide", []))
    exercises = {
        str(exercise_id): tuple(_picture(folder, entry, index) for entry in entries)
        for exercise_id, entries in data.get("exercises", {}).items()
    }
    return guide, exercises


def guide_pictures(folder: Path | None = None) -> list[Picture]:
    """The capture guide's pictures in the order to show them, each with caption and advice."""
    return list(_index(picture_dir() if folder is None else folder)[0])


def exercise_pictures(exercise_id: str, folder: Path | None = None) -> list[Picture]:
    """The pictures of an exercise's key positions, in order (start first); empty when the
    exercise has none."""
    return list(_index(picture_dir() if folder is None else folder)[1].get(exercise_id, ()))


def exercises_with_pictures(folder: Path | None = None) -> list[str]:
    """The exercise ids the index has pictures for, sorted."""
    return sorted(_index(picture_dir() if folder is None else folder)[1])
