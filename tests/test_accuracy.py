"""Accuracy cannot regress silently: on a dozen renders with known angles (committed in
tests/data/renders, made by `make renders`), each measure's mean absolute error must stay within
its documented CI bound (tests/data/renders/bounds.json: 1.5 x the error when the bounds were
set), the person must be found in every render, and the view must be right. The published known
errors come from the larger unseen test set (docs/VALIDATION.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from posecheck import Analyzer
from posecheck.dev.validation import ValidationReport, load_truths, validate

pytestmark = pytest.mark.slow

RENDERS = Path(__file__).resolve().parent / "data" / "renders"
BOUNDS = json.loads((RENDERS / "bounds.json").read_text(encoding="utf-8"))["measures"]


@pytest.fixture(scope="module")
def report(analyzer: Analyzer) -> ValidationReport:
    truths = load_truths(RENDERS)
    assert len(truths) >= 10, f"expected the committed CI renders in {RENDERS}"
    return validate(truths, analyzer)


def test_every_render_is_detected(report: ValidationReport) -> None:
    assert report.detected_people == report.renders


def test_views_are_right(report: ValidationReport) -> None:
    assert report.view_correct == report.renders


@pytest.mark.parametrize("name", sorted(BOUNDS))
def test_error_within_its_bound(report: ValidationReport, name: str) -> None:
    stats = report.stats(name)
    assert stats.scored, f"the CI renders no longer measure {name}"
    bound = BOUNDS[name]["bound"]
    assert stats.mae <= bound, (
        f"{name}: mean absolute error {stats.mae:.2f} on {len(stats.scored)} renders exceeds "
        f"its CI bound {bound} (it was {BOUNDS[name]['mae_when_set']} when the bound was set)"
    )


def test_every_measure_has_a_bound() -> None:
    from posecheck.measures import MEASURES_BY_NAME

    assert set(BOUNDS) == set(MEASURES_BY_NAME)
