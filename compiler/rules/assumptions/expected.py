"""RB102 for checks: what the reader is told to verify, confirm or answer, with an expected state
that nothing written decides ("Verify the routes are correct.", "Are RAM shares properly
established?").

Closed world: a check is decided by what is written — a number or comparison, an inline code or
quoted literal, a state a tool reports (`exists`, `empty`, `Running`, `deleted`) — and the words
that leave the verdict to the reader are few and of one kind: how right or well something is
("correct", "properly", "healthy", "as expected"), a state nobody reports ("is stable"), or "all"
of a set the text never lists.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from compiler.rules import CheckContext, Finding
from compiler.rules.assumptions.scan import Hit, code_follows, instructs, scan_hits
from compiler.text.conditions import EXPLICIT, MEASURED

_CHECK = re.compile(
    r"\b(?P<verb>verify|confirm|ensure|make\s+sure|check|validate|double-check)\s+"
    r"(?P<that>that\s+|whether\s+|if\s+)?(?=(?P<state>[^.;:!?\n]+))",
    re.IGNORECASE,
)
_CHECK_FIRST = frozenset({"verify", "confirm", "ensure", "sure", "check", "validate", "double"})
_QUESTION = re.compile(
    r"(?:^|(?<=[.!?:]\s)|(?<=\n))\W*(?:\d+[.)]\s+)?(?P<state>(?-i:Is|Are|Do|Does|Did|Has|Have|Was"
    r"|Were)\s+[^?\n]+)\?",
)
_QUESTION_FIRST = frozenset({"is", "are", "do", "does", "did", "has", "have", "was", "were"})
_OPENS = re.compile(
    r"(?:^|[,;:(]|\b(?:and|then|also|please|first|now|next|finally|again|always|should|must"
    r"|can|need\s+to|have\s+to|want\s+to|you)|\b(?:check|look\s+at|inspect|review|read|run|use"
    r"|query|open)\b[^,.;]{0,60}\bto)[\s*_]*(?:\d+[.)]\s+)?$",
    re.IGNORECASE,
)
"""What a check verb follows when it is the reader's instruction ("Then verify ...", "you should
confirm ..."), not a purpose ("to ensure they are aware") or a thing's doing ("this ensures")."""
_PREDICATE = re.compile(
    r"^(?P<subject>(?:[^\s,]+\s+){0,7}?)(?P<verb>(?:is|are|was|were)(?:\s+(?:still|now|all))?"
    r"|(?:has|have)\s+been|looks?|seems?|appears?|remains?|stays?|exists?|works?|functions?"
    r"|(?:is|are)\s+(?:being\s+)?)\b(?P<rest>.*)$",
    re.IGNORECASE,
)
"""A that-clause as subject + predicate: "the routes | are | correct"."""
_CLAUSE_END = re.compile(r",|\s+(?:so|because|since|before|after|then|otherwise|which)\s", re.I)
_RIGHTNESS = re.compile(
    r"\b(?:correct(?:ly)?|incorrect(?:ly)?|right|proper(?:ly)?|appropriate(?:ly)?|healthy|sane"
    r"|as\s+(?:expected|desired|intended)|accurate(?:ly)?|reasonable|acceptable|sufficient|fine"
    r"|ok|okay|well|good|functioning|functional|operational|in\s+order|as\s+it\s+should|normally"
    r"|stable|consistent)\b(?!-)",
    re.IGNORECASE,
)
"""How right or well something is: the reader's verdict, not a state a tool reports."""
_MANNER = re.compile(
    r"\b(?:correctly|incorrectly|properly|appropriately|normally|as\s+(?:expected|desired|intended))\b",
    re.IGNORECASE,
)
"""How any verb turns out, judged: "resolve as expected", "is working properly"."""
_ALL = re.compile(r"^(?:they\s+)?(?:all|everything|both|each)(?:\s+of\s+(?:them|these))?\s*$", re.I)
"""A set the check leaves unnamed: "Check that all exist"."""
_OURS = re.compile(r"^\w+\s+(?:we|you|i|your|our)\b", re.IGNORECASE)
"""A question about ourselves ("Did we ...", "Does your team ..."): a review, not a check."""
_FIELD = re.compile(r"^\W*(?-i:[A-Z])[\w ]{0,30}:\s")
"""A labelled field opening its item ("Condition: ..."): what a report or form holds."""
_READER = re.compile(r"^(?:you|we|i)$", re.IGNORECASE)
_READER_FIRST = re.compile(r"^(?:you|we|i)(?:'ve|'re|\s)", re.IGNORECASE)
_LITERAL = re.compile(r"`[^`]+`|\"[^\"]+\"|\u201c[^\u201d]+\u201d")


def unmeasurable_checks(context: CheckContext) -> Iterator[Finding]:
    """Checks and yes/no questions whose expected state nothing written decides."""
    for hit in scan_hits(context, _CHECK, ("state",), _CHECK_FIRST):
        found = _undecided(hit, question=False)
        if found is not None:
            yield _finding(hit, *found)
    for hit in scan_hits(context, _QUESTION, ("state",), _QUESTION_FIRST, holds="?"):
        found = _undecided(hit, question=True)
        if found is not None:
            yield _finding(hit, *found)


def _undecided(hit: Hit, question: bool) -> tuple[int, int] | None:
    """Where in the passage the words are that leave the check to the reader, or None when it
    is decided (or is no check)."""
    if hit.passage.block.kind == "heading":
        return None  # "### Is the service healthy?": a title its section answers
    state = hit.match.group("state")
    start = hit.match.start("state")
    if question:
        if not _asked(hit) or _OURS.match(state) or _decided(state, hit.sentence):
            return None  # "Did we handle the incident well?": a review of ourselves
        if _FIELD.match(hit.passage.text):
            return None  # "Condition: What is the state? Is it healthy?": a form described
        judged = _RIGHTNESS.search(state)
        if judged is None or _defined_around(state, judged.start(), judged.end()):
            return None
        return start + judged.start(), start + judged.end()
    clause = state[: m.start()] if (m := _CLAUSE_END.search(state)) else state
    if MEASURED.search(clause) or EXPLICIT.search(clause):
        return None
    verb = hit.match.start("verb")
    before = hit.passage.text[hit.passage.sentence_at(verb).start : verb]
    if not _OPENS.search(before) or not instructs(hit.sentence):
        return None
    if hit.sentence.rstrip().endswith(":") or _spelt_out_below(hit) or _shown_below(hit):
        return None  # "Verify that resources have been correctly provisioned:" + what to check
    predicate = _PREDICATE.match(clause)
    if predicate is None:
        # "validate that the entries resolve as expected": how any verb turns out, in a
        # that-clause; "Check the logs for errors" is a look, not a state to confirm
        manner = _MANNER.search(clause) if hit.match.group("that") else None
        if manner is None or _decided(clause, hit.sentence) or _READER_FIRST.match(clause):
            return None  # "Confirm that you've set up X correctly": the reader's own doing
        if _defined_around(hit.passage.text, start + manner.start(), start + manner.end()):
            return None
        return start + manner.start(), start + manner.end()
    subject = predicate.group("subject").strip()
    if _READER.match(subject) or _CHECK.search(subject):
        return None  # "Make sure you are in the correct context": the reader's own choice;
        # "Check the output to ensure you are ...": the inner check is read on its own
    listed = hit.passage.text[start + len(state) : start + len(state) + 1] == ":"
    if _ALL.match(subject) and len(predicate.group("rest").split()) <= 2 and not listed:
        return verb, start + len(clause.rstrip())  # "Check that all exist", no list given
    judged = _RIGHTNESS.search(clause, predicate.start("rest"))
    if judged is None or _decided(clause, hit.sentence):
        return None
    if _defined_around(hit.passage.text, start + judged.start(), start + judged.end()):
        return None
    return start + judged.start(), start + judged.end()


def _shown_below(hit: Hit) -> bool:
    """Whether the passage ends on a lead-in to a code block ("They should look something like
    this:" then the output): the expected state is shown."""
    return hit.passage.text.rstrip().endswith(":") and code_follows(
        hit.context.document.blocks, hit.passage
    )


def _spelt_out_below(hit: Hit) -> bool:
    """Whether the check's list item has items of its own ("Ensure haproxy is healthy" over
    "- Validate the service is running"): they say what to check."""
    block = hit.passage.block
    if block.list_depth == 0:
        return False
    blocks = hit.context.document.blocks
    later = (b for b in blocks if b.span.line > block.span.line and b.kind != "heading")
    following = next(later, None)
    return following is not None and following.list_depth > block.list_depth


def _defined_around(text: str, start: int, end: int) -> bool:
    """Whether the judged words sit inside a link's text (`[cluster is healthy](#how-to-verify)`:
    the link says how to decide it) or inside brackets ("the raw (good or bad) streams": a name,
    not the predicate)."""
    before = text[:start]
    link = before.rfind("[")
    if link > before.rfind("]") and text.find("](", end) != -1:
        close = text.find("]", end)
        return close != -1 and text.startswith("](", close)
    return before.rfind("(") > before.rfind(")")


def _decided(state: str, sentence: str) -> bool:
    """Whether what is written decides the check: a literal anywhere in its sentence ("is
    correctly set, such as `s3://...`"), a number or comparison, an explicit value."""
    return bool(_LITERAL.search(sentence) or MEASURED.search(state) or EXPLICIT.search(state))


def _asked(hit: Hit) -> bool:
    """Whether a question stands in the text for the reader to answer (a paragraph, a list
    item or a table cell), not in a heading the section answers."""
    return hit.passage.block.kind in ("paragraph", "table")


def _finding(hit: Hit, start: int, end: int) -> Finding:
    words = " ".join(hit.passage.text[start:end].split())
    return Finding(
        "RB102",
        hit.passage.span(start, end),
        f'unmeasurable check "{words}": what result decides it?',
        "say what to see: a value, a state a command reports, or a threshold",
        words,
        hit.step,
    )
