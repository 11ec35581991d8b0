from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from compiler.cli import app
from compiler.draw.diagnostics import JSON_FIELDS

from .conftest import FIXTURES, REPO, with_registry

runner = CliRunner()
RUNBOOK = (
    f"---\nid: demo\nowner: team-payments\nlast_reviewed: {date.today()}\n"
    "escalation: {role: payments-oncall-secondary}\n---\n# Demo\n\n## Steps\n\n"
    "1. Page the on-call.\n"
)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "runbooks"
    with_registry(root)
    (root / "demo.md").write_text(RUNBOOK)
    (root / "sub").mkdir()
    (root / "sub" / "clean.md").write_text(
        "# Clean\n\n## Steps\n\n```console\n$ oc get pods\n```\n"
    )
    return root


def test_compile_writes_mirrored_artifacts_and_check_detects_drift(project: Path) -> None:
    out = project.parent / "out"
    result = runner.invoke(app, ["compile", str(project), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.json")) == [
        "demo.json",
        "sub/clean.json",
    ]
    artifact = json.loads((out / "demo.json").read_text())
    assert artifact["runbook"]["source_path"] == "runbooks/demo.md"
    assert artifact["status"] == "blocked"

    assert (
        runner.invoke(app, ["compile", str(project), "--out", str(out), "--check"]).exit_code == 0
    )
    (project / "demo.md").write_text(RUNBOOK + "2. Reboot it.\n")
    drifted = runner.invoke(app, ["compile", str(project), "--out", str(out), "--check"])
    assert drifted.exit_code == 1
    assert "demo.json: out of date (source changed)" in drifted.output


def test_compile_is_byte_deterministic(project: Path) -> None:
    first, second = project.parent / "a", project.parent / "b"
    runner.invoke(app, ["compile", str(project), "--out", str(first)])
    runner.invoke(app, ["compile", str(project), "--out", str(second), "--jobs", "2"])
    for path in first.rglob("*.json"):
        assert path.read_bytes() == (second / path.relative_to(first)).read_bytes()


def test_check_text_output_is_ruff_style(project: Path) -> None:
    result = runner.invoke(app, ["check", str(project / "demo.md")])
    lines = result.output.splitlines()
    expected = "RB206 bound by alias: `page the on-call` is an alias of `pagerduty.page`"
    assert lines[0] == f"{project / 'demo.md'}:11:4: {expected}"
    assert lines[1].startswith("  help: ")
    assert lines[2] == "  target: RB206@steps/page-the-on-call"
    assert result.exit_code == 1  # any unsigned blocking diagnostic fails, as ruff does
    assert runner.invoke(app, ["check", "--strict", str(project / "demo.md")]).exit_code == 1


def test_check_json_has_exactly_the_documented_fields(project: Path) -> None:
    result = runner.invoke(app, ["check", str(project), "--format", "json"])
    payload = json.loads(result.output)
    assert set(payload) == {"diagnostics", "summary"}
    assert payload["diagnostics"] and all(tuple(d) == JSON_FIELDS for d in payload["diagnostics"])
    assert payload["summary"]["files"] == 2


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00", "RB001"),
        (b"# caf\xe9\n", "RB001"),
        (b"", "RB005"),
        (b"# big\n" + b"x" * 300_000, "RB002"),
        (b"---\nid: [broken\n---\n# T\n", "RB003"),
        (b"---\nescalation: 7\n---\n# T\n", "RB003"),
        (
            b"---\ninputs:\n  ns: {type: string, description: the ns, from the alert}\n---\n",
            "RB003",
        ),
    ],
)
def test_bad_input_exits_2_with_one_line_and_writes_nothing(
    project: Path, content: bytes, code: str
) -> None:
    (project / "bad.md").write_bytes(content)
    out = project.parent / "out"
    result = runner.invoke(app, ["compile", str(project), "--out", str(out)])
    assert result.exit_code == 2
    assert "bad.md:" in result.output and f" {code} " in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_unreadable_signoffs_are_that_file_s_fatal_finding(project: Path) -> None:
    (project / "demo.signoffs.toml").write_text('[[signoff]\ncode = "RB101"\n')
    result = runner.invoke(app, ["check", str(project / "demo.md")])
    assert result.exit_code == 1
    assert " RB904 " in result.output and "Traceback" not in result.output


def test_invalid_registry_exits_2(project: Path) -> None:
    (project / "tools.yaml").write_text("version: 1\ntools: [{name: 3}]\n")
    result = runner.invoke(app, ["check", str(project)])
    assert result.exit_code == 2
    assert "invalid registry at tools/0: 'description' is a required property" in result.output


def test_missing_path_exits_2_and_missing_registry_is_lint_only(tmp_path: Path) -> None:
    assert runner.invoke(app, ["check", str(tmp_path / "nope.md")]).exit_code == 2
    (tmp_path / "a.md").write_text("# A\n\n1. Do it.\n")
    result = runner.invoke(app, ["check", str(tmp_path / "a.md")])
    assert result.exit_code == 1 and "RB109" in result.output
    out = tmp_path / "out"
    result = runner.invoke(app, ["compile", str(tmp_path / "a.md"), "--out", str(out)])
    assert result.exit_code == 2 and "no tools.yaml found" in result.output


def test_schema_check_passes_on_the_checked_in_schema() -> None:
    assert runner.invoke(app, ["schema", "--check"]).exit_code == 0
    printed = json.loads(runner.invoke(app, ["schema"]).output)
    assert printed["title"] == "Artifact"


def test_explain_and_rules() -> None:
    result = runner.invoke(app, ["explain", "RB201"])
    assert result.exit_code == 0
    for part in ("## What it does", "## Why is this bad?", "## Example", "## Use instead"):
        assert part in result.output
    assert runner.invoke(app, ["explain", "unknown-tool"]).exit_code == 0
    assert runner.invoke(app, ["explain", "RB999"]).exit_code == 2
    assert "RB207  unbound-command" in runner.invoke(app, ["rules"]).output


def test_console_script_runs_without_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "x.md").write_bytes(b"\xff\xfe")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "compiler",
            "check",
            str(tmp_path / "x.md"),
            "--registry",
            str(FIXTURES / "tools.yaml"),
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    # A file that cannot be compiled is a finding of `check` (exit 1), reported on stdout.
    assert result.returncode == 1
    assert "RB001" in result.stdout and "Traceback" not in result.stderr + result.stdout


def test_tools_export_import_round_trip(tmp_path: Path) -> None:
    specs = tmp_path / "mcp.json"
    result = runner.invoke(
        app, ["tools", "export", str(REPO / "runbooks_src" / "tools.yaml"), "--format", "mcp"]
    )
    assert result.exit_code == 0
    specs.write_text(result.output)
    out = tmp_path / "imported.yaml"
    imported = runner.invoke(app, ["tools", "import", str(specs), "--out", str(out)])
    assert imported.exit_code == 0 and out.read_text().startswith("# Imported by")
    assert "reviewed: false" in out.read_text()
    again = runner.invoke(app, ["tools", "import", str(specs), "--out", str(out)])
    assert again.exit_code == 2 and "exists" in again.output


def test_audit_flags_the_support_agent_transcript() -> None:
    transcript = FIXTURES / "transcripts" / "support-billing-dispute.unbacked.json"
    result = runner.invoke(
        app,
        [
            "audit",
            str(transcript),
            "--runbook",
            str(REPO / "compiled" / "support-billing-dispute.json"),
            "--registry",
            str(REPO / "runbooks_src" / "tools.yaml"),
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 1
    kinds = [d["code"] for d in json.loads(result.output)["diagnostics"]]
    assert kinds.count("unbacked-claim") == 3 and "tool-not-in-graph" in kinds


def test_audit_of_a_broken_artifact_is_a_clear_error(tmp_path: Path) -> None:
    broken = tmp_path / "x.json"
    broken.write_text('{"schema_version": 1, "runbook"')
    transcript = FIXTURES / "transcripts" / "support-billing-dispute.unbacked.json"
    result = runner.invoke(app, ["audit", str(transcript), "--runbook", str(broken)])
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_graph_as_mermaid_and_dot() -> None:
    mermaid = runner.invoke(app, ["graph", str(REPO / "runbooks_src" / "kube-pod-crashlooping.md")])
    assert mermaid.exit_code == 0 and mermaid.output.startswith("flowchart TD\n")
    assert "-->|" in mermaid.output and "classDef human" in mermaid.output
    dot = runner.invoke(
        app, ["graph", str(REPO / "compiled" / "etcd-defrag.json"), "--format", "dot"]
    )
    assert dot.exit_code == 0 and dot.output.startswith('digraph "etcd-defrag" {')
    assert '-> "end"' in dot.output


def test_graph_of_a_tampered_artifact_is_refused(tmp_path: Path) -> None:
    artifact = json.loads((REPO / "compiled" / "etcd-defrag.json").read_text())
    artifact["steps"][0]["text"] = "drop the database"
    (tmp_path / "x.json").write_text(json.dumps(artifact))
    result = runner.invoke(app, ["graph", str(tmp_path / "x.json")])
    assert result.exit_code == 2 and "integrity" in result.output
