"""Text as a reader sees it: compatibility forms folded (NFKC), invisible format characters
dropped (zero-width space, soft hyphen, word joiner, bidi controls), look-alike letters from
other scripts read as Latin, and case folded.

`read_spans` gives what a reader sees of a piece of markdown, case kept: the same folding plus
markdown emphasis markers dropped and HTML character references decoded, again with offsets.

`fold` gives the comparable form of a short string (a name, an actor, a verb). `fold_spans`
does the same for longer text and keeps, for every character it returns, the offset of the
character it came from, so a match in the folded text still points at the original columns.
"""

from __future__ import annotations

import html
import re
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


_MARKUP_CHARS = re.compile(r"[&*_~]")
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_EMPHASIS = re.compile(r"\*+|~~|(?<![A-Za-z0-9])_+|_+(?![A-Za-z0-9])")
_CODE_SPAN = re.compile(r"(`+)[^`\n]*(?:(?!\1)`+[^`\n]*)*?\1")


def read_spans(text: str) -> tuple[str, list[int]]:
    """What a reader sees of markdown `text`, case kept: NFKC, format characters dropped,
    look-alike letters read as Latin, emphasis markers (`*`, `~~`, `_` at a word edge) dropped
    outside inline code, and HTML character references (`&#101;`, `&amp;`) decoded. Returns the
    text and, for each of its characters, the offset in `text` of the character it came from
    (a decoded reference points at its `&`). Line breaks and other white space are kept."""
    if text.isascii() and not _MARKUP_CHARS.search(text):
        return text, list(range(len(text)))
    code = [m.span() for m in _CODE_SPAN.finditer(text)] if "`" in text else []
    out: list[str] = []
    origins: list[int] = []
    drops = _markup_drops(text, code)
    offset = 0
    # Only markup and non-ASCII characters change anything: copy the plain runs between them
    # whole instead of character by character.
    for stop in _changes(text, drops):
        if stop < offset:
            continue  # inside markup already dropped
        out.append(text[offset:stop])
        origins.extend(range(offset, stop))
        skip = drops.get(stop)
        if skip is not None:
            replacement, offset = skip
            out.append(replacement)
            origins.extend([stop] * len(replacement))
            continue
        char = text[stop]
        if not is_invisible(char):
            read = _read_char(char)
            out.append(read)
            origins.extend([stop] * len(read))
        offset = stop + 1
    out.append(text[offset:])
    origins.extend(range(offset, len(text)))
    return "".join(out), origins


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _changes(text: str, drops: dict[int, tuple[str, int]]) -> list[int]:
    """The offsets `read_spans` must look at, in order: where markup starts and where a
    non-ASCII character is (every other character is read as it is)."""
    return sorted({*drops, *(match.start() for match in _NON_ASCII.finditer(text))})


def _markup_drops(text: str, code: list[tuple[int, int]]) -> dict[int, tuple[str, int]]:
    """Offsets where markup starts -> (what a reader sees instead, offset after the markup)."""
    drops: dict[int, tuple[str, int]] = {}
    index = 0
    for pattern, decode in ((_EMPHASIS, False), (_ENTITY, True)):
        for match in pattern.finditer(text):
            while index < len(code) and code[index][1] <= match.start():
                index += 1
            if index < len(code) and code[index][0] <= match.start():
                continue  # inside inline code the characters are literal
            seen = _read_char(html.unescape(match.group())) if decode else ""
            if decode and seen == match.group():
                continue  # not a known reference
            drops[match.start()] = (seen, match.end())
        index = 0
    return drops


def _read_char(text: str) -> str:
    """A character (or a decoded reference) as read: NFKC, no format characters, a look-alike
    letter as its Latin letter in the same case."""
    out = []
    for char in unicodedata.normalize("NFKC", text):
        if is_invisible(char):
            continue
        lower = char.lower()
        latin = lower.translate(_LOOKALIKES)
        out.append(latin.upper() if latin != lower and char != lower else latin)
    return "".join(out)


NON_ALNUM = re.compile(r"[^a-z0-9]")
"""Any character but a lower-case letter or a digit (of a word already lower-cased)."""


def loose_stem(word: str) -> str:
    """A word lower-cased, without what is not a letter or digit, and without one common ending
    ("-ing", "-ed", "-es", "-s", "-e") when three letters stay: "Restarting", "restarted" and
    "restarts" read as one word. Cruder than `effect_words.stem`, which knows verbs' forms."""
    word = NON_ALNUM.sub("", word.lower())
    for suffix in ("ing", "ed", "es", "s", "e"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word
