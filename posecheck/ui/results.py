"""How a photo's result and a report are shown (the Check page and the Live page's snapshot).

UI only: every number comes from posecheck's public API. Laid out for a phone first: the summary
before the details, narrow tables (the technical columns are behind an expander), one disclaimer
per page (the page shows it, not the report).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

import streamlit as st

from posecheck import (
    MEASURES_BY_NAME,
    AnalysisFailure,
    Assessment,
    CombinedReport,
    Measurement,
    MeasureName,
    PhotoResult,
    Plan,
    Status,
    Unit,
    draw_analysis,
    results_csv,
    results_document,
)

# Streamlit's own icon font: no dependence on an emoji font in the browser.
STATUS_ICON = {
    "normal": ":green[:material/check_circle:]",
    "possible": ":blue[:material/radio_button_unchecked:]",
    "mild": ":orange[:material/error:]",
    "marked": ":red[:material/report:]",
    "unknown": ":gray[:material/help:]",
}
STATUS_WORDS = {
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


def reading(value: float | None, unit: Unit, spread: str = "") -> str:
    """A value in words: "+4.2 deg ± 2.0", a ratio without a sign; ``spread`` follows it."""
    if value is None:
        return "–"
    if unit is Unit.RATIO:
        return f"{value:.2f}{spread}"
    return f"{value:+.1f}{spread} {unit}"


def _value(m: Measurement) -> str:
    digits = 2 if m.unit is Unit.RATIO else 1
    return reading(m.value, m.unit, f" ± {m.error:.{digits}f}" if m.error else "")


def measure_rows(measurements: Mapping[MeasureName, Measurement]) -> list[dict[str, object]]:
    """The measures table: four columns, narrow enough for a phone."""
    rows: list[dict[str, object]] = []
    for name, m in measurements.items():
        low, high = m.normal_range
        rows.append(
            {
                "measure": MEASURES_BY_NAME[name].label,
                "value": _value(m),
                "status": STATUS_WORDS[m.status],
                "usual range": f"{low:g} to {high:g}",
            }
        )
    return rows


def detail_rows(measurements: Mapping[MeasureName, Measurement]) -> list[dict[str, object]]:
    """The technical columns: name, confidence, why a value is missing or held back."""
    return [
        {
            "measure": MEASURES_BY_NAME[name].label,
            "name": name.value,
            "confidence": round(m.confidence, 2),
            "note": m.reason,
        }
        for name, m in measurements.items()
    ]


def show_measures(measurements: Mapping[MeasureName, Measurement]) -> None:
    st.dataframe(measure_rows(measurements), hide_index=True, width="stretch")
    with st.expander("Technical detail"):
        st.dataframe(detail_rows(measurements), hide_index=True, width="stretch")


def show_problem(analysis: PhotoResult) -> None:
    """Why a photo gives no report (it failed, or must be retaken); nothing when it is fine."""
    if isinstance(analysis, AnalysisFailure):
        error = analysis.error
        st.error(f"**Could not analyse {analysis.name}** ({error.code}): {error.message}")
    elif not analysis.judged:
        st.warning(f"**Please retake {analysis.name}.** {analysis.assessment.summary}")


def show_photo(analysis: PhotoResult, *, problem: bool = True) -> None:
    """One photo: the annotated picture, how it was taken, its measures; with ``problem``, first
    why it gives no report (a page that lists the problems first passes False)."""
    if problem:
        show_problem(analysis)
    if isinstance(analysis, AnalysisFailure):
        return
    picture = draw_analysis(analysis)
    left, right = st.columns([3, 2])
    with left:
        st.image(
            picture,
            caption=f"{analysis.name}: {analysis.image.width}×{analysis.image.height}",
            width="stretch",
            output_format="JPEG",  # a photo: 30x faster to encode than PNG, a quarter the size
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
    if analysis.judged:
        show_measures(analysis.measurements)


def show_assessment(assessment: Assessment, plan: Plan) -> None:
    """What was seen, the pattern, what a photo cannot judge, and the exercise plan."""
    st.subheader("What we saw")
    st.write(assessment.summary)
    for finding in assessment.findings:
        icon = STATUS_ICON[finding.status.value]
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


def downloads(analyses: Sequence[PhotoResult], combined: CombinedReport | None) -> None:
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
