"""Document -> draft steps. `heuristic` is the offline default; `llm` is optional."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from compiler.issues import ExtractionIssue as ExtractionIssue
from compiler.issues import ExtractionIssueKind as ExtractionIssueKind
from compiler.values import Value, set_field

if TYPE_CHECKING:  # types only: importing the parser or the models here loads them everywhere
    from compiler.parse import InlineCode
    from compiler.records import ContextLine, Span


class LLMAuthError(Exception):
    """The model endpoint refused the credentials (401/403), or none were given: fail fast."""


DraftKind = Literal["action", "check", "decision", "manual", "escalate"]


@dataclass(init=False, repr=False, eq=False)
class Jump(Value):
    """A reference from a step to another place: ordered-list step number, heading anchor,
    or the end of the runbook ("stop here"). A `reference` is a link into the page that asks
    for that section's work and goes on ("follow the instructions to [x](#x)"): no edge, but
    its target must exist."""

    target: str
    by: Literal["step-number", "anchor", "end", "reference"]
    span: Span
    when: str | None = None
    """The condition under which to jump ("otherwise" for the fallback); None: always."""

    def __init__(
        self,
        target: str,
        by: Literal["step-number", "anchor", "end", "reference"],
        span: Span,
        when: str | None = None,
    ) -> None:
        set_field(self, "target", target)
        set_field(self, "by", by)
        set_field(self, "span", span)
        set_field(self, "when", when)


@dataclass(init=False, repr=False, eq=False)
class DraftStep(Value):
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
    context: tuple[ContextLine, ...] = ()
    """For a command: the `cd`/`export` lines written before it in its section (see
    `heuristic.context`)."""

    def __init__(
        self,
        kind: DraftKind,
        text: str,
        span: Span,
        section: str | None,
        anchor: str | None,
        note: str | None = None,
        id_words: str | None = None,
        note_span: Span | None = None,
        condition: str | None = None,
        command: str | None = None,
        inline_code: tuple[InlineCode, ...] = (),
        jumps: tuple[Jump, ...] = (),
        list_number: int | None = None,
        list_key: int | None = None,
        branch_size: int = 0,
        else_size: int = 0,
        proposed_tool: str | None = None,
        origin: Literal["heuristic", "llm"] = "heuristic",
        context: tuple[ContextLine, ...] = (),
    ) -> None:
        set_field(self, "kind", kind)
        set_field(self, "text", text)
        set_field(self, "span", span)
        set_field(self, "section", section)
        set_field(self, "anchor", anchor)
        set_field(self, "note", note)
        set_field(self, "id_words", id_words)
        set_field(self, "note_span", note_span)
        set_field(self, "condition", condition)
        set_field(self, "command", command)
        set_field(self, "inline_code", inline_code)
        set_field(self, "jumps", jumps)
        set_field(self, "list_number", list_number)
        set_field(self, "list_key", list_key)
        set_field(self, "branch_size", branch_size)
        set_field(self, "else_size", else_size)
        set_field(self, "proposed_tool", proposed_tool)
        set_field(self, "origin", origin)
        set_field(self, "context", context)


@dataclass(init=False, repr=False, eq=False)
class Usage(Value):
    """What the LLM extractor cost: calls made, cache hits, tokens (never in the artifact)."""

    calls: int = 0
    cache_hits: int = 0
    input_tokens: int = 0
    output_tokens: int = 0

    def __init__(
        self, calls: int = 0, cache_hits: int = 0, input_tokens: int = 0, output_tokens: int = 0
    ) -> None:
        set_field(self, "calls", calls)
        set_field(self, "cache_hits", cache_hits)
        set_field(self, "input_tokens", input_tokens)
        set_field(self, "output_tokens", output_tokens)

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            self.calls + other.calls,
            self.cache_hits + other.cache_hits,
            self.input_tokens + other.input_tokens,
            self.output_tokens + other.output_tokens,
        )


@dataclass(init=False, repr=False, eq=False)
class Extraction(Value):
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

    def __init__(
        self,
        drafts: list[DraftStep],
        issues: tuple[ExtractionIssue, ...] = (),
        extractor: Literal["heuristic", "llm"] = "heuristic",
        model: str | None = None,
        prompt_sha256: str | None = None,
        cache_keys: tuple[str, ...] = (),
        usage: Usage | None = None,
        coverage: dict[str, int] | None = None,
    ) -> None:
        set_field(self, "drafts", drafts)
        set_field(self, "issues", issues)
        set_field(self, "extractor", extractor)
        set_field(self, "model", model)
        set_field(self, "prompt_sha256", prompt_sha256)
        set_field(self, "cache_keys", cache_keys)
        set_field(self, "usage", Usage() if usage is None else usage)
        set_field(self, "coverage", {} if coverage is None else coverage)
