"""The app's pictures, rendered from the body model: ``python -m synth.pictures --out
posecheck/data/pictures [--only TEXT]``.

Two kinds, both small JPEGs (at most ``MAX_BYTES`` each) with an index ``pictures.json`` that
holds each picture's caption (its text alternative) and, for the capture guide, one line of
advice:

- ``guide/<name>.jpg``: how to take the photos (where the phone goes, the three views, a photo
  taken too close, a tilted phone);
- ``exercises/<exercise_id>-<n>.jpg``: each key position of each catalogue exercise.

A pose here is written as world directions of body segments in the standing frame of body.py
(z up, the person faces −y, +x is the person's left), then the whole body may be laid down
(on the back or on the right side) and rested on the floor. Props are plain boxes, cylinders and
spheres. Made once by developers (``make pictures``); the app only reads the files.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from synth.body import SIDES, BodyModel, PosedBody, Solved, rot_axis, rot_between, rot_x, rot_y
from synth.params import Appearance, Body, Camera, Posture, Scene

PICTURES_FORMAT = "posecheck-pictures/1"
MAX_BYTES = 40_000
PORTRAIT = (360, 480)
LANDSCAPE = (480, 360)
GUIDE_SIZE = (300, 400)
_SUFFIX = {"left": "L", "right": "R"}
_SIGN = {"left": 1.0, "right": -1.0}
TOES = tuple(f"toe{i}-1" for i in range(1, 6))

WOMAN = Body(gender=1.0, age=0.62, weight=0.45, muscle=0.45, height=0.5)
MAN = Body(gender=0.0, age=0.7, weight=0.5, muscle=0.55, height=0.6)
LOOK = Appearance(skin=(224, 178, 150), hair=(95, 70, 45), top=(70, 130, 180),
                  shorts=(45, 45, 55), sleeves=False)  # fmt: skip
LOOK_MAN = Appearance(skin=(180, 130, 100), hair=(30, 25, 22), top=(200, 90, 60),
                      shorts=(40, 55, 90))  # fmt: skip
STUDIO = Scene(background="plain", wall=(232, 230, 224), floor=(196, 186, 170), noise=0.0,
               light_azimuth_deg=30.0, light_elevation_deg=55.0, ambient=0.45,
               wall_distance_m=2.0)  # fmt: skip
ROOM = Scene(background="room", noise=0.0, ambient=0.45, door_offset_m=1.1)
NEUTRAL = Posture(toe_out_left=7.0, toe_out_right=7.0, stance=1.05, arm_abduction=8.0)
WOOD = (150, 110, 75)
WALL_PROP = (215, 215, 208)


# --- directions and primitives ------------------------------------------------------------------


def seg(pitch: float, out: float = 0.0, side: str = "left") -> np.ndarray:
    """A unit direction: ``pitch`` degrees from straight down toward the front (90 forward,
    180 up, −90 backward), then ``out`` degrees toward the side's outside."""
    p = math.radians(pitch)
    down_front = np.array([0.0, -math.sin(p), -math.cos(p)])
    out_vec: np.ndarray = rot_y(-_SIGN[side] * out) @ down_front
    return out_vec / np.linalg.norm(out_vec)


def _coloured(mesh: Any, colour: tuple[int, int, int]) -> Any:
    mesh.visual.vertex_colors = np.tile(np.array([*colour, 255], dtype=np.uint8),
                                        (len(mesh.vertices), 1))  # fmt: skip
    return mesh


def box(lo: Sequence[float], hi: Sequence[float], colour: tuple[int, int, int]) -> Any:
    """An axis-aligned box between two corners."""
    import trimesh

    lo_a, hi_a = np.asarray(lo, float), np.asarray(hi, float)
    mesh = trimesh.creation.box(extents=hi_a - lo_a)
    mesh.apply_translation((lo_a + hi_a) / 2)
    return _coloured(mesh, colour)


def sphere(centre: np.ndarray, radius: float, colour: tuple[int, int, int]) -> Any:
    import trimesh

    mesh = trimesh.creation.icosphere(subdivisions=3, radius=radius)
    mesh.apply_translation(centre)
    return _coloured(mesh, colour)


def rod(a: np.ndarray, b: np.ndarray, radius: float, colour: tuple[int, int, int]) -> Any:
    import trimesh

    mesh = trimesh.creation.cylinder(radius=radius, segment=np.stack([a, b]), sections=12)
    return _coloured(mesh, colour)


# --- a body in a pose ----------------------------------------------------------------------------


@dataclass
class Figure:
    """A posed body placed in the world, its props, and what the camera should frame."""

    posed: PosedBody
    props: list[Any] = field(default_factory=list)
    #: Vertex indices (into ``posed.vertices``) the picture must show; all when None.
    focus: np.ndarray | None = None
    #: More world points the picture must show (props).
    extra: np.ndarray | None = None

    def shift(self, offset: np.ndarray) -> None:
        self.posed.vertices = self.posed.vertices + offset
        self.posed.keypoints = {k: v + offset for k, v in self.posed.keypoints.items()}
        if self.extra is not None:
            self.extra = self.extra + offset
        for prop in self.props:
            prop.apply_translation(offset)


class Poser:
    """Bone rotations on top of a solved standing posture (world rotations, see body.py)."""

    def __init__(self, studio: Studio, solved: Solved) -> None:
        self.studio = studio
        self.model = studio.model
        self.solved = solved
        self.rot = dict(solved.rotations)
        self.shifts = dict(solved.shifts)

    def leg(self, side: str, thigh: np.ndarray | None = None,
            shank: np.ndarray | None = None) -> Poser:  # fmt: skip
        s = _SUFFIX[side]
        if thigh is not None:
            self.rot[f"upperleg01.{s}"] = rot_between(self.solved.dirs[f"thigh{s}"], thigh)
        if shank is not None:
            self.rot[f"lowerleg01.{s}"] = rot_between(self.solved.dirs[f"shank{s}"], shank)
        return self

    def foot(self, side: str, pitch: float = 0.0, roll: float = 0.0, yaw: float = 0.0) -> Poser:
        """The foot turned from flat: ``pitch`` + toes down, ``roll`` + sole turned inward,
        ``yaw`` + toes outward."""
        s = _SUFFIX[side]
        turn = rot_x(pitch) @ rot_axis(np.array([0.0, -1.0, 0.0]), _SIGN[side] * roll)
        yaw_turn = rot_axis(np.array([0.0, 0.0, 1.0]), _SIGN[side] * yaw)
        self.rot[f"foot.{s}"] = yaw_turn @ turn @ self.solved.rotations[f"foot.{s}"]
        return self

    def toes(self, side: str, curl: float, spread: float = 0.0) -> Poser:
        """The toes bent from the foot: ``curl`` + down (gripping), − up; ``spread`` fans them."""
        s = _SUFFIX[side]
        foot = self.rot.get(f"foot.{s}", self.solved.rotations[f"foot.{s}"])
        for i, toe in enumerate(TOES):
            fan = _SIGN[side] * spread * (-1.0 + i / 2.0)
            bend = foot @ rot_x(curl) @ rot_axis(np.array([0.0, 0.0, 1.0]), fan)
            self.rot[f"{toe}.{s}"] = bend
            for joint in (2, 3):
                name = f"{toe[:-2]}-{joint}.{s}"
                if name in self.model.index:
                    self.rot[name] = (
                        foot
                        @ rot_x(curl * (0.6 if curl > 0 else 0.2))
                        @ (rot_axis(np.array([0.0, 0.0, 1.0]), fan))
                    )
        return self

    def heels_up(self, deg: float, sides: Sequence[str] = SIDES) -> Poser:
        """Up onto the balls of the feet (the toes stay flat), as ``synth.motion`` does."""
        for side in sides:
            s = _SUFFIX[side]
            flat = self.solved.rotations[f"foot.{s}"]
            forward = flat @ np.array([0.0, -1.0, 0.0])
            left = np.array([1.0, 0.0, 0.0]) - forward[0] * forward
            self.rot[f"foot.{s}"] = rot_axis(left / np.linalg.norm(left), deg) @ flat
            for toe in TOES:
                self.rot[f"{toe}.{s}"] = flat
        return self

    def arm(self, side: str, upper: np.ndarray, fore: np.ndarray | None = None) -> Poser:
        s = _SUFFIX[side]
        self.rot[f"upperarm01.{s}"] = rot_between(self.solved.dirs[f"arm{s}"], upper)
        self.rot[f"lowerarm01.{s}"] = rot_between(self.solved.dirs[f"forearm{s}"],
                                                  upper if fore is None else fore)  # fmt: skip
        return self

    def trunk(self, lean: float = 0.0, side: float = 0.0) -> Poser:
        """The spine bent ``lean`` degrees forward (+) and ``side`` toward the left (+)."""
        turn = rot_x(lean) @ rot_y(side)
        for i, name in enumerate(("spine05", "spine04", "spine03", "spine02", "spine01"), 1):
            self.rot[name] = rot_x(lean * i / 5) @ rot_y(side * i / 5)
        for s in ("L", "R"):
            clavicle = self.solved.rotations.get(f"clavicle.{s}", np.eye(3))
            self.rot[f"clavicle.{s}"] = turn @ clavicle
        self.rot["neck01"] = turn
        self.rot["head"] = turn
        return self

    def head(self, forward: float = 0.0, tilt: float = 0.0, glide: float = 0.0) -> Poser:
        """The neck bent ``forward`` (+ chin down) and ``tilt`` (+ ear to the left shoulder);
        ``glide`` + pokes the head forward with the gaze level, − draws it back (a chin tuck)."""
        base = self.rot.get("spine01", np.eye(3))
        self.rot["neck01"] = base @ rot_x(forward / 2 + glide) @ rot_y(tilt / 2)
        self.rot["head"] = base @ rot_x(forward) @ rot_y(tilt)
        return self

    def seated(self, thigh_pitch: float = 90.0, shank_pitch: float = 5.0) -> Poser:
        for side in SIDES:
            self.leg(side, seg(thigh_pitch, 4, side), seg(shank_pitch, 3, side))
        for side in SIDES:
            self.arm(side, seg(25, 12, side), seg(75, 8, side))
        return self

    def build(self) -> PosedBody:
        """The body in this pose (not yet placed: anny's frame)."""
        run = self.model.forward(self.solved.body, self.rot, self.shifts)
        kp, extras = self.model.points(run)
        return PosedBody(vertices=run["vertices"].copy(), faces=self.model.faces,
                         regions=self.studio.regions[id(self.solved)], keypoints=kp,
                         extras=extras, stature=0.0)  # fmt: skip


def turned(posed: PosedBody, rotation: np.ndarray) -> PosedBody:
    return replace(
        posed,
        vertices=posed.vertices @ rotation.T,
        keypoints={k: rotation @ v for k, v in posed.keypoints.items()},
    )


def floored(posed: PosedBody) -> PosedBody:
    """Lowest vertex at z = 0, centred over the origin."""
    v = posed.vertices
    offset = np.array([-(v[:, 0].min() + v[:, 0].max()) / 2,
                       -(v[:, 1].min() + v[:, 1].max()) / 2, -v[:, 2].min()])  # fmt: skip
    return replace(
        posed,
        vertices=v + offset,
        keypoints={k: p + offset for k, p in posed.keypoints.items()},
        stature=float((v[:, 2] + offset[2]).max()),
    )


LIE_ON_BACK = rot_x(-90.0)  # head toward +y, face up
LIE_ON_RIGHT = rot_y(-90.0)  # head toward −x, the right side down, face toward −y


def settle(
    posed: PosedBody,
    base: np.ndarray,
    axis: str,
    contacts: tuple[np.ndarray, np.ndarray],
    span: tuple[float, float] = (-40.0, 40.0),
) -> PosedBody:
    return settle_angle(posed, base, axis, contacts, span)[0]


def settle_angle(
    posed: PosedBody,
    base: np.ndarray,
    axis: str,
    contacts: tuple[np.ndarray, np.ndarray],
    span: tuple[float, float] = (-40.0, 40.0),
) -> tuple[PosedBody, float]:
    """Lay the body down by ``base`` then tip it about the world ``axis`` ("x" or "y") so that
    both groups of vertices in ``contacts`` touch the floor (their lowest points level)."""
    turn = rot_x if axis == "x" else rot_y
    a, b = contacts

    def gap(deg: float) -> float:
        v = posed.vertices @ (turn(deg) @ base).T
        return float(v[a, 2].min() - v[b, 2].min())

    lo, hi = span
    angles = np.linspace(lo, hi, 81)
    gaps = np.array([gap(x) for x in angles])
    best = float(angles[int(np.argmin(np.abs(gaps)))])
    return floored(turned(posed, turn(best) @ base)), best


def solve_param(make: Callable[[float], PosedBody], target: Callable[[PosedBody], float],
                lo: float, hi: float, steps: int = 9) -> tuple[float, PosedBody]:  # fmt: skip
    """Bisection on a pose parameter until ``target(pose)`` crosses zero (monotone)."""
    f_lo = target(make(lo))
    posed = make(hi)
    for _ in range(steps):
        mid = (lo + hi) / 2
        posed = make(mid)
        f_mid = target(posed)
        if (f_mid > 0) == (f_lo > 0):
            lo, f_lo = mid, f_mid
        else:
            hi = mid
    return (lo + hi) / 2, posed


# --- the studio ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Shot:
    """One picture to make: its file (relative to the output folder), caption, advice (guide
    pictures only), size, camera and how to pose it."""

    file: str
    caption: str
    pose: Callable[[Studio], Figure]
    camera: Camera
    size: tuple[int, int] = PORTRAIT
    scene: Scene = STUDIO
    advice: str = ""
    #: A guide picture of what to avoid (a mistake), not of what to do.
    mistake: bool = False
    look: Appearance = LOOK
    #: Frame the camera on the figure's focus (widening the view until it fits), or use the
    #: camera as given (a photo taken too close).
    fit: bool = True
    margin: float = 0.05


class Studio:
    """The body model, two solved bodies and the renderer, loaded once."""

    def __init__(self) -> None:
        from synth.scene import Renderer

        self.model = BodyModel()
        self.woman = self.model.solve(WOMAN, NEUTRAL)
        self.man = self.model.solve(MAN, NEUTRAL)
        self.regions = {id(s): self.model.regions(s) for s in (self.woman, self.man)}
        self.renderer = Renderer()
        self.dominant = np.array(self.model.labels, dtype=object)[self.model.dominant]

    def pose(self, solved: Solved | None = None) -> Poser:
        return Poser(self, self.woman if solved is None else solved)

    def group(self, *prefixes: str) -> np.ndarray:
        """Vertices whose dominant bone's name starts with one of ``prefixes``."""
        return np.flatnonzero(
            np.array([str(n).startswith(prefixes) for n in self.dominant], dtype=bool)
        )

    def render(self, shot: Shot) -> np.ndarray:
        from synth.camera import fits, fitted_camera, place_camera

        figure = shot.pose(self)
        points = self._focus(figure)
        centre = (points.min(axis=0) + points.max(axis=0)) / 2
        figure.shift(np.array([-centre[0], -centre[1], 0.0]))
        v = figure.posed.vertices
        points = self._focus(figure)
        aim = 2 * float((points[:, 2].min() + points[:, 2].max()) / 2)
        width, height = shot.size
        if shot.fit:
            cam = fitted_camera(shot.camera, width, height, aim, points)
            while fits(cam, points, shot.margin) is False and cam.vfov_deg < 100:
                cam = place_camera(shot.camera, width, height, aim, cam.vfov_deg + 1.0)
        else:
            cam = place_camera(shot.camera, width, height, float(v[:, 2].max()))
        figure.posed.stature = float(v[:, 2].max())
        return self.renderer.render(figure.posed, shot.look, shot.scene, cam, 1,
                                    extra_meshes=figure.props)  # fmt: skip

    @staticmethod
    def _focus(figure: Figure) -> np.ndarray:
        v = figure.posed.vertices
        points = v[::3] if figure.focus is None else v[figure.focus]
        return points if figure.extra is None else np.vstack([points, figure.extra])

    def close(self) -> None:
        self.renderer.close()


def save_jpeg(pixels: np.ndarray, path: Path, max_bytes: int = MAX_BYTES) -> int:
    """The picture as the best JPEG quality that fits in ``max_bytes``; returns its size."""
    from PIL import Image

    image = Image.fromarray(pixels)
    data = b""
    for quality in (85, 80, 75, 70, 65, 60, 55, 50, 45, 40):
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=quality, optimize=True, progressive=True)
        data = buffer.getvalue()
        if len(data) <= max_bytes:
            break
    if len(data) > max_bytes:
        raise RuntimeError(f"{path.name}: {len(data)} bytes even at quality 40")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return len(data)


# --- the poses -----------------------------------------------------------------------------------


def standing(studio: Studio, poser: Poser | None = None) -> Figure:
    return Figure(floored((poser or studio.pose()).build()))


def _chair(posed: PosedBody, studio: Studio, back: bool = True) -> list[Any]:
    """A seat under the thighs (from the floor to their underside) and a backrest behind."""
    v = posed.vertices
    kp = posed.keypoints
    hip_y = float((kp["left_hip"][1] + kp["right_hip"][1]) / 2)
    knee_y = float((kp["left_knee"][1] + kp["right_knee"][1]) / 2)
    thighs = studio.group("upperleg", "pelvis", "root")
    under = thighs[v[thighs, 1] > knee_y + 0.15]
    top = float(v[under, 2].min()) + 0.005
    x_half = 0.24
    front, rear = knee_y + 0.1, hip_y + 0.2
    parts = [box((-x_half, front, 0.0), (x_half, rear, top), WOOD)]
    if back:
        trunk = studio.group("spine", "root")
        behind = float(v[trunk, 1].max()) + 0.01
        parts.append(box((-x_half, behind, top), (x_half, behind + 0.04, top + 0.5), WOOD))
    return parts


def seated_figure(studio: Studio, poser: Poser, focus: np.ndarray | None = None,
                  back: bool = True) -> Figure:  # fmt: skip
    posed = floored(poser.build())
    return Figure(posed, _chair(posed, studio, back), focus)


def lower_legs(studio: Studio) -> np.ndarray:
    return studio.group("lowerleg", "foot", "toe")


def feet(studio: Studio, side: str | None = None) -> np.ndarray:
    ends = (".L", ".R") if side is None else (f".{_SUFFIX[side]}",)
    return np.array([i for i in studio.group("foot", "toe")
                     if str(studio.dominant[i]).endswith(ends)])  # fmt: skip


def floor_gap(studio: Studio, a: np.ndarray, b: np.ndarray) -> Callable[[PosedBody], float]:
    def gap(posed: PosedBody) -> float:
        return float(posed.vertices[a, 2].min() - posed.vertices[b, 2].min())

    return gap


# Each exercise pose: a function (studio) -> Figure.


def heel_raise(deg: float) -> Callable[[Studio], Figure]:
    def make(studio: Studio) -> Figure:
        p = studio.pose().heels_up(deg).trunk(lean=0.1 * deg)
        for side in SIDES:
            p.arm(side, seg(55, 10, side), seg(80, 5, side))
        posed = floored(p.build())
        hands = min(posed.keypoints[f"{s}_wrist"][1] for s in SIDES) - 0.05
        wall = box((-1.2, hands - 0.1, 0.0), (1.2, hands, 2.2), WALL_PROP)
        return Figure(posed, [wall])

    return make


def calf_stretch(bent_back_knee: bool) -> Callable[[Studio], Figure]:
    def make(studio: Studio) -> Figure:
        def build(back_pitch: float) -> PosedBody:
            p = studio.pose().leg("left", seg(32, 3, "left"), seg(-4, 3, "left"))
            if bent_back_knee:
                p.leg("right", seg(back_pitch + 14, 3, "right"), seg(back_pitch - 22, 3, "right"))
            else:
                p.leg("right", seg(back_pitch, 3, "right"), seg(back_pitch, 3, "right"))
            p.trunk(lean=14)
            for side in SIDES:
                p.arm(side, seg(78, 14, side), seg(92, 4, side))
            return floored(p.build())

        gap = floor_gap(studio, feet(studio, "right"), feet(studio, "left"))
        _, posed = solve_param(build, gap, -35.0, -5.0)
        hands = min(posed.keypoints[f"{s}_wrist"][1] for s in SIDES) - 0.06
        return Figure(posed, [box((-1.2, hands - 0.1, 0.0), (1.2, hands, 2.2), WALL_PROP)])

    return make


def single_leg_balance(studio: Studio) -> Figure:
    p = studio.pose().leg("right", seg(18, 2, "right"), seg(-55, 2, "right")).foot("right", 25)
    p.leg("left", seg(3, 2, "left"), seg(-2, 2, "left"))
    p.arm("left", seg(8, 25, "left"), seg(20, 25, "left"))
    p.arm("right", seg(8, 25, "right"), seg(20, 25, "right"))
    return standing(studio, p)


def mini_squat(studio: Studio) -> Figure:
    p = studio.pose().trunk(lean=22).head(forward=-5)
    for side in SIDES:
        p.leg(side, seg(42, 6, side), seg(-22, 6, side))
        p.arm(side, seg(70, 8, side), seg(80, 4, side))
    return standing(studio, p)


def hamstring_curl(studio: Studio) -> Figure:
    p = studio.pose().leg("right", seg(-3, 2, "right"), seg(-105, 2, "right"))
    p.foot("right", 20)
    p.arm("left", seg(50, 12, "left"), seg(60, 10, "left"))
    posed = floored(p.build())
    hand = posed.keypoints["left_wrist"]
    top, y = float(hand[2]) - 0.04, float(hand[1]) - 0.02
    chair = [
        box((-0.22, y - 0.04, 0.46), (0.22, y, top), WOOD),
        box((-0.22, y - 0.44, 0.42), (0.22, y, 0.46), WOOD),
        *(
            box((x, yy - 0.04, 0.0), (x + 0.04, yy, 0.42), WOOD)
            for x in (-0.22, 0.18)
            for yy in (y, y - 0.4)
        ),
    ]
    return Figure(posed, chair)


def clamshell(open_deg: float) -> Callable[[Studio], Figure]:
    def make(studio: Studio) -> Figure:
        p = studio.pose()
        p.leg("right", seg(45, 0, "right"), seg(-45, 0, "right"))
        p.leg("left", seg(45, 0, "left"), seg(-45, 0, "left"))
        p.arm("right", seg(170, 10, "right"), seg(160, 40, "right"))
        p.arm("left", seg(45, 5, "left"), seg(70, 0, "left"))
        if open_deg:
            p.leg("left", seg(45, open_deg, "left"))
            first = p.build()
            knee = first.keypoints["left_knee"]
            ankle = first.keypoints["right_ankle"] + np.array([0.09, 0.0, 0.0])
            p.leg("left", shank=(ankle - knee) / np.linalg.norm(ankle - knee))
        body = studio.group("spine", "root", "pelvis", "upperleg")
        return Figure(settle(p.build(), LIE_ON_RIGHT, "y", (body, body), (0.0, 0.0)))

    return make


def side_leg_lift(lift_deg: float) -> Callable[[Studio], Figure]:
    def make(studio: Studio) -> Figure:
        p = studio.pose()
        p.leg("right", seg(35, 0, "right"), seg(-55, 0, "right"))
        p.leg("left", seg(-8, lift_deg, "left"), seg(-8, lift_deg, "left"))
        p.arm("right", seg(170, 10, "right"), seg(160, 40, "right"))
        p.arm("left", seg(45, 5, "left"), seg(70, 0, "left"))
        body = studio.group("spine", "root")
        return Figure(settle(p.build(), LIE_ON_RIGHT, "y", (body, body), (0.0, 0.0)))

    return make


def hip_flexor_stretch(studio: Studio) -> Figure:
    def build(front_pitch: float) -> PosedBody:
        p = studio.pose(studio.man)
        p.leg("left", seg(front_pitch, 4, "left"), seg(-8, 4, "left"))
        p.leg("right", seg(-18, 2, "right"), seg(-92, 2, "right")).foot("right", 150)
        for side in SIDES:
            p.arm(side, seg(20, 8, side), seg(55, 5, side))
        return floored(p.build())

    knee = studio.group("lowerleg01.R", "lowerleg02.R")
    gap = floor_gap(studio, feet(studio, "left"), knee)
    _, posed = solve_param(build, gap, 70.0, 115.0)
    kp = posed.keypoints
    cushion_y = float(kp["right_knee"][1])
    cushion = box((-0.2, cushion_y - 0.18, 0.0), (0.05, cushion_y + 0.18, 0.035), (120, 140, 110))
    return Figure(posed, [cushion])


def bridge(top: bool) -> Callable[[Studio], Figure]:
    def make(studio: Studio) -> Figure:
        back = studio.group("spine01", "spine02", "clavicle", "shoulder01")
        lowest = feet(studio)
        span = (-60.0, 10.0) if top else (-25.0, 25.0)
        pitch = 70.0 if top else 102.0
        posed = None
        for _ in range(4):
            # Turn the feet until they stand flat once the body is laid and tipped.
            p = studio.pose(studio.man)
            for side in SIDES:
                if top:
                    p.leg(side, seg(-2, 4, side), seg(-112, 4, side)).foot(side, pitch)
                else:
                    p.leg(side, seg(50, 4, side), seg(-52, 4, side)).foot(side, pitch)
                p.arm(side, seg(-5, 8, side), seg(-5, 8, side))
            posed = settle(p.build(), LIE_ON_BACK, "x", (back, lowest), span)
            along = posed.keypoints["left_foot_index"] - posed.keypoints["left_heel"]
            slope = math.degrees(math.atan2(along[2], math.hypot(along[0], along[1])))
            pitch += slope
        assert posed is not None
        return Figure(posed)

    return make


def side_plank(studio: Studio) -> Figure:
    forearm = studio.group("lowerarm01.R", "lowerarm02.R")
    knee = studio.group("lowerleg01.R")
    out = 90.0
    posed = None
    for _ in range(4):
        # Turn the upper arm until it stands straight down under the shoulder once laid.
        p = studio.pose()
        p.arm("right", seg(0, out, "right"), seg(90, 0, "right"))
        p.arm("left", seg(0, 15, "left"), seg(40, 0, "left"))
        for side in SIDES:
            p.leg(side, seg(-5, 2, side), seg(-95, 2, side))
        posed = settle(p.build(), LIE_ON_RIGHT, "y", (forearm, knee), (-40.0, 40.0))
        arm = posed.keypoints["right_elbow"] - posed.keypoints["right_shoulder"]
        lean = math.degrees(math.atan2(arm[0], -arm[2]))
        out += lean
    assert posed is not None
    return Figure(posed)


def chin_tuck(glide: float) -> Callable[[Studio], Figure]:
    def make(studio: Studio) -> Figure:
        p = studio.pose().trunk(0.0).head(glide=glide)
        posed = floored(p.build())
        upper = studio.group("head", "neck", "spine01", "spine02", "clavicle", "shoulder01")
        return Figure(posed, [], upper)

    return make


def neck_side_stretch(studio: Studio) -> Figure:
    p = studio.pose().seated().head(tilt=-36)
    p.arm("left", seg(2, 16, "left"), seg(6, 14, "left"))
    posed = floored(p.build())
    upper = studio.group("head", "neck", "spine", "clavicle", "shoulder", "upperarm", "lowerarm",
                         "wrist", "root", "pelvis")  # fmt: skip
    return Figure(posed, _chair(posed, studio), upper)


def wall_angel(up: bool) -> Callable[[Studio], Figure]:
    def make(studio: Studio) -> Figure:
        p = studio.pose()
        for side in SIDES:
            if up:
                p.arm(side, seg(150, 0, side), seg(155, 12, side))
                p.arm(side, seg(0, 140, side), seg(0, 165, side))
            else:
                p.arm(side, seg(0, 85, side), seg(178, 0, side))
        posed = floored(p.build())
        behind = float(posed.vertices[:, 1].max())
        wall = box((-1.3, behind + 0.005, 0.0), (1.3, behind + 0.08, 2.3), WALL_PROP)
        return Figure(posed, [wall])

    return make


def doorway_stretch(studio: Studio) -> Figure:
    p = studio.pose(studio.man)
    for side in SIDES:
        p.arm(side, seg(0, 80, side) + np.array([0.0, 0.25, 0.0]), seg(176, 0, side))
    p.leg("left", seg(16, 3, "left"), seg(-6, 3, "left"))
    p.leg("right", seg(-11, 3, "right"), seg(-11, 3, "right"))
    p.arm("left", seg(0, 80, "left") + np.array([0.0, 0.3, 0.0]), seg(178, 0, "left"))
    p.arm("right", seg(0, 80, "right") + np.array([0.0, 0.3, 0.0]), seg(178, 0, "right"))
    posed = floored(p.build())
    kp = posed.keypoints
    y = float((kp["left_elbow"][1] + kp["right_elbow"][1]) / 2) + 0.03
    x = float(kp["left_elbow"][0]) + 0.06
    frame = [
        box((x, y, 0.0), (x + 0.1, y + 0.14, 2.1), WOOD),
        box((-x - 0.1, y, 0.0), (-x, y + 0.14, 2.1), WOOD),
        box((-x - 0.1, y, 2.1), (x + 0.1, y + 0.14, 2.2), WOOD),
    ]
    return Figure(posed, frame)


def _feet_focus(studio: Studio, posed: PosedBody, side: str | None = None) -> np.ndarray:
    lower = lower_legs(studio) if side is None else feet(studio, side)
    knees = float(min(posed.keypoints[f"{s}_knee"][2] for s in SIDES))
    return lower[posed.vertices[lower, 2] < knees - 0.12]


def seated_feet(change: Callable[[Poser], None], props: Callable[[PosedBody], list[Any]] | None
                = None, whole: bool = False, side: str | None = None
                ) -> Callable[[Studio], Figure]:  # fmt: skip
    def make(studio: Studio) -> Figure:
        p = studio.pose().seated()
        change(p)
        figure = seated_figure(studio, p)
        if props is not None:
            figure.props.extend(props(figure.posed))
        if not whole:
            figure.focus = _feet_focus(studio, figure.posed, side)
        return figure

    return make


def _spread(p: Poser) -> None:
    p.toes("left", -65, spread=16)


def _press(p: Poser) -> None:
    p.toes("left", 10)


def _pencil_pose(p: Poser) -> None:
    p.leg("left", seg(96, 4, "left"), seg(12, 3, "left")).foot("left", 18)
    p.toes("left", 55)


def pencil(posed: PosedBody) -> list[Any]:
    tip = posed.keypoints["left_foot_index"]
    centre = np.array([tip[0], tip[1] + 0.012, max(0.006, float(tip[2]) - 0.02)])
    a = centre + np.array([-0.085, 0.0, 0.0])
    b = centre + np.array([0.085, 0.0, 0.0])
    point = centre + np.array([-0.105, 0.0, 0.0])
    return [rod(a, b, 0.0045, (235, 190, 40)), rod(a, point, 0.002, (60, 50, 40))]


def _ball_pose(p: Poser) -> None:
    p.leg("right", seg(95, 4, "right"), seg(14, 3, "right")).foot("right", 6)


def ball(posed: PosedBody) -> list[Any]:
    heel = posed.keypoints["right_heel"]
    toe = posed.keypoints["right_foot_index"]
    arch = heel + 0.45 * (toe - heel)
    radius = 0.034
    return [sphere(np.array([arch[0], arch[1], radius]), radius, (200, 215, 60))]


def _circle(phase: float) -> Callable[[Poser], None]:
    def change(p: Poser) -> None:
        p.leg("left", seg(100, 4, "left"), seg(38, 3, "left"))
        pitch = 15 + 22 * math.sin(math.radians(phase))
        roll = 22 * math.cos(math.radians(phase))
        p.foot("left", pitch=pitch, roll=roll)

    return change


def towel_stretch(studio: Studio) -> Figure:
    from synth.motion import Motion, pose_frame, rest_on_back, towel_meshes

    solved = studio.man
    regions = studio.regions[id(solved)]
    back = rest_on_back(studio.model, solved, regions)
    motion = Motion(hip_flexion_left=68.0, knee_flexion_left=3.0,
                    hip_flexion_right=-back.hip_extension_deg, towel="left", lying=True,
                    lying_tilt_deg=back.tilt_deg,
                    neck_extension_deg=back.neck_extension_deg)  # fmt: skip
    posed, props = pose_frame(studio.model, solved, motion, regions)
    meshes = towel_meshes(props["towel"], (225, 120, 60))
    return Figure(posed, meshes)


def toe_walk(studio: Studio) -> Figure:
    p = studio.pose().heels_up(32).trunk(lean=3)
    p.leg("left", seg(14, 3, "left"), seg(2, 3, "left"))
    p.arm("left", seg(-14, 8, "left"), seg(0, 6, "left"))
    p.arm("right", seg(16, 8, "right"), seg(40, 6, "right"))
    return standing(studio, p)


def _as_is(p: Poser) -> None:
    """No change: the seated start position."""


# --- the capture guide ---------------------------------------------------------------------------


def guide_standing(studio: Studio) -> Figure:
    return standing(studio)


def phone_on_tripod(studio: Studio) -> Figure:
    """The person at the origin and a phone on a tripod 2.5 m in front, at hip height."""
    figure = standing(studio)
    kp = figure.posed.keypoints
    hip = float((kp["left_hip"][2] + kp["right_hip"][2]) / 2)
    y = -2.5
    phone = box((-0.038, y - 0.005, hip - 0.08), (0.038, y + 0.005, hip + 0.08), (30, 30, 35))
    screen = box((-0.033, y - 0.007, hip - 0.07), (0.033, y - 0.004, hip + 0.07), (70, 120, 170))
    head = np.array([0.0, y + 0.02, hip - 0.08])
    feet_at = ((0.22, 0.12), (-0.22, 0.12), (0.0, -0.25))
    legs = [rod(head, np.array([dx, y + dy, 0.0]), 0.008, (60, 60, 60)) for dx, dy in feet_at]
    figure.props = [phone, screen, *legs]
    figure.extra = np.array([[0.0, y - 0.3, 0.0], [0.0, y, hip + 0.1]])
    return figure


FRONT = Camera(yaw_deg=0.0, height_m=0.95, distance_m=2.6, vfov_deg=44.0)
LEFT = replace(FRONT, yaw_deg=90.0)
RIGHT = replace(FRONT, yaw_deg=270.0)
BACK = replace(FRONT, yaw_deg=180.0)
OBLIQUE = Camera(yaw_deg=35.0, height_m=1.1, distance_m=2.8, vfov_deg=40.0)
TOES_CAM = Camera(yaw_deg=25.0, height_m=0.35, distance_m=0.9, vfov_deg=14.0)
FEET_CAM = Camera(yaw_deg=40.0, height_m=0.55, distance_m=1.1, vfov_deg=24.0)
FLOOR_FRONT = Camera(yaw_deg=0.0, height_m=1.5, distance_m=2.4, vfov_deg=22.0)
UPPER_CAM = Camera(yaw_deg=0.0, height_m=1.0, distance_m=2.2, vfov_deg=18.0)
HEAD_CAM = Camera(yaw_deg=90.0, height_m=1.45, distance_m=1.8, vfov_deg=14.0)
FLOOR_SIDE = Camera(yaw_deg=90.0, height_m=0.9, distance_m=2.8, vfov_deg=24.0)


def guide_shots() -> list[Shot]:
    g = GUIDE_SIZE
    return [
        Shot("guide/setup.jpg",
             "A phone in portrait on a tripod, level, at hip height, about 2.5 metres in front "
             "of a person standing barefoot in shorts and a fitted top.",
             phone_on_tripod, Camera(yaw_deg=90.0, height_m=1.3, distance_m=3.6, vfov_deg=30.0),
             size=(g[1], g[0]), scene=ROOM,
             advice="Phone upright (portrait) and level, at hip height, 2 to 3 metres away."),
        Shot("guide/front.jpg",
             "Front view: the whole person from head to feet, facing the camera, arms relaxed.",
             guide_standing, FRONT, size=g,
             advice="Face the camera, feet hip-width apart, arms loose, whole body in the frame."),
        Shot("guide/side.jpg",
             "Side view: the person turned a quarter, left side to the camera, head to feet.",
             guide_standing, LEFT, size=g,
             advice="Turn a quarter so your side faces the camera; look straight ahead."),
        Shot("guide/back.jpg",
             "Back view: the person with their back to the camera, heels and feet visible.",
             guide_standing, BACK, size=g,
             advice="Turn your back to the camera; keep both heels in the picture."),
        Shot("guide/too_close.jpg",
             "Too close: the camera is so near that the feet and lower legs are cut off.",
             guide_standing, Camera(yaw_deg=0.0, height_m=1.2, distance_m=1.3, vfov_deg=50.0),
             size=g, fit=False, mistake=True,
             advice="Too close: feet cut off. Step back until your feet and head both show."),
        Shot("guide/tilted.jpg",
             "Tilted phone: the picture leans, so the floor and the door frame slope.",
             guide_standing, replace(FRONT, roll_deg=12.0, vfov_deg=54.0), size=g, scene=ROOM,
             fit=False, mistake=True,
             advice="Tilted: the room leans. Hold the phone level or rest it on a shelf."),
    ]  # fmt: skip


def exercise_shots() -> list[Shot]:
    def ex(exercise: str, n: int, caption: str, pose: Callable[[Studio], Figure],
           camera: Camera, **kw: Any) -> Shot:  # fmt: skip
        return Shot(f"exercises/{exercise}-{n}.jpg", caption, pose, camera, **kw)

    whole_seated = seated_feet(_as_is, whole=True)
    side_seat = Camera(yaw_deg=60.0, height_m=0.9, distance_m=2.4, vfov_deg=36.0)
    return [
        ex("short_foot", 1, "Sitting with one bare foot flat on the floor, the knee above the "
           "ankle; the arch then lifts into a small dome (too small a movement to draw).",
           whole_seated, side_seat),
        ex("heel_raises", 1, "Start: standing tall, feet hip-width apart, fingertips on a wall.",
           heel_raise(0.0), LEFT),
        ex("heel_raises", 2, "Top: up on the balls of both feet, heels high, fingertips on the "
           "wall for balance.", heel_raise(26.0), LEFT),
        ex("calf_stretch", 1, "Hands on the wall, one foot forward with the knee bent, the back "
           "leg straight and its heel on the floor.", calf_stretch(False), LEFT),
        ex("calf_stretch", 2, "The same stretch with the back knee slightly bent, heel still "
           "down.", calf_stretch(True), LEFT),
        ex("single_leg_balance", 1, "Standing on one leg with a soft knee, hips level, the "
           "other foot lifted just off the floor.", single_leg_balance, OBLIQUE),
        ex("mini_squat_knee_control", 1, "A quarter squat seen from the side: hips back, knees "
           "bent a little, weight between heel and ball of the foot.", mini_squat, LEFT),
        ex("mini_squat_knee_control", 2, "The same squat from the front: each knee stays over "
           "its second toe.", mini_squat, FRONT),
        ex("hamstring_curl_or_soft_knee_stance", 1, "Soft-knee standing seen from the side: "
           "legs straight but not pushed back.", guide_standing, LEFT),
        ex("hamstring_curl_or_soft_knee_stance", 2, "Hamstring curl: holding a chair, one heel "
           "brought up toward the buttock, thighs side by side.", hamstring_curl, LEFT),
        ex("clamshells", 1, "Start: lying on the side, hips and knees bent, knees together, "
           "head resting on the arm.", clamshell(0.0), FLOOR_FRONT, size=LANDSCAPE),
        ex("clamshells", 2, "The top knee lifted like an opening shell while the feet stay "
           "together.", clamshell(42.0), FLOOR_FRONT, size=LANDSCAPE),
        ex("side_lying_hip_abduction", 1, "Start: lying on the side, bottom knee bent, the top "
           "leg straight and slightly behind the body.", side_leg_lift(4.0), FLOOR_FRONT,
           size=LANDSCAPE),
        ex("side_lying_hip_abduction", 2, "The straight top leg lifted about a foot (30 cm).",
           side_leg_lift(30.0), FLOOR_FRONT, size=LANDSCAPE),
        ex("hip_flexor_stretch", 1, "Half-kneeling on a cushion, the front foot flat with the "
           "knee above the ankle, trunk upright.", hip_flexor_stretch, LEFT),
        ex("glute_bridge", 1, "Start: lying on the back, knees bent, feet flat, arms by the "
           "sides.", bridge(False), FLOOR_SIDE, size=LANDSCAPE),
        ex("glute_bridge", 2, "Top: hips lifted until shoulders, hips and knees are in line.",
           bridge(True), FLOOR_SIDE, size=LANDSCAPE),
        ex("side_plank_modified", 1, "On one forearm and the knees, the hips lifted so head, "
           "shoulders, hips and knees form a straight line.", side_plank, FLOOR_FRONT,
           size=LANDSCAPE),
        ex("chin_tucks", 1, "Before: the head poked forward of the shoulders.", chin_tuck(28.0),
           HEAD_CAM),
        ex("chin_tucks", 2, "Chin tuck: the head glided straight back, eyes level.",
           chin_tuck(-8.0), HEAD_CAM),
        ex("neck_side_stretch", 1, "Sitting tall, one hand holding the seat, the head tilted "
           "ear toward the other shoulder.", neck_side_stretch, UPPER_CAM, margin=0.12),
        ex("wall_angels", 1, "Back against a wall, arms in a goal-post shape, elbows and wrists "
           "near the wall.", wall_angel(False), OBLIQUE),
        ex("wall_angels", 2, "Arms slid up the wall as far as is comfortable.", wall_angel(True),
           OBLIQUE),
        ex("doorway_pec_stretch", 1, "Forearms on a door frame, one foot stepped forward, the "
           "chest eased through the doorway.", doorway_stretch, OBLIQUE),
        ex("toe_pressing", 1, "Sitting, bare feet flat: the toes of one foot press down into "
           "the floor, heel down.", seated_feet(_press, side="left"), TOES_CAM),
        ex("toe_walking", 1, "Walking on the balls of the feet with the heels high.", toe_walk,
           LEFT),
        ex("toe_stretching", 1, "Sitting, the toes of one foot lifted and spread wide.",
           seated_feet(_spread, side="left"), TOES_CAM),
        ex("toe_pencil_grip", 1, "Sitting, the toes of one foot curled around a pencil on the "
           "floor, about to pick it up.", seated_feet(_pencil_pose, pencil), FEET_CAM),
        ex("towel_leg_stretch", 1, "Lying on the back, a towel looped round one foot, that "
           "leg raised straight and the towel ends held in both hands.", towel_stretch,
           FLOOR_SIDE, size=LANDSCAPE),
        ex("ankle_circles", 1, "Sitting, one foot lifted off the floor: the toes point down "
           "and in as the circle starts.", seated_feet(_circle(90.0)), FEET_CAM),
        ex("ankle_circles", 2, "Halfway round: the toes up and out. Only the ankle moves.",
           seated_feet(_circle(-90.0)), FEET_CAM),
        ex("tennis_ball_massage", 1, "Sitting, one foot resting on a tennis ball under the "
           "arch, rolling it from heel to toes.", seated_feet(_ball_pose, ball), FEET_CAM),
    ]  # fmt: skip


def all_shots() -> list[Shot]:
    return guide_shots() + exercise_shots()


def index_record(shots: Sequence[Shot]) -> dict[str, Any]:
    guide = [{"file": s.file, "caption": s.caption, "advice": s.advice, "mistake": s.mistake}
             for s in shots if s.file.startswith("guide/")]  # fmt: skip
    exercises: dict[str, list[dict[str, str]]] = {}
    for s in shots:
        if s.file.startswith("exercises/"):
            exercise_id = Path(s.file).stem.rsplit("-", 1)[0]
            exercises.setdefault(exercise_id, []).append({"file": s.file, "caption": s.caption})
    return {"format": PICTURES_FORMAT, "guide": guide, "exercises": exercises}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m synth.pictures", description="Render the app's guide and exercise pictures."
    )
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument("--only", help="render only the pictures whose file contains this")
    parser.add_argument("--list", action="store_true", help="list the pictures and exit")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    shots = all_shots()
    if args.list:
        for shot in shots:
            print(shot.file, "-", shot.caption)
        return 0
    chosen = [s for s in shots if not args.only or args.only in s.file]
    started = time.perf_counter()
    studio = Studio()
    print(f"model and renderer ready in {time.perf_counter() - started:.1f} s", flush=True)
    total = 0
    for i, shot in enumerate(chosen, start=1):
        t0 = time.perf_counter()
        size = save_jpeg(studio.render(shot), args.out / shot.file)
        total += size
        print(f"[{i}/{len(chosen)}] {shot.file} {size // 1024} KiB "
              f"{time.perf_counter() - t0:.2f} s", flush=True)  # fmt: skip
    studio.close()
    index = args.out / "pictures.json"
    index.write_text(json.dumps(index_record(shots), indent=1) + "\n", encoding="utf-8")
    print(f"{len(chosen)} pictures, {total // 1024} KiB, in {time.perf_counter() - started:.1f} s "
          f"-> {args.out}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
