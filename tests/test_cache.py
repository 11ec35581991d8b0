from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from compiler import pipeline
from compiler.compilation import SourceFile
from compiler.emit import canonical_json
from compiler.pipeline import Environment
from compiler.project import outdir
from compiler.project.batch import compile_all
from compiler.project.discovery import discover

from .conftest import FIXTURES


@pytest.fixture
def runbooks(tmp_path: Path) -> Path:
    root = tmp_path / "rb"
    shutil.copytree(FIXTURES / "rules", root, ignore=shutil.ignore_patterns("RB00[4-7]*"))
    return root


def compile_counting(
    root: Path, env: Environment, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[list[str], int]:
    calls = []
    real = pipeline.compile_file  # batch imports it when a file needs compiling

    def counting(source: SourceFile, environment: Environment) -> object:
        calls.append(source.display)
        return real(source, environment)

    monkeypatch.setattr(pipeline, "compile_file", counting)
    results = compile_all(discover([root]), env, cache_dir=cache)
    texts = [r.artifact_json for r in results if r.fatal is None]
    assert texts == [canonical_json(r.artifact) for r in results if r.artifact]
    return texts, len(calls)


def test_unchanged_inputs_are_served_from_the_cache(
    runbooks: Path, env: Environment, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    first, compiled = compile_counting(runbooks, env, cache, monkeypatch)
    again, recompiled = compile_counting(runbooks, env, cache, monkeypatch)
    assert compiled == len(first) > 20 and recompiled == 0
    assert again == first, "a cached result is byte-identical to a fresh one"


def test_a_changed_runbook_or_sidecar_is_recompiled(
    runbooks: Path, env: Environment, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    compile_counting(runbooks, env, cache, monkeypatch)
    (runbooks / "RB101.md").write_text((runbooks / "RB101.md").read_text() + "\nMore.\n")
    sidecar = runbooks / "RB901.signoffs.toml"
    sidecar.write_text(sidecar.read_text() + "\n# edited\n")
    assert compile_counting(runbooks, env, cache, monkeypatch)[1] == 2


def test_a_corrupt_entry_is_a_miss(
    runbooks: Path, env: Environment, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    compile_counting(runbooks, env, cache, monkeypatch)
    entries = sorted(cache.rglob("*.json"))
    entries[0].write_text('{"artifact": "{truncated"')
    # A well-formed entry whose artifact text no longer matches its digest.
    entries[1].write_text(entries[1].read_text().replace("RB", "XB", 1))
    recompiled = compile_counting(runbooks, env, cache, monkeypatch)[1]
    assert recompiled == 2


def test_writing_leaves_unchanged_artifacts_alone(
    runbooks: Path, env: Environment, tmp_path: Path
) -> None:
    results = compile_all(discover([runbooks]), env)
    out = tmp_path / "out"
    outdir.write_all(results, out)
    written = sorted(out.rglob("*.json"))
    stamps = {path: path.stat().st_mtime_ns for path in written}
    edited = out / results[0].source.output
    edited.write_text("edited by hand\n")
    outdir.write_all(results, out)
    changed = [path for path in written if path.stat().st_mtime_ns != stamps[path]]
    assert changed == [edited] and len(written) > 20
    assert edited.read_text() == results[0].artifact_json


def test_a_fatal_result_round_trips_and_wrong_shaped_entries_are_misses(tmp_path: Path) -> None:
    from compiler.compilation import CompileResult, SourceFile
    from compiler.project import cache
    from compiler.records import Diagnostic

    source = SourceFile(tmp_path / "a.md", "a.md", "a.md", "a.json")
    fatal = Diagnostic(
        blocking=True,
        code="RB001",
        column=1,
        end_column=2,
        end_line=1,
        fingerprint="f" * 16,
        fix="Fix it — ünïcode kept.",
        line=1,
        message="cannot parse",
        name="unparseable",
        path="a.md",
        severity="error",
    )
    directory, key = tmp_path / "cache", "ab" + "0" * 62
    cache.store(directory, key, CompileResult(source, fatal=fatal))
    loaded = cache.load(directory, key, source)
    assert loaded is not None and loaded.fatal == fatal and loaded.text is None
    entry = cache._entry_path(directory, key)
    good = entry.read_text()
    for wrong in (
        "[]",
        "null",
        '{"artifact": null, "sha256": null, "status": null}',
        good.replace('"fatal":{', '"fatal":{"extra":1,'),
        good.replace('"status":null', '"status":3'),
        '{"artifact": 7, "sha256": null, "status": "ready", "fatal": null}',
        '{"artifact": "{}", "sha256": null, "status": "ready", "fatal": null}',
        "[" * 100_000,
    ):
        entry.write_text(wrong)
        assert cache.load(directory, key, source) is None, wrong[:60]


def test_a_change_anywhere_in_the_compiler_package_is_a_miss(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import compiler
    from compiler.project import cache

    assert Path(compiler.__file__).resolve().parent == cache.PACKAGE
    copy = tmp_path / "compiler"
    shutil.copytree(cache.PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(cache, "PACKAGE", copy)
    digest = cache.compiler_digest.__wrapped__
    before = digest()
    for changed in ("rules/graph.py", "project/outdir.py", "schemas/registry.schema.json"):
        path = copy / changed
        path.write_bytes(path.read_bytes() + b"\n")
        assert digest() != before, changed
        before = digest()
