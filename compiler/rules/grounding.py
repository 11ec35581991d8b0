"""RB4xx: LLM grounding — what the model proposed that the compiler refused, and why."""

from __future__ import annotations

from collections.abc import Iterator

from compiler.issues import ExtractionIssue, ExtractionIssueKind
from compiler.rules import CheckContext, Finding, RuleDoc, rule


def _issues(context: CheckContext, kind: ExtractionIssueKind) -> Iterator[ExtractionIssue]:
    """The issues of one kind extraction found (a kind is the name of its rule)."""
    return (issue for issue in context.extraction_issues if issue.kind == kind)


@rule(
    "RB401",
    "ungrounded-model-step",
    "info",
    blocking=False,
    signoff=False,
    summary="A model-proposed step or flag was dropped: its quote is not in the source.",
    docs=RuleDoc(
        what="Reports model-proposed steps whose verbatim `source_quote` does not appear in the "
        "section they came from (whitespace aside), and model-proposed assumption flags whose "
        "`quote` does not. They are dropped before binding and checking.",
        why="A step with no source text is a step the model made up. An agent must never act "
        "on an instruction nobody wrote.",
        example='Section: "Restart the api pods."  Model quote: "Restart the api pods and '
        'flush the cache."',
        instead="Nothing: the step is gone. If the section meant more, write it in the runbook.",
    ),
    reported_by="llm",
)
def ungrounded_model_step(context: CheckContext) -> Iterator[Finding]:
    fix = "nothing to do unless the step matters: then write it plainly"
    for issue in context.extraction_issues:
        if issue.kind == "ungrounded-model-step":
            text = f"model step dropped: its quote is not in the source ({_detail(issue)})"
            yield Finding("RB401", issue.span, text, fix, issue.evidence)
        elif issue.kind == "ungrounded-flag":  # a model's flag, dropped the same way
            text = (
                f"model-proposed flag {issue.code} dropped: its quote is not in the source "
                f"({issue.detail})"
            )
            yield Finding("RB401", issue.span, text, fix, issue.evidence)


@rule(
    "RB402",
    "invented-tool",
    "warning",
    blocking=False,
    signoff=False,
    summary="The LLM extractor proposed a tool that is not in the registry; it was dropped.",
    docs=RuleDoc(
        what="Reports tool names a model proposed that the registry does not have. The name is "
        "dropped; the step stays, unbound. (If the name is written in the runbook itself, "
        "RB201 reports it too.)",
        why="A model can never add a tool: the registry is the only list of things an agent "
        "may call. An invented `check_stripe` is exactly the failure this project prevents.",
        example="Check billing in Stripe.   (model proposed `check_stripe`)",
        instead="Name a registry tool (`billing.get_charges`), or add a reviewed tool to "
        "tools.yaml.",
    ),
    reported_by="llm",
)
def invented_tool(context: CheckContext) -> Iterator[Finding]:
    for issue in _issues(context, "invented-tool"):
        yield Finding(
            "RB402",
            issue.span,
            f"model-proposed tool `{issue.evidence}` dropped: not in the registry",
            "name a registry tool in the runbook, or add the tool to tools.yaml",
            issue.evidence,
        )


@rule(
    "RB403",
    "invalid-model-output",
    "warning",
    blocking=False,
    signoff=False,
    summary="The model's output stayed invalid after retries; the heuristic extractor was used.",
    docs=RuleDoc(
        what="Reports an LLM extraction whose responses failed the output schema (or were not "
        "JSON) after the bounded validation retries. The runbook was compiled with the "
        "heuristic extractor instead.",
        why="A malformed response cannot be grounded; using part of it would be guessing.",
        example="The model answered with prose instead of the JSON schema three times.",
        instead="Re-run, or use a model that supports structured output (tools / JSON mode).",
    ),
    reported_by="llm",
)
def invalid_model_output(context: CheckContext) -> Iterator[Finding]:
    for issue in _issues(context, "invalid-model-output"):
        yield Finding(
            "RB403",
            issue.span,
            f"model output invalid after retries ({_detail(issue)}); fell back to the heuristic "
            "extractor",
            "re-run later, or try another --model",
            issue.evidence,
        )


@rule(
    "RB404",
    "model-unavailable",
    "warning",
    blocking=False,
    signoff=False,
    summary="The model endpoint could not be reached in time; the heuristic extractor was used.",
    docs=RuleDoc(
        what="Reports an LLM extraction that failed on transport errors, 429/5xx after the "
        "bounded retries, or the compile's total deadline. The heuristic extractor was used.",
        why="Compiles must finish and stay offline-capable; the artifact says which extractor "
        "produced it.",
        example="--base-url http://localhost:8000/v1 with no server running.",
        instead="Check --base-url / OPENAI_BASE_URL and the deadline, then compile again.",
    ),
    reported_by="llm",
)
def model_unavailable(context: CheckContext) -> Iterator[Finding]:
    for issue in _issues(context, "model-unavailable"):
        yield Finding(
            "RB404",
            issue.span,
            f"model unavailable ({_detail(issue)}); fell back to the heuristic extractor",
            "check --base-url, the network and the deadline",
            issue.evidence,
        )


def _detail(issue: ExtractionIssue) -> str:
    return issue.detail or issue.evidence
