"""Pathological inputs: bounded cost, clear errors, nothing silently lost or bound by look-alike.

Costs are counted, never timed: a 4x larger input must make less than 6x the function calls
(Python and built-in, counted by cProfile), a figure that is the same on an idle and on a
saturated machine. Work inside one built-in call (a regular expression's backtracking) is not
counted; `benchmarks/compile_speed.py` times the same inputs. Memory is measured with
tracemalloc.
"""

from __future__ import annotations

import cProfile
import json
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from compiler.cli import app
from compiler.config import Config
from compiler.emit import canonical_json
from compiler.models import Artifact, Step
from compiler.parse import SourceError, decode_source, grounded, normalise, parse, text_at
from compiler.pipeline import Environment, SourceFile, compile_bytes
from compiler.registry import RegistryError, load_profiles, load_registry
from compiler.runtime import ArtifactSchemaError, read_artifact
from compiler.safe_yaml import MAX_DEPTH

from .conftest import REPO, with_registry

runner = CliRunner()
SOURCE = SourceFile(Path("r.md"), "r.md", "r.md", "r.json")
RAISED = Config(max_bytes=64 * 1024 * 1024)
BILLION_LAUGHS = "".join(
    f"{name}: &{name} [{', '.join([f'*{previous}'] * 9) if previous else ', '.join('x' * 9)}]\n"
    for previous, name in zip([None, *"abcdefgh"], "abcdefghi", strict=True)
)


def _compile(data: bytes, env: Environment, config: Config | None = None) -> Artifact:
    if config is not None:
        env = Environment(env.registry, env.profiles, config)
    return compile_bytes(data, SOURCE, env)


def _refused(data: bytes, env: Environment) -> SourceError:
    with pytest.raises(SourceError) as raised:
        _compile(data, env)
    return raised.value


def _calls(action: Callable[[], object]) -> int:
    """Function calls, Python and built-in, that one run of `action` makes."""
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        action()
    finally:
        profiler.disable()
    return sum(entry.callcount for entry in profiler.getstats())


def _scales_linearly(make: Callable[[int], bytes], size: int, env: Environment) -> float:
    """Work ratio (function calls) of compiling make(4 * size) against make(size)."""
    small, large = make(size), make(4 * size)
    _compile(small, env, RAISED)  # warm caches (parser, compiled patterns, memos)
    return _calls(lambda: _compile(large, env, RAISED)) / _calls(
        lambda: _compile(small, env, RAISED)
    )


def _peak_memory(action: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        action()
    except (SourceError, RegistryError):
        pass
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return peak


def _unaccounted_lines(data: bytes) -> list[int]:
    """Non-blank body lines that no parsed block covers and RB004 does not report."""
    document = parse(decode_source(data, RAISED.max_bytes))
    covered = {
        number
        for block in document.blocks
        for number in range(block.span.line, block.span.end_line + 1)
    }
    return [
        number
        for number, line in enumerate(document.lines, 1)
        if line.strip()
        and number not in covered
        and number not in document.dropped_lines
        and line.strip(" >-*+") != ""
    ]


# --- deep nesting: markdown-it-py stops at 20 levels; what it drops must be reported ---------


@pytest.mark.parametrize(
    "opener",
    [b"- ", b"> ", b"1. ", b"> - ", b"* > 2) "],
    ids=["bullets", "quotes", "ordered", "quoted-bullets", "mixed"],
)
def test_ten_thousand_levels_of_nesting_are_reported_not_lost(
    env: Environment, opener: bytes
) -> None:
    deep = opener * 10_000 + b"Delete the volume first.\n"
    data = b"# Steps\n\n" + deep + b"\n## After\n\n1. Restart the pod.\n"
    artifact = _compile(data, env, RAISED)
    dropped = {d.line for d in artifact.diagnostics if d.code == "RB004"}
    texts = [step.text for step in artifact.steps]
    assert 3 in dropped or any("Delete the volume first." in t for t in texts)
    # markdown-it-py skips to the end of the innermost container past its limit; for a list
    # item that is the end of the file, so what follows is lost too -- and reported.
    assert "Restart the pod." in texts or {5, 7} <= dropped
    assert artifact.status == "blocked" if dropped else True
    assert _unaccounted_lines(data) == []


def test_deep_nesting_over_many_lines_loses_no_line(env: Environment) -> None:
    lines = [b"  " * depth + b"- Restart pod %d.\n" % depth for depth in range(300)]
    quotes = [b"> " * depth + b"Restart quoted pod %d.\n" % depth for depth in range(1, 300)]
    data = b"# Steps\n\n" + b"".join(lines) + b"\n" + b"".join(quotes)
    artifact = _compile(data, env, RAISED)
    assert _unaccounted_lines(data) == []
    reported = {d.line for d in artifact.diagnostics if d.code == "RB004"}
    grounded = {line for step in artifact.steps if step.source for line in _lines_of(step)}
    for number, line in enumerate(data.decode().split("\n"), 1):
        if "Restart" in line:
            assert number in reported | grounded, f"line {number} vanished: {line[:40]!r}"


def _lines_of(step: Step) -> range:
    assert step.source is not None
    return range(step.source.line, step.source.end_line + 1)


def test_nesting_cost_grows_linearly(env: Environment) -> None:
    def quotes(n: int) -> bytes:
        return b"# Steps\n\n" + b"> " * n + b"Delete the volume first.\n"

    assert _scales_linearly(quotes, 5_000, env) < 6


# --- big documents ---------------------------------------------------------------------------


def test_a_hundred_thousand_item_list_compiles_and_accounts_for_every_item(
    env: Environment,
) -> None:
    data = b"# Notes\n\n" + b"- x\n" * 100_000
    with pytest.raises(SourceError) as raised:
        _compile(data, env)
    assert raised.value.code == "RB002"
    artifact = _compile(data, env, RAISED)
    assert not [d for d in artifact.diagnostics if d.code == "RB004"]
    assert [d.code for d in artifact.diagnostics if d.code == "RB006"] == ["RB006"]


def test_a_one_megabyte_line_is_refused_by_default_and_compiles_when_allowed(
    env: Environment,
) -> None:
    data = b"# Steps\n\n1. Restart " + b"pod " * 262_144 + b"\n"
    assert len(data) > 1024 * 1024
    error = _refused(data, env)
    assert error.code == "RB002" and "max-bytes" in error.message
    artifact = _compile(data, env, RAISED)
    (step, _end) = artifact.steps
    lines = decode_source(data, RAISED.max_bytes).split("\n")
    assert step.source is not None and grounded(lines, step.source, step.text)


def test_thousands_of_headings_and_a_huge_table_compile(env: Environment) -> None:
    headings = b"".join(b"## Check %d\n\n" % i for i in range(5_000))
    artifact = _compile(headings, env, RAISED)
    assert not [d for d in artifact.diagnostics if d.code == "RB004"]
    table = b"# Steps\n\n| command | note |\n|---|---|\n" + b"| `oc get pods` | x |\n" * 20_000
    artifact = _compile(table, env, RAISED)
    assert not [d for d in artifact.diagnostics if d.code == "RB004"]


def test_list_cost_grows_linearly(env: Environment) -> None:
    def items(n: int) -> bytes:
        return b"# Notes\n\n" + b"".join(b"- item %d\n" % i for i in range(n))

    assert _scales_linearly(items, 2_000, env) < 6


def test_one_long_line_costs_linearly(env: Environment) -> None:
    def line(n: int) -> bytes:
        return b"# Steps\n\n1. If the pod " + b"is " * n + b"stuck, restart it.\n"

    assert _scales_linearly(line, 20_000, env) < 6


def test_step_count_cost_grows_linearly(env: Environment) -> None:
    def steps(n: int) -> bytes:
        return b"# Steps\n\n" + b"".join(b"1. Restart pod %d.\n" % i for i in range(n))

    assert _scales_linearly(steps, 800, env) < 6


def test_many_lists_between_headings_cost_linearly(env: Environment) -> None:
    """Each list is checked against the headings after it (a table of contents names later
    headings): one pass over the document, not a scan of the rest of it per list."""

    def lists(n: int) -> bytes:
        return b"# Notes\n\n" + b"".join(
            b"- note %d\n- see %d\n\n## Part %d\n\n" % (i, i, i) for i in range(n)
        )

    assert _scales_linearly(lists, 300, env) < 6


# --- bytes and characters --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "line"),
    [(b"\x00", 1), (b"# Steps\n\n1. Restart\x00 it.\n", 3), (b"# T\r\n\r\nx\x00", 3)],
)
def test_nul_bytes_are_refused_with_their_line(env: Environment, data: bytes, line: int) -> None:
    error = _refused(data, env)
    assert (error.code, error.line) == ("RB001", line)


def test_mixed_line_endings_and_a_bom_keep_lines_and_spans(env: Environment) -> None:
    data = (
        b"\xef\xbb\xbf---\r\nid: mixed\r---\n# Steps\r\n\r\n1. Restart the pod.\r"
        b"2. See the [docs](#steps).\n\n```bash\roc get pods -n x\r\n```\n"
    )
    artifact = _compile(data, env)
    lines = decode_source(data).split("\n")
    assert artifact.runbook.id == "mixed"
    lines_of = {step.text: step.source.line for step in artifact.steps if step.source}
    assert lines_of == {"Restart the pod.": 6, "oc get pods -n x": 10}
    for step in artifact.steps:
        if step.source is not None:
            assert text_at(lines, step.source) == normalise(step.text)
    plain = _compile(data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")[3:], env)
    assert [(s.id, s.source) for s in plain.steps] == [(s.id, s.source) for s in artifact.steps]


# --- look-alike tool names -------------------------------------------------------------------

HIDDEN = {"ZWSP": "\u200b", "ZWJ": "\u200d", "BOM": "\ufeff", "RLO": "\u202e", "WJ": "\u2060"}
CYRILLIC = {"o": "\u043e", "c": "\u0441", "e": "\u0435", "p": "\u0440", "a": "\u0430"}


def _look_alikes(word: str) -> list[str]:
    """The word with an invisible character inside, and with each Cyrillic homoglyph."""
    found = [word[:2] + char + word[2:] for char in HIDDEN.values()]
    found += [word[:1] + "\u202e" + word[1:][::-1]]  # reads as the word when displayed
    found += [word.replace(latin, cyrillic, 1) for latin, cyrillic in CYRILLIC.items()]
    return [f for f in found if f != word]


@pytest.fixture(scope="module")
def real_env() -> Environment:
    return Environment(
        load_registry(REPO / "runbooks_src" / "tools.yaml"),
        load_profiles(REPO / "runbooks_src" / "profiles.yaml"),
    )


def _bound(artifact: Artifact) -> list[str]:
    return [step.tool.name for step in artifact.steps if step.tool]


@pytest.mark.parametrize(
    "command",
    ["kubectl delete pod x -n y", "oc delete pod x -n y"],
)
def test_look_alike_commands_never_bind(real_env: Environment, command: str) -> None:
    genuine = _compile(f"# Steps\n\n```bash\n{command}\n```\n".encode(), real_env)
    assert _bound(genuine), "the genuine command binds (or the test proves nothing)"
    program, rest = command.split(" ", 1)
    verb, rest = rest.split(" ", 1)
    variants = [f"{p} {verb} {rest}" for p in _look_alikes(program)]
    variants += [f"{program} {v} {rest}" for v in _look_alikes(verb)]
    for variant in variants:
        for markdown in (f"```bash\n{variant}\n```", f"1. Run `{variant}`."):
            artifact = _compile(f"# Steps\n\n{markdown}\n".encode(), real_env)
            assert _bound(artifact) == [], f"{variant!r} was bound"


def test_look_alike_explicit_names_never_bind(real_env: Environment) -> None:
    name = "kubectl.delete_pod"
    genuine = _compile(f"# Steps\n\n1. Call `{name}`.\n".encode(), real_env)
    assert _bound(genuine) == [name]
    for variant in [*_look_alikes(name), name + "\u200b", "\u200b" + name]:
        artifact = _compile(f"# Steps\n\n1. Call `{variant}`.\n".encode(), real_env)
        assert _bound(artifact) == [], f"{variant!r} was bound"


def test_look_alike_aliases_never_bind(env: Environment) -> None:
    genuine = _compile(b"# Steps\n\n1. Evict the stuck pod.\n", env)
    assert _bound(genuine) == ["oc.delete_pod"]
    variants = [
        "Evict the stuc\u212a pod.",  # KELVIN SIGN lower-cases to an ASCII "k"
        "Evict the st\u200buck pod.",
        "Evict the stuck p\u043ed.",
        "\u0415vict the stuck pod.",
    ]
    for variant in variants:
        artifact = _compile(f"# Steps\n\n1. {variant}\n".encode(), env)
        assert _bound(artifact) == [], f"{variant!r} was bound"


@pytest.mark.parametrize("space", ["\u00a0", "\u2009", "\u3000"], ids=["NBSP", "thin", "ideo"])
def test_unicode_spaces_in_code_blocks_are_not_word_breaks(env: Environment, space: str) -> None:
    artifact = _compile(f"# Steps\n\n```bash\noc{space}delete pod x -n y\n```\n".encode(), env)
    assert _bound(artifact) == []


@pytest.mark.parametrize("space", ["\u00a0", "\u2009", "\u3000"], ids=["NBSP", "thin", "ideo"])
def test_unicode_spaces_in_inline_commands_are_not_word_breaks(
    env: Environment, space: str
) -> None:
    artifact = _compile(f"# Steps\n\n1. Run `oc{space}delete pod x -n y`.\n".encode(), env)
    assert _bound(artifact) == []


# --- YAML bombs, recursion and depth ----------------------------------------------------------

YAML_ATTACKS = {
    "billion-laughs": BILLION_LAUGHS,
    "recursive-alias": "a: &a [1, *a]\n",
    "recursive-mapping": "a: &a {b: *a}\n",
    "deep-flow": "a: " + "[" * 50_000 + "]" * 50_000 + "\n",
    "deep-block": "".join("  " * i + f"k{i}:\n" for i in range(MAX_DEPTH + 5)) + "  " * 40 + "x\n",
}
YAML_PROBLEMS = {
    "billion-laughs": "aliases expand to more than",
    "recursive-alias": "recursive alias",
    "recursive-mapping": "recursive alias",
    "deep-flow": "nested more than",
    "deep-block": "nested more than",
}


@pytest.mark.parametrize("attack", sorted(YAML_ATTACKS))
def test_yaml_attacks_in_front_matter_are_rb003_fast_and_small(
    env: Environment, attack: str
) -> None:
    data = f"---\n{YAML_ATTACKS[attack]}---\n# Steps\n\n1. Restart it.\n".encode()
    error = _refused(data, env)
    assert error.code == "RB003" and YAML_PROBLEMS[attack] in error.message
    assert _peak_memory(lambda: _compile(data, env)) < 20 * 1024 * 1024


def test_yaml_attack_in_inputs_is_refused(env: Environment) -> None:
    bomb = BILLION_LAUGHS.replace("i: &i", "inputs: &i")
    assert _refused(f"---\n{bomb}---\n# T\n".encode(), env).code == "RB003"


@pytest.mark.parametrize("attack", sorted(YAML_ATTACKS))
@pytest.mark.parametrize("target", ["tools.yaml", "profiles.yaml"])
def test_yaml_attacks_in_registry_and_profiles_are_clear_errors(
    tmp_path: Path, attack: str, target: str
) -> None:
    path = tmp_path / target
    path.write_text(YAML_ATTACKS[attack].replace("a:", "version: 1\ntools: []\na:", 1))
    load = load_registry if target == "tools.yaml" else load_profiles
    with pytest.raises(RegistryError, match=YAML_PROBLEMS[attack]):
        load(path)
    assert _peak_memory(lambda: load(path)) < 20 * 1024 * 1024


def test_registry_bomb_inside_a_tool_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "tools.yaml"
    body = BILLION_LAUGHS.replace("i: &i", "x-unused: &i")
    path.write_text(
        f"{body}version: 1\ntools:\n  - {{name: a.b, description: d, effect: read, "
        "permission: p, params: {type: object, enum: *i}}\n"
    )
    with pytest.raises(RegistryError, match="aliases expand"):
        load_registry(path)


def test_ordinary_anchors_and_aliases_still_load(env: Environment, tmp_path: Path) -> None:
    data = (
        b"---\nowner: &team team-payments\nescalation: {role: *team}\n"
        b"inputs:\n  ns: &str {type: string}\n  pod: *str\n---\n# Steps\n\n1. Page the on-call.\n"
    )
    artifact = _compile(data, env)
    assert artifact.runbook.escalation is not None
    assert artifact.runbook.escalation.role == "team-payments"
    assert set(artifact.inputs) == {"ns", "pod"}
    registry = tmp_path / "tools.yaml"
    registry.write_text(
        "version: 1\ntools:\n"
        "  - {name: a.b, description: d, effect: &e read, permission: &p r}\n"
        "  - {name: a.c, description: d, effect: *e, permission: *p}\n"
    )
    assert set(load_registry(registry).tools) == {"a.b", "a.c"}


@pytest.mark.parametrize(
    ("params", "problem"),
    [
        ("{$ref: '#/$defs/nope'}", "points to nothing"),
        ("{$ref: 'https://example.com/schema.json'}", "is not local"),
        ("{$ref: '#'}", "cycle"),
        ("{allOf: [{$ref: '#'}]}", "cycle"),
        ("{properties: {x: {$ref: '#/properties/x'}}}", "cycle"),
    ],
)
def test_params_schemas_that_cannot_be_evaluated_are_refused(
    tmp_path: Path, params: str, problem: str
) -> None:
    path = tmp_path / "tools.yaml"
    path.write_text(
        "version: 1\ntools:\n  - name: oc.get\n    description: d\n    effect: read\n"
        f"    permission: p\n    commands: ['oc get {{x}}']\n    params: {params}\n"
    )
    with pytest.raises(RegistryError, match=problem):
        load_registry(path)


def test_recursive_params_schemas_that_descend_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "tools.yaml"
    path.write_text(
        "version: 1\ntools:\n  - name: oc.get\n    description: d\n    effect: read\n"
        "    permission: p\n    commands: ['oc get {x}']\n"
        "    params: {$defs: {s: {type: string}}, properties: {x: {$ref: '#/$defs/s'}, "
        "child: {$ref: '#'}}}\n"
    )
    assert "oc.get" in load_registry(path).tools


# --- through the command line: exit 2, the code, and nothing written --------------------------


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "runbooks"
    with_registry(root)
    (root / "ok.md").write_text("# Steps\n\n```console\n$ oc get pods\n```\n")
    return root


@pytest.mark.parametrize(
    ("content", "code", "message"),
    [
        (b"# Steps\n\n1. Restart " + b"pod " * 262_144 + b"\n", "RB002", "max-bytes"),
        (b"# Steps\n\nx\x00y\n", "RB001", "NUL byte"),
        (f"---\n{BILLION_LAUGHS}---\n# T\n".encode(), "RB003", "aliases expand"),
        (b"---\na: " + b"[" * 50_000 + b"\n---\n# T\n", "RB003", "nested more than"),
    ],
    ids=["one-megabyte-line", "nul", "billion-laughs", "deep-yaml"],
)
def test_cli_refuses_pathological_runbooks_and_writes_nothing(
    project: Path, content: bytes, code: str, message: str
) -> None:
    (project / "bad.md").write_bytes(content)
    out = project.parent / "out"
    result = runner.invoke(app, ["compile", str(project), "--out", str(out), "--no-cache"])
    assert result.exit_code == 2
    assert f" {code} " in result.output and message in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


@pytest.mark.parametrize("target", ["tools.yaml", "profiles.yaml"])
def test_cli_refuses_a_yaml_bomb_registry_and_writes_nothing(project: Path, target: str) -> None:
    (project / target).write_text(f"version: 1\n{BILLION_LAUGHS}")
    out = project.parent / "out"
    result = runner.invoke(app, ["compile", str(project), "--out", str(out), "--no-cache"])
    assert result.exit_code == 2
    assert f"{target}: " in result.output and "aliases expand" in result.output
    assert not out.exists()


def test_cli_compiles_a_one_megabyte_line_when_the_cap_is_raised(project: Path) -> None:
    (project / "big.md").write_bytes(b"# Steps\n\n1. Restart " + b"pod " * 262_144 + b"\n")
    (project / "runbookc.toml").write_text("max-bytes = 4194304\n")
    out = project.parent / "out"
    result = runner.invoke(app, ["compile", str(project), "--out", str(out), "--no-cache"])
    assert result.exit_code == 0, result.output
    assert (out / "big.json").is_file() and (out / "ok.json").is_file()


# --- the runtime loader: deep JSON is refused, never a RecursionError -------------------------


@pytest.mark.parametrize("depth", [100, 600, 100_000])
def test_the_loader_refuses_deeply_nested_json(tmp_path: Path, depth: int) -> None:
    artifact = json.loads((REPO / "compiled" / "etcd-defrag.json").read_text())
    artifact["inputs"] = {"x": {"type": "string", "default": "LEAF"}}
    text = json.dumps(artifact).replace('"LEAF"', "[" * depth + "]" * depth)
    path = tmp_path / "deep.json"
    path.write_text(text)
    with pytest.raises(ArtifactSchemaError, match="nested over"):
        read_artifact(path)


def test_front_matter_at_the_nesting_limit_compiles_to_a_loadable_artifact(
    env: Environment, tmp_path: Path
) -> None:
    deepest = "[" * (MAX_DEPTH - 3) + "x" + "]" * (MAX_DEPTH - 3)  # 3 maps hold it
    data = f"---\ninputs: {{ns: {{type: string, default: {deepest}}}}}\n---\n# Steps\n\n"
    data += "1. Restart the pod in $ns.\n"
    artifact = _compile(data.encode(), env)
    path = tmp_path / "a.json"
    path.write_text(canonical_json(artifact))
    assert read_artifact(path).inputs["ns"]["type"] == "string"
    deeper = data.replace("[x]", "[[x]]")
    assert _refused(deeper.encode(), env).code == "RB003"


DEEP_TOML = "x = " + "[" * 5_000 + "]" * 5_000 + "\n"


def test_deeply_nested_sidecar_config_and_tool_list_are_clear_errors(project: Path) -> None:
    (project / "ok.signoffs.toml").write_text(DEEP_TOML)
    result = runner.invoke(app, ["check", str(project / "ok.md"), "--no-cache"])
    # That file's fatal finding (exit 1): a bad file never stops the others being checked.
    assert result.exit_code == 1 and " RB904 " in result.output and "nested" in result.output
    (project / "ok.signoffs.toml").unlink()
    (project / "runbookc.toml").write_text(DEEP_TOML.replace("x =", "select ="))
    result = runner.invoke(app, ["check", str(project / "ok.md"), "--no-cache"])
    assert result.exit_code == 2 and "cannot read configuration" in result.output
    (project / "spec.json").write_text("[" * 100_000)
    out = project / "imported.yaml"
    result = runner.invoke(app, ["tools", "import", str(project / "spec.json"), "--out", str(out)])
    assert result.exit_code == 2 and "nested too deeply" in result.output
    assert not out.exists() and "Traceback" not in result.output


def test_compile_check_against_a_deeply_nested_artifact_reports_drift(project: Path) -> None:
    out = project.parent / "out"
    out.mkdir()
    (out / "ok.json").write_text("[" * 100_000)
    result = runner.invoke(
        app, ["compile", str(project / "ok.md"), "--out", str(out), "--check", "--no-cache"]
    )
    assert result.exit_code == 1, result.output
    assert "ok.json: out of date (artifact unreadable)" in result.output
