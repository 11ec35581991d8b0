"""RB3xx: graph — every reference resolves, every step is reachable, every path ends."""

from __future__ import annotations

from collections.abc import Iterator

from compiler.graph import GraphIssueKind
from compiler.rules import CheckContext, Finding, RuleDoc, rule


def _issues(context: CheckContext, kind: GraphIssueKind) -> Iterator[Finding]:
    codes = {"dangling-reference": "RB301", "unreachable": "RB305", "no-end": "RB306"}
    messages = {
        "dangling-reference": (
            "reference to {detail}, which does not exist",
            "point the reference at an existing step or heading",
        ),
        "unreachable": (
            "step is unreachable: {detail}",
            "remove the step, or change the jump that skips it",
        ),
        "no-end": (
            "the runbook never ends: {detail}",
            "give the loop an exit condition and a step after it",
        ),
    }
    for issue in context.graph.issues:
        if issue.kind == kind:
            message, fix = messages[kind]
            yield Finding(
                codes[kind],
                issue.span,
                message.format(detail=issue.detail),
                fix,
                issue.evidence,
                issue.step,
            )


@rule(
    "RB301",
    "dangling-reference",
    "error",
    blocking=True,
    signoff=False,
    summary="A step refers to a step number or heading that does not exist.",
    docs=RuleDoc(
        what='Reports "go to step N" where the list has no step N, and links to a heading '
        "anchor that no heading has.",
        why="A human skims past a broken reference; an agent follows it into nothing, or "
        "guesses which step was meant.",
        example="3. If the pods are still pending, go to step 7.   (the list has 5 steps)",
        instead="3. If the pods are still pending, go to step 5.",
    ),
)
def dangling_reference(context: CheckContext) -> Iterator[Finding]:
    return _issues(context, "dangling-reference")


@rule(
    "RB305",
    "unreachable-step",
    "warning",
    blocking=True,
    signoff=True,
    summary="No path through the graph reaches this step.",
    docs=RuleDoc(
        what="Reports steps that no edge leads to, usually because an unconditional jump "
        "skips over them.",
        why="An unreachable step is either dead text or a jump that is wrong; either way the "
        "agent's path differs from what the author thought.",
        example="2. Go to step 4.\n3. Drain the node.\n4. Restart the kubelet.",
        instead="2. If the node is already drained, go to step 4.\n3. Drain the node.\n"
        "4. Restart the kubelet.",
    ),
)
def unreachable_step(context: CheckContext) -> Iterator[Finding]:
    return _issues(context, "unreachable")


@rule(
    "RB306",
    "no-end",
    "error",
    blocking=True,
    signoff=False,
    summary="No path through the graph reaches the end of the runbook.",
    docs=RuleDoc(
        what="Reports a step graph in which every path loops back, so the procedure can never "
        "finish.",
        why="An agent in a loop with no exit repeats steps (restarts, deletes) until someone "
        "notices.",
        example="1. Restart the pod.\n2. Check the logs.\n3. Go to step 1.",
        instead="3. If the logs still show errors after 2 restarts, escalate to "
        "`payments-oncall`; otherwise stop.",
    ),
)
def no_end(context: CheckContext) -> Iterator[Finding]:
    return _issues(context, "no-end")
