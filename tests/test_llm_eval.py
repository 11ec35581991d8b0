"""`runbookc eval --extractor llm` over the hand-written cassettes: zero hallucinated tools and
zero ungrounded steps, even when the model invents tools, misquotes, or obeys an injection."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import vcr
import yaml
from typer.testing import CliRunner

from compiler.cli import app

from .conftest import FIXTURES

CASSETTES = Path(__file__).parent / "cassettes"
SUITE = FIXTURES / "llm"
# One cassette per eval case: a normal answer, an invented tool, an ungrounded quote and an
# obeyed prompt injection.
CASES = {
    "checkout-502.md": "extract_normal.yaml",
    "billing-dispute.md": "extract_unknown_tool.yaml",
    "disk-pressure.md": "extract_ungrounded_quote.yaml",
    "cache-warmup.md": "extract_prompt_injection.yaml",
}


@pytest.fixture
def combined_cassette(tmp_path: Path) -> Path:
    """The four cassettes' interactions in one file, so one eval run can replay them all."""
    interactions = []
    for name in CASES.values():
        interactions += yaml.safe_load((CASSETTES / name).read_text())["interactions"]
    path = tmp_path / "llm-eval.yaml"
    path.write_text(yaml.safe_dump({"interactions": interactions, "version": 1}))
    return path


def test_llm_eval_has_no_hallucinated_tools_or_ungrounded_steps(
    combined_cassette: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-a-real-key")
    replay = vcr.VCR(
        record_mode="none",
        match_on=["method", "uri", "body"],
        filter_headers=["authorization", "api-key", "x-api-key"],
    )
    args = [
        "eval",
        str(SUITE),
        "--format",
        "json",
        "--extractor",
        "llm",
        "--model",
        "test-model-2026",
        "--base-url",
        "https://llm.invalid/v1",
    ]
    with replay.use_cassette(str(combined_cassette)) as tape:
        result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["cases"] == len(CASES)
    assert report["hallucinated_tools"] == [] and report["ungrounded_steps"] == []
    assert tape.play_count == len(CASES), "every case was extracted by the (replayed) model"
    # Recall, not F1: since issue 15 the extractor gives one step per instruction, finer than
    # these labels ("restart the deployment and tell the on-call" is two steps, labelled one).
    assert report["steps"]["recall"] == 1.0 and report["binding_accuracy"] == 1.0


def test_report_with_the_llm_extractor_says_which_model_drew_the_graph(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-a-real-key")
    replay = vcr.VCR(record_mode="none", match_on=["method", "uri", "body"])
    out = tmp_path / "report.html"
    args = ["report", str(SUITE / "checkout-502.md"), "--out", str(out), "--extractor", "llm"]
    args += ["--model", "test-model-2026", "--base-url", "https://llm.invalid/v1", "--no-cache"]
    with replay.use_cassette(str(CASSETTES / CASES["checkout-502.md"])) as tape:
        result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert tape.play_count == 1
    html = out.read_text("utf-8")
    assert "extractor llm (test-model-2026)" in html and '<svg xmlns="' in html
