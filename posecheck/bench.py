"""Benchmark: the whole analyze path against the bare MediaPipe ``detect`` call, in one run.

All run on the same images, interleaved, with the same model and settings:
- bare: ``detect`` on the fully decoded image, already wrapped as ``mp.Image`` (the model alone);
- bare from file: the least a script must do to run the model on a photo file: decode it in full
  with OpenCV, convert to RGB, wrap, ``detect`` (no orientation, no checks);
- whole: from the file on disk, everything ``posecheck analyze`` does.
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

import numpy as np

from posecheck.analysis import Analyzer
from posecheck.estimator import EstimatorSettings, PoseEstimator, create_landmarker
from posecheck.images import load_image
from posecheck.models import model_path
from posecheck.types import ModelName

SAMPLE_DIR = Path(__file__).resolve().parents[1] / "sample_images"


@dataclass(frozen=True)
class ImageTiming:
    name: str
    width: int
    height: int
    bare_ms: float  # median of the bare detect call
    bare_file_ms: float  # median of decode + wrap + detect, from the file
    whole_ms: float  # median of the whole analyze path

    @property
    def ratio(self) -> float:
        return self.whole_ms / self.bare_ms

    @property
    def ratio_file(self) -> float:
        return self.whole_ms / self.bare_file_ms


@dataclass(frozen=True)
class BenchReport:
    model: str
    repeats: int
    model_load_ms: float
    images: tuple[ImageTiming, ...]
    peak_rss_mb: float

    @property
    def bare_median_ms(self) -> float:
        return statistics.median(t.bare_ms for t in self.images)

    @property
    def whole_median_ms(self) -> float:
        return statistics.median(t.whole_ms for t in self.images)

    @property
    def median_ratio(self) -> float:
        return statistics.median(t.ratio for t in self.images)

    @property
    def worst_ratio(self) -> float:
        return max(t.ratio for t in self.images)

    @property
    def median_ratio_file(self) -> float:
        return statistics.median(t.ratio_file for t in self.images)

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "repeats": self.repeats,
            "model_load_ms": round(self.model_load_ms, 1),
            "bare_median_ms": round(self.bare_median_ms, 1),
            "whole_median_ms": round(self.whole_median_ms, 1),
            "median_ratio": round(self.median_ratio, 3),
            "worst_ratio": round(self.worst_ratio, 3),
            "median_ratio_vs_bare_from_file": round(self.median_ratio_file, 3),
            "peak_rss_mb": round(self.peak_rss_mb, 1),
            "images": [
                asdict(t) | {"ratio": round(t.ratio, 3), "ratio_file": round(t.ratio_file, 3)}
                for t in self.images
            ],
        }


def default_bench_paths() -> list[str]:
    if not SAMPLE_DIR.is_dir():
        return []
    suffixes = {".jpg", ".jpeg", ".png", ".webp"}
    return [str(p) for p in sorted(SAMPLE_DIR.iterdir()) if p.suffix.lower() in suffixes]


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000.0


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
        cv2.imwrite(
            str(target), cv2.cvtColor(resized, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 92]
        )
        out.append(str(target))
    return out


def _wrap_file(path: str) -> Any:
    """The least a script does to hand a photo file to the model: full decode, RGB, wrap."""
    import cv2
    import mediapipe as mp

    bgr = cv2.imread(path, cv2.IMREAD_COLOR)
    if bgr is None:
        raise ValueError(f"OpenCV could not read {path}")
    return mp.Image(image_format=mp.ImageFormat.SRGB, data=cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))


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
        return _run(
            resize_to_megapixels(paths, megapixels, Path(folder)), ModelName(str(model)), repeats
        )


def _run(paths: Sequence[str], model: ModelName, repeats: int) -> BenchReport:
    import mediapipe as mp

    settings = EstimatorSettings()
    file = model_path(model)
    start = time.perf_counter()
    estimator = PoseEstimator(file, mode="image", settings=settings, model_name=model.value)
    model_load_ms = (time.perf_counter() - start) * 1000.0
    bare = create_landmarker(file, "image", settings)
    analyzer = Analyzer(estimator)
    decoded = [load_image(p, max_side=None) for p in paths]
    wrapped = [
        mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(d.rgb))
        for d in decoded
    ]
    bare_times: list[list[float]] = [[] for _ in paths]
    file_times: list[list[float]] = [[] for _ in paths]
    whole_times: list[list[float]] = [[] for _ in paths]
    for run in range(repeats + 1):  # the first round warms up and is not counted
        for index, path in enumerate(paths):
            bare_s = _timed(lambda: bare.detect(wrapped[index]))  # noqa: B023
            file_s = _timed(lambda: bare.detect(_wrap_file(path)))  # noqa: B023
            whole_s = _timed(lambda: analyzer.analyze_path(path))  # noqa: B023
            if run > 0:
                bare_times[index].append(bare_s)
                file_times[index].append(file_s)
                whole_times[index].append(whole_s)
    bare.close()
    estimator.close()
    timings = tuple(
        ImageTiming(
            name=Path(path).name,
            width=d.width,
            height=d.height,
            bare_ms=_median_ms(b),
            bare_file_ms=_median_ms(f),
            whole_ms=_median_ms(w),
        )
        for path, d, b, f, w in zip(
            paths, decoded, bare_times, file_times, whole_times, strict=True
        )
    )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    return BenchReport(model.value, repeats, model_load_ms, timings, peak_mb)


def format_report(report: BenchReport) -> str:
    lines = [
        f"posecheck bench: model {report.model}, median of {report.repeats} runs per image "
        "after one warm-up, all three interleaved",
        "bare = detect on the decoded image; bare+file = full decode + wrap + detect; "
        "ratio = whole / bare",
        f"{'image':40} {'size':>10} {'bare':>6} {'bare+file':>9} {'whole':>6} {'ratio':>6}"
        f" {'vs file':>7}",
    ]
    for t in report.images:
        size = f"{t.width}x{t.height}"
        lines.append(
            f"{t.name[:40]:40} {size:>10} {t.bare_ms:6.1f} {t.bare_file_ms:9.1f} {t.whole_ms:6.1f}"
            f" {t.ratio:6.2f} {t.ratio_file:7.2f}"
        )
    lines += [
        f"median over images: bare {report.bare_median_ms:.1f} ms, "
        f"whole {report.whole_median_ms:.1f} ms, "
        f"ratio {report.median_ratio:.2f} (worst {report.worst_ratio:.2f}); "
        f"whole / bare+file {report.median_ratio_file:.2f}",
        f"model load {report.model_load_ms:.0f} ms (once per run, not in the ratio); "
        f"peak memory {report.peak_rss_mb:.0f} MB (whole process)",
    ]
    return "\n".join(lines)
