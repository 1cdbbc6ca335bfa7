"""Named, reproducible sets of renders.

- ``samples``: the shipped sample photos (front, side and back of a few bodies, fixed).
- ``ci``: a dozen small renders across measures and views (fixed draws), for quick checks.
- ``hard_train`` / ``hard_test``: the same bodies split, photographed as phones are really held
  (turned up to ±15°, rolled up to ±8°, half with no vertical edges, 0.5-1.6 m high, 2-4.5 m
  away, wide lenses); ``hard_test`` is the frozen test set of ``docs/VALIDATION.md``.
- ``offcentre``: the unseen test bodies in a room, the phone high and turned so the person stands
  off the picture's centre, where perspective leans the true verticals.
- ``turned``: the unseen test bodies from the front or behind, turned 12-20° from square-on.
- ``bentknee``: the unseen test bodies from the front or behind, both knees bent 10-25° and the
  person turned up to 20° from square-on: a turned view shows part of a bent knee's forward bend
  as if the knee fell in or out.
- ``armsout``: pairs of the unseen test bodies, front or back, the same body and camera with the
  arms hanging (10° out) and held out 25-80°: what the arms alone do to the readings.
- ``train`` / ``test``: random bodies, postures and cameras for fitting and for reporting
  errors. The two never share a body archetype, and draw their cameras, scenes and postures from
  separate random streams (and different lenses), so a fit on ``train`` is judged on unseen
  bodies and unseen camera placements.

Every item is fully explicit ``RenderParams``; the same set, count and seed give the same list.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from synth.params import (
    VIEW_YAWS,
    Appearance,
    Body,
    Camera,
    Posture,
    RenderParams,
    Scene,
)

RGB = tuple[int, int, int]

SKIN_TONES: tuple[RGB, ...] = (
    (236, 200, 176), (224, 178, 150), (205, 160, 130), (180, 130, 100),
    (150, 105, 75), (115, 80, 58), (90, 62, 45),
)  # fmt: skip
HAIR: tuple[RGB, ...] = ((30, 25, 22), (60, 45, 35), (95, 70, 45), (170, 140, 90), (120, 60, 35))
GREY_HAIR: RGB = (170, 168, 165)
TOPS: tuple[RGB, ...] = (
    (70, 90, 140), (180, 50, 50), (235, 235, 230), (40, 40, 45), (60, 120, 80),
    (200, 170, 60), (120, 80, 140), (90, 140, 170),
)  # fmt: skip
SHORTS: tuple[RGB, ...] = ((40, 40, 45), (30, 50, 90), (90, 90, 95), (120, 100, 80), (20, 20, 20))
WALLS: tuple[RGB, ...] = (
    (214, 208, 196), (200, 205, 210), (225, 220, 205), (185, 195, 180), (170, 175, 185),
    (235, 232, 225),
)  # fmt: skip
FLOORS: tuple[RGB, ...] = (
    (165, 150, 130), (140, 140, 140), (120, 95, 70), (190, 185, 175), (90, 85, 80),
)  # fmt: skip
DOORS: tuple[RGB, ...] = ((150, 110, 80), (235, 235, 230), (110, 80, 60), (90, 100, 110))
CUPBOARDS: tuple[RGB, ...] = ((120, 130, 140), (160, 120, 90), (230, 228, 220), (70, 75, 80))

#: Body archetypes (gender, age, weight, muscle, height, proportions), each jittered per draw.
#: Train and test share none, and each holds women, men, children, old and heavy bodies.
TRAIN_ARCHETYPES: tuple[tuple[float, ...], ...] = (
    (1.0, 0.65, 0.45, 0.45, 0.5, 0.5),  # woman
    (0.0, 0.7, 0.5, 0.55, 0.55, 0.5),  # man
    (0.7, 0.2, 0.4, 0.4, 0.5, 0.5),  # child
    (0.0, 0.85, 0.85, 0.5, 0.5, 0.5),  # heavier older man
    (1.0, 0.95, 0.55, 0.3, 0.4, 0.5),  # old woman
    (0.1, 0.62, 0.3, 0.8, 0.75, 0.55),  # tall muscular man
    (1.0, 0.6, 0.65, 0.55, 0.3, 0.45),  # short stocky woman
    (0.5, 0.6, 0.5, 0.5, 0.5, 0.5),  # androgynous young adult
)
TEST_ARCHETYPES: tuple[tuple[float, ...], ...] = (
    (1.0, 0.78, 0.8, 0.4, 0.45, 0.45),  # heavier woman
    (0.2, 0.7, 0.4, 0.6, 0.6, 0.5),  # slim man
    (0.3, 0.24, 0.45, 0.45, 0.5, 0.5),  # child (boyish)
    (0.0, 0.97, 0.45, 0.35, 0.45, 0.5),  # old man
    (0.9, 0.64, 0.25, 0.5, 0.7, 0.6),  # tall slim woman
    (0.0, 0.75, 0.65, 0.7, 0.35, 0.4),  # short stocky man
    (0.8, 0.45, 0.35, 0.45, 0.45, 0.55),  # teenager
    (0.85, 0.9, 0.9, 0.35, 0.4, 0.45),  # heavy older woman
)
ARCHETYPES = TRAIN_ARCHETYPES + TEST_ARCHETYPES


# --- samples -------------------------------------------------------------------------------------


def _sample(
    name: str, body: Body, look: Appearance, posture: Posture, view: str, scene: Scene, seed: int
) -> RenderParams:
    distance = 2.5 if body.age < 0.4 else 2.9
    camera = Camera(yaw_deg=VIEW_YAWS[view], height_m=1.1, distance_m=distance, vfov_deg=44.0)
    return RenderParams(
        name=f"{name}_{view}", body=body, appearance=look, posture=posture, camera=camera,
        scene=scene, seed=seed,
    )  # fmt: skip


def samples_set() -> list[RenderParams]:
    """Two adults and a child, front / side / back, each with known alignment."""
    woman = (
        Body(gender=1.0, age=0.65, weight=0.45, muscle=0.45, height=0.5),
        Appearance(skin=(224, 178, 150), hair=(95, 70, 45), top=(90, 140, 170),
                   shorts=(40, 40, 45), sleeves=False),
        Posture(toe_out_left=7.0, toe_out_right=6.0, valgus_left=1.0, valgus_right=1.0,
                stance=1.05),
        Scene(background="room", door_offset_m=0.9),
    )  # fmt: skip
    man = (
        Body(gender=0.0, age=0.72, weight=0.6, muscle=0.55, height=0.6),
        Appearance(skin=(180, 130, 100), hair=(30, 25, 22), top=(180, 50, 50),
                   shorts=(30, 50, 90)),
        Posture(toe_out_left=30.0, toe_out_right=24.0, valgus_left=14.0, valgus_right=13.0,
                pelvic_tilt=5.0, head_forward=60.0, knee_hyperextension=13.0, stance=1.15,
                arm_abduction=11.0),
        Scene(background="room", wall=(200, 205, 210), floor=(140, 140, 140),
              door=(235, 235, 230), door_offset_m=-0.85, cupboard=(160, 120, 90),
              light_azimuth_deg=-30.0),
    )  # fmt: skip
    child = (
        Body(gender=0.7, age=0.2, weight=0.4, muscle=0.4, height=0.5),
        Appearance(skin=(150, 105, 75), hair=(30, 25, 22), top=(200, 170, 60),
                   shorts=(30, 50, 90)),
        Posture(toe_out_left=10.0, toe_out_right=9.0, valgus_left=5.0, valgus_right=5.0,
                knee_hyperextension=5.0, stance=1.1),
        Scene(background="plain", wall=(225, 220, 205), floor=(190, 185, 175)),
    )  # fmt: skip
    out: list[RenderParams] = []
    for name, (body, look, posture, scene), views in (
        ("woman_neutral", woman, ("front", "left", "back")),
        ("man_misaligned", man, ("front", "right", "back")),
        ("child", child, ("front", "left")),
    ):
        for view in views:
            out.append(_sample(name, body, look, posture, view, scene, seed=len(out) + 1))
    return out


# --- random draws --------------------------------------------------------------------------------


def _pick(rng: np.random.Generator, options: tuple[RGB, ...]) -> RGB:
    return options[int(rng.integers(len(options)))]


def _body(rng: np.random.Generator, archetype: tuple[float, ...]) -> Body:
    def j(value: float, amount: float = 0.07) -> float:
        return float(np.clip(value + rng.uniform(-amount, amount), 0.0, 1.0))

    g, age, weight, muscle, height, proportions = archetype
    return Body(
        gender=j(g, 0.05), age=j(age, 0.04), weight=j(weight), muscle=j(muscle),
        height=j(height), proportions=j(proportions),
    )  # fmt: skip


def _appearance(rng: np.random.Generator, body: Body) -> Appearance:
    hair = GREY_HAIR if body.age > 0.8 and rng.random() < 0.7 else _pick(rng, HAIR)
    return Appearance(
        skin=_pick(rng, SKIN_TONES), hair=hair, top=_pick(rng, TOPS),
        shorts=_pick(rng, SHORTS), sleeves=bool(rng.random() < 0.6),
    )  # fmt: skip


def _posture(rng: np.random.Generator, body: Body) -> Posture:
    def u(low: float, high: float) -> float:
        return round(float(rng.uniform(low, high)), 2)

    heavy = max(0.0, body.weight - 0.5)
    return Posture(
        toe_out_left=u(-6, 26), toe_out_right=u(-6, 26), toe_out_from_hip=u(0.2, 0.8),
        valgus_left=u(-8, 12), valgus_right=u(-8, 12),
        pelvic_tilt=u(-8, 8), pelvic_mode="bent_knee" if rng.random() < 0.3 else "short_leg",
        shoulder_tilt=u(-6, 6), head_forward=u(0, 30), head_tilt=u(-6, 6),
        knee_hyperextension=u(-8, 10), trunk_shift=u(-15, 15), trunk_lean=u(-4, 8),
        stance=u(0.75, 1.8) + 0.6 * heavy, arm_abduction=u(6, 14) + 20 * heavy,
    )  # fmt: skip


def _yaw(rng: np.random.Generator) -> float:
    roll = rng.random()
    if roll < 0.35:
        base = 0.0
    elif roll < 0.55:
        base = 180.0
    elif roll < 0.7:
        base = 90.0
    elif roll < 0.85:
        base = 270.0
    else:
        # Oblique: 25-60° from a square-on view, either way, front or back.
        sign = 1.0 if rng.random() < 0.5 else -1.0
        base = (180.0 if rng.random() < 0.3 else 0.0) + sign * float(rng.uniform(25, 60))
        return round(base % 360.0, 2)
    return round((base + float(rng.uniform(-4, 4))) % 360.0, 2)


def _camera(rng: np.random.Generator, vfov: tuple[float, float]) -> Camera:
    height = float(rng.uniform(0.3, 2.0))
    distance = float(rng.uniform(2.4, 4.5))
    pitch: float | None = None
    if rng.random() < 0.4:
        # Aimed at an assumed 1.7 m body's mid-height, then a little off.
        pitch = math.degrees(math.atan2(height - 0.85, distance)) + float(rng.uniform(-6, 6))
        pitch = round(pitch, 2)
    return Camera(
        yaw_deg=_yaw(rng), height_m=round(height, 3), distance_m=round(distance, 3),
        pitch_deg=pitch, roll_deg=round(float(np.clip(rng.normal(0, 3), -9, 9)), 2),
        vfov_deg=round(float(rng.uniform(*vfov)), 2),
    )  # fmt: skip


def _scene(rng: np.random.Generator) -> Scene:
    side = 1.0 if rng.random() < 0.5 else -1.0
    return Scene(
        background="room" if rng.random() < 0.75 else "plain",
        wall=_pick(rng, WALLS), floor=_pick(rng, FLOORS), door=_pick(rng, DOORS),
        wall_distance_m=round(float(rng.uniform(0.8, 2.5)), 3),
        door_offset_m=round(side * float(rng.uniform(0.7, 1.4)), 3),
        cupboard=_pick(rng, CUPBOARDS), cupboard_offset_m=round(float(rng.uniform(0.6, 1.2)), 3),
        tile_m=round(float(rng.uniform(0.3, 0.6)), 3),
        light_azimuth_deg=round(float(rng.uniform(-55, 55)), 1),
        light_elevation_deg=round(float(rng.uniform(30, 65)), 1),
        light_intensity=round(float(rng.uniform(2.5, 4.0)), 2),
        ambient=round(float(rng.uniform(0.25, 0.45)), 2),
        noise=round(float(rng.uniform(0.5, 3.0)), 2),
    )  # fmt: skip


def random_set(
    prefix: str,
    archetypes: tuple[tuple[float, ...], ...],
    count: int,
    seed: int,
    vfov: tuple[float, float],
    size: tuple[int, int] = (720, 1280),
) -> list[RenderParams]:
    rng = np.random.default_rng([seed, sum(map(ord, prefix))])
    out = []
    for i in range(count):
        body = _body(rng, archetypes[i % len(archetypes)])
        out.append(
            RenderParams(
                name=f"{prefix}_{i:04d}", body=body, appearance=_appearance(rng, body),
                posture=_posture(rng, body), camera=_camera(rng, vfov), scene=_scene(rng),
                width=size[0], height=size[1], seed=int(rng.integers(2**31)),
            )
        )  # fmt: skip
    return out


def ci_set(seed: int) -> list[RenderParams]:
    """Twelve 360x640 renders: four front, two back, two each side, two oblique."""
    draws = random_set("ci", ARCHETYPES, 12, seed, (45.0, 55.0), size=(360, 640))
    yaws = (0.0, 2.0, -3.0, 0.0, 180.0, 177.0, 90.0, 92.0, 270.0, 268.0, 35.0, 320.0)
    return [
        replace(p, camera=replace(p.camera, yaw_deg=yaw % 360.0))
        for p, yaw in zip(draws, yaws, strict=True)
    ]


# --- the hard sets: how phones are really held -------------------------------------------------


def _hard_yaw(rng: np.random.Generator) -> float:
    """A square-on or side view, with the person turned up to 15° from it either way."""
    base = (0.0, 0.0, 180.0, 90.0, 270.0)[int(rng.integers(5))]
    return round((base + float(rng.uniform(-15, 15))) % 360.0, 2)


def _hard_camera(rng: np.random.Generator) -> Camera:
    """Phone cameras: 0.5-1.6 m high, 2-4.5 m away, rolled up to ±8°, wide lenses."""
    height = float(rng.uniform(0.5, 1.6))
    distance = float(rng.uniform(2.0, 4.5))
    pitch: float | None = None
    if rng.random() < 0.6:
        pitch = math.degrees(math.atan2(height - 0.85, distance)) + float(rng.uniform(-8, 8))
        pitch = round(pitch, 2)
    return Camera(
        yaw_deg=_hard_yaw(rng), height_m=round(height, 3), distance_m=round(distance, 3),
        pitch_deg=pitch, roll_deg=round(float(rng.uniform(-8, 8)), 2),
        vfov_deg=round(float(rng.uniform(50, 72)), 2),
    )  # fmt: skip


def hard_set(
    prefix: str, archetypes: tuple[tuple[float, ...], ...], count: int, seed: int
) -> list[RenderParams]:
    """Random bodies and postures (several deviations at once) photographed the way phones are:
    turned a little, rolled, high or low, near or far, wide lenses, and half the scenes plain
    walls or outdoors-like backdrops with no vertical edges to find the roll by."""
    rng = np.random.default_rng([seed, sum(map(ord, prefix)), 8])
    out = []
    for i in range(count):
        body = _body(rng, archetypes[i % len(archetypes)])
        scene = _scene(rng)
        scene = replace(scene, background="plain" if rng.random() < 0.5 else "room")
        out.append(
            RenderParams(
                name=f"{prefix}_{i:04d}", body=body, appearance=_appearance(rng, body),
                posture=_posture(rng, body), camera=_hard_camera(rng), scene=scene,
                width=720, height=1280, seed=int(rng.integers(2**31)),
            )
        )  # fmt: skip
    return out


def offcentre_set(count: int, seed: int) -> list[RenderParams]:
    """The unseen test bodies in a room, the phone held at chest or eye height and turned so the
    person stands off the picture's centre (6-16 % of its height): there the true verticals
    lean by how far the camera looks down, which a roll alone does not undo."""
    rng = np.random.default_rng([seed, sum(map(ord, "offcentre")), 9])
    out = []
    for i in range(count):
        body = _body(rng, TEST_ARCHETYPES[i % len(TEST_ARCHETYPES)])
        base = (0.0, 0.0, 180.0, 90.0, 270.0)[int(rng.integers(5))]
        side = 1.0 if rng.random() < 0.5 else -1.0
        camera = Camera(
            yaw_deg=round((base + float(rng.uniform(-5, 5))) % 360.0, 2),
            height_m=round(float(rng.uniform(1.2, 1.7)), 3),
            distance_m=round(float(rng.uniform(2.0, 3.5)), 3),
            roll_deg=round(float(rng.uniform(-4, 4)), 2),
            vfov_deg=round(float(rng.uniform(55, 72)), 2),
            pan_deg=round(side * float(rng.uniform(5, 10)), 2),
        )
        scene = replace(_scene(rng), background="room")
        out.append(
            RenderParams(
                name=f"offcentre_{i:04d}", body=body, appearance=_appearance(rng, body),
                posture=_posture(rng, body), camera=camera, scene=scene,
                width=720, height=1280, seed=int(rng.integers(2**31)),
            )
        )  # fmt: skip
    return out


def _room_camera(rng: np.random.Generator, yaw: float) -> Camera:
    """A camera at ``yaw`` (degrees), 0.8-1.5 m high, 2.2-4 m away, rolled up to ±4°."""
    return Camera(
        yaw_deg=round(yaw % 360.0, 2),
        height_m=round(float(rng.uniform(0.8, 1.5)), 3),
        distance_m=round(float(rng.uniform(2.2, 4.0)), 3),
        roll_deg=round(float(rng.uniform(-4, 4)), 2),
        vfov_deg=round(float(rng.uniform(50, 65)), 2),
    )


def turned_set(
    prefix: str, count: int, seed: int, turns: tuple[float, float], knee_bend: float | None = None
) -> list[RenderParams]:
    """The unseen test bodies in a room, front or back, turned ``turns`` (degrees, either way)
    from square-on; with ``knee_bend``, both knees bent 10° to that many degrees (a soft-kneed
    stance, or a moment of a greeting or a step).

    The square-on check lets a turn of up to 20° through, the frozen set stops at 15°. Seen
    turned, a level line at another height than the lens tilts in the picture (by about
    tan(turn) x its height above the lens / its distance), and part of a bent knee's forward bend
    shows sideways."""
    rng = np.random.default_rng([seed, sum(map(ord, prefix)), 10])
    out = []
    for i in range(count):
        body = _body(rng, TEST_ARCHETYPES[i % len(TEST_ARCHETYPES)])
        base = (0.0, 180.0)[int(rng.integers(2))]
        sign = 1.0 if rng.random() < 0.5 else -1.0
        camera = _room_camera(rng, base + sign * float(rng.uniform(*turns)))
        posture = _posture(rng, body)
        if knee_bend is not None:
            bend = -round(float(rng.uniform(10, knee_bend)), 2)
            posture = replace(posture, knee_hyperextension=bend, pelvic_mode="short_leg")
        scene = replace(_scene(rng), background="room")
        out.append(
            RenderParams(
                name=f"{prefix}_{i:04d}", body=body, appearance=_appearance(rng, body),
                posture=posture, camera=camera, scene=scene,
                width=720, height=1280, seed=int(rng.integers(2**31)),
            )
        )  # fmt: skip
    return out


def armsout_set(count: int, seed: int) -> list[RenderParams]:
    """Pairs of renders of the unseen test bodies, front or back, in a room, turned up to 8°: the
    same body, posture, camera and scene with the arms hanging as usual (``_a``, 10° out) and held
    out 25-80° from the body (``_b``), so that what the arms alone do to the readings shows."""
    rng = np.random.default_rng([seed, 11])
    out = []
    for i in range(count // 2):
        body = _body(rng, TEST_ARCHETYPES[i % len(TEST_ARCHETYPES)])
        base = (0.0, 180.0)[int(rng.integers(2))]
        camera = _room_camera(rng, base + float(rng.uniform(-8, 8)))
        posture = _posture(rng, body)
        scene = replace(_scene(rng), background="room")
        appearance = _appearance(rng, body)
        raised = round(float(rng.uniform(25, 80)), 2)
        render_seed = int(rng.integers(2**31))
        for tag, arms in (("a", 10.0), ("b", raised)):
            out.append(
                RenderParams(
                    name=f"armsout_{i:04d}_{tag}", body=body, appearance=appearance,
                    posture=replace(posture, arm_abduction=arms), camera=camera, scene=scene,
                    width=720, height=1280, seed=render_seed,
                )
            )  # fmt: skip
    return out


def people_set(count: int, seed: int) -> list[RenderParams]:
    """``count`` people (every archetype in turn), each photographed front, side and back in one
    sitting (the same clothes and posture; the phone held a little differently each time): the
    truth for the same-person check across a report's photos."""
    rng = np.random.default_rng([seed, 11])
    out = []
    for i in range(count):
        body = _body(rng, ARCHETYPES[i % len(ARCHETYPES)])
        look, posture, scene = _appearance(rng, body), _posture(rng, body), _scene(rng)
        side = "left" if rng.random() < 0.5 else "right"
        for view in ("front", side, "back"):
            camera = Camera(
                yaw_deg=round((VIEW_YAWS[view] + float(rng.uniform(-10, 10))) % 360.0, 2),
                height_m=round(float(rng.uniform(0.8, 1.4)), 3),
                distance_m=round(float(rng.uniform(2.2, 3.6)), 3),
                roll_deg=round(float(rng.uniform(-4, 4)), 2),
                vfov_deg=round(float(rng.uniform(44, 62)), 2),
            )
            out.append(
                RenderParams(
                    name=f"people_{i:03d}_{view}", body=body, appearance=look, posture=posture,
                    camera=camera, scene=scene, width=720, height=1280,
                    seed=int(rng.integers(2**31)),
                )
            )  # fmt: skip
    return out


SETS: dict[str, Callable[[int, int | None], list[RenderParams]]] = {
    "samples": lambda seed, count: samples_set(),
    "ci": lambda seed, count: ci_set(seed),
    "train": lambda seed, count: random_set(
        "train", TRAIN_ARCHETYPES, count or 120, seed, (44.0, 54.0)
    ),
    "test": lambda seed, count: random_set(
        "test", TEST_ARCHETYPES, count or 120, seed + 1_000_003, (40.0, 60.0)
    ),
    "hard_train": lambda seed, count: hard_set("hard_train", TRAIN_ARCHETYPES, count or 640, seed),
    "hard_test": lambda seed, count: hard_set(
        "hard_test", TEST_ARCHETYPES, count or 640, seed + 2_000_003
    ),
    "offcentre": lambda seed, count: offcentre_set(count or 60, seed + 3_000_017),
    "turned": lambda seed, count: turned_set("turned", count or 60, seed + 5_000_011, (12, 20)),
    "bentknee": lambda seed, count: turned_set(
        "bentknee", count or 60, seed + 4_000_037, (0, 20), knee_bend=25.0
    ),
    "armsout": lambda seed, count: armsout_set(count or 60, seed + 6_000_001),
    # 16 people, three photos each (``count`` cuts the photos, as for the other sets)
    "people": lambda seed, count: people_set(16, seed),
}


def make_set(name: str, count: int | None = None, seed: int = 0) -> list[RenderParams]:
    """The named set's items (the first ``count`` of a fixed set)."""
    items = SETS[name](seed, count)
    return items[:count] if count is not None else items
