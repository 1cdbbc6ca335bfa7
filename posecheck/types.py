"""Core types: landmarks by name, sides, views, units, statuses, the Pose and its readings.

The error tree lives in ``posecheck.errors``.

Nothing here runs on import beyond defining classes.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from types import TracebackType
from typing import Self

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

#: A landmark counts as visible when MediaPipe's visibility is at least this.
VISIBILITY_THRESHOLD = 0.5


class Landmark(enum.IntEnum):
    """The 33 MediaPipe BlazePose landmarks, in MediaPipe order.

    ``LEFT_*`` is the person's anatomical left, whatever the view.
    """

    NOSE = 0
    LEFT_EYE_INNER = 1
    LEFT_EYE = 2
    LEFT_EYE_OUTER = 3
    RIGHT_EYE_INNER = 4
    RIGHT_EYE = 5
    RIGHT_EYE_OUTER = 6
    LEFT_EAR = 7
    RIGHT_EAR = 8
    MOUTH_LEFT = 9
    MOUTH_RIGHT = 10
    LEFT_SHOULDER = 11
    RIGHT_SHOULDER = 12
    LEFT_ELBOW = 13
    RIGHT_ELBOW = 14
    LEFT_WRIST = 15
    RIGHT_WRIST = 16
    LEFT_PINKY = 17
    RIGHT_PINKY = 18
    LEFT_INDEX = 19
    RIGHT_INDEX = 20
    LEFT_THUMB = 21
    RIGHT_THUMB = 22
    LEFT_HIP = 23
    RIGHT_HIP = 24
    LEFT_KNEE = 25
    RIGHT_KNEE = 26
    LEFT_ANKLE = 27
    RIGHT_ANKLE = 28
    LEFT_HEEL = 29
    RIGHT_HEEL = 30
    LEFT_FOOT_INDEX = 31
    RIGHT_FOOT_INDEX = 32

    @property
    def label(self) -> str:
        """The lower-case name used in JSON output (``left_knee``)."""
        return self.name.lower()

    def mirrored(self) -> Landmark:
        """The same point on the other side of the body (the nose maps to itself)."""
        name = self.name
        if name.startswith("LEFT_"):
            return Landmark[name.replace("LEFT_", "RIGHT_", 1)]
        if name.startswith("RIGHT_"):
            return Landmark[name.replace("RIGHT_", "LEFT_", 1)]
        if name == "MOUTH_LEFT":
            return Landmark.MOUTH_RIGHT
        if name == "MOUTH_RIGHT":
            return Landmark.MOUTH_LEFT
        return self


NUM_LANDMARKS = len(Landmark)

#: Bones drawn for the skeleton, as pairs of landmarks.
SKELETON: tuple[tuple[Landmark, Landmark], ...] = (
    (Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER),
    (Landmark.LEFT_HIP, Landmark.RIGHT_HIP),
    (Landmark.LEFT_SHOULDER, Landmark.LEFT_HIP),
    (Landmark.RIGHT_SHOULDER, Landmark.RIGHT_HIP),
    (Landmark.LEFT_SHOULDER, Landmark.LEFT_ELBOW),
    (Landmark.LEFT_ELBOW, Landmark.LEFT_WRIST),
    (Landmark.RIGHT_SHOULDER, Landmark.RIGHT_ELBOW),
    (Landmark.RIGHT_ELBOW, Landmark.RIGHT_WRIST),
    (Landmark.LEFT_HIP, Landmark.LEFT_KNEE),
    (Landmark.LEFT_KNEE, Landmark.LEFT_ANKLE),
    (Landmark.RIGHT_HIP, Landmark.RIGHT_KNEE),
    (Landmark.RIGHT_KNEE, Landmark.RIGHT_ANKLE),
    (Landmark.LEFT_ANKLE, Landmark.LEFT_HEEL),
    (Landmark.LEFT_HEEL, Landmark.LEFT_FOOT_INDEX),
    (Landmark.LEFT_ANKLE, Landmark.LEFT_FOOT_INDEX),
    (Landmark.RIGHT_ANKLE, Landmark.RIGHT_HEEL),
    (Landmark.RIGHT_HEEL, Landmark.RIGHT_FOOT_INDEX),
    (Landmark.RIGHT_ANKLE, Landmark.RIGHT_FOOT_INDEX),
    (Landmark.LEFT_EAR, Landmark.LEFT_EYE),
    (Landmark.LEFT_EYE, Landmark.NOSE),
    (Landmark.NOSE, Landmark.RIGHT_EYE),
    (Landmark.RIGHT_EYE, Landmark.RIGHT_EAR),
    (Landmark.MOUTH_LEFT, Landmark.MOUTH_RIGHT),
)


class View(enum.StrEnum):
    """Which way the person faces the camera (see docs in MEASURES conventions).

    ``LEFT``: the camera sees the person's left side (they face image-left).
    ``RIGHT``: the camera sees the person's right side (they face image-right).
    """

    FRONT = "front"
    BACK = "back"
    LEFT = "left"
    RIGHT = "right"


class Side(enum.StrEnum):
    """The person's anatomical side. ``BOTH`` is for a finding seen on both sides."""

    LEFT = "left"
    RIGHT = "right"
    BOTH = "both"

    def mirrored(self) -> Side:
        """The other side (``BOTH`` stays ``BOTH``)."""
        return {Side.LEFT: Side.RIGHT, Side.RIGHT: Side.LEFT}.get(self, self)


class Unit(enum.StrEnum):
    """The units measures are reported in (the values are the JSON contract's unit strings)."""

    DEG = "deg"
    PCT_HIP_WIDTH = "% hip width"
    PCT_BODY_HEIGHT = "% body height"
    RATIO = "ratio"

    @property
    def symbol(self) -> str:
        """Written after a number for people: "°", "% of hip width", "" for a ratio."""
        return _UNIT_SYMBOLS[self]

    @property
    def ascii_suffix(self) -> str:
        """Written after a number where only ASCII can be drawn (OpenCV's fonts have no °)."""
        return _UNIT_ASCII[self]


_UNIT_SYMBOLS = {
    Unit.DEG: "°",
    Unit.PCT_HIP_WIDTH: "% of hip width",
    Unit.PCT_BODY_HEIGHT: "% of body height",
    Unit.RATIO: "",
}
_UNIT_ASCII = {Unit.DEG: " deg", Unit.PCT_HIP_WIDTH: "%", Unit.PCT_BODY_HEIGHT: "%", Unit.RATIO: ""}


class ModelName(enum.StrEnum):
    """The three BlazePose GHUM landmark models, fastest first."""

    LITE = "lite"
    FULL = "full"
    HEAVY = "heavy"


def _check_shape(name: str, array: FloatArray, shape: tuple[int, ...]) -> None:
    if array.shape != shape:
        raise ValueError(f"Pose.{name}: expected shape {shape}, got {array.shape}")


@dataclass(frozen=True, eq=False)
class Pose:
    """One person's 33 landmarks in one image.

    Attributes:
        xy: (33, 2) float64, pixel coordinates in the *original* (orientation-corrected) image,
            x to the right, y down. Index with ``Landmark``: ``pose.xy[Landmark.LEFT_KNEE]``.
        z: (33,) float64, MediaPipe's relative depth: same scale as normalised x, origin at the hip
            midpoint, smaller is nearer the camera. Rough; not used for measures.
        visibility: (33,) float64 in [0, 1], how likely the point is visible
            (not occluded, in frame).
        presence: (33,) float64 in [0, 1], how likely the point is in the frame at all.
        world: (33, 3) float64 metres, origin between the hips (MediaPipe world landmarks), or None.
        image_size: (width, height) of the original image in pixels.
        mirror_world: the world landmarks of a second look at the photo's mirror image, put back
            (x negated, left and right swapped), when both looks were taken; else None.
    """

    xy: FloatArray
    z: FloatArray
    visibility: FloatArray
    presence: FloatArray
    world: FloatArray | None
    image_size: tuple[int, int]
    mirror_world: FloatArray | None = None

    def __post_init__(self) -> None:
        _check_shape("xy", self.xy, (NUM_LANDMARKS, 2))
        _check_shape("z", self.z, (NUM_LANDMARKS,))
        _check_shape("visibility", self.visibility, (NUM_LANDMARKS,))
        _check_shape("presence", self.presence, (NUM_LANDMARKS,))
        if self.world is not None:
            _check_shape("world", self.world, (NUM_LANDMARKS, 3))
        if self.mirror_world is not None:
            _check_shape("mirror_world", self.mirror_world, (NUM_LANDMARKS, 3))
        width, height = self.image_size
        if width <= 0 or height <= 0:
            raise ValueError(
                f"Pose.image_size: expected positive (width, height), got {self.image_size}"
            )

    def is_visible(self, landmark: Landmark, threshold: float = VISIBILITY_THRESHOLD) -> bool:
        """True when the landmark is visible and lies inside the image."""
        x, y = self.xy[landmark].tolist()  # Python floats: this runs per landmark and frame
        width, height = self.image_size
        inside = 0.0 <= x < width and 0.0 <= y < height
        return inside and float(self.visibility[landmark]) >= threshold

    def visible_landmarks(self, threshold: float = VISIBILITY_THRESHOLD) -> tuple[Landmark, ...]:
        return tuple(lm for lm in Landmark if self.is_visible(lm, threshold))

    def bbox(self) -> tuple[float, float, float, float]:
        """(x0, y0, x1, y1) around the landmarks with presence >= 0.5 (all of them if none)."""
        mask = self.presence >= 0.5
        points = self.xy[mask] if mask.any() else self.xy
        x0, y0 = points.min(axis=0)
        x1, y1 = points.max(axis=0)
        return float(x0), float(y0), float(x1), float(y1)


@dataclass(frozen=True, eq=False)
class Detection:
    """What the estimator saw in one image: the chosen subject and everyone found.

    ``people`` holds every pose the model returned, the subject included; ``subject_index`` points
    into it.
    """

    people: tuple[Pose, ...]
    subject_index: int

    def __post_init__(self) -> None:
        if not self.people:
            raise ValueError("Detection.people: expected at least one pose, got none")
        if not 0 <= self.subject_index < len(self.people):
            raise ValueError(
                f"Detection.subject_index: expected 0..{len(self.people) - 1}, "
                f"got {self.subject_index}"
            )

    @property
    def subject(self) -> Pose:
        return self.people[self.subject_index]

    @property
    def people_detected(self) -> int:
        return len(self.people)


class Status(enum.StrEnum):
    """How a reading compares with its usual range, given its measurement error.

    ``NORMAL``: inside the usual range. ``POSSIBLE``: outside it, but by no more than the reading's
    error, so it may be inside ("possible: recheck"). ``MILD`` / ``MARKED``: clearly outside (by
    more than the error), a little or a lot. ``UNKNOWN``: no reading. Only ``MILD`` and ``MARKED``
    make findings.
    """

    NORMAL = "normal"
    POSSIBLE = "possible"
    MILD = "mild"
    MARKED = "marked"
    UNKNOWN = "unknown"

    @property
    def clearly_outside(self) -> bool:
        return self in (Status.MILD, Status.MARKED)

    @property
    def words(self) -> str:
        """The status in plain words, for people."""
        return _STATUS_WORDS[self]


_STATUS_WORDS = {
    Status.NORMAL: "within the usual range",
    Status.POSSIBLE: "possible: recheck (outside, but within the error)",
    Status.MILD: "outside the usual range",
    Status.MARKED: "well outside the usual range",
    Status.UNKNOWN: "unknown",
}


@dataclass(frozen=True)
class CameraRoll:
    """How far the camera was rolled, estimated from the scene.

    ``degrees``: how far true verticals appear turned clockwise on screen (a camera rolled
    counter-clockwise makes the scene turn clockwise). Measures undo it by rotating landmarks by
    ``-degrees``. None when it could not be estimated (``reason`` says why; measures against the
    horizontal or vertical then lose confidence). ``confidence`` is 0-1. ``inverse_distance``:
    how fast the true verticals converge on screen, the vanishing point lying ``1 /
    inverse_distance`` image long sides from the picture's centre along the rolled "down" (+:
    below it, the camera looking down); 0 when they are parallel or it is not known.
    """

    degrees: float | None
    confidence: float
    method: str
    reason: str
    inverse_distance: float = 0.0


@dataclass(frozen=True)
class CaptureCheck:
    """One check of how the photo was taken, with advice for a retake.

    ``passed`` is None when the check could not be made.
    """

    name: str
    passed: bool | None
    reason: str
    advice: str


class Closing:
    """``with`` support for objects that hold a model or a thread: leaving the block calls
    ``close()``, which subclasses define."""

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
