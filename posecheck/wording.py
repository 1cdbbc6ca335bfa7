"""Small pieces of plain English shared by the reports, the findings and the pages."""

from __future__ import annotations

from collections.abc import Sequence


def listed(items: Sequence[str]) -> str:
    """Items as a sentence lists them: "a", "a and b", "a, b and c" ("" for none)."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def capitalised(words: str) -> str:
    """``words`` with a capital first letter, to start a sentence or a title."""
    return words[:1].upper() + words[1:]
