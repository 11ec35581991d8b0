"""The HTML report: each runbook's step graph beside its source with the flagged words marked,
its diagnostics and sign-offs, and a summary across runbooks, in one self-contained file.

Nothing in the page reaches the network: styles and the script are inlined, the graphs are
SVG drawn here, and a Content-Security-Policy forbids every fetch. Runbook text reaches the
page only through Jinja's autoescaping or ElementTree (the SVG)."""

from __future__ import annotations

import hashlib
import itertools
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args

import jinja2

from compiler import __version__
from compiler.compilation import CompileResult, displayed
from compiler.draw.diagnostics import summary
from compiler.draw.svg import graph_svg
from compiler.models import Artifact, Severity, Step
from compiler.records import Diagnostic, diagnostic_from_data
from compiler.runtime.loader import find_source
from compiler.source import SourceError, decode_source

SEVERITY_ORDER = get_args(Severity)


@dataclass(frozen=True)
class Segment:
    """A run of a source line's characters covered by the same diagnostics."""

    text: str
    flags: tuple[int, ...] = ()
    css: str = ""
    title: str = ""

    @property
    def flag_list(self) -> str:
        """The diagnostics' indexes, space-separated, for the page's data attribute."""
        return " ".join(map(str, self.flags))


@dataclass(frozen=True)
class SourceLine:
    """A numbered source line, cut into segments, with the steps whose span covers it."""

    number: int
    segments: tuple[Segment, ...]
    steps: tuple[int, ...] = ()
    starts: tuple[int, ...] = ()
    css: str = ""

    @property
    def step_list(self) -> str:
        """The covering steps' numbers, space-separated, for the page's data attribute."""
        return " ".join(map(str, self.steps))


@dataclass(frozen=True)
class RunbookPage:
    """Everything the report shows of one runbook."""

    anchor: str
    path: str
    title: str
    status: str
    """"ready", "blocked", or "failed" when no artifact could be compiled."""
    diagnostics: tuple[Diagnostic, ...]
    artifact: Artifact | None = None
    svg: str = ""
    source: tuple[SourceLine, ...] = ()
    source_note: str = ""
    """Why the source is not shown, when it is not."""

    @property
    def counts(self) -> dict[str, Any]:
        """The diagnostics counted as `check` counts them (`formats.summary`)."""
        return summary(list(self.diagnostics), 1)

    @property
    def step_numbers(self) -> dict[str, int]:
        """Each step id's 1-based position, as the graph numbers it."""
        return {step.id: number for number, step in enumerate(self._steps, start=1)}

    @property
    def human_gated(self) -> int:
        """Steps only a human may perform."""
        return sum(1 for step in self._steps if step.gate == "human")

    @property
    def destructive(self) -> int:
        """Steps whose tool destroys something."""
        return sum(1 for step in self._steps if step.effect == "destructive")

    @property
    def coverage(self) -> str:
        """Source lines per class ("12 step, 3 heading, 1 unplaced"), as the artifact counts
        them; unplaced lines are instructions no step holds (RB008)."""
        counts = self.artifact.coverage if self.artifact else {}
        return ", ".join(f"{number} {name}" for name, number in counts.items())

    @property
    def _steps(self) -> list[Step]:
        return self.artifact.steps if self.artifact else []


@dataclass
class RuleCount:
    """How often one rule fired across the report, signed and unsigned."""

    code: str
    name: str
    unsigned: int = 0
    signed: int = 0
    runbooks: set[str] = field(default_factory=set)


def _worst(diagnostics: Iterable[Diagnostic]) -> str:
    return max((d.severity for d in diagnostics), key=SEVERITY_ORDER.index, default="info")


def _flag_css(flagged: list[Diagnostic]) -> str:
    if not flagged:
        return ""
    unsigned = [d for d in flagged if d.signoff is None]
    return f"flag sev-{_worst(unsigned)}" if unsigned else "flag signed"


def _ranges(
    lines: list[str], diagnostics: tuple[Diagnostic, ...], path: str
) -> dict[int, list[tuple[int, int, int]]]:
    """Per line number: (start, end, diagnostic index) of each flagged range, 0-based, end
    exclusive, clamped to the line."""
    ranges: dict[int, list[tuple[int, int, int]]] = {}
    for index, diagnostic in enumerate(diagnostics):
        if diagnostic.path != path:
            continue
        for number in range(diagnostic.line, min(diagnostic.end_line, len(lines)) + 1):
            text = lines[number - 1]
            start = diagnostic.column - 1 if number == diagnostic.line else 0
            end = diagnostic.end_column if number == diagnostic.end_line else len(text)
            start = min(max(start, 0), len(text))
            ranges.setdefault(number, []).append((start, max(min(end, len(text)), start), index))
    return ranges


def _segments(
    text: str, ranges: list[tuple[int, int, int]], diagnostics: tuple[Diagnostic, ...]
) -> tuple[Segment, ...]:
    cuts = sorted({0, len(text), *(r[0] for r in ranges), *(r[1] for r in ranges)})
    segments = []
    for start, end in itertools.pairwise(cuts):
        flags = tuple(i for s, e, i in ranges if s <= start and end <= e)
        flagged = [diagnostics[i] for i in flags]
        title = "\n".join(f"{d.code} {d.message}" for d in flagged)
        segments.append(Segment(text[start:end], flags, _flag_css(flagged), title))
    return tuple(segments)


def source_lines(
    text: str, diagnostics: tuple[Diagnostic, ...], path: str, artifact: Artifact | None
) -> tuple[SourceLine, ...]:
    """The source cut into lines and segments, flagged words marked, steps attached."""
    lines = text.split("\n")
    ranges = _ranges(lines, diagnostics, path)
    covering: dict[int, list[int]] = {}
    starting: dict[int, list[int]] = {}
    for number, step in enumerate(artifact.steps if artifact else [], start=1):
        if step.source is not None:
            starting.setdefault(step.source.line, []).append(number)
            for line in range(step.source.line, step.source.end_line + 1):
                covering.setdefault(line, []).append(number)
    return tuple(
        SourceLine(
            number,
            _segments(line, ranges.get(number, []), diagnostics),
            tuple(covering.get(number, ())),
            tuple(starting.get(number, ())),
            _flag_css([diagnostics[i] for _, _, i in ranges.get(number, [])]),
        )
        for number, line in enumerate(lines, start=1)
    )


def runbook_page(
    index: int,
    path: str,
    diagnostics: list[Diagnostic],
    artifact: Artifact | None,
    source: bytes | None,
    source_note: str = "",
) -> RunbookPage:
    """One runbook's part of the report. `source` is shown only if it is the compiled bytes."""
    anchor = f"rb{index}"
    shown = tuple(diagnostics)
    if artifact is None:
        title = Path(path).name
        return RunbookPage(anchor, path, title, "failed", shown, source_note=source_note)
    text, note = _checked_source(source, artifact, source_note)
    return RunbookPage(
        anchor,
        path,
        artifact.runbook.title,
        artifact.status,
        shown,
        artifact,
        graph_svg(artifact, anchor),
        source_lines(text, shown, path, artifact) if text is not None else (),
        note,
    )


def _checked_source(source: bytes | None, artifact: Artifact, note: str) -> tuple[str | None, str]:
    if source is None:
        return None, note or "source not available"
    if hashlib.sha256(source).hexdigest() != artifact.runbook.source_sha256:
        return None, "the source changed after it was compiled; compile again to see it"
    try:
        return decode_source(source, max_bytes=len(source)), ""
    except SourceError as error:
        return None, f"source not shown: {error}"


def rule_counts(pages: list[RunbookPage]) -> list[RuleCount]:
    """Each rule that fired, with its signed and unsigned counts, by code."""
    counts: dict[str, RuleCount] = {}
    for page in pages:
        for diagnostic in page.diagnostics:
            count = counts.setdefault(diagnostic.code, RuleCount(diagnostic.code, diagnostic.name))
            if diagnostic.signoff is None:
                count.unsigned += 1
            else:
                count.signed += 1
            count.runbooks.add(page.anchor)
    return [counts[code] for code in sorted(counts)]


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("compiler.draw", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_report(pages: list[RunbookPage], title: str) -> str:
    """The whole report as one HTML document."""
    return "".join(report_parts(pages, title))


def report_parts(pages: list[RunbookPage], title: str) -> Iterator[str]:
    """The report in the pieces Jinja renders it in: written as they come, a corpus's page
    (megabytes, in hundreds of thousands of pieces) is never held whole."""
    statuses = Counter(page.status for page in pages)
    return (
        _environment()
        .get_template("report.html.j2")
        .generate(
            title=title,
            pages=pages,
            rules=rule_counts(pages),
            statuses=statuses,
            version=__version__,
        )
    )


def pages_from_results(results: list[CompileResult]) -> list[RunbookPage]:
    """A page per compile result, with the source read back and checked against its hash."""
    pages = []
    for index, result in enumerate(results, start=1):
        source = result.source
        if result.artifact is None:
            fatal = [result.fatal] if result.fatal else []
            pages.append(runbook_page(index, source.display, fatal, None, None))
            continue
        data = _read(source.path)
        pages.append(runbook_page(index, source.display, displayed(result), result.artifact, data))
    return pages


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def source_beside(artifact: Artifact, compiled: Path) -> bytes | None:
    """The runbook an artifact was compiled from, looked up by its recorded path from the
    working directory and from the artifact's folders upward; only the exact bytes count."""
    found = find_source(artifact, compiled)
    return _read(found) if found is not None else None


def artifact_page(artifact: Artifact, file: Path) -> RunbookPage:
    """The page of one runbook (`graph --format html`), given as markdown or as an artifact."""
    if file.suffix == ".json":
        source = source_beside(artifact, file)
        note = f"{artifact.runbook.source_path} not found beside {file} with the compiled content"
    else:
        source, note = _read(file), f"{file} could not be read again"
    path = artifact.runbook.source_path
    diagnostics = [diagnostic_from_data(d.model_dump()) for d in artifact.diagnostics]
    return runbook_page(1, path, diagnostics, artifact, source, note)
