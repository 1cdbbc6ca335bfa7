"""Screening accuracy on a set of renders: what a user would be told, against the truth.

For every render the photo path runs as a user would run it (view detected, roll estimated, the
posture-photo gate, findings), and each reading is compared with the render's true value (the
truth JSON's ``all_measures``, so a body turned 10-15° from the camera still has a true foot
angle). Reported:

- per measure, the mean absolute error where a value was given, and how often one was given,
  split by how far the body was turned, whether the roll was known, the camera's height, the view;
- per finding, sensitivity and specificity: a truth *positive* lies beyond the usual range (in the
  finding's direction) by more than the measure's known error; a truth *negative* lies inside the
  usual range; a finding *reported* is a finding of that key made from that measure. A photo the
  gate did not judge reports nothing (it counts against sensitivity, never against specificity);
- whether the uncertainty means something: the rank correlation of each reading's error band
  (and of its confidence) with its actual error.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import numpy as np

from posecheck.analysis import Analysis, Analyzer
from posecheck.findings import ASYMMETRY_MILD_DEG, RULES, Beyond, FindingKey
from posecheck.measures import MEASURES, MEASURES_BY_NAME, MeasureName
from posecheck.roll import usable_roll
from posecheck.types import FloatArray, Status, View

_BASES = {0.0: "front", 90.0: "left", 180.0: "back", 270.0: "right"}


@dataclass(frozen=True)
class Reading:
    """One measure of one render: the truth, what was reported, and the conditions."""

    render: str
    measure: MeasureName
    true: float
    value: float | None
    status: Status
    error_band: float
    confidence: float
    turn: float
    roll: float
    roll_known: bool
    height: float
    view: str
    background: str
    judged: bool
    findings: frozenset[tuple[FindingKey, MeasureName]]
    #: would make a finding, but the photo cannot judge it ("possible: not judged")
    held: bool = False


def base_and_turn(yaw: float) -> tuple[str, float]:
    """The nearest named view of a render's camera yaw, and how far off it the camera stands
    (+: round toward the person's left side)."""
    base = min(_BASES, key=lambda b: abs((yaw - b + 180.0) % 360.0 - 180.0))
    return _BASES[base], (yaw - base + 180.0) % 360.0 - 180.0


def read_render(analyzer: Analyzer, image: Path) -> list[Reading]:
    """Every measure of one render that has a true value for its (nearest) view."""
    truth = json.loads(image.with_suffix(".json").read_text(encoding="utf-8"))
    camera = truth["camera"]
    view, turn = base_and_turn(float(camera["yaw_deg"]))
    source = {"front": "square_on", "back": "square_on"}.get(view, f"{view}_side")
    trues: Mapping[str, float] = truth["all_measures"][source]
    result = analyzer.analyze_path(image)
    if not isinstance(result, Analysis):
        return []
    found = frozenset((f.key, m) for f in result.assessment.findings for m in f.measures)
    roll_known = usable_roll(result.roll) is not None
    background = str(truth.get("params", {}).get("scene", {}).get("background", "?"))
    readings = []
    for spec in MEASURES:
        if spec.name.value not in trues or View(view) not in spec.views:
            continue
        measurement = result.measurements.get(spec.name)
        readings.append(
            Reading(
                render=image.name, measure=spec.name, true=float(trues[spec.name.value]),
                value=None if measurement is None else measurement.value,
                status=Status.UNKNOWN if measurement is None else measurement.status,
                error_band=spec.known_error if measurement is None else measurement.error,
                confidence=0.0 if measurement is None else measurement.confidence,
                turn=turn, roll=float(camera["roll_deg"]), roll_known=roll_known,
                height=float(camera["height_m"]), view=view, background=background,
                judged=result.judged, findings=found,
                held=measurement is not None and measurement.held,
            )
        )  # fmt: skip
    return readings


Row = TypeVar("Row")


def read_renders(
    analyzer: Analyzer,
    folder: Path,
    read: Callable[[Analyzer, Path], list[Row]],
    progress: Callable[[int, int, str], None] | None = None,
) -> list[Row]:
    """``read`` of every render in ``folder`` that has its truth JSON beside it, in name order."""
    images = sorted(p for p in folder.glob("*.jpg") if p.with_suffix(".json").is_file())
    rows: list[Row] = []
    for index, image in enumerate(images, start=1):
        if progress is not None:
            progress(index, len(images), image.name)
        rows += read(analyzer, image)
    return rows


def read_set(
    analyzer: Analyzer, folder: Path, progress: Callable[[int, int, str], None] | None = None
) -> list[Reading]:
    return read_renders(analyzer, folder, read_render, progress)


# --- figures -------------------------------------------------------------------------------------


def _mae(readings: Iterable[Reading]) -> tuple[float, int, int]:
    """(MAE where reported, reported count, all count)."""
    rows = list(readings)
    errors = [abs(r.value - r.true) for r in rows if r.value is not None]
    return (float(np.mean(errors)) if errors else math.nan), len(errors), len(rows)


def _turn_group(reading: Reading) -> str:
    """0-5°, 5-10°, 10-15° (the frozen set's largest) and 15-20° (the square-on check's limit)."""
    low = min(int(abs(reading.turn) // 5) * 5, 15)
    return f"{low}-{low + 5}°"


SPLITS: Mapping[str, Callable[[Reading], str]] = {
    "turn": _turn_group,
    "roll": lambda r: "roll known" if r.roll_known else "roll unknown",
    "camera height": lambda r: (
        "0.5-0.9 m" if r.height < 0.9 else ("0.9-1.25 m" if r.height < 1.25 else "1.25-1.6 m")
    ),
    "view": lambda r: r.view,
}


def _in_order(item: tuple[str, list[Reading]]) -> tuple[float, str]:
    """Groups named by a range ("5-10°", "0.5-0.9 m") by its start, the others by name."""
    start = re.match(r"\d+(\.\d+)?", item[0])
    return (float(start.group()) if start else math.inf, item[0])


def _group_cell(key: str, readings: Sequence[Reading]) -> str:
    """One group's MAE and how many of its readings were reported ("-": none of them)."""
    mae, reported, total = _mae(readings)
    return f"{key} {'-' if math.isnan(mae) else f'{mae:.1f}'} ({reported}/{total})"


def error_table(readings: Sequence[Reading]) -> list[str]:
    lines = [
        "| measure | MAE (reported / all) | " + " | ".join(SPLITS) + " |",
        "|---|---|" + "---|" * len(SPLITS),
    ]
    for spec in MEASURES:
        rows = [r for r in readings if r.measure is spec.name]
        if not rows:
            continue
        mae, reported, total = _mae(rows)
        cells = []
        for split in SPLITS.values():
            groups: dict[str, list[Reading]] = {}
            for r in rows:
                groups.setdefault(split(r), []).append(r)
            cells.append(
                ", ".join(
                    _group_cell(key, group) for key, group in sorted(groups.items(), key=_in_order)
                )
            )
        lines.append(
            f"| `{spec.name}` | {mae:.2f} ({reported}/{total}) | " + " | ".join(cells) + " |"
        )
    return lines


@dataclass(frozen=True)
class Confusion:
    """A finding's counts. ``prompted``: the positives found, or told to recheck (a reading
    outside the range on their side but within its error, "possible: recheck"); ``rechecks``:
    the negatives told to recheck toward it. None where a finding has no recheck (the feet's
    asymmetry, made from two readings)."""

    positives: int
    found: int
    negatives: int
    false_alarms: int
    prompted: int | None = None
    rechecks: int | None = None

    @property
    def sensitivity(self) -> float:
        return self.found / self.positives if self.positives else math.nan

    @property
    def specificity(self) -> float:
        return 1.0 - self.false_alarms / self.negatives if self.negatives else math.nan

    @property
    def sensitivity_interval(self) -> tuple[float, float]:
        return wilson_interval(self.found, self.positives)

    @property
    def specificity_interval(self) -> tuple[float, float]:
        return wilson_interval(self.negatives - self.false_alarms, self.negatives)


#: z for a two-sided 95 % interval.
Z_95 = 1.959964


def wilson_interval(successes: int, n: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval of the proportion ``successes / n`` (95 % by default), which
    stays inside [0, 1] and is not empty at 0 or n successes, unlike p ± z·SE; (nan, nan) for
    n = 0."""
    if n <= 0:
        return math.nan, math.nan
    if not 0 <= successes <= n:
        raise ValueError(f"wilson_interval: expected 0 <= successes <= n, got {successes} of {n}")
    p = successes / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def _truth_side(reading: Reading) -> Beyond | str | None:
    """ABOVE/BELOW when truly beyond the range by more than the known error, "inside" when
    inside the range, None in between."""
    spec = MEASURES_BY_NAME[reading.measure]
    low, high = spec.normal
    if low <= reading.true <= high:
        return "inside"
    if reading.true > high + spec.known_error:
        return Beyond.ABOVE
    if reading.true < low - spec.known_error:
        return Beyond.BELOW
    return None


def finding_confusion(readings: Sequence[Reading]) -> dict[FindingKey, Confusion]:
    # A finding with a rule each way on one measure (a tilt up on either side) is one finding:
    # a reading truly inside the range is one negative for it, not one per rule.
    directions: dict[tuple[FindingKey, MeasureName], set[Beyond]] = {}
    for rule in RULES:
        directions.setdefault((rule.key, rule.measure), set()).add(rule.beyond)
    counts: dict[FindingKey, list[int]] = {}
    for (key, measure), beyond in directions.items():
        tally = counts.setdefault(key, [0, 0, 0, 0, 0, 0])
        for r in readings:
            if r.measure is not measure:
                continue
            truth = _truth_side(r)
            reported = (key, measure) in r.findings
            if truth in beyond:
                tally[0] += 1
                tally[1] += reported
                tally[4] += reported or _recheck_toward(r) is truth
            elif truth == "inside":
                tally[2] += 1
                tally[3] += reported
                tally[5] += not reported and _recheck_toward(r) in beyond
    confusion = {key: Confusion(*tally) for key, tally in counts.items()}
    asymmetry: dict[FindingKey, list[int]] = {}
    _asymmetry(readings, asymmetry)
    confusion.update({key: Confusion(*tally) for key, tally in asymmetry.items()})
    return confusion


def _recheck_toward(reading: Reading) -> Beyond | None:
    """The side a reading tells the user to recheck ("possible: recheck": outside the range, but
    within its error), or None: inside it, clearly outside, held ("not judged"), experimental
    (never a recheck), not judged as a posture photo, or no value."""
    spec = MEASURES_BY_NAME[reading.measure]
    value = reading.value
    if value is None or reading.status is not Status.POSSIBLE or reading.held:
        return None
    if not spec.for_findings or not reading.judged:
        return None
    low, high = spec.normal
    return Beyond.ABOVE if value > high else Beyond.BELOW if value < low else None


def _asymmetry(readings: Sequence[Reading], counts: dict[FindingKey, list[int]]) -> None:
    """Truth positive: the feet differ by more than the threshold plus a foot's known error."""
    renders: dict[str, list[Reading]] = {}
    for r in readings:
        renders.setdefault(r.render, []).append(r)
    tally = counts.setdefault(FindingKey.FOOT_ANGLE_ASYMMETRY, [0, 0, 0, 0])
    margin = MEASURES_BY_NAME[MeasureName.LEFT_FOOT_ANGLE].known_error
    for rows in renders.values():
        feet = _feet(rows)
        if feet is None:
            continue
        difference, reported = feet
        if difference > ASYMMETRY_MILD_DEG + margin:
            tally[0] += 1
            tally[1] += reported
        elif difference <= ASYMMETRY_MILD_DEG:
            tally[2] += 1
            tally[3] += reported


def _feet(rows: Sequence[Reading]) -> tuple[float, bool] | None:
    """One render's feet: how far apart their true angles are, and whether an asymmetry was
    found; None without both feet's readings."""
    feet = {r.measure: r for r in rows if r.measure in _FEET}
    if len(feet) != len(_FEET):
        return None
    left, right = (feet[m] for m in _FEET)
    found = any(key is FindingKey.FOOT_ANGLE_ASYMMETRY for key, _ in left.findings)
    return abs(left.true - right.true), found


_FEET = (MeasureName.LEFT_FOOT_ANGLE, MeasureName.RIGHT_FOOT_ANGLE)


def confusion_table(readings: Sequence[Reading]) -> list[str]:
    lines = [
        "| finding | truly beyond (n) | found | sensitivity (95 % interval) | found or told to "
        "recheck | truly inside (n) | false findings | specificity (95 % interval) | told to "
        "recheck |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for key, c in finding_confusion(readings).items():
        sensitivity = _pct(c.sensitivity, c.sensitivity_interval)
        specificity = _pct(c.specificity, c.specificity_interval)
        prompted = _share(c.prompted, c.positives)
        rechecks = _share(c.rechecks, c.negatives)
        lines.append(
            f"| `{key}` | {c.positives} | {c.found} | {sensitivity} | {prompted} | "
            f"{c.negatives} | {c.false_alarms} | {specificity} | {rechecks} |"
        )
    return lines


def _share(count: int | None, of: int) -> str:
    """``count`` and its share of ``of``; "-" where it has no meaning or nothing to share."""
    if count is None or of == 0:
        return "-"
    return f"{count} ({100 * count / of:.0f} %)"


#: Under the findings' table: what its intervals are, and what they are not.
INTERVALS_NOTE = (
    "The intervals are Wilson score intervals (95 %) of each proportion, as if every reading "
    "were an independent draw; a render's two feet or two knees are not quite, so they are if "
    "anything a little narrow. Over a score of deviations a sensitivity is known to within about "
    '±20 points: two findings more or fewer move it by 9. "Told to recheck": a reading outside '
    'the usual range on that side, but by no more than its error ("possible: recheck"), which '
    'makes no finding and no exercise but asks the user to check again; a held reading ("not '
    'judged") or an experimental one is not counted. Among the deviations, it is the share that '
    "at least prompts a second look; among the usual readings, how often a user is asked for one "
    "in vain."
)


#: Why a truly beyond deviation was not found, in the order a reading meets them.
MISS_REASONS = (
    "not judged (the posture-photo gate)",
    "experimental: never a finding",
    "no value (the measure abstained)",
    "held back: the roll unknown",
    "read outside, within its error",
    "read inside the range",
    "read beyond, the other way",
    "clearly outside, no finding",
)


def miss_reason(reading: Reading, beyond: Beyond) -> str:
    """Why a truth beyond the range (in ``beyond``'s direction) made no finding of it."""
    spec = MEASURES_BY_NAME[reading.measure]
    if not reading.judged:
        return MISS_REASONS[0]
    if not spec.for_findings:
        return MISS_REASONS[1]
    if reading.value is None:
        return MISS_REASONS[2]
    # the measure's own three-way rule, on the reading and its band
    banded = spec.status(reading.value, reading.error_band)
    if banded is Status.NORMAL:
        return MISS_REASONS[5]
    if (reading.value > spec.normal[1]) != (beyond is Beyond.ABOVE):
        return MISS_REASONS[6]
    if banded is Status.POSSIBLE:
        return MISS_REASONS[4]
    if reading.status is Status.POSSIBLE:
        return MISS_REASONS[3]  # clearly outside by its band, held back by the roll rule
    return MISS_REASONS[7]


def near_edge(reading: Reading) -> bool:
    """Whether the truth lies within one known error past the line that makes it a positive
    (where a reading is about as likely to fall short of the finding's line as to cross it)."""
    spec = MEASURES_BY_NAME[reading.measure]
    low, high = spec.normal
    past = max(low - reading.true, reading.true - high) - spec.known_error
    return past <= spec.known_error


def miss_table(readings: Sequence[Reading]) -> list[str]:
    """Per finding with positives: found near the edge and further out, and why the rest were
    missed."""
    lines = [
        "| finding | found near the edge | found further out | "
        + " | ".join(MISS_REASONS) + " |",
        "|---|---|---|" + "---|" * len(MISS_REASONS),
    ]  # fmt: skip
    for rule in RULES:
        rows = [r for r in readings if r.measure is rule.measure and _truth_side(r) is rule.beyond]
        if not rows:
            continue
        found = [r for r in rows if (rule.key, rule.measure) in r.findings]
        near = [r for r in rows if near_edge(r)]
        near_found = sum(1 for r in found if near_edge(r))
        missed = [miss_reason(r, rule.beyond) for r in rows if r not in found]
        cells = [str(sum(1 for m in missed if m == why) or "") for why in MISS_REASONS]
        name = f"`{rule.key}` (`{rule.measure}` {rule.beyond.value})"
        lines.append(
            f"| {name} | {near_found} of {len(near)} | "
            f"{len(found) - near_found} of {len(rows) - len(near)} | " + " | ".join(cells) + " |"
        )
    return lines


def _pct(value: float, interval: tuple[float, float] | None = None) -> str:
    """A proportion in per cent, with its interval if given; "-" where there is none."""
    if math.isnan(value):
        return "-"
    shown = f"{100 * value:.0f} %"
    if interval is None:
        return shown
    low, high = interval
    return f"{shown} ({100 * low:.0f}-{100 * high:.0f} %)"


def _ranks(values: Sequence[float]) -> FloatArray:
    """Each value's rank from 0, tied values sharing the mean of their ranks (a rank by input
    order would make ties look ordered: a band that is the same for every reading would seem to
    follow the error as far as the readings' order does)."""
    array = np.asarray(values, dtype=np.float64)
    _, inverse, counts = np.unique(array, return_inverse=True, return_counts=True)
    first = np.concatenate(([0], np.cumsum(counts)[:-1]))  # each distinct value's first rank
    return np.asarray(first + (counts - 1) / 2.0, dtype=np.float64)[inverse]


def rank_correlation(a: Sequence[float], b: Sequence[float]) -> float:
    """Spearman's rank correlation (ties share ranks); nan under 5 pairs or where either side
    has a single value (a band that never changes cannot track anything)."""
    if len(a) < 5:
        return math.nan
    ranks_a, ranks_b = _ranks(a), _ranks(b)
    if np.ptp(ranks_a) == 0 or np.ptp(ranks_b) == 0:
        return math.nan
    return float(np.corrcoef(ranks_a, ranks_b)[0, 1])


def _correlation_cell(value: float) -> str:
    return "- (the same for every reading)" if math.isnan(value) else f"{value:+.2f}"


def within_band(readings: Sequence[Reading]) -> float:
    """The share of the readings with a value whose truth lies within their error band
    (value ± band): how much the band a user is shown covers."""
    covered = [abs(r.value - r.true) <= r.error_band for r in readings if r.value is not None]
    return sum(covered) / len(covered) if covered else math.nan


def uncertainty_lines(readings: Sequence[Reading]) -> list[str]:
    lines = [
        "| measure | n | error band vs actual error | confidence vs actual error | truth within "
        "the band | the band (median) | actual error, 90th percentile |",
        "|---|---|---|---|---|---|---|",
    ]
    for spec in MEASURES:
        rows = [r for r in readings if r.measure is spec.name and r.value is not None]
        if len(rows) < 5:
            continue
        errors = [abs(r.value - r.true) for r in rows if r.value is not None]
        band = rank_correlation([r.error_band for r in rows], errors)
        conf = rank_correlation([r.confidence for r in rows], errors)
        cells = (
            f"{_correlation_cell(band)} | {_correlation_cell(conf)} | {within_band(rows):.0%} | "
            f"{float(np.median([r.error_band for r in rows])):.2f} | "
            f"{float(np.percentile(errors, 90)):.2f}"
        )
        lines.append(f"| `{spec.name}` | {len(rows)} | {cells} |")
    return lines


def summary_lines(readings: Sequence[Reading]) -> list[str]:
    renders = {r.render: r for r in readings}
    judged = sum(r.judged for r in renders.values())
    false_photo = 0
    for render, first in renders.items():
        rows = [r for r in readings if r.render == render]
        negatives = {
            (k, m)
            for k, m in first.findings
            if k is not FindingKey.FOOT_ANGLE_ASYMMETRY and _truth_of(rows, m) == "inside"
        }
        false_photo += bool(negatives) or _false_asymmetry(rows)
    return [
        f"- renders: {len(renders)}; judged as posture photos: {judged}",
        f"- renders with a false finding: {false_photo} of {len(renders)} (a finding from a "
        f"measure truly inside its usual range; for the feet's asymmetry, feet that truly differ "
        f"by no more than the usual {ASYMMETRY_MILD_DEG:g}°)",
    ]


def _false_asymmetry(rows: Sequence[Reading]) -> bool:
    """Whether a render's feet were found asymmetric where they truly differ by no more than the
    usual difference."""
    feet = _feet(rows)
    return feet is not None and feet[1] and feet[0] <= ASYMMETRY_MILD_DEG


def _truth_of(rows: Sequence[Reading], measure: MeasureName) -> Beyond | str | None:
    for r in rows:
        if r.measure is measure:
            return _truth_side(r)
    return None


#: Issue 8's targets on the frozen test set: MAE bounds (degrees) per measure.
MAE_TARGETS: Mapping[MeasureName, float] = {
    MeasureName.LEFT_FOOT_ANGLE: 3.0,
    MeasureName.RIGHT_FOOT_ANGLE: 3.0,
    MeasureName.LEFT_KNEE_ANGLE_FRONTAL: 2.5,
    MeasureName.RIGHT_KNEE_ANGLE_FRONTAL: 2.5,
    MeasureName.SHOULDER_TILT: 1.5,
    # the "forward-head change <= 3", read as the forward head angle's error
    MeasureName.FORWARD_HEAD_ANGLE: 3.0,
}
#: ... the share of front photos on which a measure may abstain ...
ABSTAIN_TARGETS: Mapping[MeasureName, float] = {
    MeasureName.LEFT_FOOT_ANGLE: 0.2,
    MeasureName.RIGHT_FOOT_ANGLE: 0.2,
}
#: ... and how closely a reading must follow the truth (least-squares slope of reading on truth).
SLOPE_TARGETS: Mapping[MeasureName, tuple[float, float]] = {
    MeasureName.SHOULDER_TILT: (0.75, 1.25),
}
SPECIFICITY_TARGET = 0.95
SENSITIVITY_TARGET = 0.80


def target_lines(readings: Sequence[Reading]) -> list[str]:
    """Each target, met or not, with the figure."""
    confusion = finding_confusion(readings)
    low_spec = {
        k: c.specificity for k, c in confusion.items() if c.specificity < SPECIFICITY_TARGET
    }
    low_sens = {
        k: c.sensitivity
        for k, c in confusion.items()
        if c.positives and c.sensitivity < SENSITIVITY_TARGET
    }
    unsure_spec = {
        k: c.specificity_interval[0]
        for k, c in confusion.items()
        if k not in low_spec and c.specificity_interval[0] < SPECIFICITY_TARGET
    }
    lines = [
        f"- specificity >= {SPECIFICITY_TARGET:.0%} for every finding: "
        + ("met" if not low_spec else "not met for " + _pairs(low_spec))
        + (
            ""
            if not unsure_spec
            else " (as measured; the 95 % interval's lower end is under the target for "
            + _pairs(unsure_spec)
            + ": this set is too small to show the target met for those)"
        ),
        f"- sensitivity >= {SENSITIVITY_TARGET:.0%} for deviations beyond the range by more than "
        "the known error: " + ("met" if not low_sens else "not met for " + _pairs(low_sens)),
    ]
    for name, bound in MAE_TARGETS.items():
        mae, reported, total = _mae(r for r in readings if r.measure is name)
        lines.append(
            f"- `{name}` MAE <= {bound:g}°: {mae:.2f}° ({_verdict(mae <= bound)}; reported on "
            f"{reported} of the {total} photos that show it)"
        )
    for name, most in ABSTAIN_TARGETS.items():
        front = [r for r in readings if r.measure is name and r.view == "front"]
        if front:
            share = sum(r.value is None for r in front) / len(front)
            lines.append(
                f"- `{name}` abstains on at most {_pct(most)} of front photos: {_pct(share)} "
                f"({_verdict(share <= most)})"
            )
    for name, (low, high) in SLOPE_TARGETS.items():
        pairs = [(r.true, r.value) for r in readings if r.measure is name and r.value is not None]
        if len(pairs) >= 3:
            true, value = np.array(pairs).T
            slope = float(np.polyfit(true, value, 1)[0])
            lines.append(
                f"- `{name}` slope {low:g}-{high:g}: {slope:.2f} ({_verdict(low <= slope <= high)})"
            )
    return lines


def _verdict(met: bool) -> str:
    return "met" if met else "not met"


def _pairs(values: Mapping[FindingKey, float]) -> str:
    return ", ".join(f"`{k}` {_pct(v)}" for k, v in values.items())


#: hard_test's first renders, the frozen test set while the measures were developed (up to
#: 2026-12-04): choices were made while looking at their figures. The renders after them were
#: added on 2026-12-04 and looked at first in the report that shows them apart (``part_lines``).
LOOKED_AT = 160

_INDEX = re.compile(r"_(\d+)\.[A-Za-z]+$")


def part_of_set(reading: Reading) -> str | None:
    """ "looked at" for the first ``LOOKED_AT`` renders of a set, "added" for the others; None
    for a render whose name has no index."""
    index = _INDEX.search(reading.render)
    if index is None:
        return None
    return "looked at" if int(index.group(1)) < LOOKED_AT else "added"


def part_lines(readings: Sequence[Reading]) -> list[str]:
    """The targets on the renders looked at while developing and, apart, on those added after;
    empty unless the set has both."""
    parts: dict[str, list[Reading]] = {}
    for r in readings:
        part = part_of_set(r)
        if part is not None:
            parts.setdefault(part, []).append(r)
    if set(parts) != {"looked at", "added"}:
        return []
    lines = []
    for part, caption in (
        ("looked at", f"the first {LOOKED_AT}, looked at while the measures were developed"),
        ("added", "the others, added on 2026-12-04 and not looked at before"),
    ):
        rows = parts[part]
        renders = len({r.render for r in rows})
        counted = f"{renders} render" + ("s" if renders != 1 else "")
        lines += [f"**{counted}: {caption}**", "", *target_lines(rows), ""]
    return lines[:-1]


def markdown(readings: Sequence[Reading], *, title: str, command: str) -> str:
    parts = part_lines(readings)
    return "\n".join(
        [
            f"## {title}",
            "",
            f"Made by `{command}`. The frozen test set is `hard_test` "
            "(`.venv-synth/bin/python -m synth.render --set hard_test`): renders of the 8 test "
            "body archetypes, turned up to ±15° from square-on or side-on, cameras rolled up to "
            "±8° (half of the scenes plain, with no vertical edges), 0.5-1.6 m high, 2-4.5 m "
            "away, 50-72° lenses, several deviations at once. Everything fitted (the corrections, "
            "the body-turn line) was fitted on other bodies (`hard_train`, `train`).",
            "",
            *summary_lines(readings),
            "",
            "### Targets",
            "",
            *target_lines(readings),
            "",
            *(
                [
                    "### The same targets on the renders looked at and on those added",
                    "",
                    f"The measures were developed while looking at the first {LOOKED_AT} renders' "
                    "figures (nothing was fitted on them, but choices were made seeing them). "
                    "The renders after them were added later and not looked at before this "
                    "report: where the two parts differ, the added renders are the fairer test.",
                    "",
                    *parts,
                    "",
                ]
                if parts
                else []
            ),
            "### Findings: sensitivity and specificity",
            "",
            *confusion_table(readings),
            "",
            INTERVALS_NOTE,
            "",
            "### The deviations not found, and why",
            "",
            "A finding needs the reading beyond the range by more than its error band, and a "
            "deviation counts as truly beyond when the truth is past the range by more than the "
            "measure's known error: the same width. So for a truth just past that line (*near "
            "the edge*: within one known error of it) a reading falls short of the finding's line "
            "about as often as it crosses it, and sensitivity there is near 50 % for any unbiased "
            "reading; only a narrower band (better evidence) or a lower line (more false findings) "
            "changes that. The test set's deviations lie mostly near the edge.",
            "",
            *miss_table(readings),
            "",
            "### Measures: mean absolute error (reported / all), split by the conditions",
            "",
            *error_table(readings),
            "",
            "### Does the uncertainty track the error? (rank correlation; + is right for the band,"
            " − for the confidence)",
            "",
            *uncertainty_lines(readings),
            "",
            "A reading's band (± its error, as the report shows it) is the measure's known error, "
            "widened by what the photo leaves unknown. It is a typical error, not a 95 % interval: "
            '"truth within the band" is how often the true value lay inside it, and the 90th '
            "percentile how far the worst tenth of readings erred.",
            "",
        ]
    )
