"""Mutually exclusive cases: sibling headings that each name a case, a condition over a nested
list, "**Symptom:** fix" items of one list; each branch skips the later cases.
"""

from __future__ import annotations

import re
from dataclasses import replace

from compiler.extract import DraftStep
from compiler.extract.heuristic.drafts import _draft
from compiler.extract.heuristic.shared import _condition_of
from compiler.parse import Block
from compiler.text.instructions import leading_condition as _leading

_CASE_HEADING = re.compile(
    r"^(?:\*\*)?(?:if|when|in\s+case|unless|option\s+\w+|case\s+\w+|scenario\s+\w+)\b"
    r"(?!\s+(?:to|not\s+to)\b)",
    re.IGNORECASE,
)
"""A heading that names one of several cases: "If the primary is down", "Option 2: ..." (not a
topic: "When to use querySelector")."""


class _CaseHeadings:
    """Sibling headings that each name a case become decisions, one per heading, whose
    branch is the section's steps; each branch skips the later cases (mutually exclusive)."""

    def __init__(self, drafts: list[DraftStep]) -> None:
        self.drafts = drafts
        self.level = 0
        self.group: list[int] = []

    def visit(self, heading: Block) -> None:
        """Close the cases a heading ends; open one if the heading names a case."""
        if self.group and heading.level <= self.level:
            self._end_branch()
            if heading.level < self.level or not _CASE_HEADING.match(heading.text):
                self.close(heading.level)
        if _CASE_HEADING.match(heading.text) and (not self.group or heading.level == self.level):
            self.level = heading.level
            condition = heading.text.strip("*: ")
            self.group.append(len(self.drafts))
            decision = _draft(heading, "decision", heading.text, heading.span, condition=condition)
            self.drafts.append(decision)

    def _end_branch(self) -> None:
        at = self.group[-1]
        if not self.drafts[at].branch_size:
            self.drafts[at] = replace(self.drafts[at], branch_size=len(self.drafts) - at - 1)

    def close(self, level: int) -> None:
        """End the group of cases: each branch skips the cases after it."""
        if not self.group or level > self.level:
            return
        self._end_branch()
        end = len(self.drafts)
        for at in self.group:
            draft = self.drafts[at]
            after = at + 1 + draft.branch_size
            if draft.branch_size and at != self.group[-1]:
                self.drafts[at] = replace(draft, else_size=end - after)
        self.group = []


def _case_lead(block: Block, following: Block | None) -> DraftStep | None:
    """ "If you are logged in to the box, try:" over a nested list: a decision whose branch
    is the nested items (`_close_cases` counts them)."""
    leading = _leading(block.text)
    if leading is None or following is None or following.list_depth <= block.list_depth:
        return None
    rest = leading.group("rest").strip()
    if rest and not (rest[-1] in ":," and len(rest.split()) <= 5):
        return None  # "If X, restart Y:" is a step of its own, not only a case
    if following.kind not in ("paragraph", "code"):
        return None
    condition = _condition_of(block.text)
    return _draft(block, "decision", block.text, block.span, condition=condition)


def _close_cases(drafts: list[DraftStep], open_cases: list[tuple[int, int]], depth: int) -> None:
    """Give each open case decision whose nested list ended its branch size."""
    while open_cases and depth <= open_cases[-1][1]:
        at, _ = open_cases.pop()
        drafts[at] = replace(drafts[at], branch_size=len(drafts) - at - 1)


def _exclusive_cases(drafts: list[DraftStep], cases: list[tuple[int, int | None]]) -> None:
    """Consecutive label decisions of one list are exclusive: each branch skips the rest."""
    groups: list[list[int]] = []
    for number, (at, list_id) in enumerate(cases):
        before, before_list = cases[number - 1] if number else (-1, None)
        if number and before_list == list_id and at == before + 1 + drafts[before].branch_size:
            groups[-1].append(at)
        else:
            groups.append([at])
    for group in groups:
        last = group[-1]
        end = last + 1 + drafts[last].branch_size
        for at in group[:-1]:
            after = at + 1 + drafts[at].branch_size
            drafts[at] = replace(drafts[at], else_size=end - after)
