"""The same-person check across a report's photos: the clothes' colour, compared photo to photo."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from posecheck import Analyzer
from posecheck.analysis import Analysis, without_pixels
from posecheck.clothing import Clothing, read_clothing
from posecheck.combine import BOTTOM_LIMIT, TOP_LIMIT, clothes_differ, combine, same_person
from posecheck.images import LoadedImage
from posecheck.report import results_document
from posecheck.samples import sample_paths
from posecheck.types import View
from tests.poses import make_pose


def _samples(analyzer: Analyzer, body: str) -> list[Analysis]:
    results = [analyzer.analyze_path(p) for p in sample_paths() if p.stem.startswith(body)]
    assert results and all(isinstance(r, Analysis) for r in results)
    return results  # type: ignore[return-value]


@pytest.mark.slow
def test_one_persons_photos_match(analyzer: Analyzer) -> None:
    for body in ("woman_neutral", "man_misaligned"):
        check = same_person(_samples(analyzer, body))
        assert check.same is True, (body, check.reason)


@pytest.mark.slow
def test_two_people_are_told_apart_and_the_report_says_so(analyzer: Analyzer) -> None:
    woman, man = _samples(analyzer, "woman_neutral"), _samples(analyzer, "man_misaligned")
    photos = [woman[0], man[0], woman[1]]
    report = combine(photos)
    assert report.person.same is False
    assert report.person.differing == (man[0].name,)
    assert "different people" in report.person.reason
    document = results_document(photos, report)
    assert document["combined"]["same_person"]["same"] is False
    assert document["combined"]["same_person"]["differing"] == [man[0].name]


@pytest.mark.slow
def test_the_clothes_outlive_the_pixels(analyzer: Analyzer) -> None:
    """A batch drops each photo's pixels once reported; the combined report still compares."""
    woman, man = _samples(analyzer, "woman_neutral"), _samples(analyzer, "man_misaligned")
    kept = [without_pixels(woman[0]), without_pixels(man[0])]
    assert same_person(kept).same is False


def _clothed(rgb_top: tuple[int, int, int], rgb_legs: tuple[int, int, int]) -> Clothing:
    """A front pose on a picture painted with a top colour above the hips, legs below."""
    pose = make_pose()
    width, height = pose.image_size
    rgb = np.full((height, width, 3), 128, np.uint8)
    hip_y = int(pose.xy[23][1])
    rgb[:hip_y] = rgb_top
    rgb[hip_y:] = rgb_legs
    image = LoadedImage(rgb=rgb, width=width, height=height, scale=1.0, format="PNG", name="x")
    return read_clothing(image, pose, View.FRONT)


@pytest.mark.slow  # over 0.1 s on a clean clone: .ci/run runs it, make test keeps its time
def test_brightness_does_not_matter_but_colour_does() -> None:
    red, dark_red, blue = (200, 40, 40), (110, 22, 22), (40, 60, 200)
    grey = (90, 90, 90)
    base = _clothed(red, grey)
    assert base.top is not None and base.bottom is not None
    assert clothes_differ(base, _clothed(dark_red, (60, 60, 60))) is False
    assert clothes_differ(base, _clothed(blue, grey)) is True
    assert clothes_differ(base, _clothed(red, (40, 60, 200))) is True


def test_side_views_compare_the_legs_only_and_nothing_compares_is_unknown() -> None:
    front = Clothing(View.FRONT, top=(30.0, 10.0), bottom=(0.0, 0.0))
    side = Clothing(View.LEFT, top=None, bottom=(0.0, 1.0))
    assert clothes_differ(front, side) is False
    assert clothes_differ(front, replace(side, bottom=(BOTTOM_LIMIT + 1.0, 0.0))) is True
    assert clothes_differ(front, replace(front, top=(30.0 - TOP_LIMIT - 1.0, 10.0))) is True
    nothing = Clothing(View.LEFT, top=None, bottom=None)
    assert clothes_differ(front, nothing) is None


@pytest.mark.slow
@pytest.mark.parametrize("count", [0, 1])
def test_fewer_than_two_photos_cannot_be_compared(analyzer: Analyzer, count: int) -> None:
    photos = _samples(analyzer, "woman_neutral")[:count]
    assert same_person(photos).same is None


@pytest.mark.slow
def test_real_photos_one_man_from_three_cameras_and_two_women(analyzer: Analyzer) -> None:
    """Pose2Sim's man filmed at one moment by three cameras (whose colours differ) is one person;
    two Human3.6M subjects are two."""
    from tests.conftest import photo

    man = [
        analyzer.analyze_path(photo(name))
        for name in (
            "front_standing_tpose_barefoot_01.jpg",
            "back_standing_tpose_barefoot_01.jpg",
            "front_oblique_standing_tpose_barefoot_01.jpg",
        )
    ]
    assert same_person(man).same is True
    women = [
        analyzer.analyze_path(photo(n)) for n in ("front_standing_01.jpg", "back_standing_01.jpg")
    ]
    assert same_person(women).same is False
