"""Results at a glance, as pictures: a body map of what was found and a scale per measure.

Both are drawn with OpenCV (no third-party images) and returned as RGB uint8 arrays, for the app
and the PDF alike. Status is told three ways at once, so that it survives colour blindness and
greyscale printing: a shape (check, circle, triangle, square, "?"), a colour from the Okabe-Ito
palette, and a word. Which body region a measure or a finding belongs to is data (two tables keyed
by ``MeasureName`` and ``FindingKey``), never read from their names.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Callable, Mapping
from typing import Protocol

import cv2
import numpy as np

from posecheck.findings import Assessment, FindingKey
from posecheck.measures import MEASURES_BY_NAME, Measurement, MeasureName
from posecheck.types import Side, Status, Unit

Colour = tuple[int, int, int]


class BodyRegion(enum.StrEnum):
    """The places on the body map, from the feet up (left and right are the person's)."""

    LEFT_FOOT = "left foot"
    RIGHT_FOOT = "right foot"
    LEFT_KNEE = "left knee"
    RIGHT_KNEE = "right knee"
    HIPS = "hips"
    TRUNK = "upper body"
    SHOULDERS = "shoulders"
    HEAD = "head"


_FEET = (BodyRegion.LEFT_FOOT, BodyRegion.RIGHT_FOOT)
_KNEES = (BodyRegion.LEFT_KNEE, BodyRegion.RIGHT_KNEE)
_SIDED = {
    BodyRegion.LEFT_FOOT: Side.LEFT,
    BodyRegion.RIGHT_FOOT: Side.RIGHT,
    BodyRegion.LEFT_KNEE: Side.LEFT,
    BodyRegion.RIGHT_KNEE: Side.RIGHT,
}

#: Where each measure sits on the body.
MEASURE_REGIONS: Mapping[MeasureName, tuple[BodyRegion, ...]] = {
    MeasureName.LEFT_FOOT_ANGLE: (BodyRegion.LEFT_FOOT,),
    MeasureName.RIGHT_FOOT_ANGLE: (BodyRegion.RIGHT_FOOT,),
    MeasureName.LEFT_REARFOOT_ANGLE: (BodyRegion.LEFT_FOOT,),
    MeasureName.RIGHT_REARFOOT_ANGLE: (BodyRegion.RIGHT_FOOT,),
    MeasureName.STANCE_WIDTH: _FEET,
    MeasureName.LEFT_KNEE_ANGLE_FRONTAL: (BodyRegion.LEFT_KNEE,),
    MeasureName.RIGHT_KNEE_ANGLE_FRONTAL: (BodyRegion.RIGHT_KNEE,),
    MeasureName.KNEE_ANGLE_SAGITTAL: _KNEES,
    MeasureName.PLUMB_KNEE: _KNEES,
    MeasureName.PELVIC_TILT: (BodyRegion.HIPS,),
    MeasureName.PELVIS_SHIFT: (BodyRegion.HIPS,),
    MeasureName.PLUMB_HIP: (BodyRegion.HIPS,),
    MeasureName.TRUNK_SHIFT: (BodyRegion.TRUNK,),
    MeasureName.TRUNK_LEAN: (BodyRegion.TRUNK,),
    MeasureName.SHOULDER_TILT: (BodyRegion.SHOULDERS,),
    MeasureName.PLUMB_SHOULDER: (BodyRegion.SHOULDERS,),
    MeasureName.HEAD_TILT: (BodyRegion.HEAD,),
    MeasureName.FORWARD_HEAD_ANGLE: (BodyRegion.HEAD,),
    MeasureName.PLUMB_EAR: (BodyRegion.HEAD,),
}

#: Where each finding sits on the body (a finding on one side keeps only that side's region).
FINDING_REGIONS: Mapping[FindingKey, tuple[BodyRegion, ...]] = {
    FindingKey.FEET_TURNED_OUT: _FEET,
    FindingKey.FEET_TURNED_IN: _FEET,
    FindingKey.FOOT_ANGLE_ASYMMETRY: _FEET,
    FindingKey.REARFOOT_EVERSION: _FEET,
    FindingKey.REARFOOT_INVERSION: _FEET,
    FindingKey.NARROW_STANCE: _FEET,
    FindingKey.WIDE_STANCE: _FEET,
    FindingKey.KNEE_VALGUS: _KNEES,
    FindingKey.KNEE_VARUS: _KNEES,
    FindingKey.KNEE_HYPEREXTENSION: _KNEES,
    FindingKey.PELVIC_TILT: (BodyRegion.HIPS,),
    FindingKey.PELVIS_SHIFT: (BodyRegion.HIPS,),
    FindingKey.TRUNK_SHIFT: (BodyRegion.TRUNK,),
    FindingKey.TRUNK_LEAN: (BodyRegion.TRUNK,),
    FindingKey.SHOULDER_TILT: (BodyRegion.SHOULDERS,),
    FindingKey.HEAD_TILT: (BodyRegion.HEAD,),
    FindingKey.FORWARD_HEAD: (BodyRegion.HEAD,),
}

#: One line per measure: what it tells, and which way is which, in plain words.
MEASURE_MEANING: Mapping[MeasureName, str] = {
    MeasureName.LEFT_FOOT_ANGLE: "How far your left foot points outward; more means toes turned "
    "further out.",
    MeasureName.RIGHT_FOOT_ANGLE: "How far your right foot points outward; more means toes "
    "turned further out.",
    MeasureName.LEFT_KNEE_ANGLE_FRONTAL: "Whether your left knee sits in line over the foot; + "
    "means it drifts inward, − outward.",
    MeasureName.RIGHT_KNEE_ANGLE_FRONTAL: "Whether your right knee sits in line over the foot; + "
    "means it drifts inward, − outward.",
    MeasureName.PELVIC_TILT: "Whether your hips are level side to side; + means your left hip is "
    "higher.",
    MeasureName.SHOULDER_TILT: "Whether your shoulders are level; + means your left shoulder is "
    "higher.",
    MeasureName.HEAD_TILT: "Whether your head is upright; + means it tilts toward your left "
    "shoulder.",
    MeasureName.TRUNK_SHIFT: "Whether your shoulders sit over your hips; + means your upper body "
    "is shifted to your left.",
    MeasureName.PELVIS_SHIFT: "Whether your hips sit over your feet; + means your hips are "
    "shifted to your left.",
    MeasureName.STANCE_WIDTH: "How far apart your feet stand compared with your hips; 1 means "
    "hip-width apart.",
    MeasureName.LEFT_REARFOOT_ANGLE: "Seen from behind, how your left heel tilts; + means it "
    "tilts outward (the arch rolls in).",
    MeasureName.RIGHT_REARFOOT_ANGLE: "Seen from behind, how your right heel tilts; + means it "
    "tilts outward (the arch rolls in).",
    MeasureName.FORWARD_HEAD_ANGLE: "Seen from the side, how far your head sits in front of your "
    "shoulders; smaller means further forward.",
    MeasureName.KNEE_ANGLE_SAGITTAL: "Seen from the side, whether your knee is straight; + means "
    "pushed back beyond straight, − bent.",
    MeasureName.TRUNK_LEAN: "Seen from the side, whether your upper body is upright; + means it "
    "leans forward.",
    MeasureName.PLUMB_EAR: "Seen from the side, where your ear sits against a vertical line "
    "through the ankle; + means in front of it.",
    MeasureName.PLUMB_SHOULDER: "Seen from the side, where your shoulder sits against a vertical "
    "line through the ankle; + means in front of it.",
    MeasureName.PLUMB_HIP: "Seen from the side, where your hip sits against a vertical line "
    "through the ankle; + means in front of it.",
    MeasureName.PLUMB_KNEE: "Seen from the side, where your knee sits against a vertical line "
    "through the ankle; + means in front of it.",
}

# Okabe & Ito (2008), "Color Universal Design": told apart with every common colour vision.
OKABE_ITO: Mapping[Status, Colour] = {
    Status.NORMAL: (0, 158, 115),  # bluish green
    Status.POSSIBLE: (86, 180, 233),  # sky blue
    Status.MILD: (230, 159, 0),  # orange
    Status.MARKED: (213, 94, 0),  # vermillion
    Status.UNKNOWN: (128, 128, 128),  # grey
}
#: The status in two or three words, for the pictures (``Status.words`` says it in full).
SHORT_WORDS: Mapping[Status, str] = {
    Status.NORMAL: "within range",
    Status.POSSIBLE: "recheck",
    Status.MILD: "outside",
    Status.MARKED: "well outside",
    Status.UNKNOWN: "not measured",
}
_SEVERITY = (Status.UNKNOWN, Status.NORMAL, Status.POSSIBLE, Status.MILD, Status.MARKED)
_INK: Colour = (30, 30, 30)
_FONT = cv2.FONT_HERSHEY_SIMPLEX


def measure_meaning(name: MeasureName) -> str:
    """What the measure tells, in one line of plain words."""
    return MEASURE_MEANING[name]


def _worse(a: Status, b: Status) -> Status:
    return a if _SEVERITY.index(a) >= _SEVERITY.index(b) else b


class Reading(Protocol):
    """What the map needs of a reading: a photo's ``Measurement`` or the live stance check's
    averaged ``StanceMeasure``."""

    @property
    def name(self) -> MeasureName: ...

    @property
    def value(self) -> float | None: ...

    @property
    def status(self) -> Status: ...


class HeldReading(Reading, Protocol):
    """A reading that says whether it is held (would make a finding, but cannot be judged)."""

    @property
    def held(self) -> bool: ...


def region_states(
    measurements: Mapping[MeasureName, Reading] | None = None,
    assessment: Assessment | None = None,
) -> dict[BodyRegion, Status]:
    """Each region's state: the worst status of the measures there that findings may use, raised
    by any finding there; ``unknown`` where nothing was measured. Experimental measures (never the
    basis of a finding) do not colour the map."""
    states = dict.fromkeys(BodyRegion, Status.UNKNOWN)
    for name, measurement in (measurements or {}).items():
        if not MEASURES_BY_NAME[name].for_findings:
            continue
        for region in MEASURE_REGIONS[name]:
            states[region] = _worse(states[region], measurement.status)
    for finding in assessment.findings if assessment is not None else ():
        for region in FINDING_REGIONS[finding.key]:
            other_side = finding.side in (Side.LEFT, Side.RIGHT) and _SIDED.get(region) not in (
                None,
                finding.side,
            )
            if other_side:
                continue
            states[region] = _worse(states[region], finding.status)
    return states


# --- the markers: one shape per status ------------------------------------------------------------


def _check(canvas: np.ndarray, at: tuple[int, int], size: int, colour: Colour) -> None:
    x, y = at
    points = np.array([(x - size, y), (x - size // 3, y + size * 2 // 3), (x + size, y - size)])
    cv2.polylines(canvas, [points], False, colour, max(3, size // 3), cv2.LINE_AA)


def _circle(canvas: np.ndarray, at: tuple[int, int], size: int, colour: Colour) -> None:
    cv2.circle(canvas, at, size, colour, max(3, size // 3), cv2.LINE_AA)


def _triangle(canvas: np.ndarray, at: tuple[int, int], size: int, colour: Colour) -> None:
    x, y = at
    points = np.array([(x, y - size), (x + size, y + size * 4 // 5), (x - size, y + size * 4 // 5)])
    cv2.fillPoly(canvas, [points], colour, cv2.LINE_AA)
    cv2.polylines(canvas, [points], True, _INK, 1, cv2.LINE_AA)


def _square(canvas: np.ndarray, at: tuple[int, int], size: int, colour: Colour) -> None:
    x, y = at
    half = size * 4 // 5
    cv2.rectangle(canvas, (x - half, y - half), (x + half, y + half), colour, -1)
    cv2.rectangle(canvas, (x - half, y - half), (x + half, y + half), _INK, max(2, size // 5))


def _question(canvas: np.ndarray, at: tuple[int, int], size: int, colour: Colour) -> None:
    scale = size / 14
    thickness = max(2, size // 5)
    (width, height), _ = cv2.getTextSize("?", _FONT, scale, thickness)
    origin = (at[0] - width // 2, at[1] + height // 2)
    cv2.putText(canvas, "?", origin, _FONT, scale, colour, thickness, cv2.LINE_AA)


_MARKERS: Mapping[Status, Callable[[np.ndarray, tuple[int, int], int, Colour], None]] = {
    Status.NORMAL: _check,
    Status.POSSIBLE: _circle,
    Status.MILD: _triangle,
    Status.MARKED: _square,
    Status.UNKNOWN: _question,
}


def status_marker(canvas: np.ndarray, status: Status, at: tuple[int, int], size: int) -> None:
    """Draw ``status``'s shape, in its colour, centred on ``at`` (``size``: about its radius)."""
    _MARKERS[status](canvas, at, size, OKABE_ITO[status])


def _text(
    canvas: np.ndarray, words: str, at: tuple[int, int], scale: float, *, align: str = "left"
) -> None:
    thickness = 2 if scale >= 0.6 else 1
    (width, _), _ = cv2.getTextSize(words, _FONT, scale, thickness)
    x = {"left": at[0], "right": at[0] - width, "centre": at[0] - width // 2}[align]
    cv2.putText(canvas, words, (x, at[1]), _FONT, scale, _INK, thickness, cv2.LINE_AA)


# --- the body map -------------------------------------------------------------------------------

MAP_WIDTH = 600
MAP_HEIGHT = 720
_MIDDLE = MAP_WIDTH // 2
#: Front view: the person's right is on the picture's left.
_SPOTS: Mapping[BodyRegion, tuple[int, int]] = {
    BodyRegion.HEAD: (_MIDDLE, 72),
    BodyRegion.SHOULDERS: (_MIDDLE, 150),
    BodyRegion.TRUNK: (_MIDDLE, 235),
    BodyRegion.HIPS: (_MIDDLE, 318),
    BodyRegion.RIGHT_KNEE: (_MIDDLE - 34, 450),
    BodyRegion.LEFT_KNEE: (_MIDDLE + 34, 450),
    BodyRegion.RIGHT_FOOT: (_MIDDLE - 46, 585),
    BodyRegion.LEFT_FOOT: (_MIDDLE + 46, 585),
}
#: Which column each region's words go in (-1: the picture's left, +1: its right).
_COLUMN = {
    BodyRegion.HEAD: -1,
    BodyRegion.SHOULDERS: 1,
    BodyRegion.TRUNK: -1,
    BodyRegion.HIPS: 1,
    BodyRegion.RIGHT_KNEE: -1,
    BodyRegion.LEFT_KNEE: 1,
    BodyRegion.RIGHT_FOOT: -1,
    BodyRegion.LEFT_FOOT: 1,
}


def _silhouette() -> np.ndarray:
    """A plain front-view body, drawn as a mask of round-ended strokes."""
    mask = np.zeros((MAP_HEIGHT, MAP_WIDTH), np.uint8)
    m = _MIDDLE
    cv2.ellipse(mask, (m, 72), (34, 42), 0, 0, 360, 255, -1, cv2.LINE_AA)
    cv2.line(mask, (m, 100), (m, 140), 255, 30)
    torso = np.array([(m - 78, 145), (m + 78, 145), (m + 62, 250), (m + 66, 335), (m - 66, 335),
                      (m - 62, 250)])  # fmt: skip
    cv2.fillPoly(mask, [torso], 255, cv2.LINE_AA)
    for side in (-1, 1):
        shoulder, elbow, hand = (m + side * 70, 160), (m + side * 96, 255), (m + side * 108, 345)
        cv2.line(mask, shoulder, elbow, 255, 30, cv2.LINE_AA)
        cv2.line(mask, elbow, hand, 255, 24, cv2.LINE_AA)
        cv2.circle(mask, hand, 16, 255, -1, cv2.LINE_AA)
        hip, knee, ankle = (m + side * 36, 330), (m + side * 34, 450), (m + side * 40, 570)
        cv2.line(mask, hip, knee, 255, 46, cv2.LINE_AA)
        cv2.line(mask, knee, ankle, 255, 34, cv2.LINE_AA)
        cv2.ellipse(mask, (m + side * 48, 586), (28, 14), side * 20, 0, 360, 255, -1, cv2.LINE_AA)
    return mask


#: A region whose readings are all experimental (shown, never judged): its "?" says so.
NOT_JUDGED = "not judged"


def unjudged_regions(
    measurements: Mapping[MeasureName, Reading] | None = None,
) -> frozenset[BodyRegion]:
    """The regions with a reading, but only from experimental measures (the hips and the upper
    body from a front or back photo: the hip level and the sideways positions are shown, never
    judged). :func:`region_states` leaves them ``unknown``; the map and the list say why."""
    judged: set[BodyRegion] = set()
    shown: set[BodyRegion] = set()
    for name, measurement in (measurements or {}).items():
        if measurement.value is None:
            continue
        regions = MEASURE_REGIONS[name]
        (judged if MEASURES_BY_NAME[name].for_findings else shown).update(regions)
    return frozenset(shown - judged)


def held_regions(
    measurements: Mapping[MeasureName, HeldReading] | None = None,
    assessment: Assessment | None = None,
) -> frozenset[BodyRegion]:
    """The regions whose ``possible`` state comes only from held readings (they would make a
    finding, but this photo or camera view cannot judge them: each says why and how to retake)."""
    states = region_states(measurements, assessment)
    possible: dict[BodyRegion, list[bool]] = {}
    for name, measurement in (measurements or {}).items():
        if not MEASURES_BY_NAME[name].for_findings or measurement.status is not Status.POSSIBLE:
            continue
        for region in MEASURE_REGIONS[name]:
            possible.setdefault(region, []).append(measurement.held)
    return frozenset(
        region
        for region, held in possible.items()
        if states[region] is Status.POSSIBLE and all(held)
    )


def _region_label(
    canvas: np.ndarray, region: BodyRegion, status: Status, *, unjudged: bool = False
) -> None:
    spot = _SPOTS[region]
    column = _COLUMN[region]
    edge = _MIDDLE + column * 150
    cv2.line(canvas, (spot[0] + column * 24, spot[1]), (edge, spot[1]), (150, 150, 150), 1)
    status_marker(canvas, status, (edge + column * 26, spot[1]), 15)
    words_x = edge + column * 50
    align = "left" if column > 0 else "right"
    _text(canvas, str(region), (words_x, spot[1] - 4), 0.62, align=align)
    words = NOT_JUDGED if unjudged and status is Status.UNKNOWN else SHORT_WORDS[status]
    _text(canvas, words, (words_x, spot[1] + 20), 0.52, align=align)


def _legend(canvas: np.ndarray, top: int) -> None:
    rows = ((Status.NORMAL, Status.POSSIBLE, Status.MILD), (Status.MARKED, Status.UNKNOWN))
    for row, statuses in enumerate(rows):
        y = top + row * 40
        for index, status in enumerate(statuses):
            x = 40 + index * 190
            status_marker(canvas, status, (x, y), 12)
            words = SHORT_WORDS[status]
            if status is Status.UNKNOWN:
                words += f" or {NOT_JUDGED}"
            _text(canvas, words, (x + 22, y + 7), 0.55)


def body_map(
    measurements: Mapping[MeasureName, Reading] | None = None,
    assessment: Assessment | None = None,
) -> np.ndarray:
    """A front-view body with each region's state (:func:`region_states`) as a shape, a colour
    and words, and a legend; an RGB uint8 array of ``MAP_HEIGHT`` × ``MAP_WIDTH``."""
    canvas = _blank_map().copy()
    unjudged = unjudged_regions(measurements)
    for region, status in region_states(measurements, assessment).items():
        status_marker(canvas, status, _SPOTS[region], 18)
        _region_label(canvas, region, status, unjudged=region in unjudged)
    return canvas


@functools.cache
def _blank_map() -> np.ndarray:
    """The body, its orientation and the legend: the same on every map (drawn once, then only
    copied)."""
    canvas = np.full((MAP_HEIGHT, MAP_WIDTH, 3), 255, np.uint8)
    mask = _silhouette()
    canvas[mask > 127] = (228, 228, 228)
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    cv2.drawContours(canvas, contours, -1, (120, 120, 120), 2, cv2.LINE_AA)
    _text(canvas, "your right", (40, 30), 0.5)
    _text(canvas, "your left", (MAP_WIDTH - 40, 30), 0.5, align="right")
    cv2.line(canvas, (20, 630), (MAP_WIDTH - 20, 630), (200, 200, 200), 1)
    _legend(canvas, 658)
    canvas.flags.writeable = False  # shared: callers copy it
    return canvas


# --- the scale of one measure --------------------------------------------------------------------

SCALE_WIDTH = 360  # shown at about its own size on a phone: its words stay legible
SCALE_HEIGHT = 104
_TRACK = (52, 64)  # the track's top and bottom rows
_TINTS: Mapping[Status, Colour] = {
    status: tuple(int(255 - (255 - c) * 0.35) for c in colour)  # type: ignore[misc]
    for status, colour in OKABE_ITO.items()
}


def _number(value: float, unit: Unit) -> str:
    if unit is Unit.RATIO:
        return f"{value:.2f}"
    return f"{value:+.1f}{unit.ascii_suffix}" if value else f"0{unit.ascii_suffix}"


def measure_scale(measurement: Measurement, *, width: int = SCALE_WIDTH) -> np.ndarray:
    """A small horizontal scale: the usual range and the zones beyond it (tinted by the status a
    value there gets), the reading's error band, and where the person is (the status's shape, with
    the value above it). An RGB uint8 array, ``SCALE_HEIGHT`` high."""
    spec = MEASURES_BY_NAME[measurement.name]
    low, high = measurement.normal_range
    error = measurement.error or spec.known_error
    reach = error + spec.marked_step
    start, stop = low - reach * 1.6, high + reach * 1.6
    value = measurement.value
    if value is not None:
        start, stop = min(start, value - error * 1.3), max(stop, value + error * 1.3)
    left, right = 16, width - 16

    def x(at: float) -> int:
        return round(left + (at - start) / (stop - start) * (right - left))

    canvas = np.full((SCALE_HEIGHT, width, 3), 255, np.uint8)
    top, bottom = _TRACK
    zones = (
        (start, low - reach, Status.MARKED),
        (low - reach, low - error, Status.MILD),
        (low - error, low, Status.POSSIBLE),
        (low, high, Status.NORMAL),
        (high, high + error, Status.POSSIBLE),
        (high + error, high + reach, Status.MILD),
        (high + reach, stop, Status.MARKED),
    )
    for begin, end, status in zones:
        cv2.rectangle(canvas, (x(begin), top), (x(end), bottom), _TINTS[status], -1)
    cv2.rectangle(canvas, (x(low), top - 3), (x(high), bottom + 3), OKABE_ITO[Status.NORMAL], 2)
    cv2.rectangle(canvas, (left, top), (right, bottom), (170, 170, 170), 1)
    # the range's ends beside its edges, outward, so a narrow range keeps them apart
    _text(canvas, f"{low:g}", (x(low) - 3, bottom + 18), 0.5, align="right")
    _text(canvas, f"{high:g}", (x(high) + 3, bottom + 18), 0.5)
    unit = measurement.unit.ascii_suffix.strip()
    words = f"usual range ({unit})" if unit else "usual range"
    _text(canvas, words, ((x(low) + x(high)) // 2, bottom + 36), 0.48, align="centre")
    if value is None:
        _text(canvas, "not measured", (width // 2, 30), 0.55, align="centre")
        return canvas
    middle = (top + bottom) // 2
    band = (x(value - measurement.error), x(value + measurement.error))
    grey = (90, 90, 90)
    cv2.rectangle(canvas, (band[0], middle - 2), (band[1], middle + 2), grey, -1)
    for end in band:  # the error band's whiskers: shorter than the value's own line
        cv2.line(canvas, (end, middle - 5), (end, middle + 5), grey, 2)
    cv2.line(canvas, (x(value), top - 10), (x(value), bottom + 4), _INK, 3)
    status_marker(canvas, measurement.status, (x(value), top - 22), 11)
    you = f"you {_number(value, measurement.unit)}"
    (text_width, _), _ = cv2.getTextSize(you, _FONT, 0.55, 1)
    side = "right" if x(value) > width - text_width - 40 else "left"
    offset = -16 if side == "right" else 16
    _text(canvas, you, (x(value) + offset, top - 16), 0.55, align=side)
    return canvas
