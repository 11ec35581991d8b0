"""List, per tuned eval case, the gold steps the heuristic extractor missed (fn) and the steps
it produced that no label expects (fp), with the source line and the gold comment.

Held-out groups (`heldout`, `prose-heldout`) are skipped: they are never to be looked at.

    python scripts/step_misses.py [evals] [--group cases/prose] [--case NAME]
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

from compiler.compilation import Environment
from compiler.config import Config
from compiler.pipeline import compile_file
from compiler.project import evals
from compiler.project.discovery import discover
from compiler.registry import Profiles, load_profiles, load_registry


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("directory", nargs="?", default="evals", type=Path)
    parser.add_argument("--group", default=None)
    parser.add_argument("--case", default=None)
    args = parser.parse_args()
    suite = evals.load_suite(args.directory)
    envs: dict[Path, Environment] = {}
    for gold in evals.discover_cases(args.directory):
        case = evals.load_case(gold, args.directory)
        if evals.is_heldout(case.group or "."):
            continue
        if args.group and case.group != args.group:
            continue
        if args.case and args.case not in case.runbook.name:
            continue
        registry = case.registry or suite.registry
        assert registry is not None
        if registry not in envs:
            envs[registry] = Environment(
                load_registry(registry),
                load_profiles(suite.profiles) if suite.profiles else Profiles.empty(),
                Config(today=suite.labelled_on),
            )
        (source,) = discover([case.runbook])
        artifact = compile_file(source, envs[registry]).artifact
        assert artifact is not None
        report(case, gold, artifact)


def report(case: evals.GoldCase, gold: Path, artifact: object) -> None:
    lines = case.runbook.read_text(encoding="utf-8", errors="replace").split("\n")
    comments: dict[int, list[str]] = {}
    for raw in gold.read_text(encoding="utf-8").split("\n"):
        m = re.match(r"\s*- \{line: (\d+),.*\}\s*#\s*(.*)", raw)
        if m:
            comments.setdefault(int(m.group(1)), []).append(m.group(2))
    predicted: dict[int, list[str]] = {}
    for step in artifact.steps:  # type: ignore[attr-defined]
        if step.source is not None:
            tool = step.tool.name if step.tool else "-"
            predicted.setdefault(step.source.line, []).append(
                f"[{step.kind}/{tool}] {step.text[:90]}"
            )
    gold_steps = Counter(line for line, _ in case.steps)
    pred_steps = Counter({line: len(v) for line, v in predicted.items()})
    fn = gold_steps - pred_steps
    fp = pred_steps - gold_steps
    if not fn and not fp:
        return
    print(f"=== {case.group}/{case.runbook.name}  fn={sum(fn.values())} fp={sum(fp.values())}")
    for line in sorted(set(fn) | set(fp)):
        tag = f"FN{fn[line]}" if fn[line] else f"FP{fp[line]}"
        print(f"  {tag:4} L{line}: {lines[line - 1].strip()[:150]}")
        for c in comments.get(line, []):
            print(f"        gold: {c[:140]}")
        for p in predicted.get(line, []):
            print(f"        pred: {p}")


if __name__ == "__main__":
    main()
