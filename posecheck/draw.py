"""Overlays: the skeleton and landmarks on an image. The only drawing code in posecheck."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

import cv2
import numpy as np

from posecheck.bodymap import NOT_JUDGED, OKABE_ITO, SHORT_WORDS, status_marker
from posecheck.measures import (
    MEASURES_BY_NAME,
    DrawKind,
    Measurement,
    MeasureName,
    upright_degrees,
)
from posecheck.roll import roll_to_undo
from posecheck.types import SKELETON, VISIBILITY_THRESHOLD, Landmark, Pose, Status, View

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
    orange, right points blue. Other people found are drawn faintly. (It runs on every live
    frame: the points and their visibility are worked out once, with numpy.)
    """
    canvas = np.ascontiguousarray(rgb.copy())
    width = _line_width(canvas)
    for other in others:
        _draw_bones(canvas, other, scale, width, faint=True)
    points, visible = _draw_bones(canvas, pose, scale, width, faint=False)
    for index, (point, seen) in enumerate(zip(points, visible, strict=True)):
        colour = _POINT_COLOURS[index] if seen else _HIDDEN
        cv2.circle(canvas, point, width + 2 if seen else width + 1, colour, -1, cv2.LINE_AA)
    return canvas


#: Each landmark's colour when visible, in MediaPipe order.
_POINT_COLOURS = tuple(_side_colour(landmark) for landmark in Landmark)
_BONES = tuple((int(start), int(end)) for start, end in SKELETON)


def _points_and_visibility(pose: Pose, scale: float) -> tuple[list[tuple[int, int]], list[bool]]:
    """Each landmark's pixel in the canvas (rounded as ``round`` does) and ``Pose.is_visible``
    for all of them at once."""
    width, height = pose.image_size
    x, y = pose.xy[:, 0], pose.xy[:, 1]
    inside = (x >= 0.0) & (x < width) & (y >= 0.0) & (y < height)
    visible = inside & (pose.visibility >= VISIBILITY_THRESHOLD)
    pixels = np.rint(pose.xy * scale).astype(np.int64).tolist()
    return [(a, b) for a, b in pixels], visible.tolist()


def _draw_bones(
    canvas: np.ndarray, pose: Pose, scale: float, width: int, *, faint: bool
) -> tuple[list[tuple[int, int]], list[bool]]:
    """Draw the bones; returns the points and their visibility for the caller to reuse."""
    points, visible = _points_and_visibility(pose, scale)
    thin = max(1, width // 2)
    for start, end in _BONES:
        seen = visible[start] and visible[end]
        colour = _OTHER_PERSON if faint else (_VISIBLE if seen else _HIDDEN)
        thickness = width if (seen and not faint) else thin
        cv2.line(canvas, points[start], points[end], colour, thickness, cv2.LINE_AA)
    return points, visible


# --- measures ------------------------------------------------------------------------------------

_STATUS_COLOURS: dict[Status, tuple[int, int, int]] = {
    Status.NORMAL: (40, 200, 90),
    Status.POSSIBLE: (120, 190, 230),
    Status.MILD: (255, 180, 0),
    Status.MARKED: (230, 40, 40),
    Status.UNKNOWN: (160, 160, 160),  # a reading shown but not judged (held, or experimental)
}
_REFERENCE = (255, 255, 255)
#: Annotated pictures smaller than this on the long side are enlarged so labels stay legible.
MIN_PICTURE_SIDE = 1000


def _pt(point: np.ndarray) -> tuple[int, int]:
    return round(float(point[0])), round(float(point[1]))


def _label_layout(
    canvas: np.ndarray, text: str, at: np.ndarray, lead: bool = False
) -> tuple[float, int, tuple[int, int], tuple[int, int, int, int]]:
    """Where a label goes: font scale, thickness, the text's origin and its box (x0, y0, x1, y1),
    kept inside the picture; with ``lead``, the box starts with a square's room for a mark."""
    size = max(int(canvas.shape[0]), int(canvas.shape[1]))
    scale = max(0.4, size / 2400)
    thickness = max(1, round(scale * 1.5))
    (width, height), baseline = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, thickness)
    room = height + baseline + 6 if lead else 0
    x = int(min(max(0.0, float(at[0])), canvas.shape[1] - width - room - 4))
    y = int(min(max(float(height + 4), float(at[1])), canvas.shape[0] - baseline - 4))
    box = (x - 3, y - height - 4, x + room + width + 3, y + baseline + 2)
    return scale, thickness, (x + room, y), box


def _label(
    canvas: np.ndarray,
    text: str,
    at: np.ndarray,
    colour: tuple[int, int, int],
    lead: bool = False,
) -> tuple[int, int, int, int]:
    """Text on a dark box, readable on light and dark backgrounds (``lead``: with room for a
    mark before the text); returns the box."""
    scale, thickness, origin, (x0, y0, x1, y1) = _label_layout(canvas, text, at, lead)
    cv2.rectangle(canvas, (x0, y0), (x1, y1), (20, 20, 20), -1)
    cv2.putText(
        canvas, text, origin, cv2.FONT_HERSHEY_SIMPLEX, scale, colour, thickness, cv2.LINE_AA
    )
    return x0, y0, x1, y1


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
    measurements: Mapping[MeasureName, Measurement],
    *,
    scale: float = 1.0,
    roll_degrees: float = 0.0,
    vertical_degrees: float | None = None,
    lines: bool = True,
    labels: bool = True,
    status_marks: bool = False,
) -> np.ndarray:
    """A copy of ``rgb`` with, for each known measure, the lines and the value behind it
    (``lines`` and ``labels`` switch either off; the picture keeps its size). With
    ``status_marks``, the status is told as the body map tells it, not by colour alone: lines
    and labels in the Okabe-Ito colours, each label led by the status's shape and ended by its
    words.

    What is drawn comes from the measure's row (``MeasureSpec.drawing``). Lines are coloured by
    status (green normal, amber mild, red marked; grey for a reading the report does not judge:
    held, or experimental, whose label says "not judged"); the white reference lines are the true
    horizontal and vertical, turned by ``roll_degrees`` (pass the roll the measures used, 0 when
    they used none); the vertical by ``vertical_degrees`` where given (the roll the measures
    against the true vertical used: ``measures.upright_degrees``). Small pictures are enlarged
    to ``MIN_PICTURE_SIDE`` first, so the returned picture may be larger than ``rgb``.
    """
    enlarge = max(1.0, MIN_PICTURE_SIDE / max(int(rgb.shape[0]), int(rgb.shape[1])))
    if enlarge > 1.0:
        size = (round(rgb.shape[1] * enlarge), round(rgb.shape[0] * enlarge))
        canvas = cv2.resize(rgb, size, interpolation=cv2.INTER_CUBIC)
    else:
        canvas = np.ascontiguousarray(rgb.copy())
    factor = scale * enlarge
    # without lines, the drawers draw on a scrap copy and only say where each label goes
    upright = roll_degrees if vertical_degrees is None else vertical_degrees
    pen = _Pen(canvas if lines else canvas.copy(), _line_width(canvas), roll_degrees, upright)
    placed: list[tuple[np.ndarray, tuple[int, int, int, int]]] = []
    for name, measurement in measurements.items():
        if measurement.value is None:
            continue
        spec = MEASURES_BY_NAME[name]
        drawing = spec.drawing
        points = [xy * factor for xy in drawing.positions(pose.xy, measurement.view or View.FRONT)]
        status, words = measurement.status, SHORT_WORDS[measurement.status]
        if measurement.held or not spec.for_findings:
            # the report never judges it: not a warning's colour, nor a reassuring tick
            status, words = Status.UNKNOWN, NOT_JUDGED
        colour = OKABE_ITO[status] if status_marks else _STATUS_COLOURS[status]
        anchor = _DRAWERS[drawing.kind](pen, points, colour)
        if not labels:
            continue
        text = f"{spec.label} {measurement.value:+.1f}{measurement.unit.ascii_suffix}"
        if status_marks:
            text = f"{text} ({words})"
        box_at = _box_of(canvas, text, status_marks)
        anchor = _free_spot(anchor, placed, step=max(14.0, canvas.shape[0] / 45), box=box_at)
        placed.append((anchor, box_at(anchor)))
        box = _label(canvas, text, anchor, colour, status_marks)
        if status_marks:  # the shape in the room left before the words
            radius = max(4, (box[3] - box[1]) // 2 - 3)
            centre = (box[0] + 4 + radius, (box[1] + box[3]) // 2)
            status_marker(canvas, status, centre, radius)
    return canvas


def _box_of(
    canvas: np.ndarray, text: str, lead: bool = False
) -> Callable[[np.ndarray], tuple[int, int, int, int]]:
    """The box a label with ``text`` would cover at a given anchor."""
    return lambda at: _label_layout(canvas, text, at, lead)[3]


def _free_spot(
    anchor: np.ndarray,
    placed: list[tuple[np.ndarray, tuple[int, int, int, int]]],
    step: float,
    box: Callable[[np.ndarray], tuple[int, int, int, int]],
) -> np.ndarray:
    """Move a label down until it no longer sits on another one: near another's anchor, or its
    box (kept inside the picture) over another's box."""
    spot = anchor.copy()
    for _ in range(200):  # a picture holds a few dozen labels at most
        near = any(
            abs(spot[1] - p[1]) < step and abs(spot[0] - p[0]) < 12 * step for p, _ in placed
        )
        if not near and not any(_overlap(box(spot), other) for _, other in placed):
            break
        spot = spot + np.array([0.0, step])
    return spot


def _overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


class _Pen:
    """The canvas, the line width and the true horizontal and vertical (each turned by the roll
    undone for it)."""

    def __init__(
        self, canvas: np.ndarray, width: int, roll_degrees: float, vertical_degrees: float
    ) -> None:
        self.canvas = canvas
        self.width = width
        theta = np.radians(roll_degrees)
        self.horizontal = np.array([np.cos(theta), np.sin(theta)])
        phi = np.radians(vertical_degrees)
        self.up = np.array([np.sin(phi), -np.cos(phi)])

    def lines(self, points: list[np.ndarray], colour: tuple[int, int, int]) -> None:
        _polyline(self.canvas, points, colour, self.width)

    def reference(self, start: np.ndarray, direction: np.ndarray, length: float) -> None:
        _reference_line(self.canvas, start, direction, length, self.width)


_Points = list[np.ndarray]


def _segment(pen: _Pen, points: _Points, colour: tuple[int, int, int]) -> np.ndarray:
    pen.lines(points, colour)
    return np.asarray(points[1] + np.array([8.0, 0.0]))


def _distance(pen: _Pen, points: _Points, colour: tuple[int, int, int]) -> np.ndarray:
    pen.lines(points, colour)
    return np.asarray((points[0] + points[1]) / 2 + np.array([0.0, 30.0]))


def _joint_angle(pen: _Pen, points: _Points, colour: tuple[int, int, int]) -> np.ndarray:
    start, joint, end = points
    pen.lines(points, colour)
    pen.reference(start, end - start, float(np.linalg.norm(end - start)))
    return np.asarray(joint + np.array([10.0, 0.0]))


def _level(pen: _Pen, points: _Points, colour: tuple[int, int, int]) -> np.ndarray:
    a, b = points
    pen.lines(points, colour)
    left = a if a[0] < b[0] else b
    pen.reference(left, pen.horizontal, abs(float(a[0] - b[0])) * 1.2)
    return np.asarray(np.maximum(a, b) + np.array([12.0, 0.0]))


def _shift(pen: _Pen, points: _Points, colour: tuple[int, int, int]) -> np.ndarray:
    upper = (points[0] + points[1]) / 2
    lower = (points[2] + points[3]) / 2
    pen.lines([lower, upper], colour)
    pen.reference(lower, pen.up, float(np.linalg.norm(upper - lower)))
    return np.asarray(upper + np.array([12.0, 0.0]))


def _against_horizontal(pen: _Pen, points: _Points, colour: tuple[int, int, int]) -> np.ndarray:
    base, top = points
    pen.lines(points, colour)
    toward = 1.0 if top[0] >= base[0] else -1.0  # the horizontal on the side the top lies
    pen.reference(base, pen.horizontal * toward, float(np.linalg.norm(top - base)))
    return np.asarray(top + np.array([12.0, 0.0]))


def _against_vertical(pen: _Pen, points: _Points, colour: tuple[int, int, int]) -> np.ndarray:
    base, top = points
    pen.lines(points, colour)
    pen.reference(base, pen.up, float(np.linalg.norm(top - base)))
    return np.asarray(top + np.array([12.0, 0.0]))


def _plumb(pen: _Pen, points: _Points, colour: tuple[int, int, int]) -> np.ndarray:
    joint, ankle, ear = points
    pen.reference(ankle, pen.up, float(ankle[1] - ear[1]) * 1.05)
    cv2.circle(pen.canvas, _pt(joint), pen.width + 3, colour, -1, cv2.LINE_AA)
    return np.asarray(joint + np.array([12.0, 0.0]))


#: One drawer per kind of drawing; each draws and returns where the label goes.
_DRAWERS: Mapping[DrawKind, Callable[[_Pen, _Points, tuple[int, int, int]], np.ndarray]] = {
    DrawKind.SEGMENT: _segment,
    DrawKind.DISTANCE: _distance,
    DrawKind.JOINT_ANGLE: _joint_angle,
    DrawKind.LEVEL: _level,
    DrawKind.SHIFT: _shift,
    DrawKind.AGAINST_HORIZONTAL: _against_horizontal,
    DrawKind.AGAINST_VERTICAL: _against_vertical,
    DrawKind.PLUMB: _plumb,
}


def draw_analysis(
    analysis: Analysis,
    *,
    skeleton: bool = True,
    lines: bool = True,
    labels: bool = True,
    status_marks: bool = False,
) -> np.ndarray:
    """The annotated picture of an analysis: skeleton, other people faint, measures on top.

    ``skeleton``, ``lines`` (each measure's lines) and ``labels`` (each measure's name and value)
    are layers that can be switched off; the picture's size does not change; ``status_marks``
    tells each measure's status by shape, colour and words (see :func:`draw_measures`). The
    reference lines turn by the camera roll only when the measures used it (a roll estimate too
    unsure to correct the measures is not drawn either).
    """
    image = analysis.image
    detection = analysis.detection
    others = tuple(p for i, p in enumerate(detection.people) if i != detection.subject_index)
    picture = (
        draw_pose(image.rgb, detection.subject, scale=image.scale, others=others)
        if skeleton
        else image.rgb
    )
    return draw_measures(
        picture,
        detection.subject,
        analysis.measurements,
        scale=image.scale,
        roll_degrees=roll_to_undo(analysis.roll).degrees,
        vertical_degrees=upright_degrees(detection.subject, analysis.roll),
        lines=lines,
        labels=labels,
        status_marks=status_marks,
    )
