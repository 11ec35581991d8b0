"""scripts/add_rule.py scaffolds a rule the rule tests reject until it is written."""

from __future__ import annotations

import ast
import importlib.util
import shutil
from pathlib import Path
from types import ModuleType

import pytest

from .conftest import REPO


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("add_rule", REPO / "scripts" / "add_rule.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def root(tmp_path: Path) -> Path:
    shutil.copytree(REPO / "compiler" / "rules", tmp_path / "compiler" / "rules")
    shutil.copytree(
        REPO / "tests" / "fixtures" / "rules", tmp_path / "tests" / "fixtures" / "rules"
    )
    return tmp_path


def test_a_new_rule_lands_in_its_family_module_with_a_fixture(root: Path) -> None:
    written = _script().scaffold("RB399", "made-up-rule", "error", root)
    module, fixture = written
    assert module == root / "compiler" / "rules" / "graph.py"
    tree = ast.parse(module.read_text(encoding="utf-8"))
    (function,) = [
        n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "made_up_rule"
    ]
    (decorator,) = function.decorator_list
    assert isinstance(decorator, ast.Call)
    assert [ast.literal_eval(a) for a in decorator.args] == ["RB399", "made-up-rule", "error"]
    assert "<!-- expect: RB399 -->" in fixture.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("RB399", "made-up-rule"),
        ("RB101", "another-rule"),
        ("RB499", "vague-condition"),
        ("RB999", "made-up-rule"),
        ("RB398", "Bad_Name"),
    ],
)
def test_a_taken_or_malformed_code_or_name_is_refused(root: Path, code: str, name: str) -> None:
    script = _script()
    script.scaffold("RB399", "made-up-rule", "warning", root)
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    with pytest.raises(ValueError):
        script.scaffold(code, name, "warning", root)
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before
