"""Where text rules look: the prose and the commands of steps, as spans of the source."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from compiler.models import Span
from compiler.parse import find_spans
from compiler.rules import CheckContext

DURATION_OR_COUNT = re.compile(
    r"\d+(?:\.\d+)?\s*(?:ms|s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?|times"
    r"|attempts?|tries|retries|x)\b|\b(?:once|twice|timeout|at\s+most|up\s+to|no\s+more\s+than)\b",
    re.IGNORECASE,
)


def starting_with(letters: str, pattern: str) -> str:
    """`pattern` behind a one-character test of the letters a match can start with: the regex
    engine rejects most positions at once instead of trying every alternative (2-3x faster
    on prose). Every alternative of `pattern` must start with one of `letters`."""
    return rf"(?=[{re.escape(letters)}])(?:{pattern})"


_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-Z`*\[(<\"'])|\n[ \t>]*\n")


@dataclass(frozen=True)
class Region:
    """A span of source a rule scans, and the step it belongs to."""

    step: str
    span: Span
    command: bool
    text: str | None = None
    """The region's words with whitespace collapsed, when known: a cheap first test."""


def prose_regions(context: CheckContext) -> Iterator[Region]:
    """Each prose step's text, and each lead-in paragraph once (for the first step it leads)."""
    seen: set[Span] = set()
    for step_id, bound in context.graph.bound.items():
        draft = bound.draft
        texts = [(draft.note_span, draft.note), (None if draft.command else draft.span, draft.text)]
        for span, text in texts:
            if span is not None and span not in seen:
                seen.add(span)
                yield Region(step_id, span, command=False, text=text)


def command_regions(context: CheckContext) -> Iterator[Region]:
    """Each command step's source span."""
    for step_id, bound in context.graph.bound.items():
        if bound.draft.command is not None:
            yield Region(step_id, bound.draft.span, command=True, text=bound.draft.text)


def matches(
    context: CheckContext, region: Region, pattern: re.Pattern[str]
) -> list[tuple[Span, re.Match[str]]]:
    """Matches of a pattern inside a region, with precise spans."""
    if region.text is not None and not pattern.search(region.text):
        return []
    return find_spans(context.document.lines, region.span, pattern)


def sentence_of(context: CheckContext, region: Region, span: Span) -> str:
    """The sentence (of the region's text) that contains a span, as written."""
    text = "\n".join(context.document.lines[region.span.line - 1 : region.span.end_line])
    lines_before = context.document.lines[region.span.line - 1 : span.line - 1]
    offset = sum(len(line) + 1 for line in lines_before) + span.column - 1
    start, end = 0, len(text)
    for boundary in _SENTENCE_BREAK.finditer(text):
        if boundary.end() <= offset:
            start = boundary.end()
        elif boundary.start() >= offset:
            end = boundary.start()
            break
    return text[start:end]


def title_span(context: CheckContext) -> Span:
    """Where document-level findings point: the first heading, else the front matter."""
    heading = next((b for b in context.document.blocks if b.kind == "heading"), None)
    if heading is not None:
        return heading.span
    if context.document.front_matter_span is not None:
        return context.document.front_matter_span
    first = context.document.lines[0]
    return Span(line=1, column=1, end_line=1, end_column=max(1, len(first)))
