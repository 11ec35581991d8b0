"""The steps of one sentence: nothing, a step, or a decision and its branch ("If X, do Y",
"Verify X, if not, do Y", a question in a list item).
"""

from __future__ import annotations

import re
from dataclasses import replace

from compiler.extract import DraftStep
from compiler.extract.heuristic.asides import (
    _CAUTION,
    _FOLLOWING,
    _REASSURANCE,
    _TITLE,
    points_elsewhere,
)
from compiler.extract.heuristic.clauses import _instructions
from compiler.extract.heuristic.drafts import _draft
from compiler.extract.heuristic.jumps import _only_jumps
from compiler.extract.heuristic.shared import _condition_of, sentences
from compiler.extract.heuristic.spans import _sub_span
from compiler.parse import Block
from compiler.records import Span
from compiler.text.instructions import IMPERATIVE as _IMPERATIVE
from compiler.text.instructions import instructional as _instructional
from compiler.text.instructions import introduced_condition, unmarked_condition_end
from compiler.text.instructions import leading_condition as _leading
from compiler.text.links import is_pointer
from compiler.text.sentences import protected
from compiler.text.task_boxes import TASK_BOX

_STATEMENT = re.compile(
    r"^(?:there(?:'s|\u2019s|\s+(?:is|are|was|were|should|will|would|may|might|can|must)\b))",
    re.IGNORECASE,
)
"""A numbered item that is not a step though numbered: a statement of what there is ("There is
no need to ...")."""


_SEEN = re.compile(
    r"\b(?:you|we)(?:['\u2019]ll|\s+will|\s+should)\s+(?:now\s+|then\s+|also\s+)?"
    r"(?:see|notice|get\s+(?:an?\s+|the\s+)?(?:output|message|result|response|email|prompt)"
    r"|receive|be\s+(?:shown|presented|redirected|taken|prompted|logged))\b",
    re.IGNORECASE,
)
"""What the reader will find, in a numbered item that asks nothing: no step by its number."""


_DESCRIBES = re.compile(
    r"^(?:(?:the|each|every|this|these|those|its|their|our|some|sometimes|since|because|although"
    r"|while)\s"
    r"|(?:\*\*|__)?(?:note|caveat|tip|hint|warning|sample\s+\w+)\s*:)",
    re.IGNORECASE,
)
"""A numbered item that asks nothing and opens as a description ("1. The longer it runs, the
likelier it is sampled", "1. Each entry already has a fingerprint"), an aside or a sample
("1. Note: the comments ...", "1. **Sample query: <url>**"): no step by its number ("1. The
`main` branch must be releasable at any time" puts an obligation, "2. The owners will be able
to add you" names the reader, "3. The old table can now be deleted" asks for a change: steps)."""


_ASKS_SOMEONE = re.compile(
    r"\b(?:must|should|needs?\s+to|ha(?:s|ve)\s+to|you|your|would\s+be"
    r"|(?:can|may|could)\s+(?:now\s+|then\s+|safely\s+)?be\s+[a-z]+(?:ed|en|wn))\b",
    re.IGNORECASE,
)
"""What makes a described item ask something of someone: an obligation, the reader, a value to
give ("The new member would be `x`"), a change that can now be made."""


def _describes(text: str) -> bool:
    """A numbered item that opens as a description and asks nothing (`_DESCRIBES`)."""
    return _DESCRIBES.match(text) is not None and _ASKS_SOMEONE.search(text) is None


_QUESTION = re.compile(
    r"^(?:is|are|does|do|did|has|have|can|could|was|were|will|should"
    r"|what|which|who|when|where|how|why)\s+[^?]*\?$",
    re.IGNORECASE,
)
"""A question in a list item: a yes/no question is a decision for the reader, another one
("Which keys were on the host?") a check."""
_WH_QUESTION = re.compile(r"^(?:what|which|who|when|where|how|why)\b", re.IGNORECASE)
_EMPHASIS_AROUND = re.compile(r"^(?:\*\*|__|\*|_)(?P<inner>.+?)(?:\*\*|__|\*|_)$", re.DOTALL)


def _unemphasised(text: str) -> str:
    """Text without the emphasis wrapped around all of it: "**Is the IC there?**"."""
    around = _EMPHASIS_AROUND.match(text)
    return around.group("inner") if around else text


_CODE_FIRST = re.compile(
    r"^`(?:sudo\s+)?(?:[a-z][\w.+-]*\s+[^`]*`(?:\s|$|[.;:])"
    r"|(?P<word>[a-z][\w+-]*)`(?:\s+(?=[a-z])|\.?$))"
    r"(?!\s*(?:is|are|was|were|means|refers\s+to|should|must|will|contains?|holds?)\b)"
)
"""A list item that starts with a command in inline code: "`kill -9` any session", "`kill` the
worker". A lone word alone is a command only when it is a verb ("`purge-all`"), else a name
the item gives ("`govuk_sidekiq`", "`location`"); before a colon it is a term the item defines
("`namespace`: the collector's ..."); with a dot it is a host or a file name
("`assets.example.org`"); code the item defines is none either ("`modified` is a change")."""


def _code_first(text: str) -> bool:
    found = _CODE_FIRST.match(text)
    if found is None or found.group("word") is None or not found.group(0).endswith(("`", ".")):
        return found is not None
    return _IMPERATIVE.match(found.group("word").replace("-", " ")) is not None


_CODE_SENTENCE = re.compile(r"^`(?:sudo\s+)?[a-z][\w.+-]*\s[^`]+`\.?$")
"""A sentence that is only a command with its arguments, in inline code."""


_CODE_NAMES = re.compile(r"^`[A-Z][^`]*`(?:\s*(?:,|and|or)\s*`[^`]*`)*\s*$")
"""A numbered item that only names things in code, capitalised ("`Browser --> Cloudflare`",
"`Workhorse --> Rails` and `Workhorse --> Gitaly`"): a title over the items under it, not a
command."""
_BARE_SUDO = re.compile(
    r"^sudo\s+(?!(?:access|rights|privileges?|permissions?|is|are|was|will|can|must|may|for"
    r"|to|and|or)\b)[a-z][\w.+-]*(?:\s+\S+)*(?<![.:!?,;])$"
)
"""A list item that is only a command run with sudo, written without code marks ("- sudo
systemctl reload patroni"; not "- sudo access is needed for this.")."""


def _sentence_steps(
    block: Block,
    lines: tuple[str, ...],
    start: int,
    end: int,
    procedural: bool = True,
    first: bool = True,
) -> list[DraftStep]:
    """The steps of `block.text[start:end]`: nothing, one step, or a decision and its branch."""
    text = block.text[start:end].strip()
    start += len(block.text[start:end]) - len(block.text[start:end].lstrip())
    numbered = block.ordered and block.first_in_item and first
    if not text or is_pointer(text, numbered) or (first and _TITLE.match(text)):
        return []
    if first and text[:1] == "`" and _CODE_NAMES.match(text):
        return []  # "1. `Browser --> Edge`": names over the items under it
    if points_elsewhere(text):
        return []  # "See also:", "Check the [X runbook](...) to see how to use it"
    following = _FOLLOWING.search(text)
    if following and not _leading(text) and not _after_instruction(text, following.start()):
        return []  # "you should do the following,": the items after it are the steps
    if _REASSURANCE.match(text) or _CAUTION.match(text):
        return []
    numbered = block.ordered and block.first_in_item and first and not _STATEMENT.match(text)
    if numbered and text[:1] != "`" and _SEEN.search(text) and not _instructional(text, procedural):
        # "1. When it is done, you will see the new account listed." (not "..., enter it")
        numbered = any(_IMPERATIVE.match(part.strip()) for part in text.split(",")[1:])
    # The item's first sentence; before others only a whole command ("`docker exec -it db
    # mysql`. If you get an error, ..."), not a term it defines ("`green` - all shards ...").
    opens_item = block.list_depth > 0 and not block.text[:start].strip()
    body = TASK_BOX.sub("", text, count=1) if text[:1] == "[" else text  # "[ ] `kubectl ...`"
    command_item = opens_item and (
        (
            _CODE_SENTENCE.match(body) is not None
            if len(block.text) > start + len(text) + 1
            else _code_first(body)
        )
        or _BARE_SUDO.match(body) is not None
    )
    question = block.list_depth > 0 and _QUESTION.match(_unemphasised(text)) is not None
    if opens_item and (" -" in text or "\u2013" in text or "\u2014" in text):
        symptom = _symptom_fix(block, lines, text, start, procedural)
        if symptom:
            return symptom
    otherwise = _else_split(block, lines, text, start, procedural) if "," in text else None
    if otherwise is not None:
        return otherwise
    to_check = _TO_CHECK.match(text) is not None
    if not (numbered or command_item or question or to_check) and not _instructional(
        text, procedural
    ):
        return _after_a_break(block, lines, text, start, procedural)
    whole = start == 0 and end >= len(block.text)
    span = block.span if whole else _sub_span(block, lines, start, start + len(text))
    if span is None:
        return []
    if to_check:
        return [_draft(block, "check", text, span)]  # "Other things to check:" over a list
    if question and _WH_QUESTION.match(_unemphasised(text)):
        # "Which keys were on the host?": the reader finds out.
        return [_draft(block, "check", text, span)]
    if question:
        # "Is it something that should be worked on now?": the reader decides.
        condition = _unemphasised(text).rstrip("?").strip()
        return [_draft(block, "decision", text, span, condition=condition)]
    leading = _leading(text)
    unmarked = unmarked_condition_end(text)
    if unmarked and (leading is None or unmarked < leading.end("cond")):
        # "Once it is done you can add records, though ...": the condition ends before "you"
        return _split_unmarked(block, lines, text, start, span, unmarked)
    if leading and len(sentences(text)) > 1:
        # "If X, go to step 4. Otherwise go to step 6.": one decision, its jumps the edges.
        return [_draft(block, "decision", text, span, condition=_condition_of(text))]
    if leading and is_pointer(leading.group("rest")):
        return []  # "If you want to learn more, take a look at [the guide](...)."
    if leading and leading.group("rest").strip():
        return _split_condition(block, leading, lines, text, start, span)
    introduced = introduced_condition(text) if not leading else None
    if introduced and introduced[1].group("rest").strip() and len(sentences(text)) == 1:
        # "In a spot pool, if the node is gone, recreate it": the phrase is part of the case.
        shift, inner = introduced
        if not is_pointer(inner.group("rest")) and _instructional(inner.group("rest")):
            return _split_condition(block, inner, lines, text, start, span, shift)
    if leading:
        return [_draft(block, "decision", text, span, condition=_condition_of(text))]
    return _instructions(block, lines, text, start, span)


_CONJOINED = re.compile(r"(?:,\s*(?:and\s+)?(?:then\s+)?|\s+and\s+(?:then\s+)?)$", re.IGNORECASE)


def _after_instruction(text: str, at: int) -> bool:
    """Whether an instruction joined by "and" comes before `at`: in "Note the time range, and
    follow one of the scenarios below" only the lead-in after the "and" is no step."""
    joined = _CONJOINED.search(text, 0, at)
    return joined is not None and _instructional(text[: joined.start()])


_SYMPTOM = re.compile(
    r"^(?P<case>[^.;:!?\u2014\u2013`\[]{3,120}?)\s+(?:[\u2014\u2013]|--?)\s+"
    r"(?P<anaphor>in\s+(?:this|that|such\s+a)\s+case,?\s+)?(?=\S)",
    re.IGNORECASE,
)
"""A list item naming a state, a dash, then what to do in it: "The job has been suspended - In
this case unsuspend it", "The script fails before it reports - You should look at the logs"."""
_STATED = re.compile(
    r"\b(?:is|are|was|were|has|have|had|does|did|fails?|failing|failed|keeps?|stays?|shows?"
    r"|returns?|cannot|can't|won't|isn't|aren't|doesn't|hasn't)\b",
    re.IGNORECASE,
)


_RELATIVE_OR_READER = re.compile(r"\b(?:which|who|whom|whose|where|you|we)\b", re.IGNORECASE)
"""Words that make the words before a dash no state of the system: a relative clause or the
reader's own doing ("The environment in which you are restoring - replace ...")."""


def _symptom_fix(
    block: Block, lines: tuple[str, ...], text: str, start: int, procedural: bool
) -> list[DraftStep]:
    """A state and its fix in one list item -> a decision on the state whose branch is the fix
    (the items of such a list are cases, not a sequence); none when the words before the dash
    are no state ("`gitlab_fluentd` - Sets up td-agent") or after it no instruction."""
    found = _SYMPTOM.match(text)
    if found is None:
        return []
    case = found.group("case").strip()
    rest_at = start + found.end()
    rest = block.text[rest_at : start + len(text)]
    if not case[:1].isalpha() or _RELATIVE_OR_READER.search(case):
        return []  # "⚠️ Migrations are not ... - ensure ...", "The env in which you are - ..."
    if not _STATED.search(case) or _instructional(case, procedural):
        return []
    if not (_instructional(rest, procedural) or _BREAK.search(rest)):
        return []
    branch = _sentence_steps(block, lines, rest_at, start + len(text), procedural, False)
    span = _sub_span(block, lines, start, start + len(case))
    if not branch or span is None:
        return []
    decision = _draft(block, "decision", case, span, condition=case, branch_size=len(branch))
    return [decision, *branch]


_BREAK = re.compile(
    r";\s+|\s+[\u2014\u2013]\s+|\s+--?\s+|,\s+(?:and\s+)?(?:so|then|therefore|thus)\s+(?=[a-z])"
    r"|,\s+in\s+which\s+case,?\s+(?=[a-z])"
)
_CONSEQUENCE_WORD = re.compile(r",\s+(?:and\s+)?(?:so|then|therefore|thus|in\s+which\s+case)\b")
_NARRATED = re.compile(r"^(?:we|i)(?:\s|'|\u2019)", re.IGNORECASE)
_WEAK_AFTER_SO = re.compile(
    r",\s+(?:and\s+)?(?:so|then|therefore|thus|in\s+which\s+case,?)\s+"
    r"(?!(?:have|has|be(?!\s+sure)|get|avoid|don't|do\s+not|never)\b)"
)
"""After "so"/"then" only a plain instruction counts: not "so have no meaning" (no verb of
action) nor a prohibition ("so avoid deleting pods", what not to do)."""
"""A sentence told in the first person ("We size up the situation, then verify ..."): what
the writer does, not an instruction."""


def _after_a_break(
    block: Block, lines: tuple[str, ...], text: str, start: int, procedural: bool
) -> list[DraftStep]:
    """The instruction after a dash, a semicolon or a "so"/"then" in a sentence that is not
    one: "Higher thread counts use more memory — verify the pods stay within the limit", "The
    certificate will not match, so navigate past the warning"."""
    marks = (";", " -", "\u2014", "\u2013")
    if not any(mark in text for mark in marks) and not _CONSEQUENCE_WORD.search(text):
        return _after_a_splice(block, lines, text, start, procedural) if ", " in text else []
    if _NARRATED.match(text):
        return []
    guard = protected(text)
    for found in _BREAK.finditer(text):
        rest = text[found.end() :]
        if any(a <= found.start() < b for a, b in guard) or not _instructional(rest, procedural):
            continue
        if found.group(0)[:1] == "," and not _WEAK_AFTER_SO.match(found.group(0) + rest):
            continue
        end = start + len(text)
        steps = _sentence_steps(block, lines, start + found.end(), end, procedural, False)
        head = text[: found.start()]
        if steps and "then" in found.group(0) and _leading(head + ","):
            # "If X, then in the logs, search for Y": the condition is the steps' decision
            span = _sub_span(block, lines, start, start + len(head))
            if span is not None:
                condition = " ".join(head.split())
                decision = _draft(
                    block, "decision", head, span, condition=condition, branch_size=len(steps)
                )
                return [decision, *steps]
        return steps
    return []


_SPLICE = re.compile(r",\s+(?=[a-z])")
_ASSERTION = re.compile(
    r"^(?!(?:if|when|whenever|once|unless|where|while|after|before|as|since|because|for|to|in"
    r"|on|at|from|with|by|during|using|via|however|also|then|now)\b)"
    r"[^,;:?!]*?\b(?:is|are|was|were|has|have|had|will|would|does|did)\b",
    re.IGNORECASE,
)
"""A statement about something (its verb a copula or an auxiliary), not a phrase setting
where or when ("In the console, ..."), nor a condition."""


_SPLICED_OBJECT = re.compile(
    r"\s+(?:(?:the|a|an|it|them|this|that|these|those|your|our|their|its|all|any|every|each"
    r"|some|one|two|on|in|to|for|with|at|from|into|up|down|out|over|back|off|careful|sure"
    r"|aware)\b|\d|[`'\"\u201c\[*#@])"
)
"""What follows the spliced imperative's verb: its object or its direction ("get 2 of those",
"ask on #web", "be careful to ..."), never a bare noun ("pull images, or schedule ...": a list
of what something cannot do)."""
_MODAL = re.compile(r"\b(?:will|can|could|would|may|might|should|must|shall)\b", re.IGNORECASE)
_READING_WORD = re.compile(r"(?:please\s+)?(?:see|read|refer|consult|visit)\b", re.IGNORECASE)


def _after_a_splice(
    block: Block, lines: tuple[str, ...], text: str, start: int, procedural: bool
) -> list[DraftStep]:
    """An instruction spliced onto a statement with a comma: "The last part of each name is
    the commit hash, copy two of those", "The account is run by the web team, ask in #web if
    you need access" (the words before the comma say what is, the words after say what to do;
    not a pointer: "..., see [the guide](...)")."""
    if not _ASSERTION.match(text) or _NARRATED.match(text):
        return []
    guard = protected(text)
    for found in _SPLICE.finditer(text):
        rest = text[found.end() :]
        if any(a <= found.start() < b for a, b in guard) or ", " in text[: found.start()]:
            continue
        verb = _IMPERATIVE.match(rest)
        if verb is None or not _SPLICED_OBJECT.match(rest, verb.end()) or is_pointer(rest):
            continue  # "... with the exception of websockets, ssh and pages": a list
        if _MODAL.search(text, 0, found.start()) or _READING_WORD.match(rest):
            continue  # "This will enable X, write dumps to `/tmp`": what it does
        if not _instructional(rest, procedural):
            continue
        steps = _sentence_steps(
            block, lines, start + found.end(), start + len(text), procedural, False
        )
        at = start + found.end()
        first = steps[0] if steps else None
        if first is not None and first.kind != "decision" and block.text.startswith(first.text, at):
            # the statement is part of the step: the instruction starts on its line ("The
            # alert fires when X is down,\nplease check ...")
            whole = _sub_span(block, lines, start, at + len(first.text))
            if whole is not None:
                steps[0] = replace(first, text=block.text[start : at + len(first.text)], span=whole)
        return steps
    return []


_ELSE_CLAUSE = re.compile(r",\s+(?P<key>if\s+not|otherwise|else)\b,?\s+", re.IGNORECASE)


_TO_CHECK = re.compile(
    r"^(?:other|more|some|additional|further|common)?\s*(?:things|items|places|areas|causes"
    r"|suspects)\s+to\s+(?:check|verify|inspect|investigate|look\s+(?:at|for|into))\s*:$",
    re.IGNORECASE,
)
"""A verbless lead-in to what the reader checks: "Other things to check:", "Places to look at:"."""


def _else_split(
    block: Block, lines: tuple[str, ...], text: str, start: int, procedural: bool
) -> list[DraftStep] | None:
    """A check, then what to do if it fails: "Verify that the host is healthy, if not switch to
    it and read the logs", "The status should be `True`, if not, check its message" -> the check
    (when it is an instruction), then a decision whose branch is the fix."""
    found = _ELSE_CLAUSE.search(text)
    if found is None or _leading(text) or len(sentences(text)) > 1:
        return None
    rest = text[found.end() :]
    if not _IMPERATIVE.match(rest):
        return None
    head = text[: found.start()]
    key_at, rest_at = start + found.start("key"), start + found.end()
    head_span = _sub_span(block, lines, start, start + len(head))
    key_span = _sub_span(block, lines, key_at, key_at + len(found.group("key")))
    rest_span = _sub_span(block, lines, rest_at, rest_at + len(rest))
    if head_span is None or key_span is None or rest_span is None:
        return None
    checked = []
    if _instructional(head, procedural):
        checked = _instructions(block, lines, head, start, head_span)
    branch = _instructions(block, lines, rest, rest_at, rest_span)
    condition = f"{found.group('key')}: {' '.join(head.split())}"
    key = found.group("key")
    decision = _draft(
        block, "decision", key, key_span, condition=condition, branch_size=len(branch)
    )
    return [*checked, decision, *branch]


def _split_condition(
    block: Block,
    leading: re.Match[str],
    lines: tuple[str, ...],
    text: str,
    offset: int,
    span: Span,
    shift: int = 0,
) -> list[DraftStep]:
    """'If X, do Y.' -> a decision 'If X' whose branch is the step 'do Y'; 'If X, go to step
    7' or 'If X, stop here' -> one decision whose edge under X is the jump. `text` is
    `block.text[offset:]` up to the sentence's end, at `span`; `leading` matched it from
    `shift` on (after an introducing phrase, which is part of the condition)."""
    said = f"{text[:shift]}{leading.group('kw')}{leading.group('cond')}"
    condition = " ".join(said.split())
    rest = leading.group("rest").strip()
    if _only_jumps(rest) or _FOLLOWING.search(rest):
        return [_draft(block, "decision", text, span, condition=condition)]
    head_end = shift + leading.start("rest")
    head = text[:head_end].rstrip().rstrip(",;:").rstrip()
    head_span = _sub_span(block, lines, offset, offset + len(head))
    rest_span = _sub_span(block, lines, offset + head_end, offset + len(text))
    if head_span is None or rest_span is None:
        return [_draft(block, "decision", text, span, condition=_condition_of(text))]
    consequents = _instructions(
        block, lines, text[head_end:].strip(), offset + head_end, rest_span, id_words=text
    )
    if len(consequents) > 1:
        consequents = [replace(c, id_words=None) for c in consequents]
    decision = _draft(
        block, "decision", head, head_span, condition=condition, branch_size=len(consequents)
    )
    return [decision, *consequents]


def _split_unmarked(
    block: Block, lines: tuple[str, ...], text: str, offset: int, span: Span, at: int
) -> list[DraftStep]:
    """'If X you can do Y' (no comma) -> a decision 'If X' whose branch is 'you can do Y', as
    'If X, do Y' is split (`_split_condition`)."""
    head = text[:at].rstrip()
    head_span = _sub_span(block, lines, offset, offset + len(head))
    rest_span = _sub_span(block, lines, offset + at, offset + len(text))
    if head_span is None or rest_span is None:
        return [_draft(block, "decision", text, span, condition=_condition_of(text))]
    consequents = _instructions(block, lines, text[at:], offset + at, rest_span, id_words=text)
    if len(consequents) > 1:
        consequents = [replace(c, id_words=None) for c in consequents]
    condition = " ".join(head.split())
    decision = _draft(
        block, "decision", head, head_span, condition=condition, branch_size=len(consequents)
    )
    return [decision, *consequents]
