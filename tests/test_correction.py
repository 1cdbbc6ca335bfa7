"""Correcting a misplaced point: every measure, finding and exercise follows, and the report says
which points were moved."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from posecheck import Analysis, Analyzer, Landmark
from posecheck.analysis import correct_points
from posecheck.measures import MeasureName
from posecheck.report import analysis_to_dict
from posecheck.samples import sample_paths

pytestmark = pytest.mark.slow
SAMPLE = next(p for p in sample_paths() if p.stem == "woman_neutral_front")


def test_moving_the_toe_changes_the_foot_angle_and_is_recorded(analyzer: Analyzer) -> None:
    before = analyzer.analyze_path(SAMPLE)
    assert isinstance(before, Analysis) and before.judged
    pose = before.detection.subject
    heel, toe = pose.xy[Landmark.LEFT_HEEL], pose.xy[Landmark.LEFT_FOOT_INDEX]
    # swing the left toe outward (the person's left is image-right in a front view)
    moved = (float(toe[0] + 0.6 * abs(toe[1] - heel[1]) + 15), float(toe[1]))
    after = correct_points(before, {Landmark.LEFT_FOOT_INDEX: moved})
    name = MeasureName.LEFT_FOOT_ANGLE
    old, new = before.measurements[name].value, after.measurements[name].value
    assert old is not None and new is not None and new > old + 10
    # the other foot did not move
    right = MeasureName.RIGHT_FOOT_ANGLE
    assert after.measurements[right].value == pytest.approx(
        before.measurements[right].value, abs=0.5
    )
    assert after.corrected == (Landmark.LEFT_FOOT_INDEX,) and after.name == before.name
    document = json.loads(json.dumps(analysis_to_dict(after)))
    assert document["corrected_landmarks"] == ["left_foot_index"]
    marked = [lm["name"] for lm in document["landmarks"] if lm["corrected"]]
    assert marked == ["left_foot_index"]


def test_a_point_outside_the_photo_is_refused(analyzer: Analyzer) -> None:
    before = analyzer.analyze_path(SAMPLE)
    assert isinstance(before, Analysis)
    with pytest.raises(ValueError, match="outside the photo"):
        correct_points(before, {Landmark.NOSE: (-5.0, 10.0)})
    assert correct_points(before, {}) is before


def test_a_corrected_point_keeps_what_the_files_tags_said(
    analyzer: Analyzer, tmp_path: Path
) -> None:
    """A selfie saved mirrored is not judged; moving a point must not let it through (the
    capture checks are redone with the file's EXIF hints, not without them)."""
    from PIL import Image

    mirrored = tmp_path / "selfie.jpg"
    with Image.open(SAMPLE) as image:
        exif = image.getexif()
        exif[0x0112] = 2  # Orientation: mirror horizontal
        image.save(mirrored, exif=exif, quality=92)
    before = analyzer.analyze_path(mirrored)
    assert isinstance(before, Analysis) and not before.judged
    knee = before.detection.subject.xy[Landmark.LEFT_KNEE]
    after = correct_points(before, {Landmark.LEFT_KNEE: (float(knee[0]) + 3, float(knee[1]))})
    assert not after.judged
    assert next(c for c in after.checks if c.name == "not_mirrored").passed is False
