"""Bound steps -> step graph: stable ids, sequence, decisions, jumps, escalation and the end."""

from __future__ import annotations

import bisect
import hashlib
import re
from collections import Counter, deque
from dataclasses import dataclass, field

from compiler.bind import BoundStep
from compiler.extract import DraftStep, Jump
from compiler.issues import GraphIssue as GraphIssue
from compiler.parse import anchor, normalise
from compiler.records import Edge, Step, StepKind
from compiler.text.markup import without_html_comments
from compiler.values import Value, set_field

END_ID = "end"
_MAX_SLUG_WORDS = 7

_NON_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass(init=False, repr=False, eq=False)
class StepGraph(Value):
    """Steps in source order (plus the end), each with its bound step, and structural issues."""

    steps: list[Step]
    bound: dict[str, BoundStep]
    entry: str | None
    issues: list[GraphIssue] = field(default_factory=list)

    def __init__(
        self,
        steps: list[Step],
        bound: dict[str, BoundStep],
        entry: str | None,
        issues: list[GraphIssue] | None = None,
    ) -> None:
        set_field(self, "steps", steps)
        set_field(self, "bound", bound)
        set_field(self, "entry", entry)
        set_field(self, "issues", [] if issues is None else issues)


def step_id(draft: DraftStep, words: int | None = _MAX_SLUG_WORDS) -> str:
    """A stable id from the section heading and the step's own words, not its position.

    With `words=None` the whole text is used: its slug, shortened with a hash of the text."""
    section = _slug(draft.section.split(" > ")[-1])[:48] if draft.section else "steps"
    slug = _slug(draft.id_words or draft.text)
    if words is not None:
        slug = "-".join(slug.split("-")[:words])[:48]
    elif len(slug) > 48:
        words_of = draft.id_words or draft.text
        digest = hashlib.sha256(normalise(words_of).encode("utf-8")).hexdigest()[:8]
        slug = f"{slug[:39].rstrip('-')}-{digest}"
    return f"{section or 'steps'}/{slug.strip('-') or 'step'}"


def _slug(text: str) -> str:
    """An id's words: those a reader sees (an HTML comment's are never an agent's to read)."""
    return _NON_SLUG.sub("-", without_html_comments(text).lower()).strip("-")


def build_graph(bound: list[BoundStep], anchors: set[str]) -> StepGraph:
    """Build the step graph; `anchors` are the slugs of every heading in the document."""
    ids, issues = _assign_ids(bound)
    by_id = dict(zip(ids, bound, strict=True))
    skips = _branch_ends(bound)
    steps: list[Step] = []
    targets = _Targets(bound)
    for index, (sid, item) in enumerate(zip(ids, bound, strict=True)):
        edges = _edges(index, ids, bound, anchors, issues, targets)
        if index in skips and edges == [Edge(to=_next(ids, index))]:
            edges = [Edge(to=_next(ids, skips[index] - 1))]
        steps.append(_step(sid, item, edges))
    if steps:
        steps.append(Step(id=END_ID, kind="end", text="", source=None, gate="auto"))
    entry = steps[0].id if steps else None
    issues += _reachability(steps, entry)
    return StepGraph(steps, by_id, entry, issues)


def _branch_ends(bound: list[BoundStep]) -> dict[int, int]:
    """Last step of a decision's first branch -> the index after its `otherwise` branch: the
    first branch skips the second ("If X, do Y. Otherwise Z.": Y goes past Z)."""
    ends: dict[int, int] = {}
    for index, item in enumerate(bound):
        draft = item.draft
        if draft.kind == "decision" and draft.branch_size and draft.else_size:
            ends[index + draft.branch_size] = index + 1 + draft.branch_size + draft.else_size
    return ends


def _next(ids: list[str], index: int) -> str:
    return ids[index + 1] if index + 1 < len(ids) else END_ID


def _assign_ids(bound: list[BoundStep]) -> tuple[list[str], list[GraphIssue]]:
    """Short ids from the first words; longer ones where those collide; a suffix only for
    steps with identical text in the same section."""
    short = [step_id(item.draft) for item in bound]
    collisions = {sid for sid, count in Counter(short).items() if count > 1}
    bases = [
        step_id(item.draft, words=None) if sid in collisions else sid
        for sid, item in zip(short, bound, strict=True)
    ]
    taken = set(bases)
    ids: list[str] = []
    seen: dict[str, int] = {}
    issues = []
    for base, item in zip(bases, bound, strict=True):
        count = seen.get(base, 0) + 1
        sid = base
        if count > 1:
            # The next free suffix: another step's own id may already be `base-2`.
            while f"{base}-{count}" in taken:
                count += 1
            sid = f"{base}-{count}"
            taken.add(sid)
            issues.append(
                GraphIssue(
                    "duplicate-step-id",
                    sid,
                    item.draft.span,
                    item.draft.text,
                    f"same section and words as step `{base}`",
                )
            )
        seen[base] = count
        ids.append(sid)
    return ids, issues


def _kind(item: BoundStep) -> StepKind:
    draft_kind = item.draft.kind
    if draft_kind in ("decision", "escalate"):
        return draft_kind
    effect = item.effect or (item.definition.effect if item.definition else None)
    if effect in ("write", "destructive"):
        return "action"
    if item.definition is None:
        return "check" if draft_kind == "check" else "manual"
    return "check"


def _step(sid: str, item: BoundStep, edges: list[Edge]) -> Step:
    tool = item.definition
    return Step(
        id=sid,
        kind=_kind(item),
        text=item.draft.text,
        section=item.draft.section,
        source=item.draft.span,
        note=item.draft.note,
        condition=item.draft.condition,
        context=list(item.draft.context),
        tool=item.tool,
        effect=item.effect or (tool.effect if tool else None),
        permission=tool.permission if tool else None,
        requires_approval=(tool.requires_approval if tool else False)
        or item.effect == "destructive",
        next=edges,
    )


def _edges(
    index: int,
    ids: list[str],
    bound: list[BoundStep],
    anchors: set[str],
    issues: list[GraphIssue],
    targets: _Targets,
) -> list[Edge]:
    draft = bound[index].draft
    following = ids[index + 1] if index + 1 < len(ids) else END_ID
    if draft.kind == "decision" and draft.branch_size > 0:
        skip = index + 1 + draft.branch_size
        after = ids[skip] if skip < len(ids) else END_ID
        return [Edge(to=following, when=draft.condition), Edge(to=after, when="otherwise")]
    if not draft.jumps:
        return [Edge(to=following)]
    edges = []
    for jump in draft.jumps:
        target = None if jump.by == "reference" else _resolve(draft, jump, ids, targets, anchors)
        if target is None:
            if jump.by == "step-number" or jump.target not in anchors:
                issues.append(
                    GraphIssue(
                        "dangling-reference", ids[index], jump.span, jump.target, _describe(jump)
                    )
                )
            continue
        edges.append(Edge(to=target, when=jump.when or draft.condition))
    if not edges:
        return [Edge(to=following)]
    if all(edge.when is None for edge in edges):
        return edges[:1]
    if not any(edge.when == "otherwise" for edge in edges):
        edges.append(Edge(to=following, when="otherwise"))
    elif draft.condition and all(edge.when in (None, "otherwise") for edge in edges):
        # "If it is urgent, do this step. Otherwise, skip to step 3.": the condition's own
        # branch goes on to the next step
        edges.insert(0, Edge(to=following, when=draft.condition))
    return [edge for edge in edges if edge.when is not None]


def _describe(jump: Jump) -> str:
    return f"step {jump.target}" if jump.by == "step-number" else f"#{jump.target}"


_STEP_LABEL = re.compile(r"^\s*step\s+(\d+)\b", re.IGNORECASE)


class _Targets:
    """Where "go to step N" and "[...](#anchor)" jumps can land, indexed once per graph:
    scanning every step for every jump was quadratic in the number of jumps."""

    def __init__(self, bound: list[BoundStep]) -> None:
        self.in_list: dict[tuple[int, int], list[int]] = {}
        self.in_section: dict[tuple[str | None, int], list[int]] = {}
        self.numbered: dict[int, list[int]] = {}
        labelled: dict[str, list[tuple[int, int]]] = {}
        self.sections: dict[str, int] = {}
        for i, item in enumerate(bound):
            draft = item.draft
            number = draft.list_number
            if number is not None:
                if draft.list_key is not None:
                    self.in_list.setdefault((draft.list_key, number), []).append(i)
                self.in_section.setdefault((draft.section, number), []).append(i)
                self.numbered.setdefault(number, []).append(i)
            for label in _labels(draft):
                labelled.setdefault(label, []).append((draft.span.line, i))
            for title in draft.section.split(" > ") if draft.section else ():
                self.sections.setdefault(anchor(title), i)
        self.labelled = {label: _Earliest(places) for label, places in labelled.items()}

    def step(self, draft: DraftStep, number: int) -> int | None:
        """The step "go to step N" from `draft` means: in its list, its section, labelled
        "Step N" (the first at or after it, else the first), or the only step numbered N."""
        if draft.list_key is not None and (draft.list_key, number) in self.in_list:
            return self.in_list[(draft.list_key, number)][0]
        if (draft.section, number) in self.in_section:
            return self.in_section[(draft.section, number)][0]
        if str(number) in self.labelled:
            return self.labelled[str(number)].from_line(draft.span.line)
        anywhere = self.numbered.get(number, [])
        return anywhere[0] if len(anywhere) == 1 else None


class _Earliest:
    """The first step (by position) at or after a line, else the first of all, in log time."""

    def __init__(self, places: list[tuple[int, int]]) -> None:
        self.lines = sorted(places)
        self.first_from = [i for _, i in self.lines]
        for k in range(len(self.first_from) - 2, -1, -1):
            self.first_from[k] = min(self.first_from[k], self.first_from[k + 1])
        self.first = min(i for _, i in places)

    def from_line(self, line: int) -> int:
        k = bisect.bisect_left(self.lines, (line, -1))
        return self.first_from[k] if k < len(self.lines) else self.first


def _labels(draft: DraftStep) -> set[str]:
    """N of "Step N" written at the start of the step's text, lead-in or heading, and of a
    numbered heading ("### 3. Add the colour": "skip to step 3" lands on its first step)."""
    heading = draft.section.split(" > ")[-1] if draft.section else ""
    labels = {
        match.group(1)
        for text in (draft.text, draft.note or "", heading)
        if (match := _STEP_LABEL.match(text))
    }
    if numbered := _NUMBERED_HEADING.match(heading):
        labels.add(numbered.group(1))
    return labels


_NUMBERED_HEADING = re.compile(r"^\s*(\d+)[.)]\s")


def _resolve(
    draft: DraftStep, jump: Jump, ids: list[str], targets: _Targets, anchors: set[str]
) -> str | None:
    if jump.by == "end":
        return END_ID
    if jump.by == "step-number":
        found = targets.step(draft, int(jump.target))
        return ids[found] if found is not None else None
    found = targets.sections.get(jump.target) if jump.target in anchors else None
    return ids[found] if found is not None else None


def _reachability(steps: list[Step], entry: str | None) -> list[GraphIssue]:
    if entry is None:
        return []
    by_id = {s.id: s for s in steps}
    seen = {entry}
    queue = deque([entry])
    while queue:
        for edge in by_id[queue.popleft()].next:
            if edge.to in by_id and edge.to not in seen:
                seen.add(edge.to)
                queue.append(edge.to)
    issues = [
        GraphIssue("unreachable-step", s.id, s.source, s.text, "no edge leads here")
        for s in steps
        if s.id not in seen and s.source is not None
    ]
    if END_ID not in seen:
        first = steps[0]
        assert first.source is not None
        issues.append(
            GraphIssue(
                "no-end",
                first.id,
                first.source,
                first.text,
                "every path loops back; no path reaches the end",
            )
        )
    return issues
