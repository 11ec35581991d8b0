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

from pydantic import ValidationError

from compiler.config import reference_date
from compiler.emit import atomic_write
from compiler.models import Artifact, Diagnostic
from compiler.pipeline import CompileResult, Environment, SourceFile
from compiler.signoff import sidecar_path

DEFAULT_DIR = Path(".runbookc-cache")


@cache
def compiler_digest() -> str:
    """sha256 over the compiler package's source and schemas: any code change is a miss."""
    root = Path(__file__).parent
    digest = hashlib.sha256()
    for path in sorted([*root.rglob("*.py"), *root.rglob("*.json")]):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def cache_key(source: SourceFile, env: Environment) -> str | None:
    """The key of a source's result, or None when its files cannot be read (no caching)."""
    try:
        data = source.path.read_bytes()
        sidecar = sidecar_path(source.path)
        signoffs = sidecar.read_bytes() if sidecar.is_file() else b""
    except OSError:
        return None
    parts = [
        compiler_digest(),
        env.registry.sha256,
        env.profiles.sha256 or "",
        repr(env.config),
        source.display,
        source.source_path,
        source.output,
        reference_date().isoformat(),
        f"llm:{env.llm.model}@{env.llm.base_url}" if env.llm else "heuristic",
        hashlib.sha256(data).hexdigest(),
        hashlib.sha256(signoffs).hexdigest(),
    ]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def load(directory: Path, key: str, source: SourceFile) -> CompileResult | None:
    """A cached result, or None on a miss or an unreadable entry."""
    path = directory / key[:2] / f"{key}.json"
    try:
        entry = json.loads(path.read_text("utf-8"))
        artifact = Artifact.model_validate(entry["artifact"]) if entry["artifact"] else None
        fatal = Diagnostic.model_validate(entry["fatal"]) if entry["fatal"] else None
    except (OSError, ValueError, KeyError, TypeError, ValidationError):
        return None
    return CompileResult(source, artifact, fatal)


def store(directory: Path, key: str, result: CompileResult) -> None:
    """Record a result under its key (best effort: a cache that cannot be written is skipped)."""
    entry = {
        "artifact": result.artifact.model_dump(mode="json") if result.artifact else None,
        "fatal": result.fatal.model_dump(mode="json") if result.fatal else None,
    }
    with contextlib.suppress(OSError):
        atomic_write(directory / key[:2] / f"{key}.json", json.dumps(entry, sort_keys=True))
