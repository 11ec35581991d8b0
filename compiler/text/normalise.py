"""Text as a reader sees it: compatibility forms folded (NFKC), invisible format characters
dropped (zero-width space, soft hyphen, word joiner, bidi controls), look-alike letters from
other scripts read as Latin, and case folded.

`fold` gives the comparable form of a short string (a name, an actor, a verb). `fold_spans`
does the same for longer text and keeps, for every character it returns, the offset of the
character it came from, so a match in the folded text still points at the original columns.
"""

from __future__ import annotations

import unicodedata

LOOKALIKE_LETTERS = {
    "\u0430": "a",  # CYRILLIC SMALL LETTER A
    "\u0432": "b",  # CYRILLIC SMALL LETTER VE
    "\u0435": "e",  # CYRILLIC SMALL LETTER IE
    "\u043a": "k",  # CYRILLIC SMALL LETTER KA
    "\u043c": "m",  # CYRILLIC SMALL LETTER EM
    "\u043d": "h",  # CYRILLIC SMALL LETTER EN
    "\u043e": "o",  # CYRILLIC SMALL LETTER O
    "\u0440": "p",  # CYRILLIC SMALL LETTER ER
    "\u0441": "c",  # CYRILLIC SMALL LETTER ES
    "\u0442": "t",  # CYRILLIC SMALL LETTER TE
    "\u0443": "y",  # CYRILLIC SMALL LETTER U
    "\u0445": "x",  # CYRILLIC SMALL LETTER HA
    "\u0456": "i",  # CYRILLIC SMALL LETTER BYELORUSSIAN-UKRAINIAN I
    "\u0458": "j",  # CYRILLIC SMALL LETTER JE
    "\u0455": "s",  # CYRILLIC SMALL LETTER DZE
    "\u0501": "d",  # CYRILLIC SMALL LETTER KOMI DE
    "\u051b": "q",  # CYRILLIC SMALL LETTER QA
    "\u051d": "w",  # CYRILLIC SMALL LETTER WE
    "\u04cf": "l",  # CYRILLIC SMALL LETTER PALOCHKA
    "\u04bb": "h",  # CYRILLIC SMALL LETTER SHHA
    "\u0261": "g",  # LATIN SMALL LETTER SCRIPT G
    "\u044c": "b",  # CYRILLIC SMALL LETTER SOFT SIGN
    "\u03b1": "a",  # GREEK SMALL LETTER ALPHA
    "\u03b2": "b",  # GREEK SMALL LETTER BETA
    "\u03b5": "e",  # GREEK SMALL LETTER EPSILON
    "\u03b9": "i",  # GREEK SMALL LETTER IOTA
    "\u03ba": "k",  # GREEK SMALL LETTER KAPPA
    "\u03bd": "v",  # GREEK SMALL LETTER NU
    "\u03bf": "o",  # GREEK SMALL LETTER OMICRON
    "\u03c1": "p",  # GREEK SMALL LETTER RHO
    "\u03c4": "t",  # GREEK SMALL LETTER TAU
    "\u03c5": "u",  # GREEK SMALL LETTER UPSILON
    "\u03c7": "x",  # GREEK SMALL LETTER CHI
    "\u0131": "i",  # LATIN SMALL LETTER DOTLESS I
    "\u0237": "j",  # LATIN SMALL LETTER DOTLESS J
}
"""Letters from other scripts that render like Latin ones (upper-case forms fold to these)."""
_LOOKALIKES = str.maketrans(LOOKALIKE_LETTERS)


def is_invisible(char: str) -> bool:
    """A format character: zero-width space and joiners, soft hyphen, word joiner, bidi
    controls, byte-order mark. It changes what a word is without showing."""
    return unicodedata.category(char) == "Cf"


def fold(text: str) -> str:
    """The comparable form of a short string: NFKC, no format characters, look-alike letters
    read as Latin, case folded, runs of white space made one space, ends trimmed."""
    if text.isascii():
        return " ".join(text.casefold().split())
    return " ".join(fold_spans(text)[0].split())


def fold_spans(text: str) -> tuple[str, list[int]]:
    """`text` folded character by character (NFKC, format characters dropped, look-alikes
    read as Latin, case folded), and for each character of the result the offset in `text`
    of the character it came from. White space is kept as it is."""
    if text.isascii():
        return text.casefold(), list(range(len(text)))
    out: list[str] = []
    origins: list[int] = []
    for offset, char in enumerate(text):
        if is_invisible(char):
            continue
        folded = unicodedata.normalize("NFKC", char).casefold().translate(_LOOKALIKES)
        out.append(folded)
        origins.extend([offset] * len(folded))
    return "".join(out), origins
