"""The roll check on turned photos (``python -m posecheck.dev roll-check``): its geometry, its
bookkeeping, and on the shared real photos the error of each confidence tier against what the
readings assume of it (``roll.roll_to_undo``)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from posecheck import Analyzer
from posecheck.dev.rollcheck import (
    MIN_CONFIDENT,
    TURNS,
    PhotoRolls,
    TurnedEstimate,
    crop_share,
    photo_rolls,
    roll_check,
    tier_errors,
    turned,
)
from posecheck.images import LoadedImage
from posecheck.roll import WEAK_ROLL_DEGREES, estimate_roll
from tests.conftest import photo
from tests.test_roll import _room


def _image(rgb: np.ndarray) -> LoadedImage:
    height, width = rgb.shape[:2]
    return LoadedImage(np.ascontiguousarray(rgb), width, height, 1.0, "PNG", "room.png")


@pytest.mark.parametrize("size", [(900, 1600), (1600, 900), (1000, 1000)])
def test_the_crop_keeps_no_corner_from_outside(size: tuple[int, int]) -> None:
    width, height = size
    share = crop_share(size)
    worst = math.radians(max(abs(t) for t in TURNS))

    def inside(scale: float) -> bool:
        # the kept rectangle's corners, turned back into the original picture
        corners = [
            (sx * scale * width / 2, sy * scale * height / 2) for sx in (-1, 1) for sy in (-1, 1)
        ]
        for angle in (worst, -worst):
            cos, sin = math.cos(angle), math.sin(angle)
            for x, y in corners:
                if (
                    abs(x * cos - y * sin) > width / 2 + 1e-9
                    or abs(x * sin + y * cos) > height / 2 + 1e-9
                ):
                    return False
        return True

    assert inside(share)
    assert not inside(share * 1.01), "the crop should keep as much as the turns allow"


@pytest.mark.slow  # over 0.1 s on a clean clone: .ci/run runs it, make test keeps its time
@pytest.mark.parametrize("degrees", [-6.0, 3.0])
def test_a_turn_adds_itself_to_the_roll(degrees: float) -> None:
    """Turned clockwise on screen by ``degrees``, a level room reads that roll (the convention of
    ``CameraRoll``: + true verticals turned clockwise)."""
    rgb, _ = _room(1200)
    level = estimate_roll(rgb)
    assert level.degrees == pytest.approx(0.0, abs=0.1), level.reason
    copy = turned(_image(rgb), degrees, crop_share((1200, 1200)))
    assert copy.rgb.shape[0] == copy.rgb.shape[1] < 1200
    found = estimate_roll(np.asarray(copy.rgb))
    assert found.degrees == pytest.approx(degrees, abs=0.2), found.reason


def test_errors_are_counted_per_tier_against_the_reference() -> None:
    estimates = (
        TurnedEstimate(-2.0, -3.1, 0.6),  # confident: -1.1 unturned
        TurnedEstimate(0.0, -0.9, 0.5),  # confident: -0.9
        TurnedEstimate(2.0, 1.0, 0.4),  # confident: -1.0
        TurnedEstimate(4.0, 4.5, 0.2),  # weak: +1.5 off
        TurnedEstimate(6.0, None, 0.0),  # nothing claimed
        TurnedEstimate(8.0, 9.0, 0.05),  # under the weak tier: not an estimate
    )
    rolls = PhotoRolls("p.jpg", estimates, reference=-1.0)
    assert rolls.errors("confident") == pytest.approx([-0.1, 0.1, 0.0])
    assert rolls.errors("weak") == pytest.approx([1.5])
    weak = tier_errors([rolls], "weak")
    assert weak is not None and (weak.count, weak.rms, weak.largest) == (1, 1.5, 1.5)
    assert PhotoRolls("q.jpg", estimates, reference=None).errors("weak") == []
    assert tier_errors([PhotoRolls("q.jpg", estimates, None)], "weak") is None


@pytest.mark.slow
def test_without_enough_confident_estimates_there_is_no_reference(analyzer: Analyzer) -> None:
    """A photo whose room shows no usable edge (a plain studio) gets no reference at all."""
    rolls = photo_rolls(analyzer, str(photo("front_standing_arms_out_02.jpg")))
    assert rolls is not None
    confident = [e for e in rolls.estimates if e.tier == "confident"]
    assert (rolls.reference is None) == (len(confident) < MIN_CONFIDENT)


@pytest.mark.slow
def test_on_real_photos_each_tier_is_as_close_as_the_readings_assume(analyzer: Analyzer) -> None:
    """The readings undo a confident estimate as it is (no roll doubt) and take a weak one as
    WEAK_ROLL_DEGREES off (one SD). On the shared photos turned by -8..8°: confident RMS 0.41°,
    weak 1.27° (n 97 and 26, 2026-12-03). The confident tier must stay well inside the weak
    tier's SD (half of it), the weak tier inside it."""
    folder = photo("front_standing_01.jpg").parent
    paths = sorted(str(p) for p in folder.iterdir() if p.suffix.lower() in (".jpg", ".png"))
    photos = roll_check(analyzer, paths)
    with_reference = [p for p in photos if p.reference is not None]
    confident = tier_errors(photos, "confident")
    weak = tier_errors(photos, "weak")
    assert len(with_reference) >= 10, "too few photos with a reference to judge the tiers"
    assert confident is not None and confident.count >= 50
    assert weak is not None and weak.count >= 15
    assert confident.rms <= WEAK_ROLL_DEGREES / 2, confident
    assert weak.rms <= WEAK_ROLL_DEGREES, weak
