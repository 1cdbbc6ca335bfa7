"""posecheck's own Streamlit components: each a hand-written ``index.html`` in a folder beside
this module (``speech``, ``pointer``), speaking Streamlit's component protocol itself, with no
build step and nothing fetched from elsewhere."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import streamlit.components.v1 as components


@functools.cache
def component(folder: str) -> Any:
    """The component in ``folder`` (declared once per process)."""
    return components.declare_component(folder, path=str(Path(__file__).parent / folder))
