"""The screening-accuracy tool on the committed CI renders (docs/SCREENING.md uses it on more)."""

from __future__ import annotations

from pathlib import Path

import pytest

from posecheck import Analyzer
from posecheck.dev.screening import (
    Confusion,
    base_and_turn,
    finding_confusion,
    markdown,
    read_set,
)
from posecheck.findings import FindingKey

RENDERS = Path(__file__).resolve().parent / "data" / "renders"


@pytest.mark.parametrize(
    ("yaw", "view", "turn"),
    [(0.0, "front", 0.0), (357.0, "front", -3.0), (94.0, "left", 4.0), (190.0, "back", 10.0),
     (262.0, "right", -8.0)],
)  # fmt: skip
def test_views_and_turns_from_the_camera_yaw(yaw: float, view: str, turn: float) -> None:
    assert base_and_turn(yaw) == (view, pytest.approx(turn))


def test_sensitivity_and_specificity() -> None:
    c = Confusion(positives=4, found=3, negatives=10, false_alarms=1)
    assert c.sensitivity == 0.75 and c.specificity == 0.9


@pytest.mark.slow
def test_the_ci_renders_give_a_complete_report(analyzer: Analyzer) -> None:
    readings = read_set(analyzer, RENDERS)
    assert {r.render for r in readings} and all(r.true == r.true for r in readings)
    confusion = finding_confusion(readings)
    assert set(confusion) == set(FindingKey)
    for c in confusion.values():
        assert 0 <= c.found <= c.positives and 0 <= c.false_alarms <= c.negatives
    text = markdown(readings, title="CI renders", command="test")
    for section in ("### Targets", "sensitivity", "### Measures", "rank correlation"):
        assert section in text
