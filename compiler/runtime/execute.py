"""Executors: what happens to a tool call the guard allowed.

An executor is any callable taking an `Execution` and returning an `ExecutionResult`. The
default, `dry_run`, runs nothing: it returns the exact argv the registry's command template
gives, after the step's written context (`cd x`, `export A=b`). `SubprocessExecutor` runs that
argv, with a timeout and no shell, in the directory and environment the context sets, or
refuses the step when the context cannot be applied exactly (`shell_context`). A framework
plugs in its own (an API client, a job queue) with the same signature.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from compiler.models import Step
from compiler.runtime.shell_context import ContextError, apply_context, describe

MAX_OUTPUT = 64 * 1024
"""Characters kept of a command's stdout and of its stderr; the rest is cut, and says so."""


@dataclass(frozen=True)
class Execution:
    """An allowed call: the step, the registry tool, the checked arguments, and the argv the
    command template renders (None when the tool has no template that fits)."""

    step: Step
    tool: str
    arguments: Mapping[str, Any]
    argv: list[str] | None
    render_error: str | None = None


@dataclass(frozen=True)
class ExecutionResult:
    """What an executor reports: `ok` false means the tool ran and failed (or could not run).
    `output` is shown to the agent; `data` is structured detail for the audit log."""

    ok: bool
    output: str
    data: dict[str, Any] = field(default_factory=dict)


Executor = Callable[[Execution], ExecutionResult]


def dry_run(execution: Execution) -> ExecutionResult:
    """Run nothing: report the argv the step would run, after its written context."""
    context = execution.step.context
    data: dict[str, Any] = {"dry_run": True, "argv": execution.argv}
    if context:
        data["context"] = [line.text for line in context]
    if execution.argv is None:
        return ExecutionResult(
            False, f"dry run: no command line for {execution.tool}: {execution.render_error}", data
        )
    words = " ".join(execution.argv)
    after = f" (after: {describe(context)})" if context else ""
    return ExecutionResult(True, f"dry run (not executed): {words}{after}", data)


@dataclass(frozen=True)
class SubprocessExecutor:
    """Run the rendered argv as a child process: no shell, a timeout, output captured. A
    step's context (`cd x`, `export A=b`, `umask 077`) is applied from `directory` (default:
    this process's working directory) and this process's environment; `allow_variables` adds
    names you know to be data to those a runbook may export (`shell_context.exportable`)."""

    timeout: float = 60.0
    directory: str | None = None
    allow_variables: frozenset[str] = frozenset()

    def __call__(self, execution: Execution) -> ExecutionResult:
        """Run the argv; a missing template, a context that cannot be applied exactly, a
        missing program or a timeout is a failure."""
        if execution.argv is None:
            return ExecutionResult(False, f"not executed: {execution.render_error}", {"argv": None})
        data: dict[str, Any] = {"argv": execution.argv}
        context = execution.step.context
        if context:
            data["context"] = [line.text for line in context]
        base = self.directory or os.getcwd()
        try:
            applied = apply_context(context, base, os.environ, self.allow_variables)
        except ContextError as refusal:
            return ExecutionResult(False, str(refusal), data)
        program = execution.argv[0] if execution.argv else ""
        if applied.cwd != os.path.normpath(base) and _found_from_directory(program, os.environ):
            return ExecutionResult(
                False,
                f"not executed: the runbook's `cd` would decide which program {program} is "
                "(a relative path, or a relative entry in PATH); run the step by hand",
                data,
            )
        if context:
            data["cwd"] = applied.cwd
        try:
            done = subprocess.run(  # an argv list, never a shell string
                execution.argv,
                cwd=applied.cwd,
                env=applied.environment,
                capture_output=True,
                text=True,
                errors="replace",
                timeout=self.timeout,
                stdin=subprocess.DEVNULL,
                umask=-1 if applied.umask is None else applied.umask,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return ExecutionResult(False, f"timed out after {self.timeout:g}s", data)
        except OSError as error:
            return ExecutionResult(False, f"could not run {execution.argv[0]}: {error}", data)
        data.update(exit_code=done.returncode)
        output = _cut(done.stdout)
        if done.stderr:
            output += ("\n" if output else "") + "stderr:\n" + _cut(done.stderr)
        status = "" if done.returncode == 0 else f"exit code {done.returncode}\n"
        return ExecutionResult(done.returncode == 0, status + output, data)


def _found_from_directory(program: str, environ: Mapping[str, str]) -> bool:
    """Whether the working directory decides which file `program` is: a relative path
    (`scripts/rotate.sh`), or a bare name while PATH holds a relative entry (`.`, or empty)."""
    if os.path.isabs(program):
        return False
    if "/" in program:
        return True
    path = environ.get("PATH", os.defpath).split(os.pathsep)
    return any(not os.path.isabs(entry) for entry in path)


def _cut(text: str) -> str:
    if len(text) <= MAX_OUTPUT:
        return text
    return text[:MAX_OUTPUT] + f"\n[... {len(text) - MAX_OUTPUT} more characters cut]"
