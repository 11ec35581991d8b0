"""RB104 tribal-reference: a reference only insiders can resolve ("the usual dashboard")."""

from __future__ import annotations

import re
from collections.abc import Iterator

from compiler.parse import Block
from compiler.rules import CheckContext, Finding, RuleDoc, rule
from compiler.rules.assumptions.described import described
from compiler.rules.assumptions.scan import (
    OWNED,
    TRIBAL,
    Hit,
    code_follows,
    instructs,
    one_per_line,
    scan_hits,
    with_model_flags,
)
from compiler.rules.regions import block_after, starting_with
from compiler.text.instructions import is_instruction
from compiler.text.links import ANY_LINK
from compiler.text.normalise import NON_ALNUM, loose_stem

_TRIBAL_WORDS = frozenset(
    {"usual", "old", "normal", "regular", "standard", "typical", "familiar", "legacy", "good",
     "desired", "necessary", "agreed", "expected", "before", "always", "last", "discussed", "we",
     "like", "our", "tradecraft", "usually", "normally", "typically", "generally", "they",
     "team", "well", "famous", "trusty", "magic", "secret", "shared", "internal", "ops",
     "special", "wrote", "made", "built", "set", "created", "uses", "maintains", "keeps"}
)  # fmt: skip
"""Words every `TRIBAL` match holds (a whole word): a cheap test before the pattern runs."""


@rule(
    "RB104",
    "tribal-reference",
    "warning",
    blocking=True,
    signoff=True,
    summary='A reference only insiders can resolve: "the usual dashboard", "as before".',
    docs=RuleDoc(
        what='Flags references to shared memory instead of the page: "the usual dashboard", '
        '"the old script", "as before", "like last time".',
        why="Tribal knowledge does not survive team changes, and an agent has none: it will "
        "pick some dashboard, some script.",
        example="Check the usual dashboard for connection errors.",
        instead="Check the [payments DB dashboard](https://grafana.example/d/pgpool) panel "
        '"connection errors", or run `postgres.pool_stats`.',
    ),
)
@with_model_flags("RB104")
@one_per_line
def tribal_reference(context: CheckContext) -> Iterator[Finding]:
    blocks = context.document.blocks
    hits = [
        *scan_hits(context, TRIBAL, needs=_TRIBAL_WORDS),
        *scan_hits(context, OWNED, needs=_S),
        *filter(_told_to, scan_hits(context, _FROM_MEMORY, needs=_FROM_MEMORY_WORDS)),
    ]
    for hit in sorted(hits, key=lambda hit: hit.span.line):
        if ANY_LINK.search(hit.sentence) and not _TRIBAL_HABIT.match(hit.words):
            continue  # "our [runbook](...)", "Bob's [script](...)": linked, so on the page
        if hit.sentence.rstrip().endswith(":") and code_follows(blocks, hit.passage):
            continue  # "use the old script:" and the script after it: it is on the page
        if _IN_PAGE.match(hit.passage.text, hit.end):
            continue  # "as discussed above", "the special procedure above": on the page
        if _PRIOR_STATE.match(hit.words):
            continue  # "restore the old value": what it was before the change, not lore
        if _EXAMPLES.match(hit.passage.text, hit.end):
            continue  # "the usual linux tools like grep and awk": named (an open "etc." is not)
        if _named_below(blocks, hit):
            continue  # "check our monitoring tools" over "1. Grafana: Visit [Grafana][]"
        if not instructs(hit.sentence):
            continue  # background: "They will appoint the usual roles" asks nothing of the reader
        if described(context, hit.passage, hit.sentence):
            continue  # a description: words that tell the reader nothing to do
        if _way_written_elsewhere(context, hit):
            continue
        yield Finding(
            "RB104",
            hit.span,
            f'tribal reference "{hit.words}": which one, exactly?',
            "link or name the exact dashboard, script or procedure",
            hit.words,
            hit.step,
        )


_IN_PAGE = re.compile(
    r"\s*,?\s+(?:[\w-]+\s+){0,2}?(?:above|below|earlier\s+(?:on\s+)?(?:in\s+)?(?:this|the)\s+"
    r"(?:page|document|section)|in\s+(?:the\s+)?(?:previous|next|following|last)\s+(?:steps?"
    r"|sections?)|in\s+step\s+\d+)\b",
    re.IGNORECASE,
)
"""A reference the page resolves where it points: "as discussed above", "the procedure below",
"the steps in the previous section"."""
_PRIOR_STATE = re.compile(
    r"^the\s+old\s+(?:[\w-]+\s+)?(?:values?|settings|config(?:uration)?)$", re.IGNORECASE
)
"""The value a change replaced ("retrieve the old value"): the state before it, which the
reader can read back, not a way of working only insiders know."""
_EXAMPLES = re.compile(
    r"(?:\s+[\w-]+){0,2}?\s*,?\s*\(?(?:like|such\s+as|e\.g\.,?|for\s+example,?|namely|i\.e\.,?)\s+"
    r"(?![^.;:!?)]*\betc\b)[^.;:!?)]*[\w`)]",
    re.IGNORECASE,
)
"""Examples that name what the reference means ("the usual linux tools like grep and awk"); a
list left open ("(e.g. ensuring tests pass, ..., etc)") still leaves the rest to memory."""


def _named_below(blocks: tuple[Block, ...], hit: Hit) -> bool:
    """Whether a list right under the reference names what it means, its first item with a
    link ("Next, check our monitoring tools" over "1. Grafana: Visit [Grafana
    Integration][]"): the page resolves the reference. The list hangs under the reference's
    own list item, or under a lead-in that ends with a colon."""
    block = hit.passage.block
    after = block_after(blocks, block.span.end_line)
    if after is None or after.list_depth == 0:
        return False
    if after.list_depth <= block.list_depth and not hit.sentence.rstrip().endswith(":"):
        return False
    return bool(after.links) or ANY_LINK.search(after.text) is not None


_S = frozenset({"s"})
_FROM_MEMORY = re.compile(
    starting_with(
        "tyo",
        # what is usual, whatever it is: "take the usual measures of due diligence"
        r"\b(?:the|your|our)\s+(?:usual|customary|wonted)\s+(?!(?:way|manner|fashion)\b)[a-z][\w-]+"
        # the way it was done before, never written: "replace it in the same manner that it was"
        r"|\bthe\s+same\s+(?:way|manner|fashion|process|steps|procedure)\s+(?:(?:that|as)\s+)?"
        r"(?:(?:it|they|this|that|you|we)\s+(?:was|were|had\s+been|did|do|have)"
        r"|before|last\s+time|previously|originally|the\s+(?:last|previous|first)\s+time)\b"
        r"(?!\s+(?:[\w-]+\s+){0,3}?(?:above|below|earlier|in\s+step|in\s+the\s+(?:previous|last)"
        r"\s+(?:step|section)|described|shown|listed))",
    ),
    re.IGNORECASE,
)
"""What the reader is to remember rather than read: whatever is "usual" ("the usual measures"),
and "the same way it was" done before, when the page does not say how (the named nouns of
`TRIBAL`, "the usual dashboard", are shared with RB108)."""
_FROM_MEMORY_WORDS = frozenset({"usual", "customary", "wonted", "same"})
_CLAUSE_START = re.compile(r".*(?:[,;:(\u2013\u2014]|\s-\s)", re.DOTALL)
_OFFERED = re.compile(r"^\W*(?:you|we|they)\s+(?:can|could|might|may)\b", re.IGNORECASE)


def _told_to(hit: Hit) -> bool:
    """Whether the clause that holds a `_FROM_MEMORY` hit tells the reader to act ("If removing
    the gem, take the usual measures"): "the usual situation" in an aside, or "you can perform
    the usual sort of visualizations", names no procedure the reader must recall."""
    sentence = hit.passage.sentence_at(hit.start)
    before = _CLAUSE_START.match(hit.passage.text, sentence.start, hit.start)
    clause = hit.passage.text[before.end() if before else sentence.start : hit.end]
    return not _OFFERED.match(clause) and is_instruction(clause.strip())


_TRIBAL_HABIT = re.compile(r"^(?:as|like)\b", re.IGNORECASE)
"""A habit ("as before", "like last time") is not resolved by a link elsewhere in the sentence."""

_USUAL_WAY = re.compile(
    r"(?P<verb>[a-z][\w-]+)(?:\s+(?:over|up|down|out|off|back))?\s+(?:in|the)\s+(?:the\s+)?"
    r"(?:usual|normal|standard|regular)\s+"
    r"(?:way|manner|fashion)$",
    re.IGNORECASE,
)


def _way_written_elsewhere(context: CheckContext, hit: Hit) -> bool:
    """Whether "<done> in the usual way" is written elsewhere in the document as an instruction
    opening with the same verb ("time-boxed in the usual way" and "Time-box the task with a
    specific number of minutes"): the usual way is on the page."""
    before = hit.passage.text[max(0, hit.start - 40) : hit.end]
    found = _USUAL_WAY.search(before)
    if found is None:
        return False
    stem = loose_stem(found.group("verb"))
    if len(stem) < 4:
        return False
    for passage in context.passages:
        if passage is hit.passage:
            continue
        for sentence in passage.sentences:
            first = _FIRST_WORD.match(sentence.text)  # the bare verb: an imperative
            if first and NON_ALNUM.sub("", first.group(1).lower()) in (stem, stem + "e"):
                return True
    return False


_FIRST_WORD = re.compile(r"^\W*(?:\d+[.)]\s+)?([\w-]+)")
