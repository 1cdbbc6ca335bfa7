"""The foot angle through each render's true camera (``python -m posecheck.dev foot-floor``)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from posecheck import Analyzer
from posecheck.dev.footfloor import (
    Camera,
    FootReading,
    format_summary,
    read_feet,
    read_set,
    summarise,
    world_foot_angle,
)
from posecheck.types import Side

RENDERS = Path(__file__).resolve().parent / "data" / "renders"
FRONT_RENDERS = ("ci_0000", "ci_0001", "ci_0002", "ci_0003")


def _truth(name: str) -> dict:
    return json.loads((RENDERS / f"{name}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", ["ci_0000", "ci_0006", "ci_0010"])
def test_a_point_put_back_on_its_level_is_where_it_was(name: str) -> None:
    truth = _truth(name)
    camera = Camera.from_truth(truth)
    for key in ("left_heel", "right_foot_index", "nose"):
        point = np.asarray(truth["keypoints_3d"][key], dtype=float)
        back = camera.on_level(camera.project(point), float(point[2]))
        np.testing.assert_allclose(back, point, atol=1e-6)


def test_the_foot_angle_is_toe_out_for_either_foot() -> None:
    # the person faces -y; +x is their left
    heel = np.zeros(3)
    assert world_foot_angle(heel, np.array([0.0, -0.2, 0.0]), Side.LEFT) == pytest.approx(0.0)
    assert world_foot_angle(heel, np.array([0.1, -0.1, 0.0]), Side.LEFT) == pytest.approx(45.0)
    assert world_foot_angle(heel, np.array([-0.1, -0.1, 0.0]), Side.RIGHT) == pytest.approx(45.0)
    assert world_foot_angle(heel, np.array([0.1, -0.1, 0.0]), Side.RIGHT) == pytest.approx(-45.0)


@pytest.mark.parametrize("name", FRONT_RENDERS)
def test_the_renders_true_foot_points_give_their_truth_less_the_foot_axis_offset(
    name: str,
) -> None:
    # The renderer's foot axis runs about 4° (3.8-4.5° on 1304 feet of hard_train and the CI
    # renders) inside its heel-to-tip line; a sign or axis mix-up would be off by far more.
    truth = _truth(name)
    points = truth["keypoints_3d"]
    for side in (Side.LEFT, Side.RIGHT):
        true = truth["all_measures"]["square_on"][f"{side.value}_foot_angle"]
        heel = np.asarray(points[f"{side.value}_heel"], dtype=float)
        toe = np.asarray(points[f"{side.value}_foot_index"], dtype=float)
        assert -4.6 < world_foot_angle(heel, toe, side) - true < -3.7


def _row(true: float, ours: float, seen: float) -> FootReading:
    return FootReading("r.jpg", Side.LEFT, true, ours, seen)


def test_the_summary_takes_off_the_offset_and_the_best_line() -> None:
    rows = [_row(0.0, 1.0, -4.0), _row(10.0, 8.0, 6.0), _row(20.0, 23.0, 16.0)]
    summary = summarise(rows)
    assert summary is not None
    assert summary.feet == 3
    assert summary.posecheck_mae == pytest.approx(2.0)
    assert summary.true_camera_mae == pytest.approx(4.0)
    assert summary.mean_offset == pytest.approx(-4.0)
    assert summary.offset_removed_mae == pytest.approx(0.0)
    assert summary.best_line_mae == pytest.approx(0.0, abs=1e-9)
    assert summarise(rows[:2]) is None
    assert "too few" in format_summary(Path("x"), None, "full")
    text = format_summary(Path("x"), summary, "full")
    assert "MAE 2.00°" in text and "MAE 4.00°" in text and "(offset -4.00°)" in text


@pytest.mark.slow
def test_only_front_renders_posecheck_judged_are_read(analyzer: Analyzer) -> None:
    assert read_feet(analyzer, RENDERS / "ci_0006.jpg") == []  # a side view
    rows = read_set(analyzer, RENDERS)
    assert rows
    assert {row.render[:-4] for row in rows} <= set(FRONT_RENDERS)
    for row in rows:
        # the model's points through the true camera land near the truth less the axis offset
        assert abs(row.true_camera - (row.true - 4.1)) < 15.0
        assert np.isfinite(row.posecheck)
