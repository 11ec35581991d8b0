"""RB109 missing-escalation, RB110 missing-owner, RB111 stale-review: what the runbook as a
whole must say (whom to escalate to, its owner, when it was last reviewed).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from compiler.records import Span
from compiler.rules import CheckContext, Finding, RuleDoc, rule
from compiler.rules.assumptions.scan import CHANNEL, front_matter_key_span
from compiler.rules.regions import title_span
from compiler.text.instructions import mentions_escalation


@rule(
    "RB109",
    "missing-escalation",
    "warning",
    blocking=True,
    signoff=True,
    summary="The runbook never says whom to escalate to when it does not work.",
    docs=RuleDoc(
        what="Flags runbooks that hold a procedure but no escalation path: no `escalation` in "
        'front matter, no escalation step, no "Escalation"/"Contacts" section, and no sentence '
        "that hands over with a channel or to a named organisation.",
        why="Every procedure can fail. Without a written escalation path, an agent either "
        "loops or stops silently; a person improvises, often by paging whoever they know.",
        example="---\nowner: team-payments\n---\n# Pool exhausted\n...(no escalation)",
        instead="---\nowner: team-payments\nescalation: {role: payments-oncall-secondary, "
        "after: 15m}\n---",
    ),
)
def missing_escalation(context: CheckContext) -> Iterator[Finding]:
    if context.meta.escalation is not None or not _holds_procedure(context):
        return
    steps = context.graph.steps
    if any(s.kind == "escalate" for s in steps) or mentions_escalation(
        "\n".join(s.text for s in steps)
    ):
        return
    if _escalation_written(context):
        return
    yield Finding(
        "RB109",
        title_span(context),
        "no escalation path: no `escalation` and no escalate step",
        "add `escalation: {role: ..., after: 15m}` to front matter",
        context.meta.id,
    )


_ESCALATION_HEADING = re.compile(
    r"^\W*(?:escalat\w*(?:\s+(?:path|policy|contacts?|procedure|matrix))?|contacts?|who\s+to\s+"
    r"(?:contact|call|page)|points?\s+of\s+contact|(?:support|on-?call)\s+contacts?|support)\W*$",
    re.IGNORECASE,
)


def _escalation_written(context: CheckContext) -> bool:
    """An escalation path in the prose: an "Escalation"/"Contacts" section, or a sentence that
    hands the problem on with a way to reach someone (a link, channel, handle, queue...) or to a
    named organisation ("connect with Red Hat Support")."""
    for passage in context.passages:
        if passage.block.kind == "heading":
            if _ESCALATION_HEADING.search(passage.text):
                return True
            continue
        if not mentions_escalation(passage.text):
            continue
        for sentence in passage.sentences:
            reach = CHANNEL.search(sentence.text) or _NAMED_PARTY.search(sentence.text)
            if reach and mentions_escalation(sentence.text):
                return True
    return False


_NAMED_PARTY = re.compile(r"\b(?:with|to)\s+(?:the\s+)?[A-Z][\w&-]*(?:\s+[A-Z][\w&-]*)+")
"""A named organisation or team to hand over to: "connect with Red Hat Support"."""


def _holds_procedure(context: CheckContext) -> bool:
    """Whether the document holds a procedure (a step to take), not only links or policy."""
    return any(step.kind != "end" for step in context.graph.steps)


_PERSON = re.compile(r"@|^[A-Z][a-z]+(?:\s+[A-Z][a-z]+)+$")


@rule(
    "RB110",
    "missing-owner",
    "warning",
    blocking=False,
    signoff=True,
    summary="No `owner` in front matter, or the owner is a person rather than a team or role.",
    docs=RuleDoc(
        what="Flags runbooks that hold a procedure without an owner (front matter `owner`, "
        "`owners`, `owner_slack` or `team`), and owners that look like a single person (an "
        "e-mail address or a personal name).",
        why="Unowned runbooks rot: nobody updates them when the system changes. A person as "
        "owner leaves with the person.",
        example="---\nowner: alice@example.com\n---",
        instead="---\nowner: team-payments\n---",
    ),
)
def missing_owner(context: CheckContext) -> Iterator[Finding]:
    owner = context.meta.owner
    if not _holds_procedure(context):
        return
    if owner is None:
        yield Finding(
            "RB110",
            title_span(context),
            "no `owner` in front matter",
            "add `owner: <team or role>` to front matter",
            context.meta.id,
        )
    elif _PERSON.search(owner) and owner not in context.profiles.roles:
        yield Finding(
            "RB110",
            front_matter_key_span(context, "owner"),
            f"owner `{owner}` looks like a person, not a team or role",
            "make a team or role the owner",
            owner,
        )


@rule(
    "RB111",
    "stale-review",
    "warning",
    blocking=False,
    signoff=True,
    summary="`last_reviewed` is older than the configured age (365 days by default).",
    docs=RuleDoc(
        what="Flags runbooks whose `last_reviewed` (front matter, `last_reviewed_on` as the "
        'tech-docs-template writes it, or a "Last reviewed: YYYY-MM-DD" line in the text) is '
        "older than `stale-after-days` (or than the page's own `review_in: 6 months`), missing "
        "while other front matter is present, or not a date. "
        "Ages are counted from today, or from SOURCE_DATE_EPOCH when it is set.",
        why="Systems drift: commands, flags and dashboards change. A runbook nobody has read "
        "for a year is a guess written in the past tense.",
        example="---\nlast_reviewed: 2023-01-10\n---",
        instead="Re-read the runbook against the current system, fix what changed, and update "
        "`last_reviewed`.",
    ),
)
def stale_review(context: CheckContext) -> Iterator[Finding]:
    reviewed = context.meta.last_reviewed
    key = "last_reviewed" if "last_reviewed" in context.meta.declared else "last_reviewed_on"
    span = front_matter_key_span(context, key)
    if reviewed is None:
        reviewed, span = _reviewed_in_body(context)
    if reviewed is None:
        if context.document.front_matter:
            yield Finding(
                "RB111",
                title_span(context),
                "no `last_reviewed` date",
                "add `last_reviewed: YYYY-MM-DD` to front matter",
                context.meta.id,
            )
        return
    try:
        when = date.fromisoformat(reviewed[:10])
    except ValueError:
        yield Finding(
            "RB111",
            span,
            f"`last_reviewed` is not a date: {reviewed!r}",
            "write it as YYYY-MM-DD",
            reviewed,
        )
        return
    age = (context.config.reference_date() - when).days
    limit = _review_in_days(context.document.front_matter.get("review_in"))
    limit = context.config.stale_after_days if limit is None else limit
    if age > limit:
        yield Finding(
            "RB111",
            span,
            f"last reviewed {age} days ago (limit {limit})",
            f"review the runbook and update `{key}`",
            reviewed,
        )


_REVIEW_IN = re.compile(r"^\s*(\d+)\s*(day|week|month|year)s?\s*$", re.IGNORECASE)
_DAYS = {"day": 1, "week": 7, "month": 30, "year": 365}


def _review_in_days(value: object) -> int | None:
    """The review period a page states for itself (`review_in: 6 months`, the
    tech-docs-template's key), in days; None when it states none or none we can read."""
    found = _REVIEW_IN.match(str(value)) if isinstance(value, str) else None
    return int(found.group(1)) * _DAYS[found.group(2).lower()] if found else None


_REVIEWED_LINE = re.compile(
    r"\blast[\s_-]+reviewed\W{0,20}\s*(?:<[^>]*>\s*)*(?P<date>\d{4}-\d{2}-\d{2})", re.IGNORECASE
)


def _reviewed_in_body(context: CheckContext) -> tuple[str | None, Span]:
    """A review date the document states in its text ("Last Reviewed: 2024-03-01"), read the
    same as the front matter key."""
    # A line's match is a match in the whole text too (the pattern has no anchor, and a line
    # break is a non-word character as the line's ends are): one search rules most documents out.
    if not _REVIEWED_LINE.search("\n".join(context.document.lines)):
        return None, title_span(context)
    for number, line in enumerate(context.document.lines, start=1):
        found = _REVIEWED_LINE.search(line)
        if found is not None:
            column = found.start("date") + 1
            span = Span(line=number, column=column, end_line=number, end_column=column + 9)
            return found.group("date"), span
    return None, title_span(context)
