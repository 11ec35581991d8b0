"""Compile time of the shared corpora as a ratio of bare markdown-it-py parsing, in one run:
a full compile, and a re-compile of unchanged files served from the content-hash cache.

Usage: python benchmarks/compile_vs_parse.py [CORPUS_DIR] [--rounds 5]
The floor is markdown-it-py parsing the same files (already read into memory); the target is
a full heuristic compile within ~3x of it (DESIGN, Performance). Best-of-N timings, so noise
from the machine affects both sides alike. A measurement, not a test.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from markdown_it import MarkdownIt

from compiler.pipeline import Environment, compile_bytes
from compiler.registry import load_profiles, load_registry
from compiler.workspace import compile_all as compile_sources
from compiler.workspace import discover

ROOT = Path(__file__).resolve().parent.parent


def best_of(rounds: int, work: Callable[[], object]) -> float:
    """The fastest of `rounds` runs, in seconds."""
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("corpus", nargs="?", type=Path, default=ROOT.parent / "shared" / "corpora")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    sources = discover([args.corpus])
    contents = [(source, source.path.read_bytes()) for source in sources]
    texts = [data.decode("utf-8", errors="replace") for _, data in contents]
    env = Environment(
        load_registry(ROOT / "runbooks_src" / "tools.yaml"),
        load_profiles(ROOT / "runbooks_src" / "profiles.yaml"),
    )
    markdown = MarkdownIt("commonmark").enable("table")

    def parse_all() -> None:
        for text in texts:
            markdown.parse(text)

    def compile_all() -> None:
        for source, data in contents:
            compile_bytes(data, source, env)

    compile_all()  # warm caches (rule registration, compiled regexes)
    parse = best_of(args.rounds, parse_all)
    full = best_of(args.rounds, compile_all)
    with tempfile.TemporaryDirectory() as cache_dir:
        compile_sources(sources, env, cache_dir=Path(cache_dir))
        cached = best_of(
            args.rounds, lambda: compile_sources(sources, env, cache_dir=Path(cache_dir))
        )
    size = sum(len(data) for _, data in contents)
    print(f"{len(contents)} files, {size / 1024:.0f} KiB, best of {args.rounds}")
    print(f"markdown-it-py parse: {parse * 1000:8.1f} ms")
    print(f"full compile:         {full * 1000:8.1f} ms")
    print(f"ratio compile/parse:  {full / parse:8.2f}x   (target <= ~3x)")
    print(f"unchanged re-compile: {cached * 1000:8.1f} ms  (content-hash cache, files re-read)")
    print(f"ratio cached/parse:   {cached / parse:8.2f}x   (target: close to nothing)")


if __name__ == "__main__":
    main()
