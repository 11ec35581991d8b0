"""Every rule has docs and a golden fixture; every fixture's flags match its expectations.

A fixture is `tests/fixtures/rules/<CODE>.md`. `<!-- expect: CODE -->` at the end of a line
(or `# expect: CODE` in front matter) says a flag must start on that line;
`<!-- expect-next: CODE -->` on its own line points at the next content line (the first line
inside a code block that follows). Every other line must stay clean: flags are compared both
ways, missing and extra.

A fixture that starts with no front matter is compiled with the shared one,
`tests/fixtures/rules/default-front-matter.yaml` (and `id: <code>`), put in front of its first
line; line numbers stay the fixture's own. A fixture about front matter writes its own.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from compiler.models import Artifact
from compiler.pipeline import Environment, SourceFile, compile_bytes, compile_file
from compiler.registry import Registry
from compiler.rules import LINT_ONLY_CODE, all_rules
from compiler.signoff import load_signoffs, sidecar_path

from .conftest import FIXTURES

RULE_FIXTURES = FIXTURES / "rules"
DEFAULT_FRONT_MATTER = RULE_FIXTURES / "default-front-matter.yaml"
EXPECT = re.compile(r"(?:<!--|#)\s*expect(?P<next>-next)?:\s*(?P<codes>RB\d{3}(?:\s*,\s*RB\d{3})*)")
# Stop the compile before any rule runs (the parser's, and unreadable sign-offs).
FATAL = {code for code, rule in all_rules().items() if rule.severity == "fatal"}
FIXED_TODAY = "1795392000"  # 2026-11-23: keeps the stale-review fixtures independent of the date


def expectations(lines: list[str]) -> Counter[tuple[str, int]]:
    expected: Counter[tuple[str, int]] = Counter()
    for index, line in enumerate(lines):
        for match in EXPECT.finditer(line):
            target = _next_content_line(lines, index) if match.group("next") else index + 1
            for code in re.split(r"\s*,\s*", match.group("codes").strip()):
                expected[(code, target)] += 1
    return expected


def _next_content_line(lines: list[str], index: int) -> int:
    for later in range(index + 1, len(lines)):
        text = lines[later].strip()
        if text and not EXPECT.search(text) and not text.startswith(("```", "~~~")):
            return later + 1
    raise AssertionError(f"expect-next on line {index + 1} points past the end")


def compile_fixture(path: Path, env: Environment) -> tuple[Artifact, int]:
    """The fixture's artifact, and how many lines of default front matter it was given."""
    data, front = path.read_bytes(), b""
    if not data.startswith(b"---\n"):
        front = f"---\nid: {path.stem.lower()}\n".encode() + DEFAULT_FRONT_MATTER.read_bytes()
        front += b"---\n"
    source = SourceFile(path, path.name, path.name, path.with_suffix(".json").name)
    return compile_bytes(front + data, source, env, load_signoffs(path)), front.count(b"\n")


@pytest.mark.parametrize("path", sorted(RULE_FIXTURES.glob("*.md")), ids=lambda p: p.stem)
def test_fixture_flags_match_expectations(
    path: Path, env: Environment, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_TODAY)
    if path.stem == LINT_ONLY_CODE:  # raised only with no tools.yaml: the stand-in registry
        env = replace(env, registry=Registry.lint_only_registry())
    artifact, added = compile_fixture(path, env)
    actual = Counter(
        (d.path, d.code, d.line - added if d.path == path.name else d.line)
        for d in artifact.diagnostics
    )
    expected = Counter({(path.name, *k): n for k, n in expectations(_lines(path)).items()})
    sidecar = sidecar_path(path)
    if sidecar.is_file():
        expected.update({(sidecar.name, *k): n for k, n in expectations(_lines(sidecar)).items()})
    assert any(code == path.stem for _, code, _ in expected), "fixture expects its own code"
    missing, extra = expected - actual, actual - expected
    assert (sorted(missing), sorted(extra)) == ([], []), "(missing, extra) flags"


def _lines(path: Path) -> list[str]:
    return path.read_text().split("\n")


@pytest.mark.parametrize("code", sorted(all_rules()))
def test_every_rule_has_docs_and_a_fixture(code: str) -> None:
    rule = all_rules()[code]
    assert re.fullmatch(r"[a-z]+(?:-[a-z]+)+", rule.name), "kebab-case name"
    for part in ("what", "why", "example", "instead"):
        assert len(getattr(rule.docs, part)) >= 15, f"{code} docs lack a real `{part}`"
    assert rule.summary.endswith((".", ")")), "one-line summary sentence"
    if rule.reported_by == "parser":  # tested in test_parse.py, test_cli.py and below
        assert rule.check is None and rule.severity == "fatal"
    elif rule.reported_by == "llm":  # tests/test_grounding.py fakes model results for them
        assert rule.check is not None
        assert code in (FIXTURES.parent / "test_grounding.py").read_text()
    elif rule.reported_by == "signoff":  # fixtures carry a `<CODE>.signoffs.toml`
        assert rule.check is None
        if rule.severity == "fatal":
            assert code in FATAL_INPUTS
        else:
            assert (RULE_FIXTURES / f"{code}.signoffs.toml").is_file(), f"{code} has no fixture"
    else:
        assert rule.check is not None
        assert (RULE_FIXTURES / f"{code}.md").is_file(), f"{code} has no golden fixture"


def test_every_issue_kind_a_stage_records_is_the_name_of_the_rule_that_reports_it() -> None:
    from typing import get_args

    from compiler.issues import BindingIssueKind, ExtractionIssueKind, GraphIssueKind

    names = {rule.name for rule in all_rules().values()}
    kinds = {*get_args(BindingIssueKind), *get_args(GraphIssueKind), *get_args(ExtractionIssueKind)}
    # a model's assumption flag is reported by the rule the flag names (ExtractionIssue.code)
    assert sorted(kinds - names) == ["proposed-flag", "ungrounded-flag"]


FATAL_INPUTS = {
    "RB001": (b"# caf\xe9\n", None),
    "RB002": (b"# big\n" + b"x" * 300_000, None),
    "RB003": (b"---\nid: [broken\n---\n# T\n", None),
    "RB005": (b"  \n\n", None),
    "RB904": (b"# T\n\n1. Run `oc.get_pods`.\n", "[[signoff]\nbroken"),
}


@pytest.mark.parametrize("code", sorted(FATAL))
def test_every_fatal_code_stops_a_compile(code: str, env: Environment, tmp_path: Path) -> None:
    assert set(FATAL_INPUTS) == FATAL
    data, sidecar = FATAL_INPUTS[code]
    runbook = tmp_path / "runbook.md"
    runbook.write_bytes(data)
    if sidecar is not None:
        sidecar_path(runbook).write_text(sidecar)
    result = compile_file(SourceFile(runbook, "runbook.md", "runbook.md", "runbook.json"), env)
    assert result.artifact is None and result.fatal is not None
    assert result.fatal.code == code and result.fatal.severity == "fatal"


def test_the_readme_rule_table_lists_every_rule() -> None:
    readme = (FIXTURES.parent.parent / "README.md").read_text("utf-8")
    listed = set(re.findall(r"^\| (RB\d{3}) \| `([a-z-]+)` \|", readme, re.MULTILINE))
    assert listed == {(code, rule.name) for code, rule in all_rules().items()}


def test_the_readme_rule_table_is_rules_format_markdown() -> None:
    from compiler.draw.ruledocs import rules_table

    readme = (FIXTURES.parent.parent / "README.md").read_text("utf-8")
    assert rules_table() in readme, "regenerate with `python -m compiler.draw.ruledocs`"


def test_a_stale_readme_table_is_rewritten_in_place(tmp_path: Path) -> None:
    from compiler.draw.ruledocs import rules_table, write_readme_table

    table = rules_table()
    stale = table.replace("| RB101 |", "| RB199 |").rsplit("\n", 2)[0] + "\n"  # one row less
    readme = tmp_path / "README.md"
    readme.write_text(f"# R\n\nBefore.\n\n{stale}\nAfter.\n", "utf-8")
    assert write_readme_table(readme)
    assert readme.read_text("utf-8") == f"# R\n\nBefore.\n\n{table}\nAfter.\n"
    assert not write_readme_table(readme)


def test_docs_rules_are_generated_from_the_registry() -> None:
    from compiler.draw.ruledocs import rule_documents

    folder = FIXTURES.parent.parent / "docs" / "rules"
    on_disk = {path.name: path.read_text("utf-8") for path in folder.glob("*.md")}
    assert on_disk == rule_documents(), "regenerate with `python -m compiler.draw.ruledocs`"
