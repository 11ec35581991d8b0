"""RB112 destructive-without-reason: a destructive step that does not say why it is needed."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator

from compiler.placeholders import PLACEHOLDER
from compiler.records import Step
from compiler.rules import CheckContext, Finding, RuleDoc, rule

_REASON = re.compile(
    r"\b(?:because|since|so\s+(?:that|the|it|they)|in\s+order\s+to|reason|otherwise|as\s+it"
    r"|which\s+(?:is|will)|if|only|in\s+this\s+case|when|unless|no\s+longer\s+needed"
    r"|to\s+(?:apply|trigger|pick\s+up|reload|refresh|reset|re-?create|rebuild|allow|let|ensure"
    r"|avoid|make|reclaim|unstick|re-?pull|re-?sync|reduce|fix)|unused|clean\s*up|fix|reduce|mitigate"
    r"|this\s+(?:triggers|will|allows|frees|causes|forces)|which\s+(?:triggers|frees|forces)"
    r"|stuck|orphaned|corrupt(?:ed)?|to\s+(?:free|release|recover|unblock|clear|reclaim|restore"
    r"|fix|resolve|stop|prevent|force|remove|get\s+rid))\b",
    re.IGNORECASE,
)


_PROBLEM = re.compile(
    r"\b(?:duplicate[sd]?|stuck|orphan(?:ed)?|stale|corrupt(?:ed)?|undesired|unused|fail(?:ed|ing)"
    r"|broken|leak(?:ed|ing|s)?|full|conflict(?:ing|s)?|dangling|zombie|hung|invalid|wrong"
    r"|misconfigured|no\s+longer\s+needed|not\s+needed)\b",
    re.IGNORECASE,
)
_GENERIC_OBJECTS = {"pod", "pods", "node", "nodes", "default", "true", "false", "all"}


def _problem_stated(context: CheckContext, step: Step) -> bool:
    """Whether text before the step names what it destroys together with what is wrong with
    it ("two wasp-agent daemonsets ... undesired" before `oc delete ds wasp-agent`)."""
    if step.tool is None or step.source is None:
        return False
    objects = {
        word.lower()
        for value in step.tool.args.values()
        for word in re.split(r"[\s/]+", value)
        if len(word) > 3 and word.lower() not in _GENERIC_OBJECTS and not PLACEHOLDER.match(word)
    }
    before = "\n".join(context.document.lines[: step.source.line - 1]).lower()
    for name in objects:
        for found in re.finditer(re.escape(name), before):
            window = before[max(0, found.start() - 160) : found.end() + 160]
            if _PROBLEM.search(window):
                return True
    return False


@rule(
    "RB112",
    "destructive-without-reason",
    "warning",
    blocking=True,
    signoff=True,
    summary="A destructive step that does not say why it is needed.",
    docs=RuleDoc(
        what="Flags steps bound to a destructive tool when neither the step, the text of its "
        "section before it (heading included), nor the decision that leads to it says why or "
        "when (because ..., to free ..., if ..., only ..., Reason: ...).",
        why="The reason is what tells a reader when *not* to run the step. An agent without "
        "it runs the delete every time the runbook is followed.",
        example="```console\n$ oc delete pod payments-api-0\n```",
        instead="If the pod has been stuck in `Terminating` for more than 10 minutes, delete it "
        "to release its volume:\n```console\n$ oc delete pod payments-api-0\n```",
    ),
)
def destructive_without_reason(context: CheckContext) -> Iterator[Finding]:
    conditions = {e.to: e.when for s in context.graph.steps for e in s.next if e.when}
    headings = [b.span.line for b in context.document.blocks if b.kind == "heading"]
    for step in context.graph.steps:
        if step.source is None or step.effect != "destructive":
            continue
        if step.condition or conditions.get(step.id):
            continue
        above = bisect_left(headings, step.source.line)
        heading = headings[above - 1] if above else 1
        before = context.document.lines[heading - 1 : step.source.line - 1]
        said = " ".join([step.text, *before])
        if _REASON.search(said) or _problem_stated(context, step):
            continue
        yield Finding(
            "RB112",
            step.source,
            "destructive step with no stated reason",
            "say why (and when) this step is needed, in the step or the lines before it",
            step.text,
            step.id,
        )
