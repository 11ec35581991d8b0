"""What kind of document a runbook file is, when it is not a procedure: an incident record;
and what kind of section a heading opens (procedure or description).

Teams keep incident records (post-mortems) beside their runbooks: key events with times, the
impact, what was done to resolve it, and the review's actions. Their imperatives ("Rotate the
keys", "Fix the pipeline: add a check") record what was done or is planned, not instructions
to the reader, so no step is drawn from such a document. It is recognised by its shape, not by
one word: a title naming an incident or post-mortem, and record fields written as labels
(headings, bold list labels or "Field:" lines) — at least one about time (key events, timeline,
time to repair) and one about the outcome (resolution, root cause, review actions).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

_TITLE = re.compile(
    r"^(?:title:\s*|#\s+)(?:.*\b(?:incident|outage)\b|.*\bpost[- ]?mortem\b)", re.IGNORECASE
)
_LABEL = r"^\s*(?:[-*+]\s+|#+\s+)?(?:\*\*|__)?\s*(?:{words})\s*(?::|\*\*|__|$)"
_TIME_FIELDS = re.compile(
    _LABEL.format(
        words=r"key\s+events|timeline|time\s+to\s+(?:detect|repair|resolve|recover|mitigate)"
    ),
    re.IGNORECASE,
)
_OUTCOME_FIELDS = re.compile(
    _LABEL.format(
        words=r"resolution|root\s+causes?|review\s+actions|action\s+items|lessons\s+learned"
        r"|follow[- ]up\s+actions"
    ),
    re.IGNORECASE,
)
_HEAD_LINES = 12
"""How far down a title is looked for (front matter, then the first heading)."""


def is_incident_record(lines: Sequence[str]) -> bool:
    """Whether a document is an incident record: a title that names an incident, outage or
    post-mortem in its first lines, and labelled record fields about time and outcome."""
    if not any(_TITLE.match(line) for line in lines[:_HEAD_LINES]):
        return False
    return any(_TIME_FIELDS.match(line) for line in lines) and any(
        _OUTCOME_FIELDS.match(line) for line in lines
    )


PROCEDURAL = re.compile(
    r"diagnos|mitigat|procedure|steps?\b|resol|remediat|troubleshoot|\bfix|recover|investigat"
    r"|triage|respon|action|workaround|debug|check|verif|runbook|how to|instruction|rollback"
    r"|roll back|escalat|restor|repair|solution|validat|playbook|what to do|\bops\b",
    re.IGNORECASE,
)
"""Heading words of a section that tells the reader what to do (Mitigation, Steps, How to)."""
DESCRIPTIVE = re.compile(
    r"meaning|impact|summary|overview|description|background|context|symptom|reference"
    r"|links|see also|related|\bnotes?\b|prerequisite|about|purpose|glossary|severity|faq"
    r"|owner|contacts?\b|changelog|history|appendix|further reading|example output",
    re.IGNORECASE,
)
"""Heading words of a section that describes (Meaning, Impact, Background)."""


@cache
def section_kind(title: str) -> bool | None:
    """True for a heading that opens a procedure, False for one that opens a description, None
    for one that says neither ("Durability", "Manual GCS Snapshots")."""
    if PROCEDURAL.search(title):
        return True
    return False if DESCRIPTIVE.search(title) else None


def under_procedure(sections: Sequence[str]) -> bool:
    """Whether the nearest of a block's headings that says what its section is opens a
    procedure."""
    return next((kind for kind in map(section_kind, reversed(sections)) if kind is not None), False)
