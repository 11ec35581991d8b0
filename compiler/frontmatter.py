"""Front matter -> validated runbook metadata (unknown keys are allowed and ignored)."""

from __future__ import annotations

import re
from pathlib import PurePath
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from compiler.models import Escalation
from compiler.parse import Document
from compiler.source import SourceError


class RunbookMeta(BaseModel):
    """The front matter fields the compiler understands."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    id: str
    title: str
    owner: str | None = None
    service: str | None = None
    applies_to: str | None = None
    last_reviewed: str | None = None
    executor: str | None = None
    escalation: Escalation | None = None
    inputs: dict[str, dict[str, Any]] = {}
    contacts: dict[str, str | None] = {}
    declared: frozenset[str] = frozenset()

    @field_validator("inputs", mode="before")
    @classmethod
    def _inputs(cls, value: Any) -> Any:
        """`inputs: {x: null}` and `inputs: [x, y]` both declare string inputs."""
        if isinstance(value, list):
            return {str(name): {"type": "string"} for name in value}
        if isinstance(value, dict):
            return {
                str(k): v if isinstance(v, dict) else {"type": "string"} for k, v in value.items()
            }
        return value


def runbook_meta(document: Document, path: str) -> RunbookMeta:
    """Validate the document's front matter; a bad field is a fatal RB003."""
    raw = dict(document.front_matter)
    raw.setdefault("id", PurePath(path).stem)
    raw.setdefault("title", _first_heading(document) or raw["id"])
    for key in ("id", "title", "service", "applies_to", "last_reviewed", "executor"):
        if raw.get(key) is not None and not isinstance(raw[key], dict | list):
            raw[key] = str(raw[key])
    raw["owner"] = _owner(raw)
    raw["declared"] = frozenset(document.front_matter)
    _check_inputs(document, raw.get("inputs"))
    try:
        return RunbookMeta.model_validate(raw)
    except ValidationError as error:
        first = error.errors()[0]
        where = _printable(".".join(str(part) for part in first["loc"]))
        raise SourceError(
            "RB003", f"invalid front matter field `{where}`: {first['msg']}", 2
        ) from None


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
