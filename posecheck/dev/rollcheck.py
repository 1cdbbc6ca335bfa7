"""The camera roll on real photos turned by known angles: how far off each tier's estimates are.

A real photo's own roll is not known, but turning the photo by a known angle changes its roll by
that angle. Each photo's working copy is turned by every angle in ``TURNS`` (all copies cropped
alike, so that they show the same scene) and analysed as the app does (the model's body box,
the scene's edges). Every confident estimate (``ROLL_MIN_CONFIDENCE`` and up) then says what the
unturned photo's roll is (its estimate less the turn); their median is the photo's reference
when at least ``MIN_CONFIDENT`` of them exist. An estimate's error is how far it lies from the
reference plus its turn, counted per tier:

- *confident*: acted on as it is (the measures undo it and allow no roll doubt);
- *weak* (``MIN_CONFIDENCE`` up to ``ROLL_MIN_CONFIDENCE``): combined with the plausible roll of a
  hand-held phone, its SD taken as ``WEAK_ROLL_DEGREES`` (``roll.roll_to_undo``).

A confident estimate that is off counts against its own reference, so a photo whose confident
estimates disagree shows large errors in both tiers: nothing is left out to flatter a tier. The
reference is not a measured truth, though: it says how consistent the estimates are as the photo
turns, and a bias they all share (an edge group that always wins) goes unseen. On
``back_standing_tpose_barefoot_01`` the reference was -2.47° here and -0.84° on whole copies with
mirrored borders (a throwaway run): the roll of a photo whose edges disagree is not known to
better than about 1.5°, whatever its confidence.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from posecheck.analysis import Analysis, Analyzer
from posecheck.images import LoadedImage, load_image
from posecheck.roll import MIN_CONFIDENCE, ROLL_MIN_CONFIDENCE

#: The turns (degrees, clockwise on screen: a turn adds itself to the photo's roll).
TURNS: tuple[float, ...] = (-8.0, -6.0, -4.0, -2.0, 0.0, 2.0, 4.0, 6.0, 8.0)
#: Confident estimates needed for a photo's reference.
MIN_CONFIDENT = 3


@dataclass(frozen=True)
class TurnedEstimate:
    """The roll found on one turned copy: ``degrees`` None when none was claimed."""

    turn: float
    degrees: float | None
    confidence: float

    @property
    def tier(self) -> str | None:
        """ "confident", "weak", or None when nothing was claimed."""
        if self.degrees is None or self.confidence < MIN_CONFIDENCE:
            return None
        return "confident" if self.confidence >= ROLL_MIN_CONFIDENCE else "weak"


@dataclass(frozen=True)
class PhotoRolls:
    """One photo's estimates over the turns and its reference roll (None without enough
    confident estimates)."""

    name: str
    estimates: tuple[TurnedEstimate, ...]
    reference: float | None

    def errors(self, tier: str) -> list[float]:
        """Signed errors (estimate − (reference + turn)) of this tier's estimates."""
        if self.reference is None:
            return []
        return [
            e.degrees - (self.reference + e.turn)
            for e in self.estimates
            if e.tier == tier and e.degrees is not None
        ]


@dataclass(frozen=True)
class TierErrors:
    """Absolute errors of one tier over the photos with a reference (degrees)."""

    count: int
    median: float
    p90: float
    rms: float
    largest: float


def crop_share(size: tuple[int, int], turns: Sequence[float] = TURNS) -> float:
    """The share of each side kept so that a (width, height) picture turned by any of ``turns``
    about its centre shows no corner from outside it."""
    width, height = size
    worst = math.radians(max(abs(t) for t in turns))
    cos, sin = math.cos(worst), math.sin(worst)
    return min(width / (width * cos + height * sin), height / (height * cos + width * sin))


def turned(image: LoadedImage, degrees: float, share: float) -> LoadedImage:
    """The working copy turned ``degrees`` clockwise on screen about its centre, the middle
    ``share`` of each side kept; it stands for the original (the roll is found in the working
    copy's pixels whatever the original's size)."""
    height, width = image.rgb.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), -degrees, 1.0)
    whole = cv2.warpAffine(image.rgb, matrix, (width, height), flags=cv2.INTER_LINEAR)
    keep_w, keep_h = round(width * share), round(height * share)
    x0, y0 = (width - keep_w) // 2, (height - keep_h) // 2
    rgb = np.ascontiguousarray(whole[y0 : y0 + keep_h, x0 : x0 + keep_w], dtype=np.uint8)
    return LoadedImage(
        rgb=rgb,
        width=keep_w,
        height=keep_h,
        scale=1.0,
        format=image.format,
        name=image.name,
    )


def photo_rolls(analyzer: Analyzer, path: str, turns: Sequence[float] = TURNS) -> PhotoRolls | None:
    """The roll of each turned copy of one photo, or None when no person is found in any."""
    image = load_image(path)
    share = crop_share((image.rgb.shape[1], image.rgb.shape[0]), turns)
    estimates = []
    for turn in turns:
        result = analyzer.analyze_image(turned(image, turn, share))
        if isinstance(result, Analysis):
            estimates.append(TurnedEstimate(turn, result.roll.degrees, result.roll.confidence))
    if not estimates:
        return None
    implied = [
        e.degrees - e.turn for e in estimates if e.tier == "confident" and e.degrees is not None
    ]
    reference = statistics.median(implied) if len(implied) >= MIN_CONFIDENT else None
    return PhotoRolls(image.name, tuple(estimates), reference)


def tier_errors(photos: Sequence[PhotoRolls], tier: str) -> TierErrors | None:
    errors = sorted(abs(e) for p in photos for e in p.errors(tier))
    if not errors:
        return None
    return TierErrors(
        count=len(errors),
        median=statistics.median(errors),
        p90=float(np.percentile(errors, 90)),
        rms=math.sqrt(sum(e * e for e in errors) / len(errors)),
        largest=errors[-1],
    )


def roll_check(
    analyzer: Analyzer,
    paths: Sequence[str],
    progress: Callable[[int, int, str], None] | None = None,
) -> list[PhotoRolls]:
    photos = []
    for index, path in enumerate(paths, start=1):
        if progress is not None:
            progress(index, len(paths), path)
        rolls = photo_rolls(analyzer, path)
        if rolls is not None:
            photos.append(rolls)
    return photos


def format_roll_check(photos: Sequence[PhotoRolls]) -> str:
    lines = [
        f"camera roll on {len(photos)} photos turned by {', '.join(f'{t:+g}' for t in TURNS)}°",
        "each estimate: its error against the photo's reference (the median of its confident "
        "estimates less their turns), w = weak, - = none claimed",
    ]
    for photo in photos:
        if photo.reference is None:
            confident = sum(e.tier == "confident" for e in photo.estimates)
            lines.append(f"  {photo.name}: no reference ({confident} confident estimates)")
            continue
        cells = []
        for estimate in photo.estimates:
            if estimate.tier is None or estimate.degrees is None:
                cells.append(f"{estimate.turn:+g}: -")
                continue
            error = estimate.degrees - (photo.reference + estimate.turn)
            cells.append(
                f"{estimate.turn:+g}: {error:+.2f}{'w' if estimate.tier == 'weak' else ''}"
            )
        lines.append(f"  {photo.name}: reference {photo.reference:+.2f}°; " + ", ".join(cells))
    for tier in ("confident", "weak"):
        summary = tier_errors(photos, tier)
        if summary is None:
            lines.append(f"{tier}: no estimates on photos with a reference")
            continue
        lines.append(
            f"{tier}: n {summary.count}, |error| median {summary.median:.2f}°, p90 "
            f"{summary.p90:.2f}°, RMS {summary.rms:.2f}°, largest {summary.largest:.2f}°"
        )
    return "\n".join(lines)
