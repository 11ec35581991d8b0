"""List each tuned eval case's flag disagreements (RB101-RB108) with the line they are on.

    python benchmarks/flag_misses.py [evals] [--codes RB101,RB108] [--group prose]

For every case outside the held-out groups: the gold flags the compiler missed (with the gold
evidence) and the flags it raised that the labels do not hold (with the compiler's evidence and
message), each with its source line, so false positives and misses can be grouped by cause.
Held-out groups (`heldout` in the group name) are skipped: their files are never read.
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from compiler.compilation import Environment
from compiler.config import Config
from compiler.pipeline import compile_file
from compiler.project import evals
from compiler.project.discovery import discover
from compiler.registry import Profiles, load_profiles, load_registry
from compiler.safe_yaml import safe_load

CODES = ("RB101", "RB102", "RB103", "RB104", "RB106", "RB107", "RB108")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", nargs="?", default="evals", type=Path)
    parser.add_argument("--codes", default=",".join(CODES))
    parser.add_argument("--group", default="", help="only groups whose name contains this")
    parser.add_argument("--hits", action="store_true", help="list the agreed flags too")
    args = parser.parse_args()
    codes = set(args.codes.split(","))
    suite = evals.load_suite(args.directory)
    totals: Counter[tuple[str, str]] = Counter()
    for gold_path in evals.discover_cases(args.directory):
        case = evals.load_case(gold_path, args.directory)
        if evals.is_heldout(case.group) or args.group not in case.group:
            continue
        registry = case.registry or suite.registry
        assert registry is not None
        env = Environment(
            load_registry(registry),
            load_profiles(suite.profiles) if suite.profiles else Profiles.empty(),
            Config(today=suite.labelled_on),
        )
        (source,) = discover([case.runbook])
        result = compile_file(source, env)
        assert result.artifact is not None
        lines = case.runbook.read_text(encoding="utf-8").split("\n")
        gold = safe_load(gold_path.read_text(encoding="utf-8")) or {}
        evidence = {
            (str(f["code"]), int(f["line"])): str(f.get("evidence", ""))
            for f in gold.get("flags", [])
        }
        found = {
            (d.code, d.line): d
            for d in result.artifact.diagnostics
            if d.code in codes and case.scores(d.code)
        }
        wanted = {k for k in case.flags if k[0] in codes and case.scores(k[0])}
        out = []
        for code, line in sorted(wanted - found.keys(), key=lambda k: k[1]):
            totals[(code, "fn")] += 1
            said = evidence[(code, line)]
            out.append(f"  MISS {code} {line}: [{said}] | {lines[line - 1].strip()[:160]}")
        for code, line in sorted(found.keys() - wanted, key=lambda k: k[1]):
            totals[(code, "fp")] += 1
            d = found[(code, line)]
            text = lines[line - 1].strip()[:150]
            out.append(f"  FP   {code} {line}: [{d.evidence}] | {text}")
        if args.hits:
            for code, line in sorted(found.keys() & wanted, key=lambda k: k[1]):
                d = found[(code, line)]
                text = lines[line - 1].strip()[:150]
                out.append(f"  OK   {code} {line}: [{d.evidence}] | {text}")
        if out:
            print(case.label)
            print("\n".join(out))
    print()
    for code in sorted(codes):
        print(f"{code}: fp={totals[(code, 'fp')]} fn={totals[(code, 'fn')]}")


if __name__ == "__main__":
    main()
