"""Is this a posture photo? The relaxed-stance gate and what happens when a photo fails it."""

from __future__ import annotations

import pytest

from posecheck import Analysis, Analyzer, Status
from posecheck.capture import check_relaxed_stance
from posecheck.measures import measure_pose
from posecheck.types import Landmark, View
from posecheck.views import FAR_LEG_HIDDEN, Posture, ViewEstimate, relaxed_stance
from tests.conftest import photo
from tests.poses import SIDE_LEFT, SIZE, make_pose

L = Landmark


def test_a_relaxed_stance_passes() -> None:
    assert relaxed_stance(make_pose(), View.FRONT).standing is True
    assert relaxed_stance(make_pose(base=SIDE_LEFT), View.LEFT).standing is True


@pytest.mark.parametrize(
    ("changes", "view", "words"),
    [
        # one foot lifted or stepping toward the camera
        ({L.LEFT_HEEL: (550, 760), L.LEFT_ANKLE: (550, 745), L.LEFT_FOOT_INDEX: (550, 790)},
         View.FRONT, "heels are at different heights"),
        # a knee bent well past quiet standing
        ({L.LEFT_KNEE: (610, 700)}, View.FRONT, "knee is bent"),
        # a kick: the leg swung out to the side
        ({L.LEFT_KNEE: (640, 690), L.LEFT_ANKLE: (730, 880), L.LEFT_HEEL: (735, 895),
          L.LEFT_FOOT_INDEX: (740, 930)}, View.FRONT, "leg leans"),
        # feet far apart (skis, a lunge to the side)
        ({L.LEFT_ANKLE: (700, 880), L.RIGHT_ANKLE: (300, 880), L.LEFT_HEEL: (700, 895),
          L.RIGHT_HEEL: (300, 895)}, View.FRONT, "leg leans"),
        # the trunk leaning far to one side
        ({L.LEFT_SHOULDER: (700, 220), L.RIGHT_SHOULDER: (540, 200)}, View.FRONT, "trunk leans"),
    ],
)  # fmt: skip
def test_what_is_not_a_relaxed_stance(
    changes: dict[Landmark, tuple[float, float]], view: View, words: str
) -> None:
    pose = make_pose(changes)
    stance = relaxed_stance(pose, view)
    assert stance.standing is False
    assert words in stance.reason
    estimate = ViewEstimate(view, 0.9, False, "test")
    measured = measure_pose(pose, estimate, None, calibrations={})
    assert measured and all(m.status is Status.UNKNOWN for m in measured.values())
    assert all("relaxed standing" in m.reason for m in measured.values())


def test_a_stride_seen_from_the_side_is_not_a_stance() -> None:
    stride = {L.LEFT_ANKLE: (640, 900), L.LEFT_HEEL: (625, 915), L.LEFT_FOOT_INDEX: (680, 950),
              L.LEFT_KNEE: (570, 700)}  # fmt: skip
    stance = relaxed_stance(make_pose(stride, base=SIDE_LEFT), View.LEFT)
    assert stance.standing is False and "ahead of the other" in stance.reason


def test_feet_out_of_view_cannot_tell() -> None:
    hidden = (L.LEFT_HEEL, L.RIGHT_HEEL)
    assert relaxed_stance(make_pose(hidden=hidden), View.FRONT).standing is None
    check = check_relaxed_stance(make_pose(hidden=hidden), View.FRONT)
    assert check.passed is None and "Step back" in check.advice


def test_a_far_leg_hidden_from_the_side_cannot_tell_and_needs_no_retake() -> None:
    """From the side the near leg hides the far one in most photos: the stance cannot be told,
    and the user is not asked to step back (the feet are in the picture); a foot beyond the
    picture's edge still is."""
    far = (L.RIGHT_HIP, L.RIGHT_KNEE, L.RIGHT_ANKLE, L.RIGHT_HEEL)
    behind = make_pose(base=SIDE_LEFT, hidden=far)
    assert relaxed_stance(behind, View.LEFT) == Posture(None, FAR_LEG_HIDDEN, retake_helps=False)
    check = check_relaxed_stance(behind, View.LEFT)
    assert check.passed is None and check.advice.startswith("Nothing to change")
    assert "Step back" not in check.advice
    below = {L.RIGHT_HEEL: (SIDE_LEFT[L.RIGHT_HEEL][0], SIZE[1] + 20.0)}
    cut = make_pose(below, base=SIDE_LEFT, hidden=far)
    assert relaxed_stance(cut, View.LEFT).reason != FAR_LEG_HIDDEN
    assert relaxed_stance(cut, View.LEFT).retake_helps
    assert "Step back" in check_relaxed_stance(cut, View.LEFT).advice


#: Real photos that are not relaxed standing posture photos: action, sitting, lying, several
#: people, feet out of the frame (SOURCES.md). None may get a finding or a plan.
NOT_POSTURE_PHOTOS = [
    "front_walking_greenscreen_01.jpg",
    "side_walking_greenscreen_01.jpg",
    "side_walking_outdoor_01.jpg",
    "side_batting_children_01.jpg",
    "multi_person_walking_loose_clothing_01.jpg",
    "front_standing_skier_boots_01.jpg",
    "floor_sitting_legs_extended_01.jpg",
    "lying_on_floor_01.jpg",
    "sitting_grayscale_two_people_01.jpg",
    "sitting_two_people_dim_01.jpg",
    "sitting_wheelchair_two_people_01.jpg",
    "two_people_feet_cut_off_01.jpg",
    "two_people_standing_truck_01.jpg",
    "two_people_standing_outdoor_01.jpg",
    "two_people_barefoot_01.jpg",
    "back_oblique_feet_cut_off_01.jpg",
    "elderly_feet_cut_off_three_people_01.jpg",
]


@pytest.mark.slow
@pytest.mark.parametrize("name", NOT_POSTURE_PHOTOS)
def test_no_posture_findings_on_photos_that_are_not_posture_photos(
    analyzer: Analyzer, name: str
) -> None:
    result = analyzer.analyze_path(photo(name))
    if not isinstance(result, Analysis):
        return  # nobody found: nothing judged either
    assert not result.judged
    assert result.assessment.findings == () and result.plan is None
    assert all(m.value is None for m in result.measurements.values())
    assert result.retake and all(check.advice for check in result.retake)
    assert "cannot be judged" in result.assessment.summary


@pytest.mark.slow
def test_a_failed_check_never_sits_beside_a_number(analyzer: Analyzer) -> None:
    """The truck photo's feet are hidden: no foot angle (nor anything else) is reported."""
    result = analyzer.analyze_path(photo("two_people_standing_truck_01.jpg"))
    assert isinstance(result, Analysis)
    failed = {c.name for c in result.checks if c.passed is False}
    assert "feet_in_frame" in failed
    assert all(m.value is None for m in result.measurements.values())
