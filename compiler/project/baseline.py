"""Baselines: adopt the compiler on a tree with thousands of existing flags, and fail only on
new ones.

A baseline file lists the diagnostics a team has accepted for now, each by runbook path
(relative to the baseline's folder), code and fingerprint. Fingerprints never hash line numbers,
so moving text keeps an entry; editing the flagged words makes a new diagnostic, which fails,
and leaves the old entry stale (reported, so the file can be rewritten). The same file, reviewed
and cut down, is what `runbookc signoff --from` signs off in bulk.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from compiler.emit import atomic_write
from compiler.project import BaselineError as BaselineError

if TYPE_CHECKING:
    from compiler.records import Diagnostic

VERSION = 1


@dataclass(frozen=True)
class Entry:
    """One accepted diagnostic: where, which code, which fingerprint (and its message, for
    the reader of the file)."""

    path: str
    code: str
    fingerprint: str
    step: str | None = None
    message: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        """What a diagnostic must share with the entry to match it."""
        return (self.path, self.code, self.fingerprint)

    @property
    def target(self) -> str:
        """`CODE@STEP`, or `CODE` for a runbook-level flag."""
        return f"{self.code}@{self.step}" if self.step else self.code


def relative_path(path: str, folder: Path) -> str:
    """A diagnostic's path (as named on the command line) relative to `folder`, posix."""
    return Path(os.path.relpath(Path(path).absolute(), folder.absolute())).as_posix()


def entries_for(diagnostics: list[Diagnostic], folder: Path) -> list[Entry]:
    """Baseline entries of every unsigned diagnostic, paths relative to `folder`."""
    return [
        Entry(relative_path(d.path, folder), d.code, d.fingerprint, d.step, d.message)
        for d in diagnostics
        if d.signoff is None
    ]


def write_baseline(path: Path, diagnostics: list[Diagnostic]) -> int:
    """Write every unsigned diagnostic to a baseline file (atomically); how many."""
    entries = sorted(
        entries_for(diagnostics, path.parent),
        key=lambda e: (e.path, e.code, e.step or "", e.fingerprint),
    )
    payload = {
        "version": VERSION,
        "note": "runbookc baseline: diagnostics accepted for now; `runbookc check --baseline` "
        "fails only on others. Rewrite with `runbookc check --write-baseline`.",
        "entries": [
            {
                "path": e.path,
                "code": e.code,
                "step": e.step,
                "fingerprint": e.fingerprint,
                "message": e.message,
            }
            for e in entries
        ],
    }
    atomic_write(path, json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    return len(entries)


def load_entries(path: Path) -> list[Entry]:
    """Entries of a baseline file, or of `check --format json` output (paths relative to the
    current directory there, as printed)."""
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BaselineError(f"{path}: cannot read: {error}") from None
    if isinstance(data, dict) and isinstance(data.get("entries"), list):
        items, folder = data["entries"], path.parent
    elif isinstance(data, dict) and isinstance(data.get("diagnostics"), list):
        items, folder = data["diagnostics"], Path.cwd()
    else:
        raise BaselineError(f"{path}: expected a runbookc baseline or `check --format json`")
    entries = []
    for number, item in enumerate(items):
        try:
            entries.append(
                Entry(
                    relative_path(str(folder / item["path"]), path.parent),
                    str(item["code"]),
                    str(item["fingerprint"]),
                    item.get("step"),
                    str(item.get("message", "")),
                )
            )
        except (KeyError, TypeError) as error:
            raise BaselineError(f"{path}: entry {number}: missing or bad {error}") from None
    return entries


@dataclass(frozen=True)
class Applied:
    """What a baseline did to one run's diagnostics."""

    new: list[Diagnostic]
    """Diagnostics the baseline does not hold (or signed off: kept for the record)."""
    matched: int
    stale: list[Entry]
    """Entries no current diagnostic matches: fixed, or changed into a new diagnostic."""


def apply_baseline(diagnostics: list[Diagnostic], entries: list[Entry], folder: Path) -> Applied:
    """Drop the diagnostics the baseline accepts, each entry matching at most one."""
    left = Counter(entry.key for entry in entries)
    new = []
    matched = 0
    for d in diagnostics:
        key = (relative_path(d.path, folder), d.code, d.fingerprint)
        if d.signoff is None and left[key] > 0:
            left[key] -= 1
            matched += 1
        else:
            new.append(d)
    stale = []
    for entry in entries:
        if left[entry.key] > 0:
            left[entry.key] -= 1
            stale.append(entry)
    return Applied(new, matched, stale)
