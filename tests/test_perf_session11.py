"""Work a compile no longer repeats (issue 21, session 11), each cut counted, never timed.

- A question scan (RB102's `_QUESTION`) skips a passage with no "?": every match holds one.
- `opens_shell` splits a command with no quote or backslash on blanks, as shlex would,
  without running shlex.
- `sentences` splits a text once: the extractor, the coverage pass and the text rules read
  the same paragraphs.
- RB111 looks for a "Last reviewed" line with one search of the whole text, not one per line,
  when there is none.

Each test counts the work (calls of a pattern or a function) and checks the cheaper path
gives what the full one gives.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compiler.models import Artifact
from compiler.rules.assumptions import document, expected
from compiler.text import sentences as sentences_module
from compiler.text import wrappers
from compiler.text.sentences import sentences
from compiler.text.wrappers import opens_shell


class _Counting:
    """A compiled pattern that counts the texts each method is asked to read."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        self.texts: list[str] = []

    def __getattr__(self, name: str) -> Callable[..., Any]:
        method = getattr(self.pattern, name)

        def counted(text: str, *args: Any) -> Any:
            self.texts.append(text)
            return method(text, *args)

        return counted


_QUESTION_WORDS = ["Is", "Are", "Does", "Has", "Were", "the", "pod", "running", "1.", "it"]
_GAPS = [" ", " ", "? ", ". ", "\n", ": ", "?\n"]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(_QUESTION_WORDS), st.sampled_from(_GAPS)),
        min_size=1,
        max_size=10,
    )
)
def test_every_question_match_holds_a_question_mark(parts: list[tuple[str, str]]) -> None:
    text = "".join(word + gap for word, gap in parts)
    for match in expected._QUESTION.finditer(text):
        assert "?" in match.group(0), text


def test_a_passage_without_a_question_mark_is_not_scanned_for_questions(
    compile_text: Callable[[str], Artifact], monkeypatch: pytest.MonkeyPatch
) -> None:
    counting = _Counting(expected._QUESTION)
    monkeypatch.setattr(expected, "_QUESTION", counting)
    compile_text(
        "# Check\n\n1. Run `kubectl get pods` and check whether the pods are running.\n\n"
        "Is the pod running? If not, page the on-call engineer.\n\n"
        "Is this done when the job has finished.\n"
    )
    scanned = [text for text in counting.texts if "Is " in text]
    assert scanned, "the question was scanned"
    assert all("?" in text for text in scanned), scanned


_SHELL_PIECES = ["ssh", "host", "sudo", "-i", "oc", "rsh", "pod", "#", "a=b", "\u00a0", "é"]
_SHELL_GAPS = [" ", "  ", "\t", "\n", "\r", "\x0b", "\x0c", ""]


@settings(max_examples=500, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(_SHELL_PIECES), st.sampled_from(_SHELL_GAPS)), max_size=8)
)
def test_a_plain_command_splits_as_shlex_splits_it(parts: list[tuple[str, str]]) -> None:
    command = "".join(word + gap for word, gap in parts)
    assert [w for w in wrappers._BLANKS.split(command) if w] == shlex.split(command)


def test_a_plain_command_is_read_without_shlex(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(command: str) -> list[str]:
        raise AssertionError(f"shlex ran on {command!r}")

    monkeypatch.setattr(wrappers.shlex, "split", refuse)
    assert opens_shell("ssh bastion.example.com")
    assert opens_shell("sudo -i")
    assert not opens_shell("kubectl get pods -n monitoring")


def test_a_quoted_command_is_still_read_by_shlex() -> None:
    assert opens_shell("kubectl exec -it 'my pod' -- bash")
    assert not opens_shell("echo 'ssh host'")


def test_a_text_is_split_into_sentences_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    protected = sentences_module.protected

    def counted(text: str) -> list[tuple[int, int]]:
        calls.append(text)
        return protected(text)

    monkeypatch.setattr(sentences_module, "protected", counted)
    sentences_module._split.cache_clear()  # whatever an earlier test split
    text = "Restart the pod (see `kubectl get pods`). Then check the logs! Done? Yes.\n"
    first = sentences(text)
    second = sentences(text)
    assert calls == [text]
    assert first == second
    first.clear()  # every caller gets a list of its own
    assert sentences(text) == second


def test_a_document_with_no_review_line_is_searched_once(
    compile_text: Callable[[str], Artifact], monkeypatch: pytest.MonkeyPatch
) -> None:
    counting = _Counting(document._REVIEWED_LINE)
    monkeypatch.setattr(document, "_REVIEWED_LINE", counting)
    body = "".join(f"{n}. Run `kubectl get pods` on node {n}.\n" for n in range(1, 30))
    compile_text(f"---\nowner: sre\n---\n# Pods\n\n{body}")
    assert len(counting.texts) == 1


def test_a_review_line_is_still_found_on_its_line(
    compile_text: Callable[[str], Artifact],
) -> None:
    artifact = compile_text(
        "---\nowner: sre\n---\n# Pods\n\n1. Run `kubectl get pods`.\n\nLast reviewed: 2001-02-03\n"
    )
    stale = [d for d in artifact.diagnostics if d.code == "RB111"]
    assert stale and stale[0].line == 8, artifact.diagnostics
