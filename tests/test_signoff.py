"""The sign-off workflow end to end, and the CI surfaces around it."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from datetime import date
from pathlib import Path

import jsonschema
import pytest
import yaml
from typer.testing import CliRunner

from compiler.cli import app
from compiler.signoff import fingerprint

from .conftest import FIXTURES, REPO, with_registry

runner = CliRunner()
RUNBOOK = f"""---
id: pool
owner: team-payments
last_reviewed: {date.today()}
executor: oncall-admin
escalation: {{role: payments-oncall-secondary, after: 15m}}
---
# Pool exhausted

## Mitigation

1. Scale the API with `oc.get_pods` if needed.
2. Check the pods with `oc.get_pods`.
"""
STEP = "mitigation/scale-the-api-with-oc-get-pods"


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "runbooks").mkdir(parents=True)
    with_registry(root / "runbooks")
    (root / "runbooks" / "pool.md").write_text(RUNBOOK)
    git(root, "init", "-q")
    git(root, "-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qm", "x", "--allow-empty")
    return root


def check(repo: Path) -> tuple[int, str]:
    result = runner.invoke(app, ["check", "--strict", str(repo / "runbooks")])
    return result.exit_code, result.output


def commit(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qm", message)


def sign(repo: Path, target: str = f"RB101@{STEP}", **extra: str) -> tuple[int, str]:
    args = [
        "signoff",
        target,
        "--runbook",
        str(repo / "runbooks" / "pool.md"),
        "--by",
        "alice",
        "--reason",
        "scale only past 80% CPU",
        "--date",
        "2026-11-20",
    ]
    for key, value in extra.items():
        args += [f"--{key}", value]
    result = runner.invoke(app, args)
    return result.exit_code, result.output


def test_signoff_lifecycle_in_a_git_repo(repo: Path) -> None:
    code, output = check(repo)
    assert code == 1 and "RB101 vague condition" in output

    assert sign(repo, resolution="needed = CPU above 80% for 10 minutes")[0] == 0
    sidecar = repo / "runbooks" / "pool.signoffs.toml"
    commit(repo, "sign off")
    assert check(repo)[0] == 0

    text = RUNBOOK.replace("# Pool exhausted\n", "# Pool exhausted\n\nAn unrelated intro.\n")
    (repo / "runbooks" / "pool.md").write_text(text)
    commit(repo, "unrelated edit")
    assert check(repo)[0] == 0, "an edit elsewhere keeps the sign-off"

    (repo / "runbooks" / "pool.md").write_text(text.replace("if needed", "when necessary"))
    commit(repo, "edit the flagged words")
    code, output = check(repo)
    assert code == 1 and "RB902 stale sign-off" in output and "RB101" in output

    reworded = "RB101@mitigation/scale-the-api-with-oc-get-pods"
    assert sign(repo, reworded)[0] == 0, "signing again replaces the stale entry"
    assert sidecar.read_text().count("[[signoff]]") == 1
    assert sidecar.read_text().startswith("# Sign-offs for pool.md")
    assert check(repo)[0] == 0


def test_signed_off_flags_stay_in_the_artifact_with_their_resolution(repo: Path) -> None:
    sign(repo, resolution="needed = CPU above 80% for 10 minutes")
    out = repo / "out"
    runner.invoke(app, ["compile", str(repo / "runbooks"), "--out", str(out)])
    artifact = json.loads((out / "pool.json").read_text())
    (flag,) = [d for d in artifact["diagnostics"] if d["code"] == "RB101"]
    assert flag["signoff"]["by"] == "alice" and flag["signoff"]["date"] == "2026-11-20"
    (step,) = [s for s in artifact["steps"] if s["id"] == STEP]
    assert step["gate"] == "auto" and step["resolutions"] == [
        "needed = CPU above 80% for 10 minutes"
    ]
    assert artifact["status"] == "ready"


def test_unsigned_blocking_flag_gates_its_step(repo: Path) -> None:
    out = repo / "out"
    runner.invoke(app, ["compile", str(repo / "runbooks"), "--out", str(out)])
    artifact = json.loads((out / "pool.json").read_text())
    (step,) = [s for s in artifact["steps"] if s["id"] == STEP]
    assert step["gate"] == "human" and artifact["status"] == "blocked"


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("RB201@x", "RB201 unknown-tool cannot be signed off"),
        ("RB999@x", "unknown code RB999"),
        ("RB101@nope", f"signable flags: RB101@{STEP}"),
        ("RB101", "no RB101 flag on the runbook as a whole"),
    ],
)
def test_signoff_refusals_are_clear(repo: Path, target: str, message: str) -> None:
    code, output = sign(repo, target)
    assert code == 2 and message in output


def test_signoff_needs_who_and_why_and_a_real_date(repo: Path) -> None:
    result = runner.invoke(
        app,
        [
            "signoff",
            f"RB101@{STEP}",
            "--runbook",
            str(repo / "runbooks" / "pool.md"),
            "--by",
            " ",
            "--reason",
            "x",
        ],
    )
    assert result.exit_code == 2 and "--by and --reason" in result.output
    assert sign(repo, date="yesterday")[0] == 2


def test_fingerprint_ignores_position_and_case_of_whitespace() -> None:
    a = fingerprint("RB101", "pool", "s/x", "if  needed")
    assert a == fingerprint("RB101", "pool", "s/x", "If needed")
    assert a != fingerprint("RB101", "pool", "s/x", "as appropriate")
    assert a != fingerprint("RB101", "pool", "s/y", "if needed")


def test_sarif_output_validates_against_the_published_schema(repo: Path) -> None:
    sign(repo)
    result = runner.invoke(app, ["check", str(repo / "runbooks"), "--format", "sarif"])
    log = json.loads(result.output)
    schema = json.loads((FIXTURES / "sarif-schema-2.1.0.json").read_text())
    jsonschema.Draft7Validator(schema).validate(log)
    results = log["runs"][0]["results"]
    rules = [r["id"] for r in log["runs"][0]["tool"]["driver"]["rules"]]
    assert all(rules[r["ruleIndex"]] == r["ruleId"] for r in results)
    (signed,) = [r for r in results if r["ruleId"] == "RB101"]
    assert signed["suppressions"][0]["justification"].startswith("signed off by alice")
    region = signed["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"]) == (12, 37)


def test_github_annotations(repo: Path) -> None:
    result = runner.invoke(app, ["check", str(repo / "runbooks"), "--format", "github"])
    line = next(x for x in result.output.splitlines() if "RB101" in x)
    assert line.startswith("::warning file=")
    assert ",line=12,col=37,endLine=12,endColumn=45,title=RB101 vague-condition::" in line
    assert "%0Ahelp: " in line


def test_markdown_summary_for_a_pr_comment(repo: Path) -> None:
    result = runner.invoke(app, ["check", str(repo / "runbooks"), "--format", "markdown"])
    assert result.output.startswith("## runbookc: ❌ blocked")
    assert "| RB101 `vague-condition` |" in result.output
    sign(repo)
    result = runner.invoke(app, ["check", str(repo / "runbooks"), "--format", "markdown"])
    assert result.output.startswith("## runbookc: ✅ nothing blocking")
    assert "<details><summary>Signed off</summary>" in result.output


def test_pre_commit_hooks_run_as_pre_commit_would(repo: Path) -> None:
    """pre-commit runs `entry + args + changed files`; run exactly that, with no network."""
    hooks = {h["id"]: h for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())}
    hook = hooks["runbookc-check"]
    changed = ["runbooks/pool.md", "runbooks/tools.yaml", "runbooks/pool.signoffs.toml"]
    files = [f for f in changed if re.search(hook["files"], f)]
    assert files == ["runbooks/pool.md", "runbooks/pool.signoffs.toml"]
    command = [sys.executable, "-m", "compiler", *shlex.split(hook["entry"])[1:], *files]
    sign(repo)
    assert subprocess.run(command, cwd=repo, capture_output=True).returncode == 0
    (repo / "runbooks" / "pool.signoffs.toml").unlink()
    command = [part for part in command if not part.endswith(".signoffs.toml")]
    failed = subprocess.run(command, cwd=repo, capture_output=True, text=True)
    assert failed.returncode == 1 and "RB101" in failed.stdout

    compile_hook = hooks["runbookc-compile-check"]
    assert compile_hook["pass_filenames"] is False
    base = [sys.executable, "-m", "compiler", *shlex.split(compile_hook["entry"])[1:]]
    args = ["runbooks", "--out", "compiled"]
    assert subprocess.run([*base, *args], cwd=repo, capture_output=True).returncode == 1
    runner.invoke(app, ["compile", str(repo / "runbooks"), "--out", str(repo / "compiled")])
    assert subprocess.run([*base, *args], cwd=repo, capture_output=True).returncode == 0


def test_compile_check_names_the_registry_as_the_reason(repo: Path) -> None:
    out = repo / "compiled"
    runner.invoke(app, ["compile", str(repo / "runbooks"), "--out", str(out)])
    registry = repo / "runbooks" / "tools.yaml"
    registry.write_text(registry.read_text() + "\n# a comment changes the registry hash\n")
    result = runner.invoke(app, ["compile", str(repo / "runbooks"), "--out", str(out), "--check"])
    assert result.exit_code == 1 and "(registry changed)" in result.output
