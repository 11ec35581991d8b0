"""Compiling many runbooks: unchanged ones answered from the cache, the rest in this
process or in a pool of them (`--jobs`; by default one per CPU when there are enough files).

The stages (compiler.pipeline) are imported where a file is compiled, so a run served from
the cache never loads them.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from compiler.compilation import CompileResult, Environment, SourceFile
from compiler.project import cache

if TYPE_CHECKING:
    from multiprocessing.context import BaseContext

    from compiler.records import Diagnostic


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


AUTO_FILES_PER_WORKER = 16
"""When the number of jobs is automatic, each worker gets at least this many files to compile
(fewer than twice this many are compiled in this process): a worker costs its start, the
environment sent to it and the results sent back, which a few files do not pay for."""


def cpus() -> int:
    """The CPUs this process may run on (its affinity, as os.process_cpu_count of 3.13)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def workers(jobs: int | None, files: int, env: Environment) -> int:
    """How many processes compile `files` files: `jobs` when it is given; when it is None
    (automatic), one per CPU but at most one per AUTO_FILES_PER_WORKER files (four times as
    many where a worker is a fresh interpreter, not a fork), and one when a language model
    extracts (calls to a provider in parallel are the user's choice: its rate limits, its
    bill)."""
    if jobs is not None:
        return jobs
    if env.llm is not None:
        return 1
    per_worker = AUTO_FILES_PER_WORKER if forks() else 4 * AUTO_FILES_PER_WORKER
    return max(1, min(cpus(), files // per_worker))


def compile_all(
    sources: list[SourceFile],
    env: Environment,
    jobs: int | None = 1,
    cache_dir: Path | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[CompileResult]:
    """Compile every source (in `jobs` parallel processes; None: as many as pay, see
    `workers`), reusing cached results of unchanged inputs when a cache directory is given;
    results in input order, the same whatever the number of processes. `progress` is told
    how many more files are done, as they are."""
    environment = cache.environment_digest(env) if cache_dir else ""
    keys = [cache.cache_key(source, environment) if cache_dir else None for source in sources]
    results: list[CompileResult | None] = [
        cache.load(cache_dir, key, source) if cache_dir and key else None
        for source, key in zip(sources, keys, strict=True)
    ]
    missing = [i for i, result in enumerate(results) if result is None]
    if progress is not None and len(missing) < len(sources):
        progress(len(sources) - len(missing))
    processes = workers(jobs, len(missing), env)
    fresh = _compile_many([sources[i] for i in missing], env, processes, progress)
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

    context = _context()
    if context.get_start_method() == "fork":
        from compiler.rules import all_rules

        all_rules()  # the rule modules and their patterns, loaded once for every worker
    # The environment (registry, profiles) goes to each worker once, not with every file.
    # Files go out in small chunks, taken by whichever worker is free: the run ends when the
    # last chunk does, and a chunk of the corpus's 380 files is 11 files (about 0.1 s), not 47.
    chunk = max(1, len(sources) // (jobs * 16))
    with ProcessPoolExecutor(
        jobs, mp_context=context, initializer=_enter_worker, initargs=(env,)
    ) as pool:
        results = []
        for result in pool.map(_compile_in_worker, sources, chunksize=chunk):
            results.append(result)
            done(1)
        return results


def _context() -> BaseContext:
    """How workers start: forked on Linux (they share what this process has loaded, and no
    thread runs here to be caught mid-lock: the progress bar draws without one), else as
    Python starts them by default there (macOS and Windows spawn a fresh interpreter)."""
    import multiprocessing

    if sys.platform == "linux":
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


def forks() -> bool:
    """Whether workers are forked from this process (cheap to start) or fresh interpreters."""
    return _context().get_start_method() == "fork"


_WORKER_ENV: list[Environment] = []


def _enter_worker(env: Environment) -> None:
    _WORKER_ENV.append(env)


def _compile_in_worker(source: SourceFile) -> CompileResult:
    from compiler.pipeline import compile_file

    return compile_file(source, _WORKER_ENV[0])
