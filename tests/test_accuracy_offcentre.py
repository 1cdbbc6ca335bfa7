"""Perspective cannot creep back into the shifts and plumb lines: on committed renders of people
standing off the picture's centre with the phone looking down (tests/data/renders_offcentre),
each measure taken against the true vertical keeps its error within a bound that taking it
against the camera's roll alone would break (bounds.json there)."""

from __future__ import annotations

import json
import math
from collections import defaultdict
from pathlib import Path

import pytest

from posecheck import Analyzer
from posecheck.dev.screening import Reading, read_set

pytestmark = pytest.mark.slow

RENDERS = Path(__file__).resolve().parent / "data" / "renders_offcentre"
BOUNDS = json.loads((RENDERS / "bounds.json").read_text(encoding="utf-8"))["measures"]


@pytest.fixture(scope="module")
def errors(analyzer: Analyzer) -> dict[str, list[float]]:
    readings: list[Reading] = read_set(analyzer, RENDERS)
    assert len({r.render for r in readings}) == 12, (
        f"expected the 12 committed renders in {RENDERS}"
    )
    found: dict[str, list[float]] = defaultdict(list)
    for reading in readings:
        if reading.roll_known and reading.value is not None:
            found[reading.measure.value].append(abs(reading.value - reading.true))
    return found


def test_the_bounds_would_catch_the_roll_alone() -> None:
    for name, bound in BOUNDS.items():
        assert bound["bound"] < bound["mae_flat"], name
        assert bound["bound"] == math.ceil(15 * bound["mae_when_set"] - 1e-9) / 10, name


@pytest.mark.parametrize("name", sorted(BOUNDS))
def test_error_against_the_vertical_where_the_body_stands(
    errors: dict[str, list[float]], name: str
) -> None:
    scored = errors.get(name, [])
    assert len(scored) >= 2, f"{name}: the roll was found on too few renders to judge it"
    mae = sum(scored) / len(scored)
    bound = BOUNDS[name]["bound"]
    assert mae <= bound, (
        f"{name}: mean absolute error {mae:.2f} on {len(scored)} renders exceeds its bound "
        f"{bound} (against the roll alone it was {BOUNDS[name]['mae_flat']})"
    )
