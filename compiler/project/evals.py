"""Scoring of labelled eval cases: step detection, binding, flags, and the two zero counters.

A case is `NAME.md` with `NAME.gold.yaml` beside it:

    registry: ../tools.yaml         # optional; default: the suite's registry
    profile: oncall-sre             # optional; informational
    steps:                          # gold steps, matched by source line
      - {line: 12, tool: kubectl.get_pods}
      - {line: 18, tool: null}
    flags:                          # gold diagnostics, matched by (code, line)
      - {code: RB101, line: 14}
    forbidden_tools: [check_stripe]
    scored_codes: [RB101, RB108]    # optional: only these codes were labelled; others are
                                    # not scored in this case (neither hits nor misses)

A gold step may carry `destructive: true`: the report counts how many of those are matched by a
step on the same line whose effect is destructive.

Cases are reported per group too: the directory holding the case, relative to the eval
directory. A group whose name contains `heldout` is held out (never tuned on); its disagreements
are not listed in the text report.

The suite's defaults (registry, profiles) and score floors come from `suite.yaml` in the eval
directory or the nearest directory above it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from compiler.compilation import Environment
from compiler.config import Config
from compiler.models import Artifact
from compiler.parse import decode_source, grounded
from compiler.project import WorkspaceError
from compiler.project.discovery import discover
from compiler.records import Span as PlainSpan
from compiler.registry import Profiles, Registry, load_profiles, load_registry
from compiler.safe_yaml import safe_load

if TYPE_CHECKING:
    from compiler.extract.llm import LLMSettings

GOLD_SUFFIX = ".gold.yaml"


class EvalError(Exception):
    """An eval case or suite file is missing or malformed (exit 2)."""


@dataclass(frozen=True)
class GoldCase:
    """One labelled runbook."""

    runbook: Path
    registry: Path | None
    steps: list[tuple[int, str | None]]
    flags: Counter[tuple[str, int]]
    forbidden_tools: frozenset[str]
    scored_codes: frozenset[str] | None = None
    """The codes labelled in this case; None: every code is labelled."""
    destructive: Counter[int] = field(default_factory=Counter)
    """Lines of gold steps marked `destructive: true` (one count per step)."""
    group: str = ""
    """The case's directory relative to the eval directory (its name at the top); "" if
    loaded without an eval directory."""
    label: str = ""
    """The runbook's path relative to the eval directory, as reports name it."""

    def scores(self, code: str) -> bool:
        """Whether flags of this code count in this case."""
        return self.scored_codes is None or code in self.scored_codes


@dataclass
class Tally:
    """True positives, false positives and false negatives, with the derived scores."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, gold: Counter[Any], predicted: Counter[Any]) -> None:
        """Count a case's gold and predicted items (multisets)."""
        hits = gold & predicted
        self.tp += sum(hits.values())
        self.fp += sum((predicted - hits).values())
        self.fn += sum((gold - hits).values())

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        """Counts and scores, rounded for reports."""
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": round(self.precision, 3),
            "recall": round(self.recall, 3),
            "f1": round(self.f1, 3),
        }


@dataclass
class EvalReport:
    """Scores over all cases."""

    cases: int = 0
    flags: Tally = field(default_factory=Tally)
    flags_by_rule: dict[str, Tally] = field(default_factory=dict)
    steps: Tally = field(default_factory=Tally)
    bindings_correct: int = 0
    bindings_total: int = 0
    hallucinated_tools: list[str] = field(default_factory=list)
    ungrounded_steps: list[str] = field(default_factory=list)
    destructive_matched: int = 0
    destructive_total: int = 0
    """Gold destructive steps, and those matched by a step with a destructive effect."""
    floor_misses: list[str] = field(default_factory=list)
    disagreements: list[str] = field(default_factory=list)
    """Each gold label the compiler missed and each output no label expects, by case line."""
    groups: dict[str, EvalReport] = field(default_factory=dict)
    """The same scores per group (case directory); empty inside a group's report."""
    group_dirs: dict[str, Path] = field(default_factory=dict)
    """Each group's directory, resolved (to find its floors)."""

    @property
    def binding_accuracy(self) -> float:
        return self.bindings_correct / self.bindings_total if self.bindings_total else 1.0

    @property
    def ok(self) -> bool:
        """The counters that must be zero are zero, and every floor is met."""
        return not (self.hallucinated_tools or self.ungrounded_steps or self.floor_misses)

    def as_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data."""
        return {
            "cases": self.cases,
            "flags": self.flags.as_dict(),
            "flags_by_rule": {k: v.as_dict() for k, v in sorted(self.flags_by_rule.items())},
            "steps": self.steps.as_dict(),
            "binding_accuracy": round(self.binding_accuracy, 3),
            "bindings": {"correct": self.bindings_correct, "total": self.bindings_total},
            "destructive": {
                "matched": self.destructive_matched,
                "total": self.destructive_total,
            },
            "hallucinated_tools": self.hallucinated_tools,
            "ungrounded_steps": self.ungrounded_steps,
            "floor_misses": self.floor_misses,
            "disagreements": self.disagreements,
            **(
                {
                    "groups": {
                        name: {"heldout": is_heldout(name), **group.as_dict()}
                        for name, group in sorted(self.groups.items())
                    }
                }
                if self.groups
                else {}
            ),
        }


def is_heldout(group: str) -> bool:
    """Whether a group of cases is held out: never tuned on, reported on its own."""
    return "heldout" in group.lower()


def discover_cases(directory: Path) -> list[Path]:
    """The gold files of an eval directory, recursively, in a stable order."""
    if not directory.is_dir():
        raise EvalError(f"{directory}: not a directory of eval cases")
    found = sorted(directory.rglob(f"*{GOLD_SUFFIX}"))
    if not found:
        raise EvalError(f"{directory}: no *{GOLD_SUFFIX} eval cases")
    return found


def load_case(gold_path: Path, root: Path | None = None) -> GoldCase:
    """Read one gold file and locate its runbook; `root` (the eval directory) names its group."""
    raw = _yaml(gold_path)
    runbook = gold_path.with_name(gold_path.name.removesuffix(GOLD_SUFFIX) + ".md")
    if not runbook.is_file():
        raise EvalError(f"{gold_path}: no runbook {runbook.name} beside it")
    try:
        steps = [(int(s["line"]), s.get("tool")) for s in raw.get("steps", [])]
        flags = Counter((str(f["code"]), int(f["line"])) for f in raw.get("flags", []))
        destructive = Counter(
            int(s["line"]) for s in raw.get("steps", []) if s.get("destructive") is True
        )
        codes = raw.get("scored_codes")
        scored = None if codes is None else frozenset(str(code) for code in codes)
    except (KeyError, TypeError, ValueError) as error:
        raise EvalError(f"{gold_path}: malformed steps or flags: {error}") from None
    registry = raw.get("registry")
    return GoldCase(
        runbook=runbook,
        registry=(gold_path.parent / registry).resolve() if registry else None,
        steps=steps,
        flags=flags,
        forbidden_tools=frozenset(raw.get("forbidden_tools", [])),
        scored_codes=scored,
        destructive=destructive,
        group=_group(gold_path, root),
        label=_label(runbook, root),
    )


def _label(runbook: Path, root: Path | None) -> str:
    try:
        return runbook.resolve().relative_to(root.resolve()).as_posix() if root else runbook.name
    except ValueError:
        return runbook.name


def _group(gold_path: Path, root: Path | None) -> str:
    if root is None:
        return ""
    try:
        folder = gold_path.resolve().parent.relative_to(root.resolve())
    except ValueError:
        return ""
    return folder.as_posix() if folder.parts else root.resolve().name


SUITE_NAME = "suite.yaml"


@dataclass(frozen=True)
class Floors:
    """Minimum scores a suite must reach; a miss fails `runbookc eval` (exit 1)."""

    flags_f1: float = 0.0
    steps_f1: float = 0.0
    binding_accuracy: float = 0.0
    rule_f1: dict[str, float] = field(default_factory=dict)
    """Per-rule F1 floors; the key `default` applies to every rule the suite scores."""

    def misses(self, report: EvalReport) -> list[str]:
        """Each score below its floor, as a sentence."""
        scores = [
            ("flags F1", report.flags.f1, self.flags_f1),
            ("steps F1", report.steps.f1, self.steps_f1),
            ("binding accuracy", report.binding_accuracy, self.binding_accuracy),
        ]
        default = self.rule_f1.get("default", 0.0)
        scores += [
            (f"{code} F1", tally.f1, self.rule_f1.get(code, default))
            for code, tally in sorted(report.flags_by_rule.items())
        ]
        return [
            f"{name} {score:.3f} is below its floor {floor:.2f}"
            for name, score, floor in scores
            if score < floor
        ]


@dataclass(frozen=True)
class Suite:
    """`suite.yaml` of an eval directory (or the nearest one above it): defaults and floors."""

    registry: Path | None = None
    profiles: Path | None = None
    floors: Floors = field(default_factory=Floors)
    labelled_on: date | None = None
    """The date the labels were made: stale-review ages count from it, so a label that was
    right then stays right."""
    group_floors: dict[Path, Floors] = field(default_factory=dict)
    """Floors of their own for some case directories (`group_floors:` in suite.yaml, keys
    relative to it): a group labelled to another granularity is held to its own figures,
    and `floors` apply to the cases of every other group together."""

    def misses(self, report: EvalReport) -> list[str]:
        """Each score below its floor: a group with floors of its own against those, every
        other case together against `floors`."""
        if not report.groups:
            return self.floors.misses(report)
        found: list[str] = []
        rest: list[EvalReport] = []
        for name, group in sorted(report.groups.items()):
            own = self.group_floors.get(report.group_dirs.get(name, Path()))
            if own is None:
                rest.append(group)
            else:
                found += [f"group {name}: {miss}" for miss in own.misses(group)]
        return self.floors.misses(merged(rest)) + found if rest else found


def merged(reports: list[EvalReport]) -> EvalReport:
    """The scores of several reports as one (their tallies and counters added)."""
    out = EvalReport()
    for report in reports:
        out.cases += report.cases
        for name in ("flags", "steps"):
            mine, theirs = getattr(out, name), getattr(report, name)
            mine.tp, mine.fp, mine.fn = (
                mine.tp + theirs.tp,
                mine.fp + theirs.fp,
                mine.fn + theirs.fn,
            )
        for code, tally in report.flags_by_rule.items():
            mine = out.flags_by_rule.setdefault(code, Tally())
            mine.tp, mine.fp, mine.fn = mine.tp + tally.tp, mine.fp + tally.fp, mine.fn + tally.fn
        out.bindings_correct += report.bindings_correct
        out.bindings_total += report.bindings_total
    return out


def load_suite(directory: Path) -> Suite:
    """The nearest `suite.yaml` at or above an eval directory; an empty suite if none."""
    candidates = [directory / SUITE_NAME] + [d / SUITE_NAME for d in directory.resolve().parents]
    path = next((candidate for candidate in candidates if candidate.is_file()), None)
    if path is None:
        return Suite()
    raw = _yaml(path)
    paths = {
        key: (path.parent / str(raw[key])).resolve()
        for key in ("registry", "profiles")
        if raw.get(key)
    }
    labelled_on = raw.get("labelled_on")
    if labelled_on is not None and not isinstance(labelled_on, date):
        raise EvalError(f"{path}: labelled_on must be a date (YYYY-MM-DD)")
    groups = raw.get("group_floors") or {}
    if not isinstance(groups, dict):
        raise EvalError(f"{path}: group_floors must map case directories to floors")
    return Suite(
        floors=_floors(path, raw.get("floors") or {}),
        labelled_on=labelled_on,
        group_floors={
            (path.parent / str(key)).resolve(): _floors(path, value or {})
            for key, value in groups.items()
        },
        **paths,
    )


def _floors(path: Path, raw: Any) -> Floors:
    try:
        rules = {str(code): float(value) for code, value in (raw.get("rules") or {}).items()}
        overall = {
            key: float(raw[key])
            for key in ("flags_f1", "steps_f1", "binding_accuracy")
            if key in raw
        }
        unknown = set(raw) - {"rules", *overall}
    except (AttributeError, TypeError, ValueError) as error:
        raise EvalError(f"{path}: malformed floors: {error}") from None
    if unknown:
        raise EvalError(f"{path}: unknown floors: {', '.join(sorted(map(str, unknown)))}")
    return Floors(rule_f1=rules, **overall)


def _yaml(path: Path) -> dict[str, Any]:
    try:
        loaded = safe_load(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise EvalError(f"{path}: cannot read: {str(error).splitlines()[0]}") from None
    if not isinstance(loaded, dict):
        raise EvalError(f"{path}: expected a YAML mapping")
    return loaded


def score_case(case: GoldCase, artifact: Artifact, registry: Registry, report: EvalReport) -> None:
    """Add one compiled case's scores to the report and to its group's report."""
    _score_into(case, artifact, registry, report)
    group = report.groups.setdefault(case.group or ".", EvalReport())
    report.group_dirs[case.group or "."] = case.runbook.parent.resolve()
    _score_into(case, artifact, registry, group)


def _score_into(case: GoldCase, artifact: Artifact, registry: Registry, report: EvalReport) -> None:
    report.cases += 1
    # RB4xx describe what the LLM extractor did, not the runbook: they are not scored.
    predicted_flags = Counter(
        (d.code, d.line)
        for d in artifact.diagnostics
        if not d.code.startswith("RB4") and case.scores(d.code)
    )
    gold_flags = Counter({k: n for k, n in case.flags.items() if case.scores(k[0])})
    report.flags.add(gold_flags, predicted_flags)
    for code in {c for c, _ in gold_flags} | {c for c, _ in predicted_flags}:
        report.flags_by_rule.setdefault(code, Tally()).add(
            Counter({k: n for k, n in gold_flags.items() if k[0] == code}),
            Counter({k: n for k, n in predicted_flags.items() if k[0] == code}),
        )
    tools_by_line: dict[int, list[str | None]] = {}
    destructive_by_line: Counter[int] = Counter()
    for step in artifact.steps:
        if step.source is not None:
            tools_by_line.setdefault(step.source.line, []).append(
                step.tool.name if step.tool else None
            )
            destructive_by_line[step.source.line] += step.effect == "destructive"
    gold_steps = Counter(line for line, _ in case.steps)
    predicted_steps = Counter({line: len(tools) for line, tools in tools_by_line.items()})
    report.steps.add(gold_steps, predicted_steps)
    destructive_hits = case.destructive & destructive_by_line
    report.destructive_total += sum(case.destructive.values())
    report.destructive_matched += sum(destructive_hits.values())
    name = case.label or case.runbook.name
    report.disagreements += [
        f"{name}:{line}: {what} {code}"
        for what, items in (
            ("missed", gold_flags - predicted_flags),
            ("unexpected", predicted_flags - gold_flags),
        )
        for code, line in sorted(items.elements(), key=lambda item: item[1])
    ]
    report.disagreements += [
        f"{name}:{line}: {what} step"
        for what, items in (
            ("missed", gold_steps - predicted_steps),
            ("unexpected", predicted_steps - gold_steps),
            ("destructive gold, non-destructive", case.destructive - destructive_hits),
        )
        for line in sorted(items.elements())
    ]
    for line, tool in case.steps:
        if line in tools_by_line:
            report.bindings_total += 1
            report.bindings_correct += tool in tools_by_line[line]
    _count_zero_counters(case, artifact, registry, report)


def _count_zero_counters(
    case: GoldCase, artifact: Artifact, registry: Registry, report: EvalReport
) -> None:
    name = case.label or case.runbook.name
    lines = decode_source(case.runbook.read_bytes()).split("\n")
    for step in artifact.steps:
        if step.tool and (
            step.tool.name not in registry.tools or step.tool.name in case.forbidden_tools
        ):
            report.hallucinated_tools.append(f"{name}: {step.id} -> {step.tool.name}")
        span = PlainSpan(**step.source.model_dump()) if step.source is not None else None
        if span is not None and not grounded(lines, span, step.text):
            report.ungrounded_steps.append(f"{name}:{span.line}: {step.id}")


def render_text(report: EvalReport, verbose: bool = False) -> str:
    """A human-readable summary, then one per group; `verbose` adds every disagreement with the
    gold labels, except in held-out groups (only their count: they are not to be tuned on)."""
    out = _summary(report)
    out += [f"floor missed: {item}" for item in report.floor_misses]
    for name, group in sorted(report.groups.items()):
        heldout = " [HELD-OUT: not tuned on]" if is_heldout(name) else ""
        out += ["", f"group {name}{heldout}:"]
        out += [f"  {line}" for line in _summary(group)]
    if verbose:
        out += ["", "disagreements with the gold labels:"]
        groups = report.groups or {"": report}
        hidden = sum(len(g.disagreements) for n, g in groups.items() if is_heldout(n))
        shown = [
            item for n, g in sorted(groups.items()) if not is_heldout(n) for item in g.disagreements
        ]
        out += [f"  {item}" for item in shown] or ["  none"]
        if hidden:
            out += [f"  ({hidden} in held-out groups not listed)"]
    return "\n".join(out) + "\n"


def _summary(report: EvalReport) -> list[str]:
    out = [
        f"{report.cases} case(s)",
        f"flags:  P={report.flags.precision:.3f} R={report.flags.recall:.3f} "
        f"F1={report.flags.f1:.3f}  (tp={report.flags.tp} fp={report.flags.fp} "
        f"fn={report.flags.fn})",
        f"steps:  P={report.steps.precision:.3f} R={report.steps.recall:.3f} "
        f"F1={report.steps.f1:.3f}  (tp={report.steps.tp} fp={report.steps.fp} "
        f"fn={report.steps.fn})",
        f"binding accuracy: {report.binding_accuracy:.3f} "
        f"({report.bindings_correct}/{report.bindings_total})",
        f"destructive steps with a destructive effect: "
        f"{report.destructive_matched}/{report.destructive_total}",
        f"hallucinated tools: {len(report.hallucinated_tools)}   "
        f"ungrounded steps: {len(report.ungrounded_steps)}   (both must be 0)",
        "per rule:",
    ]
    out += [
        f"  {code}  P={t.precision:.2f} R={t.recall:.2f} F1={t.f1:.2f}  "
        f"(tp={t.tp} fp={t.fp} fn={t.fn})"
        for code, t in sorted(report.flags_by_rule.items())
    ]
    out += [f"  hallucinated: {item}" for item in report.hallucinated_tools]
    out += [f"  ungrounded: {item}" for item in report.ungrounded_steps]
    return out


def run_evals(directory: Path, llm: LLMSettings | None = None) -> EvalReport:
    """Compile every labelled case of an eval directory (with the LLM extractor when given)
    and score it."""
    suite = load_suite(directory)
    return _score_cases(directory, suite, llm)


def _score_cases(directory: Path, suite: Suite, llm: LLMSettings | None) -> EvalReport:
    from compiler.pipeline import compile_file

    report = EvalReport()
    loaded: dict[Path, Environment] = {}
    for gold in discover_cases(directory):
        case = load_case(gold, directory)
        registry = case.registry or suite.registry
        if registry is None:
            raise WorkspaceError(f"{gold}: no registry (set one in the case or suite.yaml)")
        if registry not in loaded:
            loaded[registry] = Environment(
                load_registry(registry),
                load_profiles(suite.profiles) if suite.profiles else Profiles.empty(),
                Config(today=suite.labelled_on),  # ages as on the day the labels were made
                llm=llm,
            )
        env = loaded[registry]
        (source,) = discover([case.runbook])
        result = compile_file(source, env)
        if result.artifact is None:
            raise WorkspaceError(f"{case.runbook}: cannot compile an eval case")
        score_case(case, result.artifact, env.registry, report)
    report.floor_misses = suite.misses(report)
    return report
