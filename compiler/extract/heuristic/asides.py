"""What reads like an instruction but is no step: a pointer elsewhere, a one-word bold title, a
lead-in to the items after it, reassurance, example dialogue, quoted examples, an italic aside.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from compiler.extract.heuristic.jumps import _JUMP_WORDS, _jump_only
from compiler.parse import Block
from compiler.text.examples import introduces_examples
from compiler.text.instructions import leading_condition as _leading
from compiler.text.links import is_pointer, is_procedure_pointer

_FOLLOWING = re.compile(
    r"\b(?:do|follow|perform|use|run|take|complete|try|carry\s+out)\s+(?:the\s+following(?:\s+\w+)?"
    r"(?:\s+(?:steps|actions|things|commands))?|these(?:\s+\w+)?"
    r"\s+(?:steps|actions|things|commands)|the\s+(?:steps|actions|commands)\s+below"
    r"|(?:one|either|any)\s+of\s+the\s+(?:\w+\s+)?(?:scenarios|cases|options|sections|procedures"
    r"|approaches|methods|paths|steps)\s+(?:below|above)"
    r"|(?:one|either|any)\s+of\s+(?:these|the\s+following)(?:\s+\w+)?\s+(?:options|approaches"
    r"|methods|ways))"
    r"(?:\s+(?:on|against|across)\s+(?:the|both|each|every|all|these|those|this|that)\b"
    r"[^.;:!?]{0,80})?"
    r"(?:,?\s+(?:in\s+order\s+)?to\s+(?!(?:the|a|an|this|that)\b)[a-z]+\b"
    r"(?:(?!\b(?:and|then)\b)[^.;:!?]){0,80})?"
    r"\s*[,:.]?\s*$",
    re.IGNORECASE,
)
"""An instruction that only leads in to the items after it: "you should follow these three
steps,", "Follow these steps, to delete the cluster." (its purpose after it), "follow one of
the scenarios below" (the cases after it), "Perform the following on both key rings"."""
_REASSURANCE = re.compile(
    r"^[*_]*(?:please\s+)?(?:(?:don't|do\s+not|never)\s+(?:worry|panic|be\s+afraid"
    r"|feel\s+(?:bad|ashamed|guilty|like|that))"
    r"|(?:[^.]{0,80},\s+)?you\s+(?:should|can|may)\s+(?:always\s+)?feel\s+free)\b",
    re.IGNORECASE,
)
"""Reassurance or permission, not an instruction: "Don't worry if you don't meet them all",
"There is no formal training, you should feel free to contact Support"."""
_CAUTION = re.compile(
    r"^(?:[^\w\s]+\s*)?(?:please\s+)?(?:be\s+aware\s+that\b"
    r"|(?:be\s+(?:very\s+|extra\s+)?careful|take\s+(?:great\s+|extra\s+)?care"
    r"|(?:proceed|use\s+(?:it|this|them|these|that)|handle)\s+with\s+(?:great\s+|extreme\s+"
    r"|extra\s+)?(?:caution|care))\s*(?:[.!]|$|(?:when|with|while|if|as|around)\b))",
    re.IGNORECASE,
)
"""A caution, not an instruction: "Take care when unpublishing a site with a custom domain",
"PLEASE BE CAREFUL WHEN EXECUTING THIS COMMAND", "Be aware that this replays the history", "Use
it with caution!", "Take care around large exports". ("Take care to X" and "Be careful not to
X" tell the reader what to do: they stay steps.)"""


_TITLE = re.compile(r"^(?:\*\*|__)\s*\w+(?:\s*[/&]\s*\w+)?\s*(?:\*\*|__):?$")
"""A list item that is only a one-word bold title over the items under it: "1. **Prepare**"
("1. **Confirm queue length**" names its object: an instruction)."""


_SPEAKER = re.compile(r"^(?:\([^)]{1,30}\)\s*)?[A-Z][\w.'-]*(?:\s[A-Z][\w.'-]*){0,2}:\s+\S")
"""A speaker's name before their words: "IC: Stop.", "(If yes) Executive: ..."."""


def is_dialogue(block: Block, lines: tuple[str, ...]) -> bool:
    """A quoted line of example dialogue ("> IC: Stop. Leave the call."): it shows how a call
    may go, it does not tell the reader what to do."""
    quoted = lines[block.span.line - 1].lstrip().startswith(">")
    return quoted and _SPEAKER.match(block.text) is not None


def quoted_example(blocks: Sequence[Block], index: int, lines: tuple[str, ...]) -> bool:
    """A quoted paragraph among the examples a lead-in introduces ("Good examples: > Reboot a
    machine > Data sync: check failed data"): it shows what is meant, it is no instruction."""

    def quoted(block: Block) -> bool:
        return block.kind == "paragraph" and lines[block.span.line - 1].lstrip()[:1] == ">"

    if not quoted(blocks[index]):
        return False
    before = index - 1
    while before >= 0 and quoted(blocks[before]):
        before -= 1
    lead = blocks[before] if before >= 0 else None
    return lead is not None and lead.kind == "paragraph" and introduces_examples(lead.text)


_ITALIC_PARAGRAPH = re.compile(r"^(?P<mark>[_*])(?![_*\s]).*(?<![_*\s])(?P=mark)$", re.DOTALL)


def is_aside(block: Block, lines: tuple[str, ...]) -> bool:
    """Example dialogue, or a paragraph set wholly in italics outside a list ("_Next step is to
    stabilize the incident. We need to ..._"): a summary or aside, not steps."""
    if is_dialogue(block, lines):
        return True
    if block.list_depth or not block.text.endswith(("_", "*")):
        return False
    italic = _ITALIC_PARAGRAPH.match(block.text)
    return italic is not None and block.text.count(italic.group("mark")) == 2


_SEE_ALSO = re.compile(
    r"^(?:see\s+also|related\s+(?:pages|links|docs|documentation)|further\s+reading)\s*:"
    r"(?:\s*(?:\[[^\]]*\]\([^)]*\)|<?https?://\S+?>?)[\s,.;]*)*$",
    re.IGNORECASE,
)
"""A lead-in to related pages, alone or with its links: "See also:", "See also: [x](...)"."""
_HOW_ELSEWHERE = re.compile(
    r"^(?:please\s+)?(?:check|see|read|consult|refer\s+to|look\s+at|visit|use)\s+(?:the\s+|our\s+"
    r"|this\s+)?\[[^\]]*\]\([^)]*\)\s+(?:to\s+(?:see|learn|find\s+out|understand|know)"
    r"\s+(?:how|more|what|which|about|why)|for\s+(?:more|further|additional|detailed|full)\s+"
    r"(?:information|details|instructions|background|context)|for\s+(?:instructions|how|details"
    r"|background))\b[^.!?]*[.!]?$",
    re.IGNORECASE,
)
"""A linked page to read to know how: "Check the [pgbadger runbook](...) to see how to use it"
("Check the [dashboard](...) for errors" is a check)."""
_EXAMPLE_ELSEWHERE = re.compile(
    r"^(?:(?:you|we)\s+can\s+(?:also\s+)?)?(?:see|find|view|(?:take|have)\s+a\s+look\s+at"
    r"|look\s+at|check\s+out)\s+(?:an?\s+|the\s+|this\s+|some\s+)?\[?(?:sample|example)s?\b"
    r"[^.!?]{0,160}?\]\([^)]*\)[^.!?]{0,60}[.!]?$",
    re.IGNORECASE,
)
"""An example to look at elsewhere: "Take a look at a sample [code change](...)", "You can
see an example of taking a node out of service in [this issue](...)", "See an [example](...)"."""


_SEE_FOR = re.compile(
    r"^(?:please\s+)?see\s+(?!if\b|whether\b|that\b|how\b|what\b)[^.!?:]{1,60}?\s+for\s+(?:an?\s+)?"
    r"(?:examples?|more\s+(?:information|details|context)|details|reference|background)\.?$",
    re.IGNORECASE,
)
"""Something to read for examples, with no link: "See existing data bags for examples"."""


_SEE_BELOW = re.compile(
    r"^(?:please\s+)?see\s+(?!if\b|whether\b|that\b|how\b|what\b|why\b)[^.!?:\[]{1,60}?\s+"
    r"(?:below|above)\.?$",
    re.IGNORECASE,
)
"""Parts of the page to read, with no link: "See various scenarios below"."""
_SEE_ADDRESS = re.compile(r"^see(?:\s+also)?(?:\s*:\s*$|:?\s+<?https?://)", re.IGNORECASE)
"""A page to read given by its bare address, or a lead-in to such pages: "See also
https://docs.example.org/x which covers ...", "See:" over a list of links."""
_BY_FOLLOWING = re.compile(
    r"^[^.!?\[]{1,60}?\s+by\s+following\s+(?:the\s+(?:steps|instructions)\s+(?:in|under)\s+)?"
    r"\[[^\]]+\]\(#[^)\s]*\)\.?$",
    re.IGNORECASE,
)
"""A section of the same page to carry on from: "Investigate this by following [Backup not
completed](#backup-not-completed)" (a jump there, not a step of its own)."""


def points_elsewhere(text: str) -> bool:
    """A pointer that `is_pointer` does not read: related pages ("See also:"), a page to read
    for how ("Check the [X runbook](...) to see how to use it"), an example elsewhere, a part
    of the page ("See the scenarios below", "... by following [the section](#x)")."""
    text = text.strip()
    if text[:3].lower() == "see" and (
        _SEE_FOR.match(text) or _SEE_BELOW.match(text) or _SEE_ADDRESS.match(text)
    ):
        return True
    if "](#" in text and _BY_FOLLOWING.match(text):
        return True
    if not (text[:1].isalpha() and ("](" in text or text.endswith(":"))):
        return False
    return bool(
        _SEE_ALSO.match(text) or _HOW_ELSEWHERE.match(text) or _EXAMPLE_ELSEWHERE.match(text)
    )


_BOLD_HEADING = re.compile(r"^(?:\*\*|__)[^*_\n]{1,79}[^*_\n.!?](?:\*\*|__):?$")


def is_bold_heading(text: str) -> bool:
    """A paragraph that is only a bold phrase with no sentence end ("**Connect to the
    cluster**", "**Review job logs:**"): written as a heading over what follows (outside a
    list; a numbered "1. **Confirm queue length**" is a step)."""
    return bool(_BOLD_HEADING.match(text.strip()))


def not_a_step(text: str) -> bool:
    """An instruction-like sentence the extractor leaves out on purpose: a pointer elsewhere, a
    one-word bold title, a lead-in to the items after it, reassurance ("Don't worry ..."), a
    sentence that only jumps (an edge of the step before it)."""
    text = text.strip()
    if is_pointer(text) or is_procedure_pointer(text) or is_title(text) or points_elsewhere(text):
        return True
    if is_bold_heading(text):
        return True
    leading = _leading(text) if "](" in text else None
    if leading and is_pointer(leading.group("rest")):
        return True  # a pointer under a condition
    if _REASSURANCE.match(text) or _CAUTION.match(text):
        return True
    if _JUMP_WORDS.search(text) and _jump_only(text):
        return True
    return bool(_FOLLOWING.search(text)) and not _leading(text)


def is_title(text: str) -> bool:
    """A list item that is only a one-word bold title over the items under it ("**Prepare**")."""
    return bool(_TITLE.match(text.strip()))
