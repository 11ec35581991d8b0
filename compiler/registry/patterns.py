"""Command patterns such as `oc get {resource} {name?} -n|--namespace {namespace}`: compiling
one, and matching a command's words against it."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

from compiler.values import Value, set_field


@dataclass(init=False, repr=False, eq=False)
class Pattern(Value):
    """A compiled argv pattern such as `oc get {resource} {name?} -n|--namespace {namespace}`."""

    source: str
    program: str
    positionals: tuple[tuple[str, ...] | str, ...]
    option_captures: dict[str, str]
    required_options: tuple[tuple[str, ...], ...]

    def __init__(
        self,
        source: str,
        program: str,
        positionals: tuple[tuple[str, ...] | str, ...],
        option_captures: dict[str, str],
        required_options: tuple[tuple[str, ...], ...],
    ) -> None:
        set_field(self, "source", source)
        set_field(self, "program", program)
        set_field(self, "positionals", positionals)
        set_field(self, "option_captures", option_captures)
        set_field(self, "required_options", required_options)

    @property
    def specificity(self) -> int:
        literals = sum(1 for token in self.positionals if isinstance(token, tuple))
        return literals + len(self.required_options)


FLAGS_PARAM = "flags"
"""The argument that holds, as written (shell-quoted words), every option of a command that no
pattern captures: the guard pins it like any other, so an option (`--context`, `--dry-run`)
is never dropped."""


Option = tuple[str, str, tuple[str, ...]]
"""(name, value, the words it was written as) of one option; value '' for a bare flag."""


def split_argv(args: list[str], value_flags: frozenset[str]) -> tuple[list[str], list[Option]]:
    """Separate positionals from options, in the order written ('' value for bare flags).
    After `--` every word is a positional: `oc exec POD -- sh -c "..."` gives the command
    run in the pod its own `-c`, not `oc`'s `--container`."""
    positionals: list[str] = []
    options: list[Option] = []
    index = 0
    while index < len(args):
        token = args[index]
        if token == "--":
            positionals += args[index + 1 :]
            break
        if token.startswith("-") and len(token) > 1:
            name, eq, value = token.partition("=")
            written: tuple[str, ...] = (token,)
            if not eq and name in value_flags and index + 1 < len(args):
                value = args[index + 1]
                written = (token, value)
                index += 1
            options.append((name, value, written))
        else:
            positionals.append(token)
        index += 1
    return positionals, options


def match_pattern(
    pattern: Pattern, positionals: list[str], options: list[Option]
) -> dict[str, str] | None:
    """The arguments `pattern` captures from a command (its words after the program), or None
    if it does not match."""
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
                args[token[:-1]] = join_words(positionals[index:])
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


def join_words(words: list[str]) -> str:
    """Words as one value that `shlex.split` reads back into the same words: a word holding a
    space, a quote or a backslash (`sh -c "ls /srv"`) is shell-quoted, every other one is left
    as written (`$POD`, `<pod>`), so that the value reads as the runbook wrote it."""
    return " ".join(
        shlex.quote(word) if not word or any(c.isspace() or c in "'\"\\" for c in word) else word
        for word in words
    )


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
