"""Whether a change is asked of the reader at all: not what a thing is expected to do, a clause
of time or a goal, a quotation, a purpose, someone else's job, what a thing is used for, an
example, a field of a form the reader is filling in, or something done to people.
"""

from __future__ import annotations

import re
from bisect import bisect_left

from compiler.parse import Block
from compiler.rules import CheckContext
from compiler.rules.assumptions.actions.layout import Layout, block_before, block_index, layout_of
from compiler.rules.assumptions.actions.words import clause_verbs_and_objects
from compiler.rules.assumptions.scan import PEOPLE_SUBJECT, ROLE_WORD, Hit
from compiler.rules.regions import Passage, read_block
from compiler.text.examples import introduces_examples
from compiler.text.links import DOCUMENT_URL, LINK
from compiler.text.normalise import loose_stem

TO_PEOPLE = re.compile(
    r"^(?:update|remove|kick|drop|brief)\s+(?:them|him|her|us|everyone|someone|people"
    r"|the\s+(?:person|individual|executive|other\s+\w+))\s+(?:with|on|about|off|from\s+the"
    r"\s+(?:call|bridge|meeting|room|channel))\b"
    # raising a matter with people: "raise the issue with the owning team"
    r"|^raise\s+(?:the\s+|this\s+|that\s+|an?\s+|your\s+|any\s+)?(?:issue|concern|question"
    r"|problem|matter|it|this|that|risk)s?\s+(?:with|to)\b",
    re.IGNORECASE,
)
"""A change verb whose object is people: "update them with anything you feel appropriate",
"remove them from the call" (informing or moderating, not changing a system)."""


_THING_SUBJECT = re.compile(
    r"^\W*(?P<subject>it|this|that|(?:the|a|an|each|every|any)\s+(?:[\w-]+\s+){0,2}?[\w-]+)\s+"
    r"(?:should|will|would|can|could|may|might|must)\s+(?:also\s+|then\s+)?(?:be\s+[\w-]+\s+and\s+)?$",
    re.IGNORECASE,
)


def expected_behaviour(hit: Hit) -> bool:
    """Whether a change verb after a modal says what a thing is expected to do, not what the
    reader must do: its subject is a thing, not the reader, a person or a role ("The structure
    should be flexible and scale ...", "the deployment will restart")."""
    start = hit.passage.sentence_at(hit.start).start
    if _POSSIBILITY.search(hit.passage.text, max(start, hit.start - 30), hit.start):
        return True  # "... could block node drain": a consequence, not an instruction
    found = _THING_SUBJECT.match(hit.passage.text, start, hit.start)  # the sentence's subject
    if found is None:  # or a clause's: "Correct the issues and the collector should restart"
        begin = max(start, hit.start - 60)
        found = _CLAUSE_THING_SUBJECT.search(hit.passage.text, begin, hit.start)
    if found is None:
        return False
    subject = found.group("subject")
    return not (PEOPLE_SUBJECT.match(subject) or ROLE_WORD.search(subject))


_POSSIBILITY = re.compile(
    r"(?<!\byou\s)(?<!\bwe\s)\b(?:could|would|might)\s+(?:also\s+|even\s+|then\s+)?$",
    re.IGNORECASE,
)
_CLAUSE_THING_SUBJECT = re.compile(
    r"(?:,\s*|\b(?:and|then|so|but)\s+)(?P<subject>(?:the|this|that|its)\s+(?:[\w-]+\s+){0,2}?"
    r"[\w-]+)\s+(?:should|will|would|can|could|may|might)\s+(?:also\s+|then\s+)?$",
    re.IGNORECASE,
)


_THEIR_MODAL = re.compile(
    r"\b(?:they|he|she)\s+(?:can|could|will|would|should|may|might|must)\s+(?:\w+ly\s+|also\s+)?$",
    re.IGNORECASE,
)


_USED_TO = re.compile(
    r"\b(?:(?:is|are)\s+)?used\s+(?:to|for)\s+(?:[a-z]+\s+(?:and|or)\s+)?$", re.IGNORECASE
)


def use_of(hit: Hit) -> bool:
    """Whether the change says what something is used for ("the script used to backup and
    restore the databases"): a description, not an instruction."""
    start = hit.passage.sentence_at(hit.start).start
    return _USED_TO.search(hit.passage.text, max(start, hit.start - 40), hit.start) is not None


_EXAMPLE = re.compile(
    r"\((?:e\.?\s?g\.?|for\s+example|for\s+instance|such\s+as)\b[^()]*$"
    # "For example, you can ...", also after a condition: "For example, if we need to restart
    # our servers, we could either ..."
    r"|^\W*(?:for\s+example|for\s+instance|e\.g\.)\W+(?:(?:if|when)\s[^,;:]{1,120},\s*)?"
    r"(?:you|we)\s+(?:can|could|might|may)\b",
    re.IGNORECASE,
)


def given_as_example(hit: Hit) -> bool:
    """Whether the change is given as an example: inside brackets that open with "e.g." ("(e.g.
    run it locally, or deploy a branch to integration)"), or a sentence that opens "For example,
    you can ..." or "For example, if ..., we could ..." (what can be done, not what to do)."""
    start = hit.passage.sentence_at(hit.start).start
    return _EXAMPLE.search(hit.passage.text[start : hit.start]) is not None


_UI = re.compile(
    r"\b(?:click(?:ing|ed)?|press(?:ing)?|tap|tick|untick)\s+(?:on\s+)?(?:the\s+|a\s+)?\S"
    r"|\b(?:button|icon|tab|drop-?down|checkbox|check\s+box|menu|web\s+UI|screen|form|field)s?\b"
    r"|\b(?:(?:web|user|admin)\s+interface|(?-i:the\s+UI|[A-Z][\w-]*\s+(?:interface|UI)))\b"
    r"|\bin\s+the\s+top\s+(?:left|right)\b"
    # a field or a button known by its label: the "Customized message", the 'Privacy' setting
    r"|\bthe\s+(?:[\"'\u201c\u2018])(?-i:[A-Z])[\w ]{1,30}(?:[\"'\u201d\u2019])",
    re.IGNORECASE,
)
"""A user interface the reader works in: a click, a button or a field, "the UI"."""


def in_a_ui(context: CheckContext, block: Block) -> bool:
    """Whether the change is done in a user interface that its text or the items before it
    drive ("1. Click 'Manage'. 2. Change the email address. 3. Click 'Update profile'", "delete
    the lock using the UI", "in the top left of the Kibana interface ... change this to `x`"):
    the form is the tool, its fields are named where the reader is."""
    lines = context.document.lines
    if _UI.search(read_block(lines, block).text):
        return True
    if block.list_depth == 0 or block.list_id is None:
        return False
    layout = layout_of(context)
    here = block_index(layout, block.span.line)
    if here is None:
        return False
    listed = layout.items.get(block.list_id, [])
    items = listed[max(0, bisect_left(listed, here) - FORM_STEPS) : bisect_left(listed, here)]
    for index in reversed(items):  # back through the form's short steps
        text = read_block(lines, layout.blocks[index]).text
        if _UI.search(text) or _OPENS_PAGE.search(text):
            return True
        if len(text.split()) > _FORM_STEP_WORDS:
            return False
    parent = _parent_item(layout, here)
    return parent is not None and _OPENS_PAGE.search(read_block(lines, parent).text) is not None


_OPENS_PAGE = re.compile(
    r"\b(?:(?:navigate|go|browse|head)\s+to|open|visit)\s+(?:the\s+)?(?:\[|<?https?://)",
    re.IGNORECASE,
)
"""An item that opens a web page by its link ("Navigate to [CI/CD settings](...)", "Go to
https://example.org/profile/tokens and generate a token"): the items after it and under it
are done on that page."""


def _parent_item(layout: Layout, here: int) -> Block | None:
    """The list item a nested item hangs from: the nearest block before it that is less deep
    in the list, among the few blocks before it, or the list item right before it."""
    depth = layout.blocks[here].list_depth
    before = layout.blocks[max(0, here - FORM_STEPS) : here]
    for block in reversed(before):
        if block.kind == "heading" or block.list_depth == 0:
            return None
        if block.kind == "paragraph" and (block.list_depth < depth or block is before[-1]):
            return block  # (or the item right before: "1. Go to ...\n  - Enable X" is not
            # nested in CommonMark, but is written and read as the item's sub-steps)
    return None


_FORM_STEP_WORDS = 12
"""At most this many words in a step of a form ("Set the repository name to the new name")."""
FORM_STEPS = 4
"""At most this many of a form's steps between a change and the click that opened the form."""


def theirs(hit: Hit) -> bool:
    """Whether the change is someone else's to make ("... so they can fix it themselves")."""
    start = hit.passage.sentence_at(hit.start).start
    return _THEIR_MODAL.search(hit.passage.text, max(start, hit.start - 40), hit.start) is not None


_TIME_CLAUSE = re.compile(
    r"\b(?:as\s+soon\s+as|when|whenever|once|before|after|until|while)\s+(?:you|we|they)\b"
    r"[^,;:]*$",
    re.IGNORECASE,
)


_GOAL_CLAUSE = re.compile(
    r"\b(?:if|in\s+case|unless|whether)\s+(?:you|we|they)\s+(?:(?:ever|also|still|later|then"
    r"|only|do|don't|do\s+not|\w+ly)\s+)?(?:need|needs|want|wish|have|decide|choose|plan|are\s+going"
    r"|were\s+to)\s+(?:to\s+)?(?:(?:also|urgently|quickly|manually)\s+)?$",
    re.IGNORECASE,
)


def in_time_clause(hit: Hit) -> bool:
    """Whether the change is inside a clause of time about the reader ("Escalate as soon as you
    begin to consider failing over"), or is the goal a condition states ("If you need to rotate
    the secret, note that ...", "in case you need to revert the changes"): when or in which
    case the instruction applies, not the instruction."""
    start = hit.passage.sentence_at(hit.start).start
    if _TIME_CLAUSE.search(hit.passage.text, start, hit.start) is not None:
        return True
    window = max(start, hit.start - 80)
    return _GOAL_CLAUSE.search(hit.passage.text, window, hit.start) is not None


_OPEN_QUOTE = re.compile(r"\"|\u201c|\u201d")


def in_quotation(hit: Hit) -> bool:
    """Whether the change is inside a quotation in its sentence (an odd number of double quotes
    before it): words someone says or said, not an instruction to the reader."""
    start = hit.passage.sentence_at(hit.start).start
    return len(_OPEN_QUOTE.findall(hit.passage.text, start, hit.start)) % 2 == 1


_PURPOSE = re.compile(r"^\W*(?:(?:so\s+as|in\s+order)\s+)?to\s+[^,;:]*$", re.IGNORECASE)


PURPOSE_LEAD = re.compile(
    r"(?:^|(?<=[.!?]\s))\W*(?:(?:so\s+as|in\s+order)\s+)?to\s+[^,;:.]*,", re.IGNORECASE
)
"""Purpose clauses that open sentences: the goals, not the changes asked for."""


def in_purpose_clause(hit: Hit) -> bool:
    """Whether the change is the goal of a purpose clause that opens the sentence ("To stop the
    errors and clear the alert, disable ..."): the instruction is what follows the comma."""
    start = hit.passage.sentence_at(hit.start).start
    return _PURPOSE.match(hit.passage.text[start : hit.start]) is not None


def shown_as_example(context: CheckContext, block: Block) -> bool:
    """Whether the change is in a quoted paragraph among the examples a lead-in introduces
    ("Good examples:" then "> Reboot a machine"): wording shown, not an instruction."""
    lines = context.document.lines

    def quoted(other: Block) -> bool:
        return lines[other.span.line - 1].lstrip()[:1] == ">"

    if not quoted(block):
        return False
    before = block_before(context, block)
    while before is not None and quoted(before):
        before = block_before(context, before)
    return before is not None and before.kind == "paragraph" and introduces_examples(before.text)


_OF_MIND = re.compile(
    r"^\w+\s+(?:your|our|their|one's|my)\s+(?:own\s+)?(?:[\w-]+\s+)?(?:understanding|knowledge"
    r"|awareness|mindset|mode\s+of\s+thinking|thinking|perspective|focus|attention|confidence"
    r"|familiarity|expertise)\b",
    re.IGNORECASE,
)
"""A change of the reader's (or the team's) own mind: "increase your understanding of what's
going on", "switch our mode of thinking": no system is changed, no tool is missing."""


def of_mind(words: str) -> bool:
    """Whether a change clause changes someone's mind, not a system (see `_OF_MIND`), or only
    what a graph or query shows the reader (see `_OF_A_VIEW`)."""
    return _OF_MIND.match(words) is not None or _OF_A_VIEW.match(words) is not None


_OF_A_VIEW = re.compile(
    r"^(?:try\s+)?[a-z]+(?:ing)?\s+(?:the\s+|its\s+|a\s+)?(?:[\w()-]+\s+){0,2}?(?:x-axis|y-axis"
    r"|axis|time\s+range|time\s+window|timeframe|(?:project\s+|search\s+)?filter|legend"
    r"|(?:original|top|first|second|new|\(top\))\s+(?:\(\w+\)\s+)?query)\b",
    re.IGNORECASE,
)
"""A change to what a graph or a query shows ("change the X-axis grouping to method", "try
expanding the time range", "Remove the original (top) query" in Explore): a look, no system is
changed."""


def in_pointer(hit: Hit) -> bool:
    """Whether the change is the title of a page that a pointer links ("..., see [Safely drain a
    node](https://...)", "Refer to [Restoring a backup](...)"): the words name the linked page,
    they ask for nothing themselves."""
    text = hit.passage.text
    for link in LINK.finditer(text, max(0, hit.start - 200), hit.end + 400):
        if link.group("label") is None or not link.start() < hit.start < link.start("url"):
            continue
        return _POINTED.search(text, max(0, link.start() - 40), link.start()) is not None
    return False


_POINTED = re.compile(r"\b(?:see|refer\s+to|read|check\s+out)\s+(?:also\s+)?(?:the\s+)?$", re.I)
"""Words that point at the link right after them (a pointer, not a change)."""


def pointed_to(hit: Hit) -> bool:
    """`points_to_steps` for a hit of the prose scan."""
    return points_to_steps(hit.passage, hit.start, hit.end, hit.words)


def points_to_steps(passage: Passage, start: int, end: int, words: str) -> bool:
    """Whether the sentence of the change (`words`, at `start`-`end` of the passage's text)
    points at where its steps are written: a pointer after the change to a page of steps whose
    title or address holds the change's verb ("... by adding new nodes (see
    [add-instance.md](add-instance.md))", "Drain the nodes, see [Safely drain a node](...)"; not
    "Cordon the nodes, see [Safely drain a node](...)"), or "follow the steps described in
    `docs/queues.md`" (the how is on the page it names, as a link before the change is)."""
    sentence = passage.sentence_at(start)
    if _STEPS_AT.search(passage.text, sentence.start, sentence.end):
        return True
    pointer = _POINTER.search(passage.text, start, sentence.end)
    if pointer is None:
        return False
    link = LINK.match(passage.text, pointer.end() - 1)
    if link is None or DOCUMENT_URL.search(link.group("url") or "") is None:
        return False
    titled = {
        loose_stem(word) for word in _WORDS.findall(f"{link.group('label')} {link.group('url')}")
    }
    verbs, _ = clause_verbs_and_objects(words)
    said = _WORDS.findall(words)
    # the change's verbs: its listed change words, its first word, a means ("by adding ...")
    acts = verbs | {loose_stem(word) for word in said[:1]}
    acts |= {loose_stem(word) for word in said if word.lower().endswith("ing")}
    return bool(acts & titled)


_WORDS = re.compile(r"[A-Za-z]+")


_STEPS_AT = re.compile(
    r"\bfollow(?:ing)?\s+the\s+(?:steps|instructions|procedure|guide|runbook)\s+(?:(?:described"
    r"|outlined|documented|given|listed|explained)\s+)?(?:in|at|on)\s+(?:the\s+)?[\[`]",
    re.IGNORECASE,
)
"""Steps written on a page the sentence names by link or path: "follow the steps described
in `docs/queues.md`", "follow the instructions in [the guide](...)"."""
_POINTER = re.compile(
    r"(?:,\s*|\(\s*|\s+-+\s+|\s+\u2014\s*)(?:see|refer\s+to)\s+(?:also\s+)?(?:the\s+)?\[",
    re.IGNORECASE,
)
"""A pointer after the change in its sentence: ", see [..](..)", "(see [..](..))"."""
