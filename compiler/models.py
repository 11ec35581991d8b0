"""Pydantic models of the compiled artifact; the artifact JSON Schema is generated from these.

Fields are declared in alphabetical order and free-form mappings are stored with sorted keys:
pydantic writes fields in declaration order, so an artifact serialises straight to its
canonical, key-sorted JSON without a sorting pass (tests/test_emit.py checks both)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from compiler.records import SCHEMA_VERSION as SCHEMA_VERSION
from compiler.records import BoundBy as BoundBy
from compiler.records import Effect as Effect
from compiler.records import Gate as Gate
from compiler.records import Severity as Severity
from compiler.records import StepKind as StepKind
from compiler.records import sorted_keys as sorted_keys

Status = Literal["ready", "blocked"]
Extractor = Literal["heuristic", "llm"]


class Model(BaseModel):
    """Base for artifact models: immutable, no unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")


KEY_ORDER = AfterValidator(sorted_keys)
"""Stores a mapping in key order, as the canonical JSON writes it."""


class Span(Model):
    """A source range, 1-based, end inclusive."""

    column: int = Field(ge=1)
    end_column: int = Field(ge=0)
    end_line: int = Field(ge=1)
    line: int = Field(ge=1)


class ToolBinding(Model):
    """The registry tool a step calls, the arguments captured from the source, and how."""

    args: Annotated[dict[str, str], KEY_ORDER] = Field(default_factory=dict)
    bound_by: BoundBy
    name: str


class Edge(Model):
    """A transition to another step; `when` is the condition, null for unconditional."""

    to: str
    when: str | None = None


class ContextLine(Model):
    """A shell line written before a step's command that sets where or with what it runs."""

    model_config = ConfigDict(
        frozen=True, extra="forbid", json_schema_extra={"required": ["line", "prefix", "text"]}
    )

    line: int
    prefix: bool = Field(
        default=False,
        description="Assignments written before the command's program on its line (`NAME=value "
        "cmd`, `env NAME=value cmd`): the shell exports them to that command alone. A "
        "`NAME=value` line of its own sets a shell variable, which no command sees until it "
        "is exported. Required, so that an artifact written before it existed fails the schema "
        "rather than run a command without the variable written before it.",
    )
    text: str = Field(description="The line as written in the source (a `\\` line break kept).")


class SignOff(Model):
    """A human's recorded acceptance of one diagnostic."""

    by: str
    code: str
    date: str
    fingerprint: str
    reason: str
    resolution: str | None = None


class Step(Model):
    """One node of the step graph."""

    condition: str | None = None
    context: list[ContextLine] = Field(
        default_factory=list,
        description="Shell lines written before the step's command that set its working "
        "directory or environment (`cd x`, `export NAME=value`), in source order. An executor "
        "applies them exactly, or refuses the step.",
    )
    effect: Effect | None = None
    gate: Gate = "auto"
    id: str
    kind: StepKind
    next: list[Edge] = Field(default_factory=list)
    note: str | None = Field(
        default=None, description="Prose that introduced the step (e.g. the line before a command)."
    )
    permission: str | None = None
    requires_approval: bool = False
    resolutions: list[str] = Field(
        default_factory=list, description="What signed-off diagnostics on this step mean."
    )
    section: str | None = None
    source: Span | None
    text: str
    tool: ToolBinding | None = None


class Diagnostic(Model):
    """One finding, with its sign-off if a human recorded one."""

    blocking: bool
    code: str
    column: int
    end_column: int
    end_line: int
    evidence: str = Field(default="", description="The flagged words the fingerprint hashes.")
    fingerprint: str
    fix: str
    line: int
    message: str
    name: str
    path: str
    severity: Severity
    signable: bool = Field(default=False, description="Whether a human may sign it off.")
    signoff: SignOff | None = None
    step: str | None = None


class Escalation(Model):
    """Who to escalate to, and after how long."""

    after: str | None = None
    role: str


class RunbookInfo(Model):
    """Identity and metadata of the source runbook."""

    applies_to: str | None = None
    contacts: Annotated[dict[str, str | None], KEY_ORDER] = Field(default_factory=dict)
    escalation: Escalation | None = None
    executor: str | None = None
    id: str
    last_reviewed: str | None = None
    owner: str | None = None
    service: str | None = None
    source_path: str
    source_sha256: str
    title: str


class Policy(Model):
    """The configuration a runbook was checked under: configuration is policy, so an artifact
    says which rules were switched off or downgraded for it."""

    extra_vague_phrases: list[str] = Field(default_factory=list)
    ignore: list[str] = Field(default_factory=list)
    max_bytes: int
    per_file_ignores: list[str] = Field(
        default_factory=list, description="Code prefixes per-file-ignores switched off here."
    )
    relaxed: bool = Field(description="Whether any blocking rule was switched off or downgraded.")
    relaxed_codes: list[str] = Field(default_factory=list)
    select: list[str]
    severity: Annotated[dict[str, Severity], KEY_ORDER] = Field(default_factory=dict)
    sha256: str = Field(description="sha256 of the canonical JSON of the other fields.")
    stale_after_days: int


class Provenance(Model):
    """What produced the artifact; any change here means the artifact must be rebuilt."""

    compiler_version: str
    extractor: Extractor = "heuristic"
    model: str | None = None
    policy: Policy
    profiles_sha256: str | None = None
    prompt_sha256: str | None = None
    registry_sha256: str
    response_cache_keys: list[str] = Field(default_factory=list)


class Artifact(Model):
    """A compiled runbook: the only thing an agent loads."""

    coverage: Annotated[dict[str, int], KEY_ORDER] = Field(
        default_factory=dict,
        description="Source lines per class: step, context (a `cd`/`export` line the steps "
        "after it carry), heading, description, output, quote, links, table, comment, "
        "front-matter, blank, unplaced (an instruction no step holds: RB008).",
    )
    diagnostics: list[Diagnostic]
    entry: str | None = Field(default=None, description="Id of the first step.")
    inputs: Annotated[dict[str, dict[str, Any]], KEY_ORDER] = Field(default_factory=dict)
    integrity: str = Field(
        default="",
        description="sha256 of the artifact's compact canonical JSON (sorted keys, no "
        "whitespace) with this field empty; a loader recomputes it to detect tampering.",
    )
    provenance: Provenance
    runbook: RunbookInfo
    schema_version: Literal[1] = SCHEMA_VERSION
    status: Status
    steps: list[Step]
