"""Short exercise clips with known truth: ``python -m synth.clips --out DIR [--only NAME]
[--fps 15] [--size 360x640]``.

Per clip it writes ``<name>.mp4`` (H.264; see ``encode.py``) and ``<name>.json`` (format
``posecheck-synth-clip/1``): the exercise (catalogue id), the view, the frame rate and count, the
count of repetitions or circles or the seconds of hold with the time of each, the moving side,
the body, the noise, and per-frame truth (true 2D landmarks, true exercise signals). The body is
posed once per clip by ``BodyModel.solve`` and moved per frame by ``synth.motion``; the camera
is fitted once over all frames and held (or shaken, in the noisy variants).

Frame ``i`` is the instant ``t_ms = i * 1000 / fps``; the first frame is t = 0. Every motion
starts and ends at rest and follows smooth (raised-cosine) ramps, with a small postural sway.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from synth import truth
from synth.params import Appearance, Body, Camera, Posture, Scene, view_of_yaw
from synth.render import LANDMARKS, versions

CLIP_FORMAT = "posecheck-synth-clip/1"
ROOT = Path(__file__).resolve().parents[1]
#: The interpreter that encodes (posecheck's venv has PyAV with libx264, and OpenCV).
ENCODER_PYTHON = ROOT / ".venv" / "bin" / "python"
TOWEL_COLOUR = (225, 120, 60)


# --- timing helpers ------------------------------------------------------------------------------


def ease(u: float) -> float:
    """0 → 1 along a raised cosine (zero speed at both ends); clipped outside [0, 1]."""
    u = min(1.0, max(0.0, u))
    return 0.5 - 0.5 * math.cos(math.pi * u)


@dataclass(frozen=True)
class Sway:
    """Postural sway: a sum of two slow sines per direction (degrees), phases from the seed."""

    forward_deg: float = 0.35
    lateral_deg: float = 0.3
    periods_s: tuple[float, float] = (3.7, 1.6)

    def at(self, t: float, phases: np.ndarray) -> tuple[float, float]:
        a, b = self.periods_s
        fwd = 0.75 * math.sin(2 * math.pi * t / a + phases[0]) + 0.25 * math.sin(
            2 * math.pi * t / b + phases[1]
        )
        lat = 0.75 * math.sin(2 * math.pi * t / (a * 1.3) + phases[2]) + 0.25 * math.sin(
            2 * math.pi * t / (b * 1.2) + phases[3]
        )
        return self.forward_deg * fwd, self.lateral_deg * lat


def _held(t: float, lead_s: float, rise_s: float, hold_s: float, fall_s: float) -> float:
    """0 until ``lead_s``, up to 1 along a raised cosine over ``rise_s``, 1 for ``hold_s``, then
    back to 0 over ``fall_s``: a movement held once (a leg raised, a head tilted)."""
    up = lead_s + rise_s
    down = up + hold_s
    if t < up:
        return ease((t - lead_s) / rise_s)
    if t < down:
        return 1.0
    return 1.0 - ease((t - down) / fall_s)


@dataclass
class Plan:
    """A script's result: how long, the motion at each instant, and the truth of the events."""

    duration_s: float
    motion_at: Callable[[float], Any]
    events: dict[str, Any]


def _jitter(rng: np.random.Generator, value: float, amount: float) -> float:
    return value * (1.0 + float(rng.uniform(-amount, amount)))


def _rep_spans(
    rng: np.random.Generator,
    count: int,
    lead_s: float,
    phases_s: tuple[float, float, float],
    rest_s: float,
    jitter: float,
    peak: float,
) -> tuple[list[tuple[float, float, float, float, float]], float]:
    """Repetitions one after another: each one's (start, far end reached, leaving the far end,
    end, its peak), its three phases' times and the rests between varied by ``jitter``
    (relative) and its peak by 8 %; and the time the last one ends."""
    spans = []
    t = lead_s
    for i in range(count):
        go, stay, back = (_jitter(rng, phase, jitter) for phase in phases_s)
        height = _jitter(rng, peak, 0.08)
        spans.append((t, t + go, t + go + stay, t + go + stay + back, height))
        t += go + stay + back
        if i < count - 1:
            t += _jitter(rng, rest_s, jitter)
    return spans, t


def _level(t: float, spans: Sequence[tuple[float, float, float, float, float]]) -> float:
    """Where ``_rep_spans``' repetitions have got at ``t``: each one's peak reached along a
    raised cosine, held, and let go along another; 0 between them."""
    for start, far, far_end, end, peak in spans:
        if start <= t < far:
            return peak * ease((t - start) / (far - start))
        if far <= t < far_end:
            return peak
        if far_end <= t < end:
            return peak * (1.0 - ease((t - far_end) / (end - far_end)))
    return 0.0


def _ms(t: float) -> float:
    return round(1000.0 * t, 1)


# --- scripts -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HeelRaises:
    """N rises onto the balls of both feet: rise, a pause at the top, a slower lowering, a rest.

    Each rep's durations and height vary by ``jitter`` (uniform, relative). The body leans
    forward by ``lean`` times the plantarflexion (the weight goes over the forefoot).
    """

    reps: int = 4
    lead_s: float = 0.7
    rise_s: float = 0.8
    top_s: float = 0.5
    lower_s: float = 1.0
    rest_s: float = 0.4
    tail_s: float = 0.6
    peak_deg: float = 22.0
    jitter: float = 0.1
    lean: float = 0.08
    sway: Sway = field(default_factory=Sway)

    kind = "reps"

    def plan(self, rng: np.random.Generator) -> Plan:
        from synth.motion import Motion

        phases_s = (self.rise_s, self.top_s, self.lower_s)
        reps, t = _rep_spans(
            rng, self.reps, self.lead_s, phases_s, self.rest_s, self.jitter, self.peak_deg
        )
        duration = t + self.tail_s
        phases = rng.uniform(0, 2 * math.pi, 4)
        wobble = rng.uniform(0, 2 * math.pi, 2)

        def angle(t: float) -> float:
            for start, up, top_end, end, peak in reps:
                if start <= t < up:
                    return peak * ease((t - start) / (up - start))
                if up <= t < top_end:
                    # A little unsteadiness at the top (±4 % of the height).
                    return peak * (1.0 + 0.04 * math.sin(2 * math.pi * (t - up) / 0.45 + wobble[0]))
                if top_end <= t < end:
                    return peak * (1.0 - ease((t - top_end) / (end - top_end)))
            return 0.0

        def motion_at(t: float) -> Motion:
            a = angle(t)
            fwd, lat = self.sway.at(t, phases)
            # The two heels rise a touch unevenly (±3 %).
            return Motion(
                heel_raise_left=a * (1.0 + 0.03 * math.sin(wobble[1])),
                heel_raise_right=a * (1.0 - 0.03 * math.sin(wobble[1])),
                sway_forward_deg=fwd + self.lean * a,
                sway_lateral_deg=lat,
            )

        events = {
            "reps": self.reps,
            "rep_times_ms": [
                {
                    "start_ms": _ms(s),
                    "top_ms": _ms(u),
                    "top_end_ms": _ms(e),
                    "end_ms": _ms(d),
                    "plantarflexion_deg": round(p, 2),
                }
                for s, u, e, d, p in reps
            ],
            "rep_definition": "start: the heels leave the floor; top: the top is reached; "
            "top_end: the lowering starts; end: the heels are down",
        }
        return Plan(duration, motion_at, events)


@dataclass(frozen=True)
class AnkleCircles:
    """One foot lifted a little off the floor (hip and knee bent) and its toes circling about
    the ankle N times in one direction, then set down.

    ``direction`` is the person's own: "clockwise" as they look down at their foot (from behind
    it), which is anticlockwise on the screen of a camera in front of them.
    """

    side: str = "left"
    circles: int = 4
    direction: str = "clockwise"
    lead_s: float = 0.6
    lift_s: float = 0.9
    period_s: float = 2.2
    lower_s: float = 0.8
    tail_s: float = 0.6
    tilt_deg: float = 26.0
    hip_deg: float = 45.0
    knee_deg: float = 55.0
    foot_pitch_deg: float = 8.0
    start_phase_deg: float = -90.0
    jitter: float = 0.08
    sway: Sway = field(default_factory=lambda: Sway(forward_deg=0.3, lateral_deg=0.25))

    kind = "circles"

    def plan(self, rng: np.random.Generator) -> Plan:
        from synth.motion import Motion

        sign = 1.0 if self.direction == "clockwise" else -1.0
        lift_end = self.lead_s + self.lift_s
        bounds = [lift_end]
        for _ in range(self.circles):
            bounds.append(bounds[-1] + _jitter(rng, self.period_s, self.jitter))
        circles_end = bounds[-1]
        lower_end = circles_end + self.lower_s
        duration = lower_end + self.tail_s
        phases = rng.uniform(0, 2 * math.pi, 4)

        def progress(t: float) -> float:
            """Circles done (a real number), with a gentle speed change within each circle."""
            if t <= lift_end:
                return 0.0
            for k in range(self.circles):
                if t < bounds[k + 1]:
                    u = (t - bounds[k]) / (bounds[k + 1] - bounds[k])
                    return k + u + 0.04 * math.sin(2 * math.pi * u)
            return float(self.circles)

        def motion_at(t: float) -> Motion:
            if t < lift_end:
                lift = ease((t - self.lead_s) / self.lift_s)
            elif t < circles_end:
                lift = 1.0
            else:
                lift = 1.0 - ease((t - circles_end) / self.lower_s)
            phase = self.start_phase_deg + sign * 360.0 * progress(t)
            fwd, lat = self.sway.at(t, phases)
            # The foot tips only once the leg is up (lift cubed): the toes leave the floor last.
            tip = lift**3
            values = {
                f"hip_flexion_{self.side}": self.hip_deg * lift,
                f"knee_flexion_{self.side}": self.knee_deg * lift,
                f"foot_pitch_{self.side}": self.foot_pitch_deg * tip,
            }
            return Motion(
                **values,
                circle_side=self.side if lift > 0 else "",
                circle_tilt_deg=self.tilt_deg * tip,
                circle_phase_deg=phase,
                sway_forward_deg=fwd,
                sway_lateral_deg=lat,
            )

        events = {
            "circles": self.circles,
            "direction_for_person": self.direction,
            "circle_times_ms": [
                {"start_ms": _ms(a), "end_ms": _ms(b)} for a, b in itertools.pairwise(bounds)
            ],
            "lift_times_ms": {"start_ms": _ms(self.lead_s), "down_ms": _ms(lower_end)},
            "circle_definition": "the toe tip's direction about the foot's rest axis turns by "
            "360 degrees from the start of one circle to its end; before the first the foot "
            "lifts and tilts to the circle's start (toes down), after the last it comes back "
            "and is set down",
        }
        return Plan(duration, motion_at, events)


@dataclass(frozen=True)
class LegHold:
    """One straight leg raised, held for ``hold_s`` and lowered (the towel leg stretch).

    ``lying``: on the back with a towel round the sole, its ends in both hands; otherwise
    standing (a straight-leg raise in front). The held leg trembles by ``tremor_deg`` and the
    knee stays ``knee_deg`` short of straight.
    """

    side: str = "left"
    hold_s: float = 6.0
    angle_deg: float = 65.0
    lead_s: float = 1.0
    raise_s: float = 1.6
    lower_s: float = 1.4
    tail_s: float = 0.9
    knee_deg: float = 4.0
    tremor_deg: float = 1.2
    lying: bool = True
    #: How the body rests on its back (``synth.motion.rest_on_back`` fills these in).
    lying_tilt_deg: float = 0.0
    neck_extension_deg: float = 0.0
    hip_extension_deg: float = 0.0
    sway: Sway = field(default_factory=lambda: Sway(forward_deg=0.25, lateral_deg=0.2))

    kind = "hold"

    def plan(self, rng: np.random.Generator) -> Plan:
        from synth.motion import Motion

        up = self.lead_s + self.raise_s
        down = up + self.hold_s
        end = down + self.lower_s
        duration = end + self.tail_s
        phases = rng.uniform(0, 2 * math.pi, 6)

        def motion_at(t: float) -> Motion:
            lift = _held(t, self.lead_s, self.raise_s, self.hold_s, self.lower_s)
            tremor = self.tremor_deg * (
                0.6 * math.sin(2 * math.pi * t / 1.3 + phases[0])
                + 0.4 * math.sin(2 * math.pi * t / 0.55 + phases[1])
            )
            values = {
                f"hip_flexion_{self.side}": lift * (self.angle_deg + tremor),
                f"knee_flexion_{self.side}": lift * self.knee_deg,
            }
            if self.lying:
                other = "right" if self.side == "left" else "left"
                rest = -self.hip_extension_deg
                values[f"hip_flexion_{self.side}"] += (1.0 - lift) * rest
                values[f"hip_flexion_{other}"] = rest
                return Motion(
                    **values,
                    towel=self.side,
                    lying=True,
                    lying_tilt_deg=self.lying_tilt_deg,
                    neck_extension_deg=self.neck_extension_deg,
                )
            fwd, lat = self.sway.at(t, phases[2:])
            return Motion(**values, sway_forward_deg=fwd, sway_lateral_deg=lat)

        events = {
            "hold_seconds": self.hold_s,
            "hold_times_ms": [{"start_ms": _ms(up), "end_ms": _ms(down)}],
            "raise_times_ms": {"start_ms": _ms(self.lead_s), "down_ms": _ms(end)},
            "hold_angle_deg": self.angle_deg,
            "hold_definition": "start: the leg reaches the held angle; end: it starts down "
            "(the raise and the lowering take the times in raise_times_ms around it)",
            "posture": "lying on the back, a towel round the sole" if self.lying else
            "standing, the straight leg raised in front",
        }  # fmt: skip
        return Plan(duration, motion_at, events)


@dataclass(frozen=True)
class Stance:
    """Standing still with postural sway for ``duration_s``."""

    duration_s: float = 5.0
    sway: Sway = field(default_factory=Sway)

    kind = "still"

    def plan(self, rng: np.random.Generator) -> Plan:
        from synth.motion import Motion

        phases = rng.uniform(0, 2 * math.pi, 4)

        def motion_at(t: float) -> Motion:
            fwd, lat = self.sway.at(t, phases)
            return Motion(sway_forward_deg=fwd, sway_lateral_deg=lat)

        return Plan(self.duration_s, motion_at, {"still": True, "seconds": self.duration_s})


@dataclass(frozen=True)
class MiniSquats:
    """N quarter squats on both feet, seen from the front: down (hips back, knees forward over
    the feet, the trunk leaning to keep the weight over them), a pause at the bottom, up, a rest.

    At the bottom the knees bend ``knee_deg`` (the thighs ``hip_deg`` from vertical, the shanks
    the rest), the trunk leans ``trunk_deg`` and each knee comes ``knee_in_deg`` toward the
    midline (0: each knee over its foot; 8-12: knees falling in). Each rep's times and depth vary
    by ``jitter`` (relative).
    """

    reps: int = 4
    lead_s: float = 1.2
    down_s: float = 1.2
    bottom_s: float = 0.5
    up_s: float = 1.0
    rest_s: float = 0.6
    tail_s: float = 0.8
    knee_deg: float = 60.0
    hip_deg: float = 40.0
    trunk_deg: float = 25.0
    knee_in_deg: float = 0.0
    jitter: float = 0.1
    sway: Sway = field(default_factory=Sway)

    kind = "reps"

    def plan(self, rng: np.random.Generator) -> Plan:
        from synth.motion import Motion

        phases_s = (self.down_s, self.bottom_s, self.up_s)
        reps, t = _rep_spans(rng, self.reps, self.lead_s, phases_s, self.rest_s, self.jitter, 1.0)
        duration = t + self.tail_s
        phases = rng.uniform(0, 2 * math.pi, 4)

        def motion_at(t: float) -> Motion:
            u = _level(t, reps)
            fwd, lat = self.sway.at(t, phases)
            hip, knee = u * self.hip_deg, u * self.knee_deg
            # the shank's forward tilt is undone at the ankle: the feet stay flat
            pitch = -(knee - hip)
            return Motion(
                squat=True,
                hip_flexion_left=hip, hip_flexion_right=hip,
                knee_flexion_left=knee, knee_flexion_right=knee,
                foot_pitch_left=pitch, foot_pitch_right=pitch,
                trunk_flexion_deg=u * self.trunk_deg,
                knee_in_left=u * self.knee_in_deg, knee_in_right=u * self.knee_in_deg,
                sway_forward_deg=fwd, sway_lateral_deg=lat,
            )  # fmt: skip

        events = {
            "reps": self.reps,
            "knee_in_deg": self.knee_in_deg,
            "rep_times_ms": [
                {
                    "start_ms": _ms(s),
                    "bottom_ms": _ms(b),
                    "bottom_end_ms": _ms(e),
                    "end_ms": _ms(d),
                    "knee_flexion_deg": round(self.knee_deg * depth, 2),
                }
                for s, b, e, d, depth in reps
            ],
            "rep_definition": "start: the knees start to bend; bottom: the lowest point is "
            "reached; bottom_end: the rise starts; end: standing again",
        }
        return Plan(duration, motion_at, events)


@dataclass(frozen=True)
class ChinTucks:
    """N chin tucks standing, seen side-on: the head drawn straight back (the neck tipped back
    ``tuck_deg``, the head kept level: the ear 3-4 cm back at 15-20°), held ``hold_s``, let
    forward again, a rest. The times are as given (a hold is counted once it lasts the dose's
    time); the depth varies by 8 %."""

    reps: int = 3
    lead_s: float = 1.5
    back_s: float = 0.8
    hold_s: float = 5.0
    forward_s: float = 0.8
    rest_s: float = 1.8
    tail_s: float = 1.0
    tuck_deg: float = 18.0
    sway: Sway = field(default_factory=Sway)

    kind = "reps"

    def plan(self, rng: np.random.Generator) -> Plan:
        from synth.motion import Motion

        phases_s = (self.back_s, self.hold_s, self.forward_s)
        reps, t = _rep_spans(rng, self.reps, self.lead_s, phases_s, self.rest_s, 0.0, self.tuck_deg)
        duration = t + self.tail_s
        phases = rng.uniform(0, 2 * math.pi, 4)

        def motion_at(t: float) -> Motion:
            fwd, lat = self.sway.at(t, phases)
            tuck = _level(t, reps)
            return Motion(neck_back_deg=tuck, sway_forward_deg=fwd, sway_lateral_deg=lat)

        events = {
            "reps": self.reps,
            "hold_s": self.hold_s,
            "rep_times_ms": [
                {
                    "start_ms": _ms(s),
                    "held_ms": _ms(b),
                    "held_end_ms": _ms(e),
                    "end_ms": _ms(d),
                    "tuck_deg": round(tuck, 2),
                }
                for s, b, e, d, tuck in reps
            ],
            "rep_definition": "start: the head starts back; held: the tuck is reached and held; "
            "held_end: the head starts forward; end: back at rest",
        }
        return Plan(duration, motion_at, events)


@dataclass(frozen=True)
class NeckTilt:
    """The head tilted toward one shoulder and held ``hold_s`` (a neck side stretch): ``side``
    is the shoulder the ear goes toward."""

    side: str = "right"
    hold_s: float = 6.0
    tilt_deg: float = 25.0
    lead_s: float = 1.5
    tilt_s: float = 1.0
    back_s: float = 1.0
    tail_s: float = 1.0
    sway: Sway = field(default_factory=Sway)

    kind = "hold"

    def plan(self, rng: np.random.Generator) -> Plan:
        from synth.motion import Motion

        held = self.lead_s + self.tilt_s
        back = held + self.hold_s
        level = back + self.back_s
        duration = level + self.tail_s
        phases = rng.uniform(0, 2 * math.pi, 4)
        toward_left = 1.0 if self.side == "left" else -1.0  # the sign of Motion.neck_side_deg

        def motion_at(t: float) -> Motion:
            share = _held(t, self.lead_s, self.tilt_s, self.hold_s, self.back_s)
            fwd, lat = self.sway.at(t, phases)
            tilt = toward_left * share * self.tilt_deg
            return Motion(neck_side_deg=tilt, sway_forward_deg=fwd, sway_lateral_deg=lat)

        events = {
            "hold_seconds": self.hold_s,
            "hold_times_ms": [{"start_ms": _ms(held), "end_ms": _ms(back)}],
            "tilt_times_ms": {"start_ms": _ms(self.lead_s), "level_ms": _ms(level)},
            "tilt_deg": self.tilt_deg,
            "hold_definition": "start: the head reaches the held tilt; end: it starts back "
            "(the tilt and the return take the times in tilt_times_ms around it)",
        }
        return Plan(duration, motion_at, events)


Script = HeelRaises | AnkleCircles | LegHold | Stance | MiniSquats | ChinTucks | NeckTilt


# --- clips ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Shake:
    """Hand-held camera shake: amplitudes of a smooth random wobble (0 = a tripod)."""

    roll_deg: float = 0.0
    pitch_deg: float = 0.0
    yaw_deg: float = 0.0
    height_mm: float = 0.0

    def any(self) -> bool:
        return any(v != 0.0 for v in asdict(self).values())


@dataclass(frozen=True)
class ClipSpec:
    """Everything one clip needs. ``size`` is (width, height); ``noisy`` marks the variant."""

    name: str
    exercise: str
    side: str | None
    script: Script
    body: Body
    appearance: Appearance
    posture: Posture
    camera: Camera
    scene: Scene
    size: tuple[int, int] = (360, 640)
    seed: int = 0
    shake: Shake = field(default_factory=Shake)
    crf: int = 23
    noisy: bool = False


WOMAN = Body(gender=1.0, age=0.62, weight=0.45, muscle=0.45, height=0.5)
MAN = Body(gender=0.0, age=0.7, weight=0.55, muscle=0.55, height=0.6)
OLDER_MAN = Body(gender=0.1, age=0.88, weight=0.7, muscle=0.4, height=0.45)
HEAVIER_WOMAN = Body(gender=0.9, age=0.78, weight=0.72, muscle=0.4, height=0.45)
LOOKS = {
    "blue": Appearance(skin=(224, 178, 150), hair=(95, 70, 45), top=(90, 140, 170),
                       shorts=(40, 40, 45), sleeves=False),
    "red": Appearance(skin=(180, 130, 100), hair=(30, 25, 22), top=(180, 50, 50),
                      shorts=(30, 50, 90)),
    "green": Appearance(skin=(150, 105, 75), hair=(170, 168, 165), top=(60, 120, 80),
                        shorts=(90, 90, 95)),
    "white": Appearance(skin=(236, 200, 176), hair=(120, 60, 35), top=(235, 235, 230),
                        shorts=(20, 20, 20)),
}  # fmt: skip
ROOM = Scene(background="room", door_offset_m=0.9)
ROOM_GREY = Scene(background="room", wall=(200, 205, 210), floor=(140, 140, 140),
                  door=(235, 235, 230), door_offset_m=-0.85, cupboard=(160, 120, 90),
                  light_azimuth_deg=-30.0)  # fmt: skip
PLAIN = Scene(background="plain", wall=(225, 220, 205), floor=(190, 185, 175))
NEUTRAL = Posture(toe_out_left=7.0, toe_out_right=6.0, valgus_left=1.0, valgus_right=1.0,
                  stance=1.05)  # fmt: skip
NOISY_SHAKE = Shake(roll_deg=0.5, pitch_deg=0.35, yaw_deg=0.3, height_mm=6.0)
NOISE_SD = 6.0


def _noisy(spec: ClipSpec, **changes: Any) -> ClipSpec:
    """The noisy variant: three-quarter size, sensor noise, camera shake, a stronger codec."""
    w, h = spec.size
    size = (2 * round(w * 0.375), 2 * round(h * 0.375))
    base = replace(spec, name=f"{spec.name}_noisy", size=size, shake=NOISY_SHAKE, crf=26,
                   noisy=True, scene=replace(spec.scene, noise=NOISE_SD))  # fmt: skip
    return replace(base, **changes)


def clip_specs(size: tuple[int, int] = (360, 640)) -> list[ClipSpec]:
    """The committed set. ``size`` is the portrait size of the clean clips; lying clips are
    landscape (its transpose) and the noisy variants three-quarter size."""
    landscape = (size[1], size[0])
    side_cam = Camera(yaw_deg=90.0, height_m=0.9, distance_m=2.7, vfov_deg=46.0)
    front_cam = Camera(yaw_deg=0.0, height_m=0.9, distance_m=2.6, vfov_deg=46.0)
    floor_cam = Camera(yaw_deg=90.0, height_m=0.75, distance_m=2.7, pitch_deg=None,
                       vfov_deg=30.0)  # fmt: skip
    heel_side = ClipSpec(
        name="heel_raises_side", exercise="heel_raises", side="both", script=HeelRaises(reps=4),
        body=WOMAN, appearance=LOOKS["blue"], posture=NEUTRAL, camera=side_cam, scene=ROOM,
        size=size, seed=11,
    )  # fmt: skip
    heel_front = ClipSpec(
        name="heel_raises_front", exercise="heel_raises", side="both",
        script=HeelRaises(reps=3, rise_s=0.7, top_s=0.6, lower_s=1.1), body=MAN,
        appearance=LOOKS["red"], posture=replace(NEUTRAL, toe_out_left=12.0, toe_out_right=10.0),
        camera=front_cam, scene=ROOM_GREY, size=size, seed=12,
    )  # fmt: skip
    circles = ClipSpec(
        name="ankle_circles_front", exercise="ankle_circles", side="left",
        script=AnkleCircles(side="left", circles=4, direction="clockwise"), body=WOMAN,
        appearance=LOOKS["white"], posture=NEUTRAL, camera=front_cam, scene=ROOM, size=size,
        seed=13,
    )  # fmt: skip
    towel = ClipSpec(
        name="towel_leg_stretch_side", exercise="towel_leg_stretch", side="left",
        script=LegHold(side="left", hold_s=6.0), body=MAN, appearance=LOOKS["blue"],
        posture=replace(NEUTRAL, stance=1.0, arm_abduction=6.0), camera=floor_cam, scene=ROOM,
        size=landscape, seed=14,
    )  # fmt: skip
    stance = ClipSpec(
        name="stance_still_front", exercise="stance_check", side=None, script=Stance(5.0),
        body=WOMAN, appearance=LOOKS["green"],
        posture=Posture(toe_out_left=14.0, toe_out_right=9.0, valgus_left=4.0, valgus_right=3.0,
                        pelvic_tilt=2.0, stance=1.1),
        camera=Camera(yaw_deg=0.0, height_m=1.1, distance_m=2.9, vfov_deg=44.0), scene=PLAIN,
        size=size, seed=15,
    )  # fmt: skip
    squats = ClipSpec(
        name="mini_squat_front", exercise="mini_squat_knee_control", side="both",
        script=MiniSquats(reps=4), body=WOMAN, appearance=LOOKS["red"],
        posture=replace(NEUTRAL, stance=1.1), camera=replace(front_cam, height_m=1.0),
        scene=ROOM, size=size, seed=16,
    )  # fmt: skip
    balance = ClipSpec(
        name="single_leg_balance_front", exercise="single_leg_balance", side="left",
        script=LegHold(side="left", hold_s=8.0, angle_deg=30.0, knee_deg=70.0, lying=False,
                       tremor_deg=2.0, raise_s=0.6, lower_s=0.6),
        body=WOMAN, appearance=LOOKS["green"], posture=NEUTRAL, camera=front_cam, scene=ROOM,
        size=size, seed=19,
    )  # fmt: skip
    tucks = ClipSpec(
        name="chin_tucks_side", exercise="chin_tucks", side="both", script=ChinTucks(reps=3),
        body=MAN, appearance=LOOKS["green"], posture=replace(NEUTRAL, head_forward=12.0),
        camera=replace(side_cam, height_m=1.2), scene=ROOM, size=size, seed=18,
    )  # fmt: skip
    necks = ClipSpec(
        name="neck_side_stretch_front", exercise="neck_side_stretch", side="right",
        script=NeckTilt(side="right", hold_s=6.0), body=MAN, appearance=LOOKS["white"],
        posture=NEUTRAL, camera=replace(front_cam, height_m=1.25, distance_m=2.2),
        scene=ROOM, size=size, seed=29,
    )  # fmt: skip
    return [
        necks,
        _noisy(necks, side="left", body=HEAVIER_WOMAN, appearance=LOOKS["blue"], seed=30,
               script=NeckTilt(side="left", hold_s=5.0, tilt_deg=21.0)),
        balance,
        _noisy(balance, side="right", body=OLDER_MAN, appearance=LOOKS["red"], seed=28,
               script=LegHold(side="right", hold_s=6.0, angle_deg=25.0, knee_deg=80.0,
                              lying=False, tremor_deg=2.5, raise_s=0.5, lower_s=0.5)),
        tucks,
        _noisy(tucks, body=WOMAN, appearance=LOOKS["white"], seed=27,
               camera=replace(side_cam, yaw_deg=270.0, height_m=1.2),
               script=ChinTucks(reps=2, tuck_deg=15.0)),
        squats,
        replace(squats, name="mini_squat_front_knees_in", body=MAN, appearance=LOOKS["blue"],
                scene=ROOM_GREY, seed=17,
                script=MiniSquats(reps=4, knee_in_deg=10.0, down_s=1.0, up_s=0.9)),
        _noisy(squats, body=HEAVIER_WOMAN, appearance=LOOKS["green"], seed=26,
               script=MiniSquats(reps=3, knee_deg=55.0, hip_deg=35.0, trunk_deg=22.0)),
        heel_side,
        _noisy(heel_side, body=OLDER_MAN, appearance=LOOKS["green"],
               camera=replace(side_cam, yaw_deg=270.0), seed=21,
               script=HeelRaises(reps=4, rise_s=0.6, top_s=0.35, lower_s=0.9, rest_s=0.4)),
        heel_front,
        _noisy(heel_front, body=HEAVIER_WOMAN, appearance=LOOKS["white"], seed=22,
               script=HeelRaises(reps=3, rise_s=0.6, top_s=0.4, lower_s=0.9, peak_deg=22.0)),
        circles,
        _noisy(circles, side="right", body=MAN, appearance=LOOKS["red"], seed=23,
               script=AnkleCircles(side="right", circles=3, direction="anticlockwise",
                                   period_s=2.0)),
        towel,
        _noisy(towel, side="right", body=HEAVIER_WOMAN, appearance=LOOKS["white"], seed=24,
               camera=replace(floor_cam, yaw_deg=270.0),
               script=LegHold(side="right", hold_s=5.0, angle_deg=60.0)),
        stance,
        _noisy(stance, body=OLDER_MAN, appearance=LOOKS["red"], seed=25,
               posture=Posture(toe_out_left=18.0, toe_out_right=20.0, valgus_left=-3.0,
                               valgus_right=-4.0, head_forward=15.0, stance=1.2)),
    ]  # fmt: skip


# --- rendering -----------------------------------------------------------------------------------


class VideoSink:
    """Frames piped to ``encode.py`` running under posecheck's interpreter."""

    def __init__(self, path: Path, size: tuple[int, int], fps: float, crf: int,
                 python: Path) -> None:  # fmt: skip
        if not python.exists():
            raise FileNotFoundError(
                f"{python}: the encoder needs posecheck's environment (make setup), which has "
                "PyAV and OpenCV; .venv-synth has no video writer"
            )
        script = Path(__file__).with_name("encode.py")
        command = [str(python), str(script), "--out", str(path), "--size",
                   f"{size[0]}x{size[1]}", "--fps", str(fps), "--crf", str(crf)]  # fmt: skip
        self._process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.frames = 0

    def write(self, rgb: np.ndarray) -> None:
        assert self._process.stdin is not None
        self._process.stdin.write(np.ascontiguousarray(rgb, dtype=np.uint8).tobytes())
        self.frames += 1

    def close(self) -> str:
        out, _ = self._process.communicate()
        if self._process.returncode != 0:
            raise RuntimeError(f"the encoder failed ({self._process.returncode})")
        return out.decode().strip()


def _wobble(rng: np.random.Generator) -> Callable[[float], float]:
    """A smooth random signal in about [-1, 1]: three sines of 0.6-3 Hz, random phases."""
    freqs = (0.6, 1.4, 2.9)
    weights = (0.55, 0.3, 0.15)
    phases = rng.uniform(0, 2 * math.pi, 3)

    def at(t: float) -> float:
        return sum(w * math.sin(2 * math.pi * f * t + p)
                   for f, w, p in zip(freqs, weights, phases, strict=True))  # fmt: skip

    return at


def _angle(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> float:
    """The angle a-b-c at b, degrees (any dimension)."""
    u, v = a - b, c - b
    cos = float(u @ v / (np.linalg.norm(u) * np.linalg.norm(v)))
    return math.degrees(math.acos(max(-1.0, min(1.0, cos))))


def _head_tilt_2d(px: dict[str, np.ndarray], side: str) -> float:
    """The true 2D head tilt toward ``side``'s shoulder, degrees, as
    ``posecheck.live.signals.head_tilt`` reads it: the eyes' line against the shoulders', +
    when this side's eye has gone down."""
    other = "left" if side == "right" else "right"
    head = px[f"{side}_eye"] - px[f"{other}_eye"]
    line = px[f"{side}_shoulder"] - px[f"{other}_shoulder"]
    cross = float(line[0] * head[1] - line[1] * head[0])
    dot = float(line @ head)
    return math.degrees(math.atan2(cross if line[0] > 0 else -cross, dot))


def _r(values: Sequence[float], digits: int) -> list[float]:
    return [round(float(v), digits) + 0.0 for v in values]


class ClipMaker:
    """The body model and the renderer, loaded once for all clips."""

    def __init__(self, encoder_python: Path = ENCODER_PYTHON) -> None:
        from synth.body import BodyModel
        from synth.scene import Renderer

        self.bodies = BodyModel()
        self.renderer = Renderer()
        self.encoder_python = encoder_python

    def make(self, spec: ClipSpec, out_dir: Path, fps: float) -> dict[str, Any]:
        """Render ``spec`` into ``out_dir``; returns the truth written to ``<name>.json``."""
        from synth.camera import fitted_camera, place_camera
        from synth.motion import pose_frame, rest_on_back, towel_meshes

        solved = self.bodies.solve(spec.body, spec.posture)
        regions = self.bodies.regions(solved)
        script = spec.script
        back = None
        if isinstance(script, LegHold) and script.lying:
            back = rest_on_back(self.bodies, solved, regions)
            script = replace(script, lying_tilt_deg=back.tilt_deg,
                             neck_extension_deg=back.neck_extension_deg,
                             hip_extension_deg=back.hip_extension_deg)  # fmt: skip
        rng = np.random.default_rng([spec.seed, 20260])
        plan = script.plan(rng)
        if back is not None:
            plan.events["rest_on_back"] = asdict(back)
        count = math.floor(plan.duration_s * fps + 1e-9) + 1
        times = [i / fps for i in range(count)]
        still = self.bodies.pose(spec.body, spec.posture)
        motions = [plan.motion_at(t) for t in times]
        frames = [pose_frame(self.bodies, solved, m, regions) for m in motions]

        width, height = spec.size
        fit_points = np.vstack([posed.vertices[::5] for posed, _ in frames])
        stature = float(fit_points[:, 2].max())
        base = fitted_camera(spec.camera, width, height, stature, fit_points)
        held = replace(spec.camera, pitch_deg=base.pitch_deg)
        shakes = {k: _wobble(rng) for k in ("roll", "pitch", "yaw", "height")}

        out_dir.mkdir(parents=True, exist_ok=True)
        video = out_dir / f"{spec.name}.mp4"
        sink = VideoSink(video, spec.size, fps, spec.crf, self.encoder_python)
        per_frame: dict[str, list[Any]] = {"t_ms": [], "camera_roll_deg": []}
        keypoints_2d: dict[str, list[list[float]]] = {name: [] for name in LANDMARKS}
        signals: dict[str, list[float]] = {}
        view = view_of_yaw(spec.camera.yaw_deg)
        try:
            for i, ((posed, props), t) in enumerate(zip(frames, times, strict=True)):
                cam = base
                if spec.shake.any():
                    moved = replace(
                        held,
                        roll_deg=held.roll_deg + spec.shake.roll_deg * shakes["roll"](t),
                        pitch_deg=(held.pitch_deg or 0.0)
                        + spec.shake.pitch_deg * shakes["pitch"](t),
                        yaw_deg=held.yaw_deg + spec.shake.yaw_deg * shakes["yaw"](t),
                        height_m=held.height_m + spec.shake.height_mm / 1000 * shakes["height"](t),
                    )
                    cam = place_camera(moved, width, height, stature, base.vfov_deg)
                extra = towel_meshes(props["towel"], TOWEL_COLOUR) if "towel" in props else []
                pixels = self.renderer.render(
                    posed, spec.appearance, spec.scene, cam, spec.seed,
                    noise_seed=spec.seed * 100_003 + i, extra_meshes=extra,
                )  # fmt: skip
                sink.write(pixels)
                per_frame["t_ms"].append(round(1000.0 * t, 3))
                per_frame["camera_roll_deg"].append(round(cam.roll_deg, 3))
                uv = cam.project(np.array([posed.keypoints[n] for n in LANDMARKS]))
                for name, point in zip(LANDMARKS, uv, strict=True):
                    keypoints_2d[name].append(_r(point, 1))
                for key, value in self._signals(spec, posed, still, uv).items():
                    signals.setdefault(key, []).append(value)
        finally:
            encoded = sink.close()
        record = self._record(spec, plan, fps, count, base, still, frames, view, encoded)
        record["per_frame"] = {**per_frame, **signals, "keypoints_2d": keypoints_2d}
        if spec.exercise == "stance_check":
            record["measures_range"] = self._ranges(frames, view)
        if spec.exercise == "ankle_circles" and spec.side is not None:
            turns = self._screen_turns(record, spec.side)
            record["direction_on_screen"] = "clockwise" if turns > 0 else "anticlockwise"
            record["screen_turns"] = round(turns, 3)
            # Seen from in front, the person's clockwise is anticlockwise on screen.
            mirrored = record["direction_on_screen"] != record["direction_for_person"]
            if view == "front" and not mirrored:
                raise RuntimeError(f"{spec.name}: the circle's direction contradicts the view")
        path = out_dir / f"{spec.name}.json"
        path.write_text(json.dumps(record, indent=None, separators=(",", ":")) + "\n",
                        encoding="utf-8")  # fmt: skip
        return record

    # --- truth ---

    def _signals(self, spec: ClipSpec, posed: Any, still: Any, uv: np.ndarray) -> dict[str, float]:
        """The exercise's true signals this frame: in 3D, and from the true 2D landmarks with
        posecheck.live.signals' formulas (what a perfect landmarker would read)."""
        kp = posed.keypoints
        px = {name: uv[i] for i, name in enumerate(LANDMARKS)}
        out: dict[str, float] = {}
        sides = ("left", "right") if spec.side in (None, "both") else (spec.side,)
        if spec.exercise == "heel_raises":
            for s in sides:
                rise = kp[f"{s}_heel"][2] - still.keypoints[f"{s}_heel"][2]
                out[f"heel_rise_mm_{s}"] = round(1000 * float(rise), 1)
                heel, toe = px[f"{s}_heel"], px[f"{s}_foot_index"]
                out[f"heel_height_2d_{s}"] = round(
                    float((toe[1] - heel[1]) / np.linalg.norm(heel - toe)), 4
                )
        elif spec.exercise == "ankle_circles":
            s = sides[0]
            knee, ankle, toe = px[f"{s}_knee"], px[f"{s}_ankle"], px[f"{s}_foot_index"]
            shank = float(np.linalg.norm(knee - ankle))
            out[f"foot_tip_x_2d_{s}"] = round(float((toe[0] - ankle[0]) / shank), 4)
            out[f"foot_tip_y_2d_{s}"] = round(float((toe[1] - ankle[1]) / shank), 4)
            lift = float(min(posed.vertices[self.bodies.foot_vertices[s], 2]))
            out[f"sole_height_mm_{s}"] = round(1000 * lift, 1)
        elif spec.exercise == "single_leg_balance":
            s = sides[0]
            other = "right" if s == "left" else "left"
            lift = float(min(posed.vertices[self.bodies.foot_vertices[s], 2]))
            out[f"sole_height_mm_{s}"] = round(1000 * lift, 1)
            knee, ankle = px[f"{other}_knee"], px[f"{other}_ankle"]
            shank = float(np.linalg.norm(knee - ankle))
            out[f"ankle_lift_2d_{s}"] = round(float((ankle[1] - px[f"{s}_ankle"][1]) / shank), 4)
        elif spec.exercise == "chin_tucks":
            for s in sides:
                back = kp[f"{s}_ear"][1] - still.keypoints[f"{s}_ear"][1]  # the person faces -y
                out[f"ear_back_mm_{s}"] = round(1000 * float(back), 1)
        elif spec.exercise == "neck_side_stretch":
            s = sides[0]
            out[f"head_tilt_2d_{s}"] = round(_head_tilt_2d(px, s), 2)
        elif spec.exercise == "mini_squat_knee_control":
            for s in sides:
                drop = still.keypoints[f"{s}_hip"][2] - kp[f"{s}_hip"][2]
                out[f"hip_drop_mm_{s}"] = round(1000 * float(drop), 1)
                hip, knee, ankle = px[f"{s}_hip"], px[f"{s}_knee"], px[f"{s}_ankle"]
                out[f"knee_angle_2d_{s}"] = round(_angle(hip, knee, ankle), 2)
        elif spec.exercise == "towel_leg_stretch":
            s = sides[0]
            shoulder, hip = kp[f"{s}_shoulder"], kp[f"{s}_hip"]
            knee, ankle = kp[f"{s}_knee"], kp[f"{s}_ankle"]
            out[f"leg_raise_deg_{s}"] = round(180.0 - _angle(shoulder, hip, ankle), 2)
            out[f"knee_angle_deg_{s}"] = round(_angle(hip, knee, ankle), 2)
            out[f"leg_raise_2d_{s}"] = round(
                180.0 - _angle(px[f"{s}_shoulder"], px[f"{s}_hip"], px[f"{s}_ankle"]), 2
            )
            out[f"knee_angle_2d_{s}"] = round(
                _angle(px[f"{s}_hip"], px[f"{s}_knee"], px[f"{s}_ankle"]), 2
            )
        return out

    @staticmethod
    def _screen_turns(record: dict[str, Any], side: str) -> float:
        """Signed turns of the true 2D foot tip about its mean while circling, + clockwise on
        screen (image y down), the convention of posecheck's CircleCounter."""
        per = record["per_frame"]
        first = record["circle_times_ms"][0]["start_ms"]
        last = record["circle_times_ms"][-1]["end_ms"]
        points = np.array([
            (x, y) for t, x, y in zip(per["t_ms"], per[f"foot_tip_x_2d_{side}"],
                                      per[f"foot_tip_y_2d_{side}"], strict=True)
            if first <= t <= last
        ])  # fmt: skip
        centre = points.mean(axis=0)
        angles = np.unwrap(np.arctan2(points[:, 1] - centre[1], points[:, 0] - centre[0]))
        return float((angles[-1] - angles[0]) / (2 * math.pi))

    def _ranges(self, frames: Sequence[Any], view: str) -> dict[str, list[float] | None]:
        """Each measure's [min, max] over the frames (the sway's effect), for the view."""
        values: dict[str, list[float]] = {}
        for posed, _ in frames:
            for name, value in truth.measures_for_view(posed.measures(), view).items():
                if value is not None:
                    values.setdefault(name, []).append(value)
        return {
            name: ([round(min(v), 3), round(max(v), 3)] if name in values else None)
            for name, v in ((n, values.get(n, [])) for n in truth.MEASURE_VIEWS)
        }

    def _record(
        self,
        spec: ClipSpec,
        plan: Plan,
        fps: float,
        count: int,
        cam: Any,
        still: Any,
        frames: Sequence[Any],
        view: str,
        encoded: str,
    ) -> dict[str, Any]:
        hips = still.keypoints["left_hip"] - still.keypoints["right_hip"]
        hip_width = float(np.linalg.norm(hips))
        soles = [posed.report["sole_height_mm"] for posed, _ in frames]
        record: dict[str, Any] = {
            "format": CLIP_FORMAT,
            "name": spec.name,
            "video": f"{spec.name}.mp4",
            "exercise": spec.exercise,
            "view": view,
            "side": spec.side,
            "fps": fps,
            "frames": count,
            "duration_ms": round(1000.0 * (count - 1) / fps, 1),
            "size": list(spec.size),
            "variant": "noisy" if spec.noisy else "clean",
        }
        record.update(plan.events)
        if spec.exercise == "stance_check":
            everything = still.measures()
            record["measures"] = truth.measures_for_view(everything, view)
            record["all_measures"] = {
                group: {k: round(float(v), 3) + 0.0 for k, v in values.items()}
                for group, values in everything.items()
            }
        record["body"] = {
            "phenotype": asdict(spec.body),
            "stature_m": round(still.stature, 4),
            "hip_width_m": round(hip_width, 4),
            "appearance": asdict(spec.appearance),
        }
        record["noise"] = {
            "image_noise_sd": spec.scene.noise,
            "camera_shake": asdict(spec.shake),
            "codec": encoded.split()[2] if len(encoded.split()) > 2 else encoded,
            "crf": spec.crf,
            "sway": asdict(spec.script.sway),
        }
        record["camera"] = cam.to_json()
        record["sole_height_mm_range"] = {
            s: [round(min(x[s] for x in soles), 1), round(max(x[s] for x in soles), 1)]
            for s in ("left", "right")
        }
        record["params"] = {
            "script": {"kind": type(spec.script).__name__, **asdict(spec.script)},
            "posture": asdict(spec.posture),
            "camera": asdict(spec.camera),
            "scene": asdict(spec.scene),
            "seed": spec.seed,
        }
        record["generator"] = {"synth": CLIP_FORMAT, **versions()}
        return record


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m synth.clips",
        description="Render short exercise clips with known counts, holds and timing.",
    )
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument("--only", help="only the clips whose name contains this")
    parser.add_argument("--fps", type=float, default=15.0, help="frames per second (15)")
    parser.add_argument("--size", default="360x640",
                        help="WIDTHxHEIGHT of the clean standing clips (360x640)")  # fmt: skip
    parser.add_argument("--encoder-python", type=Path, default=ENCODER_PYTHON,
                        help="an interpreter with PyAV or OpenCV (posecheck's .venv)")  # fmt: skip
    parser.add_argument("--list", action="store_true", help="list the clips and exit")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    width, height = (int(x) for x in args.size.lower().split("x"))
    specs = clip_specs((width, height))
    if args.only:
        specs = [s for s in specs if args.only in s.name]
    if args.list:
        for spec in specs:
            print(spec.name, spec.exercise, view_of_yaw(spec.camera.yaw_deg), spec.size)
        return 0
    started = time.perf_counter()
    maker = ClipMaker(args.encoder_python)
    print(f"model and renderer ready in {time.perf_counter() - started:.1f} s", flush=True)
    for i, spec in enumerate(specs, start=1):
        t0 = time.perf_counter()
        record = maker.make(spec, args.out, args.fps)
        size = (args.out / record["video"]).stat().st_size
        counts = {k: record[k] for k in ("reps", "circles", "hold_seconds", "still") if k in record}
        print(
            f"[{i}/{len(specs)}] {record['video']} {record['frames']} frames "
            f"{record['duration_ms'] / 1000:.1f} s {counts} {size // 1024} KiB "
            f"{time.perf_counter() - t0:.1f} s",
            flush=True,
        )
    maker.renderer.close()
    print(f"{len(specs)} clips in {time.perf_counter() - started:.1f} s -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
