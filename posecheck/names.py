"""File names as posecheck shows them: safe in every output (JSON, CSV, text, file names)."""

from __future__ import annotations

import os


def printable_name(path: str | os.PathLike[str]) -> str:
    """The name with bytes that are not UTF-8 (which Python keeps as surrogate escapes) shown as
    ``\\xNN``: valid UTF-8 whatever the file system holds."""
    return os.fsencode(path).decode("utf-8", errors="backslashreplace")
