"""Where and with what a command runs: the `cd`/`export` lines and the shells written before it.

A reader types a runbook's commands into one terminal, so `cd terraform/envs/staging` in a
"Before you start" section decides what `terraform destroy` three sections later destroys, and
after `ssh bastion` or `sudo su -` the commands are typed into that host's or that user's shell.
Such lines are no steps of their own (a shell-opening command is one, too): each command step
carries every one written before it in the runbook, in source order, as that terminal would
have run them (a later `cd` or `export` builds on or overrides an earlier one; `exit` or
`logout` leaves the last shell opened, and what was set in it). An executor applies them
exactly, or refuses the step; a person approving the step sees them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from compiler.extract import DraftStep
from compiler.parse import CodeLine
from compiler.records import ContextLine
from compiler.source import normalise
from compiler.text.shell import CONTINUATION_PROMPT, top_level
from compiler.text.wrappers import opens_shell

_LEAVES_SHELL = re.compile(r"(?:exit|logout)(?:\s+\d+)?")
_LEADING = re.compile(r"(?:cd|pushd|popd|export|unset|source|\.)(?=[\s;&])|[A-Za-z_]\w*=")
"""A `cd`, `export` or assignment before a command on its line (`export KUBECONFIG=x && kubectl
delete pod y`, `cd stack; terraform destroy`), up to its `&&` or `;` (`_marks`), and assignments
before the program (`_words`)."""
_SETS = frozenset({"cd", "pushd", "popd", "export", "unset", "source", "."})
"""Programs that change the terminal's directory or environment for the commands after them."""
_INLINE = re.compile(r"`([^`\n]+)`")
"""Inline code in a step's words: a command the step may run once bound."""


class ShellContext:
    """The context lines read so far, each marked when it opens a shell."""

    def __init__(self, lines: Sequence[str] = ()) -> None:
        self._lines: list[tuple[ContextLine, bool]] = []
        self._source = lines

    def add(self, found: list[tuple[list[CodeLine], str]]) -> None:
        """Record a code block's context lines (from `commands._commands`), as written: each
        source line of one (console prompts and indentation aside), joined by line breaks."""
        for group, _ in found:
            text = "\n".join(line.text for line in group)
            self._lines.append((ContextLine(line=group[0].line, text=text), False))

    def attach(self, drafts: list[DraftStep]) -> list[DraftStep]:
        """A block's drafts, each command with the context written before it; a command that
        opens a shell is context for the commands after it. A step in words runs the commands
        in its inline code ("Then run `kubectl delete pod x`", bound later): it carries the
        context too, and "Log in with `ssh HOST`" opens a shell like the command would. What a
        command line sets for itself (`KUBECONFIG=x kubectl ...`, `cd x && terraform destroy`)
        is its own context, and what it leaves set (`cd x && `, not `KUBECONFIG=x `) is the
        context of the commands after it, as in the terminal."""
        attached = []
        for draft in drafts:
            commands = (
                [draft.command]
                if draft.command is not None
                else []
                if draft.kind == "decision"  # `Use%` in a condition runs nothing
                else _INLINE.findall(draft.text)
            )
            written = self._as_written(draft, commands)
            if not commands:
                attached.append(draft)
                continue
            own = tuple(
                ContextLine(line=draft.span.line, prefix=prefix, text=text)
                for command in written
                for text, prefix in _own_context(command)
            )
            attached.append(replace(draft, context=self._before(draft.span.line) + own))
            # `cd x && cmd` leaves the terminal in x, and `A=b; cmd` sets A, for the commands
            # after it too (and what it sets after cmd: `&& popd`); `A=b cmd` sets A for cmd
            # alone, and `(cd x && cmd)` nothing after its subshell (`{ cd x; cmd; }` runs in
            # the terminal's shell: x stays)
            if not self._in_subshell(draft):
                self._lines += [(line, False) for line in own if not line.prefix]
                self._lines += [
                    (ContextLine(line=draft.span.line, text=text), False)
                    for command in written
                    for text in _left_after(command)
                ]
            for command in commands:
                if opens_shell(command):
                    self._lines.append((ContextLine(line=draft.span.line, text=command), True))
        return attached

    def _as_written(self, draft: DraftStep, commands: list[str]) -> list[str]:
        """The commands as the source writes them (a step's text has its blanks collapsed:
        `A="x  y" cmd` would set `x y`), when the source at the step's span reads the same
        whitespace aside; else as the step has them."""
        span = draft.span
        if not self._source or span.end_line > len(self._source):
            return commands
        first = self._source[span.line - 1]
        if span.line == span.end_line:
            source = first[span.column - 1 : span.end_column]
        else:
            later = [*self._source[span.line : span.end_line - 1]]
            later.append(self._source[span.end_line - 1][: span.end_column])
            source = "\n".join(
                [first[span.column - 1 :]]
                + [CONTINUATION_PROMPT.sub("", text.lstrip(), count=1) for text in later]
            )
        found = [source] if draft.command is not None else _INLINE.findall(source)
        if [normalise(text) for text in found] != [normalise(text) for text in commands]:
            return commands
        return found

    def _in_subshell(self, draft: DraftStep) -> bool:
        """Whether a command step's words are the inside of a `( ... )` subshell that is its
        whole line in the source (`(cd /srv && make clean)`)."""
        span = draft.span
        if draft.command is None or not self._source or span.line != span.end_line:
            return False
        if span.line > len(self._source):
            return False
        text = self._source[span.line - 1]
        before, after = text[: span.column - 1].rstrip(), text[span.end_column :].strip()
        return before.endswith("(") and after == ")"

    def _before(self, line: int) -> tuple[ContextLine, ...]:
        """The terminal's state before a line: what was typed, less the shells left."""
        state: list[tuple[ContextLine, bool]] = []
        for context, shell in sorted(self._lines, key=lambda item: item[0].line):
            if context.line >= line:
                break
            if not _LEAVES_SHELL.fullmatch(context.text):
                state.append((context, shell))
            elif any(opened for _, opened in state):  # back to before the last shell
                while not state.pop()[1]:
                    pass
        return tuple(context for context, _ in state)


def _own_context(command: str) -> list[tuple[str, bool]]:
    """What a command line sets for itself before its program runs (the registry binds the
    program without it): `cd x && `, `export A=b; `, `A=b; `, and `A=b ` or `env A=b ` before
    the program, marked as a prefix (the shell exports those to the program alone; `A=b; cmd`
    sets a shell variable the program never sees)."""
    own = []
    position = 0
    marks = _marks(command)
    while _LEADING.match(command, position):
        mark = next(((at, end) for at, end in marks if at >= position), None)
        if mark is None or command[mark[0] : mark[1]] not in ("&&", ";"):
            break  # `cd x | tee log`, or the last command of the line
        part = command[position : mark[0]].rstrip()
        if not _sets_only(part):
            break  # `A=b oc get pods && ...`: A is the program's alone (below)
        own.append((part, False))
        position = mark[1] + len(command[mark[1] :]) - len(command[mark[1] :].lstrip())
    # variables set for the program alone (`KUBECONFIG=x kubectl ...`, `env A=b cmd`): the
    # registry binds the command without them, so they are its own context too
    # (`sudo A=b cmd` passes A to cmd too, and the binder binds cmd without `sudo`)
    spans = _words(command, position)
    run: list[tuple[int, int]] = []
    for index, (start, end) in enumerate(spans):
        word = command[start:end]
        if _ASSIGNMENT.match(word) and index + 1 < len(spans):
            run.append((start, end))
            continue
        if run:
            # `A=b sudo cmd`: sudo resets the environment it was given, as its policy says;
            # kept with the `sudo`, which no executor replays
            last = end if word == "sudo" else run[-1][1]
            own.append((command[run[0][0] : last], True))
            run = []
        if word not in ("env", "sudo"):
            break
    return own


def _sets_only(part: str) -> bool:
    """Whether one command of a line only sets the terminal's state: `cd x`, `export A=b`,
    `A=b` (every word an assignment), not `A=b cmd`, which runs cmd."""
    words = [part[a:b] for a, b in _words(part, 0)]
    return bool(words) and (words[0] in _SETS or all(_ASSIGNMENT.match(w) for w in words))


def _left_after(command: str) -> list[str]:
    """What a command line sets after its program, for the commands after it: `popd` in
    `pushd x && make && popd`, `cd ..` in `cd x && make; cd ..`, `A=b` in `url?a=1&A=b` (the
    line as the reader meant it, each part done). A part in a pipeline or sent to the
    background (`make | cd x`, `cd x &`) runs in a subshell and sets nothing here. After `||`
    whether it ran is not written: the whole line is carried, which no executor replays (the
    later steps are refused, never run in a guessed directory)."""
    marks = _marks(command)
    leading = sum(1 for _, prefix in _own_context(command) if not prefix)
    later = marks[leading:]  # from the mark after the program
    left = []
    for index, (start, end) in enumerate(later):
        after = later[index + 1] if index + 1 < len(later) else None
        part = command[end : after[0] if after else len(command)].strip()
        if not _sets_only(part):
            continue  # a command, or `A=b cmd`: its assignments are cmd's alone
        before, next_mark = command[start:end], command[after[0] : after[1]] if after else ""
        if before == "|" or next_mark in ("|", "&"):
            continue
        if before == "||":
            return [command]
        left.append(part)
    return left


_ASSIGNMENT = re.compile(r"[A-Za-z_]\w*=")


def _words(text: str, start: int) -> list[tuple[int, int]]:
    """(start, end) of each word of the command at `start`, up to its `;`, `&&` or `|`: words
    split at blanks outside quotes and substitutions (`A=$(oc get x -o name) cmd`: two)."""
    stop = next((at for at, _ in _marks(text) if at >= start), len(text))
    found: list[tuple[int, int]] = []
    begin = None
    for index, top in top_level(text, start, stop):
        if top and text[index].isspace():
            if begin is not None:
                found.append((begin, index))
                begin = None
        elif begin is None:
            begin = index
    if begin is not None:
        found.append((begin, stop))
    return found


def _marks(text: str) -> list[tuple[int, int]]:
    """(start, end) of each `&&`, `||`, `;`, `|` and `&` between a line's commands: not one
    inside quotes, a `$(...)` or `${...}` or backquotes (`export A=$(ssh h 'x && y') && cmd`
    ends at its second `&&`)."""
    found: list[tuple[int, int]] = []
    for index, top in top_level(text):
        if top and text[index] in ";&|" and not (found and index < found[-1][1]):
            end = index + 2 if text.startswith(("&&", "||"), index) else index + 1
            found.append((index, end))
    return found
