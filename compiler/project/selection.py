"""Which markdown files a directory walk compiles: `include`, `exclude` / `extend-exclude` and
`.gitignore`, as ruff chooses the Python files it lints.

Patterns are gitignore-style (`pathspec`), matched against paths relative to the folder of the
configuration file (or the current directory when there is none): `node_modules` skips that
folder at any depth, `legacy/*.md` one folder's files. A file named on the command line is
always compiled, unless `force_exclude` is set (pre-commit passes every changed file).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from compiler.config import Config

if TYPE_CHECKING:
    from pathspec import GitIgnoreSpec


def _spec(patterns: tuple[str, ...] | list[str]) -> GitIgnoreSpec:
    from pathspec import GitIgnoreSpec  # a file named on the command line needs no pattern

    return GitIgnoreSpec.from_lines(patterns)


def _git_root(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return None


@dataclass
class FileSelection:
    """The file choice of one run: configuration patterns and the .gitignore files met."""

    config: Config
    force_exclude: bool = False
    _gitignores: dict[Path, GitIgnoreSpec | None] = field(default_factory=dict)
    _applying: dict[Path, list[tuple[Path, GitIgnoreSpec]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.base = self.config.root or Path.cwd().resolve()
        defaults = Config()
        if (self.config.exclude, self.config.extend_exclude, self.config.include) != (
            defaults.exclude,
            defaults.extend_exclude,
            defaults.include,
        ):
            _ = self.exclude, self.include  # patterns of a configuration are checked at once

    @cached_property
    def exclude(self) -> GitIgnoreSpec:
        """What the configuration excludes (built when first matched: the default patterns
        are valid, and a file named on the command line is not matched against them)."""
        return _spec([*self.config.exclude, *self.config.extend_exclude])

    @cached_property
    def include(self) -> GitIgnoreSpec:
        """The files a directory walk compiles."""
        return _spec(list(self.config.include))

    def walk(self, root: Path) -> Iterator[Path]:
        """Files under `root` to compile, sorted, skipping excluded and ignored folders
        without entering them, and hidden files and folders."""
        found: list[Path] = []
        root_absolute = root.absolute()
        for folder, dirs, files in os.walk(root):
            here = Path(folder)
            prefix, gitignores = self._folder(here.absolute(), root_absolute)
            dirs[:] = [
                d
                for d in dirs
                if not d.startswith(".") and not self._skipped(prefix, gitignores, d + "/")
            ]
            found += [
                here / name
                for name in files
                if not name.startswith(".")
                and self.include.match_file(prefix + name)
                and not self._skipped(prefix, gitignores, name)
            ]
        yield from sorted(found)

    def _folder(self, absolute: Path, root: Path) -> tuple[str, list[tuple[str, GitIgnoreSpec]]]:
        """What the walk matches a folder's entries with, worked out once per folder: the
        folder's path as `_relative` gives it (with a closing slash, empty at the base) and the
        .gitignore specs that apply there with the folder's path relative to each."""
        relative = "."
        for base in (self.base, root):
            try:
                relative = absolute.relative_to(base).as_posix()
                break
            except ValueError:
                continue
        gitignores = []
        if self.config.respect_gitignore:
            for folder, spec in self._gitignores_above(absolute):
                inner = absolute.relative_to(folder).as_posix()
                gitignores.append(("" if inner == "." else inner + "/", spec))
        return ("" if relative == "." else relative + "/"), gitignores

    def _skipped(self, prefix: str, gitignores: list[tuple[str, GitIgnoreSpec]], name: str) -> bool:
        """`skipped` for an entry of a folder prepared by `_folder` (a folder's name ends
        with a slash)."""
        if self.exclude.match_file(prefix + name):
            return True
        verdict: bool | None = None
        for inner, spec in gitignores:
            result = spec.check_file(inner + name)
            if result.include is not None:
                verdict = result.include
        return bool(verdict)

    def named(self, path: Path) -> bool:
        """Whether a file named on the command line is compiled."""
        if not self.force_exclude:
            return True
        return not any(
            self.skipped(folder, folder.parent, is_dir=True)
            for folder in path.absolute().parents
            if folder != folder.parent
        ) and not self.skipped(path, path.parent, is_dir=False)

    def _relative(self, path: Path, root: Path) -> str:
        absolute = path.absolute()
        for base in (self.base, root.absolute()):
            try:
                return absolute.relative_to(base).as_posix()
            except ValueError:
                continue
        return path.name

    def skipped(self, path: Path, root: Path, *, is_dir: bool) -> bool:
        """Excluded by the configuration, or ignored by git."""
        relative = self._relative(path, root) + ("/" if is_dir else "")
        if self.exclude.match_file(relative):
            return True
        return self.config.respect_gitignore and self._git_ignored(path.absolute(), is_dir)

    def _git_ignored(self, path: Path, is_dir: bool) -> bool:
        """As git decides: the deepest .gitignore with a matching pattern wins, and
        .git/info/exclude applies at the repository root. Outside a repository, nothing."""
        verdict: bool | None = None
        for folder, spec in self._gitignores_above(path.parent):
            relative = path.relative_to(folder).as_posix() + ("/" if is_dir else "")
            result = spec.check_file(relative)
            if result.include is not None:
                verdict = result.include
        return bool(verdict)

    def _gitignores_above(self, parent: Path) -> list[tuple[Path, GitIgnoreSpec]]:
        """The .gitignore specs that apply in a folder, from the repository root down (none
        outside a repository); worked out once per folder, not once per file."""
        if parent not in self._applying:
            repository = _git_root(parent)
            found = []
            if repository is not None:
                parts = parent.relative_to(repository).parts
                for depth in range(len(parts) + 1):
                    folder = repository / Path(*parts[:depth])
                    spec = self._gitignore(folder, repository)
                    if spec is not None:
                        found.append((folder, spec))
            self._applying[parent] = found
        return self._applying[parent]

    def _gitignore(self, folder: Path, repository: Path) -> GitIgnoreSpec | None:
        if folder not in self._gitignores:
            lines: list[str] = []
            sources = [folder / ".gitignore"]
            if folder == repository:
                sources.insert(0, repository / ".git" / "info" / "exclude")
            for source in sources:
                try:
                    lines += source.read_text("utf-8", errors="replace").splitlines()
                except OSError:
                    continue
            self._gitignores[folder] = _spec(lines) if lines else None
        return self._gitignores[folder]
