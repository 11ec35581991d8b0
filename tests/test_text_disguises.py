"""Every prose text rule's own RuleDoc example stays flagged, at the same columns, when the
flagged word is disguised: a zero-width space, a soft hyphen or a word joiner inside it, a
look-alike letter from another script, emphasis around it, or an HTML character reference for
one of its letters (issue 16, item 2)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from compiler.models import Artifact, Diagnostic
from compiler.rules import all_rules

TEXT_RULES = ("RB101", "RB102", "RB103", "RB104", "RB106", "RB108")
LOOKALIKE = {"a": "\u0430", "e": "\u0435", "o": "\u043e", "c": "\u0441", "p": "\u0440"}


def _inside(word: str, mark: str) -> str:
    middle = len(word) // 2
    return word[:middle] + mark + word[middle:]


def _lookalike(word: str) -> str:
    index = next(i for i, c in enumerate(word) if c in LOOKALIKE)
    return word[:index] + LOOKALIKE[word[index]] + word[index + 1 :]


def _entity(word: str) -> str:
    middle = len(word) // 2
    return word[:middle] + f"&#{ord(word[middle])};" + word[middle + 1 :]


DISGUISES: dict[str, tuple[Callable[[str], str], int]] = {
    # name: (disguise, characters added before the word's last letter)
    "zero-width space": (lambda w: _inside(w, "\u200b"), 1),
    "soft hyphen": (lambda w: _inside(w, "\u00ad"), 1),
    "word joiner": (lambda w: _inside(w, "\u2060"), 1),
    "look-alike letter": (_lookalike, 0),
    "emphasis": (lambda w: f"*{w}*", 1),
    "html entity": (_entity, 0),
}


def _flag(artifact: Artifact, code: str) -> Diagnostic:
    flags = [d for d in artifact.diagnostics if d.code == code]
    assert flags, f"{code} not flagged"
    return flags[0]


@pytest.mark.parametrize("name", DISGUISES, ids=list(DISGUISES))
@pytest.mark.parametrize("code", TEXT_RULES)
def test_rule_example_survives_a_disguise(
    code: str, name: str, compile_text: Callable[[str], Artifact]
) -> None:
    example = all_rules()[code].docs.example
    plain = _flag(compile_text(example), code)
    lines = example.split("\n")
    line = lines[plain.line - 1]
    flagged = line[plain.column - 1 : plain.end_column]
    words = [m for m in re.finditer(r"[A-Za-z]{3,}", flagged) if set(m.group()) & set(LOOKALIKE)]
    word = words[-1]
    start = plain.column - 1 + word.start()
    disguise, added = DISGUISES[name]
    changed = disguise(word.group())
    if name == "html entity":
        added = len(changed) - len(word.group())
    lines[plain.line - 1] = line[:start] + changed + line[start + len(word.group()) :]
    found = _flag(compile_text("\n".join(lines)), code)
    moved = 1 if name == "emphasis" and word.start() == 0 else 0  # the flag starts at the letter
    assert (found.line, found.column) == (plain.line, plain.column + moved)
    if word.end() == len(flagged):  # the disguised word ends the flag
        assert found.end_column == plain.end_column + added
    else:
        assert found.end_column == plain.end_column + len(changed) - len(word.group())
