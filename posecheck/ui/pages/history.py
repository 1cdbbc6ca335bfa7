"""The History page: the checks and live sessions saved on this computer, each measure's trend
with its error band, two checks side by side, and deleting one check or everything.

A change is called a change only when it is larger than the two readings' errors combined
(``change_beyond_error``); anything smaller is said to be "no change beyond the measurement
error", never shown as progress. The database is the one ``HistoryStore`` opens (the user's data
directory, or ``POSECHECK_HOME``).

A page script: Streamlit runs it; nothing imports it but the tests of its pure helpers.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import streamlit as st

from posecheck import (
    CLINICIAN_NOTE,
    DISCLAIMER,
    EXPERIMENTAL_WORDS,
    HELD_WORDS_LIVE,
    MEASURES,
    MEASURES_BY_NAME,
    HistoryStore,
    MeasureName,
    MeasureSpec,
    PosecheckError,
    Status,
    StoredCheck,
    TrendPoint,
    Unit,
    change_beyond_error,
    listed,
    status_in_words,
)
from posecheck.ui.history import open_store, value_words
from posecheck.ui.results import STATUS_ICON

#: A message for the next run (what was just deleted).
MESSAGE_KEY = "history-message"
#: The "delete everything" confirmation is showing.
CONFIRM_KEY = "history-confirm-all"
NO_CHANGE = "no change beyond the measurement error"
_VIEW_WORDS = {"front": "front", "back": "back", "left": "side", "right": "side"}


# --- words ------------------------------------------------------------------------------------


def when_words(created: datetime) -> str:
    """A saved check's date and time, in this computer's time zone: "2 Dec 2026, 14:05"."""
    local = created.astimezone()
    return f"{local.day} {local:%b %Y, %H:%M}"


def views_words(check: StoredCheck) -> str:
    """What was photographed: "one front photo", "front, side and back photos"."""
    seen = {_VIEW_WORDS.get(v, v) for v in check.details.get("views", {}).values()}
    order = ("front", "side", "back")
    views = [v for v in order if v in seen] + sorted(seen.difference(order))
    if not views:
        return "photos"
    if len(check.images) == 1:
        return f"one {views[0]} photo"
    return f"{listed(views)} photos"


def file_name(name: str) -> str:
    """A photo's file name without its folder (the command line saves whole paths)."""
    return name.replace("\\", "/").rsplit("/", 1)[-1]


def check_label(check: StoredCheck) -> str:
    return f"{when_words(check.created)} · {views_words(check)}"


def _outside(value: float, spec: MeasureSpec) -> float:
    """How far a reading lies outside the usual range (0 inside it)."""
    low, high = spec.normal
    return max(low - value, value - high, 0.0)


def change_words(spec: MeasureSpec, earlier: TrendPoint, later: TrendPoint) -> str:
    """Whether ``later`` differs from ``earlier`` by more than their errors, in words."""
    beyond = change_beyond_error(earlier, later)
    if beyond is None or earlier.value is None or later.value is None:
        return "not measured in both"
    if not beyond:
        return NO_CHANGE
    difference = value_words(later.value - earlier.value, spec.unit, signed=True)
    before, after = _outside(earlier.value, spec), _outside(later.value, spec)
    if after < before:
        where = "closer to the usual range"
    elif after > before:
        where = "further from the usual range"
    else:
        where = "within the usual range both times"
    return f"changed by {difference}, {where}"


def trend_words(spec: MeasureSpec, points: Sequence[TrendPoint]) -> tuple[str, str]:
    """A measure's trend, first reading against the latest: a few words and a sentence."""
    first, last = points[0], points[-1]
    if len(points) == 1:
        return "one reading so far", (
            f"One reading so far: {value_words(first.value, spec.unit)} on "
            f"{when_words(first.created)}. Save another check later to see a change."
        )
    short = change_words(spec, first, last)
    error = math.hypot(first.error, last.error)
    margin = value_words(error, spec.unit).lstrip("+")
    sentence = (
        f"From {value_words(first.value, spec.unit)} ({when_words(first.created)}) to "
        f"{value_words(last.value, spec.unit)} ({when_words(last.created)}), over "
        f"{len(points)} readings. The two readings' errors together are ±{margin}: "
    )
    if short == NO_CHANGE:
        return short, sentence + f"the difference is smaller, so {NO_CHANGE}."
    return short, sentence + f"the difference is larger, so it {short}."


def findings_lines(findings: Sequence[dict[str, Any]]) -> str:
    """The findings as a list (empty when there were none: the summary says so)."""
    if not findings:
        return ""
    return "\n".join(
        f"- {STATUS_ICON.get(f['status'], '')} {f['title']} ({_status_words(f['status'])})"
        for f in findings
    )


def _status_words(status: str) -> str:
    """A saved status in plain words; a status this version does not know, as it was saved."""
    try:
        return Status(status).words
    except ValueError:
        return status


# --- the chart --------------------------------------------------------------------------------


def trend_chart(spec: MeasureSpec, points: Sequence[TrendPoint]) -> dict[str, Any]:
    """A Vega-Lite chart: the usual range (grey), each reading's error band (blue, shaded, with a
    bar at each reading) and the readings, shaped by their status."""
    rows = [
        {
            "when": p.created.isoformat(),
            "value": p.value,
            "low": (p.value or 0.0) - p.error,
            "high": (p.value or 0.0) + p.error,
            "reading": value_words(p.value, spec.unit),
            # the chart's title says it once for an experimental measure
            "status": status_in_words(spec.name, p.status, say_experimental=False),
        }
        for p in points
        if p.value is not None
    ]
    low, high = spec.normal
    x = {
        "field": "when",
        "type": "temporal",
        "title": None,
        "axis": {"format": "%d %b", "labelFlush": True},
        "scale": {"padding": 24},  # room for the first and last dates' labels
    }
    band = {"x": x, "y": {"field": "low", "type": "quantitative"}, "y2": {"field": "high"}}
    y_title = {Unit.DEG: "degrees", Unit.RATIO: "ratio"}.get(spec.unit, spec.unit.symbol.strip())
    return {
        "height": 220,
        "padding": {"left": 5, "top": 5, "bottom": 5, "right": 20},
        "data": {"values": rows},
        "layer": [
            {
                "data": {"values": [{"low": low, "high": high}]},
                "mark": {"type": "rect", "color": "#bbbbbb", "opacity": 0.35},
                "encoding": {
                    "y": {"field": "low", "type": "quantitative", "title": y_title},
                    "y2": {"field": "high"},
                },
            },
            {"mark": {"type": "area", "color": "#4c78a8", "opacity": 0.25}, "encoding": band},
            {"mark": {"type": "rule", "color": "#4c78a8", "strokeWidth": 2}, "encoding": band},
            {
                "mark": {"type": "line", "color": "#1f3b5a"},
                "encoding": {"x": x, "y": {"field": "value", "type": "quantitative"}},
            },
            {
                "mark": {"type": "point", "filled": True, "size": 90, "color": "#1f3b5a"},
                "encoding": {
                    "x": x,
                    "y": {"field": "value", "type": "quantitative"},
                    "shape": {
                        "field": "status",
                        "type": "nominal",
                        # one status a line: side by side they run off a phone's width
                        "legend": {"orient": "bottom", "title": None, "direction": "vertical"},
                    },
                    "tooltip": [
                        {
                            "field": "when",
                            "type": "temporal",
                            "format": "%d %b %Y %H:%M",
                            "title": "date",
                        },
                        {"field": "reading", "title": "reading"},
                        {"field": "status", "title": "status"},
                    ],
                },
            },
        ],
    }


# --- deleting (callbacks: they run before the page) ---------------------------------------------


def _delete(check_id: int, label: str) -> None:
    with open_store() as store:
        deleted = store.delete(check_id)
    st.session_state[MESSAGE_KEY] = f"Deleted {label}." if deleted else f"{label} was already gone."


def delete_button(check: StoredCheck, what: str) -> None:
    """Deletes one saved check or live session (no confirmation: it is one of many)."""
    whose = "the check" if what == "check" else "the live session"
    st.button(
        f"Delete this {what}",
        key=f"delete-{check.id}",
        icon=":material/delete:",
        on_click=_delete,
        args=(check.id, f"{whose} of {when_words(check.created)}"),
    )


def _ask_to_delete_all(ask: bool) -> None:
    st.session_state[CONFIRM_KEY] = ask


def _delete_all() -> None:
    with open_store() as store:
        count = store.delete_all()
    st.session_state[CONFIRM_KEY] = False
    st.session_state[MESSAGE_KEY] = f"Deleted everything saved ({count})."


# --- the sections -----------------------------------------------------------------------------


def _pictures(store: HistoryStore, check: StoredCheck) -> None:
    thumbnails = store.pictures(check.id)
    if thumbnails:
        st.image(
            list(thumbnails.values()),
            caption=[f"{file_name(name)}, with the points drawn" for name in thumbnails],
            width=160,
        )
    if store.pictures(check.id, "photo"):
        st.caption("The photos themselves are kept too.")


def saved_checks(store: HistoryStore, checks: Sequence[StoredCheck]) -> None:
    st.header("Saved checks")
    if not checks:
        st.caption("No photo checks saved yet.")
    for check in checks:
        findings = store.findings(check.id)
        count = (
            f"{len(findings)} finding{'s' if len(findings) != 1 else ''}"
            if findings
            else "nothing found"
        )
        with st.expander(f"{check_label(check)} · {count}"):
            st.write(check.summary)
            if findings:
                st.markdown(findings_lines(findings))
            _pictures(store, check)
            delete_button(check, "check")


def trends(store: HistoryStore) -> None:
    st.header("How your measures changed")
    st.caption(
        "Each reading comes with its measurement error (the blue band); the grey band is the "
        "usual range. A difference counts as a change only when it is larger than the two "
        "readings' errors together; a smaller one is not progress, just measurement noise."
    )
    shown = 0
    for spec in MEASURES:
        points = store.trend(spec.name)
        if not points:
            continue
        short, sentence = trend_words(spec, points)
        title = f"{spec.label.capitalize()}: {short}"
        if not spec.for_findings:
            title += f" ({EXPERIMENTAL_WORDS})"
        with st.expander(title, expanded=shown == 0):
            st.vega_lite_chart(
                trend_chart(spec, points),
                width="stretch",
                alt=f"Chart of the {spec.label} in each saved check. {sentence}",
            )
            st.caption(sentence)
        shown += 1
    if not shown:
        st.caption("No measures saved yet.")


def _one_side(store: HistoryStore, check: StoredCheck) -> None:
    st.markdown(f"**{check_label(check)}**")
    st.markdown(findings_lines(store.findings(check.id)) or check.summary)
    _pictures(store, check)


def compare(store: HistoryStore, checks: Sequence[StoredCheck]) -> None:
    st.header("Two checks side by side")
    if len(checks) < 2:
        st.caption("Save two photo checks to compare them here.")
        return
    by_id = {check.id: check for check in checks}
    ids = list(by_id)
    left, right = st.columns(2)
    earlier = left.selectbox(
        "Earlier", ids, index=1, format_func=lambda i: check_label(by_id[i]), key="compare-a"
    )
    later = right.selectbox(
        "Later", ids, index=0, format_func=lambda i: check_label(by_id[i]), key="compare-b"
    )
    with left:
        _one_side(store, by_id[earlier])
    with right:
        _one_side(store, by_id[later])
    before, after = store.measures(earlier), store.measures(later)
    lines = []
    for spec in MEASURES:
        if spec.name not in before and spec.name not in after:
            continue
        a, b = before.get(spec.name), after.get(spec.name)
        first = value_words(a.value if a else None, spec.unit)
        second = value_words(b.value if b else None, spec.unit)
        words = change_words(spec, a, b) if a and b else "not measured in both"
        lines.append(f"- **{spec.label.capitalize()}**: {first} → {second}: {words}")
    st.markdown("\n".join(lines))


def session_lines(details: dict[str, Any]) -> list[str]:
    """A saved live session in words: its length, form notes and the stance's means with their
    status (a held mean says why it is not judged; older records have no ``held``)."""
    lines = [f"{details.get('duration_s', 0):.0f} s, {details.get('frames', 0)} frames"]
    if details.get("frames_with_others"):  # saved since the people in view are counted
        lines.append(
            f"Someone else was in view in {details['frames_with_others']} frames (the stance "
            "check waited then)"
        )
    exercise = details.get("exercise") or {}
    lines += [f"Form: {note}" for note in exercise.get("form_notes", [])]
    stance = details.get("stance") or {}
    for name, measure in stance.get("measures", {}).items():
        spec = _spec(name)
        if spec is None or measure.get("value") is None:
            continue
        status = status_in_words(
            spec.name,
            Status(measure["status"]),
            # saved since the stance check holds what it cannot judge
            held=bool(measure.get("held")),
            held_words=f"{HELD_WORDS_LIVE}: {measure.get('reason', '')}",
        )
        lines.append(
            f"{spec.label.capitalize()}: {value_words(measure['value'], spec.unit)} ({status})"
        )
    return lines


def _spec(name: str) -> MeasureSpec | None:
    try:
        return MEASURES_BY_NAME[MeasureName(name)]
    except ValueError:
        return None


def live_sessions(checks: Sequence[StoredCheck]) -> None:
    st.header("Live sessions")
    if not checks:
        st.caption("No live sessions saved yet (the Live page's summary has a Save button).")
    for check in checks:
        title = str(check.details.get("title") or "Live session")
        with st.expander(f"{when_words(check.created)} · {title}"):
            st.write(check.summary)
            st.markdown("\n".join(f"- {line}" for line in session_lines(dict(check.details))))
            delete_button(check, "session")


def everything(store: HistoryStore, count: int) -> None:
    """Take everything away (as JSON, pictures left out), or delete it all."""
    st.header("Everything saved")
    st.download_button(
        "Download everything saved (JSON, without the pictures)",
        json.dumps(store.export(), indent=2, ensure_ascii=False),
        file_name="posecheck-history.json",
        mime="application/json",
        icon=":material/download:",
    )
    if not st.session_state.get(CONFIRM_KEY):
        st.button("Delete everything saved…", icon=":material/delete_forever:",
                  on_click=_ask_to_delete_all, args=(True,))  # fmt: skip
        return
    st.warning(
        f"This deletes all {count} saved checks and live sessions from this computer, with "
        "their pictures. It cannot be undone.",
        icon=":material/warning:",
    )
    yes, no = st.columns(2)
    yes.button("Yes, delete everything", type="primary", on_click=_delete_all)
    no.button("Cancel", on_click=_ask_to_delete_all, args=(False,))


def render() -> None:
    st.title("History")
    st.write(
        "The checks and live sessions you saved on this computer, and how each measure changed "
        "from one check to the next."
    )
    message = st.session_state.pop(MESSAGE_KEY, None)
    if message:
        st.success(message, icon=":material/delete:")
    try:
        store = open_store()
    except PosecheckError as error:
        st.error(f"The history cannot be opened: {error.message}")
        return
    with store:
        checks = store.checks()
        photos = [check for check in checks if check.kind == "photo"]
        sessions = [check for check in checks if check.kind == "live"]
        if not checks:
            st.info(
                "Nothing saved yet. After a check on the Check page, tick **Save this check on "
                "this computer**; after a live session, press **Save this session**.",
                icon=":material/history:",
            )
        else:
            saved_checks(store, photos)
            trends(store)
            compare(store, photos)
            live_sessions(sessions)
            everything(store, len(checks))
        st.caption(f"Saved only on this computer, in {store.path}. {DISCLAIMER} {CLINICIAN_NOTE}")


if __name__ == "__main__":
    render()
