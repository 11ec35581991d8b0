"""Artifacts -> canonical JSON, written atomically."""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import stat
import tempfile
from collections.abc import Callable, Iterable
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

    data = sorted_keys(value if isinstance(value, dict) else value.model_dump(mode="json"))
    return _writer(is_plain(data))(data, 2) + "\n"


def compact_json(data: Any) -> str:
    """`data` as compact JSON (no whitespace, UTF-8 text, mappings in their own order), the
    bytes pydantic-core writes for it."""
    return _standard(data) if is_plain(data) else _native(data)


def is_plain(value: Any) -> bool:
    """Whether `value` is plain data: strings, whole numbers, booleans, nulls, lists and
    string-keyed mappings. The standard library writes plain data byte for byte as
    pydantic-core does (tests/test_records.py checks every character); not floats (`1e-09`
    against `1e-9`) nor dates (front matter `inputs` may hold both)."""
    kind = type(value)
    if kind in _PLAIN_TYPES:
        return True
    if kind is list:
        return all(map(is_plain, value))
    if kind is dict:
        return all(type(key) is str and is_plain(item) for key, item in value.items())
    return False


_PLAIN_TYPES = frozenset({str, bool, int, type(None)})


def _standard(data: Any, indent: int | None = None) -> str:
    separators = (",", ": ") if indent else (",", ":")
    return json.dumps(data, indent=indent, separators=separators, ensure_ascii=False)


def _native(data: Any, indent: int | None = None) -> str:
    import pydantic_core

    return pydantic_core.to_json(data, indent=indent).decode("utf-8")


STANDARD_INDENTED = 8
"""How many indented documents of a process the standard library writes. It writes compact
JSON in C, but indented JSON in Python, about seven times slower than pydantic-core; importing
pydantic-core costs about as much as twenty artifacts written by the standard library. So a
process that writes one or a few (a `check` of a file) never imports it, and a bigger run
loads it after the first few."""

_INDENTED = itertools.count()


def _writer(plain: bool) -> Callable[[Any, int | None], str]:
    """The encoder of one indented document (and of its compact form)."""
    return _standard if plain and next(_INDENTED) < STANDARD_INDENTED else _native


DIGEST_PREFIX = "sha256-c14n-v1:"
"""Names how the digest is computed, so a future change of method is not read as tampering."""


def content_digest(data: dict[str, Any]) -> str:
    """sha256 of an artifact's compact canonical JSON (sorted keys, no whitespace, floats as
    pydantic-core writes them) with its `integrity` field emptied."""
    from compiler.records import sorted_keys

    return _digest(sorted_keys({**data, "integrity": ""}))


def seal(data: dict[str, Any], plain: bool = False) -> str:
    """An artifact's canonical JSON, its integrity digest filled in, from its JSON data with
    every mapping in key order (`records.sorted_keys`): the compact form is hashed, the
    indented one returned. `plain` says that the data is known to be plain (`is_plain`)
    without looking through it."""
    write = _writer(plain or is_plain(data))
    unsealed = write({**data, "integrity": ""}, None)
    digest = DIGEST_PREFIX + hashlib.sha256(unsealed.encode("utf-8")).hexdigest()
    return write({**data, "integrity": digest}, 2) + "\n"


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
