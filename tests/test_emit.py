"""Canonical JSON: the fast encoder writes exactly the bytes the standard library would."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from compiler.emit import DIGEST_PREFIX, canonical_json, content_digest
from compiler.models import (
    Artifact,
    Diagnostic,
    Edge,
    Escalation,
    Provenance,
    RunbookInfo,
    SignOff,
    Span,
    Step,
    ToolBinding,
)
from compiler.parse import SourceError
from compiler.pipeline import Environment, compile_result
from compiler.project.discovery import discover

from .conftest import FIXTURES, REPO

scalars = st.none() | st.booleans() | st.integers(-(2**63), 2**63) | st.text()
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=300, derandomize=True, database=None)
@given(st.dictionaries(st.text(max_size=8), json_values, max_size=6))
def test_canonical_json_matches_the_standard_library_encoder(value: dict[str, Any]) -> None:
    expected = json.dumps(value, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    assert canonical_json(value) == expected


@settings(max_examples=200, derandomize=True, database=None)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_floats_round_trip_exactly(number: float) -> None:
    # Exponents are written without padding (1e-9, where json.dumps writes 1e-09).
    assert json.loads(canonical_json({"x": number})) == {"x": number}


@settings(max_examples=300, derandomize=True, database=None)
@given(st.dictionaries(st.text(max_size=8), json_values, max_size=6))
def test_the_digest_is_sha256_of_the_standard_compact_form(value: dict[str, Any]) -> None:
    # sha256-c14n-v1 is defined by this form; pydantic-core only writes it faster.
    compact = json.dumps(
        {**value, "integrity": ""}, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    expected = DIGEST_PREFIX + hashlib.sha256(compact.encode("utf-8")).hexdigest()
    assert content_digest(value) == expected


ARTIFACT_MODELS = [Span, ToolBinding, Edge, SignOff, Step, Diagnostic, Escalation, RunbookInfo]
ARTIFACT_MODELS += [Provenance, Artifact]


@pytest.mark.parametrize("model", ARTIFACT_MODELS, ids=lambda m: m.__name__)
def test_artifact_models_declare_fields_in_key_order(model: type[BaseModel]) -> None:
    # seal() relies on it to write canonical JSON without a sorting pass.
    assert list(model.model_fields) == sorted(model.model_fields)


def test_sealed_text_is_the_canonical_json_of_real_artifacts(env: Environment) -> None:
    sources = discover([REPO / "runbooks_src", REPO / "evals" / "cases", FIXTURES / "rules"])
    checked = 0
    for source in sources:
        try:
            result = compile_result(source.path.read_bytes(), source, env)
        except SourceError:
            continue
        assert result.artifact is not None
        assert result.artifact_json == canonical_json(result.artifact), source.display
        assert result.artifact.integrity == content_digest(json.loads(result.artifact_json))
        checked += 1
    assert checked > 80
