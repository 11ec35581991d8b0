"""The plain records the compile stages build and pass around, and their JSON form.

The artifact's pydantic models (`compiler.models`) describe what is written and read back:
they generate the JSON Schema and validate every artifact a reader loads. Inside a compile the
same data is built by the compiler itself, so the stages use these frozen dataclasses instead:
the same names, fields and defaults (keyword-only, fields in key order like the models), no
validation and no pydantic import (about a third of a single-file `check`). `as_data` gives a
record's JSON data in the models' field order, which `compiler.emit` writes as the artifact.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Literal

from compiler.values import Value, set_field

StepKind = Literal["action", "check", "decision", "manual", "escalate", "end"]
BoundBy = Literal["explicit", "command", "alias", "llm"]
Effect = Literal["read", "write", "destructive"]
Gate = Literal["auto", "human"]
Severity = Literal["info", "warning", "error", "fatal"]

SCHEMA_VERSION: Literal[1] = 1
"""The artifact's `schema_version`: what the pipeline writes and the runtime reads (one
place, so the writer without pydantic and the models cannot disagree)."""


@dataclass(init=False, repr=False, eq=False, slots=True, kw_only=True)
class Span(Value):
    """A source range, 1-based, end inclusive."""

    column: int
    end_column: int
    end_line: int
    line: int

    def __init__(self, *, column: int, end_column: int, end_line: int, line: int) -> None:
        set_field(self, "column", column)
        set_field(self, "end_column", end_column)
        set_field(self, "end_line", end_line)
        set_field(self, "line", line)


@dataclass(init=False, repr=False, eq=False, slots=True, kw_only=True)
class ToolBinding(Value):
    """The registry tool a step calls, the arguments captured from the source (kept in key
    order, as the artifact writes them), and how it was bound."""

    args: dict[str, str] = field(default_factory=dict)
    bound_by: BoundBy
    name: str

    def __init__(self, *, args: dict[str, str] | None = None, bound_by: BoundBy, name: str) -> None:
        set_field(self, "args", dict(sorted(args.items())) if args else {})
        set_field(self, "bound_by", bound_by)
        set_field(self, "name", name)


@dataclass(init=False, repr=False, eq=False, slots=True, kw_only=True)
class ContextLine(Value):
    """A shell line written before a step's command that sets where or with what it runs
    (`cd terraform/envs/staging`, `export AWS_PROFILE=staging`), as written, with its line.
    `prefix`: assignments written before the command's program (`NAME=value cmd`), which the
    shell exports to that command alone."""

    line: int
    prefix: bool = False
    text: str

    def __init__(self, *, line: int, prefix: bool = False, text: str) -> None:
        set_field(self, "line", line)
        set_field(self, "prefix", prefix)
        set_field(self, "text", text)


@dataclass(init=False, repr=False, eq=False, slots=True, kw_only=True)
class Edge(Value):
    """A transition to another step; `when` is the condition, None for unconditional."""

    to: str
    when: str | None = None

    def __init__(self, *, to: str, when: str | None = None) -> None:
        set_field(self, "to", to)
        set_field(self, "when", when)


@dataclass(init=False, repr=False, eq=False, slots=True, kw_only=True)
class Step(Value):
    """One node of the step graph."""

    condition: str | None = None
    context: list[ContextLine] = field(default_factory=list)
    effect: Effect | None = None
    gate: Gate = "auto"
    id: str
    kind: StepKind
    next: list[Edge] = field(default_factory=list)
    note: str | None = None
    permission: str | None = None
    requires_approval: bool = False
    resolutions: list[str] = field(default_factory=list)
    section: str | None = None
    source: Span | None
    text: str
    tool: ToolBinding | None = None

    def __init__(
        self,
        *,
        condition: str | None = None,
        context: list[ContextLine] | None = None,
        effect: Effect | None = None,
        gate: Gate = "auto",
        id: str,
        kind: StepKind,
        next: list[Edge] | None = None,
        note: str | None = None,
        permission: str | None = None,
        requires_approval: bool = False,
        resolutions: list[str] | None = None,
        section: str | None = None,
        source: Span | None,
        text: str,
        tool: ToolBinding | None = None,
    ) -> None:
        set_field(self, "condition", condition)
        set_field(self, "context", [] if context is None else context)
        set_field(self, "effect", effect)
        set_field(self, "gate", gate)
        set_field(self, "id", id)
        set_field(self, "kind", kind)
        set_field(self, "next", [] if next is None else next)
        set_field(self, "note", note)
        set_field(self, "permission", permission)
        set_field(self, "requires_approval", requires_approval)
        set_field(self, "resolutions", [] if resolutions is None else resolutions)
        set_field(self, "section", section)
        set_field(self, "source", source)
        set_field(self, "text", text)
        set_field(self, "tool", tool)


@dataclass(init=False, repr=False, eq=False, slots=True, kw_only=True)
class SignOff(Value):
    """A human's recorded acceptance of one diagnostic."""

    by: str
    code: str
    date: str
    fingerprint: str
    reason: str
    resolution: str | None = None

    def __init__(
        self,
        *,
        by: str,
        code: str,
        date: str,
        fingerprint: str,
        reason: str,
        resolution: str | None = None,
    ) -> None:
        set_field(self, "by", by)
        set_field(self, "code", code)
        set_field(self, "date", date)
        set_field(self, "fingerprint", fingerprint)
        set_field(self, "reason", reason)
        set_field(self, "resolution", resolution)


@dataclass(init=False, repr=False, eq=False, slots=True, kw_only=True)
class Diagnostic(Value):
    """One finding, with its sign-off if a human recorded one."""

    blocking: bool
    code: str
    column: int
    end_column: int
    end_line: int
    evidence: str = ""
    fingerprint: str
    fix: str
    line: int
    message: str
    name: str
    path: str
    severity: Severity
    signable: bool = False
    signoff: SignOff | None = None
    step: str | None = None

    def __init__(
        self,
        *,
        blocking: bool,
        code: str,
        column: int,
        end_column: int,
        end_line: int,
        evidence: str = "",
        fingerprint: str,
        fix: str,
        line: int,
        message: str,
        name: str,
        path: str,
        severity: Severity,
        signable: bool = False,
        signoff: SignOff | None = None,
        step: str | None = None,
    ) -> None:
        set_field(self, "blocking", blocking)
        set_field(self, "code", code)
        set_field(self, "column", column)
        set_field(self, "end_column", end_column)
        set_field(self, "end_line", end_line)
        set_field(self, "evidence", evidence)
        set_field(self, "fingerprint", fingerprint)
        set_field(self, "fix", fix)
        set_field(self, "line", line)
        set_field(self, "message", message)
        set_field(self, "name", name)
        set_field(self, "path", path)
        set_field(self, "severity", severity)
        set_field(self, "signable", signable)
        set_field(self, "signoff", signoff)
        set_field(self, "step", step)


@dataclass(init=False, repr=False, eq=False, slots=True, kw_only=True)
class Escalation(Value):
    """Who to escalate to, and after how long."""

    after: str | None = None
    role: str

    def __init__(self, *, after: str | None = None, role: str) -> None:
        set_field(self, "after", after)
        set_field(self, "role", role)


def sorted_keys(value: Any) -> Any:
    """The value with every mapping in it rebuilt in key order."""
    if isinstance(value, dict):
        return {key: sorted_keys(item) for key, item in sorted(value.items())}
    if isinstance(value, list):
        return [sorted_keys(item) for item in value]
    return value


def as_data(record: Any) -> Any:
    """A record (or a list or mapping of them) as JSON data: every field, in field order."""
    kind = type(record)
    if kind in _SCALARS:
        return record
    names = _FIELDS.get(kind)
    if names is not None:
        data = {}
        for name in names:
            value = getattr(record, name)
            data[name] = value if type(value) in _SCALARS else as_data(value)
        return data
    if kind is list or kind is tuple:
        return [as_data(item) for item in record]
    if kind is dict:
        return {key: as_data(item) for key, item in record.items()}
    if dataclasses.is_dataclass(record) and not isinstance(record, type):
        return {f.name: as_data(getattr(record, f.name)) for f in dataclasses.fields(record)}
    return record


_SCALARS = frozenset({str, int, bool, type(None)})
_FIELDS: dict[type, tuple[str, ...]] = {
    kind: tuple(f.name for f in dataclasses.fields(kind))
    for kind in (Span, ToolBinding, Edge, Step, SignOff, Diagnostic, Escalation)
}
"""The records' field names in order, looked up once."""


def diagnostic_from_data(data: dict[str, Any]) -> Diagnostic:
    """A diagnostic from the JSON data of one this compiler wrote (an artifact it reads back
    after checking its integrity, or its own cache entry)."""
    signoff = data.get("signoff")
    fields = {**data, "signoff": SignOff(**signoff) if signoff is not None else None}
    return Diagnostic(**fields)
