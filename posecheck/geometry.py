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


def _xy(point: Point) -> tuple[float, float]:
    """A 2D point as two Python floats: the angle functions below run per landmark and per video
    frame, where numpy's per-call overhead on two numbers costs several times the arithmetic."""
    x, y = _vec(point).tolist()
    return x, y


def joint_angle(a: Point, b: Point, c: Point) -> float:
    """The angle at ``b`` between ``b→a`` and ``b→c``, 0-180°. NaN when a side has no length."""
    (ax, ay), (bx, by), (cx, cy) = _xy(a), _xy(b), _xy(c)
    bax, bay, bcx, bcy = ax - bx, ay - by, cx - bx, cy - by
    if not ((bax or bay) and (bcx or bcy)):
        return math.nan
    # atan2 of cross and dot stays accurate near 0° and 180°, where acos loses digits.
    cross = bax * bcy - bay * bcx
    return math.degrees(math.atan2(abs(cross), bax * bcx + bay * bcy))


def signed_turn(a: Point, b: Point, c: Point) -> float:
    """Which way the path a→b→c bends at ``b`` in the image: + when it bends clockwise on screen.

    (With y down, a clockwise bend on screen has a positive 2D cross product.)
    """
    (ax, ay), (bx, by), (cx, cy) = _xy(a), _xy(b), _xy(c)
    return (bx - ax) * (cy - by) - (by - ay) * (cx - bx)


def tilt_from_horizontal(first: Point, second: Point) -> float:
    """How far ``first`` sits above ``second``, as the angle of their line against horizontal.

    Positive when ``first`` is higher (smaller y), whichever side of the image it is on, so the
    same formula serves front and back views; −90..90°.
    """
    (px, py), (qx, qy) = _xy(first), _xy(second)
    return math.degrees(math.atan2(qy - py, abs(px - qx)))


def angle_from_vertical(bottom: Point, top: Point) -> float:
    """Angle of the line bottom→top against image-up: + when ``top`` leans to image-right."""
    (bx, by), (tx, ty) = _xy(bottom), _xy(top)
    return math.degrees(math.atan2(tx - bx, by - ty))


def angle_from_horizontal(start: Point, end: Point) -> float:
    """Angle of start→end above image-horizontal, measured on the side ``end`` lies: 0-90°
    when ``end`` is higher, negative when lower; direction (left/right) does not matter."""
    (sx, sy), (ex, ey) = _xy(start), _xy(end)
    return math.degrees(math.atan2(sy - ey, abs(ex - sx)))


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
    return _xy(point)[0] - _xy(reference)[0]
