"""Load a compiled artifact for an agent, failing closed on anything unsafe.

`read_artifact` answers "is this a genuine, intact artifact?" (JSON, schema version, JSON
Schema and model, integrity, graph shape). `load` adds "may an agent act on it now?" (registry
and profiles unchanged since compile, not blocked, a known executor profile).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path, PurePosixPath
from types import MappingProxyType
from typing import Any

import jsonschema
from pydantic import ValidationError

from compiler.emit import content_digest
from compiler.models import SCHEMA_VERSION, Artifact, Step
from compiler.registry import (
    Profiles,
    Registry,
    bundled_schema,
    file_sha256,
    load_profiles,
    load_registry,
)

MAX_DEPTH = 64
"""Deepest JSON nesting read; the compiler's artifacts nest well under it (front matter YAML
is limited to 32 levels), and a deeper file would exhaust the recursion of the checks."""


class ArtifactError(Exception):
    """An artifact that an agent must not load; the message names the file and the reason."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason


class ArtifactUnreadable(ArtifactError):  # noqa: N818 - names fixed by the runtime API
    """The artifact file cannot be read at all."""


class ArtifactSchemaError(ArtifactError):
    """Not JSON, truncated, or not a valid artifact (JSON Schema, model, or graph shape)."""


class UnknownSchemaVersion(ArtifactError):  # noqa: N818 - names fixed by the runtime API
    """The artifact was written for a schema version this runtime does not read."""


class ArtifactTampered(ArtifactError):  # noqa: N818 - names fixed by the runtime API
    """The integrity digest does not match the content: edited after compile, or unsealed."""


class SourceDrift(ArtifactError):  # noqa: N818 - names fixed by the runtime API
    """The runbook source changed since the artifact was compiled."""


class SourceMissing(SourceDrift):
    """The runbook the artifact records as its source is not there: an orphan artifact (its
    runbook was deleted) or a hand-made one."""


class RegistryDrift(ArtifactError):  # noqa: N818 - names fixed by the runtime API
    """The tool registry changed since the artifact was compiled."""


class ProfilesDrift(ArtifactError):  # noqa: N818 - names fixed by the runtime API
    """The executor profiles changed since the artifact was compiled."""


class RunbookBlocked(ArtifactError):  # noqa: N818 - names fixed by the runtime API
    """The artifact is blocked, or carries blocking diagnostics nobody signed off."""


class RelaxedPolicy(ArtifactError):  # noqa: N818 - names fixed by the runtime API
    """Compiled with a blocking rule switched off or downgraded by configuration."""


class UnknownProfile(ArtifactError):  # noqa: N818 - names fixed by the runtime API
    """The executor profile is not defined in the profiles file (or none was given)."""


@dataclass(frozen=True)
class CompiledRunbook:
    """A loaded, verified artifact: read-only, with the registry and executor it was checked
    against. `permissions` is None when no profile was loaded (the guard then denies every
    step that needs a permission)."""

    artifact: Artifact
    path: str
    registry: Registry | None = None
    profiles: Profiles | None = None
    profile: str | None = None
    permissions: frozenset[str] | None = None

    @cached_property
    def steps(self) -> Mapping[str, Step]:
        """Steps by id, read-only."""
        return MappingProxyType({step.id: step for step in self.artifact.steps})

    @property
    def id(self) -> str:
        """The runbook id."""
        return self.artifact.runbook.id

    @property
    def entry(self) -> Step:
        """The first step of the graph."""
        assert self.artifact.entry is not None  # read_artifact rejects artifacts without one
        return self.step(self.artifact.entry)

    def step(self, step_id: str) -> Step:
        """The step with this id; KeyError naming the runbook if there is none."""
        try:
            return self.steps[step_id]
        except KeyError:
            raise KeyError(f"runbook {self.id!r} has no step {step_id!r}") from None


def find_source(artifact: Artifact, compiled: Path | str) -> Path | None:
    """The runbook an artifact was compiled from, looked up by its recorded path from the
    working directory and from the artifact's folders upward; only the exact compiled bytes
    (the recorded sha256) count."""
    recorded = Path(artifact.runbook.source_path)
    for folder in (Path.cwd(), *Path(compiled).resolve().parents):
        candidate = folder / recorded
        try:
            if candidate.is_file() and file_sha256(candidate) == artifact.runbook.source_sha256:
                return candidate
        except OSError:
            continue
    return None


def read_artifact(path: Path | str) -> Artifact:
    """Parse and verify an artifact file without judging whether an agent may act on it."""
    data = _read_json(Path(path))
    _check_version(path, data)
    artifact = _validate(path, data)
    _check_integrity(path, data)
    _check_graph(path, artifact)
    return artifact


def load(
    path: Path | str,
    registry: Registry | Path | str | None = None,
    profile: str | None = None,
    profiles: Profiles | Path | str | None = None,
    source: Path | str | None = None,
    *,
    verify_source: bool = True,
    allow_relaxed_policy: bool = False,
) -> CompiledRunbook:
    """Load an artifact an agent may act on, or raise a subclass of `ArtifactError`.

    `profile` defaults to the runbook's `executor` when `profiles` is given. The runbook the
    artifact was compiled from must be there, with the bytes compiled: `source` when given,
    else the artifact's recorded `source_path` looked up from the artifact's folder upward
    (`compiled/x.json` finds `runbooks_src/x.md` beside `compiled/`). A missing source fails
    closed (`SourceMissing`); `verify_source=False` skips the check, for callers that keep
    artifacts apart from their sources and vouch for them another way.
    An artifact compiled with a blocking rule switched off or downgraded by configuration
    (`provenance.policy.relaxed`) is refused unless `allow_relaxed_policy` is true."""
    artifact = read_artifact(path)
    if source is not None:
        _check_source(path, artifact, Path(source))
    elif verify_source:
        _check_source(path, artifact, _find_source(Path(path), artifact))
    if artifact.provenance.policy.relaxed and not allow_relaxed_policy:
        codes = ", ".join(artifact.provenance.policy.relaxed_codes)
        raise RelaxedPolicy(
            path,
            f"compiled with blocking rules switched off or downgraded by configuration "
            f"({codes}); pass allow_relaxed_policy=True to load it anyway",
        )
    _check_blocked(path, artifact)
    tools = _registry(path, artifact, registry)
    roles = _profiles(path, artifact, profiles)
    name = profile or (artifact.runbook.executor if roles is not None else None)
    permissions = _permissions(path, roles, name)
    return CompiledRunbook(artifact, str(path), tools, roles, name, permissions)


def _read_json(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ArtifactUnreadable(path, f"cannot read artifact: {error}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ArtifactSchemaError(
            path, f"not valid JSON (truncated or corrupt?): {error.msg} at line {error.lineno}"
        ) from None
    except RecursionError:
        raise ArtifactSchemaError(path, f"not an artifact: nested over {MAX_DEPTH} deep") from None
    if not isinstance(data, dict):
        raise ArtifactSchemaError(path, "not an artifact: the top level is not a JSON object")
    if _depth(data) > MAX_DEPTH:
        raise ArtifactSchemaError(path, f"not an artifact: nested over {MAX_DEPTH} deep")
    return data


def _depth(value: Any) -> int:
    """How deeply JSON containers nest, counted without recursion."""
    deepest = 0
    pending: list[tuple[Any, int]] = [(value, 1)]
    while pending:
        item, level = pending.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            children = item.values() if isinstance(item, dict) else item
            pending += [(child, level + 1) for child in children if isinstance(child, dict | list)]
    return deepest


def _check_version(path: Path | str, data: dict[str, Any]) -> None:
    version = data.get("schema_version")
    if version != SCHEMA_VERSION or isinstance(version, bool):
        raise UnknownSchemaVersion(
            path, f"schema_version is {version!r}; this runtime reads only {SCHEMA_VERSION}"
        )


def _validate(path: Path | str, data: dict[str, Any]) -> Artifact:
    validator = jsonschema.Draft202012Validator(bundled_schema("artifact.schema.json"))
    invalid = jsonschema.exceptions.best_match(validator.iter_errors(data))
    if invalid is not None:
        where = "/".join(str(part) for part in invalid.absolute_path) or "(top level)"
        raise ArtifactSchemaError(path, f"invalid artifact at {where}: {invalid.message}")
    try:
        return Artifact.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = "/".join(str(part) for part in first["loc"]) or "(top level)"
        raise ArtifactSchemaError(path, f"invalid artifact at {where}: {first['msg']}") from None


def _check_integrity(path: Path | str, data: dict[str, Any]) -> None:
    recorded = data.get("integrity", "")
    if not recorded:
        raise ArtifactTampered(path, "artifact is not sealed (empty integrity); recompile it")
    if content_digest(data) != recorded:
        raise ArtifactTampered(
            path, "integrity digest does not match the content: edited after compile"
        )


def _check_graph(path: Path | str, artifact: Artifact) -> None:
    ids = [step.id for step in artifact.steps]
    if len(set(ids)) != len(ids):
        raise ArtifactSchemaError(path, "invalid artifact: duplicate step ids")
    if artifact.entry is None or artifact.entry not in ids:
        raise ArtifactSchemaError(path, f"invalid artifact: entry {artifact.entry!r} is no step")
    for step in artifact.steps:
        for edge in step.next:
            if edge.to not in ids:
                raise ArtifactSchemaError(
                    path, f"invalid artifact: step {step.id!r} leads to unknown step {edge.to!r}"
                )


def unsigned_blocking(artifact: Artifact) -> list[str]:
    """`CODE@step` of each blocking diagnostic that has no sign-off."""
    return [
        f"{d.code}@{d.step or 'runbook'}"
        for d in artifact.diagnostics
        if d.blocking and d.signoff is None
    ]


def _check_blocked(path: Path | str, artifact: Artifact) -> None:
    unsigned = unsigned_blocking(artifact)
    if artifact.status == "blocked" or unsigned:
        shown = ", ".join(unsigned[:5]) + (", ..." if len(unsigned) > 5 else "")
        detail = f"unsigned blocking diagnostics: {shown}" if unsigned else "status is blocked"
        raise RunbookBlocked(path, f"runbook {artifact.runbook.id!r} is blocked ({detail})")


def _check_source(path: Path | str, artifact: Artifact, source: Path) -> None:
    try:
        digest = file_sha256(source)
    except OSError as error:
        raise SourceDrift(path, f"cannot read source {source}: {error.strerror}") from None
    if digest != artifact.runbook.source_sha256:
        raise SourceDrift(path, f"source {source} changed since compile (sha256 differs)")


def _find_source(path: Path, artifact: Artifact) -> Path:
    """The recorded source, from the artifact's folder upward; it must have the artifact's
    name (`x.json` <- `.../x.md`), so an artifact cannot borrow another runbook's source."""
    recorded = PurePosixPath(artifact.runbook.source_path)
    if recorded.is_absolute() or ".." in recorded.parts:
        raise SourceMissing(path, f"recorded source {str(recorded)!r} leaves the source tree")
    if recorded.stem != path.stem:
        raise SourceMissing(
            path, f"recorded source {str(recorded)!r} is not this artifact's runbook ({path.name})"
        )
    for folder in path.resolve().parents:
        candidate = folder / recorded
        if candidate.is_file():
            return candidate
    raise SourceMissing(
        path,
        f"source {recorded} not found beside the artifact or above it (deleted runbook, or an "
        "artifact nobody compiled?); pass source=, or verify_source=False to load without it",
    )


def _registry(
    path: Path | str, artifact: Artifact, registry: Registry | Path | str | None
) -> Registry | None:
    if registry is None:
        return None
    loaded = registry if isinstance(registry, Registry) else load_registry(Path(registry))
    if loaded.sha256 != artifact.provenance.registry_sha256:
        raise RegistryDrift(
            path, f"registry {loaded.path} changed since compile (sha256 differs); recompile"
        )
    return loaded


def _profiles(
    path: Path | str, artifact: Artifact, profiles: Profiles | Path | str | None
) -> Profiles | None:
    if profiles is None:
        return None
    loaded = profiles if isinstance(profiles, Profiles) else load_profiles(Path(profiles))
    compiled = artifact.provenance.profiles_sha256
    if compiled is None:
        raise ProfilesDrift(path, "compiled without a profiles file; recompile with profiles")
    if loaded.sha256 != compiled:
        raise ProfilesDrift(path, "profiles changed since compile (sha256 differs); recompile")
    return loaded


def _permissions(
    path: Path | str, profiles: Profiles | None, name: str | None
) -> frozenset[str] | None:
    if name is None:
        return None
    if profiles is None:
        raise UnknownProfile(path, f"profile {name!r} given but no profiles file to look it up")
    if name not in profiles.permissions:
        known = ", ".join(sorted(profiles.permissions)) or "none"
        raise UnknownProfile(path, f"unknown executor profile {name!r} (known: {known})")
    return profiles.permissions[name]
