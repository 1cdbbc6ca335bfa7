"""The Streamlit app's pages and the pieces they share: the only code that imports streamlit,
streamlit-webrtc and av, and it uses only posecheck's public API (``from posecheck import ...``).

- ``pages/``: one script per page (Check, Live, Exercises, History, About), run by
  ``st.navigation`` in ``app.py`` (or by ``AppTest.from_file`` in the tests); nothing imports them.
- :mod:`posecheck.ui.analyses`: the shared photo analyser and the per-session cap on analyses.
- :mod:`posecheck.ui.results`: how a photo's result and a report are shown.
- :mod:`posecheck.ui.history`: saving a check or a live session to the history on this computer,
  only with the user's consent (the History page reads it back).
- :mod:`posecheck.ui.live`: the webcam's video processor (one ``LiveSession`` per START) and the
  board it shares with the Live page.
"""

from pathlib import Path

#: The folder of the page scripts.
PAGES = Path(__file__).resolve().parent / "pages"
#: The Live page's chooser (its widget key): another page sets it, then opens the Live page, to
#: start the coach on an exercise.
LIVE_CHOICE = "live-exercise"
