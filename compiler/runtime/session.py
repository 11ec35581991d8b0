"""One guarded run of a compiled runbook: the guard, the run's inputs and an executor together.

`RunbookSession` is what the MCP server, the LangChain adapter and a hand-written loop share.
It decides nothing the guard decides: every tool call goes through `Guard.check`, every move
through `Guard.advance`. What it adds is the run's plumbing: arguments the runbook fixed are
filled in (placeholders from the inputs), the command line is rendered from the registry, the
executor runs (or dry-runs) it, the result is logged, and a step with one way out is left once
its tool has run. Decisions take short outcome names as well as the condition text.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from compiler.models import Step
from compiler.runtime.adapters import tool_specs
from compiler.runtime.audit_log import AuditLog
from compiler.runtime.commands import RenderError, fill_arguments, render_command
from compiler.runtime.execute import Execution, ExecutionResult, Executor, dry_run
from compiler.runtime.guard import (
    OUTCOME_TOOL,
    Guard,
    GuardError,
    ToolCall,
    Verdict,
    shown_text,
)
from compiler.runtime.loader import CompiledRunbook
from compiler.runtime.outcomes import Outcome, name_outcomes, resolve_outcome
from compiler.runtime.toolspec import Format, check_format, convert_spec, registry_name
from compiler.text.markup import without_html_comments


class StepNotDoneError(GuardError):
    """Leaving an agent step whose tool has not run in this visit, without a person's word."""


@dataclass(frozen=True)
class CallResult:
    """The guard's verdict on one call and, when it was allowed, what the executor returned
    and where the run moved."""

    verdict: Verdict
    result: ExecutionResult | None = None
    moved_to: str | None = None

    @property
    def ok(self) -> bool:
        """Allowed, and the executor reported success."""
        return self.verdict.allowed and self.result is not None and self.result.ok

    def message(self) -> str:
        """What to tell the agent: the denial's reason, or the tool's output and the move."""
        if not self.verdict.allowed:
            return f"denied by the runbook guard: {self.verdict.reason}"
        assert self.result is not None
        moved = f"\n(run moved to step {self.moved_to})" if self.moved_to else ""
        return self.result.output + moved


class RunbookSession:
    """One run of one runbook, guarded from its entry step to its end."""

    def __init__(
        self,
        runbook: CompiledRunbook,
        *,
        executor: Executor = dry_run,
        audit: AuditLog | Path | str | None = None,
        actor: str = "agent",
        inputs: Mapping[str, Any] | None = None,
        profile: str | None = None,
    ) -> None:
        self.audit = audit if isinstance(audit, AuditLog) or audit is None else AuditLog(audit)
        self.guard = Guard(runbook, profile, audit=self.audit, actor=actor, inputs=inputs)
        self.inputs = {name.lower(): value for name, value in (inputs or {}).items()}
        self.executor = executor
        self._ran_at: int | None = None
        self._approval: tuple[int, str, str] | None = None  # visit, approver, arguments

    @property
    def runbook(self) -> CompiledRunbook:
        """The runbook being run."""
        return self.guard.runbook

    @property
    def current(self) -> Step:
        """The step the run is at."""
        return self.guard.current

    @property
    def done(self) -> bool:
        """True once the run reached the end step."""
        return self.guard.done

    def outcomes(self) -> list[Outcome]:
        """The current step's ways out, each with a short name ([] for one plain edge)."""
        return name_outcomes(self.guard.outcomes())

    def tools(self, fmt: Format = "openai") -> list[dict[str, Any]]:
        """What the model may call now, in `fmt`: the current step's tool, and at a decision
        the agent may take, `choose_outcome` with the outcomes' short names."""
        specs = tool_specs(self.guard, check_format(fmt))
        specs = [spec for spec in specs if _spec_name(spec) != OUTCOME_TOOL]
        choose = self.outcome_tool()
        return [*specs, convert_spec(choose, fmt)] if choose else specs

    def outcome_tool(self) -> dict[str, Any] | None:
        """An OpenAI function tool to pick the current decision's branch by name; None when
        there is nothing to pick or a person must pick it (a human-gated step)."""
        outcomes = self.outcomes()
        if not outcomes or self.current.gate == "human" or self.done:
            return None
        names = [outcome.name for outcome in outcomes]
        listing = "; ".join(f"{o.name}: {o.shown}" for o in outcomes)
        parameters = {
            "type": "object",
            "properties": {"outcome": {"type": "string", "enum": names}},
            "required": ["outcome"],
        }
        description = f"Pick which condition of step {self.current.id} holds: {listing}"
        function = {"name": OUTCOME_TOOL, "description": description, "parameters": parameters}
        return {"type": "function", "function": function}

    def call(
        self,
        name: str,
        arguments: Mapping[str, Any] | str | None = None,
        approved_by: str | None = None,
    ) -> CallResult:
        """Check one tool call with the guard; if allowed, run it with the executor, log the
        result, and leave the step when it has one way out. Arguments the runbook fixed
        (placeholders filled from the inputs) are added where the call leaves them out."""
        step, visit = self.current, len(self.guard.history)
        args = self._with_filled(step, name, arguments)
        covered = self.approval(args) if isinstance(args, Mapping) else None
        approved_by = approved_by or covered
        verdict = self.guard.check(ToolCall(name, args, approved_by=approved_by))
        if not verdict.allowed:
            if approved_by is not None and approved_by == covered:
                self._approval = None  # an approval the guard refused is spent
            return CallResult(verdict)
        checked = args if isinstance(args, Mapping) else json.loads(args or "{}")
        result = self._execute(step, registry_name(name), checked)
        self._ran_at = visit
        self.guard.log("result", verdict.tool, {"ok": result.ok, **result.data}, result.output)
        moved = None
        if not self.guard.outcomes() and not self.done:
            moved = self.guard.advance().id
        return CallResult(verdict, result, moved)

    def advance(self, outcome: str | None = None, *, confirmed_by: str | None = None) -> Step:
        """Leave the current step: by the outcome's short name or condition text at a decision;
        with `confirmed_by`, the person who did a human-gated step. An agent step whose tool
        has not run in this visit is left only on a person's word (`confirmed_by`)."""
        step = self.current
        ran = self._ran_at == len(self.guard.history)
        if step.tool is not None and step.gate != "human" and not ran and not confirmed_by:
            reason = (
                f"step {step.id} has not run its tool {step.tool.name} yet; call it first, "
                "or have a person confirm the step"
            )
            self.guard.log("deny", None, {"outcome": outcome}, f"cannot advance: {reason}")
            raise StepNotDoneError(reason)
        when = outcome
        if outcome is not None:
            try:
                when = resolve_outcome(self.outcomes(), outcome)
            except KeyError:
                when = outcome  # the guard refuses it with the list of choices, and logs it
        return self.guard.advance(when, confirmed_by=confirmed_by)

    def approve(self, approver: str, arguments: Mapping[str, Any] | None = None) -> None:
        """Record a person's approval of the current step's call with `arguments` (those the
        person was shown; default: the ones the runbook fixed, placeholders filled from the
        inputs), for this visit only. It covers a call with exactly those arguments: not one
        whose placeholder the agent fills afterwards. The guard still refuses it if the
        approver is the agent itself."""
        approved = self.call_arguments(arguments or {})
        self._approval = (len(self.guard.history), approver, _canonical(approved))
        self.guard.log(
            "approve",
            self._step_tool(),
            {"approved_by": approver, "arguments": approved},
            "approval given",
            approver,
        )

    def approval(self, arguments: Mapping[str, Any] | None = None) -> str | None:
        """Who approved the current step's call in this visit, if anyone; with `arguments`,
        only an approval of a call with exactly those (the fixed ones filled in)."""
        if not self._approval or self._approval[0] != len(self.guard.history):
            return None
        if (
            arguments is not None
            and _canonical(self.call_arguments(arguments)) != self._approval[2]
        ):
            return None
        return self._approval[1]

    def call_arguments(self, arguments: Mapping[str, Any]) -> dict[str, Any]:
        """The arguments a call of the current step's tool carries: those the runbook fixed
        (placeholders filled from the inputs), then the given ones."""
        step = self.current
        fixed = fill_arguments(step, self.inputs) if step.tool is not None else {}
        return {**fixed, **arguments}

    def needs_approval(self) -> bool:
        """Whether the current step's call needs an approver (the step's or the tool's flag)."""
        step, registry = self.current, self.runbook.registry
        tool = registry.tools.get(step.tool.name) if step.tool and registry else None
        return step.requires_approval or (tool is not None and tool.requires_approval)

    def record_call(self, tool: str, arguments: Any, note: str) -> None:
        """Log a control call (status, advance, approval request) the way tool calls are."""
        self.guard.log("call", tool, arguments, note)

    def record_result(self, tool: str, data: Any, note: str) -> None:
        """Log what a control call returned."""
        self.guard.log("result", tool, data, note)

    def status(self) -> dict[str, Any]:
        """Where the run is and what may happen next, as JSON-ready data."""
        step = self.current
        return {
            "runbook": self.runbook.id,
            "title": self.runbook.artifact.runbook.title,
            "done": self.done,
            "step": {
                "id": step.id,
                "kind": step.kind,
                "text": shown_text(step),
                "note": without_html_comments(step.note) if step.note else step.note,
                "context": [line.text for line in step.context],
                "gate": step.gate,
                "tool": step.tool.name if step.tool else None,
                "arguments": fill_arguments(step, self.inputs) if step.tool else {},
                "effect": step.effect,
                "requires_approval": self.needs_approval(),
                "approved_by": self.approval(),
                "tool_ran": self._ran_at == len(self.guard.history),
            },
            "outcomes": [{"name": o.name, "when": o.shown} for o in self.outcomes()],
            "history": list(self.guard.history),
        }

    def _with_filled(
        self, step: Step, name: str, arguments: Mapping[str, Any] | str | None
    ) -> Mapping[str, Any] | str:
        if arguments is None:
            arguments = {}
        if isinstance(arguments, str):
            try:
                arguments = json.loads(arguments or "{}")
            except json.JSONDecodeError:
                return arguments  # the guard denies it as not a JSON object
        if not isinstance(arguments, Mapping) or step.tool is None:
            return arguments  # the guard denies what is not a JSON object
        if registry_name(name) != step.tool.name:
            return arguments
        return {**fill_arguments(step, self.inputs), **arguments}

    def _execute(self, step: Step, tool: str, arguments: Mapping[str, Any]) -> ExecutionResult:
        argv, error = None, None
        registry = self.runbook.registry
        assert registry is not None  # the guard allows no call without one
        try:
            argv = render_command(step, self.inputs, registry, arguments)
        except RenderError as failure:
            error = str(failure)
        try:
            return self.executor(Execution(step, tool, dict(arguments), argv, error))
        except Exception as failure:  # a plugged executor must not kill the run
            return ExecutionResult(False, f"executor failed: {type(failure).__name__}: {failure}")

    def _step_tool(self) -> str | None:
        return self.current.tool.name if self.current.tool else None


def _canonical(arguments: Mapping[str, Any]) -> str:
    return json.dumps(arguments, sort_keys=True, ensure_ascii=False, default=str)


def _spec_name(spec: Mapping[str, Any]) -> str:
    inner = spec.get("function", spec)
    return str(inner.get("name", ""))
