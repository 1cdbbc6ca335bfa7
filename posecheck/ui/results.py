"""How a photo's result and a report are shown (the Check page and the Live page's snapshot).

UI only: every number and picture comes from posecheck's public API. Laid out for a phone first:
the summary before the details, then the body map and a card per measure (two columns that stack
on a narrow screen), narrow tables (the technical columns are behind an expander), one disclaimer
per page (the page shows it, not the report). Every picture has a caption that says what it shows.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

import streamlit as st

from posecheck import (
    CHECK_LABELS,
    HELD_WORDS,
    MEASURES_BY_NAME,
    Analysis,
    AnalysisFailure,
    Assessment,
    CombinedReport,
    Measurement,
    MeasureName,
    PdfPhoto,
    PhotoResult,
    Plan,
    Status,
    Unit,
    body_map,
    capitalised,
    check_title,
    draw_analysis,
    held_regions,
    listed,
    measure_meaning,
    measure_scale,
    pdf_report,
    region_states,
    results_csv,
    results_document,
    unjudged_regions,
)
from posecheck.ui.exercise_card import exercise_card
from posecheck.ui.text import plain

# Streamlit's own icon font (no dependence on an emoji font in the browser), in the body map's
# shapes: check, circle, triangle, square, question mark.
STATUS_ICON = {
    "normal": ":green[:material/check:]",
    "possible": ":blue[:material/radio_button_unchecked:]",
    "mild": ":orange[:material/warning:]",
    "marked": ":red[:material/stop:]",
    "unknown": ":gray[:material/question_mark:]",
}
#: An experimental measure's reading outside the usual range: shown, never judged.
_SHOWN_ICON = ":gray[:material/info:]"
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
                "status": m.status_words,
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
        st.error(f"**Could not analyse {plain(analysis.name)}**: {plain(analysis.error.message)}")
        if analysis.likely_why:  # a photo too dark to find anyone in says so
            st.warning(plain(analysis.likely_why))
    elif not analysis.judged:
        st.warning(
            f"**Please retake {plain(analysis.name)}.** {plain(analysis.assessment.summary)}"
        )


#: The photo's layers that can be switched off, in words.
LAYERS = ("skeleton", "measure lines", "labels")


def _photo_caption(analysis: Analysis, layers: Sequence[str]) -> str:
    shown = ", ".join(layers) if layers else "nothing drawn"
    return (
        f"{plain(analysis.name)} ({analysis.image.width}×{analysis.image.height}), with {shown}; "
        "each label gives the measure's status as a shape and in words; the values are listed "
        "below"
    )


def show_photo(analysis: PhotoResult, *, problem: bool = True, key: str = "photo") -> None:
    """One photo: the annotated picture (its layers can be switched), how it was taken, its
    measures; with ``problem``, first why it gives no report (a page that lists the problems
    first passes False). ``key`` tells this photo's layer switches from another photo's."""
    if problem:
        show_problem(analysis)
    if isinstance(analysis, AnalysisFailure):
        return
    left, right = st.columns([3, 2])
    with left:
        layers = st.pills(
            "Show on the photo",
            LAYERS,
            selection_mode="multi",
            default=list(LAYERS),
            key=f"layers-{key}",
        )
        picture = draw_analysis(
            analysis,
            skeleton=LAYERS[0] in layers,
            lines=LAYERS[1] in layers,
            labels=LAYERS[2] in layers,
            status_marks=True,  # shape, colour and words: not colour alone
        )
        st.image(
            picture,
            caption=_photo_caption(analysis, layers),
            width="stretch",
            output_format="JPEG",  # a photo: 30x faster to encode than PNG, a quarter the size
        )
    with right:
        show_capture(analysis)
    if analysis.judged:
        show_measures(analysis.measurements)


_CHECK_WORDS = {True: "fine", False: "a problem", None: "could not tell"}


def show_capture(analysis: Analysis) -> None:
    """How the photo was taken, in words: the view, each check's outcome and what to do; the
    technical reasons (confidences, edge counts, sharpness) behind an expander."""
    view = analysis.view
    seen = f"**Seen from:** the {view.view.value}"
    if view.overridden:
        seen += " (as you set it)"
    elif view.oblique:
        seen += " (the body is turned a little)"
    st.markdown(f"{seen} · **people found:** {analysis.detection.people_detected}")
    st.markdown("**How the photo was taken**")
    # what to look at first (a problem, then what could not be told), each with what to do; the
    # checks that passed together on one line, so a good photo's list stays short on a phone
    for passed in (False, None):
        for check in (c for c in analysis.checks if c.passed is passed):
            advice = f" — {check.advice}" if check.advice else ""
            title = check_title(check)
            st.markdown(f"{_CHECK_ICON[passed]} **{title}**: {_CHECK_WORDS[passed]}{advice}")
    fine = [CHECK_LABELS[c.name] for c in analysis.checks if c.passed is True]
    if fine:
        st.markdown(f"{_CHECK_ICON[True]} **Fine**: {listed(fine)}.")
    with st.expander("Technical detail of the photo"):
        roll = analysis.roll
        level = "unknown" if roll.degrees is None else f"{roll.degrees:+.1f}°"
        lines = [
            f"View {view.view.value}: confidence {view.confidence:.2f}; {view.reason}",
            f"Camera roll {level}: {roll.reason}",
            *(f"{check_title(check)}: {check.reason}" for check in analysis.checks),
        ]
        st.caption("  \n".join(lines))


_ORDER = (Status.MARKED, Status.MILD, Status.POSSIBLE, Status.NORMAL, Status.UNKNOWN)
#: A region none of whose measures the photos could give, in the list beside the body map.
NOT_MEASURED_WORDS = "not measured in these photos (see why below, under the cards)"


def measure_card(measurement: Measurement) -> None:
    """One measure: plain name and value, its scale, the status in words, one line of meaning."""
    spec = MEASURES_BY_NAME[measurement.name]
    status = measurement.status
    with st.container(border=True):
        st.markdown(f"**{spec.label.capitalize()}** · {_value(measurement)}")
        low, high = measurement.normal_range
        where = "not measured" if measurement.value is None else f"you: {_value(measurement)}"
        st.image(
            measure_scale(measurement),
            caption=f"Scale: usual range {low:g} to {high:g}; {where}",
            width="stretch",
            output_format="PNG",  # a drawing: crisp lines
        )
        words = measurement.status_explained
        icon = STATUS_ICON[status.value]
        if not spec.for_findings and status not in (Status.NORMAL, Status.UNKNOWN):
            icon = _SHOWN_ICON  # outside, but never judged: not a warning's colour
        st.markdown(f"{icon} {capitalised(words)}")
        st.caption(measure_meaning(measurement.name))


def show_at_a_glance(
    measurements: Mapping[MeasureName, Measurement], assessment: Assessment
) -> None:
    """The body map and a card per measure, the furthest from the usual range first (the
    experimental ones last); the measures that could not be taken wait behind an expander."""
    st.subheader("At a glance")
    left, right = st.columns([2, 3])
    left.image(
        body_map(measurements, assessment),
        caption="Body map, front view (your left is on the picture's right); each region's "
        "state is listed beside it in words",
        width="stretch",
        output_format="PNG",
    )
    states = region_states(measurements, assessment)
    unjudged = unjudged_regions(measurements)
    held = held_regions(measurements, assessment)
    with right:
        st.markdown("**Each region, the furthest from the usual range first**")
        for region, status in sorted(states.items(), key=lambda item: _ORDER.index(item[1])):
            words = status.words
            if region in unjudged and status is Status.UNKNOWN:
                words = "measured, but not judged from a photo (see its card below)"
            elif region in held:  # its card says why, and how to retake
                words = f"{HELD_WORDS} (see its card below)"
            elif status is Status.UNKNOWN:  # its cards wait in "Not measured in these photos"
                words = NOT_MEASURED_WORDS
            st.markdown(f"{STATUS_ICON[status.value]} **{region.capitalize()}**: {words}")
    st.subheader("Your measures")
    # the furthest from the usual range first; experimental measures after the others
    ordered = sorted(
        measurements.values(),
        key=lambda m: (not MEASURES_BY_NAME[m.name].for_findings, _ORDER.index(m.status)),
    )
    known = [m for m in ordered if m.value is not None]
    for start in range(0, len(known), 2):  # a row at a time: a phone stacks them in order
        for column, measurement in zip(st.columns(2), known[start : start + 2], strict=False):
            with column:
                measure_card(measurement)
    missing = [m for m in ordered if m.value is None]
    if missing:
        with st.expander(f"Not measured in these photos ({len(missing)})"):
            for measurement in missing:
                measure_card(measurement)
    with st.expander("Technical detail"):
        st.dataframe(detail_rows(measurements), hide_index=True, width="stretch")


def show_assessment(
    assessment: Assessment,
    plan: Plan,
    measurements: Mapping[MeasureName, Measurement] | None = None,
) -> None:
    """What was seen, then (given the ``measurements``) the body map and the measure cards, the
    findings, the pattern, what a photo cannot judge, and the exercise plan."""
    st.subheader("What we saw")
    st.write(assessment.summary)
    if measurements is not None:
        show_at_a_glance(measurements, assessment)
        if assessment.findings:
            st.subheader("What was found")
    for finding in assessment.findings:
        icon = STATUS_ICON[finding.status.value]
        with st.expander(
            f"{icon} {finding.title} ({finding.status.words})",
            expanded=finding.status is Status.MARKED,
        ):
            st.write(finding.explanation)
            sources = ", ".join(MEASURES_BY_NAME[name].label for name in finding.measures)
            st.caption(f"From: {sources} · confidence {finding.confidence:.2f}")
    if assessment.chain:
        st.info(assessment.chain)
    for note in assessment.cannot_judge:
        st.caption(f"A photo cannot judge: {note}")
    st.subheader("General foot care" if plan.general else "Suggested exercises")
    titles: dict[str, list[str]] = {}
    for finding in assessment.findings:  # a finding's own words, not its key
        titles.setdefault(finding.key, []).append(finding.title.lower())
    for item in plan.items:
        exercise = item.exercise
        named = [t for r in item.reasons for t in titles.get(r, [r.replace("_", " ")])]
        why = f" — for: {'; '.join(dict.fromkeys(named))}" if named else ""
        with st.expander(f"{exercise.name}: {exercise.dose.describe()}{why}"):
            st.write(exercise.summary)
            exercise_card(exercise)


def downloads(analyses: Sequence[PhotoResult], combined: CombinedReport | None) -> None:
    """The report as a PDF (made only when asked for), the JSON of the CLI contract, the CSV."""
    document = results_document(analyses, combined)
    photos = tuple(analyses)

    def pdf() -> bytes:  # runs when the button is pressed, on its own thread
        return pdf_report([PdfPhoto.of(result) for result in photos], combined)

    first, left, right = st.columns(3)
    first.download_button(
        "Download the report (PDF)",
        pdf,
        file_name="posecheck-report.pdf",
        mime="application/pdf",
        on_click="ignore",
        type="primary",
    )
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
