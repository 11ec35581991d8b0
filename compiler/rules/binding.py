"""RB2xx: binding — every tool a step calls must be one the registry knows, bound explicitly."""

from __future__ import annotations

import re
from collections.abc import Iterator

from compiler.bind import BoundStep
from compiler.confusables import (
    COMMAND_WORDS,
    describe,
    hidden_characters,
    imitated,
    visible,
)
from compiler.issues import BindingIssue, BindingIssueKind
from compiler.records import Span
from compiler.registry import FLAGS_PARAM, Tool
from compiler.rules import LINT_ONLY_CODE, CheckContext, Finding, RuleDoc, rule


def _issues(context: CheckContext, kind: BindingIssueKind) -> Iterator[tuple[str, BindingIssue]]:
    for step_id, bound in context.graph.bound.items():
        for issue in bound.issues:
            if issue.kind == kind:
                yield step_id, issue


def _did_you_mean(candidates: tuple[str, ...]) -> str:
    return f"did you mean {', '.join(f'`{c}`' for c in candidates)}? " if candidates else ""


@rule(
    "RB201",
    "unknown-tool",
    "error",
    blocking=True,
    signoff=False,
    summary="A step names a tool the registry does not have.",
    docs=RuleDoc(
        what="Reports a tool name written in a step (inline code after use/call/run/via...) "
        "that is not in the tool registry.",
        why="An agent told to call a tool that does not exist either fails mid-incident or, "
        "worse, reports that it did the step anyway. This cannot be signed off: the "
        "registry or the runbook must change.",
        example="Call `check_stripe` with the customer id.",
        instead="Name a registry tool (`billing.get_invoices`), or add the tool to "
        "`tools.yaml` with its command, permission and effect.",
    ),
)
def unknown_tool(context: CheckContext) -> Iterator[Finding]:
    for step_id, issue in _issues(context, "unknown-tool"):
        yield Finding(
            "RB201",
            issue.span,
            f"unknown tool `{issue.evidence}`: not in the registry",
            f"{_did_you_mean(issue.candidates)}name a registry tool or add this one to tools.yaml",
            issue.evidence,
            step_id,
        )


@rule(
    "RB202",
    "ambiguous-binding",
    "error",
    blocking=True,
    signoff=False,
    summary="A command matches several registry tools equally well.",
    docs=RuleDoc(
        what="Reports a command that two or more tools' patterns match with the same "
        "specificity, so no tool is bound.",
        why="Which tool runs decides the permission and approval an agent needs; the compiler "
        "will not pick one at random.",
        example="$ oc adm drain node-1   (matched by both `oc.adm` and `oc.drain`)",
        instead="Make one pattern more specific in tools.yaml (`oc adm drain {node}`), or "
        "remove the duplicate tool.",
    ),
)
def ambiguous_binding(context: CheckContext) -> Iterator[Finding]:
    for step_id, issue in _issues(context, "ambiguous-binding"):
        names = ", ".join(f"`{c}`" for c in issue.candidates)
        yield Finding(
            "RB202",
            issue.span,
            f"command matches several tools equally: {names}",
            "make one of the registry patterns more specific",
            issue.evidence,
            step_id,
        )


@rule(
    "RB203",
    "deprecated-tool",
    "warning",
    blocking=False,
    signoff=True,
    summary="A step is bound to a deprecated tool.",
    docs=RuleDoc(
        what="Reports a step bound to a registry tool marked `deprecated`.",
        why="Deprecated tools are on their way out; a runbook that still uses one breaks "
        "the day the tool is removed, usually during an incident.",
        example="$ oc adm top pods -n payments",
        instead="Use the replacement the registry names, e.g. `oc top pods -n payments`.",
    ),
)
def deprecated_tool(context: CheckContext) -> Iterator[Finding]:
    for step_id, issue in _issues(context, "deprecated-tool"):
        replacement = (
            f"use `{issue.candidates[0]}` instead"
            if issue.candidates
            else ("replace it with a supported tool")
        )
        yield Finding(
            "RB203",
            issue.span,
            f"tool `{issue.evidence}` is deprecated",
            replacement,
            issue.evidence,
            step_id,
        )


@rule(
    "RB204",
    "invalid-tool-args",
    "error",
    blocking=True,
    signoff=True,
    summary="Arguments captured from a command fail the tool's parameter schema.",
    docs=RuleDoc(
        what="Validates the arguments captured from a command against the tool's `params` "
        "JSON Schema.",
        why="An agent passing arguments a tool rejects fails at run time; a value outside the "
        "allowed set may mean the step targets the wrong thing.",
        example="$ oc scale deployment/api --replicas=many",
        instead="$ oc scale deployment/api --replicas=3",
    ),
)
def invalid_tool_args(context: CheckContext) -> Iterator[Finding]:
    for step_id, issue in _issues(context, "invalid-tool-args"):
        yield Finding(
            "RB204",
            issue.span,
            f"arguments fail the tool's schema: {issue.detail}",
            "correct the command, or widen the tool's params schema",
            f"{issue.evidence} {issue.detail}",
            step_id,
        )


@rule(
    "RB205",
    "llm-binding",
    "warning",
    blocking=True,
    signoff=True,
    summary="A tool was bound only because the LLM extractor proposed it.",
    docs=RuleDoc(
        what="Reports a step whose tool was proposed by the LLM extractor rather than written "
        "in the runbook (by name or command).",
        why="A model's guess is exactly the fill-in this tool exists to surface: a human "
        "confirms it before an agent acts on it.",
        example="Make sure the pool is healthy again.   (model proposed `postgres.pool_stats`)",
        instead="Name the tool in the runbook (`postgres.pool_stats`), or sign off the "
        "proposal with a reason.",
    ),
    reported_by="llm",
)
def llm_binding(context: CheckContext) -> Iterator[Finding]:
    for step_id, issue in _issues(context, "llm-binding"):
        yield Finding(
            "RB205",
            issue.span,
            f"bound by the model: {issue.detail}",
            "name the tool in the runbook, or sign off the model's proposal",
            issue.evidence,
            step_id,
        )


@rule(
    "RB206",
    "alias-binding",
    "warning",
    blocking=True,
    signoff=True,
    summary="A tool was bound through one of its aliases, not its name or command.",
    docs=RuleDoc(
        what="Reports a step bound to a tool because its text contains one of the tool's "
        "alias phrases.",
        why='"Page the on-call" probably means `pagerduty.page`, but probably is not good '
        "enough for an agent: a human confirms the mapping once.",
        example="Page the on-call if errors persist for 10 minutes.",
        instead="Use `pagerduty.page` to page the on-call if errors persist for 10 minutes.",
    ),
)
def alias_binding(context: CheckContext) -> Iterator[Finding]:
    for step_id, issue in _issues(context, "alias-binding"):
        yield Finding(
            "RB206",
            issue.span,
            f"bound by alias: {issue.detail}",
            "name the tool explicitly in inline code, or sign off the alias",
            issue.evidence,
            step_id,
        )


@rule(
    "RB207",
    "unbound-command",
    "warning",
    blocking=True,
    signoff=True,
    summary="A shell command matches no registry tool.",
    docs=RuleDoc(
        what="Reports a command in a shell code block that no tool's command pattern matches.",
        why="An agent may only run commands through registry tools, which carry permissions, "
        "effects and argument schemas. An unmatched command is either a missing registry "
        "entry or a step only a human can run.",
        example="```console\n$ chroot /host\n```   (no registry tool runs `chroot`)",
        instead="Add a tool whose `commands` pattern matches (`chroot {root}`), or sign off "
        "the step as manual with a reason.",
    ),
)
def unbound_command(context: CheckContext) -> Iterator[Finding]:
    for step_id, issue in _issues(context, "unbound-command"):
        yield Finding(
            "RB207",
            issue.span,
            f"command matches no registry tool: {issue.detail}",
            "add a matching tool to tools.yaml, or sign this off as a manual step",
            issue.evidence,
            step_id,
        )


@rule(
    "RB208",
    "unknown-pipe-filter",
    "warning",
    blocking=True,
    signoff=True,
    summary="A command pipes into a program that is not a registered read-only filter.",
    docs=RuleDoc(
        what="Reports a program after a `|`, `&&` or `;` that is not in the registry's "
        "`filters` list, or a listed filter run so that it writes files (`sed -i`, "
        "`sort -o FILE`, `yq -i`).",
        why="Only the first command of a pipeline is bound to a tool; whatever follows runs "
        "with no permission or effect check. Text filters like `grep` are harmless, "
        "`xargs oc delete` is not.",
        example="$ oc get pods -o name | xargs oc delete",
        instead="Write the second command as its own step, or add a harmless filter to "
        "`filters` in tools.yaml.",
    ),
)
def unknown_pipe_filter(context: CheckContext) -> Iterator[Finding]:
    for step_id, issue in _issues(context, "unknown-pipe-filter"):
        if issue.evidence in context.registry.filters:
            message = f"`{issue.evidence}` writes files here (`-i`, `-o`, an output operand)"
            fix = "write the edit as its own step bound to a tool that writes"
        else:
            message = f"`{issue.evidence}` is not a registered filter"
            fix = "split the pipeline into steps, or register the filter"
        yield Finding(
            "RB208",
            issue.span,
            message,
            fix,
            issue.evidence,
            step_id,
        )


@rule(
    "RB209",
    "look-alike-name",
    "error",
    blocking=True,
    signoff=False,
    summary="A name that reads as a registry tool or program but is another string.",
    docs=RuleDoc(
        what="Reports invisible characters in a command or tool name (zero-width spaces, "
        "bidi controls such as U+202E, soft hyphens, non-breaking spaces), bidi controls in "
        "a step's prose, and names that differ from a registry tool or program only by "
        "homoglyphs or digit swaps: `kubect1`, `0c`, a Cyrillic `к` in `kubectl`.",
        why="Binding matches exact strings, so a look-alike is never bound to the real tool; "
        "but a reviewer reads it as the real name and may sign off a step believing it calls "
        "a tool it does not. Hidden characters are how injected text passes review. This "
        "cannot be signed off: the runbook must spell the name plainly.",
        example="$ kubect1 delete pod $POD -n $NAMESPACE",
        instead="$ kubectl delete pod $POD -n $NAMESPACE",
    ),
)
def look_alike_name(context: CheckContext) -> Iterator[Finding]:
    names = frozenset(context.registry.tools) | context.registry.programs
    for step_id, bound in context.graph.bound.items():
        for line, column, text, code in _step_texts(context, bound):
            hidden = dict(hidden_characters(text, prose=not code))
            # Plain ASCII imitates a name only through 0, 1 or I: most lines are skipped here.
            suspect = code and (not text.isascii() or any(c in text for c in "01I"))
            for match in COMMAND_WORDS.finditer(text) if suspect else ():
                word = match.group("word")
                name = imitated(word, names)
                if name is None:
                    continue
                inside = [hidden.pop(i) for i in range(*match.span("word")) if i in hidden]
                how = f" (hidden {', '.join(map(describe, inside))})" if inside else ""
                yield Finding(
                    "RB209",
                    _columns(line, column + match.start("word"), column + match.end("word") - 1),
                    f"`{visible(word)}` reads as `{name}` but is another name{how}",
                    _LOOK_ALIKE_FIX,
                    word,
                    step_id,
                )
            if hidden:
                first, last = min(hidden), max(hidden)
                yield Finding(
                    "RB209",
                    _columns(line, column + first, column + last),
                    f"hidden {', '.join(map(describe, hidden.values()))} in the step",
                    _LOOK_ALIKE_FIX,
                    text[first : last + 1],
                    step_id,
                )


_LOOK_ALIKE_FIX = "spell the name plainly in ASCII; delete hidden characters"


def _columns(line: int, start: int, end: int) -> Span:
    return Span(line=line, column=start, end_line=line, end_column=end)


def _step_texts(context: CheckContext, bound: BoundStep) -> Iterator[tuple[int, int, str, bool]]:
    """(line, column, text, is code) of each piece of a step's source: every line of a
    command, else the prose lines and each inline code span."""
    draft = bound.draft
    lines = context.document.lines
    span = draft.span
    for number in range(span.line, min(span.end_line, len(lines)) + 1):
        text = lines[number - 1]
        start = span.column if number == span.line else 1
        end = span.end_column if number == span.end_line else len(text)
        yield number, start, text[start - 1 : end], draft.command is not None
    if draft.command is None:
        for code in draft.inline_code:
            yield code.line, code.column + 1, code.text, True


@rule(
    "RB210",
    "write-tool-without-arguments",
    "error",
    blocking=True,
    signoff=False,
    summary="A write or destructive tool is bound with none of its arguments written.",
    docs=RuleDoc(
        what="Reports a step bound to a tool that changes something (effect `write` or "
        "`destructive`) by its name, alias or a model's proposal, when the runbook writes none "
        "of the arguments the tool takes. A command written out in full is never reported.",
        why="The guard lets an agent set only what the runbook wrote; with nothing written "
        "the step can never run as intended, and a registry that marked the parameters as the "
        "agent's to choose would let the agent pick what to change (any SQL, any namespace).",
        example="Count the connections with `postgres.psql`.",
        instead="Write the command the step runs, so its arguments are pinned:\n"
        "```\npsql -h db-primary -c 'select count(*) from pg_stat_activity'\n```",
    ),
)
def write_tool_without_arguments(context: CheckContext) -> Iterator[Finding]:
    for step_id, bound in context.graph.bound.items():
        tool, binding = bound.definition, bound.tool
        if tool is None or binding is None or binding.args or tool.effect == "read":
            continue
        if binding.bound_by == "command":
            continue  # the whole command is written: nothing is left to choose
        if not _writable(tool):
            continue  # nothing a runbook could have written
        yield Finding(
            "RB210",
            bound.draft.span,
            f"`{tool.name}` changes things ({tool.effect}) and the step writes none of its "
            "arguments",
            "write the command the step runs, so the guard can pin its arguments",
            tool.name,
            step_id,
        )


def _writable(tool: Tool) -> set[str]:
    """The arguments a runbook can write for a tool: its parameters and pattern captures, less
    the ones the registry leaves to the agent and the catch-all `flags`."""
    captured = {
        token.rstrip("?*")
        for p in tool.patterns
        for token in p.positionals
        if isinstance(token, str)
    }
    captured |= {param for p in tool.patterns for param in p.option_captures.values()}
    return (set(tool.params.get("properties", {})) | captured) - tool.agent_params - {FLAGS_PARAM}


_PROGRAM = re.compile(r"no registry tool runs `([^`]+)`")


@rule(
    LINT_ONLY_CODE,
    "unregistered-program",
    "warning",
    blocking=False,
    signoff=False,
    summary="Lint-only mode (no tools.yaml): a program the runbooks run, reported once.",
    docs=RuleDoc(
        what="Without a tool registry, `runbookc check` runs the text and graph rules only and "
        "reports each program the commands run once, instead of every command as unbound.",
        why="Binding commands to tools (effects, permissions, approvals, argument checks) needs "
        "a registry. Until there is one, an agent cannot be given any of these steps.",
        example="```console\n$ kubectl rollout restart deployment/api\n```   (and no tools.yaml)",
        instead="Run `runbookc init` for a starter tools.yaml and profiles.yaml, review the "
        "effect and permission of each tool, then run `runbookc check` again.",
    ),
)
def unregistered_program(context: CheckContext) -> Iterator[Finding]:
    if not context.registry.lint_only:
        return
    seen: set[str] = set()
    for step_id, issue in _issues(context, "unbound-command"):
        match = _PROGRAM.search(issue.detail)
        if match is None or match.group(1) in seen:
            continue
        program = match.group(1)
        seen.add(program)
        yield Finding(
            LINT_ONLY_CODE,
            issue.span,
            f"`{program}` is run here; with no tools.yaml its commands are not checked "
            "(lint-only mode)",
            "run `runbookc init` to write a starter tools.yaml, then review it",
            program,
            step_id,
        )
