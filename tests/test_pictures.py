"""The shipped pictures: one or more for every catalogue exercise and none for anything else, the
capture guide's with captions and advice, all small valid JPEGs listed in the index."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from PIL import Image

from posecheck import DataFileError, Picture, exercise_pictures, guide_pictures, load_catalogue
from posecheck.pictures import exercises_with_pictures, picture_dir

MAX_BYTES = 40_000
#: The whole set stays small (it ships in the wheel).
MAX_TOTAL_BYTES = 2_000_000
#: The guide must show the three views and the two commonest mistakes.
GUIDE_WORDS = ("front", "side", "back", "too close", "tilted")


def all_pictures() -> list[Picture]:
    catalogue = load_catalogue()
    return guide_pictures() + [p for e in catalogue for p in exercise_pictures(e.id)]


def test_every_catalogue_exercise_has_a_picture_and_every_picture_an_exercise() -> None:
    ids = {exercise.id for exercise in load_catalogue()}
    assert len(ids) == 22
    without = sorted(i for i in ids if not exercise_pictures(i))
    assert not without, f"no pictures for {without}"
    assert set(exercises_with_pictures()) == ids
    for path in (picture_dir() / "exercises").iterdir():
        exercise_id, _, number = path.stem.rpartition("-")
        assert exercise_id in ids, f"{path.name} belongs to no catalogue exercise"
        assert number.isdigit() and path.suffix == ".jpg", path.name


def test_every_file_is_in_the_index_and_every_indexed_picture_is_a_file() -> None:
    indexed = {p.path.resolve() for p in all_pictures()}
    on_disk = {p.resolve() for p in picture_dir().rglob("*") if p.is_file()}
    assert indexed <= on_disk
    assert on_disk - indexed == {(picture_dir() / "pictures.json").resolve()}


def test_the_pictures_are_small_valid_jpegs() -> None:
    total = 0
    for picture in all_pictures():
        size = picture.path.stat().st_size
        total += size
        assert 2_000 < size <= MAX_BYTES, (picture.path.name, size)
        with Image.open(picture.path) as image:
            assert image.format == "JPEG", picture.path.name
            image.verify()
        with Image.open(picture.path) as image:
            image.load()
            assert max(image.size) <= 640 and min(image.size) >= 240, image.size
            # Not a blank frame: a rendered person has contrast.
            grey = image.convert("L")
            low, high = grey.getextrema()
            assert high - low > 100, picture.path.name
    assert total <= MAX_TOTAL_BYTES


def test_each_exercise_picture_has_its_own_caption_in_plain_words() -> None:
    for exercise in load_catalogue():
        pictures = exercise_pictures(exercise.id)
        captions = [p.caption for p in pictures]
        assert len(set(captions)) == len(captions), exercise.id
        for picture in pictures:
            assert picture.path.name.startswith(f"{exercise.id}-")
            assert len(picture.caption) > 30 and "_" not in picture.caption
            assert picture.advice == ""
    # Start before end: the files are numbered in the order shown.
    names = [p.path.name for p in exercise_pictures("heel_raises")]
    assert names == ["heel_raises-1.jpg", "heel_raises-2.jpg"]


def test_the_guide_shows_the_views_and_the_mistakes_with_captions_and_advice() -> None:
    pictures = guide_pictures()
    assert 4 <= len(pictures) <= 8
    text = " ".join(p.caption.lower() for p in pictures)
    for word in GUIDE_WORDS:
        assert word in text, word
    for picture in pictures:
        assert picture.path.is_file() and picture.path.parent.name == "guide"
        assert picture.caption and picture.advice and "_" not in picture.advice
    assert any("hip height" in p.advice for p in pictures)
    mistakes = [p.path.stem for p in pictures if p.mistake]
    assert mistakes == ["too_close", "tilted"]  # marked as what to avoid, the rest as what to do


def test_an_unknown_exercise_has_no_pictures() -> None:
    assert exercise_pictures("no_such_exercise") == []


def test_a_picture_needs_a_caption() -> None:
    with pytest.raises(ValueError, match="caption"):
        Picture(Path("x.jpg"), " ")


def test_a_broken_index_is_a_data_file_error(tmp_path: Path) -> None:
    folder = tmp_path / "pictures"
    shutil.copytree(picture_dir(), folder)
    (folder / "pictures.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(DataFileError, match="cannot be read"):
        guide_pictures(folder)
    (folder / "pictures.json").write_text(json.dumps({"format": "other/9"}), encoding="utf-8")
    with pytest.raises(DataFileError, match="format"):
        guide_pictures(folder)
