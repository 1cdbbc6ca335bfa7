"""The sideways positions and the shoulder line against motion capture on the shared real photos
(``python -m posecheck.dev real-shifts``): the geometry's signs, and the evidence for judging the
shoulder level but not the sideways positions."""

from __future__ import annotations

import numpy as np
import pytest

from posecheck import Analyzer
from posecheck.dev.realshift import _geometry, format_shift_errors, shift_errors
from posecheck.measures import MEASURES_BY_NAME, MeasureName
from tests.conftest import ANNOTATIONS, PHOTOS, photo


def _p(x: float, y: float) -> np.ndarray:
    return np.array([x, y], dtype=np.float64)


def test_the_geometry_signs() -> None:
    # shoulders' midpoint 10 px right of the hips' (hip width 100), hips' 20 px left of the ankles'
    shoulders = (_p(460.0, 200.0), _p(580.0, 190.0))  # the image-right one 10 px higher
    hips = (_p(450.0, 500.0), _p(550.0, 500.0))
    ankles = (_p(470.0, 900.0), _p(570.0, 900.0))
    trunk, pelvis, line = _geometry(shoulders, hips, ankles, 100.0)
    assert trunk == pytest.approx(20.0) and pelvis == pytest.approx(-20.0)
    assert line == pytest.approx(np.degrees(np.arctan2(10.0, 120.0)))
    swapped = _geometry(shoulders[::-1], hips[::-1], ankles[::-1], 100.0)
    assert swapped == pytest.approx((trunk, pelvis, line))  # the labels' order does not matter


@pytest.mark.slow
def test_on_real_photos_the_shifts_err_by_more_than_the_renders_say(analyzer: Analyzer) -> None:
    """Why the sideways positions are shown but never judged, and the shoulder level is judged:
    against motion capture, most of the shifts' errors on real photos lie beyond the known error
    the renders gave them (a band meant to hold about 95 % of them), and the shoulder line's do
    not. If a better model brings the shifts' errors down, this fails: judge them again."""
    photo("front_standing_01.jpg")  # skips with the reason when the shared photos are absent
    assert (ANNOTATIONS / "h36m_coco_subset.json").is_file()
    rows = shift_errors(analyzer, PHOTOS)
    assert len(rows) == 3, [r.photo for r in rows]
    print(format_shift_errors(rows))
    for measure, pick in ((MeasureName.TRUNK_SHIFT, 0), (MeasureName.PELVIS_SHIFT, 1)):
        spec = MEASURES_BY_NAME[measure]
        errors = [abs(m - t) for m, t in ((r.trunk, r.pelvis)[pick] for r in rows)]
        assert sum(e > spec.known_error for e in errors) >= 2, (measure, errors)
        assert not spec.for_findings
    tilt = MEASURES_BY_NAME[MeasureName.SHOULDER_TILT]
    lines = [abs(m - t) for m, t in (r.shoulder_line for r in rows)]
    assert max(lines) <= 2 * tilt.known_error and tilt.for_findings, lines
