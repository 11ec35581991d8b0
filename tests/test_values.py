"""Value classes (compiler.values): each written `__init__` takes exactly the class's fields, and
an instance behaves as the frozen dataclass it replaces (equality, hash, repr, read-only,
`replace`, pickling)."""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import pickle
import pkgutil
from typing import Any

import pytest

import compiler
from compiler.records import Diagnostic, Edge, SignOff, Span, Step, ToolBinding
from compiler.values import Value


def _value_classes() -> list[type[Value]]:
    for module in pkgutil.walk_packages(compiler.__path__, "compiler."):
        if not module.name.startswith(("compiler.runtime", "compiler.draw", "compiler.__main__")):
            importlib.import_module(module.name)
    found: list[type[Value]] = []
    pending = list(Value.__subclasses__())
    while pending:
        kind = pending.pop()
        found.append(kind)
        pending.extend(kind.__subclasses__())
    return sorted(found, key=lambda k: (k.__module__, k.__qualname__))


VALUE_CLASSES = _value_classes()


def test_the_check_path_classes_are_value_classes() -> None:
    names = {kind.__name__ for kind in VALUE_CLASSES}
    assert {"Span", "Step", "Diagnostic", "Block", "DraftStep", "Passage", "Config"} <= names


@pytest.mark.parametrize("kind", VALUE_CLASSES, ids=lambda k: f"{k.__module__}.{k.__qualname__}")
def test_each_init_takes_the_fields_in_order_with_their_defaults(kind: type[Value]) -> None:
    assert dataclasses.is_dataclass(kind)
    params = list(inspect.signature(kind.__init__).parameters.values())[1:]
    fields = dataclasses.fields(kind)
    assert [p.name for p in params] == [f.name for f in fields]
    for param, field in zip(params, fields, strict=True):
        kind_of_param = param.KEYWORD_ONLY if field.kw_only else param.POSITIONAL_OR_KEYWORD
        assert param.kind == kind_of_param, field.name
        if field.default is not dataclasses.MISSING:
            assert param.default == field.default, field.name
        elif field.default_factory is not dataclasses.MISSING:
            assert param.default is None, field.name  # None stands for a fresh default
        else:
            assert param.default is param.empty, field.name
    assert "__eq__" not in vars(kind) and "__hash__" not in vars(kind)  # Value's, from fields


_GIVEN = {("ToolBinding", "args"): ({"b": "2", "a": "1"}, {"a": "1", "b": "2"})}
"""Fields whose `__init__` rewrites the value: (what is given, what the field then holds)."""


@pytest.mark.parametrize("kind", VALUE_CLASSES, ids=lambda k: f"{k.__module__}.{k.__qualname__}")
def test_each_init_puts_every_argument_in_its_own_field(kind: type[Value]) -> None:
    # The fields are spelled in the annotations and again in `__init__`: a `set_field` that
    # writes one parameter into another field would pass the signature test above.
    given: dict[str, Any] = {}
    expected: dict[str, Any] = {}
    for field in dataclasses.fields(kind):
        value, held = _GIVEN.get((kind.__name__, field.name), (object(),) * 2)
        given[field.name], expected[field.name] = value, held
    value = kind(**given)
    for name, held in expected.items():
        got = getattr(value, name)
        assert got is held or (isinstance(held, dict) and got == held), name


def _span(line: int = 3) -> Span:
    return Span(line=line, column=1, end_line=line, end_column=9)


def test_a_value_compares_and_hashes_by_its_fields_as_a_frozen_dataclass() -> None:
    assert _span() == _span() and hash(_span()) == hash(_span())
    assert _span() != _span(4) and _span() != ("not", "a", "span")
    assert hash(_span()) == hash((1, 9, 3, 3))  # the tuple of its fields, as dataclasses hash
    assert len({_span(), _span(), _span(4)}) == 2
    assert repr(Edge(to="b")) == "Edge(to='b', when=None)"


def test_fields_left_out_of_comparison_and_repr_stay_out() -> None:
    from compiler.parse import parse
    from compiler.rules.regions import Passage

    block = parse("Restart the pod.\n").blocks[0]
    one = Passage(block, "a", "a", origins=[0], line_starts=[0])
    other = Passage(block, "a", "a", origins=[5], line_starts=[7])
    assert "origins" not in repr(one) and "line_starts" not in repr(one)
    assert one != other  # left out of the repr, still compared
    assert [f.name for f in dataclasses.fields(Passage) if not f.repr] == [
        "origins",
        "line_starts",
    ]


def test_a_value_is_read_only() -> None:
    span = _span()
    with pytest.raises(dataclasses.FrozenInstanceError):
        span.line = 4  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del span.line  # type: ignore[misc]


def test_replace_and_defaults_make_fresh_values() -> None:
    one = Step(id="s1", kind="action", source=_span(), text="Restart the pod.")
    two = Step(id="s2", kind="action", source=None, text="Drain the node.")
    assert one.next == [] and one.next is not two.next  # a fresh list each, as default_factory
    moved = dataclasses.replace(one, source=_span(9))
    assert moved.source == _span(9) and moved.text == one.text and one.source == _span()
    tool = ToolBinding(name="kubectl", bound_by="command", args={"b": "2", "a": "1"})
    assert list(tool.args) == ["a", "b"]  # kept in key order, as the artifact writes them
    assert ToolBinding(name="kubectl", bound_by="command").args == {}


@pytest.mark.parametrize(
    "value",
    [
        _span(),
        Diagnostic(
            blocking=False,
            code="RB101",
            column=1,
            end_column=4,
            end_line=1,
            fingerprint="f",
            fix="x",
            line=1,
            message="m",
            name="n",
            path="p.md",
            severity="warning",
            signoff=SignOff(by="a", code="RB101", date="2026-12-07", fingerprint="f", reason="r"),
        ),
    ],
)
def test_a_value_survives_pickling(value: Any) -> None:
    # --jobs sends values between processes
    assert pickle.loads(pickle.dumps(value)) == value
