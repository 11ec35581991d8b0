"""One vocabulary of effects (compiler/text/effect_words.py): a destructive verb is destructive
wherever the compiler reads it (an instruction, a command's sub-command, console code), and the
patterns built from a family match its words and nothing else."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from compiler.bind import words_effect
from compiler.models import Artifact
from compiler.text.console_code import code_effect
from compiler.text.effect_words import (
    CHANGE_VERBS,
    DESTRUCTIVE_PROGRAM_WORDS,
    DESTRUCTIVE_VERBS,
    WRITE_PROGRAM_WORDS,
    alternation,
    stem,
)
from compiler.text.shell import writes_a_file

Compile = Callable[[str], Artifact]


def _effects(compile_text: Compile, sentence: str) -> list[str | None]:
    art = compile_text(f"# T\n\n## Steps\n\n1. {sentence}\n")
    return [s.effect for s in art.steps if s.source is not None and s.kind != "decision"]


@pytest.mark.parametrize("verb", sorted(DESTRUCTIVE_VERBS))
def test_a_destructive_verb_is_destructive_in_prose_and_in_a_command(
    verb: str, compile_text: Compile
) -> None:
    assert "destructive" in _effects(compile_text, f"{verb.capitalize()} the ledger-sync worker.")
    assert words_effect(["ledgerctl", verb, "ledger-sync"]) == "destructive"
    assert words_effect(["ledgerctl", "--region", "eu", verb, "ledger-sync"]) == "destructive"


@pytest.mark.parametrize(
    "sentence",
    [
        "Do not delete the ledger-sync worker.",  # negated
        "Restart the ledger-sync worker.",  # a change, not a destructive one
        "Pick the region from the drop-down list.",  # "drop" as a noun
        "Stop here if the ledger is in sync.",  # the procedure stops, nothing is stopped
    ],
)
def test_look_alikes_of_destructive_verbs_in_prose_are_not(
    sentence: str, compile_text: Compile
) -> None:
    assert "destructive" not in _effects(compile_text, sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "Think about purging the ledger-sync queue once the export ends.",  # proposed: no
        "Consider purging the ledger-sync queue once the export ends.",
        "Try dropping the scratch table on the ledger replica.",
        "Open the ledger console, revoking the old sync token.",  # a second action
        "Find and terminate the stuck ledger-sync sessions.",  # a check that also acts
        "Make sure to remove the stale ledger snapshot under `/srv/ledger/old`.",
        "Find the ledger-sync queue in the list and click **Delete**.",
        "Open the ledger-sync queue and press `Purge`.",  # a button's one word is read
        "The stale ledger snapshot needs to be removed from `/srv/ledger/old`.",  # obligation
        "Stop or restart the ledger-sync workers that hold the lock.",  # "stop or" + a verb
    ],
)
def test_an_instruction_to_destroy_in_other_forms_is_destructive(
    sentence: str, compile_text: Compile
) -> None:
    effects = _effects(compile_text, sentence)
    assert ("destructive" in effects) is not sentence.startswith("Think about")


@pytest.mark.parametrize(
    "sentence",
    [
        "Try to avoid killing the ledger-sync workers started by the scheduler.",
        "After purging the queue, the ledger-sync worker restarts by itself.",
        "Write down the reason for stopping the ledger export.",
        "Since terminating a session can lose writes, tell the ledger owner first.",
        "Attach the volume to the stopped ledger host.",
        "Check that the stale ledger snapshot was removed.",
        "Find out whether the ledger queue needs to be purged.",
        "This speeds up the export by removing the index first.",
        "Copy `/srv/ledger/rows-to-purge.txt` to the ledger console host.",  # a file's name
        "Roll the ledger secret with `kubectl annotate secret ledger force-sync=now`.",
        "Log in to the ledger replica host to be drained.",  # what the host is for
        "Wait until the ledger-sync pods get evicted by the autoscaler.",  # what happens
        "Name the ledger queue that will be purged: ledger-sync.",
        "Stop and think before you touch the ledger-sync workers.",  # look-alike: a pause
    ],
)
def test_an_action_named_but_not_asked_is_not_destructive(
    sentence: str, compile_text: Compile
) -> None:
    assert "destructive" not in _effects(compile_text, sentence)


def test_command_words_of_the_families() -> None:
    assert DESTRUCTIVE_VERBS <= DESTRUCTIVE_PROGRAM_WORDS
    assert not DESTRUCTIVE_PROGRAM_WORDS & WRITE_PROGRAM_WORDS  # one effect per word
    assert words_effect(["ledgerctl", "restart", "ledger-sync"]) == "write"
    assert words_effect(["ledgerctl", "status", "ledger-sync"]) is None


@pytest.mark.parametrize("verb", ["delete", "destroy", "purge", "remove", "truncate", "stop"])
def test_a_destructive_verb_as_a_console_method(verb: str) -> None:
    assert code_effect(f"Ledger::Entry.where(stale: true).{verb}_all") == "destructive"
    assert code_effect(f"Ledger::Entry.where(stale: true).{verb}d_at") is None  # a field


def test_alternation_and_stem() -> None:
    assert alternation(frozenset({"wipe", "drop"})) == "(?:drop|wipe)"
    assert alternation(("b", "a"), {"a": "a(?!x)"}) == "(?:b|a(?!x))"
    assert [stem(v) for v in ("delete", "restart", "scale down")] == [
        "delet",
        "restart",
        r"scale\s+down",
    ]
    group = re.compile(rf"^{alternation(CHANGE_VERBS)}$", re.IGNORECASE)
    assert group.match("roll back") and group.match("failover") and group.match("apply")
    assert not group.match("apply to")


@pytest.mark.parametrize(
    ("argv", "effect"),
    [
        (["grep", "-i", "stop", "ledger.log"], None),  # a pattern, not a sub-command
        (["tail", "-f", "/var/log/ledger/shutdown.log"], None),
        (["cat", "/run/ledger/stop"], None),  # a file's path
        (["vim", "purge-ledger.conf"], None),  # a file's name
        (["docker", "run", "--rm", "ledger-sync"], "write"),  # --rm removes nothing of yours
        (["gpg", "--edit-key", "ledger@example.com"], "write"),  # an option still writes
        (["docker", "compose", "down"], "destructive"),
        (["ledger-docker", "down"], "destructive"),
        (["ledgerctl", "rm", "-f", "ledger-sync"], "destructive"),
        (["ledger-cli", "del", "ledger:lock"], "destructive"),  # redis-cli / etcdctl del
        (["ledgerctl", "--delete", "ledger-sync"], "destructive"),  # a destructive option
        (["select", "pg_cancel_backend(4242);"], "destructive"),
    ],
)
def test_a_commands_operands_and_file_names_name_no_action(
    argv: list[str], effect: str | None
) -> None:
    assert words_effect(argv) == effect


def test_a_key_expired_now_is_deleted() -> None:
    assert code_effect("ledger_cache.expire(key, 0)") == "destructive"
    assert code_effect("ledger_cache.expire(key, 3600)") is None


@pytest.mark.parametrize(
    ("command", "writes"),
    [
        ("oc logs ledger-0 > /tmp/ledger.log", True),
        ("echo 'alias lg=ledgerctl' >> ~/.bashrc", True),
        ("oc -n <ledger namespace> get pods", False),  # a placeholder's closing `>`
        ("NAMESPACE='<namespace label from alert>'", False),
        ('grep "rows > 0" ledger.log', False),  # quoted
        ("ledgerctl sync > /dev/null 2>&1", False),
    ],
)
def test_output_written_into_a_file(command: str, writes: bool) -> None:
    assert writes_a_file(command) is writes
