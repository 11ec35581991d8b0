"""Where part of a block's text is in the source: the exact span of a sentence or a clause, or
None when it cannot be placed (a step is never given a span it does not quote).
"""

from __future__ import annotations

import bisect
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass

from compiler.parse import Block, continuation, normalise, text_at
from compiler.records import Span
from compiler.values import Value, set_field


def _sub_span(block: Block, lines: tuple[str, ...], start: int, end: int) -> Span | None:
    """Span of `block.text[start:end]` in the source, or None if it cannot be placed exactly.

    `block.text` is the block's source with container markers dropped and whitespace runs
    collapsed, so its n-th non-space character is the n-th one of the source pieces."""
    placement = _placement(block, lines)
    before = placement.non_space_before(start)
    inside = placement.non_space_before(end) - before
    if not inside or before + inside > placement.total:
        return None
    line, column = placement.source_position(before)
    end_line, end_column = placement.source_position(before + inside - 1)
    span = Span(line=line + 1, column=column, end_line=end_line + 1, end_column=end_column)
    return span if text_at(lines, span) == normalise(block.text[start:end]) else None


@dataclass(init=False, repr=False, eq=False)
class _Placement(Value):
    """Where a block's non-space characters are, in `block.text` and in the source, kept by
    runs of them (words), not character by character."""

    text_runs: list[tuple[int, int]]
    """(start, end) in `block.text` of each run of non-space characters."""
    text_counts: list[int]
    """Non-space characters of `block.text` before each of its runs."""
    source_runs: list[tuple[int, int]]
    """(line index, column) in the source of the first character of each run."""
    source_counts: list[int]
    """Non-space source characters before each source run."""
    total: int
    """Non-space source characters in all."""

    def __init__(
        self,
        text_runs: list[tuple[int, int]],
        text_counts: list[int],
        source_runs: list[tuple[int, int]],
        source_counts: list[int],
        total: int,
    ) -> None:
        set_field(self, "text_runs", text_runs)
        set_field(self, "text_counts", text_counts)
        set_field(self, "source_runs", source_runs)
        set_field(self, "source_counts", source_counts)
        set_field(self, "total", total)

    def non_space_before(self, offset: int) -> int:
        """How many non-space characters of `block.text` come before `offset`."""
        index = bisect.bisect_left(self.text_runs, (offset,)) - 1  # last run starting before
        if index < 0:
            return 0
        start, end = self.text_runs[index]
        return self.text_counts[index] + min(offset, end) - start

    def source_position(self, number: int) -> tuple[int, int]:
        """(line index, column) of the `number`-th (from 0) non-space source character."""
        index = bisect.bisect_right(self.source_counts, number) - 1
        line, column = self.source_runs[index]
        return line, column + number - self.source_counts[index]


_LAST_BLOCK = threading.local()
"""Per thread: the last block `_placement` placed and its placement (compiles may run in
threads at once)."""
_NON_SPACE_RUN = re.compile(r"\S+")


def _placement(block: Block, lines: tuple[str, ...]) -> _Placement:
    """Where the non-space characters of a block are. Kept for the last block: a paragraph's
    sentences are placed one after another (linear, not quadratic)."""
    last: tuple[Block, _Placement] | None = getattr(_LAST_BLOCK, "value", None)
    if last is not None and last[0] is block:
        return last[1]
    source_runs: list[tuple[int, int]] = []
    source_counts: list[int] = []
    total = 0
    for index, offset, piece in _pieces(block.span, lines):
        for run in _NON_SPACE_RUN.finditer(piece):
            source_runs.append((index, offset + run.start() + 1))
            source_counts.append(total)
            total += run.end() - run.start()
    text_runs: list[tuple[int, int]] = []
    text_counts: list[int] = []
    seen = 0
    for run in _NON_SPACE_RUN.finditer(block.text):
        text_runs.append(run.span())
        text_counts.append(seen)
        seen += run.end() - run.start()
    placement = _Placement(text_runs, text_counts, source_runs, source_counts, total)
    _LAST_BLOCK.value = (block, placement)
    return placement


def _pieces(span: Span, lines: tuple[str, ...]) -> Iterator[tuple[int, int, str]]:
    """(line index, column offset, text) of each source line of a span, as `text_at` reads
    them: the first from the span's column, later ones without container markers."""
    first, last = span.line - 1, span.end_line - 1
    depth = lines[first][: span.column - 1].count(">")
    for index in range(first, min(last, len(lines) - 1) + 1):
        line = lines[index][: span.end_column] if index == last else lines[index]
        offset = span.column - 1 if index == first else len(line) - len(continuation(line, depth))
        yield index, offset, line[offset:]
