"""Validation against rendered bodies with known angles.

A render set is a folder of images, each with a JSON of its truth beside it (``<stem>.json``:
``measures`` in posecheck's conventions, ``view``, ``keypoints_2d``; see ``synth/TRUTH.md``).
posecheck analyses every image and, per measure, we report how right it is: mean absolute error,
bias, the slope and R² of measured against true, the share of renders where it gave a value, and
the share where it rightly gave none (the view cannot measure it).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from posecheck.analysis import Analysis, Analyzer, PhotoResult
from posecheck.measures import MEASURES, MeasureName, MeasureSpec
from posecheck.types import Landmark, View

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png")


@dataclass(frozen=True)
class Truth:
    """One render's truth: its image, view, true measures (None = not measurable from this view)
    and projected 2D keypoints."""

    image: Path
    view: str
    measures: Mapping[str, float | None]
    keypoints: Mapping[str, tuple[float, float]]


def load_truths(folder: Path) -> list[Truth]:
    """Every image in ``folder`` that has a truth JSON beside it, sorted by name."""
    truths = []
    for image in sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES):
        meta = image.with_suffix(".json")
        if not meta.is_file():
            continue
        data = json.loads(meta.read_text(encoding="utf-8"))
        keypoints = {k: (float(v[0]), float(v[1])) for k, v in data.get("keypoints_2d", {}).items()}
        measures = {k: (None if v is None else float(v)) for k, v in data["measures"].items()}
        truths.append(Truth(image, str(data.get("view", "")), measures, keypoints))
    return truths


_SPECS: Mapping[str, MeasureSpec] = {spec.name.value: spec for spec in MEASURES}


@dataclass(frozen=True)
class Pair:
    """One render's measured and true value of one measure (either may be None), and the view
    posecheck took the photo from ("" where it found no one)."""

    image: str
    measured: float | None
    true: float | None
    view: str = ""


@dataclass(frozen=True)
class MeasureStats:
    name: str
    pairs: tuple[Pair, ...]

    def _scored_pairs(self) -> list[tuple[str, tuple[float, float]]]:
        """(view, (true, measured)) where both values exist."""
        return [
            (p.view, (p.true, p.measured))
            for p in self.pairs
            if p.true is not None and p.measured is not None
        ]

    @property
    def scored(self) -> list[tuple[float, float]]:
        """(true, measured) where both exist."""
        return [pair for _, pair in self._scored_pairs()]

    def scored_by_view(self) -> dict[str, list[tuple[float, float]]]:
        """``scored`` by the view posecheck took each photo from."""
        views: dict[str, list[tuple[float, float]]] = {}
        for view, pair in self._scored_pairs():
            views.setdefault(view, []).append(pair)
        return views

    @property
    def measurable(self) -> int:
        return sum(p.true is not None for p in self.pairs)

    @property
    def detected(self) -> float:
        """Share of the renders with a true value where posecheck gave a value."""
        return len(self.scored) / self.measurable if self.measurable else math.nan

    @property
    def abstained(self) -> float:
        """Share of the renders without a true value where posecheck rightly gave none."""
        rest = [p for p in self.pairs if p.true is None]
        return sum(p.measured is None for p in rest) / len(rest) if rest else math.nan

    def _errors(self) -> np.ndarray:
        return np.array([m - t for t, m in self.scored])

    @property
    def mae(self) -> float:
        errors = self._errors()
        return float(np.abs(errors).mean()) if errors.size else math.nan

    @property
    def bias(self) -> float:
        errors = self._errors()
        return float(errors.mean()) if errors.size else math.nan

    @property
    def slope_intercept_r2(self) -> tuple[float, float, float]:
        """Least-squares fit measured = slope × true + intercept, and its R².

        Only where the truth varies by at least the measure's known error: over a narrower range
        the fit would describe the noise, not the measure.
        """
        if len(self.scored) < 3:
            return math.nan, math.nan, math.nan
        true, measured = (np.array(v) for v in zip(*self.scored, strict=True))
        spec = _SPECS.get(self.name)
        least = spec.known_error if spec is not None else 0.0
        if float(np.ptp(true)) <= max(least, 1e-9):
            return math.nan, math.nan, math.nan
        slope, intercept = np.polyfit(true, measured, 1)
        predicted = slope * true + intercept
        total = float(((measured - measured.mean()) ** 2).sum())
        r2 = 1.0 - float(((measured - predicted) ** 2).sum()) / total if total > 0 else math.nan
        return float(slope), float(intercept), r2


@dataclass(frozen=True)
class ValidationReport:
    renders: int
    detected_people: int
    view_correct: int
    measures: tuple[MeasureStats, ...]
    keypoint_errors: Mapping[str, tuple[float, ...]] = field(default_factory=dict)

    def stats(self, name: str) -> MeasureStats:
        return next(m for m in self.measures if m.name == name)


def _view_matches(analysis: PhotoResult, truth: Truth) -> bool:
    if not isinstance(analysis, Analysis):
        return False
    if truth.view == "oblique":
        return analysis.view.oblique
    return analysis.view.view.value == truth.view and not analysis.view.oblique


def validate(
    truths: Sequence[Truth],
    analyzer: Analyzer,
    *,
    use_true_view: bool = False,
    progress: Callable[[int, int, str], None] | None = None,
) -> ValidationReport:
    """Analyse every render and compare with its truth.

    ``use_true_view`` gives posecheck the render's view (as a user override would), to judge the
    measures apart from view detection.
    """
    pairs: dict[str, list[Pair]] = {spec.name: [] for spec in MEASURES}
    keypoint_errors: dict[str, list[float]] = {}
    detected = view_correct = 0
    for index, truth in enumerate(truths, start=1):
        if progress is not None:
            progress(index, len(truths), truth.image.name)
        view = View(truth.view) if use_true_view and truth.view in set(View) else None
        analysis = analyzer.analyze_path(truth.image, view)
        detected += analysis.ok
        view_correct += _view_matches(analysis, truth)
        measurements = analysis.measurements if isinstance(analysis, Analysis) else {}
        seen = analysis.view.view.value if isinstance(analysis, Analysis) else ""
        for name in pairs:
            measurement = measurements.get(MeasureName(name))
            measured = None if measurement is None else measurement.value
            pairs[name].append(Pair(truth.image.name, measured, truth.measures.get(name), seen))
        if isinstance(analysis, Analysis):
            pose = analysis.detection.subject
            for label, (x, y) in truth.keypoints.items():
                landmark = Landmark[label.upper()]
                error = float(math.hypot(pose.xy[landmark, 0] - x, pose.xy[landmark, 1] - y))
                keypoint_errors.setdefault(label, []).append(error)
    return ValidationReport(
        renders=len(truths),
        detected_people=detected,
        view_correct=view_correct,
        measures=tuple(MeasureStats(name, tuple(p)) for name, p in pairs.items()),
        keypoint_errors={k: tuple(v) for k, v in keypoint_errors.items()},
    )


def _fmt(value: float, digits: int = 2) -> str:
    return "–" if math.isnan(value) else f"{value:.{digits}f}"


def _share(value: float) -> str:
    return "–" if math.isnan(value) else f"{100 * value:.0f} %"


def markdown(
    report: ValidationReport,
    *,
    title: str,
    command: str,
    plots: Mapping[str, str],
    raw: ValidationReport | None = None,
) -> str:
    """The report as Markdown: one row per measure, then the 2D keypoint errors.

    With ``raw`` (the same renders measured without the fitted corrections), each row also shows
    the raw error and bias: before and after.
    """
    before = {m.name: m for m in raw.measures} if raw is not None else {}
    lines = [
        f"# {title}",
        "",
        f"Made by `{command}`. {report.renders} renders; the person was found in "
        f"{report.detected_people} ({_share(report.detected_people / max(1, report.renders))}); "
        f"view right in {report.view_correct}.",
        "",
        "What users are told (findings' sensitivity and specificity, errors by turn, roll, camera "
        "height and view, repeatability) on the frozen hard test set is in "
        "[SCREENING.md](SCREENING.md); repeatability (SEM, MDC95) in "
        "[REPEATABILITY.md](REPEATABILITY.md).",
        "",
        "| measure | n | MAE | bias | slope | R² | detected | correctly abstained | "
        + ("MAE raw | bias raw | " if before else "")
        + "plot |",
        "|---|---|---|---|---|---|---|---|" + ("---|---|" if before else "") + "---|",
    ]
    for stats in report.measures:
        slope, _, r2 = stats.slope_intercept_r2
        plot = f"[plot]({plots[stats.name]})" if stats.name in plots else ""
        old = before.get(stats.name)
        raw_cells = f"{_fmt(old.mae)} | {_fmt(old.bias)} | " if old is not None else ""
        lines.append(
            f"| `{stats.name}` | {len(stats.scored)} | {_fmt(stats.mae)} | {_fmt(stats.bias)} | "
            f"{_fmt(slope)} | {_fmt(r2)} | {_share(stats.detected)} | {_share(stats.abstained)} | "
            f"{raw_cells}{plot} |"
        )
    if report.keypoint_errors:
        lines += ["", "2D landmark error against the projected truth (pixels):", ""]
        lines += ["| landmark | n | median | 90th percentile |", "|---|---|---|---|"]
        for label, errors in sorted(report.keypoint_errors.items()):
            data = np.array(errors)
            lines.append(
                f"| {label} | {data.size} | {np.median(data):.1f} | {np.percentile(data, 90):.1f} |"
            )
    return "\n".join(lines) + "\n"


def plot_measures(report: ValidationReport, folder: Path, *, prefix: str = "") -> dict[str, str]:
    """Measured-against-true scatter plots, one PNG per measure with data; name -> file name."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for stats in report.measures:
        scored = stats.scored
        if len(scored) < 2:
            continue
        true, measured = zip(*scored, strict=True)
        figure, axes = plt.subplots(figsize=(4, 4), dpi=100)
        low = min(min(true), min(measured))
        high = max(max(true), max(measured))
        axes.plot([low, high], [low, high], color="grey", linewidth=1, label="measured = true")
        axes.scatter(true, measured, s=14)
        axes.set_xlabel("true")
        axes.set_ylabel("measured")
        slope, _, r2 = stats.slope_intercept_r2
        axes.set_title(f"{stats.name}\nMAE {_fmt(stats.mae)}, slope {_fmt(slope)}, R² {_fmt(r2)}")
        axes.legend(loc="upper left", fontsize=7)
        figure.tight_layout()
        name = f"{prefix}{stats.name}.png"
        figure.savefig(folder / name)
        plt.close(figure)
        written[stats.name] = name
    return written


def measures_with_data(report: ValidationReport) -> Iterable[MeasureStats]:
    return (m for m in report.measures if m.scored)


def to_dict(report: ValidationReport) -> dict[str, Any]:
    return {
        "renders": report.renders,
        "detected_people": report.detected_people,
        "view_correct": report.view_correct,
        "measures": {
            m.name: {
                "n": len(m.scored),
                "mae": m.mae,
                "bias": m.bias,
                "slope": m.slope_intercept_r2[0],
                "r2": m.slope_intercept_r2[2],
                "detected": m.detected,
                "abstained": m.abstained,
            }
            for m in report.measures
        },
    }
