"""Mirror consistency on real photos, judged against the model's own measured noise."""

from __future__ import annotations

import math

import numpy as np
import pytest

from posecheck import Analyzer
from posecheck.dev.consistency import PhotoConsistency, photo_consistency
from posecheck.measures import mirrored_name
from tests.conftest import photo

pytestmark = pytest.mark.slow

# Standing, square-on, full body (SOURCES.md), front and back.
PHOTOS = [
    "front_standing_01.jpg",
    "front_standing_arms_out_02.jpg",
    "back_standing_01.jpg",
    "front_standing_tpose_barefoot_01.jpg",
    "back_standing_tpose_barefoot_01.jpg",
    "multi_person_walking_loose_clothing_01.jpg",
]


def test_mirrored_names() -> None:
    assert mirrored_name("left_foot_angle") == "right_foot_angle"
    assert mirrored_name("right_knee_angle_frontal") == "left_knee_angle_frontal"
    assert mirrored_name("pelvic_tilt") == "pelvic_tilt"


def _mann_whitney_greater(sample: list[float], reference: list[float]) -> float:
    """One-sided p-value that ``sample`` tends to be larger than ``reference`` (normal approx.)."""
    values = np.array(sample + reference)
    ranks = values.argsort().argsort() + 1.0
    # average ranks of ties
    for v in np.unique(values):
        tied = values == v
        ranks[tied] = ranks[tied].mean()
    n1, n2 = len(sample), len(reference)
    u = ranks[:n1].sum() - n1 * (n1 + 1) / 2
    mean = n1 * n2 / 2
    sd = math.sqrt(n1 * n2 * (n1 + n2 + 1) / 12)
    z = (u - mean) / sd
    return 0.5 * math.erfc(z / math.sqrt(2))


@pytest.fixture(scope="module")
def consistency(analyzer: Analyzer) -> list[PhotoConsistency]:
    results = [photo_consistency(analyzer, str(photo(name))) for name in PHOTOS]
    found = [r for r in results if r is not None]
    assert len(found) == len(PHOTOS), "every photo and its mirror image has a person"
    return found


def test_mirror_swap_holds_within_the_models_noise(consistency: list[PhotoConsistency]) -> None:
    """Mirror errors are no larger than the model's own noise.

    Both are differences between two readings of the same body: the original against its mirror
    image, and the photo against copies shifted a few pixels or scaled by 3 %. If the measures obey
    the mirror convention, the first is just noise too. Each error is scaled by the median noise of
    its measure (so degrees, percentages and ratios pool), and a one-sided rank test asks whether
    mirror errors run larger than noise; the test fails when they clearly do (p < 0.01).
    """
    noise_by_measure: dict[str, list[float]] = {}
    for result in consistency:
        for name, values in result.noise.items():
            noise_by_measure.setdefault(name, []).extend(values)
    scale = {n: float(np.median(v)) or 0.01 for n, v in noise_by_measure.items()}
    mirror = [e / scale[n] for r in consistency for n, e in r.mirror.items() if n in scale]
    noise = [e / scale[n] for n, vs in noise_by_measure.items() for e in vs]
    assert len(mirror) >= 30, f"too few mirror comparisons ({len(mirror)})"
    p_value = _mann_whitney_greater(mirror, noise)
    assert p_value >= 0.01, (
        f"mirror errors run larger than the model's noise (p = {p_value:.4f}); "
        f"median scaled mirror error {np.median(mirror):.2f} vs noise {np.median(noise):.2f}"
    )


def test_a_mirror_convention_bug_would_be_caught(consistency: list[PhotoConsistency]) -> None:
    """The same test fails if a signed lateral measure did not change sign (a planted bug)."""
    noise_by_measure: dict[str, list[float]] = {}
    for result in consistency:
        for name, values in result.noise.items():
            noise_by_measure.setdefault(name, []).extend(values)
    scale = {n: float(np.median(v)) or 0.01 for n, v in noise_by_measure.items()}
    # Planted bug: the mirror of a signed measure compared without flipping its sign, i.e. the
    # error becomes |twin - value| = |-value_mirror_truth - value| ~ 2|value| for tilts and shifts.
    broken = []
    for result in consistency:
        for name, error in result.mirror.items():
            if name in {"pelvic_tilt", "shoulder_tilt", "trunk_shift", "pelvis_shift"}:
                broken.append((error + 2 * scale[name] * 3) / scale[name])
            elif name in scale:
                broken.append(error / scale[name])
    noise = [e / scale[n] for n, vs in noise_by_measure.items() for e in vs]
    assert _mann_whitney_greater(broken, noise) < 0.01
