"""What a reviewer sees of each step in a drawn graph: number, kind, tool, marks, open flags.

Mermaid, DOT and the SVG of the HTML report all draw the same facts; this module is the one
place that decides them, so the three pictures cannot disagree."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from compiler.models import Artifact, Diagnostic, Step


@dataclass(frozen=True)
class StepView:
    """One step as drawn: its 1-based position, and its unsigned diagnostics."""

    step: Step
    number: int
    open_flags: tuple[Diagnostic, ...] = ()

    @property
    def unsigned(self) -> tuple[str, ...]:
        """Codes of the step's unsigned diagnostics, in order, without repeats."""
        return _codes(self.open_flags)

    @property
    def details(self) -> str:
        """The whole story, for a tooltip: the step's words, why it is flagged, and what its
        signed-off flags were taken to mean."""
        lines = [f"{self.heading}: {self.step.text}" if self.step.kind != "end" else "end"]
        lines += [f"⚑ {d.code} {d.message}" for d in self.open_flags]
        lines += [f"✓ signed off: {meaning}" for meaning in self.step.resolutions]
        return "\n".join(lines)

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


def runbook_flags(artifact: Artifact) -> str:
    """ "⚑ runbook: RB109 RB110" for the unsigned diagnostics on no step, or ""."""
    codes = _codes(d for d in artifact.diagnostics if d.step is None and d.signoff is None)
    return "⚑ runbook: " + " ".join(codes) if codes else ""


def _codes(diagnostics: Iterable[Diagnostic]) -> tuple[str, ...]:
    """Codes in first-seen order, without repeats."""
    return tuple(dict.fromkeys(d.code for d in diagnostics))


def step_views(artifact: Artifact) -> list[StepView]:
    """Every step of the artifact, in order, as drawn."""
    open_flags: dict[str, list[Diagnostic]] = {}
    for diagnostic in artifact.diagnostics:
        if diagnostic.step is not None and diagnostic.signoff is None:
            open_flags.setdefault(diagnostic.step, []).append(diagnostic)
    return [
        StepView(step, number, tuple(open_flags.get(step.id, ())))
        for number, step in enumerate(artifact.steps, start=1)
    ]


def shorten(text: str, limit: int) -> str:
    """The text cut to `limit` characters, with an ellipsis when cut."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
