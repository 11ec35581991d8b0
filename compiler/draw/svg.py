"""A step graph drawn as SVG at build time, so the HTML report needs no renderer at view time.

The drawing carries no style of its own: kinds, gates, risks and open flags are CSS classes
(`kind-decision`, `human`, `destructive`, `flagged`, ...) that the report's stylesheet paints.
Elements are built with ElementTree, which escapes every piece of runbook text."""

from __future__ import annotations

import textwrap
import xml.etree.ElementTree as ET

from compiler.draw.layout import (
    LINE_HEIGHT,
    MARGIN,
    NODE_WIDTH,
    PADDING,
    TOP,
    Box,
    EdgeSpec,
    Layout,
    layout,
)
from compiler.draw.view import StepView, runbook_flags, shorten, step_views
from compiler.models import Artifact

TEXT_COLUMNS = 40
TEXT_LINES = 3
LABEL_LIMIT = 36
LABEL_CHAR_WIDTH = 6.2
FLAG_CHAR_WIDTH = 7.5
"""Upper bounds of a character's width in the 11px edge labels and the 12px bold flags."""
NOTCH = 10
"""How far the left-side shape of a kind reaches into its box."""


def _node_lines(view: StepView) -> list[tuple[str, str]]:
    """(css class, text) for each line of a node, the step's words wrapped to the box."""
    words = textwrap.wrap(
        " ".join(view.step.text.split()), TEXT_COLUMNS, max_lines=TEXT_LINES, placeholder=" …"
    )
    return [
        (part, shorten(text, TEXT_COLUMNS + 2) if part == "heading" else text)
        for part, text in view.label(words)
    ]


def _outline(kind: str, box: Box) -> ET.Element:
    """The node's shape: the left side tells the kind, the right side stays flat for edges."""
    x, y, right, bottom = box.x, box.y, box.right, box.bottom
    middle = y + box.height / 2
    if kind in ("check", "end"):
        radius = box.height / 2 if kind == "end" else 12
        return ET.Element(
            "rect",
            x=_n(x),
            y=_n(y),
            width=_n(box.width),
            height=_n(box.height),
            rx=_n(radius),
        )
    left = {
        "decision": [(x + NOTCH, y), (x, middle), (x + NOTCH, bottom)],
        "manual": [(x + NOTCH, y), (x, bottom)],
        "escalate": [(x, y), (x + NOTCH, middle), (x, bottom)],
    }.get(kind, [(x, y), (x, bottom)])
    corners = [left[0], (right, y), (right, bottom), *reversed(left[1:])]
    return ET.Element("polygon", points=" ".join(f"{_n(a)},{_n(b)}" for a, b in corners))


def _n(value: float) -> str:
    """A coordinate as SVG text: whole numbers without a decimal point."""
    return f"{value:.1f}".removesuffix(".0")


def _node(view: StepView, box: Box, prefix: str, lines: list[tuple[str, str]]) -> ET.Element:
    classes = ["node", f"kind-{view.step.kind}", *view.marks]
    if view.unsigned:
        classes.append("flagged")
    group = ET.Element(
        "g", {"class": " ".join(classes), "id": f"{prefix}-s{view.number}", "tabindex": "0"}
    )
    group.set("data-step", view.step.id)
    group.set("data-number", str(view.number))
    ET.SubElement(group, "title").text = view.details
    group.append(_outline(view.step.kind, box))
    indent = NOTCH + 6 if view.step.kind not in ("action", "check", "end") else PADDING
    for row, (css, text) in enumerate(lines):
        baseline = box.y + PADDING + LINE_HEIGHT * row + 12
        attributes = {"class": css, "x": _n(box.x + indent), "y": _n(baseline)}
        if view.step.kind == "end":
            attributes.update({"x": _n(box.center_x), "text-anchor": "middle"})
        ET.SubElement(group, "text", attributes).text = text
    return group


def _edge(
    source: StepView,
    target: StepView,
    when: str | None,
    points: str,
    label_at: tuple[float, float],
    arrow: str,
) -> ET.Element:
    classes = "edge conditional" if when else "edge"
    group = ET.Element("g", {"class": classes})
    group.set("data-from", str(source.number))
    group.set("data-to", str(target.number))
    ET.SubElement(group, "title").text = f"{source.number} → {target.number}" + (
        f" when {when}" if when else ""
    )
    ET.SubElement(group, "polyline", {"points": points, "marker-end": f"url(#{arrow})"})
    if when:
        x, y = label_at
        label = ET.SubElement(group, "text", {"class": "edge-label", "x": _n(x), "y": _n(y)})
        label.text = shorten(when, LABEL_LIMIT)
    return group


def _start(layout_: Layout, arrow: str) -> ET.Element:
    first = layout_.boxes[0]
    group = ET.Element("g", {"class": "start"})
    ET.SubElement(group, "title").text = "start"
    top = TOP - 26
    ET.SubElement(group, "circle", cx=_n(first.center_x), cy=_n(top), r="6")
    ET.SubElement(
        group,
        "polyline",
        {
            "points": f"{_n(first.center_x)},{_n(top + 6)} {_n(first.center_x)},{_n(first.y)}",
            "marker-end": f"url(#{arrow})",
        },
    )
    return group


def _arrow_marker(identifier: str) -> ET.Element:
    defs = ET.Element("defs")
    marker = ET.SubElement(
        defs,
        "marker",
        {
            "id": identifier,
            "viewBox": "0 0 10 10",
            "refX": "9",
            "refY": "5",
            "markerWidth": "7",
            "markerHeight": "7",
            "orient": "auto-start-reverse",
        },
    )
    ET.SubElement(marker, "path", {"d": "M0,0 L10,5 L0,10 z", "class": "arrow"})
    return defs


def graph_svg(artifact: Artifact, prefix: str) -> str:
    """The step graph as an SVG element; ids start with `prefix` so one page can hold many."""
    views = step_views(artifact)
    rows = {view.step.id: index for index, view in enumerate(views)}
    node_lines = [_node_lines(view) for view in views]
    # The graph stage only makes edges between steps; a hand-edited artifact fails its
    # integrity check before it gets here. Still, a dangling edge is left out, not a crash.
    edges = [(view, edge) for view in views for edge in view.step.next if edge.to in rows]
    specs = [
        EdgeSpec(rows[view.step.id], rows[edge.to], _label_width(edge.when)) for view, edge in edges
    ]
    drawn = layout([len(lines) for lines in node_lines], specs)
    arrow = f"{prefix}-arrow"
    svg = _canvas(artifact, drawn, arrow)
    if drawn.boxes and artifact.entry == views[0].step.id:
        svg.append(_start(drawn, arrow))
    for (view, edge), route in zip(edges, drawn.routes, strict=True):
        points = " ".join(f"{_n(x)},{_n(y)}" for x, y in route.points)
        target = views[rows[edge.to]]
        svg.append(_edge(view, target, edge.when, points, route.label_at, arrow))
    for view, box, lines in zip(views, drawn.boxes, node_lines, strict=True):
        svg.append(_node(view, box, prefix, lines))
    return ET.tostring(svg, encoding="unicode")


def _canvas(artifact: Artifact, drawn: Layout, arrow: str) -> ET.Element:
    """The svg element, wide enough for the drawing and the runbook's own open flags, which
    sit beside the start marker."""
    flags_text = runbook_flags(artifact)
    flags_x = MARGIN + NODE_WIDTH / 2 + 14
    width = max(drawn.width, flags_x + len(flags_text) * FLAG_CHAR_WIDTH + MARGIN)
    svg = ET.Element(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "class": "step-graph",
            "role": "group",
            "width": _n(width),
            "height": _n(drawn.height),
            "viewBox": f"0 0 {_n(width)} {_n(drawn.height)}",
        },
    )
    svg.set("aria-label", f"Step graph of {artifact.runbook.title}")
    svg.append(_arrow_marker(arrow))
    if flags_text:
        label = ET.SubElement(svg, "text", {"class": "flags", "x": _n(flags_x), "y": "18"})
        label.text = flags_text
    return svg


def _label_width(when: str | None) -> float:
    return len(shorten(when, LABEL_LIMIT)) * LABEL_CHAR_WIDTH if when else 0
