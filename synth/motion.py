"""Movement on top of a solved posture: one clip frame's pose, from a :class:`Motion`.

``BodyModel.solve`` turns a ``Posture`` into world bone rotations once per clip; a ``Motion`` then
changes a few of them per frame, and :func:`pose_frame` runs one forward pass (≈0.05 s) instead
of the solver's five. A ``Motion()`` with every field zero gives the solved still pose exactly
(the same vertices as ``BodyModel.pose``).

Frames and signs are body.py's (world: z up, the person faces −y, +x is the person's left):

- ``heel_raise_*``: the foot plantarflexed about its own transverse axis with the toes kept flat,
  so the body rises onto the balls of the feet (heel raises, toe walking).
- ``hip_flexion_*`` (+ the leg forward), ``knee_flexion_*`` (+ the shank back): sagittal swings
  of the whole leg at the hip and of the shank at the knee (a lifted foot, a straight-leg raise).
- ``foot_pitch_*``: extra plantarflexion of a lifted foot (+ toes down), about the ankle.
- ``circle_*``: an ankle circle: the foot's long axis tilted by ``circle_tilt_deg`` toward the
  direction ``circle_phase_deg`` about it (a swing with no twist: circumduction). The phase is
  measured from the person's left (0) toward up (90), so increasing phase turns the toes
  clockwise for the person looking down their own foot (from behind it) and anticlockwise on the
  screen of a camera in front of them.
- ``sway_forward_deg`` (+ forward) tilts the whole body above the planted feet about the ankles
  (an inverted pendulum); ``sway_lateral_deg`` (+ toward the left) tilts both legs so the pelvis
  moves sideways, level (a parallelogram). Planted: the toes of a raised heel, else a foot on the
  floor; they stay where they stood in the still pose (only x and y: the floor sets z).
- ``towel``: the arms reach toward the sole of the ``towel`` side's foot (a towel round it).
- ``lying``: after all that, the body is laid on its back (head toward +y, face up) by a
  rotation of −90° about x, and rested on the floor (see ``lying_tilt_deg``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from synth.body import (
    _SUFFIX,
    SIDES,
    BodyModel,
    Mat,
    PosedBody,
    Solved,
    rot_axis,
    rot_between,
    rot_x,
    rot_y,
)

TOE_ROOTS = tuple(f"toe{i}-1" for i in range(1, 6))
#: Laying the body down: z (up along the body) becomes +y, −y (its face) becomes +z.
LIE_DOWN = rot_x(-90.0)


@dataclass(frozen=True)
class Motion:
    """One frame's offsets from the still pose (degrees); all zero is the still pose."""

    heel_raise_left: float = 0.0
    heel_raise_right: float = 0.0
    hip_flexion_left: float = 0.0
    hip_flexion_right: float = 0.0
    knee_flexion_left: float = 0.0
    knee_flexion_right: float = 0.0
    foot_pitch_left: float = 0.0
    foot_pitch_right: float = 0.0
    circle_side: str = ""
    circle_tilt_deg: float = 0.0
    circle_phase_deg: float = 0.0
    sway_forward_deg: float = 0.0
    sway_lateral_deg: float = 0.0
    towel: str = ""
    lying: bool = False
    #: Extra rotation about x applied with ``lying`` (+ lifts the head end), so that the back of
    #: the shoulders and the buttocks both rest on the floor (see :func:`rest_on_back`).
    lying_tilt_deg: float = 0.0
    #: The neck and head tipped back (+), e.g. to rest the head on the floor when lying.
    neck_extension_deg: float = 0.0
    #: The neck tipped back (+) with the head kept level: the head drawn straight back, the
    #: chin in (a chin tuck).
    neck_back_deg: float = 0.0
    #: The neck bent sideways, the head with it: + toward the left shoulder (a neck side
    #: stretch; the sign of ``Posture.head_tilt``).
    neck_side_deg: float = 0.0
    #: Both feet stay flat on the floor while the hips and knees bend (a squat): the legs' flexion
    #: does not lift them.
    squat: bool = False
    #: The knee carried toward the midline (+) in the frontal plane, the ankle kept in place: a
    #: knee falling in (dynamic valgus) as it bends.
    knee_in_left: float = 0.0
    knee_in_right: float = 0.0
    #: The trunk (the spine, and what hangs from it) bent forward (+) at the hips; the head is
    #: kept level (a squat's lean).
    trunk_flexion_deg: float = 0.0

    def side(self, name: str, side: str) -> float:
        value: float = getattr(self, f"{name}_{side}")
        return value

    def changed(self) -> dict[str, Any]:
        """The fields that differ from a still pose."""
        still = Motion()
        return {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if getattr(self, f.name) != getattr(still, f.name)
        }


def _lifted(motion: Motion, side: str) -> bool:
    if motion.squat:
        return False
    return (
        motion.side("hip_flexion", side) != 0.0
        or motion.side("knee_flexion", side) != 0.0
        or motion.circle_side == side
        or motion.towel == side
    )


def planted(motion: Motion) -> dict[str, str]:
    """What holds each side to the floor: "toes" (heel raised), "foot", or absent (lifted)."""
    out: dict[str, str] = {}
    for side in SIDES:
        if _lifted(motion, side):
            continue
        out[side] = "toes" if motion.side("heel_raise", side) > 0.0 else "foot"
    return out


def _anchor(model: BodyModel, heads: np.ndarray, motion: Motion) -> np.ndarray | None:
    """The mean position of the planted bone heads (ankle joints or the toes' roots)."""
    points = []
    for side, part in planted(motion).items():
        s = _SUFFIX[side]
        names = [f"foot.{s}"] if part == "foot" else [f"{t}.{s}" for t in TOE_ROOTS]
        points.extend(heads[model.index[n]] for n in names)
    if not points:
        return None
    out: np.ndarray = np.mean(points, axis=0)
    return out


def _foot_axes(g_foot: Mat) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A foot's long axis (forward), and two unit axes across it: toward the person's left and
    toward the top of the foot."""
    forward = g_foot @ np.array([0.0, -1.0, 0.0])
    left = np.array([1.0, 0.0, 0.0]) - (forward[0]) * forward
    left /= np.linalg.norm(left)
    top = np.cross(forward, left)
    return forward, left, top


def _turn_leg(
    rot: dict[str, Mat], shifts: dict[str, np.ndarray], s: str, thigh: Mat, shank: Mat
) -> None:
    """Turns one leg's thigh and shank bones (and their shifts) by world rotations, in place."""
    for part, turn in (("upperleg", thigh), ("lowerleg", shank)):
        rot[f"{part}01.{s}"] = turn @ rot[f"{part}01.{s}"]
        if f"{part}02.{s}" in shifts:
            shifts[f"{part}02.{s}"] = turn @ shifts[f"{part}02.{s}"]


def bone_rotations(
    model: BodyModel,
    solved: Solved,
    motion: Motion,
    towel_target: np.ndarray | None = None,
    shoulders: dict[str, np.ndarray] | None = None,
) -> tuple[dict[str, Mat], dict[str, np.ndarray]]:
    """The solved pose's world bone rotations and shifts with ``motion`` applied."""
    rot = dict(solved.rotations)
    shifts = dict(solved.shifts)
    for side in SIDES:
        s = _SUFFIX[side]
        hip = motion.side("hip_flexion", side)
        knee = motion.side("knee_flexion", side)
        g_foot_flat = rot[f"foot.{s}"]
        if hip or knee:
            r_hip, r_knee = rot_x(-hip), rot_x(knee)
            _turn_leg(rot, shifts, s, r_hip, r_hip @ r_knee)
            rot[f"foot.{s}"] = r_hip @ r_knee @ rot[f"foot.{s}"]
        knee_in = motion.side("knee_in", side)
        if knee_in:
            toward = knee_in if side == "left" else -knee_in  # about the forward axis
            _turn_leg(rot, shifts, s, rot_y(toward), rot_y(-toward))
        pitch = motion.side("foot_pitch", side)
        if pitch:
            _, left, _ = _foot_axes(rot[f"foot.{s}"])
            rot[f"foot.{s}"] = rot_axis(left, pitch) @ rot[f"foot.{s}"]
        if motion.circle_side == side and motion.circle_tilt_deg:
            forward, left, top = _foot_axes(rot[f"foot.{s}"])
            phase = math.radians(motion.circle_phase_deg)
            # Tilting the long axis toward d = cos·left + sin·top is a rotation about forward × d.
            toward = math.cos(phase) * left + math.sin(phase) * top
            rot[f"foot.{s}"] = (
                rot_axis(np.cross(forward, toward), motion.circle_tilt_deg) @ rot[f"foot.{s}"]
            )
        raise_deg = motion.side("heel_raise", side)
        if raise_deg:
            _, left, _ = _foot_axes(g_foot_flat)
            rot[f"foot.{s}"] = rot_axis(left, raise_deg) @ g_foot_flat
            for toe in TOE_ROOTS:
                rot[f"{toe}.{s}"] = g_foot_flat
    if motion.trunk_flexion_deg:
        lean = rot_x(motion.trunk_flexion_deg)
        for name in ("spine05", "spine01"):
            rot[name] = lean @ rot[name]
    if motion.neck_back_deg:
        rot["neck01"] = rot_x(-motion.neck_back_deg) @ rot["neck01"]
    if motion.neck_side_deg:
        bend = rot_y(motion.neck_side_deg)
        rot["neck01"] = bend @ rot["neck01"]
        rot["head"] = bend @ rot["head"]
    if motion.neck_extension_deg:
        back = rot_x(-motion.neck_extension_deg)
        rot["neck01"] = back @ rot["neck01"]
        rot["head"] = back @ rot["head"]
    if motion.towel and towel_target is not None and shoulders is not None:
        for side in SIDES:
            s = _SUFFIX[side]
            reach = towel_target - shoulders[side]
            reach /= np.linalg.norm(reach)
            out = np.array([1.0 if side == "left" else -1.0, 0.0, 0.0])
            upper = reach + 0.25 * out
            fore = reach - 0.2 * out
            rot[f"upperarm01.{s}"] = rot_between(solved.dirs[f"arm{s}"], upper)
            rot[f"lowerarm01.{s}"] = rot_between(solved.dirs[f"forearm{s}"], fore)
    plant = planted(motion)
    if (motion.sway_forward_deg or motion.sway_lateral_deg) and plant:
        tilt = rot_x(motion.sway_forward_deg)
        legs = rot_y(motion.sway_lateral_deg)
        # A planted foot keeps its rotation (its toes, not named, follow it); raised heels keep
        # their flat toes; everything else named turns (what is not named follows its parent).
        keep = set()
        for side, part in plant.items():
            s = _SUFFIX[side]
            if part == "foot":
                keep.add(f"foot.{s}")
            else:
                keep.update(f"{t}.{s}" for t in TOE_ROOTS)
        for name in list(rot):
            if name in keep:
                continue
            leg = name.startswith(("upperleg01", "lowerleg01"))
            if leg and not _lifted(motion, "left" if name.endswith(".L") else "right"):
                rot[name] = tilt @ legs @ rot[name]
            else:
                rot[name] = tilt @ rot[name]
    return rot, shifts


def _towel_points(
    model: BodyModel, vertices: np.ndarray, kp: dict[str, np.ndarray], side: str
) -> tuple[np.ndarray, np.ndarray]:
    """The middle of a raised foot's sole and the sole's outward normal (away from the body)."""
    foot = vertices[model.foot_vertices[side]]
    heel, toe = kp[f"{side}_heel"], kp[f"{side}_foot_index"]
    ankle = kp[f"{side}_ankle"]
    along = (toe - heel) / np.linalg.norm(toe - heel)
    # The sole faces away from the ankle, across the foot's long axis.
    normal = (heel + toe) / 2 - ankle
    normal -= (normal @ along) * along
    normal /= np.linalg.norm(normal)
    depth = foot @ normal
    sole = foot[depth > depth.max() - 0.006]
    centre: np.ndarray = sole.mean(axis=0) + 0.004 * normal
    return centre, normal


def pose_frame(
    model: BodyModel, solved: Solved, motion: Motion, regions: np.ndarray
) -> tuple[PosedBody, dict[str, Any]]:
    """The body in ``motion``, stood (or laid) on the floor, and the frame's props.

    Returns the posed body and a dict of extra geometry in the same world frame: ``towel``
    (hands, sole centre and normal) when the motion has one.
    """
    props: dict[str, Any] = {}
    towel_target = shoulders = None
    if motion.towel:
        # First pass without the arms: where the sole is, and where the shoulders are.
        rot, shifts = bone_rotations(model, solved, Motion(**{**motion.changed(), "towel": ""}))
        first = model.forward(solved.body, rot, shifts)
        kp0, extras0 = model.points(first)
        towel_target, _ = _towel_points(model, first["vertices"], kp0, motion.towel)
        shoulders = {side: extras0[f"{side}_shoulder_joint"] for side in SIDES}
    rot, shifts = bone_rotations(model, solved, motion, towel_target, shoulders)
    run = model.forward(solved.body, rot, shifts)
    kp, extras = model.points(run)
    vertices = run["vertices"].copy()
    shift = np.zeros(3)
    reference = _anchor(model, solved.run["heads"], motion)
    if reference is not None:
        now = _anchor(model, run["heads"], motion)
        assert now is not None
        shift[:2] = (reference - now)[:2]
    vertices += shift
    kp = {k: v + shift for k, v in kp.items()}
    extras = {k: v + shift for k, v in extras.items()}
    if motion.towel:
        sole, normal = _towel_points(model, vertices, kp, motion.towel)
        props["towel"] = {
            "sole": sole,
            "normal": normal,
            "hands": {side: _hand(kp, extras, side) for side in SIDES},
        }
    if motion.lying:
        lay = rot_x(motion.lying_tilt_deg) @ LIE_DOWN
        vertices = vertices @ lay.T
        kp = {k: lay @ v for k, v in kp.items()}
        extras = {k: lay @ v for k, v in extras.items()}
        if "towel" in props:
            t = props["towel"]
            props["towel"] = {
                "sole": lay @ t["sole"],
                "normal": lay @ t["normal"],
                "hands": {side: lay @ p for side, p in t["hands"].items()},
            }
    floor = float(vertices[:, 2].min())
    lift = np.array([0.0, 0.0, -floor])
    vertices += lift
    kp = {k: v + lift for k, v in kp.items()}
    extras = {k: v + lift for k, v in extras.items()}
    if "towel" in props:
        t = props["towel"]
        t["sole"] = t["sole"] + lift
        t["hands"] = {side: p + lift for side, p in t["hands"].items()}
    soles = {s: float(vertices[model.foot_vertices[s], 2].min()) for s in SIDES}
    report = {
        "sole_height_mm": {s: round(1000 * soles[s], 2) for s in SIDES},
        "planted": planted(motion),
    }
    posed = PosedBody(
        vertices=vertices,
        faces=model.faces,
        regions=regions,
        keypoints=kp,
        extras=extras,
        stature=float(vertices[:, 2].max()),
        report=report,
    )
    return posed, props


def _hand(kp: dict[str, np.ndarray], extras: dict[str, np.ndarray], side: str) -> np.ndarray:
    """A point in the palm: the wrist moved on along the forearm by a third of its length."""
    wrist, elbow = kp[f"{side}_wrist"], kp[f"{side}_elbow"]
    out: np.ndarray = wrist + 0.3 * (wrist - elbow)
    return out


def towel_meshes(towel: dict[str, Any], colour: tuple[int, int, int]) -> list[Any]:
    """A towel looped under a sole, its two ends in the hands: three thin vertex-coloured boxes."""
    sole, normal = towel["sole"], towel["normal"]
    hands = towel["hands"]
    across = hands["left"] - hands["right"]
    across -= (across @ normal) * normal
    across /= np.linalg.norm(across)
    half = 0.055
    ends = {"left": sole + half * across, "right": sole - half * across}
    meshes = [_strap(ends["right"], ends["left"], normal, 0.075, colour)]
    for side in SIDES:
        meshes.append(_strap(ends[side], hands[side], across, 0.07, colour))
    return meshes


def _strap(
    a: np.ndarray, b: np.ndarray, flat: np.ndarray, width: float, colour: tuple[int, int, int]
) -> Any:
    """A thin box from a to b, ``width`` wide across ``flat`` x (b - a), 6 mm thick."""
    import trimesh

    along = b - a
    length = float(np.linalg.norm(along))
    along = along / length
    wide = np.cross(flat, along)
    if np.linalg.norm(wide) < 1e-9:
        wide = np.cross(np.array([0.0, 0.0, 1.0]), along)
    wide /= np.linalg.norm(wide)
    thick = np.cross(along, wide)
    box = trimesh.creation.box(extents=(length, width, 0.006))
    transform = np.eye(4)
    transform[:3, :3] = np.stack([along, wide, thick], axis=1)
    transform[:3, 3] = (a + b) / 2
    box.apply_transform(transform)
    box.visual.vertex_colors = np.tile(np.array([*colour, 255], dtype=np.uint8), (8, 1))
    return box


@dataclass(frozen=True)
class BackRest:
    """How a body lies on its back: the tilt, the neck's extension and both hips' extension."""

    tilt_deg: float
    neck_extension_deg: float
    hip_extension_deg: float
    #: Each part's lowest point above the floor (mm) once rested.
    heights_mm: dict[str, float]


def rest_on_back(model: BodyModel, solved: Solved, regions: np.ndarray) -> BackRest:
    """Lay the solved body on its back so that it rests rather than balances: tilt it until the
    upper back and the buttocks both touch, tip the head back onto the floor and extend both hips
    until the heels touch (a few forward passes; a rigid standing body cannot lie flat)."""
    tilt = neck = hips = 0.0
    heights: dict[str, float] = {}
    for _ in range(6):
        motion = Motion(lying=True, lying_tilt_deg=tilt, neck_extension_deg=neck,
                        hip_flexion_left=-hips, hip_flexion_right=-hips)  # fmt: skip
        posed, _ = pose_frame(model, solved, motion, regions)
        v, kp = posed.vertices, posed.keypoints
        along = v[:, 1]
        y_shoulder = float((kp["left_shoulder"][1] + kp["right_shoulder"][1]) / 2)
        y_hip = float((kp["left_hip"][1] + kp["right_hip"][1]) / 2)
        y_ear = float((kp["left_ear"][1] + kp["right_ear"][1]) / 2)
        feet = np.concatenate([model.foot_vertices[side] for side in SIDES])
        parts = {
            "upper_back": (along > y_shoulder - 0.22) & (along < y_shoulder + 0.02),
            "buttocks": (along > y_hip - 0.2) & (along < y_hip + 0.05),
            "head": along > y_ear - 0.04,
        }
        heights = {name: float(v[mask, 2].min()) for name, mask in parts.items()}
        heights["heels"] = float(v[feet, 2].min())
        lever = max(0.2, y_shoulder - y_hip)
        tilt -= math.degrees(math.atan2(heights["upper_back"] - heights["buttocks"], lever))
        neck += math.degrees(math.atan2(heights["head"] - heights["upper_back"] - 0.01, 0.2))
        neck = min(30.0, max(0.0, neck))
        hips += math.degrees(math.atan2(heights["heels"] - heights["buttocks"], 0.85))
        hips = min(15.0, max(0.0, hips))
    return BackRest(
        tilt_deg=round(tilt, 3),
        neck_extension_deg=round(neck, 3),
        hip_extension_deg=round(hips, 3),
        heights_mm={k: round(1000 * h, 1) for k, h in heights.items()},
    )
