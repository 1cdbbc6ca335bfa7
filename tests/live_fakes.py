"""A fake at the edge for live mode: a replay estimator that hands out recorded or synthetic poses
in place of MediaPipe, and synthetic pose sequences of the coached exercises with known counts.

Poses are built on ``tests.poses`` (a 1000x1000 picture, y down). Every sequence is a list of
``(t_ms, pose or None)``; noise is Gaussian on every landmark (pixels), seeded.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import av
import numpy as np

from posecheck.live.coach import CoachSummary, SideProgress
from posecheck.live.session import SessionSummary
from posecheck.live.stance import StanceMeasure, StanceResult
from posecheck.measures import MeasureName
from posecheck.types import Detection, Landmark, Pose, Side, Status, Unit
from tests.poses import FRONT, SIDE_LEFT, make_pose

L = Landmark
Points = dict[Landmark, tuple[float, float]]
Timed = list[tuple[float, Pose | None]]

#: A blank frame for the session (the replay estimator does not look at it).
FRAME = np.zeros((1000, 1000, 3), dtype=np.uint8)


@dataclass
class Recording:
    """Poses to hand out in order (None: nobody found), shared by every estimator of a factory."""

    poses: list[Pose | None]
    cursor: int = 0

    def next(self) -> Pose | None:
        if not self.poses:
            return None
        pose = self.poses[self.cursor % len(self.poses)]
        self.cursor += 1
        return pose


@dataclass
class ReplayEstimator:
    """Returns the recording's next pose for each call; checks that its timestamps increase and
    it is not used after ``close``; keeps the timestamps (and, if asked, the images) it got."""

    recording: Recording
    keep_images: bool = False
    stamps: list[int] = field(default_factory=list)
    images: list[np.ndarray] = field(default_factory=list)
    closed: bool = False

    def detect(self, rgb: np.ndarray, *, timestamp_ms: int | None = None) -> Detection | None:
        assert not self.closed, "detect after close"
        assert timestamp_ms is not None, "video mode needs timestamps"
        assert not self.stamps or timestamp_ms > self.stamps[-1], "timestamps must increase"
        self.stamps.append(timestamp_ms)
        if self.keep_images:
            self.images.append(rgb.copy())
        pose = self.recording.next()
        return None if pose is None else Detection(people=(pose,), subject_index=0)

    def close(self) -> None:
        self.closed = True


class ReplayFactory:
    """An estimator factory; its estimators share one recording, so the n-th frame of a session
    gets the n-th pose whichever estimator (after a restart) looks at it."""

    def __init__(self, poses: Sequence[Pose | None], *, keep_images: bool = False) -> None:
        self.recording = Recording(list(poses))
        self.keep_images = keep_images
        self.made: list[ReplayEstimator] = []

    def __call__(self) -> ReplayEstimator:
        estimator = ReplayEstimator(self.recording, keep_images=self.keep_images)
        self.made.append(estimator)
        return estimator


@dataclass
class PeopleCount:
    """An IMAGE-mode stand-in for the people counter: the n-th call finds ``counts[n]`` people
    (the last entry repeats; 0: nobody), copies of one pose; it keeps how often it was asked."""

    counts: list[int]
    calls: int = 0
    closed: bool = False

    def detect(self, rgb: np.ndarray, *, timestamp_ms: int | None = None) -> Detection | None:
        assert not self.closed, "detect after close"
        assert timestamp_ms is None, "the counter looks at each frame on its own (image mode)"
        found = self.counts[min(self.calls, len(self.counts) - 1)]
        self.calls += 1
        if found == 0:
            return None
        return Detection(people=tuple(make_pose(FRONT) for _ in range(found)), subject_index=0)

    def close(self) -> None:
        self.closed = True


def counts_alone(*args: object, **kwargs: object) -> Callable[[], PeopleCount]:
    """A stand-in for ``people_counter(model)``: one person in every frame."""
    return lambda: PeopleCount([1])


def replay(sequence: Timed) -> tuple[ReplayFactory, list[float]]:
    """A factory replaying a timed sequence's poses, and its times."""
    return ReplayFactory([pose for _, pose in sequence]), [t for t, _ in sequence]


# --- times and noise -----------------------------------------------------------------------------


def frame_times(
    duration_ms: float, fps: float = 30.0, *, jitter: float = 0.0, seed: int = 0
) -> list[float]:
    """Frame times from 0 to ``duration_ms``; with ``jitter`` each gap is scaled by a random factor
    in [1 - jitter, 1 + 3 * jitter] (uneven gaps, as when frames are dropped)."""
    rng = np.random.default_rng(seed)
    gap = 1000.0 / fps
    times = [0.0]
    while True:
        step = gap * (rng.uniform(1 - jitter, 1 + 3 * jitter) if jitter else 1.0)
        if times[-1] + step > duration_ms:
            return times
        times.append(times[-1] + step)


def noisy(pose: Pose, rng: np.random.Generator | None, sigma: float) -> Pose:
    if rng is None or sigma == 0:
        return pose
    xy = pose.xy + rng.normal(0.0, sigma, size=pose.xy.shape)
    return Pose(xy, pose.z, pose.visibility, pose.presence, pose.world, pose.image_size)


def sequence(
    times: Iterable[float],
    make: Callable[[float], Pose | None],
    *,
    sigma: float = 0.0,
    seed: int = 3,
    missing: float = 0.0,
) -> Timed:
    """``make(t_ms)`` at each time, with landmark noise and a share of frames with nobody."""
    rng = np.random.default_rng(seed) if sigma or missing else None
    out: Timed = []
    for t in times:
        pose = make(t)
        if rng is not None and missing and rng.uniform() < missing:
            pose = None
        out.append((t, noisy(pose, rng, sigma) if pose is not None else None))
    return out


def smooth_pulses(t_ms: float, period_ms: float, count: int, *, start_ms: float = 0.0) -> float:
    """0 at rest, rising smoothly to 1 and back ``count`` times, each over ``period_ms``."""
    phase = (t_ms - start_ms) / period_ms
    if phase < 0 or phase >= count:
        return 0.0
    return 0.5 - 0.5 * math.cos(2 * math.pi * phase)


def plateaus(t_ms: float, spans: Sequence[tuple[float, float]], ramp_ms: float = 300.0) -> float:
    """1 inside each (start, end) span, 0 outside, with linear ramps of ``ramp_ms``."""
    level = 0.0
    for start, end in spans:
        if start - ramp_ms <= t_ms <= end + ramp_ms:
            rise = min(1.0, (t_ms - (start - ramp_ms)) / ramp_ms)
            fall = min(1.0, (end + ramp_ms - t_ms) / ramp_ms)
            level = max(level, max(0.0, min(rise, fall)))
    return level


# --- standing side-on: heel raises, toe walking --------------------------------------------------

FOOT = 120.0  # px: a side-on foot is about 0.6 of the 200 px shank


def side_standing(heel_rise: float = 0.0, *, walk_x: float = 0.0) -> Pose:
    """Standing, seen from the person's left (facing image-left); ``heel_rise`` is the sine of
    the heels' pitch about the toe tips (heel height in foot lengths above standing flat)."""
    pitch = math.asin(max(-1.0, min(1.0, heel_rise)))
    toe = (430.0 + walk_x, 920.0)
    heel = (toe[0] + FOOT * math.cos(pitch), toe[1] - FOOT * math.sin(pitch))
    lift = FOOT * math.sin(pitch)
    base = {lm: (x + walk_x, y - (lift if y < 910 else 0.0)) for lm, (x, y) in SIDE_LEFT.items()}
    points: Points = {
        **base,
        L.LEFT_FOOT_INDEX: toe, L.RIGHT_FOOT_INDEX: toe,
        L.LEFT_HEEL: heel, L.RIGHT_HEEL: heel,
    }  # fmt: skip
    return make_pose(points, base=SIDE_LEFT)


_HEAD = (
    L.NOSE,
    L.LEFT_EAR,
    L.RIGHT_EAR,
    L.LEFT_EYE,
    L.RIGHT_EYE,
    L.LEFT_EYE_INNER,
    L.RIGHT_EYE_INNER,
    L.LEFT_EYE_OUTER,
    L.RIGHT_EYE_OUTER,
    L.MOUTH_LEFT,
    L.MOUTH_RIGHT,
)


def side_chin_tuck(back_px: float) -> Pose:
    """Standing, seen from the person's left, the head drawn straight back by ``back_px`` (the
    trunk is 300 px long)."""
    base = side_standing()
    points = {lm: (float(x), float(y)) for lm, (x, y) in zip(L, base.xy, strict=True)}
    for landmark in _HEAD:
        x, y = points[landmark]
        points[landmark] = (x + back_px, y)  # they face image-left: back is +x
    return make_pose(points, base=SIDE_LEFT)


# --- lying on the back, side-on: the towel leg stretch -------------------------------------------


def lying(leg_raise_deg: float, knee_bend_deg: float = 0.0, *, side: str = "RIGHT") -> Pose:
    """Lying on the back seen from the person's left, head to image-left; one leg raised
    ``leg_raise_deg`` from the floor at the hip, its knee bent ``knee_bend_deg``."""
    hip = np.array([500.0, 600.0])
    thigh = shank = 200.0
    raise_rad = math.radians(leg_raise_deg)
    knee = hip + thigh * np.array([math.cos(raise_rad), -math.sin(raise_rad)])
    shank_rad = raise_rad - math.radians(knee_bend_deg)
    ankle = knee + shank * np.array([math.cos(shank_rad), -math.sin(shank_rad)])
    foot_rad = shank_rad + math.pi / 2
    toe = ankle + 60.0 * np.array([math.cos(foot_rad), -math.sin(foot_rad)])
    heel = ankle + 15.0 * np.array([math.cos(shank_rad), -math.sin(shank_rad)])
    flat: Points = {lm: (150.0, 600.0) for lm in L}
    flat.update({
        L.NOSE: (110, 585), L.LEFT_EAR: (150, 600), L.RIGHT_EAR: (150, 600),
        L.LEFT_EYE: (120, 590), L.RIGHT_EYE: (120, 590),
        L.LEFT_SHOULDER: (220, 600), L.RIGHT_SHOULDER: (220, 600),
        L.LEFT_ELBOW: (330, 605), L.RIGHT_ELBOW: (330, 605),
        L.LEFT_WRIST: (430, 605), L.RIGHT_WRIST: (430, 605),
        L.LEFT_HIP: (500, 600), L.RIGHT_HIP: (500, 600),
        L.LEFT_KNEE: (700, 600), L.RIGHT_KNEE: (700, 600),
        L.LEFT_ANKLE: (900, 600), L.RIGHT_ANKLE: (900, 600),
        L.LEFT_HEEL: (915, 610), L.RIGHT_HEEL: (915, 610),
        L.LEFT_FOOT_INDEX: (910, 540), L.RIGHT_FOOT_INDEX: (910, 540),
    })  # fmt: skip
    raised: Points = {
        L[f"{side}_KNEE"]: (float(knee[0]), float(knee[1])),
        L[f"{side}_ANKLE"]: (float(ankle[0]), float(ankle[1])),
        L[f"{side}_HEEL"]: (float(heel[0]), float(heel[1])),
        L[f"{side}_FOOT_INDEX"]: (float(toe[0]), float(toe[1])),
    }
    return make_pose({**flat, **raised}, base=flat)


# --- facing the camera: ankle circles, toe exercises, standing still -----------------------------


def front_foot_circle(
    angle_deg: float | None, radius: float = 0.15, *, side: str = "RIGHT"
) -> Pose:
    """Facing the camera; that foot's tip on a circle of ``radius`` shank lengths about its resting
    position, at ``angle_deg`` (image angle, + clockwise on screen); None: at rest."""
    toe_key = L[f"{side}_FOOT_INDEX"]
    rest = FRONT[toe_key]
    shank = 200.0
    if angle_deg is None:
        return make_pose()
    a = math.radians(angle_deg)
    toe = (rest[0] + radius * shank * math.cos(a), rest[1] + radius * shank * math.sin(a))
    return make_pose({toe_key: toe})


def front_still(sway_px: float = 0.0, t_ms: float = 0.0, period_ms: float = 2000.0) -> Pose:
    """Facing the camera, the whole body swaying sideways by ``sway_px`` (sine)."""
    dx = sway_px * math.sin(2 * math.pi * t_ms / period_ms)
    return make_pose({lm: (x + dx, y) for lm, (x, y) in FRONT.items()})


#: The front pose's shoulder width (px): squat depths are in shoulder widths.
SHOULDER_WIDTH = 160.0


def front_squat(depth: float, knees_in_px: float = 0.0) -> Pose:
    """Facing the camera, the hips ``depth`` shoulder widths lower than standing (everything
    above them with them, the knees half as far) and each knee ``knees_in_px`` toward the other;
    the feet stay."""
    drop = depth * SHOULDER_WIDTH
    moved = {}
    for landmark, (x, y) in FRONT.items():
        if landmark in (L.LEFT_KNEE, L.RIGHT_KNEE):
            toward = -knees_in_px if landmark is L.LEFT_KNEE else knees_in_px
            moved[landmark] = (x + toward, y + drop / 2)
        elif y < 650.0:  # the trunk, head and arms
            moved[landmark] = (x, y + drop)
        else:
            moved[landmark] = (x, y)
    return make_pose(moved)


def front_head_tilt(toward_right_deg: float, *, roll_deg: float = 0.0) -> Pose:
    """Facing the camera, the head tilted ``toward_right_deg`` toward the person's right shoulder
    (- toward the left) about the point between the shoulders; then the whole picture turned
    ``roll_deg`` clockwise about that point (a rolled camera)."""
    centre = (500.0, 200.0)

    def turned(point: tuple[float, float], deg: float) -> tuple[float, float]:
        a = math.radians(deg)  # + clockwise on screen (image y down)
        dx, dy = point[0] - centre[0], point[1] - centre[1]
        return (
            centre[0] + dx * math.cos(a) - dy * math.sin(a),
            centre[1] + dx * math.sin(a) + dy * math.cos(a),
        )

    # the person's right is the picture's left: toward it is anticlockwise on screen
    points = {lm: turned(xy, -toward_right_deg) if lm in _HEAD else xy for lm, xy in FRONT.items()}
    return make_pose({lm: turned(xy, roll_deg) for lm, xy in points.items()})


def front_one_leg(lift: float, side: str = "RIGHT") -> Pose:
    """Facing the camera, that foot's ankle, heel and toe ``lift`` shank lengths (200 px) up."""
    up = lift * 200.0
    points = {lm: (x, y - up) for lm, (x, y) in FRONT.items() if lm.name.startswith(side)
              and lm.name.endswith(("ANKLE", "HEEL", "FOOT_INDEX"))}  # fmt: skip
    return make_pose(points)


def side_seated_foot(shift: float, *, side: str = "RIGHT") -> Pose:
    """Seen from the person's left, that foot slid forward (image-left) by ``shift`` foot lengths
    (rolling a ball under it); the knee stays."""
    dx = -shift * FOOT
    heel_key, toe_key, ankle_key = (L[f"{side}_{j}"] for j in ("HEEL", "FOOT_INDEX", "ANKLE"))
    return make_pose(
        {
            heel_key: (550.0 + dx, 915.0),
            toe_key: (430.0 + dx, 920.0),
            ankle_key: (530.0 + dx, 900.0),
        },
        base=SIDE_LEFT,
    )


def by_time(
    spans: Mapping[tuple[float, float], Callable[[float], Pose | None]],
) -> Callable[[float], Pose | None]:
    """One pose maker per (start, end) span of time; nobody outside them."""

    def make(t_ms: float) -> Pose | None:
        for (start, end), maker in spans.items():
            if start <= t_ms < end:
                return maker(t_ms)
        return None

    return make


# --- summaries, as a session ends --------------------------------------------------------------


def stance_readings() -> dict[MeasureName, StanceMeasure]:
    """Averaged stance measures: the shoulder level held (the roll unknown), the experimental hip
    level just outside its range, a usual left knee."""
    held = StanceMeasure(
        MeasureName.SHOULDER_TILT, 10.6, 0.2, 60, Unit.DEG, Status.POSSIBLE, (-2.0, 2.0),
        "the camera's roll is not known", 5.0, True,
    )  # fmt: skip
    hips = StanceMeasure(
        MeasureName.PELVIC_TILT, 3.0, 0.3, 60, Unit.DEG, Status.POSSIBLE, (-2.0, 2.0), "", 6.5
    )
    knee = StanceMeasure(
        MeasureName.LEFT_KNEE_ANGLE_FRONTAL, 1.0, 0.2, 60, Unit.DEG, Status.NORMAL, (-5.0, 5.0),
        "", 5.0,
    )  # fmt: skip
    return {m.name: m for m in (held, hips, knee)}


def heel_raises_summary(
    stance: StanceResult | None = None, frames_with_others: int = 0
) -> SessionSummary:
    """A set of heel raises: the right side done, the left side under way."""
    sides = tuple(
        SideProgress(side, count, 15, count * 2000.0, None, 1500.0, {}, {}, count == 15)
        for side, count in ((Side.RIGHT, 15), (Side.LEFT, 9))
    )
    coach = CoachSummary(
        "heel_raises", "Heel raises", "2 x 15 each side", "side-on", None, 48_000.0, sides,
        ("Rise straight up, not onto the outer edge: 2 times",), False,
    )  # fmt: skip
    return SessionSummary(720, 700, 50_000.0, coach, stance, 0, frames_with_others)


# --- recorded clips ------------------------------------------------------------------------------


def picture(index: int, size: tuple[int, int] = (96, 64)) -> np.ndarray:
    """An RGB picture (width, height) whose corners differ (a turned copy is told apart) and whose
    bar moves with ``index``."""
    width, height = size
    rgb = np.full((height, width, 3), 40, dtype=np.uint8)
    rgb[: height // 3, : width // 3] = (230, 40, 40)  # top left: red
    rgb[-(height // 3) :, -(width // 4) :] = (40, 220, 40)  # bottom right: green
    column = (4 * index) % width
    rgb[:, column : column + 4] = 255
    return rgb


def clip_bytes(
    frames: Sequence[np.ndarray],
    *,
    fps: int = 15,
    rotation: int = 0,
    container: str = "mp4",
    codec: str = "libx264",
    options: dict[str, str] | None = None,
) -> bytes:
    """The frames as a clip in memory; ``rotation`` is the display rotation a phone stores
    (counter-clockwise degrees): the frames are stored turned the other way, as a phone does."""
    buffer = io.BytesIO()
    with av.open(buffer, mode="w", format=container) as out:
        stream = out.add_stream(codec, rate=fps, options=options or {})
        stored = [np.ascontiguousarray(np.rot90(f, k=-rotation // 90)) for f in frames]
        stream.width, stream.height = stored[0].shape[1], stored[0].shape[0]
        stream.pix_fmt = "yuv420p"
        if rotation:
            stream.set_display_rotation(rotation)
        for rgb in stored:
            for packet in stream.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return buffer.getvalue()


def heel_raises_clip(count: int, fps: int = 15) -> tuple[list[np.ndarray], ReplayFactory]:
    """A clip's frames and, for the model's place, poses rising on the toes ``count`` times."""
    times = [i * 1000 / fps for i in range(math.ceil((1500 + 1500 * count + 1500) * fps / 1000))]
    poses = [side_standing(0.45 * smooth_pulses(t, 1500, count, start_ms=1500)) for t in times]
    return [picture(i, (160, 160)) for i in range(len(times))], ReplayFactory(poses)
