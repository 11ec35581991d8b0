"""Look-alike names: invisible characters, homoglyphs and digit swaps.

A runbook can spell `kubectl` with a Cyrillic "к", hide a zero-width space inside
`pagerduty.page`, or write `kubect1`. None of these is bound to the real tool (binding matches
exact strings), but a reviewer reads them as the real name; they are reported so that nobody
signs off a step believing it calls a tool it does not.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterator

from compiler.text.normalise import LOOKALIKE_LETTERS

_HOMOGLYPHS = str.maketrans({**LOOKALIKE_LETTERS, "I": "l", "0": "o", "1": "l"})
"""Letters from other scripts that render like Latin ones, and the digits read as letters."""
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


def hidden_characters(text: str, *, prose: bool = False) -> Iterator[tuple[int, str]]:
    """(offset, character) of each character that changes what a name is without showing:
    format characters (zero-width, bidi controls, soft hyphen) and spaces other than U+0020.
    In prose, where zero-width joiners are legitimate, only bidi controls count."""
    if text.isascii():  # every such character is outside ASCII; most text is inside it
        return
    for offset, char in enumerate(text):
        if prose:
            if char in BIDI_CONTROLS:
                yield offset, char
        elif unicodedata.category(char) == "Cf" or (char.isspace() and char not in " \t\n\r"):
            yield offset, char


_PROSE_HOMOGLYPHS = str.maketrans({key: value for key, value in _HOMOGLYPHS.items() if key >= 0x80})


def fold_prose(text: str) -> str:
    """Prose as a reader sees it: compatibility forms folded (NFKC), format characters
    (zero-width, bidi controls, soft hyphen) dropped, letters from other scripts read as the
    Latin ones they imitate. Digits and ASCII stay as written, so numbers and names survive."""
    if text.isascii():
        return text
    folded = unicodedata.normalize("NFKC", text).translate(_PROSE_HOMOGLYPHS)
    return "".join(c for c in folded if unicodedata.category(c) != "Cf")


def describe(char: str) -> str:
    """`U+202E RIGHT-TO-LEFT OVERRIDE`."""
    return f"U+{ord(char):04X} {unicodedata.name(char, 'unnamed character')}"


def visible(text: str) -> str:
    """Text with every character outside printable ASCII written as an escape: kube\\u200bctl."""
    return "".join(c if " " <= c <= "~" else f"\\u{ord(c):04x}" for c in text)


def skeleton(word: str) -> str:
    """The word as a reader sees it: compatibility forms folded, homoglyphs and 0/1 read as
    letters, invisible characters dropped."""
    folded = unicodedata.normalize("NFKC", word).translate(_HOMOGLYPHS)
    return "".join(c for c in folded if unicodedata.category(c) != "Cf").lower()


def imitated(word: str, names: Collection[str]) -> str | None:
    """The name `word` reads as (whole, or its part before the first dot) when it is not
    that name: `kubect1` -> `kubectl`, `pagerduty.p\\u0430ge` (a Cyrillic a) -> `pagerduty.page`."""
    if word.isascii() and not any(char in "01I" for char in word):
        return None  # nothing in it reads as another letter
    seen = skeleton(word)
    if word in names or seen == word.lower() or word.isupper():  # IS, OK: words, not names
        return None
    return next((name for name in (seen, seen.split(".")[0]) if name in names), None)


COMMAND_WORDS = re.compile(r"(?:^|[|;&(]|\$\()\s*(?:sudo\s+)?(?P<word>[^\s|;&()<>`'\"$=]+)")
"""Words in program position: the first of a command and of each piped or chained one."""
