"""A step's written context (`cd x`, `export NAME=value`) applied exactly, or refused.

The runbook's reader typed those lines into the terminal before the step's command, so they
decide where it runs and against what (`cd terraform/envs/staging` before `terraform
destroy`). An executor runs argv lists with no shell: it applies each line itself, in order,
and refuses the step when a line is anything it cannot apply exactly (`source env.sh`, a
placeholder, a pipe, `cd -`, a `$VARIABLE`, or a shell the step runs in: `ssh HOST`, `sudo su
-`). Nothing is guessed.
"""

from __future__ import annotations

import os
import re
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from compiler.models import ContextLine

_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_ASSIGNMENT = re.compile(rf"({_NAME})=(.*)", re.DOTALL)
_SEPARATORS = {"&&", ";"}
_LOADER_VARIABLES = frozenset(
    {"PATH", "IFS", "ENV", "BASH_ENV", "SHELLOPTS", "BASHOPTS", "PS4", "PYTHONPATH",
     "PYTHONHOME", "PYTHONSTARTUP", "PYTHONINSPECT", "NODE_OPTIONS", "NODE_PATH", "PERL5LIB",
     "PERL5OPT", "PERLLIB", "RUBYLIB", "RUBYOPT", "GEM_PATH", "GEM_HOME", "JAVA_TOOL_OPTIONS",
     "_JAVA_OPTIONS", "CLASSPATH", "GIT_EXEC_PATH", "GIT_SSH", "GIT_SSH_COMMAND", "GIT_ASKPASS",
     "SSH_ASKPASS", "EDITOR", "VISUAL", "PAGER", "GCONV_PATH", "TMPDIR", "GIT_PAGER",
     "GIT_EDITOR", "GIT_EXTERNAL_DIFF", "GIT_PROXY_COMMAND", "GIT_TEMPLATE_DIR", "GIT_DIR",
     "HOME", "XDG_CONFIG_HOME", "ZDOTDIR", "OPENSSL_CONF", "OPENSSL_ENGINES", "OPENSSL_MODULES",
     "GLIBC_TUNABLES", "LOCPATH", "NLSPATH", "HOSTALIASES", "LESSOPEN", "LESSCLOSE", "MANPAGER",
     "SHELL", "PROMPT_COMMAND", "BROWSER", "SUDO_ASKPASS", "SUDO_EDITOR", "KUBE_EDITOR",
     "PYTHONUSERBASE", "PYTHONBREAKPOINT", "PERL5DB", "CDPATH"}
)  # fmt: skip
_LOADER_PREFIXES = ("LD_", "DYLD_", "GIT_CONFIG")
"""Variables that decide which program, library or configuration a command loads, or run
code of their own (with the `_LOADER_PREFIXES`: `GIT_CONFIG_GLOBAL` or `GIT_CONFIG_KEY_0` names a
git configuration whose `core.sshCommand` runs; `HOME` names `~/.ssh/config`'s `ProxyCommand`), or
that change where a later `cd` goes (`CDPATH`): a runbook is untrusted input, so it may set where
a registry tool runs and its settings (`KUBECONFIG`, `AWS_PROFILE`), never what code the tool is
(sudo resets the same kind of variables)."""


class ContextError(Exception):
    """A context line this executor cannot apply exactly; the message says which and why."""


@dataclass(frozen=True)
class Applied:
    """Where the command runs and its environment changes (None: unchanged)."""

    cwd: str
    environment: dict[str, str] | None


def apply_context(lines: Sequence[ContextLine], base: str, environ: Mapping[str, str]) -> Applied:
    """Apply a step's context lines in order from the directory `base` and the environment
    `environ`; raise ContextError on the first line that cannot be applied exactly."""
    state = _State(base, dict(environ))
    for line in lines:
        for words in _commands(line):
            state.run(words, line)
    changed = state.environment != dict(environ)
    return Applied(state.cwd, state.environment if changed else None)


def _commands(line: ContextLine) -> list[list[str]]:
    """The commands of a line, split at `&&` and `;`; any other shell syntax is refused. A `#`
    opens a comment only after a blank, as in the shell (shlex reads one inside a word too:
    `cd stage#blue` would be `cd stage`), so any other `#` is refused."""
    if re.search(r"(?<=\S)#|\\\s#", line.text):
        raise _refused(line, "a `#` inside a word is read differently by shells and here")
    lexer = shlex.shlex(line.text, posix=True, punctuation_chars=";&|<>()")
    lexer.whitespace_split = True
    try:
        tokens = list(lexer)
    except ValueError as error:  # an open quote
        raise _refused(line, f"it cannot be read as shell words ({error})") from None
    commands: list[list[str]] = [[]]
    for token in tokens:
        if token in _SEPARATORS:
            commands.append([])
        elif token and set(token) <= set(";&|<>()"):
            raise _refused(line, f"`{token}` is shell syntax this executor does not replay")
        else:
            commands[-1].append(token)
    return [words for words in commands if words]


class _State:
    def __init__(self, cwd: str, environment: dict[str, str]) -> None:
        self.cwd = cwd
        self.environment = environment
        self.stack: list[str] = []

    def run(self, words: list[str], line: ContextLine) -> None:
        program, arguments = words[0], words[1:]
        if _ASSIGNMENT.fullmatch(program):
            for word in words:  # `A=1 B=2` (`A=1 cmd` runs a command: never context)
                if not _ASSIGNMENT.fullmatch(word):
                    raise _refused(line, f"`{word}` runs a command")
                self._assign(word, line)
        elif program == "export":
            for word in arguments:
                if _ASSIGNMENT.fullmatch(word):
                    self._assign(word, line)
                elif not re.fullmatch(_NAME, word):
                    raise _refused(line, f"`{word}` is no variable to export")
        elif program == "unset":
            for word in arguments:
                if not re.fullmatch(_NAME, word):
                    raise _refused(line, f"`{word}` is no variable to unset")
                self._check_settable(word, line)
                self.environment.pop(word, None)
        elif program == "cd" or (program == "pushd" and arguments):
            self._change_directory(program, arguments, line)
        elif program == "pushd":
            raise _refused(line, "`pushd` with no directory swaps the directory stack")
        elif program == "popd":
            if arguments:
                raise _refused(line, "`popd` with an argument is not replayed")
            if not self.stack:
                raise _refused(line, "no directory was pushed before it")
            self.cwd = self.stack.pop()
        else:
            # `ssh HOST`, `sudo su -`: the step runs in the shell it opened, not here
            raise _refused(line, f"`{program}` is no directory or environment setting")

    def _assign(self, word: str, line: ContextLine) -> None:
        match = _ASSIGNMENT.fullmatch(word)
        assert match is not None  # callers check
        name = match.group(1)
        self._check_settable(name, line)
        value = self._expanded(match.group(2), line)
        if ":~" in value:
            raise _refused(line, "the shell would expand a `~` after `:`; it is not replayed")
        if value == "~" or value.startswith("~/"):  # the shell expands it in an assignment
            value = self._home(line) + value[1:]
        elif value.startswith("~"):
            raise _refused(line, f"the shell would expand `{value}`; it is not replayed")
        self.environment[name] = value

    @staticmethod
    def _check_settable(name: str, line: ContextLine) -> None:
        if name in _LOADER_VARIABLES or name.startswith(_LOADER_PREFIXES):
            raise _refused(line, f"${name} decides which program or code runs")

    def _home(self, line: ContextLine) -> str:
        home = self.environment.get("HOME")
        if not home:
            raise _refused(line, "`~` needs HOME, which is not set")
        return home

    def _change_directory(self, program: str, arguments: list[str], line: ContextLine) -> None:
        if len(arguments) > 1 or (arguments and arguments[0].startswith("-")):
            raise _refused(line, f"`{program}` with an option (`-`) or more than one directory")
        target = self._expanded(arguments[0], line) if arguments else "~"
        if any(mark in target for mark in "*?[") or re.match(r"~[^/]", target):
            raise _refused(line, f"the shell would expand `{target}`; it is not replayed")
        if target == "~" or target.startswith("~/"):
            target = self._home(line) + target[1:]
        path = os.path.normpath(os.path.join(self.cwd, target))
        if not os.path.isdir(path):
            raise _refused(line, f"the directory {path} does not exist here")
        if program == "pushd":
            self.stack.append(self.cwd)
        self.cwd = path

    def _expanded(self, value: str, line: ContextLine) -> str:
        """A word as the shell reads it, when that is certain: no `$` or backquote expansion
        (the environment here is not the reader's), `~` only in a line with no quotes."""
        if "$" in value or "`" in value:
            raise _refused(line, "it expands a variable or a command, which is not replayed")
        if re.search(r"\{[^}]*(?:,|\.\.)", value):  # `export A={b,c}` sets A=c
            raise _refused(line, f"the shell would expand the braces of `{value}`")
        if value.startswith("~") and ("'" in line.text or '"' in line.text):
            raise _refused(line, "a quoted `~` is not expanded by every shell alike")
        return value


def _refused(line: ContextLine, why: str) -> ContextError:
    return ContextError(
        f"not executed: the runbook runs this step after `{line.text}` (line {line.line}), "
        f"and {why}; run the step by hand"
    )


def describe(lines: Sequence[ContextLine]) -> str:
    """The context lines as one line for people and agents: `cd x; export A=b`."""
    return "; ".join(line.text for line in lines)
