"""Jumps: step references ("go to step 7"), the end ("stop here"), anchor links, another
documented procedure to follow, and the "otherwise" that leads an else branch.
"""

from __future__ import annotations

import re
from dataclasses import replace

from compiler.extract import DraftStep, Jump
from compiler.extract.heuristic.shared import _condition_of, sentences
from compiler.parse import Block
from compiler.records import Span
from compiler.text.instructions import STEP_REFERENCE as _STEP_REFERENCE
from compiler.text.instructions import instructional as _instructional
from compiler.text.instructions import leading_condition as _leading

_STOP = re.compile(
    r"\b(?:stop\s+here|stop\s+the\s+(?:runbook|procedure)"
    r"|(?:and|then)\s+stop\b(?!\s+(?:the|a|all)\b)|you(?:'re|\s+are)\s+done|no\s+further\s+action|nothing\s+(?:more|else|further)\s+to\s+do"
    r"|(?:end|exit)\s+the\s+(?:runbook|procedure))\b|^\W*stop\W*$",
    re.IGNORECASE,
)
"""The procedure ends here: "stop here", "then stop", "you are done", "no further action"."""
_PAUSE = re.compile(
    r"\bbefore\s+(?:you\s+)?(?:continu|proceed|carry(?:ing)?\s+on|go(?:ing)?\s+on|mov(?:e|ing)\s+on)",
    re.IGNORECASE,
)
"""A stop that waits for something and then goes on ("stop here and get a new key before
continuing") is a pause, not the end of the procedure."""
_LINK_JUMP = re.compile(
    r"\b(?:go|skip|jump|continue|proceed|return|move)\s+(?:back\s+)?to\s+\[[^\]]*\]\(#[^)]*\)",
    re.IGNORECASE,
)


_ANCHOR_GOTO = re.compile(
    r"\b(?:go|skip|jump|continue|proceed|return|move|start\s+over|repeat|restart)\b"
    r"(?!\s+(?:the\s+)?(?:instructions|steps|process|procedure)\s+(?:in|to|from|at|under)\b)"
    r"[^.;:]{0,60}?\[[^\]]*\]\(#",
    re.IGNORECASE,
)
"""A link into the page is a jump only when a go-to verb leads to it ("go to [Rollback](#rb)",
"repeat [the check](#check)"). "Follow the instructions to [assign users](#assign)" asks for
that section's work and then goes on: taking it as a jump would skip, and so make unreachable,
every step between here and there."""
_OTHERWISE = re.compile(r"\s*otherwise\b", re.IGNORECASE)
_JUMP_HINTS = ("step", "stop", "done", "further", "nothing", " the runbook", " the procedure")
"""Words every jump but an anchor link has one of: a cheap test before the patterns run."""


_JUMP_WORDS = re.compile(
    r"\b(?:go|skip|jump|return|continue|proceed|move|start over|follow|repeat|restart)\b",
    re.IGNORECASE,
)


_PROCEDURE_JUMP = re.compile(
    r"\b(?:you\s+(?:should|can|may|must|need\s+to)\s+)?(?:(?:start|begin)\s+to\s+|now\s+)?"
    r"(?:follow|go\s+through|continue\s+with)\s+(?:the\s+|our\s+)?(?:"
    r"(?:steps|process|procedure|instructions|runbook|playbook)\s+(?:from|in|of|at|under)\s+"
    r"(?:the\s+|our\s+)?\[[^\]]*\]\([^)]*\)(?:\s+(?:process|procedure|runbook|playbook|page))?"
    r"|\[[^\]]*\]\([^)]*\)\s+(?:process|procedure|runbook|playbook))",
    re.IGNORECASE,
)
"""Handing over to another documented procedure: "you should follow the [Security Response](...)
process", "start to follow the steps from [After an Incident](...)": a jump, not a step."""


def _edge_of_last(block: Block, drafts: list[DraftStep]) -> bool:
    """A paragraph that only jumps ("Go to step 8.", "Restoring it is the owner's job: go to
    step 8.") is an edge of the step before it, not a step (a numbered item stays a step:
    jumps name it by its number)."""
    if not drafts or (block.ordered and block.first_in_item) or not _JUMP_WORDS.search(block.text):
        return False
    parts = sentences(block.text)
    if not parts or not all(
        _jump_only(part.text) and not _leading(part.text) and not _OTHERWISE_LEAD.match(part.text)
        for part in parts
    ):
        return False  # "If X, go to step 5." is a decision
    jumps = _jumps(block, block.text, block.span)
    if not jumps or all(jump.by == "reference" for jump in jumps):
        return False  # "Follow the steps in [Checks](#checks)." asks for work: a step
    drafts[-1] = replace(drafts[-1], jumps=(*drafts[-1].jumps, *jumps))
    return True


def _jumps(block: Block, text: str, span: Span) -> tuple[Jump, ...]:
    """Step references, each under the condition of its own sentence: "If X, go to step 9.
    Otherwise go to step 10." gives a jump when X and one otherwise."""
    lowered = text.lower()
    if not block.links and not any(word in lowered for word in _JUMP_HINTS):
        return ()
    found = []
    for sentence in (part.text for part in sentences(text)):
        reference = _STEP_REFERENCE.search(sentence)
        if reference:
            target = reference.group("n") or reference.group("r")
            found.append(Jump(target, "step-number", span, _jump_condition(sentence)))
        elif _STOP.search(sentence) and not _paused(block, sentence):
            found.append(Jump("end", "end", span, _jump_condition(sentence)))
    if found or not _JUMP_WORDS.search(text):
        return tuple(found)
    anchors = [href[1:] for href in block.links if href.startswith("#") and len(href) > 1]
    if not anchors:
        return ()
    # "Follow the instructions to [assign users](#assign)": do that, then go on
    return (Jump(anchors[0], "anchor" if _ANCHOR_GOTO.search(text) else "reference", span),)


def _paused(block: Block, clause: str) -> bool:
    """The stop's whole sentence goes on later ("you must stop here and get a new key before
    continuing"): the clause alone may have lost the "before continuing"."""
    return any(
        _PAUSE.search(part.text) for part in sentences(block.text) if clause.strip() in part.text
    ) or bool(_PAUSE.search(clause))


def _jump_condition(sentence: str) -> str | None:
    if _OTHERWISE.match(sentence):
        return "otherwise"
    return _condition_of(sentence)


def _jump_only(sentence: str) -> bool:
    lowered = sentence.lower()
    if "](#" not in sentence and not any(word in lowered for word in _JUMP_HINTS):
        return False
    otherwise = _OTHERWISE_LEAD.match(sentence)
    rest = sentence[otherwise.end() :] if otherwise else sentence
    leading = _leading(rest)
    return _only_jumps(leading.group("rest") if leading else rest)


_OTHERWISE_LEAD = re.compile(
    r"(?:(?:otherwise|else|if\s+not)\b\s*,?"
    r"|if\s+(?:it|this|that)\s+(?:does\s+not|doesn't|is\s+not|isn't)(?:\s+\w+)?\s*,)\s*",
    re.IGNORECASE,
)
"""An else branch's lead: "Otherwise, restart it." -> "restart it", "If it does not help,
page the lead" (not "If it does not look like ..., escalate": a condition of its own)."""


def _only_jumps(text: str) -> bool:
    """Text that does nothing but go somewhere, perhaps saying why: "go to step 7.", "then
    stop here: the alert has cleared", "go to [Step 6](#step-6-escalate)"."""
    left = _STOP.sub(" ", _LINK_JUMP.sub(" ", _STEP_REFERENCE.sub(" ", text)))
    if "](" in left:
        left = _PROCEDURE_JUMP.sub(" ", left)
    if left == text:
        return False  # no jump in it
    if not _LETTER.search(_JUMP_FILLER.sub("", f" {left} ")):
        return True
    # "Restoring it is the owner's job: go to step 8.": a reason before the colon
    head, colon, tail = text.partition(": ")
    return bool(colon) and _only_jumps(tail) and not _instructional(head)


_JUMP_FILLER = re.compile(
    r"\b(?:then|and|here)\b|\s[:;\u2013\u2014]\s.*$|\s(?:in\s+order\s+)?to\s+[a-z]+\b[^.;:]*",
    re.IGNORECASE,
)
"""What may go with a jump: "then", "and", "here", a reason after a colon or dash, and its
purpose ("go to step 7 to get the pod rescheduled")."""
_LETTER = re.compile(r"[a-z]", re.IGNORECASE)
