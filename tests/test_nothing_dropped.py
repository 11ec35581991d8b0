"""Property over the real corpora (../shared/corpora and ../shared/prose, skipped when absent):
every instruction-like line of every file is in a step of the artifact or reported by RB008.

Instruction-like: a sentence of a paragraph, list item or quote that reads as an instruction
(`is_instruction`, the test the text rules use too), a line of an HTML block (table cells,
`<details>`, `<p>`, `<li>`) whose text, read here by the standard library's HTML parser, holds
such a sentence, or a code line behind a `$ ` prompt that runs something (not a bare
`NAME=value`, `cd` or `exit`).
And: every step that covers a code line deleting, draining or dropping something (an oracle
of this file's own, not the compiler's words) has a destructive effect.
Files copied into the held-out eval group are left out: nothing is tuned on them."""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import pytest

from compiler.extract.heuristic.asides import is_aside, not_a_step
from compiler.models import Artifact, Span
from compiler.parse import Document, decode_source, parse
from compiler.pipeline import CompileResult, Environment
from compiler.project.batch import compile_all
from compiler.project.discovery import discover
from compiler.registry import load_registry
from compiler.text.instructions import is_instruction
from compiler.text.sentences import sentences

from .conftest import REPO

REGISTRY = REPO / "runbooks_src" / "tools.yaml"
SHARED = REPO.parent / "shared"
_DOLLAR = re.compile(r"^\s*\$\s+(?!(?:export\s+)?[A-Za-z_]\w*=[^$`]*$|(?:cd|exit)\b)\S")


def _heldout_digests() -> set[str]:
    found = set()
    for directory in (REPO / "evals" / "cases").glob("*heldout*"):
        found |= {hashlib.sha256(p.read_bytes()).hexdigest() for p in directory.glob("*.md")}
    return found


def _files() -> list[Path]:
    roots = [SHARED / "corpora", SHARED / "prose"]
    if not any(root.is_dir() for root in roots):
        pytest.skip(f"no shared corpora at {SHARED} (../shared is absent)")
    heldout = _heldout_digests()
    files = [p for root in roots if root.is_dir() for p in sorted(root.rglob("*.md"))]
    return [p for p in files if hashlib.sha256(p.read_bytes()).hexdigest() not in heldout]


def _instruction_lines(document: Document) -> set[int]:
    found: set[int] = set()
    for block in document.blocks:
        if block.kind == "paragraph" and not is_aside(block, document.lines):
            for sentence in sentences(block.text):
                text = sentence.text
                if is_instruction(text) and not not_a_step(text):
                    found.add(_line_of(document, block.span, sentence.text))
        elif block.kind == "code":
            found |= {line.line for line in block.lines if _DOLLAR.match(line.text)}
        elif block.kind == "html":
            found |= _html_instruction_lines(document, block.span)
    return found


class _HtmlLines(HTMLParser):
    """The text of each line of an HTML block as markdown would write it (a link
    `[text](href)`, code in backticks), without comments and `<pre>`/`<script>`/`<style>`."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: defaultdict[int, list[str]] = defaultdict(list)
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.hidden += tag in ("pre", "script", "style")
        href = dict(attrs).get("href")
        self._put({"code": "`", "a": "[" if href is not None else ""}.get(tag, " "))

    def handle_endtag(self, tag: str) -> None:
        self.hidden -= tag in ("pre", "script", "style") and self.hidden > 0
        self._put({"code": "`", "a": "](x)"}.get(tag, " "))

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            for offset, part in enumerate(data.split("\n")):
                self.lines[self.getpos()[0] + offset].append(part)

    def _put(self, text: str) -> None:
        if not self.hidden:
            self.lines[self.getpos()[0]].append(text)


def _html_instruction_lines(document: Document, span: Span) -> set[int]:
    reader = _HtmlLines()
    reader.feed("\n".join(document.lines[span.line - 1 : span.end_line]))
    reader.close()
    found = set()
    for line, parts in reader.lines.items():
        text = re.sub(r" ([.,;:!?])(?=\s|$)", r"\1", " ".join("".join(parts).split()))
        if any(is_instruction(s.text) and not not_a_step(s.text) for s in sentences(text)):
            found.add(span.line + line - 1)
    return found


def _line_of(document: Document, span: Span, text: str) -> int:
    """The line a sentence starts on: where its first three words are, read across line
    breaks ("... Verify this / binding is correct." starts on the first of the two)."""
    head = " ".join(text.split()[:3])
    joined, starts = "", []
    for number in range(span.line, span.end_line + 1):
        starts.append((len(joined), number))
        joined += " ".join(document.lines[number - 1].split()) + " "
    at = joined.find(head)
    return max(number for start, number in starts if start <= at) if at >= 0 else span.line


def _placed(artifact: Artifact, document: Document) -> set[int]:
    lines = {d.line for d in artifact.diagnostics if d.code == "RB008"}
    notes = {s.note for s in artifact.steps if s.note}
    for step in artifact.steps:
        if step.source is not None:
            lines |= set(range(step.source.line, step.source.end_line + 1))
    for block in document.blocks:
        # a note is the paragraph's text, or its first lines when its last ones were read as
        # commands ("Run this for each monitor" / "`ceph tell mon.ID mon_status`")
        if block.kind == "paragraph" and any(block.text.startswith(note) for note in notes):
            lines |= set(range(block.span.line, block.span.end_line + 1))
    return lines


@cache
def _compiled() -> tuple[int, list[CompileResult]]:
    files = _files()
    return len(files), compile_all(discover(files), Environment(load_registry(REGISTRY)))


def test_every_instruction_line_is_in_a_step_or_reported() -> None:
    count, results = _compiled()
    lost = []
    for result in results:
        if result.artifact is None:
            continue
        document = parse(decode_source(result.source.path.read_bytes()))
        missing = _instruction_lines(document) - _placed(result.artifact, document)
        lost += [f"{result.source.display}:{line}" for line in sorted(missing)]
    assert count > 100
    assert lost == []


_DESTRUCTIVE_CODE = re.compile(
    # An oracle of its own, not the compiler's vocabulary: a command that deletes, drops or
    # terminates by its sub-command, `rm -r`/`-f`, or SQL that drops or deletes rows.
    r"(?:^|[\s;|&(])(?:rm\s+-\w*[rf]|[\w.-]+(?:\s+[\w./:=-]+){0,3}?\s+"
    r"(?:delete|destroy|drop|truncate|terminate|purge|drain)\b(?!-)"
    r"|DROP\s+(?:TABLE|DATABASE|INDEX)|DELETE\s+FROM|TRUNCATE\s+TABLE)"
)


def test_a_step_that_runs_a_destructive_command_is_destructive() -> None:
    """Wherever a step's span covers a code line that deletes, drains or drops, the step's
    effect is destructive: an approval gate and RB303 depend on it."""
    _, results = _compiled()
    wrong, checked = [], 0
    for result in results:
        if result.artifact is None:
            continue
        document = parse(decode_source(result.source.path.read_bytes()))
        for block in (b for b in document.blocks if b.kind == "code"):
            for line in block.lines:
                if line.text.lstrip().startswith("#") or not _DESTRUCTIVE_CODE.search(line.text):
                    continue
                covering = [
                    step
                    for step in result.artifact.steps
                    if step.source is not None
                    and step.source.line <= line.line <= step.source.end_line
                ]
                checked += bool(covering)
                if covering and all(step.effect != "destructive" for step in covering):
                    wrong.append(f"{result.source.display}:{line.line}: {line.text.strip()}")
    assert checked > 30, checked  # the oracle still finds the corpora's destructive commands
    assert wrong == []
