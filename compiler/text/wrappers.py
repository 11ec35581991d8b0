"""Commands that run another command: `sudo`, `env`, `timeout`, `ssh HOST CMD`, `bash -c`,
`kubectl exec POD -- CMD`, `docker run IMAGE CMD`, `WRAPPER ... -- CMD`.

A wrapper's own words say little about what happens; the command it runs says it. This module
finds that inner command, as argv, so that the step's effect can be at least the inner one's.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

from compiler.text.shell import split_pipeline


@dataclass(frozen=True)
class _Prefix:
    """A program that runs the rest of its words as a command, after its options and
    `operands` words of its own (`timeout 30s CMD`: one operand)."""

    valued: frozenset[str] = frozenset()
    """Options whose value is the next word (`sudo -u USER`)."""
    operands: int = 0
    assignments: bool = False
    """Leading `NAME=value` words are the wrapper's (`env A=b CMD`)."""
    joined: bool = False
    """The inner words are joined and read by a shell (`watch`, `ssh HOST ...`)."""


def _options(words: str) -> frozenset[str]:
    return frozenset(words.split())


_DOCKER = _Prefix(
    _options(
        "-e --env --env-file -u --user -w --workdir --name -v --volume -p --publish -l --label "
        "--network --net --entrypoint --mount --platform -h --hostname --add-host --cpus -m "
        "--memory --restart --log-driver --pull --detach-keys --cidfile --device --dns"
    ),
    operands=1,
)
_KUBE_EXEC = _Prefix(
    _options("-n --namespace -c --container --context --kubeconfig --cluster --user -f"),
    operands=1,
)
_PREFIXES: dict[tuple[str, ...], _Prefix] = {
    ("sudo",): _Prefix(_options("-u -g -h -p -C -D -r -t -U -T --user --group"), 0, True),
    ("doas",): _Prefix(_options("-u -C")),
    ("env",): _Prefix(_options("-u -C -S --unset --chdir"), assignments=True),
    ("nohup",): _Prefix(),
    ("time",): _Prefix(_options("-f -o --format --output")),
    ("timeout",): _Prefix(_options("-s -k --signal --kill-after"), operands=1),
    ("nice",): _Prefix(_options("-n --adjustment")),
    ("ionice",): _Prefix(_options("-c -n -p --class --classdata")),
    ("stdbuf",): _Prefix(_options("-i -o -e")),
    ("chroot",): _Prefix(operands=1),
    ("setsid",): _Prefix(),
    ("exec",): _Prefix(_options("-a")),
    ("command",): _Prefix(),
    ("flock",): _Prefix(_options("-w -E --timeout --conflict-exit-code"), operands=1),
    ("xargs",): _Prefix(
        _options("-n -P -I -L -d -E -s -a --max-args --max-procs --delimiter --arg-file")
    ),
    ("watch",): _Prefix(_options("-n --interval -d"), joined=True),
    ("ssh",): _Prefix(
        _options("-i -p -l -o -J -F -L -R -D -W -b -c -E -e -m -O -Q -S -w -B -I"),
        operands=1,
        joined=True,
    ),
    ("bundle", "exec"): _Prefix(),
    ("kubectl", "exec"): _KUBE_EXEC,
    ("oc", "exec"): _KUBE_EXEC,
    ("oc", "rsh"): _KUBE_EXEC,
    ("docker", "exec"): _DOCKER,
    ("docker", "run"): _DOCKER,
    ("podman", "exec"): _DOCKER,
    ("podman", "run"): _DOCKER,
    ("nerdctl", "exec"): _DOCKER,
    ("nerdctl", "run"): _DOCKER,
    ("docker", "compose", "exec"): _DOCKER,
    ("docker", "compose", "run"): _DOCKER,
    ("docker-compose", "exec"): _DOCKER,
    ("docker-compose", "run"): _DOCKER,
}
_SHELLS = frozenset({"sh", "bash", "zsh", "dash", "ksh", "ash", "su"})
_SHELL_COMMAND_FLAG = re.compile(r"-[a-z]*c[a-z]*")
"""`-c`, `-ec`, `-xc`: the next word is the command string."""
_STRING_OPTIONS = frozenset({"--command"})
"""Options whose value is a shell command, whatever the program (`gcloud compute ssh VM
--command 'CMD'`)."""
_DEPTH = 4
_PROGRAM = re.compile(r"(?:\.{0,2}/)?(?:[\w.+-]+/)*[A-Za-z_][\w+-]*")
"""A word that can name a program: `kubectl`, `/bin/bash`, `./run`; not an option or a file
name with an extension (`git log -- stop.go` runs nothing)."""


def inner_commands(argv: list[str]) -> list[list[str]]:
    """The commands a wrapper command runs, as argv, unwrapped again when they are wrappers
    too (`sudo -u app bash -c 'rm -rf /srv/app'` -> `[bash, -c, ...]`, `[rm, -rf, /srv/app]`).
    Empty when argv runs no other command."""
    found: list[list[str]] = []
    pending, depth = [argv], 0
    while pending and depth < _DEPTH:
        nested = [inner for words in pending for inner in _unwrapped(words)]
        found += nested
        pending, depth = nested, depth + 1
    return found


def _unwrapped(argv: list[str]) -> list[list[str]]:
    """What one wrapper runs: after `--`, behind a `-c` or `--command` string, or after a
    known wrapper's options and operands."""
    if not argv:
        return []
    runs: list[list[str]] = []
    if "--" in argv[1:]:
        after = argv[argv.index("--", 1) + 1 :]
        if after and _PROGRAM.fullmatch(after[0]):
            runs.append(after)
    runs += [c for s in _command_strings(argv) for c in shell_commands(s)]
    runs += _find_actions(argv)
    if runs:
        return runs
    for length in (3, 2, 1):
        prefix = _PREFIXES.get(tuple(argv[:length]))
        if prefix is not None and len(argv) > length:
            return _after_prefix(argv[length:], prefix)
    return []


def _command_strings(argv: list[str]) -> list[str]:
    strings = []
    for index, word in enumerate(argv[1:], start=1):
        name, equals, value = word.partition("=")
        following = argv[index + 1] if index + 1 < len(argv) else ""
        if name in _STRING_OPTIONS:
            strings.append(value if equals else following)
        elif _SHELL_COMMAND_FLAG.fullmatch(word) and argv[0] in _SHELLS and following:
            strings.append(following)
    return [s for s in strings if s]


def _find_actions(argv: list[str]) -> list[list[str]]:
    """`find ... -exec CMD {} ;` (or `-execdir`, `-ok`, ending in `;` or `+`) runs CMD."""
    if argv[0] != "find":
        return []
    runs, index = [], 1
    while index < len(argv):
        if argv[index] in ("-exec", "-execdir", "-ok", "-okdir"):
            end = next(
                (i for i in range(index + 1, len(argv)) if argv[i] in (";", "+", "\\;")),
                len(argv),
            )
            if end > index + 1:
                runs.append(argv[index + 1 : end])
            index = end
        index += 1
    return runs


def _after_prefix(words: list[str], prefix: _Prefix) -> list[list[str]]:
    index, operands = 0, prefix.operands
    while index < len(words):
        word = words[index]
        if word == "--":
            index += 1
            break
        if word.startswith("-") and len(word) > 1:
            index += 2 if word in prefix.valued else 1
        elif prefix.assignments and "=" in word and not word.startswith("="):
            index += 1
        elif operands:
            operands -= 1
            index += 1
        else:
            break
    inner = words[index:]
    if not inner:
        return []
    if prefix.joined:
        return shell_commands(" ".join(inner))
    return [inner]


def shell_commands(text: str) -> list[list[str]]:
    """Every command a shell string runs, each pipeline stage as its own argv."""
    parsed = split_pipeline(text)
    if parsed is None:
        return []
    stages = [*parsed.stages, *(stage for p in parsed.followers for stage in p)]
    inner = [c for s in parsed.substitutions for c in shell_commands(s)]
    return [stage for stage in stages if stage] + inner


def opens_shell(command: str) -> bool:
    """Whether a command opens an interactive shell the commands after it run in. When in doubt
    it does: a command taken for one typed into a shell is refused by an executor, one taken
    for a local command is run here. `ssh HOST`, `sudo su -`, `sudo -i`, `oc rsh POD`, `oc debug
    node/NODE`, `kubectl exec -it POD -- bash`, `chroot /host`, `gcloud compute ssh VM`, `aws ssm
    start-session`: the commands written after it are typed into that shell (on that host, as
    that user)."""
    if not any(char in command for char in "'\"\\"):
        words = [word for word in _BLANKS.split(command) if word]  # what shlex.split gives
    else:
        try:
            words = shlex.split(command)
        except ValueError:
            words = command.split()
    return _opens(words)


_BLANKS = re.compile(r"[ \t\r\n]+")
"""What shlex splits words on (posix, no comments): with no quote or backslash in a command,
its words are the runs between these, and shlex, several times slower, need not run."""


_SHELLS = frozenset({"sh", "bash", "zsh", "ash", "dash", "ksh", "csh", "tcsh", "fish"})
_SSH_VALUED = frozenset("BbcDEeFIiJLlmOopQRSWw")
"""ssh's options that take a value (`-p 2222`, `-i key`, `-J jump`)."""
_SUDO_VALUED = frozenset("ughpCDrtUT")


def _is_shell(words: list[str]) -> bool:
    """A shell with no script or command to run (`bash`, `/bin/sh -l`), or a command opening
    one."""
    if not words:
        return False
    if words[0].rsplit("/", 1)[-1] in _SHELLS:
        return not any(word == "-c" or not word.startswith("-") for word in words[1:])
    return _opens(words)


def _opens(words: list[str]) -> bool:
    while words[:1] == ["sudo"] or (words and re.fullmatch(r"[A-Za-z_]\w*=.*", words[0])):
        if words[0] == "sudo":
            return _sudo_opens(words[1:])
        words = words[1:]  # `TERM=xterm ssh host`
    if not words:
        return False
    program, rest = words[0].rsplit("/", 1)[-1], words[1:]
    if program in ("ssh", "autossh", "mosh"):
        return _ssh_opens(rest)
    if program == "tsh" and "ssh" in rest:
        return _ssh_opens(rest[rest.index("ssh") + 1 :], loose=True)
    if program == "su":
        return not any(
            word in ("-c", "--command") or word.startswith("--command=") for word in rest
        )
    if program in ("kubectl", "oc"):
        verb = _kube_verb(rest)
        if verb and verb[0] == "rsh":
            return _runs_nothing_after(verb[1:], valued=("-c", "--container"))
        if program == "oc" and verb and verb[0] == "debug":  # interactive by default
            after = rest[rest.index("--") + 1 :] if "--" in rest else []
            return not after or _is_shell(after)
    if program in ("kubectl", "oc", "docker", "podman", "nerdctl", "crictl"):
        return _container_opens(program, rest)
    if program == "gcloud" and rest[:2] == ["compute", "ssh"]:
        return not any(word == "--command" or word.startswith("--command=") for word in rest)
    if program == "aws" and rest[:2] == ["ssm", "start-session"]:
        return True
    if program in ("nsenter", "chroot", "toolbox"):  # with no command: a shell in there
        operands = [
            word
            for before, word in zip(["", *rest], rest, strict=False)
            if not word.startswith("-") and before not in ("-t", "--target")
        ]
        return not operands[1 if program == "chroot" else 0 :]
    return program == "az" and rest[:2] == ["ssh", "vm"]


def _kube_verb(words: list[str]) -> list[str]:
    """The words from a kubectl/oc verb on, past global options (`-n NS`, `--context X`)."""
    index = 0
    while index < len(words) and words[index].startswith("-"):
        word = words[index]
        index += 1 if "=" in word else 2
    return words[index:]


def _runs_nothing_after(words: list[str], valued: tuple[str, ...]) -> bool:
    """`rsh [-c container] POD` with no command, or with a shell as its command."""
    index = 0
    while index < len(words) and words[index].startswith("-") and words[index] != "--":
        index += 2 if words[index] in valued else 1
    command = words[index + 1 :]
    if command[:1] == ["--"]:
        command = command[1:]
    return index < len(words) and (not command or _is_shell(command))


def _ssh_opens(words: list[str], loose: bool = False) -> bool:
    """`ssh [options] HOST [options]` with no command for the host (`-N`, `-f`, `-W`: none
    runs). `loose` (tsh): a long option may take the next word, so any words after the host
    still open a shell unless they do not."""
    host: str | None = None
    index = 0
    while index < len(words):
        word = words[index]
        index += 1
        if word == "--":
            break
        if word.startswith("-") and len(word) > 1:
            if not word.startswith("--") and any(flag in word for flag in "NfW"):
                return False
            valued = word[-1] in _SSH_VALUED and not word.startswith("--")
            if valued or (loose and word.startswith("--") and "=" not in word):
                index += 1
            continue
        if host is not None:
            return _is_shell(words[index - 1 :])  # a command run on the host
        host = word
    remote = words[index:] if host is not None else []
    return host is not None and (not remote or _is_shell(remote))


def _sudo_opens(words: list[str]) -> bool:
    """`sudo -i`, `sudo -s`, `sudo -iu git`, or sudo running a shell or a command opening one."""
    index = 0
    shell = False
    while index < len(words) and words[index].startswith("-") and words[index] != "--":
        word = words[index]
        index += 1
        if word.startswith("--"):
            shell = shell or word in ("--login", "--shell")
            if "=" not in word and word in ("--user", "--group", "--host", "--prompt"):
                index += 1
            continue
        shell = shell or "i" in word or "s" in word
        if word[-1] in _SUDO_VALUED:
            index += 1
    command = words[index + (words[index : index + 1] == ["--"]) :]
    return (shell and not command) or _is_shell(command)


def _container_opens(program: str, words: list[str]) -> bool:
    """`kubectl exec -it POD -- bash`, `kubectl debug -it node/x`, `docker run -it IMAGE`:
    interactive, with a shell or nothing to run."""
    verbs = [word for word in words if word in ("exec", "debug", "run", "attach")]
    if not verbs or not any(
        re.fullmatch(r"-[a-zA-Z]*i[a-zA-Z]*|--stdin(?:=true)?|--interactive(?:=true)?", word)
        for word in words
    ):
        return False
    if "--" in words:
        return _is_shell(words[words.index("--") + 1 :]) or not words[words.index("--") + 1 :]
    if verbs[0] == "exec":
        return any(word.rsplit("/", 1)[-1] in _SHELLS for word in words)
    if verbs[0] == "run" and program != "kubectl":
        command = _after_image(words[words.index("run") + 1 :])
        return not command or _is_shell(command)
    return True  # debug, kubectl run, attach with no command after `--`: the image's shell


_FLAGS = frozenset(
    {"-i", "-t", "-it", "-ti", "-d", "-itd", "-dit", "--rm", "--privileged", "--init", "-P",
     "--interactive", "--tty", "--read-only", "--detach"}
)  # fmt: skip


def _after_image(words: list[str]) -> list[str]:
    """The command a `docker run` runs: the words after its image (an option not known to be
    a flag, and written without `=`, takes the next word: `-v /:/media`, `--name x`)."""
    index = 0
    while index < len(words) and words[index].startswith("-"):
        word = words[index]
        index += 1 if word in _FLAGS or "=" in word else 2
    return words[index + 1 :]
