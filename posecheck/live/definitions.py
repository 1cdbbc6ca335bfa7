"""What the live coach knows about each exercise, as data: one row per coached exercise.

A row (:class:`CoachDef`) says which **signal** to follow (:class:`Signal`, computed by
:mod:`posecheck.live.signals`), which **tracker** counts or times it and with what parameters,
which **side** the signal is read on, where to put the **camera** and which views it needs, which
**form cues** to give, and what the camera **cannot see**. The dose (reps, holds, seconds, per
side, each direction) comes from the exercise catalogue (``posecheck/data/exercises.json``),
except for the standing-posture hold, which is not a catalogue exercise.

Thresholds marked ``relative`` are offsets from the person's own **baseline**: the median of the
signal over one still second at the start (heel height standing flat differs from person to
person and camera to camera). The tracker parameters started from the trackers' author's
suggestions and are checked by the tests on synthetic and rendered sequences.

Nothing here runs on import beyond building the table.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from posecheck.exercises import FOOT_CARE_IDS, Dose
from posecheck.live.filters import OneEuroParams
from posecheck.live.signals import (
    foot_fore_aft,
    foot_lift,
    foot_pointing,
    head_drawn_back,
    head_tilt,
    heel_height,
    knee_extension,
    knees_inward,
    leg_raise_angle,
    squat_depth,
)
from posecheck.live.trackers import CircleParams, HoldParams, RepParams
from posecheck.types import Pose, Side, View

#: The coach id of the timed standing-posture hold (not a catalogue exercise).
STANDING_POSTURE = "standing_posture"

Reading = float | tuple[float, float]


class Signal(enum.StrEnum):
    """The signals the coach follows (units in each row of :data:`SIGNALS`)."""

    HEEL_HEIGHT = "heel_height"
    KNEE_EXTENSION = "knee_extension"
    LEG_RAISE = "leg_raise_angle"
    FOOT_POINTING = "foot_pointing"
    FOOT_FORE_AFT = "foot_fore_aft"
    #: spread of the foot's position against the knee over the last second (shank lengths)
    FOOT_STILLNESS = "foot_stillness"
    #: standard deviation of the foot's fore-aft position over the last second (foot lengths)
    FOOT_MOTION = "foot_motion"
    #: the larger spread of the hips' or ankles' midpoint over the last second (body lengths);
    #: None when not standing
    BODY_SWAY = "body_sway"
    #: minus the hips' height above the ankles (shoulder widths): rises as the hips go down
    SQUAT_DEPTH = "squat_depth"
    #: how far the knee that comes in most lies off its hip-ankle line (deg, + in)
    KNEES_INWARD = "knees_inward"
    #: how far the ear lies behind the shoulder (trunk lengths, + behind)
    HEAD_BACK = "head_drawn_back"
    #: how high the foot is above the other one (the other leg's shank lengths)
    FOOT_LIFT = "foot_lift"
    #: how far the head is tilted toward the side's shoulder, against the shoulders (deg)
    HEAD_TILT = "head_tilt"


#: The signals whose readings are points (x, y); the others are numbers.
POINT_SIGNALS: frozenset[Signal] = frozenset({Signal.FOOT_POINTING})


@dataclass(frozen=True)
class SignalSpec:
    """How a signal is read and shown.

    Attributes:
        label: short words for the picture ("knee", "heel").
        unit: the unit in words.
        read: the function of :mod:`posecheck.live.signals` that reads it from one pose and a
            side; None for the signals made from a window of readings (stillness, motion, sway).
        smoothing: the one-euro filter applied to each reading (None: not smoothed). Light:
            MediaPipe already smooths the landmarks in video mode with one person.
        digits: decimals to show.
    """

    label: str
    unit: str
    read: Callable[[Pose, Side], Reading | None] | None
    smoothing: OneEuroParams | None
    digits: int


#: Foot-length and shank-length signals: about 1.5 Hz still, faster when moving (speeds of about
#: one unit per second raise the cutoff to ~5 Hz).
_LENGTHS = OneEuroParams(min_cutoff=1.5, beta=4.0, d_cutoff=1.0)
#: Angles in degrees: 1.5 Hz still, ~6 Hz at 100°/s.
_ANGLES = OneEuroParams(min_cutoff=1.5, beta=0.05, d_cutoff=1.0)

SIGNALS: Mapping[Signal, SignalSpec] = MappingProxyType(
    {
        Signal.HEEL_HEIGHT: SignalSpec("heel", "foot lengths", heel_height, _LENGTHS, 2),
        Signal.KNEE_EXTENSION: SignalSpec("knee", "deg", knee_extension, _ANGLES, 0),
        Signal.LEG_RAISE: SignalSpec("leg raise", "deg", leg_raise_angle, _ANGLES, 0),
        Signal.FOOT_POINTING: SignalSpec(
            "foot", "shank lengths", foot_pointing, OneEuroParams(2.0, 5.0, 1.0), 2
        ),
        Signal.FOOT_FORE_AFT: SignalSpec("foot", "foot lengths", foot_fore_aft, _LENGTHS, 2),
        Signal.FOOT_STILLNESS: SignalSpec("foot still", "shank lengths", None, None, 3),
        Signal.FOOT_MOTION: SignalSpec("rolling", "foot lengths", None, None, 3),
        Signal.BODY_SWAY: SignalSpec("sway", "body lengths", None, None, 3),
        Signal.SQUAT_DEPTH: SignalSpec("hips", "shoulder widths", squat_depth, _LENGTHS, 2),
        Signal.KNEES_INWARD: SignalSpec("knees in", "deg", knees_inward, _ANGLES, 0),
        Signal.HEAD_BACK: SignalSpec("head back", "trunk lengths", head_drawn_back, _LENGTHS, 3),
        Signal.FOOT_LIFT: SignalSpec("foot up", "shank lengths", foot_lift, _LENGTHS, 2),
        Signal.HEAD_TILT: SignalSpec("head tilt", "deg", head_tilt, _ANGLES, 0),
    }
)


class Tracking(enum.StrEnum):
    """How an exercise is followed.

    ``REPS``: repetitions with two thresholds (:class:`~posecheck.live.trackers.RepCounter`).
    ``HOLD``: holds with a grace period (:class:`~posecheck.live.trackers.HoldTimer`): completed
    holds are counted when the dose is in repetitions, held time is summed when it is in seconds.
    ``CIRCLES``: full circles by accumulated angle, timed per direction.
    ``PACED``: the movement itself cannot be seen: a paced timer (work, rest, work, ...) counts
    the repetitions done while the foot keeps still.
    """

    REPS = "reps"
    HOLD = "hold"
    CIRCLES = "circles"
    PACED = "paced"


class SideRule(enum.StrEnum):
    """Which side the signal is read on.

    ``PER_SIDE``: the dose is per side; the sides go in turn (right first), the signal is read on
    the side being exercised. ``NEAR``: one set for both; the side nearer the camera (in a side
    view the one the camera sees, else the better visible). ``NONE``: the whole body.
    """

    PER_SIDE = "per_side"
    NEAR = "near"
    NONE = "none"


@dataclass(frozen=True)
class RepRule:
    """:class:`~posecheck.live.trackers.RepParams` with thresholds that may be relative, and
    the cues for a near miss (out of rest but not past ``high``: ``shallow``) and a rep too
    short at its far end (``too_short``)."""

    low: float
    high: float
    relative: bool = False
    min_dwell_ms: float = 0.0
    max_rep_ms: float | None = None
    max_gap_ms: float = 500.0
    shallow: CueKey | None = None
    too_short: CueKey | None = None

    def params(self, baseline: float) -> RepParams:
        offset = baseline if self.relative else 0.0
        return RepParams(
            low=self.low + offset,
            high=self.high + offset,
            min_dwell_ms=self.min_dwell_ms,
            max_rep_ms=self.max_rep_ms,
            max_gap_ms=self.max_gap_ms,
        )


@dataclass(frozen=True)
class HoldRule:
    """:class:`~posecheck.live.trackers.HoldParams` with bounds that may be relative."""

    low: float | None = None
    high: float | None = None
    relative: bool = False
    grace_ms: float = 500.0
    max_gap_ms: float = 1000.0

    def params(self, baseline: float, target_ms: float | None) -> HoldParams:
        offset = baseline if self.relative else 0.0
        return HoldParams(
            low=None if self.low is None else self.low + offset,
            high=None if self.high is None else self.high + offset,
            grace_ms=self.grace_ms,
            target_ms=target_ms,
            max_gap_ms=self.max_gap_ms,
        )


@dataclass(frozen=True)
class CircleRule:
    """How circles of a point are counted when the camera sees them as flat ellipses.

    A foot tip circling about the ankle, seen from the front, moves mostly sideways: its
    up-and-down travel is foreshortened (on rendered clips to a fifth of the sideways one). The
    point is therefore taken about the mean of its last ``window_ms`` and each axis is divided by
    that axis's spread (an ellipse becomes a circle), the thinner axis by at least the larger one
    over ``max_stretch``; the angle is then counted by a
    :class:`~posecheck.live.trackers.CircleCounter` about (0, 0). A point whose larger spread is
    under ``min_spread`` (the signal's unit) is not circling: nothing is counted.

    Attributes:
        window_ms: the centre and the spreads come from this long (about one circle: on rendered
            clips of 2.1-2.4 s circles 1.5-2.5 s counted every circle, 3 s missed the last one,
            whose start the centre had not yet caught up with).
        min_spread: the least spread of a real circle, in the signal's unit.
        max_stretch: the thinner axis is stretched at most this much.
        min_radius, reversal_deg, max_step_deg, max_gap_ms: the counter's, ``min_radius`` in
            spreads.
    """

    window_ms: float = 2000.0
    min_spread: float = 0.02
    max_stretch: float = 6.0
    min_radius: float = 0.5
    reversal_deg: float = 90.0
    max_step_deg: float = 150.0
    max_gap_ms: float = 500.0

    def params(self) -> CircleParams:
        return CircleParams(
            centre=(0.0, 0.0),
            min_radius=self.min_radius,
            reversal_deg=self.reversal_deg,
            max_step_deg=self.max_step_deg,
            max_gap_ms=self.max_gap_ms,
        )


@dataclass(frozen=True)
class PaceRule:
    """A paced repetition: ``work_ms`` (the dose's hold, when it has one) then ``rest_ms``."""

    work_ms: float
    rest_ms: float


@dataclass(frozen=True)
class Gate:
    """The tracked signal counts only while ``signal`` is at least ``at_least`` (the leg raised
    in the towel stretch). With ``pick_side`` the signals are read on the side where ``signal``
    is higher (the raised leg), whatever MediaPipe labels it: side-on it swaps the legs' labels.
    """

    signal: Signal
    at_least: float
    pick_side: bool = False


@dataclass(frozen=True)
class BaselineRule:
    """How the baseline is found: the median of the signal over ``still_ms`` in which it varies
    by at most ``max_range``; with no such second within ``timeout_ms`` of readings, the
    ``fallback_quantile`` of the readings so far (the rest level of a movement that started at
    once). With ``rest_is_lowest`` (heels down is the lowest a heel reads), a later still second
    more than ``max_range / 2`` below the baseline replaces it: a set begun with the heels held
    up and still took the raised level for rest."""

    still_ms: float = 1000.0
    max_range: float = 0.06
    timeout_ms: float = 4000.0
    fallback_quantile: float = 0.1
    rest_is_lowest: bool = True


@dataclass(frozen=True)
class Camera:
    """Where the camera goes and which views of the person the exercise needs.

    ``min_foot_ratio``: the foot must look at least this long against the shank
    (:func:`~posecheck.live.signals.foot_to_shank_ratio`; side-on about 0.55-0.7).
    """

    advice: str
    views: frozenset[View]
    wrong_view: str
    min_foot_ratio: float | None = None


class CueKind(enum.StrEnum):
    """What a cue is about."""

    SETUP = "setup"  # camera, view, being in frame, the baseline
    FORM = "form"  # how the movement is done
    PROGRESS = "progress"  # hold, relax, switch sides, done
    LIMIT = "limit"  # what the camera cannot see


class CueKey(enum.StrEnum):
    """Every cue the coach gives; :data:`CUES` holds its kind and words."""

    NOT_IN_FRAME = "not_in_frame"
    OTHERS_IN_VIEW = "others_in_view"
    SHOW_SIDE = "show_side"
    VIEW_WRONG = "view_wrong"
    CALIBRATE = "calibrate"
    KNEE_STRAIGHT = "knee_straight"
    RAISE_LEG = "raise_leg"
    HEELS_HIGHER = "heels_higher"
    PAUSE_AT_TOP = "pause_at_top"
    BEND_LOWER = "bend_lower"
    PAUSE_AT_BOTTOM = "pause_at_bottom"
    KNEES_OUT = "knees_out"
    TILT_FURTHER = "tilt_further"
    OTHER_SHOULDER = "other_shoulder"
    FULL_CIRCLE = "full_circle"
    OTHER_DIRECTION = "other_direction"
    KEEP_STILL = "keep_still"
    STAND_STILL = "stand_still"
    WORK = "work"
    RELAX = "relax"
    HOLD = "hold"
    KEEP_GOING = "keep_going"
    SWITCH_SIDE = "switch_side"
    SET_DONE = "set_done"
    DONE = "done"
    CANNOT_SEE = "cannot_see"


#: Each cue's kind and words; ``{side}`` is "left foot" / "right leg", ``{camera}`` the
#: camera advice, ``{wrong_view}`` the row's words, ``{work}`` the row's work words,
#: ``{which}`` the side alone ("left"), ``{left}`` seconds left, ``{done}`` / ``{target}``
#: progress, ``{amount}`` the progress in words
#: (the set under way, for a dose of several), ``{sets_done}`` / ``{sets}`` / ``{per_set}`` sets.
CUES: Mapping[CueKey, tuple[CueKind, str]] = MappingProxyType(
    {
        CueKey.NOT_IN_FRAME: (CueKind.SETUP, "Step into view. {camera}"),
        CueKey.OTHERS_IN_VIEW: (
            CueKind.SETUP,
            "Someone else is in view: ask them to step out of the picture",
        ),
        CueKey.SHOW_SIDE: (CueKind.SETUP, "Keep your {side} in view"),
        CueKey.VIEW_WRONG: (CueKind.SETUP, "{wrong_view}"),
        CueKey.CALIBRATE: (CueKind.SETUP, "Stand still, feet flat, for a moment"),
        CueKey.KNEE_STRAIGHT: (CueKind.FORM, "Knee straight"),
        CueKey.RAISE_LEG: (CueKind.FORM, "Raise the leg a little higher"),
        CueKey.HEELS_HIGHER: (CueKind.FORM, "Heels higher"),
        CueKey.PAUSE_AT_TOP: (CueKind.FORM, "Pause at the top"),
        CueKey.BEND_LOWER: (CueKind.FORM, "Bend the knees a little more"),
        CueKey.PAUSE_AT_BOTTOM: (CueKind.FORM, "Pause at the bottom"),
        CueKey.KNEES_OUT: (CueKind.FORM, "Knees out: keep each knee over its foot"),
        CueKey.TILT_FURTHER: (
            CueKind.FORM,
            "Tilt a little further, ear toward your {which} shoulder",
        ),
        CueKey.OTHER_SHOULDER: (CueKind.FORM, "The other way: ear toward your {which} shoulder"),
        CueKey.FULL_CIRCLE: (CueKind.FORM, "Full circle"),
        CueKey.OTHER_DIRECTION: (CueKind.PROGRESS, "Now circle the other way"),
        CueKey.KEEP_STILL: (CueKind.FORM, "Keep the heel and foot still"),
        CueKey.STAND_STILL: (CueKind.FORM, "Stand still and tall, weight on both feet"),
        CueKey.WORK: (CueKind.PROGRESS, "{work}: {left} s"),
        CueKey.RELAX: (CueKind.PROGRESS, "Relax: {left} s"),
        CueKey.HOLD: (CueKind.PROGRESS, "Hold: {done} of {target} s"),
        CueKey.KEEP_GOING: (CueKind.PROGRESS, "{amount}"),
        CueKey.SWITCH_SIDE: (CueKind.PROGRESS, "Switch to the {side}"),
        CueKey.SET_DONE: (
            CueKind.PROGRESS,
            "Set {sets_done} of {sets} done: rest a few breaths, then {per_set} more",
        ),
        CueKey.DONE: (CueKind.PROGRESS, "Set done"),
        CueKey.CANNOT_SEE: (CueKind.LIMIT, "{cannot_see}"),
    }
)


@dataclass(frozen=True)
class CoachDef:
    """One coached exercise (see the module docstring). Exactly one of ``rep``, ``hold``,
    ``circle`` and ``pace`` is set, the one its ``tracking`` uses (``pace`` also uses ``hold``
    for the stillness that must last through each work phase).

    Attributes:
        exercise_id: the catalogue id (or :data:`STANDING_POSTURE`).
        signal: the signal the tracker follows.
        tracking: how it is followed.
        sides: which side the signal is read on.
        camera: where the camera goes; which views the exercise needs.
        form: the form cues this exercise gives (each detected by the coach, see ``coach``).
        gate: the tracked signal counts only while another is high enough.
        baseline: how the baseline of relative thresholds is found (None: no relative ones).
        work: words for the work phase of a paced repetition ("Press the toes down").
        cannot_see: what the camera cannot see in this exercise, said while it is coached.
        dose: the dose when the exercise is not in the catalogue.
        also: signals read for the form cues besides ``signal`` and the gate's.
    """

    exercise_id: str
    signal: Signal
    tracking: Tracking
    sides: SideRule
    camera: Camera
    rep: RepRule | None = None
    hold: HoldRule | None = None
    circle: CircleRule | None = None
    pace: PaceRule | None = None
    gate: Gate | None = None
    baseline: BaselineRule | None = None
    form: tuple[CueKey, ...] = ()
    work: str = ""
    cannot_see: str | None = None
    dose: Dose | None = None
    also: tuple[Signal, ...] = ()

    def __post_init__(self) -> None:
        needs = {
            Tracking.REPS: self.rep,
            Tracking.HOLD: self.hold,
            Tracking.CIRCLES: self.circle,
            Tracking.PACED: self.pace if self.hold is not None else None,
        }
        if needs[self.tracking] is None:
            raise ValueError(f"CoachDef {self.exercise_id}: {self.tracking} needs its parameters")
        relative = (self.rep is not None and self.rep.relative) or (
            self.hold is not None and self.hold.relative
        )
        if relative and self.baseline is None:
            raise ValueError(f"CoachDef {self.exercise_id}: relative thresholds need a baseline")
        for cue in self.form:
            if CUES[cue][0] is not CueKind.FORM and cue is not CueKey.OTHER_DIRECTION:
                raise ValueError(f"CoachDef {self.exercise_id}: {cue} is not a form cue")


_SIDE_ON = frozenset({View.LEFT, View.RIGHT})
_ANY_VIEW = frozenset(View)
_TURN_SIDE_ON = "Turn side-on to the camera"
_SEATED_FEET = Camera(
    "Camera at knee height, 1-2 m away, your foot and knee in view (bare feet help).",
    _ANY_VIEW,
    "Show the camera your foot and knee",
)
_STANDING_SIDE = Camera(
    "Camera side-on at hip height, 2-3 m away, your whole body and feet in view.",
    _SIDE_ON,
    _TURN_SIDE_ON,
    min_foot_ratio=0.3,
)
_FACING = frozenset({View.FRONT})
_IN_FRONT = "Camera in front of you at hip height, 2-3 m away, your whole body and feet in view"
_FACE_THE_CAMERA = "Face the camera"
_STANDING_FRONT = Camera(f"{_IN_FRONT}.", _FACING, _FACE_THE_CAMERA)
_NO_TOES = (
    "The camera cannot see your toes (the body model has no toe joints): posecheck paces and "
    "times the set and checks that the heel and foot stay still."
)
_HEEL_BASELINE = BaselineRule(still_ms=1000.0, max_range=0.06)

#: One row per coached exercise: the seven foot exercises, heel raises, mini squats, standing on
#: one leg, chin tucks, the neck side stretch and the posture hold.
COACH_DEFS: tuple[CoachDef, ...] = (
    CoachDef(
        exercise_id="toe_pressing",
        signal=Signal.FOOT_STILLNESS,
        tracking=Tracking.PACED,
        sides=SideRule.PER_SIDE,
        camera=_SEATED_FEET,
        hold=HoldRule(high=0.03, grace_ms=500.0),
        pace=PaceRule(work_ms=3000.0, rest_ms=2000.0),
        form=(CueKey.KEEP_STILL,),
        work="Press the toes down",
        cannot_see=_NO_TOES,
    ),
    CoachDef(
        exercise_id="toe_walking",
        signal=Signal.HEEL_HEIGHT,
        tracking=Tracking.HOLD,
        sides=SideRule.NEAR,
        camera=_STANDING_SIDE,
        # heels clearly up (see heel raises: MediaPipe reads about 0.6 of the true rise)
        hold=HoldRule(low=0.10, relative=True, grace_ms=600.0, max_gap_ms=1000.0),
        baseline=_HEEL_BASELINE,
        form=(CueKey.HEELS_HIGHER,),
    ),
    CoachDef(
        exercise_id="toe_stretching",
        signal=Signal.FOOT_STILLNESS,
        tracking=Tracking.PACED,
        sides=SideRule.PER_SIDE,
        camera=_SEATED_FEET,
        hold=HoldRule(high=0.03, grace_ms=500.0),
        pace=PaceRule(work_ms=5000.0, rest_ms=3000.0),
        form=(CueKey.KEEP_STILL,),
        work="Spread and stretch the toes",
        cannot_see=(
            "The camera cannot see your toes spread or stretch (the body model has no toe "
            "joints): posecheck paces and times each hold and checks that the foot stays still."
        ),
    ),
    CoachDef(
        exercise_id="toe_pencil_grip",
        signal=Signal.FOOT_STILLNESS,
        tracking=Tracking.PACED,
        sides=SideRule.PER_SIDE,
        camera=_SEATED_FEET,
        # the forefoot lifts a little with the pencil: a looser stillness than toe pressing
        hold=HoldRule(high=0.05, grace_ms=700.0),
        pace=PaceRule(work_ms=3000.0, rest_ms=2000.0),
        form=(CueKey.KEEP_STILL,),
        work="Grip the pencil and lift it",
        cannot_see=(
            "The camera cannot see your toes grip (the body model has no toe joints): posecheck "
            "paces and counts the pick-ups and checks that the heel stays down and the foot still."
        ),
    ),
    CoachDef(
        exercise_id="towel_leg_stretch",
        signal=Signal.KNEE_EXTENSION,
        tracking=Tracking.HOLD,
        sides=SideRule.PER_SIDE,
        camera=Camera(
            "Camera side-on at floor level, 2-3 m away, your whole body in view.",
            _SIDE_ON,
            "Put the camera side-on to you (beside your hip)",
        ),
        # MediaPipe reads a straight raised leg's knee at 150-170 degrees (rendered clips, true
        # 176): 145 lets a straight knee hold and stops a clearly bent one
        hold=HoldRule(low=145.0, grace_ms=1000.0, max_gap_ms=1000.0),
        gate=Gate(Signal.LEG_RAISE, at_least=25.0, pick_side=True),
        form=(CueKey.KNEE_STRAIGHT, CueKey.RAISE_LEG),
    ),
    CoachDef(
        exercise_id="ankle_circles",
        signal=Signal.FOOT_POINTING,
        tracking=Tracking.CIRCLES,
        sides=SideRule.PER_SIDE,
        camera=Camera(
            "Camera in front of you at knee height, 1-2 m away, the lifted foot's toes pointing "
            "at it.",
            frozenset({View.FRONT}),
            "Face the camera, toes pointing at it",
        ),
        circle=CircleRule(window_ms=2000.0, min_spread=0.02, max_stretch=6.0, min_radius=0.5),
        form=(CueKey.FULL_CIRCLE, CueKey.OTHER_DIRECTION),
    ),
    CoachDef(
        exercise_id="tennis_ball_massage",
        signal=Signal.FOOT_MOTION,
        tracking=Tracking.HOLD,
        sides=SideRule.PER_SIDE,
        camera=Camera(
            "Camera side-on at floor level, 1-2 m away, your foot and knee in view.",
            _SIDE_ON,
            _TURN_SIDE_ON,
        ),
        hold=HoldRule(low=0.02, grace_ms=1500.0, max_gap_ms=1500.0),
        cannot_see=(
            "The camera cannot feel the pressure or see small rolls: posecheck times the rolling "
            "it can see (heel to toes and back)."
        ),
    ),
    CoachDef(
        exercise_id="heel_raises",
        signal=Signal.HEEL_HEIGHT,
        tracking=Tracking.REPS,
        sides=SideRule.NEAR,
        camera=_STANDING_SIDE,
        # MediaPipe reads about 0.6 of a heel's true rise side-on (rendered clips: a true rise
        # of 0.31 foot lengths read as 0.17-0.24), and a foot flat at rest within +-0.05
        rep=RepRule(
            low=0.07,
            high=0.13,
            relative=True,
            min_dwell_ms=250.0,
            max_rep_ms=8000.0,
            max_gap_ms=500.0,
            shallow=CueKey.HEELS_HIGHER,
            too_short=CueKey.PAUSE_AT_TOP,
        ),
        baseline=_HEEL_BASELINE,
        form=(CueKey.HEELS_HIGHER, CueKey.PAUSE_AT_TOP),
    ),
    CoachDef(
        exercise_id="mini_squat_knee_control",
        signal=Signal.SQUAT_DEPTH,
        tracking=Tracking.REPS,
        sides=SideRule.NONE,
        camera=_STANDING_FRONT,
        # Rendered quarter squats (knees bent 55-60°, the hips 9-13 cm lower) read 0.30-0.44
        # shoulder widths above the standing level with the lite model, standing still within
        # +-0.05 of it; a squat counts past 0.20 and ends back under 0.10
        rep=RepRule(
            low=0.10,
            high=0.20,
            relative=True,
            min_dwell_ms=200.0,
            max_rep_ms=10000.0,
            max_gap_ms=500.0,
            shallow=CueKey.BEND_LOWER,
            too_short=CueKey.PAUSE_AT_BOTTOM,
        ),
        baseline=BaselineRule(still_ms=1000.0, max_range=0.08),
        form=(CueKey.BEND_LOWER, CueKey.PAUSE_AT_BOTTOM, CueKey.KNEES_OUT),
        also=(Signal.KNEES_INWARD,),
    ),
    CoachDef(
        exercise_id="single_leg_balance",
        signal=Signal.FOOT_LIFT,
        tracking=Tracking.HOLD,
        sides=SideRule.PER_SIDE,
        camera=Camera(f"{_IN_FRONT}; a wall or a chair within reach.", _FACING, _FACE_THE_CAMERA),
        # Rendered one-leg stands read 0.24-0.50 with the foot up, 0.0-0.05 on both feet; the
        # real one-leg balance clip 0.25-0.86: the foot is up past 0.15
        hold=HoldRule(low=0.15, grace_ms=400.0, max_gap_ms=1000.0),
    ),
    CoachDef(
        exercise_id="chin_tucks",
        signal=Signal.HEAD_BACK,
        tracking=Tracking.HOLD,
        sides=SideRule.NEAR,
        camera=Camera(
            "Camera side-on at chest height, 1.5-2.5 m away, your head, shoulders and hips in "
            "view.",
            _SIDE_ON,
            _TURN_SIDE_ON,
        ),
        # Rendered chin tucks (the ear 3.4-4.4 cm back) read 0.023-0.06 trunk lengths above
        # the resting level with the lite model, resting within +-0.011 of it: a tuck is held
        # while 0.015 above it
        hold=HoldRule(low=0.015, relative=True, grace_ms=600.0, max_gap_ms=1000.0),
        baseline=BaselineRule(still_ms=1000.0, max_range=0.02),
    ),
    CoachDef(
        exercise_id="neck_side_stretch",
        signal=Signal.HEAD_TILT,
        tracking=Tracking.HOLD,
        sides=SideRule.PER_SIDE,
        camera=Camera(
            "Camera in front of you at chest height, 1-2 m away, your head, shoulders and hips "
            "in view; sit or stand tall. Each side is the shoulder your ear goes toward.",
            _FACING,
            _FACE_THE_CAMERA,
        ),
        # The side is the shoulder the ear goes toward. The lite model reads about half of a
        # head's tilt (rendered clips: 25° read 11.5°, 21° read 13.9°; at rest within +-1° of
        # level): a tilt is held past 7°, "tilt a little further" from 4.2° (the coach's near
        # miss), "the other way" past 7° toward the other shoulder
        hold=HoldRule(low=7.0, grace_ms=600.0, max_gap_ms=1000.0),
        form=(CueKey.TILT_FURTHER, CueKey.OTHER_SHOULDER),
    ),
    CoachDef(
        exercise_id=STANDING_POSTURE,
        signal=Signal.BODY_SWAY,
        tracking=Tracking.HOLD,
        sides=SideRule.NONE,
        camera=Camera(
            "Camera at hip height, 2-3 m away, facing you or side-on, your whole body in view.",
            _ANY_VIEW,
            "Stand facing the camera or side-on",
        ),
        hold=HoldRule(high=0.01, grace_ms=500.0, max_gap_ms=1000.0),
        form=(CueKey.STAND_STILL,),
        dose=Dose(
            sets=1,
            reps=None,
            hold_seconds=None,
            seconds=30,
            per_side=False,
            side=None,
            each_direction=False,
            frequency="daily",
        ),
    ),
)

#: The rows by exercise id.
COACH_BY_ID: Mapping[str, CoachDef] = MappingProxyType({d.exercise_id: d for d in COACH_DEFS})

#: Every exercise the coach can follow: the foot-care routine first, in its order.
COACHED_IDS: tuple[str, ...] = (
    *FOOT_CARE_IDS,
    *(d.exercise_id for d in COACH_DEFS if d.exercise_id not in FOOT_CARE_IDS),
)


def next_in_routine(exercise_id: str | None) -> str | None:
    """The foot-care routine's exercise after this one (the seven foot exercises, in the order a
    plan gives them); None after the last one and for an exercise outside the routine."""
    if exercise_id not in FOOT_CARE_IDS:
        return None
    after = FOOT_CARE_IDS.index(exercise_id) + 1
    return FOOT_CARE_IDS[after] if after < len(FOOT_CARE_IDS) else None
