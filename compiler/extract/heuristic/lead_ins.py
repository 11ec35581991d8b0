"""A paragraph and the code block it introduces: the commands' note, or the decision over them;
output shown rather than run; a change the lead-in asks for that its commands do not make.
"""

from __future__ import annotations

import re
from dataclasses import replace

from compiler.extract import DraftStep
from compiler.extract.heuristic.commands import _STRONG_PROMPT, reads_as_script
from compiler.extract.heuristic.drafts import _command_step, _draft
from compiler.extract.heuristic.paragraphs import _prose_steps
from compiler.extract.heuristic.sentence import _ELSE_CLAUSE, _sentence_steps
from compiler.extract.heuristic.shared import _condition_of, sentences
from compiler.extract.heuristic.spans import _sub_span
from compiler.parse import Block, CodeLine
from compiler.text.effect_words import (
    DESTRUCTIVE_VERBS,
    READ_PROGRAM_WORDS,
    WRITE_PROGRAM_WORDS,
    stem,
)
from compiler.text.instructions import IMPERATIVE as _IMPERATIVE
from compiler.text.instructions import instructional as _instructional
from compiler.text.instructions import leading_condition as _leading
from compiler.text.instructions import unmarked_condition_end
from compiler.text.links import is_pointer


def _numbered_from_first(drafts: list[DraftStep]) -> list[DraftStep]:
    """A numbered item whose lead-in became its command's note starts at its first step:
    "7. Shrink the journal. Get approval first. ```journalctl ...```" -> "go to step 7"
    lands on "Get approval first", not on the command after it."""
    for index, draft in enumerate(drafts):
        lead = draft.note_span
        if draft.list_number is None or lead is None or index == 0:
            continue
        first = index
        while first > 0 and lead.line < drafts[first - 1].span.line < draft.span.line:
            first -= 1
        if first < index and drafts[first].list_number is None:
            drafts[first] = replace(
                drafts[first], list_number=draft.list_number, list_key=draft.list_key
            )
            drafts[index] = replace(draft, list_number=None)
    return drafts


_OUTPUT_LEAD_IN = re.compile(
    # not "to output": "in order to get Sidekiq to output debug info to the log" asks to run
    r"\b(?:(?<!\bto\s)output|you\s+(?:should|will)\s+see|it\s+returns|looks?\s+like|similar\s+to)\b"
    r"[^.:]*:?\s*$",
    re.IGNORECASE,
)


_KEEPS_OUTPUT = re.compile(
    r"\b(?:record|save|capture|note(?:\s+down)?|copy|keep|store|paste|attach)\s+"
    r"(?:the\s+|its\s+|their\s+|any\s+)?output\b",
    re.IGNORECASE,
)


def _shows_output(blocks: list[Block], index: int, known: frozenset[str]) -> bool:
    """A code block introduced as output ("Example output:") holds no commands, unless it
    marks commands with `$ ` prompts or every line of it is a command ("In our infrastructure,
    this looks like:" over `export ...` and a `for` loop running a tool)."""
    block, before = blocks[index], blocks[index - 1] if index else None
    if before is None or before.kind != "paragraph" or not _OUTPUT_LEAD_IN.search(before.text):
        return False
    if _KEEPS_OUTPUT.search(before.text):
        return False  # "Run the script and record the output:": the block is what to run
    if any(_STRONG_PROMPT.match(line.text.lstrip()) for line in block.lines):
        return False
    return not reads_as_script(block, known)


_RUN_LEAD_IN = re.compile(
    r"\b(?:run|running|execute|executing|type|typing|enter|paste|issue)\b[^.!?]*:\s*$",
    re.IGNORECASE,
)


_PAST = re.compile(
    r"\b(?:did|ran|was|were|returned|showed|printed|logged|happened|wrote|produced|said"
    r"|will\s+(?:then\s+|also\s+|now\s+)?(?:trigger|print|show|output|display|return|report"
    r"|log|say|produce|start|respond|reply)(?:\s+with)?)\b",
    re.IGNORECASE,
)
"""What a tool did or will do, told before the block that shows it ("The job printed:", "And
will then trigger the job:")."""


def _described(blocks: list[Block], index: int) -> bool:
    """The paragraph right before a code block tells what happened ("The pipeline did this:",
    "The job printed:"): the block shows it, it is not run ("For example:" introduces
    commands)."""
    before = blocks[index - 1] if index else None
    if before is None or before.kind != "paragraph" or not before.text.endswith(":"):
        return False
    return _PAST.search(before.text) is not None and not _instructional(before.text)


def _asks_to_run(blocks: list[Block], index: int) -> bool:
    """The paragraph right before a code block tells the reader to run what it holds: "Run the
    following command:", "To migrate the database, run:" (the block's programs need not be
    known: the words say they are commands)."""
    before = blocks[index - 1] if index else None
    if before is None or before.kind != "paragraph" or not before.text.endswith(":"):
        return False
    return _RUN_LEAD_IN.search(before.text) is not None and _instructional(before.text)


def _lead_ins(
    blocks: list[Block], commands_of: dict[int, list[tuple[list[CodeLine], str]]]
) -> dict[int, int]:
    """Code block index -> index of the paragraph that introduces its commands: the
    paragraph right before it, or the first paragraph of the numbered item it sits in."""
    found: dict[int, int] = {}
    for index, commands in sorted(commands_of.items()):
        if not commands:
            continue
        item = _item_paragraph(blocks, index)
        if item is not None and item not in found.values():
            found[index] = item
        elif index > 0 and blocks[index - 1].kind == "paragraph" and _introduces(blocks[index - 1]):
            found[index] = index - 1
    return found


_ASKED = (
    *("delete", "restart", "remove", "kill", "reboot", "drain", "cordon", "evict", "terminate"),
    *("recreate", "redeploy", "reinstall", "rollback", "roll back", "scale down"),
)
"""The change verbs (`CHANGE_VERBS`, "scale" only scaled down) whose commands a lead-in's
code block can be read for."""
_CHANGE = re.compile(
    rf"^(?:(?:try|please|then|first|now)\s+)?(?P<stem>{'|'.join(map(stem, _ASKED))})(?:e|es|ing)?"
    # its object right after it ("restart count" is a noun)
    r"\s+(?:the|a|an|it|them|this|that|these|those|its|their|your|all|any|every|each)\b",
    re.IGNORECASE,
)
_DOING = {
    "delet": ("delet", "rm", "remov", "del", "destroy", "drop"),
    "remov": ("delet", "rm", "remov", "del", "destroy", "drop", "uninstall"),
    "kill": ("kill", "delet", "stop", "rm"),
    "rollback": ("rollback", "undo", "roll"),
    "roll back": ("rollback", "undo", "roll"),
    "scale down": ("scale",),
}
"""Words of a command that do what a change verb says (else the verb's stem itself)."""


def _unshown_changes(
    lead_in: Block, lines: tuple[str, ...], commands: list[tuple[list[CodeLine], str]]
) -> list[DraftStep]:
    """The changes a lead-in asks for that its commands do not make: in "Try deleting the pod
    and watch for a successful restart:" over `oc get pods`, deleting is a step of its own
    (the commands only watch)."""
    if not any(m in lead_in.text.lower() for m in _CHANGE_HINTS) or _leading(lead_in.text):
        return []
    command_words = [set(re.findall(r"[a-z]+", text.lower())) for _, text in commands]
    if not all(words & _READS and not words & _CHANGES for words in command_words):
        return []  # a command may make the change another way ("restart" by `oc delete pod`)
    words = set().union(*command_words)
    found = []
    for draft in _prose_steps(lead_in, lines):
        change = _CHANGE.match(draft.text)
        if draft.kind == "decision" or draft.branch_size or change is None:
            continue
        stem = " ".join(change.group("stem").lower().split())
        doing = _DOING.get(stem, (stem,))
        if not any(w.startswith(d) for w in words for d in doing):
            found.append(draft)
    return found


_READS = READ_PROGRAM_WORDS
_CHANGES = (
    # A few of its own: short forms (`rm`, `del`) and ways into a host that change it.
    WRITE_PROGRAM_WORDS
    | DESTRUCTIVE_VERBS
    | {"rm", "del", "undo", "debug", "rsh", "ssh", "service", "reload", "rollback"}
)  # fmt: skip
"""Words of a command that may change something (the lead-in's change may be made by it)."""
_CHANGE_HINTS = tuple(dict.fromkeys(stem(verb).split("\\")[0] for verb in _ASKED))
"""A cheap test before `_CHANGE`: a stem of each of its verbs ("roll" for both roll-backs)."""


_AND_RUN = re.compile(
    r"(?:,\s*|\s+)and\s+(?:then\s+)?(?:run|execute|issue)\b[^.!?]*:\s*$",
    re.IGNORECASE,
)
"""The end of a lead-in that asks to run the commands after something else: "SSH to the
primary node and run:", "Log in to the runner manager and execute:"."""


_WAY_IN = re.compile(
    r"^(?:first,?\s+|then,?\s+)?(?:log\s*(?:in|on)(?:to)?|login|sign\s+in|ssh|connect|open\s+an?\s+"
    r"(?:\w+\s+)?(?:shell|console|terminal|session)|switch\s+to|go\s+to|navigate\s+to|become"
    r"\s+root)\b",
    re.IGNORECASE,
)
"""A way into the host, cluster or console the commands run on ("Log in to the cluster.",
"SSH into the primary.", "Open a Rails console.")."""


def _way_in_first(lead_in: Block, lines: tuple[str, ...]) -> list[DraftStep]:
    """A lead-in's earlier sentence that gets the reader where its commands run ("Log in to
    the cluster. Check the status of the node:"): a step of its own before them (the commands
    do what the last sentence asks, not the log-in)."""
    parts = sentences(lead_in.text)
    if len(parts) < 2 or not lead_in.text.endswith(":"):
        return []
    steps: list[DraftStep] = []
    for part in parts[:-1]:
        text = part.text.strip()
        if not _WAY_IN.match(text) or _leading(text) or not _instructional(text):
            return []  # only ways in before the last sentence: else it is no plain lead-in
        start = part.start + len(part.text) - len(part.text.lstrip())
        steps += _sentence_steps(lead_in, lines, start, start + len(text))
    return [] if any(d.branch_size for d in steps) else steps


def _done_before_running(lead_in: Block, lines: tuple[str, ...]) -> list[DraftStep]:
    """What a lead-in asks to do before running its commands ("SSH to the primary node (see
    [...]) and run:"): a step of its own, before the commands (the run is theirs)."""
    text = lead_in.text
    found = _AND_RUN.search(text) if text.endswith(":") else None
    if found is None:
        return _way_in_first(lead_in, lines)
    last = sentences(text)[-1]
    start = last.start + len(last.text) - len(last.text.lstrip())
    head = text[start : found.start()]
    if start >= found.start() or _leading(head) or not _instructional(head):
        return []
    return [d for d in _sentence_steps(lead_in, lines, start, found.start()) if not d.branch_size]


def _condition_over(before: Block, lines: tuple[str, ...]) -> DraftStep | None:
    """The decision over commands that the paragraph right before them ends in, when that
    paragraph is not their lead-in: "... Is this organic growth? If monitoring is enabled,
    the following metric can be watched." over a query (a sentence with an instruction in it
    is a step of the paragraph's already)."""
    if before.kind != "paragraph" or before.text.rstrip().endswith("?"):
        return None
    parts = sentences(before.text)
    if len(parts) < 2:
        return None
    last = parts[-1]
    text = last.text.strip()
    if not _leading(text) or _instructional(text) or is_pointer(text):
        return None
    if _OUTPUT_LEAD_IN.search(text.rstrip(".")) or _SHOWS.search(text):
        return None  # "If it was imported, you will see output like this.": what it shows
    start = last.start + len(last.text) - len(last.text.lstrip())
    span = _sub_span(before, lines, start, start + len(text))
    if span is None:
        return None
    return _draft(before, "decision", text, span, condition=_condition_of(text))


def _item_paragraph(blocks: list[Block], index: int) -> int | None:
    """The first paragraph of the numbered list item that holds block `index`, if any."""
    code = blocks[index]
    if code.list_id is None or not code.ordered:
        return None
    for back in range(index - 1, -1, -1):
        block = blocks[back]
        if block.list_id != code.list_id or block.list_depth != code.list_depth:
            if block.list_depth <= code.list_depth:
                return None
            continue
        if block.first_in_item:
            return back if block.kind == "paragraph" else None
    return None


_SHOWS = re.compile(
    r"(?:here(?:'s|\s+is|\s+are)?|for\s+(?:example|instance)|example|e\.g\.|below\s+is"
    r"|the\s+output|this\s+(?:shows|will\s+show|gives|returns|prints|lists)|note(?:\s+that)?,?)\b",
    re.IGNORECASE,
)
"""A sentence presenting the block that follows ("Here an example with network issues."), or
an aside ("Note that ...")."""


_NAMES_THE_BLOCK = re.compile(
    r"\b(?:the\s+following|(?:this|these|the)\s+commands?\s+below|(?:command|query)\s+below)\b",
    re.IGNORECASE,
)


def _introduces(block: Block) -> bool:
    """A paragraph right before commands that reads as their lead-in."""
    text = block.text
    if text.endswith(":"):
        return True
    if len(text) > 400:
        return False
    other = _ELSE_CLAUSE.search(text)
    if (
        other
        and _IMPERATIVE.match(text[other.end() :])
        and not _instructional(text[: other.start()])
    ):
        # "The status should be `True`, if not, check its message": what the block before
        # showed, and what to do when it is wrong; not the next commands' lead-in.
        return False
    parts = [p for p in sentences(text) if not _SHOWS.match(p.text)]
    if len(parts) > 1 and not _instructional(parts[-1].text):
        # "... In that case, delete the import secret. That makes the hub resend the CA." ends in
        # description: its instructions are steps of their own, not the commands' lead-in.
        return _NAMES_THE_BLOCK.search(text) is not None
    return True


def _last_condition(
    block: Block, lines: tuple[str, ...], code_block_steps: list[DraftStep]
) -> list[DraftStep] | None:
    """A lead-in whose last sentence is a condition over the commands, after instructions of
    their own or a description: "Talk with the owner about the cause. If it started with the
    rollout, roll it back:" -> the talk, then a decision whose branch is the commands; "It can
    take a few minutes. If some remain after 5m you can check the database:" -> the decision."""
    parts = sentences(block.text)
    if len(parts) < 2:
        return None
    last = parts[-1]
    text = last.text.strip()
    if not _leading(text):
        return None
    earlier = [
        step
        for p in parts[:-1]
        if _instructional(p.text.strip())
        for step in _sentence_steps(block, lines, p.start, p.end)
    ]
    start = last.start + len(last.text) - len(last.text.lstrip())
    span = _sub_span(block, lines, start, start + len(text))
    if span is None or any(d.kind == "decision" for d in earlier):
        return None
    decision = _draft(
        block,
        "decision",
        text,
        span,
        condition=_condition_of(text),
        branch_size=len(code_block_steps),
    )
    # The item's number goes with its first step only ("go to step 8" lands on the talk).
    number, key = code_block_steps[0].list_number, code_block_steps[0].list_key
    steps = [replace(d, list_number=None, list_key=None) for d in (*earlier, decision)]
    steps[0] = replace(steps[0], list_number=number, list_key=key)
    code_block_steps = [replace(d, list_number=None) for d in code_block_steps]
    return [*steps, *code_block_steps]


_WHOLE_CONDITION = re.compile(
    r"^(?:if|when|once|unless|in\s+case|should\s+(?:you|we|it|the|this|that))\b[^.;:!?]+[.:]?$",
    re.IGNORECASE,
)
"""A lead-in that is only a condition, with nothing after it ("If you need the list of users"
over the command that lists them): the commands are its branch."""


def _whole_condition(text: str) -> str:
    """The condition of a lead-in that is one: all of it, or up to what it allows or asks ("If
    you're still short of space| you can try to delete ...")."""
    end = unmarked_condition_end(text) or len(text)
    return " ".join(text[:end].rstrip(" .:").split())


def _introduced(
    block: Block,
    commands: list[tuple[list[CodeLine], str]],
    adjacent: bool,
    lines: tuple[str, ...] | None = None,
) -> list[DraftStep]:
    """Commands led in by a paragraph: its text is their note; a condition in it becomes a
    decision whose branch is the commands (only when nothing stands between them)."""
    code_block_steps = [_command_step(block, lines, text, block) for lines, text in commands]
    if block.ordered and block.number is not None:
        code_block_steps[0] = replace(
            code_block_steps[0], list_number=block.number, list_key=block.list_id
        )
    leading = _leading(block.text)
    whole = None if leading else _WHOLE_CONDITION.match(block.text)
    if not leading and not whole and adjacent and lines is not None:
        return _last_condition(block, lines, code_block_steps) or code_block_steps
    if not (leading or whole) or not adjacent:
        return code_block_steps
    condition = _condition_of(block.text) or _whole_condition(block.text)
    decision = _draft(
        block,
        "decision",
        block.text,
        block.span,
        condition=condition,
        branch_size=len(code_block_steps),
    )
    return [decision, *code_block_steps]
