"""Front matter -> validated runbook metadata (unknown keys are allowed and ignored)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from functools import cache
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from compiler.parse import Document
from compiler.records import Escalation
from compiler.source import SourceError
from compiler.values import Value, set_field

if TYPE_CHECKING:
    from pydantic import BaseModel


@dataclass(init=False, repr=False, eq=False, slots=True, kw_only=True)
class RunbookMeta(Value):
    """The front matter fields the compiler understands."""

    id: str
    title: str
    owner: str | None = None
    service: str | None = None
    applies_to: str | None = None
    last_reviewed: str | None = None
    executor: str | None = None
    escalation: Escalation | None = None
    inputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    contacts: dict[str, str | None] = field(default_factory=dict)
    declared: frozenset[str] = frozenset()

    def __init__(
        self,
        *,
        id: str,
        title: str,
        owner: str | None = None,
        service: str | None = None,
        applies_to: str | None = None,
        last_reviewed: str | None = None,
        executor: str | None = None,
        escalation: Escalation | None = None,
        inputs: dict[str, dict[str, Any]] | None = None,
        contacts: dict[str, str | None] | None = None,
        declared: frozenset[str] = frozenset(),
    ) -> None:
        set_field(self, "id", id)
        set_field(self, "title", title)
        set_field(self, "owner", owner)
        set_field(self, "service", service)
        set_field(self, "applies_to", applies_to)
        set_field(self, "last_reviewed", last_reviewed)
        set_field(self, "executor", executor)
        set_field(self, "escalation", escalation)
        set_field(self, "inputs", {} if inputs is None else inputs)
        set_field(self, "contacts", {} if contacts is None else contacts)
        set_field(self, "declared", declared)


TEXT_FIELDS = ("id", "title", "service", "applies_to", "last_reviewed", "executor")
OPTIONAL_TEXT = ("owner", "service", "applies_to", "last_reviewed", "executor")


def runbook_meta(document: Document, path: str) -> RunbookMeta:
    """Validate the document's front matter; a bad field is a fatal RB003."""
    raw = dict(document.front_matter)
    raw.setdefault("id", PurePath(path).stem)
    raw.setdefault("title", _first_heading(document) or raw["id"])
    if raw.get("last_reviewed") is None and raw.get("last_reviewed_on") is not None:
        raw["last_reviewed"] = raw["last_reviewed_on"]  # the tech-docs-template's key
    for key in TEXT_FIELDS:
        if raw.get(key) is not None and not isinstance(raw[key], dict | list):
            raw[key] = str(raw[key])
    raw["owner"] = _owner(raw)
    raw["declared"] = frozenset(document.front_matter)
    _check_inputs(document, raw.get("inputs"))
    return _plain_meta(raw) or _validated_meta(raw)


def _plain_meta(raw: dict[str, Any]) -> RunbookMeta | None:
    """The metadata of front matter whose every known field already has its type, read as
    pydantic reads it (`_MetaModel`); None when any field needs pydantic's coercion or fails
    (then `_validated_meta` gives the same result, or the same error)."""
    text = [raw.get(key) for key in ("id", "title")]
    optional = [raw.get(key) for key in OPTIONAL_TEXT]
    if not all(type(v) is str for v in text) or not all(_text_or_none(v) for v in optional):
        return None
    if not all(type(key) is str for key in raw["declared"]):
        return None
    contacts = raw.get("contacts", {})
    plain_contacts = type(contacts) is dict and all(
        type(key) is str and _text_or_none(value) for key, value in contacts.items()
    )
    try:
        escalation = _escalation(raw.get("escalation"))
        inputs = _inputs(raw.get("inputs", {}))
    except _NeedsPydanticError:
        return None
    if not plain_contacts:
        return None
    return RunbookMeta(
        id=raw["id"],
        title=raw["title"],
        owner=raw["owner"],
        service=raw.get("service"),
        applies_to=raw.get("applies_to"),
        last_reviewed=raw.get("last_reviewed"),
        executor=raw.get("executor"),
        escalation=escalation,
        inputs=inputs,
        contacts=dict(contacts),
        declared=raw["declared"],
    )


def _text_or_none(value: Any) -> bool:
    return value is None or type(value) is str


class _NeedsPydanticError(Exception):
    """A field whose value pydantic must read (coerce, or refuse with its message)."""


def _escalation(value: Any) -> Escalation | None:
    """`escalation:` as an Escalation, or None when unset."""
    if value is None:
        return None
    if type(value) is not dict or not set(value) <= {"after", "role"}:
        raise _NeedsPydanticError
    if type(value.get("role")) is not str or not _text_or_none(value.get("after")):
        raise _NeedsPydanticError
    return Escalation(after=value.get("after"), role=value["role"])


def _declared_inputs(value: Any) -> Any:
    """`inputs: {x: null}` and `inputs: [x, y]` both declare string inputs; anything else is
    left as it is (for pydantic to refuse). Both readings of front matter use it."""
    if isinstance(value, list):
        return {str(name): {"type": "string"} for name in value}
    if isinstance(value, dict):
        return {str(k): v if isinstance(v, dict) else {"type": "string"} for k, v in value.items()}
    return value


def _inputs(value: Any) -> dict[str, dict[str, Any]]:
    """`inputs:` as pydantic reads it (`_declared_inputs`, then a mapping of mappings)."""
    if type(value) not in (list, dict):
        raise _NeedsPydanticError
    read = {name: dict(spec) for name, spec in _declared_inputs(value).items()}
    if not all(type(k) is str for spec in read.values() for k in spec):
        raise _NeedsPydanticError
    return read


def _validated_meta(raw: dict[str, Any]) -> RunbookMeta:
    """The metadata as pydantic validates it, or its first error as a fatal RB003."""
    from pydantic import ValidationError

    try:
        meta: Any = _meta_model().model_validate(raw)
    except ValidationError as error:
        first = error.errors()[0]
        where = _printable(".".join(str(part) for part in first["loc"]))
        raise SourceError(
            "RB003", f"invalid front matter field `{where}`: {first['msg']}", 2
        ) from None
    escalation = meta.escalation
    return RunbookMeta(
        **{name: getattr(meta, name) for name in _META_FIELDS},
        escalation=Escalation(after=escalation.after, role=escalation.role)
        if escalation is not None
        else None,
    )


_META_FIELDS = tuple(f.name for f in fields(RunbookMeta) if f.name != "escalation")
"""The fields copied as they are from pydantic's reading (`escalation` becomes a record)."""


@cache
def _meta_model() -> type[BaseModel]:
    """The pydantic model of the front matter, built on first use (front matter whose fields
    all have their types already never needs it)."""
    from pydantic import BaseModel, ConfigDict, field_validator

    from compiler.models import Escalation as EscalationModel

    class _MetaModel(BaseModel):
        """The front matter fields the compiler understands, as pydantic validates them."""

        model_config = ConfigDict(extra="ignore", frozen=True)

        id: str
        title: str
        owner: str | None = None
        service: str | None = None
        applies_to: str | None = None
        last_reviewed: str | None = None
        executor: str | None = None
        escalation: EscalationModel | None = None
        inputs: dict[str, dict[str, Any]] = {}
        contacts: dict[str, str | None] = {}
        declared: frozenset[str] = frozenset()

        @field_validator("inputs", mode="before")
        @classmethod
        def _inputs(cls, value: Any) -> Any:
            return _declared_inputs(value)

    return _MetaModel


OWNER_KEYS = ("owner", "owners", "owner_slack", "team")
"""Front matter keys real runbooks name their owner with, in order of preference."""


def _owner(raw: dict[str, Any]) -> str | None:
    """The owner from the first of `owner`, `owners`, `owner_slack`, `team` that is set (a
    list of owners is kept as one comma-separated value)."""
    for key in OWNER_KEYS:
        value = raw.get(key)
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value if v is not None) or None
        if value is not None and not isinstance(value, dict):
            return str(value)
    return None


def _check_inputs(document: Document, inputs: Any) -> None:
    """An input schema with a key that has no value is almost always a YAML slip: an unquoted
    comma in `{description: a, b}` makes `b` a key."""
    if not isinstance(inputs, dict):
        return
    for name, schema in inputs.items():
        if not isinstance(schema, dict):
            continue
        stray = [key for key, value in schema.items() if value is None]
        if stray:
            raise SourceError(
                "RB003",
                f"input `{_printable(str(name))}` has a key with no value: {stray[0]!r} "
                "(quote a description that contains a comma)",
                _input_line(document, name),
            )


def _input_line(document: Document, name: str) -> int:
    """The front matter line that declares an input (after `inputs:`)."""
    end = document.front_matter_span.end_line if document.front_matter_span else 1
    in_inputs = False
    for number in range(1, end + 1):
        text = document.lines[number - 1]
        in_inputs = in_inputs or text.startswith("inputs:")
        if in_inputs and text.strip().startswith(f"{name}:"):
            return number
    return 1


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _printable(text: str) -> str:
    """A YAML key as it can appear in a one-line message: control characters escaped."""
    return _CONTROL.sub(lambda match: repr(match.group())[1:-1], text)


def _first_heading(document: Document) -> str | None:
    return next((b.text for b in document.blocks if b.kind == "heading"), None)
