"""Document -> draft steps. `heuristic` is the offline default; `llm` is optional."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from compiler.issues import ExtractionIssue as ExtractionIssue
from compiler.issues import ExtractionIssueKind as ExtractionIssueKind

if TYPE_CHECKING:  # types only: importing the parser or the models here loads them everywhere
    from compiler.parse import InlineCode
    from compiler.records import Span


class LLMAuthError(Exception):
    """The model endpoint refused the credentials (401/403), or none were given: fail fast."""


DraftKind = Literal["action", "check", "decision", "manual", "escalate"]


@dataclass(frozen=True)
class Jump:
    """A reference from a step to another place: ordered-list step number, heading anchor,
    or the end of the runbook ("stop here"). A `reference` is a link into the page that asks
    for that section's work and goes on ("follow the instructions to [x](#x)"): no edge, but
    its target must exist."""

    target: str
    by: Literal["step-number", "anchor", "end", "reference"]
    span: Span
    when: str | None = None
    """The condition under which to jump ("otherwise" for the fallback); None: always."""


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
    jumps: tuple[Jump, ...] = ()
    list_number: int | None = None
    list_key: int | None = None
    branch_size: int = 0
    """For a decision: how many following drafts form the branch taken when the condition holds."""
    else_size: int = 0
    """For a decision: how many drafts after that branch form the branch taken otherwise (the
    first branch then skips them)."""
    proposed_tool: str | None = None
    """A registry tool the LLM extractor proposed; bound last, and only with sign-off."""
    origin: Literal["heuristic", "llm"] = "heuristic"
    """Who found the step: whatever a model touched binds `llm` and needs a sign-off."""


@dataclass(frozen=True)
class Usage:
    """What the LLM extractor cost: calls made, cache hits, tokens (never in the artifact)."""

    calls: int = 0
    cache_hits: int = 0
    input_tokens: int = 0
    output_tokens: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            self.calls + other.calls,
            self.cache_hits + other.cache_hits,
            self.input_tokens + other.input_tokens,
            self.output_tokens + other.output_tokens,
        )


@dataclass(frozen=True)
class Extraction:
    """Draft steps, what was dropped on the way, and how they were obtained."""

    drafts: list[DraftStep]
    issues: tuple[ExtractionIssue, ...] = ()
    extractor: Literal["heuristic", "llm"] = "heuristic"
    model: str | None = None
    prompt_sha256: str | None = None
    cache_keys: tuple[str, ...] = ()
    usage: Usage = field(default_factory=Usage)
    coverage: dict[str, int] = field(default_factory=dict)
    """Source lines per class (step, heading, description, output...), see `coverage`."""
