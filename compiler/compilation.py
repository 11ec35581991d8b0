"""What a compile run works with and gives back: the files, what they share, the results.

Light on purpose (no parser, extractor or rule is imported here): a run whose results all come
from the cache never loads the stages; `compiler.pipeline` does, when a file needs compiling.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from compiler.config import Config
from compiler.extract import Usage
from compiler.registry import Profiles, Registry
from compiler.signoff import sidecar_path
from compiler.values import Value, set_field

if TYPE_CHECKING:
    from compiler.extract.llm import LLMSettings
    from compiler.models import Artifact
    from compiler.records import Diagnostic


@dataclass(init=False, repr=False, eq=False)
class SourceFile(Value):
    """A runbook to compile: where it is, how to name it, where its artifact goes."""

    path: Path
    display: str
    source_path: str
    output: str
    refused: str | None = None
    """Why the file must not be read at all (a symlink leaving the compiled tree), or None."""

    def __init__(
        self, path: Path, display: str, source_path: str, output: str, refused: str | None = None
    ) -> None:
        set_field(self, "path", path)
        set_field(self, "display", display)
        set_field(self, "source_path", source_path)
        set_field(self, "output", output)
        set_field(self, "refused", refused)


@dataclass(init=False, repr=False, eq=False)
class Environment(Value):
    """What every compile in one run shares."""

    registry: Registry
    profiles: Profiles = field(default_factory=Profiles.empty)
    config: Config = field(default_factory=Config)
    llm: LLMSettings | None = None
    """Settings of the LLM extractor; None compiles with the heuristic extractor alone."""

    def __init__(
        self,
        registry: Registry,
        profiles: Profiles | None = None,
        config: Config | None = None,
        llm: LLMSettings | None = None,
    ) -> None:
        set_field(self, "registry", registry)
        set_field(self, "profiles", Profiles.empty() if profiles is None else profiles)
        set_field(self, "config", Config() if config is None else config)
        set_field(self, "llm", llm)


@dataclass(init=False, repr=False, eq=False)
class CompileResult(Value):
    """An artifact, or the fatal diagnostic that prevented one.

    An artifact always comes with its canonical JSON (`text`); the pydantic model is parsed
    from the text on demand, so neither a compile nor a no-change re-compile builds it unless
    a caller reads it (a `check` shows the diagnostics, which a fresh compile keeps as
    records, and reads a cached artifact's with `json`).
    """

    source: SourceFile
    fatal: Diagnostic | None = None
    usage: Usage = field(default_factory=Usage)
    text: str | None = None
    """The artifact's canonical JSON, as written to disk; None for a fatal result."""
    known_status: str | None = None
    diagnostics: tuple[Diagnostic, ...] | None = None
    """The artifact's diagnostics after a fresh compile; None after a cache hit."""

    def __init__(
        self,
        source: SourceFile,
        fatal: Diagnostic | None = None,
        usage: Usage | None = None,
        text: str | None = None,
        known_status: str | None = None,
        diagnostics: tuple[Diagnostic, ...] | None = None,
    ) -> None:
        set_field(self, "source", source)
        set_field(self, "fatal", fatal)
        set_field(self, "usage", Usage() if usage is None else usage)
        set_field(self, "text", text)
        set_field(self, "known_status", known_status)
        set_field(self, "diagnostics", diagnostics)

    @cached_property
    def artifact(self) -> Artifact | None:
        """The artifact model, or None for a fatal result."""
        if self.text is None:
            return None
        from compiler.models import Artifact  # not loaded by a run that never parses one

        return Artifact.model_validate_json(self.text)

    @property
    def artifact_json(self) -> str:
        """The artifact as written to disk (callers ensure the result is not fatal)."""
        assert self.text is not None
        return self.text

    @property
    def status(self) -> str | None:
        """ "ready" or "blocked", or None for a fatal result."""
        if self.known_status is not None:
            return self.known_status
        return self.artifact.status if self.artifact is not None else None


def displayed(result: CompileResult) -> list[Diagnostic]:
    """A result's diagnostics with paths as the user named them (runbook or its sidecar); a
    file that could not be compiled has its one fatal diagnostic."""
    if result.text is None:
        assert result.fatal is not None
        return [result.fatal]
    recorded = result.source.source_path
    sidecar = str(sidecar_path(result.source.path))
    return [
        replace(d, path=result.source.display if d.path == recorded else sidecar)
        for d in diagnostics_of(result)
    ]


def diagnostics_of(result: CompileResult) -> tuple[Diagnostic, ...]:
    """The diagnostics of a result with an artifact, as records: kept from a fresh compile, or
    read from a cached artifact's JSON with `json` (no pydantic model is built; an entry
    that does not hold valid diagnostics is reported as the model's validation error)."""
    if result.diagnostics is not None:
        return result.diagnostics
    from compiler.records import diagnostic_from_data

    assert result.text is not None
    try:
        return tuple(map(diagnostic_from_data, json.loads(result.text)["diagnostics"]))
    except (ValueError, TypeError, KeyError, AttributeError):
        assert result.artifact is not None  # raises the model's own error
        return tuple(diagnostic_from_data(d.model_dump()) for d in result.artifact.diagnostics)
