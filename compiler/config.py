"""Project configuration: `[tool.runbookc]` in pyproject.toml or a `runbookc.toml`."""

from __future__ import annotations

import fnmatch
import os
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from compiler.values import Value, set_field

if TYPE_CHECKING:
    from compiler.records import Severity

CONFIG_FILES = ("runbookc.toml", "pyproject.toml")
DEFAULT_EXCLUDE = (
    ".git",
    ".hg",
    ".svn",
    ".venv",
    "venv",
    ".tox",
    ".nox",
    "node_modules",
    "__pypackages__",
    "site-packages",
    "build",
    "dist",
    "_build",
    ".runbookc-cache",
)
"""What a directory walk skips unless `exclude` says otherwise (as ruff's defaults)."""


class ConfigError(Exception):
    """The configuration file is unreadable or invalid (exit 2)."""


@dataclass(init=False, repr=False, eq=False)
class Config(Value):
    """Which rules run, at what severity, and the knobs some rules take."""

    select: tuple[str, ...] = ("RB",)
    ignore: tuple[str, ...] = ()
    per_file_ignores: dict[str, tuple[str, ...]] = field(default_factory=dict)
    severity: dict[str, Severity] = field(default_factory=dict)
    stale_after_days: int = 365
    extra_vague_phrases: tuple[str, ...] = ()
    max_bytes: int = 256 * 1024
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    """gitignore-style patterns of files and folders a directory walk skips."""
    extend_exclude: tuple[str, ...] = ()
    """More patterns to skip, on top of `exclude`."""
    include: tuple[str, ...] = ("*.md",)
    """gitignore-style patterns of the files a directory walk compiles."""
    respect_gitignore: bool = True
    """Skip what `.gitignore` files (and `.git/info/exclude`) ignore, as git does."""
    root: Path | None = None
    """The folder of the configuration file: `per-file-ignores`, `exclude` and `include`
    patterns match paths relative to it (None: relative to the current directory)."""
    today: date | None = None
    """The date ages are counted from (RB111's stale review): an eval suite's labels were made
    on a date. None: `reference_date` decides."""

    def __init__(
        self,
        select: tuple[str, ...] = ("RB",),
        ignore: tuple[str, ...] = (),
        per_file_ignores: dict[str, tuple[str, ...]] | None = None,
        severity: dict[str, Severity] | None = None,
        stale_after_days: int = 365,
        extra_vague_phrases: tuple[str, ...] = (),
        max_bytes: int = 256 * 1024,
        exclude: tuple[str, ...] = DEFAULT_EXCLUDE,
        extend_exclude: tuple[str, ...] = (),
        include: tuple[str, ...] = ("*.md",),
        respect_gitignore: bool = True,
        root: Path | None = None,
        today: date | None = None,
    ) -> None:
        set_field(self, "select", select)
        set_field(self, "ignore", ignore)
        set_field(self, "per_file_ignores", {} if per_file_ignores is None else per_file_ignores)
        set_field(self, "severity", {} if severity is None else severity)
        set_field(self, "stale_after_days", stale_after_days)
        set_field(self, "extra_vague_phrases", extra_vague_phrases)
        set_field(self, "max_bytes", max_bytes)
        set_field(self, "exclude", exclude)
        set_field(self, "extend_exclude", extend_exclude)
        set_field(self, "include", include)
        set_field(self, "respect_gitignore", respect_gitignore)
        set_field(self, "root", root)
        set_field(self, "today", today)

    def reference_date(self) -> date:
        """`today` when set, else SOURCE_DATE_EPOCH when set (reproducible builds), else
        today's date; ages are counted from it."""
        if self.today is not None:
            return self.today
        epoch = os.environ.get("SOURCE_DATE_EPOCH")
        if epoch and epoch.isdigit():
            return datetime.fromtimestamp(int(epoch), tz=UTC).date()
        return date.today()

    def relative(self, path: str) -> str:
        """`path` (as named on the command line) relative to the configuration's folder, in
        posix form; unchanged when there is no configuration file or it lies outside."""
        if self.root is None:
            return Path(path).as_posix()
        try:
            return Path(path).resolve().relative_to(self.root).as_posix()
        except (ValueError, OSError):
            return Path(path).as_posix()

    def selects(self, code: str, path: str = "") -> bool:
        """Whether a rule is enabled for a file (longest matching prefix wins, as in ruff)."""
        return bool(self.selected((code,), path))

    def selected(self, codes: Iterable[str], path: str = "") -> frozenset[str]:
        """The codes among `codes` enabled for a file, as `selects` decides each (the file's
        `per-file-ignores` worked out once for all of them)."""
        ignored = self.per_file_ignored(path)
        return frozenset(
            code
            for code in codes
            if _selected(self.select, self.ignore, code)
            and not any(code.startswith(c) for c in ignored)
        )

    def per_file_ignored(self, path: str) -> tuple[str, ...]:
        """The code prefixes `per-file-ignores` switch off for a file, sorted."""
        return tuple(
            sorted(
                {
                    code
                    for pattern, codes in self.per_file_ignores.items()
                    if _path_matches(self.relative(path), pattern)
                    for code in codes
                }
            )
        )


@cache
def _selected(select: tuple[str, ...], ignore: tuple[str, ...], code: str) -> bool:
    chosen = max((p for p in select if code.startswith(p)), key=len, default=None)
    ignored = max((p for p in ignore if code.startswith(p)), key=len, default=None)
    return chosen is not None and (ignored is None or len(ignored) < len(chosen))


def _path_matches(path: str, pattern: str) -> bool:
    return fnmatch.fnmatch(path, pattern) or fnmatch.fnmatch(Path(path).name, pattern)


def find_config(start: Path) -> Path | None:
    """The nearest runbookc.toml, or pyproject.toml with a [tool.runbookc] table."""
    directory = start if start.is_dir() else start.parent
    for folder in (directory.resolve(), *directory.resolve().parents):
        for name in CONFIG_FILES:
            candidate = folder / name
            if candidate.is_file() and (name != "pyproject.toml" or _has_table(candidate)):
                return candidate
    return None


def _has_table(pyproject: Path) -> bool:
    try:
        return "runbookc" in tomllib.loads(pyproject.read_text("utf-8")).get("tool", {})
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError, RecursionError):
        return False


def load_config(path: Path | None) -> Config:
    """Load a config file; None gives the defaults."""
    if path is None:
        return Config()
    try:
        raw = tomllib.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"{path}: cannot read configuration: {error}") from None
    except RecursionError:
        raise ConfigError(f"{path}: cannot read configuration: nested too deeply") from None
    table = raw.get("tool", {}).get("runbookc", {}) if path.name == "pyproject.toml" else raw
    return _from_table(path, table)


def _from_table(path: Path, table: dict[str, Any]) -> Config:
    known = {
        "select",
        "ignore",
        "per-file-ignores",
        "severity",
        "stale-after-days",
        "extra-vague-phrases",
        "max-bytes",
        "exclude",
        "extend-exclude",
        "include",
        "respect-gitignore",
    }
    unknown = sorted(set(table) - known)
    if unknown:
        raise ConfigError(f"{path}: unknown configuration key(s): {', '.join(unknown)}")
    try:
        severity = {str(k): _severity(v) for k, v in table.get("severity", {}).items()}
        return Config(
            select=tuple(_strings(table.get("select", ["RB"]))),
            ignore=tuple(_strings(table.get("ignore", []))),
            per_file_ignores={
                str(k): tuple(_strings(v)) for k, v in table.get("per-file-ignores", {}).items()
            },
            severity=severity,
            stale_after_days=int(table.get("stale-after-days", 365)),
            extra_vague_phrases=tuple(_strings(table.get("extra-vague-phrases", []))),
            max_bytes=int(table.get("max-bytes", 256 * 1024)),
            exclude=tuple(_strings(table.get("exclude", list(DEFAULT_EXCLUDE)))),
            extend_exclude=tuple(_strings(table.get("extend-exclude", []))),
            include=tuple(_strings(table.get("include", ["*.md"]))),
            respect_gitignore=_bool(table.get("respect-gitignore", True)),
            root=path.resolve().parent,
        )
    except (TypeError, ValueError, AttributeError) as error:
        raise ConfigError(f"{path}: invalid configuration: {error}") from None


def _strings(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"expected a list of strings, got {value!r}")
    return value


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"expected true or false, got {value!r}")
    return value


def _severity(value: Any) -> Severity:
    if value not in ("info", "warning", "error"):
        raise ValueError(f"severity must be info, warning or error, got {value!r}")
    severity: Severity = value
    return severity
