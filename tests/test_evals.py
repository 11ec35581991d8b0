from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from typer.testing import CliRunner

from compiler.cli import app
from compiler.project.evals import Tally

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
    assert report["cases"] >= 40
    assert report["hallucinated_tools"] == [] and report["ungrounded_steps"] == []
    assert report["floor_misses"] == []


def _case(directory: Path, suite: str) -> None:
    (directory / "suite.yaml").write_text(
        f"registry: {REPO / 'runbooks_src' / 'tools.yaml'}\n{suite}"
    )
    (directory / "case.md").write_text(
        "# C\n\n## Steps\n\n1. Restart the pod if needed with `oc.delete_pod`.\n"
    )
    (directory / "case.gold.yaml").write_text(
        "steps: [{line: 5, tool: null}, {line: 5, tool: oc.delete_pod}]\n"
        "flags: [{code: RB101, line: 5}, {code: RB109, line: 1}]\n"
    )


def test_a_missed_floor_fails_the_eval_and_says_which(tmp_path: Path) -> None:
    _case(tmp_path, "floors: {steps_f1: 0.5, rules: {default: 0.99, RB110: 0.0}}\n")
    result = runner.invoke(app, ["eval", str(tmp_path), "--format", "json"])
    report = json.loads(result.output)
    missed = {item.split()[0] for item in report["floor_misses"]}
    scored = set(report["flags_by_rule"])
    below = {code for code, tally in report["flags_by_rule"].items() if tally["f1"] < 0.99}
    assert result.exit_code == 1 and below and missed == below - {"RB110"} < scored


def test_floors_that_are_met_pass_and_nested_directories_find_the_suite(tmp_path: Path) -> None:
    _case(tmp_path, "floors: {steps_f1: 0.1, rules: {default: 0.0}}\n")
    nested = tmp_path / "more"
    nested.mkdir()
    (tmp_path / "case.md").rename(nested / "case.md")
    (tmp_path / "case.gold.yaml").rename(nested / "case.gold.yaml")
    assert runner.invoke(app, ["eval", str(nested)]).exit_code == 0


def test_malformed_floors_are_a_clear_error(tmp_path: Path) -> None:
    _case(tmp_path, "floors: {step_f1: 0.5}\n")
    result = runner.invoke(app, ["eval", str(tmp_path)])
    assert result.exit_code == 2 and "unknown floors: step_f1" in result.output


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


def test_verbose_lists_each_disagreement_by_case_line(tmp_path: Path) -> None:
    _case(tmp_path, "")
    gold = tmp_path / "case.gold.yaml"
    gold.write_text(gold.read_text().replace("RB109, line: 1", "RB104, line: 5"))
    result = runner.invoke(app, ["eval", str(tmp_path), "--verbose"])
    assert "case.md:5: missed RB104" in result.output
    assert "case.md:1: unexpected RB109" in result.output


def test_stale_review_ages_count_from_the_labelling_date(tmp_path: Path) -> None:
    _case(tmp_path, "labelled_on: 2025-06-01\n")
    case = tmp_path / "case.md"
    case.write_text("---\nid: c\nlast_reviewed: 2025-01-01\n---\n" + case.read_text())
    gold = tmp_path / "case.gold.yaml"
    gold.write_text(gold.read_text().replace("line: 5", "line: 9"))
    fresh = json.loads(runner.invoke(app, ["eval", str(tmp_path), "--format", "json"]).output)
    assert "RB111" not in fresh["flags_by_rule"]
    suite = tmp_path / "suite.yaml"
    suite.write_text(suite.read_text().replace("2025-06-01", "2026-06-01"))
    stale = json.loads(runner.invoke(app, ["eval", str(tmp_path), "--format", "json"]).output)
    assert stale["flags_by_rule"]["RB111"]["fp"] == 1


def test_a_yaml_bomb_in_a_gold_file_is_a_clear_error(tmp_path: Path) -> None:
    _case(tmp_path, "")
    laughs = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(8)
    )
    (tmp_path / "case.gold.yaml").write_text(laughs)
    result = runner.invoke(app, ["eval", str(tmp_path)])
    assert result.exit_code == 2 and "aliases expand to more than" in result.output


def _run_json(directory: Path) -> dict[str, object]:
    result = runner.invoke(app, ["eval", str(directory), "--format", "json"])
    loaded: dict[str, object] = json.loads(result.output)
    return loaded


def test_scored_codes_limit_which_flags_count_in_a_case(tmp_path: Path) -> None:
    _case(tmp_path, "")
    gold = tmp_path / "case.gold.yaml"
    gold.write_text(gold.read_text() + "scored_codes: [RB101]\n")
    report = _run_json(tmp_path)
    assert set(report["flags_by_rule"]) == {"RB101"}  # type: ignore[arg-type]


def test_destructive_gold_steps_are_matched_by_a_destructive_effect(tmp_path: Path) -> None:
    (tmp_path / "suite.yaml").write_text(f"registry: {REPO / 'runbooks_src' / 'tools.yaml'}\n")
    (tmp_path / "case.md").write_text(
        "# C\n\n## Steps\n\n1. Run `kubectl delete namespace shop`.\n2. Check the pods.\n"
    )
    (tmp_path / "case.gold.yaml").write_text(
        "steps: [{line: 5, tool: kubectl.delete, destructive: true},"
        " {line: 6, tool: null, destructive: true}]\n"
    )
    report = _run_json(tmp_path)
    assert report["destructive"] == {"matched": 1, "total": 2}


def test_each_group_is_reported_and_held_out_disagreements_are_not_listed(tmp_path: Path) -> None:
    for group in ("tuned", "tuned-heldout"):
        (tmp_path / group).mkdir()
        _case(tmp_path / group, "")
    (tmp_path / "tuned" / "suite.yaml").unlink()
    (tmp_path / "tuned-heldout" / "suite.yaml").rename(tmp_path / "suite.yaml")
    report = _run_json(tmp_path)
    groups = report["groups"]
    assert isinstance(groups, dict) and set(groups) == {"tuned", "tuned-heldout"}
    assert groups["tuned-heldout"]["heldout"] and not groups["tuned"]["heldout"]
    text = runner.invoke(app, ["eval", str(tmp_path), "-v"]).output
    assert "group tuned-heldout [HELD-OUT" in text
    assert "tuned/case.md:" in text and "tuned-heldout/case.md:" not in text


def test_group_floors_hold_a_group_to_its_own_figures(tmp_path: Path) -> None:
    for group in ("old", "new"):
        (tmp_path / group).mkdir()
        _case(tmp_path / group, "")
        (tmp_path / group / "suite.yaml").unlink()
    (tmp_path / "new" / "case.gold.yaml").write_text("steps: [{line: 1, tool: null}]\n")
    registry = REPO / "runbooks_src" / "tools.yaml"
    floors = "floors: {steps_f1: 0.5, rules: {default: 0.0}}\n"
    (tmp_path / "suite.yaml").write_text(f"registry: {registry}\n{floors}")
    assert runner.invoke(app, ["eval", str(tmp_path)]).exit_code == 1
    own = "group_floors: {new: {steps_f1: 0.0, rules: {default: 0.0}}}\n"
    (tmp_path / "suite.yaml").write_text(f"registry: {registry}\n{floors}{own}")
    assert runner.invoke(app, ["eval", str(tmp_path)]).exit_code == 0
