"""The project on disk: finding runbooks, registries and configuration, compiling many
(with the cache), the `--out` directory, sign-offs, agent files, schema files, eval
running. Only the command line imports this package; nothing here is a compile stage.
"""

from __future__ import annotations


class WorkspaceError(Exception):
    """Bad arguments or setup: the tool could not do its job (exit 2)."""


class BaselineError(Exception):
    """The baseline or list file cannot be read (exit 2). Here, not in `baseline`, so the
    command line can catch it without loading baselines on every run."""


def parse_inputs(pairs: list[str]) -> dict[str, str]:
    """`NAME=VALUE` pairs as a dict; a pair without `=` is a WorkspaceError."""
    inputs: dict[str, str] = {}
    for pair in pairs:
        name, eq, value = pair.partition("=")
        if not eq or not name.strip():
            raise WorkspaceError(f"--input {pair!r}: expected NAME=VALUE")
        inputs[name.strip()] = value
    return inputs


def os_reason(error: OSError) -> str:
    """What went wrong with a file, in the system's words."""
    return error.strerror or str(error)
