"""Measurements -> findings: what lies beyond the usual range, said plainly and honestly.

posecheck screens posture; it does not diagnose. A finding says what the photo showed, how far
from the usual range, how sure the estimate is, and what it may and may not mean.

Only a ``mild`` or ``marked`` measure makes a finding (the measures module has already allowed for
each measure's known error); ``normal`` and ``unknown`` measures never do. The mapping is data: a
table of :class:`Rule` rows, one per measure and direction (above or below the usual range).

=============================  ============  ========================  ============================
measure                        beyond range  finding key               side
=============================  ============  ========================  ============================
left/right_foot_angle          above         feet_turned_out           left, right or both
left/right_foot_angle          below         feet_turned_in            left, right or both
left - right foot angle        |d| > 10°     foot_angle_asymmetry      the foot turned further out
left/right_rearfoot_angle      above         rearfoot_eversion         left, right or both
left/right_rearfoot_angle      below         rearfoot_inversion        left, right or both
stance_width                   below         narrow_stance             none
stance_width                   above         wide_stance               none
left/right_knee_angle_frontal  above (+)     knee_valgus               left, right or both
left/right_knee_angle_frontal  below (-)     knee_varus                left, right or both
knee_angle_sagittal            above (+)     knee_hyperextension       the camera side (the view)
pelvic_tilt                    above / below pelvic_tilt               left / right (higher hip)
pelvis_shift                   above / below pelvis_shift              left / right (shifted to)
trunk_shift                    above / below trunk_shift               left / right (shifted to)
trunk_lean                     above / below trunk_lean                none (forward / back)
shoulder_tilt                  above / below shoulder_tilt             left / right (higher)
head_tilt                      above / below head_tilt                 left / right (tilted to)
forward_head_angle             below         forward_head              none
=============================  ============  ========================  ============================

Supporting measures join a finding when they agree with it (they add to its measures, its status
and its confidence) but never make one alone: ``plumb_ear`` in front -> ``forward_head``;
``plumb_knee`` behind -> ``knee_hyperextension``; ``plumb_shoulder`` in front / behind ->
``trunk_lean`` forward / back. A ``mild`` or ``marked`` measure that no rule uses (a knee held bent
in a side view, the hip in front of the ankle line, ...) is named in the summary, not dropped.

Foot angle asymmetry is derived here from two known foot angles, whatever their status, unless
the difference leans on a camera roll the photo does not show (the readings' ``roll_doubt``
summed, as for any measure, from ``ROLL_HOLD_SHARE`` of its known error). A
difference up to :data:`ASYMMETRY_MILD_DEG` (10°) is usual (the adult range, 5-13°, alone spans
8°); like every measure it is a finding only when it lies beyond that by more than its own error,
the two readings' error bands combined (scaled by :data:`DIFFERENCE_ERROR_SHARE`, measured on the
hard training renders). :data:`ASYMMETRY_MARKED_DEG` − :data:`ASYMMETRY_MILD_DEG` further out it
is ``marked``.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any

from posecheck.measures import MEASURES_BY_NAME, ROLL_HOLD_SHARE, Measurement, MeasureName
from posecheck.types import Side, Status, Unit, View
from posecheck.wording import capitalised, listed

__all__ = [
    "ASYMMETRY_MARKED_DEG",
    "ASYMMETRY_MILD_DEG",
    "CANNOT_JUDGE",
    "Assessment",
    "Finding",
    "FindingKey",
    "assess",
    "assessment_to_dict",
    "finding_keys",
]

#: A left-right foot angle difference beyond this is a finding (see the module docstring).
ASYMMETRY_MILD_DEG = 10.0
#: ... and beyond this it is marked.
ASYMMETRY_MARKED_DEG = 15.0
#: The error of a left-right difference, as a share of the two readings' error bands combined
#: (on the hard training renders the difference was off by 6.5° on average where the bands
#: combined to 10.1°). An asymmetry is a finding only beyond ASYMMETRY_MILD_DEG plus that error.
DIFFERENCE_ERROR_SHARE = 0.65

FOUND: frozenset[Status] = frozenset({Status.MILD, Status.MARKED})

# Supporting agreement shares landmarks with the main measure (the ear, the shoulder, the ankle),
# so it is not independent evidence: it removes only this share of the remaining doubt.
_SUPPORT_WEIGHT = 0.5


# --- types ---------------------------------------------------------------------------------------


class FindingKey(enum.StrEnum):
    """Every finding posecheck can make (the exercise catalogue's ``targets`` use these)."""

    FEET_TURNED_OUT = "feet_turned_out"
    FEET_TURNED_IN = "feet_turned_in"
    FOOT_ANGLE_ASYMMETRY = "foot_angle_asymmetry"
    KNEE_VALGUS = "knee_valgus"
    KNEE_VARUS = "knee_varus"
    KNEE_HYPEREXTENSION = "knee_hyperextension"
    PELVIC_TILT = "pelvic_tilt"
    SHOULDER_TILT = "shoulder_tilt"
    HEAD_TILT = "head_tilt"
    TRUNK_SHIFT = "trunk_shift"
    PELVIS_SHIFT = "pelvis_shift"
    FORWARD_HEAD = "forward_head"
    TRUNK_LEAN = "trunk_lean"
    REARFOOT_EVERSION = "rearfoot_eversion"
    REARFOOT_INVERSION = "rearfoot_inversion"
    NARROW_STANCE = "narrow_stance"
    WIDE_STANCE = "wide_stance"


_KEYS = frozenset(key.value for key in FindingKey)
_SIDES = frozenset(side.value for side in Side)
_MEASURE_NAMES = frozenset(name.value for name in MeasureName)


@dataclass(frozen=True)
class Finding:
    """One thing the photo showed beyond the usual range.

    ``side`` is in the person's anatomical terms ("left", "right", "both") or None when the finding
    has no side. ``measures`` names the measurements behind it; ``status`` is the worst of them;
    ``confidence`` (0-1) comes from their confidences.
    """

    key: FindingKey
    status: Status
    side: Side | None
    measures: tuple[MeasureName, ...]
    title: str
    explanation: str
    confidence: float

    def __post_init__(self) -> None:
        if self.key not in _KEYS:
            raise ValueError(f"Finding.key: expected one of {sorted(_KEYS)}, got {self.key!r}")
        if self.side is not None and self.side not in _SIDES:
            raise ValueError(f"Finding.side: expected left, right, both or None, got {self.side!r}")
        unknown = [m for m in self.measures if m not in _MEASURE_NAMES]
        if unknown:
            raise ValueError(f"Finding.measures: unknown measure name(s) {unknown}")
        object.__setattr__(self, "key", FindingKey(self.key))
        object.__setattr__(self, "side", None if self.side is None else Side(self.side))
        object.__setattr__(self, "measures", tuple(MeasureName(m) for m in self.measures))
        if self.status not in FOUND:
            raise ValueError(f"Finding.status: expected mild or marked, got {self.status!r}")
        if not self.measures:
            raise ValueError("Finding.measures: expected at least one measure name, got none")
        if not 0.0 <= self.confidence <= 1.0:
            raise ValueError(f"Finding.confidence: expected 0..1, got {self.confidence}")


@dataclass(frozen=True)
class Assessment:
    """All findings of one set of measurements, most important first, and what goes with them.

    ``chain`` links findings at several levels from the feet up, as a possible pattern (never a
    cause), or is None. ``cannot_judge`` says what a photo cannot judge, where relevant.
    """

    findings: tuple[Finding, ...]
    chain: str | None
    cannot_judge: tuple[str, ...]
    summary: str


class Beyond(enum.Enum):
    """Which side of its usual range a measure lies."""

    ABOVE = "above"
    BELOW = "below"


class Level(enum.IntEnum):
    """Where in the body a finding sits, from the feet up (the chain's order)."""

    FEET = 0
    KNEES = 1
    PELVIS = 2
    TRUNK = 3
    SHOULDERS = 4
    HEAD = 5


@dataclass(frozen=True)
class Words:
    """How a finding is said. ``{side_}`` is "left " / "right " / "", ``{side}`` "left" / "right",
    ``{amount}`` the number with its unit. ``title`` is a clause ("left knee falls inward") so that
    the chain can say "your left knee falls inward"; ``*_both`` are for a finding on both sides.
    """

    title: str
    seen: str
    title_both: str = ""
    seen_both: str = ""


@dataclass(frozen=True)
class Rule:
    """A measure beyond its usual range in one direction -> a finding key, with its words.

    ``side``: the body side, or None; ``from_view``: the side is the one the camera saw (side
    views). ``magnitude``: show the value without its sign (the words carry the direction).
    ``straighter``: other words for a value on the far
    side of zero from the direction (a foot below the usual toe-out that still points out).
    """

    measure: MeasureName
    beyond: Beyond
    key: FindingKey
    side: Side | None
    level: Level
    words: Words
    magnitude: bool = True
    in_chain: bool = True
    straighter: Words | None = None
    from_view: bool = False


@dataclass(frozen=True)
class Support:
    """A measure that, beyond its range in ``beyond``, agrees with the finding of ``supports``."""

    measure: MeasureName
    beyond: Beyond
    supports: tuple[MeasureName, Beyond]
    seen: str


@dataclass(frozen=True)
class Meaning:
    """What a finding may and may not mean, and whom to see if it hurts."""

    meaning: str
    hurts: str


ABOVE, BELOW = Beyond.ABOVE, Beyond.BELOW


def _both_sides(
    stem: str, beyond: Beyond, key: FindingKey, level: Level, words: Words, **extra: Any
) -> tuple[Rule, ...]:
    """The rule for ``left_<stem>`` and ``right_<stem>`` (each must be a :class:`MeasureName`)."""
    return tuple(
        Rule(MeasureName(f"{side.value}_{stem}"), beyond, key, side, level, words, **extra)
        for side in (Side.LEFT, Side.RIGHT)
    )


def _lateral(
    measure: MeasureName, key: FindingKey, level: Level, title: str, seen: str
) -> tuple[Rule, ...]:
    """A signed left/right measure (+ is the person's left): above -> left, below -> right."""
    words = Words(title, seen)
    return (
        Rule(measure, ABOVE, key, Side.LEFT, level, words),
        Rule(measure, BELOW, key, Side.RIGHT, level, words),
    )


# --- the rules (see the table in the module docstring) -------------------------------------------

_HIP_KNEE_ANKLE = "the line from your {side_}hip through the knee to the ankle bends {amount}"

RULES: tuple[Rule, ...] = (
    *_both_sides("foot_angle", ABOVE, FindingKey.FEET_TURNED_OUT, Level.FEET, Words(
        "{side_}foot turns out", "your {side_}foot points {amount} outward",
        "feet turn out", "your feet point {amount} outward",
    )),
    *_both_sides("foot_angle", BELOW, FindingKey.FEET_TURNED_IN, Level.FEET, Words(
        "{side_}foot turns in", "your {side_}foot points {amount} inward",
        "feet turn in", "your feet point {amount} inward",
    ), straighter=Words(
        "{side_}foot points straighter than usual",
        "your {side_}foot points {amount} outward, straighter ahead than usual",
        "feet point straighter than usual",
        "your feet point {amount} outward, straighter ahead than usual",
    )),
    *_both_sides("rearfoot_angle", ABOVE, FindingKey.REARFOOT_EVERSION, Level.FEET, Words(
        "{side_}heel tilts outward",
        "seen from behind, your {side_}heel tilts {amount} outward against the shin, as when "
        "the ankle rolls in",
        "heels tilt outward",
        "seen from behind, your heels tilt {amount} outward against the shins, as when the "
        "ankles roll in",
    )),
    *_both_sides("rearfoot_angle", BELOW, FindingKey.REARFOOT_INVERSION, Level.FEET, Words(
        "{side_}heel tilts inward",
        "seen from behind, your {side_}heel tilts {amount} inward against the shin, putting "
        "weight toward the outer edge of the foot",
        "heels tilt inward",
        "seen from behind, your heels tilt {amount} inward against the shins, putting weight "
        "toward the outer edges of the feet",
    )),
    Rule(MeasureName.STANCE_WIDTH, BELOW, FindingKey.NARROW_STANCE, None, Level.FEET, Words(
        "feet stand close together", "your ankles are {amount} hip widths apart",
    ), magnitude=False, in_chain=False),
    Rule(MeasureName.STANCE_WIDTH, ABOVE, FindingKey.WIDE_STANCE, None, Level.FEET, Words(
        "feet stand wide apart", "your ankles are {amount} hip widths apart",
    ), magnitude=False, in_chain=False),
    *_both_sides("knee_angle_frontal", ABOVE, FindingKey.KNEE_VALGUS, Level.KNEES, Words(
        "{side_}knee falls inward", _HIP_KNEE_ANKLE + " with the knee in toward the other knee",
        "knees fall inward",
        "the lines from your hips through the knees to the ankles bend {amount} with the knees "
        "in toward each other",
    )),
    *_both_sides("knee_angle_frontal", BELOW, FindingKey.KNEE_VARUS, Level.KNEES, Words(
        "{side_}knee bows outward",
        _HIP_KNEE_ANKLE + " with the knee out, away from the other knee",
        "knees bow outward",
        "the lines from your hips through the knees to the ankles bend {amount} with the knees "
        "out, away from each other",
    )),
    Rule(MeasureName.KNEE_ANGLE_SAGITTAL, ABOVE, FindingKey.KNEE_HYPEREXTENSION, None,
         Level.KNEES, Words(
        "{side_}knee bends back past straight",
        "seen from the side, your {side_}knee straightens {amount} past a straight line",
    ), from_view=True),
    *_lateral(MeasureName.PELVIC_TILT, FindingKey.PELVIC_TILT, Level.PELVIS,
              "{side_}hip sits higher",
              "the line through your hip joints tilts {amount}, {side} side higher"),
    *_lateral(MeasureName.PELVIS_SHIFT, FindingKey.PELVIS_SHIFT, Level.PELVIS,
              "hips shift to the {side}",
              "your hips sit {amount} to the {side} of the point between your ankles"),
    *_lateral(MeasureName.TRUNK_SHIFT, FindingKey.TRUNK_SHIFT, Level.TRUNK,
              "upper body shifts to the {side}",
              "your shoulders sit {amount} to the {side} of your hips"),
    Rule(MeasureName.TRUNK_LEAN, ABOVE, FindingKey.TRUNK_LEAN, None, Level.TRUNK, Words(
        "upper body leans forward",
        "seen from the side, the line from your hip to your shoulder leans {amount} forward",
    )),
    Rule(MeasureName.TRUNK_LEAN, BELOW, FindingKey.TRUNK_LEAN, None, Level.TRUNK, Words(
        "upper body leans back",
        "seen from the side, the line from your hip to your shoulder leans {amount} back",
    )),
    *_lateral(MeasureName.SHOULDER_TILT, FindingKey.SHOULDER_TILT, Level.SHOULDERS,
              "{side_}shoulder sits higher",
              "the line through your shoulders tilts {amount}, {side} side higher"),
    *_lateral(MeasureName.HEAD_TILT, FindingKey.HEAD_TILT, Level.HEAD,
              "head tilts toward the {side} shoulder",
              "the line through your eyes tilts {amount}, toward your {side} shoulder"),
    Rule(MeasureName.FORWARD_HEAD_ANGLE, BELOW, FindingKey.FORWARD_HEAD, None, Level.HEAD, Words(
        "head sits forward",
        "seen from the side, the line from your shoulder to your ear rises {amount} from "
        "horizontal, and a smaller angle means the head sits further forward",
    ), magnitude=False),
)  # fmt: skip

SUPPORTS: tuple[Support, ...] = (
    Support(MeasureName.PLUMB_EAR, ABOVE, (MeasureName.FORWARD_HEAD_ANGLE, BELOW),
            "your ear sits {amount} in front of the line up from the ankle"),
    Support(MeasureName.PLUMB_KNEE, BELOW, (MeasureName.KNEE_ANGLE_SAGITTAL, ABOVE),
            "your knee sits {amount} behind the line up from the ankle"),
    Support(MeasureName.PLUMB_SHOULDER, ABOVE, (MeasureName.TRUNK_LEAN, ABOVE),
            "your shoulder sits {amount} in front of the line up from the ankle"),
    Support(MeasureName.PLUMB_SHOULDER, BELOW, (MeasureName.TRUNK_LEAN, BELOW),
            "your shoulder sits {amount} behind the line up from the ankle"),
)  # fmt: skip

#: The known error of a foot angle difference, in words (each measure's own is in its row).
_ASYMMETRY_ERROR = (
    "each foot angle can be off by about 4-6°, so a difference between two is less certain still"
)

_HURTS_FEET = "your feet or ankles hurt, a physiotherapist, podiatrist or doctor"
_HURTS_KNEES = "your knees hurt, a physiotherapist or doctor"
_HURTS_BACK = "your back or hips hurt, a physiotherapist or doctor"
_HURTS_NECK = "your neck or shoulders hurt, a physiotherapist or doctor"

#: What each finding may and may not mean.
MEANINGS: Mapping[FindingKey, Meaning] = MappingProxyType(
    {
        FindingKey.FEET_TURNED_OUT: Meaning(
            "Some toe-out is usual and the amount varies a lot between people; more of it can come "
            "from the shape and twist of the hip and shin bones, which exercises do not change, "
            "or from habit or tight calves, and a photo cannot tell these apart.",
            _HURTS_FEET,
        ),
        FindingKey.FEET_TURNED_IN: Meaning(
            "Feet pointing in or straight ahead can come from the twist of the thigh or shin bones "
            "(common and often harmless, especially in children) or from habit, and a photo "
            "cannot tell which.",
            _HURTS_FEET,
        ),
        FindingKey.FOOT_ANGLE_ASYMMETRY: Meaning(
            "A difference between the feet can come from how you happened to stand, a slight turn "
            "of the body, or a difference in bone shape between the legs; stand naturally and "
            "retake the photo to see whether it repeats.",
            _HURTS_FEET,
        ),
        FindingKey.REARFOOT_EVERSION: Meaning(
            "Some outward heel tilt is usual and often painless; this reading says nothing about "
            "the height of your arch, which the photo cannot see.",
            _HURTS_FEET,
        ),
        FindingKey.REARFOOT_INVERSION: Meaning(
            "A heel tilting inward can be how the foot is built or how you stood; it matters more "
            "with ankle pain or ankles that often give way.",
            _HURTS_FEET,
        ),
        FindingKey.NARROW_STANCE: Meaning(
            "This is usually just how you stood for the photo, but it changes the knee and hip "
            "readings; stand with your feet about hip-width apart and retake to compare.",
            _HURTS_FEET,
        ),
        FindingKey.WIDE_STANCE: Meaning(
            "This is usually just how you stood for the photo, but it changes the knee and hip "
            "readings; stand with your feet about hip-width apart and retake to compare.",
            _HURTS_FEET,
        ),
        FindingKey.KNEE_VALGUS: Meaning(
            "Knees that angle inward when standing are common, a normal stage in young children, "
            "and often reflect bone shape or feet rolling in; on their own they are not a problem, "
            "and matter more if the knee also drops inward in squats or landing, or with pain.",
            _HURTS_KNEES,
        ),
        FindingKey.KNEE_VARUS: Meaning(
            "Knees that bow outward are common, a normal stage in toddlers, and often reflect bone "
            "shape, which exercises do not change; on their own they are not a problem.",
            _HURTS_KNEES,
        ),
        FindingKey.KNEE_HYPEREXTENSION: Meaning(
            "Standing with the knee locked back is common, especially in flexible people, and is "
            "often a habit; it is not a sign of injury by itself.",
            _HURTS_KNEES,
        ),
        FindingKey.PELVIC_TILT: Meaning(
            "One hip sitting higher can come from more weight on one leg, a difference in leg "
            "length, or the hip points the model uses; stand evenly on both feet and retake to "
            "see whether it repeats.",
            _HURTS_BACK,
        ),
        FindingKey.PELVIS_SHIFT: Meaning(
            "Hips sitting to one side usually mean more weight on one leg, often just for the "
            "moment of the photo; stand evenly on both feet and retake to see whether it repeats.",
            _HURTS_BACK,
        ),
        FindingKey.TRUNK_SHIFT: Meaning(
            "A sideways shift of the upper body can come from leaning toward one leg, habit, or "
            "easing a sore back; the photo cannot see the spine, so it says nothing about its "
            "shape.",
            _HURTS_BACK,
        ),
        FindingKey.TRUNK_LEAN: Meaning(
            "A lean is often just how you stood at the moment of the photo; stand relaxed, looking "
            "ahead, and retake to see whether it repeats.",
            _HURTS_BACK,
        ),
        FindingKey.SHOULDER_TILT: Meaning(
            "Slightly uneven shoulders are very common, often follow handedness or carrying "
            "habits, and usually mean nothing on their own.",
            _HURTS_NECK,
        ),
        FindingKey.HEAD_TILT: Meaning(
            "A tilted head is often just how it was held for the photo, or habit; look straight "
            "at the camera and retake to see whether it repeats.",
            _HURTS_NECK,
        ),
        FindingKey.FORWARD_HEAD: Meaning(
            "A forward head is very common with desk and phone work and is a habit of posture, "
            "not a sign of damage; its link with neck pain is debated.",
            _HURTS_NECK,
        ),
    }
)

#: What a photo cannot judge, by topic (``assess(..., asked=[topic])`` always includes it).
CANNOT_JUDGE: Mapping[str, str] = MappingProxyType(
    {
        "arches": (
            "Arch height and flat feet: the body landmarks have no point on the arch, so a photo "
            "like this cannot judge them; a clinician can look at your feet standing and walking "
            "or measure how far the arch drops."
        ),
        "foot_posture_index": (
            "The Foot Posture Index: it needs several close, hands-on checks of the foot; the "
            "heel angle here is only a rough stand-in for one of them."
        ),
        "bunions": (
            "Bunions and toe shape: the landmarks have one point near the toes, so a photo cannot "
            "judge them; a clinician can examine the foot."
        ),
        "tibial_torsion": (
            "Twist in the shin bones (tibial torsion): turned-in or turned-out feet can come from "
            "it, but the landmarks cannot measure it; a clinician examines it hands-on."
        ),
        "q_angle": (
            "The Q-angle: there are no landmarks for the kneecap or the front of the pelvis, so "
            "the knee angle here is a different, simpler measure."
        ),
        "scoliosis": (
            "Scoliosis and the shape of the spine: the landmarks have no points on the spine, and "
            "uneven shoulders or a sideways shift have many everyday causes; a clinician checks "
            "the spine with a forward-bend test and, if needed, an X-ray."
        ),
        "spinal_curves": (
            "The curves of the spine (a rounded upper back, a deep hollow in the lower back): the "
            "landmarks have no points on the spine, so a photo like this cannot judge them."
        ),
        "hip_level": (
            "Whether one hip sits higher (pelvic obliquity): the model's hip points are joint "
            "centres that barely follow a real tilt on test bodies, so the hip level is shown but "
            "never judged; a clinician can compare the pelvic crests by hand."
        ),
        "sideways_shift": (
            "Whether the upper body or the hips sit off to one side: on real photos checked "
            "against motion capture, the model's shoulder and hip points put them up to 11 % (the "
            "upper body) and 17 % (the hips) of hip width off, about as wide as the usual range, "
            "so the sideways positions are shown but never judged; a clinician can see a shift "
            "with you standing in front of them."
        ),
        "head_tilt": (
            "A tilted head: the model's face points follow only about half of a real tilt, and "
            "a body turned even a little from the camera tilts the line through the eyes in the "
            "picture, so the head tilt is shown but never judged; a clinician can look at the "
            "head and neck directly."
        ),
        "heel_angle": (
            "The heel's tilt seen from behind: the heel point is among the model's least precise "
            "and this reading has not been checked against a true value, so it is shown but never "
            "judged."
        ),
        "anterior_pelvic_tilt": (
            "Forward or backward tilt of the pelvis (anterior or posterior pelvic tilt): there are "
            "no landmarks on the front or back of the pelvis, so posecheck does not judge it; the "
            "hip level it reports is side to side only."
        ),
    }
)

_FOOT_MEASURES = frozenset(
    {
        MeasureName.LEFT_FOOT_ANGLE,
        MeasureName.RIGHT_FOOT_ANGLE,
        MeasureName.LEFT_REARFOOT_ANGLE,
        MeasureName.RIGHT_REARFOOT_ANGLE,
    }
)
_FOOT_ANGLE_KEYS = frozenset({FindingKey.FEET_TURNED_OUT, FindingKey.FEET_TURNED_IN})
#: Topic -> finding keys that make it relevant.
_CANNOT_JUDGE_FOR: Mapping[str, frozenset[FindingKey]] = MappingProxyType(
    {
        "arches": _FOOT_ANGLE_KEYS | {
            FindingKey.FOOT_ANGLE_ASYMMETRY, FindingKey.REARFOOT_EVERSION,
            FindingKey.REARFOOT_INVERSION,
        },
        "foot_posture_index": frozenset(
            {FindingKey.REARFOOT_EVERSION, FindingKey.REARFOOT_INVERSION}
        ),
        "tibial_torsion": _FOOT_ANGLE_KEYS | {FindingKey.FOOT_ANGLE_ASYMMETRY},
        "q_angle": frozenset({FindingKey.KNEE_VALGUS, FindingKey.KNEE_VARUS}),
        "scoliosis": frozenset({FindingKey.SHOULDER_TILT, FindingKey.TRUNK_SHIFT}),
        "spinal_curves": frozenset({FindingKey.FORWARD_HEAD, FindingKey.TRUNK_LEAN}),
        "anterior_pelvic_tilt": frozenset({FindingKey.PELVIC_TILT, FindingKey.TRUNK_LEAN}),
    }
)  # fmt: skip

#: Topic -> measures whose mere presence (a value or not) makes it relevant: the arches beside
#: any foot measure, and each experimental measure's reason for never being judged.
_CANNOT_JUDGE_WHEN_MEASURED: Mapping[str, frozenset[MeasureName]] = MappingProxyType(
    {
        "arches": _FOOT_MEASURES,
        "hip_level": frozenset({MeasureName.PELVIC_TILT}),
        "head_tilt": frozenset({MeasureName.HEAD_TILT}),
        "sideways_shift": frozenset({MeasureName.TRUNK_SHIFT, MeasureName.PELVIS_SHIFT}),
        "heel_angle": frozenset(
            {MeasureName.LEFT_REARFOOT_ANGLE, MeasureName.RIGHT_REARFOOT_ANGLE}
        ),
    }
)

#: The side a side view sees (``View.LEFT``: the camera sees the person's left side).
_VIEW_SIDES: Mapping[View, Side] = MappingProxyType({View.LEFT: Side.LEFT, View.RIGHT: Side.RIGHT})


# --- the API -------------------------------------------------------------------------------------


def assess(
    measurements: Mapping[MeasureName, Measurement], *, asked: Iterable[str] = ()
) -> Assessment:
    """Findings, chain, what cannot be judged, and a summary for one set of measurements.

    ``measurements`` is keyed by measure name (as ``measures.measure_pose`` returns them);
    unknown names are allowed and produce no finding. ``asked`` names :data:`CANNOT_JUDGE` topics
    the user asked about; they are always listed. Findings are ordered most important first:
    marked before mild, then higher confidence (compared at one decimal: finer differences are
    noise), then from the feet up.
    """
    for name, measurement in measurements.items():
        if measurement.name != name:
            raise ValueError(
                f"measurements: key {name!r} holds the measurement named {measurement.name!r}"
            )
    if isinstance(asked, str):
        raise ValueError(f"asked: expected a collection of topics, got the string {asked!r}")
    topics = list(asked)
    unknown_topics = [topic for topic in topics if topic not in CANNOT_JUDGE]
    if unknown_topics:
        raise ValueError(
            f"asked: unknown topic(s) {unknown_topics}; known topics are {sorted(CANNOT_JUDGE)}"
        )
    ranked = sorted(_collect(measurements), key=_importance)
    findings = tuple(item.finding for item in ranked)
    used = {name for finding in findings for name in finding.measures}
    return Assessment(
        findings=findings,
        chain=_chain(ranked),
        cannot_judge=_cannot_judge(findings, measurements, topics),
        summary=_summary(findings, measurements, used),
    )


def finding_keys(assessment: Assessment) -> list[FindingKey]:
    """The finding keys, most important first, each once (the input of ``build_plan``)."""
    return list(dict.fromkeys(finding.key for finding in assessment.findings))


def assessment_to_dict(assessment: Assessment) -> dict[str, Any]:
    """The assessment as JSON-ready data."""
    return {
        "findings": [
            {
                "key": finding.key,
                "status": finding.status.value,
                "side": finding.side,
                "measures": list(finding.measures),
                "title": finding.title,
                "explanation": finding.explanation,
                "confidence": finding.confidence,
            }
            for finding in assessment.findings
        ],
        "chain": assessment.chain,
        "cannot_judge": list(assessment.cannot_judge),
        "summary": assessment.summary,
    }


# --- from measurements to findings ---------------------------------------------------------------


@dataclass(frozen=True)
class _Seen:
    """One measure that a rule matched."""

    rule: Rule
    measurement: Measurement
    side: Side | None
    straighter: bool


@dataclass(frozen=True)
class _Ranked:
    finding: Finding
    level: Level
    order: int
    clause: str | None  # how the chain says it, or None when it stays out of the chain


def _beyond(measurement: Measurement) -> Beyond | None:
    """Which side a clearly-outside measure lies; None for any other, and for an experimental
    measure (shown, never the basis of a finding)."""
    if measurement.status not in FOUND or measurement.value is None:
        return None
    if not MEASURES_BY_NAME[measurement.name].for_findings:
        return None
    low, high = measurement.normal_range
    if measurement.value > high:
        return ABOVE
    if measurement.value < low:
        return BELOW
    # flagged inside its range (should not happen): go by the nearer end
    return ABOVE if measurement.value >= (low + high) / 2 else BELOW


def _matches(measurements: Mapping[MeasureName, Measurement]) -> list[_Seen]:
    seen: list[_Seen] = []
    for rule in RULES:
        measurement = measurements.get(rule.measure)
        if measurement is None or _beyond(measurement) is not rule.beyond:
            continue
        assert measurement.value is not None
        side = rule.side
        if rule.from_view:
            side = _VIEW_SIDES.get(measurement.view) if measurement.view else None
        value = measurement.value
        straighter = rule.straighter is not None and (
            value >= 0 if rule.beyond is BELOW else value <= 0
        )
        seen.append(_Seen(rule, measurement, side, straighter))
    return seen


def _collect(measurements: Mapping[MeasureName, Measurement]) -> list[_Ranked]:
    """Rule matches grouped into findings (left and right together when they agree)."""
    groups: dict[tuple[FindingKey, str, bool], list[_Seen]] = {}
    for match in _matches(measurements):
        stem = match.rule.measure.removeprefix("left_").removeprefix("right_")
        groups.setdefault((match.rule.key, stem, match.straighter), []).append(match)
    ranked = [_finding(group, measurements) for group in groups.values()]
    asymmetry = _asymmetry(measurements)
    if asymmetry is not None:
        if any(item.finding.key in _FOOT_ANGLE_KEYS for item in ranked):
            asymmetry = replace(asymmetry, clause=None)  # the chain names the foot angles already
        ranked.append(asymmetry)
    return ranked


def _finding(group: Sequence[_Seen], measurements: Mapping[MeasureName, Measurement]) -> _Ranked:
    first = group[0]
    rule = first.rule
    words = rule.straighter if first.straighter and rule.straighter else rule.words
    both = len(group) > 1
    side = Side.BOTH if both else first.side
    primary = [match.measurement for match in group]
    confidence = min(m.confidence for m in primary)
    if both:
        amount = " and ".join(
            f"{_amount(m.value, m.unit, rule.magnitude)} ({match.side})"
            for match, m in zip(group, primary, strict=True)
        )
        title, seen = words.title_both, words.seen_both
    else:
        amount = _amount(first.measurement.value, first.measurement.unit, rule.magnitude)
        title, seen = words.title, words.seen
    title = _fill(title, side, amount)
    parts = [f"{_fill(seen, side, amount)} (usual range: {_range(first.measurement)})"]
    supports = _supporting(rule, measurements)
    for support, measurement in supports:
        confidence += (1.0 - confidence) * measurement.confidence * _SUPPORT_WEIGHT
        amount = _amount(measurement.value, measurement.unit, magnitude=True)
        parts.append(f"{_fill(support.seen, side, amount)} (usual range: {_range(measurement)})")
    behind = [*primary, *(measurement for _, measurement in supports)]
    confidence = round(min(confidence, 1.0), 2)
    finding = Finding(
        key=rule.key,
        status=_worst(m.status for m in behind),
        side=side,
        measures=tuple(m.name for m in behind),
        title=capitalised(title),
        explanation=_explain(
            "; ".join(parts),
            MEASURES_BY_NAME[rule.measure].error_words,
            rule.key,
            confidence,
            behind,
        ),
        confidence=confidence,
    )
    clause = f"your {title}" if rule.in_chain else None
    return _Ranked(finding, rule.level, RULES.index(rule), clause)


def _supporting(
    rule: Rule, measurements: Mapping[MeasureName, Measurement]
) -> list[tuple[Support, Measurement]]:
    found = []
    for support in SUPPORTS:
        measurement = measurements.get(support.measure)
        if (
            support.supports == (rule.measure, rule.beyond)
            and measurement is not None
            and _beyond(measurement) is support.beyond
        ):
            found.append((support, measurement))
    return found


def _asymmetry(measurements: Mapping[MeasureName, Measurement]) -> _Ranked | None:
    left = measurements.get(MeasureName.LEFT_FOOT_ANGLE)
    right = measurements.get(MeasureName.RIGHT_FOOT_ANGLE)
    if left is None or right is None or left.value is None or right.value is None:
        return None
    known = DIFFERENCE_ERROR_SHARE * math.hypot(
        MEASURES_BY_NAME[left.name].known_error, MEASURES_BY_NAME[right.name].known_error
    )
    if left.roll_doubt + right.roll_doubt >= ROLL_HOLD_SHARE * known:
        # a camera roll turns one foot out and the other in: the difference leans on it doubly,
        # and like any reading that leans on a roll the photo does not show it is not judged
        return None
    difference = left.value - right.value
    # beyond the usual difference by more than the difference's own error, as for every measure
    mild = ASYMMETRY_MILD_DEG + DIFFERENCE_ERROR_SHARE * math.hypot(left.error, right.error)
    if abs(difference) <= mild:
        return None
    marked = mild + (ASYMMETRY_MARKED_DEG - ASYMMETRY_MILD_DEG)
    status = Status.MARKED if abs(difference) > marked else Status.MILD
    side, other = (Side.LEFT, Side.RIGHT) if difference > 0 else (Side.RIGHT, Side.LEFT)
    title = f"{side} foot points more outward than the {other}"
    seen = (
        f"your left foot points {_foot_direction(left.value)} and your right "
        f"{_foot_direction(right.value)}, a difference of {_number(abs(difference))}° "
        f"(up to {_number(ASYMMETRY_MILD_DEG)}° is usual, and up to {_number(mild)}° within the "
        "error of two readings)"
    )
    confidence = round(min(left.confidence, right.confidence), 2)
    finding = Finding(
        key=FindingKey.FOOT_ANGLE_ASYMMETRY,
        status=status,
        side=side,
        measures=(left.name, right.name),
        title=capitalised(title),
        explanation=_explain(seen, _ASYMMETRY_ERROR, FindingKey.FOOT_ANGLE_ASYMMETRY,
                             confidence, (left, right)),
        confidence=confidence,
    )  # fmt: skip
    return _Ranked(finding, Level.FEET, len(RULES), f"your {title}")


def _importance(item: _Ranked) -> tuple[int, float, int, int, int]:
    finding = item.finding
    side_order = (Side.LEFT, Side.RIGHT, Side.BOTH, None).index(finding.side)
    return (
        0 if finding.status is Status.MARKED else 1,
        -round(finding.confidence, 1),
        int(item.level),
        item.order,
        side_order,
    )


def _worst(statuses: Iterable[Status]) -> Status:
    return Status.MARKED if Status.MARKED in set(statuses) else Status.MILD


# --- words ---------------------------------------------------------------------------------------


def _explain(
    seen: str,
    error_words: str,
    key: FindingKey,
    confidence: float,
    measurements: Sequence[Measurement],
) -> str:
    """2-4 sentences: what was seen; how sure; what it may (not) mean; whom to see if it hurts."""
    caveats = list(dict.fromkeys(m.reason.strip().rstrip(".") for m in measurements if m.reason))
    note = f"; note: {'; '.join(caveats)}" if caveats else ""
    sure = (
        f"It is an estimate from a single photo by a landmark model: {error_words}; "
        f"{_sureness(confidence)}{note}."
    )
    meaning = MEANINGS[key]
    hurts = f"If {meaning.hurts} can examine what a photo cannot."
    return " ".join((capitalised(seen) + ".", sure, meaning.meaning, hurts))


def _sureness(confidence: float) -> str:
    """The finding's confidence in words (the number is in the JSON and beside the finding): its
    readings' visibility, and how far a turned body or the camera widened their error bands."""
    if confidence >= 0.75:
        return (
            "the photo shows the points it rests on fairly clearly, and neither the body's turn "
            "nor the camera widens its error much"
        )
    if confidence >= 0.5:
        return (
            "the photo shows the points it rests on only moderately clearly, or the body's turn "
            "or the camera widens its error"
        )
    return (
        "the photo shows the points it rests on poorly, or the body's turn or the camera widens "
        "its error a lot: a clearer photo may change it (square-on, the camera level)"
    )


def _fill(template: str, side: Side | None, amount: str) -> str:
    one_side = side.value if side in (Side.LEFT, Side.RIGHT) and side is not None else ""
    return template.format(
        side=one_side, side_=f"{one_side} " if one_side else "", amount=amount
    ).strip()


def _number(value: float, decimals: int = 1) -> str:
    if abs(value) >= 10 and decimals == 1:
        decimals = 0
    text = f"{value:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _quantity(value: float, unit: Unit) -> str:
    if unit is Unit.RATIO:
        return _number(value, 2)
    return f"{_number(value)}{unit.symbol}"


def _amount(value: float | None, unit: Unit, magnitude: bool) -> str:
    assert value is not None
    return _quantity(abs(value) if magnitude else value, unit)


def _range(measurement: Measurement) -> str:
    low, high = measurement.normal_range
    if low == -high and high > 0:
        return f"within {_quantity(high, measurement.unit)} either way"
    suffix = measurement.unit.symbol
    digits = 2 if measurement.unit is Unit.RATIO else 1
    return f"{_number(low, digits)} to {_number(high, digits)}{suffix}"


def _foot_direction(value: float) -> str:
    return f"{_number(abs(value))}° {'out' if value >= 0 else 'in'}"


# --- chain, what cannot be judged, summary -------------------------------------------------------


def _chain(ranked: Sequence[_Ranked]) -> str | None:
    """Findings at two or more levels, said from the feet up as a possible pattern."""
    linked = sorted((item for item in ranked if item.clause), key=lambda i: (i.level, i.order))
    if len({item.level for item in linked}) < 2:
        return None
    clauses = [item.clause for item in linked if item.clause]
    return (
        f"From the feet up, {listed(clauses)}. These may be one linked pattern, each part "
        "adjusting to the one below, or separate and unrelated: a single photo cannot tell which, "
        "and it does not show what causes what."
    )


def _cannot_judge(
    findings: Sequence[Finding],
    measurements: Mapping[MeasureName, Measurement],
    asked: Sequence[str],
) -> tuple[str, ...]:
    keys = {finding.key for finding in findings}
    relevant = set(asked)
    relevant.update(topic for topic, by in _CANNOT_JUDGE_FOR.items() if keys & by)
    relevant.update(
        topic for topic, by in _CANNOT_JUDGE_WHEN_MEASURED.items() if by & measurements.keys()
    )
    return tuple(text for topic, text in CANNOT_JUDGE.items() if topic in relevant)


def _summary(
    findings: Sequence[Finding],
    measurements: Mapping[MeasureName, Measurement],
    used: set[MeasureName],
) -> str:
    known = [m for m in measurements.values() if m.status is not Status.UNKNOWN]
    if findings:
        titles = [finding.title[:1].lower() + finding.title[1:] for finding in findings[:3]]
        more = len(findings) - len(titles)
        if more:
            titles.append(f"{more} more")
        parts = [
            f"Beyond the usual range: {listed(titles)}. This is a screening estimate, not a "
            "diagnosis."  # one photo's, or (combined) each finding from the photo that shows it
        ]
    elif known:
        parts = ["No alignment clearly beyond the usual range was measured."]
    else:
        parts = ["No measure could be taken, so no alignment was judged."]
    judged = [m for m in known if MEASURES_BY_NAME[m.name].for_findings]
    possible = [_label(m.name) for m in judged if m.status is Status.POSSIBLE and not m.held]
    if possible:
        parts.append(
            f"Just outside the usual range, but within the measurement error (worth a recheck, "
            f"not a finding): {listed(possible)}."
        )
    held = _by_reason(m for m in known if m.held)
    if held:
        parts.append(f"Outside the usual range, but not judged from this photo: {held}.")
    # no recheck for these: however it came out, a measure that is never judged makes no finding
    experimental = [
        _label(m.name)
        for m in known
        if m.status is not Status.NORMAL
        and not m.held
        and not MEASURES_BY_NAME[m.name].for_findings
    ]
    if experimental:
        parts.append(
            f"Outside the usual range, but measured too roughly from a photo to judge (shown, "
            f"not a finding): {listed(experimental)}."
        )
    unused = [m for m in judged if m.status in FOUND and m.name not in used]
    if unused:
        labels = [_label(m.name) for m in unused]
        parts.append(f"Also beyond the usual range, with no finding for it yet: {listed(labels)}.")
    unjudged = _by_reason(m for m in measurements.values() if m.status is Status.UNKNOWN)
    if unjudged:
        parts.append(f"Could not judge {unjudged}.")
    return " ".join(parts)


def _by_reason(measurements: Iterable[Measurement]) -> str:
    """The measures' labels grouped by their reason: "the a and the b (why); the c (why)"."""
    by_reason: dict[str, list[str]] = {}
    for m in measurements:
        reason = m.reason.strip().rstrip(".") or "no reason given"
        by_reason.setdefault(reason, []).append(_label(m.name))
    return "; ".join(f"{listed(labels)} ({reason})" for reason, labels in by_reason.items())


def _label(name: MeasureName) -> str:
    return f"the {MEASURES_BY_NAME[name].label}"
