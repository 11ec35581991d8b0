from __future__ import annotations

import pickle
import shlex
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from compiler.registry import (
    Registry,
    RegistryError,
    compile_pattern,
    load_registry,
)
from compiler.text.shell import split_pipeline

from .conftest import FIXTURES


def match(registry: Registry, command: str) -> list[tuple[str, dict[str, str]]]:
    return [(m.tool.name, m.args) for m in registry.match_command(shlex.split(command))]


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load_registry(FIXTURES / "tools.yaml")


def test_positional_and_option_captures(registry: Registry) -> None:
    found = match(registry, "oc get deploy api -n payments -o yaml")
    written = {"resource": "deploy", "name": "api", "namespace": "payments", "flags": "-o yaml"}
    assert found == [("oc.get", written)]


def test_more_specific_pattern_ranks_first(registry: Registry) -> None:
    found = match(registry, "oc -n payments get pods")
    assert [name for name, _ in found] == ["oc.get_pods", "oc.get"]
    assert found[0][1] == {"namespace": "payments"}


def test_extra_positionals_do_not_match(registry: Registry) -> None:
    assert match(registry, "oc get pod a b") == []


def test_value_flags_do_not_become_positionals(registry: Registry) -> None:
    assert match(registry, "oc get pods -l app=api")[0][0] == "oc.get_pods"
    assert match(registry, "oc get pods --selector=app=api")[0][0] == "oc.get_pods"


def test_required_bare_option() -> None:
    pattern = compile_pattern("oc delete pod {name} --force")
    assert pattern.required_options == (("--force",),)
    assert pattern.specificity == 3


def test_pipeline_and_substitution_splitting() -> None:
    parsed = split_pipeline(
        "oc rsh $(oc get pod -l app=etcd -oname | head -1) > out 2>&1 && echo `date` | jq '>'"
    )
    assert parsed is not None
    assert parsed.stages == [["oc", "rsh", "$(...)"]]
    assert parsed.followers == [[["echo", "$(...)"], ["jq", ">"]]]
    assert parsed.substitutions == ["oc get pod -l app=etcd -oname | head -1", "date"]
    assert split_pipeline("echo 'unterminated") is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("version: 1\ntools: [{name: x}]\n", "invalid registry at tools/0"),
        (
            "version: 1\ntools:\n  - {name: a.b, description: d, effect: read, permission: p,"
            " commands: ['{x}']}\n",
            "must start with a program name",
        ),
        ("version: 2\ntools: []\n", "invalid registry at version"),
        ("tools: [\n", "not valid YAML"),
        (
            "version: 1\ntools:\n  - {name: a, description: d, effect: read, permission: p}\n"
            "  - {name: a, description: d, effect: read, permission: p}\n",
            "defined twice",
        ),
        (
            "version: 1\ntools:\n  - {name: a, description: d, effect: read, permission: p,"
            " params: {type: 7}}\n",
            "params is not a JSON Schema",
        ),
    ],
)
def test_invalid_registries_are_refused_clearly(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "tools.yaml"
    path.write_text(text)
    with pytest.raises(RegistryError, match=message):
        load_registry(path)


def test_did_you_mean(registry: Registry) -> None:
    assert registry.suggest("billing.get_invoice") == ["billing.get_invoices"]


def test_the_shipped_registry_is_valid() -> None:
    registry = load_registry(Path(__file__).resolve().parent.parent / "runbooks_src" / "tools.yaml")
    assert len(registry.tools) > 40


def test_a_registry_whose_validators_were_built_still_pickles(registry: Registry) -> None:
    # --jobs sends the environment to worker processes after the parent may have validated.
    tool = next(t for t in registry.tools.values() if t.params)
    list(tool.validator.iter_errors({}))  # builds and caches the validator
    copy = pickle.loads(pickle.dumps(registry))
    assert copy.tools[tool.name].params == tool.params
    assert "validator" not in copy.tools[tool.name].__dict__


@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)))
def test_a_star_capture_reads_back_as_the_words_it_recorded(words: list[str]) -> None:
    # the registry records a `{x*}` capture with join_words; the runtime splits it back
    from compiler.registry.patterns import join_words
    from compiler.runtime.commands import _shell_words

    assert _shell_words(join_words(words)) == words
