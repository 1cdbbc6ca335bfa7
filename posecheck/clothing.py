"""What the person wears, as colour: the evidence for the same-person check across a report's
photos (:func:`posecheck.combine.same_person`).

Photos for one report are taken in one sitting, so the clothes match; a second person, or a photo
from another day, usually does not. Only the colour's chroma counts (CIELAB a* and b* divided by
the lightness), so a brighter or darker photo of the same clothes still matches. The torso is read
in front and back views only: side-on, the arm covers it. The thigh is read in every view, and
the arms are painted out of both.

The body's proportions were tried first and dropped: on 16 rendered people photographed front, side
and back (``python -m synth.render --set people``), the model's leg, shank and head proportions
differed as much between two photos of one person as between two people, in the image and in the
model's world coordinates alike (it fits a body of standard size).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from posecheck.images import LoadedImage
from posecheck.types import FloatArray, Landmark, Pose, View

#: Fewest pixels a region needs for its colour to count, and most it reads (a sample beyond).
MIN_PIXELS = 40
MAX_PIXELS = 4096
#: Points that bound each region must be at least this visible.
MIN_VISIBILITY = 0.5
#: Lightness (OpenCV's 8-bit CIELAB L, 0-255) below which chroma is no longer divided by it.
DARK_FLOOR = 50.0


@dataclass(frozen=True)
class Clothing:
    """The clothes' chroma on the torso and the thigh: the median CIELAB a* and b* per 100 of
    lightness (0 is grey; OpenCV's 8-bit scale).

    ``top`` is None in side views and wherever the torso could not be read; ``bottom`` wherever
    neither thigh could be read (the better-seen one is read first).
    """

    view: View
    top: tuple[float, float] | None
    bottom: tuple[float, float] | None


#: Each arm as elbow, wrist and the hand's points: painted out of every region, since a hand resting
#: on the thigh (side-on) or an arm across the torso is skin or a sleeve, not the clothes there.
_ARMS = tuple(
    tuple(Landmark[f"{side}_{part}"] for part in ("ELBOW", "WRIST", "INDEX", "PINKY", "THUMB"))
    for side in ("LEFT", "RIGHT")
)


def _paint_out_arms(mask: np.ndarray, pose: Pose, scale: float, offset: tuple[int, int]) -> None:
    for elbow, wrist, *hand in _ARMS:
        points = np.round(pose.xy[[elbow, wrist, *hand]] * scale - offset).astype(int)
        forearm = float(np.linalg.norm(points[1] - points[0]))
        thickness = max(3, round(0.45 * forearm))
        ends = [(points[0], points[1])] + [(points[1], tip) for tip in points[2:]]
        for a, b in ends:
            cv2.line(mask, (int(a[0]), int(a[1])), (int(b[0]), int(b[1])), 0, thickness)
            cv2.circle(mask, (int(b[0]), int(b[1])), thickness // 2 + 1, 0, -1)


def _median_chroma(
    image: LoadedImage, pose: Pose, corners: FloatArray
) -> tuple[float, float] | None:
    """The median (a*, b*) inside the quadrilateral ``corners`` (original pixels), arms out."""
    points = corners * image.scale
    height, width = image.rgb.shape[:2]
    x0, y0 = np.floor(points.min(axis=0)).astype(int)
    x1, y1 = np.ceil(points.max(axis=0)).astype(int)
    x0, y0, x1, y1 = max(x0, 0), max(y0, 0), min(x1, width), min(y1, height)
    if x1 - x0 < 3 or y1 - y0 < 3:
        return None
    crop = image.rgb[y0:y1, x0:x1]
    mask = np.zeros(crop.shape[:2], np.uint8)
    cv2.fillConvexPoly(mask, np.round(points - (x0, y0)).astype(np.int32), 1)
    _paint_out_arms(mask, pose, image.scale, (x0, y0))
    chosen = crop[mask.astype(bool)]
    if len(chosen) < MIN_PIXELS:
        return None
    chosen = chosen[:: max(1, len(chosen) // MAX_PIXELS)]  # an even sample: the median holds
    # only the region's pixels are converted (a row of them), not the crop around it
    pixels = cv2.cvtColor(chosen.reshape(1, -1, 3), cv2.COLOR_RGB2LAB)[0]
    lightness, a, b = np.median(pixels.astype(np.float64), axis=0) - (0.0, 128.0, 128.0)
    # chroma per lightness: a darker photo of the same cloth keeps its value (a dark cloth is
    # floored, so its noise is not blown up)
    per = 100.0 / max(lightness, DARK_FLOOR)
    return round(float(a * per), 1), round(float(b * per), 1)


def _seen(pose: Pose, *landmarks: Landmark) -> bool:
    return bool(all(pose.visibility[lm] >= MIN_VISIBILITY for lm in landmarks))


def _torso(pose: Pose) -> FloatArray | None:
    corners = (
        Landmark.LEFT_SHOULDER,
        Landmark.RIGHT_SHOULDER,
        Landmark.RIGHT_HIP,
        Landmark.LEFT_HIP,
    )
    if not _seen(pose, *corners):
        return None
    points = pose.xy[list(corners)]
    centre = points.mean(axis=0)
    return np.asarray(centre + 0.75 * (points - centre))  # inside the outline: no arm, no wall


def _thighs(pose: Pose) -> list[FloatArray]:
    """A band along each upper thigh, the better-seen leg first."""
    legs = sorted(
        ((Landmark.LEFT_HIP, Landmark.LEFT_KNEE), (Landmark.RIGHT_HIP, Landmark.RIGHT_KNEE)),
        key=lambda leg: -min(pose.visibility[leg[0]], pose.visibility[leg[1]]),
    )
    bands = []
    for hip, knee in legs:
        if not _seen(pose, hip, knee):
            continue
        start, along = pose.xy[hip], pose.xy[knee] - pose.xy[hip]
        across = np.array([-along[1], along[0]]) * 0.08
        top, bottom = start + 0.1 * along, start + 0.45 * along
        bands.append(np.array([top + across, top - across, bottom - across, bottom + across]))
    return bands


def read_clothing(image: LoadedImage, pose: Pose, view: View) -> Clothing:
    """The colour of the clothes on ``pose``'s torso and thigh in ``image``."""
    torso = _torso(pose) if view in (View.FRONT, View.BACK) else None
    legs = (_median_chroma(image, pose, band) for band in _thighs(pose))
    return Clothing(
        view=view,
        top=None if torso is None else _median_chroma(image, pose, torso),
        bottom=next((leg for leg in legs if leg is not None), None),
    )
