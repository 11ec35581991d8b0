"""Tool registry and executor profiles: load, validate against JSON Schema, match commands."""

from __future__ import annotations

import difflib
import hashlib
import json
import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

if TYPE_CHECKING:
    import jsonschema

    from compiler.models import Effect

MAX_FILE_BYTES = 16 * 1024 * 1024
"""Largest registry or profiles file read (the real registry is well under 1 MiB)."""


class RegistryError(Exception):
    """The registry or profiles file is unreadable or invalid (exit 2)."""


@dataclass(frozen=True)
class Deprecation:
    """A tool that should no longer be used, and what replaces it."""

    replacement: str | None
    reason: str | None


@dataclass(frozen=True)
class Pattern:
    """A compiled argv pattern such as `oc get {resource} {name?} -n|--namespace {namespace}`."""

    source: str
    program: str
    positionals: tuple[tuple[str, ...] | str, ...]
    option_captures: dict[str, str]
    required_options: tuple[tuple[str, ...], ...]

    @property
    def specificity(self) -> int:
        literals = sum(1 for token in self.positionals if isinstance(token, tuple))
        return literals + len(self.required_options)


ArgumentErrors = tuple[tuple[str | None, str], ...]
"""(top-level argument or None, message) of each way arguments fail a params schema."""


@dataclass(frozen=True)
class Tool:
    """One registry entry."""

    name: str
    description: str
    effect: Effect
    permission: str
    aliases: tuple[str, ...] = ()
    patterns: tuple[Pattern, ...] = ()
    params: dict[str, Any] = field(default_factory=dict)
    requires_approval: bool = False
    deprecated: Deprecation | None = None
    reviewed: bool = True
    agent_params: frozenset[str] = frozenset()
    """Parameters the agent may set although the runbook did not write them (`--tail`)."""

    @cached_property
    def validator(self) -> jsonschema.Draft202012Validator:
        """The params schema's validator, built once per tool."""
        import jsonschema  # loaded by the first argument check, not by every command

        return jsonschema.Draft202012Validator(self.params)

    def argument_errors(self, args: dict[str, str]) -> ArgumentErrors:
        """(top-level argument or None, message) of each way `args` fails the params schema,
        in message order; remembered per distinct arguments, which runbooks repeat a lot."""
        key = tuple(sorted(args.items()))
        if key not in self._argument_errors:
            from compiler.plain_params import plainly_valid  # no jsonschema for a plain pass

            if plainly_valid(self.params, args):
                self._argument_errors[key] = ()
                return ()
            errors = sorted(self.validator.iter_errors(args), key=lambda e: e.message)
            self._argument_errors[key] = tuple(
                (str(e.absolute_path[0]) if e.absolute_path else None, e.message) for e in errors
            )
        return self._argument_errors[key]

    @cached_property
    def _argument_errors(self) -> dict[tuple[tuple[str, str], ...], ArgumentErrors]:
        return {}

    def __getstate__(self) -> dict[str, Any]:
        # A built validator holds closures that cannot be pickled (--jobs sends the registry
        # to worker processes); each process builds its own, and its own memo.
        return {
            key: value
            for key, value in self.__dict__.items()
            if key not in ("validator", "_argument_errors")
        }


@dataclass(frozen=True)
class CommandMatch:
    """A tool whose pattern matched a command line, with the captured arguments."""

    tool: Tool
    args: dict[str, str]
    specificity: int


@dataclass(frozen=True)
class Registry:
    """The loaded tool registry."""

    tools: dict[str, Tool]
    value_flags: dict[str, frozenset[str]]
    filters: frozenset[str]
    sha256: str
    path: str = "<memory>"
    lint_only: bool = False
    """No registry was found: `check` runs the text and graph rules only (RB211)."""

    @classmethod
    def lint_only_registry(cls) -> Registry:
        """The stand-in for a missing tools.yaml: no tools, binding rules off."""
        return cls({}, {}, frozenset(), "", "<no registry: lint-only>", lint_only=True)

    @cached_property
    def programs(self) -> frozenset[str]:
        """Programs some tool's command pattern starts with."""
        return frozenset(p.program for tool in self.tools.values() for p in tool.patterns)

    def suggest(self, name: str, limit: int = 3) -> list[str]:
        """Did-you-mean suggestions for an unknown tool name."""
        candidates = list(self.tools)
        for tool in self.tools.values():
            candidates += list(tool.aliases)
        found = difflib.get_close_matches(name, candidates, n=limit, cutoff=0.6)
        short = name.split(".")[-1].replace("_", " ")
        found += difflib.get_close_matches(short, candidates, n=limit, cutoff=0.6)
        return list(dict.fromkeys(self._tool_name(f) for f in found))[:limit]

    def _tool_name(self, candidate: str) -> str:
        if candidate in self.tools:
            return candidate
        for tool in self.tools.values():
            if candidate in tool.aliases:
                return tool.name
        return candidate

    def match_command(self, argv: list[str]) -> list[CommandMatch]:
        """All tools whose patterns match argv, most specific first."""
        if not argv:
            return []
        positionals, options = split_argv(argv[1:], self.value_flags.get(argv[0], frozenset()))
        best: dict[str, CommandMatch] = {}
        first = positionals[0] if positionals else None
        candidates = self._patterns_by_program.get(argv[0], {})
        for tool, pattern in [*candidates.get(first, ()), *candidates.get(None, ())]:
            args = _match(pattern, positionals, options)
            known = best.get(tool.name)
            if args is not None and (known is None or pattern.specificity > known.specificity):
                best[tool.name] = CommandMatch(tool, args, pattern.specificity)
        return sorted(best.values(), key=lambda m: (-m.specificity, m.tool.name))

    @cached_property
    def _patterns_by_program(self) -> dict[str, dict[str | None, list[tuple[Tool, Pattern]]]]:
        """program -> first literal word (None: the pattern starts with a capture) -> patterns."""
        index: dict[str, dict[str | None, list[tuple[Tool, Pattern]]]] = {}
        for tool in self.tools.values():
            for pattern in tool.patterns:
                by_word = index.setdefault(pattern.program, {})
                head = pattern.positionals[0] if pattern.positionals else None
                for word in head if isinstance(head, tuple) else (None,):
                    by_word.setdefault(word, []).append((tool, pattern))
        return index

    def match_alias(self, text: str) -> list[tuple[Tool, str, int]]:
        """Tools whose alias phrase occurs in text: (tool, alias, offset)."""
        if self._alias_pattern is None or not self._alias_pattern.search(text):
            return []
        found = []
        lowered = _fold(text)
        for tool in self.tools.values():
            for alias in tool.aliases:
                at = _phrase_at(lowered, _fold(alias))
                if at >= 0:
                    found.append((tool, alias, at))
                    break
        return found

    @cached_property
    def _alias_pattern(self) -> re.Pattern[str] | None:
        """Any alias at all, to skip the per-tool search for the many texts with none."""
        aliases = sorted({a.lower() for t in self.tools.values() for a in t.aliases}, key=len)
        if not aliases:
            return None
        words = "|".join(re.escape(a) for a in reversed(aliases))
        return re.compile(rf"(?<![\w-])(?:{words})(?![\w-])", re.IGNORECASE)


@dataclass(frozen=True)
class Profiles:
    """Executor profiles (permission sets) and declared roles."""

    permissions: dict[str, frozenset[str]]
    roles: frozenset[str]
    sha256: str | None = None

    @classmethod
    def empty(cls) -> Profiles:
        """No profiles file: no executor is known."""
        return cls({}, frozenset(), None)


def _fold(text: str) -> str:
    """Lower case for alias matching, one character for one (offsets stay valid), never
    turning a non-ASCII character into an ASCII one: the Kelvin sign U+212A is not a "k", so
    a look-alike spelling never matches an alias."""
    if text.isascii():
        return text.lower()
    return "".join(
        low if char.isascii() or (len(low) == 1 and not low.isascii()) else char
        for char, low in ((char, char.lower()) for char in text)
    )


def _phrase_at(text: str, phrase: str) -> int:
    match = re.search(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", text)
    return match.start() if match else -1


FLAGS_PARAM = "flags"
"""The argument that holds, as written (shell-quoted words), every option of a command that no
pattern captures: the guard pins it like any other, so an option (`--context`, `--dry-run`)
is never dropped."""

Option = tuple[str, str, tuple[str, ...]]
"""(name, value, the words it was written as) of one option; value '' for a bare flag."""


def split_argv(args: list[str], value_flags: frozenset[str]) -> tuple[list[str], list[Option]]:
    """Separate positionals from options, in the order written ('' value for bare flags)."""
    positionals: list[str] = []
    options: list[Option] = []
    index = 0
    while index < len(args):
        token = args[index]
        if token.startswith("-") and len(token) > 1 and token != "--":
            name, eq, value = token.partition("=")
            written: tuple[str, ...] = (token,)
            if not eq and name in value_flags and index + 1 < len(args):
                value = args[index + 1]
                written = (token, value)
                index += 1
            options.append((name, value, written))
        elif token != "--":
            positionals.append(token)
        index += 1
    return positionals, options


def _match(
    pattern: Pattern, positionals: list[str], options: list[Option]
) -> dict[str, str] | None:
    names = {name for name, _, _ in options}
    for required in pattern.required_options:
        if not any(name in names for name in required):
            return None
    args: dict[str, str] = {}
    index = 0
    for token in pattern.positionals:
        if isinstance(token, tuple):
            if index >= len(positionals) or positionals[index] not in token:
                return None
            index += 1
        elif token.endswith("*"):
            if index < len(positionals):
                args[token[:-1]] = " ".join(positionals[index:])
            index = len(positionals)
        elif token.endswith("?"):
            if index < len(positionals):
                args[token[:-1]] = positionals[index]
                index += 1
        else:
            if index >= len(positionals):
                return None
            args[token] = positionals[index]
            index += 1
    if index != len(positionals):
        return None
    return _with_options(pattern, args, options)


def _with_options(pattern: Pattern, args: dict[str, str], options: list[Option]) -> dict[str, str]:
    """Captured options become their parameters. Every other option goes, as written, into
    `flags`: a bare flag the pattern itself requires is part of the tool and is left out, but
    a value given to it (`-d BODY`) or a repeated option is kept."""
    uncaptured: list[str] = []
    for name, value, written in options:
        param = pattern.option_captures.get(name)
        if param is not None and value and param not in args:
            args[param] = value
        elif value or not any(name in required for required in pattern.required_options):
            uncaptured.extend(written)
    if uncaptured:
        args[FLAGS_PARAM] = shlex.join(uncaptured)
    return args


_CAPTURE = re.compile(r"^\{([a-z_][a-z0-9_]*[?*]?)\}$")


def compile_pattern(source: str) -> Pattern:
    """Compile one argv pattern string; raises ValueError when it is malformed."""
    tokens = source.split()
    if not tokens or tokens[0].startswith(("-", "{")):
        raise ValueError(f"pattern {source!r} must start with a program name")
    positionals: list[tuple[str, ...] | str] = []
    captures: dict[str, str] = {}
    required: list[tuple[str, ...]] = []
    index = 1
    while index < len(tokens):
        token = tokens[index]
        if token.startswith("-"):
            names = tuple(token.split("|"))
            following = tokens[index + 1] if index + 1 < len(tokens) else ""
            capture = _CAPTURE.match(following)
            if capture:
                captures.update(dict.fromkeys(names, capture.group(1).rstrip("?*")))
                index += 1
            else:
                required.append(names)
        else:
            capture = _CAPTURE.match(token)
            positionals.append(capture.group(1) if capture else tuple(token.split("|")))
        index += 1
    return Pattern(source, tokens[0], tuple(positionals), captures, tuple(required))


@dataclass(frozen=True)
class ShellCommand:
    """A command line: the pipeline of its first command, the pipelines of the commands run
    after it (`;`, `&&`, `||`), and its $(...) substitutions, taken out. Redirections are
    dropped."""

    stages: list[list[str]]
    followers: list[list[list[str]]]
    substitutions: list[str]


_SEPARATORS = ("&&", "||", ";", "&")
_REDIRECT = re.compile(
    r"(?<!\S)(?:\d|&)?(?:>>?|<(?![\w-][^<>]*>))(?:&\d+|\s*[^\s|;&<>]+)|(?<=\s)#.*$"
)


def split_pipeline(command: str) -> ShellCommand | None:
    """Split a shell command into argv pipelines; None if it cannot be tokenised.

    Each `$(...)` or backtick substitution becomes one `$(...)` word; its text is kept in
    `substitutions` so it can be bound as a command of its own."""
    outer, substitutions = _take_substitutions(command)
    if outer is None:
        return None
    tokens = _tokens(_without_redirects(outer))
    if tokens is None:
        return None
    commands: list[list[list[str]]] = [[[]]]
    for token in tokens:
        if token in _SEPARATORS:
            commands.append([[]])
        elif token == "|":
            commands[-1].append([])
        else:
            commands[-1][-1].append(token)
    pipelines = [[stage for stage in pipeline if stage] for pipeline in commands]
    pipelines = [pipeline for pipeline in pipelines if pipeline]
    if not pipelines:
        return ShellCommand([], [], substitutions)
    return ShellCommand(pipelines[0], pipelines[1:], substitutions)


# Words split on blanks only, as in sh (and shlex): a no-break or other Unicode space is part
# of a word, so `oc<U+00A0>delete` is one word, never the program `oc`.
_TOKEN = re.compile(
    r"""[ \t\r\n]*(?:(?P<op>\|\||&&|[|&;])"""
    r"""|(?P<word>(?:[^ \t\r\n'"\\|&;]+|'[^']*'|"(?:\\.|[^"\\])*"|\\.)+))"""
)
_DOUBLE_QUOTED_ESCAPE = re.compile(r'\\([\\"$`])')
_QUOTED_PART = re.compile(r"""'([^']*)'|"((?:\\.|[^"\\])*)"|\\(.)""")


def _tokens(command: str) -> list[str] | None:
    """Shell words and operators, quotes removed as POSIX sh does; None on unbalanced quotes.

    A regular expression does what shlex does for the commands runbooks contain, several
    times faster; anything it cannot account for falls back to shlex."""
    tokens: list[str] = []
    position = 0
    for match in _TOKEN.finditer(command):
        if match.start() != position:
            return _shlex_tokens(command)
        position = match.end()
        word = match.group("word")
        tokens.append(match.group("op") if word is None else _unquote(word))
    if command[position:].strip(" \t\r\n"):
        return _shlex_tokens(command)
    return tokens


def _unquote(word: str) -> str:
    if not any(char in word for char in "'\"\\"):
        return word
    return _QUOTED_PART.sub(_unquoted_part, word)


def _unquoted_part(match: re.Match[str]) -> str:
    single, double, escaped = match.groups()
    if single is not None:
        return single
    if double is not None:
        return _DOUBLE_QUOTED_ESCAPE.sub(r"\1", double)
    return escaped or ""


def _shlex_tokens(command: str) -> list[str] | None:
    try:
        lexer = shlex.shlex(command, posix=True, punctuation_chars="|&;")
        lexer.whitespace_split = True
        lexer.commenters = ""
        return list(lexer)
    except ValueError:
        return None


def _without_redirects(command: str) -> str:
    """Drop `> file`, `2>&1`, `< in` and trailing `# comments` outside quotes."""
    if not any(char in command for char in "<>#"):
        return command
    if "'" not in command and '"' not in command:
        return _REDIRECT.sub("", command)
    out: list[str] = []
    segment: list[str] = []
    quote = ""
    for char in command:
        if quote:
            out.append(char)
            quote = "" if char == quote else quote
        elif char in "'\"":
            out.append(_REDIRECT.sub("", "".join(segment)))
            segment = []
            out.append(char)
            quote = char
        else:
            segment.append(char)
    out.append(_REDIRECT.sub("", "".join(segment)))
    return "".join(out)


def _take_substitutions(command: str) -> tuple[str | None, list[str]]:
    if "$(" not in command and "`" not in command:
        return command, []
    out: list[str] = []
    found: list[str] = []
    index = 0
    while index < len(command):
        if command.startswith("$(", index) and not command.startswith("$((", index):
            depth, end = 1, index + 2
            while end < len(command) and depth:
                depth += {"(": 1, ")": -1}.get(command[end], 0)
                end += 1
            if depth:
                return None, []
            found.append(command[index + 2 : end - 1].strip())
            out.append("$(...)")
            index = end
        elif command[index] == "`":
            end = command.find("`", index + 1)
            if end < 0:
                return None, []
            found.append(command[index + 1 : end].strip())
            out.append("$(...)")
            index = end + 1
        else:
            out.append(command[index])
            index += 1
    return "".join(out), found


def file_sha256(path: Path) -> str:
    """sha256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


@cache
def bundled_schema(name: str) -> dict[str, Any]:
    """A JSON Schema shipped in compiler/schemas/."""
    text = resources.files("compiler").joinpath("schemas", name).read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def read_limited(path: Path, what: str) -> bytes:
    """The bytes of a registry or profiles file; RegistryError when unreadable or too big."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise RegistryError(f"{path}: cannot read {what}: {error.strerror}") from None
    if len(data) > MAX_FILE_BYTES:
        raise RegistryError(
            f"{path}: {what} is {len(data)} bytes, over the {MAX_FILE_BYTES}-byte limit"
        )
    return data


def _load_yaml(path: Path, data: bytes, schema_name: str, what: str) -> dict[str, Any]:
    # validation only: a cached, already validated file needs neither YAML nor jsonschema
    import jsonschema
    import yaml

    from compiler.safe_yaml import safe_load

    try:
        loaded = safe_load(data.decode("utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError) as error:
        detail = str(error).splitlines()[0]
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise RegistryError(f"{path}: {what} is not valid YAML: {detail}{where}") from None
    validator = jsonschema.Draft202012Validator(bundled_schema(schema_name))
    invalid = jsonschema.exceptions.best_match(validator.iter_errors(loaded))
    if invalid is not None:
        where = "/".join(str(part) for part in invalid.absolute_path) or "(top level)"
        raise RegistryError(f"{path}: invalid {what} at {where}: {invalid.message}")
    assert isinstance(loaded, dict)
    return loaded


def load_registry(path: Path) -> Registry:
    """Load and validate tools.yaml."""
    data = read_limited(path, "registry")
    return registry_from(validated_registry(path, data), hashlib.sha256(data).hexdigest(), path)


def validated_registry(path: Path, data: bytes) -> dict[str, Any]:
    """The registry document in `data` (read from `path`), checked against the registry
    schema, for unique tool names, well-formed command patterns and params schemas; a
    RegistryError says what is wrong. `registry_from` builds the registry from it."""
    import jsonschema

    from compiler.metaschema import schema_checker

    raw = _load_yaml(path, data, "registry.schema.json", "registry")
    schema_error = schema_checker()  # check_schema's verdicts, repeated subschemas walked once
    names: set[str] = set()
    checked: set[str] = set()  # tools share params schemas; a schema is checked once
    for entry in raw["tools"]:
        name = entry["name"]
        if name in names:
            raise RegistryError(f"{path}: invalid registry: tool {name!r} is defined twice")
        names.add(name)
        params = entry.get("params", {})
        try:
            for pattern in entry.get("commands", []):
                compile_pattern(pattern)
            if repr(params) not in checked:
                problem = schema_error(params)
                if problem is not None:
                    raise jsonschema.SchemaError.create_from(problem)
                _check_references(params)
                checked.add(repr(params))
        except ValueError as error:
            raise RegistryError(f"{path}: invalid registry: tool {name!r}: {error}") from None
        except jsonschema.SchemaError as error:
            raise RegistryError(
                f"{path}: invalid registry: tool {name!r} params is not a JSON Schema: "
                f"{error.message}"
            ) from None
        unknown = sorted(set(entry.get("agent_params", [])) - set(params.get("properties", {})))
        if unknown:
            raise RegistryError(
                f"{path}: invalid registry: tool {name!r} agent_params {unknown} are not in params"
            )
    return raw


def registry_from(raw: dict[str, Any], sha256: str, path: Path) -> Registry:
    """The registry of a document `validated_registry` accepted (nothing is checked again)."""
    tools = {entry["name"]: _tool(entry) for entry in raw["tools"]}
    value_flags = {
        program: frozenset(spec.get("value_flags", []))
        for program, spec in raw.get("programs", {}).items()
    }
    return Registry(tools, value_flags, frozenset(raw.get("filters", [])), sha256, str(path))


def _tool(entry: dict[str, Any]) -> Tool:
    patterns = tuple(compile_pattern(p) for p in entry.get("commands", []))
    params = entry.get("params", {})
    return Tool(
        name=entry["name"],
        description=entry["description"],
        effect=entry["effect"],
        permission=entry["permission"],
        aliases=tuple(entry.get("aliases", [])),
        patterns=patterns,
        params=_with_flags_param(params) if patterns else params,
        agent_params=frozenset(entry.get("agent_params", [])),
        requires_approval=entry.get("requires_approval", False),
        deprecated=_deprecation(entry.get("deprecated", False)),
        reviewed=entry.get("reviewed", True),
    )


def _with_flags_param(params: dict[str, Any]) -> dict[str, Any]:
    """A command tool's params with `flags`, where uncaptured options are recorded."""
    properties = params.get("properties", {})
    if FLAGS_PARAM in properties:
        return params
    flags = {
        "type": "string",
        "description": "Options exactly as the runbook wrote them that no parameter captures.",
    }
    return {"type": "object", **params, "properties": {**properties, FLAGS_PARAM: flags}}


_SCHEMA_MAPS = ("properties", "patternProperties", "dependentSchemas", "$defs", "definitions")
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
_SCHEMA_VALUES = (
    *("not", "if", "then", "else", "items", "additionalItems", "additionalProperties"),
    *("contains", "propertyNames", "unevaluatedItems", "unevaluatedProperties", "contentSchema"),
)
_IN_PLACE = frozenset({"allOf", "anyOf", "oneOf", "not", "if", "then", "else", "dependentSchemas"})
"""Applicators that apply a subschema to the same value (the others descend into it)."""

SchemaPath = tuple[str, ...]


def _subschemas(schema: dict[str, Any]) -> Iterator[tuple[SchemaPath, Any, bool]]:
    """(relative path, subschema, applied to the same value?) of each subschema."""
    for keyword in _SCHEMA_MAPS:
        if isinstance(schema.get(keyword), dict):
            for key, sub in schema[keyword].items():
                yield (keyword, str(key)), sub, keyword in _IN_PLACE
    for keyword in _SCHEMA_LISTS:
        if isinstance(schema.get(keyword), list):
            for index, sub in enumerate(schema[keyword]):
                yield (keyword, str(index)), sub, keyword in _IN_PLACE
    for keyword in _SCHEMA_VALUES:
        if keyword in schema:
            yield (keyword,), schema[keyword], keyword in _IN_PLACE


def _pointer(root: Any, reference: str) -> SchemaPath:
    """The path a local `$ref` (`#` or `#/a/b`) points to; ValueError if it resolves to no
    schema of this document."""
    fragment = reference.removeprefix("#")
    if not reference.startswith("#") or (fragment and not fragment.startswith("/")):
        raise ValueError(f"params $ref {reference!r} is not local (write #/$defs/NAME)")
    parts = [unquote(p).replace("~1", "/").replace("~0", "~") for p in fragment.split("/")[1:]]
    node = root
    for part in parts:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            raise ValueError(f"params $ref {reference!r} points to nothing")
    if not isinstance(node, dict | bool):
        raise ValueError(f"params $ref {reference!r} does not point to a schema")
    return tuple(parts)


def _check_references(params: Any) -> None:
    """Refuse a params schema that would fail or never finish when arguments are validated:
    a `$ref` that is not a local pointer into the schema (nothing is fetched), an embedded
    `$id` or dynamic reference, or a cycle of references that never descends into the value
    (`{"$ref": "#"}` recurses forever). ValueError says which."""
    schemas: dict[SchemaPath, dict[str, Any]] = {}
    pending: list[tuple[SchemaPath, Any]] = [((), params)]
    while pending:
        path, schema = pending.pop()
        if not isinstance(schema, dict) or path in schemas:
            continue
        schemas[path] = schema
        if path and "$id" in schema:
            raise ValueError("params may not embed a `$id` below the top level")
        if "$dynamicRef" in schema or "$recursiveRef" in schema:
            raise ValueError("params may not use dynamic references")
        if isinstance(schema.get("$ref"), str):
            target = _pointer(params, schema["$ref"])
            pending.append((target, _at(params, target)))
        pending += [(path + relative, sub) for relative, sub, _ in _subschemas(schema)]
    same_value: dict[SchemaPath, list[SchemaPath]] = {
        path: [path + relative for relative, sub, in_place in _subschemas(schema) if in_place]
        for path, schema in schemas.items()
    }
    for path, schema in schemas.items():
        if isinstance(schema.get("$ref"), str):
            same_value[path].append(_pointer(params, schema["$ref"]))
    _refuse_cycles(same_value)


def _at(root: Any, path: SchemaPath) -> Any:
    for part in path:
        root = root[int(part)] if isinstance(root, list) else root[part]
    return root


def _refuse_cycles(edges: dict[SchemaPath, list[SchemaPath]]) -> None:
    """ValueError if following subschemas applied to the same value can come back around."""
    done: set[SchemaPath] = set()
    for start in edges:
        if start in done:
            continue
        on_path: set[SchemaPath] = {start}
        stack = [(start, iter(edges.get(start, ())))]
        while stack:
            node, following = stack[-1]
            step = next(following, None)
            if step is None:
                stack.pop()
                on_path.discard(node)
                done.add(node)
            elif step in on_path:
                where = "#/" + "/".join(step) if step else "#"
                raise ValueError(f"params $ref cycle through {where} never reaches a value")
            elif step not in done:
                on_path.add(step)
                stack.append((step, iter(edges.get(step, ()))))


def _deprecation(value: bool | dict[str, str]) -> Deprecation | None:
    if value is False:
        return None
    if value is True:
        return Deprecation(None, None)
    return Deprecation(value.get("replacement"), value.get("reason"))


def load_profiles(path: Path) -> Profiles:
    """Load and validate profiles.yaml."""
    data = read_limited(path, "profiles")
    return profiles_from(validated_profiles(path, data), hashlib.sha256(data).hexdigest())


def validated_profiles(path: Path, data: bytes) -> dict[str, Any]:
    """The profiles document in `data` (read from `path`), checked against its schema."""
    return _load_yaml(path, data, "profiles.schema.json", "profiles")


def profiles_from(raw: dict[str, Any], sha256: str) -> Profiles:
    """The profiles of a document `validated_profiles` accepted."""
    permissions = {name: frozenset(spec["permissions"]) for name, spec in raw["profiles"].items()}
    return Profiles(permissions, frozenset(raw.get("roles", [])), sha256)
