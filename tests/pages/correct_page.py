"""A test-only page: two sample renders analysed through ``posecheck.ui.analyses``, each in a tab
with the correction editor, its measures, what was seen and the exercises (the Check page wires
the same editor into its photo tabs; this page lets the tests use the editor alone).

Run by ``streamlit run tests/pages/correct_page.py`` or ``AppTest.from_file``.
"""

from __future__ import annotations

import streamlit as st

from posecheck import MEASURES_BY_NAME, Analysis, sample_paths
from posecheck.ui.analyses import analyse
from posecheck.ui.correct import correction_editor

#: The photos, one tab each.
PHOTOS = ("woman_neutral_front", "man_misaligned_front")


def show(analysis: Analysis) -> None:
    st.markdown("**Measures**")
    for name, measure in analysis.measurements.items():
        value = "unknown" if measure.value is None else f"{measure.value:+.2f}"
        st.markdown(f"- {MEASURES_BY_NAME[name].label}: {value}")
    st.markdown(f"**What we saw:** {analysis.assessment.summary}")
    if analysis.plan is not None:
        st.markdown("**Exercises:** " + ", ".join(i.exercise.name for i in analysis.plan.items))


def render() -> None:
    st.title("Correct a point (test page)")
    paths = {path.stem: path for path in sample_paths()}
    photos = [(f"{stem}.jpg", paths[stem].read_bytes()) for stem in PHOTOS]
    results = [analyse(data, name) for name, data in photos]
    for index, (tab, (_, data), result) in enumerate(
        zip(st.tabs([name for name, _ in photos]), photos, results, strict=True)
    ):
        with tab:
            correction_editor(result, data, key=f"correct-{index}")
            if isinstance(result, Analysis):
                show(result)


render()
