"""Document -> draft steps. `heuristic` is the offline default; `llm` is optional."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from compiler.models import Span
from compiler.parse import InlineCode

DraftKind = Literal["action", "check", "decision", "manual", "escalate"]


@dataclass(frozen=True)
class Jump:
    """A reference from a step to another place: ordered-list step number or heading anchor."""

    target: str
    by: Literal["step-number", "anchor"]
    span: Span


@dataclass(frozen=True)
class DraftStep:
    """A step as the extractor sees it, before binding and graph building."""

    kind: DraftKind
    text: str
    span: Span
    section: str | None
    anchor: str | None
    note: str | None = None
    id_words: str | None = None
    """Text the step id is derived from, when not the step's own (a split consequent)."""
    note_span: Span | None = None
    condition: str | None = None
    command: str | None = None
    inline_code: tuple[InlineCode, ...] = ()
    jump: Jump | None = None
    list_number: int | None = None
    list_key: int | None = None
    branch_size: int = 0
    """For a decision: how many following drafts form the branch taken when the condition holds."""
