"""Pose -> Measurements. The conventions live in one table (``MEASURES``); each measure's
arithmetic is one small function.

Names and signs follow MEASURES.md (a contract). Landmarks are the person's anatomical ones;
"near" means the side facing the camera in a side view. Measures taken against the horizontal or
vertical are corrected for the camera's roll first. A measure whose landmarks are not visible is
``unknown`` with the reason, never a number.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from posecheck.calibration import Calibration, load_calibrations
from posecheck.geometry import joint_angle, rotate_points, tilt_from_horizontal
from posecheck.roll import usable_roll
from posecheck.types import (
    VISIBILITY_THRESHOLD,
    CameraRoll,
    Landmark,
    Measurement,
    Pose,
    Status,
    View,
)
from posecheck.views import ViewEstimate, posture

SQUARE_ON = frozenset({View.FRONT, View.BACK})


def mirrored_name(name: str) -> str:
    """The measure a mirror image turns this one into: ``left_*`` <-> ``right_*``, others kept."""
    if name.startswith("left_"):
        return "right_" + name.removeprefix("left_")
    if name.startswith("right_"):
        return "left_" + name.removeprefix("right_")
    return name


#: Measures the renders cannot give a true value for (the renderer does not pose the heel under
#: the ankle), so no correction is fitted for them and their error is not validated.
UNVALIDATED = frozenset({"left_rearfoot_angle", "right_rearfoot_angle"})
#: Signed left/right measures: a mirror image flips their sign (MEASURES.md).
SIGNED_LATERAL = frozenset(
    {"pelvic_tilt", "shoulder_tilt", "head_tilt", "trunk_shift", "pelvis_shift"}
)
SIDE_ON = frozenset({View.LEFT, View.RIGHT})

#: Foot length as a share of stature (anthropometric average, about 0.15).
FOOT_TO_STATURE = 0.15
#: Ear height as a share of stature (the tragus sits about 7 % below the vertex).
EAR_TO_STATURE = 0.93


@dataclass(frozen=True)
class Frame:
    """A pose made ready for measuring: roll undone, view known, directions resolved.

    ``xy`` is the pose's landmarks rotated by ``-roll`` about the image centre, so that image
    vertical is true vertical. ``left_dir`` is +1 when the person's left lies toward image-right
    (front view), −1 when toward image-left (back view); ``forward_dir`` is +1 when the person faces
    image-right (right view), −1 when image-left (left view).
    """

    pose: Pose
    xy: np.ndarray
    view: View

    def p(self, landmark: Landmark) -> np.ndarray:
        point: np.ndarray = self.xy[landmark]
        return point

    @property
    def left_dir(self) -> float:
        dx = self.xy[Landmark.LEFT_HIP, 0] - self.xy[Landmark.RIGHT_HIP, 0]
        if dx == 0:
            return 1.0 if self.view is View.FRONT else -1.0
        return float(np.sign(dx))

    @property
    def forward_dir(self) -> float:
        return -1.0 if self.view is View.LEFT else 1.0

    @property
    def near(self) -> str:
        """The side facing the camera in a side view."""
        return "left" if self.view is View.LEFT else "right"

    def hip_width(self) -> float:
        return float(np.linalg.norm(self.p(Landmark.LEFT_HIP) - self.p(Landmark.RIGHT_HIP)))

    def mid(self, a: Landmark, b: Landmark) -> np.ndarray:
        midpoint: np.ndarray = (self.p(a) + self.p(b)) / 2
        return midpoint


Compute = Callable[[Frame], float]


@dataclass(frozen=True)
class MeasureSpec:
    """One measure's conventions, as data.

    ``landmarks`` may use ``{near}`` (the camera side in side views). The status is ``normal``
    within ``normal`` widened by ``known_error`` on both sides; ``mild`` up to ``marked_step``
    beyond that; ``marked`` further out. ``vertical`` is True when the measure is taken against the
    true horizontal or vertical (so the camera roll matters).
    """

    name: str
    unit: str
    views: frozenset[View]
    landmarks: tuple[str, ...]
    sign: str
    normal: tuple[float, float]
    known_error: float
    marked_step: float
    vertical: bool
    reference: str
    compute: Compute

    def resolve(self, view: View) -> tuple[Landmark, ...]:
        near = "left" if view is View.LEFT else "right"
        return tuple(Landmark[name.format(near=near).upper()] for name in self.landmarks)

    def status(self, value: float) -> Status:
        low, high = self.normal
        beyond = max(low - self.known_error - value, value - high - self.known_error, 0.0)
        if beyond == 0.0:
            return Status.NORMAL
        return Status.MILD if beyond <= self.marked_step else Status.MARKED


# --- the arithmetic, one function per measure ----------------------------------------------------


def _foreshortening(frame: Frame) -> float:
    """sin of the camera's angle down onto the floor, from how short the feet look.

    A foot of length L seen from a camera looking down at angle φ shows its forward part shortened
    by sin φ. L is taken as 0.15 × stature, stature from the ear-to-heel height. The feet's
    sideways parts are not shortened, so the longer image axis of both feet is used; clipped to
    [0.15, 1].
    """
    heel_y = (frame.p(Landmark.LEFT_HEEL)[1] + frame.p(Landmark.RIGHT_HEEL)[1]) / 2
    ear_y = (frame.p(Landmark.LEFT_EAR)[1] + frame.p(Landmark.RIGHT_EAR)[1]) / 2
    stature = (heel_y - ear_y) / EAR_TO_STATURE
    foot_length = FOOT_TO_STATURE * stature
    forward = [
        abs(frame.p(Landmark[f"{s}_FOOT_INDEX"])[1] - frame.p(Landmark[f"{s}_HEEL"])[1])
        for s in ("LEFT", "RIGHT")
    ]
    sideways = [
        abs(frame.p(Landmark[f"{s}_FOOT_INDEX"])[0] - frame.p(Landmark[f"{s}_HEEL"])[0])
        for s in ("LEFT", "RIGHT")
    ]
    if foot_length <= 0:
        return 1.0
    # forward part seen = L cos θ sin φ; sideways = L sin θ  ->  sin φ = fwd / sqrt(L² − side²)
    values = []
    for fwd, side in zip(forward, sideways, strict=True):
        depth = math.sqrt(max(foot_length**2 - side**2, (0.3 * foot_length) ** 2))
        values.append(fwd / depth)
    return float(np.clip(np.median(values), 0.15, 1.0))


def _foot_angle(side: str) -> Compute:
    def compute(frame: Frame) -> float:
        heel = frame.p(Landmark[f"{side}_HEEL"])
        toe = frame.p(Landmark[f"{side}_FOOT_INDEX"])
        # The foot on the floor, as (image-right, toward the camera): the floor nearer the camera
        # lies lower in the image, shortened by the camera's angle onto the floor.
        foot = np.array([toe[0] - heel[0], (toe[1] - heel[1]) / _foreshortening(frame)])
        # The person faces the camera square-on (oblique photos are not measured): their left is
        # image-left or image-right, and they face toward the camera or away from it. Taking the
        # pelvis's turn from MediaPipe's world depth instead was worse on renders (foot angle
        # error 4.8° against 2.7-3.9°; its depth carries a bias of about 4°).
        lateral = np.array([frame.left_dir, 0.0])
        facing = np.array([-lateral[1], lateral[0]])
        outward = lateral if side == "LEFT" else -lateral
        return math.degrees(math.atan2(float(foot @ outward), float(foot @ facing)))

    return compute


def _offset_from_line(point: np.ndarray, start: np.ndarray, end: np.ndarray) -> float:
    """Signed horizontal-ish offset: + when ``point`` lies to image-right of the line start→end."""
    direction = end - start
    rel = point - start
    # 2D cross product; with the line pointing down the image, + means image-left of it.
    cross = direction[0] * rel[1] - direction[1] * rel[0]
    return float(-cross / (np.linalg.norm(direction) or 1.0))


def _knee_frontal(side: str) -> Compute:
    def compute(frame: Frame) -> float:
        hip = frame.p(Landmark[f"{side}_HIP"])
        knee = frame.p(Landmark[f"{side}_KNEE"])
        ankle = frame.p(Landmark[f"{side}_ANKLE"])
        bend = 180.0 - joint_angle(hip, knee, ankle)
        medial_dir = -frame.left_dir if side == "LEFT" else frame.left_dir
        medial = _offset_from_line(knee, hip, ankle) * medial_dir
        return bend if medial >= 0 else -bend

    return compute


def _rearfoot(side: str) -> Compute:
    def compute(frame: Frame) -> float:
        knee = frame.p(Landmark[f"{side}_KNEE"])
        ankle = frame.p(Landmark[f"{side}_ANKLE"])
        heel = frame.p(Landmark[f"{side}_HEEL"])
        bend = 180.0 - joint_angle(knee, ankle, heel)
        lateral_dir = frame.left_dir if side == "LEFT" else -frame.left_dir
        lateral = _offset_from_line(heel, knee, ankle) * lateral_dir
        return bend if lateral >= 0 else -bend

    return compute


def _tilt(left: Landmark, right: Landmark) -> Compute:
    def compute(frame: Frame) -> float:
        return tilt_from_horizontal(frame.p(left), frame.p(right))

    return compute


def _head_tilt(frame: Frame) -> float:
    # Tilting toward the left shoulder lowers the left eye.
    return tilt_from_horizontal(frame.p(Landmark.RIGHT_EYE), frame.p(Landmark.LEFT_EYE))


def _shift(upper: tuple[Landmark, Landmark], lower: tuple[Landmark, Landmark]) -> Compute:
    def compute(frame: Frame) -> float:
        dx = frame.mid(*upper)[0] - frame.mid(*lower)[0]
        return float(100.0 * dx * frame.left_dir / (frame.hip_width() or 1.0))

    return compute


def _stance_width(frame: Frame) -> float:
    ankles = float(np.linalg.norm(frame.p(Landmark.LEFT_ANKLE) - frame.p(Landmark.RIGHT_ANKLE)))
    return ankles / (frame.hip_width() or 1.0)


def _near(frame: Frame, joint: str) -> np.ndarray:
    return frame.p(Landmark[f"{frame.near}_{joint}".upper()])


def _forward_head(frame: Frame) -> float:
    shoulder = _near(frame, "shoulder")
    ear = _near(frame, "ear")
    rise = shoulder[1] - ear[1]
    ahead = (ear[0] - shoulder[0]) * frame.forward_dir
    return math.degrees(math.atan2(rise, ahead))


def _knee_sagittal(frame: Frame) -> float:
    hip, knee, ankle = (_near(frame, j) for j in ("hip", "knee", "ankle"))
    bend = 180.0 - joint_angle(hip, knee, ankle)
    # Knee behind the hip-ankle line = hyperextension (+); in front = flexion (−).
    behind = _offset_from_line(knee, hip, ankle) * -frame.forward_dir
    return bend if behind >= 0 else -bend


def _trunk_lean(frame: Frame) -> float:
    hip = _near(frame, "hip")
    shoulder = _near(frame, "shoulder")
    ahead = (shoulder[0] - hip[0]) * frame.forward_dir
    return math.degrees(math.atan2(ahead, hip[1] - shoulder[1]))


def _plumb(joint: str) -> Compute:
    def compute(frame: Frame) -> float:
        ankle = _near(frame, "ankle")
        stature = (_near(frame, "heel")[1] - _near(frame, "ear")[1]) / EAR_TO_STATURE
        ahead = (_near(frame, joint)[0] - ankle[0]) * frame.forward_dir
        return float(100.0 * ahead / (stature or 1.0))

    return compute


# --- the table -----------------------------------------------------------------------------------

# Both feet: the camera's angle onto the floor is judged from both (see _foreshortening).
_FOOT = (
    "left_heel", "right_heel", "left_foot_index", "right_foot_index",
    "left_hip", "right_hip", "left_ear", "right_ear",
)  # fmt: skip
_FOOT_REF = "foot progression angle: adults typically 5-13° (mean ~7°); children 4-16: mean 4.2°"
_SIDES = (("left", "LEFT"), ("right", "RIGHT"))
_SHOULDERS = (Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER)
_HIPS = (Landmark.LEFT_HIP, Landmark.RIGHT_HIP)
_ANKLES = (Landmark.LEFT_ANKLE, Landmark.RIGHT_ANKLE)


def _per_side(make: Callable[[str, str], MeasureSpec]) -> tuple[MeasureSpec, ...]:
    return tuple(make(lower, upper) for lower, upper in _SIDES)


MEASURES: tuple[MeasureSpec, ...] = (
    *_per_side(
        lambda s, side: MeasureSpec(
            f"{s}_foot_angle", "deg", frozenset({View.FRONT}),
            _FOOT,
            "+ toe-out", (0.0, 15.0), 5.0, 10.0, True, _FOOT_REF, _foot_angle(side),
        )
    ),
    *_per_side(
        lambda s, side: MeasureSpec(
            f"{s}_knee_angle_frontal", "deg", SQUARE_ON,
            (f"{s}_hip", f"{s}_knee", f"{s}_ankle", "left_hip", "right_hip"),
            "+ valgus (knee toward the midline), − varus", (-5.0, 5.0), 5.0, 5.0, False,
            "frontal plane projection angle: SEM 2-4° vs 3D capture; app MDC ~5-10°",
            _knee_frontal(side),
        )
    ),
    MeasureSpec(
        "pelvic_tilt", "deg", SQUARE_ON, ("left_hip", "right_hip"), "+ person's left hip higher",
        # known error from renders: MediaPipe's hip points barely follow a true tilt (VALIDATION)
        (-2.0, 2.0), 4.5, 3.0, True, "hip joint centres, a proxy for the iliac crests",
        _tilt(Landmark.LEFT_HIP, Landmark.RIGHT_HIP),
    ),
    MeasureSpec(
        "shoulder_tilt", "deg", SQUARE_ON, ("left_shoulder", "right_shoulder"),
        "+ left shoulder higher", (-2.0, 2.0), 2.0, 3.0, True, "acromion-level line",
        _tilt(Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER),
    ),
    MeasureSpec(
        "head_tilt", "deg", frozenset({View.FRONT}), ("left_eye", "right_eye"),
        "+ head tilted toward the left shoulder", (-3.0, 3.0), 3.0, 4.0, True,
        "line through the eyes", _head_tilt,
    ),
    MeasureSpec(
        "trunk_shift", "% hip width", SQUARE_ON,
        ("left_shoulder", "right_shoulder", "left_hip", "right_hip"),
        "+ toward the person's left", (-10.0, 10.0), 5.0, 10.0, True,
        "shoulder midpoint over hip midpoint",
        _shift(_SHOULDERS, _HIPS),
    ),
    MeasureSpec(
        "pelvis_shift", "% hip width", SQUARE_ON,
        ("left_hip", "right_hip", "left_ankle", "right_ankle"),
        "+ toward the person's left", (-10.0, 10.0), 7.0, 10.0, True,
        "hip midpoint over ankle midpoint",
        _shift(_HIPS, _ANKLES),
    ),
    MeasureSpec(
        "stance_width", "ratio", SQUARE_ON,
        ("left_ankle", "right_ankle", "left_hip", "right_hip"), "ankle distance / hip width",
        (0.5, 1.8), 0.15, 0.5, False, "quiet standing, feet about hip-width apart", _stance_width,
    ),
    *_per_side(
        lambda s, side: MeasureSpec(
            f"{s}_rearfoot_angle", "deg", frozenset({View.BACK}),
            (f"{s}_knee", f"{s}_ankle", f"{s}_heel", "left_hip", "right_hip"),
            "+ eversion (heel tilted outward)", (-2.0, 8.0), 9.0, 4.0, False,
            "resting calcaneal stance: 0-3° everted neutral; healthy mean 6.1 ± 2.7°",
            _rearfoot(side),
        )
    ),
    MeasureSpec(
        "forward_head_angle", "deg", SIDE_ON, ("{near}_shoulder", "{near}_ear"),
        "smaller = head further forward", (48.0, 90.0), 5.0, 7.0, True,
        "craniovertebral angle 55 ± 7° in healthy adults; the shoulder is not C7 (offset)",
        _forward_head,
    ),
    MeasureSpec(
        "knee_angle_sagittal", "deg", SIDE_ON, ("{near}_hip", "{near}_knee", "{near}_ankle"),
        "+ hyperextension, − flexion", (-5.0, 5.0), 5.0, 5.0, False,
        "hyperextension beyond ~5° is the usual clinical convention", _knee_sagittal,
    ),
    MeasureSpec(
        "trunk_lean", "deg", SIDE_ON, ("{near}_hip", "{near}_shoulder"), "+ forward",
        (-5.0, 5.0), 3.0, 5.0, True, "hip-to-shoulder line against vertical", _trunk_lean,
    ),
    *(
        MeasureSpec(
            f"plumb_{joint}", "% body height", SIDE_ON,
            (f"{{near}}_{joint}", "{near}_ankle", "{near}_heel", "{near}_ear"),
            "+ in front of the line", normal, 1.5, 3.0, True,
            "plumb line through the ankle; ideal alignment a little in front of it (provisional)",
            _plumb(joint),
        )
        for joint, normal in (
            ("ear", (-1.0, 6.0)),
            ("shoulder", (-1.0, 5.0)),
            ("hip", (-2.0, 5.0)),
            ("knee", (-1.0, 4.0)),
        )
    ),
)  # fmt: skip

MEASURES_BY_NAME: Mapping[str, MeasureSpec] = {spec.name: spec for spec in MEASURES}


# --- applying the table --------------------------------------------------------------------------


def make_frame(pose: Pose, view: View, roll: CameraRoll | None) -> Frame:
    width, height = pose.image_size
    degrees = usable_roll(roll) or 0.0
    xy = rotate_points(pose.xy, -degrees, (width / 2, height / 2)) if degrees else pose.xy
    return Frame(pose=pose, xy=xy, view=view)


def _unknown(
    spec: MeasureSpec, landmarks: tuple[Landmark, ...], view: View, why: str
) -> Measurement:
    return Measurement(
        spec.name, None, spec.unit, 0.0, Status.UNKNOWN, spec.normal, landmarks, view, why
    )


def _confidence(
    spec: MeasureSpec,
    pose: Pose,
    landmarks: tuple[Landmark, ...],
    view: ViewEstimate,
    roll: CameraRoll | None,
) -> tuple[float, str]:
    confidence = float(np.mean(pose.visibility[list(landmarks)])) * max(view.confidence, 0.5)
    note = ""
    if spec.vertical:
        if usable_roll(roll) is None:
            confidence *= 0.7
            note = "camera roll not known well enough: measured against the picture's edges"
        else:
            assert roll is not None
            confidence *= 0.8 + 0.2 * roll.confidence
    return round(min(1.0, confidence), 2), note


def measure_one(
    spec: MeasureSpec,
    frame: Frame,
    view: ViewEstimate,
    roll: CameraRoll | None,
    calibration: Calibration | None = None,
) -> Measurement:
    landmarks = spec.resolve(frame.view)
    hidden = [lm.label for lm in landmarks if not frame.pose.is_visible(lm, VISIBILITY_THRESHOLD)]
    if hidden:
        return _unknown(spec, landmarks, frame.view, f"not visible enough: {', '.join(hidden)}")
    if view.oblique and frame.view in SQUARE_ON:
        why = "the person is turned part-way to the camera (oblique): stand square-on and retake"
        return _unknown(spec, landmarks, frame.view, why)
    value = spec.compute(frame)
    if not math.isfinite(value):
        return _unknown(spec, landmarks, frame.view, "the landmarks coincide: no angle")
    if calibration is not None:
        value = calibration.apply(value)
    confidence, note = _confidence(spec, frame.pose, landmarks, view, roll)
    return Measurement(
        spec.name, round(value, 2), spec.unit, confidence, spec.status(value), spec.normal,
        landmarks, frame.view, note,
    )  # fmt: skip


def measure_pose(
    pose: Pose,
    view: ViewEstimate,
    roll: CameraRoll | None = None,
    *,
    calibrations: Mapping[str, Calibration] | None = None,
) -> dict[str, Measurement]:
    """Every measure this view can take, keyed by name (the others are left out).

    A person who is not standing (seated, crouching, lying) is not measured: every measure is
    unknown with the reason, since the conventions describe standing alignment.
    ``calibrations`` are the corrections fitted on renders (default: the packaged ones; pass
    ``{}`` for raw geometry).
    """
    fitted = load_calibrations() if calibrations is None else calibrations
    frame = make_frame(pose, view.view, roll)
    specs = [spec for spec in MEASURES if view.view in spec.views]
    stance = posture(pose)
    if stance.standing is False:
        why = f"posecheck measures standing posture; {stance.reason}"
        return {
            spec.name: _unknown(spec, spec.resolve(view.view), view.view, why) for spec in specs
        }
    return {
        spec.name: measure_one(spec, frame, view, roll, fitted.get(spec.name)) for spec in specs
    }
