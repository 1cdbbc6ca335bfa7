"""Names from outside are shown letter for letter: escaped for Streamlit's markdown."""

from __future__ import annotations

import pytest

from posecheck.ui.text import plain

#: Each name, and what must not survive unescaped in it.
NAMES = [
    "photo.jpg",
    "[click](javascript:alert(1)) **bold** _it_ `code` # head.jpg",
    "# heading.jpg",
    "1. list.jpg",
    "- item.jpg",
    "> quote.jpg",
    "<img src=x onerror=alert(1)>.jpg",
    ":red[colour] :material/home:.jpg",
    "$x^2$.jpg",
    "~~struck~~ | table |.jpg",
    "back\\slash.jpg",
]


def _unescape(text: str) -> str:
    """What CommonMark shows for backslash escapes: the character after the backslash."""
    out, index = [], 0
    while index < len(text):
        if text[index] == "\\" and index + 1 < len(text) and not text[index + 1].isalnum():
            out.append(text[index + 1])
            index += 2
        else:
            out.append(text[index])
            index += 1
    return "".join(out)


@pytest.mark.parametrize("name", NAMES)
def test_an_escaped_name_reads_back_as_itself(name: str) -> None:
    assert _unescape(plain(name)) == name


@pytest.mark.parametrize("name", NAMES)
def test_nothing_that_makes_markdown_is_left_bare(name: str) -> None:
    escaped = plain(name)
    for index, char in enumerate(escaped):
        if char in "`*_[]<>$:~|" and (index == 0 or escaped[index - 1] != "\\"):
            # a character is bare only if not preceded by an escaping backslash
            preceding = len(escaped[:index]) - len(escaped[:index].rstrip("\\"))
            assert preceding % 2 == 1, (name, escaped, index)
    assert not escaped.lstrip().startswith(("#", "-", "+", ">", "1."))
