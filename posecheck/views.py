"""Which way the person faces the camera.

A first version from landmark geometry alone:
- shoulder width against torso length tells square-on (front/back) from side-on;
- for square-on, the order of the person's left and right shoulders in the image, with the face's
  visibility as a second vote, tells front from back;
- for side-on, where the nose points tells left from right.
Conventions: ``left`` = the camera sees the person's left side (they face image-left).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from posecheck.types import FloatArray, Landmark, Pose, View

#: Shoulder width / torso length above which a person counts as square-on. Seen square-on the
#: ratio is about 0.6-0.9; side-on it falls below 0.25. Between the two the view is oblique.
SQUARE_ON_RATIO = 0.45
SIDE_ON_RATIO = 0.25
#: How far the body may be turned from square-on, by MediaPipe's 3D hips and shoulders, before the
#: photo counts as oblique. On 120 renders square-on bodies read within 11° (the depth carries a
#: bias of about 4°) and bodies turned 28-60° read 19-55°; 20° separates them but for one.
OBLIQUE_YAW_DEGREES = 20.0

_FACE = (
    Landmark.NOSE,
    Landmark.LEFT_EYE,
    Landmark.RIGHT_EYE,
    Landmark.MOUTH_LEFT,
    Landmark.MOUTH_RIGHT,
)


@dataclass(frozen=True)
class ViewEstimate:
    """The view, how sure we are (0-1), whether it looked oblique, and why."""

    view: View
    confidence: float
    oblique: bool
    reason: str
    overridden: bool = False


def override(view: View) -> ViewEstimate:
    """The view the user said, taken as given."""
    return ViewEstimate(view, 1.0, False, "set by the user", overridden=True)


def _midpoint(pose: Pose, a: Landmark, b: Landmark) -> np.ndarray:
    midpoint: np.ndarray = (pose.xy[a] + pose.xy[b]) / 2
    return midpoint


def detect_view(pose: Pose) -> ViewEstimate:
    """Estimate the view from one pose (see module docstring)."""
    shoulder_dx = float(pose.xy[Landmark.LEFT_SHOULDER, 0] - pose.xy[Landmark.RIGHT_SHOULDER, 0])
    torso = float(
        np.linalg.norm(
            _midpoint(pose, Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER)
            - _midpoint(pose, Landmark.LEFT_HIP, Landmark.RIGHT_HIP)
        )
    )
    ratio = abs(shoulder_dx) / torso if torso > 0 else 0.0
    if ratio >= SIDE_ON_RATIO:
        return _square_on(pose, shoulder_dx, ratio)
    return _side_on(pose, ratio)


def body_yaw(pose: Pose) -> float | None:
    """How far the body is turned from facing the camera or facing away, in degrees (0-90),
    from MediaPipe's 3D hip and shoulder lines; None without world landmarks."""
    if pose.world is None:
        return None
    turns = []
    for left, right in (
        (Landmark.LEFT_HIP, Landmark.RIGHT_HIP),
        (Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER),
    ):
        lateral = pose.world[left] - pose.world[right]
        angle = abs(math.degrees(math.atan2(float(lateral[2]), float(lateral[0]))))
        turns.append(min(angle, 180.0 - angle))  # facing away reads near 180°
    return float(np.mean(turns))


def signed_body_yaw(pose: Pose) -> float | None:
    """The hip and shoulder lines' mean turn about the vertical in MediaPipe's 3D landmarks,
    signed, in degrees, as the model reports it (biased and scaled: ``measures`` turns it into
    the body's turn with a line fitted on renders); None without world landmarks."""
    return None if pose.world is None else signed_yaw(pose.world)


def signed_yaw(world: FloatArray) -> float:
    """``signed_body_yaw`` of one set of (33, 3) world landmarks (a look's, or a second look's)."""
    turns = []
    for left, right in (
        (Landmark.LEFT_HIP, Landmark.RIGHT_HIP),
        (Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER),
    ):
        lateral = world[left] - world[right]
        turns.append(math.degrees(math.atan2(float(lateral[2]), float(lateral[0]))))
    return float(np.mean(turns))


def _square_on(pose: Pose, shoulder_dx: float, ratio: float) -> ViewEstimate:
    face = float(np.mean(pose.visibility[list(_FACE)]))
    # Facing the camera, the person's left shoulder is on the image's right (dx > 0).
    order_says_front = shoulder_dx > 0
    face_says_front = face >= 0.5
    view = View.FRONT if order_says_front else View.BACK
    agree = order_says_front == face_says_front
    yaw = body_yaw(pose)
    oblique = ratio < SQUARE_ON_RATIO or (yaw is not None and yaw > OBLIQUE_YAW_DEGREES)
    confidence = min(1.0, ratio / SQUARE_ON_RATIO) * (0.9 if agree else 0.5)
    reason = (
        f"shoulders {ratio:.2f} of torso length apart; "
        f"left shoulder on the image's {'right' if order_says_front else 'left'}; "
        f"face visibility {face:.2f}"
    )
    if yaw is not None:
        reason += f"; body turned about {yaw:.0f}° from square-on"
    if oblique:
        reason += "; turned part-way to the camera (oblique)"
    return ViewEstimate(view, round(confidence, 2), oblique, reason)


def _side_on(pose: Pose, ratio: float) -> ViewEstimate:
    ears = _midpoint(pose, Landmark.LEFT_EAR, Landmark.RIGHT_EAR)
    nose_dx = float(pose.xy[Landmark.NOSE, 0] - ears[0])
    head = float(np.linalg.norm(pose.xy[Landmark.LEFT_EAR] - pose.xy[Landmark.NOSE])) or 1.0
    # Facing image-left, the camera sees the person's left side.
    view = View.LEFT if nose_dx < 0 else View.RIGHT
    confidence = min(1.0, abs(nose_dx) / head) * 0.9
    reason = (
        f"shoulders {ratio:.2f} of torso length apart (side-on); "
        f"nose points image-{'left' if nose_dx < 0 else 'right'}"
    )
    return ViewEstimate(view, round(confidence, 2), False, reason)


#: Hip-knee-ankle angle above which a leg counts as straight enough for standing. Quiet standing
#: keeps the knees within ~10-20° of straight; sitting bends them ~90°.
STANDING_KNEE_ANGLE = 140.0
#: Largest lean of the hip-to-shoulder line from vertical for an upright person.
UPRIGHT_TRUNK_DEGREES = 45.0
#: Largest lean of the hip-to-ankle line from vertical for a leg that stands under the hip (a wide
#: stance puts it about 10° out; legs stretched out on the floor lie near 90°).
UPRIGHT_LEG_DEGREES = 30.0


@dataclass(frozen=True)
class Posture:
    """Whether the person stands upright: ``standing`` is None when it cannot be told.

    ``retake_helps`` is False when it cannot be told for a reason no retake changes (a side
    view's far leg hidden behind the near one)."""

    standing: bool | None
    reason: str
    retake_helps: bool = True


def posture(pose: Pose) -> Posture:
    """Standing means an upright trunk and at least one visible leg straight under the hip.

    The measures describe standing alignment only; a seated, crouching or lying person is not
    measured. With the legs out of the frame it cannot be told (the upper-body measures still run).
    """
    from posecheck.geometry import angle_from_vertical, joint_angle

    shoulders = _midpoint(pose, Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER)
    hips = _midpoint(pose, Landmark.LEFT_HIP, Landmark.RIGHT_HIP)
    lean = abs(angle_from_vertical(hips, shoulders))
    if lean > UPRIGHT_TRUNK_DEGREES:
        return Posture(False, f"the trunk leans {lean:.0f}° from vertical: not standing upright")
    legs = []
    for side in ("LEFT", "RIGHT"):
        hip, knee, ankle = (Landmark[f"{side}_{joint}"] for joint in ("HIP", "KNEE", "ANKLE"))
        if all(pose.is_visible(lm) for lm in (hip, knee, ankle)):
            angle = joint_angle(pose.xy[hip], pose.xy[knee], pose.xy[ankle])
            # under the hip: ankle below knee below hip, the hip-ankle line near vertical
            below = pose.xy[hip, 1] < pose.xy[knee, 1] < pose.xy[ankle, 1] and (
                abs(angle_from_vertical(pose.xy[ankle], pose.xy[hip])) <= UPRIGHT_LEG_DEGREES
            )
            legs.append((side.lower(), angle, below))
    if not legs:
        return Posture(None, "the legs are not in view, so standing cannot be told")
    if any(angle >= STANDING_KNEE_ANGLE and below for _, angle, below in legs):
        return Posture(True, "upright trunk, a straight leg under the hip")
    if all(below for _, _, below in legs):
        bent = ", ".join(f"{side} knee {180 - angle:.0f}° bent" for side, angle, _ in legs)
        return Posture(False, f"not standing: {bent}")
    return Posture(False, "not standing: the legs are not under the hips (sitting or lying?)")


#: A relaxed standing stance, the only one the measures describe. Thresholds from the 8 sample
#: and 12 CI renders of standing bodies and the 25 real photos in ../shared/data: each knee within
#: this many degrees of straight (renders reach 17°, a walking stride 25-60°) ...
RELAXED_KNEE_BEND = 25.0
#: ... in a side view the knee may look a little more bent (flexed standing reaches 24°) ...
RELAXED_KNEE_BEND_SIDE = 30.0
#: ... both heels at one height, within this share of the leg's length (a step toward the camera
#: puts them 0.4 apart; a high camera and a slightly staggered stance up to 0.15) ...
RELAXED_HEEL_RISE = 0.2
#: ... each leg within this many degrees of vertical (renders reach 11°, a lunge or a kick more) ...
RELAXED_LEG_DEGREES = 20.0
#: ... the trunk within this many degrees of upright (square-on renders reach 7°) ...
RELAXED_TRUNK_DEGREES = 12.0
RELAXED_TRUNK_DEGREES_SIDE = 15.0
#: ... the ankles no more than this many hip widths apart (renders reach 2.24; skis 3.2) ...
RELAXED_STANCE_WIDTH = 2.6
#: ... and, seen side-on, one foot no further ahead of the other than this share of the leg's
#: length (standing renders 0.03 at most; a walking stride 0.7-0.8).
RELAXED_STRIDE = 0.25

_LEG = ("HIP", "KNEE", "ANKLE")

#: Why a side view's stance cannot be told when the far leg's points, inside the picture, are not
#: seen: the near leg hides it, as it does in most photos from the side (nothing to retake for).
FAR_LEG_HIDDEN = (
    "seen from the side, the far leg is hidden behind the near one, so whether both feet stand "
    "side by side cannot be told"
)


def relaxed_stance(pose: Pose, view: View) -> Posture:
    """Whether the person stands in a relaxed standing stance: both feet on the floor, weight on
    both legs, knees near straight, trunk upright, not mid-step, kick, jump or dance.

    ``standing`` is None when it cannot be told (legs or feet out of view); the reason names the
    first thing that is off, with its number.
    """
    from posecheck.geometry import angle_from_vertical, joint_angle

    needed = [Landmark[f"{side}_{part}"] for side in ("LEFT", "RIGHT") for part in _LEG]
    needed += [Landmark.LEFT_HEEL, Landmark.RIGHT_HEEL]
    side_on = view in (View.LEFT, View.RIGHT)
    hidden = [lm for lm in needed if not pose.is_visible(lm)]
    if hidden:
        size = pose.image_size
        inside = all(0 <= pose.xy[lm, i] < size[i] for lm in hidden for i in (0, 1))
        if side_on and inside:
            return Posture(None, FAR_LEG_HIDDEN, retake_helps=False)
        return Posture(None, "the legs and feet are not all in view, so the stance cannot be told")
    bends, lengths, leans = [], [], []
    for side in ("LEFT", "RIGHT"):
        hip, knee, ankle = (pose.xy[Landmark[f"{side}_{part}"]] for part in _LEG)
        bends.append(180.0 - joint_angle(hip, knee, ankle))
        lengths.append(float(np.linalg.norm(hip - knee) + np.linalg.norm(knee - ankle)))
        leans.append(abs(angle_from_vertical(ankle, hip)))
    leg = float(np.mean(lengths)) or 1.0
    heel_rise = abs(pose.xy[Landmark.LEFT_HEEL, 1] - pose.xy[Landmark.RIGHT_HEEL, 1]) / leg
    trunk = abs(
        angle_from_vertical(
            _midpoint(pose, Landmark.LEFT_HIP, Landmark.RIGHT_HIP),
            _midpoint(pose, Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER),
        )
    )
    knee_limit = RELAXED_KNEE_BEND_SIDE if side_on else RELAXED_KNEE_BEND
    trunk_limit = RELAXED_TRUNK_DEGREES_SIDE if side_on else RELAXED_TRUNK_DEGREES
    problems = []
    if max(bends) > knee_limit:
        problems.append(f"a knee is bent {max(bends):.0f}° (more than {knee_limit:.0f}°)")
    if heel_rise > RELAXED_HEEL_RISE:
        problems.append(
            f"the heels are at different heights ({heel_rise:.2f} of a leg's length): one foot is "
            "lifted or stepping"
        )
    if max(leans) > RELAXED_LEG_DEGREES:
        problems.append(f"a leg leans {max(leans):.0f}° from vertical")
    if trunk > trunk_limit:
        problems.append(f"the trunk leans {trunk:.0f}° from upright")
    if side_on:
        stride = abs(pose.xy[Landmark.LEFT_ANKLE, 0] - pose.xy[Landmark.RIGHT_ANKLE, 0]) / leg
        if stride > RELAXED_STRIDE:
            problems.append(f"one foot is {stride:.2f} of a leg's length ahead of the other")
    else:
        hips = float(np.linalg.norm(pose.xy[Landmark.LEFT_HIP] - pose.xy[Landmark.RIGHT_HIP]))
        ankles = float(np.linalg.norm(pose.xy[Landmark.LEFT_ANKLE] - pose.xy[Landmark.RIGHT_ANKLE]))
        width = ankles / (hips or 1.0)
        if width > RELAXED_STANCE_WIDTH:
            problems.append(f"the feet are {width:.1f} hip widths apart")
    if problems:
        return Posture(False, "not a relaxed standing stance: " + "; ".join(problems))
    return Posture(True, "a relaxed standing stance: feet level, knees near straight, upright")
