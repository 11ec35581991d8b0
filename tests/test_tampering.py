"""Tampering after review: hand-edited artifacts, forged sign-offs, a swapped registry.

Each is caught by one of the three gates: `runbookc check`, `runbookc compile --check` (the
merge gate in CI), or the runtime loader (the agent's side).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import tomlkit
from typer.testing import CliRunner

from compiler.cli import app
from compiler.emit import content_digest
from compiler.runtime import ArtifactTampered, RegistryDrift, RunbookBlocked, load

from .conftest import with_registry
from .test_signoff import RUNBOOK, STEP

runner = CliRunner()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A runbook signed off through `runbookc signoff`, compiled into out/."""
    with_registry(tmp_path)
    (tmp_path / "pool.md").write_text(RUNBOOK)
    signed = invoke(
        "signoff", f"RB101@{STEP}", "--runbook", str(tmp_path / "pool.md"),
        "--by", "alice", "--reason", "scale only when the pool is exhausted",
    )  # fmt: skip
    assert signed.exit_code == 0, signed.output
    compiled = invoke("compile", str(tmp_path / "pool.md"), "--out", str(tmp_path / "out"))
    assert compiled.exit_code == 0, compiled.output
    assert loaded(tmp_path).artifact.status == "ready"
    return tmp_path


def invoke(*args: str) -> Any:
    return runner.invoke(app, [*args, "--no-cache"] if args[0] == "compile" else list(args))


def loaded(project: Path) -> Any:
    return load(project / "out" / "pool.json", registry=project / "tools.yaml")


def compile_check(project: Path) -> Any:
    return invoke("compile", str(project / "pool.md"), "--out", str(project / "out"), "--check")


def edit_artifact(project: Path, reseal: bool) -> None:
    """Drop the sign-off's diagnostic and lift the human gate, as an attacker would."""
    path = project / "out" / "pool.json"
    data = json.loads(path.read_text())
    data["diagnostics"] = [d for d in data["diagnostics"] if d["code"] != "RB101"]
    for step in data["steps"]:
        step["gate"] = "auto"
    if reseal:
        data["integrity"] = content_digest(data)
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")


def edit_signoff(project: Path, **changes: str) -> None:
    path = project / "pool.signoffs.toml"
    document = tomlkit.parse(path.read_text())
    document["signoff"][0].update(changes)  # type: ignore[index, union-attr]
    path.write_text(tomlkit.dumps(document))


def test_a_hand_edited_artifact_is_refused_by_the_loader_and_the_merge_gate(
    project: Path,
) -> None:
    edit_artifact(project, reseal=False)
    with pytest.raises(ArtifactTampered, match="edited after compile"):
        loaded(project)
    result = compile_check(project)
    assert result.exit_code == 1 and "pool.json: out of date" in result.output


def test_a_resealed_edit_passes_the_loader_but_not_the_merge_gate(project: Path) -> None:
    # The digest catches edits, not an editor who recomputes it: CI's `compile --check`
    # recompiles from the reviewed source and is the gate that catches this.
    edit_artifact(project, reseal=True)
    assert loaded(project).artifact.status == "ready"
    result = compile_check(project)
    assert result.exit_code == 1 and "pool.json: out of date" in result.output


def test_a_signoff_whose_evidence_was_rewritten_signs_nothing(project: Path) -> None:
    edit_signoff(project, evidence="if the pool is exhausted")
    result = invoke("check", "--strict", str(project / "pool.md"))
    assert result.exit_code == 1
    assert 'RB903 invalid sign-off: it records "if the pool is exhausted"' in result.output
    assert 'fingerprint signs off "if needed"' in result.output
    assert "RB101" in result.output.replace("RB101@", "")


def test_a_signoff_moved_to_another_step_signs_nothing(project: Path) -> None:
    edit_signoff(project, step="mitigation/check-the-pods-with-oc-get-pods")
    result = invoke("check", "--strict", str(project / "pool.md"))
    assert result.exit_code == 1 and "RB903" in result.output


def test_a_signoff_without_its_evidence_signs_nothing(project: Path) -> None:
    path = project / "pool.signoffs.toml"
    document = tomlkit.parse(path.read_text())
    del document["signoff"][0]["evidence"]  # type: ignore[index, union-attr]
    path.write_text(tomlkit.dumps(document))
    result = invoke("check", "--strict", str(project / "pool.md"))
    assert result.exit_code == 1 and "it records nothing" in result.output


def test_a_signoff_copied_from_another_runbook_does_not_apply(project: Path) -> None:
    (project / "pool.md").write_text(RUNBOOK.replace("id: pool", "id: pool-copy"))
    result = invoke("check", "--strict", str(project / "pool.md"))
    # Fingerprints include the runbook id: the copy is stale here and signs nothing.
    assert result.exit_code == 1 and "RB902 stale sign-off" in result.output
    assert "1 blocking and unsigned, 0 signed off" in result.output


def test_a_signed_off_artifact_recompiled_after_a_forgery_is_blocked(project: Path) -> None:
    edit_signoff(project, evidence="if the pool is exhausted")
    invoke("compile", str(project / "pool.md"), "--out", str(project / "out"))
    with pytest.raises(RunbookBlocked, match="RB101@"):
        loaded(project)


def test_a_registry_swapped_after_compile_is_caught_by_both_gates(project: Path) -> None:
    tools = project / "tools.yaml"
    relaxed = tools.read_text().replace("requires_approval: true", "requires_approval: false")
    tools.write_text(relaxed)
    with pytest.raises(RegistryDrift, match="changed"):
        loaded(project)
    result = compile_check(project)
    assert result.exit_code == 1 and "registry changed" in result.output
