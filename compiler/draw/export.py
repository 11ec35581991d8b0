"""Compiled step graphs as Mermaid or Graphviz DOT text, for review in a pull request."""

from __future__ import annotations

from compiler.draw.view import StepView, runbook_flags, shorten, step_views
from compiler.models import Artifact

TEXT_LIMIT = 60
CONDITION_LIMIT = 50

_MERMAID_SHAPES = {
    "action": ("[", "]"),
    "check": ("([", "])"),
    "decision": ("{", "}"),
    "manual": ("[/", "\\]"),
    "escalate": ("{{", "}}"),
    "end": ("((", "))"),
}
_MERMAID_CLASSES = (
    "    classDef human stroke:#c00,stroke-width:3px",
    "    classDef approval stroke:#b45309,stroke-width:3px,stroke-dasharray:6 3",
    "    classDef destructive fill:#fde2e2",
    "    classDef flagged color:#8a1c1c",
)
_DOT_SHAPES = {
    "action": "box",
    "check": "box",
    "decision": "diamond",
    "manual": "trapezium",
    "escalate": "hexagon",
    "end": "doublecircle",
}


def _lines(view: StepView) -> list[str]:
    """The label's lines: heading, marks, the step's words (cut short), open flags."""
    return [text for _, text in view.label([shorten(view.step.text, TEXT_LIMIT)])]


def _mermaid_text(text: str) -> str:
    """Text safe inside a quoted Mermaid label (Mermaid's `#name;` entity codes)."""
    for plain, code in (("#", "#35;"), ('"', "#quot;"), ("<", "#lt;"), (">", "#gt;")):
        text = text.replace(plain, code)
    return text


def to_mermaid(artifact: Artifact) -> str:
    """A Mermaid flowchart: a shape per step kind, marks for gates, risks and open flags,
    edge labels for conditions."""
    views = step_views(artifact)
    ids = {view.step.id: f"s{view.number}" for view in views}
    lines = ["flowchart TD"]
    for view in views:
        left, right = _MERMAID_SHAPES[view.step.kind]
        label = "<br/>".join(_mermaid_text(line) for line in _lines(view))
        lines.append(f'    {ids[view.step.id]}{left}"{label}"{right}')
    flags = runbook_flags(artifact)
    if flags:
        lines.append(f'    runbook_flags["{flags}"]:::flagged')
    for view in views:
        for edge in view.step.next:
            when = shorten(edge.when, CONDITION_LIMIT) if edge.when else ""
            label = f'|"{_mermaid_text(when)}"|' if when else ""
            lines.append(f"    {ids[view.step.id]} -->{label} {ids.get(edge.to, 'missing')}")
    for view in views:
        classes = [*view.marks, *(["flagged"] if view.unsigned else [])]
        lines += [f"    class {ids[view.step.id]} {name}" for name in classes]
    return "\n".join([*lines, *_MERMAID_CLASSES]) + "\n"


def _dot_string(text: str) -> str:
    """A DOT double-quoted string; newlines become DOT's centred line breaks."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("\n", "\\n") + '"'


def _dot_attributes(view: StepView) -> str:
    styles = ["rounded"] if view.step.kind == "check" else []
    attributes = [f"shape={_DOT_SHAPES[view.step.kind]}"]
    if "destructive" in view.marks:
        styles.append("filled")
        attributes.append('fillcolor="#fde2e2"')
    if "approval" in view.marks:
        styles.append("dashed")
        attributes += ['color="#b45309"', "penwidth=2"]
    if "human" in view.marks:
        attributes += ['color="#cc0000"', "penwidth=2"]
    if view.unsigned:
        attributes.append('fontcolor="#8a1c1c"')
    if styles:
        attributes.append(f'style="{",".join(styles)}"')
    attributes.append(f"label={_dot_string(chr(10).join(_lines(view)))}")
    attributes.append(f"tooltip={_dot_string(view.details)}")
    return ", ".join(attributes)


def to_dot(artifact: Artifact) -> str:
    """A Graphviz digraph with the same nodes, marks and edges as the Mermaid chart."""
    lines = [f"digraph {_dot_string(artifact.runbook.id)} {{", "    rankdir=TB;"]
    flags = runbook_flags(artifact)
    if flags:
        lines.append(f"    labelloc=t; label={_dot_string(flags)};")
    views = step_views(artifact)
    lines += [f"    {_dot_string(v.step.id)} [{_dot_attributes(v)}];" for v in views]
    for view in views:
        for edge in view.step.next:
            when = shorten(edge.when, CONDITION_LIMIT) if edge.when else ""
            label = f" [label={_dot_string(when)}]" if when else ""
            lines.append(f"    {_dot_string(view.step.id)} -> {_dot_string(edge.to)}{label};")
    lines.append("}")
    return "\n".join(lines) + "\n"
