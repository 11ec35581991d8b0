"""YAML for untrusted input: the safe loader, with bounded nesting and alias expansion.

PyYAML's safe loader refuses arbitrary objects, but not a "billion laughs" document (a few
lines of anchors and aliases that expand to billions of nodes once anything walks them), a
recursive alias (`a: &a [*a]`, a cyclic value), or nesting deep enough to exhaust the
interpreter's recursion limit (libyaml's composer then crashes the process outright). So the
event stream, which the parser produces without recursion, is checked first; only a document
within the limits is loaded. Every refusal is a `yaml.YAMLError` with the offending position.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import yaml

MAX_DEPTH = 32
"""Deepest nesting of collections accepted; hand-written files need a handful."""

MAX_ALIASED_NODES = 100_000
"""Most nodes that aliases may add, counted as if each alias were copied out in full."""

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader when PyYAML was built with it (ten times faster), else the pure one."""


class YAMLLimitError(yaml.MarkedYAMLError):
    """A document over the nesting or alias limit, or with a recursive alias."""


def safe_load(text: str) -> Any:
    """Load one YAML document like `yaml.safe_load`, refusing documents over the limits."""
    check_limits(text)
    return yaml.load(text, Loader=LOADER)


def check_limits(text: str) -> None:
    """Raise YAMLLimitError (or the parser's own YAMLError) unless every document in `text`
    nests at most MAX_DEPTH deep, has no recursive alias, and its aliases add at most
    MAX_ALIASED_NODES nodes. Costs one pass over the events; no value is built."""
    open_collections: list[tuple[str | None, list[int]]] = []  # (anchor, [expanded size])
    sizes: dict[str, int] = {}
    aliased = 0

    def finished(anchor: str | None, size: int) -> None:
        if anchor is not None:
            sizes[anchor] = size
        if open_collections:
            open_collections[-1][1][0] += size

    for event in _events(text):
        if isinstance(event, yaml.DocumentStartEvent):
            sizes.clear()
        elif isinstance(event, yaml.AliasEvent):
            if any(anchor == event.anchor for anchor, _ in open_collections):
                raise _error(f"recursive alias *{event.anchor}", event)
            size = sizes.get(event.anchor or "", 1)
            aliased += size
            if aliased > MAX_ALIASED_NODES:
                raise _error(f"aliases expand to more than {MAX_ALIASED_NODES} nodes", event)
            finished(None, size)
        elif isinstance(event, yaml.ScalarEvent):
            finished(event.anchor, 1)
        elif isinstance(event, yaml.CollectionStartEvent):
            if len(open_collections) >= MAX_DEPTH:
                raise _error(f"nested more than {MAX_DEPTH} levels deep", event)
            open_collections.append((event.anchor, [1]))
        elif isinstance(event, yaml.CollectionEndEvent) and open_collections:
            anchor, total = open_collections.pop()
            finished(anchor, total[0])


def _events(text: str) -> Iterator[yaml.Event]:
    """The parser's events. libyaml (0.2.6 and later) scans flow collections ahead and stops
    at its own nesting limit before our count is reached: that is the same refusal, so it
    is reported in the same words."""
    try:
        yield from yaml.parse(text, Loader=LOADER)
    except yaml.MarkedYAMLError as error:
        if "maximum nesting depth" not in str(error.problem):
            raise
        raise YAMLLimitError(
            problem=f"nested more than {MAX_DEPTH} levels deep", problem_mark=error.problem_mark
        ) from None


def _error(problem: str, event: yaml.Event) -> YAMLLimitError:
    start = event.start_mark
    mark = yaml.Mark("<yaml>", start.index, start.line, start.column, "", 0) if start else None
    return YAMLLimitError(problem=problem, problem_mark=mark)
