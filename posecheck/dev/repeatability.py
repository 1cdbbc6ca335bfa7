"""Repeatability of each measure on a person standing still: SEM and minimal detectable change.

Every frame of a clip of one person standing still is analysed as a photo (the photo path, IMAGE
mode, so frames do not share the video tracker's smoothing). The spread of a measure over the
frames is its trial-to-trial standard deviation, the standard error of measurement (SEM) for that
person; the 95 % minimal detectable change is ``1.96 × √2 × SEM``: a change between two checks
smaller than that cannot be told from noise. Posture apps rarely report this (PosturePrint: SEM up
to 2.7° for rotations).

The geometry is measured whatever the capture checks say (a T-pose or a slightly turned clip is
still a fair test of how steady the numbers are), with the view given or detected per frame.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from posecheck.analysis import Analysis, Analyzer
from posecheck.images import LoadedImage
from posecheck.measures import MEASURES, MeasureName, measure_pose
from posecheck.types import View
from posecheck.views import override

#: 1.96 × √2: the 95 % minimal detectable change in SEMs.
MDC95_FACTOR = 1.96 * math.sqrt(2.0)


@dataclass(frozen=True)
class Repeatability:
    """One measure over the still frames: how many read, their mean, SD (= SEM), MDC95."""

    name: MeasureName
    frames: int
    mean: float
    sem: float

    @property
    def mdc95(self) -> float:
        return MDC95_FACTOR * self.sem


def frames_of(path: Path, *, every: int = 1, limit: int = 600) -> Iterator[LoadedImage]:
    """The clip's frames as working copies (every ``every``-th, at most ``limit``)."""
    capture = cv2.VideoCapture(str(path))
    try:
        index = 0
        kept = 0
        while kept < limit:
            ok, bgr = capture.read()
            if not ok:
                break
            if index % every == 0:
                rgb = np.ascontiguousarray(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB), dtype=np.uint8)
                rgb.flags.writeable = False
                height, width = rgb.shape[:2]
                yield LoadedImage(rgb, width, height, 1.0, "video", f"{path.name}#{index}")
                kept += 1
            index += 1
    finally:
        capture.release()


def repeatability(
    analyzer: Analyzer, frames: Sequence[LoadedImage], view: View | None = None
) -> dict[MeasureName, Repeatability]:
    """SEM of every measure read in at least 3 frames."""
    readings: dict[MeasureName, list[float]] = {}
    for frame in frames:
        result = analyzer.analyze_image(frame, view)
        if not isinstance(result, Analysis):
            continue
        estimate = override(view) if view is not None else result.view
        # a camera's unknown roll is the same in every frame: it moves the readings, not their
        # spread, so the readings a report would not give for it still count here
        measured = measure_pose(
            result.detection.subject,
            estimate,
            result.roll,
            calibrations=analyzer.calibrations,
            roll_abstains=False,
        )
        for name, measurement in measured.items():
            if measurement.value is not None:
                readings.setdefault(name, []).append(measurement.value)
    order = [spec.name for spec in MEASURES]
    return {
        name: Repeatability(name, len(values), statistics.fmean(values), statistics.stdev(values))
        for name in order
        if len(values := readings.get(name, [])) >= 3
    }


def markdown(tables: Mapping[str, Mapping[MeasureName, Repeatability]]) -> str:
    """One table per clip: measure, frames, mean, SEM, MDC95, and the known error beside them."""
    from posecheck.measures import MEASURES_BY_NAME

    lines = []
    for clip, table in tables.items():
        lines += [
            f"**{clip}**",
            "",
            "| measure | frames | mean | SEM | MDC95 | known error (±) |",
            "|---|---|---|---|---|---|",
        ]
        for name, row in table.items():
            unit = MEASURES_BY_NAME[name].unit.symbol or " (ratio)"
            lines.append(
                f"| `{name}` | {row.frames} | {row.mean:.2f} | {row.sem:.2f}{unit} | "
                f"{row.mdc95:.2f}{unit} | {MEASURES_BY_NAME[name].known_error:g} |"
            )
        lines.append("")
    return "\n".join(lines)
