"""Geometry: hand-computed cases and invariance properties."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from posecheck.geometry import (
    angle_from_horizontal,
    angle_from_vertical,
    joint_angle,
    rotate_points,
    signed_turn,
    tilt_from_horizontal,
)

# Landmark-like points: pixels to a hundredth, as far from degenerate as real bodies are.
coordinate = st.floats(-2000, 2000, allow_nan=False).map(lambda v: round(v, 2))
point = st.tuples(coordinate, coordinate)


def _apart(p: tuple[float, float], q: tuple[float, float]) -> bool:
    return bool(np.hypot(p[0] - q[0], p[1] - q[1]) >= 1.0)


def test_joint_angle_cases() -> None:
    assert joint_angle((0, 0), (0, 1), (0, 2)) == pytest.approx(180.0)
    assert joint_angle((1, 0), (0, 0), (0, 1)) == pytest.approx(90.0)
    assert joint_angle((1, 0), (0, 0), (1, 1)) == pytest.approx(45.0)
    assert math.isnan(joint_angle((0, 0), (0, 0), (1, 1)))


def test_tilt_cases() -> None:
    # first point 10 px higher over 100 px run: atan(0.1)
    assert tilt_from_horizontal((100, 90), (0, 100)) == pytest.approx(math.degrees(math.atan(0.1)))
    # the same tilt whichever side of the image the first point is on
    assert tilt_from_horizontal((0, 90), (100, 100)) == pytest.approx(
        tilt_from_horizontal((100, 90), (0, 100))
    )
    assert tilt_from_horizontal((0, 110), (100, 100)) < 0


def test_vertical_and_horizontal_cases() -> None:
    assert angle_from_vertical((0, 100), (0, 0)) == pytest.approx(0.0)
    assert angle_from_vertical((0, 100), (100, 0)) == pytest.approx(45.0)
    assert angle_from_vertical((0, 100), (-100, 0)) == pytest.approx(-45.0)
    assert angle_from_horizontal((0, 100), (100, 0)) == pytest.approx(45.0)
    assert angle_from_horizontal((0, 100), (-100, 0)) == pytest.approx(45.0)


def test_signed_turn_direction() -> None:
    # down the screen, then to the right: a counter-clockwise bend on screen (y down)
    assert signed_turn((0, 0), (0, 10), (10, 10)) < 0
    assert signed_turn((0, 0), (0, 10), (-10, 10)) > 0


def test_rotation_is_clockwise_on_screen() -> None:
    """+ turns clockwise on screen (x right, y down), - counter-clockwise: worked by hand."""
    # About the origin: +90° takes image-right (1, 0) to image-down (0, 1), -90° to image-up.
    origin = (0.0, 0.0)
    assert rotate_points([[1.0, 0.0]], 90.0, origin)[0] == pytest.approx([0.0, 1.0], abs=1e-12)
    assert rotate_points([[1.0, 0.0]], -90.0, origin)[0] == pytest.approx([0.0, -1.0], abs=1e-12)
    # Image-down (0, 1) turns clockwise on screen to image-left (-1, 0), and back to image-right.
    assert rotate_points([[0.0, 1.0]], 90.0, origin)[0] == pytest.approx([-1.0, 0.0], abs=1e-12)
    assert rotate_points([[0.0, 1.0]], -90.0, origin)[0] == pytest.approx([1.0, 0.0], abs=1e-12)
    # About another centre, by 30°: (110, 50) is 10 px right of (100, 50); clockwise on screen it
    # goes down to (100 + 10 cos 30°, 50 + 10 sin 30°), counter-clockwise up by the same.
    centre = (100.0, 50.0)
    dx, dy = 10 * math.cos(math.radians(30)), 10 * math.sin(math.radians(30))
    assert rotate_points([[110.0, 50.0]], 30.0, centre)[0] == pytest.approx(
        [100 + dx, 50 + dy], abs=1e-9
    )
    assert rotate_points([[110.0, 50.0]], -30.0, centre)[0] == pytest.approx(
        [100 + dx, 50 - dy], abs=1e-9
    )
    # The centre stays put.
    assert rotate_points([centre], 30.0, centre)[0] == pytest.approx(centre, abs=1e-12)


@pytest.mark.slow  # over 0.1 s on a clean clone: .ci/run runs it, make test keeps its time
@given(point, point, point, point, st.floats(0.05, 50))
def test_joint_angle_invariant_to_translation_and_scale(
    a: tuple[float, float],
    b: tuple[float, float],
    c: tuple[float, float],
    shift: tuple[float, float],
    scale: float,
) -> None:
    assume(_apart(a, b) and _apart(c, b))
    before = joint_angle(a, b, c)
    assume(not math.isnan(before))
    moved = [(np.asarray(p) + np.asarray(shift)) * scale for p in (a, b, c)]
    after = joint_angle(*moved)
    assert after == pytest.approx(before, abs=1e-6)


@pytest.mark.slow  # over 0.2 s on a clean clone: .ci/run runs it, make test keeps its time
@given(point, point, st.floats(-40, 40), point)
def test_rotation_shifts_tilt_by_the_angle(
    p: tuple[float, float], q: tuple[float, float], degrees: float, centre: tuple[float, float]
) -> None:
    """Turning clockwise on screen (+) lowers a line's image-right end: its tilt (right end
    first) drops by the angle; and the inverse rotation restores the points and their tilt."""
    assume(abs(p[0] - q[0]) >= 1.0)
    right, left = (p, q) if p[0] > q[0] else (q, p)
    tilt = tilt_from_horizontal(right, left)  # + when the right-hand end is higher
    assume(abs(tilt - degrees) < 85.0)  # the right-hand end stays on the right after the turn
    points = np.array([right, left])
    turned = rotate_points(points, degrees, centre)
    assert tilt_from_horizontal(turned[0], turned[1]) == pytest.approx(tilt - degrees, abs=1e-6)
    back = rotate_points(turned, -degrees, centre)
    assert back == pytest.approx(points, abs=1e-6)
    assert tilt_from_horizontal(back[0], back[1]) == pytest.approx(tilt, abs=1e-6)


@pytest.mark.slow  # over 0.1 s on a clean clone: .ci/run runs it, make test keeps its time
@given(point, point, point)
def test_mirroring_keeps_joint_angle_and_tilt(
    a: tuple[float, float], b: tuple[float, float], c: tuple[float, float]
) -> None:
    def mirror(p: tuple[float, float]) -> tuple[float, float]:
        return (1000.0 - p[0], p[1])

    assume(_apart(a, b) and _apart(c, b))
    angle = joint_angle(a, b, c)
    assert joint_angle(mirror(a), mirror(b), mirror(c)) == pytest.approx(angle, abs=1e-6)
    assert tilt_from_horizontal(mirror(a), mirror(b)) == pytest.approx(
        tilt_from_horizontal(a, b), abs=1e-9
    )
