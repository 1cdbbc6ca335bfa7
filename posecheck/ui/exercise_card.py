"""One exercise on screen: its pictures of the key positions beside its steps, dose and cautions,
and how the live coach follows it. The Exercises page shows it for every exercise, the Live page
for the one chosen."""

from __future__ import annotations

import streamlit as st

from posecheck import COACHED_IDS, Coach, Exercise, exercise_pictures
from posecheck.ui import LIVE_CHOICE, PAGES


def exercise_card(exercise: Exercise, *, live_line: bool = True) -> None:
    """The pictures beside the steps on a computer (on a phone Streamlit stacks them, pictures
    first), then how much, what to take care of, and (with ``live_line``) what the live coach
    does with it, with a button that opens it on this exercise, and the evidence."""
    pictures = exercise_pictures(exercise.id)
    if pictures:
        shown, told = st.columns([2 * len(pictures), 3])
        with shown:
            for column, picture in zip(st.columns(len(pictures)), pictures, strict=True):
                # At most their own size (they are small renders), side by side.
                column.image(
                    str(picture.path), caption=picture.caption, alt=picture.caption, width="content"
                )
    else:
        told = st.container()
    with told:
        st.markdown("\n".join(f"{i}. {step}" for i, step in enumerate(exercise.steps, start=1)))
        st.markdown(f"**How much:** {exercise.dose.describe()}")
        st.markdown("**Take care:** " + " ".join(exercise.cautions))
        if live_line:
            if exercise.id in COACHED_IDS:
                coach = Coach(exercise.id).summary()
                st.markdown(f"**Live coach:** {coach.camera}")
                if coach.cannot_see:
                    st.caption(coach.cannot_see)
                if st.button(
                    "Do it with the live coach",
                    icon=":material/videocam:",
                    key=f"coach-{exercise.id}",
                    on_click=_choose_for_the_coach,
                    args=(exercise.id,),
                ):
                    st.switch_page(PAGES / "live.py")
            else:
                st.caption(f"Live coach: not followed. {exercise.live_signal}".strip())
        st.caption(f"Evidence: {exercise.evidence}")


def _choose_for_the_coach(exercise_id: str) -> None:
    """The Live page's chooser on ``exercise_id``: set in the button's callback, before the page
    runs (the Live page's own report has drawn the chooser by the time its button is read), then
    the Live page opens (the camera starts when the person presses Start there)."""
    st.session_state[LIVE_CHOICE] = exercise_id
