"""Conditions: whether a reader (or an agent) can decide a condition from what is written.

Decidable: a number, a threshold or comparison; an explicit value (inline code or a quoted
literal as what something is, shows or returns — not a resource named in passing); how it is
judged ("(via forensic analysis)"); a state a command reports (Running, Pending, empty, not
found, exists); or the outcome of the step before ("if it fails", "if so", "if that does not
work"). Everything else is left to someone's judgement. Every scan here is linear.
"""

from __future__ import annotations

import re

MEASURED = re.compile(
    r"\d|%|[<>=]|\bthreshold\b|\bSLO\b|\bbudget\b|\blimit\b|\bthat\s+is\b|\b(?:longer|shorter"
    r"|more|less|fewer|greater|higher|lower)\s+than\b",
    re.IGNORECASE,
)
"""A number, a threshold or a comparison."""
_LITERAL = r"(?:`[^`]+`|\"[^\"]+\"|\u201c[^\u201d]+\u201d)"
EXPLICIT = re.compile(
    r"\b(?:is|are|was|were|be|been|equals?|shows?|showing|returns?|reports?|contains?|says?|reads?"
    r"|has|have|becomes?|remains?|stays?|set\s+to|in\s+state|stuck\s+in|still\s+in|matches"
    r"|to\s+be|as|not|no|than|of|output|outputs|prints?|lists?|see|seeing|names?|e\.g\.,?)\s+"
    r"(?:still\s+|now\s+|not\s+|set\s+to\s+)?" + _LITERAL + r"|^\W*(?:if|when|whenever|unless"
    r"|once|until)\s+(?:the\s+)?" + _LITERAL,
    re.IGNORECASE,
)
"""An explicit value as what something is, shows or returns."""
JUDGED_BY = re.compile(r"\((?:via|using|by|through|per|see)\b", re.IGNORECASE)
"""How the condition is judged, in brackets after it."""
_REPORTED_STATE = re.compile(
    r"\b(?:fails?|failed|failing|succeeds?|succeeded|works?|worked|exists?|existed|missing|empty"
    r"|found|returns?|returned|shows?|showed|lists?|prints?|contains?|errors?|timed?\s+out"
    r"|running|ready|pending|terminating|completed?|evicted|crash\w*|unknown|true|false"
    r"|available|unavailable|degraded|progressing|present|absent|enabled|disabled|installed"
    r"|bound|unbound|online|offline|reachable|unreachable|resolves?|responds?|mounted"
    r"|full|exhausted|expired|revoked|no\s+longer|listed|in\s+progress|different\s+(?:than|from)|same\s+as|differs?)\b",
    re.IGNORECASE,
)
_NEGATED = re.compile(
    # a negated outcome of the system ("it does not start", "the pod cannot be scheduled");
    # "you don't find" / "you cannot resolve" is the reader's own judgement
    r"(?<!\byou\s)(?<!\bwe\s)\b(?:(?:does|did|do)\s*(?:not|n't)\s+\w+|cannot|can't|unable)\b",
    re.IGNORECASE,
)
_OUTCOME = re.compile(
    r"^\W*(?:if|when|once|unless)\s+(?:so|not|yes|no|above|this|that|it|they|these|the\s+(?:above"
    r"|previous|command|step|check|restart|fix))\b",
    re.IGNORECASE,
)


def decidable(condition: str) -> bool:
    """Whether a condition can be decided from what is written, without judgement."""
    return bool(
        MEASURED.search(condition)
        or EXPLICIT.search(condition)
        or JUDGED_BY.search(condition)
        or _REPORTED_STATE.search(condition)
        or _NEGATED.search(condition)
        or _OUTCOME.match(condition)
    )


def left_to_judgement(conditions: list[str]) -> bool:
    """Whether a decision on these conditions (its branches' `when`, "otherwise" aside) needs a
    person: some condition is not decidable from what is written (item 5: never `auto`)."""
    return any(c.lower() != "otherwise" and not decidable(c) for c in conditions)
