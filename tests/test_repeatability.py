"""Repeatability (SEM, MDC95) on frames of someone standing still."""

from __future__ import annotations

import math
from pathlib import Path

import cv2
import numpy as np
import pytest

from posecheck import Analyzer
from posecheck.dev.repeatability import MDC95_FACTOR, frames_of, markdown, repeatability
from posecheck.measures import MeasureName
from posecheck.samples import sample_paths


def _still_clip(tmp_path: Path, frames: int = 6) -> Path:
    """A sample render shifted by a pixel or two per frame: a person standing still, filmed."""
    sample = next(p for p in sample_paths() if p.stem == "woman_neutral_front")
    bgr = cv2.imread(str(sample))
    height, width = bgr.shape[:2]
    path = tmp_path / "still.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 10, (width, height))
    rng = np.random.default_rng(3)
    for _ in range(frames):
        dx, dy = rng.integers(-2, 3, size=2)
        shift = np.float32([[1, 0, dx], [0, 1, dy]])
        writer.write(cv2.warpAffine(bgr, shift, (width, height), borderMode=cv2.BORDER_REPLICATE))
    writer.release()
    return path


def test_mdc95_is_1_96_root_2_sem() -> None:
    assert pytest.approx(2.772, abs=1e-3) == MDC95_FACTOR
    assert math.isclose(MDC95_FACTOR, 1.96 * math.sqrt(2))


@pytest.mark.slow
def test_a_still_clip_gives_small_sems(analyzer: Analyzer, tmp_path: Path) -> None:
    frames = list(frames_of(_still_clip(tmp_path)))
    assert len(frames) == 6
    table = repeatability(analyzer, frames)
    foot = table[MeasureName.LEFT_FOOT_ANGLE]
    assert foot.frames == 6
    # the same body shifted by pixels: far steadier than the measure's known error (±5°)
    assert 0.0 <= foot.sem < 2.5
    assert foot.mdc95 == pytest.approx(MDC95_FACTOR * foot.sem)
    text = markdown({"still": table})
    assert "| `left_foot_angle` | 6 |" in text
