"""Artifacts -> canonical JSON, written atomically."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

# pydantic loads where a model is written; an artifact is written from plain data.
if TYPE_CHECKING:
    from pydantic import BaseModel


def canonical_json(value: BaseModel | dict[str, Any]) -> str:
    """Byte-deterministic JSON: sorted keys, two-space indent, UTF-8, trailing newline.

    The bytes of `json.dumps(sort_keys=True, indent=2, ensure_ascii=False)` except that float
    exponents are not padded (`1e-9`), as pydantic-core writes them."""
    from compiler.records import sorted_keys

    data = value if isinstance(value, dict) else value.model_dump(mode="json")
    return _json(sorted_keys(data), indent=2) + "\n"


def compact_json(data: Any) -> str:
    """`data` as compact JSON (no whitespace, UTF-8 text, mappings in their own order), the
    bytes pydantic-core writes for it."""
    return _json(data)


def _json(data: Any, indent: int | None = None) -> str:
    """JSON as pydantic-core writes it. Data of strings, whole numbers, booleans, nulls, lists
    and string-keyed mappings is written with the standard library, whose output is the same
    byte for byte (tests/test_emit.py checks every character) and which needs no import;
    anything else (floats, dates: front matter `inputs` may hold them) by pydantic-core."""
    if _plain(data):
        separators = (",", ": ") if indent else (",", ":")
        return json.dumps(data, indent=indent, separators=separators, ensure_ascii=False)
    import pydantic_core

    return pydantic_core.to_json(data, indent=indent).decode("utf-8")


def _plain(value: Any) -> bool:
    """Whether `value` holds only what the standard library writes as pydantic-core does."""
    kind = type(value)
    if kind in _PLAIN_TYPES:
        return True
    if kind is list:
        return all(map(_plain, value))
    if kind is dict:
        return all(type(key) is str and _plain(item) for key, item in value.items())
    return False


_PLAIN_TYPES = frozenset({str, bool, int, type(None)})


DIGEST_PREFIX = "sha256-c14n-v1:"
"""Names how the digest is computed, so a future change of method is not read as tampering."""


def content_digest(data: dict[str, Any]) -> str:
    """sha256 of an artifact's compact canonical JSON (sorted keys, no whitespace, floats as
    pydantic-core writes them) with its `integrity` field emptied."""
    from compiler.records import sorted_keys

    return _digest(sorted_keys({**data, "integrity": ""}))


def seal(data: dict[str, Any]) -> str:
    """An artifact's canonical JSON, its integrity digest filled in, from its JSON data with
    every mapping in key order (`records.sorted_keys`): the compact form is hashed, the
    indented one returned."""
    digest = _digest({**data, "integrity": ""})
    return _json({**data, "integrity": digest}, indent=2) + "\n"


def _digest(sorted_data: dict[str, Any]) -> str:
    return DIGEST_PREFIX + hashlib.sha256(compact_json(sorted_data).encode("utf-8")).hexdigest()


def atomic_write(path: Path, text: str | Iterable[str], durable: bool = True) -> None:
    """Write via a temporary file in the same directory and rename: never a torn file.
    `text` may come in pieces (a page rendered as it is written is never whole in memory).
    `durable` also flushes it to disk first; a cache entry, which is checked when read and
    only costs a re-compile when lost, skips that (it is most of a cached compile's time)."""
    temporary = stage(path, text, durable)
    try:
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def stage(path: Path, text: str | Iterable[str], durable: bool = False) -> Path:
    """Write `text` to a new temporary file beside `path` (flushed to disk if `durable`) and
    return it; `publish` or a rename puts it in place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    temporary = Path(name)
    try:
        # mkstemp makes the file private (0600); the result should read like any written file.
        os.chmod(temporary, _mode_of(path))
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            if isinstance(text, str):
                stream.write(text)
            else:
                stream.writelines(text)
            if durable:
                stream.flush()
                os.fsync(stream.fileno())
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary


def publish(staged: list[tuple[Path, Path]]) -> None:
    """Put staged files (temporary, target) in place, durably: one sync of the disks for all
    of them, then a rename each. Hundreds of artifacts cost one flush, not one fsync each,
    and every target is either its old or its new content, never torn."""
    try:
        if staged:
            os.sync()
        for temporary, target in staged:
            os.replace(temporary, target)
    finally:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)


def _mode_of(path: Path) -> int:
    """The permissions to give a (re)written file: those it has, or rw-r--r--."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return 0o644
