"""The photo page: upload standing photos (front, side, back), get one report.

UI only: every number comes from posecheck's public API.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path

import streamlit as st

from posecheck import (
    CLINICIAN_NOTE,
    DISCLAIMER,
    MEASURES_BY_NAME,
    SUPPORTED_FORMATS,
    Analysis,
    AnalysisFailure,
    Analyzer,
    Assessment,
    CombinedReport,
    Measurement,
    MeasureName,
    PhotoResult,
    Plan,
    Status,
    View,
    combine,
    draw_analysis,
    results_csv,
    results_document,
    sample_paths,
)

# Streamlit's own icon font: no dependence on an emoji font in the browser.
_STATUS_ICON = {
    "normal": ":green[:material/check_circle:]",
    "possible": ":blue[:material/radio_button_unchecked:]",
    "mild": ":orange[:material/error:]",
    "marked": ":red[:material/report:]",
    "unknown": ":gray[:material/help:]",
}
_STATUS_WORDS = {
    Status.NORMAL: "within the usual range",
    Status.POSSIBLE: "possible: recheck (outside, but within the error)",
    Status.MILD: "outside the usual range",
    Status.MARKED: "well outside the usual range",
    Status.UNKNOWN: "unknown",
}
_CHECK_ICON = {
    True: ":green[:material/check_circle:]",
    False: ":orange[:material/warning:]",
    None: ":gray[:material/help:]",
}
_VIEW_CHOICES = ["auto", *(v.value for v in View)]


@st.cache_resource(show_spinner="Loading the pose model…")
def _analyzer(model: str) -> Analyzer:
    return Analyzer.open(model)


def _analyse(data: bytes, name: str, view: str) -> PhotoResult:
    """Analyse once per photo and view choice; kept for the session."""
    key = (hashlib.sha256(data).hexdigest(), name, view)
    cache: dict[tuple[str, str, str], PhotoResult] = st.session_state.setdefault("analyses", {})
    if key not in cache:
        chosen = None if view == "auto" else View(view)
        cache[key] = _analyzer("full").analyze_bytes(data, name, chosen)
    return cache[key]


def _measure_rows(measurements: Mapping[MeasureName, Measurement]) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for name, m in measurements.items():
        low, high = m.normal_range
        rows.append(
            {
                "measure": MEASURES_BY_NAME[name].label,
                "value": None if m.value is None else round(m.value, 1),
                "± error": m.error,
                "unit": m.unit,
                "status": _STATUS_WORDS[m.status],
                "usual range": f"{low:g} to {high:g}",
                "confidence": m.confidence,
                "note": m.reason,
            }
        )
    return rows


def _show_photo(analysis: PhotoResult) -> None:
    if isinstance(analysis, AnalysisFailure):
        error = analysis.error
        st.error(f"**Could not analyse {analysis.name}** ({error.code}): {error.message}")
        return
    picture = draw_analysis(analysis)
    left, right = st.columns([3, 2])
    with left:
        st.image(
            picture,
            caption=f"{analysis.name}: {analysis.image.width}×{analysis.image.height}",
            width="stretch",
        )
    with right:
        view = analysis.view
        people = analysis.detection.people_detected
        st.markdown(
            f"**View:** {view.view.value} (confidence {view.confidence:.2f}"
            + (", oblique" if view.oblique else "")
            + (", set by you" if view.overridden else "")
            + f") · **people found:** {people}"
        )
        roll = analysis.roll
        level = "unknown" if roll.degrees is None else f"{roll.degrees:+.1f}°"
        st.caption(f"Camera roll {level}: {roll.reason}")
        st.markdown("**How the photo was taken**")
        for check in analysis.checks:
            advice = f" — {check.advice}" if check.passed is not True and check.advice else ""
            title = check.name.replace("_", " ")
            st.markdown(f"{_CHECK_ICON[check.passed]} **{title}**: {check.reason}{advice}")
    if not analysis.judged:
        st.warning(f"**Please retake this photo.** {analysis.assessment.summary}")
        return
    st.dataframe(_measure_rows(analysis.measurements), hide_index=True, width="stretch")


def _show_assessment(assessment: Assessment, plan: Plan) -> None:
    st.subheader("What we saw")
    st.write(assessment.summary)
    for finding in assessment.findings:
        icon = _STATUS_ICON[finding.status.value]
        with st.expander(
            f"{icon} {finding.title} ({finding.status.value})",
            expanded=finding.status is Status.MARKED,
        ):
            st.write(finding.explanation)
            st.caption(f"From: {', '.join(finding.measures)} · confidence {finding.confidence:.2f}")
    if assessment.chain:
        st.info(assessment.chain)
    for note in assessment.cannot_judge:
        st.caption(f"A photo cannot judge: {note}")
    st.subheader("General foot care" if plan.general else "Suggested exercises")
    for item in plan.items:
        exercise = item.exercise
        why = (
            f" — for {', '.join(r.replace('_', ' ') for r in item.reasons)}" if item.reasons else ""
        )
        with st.expander(f"{exercise.name}: {exercise.dose.describe()}{why}"):
            st.write(exercise.summary)
            st.markdown("\n".join(f"{i}. {step}" for i, step in enumerate(exercise.steps, start=1)))
            st.markdown("**Take care:** " + " ".join(exercise.cautions))
            st.caption(f"Evidence: {exercise.evidence}")
    st.warning(f"{plan.disclaimer} {plan.clinician_note}")


def _downloads(analyses: Sequence[PhotoResult], combined: CombinedReport | None) -> None:
    document = results_document(analyses, combined)
    left, right = st.columns(2)
    left.download_button(
        "Download the report (JSON)",
        json.dumps(document, indent=2, ensure_ascii=False),
        file_name="posecheck-report.json",
        mime="application/json",
    )
    right.download_button(
        "Download the measures (CSV)",
        results_csv(analyses, combined),
        file_name="posecheck-measures.csv",
        mime="text/csv",
    )


def _samples() -> dict[str, list[Path]]:
    """Sample renders shipped with posecheck, grouped by body (the name before the view)."""
    groups: dict[str, list[Path]] = {}
    for path in sample_paths():
        body = path.stem.rsplit("_", 1)[0]
        groups.setdefault(body, []).append(path)
    return groups


def _inputs() -> list[tuple[str, bytes]]:
    """The photos to analyse: the user's uploads, or the sample they chose."""
    uploads = st.file_uploader(
        "Standing photos",
        type=list(SUPPORTED_FORMATS),
        accept_multiple_files=True,
    )
    if uploads:
        st.session_state.pop("sample", None)
        return [(upload.name, upload.getvalue()) for upload in uploads]
    groups = _samples()
    if groups:
        st.caption("No photo at hand? Try a sample (rendered bodies with known angles):")
        columns = st.columns(len(groups))
        for column, body in zip(columns, groups, strict=True):
            if column.button(body.replace("_", " "), key=f"sample-{body}"):
                st.session_state["sample"] = body
        chosen = st.session_state.get("sample")
        if chosen in groups:
            return [(path.name, path.read_bytes()) for path in groups[chosen]]
    return []


def render() -> None:
    st.title("posecheck")
    st.write(
        "Upload standing photos of one person — front, side and back, whole body and both feet in "
        "the frame, camera at hip height, 2-3 m away — and get one report."
    )
    st.caption(f"{DISCLAIMER} {CLINICIAN_NOTE}")
    photos = _inputs()
    if not photos:
        return
    analyses = []
    tabs = st.tabs([name for name, _ in photos])
    for (name, data), tab in zip(photos, tabs, strict=True):
        with tab:
            view = st.selectbox("View", _VIEW_CHOICES, key=f"view-{name}", help="auto = detect it")
            with st.spinner(f"Analysing {name}…"):
                analysis = _analyse(data, name, view)
            analyses.append(analysis)
            _show_photo(analysis)
    good = [a for a in analyses if isinstance(a, Analysis) and a.judged]
    if not good:
        return
    st.divider()
    combined = combine(good) if len(good) > 1 else None
    if combined is not None:
        st.header(f"Your report from {len(good)} photos")
        st.dataframe(_measure_rows(combined.measurements), hide_index=True, width="stretch")
        _show_assessment(combined.assessment, combined.plan)
    elif good[0].plan is not None:
        st.header("Your report")
        _show_assessment(good[0].assessment, good[0].plan)
    _downloads(analyses, combined)
