from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from typer.testing import CliRunner

from compiler.cli import app
from compiler.evals import Tally

from .conftest import REPO

runner = CliRunner()


def test_tally_scores() -> None:
    tally = Tally()
    tally.add(Counter({("RB101", 3): 1, ("RB102", 5): 1}), Counter({("RB101", 3): 1, ("X", 1): 1}))
    assert (tally.tp, tally.fp, tally.fn) == (1, 1, 1)
    assert tally.precision == tally.recall == tally.f1 == 0.5


def test_the_eval_suite_runs_with_zero_hallucinations_and_ungrounded_steps() -> None:
    result = runner.invoke(app, ["eval", str(REPO / "evals"), "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["cases"] >= 5
    assert report["hallucinated_tools"] == [] and report["ungrounded_steps"] == []
    assert report["steps"]["f1"] > 0.9 and report["flags"]["f1"] > 0.8


def test_a_hallucinated_tool_fails_the_eval(tmp_path: Path) -> None:
    (tmp_path / "suite.yaml").write_text(f"registry: {REPO / 'runbooks_src' / 'tools.yaml'}\n")
    (tmp_path / "case.md").write_text("# C\n\n## Steps\n\n1. Check the pods with `oc.get_pods`.\n")
    (tmp_path / "case.gold.yaml").write_text(
        "steps: [{line: 5, tool: oc.get_pods}]\nforbidden_tools: [oc.get_pods]\n"
    )
    result = runner.invoke(app, ["eval", str(tmp_path)])
    assert result.exit_code == 1 and "hallucinated: case.md" in result.output


def test_a_missing_eval_directory_is_a_clear_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["eval", str(tmp_path / "none")])
    assert result.exit_code == 2 and "not a directory of eval cases" in result.output
