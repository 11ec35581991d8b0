"""The steps of a paragraph, sentence by sentence: "Otherwise ..." as the other branch, "If so,
..." after a question, a condition written as a sentence of its own, a trouble that resolves
by itself, "**Case:** fix" labels.
"""

from __future__ import annotations

import re
import weakref
from dataclasses import replace

from compiler.extract import DraftStep
from compiler.extract.heuristic.asides import _TITLE, is_aside, is_bold_heading
from compiler.extract.heuristic.drafts import _draft, _prose_kind
from compiler.extract.heuristic.jumps import _OTHERWISE_LEAD, _jump_only
from compiler.extract.heuristic.sentence import (
    _CODE_NAMES,
    _STATEMENT,
    _WH_QUESTION,
    _describes,
    _sentence_steps,
)
from compiler.extract.heuristic.shared import _condition_of, sentences
from compiler.extract.heuristic.spans import _sub_span
from compiler.parse import Block, Document, readable_blocks
from compiler.records import Span
from compiler.text.effect_words import (
    DESTRUCTIVE_PHRASES,
    DESTRUCTIVE_PROGRAM_WORDS,
    DESTRUCTIVE_VERBS,
    alternation,
)
from compiler.text.instructions import instructional as _instructional
from compiler.text.instructions import leading_condition as _leading
from compiler.text.links import is_pointer, is_procedure_pointer
from compiler.text.sentences import Sentence


def _statement_lists(blocks: list[Block]) -> set[int]:
    """Numbered lists that are no procedure: two or more items, none of which tells the reader
    to do, check or decide anything, and no code in them ("1. Most of the people on the call
    had nothing to do. 2. People who were off duty still got paged."). Their items are not
    steps by their numbers alone."""
    items: dict[int, list[Block]] = {}
    coded: set[int] = set()
    for block in blocks:
        if block.list_id is None or not block.ordered:
            continue
        if block.kind == "code" or (block.inline_code and block.text.startswith("`")):
            coded.add(block.list_id)
        elif block.kind == "paragraph" and block.first_in_item:
            items.setdefault(block.list_id, []).append(block)
    return {
        list_id
        for list_id, firsts in items.items()
        if len(firsts) > 1 and list_id not in coded and not any(map(_asks_or_tells, firsts))
    }


def described_items(blocks: list[Block]) -> set[int]:
    """Numbered items, in a list of two or more, that open as a description, a sample or an
    aside and ask nothing ("1. Each entry already has a fingerprint", "1. **Sample query:
    <url>**", "1. Note: the ids are reused"): no steps by their numbers alone (a list's only
    item stays one)."""
    items: dict[int, list[int]] = {}
    for index, block in enumerate(blocks):
        if block.kind == "paragraph" and block.ordered and block.first_in_item:
            items.setdefault(block.list_id or 0, []).append(index)
    return {
        index
        for found in items.values()
        if len(found) > 1 and not _objects_of(blocks, found[0])
        for index in found
        if _describes(blocks[index].text) and not _asks_or_tells(blocks[index])
    }


def _objects_of(blocks: list[Block], first: int) -> bool:
    """Whether a list's items are the objects of the instruction that leads in to it ("In
    case of an incident, look at:" / "1. The component panels in the dashboard")."""
    before = blocks[first - 1] if first else None
    if before is None or before.kind != "paragraph" or before.list_id == blocks[first].list_id:
        return False
    return before.text.rstrip().endswith(":") and _asks_or_tells(before)


def contents_lists(document: Document, blocks: list[Block] | None = None) -> frozenset[int]:
    """Lists that are a table of contents: two or more items, each naming a later heading of
    the document ("There are three steps: 1. Create a flag 2. ..." over "## 1. Create a flag").
    The headed sections hold the steps; the list only announces them.

    Read over the document's readable blocks (`blocks`, when the caller has them), as the
    extractor reads it; computed once per parsed document, as both the extractor and the
    coverage scan ask for it."""
    global _contents_memo
    cached = _contents_memo
    if cached is not None and cached[0]() is document:
        return cached[1]
    found = _contents_lists(readable_blocks(document) if blocks is None else blocks)
    _contents_memo = (weakref.ref(document), found)
    return found


_contents_memo: tuple[weakref.ref[Document], frozenset[int]] | None = None
"""The last document `contents_lists` read, held weakly, and its answer."""


def _contents_lists(blocks: list[Block]) -> frozenset[int]:
    """One pass: where each heading's title last occurs, then each list against it."""
    items: dict[int, list[tuple[int, str]]] = {}
    last_heading: dict[str, int] = {}
    for index, block in enumerate(blocks):
        if block.kind == "heading":
            last_heading[_title_words(block.text)] = index
        elif block.kind == "paragraph" and block.list_id is not None and block.first_in_item:
            items.setdefault(block.list_id, []).append((index, _title_words(block.text)))
    return frozenset(
        list_id
        for list_id, named in items.items()
        if len(named) > 1 and all(last_heading.get(words, -1) > named[-1][0] for _, words in named)
    )


_NUMBERING = re.compile(r"^\s*(?:step\s+)?\d+[.):]?\s+", re.IGNORECASE)
_LINK_TEXT = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def _title_words(text: str) -> str:
    """A title's words, as a heading and a list item both write them: no numbering, link
    text for links, lower case, punctuation dropped."""
    text = _LINK_TEXT.sub(r"\1", _NUMBERING.sub("", text))
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def _asks_or_tells(block: Block) -> bool:
    text = block.text
    asks = "?" in text and _QUESTION_MARK.search(text) is not None  # not "?orgId=1" in a URL
    return asks or any(_instructional(part.text) for part in sentences(text))


_QUESTION_MARK = re.compile(r"\?(?=[\s\"'\u201d\u2019)*_]|$)")
"""A question mark that ends a question, not one that opens a URL's query ("?orgId=1")."""


def _prose_steps(block: Block, lines: tuple[str, ...], procedural: bool = True) -> list[DraftStep]:
    """One step (or decision and branch) per instruction sentence of a paragraph; "Otherwise
    ..." after a decision is that decision's other branch."""
    text = block.text
    if (
        not text
        or is_pointer(text, block.ordered and block.first_in_item)
        or is_aside(block, lines)
    ):
        return []
    if not block.list_depth and is_bold_heading(text):
        return []  # "**Connect to the cluster**" alone: a heading over the steps after it
    case = _case_label(block, lines, procedural)
    if case:
        return case
    parts = _grouped(sentences(text))
    if len(parts) <= 1:
        found = _sentence_steps(block, lines, 0, len(text), procedural)
        return found or _resolves_itself(block, lines, 0, len(text))
    drafts = _sentences_steps(block, lines, parts, procedural)
    numbered_item = block.ordered and block.first_in_item
    if numbered_item and len(drafts) == 1 and drafts[0].text[:1] == "`" == text[:1]:
        drafts = []  # "`terraform taint x`. Tainting makes ...": the item is the one step
    if not drafts and numbered_item:
        if _STATEMENT.match(text) or _TITLE.match(text) or _CODE_NAMES.match(text):
            return []
        # A numbered item is a step even when none of its sentences reads as an instruction.
        kind = _prose_kind(text)
        return [_draft(block, kind, text, block.span, condition=_condition_of(text))]
    return drafts


_CASE_LABEL = re.compile(
    r"^(?P<label>(?:\*\*|__)(?P<case>[^*_:\n]{2,80}?)(?::(?:\*\*|__)|(?:\*\*|__):))\s+(?=\S)"
)
"""A bold label naming a case before its fix: "**Bad deploy:** Roll it back."."""


_COMMAND_CASE = re.compile(
    r"^(?P<label>(?P<case>(?:for|on|in|with|when|if)\s+[^:`\n]{1,60}?):)\s+"
    r"(?=`(?:sudo\s+)?[a-z][\w.+-]*\s[^`]*`\.?$)",
    re.IGNORECASE,
)
"""A list item naming a case before the one command for it: "For staging: `gds aws ...`"."""


def _case_label(block: Block, lines: tuple[str, ...], procedural: bool) -> list[DraftStep]:
    """A list item "**Symptom:** fix" (or "For staging: `cmd`") -> a decision for the case
    whose branch is the fix (sibling items of this shape are mutually exclusive cases: see
    `_exclusive_cases`)."""
    if block.list_depth == 0 or not block.first_in_item:
        return []
    label = _CASE_LABEL.match(block.text) or _COMMAND_CASE.match(block.text)
    if label is None or _instructional(label.group("case")):
        return []  # "**Open the dashboard:** click ...": the title of a step, not a case
    rest = block.text[label.end() :]
    parts = [(label.end() + a, label.end() + b) for a, b in _grouped(sentences(rest))]
    if label.re is _COMMAND_CASE:
        command = _sub_span(block, lines, label.end(), len(block.text))
        branch = [] if command is None else [_draft(block, "manual", rest, command)]
    else:
        branch = _sentences_steps(block, lines, parts, procedural)
    span = _sub_span(block, lines, 0, label.end("label"))
    if not branch or span is None:
        return []
    condition = label.group("case").strip()
    decision = _draft(
        block, "decision", label.group("label"), span, condition=condition, branch_size=len(branch)
    )
    return [decision, *branch]


def _sentences_steps(
    block: Block, lines: tuple[str, ...], parts: list[tuple[int, int]], procedural: bool
) -> list[DraftStep]:
    text = block.text
    drafts: list[DraftStep] = []
    decision: int | None = None
    fragment: DraftStep | None = None  # "If the node fails to boot." before its instruction
    asked: int | None = None  # a question just before: "Is it down?"
    for part_start, part_end in parts:
        if drafts and is_procedure_pointer(text[part_start:part_end]):
            continue  # "Restarting the pod may help. See [Restarting the pod](...)": its how-to
        otherwise = _OTHERWISE_LEAD.match(text, part_start)
        start = otherwise.end() if otherwise else part_start
        anaphor = None if otherwise else _ANAPHOR.match(text, start)
        found = _sentence_steps(
            block, lines, anaphor.end() if anaphor else start, part_end, procedural, False
        )
        if anaphor and found and found[0].kind != "decision":
            if asked is not None and asked == len(drafts) - 1:
                # "Were keys kept on the host? If so, rotate them.": the question's branch
                drafts[asked] = replace(drafts[asked], branch_size=len(found))
                drafts += found
                decision = asked = None
                continue
            found = _anaphor_decision(block, lines, anaphor, found)
        asked = len(drafts) if len(found) == 1 and _asks(found[0]) else None
        if fragment is not None and found and found[0].kind != "decision":
            found = [replace(fragment, branch_size=len(found)), *found]
        if not found and fragment is None:
            found = _resolves_itself(block, lines, start, part_end)
        fragment = None if found else _condition_fragment(block, lines, start, part_end)
        if fragment is None and not found and not otherwise and not anaphor:
            fragment = _question_fragment(block, lines, start, part_end)
        if otherwise and decision is not None and found and drafts[decision].else_size == 0:
            drafts[decision] = replace(drafts[decision], else_size=len(found))
            drafts += found
            decision = None
            continue
        if found and found[0].kind == "decision" and found[0].branch_size:
            decision = len(drafts)
        elif found:
            decision = None
        drafts += found
    return drafts


_ANAPHOR = re.compile(
    r"(?:if\s+(?:so|yes|that\s+is\s+the\s+case|this\s+is\s+the\s+case)"
    r"|in\s+(?:that|this|such\s+an?|such)\s+(?:case|event|situation))\b,?\s+(?=[a-z])",
    re.IGNORECASE,
)
"""A condition that refers back to the sentence before: "If so, ...", "In that case, ..."."""


def _asks(draft: DraftStep) -> bool:
    """A yes/no question left to the reader ("Were keys kept on the host?"), no branch yet."""
    return draft.kind == "decision" and not draft.branch_size and draft.text.endswith("?")


def _anaphor_decision(
    block: Block, lines: tuple[str, ...], anaphor: re.Match[str], found: list[DraftStep]
) -> list[DraftStep]:
    """ "In that case, restart it": a decision on what the sentence before said, whose branch
    is the instruction (one step as it was when the words cannot be placed)."""
    said = anaphor.group(0).rstrip().rstrip(",")
    span = _sub_span(block, lines, anaphor.start(), anaphor.start() + len(said))
    if span is None:
        return found
    condition = " ".join(said.split())
    decision = _draft(block, "decision", said, span, condition=condition, branch_size=len(found))
    return [decision, *found]


_CONDITION_FRAGMENT = re.compile(
    r"^(?P<cond>(?:if|in\s+case|unless)\s+[^,;:.!?]+)"
    r"(?:,\s+(?:that|it|this)(?:['\u2019]s|\s+is)\s+(?:totally\s+|perfectly\s+)?(?:fine|ok|okay"
    r"|alright|all\s+right|normal|expected))?\.$",
    re.IGNORECASE,
)
"""A condition written as a sentence of its own, its instruction in the next one: "If the
replica is lagging. It's best to ...", "If you don't know the owner, that's fine. Ask ..."."""


_DIAGNOSIS = re.compile(
    r"(?:^|,\s+)there\s+(?:is|are|may\s+be|might\s+be|could\s+be|seems\s+to\s+be|is\s+likely)\s+"
    r"(?:an?\s+|some\s+)?(?:\w+\s+)?(?:problem|issue|fault|error|failure)s?\b",
    re.IGNORECASE,
)
"""A consequence that names a fault, not what to do about it: the next sentence says that."""
_MEANING = re.compile(
    r"(?:this|that|it)\s+(?:(?:probably|likely|usually)\s+)?(?:means|indicates|suggests)\b",
    re.IGNORECASE,
)
"""What an "if" case means, not what to do about it: "If you see a CAA error, this means the
owner restricted the authorities. Ask the owner to ..." (a "when" clause only explains)."""


_RESOLVES = re.compile(
    r"^(?P<cond>(?:if|when|once)\s+[^,;:.!?]+),\s+(?:then\s+)?"
    r"(?P<wait>(?:it|this|that|the\s+(?:\w+\s+)?(?:alert|issue|problem|error|incident|condition"
    r"|warning|failure|situation)s?)\s+(?:may|might|will|should|could|is\s+likely\s+to)\s+"
    r"(?P<past>have\s+)?(?:\w+ly\s+)?(?:resolved?|clear(?:ed)?|recover(?:ed)?|go(?:ne)?\s+away"
    r"|fix(?:ed)?|self-heal(?:ed)?)\b[^.;:!?]*)\.$",
    re.IGNORECASE,
)
"""A condition under which the trouble clears by itself: "If a rollout is running, the alert
will clear within minutes" (a decision, its branch the wait), "If traffic is back to normal,
the problem may have gone away" (only the decision: nothing is left to wait for)."""


def _resolves_itself(block: Block, lines: tuple[str, ...], start: int, end: int) -> list[DraftStep]:
    """The decision (and the wait) of a sentence saying the trouble may resolve by itself."""
    text = block.text[start:end].strip()
    resolves = _RESOLVES.match(text)
    if resolves is None or _instructional(text):
        return []
    start += len(block.text[start:end]) - len(block.text[start:end].lstrip())
    span = _sub_span(block, lines, start, start + len(text))
    condition = " ".join(resolves.group("cond").split())
    if span is None:
        return []
    if resolves.group("past"):
        return [_draft(block, "decision", text, span, condition=condition)]
    wait = resolves.group("wait")
    wait_start, wait_end = (start + at for at in resolves.span("wait"))
    wait_span = _sub_span(block, lines, wait_start, wait_end)
    if wait_span is None:
        return [_draft(block, "decision", text, span, condition=condition)]
    decision = _draft(block, "decision", text, span, condition=condition, branch_size=1)
    return [decision, _draft(block, "manual", " ".join(wait.split()), wait_span)]


def _condition_fragment(
    block: Block, lines: tuple[str, ...], start: int, end: int
) -> DraftStep | None:
    """The decision of a condition written as a sentence of its own, or None."""
    text = block.text[start:end].strip()
    fragment = _CONDITION_FRAGMENT.match(text)
    leading = _leading(text) if fragment is None else None
    if leading and _DIAGNOSIS.search(leading.group("rest")):
        fragment = leading  # "If X, there may be a problem with Y. Look at ..."
    elif leading and leading.group("kw").lower() == "if" and _MEANING.match(leading.group("rest")):
        fragment = leading  # "If you see X, this means Y. Ask ..."
    if fragment is None or _instructional(text):
        return None
    start += len(block.text[start:end]) - len(block.text[start:end].lstrip())
    span = _sub_span(block, lines, start, start + len(text))
    if span is None:
        return None
    condition = _condition_of(text) if "kw" in fragment.groupdict() else fragment.group("cond")
    return _draft(block, "decision", text, span, condition=" ".join((condition or "").split()))


_YES_NO = re.compile(
    r"^(?:(?:is|are|does|do|did|has|have|was|were|can|could|will)\s+\w[^?]*"
    r"|(?:need|want|not\s+sure|unsure)\b[^?]{0,60}"
    r"|\w+(?:\s+\w+)?\s+(?:down|full|stuck|failing|slow|broken|missing|gone|late|high|low))\?$",
    re.IGNORECASE,
)
"""A yes/no question to the reader in prose, its answer the next sentence's condition: "Is the
disk full? Clean /tmp.", "Need a reviewer? Ask in the channel.", "Queue stuck? Drain it."."""


def _question_fragment(
    block: Block, lines: tuple[str, ...], start: int, end: int
) -> DraftStep | None:
    """The decision of a yes/no question whose branch is the next sentence, or None."""
    text = block.text[start:end].strip()
    if not _YES_NO.match(text) or _WH_QUESTION.match(text):
        return None
    start += len(block.text[start:end]) - len(block.text[start:end].lstrip())
    span = _sub_span(block, lines, start, start + len(text))
    if span is None:
        return None
    return _draft(block, "decision", text, span, condition=" ".join(text.split()))


def _grouped(parts: tuple[Sentence, ...]) -> list[tuple[int, int]]:
    """Sentences as (start, end) ranges, a sentence that only jumps ("If it fails, go to step
    7.", "Otherwise stop here.") joined to the one before: a jump is an edge of its step."""
    groups: list[tuple[int, int]] = []
    for part in parts:
        if groups and _jump_only(part.text):
            groups[-1] = (groups[-1][0], part.end)
        else:
            groups.append((part.start, part.end))
    return groups


_HEADING_NUMBER = re.compile(r"^(?:step\s+)?\d+[.:)]\s+", re.IGNORECASE)
_TOPIC = re.compile(r"^\S+(?:\s+\S+)?$|^\w+\s+(?:and|or|&)\s+\w+(?:\s+\w+)?$", re.IGNORECASE)
"""A heading of one or two words ("Pull requests", "Reindex") or two nouns joined ("Backup and
restore", "Release and rollout automation"): a topic as often as an instruction."""


def linked_heading(blocks: list[Block], index: int, lines: tuple[str, ...] = ()) -> list[DraftStep]:
    """A heading that is an instruction over a body that only points elsewhere ("## Delete the
    DNS records" over "See [the DNS guide](...)."): the heading is the step, its how is linked.
    A heading over a body that holds the steps is no step (the body's steps are), except a
    numbered one that destroys something none of its body's steps destroys ("### 2. Delete the
    old snapshot" over "You will have to confirm it."): a destructive instruction is never
    lost."""
    heading = blocks[index]
    text = _HEADING_NUMBER.sub("", heading.text.strip())
    numbered = text != heading.text.strip()
    if heading.kind != "heading" or (_TOPIC.match(text) and not numbered):
        return []
    if not _instructional(text):
        return []
    body = []
    subsections = False  # "### 4. Update X" over "#### In the admin app": the steps are there
    for block in blocks[index + 1 :]:
        if block.kind == "heading":
            subsections = block.level > heading.level
            break
        body.append(block)
    if not body:
        return []
    # The step's words start after the heading's number ("### 4. Update X": "Update X").
    span = replace(heading.span, column=heading.span.column + heading.text.index(text))
    if numbered and not subsections and not any(_holds_step(b) for b in body):
        return [_draft(heading, _prose_kind(text), text, span)]
    if numbered and not subsections and _destruction_unsaid(text, body, lines):
        return [_draft(heading, _prose_kind(text), text, span)]
    if not all(b.kind == "paragraph" and is_pointer(b.text) for b in body):
        return []
    return [_draft(heading, _prose_kind(text), text, span)]


def _holds_step(block: Block) -> bool:
    """A block under a numbered instruction heading that says how to carry it out: a code
    block, a question or an instruction (even in a case: "If there are many, use the CLI")."""
    if block.kind != "paragraph":
        return block.kind == "code"
    return _asks_or_tells(block)


_DESTROYS = alternation(DESTRUCTIVE_VERBS | frozenset(DESTRUCTIVE_PHRASES))
_DESTROYING_HEADING = re.compile(rf"^{_DESTROYS}\b", re.IGNORECASE)
"""A heading whose instruction destroys something ("Remove the site", "Shut down the node")."""
_DESTROYING_WORD = re.compile(
    r"(?<!\bthe )(?<!\ba )(?<!\ban )(?<!\bthis )(?<!\bthat )(?<!\bits )(?<!\byour )"
    rf"\b(?:{_DESTROYS}|{alternation(DESTRUCTIVE_PROGRAM_WORDS)})(?:s|d|ed|ing)?\b",
    re.IGNORECASE,
)
"""A destructive verb or command word in a step ("delete the keys", `rm -rf`); a noun is none
("confirm the deletion", "confirm the purge" destroy nothing)."""
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


def _destruction_unsaid(heading: str, body: list[Block], lines: tuple[str, ...]) -> bool:
    """Whether a heading destroys something and no step of its body does: the body's steps
    then confirm or check it, and the heading's instruction is a step of its own. A command's
    name is read word by word (`IndexDeleteWorker` deletes)."""
    if not lines or not _DESTROYING_HEADING.match(heading):
        return False
    for block in body:
        if block.kind == "code":
            texts = [block.text]
        elif block.kind == "paragraph":
            texts = [d.command or d.text for d in _prose_steps(block, lines)]
        else:
            continue
        if any(_DESTROYING_WORD.search(_CAMEL.sub(" ", text)) for text in texts):
            return False
    return True


_HTML_LINK = re.compile(
    r"<a\s[^<>]*?href=[\"'](?P<href>[^\"']*)[\"'][^<>]*>(?P<words>.*?)</a>",
    re.IGNORECASE | re.DOTALL,
)
"""A link written in HTML, read as a markdown link to tell a pointer."""
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}")
"""The rule under a markdown table's header row."""


def table_cells(block: Block, lines: tuple[str, ...]) -> list[Block]:
    """The cells of a table's body rows that tell the reader to do something, each read as a
    paragraph of its own ("| Monitor the channel | Respond to queries. Liaise as needed. |"):
    an activity and its guidance are instructions like any. The header row names columns; a
    cell of an HTML table is its own block already."""
    if block.span.line == block.span.end_line or "|" not in block.text:
        linked = _HTML_LINK.sub(r"[\g<words>](\g<href>)", block.text)  # "Read <a href=..>X</a>."
        if not _instructional(block.text) or is_pointer(linked):
            return []
        return [replace(block, kind="paragraph")]
    cells: list[Block] = []
    header = [words for _, words in _row_cells(lines[block.span.line - 1])]
    if any(_DATA_COLUMN.match(words) for words in header):
        return []  # "| Metric | Value |", "| Block | Code | What does it do? |": data, not steps
    for number in range(block.span.line + 2, block.span.end_line + 1):
        text = lines[number - 1]
        if _TABLE_RULE.match(text) or "|" not in text:
            continue
        row = _row_cells(text)
        if any(_DATUM.match(words) for _, words in row):
            continue  # "| Find replicas | `find.replicaCount` | 3 |": a row of reference data
        for at, words in row:
            if len(words.split()) < 2 or not any(
                _instructional(part.text) for part in sentences(words)
            ):
                continue
            span = Span(line=number, column=at + 1, end_line=number, end_column=at + len(words))
            cells.append(
                replace(block, kind="paragraph", span=span, text=words, inline_code=(), links=())
            )
    return cells


_DATUM = re.compile(
    r"^(?:<?https?://\S+>?|\[[^\]\s]*\]\([^)]*\)|`[^`]*`|[\d.,%\u00d7x:/ -]+(?:\s*\w{1,3})?)$"
)
"""A table cell that is only an address, a one-word link, code or a number: its row is data (a
link titled in words, "[Reviewing Dependabot PRs](...)", is the guide to the row's activity)."""


_DATA_COLUMN = re.compile(
    r"^[*_]*(?:metrics?|values?|settings?|components?|code|fields?|propert(?:y|ies)|keys?"
    r"|parameters?|variables?|defaults?|types?|blocks?|baseline(?:\s+value)?)[*_]*$",
    re.IGNORECASE,
)
"""A header cell naming a column of data: the table holds values, not instructions."""


def _row_cells(row: str) -> list[tuple[int, str]]:
    """The cells of a table row as (offset, words): split at each pipe outside code and not
    escaped, white space around a cell's words left out."""
    cells: list[tuple[int, str]] = []
    start, code = 0, False
    for at, char in enumerate(row + "|"):
        if char == "`":
            code = not code
        elif char == "|" and not code and (at == 0 or row[at - 1] != "\\"):
            piece = row[start:at]
            words = piece.strip()
            if words:
                cells.append((start + len(piece) - len(piece.lstrip()), words))
            start = at + 1
    return cells
