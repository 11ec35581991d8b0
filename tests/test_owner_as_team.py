"""RB103: the runbook's owner, declared as a channel or handle (`owner_slack: "#ledger-ops"`),
declares the team it names ("Inform the Ledger Ops team"); a look-alike team that shares only
some of its words, or a group noun alone, stays undefined (session 10, from the blind-labelled
modernisation-platform runbooks)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from compiler.models import Artifact

Compile = Callable[[str], Artifact]


def _actors(compile_text: Compile, owner: str, sentence: str) -> list[str]:
    text = f'---\nowner_slack: "{owner}"\n---\n\n# Rebuild\n\n## Steps\n\n1. {sentence}\n'
    return [d.evidence for d in compile_text(text).diagnostics if d.code == "RB103"]


@pytest.mark.parametrize(
    ("owner", "sentence"),
    [
        ("#ledger-ops", "Inform the Ledger Ops team of the rebuild."),
        ("#ledger-ops", "Notify Ledger Ops squad that the rebuild is done."),
        ("@ledger-ops", "Inform the ledger ops team of the rebuild."),
    ],
)
def test_the_owner_named_as_a_team_is_declared(
    compile_text: Compile, owner: str, sentence: str
) -> None:
    assert _actors(compile_text, owner, sentence) == []


@pytest.mark.parametrize(
    ("owner", "sentence"),
    [
        ("#ledger-ops", "Inform the Ledger Security team of the rebuild."),  # another team
        ("#ledger", "Inform the Ledger Ops team of the rebuild."),  # more words than the owner
        ("#ledger-ops", "Inform the DBA of the rebuild."),
    ],
)
def test_look_alikes_stay_undefined(compile_text: Compile, owner: str, sentence: str) -> None:
    assert _actors(compile_text, owner, sentence) != []
