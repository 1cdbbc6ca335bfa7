"""The whole photo path on real photos: views, measures, checks, findings, plan, combined report."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
import pytest

from posecheck import Analyzer, View
from posecheck.analysis import Analysis, look_at
from posecheck.capture import grey_levels
from posecheck.combine import combine
from posecheck.exercises import FOOT_CARE_IDS
from posecheck.images import LoadedImage, load_image
from posecheck.measures import (
    MEASURES,
    MEASURES_BY_NAME,
    SIDE_ON,
    SQUARE_ON,
    TURN_SENSITIVE,
    MeasureName,
)
from posecheck.report import CSV_COLUMNS, results_csv, results_document
from posecheck.roll import body_box, roll_from_edges, usable_roll
from posecheck.samples import sample_paths
from posecheck.types import Status
from tests.conftest import photo

pytestmark = pytest.mark.slow

SQUARE_ON_NAMES = {s.name for s in MEASURES if s.views <= SQUARE_ON}
SIDE_NAMES = {s.name for s in MEASURES if s.views <= SIDE_ON}


def test_front_photo_gives_front_measures(analyzer: Analyzer) -> None:
    analysis = analyzer.analyze_path(photo("front_standing_01.jpg"))
    assert analysis.view is not None and analysis.view.view is View.FRONT
    names = set(analysis.measurements)
    assert names <= SQUARE_ON_NAMES and "left_foot_angle" in names
    assert not names & SIDE_NAMES
    # Every measure is taken but the foot angles, which are left unknown when the body's
    # estimated turn is beyond what they can be corrected for (15°). This woman, mid-greeting,
    # is turned about 16-18° (README, "Limits"); the body-turn line fitted on 640 `hard_train`
    # renders makes it 16-17° one look or both ways (the line fitted on 160 made it 14° one look).
    # The others are taken but for those a roll the camera may have (no door frame or wall
    # corner in this photo to find it by) would move as far as their own error.
    unknown = {n for n, m in analysis.measurements.items() if m.status is Status.UNKNOWN}
    for name in unknown:
        reason = analysis.measurements[name].reason
        if name in TURN_SENSITIVE:
            assert "turned about" in reason
        else:
            assert "roll is not known" in reason, f"{name}: {reason}"
            assert MEASURES_BY_NAME[name].vertical and usable_roll(analysis.roll) is None
    knees = {MeasureName.LEFT_KNEE_ANGLE_FRONTAL, MeasureName.RIGHT_KNEE_ANGLE_FRONTAL}
    assert knees | {MeasureName.STANCE_WIDTH} <= names - unknown
    assert {c.name for c in analysis.checks} >= {"whole_body", "feet_in_frame", "camera_level"}
    assert analysis.plan is not None and analysis.assessment is not None


def test_side_photo_gives_side_measures_and_no_front_ones(analyzer: Analyzer) -> None:
    analysis = analyzer.analyze_path(photo("side_walking_outdoor_01.jpg"))
    assert analysis.view is not None and analysis.view.view in SIDE_ON
    names = set(analysis.measurements)
    assert names == SIDE_NAMES
    assert not names & SQUARE_ON_NAMES


@pytest.mark.parametrize(
    "name",
    [
        "two_people_feet_cut_off_01.jpg",
        "back_oblique_feet_cut_off_01.jpg",
        "elderly_feet_cut_off_three_people_01.jpg",
    ],
)
def test_feet_cut_off_give_unknown_foot_measures(analyzer: Analyzer, name: str) -> None:
    analysis = analyzer.analyze_path(photo(name))
    assert analysis.ok
    feet = [m for n, m in analysis.measurements.items() if "foot" in n or "rearfoot" in n]
    for measurement in feet:
        assert measurement.status is Status.UNKNOWN and measurement.value is None
        assert measurement.reason
    feet_check = next(c for c in analysis.checks if c.name == "feet_in_frame")
    assert feet_check.passed is False


def test_combined_report_takes_each_measure_from_its_view(analyzer: Analyzer) -> None:
    """The shipped renders of one man, front, right side and back; a walking photo among them
    is not judged and adds nothing."""
    samples = {p.stem: p for p in sample_paths()}
    names = ["man_misaligned_front", "man_misaligned_right", "man_misaligned_back"]
    analyses = [analyzer.analyze_path(samples[n]) for n in names]
    walking = analyzer.analyze_path(photo("side_walking_outdoor_01.jpg"))
    assert isinstance(walking, Analysis) and not walking.judged
    report = combine([*analyses, walking])
    assert set(report.views) >= {View.FRONT, View.BACK, View.RIGHT}
    assert report.sources["left_foot_angle"].endswith("man_misaligned_front.jpg")
    assert report.sources["left_rearfoot_angle"].endswith("man_misaligned_back.jpg")
    assert report.sources["forward_head_angle"].endswith("man_misaligned_right.jpg")
    assert set(report.measurements) == SQUARE_ON_NAMES | SIDE_NAMES
    assert not any(
        source.endswith("side_walking_outdoor_01.jpg") for source in report.sources.values()
    )
    document = json.loads(json.dumps(results_document(analyses, report)))
    combined = document["combined"]
    assert combined["measures"]["knee_angle_sagittal"]["source"].endswith(
        "man_misaligned_right.jpg"
    )
    assert "not a diagnosis" in document["disclaimer"]
    rows = list(csv.DictReader(io.StringIO(results_csv(analyses, report))))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert sum(r["image"] == "combined" for r in rows) == len(report.measurements)


def test_plan_always_has_the_disclaimer(analyzer: Analyzer) -> None:
    analysis = analyzer.analyze_path(photo("front_standing_arms_out_02.jpg"))
    assert analysis.plan is not None
    assert "not a diagnosis" in analysis.plan.disclaimer
    assert "clinician" in analysis.plan.clinician_note
    ids = {item.exercise.id for item in analysis.plan.items}
    assert ids & set(FOOT_CARE_IDS)


def test_readme_documents_every_measure() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    missing = [s.name for s in MEASURES if f"`{s.name}`" not in readme]
    assert missing == []


def test_look_is_what_the_analysis_is_made_from(analyzer: Analyzer) -> None:
    """``look_at`` (the model, and the grey levels and edges beside it: ``bench``'s floor)
    gives the detection, grey levels and edges the analysis of the same photo is made from."""
    path = next(p for p in sample_paths() if p.name == "woman_neutral_front.jpg")
    image = load_image(path, max_side=analyzer.max_side)
    look = look_at(analyzer, image)
    analysis = analyzer.analyze_image(image)
    assert isinstance(analysis, Analysis) and look.detection is not None
    np.testing.assert_array_equal(look.detection.subject.xy, analysis.detection.subject.xy)
    np.testing.assert_array_equal(look.grey.luma, grey_levels(image).luma)
    assert look.grey.counts.sum() == image.width * image.height
    assert analysis.roll == roll_from_edges(
        look.edges, person_box=body_box(look.detection.subject, image.scale)
    )
    assert not look.both_ways


def test_look_without_a_person(analyzer: Analyzer) -> None:
    rgb = np.full((640, 360, 3), 128, dtype=np.uint8)
    blank = LoadedImage(rgb=rgb, width=360, height=640, scale=1.0, format="PNG", name="blank.png")
    look = look_at(analyzer, blank)
    assert look.detection is None and look.edges.segments.shape == (0, 4)
