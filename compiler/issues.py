"""What the stages found that a rule reports: issues as data, one type per stage.

Extraction, binding and the graph record what they found (including what went wrong) as
issues; the rules in `compiler.rules` turn them into diagnostics. An issue's `kind` is the
name of the rule that reports it (`invalid-tool-args` is RB204 `invalid-tool-args`), so
grepping a rule's name reaches the code that detects it. Two extraction kinds are a model's
assumption flags, reported by the rule the flag names (`code`): `proposed-flag` by that rule,
`ungrounded-flag` by RB401 `ungrounded-model-step`, as a dropped model step is.

The types live here, not in their stages, so the rules can read them without importing the
stages that find them (the rules never import `compiler.extract`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from compiler.values import Value, set_field

if TYPE_CHECKING:  # a type only: the models are not loaded for a run served from the cache
    from compiler.records import Span

ExtractionIssueKind = Literal[
    "ungrounded-model-step",
    "invented-tool",
    "invalid-model-output",
    "model-unavailable",
    "unplaced-instruction",
    "ungrounded-flag",
    "proposed-flag",
]


@dataclass(init=False, repr=False, eq=False)
class ExtractionIssue(Value):
    """Something the extractor dropped or could not do; the RB4xx rules report it, and RB008
    an instruction no step holds (`unplaced-instruction`). A `proposed-flag` is an assumption
    flag the model proposed whose quote is in the source: the rule `code` reports it, marked as
    the model's, for sign-off."""

    kind: ExtractionIssueKind
    span: Span
    evidence: str
    detail: str = ""
    code: str | None = None
    """The rule a proposed (or dropped) model flag names."""

    def __init__(
        self,
        kind: ExtractionIssueKind,
        span: Span,
        evidence: str,
        detail: str = "",
        code: str | None = None,
    ) -> None:
        set_field(self, "kind", kind)
        set_field(self, "span", span)
        set_field(self, "evidence", evidence)
        set_field(self, "detail", detail)
        set_field(self, "code", code)


BindingIssueKind = Literal[
    "unknown-tool",
    "ambiguous-binding",
    "deprecated-tool",
    "invalid-tool-args",
    "alias-binding",
    "llm-binding",
    "unbound-command",
    "unknown-pipe-filter",
]


@dataclass(init=False, repr=False, eq=False)
class BindingIssue(Value):
    """Something about a step's binding that a rule will report."""

    kind: BindingIssueKind
    span: Span
    evidence: str
    detail: str = ""
    candidates: tuple[str, ...] = ()

    def __init__(
        self,
        kind: BindingIssueKind,
        span: Span,
        evidence: str,
        detail: str = "",
        candidates: tuple[str, ...] = (),
    ) -> None:
        set_field(self, "kind", kind)
        set_field(self, "span", span)
        set_field(self, "evidence", evidence)
        set_field(self, "detail", detail)
        set_field(self, "candidates", candidates)


GraphIssueKind = Literal["dangling-reference", "unreachable-step", "no-end", "duplicate-step-id"]


@dataclass(init=False, repr=False, eq=False)
class GraphIssue(Value):
    """A structural problem the graph rules will report."""

    kind: GraphIssueKind
    step: str | None
    span: Span
    evidence: str
    detail: str = ""

    def __init__(
        self, kind: GraphIssueKind, step: str | None, span: Span, evidence: str, detail: str = ""
    ) -> None:
        set_field(self, "kind", kind)
        set_field(self, "step", step)
        set_field(self, "span", span)
        set_field(self, "evidence", evidence)
        set_field(self, "detail", detail)
