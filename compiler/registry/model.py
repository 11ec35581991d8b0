"""The registry and executor profiles as loaded: tools and their parameter checks, command
matching, alias search and did-you-mean suggestions."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from compiler.registry.patterns import Pattern, match_pattern, split_argv
from compiler.values import Value, set_field

if TYPE_CHECKING:
    import jsonschema

    from compiler.records import Effect


class RegistryError(Exception):
    """The registry or profiles file is unreadable or invalid (exit 2)."""


@dataclass(init=False, repr=False, eq=False)
class Deprecation(Value):
    """A tool that should no longer be used, and what replaces it."""

    replacement: str | None
    reason: str | None

    def __init__(self, replacement: str | None, reason: str | None) -> None:
        set_field(self, "replacement", replacement)
        set_field(self, "reason", reason)


ArgumentErrors = tuple[tuple[str | None, str], ...]
"""(top-level argument or None, message) of each way arguments fail a params schema."""


@dataclass(init=False, repr=False, eq=False)
class Tool(Value):
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

    def __init__(
        self,
        name: str,
        description: str,
        effect: Effect,
        permission: str,
        aliases: tuple[str, ...] = (),
        patterns: tuple[Pattern, ...] = (),
        params: dict[str, Any] | None = None,
        requires_approval: bool = False,
        deprecated: Deprecation | None = None,
        reviewed: bool = True,
        agent_params: frozenset[str] = frozenset(),
    ) -> None:
        set_field(self, "name", name)
        set_field(self, "description", description)
        set_field(self, "effect", effect)
        set_field(self, "permission", permission)
        set_field(self, "aliases", aliases)
        set_field(self, "patterns", patterns)
        set_field(self, "params", {} if params is None else params)
        set_field(self, "requires_approval", requires_approval)
        set_field(self, "deprecated", deprecated)
        set_field(self, "reviewed", reviewed)
        set_field(self, "agent_params", agent_params)

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
            from compiler.registry.plain_params import (
                plainly_valid,  # no jsonschema for a plain pass
            )

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


@dataclass(init=False, repr=False, eq=False)
class CommandMatch(Value):
    """A tool whose pattern matched a command line, with the captured arguments."""

    tool: Tool
    args: dict[str, str]
    specificity: int

    def __init__(self, tool: Tool, args: dict[str, str], specificity: int) -> None:
        set_field(self, "tool", tool)
        set_field(self, "args", args)
        set_field(self, "specificity", specificity)


@dataclass(init=False, repr=False, eq=False)
class Registry(Value):
    """The loaded tool registry."""

    tools: dict[str, Tool]
    value_flags: dict[str, frozenset[str]]
    filters: frozenset[str]
    sha256: str
    path: str = "<memory>"
    lint_only: bool = False
    """No registry was found: `check` runs the text and graph rules only (RB211)."""

    def __init__(
        self,
        tools: dict[str, Tool],
        value_flags: dict[str, frozenset[str]],
        filters: frozenset[str],
        sha256: str,
        path: str = "<memory>",
        lint_only: bool = False,
    ) -> None:
        set_field(self, "tools", tools)
        set_field(self, "value_flags", value_flags)
        set_field(self, "filters", filters)
        set_field(self, "sha256", sha256)
        set_field(self, "path", path)
        set_field(self, "lint_only", lint_only)

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
            args = match_pattern(pattern, positionals, options)
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


@dataclass(init=False, repr=False, eq=False)
class Profiles(Value):
    """Executor profiles (permission sets) and declared roles."""

    permissions: dict[str, frozenset[str]]
    roles: frozenset[str]
    sha256: str | None = None

    def __init__(
        self,
        permissions: dict[str, frozenset[str]],
        roles: frozenset[str],
        sha256: str | None = None,
    ) -> None:
        set_field(self, "permissions", permissions)
        set_field(self, "roles", roles)
        set_field(self, "sha256", sha256)

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
