"""The grounding gate: the model proposes, the compiler disposes.

Every step the LLM extractor proposes must quote its section verbatim (whitespace aside), or it
is dropped (RB401), and so must every assumption flag it proposes (a grounded one is reported
by its rule, marked as the model's, for sign-off); every tool it names must be in the registry,
or the name is dropped (RB402). Model steps only add to the heuristic ones — a step the
heuristic extractor found is never replaced, so a flag the rules raise on it cannot disappear.
If the model failed, the heuristic drafts stand alone, with RB403 or RB404 saying why.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING

from compiler.extract import (
    DraftKind,
    DraftStep,
    Extraction,
    ExtractionIssue,
    ExtractionIssueKind,
    Usage,
)
from compiler.parse import Document, find_spans, normalise, text_at
from compiler.records import Span
from compiler.text.markup import html_comments

if TYPE_CHECKING:
    from compiler.extract.llm import LLMResult, SectionExtraction


def ground(
    document: Document,
    heuristic: list[DraftStep],
    result: LLMResult,
    tools: Iterable[str],
    model: str,
) -> Extraction:
    """Merge grounded model proposals into the heuristic drafts."""
    known = set(tools)

    usage = Usage(result.calls, result.cache_hits, result.input_tokens, result.output_tokens)

    def extraction_of(drafts: list[DraftStep], issues: Iterable[ExtractionIssue]) -> Extraction:
        return Extraction(
            drafts,
            tuple(issues),
            "llm",
            model,
            result.prompt_sha256,
            tuple(result.cache_keys),
            usage,
        )

    if result.failure is not None:
        kind: ExtractionIssueKind = (
            "invalid-model-output" if result.failure == "invalid-output" else "model-unavailable"
        )
        issue = ExtractionIssue(
            kind, _first_line_span(document), result.failure, result.failure_message or ""
        )
        return extraction_of(heuristic, [issue])
    drafts = list(heuristic)
    issues: list[ExtractionIssue] = []
    for section, extraction in result.sections:
        region = _section_span(document, section.first_line, section.text)
        for proposal in extraction.steps:
            grounded = _locate(document, region, proposal.source_quote)
            if grounded is None or _in_comment(document, grounded):
                issues.append(
                    ExtractionIssue(
                        "ungrounded-model-step",
                        region,
                        proposal.source_quote,
                        f"section {section.title!r}",
                    )
                )
                continue
            tool = proposal.tool
            if tool is not None and tool not in known:
                issues.append(ExtractionIssue("invented-tool", grounded, tool))
                tool = None
            condition = proposal.condition
            if condition is not None and _locate(document, region, condition) is None:
                detail = "its condition is not in the source; the condition was dropped"
                issues.append(ExtractionIssue("ungrounded-model-step", grounded, condition, detail))
                condition = None
            draft = _draft(proposal.kind, grounded, section.title, (tool, condition), document)
            drafts = _merge(drafts, draft)
        issues += _flags(document, region, section.title, extraction)
    return extraction_of(drafts, issues)


def _flags(
    document: Document, region: Span, title: str, extraction: SectionExtraction
) -> Iterator[ExtractionIssue]:
    """The model's assumption flags through the same gate as its steps: a flag whose quote is
    in the section (not in a comment) is proposed for its rule to report; any other is dropped
    (RB401)."""
    for flag in extraction.flags:
        reason = " ".join(flag.reason.split())
        grounded = _locate(document, region, flag.quote)
        if grounded is None or _in_comment(document, grounded):
            issue = ExtractionIssue("ungrounded-flag", region, flag.quote, f"section {title!r}")
            yield replace(issue, code=flag.code)
            continue
        yield ExtractionIssue("proposed-flag", grounded, flag.quote, reason, flag.code)


def _first_line_span(document: Document) -> Span:
    return Span(line=1, column=1, end_line=1, end_column=max(1, len(document.lines[0])))


def _section_span(document: Document, first_line: int, text: str) -> Span:
    last = min(len(document.lines), first_line + text.count("\n"))
    return Span(
        line=first_line, column=1, end_line=last, end_column=max(1, len(document.lines[last - 1]))
    )


def _locate(document: Document, region: Span, quote: str) -> Span | None:
    """Where the quote stands in the section, matching whitespace loosely; None if nowhere."""
    words = normalise(quote).split(" ")
    if not words or not words[0]:
        return None
    pattern = re.compile(r"\s+".join(re.escape(w) for w in words))
    found = find_spans(document.lines, region, pattern)
    return found[0][0] if found else None


def _draft(
    kind: DraftKind,
    span: Span,
    section: str,
    tool_and_condition: tuple[str | None, str | None],
    document: Document,
) -> DraftStep:
    tool, condition = tool_and_condition
    return DraftStep(
        kind=kind,
        text=text_at(document.lines, span),
        span=span,
        section=section or None,
        anchor=None,
        condition=condition,
        proposed_tool=tool,
        origin="llm",
    )


def _in_comment(document: Document, span: Span) -> bool:
    """Whether the span starts inside an HTML comment: never an instruction."""
    offset = sum(len(line) + 1 for line in document.lines[: span.line - 1]) + span.column - 1
    return any(start <= offset < end for start, end in html_comments(document.text))


def _merge(drafts: list[DraftStep], new: DraftStep) -> list[DraftStep]:
    """Add a model step unless a heuristic step covers it; lend its tool to a tool-less one."""
    for index, old in enumerate(drafts):
        if _overlaps(old.span, new.span):
            if old.proposed_tool is None and old.command is None and new.proposed_tool:
                drafts[index] = replace(old, proposed_tool=new.proposed_tool)
            return drafts
    position = next((i for i, d in enumerate(drafts) if d.span.line > new.span.line), len(drafts))
    return [*drafts[:position], new, *drafts[position:]]


def _overlaps(a: Span, b: Span) -> bool:
    return (a.line, a.column) <= (b.end_line, b.end_column) and (b.line, b.column) <= (
        a.end_line,
        a.end_column,
    )
