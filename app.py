"""Streamlit entry point: page setup and navigation only. Run with `make run`.

The pages are scripts in posecheck/ui/pages/ (Check, Live, Exercises, History, About).
"""

import streamlit as st

from posecheck.ui import PAGES
from posecheck.ui.phone import gate
from posecheck.ui.uploads import keep_uploads_in_memory

st.set_page_config(page_title="posecheck", page_icon="🦶", layout="wide")
keep_uploads_in_memory(int(st.get_option("server.maxUploadSize")))
gate()  # served to a phone (`make run-phone`): only with the printed key
navigation = st.navigation(
    [
        st.Page(PAGES / "check.py", title="Check", icon=":material/photo_camera:", default=True),
        st.Page(PAGES / "live.py", title="Live", icon=":material/videocam:"),
        st.Page(PAGES / "exercises.py", title="Exercises", icon=":material/directions_walk:"),
        st.Page(PAGES / "history.py", title="History", icon=":material/history:"),
        st.Page(PAGES / "about.py", title="About", icon=":material/info:"),
    ],
    position="top",
)
navigation.run()
