"""Where and with what a command runs: the `cd`/`export` lines written before it.

A reader types a runbook's commands into one terminal, so `cd terraform/envs/staging` in a
"Before you start" section decides what `terraform destroy` three sections later destroys.
Such lines are no steps of their own: each command step carries every one written before it in
the runbook, in source order, as that terminal would have run them (a later `cd` or `export`
builds on or overrides an earlier one). An executor applies them exactly, or refuses the step;
a person approving the step sees them.
"""

from __future__ import annotations

from dataclasses import replace

from compiler.extract import DraftStep
from compiler.parse import CodeLine
from compiler.records import ContextLine


class ShellContext:
    """The context lines read so far."""

    def __init__(self) -> None:
        self._lines: list[ContextLine] = []

    def add(self, found: list[tuple[list[CodeLine], str]]) -> None:
        """Record a code block's context lines (from `commands._commands`)."""
        self._lines += [ContextLine(line=group[0].line, text=text) for group, text in found]

    def attach(self, drafts: list[DraftStep]) -> list[DraftStep]:
        """A block's drafts, each command with the context lines written before it."""
        return [
            replace(draft, context=tuple(c for c in self._lines if c.line < draft.span.line))
            if draft.command is not None
            else draft
            for draft in drafts
        ]
