"""Issue 21, the cache directory: nothing in it is ever run.

`runbookc check` runs in CI on pull-request checkouts, and the default cache directory
(`.runbookc-cache/`) is inside the project, so a pull request can commit files there. Those
files may change results (SECURITY.md: the action keeps its cache in `$RUNNER_TEMP`), but they
must never become code: no module of the compiler runs text or code objects (`exec`, `eval`,
`compile`, `marshal` outside the compiled-pattern table, `pickle` and the like), and a check
with code objects planted everywhere in the cache directory runs none of them.
"""

from __future__ import annotations

import ast
import marshal
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from compiler.project import patterns_cache

from ..conftest import REPO

PACKAGE = REPO / "compiler"

RUNS_CODE = {"exec", "eval", "compile", "__import__", "execfile", "breakpoint"}
"""Builtins that run text or code objects (`compile` makes one)."""

LOADS_CODE = {
    "pickle", "cPickle", "_pickle", "shelve", "dill", "cloudpickle", "joblib", "runpy", "code",
    "codeop", "imp", "zipimport", "importlib.util", "importlib.machinery", "importlib.abc",
}  # fmt: skip
"""Modules that build or run code from data."""

MARSHAL_LOADS = ("compiler/project/patterns_cache.py", "_load")
"""The one place `marshal` reads: compiled-pattern programs, checked to be plain data."""


def _sources() -> list[Path]:
    paths = sorted(PACKAGE.rglob("*.py"))
    assert len(paths) > 50, "the compiler's sources were found"
    return paths


def _where(relative: str, node: ast.AST) -> str:
    return f"{relative}:{getattr(node, 'lineno', 0)}"


def _own_names(tree: ast.Module) -> set[str]:
    """Names a module binds itself (a function or class, or one imported from the compiler)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("compiler"):
            names.update(alias.asname or alias.name for alias in node.names)
    return names


def _functions(tree: ast.Module) -> dict[ast.AST, str]:
    """Each node inside a top-level function, with that function's name."""
    inside: dict[ast.AST, str] = {}
    for top in tree.body:
        if isinstance(top, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for node in ast.walk(top):
                inside[node] = top.name
    return inside


def _findings(source: str, relative: str) -> list[str]:
    """What in one module's source runs or loads code (`relative`: its path in the repo)."""
    tree = ast.parse(source, relative)
    own = _own_names(tree)
    inside = _functions(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id in RUNS_CODE and node.id not in own:
            found.append(f"{_where(relative, node)} uses {node.id}")
        elif isinstance(node, ast.Attribute) and node.attr in RUNS_CODE | {"CodeType"}:
            base = node.value
            if isinstance(base, ast.Name) and base.id in {"builtins", "types", "__builtins__"}:
                found.append(f"{_where(relative, node)} uses {base.id}.{node.attr}")
        elif isinstance(node, ast.Attribute) and node.attr in {"FunctionType", "LambdaType"}:
            found.append(f"{_where(relative, node)} builds functions ({node.attr})")
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            modules = [node.module or ""]
            modules += [f"{node.module}.{alias.name}" for alias in node.names]
            if node.module == "types":
                modules += [alias.name for alias in node.names if alias.name.endswith("Type")]
            if node.module == "marshal" or node.module == "builtins":
                found.append(f"{_where(relative, node)} imports names from {node.module}")
        else:
            modules = []
        for module in modules:
            if module in LOADS_CODE or module.split(".")[0] in LOADS_CODE:
                found.append(f"{_where(relative, node)} imports {module}")
            if module.endswith("Type") and module in {"CodeType", "FunctionType", "LambdaType"}:
                found.append(f"{_where(relative, node)} imports types.{module}")
            if module == "marshal" and relative != MARSHAL_LOADS[0]:
                found.append(f"{_where(relative, node)} imports marshal")
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "marshal"
            and node.attr in {"load", "loads"}
            and (relative, inside.get(node)) != MARSHAL_LOADS
        ):
            found.append(f"{_where(relative, node)} marshal.{node.attr} outside {MARSHAL_LOADS}")
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "import_module"
            and not (node.args and isinstance(node.args[0], ast.Constant))
        ):
            found.append(f"{_where(relative, node)} imports a module named by data")
    return found


def test_no_module_of_the_compiler_runs_or_loads_code() -> None:
    found = [
        finding
        for path in _sources()
        for finding in _findings(path.read_text("utf-8"), path.relative_to(REPO).as_posix())
    ]
    assert found == []


def test_the_scan_finds_what_it_looks_for() -> None:
    """The scan is not vacuous: each form it forbids, written into a module, is found."""
    forms = {
        "exec(text)": "uses exec",
        "f = eval": "uses eval",
        "compile(text, 'x', 'exec')": "uses compile",
        "builtins.exec(text)": "builtins.exec",
        "import pickle": "imports pickle",
        "from shelve import open": "imports shelve",
        "import marshal\nmarshal.loads(data)": "marshal.loads outside",
        "from marshal import loads": "imports names from marshal",
        "import importlib\nimportlib.import_module(name)": "named by data",
        "import types\ntypes.FunctionType(code, {})": "builds functions",
        "from types import CodeType": "imports types.CodeType",
        "import importlib.util": "imports importlib.util",
    }
    for source, expected in forms.items():
        findings = _findings(source + "\n", "compiler/probe.py")
        assert any(expected in finding for finding in findings), (source, findings)
    assert _findings("from compiler.pipeline import compile\ncompile(x)\n", "compiler/p.py") == []
    assert _findings("import re\nre.compile('a')\n", "compiler/p.py") == []
    kept = "import marshal\ndef _load(p):\n    return marshal.loads(p)\n"
    assert _findings(kept, MARSHAL_LOADS[0]) == []
    assert _findings(kept, "compiler/other.py")


def _code_that_marks(sentinel: Path) -> object:
    return compile(f"open({str(sentinel)!r}, 'w').write('ran')", "<planted>", "exec")


def test_code_planted_in_the_cache_directory_is_never_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A pull request commits `.runbookc-cache/` with code objects marshalled into every file
    runbookc reads there or that an earlier build kept there (`code/`, `patterns/`, result
    entries): `runbookc check` and `compile` run as the console entry does, and none runs."""
    monkeypatch.delenv("RUNBOOKC_CACHE_DIR", raising=False)  # the default, in the project
    project = tmp_path / "project"
    shutil.copytree(REPO / "runbooks_src", project / "runbooks_src")
    sentinel = tmp_path / "ran"
    code = _code_that_marks(sentinel)
    cache = project / ".runbookc-cache"
    table = patterns_cache.table_path(cache)
    table.parent.mkdir(parents=True)
    planted = {("planted", 0): code, (r"\bdelete\b", 0): (0, code, 0, {}, (code,))}
    table.write_bytes(marshal.dumps(planted))
    (cache / "code").mkdir()
    for name in ("0" * 16, "dataclasses", "typing", "compiler.cli"):
        (cache / "code" / f"{name}.marshal").write_bytes(marshal.dumps(code))
    (cache / "ab").mkdir()
    (cache / "ab" / ("ab" + "0" * 62 + ".json")).write_bytes(marshal.dumps(code))
    runbook = sorted((project / "runbooks_src").glob("*.md"))[0]
    for command in (["check", str(runbook)], ["compile", "runbooks_src", "--out", "out"]):
        done = subprocess.run(
            [sys.executable, "-m", "compiler", *command],
            cwd=project,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode in (0, 1), done.stderr
        assert not sentinel.exists(), command
    kept = patterns_cache._load(table)
    assert kept, "the check kept its own patterns in the table"
    assert ("planted", 0) not in kept and (r"\bdelete\b", 0) not in kept


def test_the_action_keeps_its_cache_out_of_the_checkout() -> None:
    action = yaml.safe_load((REPO / "action.yml").read_text("utf-8"))
    checks = [
        line
        for step in action["runs"]["steps"]
        for line in step.get("run", "").splitlines()
        if line.strip().startswith("runbookc")
    ]
    assert checks
    for line in checks:
        assert '--cache-dir "$RUNNER_TEMP/' in line or "--no-cache" in line, line
    doc = (REPO / "docs" / "github-actions.md").read_text("utf-8")
    assert 'RUNBOOKC_CACHE_DIR=$RUNNER_TEMP/runbookc-cache" >> "$GITHUB_ENV"' in doc
