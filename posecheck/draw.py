"""Overlays: the skeleton and landmarks on an image. The only drawing code in posecheck."""

from __future__ import annotations

import cv2
import numpy as np

from posecheck.types import SKELETON, Landmark, Pose

_VISIBLE = (40, 200, 90)  # RGB
_HIDDEN = (150, 150, 150)
_LEFT = (255, 140, 0)
_RIGHT = (0, 150, 255)
_OTHER_PERSON = (200, 200, 200)


def _line_width(image: np.ndarray) -> int:
    """Thickness that stays legible from small photos to 12 MP ones."""
    return max(1, round(max(int(image.shape[0]), int(image.shape[1])) / 400))


def _side_colour(landmark: Landmark) -> tuple[int, int, int]:
    if landmark.name.startswith("LEFT_"):
        return _LEFT
    if landmark.name.startswith("RIGHT_"):
        return _RIGHT
    return _VISIBLE


def draw_pose(
    rgb: np.ndarray, pose: Pose, *, scale: float = 1.0, others: tuple[Pose, ...] = ()
) -> np.ndarray:
    """A copy of ``rgb`` with the pose drawn on it.

    ``scale`` maps the pose's original-image pixels onto ``rgb`` (the working copy is often
    downscaled). Visible bones are green, hidden ones grey and thin; the person's left points are
    orange, right points blue. Other people found are drawn faintly.
    """
    canvas = np.ascontiguousarray(rgb.copy())
    width = _line_width(canvas)
    for other in others:
        _draw_bones(canvas, other, scale, width, faint=True)
    _draw_bones(canvas, pose, scale, width, faint=False)
    for landmark in Landmark:
        x, y = pose.xy[landmark] * scale
        visible = pose.is_visible(landmark)
        colour = _side_colour(landmark) if visible else _HIDDEN
        radius = width + 2 if visible else width + 1
        cv2.circle(canvas, (round(x), round(y)), radius, colour, -1, cv2.LINE_AA)
    return canvas


def _draw_bones(canvas: np.ndarray, pose: Pose, scale: float, width: int, *, faint: bool) -> None:
    for start, end in SKELETON:
        visible = pose.is_visible(start) and pose.is_visible(end)
        colour = _OTHER_PERSON if faint else (_VISIBLE if visible else _HIDDEN)
        thickness = width if (visible and not faint) else max(1, width // 2)
        a = pose.xy[start] * scale
        b = pose.xy[end] * scale
        cv2.line(
            canvas,
            (round(a[0]), round(a[1])),
            (round(b[0]), round(b[1])),
            colour,
            thickness,
            cv2.LINE_AA,
        )
