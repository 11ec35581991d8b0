"""docs/github-actions.md and action.yml work as written: every workflow parses, installs
runbookc from a checkout (it is not on PyPI), lets the SARIF upload run before the gate can
fail, and every `runbookc` command they hold runs here on the example runbooks (exit 0 or 1,
never 2)."""

from __future__ import annotations

import json
import re
import shlex
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from compiler.cli import app

from .conftest import REPO

DOC = REPO / "docs" / "github-actions.md"
ACTION = REPO / "action.yml"
SARIF_SCHEMA = REPO.parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"
runner = CliRunner()


def _blocks() -> list[Any]:
    text = DOC.read_text("utf-8")
    return [yaml.safe_load(block) for block in re.findall(r"```yaml\n(.*?)```", text, re.S)]


def _workflows() -> list[dict[str, Any]]:
    return [block for block in _blocks() if isinstance(block, dict) and "jobs" in block]


def _steps(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def test_every_yaml_block_parses_and_nothing_installs_from_pypi() -> None:
    assert len(_workflows()) == 2
    assert "pip install runbook-compiler" not in DOC.read_text("utf-8")
    for workflow in _workflows():
        runs = " ".join(step.get("run", "") for step in _steps(workflow))
        uses = [step.get("uses", "") for step in _steps(workflow)]
        installs = "pip install ./" in runs or any(
            "runbook-compiler/runbook-compiler@" in u for u in uses
        )
        assert installs, "runbookc is installed from a checkout or the action"


def test_the_sarif_upload_runs_before_anything_can_fail() -> None:
    for workflow in _workflows():
        steps = _steps(workflow)
        upload = next(i for i, s in enumerate(steps) if "upload-sarif" in s.get("uses", ""))
        for step in steps[:upload]:
            if step.get("run", "").startswith("runbookc"):
                assert step["run"].rstrip().endswith("|| true"), step
        if "if" in steps[upload]:
            assert steps[upload]["if"] == "always()"
        else:
            assert not any("runbookc" in s.get("uses", "") for s in steps[:upload])


def test_the_action_installs_from_its_own_checkout_and_gates_last() -> None:
    action = yaml.safe_load(ACTION.read_text("utf-8"))
    assert action["runs"]["using"] == "composite"
    steps = action["runs"]["steps"]
    runs = [step.get("run", "") for step in steps]
    assert any('pip install --quiet "${{ github.action_path }}"' in run for run in runs)
    used = set(re.findall(r"inputs\.([\w-]+)", ACTION.read_text("utf-8")))
    assert used <= set(action["inputs"])
    *before, gate = [run for run in runs if "runbookc check" in run]
    assert all(line.rstrip().endswith("|| true") for run in before for line in run.splitlines())
    assert "|| true" not in gate


def _commands() -> list[str]:
    found = []
    for workflow in _workflows():
        found += [s["run"] for s in _steps(workflow) if s.get("run", "").startswith("runbookc")]
    action = yaml.safe_load(ACTION.read_text("utf-8"))
    defaults = {name: spec.get("default", "") for name, spec in action["inputs"].items()}
    defaults["paths"] = "runbooks_src"
    for step in action["runs"]["steps"]:
        for line in step.get("run", "").splitlines():
            if line.strip().startswith("runbookc"):
                found.append(
                    re.sub(r"\$\{\{ inputs\.([\w-]+) \}\}", lambda m: defaults[m.group(1)], line)
                )
    return found


@pytest.mark.parametrize("command", _commands())
def test_every_documented_command_runs(
    command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(REPO / "runbooks_src", tmp_path / "runbooks_src")
    shutil.copytree(REPO / "compiled", tmp_path / "compiled")
    monkeypatch.chdir(tmp_path)
    words = shlex.split(command.split("||")[0].split(">")[0])
    assert words[0] == "runbookc"
    result = runner.invoke(app, [*words[1:], "--no-cache"] if "check" in words else words[1:])
    assert result.exit_code in (0, 1), result.output
    if "sarif" in words and SARIF_SCHEMA.is_file():
        jsonschema = pytest.importorskip("jsonschema")
        log = json.loads(result.stdout)
        jsonschema.validate(log, json.loads(SARIF_SCHEMA.read_text()))
