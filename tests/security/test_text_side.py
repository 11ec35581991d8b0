"""Security issue, item 6: hidden characters and markup must not switch the text rules off.

A runbook whose only assumption is hidden behind a zero-width space, a soft hyphen, a word
joiner, a Cyrillic letter, emphasis or an HTML character reference must still be flagged, at
the columns of the words as written, and must never compile `ready`.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from compiler.models import Artifact
from compiler.rules import all_rules

FRONT = """---
id: hidden
owner: team-payments
last_reviewed: 2026-11-01
executor: oncall-admin
escalation: {role: payments-oncall-secondary, after: 15m}
---
# Hidden words

"""

DISGUISES = {
    "zero-width space": "nee\u200bded",
    "soft hyphen": "nee\u00added",
    "word joiner": "nee\u2060ded",
    "cyrillic e": "n\u0435eded",
    "emphasis": "*needed*",
    "strong emphasis": "**needed**",
    "html entity": "need&#101;d",
    "named entity": "ne&#x65;ded",
}


@pytest.mark.parametrize("word", DISGUISES.values(), ids=DISGUISES.keys())
def test_a_disguised_vague_condition_is_flagged_and_blocks(
    word: str, compile_text: Callable[[str], Artifact]
) -> None:
    line = f"Restart the deployment if {word}."
    artifact = compile_text(FRONT + line + "\n")
    flags = [d for d in artifact.diagnostics if d.code == "RB101"]
    assert flags, "the vague condition was not seen"
    assert artifact.status != "ready"
    flag = flags[0]
    assert (flag.line, flag.column) == (FRONT.count("\n") + 1, line.index("if") + 1)
    assert flag.end_column == line.index(word) + len(word.rstrip("*"))  # the last "d"


WORDS = {
    "RB103": ("ping the AE", "AE", "A\u200bE"),
    "RB104": ("Check the usual dashboard.", "usual", "us\u00adual"),
    "RB106": ("Wait until the pods recover.", "recover", "rec\u043ever"),
}


@pytest.mark.parametrize("code", WORDS, ids=list(WORDS))
def test_the_same_trick_does_not_silence_other_rules(
    code: str, compile_text: Callable[[str], Artifact]
) -> None:
    sentence, word, disguised = WORDS[code]
    text = sentence.replace(word, disguised)
    if code == "RB103":
        text = f"If the customer is on an enterprise plan, {text}."
    artifact = compile_text(FRONT + text + "\n")
    assert any(d.code == code for d in artifact.diagnostics)
    assert artifact.status != "ready"


def test_every_text_rule_is_known() -> None:
    assert {"RB101", "RB103", "RB104", "RB106"} <= set(all_rules())
