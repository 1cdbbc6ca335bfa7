"""The app's pages, one script each, run by ``st.navigation`` (app.py) or ``AppTest.from_file``.

Each renders only under ``if __name__ == "__main__"`` (how Streamlit runs a page), so importing one
does nothing.
"""
