"""Content-hash cache of compile results, so re-compiling unchanged runbooks costs nearly nothing.

A key covers everything a result depends on: the compiler's own code, the runbook and its
sign-offs, the registry, profiles and configuration, the names it is compiled under, and the
date stale-review ages are counted from. Entries are written atomically, so concurrent
compiles never read a torn entry; an unreadable entry is a miss.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from compiler.compilation import CompileResult, Environment, SourceFile
from compiler.emit import atomic_write
from compiler.records import as_data
from compiler.signoff import sidecar_path

if TYPE_CHECKING:
    from compiler.records import Diagnostic

DEFAULT_DIR = Path(".runbookc-cache")
PACKAGE = Path(__file__).resolve().parent.parent
"""The compiler package: every source and schema file in it is in `compiler_digest`."""


@cache
def compiler_digest() -> str:
    """sha256 over the compiler package's source and schemas: any code change is a miss."""
    digest = hashlib.sha256()
    for path in sorted([*PACKAGE.rglob("*.py"), *PACKAGE.rglob("*.json")]):
        digest.update(path.relative_to(PACKAGE).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def environment_digest(env: Environment) -> str:
    """sha256 over what every result of one compile run depends on besides its own files."""
    parts = [
        compiler_digest(),
        env.registry.sha256,
        env.profiles.sha256 or "",
        repr(env.config),
        env.config.reference_date().isoformat(),
        f"llm:{env.llm.model}@{env.llm.base_url}" if env.llm else "heuristic",
    ]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def cache_key(source: SourceFile, environment: str) -> str | None:
    """The key of a source's result under an `environment_digest`, or None when its files
    cannot be read (no caching)."""
    if source.refused is not None:
        return None
    try:
        data = source.path.read_bytes()
        sidecar = sidecar_path(source.path)
        signoffs = sidecar.read_bytes() if sidecar.is_file() else b""
    except OSError:
        return None
    parts = [
        environment,
        source.display,
        source.source_path,
        source.output,
        hashlib.sha256(data).hexdigest(),
        hashlib.sha256(signoffs).hexdigest(),
    ]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


ENTRY_KEYS = ("artifact", "sha256", "status", "fatal")
"""A cached result, as a JSON object: the artifact's canonical JSON (never parsed on a hit: it
is compared or copied as text, and parsed only when a caller needs the model) with its sha256
against corruption and its status, or the fatal diagnostic."""


def load(directory: Path, key: str, source: SourceFile) -> CompileResult | None:
    """A cached result, or None on a miss or an unreadable or corrupt entry. A hit on an
    artifact reads and hashes the entry; no model is built (pydantic is not even loaded)."""
    try:
        entry = json.loads(_entry_path(directory, key).read_bytes())
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(entry, dict) or set(entry) != set(ENTRY_KEYS):
        return None
    artifact, sha256, status, fatal = (entry[name] for name in ENTRY_KEYS)
    if not (status is None or isinstance(status, str)):
        return None
    if artifact is not None:
        if not isinstance(artifact, str) or sha256 != _sha256(artifact) or fatal is not None:
            return None
        return CompileResult(source, text=artifact, known_status=status)
    diagnostic = _diagnostic(fatal)
    if diagnostic is None or sha256 is not None:
        return None
    return CompileResult(source, fatal=diagnostic, known_status=status)


def _diagnostic(value: Any) -> Diagnostic | None:
    """A cached fatal diagnostic, validated by its model (a rare entry: pydantic is loaded)."""
    from pydantic import ValidationError

    from compiler.models import Diagnostic
    from compiler.records import diagnostic_from_data

    try:
        return diagnostic_from_data(Diagnostic.model_validate(value).model_dump())
    except (ValidationError, RecursionError):
        return None


def store(directory: Path, key: str, result: CompileResult) -> None:
    """Record a result under its key (best effort: a cache that cannot be written is skipped)."""
    artifact = result.artifact_json if result.fatal is None else None
    entry = {
        "artifact": artifact,
        "sha256": _sha256(artifact) if artifact is not None else None,
        "status": result.status,
        "fatal": as_data(result.fatal) if result.fatal is not None else None,
    }
    with contextlib.suppress(OSError):
        text = json.dumps(entry, separators=(",", ":"))
        atomic_write(_entry_path(directory, key), text, durable=False)


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _entry_path(directory: Path, key: str) -> Path:
    return directory.joinpath(key[:2], key + ".json")
