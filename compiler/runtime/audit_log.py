"""Append-only JSONL audit log of guard decisions.

One JSON object per line, written with a single `write`, flushed and fsynced before the call
returns: a crash can tear at most the line being written, never an earlier one. A torn tail
left by a crash is closed with a newline before the next record, so the records after it still
parse; readers report torn lines instead of failing on them.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

VerdictName = Literal["allow", "deny", "advance", "call", "result", "approve"]
"""`allow` / `deny` / `advance`: the guard's decisions. `call`: a control call a runbook session
received (status, advance, approval). `result`: what an executed call or control call returned.
`approve`: a person approved the current step's call."""
FIELDS = ("time", "actor", "runbook", "step", "tool", "args", "verdict", "reason")


def utc_now() -> str:
    """The current time, ISO 8601 in UTC with a `Z` suffix."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def record(
    *,
    actor: str,
    runbook: str,
    step: str,
    tool: str | None,
    args: Any,
    verdict: VerdictName,
    reason: str,
) -> dict[str, Any]:
    """One audit record with the current time."""
    return {
        "time": utc_now(),
        "actor": actor,
        "runbook": runbook,
        "step": step,
        "tool": tool,
        "args": args,
        "verdict": verdict,
        "reason": reason,
    }


class AuditLog:
    """A JSONL file that records are appended to, one durable line each."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)

    def append(self, entry: dict[str, Any]) -> None:
        """Append one record: one write, flush and fsync, so it is on disk when this returns."""
        line = _jsonl_line(entry)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8", newline="\n") as stream:
            if _torn_tail(self.path):
                line = "\n" + line
            stream.write(line)
            stream.flush()
            os.fsync(stream.fileno())


_LINE_BREAKS = str.maketrans({"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"})


def _jsonl_line(entry: dict[str, Any]) -> str:
    """One record as one line: JSON escapes \\n and \\r itself; the other characters some
    readers take for line breaks (U+2028, U+2029, NEL) are escaped too, so no argument can
    split a record or forge another."""
    text = json.dumps(entry, ensure_ascii=False, sort_keys=True, default=str)
    return text.translate(_LINE_BREAKS) + "\n"


def _torn_tail(path: Path) -> bool:
    """True when the file does not end with a newline (a crash tore its last line)."""
    with path.open("rb") as stream:
        stream.seek(0, os.SEEK_END)
        if stream.tell() == 0:
            return False
        stream.seek(-1, os.SEEK_END)
        return stream.read(1) != b"\n"


@dataclass(frozen=True)
class AuditTrail:
    """The records of an audit log, and the 1-based numbers of lines that did not parse."""

    records: list[dict[str, Any]]
    torn: list[int]


def read_audit_log(path: Path | str) -> AuditTrail:
    """Read an audit log; lines that are not JSON objects are reported in `torn`, not raised."""
    records: list[dict[str, Any]] = []
    torn: list[int] = []
    text = Path(path).read_text(encoding="utf-8", errors="replace")
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError:
            torn.append(number)
            continue
        if isinstance(value, dict):
            records.append(value)
        else:
            torn.append(number)
    return AuditTrail(records, torn)
