"""Output formats: the JSON document (a stable contract, see README), CSV and readable text."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from typing import Any

from posecheck.analysis import Analysis, AnalysisFailure, PhotoResult
from posecheck.capture import retake_advice
from posecheck.combine import CombinedReport
from posecheck.exercises import CLINICIAN_NOTE, DISCLAIMER, Plan, plan_to_dict
from posecheck.findings import Assessment, assessment_to_dict
from posecheck.measures import EXPERIMENTAL_WORDS, MEASURES_BY_NAME, Measurement, MeasureName
from posecheck.types import CameraRoll, CaptureCheck, Landmark, Pose, Status, Unit

#: Bumped only when a field changes meaning or disappears; new fields may appear at any time.
#: 3: "normal" means inside the printed usual range; "possible" is new (outside by no more than
#: the reading's error); each measure has its "error" band, "label" and "for_findings".
SCHEMA_VERSION = 3

CSV_COLUMNS = (
    "image", "view", "measure", "value", "unit", "status", "confidence",
    "normal_low", "normal_high", "known_error", "landmarks", "reason",
)  # fmt: skip


def landmarks_to_list(pose: Pose, corrected: Sequence[Landmark] = ()) -> list[dict[str, Any]]:
    """The 33 landmarks in MediaPipe order, in original-image pixels; ``corrected`` marks the
    ones the user moved by hand."""
    return [
        {
            "name": landmark.label,
            "x": round(float(pose.xy[landmark, 0]), 1),
            "y": round(float(pose.xy[landmark, 1]), 1),
            "z": round(float(pose.z[landmark]), 3),
            "visibility": round(float(pose.visibility[landmark]), 3),
            "presence": round(float(pose.presence[landmark]), 3),
            "corrected": landmark in corrected,
        }
        for landmark in Landmark
    ]


def measurement_to_dict(measurement: Measurement) -> dict[str, Any]:
    spec = MEASURES_BY_NAME[measurement.name]
    return {
        "value": measurement.value,
        "unit": measurement.unit,
        "status": measurement.status.value,
        "confidence": measurement.confidence,
        "normal_range": list(measurement.normal_range),
        "known_error": spec.known_error,
        "error": measurement.error,
        "label": spec.label,
        "for_findings": spec.for_findings,
        "sign": spec.sign,
        "view": None if measurement.view is None else measurement.view.value,
        "landmarks": [lm.label for lm in measurement.landmarks],
        "reason": measurement.reason,
        "held": measurement.held,
    }


def measures_to_dict(measurements: Mapping[MeasureName, Measurement]) -> dict[str, Any]:
    return {name: measurement_to_dict(m) for name, m in measurements.items()}


def roll_to_dict(roll: CameraRoll | None) -> dict[str, Any] | None:
    if roll is None:
        return None
    return {
        "degrees": roll.degrees,
        "confidence": roll.confidence,
        "method": roll.method,
        "reason": roll.reason,
    }


def checks_to_list(checks: Sequence[CaptureCheck]) -> list[dict[str, Any]]:
    return [
        {"name": c.name, "passed": c.passed, "reason": c.reason, "advice": c.advice} for c in checks
    ]


def _judgement(assessment: Assessment | None, plan: Plan | None) -> dict[str, Any]:
    """The findings, the assessment around them and the exercise plan (none for a photo that
    could not be judged: its assessment's summary says why)."""
    judged = assessment_to_dict(assessment) if assessment is not None else None
    planned = plan_to_dict(plan) if plan is not None else None
    return {
        "findings": judged.pop("findings") if judged is not None else [],
        "assessment": judged,
        "exercises": planned.pop("items") if planned is not None else [],
        "plan": planned,
    }


def analysis_to_dict(result: PhotoResult) -> dict[str, Any]:
    """One entry of ``results`` in the JSON document (a failure has the same fields, empty)."""
    if isinstance(result, AnalysisFailure):
        image = result.image
        return {
            "image": result.name,
            "ok": False,
            "error": {"code": result.error.code.value, "message": result.error.message},
            "width": None if image is None else image.width,
            "height": None if image is None else image.height,
            "model": result.model,
            "both_ways": False,
            "people_detected": 0,
            "view": None,
            "view_confidence": None,
            "view_oblique": None,
            "camera_roll": None,
            "capture_checks": checks_to_list(result.checks),
            "landmarks": [],
            "corrected_landmarks": [],
            "judged": False,
            "retake": [],
            "measures": {},
            **_judgement(None, None),
        }
    view = result.view
    return {
        "image": result.name,
        "ok": True,
        "error": None,
        "width": result.image.width,
        "height": result.image.height,
        "model": result.model,
        "both_ways": result.both_ways,
        "people_detected": result.detection.people_detected,
        "view": view.view.value,
        "view_confidence": view.confidence,
        "view_oblique": view.oblique,
        "camera_roll": roll_to_dict(result.roll),
        "capture_checks": checks_to_list(result.checks),
        "landmarks": landmarks_to_list(result.detection.subject, result.corrected),
        "corrected_landmarks": [landmark.label for landmark in result.corrected],
        "judged": result.judged,
        "retake": checks_to_list(result.retake),
        "measures": measures_to_dict(result.measurements),
        **_judgement(result.assessment, result.plan),
    }


def combined_to_dict(report: CombinedReport) -> dict[str, Any]:
    measures = measures_to_dict(report.measurements)
    for name, entry in measures.items():
        entry["source"] = report.sources[MeasureName(name)]
    return {
        "images": [a.name for a in report.analyses if a.ok],
        "views": [v.value for v in report.views],
        "same_person": {
            "same": report.person.same,
            "reason": report.person.reason,
            "differing": list(report.person.differing),
        },
        "measures": measures,
        **_judgement(report.assessment, report.plan),
    }


def document_head() -> dict[str, Any]:
    """The fields every JSON document starts with."""
    return {
        "schema_version": SCHEMA_VERSION,
        "disclaimer": DISCLAIMER,
        "clinician_note": CLINICIAN_NOTE,
    }


def results_document(
    analyses: Sequence[PhotoResult], combined: CombinedReport | None = None
) -> dict[str, Any]:
    document: dict[str, Any] = {
        **document_head(),
        "results": [analysis_to_dict(a) for a in analyses],
    }
    if combined is not None:
        document["combined"] = combined_to_dict(combined)
    return document


def _csv_rows(image: str, measurements: Mapping[MeasureName, Measurement]) -> list[dict[str, Any]]:
    rows = []
    for name, m in measurements.items():
        low, high = m.normal_range
        rows.append(
            {
                "image": image,
                "view": None if m.view is None else m.view.value,
                "measure": name,
                "value": m.value,
                "unit": m.unit,
                "status": m.status.value,
                "confidence": m.confidence,
                "normal_low": low,
                "normal_high": high,
                "known_error": MEASURES_BY_NAME[name].known_error,
                "landmarks": " ".join(lm.label for lm in m.landmarks),
                "reason": m.reason,
            }
        )
    return rows


def csv_rows(result: PhotoResult) -> list[dict[str, Any]]:
    """The CSV rows of one photo (none when it could not be analysed): for writing as results
    come, in bounded memory."""
    return _csv_rows(result.name, result.measurements) if isinstance(result, Analysis) else []


def csv_rows_combined(combined: CombinedReport) -> list[dict[str, Any]]:
    return _csv_rows("combined", combined.measurements)


def results_csv(analyses: Sequence[PhotoResult], combined: CombinedReport | None = None) -> str:
    """One row per measure per photo (and per combined measure, image ``combined``)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for analysis in analyses:
        if isinstance(analysis, Analysis):
            writer.writerows(_csv_rows(analysis.name, analysis.measurements))
    if combined is not None:
        writer.writerows(_csv_rows("combined", combined.measurements))
    return buffer.getvalue()


# --- readable text ------------------------------------------------------------------------------

_STATUS_MARK = {
    Status.NORMAL: "usual",
    Status.POSSIBLE: "recheck",
    Status.MILD: "MILD",
    Status.MARKED: "MARKED",
    Status.UNKNOWN: "?",
}
#: A reading that would make a finding but that the photo cannot judge (``Measurement.held``).
_HELD = "held"
#: An experimental measure's reading outside the usual range (it makes no finding).
_SHOWN = "outside"


def status_mark(status: Status, *, held: bool = False, judged: bool = True) -> str:
    """A reading's status as the text reports mark it: usual, recheck, MILD, MARKED, held, ?;
    a measure never judged (``judged`` False: experimental) outside the usual range is only
    "outside", asking no recheck since no finding could come of it."""
    if held:
        return _HELD
    if not judged and status not in (Status.NORMAL, Status.UNKNOWN):
        return _SHOWN
    return _STATUS_MARK[status]


#: Room for the longest measure's name in words ("shoulder's position over the ankle").
_LABEL_WIDTH = max(len(spec.label) for spec in MEASURES_BY_NAME.values())


def _measure_lines(measurements: Mapping[MeasureName, Measurement]) -> list[str]:
    """A line per measure, by its name in words; measures unknown for the same reason share one
    line (a photo that is not judged gives every measure the same long reason), where the first
    of them stands."""
    lines: list[str | tuple[str, list[str]]] = []
    unknown: dict[str, list[str]] = {}
    for name, m in measurements.items():
        label = MEASURES_BY_NAME[name].label
        if m.value is None:
            if m.reason not in unknown:
                unknown[m.reason] = []
                lines.append((m.reason, unknown[m.reason]))
            unknown[m.reason].append(label)
            continue
        low, high = m.normal_range
        places = 2 if m.unit is Unit.RATIO else 1
        unit = m.unit.symbol if m.unit is Unit.DEG else f" {m.unit.symbol}".rstrip()
        reading = f"{m.value:.{places}f} ± {m.error:.{places}f}{unit}"
        judged = MEASURES_BY_NAME[name].for_findings
        mark = status_mark(m.status, held=m.held, judged=judged)
        note = "" if judged else f"; {EXPERIMENTAL_WORDS}"
        lines.append(
            f"    {label:{_LABEL_WIDTH}} {reading:>28}  {mark:7} "
            f"(usual {low:g} to {high:g}; confidence {m.confidence:.2f}{note})"
        )
    return [line if isinstance(line, str) else unknown_line(line[1], line[0]) for line in lines]


def _retake_lines(checks: Sequence[CaptureCheck]) -> list[str]:
    """A line for each failed capture check, by its name in words: why, and how to retake."""
    return [f"  retake? {line}" for line in retake_advice(checks)]


def unknown_line(labels: Sequence[str], reason: str, indent: str = "    ") -> str:
    """The measures with no reading for one ``reason``, named together on one line of text."""
    return f"{indent}{', '.join(labels)}: unknown, {reason}"


def _judgement_lines(assessment: Assessment | None, plan: Plan | None) -> list[str]:
    if assessment is None:
        return []
    lines = [f"  {assessment.summary}"]
    if plan is None:  # not judged: the summary says why and how to retake
        return lines
    for finding in assessment.findings:
        lines.append(
            f"  - {finding.title} [{finding.status.value}, confidence {finding.confidence:.2f}]: "
            f"{finding.explanation}"
        )
    if assessment.chain:
        lines.append(f"  Pattern: {assessment.chain}")
    for note in assessment.cannot_judge:
        lines.append(f"  Cannot judge from a photo: {note}")
    label = "General foot care" if plan.general else "Suggested exercises"
    lines.append(f"  {label}:")
    for item in plan.items:
        lines.append(f"    * {item.exercise.name}: {item.exercise.dose.describe()}")
    return lines


def summary_text(analysis: PhotoResult) -> str:
    """Readable lines about one analysis."""
    if isinstance(analysis, AnalysisFailure):
        failed = (
            f"{analysis.name}: could not analyse ({analysis.error.code}): {analysis.error.message}"
        )
        return f"{failed}\n  {analysis.likely_why}" if analysis.likely_why else failed
    people = analysis.detection.people_detected
    view = analysis.view
    roll = analysis.roll
    lines = [
        f"{analysis.name}: {analysis.image.width}x{analysis.image.height}, model {analysis.model}",
        f"  people found: {people}" + (" (analysing the most prominent one)" if people > 1 else ""),
        f"  view: {view.view.value} (confidence {view.confidence:.2f}"
        + (", oblique" if view.oblique else "")
        + (", set by you" if view.overridden else "")
        + ")",
    ]
    level = "unknown" if roll.degrees is None else f"{roll.degrees:+.1f} deg"
    lines.append(f"  camera roll: {level} ({roll.reason})")
    lines += _retake_lines(analysis.checks)
    lines.append("  measures:")
    lines += _measure_lines(analysis.measurements)
    lines += _judgement_lines(analysis.assessment, analysis.plan)
    return "\n".join(lines)


def combined_text(report: CombinedReport) -> str:
    views = ", ".join(v.value for v in report.views)
    lines = [f"Combined report from {len(report.views)} photos ({views}):"]
    if report.person.same is False:
        lines.append(f"  warning: {report.person.reason}")
    lines.append("  measures:")
    lines += _measure_lines(report.measurements)
    lines += _judgement_lines(report.assessment, report.plan)
    return "\n".join(lines)
