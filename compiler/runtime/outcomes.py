"""Short, stable names for a decision's outcomes, beside the condition text they stand for.

A branch is written as prose ("If any member reports `HEALTH` = `false`"); a model or a client
picks it more reliably by a short name (`any-member-reports-health-false`). Names come from the
condition's words only, like step ids, so they are the same in every run and every process.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from compiler.runtime.guard import OTHERWISE
from compiler.text.markup import without_html_comments

MAX_WORDS = 6
MAX_CHARS = 48
_NON_SLUG = re.compile(r"[^a-z0-9]+")
_LEADING_IF = re.compile(r"^(?:if|when|whenever)-")


@dataclass(frozen=True)
class Outcome:
    """One way out of a step: a short stable `name` and the condition `when` as written."""

    name: str
    when: str

    @property
    def shown(self) -> str:
        """The condition as a reader sees it, for an agent: no HTML comment's words."""
        return without_html_comments(self.when)


def outcome_name(when: str) -> str:
    """The short name of one condition: its first words as a slug, without a leading "if"."""
    folded = unicodedata.normalize("NFKC", when).casefold()
    slug = _LEADING_IF.sub("", _NON_SLUG.sub("-", folded).strip("-"))
    slug = "-".join(slug.split("-")[:MAX_WORDS])[:MAX_CHARS].strip("-")
    return slug or "outcome"


def name_outcomes(conditions: Iterable[str]) -> list[Outcome]:
    """Outcomes for a step's conditions in edge order; a repeated name gets `-2`, `-3`, ..."""
    outcomes: list[Outcome] = []
    taken: set[str] = set()
    for when in conditions:
        base = OTHERWISE if when == OTHERWISE else outcome_name(without_html_comments(when))
        name, number = base, 2
        while name in taken:
            name, number = f"{base}-{number}", number + 1
        taken.add(name)
        outcomes.append(Outcome(name, when))
    return outcomes


def resolve_outcome(outcomes: Iterable[Outcome], chosen: str) -> str:
    """The condition text `Guard.advance` takes for a chosen name (or the text itself, which
    the guard then checks); raises KeyError naming the choices when it matches neither."""
    wanted = " ".join(chosen.split()).casefold()
    listed = list(outcomes)
    for outcome in listed:
        if wanted in (outcome.name, " ".join(outcome.when.split()).casefold()):
            return outcome.when
    names = [outcome.name for outcome in listed]
    raise KeyError(f"outcome {chosen!r} is not one of {names}")
