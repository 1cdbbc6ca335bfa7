"""Mirror consistency and the model's own noise, on real photos.

Flipping a photo left-right turns the person into their mirror image: every ``left_*`` measure
of the flipped photo should equal the ``right_*`` measure of the original, and every signed
left/right measure should change sign. How far that fails is compared with the model's own noise:
how much the same measures move when the same photo is shifted a few pixels or scaled by a few
per cent, which should change nothing.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

import cv2
import numpy as np

from posecheck.analysis import Analysis, Analyzer
from posecheck.images import LoadedImage, load_image
from posecheck.measures import SIGNED_LATERAL, Measurement, MeasureName, measure_pose, mirrored_name

#: Small changes that should not change any measure: (shift x px, shift y px, scale).
PERTURBATIONS: tuple[tuple[float, float, float], ...] = (
    (0.0, 0.0, 1.0),
    (7.0, -5.0, 1.0),
    (-6.0, 8.0, 1.0),
    (0.0, 0.0, 0.97),
    (4.0, 4.0, 1.03),
)


def _with_rgb(image: LoadedImage, rgb: np.ndarray) -> LoadedImage:
    return LoadedImage(
        rgb=np.ascontiguousarray(rgb),
        width=image.width,
        height=image.height,
        scale=image.scale,
        format=image.format,
        name=image.name,
    )


def flipped(image: LoadedImage) -> LoadedImage:
    return _with_rgb(image, image.rgb[:, ::-1])


def perturbed(image: LoadedImage, dx: float, dy: float, scale: float) -> LoadedImage:
    """The same photo moved by (dx, dy) working pixels and scaled about its centre."""
    height, width = image.rgb.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), 0.0, scale)
    matrix[:, 2] += np.array([dx, dy])
    moved = cv2.warpAffine(image.rgb, matrix, (width, height), borderMode=cv2.BORDER_REPLICATE)
    return _with_rgb(image, moved)


def _known(measurements: Mapping[MeasureName, Measurement]) -> dict[MeasureName, float]:
    return {n: m.value for n, m in measurements.items() if m.value is not None}


def _geometry(analysis: Analysis) -> Mapping[MeasureName, Measurement]:
    """The measures of the subject as geometry, also where the photo was not judged (another
    person in the frame, say) and where the report gives no reading because the camera's roll
    is unknown: mirror consistency is a property of the measures themselves."""
    return measure_pose(
        analysis.detection.subject, analysis.view, analysis.roll, roll_abstains=False
    )


def mirror_errors(original: Analysis, mirror: Analysis) -> dict[MeasureName, float]:
    """|mirror's measure − what the original predicts for it|, per measure of the original."""
    before = _known(_geometry(original))
    after = _known(_geometry(mirror))
    errors = {}
    for name, value in before.items():
        twin = after.get(mirrored_name(name))
        if twin is None:
            continue
        expected = -value if name in SIGNED_LATERAL else value
        errors[name] = abs(twin - expected)
    return errors


def noise_errors(analyses: Sequence[Analysis]) -> dict[MeasureName, list[float]]:
    """|difference| of each measure between every pair of analyses of the same photo."""
    errors: dict[MeasureName, list[float]] = {}
    for a, b in combinations(analyses, 2):
        first, second = _known(_geometry(a)), _known(_geometry(b))
        for name in first.keys() & second.keys():
            errors.setdefault(name, []).append(abs(first[name] - second[name]))
    return errors


@dataclass(frozen=True)
class PhotoConsistency:
    name: str
    mirror: Mapping[MeasureName, float]
    noise: Mapping[MeasureName, Sequence[float]]


def photo_consistency(analyzer: Analyzer, path: str) -> PhotoConsistency | None:
    """Mirror errors and noise for one photo; None when the person is not found in it."""
    image = load_image(path, max_side=analyzer.max_side)
    original = analyzer.analyze_image(image)
    mirror = analyzer.analyze_image(flipped(image))
    if not (isinstance(original, Analysis) and isinstance(mirror, Analysis)):
        return None
    runs = [analyzer.analyze_image(perturbed(image, *p)) for p in PERTURBATIONS]
    return PhotoConsistency(
        name=path,
        mirror=mirror_errors(original, mirror),
        noise=noise_errors([r for r in runs if isinstance(r, Analysis)]),
    )


@dataclass(frozen=True)
class Spread:
    count: int
    median: float
    p90: float


def spread(values: Iterable[float]) -> Spread:
    data = sorted(values)
    if not data:
        return Spread(0, float("nan"), float("nan"))
    return Spread(len(data), statistics.median(data), float(np.percentile(data, 90)))


def summarise(photos: Sequence[PhotoConsistency]) -> dict[str, tuple[Spread, Spread]]:
    """Per measure: (mirror error spread, noise spread), over all photos."""
    names = sorted({n for p in photos for n in p.mirror})
    return {
        name: (
            spread(p.mirror[name] for p in photos if name in p.mirror),
            spread(v for p in photos for v in p.noise.get(name, ())),
        )
        for name in names
    }
