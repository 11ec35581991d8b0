"""What kind of document a runbook file is, when it is not a procedure: an incident record.

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
