"""Exercise signals from one pose: one number (or point) per frame, for the trackers to follow.

Each function reads one :class:`~posecheck.types.Pose` and returns None when a landmark it needs is
not visible (or the geometry is degenerate), never a guess. The signals are ratios of lengths or
angles, so they do not depend on the image's size or the person's distance from the camera.
Coordinates are the image's: x to the right, y down. ``side`` is the person's anatomical side
(``Side.LEFT`` or ``Side.RIGHT``). Each docstring gives the unit, the sign and the camera view the
signal needs; which view the camera has is for the caller to check (``posecheck.views``, and
:func:`foot_to_shank_ratio` for the foot).

These are signals for counting and timing exercises, not posture measures: the photo report's
measures live in ``posecheck.measures`` and are not re-implemented here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from posecheck.geometry import joint_angle
from posecheck.types import VISIBILITY_THRESHOLD, Landmark, Pose, Side

Point = tuple[float, float]

#: The foot counts as seen from the side while its heel-toe line is within 60° of horizontal
#: (|dx| at least half the foot's length); beyond that the fore-aft direction is not readable.
_MIN_SIDE_ON_COSINE = 0.5


@dataclass(frozen=True)
class _Leg:
    """One side's landmarks, from the shoulder down."""

    shoulder: Landmark
    hip: Landmark
    knee: Landmark
    ankle: Landmark
    heel: Landmark
    foot_index: Landmark


def _leg(side: Side) -> _Leg:
    side = Side(side)
    if side is Side.LEFT:
        return _Leg(
            Landmark.LEFT_SHOULDER,
            Landmark.LEFT_HIP,
            Landmark.LEFT_KNEE,
            Landmark.LEFT_ANKLE,
            Landmark.LEFT_HEEL,
            Landmark.LEFT_FOOT_INDEX,
        )
    if side is Side.RIGHT:
        return _Leg(
            Landmark.RIGHT_SHOULDER,
            Landmark.RIGHT_HIP,
            Landmark.RIGHT_KNEE,
            Landmark.RIGHT_ANKLE,
            Landmark.RIGHT_HEEL,
            Landmark.RIGHT_FOOT_INDEX,
        )
    raise ValueError(f"side: expected Side.LEFT or Side.RIGHT, got {side}")


def _points(pose: Pose, landmarks: Sequence[Landmark], min_visibility: float) -> list[Point] | None:
    """The landmarks' (x, y), or None when any of them is not visible."""
    if not all(pose.is_visible(landmark, min_visibility) for landmark in landmarks):
        return None
    return [(float(pose.xy[landmark][0]), float(pose.xy[landmark][1])) for landmark in landmarks]


def _distance(a: Point, b: Point) -> float:
    return math.hypot(b[0] - a[0], b[1] - a[1])


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def heel_height(
    pose: Pose, side: Side, *, min_visibility: float = VISIBILITY_THRESHOLD
) -> float | None:
    """How far the heel is above the toe tip, in foot lengths (heel raises, toe walking).

    ``(toe_y - heel_y) / |heel - toe|``: the sine of the heel-toe line's angle to the image
    horizontal. + heel higher than the toe tip. Standing flat it reads near 0 (BlazePose's heel
    point sits a little above the floor, so usually slightly +); up on the toes it reads about
    0.3-0.6. Needs a **side-on** view with the camera level: in a front view the foot is
    foreshortened and the ratio means nothing (check :func:`foot_to_shank_ratio`), and a rolled
    camera adds its roll to the angle. Landmarks: heel, foot index.
    """
    leg = _leg(side)
    points = _points(pose, (leg.heel, leg.foot_index), min_visibility)
    if points is None:
        return None
    heel, toe = points
    length = _distance(heel, toe)
    if length == 0.0:
        return None
    return (toe[1] - heel[1]) / length


def knee_extension(
    pose: Pose, side: Side, *, min_visibility: float = VISIBILITY_THRESHOLD
) -> float | None:
    """The knee's hip-knee-ankle angle in degrees, 180 = straight (towel stretch, calf stretch).

    Unsigned, 0-180: smaller is more bent; it cannot tell hyperextension from flexion (the
    photo report's ``knee_angle_sagittal`` does that for standing). Needs a **side-on** view: a
    knee bending toward the camera looks straight from the front. Landmarks: hip, knee, ankle.
    """
    leg = _leg(side)
    points = _points(pose, (leg.hip, leg.knee, leg.ankle), min_visibility)
    if points is None:
        return None
    hip, knee, ankle = points
    return _finite(joint_angle(hip, knee, ankle))


def leg_raise_angle(
    pose: Pose, side: Side, *, min_visibility: float = VISIBILITY_THRESHOLD
) -> float | None:
    """How far the leg is raised from the line of the trunk, in degrees (towel leg stretch).

    ``180 - angle(shoulder, hip, ankle)``: 0 with the leg in line with the trunk (standing, or
    lying flat), 90 with the leg at right angles to it (lying on the back with the leg
    vertical). Unsigned, 0-180: it does not tell a leg raised in front from one taken behind.
    The leg is the hip-ankle line, as in the straight-leg-raise test, so a bent knee lowers it
    (check :func:`knee_extension`). Independent of the body's orientation in the image (lying
    or standing). Needs a **side-on** view. Landmarks: shoulder, hip, ankle of that side.
    """
    leg = _leg(side)
    points = _points(pose, (leg.shoulder, leg.hip, leg.ankle), min_visibility)
    if points is None:
        return None
    shoulder, hip, ankle = points
    angle = _finite(joint_angle(shoulder, hip, ankle))
    return None if angle is None else 180.0 - angle


def foot_lift(
    pose: Pose, side: Side, *, min_visibility: float = VISIBILITY_THRESHOLD
) -> float | None:
    """How high this foot's ankle is above the other one's, in the other leg's shank lengths
    (standing on one leg).

    ``(other_ankle_y - ankle_y) / |other_knee - other_ankle|``: about 0 with both feet down, +
    with this foot lifted (on rendered one-leg stands, the foot lifted with the knee bent 70-80°
    read 0.24-0.50 in front of the camera, 0.0-0.05 standing on both; on the real one-leg balance
    clip 0.25-0.86). Needs a **front** view: side-on the legs' labels swap. Landmarks: both
    ankles, the other knee.
    """
    leg, other = _leg(side), _leg(Side.RIGHT if Side(side) is Side.LEFT else Side.LEFT)
    points = _points(pose, (leg.ankle, other.ankle, other.knee), min_visibility)
    if points is None:
        return None
    ankle, other_ankle, other_knee = points
    shank = _distance(other_knee, other_ankle)
    if shank == 0.0:
        return None
    return (other_ankle[1] - ankle[1]) / shank


def head_drawn_back(
    pose: Pose, side: Side, *, min_visibility: float = VISIBILITY_THRESHOLD
) -> float | None:
    """How far the ear lies behind the shoulder, in trunk lengths (chin tucks).

    ``(shoulder_x - ear_x) / |shoulder - hip|``, signed so that + is the ear behind the shoulder
    (the way the person faces is the nose's side of the ear): a head carried forward reads
    below 0, and drawing it straight back raises it (on rendered chin tucks, the ear 3.4-4.4 cm
    back: by 0.03-0.06, against a frame-to-frame spread of 0.003-0.006 holding still). Needs a
    **side-on** view. Landmarks: that side's ear, shoulder and hip, and the nose.
    """
    leg = _leg(side)
    ear_mark = Landmark.LEFT_EAR if Side(side) is Side.LEFT else Landmark.RIGHT_EAR
    points = _points(pose, (ear_mark, leg.shoulder, leg.hip, Landmark.NOSE), min_visibility)
    if points is None:
        return None
    ear, shoulder, hip, nose = points
    trunk = _distance(shoulder, hip)
    if trunk == 0.0 or nose[0] == ear[0]:
        return None
    facing = 1.0 if nose[0] > ear[0] else -1.0
    return (shoulder[0] - ear[0]) * facing / trunk


def head_tilt(
    pose: Pose, side: Side, *, min_visibility: float = VISIBILITY_THRESHOLD
) -> float | None:
    """How far the head is tilted toward ``side``'s shoulder, in degrees (the neck side stretch).

    The angle between the eyes' line and the shoulders' line, + when the eye on ``side`` has
    gone down toward that shoulder, - the other way. Taken against the shoulders rather than
    the picture, it is the neck's own side bend: a rolled camera does not change it, and a
    shoulder hitched up toward the ear lowers it. The model reads about half of a head's tilt
    (on rendered clips a true 25° read 11.5°, 21° read 13.9°: its eyes' line turned 0.55-0.78
    of the way and its shoulders' line 2.7° after the head; the ears' line turned less, 0.46-0.67,
    so they are not used). Needs a **front** (or back) view. Landmarks: the eyes and shoulders.
    """
    shoulder_mark = _leg(side).shoulder
    eye_mark = Landmark.LEFT_EYE if Side(side) is Side.LEFT else Landmark.RIGHT_EYE
    marks = (eye_mark, shoulder_mark, eye_mark.mirrored(), shoulder_mark.mirrored())
    points = _points(pose, marks, min_visibility)
    if points is None:
        return None
    eye, shoulder, other_eye, other_shoulder = points
    head = (eye[0] - other_eye[0], eye[1] - other_eye[1])
    line = (shoulder[0] - other_shoulder[0], shoulder[1] - other_shoulder[1])
    if line[0] == 0.0 or head == (0.0, 0.0):
        return None
    # image y points down: this side's end going down turns the eyes' line one way from the
    # shoulders' when they point to the right in the picture, the other way when to the left
    cross = line[0] * head[1] - line[1] * head[0]
    dot = line[0] * head[0] + line[1] * head[1]
    return _finite(math.degrees(math.atan2(cross if line[0] > 0 else -cross, dot)))


def squat_depth(
    pose: Pose, side: Side | None = None, *, min_visibility: float = VISIBILITY_THRESHOLD
) -> float | None:
    """How low the hips are: minus their height above the ankles, in shoulder widths (mini
    squats). Both legs: ``side`` is not used.

    ``(hips_y - ankles_y) / shoulder width``, from the midpoints of the two hips and the two
    ankles: about -2.4 standing, rising toward 0 as the hips go down. Needs a **front** (or
    back) view, where the shoulders' width does not change as the person squats; the trunk's
    length is no reference, since it leans forward as the hips go back (on rendered quarter
    squats the trunk-to-leg ratio moved by 0.02-0.04 between standing and the bottom, this by
    0.34-0.44, its frame-to-frame spread standing 0.016-0.021). Landmarks: shoulders, hips,
    ankles.
    """
    names = (
        Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER, Landmark.LEFT_HIP, Landmark.RIGHT_HIP,
        Landmark.LEFT_ANKLE, Landmark.RIGHT_ANKLE,
    )  # fmt: skip
    points = _points(pose, names, min_visibility)
    if points is None:
        return None
    left_shoulder, right_shoulder, left_hip, right_hip, left_ankle, right_ankle = points
    width = _distance(left_shoulder, right_shoulder)
    if width == 0.0:
        return None
    hips = (left_hip[1] + right_hip[1]) / 2.0
    ankles = (left_ankle[1] + right_ankle[1]) / 2.0
    return (hips - ankles) / width


def knees_inward(
    pose: Pose, side: Side | None = None, *, min_visibility: float = VISIBILITY_THRESHOLD
) -> float | None:
    """How far a knee comes in toward the other leg, in degrees: the larger of the two knees'
    (mini squats, where a knee falling in is to be corrected). Both legs: ``side`` is not used.

    For each leg, the angle between the thigh (hip to knee) and the shank (knee to ankle) as the
    picture shows them, + when the knee lies on the other leg's side of the line from the hip to
    the ankle (it falls in), - when it lies outside; 0 with the three in line. The frontal plane
    projection angle of a squatting knee, in a **front** view. Landmarks: hips, knees, ankles.
    """
    found = []
    for leg, other in (
        (_leg(Side.LEFT), Landmark.RIGHT_HIP),
        (_leg(Side.RIGHT), Landmark.LEFT_HIP),
    ):
        points = _points(pose, (leg.hip, leg.knee, leg.ankle, other), min_visibility)
        if points is None:
            continue
        hip, knee, ankle, other_hip = points
        rise = ankle[1] - hip[1]
        if rise <= 0.0:
            continue
        angle = _finite(180.0 - joint_angle(hip, knee, ankle))
        if angle is None:
            continue
        on_line = hip[0] + (ankle[0] - hip[0]) * (knee[1] - hip[1]) / rise
        inward = (knee[0] - on_line) * (other_hip[0] - hip[0]) > 0.0
        found.append(angle if inward else -angle)
    return max(found) if found else None


def foot_tip_offset(
    pose: Pose, side: Side, *, min_visibility: float = VISIBILITY_THRESHOLD
) -> Point | None:
    """Where the foot tip is relative to the ankle, in shank lengths (ankle circles).

    ``(foot_index - ankle) / |knee - ankle|`` as ``(x, y)``, image axes (x right, y down). The
    shank is the scale because it stays still and unforeshortened while the foot circles. In an
    ankle circle this point circles about the foot tip's resting position, not about the ankle:
    feed it to a ``CircleCounter`` with an adaptive centre (``centre_window_ms``). Needs a
    **front** view (the foot pointing at the camera, the circle facing it); side-on the circle is
    seen edge-on. Clockwise on screen is the person's anticlockwise when they face the camera.
    Landmarks: knee, ankle, foot index.
    """
    leg = _leg(side)
    points = _points(pose, (leg.knee, leg.ankle, leg.foot_index), min_visibility)
    if points is None:
        return None
    knee, ankle, toe = points
    shank = _distance(knee, ankle)
    if shank == 0.0:
        return None
    return ((toe[0] - ankle[0]) / shank, (toe[1] - ankle[1]) / shank)


def foot_pointing(
    pose: Pose, side: Side, *, min_visibility: float = VISIBILITY_THRESHOLD
) -> Point | None:
    """Where the foot points: the heel-to-toe-tip vector in shank lengths (ankle circles).

    ``(foot_index - heel) / |knee - ankle|`` as ``(x, y)``, image axes (x right, y down). As the
    foot circles about the ankle, heel and toe tip move opposite ways, so this vector traces the
    circle more fully than the toe tip alone: seen from the front the circle's up-and-down travel
    is foreshortened, and on rendered ankle circles the lite model's toe point followed it poorly
    (correlation with the true toe height 0.38-0.77) where this vector's height followed it
    better (0.69-0.87). Like :func:`foot_tip_offset` it circles about its resting value: feed it
    to a circle counter with an adaptive centre. Needs a **front** view. Clockwise on screen is
    the person's anticlockwise when they face the camera. Landmarks: knee, ankle, heel, foot
    index.
    """
    leg = _leg(side)
    points = _points(pose, (leg.knee, leg.ankle, leg.heel, leg.foot_index), min_visibility)
    if points is None:
        return None
    knee, ankle, heel, toe = points
    shank = _distance(knee, ankle)
    if shank == 0.0:
        return None
    return ((toe[0] - heel[0]) / shank, (toe[1] - heel[1]) / shank)


def foot_fore_aft(
    pose: Pose, side: Side, *, min_visibility: float = VISIBILITY_THRESHOLD
) -> float | None:
    """How far the middle of the foot is in front of the knee along the floor, in foot lengths
    (rolling the foot over a tennis ball).

    ``(mid_x - knee_x) / foot_length``, counted + in the direction the toes point (heel to foot
    index along the image x axis), with mid the point halfway between heel and foot index. Seated,
    the knee stays nearly still while the foot rolls, so the signal's swing is the roll's travel;
    only its changes matter. Needs a **side-on** view with a level camera; None when the foot's
    heel-toe line is more than 60° from horizontal (the foot seen end-on, as from the front).
    Landmarks: knee, heel, foot index.
    """
    leg = _leg(side)
    points = _points(pose, (leg.knee, leg.heel, leg.foot_index), min_visibility)
    if points is None:
        return None
    knee, heel, toe = points
    length = _distance(heel, toe)
    run = toe[0] - heel[0]
    if length == 0.0 or abs(run) < _MIN_SIDE_ON_COSINE * length:
        return None
    forward = 1.0 if run > 0 else -1.0
    middle_x = (heel[0] + toe[0]) / 2.0
    return forward * (middle_x - knee[0]) / length


def foot_position(
    pose: Pose, side: Side, *, min_visibility: float = VISIBILITY_THRESHOLD
) -> Point | None:
    """Where the foot is relative to the knee, in shank lengths, for checking that the foot keeps
    still (toe pressing, toe pencil grip: the toes cannot be seen, the foot's stillness can).

    ``(mean(ankle, heel, foot_index) - knee) / |knee - ankle|`` as ``(x, y)``, image axes (x
    right, y down). The knee is the reference because it stays put in these exercises (seated or
    standing) and keeps the noise of the scale small; the signal moves when the foot slides,
    turns or lifts against the leg. Collect it over a second or so and take
    :func:`point_spread`. Any view. Landmarks: knee, ankle, heel, foot index.
    """
    leg = _leg(side)
    points = _points(pose, (leg.knee, leg.ankle, leg.heel, leg.foot_index), min_visibility)
    if points is None:
        return None
    knee, ankle, heel, toe = points
    shank = _distance(knee, ankle)
    if shank == 0.0:
        return None
    foot = (ankle, heel, toe)
    return (
        (sum(p[0] for p in foot) / 3.0 - knee[0]) / shank,
        (sum(p[1] for p in foot) / 3.0 - knee[1]) / shank,
    )


def point_spread(points: Sequence[Point]) -> float | None:
    """The root-mean-square distance of points from their mean, in the points' unit; None for no
    points. Over :func:`foot_position` of the last second or so it tells a still foot from a
    moving one: each pixel of landmark jitter adds about 0.005 shank lengths on a 200 px shank
    (the lite model in video mode jittered by 0.002-0.004 shank lengths from frame to frame on a
    real clip of a person standing still)."""
    if not points:
        return None
    count = len(points)
    mean_x = sum(p[0] for p in points) / count
    mean_y = sum(p[1] for p in points) / count
    squares = sum((p[0] - mean_x) ** 2 + (p[1] - mean_y) ** 2 for p in points)
    return math.sqrt(squares / count)


def foot_to_shank_ratio(
    pose: Pose, side: Side, *, min_visibility: float = VISIBILITY_THRESHOLD
) -> float | None:
    """The foot's length in the image over the shank's, a check of how the foot is seen (ratio).

    ``|heel - foot_index| / |knee - ankle|``. A foot seen from the side is about 0.55-0.7 of the
    shank (the body's proportions give 0.62); a foot pointing at the camera is foreshortened to
    about 0.1-0.35, more from a high camera. The foot signals for side-on views
    (:func:`heel_height`, :func:`foot_fore_aft`) need the first. A foot turned out in a front
    view can read as long as a side-on one (0.68 on a real front-view clip), so use this with
    the body's view (``posecheck.views``), not instead of it. Any view. Landmarks: knee, ankle,
    heel, foot index.
    """
    leg = _leg(side)
    points = _points(pose, (leg.knee, leg.ankle, leg.heel, leg.foot_index), min_visibility)
    if points is None:
        return None
    knee, ankle, heel, toe = points
    shank = _distance(knee, ankle)
    if shank == 0.0:
        return None
    return _distance(heel, toe) / shank
