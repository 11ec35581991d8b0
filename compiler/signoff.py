"""Sign-offs: a human's recorded reading of a flag, kept in `<name>.signoffs.toml` beside the
runbook and reviewed in the same pull request.

A sign-off matches a diagnostic by code and fingerprint. The fingerprint hashes the code, the
runbook id, the step id, the flagged words, and the step's full text and tool binding — never
line numbers — so edits elsewhere keep a sign-off valid, and an edit to the flagged words, the
step or its arguments makes it stale (RB902).
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from compiler.emit import atomic_write, compact_json
from compiler.source import SourceError, normalise
from compiler.values import Value, set_field

if TYPE_CHECKING:
    import tomlkit
    from tomlkit.items import Table

    from compiler.records import Diagnostic, SignOff, Step


SIDECAR_SUFFIX = ".signoffs.toml"
MAX_SIDECAR_BYTES = 1024 * 1024
"""Largest sidecar read (RB904 above it): real ones hold a few dozen sign-offs, a few KiB."""
_TABLE_HEADER = re.compile(r"^\s*\[\[\s*signoff\s*\]\]")
REQUIRED = ("code", "fingerprint", "by", "date", "reason")
HEADER = (
    "Sign-offs for {name}: each records a human's reading of one flag.\n"
    "Written by `runbookc signoff`; review changes here with the runbook."
)


def _words(evidence: str) -> str:
    """Flagged words as fingerprints compare them: whitespace and case do not count."""
    return normalise(evidence).lower()


def fingerprint(
    code: str, runbook_id: str, step: str | None, evidence: str, target: str = ""
) -> str:
    """Stable identity of a diagnostic: never line numbers, so unrelated edits keep it.

    `target` is the flagged step's `step_target` (empty for a runbook-level flag): a step id
    is only the first words of the step, so the id alone would let an edited step keep its
    sign-off."""
    material = "\x1f".join([code, runbook_id, step or "", _words(evidence), target])
    return hashlib.sha256(material.encode("utf-8")).hexdigest()[:16]


def step_target(step: Step) -> str:
    """What a sign-off on a step signs besides the flagged words: the step's full text, its
    binding (tool, arguments, how it was bound) and the `cd`/`export` lines it runs after.
    Any change to them makes it stale (`cd staging` edited to `cd production` included)."""
    from compiler.records import as_data

    binding = compact_json(as_data(step.tool)) if step.tool is not None else ""
    target = f"{normalise(step.text)}\x1e{binding}"
    if step.context:  # appended only when present: sign-offs of other steps stay valid
        # as written: `export MSG="a  b"` is not `export MSG="a b"`
        texts = [line.text for line in step.context]
        if any(_CONTROL.search(text) for text in texts):
            # a control character written in the source could forge the separators below
            # (`cd a<US>export X=1` is not `cd a` then `export X=1`): JSON, marked by `\x1d`
            target += "\x1e\x1d" + compact_json(texts)
        else:
            target += "\x1e" + "\x1f".join(texts)
    return target


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
"""Control characters other than a tab and a line break (a `\\` continued context line keeps
its line break)."""


@dataclass(init=False, repr=False, eq=False)
class Entry(Value):
    """One `[[signoff]]` table of a sidecar, valid or not."""

    line: int
    signoff: SignOff | None
    step: str | None
    evidence: str | None
    problem: str | None = None

    def __init__(
        self,
        line: int,
        signoff: SignOff | None,
        step: str | None,
        evidence: str | None,
        problem: str | None = None,
    ) -> None:
        set_field(self, "line", line)
        set_field(self, "signoff", signoff)
        set_field(self, "step", step)
        set_field(self, "evidence", evidence)
        set_field(self, "problem", problem)


@dataclass(init=False, repr=False, eq=False)
class SignoffSet(Value):
    """The sign-offs recorded for one runbook."""

    entries: tuple[Entry, ...] = ()
    path: str | None = None

    def __init__(self, entries: tuple[Entry, ...] = (), path: str | None = None) -> None:
        set_field(self, "entries", entries)
        set_field(self, "path", path)

    @classmethod
    def empty(cls) -> SignoffSet:
        """No sidecar file."""
        return cls()


@dataclass(init=False, repr=False, eq=False)
class SignoffProblem(Value):
    """An RB9xx finding about the sidecar itself."""

    code: str
    line: int
    message: str
    fix: str
    step: str | None
    evidence: str

    def __init__(
        self, code: str, line: int, message: str, fix: str, step: str | None, evidence: str
    ) -> None:
        set_field(self, "code", code)
        set_field(self, "line", line)
        set_field(self, "message", message)
        set_field(self, "fix", fix)
        set_field(self, "step", step)
        set_field(self, "evidence", evidence)


def sidecar_path(runbook: Path) -> Path:
    """Where a runbook's sign-offs live: beside it, same stem."""
    return runbook.with_name(runbook.stem + SIDECAR_SUFFIX)


def load_signoffs(runbook: Path) -> SignoffSet:
    """Load and validate the runbook's sidecar, if any; unparsable TOML is fatal (RB904)."""
    path = sidecar_path(runbook)
    if not path.is_file():
        return SignoffSet.empty()
    try:
        size = path.stat().st_size
        if size > MAX_SIDECAR_BYTES:
            raise SourceError(
                "RB904",
                f"{path.name}: {size} bytes, over the {MAX_SIDECAR_BYTES}-byte limit for "
                "sign-off files; not read",
            )
        text = path.read_text("utf-8")
        raw = tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise SourceError("RB904", f"{path.name}: cannot read sign-offs: {error}") from None
    except RecursionError:
        problem = f"{path.name}: cannot read sign-offs: nested too deeply"
        raise SourceError("RB904", problem) from None
    tables = raw.get("signoff", [])
    if not isinstance(tables, list):
        raise SourceError("RB904", f"{path.name}: `signoff` must be an array of tables")
    lines = _table_lines(text)
    entries = tuple(
        _entry(table, lines[i] if i < len(lines) else 1) for i, table in enumerate(tables)
    )
    return SignoffSet(entries, str(path))


def _table_lines(text: str) -> list[int]:
    return [n for n, line in enumerate(text.split("\n"), 1) if _TABLE_HEADER.match(line)]


def _entry(table: dict[str, Any], line: int) -> Entry:
    step = str(table["step"]) if table.get("step") else None
    evidence = str(table["evidence"]) if table.get("evidence") else None
    missing = [key for key in REQUIRED if not str(table.get(key, "")).strip()]
    if missing:
        return Entry(line, None, step, evidence, f"missing {', '.join(missing)}")
    when = table["date"]
    if not isinstance(when, date):
        try:
            when = date.fromisoformat(str(when))
        except ValueError:
            return Entry(line, None, step, evidence, f"date {table['date']!r} is not YYYY-MM-DD")
    from compiler.records import SignOff  # loaded only where a sign-off is read

    signoff = SignOff(
        code=str(table["code"]),
        fingerprint=str(table["fingerprint"]),
        by=str(table["by"]),
        date=when.isoformat(),
        reason=str(table["reason"]),
        resolution=str(table["resolution"]) if table.get("resolution") else None,
    )
    return Entry(line, signoff, step, evidence)


def apply_signoffs(
    diagnostics: list[Diagnostic],
    signoffs: SignoffSet,
    signable: Callable[[str], str | None],
    step_ids: frozenset[str] = frozenset(),
) -> tuple[list[Diagnostic], list[SignoffProblem]]:
    """Attach each valid sign-off to its diagnostic; report invalid, unused and stale ones.

    `signable(code)` returns None when a code may be signed off, or why it may not;
    `step_ids` are the runbook's current steps (to tell a reworded step from a removed flag)."""
    by_key = {(d.code, d.fingerprint): d for d in diagnostics}
    places = _Places(diagnostics)
    attached: dict[tuple[str, str], SignOff] = {}
    problems: list[SignoffProblem] = []
    for entry in signoffs.entries:
        problem = _validate(entry, signable)
        if problem is not None:
            problems.append(problem)
            continue
        assert entry.signoff is not None
        key = (entry.signoff.code, entry.signoff.fingerprint)
        if key in by_key:
            misrecorded = _misrecorded(entry, entry.signoff, by_key[key])
            if misrecorded is not None:
                problems.append(misrecorded)
            else:
                attached[key] = entry.signoff
        else:
            problems.append(_unmatched(entry, entry.signoff, places, step_ids))
    applied = [
        replace(d, signoff=attached[(d.code, d.fingerprint)])
        if (d.code, d.fingerprint) in attached
        else d
        for d in diagnostics
    ]
    return applied, problems


class _Places:
    """Which codes are raised on which steps and in which sections: an unmatched sign-off is
    judged by lookups here, never by a scan of every diagnostic (sign-offs x diagnostics
    made a sidecar of 20,000 junk entries cost minutes)."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.on_step: set[tuple[str, str | None]] = set()
        self.in_section: set[tuple[str, str]] = set()
        for d in diagnostics:
            self.on_step.add((d.code, d.step))
            if d.step is not None:
                self.in_section.add((d.code, _section(d.step)))

    def raised(self, code: str, step: str | None, reworded: bool) -> bool:
        """Whether `code` is raised on `step` — or, for a reworded step, in its section."""
        if (code, step) in self.on_step:
            return True
        return reworded and step is not None and (code, _section(step)) in self.in_section


def _section(step: str) -> str:
    return step.split("/")[0]


def _validate(entry: Entry, signable: Callable[[str], str | None]) -> SignoffProblem | None:
    if entry.signoff is None:
        return SignoffProblem(
            "RB903",
            entry.line,
            f"invalid sign-off: {entry.problem}",
            "give code, fingerprint, by, date (YYYY-MM-DD) and reason",
            entry.step,
            entry.problem or "",
        )
    refusal = signable(entry.signoff.code)
    if refusal is not None:
        return SignoffProblem(
            "RB903",
            entry.line,
            f"invalid sign-off: {refusal}",
            "remove this sign-off and fix the runbook or the registry",
            entry.step,
            entry.signoff.fingerprint,
        )
    return None


def _where(step: str | None) -> str:
    """A sign-off's place in its messages: the step id, or the runbook as a whole."""
    return f"`{step or 'the runbook'}`"


def _misrecorded(entry: Entry, signoff: SignOff, matched: Diagnostic) -> SignoffProblem | None:
    """A sign-off whose recorded step and evidence are not what its fingerprint signs: the
    reviewer read one thing and the sign-off applies to another (hand-edited or forged)."""
    evidence = entry.evidence
    same_words = evidence is not None and _words(evidence) == _words(matched.evidence)
    if same_words and entry.step == matched.step:
        return None
    what = f'"{entry.evidence}" on {_where(entry.step)}' if entry.evidence else "nothing"
    return SignoffProblem(
        "RB903",
        entry.line,
        f"invalid sign-off: it records {what}, but its fingerprint signs off "
        f'"{matched.evidence}" on {_where(matched.step)}',
        "sign the diagnostic off again with `runbookc signoff`; never edit fingerprints by hand",
        entry.step,
        signoff.fingerprint,
    )


def _unmatched(
    entry: Entry, signoff: SignOff, places: _Places, step_ids: frozenset[str]
) -> SignoffProblem:
    """Stale if the same code is still raised on the same step — or, when that step was
    reworded away, in the same section — with other words; else unused."""
    reworded = entry.step is not None and entry.step not in step_ids
    current = places.raised(signoff.code, entry.step, reworded)
    if current:
        was = f' (was "{entry.evidence}")' if entry.evidence else ""
        return SignoffProblem(
            "RB902",
            entry.line,
            f"stale sign-off of {signoff.code} on {_where(entry.step)}: the flagged "
            f"words changed{was}",
            "read the new wording and sign it off again (`runbookc signoff`), or fix it",
            entry.step,
            signoff.fingerprint,
        )
    return SignoffProblem(
        "RB901",
        entry.line,
        f"unused sign-off of {signoff.code} on {_where(entry.step)}: nothing it matches "
        "is flagged any more",
        "remove the sign-off",
        entry.step,
        signoff.fingerprint,
    )


def write_signoff(
    runbook: Path,
    diagnostic: Diagnostic,
    by: str,
    reason: str,
    resolution: str | None,
    when: date,
    evidence: str,
    stale: frozenset[str] = frozenset(),
) -> Path:
    """Add or update the sign-off for one diagnostic, in place of older sign-offs of the same
    code and step and of the `stale` fingerprints of that code. Comments and order are kept."""
    import tomlkit  # writing only: checks read sidecars with tomllib
    from tomlkit.items import AoT

    path = sidecar_path(runbook)
    document = tomlkit.parse(path.read_text("utf-8")) if path.is_file() else _new_sidecar(runbook)
    tables = document.get("signoff")
    if not isinstance(tables, AoT):
        tables = tomlkit.aot()
        document.append("signoff", tables)

    def replaced(table: Table) -> bool:
        superseded = table.get("code") == diagnostic.code and table.get("fingerprint") in stale
        return superseded or _replaced_by(table, diagnostic)

    keep = [t for t in tables if not replaced(t)]
    entry = _table(diagnostic, by, reason, resolution, when, evidence)
    position = next((i for i, t in enumerate(tables) if replaced(t)), len(keep))
    keep.insert(min(position, len(keep)), entry)
    tables.clear()
    for table in keep:
        tables.append(table)
    atomic_write(path, tomlkit.dumps(document))
    return path


def _new_sidecar(runbook: Path) -> tomlkit.TOMLDocument:
    import tomlkit

    document = tomlkit.document()
    for line in HEADER.format(name=runbook.name).split("\n"):
        document.add(tomlkit.comment(line))
    return document


def _replaced_by(table: Table, diagnostic: Diagnostic) -> bool:
    same_flag = table.get("fingerprint") == diagnostic.fingerprint
    same_place = table.get("code") == diagnostic.code and table.get("step") == diagnostic.step
    return same_flag or same_place


def _table(
    diagnostic: Diagnostic,
    by: str,
    reason: str,
    resolution: str | None,
    when: date,
    evidence: str,
) -> Table:
    import tomlkit

    table = tomlkit.table()
    table.add("code", diagnostic.code)
    if diagnostic.step:
        table.add("step", diagnostic.step)
    table.add("fingerprint", diagnostic.fingerprint)
    table.add("evidence", evidence)
    table.add("by", by)
    table.add("date", when)
    table.add("reason", reason)
    if resolution:
        table.add("resolution", resolution)
    return table
