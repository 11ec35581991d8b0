"""How much of the shared corpora the registry binds: command steps bound, per file and overall.

Usage: python benchmarks/corpus_coverage.py [CORPUS_DIR] [--registry runbooks_src/tools.yaml]
Prints the overall share of command steps bound, the median per-file share, and the most
common unbound programs. A measurement, not a test.
"""

from __future__ import annotations

import argparse
import statistics
from collections import Counter
from pathlib import Path

from compiler.pipeline import Environment
from compiler.project.batch import compile_all
from compiler.project.discovery import discover
from compiler.registry import load_registry

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("corpus", nargs="?", type=Path, default=ROOT.parent / "shared" / "corpora")
    parser.add_argument("--registry", type=Path, default=ROOT / "runbooks_src" / "tools.yaml")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    results = compile_all(discover([args.corpus]), Environment(load_registry(args.registry)))
    bound = total = 0
    shares: list[float] = []
    unbound: Counter[str] = Counter()
    for result in results:
        if result.artifact is None:
            continue
        unbound_codes = {d.step for d in result.artifact.diagnostics if d.code == "RB207"}
        commands = [s for s in result.artifact.steps if s.tool or s.id in unbound_codes]
        commands = [s for s in commands if s.tool is None or s.tool.bound_by == "command"]
        if not commands:
            continue
        file_bound = sum(1 for s in commands if s.tool is not None)
        bound, total = bound + file_bound, total + len(commands)
        shares.append(file_bound / len(commands))
        unbound.update(s.text.split()[0] for s in commands if s.tool is None)
    print(f"files with command steps: {len(shares)} of {len(results)}")
    print(f"command steps bound: {bound}/{total} = {bound / max(total, 1):.1%}")
    print(f"median per-file share bound: {statistics.median(shares):.1%}")
    print(
        "most common unbound programs:",
        ", ".join(f"{p} ({n})" for p, n in unbound.most_common(args.top)),
    )


if __name__ == "__main__":
    main()
