"""Fitting the corrections in ``posecheck/data/calibration.json`` on renders (developer tool)."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, replace
from pathlib import Path

from posecheck.calibration import (
    MIN_R2,
    MIN_SLOPE,
    Calibration,
    load_calibrations,
    view_key,
)
from posecheck.measures import mirrored_name


def _line(points: Sequence[tuple[float, float]]) -> tuple[float, float, float, float] | None:
    """The least-squares line y = slope × x + intercept through (x, y) points: (slope, intercept,
    R², the residuals' sum of squares); None for fewer than 8 points or an x that does not vary."""
    if len(points) < 8:
        return None
    xs = [x for x, _ in points]
    ys = [y for _, y in points]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    if spread == 0:
        return None
    slope = sum((x - mean_x) * (y - mean_y) for x, y in points) / spread
    intercept = mean_y - slope * mean_x
    total = sum((y - mean_y) ** 2 for y in ys)
    residual = sum((y - (slope * x + intercept)) ** 2 for x, y in points)
    r2 = 1 - residual / total if total > 0 else 0.0
    return slope, intercept, r2, residual


def fit(pairs: Iterable[tuple[float, float]], *, source: str) -> Calibration | None:
    """A fit of (true, raw) pairs, or None when it is not good enough to correct with."""
    data = list(pairs)
    line = _line(data)
    if line is None:
        return None
    slope, intercept, r2, _ = line
    if r2 < MIN_R2 or abs(slope) < MIN_SLOPE:
        return None
    return Calibration(round(slope, 4), round(intercept, 4), round(r2, 4), len(data), source)


def _mae(pairs: list[tuple[float, float]], correction: Calibration | None) -> float:
    if correction is None:
        return sum(abs(raw - true) for true, raw in pairs) / len(pairs)
    return sum(abs(correction.apply(raw) - true) for true, raw in pairs) / len(pairs)


def fit_offset(pairs: Iterable[tuple[float, float]], *, source: str) -> Calibration | None:
    """A constant offset only (slope 1): raw = true + mean(raw − true). Steadier than a line
    when the raw measure tracks changes but sits off, like the forward head proxy."""
    data = list(pairs)
    if len(data) < 8:
        return None
    offset = sum(raw - true for true, raw in data) / len(data)
    return Calibration(1.0, round(offset, 4), None, len(data), source)


Fitter = Callable[..., Calibration | None]


def cross_checked_fit(
    pairs: Iterable[tuple[float, float]],
    *,
    source: str,
    fitters: tuple[Fitter, ...] | None = None,
    baseline: Calibration | None = None,
    margin: float = 0.0,
) -> Calibration | None:
    """The correction (a line, or an offset alone) that helps renders it was not fitted on.

    The training pairs are split in two (alternately); a correction fitted on each half must lower
    the mean absolute error on the other half below the ``baseline``'s (default: no correction),
    by at least the fraction ``margin`` of it, both ways, or it is dropped. Of the kinds that
    pass, the one with the lower held-out error is fitted on all pairs; if none passes, None (the
    baseline stays). This decides on the training set alone, so the test set stays unseen.
    """
    data = list(pairs)
    halves = (data[0::2], data[1::2])
    best: tuple[float, Fitter] | None = None
    for fitter in fitters or (fit, fit_offset):
        held_out_errors = []
        for fitted_on, held_out in (halves, halves[::-1]):
            correction = fitter(fitted_on, source=source)
            worst = (1.0 - margin) * _mae(held_out, baseline)
            if correction is None or _mae(held_out, correction) >= worst:
                break
            held_out_errors.append(_mae(held_out, correction))
        else:
            error = sum(held_out_errors) / len(held_out_errors)
            if best is None or error < best[0]:
                best = (error, fitter)
    return None if best is None else best[1](data, source=source)


def fit_scale(pairs: Iterable[tuple[float, float]], *, source: str) -> Calibration | None:
    """A line through the origin (raw = slope × true): for signed left/right measures, whose
    mirror image must flip their sign, so no offset is allowed."""
    data = list(pairs)
    if len(data) < 8:
        return None
    square = sum(t * t for t, _ in data)
    if square == 0:
        return None
    slope = sum(t * r for t, r in data) / square
    mean_r = sum(r for _, r in data) / len(data)
    total = sum((r - mean_r) ** 2 for _, r in data)
    residual = sum((r - slope * t) ** 2 for t, r in data)
    r2 = 1 - residual / total if total > 0 else 0.0
    # A scale that does not explain the raw values would only shrink them toward zero.
    if abs(slope) < MIN_SLOPE or r2 < MIN_R2:
        return None
    return Calibration(round(slope, 4), 0.0, round(r2, 4), len(data), source)


def paired_name(name: str) -> str | None:
    """The other side's name of a left/right measure, or None."""
    twin = mirrored_name(name)
    return twin if twin != name else None


def calibrate_all(
    scored: Mapping[str, list[tuple[float, float]]],
    *,
    signed_lateral: Iterable[str],
    source: str,
    least_true_range: Mapping[str, float] | None = None,
) -> dict[str, Calibration]:
    """Cross-checked corrections for every measure, keeping the mirror convention: a left and a
    right measure share one correction fitted on both sides' renders; a signed left/right
    measure may only be scaled, not offset. A measure whose true values span no more than
    ``least_true_range`` (its known error) is left alone: there is nothing to fit it to."""
    lateral = set(signed_lateral)
    fits: dict[str, Calibration] = {}
    for name, pairs in scored.items():
        if name in fits:
            continue
        twin = paired_name(name)
        correction = _fit_both_sides(
            name, pairs + (list(scored.get(twin, [])) if twin else []),
            lateral=lateral, least=(least_true_range or {}).get(name, 0.0), source=source,
        )  # fmt: skip
        if correction is None:
            continue
        fits[name] = correction
        if twin is not None and twin in scored:
            fits[twin] = correction
    return fits


def _fit_both_sides(
    name: str,
    pairs: list[tuple[float, float]],
    *,
    lateral: set[str],
    least: float,
    source: str,
    baseline: Calibration | None = None,
    margin: float = 0.0,
) -> Calibration | None:
    """The cross-checked correction of measure ``name`` on ``pairs`` (both sides' renders for a
    left/right measure): a signed left/right measure only scaled; None where the truths span no
    more than ``least``."""
    truths = [true for true, _ in pairs]
    if not truths or max(truths) - min(truths) <= least:
        return None
    fitters: tuple[Fitter, ...] = (fit_scale,) if name in lateral else (fit, fit_offset)
    return cross_checked_fit(
        pairs, source=source, fitters=fitters, baseline=baseline, margin=margin
    )


#: How much better on held-out renders a view's own correction must do than the measure's: two
#: near-equal fits would otherwise split the views by chance.
VIEW_MARGIN = 0.1


def calibrate_views(
    scored_by_view: Mapping[str, Mapping[str, list[tuple[float, float]]]],
    pooled: Mapping[str, Calibration],
    *,
    signed_lateral: Iterable[str],
    source: str,
    least_true_range: Mapping[str, float] | None = None,
) -> dict[str, Calibration]:
    """Corrections of one view's photos alone (``view_key`` entries), for the measures taken from
    more than one view (``scored_by_view``: measure -> view -> (true, raw) pairs): a view gets its
    own where it beats the measure's pooled correction (or none) on held-out renders, both ways,
    by ``VIEW_MARGIN``.
    Left and right measures share theirs, as the pooled ones do; a photo's mirror image is seen
    from the same view, so readings stay mirror-exact. As for the pooled ones, a view whose
    truths span no more than ``least_true_range`` is left alone."""
    lateral = set(signed_lateral)
    fits: dict[str, Calibration] = {}
    for name, views in scored_by_view.items():
        if len(views) < 2:
            continue
        twin = paired_name(name)
        for view, pairs in views.items():
            key = view_key(name, view)
            if key in fits:
                continue
            correction = _fit_both_sides(
                name, pairs + list(scored_by_view.get(twin, {}).get(view, []) if twin else []),
                lateral=lateral, least=(least_true_range or {}).get(name, 0.0),
                source=f"{source}, {view}", baseline=pooled.get(name), margin=VIEW_MARGIN,
            )  # fmt: skip
            if correction is None:
                continue
            fits[key] = correction
            if twin is not None:
                fits[view_key(twin, view)] = correction
    return fits


def save_calibrations(calibrations: Mapping[str, Calibration], path: Path) -> None:
    document = {
        "about": "raw = slope * true + intercept, fitted by `python -m posecheck.dev calibrate` "
        "(and `fit-turn`) on renders; posecheck reports (raw - intercept) / slope",
        "measures": {name: asdict(c) for name, c in sorted(calibrations.items())},
    }
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    load_calibrations.cache_clear()  # it keeps what it read last, and this file has changed


def fit_turn(pairs: Iterable[tuple[float, float]], *, source: str) -> Calibration | None:
    """The line from the body's true turn to MediaPipe's raw 3D yaw (``views.signed_body_yaw``),
    with the SD of the true turn about the corrected one (the turn's uncertainty)."""
    data = list(pairs)
    line = fit(data, source=source)
    if line is None:
        return None
    residuals = [true - line.apply(raw) for true, raw in data]
    mean = sum(residuals) / len(residuals)
    sd = math.sqrt(sum((r - mean) ** 2 for r in residuals) / max(1, len(residuals) - 1))
    return replace(line, sd=round(sd, 3))


def update_calibrations(
    fitted: Mapping[str, Calibration], tried: Iterable[str], path: Path
) -> None:
    """Write into the corrections file at ``path`` what was fitted for the measures ``tried``: a
    measure tried without a usable fit loses its correction, and every entry not tried (the
    body-turn line beside the measures' corrections, and the other way round) is kept."""
    gone = set(tried) | set(fitted)
    load_calibrations.cache_clear()  # read the file as it is now
    kept = load_calibrations(path) if path.is_file() else {}
    save_calibrations({**{k: v for k, v in kept.items() if k not in gone}, **fitted}, path)


def foot_share(
    line: Calibration, feet: Sequence[tuple[float, float, float, float, float]]
) -> tuple[float, float, float]:
    """The share of the estimated turn to take off the foot angles (0.2-1 in steps of 0.05) that
    makes their mean absolute error least: (share, MAE with no correction, MAE with it).
    ``feet`` holds (raw 3D yaw, left, right, true left, true right) per render."""

    def mae(share: float) -> float:
        errors = []
        for raw, left, right, true_left, true_right in feet:
            turn = share * line.apply(raw)
            errors += [abs(left + turn - true_left), abs(right - turn - true_right)]
        return sum(errors) / max(1, len(errors))

    shares = [round(0.2 + 0.05 * i, 2) for i in range(17)]
    best = min(shares, key=mae)
    return best, mae(0.0), mae(best)


def fit_forward(pairs: Sequence[tuple[float, float]], *, source: str) -> Calibration | None:
    """The least-squares prediction of the true value from the raw one (true = a × raw + b), kept
    in the corrections' form (``apply`` gives a × raw + b), with the true value's SD about it. A
    line of true on raw, unlike ``fit``'s raw on true, does not stretch a noisy raw reading's
    spread into the prediction. None for fewer than 8 pairs or a raw value that does not vary."""
    line = _line([(raw, true) for true, raw in pairs])
    if line is None:
        return None
    a, b, r2, residual = line
    if abs(a) < MIN_SLOPE:
        return None
    sd = math.sqrt(residual / max(1, len(pairs) - 2))
    return Calibration(
        round(1 / a, 4), round(-b / a, 4), round(r2, 4), len(pairs), source, sd=round(sd, 4)
    )


def share_through_origin(pairs: Sequence[tuple[float, float]]) -> float:
    """The least-squares share k of a predicted error to take off: error ≈ k × predicted, over
    (predicted, error) pairs; 0 without any prediction."""
    power = sum(p * p for p, _ in pairs)
    return round(sum(p * e for p, e in pairs) / power, 2) if power > 0 else 0.0
