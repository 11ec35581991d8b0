"""A draft step from a block: its text, span, section, jumps and kind, or from one command."""

from __future__ import annotations

import re

from compiler.extract import DraftKind, DraftStep
from compiler.extract.heuristic.commands import _join_continuations
from compiler.extract.heuristic.jumps import _jumps
from compiler.extract.heuristic.sections import _heading_condition, _section_of
from compiler.parse import Block, CodeLine
from compiler.records import Span
from compiler.text.instructions import ESCALATE as _ESCALATE

_CHECK = re.compile(
    r"^(?:keep\s+(?:checking|watching|monitoring|an\s+eye)|check|verify|validate|confirm|ensure|look|inspect|review|monitor|watch|observe|see"
    r"|examine|investigate|determine|find|identify|make\s+sure(?!\s+to\s)|compare|query|list|get"
    r"|describe|view|study|gather|collect)\b",
    re.IGNORECASE,
)
"""A check's first words ("Make sure to remove X" asks for the removal: no check)."""


def _draft(block: Block, kind: DraftKind, text: str, span: Span, **extra: object) -> DraftStep:
    section, anchor = _section_of(block)
    jumps = _jumps(block, text, span)
    extra["condition"] = extra.get("condition") or _heading_condition(block)
    return DraftStep(
        kind=kind,
        text=text,
        span=span,
        section=section,
        anchor=anchor,
        jumps=jumps,
        inline_code=tuple(c for c in block.inline_code if _inside(c.line, c.column, span)),
        list_number=block.number,
        list_key=block.list_id if block.ordered else None,
        **extra,  # type: ignore[arg-type]
    )


def _inside(line: int, column: int, span: Span) -> bool:
    after_start = (line, column) >= (span.line, span.column)
    return after_start and (line, column) <= (span.end_line, span.end_column)


def _prose_kind(text: str) -> DraftKind:
    if _ESCALATE.search(text):
        return "escalate"
    if _CHECK.match(text):
        return "check"
    return "manual"


def _command_step(
    context: Block, lines: list[CodeLine], text: str, lead_in: Block | None = None
) -> DraftStep:
    """A step for one command; `lead_in` is the paragraph that introduced its code block."""
    first, last = lines[0], lines[-1]
    span = Span(
        line=first.line,
        column=first.column,
        end_line=last.line,
        end_column=len(last.text) + last.column - 1,
    )
    section, anchor = _section_of(context)
    return DraftStep(
        kind="action",
        text=text,
        span=span,
        section=section,
        anchor=anchor,
        note=lead_in.text if lead_in else None,
        note_span=lead_in.span if lead_in else None,
        command=_join_continuations(text),
        condition=_heading_condition(context),
    )
