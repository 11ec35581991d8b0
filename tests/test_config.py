from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from compiler.config import Config, ConfigError, find_config, load_config
from compiler.models import Artifact
from compiler.pipeline import Environment, SourceFile, compile_bytes

TEXT = (
    "---\nid: c\nowner: team-payments\nlast_reviewed: 2020-01-01\nexecutor: oncall-admin\n"
    "escalation: {role: payments-oncall-secondary}\n---\n# C\n\n## Steps\n\n"
    "1. List the pods with `oc.get_pods` when it makes sense.\n"
    "2. List them with `oc.get` once the moon rises.\n"
)


def compile_with(env: Environment, config: Config, name: str = "c.md") -> Artifact:
    configured = Environment(env.registry, env.profiles, config)
    return compile_bytes(TEXT.encode(), SourceFile(Path(name), name, name, "c.json"), configured)


def codes(artifact: Artifact) -> list[str]:
    return [d.code for d in artifact.diagnostics]


def test_defaults(env: Environment) -> None:
    assert codes(compile_with(env, Config())) == ["RB111", "RB101"]


def test_select_ignore_and_longest_prefix_wins(env: Environment) -> None:
    assert codes(compile_with(env, Config(ignore=("RB1",)))) == []
    assert codes(compile_with(env, Config(ignore=("RB1",), select=("RB", "RB101")))) == ["RB101"]
    assert codes(compile_with(env, Config(select=("RB2",)))) == []


def test_per_file_ignores(env: Environment) -> None:
    config = Config(per_file_ignores={"legacy/*.md": ("RB101",)})
    assert codes(compile_with(env, config, "legacy/c.md")) == ["RB111"]
    assert codes(compile_with(env, config, "new/c.md")) == ["RB111", "RB101"]


def test_severity_override_and_stale_age(env: Environment) -> None:
    config = Config(severity={"RB101": "info"}, stale_after_days=100_000)
    (diagnostic,) = compile_with(env, config).diagnostics
    assert diagnostic.severity == "info" and not diagnostic.blocking


def test_ages_count_from_the_configured_day_else_source_date_epoch(
    env: Environment, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1609459200")  # 2021-01-01: 366 days after review
    ((stale,),) = [[d for d in compile_with(env, Config()).diagnostics if d.code == "RB111"]]
    assert stale.message.startswith("last reviewed 366 days ago")
    config = Config(today=date(2020, 6, 1))  # the day an eval suite's labels were made
    assert "RB111" not in codes(compile_with(env, config))
    assert Config(today=date(2020, 6, 1)).reference_date() == date(2020, 6, 1)


def test_extra_vague_phrases(env: Environment) -> None:
    config = Config(extra_vague_phrases=("once the moon rises",))
    assert codes(compile_with(env, config)) == ["RB111", "RB101", "RB101"]


def test_loading_from_pyproject_and_runbookc_toml(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.runbookc]\nignore = ["RB007"]\nstale-after-days = 30\n'
        'per-file-ignores = {"old/*.md" = ["RB1"]}\nseverity = {RB203 = "error"}\n'
    )
    (tmp_path / "docs").mkdir()
    assert find_config(tmp_path / "docs") == tmp_path / "pyproject.toml"
    config = load_config(tmp_path / "pyproject.toml")
    assert config.ignore == ("RB007",) and config.stale_after_days == 30
    assert config.severity == {"RB203": "error"}
    (tmp_path / "docs" / "runbookc.toml").write_text('select = ["RB1"]\n')
    assert find_config(tmp_path / "docs") == tmp_path / "docs" / "runbookc.toml"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("selct = []\n", "unknown configuration key"),
        ('select = "RB"\n', "expected a list of strings"),
        ('severity = {RB101 = "loud"}\n', "severity must be"),
        ("select = [\n", "cannot read configuration"),
    ],
)
def test_invalid_configuration_is_a_clear_error(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "runbookc.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message):
        load_config(path)
