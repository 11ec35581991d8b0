"""compile(): the one place that knows the order of the stages.

parse -> extract -> bind -> graph -> check -> apply_signoffs -> (emit, by the caller)
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from compiler import __version__
from compiler.bind import bind
from compiler.compilation import CompileResult as CompileResult
from compiler.compilation import Environment as Environment
from compiler.compilation import SourceFile as SourceFile
from compiler.config import Config
from compiler.emit import is_plain, seal
from compiler.extract import Extraction
from compiler.extract.coverage import account
from compiler.extract.heuristic import extract
from compiler.frontmatter import RunbookMeta, runbook_meta
from compiler.graph import StepGraph, build_graph
from compiler.parse import Document, parse
from compiler.policy import effective_policy
from compiler.records import SCHEMA_VERSION, Diagnostic, Gate, Span, Step, as_data, sorted_keys
from compiler.rules import CheckContext, Finding, all_rules, run_checks
from compiler.signoff import (
    SignoffProblem,
    SignoffSet,
    apply_signoffs,
    fingerprint,
    load_signoffs,
    sidecar_path,
    step_target,
)
from compiler.source import SourceError, decode_source
from compiler.text.conditions import left_to_judgement
from compiler.text.genre import is_incident_record

if TYPE_CHECKING:
    from compiler.models import Artifact


def compile_file(source: SourceFile, env: Environment) -> CompileResult:
    """Compile one runbook file; fatal problems become a diagnostic, never an exception."""
    if source.refused is not None:
        return _fatal(source, SourceError("RB001", source.refused))
    try:
        data = source.path.read_bytes()
    except OSError as error:
        return _fatal(source, SourceError("RB001", f"cannot read file: {error.strerror}"))
    return compile_data(data, source, env)


def compile_data(data: bytes, source: SourceFile, env: Environment) -> CompileResult:
    """Compile a runbook's bytes read elsewhere (stdin), its sign-offs read beside
    `source.path`; fatal problems become a diagnostic, never an exception."""
    try:
        return compile_result(data, source, env, load_signoffs(source.path))
    except SourceError as error:
        return _fatal(source, error)


def compile_bytes(
    data: bytes, source: SourceFile, env: Environment, signoffs: SignoffSet | None = None
) -> Artifact:
    """Run every stage on a runbook's bytes, and read the artifact back as its model; raises
    SourceError when it cannot compile."""
    artifact = compile_result(data, source, env, signoffs).artifact
    assert artifact is not None
    return artifact


def compile_result(
    data: bytes, source: SourceFile, env: Environment, signoffs: SignoffSet | None = None
) -> CompileResult:
    """Every stage, down to the artifact's canonical JSON; raises SourceError when the bytes
    cannot compile."""
    text = decode_source(data, env.config.max_bytes)
    document = parse(text, source.display)
    meta = runbook_meta(document, source.source_path)
    # An incident record tells what was done, not what to do: no step is drawn from it.
    record = is_incident_record(document.lines)
    extraction = _accounted(
        document, Extraction([]) if record else _extract(document, env), env, record
    )
    bound = bind(extraction.drafts, env.registry)
    graph = build_graph(bound, document.anchors)
    context = CheckContext(
        document, graph, env.registry, env.profiles, meta, env.config, extraction.issues
    )
    findings = run_checks(context)
    by_id = {step.id: step for step in graph.steps}
    targets: dict[str, str] = {}  # worked out for the flagged steps only
    for finding in findings:
        step = by_id.get(finding.step or "")
        if step is not None and step.id not in targets:
            targets[step.id] = step_target(step)
    diagnostics = [
        _diagnostic(f, source.source_path, meta.id, env.config, targets.get(f.step or "", ""))
        for f in findings
    ]
    step_ids = frozenset(step.id for step in graph.steps)
    diagnostics, problems = apply_signoffs(
        diagnostics, signoffs or SignoffSet.empty(), refusal, step_ids
    )
    sidecar = sidecar_path(Path(source.source_path)).as_posix()
    diagnostics += [
        _diagnostic(_problem_finding(p), sidecar, meta.id, env.config) for p in problems
    ]
    steps = _gated_steps(graph, diagnostics)
    blocked = any(d.blocking and d.signoff is None for d in diagnostics)
    status = "blocked" if blocked else "ready"
    artifact = _artifact(data, source, env, meta, graph, steps, diagnostics, extraction, status)
    # every field but the front matter's `inputs` is plain data by its type
    text = seal(artifact, plain=is_plain(meta.inputs))
    return CompileResult(
        source,
        usage=extraction.usage,
        text=text,
        known_status=status,
        diagnostics=tuple(diagnostics),
    )


def _extract(document: Document, env: Environment) -> Extraction:
    """Heuristic drafts, plus grounded model proposals when the LLM extractor is on."""
    drafts = extract(document, env.registry.programs)
    if env.llm is None:
        return Extraction(drafts)
    from compiler.extract.grounding import ground
    from compiler.extract.llm import extract_with_llm  # imports openai: only on request

    result = extract_with_llm(document, sorted(env.registry.tools), env.llm)
    return ground(document, drafts, result, env.registry.tools, env.llm.model)


def _accounted(
    document: Document, extraction: Extraction, env: Environment, record: bool
) -> Extraction:
    """The extraction with every source line classified and its unplaced instructions added
    to its issues (RB008 reports them; an incident record's imperatives are none)."""
    covered = account(document, extraction.drafts, env.registry.programs)
    unplaced = () if record else covered.unplaced
    return replace(
        extraction,
        issues=(*extraction.issues, *unplaced),
        coverage=covered.lines,
    )


def refusal(code: str) -> str | None:
    """Why a code may not be signed off, or None when it may."""
    rule = all_rules().get(code)
    if rule is None:
        return f"unknown code {code}"
    if not rule.signoff:
        return f"{code} {rule.name} cannot be signed off: the runbook or registry must change"
    return None


def _problem_finding(problem: SignoffProblem) -> Finding:
    span = Span(line=problem.line, column=1, end_line=problem.line, end_column=11)
    return Finding(problem.code, span, problem.message, problem.fix, problem.evidence, problem.step)


def _diagnostic(
    finding: Finding, path: str, runbook_id: str, config: Config, target: str = ""
) -> Diagnostic:
    rule = all_rules()[finding.code]
    severity = config.severity.get(finding.code, rule.severity)
    return Diagnostic(
        code=finding.code,
        name=rule.name,
        severity=severity,
        blocking=rule.blocking and severity != "info",
        signable=rule.signoff,
        path=path,
        line=finding.span.line,
        column=finding.span.column,
        end_line=finding.span.end_line,
        end_column=finding.span.end_column,
        message=finding.message,
        fix=finding.fix,
        step=finding.step,
        fingerprint=fingerprint(finding.code, runbook_id, finding.step, finding.evidence, target),
        evidence=" ".join(finding.evidence.split()),
    )


def _gated_steps(graph: StepGraph, diagnostics: list[Diagnostic]) -> list[Step]:
    by_step: dict[str | None, list[Diagnostic]] = {}
    for diagnostic in diagnostics:
        by_step.setdefault(diagnostic.step, []).append(diagnostic)
    return [_gated(step, by_step.get(step.id, [])) for step in graph.steps]


def _artifact(
    data: bytes,
    source: SourceFile,
    env: Environment,
    meta: RunbookMeta,
    graph: StepGraph,
    steps: list[Step],
    diagnostics: list[Diagnostic],
    extraction: Extraction,
    status: str,
) -> dict[str, Any]:
    """The artifact's JSON data (`compiler.models.Artifact`), every mapping in key order: the
    records and the literals here list their fields in key order, free-form mappings are
    sorted (tests/test_emit.py checks the result against the models)."""
    runbook = {
        "applies_to": meta.applies_to,
        "contacts": sorted_keys(meta.contacts),
        "escalation": as_data(meta.escalation),
        "executor": meta.executor,
        "id": meta.id,
        "last_reviewed": meta.last_reviewed,
        "owner": meta.owner,
        "service": meta.service,
        "source_path": source.source_path,
        "source_sha256": hashlib.sha256(data).hexdigest(),
        "title": meta.title,
    }
    provenance = {
        "compiler_version": __version__,
        "extractor": extraction.extractor,
        "model": extraction.model,
        "policy": effective_policy(env.config, source.display),
        "profiles_sha256": env.profiles.sha256,
        "prompt_sha256": extraction.prompt_sha256,
        "registry_sha256": env.registry.sha256,
        "response_cache_keys": list(extraction.cache_keys),
    }
    return {
        "coverage": sorted_keys(extraction.coverage),
        "diagnostics": as_data(diagnostics),
        "entry": graph.entry,
        "inputs": sorted_keys(meta.inputs),
        "integrity": "",
        "provenance": provenance,
        "runbook": runbook,
        "schema_version": SCHEMA_VERSION,
        "status": status,
        "steps": as_data(steps),
    }


def _gated(step: Step, own: list[Diagnostic]) -> Step:
    """Human gate: an unsigned blocking diagnostic of the step, a step no registry tool can
    perform, or a decision whose condition nothing written decides."""
    unsigned = any(d.blocking and d.signoff is None for d in own)
    resolutions = [d.signoff.resolution for d in own if d.signoff and d.signoff.resolution]
    toolless = step.tool is None and step.kind in ("manual", "check", "escalate")
    # (issue 16 item 5, B2) a decision nothing written decides is a person's to take
    undecided = step.kind == "decision" and left_to_judgement(
        [edge.when for edge in step.next if edge.when] or [step.condition or step.text]
    )
    gate: Gate = "human" if unsigned or toolless or undecided else "auto"
    if gate == step.gate and resolutions == step.resolutions:
        return step  # most steps: nothing to change, no copy
    return replace(step, gate=gate, resolutions=resolutions)


def _fatal(source: SourceFile, error: SourceError) -> CompileResult:
    """A file that could not be compiled: its one diagnostic, severity fatal, no artifact."""
    span = Span(line=error.line, column=error.column, end_line=error.line, end_column=error.column)
    fix = all_rules()[error.code].docs.instead.splitlines()[0]
    finding = Finding(error.code, span, error.message, fix, error.message)
    return CompileResult(
        source, fatal=_diagnostic(finding, source.display, source.source_path, Config())
    )
