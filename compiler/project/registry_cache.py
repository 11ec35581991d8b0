"""Validated registries and profiles, cached by content hash and compiler version.

Checking a registry (its JSON Schema, then every tool's params schema) costs more than checking
a runbook, and its result changes only when the file or the compiler does. So the document a
check accepted is kept in the cache directory as JSON, keyed by the file's sha256 and the
compiler's digest; a later run with the same bytes and compiler builds the registry from it
without YAML or jsonschema. Any change to either is a miss and the file is checked again, as
it is with `--no-cache` (no cache directory). Like the result cache, an entry is trusted as far
as the cache directory is: it lives with the user's own files, never in what they review.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from compiler.emit import atomic_write
from compiler.project.cache import compiler_digest
from compiler.registry import (
    Profiles,
    Registry,
    profiles_from,
    read_limited,
    registry_from,
    validated_profiles,
    validated_registry,
)

Document = dict[str, Any]


def load_registry(path: Path, cache_dir: Path | None) -> Registry:
    """tools.yaml, checked unless this compiler already checked the same bytes."""
    data = read_limited(path, "registry")
    sha256 = hashlib.sha256(data).hexdigest()
    raw = _validated("registry", path, data, sha256, cache_dir, validated_registry)
    return registry_from(raw, sha256, path)


def load_profiles(path: Path, cache_dir: Path | None) -> Profiles:
    """profiles.yaml, checked unless this compiler already checked the same bytes."""
    data = read_limited(path, "profiles")
    sha256 = hashlib.sha256(data).hexdigest()
    return profiles_from(
        _validated("profiles", path, data, sha256, cache_dir, validated_profiles), sha256
    )


def _validated(
    kind: str,
    path: Path,
    data: bytes,
    sha256: str,
    cache_dir: Path | None,
    validate: Callable[[Path, bytes], Document],
) -> Document:
    if cache_dir is None:
        return validate(path, data)
    key = hashlib.sha256(f"{compiler_digest()}\x1f{kind}\x1f{sha256}".encode()).hexdigest()
    entry = cache_dir / "validated" / f"{kind}-{key}.json"
    cached = _read(entry)
    if cached is not None:
        return cached
    raw = validate(path, data)
    _write(entry, raw)
    return raw


def _read(entry: Path) -> Document | None:
    """The document of an entry, or None on a miss or an unreadable entry."""
    try:
        loaded = json.loads(entry.read_bytes())
    except (OSError, ValueError, RecursionError):
        return None
    document = loaded.get("document") if isinstance(loaded, dict) else None
    return document if isinstance(document, dict) else None


def _write(entry: Path, raw: Document) -> None:
    """Record a checked document (best effort). One that JSON would not give back exactly
    (a YAML date, a non-string key) is not cached: it is checked on every run instead."""
    try:
        text = json.dumps({"document": raw}, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError, RecursionError):
        return
    if json.loads(text)["document"] != raw:
        return
    with contextlib.suppress(OSError):
        atomic_write(entry, text, durable=False)
