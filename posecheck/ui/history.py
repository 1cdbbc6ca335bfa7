"""Saving to the history on this computer, only with the user's consent, and the words the History
page shares with the pages that save.

**A photo check** (:func:`offer_to_save`, one line at the end of the Check page's report): nothing
is saved until the user ticks "Save this check on this computer" and presses Save. Then the date,
each measure with its status and error band, the findings and small annotated pictures go to the
history database (:class:`~posecheck.HistoryStore`); the photos themselves only when a second box
is ticked. **A live session** (:func:`offer_to_save_session`, on the Live page's summary): its own
button saves the summary (counts, times, form notes, stance measures; never video or pictures).

The database is where :class:`~posecheck.HistoryStore` puts it: the user's data directory, or
the folder named by the ``POSECHECK_HOME`` environment variable (the tests point it at a temporary
folder). The store is opened for each use and closed at once: nothing is held between reruns.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import streamlit as st

from posecheck import (
    Analysis,
    CombinedReport,
    HistoryStore,
    PhotoResult,
    PosecheckError,
    SessionSummary,
    Unit,
    draw_analysis,
    encode_jpeg,
    side_amount_words,
    summary_to_dict,
    why_no_stance_in,
)

#: The long side of a saved thumbnail, pixels.
THUMBNAIL_SIDE = 320
#: What was saved in this browser session: fingerprint -> the saved check's number.
SAVED_KEY = "posecheck_history_saved"
#: A save that failed: fingerprint -> the message.
FAILED_KEY = "posecheck_history_failed"
KEPT_WORDS = (
    "Kept: the date, each measure with its error band, what was found, and small pictures with "
    f"the points drawn ({THUMBNAIL_SIDE} pixels). Only on this computer; delete it on the "
    "History page at any time."
)


def open_store() -> HistoryStore:
    """The history database (``POSECHECK_HOME`` moves it); close it after use (``with``)."""
    return HistoryStore()


def jpeg(rgb: np.ndarray, side: int | None = None, quality: int = 85) -> bytes:
    """An RGB picture as JPEG bytes, shrunk to at most ``side`` pixels on its long side."""
    encoded = encode_jpeg(rgb, side=side, quality=quality)
    if encoded is None:  # OpenCV's encoder failed: nothing can be saved of this picture
        raise ValueError("the picture could not be encoded as JPEG")
    return encoded


def value_words(value: float | None, unit: Unit, *, signed: bool = False) -> str:
    """A reading for people: "+4.2°", "+3.0% of hip width", "0.95" (a ratio has a sign only
    when ``signed``, as a difference has)."""
    if value is None:
        return "no reading"
    ratio = unit is Unit.RATIO
    sign = "+" if signed or not ratio else ""
    return f"{value:{sign}.{2 if ratio else 1}f}{unit.symbol}"


def _fingerprint(parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:16]


def check_fingerprint(judged: Sequence[Analysis]) -> str:
    """The same photos with the same readings (and corrections) give the same fingerprint."""
    return _fingerprint(
        [
            [a.name, {n.value: m.value for n, m in a.measurements.items()}, list(a.corrected)]
            for a in judged
        ]
    )


def _saved() -> dict[str, int]:
    found = st.session_state.get(SAVED_KEY)
    if not isinstance(found, dict):
        found = {}
        st.session_state[SAVED_KEY] = found
    return found


def _save_check(
    judged: Sequence[Analysis], combined: CombinedReport | None, fingerprint: str
) -> None:
    """The Save button's callback: the check, its thumbnails, the photos if the box says so."""
    if not st.session_state.get(f"history-consent-{fingerprint}"):
        return  # no consent, no saving (the button is disabled then; this makes sure)
    keep_photos = bool(st.session_state.get(f"history-photos-{fingerprint}", False))
    thumbnails = {a.name: jpeg(draw_analysis(a), THUMBNAIL_SIDE, 80) for a in judged}
    photos = {a.name: jpeg(a.image.rgb, quality=90) for a in judged} if keep_photos else None
    try:
        with open_store() as store:
            check_id = store.save_check(judged, combined, thumbnails=thumbnails, photos=photos)
    except PosecheckError as error:
        st.session_state.setdefault(FAILED_KEY, {})[fingerprint] = error.message
        return
    _saved()[fingerprint] = check_id


def _still_saved(check_id: int) -> bool:
    """Whether the check is still in the history (it may have been deleted on the History page)."""
    try:
        with open_store() as store:
            return any(check.id == check_id for check in store.checks())
    except PosecheckError:
        return False


def offer_to_save(analyses: Sequence[PhotoResult], combined: CombinedReport | None) -> int | None:
    """The consent box and Save button under a report; the saved check's number once saved.

    ``analyses`` are the page's results (failed and retake photos are left out: only judged
    photos are saved); ``combined`` is the report of several photos, None for one photo.
    """
    judged = [a for a in analyses if isinstance(a, Analysis) and a.judged]
    if not judged or (combined is None and len(judged) != 1):
        return None
    fingerprint = check_fingerprint(judged)
    with st.container(border=True):
        check_id = _saved().get(fingerprint)
        if check_id is not None and _still_saved(check_id):
            st.success(
                "Saved on this computer. The History page shows it and how your measures change.",
                icon=":material/check_circle:",
            )
            return check_id
        consent = st.checkbox(
            "Save this check on this computer", key=f"history-consent-{fingerprint}"
        )
        st.caption(KEPT_WORDS)
        st.checkbox(
            "Also keep the photos themselves",
            key=f"history-photos-{fingerprint}",
            disabled=not consent,
            help="Without this, only the small pictures are kept.",
        )
        st.button(
            "Save",
            key=f"history-save-{fingerprint}",
            icon=":material/save:",
            disabled=not consent,
            on_click=_save_check,
            args=(judged, combined, fingerprint),
        )
        failed = st.session_state.get(FAILED_KEY, {}).get(fingerprint)
        if failed:
            st.error(f"Could not save: {failed}")
    return None


# --- live sessions ----------------------------------------------------------------------------


def session_words(title: str, data: Mapping[str, Any]) -> str:
    """A live session's summary in one line: what was done, how much of it."""
    exercise = data.get("exercise")
    if exercise:
        sides = [
            f"{side['side'] + ' side ' if side['side'] else ''}"
            + side_amount_words(side)
            + (" (done)" if side["done"] else "")
            for side in exercise["sides"]
        ]
        return f"{title}: {'; '.join(sides) or 'nothing counted'}"
    stance = data.get("stance")
    if stance:
        return f"{title}: measured from the {stance['view']} over {stance['frames']} still frames"
    return f"{title}: {why_no_stance_in(data)}"


def session_record(title: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """What the history keeps of a live set: its summary (``summary_to_dict``), its title, and
    the line that says what was done."""
    return {**data, "title": title, "summary": session_words(title, data)}


def _save_session(title: str, data: dict[str, Any], fingerprint: str) -> None:
    try:
        with open_store() as store:
            check_id = store.save_live_session(session_record(title, data))
    except PosecheckError as error:
        st.session_state.setdefault(FAILED_KEY, {})[fingerprint] = error.message
        return
    _saved()[fingerprint] = check_id


def offer_to_save_session(summary: SessionSummary, title: str, *, key: str) -> None:
    """A "Save this session" button for one live set's summary (``key`` tells sets apart)."""
    data = summary_to_dict(summary)
    fingerprint = _fingerprint([title, data])
    check_id = _saved().get(fingerprint)
    if check_id is not None and _still_saved(check_id):
        st.success("Saved to your history on this computer.", icon=":material/check_circle:")
        return
    st.button(
        "Save this session",
        key=f"history-session-{key}-{fingerprint}",
        icon=":material/save:",
        on_click=_save_session,
        args=(title, data, fingerprint),
        help="Keeps this summary on this computer: counts, times, form notes and stance "
        "measures (no video, no pictures). The History page shows it.",
    )
    failed = st.session_state.get(FAILED_KEY, {}).get(fingerprint)
    if failed:
        st.error(f"Could not save: {failed}")
