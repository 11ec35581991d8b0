"""Score the transcript audit against labelled transcripts (`runbookc audit DIR --gold`).

A labelled transcript is `NAME.json` or `NAME.jsonl` with `NAME.gold.yaml` beside it:

    runbook: ../../compiled/etcd-defrag.json   # relative to the gold file
    registry: ../../runbooks_src/tools.yaml    # optional; else found beside the runbook
    inputs: {member_endpoint: "https://10.0.0.3:2379"}   # optional run inputs
    unreadable: false                          # true: the audit must refuse the transcript
    findings:                                  # every finding the audit should report
      - {kind: tool-not-in-graph, message: 7}
      - {kind: unbacked-claim, message: 13, says: "alarm gone"}   # words of the claim

A label matches a finding of its kind at its message index (and, with `says`, whose claim
contains those words); each finding matches at most one label. Precision and recall are
reported per finding kind and overall.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from compiler.project.evals import EvalError, Tally
from compiler.registry import Registry, RegistryError, load_registry
from compiler.runtime import (
    ArtifactError,
    AuditError,
    Finding,
    TranscriptError,
    audit_transcript,
    read_artifact,
    read_transcript,
)

UNREADABLE = "unreadable"
GOLD_SUFFIX = ".gold.yaml"
HALLUCINATED = ("tool-not-in-graph", "unbacked-claim", UNREADABLE)
"""Found kinds that fail an agent test suite: a hallucinated call, an unbacked claim, or a
transcript that could not be read."""


class AuditEvalError(EvalError):
    """The labelled transcripts cannot be scored (a gold file, runbook or registry is bad)."""


@dataclass(frozen=True)
class Label:
    """One expected or found finding: its kind, message index and claim words."""

    kind: str
    message: int | None
    says: str | None = None


@dataclass
class EvalReport:
    """Scores over a directory of labelled transcripts."""

    cases: int = 0
    scores: dict[str, Tally] = field(default_factory=dict)
    disagreements: list[str] = field(default_factory=list)
    found: dict[str, int] = field(default_factory=dict)

    @property
    def overall(self) -> Tally:
        """All kinds together."""
        scores = self.scores.values()
        return Tally(
            sum(s.tp for s in scores), sum(s.fp for s in scores), sum(s.fn for s in scores)
        )

    @property
    def ok(self) -> bool:
        """False when any transcript holds a hallucinated call or unbacked claim, or could
        not be read: what fails an agent test suite."""
        return not any(self.found.get(kind) for kind in HALLUCINATED)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready summary."""

        def row(score: Tally) -> dict[str, Any]:
            return {
                "tp": score.tp,
                "fp": score.fp,
                "fn": score.fn,
                "precision": round(score.precision, 4),
                "recall": round(score.recall, 4),
            }

        return {
            "cases": self.cases,
            "ok": self.ok,
            "overall": row(self.overall),
            "kinds": {kind: row(score) for kind, score in sorted(self.scores.items())},
            "found": dict(sorted(self.found.items())),
            "disagreements": self.disagreements,
        }


def evaluate(directory: Path, registry: Path | None = None) -> EvalReport:
    """Audit every labelled transcript under `directory` and score the findings."""
    golds = sorted(directory.rglob(f"*{GOLD_SUFFIX}"))
    if not golds:
        raise AuditEvalError(f"{directory}: no labelled transcripts (*{GOLD_SUFFIX})")
    report = EvalReport()
    registries = _Registries(registry)
    for gold in golds:
        transcript = _transcript_of(gold)
        expected, found = _case(gold, transcript, registries)
        report.cases += 1
        _score(report, str(transcript), expected, found)
    return report


def _transcript_of(gold: Path) -> Path:
    stem = gold.name[: -len(GOLD_SUFFIX)]
    for suffix in (".json", ".jsonl"):
        candidate = gold.with_name(stem + suffix)
        if candidate.is_file():
            return candidate
    raise AuditEvalError(f"{gold}: no transcript {stem}.json or {stem}.jsonl beside it")


class _Registries:
    """Registries loaded once per path."""

    def __init__(self, default: Path | None) -> None:
        self.default = default
        self.loaded: dict[Path, Registry] = {}

    def get(self, path: Path) -> Registry:
        path = path.resolve()
        if path not in self.loaded:
            try:
                self.loaded[path] = load_registry(path)
            except RegistryError as error:
                raise AuditEvalError(str(error)) from None
        return self.loaded[path]


def _case(gold: Path, transcript: Path, registries: _Registries) -> tuple[list[Label], list[Label]]:
    data = _gold(gold)
    expected = [_label(gold, item) for item in data.get("findings") or []]
    if data.get(UNREADABLE):
        expected.append(Label(UNREADABLE, None))
    runbook = gold.parent / str(data.get("runbook", ""))
    registry_path = gold.parent / data["registry"] if data.get("registry") else registries.default
    if registry_path is None:
        raise AuditEvalError(f"{gold}: no registry (give `registry:` or --registry)")
    try:
        artifact = read_artifact(runbook)
        registry = registries.get(registry_path)
        read = read_transcript(transcript)
        report = audit_transcript(read, artifact, registry, inputs=data.get("inputs"))
    except TranscriptError as error:
        return expected, [Label(UNREADABLE, None, str(error))]
    except (ArtifactError, AuditError) as error:
        raise AuditEvalError(f"{gold}: {error}") from None
    return expected, [_found(finding) for finding in report.findings]


def _gold(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise AuditEvalError(f"{path}: cannot read labels: {error}") from None
    if not isinstance(data, dict) or "runbook" not in data:
        raise AuditEvalError(f"{path}: labels must be a mapping with `runbook` and `findings`")
    return data


def _label(gold: Path, item: Any) -> Label:
    if not isinstance(item, dict) or not isinstance(item.get("kind"), str):
        raise AuditEvalError(f"{gold}: each finding needs `kind` and `message`: {item!r}")
    message = item.get("message")
    if not isinstance(message, int):
        raise AuditEvalError(f"{gold}: finding {item!r} has no integer `message`")
    says = item.get("says")
    return Label(item["kind"], message, str(says) if says is not None else None)


def _found(finding: Finding) -> Label:
    return Label(finding.kind, finding.index, finding.claim or finding.message)


def _score(report: EvalReport, where: str, expected: list[Label], found: list[Label]) -> None:
    unmatched = list(found)
    for label in sorted(expected, key=lambda lab: lab.says is None):
        match = next((f for f in unmatched if _matches(label, f)), None)
        score = report.scores.setdefault(label.kind, Tally())
        if match is None:
            score.fn += 1
            report.disagreements.append(f"{where}: missed {_show(label)}")
        else:
            score.tp += 1
            unmatched.remove(match)
    for extra in unmatched:
        report.scores.setdefault(extra.kind, Tally()).fp += 1
        report.disagreements.append(f"{where}: unexpected {_show(extra)}")
    for item in found:
        report.found[item.kind] = report.found.get(item.kind, 0) + 1


def _matches(label: Label, found: Label) -> bool:
    if label.kind != found.kind or label.message != found.message:
        return False
    return label.says is None or label.says.lower() in (found.says or "").lower()


def _show(label: Label) -> str:
    where = f" at message {label.message}" if label.message is not None else ""
    words = f" ({label.says!r})" if label.says else ""
    return f"{label.kind}{where}{words}"


def render_text(report: EvalReport) -> str:
    """A table of precision and recall per finding kind, the counters, and disagreements."""
    lines = [f"{'kind':<20} {'tp':>4} {'fp':>4} {'fn':>4} {'precision':>10} {'recall':>7}"]
    named = [*sorted(report.scores.items()), ("all", report.overall)]
    for kind, score in named:
        lines.append(
            f"{kind:<20} {score.tp:>4} {score.fp:>4} {score.fn:>4} "
            f"{score.precision:>10.3f} {score.recall:>7.3f}"
        )
    counts = ", ".join(f"{report.found.get(kind, 0)} {kind}" for kind in HALLUCINATED)
    lines.append(f"{report.cases} labelled transcript(s); found {counts}")
    lines += report.disagreements
    return "\n".join(lines) + "\n"
