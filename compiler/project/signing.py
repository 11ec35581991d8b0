"""`runbookc signoff`: compile the runbook, find the one flag meant, record it in the sidecar."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from compiler.compilation import diagnostics_of
from compiler.pipeline import Environment, compile_file, refusal
from compiler.project import os_reason
from compiler.project.baseline import Entry
from compiler.project.discovery import discover
from compiler.records import Diagnostic
from compiler.signoff import sidecar_path, write_signoff

SignedList = tuple[list[Diagnostic], list[tuple[Entry, str]]]
"""What `sign_off_listed` signed, and each entry it did not with the reason."""


class SignoffError(Exception):
    """A sign-off that cannot be written, and why (exit 2)."""


def sign_off(
    runbook: Path,
    target: str,
    env: Environment,
    *,
    by: str,
    reason: str,
    resolution: str | None,
    when: date,
    fingerprint: str | None = None,
) -> tuple[Diagnostic, Path]:
    """Record a sign-off for `CODE@STEP` (or `CODE` for a runbook-level flag)."""
    code, _, step = target.partition("@")
    code = code.upper()
    if not by.strip() or not reason.strip():
        raise SignoffError("--by and --reason must say who signs off and why")
    refused = refusal(code)
    if refused is not None:
        raise SignoffError(refused)
    (source,) = discover([runbook])
    result = compile_file(source, env)
    if result.fatal is not None or result.text is None:
        message = result.fatal.message if result.fatal else "cannot compile"
        raise SignoffError(f"{runbook}: {message}")
    candidates = [
        d
        for d in diagnostics_of(result)
        if d.code == code
        and d.step == (step or None)
        and (fingerprint is None or d.fingerprint == fingerprint)
    ]
    if not candidates:
        raise SignoffError(_nothing_to_sign(code, step, diagnostics_of(result)))
    if len(candidates) > 1:
        listed = "; ".join(f"{d.fingerprint} ({d.message})" for d in candidates)
        raise SignoffError(
            f"{len(candidates)} {code} flags on that step; choose one with --fingerprint: {listed}"
        )
    diagnostic = candidates[0]
    stale = frozenset(d.evidence for d in diagnostics_of(result) if d.code == "RB902")
    try:
        path = write_signoff(
            runbook, diagnostic, by, reason, resolution, when, diagnostic.evidence, stale
        )
    except OSError as error:
        raise SignoffError(f"{sidecar_path(runbook)}: cannot write: {os_reason(error)}") from None
    return diagnostic, path


def _nothing_to_sign(code: str, step: str, diagnostics: Sequence[Diagnostic]) -> str:
    where = f"step `{step}`" if step else "the runbook as a whole (use CODE@STEP for a step)"
    here = sorted(
        {f"{d.code}@{d.step}" if d.step else d.code for d in diagnostics if refusal(d.code) is None}
    )
    options = f"; signable flags: {', '.join(here)}" if here else ""
    return f"no {code} flag on {where}{options}"


def sign_off_listed(
    runbook: Path,
    entries: list[Entry],
    env: Environment,
    *,
    by: str,
    reason: str,
    resolution: str | None,
    when: date,
) -> SignedList:
    """Sign off the listed flags of one runbook (a reviewed baseline or `check --format json`
    list): compiled once, each flag found by code and fingerprint. Returns what was signed
    and, for each entry that was not, why."""
    if not by.strip() or not reason.strip():
        raise SignoffError("--by and --reason must say who signs off and why")
    (source,) = discover([runbook])
    result = compile_file(source, env)
    if result.fatal is not None or result.text is None:
        message = result.fatal.message if result.fatal else "cannot compile"
        return [], [(entry, f"{runbook}: {message}") for entry in entries]
    diagnostics = diagnostics_of(result)
    stale = frozenset(d.evidence for d in diagnostics if d.code == "RB902")
    signed: list[Diagnostic] = []
    skipped: list[tuple[Entry, str]] = []
    for entry in entries:
        refused = refusal(entry.code)
        found = next(
            (d for d in diagnostics if (d.code, d.fingerprint) == (entry.code, entry.fingerprint)),
            None,
        )
        if refused is not None or found is None:
            skipped.append((entry, refused or "no such flag now (fixed, or its words changed)"))
            continue
        if found.signoff is not None:
            skipped.append((entry, f"already signed off by {found.signoff.by}"))
            continue
        try:
            write_signoff(runbook, found, by, reason, resolution, when, found.evidence, stale)
        except OSError as error:
            raise SignoffError(
                f"{sidecar_path(runbook)}: cannot write: {os_reason(error)}"
            ) from None
        signed.append(found)
    return signed, skipped
