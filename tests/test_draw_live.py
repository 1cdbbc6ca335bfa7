"""The live overlay: the skeleton, the key signal at its joint, the coach's panel, the stance
check's progress and result; the frame given is never drawn on."""

from __future__ import annotations

import numpy as np

from posecheck.draw import _points_and_visibility
from posecheck.draw_live import draw_live_frame
from posecheck.live.session import LiveFrame, LiveSession
from posecheck.types import Landmark, Pose
from tests.live_fakes import (
    ReplayFactory,
    frame_times,
    front_still,
    lying,
    plateaus,
)


def frames(exercise: str | None, poses: list[Pose | None], times: list[float]) -> list[LiveFrame]:
    rgb = np.zeros((1000, 1000, 3), dtype=np.uint8)
    with LiveSession(ReplayFactory(poses), exercise=exercise) as session:
        return [session.process(rgb, t) for t in times]


def test_the_coach_panel_and_the_signal_at_its_joint() -> None:
    times = frame_times(4000)
    poses = [lying(60 * plateaus(t, [(1000, 3500)])) for t in times]
    frame = frames("towel_leg_stretch", poses, times)[-1]
    rgb = np.full((1000, 1000, 3), 90, dtype=np.uint8)
    before = rgb.copy()
    picture = draw_live_frame(rgb, frame)
    assert np.array_equal(rgb, before)  # drawn on a copy
    assert picture.shape == rgb.shape and picture.dtype == np.uint8
    assert (picture[:40, :200] != 90).any()  # the panel, top left
    assert frame.pose is not None
    knee = frame.pose.xy[Landmark.RIGHT_KNEE].astype(int)  # its angle is written beside it
    assert (picture[knee[1] - 20 : knee[1] + 5, knee[0] + 10 : knee[0] + 120] != 90).any()


def test_the_stance_panel_with_a_result_and_no_person() -> None:
    times = frame_times(5000)
    still = frames(None, [front_still() for _ in times], times)[-1]
    assert still.stance.result is not None
    picture = draw_live_frame(np.zeros((480, 640, 3), dtype=np.uint8), still)
    assert picture[:200, :300].any()
    nobody = frames("ankle_circles", [None], [0.0])[-1]
    blank = np.zeros((480, 640, 3), dtype=np.uint8)
    assert draw_live_frame(blank, nobody)[:60, :].any()


def test_the_skeletons_points_and_visibility_match_the_pose() -> None:
    """draw_pose works the points out with numpy (it runs every frame): the same as per point."""
    rng = np.random.default_rng(0)
    base = front_still()
    for _ in range(20):
        xy = base.xy + rng.normal(0.0, 400.0, base.xy.shape)  # some points off the picture
        pose = Pose(xy, base.z, rng.uniform(0, 1, 33), base.presence, None, base.image_size)
        points, visible = _points_and_visibility(pose, 0.37)
        assert visible == [pose.is_visible(landmark) for landmark in Landmark]
        assert points == [
            (round(x * 0.37), round(y * 0.37)) for x, y in (pose.xy[lm] for lm in Landmark)
        ]


def test_the_stance_result_is_written_in_words_not_identifiers() -> None:
    from posecheck.draw_live import _result_lines

    times = frame_times(5000)
    still = frames(None, [front_still() for _ in times], times)[-1]
    assert still.stance.result is not None
    lines = [text for text, _ in _result_lines(still.stance.result)]
    assert lines and not any("_" in text for text in lines), lines
    assert all(
        text.endswith(("within range", "recheck", "outside", "well outside")) for text in lines
    )
    assert any(text.startswith("Left foot angle") for text in lines), lines
