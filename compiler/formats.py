"""Diagnostics -> text, JSON (and the CI formats): output only, no decisions."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from compiler.models import Diagnostic

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


def as_text(diagnostics: list[Diagnostic], files: int) -> str:
    """ruff-style: `path:line:col: CODE message`, then the fix hint indented."""
    lines = []
    for d in diagnostics:
        signed = f" [signed off by {d.signoff.by}]" if d.signoff else ""
        lines.append(f"{d.path}:{d.line}:{d.column}: {d.code} {d.message}{signed}")
        lines.append(f"  help: {d.fix}")
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
        data = d.model_dump(mode="json")
        items.append({key: data[key] for key in JSON_FIELDS})
    payload = {"diagnostics": items, "summary": summary(diagnostics, files)}
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
