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
And parts of ``whole``, to read off what the path adds around its own decode and model call:
- ``decode``: reading and decoding the file to posecheck's working copy (``load_image``);
- ``model``: the bare model on that working copy, already wrapped;
- ``floor``: the whole path without its posture work: the decode, then ``look_at`` (the
  model, and the grey levels and the scene's edges found beside it on the second thread).
``rest = whole - decode - model`` is everything else, given as a share of ``model``;
``posture = whole - floor`` is the roll's fit, the measures, the checks, the findings and the plan.
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

from posecheck.analysis import Analyzer, look_at
from posecheck.estimator import (
    EstimatorSettings,
    PoseEstimator,
    create_landmarker,
    quiet_native_logs,
    to_mp_image,
)
from posecheck.images import load_image
from posecheck.models import model_path
from posecheck.samples import sample_paths
from posecheck.types import ModelName

BASELINES = ("detect", "wrap_detect", "file")
COLUMNS = ("detect", "wrap_detect", "file", "whole", "decode", "model", "floor")


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
    decode_ms: float
    model_ms: float
    floor_ms: float

    def ratio(self, baseline: str = "detect") -> float:
        return self.whole_ms / float(getattr(self, f"{baseline}_ms"))

    @property
    def rest_ms(self) -> float:
        """What the whole path spends beyond decoding to its working copy and the model on it."""
        return self.whole_ms - self.decode_ms - self.model_ms

    @property
    def rest_share(self) -> float:
        return self.rest_ms / self.model_ms

    @property
    def posture_ms(self) -> float:
        """What the whole path spends after ``look_at``: the posture work."""
        return self.whole_ms - self.floor_ms

    def floor_ratio(self, baseline: str = "detect") -> float:
        return self.floor_ms / float(getattr(self, f"{baseline}_ms"))


@dataclass(frozen=True)
class BenchReport:
    model: str
    repeats: int
    model_load_ms: float
    images: tuple[ImageTiming, ...]
    peak_rss_mb: float
    #: the whole path looked at each photo's mirror image too (``Analyzer(both_ways=True)``)
    both_ways: bool = False

    def median_ms(self, column: str) -> float:
        return statistics.median(float(getattr(t, f"{column}_ms")) for t in self.images)

    def median_ratio(self, baseline: str = "detect") -> float:
        return statistics.median(t.ratio(baseline) for t in self.images)

    def worst_ratio(self, baseline: str = "detect") -> float:
        return max(t.ratio(baseline) for t in self.images)

    def median_rest_share(self) -> float:
        return statistics.median(t.rest_share for t in self.images)

    def worst_rest_share(self) -> float:
        return max(t.rest_share for t in self.images)

    def median_floor_ratio(self, baseline: str = "detect") -> float:
        return statistics.median(t.floor_ratio(baseline) for t in self.images)

    def median_posture_ms(self) -> float:
        return statistics.median(t.posture_ms for t in self.images)

    def median_posture_room_ms(self, whole_over_detect: float) -> float:
        """What the posture work could take (median) for whole / detect to be the ratio given."""
        return statistics.median(whole_over_detect * t.detect_ms - t.floor_ms for t in self.images)

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "both_ways": self.both_ways,
            "repeats": self.repeats,
            "model_load_ms": round(self.model_load_ms, 1),
            "median_ms": {c: round(self.median_ms(c), 1) for c in COLUMNS},
            "median_ratio": {b: round(self.median_ratio(b), 3) for b in BASELINES},
            "worst_ratio": {b: round(self.worst_ratio(b), 3) for b in BASELINES},
            "rest_share_of_model": {
                "median": round(self.median_rest_share(), 3),
                "worst": round(self.worst_rest_share(), 3),
            },
            "median_floor_ratio": {b: round(self.median_floor_ratio(b), 3) for b in BASELINES},
            "peak_rss_mb": round(self.peak_rss_mb, 1),
            "images": [
                asdict(t)
                | {
                    "ratio": {b: round(t.ratio(b), 3) for b in BASELINES},
                    "rest_ms": round(t.rest_ms, 2),
                    "rest_share_of_model": round(t.rest_share, 3),
                    "posture_ms": round(t.posture_ms, 2),
                }
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
    both_ways: bool = False,
) -> BenchReport:
    if megapixels is None:
        return _run(paths, ModelName(str(model)), repeats, both_ways)
    with tempfile.TemporaryDirectory(prefix="posecheck-bench-") as folder:
        resized = resize_to_megapixels(paths, megapixels, Path(folder))
        return _run(resized, ModelName(str(model)), repeats, both_ways)


def _run(paths: Sequence[str], model: ModelName, repeats: int, both_ways: bool) -> BenchReport:
    settings = EstimatorSettings()
    file = model_path(model)
    start = time.perf_counter()
    estimator = PoseEstimator(file, mode="image", settings=settings, model_name=model.value)
    model_load_ms = (time.perf_counter() - start) * 1000.0
    bare = create_landmarker(file, "image", settings)
    analyzer = Analyzer(estimator, both_ways=both_ways)
    decoded = [load_image(p, max_side=None) for p in paths]
    wrapped = [to_mp_image(d.rgb) for d in decoded]
    working = [to_mp_image(load_image(p, max_side=analyzer.max_side).rgb) for p in paths]
    columns = COLUMNS
    samples: dict[str, list[list[float]]] = {c: [[] for _ in paths] for c in columns}
    for run in range(repeats + 1):  # the first round warms up and is not counted
        for index, path in enumerate(paths):
            actions: dict[str, Callable[[], object]] = {
                "detect": lambda: bare.detect(wrapped[index]),  # noqa: B023
                "wrap_detect": lambda: bare.detect(to_mp_image(decoded[index].rgb)),  # noqa: B023
                "file": lambda: bare.detect(_wrap_file(path)),  # noqa: B023
                "whole": lambda: analyzer.analyze_path(path),  # noqa: B023
                "decode": lambda: load_image(path, max_side=analyzer.max_side),  # noqa: B023
                "model": lambda: bare.detect(working[index]),  # noqa: B023
                "floor": lambda: look_at(analyzer, load_image(path, max_side=analyzer.max_side)),  # noqa: B023
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
    return BenchReport(model.value, repeats, model_load_ms, timings, peak_mb, both_ways)


def format_report(report: BenchReport) -> str:
    lines = [
        f"posecheck bench: model {report.model}"
        f"{' (whole path both ways: the photo and its mirror image)' if report.both_ways else ''}"
        f", median of {report.repeats} runs per image after "
        "one warm-up, all seven interleaved; times in ms",
        "detect = the model on the decoded, wrapped image; wrap+detect = wrapping the decoded "
        "array, then detect; file = mp.Image.create_from_file + detect; whole = posecheck analyze",
        "decode = posecheck decoding the file to its working copy; model = the model on that "
        "copy; rest = whole - decode - model, as a share of model; floor = the whole path without "
        "the posture work (decode, model, grey levels and edges beside it); post = whole - floor",
        f"{'image':30} {'size':>10} {'detect':>7} {'wrap+det':>8} {'file':>6} {'whole':>6}"
        f" {'decode':>6} {'model':>6} {'rest':>5} {'floor':>6} {'post':>5}"
        "  whole / detect, wrap+det, file; rest / model",
    ]
    for t in report.images:
        size = f"{t.width}x{t.height}"
        ratios = ", ".join(f"{t.ratio(b):.2f}" for b in BASELINES)
        lines.append(
            f"{t.name[:30]:30} {size:>10} {t.detect_ms:7.1f} {t.wrap_detect_ms:8.1f}"
            f" {t.file_ms:6.1f} {t.whole_ms:6.1f} {t.decode_ms:6.1f} {t.model_ms:6.1f}"
            f" {t.rest_ms:5.1f} {t.floor_ms:6.1f} {t.posture_ms:5.1f}  {ratios}; {t.rest_share:.2f}"
        )
    medians = ", ".join(f"{report.median_ratio(b):.2f}" for b in BASELINES)
    worst = ", ".join(f"{report.worst_ratio(b):.2f}" for b in BASELINES)
    floors = ", ".join(f"{report.median_floor_ratio(b):.2f}" for b in BASELINES)
    lines += [
        f"median ratio whole / (detect, wrap+detect, file): {medians} (worst {worst})",
        f"median rest / model: {report.median_rest_share():.2f} "
        f"(worst {report.worst_rest_share():.2f})",
        f"median ratio floor / (detect, wrap+detect, file): {floors}; median posture work "
        f"{report.median_posture_ms():.1f} ms, where whole / detect 1.2 would leave it "
        f"{report.median_posture_room_ms(1.2):.1f} ms",
        f"model load {report.model_load_ms:.0f} ms (once per run, not in the ratios); "
        f"peak memory {report.peak_rss_mb:.0f} MB (whole process)",
    ]
    return "\n".join(lines)


# --- the live path on a video ---------------------------------------------------------------------

#: The frame size the live targets are stated for (a webcam's).
BENCH_FRAME_SIZE = (640, 480)


@dataclass(frozen=True)
class VideoBenchReport:
    """Frames per second of the bare model and of the whole live path, on the same frames.

    ``bare``: decoding a frame (``cv2.VideoCapture.read`` and BGR to RGB), wrapping it as
    ``mp.Image`` and ``detect_for_video`` on a VIDEO-mode landmarker with the live settings.
    ``whole``: decoding (``posecheck.video``), ``LiveSession.process`` (estimate, view, measures,
    stance check, signals and their smoothing, tracker, cues) and ``draw_live_frame``.
    Times are summed over ``repeats`` passes after one warm-up pass, the two interleaved frame
    by frame; ``stages_ms`` is the whole path's mean per frame and stage.
    """

    model: str
    exercise: str | None
    size: tuple[int, int]
    frames: int
    repeats: int
    bare_s: float
    whole_s: float
    stages_ms: dict[str, float]
    people_frames: int

    @property
    def bare_fps(self) -> float:
        return self.frames * self.repeats / self.bare_s

    @property
    def whole_fps(self) -> float:
        return self.frames * self.repeats / self.whole_s

    @property
    def ratio(self) -> float:
        """Whole-path rate over bare-model rate (1 = no cost beyond the model and decoding)."""
        return self.whole_fps / self.bare_fps

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "exercise": self.exercise,
            "size": list(self.size),
            "frames": self.frames,
            "repeats": self.repeats,
            "bare_fps": round(self.bare_fps, 1),
            "whole_fps": round(self.whole_fps, 1),
            "ratio": round(self.ratio, 3),
            "stages_ms": {k: round(v, 3) for k, v in self.stages_ms.items()},
            "frames_with_person": self.people_frames,
        }


def letterbox_clip(path: str | Path, folder: Path, size: tuple[int, int]) -> Path:
    """The clip re-encoded at exactly ``size`` (scaled to fit, black bars), as MPEG-4."""
    import cv2
    import numpy as np

    from posecheck.video import open_video

    target = folder / f"bench_{size[0]}x{size[1]}.mp4"
    with open_video(path, max_side=None) as reader:
        fps = reader.info.fps or 30.0
        writer = cv2.VideoWriter(str(target), cv2.VideoWriter.fourcc(*"mp4v"), fps, size)
        factor = min(size[0] / reader.info.width, size[1] / reader.info.height)
        inner = (round(reader.info.width * factor), round(reader.info.height * factor))
        left, top = (size[0] - inner[0]) // 2, (size[1] - inner[1]) // 2
        canvas = np.zeros((size[1], size[0], 3), dtype=np.uint8)
        for _, rgb in reader:
            canvas[top : top + inner[1], left : left + inner[0]] = cv2.resize(
                cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), inner, interpolation=cv2.INTER_AREA
            )
            writer.write(canvas)
        writer.release()
    return target


class _WholePath:
    """The live path with each stage timed (the stages add up to the whole)."""

    def __init__(self, clip: Path, model: ModelName, exercise: str | None) -> None:
        from posecheck.live.session import LiveSession, people_counter, video_estimator
        from posecheck.video import open_video

        self.reader = open_video(clip, max_side=None)
        self.frames = iter(self.reader)
        self.session = LiveSession(
            video_estimator(model), exercise=exercise, people_counter=people_counter(model)
        )
        self.stages = {"decode": 0.0, "process": 0.0, "draw": 0.0}
        self.people = 0

    def step(self) -> bool:
        from posecheck.draw_live import draw_live_frame

        start = time.perf_counter()
        item = next(self.frames, None)
        decoded = time.perf_counter()
        if item is None:
            return False
        t_ms, rgb = item
        frame = self.session.process(rgb, t_ms)
        processed = time.perf_counter()
        draw_live_frame(rgb, frame)
        drawn = time.perf_counter()
        self.stages["decode"] += decoded - start
        self.stages["process"] += processed - decoded
        self.stages["draw"] += drawn - processed
        self.people += frame.pose is not None
        return True

    def close(self) -> None:
        self.session.close()
        self.reader.close()


class _BarePath:
    """Decode, wrap and detect: the model with nothing around it."""

    def __init__(self, clip: Path, model: ModelName) -> None:
        import cv2

        from posecheck.live.session import LIVE_ESTIMATOR_SETTINGS

        self.capture = cv2.VideoCapture(str(clip), cv2.CAP_FFMPEG)
        with quiet_native_logs():
            self.landmarker = create_landmarker(model_path(model), "video", LIVE_ESTIMATOR_SETTINGS)
        self.warm = False
        self.index = 0
        self.gap_ms = 1000.0 / (self.capture.get(cv2.CAP_PROP_FPS) or 30.0)

    def step(self) -> bool:
        import cv2

        ok, bgr = self.capture.read()
        if not ok:
            return False
        rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
        stamp = round(self.index * self.gap_ms)
        if self.warm:
            self.landmarker.detect_for_video(to_mp_image(rgb), stamp)
        else:  # MediaPipe logs its set-up on the first call, as the estimator's first call does
            self.warm = True
            with quiet_native_logs():
                self.landmarker.detect_for_video(to_mp_image(rgb), stamp)
        self.index += 1
        return True

    def close(self) -> None:
        self.landmarker.close()
        self.capture.release()


def run_video_bench(
    path: str | Path,
    *,
    model: ModelName | str = ModelName.LITE,
    exercise: str | None = "toe_walking",
    repeats: int = 3,
    size: tuple[int, int] = BENCH_FRAME_SIZE,
) -> VideoBenchReport:
    """Time the bare model and the whole live path on the clip's frames at ``size``, in one run,
    interleaved frame by frame (see :class:`VideoBenchReport`)."""
    name = ModelName(str(model))
    with tempfile.TemporaryDirectory(prefix="posecheck-bench-") as folder:
        clip = letterbox_clip(path, Path(folder), size)
        bare_s = whole_s = 0.0
        stages = dict.fromkeys(("decode", "process", "draw"), 0.0)
        frames = people = 0
        for run in range(repeats + 1):  # the first pass warms up and is not counted
            bare, whole = _BarePath(clip, name), _WholePath(clip, name, exercise)
            count = 0
            bare_run = whole_run = 0.0
            while True:
                start = time.perf_counter()
                more = bare.step()
                middle = time.perf_counter()
                more = whole.step() and more
                end = time.perf_counter()
                if not more:
                    break
                bare_run += middle - start
                whole_run += end - middle
                count += 1
            bare.close()
            whole.close()
            if run == 0:
                continue
            bare_s += bare_run
            whole_s += whole_run
            frames, people = count, whole.people
            for stage, seconds in whole.stages.items():
                stages[stage] += seconds
    per_frame = {k: v * 1000.0 / (frames * repeats) for k, v in stages.items()}
    return VideoBenchReport(
        name.value, exercise, size, frames, repeats, bare_s, whole_s, per_frame, people
    )


def format_video_report(report: VideoBenchReport) -> str:
    width, height = report.size
    stages = ", ".join(f"{k} {v:.2f}" for k, v in report.stages_ms.items())
    return "\n".join(
        [
            f"posecheck bench --video: model {report.model}, {report.frames} frames at "
            f"{width}x{height}, {report.repeats} passes after one warm-up, bare and whole "
            "interleaved frame by frame",
            "bare = decode + BGR->RGB + mp.Image + detect_for_video (VIDEO mode, one person); "
            "whole = decode, LiveSession.process (estimate, view, measures, stance, smoothing, "
            f"tracker: exercise {report.exercise or 'none'}), draw_live_frame",
            f"bare  {report.bare_fps:6.1f} fps ({1000.0 / report.bare_fps:5.2f} ms/frame)",
            f"whole {report.whole_fps:6.1f} fps ({1000.0 / report.whole_fps:5.2f} ms/frame)",
            f"ratio whole / bare: {report.ratio:.3f}",
            f"whole path per frame (ms): {stages}; "
            f"a person in {report.people_frames} of {report.frames} frames",
        ]
    )
