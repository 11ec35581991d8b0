"""Property tests through the whole pipeline: random markdown, front matter and registries.

Whatever the input, compiling either gives an artifact or a documented fatal diagnostic
(RB001-RB005; exit 2 on the command line), never another exception; every step's text is
found at its source span; every bound tool is in the registry; the artifact passes the
runtime loader's checks; and compiling twice gives identical bytes.

Runs are derandomized so CI is reproducible. For a longer, random search locally:
`RUNBOOKC_HYPOTHESIS_EXAMPLES=5000 pytest tests/test_properties.py`.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from compiler.cli import app
from compiler.emit import canonical_json
from compiler.models import Artifact
from compiler.parse import SourceError, decode_source, normalise, text_at
from compiler.pipeline import Environment, SourceFile, compile_bytes
from compiler.registry import Registry, RegistryError, load_registry
from compiler.rules import all_rules
from compiler.runtime import ArtifactError, read_artifact

from .conftest import FIXTURES, REPO

FATAL_SOURCE_CODES = {"RB001", "RB002", "RB003", "RB005"}
SOURCE = SourceFile(Path("runbook.md"), "runbook.md", "runbook.md", "runbook.json")
_EXAMPLES = int(os.environ.get("RUNBOOKC_HYPOTHESIS_EXAMPLES", "0"))
_HEALTH = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture]


def _settings(examples: int) -> settings:
    return settings(
        max_examples=_EXAMPLES or examples,
        deadline=None,
        derandomize=not _EXAMPLES,
        database=None,
        suppress_health_check=_HEALTH,
    )


REAL_REGISTRY = load_registry(REPO / "runbooks_src" / "tools.yaml")
TEST_REGISTRY = load_registry(FIXTURES / "tools.yaml")
ARTIFACTS = Path(tempfile.mkdtemp(prefix="runbookc-properties-"))

# --- markdown building blocks ----------------------------------------------------------------

VOCABULARY = [
    *[
        "restart",
        "check",
        "delete",
        "scale",
        "the",
        "pod",
        "pods",
        "node",
        "service",
        "database",
        "if",
        "when",
        "needed",
        "high",
        "wait",
        "until",
        "it",
        "recovers",
        "page",
        "on-call",
        "AE",
        "usual",
        "dashboard",
        "then",
        "go",
        "to",
        "step",
        "3",
        "otherwise",
        "escalate",
        "verify",
        "latency",
        "is",
        "above",
        "500ms",
        "for",
        "5m",
        "safely",
        "you",
        "can",
        "should",
    ],
    "if needed",
    "as appropriate",
    "wait until it recovers",
    "ping the AE",
    "evict the stuck pod",
    "page the on-call",
    "go to step 2",
    "$NAMESPACE",
    "<pod>",
    "{{cluster}}",
    "**bold**",
    "_em_",
    "[docs](https://example.com)",
    "[back](#steps)",
    "\\*",
    "&amp;",
]
ODD_CHARACTERS = "\u200b\u202e\u00a0\ufeff\u0430\u212a\t#*_`[]()<>|\\!$&;:'\"{}~=-+.1é中"
word = st.one_of(
    st.sampled_from(VOCABULARY),
    st.text(alphabet=st.sampled_from("abcxyz" + ODD_CHARACTERS), min_size=1, max_size=6),
)


_CAPTURE = re.compile(r"\{[a-z_][a-z0-9_]*[?*]?\}")


def _instantiate(pattern: str, draw: st.DrawFn) -> str:
    """A command line that a registry argv pattern (`oc get {resource} -n|--namespace {ns}`)
    matches, or nearly matches."""
    out: list[str] = []
    tokens = pattern.split()
    index = 0
    while index < len(tokens):
        token = tokens[index]
        index += 1
        if token.startswith("-"):
            following = tokens[index] if index < len(tokens) else ""
            has_value = bool(_CAPTURE.fullmatch(following))
            index += has_value
            if draw(st.booleans()):
                out.append(draw(st.sampled_from(token.split("|"))))
                if has_value:
                    out.append(draw(_argument))
        elif _CAPTURE.fullmatch(token):
            count = {"?": (0, 1), "*": (0, 2)}.get(token[-2], (1, 1))
            out += [draw(_argument) for _ in range(draw(st.integers(*count)))]
        else:
            out.append(draw(st.sampled_from(token.split("|"))))
    return " ".join(out)


_argument = st.one_of(
    st.sampled_from(["api-0", "$NAMESPACE", "<pod>", "3", "x", "'a b'", '"q"', "{{ns}}"]),
    st.from_regex(r"[a-z0-9][a-z0-9-]{0,8}", fullmatch=True),
)
PATTERNS = sorted(p.source for t in REAL_REGISTRY.tools.values() for p in t.patterns) + sorted(
    p.source for t in TEST_REGISTRY.tools.values() for p in t.patterns
)
TOOL_NAMES = sorted({*REAL_REGISTRY.tools, *TEST_REGISTRY.tools})


@st.composite
def shell_command(draw: st.DrawFn, patterns: list[str] = PATTERNS) -> str:
    """A command from a registry pattern, or random words, with shell decorations."""
    if patterns and draw(st.integers(0, 3)):
        command = _instantiate(draw(st.sampled_from(patterns)), draw)
    else:
        command = " ".join(draw(st.lists(word, min_size=1, max_size=5)))
    decoration = draw(
        st.sampled_from(["", " | grep x", " | jq .", " && oc get pods", " > out.txt", " \\", " #"])
    )
    prefix = draw(st.sampled_from(["", "", "$ ", "sudo ", "NS=x ", "# "]))
    return prefix + command + decoration


@st.composite
def inline(draw: st.DrawFn) -> str:
    """One line of prose: words, inline code naming tools or commands, emphasis, links."""
    parts = draw(st.lists(word, min_size=1, max_size=8))
    if draw(st.booleans()):
        code = draw(
            st.one_of(
                st.sampled_from(TOOL_NAMES),
                st.sampled_from(["billing.refund", "check_stripe", "kube\u200bctl.get"]),
                shell_command(),
            )
        )
        at = draw(st.integers(0, len(parts)))
        parts.insert(at, f"`{code.replace('`', '')}`")
    lead = draw(st.sampled_from(["", "", "If the pod is stuck, ", "Then ", "Call "]))
    return lead + " ".join(parts)


def fenced(commands: list[str], language: str, fence: str = "```") -> list[str]:
    return [fence + language, *commands, fence]


@st.composite
def code_block(draw: st.DrawFn, patterns: list[str] = PATTERNS) -> list[str]:
    language = draw(st.sampled_from(["bash", "console", "", "sh", "text", "yaml", "promql"]))
    commands = draw(st.lists(shell_command(patterns), min_size=1, max_size=4))
    if draw(st.integers(0, 5)) == 0:
        return ["    " + c for c in commands]  # indented code block
    return fenced(commands, language, draw(st.sampled_from(["```", "~~~", "````"])))


@st.composite
def list_block(draw: st.DrawFn, depth: int = 0) -> list[str]:
    ordered = draw(st.booleans())
    lines: list[str] = []
    start = draw(st.integers(0, 3))
    for number in range(start, start + draw(st.integers(1, 4))):
        marker = f"{number}." if ordered else draw(st.sampled_from("-*+"))
        lines.append(f"{marker} {draw(inline())}")
        indent = " " * (len(marker) + 1)
        inside = draw(st.integers(0, 6 if depth < 3 else 2))
        if inside == 1:
            lines += [indent + line for line in draw(list_block(depth + 1))]
        elif inside == 2:
            lines += [indent + line for line in draw(code_block())]
        elif inside == 3:
            lines.append(indent + draw(inline()))  # continuation line
    return lines


@st.composite
def table(draw: st.DrawFn) -> list[str]:
    columns = draw(st.integers(1, 3))
    rows = [
        "| " + " | ".join(draw(inline()).replace("|", "/") for _ in range(columns)) + " |"
        for _ in range(draw(st.integers(0, 3)))
    ]
    return ["| " + " | ".join(["h"] * columns) + " |", "|" + "---|" * columns, *rows]


@st.composite
def block(draw: st.DrawFn, depth: int = 0) -> list[str]:
    kind = draw(st.integers(0, 8 if depth < 2 else 6))
    if kind == 0:
        return [f"{'#' * draw(st.integers(1, 6))} {draw(inline())}"]
    if kind in (1, 2):
        return draw(st.lists(inline(), min_size=1, max_size=3))
    if kind == 3:
        return draw(list_block())
    if kind == 4:
        return draw(code_block())
    if kind == 5:
        return draw(table())
    if kind == 6:
        return [draw(st.sampled_from(["---", "***", "<div>x</div>", "<!-- c -->", "[d]: /x"]))]
    quoted = draw(block(depth + 1))
    return [(">" + draw(st.sampled_from([" ", ""])) + line).rstrip() for line in quoted]


SECTION_TITLES = ["Steps", "Diagnosis", "Mitigation", "Impact", "Meaning", "If it fails"]


@st.composite
def markdown(draw: st.DrawFn) -> str:
    lines: list[str] = []
    for _ in range(draw(st.integers(1, 6))):
        if draw(st.integers(0, 3)) == 0:
            lines.append(f"## {draw(st.sampled_from(SECTION_TITLES))}")
        lines += draw(block())
        lines.append("" if draw(st.integers(0, 4)) else draw(st.sampled_from([" ", "\t", ">"])))
    return "\n".join(lines) + "\n"


# --- front matter ----------------------------------------------------------------------------

yaml_scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 1, 1)),
)
yaml_value = st.recursive(
    yaml_scalar,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)
KNOWN_FIELDS = {
    "id": st.from_regex(r"[a-z][a-z0-9-]{0,12}", fullmatch=True) | yaml_value,
    "title": st.text(max_size=20) | yaml_value,
    "owner": st.sampled_from(["team-payments", "alice", "", "oncall"]) | yaml_value,
    "service": st.text(max_size=10),
    "applies_to": st.sampled_from([">=4.2", "4.x"]),
    "last_reviewed": st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)) | yaml_value,
    "executor": st.sampled_from(["oncall-sre", "oncall-admin", "nobody"]) | yaml_value,
    "escalation": st.fixed_dictionaries(
        {"role": st.sampled_from(["payments-oncall-secondary", "x"])},
        optional={"after": st.sampled_from(["15m", "1h", "soon", 5])},
    )
    | yaml_value,
    "inputs": st.dictionaries(
        st.sampled_from(["namespace", "pod", "NAMESPACE", "cluster"]),
        st.none()
        | st.fixed_dictionaries(
            {"type": st.sampled_from(["string", "integer"])},
            optional={"description": st.text(max_size=15)},
        )
        | yaml_value,
        max_size=3,
    )
    | st.lists(st.sampled_from(["namespace", "pod"]), max_size=2)
    | yaml_value,
    "contacts": st.dictionaries(st.sampled_from(["AE", "DBA"]), st.none() | st.text(max_size=8))
    | yaml_value,
}


@st.composite
def front_matter(draw: st.DrawFn) -> str:
    """A YAML front matter block: known fields with plausible or random values, unknown
    keys, or text that is not valid YAML at all."""
    kind = draw(st.integers(0, 5))
    if kind == 0:
        body = draw(st.text(alphabet=st.sampled_from(":-[]{}&*!|>'\"# \nabc1é"), max_size=40))
    elif kind == 1:
        body = yaml.safe_dump(draw(yaml_value), allow_unicode=True)
    else:
        fields = draw(
            st.dictionaries(
                st.sampled_from(sorted(KNOWN_FIELDS)), st.just(None), min_size=1, max_size=6
            )
        )
        mapping: dict[str, Any] = {name: draw(KNOWN_FIELDS[name]) for name in fields}
        if draw(st.booleans()):
            mapping[draw(st.text(min_size=1, max_size=6))] = draw(yaml_value)
        body = yaml.safe_dump(mapping, allow_unicode=True, sort_keys=False)
    closer = draw(st.sampled_from(["---", "---", "...", ""]))
    return f"---\n{body}{closer}\n" if closer else f"---\n{body}"


@st.composite
def runbook_bytes(draw: st.DrawFn) -> bytes:
    text = draw(markdown())
    if draw(st.integers(0, 2)) == 0:
        text = draw(front_matter()) + text
    newline = draw(st.sampled_from(["\n", "\n", "\r\n", "\r"]))
    data = text.replace("\n", newline).encode("utf-8")
    if draw(st.integers(0, 9)) == 0:
        data = b"\xef\xbb\xbf" + data
    return data


# --- invariants ------------------------------------------------------------------------------


def compile_or_fatal(data: bytes, env: Environment) -> Artifact | SourceError:
    """The artifact, or the documented fatal error; any other exception fails the test."""
    try:
        artifact = compile_bytes(data, SOURCE, env)
    except SourceError as error:
        event(f"fatal {error.code}")
        assert error.code in FATAL_SOURCE_CODES, f"undocumented fatal code {error.code}"
        assert error.message and "\n" not in error.message
        return error
    bound = any(step.tool for step in artifact.steps)
    event(f"steps: {min(len(artifact.steps), 5)}, bound: {bound}")
    return artifact


def check_invariants(data: bytes, artifact: Artifact, env: Environment) -> None:
    lines = decode_source(data, env.config.max_bytes).split("\n")
    rules = all_rules()
    for step in artifact.steps:
        if step.source is not None:
            assert text_at(lines, step.source) == normalise(step.text), f"ungrounded {step.id}"
        if step.tool is not None:
            assert step.tool.name in env.registry.tools, f"hallucinated {step.tool.name}"
    for diagnostic in artifact.diagnostics:
        assert diagnostic.code in rules
        assert "\n" not in diagnostic.message, diagnostic
        if diagnostic.path == artifact.runbook.source_path:
            assert 1 <= diagnostic.line <= diagnostic.end_line <= len(lines), diagnostic
    if artifact.steps:
        path = ARTIFACTS / "artifact.json"
        path.write_text(canonical_json(artifact), encoding="utf-8")
        try:
            read_artifact(path)
        except ArtifactError as error:
            pytest.fail(f"the runtime loader refuses the artifact: {error.reason}")


def check_deterministic(data: bytes, artifact: Artifact, env: Environment) -> None:
    again = compile_bytes(data, SOURCE, env)
    assert canonical_json(again) == canonical_json(artifact)


@pytest.fixture(scope="module")
def real_env() -> Environment:
    from compiler.registry import load_profiles

    return Environment(REAL_REGISTRY, load_profiles(REPO / "runbooks_src" / "profiles.yaml"))


@_settings(200)
@given(data=runbook_bytes())
@example(data=b"\xef\xbb\xbf---\n---\n    amtool alert \\\n    >\n \n")  # `>` is content
@example(data=b"# S\n\n```bash\noc get pods \\\n  > out.txt\n```\n")
@example(data=b"# S\n\n> > Restart the pod\n> > now.\n\n> 1. Restart it\n>    again.\n")
def test_random_runbooks_compile_grounded_and_deterministic(
    real_env: Environment, data: bytes
) -> None:
    result = compile_or_fatal(data, real_env)
    if isinstance(result, Artifact):
        check_invariants(data, result, real_env)
        check_deterministic(data, result, real_env)


@_settings(100)
@given(matter=front_matter(), body=st.sampled_from(["# Steps\n\n1. Restart the pod.\n", ""]))
@example(matter="---\ncontacts:\n  ? '\n\n    '\n  : false\n---\n", body="")  # key "\n"
@example(matter="---\ninputs: {x: {d: !!binary /w==}}\n---\n", body="")
@example(matter="---\nid: &a [*a]\n---\n", body="")
def test_random_front_matter_is_metadata_or_rb003(env: Environment, matter: str, body: str) -> None:
    data = (matter + body).encode("utf-8")
    result = compile_or_fatal(data, env)
    if isinstance(result, SourceError):
        assert result.code in {"RB003", "RB005"}, result.message
    else:
        check_invariants(data, result, env)
        check_deterministic(data, result, env)


@_settings(100)
@given(data=st.binary(max_size=300) | runbook_bytes().map(lambda b: b[:150] + b"\xff" + b[150:]))
def test_random_bytes_never_raise_anything_undocumented(env: Environment, data: bytes) -> None:
    result = compile_or_fatal(data, env)
    if isinstance(result, Artifact):
        check_invariants(data, result, env)


def test_step_ids_stay_unique_when_a_suffix_matches_another_steps_id(env: Environment) -> None:
    data = b"# Steps\n\n1. Restart it.\n2. Restart it.\n3. Restart it 2.\n"
    artifact = compile_bytes(data, SOURCE, env)
    ids = [step.id for step in artifact.steps]
    assert len(set(ids)) == len(ids), ids


# --- random registries -------------------------------------------------------------------------

CAPTURES = ["name", "namespace", "args", "x"]
PARAM_SCHEMAS = [
    {"type": "string"},
    {"type": "string", "pattern": "^[a-z0-9-]+$"},
    {"type": "string", "minLength": 3},
    {"type": "integer"},
    {"enum": ["a", "b"]},
    {"$ref": "#/$defs/s"},
]
BROKEN_PARAM_SCHEMAS = [
    {"type": "nope"},
    {"type": "string", "pattern": "("},
    {"$ref": "#/$defs/missing"},
    {"$ref": "https://example.com/s.json"},
    {"$ref": "#/properties/x"},
    {"allOf": [{"$ref": "#"}]},
]


@st.composite
def command_pattern(draw: st.DrawFn) -> str:
    """A registry argv pattern: mostly well formed, sometimes not."""
    tokens = [draw(st.sampled_from(["oc", "kubectl", "dupctl", "psql"]))]
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.integers(0, 19))
        if kind < 6:
            tokens.append(draw(st.sampled_from(["get", "delete", "pod|pods", "rollout", "status"])))
        elif kind < 12:
            capture = draw(st.sampled_from(CAPTURES)) + draw(st.sampled_from(["", "?", "*"]))
            tokens.append("{" + capture + "}")
        elif kind < 15:
            tokens += ["-n|--namespace", "{namespace}"]
        elif kind < 18:
            tokens.append(draw(st.sampled_from(["--force", "-A"])))
        elif kind == 18:
            tokens.append(draw(st.sampled_from(["{", "{Bad}", "|", "x|", "-", "{a b}"])))
        else:
            tokens[0] = draw(st.sampled_from(["-x", "{p}", "oc"]))
    return " ".join(tokens)


@st.composite
def params_schema(draw: st.DrawFn, captured: list[str]) -> dict[str, Any]:
    """A params schema over the arguments the tool's patterns capture (and others)."""
    broken = draw(st.integers(0, 2)) == 0
    choices = PARAM_SCHEMAS + (BROKEN_PARAM_SCHEMAS if broken else [])
    names = st.sampled_from(sorted({*captured, *CAPTURES}))
    properties = draw(st.dictionaries(names, st.sampled_from(choices), max_size=3))
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if draw(st.booleans()):
        schema["required"] = draw(st.lists(st.sampled_from(CAPTURES), max_size=2, unique=True))
    if draw(st.integers(0, 4)):
        schema["$defs"] = {"s": {"type": "string", "minLength": 2}}
    return schema


@st.composite
def tool_entry(draw: st.DrawFn, name: str) -> dict[str, Any]:
    """A registry entry; with some probability one field is made invalid."""
    entry: dict[str, Any] = {
        "name": name,
        "description": "Does a thing.",
        "effect": draw(st.sampled_from(["read", "write", "destructive"])),
        "permission": draw(st.sampled_from(["cluster-read", "cluster-write", "pager"])),
        "commands": draw(
            st.lists(command_pattern(), min_size=draw(st.integers(0, 4)) > 0, max_size=2)
        ),
    }
    if draw(st.booleans()):
        captured = re.findall(r"\{([a-z_]+)[?*]?\}", " ".join(entry["commands"]))
        entry["params"] = draw(params_schema(captured))
    if draw(st.integers(0, 3)) == 0:
        entry["aliases"] = draw(
            st.lists(
                st.sampled_from(["evict the stuck pod", "page the on-call", "pod list"]),
                max_size=2,
                unique=True,
            )
        )
    if draw(st.integers(0, 3)) == 0:
        entry["requires_approval"] = draw(st.booleans())
    if draw(st.integers(0, 5)) == 0:
        entry["deprecated"] = draw(st.sampled_from([True, False, {"replacement": "oc.get"}]))
    if draw(st.integers(0, 9)) == 0:
        field = draw(
            st.sampled_from(["name", "description", "effect", "permission", "params", "x"])
        )
        entry[field] = draw(
            st.sampled_from(["", "Oc.Get", "kube\u200bctl.x", "explode", 3, None, [], {"type": 7}])
        )
    return entry


TOOL_NAME = st.sampled_from(
    [
        "oc.get",
        "oc.delete",
        "kube.get",
        "dup.one",
        "dup.two",
        "db.query",
        "a-b.c_d",
    ]
)


@st.composite
def registry_text(draw: st.DrawFn) -> str:
    """tools.yaml text: usually a schema-valid registry, sometimes broken YAML or shapes."""
    kind = draw(st.integers(0, 19))
    if kind == 0:
        return draw(st.text(alphabet=st.sampled_from(":-[]{}&* \nabc"), max_size=30))
    if kind == 1:
        return yaml.safe_dump(draw(yaml_value), allow_unicode=True)
    names = draw(st.lists(TOOL_NAME, min_size=1, max_size=5, unique=kind != 2))
    document: dict[str, Any] = {
        "version": 1 if kind != 3 else 2,
        "tools": [draw(tool_entry(name)) for name in names],
    }
    if draw(st.booleans()):
        document["programs"] = {"oc": {"value_flags": ["-n", "--namespace"]}}
    if draw(st.booleans()):
        document["filters"] = ["grep", "jq"]
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False)


@_settings(150)
@given(text=registry_text(), data=st.data())
def test_random_registries_load_or_fail_cleanly_and_bind_only_their_tools(
    text: str, data: st.DataObject
) -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "tools.yaml"
        path.write_text(text, encoding="utf-8")
        try:
            registry = load_registry(path)
        except RegistryError as error:
            event("registry refused: " + str(error).split(": ", 1)[1][:50])
            assert str(error).startswith(str(path)) and "\n" not in str(error)
            return
    patterns = sorted(p.source for t in registry.tools.values() for p in t.patterns)
    event(f"registry loaded, patterns: {min(len(patterns), 3)}")
    assert isinstance(registry, Registry)
    # One plain command per pattern, so every tool's binding and params are exercised, then
    # decorated code blocks and prose.
    plain = ["$ " + _instantiate(pattern, data.draw) for pattern in patterns]
    commands = [fenced(plain, "console"), *data.draw(st.lists(code_block(patterns), max_size=2))]
    prose = data.draw(st.lists(inline(), max_size=3))
    text_lines = ["# Steps", "", *[line for c in commands for line in [*c, ""]]]
    text_lines += [f"{n}. {line}" for n, line in enumerate(prose, 1)]
    runbook = ("\n".join(text_lines) + "\n").encode("utf-8")
    env = Environment(registry)
    result = compile_or_fatal(runbook, env)
    assert isinstance(result, Artifact), "a runbook without front matter cannot be fatal"
    check_invariants(runbook, result, env)
    check_deterministic(runbook, result, env)


# --- through the command line ------------------------------------------------------------------

runner = CliRunner()
FIXTURE_OPTIONS = [
    *("--registry", str(FIXTURES / "tools.yaml")),
    *("--profiles", str(FIXTURES / "profiles.yaml")),
]
_FATAL_LINE = re.compile(r":\d+:\d+: (RB\d{3}) ")


@_settings(30)
@given(data=runbook_bytes() | st.binary(max_size=80))
def test_cli_exits_2_only_on_documented_input_errors(
    env: Environment, tmp_path_factory: pytest.TempPathFactory, data: bytes
) -> None:
    root = tmp_path_factory.mktemp("cli")
    (root / "runbook.md").write_bytes(data)
    out = root / "out"
    expected = compile_or_fatal(data, env)
    result = runner.invoke(
        app,
        ["compile", str(root / "runbook.md"), "--out", str(out), "--no-cache", *FIXTURE_OPTIONS],
    )
    assert "Traceback" not in result.output
    if isinstance(expected, SourceError):
        assert result.exit_code == 2, result.output
        assert _FATAL_LINE.findall(result.output) == [expected.code]
        assert not out.exists()
    else:
        assert result.exit_code == 0, result.output
        written = (out / "runbook.json").read_text("utf-8")
        assert written == canonical_json(expected)
        check = runner.invoke(
            app,
            ["check", str(root / "runbook.md"), "--format", "json", "--no-cache", *FIXTURE_OPTIONS],
        )
        assert check.exit_code in (0, 1) and "Traceback" not in check.output


# --- the atheris harness (tests/fuzz) stays runnable ---------------------------------------------


def _harness() -> ModuleType:
    path = Path(__file__).parent / "fuzz" / "atheris_compile.py"
    spec = importlib.util.spec_from_file_location("atheris_compile", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_atheris_harness_replays_seeds_and_regressions(tmp_path: Path) -> None:
    harness = _harness()
    seeds = [b"\x00" + p.read_bytes() for p in sorted((REPO / "runbooks_src").glob("*.md"))]
    seeds += [
        b"\x01---\nid: &a [*a]\n---\n",
        b"\x00# S\n\n```bash\noc get pods \\\n  > out.txt\n```\n",
        b"\x01" + b"> " * 5_000 + b"x\n",
        b"",
        b"\x00\x00",
    ]
    for seed in seeds:
        harness.check_one(seed)
    (tmp_path / "crash-1").write_bytes(b"\x00---\ninputs: {x: {d: !!binary /w==}}\n---\n")
    assert harness.main(["atheris_compile.py", "--replay", str(tmp_path)]) == 0


def test_atheris_harness_says_how_to_install_atheris(capsys: pytest.CaptureFixture[str]) -> None:
    harness = _harness()
    if harness._atheris() is not None:
        pytest.skip("atheris is installed")
    assert harness.main(["atheris_compile.py", "corpus"]) == 2
    assert "pip install atheris" in capsys.readouterr().err


# --- determinism across processes ----------------------------------------------------------------


def test_artifacts_are_identical_across_processes_and_hash_seeds(tmp_path: Path) -> None:
    """Set and dict orders that depend on PYTHONHASHSEED must never reach an artifact."""
    tree = tmp_path / "runbooks"
    for corpus in (REPO / "runbooks_src", FIXTURES / "rules", REPO / "evals" / "cases"):
        for path in sorted(corpus.rglob("*.md")):
            target = tree / corpus.name / path.relative_to(corpus)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / f"out-{seed}"
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "compiler",
                "compile",
                str(tree),
                "--out",
                str(out),
                "--no-cache",
                *FIXTURE_OPTIONS,
            ],
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, "PYTHONHASHSEED": seed},
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        outputs.append({p.relative_to(out): p.read_bytes() for p in out.rglob("*.json")})
    assert len(outputs[0]) > 40
    assert outputs[0] == outputs[1]
