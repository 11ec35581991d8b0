"""Compiled regular expressions kept between runs, as Python keeps bytecode.

A `check` of one runbook compiles about 300 regular expressions (the text rules' word lists,
the extractor's sentence patterns, the parser's), and Python's `re` compiles each in pure
Python: it parses the pattern and generates the matcher's program, a third of a single-file
check. That program depends only on the pattern, its flags and the interpreter, so a
`runbookc` process keeps the programs in the cache directory (`patterns/`, one file per
interpreter build) and hands a known pattern's program straight to `_sre.compile`, the C call
`re` itself ends with. A pattern not in the file is compiled by `re` as usual and added to the
file when the command ends. Matching is the same: the same program runs, and `_sre` checks
every program it is given.

Only the console entry point turns this on (`kept`), and only for a command with a cache
directory (`use`; `--no-cache` reads and writes nothing); a file that cannot be read is
ignored, and so is any entry that is not plain data of the expected types (`_load`): nothing
in the file is ever run. Like the result cache, the file is trusted as far as the cache
directory is (a planted program changes what a pattern matches), so CI keeps its cache out of
the checkout (SECURITY.md).

The miss path is a copy of `re._compiler.compile` as CPython 3.11, 3.12 and 3.13 write it
(`_parser.parse`, `_code`, then `_sre.compile` with the flags, code, groups - 1, group index
and group names). It is used only where `re._compiler` has `_code` and `re._parser` exists
(CPython 3.11 and later; elsewhere `re` is left alone), and any exception in it, or in serving
an entry, falls back to `re`'s own compile: a later CPython that changes `_code`, `_parser` or
`_sre.compile` gets `re`'s own result (and its own errors), never a broken `runbookc`.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import marshal
import os
import re
import sys
from array import array
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

Key = tuple[str | bytes, int]
Program = tuple[int, bytes, int, dict[str, int], tuple[str | None, ...]]
"""What `_sre.compile` takes after the pattern: flags, code, groups - 1, group index, names;
the code as the bytes of an unsigned-int array (read whole, made a list only when used)."""

SUBDIRECTORY = "patterns"


class _Run:
    """The process's state: whether the entry point allows keeping, and what was loaded."""

    allowed: ClassVar[bool] = False
    path: ClassVar[Path | None] = None
    table: ClassVar[dict[Key, Program]] = {}
    new: ClassVar[dict[Key, Program]] = {}
    original: ClassVar[Any] = None


def table_path(directory: Path) -> Path:
    """The file of this interpreter's programs in a cache directory."""
    _sre = importlib.import_module("_sre")

    build = "\x1f".join(
        map(str, (sys.implementation.cache_tag, sys.version, _sre.MAGIC, _sre.CODESIZE,
                  sys.byteorder, array("I").itemsize))
    )  # fmt: skip
    return directory / SUBDIRECTORY / f"{hashlib.sha256(build.encode()).hexdigest()[:16]}.marshal"


@contextlib.contextmanager
def kept() -> Iterator[None]:
    """Around a whole command: allow `use`, then record the new programs and put `re` back."""
    _Run.allowed = True
    try:
        yield
    finally:
        _Run.allowed = False
        save()
        if _Run.original is not None:
            re._compiler.compile = _Run.original  # type: ignore[attr-defined]
        _Run.path, _Run.table, _Run.new, _Run.original = None, {}, {}, None


def use(directory: Path | None) -> None:
    """Serve compiled patterns from `directory` for the rest of the command (inside `kept`
    only; once per command; nothing without a directory)."""
    if directory is None or not _Run.allowed or _Run.original is not None:
        return
    compiler: Any = getattr(re, "_compiler", None)
    parser: Any = getattr(re, "_parser", None)
    if sys.implementation.name != "cpython" or not hasattr(compiler, "_code") or not parser:
        return
    _Run.path = table_path(directory)
    _Run.table = _load(_Run.path)
    _Run.new = {}
    _Run.original = compiler.compile
    compiler.compile = _compiler(compiler, parser, _Run.original)


def _load(path: Path) -> dict[Key, Program]:
    """The file's entries that are plain data of the expected types, and only those.

    `marshal` can also build code objects (it is what `.pyc` files are made of); loading one
    runs nothing, but an entry holding one, or anything but the types of `Key` and `Program`,
    is dropped here, so nothing but strings, bytes and integers ever reaches `_sre`."""
    try:
        loaded = marshal.loads(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return {}
    if type(loaded) is not dict:
        return {}
    return {key: value for key, value in loaded.items() if _plain(key, value)}


def _plain(key: object, value: object) -> bool:
    """Whether a table entry is a `Key` and a `Program` made of exactly the builtin types."""
    if type(key) is not tuple or len(key) != 2 or type(value) is not tuple or len(value) != 5:
        return False
    pattern, flags = key
    flags_kept, code, groups, groupindex, names = value
    return (
        type(pattern) in (str, bytes)
        and type(flags) is int
        and type(flags_kept) is int
        and type(code) is bytes
        and type(groups) is int
        and type(groupindex) is dict
        and all(type(n) is str and type(i) is int for n, i in groupindex.items())
        and type(names) is tuple
        and all(name is None or type(name) is str for name in names)
    )


def _served(_sre: Any, pattern: str | bytes, known: Any) -> Any:
    """The pattern compiled from a table entry, or None for an unusable entry."""
    try:
        flags, code, groups, groupindex, names = known
        if type(code) is bytes:
            return _sre.compile(pattern, flags, array("I", code).tolist(), groups, groupindex,
                                names)  # fmt: skip
    except Exception:  # any unusable entry is compiled afresh
        pass
    return None


def _compiler(compiler: Any, parser: Any, original: Any) -> Any:
    """`re._compiler.compile` serving known programs from the table."""
    _sre = importlib.import_module("_sre")

    debug = compiler.SRE_FLAG_DEBUG

    def compile_pattern(pattern: Any, flags: int = 0) -> Any:
        if not isinstance(pattern, (str, bytes)) or flags & debug:
            return original(pattern, flags)
        key = (pattern, flags)
        known = _Run.table.get(key)
        served = None if known is None else _served(_sre, pattern, known)
        if served is not None:
            return served
        try:
            compiled, kept = _compiled(pattern, flags)
        except Exception:  # re's own compile decides, errors included
            return original(pattern, flags)
        if kept is not None:
            _Run.new[key] = kept
        return compiled

    def _compiled(pattern: str | bytes, flags: int) -> tuple[Any, Program | None]:
        """What re._compiler.compile (CPython 3.11-3.13) does, and the program to keep."""
        parsed = parser.parse(pattern, flags)
        groupindex = dict(parsed.state.groupdict)
        names: list[str | None] = [None] * parsed.state.groups
        for name, index in groupindex.items():
            names[index] = name
        code = [int(op) for op in compiler._code(parsed, flags)]
        program = (flags | parsed.state.flags, code, parsed.state.groups - 1, groupindex)
        compiled = _sre.compile(pattern, *program, tuple(names))
        try:
            code_bytes = array("I", code).tobytes()
        except OverflowError:  # a code too wide for the array: not kept
            return compiled, None
        return compiled, (program[0], code_bytes, *program[2:], tuple(names))

    return compile_pattern


def save() -> None:
    """Add this command's new programs to the file (best effort, atomic)."""
    if not _Run.new or _Run.path is None:
        return
    import tempfile

    with contextlib.suppress(OSError, ValueError):
        data = marshal.dumps({**_Run.table, **_Run.new})
        _Run.path.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=_Run.path.parent, suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            os.chmod(name, 0o644)
            os.replace(name, _Run.path)
        finally:
            with contextlib.suppress(OSError):
                os.unlink(name)
