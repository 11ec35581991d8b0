"""The `--out` directory of compiled artifacts: write what changed, report what drifted."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from compiler.emit import atomic_write
from compiler.pipeline import CompileResult
from compiler.workspace import WorkspaceError, os_reason


@dataclass(frozen=True)
class Drift:
    """An artifact on disk that differs from a fresh compile, and why."""

    output: str
    reasons: tuple[str, ...]


def write_all(results: list[CompileResult], out: Path) -> None:
    """Write every changed artifact atomically (callers ensure there is no fatal result);
    an artifact already on disk as it would be written is left alone, mtime and all.
    A file that cannot be written is a WorkspaceError; those written before it stay."""
    for result in results:
        target = out / result.source.output
        text = result.artifact_json
        if _current(target) != text:
            try:
                atomic_write(target, text)
            except OSError as error:
                message = f"{target}: cannot write artifact: {os_reason(error)}"
                raise WorkspaceError(message) from None


def _current(target: Path) -> str | None:
    try:
        return target.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def drift(results: list[CompileResult], out: Path) -> list[Drift]:
    """Artifacts in `out` that a fresh compile would change, with the reasons."""
    found = []
    for result in results:
        target = out / result.source.output
        fresh = result.artifact_json
        if not target.is_file():
            found.append(Drift(result.source.output, ("artifact missing",)))
            continue
        current = _current(target) or ""
        if current != fresh:
            found.append(Drift(result.source.output, _reasons(current, json.loads(fresh))))
    return found


def _reasons(current: str, fresh: dict[str, object]) -> tuple[str, ...]:
    try:
        old = json.loads(current)
        old_run, new_run = old["runbook"], fresh["runbook"]
        old_prov, new_prov = old["provenance"], fresh["provenance"]
    except (ValueError, KeyError, TypeError, RecursionError):
        return ("artifact unreadable",)
    assert isinstance(new_run, dict) and isinstance(new_prov, dict)
    reasons = []
    if old_run.get("source_sha256") != new_run.get("source_sha256"):
        reasons.append("source changed")
    if old_prov.get("registry_sha256") != new_prov.get("registry_sha256"):
        reasons.append("registry changed")
    if old_prov.get("profiles_sha256") != new_prov.get("profiles_sha256"):
        reasons.append("profiles changed")
    if old_prov.get("compiler_version") != new_prov.get("compiler_version"):
        reasons.append("compiler version changed")
    return tuple(reasons) or ("compiler output changed (sign-offs or compiler behaviour)",)
