"""Benchmark: the whole analyze path against the bare MediaPipe model, in one run.

Four timings per image, interleaved, with the same landmarker settings and the same model file:
- ``detect``: ``detect`` on the fully decoded, upright image already wrapped as ``mp.Image``
  (the model alone, the strictest baseline);
- ``wrap+detect``: wrapping that decoded array as ``mp.Image``, then ``detect`` (the least a caller
  holding a decoded photo must do);
- ``file``: MediaPipe reading the photo file itself (``mp.Image.create_from_file``), then
  ``detect``: bare MediaPipe on a photo (no orientation, no checks);
- ``whole``: from the file on disk, everything ``posecheck analyze`` does (reading, decoding,
  orientation, resizing, estimation, subject, view, roll, measures, checks, findings, plan).
Figures only: nothing here passes or fails.
"""

from __future__ import annotations

import resource
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from posecheck.analysis import Analyzer
from posecheck.estimator import EstimatorSettings, PoseEstimator, create_landmarker, to_mp_image
from posecheck.images import load_image
from posecheck.models import model_path
from posecheck.samples import sample_paths
from posecheck.types import ModelName

BASELINES = ("detect", "wrap_detect", "file")


@dataclass(frozen=True)
class ImageTiming:
    """Medians in milliseconds for one image."""

    name: str
    width: int
    height: int
    detect_ms: float
    wrap_detect_ms: float
    file_ms: float
    whole_ms: float

    def ratio(self, baseline: str = "detect") -> float:
        return self.whole_ms / float(getattr(self, f"{baseline}_ms"))


@dataclass(frozen=True)
class BenchReport:
    model: str
    repeats: int
    model_load_ms: float
    images: tuple[ImageTiming, ...]
    peak_rss_mb: float

    def median_ms(self, column: str) -> float:
        return statistics.median(float(getattr(t, f"{column}_ms")) for t in self.images)

    def median_ratio(self, baseline: str = "detect") -> float:
        return statistics.median(t.ratio(baseline) for t in self.images)

    def worst_ratio(self, baseline: str = "detect") -> float:
        return max(t.ratio(baseline) for t in self.images)

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "repeats": self.repeats,
            "model_load_ms": round(self.model_load_ms, 1),
            "median_ms": {c: round(self.median_ms(c), 1) for c in (*BASELINES, "whole")},
            "median_ratio": {b: round(self.median_ratio(b), 3) for b in BASELINES},
            "worst_ratio": {b: round(self.worst_ratio(b), 3) for b in BASELINES},
            "peak_rss_mb": round(self.peak_rss_mb, 1),
            "images": [
                asdict(t) | {"ratio": {b: round(t.ratio(b), 3) for b in BASELINES}}
                for t in self.images
            ],
        }


def default_bench_paths() -> list[str]:
    return [str(p) for p in sample_paths()]


def _timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def resize_to_megapixels(paths: Sequence[str], megapixels: float, folder: Path) -> list[str]:
    """Re-encode each photo as a JPEG (quality 92) of about ``megapixels`` MP, into ``folder``."""
    import cv2

    out = []
    for index, path in enumerate(paths):
        image = load_image(path, max_side=None)
        factor = (megapixels * 1e6 / (image.width * image.height)) ** 0.5
        size = (round(image.width * factor), round(image.height * factor))
        resized = cv2.resize(image.rgb, size, interpolation=cv2.INTER_CUBIC)
        target = folder / f"{index:02d}_{Path(path).stem}.jpg"
        bgr = cv2.cvtColor(resized, cv2.COLOR_RGB2BGR)
        cv2.imwrite(str(target), bgr, [cv2.IMWRITE_JPEG_QUALITY, 92])
        out.append(str(target))
    return out


def _wrap_file(path: str) -> Any:
    """Bare MediaPipe's own way to read a photo file into an ``mp.Image``."""
    import mediapipe as mp

    return mp.Image.create_from_file(path)


def run_bench(
    paths: Sequence[str],
    *,
    model: ModelName | str = ModelName.FULL,
    repeats: int = 7,
    megapixels: float | None = None,
) -> BenchReport:
    if megapixels is None:
        return _run(paths, ModelName(str(model)), repeats)
    with tempfile.TemporaryDirectory(prefix="posecheck-bench-") as folder:
        resized = resize_to_megapixels(paths, megapixels, Path(folder))
        return _run(resized, ModelName(str(model)), repeats)


def _run(paths: Sequence[str], model: ModelName, repeats: int) -> BenchReport:
    settings = EstimatorSettings()
    file = model_path(model)
    start = time.perf_counter()
    estimator = PoseEstimator(file, mode="image", settings=settings, model_name=model.value)
    model_load_ms = (time.perf_counter() - start) * 1000.0
    bare = create_landmarker(file, "image", settings)
    analyzer = Analyzer(estimator)
    decoded = [load_image(p, max_side=None) for p in paths]
    wrapped = [to_mp_image(d.rgb) for d in decoded]
    columns = ("detect", "wrap_detect", "file", "whole")
    samples: dict[str, list[list[float]]] = {c: [[] for _ in paths] for c in columns}
    for run in range(repeats + 1):  # the first round warms up and is not counted
        for index, path in enumerate(paths):
            actions: dict[str, Callable[[], object]] = {
                "detect": lambda: bare.detect(wrapped[index]),  # noqa: B023
                "wrap_detect": lambda: bare.detect(to_mp_image(decoded[index].rgb)),  # noqa: B023
                "file": lambda: bare.detect(_wrap_file(path)),  # noqa: B023
                "whole": lambda: analyzer.analyze_path(path),  # noqa: B023
            }
            for column, action in actions.items():
                seconds = _timed(action)
                if run > 0:
                    samples[column][index].append(seconds)
    bare.close()
    analyzer.close()

    def median_ms(column: str, index: int) -> float:
        return statistics.median(samples[column][index]) * 1000.0

    timings = tuple(
        ImageTiming(
            name=Path(path).name,
            width=d.width,
            height=d.height,
            **{f"{c}_ms": median_ms(c, i) for c in columns},
        )
        for i, (path, d) in enumerate(zip(paths, decoded, strict=True))
    )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    return BenchReport(model.value, repeats, model_load_ms, timings, peak_mb)


def format_report(report: BenchReport) -> str:
    lines = [
        f"posecheck bench: model {report.model}, median of {report.repeats} runs per image after "
        "one warm-up, all four interleaved; times in ms",
        "detect = the model on the decoded, wrapped image; wrap+detect = wrapping the decoded "
        "array, then detect; file = mp.Image.create_from_file + detect; whole = posecheck analyze",
        f"{'image':36} {'size':>10} {'detect':>7} {'wrap+det':>8} {'file':>6} {'whole':>6}"
        f"  whole / detect, wrap+det, file",
    ]
    for t in report.images:
        size = f"{t.width}x{t.height}"
        ratios = ", ".join(f"{t.ratio(b):.2f}" for b in BASELINES)
        lines.append(
            f"{t.name[:36]:36} {size:>10} {t.detect_ms:7.1f} {t.wrap_detect_ms:8.1f}"
            f" {t.file_ms:6.1f} {t.whole_ms:6.1f}  {ratios}"
        )
    medians = ", ".join(f"{report.median_ratio(b):.2f}" for b in BASELINES)
    worst = ", ".join(f"{report.worst_ratio(b):.2f}" for b in BASELINES)
    lines += [
        f"median ratio whole / (detect, wrap+detect, file): {medians} (worst {worst})",
        f"model load {report.model_load_ms:.0f} ms (once per run, not in the ratios); "
        f"peak memory {report.peak_rss_mb:.0f} MB (whole process)",
    ]
    return "\n".join(lines)
