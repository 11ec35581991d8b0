"""Issue 17, compile side: one test per item, each failing before its fix.

Costs are counted (Python lines executed, sequence elements visited), never timed.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

from typer.testing import CliRunner

from compiler import parse
from compiler.cli import app

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
