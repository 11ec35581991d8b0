"""Agent-facing files on disk: tool specs (`runbookc tools export|import`) and transcripts
(`runbookc audit`)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import yaml

from compiler.emit import atomic_write
from compiler.models import Artifact
from compiler.project import WorkspaceError
from compiler.project.discovery import registry_beside
from compiler.registry import Registry, RegistryError, load_registry
from compiler.runtime import (
    ArtifactError,
    TranscriptReport,
    audit_transcript,
    export_runbook_tools,
    export_tools,
    import_tools,
    read_artifact,
    read_transcript,
)
from compiler.runtime.toolspec import Format as SpecFormat


def export_tool_specs(file: Path, fmt: SpecFormat, registry: Path | None) -> str:
    """Tool specs (OpenAI or MCP) of a registry, or of the tools a compiled artifact uses."""
    try:
        if file.suffix == ".json":
            specs = export_runbook_tools(read_artifact(file), registry_beside(file, registry), fmt)
        else:
            specs = export_tools(load_registry(file), fmt)
    except (ValueError, RegistryError, ArtifactError) as error:
        raise WorkspaceError(str(error)) from None
    return json.dumps(specs, indent=2, sort_keys=True) + "\n"


def import_tool_specs(spec: Path, out: Path, force: bool) -> int:
    """Registry entries (unreviewed, fail-closed) from an OpenAI or MCP tool list."""
    if out.exists() and not force:
        raise WorkspaceError(f"{out}: exists; choose another --out or pass --force")
    try:
        entries = import_tools(json.loads(spec.read_text("utf-8")))
    except RecursionError:
        raise WorkspaceError(f"{spec}: not a tool list: nested too deeply") from None
    except (OSError, ValueError) as error:
        raise WorkspaceError(f"{spec}: {error}") from None
    header = (
        "# Imported by `runbookc tools import`: every entry is unreviewed and fails closed\n"
        "# (destructive, approval required). Review effect, permission and commands.\n"
    )
    atomic_write(out, header + yaml.safe_dump({"version": 1, "tools": entries}, sort_keys=False))
    return len(entries)


def audit_transcript_file(
    transcript: Path,
    runbook: Path,
    registry: Path | None,
    inputs: Mapping[str, str] | None = None,
) -> TranscriptReport:
    """Audit an agent transcript against a compiled runbook (a TranscriptReport). The registry
    is the one given, else the nearest tools.yaml beside the artifact or its recorded source."""
    try:
        artifact = read_artifact(runbook)
        loaded = registry_beside(runbook, registry) or _registry_of_source(artifact)
        return audit_transcript(read_transcript(transcript), artifact, loaded, inputs=inputs)
    except (ValueError, RegistryError, ArtifactError) as error:
        raise WorkspaceError(str(error)) from None


def _registry_of_source(artifact: Artifact) -> Registry | None:
    source = Path(artifact.runbook.source_path)
    return registry_beside(source, None) if source.parent.is_dir() else None
