"""Finding runbooks, registries and configuration on disk; compiling many runbooks (or eval
cases) with them."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from compiler import cache, registry_cache
from compiler.compilation import CompileResult, Environment, SourceFile
from compiler.config import Config, find_config, load_config, pinned_date
from compiler.registry import Profiles, Registry, load_profiles, load_registry
from compiler.selection import FileSelection
from compiler.signoff import SIDECAR_SUFFIX, sidecar_path

# The stages (compiler.pipeline) are imported where a file is compiled, so a run served from
# the cache never loads them; the eval scorer only by the commands that score.
if TYPE_CHECKING:
    from compiler import evals
    from compiler.extract.llm import LLMSettings
    from compiler.models import Artifact, Diagnostic

REGISTRY_NAME = "tools.yaml"
PROFILES_NAME = "profiles.yaml"


class WorkspaceError(Exception):
    """Bad arguments or setup: the tool could not do its job (exit 2)."""


def discover(paths: Iterable[Path], selection: FileSelection | None = None) -> list[SourceFile]:
    """Markdown files under the given paths, each with its display, recorded and output names.

    Directories are walked as `selection` says (include / exclude patterns, .gitignore; by
    default the default configuration's); a file named outright is always taken, unless the
    selection forces its excludes on named files too.

    A file (or its sign-off sidecar) that resolves outside the tree being compiled — a
    directory argument, or a file argument's folder — is kept but marked refused: it is
    reported as that file's fatal diagnostic and never read (a symlink to /etc/passwd must
    not reach an artifact or a report)."""
    selection = selection or FileSelection(Config())
    sources: list[SourceFile] = []
    for root in paths:
        if not root.exists() and not root.is_symlink():
            raise WorkspaceError(f"{root}: no such file or directory")
        if not root.is_dir():
            if root.name.endswith(SIDECAR_SUFFIX):
                root = root.with_name(root.name.removesuffix(SIDECAR_SUFFIX) + ".md")
            if not selection.named(root):
                continue
            source = SourceFile(
                root,
                str(root),
                root.name,
                root.with_suffix(".json").name,
                _leaves_tree(root, root.parent),
            )
            if source not in sources:
                sources.append(source)
            continue
        inside = root.resolve()  # once per tree, not once per file
        for path in selection.walk(root):
            relative = path.relative_to(root)
            sources.append(
                SourceFile(
                    path,
                    str(path),
                    (Path(root.resolve().name) / relative).as_posix(),
                    relative.with_suffix(".json").as_posix(),
                    _leaves_tree(path, root, inside),
                )
            )
    if not sources and not selection.force_exclude:
        raise WorkspaceError("no markdown files found in " + ", ".join(map(str, paths)))
    return sources


def _leaves_tree(path: Path, tree: Path, inside: Path | None = None) -> str | None:
    """Why a runbook must not be read: it or its sidecar resolves outside `tree` (whose
    resolved path is `inside`, when known)."""
    inside = inside or tree.resolve()
    for candidate in (path, sidecar_path(path)):
        present = candidate.is_symlink() or candidate.exists()
        if present and not candidate.resolve().is_relative_to(inside):
            return f"{candidate.name} resolves outside {tree} (a symlink?); not read"
    return None


def parse_inputs(pairs: list[str]) -> dict[str, str]:
    """`NAME=VALUE` pairs as a dict; a pair without `=` is a WorkspaceError."""
    inputs: dict[str, str] = {}
    for pair in pairs:
        name, eq, value = pair.partition("=")
        if not eq or not name.strip():
            raise WorkspaceError(f"--input {pair!r}: expected NAME=VALUE")
        inputs[name.strip()] = value
    return inputs


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
    cache_dir: Path | None = None,
    *,
    lint_only: bool = False,
) -> Environment:
    """Load the registry, profiles and configuration that apply to these paths; with a cache
    directory, a registry or profiles file already validated by this compiler is not
    validated again.

    With `lint_only`, a missing tools.yaml is no error: the environment gets the stand-in
    registry, and the check stage runs the text and graph rules only (RB211)."""
    registry_path = registry or _nearest(REGISTRY_NAME, paths)
    config_path = config or find_config(paths[0])
    if registry_path is None:
        if not lint_only:
            raise WorkspaceError(
                f"no {REGISTRY_NAME} found beside {paths[0]} or in its parents; pass "
                "--registry (or run `runbookc init` for a starter one)"
            )
        profiles_path = profiles or _nearest(PROFILES_NAME, paths)
        loaded = load_profiles(profiles_path) if profiles_path else Profiles.empty()
        return Environment(Registry.lint_only_registry(), loaded, load_config(config_path))
    profiles_path = profiles or _nearest(PROFILES_NAME, [registry_path.parent, *paths])
    loaded_profiles = (
        registry_cache.load_profiles(profiles_path, cache_dir)
        if profiles_path
        else Profiles.empty()
    )
    return Environment(
        registry_cache.load_registry(registry_path, cache_dir),
        loaded_profiles,
        load_config(config_path),
    )


def once_per_program(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """Lint-only mode: keep the first RB211 of each program across the whole run."""
    if not diagnostics:
        return diagnostics  # a clean run loads no rule catalogue (nor pydantic)
    from compiler.rules import LINT_ONLY_CODE  # the rule catalogue loads the models

    seen: set[str] = set()
    kept = []
    for diagnostic in diagnostics:
        if diagnostic.code == LINT_ONLY_CODE:
            if diagnostic.evidence in seen:
                continue
            seen.add(diagnostic.evidence)
        kept.append(diagnostic)
    return kept


def compile_all(
    sources: list[SourceFile],
    env: Environment,
    jobs: int = 1,
    cache_dir: Path | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[CompileResult]:
    """Compile every source (in parallel processes when jobs > 1), reusing cached results
    of unchanged inputs when a cache directory is given; results in input order.
    `progress` is told how many more files are done, as they are."""
    environment = cache.environment_digest(env) if cache_dir else ""
    keys = [cache.cache_key(source, environment) if cache_dir else None for source in sources]
    results: list[CompileResult | None] = [
        cache.load(cache_dir, key, source) if cache_dir and key else None
        for source, key in zip(sources, keys, strict=True)
    ]
    missing = [i for i, result in enumerate(results) if result is None]
    if progress is not None and len(missing) < len(sources):
        progress(len(sources) - len(missing))
    fresh = _compile_many([sources[i] for i in missing], env, jobs, progress)
    for index, result in zip(missing, fresh, strict=True):
        results[index] = result
        if cache_dir and keys[index]:
            cache.store(cache_dir, keys[index] or "", result)
    return [result for result in results if result is not None]


def _compile_many(
    sources: list[SourceFile],
    env: Environment,
    jobs: int,
    progress: Callable[[int], None] | None = None,
) -> list[CompileResult]:
    done = progress or (lambda count: None)
    if not sources:
        return []
    from compiler.pipeline import compile_file

    if jobs <= 1 or len(sources) < 2:
        results = []
        for source in sources:
            results.append(compile_file(source, env))
            done(1)
        return results
    from concurrent.futures import ProcessPoolExecutor  # only for --jobs

    # The environment (registry, profiles) goes to each worker once, not with every file.
    chunk = max(1, len(sources) // (jobs * 4))
    with ProcessPoolExecutor(jobs, initializer=_enter_worker, initargs=(env,)) as pool:
        results = []
        for result in pool.map(_compile_in_worker, sources, chunksize=chunk):
            results.append(result)
            done(1)
        return results


_WORKER_ENV: list[Environment] = []


def _enter_worker(env: Environment) -> None:
    _WORKER_ENV.append(env)


def _compile_in_worker(source: SourceFile) -> CompileResult:
    from compiler.pipeline import compile_file

    return compile_file(source, _WORKER_ENV[0])


def os_reason(error: OSError) -> str:
    """What went wrong with a file, in the system's words."""
    return error.strerror or str(error)


def displayed(result: CompileResult) -> list[Diagnostic]:
    """A result's diagnostics with paths as the user named them (runbook or its sidecar); a
    file that could not be compiled has its one fatal diagnostic."""
    if result.model is None and result.text is not None and not _has_diagnostics(result.text):
        return []  # served from the cache and clean: the artifact model is not needed
    if result.artifact is None:
        assert result.fatal is not None
        return [result.fatal]
    recorded = result.artifact.runbook.source_path
    sidecar = str(sidecar_path(result.source.path))
    return [
        d.model_copy(update={"path": result.source.display if d.path == recorded else sidecar})
        for d in result.artifact.diagnostics
    ]


def _has_diagnostics(text: str) -> bool:
    """Whether an artifact's canonical JSON lists any diagnostic (read with `json`: a clean
    file's `check` from the cache then needs no pydantic model)."""
    return bool(json.loads(text).get("diagnostics"))


def run_evals(directory: Path, llm: LLMSettings | None = None) -> evals.EvalReport:
    """Compile every labelled case of an eval directory (with the LLM extractor when given)
    and score it."""
    from compiler import evals

    suite = evals.load_suite(directory)
    with pinned_date(suite.labelled_on):
        return _score_cases(directory, suite, llm)


def _score_cases(directory: Path, suite: evals.Suite, llm: LLMSettings | None) -> evals.EvalReport:
    from compiler import evals
    from compiler.pipeline import compile_file

    report = evals.EvalReport()
    loaded: dict[Path, Environment] = {}
    for gold in evals.discover_cases(directory):
        case = evals.load_case(gold, directory)
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
    report.floor_misses = suite.misses(report)
    return report


def registry_beside(file: Path, registry: Path | None) -> Registry | None:
    """The given registry, else the nearest tools.yaml beside the file or above it, else (for
    a compiled artifact) beside the runbook it was compiled from, if any."""
    path = registry_path(file, registry)
    return load_registry(path) if path else None


def registry_path(file: Path, registry: Path | None = None) -> Path | None:
    """Where the registry for a runbook or artifact is: the given one, the nearest tools.yaml
    beside the file or above it, or one beside the source an artifact records
    (`compiled/x.json` compiled from `runbooks_src/x.md` finds `runbooks_src/tools.yaml`)."""
    found = registry or _nearest(REGISTRY_NAME, [file])
    if found is None and file.suffix == ".json":
        from compiler.runtime import ArtifactError, read_artifact  # only for artifacts
        from compiler.runtime.loader import find_source

        try:
            source = find_source(read_artifact(file), file)
        except ArtifactError:
            return None
        found = _nearest(REGISTRY_NAME, [source]) if source else None
    return found


def profiles_path(registry: Path, profiles: Path | None = None) -> Path | None:
    """The given profiles file, else the nearest profiles.yaml beside the registry or above."""
    return profiles or _nearest(PROFILES_NAME, [registry.parent])


def artifact_for(file: Path, registry: Path | None, profiles: Path | None) -> Artifact:
    """A compiled artifact (.json, checked for integrity) or a runbook compiled in memory."""
    if file.suffix == ".json":
        from compiler.runtime import ArtifactError, read_artifact  # only for artifacts

        try:
            return read_artifact(file)
        except ArtifactError as error:
            raise WorkspaceError(str(error)) from None
    from compiler.pipeline import compile_file

    (source,) = discover([file])
    result = compile_file(source, environment([file], registry, profiles))
    if result.artifact is None:
        assert result.fatal is not None
        raise WorkspaceError(
            f"{file}:{result.fatal.line}: {result.fatal.code} {result.fatal.message}"
        )
    return result.artifact
