"""What several parts of the extractor read a text with: its sentences (remembered) and the
condition a sentence states.
"""

from __future__ import annotations

import re
from functools import lru_cache

from compiler.text.instructions import leading_condition as _leading
from compiler.text.instructions import unmarked_condition_end
from compiler.text.sentences import Sentence
from compiler.text.sentences import sentences as _split_sentences

_TRAILING_CONDITION = re.compile(
    # The lookahead first: it fails fast at most positions, before a dozen lookbehinds run.
    r"(?=\s\(?(?:if|unless|when|once|in case)\b)"
    r"(?<!\bcheck)(?<!\bverify)(?<!\bsee)(?<!\bdetermine)(?<!\bconfirm)(?<!\bknow)"
    r"(?<!\bvalidate)(?<!\btest)(?<!\bfind out)(?<!\binvestigate)(?<!\bask)(?<!\blook)"
    r"(?<!\beven)(?<!\bas)(?<!\bidentify)(?<!\bdecide)(?<!\bwhether)(?<!\bat)(?<!\bso)"
    r"(?<!\bof)(?<!\babout)(?<!\bexample)(?<!\bexample,)(?<!\binstance)(?<!\binstance,)(?<!\be\.g\.)(?<!\be\.g\.,)"
    r"\s\(?(?P<cond>(?:if|unless|when|once(?!\s+(?:daily|weekly|monthly|nightly|hourly|a\s+(?:day|week"
    r"|month|year|night)|an\s+hour|per|every|more|again|or\s+twice|in\s+a\s+while)\b)|in case)"
    r"(?:/when)?\s[^.;:()]+)",
    re.IGNORECASE,
)


@lru_cache(maxsize=2048)
def sentences(text: str) -> tuple[Sentence, ...]:
    """The sentences of a text (`compiler.text.sentences`), remembered: the extractor and
    the coverage pass read the same paragraphs."""
    if not _MAY_END.search(text):
        stripped = text.strip()
        start = text.find(stripped[:1]) if stripped else 0
        return (Sentence(start, start + len(stripped), stripped),) if stripped else ()
    return tuple(_split_sentences(text))


_MAY_END = re.compile("[.!?][\"'\u201d\u2019)\\]*_]*\\s|\n[ \t>]*\n")
"""Where a sentence may end (`compiler.text.sentences` decides): text without one of these is
one sentence, and the splitter need not run."""


_YOU_OR_WE = re.compile(r"\b(?:you|we)\b", re.IGNORECASE)
"""A cheap test before `unmarked_condition_end`: what a condition allows or asks names you."""


def _condition_of(text: str) -> str | None:
    leading = _leading(text)
    unmarked = (
        unmarked_condition_end(text) if _YOU_OR_WE.search(text) or text[:1] in "IiWwOoAa" else 0
    )
    if leading and unmarked and unmarked < leading.end("cond"):
        return " ".join(text[leading.start("kw") : unmarked].split())  # "If X you can check:"
    if leading:
        return " ".join(f"{leading.group('kw')}{leading.group('cond')}".split())
    trailing = _TRAILING_CONDITION.search(text)
    return " ".join(trailing.group("cond").split()) if trailing else None
