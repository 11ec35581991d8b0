"""compiler/project/selection.py: the directory walk (which prepares each folder once) chooses the
same files as deciding every path on its own with `FileSelection.skipped`."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from compiler.config import Config
from compiler.project.selection import FileSelection

FILES = (
    "a.md",
    "b.txt",
    ".hidden.md",
    "docs/c.md",
    "docs/d.md",
    "docs/keep.md",
    "docs/generated/e.md",
    "docs/deep/er/f.md",
    "docs/deep/er/g.md",
    "legacy/h.md",
    "legacy/sub/i.md",
    "node_modules/j.md",
    ".private/k.md",
    "vendor/l.md",
    "vendor/m.md",
)
GITIGNORES = {
    ".gitignore": "generated/\n*.txt\nvendor/*\n!vendor/m.md\n",
    "docs/.gitignore": "d.md\ndeep/**/g.md\n",
    "docs/deep/.gitignore": "!er/g.md\n",
    ".git/info/exclude": "keep.md\n",
}


def _reference(selection: FileSelection, root: Path) -> list[Path]:
    """Every file decided alone: not hidden, no folder on its way skipped, included, kept."""
    chosen = []
    for folder, dirs, files in os.walk(root):
        for name in files:
            path = Path(folder) / name
            parts = path.relative_to(root).parts
            ancestors = [root.joinpath(*parts[:depth]) for depth in range(1, len(parts))]
            if any(part.startswith(".") for part in parts) or any(
                selection.skipped(a, root, is_dir=True) for a in ancestors
            ):
                continue
            relative = selection._relative(path, root)
            if selection.include.match_file(relative) and not selection.skipped(
                path, root, is_dir=False
            ):
                chosen.append(path)
        dirs.sort()
    return sorted(chosen)


@pytest.mark.parametrize("git", [True, False])
@pytest.mark.parametrize("respect", [True, False])
@pytest.mark.parametrize("base", ["root", "parent", "elsewhere"])
def test_the_walk_chooses_what_each_path_decided_alone_would(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, git: bool, respect: bool, base: str
) -> None:
    repository = tmp_path / "repo"
    root = repository / "runbooks"
    for name in FILES:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("# x\n")
    for name, text in GITIGNORES.items():
        where = repository if name.startswith(".git/") else root
        (where / name).parent.mkdir(parents=True, exist_ok=True)
        (where / name).write_text(text)
    if not git:
        (repository / ".git" / "info" / "exclude").unlink()
        (repository / ".git" / "info").rmdir()
        (repository / ".git").rmdir()
    bases = {"root": root, "parent": repository, "elsewhere": tmp_path / "other"}
    (tmp_path / "other").mkdir()
    config = Config(
        extend_exclude=("legacy/sub", "/docs/c.md"),
        respect_gitignore=respect,
        root=bases[base],
    )
    monkeypatch.chdir(tmp_path)
    for given in (root, Path("repo/runbooks")):
        selection = FileSelection(config)
        walked = list(selection.walk(given))
        assert walked == _reference(FileSelection(config), given)
        assert 3 <= len(walked) < len(FILES)


def test_a_configured_pattern_is_checked_when_the_selection_is_made() -> None:
    """The default patterns are matched lazily (a file named on the command line needs none),
    a configuration's own patterns are read at once, so a bad one fails as before."""
    with pytest.raises(Exception, match="Invalid git pattern"):
        FileSelection(Config(extend_exclude=("!",)))
    FileSelection(Config())  # nothing to check: no pattern built yet
