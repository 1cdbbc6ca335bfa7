"""The sideways positions and the shoulder line on real photos with motion-capture joints
(``python -m posecheck.dev real-shifts PHOTOS_FOLDER``).

The shared test photos from Human3.6M come with each joint's motion-capture position projected
into the picture (``annotations/h36m_coco_subset.json``: 17 joints, ``keypoints`` in pixels). For
each standing one, the model's shoulder, hip and ankle points are compared with the motion
capture's in the same picture: the offset of the shoulders' midpoint from the hips' midpoint
(``trunk_shift``'s geometry) and of the hips' midpoint from the ankles' (``pelvis_shift``'s), both
in % of the model's hip width as posecheck reports them, and the shoulder line's angle
(``shoulder_tilt``'s). Both sets of points are in one picture, so the camera's roll cancels: what
is left is the model's own error on a real body. The definitions differ (motion capture's joint
centres, the model's points) but a symmetric difference cancels in a midpoint. The subset names
the two hips the wrong way round against mmpose's order; midpoints and widths do not care, and the
shoulder line is matched to the model's by position.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from posecheck.analysis import Analysis, Analyzer
from posecheck.types import Landmark

#: Human3.6M's joint indices in the subset (its 17-joint order).
_H36M = {"left_hip": 1, "right_hip": 4, "left_ankle": 3, "right_ankle": 6}
_H36M_SHOULDERS = (11, 14)
_SUBSET = "h36m_coco_subset.json"
_NAMES = "filename_map.json"


@dataclass(frozen=True)
class ShiftErrors:
    """One photo: the model's reading, the motion capture's, of each geometry."""

    photo: str
    trunk: tuple[float, float]  # (model, motion capture), % of the model's hip width
    pelvis: tuple[float, float]
    shoulder_line: tuple[float, float]  # degrees, + the image-right shoulder higher


Point = np.ndarray


def _geometry(
    shoulders: tuple[Point, Point],
    hips: tuple[Point, Point],
    ankles: tuple[Point, Point],
    width: float,
) -> tuple[float, float, float]:
    """(trunk offset, pelvis offset, shoulder line angle) of points in one picture."""
    shoulder_mid, hip_mid, ankle_mid = ((a + b) / 2.0 for a, b in (shoulders, hips, ankles))
    right, left = sorted(shoulders, key=lambda p: float(p[0]))[::-1]
    angle = math.degrees(math.atan2(float(left[1] - right[1]), float(right[0] - left[0])))
    return (
        100.0 * float(shoulder_mid[0] - hip_mid[0]) / width,
        100.0 * float(hip_mid[0] - ankle_mid[0]) / width,
        angle,
    )


def references(photos: Path) -> dict[str, dict[str, tuple[Point, Point]]]:
    """The standing photos of the subset: their motion-capture shoulders, hips and ankles."""
    subset = json.loads((photos / "annotations" / _SUBSET).read_text(encoding="utf-8"))
    names = json.loads((photos / "annotations" / _NAMES).read_text(encoding="utf-8"))
    local = names["original_file_name_to_local_file"]
    files = {image["id"]: image["file_name"] for image in subset["images"]}
    out = {}
    for annotation in subset["annotations"]:
        name = local.get(files[annotation["image_id"]], "")
        if "standing" not in name or not (photos / name).is_file():
            continue
        points = np.asarray(annotation["keypoints"], dtype=np.float64).reshape(-1, 3)[:, :2]
        out[name] = {
            "shoulders": (points[_H36M_SHOULDERS[0]], points[_H36M_SHOULDERS[1]]),
            "hips": (points[_H36M["left_hip"]], points[_H36M["right_hip"]]),
            "ankles": (points[_H36M["left_ankle"]], points[_H36M["right_ankle"]]),
        }
    return out


def shift_errors(analyzer: Analyzer, photos: Path) -> list[ShiftErrors]:
    """The model against motion capture on every standing photo of the subset."""
    rows = []
    for name, ref in sorted(references(photos).items()):
        result = analyzer.analyze_path(photos / name)
        if not isinstance(result, Analysis):
            continue
        xy = result.detection.subject.xy
        hips = (xy[Landmark.LEFT_HIP], xy[Landmark.RIGHT_HIP])
        width = float(np.linalg.norm(hips[0] - hips[1]))
        model = _geometry(
            (xy[Landmark.LEFT_SHOULDER], xy[Landmark.RIGHT_SHOULDER]),
            hips,
            (xy[Landmark.LEFT_ANKLE], xy[Landmark.RIGHT_ANKLE]),
            width,
        )
        truth = _geometry(ref["shoulders"], ref["hips"], ref["ankles"], width)
        rows.append(
            ShiftErrors(name, (model[0], truth[0]), (model[1], truth[1]), (model[2], truth[2]))
        )
    return rows


def format_shift_errors(rows: Sequence[ShiftErrors]) -> str:
    lines = [
        "| photo | upper body over hips (model / motion capture / error, % hip width) "
        "| hips over ankles (same) | shoulder line (model / motion capture / error, °) |",
        "|---|---|---|---|",
    ]
    for row in rows:
        cells = [
            f"{m:+.1f} / {t:+.1f} / {m - t:+.1f}" for m, t in (row.trunk, row.pelvis)
        ] + [f"{row.shoulder_line[0]:+.1f} / {row.shoulder_line[1]:+.1f} / "
             f"{row.shoulder_line[0] - row.shoulder_line[1]:+.1f}"]  # fmt: skip
        lines.append(f"| {row.photo} | " + " | ".join(cells) + " |")
    for what, index in (("upper body over hips", 0), ("hips over ankles", 1), ("shoulder line", 2)):
        errors = [abs(model - truth) for model, truth in (_pairs(r)[index] for r in rows)]
        if errors:
            lines.append(
                f"\n{what}: mean |error| {np.mean(errors):.1f}, largest {max(errors):.1f} "
                f"(n = {len(errors)})"
            )
    return "\n".join(lines)


def _pairs(row: ShiftErrors) -> tuple[tuple[float, float], ...]:
    return row.trunk, row.pelvis, row.shoulder_line
