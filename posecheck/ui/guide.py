"""How to take the photos: a short illustrated guide shown before upload on the Check page.

The pictures are renders of posecheck's own body model (``posecheck.guide_pictures``); each has
a caption, which is also its text alternative, and one line of advice.
"""

from __future__ import annotations

import streamlit as st

from posecheck import Picture, guide_pictures

#: Pictures per row: three side by side on a computer; Streamlit stacks them on a phone.
COLUMNS = 3
INTRO = (
    "Barefoot, in shorts and a fitted top, in good light. Take up to three photos (front, side, "
    "back) with the phone upright, level and at hip height, 2 to 3 metres away, so that your "
    "whole body from head to feet is in the picture. Someone else can hold the phone, or prop it "
    "on a shelf and use the timer. Stand where a door frame or a wall corner shows beside you: "
    "posecheck finds the camera's tilt from it, and against a plain wall it cannot measure your "
    "shoulder level, how far forward your head is, or whether your upper body sits to one side."
)


def show_pictures(pictures: list[Picture], columns: int = COLUMNS) -> None:
    """The pictures in rows of ``columns``, each with its caption and advice."""
    for start in range(0, len(pictures), columns):
        row = pictures[start : start + columns]
        for column, picture in zip(st.columns(columns), row, strict=False):
            with column:
                st.image(
                    str(picture.path), caption=picture.caption, alt=picture.caption, width="stretch"
                )
                if picture.advice:
                    # What to avoid and what to do differ in symbol and word, not colour alone.
                    mark = ":material/close: Avoid." if picture.mistake else ":material/check: Do."
                    st.markdown(f"{mark} **{picture.advice}**")


def show_guide(expanded: bool = False) -> None:
    """An expander "How to take the photos" with the guide's pictures, captions and advice."""
    with st.expander("How to take the photos", expanded=expanded, icon=":material/photo_camera:"):
        st.write(INTRO)
        show_pictures(guide_pictures())
