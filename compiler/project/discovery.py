"""Finding runbooks, registries, profiles and configuration on disk, and loading what a
compile run shares (`environment`)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from compiler.compilation import Environment, SourceFile
from compiler.config import Config, find_config, load_config
from compiler.project import WorkspaceError, registry_cache
from compiler.project.selection import FileSelection
from compiler.registry import Profiles, Registry, load_profiles, load_registry
from compiler.signoff import SIDECAR_SUFFIX, sidecar_path

if TYPE_CHECKING:
    from compiler.models import Artifact

REGISTRY_NAME = "tools.yaml"
PROFILES_NAME = "profiles.yaml"


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
