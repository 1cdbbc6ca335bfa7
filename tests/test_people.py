"""Counting people: a second skeleton the model fits over one body is not a second person."""

from __future__ import annotations

import numpy as np

from posecheck.estimator import DUPLICATE_OVERLAP, choose_subject, distinct_people
from posecheck.types import Landmark, Pose
from tests.poses import FRONT, make_pose

L = Landmark


def _shifted(dx: float, scale: float = 1.0) -> Pose:
    """FRONT moved ``dx`` pixels to the right and shrunk by ``scale`` about its hips."""
    cx, cy = 500.0, 500.0
    return make_pose(
        {lm: (cx + (x - cx) * scale + dx, cy + (y - cy) * scale) for lm, (x, y) in FRONT.items()}
    )


def test_a_second_skeleton_inside_a_body_is_the_same_person() -> None:
    person, inner = _shifted(0.0), _shifted(10.0, scale=0.8)  # its box 0.96+ inside
    assert distinct_people((person, inner)) == (person,)
    # the better-scored one is kept wherever it is listed: the subject does not change
    assert distinct_people((inner, person)) == (person,)
    assert choose_subject((inner, person)) == 1


def test_people_side_by_side_or_partly_overlapping_are_counted() -> None:
    subject = _shifted(0.0)
    beside, overlapping = _shifted(300.0), _shifted(120.0)  # boxes: apart; 0.46 overlap
    assert distinct_people((subject, beside)) == (subject, beside)
    assert distinct_people((overlapping, subject)) == (overlapping, subject)


def test_the_overlap_line_is_the_share_of_the_smaller_box() -> None:
    subject = _shifted(0.0)  # its box: x 388..612, 224 wide
    width = 224.0
    for share, same in ((DUPLICATE_OVERLAP + 0.05, True), (DUPLICATE_OVERLAP - 0.05, False)):
        other = _shifted(width * (1.0 - share))
        assert (len(distinct_people((subject, other))) == 1) is same, share


def test_a_pose_with_too_few_visible_points_is_kept() -> None:
    subject = _shifted(0.0)
    faint = make_pose(hidden=tuple(lm for lm in L if lm is not L.NOSE))
    kept = distinct_people((subject, faint))
    assert len(kept) == 2
    assert np.array_equal(kept[1].xy, faint.xy)
