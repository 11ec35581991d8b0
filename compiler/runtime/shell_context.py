"""A step's written context (`cd x`, `export NAME=value`) applied exactly, or refused.

The runbook's reader typed those lines into the terminal before the step's command, so they
decide where it runs and against what (`cd terraform/envs/staging` before `terraform
destroy`). An executor runs argv lists with no shell: it applies each line itself, in order,
and refuses the step when a line is anything it cannot apply exactly (`source env.sh`, a
placeholder, a pipe, `cd -`, a `$VARIABLE`, or a shell the step runs in: `ssh HOST`, `sudo su
-`). Nothing is guessed.

A runbook is untrusted, so what it may export is an allow-list (`exportable`): variables that
hold a name or a setting (`KUBECONFIG`, `AWS_PROFILE`, `..._NAMESPACE`), never one that decides
which program, library or configuration runs. A `NAME=value` line sets a shell variable, as in
the shell: the command sees it only if it was already exported or is exported later.
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
     "PYTHONUSERBASE", "PYTHONBREAKPOINT", "PERL5DB", "CDPATH", "AWS_CONFIG_FILE",
     "AWS_SHARED_CREDENTIALS_FILE", "AWS_PAGER", "GOOGLE_APPLICATION_CREDENTIALS",
     "CLOUDSDK_CONFIG", "PSQLRC", "MYSQL_HOME", "GNUPGHOME", "SSH_AUTH_SOCK", "SENTRY_CONF",
     "TERMINFO", "INPUTRC", "PERL_MB_OPT", "PERL_MM_OPT", "RUBYGEMS_GEMDEPS", "BUNDLE_GEMFILE",
     "PYENV_VERSION", "RBENV_VERSION", "NODENV_VERSION", "DOCKER_HOST", "DOCKER_CONFIG"}
)  # fmt: skip
_LOADER_PREFIXES = ("LD_", "DYLD_", "GIT_CONFIG", "BASH_FUNC_", "npm_config_", "NPM_CONFIG_")
"""Variables that decide which program, library or configuration a command loads, or run
code of their own (with the `_LOADER_PREFIXES`: `GIT_CONFIG_GLOBAL` or `GIT_CONFIG_KEY_0` names a
git configuration whose `core.sshCommand` runs; `HOME` names `~/.ssh/config`'s `ProxyCommand`), or
that change where a later `cd` goes (`CDPATH`): a runbook is untrusted input, so it may set where
a registry tool runs and its settings (`KUBECONFIG`, `AWS_PROFILE`), never what code the tool is
(sudo resets the same kind of variables). They are refused with that reason; any other name
not `exportable` is refused as not known to be data."""
DATA_VARIABLES = frozenset(
    {"KUBECONFIG", "AWS_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_DEFAULT_OUTPUT",
     "CLOUDSDK_CORE_PROJECT", "CLOUDSDK_COMPUTE_REGION", "CLOUDSDK_COMPUTE_ZONE",
     "GOOGLE_CLOUD_PROJECT", "VAULT_ADDR", "VAULT_NAMESPACE", "CONSUL_HTTP_ADDR", "NOMAD_ADDR",
     "PGHOST", "PGPORT", "PGDATABASE", "PGUSER", "TF_WORKSPACE", "TZ", "LANG", "LC_ALL"}
)  # fmt: skip
"""Variables a runbook may export: where a registry tool points and its settings (a kubeconfig
can name a credential plugin that runs: see SECURITY.md)."""
_DATA_NAME = re.compile(
    r"(?:[A-Z][A-Z0-9]*_)*(?:NAMESPACE|NAME|ID|UUID|POD|NODE|CLUSTER|REGION|ZONE|PROJECT"
    r"|ENVIRONMENT|STAGE|STACK)"
)
"""Names of a runbook's own values (`NAMESPACE`, `POD_NAME`, `CDI_NAMESPACE`): no program
reads such a name as code."""


def exportable(name: str, allowed: frozenset[str] = frozenset()) -> bool:
    """Whether a runbook may export `name` into a command's environment: a known data
    variable, a name of a runbook's own value, or one the caller allows; never one that
    decides which program or code runs."""
    if name in allowed:
        return True
    if name in _LOADER_VARIABLES or name.startswith(_LOADER_PREFIXES):
        return False
    return name in DATA_VARIABLES or _DATA_NAME.fullmatch(name) is not None


class ContextError(Exception):
    """A context line this executor cannot apply exactly; the message says which and why."""


@dataclass(frozen=True)
class Applied:
    """Where the command runs, its environment (None: unchanged) and file mode mask (None:
    unchanged, or `umask 077`'s 0o077)."""

    cwd: str
    environment: dict[str, str] | None
    umask: int | None = None


def apply_context(
    lines: Sequence[ContextLine],
    base: str,
    environ: Mapping[str, str],
    allowed: frozenset[str] = frozenset(),
) -> Applied:
    """Apply a step's context lines in order from the directory `base` and the environment
    `environ`; raise ContextError on the first line that cannot be applied exactly. `allowed`
    adds variable names the caller knows to be data to those a runbook may export."""
    state = _State(base, dict(environ), allowed)
    for line in lines:
        for words in _commands(line):
            state.run(words, line)
    changed = state.environment != dict(environ)
    return Applied(state.cwd, state.environment if changed else None, state.umask)


def _commands(line: ContextLine) -> list[list[str]]:
    """The commands of a line, split at `&&` and `;`; any other shell syntax is refused. A `#`
    opens a comment only after a blank, as in the shell (shlex reads one inside a word too:
    `cd stage#blue` would be `cd stage`), so any other `#` is refused."""
    text = _joined(line)
    if re.search(r"(?<=\S)#|\\\s#", text):
        raise _refused(line, "a `#` inside a word is read differently by shells and here")
    lexer = shlex.shlex(text, posix=True, punctuation_chars=";&|<>()")
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


_HARMLESS_OPTIONS = re.compile(r"[-+][eux]+")
"""`set -e`, `set -u`, `set -x` (and `+`): how the shell itself reacts, nothing a command run
without a shell inherits. `set -a` (export every later assignment), `set -k` or `set --` would
change what runs: refused."""
_HARMLESS_LONG = frozenset({"errexit", "nounset", "xtrace", "pipefail"})
_UNREPLAYED = {
    "alias": "an alias changes what a later command runs, and commands run here without one",
    "unalias": "aliases are not replayed",
    "shopt": "shell options are not replayed",
    "trap": "a trap runs its own command, which is not replayed",
    "ulimit": "resource limits are not replayed",
    "local": "`local` outside a function is an error in the shell",
}


def _joined(line: ContextLine) -> str:
    """A line written over several source lines as the shell reads it: a `\\` before a line
    break joins them (both removed). Any other line break is refused: between commands it
    separates them, and inside quotes the value would keep the next line's indentation, which
    the source's container (a list item, a console prompt) makes uncertain."""
    if "\n" not in line.text:
        return line.text
    out: list[str] = []
    quote = ""
    index = 0
    text = line.text
    while index < len(text):
        char = text[index]
        if char == "\\" and quote != "'" and index + 1 < len(text):
            pair = text[index : index + 2]
            if pair[1] == "\n":
                if quote:
                    raise _refused(line, "a quoted value goes on over a line break")
            else:
                out.append(pair)
            index += 2
            continue
        if char == "\n":
            where = "inside quotes" if quote else "between commands"
            raise _refused(line, f"a line break {where} is not replayed")
        if char in "'\"" and (not quote or quote == char):
            quote = "" if quote else char
        out.append(char)
        index += 1
    return "".join(out)


class _State:
    def __init__(self, cwd: str, environment: dict[str, str], allowed: frozenset[str]) -> None:
        self.cwd = cwd
        self.environment = environment
        self.shell: dict[str, str] = {}  # variables set but not exported
        self.allowed = allowed
        self.stack: list[str] = []
        self.umask: int | None = None

    def run(self, words: list[str], line: ContextLine) -> None:
        program, arguments = words[0], words[1:]
        if _ASSIGNMENT.fullmatch(program):
            for word in words:  # `A=1 B=2` (`A=1 cmd` runs a command: never context)
                if not _ASSIGNMENT.fullmatch(word):
                    raise _refused(line, f"`{word}` runs a command")
                # a prefix (`A=1 cmd`) is exported to the command; a line of its own sets a
                # shell variable, exported only if it already was
                self._assign(word, line, export=line.prefix)
        elif line.prefix:
            raise _refused(line, f"`{program}` is no assignment before a command")
        elif program == "export":
            for word in arguments:
                if _ASSIGNMENT.fullmatch(word):
                    self._assign(word, line, export=True)
                elif not re.fullmatch(_NAME, word):
                    raise _refused(line, f"`{word}` is no variable to export")
                elif word in self.shell:  # `A=1` then `export A`
                    self._check_settable(word, line)
                    self.environment[word] = self.shell.pop(word)
        elif program == "unset":
            for word in arguments:
                if not re.fullmatch(_NAME, word):
                    raise _refused(line, f"`{word}` is no variable to unset")
                if word in self.environment:
                    self._check_settable(word, line)
                    del self.environment[word]
                self.shell.pop(word, None)
        elif program in ("declare", "typeset", "readonly"):
            self._declare(program, arguments, line)
        elif program == "set":
            self._set(arguments, line)
        elif program == "umask":
            if len(arguments) != 1 or not re.fullmatch(r"0?[0-7]{1,3}", arguments[0]):
                raise _refused(line, "only an octal `umask` (`umask 077`) is replayed")
            self.umask = int(arguments[0], 8)
        elif program in _UNREPLAYED:
            raise _refused(line, _UNREPLAYED[program])
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

    def _declare(self, program: str, arguments: list[str], line: ContextLine) -> None:
        """`declare -x A=b` exports like `export`; `readonly A=b` and `declare A=b` set a
        shell variable. Any other option (an array, an integer, a function) is refused."""
        options = "".join(word[1:] for word in arguments if word.startswith("-"))
        if set(options) - {"x", "r"} or any(word.startswith("+") for word in arguments):
            raise _refused(line, f"`{program}` with these options is not replayed")
        export = "x" in options
        for word in (word for word in arguments if not word.startswith("-")):
            if _ASSIGNMENT.fullmatch(word):
                self._assign(word, line, export=export)
            elif not re.fullmatch(_NAME, word):
                raise _refused(line, f"`{word}` is no variable to declare")
            elif export and word in self.shell:
                self._check_settable(word, line)
                self.environment[word] = self.shell.pop(word)

    def _set(self, arguments: list[str], line: ContextLine) -> None:
        """`set -e`, `set -o pipefail`: nothing a command run without a shell inherits."""
        index = 0
        while index < len(arguments):
            option = arguments[index]
            if re.fullmatch(r"[-+][eux]*o", option) and index + 1 < len(arguments):
                if arguments[index + 1] not in _HARMLESS_LONG:
                    raise _refused(line, f"`set {option} {arguments[index + 1]}` is not replayed")
                index += 2
            elif _HARMLESS_OPTIONS.fullmatch(option):
                index += 1
            else:
                raise _refused(line, f"`set {option}` changes what runs; it is not replayed")
        if not arguments:
            raise _refused(line, "`set` alone prints the variables; it is not replayed")

    def _assign(self, word: str, line: ContextLine, export: bool) -> None:
        match = _ASSIGNMENT.fullmatch(word)
        assert match is not None  # callers check
        name = match.group(1)
        export = export or name in self.environment
        if export:
            self._check_settable(name, line)
        value = self._expanded(match.group(2), line)
        if ":~" in value:
            raise _refused(line, "the shell would expand a `~` after `:`; it is not replayed")
        if value == "~" or value.startswith("~/"):  # the shell expands it in an assignment
            value = self._home(line) + value[1:]
        elif value.startswith("~"):
            raise _refused(line, f"the shell would expand `{value}`; it is not replayed")
        if export:
            self.shell.pop(name, None)
            self.environment[name] = value
        else:
            self.shell[name] = value

    def _check_settable(self, name: str, line: ContextLine) -> None:
        if exportable(name, self.allowed):
            return
        if name in _LOADER_VARIABLES or name.startswith(_LOADER_PREFIXES):
            raise _refused(line, f"${name} decides which program or code runs")
        raise _refused(
            line,
            f"${name} is not known to be data (a runbook may export only a name or setting: "
            "KUBECONFIG, AWS_PROFILE, a ..._NAMESPACE or ..._NAME, or what the executor "
            "allows)",
        )

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
