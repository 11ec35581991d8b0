"""A registered text filter run so that it writes files (`sed -i`, `sort -o`, `yq -i`) is no
read-only filter: its step's effect is `write`, and after a pipe RB208 reports it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from compiler.compilation import Environment, SourceFile
from compiler.models import Artifact
from compiler.pipeline import compile_bytes
from compiler.registry import load_profiles, load_registry
from compiler.text.shell import edits_files

_PROJECT = Path(__file__).resolve().parent.parent / "runbooks_src"


@pytest.fixture(scope="module")
def compile_text() -> Callable[[str], Artifact]:
    """Compile with the project's registry, whose `filters` list holds sed, sort and yq."""
    env = Environment(
        load_registry(_PROJECT / "tools.yaml"), load_profiles(_PROJECT / "profiles.yaml")
    )
    source = SourceFile(Path("runbook.md"), "runbook.md", "runbook.md", "runbook.json")
    return lambda text: compile_bytes(text.encode("utf-8"), source, env)


@pytest.mark.parametrize(
    "command",
    [
        "sed -i 's/a/b/' app.conf",
        "sed -i.orig -e 's/a/b/' app.conf",
        "sed -Ei 's/a+/b/' app.conf",
        "sed --in-place=.bak 's/a/b/' app.conf",
        "awk -i inplace '{print $1}' hosts.txt",
        "yq -i '.replicas = 3' values.yaml",
        "sort -o sorted.txt names.txt",
        "sort --output=sorted.txt names.txt",
        "uniq names.txt unique.txt",
        "gzip access.log",
    ],
)
def test_a_filter_that_edits_files_writes(command: str) -> None:
    assert edits_files(command.split())


@pytest.mark.parametrize(
    "command",
    [
        "sed 's/a/b/' app.conf",
        "sed -n '/i/p' app.conf",
        "sed -e 's/i/I/' app.conf",
        "sed -ne 's/i/I/p'",
        "awk '{print $1}' hosts.txt",
        "yq '.replicas' values.yaml",
        "sort -n names.txt",
        "uniq -c names.txt",
        "uniq -f 1 names.txt",
        "gzip -dc access.log.gz",
        "gzip",
        "grep -i error app.log",
    ],
)
def test_a_filter_that_only_prints_does_not(command: str) -> None:
    assert not edits_files(command.split())


def _effects(artifact: Artifact) -> dict[str, str | None]:
    return {step.text: step.effect for step in artifact.steps if step.source is not None}


def test_an_in_place_edit_is_a_write_not_a_read(
    compile_text: Callable[[str], Artifact],
) -> None:
    artifact = compile_text(
        "# Move the proxy\n\nPoint every recipe at the new proxy:\n\n"
        "```shell\nfind roles -name '*.yml' | xargs -n1 sed -i 's/proxy-a/proxy-b/'\n"
        "sed -i 's/proxy-a/proxy-b/' site.yml\nsed -n '/proxy/p' site.yml\n```\n"
    )
    effects = _effects(artifact)
    assert effects["find roles -name '*.yml' | xargs -n1 sed -i 's/proxy-a/proxy-b/'"] == "write"
    assert effects["sed -i 's/proxy-a/proxy-b/' site.yml"] == "write"
    assert effects["sed -n '/proxy/p' site.yml"] == "read"


def test_rb208_reports_a_filter_that_writes_after_a_pipe(
    compile_text: Callable[[str], Artifact],
) -> None:
    artifact = compile_text(
        "# Save the config\n\nSave it:\n\n```shell\n"
        "kubectl get configmap app -o yaml | sed -i 's/a/b/' saved.yaml\n"
        "kubectl get configmap app -o yaml | sed 's/a/b/'\n```\n"
    )
    found = [d for d in artifact.diagnostics if d.code == "RB208"]
    assert [d.line for d in found] == [6]
    assert "writes files" in found[0].message
