"""The stages' plain records against the artifact's models: the same fields, in the same order,
with the same defaults, and the same JSON; front matter read without pydantic exactly as
pydantic reads it."""

from __future__ import annotations

import dataclasses
import datetime
import json
from typing import Any

import pydantic_core
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from compiler import frontmatter, models, records
from compiler.emit import compact_json
from compiler.parse import parse
from compiler.source import SourceError

from .conftest import REPO
from .test_emit import json_values

RECORDS = [
    records.Span,
    records.ToolBinding,
    records.Edge,
    records.Step,
    records.SignOff,
    records.Diagnostic,
    records.Escalation,
]


def _default(field: dataclasses.Field[Any]) -> Any:
    if field.default_factory is not dataclasses.MISSING:
        return field.default_factory()
    return PydanticUndefined if field.default is dataclasses.MISSING else field.default


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: r.__name__)
def test_each_record_has_its_models_fields_in_order_with_its_defaults(record: type) -> None:
    model: type[BaseModel] = getattr(models, record.__name__)
    fields = dataclasses.fields(record)
    assert [f.name for f in fields] == list(model.model_fields)  # as_data writes key order
    for field in fields:
        assert _default(field) == model.model_fields[field.name].get_default(
            call_default_factory=True
        ), (record.__name__, field.name)


def test_a_records_data_validates_as_its_model_and_dumps_the_same() -> None:
    span = records.Span(line=3, column=1, end_line=4, end_column=9)
    tool = records.ToolBinding(name="kubectl", args={"b": "2", "a": "1"}, bound_by="command")
    step = records.Step(
        id="s/one",
        kind="action",
        text="Run it",
        source=span,
        tool=tool,
        next=[records.Edge(to="end")],
    )
    data = records.as_data(step)
    assert list(data["tool"]["args"]) == ["a", "b"]  # kept in key order, as the model sorts
    model = models.Step.model_validate(data)
    assert model.model_dump(mode="json") == data
    assert compact_json(data) == model.model_dump_json()
    signoff = records.SignOff(by="me", code="RB101", date="2026-01-01", fingerprint="f", reason="r")
    diagnostic = records.Diagnostic(
        blocking=True, code="RB101", column=1, end_column=2, end_line=1, fingerprint="f",
        fix="x", line=1, message="m", name="n", path="p", severity="error", signoff=signoff,
    )  # fmt: skip
    dumped = models.Diagnostic.model_validate(records.as_data(diagnostic)).model_dump()
    assert records.diagnostic_from_data(dumped) == diagnostic


@settings(max_examples=300, derandomize=True, database=None)
@given(json_values | st.integers(-(2**70), 2**70) | st.floats(allow_nan=False) | st.dates())
def test_json_is_written_as_pydantic_core_writes_it(value: Any) -> None:
    # plain data goes through the standard library, the rest through pydantic-core
    assert compact_json(value) == pydantic_core.to_json(value).decode("utf-8")


def test_every_character_is_escaped_as_pydantic_core_escapes_it() -> None:
    text = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    assert compact_json({"k": text}) == pydantic_core.to_json({"k": text}).decode("utf-8")


# Front matter: fields of the right type are read without pydantic, anything else by the
# pydantic model; both must give the same metadata, or the same RB003.

KEYS = ["id", "title", "owner", "owners", "team", "service", "applies_to", "last_reviewed"]
KEYS += ["executor", "escalation", "inputs", "contacts", "other"]
yaml_scalars = (
    st.none()
    | st.booleans()
    | st.integers(-5, 5)
    | st.floats(allow_nan=False, allow_infinity=False, width=32)
    | st.text("abc :-", max_size=4)
    | st.dates(datetime.date(2020, 1, 1), datetime.date(2030, 1, 1))
)
yaml_values = st.recursive(
    yaml_scalars,
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(["role", "after", "type", "x", "1"]), children, max_size=3
        )
        | st.dictionaries(st.integers(0, 2), children, max_size=2)
    ),
    max_leaves=8,
)
front_matters = st.dictionaries(st.sampled_from(KEYS) | st.integers(0, 1), yaml_values, max_size=6)

EXAMPLES = [
    "id: a\ntitle: T\nowner: team-x\n",
    "escalation: {role: team-x, after: 15m}\n",
    "escalation: {role: team-x}\n",
    "escalation: {role: team-x, after: 15}\n",
    "escalation: {role: team-x, by: me}\n",
    "escalation: team-x\n",
    "inputs: [a, b]\n",
    "inputs: {a: null, b: {type: integer, default: 3}}\n",
    "inputs: {a: {1: x}}\n",
    "inputs: a\n",
    "inputs:\n",
    "contacts: {oncall: '@x', lead: null}\n",
    "contacts: {oncall: 3}\n",
    "contacts: [x]\n",
    "id: 7\nlast_reviewed: 2026-01-02\n",
    "id: [a]\n",
    "title: {a: b}\n",
    "1: x\n",
    "owners: [a, null, b]\nteam: t\n",
]


def _read(front: dict[Any, Any] | str, plain: bool, monkeypatch: pytest.MonkeyPatch) -> Any:
    text = front if isinstance(front, str) else yaml.safe_dump(front, allow_unicode=True)
    document = parse(f"---\n{text}---\n# A title\n", "x.md")
    with monkeypatch.context() as patch:
        if not plain:
            patch.setattr(frontmatter, "_plain_meta", lambda raw: None)
        try:
            return frontmatter.runbook_meta(document, "dir/x.md")
        except SourceError as error:
            return (error.code, error.message, error.line)


@pytest.mark.parametrize("front", EXAMPLES)
def test_front_matter_examples_read_as_pydantic_reads_them(
    front: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _read(front, True, monkeypatch) == _read(front, False, monkeypatch)


@settings(max_examples=300, derandomize=True, database=None)
@given(front_matters)
def test_any_front_matter_reads_as_pydantic_reads_it(front: dict[Any, Any]) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        plain = _read(front, True, monkeypatch)
        validated = _read(front, False, monkeypatch)
    assert plain == validated
    if isinstance(plain, frontmatter.RunbookMeta):  # the same values, not merely equal ones
        assert json.dumps(records.as_data(plain.inputs), default=str) == json.dumps(
            records.as_data(validated.inputs), default=str
        )


def test_an_artifact_is_sealed_the_same_by_either_encoder(monkeypatch: pytest.MonkeyPatch) -> None:
    import itertools

    from compiler import emit
    from compiler.models import Artifact

    text = (REPO / "compiled" / "etcd-defrag.json").read_text("utf-8")
    data = json.loads(text)
    monkeypatch.setattr(emit, "_INDENTED", itertools.count())  # the standard library's turn
    assert emit.seal(data, plain=True) == text
    monkeypatch.setattr(emit, "_INDENTED", itertools.count(emit.STANDARD_INDENTED))
    assert emit.seal(data, plain=True) == text  # pydantic-core's
    assert Artifact.model_validate_json(text).model_dump_json(indent=2) + "\n" == text


def test_front_matter_is_one_list_of_fields_for_both_readings() -> None:
    """The plain reading (`RunbookMeta`) and pydantic's (`_meta_model`) know the same fields,
    so a field added to one is never silently dropped by the other."""
    plain = [f.name for f in dataclasses.fields(frontmatter.RunbookMeta)]
    assert plain == list(frontmatter._meta_model().model_fields)
