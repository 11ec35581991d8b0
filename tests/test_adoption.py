"""Adopting runbookc on an existing tree (issue 19): first run without setup, `init`, bad files,
file selection, baselines, bulk sign-off, stdin, colour and the rule catalogue as data."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from compiler.cli import app

from .conftest import REPO

runner = CliRunner()
SARIF_SCHEMA = REPO.parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"

RUNBOOK = """---
owner: team-payments
escalation: {role: payments-oncall, after: 15m}
---
# API pods crashlooping

## Mitigation

1. List the pods.

```console
$ kubectl get pods -n payments
```

2. Restart the deployment.

```console
$ kubectl rollout restart deployment/api -n payments
$ frobnicate --all
```
"""


def _tree(root: Path) -> Path:
    runbooks = root / "runbooks"
    runbooks.mkdir(parents=True)
    (runbooks / "api.md").write_text(RUNBOOK)
    (runbooks / "db.md").write_text(RUNBOOK.replace("API pods", "DB pods"))
    return runbooks


def _check(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["check", "--no-cache", *args])
    return result.exit_code, result.stdout


def test_the_new_user_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    runbooks = _tree(tmp_path)
    code, out = _check("runbooks")  # no registry yet: lint-only, never exit 2
    assert code in (0, 1) and out.count("RB211") == 2, out  # kubectl and frobnicate, once each
    init = runner.invoke(app, ["init", "runbooks"])
    assert init.exit_code == 0, init.output
    assert "kubectl.get" in (runbooks / "tools.yaml").read_text()
    assert "frobnicate" in init.output and "review" in init.output
    code, out = _check("runbooks")
    assert code == 1 and "RB207" in out  # frobnicate: unknown, left for review
    baseline = tmp_path / ".runbookc-baseline.json"
    assert (
        runner.invoke(app, ["check", "runbooks", "--write-baseline", str(baseline)]).exit_code == 0
    )
    assert _check("runbooks", "--baseline", str(baseline))[0] == 0
    text = (runbooks / "api.md").read_text().replace("List the pods.", "List the pods if needed.")
    (runbooks / "api.md").write_text(text)
    code, out = _check("runbooks", "--baseline", str(baseline))
    assert code == 1 and "RB101" in out and "RB207" not in out


def test_moving_lines_keeps_the_baseline_and_stale_entries_are_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    runbooks = _tree(tmp_path)
    runner.invoke(app, ["init", "runbooks"])
    runner.invoke(app, ["check", "runbooks", "--write-baseline", "base.json"])
    (runbooks / "api.md").write_text(RUNBOOK.replace("# API pods", "An intro.\n\n# API pods"))
    assert _check("runbooks", "--baseline", "base.json")[0] == 0
    (runbooks / "db.md").write_text(RUNBOOK.replace("$ frobnicate --all\n", ""))
    result = runner.invoke(app, ["check", "--no-cache", "runbooks", "--baseline", "base.json"])
    assert result.exit_code == 0 and "stale entry" in result.stderr


def test_bulk_signoff_of_a_reviewed_list(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _tree(tmp_path)
    runner.invoke(app, ["init", "runbooks"])
    runner.invoke(app, ["check", "runbooks", "--write-baseline", "reviewed.json"])
    listed = json.loads(Path("reviewed.json").read_text())
    assert "RB207" in {e["code"] for e in listed["entries"]}
    signed = runner.invoke(
        app, ["signoff", "--from", "reviewed.json", "--by", "alice", "--reason", "manual step"]
    )
    assert signed.exit_code == 0, signed.output
    assert signed.stdout.count("signed off RB207") == 2
    assert _check("runbooks")[0] == 0


BAD_TREE = {"NOTES.md": b"", "blob.md": b"\x00\x01\x02\xff binary", "api.md": RUNBOOK.encode()}


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github", "markdown"])
def test_bad_files_are_findings_and_every_format_keeps_the_others(
    fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "runbooks").mkdir()
    for name, data in BAD_TREE.items():
        (tmp_path / "runbooks" / name).write_bytes(data)
    runner.invoke(app, ["init", "runbooks", "--force"])
    code, out = _check("runbooks", "--format", fmt)
    assert code == 1
    for expected in ("RB005", "RB001", "RB207", "NOTES.md", "blob.md", "api.md"):
        assert expected in out, (expected, fmt)
    if fmt == "sarif":
        log = json.loads(out)
        results = log["runs"][0]["results"]
        assert {r["ruleId"] for r in results} >= {"RB001", "RB005", "RB207"}
        location = results[0]["locations"][0]["physicalLocation"]["artifactLocation"]
        assert location["uriBaseId"] == "SRCROOT" and location["uri"].startswith("runbooks/")
        rules = log["runs"][0]["tool"]["driver"]["rules"]
        assert all(r["helpUri"].endswith(f"/docs/rules/{r['id']}.md") for r in rules)
        if SARIF_SCHEMA.is_file():
            jsonschema.validate(log, json.loads(SARIF_SCHEMA.read_text()))


def test_file_selection_gitignore_exclude_include(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _tree(tmp_path)
    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitignore").write_text("generated/\n")
    for folder in ("node_modules/pkg", "runbooks/generated", "runbooks/legacy"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "README.md").write_text("# Readme\n\nRestart it if needed.\n")
    runner.invoke(app, ["init", "runbooks"])

    def checked(*args: str) -> set[str]:
        result = runner.invoke(app, ["check", "--no-cache", ".", "--format", "json", *args])
        return {Path(d["path"]).as_posix() for d in json.loads(result.stdout)["diagnostics"]}

    assert checked() == {"runbooks/api.md", "runbooks/db.md", "runbooks/legacy/README.md"}
    everything = checked("--no-respect-gitignore")
    assert "runbooks/generated/README.md" in everything
    assert "node_modules/pkg/README.md" not in everything  # default exclude
    assert "runbooks/legacy/README.md" not in checked("--extend-exclude", "legacy/")
    assert checked("--include", "api.md") == {"runbooks/api.md"}
    (tmp_path / "runbookc.toml").write_text('extend-exclude = ["legacy"]\n')
    assert "runbooks/legacy/README.md" not in checked()
    named = runner.invoke(
        app, ["check", "--force-exclude", "runbooks/legacy/README.md", "runbooks/api.md"]
    )
    assert "legacy" not in named.stdout and "api.md" in named.stdout


def test_per_file_ignores_are_relative_to_the_config_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runbooks = _tree(tmp_path)
    runner.invoke(app, ["init", str(runbooks)])
    (runbooks / "runbookc.toml").write_text('per-file-ignores = {"api.md" = ["RB207"]}\n')
    counts = []
    for cwd, target in ((tmp_path, "runbooks"), (runbooks, "."), (runbooks.parent.parent, None)):
        monkeypatch.chdir(cwd)
        path = target or str(runbooks)
        out = runner.invoke(app, ["check", "--no-cache", path, "--format", "json"]).stdout
        counts.append(sum(d["code"] == "RB207" for d in json.loads(out)["diagnostics"]))
    assert counts == [1, 1, 1]


def test_check_stdin_with_a_filename(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _tree(tmp_path)
    runner.invoke(app, ["init", "runbooks"])
    text = RUNBOOK.replace("List the pods.", "List the pods if needed.")
    result = runner.invoke(app, ["check", "-", "--stdin-filename", "runbooks/new.md"], input=text)
    assert result.exit_code == 1
    assert "runbooks/new.md:" in result.stdout and "RB101" in result.stdout
    assert runner.invoke(app, ["check", "-"], input=text).exit_code == 2


def test_colour_follows_no_color_and_force_color(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _tree(tmp_path)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert "\x1b[" in _check("runbooks")[1]
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" not in _check("runbooks")[1]
    assert "\x1b[" in _check("runbooks", "--color", "always")[1]


def test_rules_as_json_and_version() -> None:
    rules = json.loads(runner.invoke(app, ["rules", "--format", "json"]).stdout)
    assert {"code", "name", "severity", "blocking", "signoff", "docs"} <= set(rules[0])
    assert runner.invoke(app, ["--version"]).stdout.startswith("runbookc ")
    for command in ("check", "compile", "init", "signoff", "rules", "report"):
        assert "Examples:" in runner.invoke(app, [command, "--help"]).stdout
