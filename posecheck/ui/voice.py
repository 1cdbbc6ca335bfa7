"""The Live page's spoken cues: a small component in the browser (``speech/index.html``) that
says what :func:`posecheck.next_words` chose, with a voice on the device, once the person has
switched it on there (browsers let a frame speak only after a click in it).

The page keeps the voice's state in its session and calls :func:`voice_box` at every read of the
board; the component says each new :class:`posecheck.Words` once, however often it is drawn.
"""

from __future__ import annotations

import streamlit as st

from posecheck import LiveFrame, VoiceState, Words, next_words
from posecheck.ui.components import component

#: Where this session keeps the voice: its state, and the last words (sent again at each draw).
STATE_KEY = "posecheck_voice_state"
WORDS_KEY = "posecheck_voice_words"
#: The component's key: its value (the person's on / off) is kept there.
SWITCH_KEY = "posecheck_voice_on"


def voice_box(frame: LiveFrame | None) -> bool:
    """Draws the voice's switch and has the browser say what is new in ``frame`` (if the person
    switched the voice on); whether the voice is on."""
    state = st.session_state.get(STATE_KEY, VoiceState())
    state, words = next_words(state, frame)
    st.session_state[STATE_KEY] = state
    if words is not None:
        st.session_state[WORDS_KEY] = words
    last: Words = st.session_state.get(WORDS_KEY, Words(0, ""))
    on = bool(st.session_state.get(SWITCH_KEY, False))
    value = component("speech")(
        number=last.number, text=last.text, on=on, key=SWITCH_KEY, default=on
    )
    return bool(value)
