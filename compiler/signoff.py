"""Sign-offs: sidecar `<name>.signoffs.toml` files that record a human's acceptance of a flag."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from compiler.models import Diagnostic, SignOff
from compiler.parse import SourceError

SIDECAR_SUFFIX = ".signoffs.toml"


@dataclass(frozen=True)
class SignoffSet:
    """The sign-offs recorded for one runbook, by fingerprint."""

    by_fingerprint: dict[str, SignOff]
    path: str | None = None

    @classmethod
    def empty(cls) -> SignoffSet:
        """No sidecar file."""
        return cls({}, None)


def sidecar_path(runbook: Path) -> Path:
    """Where a runbook's sign-offs live: beside it, same stem."""
    return runbook.with_name(runbook.stem + SIDECAR_SUFFIX)


def load_signoffs(runbook: Path) -> SignoffSet:
    """Load the runbook's sidecar, if any."""
    path = sidecar_path(runbook)
    if not path.is_file():
        return SignoffSet.empty()
    try:
        raw = tomllib.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise SourceError("RB003", f"{path.name}: cannot read sign-offs: {error}") from None
    entries = raw.get("signoff", [])
    found: dict[str, SignOff] = {}
    for entry in entries if isinstance(entries, list) else []:
        try:
            item = SignOff.model_validate({k: str(v) for k, v in entry.items()})
        except (ValidationError, AttributeError):
            continue
        found[item.fingerprint] = item
    return SignoffSet(found, str(path))


def apply_signoffs(diagnostics: list[Diagnostic], signoffs: SignoffSet) -> list[Diagnostic]:
    """Attach each sign-off to the diagnostic with its code and fingerprint."""
    applied = []
    for diagnostic in diagnostics:
        signoff = signoffs.by_fingerprint.get(diagnostic.fingerprint)
        if signoff is not None and signoff.code == diagnostic.code:
            diagnostic = diagnostic.model_copy(update={"signoff": signoff})
        applied.append(diagnostic)
    return applied
