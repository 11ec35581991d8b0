"""Canonical JSON: the fast encoder writes exactly the bytes the standard library would."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from compiler.emit import DIGEST_PREFIX, canonical_json, content_digest

scalars = st.none() | st.booleans() | st.integers(-(2**63), 2**63) | st.text()
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=8), children, max_size=4),
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
