"""RB3xx: graph — every reference resolves, every step is reachable, every path ends."""

from __future__ import annotations

from collections.abc import Iterator

from compiler.issues import GraphIssue, GraphIssueKind
from compiler.rules import CheckContext, Finding, RuleDoc, rule
from compiler.rules.regions import DURATION_OR_COUNT


def _issues(context: CheckContext, kind: GraphIssueKind) -> Iterator[GraphIssue]:
    """The issues of one kind the graph stage found (a kind is the name of its rule)."""
    return (issue for issue in context.graph.issues if issue.kind == kind)


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
    for issue in _issues(context, "dangling-reference"):
        yield Finding(
            "RB301",
            issue.span,
            f"reference to {issue.detail}, which does not exist",
            "point the reference at an existing step or heading",
            issue.evidence,
            issue.step,
        )


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
    for issue in _issues(context, "unreachable-step"):
        yield Finding(
            "RB305",
            issue.span,
            f"step is unreachable: {issue.detail}",
            "remove the step, or change the jump that skips it",
            issue.evidence,
            issue.step,
        )


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
    for issue in _issues(context, "no-end"):
        yield Finding(
            "RB306",
            issue.span,
            f"the runbook never ends: {issue.detail}",
            "give the loop an exit condition and a step after it",
            issue.evidence,
            issue.step,
        )


@rule(
    "RB302",
    "unbounded-loop",
    "warning",
    blocking=True,
    signoff=True,
    summary="A jump back to an earlier step with no limit on how often.",
    docs=RuleDoc(
        what='Flags edges that go back to an earlier step ("go to step 2", "repeat from '
        'step 1") when the step says nothing about how many times or for how long.',
        why="A person stops after the third restart; an agent repeats the loop until someone "
        "notices, restarting or deleting each time round.",
        example="4. If the pods still crash, go to step 2.",
        instead="4. If the pods still crash, go to step 2 (at most 3 times); after that, "
        "escalate to payments-oncall-secondary.",
    ),
)
def unbounded_loop(context: CheckContext) -> Iterator[Finding]:
    order = {step.id: index for index, step in enumerate(context.graph.steps)}
    for index, step in enumerate(context.graph.steps):
        back = [e for e in step.next if order.get(e.to, len(order)) <= index]
        if not back or step.source is None:
            continue
        said = " ".join(filter(None, [step.text, step.condition, step.note]))
        if DURATION_OR_COUNT.search(said):
            continue
        yield Finding(
            "RB302",
            step.source,
            f"loops back to `{back[0].to}` with no bound",
            "say how many times at most (or for how long), and what to do after that",
            step.text,
            step.id,
        )


def _verified_after(context: CheckContext, index: int, horizon: int = 3) -> bool:
    """Whether a read-only check follows within `horizon` steps on the default path."""
    by_id = {step.id: step for step in context.graph.steps}
    current = context.graph.steps[index]
    for _ in range(horizon):
        if not current.next:
            return False
        current = by_id[current.next[0].to]
        if current.kind == "check" or current.effect == "read":
            return True
    return False


@rule(
    "RB303",
    "destructive-without-verification",
    "warning",
    blocking=True,
    signoff=True,
    summary="A destructive step with no check after it to confirm the result.",
    docs=RuleDoc(
        what="Flags destructive steps not followed, within the next three steps, by a "
        "read-only check.",
        why='After a delete or a drain, the next question is always "did it work, and is the '
        'system healthy?". Without a check, an agent reports success because the command '
        "exited 0.",
        example="```console\n$ oc delete pod payments-api-0\n```\n(end of runbook)",
        instead="```console\n$ oc delete pod payments-api-0\n$ oc get pods -l app=payments-api\n"
        "```\nAll pods should be Running and Ready within 2 minutes.",
    ),
)
def destructive_without_verification(context: CheckContext) -> Iterator[Finding]:
    for index, step in enumerate(context.graph.steps):
        if step.effect == "destructive" and step.source and not _verified_after(context, index):
            yield Finding(
                "RB303",
                step.source,
                "destructive step with no verification after it",
                "add a read-only check after it (e.g. get/describe/status) and what to expect",
                step.text,
                step.id,
            )


@rule(
    "RB304",
    "destructive-without-approval",
    "error",
    blocking=True,
    signoff=True,
    summary="A destructive step whose tool does not require approval.",
    docs=RuleDoc(
        what="Flags steps bound to a destructive tool whose registry entry has "
        "`requires_approval: false`, so nothing stops an agent from running it unreviewed.",
        why="Approval gates are what keeps an automated responder from making an incident "
        "worse. A destructive tool without one is an accident waiting for a typo.",
        example="tools.yaml:  {name: oc.delete_pod, effect: destructive, requires_approval: false}",
        instead="tools.yaml:  {name: oc.delete_pod, effect: destructive, requires_approval: true}",
    ),
)
def destructive_without_approval(context: CheckContext) -> Iterator[Finding]:
    for step in context.graph.steps:
        if step.effect == "destructive" and step.source and not step.requires_approval:
            name = step.tool.name if step.tool else "?"
            yield Finding(
                "RB304",
                step.source,
                f"destructive tool `{name}` does not require approval",
                f"set `requires_approval: true` on `{name}` in tools.yaml",
                name,
                step.id,
            )
