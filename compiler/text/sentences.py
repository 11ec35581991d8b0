"""Sentences and clauses of prose, with their offsets in the text they came from.

A sentence ends at `.`, `!` or `?` (and any closing quotes or brackets after it) followed by
white space and something that can start a sentence (a capital, a digit, inline code, emphasis,
a link, a quote), or at a blank line. It never ends inside inline code, a link or image, a URL,
parentheses, brackets or quotes, nor after an abbreviation such as "e.g." or "i.e.".

Clauses are the parts of one sentence a reader takes one at a time: a leading condition ("If
the pod is pending", up to its comma), and the parts between semicolons, colons, dashes and
", then" / ", and" / ", or" / ", but" / ", otherwise".

Every scan here is linear in its input.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache

from compiler.text.markup import html_comments

ABBREVIATIONS = frozenset(
    {
        "e.g", "i.e", "etc", "vs", "cf", "approx", "incl", "esp", "viz", "al", "dr", "mr",
        "mrs", "ms", "no", "nos", "fig", "sec", "ch", "ver", "min", "max", "resp", "st",
    }
)  # fmt: skip
"""Words (folded, without their last dot) after which a full stop does not end a sentence."""

_END = re.compile("[.!?]+[\"'\u201d\u2019)\\]*_]*\\s+|\n[ \t>]*\n\\s*")
_STARTS_SENTENCE = re.compile("[A-Z0-9`*_\\[(<\"'\u201c\u2018#~-]")
_NAME_OPENS = re.compile(r"[a-z][a-z0-9]*(?:[-_][a-z0-9]+)+\s+[a-z]")
"""A lower-case name of a program or service ("thanos-compact", "kube_proxy") opening a
sentence, written as its own name is spelt."""
_URL = re.compile(
    r"(?:https?|ftp)://[^\s<>`]*[^\s<>`.,;:!?)\]'\"]|www\.[^\s<>`]*[^\s<>`.,;:!?)\]'\"]"
)
_INLINE_CODE = re.compile(r"(`+)(?:(?!\1)[^\n]|\n(?![ \t>]*\n))+?\1")
_BLANK_LINE = re.compile(r"\n[ \t>]*\n")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)$")
_QUOTES = {'"': '"', "\u201c": "\u201d", "\u2018": "\u2019"}
_BRACKETS = {"(": ")", "[": "]"}
_BALANCE_MARKS = re.compile(
    "[" + re.escape("\n" + "".join(k + v for k, v in (*_QUOTES.items(), *_BRACKETS.items()))) + "]"
)
"""The only characters `_balanced` acts on: line breaks, quotes and brackets (both sides)."""
_LEADING_CONDITION = re.compile(
    r"\s*(?:[-*+]\s+|\d+[.)]\s+)?(?:\*\*|__)?(?:if|when|whenever|once|unless|in\s+case|after|"
    r"before|until|while|where|should|depending\s+on|as\s+soon\s+as)\b",
    re.IGNORECASE,
)
_CLAUSE_BREAK = re.compile(
    r";\s*|:\s+|\s+[\u2014\u2013]\s+|\s+--\s+|,\s+(?=(?:and\s+then|then|and|or|but|otherwise|else|"
    r"so)\b)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Sentence:
    """One sentence: its text as written and its offsets `[start, end)` in the source text."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Clause:
    """One clause of a sentence, with offsets `[start, end)` in the text the sentence came
    from; `condition` when it is a leading condition ("If the pod is pending")."""

    start: int
    end: int
    text: str
    condition: bool = False


def protected(text: str) -> list[tuple[int, int]]:
    """Sorted, non-overlapping spans `[start, end)` of `text` inside which a sentence never
    ends: inline code, URLs, HTML comments (invisible text: a `:` or `.` in one cuts nothing,
    or its words would become a step's), balanced parentheses and brackets (links and images
    included), and balanced quotes. An opener with no closer in the same paragraph protects
    nothing."""
    spans: list[tuple[int, int]] = [m.span() for m in _INLINE_CODE.finditer(text)]
    spans += html_comments(text)
    spans += [m.span() for m in _URL.finditer(text)]
    spans += _balanced(text, _masked(text, spans))
    return _merged(spans)


def _masked(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` with the given spans blanked, so brackets inside code or a URL are not counted."""
    if not spans:
        return text
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def _balanced(text: str, masked: str) -> list[tuple[int, int]]:
    """Spans of balanced brackets and quotes, each closed within its own paragraph."""
    found: list[tuple[int, int]] = []
    stack: list[tuple[str, int]] = []
    quote: tuple[str, int] | None = None
    for mark in _BALANCE_MARKS.finditer(masked):  # every other character changes nothing
        offset, char = mark.start(), mark.group()
        if char == "\n" and _blank(masked, offset):
            stack.clear()
            quote = None
        elif quote is not None:
            if char == quote[0]:
                found.append((quote[1], offset + 1))
                quote = None
        elif char in _QUOTES and _opens_quote(masked, offset):
            quote = (_QUOTES[char], offset)
        elif char in _BRACKETS:
            stack.append((_BRACKETS[char], offset))
        elif stack and char == stack[-1][0]:
            found.append((stack.pop()[1], offset + 1))
    return found


def _blank(text: str, offset: int) -> bool:
    """Whether the newline at `offset` is followed by a blank line (a paragraph break)."""
    end = text.find("\n", offset + 1)
    return end != -1 and not text[offset + 1 : end].strip(" \t>")


def _opens_quote(text: str, offset: int) -> bool:
    """A quote mark opens a quotation after white space, an opening bracket or the start."""
    return offset == 0 or text[offset - 1] in " \t\n([{"


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def sentences(text: str) -> list[Sentence]:
    """The sentences of `text`, in order, each trimmed of surrounding white space, with their
    offsets in `text`. Empty text gives no sentences."""
    return list(_split(text))


@lru_cache(maxsize=4096)
def _split(text: str) -> tuple[Sentence, ...]:
    """`sentences`, split once per text: the extractor, the coverage pass and the text rules
    read the same paragraphs and list items (a third of the calls on the corpus repeat one)."""
    found: list[Sentence] = []
    if not _END.search(text):  # no candidate end: one sentence, nothing to protect
        _append(found, text, 0, len(text))
        return tuple(found)
    guarded = protected(text)
    start = 0
    index = 0
    for end in _END.finditer(text):
        while index < len(guarded) and guarded[index][1] <= end.start():
            index += 1
        stop = end.start() + len(end.group().rstrip())
        blank = _BLANK_LINE.search(end.group()) is not None
        if not blank and (_cut_inside(guarded, index, end.start(), stop) or not _breaks(text, end)):
            continue
        _append(found, text, start, stop)
        start = end.end()
    _append(found, text, start, len(text))
    return tuple(found)


_CELL_BOUNDARY = re.compile(r"(?<!\\)\||\n")
_DELIMITER_CELL = re.compile(r"\s*:?-{3,}:?\s*")


def cell_sentences(text: str) -> list[Sentence]:
    """The sentences of a markdown table, each inside one cell: a cell boundary (`|`, not
    escaped, not in inline code) and a row's end close a sentence, so "| Address keys | Inform
    customers ... |" reads "Inform customers ..." as a sentence of its own, as a reader does.
    The delimiter row (`| --- |`) gives none."""
    code = [(m.start(), m.end()) for m in _INLINE_CODE.finditer(text)]
    found: list[Sentence] = []
    start = 0
    index = 0
    for boundary in _CELL_BOUNDARY.finditer(text):
        while index < len(code) and code[index][1] <= boundary.start():
            index += 1
        if index < len(code) and code[index][0] < boundary.start():
            continue  # a `|` inside inline code
        _cell(found, text, start, boundary.start())
        start = boundary.end()
    _cell(found, text, start, len(text))
    return found


def _cell(found: list[Sentence], text: str, start: int, end: int) -> None:
    piece = text[start:end]
    if not piece.strip() or _DELIMITER_CELL.fullmatch(piece):
        return
    for sentence in sentences(piece):
        found.append(Sentence(start + sentence.start, start + sentence.end, sentence.text))


def _cut_inside(guarded: list[tuple[int, int]], index: int, start: int, stop: int) -> bool:
    """Whether punctuation at `start` lies in a protected span that goes on past `stop` (a
    quotation or bracket that closes right after the full stop ends with it)."""
    return index < len(guarded) and guarded[index][0] <= start and guarded[index][1] > stop


def _breaks(text: str, end: re.Match[str]) -> bool:
    """Whether a candidate end (punctuation and white space) ends a sentence."""
    following = text[end.end() : end.end() + 1]
    # a sentence starts with a capital, code, ... or a lower-case name: "thanos-compact should"
    if (
        following
        and not _STARTS_SENTENCE.match(following)
        and not _NAME_OPENS.match(text, end.end())
    ):
        return False
    if text[end.start()] != ".":
        return True
    word = _WORD_BEFORE.search(text, max(0, end.start() - 12), end.start())
    return word is None or word.group(1).lower().rstrip(".") not in ABBREVIATIONS


def _append(found: list[Sentence], text: str, start: int, end: int) -> None:
    piece = text[start:end]
    stripped = piece.strip()
    if stripped:
        offset = start + (len(piece) - len(piece.lstrip()))
        found.append(Sentence(offset, offset + len(stripped), stripped))


def sentence_at(text: str, offset: int) -> Sentence | None:
    """The sentence of `text` that holds the character at `offset`, if any."""
    for sentence in sentences(text):
        if sentence.start <= offset < sentence.end:
            return sentence
        if sentence.start > offset:
            return None
    return None


def clauses(sentence: Sentence) -> list[Clause]:
    """The clauses of one sentence, with offsets in the text the sentence came from: a leading
    condition up to its first unprotected comma, then the parts between clause breaks."""
    text = sentence.text
    guarded = protected(text)
    breaks = [m for m in _CLAUSE_BREAK.finditer(text) if not _inside(guarded, m.start())]
    found: list[Clause] = []
    start = 0
    if _LEADING_CONDITION.match(text):
        comma = _first_comma(text, guarded)
        if comma is not None:
            found.append(_clause(sentence, 0, comma, condition=True))
            start = comma + 1
    for brk in breaks:
        if brk.start() < start:
            continue
        found.append(_clause(sentence, start, brk.start()))
        start = brk.end()
    found.append(_clause(sentence, start, len(text)))
    return [clause for clause in found if clause.text]


def _first_comma(text: str, guarded: list[tuple[int, int]]) -> int | None:
    offset = text.find(",")
    while offset != -1 and _inside(guarded, offset):
        offset = text.find(",", offset + 1)
    return None if offset == -1 else offset


def _inside(guarded: list[tuple[int, int]], offset: int) -> bool:
    index = bisect.bisect_right(guarded, offset, key=lambda span: span[0])
    return index > 0 and guarded[index - 1][0] <= offset < guarded[index - 1][1]


def _clause(sentence: Sentence, start: int, end: int, condition: bool = False) -> Clause:
    piece = sentence.text[start:end]
    lead = len(piece) - len(piece.lstrip())
    stripped = piece.strip()
    begin = sentence.start + start + lead
    return Clause(begin, begin + len(stripped), stripped, condition)
