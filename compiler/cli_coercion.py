"""Command-line values coerced without pydantic: typer's own results, at a fraction of the
start-up cost of every `runbookc` run (tests/test_cli_coercion.py holds the two to the same
values, types and errors)."""

import enum
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typer

_DECIMAL = re.compile(r"0|[1-9][0-9]{0,17}")
"""A whole number as pydantic reads it, written plainly (no sign, spaces, "_" or exponent)."""


def install() -> None:
    """Coerce the plain command-line values typer 0.29 hands to pydantic without it.

    typer builds a pydantic `TypeAdapter` for every parameter it coerces: importing pydantic
    and building them is 300 M of the 1,350 M instructions of a `check` of a clean file served
    from the cache. Every parameter here is a `str`, a `Path`, a `bool` flag, a bounded `int`
    or `float`, a `StrEnum` choice, or a list of `str` or `Path`. For those this returns what
    typer's adapter returns (typer's own `coerce_cli_path` and `coerce_cli_choice` do the work;
    a `str` is itself; a plain decimal is `int()` of it) when the value plainly fits; anything
    else (an error, an unusual value or annotation) goes through typer's own adapter, so its
    results and messages are typer's (tests/test_cli_coercion.py compares the two).
    If typer's internals are not as expected, nothing is changed"""
    try:
        import typer._param_types as param_types
        import typer.core as typer_core
        from typer._coercion import RuntimeParam, TypeDescriptor

        original = typer_core.build_runtime_param  # type: ignore[attr-defined]
        coerce_path, coerce_choice = param_types.coerce_cli_path, param_types.coerce_cli_choice
    except (ImportError, AttributeError):
        return

    def leaf(annotation: object, info: typer.models.ParameterInfo, value: Any, ctx: Any) -> Any:
        if (annotation is str or annotation is bool) and type(value) is annotation:
            return value
        if annotation is Path and type(value) is str and value and "\0" not in value:
            return coerce_path(Path(value), info, path_type=Path, ctx=ctx)
        if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
            return coerce_choice(
                value, choices=list(annotation), case_sensitive=info.case_sensitive, ctx=ctx
            )
        if annotation in (int, float) and not info.clamp:
            number: int | float
            if type(value) is annotation:
                number = value
            elif annotation is int and type(value) is str and _DECIMAL.fullmatch(value):
                number = int(value)
            else:
                raise ValueError(value)
            low, high = info.min, info.max
            if (low is None or number >= low) and (high is None or number <= high):
                return number
        raise ValueError(value)

    @dataclass(frozen=True)
    class PlainRuntimeParam(RuntimeParam):
        descriptor: TypeDescriptor
        typers: list[RuntimeParam]

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            info = self.parameter_info
            try:
                if self.annotation in (list[str], list[Path]):
                    item = self.annotation.__args__[0]
                    items = value if isinstance(value, (list, tuple)) else [value]
                    return [leaf(item, info, one, ctx) for one in items]
                return leaf(self.annotation, info, value, ctx)
            except Exception:  # typer's adapter decides, and words the error
                if not self.typers:
                    self.typers.append(original(self.descriptor))
                return self.typers[0]._coerce_value(value, param=param, ctx=ctx)

    plain = (str, bool, Path, int, float, list[str], list[Path])

    def build(descriptor: TypeDescriptor) -> RuntimeParam:
        annotation, info = descriptor.annotation, descriptor.parameter_info
        enum_choice = isinstance(annotation, type) and issubclass(annotation, enum.Enum)
        if (
            descriptor.file_annotation is not None
            or info.parser is not None
            or not (annotation in plain or enum_choice)
            or info.path_type is not None
            or info.resolve_path
            or info.allow_dash
        ):
            return original(descriptor)
        return PlainRuntimeParam(info, annotation, descriptor, [])

    typer_core.build_runtime_param = build  # type: ignore[attr-defined]
