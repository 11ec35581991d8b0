"""Transcript audit findings in `check`'s output formats (text, json, sarif, github, markdown).

Each finding becomes a `Diagnostic` whose code is the finding kind, at the transcript's path
and the line of its message, so the formatters of `compiler.draw.diagnostics` print it as they
print rule diagnostics; the kinds are described by a small catalogue of their own for SARIF.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from types import MappingProxyType

from compiler.draw.diagnostics import as_github, as_json, as_markdown, as_sarif, as_text
from compiler.records import Diagnostic
from compiler.rules import Rule, RuleDoc
from compiler.runtime import Finding, TranscriptReport


def _kind(name: str, summary: str, why: str, example: str, instead: str) -> Rule:
    return Rule(
        code=name,
        name=name,
        severity="error",
        blocking=True,
        signoff=False,
        summary=summary,
        docs=RuleDoc(what=summary, why=why, example=example, instead=instead),
    )


FINDING_KINDS = MappingProxyType(
    {
        rule.code: rule
        for rule in (
            _kind(
                "tool-not-in-graph",
                "The agent called a tool that no step of the runbook uses.",
                "The runbook never bound this tool: the call is a hallucinated action.",
                'tool_use {"name": "drop_database"} against etcd-defrag',
                "Call only the tools of the current step (Guard.tools()).",
            ),
            _kind(
                "out-of-order",
                "The call's step is not reachable next from the steps done so far.",
                "Skipping checks or verification breaks the runbook's safety order.",
                "etcdctl defrag before the endpoint health check",
                "Follow the graph's edges; a retry of the current step is allowed.",
            ),
            _kind(
                "human-gated",
                "The call was made at a step only a human may execute.",
                "A gate: human step needs a person; the agent acted in their place.",
                "billing.issue_refund at a human-gated refund step",
                "Stop at the step and hand over; advance with confirmed_by.",
            ),
            _kind(
                "argument-mismatch",
                "The guard would deny the call's arguments at its step.",
                "Arguments outside the params schema or the recorded binding retarget it.",
                'oc.rsh with an extra "command": "etcdctl member remove ..."',
                "Pass exactly the arguments the step records (Guard.tools() shows them).",
            ),
            _kind(
                "reused-id",
                "The call reuses an earlier call's id.",
                "Results pair with calls by id: a reused id can dress a failure as success.",
                "a denied disarm's tool_call_id reused for a later alarm list",
                "Give every call its own id.",
            ),
            _kind(
                "unbacked-claim",
                "A claim that no earlier successful call of a matching step backs.",
                "The summary says something happened that the tool calls do not show.",
                '"Defrag done on every member; the alarm is gone" after one defrag',
                "Claim only what successful calls did, naming the objects they named.",
            ),
        )
    }
)
"""The finding kinds described as rules, for SARIF's rule list."""

FORMATTERS: dict[str, Callable[[list[Diagnostic], int], str]] = {
    "text": as_text,
    "json": as_json,
    "github": as_github,
    "markdown": as_markdown,
}


def diagnostics(report: TranscriptReport, path: str) -> list[Diagnostic]:
    """One diagnostic per finding, at the transcript path and its message's line."""
    return [_diagnostic(finding, path) for finding in report.findings]


def render(report: TranscriptReport, path: str, fmt: str) -> str:
    """The report in one of `check`'s formats; text adds a count of calls and claims, JSON
    the full report (claims and what backs them) under `audit`."""
    found = diagnostics(report, path)
    if fmt == "sarif":
        return as_sarif(found, 1, FINDING_KINDS)
    if fmt == "json":
        payload = json.loads(as_json(found, 1))
        payload["audit"] = report.to_dict()
        return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
    out = FORMATTERS[fmt](found, 1)
    if fmt == "text":
        out += (
            f"{report.calls} tool call(s), {len(report.claims)} claim(s), "
            f"{len(report.findings)} finding(s) ({report.format} transcript)\n"
        )
    return out


def _diagnostic(finding: Finding, path: str) -> Diagnostic:
    rule = FINDING_KINDS[finding.kind]
    evidence = finding.claim or finding.tool or ""
    digest = hashlib.sha256(f"{finding.kind}\0{finding.index}\0{evidence}".encode()).hexdigest()
    return Diagnostic(
        blocking=True,
        code=finding.kind,
        column=1,
        end_column=1,
        end_line=finding.line,
        evidence=evidence,
        fingerprint=digest[:16],
        fix=rule.docs.instead,
        line=finding.line,
        message=f"message {finding.index}: {finding.message}",
        name=finding.kind,
        path=path,
        severity="error",
    )
