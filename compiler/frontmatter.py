"""Front matter -> validated runbook metadata (unknown keys are allowed and ignored)."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from compiler.models import Escalation
from compiler.parse import Document, SourceError


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
    for key in ("id", "title", "owner", "service", "applies_to", "last_reviewed", "executor"):
        if raw.get(key) is not None and not isinstance(raw[key], dict | list):
            raw[key] = str(raw[key])
    raw["declared"] = frozenset(document.front_matter)
    try:
        return RunbookMeta.model_validate(raw)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise SourceError(
            "RB003", f"invalid front matter field `{where}`: {first['msg']}", 2
        ) from None


def _first_heading(document: Document) -> str | None:
    return next((b.text for b in document.blocks if b.kind == "heading"), None)
