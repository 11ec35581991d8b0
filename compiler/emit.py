"""Artifact models -> canonical JSON, written atomically."""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

# pydantic and the models load where an artifact is written, not for atomic_write alone (a run
# served from the cache needs no model).
if TYPE_CHECKING:
    from pydantic import BaseModel

    from compiler.models import Artifact


def canonical_json(value: BaseModel | dict[str, Any]) -> str:
    """Byte-deterministic JSON: sorted keys, two-space indent, UTF-8, trailing newline.

    The bytes of `json.dumps(sort_keys=True, indent=2, ensure_ascii=False)` except that float
    exponents are not padded (`1e-9`), written by pydantic-core's encoder: the standard
    library encodes indented JSON in pure Python, three times slower.
    """
    import pydantic_core

    from compiler.models import sorted_keys

    data = value if isinstance(value, dict) else value.model_dump(mode="json")
    return pydantic_core.to_json(sorted_keys(data), indent=2).decode("utf-8") + "\n"


DIGEST_PREFIX = "sha256-c14n-v1:"
"""Names how the digest is computed, so a future change of method is not read as tampering."""


@dataclass(frozen=True)
class Sealed:
    """An artifact with its integrity digest, and its canonical JSON, made in one pass."""

    artifact: Artifact
    text: str


def content_digest(data: dict[str, Any]) -> str:
    """sha256 of an artifact's compact canonical JSON (sorted keys, no whitespace, floats as
    pydantic-core writes them) with its `integrity` field emptied."""
    from compiler.models import sorted_keys

    return _digest(sorted_keys({**data, "integrity": ""}))


def seal(artifact: Artifact) -> Sealed:
    """The artifact with its integrity digest filled in, and its canonical JSON.

    The models declare their fields in key order (see compiler.models), so pydantic-core
    writes the canonical form directly: no dump to dicts, no sorting pass."""
    unsealed = artifact.model_copy(update={"integrity": ""}).model_dump_json()
    digest = DIGEST_PREFIX + hashlib.sha256(unsealed.encode("utf-8")).hexdigest()
    sealed = artifact.model_copy(update={"integrity": digest})
    return Sealed(sealed, sealed.model_dump_json(indent=2) + "\n")


def _digest(sorted_data: dict[str, Any]) -> str:
    import pydantic_core

    return DIGEST_PREFIX + hashlib.sha256(pydantic_core.to_json(sorted_data)).hexdigest()


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
