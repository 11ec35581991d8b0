"""`runbookc serve`: load compiled runbooks the fail-closed way and put them behind the MCP
server. Only this module (and `compiler.runtime.mcp_server`) imports `mcp`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from compiler.project import WorkspaceError, parse_inputs
from compiler.project.discovery import profiles_path, registry_path
from compiler.registry import RegistryError
from compiler.runtime import (
    ArtifactError,
    AuditLog,
    CompiledRunbook,
    Executor,
    InputError,
    RunbookSession,
    SubprocessExecutor,
    dry_run,
    load,
)


def load_for_serving(
    artifacts: list[Path],
    registry: Path | None,
    profiles: Path | None,
    profile: str | None,
) -> list[CompiledRunbook]:
    """Each artifact through `load()`: schema, integrity, drift, sign-offs, profile."""
    loaded = []
    for artifact in artifacts:
        tools = registry_path(artifact, registry)
        if tools is None:
            raise WorkspaceError(f"{artifact}: no tools.yaml found for it; pass --registry")
        roles = profiles_path(tools, profiles)
        try:
            loaded.append(load(artifact, registry=tools, profile=profile, profiles=roles))
        except (ArtifactError, RegistryError) as error:
            raise WorkspaceError(str(error)) from None
    ids = [runbook.id for runbook in loaded]
    if len(set(ids)) != len(ids):
        raise WorkspaceError(f"two artifacts are the same runbook: {sorted(ids)}")
    return loaded


def serve_artifacts(
    artifacts: list[Path],
    *,
    registry: Path | None,
    profiles: Path | None,
    profile: str | None,
    inputs: list[str],
    actor: str,
    audit: Path,
    execute: bool,
    timeout: float,
    http_port: int | None,
) -> None:
    """Load, check the inputs against every runbook, and serve until the client leaves."""
    try:
        from compiler.runtime.mcp_server import RunbookServer, serve
    except ImportError as error:
        raise WorkspaceError(
            f"serving needs the MCP SDK ({error.name}): pip install 'runbook-compiler[mcp]'"
        ) from None
    runbooks = load_for_serving(artifacts, registry, profiles, profile)
    values = parse_inputs(inputs)
    executor: Executor = SubprocessExecutor(timeout) if execute else dry_run
    log = AuditLog(audit)

    def session(runbook: CompiledRunbook) -> RunbookSession:
        declared = {name.lower() for name in runbook.artifact.inputs}
        given = {name: value for name, value in values.items() if name.lower() in declared}
        return RunbookSession(
            runbook, executor=executor, audit=log, actor=actor, inputs=given, profile=profile
        )

    _check_inputs(runbooks, values)
    for runbook in runbooks:
        try:
            session(runbook)  # fail now, not at the first call, on a bad profile or input
        except InputError as error:  # an input no command may take (`--all`)
            raise WorkspaceError(f"--input: {error}") from None
    mode = f"executing (timeout {timeout:g}s)" if execute else "dry run"
    ids = ", ".join(runbook.id for runbook in runbooks)
    print(f"runbookc serve: {ids}; {mode}; audit log {audit}", file=sys.stderr)

    def ready(url: str) -> None:
        print(f"runbookc serve: listening on {url}", file=sys.stderr, flush=True)

    serve(RunbookServer(runbooks, session), http_port=http_port, on_ready=ready)


def _check_inputs(runbooks: list[CompiledRunbook], values: dict[str, Any]) -> None:
    declared = {name.lower() for runbook in runbooks for name in runbook.artifact.inputs}
    unknown = sorted(name for name in values if name.lower() not in declared)
    if unknown:
        raise WorkspaceError(f"--input {unknown}: no served runbook declares these inputs")
