"""The validated registry and profiles cache: a file this compiler already validated is not
validated again; a changed file, a changed compiler or no cache directory means validation."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from compiler import registry
from compiler.cli import app
from compiler.project import registry_cache
from compiler.registry import RegistryError, load_profiles, load_registry

from .conftest import FIXTURES, with_registry

runner = CliRunner()


@pytest.fixture
def validations(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The kinds of file validated ("registry", "profiles"), in order, from now on."""
    seen: list[str] = []
    real_registry, real_profiles = registry.validated_registry, registry.validated_profiles

    def count_registry(path: Path, data: bytes) -> dict[str, object]:
        seen.append("registry")
        return real_registry(path, data)

    def count_profiles(path: Path, data: bytes) -> dict[str, object]:
        seen.append("profiles")
        return real_profiles(path, data)

    monkeypatch.setattr(registry_cache, "validated_registry", count_registry)
    monkeypatch.setattr(registry_cache, "validated_profiles", count_profiles)
    return seen


def test_a_validated_registry_is_not_validated_again(
    tmp_path: Path, validations: list[str]
) -> None:
    cache = tmp_path / "cache"
    first = registry_cache.load_registry(FIXTURES / "tools.yaml", cache)
    second = registry_cache.load_registry(FIXTURES / "tools.yaml", cache)
    assert validations == ["registry"]
    assert first == second == load_registry(FIXTURES / "tools.yaml")
    profiles = [registry_cache.load_profiles(FIXTURES / "profiles.yaml", cache) for _ in "ab"]
    assert validations == ["registry", "profiles"]
    assert profiles == [load_profiles(FIXTURES / "profiles.yaml")] * 2


def test_no_cache_directory_always_validates(validations: list[str]) -> None:
    for _ in range(2):
        registry_cache.load_registry(FIXTURES / "tools.yaml", None)
        registry_cache.load_profiles(FIXTURES / "profiles.yaml", None)
    assert validations == ["registry", "profiles"] * 2


def test_a_changed_registry_is_validated_and_refused_when_invalid(
    tmp_path: Path, validations: list[str]
) -> None:
    cache, tools = tmp_path / "cache", with_registry(tmp_path / "rb") / "tools.yaml"
    registry_cache.load_registry(tools, cache)
    tools.write_text(tools.read_text() + "\nsurprise: true\n")
    with pytest.raises(RegistryError, match="invalid registry"):
        registry_cache.load_registry(tools, cache)
    with pytest.raises(RegistryError, match="invalid registry"):
        registry_cache.load_registry(tools, cache)  # an invalid file is never cached
    assert validations == ["registry"] * 3


def test_another_compiler_validates_again(
    tmp_path: Path, validations: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    registry_cache.load_registry(FIXTURES / "tools.yaml", cache)
    monkeypatch.setattr(registry_cache, "compiler_digest", lambda: "another compiler")
    registry_cache.load_registry(FIXTURES / "tools.yaml", cache)
    assert validations == ["registry"] * 2


def test_an_unreadable_entry_is_a_miss(tmp_path: Path, validations: list[str]) -> None:
    cache = tmp_path / "cache"
    registry_cache.load_registry(FIXTURES / "tools.yaml", cache)
    (entry,) = (cache / "validated").iterdir()
    for damage in ("{not json", '{"document": []}', "[]"):
        entry.write_text(damage)
        assert registry_cache.load_registry(FIXTURES / "tools.yaml", cache) == load_registry(
            FIXTURES / "tools.yaml"
        )
    assert validations == ["registry"] * 4


def test_a_document_json_cannot_give_back_is_not_cached(
    tmp_path: Path, validations: list[str]
) -> None:
    tools = with_registry(tmp_path / "rb") / "tools.yaml"
    # A non-string key in a params schema: JSON would turn 1 into "1".
    text = tools.read_text().replace("properties: {replicas:", "properties: {1: {}, replicas:", 1)
    assert text != tools.read_text()
    tools.write_text(text)
    cache = tmp_path / "cache"
    for _ in range(2):
        registry_cache.load_registry(tools, cache)
    assert validations == ["registry"] * 2
    assert not (cache / "validated").exists() or not list((cache / "validated").iterdir())


def test_check_validates_once_and_no_cache_forces_it(
    tmp_path: Path, validations: list[str]
) -> None:
    root = with_registry(tmp_path / "rb")
    shutil.copy(FIXTURES / "rules" / "RB201.md", root / "a.md")
    cache = str(tmp_path / "cache")
    for extra in ([], [], ["--no-cache"]):
        result = runner.invoke(app, ["check", str(root), "--cache-dir", cache, *extra])
        assert result.exit_code == 1, result.output
    assert validations == ["profiles", "registry", "profiles", "registry"]
