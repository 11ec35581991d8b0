"""Actors: the roles a document itself defines, and what a role reference leaves unsaid.

A role the document defines is resolved for the whole document: a heading that names it ("Steps
for Incident Commander", "What is On-Call?"), a glossary or definition line ("**Scribe** - takes
notes", "Incident Commander (IC)"), and the initials of a capitalised role name ("IC" for
"Incident Commander", "SME" for "Subject Matter Experts"). Every scan here is linear.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from compiler.text.instructions import IMPERATIVE

_CAPITALISED_RUN = re.compile(r"\b[A-Z][\w-]*(?:\s+(?:of\s+|&\s+)?[A-Z][\w-]*)*")
_DEFINITION = re.compile(
    r"^\s*(?:[-*+]\s+|\d+[.)]\s+)?(?:\*\*|__)(?P<term>[^*_\n]{2,60}?)(?:\*\*|__)\s*(?:[:\u2013\u2014-]|\()"
    r"|^\s*(?:[-*+]\s+|\d+[.)]\s+)?(?P<plain>[A-Z][\w -]{1,40}?)\s+[\u2013\u2014-]\s+(?=[A-Za-z])"
)
_EXPANDED = re.compile(r"(?P<long>\b[A-Z][\w-]*(?:\s+[A-Z][\w-]*)+)\s+\((?P<short>[A-Z]{2,6}s?)\)")
_SMALL = frozenset({"of", "for", "and", "the", "&"})


def initials(name: str) -> str:
    """ "Incident Commander" -> "IC", "Subject Matter Experts" -> "SME" (small words skipped)."""
    return "".join(word[0].upper() for word in name.split() if word.lower() not in _SMALL)


def defined_roles(headings: Iterable[str], lines: Iterable[str]) -> set[str]:
    """Role names (and their initials) a document defines: the capitalised names in its headings
    (less a leading verb: "Assemble Response Team" defines "Response Team"), its definition
    lines ("**Deputy** - ...", "Scribe - ...") and its "Long Name (LN)" expansions."""
    names: set[str] = set()
    for heading in headings:
        for run in _CAPITALISED_RUN.finditer(heading):
            name = run.group(0)
            verb = IMPERATIVE.match(name) if run.start() == 0 else None
            name = name[verb.end() :].strip() if verb else name
            if name:
                names |= {name, initials(name)}
    for line in lines:
        definition = _DEFINITION.match(line)
        if definition is not None:
            term = definition.group("term") or definition.group("plain")
            names |= {term, initials(term)}
        for expanded in _EXPANDED.finditer(line):
            names |= {expanded.group("long"), expanded.group("short")}
    return {name for name in names if len(name.strip()) > 1}


_MODIFIERS = frozenset(
    {"next", "previous", "current", "outgoing", "incoming", "primary", "secondary", "backup",
     "all", "any", "every", "relevant", "key", "designated", "assigned", "acting", "same",
     "other"}
)  # fmt: skip
_OWN_TEAM = re.compile(
    r"^(?:(?:the\s+)?other\s+|fellow\s+|your\s+(?:own\s+)?(?:entire\s+)?)?(?:team\s*mates?"
    r"|team\s+members?|team|colleagues?|co-?workers?)$"
    # the people already working the problem with the reader: "ask your experts"
    r"|^your\s+(?:own\s+)?(?:experts|responders|engineers|people|staff)$",
    re.IGNORECASE,
)


def unmodified(actor: str) -> str:
    """The role without words that pick one holder of it: "the next on-call" -> "on-call"."""
    words = [word for word in actor.split() if word.lower() not in _MODIFIERS]
    return " ".join(words) or actor


def own_team(actor: str) -> bool:
    """Whether the actor is the reader's own team ("other team members", "your team"), which
    the runbook's owner names."""
    bare = re.sub(r"^(?:the|an?)\s+", "", actor.strip(), flags=re.IGNORECASE)
    return _OWN_TEAM.match(bare) is not None
