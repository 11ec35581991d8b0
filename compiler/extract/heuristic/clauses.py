"""One step per instruction of a clause ("Identify X and keep Y", "Drain it, cordon it, page the
owner"), and the decision of a condition that trails an instruction ("Page the lead if nobody
has yet", "Notify stakeholders as necessary").
"""

from __future__ import annotations

import re
from dataclasses import replace

from compiler.extract import DraftStep
from compiler.extract.heuristic.asides import _FOLLOWING
from compiler.extract.heuristic.drafts import _draft, _prose_kind
from compiler.extract.heuristic.jumps import _only_jumps
from compiler.extract.heuristic.shared import _TRAILING_CONDITION, _condition_of, sentences
from compiler.extract.heuristic.spans import _sub_span
from compiler.parse import Block
from compiler.records import Span
from compiler.text.instructions import IMPERATIVE as _IMPERATIVE
from compiler.text.instructions import VERBS as _VERBS
from compiler.text.instructions import instructional as _instructional
from compiler.text.instructions import introduction, opening_phrase
from compiler.text.instructions import leading_condition as _leading
from compiler.text.patterns import by_first_letter
from compiler.text.sentences import protected

_COORDINATED = re.compile(
    r"(?<!\bshould)(?<!\bmust)(?<!\bwill)(?<!\bcan)(?<!\bmay)(?<!\bwould)(?<!\bcould)"
    rf"(?:,\s*|\s+)(?:and\s+then|and|or|then)\s+(?:to\s+|you\s+(?:should|must|will|need\s+to)\s+)?"
    r"(?:\w+ly\s+)?"
    rf"(?=(?:{by_first_letter(_VERBS)})\b(?![-']))"
    r"(?!(?:be|have|make|let|set|see|list|note|file|cut|post|act)\b)"
    r"(?!(?<!, and )(?<!, or )(?<!, then )use\b)"
    # a noun, not a verb, when a copula or "as" follows it ("push notifications and email as
    # the first method", "and page is ...")
    r"(?![a-z]+\s+(?:as|is|are|was|were)\b)",
    re.IGNORECASE,
)
_SHARED_OBJECT = re.compile(
    r"^\W*(?:please\s+)?[a-z]+(?:\s+(?:off|on|up|down|out|over|back))?\s*$", re.IGNORECASE
)
"""A verb with no object of its own before "and <verb> <object>": both act on that object
("Cordon and drain the node", "Turn off and power down the host")."""
_MODAL_VERB_END = re.compile(
    r"\b(?:should|must|will|can|may|to|please|\w+ly)\s+"
    rf"(?:{by_first_letter(_VERBS)})(?:\s+(?:off|on|up|down|out|over|back))?\s*$",
    re.IGNORECASE,
)
"""A verb with no object after a modal or an adverb: "Teams should regularly review"."""


_RELATIVE_INFINITIVE = re.compile(
    r"\b(?!(?:if|when|once|unless|whether|and|or)\b)[a-z]+\s+(?:you|we|they)\s+(?:want|wish|need"
    r"|would\s+like)\s+to\s+[a-z]+(?:\s+(?:off|on|up|down|out|over|back))?\s*$",
    re.IGNORECASE,
)
"""A relative clause ending in a bare infinitive ("the ACL you want to change"): its verb has
its object before it, so it shares none with the next verb ("... then select **Outbound**")."""


def _not_sharing(text: str, found: list[re.Match[str]]) -> list[re.Match[str]]:
    """The coordinations that start an instruction of its own: not those after a verb with
    no object of its own (both verbs act on the object after the second)."""
    kept: list[re.Match[str]] = []
    at = 0
    for match in found:
        piece = text[at : match.start()]
        if _SHARED_OBJECT.match(piece):
            continue
        if _MODAL_VERB_END.search(piece) and not _RELATIVE_INFINITIVE.search(piece):
            continue
        kept.append(match)
        at = match.end()
    return kept


_WHETHER = re.compile(r"\bwhether\b(?![^,;]*,\s+(?:and|then)\b)", re.IGNORECASE)
"""A "whether" the alternatives after it belong to ("decide whether X or Y")."""
_ATTEMPT = re.compile(r"^(?:please\s+)?(?:try|attempt)\s+to\s+", re.IGNORECASE)
_NEGATED = re.compile(
    r"^\W*(?:please\s+)?(?:do\s+not|don['\u2019]?t|never|you\s+(?:should|must)\s+(?:not|never))\b",
    re.IGNORECASE,
)
"""A prohibition: the verbs it joins with "or", or with "and" and no comma, are all forbidden
("Do not restart the pod or delete the volume" is never a step "delete the volume")."""
_COLON_SPLIT = re.compile(r":\s+(?=[A-Z])")
"""A colon between two instructions, the second capitalised: "Involve others as needed: Do
not hesitate to escalate"."""
_SERIAL = re.compile(
    rf",\s+(?:to\s+)?(?=(?:{by_first_letter(_VERBS)})\b(?![-']))"
    r"(?!(?:be|have|make|let|set|see|list|note|file|cut|post|use|act|and|or|then)\b)",
    re.IGNORECASE,
)
"""A comma before another instruction of a series that ends with "and"/"or": "listen to the
call, watch the room, and track requests"."""
"""Another instruction joined by "and"/"or"/"then" ("Identify X and keep Y"); a verb that is
as often a noun or an auxiliary does not split."""


_ELLIPTICAL = re.compile(
    r"(?:if|when|unless)\s+(?:any|so|necessary|needed|required|possible|applicable|appropriate"
    r"|desired|wanted|defined|configured|enabled|present|available|at\s+all"
    r"|you\s+(?:can|like|want|wish|prefer)(?:\s+help\s+it)?)"
    r"(?:\W*$|\s*,|\s+(?:with|using|via|by|for|to|in|on|from|through)\b)",
    re.IGNORECASE,
)
"""A trailing condition that only hedges ("restart if necessary", "if any", "if you can help
it"): the instruction stays one step, the hedge is the rules' business (RB101). (Labels differ
on hedges: the seed cases make "if needed" a decision, the corpus cases do not.)"""


def _instructions(
    block: Block, lines: tuple[str, ...], text: str, start: int, span: Span, **extra: object
) -> list[DraftStep]:
    """One step per instruction of a clause: "Identify X and keep Y" is two steps ("Try to
    identify X and resolve it" is one attempt)."""
    opening = opening_phrase(text)  # "To stop X and clear Y, disable Z": one purpose
    found = [] if _ATTEMPT.match(text) else list(_COORDINATED.finditer(text, opening))
    bare: list[re.Match[str]] = []
    guard = protected(text) if found else []
    found = [
        m
        for m in found
        if not any(a <= m.start() < b for a, b in guard)
        # "..., and you will take point": only after an instruction of its own
        and ("you " not in m.group(0) or _instructional(text[: m.start()]))
        # "Decide whether to reuse the index or create a new one": one choice, one step
        and not (" or " in m.group(0) + " " and _WHETHER.search(text, 0, m.start()))
    ]
    if found:  # "Turn off and power down the host", "should review and resolve them": one step
        found = _not_sharing(text, found)
    negated = _NEGATED.match(text) is not None
    if negated:  # only ", and <verb>" / ", then <verb>" starts an instruction of its own
        found = [m for m in found if m.group(0)[0] == "," and m.group(0).split()[1:2] != ["or"]]
    last = next((m for m in reversed(found) if text[m.start()] == ","), None)
    if last is not None:  # a series "A, B, and C": the commas before its last "and" split too
        serial = [
            m
            for m in _SERIAL.finditer(text, 0, last.start())
            if not any(a <= m.start() < b for a, b in guard)
        ]
        if serial and negated:
            found = []  # "Never drain it, cordon it, and reboot it": all of them forbidden
        elif serial and _instructional(text[: min(m.start() for m in serial)]):
            found = sorted([*found, *serial], key=lambda m: m.start())
    elif not found and not negated:
        found = bare = _bare_series(text)
    if ": " in text:  # "Involve the team as needed: Do not hesitate to escalate ..."
        guard = guard or protected(text)
        found += [
            m
            for m in _COLON_SPLIT.finditer(text)
            if not any(a <= m.start() < b for a, b in guard)
            and _IMPERATIVE.match(text)
            and _instructional(text[m.end() :])
            and not _leading(text[m.end() :])
        ]
        found.sort(key=lambda m: m.start())
    cuts = [0] + [m.end() for m in found]
    ends = [m.start() for m in found] + [len(text)]
    spans = [_sub_span(block, lines, start + a, start + b) for a, b in zip(cuts, ends, strict=True)]
    jump = any(_only_jumps(text[a:b]) for a, b in zip(cuts, ends, strict=True))
    if jump or any(part is None for part in spans):
        kind = _prose_kind(text)
        return [_draft(block, kind, text, span, condition=_condition_of(text), **extra)]
    if len(cuts) == 1:
        return _guarded(block, lines, text, start, span, **extra)
    drafts = []
    for (a, b), part_span in zip(zip(cuts, ends, strict=True), spans, strict=True):
        assert part_span is not None
        piece = text[a:b]
        if a and _FOLLOWING.search(piece) and not _leading(piece):
            continue  # "..., and follow one of the scenarios below": a lead-in to the cases
        drafts += _guarded(block, lines, piece, start + a, part_span, **extra)
    ruled = drafts[-2] if bare and len(drafts) > 2 else None
    if ruled is not None and ruled.kind == "decision" and ruled.branch_size == 1:
        # "Drain it, isolate it, switch it off if you must": the condition governs the series
        return [replace(ruled, branch_size=len(drafts) - 1), *drafts[:-2], drafts[-1]]
    return drafts


_COMMA = re.compile(r",\s+")
_NOT_A_CLAUSE = re.compile(
    r"(?:the|a|an|any|all|some|each|every|its|their|your|our|this|that|these|those|and|or|"
    r"then|but|which|who|where|when|if|as|so|e\.g|i\.e|etc|for|with|from|to|in|on|at|by)\b",
    re.IGNORECASE,
)


def _bare_series(text: str) -> list[re.Match[str]]:
    """The commas of a series of three or more instructions with no "and": "Drain the node,
    cordon it, page the owner" (each part an instruction of a few words, the first and the last
    starting with a verb). A comma before a noun phrase ("Check pods, services, ...") or a
    single word never splits."""
    commas = list(_COMMA.finditer(text))
    if len(commas) < 2 or not _IMPERATIVE.match(text):
        return []
    guard = protected(text)
    if any(a <= m.start() < b for m in commas for a, b in guard):
        return []
    if _SERIAL.match(text, commas[-1].start()) is None:
        return []
    cuts = [0] + [m.end() for m in commas]
    ends = [m.start() for m in commas] + [len(text)]
    pieces = [text[a:b] for a, b in zip(cuts, ends, strict=True)]
    if not _instructional(pieces[0]) or not _instructional(pieces[-1]):
        return []
    for piece in pieces[1:-1]:
        words = piece.split()
        if not 2 <= len(words) <= 6 or _NOT_A_CLAUSE.match(piece) or not piece[:1].islower():
            return []
    return commas


_LEFT_TO_READER = re.compile(
    r"\s(?P<cond>as\s+(?:necessary|needed|required)|at\s+your\s+(?:own\s+)?discretion)"
    r"(?=\s*(?:[,.;:!)]|\(|$))",
    re.IGNORECASE,
)
"""A decision left to the reader after an instruction: "Notify stakeholders as necessary",
"Delegate tasks at your discretion" (LABELLING: a vague condition is a decision). "As
appropriate" says how, not whether ("Restore it from a backup as appropriate")."""


_CONTENT_CLAUSE = re.compile(
    r"\s(?:that|whether)\s+(?:the|a|an|it|they|you|we|this|these|those|there|all|every|each|no"
    r"|your|our|its|their|\w+\s+(?:is|are|was|were|has|have|had|will|would|can|could|should"
    r"|does|do|did|gets?|got|stays?|stayed|resolves?|returns?))\b",
    re.IGNORECASE,
)
"""A content clause after the verb ("Test that the alert resolves ...", "Remember that the job
includes ..."): a condition after it belongs to the clause, not to the instruction."""


_CONSEQUENCE = re.compile(
    r"\s(?:then\s+)?(?:there|it|this|that|they)\s+(?:will|would|may|might|could|can)\s+(?:be|have|get)\b"
    r"(?!\s+(?:needed|required|necessary)\b)",
    re.IGNORECASE,
)
"""A conditional with its own consequence after an instruction ("- if there's an outage there
will be a lot of noise"): an aside about what happens, not a condition over the instruction."""


_HYPOTHETICAL_CLAUSE = re.compile(
    r"\s(?:that|which|who)\s+(?:would|could|might)\s+\w+[^,;]*$", re.IGNORECASE
)
"""A relative clause in the conditional mood at the end of the instruction ("add the steps
that would help someone if they received this alert"): the condition after it is the
clause's, not the instruction's."""


def _guarded(
    block: Block, lines: tuple[str, ...], text: str, start: int, span: Span, **extra: object
) -> list[DraftStep]:
    """One instruction, or, when a condition trails it ("Page the lead if nobody has yet"),
    a decision for that condition whose branch is the instruction. An introducing phrase on a
    line of its own before the instruction ("In Specialist Publisher, / go to ...") is its
    note: the step starts on the line its instruction does."""
    intro = introduction(text) if "note" not in extra else 0
    if intro:
        head = text[:intro].rstrip(" ,")
        head_span = _sub_span(block, lines, start, start + len(head))
        rest_span = _sub_span(block, lines, start + intro, start + len(text))
        if head_span and rest_span and rest_span.line > head_span.end_line:
            return _guarded(
                block, lines, text[intro:], start + intro, rest_span,
                note=head, note_span=head_span, **extra,
            )  # fmt: skip
    kind = _prose_kind(text)
    condition = _condition_of(text)
    step = _draft(block, kind, text, span, condition=condition, **extra)
    trailing = _TRAILING_CONDITION.search(text) if condition else None
    if trailing is None and (" as " in text or " at your " in text):
        return _left_to_reader(block, lines, text, start, step)
    if trailing is None or _leading(text):
        return [step]
    head = text[: trailing.start()].rstrip(" ,(\u2013\u2014-")
    cond = trailing.group("cond").rstrip(" ,)")
    at = trailing.start("cond")
    whole = text[at - 1 : at] == "(" and text[at + len(cond) : at + len(cond) + 1] == ")"
    if not whole and any(a < at < b for a, b in protected(text)):
        return [step]  # never cut inside parentheses, quotes or code
    if (
        _ELLIPTICAL.match(cond)
        or len(sentences(text)) > 1  # jump sentences joined to their step
        or not _instructional(head)
        or _only_jumps(head)
        or (not whole and _CONTENT_CLAUSE.search(head))
        or _HYPOTHETICAL_CLAUSE.search(head)
        or _CONSEQUENCE.search(cond)
        or _PRECAUTION.match(cond)
        or _SECOND_QUESTION.search(head)
    ):
        return [step]
    cond_at = start + trailing.start("cond")
    cond_span = _sub_span(block, lines, cond_at, cond_at + len(cond))
    head_span = _sub_span(block, lines, start, start + len(head))
    if cond_span is None or head_span is None:
        return [step]
    decision = _draft(
        block, "decision", cond, cond_span, condition=" ".join(cond.split()), branch_size=1
    )
    return [decision, replace(step, text=head, span=head_span, kind=_prose_kind(head))]


_SECOND_QUESTION = re.compile(
    r"\b(?:see|check|verify|know|determine|confirm|find\s+out|ask|test|whether)\s+(?:if|when"
    r"|whether)\b[^.;:]*\band$",
    re.IGNORECASE,
)
"""A question a check asks, then "and" before another one: "to see if it was reported and if
there's a workaround", "Check when it was issued and when it expires" (no decision)."""
_PRECAUTION = re.compile(
    r"in\s+case\s+(?:(?:we|you|they|i|someone)\s+(?:ever\s+)?(?:need|want|have)s?\s+to"
    r"|(?:something|anything)\s+goes\s+wrong|.{1,60}?\b(?:is|are|gets?)\s+(?:lost|damaged"
    r"|corrupted|deleted\s+by\s+mistake))\b",
    re.IGNORECASE,
)
"""A trailing "in case" that gives the reason for a precaution ("Save the token in case we need
to revert", "... in case the key is lost"): done either way, no decision ("in case of a
failure", "in case you are not using it" are conditions)."""


def _left_to_reader(
    block: Block, lines: tuple[str, ...], text: str, start: int, step: DraftStep
) -> list[DraftStep]:
    """A decision "as necessary" whose branch is the instruction ("Notify stakeholders as
    necessary"); never inside parentheses, quotes or code."""
    hedge = _LEFT_TO_READER.search(text)
    if hedge is None or any(a < hedge.start("cond") < b for a, b in protected(text)):
        return [step]
    at = start + hedge.start("cond")
    cond = hedge.group("cond")
    cond_span = _sub_span(block, lines, at, at + len(cond))
    if cond_span is None:
        return [step]
    condition = " ".join(cond.split())
    decision = _draft(block, "decision", cond, cond_span, condition=condition, branch_size=1)
    return [decision, step]
