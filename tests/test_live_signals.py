"""Exercise signals from hand-built poses: hand-computed values, missing landmarks, invariance to
image size and distance, the mirror convention, and whole synthetic exercises through the filter
and the trackers with known counts and holds."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from posecheck.geometry import rotate_points
from posecheck.live.filters import OneEuroFilter, OneEuroParams, OneEuroVectorFilter
from posecheck.live.signals import (
    foot_fore_aft,
    foot_pointing,
    foot_position,
    foot_tip_offset,
    foot_to_shank_ratio,
    head_tilt,
    heel_height,
    knee_extension,
    leg_raise_angle,
    point_spread,
)
from posecheck.live.trackers import (
    CircleCounter,
    CircleParams,
    HoldParams,
    HoldTimer,
    RepCounter,
    RepParams,
    Rotation,
)
from posecheck.types import Landmark, Pose, Side
from tests.live_fakes import front_head_tilt
from tests.poses import BACK, FRONT, SIDE_LEFT, make_pose, mirror_points

L = Landmark
Points = dict[Landmark, tuple[float, float]]
ScalarSignal = Callable[..., float | None]
AnySignal = Callable[..., object]

SCALAR_SIGNALS: tuple[ScalarSignal, ...] = (
    heel_height,
    knee_extension,
    leg_raise_angle,
    foot_fore_aft,
    foot_to_shank_ratio,
)

#: Lying on the back, seen from the person's left, head to image-left, legs along the floor.
LYING: Points = {
    **{lm: (150.0, 600.0) for lm in L},
    L.LEFT_SHOULDER: (200, 600), L.RIGHT_SHOULDER: (200, 600),
    L.LEFT_HIP: (500, 600), L.RIGHT_HIP: (500, 600),
    L.LEFT_KNEE: (700, 600), L.RIGHT_KNEE: (700, 600),
    L.LEFT_ANKLE: (900, 600), L.RIGHT_ANKLE: (900, 600),
    L.LEFT_HEEL: (910, 610), L.RIGHT_HEEL: (910, 610),
    L.LEFT_FOOT_INDEX: (920, 540), L.RIGHT_FOOT_INDEX: (920, 540),
}  # fmt: skip


def side_pose(
    points: Mapping[Landmark, tuple[float, float]] | None = None,
    *,
    hidden: tuple[Landmark, ...] = (),
) -> Pose:
    """A pose seen from the person's left (SIDE_LEFT) with ``points`` overriding it."""
    return make_pose(points, base=SIDE_LEFT, hidden=hidden)


def raised_heel(pitch_deg: float, toe: tuple[float, float] = (440.0, 920.0)) -> Points:
    """The left foot of SIDE_LEFT (facing image-left) with the heel raised about the toe tip."""
    length = 80.0
    pitch = math.radians(pitch_deg)
    heel = (toe[0] + length * math.cos(pitch), toe[1] - length * math.sin(pitch))
    return {L.LEFT_FOOT_INDEX: toe, L.LEFT_HEEL: heel}


def raised_leg(raise_deg: float, knee_bend_deg: float = 0.0) -> Points:
    """LYING with the left leg raised ``raise_deg`` from the floor and the knee bent."""
    hip = np.array(LYING[L.LEFT_HIP])
    thigh = math.radians(raise_deg)
    knee = hip + 200 * np.array([math.cos(thigh), -math.sin(thigh)])
    shank = thigh - math.radians(knee_bend_deg)
    ankle = knee + 200 * np.array([math.cos(shank), -math.sin(shank)])
    return {
        **LYING,
        L.LEFT_KNEE: (float(knee[0]), float(knee[1])),
        L.LEFT_ANKLE: (float(ankle[0]), float(ankle[1])),
        L.LEFT_HEEL: (float(ankle[0]) + 10, float(ankle[1]) + 5),
        L.LEFT_FOOT_INDEX: (float(ankle[0]) + 20, float(ankle[1]) - 60),
    }


def transformed(
    pose: Pose, scale: float = 1.0, offset: float = 0.0, rotate_deg: float = 0.0
) -> Pose:
    """The pose rotated about (500, 500), moved by 300 px, scaled and moved by ``offset``, in an
    image big enough to hold it (every point of a hand-built pose stays inside)."""
    xy = rotate_points(pose.xy, rotate_deg, (500.0, 500.0)) if rotate_deg else pose.xy
    xy = (xy + 300.0) * scale + offset
    size = (int(xy[:, 0].max()) + 10, int(xy[:, 1].max()) + 10)
    return Pose(
        xy=xy,
        z=pose.z,
        visibility=pose.visibility,
        presence=pose.presence,
        world=None,
        image_size=size,
    )


# --- values by hand ----------------------------------------------------------------------------


@pytest.mark.parametrize("pitch_deg", [0.0, 10.0, 30.0, 45.0])
def test_heel_height_is_the_sine_of_the_foot_pitch(pitch_deg: float) -> None:
    pose = side_pose(raised_heel(pitch_deg))
    assert heel_height(pose, Side.LEFT) == pytest.approx(math.sin(math.radians(pitch_deg)))


def test_heel_height_of_the_standing_fixture() -> None:
    # heel (520, 915) is 5 px above the toe tip (440, 920), 80.16 px away
    assert heel_height(side_pose(), Side.LEFT) == pytest.approx(5 / math.hypot(80, 5))
    dropped = side_pose({L.LEFT_HEEL: (520.0, 930.0)})
    assert heel_height(dropped, Side.LEFT) == pytest.approx(-10 / math.hypot(80, 10))


def test_knee_extension() -> None:
    assert knee_extension(make_pose(), Side.LEFT) == pytest.approx(180.0)
    bent = make_pose({L.RIGHT_HIP: (450, 500), L.RIGHT_KNEE: (450, 700), L.RIGHT_ANKLE: (650, 700)})
    assert knee_extension(bent, Side.RIGHT) == pytest.approx(90.0)
    assert knee_extension(make_pose(raised_leg(60, knee_bend_deg=25)), Side.LEFT) == (
        pytest.approx(155.0)
    )


@pytest.mark.parametrize("raise_deg", [0.0, 30.0, 60.0, 90.0])
def test_leg_raise_angle_lying(raise_deg: float) -> None:
    pose = make_pose(raised_leg(raise_deg))
    assert leg_raise_angle(pose, Side.LEFT) == pytest.approx(raise_deg)


def test_leg_raise_angle_standing_is_near_zero() -> None:
    assert leg_raise_angle(side_pose(), Side.LEFT) == pytest.approx(0.0)
    # a bent knee lowers the leg line: thigh at 60°, knee bent 40°, leg line at 40°
    assert leg_raise_angle(make_pose(raised_leg(60, knee_bend_deg=40)), Side.LEFT) == (
        pytest.approx(40.0)
    )


@pytest.mark.parametrize("toward_right", [0.0, 8.0, 20.0, -25.0])
@pytest.mark.parametrize("roll", [0.0, 6.0, -9.0])
def test_head_tilt_is_the_necks_side_bend_whatever_the_cameras_roll(
    toward_right: float, roll: float
) -> None:
    pose = front_head_tilt(toward_right, roll_deg=roll)
    assert head_tilt(pose, Side.RIGHT) == pytest.approx(toward_right, abs=1e-9)
    assert head_tilt(pose, Side.LEFT) == pytest.approx(-toward_right, abs=1e-9)


def test_head_tilt_from_behind_and_in_the_mirror() -> None:
    """From behind the person's right is the picture's right: a head gone down on that side is
    still tilted toward the right shoulder. The mirror image swaps the sides."""
    down_on_the_right = {L.RIGHT_EYE: (510.0, 95.0)}
    back = make_pose({**BACK, **down_on_the_right})
    assert back.xy[L.RIGHT_EYE][0] > back.xy[L.LEFT_EYE][0]  # the picture's right
    tilt = head_tilt(back, Side.RIGHT)
    assert tilt == pytest.approx(math.degrees(math.atan2(5.0, 20.0)))
    mirrored = make_pose(mirror_points({**BACK, **down_on_the_right}))
    assert head_tilt(mirrored, Side.LEFT) == pytest.approx(tilt)
    hidden = make_pose(FRONT, hidden=(L.LEFT_EYE,))
    assert head_tilt(hidden, Side.RIGHT) is None and head_tilt(hidden, Side.LEFT) is None
    side_on = {**FRONT, L.LEFT_SHOULDER: (500.0, 200.0), L.RIGHT_SHOULDER: (500.0, 200.0)}
    assert head_tilt(make_pose(side_on), Side.RIGHT) is None  # no shoulders' line to go by


def test_foot_tip_offset() -> None:
    # FRONT's left knee (550, 700), ankle (550, 900), foot index (550, 950): shank 200 px
    assert foot_tip_offset(make_pose(), Side.LEFT) == pytest.approx((0.0, 0.25))
    turned = make_pose({L.LEFT_FOOT_INDEX: (580.0, 930.0)})
    assert foot_tip_offset(turned, Side.LEFT) == pytest.approx((0.15, 0.15))


def test_foot_fore_aft() -> None:
    # SIDE_LEFT faces image-left: knee x 500, heel x 520, toe x 440, foot 80.16 px long
    length = math.hypot(80, 5)
    assert foot_fore_aft(side_pose(), Side.LEFT) == pytest.approx(20 / length)
    forward = side_pose({L.LEFT_HEEL: (480.0, 915.0), L.LEFT_FOOT_INDEX: (400.0, 920.0)})
    assert foot_fore_aft(forward, Side.LEFT) == pytest.approx(60 / length)
    # seen from the front the foot points at the camera: fore-aft cannot be read
    assert foot_fore_aft(make_pose(), Side.LEFT) is None


def test_foot_to_shank_ratio_tells_side_on_from_end_on() -> None:
    assert foot_to_shank_ratio(side_pose(), Side.LEFT) == pytest.approx(math.hypot(80, 5) / 200)
    assert foot_to_shank_ratio(make_pose(), Side.LEFT) == pytest.approx(50 / 200 * 0.7)


def test_foot_position_and_spread() -> None:
    # FRONT's left knee (550, 700), ankle (550, 900), heel (550, 915), foot index (550, 950)
    assert foot_position(make_pose(), Side.LEFT) == pytest.approx((0.0, (2765 / 3 - 700) / 200))
    assert point_spread([(1.0, 1.0)] * 5) == 0.0
    assert point_spread([(0.0, 0.0), (2.0, 0.0)]) == pytest.approx(1.0)
    assert point_spread([(0.0, 0.0), (3.0, 4.0), (0.0, 0.0), (3.0, 4.0)]) == pytest.approx(2.5)
    assert point_spread([]) is None


# --- missing landmarks and sides ---------------------------------------------------------------

NEEDS: dict[AnySignal, tuple[Landmark, ...]] = {
    heel_height: (L.LEFT_HEEL, L.LEFT_FOOT_INDEX),
    knee_extension: (L.LEFT_HIP, L.LEFT_KNEE, L.LEFT_ANKLE),
    leg_raise_angle: (L.LEFT_SHOULDER, L.LEFT_HIP, L.LEFT_ANKLE),
    foot_fore_aft: (L.LEFT_KNEE, L.LEFT_HEEL, L.LEFT_FOOT_INDEX),
    foot_to_shank_ratio: (L.LEFT_KNEE, L.LEFT_ANKLE, L.LEFT_HEEL, L.LEFT_FOOT_INDEX),
    foot_tip_offset: (L.LEFT_KNEE, L.LEFT_ANKLE, L.LEFT_FOOT_INDEX),
    foot_position: (L.LEFT_KNEE, L.LEFT_ANKLE, L.LEFT_HEEL, L.LEFT_FOOT_INDEX),
}


@pytest.mark.parametrize("signal", list(NEEDS), ids=lambda f: f.__name__)
def test_none_when_a_needed_landmark_is_hidden(signal: AnySignal) -> None:
    assert signal(side_pose(), Side.LEFT) is not None
    for landmark in NEEDS[signal]:
        assert signal(side_pose(hidden=(landmark,)), Side.LEFT) is None, landmark
        # the other side's landmarks do not matter
        assert signal(side_pose(hidden=(landmark.mirrored(),)), Side.LEFT) is not None
    outside = side_pose({NEEDS[signal][0]: (-5.0, 900.0)})
    assert signal(outside, Side.LEFT) is None


def test_min_visibility_is_the_callers_choice() -> None:
    pose = side_pose(hidden=(L.LEFT_HEEL,))  # visibility 0.1
    assert heel_height(pose, Side.LEFT) is None
    assert heel_height(pose, Side.LEFT, min_visibility=0.05) is not None


def test_degenerate_geometry_gives_none() -> None:
    same = side_pose({L.LEFT_HEEL: (440.0, 920.0)})
    assert heel_height(same, Side.LEFT) is None
    assert foot_fore_aft(same, Side.LEFT) is None
    folded = side_pose({L.LEFT_KNEE: (500.0, 900.0), L.LEFT_ANKLE: (500.0, 900.0)})
    assert knee_extension(folded, Side.LEFT) is None
    assert foot_tip_offset(folded, Side.LEFT) is None


def test_side_must_be_left_or_right() -> None:
    for signal in (heel_height, head_tilt):
        with pytest.raises(ValueError, match="side"):
            signal(side_pose(), Side.BOTH)


# --- invariance and the mirror convention ------------------------------------------------------

offset_strategy = st.tuples(st.floats(-60, 60), st.floats(-60, 60))
LEG = (L.LEFT_HIP, L.LEFT_KNEE, L.LEFT_ANKLE, L.LEFT_HEEL, L.LEFT_FOOT_INDEX, L.LEFT_SHOULDER)
RIGHT_LEG = tuple(lm.mirrored() for lm in LEG)


def _jiggled(base: Points, offsets: list[tuple[float, float]]) -> Points:
    moved = dict(base)
    for landmark, (dx, dy) in zip(LEG + RIGHT_LEG, offsets, strict=True):
        x, y = base[landmark]
        moved[landmark] = (x + dx, y + dy)
    return moved


pose_strategy = st.builds(
    _jiggled,
    st.sampled_from([FRONT, SIDE_LEFT, raised_leg(50), raised_leg(80, 30)]),
    st.lists(offset_strategy, min_size=12, max_size=12),
)


def _same(a: object, b: object) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return bool(np.allclose(np.asarray(a), np.asarray(b), rtol=1e-9, atol=1e-9))


@pytest.mark.slow  # over 0.2 s on a clean clone: .ci/run runs it, make test keeps its time
@given(pose_strategy, st.floats(0.1, 8.0), st.floats(0, 3000), st.sampled_from(list(Side)[:2]))
def test_signals_do_not_depend_on_image_size_or_distance(
    points: Points, scale: float, offset: float, side: Side
) -> None:
    pose = transformed(make_pose(points))
    moved = transformed(make_pose(points), scale, offset)
    signals: tuple[AnySignal, ...] = (*SCALAR_SIGNALS, foot_tip_offset, foot_position)
    for signal in signals:
        assert _same(signal(pose, side), signal(moved, side)), signal.__name__


@pytest.mark.slow  # over 0.5 s on a clean clone: .ci/run runs it, make test keeps its time
@given(pose_strategy, st.floats(-180, 180), st.sampled_from(list(Side)[:2]))
def test_joint_signals_do_not_depend_on_camera_roll(
    points: Points, degrees: float, side: Side
) -> None:
    pose = transformed(make_pose(points))
    rolled = transformed(make_pose(points), rotate_deg=degrees)
    for signal in (knee_extension, leg_raise_angle, foot_to_shank_ratio):
        value, rolled_value = signal(pose, side), signal(rolled, side)
        assert value is not None and rolled_value is not None
        assert rolled_value == pytest.approx(value, abs=1e-7), signal.__name__


@pytest.mark.slow  # over 0.2 s on a clean clone: .ci/run runs it, make test keeps its time
@given(pose_strategy, st.sampled_from(list(Side)[:2]))
def test_mirror_swaps_the_sides(points: Points, side: Side) -> None:
    pose, mirrored = transformed(make_pose(points)), transformed(make_pose(mirror_points(points)))
    for signal in SCALAR_SIGNALS:
        assert _same(signal(pose, side), signal(mirrored, side.mirrored())), signal.__name__
    tip, mirrored_tip = foot_tip_offset(pose, side), foot_tip_offset(mirrored, side.mirrored())
    assert tip is not None and mirrored_tip is not None
    assert mirrored_tip == pytest.approx((-tip[0], tip[1]))


# --- whole exercises: synthetic landmark sequences through the filter and a tracker ------------


def frame_times(duration_ms: float, seed: int) -> np.ndarray:
    """About 30 fps with uneven gaps (20-90 ms), as when frames are dropped."""
    rng = np.random.default_rng(seed)
    times = np.cumsum(rng.uniform(20, 90, size=int(duration_ms / 20) + 1))
    return times[times <= duration_ms]


def noisy(points: Points, rng: np.random.Generator, sd_px: float) -> Points:
    return {
        lm: (x + rng.normal(0, sd_px), y + rng.normal(0, sd_px)) for lm, (x, y) in points.items()
    }


@pytest.mark.parametrize("seed", range(3))
def test_heel_raises_counted_from_landmarks(seed: int) -> None:
    # 8 heel raises to 30° (heel height 0.5), 2 s each, 2 px landmark noise, 15 % of frames
    # with the heel not visible, uneven frame gaps; side view.
    rng = np.random.default_rng(seed)
    raises, period_ms = 8, 2000.0
    smoother = OneEuroFilter(OneEuroParams(min_cutoff=1.5, beta=0.5))
    counter = RepCounter(RepParams(low=0.12, high=0.25, min_dwell_ms=250, max_rep_ms=8000))
    for t_ms in frame_times(period_ms * (raises + 1), seed):
        phase = min(t_ms / period_ms, raises)
        pitch = 30.0 * (0.5 - 0.5 * math.cos(2 * math.pi * phase))
        points = noisy({**SIDE_LEFT, **raised_heel(pitch)}, rng, 2.0)
        hidden = (L.LEFT_HEEL,) if rng.random() < 0.15 else ()
        signal = heel_height(side_pose(points, hidden=hidden), Side.LEFT)
        state = counter.update(smoother(signal, t_ms), t_ms)
    assert state.count == raises
    assert state.last_peak == pytest.approx(0.5, abs=0.06)


@pytest.mark.parametrize("clockwise", [True, False])
def test_ankle_circles_counted_from_landmarks(clockwise: bool) -> None:
    # 5 ankle circles of 2.5 s, the foot tip tracing an ellipse 30 x 20 px about its rest point
    # below the ankle (front view), 1.5 px landmark noise.
    rng = np.random.default_rng(4)
    circles, period_ms = 5, 2500.0
    sign = 1.0 if clockwise else -1.0
    smoother = OneEuroVectorFilter(OneEuroParams(min_cutoff=3.0, beta=1.0))
    counter = CircleCounter(CircleParams(centre_window_ms=period_ms, min_radius=0.02))
    for t_ms in frame_times(period_ms * (circles + 0.5), 5):
        theta = sign * 2 * math.pi * t_ms / period_ms
        tip = (550 + 15 * math.cos(theta), 950 + 10 * math.sin(theta))
        pose = make_pose(noisy({**FRONT, L.LEFT_FOOT_INDEX: tip}, rng, 1.5))
        state = counter.update(smoother(foot_tip_offset(pose, Side.LEFT), t_ms), t_ms)
    assert state.count == circles
    assert state.direction is (Rotation.CLOCKWISE if clockwise else Rotation.ANTICLOCKWISE)


@pytest.mark.slow  # over 0.2 s on a clean clone: .ci/run runs it, make test keeps its time
def test_towel_stretch_holds_timed_from_landmarks() -> None:
    # Lying, left leg raised 60° with a straight knee for 3 holds of 31 s; between holds the knee
    # bends 40°; one brief 25° wobble of the knee inside each hold (under the grace period).
    rng = np.random.default_rng(6)
    smoother = OneEuroFilter(OneEuroParams(min_cutoff=1.0, beta=0.02))
    timer = HoldTimer(HoldParams(low=165.0, grace_ms=700, target_ms=30000))
    hold_ms, rest_ms = 31000.0, 6000.0
    for t_ms in frame_times(3 * (hold_ms + rest_ms) + rest_ms, 7):
        in_cycle = (t_ms - rest_ms) % (hold_ms + rest_ms)
        holding = t_ms >= rest_ms and in_cycle < hold_ms
        wobble = holding and 15000 <= in_cycle < 15250
        bend = 0.0 if holding and not wobble else (25.0 if wobble else 40.0)
        points = noisy(raised_leg(60.0, knee_bend_deg=bend), rng, 1.5)
        signal = knee_extension(make_pose(points), Side.LEFT)
        state = timer.update(smoother(signal, t_ms), t_ms)
    assert state.completed == 3
    assert state.best_ms == pytest.approx(hold_ms, abs=1000)


def test_tennis_ball_rolls_counted_from_landmarks() -> None:
    # Side view, seated: the foot rolls 0.4 foot lengths forward and back over the ball, 10 times.
    rng = np.random.default_rng(8)
    rolls, period_ms = 10, 1500.0
    counter = RepCounter(RepParams(low=0.35, high=0.5, min_dwell_ms=100))
    smoother = OneEuroFilter(OneEuroParams(min_cutoff=2.0, beta=1.0))
    for t_ms in frame_times(period_ms * (rolls + 1), 9):
        shift = 32.0 * (0.5 - 0.5 * math.cos(2 * math.pi * min(t_ms / period_ms, rolls)))
        foot = {
            L.LEFT_HEEL: (520.0 - shift, 915.0),
            L.LEFT_FOOT_INDEX: (440.0 - shift, 920.0),
            L.LEFT_ANKLE: (500.0 - shift, 900.0),
        }
        pose = side_pose(noisy({**SIDE_LEFT, **foot}, rng, 1.0))
        state = counter.update(smoother(foot_fore_aft(pose, Side.LEFT), t_ms), t_ms)
    assert state.count == rolls


def test_foot_stillness_from_landmarks() -> None:
    # Toe pressing: the foot keeps still (1 px landmark noise) or slides 20 px; the spread of the
    # foot position over the frames tells them apart, whatever the person's size in the image.
    rng = np.random.default_rng(10)
    for scale in (0.5, 1.0):
        still, sliding = [], []
        for index in range(30):
            still_pose = transformed(make_pose(noisy(FRONT, rng, 1.0)), scale, 0.0)
            slide: Points = {
                lm: (x + 20.0 * index / 29, y)
                for lm, (x, y) in FRONT.items()
                if lm in (L.LEFT_ANKLE, L.LEFT_HEEL, L.LEFT_FOOT_INDEX)
            }
            sliding_pose = transformed(make_pose(noisy({**FRONT, **slide}, rng, 1.0)), scale, 0.0)
            still.append(foot_position(still_pose, Side.LEFT) or (math.nan, math.nan))
            sliding.append(foot_position(sliding_pose, Side.LEFT) or (math.nan, math.nan))
        still_spread, sliding_spread = point_spread(still), point_spread(sliding)
        assert still_spread is not None and sliding_spread is not None
        assert still_spread < 0.02 < sliding_spread


def test_foot_pointing() -> None:
    """The heel-to-toe vector in shank lengths (ankle circles seen from the front)."""
    assert foot_pointing(make_pose(), Side.LEFT) == pytest.approx((0.0, 35 / 200))
    tilted = make_pose({L.LEFT_FOOT_INDEX: (580.0, 930.0), L.LEFT_HEEL: (540.0, 925.0)})
    assert foot_pointing(tilted, Side.LEFT) == pytest.approx((40 / 200, 5 / 200))
    assert foot_pointing(make_pose(hidden=(L.LEFT_HEEL,)), Side.LEFT) is None
    mirrored = make_pose(mirror_points(FRONT))
    point = foot_pointing(make_pose(), Side.LEFT)
    twin = foot_pointing(mirrored, Side.RIGHT)
    assert point is not None and twin is not None
    assert twin == pytest.approx((-point[0], point[1]))
