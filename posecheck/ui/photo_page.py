"""The photo page: upload a standing photo, see the skeleton and the landmarks.

The only UI code; it calls posecheck's public API like any other user.
"""

from __future__ import annotations

import streamlit as st

from posecheck import Analysis, Analyzer, draw_pose
from posecheck.exercises import CLINICIAN_NOTE, DISCLAIMER
from posecheck.images import SUPPORTED_FORMATS
from posecheck.report import landmarks_to_list


@st.cache_resource(show_spinner="Loading the pose model…")
def _analyzer(model: str) -> Analyzer:
    return Analyzer.open(model)


def _show_result(analysis: Analysis) -> None:
    if analysis.error is not None:
        st.error(
            f"**Could not analyse {analysis.name}** ({analysis.error.code}): "
            f"{analysis.error.message}"
        )
        return
    assert analysis.detection is not None and analysis.image is not None
    assert analysis.view is not None
    detection = analysis.detection
    others = tuple(p for i, p in enumerate(detection.people) if i != detection.subject_index)
    picture = draw_pose(
        analysis.image.rgb, detection.subject, scale=analysis.image.scale, others=others
    )
    left, right = st.columns([3, 2])
    with left:
        st.image(
            picture,
            caption=f"{analysis.name}: {analysis.image.width}×{analysis.image.height}",
            width="stretch",
        )
    with right:
        people = detection.people_detected
        st.metric("People found", people)
        if people > 1:
            st.info(
                "More than one person was found: the most prominent one is analysed "
                "(the others are drawn in grey). For the best result, be alone in the photo."
            )
        view = analysis.view
        st.metric("View", view.view.value, help=view.reason)
        st.caption(
            f"View confidence {view.confidence:.2f}" + (" · oblique" if view.oblique else "")
        )
        rows = landmarks_to_list(detection.subject)
        hidden = [r["name"] for r in rows if r["visibility"] < 0.5]
        if hidden:
            st.warning("Not visible enough to measure: " + ", ".join(hidden))
        st.dataframe(rows, hide_index=True, width="stretch", height=420)


def render() -> None:
    st.title("posecheck")
    st.write(
        "Upload a standing photo (front, side or back, whole body and both feet in the frame)."
    )
    st.caption(f"{DISCLAIMER} {CLINICIAN_NOTE}")
    upload = st.file_uploader(
        "Standing photo",
        type=[s.lstrip(".") for s in SUPPORTED_FORMATS],
        accept_multiple_files=False,
    )
    if upload is None:
        return
    with st.spinner("Finding the body…"):
        analysis = _analyzer("full").analyze_bytes(upload.getvalue(), upload.name)
    _show_result(analysis)
