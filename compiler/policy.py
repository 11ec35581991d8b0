"""The effective configuration of one runbook's compile, recorded in its artifact: switching a
blocking rule off (select, ignore, per-file-ignores) or downgrading it (severity) relaxes the
policy, and the runtime loader refuses a relaxed artifact unless its caller opts in."""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

from compiler.config import Config
from compiler.records import Severity
from compiler.rules import all_rules

if TYPE_CHECKING:
    from compiler.models import Policy

RANK: dict[Severity, int] = {"info": 0, "warning": 1, "error": 2, "fatal": 3}

RECORDED = (
    "extra_vague_phrases",
    "ignore",
    "max_bytes",
    "per_file_ignores",
    "select",
    "severity",
    "stale_after_days",
)
"""The settings a policy's sha256 covers (all but `relaxed`, `relaxed_codes` and itself)."""


_POLICIES: dict[tuple[int, tuple[str, ...]], tuple[Config, dict[str, Any]]] = {}
"""Policies worked out, by configuration (its identity) and a file's per-file-ignores: a file's
policy depends on its path only through those, and a run compiles many files under one
configuration. Artifacts share it: callers must not change it."""


def effective_policy(config: Config, path: str) -> dict[str, Any]:
    """What `config` means for the runbook at `path` (as the rules see it), as the JSON data
    of the artifact's `Policy` (fields in key order)."""
    ignored = config.per_file_ignored(path)
    known = _POLICIES.get((id(config), ignored))
    if known is not None and known[0] is config:
        return known[1]
    policy = _effective_policy(config, path, ignored)
    if len(_POLICIES) >= 64:
        _POLICIES.clear()
    _POLICIES[(id(config), ignored)] = (config, policy)
    return policy


def _effective_policy(config: Config, path: str, ignored: tuple[str, ...]) -> dict[str, Any]:
    relaxed = relaxed_codes(config, path)
    policy = {
        "extra_vague_phrases": list(config.extra_vague_phrases),
        "ignore": list(config.ignore),
        "max_bytes": config.max_bytes,
        "per_file_ignores": list(ignored),
        "relaxed": bool(relaxed),
        "relaxed_codes": relaxed,
        "select": list(config.select),
        "severity": dict(sorted(config.severity.items())),
        "sha256": "",
        "stale_after_days": config.stale_after_days,
    }
    return {**policy, "sha256": policy_sha256(policy)}


def policy_sha256(policy: Policy | dict[str, Any]) -> str:
    """sha256 of the canonical JSON (sorted keys, no whitespace) of the recorded settings."""
    data = policy if isinstance(policy, dict) else policy.model_dump(mode="json")
    recorded = {key: data[key] for key in RECORDED}
    canonical = json.dumps(recorded, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def relaxed_codes(config: Config, path: str) -> list[str]:
    """Blocking rules this configuration switches off or gives a lower severity, for `path`."""
    found = []
    rules = all_rules()
    selected = config.selected(rules, path)  # the file's per-file-ignores read once
    for code, rule in rules.items():
        if not rule.blocking:
            continue
        switched_off = rule.check is not None and code not in selected
        lowered = RANK[config.severity.get(code, rule.severity)] < RANK[rule.severity]
        if switched_off or lowered:
            found.append(code)
    return found
