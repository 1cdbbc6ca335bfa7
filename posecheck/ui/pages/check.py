"""The Check page: upload standing photos (front, side, back), get one report.

A page script: Streamlit runs it (``st.navigation`` in app.py, or ``AppTest.from_file``); nothing
imports it. Phone first: problems with the photos, then the report's summary, then the details.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from posecheck import (
    CLINICIAN_NOTE,
    DISCLAIMER,
    SUPPORTED_FORMATS,
    Analysis,
    ImageLimits,
    PhotoResult,
    View,
    combine,
    sample_paths,
)
from posecheck.ui.analyses import analyse, cap_note, warm_up
from posecheck.ui.browser import camera_blocked
from posecheck.ui.correct import correction_editor
from posecheck.ui.guide import show_guide
from posecheck.ui.history import offer_to_save
from posecheck.ui.results import (
    downloads,
    show_assessment,
    show_measures,
    show_photo,
    show_problem,
)
from posecheck.ui.text import plain

VIEW_CHOICES = ["auto", *(v.value for v in View)]
#: Photos in one report: front, side and back.
MAX_PHOTOS = 3
#: The largest photo, MB (the server takes larger uploads, for the Live page's clips).
MAX_PHOTO_MB = ImageLimits().max_file_bytes // 1024**2


def samples() -> dict[str, list[Path]]:
    """Sample renders shipped with posecheck, grouped by body (the name before the view)."""
    groups: dict[str, list[Path]] = {}
    for path in sample_paths():
        body = path.stem.rsplit("_", 1)[0]
        groups.setdefault(body, []).append(path)
    return groups


def inputs() -> list[tuple[str, bytes]]:
    """The photos to analyse: the user's uploads, or the sample they chose."""
    uploads = st.file_uploader(
        "Standing photos",
        type=list(SUPPORTED_FORMATS),
        accept_multiple_files=True,
        max_upload_size=MAX_PHOTO_MB,
        help="A video instead? The Live page takes a recorded clip: the stance check and the "
        "exercises, as with a webcam.",
    )
    if uploads:
        st.session_state.pop("sample", None)
        if len(uploads) > MAX_PHOTOS:
            st.warning(
                f"A report uses up to {MAX_PHOTOS} photos of one person (front, side, back): "
                f"these are the first {MAX_PHOTOS} of the {len(uploads)} you chose."
            )
        return [(upload.name, upload.getvalue()) for upload in uploads[:MAX_PHOTOS]]
    if st.toggle("Or take a photo with this device's camera", key="use-camera"):
        if camera_blocked(st.context.url):
            st.info(
                "Over plain http from another computer the browser gives this page no camera. "
                "Press **Upload** above instead: a phone then offers its camera.",
                icon=":material/no_photography:",
            )
        st.caption(
            "Prop the device up at hip height, 2-3 m away, step back into the frame (whole body "
            "and both feet), and use a timer or a helper."
        )
        snapshot = st.camera_input("Camera", label_visibility="collapsed")
        if snapshot is not None:
            st.session_state.pop("sample", None)
            return [("camera photo.jpg", snapshot.getvalue())]
    groups = samples()
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


def tab_labels(names: list[str]) -> list[str]:
    """One label per photo, numbered when two photos share a name."""
    labels = []
    for index, name in enumerate(names):
        same = names.count(name)
        shown = plain(name)
        labels.append(f"{shown} ({names[: index + 1].count(name)})" if same > 1 else shown)
    return labels


def report(analyses: list[PhotoResult]) -> None:
    good = [a for a in analyses if isinstance(a, Analysis) and a.judged]
    if not good:
        return
    combined = combine(good) if len(good) > 1 else None
    if combined is not None:
        if combined.person.same is False:
            st.warning(f"**Different people?** {plain(combined.person.reason)}")
        st.header(f"Your report from {len(good)} photos")
        show_assessment(combined.assessment, combined.plan, combined.measurements)
        with st.expander("The measures as a table, each from the view that measures it best"):
            show_measures(combined.measurements)
    elif good[0].plan is not None:
        st.header("Your report")
        show_assessment(good[0].assessment, good[0].plan, good[0].measurements)
    downloads(analyses, combined)
    offer_to_save(analyses, combined)


def render() -> None:
    warm_up()  # the model loads while the user reads the guide and picks photos
    st.title("Check your posture")
    st.write(
        f"Upload up to {MAX_PHOTOS} standing photos of one person — front, side and back, whole "
        "body and both feet in the frame, camera at hip height, 2-3 m away — and get one report."
    )
    show_guide()
    photos = inputs()
    st.caption(cap_note())
    disclaimer = f"{DISCLAIMER} {CLINICIAN_NOTE}"
    if not photos:
        st.caption(disclaimer)
        return
    views = [st.session_state.get(f"view-{index}", "auto") for index in range(len(photos))]
    analyses = []
    for (name, data), view in zip(photos, views, strict=True):
        with st.spinner(f"Analysing {name}…"):
            analyses.append(analyse(data, name, view))
    for analysis in analyses:  # problems first: they change what the report means
        show_problem(analysis)
    report(analyses)
    st.caption(disclaimer)  # once, after the summary (on a phone the summary comes first)
    st.header("Your photos")
    labels = tab_labels([name for name, _ in photos])
    for index, (tab, analysis) in enumerate(zip(st.tabs(labels), analyses, strict=True)):
        with tab:
            st.selectbox("View", VIEW_CHOICES, key=f"view-{index}", help="auto = detect it")
            show_photo(analysis, problem=False, key=f"photo-{index}")
            # a switch, not an expander: the editor's picture sizes itself when it is shown
            if isinstance(analysis, Analysis) and st.toggle(
                "A point in the wrong place? Move it", key=f"correcting-{index}"
            ):
                correction_editor(analysis, photos[index][1], key=f"correct-{index}")


if __name__ == "__main__":
    render()
