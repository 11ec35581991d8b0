"""Pydantic models of the compiled artifact; the artifact JSON Schema is generated from these."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION: Literal[1] = 1

StepKind = Literal["action", "check", "decision", "manual", "escalate", "end"]
BoundBy = Literal["explicit", "command", "alias", "llm"]
Effect = Literal["read", "write", "destructive"]
Gate = Literal["auto", "human"]
Severity = Literal["info", "warning", "error", "fatal"]
Status = Literal["ready", "blocked"]
Extractor = Literal["heuristic", "llm"]


class Model(BaseModel):
    """Base for artifact models: immutable, no unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Span(Model):
    """A source range, 1-based, end inclusive."""

    line: int = Field(ge=1)
    column: int = Field(ge=1)
    end_line: int = Field(ge=1)
    end_column: int = Field(ge=0)


class ToolBinding(Model):
    """The registry tool a step calls, the arguments captured from the source, and how."""

    name: str
    args: dict[str, str] = Field(default_factory=dict)
    bound_by: BoundBy


class Edge(Model):
    """A transition to another step; `when` is the condition, null for unconditional."""

    to: str
    when: str | None = None


class SignOff(Model):
    """A human's recorded acceptance of one diagnostic."""

    code: str
    fingerprint: str
    by: str
    date: str
    reason: str
    resolution: str | None = None


class Step(Model):
    """One node of the step graph."""

    id: str
    kind: StepKind
    text: str
    section: str | None = None
    source: Span | None
    note: str | None = Field(
        default=None, description="Prose that introduced the step (e.g. the line before a command)."
    )
    condition: str | None = None
    tool: ToolBinding | None = None
    effect: Effect | None = None
    permission: str | None = None
    requires_approval: bool = False
    gate: Gate = "auto"
    resolutions: list[str] = Field(
        default_factory=list, description="What signed-off diagnostics on this step mean."
    )
    next: list[Edge] = Field(default_factory=list)


class Diagnostic(Model):
    """One finding, with its sign-off if a human recorded one."""

    code: str
    name: str
    severity: Severity
    blocking: bool
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    message: str
    fix: str
    step: str | None = None
    fingerprint: str
    evidence: str = Field(default="", description="The flagged words the fingerprint hashes.")
    signoff: SignOff | None = None


class Escalation(Model):
    """Who to escalate to, and after how long."""

    role: str
    after: str | None = None


class RunbookInfo(Model):
    """Identity and metadata of the source runbook."""

    id: str
    title: str
    owner: str | None = None
    service: str | None = None
    applies_to: str | None = None
    last_reviewed: str | None = None
    executor: str | None = None
    escalation: Escalation | None = None
    contacts: dict[str, str | None] = Field(default_factory=dict)
    source_path: str
    source_sha256: str


class Provenance(Model):
    """What produced the artifact; any change here means the artifact must be rebuilt."""

    compiler_version: str
    registry_sha256: str
    profiles_sha256: str | None = None
    extractor: Extractor = "heuristic"
    model: str | None = None
    prompt_sha256: str | None = None
    response_cache_keys: list[str] = Field(default_factory=list)


class Artifact(Model):
    """A compiled runbook: the only thing an agent loads."""

    schema_version: Literal[1] = SCHEMA_VERSION
    runbook: RunbookInfo
    provenance: Provenance
    inputs: dict[str, dict[str, Any]] = Field(default_factory=dict)
    entry: str | None = Field(default=None, description="Id of the first step.")
    steps: list[Step]
    diagnostics: list[Diagnostic]
    status: Status
    integrity: str = Field(
        default="",
        description="sha256 of the artifact's compact canonical JSON (sorted keys, no "
        "whitespace) with this field empty; a loader recomputes it to detect tampering.",
    )
