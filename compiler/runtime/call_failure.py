"""Did a tool call succeed? Only when its result says nothing went wrong.

A result is a failure when the transcript flags it (`is_error`, a guard denial in the audit
log), when it is JSON that carries an error, a false `ok`/`success`, a failed status or a
non-zero exit code, or when its words report a failure ("Failed to defragment ...", "permission
denied", "context deadline exceeded") wherever they are, not only at the start.
"""

from __future__ import annotations

import json
import re
from typing import Any

from compiler.confusables import fold_prose
from compiler.runtime.transcript_read import Result

FAILURE_WORDS = re.compile(
    r"^\s*(?:error|fatal|failed|failure|denied|forbidden|unauthori[sz]ed|panic)\b"
    r"|\b(?:error|fatal)\s*:"
    r"|\b(?:fail(?:ed|s|ure)?\s+to|failed|denied|forbidden|not permitted|permission denied"
    r"|access denied|unauthori[sz]ed|timed out|deadline exceeded|connection refused"
    r"|could not|couldn't|cannot|can't|unable to|no such|not found|aborted|rejected"
    r"|exit (?:code|status) [1-9]\d*|exited with (?:code |status )?[1-9]\d*"
    r"|traceback \(most recent call last\)|command not found)\b",
    re.IGNORECASE | re.MULTILINE,
)
_EXIT_KEYS = ("exit_code", "exitCode", "returncode", "return_code", "exit_status")
_FAILED_STATUS = frozenset({"error", "failed", "failure", "denied", "rejected", "cancelled"})


def failure(result: Result | None) -> str | None:
    """Why a call did not succeed, or None when its result reports success. No result at all
    is no success."""
    if result is None:
        return "no result came back"
    if result.is_error:
        return "its result is flagged as an error"
    data = _json(result.text)
    if isinstance(data, dict):
        reason = _json_failure(data)
        if reason:
            return reason
    match = FAILURE_WORDS.search(fold_prose(result.text))
    if match:
        return f"its result reports a failure ({match.group(0).strip()!r})"
    return None


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        return None


def _json_failure(data: dict[str, Any]) -> str | None:
    if data.get("error") not in (None, "", False, {}, []):
        return "its result carries an error"
    if data.get("is_error") is True or data.get("ok") is False or data.get("success") is False:
        return "its result says it did not succeed"
    for key in _EXIT_KEYS:
        code = data.get(key)
        if isinstance(code, int) and not isinstance(code, bool) and code != 0:
            return f"its result has {key} {code}"
    status = data.get("status")
    if isinstance(status, str) and status.lower() in _FAILED_STATUS:
        return f"its result has status {status!r}"
    code = data.get("status_code")
    if isinstance(code, int) and code >= 400:
        return f"its result has status_code {code}"
    return None
