"""The layering rules of ARCHITECTURE.md, each checked over the import statements of every module.

Imports are read from the source (all of them: top level, inside functions, under
TYPE_CHECKING), so an import that only some command runs counts as much as one at the top.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from .conftest import REPO

PACKAGE = REPO / "compiler"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _imports(module: str) -> set[str]:
    """Every module of the compiler `module` imports, `from A import B` counting as A.B when
    B is a module."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, *([base] if base else [])])
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {name for name in found if name in MODULES}


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def test_the_import_reader_sees_imports() -> None:
    # the rules below pass vacuously if nothing is found: the reader must find these
    assert "compiler.draw.report" in _imports("compiler.cli")
    assert "compiler.registry.patterns" in _imports("compiler.registry.model")
    assert {"compiler.parse", "compiler.rules"} <= _imports("compiler.pipeline")


LAYERS = {
    "foundations": (
        "compiler",
        "compiler.models",
        "compiler.records",
        "compiler.values",
        "compiler.issues",
        "compiler.config",
        "compiler.emit",
        "compiler.safe_yaml",
        "compiler.placeholders",
        "compiler.confusables",
        "compiler.text",
    ),
    "registry": ("compiler.registry",),
    "stages": (
        "compiler.source",
        "compiler.parse",
        "compiler.frontmatter",
        "compiler.extract",
        "compiler.bind",
        "compiler.graph",
        "compiler.rules",
        "compiler.signoff",
        "compiler.policy",
        "compiler.compilation",
        "compiler.pipeline",
    ),
    "around": ("compiler.runtime", "compiler.draw", "compiler.project"),
    "command line": ("compiler.cli", "compiler.cli_coercion", "compiler.__main__"),
}
"""ARCHITECTURE.md's layers, lowest first: a module imports its own layer or lower ones."""


def _layer(module: str) -> int:
    """The index of a module's layer (the longest package or module that holds it)."""
    holders = [
        (len(name), index)
        for index, names in enumerate(LAYERS.values())
        for name in names
        if _within(module, name) and (name != "compiler" or module == "compiler")
    ]
    assert holders, f"{module} is in no layer"
    return max(holders)[1]


def test_every_module_is_in_one_layer() -> None:
    for module in MODULES:
        _layer(module)
    named = [name for names in LAYERS.values() for name in names]
    assert len(named) == len(set(named)) and set(named) <= set(MODULES)


def test_no_module_imports_a_higher_layer() -> None:
    layers = list(LAYERS)
    found = sorted(
        (module, layers[_layer(module)], name, layers[_layer(name)])
        for module in MODULES
        for name in _imports(module)
        if _layer(name) > _layer(module)
    )
    assert found == []


def test_a_stage_imports_only_earlier_stages() -> None:
    order = LAYERS["stages"]

    def stage(module: str) -> int:
        return max(i for i, name in enumerate(order) if _within(module, name))

    found = sorted(
        (module, name)
        for module in MODULES
        if _layer(module) == 2
        for name in _imports(module)
        if _layer(name) == 2 and stage(name) > stage(module)
    )
    assert found == []


LEAVES = ("compiler.draw", "compiler.project")
"""Packages nothing needs but the command line: drawing, and the project on disk."""


@pytest.mark.parametrize("leaf", LEAVES)
def test_only_the_command_line_imports_a_leaf_package(leaf: str) -> None:
    importers = sorted(
        module
        for module in MODULES
        if not _within(module, leaf)
        and module != "compiler.cli"
        and any(_within(name, leaf) for name in _imports(module))
    )
    assert importers == []


COMPILE_STAGES = (
    "compiler.source",
    "compiler.parse",
    "compiler.frontmatter",
    "compiler.extract",
    "compiler.bind",
    "compiler.graph",
    "compiler.rules",
    "compiler.signoff",
    "compiler.pipeline",
    "compiler.compilation",
)


def test_the_runtime_imports_no_compile_stage() -> None:
    found = {
        (module, name)
        for module in MODULES
        if _within(module, "compiler.runtime")
        for name in _imports(module)
        if any(_within(name, stage) for stage in COMPILE_STAGES)
    }
    assert sorted(found) == []


def test_the_language_layer_imports_nothing_but_itself() -> None:
    found = {
        (module, name)
        for module in MODULES
        if _within(module, "compiler.text")
        for name in _imports(module)
        if not _within(name, "compiler.text")
    }
    assert sorted(found) == []


def test_the_rules_never_import_extraction() -> None:
    # rules read what the stages found (compiler.issues, the graph), never how it was found
    found = {
        (module, name)
        for module in MODULES
        if _within(module, "compiler.rules")
        for name in _imports(module)
        if _within(name, "compiler.extract")
    }
    assert sorted(found) == []


HEURISTIC_PARTS = (
    "shared",
    "spans",
    "sections",
    "commands",
    "context",
    "jumps",
    "drafts",
    "asides",
    "clauses",
    "sentence",
    "paragraphs",
    "cases",
    "lead_ins",
)
"""The heuristic extractor's modules, in the order ARCHITECTURE.md lists them."""


def test_the_extractor_parts_import_only_earlier_parts() -> None:
    package = "compiler.extract.heuristic"
    parts = [f"{package}.{name}" for name in HEURISTIC_PARTS]
    assert sorted([*parts, package]) == sorted(m for m in MODULES if _within(m, package))
    found = sorted(
        (module, name)
        for index, module in enumerate(parts)
        for name in _imports(module)
        if _within(name, package) and name not in parts[:index]
    )
    assert found == []
    assert f"{package}.shared" in _imports(f"{package}.jumps")  # the reader sees them
