"""Where to draw a step graph: boxes top to bottom in source order, edges around them.

Steps keep the order the author wrote them in, so the drawing reads in the same order as the
source shown beside it. An edge to the next step is a short vertical line; every other edge
(a skip forward, a loop back) leaves the box on its right, runs down or up a vertical lane,
and comes back in. Lanes are shared by edges whose row ranges do not overlap, shorter edges
nearer the boxes, so nested branches draw as nested brackets and lanes never collide."""

from __future__ import annotations

from dataclasses import dataclass

NODE_WIDTH = 300
LINE_HEIGHT = 16
PADDING = 10
ROW_GAP = 34
MARGIN = 16
TOP = 40
"""Room above the first box for the start marker."""
LANE_OFFSET = 22
LANE_GAP = 14
LABEL_GAP = 6


@dataclass(frozen=True)
class Box:
    """A node's rectangle."""

    x: float
    y: float
    width: float
    height: float

    @property
    def center_x(self) -> float:
        """Horizontal middle."""
        return self.x + self.width / 2

    @property
    def right(self) -> float:
        """Right side."""
        return self.x + self.width

    @property
    def bottom(self) -> float:
        """Bottom side."""
        return self.y + self.height


@dataclass(frozen=True)
class EdgeSpec:
    """An edge to lay out: row indexes of its ends and the width its label needs."""

    source: int
    target: int
    label_width: float = 0


@dataclass(frozen=True)
class Route:
    """An edge as drawn: a polyline ending at its target, and where its label starts."""

    points: tuple[tuple[float, float], ...]
    label_at: tuple[float, float]


@dataclass(frozen=True)
class Layout:
    """Boxes (by row), routes (by edge, in the order given) and the canvas size."""

    boxes: tuple[Box, ...]
    routes: tuple[Route, ...]
    width: float
    height: float


def _boxes(line_counts: list[int]) -> list[Box]:
    boxes, y = [], float(TOP)
    for lines in line_counts:
        height = 2 * PADDING + max(lines, 1) * LINE_HEIGHT
        boxes.append(Box(MARGIN, y, NODE_WIDTH, height))
        y += height + ROW_GAP
    return boxes


def _is_straight(edges: list[EdgeSpec]) -> list[bool]:
    """An edge to the next row is drawn straight down, once per pair of rows."""
    seen: set[tuple[int, int]] = set()
    straight = []
    for edge in edges:
        pair = (edge.source, edge.target)
        straight.append(edge.target == edge.source + 1 and pair not in seen)
        seen.add(pair)
    return straight


def _span(edge: EdgeSpec) -> tuple[float, float]:
    low, high = sorted((edge.source, edge.target))
    # A loop to itself still needs its lane to itself beside its box.
    return (low - 0.5, high + 0.5) if low == high else (low, high)


def assign_lanes(spans: list[tuple[float, float]]) -> list[int]:
    """A lane per span: the innermost lane whose spans do not overlap it, shortest first.
    Spans that only touch at an end share a lane: their ports sit apart on the shared box."""
    lanes: list[list[tuple[float, float]]] = []
    assigned = [0] * len(spans)
    for index in sorted(range(len(spans)), key=lambda i: (spans[i][1] - spans[i][0], spans[i])):
        low, high = spans[index]
        for lane, taken in enumerate(lanes):
            if all(high <= other_low or other_high <= low for other_low, other_high in taken):
                taken.append((low, high))
                assigned[index] = lane
                break
        else:
            lanes.append([(low, high)])
            assigned[index] = len(lanes) - 1
    return assigned


def _ports(
    boxes: list[Box], edges: list[EdgeSpec], lanes: dict[int, int]
) -> dict[tuple[int, int], float]:
    """The y of each lane edge's ends, keyed by (edge, 0 for its source or 1 for its target).

    On a box, ends whose other end lies above go on top, inner lanes first; ends whose other
    end lies below go underneath, outer lanes first; so no edge crosses a lane at its box.
    A loop to its own box counts as below, leaving above its return."""
    ends: dict[int, list[tuple[int, int, int, int]]] = {}
    for index, lane in lanes.items():
        edge = edges[index]
        for end, row, other in ((0, edge.source, edge.target), (1, edge.target, edge.source)):
            below = other > row or (other == row and end == 0)
            group, order = (1, -lane) if below else (0, lane)
            ends.setdefault(row, []).append((group, order, index, end))
    ports: dict[tuple[int, int], float] = {}
    for row, attached in ends.items():
        box = boxes[row]
        for slot, (_, _, index, end) in enumerate(sorted(attached)):
            ports[(index, end)] = box.y + box.height * (slot + 1) / (len(attached) + 1)
    return ports


def _lane_x(lane: int) -> float:
    return MARGIN + NODE_WIDTH + LANE_OFFSET + lane * LANE_GAP


def layout(line_counts: list[int], edges: list[EdgeSpec]) -> Layout:
    """Lay out boxes of the given text line counts (in order) and the edges between them."""
    boxes = _boxes(line_counts)
    straight = _is_straight(edges)
    lane_edges = [i for i, is_straight in enumerate(straight) if not is_straight]
    lanes = dict(zip(lane_edges, assign_lanes([_span(edges[i]) for i in lane_edges]), strict=True))
    ports = _ports(boxes, edges, lanes)
    routes: list[Route] = []
    right_edge = float(MARGIN + NODE_WIDTH)
    for index, edge in enumerate(edges):
        start, end = boxes[edge.source], boxes[edge.target]
        points: tuple[tuple[float, float], ...]
        if straight[index]:
            middle = (start.bottom + end.y) / 2
            points = ((start.center_x, start.bottom), (end.center_x, end.y))
            label_at = (start.center_x + LABEL_GAP, middle + 4)
        else:
            x = _lane_x(lanes[index])
            y1, y2 = ports[(index, 0)], ports[(index, 1)]
            points = ((start.right, y1), (x, y1), (x, y2), (end.right, y2))
            label_at = (x + LABEL_GAP, y1 + (12 if y2 > y1 else -4))
        routes.append(Route(points, label_at))
        right_edge = max(right_edge, label_at[0] + edge.label_width, points[1][0])
    height = (boxes[-1].bottom if boxes else TOP) + MARGIN
    return Layout(tuple(boxes), tuple(routes), right_edge + MARGIN, height)
