"""Streamlit entry point: page setup and navigation only. Run with `make run`."""

import streamlit as st

from posecheck.ui import photo_page

st.set_page_config(page_title="posecheck", page_icon="🦶", layout="wide")
photo_page.render()
