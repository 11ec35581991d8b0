"""Issue 16 item 7: the LLM extractor proposes assumption flags (quoted words, a rule, a
reason). They pass the grounding gate like steps: a quote in the source becomes a finding of
its rule marked as the model's (blocking until signed off); any other is dropped with RB401.

HTTP is replayed from the hand-written cassette tests/cassettes/extract_flags.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest
import vcr

from compiler.compilation import Environment
from compiler.extract.llm import ProposedFlag, SectionExtraction
from compiler.models import Artifact
from compiler.pipeline import SourceFile, compile_bytes
from compiler.registry import Profiles, load_registry

from .cassettes.make_cassettes import settings
from .conftest import FIXTURES

CASSETTES = Path(__file__).parent / "cassettes"
REPLAY = vcr.VCR(
    cassette_library_dir=str(CASSETTES),
    record_mode="none",
    match_on=["method", "uri", "body"],
    filter_headers=["authorization", "api-key", "x-api-key"],
)


@pytest.fixture(autouse=True)
def no_openai_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_ORG_ID", "OPENAI_PROJECT_ID"):
        monkeypatch.delenv(name, raising=False)


def compile_replayed(fixture: str, cassette: str) -> Artifact:
    env = Environment(load_registry(FIXTURES / "llm" / "tools.yaml"), Profiles.empty())
    env = Environment(env.registry, env.profiles, llm=settings())
    path = FIXTURES / "llm" / fixture
    source = SourceFile(path, fixture, fixture, fixture.replace(".md", ".json"))
    with REPLAY.use_cassette(cassette) as tape:
        artifact = compile_bytes(path.read_bytes(), source, env)
    assert tape.all_played
    return artifact


def test_a_grounded_model_flag_the_rules_miss_is_reported_as_the_models() -> None:
    artifact = compile_replayed("orders-queue.md", "extract_flags.yaml")
    (proposed,) = [d for d in artifact.diagnostics if d.code == "RB106"]
    assert proposed.line == 14 and proposed.evidence == "Stand by while the consumers catch up"
    assert proposed.message.startswith("proposed by the model, not found by the rules")
    assert "How long to stand by" in proposed.message
    assert proposed.blocking and proposed.signable and proposed.signoff is None
    assert artifact.status == "blocked"


def test_a_model_flag_the_rules_raise_too_is_reported_once() -> None:
    artifact = compile_replayed("orders-queue.md", "extract_flags.yaml")
    actors = [d for d in artifact.diagnostics if d.code == "RB103"]
    assert [d.line for d in actors] == [15]
    assert not actors[0].message.startswith("proposed by the model")  # the rule's own


def test_a_model_flag_whose_quote_is_not_in_the_source_is_dropped_with_rb401() -> None:
    artifact = compile_replayed("orders-queue.md", "extract_flags.yaml")
    dropped = [d for d in artifact.diagnostics if d.code == "RB401"]
    assert [d.evidence for d in dropped] == ["wait until the queue is empty"]
    assert "flag RB106 dropped" in dropped[0].message
    assert not [
        d for d in artifact.diagnostics if "queue is empty" in d.evidence and d.code != "RB401"
    ]


def test_a_proposed_flag_names_one_of_the_assumption_rules() -> None:
    answer = '{"steps": [], "flags": [{"quote": "x", "code": "RB101", "reason": "r"}]}'
    assert SectionExtraction.model_validate_json(answer).flags == [
        ProposedFlag(quote="x", code="RB101", reason="r")
    ]
    with pytest.raises(ValueError):
        SectionExtraction.model_validate_json(
            '{"steps": [], "flags": [{"quote": "x", "code": "RB201"}]}'
        )
    assert SectionExtraction.model_validate_json('{"steps": []}').flags == []
