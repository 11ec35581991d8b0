"""Frozen value classes whose methods are written once, not generated for every class.

`@dataclass(frozen=True)` writes `__init__`, `__repr__`, `__eq__`, `__hash__`, `__setattr__`
and `__delattr__` as source text and compiles each when the class is defined: about six
`exec`s per class, a fifth of a single-file `check` for the fifty-odd classes on its path (no
cache may keep compiled code, see docs/benchmarks.md "Session 7"). A value class here is
declared as

    @dataclass(init=False, repr=False, eq=False)
    class Span(Value):
        line: int
        column: int

        def __init__(self, line: int, column: int) -> None:
            set_field(self, "line", line)
            set_field(self, "column", column)

so `dataclasses` generates nothing (it still records the fields: `fields`, `replace` and
`asdict` work), the `__init__` is ordinary code in the module's bytecode, and `Value` gives
what the frozen dataclass gave, worked out from the fields: equality and hash over the
fields that compare (a tuple of them, as the dataclass does), the repr, read-only instances
(`FrozenInstanceError`) and pickling. `tests/test_values.py` checks that every value class's
`__init__` takes exactly its fields, in order, with their defaults, and puts each argument in
its own field. A `default_factory` field's parameter defaults to None, which stands for a
fresh default: an explicit None is read the same way.

The cost is that each class spells its fields twice (annotations and `__init__`); what it buys
is measured in docs/benchmarks.md "Session 9" (a single-file `check` 988 M -> 806 M
instructions, the 3x target met).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from operator import attrgetter
from typing import Any

set_field = object.__setattr__
"""Sets a field of a value being built (its `__setattr__` refuses, as a frozen dataclass's)."""


def _getter(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """The tuple of those fields of a value (`attrgetter` gives a tuple for two or more)."""
    if len(names) >= 2:
        return attrgetter(*names)
    return lambda value: tuple(getattr(value, name) for name in names)


class _Shape:
    """What a class's equality, hash, repr and pickling read, worked out once."""

    __slots__ = ("compared", "hashed", "names", "shown")

    def __init__(self, kind: type) -> None:
        fields = dataclasses.fields(kind)
        self.names = tuple(f.name for f in fields)
        self.compared = _getter(tuple(f.name for f in fields if f.compare))
        self.hashed = _getter(
            tuple(f.name for f in fields if (f.compare if f.hash is None else f.hash))
        )
        self.shown = tuple(f.name for f in fields if f.repr)


_SHAPES: dict[type, _Shape] = {}


def _shape(kind: type) -> _Shape:
    shape = _SHAPES.get(kind)
    if shape is None:
        shape = _SHAPES[kind] = _Shape(kind)
    return shape


class Value:
    """Base of a frozen value class declared with `@dataclass(init=False, repr=False,
    eq=False)` and its own `__init__` (see the module docstring)."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        compared = _shape(self.__class__).compared
        return bool(compared(self) == compared(other))

    def __hash__(self) -> int:
        return hash(_shape(self.__class__).hashed(self))

    def __repr__(self) -> str:
        shown = ", ".join(f"{n}={getattr(self, n)!r}" for n in _shape(self.__class__).shown)
        return f"{self.__class__.__qualname__}({shown})"

    def __setattr__(self, name: str, value: object) -> None:
        raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")

    def __getstate__(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in _shape(self.__class__).names}

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name, item in state.items():
            set_field(self, name, item)
