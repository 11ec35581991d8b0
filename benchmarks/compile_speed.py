"""Compile speed on the shared corpora, as ratios measured in one run. A measurement, not a test.

Usage: python benchmarks/compile_speed.py [CORPUS_DIR] [--rounds 5] [--jobs 2] [--quick]
                                         [--processes-only] [--instructions]

Prints, in one process:
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
  compile itself not counted) as a ratio of the floor and of a full compile, and its size;
- the pathological inputs of tests/test_pathological.py (deep nesting, long lists, one long
  line, many steps) at 1x and 4x: the tests count their work, this times it.

Timings are best-of-N with the floor and the compile interleaved round by round, so load from
other processes hits both sides alike.

Then, as a user runs it, whole processes (imports, registry loading, reading and writing
included) against a whole-process floor: a fresh interpreter that imports markdown-it-py and
parses the same files. Each `runbookc` run alternates with a floor run; min / median / max of
the rounds, the ratio of the medians, and the peak RSS of the `runbookc` child. The cold
corpus compile runs with `--jobs 1` and with the default `--jobs auto` (one worker per CPU);
the other corpus commands with the default. "results cold" is a corpus compile with no
cached result and no artifact on disk, but the validated registry and the compiled patterns in
the cache directory: the start-up a `--no-cache` run pays for and a second run does not.
Children run with the bytecode cache written, as an installed package does
(PYTHONDONTWRITEBYTECODE is dropped for them). With `--instructions`, each whole process and
its floor also run once under `valgrind --tool=callgrind`, whose instruction counts do not move
with the machine's load (in one process: `--jobs 1`).
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path

from markdown_it import MarkdownIt

from compiler.config import Config
from compiler.draw.report import pages_from_results, render_report
from compiler.parse import decode_source
from compiler.pipeline import Environment, SourceFile, compile_result
from compiler.project.batch import compile_all
from compiler.project.discovery import discover
from compiler.project.outdir import write_all
from compiler.registry import load_profiles, load_registry

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


PATHOLOGICAL: dict[str, tuple[Callable[[int], bytes], int]] = {
    "nesting (block quotes)": (
        lambda n: b"# Steps\n\n" + b"> " * n + b"Delete the volume first.\n",
        5_000,
    ),
    "list items": (
        lambda n: b"# Notes\n\n" + b"".join(b"- item %d\n" % i for i in range(n)),
        2_000,
    ),
    "one long line": (
        lambda n: b"# Steps\n\n1. If the pod " + b"is " * n + b"stuck, restart it.\n",
        20_000,
    ),
    "steps": (
        lambda n: b"# Steps\n\n" + b"".join(b"1. Restart pod %d.\n" % i for i in range(n)),
        800,
    ),
}


def without_gc(work: Work) -> None:
    """Run `work` with the garbage collector off: its full passes grow with the heap and
    would blur the compiler's own cost."""
    gc.disable()
    try:
        work()
    finally:
        gc.enable()


def report_pathological(bench: Bench) -> None:
    print("pathological inputs, 4x the input (time ratio, GC off; linear is about 4):")
    source = SourceFile(Path("r.md"), "r.md", "r.md", "r.json")
    for label, (make, size) in PATHOLOGICAL.items():
        small, large = make(size), make(4 * size)
        compile_result(small, source, bench.env)  # warm up
        small_time, large_time = interleaved(
            3,
            partial(without_gc, partial(compile_result, small, source, bench.env)),
            partial(without_gc, partial(compile_result, large, source, bench.env)),
        )
        print(
            f"  {label:24s} {small_time * 1000:7.1f} ms -> {large_time * 1000:7.1f} ms: "
            f"{large_time / small_time:.2f}"
        )


# --- whole processes -------------------------------------------------------------------------

FLOOR_SCRIPT = """
import sys
from pathlib import Path
from markdown_it import MarkdownIt
markdown = MarkdownIt("commonmark").enable("table")
for root in map(Path, sys.argv[1:]):
    for path in [root] if root.is_file() else sorted(root.rglob("*.md")):
        markdown.parse(path.read_bytes().decode("utf-8", errors="replace"))
"""


def _child_environment() -> dict[str, str]:
    drop = ("PYTHONDONTWRITEBYTECODE", "RUNBOOKC_CACHE_DIR")
    return {key: value for key, value in os.environ.items() if key not in drop}


LAUNCHER = """
import os, sys, time
devnull = [(os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0)]
start = time.perf_counter()
pid = os.posix_spawn(sys.argv[1], sys.argv[1:], os.environ, file_actions=devnull)
_, status, usage = os.wait4(pid, 0)
print(time.perf_counter() - start, usage.ru_maxrss, os.waitstatus_to_exitcode(status))
"""
"""Runs one command and reports its seconds, peak RSS (KiB) and exit code. A child's peak RSS
counts the memory of the process it was forked from, so children are started from this small
interpreter, never from the benchmark's own (large) one."""


def run_process(argv: Sequence[str]) -> tuple[float, float]:
    """Seconds and peak RSS (MiB) of one child process, which must succeed (exit 0 or 1)."""
    launched = subprocess.run(
        [sys.executable, "-c", LAUNCHER, *argv],
        cwd=ROOT,
        env=_child_environment(),
        capture_output=True,
        text=True,
        check=True,
    )
    seconds, max_rss, code = launched.stdout.split()
    if int(code) not in (0, 1):
        raise SystemExit(f"{' '.join(argv)} failed:\n{launched.stderr}")
    return float(seconds), int(max_rss) / 1024  # KiB on Linux


class Spread:
    """min / median / max of repeated runs."""

    def __init__(self, values: list[float]) -> None:
        self.values = values
        self.median = statistics.median(values)

    def __str__(self) -> str:
        return f"{min(self.values):5.2f} /{self.median:5.2f} /{max(self.values):5.2f}"


def compare_processes(
    rounds: int, command: Sequence[str], floor: Sequence[str], before: Callable[[], None]
) -> tuple[Spread, Spread, float]:
    """Alternating runs of `command` (with `before` run ahead of each, untimed) and of the
    floor: their seconds and the command's peak RSS in MiB."""
    before()
    run_process(command)  # writes the bytecode cache; not counted
    run_process(floor)
    times: list[float] = []
    floors: list[float] = []
    peak = 0.0
    for _ in range(rounds):
        before()
        seconds, rss = run_process(command)
        times.append(seconds)
        peak = max(peak, rss)
        floors.append(run_process(floor)[0])
    return Spread(times), Spread(floors), peak


def _runbookc(*args: str | Path) -> list[str]:
    return [sys.executable, "-m", "compiler", *map(str, args)]


def _auto_workers() -> int:
    from compiler.project.batch import cpus

    return cpus()


def _in_one_process(command: list[str]) -> list[str]:
    """A command as callgrind can count it: in one process (`--jobs 1`), where the default
    `--jobs auto` might start workers."""
    if command[3] in ("compile", "check", "report") and "--jobs" not in command:
        return [*command, "--jobs", "1"]
    return command


def _floor(*paths: Path) -> list[str]:
    return [sys.executable, "-c", FLOOR_SCRIPT, *map(str, paths)]


def count_instructions(argv: Sequence[str]) -> float:
    """Millions of instructions one child process runs, counted by callgrind (its children
    are not followed: `runbookc` starts none without --jobs)."""
    with tempfile.TemporaryDirectory() as scratch:
        counted = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={scratch}/out", *argv],
            cwd=ROOT,
            env=_child_environment(),
            capture_output=True,
            text=True,
            check=False,
        )
    for line in counted.stderr.splitlines():
        if "Collected :" in line:
            return int(line.split()[-1]) / 1e6
    raise SystemExit(f"{' '.join(argv)}: no instruction count:\n{counted.stderr[-2000:]}")


def report_processes(corpus: Path, single: Path, rounds: int, instructions: bool = False) -> None:
    registry = ROOT / "runbooks_src" / "tools.yaml"
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    print(
        f"whole processes, {rounds} alternating rounds (load average {load}, "
        f"{os.cpu_count()} cores); seconds min / median / max"
    )
    print(f"  {'':44s} {'runbookc':>19s}   {'floor':>19s}   ratio   peak RSS")
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        cache, out = work / "cache", work / "out"

        def fresh_out() -> None:
            shutil.rmtree(out, ignore_errors=True)

        def results_only_cold() -> None:
            # keep the validated registry and profiles and the compiled patterns (what an edit
            # of a runbook leaves valid), drop every cached result
            for entry in cache.iterdir() if cache.is_dir() else ():
                if entry.name not in ("validated", "patterns"):
                    shutil.rmtree(entry)

        def nothing() -> None:
            pass

        def fresh_and_results_cold() -> None:
            # a first compile with the registry and the patterns as a cache directory keeps
            # them (the start-up `--no-cache` pays for), no result and no artifact on disk
            fresh_out()
            results_only_cold()

        # `--jobs auto` is the default: the corpus (380 files) is compiled in one worker
        # process per CPU; `--jobs 1` keeps every file in the command's own process.
        corpus_args = ("--registry", registry)
        one = ("--jobs", "1")
        cases: list[tuple[str, list[str], list[str], Callable[[], None], str]] = [
            (
                "compile corpus, cold (--no-cache), --jobs 1",
                _runbookc("compile", corpus, "--out", out, "--no-cache", *corpus_args, *one),
                _floor(corpus),
                fresh_out,
                "<= 3x",
            ),
            (
                f"  the same, default --jobs auto ({_auto_workers()} CPUs)",
                _runbookc("compile", corpus, "--out", out, "--no-cache", *corpus_args),
                _floor(corpus),
                fresh_out,
                "<= 3x",
            ),
            (
                "compile corpus again, nothing changed",
                _runbookc("compile", corpus, "--out", out, "--cache-dir", cache, *corpus_args),
                _floor(corpus),
                nothing,
                "<= 1x",
            ),
            (
                "compile corpus, results cold, --jobs 1",
                _runbookc(
                    "compile", corpus, "--out", out, "--cache-dir", cache, *corpus_args, *one
                ),
                _floor(corpus),
                fresh_and_results_cold,
                "",
            ),
            (
                f"check {single.name}, registry cached, file changed",
                _runbookc("check", single, "--cache-dir", cache),
                _floor(single),
                results_only_cold,
                "<= 3x",
            ),
            (
                f"check {single.name}, nothing changed",
                _runbookc("check", single, "--cache-dir", cache),
                _floor(single),
                nothing,
                "",
            ),
            (
                f"check {single.name}, --no-cache",
                _runbookc("check", single, "--no-cache"),
                _floor(single),
                nothing,
                "",
            ),
            (
                "check corpus, cold (--no-cache), --jobs auto",
                _runbookc("check", corpus, "--no-cache", *corpus_args),
                _floor(corpus),
                nothing,
                "",
            ),
            (
                "check corpus, registry cached, files changed, auto",
                _runbookc("check", corpus, "--cache-dir", cache, *corpus_args),
                _floor(corpus),
                results_only_cold,
                "",
            ),
            (
                "report corpus, cold (--no-cache), --jobs auto",
                _runbookc("report", corpus, "--out", work / "r.html", "--no-cache", *corpus_args),
                _floor(corpus),
                nothing,
                "",
            ),
        ]
        for label, command, floor, before, target in cases:
            ours, theirs, peak = compare_processes(rounds, command, floor, before)
            ratio = ours.median / theirs.median
            goal = f" (target {target})" if target else ""
            print(f"  {label:44s} {ours}   {theirs}  {ratio:5.2f}x {peak:6.0f} MiB{goal}")
        if instructions:
            print("instructions (valgrind --tool=callgrind; load does not change them), millions")
            print(f"  {'':44s} {'runbookc':>10s} {'floor':>10s}   ratio")
            for label, command, floor, before, target in cases:
                if label.startswith("  the same"):
                    continue  # callgrind counts the command's own process, not its workers
                before()
                ours_count = count_instructions(_in_one_process(command))
                theirs_count = count_instructions(floor)
                ratio = ours_count / theirs_count
                goal = f" (target {target})" if target else ""
                counts = f"{ours_count:10,.0f} {theirs_count:10,.0f}"
                print(f"  {label:44s} {counts}  {ratio:5.2f}x{goal}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("corpus", nargs="?", type=Path, default=ROOT.parent / "shared" / "corpora")
    parser.add_argument("--rounds", type=int, default=5, help="best-of-N rounds for the ratios")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes to compare with one")
    parser.add_argument("--quick", action="store_true", help="ratios and memory only")
    parser.add_argument(
        "--processes-only", action="store_true", help="only the whole-process figures"
    )
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="also count each whole process's instructions under valgrind (slow: minutes)",
    )
    parser.add_argument(
        "--single",
        type=Path,
        default=ROOT / "runbooks_src" / "etcd-defrag.md",
        help="the runbook of the single-file check",
    )
    args = parser.parse_args()
    if not args.corpus.is_dir():
        parser.error(f"{args.corpus}: no corpus there (see ../shared/README.md)")
    if not args.processes_only:
        bench = Bench(args.corpus)
        report_ratios(bench, args.rounds)
        report_memory(bench)
        if not args.quick:
            report_scaling(bench, [1, 4, 16])
            report_jobs(bench, args.jobs)
            report_html(bench, args.rounds)
            report_pathological(bench)
    if args.instructions and shutil.which("valgrind") is None:
        parser.error("--instructions needs valgrind")
    report_processes(args.corpus.resolve(), args.single.resolve(), args.rounds, args.instructions)


if __name__ == "__main__":
    main()
