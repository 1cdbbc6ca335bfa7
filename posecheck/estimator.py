"""The MediaPipe adapter: an RGB image or video frame in, a Detection (or None) out.

MediaPipe is asked for several poses, because with one it sometimes returns a bystander; the subject
is then chosen here (the largest, most complete, most central person).

Nothing leaves the machine: MediaPipe Tasks' native library sends usage logs to Google over HTTPS
(libcurl built into libmediapipe.so; at the end of every run the CLI looked up
``play.googleapis.com``), with no switch to turn it off. Its libcurl honours the proxy variables,
so before the first model loads they are pointed at a closed port on this machine
(:func:`keep_native_code_offline`): the request then fails locally, before any name lookup
(``strace -f -e trace=connect`` shows a refused connect to 127.0.0.1:9 and no DNS query).
Loopback stays direct (``no_proxy``), so the app and local tools are unaffected.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np

from posecheck.errors import ErrorCode, ModelError
from posecheck.types import (
    NUM_LANDMARKS,
    VISIBILITY_THRESHOLD,
    Closing,
    Detection,
    FloatArray,
    Landmark,
    ModelName,
    Pose,
)

Mode = Literal["image", "video"]


@dataclass(frozen=True)
class EstimatorSettings:
    """How the landmarker is configured. The defaults suit standing people in photos."""

    max_people: int = 4
    min_detection_confidence: float = 0.3  # 0.5 misses people beside the subject
    min_presence_confidence: float = 0.5
    min_tracking_confidence: float = 0.5

    def __post_init__(self) -> None:
        if not 1 <= self.max_people <= 10:
            raise ValueError(f"max_people: expected 1..10, got {self.max_people}")


class PoseEstimator(Closing):
    """A loaded MediaPipe PoseLandmarker. Create once, reuse for many images or frames.

    ``mode="image"`` treats every call independently (photos); ``mode="video"`` tracks the person
    from frame to frame and needs strictly increasing timestamps.
    """

    def __init__(
        self,
        model_file: Path,
        *,
        mode: Mode = "image",
        settings: EstimatorSettings | None = None,
        model_name: str = "custom",
    ) -> None:
        self.mode: Mode = mode
        self.model_name = model_name
        self.settings = settings or EstimatorSettings()
        with quiet_native_logs():
            self._landmarker = create_landmarker(model_file, mode, self.settings)
        self._last_timestamp_ms = -1
        self._warmed_up = False

    @classmethod
    def open(
        cls,
        model: ModelName | str = ModelName.FULL,
        *,
        mode: Mode = "image",
        settings: EstimatorSettings | None = None,
    ) -> PoseEstimator:
        """Load an installed model by name (``lite``, ``full``, ``heavy``); no network."""
        from posecheck.models import model_path

        name = _model_name(model)
        return cls(model_path(name), mode=mode, settings=settings, model_name=name.value)

    def detect(
        self,
        rgb: np.ndarray,
        *,
        scale: float = 1.0,
        image_size: tuple[int, int] | None = None,
        timestamp_ms: int | None = None,
    ) -> Detection | None:
        """Find people in an RGB uint8 image.

        ``rgb`` may be a downscaled working copy of the original: ``scale`` is its pixels per
        original pixel and ``image_size`` the original (width, height), so that landmarks come
        back in original-image pixels. In video mode ``timestamp_ms`` is required and must increase.
        """
        if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8:
            raise ValueError(
                f"detect: expected an (H, W, 3) uint8 RGB array, got {rgb.shape} {rgb.dtype}"
            )
        height, width = rgb.shape[:2]
        size = image_size or (round(width / scale), round(height / scale))
        result = self._run(rgb, timestamp_ms)
        people = tuple(
            _to_pose(landmarks, world, (width, height), scale, size)
            for landmarks, world in zip(
                result.pose_landmarks,
                _world_or_none(result, len(result.pose_landmarks)),
                strict=True,
            )
        )
        if not people:
            return None
        people = distinct_people(people)
        return Detection(people=people, subject_index=choose_subject(people))

    def _run(self, rgb: np.ndarray, timestamp_ms: int | None) -> Any:
        image = to_mp_image(rgb)
        if not self._warmed_up:  # MediaPipe logs its set-up warnings on the first call
            self._warmed_up = True
            with quiet_native_logs():
                return self._call(image, timestamp_ms)
        return self._call(image, timestamp_ms)

    def _call(self, image: Any, timestamp_ms: int | None) -> Any:
        if self.mode == "image":
            return self._landmarker.detect(image)
        if timestamp_ms is None:
            raise ValueError("detect: video mode needs timestamp_ms")
        # MediaPipe refuses a timestamp that does not increase; nudge equal ones forward.
        timestamp_ms = max(int(timestamp_ms), self._last_timestamp_ms + 1)
        self._last_timestamp_ms = timestamp_ms
        return self._landmarker.detect_for_video(image, timestamp_ms)

    def close(self) -> None:
        self._landmarker.close()


@contextlib.contextmanager
def quiet_native_logs() -> Iterator[None]:
    """Silence what MediaPipe's C++ side writes to stderr (TFLite and glog set-up chatter such as
    "Created TensorFlow Lite XNNPACK delegate") while loading a model and on its first call.

    Python exceptions are unaffected; only the process's file descriptor 2 is pointed at
    /dev/null for the duration, and restored after. File descriptor 2 belongs to the whole
    process, so sections in different threads take turns (a lock): two estimators opened at once
    can no longer leave stderr pointing at /dev/null. Set POSECHECK_NATIVE_LOGS=1 to keep them.
    """
    if os.environ.get("POSECHECK_NATIVE_LOGS") == "1":
        yield
        return
    with _STDERR_LOCK:
        try:
            sys.stderr.flush()
            saved = os.dup(2)
        except (OSError, ValueError):  # no usable fd 2 (e.g. some embedded runtimes): leave it be
            yield
            return
        try:
            with Path(os.devnull).open("w", encoding="utf-8") as devnull:
                os.dup2(devnull.fileno(), 2)
                yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)


#: Guards the process-wide stderr redirection of ``quiet_native_logs`` (re-entrant: a model
#: loaded inside a quiet section may run its first call in one too).
_STDERR_LOCK = threading.RLock()

#: A proxy address where nothing listens: native HTTP requests end here, on this machine.
NO_EGRESS_PROXY = "http://127.0.0.1:9"
_PROXY_VARIABLES = (
    "https_proxy",
    "HTTPS_PROXY",
    "http_proxy",
    "HTTP_PROXY",
    "all_proxy",
    "ALL_PROXY",
)
_LOOPBACK = "localhost,127.0.0.1,::1"


def keep_native_code_offline() -> None:
    """Point the proxy variables MediaPipe's built-in libcurl reads at a closed local port, so its
    usage logging cannot reach the network (see the module docstring). Loopback stays direct.
    Set POSECHECK_ALLOW_NATIVE_NETWORK=1 to leave the environment alone."""
    if os.environ.get("POSECHECK_ALLOW_NATIVE_NETWORK") == "1":
        return
    for name in _PROXY_VARIABLES:
        os.environ[name] = NO_EGRESS_PROXY
    for name in ("no_proxy", "NO_PROXY"):
        os.environ[name] = _LOOPBACK


def to_mp_image(rgb: np.ndarray) -> Any:
    """An (H, W, 3) uint8 RGB array as MediaPipe's ``mp.Image``."""
    import mediapipe as mp

    return mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(rgb))


def _model_name(model: ModelName | str) -> ModelName:
    try:
        return ModelName(str(model))
    except ValueError as exc:
        names = ", ".join(m.value for m in ModelName)
        raise ModelError(
            f"Unknown model {model!r}: choose one of {names}.", code=ErrorCode.UNKNOWN_MODEL
        ) from exc


def create_landmarker(model_file: Path, mode: Mode, settings: EstimatorSettings) -> Any:
    keep_native_code_offline()
    from mediapipe.tasks.python import BaseOptions, vision

    running_mode = vision.RunningMode.IMAGE if mode == "image" else vision.RunningMode.VIDEO
    options = vision.PoseLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(model_file)),
        running_mode=running_mode,
        num_poses=settings.max_people,
        min_pose_detection_confidence=settings.min_detection_confidence,
        min_pose_presence_confidence=settings.min_presence_confidence,
        min_tracking_confidence=settings.min_tracking_confidence,
        output_segmentation_masks=False,
    )
    try:
        return vision.PoseLandmarker.create_from_options(options)
    except (RuntimeError, ValueError, OSError) as exc:
        raise ModelError(
            f"Could not load the pose model {model_file}: {exc}. "
            "Reinstall it with `posecheck models install`.",
            code=ErrorCode.MODEL_LOAD_FAILED,
        ) from exc


def _world_or_none(result: Any, count: int) -> Sequence[Any]:
    world = list(getattr(result, "pose_world_landmarks", None) or [])
    return world if len(world) == count else [None] * count


def _to_pose(
    landmarks: Sequence[Any],
    world: Sequence[Any] | None,
    working_size: tuple[int, int],
    scale: float,
    image_size: tuple[int, int],
) -> Pose:
    if len(landmarks) != NUM_LANDMARKS:
        raise ModelError(
            f"The pose model returned {len(landmarks)} landmarks instead of {NUM_LANDMARKS}: "
            "the model file is not a BlazePose landmarker.",
            code=ErrorCode.MODEL_LOAD_FAILED,
        )
    raw = np.array(
        [(p.x, p.y, p.z, _or_zero(p.visibility), _or_zero(p.presence)) for p in landmarks],
        dtype=np.float64,
    )
    working_width, working_height = working_size
    xy = raw[:, :2] * np.array([working_width, working_height], dtype=np.float64) / scale
    world_xyz: FloatArray | None = None
    if world is not None:
        world_xyz = np.array([(p.x, p.y, p.z) for p in world], dtype=np.float64)
    return Pose(
        xy=xy,
        z=raw[:, 2].copy(),
        visibility=raw[:, 3].copy(),
        presence=raw[:, 4].copy(),
        world=world_xyz,
        image_size=image_size,
    )


def _or_zero(value: float | None) -> float:
    return 0.0 if value is None else float(value)


def subject_score(pose: Pose) -> float:
    """How likely this pose is the person the photo is about: larger, more complete, more central.

    Size is the height of the visible landmarks inside the frame, as a share of the image height
    (a standing person the photo is about fills much of it); completeness is the share of the 33
    landmarks that are visible; centrality falls from 1 at the centre to 0 at a corner.
    """
    width, height = pose.image_size
    inside = (
        (pose.xy[:, 0] >= 0)
        & (pose.xy[:, 0] < width)
        & (pose.xy[:, 1] >= 0)
        & (pose.xy[:, 1] < height)
        & (pose.visibility >= VISIBILITY_THRESHOLD)
    )
    if inside.sum() < 2:
        return 0.0
    points = pose.xy[inside]
    extent = points.max(axis=0) - points.min(axis=0)
    size = max(extent[1] / height, extent[0] / width)
    completeness = inside.sum() / NUM_LANDMARKS
    centre = (points.max(axis=0) + points.min(axis=0)) / 2
    offset = np.hypot((centre[0] - width / 2) / width, (centre[1] - height / 2) / height)
    centrality = 1.0 - min(1.0, offset / np.hypot(0.5, 0.5))
    return float(size * (0.5 + 0.5 * completeness) * (0.5 + 0.5 * centrality))


def choose_subject(people: Sequence[Pose]) -> int:
    """Index of the person the photo is about (see ``subject_score``)."""
    scores = [subject_score(pose) for pose in people]
    return int(np.argmax(scores))


#: A pose whose visible points' box lies at least this share inside the box of a pose scored
#: higher (``subject_score``) is that person found twice. The model, asked for several people,
#: sometimes returns a second, worse-fitting skeleton over one body: on a render of one person
#: (``hard_test_0047``) its box lay 0.96 inside the first's, as did a second skeleton over the
#: lying body of a noisy exercise clip; two people side by side overlap far less.
DUPLICATE_OVERLAP = 0.7


def distinct_people(people: Sequence[Pose]) -> tuple[Pose, ...]:
    """``people`` without the second skeletons the model sometimes fits over one body (see
    ``DUPLICATE_OVERLAP``), in their order; the best-scored of each body is kept, so the subject
    ``choose_subject`` picks is the same pose with or without them."""
    scores = [subject_score(pose) for pose in people]
    boxes = [_visible_box(pose) for pose in people]
    kept: list[int] = []
    for index in sorted(range(len(people)), key=lambda i: -scores[i]):
        box = boxes[index]
        if box is None or not any(_inside_share(box, boxes[k]) >= DUPLICATE_OVERLAP for k in kept):
            kept.append(index)
    return tuple(people[i] for i in sorted(kept))


Box = tuple[float, float, float, float]


def _visible_box(pose: Pose) -> Box | None:
    """(left, top, right, bottom) of the visible landmarks, or None with fewer than two."""
    points = pose.xy[pose.visibility >= VISIBILITY_THRESHOLD]
    if len(points) < 2:
        return None
    (left, top), (right, bottom) = points.min(axis=0), points.max(axis=0)
    return float(left), float(top), float(right), float(bottom)


def _inside_share(box: Box, other: Box | None) -> float:
    """How much of the smaller of two boxes lies inside the other (0 when ``other`` is None)."""
    if other is None:
        return 0.0
    width = min(box[2], other[2]) - max(box[0], other[0])
    height = min(box[3], other[3]) - max(box[1], other[1])
    if width <= 0 or height <= 0:
        return 0.0
    # both boxes have a positive width and height here, or they could not overlap
    return width * height / min((b[2] - b[0]) * (b[3] - b[1]) for b in (box, other))


# --- both ways: the photo and its mirror image ---------------------------------------------------


#: For each landmark, its mirror image's (left and right swapped; the nose stays the nose).
MIRRORED_LANDMARKS: tuple[int, ...] = tuple(int(landmark.mirrored()) for landmark in Landmark)


def mirror_pose(pose: Pose) -> Pose:
    """A pose found in the mirror image of a photo, put back into the photo: x flipped about the
    photo's width (the world coordinates' x negated) and each left landmark swapped with its right
    one. A second look's world landmarks (``mirror_world``) trade places with the first's."""
    index = list(MIRRORED_LANDMARKS)
    xy = pose.xy[index].copy()
    xy[:, 0] = pose.image_size[0] - xy[:, 0]
    return Pose(
        xy=xy,
        z=pose.z[index].copy(),
        visibility=pose.visibility[index].copy(),
        presence=pose.presence[index].copy(),
        world=_mirror_world(pose.mirror_world if pose.mirror_world is not None else pose.world),
        image_size=pose.image_size,
        mirror_world=_mirror_world(pose.world) if pose.mirror_world is not None else None,
    )


def _mirror_world(world: FloatArray | None) -> FloatArray | None:
    if world is None:
        return None
    mirrored = world[list(MIRRORED_LANDMARKS)].copy()
    mirrored[:, 0] = -mirrored[:, 0]
    return mirrored


#: The mirror image's person must lie this close (a share of the subject's size) to be the same.
MIRROR_MATCH_SHARE = 0.1


def mirror_averaged(direct: Detection, mirrored: Detection) -> Detection:
    """``direct`` with its subject averaged with the same person found in the photo's mirror image
    (``mirrored``: the detection on the left-right flipped picture).

    The model is not mirror-symmetric: a photo and its mirror image give landmarks a few pixels
    apart, and a left measure of one is not quite the right measure of the other. Their mean is
    steadier (two looks instead of one) and mirror-consistent by construction: the mirror image of
    a photo gets exactly the mirrored measures. Positions, depth, visibility and presence are
    averaged; the world coordinates stay the direct pass's, and the mirror pass's, put back, come
    along as ``mirror_world`` (the body-turn line was fitted on one pass: each look's turn is
    taken through it, then the two are averaged). Unchanged when no person in ``mirrored`` lies
    where the subject is.
    """
    subject = direct.subject
    size = float(np.ptp(subject.xy, axis=0).max()) or 1.0
    best: Pose | None = None
    best_distance = MIRROR_MATCH_SHARE * size
    for person in mirrored.people:
        candidate = mirror_pose(person)
        distance = float(np.median(np.hypot(*(candidate.xy - subject.xy).T)))
        if distance <= best_distance:
            best, best_distance = candidate, distance
    if best is None:
        return direct
    averaged = Pose(
        xy=(subject.xy + best.xy) / 2,
        z=(subject.z + best.z) / 2,
        visibility=(subject.visibility + best.visibility) / 2,
        presence=(subject.presence + best.presence) / 2,
        world=subject.world,
        image_size=subject.image_size,
        mirror_world=best.world if subject.world is not None else None,
    )
    people = list(direct.people)
    people[direct.subject_index] = averaged
    return Detection(people=tuple(people), subject_index=direct.subject_index)
