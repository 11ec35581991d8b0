"""Diagnostics -> text, JSON (and the CI formats): output only, no decisions."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from compiler import DOCS_URL, PROJECT_URL, __version__
from compiler.records import as_data
from compiler.text.escape import printable

if TYPE_CHECKING:  # a clean `check` served from the cache loads neither (nor pydantic)
    from compiler.records import Diagnostic
    from compiler.rules import Rule

JSON_FIELDS = (
    "code",
    "name",
    "severity",
    "path",
    "line",
    "column",
    "end_line",
    "end_column",
    "message",
    "fix",
    "step",
    "fingerprint",
    "signoff",
)


def summary(diagnostics: list[Diagnostic], files: int) -> dict[str, Any]:
    """Counts by severity and the number of unsigned blocking diagnostics."""
    severities = Counter(d.severity for d in diagnostics)
    return {
        "files": files,
        "total": len(diagnostics),
        "by_severity": dict(sorted(severities.items())),
        "blocking_unsigned": sum(1 for d in diagnostics if d.blocking and d.signoff is None),
        "signed_off": sum(1 for d in diagnostics if d.signoff is not None),
    }


_ANSI = {
    "path": "1",
    "fatal": "1;31",
    "error": "1;31",
    "warning": "1;33",
    "info": "1;34",
    "help": "36",
    "dim": "2",
}


def _paint(text: str, style: str, color: bool) -> str:
    return f"\x1b[{_ANSI[style]}m{text}\x1b[0m" if color else text


def signoff_target(d: Diagnostic) -> str:
    """What `runbookc signoff` takes for this diagnostic: `CODE@STEP`, or `CODE`."""
    return f"{d.code}@{d.step}" if d.step else d.code


def as_text(diagnostics: list[Diagnostic], files: int, color: bool = False) -> str:
    """ruff-style: `path:line:col: CODE message`, then the fix hint indented, and for a flag
    that can be signed off, its `CODE@STEP` target. `color` adds ANSI colours (a terminal)."""
    lines = []
    for d in diagnostics:
        signed = f" [signed off by {printable(d.signoff.by)}]" if d.signoff else ""
        where = _paint(f"{printable(d.path)}:{d.line}:{d.column}", "path", color)
        code = _paint(d.code, d.severity, color)
        lines.append(f"{where}: {code} {printable(d.message)}{signed}")
        lines.append(f"  {_paint('help', 'help', color)}: {printable(d.fix)}")
        if d.signoff is None and d.signable:
            target = printable(signoff_target(d))
            lines.append(f"  {_paint('target', 'dim', color)}: {target}")
    counts = summary(diagnostics, files)
    lines.append(
        f"Found {counts['total']} diagnostic(s) in {files} file(s); "
        f"{counts['blocking_unsigned']} blocking and unsigned, {counts['signed_off']} signed off."
    )
    return "\n".join(lines) + "\n"


def as_json(diagnostics: list[Diagnostic], files: int) -> str:
    """`{"diagnostics": [...], "summary": {...}}` with DESIGN's field list per diagnostic."""
    items = []
    for d in diagnostics:
        data = as_data(d)
        items.append({key: data[key] for key in JSON_FIELDS})
    payload = {"diagnostics": items, "summary": summary(diagnostics, files)}
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


_SARIF_LEVEL = {"info": "note", "warning": "warning", "error": "error", "fatal": "error"}
_GITHUB_LEVEL = {"info": "notice", "warning": "warning", "error": "error", "fatal": "error"}
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "SRCROOT"
"""The base of result URIs: the directory `runbookc` ran in (the checkout, in CI)."""


def rule_doc_url(code: str) -> str:
    """Where a rule's documentation page is published (generated into docs/rules/)."""
    return f"{DOCS_URL}/rules/{code}.md"


def as_sarif(
    diagnostics: list[Diagnostic], files: int, catalogue: Mapping[str, Rule] | None = None
) -> str:
    """SARIF 2.1.0: one run, the rules that fired, one result per diagnostic. `catalogue`
    describes the codes (default: the compiler's rules)."""
    from compiler.rules import all_rules

    catalogue = all_rules() if catalogue is None else catalogue
    fired = sorted({d.code for d in diagnostics if d.code in catalogue})
    index = {code: i for i, code in enumerate(fired)}
    documented = catalogue is all_rules()
    rules = [_sarif_rule(catalogue[code], documented) for code in fired]
    root = Path.cwd()
    results = [_sarif_result(d, index.get(d.code), root) for d in diagnostics]
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "runbookc",
                        "version": __version__,
                        "informationUri": PROJECT_URL,
                        "rules": rules,
                    }
                },
                "originalUriBaseIds": {SRCROOT: {"uri": root.as_uri().rstrip("/") + "/"}},
                "results": results,
                "properties": {"files": files},
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _sarif_rule(rule: Rule, documented: bool) -> dict[str, Any]:
    docs = rule.docs
    markdown = (
        f"**What it does**: {docs.what}\n\n**Why is this bad?** {docs.why}\n\n"
        f"**Example**\n\n```\n{docs.example}\n```\n\n**Use instead**\n\n"
        f"```\n{docs.instead}\n```"
    )
    described: dict[str, Any] = {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": docs.what},
        "help": {"text": f"{docs.why} Use instead: {docs.instead}", "markdown": markdown},
        "defaultConfiguration": {"level": _SARIF_LEVEL[rule.severity]},
        "properties": {"blocking": rule.blocking, "signoff": rule.signoff},
    }
    if documented:
        described["helpUri"] = rule_doc_url(rule.code)
    return described


def _artifact_location(path: str, root: Path) -> dict[str, str]:
    """A path relative to the run's source root (`uriBaseId`), or an absolute file URI for a
    file outside it; percent-encoded either way."""
    try:
        relative = Path(path).absolute().relative_to(root.absolute())
    except ValueError:
        return {"uri": Path(path).absolute().as_uri()}
    return {"uri": quote(relative.as_posix()), "uriBaseId": SRCROOT}


def _sarif_result(d: Diagnostic, rule_index: int | None, root: Path) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": d.code,
        "level": _SARIF_LEVEL[d.severity],
        "message": {"text": f"{d.message} (help: {d.fix})"},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": _artifact_location(d.path, root),
                    "region": {
                        "startLine": d.line,
                        "startColumn": d.column,
                        "endLine": d.end_line,
                        "endColumn": max(d.end_column, d.column) + 1,
                    },
                }
            }
        ],
        "partialFingerprints": {"runbookc/v1": d.fingerprint},
        "properties": {"blocking": d.blocking, "step": d.step},
    }
    if rule_index is not None:
        result["ruleIndex"] = rule_index
    if d.signoff is not None:
        result["suppressions"] = [
            {
                "kind": "external",
                "status": "accepted",
                "justification": f"signed off by {d.signoff.by} on {d.signoff.date}: "
                f"{d.signoff.reason}",
            }
        ]
    return result


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def as_github(diagnostics: list[Diagnostic], files: int) -> str:
    """GitHub Actions workflow commands: one annotation per unsigned diagnostic."""
    lines = []
    for d in diagnostics:
        if d.signoff is not None:
            continue
        properties = ",".join(
            [
                f"file={_escape_property(printable(d.path))}",
                f"line={d.line}",
                f"col={d.column}",
                f"endLine={d.end_line}",
                f"endColumn={max(d.end_column, d.column)}",
                f"title={_escape_property(f'{d.code} {d.name}')}",
            ]
        )
        message = _escape_data(f"{printable(d.message)}\nhelp: {printable(d.fix)}")
        lines.append(f"::{_GITHUB_LEVEL[d.severity]} {properties}::{message}")
    counts = summary(diagnostics, files)
    lines.append(
        f"runbookc: {counts['total']} diagnostic(s), {counts['blocking_unsigned']} "
        f"blocking and unsigned, {counts['signed_off']} signed off"
    )
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return printable(text).replace("|", "\\|")


def as_markdown(diagnostics: list[Diagnostic], files: int) -> str:
    """A summary for a pull-request comment: what blocks first, sign-offs folded away."""
    counts = summary(diagnostics, files)
    blocking = [d for d in diagnostics if d.blocking and d.signoff is None]
    other = [d for d in diagnostics if not d.blocking and d.signoff is None]
    signed = [d for d in diagnostics if d.signoff is not None]
    verdict = "❌ blocked" if blocking else "✅ nothing blocking"
    out = [
        f"## runbookc: {verdict}",
        "",
        f"{files} runbook(s), {counts['total']} diagnostic(s): **{len(blocking)} blocking and "
        f"unsigned**, {len(other)} other, {len(signed)} signed off.",
    ]
    for title, group in (("Blocking (fix or sign off)", blocking), ("Other findings", other)):
        if group:
            out += ["", f"### {title}", "", "| Where | Code | Message | Fix |", "|---|---|---|---|"]
            out += [
                f"| `{_cell(d.path)}:{d.line}:{d.column}` | {d.code} `{d.name}` "
                f"| {_cell(d.message)} | {_cell(d.fix)} |"
                for d in group
            ]
    if signed:
        out += [
            "",
            "<details><summary>Signed off</summary>",
            "",
            "| Where | Code | By | Date | Reason |",
            "|---|---|---|---|---|",
        ]
        out += [
            f"| `{_cell(d.path)}:{d.line}` | {d.code} | {_cell(d.signoff.by)} | {d.signoff.date} "
            f"| {_cell(d.signoff.reason)} |"
            for d in signed
            if d.signoff is not None
        ]
        out += ["", "</details>"]
    return "\n".join(out) + "\n"
