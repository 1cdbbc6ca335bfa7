"""The Exercises page: the catalogue, each exercise's pictures of its key positions (rendered from
posecheck's own body model) beside its steps, dose and cautions, and which ones the live coach can
follow (and where the camera goes for them).

A page script: Streamlit runs it; nothing imports it.
"""

from __future__ import annotations

import streamlit as st

from posecheck import (
    CLINICIAN_NOTE,
    COACHED_IDS,
    DISCLAIMER,
    STANDING_POSTURE,
    Coach,
    Exercise,
    load_catalogue,
)
from posecheck.ui.exercise_card import exercise_card

CATEGORY_WORDS = {
    "foot": "Feet",
    "ankle": "Ankles",
    "knee": "Knees",
    "hip": "Hips",
    "trunk": "Trunk",
    "neck_shoulders": "Neck and shoulders",
}


def ordered(catalogue: tuple[Exercise, ...]) -> list[Exercise]:
    """The exercises the live coach follows first (in the coach's order), then the others by
    body part, in catalogue order."""
    rank = {exercise_id: index for index, exercise_id in enumerate(COACHED_IDS)}
    parts = list(CATEGORY_WORDS)
    return sorted(
        catalogue,
        key=lambda e: (
            rank.get(e.id, len(rank)),
            parts.index(e.category) if e.category in parts else len(parts),
        ),
    )


def show_exercise(exercise: Exercise) -> None:
    coached = exercise.id in COACHED_IDS
    badge = " · :green-badge[:material/videocam: live coach]" if coached else ""
    with st.expander(f"**{exercise.name}** — {exercise.dose.describe()}{badge}"):
        st.write(exercise.summary)
        exercise_card(exercise)


def render() -> None:
    st.title("Exercises")
    st.write(
        "The exercises posecheck suggests: the seven foot exercises for back pain, and "
        "well-established exercises for what a check may find. Those marked *live coach* can be "
        "done in front of the webcam on the **Live** page, which counts or times them and gives "
        "cues."
    )
    st.caption(f"{DISCLAIMER} {CLINICIAN_NOTE}")
    catalogue = load_catalogue()
    only_live = st.toggle("Only those the live coach follows")
    shown = [e for e in ordered(catalogue) if e.id in COACHED_IDS or not only_live]
    st.caption(f"{len(shown)} of {len(catalogue)} exercises")
    for exercise in shown:
        show_exercise(exercise)
    if STANDING_POSTURE in COACHED_IDS:
        posture = Coach(STANDING_POSTURE).summary()
        with st.expander(
            f"**{posture.name}** — {posture.dose} · :green-badge[:material/videocam: live coach]"
        ):
            st.write(
                "Stand tall and still, weight on both feet, for the time shown: the live coach "
                "times how long you keep still."
            )
            st.markdown(f"**Live coach:** {posture.camera}")


if __name__ == "__main__":
    render()
