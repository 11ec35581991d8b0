"""The `--out` directory of compiled artifacts: write what changed, report what drifted."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from compiler.compilation import CompileResult
from compiler.emit import atomic_write, publish, stage
from compiler.project import WorkspaceError, os_reason


@dataclass(frozen=True)
class Drift:
    """An artifact on disk that differs from a fresh compile, and why."""

    output: str
    reasons: tuple[str, ...]


def write_all(results: list[CompileResult], out: Path) -> None:
    """Write every changed artifact atomically and durably (callers ensure there is no fatal
    result); an artifact already on disk as it would be written is left alone, mtime and all.
    All are staged first, so a file that cannot be written is a WorkspaceError and no
    artifact changes."""
    staged: list[tuple[Path, Path]] = []
    try:
        for result in results:
            target = out / result.source.output
            text = result.artifact_json
            if _current(target) != text:
                staged.append((_staged(target, text), target))
    except WorkspaceError:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        raise
    try:
        publish(staged)
    except OSError as error:
        raise WorkspaceError(f"{out}: cannot write artifacts: {os_reason(error)}") from None


def _staged(target: Path, text: str) -> Path:
    try:
        return stage(target, text)
    except OSError as error:
        raise WorkspaceError(f"{target}: cannot write artifact: {os_reason(error)}") from None


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


@dataclass(frozen=True)
class Orphan:
    """A `*.json` in the out directory that no current source accounts for.

    `owned`: an artifact this compile would have written, for a runbook under a compiled
    directory that is gone — safe to remove. Anything else is reported, never removed."""

    output: str
    reason: str
    owned: bool


def orphans(results: list[CompileResult], out: Path, paths: Iterable[Path]) -> list[Orphan]:
    """Files in `out` that are not the artifact of a source: of a deleted runbook, hand-made,
    or not artifacts at all. An artifact of a runbook outside the compiled paths counts only
    if that runbook is missing too (compiling one file into a shared `out` is fine)."""
    if not out.is_dir():
        return []
    produced = {result.source.output for result in results}
    current = {result.source.source_path for result in results}
    paths = list(paths)
    roots = {path.resolve().name for path in paths if path.is_dir()}
    bases = {folder for path in paths for folder in _folders(path)}
    found = []
    for file in sorted(out.rglob("*.json")):
        output = file.relative_to(out).as_posix()
        if output in produced or any(part.startswith(".") for part in PurePosixPath(output).parts):
            continue
        orphan = _orphan(file, output, current, roots, bases)
        if orphan is not None:
            found.append(orphan)
    return found


def _folders(path: Path) -> list[Path]:
    start = path.resolve() if path.is_dir() else path.resolve().parent
    return [start, *start.parents]


def _orphan(
    file: Path, output: str, current: set[str], roots: set[str], bases: set[Path]
) -> Orphan | None:
    from pydantic import ValidationError  # only for a file no source accounts for

    from compiler.models import Artifact

    try:
        artifact = Artifact.model_validate_json(file.read_bytes())
    except (OSError, ValueError, ValidationError, RecursionError):
        return Orphan(output, "not an artifact of this compiler", owned=False)
    recorded = PurePosixPath(artifact.runbook.source_path)
    expected = PurePosixPath(output).with_suffix(".md")
    escapes = recorded.is_absolute() or ".." in recorded.parts
    if escapes or recorded.parts[-len(expected.parts) :] != expected.parts:
        return Orphan(output, f"records source {recorded}, which compiles elsewhere", False)
    if recorded.parts[0] in roots and str(recorded) not in current:
        owned = recorded == PurePosixPath(recorded.parts[0], *expected.parts)
        return Orphan(output, f"its source {recorded} is gone", owned)
    if not any((base / recorded).is_file() for base in bases):
        return Orphan(output, f"its source {recorded} is not found", owned=False)
    return None


def remove(found: list[Orphan], out: Path) -> list[Orphan]:
    """Delete the owned orphans (stale artifacts of deleted runbooks); the ones removed."""
    removed = []
    for orphan in found:
        if orphan.owned:
            try:
                (out / orphan.output).unlink()
            except FileNotFoundError:
                continue
            except OSError as error:
                message = f"{out / orphan.output}: cannot remove: {os_reason(error)}"
                raise WorkspaceError(message) from None
            removed.append(orphan)
    return removed


def write_report(out: Path, html: str | Iterable[str]) -> None:
    """Write the page (whole or in pieces) atomically; an unwritable place is a
    WorkspaceError."""
    try:
        atomic_write(out, html)
    except OSError as error:
        raise WorkspaceError(f"{out}: cannot write the report: {os_reason(error)}") from None
