"""`--jobs`: a number of worker processes or `auto` (the default), and the same output
whatever the number of processes."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from compiler.cli import app
from compiler.compilation import Environment
from compiler.project import batch
from compiler.registry import Registry

from .conftest import FIXTURES, with_registry

runner = CliRunner()


@pytest.fixture
def many(tmp_path: Path) -> Path:
    """A tree of 40 runbooks (every rule fixture, some twice, in two folders)."""
    root = with_registry(tmp_path / "many")
    fixtures = sorted((FIXTURES / "rules").glob("*.md"))
    (root / "again").mkdir()
    for index in range(40):
        source = fixtures[index % len(fixtures)]
        folder = root if index < len(fixtures) else root / "again"
        shutil.copy(source, folder / source.name)
    return root


@pytest.fixture
def processes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The number of processes each compile ran in (two CPUs, whatever this machine has)."""
    seen: list[int] = []
    original = batch._compile_many

    def counted(sources: list[Any], env: Environment, jobs: int, *rest: Any) -> Any:
        seen.append(jobs)
        return original(sources, env, jobs, *rest)

    monkeypatch.setattr(batch, "_compile_many", counted)
    monkeypatch.setattr(batch, "cpus", lambda: 2)
    monkeypatch.setattr(batch, "forks", lambda: True)
    return seen


def _artifacts(out: Path) -> dict[str, bytes]:
    return {path.relative_to(out).as_posix(): path.read_bytes() for path in out.rglob("*.json")}


def test_auto_compiles_many_files_in_processes_with_the_same_artifacts(
    many: Path, processes: list[int]
) -> None:
    one, auto = many.parent / "one", many.parent / "auto"
    first = runner.invoke(app, ["compile", str(many), "--out", str(one), "--jobs", "1"])
    second = runner.invoke(app, ["compile", str(many), "--out", str(auto), "--no-cache"])
    assert first.exit_code == second.exit_code == 0, second.output
    assert processes == [1, 2]
    assert len(_artifacts(one)) == 40
    assert _artifacts(one) == _artifacts(auto)
    assert first.output == second.output.replace(str(auto), str(one))


def test_auto_check_reports_the_same_diagnostics(many: Path, processes: list[int]) -> None:
    one = runner.invoke(app, ["check", str(many), "--format", "json", "--jobs", "1"])
    auto = runner.invoke(app, ["check", str(many), "--format", "json", "--no-cache"])
    assert (one.exit_code, one.output) == (auto.exit_code, auto.output)
    assert processes == [1, 2]


def test_auto_compiles_a_few_files_in_this_process(tmp_path: Path, processes: list[int]) -> None:
    root = with_registry(tmp_path / "few")
    for source in sorted((FIXTURES / "rules").glob("*.md"))[:5]:
        shutil.copy(source, root / source.name)
    result = runner.invoke(app, ["compile", str(root), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert processes == [1]


def test_only_files_the_cache_misses_count(many: Path, processes: list[int]) -> None:
    out, cache = many.parent / "out", many.parent / "cache"
    options = ["--out", str(out), "--cache-dir", str(cache)]
    assert runner.invoke(app, ["compile", str(many), *options]).exit_code == 0
    (many / "RB101.md").write_text((many / "RB101.md").read_text() + "\nRestart it.\n")
    assert runner.invoke(app, ["compile", str(many), *options]).exit_code == 0
    assert processes == [2, 1]  # the second run compiles one changed file


@pytest.mark.parametrize(
    ("jobs", "files", "cpus", "forks", "expected"),
    [
        (3, 1, 8, True, 3),  # a number given is used as given
        (1, 500, 8, True, 1),
        (None, 31, 8, True, 1),  # auto: too few files to pay for a worker
        (None, 32, 8, True, 2),  # at most one worker per 16 files
        (None, 380, 2, True, 2),  # one per CPU
        (None, 380, 1, True, 1),
        (None, 127, 8, False, 1),  # a fresh interpreter per worker: one per 64 files
        (None, 128, 8, False, 2),
    ],
)
def test_workers(
    monkeypatch: pytest.MonkeyPatch,
    jobs: int | None,
    files: int,
    cpus: int,
    forks: bool,
    expected: int,
) -> None:
    monkeypatch.setattr(batch, "cpus", lambda: cpus)
    monkeypatch.setattr(batch, "forks", lambda: forks)
    assert batch.workers(jobs, files, Environment(Registry.lint_only_registry())) == expected


def test_auto_with_a_language_model_stays_in_one_process(monkeypatch: pytest.MonkeyPatch) -> None:
    from compiler.extract.llm import LLMSettings

    monkeypatch.setattr(batch, "cpus", lambda: 8)
    env = Environment(Registry.lint_only_registry(), llm=LLMSettings(model="m"))
    assert batch.workers(None, 380, env) == 1
    assert batch.workers(2, 380, env) == 2


@pytest.mark.parametrize("value", ["0", "-1", "two", "1.5", "", "\u0663"])
def test_a_bad_jobs_value_is_a_usage_error(tmp_path: Path, value: str) -> None:
    result = runner.invoke(
        app, ["compile", str(tmp_path), "--out", str(tmp_path / "o"), "--jobs", value]
    )
    assert result.exit_code == 2
    assert "--jobs" in result.output
    assert not (tmp_path / "o").exists()


def test_cpus_is_at_least_one() -> None:
    assert batch.cpus() >= 1


def test_the_progress_bar_runs_no_thread_to_fork_under(monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import threading

    from compiler import cli

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    monkeypatch.setattr(sys, "stderr", screen)
    before = threading.active_count()
    with cli._progress(100, False) as advance:
        assert advance is not None
        assert threading.active_count() == before
        advance(40)
        assert "40/100" in screen.getvalue()


def test_workers_are_forked_on_linux() -> None:
    assert batch.forks() == (sys.platform == "linux")
