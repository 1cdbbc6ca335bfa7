"""Hand-built poses for unit tests: ``make_pose({Landmark.LEFT_KNEE: (x, y), ...})``."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from posecheck.types import NUM_LANDMARKS, CameraRoll, Landmark, Pose, View

L = Landmark
SIZE = (1000, 1000)
#: A camera known to be level: where a test is about a convention, not about the roll's doubt.
LEVEL = CameraRoll(0.0, 0.9, "test", "a level camera")

#: A person standing square-on, facing the camera: their left is on the image's right.
FRONT: dict[Landmark, tuple[float, float]] = {
    L.NOSE: (500, 100), L.LEFT_EYE_INNER: (505, 90), L.LEFT_EYE: (510, 90),
    L.LEFT_EYE_OUTER: (515, 90), L.RIGHT_EYE_INNER: (495, 90), L.RIGHT_EYE: (490, 90),
    L.RIGHT_EYE_OUTER: (485, 90), L.LEFT_EAR: (525, 100), L.RIGHT_EAR: (475, 100),
    L.MOUTH_LEFT: (507, 120), L.MOUTH_RIGHT: (493, 120),
    L.LEFT_SHOULDER: (580, 200), L.RIGHT_SHOULDER: (420, 200),
    L.LEFT_ELBOW: (600, 330), L.RIGHT_ELBOW: (400, 330),
    L.LEFT_WRIST: (610, 450), L.RIGHT_WRIST: (390, 450),
    L.LEFT_PINKY: (612, 470), L.RIGHT_PINKY: (388, 470),
    L.LEFT_INDEX: (610, 475), L.RIGHT_INDEX: (390, 475),
    L.LEFT_THUMB: (605, 465), L.RIGHT_THUMB: (395, 465),
    L.LEFT_HIP: (550, 500), L.RIGHT_HIP: (450, 500),
    L.LEFT_KNEE: (550, 700), L.RIGHT_KNEE: (450, 700),
    L.LEFT_ANKLE: (550, 900), L.RIGHT_ANKLE: (450, 900),
    L.LEFT_HEEL: (550, 915), L.RIGHT_HEEL: (450, 915),
    L.LEFT_FOOT_INDEX: (550, 950), L.RIGHT_FOOT_INDEX: (450, 950),
}  # fmt: skip


def mirror_points(
    points: Mapping[Landmark, tuple[float, float]],
) -> dict[Landmark, tuple[float, float]]:
    """The mirror image: x flipped and every left/right label swapped."""
    width = SIZE[0]
    return {lm.mirrored(): (width - x, y) for lm, (x, y) in points.items()}


#: The same person seen from behind: their left is on the image's left; heels nearer the camera.
BACK: dict[Landmark, tuple[float, float]] = {
    **{lm: (1000 - x, y) for lm, (x, y) in FRONT.items()},
    L.LEFT_HEEL: (450, 930), L.RIGHT_HEEL: (550, 930),
    L.LEFT_FOOT_INDEX: (450, 895), L.RIGHT_FOOT_INDEX: (550, 895),
}  # fmt: skip

#: Seen from the person's left side: they face image-left.
SIDE_LEFT: dict[Landmark, tuple[float, float]] = {
    **{lm: (500.0, y) for lm, (_, y) in FRONT.items()},
    L.NOSE: (470, 100), L.LEFT_EAR: (505, 100), L.RIGHT_EAR: (505, 100),
    L.LEFT_EYE: (480, 90), L.RIGHT_EYE: (480, 90),
    L.LEFT_HEEL: (520, 915), L.RIGHT_HEEL: (520, 915),
    L.LEFT_FOOT_INDEX: (440, 920), L.RIGHT_FOOT_INDEX: (440, 920),
}  # fmt: skip

VIEWS = {View.FRONT: FRONT, View.BACK: BACK, View.LEFT: SIDE_LEFT}


def make_pose(
    points: Mapping[Landmark, tuple[float, float]] | None = None,
    *,
    base: Mapping[Landmark, tuple[float, float]] = FRONT,
    hidden: tuple[Landmark, ...] = (),
    world: np.ndarray | None = None,
) -> Pose:
    """A pose from ``base`` with ``points`` overriding it; ``hidden`` get visibility 0.1."""
    merged = {**base, **(points or {})}
    xy = np.array([merged[lm] for lm in Landmark], dtype=np.float64)
    visibility = np.ones(NUM_LANDMARKS)
    for landmark in hidden:
        visibility[landmark] = 0.1
    return Pose(
        xy=xy,
        z=np.zeros(NUM_LANDMARKS),
        visibility=visibility,
        presence=np.ones(NUM_LANDMARKS),
        world=world,
        image_size=SIZE,
    )
