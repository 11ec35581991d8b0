"""`runbookc check` and `compile` start light: what only other commands use is never imported.

Each case runs the command line in a fresh interpreter and reads its `sys.modules` afterwards,
so nothing an earlier test imported can hide an import.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import FIXTURES, REPO, with_registry

RUN_AND_LIST_MODULES = """
import json, sys
from compiler.cli import app
try:
    app(sys.argv[2:], prog_name="runbookc")
except SystemExit:
    pass
with open(sys.argv[1], "w") as out:
    json.dump(sorted(sys.modules), out)
"""

NEVER_FOR_CHECK = (
    "jinja2",  # the HTML report
    "compiler.draw.report",
    "compiler.draw.export",
    "compiler.draw.view",
    "compiler.draw.layout",
    "compiler.draw.svg",
    "openai",  # the LLM extractor
    "instructor",
    "compiler.extract.llm",
    "compiler.project.agent_files",  # tools export/import, audit
    "compiler.runtime",
    "tomlkit",  # writing sign-offs
    "concurrent.futures.process",  # --jobs
    "rich",  # typer's rich help
)


def _modules(tmp_path: Path, *argv: str) -> set[str]:
    listing = tmp_path / "modules.json"
    subprocess.run(
        [sys.executable, "-c", RUN_AND_LIST_MODULES, str(listing), *argv],
        cwd=REPO,
        check=True,
        timeout=300,
        capture_output=True,
    )
    return set(json.loads(listing.read_text()))


def _loaded(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == n or m.startswith(n + ".") for n in names))


@pytest.fixture
def runbooks(tmp_path: Path) -> Path:
    root = with_registry(tmp_path / "rb")
    shutil.copy(FIXTURES / "rules" / "RB201.md", root / "a.md")
    shutil.copy(FIXTURES / "rules" / "RB105.md", root / "b.md")
    return root


@pytest.mark.parametrize("cache", ["--no-cache", "cold", "warm"])
def test_check_imports_no_report_drawing_llm_or_agent_modules(
    tmp_path: Path, runbooks: Path, cache: str
) -> None:
    options = ["--no-cache"] if cache == "--no-cache" else ["--cache-dir", str(tmp_path / "c")]
    if cache == "warm":
        _modules(tmp_path, "check", str(runbooks), *options)
    modules = _modules(tmp_path, "check", str(runbooks), *options)
    assert "compiler.draw.diagnostics" in modules  # the check did run
    assert _loaded(modules, NEVER_FOR_CHECK) == []


def test_a_check_served_from_the_caches_needs_no_jsonschema_or_yaml_validation(
    tmp_path: Path, runbooks: Path
) -> None:
    options = ["--cache-dir", str(tmp_path / "c")]
    _modules(tmp_path, "check", str(runbooks), *options)
    modules = _modules(tmp_path, "check", str(runbooks), *options)
    assert _loaded(modules, ("jsonschema", "referencing")) == []


def test_a_check_of_a_named_file_matches_no_pattern(tmp_path: Path, runbooks: Path) -> None:
    """A file named on the command line is compiled whatever the default patterns say: the
    gitignore-style matcher is not even loaded (a directory walk loads it)."""
    modules = _modules(tmp_path, "check", str(runbooks / "a.md"), "--no-cache")
    assert "compiler.draw.diagnostics" in modules  # the check did run
    assert _loaded(modules, ("pathspec",)) == []
    assert "pathspec" in _modules(tmp_path, "check", str(runbooks), "--no-cache")


STAGES = (
    "markdown_it",
    "yaml",
    "compiler.pipeline",
    "compiler.parse",
    "compiler.extract.heuristic",
    "compiler.bind",
    "compiler.graph",
    "compiler.rules.assumptions",
    "compiler.project.evals",
    "compiler.project.signing",
)
"""What compiles a file: a run whose results all come from the cache needs none of it."""


@pytest.mark.parametrize("command", ["check", "compile"])
def test_a_run_served_from_the_cache_loads_no_compile_stage(
    tmp_path: Path, runbooks: Path, command: str
) -> None:
    options = ["--cache-dir", str(tmp_path / "c")]
    if command == "compile":
        options += ["--out", str(tmp_path / "out")]
    cold = _modules(tmp_path, command, str(runbooks), *options)
    assert "compiler.pipeline" in cold  # the first run compiled
    warm = _modules(tmp_path, command, str(runbooks), *options)
    assert _loaded(warm, STAGES) == []
    if command == "compile":  # prints no diagnostic: compares and copies artifacts as text
        printing = ("compiler.models", "compiler.draw.diagnostics", "compiler.rules")
        assert _loaded(warm, printing) == []


def test_compile_imports_no_report_drawing_llm_or_agent_modules(
    tmp_path: Path, runbooks: Path
) -> None:
    modules = _modules(tmp_path, "compile", str(runbooks), "--out", str(tmp_path / "out"))
    assert (tmp_path / "out" / "a.json").is_file()
    assert _loaded(modules, NEVER_FOR_CHECK) == []


def test_a_clean_check_served_from_the_cache_loads_no_pydantic(tmp_path: Path) -> None:
    clean = REPO / "runbooks_src" / "prometheus-target-down.md"
    options = ["--cache-dir", str(tmp_path / "c")]
    first = subprocess.run(
        [sys.executable, "-m", "compiler", "check", str(clean), "--format", "json", *options],
        cwd=REPO,
        check=False,
        timeout=300,
        capture_output=True,
        text=True,
    )
    assert json.loads(first.stdout)["summary"]["total"] == 0  # the case needs a clean file
    warm = _modules(tmp_path, "check", str(clean), *options)
    assert _loaded(warm, ("pydantic", "compiler.models", "compiler.rules", "typer._adapters")) == []


@pytest.mark.parametrize("cache", ["--no-cache", "cold", "warm"])
def test_a_check_that_compiles_or_shows_diagnostics_loads_no_pydantic(
    tmp_path: Path, runbooks: Path, cache: str
) -> None:
    """The stages build plain records and the artifact is written from plain data: pydantic,
    pydantic-core and the artifact models are for readers of artifacts, not for a check
    (compiled or from the cache, its files flagged or not)."""
    options = ["--no-cache"] if cache == "--no-cache" else ["--cache-dir", str(tmp_path / "c")]
    if cache == "warm":
        _modules(tmp_path, "check", str(runbooks), *options)
    modules = _modules(tmp_path, "check", str(runbooks), "--format", "json", *options)
    assert "compiler.draw.diagnostics" in modules  # the check did run
    assert (cache == "warm") != ("compiler.pipeline" in modules)  # it compiled unless warm
    assert _loaded(modules, ("pydantic", "pydantic_core", "compiler.models")) == []
