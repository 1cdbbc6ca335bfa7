"""True values of posecheck's measures, computed on the posed 3D body (see TRUTH.md).

World frame (anny's, after standing the body on the floor): metres, z up, the floor at z = 0,
+x the person's left, the person faces −y. The body is never turned about z: the pelvis always
faces −y, so the frontal plane is x-z, the sagittal plane y-z and the floor plane x-y. The camera
moves round the body instead.

Pure numpy: no torch, no renderer.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

Points = Mapping[str, np.ndarray]

SQUARE_ON = ("front", "back")
SIDE_ON = ("left", "right")

#: Every measure, in the order written to JSON, with the views posecheck measures it in.
MEASURE_VIEWS: dict[str, tuple[str, ...]] = {
    "left_foot_angle": ("front",),
    "right_foot_angle": ("front",),
    "left_knee_angle_frontal": SQUARE_ON,
    "right_knee_angle_frontal": SQUARE_ON,
    "pelvic_tilt": SQUARE_ON,
    "shoulder_tilt": SQUARE_ON,
    "head_tilt": ("front",),
    "trunk_shift": SQUARE_ON,
    "pelvis_shift": SQUARE_ON,
    "stance_width": SQUARE_ON,
    "left_rearfoot_angle": ("back",),
    "right_rearfoot_angle": ("back",),
    "forward_head_angle": SIDE_ON,
    "knee_angle_sagittal": SIDE_ON,
    "trunk_lean": SIDE_ON,
    "plumb_ear": SIDE_ON,
    "plumb_shoulder": SIDE_ON,
    "plumb_hip": SIDE_ON,
    "plumb_knee": SIDE_ON,
}


def frontal(p: np.ndarray) -> np.ndarray:
    """(toward the person's left, up)."""
    return np.array([p[0], p[2]], dtype=float)


def sagittal(p: np.ndarray) -> np.ndarray:
    """(forward, up)."""
    return np.array([-p[1], p[2]], dtype=float)


def on_floor(p: np.ndarray) -> np.ndarray:
    """(toward the person's left, forward)."""
    return np.array([p[0], -p[1]], dtype=float)


def _angle_at(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> float:
    """The angle a-b-c at b, degrees (2D points)."""
    u, v = a - b, c - b
    cos = float(u @ v / (np.linalg.norm(u) * np.linalg.norm(v)))
    return math.degrees(math.acos(max(-1.0, min(1.0, cos))))


def _side_of_line(point: np.ndarray, start: np.ndarray, end: np.ndarray) -> float:
    """Signed first-coordinate offset of ``point`` from the line start→end at the point's height.

    + when the point lies toward + of the first coordinate (the person's left in the frontal
    plane, forward in the sagittal plane).
    """
    direction = end - start
    if abs(direction[1]) < 1e-12:
        return 0.0
    along = (point[1] - start[1]) / direction[1]
    return float(point[0] - (start[0] + along * direction[0]))


def foot_angle(heel: np.ndarray, toe: np.ndarray, side: str) -> float:
    """Heel→toe against the forward direction on the floor, + toe-out."""
    f = on_floor(toe) - on_floor(heel)
    outward = 1.0 if side == "left" else -1.0
    return math.degrees(math.atan2(outward * f[0], f[1]))


def knee_frontal(hip: np.ndarray, knee: np.ndarray, ankle: np.ndarray, side: str) -> float:
    """180 − hip-knee-ankle in the frontal plane, + valgus (knee toward the midline)."""
    h, k, a = frontal(hip), frontal(knee), frontal(ankle)
    bend = 180.0 - _angle_at(h, k, a)
    medial = -1.0 if side == "left" else 1.0
    return bend if _side_of_line(k, h, a) * medial >= 0 else -bend


def rearfoot(knee: np.ndarray, ankle: np.ndarray, heel: np.ndarray, side: str) -> float:
    """Heel axis (ankle→heel) against the lower-leg axis (knee→ankle), frontal plane,
    + eversion (the heel out of line toward the person's outside)."""
    k, a, h = frontal(knee), frontal(ankle), frontal(heel)
    bend = 180.0 - _angle_at(k, a, h)
    lateral = 1.0 if side == "left" else -1.0
    return bend if _side_of_line(h, k, a) * lateral >= 0 else -bend


def tilt(left: np.ndarray, right: np.ndarray) -> float:
    """The right→left line against horizontal in the frontal plane, + left higher."""
    lf, rf = frontal(left), frontal(right)
    return math.degrees(math.atan2(lf[1] - rf[1], lf[0] - rf[0]))


def knee_sagittal(hip: np.ndarray, knee: np.ndarray, ankle: np.ndarray) -> float:
    """180 − hip-knee-ankle in the sagittal plane, + hyperextension (knee behind the line)."""
    h, k, a = sagittal(hip), sagittal(knee), sagittal(ankle)
    bend = 180.0 - _angle_at(h, k, a)
    return bend if _side_of_line(k, h, a) <= 0 else -bend


def square_on_measures(kp: Points, second_toes: Points) -> dict[str, float]:
    """Front/back measures (every one of them, whatever the view)."""
    hip_l, hip_r = kp["left_hip"], kp["right_hip"]
    hip_width = float(np.linalg.norm(frontal(hip_l) - frontal(hip_r)))

    def mid_x(a: str, b: str) -> float:
        return float((kp[a][0] + kp[b][0]) / 2)

    out: dict[str, float] = {}
    for side in ("left", "right"):
        out[f"{side}_foot_angle"] = foot_angle(kp[f"{side}_heel"], second_toes[side], side)
    for side in ("left", "right"):
        out[f"{side}_knee_angle_frontal"] = knee_frontal(
            kp[f"{side}_hip"], kp[f"{side}_knee"], kp[f"{side}_ankle"], side
        )
    out["pelvic_tilt"] = tilt(hip_l, hip_r)
    out["shoulder_tilt"] = tilt(kp["left_shoulder"], kp["right_shoulder"])
    # Tilting the head toward the left shoulder lowers the left eye.
    out["head_tilt"] = -tilt(kp["left_eye"], kp["right_eye"])
    out["trunk_shift"] = (
        100.0 * (mid_x("left_shoulder", "right_shoulder") - mid_x("left_hip", "right_hip"))
    ) / hip_width
    out["pelvis_shift"] = (
        100.0 * (mid_x("left_hip", "right_hip") - mid_x("left_ankle", "right_ankle")) / hip_width
    )
    ankles = float(np.linalg.norm(frontal(kp["left_ankle"]) - frontal(kp["right_ankle"])))
    out["stance_width"] = ankles / hip_width
    for side in ("left", "right"):
        out[f"{side}_rearfoot_angle"] = rearfoot(
            kp[f"{side}_knee"], kp[f"{side}_ankle"], kp[f"{side}_heel"], side
        )
    return out


def side_measures(kp: Points, near: str, stature: float) -> dict[str, float]:
    """Side-view measures on the ``near`` side ("left" or "right")."""

    def p(joint: str) -> np.ndarray:
        return sagittal(kp[f"{near}_{joint}"])

    shoulder, ear, hip, ankle = p("shoulder"), p("ear"), p("hip"), p("ankle")
    out: dict[str, float] = {
        "forward_head_angle": math.degrees(math.atan2(ear[1] - shoulder[1], ear[0] - shoulder[0])),
        "knee_angle_sagittal": knee_sagittal(
            kp[f"{near}_hip"], kp[f"{near}_knee"], kp[f"{near}_ankle"]
        ),
        "trunk_lean": math.degrees(math.atan2(shoulder[0] - hip[0], shoulder[1] - hip[1])),
    }
    for joint in ("ear", "shoulder", "hip", "knee"):
        out[f"plumb_{joint}"] = float(100.0 * (p(joint)[0] - ankle[0]) / stature)
    return out


def all_measures(kp: Points, second_toes: Points, stature: float) -> dict[str, dict[str, float]]:
    """Every measure the body has: square-on ones, and side ones seen from either side."""
    return {
        "square_on": square_on_measures(kp, second_toes),
        "left_side": side_measures(kp, "left", stature),
        "right_side": side_measures(kp, "right", stature),
    }


def measures_for_view(
    everything: Mapping[str, Mapping[str, float]], view: str, digits: int = 3
) -> dict[str, float | None]:
    """posecheck's measures as the ``view`` can take them; None where it cannot."""
    source: Mapping[str, float]
    if view in SQUARE_ON:
        source = everything["square_on"]
    elif view in SIDE_ON:
        source = everything[f"{view}_side"]
    else:
        source = {}
    return {
        # "+ 0.0" turns a rounded -0.0 into 0.0.
        name: (
            round(float(source[name]), digits) + 0.0 if view in views and name in source else None
        )
        for name, views in MEASURE_VIEWS.items()
    }
