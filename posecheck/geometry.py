"""Pure numpy angle and line maths in image coordinates (x right, y down, pixels).

Angles are in degrees. "Up" in an image is −y, so a point with a smaller y is higher.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

Point = npt.ArrayLike


def _vec(point: Point) -> np.ndarray:
    array = np.asarray(point, dtype=np.float64)
    if array.shape != (2,):
        raise ValueError(f"expected a 2D point (x, y), got shape {array.shape}")
    return array


def joint_angle(a: Point, b: Point, c: Point) -> float:
    """The angle at ``b`` between ``b→a`` and ``b→c``, 0-180°. NaN when a side has no length."""
    ba = _vec(a) - _vec(b)
    bc = _vec(c) - _vec(b)
    if not (np.any(ba) and np.any(bc)):
        return math.nan
    # atan2 of cross and dot stays accurate near 0° and 180°, where acos loses digits.
    cross = float(ba[0] * bc[1] - ba[1] * bc[0])
    return math.degrees(math.atan2(abs(cross), float(np.dot(ba, bc))))


def signed_turn(a: Point, b: Point, c: Point) -> float:
    """Which way the path a→b→c bends at ``b`` in the image: + when it bends clockwise on screen.

    (With y down, a clockwise bend on screen has a positive 2D cross product.)
    """
    ab = _vec(b) - _vec(a)
    bc = _vec(c) - _vec(b)
    return float(ab[0] * bc[1] - ab[1] * bc[0])


def tilt_from_horizontal(first: Point, second: Point) -> float:
    """How far ``first`` sits above ``second``, as the angle of their line against horizontal.

    Positive when ``first`` is higher (smaller y), whichever side of the image it is on, so the
    same formula serves front and back views; −90..90°.
    """
    p = _vec(first)
    q = _vec(second)
    run = abs(float(p[0] - q[0]))
    rise = float(q[1] - p[1])
    return math.degrees(math.atan2(rise, run))


def angle_from_vertical(bottom: Point, top: Point) -> float:
    """Angle of the line bottom→top against image-up: + when ``top`` leans to image-right."""
    b = _vec(bottom)
    t = _vec(top)
    return math.degrees(math.atan2(float(t[0] - b[0]), float(b[1] - t[1])))


def angle_from_horizontal(start: Point, end: Point) -> float:
    """Angle of start→end above image-horizontal, measured on the side ``end`` lies: 0-90°
    when ``end`` is higher, negative when lower; direction (left/right) does not matter."""
    s = _vec(start)
    e = _vec(end)
    return math.degrees(math.atan2(float(s[1] - e[1]), abs(float(e[0] - s[0]))))


def rotate_points(points: npt.ArrayLike, degrees: float, centre: Point) -> np.ndarray:
    """Rotate (N, 2) image points by ``degrees`` about ``centre``; + turns clockwise on screen."""
    array = np.asarray(points, dtype=np.float64)
    if array.ndim != 2 or array.shape[1] != 2:
        raise ValueError(f"expected points of shape (N, 2), got {array.shape}")
    theta = math.radians(degrees)
    # With y down, the standard rotation matrix turns clockwise on screen for positive angles.
    rotation = np.array([[math.cos(theta), -math.sin(theta)], [math.sin(theta), math.cos(theta)]])
    c = _vec(centre)
    rotated: np.ndarray = (array - c) @ rotation.T + c
    return rotated


def horizontal_offset(point: Point, reference: Point) -> float:
    """Signed horizontal distance point − reference, pixels (+ = to image-right)."""
    return float(_vec(point)[0] - _vec(reference)[0])
