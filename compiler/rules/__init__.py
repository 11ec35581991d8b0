"""The rule catalogue: metadata, docs and the check functions of every diagnostic code.

Each family module (source, assumptions, binding, graph, ...) declares its rules with
`@rule(...)`. A rule with no check function is reported by the stage that detects it (for
example, fatal source errors are raised by the parser before any check can run); its
`reported_by` says which.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal, TypeVar, cast

from compiler.records import Severity, Span
from compiler.values import Value, set_field

if TYPE_CHECKING:
    from compiler.config import Config
    from compiler.frontmatter import RunbookMeta
    from compiler.graph import StepGraph
    from compiler.issues import ExtractionIssue
    from compiler.parse import Document
    from compiler.registry import Profiles, Registry
    from compiler.rules.regions import Passage, Region, StepSpans


_Kept = TypeVar("_Kept")
"""What `CheckContext.once` keeps for a key: each key is always given the same kind of work."""


@dataclass(init=False, repr=False, eq=False)
class RuleDoc(Value):
    """The four parts every rule's documentation has."""

    what: str
    why: str
    example: str
    instead: str

    def __init__(self, what: str, why: str, example: str, instead: str) -> None:
        set_field(self, "what", what)
        set_field(self, "why", why)
        set_field(self, "example", example)
        set_field(self, "instead", instead)


@dataclass(init=False, repr=False, eq=False)
class Finding(Value):
    """What a check found: where, what, how to fix, and the evidence the fingerprint hashes."""

    code: str
    span: Span
    message: str
    fix: str
    evidence: str
    step: str | None = None

    def __init__(
        self, code: str, span: Span, message: str, fix: str, evidence: str, step: str | None = None
    ) -> None:
        set_field(self, "code", code)
        set_field(self, "span", span)
        set_field(self, "message", message)
        set_field(self, "fix", fix)
        set_field(self, "evidence", evidence)
        set_field(self, "step", step)


@dataclass(init=False, repr=False, eq=False)
class CheckContext(Value):
    """Everything a rule may look at."""

    document: Document
    graph: StepGraph
    registry: Registry
    profiles: Profiles
    meta: RunbookMeta
    config: Config
    extraction_issues: tuple[ExtractionIssue, ...] = ()
    shared: dict[str, object] = field(default_factory=dict, compare=False, repr=False)
    """What one rule works out and another reads (each rule still runs on its own)."""

    def __init__(
        self,
        document: Document,
        graph: StepGraph,
        registry: Registry,
        profiles: Profiles,
        meta: RunbookMeta,
        config: Config,
        extraction_issues: tuple[ExtractionIssue, ...] = (),
        shared: dict[str, object] | None = None,
    ) -> None:
        set_field(self, "document", document)
        set_field(self, "graph", graph)
        set_field(self, "registry", registry)
        set_field(self, "profiles", profiles)
        set_field(self, "meta", meta)
        set_field(self, "config", config)
        set_field(self, "extraction_issues", extraction_issues)
        set_field(self, "shared", {} if shared is None else shared)

    def once(self, key: str, work: Callable[[], _Kept]) -> _Kept:
        """What `work` gives (findings, or an index of the document), worked out on the first
        call for `key` and kept in `shared` for every later call on this document."""
        if key not in self.shared:
            self.shared[key] = work()
        return cast("_Kept", self.shared[key])

    @cached_property
    def prose_regions(self) -> tuple[Region, ...]:
        """The prose the text rules scan, computed once for all of them."""
        from compiler.rules.regions import prose_regions

        return tuple(prose_regions(self))

    @cached_property
    def passages(self) -> tuple[Passage, ...]:
        """Every prose block of the document as a reader sees it, read once for all rules."""
        from compiler.rules.regions import passages

        return tuple(passages(self))

    @cached_property
    def step_spans(self) -> StepSpans:
        """Where each step's text and lead-in are, for finding the step that holds a span."""
        from compiler.rules.regions import StepSpans

        return StepSpans.of(self)

    @cached_property
    def passage_text(self) -> str:
        """All passages' text, one per line: a rule whose pattern is nowhere in it skips them."""
        return "\n".join(passage.text for passage in self.passages)

    @cached_property
    def prose_text(self) -> str:
        """All prose regions' words, one region per line: a rule whose pattern is nowhere in
        it skips the per-region scan."""
        return "\n".join(region.text or "" for region in self.prose_regions)


Check = Callable[[CheckContext], Iterable[Finding]]

ReportedBy = Literal["check", "parser", "signoff", "llm"]
"""Where a rule's diagnostics come from: its check function, run on every compile (`check`);
the source and front-matter parser, which stops the compile (`parser`); the sign-off stage
(`compiler.signoff`, `signoff`); or a check that has something to report only when the LLM
extractor ran (`llm`)."""


@dataclass(init=False, repr=False, eq=False)
class Rule(Value):
    """One diagnostic code with its metadata, docs and check."""

    code: str
    name: str
    severity: Severity
    blocking: bool
    signoff: bool
    summary: str
    docs: RuleDoc
    reported_by: ReportedBy = "check"
    check: Check | None = field(default=None, compare=False)

    def __init__(
        self,
        code: str,
        name: str,
        severity: Severity,
        blocking: bool,
        signoff: bool,
        summary: str,
        docs: RuleDoc,
        reported_by: ReportedBy = "check",
        check: Check | None = None,
    ) -> None:
        set_field(self, "code", code)
        set_field(self, "name", name)
        set_field(self, "severity", severity)
        set_field(self, "blocking", blocking)
        set_field(self, "signoff", signoff)
        set_field(self, "summary", summary)
        set_field(self, "docs", docs)
        set_field(self, "reported_by", reported_by)
        set_field(self, "check", check)

    @property
    def family(self) -> str:
        """The family prefix, e.g. RB1."""
        return self.code[:3]


RULES: dict[str, Rule] = {}


def rule(
    code: str,
    name: str,
    severity: Severity,
    *,
    blocking: bool,
    signoff: bool,
    summary: str,
    docs: RuleDoc,
    reported_by: ReportedBy = "check",
) -> Callable[[Check], Check]:
    """Register a check function as the implementation of a rule."""

    def register(check: Check) -> Check:
        declare(Rule(code, name, severity, blocking, signoff, summary, docs, reported_by, check))
        return check

    return register


def declare(new: Rule) -> None:
    """Register a rule that another stage reports (no check function)."""
    if new.code in RULES:
        raise ValueError(f"rule {new.code} declared twice")
    if (new.check is None) != (new.reported_by in ("parser", "signoff")):
        raise ValueError(f"rule {new.code}: a check function iff reported by a check")
    RULES[new.code] = new


@cache
def all_rules() -> Mapping[str, Rule]:
    """Every rule by code (read-only), importing the family modules so they register."""
    from compiler.rules import (  # noqa: F401
        assumptions,
        binding,
        graph,
        grounding,
        hidden,
        signoffs,
        source,
    )

    return MappingProxyType(dict(sorted(RULES.items())))


@cache
def _checks() -> tuple[tuple[str, Check], ...]:
    """(code, check function) of every rule a check stage runs, in code order."""
    return tuple((code, rule.check) for code, rule in all_rules().items() if rule.check)


def needs_registry(code: str) -> bool:
    """Rules that judge tools and permissions: off in lint-only mode (no tools.yaml), where
    RB211 reports each program once instead."""
    return (code.startswith("RB2") and code != LINT_ONLY_CODE) or code == "RB105"


LINT_ONLY_CODE = "RB211"


def run_checks(context: CheckContext) -> list[Finding]:
    """Run every selected rule's check; findings sorted by position then code."""
    findings: dict[tuple[str, Span, str | None], Finding] = {}
    lint_only = context.registry.lint_only
    selected = context.config.selected((code for code, _ in _checks()), context.document.path)
    for code, check in _checks():
        if lint_only and needs_registry(code):
            continue
        if code not in selected:
            continue
        for finding in check(context):
            # A paragraph can be both a step and a lead-in: report each place once.
            findings.setdefault((finding.code, finding.span, finding.step), finding)
    return sorted(findings.values(), key=lambda f: (f.span.line, f.span.column, f.code, f.evidence))
