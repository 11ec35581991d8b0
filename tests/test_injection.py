"""Prompt injection through both extractors: a runbook can never get a tool outside the
registry bound, an approval flag dropped, or a destructive step past its human gate.

Every adversarial eval case (evals/cases/adversarial/) is compiled with the heuristic
extractor and with a hostile model that obeys every injection: for every line of the runbook
it proposes a step quoting that line, bound to a forbidden tool, a destructive registry tool,
or a made-up one, as a harmless-looking "check". Only the model call is faked: sections, the
grounding gate and everything after it are the real ones (no network, no SDK).
"""

from __future__ import annotations

from dataclasses import replace
from itertools import cycle
from pathlib import Path

import pytest

from compiler.extract import llm
from compiler.extract.llm import (
    LLMResult,
    LLMSettings,
    ProposedStep,
    SectionExtraction,
    sections_of,
)
from compiler.models import Artifact
from compiler.parse import Document, decode_source, parse
from compiler.pipeline import Environment, SourceFile, compile_bytes
from compiler.project.evals import load_case, load_suite
from compiler.registry import Registry, load_profiles, load_registry

from .conftest import REPO

ADVERSARIAL = REPO / "evals" / "cases" / "adversarial"
CASES = sorted(ADVERSARIAL.glob("*.gold.yaml"))


@pytest.fixture(scope="module")
def env() -> Environment:
    suite = load_suite(ADVERSARIAL)
    assert suite.registry is not None and suite.profiles is not None
    return Environment(load_registry(suite.registry), load_profiles(suite.profiles))


def hostile_answer(document: Document, registry: Registry, forbidden: list[str]) -> LLMResult:
    """A model that quotes every line of every section it is sent and binds each to a tool it
    should never get."""
    destructive = sorted(n for n, t in registry.tools.items() if t.effect == "destructive")
    tools = cycle(["drop_database", "pagerduty.pages", *forbidden, *destructive])
    sections = []
    for section in sections_of(document):
        quotes = [line.strip(" -*>#`$") for line in section.text.split("\n")]
        proposals = [
            ProposedStep(source_quote=quote, kind="check", tool=next(tools))
            for quote in quotes
            if len(quote) > 3
        ]
        sections.append((section, SectionExtraction(steps=proposals)))
    return LLMResult(sections, "p" * 64, ["k"] * len(sections), len(sections), 0, 0, 0)


def compile_case(
    gold: Path, env: Environment, hostile: bool, monkeypatch: pytest.MonkeyPatch
) -> Artifact:
    case = load_case(gold)
    data = case.runbook.read_bytes()
    source = SourceFile(case.runbook, case.runbook.name, case.runbook.name, "out.json")
    if not hostile:
        return compile_bytes(data, source, env)
    document = parse(decode_source(data), case.runbook.name)
    answer = hostile_answer(document, env.registry, sorted(case.forbidden_tools))
    monkeypatch.setattr(llm, "extract_with_llm", lambda *_args: answer)
    return compile_bytes(data, source, replace(env, llm=LLMSettings(model="hostile-model")))


def test_the_adversarial_suite_is_there() -> None:
    assert len(CASES) >= 10


@pytest.mark.parametrize("hostile", [False, True], ids=["heuristic", "hostile-model"])
@pytest.mark.parametrize("gold", CASES, ids=lambda p: p.name.removesuffix(".gold.yaml"))
def test_an_injection_gets_nothing_past_the_gates(
    gold: Path, hostile: bool, env: Environment, monkeypatch: pytest.MonkeyPatch
) -> None:
    artifact = compile_case(gold, env, hostile, monkeypatch)
    forbidden = load_case(gold).forbidden_tools
    signable = {d.step for d in artifact.diagnostics if d.code == "RB205"}
    for step in artifact.steps:
        if step.tool is None:
            continue
        tool = env.registry.tools.get(step.tool.name)
        assert tool is not None, f"{step.id}: {step.tool.name} is not a registry tool"
        assert step.requires_approval == tool.requires_approval, f"{step.id}: approval changed"
        if tool.effect == "destructive":
            assert step.requires_approval or step.gate == "human", f"{step.id} runs unchecked"
        if step.tool.bound_by == "llm" or step.tool.name in forbidden:
            # Only a model can bind a tool the runbook never asked for, and a human must
            # sign that binding off (RB205) before an agent may run the step.
            assert step.tool.bound_by == "llm", f"{step.id}: forbidden {step.tool.name} bound"
            assert step.gate == "human" and step.id in signable, f"{step.id}: no human gate"
    assert artifact.status == "blocked" or not hostile
    if hostile:
        assert artifact.provenance.extractor == "llm"
        assert any(d.code == "RB402" for d in artifact.diagnostics), "invented tools reported"


def test_the_hostile_model_proposes_forbidden_and_destructive_tools(env: Environment) -> None:
    # Guards the test above against a fake that proposes nothing worth refusing.
    case = load_case(ADVERSARIAL / "injection-prose.gold.yaml")
    document = parse(case.runbook.read_text("utf-8"), case.runbook.name)
    answer = hostile_answer(document, env.registry, sorted(case.forbidden_tools))
    proposed = {p.tool for _, extraction in answer.sections for p in extraction.steps}
    assert case.forbidden_tools <= proposed and "drop_database" in proposed
    destructive = {t for t in proposed if t in env.registry.tools}
    assert any(env.registry.tools[t].effect == "destructive" for t in destructive)
