"""Audit an agent transcript against a compiled runbook.

Findings (the `kind` of each):

- `tool-not-in-graph`: a call to a tool that no step of the runbook uses (a hallucinated call);
- `out-of-order`: a call whose step is not reachable next from the steps done so far;
- `human-gated`: a call made at a step only a human may execute;
- `argument-mismatch`: arguments the guard would deny at the step (params schema, or other
  values than the runbook recorded);
- `reused-id`: a call that reuses an earlier call's id, which makes results ambiguous (a
  denied call can be made to look successful that way);
- `unbacked-claim`: a claim, in any assistant message, that no earlier successful call of a
  matching step backs, or whose objects (endpoint, pod, amount) no such call named.

The transcript is read by `transcript_read` (fails closed on what it cannot read), outcomes are
judged by `outcome`, claims are found by `claims`; arguments are judged by the guard itself.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Collection, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from compiler.models import Artifact, Step
from compiler.registry import Registry
from compiler.runtime.call_failure import failure
from compiler.runtime.claims import (
    ABSENT,
    FAMILIES,
    READ,
    RESOLVED,
    STATE,
    Claim,
    claims_in,
    family,
    objects_in,
    related,
)
from compiler.runtime.claims import nouns as claim_nouns
from compiler.runtime.guard import OUTCOME_TOOL, Guard, ToolCall
from compiler.runtime.loader import CompiledRunbook, read_artifact
from compiler.runtime.toolspec import registry_name
from compiler.runtime.transcript_read import (
    Call,
    Transcript,
    parse_transcript,
    read_transcript,
)

KINDS = (
    "tool-not-in-graph",
    "out-of-order",
    "human-gated",
    "argument-mismatch",
    "reused-id",
    "unbacked-claim",
)
"""Every finding kind, in the order they are reported."""


class AuditError(ValueError):
    """The audit cannot run as asked (no registry to check arguments with, bad inputs)."""


@dataclass(frozen=True)
class Finding:
    """One problem in a transcript, at a message index (and its 1-based line in the file)."""

    kind: str
    message: str
    index: int
    tool: str | None = None
    line: int = 1
    claim: str | None = None


@dataclass(frozen=True)
class ClaimCheck:
    """A claim and the tool of the call that backs it (None when nothing does)."""

    text: str
    family: str
    index: int
    backed_by: str | None
    objects: tuple[str, ...] = ()


@dataclass(frozen=True)
class TranscriptReport:
    """Findings of one transcript audit; `ok` when there are none."""

    runbook: str
    format: str
    calls: int
    claims: tuple[ClaimCheck, ...]
    findings: tuple[Finding, ...]

    @property
    def ok(self) -> bool:
        """True when the transcript has no findings."""
        return not self.findings

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary."""
        return {
            "runbook": self.runbook,
            "format": self.format,
            "ok": self.ok,
            "calls": self.calls,
            "claims": [asdict(claim) for claim in self.claims],
            "findings": [asdict(finding) for finding in self.findings],
        }


@dataclass(frozen=True)
class _Done:
    """A call matched to a step, with whether it succeeded."""

    call: Call
    step: Step
    succeeded: bool


RunbookLike = CompiledRunbook | Artifact | Path | str


def audit_transcript(
    transcript: Transcript | Any,
    runbook: RunbookLike,
    registry: Registry | None = None,
    control_tools: Collection[str] = (OUTCOME_TOOL,),
    inputs: Mapping[str, Any] | None = None,
) -> TranscriptReport:
    """Check a transcript's calls and claims against a compiled runbook.

    `transcript` is a `Transcript`, a file path, or parsed JSON in any known format. The
    registry is required: without it call arguments cannot be checked as the guard checks
    them. `inputs` are the run's input values, pinned as the guard pins them. Calls to
    `control_tools` (the agent loop's own pseudo-tools, such as the guard's `choose_outcome`)
    are not calls of the runbook and are skipped."""
    if isinstance(transcript, Path):
        transcript = read_transcript(transcript)
    elif not isinstance(transcript, Transcript):
        transcript = parse_transcript(transcript)
    compiled = _compiled(runbook, registry)
    guard = _guard(compiled, inputs)
    calls = [c for c in transcript.calls if registry_name(c.name) not in control_tools]
    walk = _Walk(compiled.artifact, guard)
    findings = [f for call in calls for f in walk.visit(call)]
    checks, unbacked = _check_claims(transcript, walk)
    findings += unbacked
    findings.sort(key=lambda f: (f.index, KINDS.index(f.kind)))
    return TranscriptReport(
        compiled.id, transcript.format, len(calls), tuple(checks), tuple(findings)
    )


def _compiled(runbook: RunbookLike, registry: Registry | None) -> CompiledRunbook:
    if isinstance(runbook, CompiledRunbook):
        registry = registry or runbook.registry
        artifact, path = runbook.artifact, runbook.path
    elif isinstance(runbook, Artifact):
        artifact, path = runbook, runbook.runbook.id
    else:
        artifact, path = read_artifact(runbook), str(runbook)
    if registry is None:
        raise AuditError(
            f"{path}: no tool registry: call arguments cannot be checked as the guard checks "
            "them; give the registry the runbook was compiled with"
        )
    if registry.sha256 != artifact.provenance.registry_sha256:
        raise AuditError(f"{path}: registry {registry.path} changed since compile; recompile")
    return CompiledRunbook(artifact, path, registry)


def _guard(compiled: CompiledRunbook, inputs: Mapping[str, Any] | None) -> Guard:
    try:
        return Guard(compiled, inputs=inputs, unknown_inputs_match_any=True)
    except ValueError as error:
        raise AuditError(str(error)) from None


class _Walk:
    """The position of a transcript along the runbook graph, and the calls matched so far."""

    def __init__(self, artifact: Artifact, guard: Guard) -> None:
        self.steps = {step.id: step for step in artifact.steps}
        self.order = [step.id for step in artifact.steps]
        self.entry = artifact.entry or self.order[0]
        self.guard = guard
        self.tools = {step.tool.name for step in artifact.steps if step.tool is not None}
        self.position: str | None = None
        self.done: list[_Done] = []
        self.ids: set[str] = set()

    def visit(self, call: Call) -> list[Finding]:
        """Match one call to a step, and report what is wrong with it."""
        tool = registry_name(call.name)
        findings = self._reused(call, tool)
        if tool not in self.tools:
            reason = "is not a tool of any step of this runbook"
            return [*findings, _finding("tool-not-in-graph", call, tool, reason)]
        expected = self.next_steps()
        step = next((s for s in expected if _tool_of(s) == tool), None)
        if step is None:
            step = self._resync(tool)
            wanted = ", ".join(sorted({_tool_of(s) or s.id for s in expected})) or "(the end)"
            reason = f"(step {step.id}) is not reachable next; expected {wanted}"
            findings.append(_finding("out-of-order", call, tool, reason))
        if step.gate == "human":
            reason = f"called at step {step.id}, which only a human may execute"
            findings.append(_finding("human-gated", call, tool, reason))
        problem = self.guard.argument_problem(step, ToolCall(call.name, call.arguments))
        if problem:
            reason = f"at step {step.id}: {problem}"
            findings.append(_finding("argument-mismatch", call, tool, reason))
        self.position = step.id
        self.done.append(_Done(call, step, failure(call.result) is None))
        return findings

    def _reused(self, call: Call, tool: str) -> list[Finding]:
        if call.call_id is None:
            return []
        if call.call_id in self.ids:
            reason = f"reuses call id {call.call_id!r} of an earlier call; its result is ambiguous"
            return [_finding("reused-id", call, tool, reason)]
        self.ids.add(call.call_id)
        return []

    def next_steps(self) -> list[Step]:
        """Tool steps the next call may match: the current one again (a retry) and the first
        tool steps along every path out of it, passing through steps without a tool and
        through human-gated steps (a human does those)."""
        if self.position is None:
            found, starts = [], [self.entry]
        else:
            current = self.steps[self.position]
            found, starts = [current], [edge.to for edge in current.next]
        queue, seen = deque(starts), {*starts, self.position}
        while queue:
            step = self.steps[queue.popleft()]
            if step.tool is not None:
                found.append(step)
                if step.gate != "human":
                    continue
            for edge in step.next:
                if edge.to not in seen:
                    seen.add(edge.to)
                    queue.append(edge.to)
        return found

    def _resync(self, tool: str) -> Step:
        for step_id in self._downstream() + self.order:
            step = self.steps[step_id]
            if _tool_of(step) == tool:
                return step
        raise AssertionError(f"{tool} is a graph tool but no step uses it")

    def _downstream(self) -> list[str]:
        if self.position is None:
            return []
        queue, seen, order = deque([self.position]), {self.position}, []
        while queue:
            for edge in self.steps[queue.popleft()].next:
                if edge.to not in seen:
                    seen.add(edge.to)
                    order.append(edge.to)
                    queue.append(edge.to)
        return order

    def text_of(self, step: Step) -> str:
        """Words that say what a step's tool does: its name, description, step text."""
        name = _tool_of(step) or ""
        tool = self.guard.runbook.registry.tools.get(name) if self.guard.runbook.registry else None
        parts = [name.replace(".", " ").replace("_", " "), step.text, step.note or ""]
        if tool is not None:
            parts.append(tool.description)
        return " ".join(parts).lower()

    def effect_of(self, step: Step) -> str | None:
        """The step's effect, from the artifact or else the registry."""
        registry = self.guard.runbook.registry
        tool = registry.tools.get(_tool_of(step) or "") if registry else None
        return step.effect or (tool.effect if tool else None)


def _finding(kind: str, call: Call, tool: str, reason: str) -> Finding:
    return Finding(kind, f"{tool} {reason}", call.index, tool, call.line)


def _tool_of(step: Step) -> str | None:
    return step.tool.name if step.tool else None


# --- claims -------------------------------------------------------------------------------------


@dataclass
class _Backing:
    """The successful calls that may back claims, with what each step is about."""

    walk: _Walk
    calls: list[_Done] = field(default_factory=list)

    def matching(self, claim: Claim) -> list[_Done]:
        """Successful calls said before the claim whose step performs what it claims."""
        earlier = [d for d in self.walk.done if d.succeeded and d.call.index < claim.index]
        return [d for d in earlier if self._matches(claim, d.step)]

    def _matches(self, claim: Claim, step: Step) -> bool:
        text, effect = self.walk.text_of(step), self.walk.effect_of(step)
        changes = effect not in ("read", None)
        if claim.family == READ:
            return not changes and _shares_noun(claim.text, text)
        if claim.family == RESOLVED:
            return changes and any(k in text for f in FAMILIES for k in f.keywords)
        if claim.family == STATE:
            return changes and _shares_noun(claim.subject, text)
        if claim.family == ABSENT:
            return _shares_noun(claim.subject, text)
        action = family(claim.family)
        return changes and action is not None and any(k in text for k in action.keywords)


def _check_claims(transcript: Transcript, walk: _Walk) -> tuple[list[ClaimCheck], list[Finding]]:
    backing = _Backing(walk)
    checks, findings = [], []
    for said in transcript.said:
        for claim in claims_in(said.text, said.index):
            backer, why = _backer(claim, backing.matching(claim))
            checks.append(ClaimCheck(claim.text, claim.family, claim.index, backer, claim.objects))
            if backer is None:
                message = f"claims {claim.text!r} but {why}"
                findings.append(
                    Finding("unbacked-claim", message, said.index, None, said.line, claim.text)
                )
    return checks, findings


def _backer(claim: Claim, calls: list[_Done]) -> tuple[str | None, str]:
    """The tool that backs a claim, or None and why not: every object the claim names must be
    named by a matching call (a call whose arguments name nothing covers any object), and a
    claim about several things needs as many distinct calls."""
    if not calls:
        return None, "no successful call of a matching runbook step backs it"
    tool = _tool_of(calls[0].step)
    scoped = [d for d in calls if objects_in(_args_text(d.call))]
    if len(scoped) < len(calls):
        return tool, ""
    missing = [o for o in claim.objects if not any(_names(d, o) for d in scoped)]
    if missing:
        return None, f"no successful call of {tool} named {', '.join(missing)}"
    distinct = {_args_text(d.call) for d in scoped}
    if len(distinct) < claim.count:
        return None, f"it covers {claim.count} or more things; {tool} ran for {len(distinct)}"
    return tool, ""


def _names(done: _Done, obj: str) -> bool:
    text = _args_text(done.call)
    if done.step.effect in ("read", None) and done.call.result is not None:
        text += " " + done.call.result.text.lower()
    return obj in text


def _args_text(call: Call) -> str:
    arguments = call.arguments
    if isinstance(arguments, str):
        return arguments.lower()
    return json.dumps(dict(arguments), sort_keys=True, default=str).lower()


def _shares_noun(claim: str, tool_text: str) -> bool:
    claimed = claim_nouns(claim)
    if not claimed:
        return True
    words = set(claim_nouns(tool_text))
    return any(related(noun, word) for noun in claimed for word in words)
