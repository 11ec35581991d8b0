"""The cheap tests in front of the text rules' patterns skip only text the pattern cannot match.

A text rule scans a passage only when it holds one of the words every match has
(`_VAGUE_WORDS`, `_TRIBAL_WORDS`, ...), and RB103 scans a passage with no passive contact word
with a pattern that leaves the passive out. `by_first_letter` regroups an alternation of words
for speed. Each must find exactly what the full pattern finds; texts are drawn from the
patterns' own words so that matches are common.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compiler.rules.assumptions import actors, conditions, scan, tribal
from compiler.rules.regions import at_word_start
from compiler.text.instructions import VERBS
from compiler.text.patterns import by_first_letter

_WORD = re.compile(r"[a-z]+")
_SEPARATORS = [" ", " ", " ", ", ", ". ", "\n", "-", "'s "]


def _vocabulary(pattern: str) -> list[str]:
    """The words of a pattern (regex syntax dropped), in both cases, and some fillers."""
    words = re.findall(r"[A-Za-z']+", re.sub(r"\\[sbwdSBWD]|\(\?[-:!=<iP]*", " ", pattern))
    return [*words, *(word.capitalize() for word in words), "the", "it", "pod", "Sam", "DBA"]


def _texts(pattern: str) -> st.SearchStrategy[str]:
    piece = st.tuples(st.sampled_from(_vocabulary(pattern)), st.sampled_from(_SEPARATORS))
    pieces = st.lists(piece, min_size=1, max_size=12)
    return pieces.map(lambda parts: "".join(word + gap for word, gap in parts))


_VAGUE = re.compile(at_word_start("abcimpstuwyI", conditions._VAGUE), re.IGNORECASE)


@pytest.mark.parametrize(
    ("pattern", "words"),
    [
        (_VAGUE, conditions._VAGUE_WORDS),
        (scan.TRIBAL, tribal._TRIBAL_WORDS),
    ],
    ids=["vague", "tribal"],
)
@settings(max_examples=400, deadline=None)
@given(data=st.data())
def test_every_match_holds_one_of_the_words(
    pattern: re.Pattern[str], words: frozenset[str], data: st.DataObject
) -> None:
    text = data.draw(_texts(pattern.pattern))
    if pattern.search(text):
        assert not words.isdisjoint(_WORD.findall(text.lower())), text


@settings(max_examples=400, deadline=None)
@given(text=_texts(actors._ACTOR.pattern))
def test_actor_without_a_passive_word_matches_as_the_full_pattern(text: str) -> None:
    if actors._PASSIVE_CONTACT_WORDS.isdisjoint(_WORD.findall(text.lower())):
        full = [match.regs for match in actors._ACTOR.finditer(text)]
        lean = [match.regs for match in actors._ACTOR_NOT_PASSIVE.finditer(text)]
        assert lean == full


@settings(max_examples=400, deadline=None)
@given(text=_texts(VERBS))
def test_verbs_grouped_by_first_letter_match_as_the_list(text: str) -> None:
    listed = re.compile(rf"\b(?:{VERBS})\b", re.IGNORECASE)
    grouped = re.compile(rf"\b(?:{by_first_letter(VERBS)})\b", re.IGNORECASE)
    assert [m.span() for m in grouped.finditer(text)] == [m.span() for m in listed.finditer(text)]


def test_by_first_letter_keeps_the_order_within_a_letter() -> None:
    assert by_first_letter(r"set\s?up|set|stop|do\s+not|don't") == (
        r"s(?:et\s?up|et|top)|d(?:o\s+not|on't)"
    )
    with pytest.raises(ValueError, match="does not start with a letter"):
        by_first_letter(r"set|\bstop")
