"""Where text rules look: every block of the document as a reader sees it (passages), and the
prose and commands of steps, as spans of the source."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property

from compiler.parse import Block, find_spans
from compiler.records import Span
from compiler.rules import CheckContext
from compiler.text.genre import is_incident_record
from compiler.text.normalise import read_spans
from compiler.text.sentences import Sentence, cell_sentences, sentences
from compiler.values import Value, set_field

DURATION_OR_COUNT = re.compile(
    r"\d+(?:\.\d+)?\s*(?:ms|s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?|times"
    r"|attempts?|tries|retries|x)\b|\b(?:twice|timeout|at\s+most|up\s+to|no\s+more\s+than)\b"
    # "once" as a count ("try once more"), not the conjunction ("once it is available")
    r"|\bonce\b(?=\s*(?:[.,;:!?)]|$|\s+(?:a|per|every|more|again|or\s+twice)\b))",
    re.IGNORECASE,
)


def starting_with(letters: str, pattern: str) -> str:
    """`pattern` behind a one-character test of the letters a match can start with: the regex
    engine rejects most positions at once instead of trying every alternative (2-3x faster
    on prose). Every alternative of `pattern` must start with one of `letters`."""
    return rf"(?=[{re.escape(letters)}])(?:{pattern})"


def at_word_start(letters: str, pattern: str) -> str:
    """`pattern` behind a word-boundary test and a one-character test of the letters a match
    can start with: mid-word positions fail at the boundary before any alternative is tried.
    Every alternative of `pattern` must start with `\\b` and one of `letters`."""
    return rf"\b(?=[{re.escape(letters)}])(?:{pattern})"


@dataclass(init=False, repr=False, eq=False)
class Region(Value):
    """A span of source a rule scans, and the step it belongs to."""

    step: str
    span: Span
    command: bool
    text: str | None = None
    """The region's words with whitespace collapsed, when known: a cheap first test."""

    def __init__(self, step: str, span: Span, command: bool, text: str | None = None) -> None:
        set_field(self, "step", step)
        set_field(self, "span", span)
        set_field(self, "command", command)
        set_field(self, "text", text)


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
    for sentence in sentences(text):
        if sentence.start <= offset < sentence.end:
            return sentence.text
    return text


@dataclass(init=False, repr=False, eq=False)
class Passage(Value):
    """One block of the document (paragraph, list item, table, heading, blockquote line) as a
    reader sees it: `text` is the block's source read by `read_spans`, and every character of
    it knows the source line and column it came from."""

    block: Block
    raw: str
    text: str
    origins: list[int] = field(repr=False)
    line_starts: list[int] = field(repr=False)

    def __init__(
        self, block: Block, raw: str, text: str, origins: list[int], line_starts: list[int]
    ) -> None:
        set_field(self, "block", block)
        set_field(self, "raw", raw)
        set_field(self, "text", text)
        set_field(self, "origins", origins)
        set_field(self, "line_starts", line_starts)

    @cached_property
    def sentences(self) -> list[Sentence]:
        """The passage's sentences (offsets into `text`); a table's, cell by cell."""
        if self.block.kind == "table":
            return cell_sentences(self.text)
        return sentences(self.text)

    @cached_property
    def words(self) -> frozenset[str]:
        """The passage's words, lower case: a cheap test before a costly pattern runs."""
        return frozenset(_WORD.findall(self.text.lower()))

    @cached_property
    def sentence_starts(self) -> list[int]:
        """Where each sentence starts, for bisection (built once, not per look-up)."""
        return [sentence.start for sentence in self.sentences]

    def sentence_at(self, offset: int) -> Sentence:
        """The sentence holding `offset` of `text` (the whole passage if none does)."""
        index = bisect.bisect_right(self.sentence_starts, offset) - 1
        if index >= 0 and offset < self.sentences[index].end:
            return self.sentences[index]
        return Sentence(0, len(self.text), self.text)

    def span(self, start: int, end: int) -> Span:
        """The source span of `text[start:end]` (end exclusive, not empty)."""
        line, column = self._position(self.origins[start])
        end_line, end_column = self._position(self.origins[max(start, end - 1)])
        return Span(line=line, column=column, end_line=end_line, end_column=end_column)

    def _position(self, raw_offset: int) -> tuple[int, int]:
        index = bisect.bisect_right(self.line_starts, raw_offset) - 1
        first_column = self.block.span.column if index == 0 else 1
        return self.block.span.line + index, first_column + raw_offset - self.line_starts[index]


_WORD = re.compile(r"[a-z]+")
_PROSE_KINDS = frozenset({"paragraph", "heading", "table"})


_MARKUP = re.compile(r"<!--.*?(?:-->|$)|</?[A-Za-z][^<>]*>", re.DOTALL)
"""HTML comments and tags: what a reader of an HTML block (a table or list written in HTML)
does not see."""


def incident_record(context: CheckContext) -> bool:
    """Whether the document is an incident record (`text.genre`), worked out once for the
    rules that ask."""
    return context.once("incident-record", lambda: is_incident_record(context.document.lines))


def passages(context: CheckContext) -> Iterator[Passage]:
    """Every prose block of the document (not only text that became a step), read; an HTML
    block's text too ("<li>Trigger incident response if necessary</li>"), without its tags.
    An incident record has none: it tells what was done, not what to do."""
    lines = context.document.lines
    if incident_record(context):
        return
    for block in context.document.blocks:
        if block.span.end_line > len(lines):
            continue
        if block.kind in _PROSE_KINDS:
            yield read_block(lines, block)
        elif block.kind == "html":
            passage = read_block(lines, block, markup=True)
            if passage.text.strip():
                yield passage


def _blank(found: re.Match[str]) -> str:
    return re.sub(r"[^\n]", " ", found.group(0))


def read_block(lines: tuple[str, ...], block: Block, markup: bool = False) -> Passage:
    """A block's source (`block.span` of `lines`) as a reader sees it (with `markup`, HTML
    tags and comments blanked out first: every character keeps its place)."""
    raw_lines = []
    for number in range(block.span.line, block.span.end_line + 1):
        text = lines[number - 1]
        first = block.span.column if number == block.span.line else 1
        last = block.span.end_column if number == block.span.end_line else len(text)
        raw_lines.append(text[first - 1 : last])
    raw = "\n".join(raw_lines)
    starts = [0]
    for piece in raw_lines[:-1]:
        starts.append(starts[-1] + len(piece) + 1)
    text, origins = read_spans(_MARKUP.sub(_blank, raw) if markup else raw)
    return Passage(block, raw, text, origins, starts)


def step_at(context: CheckContext, span: Span) -> str | None:
    """The step whose text (or lead-in) holds a span, if any (the first in step order)."""
    return context.step_spans.holding(span)


@dataclass(init=False, repr=False, eq=False)
class StepSpans(Value):
    """Each step's text and lead-in spans, sorted by start line: finding the step that holds a
    span looks only at spans starting on or before its line that reach it (not every step)."""

    starts: list[int]
    spans: list[tuple[Span, int, str]]
    longest: int

    def __init__(self, starts: list[int], spans: list[tuple[Span, int, str]], longest: int) -> None:
        set_field(self, "starts", starts)
        set_field(self, "spans", spans)
        set_field(self, "longest", longest)

    @classmethod
    def of(cls, context: CheckContext) -> StepSpans:
        """The spans of the context's steps, in order of start line."""
        spans = []
        for order, (step_id, bound) in enumerate(context.graph.bound.items()):
            for where in (bound.draft.span, bound.draft.note_span):
                if where is not None:
                    spans.append((where, order, step_id))
        spans.sort(key=lambda item: (item[0].line, item[1]))
        longest = max((where.end_line - where.line for where, _, _ in spans), default=0)
        return cls([where.line for where, _, _ in spans], spans, longest)

    def holding(self, span: Span) -> str | None:
        """The first step (in step order) whose text or lead-in holds `span`."""
        low = bisect.bisect_left(self.starts, span.line - self.longest)
        high = bisect.bisect_right(self.starts, span.line)
        found = [
            (order, step) for where, order, step in self.spans[low:high] if _holds(where, span)
        ]
        return min(found)[1] if found else None


def _holds(outer: Span, inner: Span) -> bool:
    return (outer.line, outer.column) <= (inner.line, inner.column) and (
        inner.end_line,
        inner.end_column,
    ) <= (outer.end_line, outer.end_column)


_BLOCK_STARTS: dict[int, tuple[tuple[Block, ...], list[int]]] = {}


def blocks_after(blocks: tuple[Block, ...], line: int) -> Iterator[Block]:
    """The blocks that start after `line`, in order (found by bisection, not a scan)."""
    known = _BLOCK_STARTS.get(id(blocks))
    if known is None or known[0] is not blocks:
        if len(_BLOCK_STARTS) > 64:
            _BLOCK_STARTS.clear()
        known = (blocks, [block.span.line for block in blocks])
        _BLOCK_STARTS[id(blocks)] = known
    for index in range(bisect.bisect_right(known[1], line), len(blocks)):
        yield blocks[index]


def block_after(blocks: tuple[Block, ...], line: int) -> Block | None:
    """The first block (not raw HTML) that starts after `line`."""
    return next((b for b in blocks_after(blocks, line) if b.kind != "html"), None)


def title_span(context: CheckContext) -> Span:
    """Where document-level findings point: the first heading, else the front matter."""
    heading = next((b for b in context.document.blocks if b.kind == "heading"), None)
    if heading is not None:
        return heading.span
    if context.document.front_matter_span is not None:
        return context.document.front_matter_span
    first = context.document.lines[0]
    return Span(line=1, column=1, end_line=1, end_column=max(1, len(first)))
