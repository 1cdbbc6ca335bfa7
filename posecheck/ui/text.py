"""Text from outside (a photo's name, a message that quotes it) shown as itself: Streamlit reads
labels, captions and messages as markdown, so ``**x**``, ``[a](b)``, ``:red[x]`` or ``$x$`` in a
file name would turn into formatting or a link."""

from __future__ import annotations

import re

#: Characters that make markdown anywhere in a line (emphasis, code, links, HTML, tables,
#: strike-through, LaTeX, Streamlit's colour and icon directives), escaped with a backslash as
#: CommonMark allows for any ASCII punctuation.
_ANYWHERE = re.compile(r"([\\`*_\[\]<>$:~|])")
#: What makes markdown only at the start of a line: a heading, a list item, a quote.
_AT_START = re.compile(r"^(\s*\d*)([#+\-=.)])", re.MULTILINE)


def plain(text: str) -> str:
    """``text`` escaped so that markdown shows it letter for letter."""
    escaped = _ANYWHERE.sub(r"\\\1", text)
    return _AT_START.sub(r"\1\\\2", escaped)
