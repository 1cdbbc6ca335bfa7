"""Validation statistics and report, on hand-made pairs and a throwaway render folder."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import pytest

from posecheck import Analyzer
from posecheck.dev.validation import (
    MeasureStats,
    Pair,
    load_truths,
    markdown,
    plot_measures,
    validate,
)
from tests.conftest import photo


def stats(pairs: list[tuple[float | None, float | None]]) -> MeasureStats:
    return MeasureStats("x", tuple(Pair(f"{i}.jpg", m, t) for i, (t, m) in enumerate(pairs)))


def test_scored_pairs_by_view_are_those_with_both_values() -> None:
    pairs = (
        Pair("a.jpg", 1.0, 1.5, "front"),
        Pair("b.jpg", None, 2.0, "front"),  # not measured
        Pair("c.jpg", 3.0, None, "back"),  # no truth
        Pair("d.jpg", 4.0, 4.5, "back"),
        Pair("e.jpg", 5.0, 5.5, "front"),
    )
    s = MeasureStats("x", pairs)
    assert s.scored == [(1.5, 1.0), (4.5, 4.0), (5.5, 5.0)]
    assert s.scored_by_view() == {"front": [(1.5, 1.0), (5.5, 5.0)], "back": [(4.5, 4.0)]}


def test_statistics_by_hand() -> None:
    # measured = 0.5 * true + 1 exactly: slope 0.5, R² 1
    s = stats([(0.0, 1.0), (2.0, 2.0), (4.0, 3.0), (None, None), (6.0, None)])
    slope, intercept, r2 = s.slope_intercept_r2
    assert (slope, intercept, r2) == pytest.approx((0.5, 1.0, 1.0))
    assert s.mae == pytest.approx((1 + 0 + 1) / 3)
    assert s.bias == pytest.approx((1 + 0 - 1) / 3)
    assert s.detected == pytest.approx(3 / 4)  # the render with true 6 gave nothing
    assert s.abstained == pytest.approx(1.0)


def test_nothing_to_score_is_nan_not_zero() -> None:
    s = stats([(None, 3.0)])
    assert math.isnan(s.mae) and math.isnan(s.detected)
    assert s.abstained == 0.0  # it gave a value where the view cannot measure


@pytest.mark.slow
def test_validate_a_render_folder(tmp_path: Path, analyzer: Analyzer) -> None:
    source = photo("front_standing_01.jpg")
    image = tmp_path / "render_000.jpg"
    shutil.copyfile(source, image)  # a throwaway copy in tmp, never in the repo
    truth = {
        "view": "front",
        "measures": {"stance_width": 1.0, "forward_head_angle": None},
        "keypoints_2d": {"left_shoulder": [0.0, 0.0]},
    }
    image.with_suffix(".json").write_text(json.dumps(truth))
    (tmp_path / "no_truth.jpg").write_bytes(b"")
    truths = load_truths(tmp_path)
    assert [t.image.name for t in truths] == ["render_000.jpg"]
    report = validate(truths, analyzer)
    assert report.detected_people == 1 and report.view_correct == 1
    assert report.stats("stance_width").detected == 1.0
    assert report.stats("forward_head_angle").abstained == 1.0
    assert report.keypoint_errors["left_shoulder"][0] > 100
    text = markdown(report, title="t", command="posecheck validate x", plots={})
    assert "| `stance_width` | 1 |" in text and "left_shoulder" in text
    assert plot_measures(report, tmp_path / "plots") == {}  # one point is no plot
