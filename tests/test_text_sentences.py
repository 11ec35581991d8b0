"""compiler.text.sentences: sentence and clause boundaries with offsets."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compiler.text.sentences import clauses, sentence_at, sentences


def texts(text: str) -> list[str]:
    return [sentence.text for sentence in sentences(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Restart the pod. Then check logs.", ["Restart the pod.", "Then check logs."]),
        ("Is it up? Yes! Good.", ["Is it up?", "Yes!", "Good."]),
        (
            "See [the docs. Really](https://x.io/a.b). Next.",
            ["See [the docs. Really](https://x.io/a.b).", "Next."],
        ),
        ("Run `get pods. Now` first. Done.", ["Run `get pods. Now` first.", "Done."]),
        (
            "Open https://example.com/a.html. Then go.",
            ["Open https://example.com/a.html.", "Then go."],
        ),
        ('Say "Stop. Now" to them. Ok.', ['Say "Stop. Now" to them.', "Ok."]),
        ('Type "yes." Then go on.', ['Type "yes."', "Then go on."]),
        ("(This is it. Really.) After.", ["(This is it. Really.)", "After."]),
        ("Use a tool, e.g. Velero. Then stop.", ["Use a tool, e.g. Velero.", "Then stop."]),
        ("One thing, i.e. This. Two.", ["One thing, i.e. This.", "Two."]),
        ("Use version 1.2. It works.", ["Use version 1.2.", "It works."]),
        ("lower. case does not start one", ["lower. case does not start one"]),
        ("First para\n\nsecond para", ["First para", "second para"]),
        ("A soft\nwrapped line. B.", ["A soft\nwrapped line.", "B."]),
        ('He said "unclosed. And more.', ['He said "unclosed.', "And more."]),
        ("**Bold.** Next.", ["**Bold.**", "Next."]),
        ("", []),
        ("   ", []),
    ],
)
def test_sentence_boundaries(text: str, expected: list[str]) -> None:
    assert texts(text) == expected


def test_an_unclosed_bracket_does_not_swallow_the_next_paragraph() -> None:
    assert texts("Open (the thing. Now.\n\nNext para. Here.") == [
        "Open (the thing.",
        "Now.",
        "Next para.",
        "Here.",
    ]


def test_sentence_at_finds_the_sentence_holding_an_offset() -> None:
    text = "Restart it. Then wait until ready."
    found = sentence_at(text, text.index("wait"))
    assert found is not None and found.text == "Then wait until ready."
    assert sentence_at(text, len(text) + 3) is None


def test_clauses_split_a_leading_condition_and_clause_breaks() -> None:
    text = "If the pod is `Pending, really`, describe it; then delete it, and wait 5 minutes."
    (sentence,) = sentences(text)
    found = clauses(sentence)
    assert [c.text for c in found] == [
        "If the pod is `Pending, really`",
        "describe it",
        "then delete it",
        "and wait 5 minutes.",
    ]
    assert [c.condition for c in found] == [True, False, False, False]
    assert all(text[c.start : c.end] == c.text for c in found)


def test_clause_offsets_are_in_the_original_text() -> None:
    text = "Intro. When it is done, restart it."
    second = sentences(text)[1]
    first_clause = clauses(second)[0]
    assert text[first_clause.start : first_clause.end] == "When it is done"


@settings(max_examples=200, derandomize=True)
@given(st.text(alphabet=st.sampled_from(list("ab .!?,;()[]\"'`\n:-e.gA1")), max_size=80))
def test_sentences_are_in_order_and_point_at_their_text(text: str) -> None:
    last = 0
    for sentence in sentences(text):
        assert text[sentence.start : sentence.end] == sentence.text
        assert sentence.start >= last and sentence.text == sentence.text.strip()
        last = sentence.end
        for clause in clauses(sentence):
            assert text[clause.start : clause.end] == clause.text
