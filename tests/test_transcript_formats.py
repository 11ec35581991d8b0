"""Transcript formats, fail-closed reading, `runbookc audit` output formats and eval mode over
the labelled corpus in tests/fixtures/transcripts/."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from typer.testing import CliRunner

from compiler.cli import app
from compiler.project.audit_eval import evaluate
from compiler.runtime import TranscriptError, parse_transcript, read_transcript

from .conftest import FIXTURES, REPO

TRANSCRIPTS = FIXTURES / "transcripts"
ETCD = REPO / "compiled" / "etcd-defrag.json"
REGISTRY = REPO / "runbooks_src" / "tools.yaml"
SARIF_SCHEMA = REPO.parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"
GOLDS = sorted(TRANSCRIPTS.glob("*.gold.yaml"))
runner = CliRunner()


def gold(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text("utf-8"))
    return data


def transcript_of(path: Path) -> Path:
    stem = path.name.removesuffix(".gold.yaml")
    return next(p for p in TRANSCRIPTS.glob(f"{stem}.json*") if p.suffix in (".json", ".jsonl"))


def audit_cli(*args: str) -> Any:
    return runner.invoke(app, ["audit", *args, "--registry", str(REGISTRY)])


# --- reading --------------------------------------------------------------------------------


TEXT = {"role": "user", "content": "go"}


@pytest.mark.parametrize(
    ("data", "fmt", "calls", "said"),
    [
        (
            [
                TEXT,
                {
                    "role": "assistant",
                    "content": None,
                    "function_call": {"name": "a", "arguments": "{}"},
                },
                {"role": "function", "name": "a", "content": "ok"},
                {"role": "assistant", "content": [{"type": "text", "text": "done"}]},
            ],
            "chat",
            [("a", "ok", False)],
            ["done"],
        ),
        (
            {
                "input": "go",
                "output": [
                    {"type": "reasoning", "summary": []},
                    {"type": "function_call", "call_id": "c", "name": "a", "arguments": "{}"},
                    {"type": "function_call_output", "call_id": "c", "output": "ok"},
                    {
                        "type": "message",
                        "role": "assistant",
                        "content": [{"type": "output_text", "text": "done"}],
                    },
                ],
            },
            "responses",
            [("a", "ok", False)],
            ["done"],
        ),
        (
            {
                "system": "be careful",
                "messages": [
                    TEXT,
                    {
                        "role": "assistant",
                        "content": [
                            {"type": "thinking", "thinking": "hm", "signature": "x"},
                            {"type": "text", "text": "calling"},
                            {"type": "tool_use", "id": "t", "name": "a", "input": {}},
                        ],
                    },
                    {
                        "role": "user",
                        "content": [
                            {
                                "type": "tool_result",
                                "tool_use_id": "t",
                                "content": "no",
                                "is_error": True,
                            },
                        ],
                    },
                ],
            },
            "anthropic",
            [("a", "no", True)],
            ["calling"],
        ),
        (
            [
                {
                    "time": "t",
                    "actor": "agent",
                    "runbook": "r",
                    "step": "s",
                    "tool": "a",
                    "args": {},
                    "verdict": "deny",
                    "reason": "not in step",
                },
                {
                    "time": "t",
                    "actor": "x",
                    "runbook": "r",
                    "step": "s",
                    "tool": None,
                    "args": {},
                    "verdict": "advance",
                    "reason": "s -> t",
                },
            ],
            "audit-log",
            [("a", "not in step", True)],
            [],
        ),
    ],
    ids=["chat-legacy", "responses", "anthropic", "audit-log"],
)
def test_each_format_is_read(
    data: Any, fmt: str, calls: list[tuple[str, str, bool]], said: list[str]
) -> None:
    transcript = parse_transcript(data)
    assert transcript.format == fmt
    got = [(c.name, c.result.text, c.result.is_error) for c in transcript.calls if c.result]
    assert got == calls
    assert [s.text for s in transcript.said] == said


def test_json_or_jsonl_is_told_from_the_content(tmp_path: Path) -> None:
    lines = (TRANSCRIPTS / "etcd-defrag.clean.jsonl").read_text("utf-8")
    as_json = tmp_path / "clean.jsonl"  # a JSON list in a .jsonl file
    as_json.write_text(json.dumps([json.loads(line) for line in lines.splitlines()]), "utf-8")
    as_jsonl = tmp_path / "clean.json"  # JSONL in a .json file
    as_jsonl.write_text(lines, "utf-8")
    first, second = read_transcript(as_json), read_transcript(as_jsonl)
    assert first.calls == tuple(
        c.__class__(c.index, 1, c.call_id, c.name, c.arguments, c.result) for c in second.calls
    )
    assert [c.line for c in second.calls] == [3, 5, 7, 9, 11, 13, 15]


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ([], "empty transcript"),
        ({"contents": [{"role": "model", "parts": []}]}, "no known transcript format"),
        ([1, 2], "not a JSON object"),
        ([{"text": "hi"}], "no role"),
        ([TEXT, {"role": "critic", "content": "x"}], "unknown role 'critic'"),
        (
            [
                {
                    "role": "assistant",
                    "content": None,
                    "tool_calls": [{"id": "1", "type": "computer", "computer": {}}],
                }
            ],
            "tool call of unknown type",
        ),
        ([{"role": "assistant", "content": [{"type": "server_tool_use", "id": "s"}]}], "block"),
        ({"output": [{"type": "web_search_call", "id": "w"}]}, "unknown OpenAI Responses item"),
        ([{"role": "tool", "content": "orphan"}], "tool_call_id"),
        (
            [{"role": "assistant", "content": [{"type": "tool_use", "name": "a", "input": {}}]}],
            "`id`",
        ),
        ([{"verdict": "maybe", "reason": "", "tool": "a"}], "unknown verdict"),
    ],
)
def test_what_cannot_be_read_is_refused(data: Any, words: str) -> None:
    with pytest.raises(TranscriptError, match=words):
        parse_transcript(data)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("{", "not valid JSON"),
        ('{"role": "user"}\n{oops\n', "line 2"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ],
)
def test_unreadable_files_are_refused(tmp_path: Path, text: str, words: str) -> None:
    path = tmp_path / "t.json"
    path.write_text(text, "utf-8")
    with pytest.raises(TranscriptError, match=words):
        read_transcript(path)
    with pytest.raises(TranscriptError, match="cannot read"):
        read_transcript(tmp_path / "missing.json")


# --- the command line -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", [p for p in GOLDS if gold(p).get("unreadable")], ids=lambda p: p.name
)
def test_unknown_transcripts_exit_2_never_0(path: Path) -> None:
    result = audit_cli(str(transcript_of(path)), "--runbook", str(ETCD))
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "finding" not in result.stdout


def test_honest_exits_0_and_lying_exits_1() -> None:
    honest = audit_cli(
        str(TRANSCRIPTS / "etcd-defrag.honest.anthropic.json"), "--runbook", str(ETCD)
    )
    assert honest.exit_code == 0, honest.stdout
    assert "0 finding(s) (anthropic transcript)" in honest.stdout
    lying = audit_cli(
        str(TRANSCRIPTS / "etcd-defrag.verbless.anthropic.json"), "--runbook", str(ETCD)
    )
    assert lying.exit_code == 1
    assert lying.stdout.count("unbacked-claim message 13") == 2


def test_the_registry_is_found_from_the_artifacts_source(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    args = ["audit", "tests/fixtures/transcripts/etcd-defrag.clean.jsonl", "--runbook", str(ETCD)]
    assert runner.invoke(app, args).exit_code == 0


def test_inputs_on_the_command_line() -> None:
    path = str(TRANSCRIPTS / "etcd-defrag.clean.jsonl")
    pinned = audit_cli(path, "--runbook", str(ETCD), "--input", "etcd_pod=etcd-master-2")
    assert pinned.exit_code == 1 and "argument-mismatch" in pinned.stdout
    bad = audit_cli(path, "--runbook", str(ETCD), "--input", "etcd_pod")
    assert bad.exit_code == 2


LYING = TRANSCRIPTS / "etcd-defrag.reused-id.chat.json"


def test_json_output() -> None:
    result = audit_cli(str(LYING), "--runbook", str(ETCD), "--format", "json")
    assert result.exit_code == 1
    payload = json.loads(result.stdout)
    assert [d["code"] for d in payload["diagnostics"]] == ["reused-id", "unbacked-claim"]
    assert payload["summary"]["total"] == 2
    assert payload["audit"]["format"] == "chat" and payload["audit"]["ok"] is False


def test_sarif_output_is_valid_sarif() -> None:
    if not SARIF_SCHEMA.is_file():
        pytest.skip(f"{SARIF_SCHEMA} absent: ../shared is not checked out beside the repository")
    result = audit_cli(str(LYING), "--runbook", str(ETCD), "--format", "sarif")
    assert result.exit_code == 1
    log = json.loads(result.stdout)
    jsonschema.validate(log, json.loads(SARIF_SCHEMA.read_text("utf-8")))
    run = log["runs"][0]
    rules = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert rules == ["reused-id", "unbacked-claim"]
    assert [rules[r["ruleIndex"]] for r in run["results"]] == [r["ruleId"] for r in run["results"]]


def test_github_output() -> None:
    result = audit_cli(str(LYING), "--runbook", str(ETCD), "--format", "github")
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"::error file={LYING},line=1,col=1,")
    assert "title=reused-id reused-id::message 18" in lines[0]
    assert len(lines) == 3 and lines[-1].startswith("runbookc: 2 diagnostic(s)")


def test_markdown_output() -> None:
    result = audit_cli(str(LYING), "--runbook", str(ETCD), "--format", "markdown")
    assert result.stdout.startswith("## runbookc: ❌ blocked")
    assert "| reused-id `reused-id` |" in result.stdout


def test_jsonl_findings_point_at_their_line() -> None:
    path = TRANSCRIPTS / "etcd-defrag.audit-log.denied.jsonl"
    result = audit_cli(str(path), "--runbook", str(ETCD))
    assert f"{path}:2:1: tool-not-in-graph message 1: oc.exec" in result.stdout


# --- eval mode over the labelled corpus ---------------------------------------------------------


def test_the_corpus_covers_the_formats() -> None:
    formats = [gold(path)["format"] for path in GOLDS]
    assert len(GOLDS) >= 30
    assert {f: formats.count(f) >= 5 for f in ("chat", "responses", "anthropic")} == {
        "chat": True,
        "responses": True,
        "anthropic": True,
    }
    honest = [p for p in GOLDS if not gold(p)["findings"] and not gold(p).get("unreadable")]
    assert len(honest) >= 8


def test_precision_and_recall_on_the_corpus() -> None:
    report = evaluate(TRANSCRIPTS)
    assert report.cases == len(GOLDS)
    overall = report.overall
    assert overall.precision >= 0.95 and overall.recall >= 0.95, report.disagreements
    for kind in ("tool-not-in-graph", "unbacked-claim", "reused-id", "out-of-order", "unreadable"):
        score = report.scores[kind]
        assert (score.precision, score.recall) == (1.0, 1.0), (kind, report.disagreements)
    assert not report.ok  # the corpus holds hallucinated calls and unbacked claims


def test_eval_mode_on_the_command_line(tmp_path: Path) -> None:
    result = runner.invoke(app, ["audit", str(TRANSCRIPTS), "--gold", "--format", "json"])
    assert result.exit_code == 1  # hallucinated calls and unbacked claims were found
    payload = json.loads(result.stdout)
    assert payload["cases"] == len(GOLDS) and payload["overall"]["recall"] >= 0.95
    for name in ("etcd-defrag.honest.anthropic", "etcd-defrag.clean"):
        for path in TRANSCRIPTS.glob(f"{name}.*"):
            (tmp_path / path.name).write_text(
                path.read_text("utf-8").replace("../../../", f"{REPO}/"), "utf-8"
            )
    honest = runner.invoke(app, ["audit", str(tmp_path), "--gold"])
    assert honest.exit_code == 0, honest.stdout
    assert "2 labelled transcript(s); found 0 tool-not-in-graph, 0 unbacked-claim" in honest.stdout


def test_eval_mode_refuses_a_bad_label(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text("[]", "utf-8")
    (tmp_path / "a.gold.yaml").write_text("findings: []\n", "utf-8")
    result = runner.invoke(app, ["audit", str(tmp_path), "--gold"])
    assert result.exit_code == 2 and "runbook" in result.stderr
