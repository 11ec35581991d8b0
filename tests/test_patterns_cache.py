"""Compiled regular expressions kept between runs (compiler/project/patterns_cache.py): a pattern
served from the file is the very pattern `re` compiles, the file is only used inside a
`runbookc` process with a cache directory, and a bad file is ignored."""

from __future__ import annotations

import marshal
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import CodeType, SimpleNamespace

import pytest

from compiler.project import patterns_cache

from .conftest import REPO

PATTERNS: list[tuple[str | bytes, int]] = [
    (r"(?P<verb>restart|reload)\s+(?P<unit>[\w.-]+)", re.IGNORECASE),
    (r"^\s*(?:#|//)\s*(.*)$", re.MULTILINE),
    (r"(?x) \b (?: kubectl | oc ) \s+ (get|describe) \b  # a comment", 0),
    (rb"[\x00-\x08\x0b\x0c\x0e-\x1f]", 0),
    (r"\b(?:w(?:ait|atch)|c(?:heck|onfirm))\b", re.IGNORECASE | re.UNICODE),
    ("(a)(b)?(?(2)c|d)", 0),
]
SAMPLES = ["Restart nginx.service", "  # note", "oc describe pod", "wait\x01", "abc ad", ""]


def _uncached(pattern: str | bytes, flags: int) -> re.Pattern[str] | re.Pattern[bytes]:
    return re._compiler.compile(pattern, flags)  # type: ignore[attr-defined,no-any-return]


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str | bytes]]:
    """The patterns `re` parses (a pattern served from the file is not parsed)."""
    seen: list[str | bytes] = []
    parse = re._parser.parse  # type: ignore[attr-defined]

    def counting(pattern: str | bytes, flags: int = 0) -> object:
        seen.append(pattern)
        return parse(pattern, flags)

    monkeypatch.setattr(re._parser, "parse", counting)  # type: ignore[attr-defined]
    re.purge()
    yield seen
    re.purge()


def _compile_all() -> list[re.Pattern[str] | re.Pattern[bytes]]:
    re.purge()  # re's own in-process cache would hide the file
    return [re.compile(pattern, flags) for pattern, flags in PATTERNS]


def test_served_patterns_are_the_patterns_re_compiles(
    tmp_path: Path, parses: list[str | bytes]
) -> None:
    with patterns_cache.kept():
        patterns_cache.use(tmp_path)
        first = _compile_all()
    assert patterns_cache.table_path(tmp_path).is_file()
    assert len(parses) >= len(PATTERNS)
    parses.clear()
    with patterns_cache.kept():
        patterns_cache.use(tmp_path)
        served = _compile_all()
    assert parses == []  # every one came from the file
    for (pattern, flags), fresh, again in zip(PATTERNS, first, served, strict=True):
        expected = _uncached(pattern, flags)
        # Pattern equality compares the pattern, the flags and the matcher's program.
        assert fresh == expected and again == expected
        assert (again.groups, again.groupindex, again.flags) == (
            expected.groups,
            expected.groupindex,
            expected.flags,
        )
        for sample in SAMPLES:
            text = sample.encode() if isinstance(pattern, bytes) else sample
            found, wanted = again.search(text), expected.search(text)  # type: ignore[arg-type]
            assert (found and found.groups()) == (wanted and wanted.groups())
    assert re._compiler.compile is not None  # type: ignore[attr-defined]


def test_re_is_restored_after_the_command(tmp_path: Path) -> None:
    before = re._compiler.compile  # type: ignore[attr-defined]
    with patterns_cache.kept():
        patterns_cache.use(tmp_path)
        assert re._compiler.compile is not before  # type: ignore[attr-defined]
    assert re._compiler.compile is before  # type: ignore[attr-defined]


def test_nothing_is_kept_outside_a_runbookc_process_or_without_a_directory(
    tmp_path: Path, parses: list[str | bytes]
) -> None:
    patterns_cache.use(tmp_path)  # not inside `kept`: a library caller, a test
    _compile_all()
    with patterns_cache.kept():
        patterns_cache.use(None)  # --no-cache
        _compile_all()
    assert not (tmp_path / patterns_cache.SUBDIRECTORY).exists()
    assert len(parses) >= 2 * len(PATTERNS)


@pytest.mark.parametrize(
    "content",
    [b"", b"not marshal at all", b"\xff" * 64],
    ids=["empty", "garbage", "bad-bytes"],
)
def test_an_unreadable_file_is_ignored_and_replaced(tmp_path: Path, content: bytes) -> None:
    path = patterns_cache.table_path(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    with patterns_cache.kept():
        patterns_cache.use(tmp_path)
        compiled = _compile_all()
    assert compiled == [_uncached(p, f) for p, f in PATTERNS]
    assert path.read_bytes() != content


UNUSABLE: list[object] = [
    ("not a program",),
    (0, b"\x01\x00\x00", 0, {}, ()),  # code bytes not a whole number of words
    (0, [1], 0, {}, ()),  # code not bytes
    None,
    7,
    "text",
    b"",
    (),
    (0, b"", 0, {}, ()),  # an empty program
    (0, b"\xff" * 16, 0, {}, ()),  # opcodes _sre rejects
    (0, b"\x00" * 8, -5, {}, ()),  # impossible group count
    (0, b"\x01\x00\x00\x00", 0, ["g"], ("g",)),  # group index not a mapping
    ("0", b"\x01\x00\x00\x00", 0, {}, ()),  # flags not an int
    (0, b"\x01\x00\x00\x00", 0, {}, (), "one too many"),
    (2**70, b"\x01\x00\x00\x00", 0, {}, ()),
]


@pytest.mark.parametrize("index", range(len(UNUSABLE)))
def test_an_unusable_entry_is_compiled_afresh(tmp_path: Path, index: int) -> None:
    path = patterns_cache.table_path(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_bytes(marshal.dumps({(p, int(f)): UNUSABLE[index] for p, f in PATTERNS}))
    with patterns_cache.kept():
        patterns_cache.use(tmp_path)
        compiled = _compile_all()
    assert compiled == [_uncached(p, f) for p, f in PATTERNS]


def _raising(parsed: object, flags: int) -> list[int]:
    raise RuntimeError("a future _code")


@pytest.mark.parametrize(
    "code",
    [
        _raising,
        lambda parsed, flags: None,  # not iterable
        lambda parsed, flags: ["LITERAL", 97],  # not integers
        lambda parsed, flags: [2**40],  # an opcode _sre.compile rejects
        lambda parsed, flags: [],  # an empty program
    ],
    ids=["raises", "none", "not-ints", "too-wide", "empty"],
)
def test_a_changed_re_internal_falls_back_to_res_own_compile(code: object) -> None:
    """The miss path copies re._compiler.compile of CPython 3.11-3.13: if a later CPython
    changes what it relies on, every pattern is still re's own result, and nothing is kept."""
    real = re._compiler  # type: ignore[attr-defined]
    changed = SimpleNamespace(SRE_FLAG_DEBUG=real.SRE_FLAG_DEBUG, _code=code)
    compile_pattern = patterns_cache._compiler(changed, re._parser, real.compile)  # type: ignore[attr-defined]
    patterns_cache._Run.new = {}
    try:
        for pattern, flags in PATTERNS:
            assert compile_pattern(pattern, flags) == _uncached(pattern, flags)
        assert patterns_cache._Run.new == {}
        with pytest.raises(re.error) as raised:
            compile_pattern("(unbalanced", 0)
        with pytest.raises(re.error) as expected:
            _uncached("(unbalanced", 0)
        assert str(raised.value) == str(expected.value)
    finally:
        patterns_cache._Run.new = {}


def test_a_check_keeps_patterns_only_with_a_cache_directory(tmp_path: Path) -> None:
    runbook = REPO / "runbooks_src" / "etcd-defrag.md"

    def check(*options: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "compiler", "check", str(runbook), *options],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode in (0, 1), done.stderr
        return done.stdout

    uncached = check("--no-cache")
    assert not (tmp_path / ".runbookc-cache").exists()
    cache = tmp_path / "cache"
    assert check("--cache-dir", str(cache)) == uncached
    assert patterns_cache.table_path(cache).is_file()
    for entry in cache.iterdir():  # drop the cached result, keep the patterns
        if entry.name not in ("validated", patterns_cache.SUBDIRECTORY):
            shutil.rmtree(entry)
    assert check("--cache-dir", str(cache)) == uncached


def _programs() -> dict[tuple[str | bytes, int], object]:
    """This interpreter's real table entries for PATTERNS, as a run keeps them."""
    compile_pattern = patterns_cache._compiler(
        re._compiler,  # type: ignore[attr-defined]
        re._parser,  # type: ignore[attr-defined]
        re._compiler.compile,  # type: ignore[attr-defined]
    )
    patterns_cache._Run.new = {}
    try:
        for pattern, flags in PATTERNS:
            compile_pattern(pattern, int(flags))
        return dict(patterns_cache._Run.new)
    finally:
        patterns_cache._Run.new = {}


def _holds_code(value: object) -> bool:
    if isinstance(value, CodeType):
        return True
    if isinstance(value, dict):
        return any(_holds_code(k) or _holds_code(v) for k, v in value.items())
    if isinstance(value, (tuple, list, set, frozenset)):
        return any(_holds_code(item) for item in value)
    return False


def test_an_entry_that_is_not_plain_data_is_dropped_when_the_file_loads(tmp_path: Path) -> None:
    """marshal builds code objects too: an entry holding one (or a list, a float, a bool where
    an int belongs) is dropped when the file is read, and the good entries are still served."""
    code = compile("raise SystemExit('ran')", "<planted>", "exec")
    good = _programs()
    (key, program), *_ = good.items()
    flags, code_bytes, groups, groupindex, names = program  # type: ignore[misc]
    planted: dict[object, object] = {
        ("planted", 0): code,
        (code, 0): program,
        ("p1", 0): (flags, code, groups, groupindex, names),
        ("p2", 0): (flags, code_bytes, groups, {"g": code}, names),
        ("p3", 0): (flags, code_bytes, groups, {code: 1}, names),
        ("p4", 0): (flags, code_bytes, groups, groupindex, (code,)),
        ("p5", 0): (code, code_bytes, groups, groupindex, names),
        ("p6", 0): [flags, code_bytes, groups, groupindex, names],
        ("p7", 0): (flags, code_bytes, 1.5, groupindex, names),
        ("p8", True): program,
        ("p9", 0, code): program,
        code: program,
    }
    path = patterns_cache.table_path(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_bytes(marshal.dumps({**good, **planted}))
    loaded = patterns_cache._load(path)
    assert loaded == good
    assert not _holds_code(loaded)
    assert key in loaded


def test_a_file_of_only_a_code_object_is_ignored(tmp_path: Path) -> None:
    path = patterns_cache.table_path(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_bytes(marshal.dumps(compile("raise SystemExit('ran')", "<planted>", "exec")))
    assert patterns_cache._load(path) == {}
