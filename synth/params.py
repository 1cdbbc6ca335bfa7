"""What one render is made of: body, appearance, posture, camera and scene, as frozen data.

Every field is plain JSON (numbers, strings, lists): ``to_dict`` / ``params_from_dict`` round-trip
it, so a truth JSON's ``params`` re-renders the same image. Random draws happen in ``sets``, never
here: a ``RenderParams`` is fully explicit.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

RGB = tuple[int, int, int]

#: Named views and the camera yaw that gives them (degrees about the person, seen from above:
#: 0 = in front, 90 = at the person's left side, 180 = behind, 270 = at the right side).
VIEW_YAWS: dict[str, float] = {"front": 0.0, "left": 90.0, "back": 180.0, "right": 270.0}
#: A yaw within this many degrees of a named view is that view; otherwise the view is "oblique".
VIEW_TOLERANCE_DEG = 10.0


@dataclass(frozen=True)
class Body:
    """anny's phenotype keywords, each 0-1, with anny's meanings.

    ``gender``: 0 male, 1 female (MakeHuman's anchors). ``age``: anchors newborn −1/3, baby 0,
    child (≈11 y) 1/3, young adult (≈25 y) 2/3, old (≈90 y) 1; about 0.2 is a young child.
    ``weight``, ``muscle``: 0 min, 0.5 average, 1 max. ``height``: 0 short, 1 tall.
    ``proportions``: 0 ideal, 1 uncommon.
    """

    gender: float = 0.5
    age: float = 0.667
    weight: float = 0.5
    muscle: float = 0.5
    height: float = 0.5
    proportions: float = 0.5


@dataclass(frozen=True)
class Appearance:
    """Vertex colours: skin, hair cap, top and shorts (barefoot, as in a posture assessment)."""

    skin: RGB = (205, 160, 130)
    hair: RGB = (60, 45, 35)
    top: RGB = (70, 90, 140)
    shorts: RGB = (40, 40, 45)
    #: Short sleeves (upper arm covered) when True, a sleeveless top otherwise.
    sleeves: bool = True


@dataclass(frozen=True)
class Posture:
    """The alignment to pose. Angles in degrees; each is a *target* for the true measure of the
    same meaning (see TRUTH.md), reached by a few posing iterations; the truth JSON reports the
    exact value reached.
    """

    #: Foot progression angle per foot (+ toe-out), heel → second toe vs the pelvis's facing.
    toe_out_left: float = 7.0
    toe_out_right: float = 7.0
    #: Share of the toe-out made by turning the whole leg out at the hip (the rest at the foot).
    toe_out_from_hip: float = 0.5
    #: 180 − hip-knee-ankle angle in the frontal plane, + valgus (knee toward the midline).
    valgus_left: float = 0.0
    valgus_right: float = 0.0
    #: + person's left hip joint higher (frontal plane), with both feet kept on the floor.
    pelvic_tilt: float = 0.0
    #: How the low side is made: "short_leg" (a shorter leg) or "bent_knee" (the low knee flexed).
    pelvic_mode: str = "short_leg"
    #: + left shoulder higher (raised by the shoulder girdle, clavicles).
    shoulder_tilt: float = 0.0
    #: Forward flexion of the neck with the gaze kept level (head poked forward), degrees.
    head_forward: float = 0.0
    #: Lateral head tilt, + toward the left shoulder (eyes line).
    head_tilt: float = 0.0
    #: Sagittal knee angle, both legs: + hyperextension, − flexion (180 − hip-knee-ankle).
    knee_hyperextension: float = 0.0
    #: Lateral shift of the shoulder midpoint over the hip midpoint, % hip width, + to the left.
    trunk_shift: float = 0.0
    #: Hip-to-shoulder line against vertical in the sagittal plane, + forward.
    trunk_lean: float = 0.0
    #: Ankle distance / hip-joint distance.
    stance: float = 1.1
    #: Arms hanging this far out from vertical (frontal plane), degrees.
    arm_abduction: float = 9.0


@dataclass(frozen=True)
class Camera:
    """Where the camera stands and how it is held.

    ``yaw_deg``: azimuth about the person (see ``VIEW_YAWS``). ``height_m``: lens above the floor.
    ``distance_m``: horizontal distance from the person's pelvis axis. ``pitch_deg``: + looking
    down below the horizontal; None aims at the body's mid-height. ``roll_deg``: + the camera
    turned counter-clockwise as the photographer sees it, so true verticals appear turned
    clockwise on screen by that much (posecheck's ``CameraRoll.degrees``). ``vfov_deg``: vertical
    field of view (the long side in portrait); widened, and recorded, if the body would not fit.
    ``pan_deg``: the camera turned about the vertical through its lens by this much (+ toward the
    photographer's right), so that the person stands off the picture's centre; 0 aims at them.
    """

    yaw_deg: float = 0.0
    height_m: float = 1.2
    distance_m: float = 3.0
    pitch_deg: float | None = None
    roll_deg: float = 0.0
    vfov_deg: float = 50.0
    pan_deg: float = 0.0


@dataclass(frozen=True)
class Scene:
    """Background and light.

    ``background``: "room" (painted wall, a door frame, a tall cupboard, skirting board, tiled
    floor: straight vertical edges for a roll estimator) or "plain" (one-colour wall and floor).
    """

    background: str = "room"
    wall: RGB = (214, 208, 196)
    floor: RGB = (165, 150, 130)
    trim: RGB = (240, 238, 232)
    door: RGB = (150, 110, 80)
    #: Distance from the person to the wall behind them (m), along the camera's line of sight.
    wall_distance_m: float = 1.5
    #: Where the door sits along the wall, metres to image-right of the person (negative: left).
    door_offset_m: float = 0.85
    #: A tall cupboard against the wall on the other side of the person from the door.
    cupboard: RGB = (120, 130, 140)
    cupboard_offset_m: float = 0.75
    tile_m: float = 0.45
    #: Key light direction, relative to the camera: azimuth (+ from the camera's right) and
    #: elevation above the horizontal.
    light_azimuth_deg: float = 25.0
    light_elevation_deg: float = 50.0
    light_intensity: float = 3.0
    ambient: float = 0.35
    #: Gaussian sensor noise (8-bit levels, standard deviation).
    noise: float = 2.0


@dataclass(frozen=True)
class RenderParams:
    """Everything one render needs. ``name`` is the file stem; ``seed`` drives the noise only."""

    name: str
    body: Body = field(default_factory=Body)
    appearance: Appearance = field(default_factory=Appearance)
    posture: Posture = field(default_factory=Posture)
    camera: Camera = field(default_factory=Camera)
    scene: Scene = field(default_factory=Scene)
    width: int = 720
    height: int = 1280
    seed: int = 0
    jpeg_quality: int = 90

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def view_of_yaw(yaw_deg: float) -> str:
    """The named view for a camera yaw, or "oblique" when none is within the tolerance."""
    for name, yaw in VIEW_YAWS.items():
        diff = (yaw_deg - yaw + 180.0) % 360.0 - 180.0
        if abs(diff) <= VIEW_TOLERANCE_DEG:
            return name
    return "oblique"


def _build(cls: type[Any], data: dict[str, Any]) -> Any:
    kwargs: dict[str, Any] = {}
    for f in fields(cls):
        if f.name not in data:
            continue
        value = data[f.name]
        if isinstance(value, list):
            value = tuple(value)
        kwargs[f.name] = value
    return cls(**kwargs)


def params_from_dict(data: dict[str, Any]) -> RenderParams:
    """The inverse of ``RenderParams.to_dict`` (missing fields take their defaults)."""
    parts = {
        "body": Body,
        "appearance": Appearance,
        "posture": Posture,
        "camera": Camera,
        "scene": Scene,
    }
    kwargs: dict[str, Any] = {k: v for k, v in data.items() if k not in parts}
    for key, cls in parts.items():
        if key in data:
            kwargs[key] = _build(cls, data[key])
    return RenderParams(**kwargs)
