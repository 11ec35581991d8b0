"""The CLI's plain coercion of command-line values (compiler.cli_coercion.install) gives what
typer's own pydantic adapters give, value, type and error, for every parameter of every
command."""

import enum
from pathlib import Path
from typing import Any

import pytest
import typer
import typer.core
from typer._coercion import build_runtime_param as typers_own
from typer.main import get_command

from compiler.cli import app


def _parameters() -> list[Any]:
    found: list[Any] = []

    def walk(command: Any) -> None:
        found.extend(p for p in command.params if hasattr(p, "type_descriptor"))
        for sub in getattr(command, "commands", {}).values():
            walk(sub)

    walk(get_command(app))
    return found


def _samples(annotation: Any, tmp: Path) -> list[Any]:
    existing, missing = str(tmp), str(tmp / "missing.md")
    if annotation in (list[Path], list[str]):
        return [[existing, missing], (existing,), [], existing, ["", "a"]]
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        choices = [member.value for member in annotation]
        return [*choices, choices[0].upper(), "nonsense", "", 3]
    return [existing, missing, "", ".", "a\0b", "0", "1", "7", "-1", " 2", "+3", "1_0", "1.5",
            "1e3", "007", "x", 0, 1, 2, 1.5, 0.5, True, False]  # fmt: skip


def _outcome(runtime: Any, value: Any, param: Any, ctx: Any) -> tuple[str, Any]:
    try:
        result = runtime._coerce_value(value, param=param, ctx=ctx)
    except Exception as error:  # the error is compared, type and words
        return ("error", (type(error), str(error)))
    return ("value", (type(result), result))


def test_the_plain_coercion_is_installed() -> None:
    assert typer.core.build_runtime_param is not typers_own
    build = typer.core.build_runtime_param
    kinds = {type(build(p.type_descriptor)).__name__ for p in _parameters()}
    assert "PlainRuntimeParam" in kinds


@pytest.mark.parametrize("index", range(len(_parameters())))
def test_plain_coercion_matches_typers_adapter(index: int, tmp_path: Path) -> None:
    param = _parameters()[index]
    ctx = typer.Context(get_command(app))
    descriptor = param.type_descriptor
    ours, theirs = typer.core.build_runtime_param(descriptor), typers_own(descriptor)
    for value in _samples(descriptor.annotation, tmp_path):
        assert _outcome(ours, value, param, ctx) == _outcome(theirs, value, param, ctx), value
