"""What a reviewer sees of each step in a drawn graph: number, kind, tool, marks, open flags.

Mermaid, DOT and the SVG of the HTML report all draw the same facts; this module is the one
place that decides them, so the three pictures cannot disagree."""

from __future__ import annotations

from dataclasses import dataclass

from compiler.models import Artifact, Diagnostic, Step


@dataclass(frozen=True)
class StepView:
    """One step as drawn: its 1-based position, and the codes of its unsigned diagnostics."""

    step: Step
    number: int
    unsigned: tuple[str, ...]

    @property
    def marks(self) -> tuple[str, ...]:
        """Words for the gates and risks a reviewer must see: human, approval, destructive."""
        marks = []
        if self.step.gate == "human":
            marks.append("human")
        if self.step.requires_approval:
            marks.append("approval")
        if self.step.effect == "destructive":
            marks.append("destructive")
        return tuple(marks)

    @property
    def heading(self) -> str:
        """`3 action [kubectl.delete]`: position, kind and bound tool."""
        if self.step.kind == "end":
            return "end"
        tool = f" [{self.step.tool.name}]" if self.step.tool else ""
        return f"{self.number} {self.step.kind}{tool}"

    def label(self, words: list[str]) -> list[tuple[str, str]]:
        """(part, text) for each line of the node's label: "heading", "marks" (gates and
        risks), "words" (the step's text, as the drawing fits it) and "flags" (open ones)."""
        if self.step.kind == "end":
            return [("heading", "end")]
        lines = [("heading", self.heading)]
        if self.marks:
            lines.append(("marks", "⚠ " + " · ".join(self.marks)))
        lines += [("words", line) for line in words]
        if self.unsigned:
            lines.append(("flags", "⚑ " + " ".join(self.unsigned)))
        return lines


def unsigned_codes(diagnostics: list[Diagnostic], step: str | None) -> tuple[str, ...]:
    """Codes of the unsigned diagnostics on one step (None: on the runbook), in first-seen
    order without repeats."""
    codes = (d.code for d in diagnostics if d.step == step and d.signoff is None)
    return tuple(dict.fromkeys(codes))


def step_views(artifact: Artifact) -> list[StepView]:
    """Every step of the artifact, in order, as drawn."""
    return [
        StepView(step, number, unsigned_codes(artifact.diagnostics, step.id))
        for number, step in enumerate(artifact.steps, start=1)
    ]


def shorten(text: str, limit: int) -> str:
    """The text cut to `limit` characters, with an ellipsis when cut."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
