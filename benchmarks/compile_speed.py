"""Compile speed on the shared corpora, as ratios measured in one run. A measurement, not a test.

Usage: python benchmarks/compile_speed.py [CORPUS_DIR] [--rounds 5] [--jobs 2] [--quick]

Prints:
- the floor: markdown-it-py parsing the same files (already decoded, in memory);
- a full compile (every stage, and the artifact's canonical JSON; no disk I/O) as a ratio of
  the floor (target <= 3x), with throughput in files/s and MB/s;
- a no-change re-compile as `runbookc compile` runs it (read the sources, hit the content-hash
  cache, leave unchanged artifacts alone) as a ratio of the floor (target <= 0.2x);
- peak memory of a full compile (Python heap, tracemalloc) and of the process (max RSS);
- scaling at 1x, 4x and 16x: the corpus repeated (more files) and every file's body repeated
  (bigger files); cost per unit of input should stay flat;
- the speed-up of `--jobs N` worker processes over one (on this machine's cores);
- the HTML report of the whole corpus (graphs drawn, source marked, page rendered; the
  compile itself not counted) as a ratio of the floor and of a full compile, and its size.

Timings are best-of-N with the floor and the compile interleaved round by round, so load from
other processes hits both sides alike.
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from markdown_it import MarkdownIt

from compiler.config import Config
from compiler.outdir import write_all
from compiler.parse import decode_source
from compiler.pipeline import Environment, SourceFile, compile_result
from compiler.registry import load_profiles, load_registry
from compiler.report import pages_from_results, render_report
from compiler.workspace import compile_all, discover

ROOT = Path(__file__).resolve().parent.parent
Work = Callable[[], object]


def timed(work: Work) -> float:
    """Seconds one run of `work` takes."""
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def interleaved(rounds: int, *works: Work) -> list[float]:
    """Best-of-N seconds of each piece of work, the pieces alternating within every round."""
    best = [float("inf")] * len(works)
    for _ in range(rounds):
        for index, work in enumerate(works):
            best[index] = min(best[index], timed(work))
    return best


def body_repeated(data: bytes, times: int) -> bytes:
    """A runbook with its markdown body (not its front matter) written `times` over."""
    text = data.decode("utf-8", errors="replace")
    head, body = "", text
    if text.startswith("---\n") and "\n---\n" in text[4:]:
        end = text.index("\n---\n", 4) + 5
        head, body = text[:end], text[end:]
    return (head + (body.rstrip("\n") + "\n\n") * times).encode("utf-8")


class Bench:
    """The corpus in memory and the environment every measurement compiles it in."""

    def __init__(self, corpus: Path) -> None:
        self.sources = discover([corpus])
        self.contents = [(source, source.path.read_bytes()) for source in self.sources]
        self.texts = [decode_source(data) for _, data in self.contents]
        self.size = sum(len(data) for _, data in self.contents)
        self.env = Environment(
            load_registry(ROOT / "runbooks_src" / "tools.yaml"),
            load_profiles(ROOT / "runbooks_src" / "profiles.yaml"),
            Config(max_bytes=64 * 1024 * 1024),  # room for the 16x bigger files
        )
        self.markdown = MarkdownIt("commonmark").enable("table")

    def parse(self, texts: list[str] | None = None) -> None:
        """The floor: markdown-it-py over the decoded texts."""
        for text in texts if texts is not None else self.texts:
            self.markdown.parse(text)

    def compile(self, contents: list[tuple[SourceFile, bytes]] | None = None) -> None:
        """Every stage, down to the artifact's canonical JSON."""
        for source, data in contents if contents is not None else self.contents:
            compile_result(data, source, self.env)  # makes the canonical JSON too


def report_ratios(bench: Bench, rounds: int) -> None:
    bench.compile()  # warm up: rule registration, compiled patterns, parser construction
    with tempfile.TemporaryDirectory() as scratch:
        cache, out = Path(scratch) / "cache", Path(scratch) / "out"
        write_all(compile_all(bench.sources, bench.env, cache_dir=cache), out)

        def recompile() -> None:
            write_all(compile_all(bench.sources, bench.env, cache_dir=cache), out)

        floor, full, cached = interleaved(rounds, bench.parse, bench.compile, recompile)
    files, mebibytes = len(bench.contents), bench.size / 2**20
    print(f"corpus: {files} files, {bench.size / 1024:.0f} KiB; best of {rounds}")
    print(f"markdown-it-py parse (floor): {floor * 1000:8.1f} ms")
    print(f"full compile:                 {full * 1000:8.1f} ms   {full / floor:5.2f}x floor")
    print(f"no-change re-compile:         {cached * 1000:8.1f} ms   {cached / floor:5.2f}x floor")
    print(f"throughput: {files / full:.0f} files/s, {mebibytes / full:.2f} MB/s (full compile)")


def report_memory(bench: Bench) -> None:
    tracemalloc.start()
    bench.compile()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"peak memory: {peak / 2**20:.1f} MiB Python heap, {max_rss:.0f} MiB process RSS")


def report_scaling(bench: Bench, factors: list[int]) -> None:
    print("scaling (time / (factor x 1x time); flat means linear):")
    for label, grow in (("more files", _more_files), ("bigger files", _bigger_files)):
        base = 0.0
        cells = []
        for factor in factors:
            contents, texts = grow(bench, factor)
            compile_time, parse_time = interleaved(
                3 if factor == 1 else 1,
                lambda c=contents: bench.compile(c),  # type: ignore[misc]
                lambda t=texts: bench.parse(t),  # type: ignore[misc]
            )
            base = base or compile_time
            cells.append(
                f"{factor}x {compile_time:6.2f} s ({compile_time / (factor * base):.2f}, "
                f"{compile_time / parse_time:.2f}x floor)"
            )
        print(f"  {label:12s}  " + "   ".join(cells))


def _more_files(bench: Bench, factor: int) -> tuple[list[tuple[SourceFile, bytes]], list[str]]:
    return bench.contents * factor, bench.texts * factor


def _bigger_files(bench: Bench, factor: int) -> tuple[list[tuple[SourceFile, bytes]], list[str]]:
    contents = [(source, body_repeated(data, factor)) for source, data in bench.contents]
    return contents, [decode_source(data, 2**30) for _, data in contents]


def report_jobs(bench: Bench, jobs: int) -> None:
    def serial() -> None:
        compile_all(bench.sources, bench.env, jobs=1)

    def parallel() -> None:
        compile_all(bench.sources, bench.env, jobs=jobs)

    one, many = interleaved(3, serial, parallel)
    print(
        f"--jobs {jobs}: {many * 1000:.0f} ms vs {one * 1000:.0f} ms with one process: "
        f"{one / many:.2f}x speed-up ({os.cpu_count()} cores, worker start-up included)"
    )


def report_html(bench: Bench, rounds: int) -> None:
    results = compile_all(bench.sources, bench.env)
    pages: list[str] = []

    def render() -> None:
        pages[:] = [render_report(pages_from_results(results), "corpus")]

    floor, full, html = interleaved(rounds, bench.parse, bench.compile, render)
    size = len(pages[0].encode("utf-8"))
    print(
        f"HTML report of all {len(results)} runbooks: {html * 1000:.0f} ms, "
        f"{html / floor:.2f}x floor, {html / full:.2f}x a full compile; "
        f"{size / 2**20:.1f} MiB, {size / len(results) / 1024:.0f} KiB per runbook"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("corpus", nargs="?", type=Path, default=ROOT.parent / "shared" / "corpora")
    parser.add_argument("--rounds", type=int, default=5, help="best-of-N rounds for the ratios")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes to compare with one")
    parser.add_argument("--quick", action="store_true", help="ratios and memory only")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        parser.error(f"{args.corpus}: no corpus there (see ../shared/README.md)")
    bench = Bench(args.corpus)
    report_ratios(bench, args.rounds)
    report_memory(bench)
    if not args.quick:
        report_scaling(bench, [1, 4, 16])
        report_jobs(bench, args.jobs)
        report_html(bench, args.rounds)


if __name__ == "__main__":
    main()
