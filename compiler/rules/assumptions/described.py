"""Whether a sentence the text rules matched tells the reader to do something, read in its
place: the judgement the text rules (RB101-RB104, RB106, RB108) share before they flag.

A sentence can read as an instruction by its words alone ("We may need to adjust mirroring
capacity", "there may be jobs that need to be removed") and still tell nobody to do anything: a
plan, an account of what a system does or should do. What decides is the words around it. Where
nothing near it tells the reader to act (its passage, the other items of its list) and its
section is no procedure nor a task, it describes.
"""

from __future__ import annotations

import re

from compiler.rules import CheckContext
from compiler.rules.assumptions.scan import (
    BARE_IMPERATIVE,
    CONDITION_FIRST,
    LEAD_ADVERB,
    LIST_MARK,
    NOT_VERBS,
    NOUN_SUBJECT,
    ROLE_ACRONYM,
    ROLE_NOUN,
    THIRD_PERSON,
    instructs,
    parsed_block,
)
from compiler.rules.regions import Passage
from compiler.text.genre import under_procedure
from compiler.text.instructions import HEDGED_NEED, IMPERATIVE, imperative_after_phrase
from compiler.text.sentences import sentences
from compiler.text.task_boxes import LISTED_TASK_BOX

_TO_READER = re.compile(r"\b(?:you|your|yourself|please)\b", re.IGNORECASE)
_BOUND = re.compile(
    # the team as the reader, bound to act: "we must remove it", "we need to block the project"
    r"\bwe\s+(?:(?:really|then|also|first|now)\s+)?(?:must|need\s+to|have\s+to"
    r"|should(?!\s+(?:probably|consider|eventually|start)\b))"
    # advice to no one in particular: "It might be worth asking the customer", "it may be
    # necessary to block the user"
    r"|\bit(?:'s|\s+is|\s+(?:may|might|could|would)(?:\s+also)?\s+be)\s+(?:\w+\s+)?"
    r"(?:worth|necessary|best|wise|advisable|helpful|useful|a\s+good\s+idea)\b",
    re.IGNORECASE,
)
"""Words that bind the reader to act with no "you": the team's duty, advice to no one."""
_DUTY = re.compile(
    rf"^(?:he|she|they|(?:(?:the|a|an|each|every|any|all|our|your)\s+)?(?:{ROLE_ACRONYM}"
    rf"|{ROLE_NOUN}|(?:[\w-]+\s+)?(?:author|reviewer|requester|submitter)s?\b))\s+"
    r"(?:(?:then|also|first|always|\w+ly)\s+)?(?:must|should|needs?\s+to|has\s+to|have\s+to)\b",
    re.IGNORECASE,
)
"""A duty put on a person or a team: "the author must dismiss the review", "The IC should hand
over", "Teams should regularly review these alerts"."""
_LABEL_FIRST = re.compile(r"^[A-Z][\w /&-]{0,40}:\s+")
"""A label before an instruction ("Image issues: fix the tags")."""
_SETTING_FIRST = re.compile(r"^[^,.;:!?]{3,60},\s+(?=[a-z])")
"""A short phrase before an instruction ("After a few minutes, stop the sessions")."""


def tells_reader(sentence: str) -> bool:
    """Whether a sentence tells the reader to act in so many words: an imperative (after a
    condition, a label, an adverb or a setting), words addressed to "you", a duty of the team
    ("we must") or of a person ("the author must"), advice to no one ("it may be worth
    asking"), a hedged change ("the node may need a reboot"). Not a duty put on a thing or on
    no one ("the disk must be replaced"), nor a plan ("We may need to adjust capacity")."""
    sentence = LISTED_TASK_BOX.sub("", sentence, count=1)
    sentence = LIST_MARK.sub("", sentence, count=1).lstrip("[*_")
    if _BOUND.search(sentence) or HEDGED_NEED.search(sentence):
        return True  # "the OSD may need to be replaced": LABELLING's hedged change
    condition = CONDITION_FIRST.match(sentence)
    if _DUTY.match(sentence[condition.end() :] if condition else sentence):
        return True  # "If a branch is rebased, the author must dismiss the review"
    if _TO_READER.search(sentence):
        return instructs(sentence)  # not "This will help you monitor the host"
    for lead in (CONDITION_FIRST, _LABEL_FIRST, LEAD_ADVERB, _SETTING_FIRST):
        found = lead.match(sentence)
        if found is not None and _imperative(sentence[found.end() :]):
            return True
    if imperative_after_phrase(sentence):
        return True  # "Before starting the failover contact the owners": a phrase, no comma
    return _imperative(sentence)


def _imperative(sentence: str) -> bool:
    """Whether a sentence opens with a verb in the imperative (a known one, or any word with
    an object after it that is no noun subject nor a verb in the third person)."""
    if IMPERATIVE.match(sentence):
        return True
    return (
        BARE_IMPERATIVE.match(sentence) is not None
        and THIRD_PERSON.match(sentence) is None
        and NOUN_SUBJECT.match(sentence) is None
        and sentence.split()[0].lower() not in NOT_VERBS
    )


def described(context: CheckContext, passage: Passage, sentence: str) -> bool:
    """Whether a sentence that reads as an instruction only by a modal, a passive or a verb
    first sits among words that tell the reader nothing to do, outside a procedure or a task:
    its passage and the items of its list describe ("As GitLab.com grows, ... We may need to
    adjust mirroring capacity"; "an eviction policy that will, if necessary, evict data").
    Under a heading that opens a procedure ("Mitigation") or names a task ("Renewing the
    certificate") a duty with no subject is still the reader's ("the instance should be
    terminated")."""
    own = parsed_block(context.document.blocks, passage.block)
    if tells_reader(sentence) or under_procedure(own.sections) or _names_a_task(own.sections):
        return False
    if any(tells_reader(found.text) for found in passage.sentences):
        return False
    return own.list_id is None or not _list_tells(context, own.list_id)


def _list_tells(context: CheckContext, list_id: int) -> bool:
    """Whether an item of a list tells the reader to act (worked out once per list)."""
    known: dict[int, bool] = context.once("lists that tell the reader", dict)
    if list_id not in known:
        known[list_id] = any(
            tells_reader(found.text)
            for block in context.document.blocks
            if block.list_id == list_id
            for found in sentences(block.text)
        )
    return known[list_id]


_TITLE_NUMBER = re.compile(r"^\W*(?:\d+[.)]\s+)?")
_GERUND_TITLE = re.compile(r"^[A-Z][a-z]+ing\b")


def _names_a_task(sections: tuple[str, ...]) -> bool:
    """Whether the nearest heading names a task: an imperative or a gerund ("Rotate the keys",
    "Renewing the signing certificate"); what its section says is how to do it."""
    if not sections:
        return False
    title = _TITLE_NUMBER.sub("", sections[-1], count=1)
    return IMPERATIVE.match(title) is not None or _GERUND_TITLE.match(title) is not None
