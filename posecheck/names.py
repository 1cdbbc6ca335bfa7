"""File names as posecheck shows them: safe in every output (JSON, CSV, text, file names)."""

from __future__ import annotations

import os
import re

#: Characters shown escaped: controls (a newline or carriage return would split a line of text
#: or a CSV row), line and paragraph separators, and the bidirectional overrides and isolates that
#: make a name display as something else (``photo\u202egpj.exe`` shows as ``photoexe.jpg``).
_ESCAPED = re.compile(
    "[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]"
)


def printable_name(path: str | os.PathLike[str]) -> str:
    """The name with bytes that are not UTF-8 (which Python keeps as surrogate escapes) shown as
    ``\\xNN``: valid UTF-8 whatever the file system holds. Control characters, line separators
    and bidirectional overrides are shown escaped too (``\\x0a``, ``\\u202e``), so a name is one
    line that reads as what it is. A lone surrogate that no file system byte gave (a name built in
    code, or sent by a browser) is shown as ``\\udNNN``."""
    raw = os.fspath(path)
    try:
        text = os.fsencode(raw).decode("utf-8", errors="backslashreplace")
    except UnicodeEncodeError:
        text = raw.encode("utf-8", errors="backslashreplace").decode("utf-8")
    return _ESCAPED.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
