"""Overlays for live frames: the skeleton (``posecheck.draw.draw_pose``), the key signal at its
joint, and a panel with the exercise, its count or time, the side and the cues; with no exercise,
the stance check's progress and, once still long enough, its averaged measures.

OpenCV's Hershey fonts are ASCII only: texts are drawn with their non-ASCII characters replaced.
Cheap by design (a few lines of text and one filled box per frame): it runs on every live frame.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

import cv2
import numpy as np

from posecheck.bodymap import SHORT_WORDS
from posecheck.draw import draw_pose
from posecheck.live.coach import CoachState, beside_the_count
from posecheck.live.definitions import COACH_BY_ID, SIGNALS, Signal, Tracking
from posecheck.live.session import LiveFrame
from posecheck.live.stance import StancePhase, StanceResult
from posecheck.live.trackers import Rotation
from posecheck.measures import MEASURES_BY_NAME
from posecheck.types import Landmark, Pose, Side, Status
from posecheck.wording import capitalised

_WHITE = (255, 255, 255)
_PANEL = (25, 25, 25)
_ACCENT = (255, 200, 40)
_STATUS_COLOURS: Mapping[Status, tuple[int, int, int]] = MappingProxyType(
    {
        Status.NORMAL: (40, 200, 90),
        Status.POSSIBLE: (240, 228, 66),
        Status.MILD: (255, 180, 0),
        Status.MARKED: (230, 40, 40),
    }
)
_OTHER_STATUS = (200, 200, 200)  # any status without a colour of its own (unknown, newer ones)
#: A stance reading outside the usual range that the camera cannot judge (held).
NOT_JUDGED_WORDS = "not judged"

#: Where each signal's value is written: next to this joint of the side exercised.
_ANCHORS: Mapping[Signal, str] = MappingProxyType(
    {
        Signal.HEEL_HEIGHT: "HEEL",
        Signal.KNEE_EXTENSION: "KNEE",
        Signal.LEG_RAISE: "HIP",
        Signal.FOOT_POINTING: "FOOT_INDEX",
        Signal.FOOT_FORE_AFT: "ANKLE",
        Signal.FOOT_STILLNESS: "ANKLE",
        Signal.FOOT_MOTION: "ANKLE",
        Signal.BODY_SWAY: "HIP",
        Signal.SQUAT_DEPTH: "HIP",
        Signal.KNEES_INWARD: "KNEE",
        Signal.HEAD_BACK: "EAR",
        Signal.FOOT_LIFT: "ANKLE",
        Signal.HEAD_TILT: "EAR",
    }
)
#: Stance measures shown on the picture at most (those not within the usual range come first;
#: the ones within it are counted on one line: the table beside the video lists them all).
MAX_STANCE_LINES = 4
#: How much of the picture shows through the panel (0 = an opaque box).
PANEL_SEE_THROUGH = 0.35


#: The trackers' phases (``CoachState.tracker``: repetitions, holds, paced work) in words for the
#: person exercising; the CSV keeps the trackers' own words.
_PHASE_WORDS: Final = {
    "waiting": "get ready",
    "rest": "rest",
    "active": "rep under way",
    "idle": "get into position",
    "holding": "holding",
    "grace": "back into position",
    "work": "work",
}
#: Where a tracker's word means something else: a repetition's "rest" is the position between
#: repetitions, in the set, not a rest to take (a paced exercise's rest is one).
_PHASE_WORDS_FOR: Final = {Tracking.REPS: {**_PHASE_WORDS, "rest": "ready"}}


def _ascii(text: str) -> str:
    return text.replace("°", " deg").encode("ascii", "replace").decode("ascii")


class _Writer:
    """Lines of text at a size that suits the picture."""

    def __init__(self, canvas: np.ndarray) -> None:
        self.canvas = canvas
        self.scale = max(0.45, max(canvas.shape[:2]) / 1300.0)
        self.thickness = max(1, round(self.scale * 1.6))
        self.line: int = round(26 * self.scale / 0.6)

    def text(self, words: str, at: tuple[int, int], colour: tuple[int, int, int]) -> None:
        cv2.putText(
            self.canvas,
            _ascii(words),
            at,
            cv2.FONT_HERSHEY_SIMPLEX,
            self.scale,
            colour,
            self.thickness,
            cv2.LINE_AA,
        )

    def width(self, words: str) -> int:
        (width, _), _ = cv2.getTextSize(
            _ascii(words), cv2.FONT_HERSHEY_SIMPLEX, self.scale, self.thickness
        )
        return int(width)

    def panel(self, lines: list[tuple[str, tuple[int, int, int]]]) -> None:
        """Lines on a dark, see-through box in the top-left corner (the body stays visible)."""
        if not lines:
            return
        pad = self.line // 3
        width = min(self.canvas.shape[1] - 1, max(self.width(t) for t, _ in lines) + 2 * pad)
        height = min(self.canvas.shape[0] - 1, self.line * len(lines) + pad)
        box = self.canvas[: height + 1, : width + 1]
        dark = np.empty_like(box)
        dark[:] = _PANEL
        cv2.addWeighted(box, PANEL_SEE_THROUGH, dark, 1.0 - PANEL_SEE_THROUGH, 0.0, dst=box)
        for index, (words, colour) in enumerate(lines):
            self.text(words, (pad, self.line * (index + 1) - pad // 2), colour)


def draw_live_frame(rgb: np.ndarray, frame: LiveFrame) -> np.ndarray:
    """A copy of ``rgb`` (the frame given to the session) with the frame's overlay."""
    canvas = draw_pose(rgb, frame.pose) if frame.pose is not None else rgb.copy()
    writer = _Writer(canvas)
    if frame.coach is not None:
        if frame.pose is not None:
            _signal_labels(writer, frame.pose, frame.coach)
        writer.panel(_coach_lines(frame, frame.coach))
    else:
        writer.panel(_stance_lines(frame))
    return canvas


def _coach_lines(frame: LiveFrame, coach: CoachState) -> list[tuple[str, tuple[int, int, int]]]:
    side = f" - {coach.side.value}" if coach.side is not None else ""
    current = coach.current
    if current.circle_ms and current.target_ms is not None:
        direction = coach.direction if coach.direction is not Rotation.NONE else Rotation.CLOCKWISE
        amount = (
            f"{direction.value} {current.circle_ms.get(direction, 0.0) / 1000:.0f} / "
            f"{current.target_ms / 1000:.0f} s, {current.circles.get(direction, 0)} circles"
        )
    elif current.target_count is not None:
        amount = current.count_words
    elif current.target_ms is not None:
        amount = f"{current.time_ms / 1000:.0f} / {current.target_ms / 1000:.0f} s"
    else:
        amount = ""
    words = _PHASE_WORDS_FOR.get(COACH_BY_ID[coach.exercise_id].tracking, _PHASE_WORDS)
    phase = words.get(coach.tracker, coach.tracker)
    tracker = f"  ({phase})" if phase and not current.circle_ms else ""
    lines = [(f"{coach.name}{side}", _WHITE), (f"{amount}{tracker}", _ACCENT)]
    lines += [(cue.text, _WHITE) for cue in beside_the_count(frame.cues)[:3]]
    return lines


def _stance_lines(frame: LiveFrame) -> list[tuple[str, tuple[int, int, int]]]:
    stance = frame.stance
    lines = [(cue.text, _WHITE) for cue in frame.cues[:2]]
    if stance.phase is StancePhase.STILL:
        lines.append((f"still {stance.progress * 100:.0f}%", _ACCENT))
    if stance.result is not None:
        lines += _result_lines(stance.result)
    return lines


Line = tuple[str, tuple[int, int, int]]


def _result_lines(result: StanceResult) -> list[Line]:
    """The measures to look at first (outside the usual range, or to recheck), each with its
    value and status in words (colour alone is lost on colour-blind eyes), then how many more are
    within the usual range, on one line. A reading the camera cannot judge (held: its roll
    unknown, say) says "not judged", in grey, never "outside"; experimental ones (shown, never
    judged) are left to the page's table."""
    read = [m for m in result.measures.values() if m.value is not None and m.judged]
    flagged = [m for m in read if m.status is not Status.NORMAL]
    within = len(read) - len(flagged)
    room = MAX_STANCE_LINES - (1 if within else 0)
    lines: list[Line] = []
    for measure in flagged[:room]:
        label = capitalised(MEASURES_BY_NAME[measure.name].label)
        if measure.held:
            words, colour = NOT_JUDGED_WORDS, _OTHER_STATUS
        else:
            words = SHORT_WORDS[measure.status]
            colour = _STATUS_COLOURS.get(measure.status, _OTHER_STATUS)
        lines.append((f"{label} {measure.value:+.1f}: {words}", colour))
    more = len(flagged) - len(lines)
    if more:  # the last place says how many are left out
        lines[-1] = (f"{more + 1} more not within range: see the list", _OTHER_STATUS)
    if within:
        counted = f"All {within}" if not flagged else f"{within} more"
        noun = "measure" if within == 1 else "measures"
        lines.append((f"{counted} {noun}: within range", _STATUS_COLOURS[Status.NORMAL]))
    return lines


def _signal_labels(writer: _Writer, pose: Pose, coach: CoachState) -> None:
    """Each signal read this frame, at its joint: an angle with its degrees; the tracked signal
    with a goal by its name and a gauge of how far to go. A signal in body proportions (heel
    height in foot lengths, sway in body lengths) shows no number: it would mean nothing to the
    person exercising (``posecheck video --csv`` writes the exercise's own signals, frame by
    frame)."""
    tracked = COACH_BY_ID[coach.exercise_id].signal
    for signal, value in coach.signals.items():
        if not isinstance(value, float):
            continue
        spec = SIGNALS[signal]
        goal = _goal(coach) if signal is tracked else None
        if spec.unit == "deg":
            words = f"{spec.label} {value:.{spec.digits}f} deg"
        elif goal is not None:
            words = spec.label
        else:
            continue
        joint = _ANCHORS[signal]
        side = coach.side or _visible_side(pose, joint)
        landmark = Landmark[f"{side.value.upper()}_{joint}"]
        x, y = pose.xy[landmark]
        at = (int(x) + 12, int(y))
        width = max(writer.width(words), _gauge_length(writer) if goal is not None else 0)
        at = (min(at[0], writer.canvas.shape[1] - width - 2), at[1])
        writer.text(words, (at[0] + 1, at[1] + 1), (0, 0, 0))
        writer.text(words, at, _ACCENT)
        if goal is not None:
            _gauge(writer, (at[0], at[1] + writer.line // 4), value, goal)


#: The gauge under the tracked signal runs to this many times the way from rest to the goal.
GAUGE_REACH: Final = 1.25


def _goal(coach: CoachState) -> tuple[float, float] | None:
    """(rest, goal) of the tracked signal, in its unit: a repetition's "up" threshold (a heel
    raise) or the least a hold needs (heels up in toe walking), from the rest level; None where
    the exercise has no such goal or its baseline is not known yet."""
    definition = COACH_BY_ID[coach.exercise_id]
    rule = definition.rep or definition.hold
    if rule is None or (rule.relative and coach.baseline is None):
        return None
    offset = coach.baseline if rule.relative and coach.baseline is not None else 0.0
    if definition.rep is not None:
        start = offset if definition.rep.relative else definition.rep.low
        return start, definition.rep.high + offset
    hold = definition.hold
    if hold is None or hold.low is None or hold.high is not None:
        return None  # a range to stay inside, or none: no single goal to reach
    return offset, hold.low + offset


def _gauge_length(writer: _Writer) -> int:
    """The gauge's length in pixels: four lines of text, at the picture's text size."""
    return 4 * writer.line


def _gauge(writer: _Writer, at: tuple[int, int], value: float, goal: tuple[float, float]) -> None:
    """A bar from rest to past the goal, filled to the reading, with a tick at the goal: green
    once the goal is reached (how far to go, without reading numbers)."""
    start, end = goal
    if not end > start:
        return
    length, thick = _gauge_length(writer), max(4, writer.line // 4)
    x, y = at
    tick = x + round(length / GAUGE_REACH)
    share = min(max((value - start) / (end - start) / GAUGE_REACH, 0.0), 1.0)
    reached = value >= end
    canvas = writer.canvas
    cv2.rectangle(canvas, (x, y), (x + length, y + thick), (0, 0, 0), -1)
    if share > 0:
        colour = _STATUS_COLOURS[Status.NORMAL] if reached else _ACCENT
        cv2.rectangle(canvas, (x, y), (x + round(share * length), y + thick), colour, -1)
    cv2.line(canvas, (tick, y - 3), (tick, y + thick + 3), _WHITE, 2)


def _visible_side(pose: Pose, joint: str) -> Side:
    left = float(pose.visibility[Landmark[f"LEFT_{joint}"]])
    right = float(pose.visibility[Landmark[f"RIGHT_{joint}"]])
    return Side.LEFT if left >= right else Side.RIGHT
