"""Shared fixtures. Every test is hermetic: opening a network connection fails the test."""

from __future__ import annotations

import shutil
import socket
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from compiler.extract.heuristic import extract
from compiler.models import Artifact, Step
from compiler.parse import parse
from compiler.pipeline import Environment, SourceFile, compile_bytes
from compiler.registry import load_profiles, load_registry

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
CORPORA = REPO.parent / "shared" / "corpora"

# No example may fail for taking long: a test passes the same on an idle and a saturated machine.
settings.register_profile("no-deadline", deadline=None)
settings.load_profile("no-deadline")


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to open a real socket connection is a test failure."""

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("tests must not reach the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.fixture(autouse=True)
def private_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each test compiles with its own empty result cache, never the checkout's."""
    monkeypatch.setenv("RUNBOOKC_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture(scope="session")
def env() -> Environment:
    """The small unit-test registry and profiles."""
    return Environment(
        load_registry(FIXTURES / "tools.yaml"), load_profiles(FIXTURES / "profiles.yaml")
    )


@pytest.fixture
def compile_text(env: Environment) -> Callable[[str], Artifact]:
    """Compile markdown text with the unit-test registry."""

    def run(text: str, name: str = "runbook.md") -> Artifact:
        source = SourceFile(Path(name), name, name, name.replace(".md", ".json"))
        return compile_bytes(text.encode("utf-8"), source, env)

    return run


@pytest.fixture(scope="session")
def corpora() -> Iterator[Path]:
    """The shared real-runbook corpora; tests using them skip when they are absent."""
    if not CORPORA.is_dir():
        pytest.skip(f"shared corpora not found at {CORPORA} (../shared is absent)")
    yield CORPORA


def codes(artifact: Artifact, family: str = "RB") -> list[str]:
    """Diagnostic codes of an artifact, in order, optionally of one family (e.g. "RB2")."""
    return [d.code for d in artifact.diagnostics if d.code.startswith(family)]


def source_steps(artifact: Artifact) -> list[Step]:
    """The steps drawn from the page's lines (the added end step has no source)."""
    return [s for s in artifact.steps if s.source is not None]


def drafted_texts(text: str) -> list[str]:
    """The texts of the steps the heuristic extractor drafts from a page, `oc` its one known
    program."""
    return [d.text for d in extract(parse(text), frozenset({"oc"}))]


def with_registry(root: Path) -> Path:
    """`root` (created if needed) holding copies of the fixture tools.yaml and profiles.yaml."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(FIXTURES / "tools.yaml", root / "tools.yaml")
    shutil.copy(FIXTURES / "profiles.yaml", root / "profiles.yaml")
    return root
