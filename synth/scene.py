"""The scene round the body and the renderer: pyrender on Mesa's software EGL, CPU only.

Everything is vertex-coloured geometry (pyrender renders an explicit material together with
vertex colours black): the body, a floor of tiles, a wall with a skirting board and a door frame.
The room is built in the camera's horizontal frame, so the wall is always behind the person.

``os.environ["PYOPENGL_PLATFORM"]`` must be "egl" before pyrender is first imported; ``Renderer``
sets it (if unset) when it is created, not on import of this module.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import numpy as np

from synth.body import REGIONS, PosedBody
from synth.camera import PinholeCamera
from synth.params import Appearance, Scene

RGB = tuple[int, int, int]
GROUT_GAP_M = 0.004
#: The gap between room pieces that would otherwise share a face (m): far more than the depth
#: buffer resolves at these distances (under 0.1 mm at 6 m), far less than a pixel shows.
GAP_M = 0.001


def _mix(a: RGB, b: RGB, t: float) -> RGB:
    return (
        round(a[0] * (1 - t) + b[0] * t),
        round(a[1] * (1 - t) + b[1] * t),
        round(a[2] * (1 - t) + b[2] * t),
    )


def body_colours(body: PosedBody, look: Appearance) -> np.ndarray:
    """(V, 4) uint8 vertex colours from the body's regions."""
    palette: dict[str, RGB] = {
        "skin": look.skin,
        "hair": look.hair,
        "top": look.top,
        "shorts": look.shorts,
        "sclera": (232, 230, 222),
        "iris": (55, 40, 32),
        "lips": _mix(look.skin, (150, 60, 60), 0.35),
        "brow": _mix(look.hair, (20, 15, 10), 0.3),
        "cavity": (45, 25, 25),
        "sleeve": look.top if look.sleeves else look.skin,
    }
    table = np.array([[*palette[name], 255] for name in REGIONS], dtype=np.uint8)
    colours: np.ndarray = table[body.regions]
    return colours


def _box(
    centre: np.ndarray, size: tuple[float, float, float], axes: np.ndarray, colour: RGB
) -> Any:
    """A trimesh box of ``size`` along the columns of ``axes`` (3x3), centred at ``centre``."""
    import trimesh

    box = trimesh.creation.box(extents=size)
    transform = np.eye(4)
    transform[:3, :3] = axes
    transform[:3, 3] = centre
    box.apply_transform(transform)
    box.visual.vertex_colors = np.tile(np.array([*colour, 255], dtype=np.uint8), (8, 1))
    return box


def _jitter(colour: RGB, rng: np.random.Generator, amount: float) -> RGB:
    factor = 1.0 + rng.uniform(-amount, amount)
    return (
        int(min(255, colour[0] * factor)),
        int(min(255, colour[1] * factor)),
        int(min(255, colour[2] * factor)),
    )


def room_meshes(scene: Scene, cam: PinholeCamera, seed: int) -> list[Any]:
    """Floor, wall and (for "room") tiles, skirting and a door frame, as trimesh meshes."""
    import trimesh

    rng = np.random.default_rng(seed + 7919)
    fwd = cam.forward_flat
    right = cam.right_flat
    up = np.array([0.0, 0.0, 1.0])
    axes = np.stack([right, fwd, up], axis=1)  # box x along right, y along fwd, z up
    meshes: list[Any] = []
    near = -(cam.distance_m + 3.0)
    far = scene.wall_distance_m
    half_width = 7.0
    wall_height = 9.0
    wall_centre = far * fwd + np.array([0.0, 0.0, wall_height / 2])
    meshes.append(_box(wall_centre + 0.05 * fwd, (2 * half_width, 0.1, wall_height), axes,
                       scene.wall))  # fmt: skip
    if scene.background != "room":
        depth = far - near
        centre = (near + far) / 2 * fwd + np.array([0.0, 0.0, -0.05])
        meshes.append(_box(centre, (2 * half_width, depth, 0.1), axes, scene.floor))
        return meshes

    # Tiled floor: a dark grout slab under square tiles laid on the room's axes.
    depth = far - near
    grout = _mix(scene.floor, (60, 60, 60), 0.45)
    meshes.append(
        _box((near + far) / 2 * fwd + np.array([0.0, 0.0, -0.052]), (2 * half_width, depth, 0.1),
             axes, grout)
    )  # fmt: skip
    tile = scene.tile_m
    size = tile - GROUT_GAP_M
    offset_x = rng.uniform(0, tile)
    xs = np.arange(-half_width + offset_x, half_width, tile)
    ys = np.arange(far - tile / 2, near, -tile)
    vertices: list[np.ndarray] = []
    faces: list[list[int]] = []
    colours: list[list[int]] = []
    for x in xs:
        for y in ys:
            c = _jitter(scene.floor, rng, 0.06)
            corners = [(-1, -1), (1, -1), (1, 1), (-1, 1)]
            base = len(vertices)
            for cx, cy in corners:
                p = (x + cx * size / 2) * right + (y + cy * size / 2) * fwd
                vertices.append(p)
                colours.append([*c, 255])
            faces.extend([[base, base + 1, base + 2], [base, base + 2, base + 3]])
    floor = trimesh.Trimesh(vertices=np.array(vertices), faces=np.array(faces), process=False)
    floor.visual.vertex_colors = np.array(colours, dtype=np.uint8)
    meshes.append(floor)

    # Skirting board along the wall. No two faces of the room share a plane (each piece stands
    # GAP_M off the floor, the wall and its neighbours): where two coincide, which one shows
    # depends on the order the renderer draws them in, which changes from run to run, and the
    # render would not repeat (a door's corners and a cupboard's foot did, by up to 9 grey levels).
    meshes.append(
        _box(far * fwd - (0.008 + GAP_M) * fwd + np.array([0.0, 0.0, 0.045 + GAP_M]),
             (2 * half_width, 0.016, 0.09), axes, scene.trim)
    )  # fmt: skip
    # A door: the leaf slightly recessed, a casing on three sides.
    door_w, door_h, casing = 0.82, 2.04, 0.07
    door_x = scene.door_offset_m
    wall_face = far * fwd
    meshes.append(
        _box(wall_face + door_x * right + np.array([0.0, 0.0, door_h / 2 + GAP_M]) + 0.01 * fwd,
             (door_w - 2 * GAP_M, 0.04, door_h - 2 * GAP_M), axes, scene.door)
    )  # fmt: skip
    for side in (-1, 1):
        centre = wall_face + (door_x + side * (door_w + casing) / 2) * right
        meshes.append(
            _box(centre + np.array([0.0, 0.0, door_h / 2 + GAP_M]) - 0.012 * fwd,
                 (casing, 0.024, door_h), axes, scene.trim)
        )  # fmt: skip
    meshes.append(
        _box(wall_face + door_x * right + np.array([0.0, 0.0, door_h + casing / 2 + 2 * GAP_M])
             - 0.012 * fwd, (door_w + 2 * casing, 0.024, casing), axes, scene.trim)
    )  # fmt: skip
    # A tall cupboard against the wall on the other side: more straight vertical edges.
    cup_w, cup_h, cup_d = 0.5, 1.85, 0.38
    cup_x = -np.sign(door_x or 1.0) * scene.cupboard_offset_m
    meshes.append(
        _box(wall_face + cup_x * right - (cup_d / 2 + GAP_M) * fwd
             + np.array([0.0, 0.0, cup_h / 2 + GAP_M]), (cup_w, cup_d, cup_h), axes, scene.cupboard)
    )  # fmt: skip
    return meshes


def _add_at_centre(world: Any, mesh: Any, *, smooth: bool) -> None:
    """Add ``mesh`` to the pyrender scene as a node placed at the mesh's own centre.

    pyrender draws opaque nodes far to near by their position; nodes all at the origin kept the
    order of a set, which changes from run to run, and where two surfaces meet at equal depth the
    one drawn first shows: the render did not repeat. Placed at their centres they are drawn in
    one order every time. ``mesh`` itself is moved to the origin: pass a copy of one that is
    used again."""
    import pyrender

    centre = mesh.bounds.mean(axis=0)
    mesh.apply_translation(-centre)
    pose = np.eye(4)
    pose[:3, 3] = centre
    world.add(pyrender.Mesh.from_trimesh(mesh, smooth=smooth), pose=pose)


def _light_pose(scene: Scene, cam: PinholeCamera) -> np.ndarray:
    """A directional light's pose: its −z axis is the direction the light travels."""
    az = np.radians(scene.light_azimuth_deg)
    el = np.radians(scene.light_elevation_deg)
    toward_light = np.cos(el) * (np.cos(az) * -cam.forward_flat + np.sin(az) * cam.right_flat)
    toward_light = toward_light + np.sin(el) * np.array([0.0, 0.0, 1.0])
    z = toward_light / np.linalg.norm(toward_light)
    x = np.cross(np.array([0.0, 0.0, 1.0]), z)
    x /= np.linalg.norm(x)
    y = np.cross(z, x)
    pose = np.eye(4)
    pose[:3, 0], pose[:3, 1], pose[:3, 2] = x, y, z
    return pose


class Renderer:
    """One offscreen renderer, kept between renders (its viewport follows the image size).

    Mesa's EGL refuses a second live context in the same process, so there is only one.
    """

    def __init__(self) -> None:
        os.environ.setdefault("PYOPENGL_PLATFORM", "egl")
        if not hasattr(np, "infty"):
            np.infty = np.inf  # type: ignore[attr-defined]  # pyrender 0.1.45 uses it
        import pyrender

        self._pyrender = pyrender
        self._renderer: Any = None

    def render(
        self,
        body: PosedBody,
        look: Appearance,
        scene: Scene,
        cam: PinholeCamera,
        seed: int,
        *,
        noise_seed: int | None = None,
        extra_meshes: Sequence[Any] = (),
    ) -> np.ndarray:
        """(H, W, 3) uint8 RGB.

        ``seed`` lays out the room (tile colours) and, unless ``noise_seed`` is given, the sensor
        noise: a clip keeps one room and draws new noise per frame. ``extra_meshes``: more
        vertex-coloured trimesh meshes (props such as a towel).
        """
        import trimesh

        pyrender = self._pyrender
        ambient = np.array([scene.ambient] * 3 + [1.0])
        bg = np.array([*(c / 255 for c in scene.wall), 1.0])
        world = pyrender.Scene(ambient_light=ambient, bg_color=bg)
        mesh = trimesh.Trimesh(vertices=body.vertices, faces=body.faces, process=False)
        mesh.visual.vertex_colors = body_colours(body, look)
        _add_at_centre(world, mesh, smooth=True)
        for part in [*room_meshes(scene, cam, seed), *(m.copy() for m in extra_meshes)]:
            _add_at_centre(world, part, smooth=False)
        fx, fy = float(cam.K[0, 0]), float(cam.K[1, 1])
        camera = pyrender.IntrinsicsCamera(
            fx=fx, fy=fy, cx=float(cam.K[0, 2]), cy=float(cam.K[1, 2]), znear=0.05, zfar=60.0
        )
        world.add(camera, pose=cam.pose_opengl())
        key = pyrender.DirectionalLight(color=np.ones(3), intensity=scene.light_intensity)
        world.add(key, pose=_light_pose(scene, cam))
        if self._renderer is None:
            self._renderer = pyrender.OffscreenRenderer(cam.width, cam.height)
        self._renderer.viewport_width = cam.width
        self._renderer.viewport_height = cam.height
        flags = pyrender.RenderFlags.SHADOWS_DIRECTIONAL
        colour, _ = self._renderer.render(world, flags=flags)
        image = np.asarray(colour[..., :3], dtype=np.float64)
        if scene.noise > 0:
            rng = np.random.default_rng(seed if noise_seed is None else noise_seed)
            image = image + rng.normal(0.0, scene.noise, size=image.shape)
        out: np.ndarray = np.clip(image.round(), 0, 255).astype(np.uint8)
        return out

    def close(self) -> None:
        if self._renderer is not None:
            self._renderer.delete()
            self._renderer = None
