"""Fill a step's arguments from the run's inputs, and render the exact command line (argv) from
the registry's command template.

The argv is a list of words, never a shell string: a value is one word however it is spelled,
so nothing in an argument can start a second command. Only the bound command is rendered; the
read-only filters a runbook pipes it through (`| grep ...`) are the reader's, not the tool's.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Mapping
from typing import Any

from compiler.models import Step
from compiler.placeholders import PLACEHOLDER, SUBSTITUTION, input_key, placeholder_name
from compiler.registry import Pattern, Registry, Tool


class RenderError(ValueError):
    """The command line cannot be rendered: no template fits, or an input is missing."""


def _inputs(inputs: Mapping[str, Any]) -> dict[str, str]:
    """The run's inputs by `input_key`, as the guard keys them (`ETCD_POD` is `etcd-pod`)."""
    return {input_key(name): str(value) for name, value in inputs.items()}


def missing_inputs(step: Step, inputs: Mapping[str, Any]) -> list[str]:
    """Inputs the step's recorded arguments name that the run was not given."""
    given = _inputs(inputs)
    written = step.tool.args.values() if step.tool else ()
    names = (placeholder_name(m) for value in written for m in PLACEHOLDER.finditer(value))
    return sorted({name for name in names if input_key(name) not in given})


def fill_arguments(step: Step, inputs: Mapping[str, Any]) -> dict[str, str]:
    """The arguments the runbook wrote for the step's tool, each placeholder replaced by the
    run's input; an argument whose placeholder has no input (or that is a `$(...)`
    substitution) is left out, for the agent to supply and the guard to check."""
    given = _inputs(inputs)
    filled: dict[str, str] = {}
    for name, written in (step.tool.args if step.tool else {}).items():
        names = [placeholder_name(m) for m in PLACEHOLDER.finditer(written)]
        if written == SUBSTITUTION or any(input_key(n) not in given for n in names):
            continue
        filled[name] = PLACEHOLDER.sub(lambda m: given[input_key(placeholder_name(m))], written)
    return filled


def render_command(
    step: Step,
    inputs: Mapping[str, Any],
    registry: Registry,
    arguments: Mapping[str, Any] | None = None,
) -> list[str]:
    """The argv that performs the step: the registry tool's command template filled with
    `arguments` (default: the step's recorded arguments with the inputs filled in).

    Literal words and option spellings follow the runbook's own text where the template allows
    several (`pod|pods|po`, `-n|--namespace`). Raises RenderError when the step has no tool,
    the tool has no template that can hold every argument, or an input is missing."""
    if step.tool is None:
        raise RenderError(f"step {step.id} has no tool; there is no command to render")
    tool = registry.tools.get(step.tool.name)
    if tool is None:
        raise RenderError(f"tool {step.tool.name} is not in the registry {registry.path}")
    if arguments is None:
        missing = missing_inputs(step, inputs)
        if missing:
            raise RenderError(f"step {step.id} needs the inputs {missing}")
        arguments = fill_arguments(step, inputs)
    values = {name: _words(value) for name, value in arguments.items() if value is not None}
    words = set(step.text.split())
    inner = _written_after_double_dash(step)
    for pattern in sorted(tool.patterns, key=lambda p: -p.specificity):
        argv = _render(pattern, values, words, inner)
        if argv is not None:
            return argv
    raise RenderError(_no_template(tool, values))


def _words(value: Any) -> list[str]:
    """A value as argv words: a list is one word per item, anything else one word, spelled as
    the guard compared it (`true`, not Python's `True`: what was checked is what runs)."""
    if isinstance(value, list | tuple):
        return [_word(item) for item in value]
    return [_word(value)]


def _word(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool | dict):
        return json.dumps(value)
    return str(value)


def _written_after_double_dash(step: Step) -> frozenset[str]:
    """The arguments whose recorded value starts with the word the runbook's command line
    wrote after `--` (`oc debug node/x -- chroot /host rm -f y`: `command`, not `args`), so
    that the argv keeps `--` where the runbook put it: before the command run inside."""
    words = step.text.split()
    if step.tool is None or "--" not in words:
        return frozenset()
    after = words[words.index("--") + 1 : words.index("--") + 2]
    return frozenset(
        name for name, written in step.tool.args.items() if after and written.split()[:1] == after
    )


def _spelling(choices: tuple[str, ...], words: set[str]) -> str:
    return next((choice for choice in choices if choice in words), choices[0])


def _render(
    pattern: Pattern, values: dict[str, list[str]], words: set[str], inner: frozenset[str]
) -> list[str] | None:
    """The argv of one pattern, or None when it cannot hold the values exactly.

    Options go after the leading literal words (the subcommand) and before the first capture,
    where every CLI reads them as options: after `oc rsh POD`, `-n` would reach the command run
    in the pod. `--` goes before the first of the `inner` captures (the command the runbook
    wrote after its `--`)."""
    lead = 0
    while lead < len(pattern.positionals) and isinstance(pattern.positionals[lead], tuple):
        lead += 1
    used: set[str] = set()
    options = _options(pattern, values, words, used)
    positionals = _positionals(pattern.positionals[lead:], values, words, used, inner)
    if options is None or positionals is None or used != set(values):
        return None
    head = [
        _spelling(token, words) for token in pattern.positionals[:lead] if isinstance(token, tuple)
    ]
    return [pattern.program, *head, *options, *positionals]


def _options(
    pattern: Pattern, values: dict[str, list[str]], words: set[str], used: set[str]
) -> list[str] | None:
    argv = [_spelling(required, words) for required in pattern.required_options]
    flags: dict[str, list[str]] = {}
    for flag, name in pattern.option_captures.items():
        flags.setdefault(name, []).append(flag)
    for name, spellings in flags.items():
        value = values.get(name)
        if value is None:
            continue
        if len(value) != 1:
            return None
        argv += [_spelling(tuple(spellings), words), value[0]]
        used.add(name)
    return argv


def _positionals(
    tokens: tuple[tuple[str, ...] | str, ...],
    values: dict[str, list[str]],
    words: set[str],
    used: set[str],
    inner: frozenset[str],
) -> list[str] | None:
    argv: list[str] = []
    dashed = False
    for token in tokens:
        if isinstance(token, tuple):
            argv.append(_spelling(token, words))
            continue
        name, star = token.rstrip("?*"), token.endswith("*")
        value = values.get(name)
        if value is None or name in used:
            if not token.endswith(("?", "*")):
                return None
            continue
        if name in inner and not dashed:
            argv.append("--")
            dashed = True
        if star:  # a star capture was recorded as its words, shell-quoted
            star_words = [word for item in value for word in _shell_words(item)]
            # the words of a command run inside another (`oc exec POD -- sh -c ...`) are never
            # the outer program's options
            if not dashed and any(w.startswith("-") for w in star_words):
                argv.append("--")
                dashed = True
            argv += star_words
        elif len(value) == 1:
            argv += value
        else:
            return None
        used.add(name)
    return argv


def _shell_words(value: str) -> list[str]:
    """A star capture's recorded value as the words it was written as."""
    try:
        return shlex.split(value)
    except ValueError as error:
        raise RenderError(f"cannot split {value!r} into words: {error}") from None


def _no_template(tool: Tool, values: dict[str, list[str]]) -> str:
    if not tool.patterns:
        return f"tool {tool.name} has no command template in the registry"
    templates = "; ".join(pattern.source for pattern in tool.patterns)
    return f"no command template of {tool.name} holds the arguments {sorted(values)}: {templates}"
