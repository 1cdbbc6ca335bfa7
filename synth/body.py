"""The posed body: anny's mesh posed to a ``Posture``, stood on the floor, with its keypoints.

anny's default pose parameterisation (``local-ref``) takes, per bone, a rotation in world-aligned
axes about the bone's head, composed on its parent's. Here every pose is written as the *world*
rotation ``G`` each bone should have relative to its reference (rest) orientation; the delta
given to anny is then ``G_parent^T G``. A bone not named follows its parent.

World frame: z up, the person faces −y, +x is the person's left; after ``pose`` the lowest vertex
is at z = 0 and the pelvis (anny's root) stays above x = y = 0.

torch and anny are imported inside ``BodyModel.__init__``: importing this module costs nothing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from synth import truth
from synth.params import Body, Posture

Mat = np.ndarray
SIDES = ("left", "right")
_SUFFIX = {"left": "L", "right": "R"}
_SIGN = {"left": 1.0, "right": -1.0}

#: COCO-regressor labels used as-is for posecheck's landmarks of the same name.
_COCO_LANDMARKS = (
    "nose", "left_eye", "right_eye", "left_ear", "right_ear",
    "left_shoulder", "right_shoulder", "left_elbow", "right_elbow",
    "left_wrist", "right_wrist", "left_ankle", "right_ankle", "left_heel", "right_heel",
)  # fmt: skip
#: Segmentation colours of anny's UV region masks (body_parts_segmentation.yaml).
_SEGMENT_COLOURS: dict[str, tuple[int, int, int]] = {
    "body": (0, 0, 0),
    "head": (90, 86, 255),
    "hand.R": (255, 29, 35),
    "hand.L": (7, 255, 0),
    "eye_back.L": (255, 101, 0),
    "eye_front.L": (16, 231, 186),
    "eye_back.R": (24, 170, 109),
    "eye_front.R": (16, 115, 231),
    "eye_cavity.R": (253, 249, 16),
    "eye_cavity.L": (249, 108, 136),
    "mouth_cavity": (112, 172, 255),
    "foot.L": (254, 251, 251),
    "foot.R": (255, 0, 245),
    "tongue": (206, 153, 167),
}
POSE_ITERATIONS = 5


# --- rotations -----------------------------------------------------------------------------------


def rot_x(deg: float) -> Mat:
    """About +x: + tips an upward vector forward (toward −y)."""
    c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    return np.array([[1.0, 0.0, 0.0], [0.0, c, -s], [0.0, s, c]])


def rot_y(deg: float) -> Mat:
    """About +y: + tips an upward vector toward +x (the person's left)."""
    c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    return np.array([[c, 0.0, s], [0.0, 1.0, 0.0], [-s, 0.0, c]])


def rot_z(deg: float) -> Mat:
    """About +z (up): + turns a forward (−y) vector toward +x (the person's left)."""
    c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    return np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])


def rot_axis(axis: np.ndarray, deg: float) -> Mat:
    """Rodrigues: ``deg`` about the unit ``axis`` (right hand)."""
    a = axis / np.linalg.norm(axis)
    k = np.array([[0.0, -a[2], a[1]], [a[2], 0.0, -a[0]], [-a[1], a[0], 0.0]])
    t = math.radians(deg)
    out: np.ndarray = np.eye(3) + math.sin(t) * k + (1 - math.cos(t)) * (k @ k)
    return out


def rot_between(u: np.ndarray, v: np.ndarray) -> Mat:
    """The smallest rotation taking direction u to direction v."""
    a = u / np.linalg.norm(u)
    b = v / np.linalg.norm(v)
    axis = np.cross(a, b)
    sin = float(np.linalg.norm(axis))
    cos = float(a @ b)
    if sin < 1e-12:
        return np.eye(3)
    return rot_axis(axis, math.degrees(math.atan2(sin, cos)))


def _unit(v: np.ndarray) -> np.ndarray:
    out: np.ndarray = v / np.linalg.norm(v)
    return out


def limb_direction(lateral_deg: float, forward_deg: float, side: str) -> np.ndarray:
    """A downward unit direction tilted ``lateral_deg`` toward the side's outside (frontal plane)
    and ``forward_deg`` forward (sagittal plane)."""
    x = _SIGN[side] * math.tan(math.radians(lateral_deg))
    y = -math.tan(math.radians(forward_deg))
    return _unit(np.array([x, y, -1.0]))


# --- results -------------------------------------------------------------------------------------


@dataclass
class PosedBody:
    """A posed body standing on the floor (world frame above)."""

    vertices: np.ndarray  # (V, 3) metres
    faces: np.ndarray  # (F, 3) int
    regions: np.ndarray  # (V,) int: index into REGIONS
    keypoints: dict[str, np.ndarray]  # posecheck landmark name -> (3,)
    extras: dict[str, np.ndarray]  # other named points (alternatives, second toes, ...)
    stature: float  # floor to the top of the head, metres
    report: dict[str, Any] = field(default_factory=dict)  # how the posing went

    def second_toes(self) -> dict[str, np.ndarray]:
        return {side: self.extras[f"{side}_second_toe"] for side in SIDES}

    def measures(self) -> dict[str, dict[str, float]]:
        return truth.all_measures(self.keypoints, self.second_toes(), self.stature)


@dataclass
class Solved:
    """A posture solved for a body (``BodyModel.solve``), not yet stood on the floor.

    ``rotations`` / ``shifts`` are the world bone rotations and shifts of the last solver pass,
    ``run`` what that pass gave (anny's frame), ``rest`` the unposed body's pass and ``dirs`` its
    limb directions (keys ``thighL``, ``shankR``, ``armL``, ``forearmR``, ...).
    """

    body: Body
    posture: Posture
    rest: dict[str, np.ndarray]
    dirs: dict[str, np.ndarray]
    controls: _Controls
    history: list[dict[str, float]]
    rotations: dict[str, Mat]
    shifts: dict[str, np.ndarray]
    run: dict[str, np.ndarray]
    keypoints: dict[str, np.ndarray]
    extras: dict[str, np.ndarray]


REGIONS = ("skin", "hair", "top", "shorts", "sclera", "iris", "lips", "brow", "cavity", "sleeve")


# --- the model -----------------------------------------------------------------------------------


@dataclass
class _Controls:
    """The posing knobs the solver turns (degrees, metres)."""

    pelvis: float = 0.0
    abduction: dict[str, float] = field(default_factory=dict)
    valgus: dict[str, float] = field(default_factory=dict)
    sagittal: dict[str, float] = field(default_factory=dict)
    foot_yaw: dict[str, float] = field(default_factory=dict)
    shorten: dict[str, float] = field(default_factory=dict)
    knee_rise: dict[str, float] = field(default_factory=dict)
    trunk_bend: float = 0.0
    trunk_lean: float = 0.0
    clavicle: float = 0.0
    head_tilt: float = 0.0


class BodyModel:
    """anny loaded once (≈160 s the very first time, cached in ~/.cache/anny; ≈1 s after)."""

    def __init__(self) -> None:
        import anny
        import torch

        torch.set_num_threads(max(1, min(2, torch.get_num_threads())))
        self._torch = torch
        self.model = anny.Anny()
        self.regressor = anny.KeypointsRegressor.coco(self.model)
        self.labels: list[str] = list(self.model.bone_labels)
        self.index = {name: i for i, name in enumerate(self.labels)}
        self.parents = [int(p) for p in self.model.bone_parents]
        self.faces = self.model.get_triangular_faces().cpu().numpy().astype(np.int64)
        weights = self.model.vertex_bone_weights.cpu().numpy()
        bones = self.model.vertex_bone_indices.cpu().numpy()
        self.dominant = bones[np.arange(len(bones)), weights.argmax(axis=1)]
        self.segments = self._segments(anny)
        self.n_vertices = len(self.dominant)
        self.foot_vertices = {
            side: np.flatnonzero(
                np.isin(
                    self.dominant,
                    [
                        i
                        for n, i in self.index.items()
                        if n.endswith(f".{_SUFFIX[side]}") and (n.startswith(("foot", "toe")))
                    ],
                )
            )
            for side in SIDES
        }
        rest = self._run(Body(), {}, {})
        self.second_toe_vertex = {}
        for side in SIDES:
            tip = self.index[f"toe2-3.{_SUFFIX[side]}"]
            candidates = np.flatnonzero(self.dominant == tip)
            self.second_toe_vertex[side] = int(
                candidates[np.argmin(rest["vertices"][candidates, 1])]
            )

    # --- low level ---

    def forward(
        self, body: Body, rotations: dict[str, Mat], shifts: dict[str, np.ndarray]
    ) -> dict[str, np.ndarray]:
        """One forward pass from world bone rotations (see the module docstring): vertices,
        bone heads and COCO keypoints, in anny's frame (not stood on the floor)."""
        return self._run(body, rotations, shifts)

    def points(self, run: dict[str, np.ndarray]) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
        """posecheck-named keypoints and the extras of a forward pass."""
        return self._points(run)

    def regions(self, solved: Solved) -> np.ndarray:
        """Each vertex's colour region for the solved body (decided on its rest pose)."""
        return self._regions(solved.rest)

    def _segments(self, anny: Any) -> np.ndarray:
        """Each vertex's UV region (index into _SEGMENT_COLOURS), from the wheel's mask image."""
        from PIL import Image

        path = anny.paths.get_anny_root_dir() / "data" / "segmentation"
        image = np.asarray(Image.open(path / "body_parts_segmentation.png").convert("RGB"))
        uv = self.model.texture_coordinates.cpu().numpy()
        face_uv = self.model.face_texture_coordinate_indices.cpu().numpy()
        faces = self.model.faces.cpu().numpy()
        h, w = image.shape[:2]
        names = list(_SEGMENT_COLOURS)
        palette = np.array([_SEGMENT_COLOURS[n] for n in names], dtype=float)
        out = np.zeros(int(faces.max()) + 1, dtype=np.int64)
        corners_v = faces.reshape(-1)
        corners_uv = uv[face_uv.reshape(-1)]
        px = np.clip((corners_uv[:, 0] * (w - 1)).round().astype(int), 0, w - 1)
        py = np.clip(((1 - corners_uv[:, 1]) * (h - 1)).round().astype(int), 0, h - 1)
        colours = image[py, px].astype(float)
        nearest = np.argmin(((colours[:, None, :] - palette[None]) ** 2).sum(-1), axis=1)
        out[corners_v] = nearest
        return out

    def _run(
        self, body: Body, rotations: dict[str, Mat], shifts: dict[str, np.ndarray]
    ) -> dict[str, np.ndarray]:
        """One forward pass: vertices, bone heads and COCO keypoints (numpy, anny's frame)."""
        torch = self._torch
        n = len(self.labels)
        g_eff: list[Mat] = []
        deltas = np.tile(np.eye(4), (n, 1, 1))
        for i, name in enumerate(self.labels):
            parent = self.parents[i]
            g_parent = g_eff[parent] if parent >= 0 else np.eye(3)
            g = rotations.get(name, g_parent)
            g_eff.append(g)
            deltas[i, :3, :3] = g_parent.T @ g
            if name in shifts:
                deltas[i, :3, 3] = g_parent.T @ shifts[name]
        phenotype = {
            key: torch.tensor([float(getattr(body, key))], dtype=self.model.dtype)
            for key in ("gender", "age", "muscle", "weight", "height", "proportions")
        }
        pose = torch.tensor(deltas[None], dtype=self.model.dtype)
        with torch.no_grad():
            out = self.model(pose_parameters=pose, phenotype_kwargs=phenotype)
            keypoints = self.regressor(out)[0].cpu().numpy().astype(float)
        return {
            "vertices": out["vertices"][0].cpu().numpy().astype(float),
            "heads": out["bone_poses"][0, :, :3, 3].cpu().numpy().astype(float),
            "coco": keypoints,
        }

    def _points(self, run: dict[str, np.ndarray]) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
        """posecheck-named keypoints and the extras, from one forward pass."""
        coco = dict(zip(self.regressor.labels, run["coco"], strict=True))
        heads = run["heads"]
        kp: dict[str, np.ndarray] = {name: coco[name] for name in _COCO_LANDMARKS}
        extras: dict[str, np.ndarray] = {}
        for side in SIDES:
            s = _SUFFIX[side]
            kp[f"{side}_hip"] = heads[self.index[f"upperleg01.{s}"]]
            kp[f"{side}_knee"] = heads[self.index[f"lowerleg01.{s}"]]
            kp[f"{side}_foot_index"] = coco[f"{side}_big_toe"]
            extras[f"{side}_second_toe"] = run["vertices"][self.second_toe_vertex[side]]
            extras[f"{side}_small_toe"] = coco[f"{side}_small_toe"]
            extras[f"{side}_hip_coco"] = coco[f"{side}_hip"]
            extras[f"{side}_knee_coco"] = coco[f"{side}_knee"]
            extras[f"{side}_ankle_joint"] = heads[self.index[f"foot.{s}"]]
            extras[f"{side}_shoulder_joint"] = heads[self.index[f"upperarm01.{s}"]]
        return kp, extras

    # --- posing ---

    def pose(self, body: Body, posture: Posture) -> PosedBody:
        """Pose ``body`` to ``posture`` (a few solver passes, ≈0.1 s each) and stand it."""
        return self._stand(self.solve(body, posture))

    def solve(self, body: Body, posture: Posture) -> Solved:
        """The solver passes of :meth:`pose`, before the body is stood on the floor: the bone
        rotations of the last pass, and what they gave (``synth.motion`` poses clip frames on
        top of them)."""
        rest = self._run(body, {}, {})
        heads = {name: rest["heads"][i] for name, i in self.index.items()}
        rest_kp, rest_extras = self._points(rest)

        def seg(a: str, b: str) -> np.ndarray:
            return _unit(heads[b] - heads[a])

        dirs = {}
        for side in SIDES:
            s = _SUFFIX[side]
            dirs[f"thigh{s}"] = seg(f"upperleg01.{s}", f"lowerleg01.{s}")
            dirs[f"shank{s}"] = seg(f"lowerleg01.{s}", f"foot.{s}")
            dirs[f"arm{s}"] = seg(f"upperarm01.{s}", f"lowerarm01.{s}")
            dirs[f"forearm{s}"] = seg(f"lowerarm01.{s}", f"wrist.{s}")
        leg_length = float(
            np.mean(
                [
                    np.linalg.norm(heads[f"upperleg01.{s}"] - heads[f"foot.{s}"])
                    for s in _SUFFIX.values()
                ]
            )
        )
        hip_width = float(np.linalg.norm(rest_kp["left_hip"] - rest_kp["right_hip"]))
        trunk_lever = float(heads["spine01"][2] - heads["spine05"][2])
        rest_square = truth.square_on_measures(
            rest_kp, {side: rest_extras[f"{side}_second_toe"] for side in SIDES}
        )

        toe = {"left": posture.toe_out_left, "right": posture.toe_out_right}
        valgus = {"left": posture.valgus_left, "right": posture.valgus_right}
        spread = max(posture.stance - 1.0, -0.6) * hip_width / 2
        abduction = math.degrees(math.atan2(spread, leg_length))
        c = _Controls(
            pelvis=posture.pelvic_tilt,
            abduction={s: abduction for s in SIDES},
            valgus=dict(valgus),
            sagittal={s: posture.knee_hyperextension for s in SIDES},
            foot_yaw={s: toe[s] - rest_square[f"{s}_foot_angle"] for s in SIDES},
            shorten={s: 0.0 for s in SIDES},
            knee_rise={s: 0.0 for s in SIDES},
            trunk_bend=math.degrees(
                math.asin(max(-0.5, min(0.5, posture.trunk_shift / 100 * hip_width / trunk_lever)))
            ),
            trunk_lean=posture.trunk_lean,
            clavicle=posture.shoulder_tilt / 0.85,
            head_tilt=posture.head_tilt,
        )
        low_side = "right" if posture.pelvic_tilt > 0 else "left"
        high_side = "left" if low_side == "right" else "right"
        bent = posture.pelvic_mode == "bent_knee" and abs(posture.pelvic_tilt) > 1e-6
        if posture.pelvic_mode not in ("short_leg", "bent_knee"):
            raise ValueError(
                f"pelvic_mode: expected short_leg or bent_knee, got {posture.pelvic_mode}"
            )

        run: dict[str, np.ndarray] = rest
        kp, extras = rest_kp, rest_extras
        history: list[dict[str, float]] = []
        rotations: dict[str, Mat] = {}
        shifts: dict[str, np.ndarray] = {}
        for _ in range(POSE_ITERATIONS):
            rotations, shifts = self._pose_bones(c, posture, dirs, leg_length, bent, low_side)
            run = self._run(body, rotations, shifts)
            kp, extras = self._points(run)
            soles = {s: float(run["vertices"][self.foot_vertices[s], 2].min()) for s in SIDES}
            square = truth.square_on_measures(
                kp, {side: extras[f"{side}_second_toe"] for side in SIDES}
            )
            sides = [truth.side_measures(kp, s, 1.0) for s in SIDES]
            lean = float(np.mean([m["trunk_lean"] for m in sides]))
            step = {
                "pelvic_tilt": posture.pelvic_tilt - square["pelvic_tilt"],
                "shoulder_tilt": posture.shoulder_tilt - square["shoulder_tilt"],
                "head_tilt": posture.head_tilt - square["head_tilt"],
                "trunk_shift": posture.trunk_shift - square["trunk_shift"],
                "trunk_lean": posture.trunk_lean - lean,
                "stance_width": posture.stance - square["stance_width"],
                "sole_gap_m": soles[high_side] - soles[low_side],
            }
            for s in SIDES:
                step[f"{s}_foot_angle"] = toe[s] - square[f"{s}_foot_angle"]
                step[f"{s}_knee_angle_frontal"] = valgus[s] - square[f"{s}_knee_angle_frontal"]
                sag = truth.knee_sagittal(kp[f"{s}_hip"], kp[f"{s}_knee"], kp[f"{s}_ankle"])
                # The bent knee of a "bent_knee" pelvic tilt is set by the floor, not the target.
                wanted = sag if (bent and s == low_side) else posture.knee_hyperextension
                step[f"{s}_knee_sagittal"] = wanted - sag
            history.append(step)
            c.pelvis += step["pelvic_tilt"]
            c.clavicle += step["shoulder_tilt"] / 0.85
            c.head_tilt += step["head_tilt"]
            c.trunk_bend += math.degrees(step["trunk_shift"] / 100 * hip_width / trunk_lever)
            c.trunk_lean += step["trunk_lean"]
            for s in SIDES:
                c.foot_yaw[s] += step[f"{s}_foot_angle"]
                c.valgus[s] += step[f"{s}_knee_angle_frontal"]
                c.abduction[s] += math.degrees(step["stance_width"] * hip_width / 2 / leg_length)
                if not (bent and s == low_side):
                    c.sagittal[s] += step[f"{s}_knee_sagittal"]
            if bent:
                c.knee_rise[low_side] += step["sole_gap_m"]
            else:
                c.shorten[low_side] += step["sole_gap_m"]
                c.shorten[low_side] = max(0.0, c.shorten[low_side])

        return Solved(
            body=body,
            posture=posture,
            rest=rest,
            dirs=dirs,
            controls=c,
            history=history,
            rotations=rotations,
            shifts=shifts,
            run=run,
            keypoints=kp,
            extras=extras,
        )

    def _stand(self, solved: Solved) -> PosedBody:
        """The solved body stood on the floor (lowest vertex at z = 0), with its report."""
        run, kp, extras = solved.run, solved.keypoints, solved.extras
        rest, c, history = solved.rest, solved.controls, solved.history
        vertices = run["vertices"].copy()
        floor = float(vertices[:, 2].min())
        lift = np.array([0.0, 0.0, -floor])
        vertices += lift
        kp = {k: v + lift for k, v in kp.items()}
        extras = {k: v + lift for k, v in extras.items()}
        soles = {s: float(vertices[self.foot_vertices[s], 2].min()) for s in SIDES}
        regions = self._regions(rest)
        report = {
            "iterations": POSE_ITERATIONS,
            "residuals": {k: round(v, 4) for k, v in history[-1].items()},
            "sole_height_mm": {s: round(1000 * soles[s], 2) for s in SIDES},
            "leg_shortened_mm": {s: round(1000 * c.shorten[s], 2) for s in SIDES},
            "knee_rise_mm": {s: round(1000 * c.knee_rise[s], 2) for s in SIDES},
        }
        return PosedBody(
            vertices=vertices,
            faces=self.faces,
            regions=regions,
            keypoints=kp,
            extras=extras,
            stature=float(vertices[:, 2].max()),
            report=report,
        )

    def _pose_bones(
        self,
        c: _Controls,
        posture: Posture,
        dirs: dict[str, np.ndarray],
        leg_length: float,
        bent: bool,
        low_side: str,
    ) -> tuple[dict[str, Mat], dict[str, np.ndarray]]:
        rotations: dict[str, Mat] = {}
        shifts: dict[str, np.ndarray] = {}
        # Pelvis: + lifts the left hip (rot_y + would lower +x).
        rotations["root"] = rot_y(-c.pelvis)
        for side in SIDES:
            s = _SUFFIX[side]
            sag = c.sagittal[side]
            if bent and side == low_side:
                ratio = max(-1.0, min(1.0, 1.0 - c.knee_rise[side] / leg_length))
                sag = -2.0 * math.degrees(math.acos(ratio))
            thigh = limb_direction(c.abduction[side] - c.valgus[side] / 2, -sag / 2, side)
            shank = limb_direction(c.abduction[side] + c.valgus[side] / 2, sag / 2, side)
            twist = _SIGN[side] * posture.toe_out_from_hip * c.foot_yaw[side]
            rotations[f"upperleg01.{s}"] = rot_axis(-thigh, twist) @ rot_between(
                dirs[f"thigh{s}"], thigh
            )
            rotations[f"lowerleg01.{s}"] = rot_axis(-shank, twist) @ rot_between(
                dirs[f"shank{s}"], shank
            )
            rotations[f"foot.{s}"] = rot_z(_SIGN[side] * c.foot_yaw[side])
            if c.shorten[side] > 0:
                half = np.array([0.0, 0.0, c.shorten[side] / 2])
                shifts[f"upperleg02.{s}"] = half
                shifts[f"lowerleg02.{s}"] = half
            # Arms hang from the shoulders, a little out and the elbows a little bent.
            arm = limb_direction(posture.arm_abduction, -2.0, side)
            forearm = limb_direction(posture.arm_abduction * 0.6, 12.0, side)
            rotations[f"upperarm01.{s}"] = rot_between(dirs[f"arm{s}"], arm)
            rotations[f"lowerarm01.{s}"] = rot_between(dirs[f"forearm{s}"], forearm)
        # Trunk: a lateral S (bend low, straighten high) shifts the shoulders sideways level.
        lean = rot_x(c.trunk_lean)
        rotations["spine05"] = rot_y(c.trunk_bend) @ lean
        rotations["spine01"] = lean
        girdle = lean @ rot_y(-c.clavicle)
        rotations["clavicle.L"] = girdle
        rotations["clavicle.R"] = girdle
        rotations["neck01"] = rot_x(posture.head_forward)
        rotations["head"] = rot_y(c.head_tilt)
        # shifts are world vectors; _run turns them into the parent's frame.
        return rotations, shifts

    # --- colours ---

    def _regions(self, rest: dict[str, np.ndarray]) -> np.ndarray:
        """Each vertex's colour region, decided on the rest pose of this body."""
        v = rest["vertices"]
        kp, _ = self._points(rest)
        heads = {name: rest["heads"][i] for name, i in self.index.items()}
        names = list(_SEGMENT_COLOURS)
        seg = np.array(names, dtype=object)[self.segments]
        bone = np.array(self.labels, dtype=object)[self.dominant]
        out = np.zeros(len(v), dtype=np.int64)
        region = {name: i for i, name in enumerate(REGIONS)}

        head = seg == "head"
        eye_z = (kp["left_eye"][2] + kp["right_eye"][2]) / 2
        eye_y = (kp["left_eye"][1] + kp["right_eye"][1]) / 2
        ear_z = (kp["left_ear"][2] + kp["right_ear"][2]) / 2
        ear_y = (kp["left_ear"][1] + kp["right_ear"][1]) / 2
        scale = float(np.linalg.norm(kp["left_ear"] - kp["right_ear"])) / 0.142
        nose = kp["nose"]
        x, y, z = v[:, 0], v[:, 1], v[:, 2]
        hair = head & (
            (z > eye_z + 0.045 * scale)
            | ((y > ear_y + 0.01 * scale) & (z > ear_z - 0.035 * scale))
            | ((y > ear_y - 0.02 * scale) & (z > eye_z + 0.02 * scale))
        )
        out[hair] = region["hair"]
        brow = (
            head
            & (z > eye_z + 0.012 * scale)
            & (z < eye_z + 0.022 * scale)
            & (np.abs(x) > 0.01 * scale)
            & (np.abs(x) < 0.052 * scale)
            & (y < eye_y + 0.01 * scale)
        )
        out[brow] = region["brow"]
        lips = (
            head
            & (np.abs(x) < 0.022 * scale)
            & (z < nose[2] - 0.022 * scale)
            & (z > nose[2] - 0.045 * scale)
            & (y < nose[1] + 0.035 * scale)
        )
        out[lips] = region["lips"]
        out[np.isin(seg, ["eye_back.L", "eye_back.R"])] = region["sclera"]
        out[np.isin(seg, ["eye_front.L", "eye_front.R"])] = region["iris"]
        out[np.isin(seg, ["eye_cavity.L", "eye_cavity.R", "mouth_cavity", "tongue"])] = region[
            "cavity"
        ]

        hip_z = float((heads["upperleg01.L"][2] + heads["upperleg01.R"][2]) / 2)
        knee_z = float((heads["lowerleg01.L"][2] + heads["lowerleg01.R"][2]) / 2)
        neck_z = float(heads["neck01"][2])
        arm_prefixes = ("upperarm", "lowerarm", "wrist", "finger", "metacarpal")
        limb = np.array([b.startswith(arm_prefixes) for b in bone])
        body_part = (seg == "body") & ~limb
        waist = hip_z + 0.11 * scale
        shorts = body_part & (z < waist) & (z > hip_z - 0.5 * (hip_z - knee_z))
        out[shorts] = region["shorts"]
        sleeve = np.zeros(len(v), dtype=bool)
        for s in _SUFFIX.values():
            shoulder = heads[f"upperarm01.{s}"]
            elbow = heads[f"lowerarm01.{s}"]
            axis = _unit(elbow - shoulder)
            along = (v - shoulder) @ axis
            arm_bones = [f"upperarm01.{s}", f"upperarm02.{s}", f"shoulder01.{s}"]
            sleeve |= (seg == "body") & np.isin(bone, arm_bones) & (along < 0.11 * scale)
        top_zone = (seg == "body") & (z >= waist) & (z < neck_z - 0.005 * scale)
        top = top_zone & ~limb
        out[top] = region["top"]
        out[sleeve & (z < neck_z - 0.005 * scale)] = region["sleeve"]
        return out
