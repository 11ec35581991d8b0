"""Walk a compiled runbook's graph and allow or deny each tool call an agent makes.

The guard fails closed: a call is allowed only when the current step is agent-executable, names
the step's tool, passes the tool's params schema, keeps every argument the runbook fixed, needs
a permission the executor profile has, and carries an approver when the step requires one. Every
decision, allowed or not, is recorded (and appended to the JSONL audit log when one is given).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema

from compiler.models import Step
from compiler.placeholders import PLACEHOLDER, input_key, placeholder_name
from compiler.registry import Tool
from compiler.runtime.audit_log import AuditLog, VerdictName, record
from compiler.runtime.loader import CompiledRunbook, UnknownProfile
from compiler.runtime.toolspec import describe, openai_tool, registry_name, tool_parameters
from compiler.text.markup import without_html_comments
from compiler.text.normalise import fold

OTHERWISE = "otherwise"
OUTCOME_TOOL = "choose_outcome"


class GuardError(Exception):
    """The guard cannot move as asked."""


class UnknownOutcomeError(GuardError):
    """`advance(outcome)` names no edge of the current decision."""


class HumanGateError(GuardError):
    """Only a human may complete a `gate: human` step; advancing needs `confirmed_by`."""


class RunbookFinishedError(GuardError):
    """The walk already reached the end step."""


class InputError(ValueError):
    """A run input the runbook does not declare, or a value no command may take as one value
    (`--all`, several words, empty, a control character)."""


@dataclass(frozen=True)
class ToolCall:
    """A tool call proposed by the agent: a registry or function name, its arguments (a dict
    or the JSON string the model produced), and who approved it, if anyone."""

    name: str
    arguments: Mapping[str, Any] | str = field(default_factory=dict)
    approved_by: str | None = None


@dataclass(frozen=True)
class Verdict:
    """The guard's answer to one call."""

    allowed: bool
    reason: str
    step: str
    tool: str | None


@dataclass(frozen=True)
class _Call:
    tool: str
    args: dict[str, Any] | None
    raw: Mapping[str, Any] | str
    approved_by: str | None


Rule = Callable[[Step, _Call], str | None]


class Guard:
    """The state of one agent's walk through a compiled runbook."""

    def __init__(
        self,
        runbook: CompiledRunbook,
        profile: str | None = None,
        audit: AuditLog | Path | str | None = None,
        actor: str = "agent",
        inputs: Mapping[str, Any] | None = None,
        *,
        unknown_inputs_match_any: bool = False,
    ) -> None:
        self.runbook = runbook
        self.actor = actor
        self.profile, self.permissions = _profile(runbook, profile)
        self.audit = audit if isinstance(audit, AuditLog) or audit is None else AuditLog(audit)
        self.inputs = _inputs(runbook, inputs or {})
        if unknown_inputs_match_any:  # an audit after the fact, which was not told the values
            self.inputs = {k: v for k, v in self.inputs.items() if v is not None}
        self._history: list[str] = [runbook.entry.id]
        self._called = False
        self.decisions: list[dict[str, Any]] = []

    @property
    def history(self) -> tuple[str, ...]:
        """Ids of the steps visited, in order; the last is the current step."""
        return tuple(self._history)

    @property
    def current(self) -> Step:
        """The step the walk is at."""
        return self.runbook.step(self._history[-1])

    @property
    def done(self) -> bool:
        """True once the walk reached the end step."""
        return self.current.kind == "end"

    def tools(self) -> list[dict[str, Any]]:
        """OpenAI function-tool specs the agent may call now: the current step's tool only,
        none at a human-gated step, a step without a tool, or the end."""
        step = self.current
        tool = self._tool(step)
        if self.done or step.gate == "human" or tool is None:
            return []
        spec = openai_tool(tool, _step_description(step, tool))
        spec["function"]["parameters"] = _pinned_parameters(step, tool)
        return [spec]

    def outcomes(self) -> list[str]:
        """The outcomes `advance` accepts at the current step ([] if it has one plain edge), as
        a reader sees them: no HTML comment's words (a comment is never an instruction)."""
        edges = self.current.next
        if len(edges) == 1 and edges[0].when is None:
            return []
        return list(dict.fromkeys(_shown_when(edge.when) for edge in edges))

    def outcome_tool(self) -> dict[str, Any] | None:
        """A pseudo-tool (`choose_outcome`) for the model to pick a decision's branch; the
        loop passes its `outcome` to `advance`. None when the step has no branches."""
        outcomes = self.outcomes()
        if not outcomes:
            return None
        outcome = {"type": "string", "enum": outcomes}
        parameters = {"type": "object", "properties": {"outcome": outcome}, "required": ["outcome"]}
        description = f"Pick which condition of step {self.current.id} holds, from tool output."
        function = {"name": OUTCOME_TOOL, "description": description, "parameters": parameters}
        return {"type": "function", "function": function}

    def check(self, call: ToolCall) -> Verdict:
        """Allow or deny one tool call at the current step, and record the decision."""
        parsed = _parse(call)
        step = self.current
        reason = next((r for rule in self._rules() if (r := rule(step, parsed))), None)
        allowed = reason is None
        if reason is None:
            reason = f"allowed: {parsed.tool} is the tool of step {step.id}"
            self._called = True
        args = parsed.args if parsed.args is not None else call.arguments
        self.log("allow" if allowed else "deny", parsed.tool, args, reason)
        return Verdict(allowed, reason, step.id, parsed.tool)

    def advance(self, outcome: str | None = None, *, confirmed_by: str | None = None) -> Step:
        """Follow an edge out of the current step and return the new current step.

        A plain edge is taken as is; a decision needs `outcome` equal to an edge's `when` text
        or "otherwise". Leaving a human-gated step needs `confirmed_by`, the human who did it."""
        step = self.current
        try:
            target = self._target(step, outcome, confirmed_by)
        except GuardError as error:
            self.log("deny", None, {"outcome": outcome}, f"cannot advance: {error}")
            raise
        taken = f" on {outcome!r}" if outcome else ""
        by = f", confirmed by {confirmed_by}" if confirmed_by else ""
        self.log(
            "advance",
            None,
            {"outcome": outcome},
            f"{step.id} -> {target}{taken}{by}",
            actor=confirmed_by,
        )
        self._history.append(target)
        self._called = False
        return self.current

    def argument_problem(self, step: Step, call: ToolCall) -> str | None:
        """Why `check` would deny the call's arguments at `step` (not valid for the tool's
        params schema, or not what the runbook recorded), or None when they pass. Only the
        argument rules run: not the walk, permission or approval, and nothing is logged. The
        transcript audit uses it to judge calls exactly as the guard does."""
        parsed = _parse(call)
        return next((r for rule in self._argument_rules() if (r := rule(step, parsed))), None)

    def _rules(self) -> tuple[Rule, ...]:
        return (
            self._deny_step,
            self._deny_repeat,
            self._deny_tool,
            self._deny_permission,
            *self._argument_rules(),
            self._deny_approval,
        )

    def _argument_rules(self) -> tuple[Rule, ...]:
        return (self._deny_schema, self._deny_bindings)

    def _tool(self, step: Step) -> Tool | None:
        registry = self.runbook.registry
        if step.tool is None or registry is None:
            return None
        return registry.tools.get(step.tool.name)

    def _deny_step(self, step: Step, call: _Call) -> str | None:
        if self.done:
            return f"the runbook is finished; no tool may be called (tool {call.tool})"
        if step.gate == "human":
            return (
                f"step {step.id} is gated for a human (gate: human); the agent may not execute it"
            )
        if step.tool is None:
            return f"tool {call.tool} is not in step {step.id}; this step has no tool ({step.kind})"
        return None

    def _deny_repeat(self, step: Step, call: _Call) -> str | None:
        if self._called:
            return (
                f"step {step.id} already had its call; advance before calling {call.tool} again "
                "(a retry is an edge of the runbook, not a replay)"
            )
        return None

    def _deny_tool(self, step: Step, call: _Call) -> str | None:
        assert step.tool is not None
        if call.tool != step.tool.name:
            return (
                f"tool {call.tool} is not in step {step.id}; this step allows only {step.tool.name}"
            )
        if self.runbook.registry is None:
            return "no registry loaded: arguments cannot be validated, so no call is allowed"
        if self._tool(step) is None:
            return f"tool {call.tool} is not in the registry {self.runbook.registry.path}"
        return None

    def _deny_permission(self, step: Step, call: _Call) -> str | None:
        tool = self._tool(step)
        permission = step.permission or (tool.permission if tool else None)
        if permission is None:
            return f"step {step.id} records no permission; cannot check access"
        if self.permissions is None:
            return f"no executor profile loaded: cannot grant permission {permission}"
        if permission not in self.permissions:
            return f"step {step.id} needs permission {permission}, which {self.profile} lacks"
        return None

    def _deny_schema(self, step: Step, call: _Call) -> str | None:
        if call.args is None:
            return f"arguments of {call.tool} are not a JSON object: {call.raw!r}"
        schema = tool_parameters(self._tool(step))
        declared = schema.get("properties", {})
        extra = sorted(set(call.args) - set(declared))
        if extra:
            return f"arguments {extra} are not parameters of {call.tool}"
        validator = jsonschema.Draft202012Validator(schema)
        error = jsonschema.exceptions.best_match(validator.iter_errors(call.args))
        if error is not None:
            where = "/".join(str(p) for p in error.absolute_path) or "(arguments)"
            return f"arguments fail the params schema of {call.tool} at {where}: {error.message}"
        return None

    def _deny_bindings(self, step: Step, call: _Call) -> str | None:
        assert step.tool is not None and call.args is not None
        tool = self._tool(step)
        chosen = tool.agent_params if tool is not None else frozenset()
        unwritten = sorted(set(call.args) - set(step.tool.args) - chosen)
        if unwritten:
            return (
                f"arguments {unwritten} of {call.tool} are not written in step {step.id}; "
                "the agent may set only what the runbook wrote"
            )
        for name, written in step.tool.args.items():
            reason = _binding_mismatch(name, written, call.args.get(name), self.inputs)
            if reason:
                return reason
        return None

    def _deny_approval(self, step: Step, call: _Call) -> str | None:
        tool = self._tool(step)
        if not (step.requires_approval or (tool is not None and tool.requires_approval)):
            return None
        approver = (call.approved_by or "").strip()
        if not approver:
            return f"step {step.id} requires approval; the call carries no approved_by"
        if is_same_actor(approver, self.actor):
            return f"step {step.id} requires approval by someone other than {self.actor}"
        return None

    def _target(self, step: Step, outcome: str | None, confirmed_by: str | None) -> str:
        if self.done:
            raise RunbookFinishedError(f"runbook {self.runbook.id!r} already reached its end")
        if step.gate == "human" and not (confirmed_by or "").strip():
            raise HumanGateError(
                f"step {step.id} is gated for a human; pass confirmed_by= the person who did it"
            )
        if step.gate == "human" and is_same_actor(confirmed_by or "", self.actor):
            raise HumanGateError(
                f"step {step.id} is gated for a human; {self.actor} cannot confirm its own work"
            )
        return _choose_edge(step, outcome)

    def log(
        self,
        verdict: VerdictName,
        tool: str | None,
        args: Any,
        reason: str,
        actor: str | None = None,
    ) -> None:
        """Record one event of this walk (a verdict, a call's result, an approval) at the
        current step, in `decisions` and the audit log."""
        entry = record(
            actor=actor or self.actor,
            runbook=self.runbook.id,
            step=self.current.id,
            tool=tool,
            args=args,
            verdict=verdict,
            reason=reason,
        )
        self.decisions.append(entry)
        if self.audit is not None:
            self.audit.append(entry)


def is_same_actor(claimed: str, actor: str) -> bool:
    """Whether `claimed` names `actor`, compared as a reader sees them (case, width, invisible
    and look-alike characters folded), also when decorated: `Agent:etcd-bot`, `etcd-bot (ai)`."""
    claimed_folded, actor_folded = fold(claimed), fold(actor)
    if not actor_folded:
        return False
    return claimed_folded == actor_folded or bool(
        re.search(rf"(?<![\w-]){re.escape(actor_folded)}(?![\w-])", claimed_folded)
    )


def _profile(
    runbook: CompiledRunbook, profile: str | None
) -> tuple[str | None, frozenset[str] | None]:
    if profile is None or profile == runbook.profile:
        return runbook.profile, runbook.permissions
    if runbook.profiles is None or profile not in runbook.profiles.permissions:
        raise UnknownProfile(runbook.path, f"unknown executor profile {profile!r}")
    return profile, runbook.profiles.permissions[profile]


def _inputs(runbook: CompiledRunbook, inputs: Mapping[str, Any]) -> dict[str, str | None]:
    """The run's input values by `input_key`; a declared input given no value maps to None,
    so a placeholder that names it accepts nothing rather than anything."""
    declared: dict[str, str | None] = dict.fromkeys(map(input_key, runbook.artifact.inputs))
    unknown = sorted(name for name in inputs if input_key(name) not in declared)
    if unknown:
        raise InputError(f"runbook {runbook.id!r} declares no inputs {unknown}")
    given = {input_key(name): str(value) for name, value in inputs.items()}
    for name, value in given.items():
        # Inputs often come from alert labels: an option there is an injection, not a value,
        # and several words become several argv words in a star capture (`{names*}`).
        problem = _not_one_value(value)
        if problem:
            raise InputError(
                f"input {name!r} = {value!r} {problem}; a command would split it, read it as "
                "an option or hide it"
            )
    return {**declared, **given}


def _parse(call: ToolCall) -> _Call:
    return _Call(
        registry_name(call.name), _arguments(call.arguments), call.arguments, call.approved_by
    )


def _arguments(arguments: Mapping[str, Any] | str) -> dict[str, Any] | None:
    if isinstance(arguments, str):
        try:
            arguments = json.loads(arguments or "{}")
        except json.JSONDecodeError:
            return None
    return dict(arguments) if isinstance(arguments, Mapping) else None


def shown_text(step: Step) -> str:
    """A step's text as the agent is shown it: a reader's words without HTML comments, but a
    command bound from a code block as written (inside code a `<!-- -->` is part of the
    command the call runs, as its fixed arguments show)."""
    if step.tool is not None and step.tool.bound_by == "command":
        return step.text
    return without_html_comments(step.text)


def _step_description(step: Step, tool: Tool) -> str:
    shown = without_html_comments(step.note or step.text)
    parts = [describe(tool), f"Runbook step: {shown}".strip()]
    fixed = {
        k: v for k, v in (step.tool.args if step.tool else {}).items() if not PLACEHOLDER.search(v)
    }
    if fixed:
        parts.append("Fixed arguments: " + ", ".join(f"{k}={v}" for k, v in fixed.items()))
    return " ".join(parts)


def _pinned_parameters(step: Step, tool: Tool) -> dict[str, Any]:
    """The tool's params narrowed to what the agent may set at this step: the arguments the
    runbook wrote (all required) and the parameters the registry leaves to the agent."""
    schema = tool_parameters(tool)
    written = step.tool.args if step.tool else {}
    allowed = set(written) | tool.agent_params
    properties = {k: v for k, v in schema.get("properties", {}).items() if k in allowed}
    narrowed = {k: v for k, v in schema.items() if k not in ("properties", "required")}
    return {
        **narrowed,
        "properties": properties,
        "required": sorted(written),
        "additionalProperties": False,
    }


_NOTHING = "(?!)"


def _expected(written: str, inputs: Mapping[str, str | None]) -> re.Pattern[str]:
    """A pattern a call's value must fully match: literal text as written, a placeholder as
    its input's value; a declared input with no value matches nothing, and only a placeholder
    that is no input (its RB107 signed off) accepts text the agent chooses, captured as
    `fill<N>` so that `_fill_problem` can check it is one plain value; a placeholder written
    twice (`/srv/<dir>/<dir>.tar`) takes the same value both times."""
    pattern, at = [], 0
    filled: dict[str, int] = {}  # the first fill of each placeholder; a repeat must equal it
    for index, match in enumerate(PLACEHOLDER.finditer(written)):
        pattern.append(re.escape(written[at : match.start()]))
        key = input_key(placeholder_name(match))
        value = inputs.get(key)
        if value is not None:
            pattern.append(re.escape(value))
        elif key in inputs:
            pattern.append(_NOTHING)
        elif key in filled:
            pattern.append(f"(?P=fill{filled[key]})")
        else:
            filled[key] = index
            pattern.append(f"(?P<fill{index}>.+)")
        at = match.end()
    pattern.append(re.escape(written[at:]))
    return re.compile("".join(pattern), re.DOTALL)


_PARENT_SEGMENT = re.compile(r"(?:^|/)\.\.(?:/|$)")


def _fill_problem(value: str, in_path: bool) -> str | None:
    """Why a value the agent chose for a placeholder is more than the one value the runbook
    left open: anything `_not_one_value` refuses, or more than one segment where the runbook
    wrote a name in a directory (`/srv/cache/<dir>` with `a/b`)."""
    problem = _not_one_value(value)
    if problem:
        return problem
    if in_path and "/" in value:
        return "leaves the path the runbook wrote"
    return None


def _not_one_value(value: str) -> str | None:
    """Why `value` (a run input, or a placeholder the agent fills) is not one plain argv word:
    a leading '-' makes it an option; white space splits it in a star capture; a control or
    format character (a newline, a right-to-left override) hides what it says; an empty value
    drops the word (`rm -rf /srv/<dir>` would remove /srv/), and so does `.` (`/srv/.`); a
    `..` segment leaves the written directory (`/srv/cache/<dir>` with `../..`); a shell or
    SQL mark adds syntax where the word is read again (`sh -c "ls /srv/<dir>"` with
    `x;reboot`). Run inputs are held to it too: they often come from alert labels."""
    if not value:
        return "is empty, so the command would lose the word the runbook wrote there"
    if value == "." or _PARENT_SEGMENT.search(value):
        return "leaves the path the runbook wrote ('.' names the directory, '..' its parent)"
    if value.startswith("-"):
        return "starts with '-', so the command would read it as an option"
    if value.startswith("@"):
        return "starts with '@', which curl, httpie and others read as 'the contents of a file'"
    if any(char.isspace() or unicodedata.category(char).startswith("C") for char in value):
        return "holds a space or a control or format character; a placeholder is one value"
    syntax = sorted({char for char in value if not (char.isalnum() or char in _PLAIN_MARKS)})
    if syntax:
        return (
            f"holds {''.join(syntax)!r}, syntax that a shell, SQL or a quoted string the "
            "command passes on would read; a placeholder is one plain value"
        )
    return None


_PLAIN_MARKS = frozenset("._-:@+=/")
"""The marks a plain value may hold besides letters and digits: those of names, versions,
hosts, addresses, times and paths, none of them syntax to a shell or SQL inside a word or a
quoted string (`;`, `$(...)`, a quote, `*`, `~` are). Not `,`: most CLIs read it as a list
(`oc delete <kind> x` with `configmap,secret` deletes two). Not `%`: SQL's LIKE reads it as any
text (`LIKE '<user>'` with `%` matches every row) and a URL decodes `%2e%2e%2f` to `../`
after the parent-path check has passed it."""


def _as_text(value: Any) -> str:
    if isinstance(value, list):
        return " ".join(_as_text(item) for item in value)
    if isinstance(value, bool | dict):
        return json.dumps(value)
    return str(value)


def _binding_mismatch(
    name: str, written: str, value: Any, inputs: Mapping[str, str | None]
) -> str | None:
    if value is None:
        return f"argument `{name}` is missing; the runbook gives {written!r}"
    got = _as_text(value)
    matched = _expected(written, inputs).fullmatch(got)
    if matched:
        return _filled_badly(name, written, matched)
    names = [placeholder_name(m) for m in PLACEHOLDER.finditer(written)]
    if not names:
        return (
            f"argument `{name}` is fixed by the runbook to {written!r}, got {got!r}: "
            "the agent may not retarget a command"
        )
    unset = [n for n in names if input_key(n) in inputs and inputs[input_key(n)] is None]
    if unset:
        return f"argument `{name}` needs the input(s) {unset}, which this run was not given"
    given = ", ".join(f"{n}={inputs[input_key(n)]!r}" for n in names if input_key(n) in inputs)
    if given:
        return f"argument `{name}` must be {written!r} with the inputs {given}, got {got!r}"
    return f"argument `{name}` must match the runbook's {written!r}, got {got!r}"


def _filled_badly(name: str, written: str, matched: re.Match[str]) -> str | None:
    """The first agent-chosen placeholder value in `matched` that is not one plain value."""
    for index, placeholder in enumerate(PLACEHOLDER.finditer(written)):
        value = matched.groupdict().get(f"fill{index}")
        if value is None:
            continue
        problem = _fill_problem(value, written[: placeholder.start()].endswith("/"))
        if problem:
            return (
                f"argument `{name}`: the value {value!r} chosen for "
                f"{placeholder.group(0)!r} {problem}"
            )
    return None


def _shown_when(when: str | None) -> str:
    """An edge's condition as the agent is shown it and names it back."""
    return without_html_comments(when) if when else OTHERWISE


def _choose_edge(step: Step, outcome: str | None) -> str:
    edges = step.next
    if not edges:
        raise GuardError(f"step {step.id} has no next step")
    if len(edges) == 1 and edges[0].when is None:
        return edges[0].to
    choices = list(dict.fromkeys(_shown_when(edge.when) for edge in edges))
    if outcome is None:
        raise UnknownOutcomeError(f"step {step.id} is a decision; pass outcome= one of {choices}")
    wanted = " ".join(outcome.split()).casefold()
    for edge in edges:  # the condition as written (comments too) names one edge
        if " ".join((edge.when or OTHERWISE).split()).casefold() == wanted:
            return edge.to
    targets = {
        edge.to for edge in edges if " ".join(_shown_when(edge.when).split()).casefold() == wanted
    }
    if len(targets) > 1:
        raise UnknownOutcomeError(
            f"outcome {outcome!r} reads the same as another outcome of step {step.id} once "
            "comments are left out; a person must choose"
        )
    if targets:
        return targets.pop()
    raise UnknownOutcomeError(
        f"outcome {outcome!r} is not an edge of step {step.id}; expected one of {choices}"
    )
