"""Markup that is not text a reader sees: HTML comments.

A comment is invisible where runbooks are read (GitHub, a wiki), so nothing in one is ever an
instruction; scanning for them is linear, and an unclosed comment runs to the end of the text,
as it does in CommonMark.
"""

from __future__ import annotations

import re

_SPACES = re.compile(r"[ \t]{2,}")
OPEN, CLOSE = "<!--", "-->"


def html_comments(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of each HTML comment in `text`, markers included."""
    found: list[tuple[int, int]] = []
    at = text.find(OPEN)
    while at >= 0:
        close = text.find(CLOSE, at + len(OPEN))
        end = len(text) if close < 0 else close + len(CLOSE)
        found.append((at, end))
        at = text.find(OPEN, end)
    return found


def without_html_comments(text: str) -> str:
    """`text` with every HTML comment removed (white space around it folded to one space)."""
    if OPEN not in text:
        return text
    kept, at = [], 0
    for start, end in html_comments(text):
        kept.append(text[at:start])
        at = end
    kept.append(text[at:])
    return _SPACES.sub(" ", "".join(kept)).strip()
