"""Compiled step graphs as Mermaid or Graphviz DOT text, for review in a pull request."""

from __future__ import annotations

import json

from compiler.models import Artifact, Step

_MERMAID_SHAPES = {"decision": ("{", "}"), "end": ("((", "))"), "escalate": ("[/", "/]")}


def _label(step: Step) -> str:
    """The text a reader needs: kind, tool, gate, and the start of the step's words."""
    words = step.text if len(step.text) <= 60 else step.text[:57] + "..."
    tool = f" [{step.tool.name}]" if step.tool else ""
    gate = " (human)" if step.gate == "human" else ""
    return "end" if step.kind == "end" else f"{step.kind}{tool}{gate}: {words}"


def to_mermaid(artifact: Artifact) -> str:
    """A Mermaid flowchart: one node per step, edge labels for conditions."""
    ids = {step.id: f"s{index}" for index, step in enumerate(artifact.steps)}
    lines = ["flowchart TD"]
    for step in artifact.steps:
        left, right = _MERMAID_SHAPES.get(step.kind, ("[", "]"))
        text = _label(step).replace('"', "'")
        lines.append(f'    {ids[step.id]}{left}"{text}"{right}')
    for step in artifact.steps:
        for edge in step.next:
            when = f'|"{edge.when.replace(chr(34), chr(39))}"|' if edge.when else ""
            lines.append(f"    {ids[step.id]} -->{when} {ids[edge.to]}")
    lines += [f"    class {ids[s.id]} human" for s in artifact.steps if s.gate == "human"]
    lines.append("    classDef human stroke:#c00,stroke-width:2px")
    return "\n".join(lines) + "\n"


def to_dot(artifact: Artifact) -> str:
    """A Graphviz digraph with the same nodes and edges."""
    lines = [f"digraph {json.dumps(artifact.runbook.id)} {{", "    rankdir=TB;"]
    for step in artifact.steps:
        shape = {"decision": "diamond", "end": "doublecircle"}.get(step.kind, "box")
        color = ', color="red"' if step.gate == "human" else ""
        lines.append(
            f"    {json.dumps(step.id)} [shape={shape}, label={json.dumps(_label(step))}{color}];"
        )
    for step in artifact.steps:
        for edge in step.next:
            label = f" [label={json.dumps(edge.when)}]" if edge.when else ""
            lines.append(f"    {json.dumps(step.id)} -> {json.dumps(edge.to)}{label};")
    lines.append("}")
    return "\n".join(lines) + "\n"
