"""The scenarios that motivated the product produce the flags they were written to show."""

from __future__ import annotations

import pytest

from compiler.models import Artifact
from compiler.pipeline import Environment, SourceFile, compile_bytes
from compiler.registry import load_profiles, load_registry

from .conftest import REPO

SOURCES = REPO / "runbooks_src"


@pytest.fixture(scope="module")
def seeds() -> dict[str, Artifact]:
    env = Environment(
        load_registry(SOURCES / "tools.yaml"), load_profiles(SOURCES / "profiles.yaml")
    )
    found = {}
    for path in sorted(SOURCES.glob("*.md")):
        source = SourceFile(path, path.name, path.name, path.name)
        found[path.stem] = compile_bytes(path.read_bytes(), source, env)
    return found


def messages(artifact: Artifact, code: str) -> list[str]:
    return [d.message for d in artifact.diagnostics if d.code == code]


def test_support_agent_scenario(seeds: dict[str, Artifact]) -> None:
    art = seeds["support-billing-dispute"]
    assert any("Stripe" in m for m in messages(art, "RB108")), "Stripe check with no tool"
    assert any('"the AE"' in m and "nobody" in m for m in messages(art, "RB103"))
    assert any("if appropriate" in m for m in messages(art, "RB101"))
    assert any("billing-refund" in m for m in messages(art, "RB105"))
    assert art.status == "blocked"
    assert not any(s.tool and "stripe" in s.tool.name for s in art.steps)


def test_oncall_access_gap_scenario(seeds: dict[str, Artifact]) -> None:
    gaps = messages(seeds["oncall-sso-deploy-access"], "RB105")
    assert any("`deploy`" in m for m in gaps) and any("`sso-admin`" in m for m in gaps)


def test_payments_pool_scenario(seeds: dict[str, Artifact]) -> None:
    art = seeds["payments-db-pool-exhausted"]
    assert any("if needed" in m for m in messages(art, "RB101"))
    assert any("latency is high" in m for m in messages(art, "RB102"))
    assert any("usual dashboard" in m for m in messages(art, "RB104"))


def test_deploy_missing_env_scenario(seeds: dict[str, Artifact]) -> None:
    undeclared = " ".join(messages(seeds["deploy-missing-env"], "RB107"))
    for name in ("$DEPLOY_ENV", "$RELEASE_TAG"):
        assert name in undeclared


@pytest.mark.parametrize("name", ["node-disk-pressure", "etcd-defrag", "cert-expiry-renewal"])
def test_clean_runbooks_are_ready_with_every_command_bound(
    seeds: dict[str, Artifact], name: str
) -> None:
    art = seeds[name]
    assert art.status == "ready", [d.message for d in art.diagnostics if d.blocking]
    assert [d.code for d in art.diagnostics if d.severity != "info"] == []
