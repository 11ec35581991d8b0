"""Every source line accounted for: part of a step, or classified (a command's context,
heading, description, example output, quoted text, link list, table, HTML comment, front
matter, blank).

An instruction-like sentence or command line that no step holds is *unplaced*: the
`RB008 unplaced-instruction` rule reports it, so nothing the extractor could not place is lost
silently. Each scan here is linear in the document.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from compiler.extract import DraftStep, ExtractionIssue
from compiler.extract.heuristic.asides import is_aside, not_a_step, quoted_example
from compiler.extract.heuristic.commands import (
    COMMON_PROGRAMS,
    is_context_line,
    looks_like_command_line,
)
from compiler.extract.heuristic.paragraphs import contents_lists
from compiler.extract.heuristic.shared import sentences
from compiler.parse import Block, Document, html_blocks, is_admonition_html
from compiler.records import Span
from compiler.text.instructions import is_instruction
from compiler.text.markup import visible
from compiler.values import Value, set_field

LINE_CLASSES = (
    "step",
    "context",
    "heading",
    "description",
    "output",
    "quote",
    "links",
    "table",
    "comment",
    "front-matter",
    "blank",
    "unplaced",
)
"""The classes a source line can have, most telling first."""

_LINK_ONLY = re.compile(
    r"^\W*(?:(?:\[[^\]]*\](?:\([^)]*\)|\[[^\]]*\])|<?https?://\S+>?)[\s,;:.\-|*]*)+$"
)
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}")


@dataclass(init=False, repr=False, eq=False)
class Coverage(Value):
    """Lines per class, and the instructions no step holds."""

    lines: dict[str, int]
    unplaced: tuple[ExtractionIssue, ...]

    def __init__(self, lines: dict[str, int], unplaced: tuple[ExtractionIssue, ...]) -> None:
        set_field(self, "lines", lines)
        set_field(self, "unplaced", unplaced)


def account(document: Document, drafts: Iterable[DraftStep], known: frozenset[str]) -> Coverage:
    """Classify every line of a document given the steps extracted from it."""
    lines = document.lines
    classes: list[str | None] = [None] * len(lines)
    in_step = [False] * len(lines)
    for draft in drafts:
        for span in filter(None, (draft.span, draft.note_span)):
            for number in range(span.line, min(span.end_line, len(lines)) + 1):
                in_step[number - 1] = True
    if document.front_matter_span is not None:
        for number in range(1, document.front_matter_span.end_line + 1):
            classes[number - 1] = "front-matter"
    unplaced: list[ExtractionIssue] = []
    programs = known | COMMON_PROGRAMS  # once per document, not once per block
    contents = contents_lists(document)  # announced steps, held by their sections
    previous: Block | None = None
    blocks = document.blocks
    for index, block in enumerate(blocks):
        as_html = is_admonition_html(block, previous, lines)
        previous = block
        kind = "description" if as_html else _block_class(block, lines)
        for number in range(block.span.line, min(block.span.end_line, len(lines)) + 1):
            if classes[number - 1] is None:
                classes[number - 1] = kind
        if block.kind == "code":
            for line in block.lines:
                if is_context_line(line.text, block):
                    classes[line.line - 1] = "context"  # `cd x`: carried by the steps after it
        if block.kind == "html" or as_html:
            for derived in html_blocks(block, lines):
                unplaced += (
                    _unplaced_cell(derived, in_step)
                    if derived.kind == "table"
                    else _unplaced(derived, lines, in_step, programs)
                )
        elif block.kind == "paragraph" and quoted_example(blocks, index, lines):
            continue  # an example a lead-in introduces ("Good examples: > Reboot a machine")
        elif block.list_id not in contents or block.kind != "paragraph":
            unplaced += _unplaced(block, lines, in_step, programs)
    for issue in unplaced:
        classes[issue.span.line - 1] = "unplaced"
    counts: Counter[str] = Counter()
    for index, text in enumerate(lines):
        if in_step[index] and classes[index] != "front-matter":
            counts["step"] += 1
        elif classes[index] is not None:
            counts[classes[index] or ""] += 1
        elif not text.strip():
            counts["blank"] += 1
        else:
            counts["description"] += 1  # container markers, reference definitions
    ordered = {name: counts[name] for name in LINE_CLASSES if counts[name]}
    return Coverage(ordered, tuple(unplaced))


def _block_class(block: Block, lines: tuple[str, ...]) -> str:
    if block.kind == "heading":
        return "heading"
    if block.kind == "table":
        return "table"
    if block.kind == "html":
        return "comment" if block.text.lstrip().startswith("<!--") else "description"
    if block.kind == "code":
        return "output"
    first = lines[block.span.line - 1].lstrip()
    if first.startswith(">"):
        return "quote"
    if block.kind == "paragraph" and _LINK_ONLY.match(block.text):
        return "links"
    return "description"


def _unplaced(
    block: Block, lines: tuple[str, ...], in_step: list[bool], known: frozenset[str]
) -> Iterator[ExtractionIssue]:
    """Instruction sentences and command lines of a block that no step holds."""
    if block.kind == "code":
        for line in block.lines:
            if not in_step[line.line - 1] and looks_like_command_line(line.text, block, known):
                yield _issue(line.line, line.column, line.text, "command")
    elif block.kind == "table":
        # The header row (the block's first line) names columns: "Fix", "Check".
        for number in range(block.span.line + 1, block.span.end_line + 1):
            text = lines[number - 1]
            if _TABLE_RULE.match(text):
                continue
            cells = text.strip().strip("|").split("|")
            if any(_ONLY_ADDRESS.match(cell.strip()) for cell in cells):
                continue  # "| Email Alert API | https://... |": a name and its address
            for cell in cells:
                words = cell.split()
                if len(words) > 1 and is_instruction(cell.strip()) and not in_step[number - 1]:
                    yield _issue(number, text.find(cell.strip()) + 1, cell.strip(), "instruction")
                    break
    elif block.kind == "paragraph":
        yield from _unplaced_sentences(block, lines, in_step)


_ONLY_ADDRESS = re.compile(r"^(?:<?https?://\S+>?|\[[^\]]*\]\([^)]*\))$")
"""A table cell that is only an address or a link: its row is reference data (a name and where
it lives), not instructions."""


def _unplaced_cell(cell: Block, in_step: list[bool]) -> Iterator[ExtractionIssue]:
    """An HTML table's cell that reads as an instruction and no step holds, as a markdown
    table's cell is read (its tags are not words)."""
    text = visible(cell.text)
    for sentence in sentences(text):
        if is_instruction(sentence.text) and not not_a_step(sentence.text):
            number = cell.span.line
            if not in_step[number - 1]:
                yield _issue(number, cell.span.column, text, "instruction")
            return


def _unplaced_sentences(
    block: Block, lines: tuple[str, ...], in_step: list[bool]
) -> Iterator[ExtractionIssue]:
    if all(in_step[n - 1] for n in range(block.span.line, block.span.end_line + 1)):
        return
    if is_aside(block, lines):
        return
    for sentence in sentences(block.text):
        if not is_instruction(sentence.text) or not_a_step(sentence.text):
            continue
        number = _line_of(block, lines, sentence.text)
        if not in_step[number - 1]:
            yield _issue(number, 1, sentence.text, "instruction")


def _line_of(block: Block, lines: tuple[str, ...], text: str) -> int:
    """The source line a sentence of a block starts on: where its first three words are, read
    across line breaks ("... Verify this / binding is correct." starts on the first line)."""
    head = " ".join(text.split()[:3])
    joined, starts = "", []
    for number in range(block.span.line, block.span.end_line + 1):
        starts.append((len(joined), number))
        joined += " ".join(lines[number - 1].split()) + " "
    at = joined.find(head) if head else -1
    return max(number for start, number in starts if start <= at) if at >= 0 else block.span.line


def _issue(line: int, column: int, text: str, what: str) -> ExtractionIssue:
    stripped = text.strip()
    end = column + max(len(stripped), 1) - 1
    span = Span(line=line, column=max(column, 1), end_line=line, end_column=end)
    return ExtractionIssue("unplaced-instruction", span, stripped, what)
