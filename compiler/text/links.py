"""Links in prose, and the sentences that are mostly a link: a pointer elsewhere, a procedure
done by a linked page, a pointer to how after a change, an entry of a list of contents.

Markdown links come inline (`[x](url)`), bare (`https://...`) or by reference (`[x][y]`, `[x][]`
or `[x]`, with a definition `[y]: url` on a line of its own). The extractor (what is no step),
the graph (where a link into the page goes) and the rules (whether a change says how) read them
with the patterns and predicates here.
"""

from __future__ import annotations

import re

from compiler.text.instructions import IMPERATIVE as _IMPERATIVE
from compiler.text.instructions import gerund_of_verb, is_instruction

LINK = re.compile(r"\[(?P<label>[^\]\n]*)\]\((?P<url>[^)\s]*)\)|(?P<bare>https?://[^\s)>\]]+)")
"""An inline link (its label and address) or a bare URL."""
ANY_LINK = re.compile(r"\]\(|\]\[|https?://")
"""Any link: inline, reference-style or a bare URL (an "our X" that links it is resolved)."""
BRACKETED = re.compile(r"\[([^\]\n]+)\](?:\[([^\]\n]*)\])?(?![(:])")
"""Words in brackets that may be a reference-style link: `[x][y]` (label y), `[x][]` or `[x]`
(label x); not an inline link or a definition."""
REFERENCE_DEFINITION = re.compile(r"^ {0,3}\[([^\]\n]+)\]:\s*<?(\S+?)>?(?:\s|$)")
"""A link reference definition, `[label]: url` (or `<url>`), on a line of its own."""


def reference_definitions(lines: tuple[str, ...] | list[str]) -> dict[str, str]:
    """The address of each link reference definition of a document, by lower-case label (a
    label defined twice keeps its last address)."""
    return {
        found.group(1).strip().lower(): found.group(2)
        for line in lines
        if "]:" in line and (found := REFERENCE_DEFINITION.match(line)) is not None
    }


_SEE = r"see|refer\s+to|consult|look\s+at|(?:take|have)\s+a\s+look\s+at|check\s+out"
"""Words that point the reader at something to read (each pointer below reads them)."""
_FOLLOW = r"follow|read"
"""Words that point the reader at a text to go by."""

_POINTER = (
    rf"(?:(?:for\s+more(?:\s+information)?,?\s+)?(?:(?:{_FOLLOW})\s+(?:the\s+)?"
    rf"|(?:see\s+also|look|{_SEE})\s+(?:the\s+|our\s+)?))?"
    r"(?:\[[^\]]*\](?:\([^)]*\)|\[[^\]]*\])?|<?https?://\S+>?)"
    r"(?:\s+for\s+[^.!?]*)?\.?"
)
_ONLY_LINK = re.compile(rf"^{_POINTER}(?:\s+{_POINTER})*$", re.IGNORECASE)
"""A pointer elsewhere, not a step: a bare link, "See [Debugging Pods](...).", "Look [here](...)
for an example.", several such in a row."""


def is_pointer(text: str, numbered: bool = False) -> bool:
    """A sentence that only points elsewhere: "See [Debugging Pods](...).", "See [Database
    operation taking a long time](#database-operation-taking-a-long-time)" (a section of the
    same page, pointed at with "see": a pointer too, LABELLING), not a procedure of the same
    documentation to carry out (see `is_procedure_pointer`), not a numbered step's anchor
    ("[Step 6](#step-6)": a jump) and not a link whose words are the instruction (see
    `_action_link`; `numbered`: the text is a numbered list item of its own)."""
    text = text.strip()
    if not _ONLY_LINK.match(text) or _action_link(text, numbered):
        return False
    if "](#" in text and (not _SEES.match(text) or _STEP_ANCHOR.search(text)):
        return False  # "1. [Apply the terraform](#apply-the-terraform)": a contents entry
    return not is_procedure_pointer(text)


_OPENING_LINK = re.compile(r"^\[(?P<words>[A-Z][^\]]*\s[^\]]*)\]\((?!#)[^)]*\)(?P<rest>.*)$")
_READING = re.compile(
    r"^(?:please\s+)?(?:read|see|learn|look|find\s+out|take\s+a\s+(?:\w+\s+)?look|watch)\b",
    re.IGNORECASE,
)
_LINKS = re.compile(r"\[[^\]]*\](?:\([^)]*\)|\[[^\]]*\])?")
_TITLE_CASE = re.compile(r"^(?:[A-Z0-9][\w.'-]*\s*)+$")


def _action_link(text: str, numbered: bool) -> bool:
    """A link whose own words are the instruction, in a sentence that goes on ("[Purge the
    cache](/manual/purge.html) for the test file.") or as a numbered step of its own ("3.
    [Unpublish the site](https://docs...)."): the step, done the way the link shows, not a
    pointer to reading. A bulleted link alone (a list of related pages: "- [Restore a
    database](...)"), a capitalised title, a link to reading ("[Read more about X](...)") or into
    the page stays a pointer."""
    found = _OPENING_LINK.match(text)
    if found is None:
        return False
    words, rest = found.group("words"), _LINKS.sub("", found.group("rest")).strip(" .")
    if _READING.match(words) or ":" in words or not is_instruction(words):
        return False
    return bool(rest) or (numbered and not _TITLE_CASE.match(words))


_SEES = re.compile(rf"^(?:{_SEE})\b", re.IGNORECASE)
_STEP_ANCHOR = re.compile(r"\[\W*step\s+\d+[^\]]*\]\(#", re.IGNORECASE)
"""A link to a numbered step of the same page ("[Step 6](#step-6-escalate)"): a jump."""


_PROCEDURE_LINK = re.compile(
    # Of the pointing words, only "see", "refer to" and "follow" (drift kept: same output).
    r"^(?:see|follow|refer\s+to)\s+\[(?:the\s+)?(?P<first>[A-Za-z]+)\b[^\]]*\]"
    r"\((?![a-z][a-z0-9+.-]*:|/|#)[^)\s]*\.md(?:#[^)]*)?\)\.?$",
    re.IGNORECASE,
)


def is_procedure_pointer(text: str) -> bool:
    """A relative link to another page of the same documentation whose title names an action
    ("See [Restarting the Policy Propagator Pod](../common/restart.md).") is that action, done
    by the linked procedure (a step), unlike a pointer to reading ("See [KubeNode](https://
    kubernetes.io/...)")."""
    found = _PROCEDURE_LINK.match(text.strip())
    if found is None:
        return False
    first = found.group("first")
    return bool(_IMPERATIVE.match(first)) or gerund_of_verb(first)


_POINTS_AT_HOW = re.compile(
    # Drift kept so that output stays the same: of `_SEE`, only "see" and "refer to".
    rf"^\W*(?:see|refer\s+to|{_FOLLOW}|use|find\s+out\s+more|learn\s+more|more\s+information)\b"
    r".*(?:\]\(|\]\[|https?://)",
    re.I,
)


def points_at_how(sentence: str) -> bool:
    """Whether a sentence opens by pointing at a link ("Follow the guidance on [how to reindex]
    [r]", "See https://..."): after a change, where how it is done is written."""
    return _POINTS_AT_HOW.match(sentence) is not None


_SECTION_LINK_ONLY = re.compile(r"^\W*\[[^\]\n]+\]\(#[^)\s]*\)\W*$")


def is_section_link(text: str) -> bool:
    """Whether a text (a list item) is only a link to a section of the same page ("2. [Wait for
    CI](#wait)"): an entry of a list of contents."""
    return _SECTION_LINK_ONLY.match(text) is not None


DOCUMENT_URL = re.compile(
    r"\.(?:md|html?|adoc|rst)(?:[#?]|$)|/docs?[/.]|/wiki|runbook|how-?to|guide|handbook|manual",
    re.IGNORECASE,
)
"""A link to a page of written steps (a runbook, a docs or wiki page), not a dashboard, a graph
or an issue: "see [the load graph](https://grafana.example/d/x)" says where to look, not how."""
CONTACT_WORDS = re.compile(
    r"contact|team|people|person|staff|slack|channel|chat|mailto:|mail|support|help|escalat"
    r"|on-?call|rota|roster|pager|directory|org-?chart|who|owner|service-?desk|request",
    re.IGNORECASE,
)
"""Words of a link's label or address that make it a way to reach people (a contact page, a
team page, a channel, a rota), whatever page it is."""
