"""Live results as plain data: one CSV row per frame, and a session's summary as a JSON-ready dict.

Frame rows (:func:`frame_columns`, :func:`frame_row`):

=================  ===============================================================================
column             meaning
=================  ===============================================================================
frame              the frame's index in the session (0-based)
t_ms               its time in milliseconds, as the session used it
person             1 when a person was found, else 0
view               front, back, left, right, or empty
exercise, side     the exercise coached and the side being exercised (empty: none / both)
phase, tracker     the coach's phase and its tracker's phase word
count              reps, completed holds, paced reps or circles on this side
time_s, hold_s     held / worked / circling time on this side, and the hold under way, seconds
<signal>           each signal the coach reads (smoothed); a point is two columns, _x and _y
stance, sway       the stance check's phase and the sway in body lengths
<measure>          each measure's value when it was taken on this very frame (else empty)
cues               the cues, joined with " | "
=================  ===============================================================================

Nothing here runs on import.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from posecheck.live.coach import CoachSummary, SideProgress
from posecheck.live.definitions import COACH_BY_ID, POINT_SIGNALS, Signal
from posecheck.live.session import LiveFrame, SessionSummary
from posecheck.live.stance import StanceResult, why_no_stance
from posecheck.measures import MEASURES, MEASURES_BY_NAME, MeasureName

#: Version of the dict :func:`summary_to_dict` makes (the ``posecheck video --json`` document).
LIVE_SCHEMA_VERSION = 1

_FIXED = (
    "frame",
    "t_ms",
    "person",
    "people",
    "view",
    "exercise",
    "side",
    "phase",
    "tracker",
    "count",
    "time_s",
    "hold_s",
)


def _signal_columns(exercise: str | None) -> list[tuple[Signal, str]]:
    """(signal, column) for the exercise's signals; a point signal gets two columns."""
    if exercise is None:
        return []
    definition = COACH_BY_ID[exercise]
    wanted = [definition.signal, *([definition.gate.signal] if definition.gate else [])]
    columns: list[tuple[Signal, str]] = []
    for signal in dict.fromkeys(wanted):
        if signal in POINT_SIGNALS:
            columns += [(signal, f"{signal.value}_x"), (signal, f"{signal.value}_y")]
        else:
            columns.append((signal, signal.value))
    return columns


def frame_columns(exercise: str | None) -> list[str]:
    """The CSV header for a session coaching ``exercise`` (None: the stance check alone)."""
    return [
        *_FIXED,
        *(column for _, column in _signal_columns(exercise)),
        "stance",
        "sway",
        *(spec.name.value for spec in MEASURES),
        "cues",
    ]


def _number(value: float | None, digits: int = 4) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def frame_row(frame: LiveFrame) -> dict[str, str]:
    """One frame as a CSV row (keys: :func:`frame_columns` of the frame's exercise)."""
    coach = frame.coach
    row = {
        "frame": str(frame.index),
        "t_ms": f"{frame.t_ms:.1f}",
        "person": "1" if frame.pose is not None else "0",
        "people": "" if frame.people is None else str(frame.people),
        "view": frame.view.view.value if frame.view is not None else "",
        "exercise": coach.exercise_id if coach else "",
        "side": coach.side.value if coach and coach.side else "",
        "phase": coach.phase.value if coach else "",
        "tracker": coach.tracker if coach else "",
        "count": str(coach.current.count) if coach else "",
        "time_s": _number(coach.current.time_ms / 1000.0, 2) if coach else "",
        "hold_s": _number(coach.hold_ms / 1000.0, 2) if coach else "",
        "stance": frame.stance.phase.value,
        "sway": _number(frame.stance.sway),
        "cues": " | ".join(cue.text for cue in frame.cues),
    }
    for signal, column in _signal_columns(coach.exercise_id if coach else None):
        value = coach.signals.get(signal) if coach else None
        if isinstance(value, tuple):
            value = value[0] if column.endswith("_x") else value[1]
        row[column] = _number(value)
    fresh = frame.measures_t_ms == frame.t_ms
    for spec in MEASURES:
        measurement = frame.measures.get(spec.name) if fresh else None
        row[spec.name.value] = _number(measurement.value if measurement else None, 2)
    return row


def side_amount_words(side: Mapping[str, Any]) -> str:
    """How much of a side's dose was done, from its record (``coach_summary_to_dict``'s
    ``sides``): "5 of 20", "12 of 20 s", "9 of 15 s each direction"."""
    if side["target_count"] is not None:
        return f"{side['count']} of {side['target_count']}"
    target = "" if side["target_s"] is None else f" of {side['target_s']:.0f}"
    each = " each direction" if side["circles"] else ""
    return f"{side['time_s']:.0f}{target} s{each}"


def side_to_dict(progress: SideProgress) -> dict[str, Any]:
    return {
        "side": progress.side.value if progress.side is not None else None,
        "count": progress.count,
        "target_count": progress.target_count,
        "time_s": round(progress.time_ms / 1000.0, 2),
        "target_s": None if progress.target_ms is None else round(progress.target_ms / 1000.0, 2),
        "best_hold_s": round(progress.best_hold_ms / 1000.0, 2),
        "circles": {k.value: v for k, v in progress.circles.items()},
        "circle_s": {k.value: round(v / 1000.0, 2) for k, v in progress.circle_ms.items()},
        "done": progress.done,
    }


def coach_summary_to_dict(summary: CoachSummary) -> dict[str, Any]:
    return {
        "id": summary.exercise_id,
        "name": summary.name,
        "dose": summary.dose,
        "camera": summary.camera,
        "cannot_see": summary.cannot_see,
        "duration_s": round(summary.duration_ms / 1000.0, 2),
        "complete": summary.complete,
        "total_count": sum(side.count for side in summary.sides),
        "sides": [side_to_dict(side) for side in summary.sides],
        "form_notes": list(summary.form_notes),
    }


def stance_to_dict(result: StanceResult) -> dict[str, Any]:
    measures: Mapping[MeasureName, Any] = result.measures
    return {
        "view": result.view.value,
        "frames": result.frames,
        "duration_s": round(result.duration_ms / 1000.0, 2),
        "sway": round(result.sway, 4),
        "measures": {
            name.value: {
                "label": MEASURES_BY_NAME[name].label,
                "value": None if m.value is None else round(m.value, 2),
                "spread": None if m.spread is None else round(m.spread, 2),
                "frames": m.count,
                "unit": m.unit.value,
                "status": m.status.value,
                "normal_range": list(m.normal_range),
                "reason": m.reason,
                "error": round(m.error, 2),
                "held": m.held,
                "for_findings": m.judged,
            }
            for name, m in measures.items()
        },
    }


def summary_to_dict(summary: SessionSummary) -> dict[str, Any]:
    """A session's summary as JSON-ready data (``schema_version`` :data:`LIVE_SCHEMA_VERSION`)."""
    return {
        "schema_version": LIVE_SCHEMA_VERSION,
        "frames": summary.frames,
        "frames_with_person": summary.frames_with_person,
        "frames_with_others": summary.frames_with_others,
        "duration_s": round(summary.duration_ms / 1000.0, 2),
        "restarts": summary.restarts,
        "exercise": None if summary.exercise is None else coach_summary_to_dict(summary.exercise),
        "stance": None if summary.stance is None else stance_to_dict(summary.stance),
    }


def why_no_stance_in(document: Mapping[str, Any]) -> str:
    """:func:`~posecheck.live.stance.why_no_stance` of a summary document (``summary_to_dict``;
    documents saved before the people in view were counted lack that count)."""
    return why_no_stance(
        float(document.get("duration_s", 0.0)),
        int(document.get("frames_with_person", 0)),
        int(document.get("frames_with_others", 0)),
    )
