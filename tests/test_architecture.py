"""ARCHITECTURE.md names every module of the compiler, and every layering test it cites."""

from __future__ import annotations

import re

from .conftest import REPO

ARCHITECTURE = REPO / "ARCHITECTURE.md"


def test_architecture_names_every_module() -> None:
    text = ARCHITECTURE.read_text(encoding="utf-8")
    package = REPO / "compiler"
    modules = sorted(p.relative_to(package).as_posix() for p in package.rglob("*.py"))
    assert "registry/model.py" in modules  # the walk found the package's modules
    assert [module for module in modules if f"`{module}`" not in text] == []


def test_every_test_the_architecture_cites_exists() -> None:
    text = ARCHITECTURE.read_text(encoding="utf-8")
    cited = set(re.findall(r"`(test_[a-z_]+)`", text))
    layers = (REPO / "tests" / "test_layers.py").read_text(encoding="utf-8")
    defined = set(re.findall(r"^def (test_[a-z_]+)\(", layers, re.MULTILINE))
    assert len(cited) >= 5
    assert sorted(cited - defined) == []
    assert sorted(defined - cited - {"test_the_import_reader_sees_imports"}) == []
