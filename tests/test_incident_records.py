"""An incident record (post-mortem) kept beside the runbooks tells what was done, not what to
do: no step is drawn from it, no text rule reads its prose, nothing is reported unplaced, and
RB006 says why it has no steps. A runbook that only looks like one keeps its steps."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from compiler.models import Artifact
from compiler.text.genre import is_incident_record

Compile = Callable[[str], Artifact]

RECORD = """\
---
title: Outage 2025-03-02 - ledger replicas fell behind
---

# Outage 2025-03-02 - ledger replicas fell behind

## Timeline

- 09:12 replica lag alert fired
- 09:40 writes paused

## Root cause

A vacuum job held a lock on the ledger table longer than usual.

## Resolution

Restart the ledger replicas if needed and drop the stale replication slot.

## Action items

- Delete the old vacuum cron job. PR exists
- Page the DBA team when lag passes the threshold.
"""


def test_an_incident_record_has_no_steps_and_no_text_flags(compile_text: Compile) -> None:
    art = compile_text(RECORD)
    assert [s for s in art.steps if s.source is not None] == []
    codes = {d.code for d in art.diagnostics}
    assert not {"RB008", "RB101", "RB102", "RB103", "RB104", "RB106", "RB108"} & codes
    (no_steps,) = [d for d in art.diagnostics if d.code == "RB006"]
    assert "incident record" in no_steps.message


@pytest.mark.parametrize(
    "text",
    [
        # an outage runbook with a resolution section, but no record of time
        RECORD.replace("## Timeline", "## Symptoms"),
        # a record's fields under a title that names no incident
        RECORD.replace("Outage 2025-03-02 - ledger", "Ledger"),
        # a process page about post-mortems: fields named in prose, not as labels
        "# Post-mortem process\n\n## Steps\n\n1. Write the timeline of events in the doc.\n"
        "2. Add the root cause and the action items.\n",
    ],
)
def test_a_runbook_that_looks_like_a_record_keeps_its_steps(
    text: str, compile_text: Compile
) -> None:
    assert not is_incident_record(text.split("\n"))
    art = compile_text(text)
    assert [s for s in art.steps if s.source is not None]


def test_record_fields_are_labels_in_any_markdown_form() -> None:
    for time, outcome in [
        ("- **Key events**", "- **Review actions**:"),
        ("**Time to repair**: 0h 7m", "### Lessons learned"),
        ("Timeline:", "Root causes:"),
    ]:
        lines = ["# Incident on 2024-01-02 - queue stalled", "", time, "", outcome]
        assert is_incident_record(lines), (time, outcome)
