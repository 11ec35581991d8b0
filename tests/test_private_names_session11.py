"""Session 11 (tidy11): the rules and the language layer share public names only, and a task
list's check box is read by the patterns of one module (compiler/text/task_boxes.py)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from compiler.text.task_boxes import LISTED_TASK_BOX, LOOSE_TASK_BOX, TASK_BOX

from .conftest import REPO

PACKAGE = REPO / "compiler"


def _private_imports(path: Path) -> list[str]:
    """`module:name` for each private name `path` imports from another compiler module."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("compiler."):
            found += [
                f"{node.module}:{alias.name}"
                for alias in node.names
                if alias.name.startswith("_") and not alias.name.startswith("__")
            ]
    return found


@pytest.mark.parametrize("layer", ["rules", "text"])
def test_no_private_name_is_imported_across_modules(layer: str) -> None:
    modules = sorted((PACKAGE / layer).rglob("*.py"))
    assert len(modules) > 5  # the walk found the layer's modules
    imported = {
        path.relative_to(PACKAGE).as_posix(): names
        for path in modules
        if (names := _private_imports(path))
    }
    assert imported == {}


def test_the_private_import_check_sees_one(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("from compiler.rules.assumptions.scan import (\n    Hit,\n    _hidden,\n)\n")
    assert _private_imports(module) == ["compiler.rules.assumptions.scan:_hidden"]


@pytest.mark.parametrize(
    ("text", "plain", "listed", "loose"),
    [
        ("[ ] Check the pods", "Check the pods", "Check the pods", "Check the pods"),
        (
            "[x] `kubectl get pods`",
            "`kubectl get pods`",
            "`kubectl get pods`",
            "`kubectl get pods`",
        ),
        # a list mark before the box: only the readers of a whole sentence see it
        ("- [ ] Page the IMOC", "- [ ] Page the IMOC", "Page the IMOC", "Page the IMOC"),
        # a numbered mark: the placeholder rule's reading skips punctuation, not digits
        ("2. [X] Page the IMOC", "2. [X] Page the IMOC", "Page the IMOC", "2. [X] Page the IMOC"),
        # an empty box: the rules take it, the extractor does not
        ("[] Restart it", "[] Restart it", "Restart it", "Restart it"),
        # markup round the box, no space after it: only the placeholder rule's reading
        ("**[x]**`cmd <host>`", "**[x]**`cmd <host>`", "**[x]**`cmd <host>`", "**`cmd <host>`"),
        ("[x]`cmd`", "[x]`cmd`", "[x]`cmd`", "`cmd`"),
        # words in brackets are no box
        (
            "[See below] Restart it",
            "[See below] Restart it",
            "[See below] Restart it",
            "[See below] Restart it",
        ),
    ],
)
def test_task_box_forms_differ_as_documented(
    text: str, plain: str, listed: str, loose: str
) -> None:
    assert TASK_BOX.sub("", text, count=1) == plain
    assert LISTED_TASK_BOX.sub("", text, count=1) == listed
    assert LOOSE_TASK_BOX.sub("", text, count=1) == loose
