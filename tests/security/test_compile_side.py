"""Issue 17, compile side: one test per item, each failing before its fix.

Costs are counted (Python lines executed, sequence elements visited), never timed.
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

import pytest
from typer.testing import CliRunner

from compiler import parse
from compiler.cli import app
from compiler.models import Policy
from compiler.parse import SourceError
from compiler.policy import policy_sha256
from compiler.records import Diagnostic, SignOff
from compiler.runtime import RelaxedPolicy, SourceMissing, load, read_artifact
from compiler.signoff import (
    MAX_SIDECAR_BYTES,
    Entry,
    SignoffSet,
    apply_signoffs,
    load_signoffs,
    sidecar_path,
)

from ..conftest import with_registry

runner = CliRunner()
STEPS = "# Restart\n\n## Steps\n\n1. Run `kubectl.get_pods` in the namespace.\n"


def _lines_executed(action: Callable[[], object], module: str) -> int:
    """How many Python lines of `module` (a file path) run during `action`: a work count."""
    count = 0

    def trace(frame: FrameType, event: str, _arg: Any) -> Any:
        nonlocal count
        if frame.f_code.co_filename != module:
            return None
        if event == "line":
            count += 1
        return trace

    sys.settrace(trace)
    try:
        action()
    finally:
        sys.settrace(None)
    return count


def test_item7_symlink_leaving_the_tree_is_refused_and_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:TOPSECRET:/root:/bin/bash\n", "utf-8")
    tree = with_registry(tmp_path / "runbooks")
    (tree / "ok.md").write_text(STEPS, "utf-8")
    (tree / "leak.md").symlink_to(secret)
    report = tmp_path / "report.html"

    checked = runner.invoke(app, ["check", str(tree), "--no-cache"])
    reported = runner.invoke(app, ["report", str(tree), "--out", str(report), "--no-cache"])
    compiled = runner.invoke(app, ["compile", str(tree), "--out", str(tmp_path / "out")])

    for result in (checked, reported, compiled):
        assert "TOPSECRET" not in result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
        refusal = [line for line in result.output.splitlines() if "leak.md" in line]
        assert len(refusal) == 1 and "RB001" in refusal[0] and "not read" in refusal[0]
    assert "TOPSECRET" not in report.read_text("utf-8")
    assert "2 runbook(s)" in reported.output and "1 failed" in reported.output


def test_item8_code_span_scan_is_linear_on_escaped_backticks() -> None:
    def work(copies: int) -> int:
        text = "Run " + "\\``" * copies
        return _lines_executed(lambda: parse.inline_code_spans(text), parse.__file__)

    small, large = work(2000), work(4000)
    assert large < 2.2 * small, (small, large)


class _CountingList(list[Any]):
    """A list that counts how many elements are visited by iterating it."""

    visits = 0

    def __iter__(self) -> Any:
        for item in super().__iter__():
            type(self).visits += 1
            yield item


def test_item9_sidecars_are_capped_and_matched_by_key(tmp_path: Path) -> None:
    runbook = tmp_path / "r.md"
    runbook.write_text(STEPS, "utf-8")
    sidecar = sidecar_path(runbook)
    sidecar.write_text("# padding\n" * (MAX_SIDECAR_BYTES // 10 + 1), "utf-8")
    with pytest.raises(SourceError, match="over the 1048576-byte limit") as raised:
        load_signoffs(runbook)
    assert raised.value.code == "RB904"

    def visits(entries: int, flags: int) -> int:
        diagnostics = _CountingList(_flag(i) for i in range(flags))
        junk = tuple(_entry(i) for i in range(entries))
        _CountingList.visits = 0
        apply_signoffs(diagnostics, SignoffSet(junk), lambda _code: None)
        return _CountingList.visits

    # Unmatched entries are judged by lookup: diagnostics are visited a fixed number of
    # times, however many junk entries the sidecar holds (it was entries x diagnostics).
    assert visits(2000, 200) == visits(20, 200) <= 5 * 200


def _flag(index: int) -> Diagnostic:
    return Diagnostic(
        blocking=True,
        code="RB101",
        column=1,
        end_column=2,
        end_line=index + 1,
        fingerprint=f"{index:016x}",
        fix="",
        line=index + 1,
        message="vague",
        name="vague-condition",
        path="r.md",
        severity="error",
        step=f"steps/step-{index}",
    )


def _entry(index: int) -> Entry:
    signoff = SignOff(
        by="x", code="RB101", date="2026-01-01", fingerprint=f"junk{index}", reason="x"
    )
    return Entry(index + 1, signoff, f"steps/other-{index}", "words")


RETARGET = """# Api pods

## Steps

1. Restart the api pods if needed:

   ```
   $ oc delete pod api-server-blue -n payments
   ```
"""


def test_item10_a_signoff_does_not_survive_retargeting(tmp_path: Path) -> None:
    runbook = with_registry(tmp_path) / "r.md"
    runbook.write_text(RETARGET, "utf-8")
    step = "steps/oc-delete-pod-api-server-blue-n"
    signed = runner.invoke(
        app,
        ["signoff", f"RB101@{step}", "--runbook", str(runbook), "--by", "sam", "--reason", "ok"],
    )
    assert signed.exit_code == 0, signed.output

    def rb101() -> dict[str, Any]:
        result = runner.invoke(app, ["check", str(runbook), "--format", "json", "--no-cache"])
        (found,) = [d for d in json.loads(result.output)["diagnostics"] if d["code"] == "RB101"]
        assert found["step"] == step  # the 7-word step id is the same before and after
        return found

    assert rb101()["signoff"] is not None
    # Same step id, same flagged words ("if needed"): only the argument changed.
    runbook.write_text(RETARGET.replace("-n payments", "-n ledger"), "utf-8")
    diagnostics = json.loads(
        runner.invoke(app, ["check", str(runbook), "--format", "json", "--no-cache"]).output
    )["diagnostics"]
    assert rb101()["signoff"] is None
    assert "RB902" in {d["code"] for d in diagnostics}


@pytest.mark.parametrize(
    ("config", "relaxed"),
    [('ignore = ["RB"]\n', "RB101"), ('severity = {RB101 = "info"}\n', "RB101")],
)
def test_item4_relaxed_config_is_recorded_and_refused_by_load(
    tmp_path: Path, config: str, relaxed: str
) -> None:
    tree = with_registry(tmp_path / "runbooks")
    (tree / "r.md").write_text(RETARGET, "utf-8")
    (tree / "runbookc.toml").write_text(config, "utf-8")
    out = tmp_path / "compiled"
    result = runner.invoke(app, ["compile", str(tree), "--out", str(out), "--no-cache"])
    assert result.exit_code == 0, result.output

    policy = json.loads((out / "r.json").read_text("utf-8"))["provenance"]["policy"]
    assert policy["relaxed"] is True and relaxed in policy["relaxed_codes"]
    assert policy["sha256"] == policy_sha256(Policy.model_validate(policy))
    with pytest.raises(RelaxedPolicy, match=relaxed):
        load(out / "r.json")
    if read_artifact(out / "r.json").status == "ready":
        assert load(out / "r.json", allow_relaxed_policy=True).id == "r"


READY = """---
owner: team-a
escalation: {role: oncall, after: 15m}
last_reviewed: 2026-11-01
---
# Pods

## Steps

1. List the pods with `oc.get_pods`.
"""


def test_item3_artifacts_without_a_source_fail_check_are_removed_and_do_not_load(
    tmp_path: Path,
) -> None:
    tree = with_registry(tmp_path / "runbooks")
    for name in ("kept", "deleted"):
        (tree / f"{name}.md").write_text(READY.replace("Pods", name), "utf-8")
    out = tmp_path / "compiled"
    assert runner.invoke(app, ["compile", str(tree), "--out", str(out)]).exit_code == 0
    assert load(out / "kept.json").id == "kept"
    (tree / "deleted.md").unlink()
    shutil.copy(out / "kept.json", out / "evil.json")  # hand-made: borrows kept.md's source

    checked = runner.invoke(app, ["compile", str(tree), "--out", str(out), "--check"])
    assert checked.exit_code == 1
    assert f"{out / 'deleted.json'}: no source" in checked.output
    assert f"{out / 'evil.json'}: no source" in checked.output
    for orphan in ("deleted", "evil"):
        with pytest.raises(SourceMissing):
            load(out / f"{orphan}.json")
    assert load(out / "evil.json", verify_source=False).id == "kept"  # the documented opt-out

    written = runner.invoke(app, ["compile", str(tree), "--out", str(out)])
    assert written.exit_code == 0
    assert f"{out / 'deleted.json'}: removed stale artifact" in written.output
    assert f"{out / 'evil.json'}: not removed" in written.output
    assert sorted(p.name for p in out.iterdir()) == ["evil.json", "kept.json"]


def test_item8_step_jumps_resolve_in_linear_work(compile_text: Callable[[str], object]) -> None:
    from compiler import graph

    def work(items: int) -> int:
        text = "## Steps\n\n" + "1. go to step 1\n" * items
        return _lines_executed(lambda: compile_text(text), graph.__file__)

    small, large = work(200), work(400)
    assert large < 2.2 * small, (small, large)
