"""Text shown to a person or a CI runner: control characters made visible.

A file name or a runbook's words can hold a newline (`\\n::error ...` becomes a GitHub workflow
command), an escape sequence that rewrites the terminal, or a bidi control that reorders what
a reviewer reads. Every output format prints such text through `printable`.
"""

from __future__ import annotations

import unicodedata

_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def printable(text: str) -> str:
    """`text` with control characters, line and paragraph separators and bidi controls
    written as escapes (`\\x1b`, `\\n`, `\\u202e`); everything else unchanged."""
    if text.isprintable():
        return text
    return "".join(_visible(char) for char in text)


def _visible(char: str) -> str:
    if char in _BIDI or unicodedata.category(char) in ("Cc", "Zl", "Zp"):
        escaped = repr(char)[1:-1]
        return escaped if escaped != char else f"\\u{ord(char):04x}"
    return char
