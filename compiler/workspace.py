"""Finding runbooks, registries and configuration on disk; compiling and writing many files."""

from __future__ import annotations

import json
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from compiler import cache, evals
from compiler.config import find_config, load_config, pinned_date
from compiler.emit import atomic_write
from compiler.models import Artifact, Diagnostic
from compiler.pipeline import CompileResult, Environment, SourceFile, compile_file, refusal
from compiler.registry import Profiles, Registry, RegistryError, load_profiles, load_registry
from compiler.runtime import (
    ArtifactError,
    TranscriptReport,
    audit_transcript,
    export_runbook_tools,
    export_tools,
    import_tools,
    read_artifact,
    read_transcript,
)
from compiler.runtime.toolspec import Format as SpecFormat
from compiler.signoff import SIDECAR_SUFFIX, sidecar_path, write_signoff

if TYPE_CHECKING:
    from compiler.extract.llm import LLMSettings

REGISTRY_NAME = "tools.yaml"
PROFILES_NAME = "profiles.yaml"


class WorkspaceError(Exception):
    """Bad arguments or setup: the tool could not do its job (exit 2)."""


def discover(paths: Iterable[Path]) -> list[SourceFile]:
    """Markdown files under the given paths, each with its display, recorded and output names."""
    sources: list[SourceFile] = []
    for root in paths:
        if not root.exists():
            raise WorkspaceError(f"{root}: no such file or directory")
        if root.is_file():
            if root.name.endswith(SIDECAR_SUFFIX):
                root = root.with_name(root.name.removesuffix(SIDECAR_SUFFIX) + ".md")
            source = SourceFile(root, str(root), root.name, root.with_suffix(".json").name)
            if source not in sources:
                sources.append(source)
            continue
        for path in sorted(root.rglob("*.md")):
            relative = path.relative_to(root)
            if any(part.startswith(".") for part in relative.parts):
                continue
            sources.append(
                SourceFile(
                    path,
                    str(path),
                    (Path(root.resolve().name) / relative).as_posix(),
                    relative.with_suffix(".json").as_posix(),
                )
            )
    if not sources:
        raise WorkspaceError("no markdown files found in " + ", ".join(map(str, paths)))
    return sources


def _nearest(name: str, paths: Iterable[Path]) -> Path | None:
    for path in paths:
        start = path.resolve() if path.is_dir() else path.resolve().parent
        for folder in (start, *start.parents):
            if (folder / name).is_file():
                return folder / name
    return None


def environment(
    paths: list[Path],
    registry: Path | None = None,
    profiles: Path | None = None,
    config: Path | None = None,
) -> Environment:
    """Load the registry, profiles and configuration that apply to these paths."""
    registry_path = registry or _nearest(REGISTRY_NAME, paths)
    if registry_path is None:
        raise WorkspaceError(
            f"no {REGISTRY_NAME} found beside {paths[0]} or in its parents; pass --registry"
        )
    profiles_path = profiles or _nearest(PROFILES_NAME, [registry_path.parent, *paths])
    loaded_profiles = load_profiles(profiles_path) if profiles_path else Profiles.empty()
    config_path = config or find_config(paths[0])
    return Environment(load_registry(registry_path), loaded_profiles, load_config(config_path))


def compile_all(
    sources: list[SourceFile], env: Environment, jobs: int = 1, cache_dir: Path | None = None
) -> list[CompileResult]:
    """Compile every source (in parallel processes when jobs > 1), reusing cached results
    of unchanged inputs when a cache directory is given; results in input order."""
    environment = cache.environment_digest(env) if cache_dir else ""
    keys = [cache.cache_key(source, environment) if cache_dir else None for source in sources]
    results: list[CompileResult | None] = [
        cache.load(cache_dir, key, source) if cache_dir and key else None
        for source, key in zip(sources, keys, strict=True)
    ]
    missing = [i for i, result in enumerate(results) if result is None]
    fresh = _compile_many([sources[i] for i in missing], env, jobs)
    for index, result in zip(missing, fresh, strict=True):
        results[index] = result
        if cache_dir and keys[index]:
            cache.store(cache_dir, keys[index] or "", result)
    return [result for result in results if result is not None]


def _compile_many(sources: list[SourceFile], env: Environment, jobs: int) -> list[CompileResult]:
    if jobs <= 1 or len(sources) < 2:
        return [compile_file(source, env) for source in sources]
    # The environment (registry, profiles) goes to each worker once, not with every file.
    chunk = max(1, len(sources) // (jobs * 4))
    with ProcessPoolExecutor(jobs, initializer=_enter_worker, initargs=(env,)) as pool:
        return list(pool.map(_compile_in_worker, sources, chunksize=chunk))


_WORKER_ENV: list[Environment] = []


def _enter_worker(env: Environment) -> None:
    _WORKER_ENV.append(env)


def _compile_in_worker(source: SourceFile) -> CompileResult:
    return compile_file(source, _WORKER_ENV[0])


def displayed(result: CompileResult) -> list[Diagnostic]:
    """A result's diagnostics with paths as the user named them (runbook or its sidecar)."""
    assert result.artifact is not None
    recorded = result.artifact.runbook.source_path
    sidecar = str(sidecar_path(result.source.path))
    return [
        d.model_copy(update={"path": result.source.display if d.path == recorded else sidecar})
        for d in result.artifact.diagnostics
    ]


@dataclass(frozen=True)
class Drift:
    """An artifact on disk that differs from a fresh compile, and why."""

    output: str
    reasons: tuple[str, ...]


def write_all(results: list[CompileResult], out: Path) -> None:
    """Write every changed artifact atomically (callers ensure there is no fatal result);
    an artifact already on disk as it would be written is left alone, mtime and all.
    A file that cannot be written is a WorkspaceError; those written before it stay."""
    for result in results:
        target = out / result.source.output
        text = result.artifact_json
        if _current(target) != text:
            try:
                atomic_write(target, text)
            except OSError as error:
                raise WorkspaceError(f"{target}: cannot write artifact: {_reason(error)}") from None


def _reason(error: OSError) -> str:
    return error.strerror or str(error)


def _current(target: Path) -> str | None:
    try:
        return target.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def drift(results: list[CompileResult], out: Path) -> list[Drift]:
    """Artifacts in `out` that a fresh compile would change, with the reasons."""
    found = []
    for result in results:
        target = out / result.source.output
        fresh = result.artifact_json
        if not target.is_file():
            found.append(Drift(result.source.output, ("artifact missing",)))
            continue
        current = _current(target) or ""
        if current != fresh:
            found.append(Drift(result.source.output, _reasons(current, json.loads(fresh))))
    return found


def _reasons(current: str, fresh: dict[str, object]) -> tuple[str, ...]:
    try:
        old = json.loads(current)
        old_run, new_run = old["runbook"], fresh["runbook"]
        old_prov, new_prov = old["provenance"], fresh["provenance"]
    except (ValueError, KeyError, TypeError, RecursionError):
        return ("artifact unreadable",)
    assert isinstance(new_run, dict) and isinstance(new_prov, dict)
    reasons = []
    if old_run.get("source_sha256") != new_run.get("source_sha256"):
        reasons.append("source changed")
    if old_prov.get("registry_sha256") != new_prov.get("registry_sha256"):
        reasons.append("registry changed")
    if old_prov.get("profiles_sha256") != new_prov.get("profiles_sha256"):
        reasons.append("profiles changed")
    if old_prov.get("compiler_version") != new_prov.get("compiler_version"):
        reasons.append("compiler version changed")
    return tuple(reasons) or ("compiler output changed (sign-offs or compiler behaviour)",)


class SignoffError(Exception):
    """A sign-off that cannot be written, and why (exit 2)."""


def sign_off(
    runbook: Path,
    target: str,
    env: Environment,
    *,
    by: str,
    reason: str,
    resolution: str | None,
    when: date,
    fingerprint: str | None = None,
) -> tuple[Diagnostic, Path]:
    """Record a sign-off for `CODE@STEP` (or `CODE` for a runbook-level flag)."""
    code, _, step = target.partition("@")
    code = code.upper()
    if not by.strip() or not reason.strip():
        raise SignoffError("--by and --reason must say who signs off and why")
    refused = refusal(code)
    if refused is not None:
        raise SignoffError(refused)
    (source,) = discover([runbook])
    result = compile_file(source, env)
    if result.fatal is not None or result.artifact is None:
        message = result.fatal.message if result.fatal else "cannot compile"
        raise SignoffError(f"{runbook}: {message}")
    candidates = [
        d
        for d in result.artifact.diagnostics
        if d.code == code
        and d.step == (step or None)
        and (fingerprint is None or d.fingerprint == fingerprint)
    ]
    if not candidates:
        raise SignoffError(_nothing_to_sign(code, step, result.artifact.diagnostics))
    if len(candidates) > 1:
        listed = "; ".join(f"{d.fingerprint} ({d.message})" for d in candidates)
        raise SignoffError(
            f"{len(candidates)} {code} flags on that step; choose one with --fingerprint: {listed}"
        )
    diagnostic = candidates[0]
    stale = frozenset(d.evidence for d in result.artifact.diagnostics if d.code == "RB902")
    try:
        path = write_signoff(
            runbook, diagnostic, by, reason, resolution, when, diagnostic.evidence, stale
        )
    except OSError as error:
        raise SignoffError(f"{sidecar_path(runbook)}: cannot write: {_reason(error)}") from None
    return diagnostic, path


def _nothing_to_sign(code: str, step: str, diagnostics: list[Diagnostic]) -> str:
    where = f"step `{step}`" if step else "the runbook as a whole (use CODE@STEP for a step)"
    here = sorted(
        {f"{d.code}@{d.step}" if d.step else d.code for d in diagnostics if refusal(d.code) is None}
    )
    options = f"; signable flags: {', '.join(here)}" if here else ""
    return f"no {code} flag on {where}{options}"


def run_evals(directory: Path, llm: LLMSettings | None = None) -> evals.EvalReport:
    """Compile every labelled case of an eval directory (with the LLM extractor when given)
    and score it."""
    suite = evals.load_suite(directory)
    with pinned_date(suite.labelled_on):
        return _score_cases(directory, suite, llm)


def _score_cases(
    directory: Path, suite: evals.Suite, llm: LLMSettings | None
) -> evals.EvalReport:
    report = evals.EvalReport()
    loaded: dict[Path, Environment] = {}
    for gold in evals.discover_cases(directory):
        case = evals.load_case(gold)
        registry = case.registry or suite.registry
        if registry is None:
            raise WorkspaceError(f"{gold}: no registry (set one in the case or suite.yaml)")
        if registry not in loaded:
            loaded[registry] = Environment(
                load_registry(registry),
                load_profiles(suite.profiles) if suite.profiles else Profiles.empty(),
                llm=llm,
            )
        env = loaded[registry]
        (source,) = discover([case.runbook])
        result = compile_file(source, env)
        if result.artifact is None:
            raise WorkspaceError(f"{case.runbook}: cannot compile an eval case")
        evals.score_case(case, result.artifact, env.registry, report)
    report.floor_misses = suite.floors.misses(report)
    return report


def _registry_beside(file: Path, registry: Path | None) -> Registry | None:
    """The given registry, else the nearest tools.yaml beside the file or above it, if any."""
    path = registry or _nearest(REGISTRY_NAME, [file])
    return load_registry(path) if path else None


def export_tool_specs(file: Path, fmt: SpecFormat, registry: Path | None) -> str:
    """Tool specs (OpenAI or MCP) of a registry, or of the tools a compiled artifact uses."""
    try:
        if file.suffix == ".json":
            specs = export_runbook_tools(read_artifact(file), _registry_beside(file, registry), fmt)
        else:
            specs = export_tools(load_registry(file), fmt)
    except (ValueError, RegistryError, ArtifactError) as error:
        raise WorkspaceError(str(error)) from None
    return json.dumps(specs, indent=2, sort_keys=True) + "\n"


def import_tool_specs(spec: Path, out: Path, force: bool) -> int:
    """Registry entries (unreviewed, fail-closed) from an OpenAI or MCP tool list."""
    if out.exists() and not force:
        raise WorkspaceError(f"{out}: exists; choose another --out or pass --force")
    try:
        entries = import_tools(json.loads(spec.read_text("utf-8")))
    except RecursionError:
        raise WorkspaceError(f"{spec}: not a tool list: nested too deeply") from None
    except (OSError, ValueError) as error:
        raise WorkspaceError(f"{spec}: {error}") from None
    header = (
        "# Imported by `runbookc tools import`: every entry is unreviewed and fails closed\n"
        "# (destructive, approval required). Review effect, permission and commands.\n"
    )
    atomic_write(out, header + yaml.safe_dump({"version": 1, "tools": entries}, sort_keys=False))
    return len(entries)


def audit_transcript_file(
    transcript: Path, runbook: Path, registry: Path | None
) -> TranscriptReport:
    """Audit an agent transcript against a compiled runbook (a TranscriptReport)."""
    try:
        artifact = read_artifact(runbook)
        registry_loaded = _registry_beside(runbook, registry)
        return audit_transcript(read_transcript(transcript), artifact, registry_loaded)
    except (ValueError, RegistryError, ArtifactError) as error:
        raise WorkspaceError(str(error)) from None


def artifact_for(file: Path, registry: Path | None, profiles: Path | None) -> Artifact:
    """A compiled artifact (.json, checked for integrity) or a runbook compiled in memory."""
    if file.suffix == ".json":
        try:
            return read_artifact(file)
        except ArtifactError as error:
            raise WorkspaceError(str(error)) from None
    (source,) = discover([file])
    result = compile_file(source, environment([file], registry, profiles))
    if result.artifact is None:
        assert result.fatal is not None
        raise WorkspaceError(
            f"{file}:{result.fatal.line}: {result.fatal.code} {result.fatal.message}"
        )
    return result.artifact
