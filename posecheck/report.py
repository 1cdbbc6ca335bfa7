"""Output formats: the JSON document (a stable contract, see README) and the readable summary."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from posecheck.analysis import Analysis
from posecheck.exercises import CLINICIAN_NOTE, DISCLAIMER
from posecheck.types import Landmark, Pose

#: Bumped only when a field changes meaning or disappears; new fields may appear at any time.
SCHEMA_VERSION = 1


#: Landmarks a standing-posture analysis needs to see; used for the readable summary.
_KEY_POINTS = (
    Landmark.LEFT_SHOULDER,
    Landmark.RIGHT_SHOULDER,
    Landmark.LEFT_HIP,
    Landmark.RIGHT_HIP,
    Landmark.LEFT_KNEE,
    Landmark.RIGHT_KNEE,
    Landmark.LEFT_ANKLE,
    Landmark.RIGHT_ANKLE,
    Landmark.LEFT_HEEL,
    Landmark.RIGHT_HEEL,
    Landmark.LEFT_FOOT_INDEX,
    Landmark.RIGHT_FOOT_INDEX,
)


def landmarks_to_list(pose: Pose) -> list[dict[str, Any]]:
    """The 33 landmarks in MediaPipe order, in original-image pixels."""
    return [
        {
            "name": landmark.label,
            "x": round(float(pose.xy[landmark, 0]), 1),
            "y": round(float(pose.xy[landmark, 1]), 1),
            "z": round(float(pose.z[landmark]), 3),
            "visibility": round(float(pose.visibility[landmark]), 3),
            "presence": round(float(pose.presence[landmark]), 3),
        }
        for landmark in Landmark
    ]


def analysis_to_dict(analysis: Analysis) -> dict[str, Any]:
    """One entry of ``results`` in the JSON document."""
    image = analysis.image
    detection = analysis.detection
    view = analysis.view
    error = analysis.error
    return {
        "image": analysis.name,
        "ok": analysis.ok,
        "error": None if error is None else {"code": error.code, "message": error.message},
        "width": None if image is None else image.width,
        "height": None if image is None else image.height,
        "model": analysis.model,
        "people_detected": 0 if detection is None else detection.people_detected,
        "view": None if view is None else view.view.value,
        "view_confidence": None if view is None else view.confidence,
        "view_oblique": None if view is None else view.oblique,
        "landmarks": [] if detection is None else landmarks_to_list(detection.subject),
        "measures": {},
        "findings": [],
        "exercises": [],
    }


def results_document(analyses: Sequence[Analysis]) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "disclaimer": DISCLAIMER,
        "clinician_note": CLINICIAN_NOTE,
        "results": [analysis_to_dict(a) for a in analyses],
    }


def summary_text(analysis: Analysis) -> str:
    """A few readable lines about one analysis."""
    if analysis.error is not None:
        return (
            f"{analysis.name}: could not analyse ({analysis.error.code}): {analysis.error.message}"
        )
    assert analysis.detection is not None and analysis.view is not None and analysis.image
    pose = analysis.detection.subject
    people = analysis.detection.people_detected
    view = analysis.view
    lines = [
        f"{analysis.name}: {analysis.image.width}x{analysis.image.height}, model {analysis.model}",
        f"  people found: {people}" + (" (analysing the most prominent one)" if people > 1 else ""),
        f"  view: {view.view.value} (confidence {view.confidence:.2f}"
        + (", oblique" if view.oblique else "")
        + (", set by you" if view.overridden else "")
        + ")",
    ]
    hidden = [lm.label for lm in _KEY_POINTS if not pose.is_visible(lm)]
    if hidden:
        lines.append(f"  not visible: {', '.join(hidden)}")
    else:
        lines.append("  shoulders, hips, knees, ankles, heels and toes all visible")
    return "\n".join(lines)
