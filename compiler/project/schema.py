"""JSON Schemas: the artifact schema generated from the models, the registry's shipped by hand."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from compiler.emit import atomic_write
from compiler.models import Artifact

SCHEMA_DIR = Path(__file__).parent.parent / "schemas"
ARTIFACT_SCHEMA = "artifact.schema.json"


def artifact_schema() -> str:
    """The artifact JSON Schema, generated from `compiler.models.Artifact`."""
    schema = Artifact.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://runbook-compiler.dev/schemas/artifact.schema.json"
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def _shipped(name: str) -> Callable[[], str]:
    return lambda: (SCHEMA_DIR / name).read_text("utf-8")


SCHEMAS: dict[str, Callable[[], str]] = {
    "artifact": artifact_schema,
    "registry": _shipped("registry.schema.json"),
    "profiles": _shipped("profiles.schema.json"),
}


def schema_drift() -> list[str]:
    """Checked-in generated schemas that differ from what the models generate now."""
    path = SCHEMA_DIR / ARTIFACT_SCHEMA
    current = path.read_text("utf-8") if path.is_file() else None
    return [] if current == artifact_schema() else [str(path)]


def write_schemas() -> list[str]:
    """Regenerate the checked-in generated schemas."""
    path = SCHEMA_DIR / ARTIFACT_SCHEMA
    atomic_write(path, artifact_schema())
    return [str(path)]
