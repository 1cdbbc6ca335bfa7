"""Overlays: the skeleton and landmarks on an image. The only drawing code in posecheck."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import TYPE_CHECKING

import cv2
import numpy as np

from posecheck.types import SKELETON, Landmark, Measurement, Pose, Status

if TYPE_CHECKING:  # analysis imports nothing from here; the type is only for annotations
    from posecheck.analysis import Analysis

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


# --- measures ------------------------------------------------------------------------------------

_STATUS_COLOURS: dict[Status, tuple[int, int, int]] = {
    Status.NORMAL: (40, 200, 90),
    Status.MILD: (255, 180, 0),
    Status.MARKED: (230, 40, 40),
}
_REFERENCE = (255, 255, 255)
#: Annotated pictures smaller than this on the long side are enlarged so labels stay legible.
MIN_PICTURE_SIDE = 1000


def _pt(point: np.ndarray) -> tuple[int, int]:
    return round(float(point[0])), round(float(point[1]))


def _label(canvas: np.ndarray, text: str, at: np.ndarray, colour: tuple[int, int, int]) -> None:
    """Text on a dark box, readable on light and dark backgrounds."""
    size = max(int(canvas.shape[0]), int(canvas.shape[1]))
    scale = max(0.4, size / 2400)
    thickness = max(1, round(scale * 1.5))
    (width, height), baseline = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, thickness)
    x = int(min(max(0.0, float(at[0])), canvas.shape[1] - width - 4))
    y = int(min(max(float(height + 4), float(at[1])), canvas.shape[0] - baseline - 4))
    cv2.rectangle(
        canvas, (x - 3, y - height - 4), (x + width + 3, y + baseline + 2), (20, 20, 20), -1
    )
    cv2.putText(
        canvas, text, (x, y), cv2.FONT_HERSHEY_SIMPLEX, scale, colour, thickness, cv2.LINE_AA
    )


def _reference_line(
    canvas: np.ndarray, start: np.ndarray, direction: np.ndarray, length: float, width: int
) -> None:
    """A thin white line, the true horizontal or vertical the angle is measured against."""
    unit = direction / (np.linalg.norm(direction) or 1.0)
    end = start + unit * length
    cv2.line(canvas, _pt(start), _pt(end), _REFERENCE, max(1, width // 2), cv2.LINE_AA)


def _polyline(
    canvas: np.ndarray, points: list[np.ndarray], colour: tuple[int, int, int], width: int
) -> None:
    for a, b in itertools.pairwise(points):
        cv2.line(canvas, _pt(a), _pt(b), colour, width, cv2.LINE_AA)


def draw_measures(
    rgb: np.ndarray,
    pose: Pose,
    measurements: Mapping[str, Measurement],
    *,
    scale: float = 1.0,
    roll_degrees: float = 0.0,
) -> np.ndarray:
    """A copy of ``rgb`` with, for each known measure, the lines and the angle behind it.

    Lines are coloured by status (green normal, amber mild, red marked); the white reference lines
    are the true horizontal and vertical (turned by the camera roll). Small pictures are enlarged to
    ``MIN_PICTURE_SIDE`` first, so the returned picture may be larger than ``rgb``.
    """
    enlarge = max(1.0, MIN_PICTURE_SIDE / max(int(rgb.shape[0]), int(rgb.shape[1])))
    if enlarge > 1.0:
        size = (round(rgb.shape[1] * enlarge), round(rgb.shape[0] * enlarge))
        canvas = cv2.resize(rgb, size, interpolation=cv2.INTER_CUBIC)
    else:
        canvas = np.ascontiguousarray(rgb.copy())
    factor = scale * enlarge
    width = _line_width(canvas)
    theta = np.radians(roll_degrees)
    horizontal = np.array([np.cos(theta), np.sin(theta)])
    up = np.array([np.sin(theta), -np.cos(theta)])
    placed: list[np.ndarray] = []
    for name, measurement in measurements.items():
        if measurement.value is None:
            continue
        points = [pose.xy[lm] * factor for lm in measurement.landmarks]
        colour = _STATUS_COLOURS[measurement.status]
        anchor = _draw_one(canvas, name, points, colour, width, horizontal, up)
        text = f"{name} {measurement.value:+.1f}{_unit_suffix(measurement.unit)}"
        anchor = _free_spot(anchor, placed, step=max(14.0, canvas.shape[0] / 45))
        placed.append(anchor)
        _label(canvas, text, anchor, colour)
    return canvas


def _unit_suffix(unit: str) -> str:
    # OpenCV's built-in fonts have no degree sign.
    return {"deg": " deg", "% hip width": "%", "% body height": "%"}.get(unit, "")


def _free_spot(anchor: np.ndarray, placed: list[np.ndarray], step: float) -> np.ndarray:
    """Move a label down until it no longer sits on another one."""
    spot = anchor.copy()
    while any(abs(spot[1] - p[1]) < step and abs(spot[0] - p[0]) < 12 * step for p in placed):
        spot = spot + np.array([0.0, step])
    return spot


def _draw_one(
    canvas: np.ndarray,
    name: str,
    points: list[np.ndarray],
    colour: tuple[int, int, int],
    width: int,
    horizontal: np.ndarray,
    up: np.ndarray,
) -> np.ndarray:
    """Draw one measure's lines; return where its label goes."""
    if name.endswith("foot_angle"):
        side = 0 if name.startswith("left") else 1
        heel, toe = points[side], points[2 + side]
        _polyline(canvas, [heel, toe], colour, width)
        return np.asarray(toe + np.array([8.0, 0.0]))
    if name.endswith(("knee_angle_frontal", "rearfoot_angle")) or name == "knee_angle_sagittal":
        _polyline(canvas, points[:3], colour, width)
        _reference_line(
            canvas,
            points[0],
            points[2] - points[0],
            float(np.linalg.norm(points[2] - points[0])),
            width,
        )
        return np.asarray(points[1] + np.array([10.0, 0.0]))
    if name in {"pelvic_tilt", "shoulder_tilt", "head_tilt"}:
        a, b = points[0], points[1]
        _polyline(canvas, [a, b], colour, width)
        left = a if a[0] < b[0] else b
        _reference_line(canvas, left, horizontal, abs(float(a[0] - b[0])) * 1.2, width)
        return np.asarray(np.maximum(a, b) + np.array([12.0, 0.0]))
    if name in {"trunk_shift", "pelvis_shift"}:
        upper = (points[0] + points[1]) / 2
        lower = (points[2] + points[3]) / 2
        _polyline(canvas, [lower, upper], colour, width)
        _reference_line(canvas, lower, up, float(np.linalg.norm(upper - lower)), width)
        return np.asarray(upper + np.array([12.0, 0.0]))
    if name == "stance_width":
        _polyline(canvas, [points[0], points[1]], colour, width)
        return np.asarray((points[0] + points[1]) / 2 + np.array([0.0, 30.0]))
    if name in {"forward_head_angle", "trunk_lean"}:
        base, top = points[0], points[1]
        _polyline(canvas, [base, top], colour, width)
        # forward head: the horizontal on the side the ear lies; trunk lean: the vertical
        toward = 1.0 if top[0] >= base[0] else -1.0
        reference = horizontal * toward if name == "forward_head_angle" else up
        _reference_line(canvas, base, reference, float(np.linalg.norm(top - base)), width)
        return np.asarray(top + np.array([12.0, 0.0]))
    if name.startswith("plumb_"):
        joint, ankle = points[0], points[1]
        _reference_line(canvas, ankle, up, float(ankle[1] - points[3][1]) * 1.05, width)
        cv2.circle(canvas, _pt(joint), width + 3, colour, -1, cv2.LINE_AA)
        return np.asarray(joint + np.array([12.0, 0.0]))
    _polyline(canvas, points, colour, width)
    return np.asarray(points[0])


def draw_analysis(analysis: Analysis) -> np.ndarray | None:
    """The annotated picture of an analysis: skeleton, other people faint, measures on top.

    None when there is nothing to draw (the photo could not be read or nobody was found).
    """
    if analysis.image is None or analysis.detection is None:
        return None
    image = analysis.image
    detection = analysis.detection
    others = tuple(p for i, p in enumerate(detection.people) if i != detection.subject_index)
    picture = draw_pose(image.rgb, detection.subject, scale=image.scale, others=others)
    roll = analysis.roll.degrees if analysis.roll and analysis.roll.degrees is not None else 0.0
    return draw_measures(
        picture, detection.subject, analysis.measurements, scale=image.scale, roll_degrees=roll
    )
