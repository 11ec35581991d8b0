"""Acceptance over the real runbooks in ../shared/corpora (skipped when absent)."""

from __future__ import annotations

import statistics
from pathlib import Path

import pytest
from typer.testing import CliRunner

from compiler.cli import app
from compiler.emit import canonical_json
from compiler.parse import decode_source, grounded
from compiler.pipeline import CompileResult, Environment
from compiler.project.batch import compile_all
from compiler.project.discovery import discover
from compiler.registry import load_registry

from .conftest import REPO

REGISTRY = REPO / "runbooks_src" / "tools.yaml"


@pytest.fixture(scope="module")
def compiled(corpora: Path) -> list[CompileResult]:
    return compile_all(discover([corpora]), Environment(load_registry(REGISTRY)))


def test_every_corpus_file_compiles(compiled: list[CompileResult]) -> None:
    assert len(compiled) == 380
    assert [r.source.display for r in compiled if r.fatal] == []


def test_cli_compile_of_the_corpora_exits_0_or_1(corpora: Path, tmp_path: Path) -> None:
    args = ["compile", str(corpora), "--out", str(tmp_path), "--registry", str(REGISTRY)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code in (0, 1), result.output
    assert len(list(tmp_path.rglob("*.json"))) == 380


def test_every_step_text_is_found_at_its_span(compiled: list[CompileResult]) -> None:
    ungrounded = []
    for result in compiled:
        assert result.artifact is not None
        lines = decode_source(result.source.path.read_bytes()).split("\n")
        for step in result.artifact.steps:
            if step.source is None:
                assert step.kind == "end" and step.text == ""
                continue
            if not grounded(lines, step.source, step.text):
                ungrounded.append(f"{result.source.display}:{step.source.line} {step.id}")
    assert ungrounded == []


def test_every_bound_tool_is_in_the_registry(compiled: list[CompileResult]) -> None:
    names = set(load_registry(REGISTRY).tools)
    bound = {s.tool.name for r in compiled if r.artifact for s in r.artifact.steps if s.tool}
    assert bound and bound <= names


def test_two_compiles_are_byte_identical(corpora: Path, compiled: list[CompileResult]) -> None:
    again = compile_all(discover([corpora]), Environment(load_registry(REGISTRY)), jobs=2)
    for first, second in zip(compiled, again, strict=True):
        assert first.artifact is not None and second.artifact is not None
        assert canonical_json(first.artifact) == canonical_json(second.artifact)


def test_the_registry_binds_most_corpus_commands(compiled: list[CompileResult]) -> None:
    """A floor under the measured coverage (see benchmarks/corpus_coverage.py)."""
    shares = []
    for result in compiled:
        assert result.artifact is not None
        unbound = {d.step for d in result.artifact.diagnostics if d.code == "RB207"}
        commands = [
            s
            for s in result.artifact.steps
            if (s.tool and s.tool.bound_by == "command") or s.id in unbound
        ]
        if commands:
            shares.append(sum(1 for s in commands if s.tool) / len(commands))
    assert len(shares) > 200
    assert statistics.median(shares) >= 0.9
    assert statistics.mean(shares) >= 0.85
