"""How far the model's own foot points limit the foot angle: a floor no camera estimate can beat.

posecheck reads a foot's angle from the model's heel and foot-tip points, after estimating what
the photo does not say: the camera's roll, its angle down onto the floor, the body's turn. On a
render all of those are known. Here each front render's model points are put back onto the
floor through the render's *true* camera (each point on the level of its true 3D point), and the
foot's angle is read there, against the person's true forward direction: the camera geometry is
then exact, and what error is left is the model's placement of the two points (and the render's
foot axis, which runs a few degrees off the heel-to-tip line: the mean offset is shown apart).

Reported beside posecheck's own reading of the same feet (those it reported, on photos judged as
posture photos): the MAE as read through the true camera, with its mean offset taken off, and
with the best straight line from that reading to the truth taken off (fitted on the same feet:
an optimistic floor).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from posecheck.analysis import Analysis, Analyzer
from posecheck.dev.screening import base_and_turn, read_renders
from posecheck.measures import MeasureName
from posecheck.types import Landmark, Side

_FEET: Mapping[Side, tuple[MeasureName, Landmark, Landmark]] = {
    Side.LEFT: (MeasureName.LEFT_FOOT_ANGLE, Landmark.LEFT_HEEL, Landmark.LEFT_FOOT_INDEX),
    Side.RIGHT: (MeasureName.RIGHT_FOOT_ANGLE, Landmark.RIGHT_HEEL, Landmark.RIGHT_FOOT_INDEX),
}


@dataclass(frozen=True)
class Camera:
    """A render's pinhole camera: ``X_cam = R @ X_world + t``, pixels ``K @ X_cam``."""

    k: np.ndarray
    r: np.ndarray
    t: np.ndarray

    @classmethod
    def from_truth(cls, truth: Mapping[str, object]) -> Camera:
        camera = truth["camera"]
        assert isinstance(camera, Mapping)
        return cls(
            np.asarray(camera["intrinsics"]["K"], dtype=float),
            np.asarray(camera["extrinsics"]["R"], dtype=float),
            np.asarray(camera["extrinsics"]["t"], dtype=float),
        )

    def project(self, point: np.ndarray) -> np.ndarray:
        seen = self.k @ (self.r @ point + self.t)
        projected: np.ndarray = seen[:2] / seen[2]
        return projected

    def on_level(self, pixel: np.ndarray, height: float) -> np.ndarray:
        """The world point seen at ``pixel`` that lies ``height`` metres above the floor."""
        # R is stored rounded, so it is inverted rather than transposed
        ray = np.linalg.solve(self.r, np.linalg.solve(self.k, np.array([pixel[0], pixel[1], 1.0])))
        centre = -np.linalg.solve(self.r, self.t)
        if abs(ray[2]) < 1e-12:
            raise ValueError("the pixel's ray runs level with the floor")
        point: np.ndarray = centre + (height - centre[2]) / ray[2] * ray
        return point


def world_foot_angle(heel: np.ndarray, toe: np.ndarray, side: Side) -> float:
    """The foot's angle on the floor (degrees, + toe out) in the renders' world: the person faces
    -y and +x is their left."""
    foot = toe - heel
    outward = foot[0] if side is Side.LEFT else -foot[0]
    return math.degrees(math.atan2(outward, -foot[1]))


@dataclass(frozen=True)
class FootReading:
    """One foot of one front render: its truth, posecheck's reading, the true-camera reading."""

    render: str
    side: Side
    true: float
    posecheck: float
    true_camera: float


def read_feet(analyzer: Analyzer, image: Path) -> list[FootReading]:
    """The feet of a front render that posecheck judged and read; [] for any other render."""
    truth = json.loads(image.with_suffix(".json").read_text(encoding="utf-8"))
    view, _ = base_and_turn(float(truth["camera"]["yaw_deg"]))
    if view != "front":
        return []
    result = analyzer.analyze_path(image)
    if not isinstance(result, Analysis) or not result.judged:
        return []
    camera = Camera.from_truth(truth)
    points = truth["keypoints_3d"]
    xy = result.detection.subject.xy
    rows = []
    for side, (measure, heel, toe) in _FEET.items():
        true = truth["all_measures"]["square_on"].get(measure.value)
        reading = result.measurements.get(measure)
        if true is None or reading is None or reading.value is None:
            continue
        heel_height = float(points[heel.name.lower()][2])
        toe_height = float(points[toe.name.lower()][2])
        angle = world_foot_angle(
            camera.on_level(xy[heel], heel_height), camera.on_level(xy[toe], toe_height), side
        )
        rows.append(FootReading(image.name, side, float(true), float(reading.value), angle))
    return rows


def read_set(
    analyzer: Analyzer, folder: Path, progress: Callable[[int, int, str], None] | None = None
) -> list[FootReading]:
    return read_renders(analyzer, folder, read_feet, progress)


@dataclass(frozen=True)
class FloorSummary:
    feet: int
    posecheck_mae: float
    true_camera_mae: float
    #: the true-camera reading less its mean offset from the truth
    offset_removed_mae: float
    mean_offset: float
    #: the truth predicted from the true-camera reading by the best line, fitted on these feet
    best_line_mae: float
    error_sd: float


def summarise(rows: Iterable[FootReading]) -> FloorSummary | None:
    feet = list(rows)
    if len(feet) < 3:
        return None
    true = np.array([r.true for r in feet])
    ours = np.array([r.posecheck for r in feet])
    seen = np.array([r.true_camera for r in feet])
    offset = float(np.mean(seen - true))
    slope, intercept = np.polyfit(seen, true, 1)
    return FloorSummary(
        feet=len(feet),
        posecheck_mae=float(np.mean(np.abs(ours - true))),
        true_camera_mae=float(np.mean(np.abs(seen - true))),
        offset_removed_mae=float(np.mean(np.abs(seen - offset - true))),
        mean_offset=offset,
        best_line_mae=float(np.mean(np.abs(slope * seen + intercept - true))),
        error_sd=float(np.std(seen - true)),
    )


def format_summary(folder: Path, summary: FloorSummary | None, model: str) -> str:
    if summary is None:
        return f"{folder}: too few front renders judged and read (need 3 feet)."
    s = summary
    return "\n".join(
        [
            f"foot angle on {folder} ({s.feet} feet of front renders judged as posture photos, "
            f"model {model})",
            f"  posecheck, as reported:                         MAE {s.posecheck_mae:.2f}°",
            f"  the model's points through the true camera:     MAE {s.true_camera_mae:.2f}°"
            f" (error SD {s.error_sd:.2f}°)",
            f"  the same less its mean offset:                  MAE {s.offset_removed_mae:.2f}°"
            f" (offset {s.mean_offset:+.2f}°)",
            f"  the same through the best line (fitted here):   MAE {s.best_line_mae:.2f}°",
        ]
    )
