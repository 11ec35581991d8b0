"""RB101 vague-condition and RB102 unmeasurable-condition: conditions the reader decides, in
the prose and in the graph's decisions.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator

from compiler.records import Span, Step
from compiler.rules import CheckContext, Finding, RuleDoc, rule
from compiler.rules.assumptions.described import described
from compiler.rules.assumptions.expected import unmeasurable_checks
from compiler.rules.assumptions.scan import (
    ARTICLE,
    CHOSEN_BY,
    DIRECTOR,
    PEOPLE_SUBJECT,
    Hit,
    code_follows,
    expectation,
    instructs,
    one_per_line,
    scan_hits,
    with_model_flags,
)
from compiler.rules.regions import Passage, at_word_start
from compiler.text.actors import defined_roles, initials
from compiler.text.conditions import (
    EXPLICIT,
    JUDGED_BY,
    JUDGEMENT,
    LOOKING,
    LOOKS,
    MEASURED,
    foreseen,
    measureless,
    on_doubt,
    precaution,
    undecided,
)
from compiler.text.instructions import VERBS
from compiler.text.sentences import sentences

_ADVISABLE = (
    r"(?:(?:seems?|looks?|is|are|feels?)\s+(?:wise|prudent|advisable|worthwhile|worth\s+it"
    r"|justified|warranted|sensible|reasonable|right|best|safe(?:\s+to\s+do\s+so)?)"
    r"|makes?\s+sense|(?:is\s+)?worth\s+(?:it|doing|the\s+risk))\b"
)
"""A predicate of advisability the reader weighs: "seems wise", "is prudent", "makes sense"."""
_THEIR_CONFIDENCE = r"(?:they|the\s+[\w-]+)\s+(?:are|is|feels?)\s+confident"
"""Someone else's confidence (the reader's own, "you are confident", is `JUDGEMENT`'s: RB102)."""
_LOOKS = "|".join(LOOKS)
_LOOKING = "|".join(LOOKING)
_ADEQUATE_FOR = (
    r"[^.;:!?,]{0,80}?\b(?:is|are|was|were|be|seems?|looks?)\s+(?:not\s+)?(?:\w+\s+)?"
    r"(?:enough|sufficient|insufficient|adequate|inadequate)\s+(?:for|to)\s+"
    rf"(?:{_LOOKS}|{_LOOKING}|(?:troubleshoot|diagnose|debug|fix|resolve|explain|decide)(?:ing)?"
    r"|diagnosis|investigation)\b"
)
"""What is judged as serving the reader's own task: "... are not enough for troubleshooting",
"... is sufficient to find the cause" (not a capacity, "enough room to run", an effect,
"increases enough to trigger this alert", nor a motive, "care about security enough to
compare")."""
_VAGUE = (
    r"\b(?:if|when|where|as)\s+(?:it\s+is\s+|it's\s+)?(?:needed|necessary|required|appropriate"
    r"|applicable|relevant|desired|warranted|suitable|sensible|practical|feasible)\b"
    r"|\b(?:if|where|when)\s+(?:at\s+all\s+)?possible\b|\b(?:by|via)\s+any\s+means\s+necessary\b"
    r"|\bwhen\s+(?:it\s+)?makes\s+sense\b|\bat\s+(?:your|their|the\s+\w+'s)\s+(?:own\s+)?discretion\b"
    r"|\buse\s+(?:your\s+)?(?:own\s+|best\s+)?(?:good\s+)?(?:judg(?:e)?ment|discretion)\b"
    r"|\b(?:if|unless)\s+you\s+(?:(?:do\s+not|don't|did\s+not|didn't)\s+)?(?:think|feel|believe"
    r"|decide|judge|reckon)\b"
    # "if you have to", "if you absolutely need to for some reason": the necessity is the
    # reader's call; "if you need to reset the password, ..." states the reader's goal
    r"|\bif\s+you\s+(?:absolutely\s+|really\s+)?(?:have|need)\s+to\b(?!\s+(?!for\b|do\s+so\b)[a-z]{2,})"
    r"|\bif\s+you\s+(?:absolutely\s+|really\s+)?need\s+(?:them|him|her|someone)\s+to\b"
    # the reader's (or an author's) satisfaction as the condition: "merge when satisfied",
    # "unless the author is confident there are no side effects"
    r"|\b(?:if|when|once|unless)\s+(?:(?:(?:you|we|they|the\s+[\w-]+)\s+(?:are|is|feel|feels)\s+"
    rf"|you're\s+)?(?:satisfied|happy|comfortable)|{_THEIR_CONFIDENCE})\b"
    # one condition of several: "unless the change is small and the author is confident"
    r"|\b(?:(?<=\band\s)|(?<=\bor\s))(?:(?:you|we|they|the\s+[\w-]+)\s+(?:are|is|feel|feels)\s+"
    rf"(?:satisfied|happy|comfortable)|{_THEIR_CONFIDENCE})\b"
    r"|\bif\s+you\s+can\s+(?:help|avoid)\s+it\b"
    r"|\b(?:you|they)\s+(?:think|feel|believe|deem|judge)\s+(?:(?:is|are|to\s+be|it\s+is)\s+"
    r"(?:an?\s+|the\s+)?[\w-]+|(?:appropriate|necessary|relevant|needed|best|fit|right"
    r"|important|useful|sensible)\b)"
    r"|\bif\s+(?:things|it|that)\s+(?:looks?|seems?)\s+(?:bad|wrong|off|ok|fine|good|right)\b"
    # A hedged change ("you may need to restart it"); a hedged look ("may need to check the
    # logs") leaves nothing risky to the reader.
    r"|\b(?:might|may)\s+(?:also\s+)?need\s+(?:an?\s+)?(?:manual\s+|quick\s+)?(?:reboot|restart"
    r"|replacement|rollback|redeploy(?:ment)?|failover|resize|upgrade|cleanup|clean-up)\b"
    rf"|\b(?:might|may)\s+(?:also\s+)?(?:(?:need|have|want)\s+to\s+(?!\[?(?:use|run|{_LOOKS})\b)"
    r"|be\s+(?:an?\s+)?(?:option|necessary|needed|required|good\s+idea)\b)"
    rf"|\bconsider\s+\[?(?!{_LOOKING}|during|nothing|something|anything"
    r"|everything|morning|evening|thing)[a-z]+ing\b"
    r"|\bshould\s+(?:probably|perhaps|possibly)\b|\bperhaps\b"
    r"|\b(?:it\s+is|it's)\s+(?:the|your)\s+(?:call|decision|choice)\b"
    r"|\bif\s+you(?:'re|\s+are)\s+(?:certain|sure|confident|comfortable)\b"
    r"|\bto\s+(?:your|the)\s+needs\b"
    r"|\bdepending\s+on\s+(?:the\s+)?(?:situation|circumstances|context|scenario|case)\b"
    r"|\b(?:on\s+)?a\s+case[\s-]+by[\s-]+case\s+basis\b"
    # advisability as the condition: the reader weighs it ("if it seems wise", "when doing so
    # is prudent", "if the situation warrants it")
    rf"|\b(?:if|when|whenever|where|as|once)\s+(?:(?:it|this|that|doing\s+so|so)\s+)?{_ADVISABLE}"
    r"|\b(?:if|when|whenever|where|as|unless)\s+(?:the\s+)?(?:situation|circumstances?|case"
    r"|context|incident|impact|severity|risk)\s+(?:warrants?|requires?|calls?\s+for|demands?"
    r"|justif(?:y|ies))\s+(?:it|one|this|that)\b"
    r"|\bif\s+you\s+(?:see|deem|judge|consider)\s+(?:it\s+)?(?:fit|wise|prudent|best|worthwhile)\b"
    # a hedged suggestion to act: "it may be worth restarting", "might be wise to fail over"
    r"|\b(?:might|may|could)\s+(?:also\s+)?be\s+(?:worth(?:while)?|wise|best|prudent|advisable"
    rf"|helpful|useful|a\s+good\s+idea|an\s+idea)\b(?!\s+(?:to\s+)?\[?(?:{_LOOKS}|{_LOOKING})\b)"
    # the decision itself handed over: "it is up to you" ("decide whether X" is a decision
    # step, judged by its condition like any other)
    r"|\b(?:it\s+is|it's)\s+up\s+to\s+(?:you|your)\b"
    # adequacy for a purpose: "if the messages are not enough for troubleshooting" (whether
    # they serve is the reader's call; "not enough disk space" is a quantity, RB102's)
    rf"|\b(?:if|when|unless|once)\s+{_ADEQUATE_FOR}"
    # a choice by a quality nobody defines: "pick a suitable replica", "an appropriate time"
    r"|\b(?:pick|choose|select|find)\s+(?:an?|the|some)\s+(?:suitable|appropriate|sensible"
    r"|reasonable|sane|proper|good)\s+[\w-]+"
    # two actions offered with nothing to choose between them: "either resolve or raise a new
    # issue" (the reader decides which; a choice of means, "either via X or Y", is no action)
    rf"|\beither\s+(?:{VERBS})\b(?:\s+(?!or\b)[\w`'-]+){{0,6}}?,?\s+or\s+(?:{VERBS})\b"
)
_VAGUE_WORDS = frozenset(
    {"needed", "necessary", "required", "appropriate", "applicable", "relevant", "desired",
     "warranted", "suitable", "sensible", "practical", "feasible", "possible", "means", "sense",
     "discretion", "judgment", "judgement", "think", "feel", "believe", "have", "need", "help",
     "avoid", "deem", "judge", "look", "looks", "seem", "seems", "might", "may", "consider",
     "should", "perhaps", "call", "decision", "choice", "certain", "sure", "confident",
     "comfortable", "needs", "depending", "basis", "wise", "prudent", "advisable", "worthwhile",
     "worth", "justified", "reasonable", "right", "best", "safe", "warrants", "warrant",
     "requires", "require", "calls", "demands", "demand", "justify", "justifies", "see", "fit",
     "helpful", "useful", "idea", "decide", "up", "sane", "proper",
     "good", "reckon", "satisfied", "happy", "enough", "sufficient", "insufficient", "adequate",
     "inadequate", "either"}
)  # fmt: skip
"""Words every `_VAGUE` match holds (a whole word): a cheap test before the pattern runs."""
_CONDITION = re.compile(
    at_word_start(
        "iwuomla",
        # (a literal is read whole: "if the pods are stuck in state `Init...`")
        r"\b(?:if|when|whenever|unless|once|in\s+case|until|as\s+soon\s+as)\b"
        r"(?:`[^`\n]{1,60}`|[^.;:!?,`]){0,100}"
        # what a watch looks for is the condition it waits on: "monitor logs for unusual activity"
        r"|\b(?:monitor|watch|look)\s+(?:[\w-]+\s+){0,3}?for\s+[^.;:!?,]{0,60}",
    ),
    re.IGNORECASE,
)
_CONDITION_FIRST = frozenset(
    {
        "if",
        "when",
        "whenever",
        "unless",
        "once",
        "case",
        "until",
        "monitor",
        "watch",
        "look",
        "soon",
    }
)
"""Words every condition match holds: a cheap test."""


_HEDGED_CHANGE = re.compile(
    r"(?:might|may)\s+(?:also\s+)?need\s+(?:to\s+be\b|an?\s+|manual\s+|reboot|restart|replacement"
    r"|rollback|redeploy|failover|resize|upgrade|clean)"
    r"|(?:might|may|could)\s+(?:also\s+)?be\s+(?:worth(?:while)?|wise|best|prudent|advisable"
    r"|helpful|useful|a\s+good\s+idea|an\s+idea)\s+(?:to\s+)?[a-z]+ing\b",
    re.IGNORECASE,
)
"""A hedged change with no "you": "the OSD may need to be replaced", "might need a reboot"."""


@rule(
    "RB101",
    "vague-condition",
    "warning",
    blocking=True,
    signoff=True,
    summary='A condition that leaves the decision to the reader: "if needed", "as appropriate".',
    docs=RuleDoc(
        what='Flags conditions such as "if needed", "as appropriate", "when necessary", '
        '"if required", "use your judgement", "at your own discretion", and two actions offered '
        'with nothing to choose between them ("either resolve it or raise a new issue"; not a '
        "choice of means to an end the sentence states) (extend with `extra-vague-phrases`).",
        why='A person fills in what "needed" means from experience; an agent fills it in with '
        "a guess and then acts on it — restarting a database because it looked needed.",
        example="Restart the payments-api pods if needed.",
        instead="Restart the payments-api pods if `postgres.pool_stats` shows more than 95% of "
        "connections in use for 5 minutes.",
    ),
)
@with_model_flags("RB101")
@one_per_line
def vague_condition(context: CheckContext) -> Iterator[Finding]:
    yield from _vague_in_text(context)
    yield from (f for f in _decision_flags(context) if f.code == "RB101")


def _vague_in_text(context: CheckContext) -> list[Finding]:
    """RB101's findings in the text (worked out once per document)."""
    return context.once("RB101", lambda: list(_vague(context)))


_STATED_END = re.compile(r"^\W*(?:in\s+order\s+)?to\s+[a-z]+\b[^,;:]*,", re.IGNORECASE)


def _means_to_a_stated_end(hit: Hit) -> bool:
    """Whether a choice between two actions serves an end the sentence states first ("To
    disable the banner, either remove the setting or set it to `false`": either way gets
    there, so nothing is left to judge), or is quoted as someone's words."""
    if not hit.match.group(0).lower().startswith("either"):
        return False
    before = hit.passage.text[hit.passage.sentence_at(hit.start).start : hit.start]
    if before.count('"') % 2 or before.count("\u201c") > before.count("\u201d"):
        return True  # a choice quoted as someone's words, not offered to the reader
    return _STATED_END.match(hit.sentence) is not None


def _vague(context: CheckContext) -> Iterator[Finding]:
    extra = "|".join(
        r"\s+".join(map(re.escape, phrase.split())) for phrase in context.config.extra_vague_phrases
    )
    extra_starts = "".join(phrase[:1] for phrase in context.config.extra_vague_phrases)
    starts = "abcdefimopstuwyI" + extra_starts
    vague = _VAGUE + (rf"|\b(?:{extra})\b" if extra else "")
    pattern = re.compile(at_word_start(starts, vague), re.IGNORECASE)
    excused = _excused(context)
    for hit in scan_hits(context, pattern, needs=frozenset() if extra else _VAGUE_WORDS):
        hedged_change = _HEDGED_CHANGE.match(hit.passage.text, hit.match.start()) is not None
        holder = _holder(hit)
        if holder is not None:
            if not _reader_is(holder, hit.passage.block.sections):
                excused.add(hit.span.line)
                continue  # "at the IC's discretion", read by the SME: not the reader's call
        elif _embedded_question(hit) or not (
            hedged_change or instructs(hit.sentence) or _leads_instruction(hit)
        ):
            continue
        if _musing(hit) or _in_relative_clause(hit) or _when_not_what(hit):
            continue
        if _means_to_a_stated_end(hit):
            continue  # "To disable the banner, either remove or set it to `false`"
        if holder is None and described(context, hit.passage, hit.sentence):
            continue  # "As GitLab.com grows, ... We may need to adjust capacity": a plan
        if _qualifies_a_look(hit):
            excused.add(hit.span.line)  # nor is a decision on them the reader's risk
            continue  # "Monitor the nodes as necessary": a hedged look
        if _not_a_judgement(hit):
            excused.add(hit.span.line)  # nor is a decision on them a judgement
            continue  # "Fill in `<id>` as appropriate", "so you can swap it if needed"
        satisfaction = _SATISFACTION.search(hit.words) is not None  # whoever holds it
        if (
            satisfaction
            and not _CONDITION_WORD.match(hit.words)
            and not _CONDITION_OPEN.search(hit.sentence[: _offset(hit)])
        ):
            continue  # "they are happy with the result": said, not a condition
        if (
            holder is None and not satisfaction and (_someone_elses(hit) or _directed(hit))
        ) or _default_given(hit):
            excused.add(hit.span.line)  # a decision on these words is not the reader's either
            continue
        yield Finding(
            "RB101",
            hit.span,
            f'vague condition "{hit.words}": who decides, and how?',
            "state the measurable condition (metric, threshold, duration) or the explicit case",
            hit.words,
            hit.step,
        )


_SATISFACTION = re.compile(r"\b(?:satisfied|happy|comfortable|confident)$", re.IGNORECASE)
"""A person's satisfaction as the condition ("unless the author is confident"): a judgement
left to that person, whoever's duty the sentence states."""
_CONDITION_WORD = re.compile(r"(?:if|when|whenever|once|unless)\b", re.IGNORECASE)
_CONDITION_OPEN = re.compile(
    r"\b(?:if|when|whenever|once|unless)\b(?:[^.;:!?,]{0,80}\s(?:and|or)\s+)?$", re.IGNORECASE
)


def _offset(hit: Hit) -> int:
    """Where a hit starts in its sentence."""
    return hit.start - hit.passage.sentence_at(hit.start).start


_HOLDER = re.compile(
    r"\bat\s+the\s+(?P<role>[\w -]{2,40}?)(?:'s|\u2019s)\s+discretion\b"
    r"|\b(?:call|decision|choice)\s+of\s+(?:the\s+)?(?P<of>(?-i:[A-Z][\w-]*(?:\s+[A-Z][\w-]*){0,3}))",
    re.IGNORECASE,
)


def _holder(hit: Hit) -> str | None:
    """The role a discretion belongs to, when the text names one ("at the IC's discretion",
    "It's the call of the IC")."""
    found = _HOLDER.search(hit.passage.text, max(0, hit.start - 40), hit.end + 40)
    if found is None or not (found.start() <= hit.end and hit.start <= found.end()):
        return None
    return found.group("role") or found.group("of")


def _reader_is(role: str, sections: tuple[str, ...]) -> bool:
    """Whether the reader of a section holds a role: a heading above it names the role
    ("Steps for Incident Commander" is read by the IC)."""
    names = {name.lower() for name in defined_roles(sections, ())}
    wanted = {role.lower(), initials(role).lower()} if " " in role else {role.lower()}
    return bool(names & wanted)


_MODAL_SUBJECT = re.compile(
    r"\b(?P<subject>he\s+or\s+she|he|she|they|it|(?:the|a|an|each|every|any)\s+(?!reader\b)"
    r"[\w-]+(?:\s+[\w-]+)?|you|we)\s+(?:(?:must|should|will|shall|can|may)(?:\s+not)?"
    r"|need\s+to"
    r"|needs\s+to|has\s+to|have\s+to)\s+(?:also\s+|always\s+)?[a-z]+",
    re.IGNORECASE,
)


_OWN_SUBJECT = re.compile(
    _MODAL_SUBJECT.pattern.replace("|can|may)", "|can|may|might|could)"), re.IGNORECASE
)
"""`_MODAL_SUBJECT` with the hedging modals too: the subject of the hedge itself."""


def _someone_elses(hit: Hit) -> bool:
    """Whether the vague words qualify someone else's duty, not the reader's: the nearest
    modal before them in the sentence has a third-person subject ("if a Deputy is assigned, he
    or she must be fully qualified to assume the position if required")."""
    sentence = hit.passage.sentence_at(hit.start)
    found = list(_MODAL_SUBJECT.finditer(hit.passage.text, sentence.start, hit.start))
    own = _OWN_SUBJECT.search(hit.passage.text, max(sentence.start, hit.start - 40), hit.end)
    if own is not None and own.start() < hit.start <= own.end() + 1:
        # the hedge's own subject: "the security team may need to" (a person or a role; "the
        # OSD may need to be replaced" is still the reader's hedged change, but "the app might
        # need to recover" is what the app does)
        if PEOPLE_SUBJECT.match(own.group("subject")):
            return True
        if not hit.words.lower().endswith(("need to", "have to")):
            return False
        after = hit.passage.text[hit.end : hit.end + 12].lstrip().lower()
        thing = own.group("subject").lower() not in ("you", "we")
        return thing and not after.startswith(("be ", "be\n", "have ", "get "))
    last = found[-1] if found else None
    if last is None:
        return False
    return last.group("subject").lower() not in ("you", "we")


_POSTPOSED = re.compile(r"^(?:as|if|when|whenever|where)\b", re.IGNORECASE)
_CLAUSE_OPEN = re.compile(r".*(?:[,;:(]|\band\b)\s*|\W*(?:\d+[.)]\s+)?", re.IGNORECASE | re.DOTALL)
_LOOK_CLAUSE = re.compile(
    r"(?:(?:then|also|please|you\s+(?:should|can|could|may|might)|(?:you\s+)?(?:should|must))\s+)*"
    rf"(?:{_LOOKS})\b",
    re.IGNORECASE,
)


def _qualifies_a_look(hit: Hit) -> bool:
    """Whether vague words after a clause qualify a look ("Monitor the nodes as necessary",
    "you should explore as necessary"): a hedged look leaves nothing risky to the reader."""
    if not _POSTPOSED.match(hit.words):
        return False
    start = hit.passage.sentence_at(hit.start).start
    opening = _CLAUSE_OPEN.match(hit.passage.text, start, hit.start)
    return _LOOK_CLAUSE.match(hit.passage.text, opening.end() if opening else start) is not None


_RELATIVE = re.compile(r"\b(?:who|which|that)\s+$", re.IGNORECASE)
_OBLIGATION = re.compile(
    r"\b(?:should|must|need\s+to|needs\s+to|have\s+to|has\s+to|ought\s+to)\b", re.IGNORECASE
)
_CLAUSE_END = re.compile(r"[,;:.!?]")


def _in_relative_clause(hit: Hit) -> bool:
    """ "shared with anyone who may need to respond": the hedge is the relative clause's subject's,
    not an instruction to the reader."""
    return _RELATIVE.search(hit.passage.text, max(0, hit.start - 12), hit.start) is not None


_TIME_CLAUSE = re.compile(
    r"\b(?:as\s+soon\s+as|when|whenever|once|before|after|until|while)\s+(?:you|we|they)\b"
    r"[^,;:]*$",
    re.IGNORECASE,
)
_HEDGE_FIRST = re.compile(r"^(?:consider|may|might)\b", re.IGNORECASE)


def _when_not_what(hit: Hit) -> bool:
    """Whether a hedge sits in a clause of time about the reader ("Escalate as soon as you
    begin to consider failing over"): when the instruction applies, not what it leaves open."""
    if not _HEDGE_FIRST.match(hit.words):
        return False
    start = hit.passage.sentence_at(hit.start).start
    return _TIME_CLAUSE.search(hit.passage.text, start, hit.start) is not None


_FILL_WORDS = re.compile(
    r"^(?:as\s+(?:appropriate|relevant|required|needed|necessary|desired)|accordingly)$",
    re.IGNORECASE,
)
_FILLS_IN = re.compile(
    r"\b(?:fill\s+in|substitute|populate|replace)\b|`[^`\n]*[<\[{][^`\n]*`"
    r"|\b(?:these|those|the\s+following|the\s+example)\s+(?:\w+\s+)?(?:lines|commands?|snippets?"
    r"|code|examples?)\b"
    # values the page gives as defaults: "Insert these default values, and edit them as desired"
    r"|\b(?:these|those|the\s+following|the)\s+(?:default|example|sample|suggested)\s+"
    r"(?:values?|settings?|thresholds?)\b",
    re.IGNORECASE,
)
"""A value filled in: a placeholder, or text the page shows ("Fill in `<id>` as appropriate",
"Copy these lines and modify the class name as required", default values to "edit as
desired"): the value is the case's own, and what the page shows serves as it is."""
_POSSIBLE = re.compile(r"^(?:where|if|when(?:ever)?)\s+possible$", re.IGNORECASE)
_EXCEPTION = re.compile(
    r"^\W*(?:only\s+(?:\w+\s+){1,6}?(?:if|where|when|unless)\b|(?:\w+\s+){1,6}?only\s+(?:if|where"
    r"|when)\b)",
    re.IGNORECASE,
)
"""The exception to a default, written next: "Only use the API where the app lacks support"."""
_OPEN_LATER = re.compile(r"\byou\s+can\s+always\b", re.IGNORECASE)
_PURPOSE_OF = re.compile(r"\bso\s+(?:that\s+)?(?:you|we|they)\s+can\b", re.IGNORECASE)
_NOW_AND_THEN = re.compile(
    r"\b(?:sometimes|occasionally|at\s+times|in\s+some\s+cases|from\s+time\s+to\s+time)\s*,?"
    r"\s+(?:you|we)\s+$",
    re.IGNORECASE,
)
_FEEL_FREE = re.compile(r"\bfeel\s+free\b", re.IGNORECASE)


def _not_a_judgement(hit: Hit) -> bool:
    """Whether vague words leave nothing to judge: they qualify filling in a value ("Fill in
    `<id>` and `<name>` as appropriate"); a default whose exception the next sentence writes
    ("Use the app where possible. Only use the API where the app lacks support"); a
    reassurance ("You can always restore it later if needed"); a purpose ("so you can swap it
    if needed"); a case that arises now and then ("Sometimes you may need to demo a branch",
    then how); a permission ("feel free to drop off at your discretion")."""
    sentence = hit.passage.sentence_at(hit.start)
    before = hit.passage.text[sentence.start : hit.start]
    if _FILL_WORDS.match(hit.words) and _FILLS_IN.search(sentence.text):
        return True
    if _POSSIBLE.match(hit.words):
        index = bisect_left(hit.passage.sentence_starts, sentence.start)
        following = hit.passage.sentences[index + 1 : index + 2]
        if any(_EXCEPTION.match(s.text) for s in following):
            return True
    if _OPEN_LATER.search(before) or _PURPOSE_OF.search(before) or _FEEL_FREE.search(before):
        return True
    return bool(_HEDGE_MAY.match(hit.words)) and _NOW_AND_THEN.search(before) is not None


_HEDGE_MAY = re.compile(r"^(?:may|might)\b", re.IGNORECASE)


def _musing(hit: Hit) -> bool:
    """ "Perhaps you don't want to ...": a "perhaps" whose clause asks nothing (no "should",
    "must", "need to") muses; "perhaps improving this should be a longer-term task" is a hedged
    instruction."""
    if hit.words.lower() != "perhaps":
        return False
    end = _CLAUSE_END.search(hit.passage.text, hit.end)
    clause = hit.passage.text[hit.end : end.start() if end else len(hit.passage.text)]
    return _OBLIGATION.search(clause) is None


_ROLE_PURPOSE = re.compile(r"^\W*you\s+are\s+(?:there|here)\s+to\b", re.IGNORECASE)


def _directed(hit: Hit) -> bool:
    """Whether a role directs the action in the passage before the vague words ("the IC may ask
    you to reach out to another team ... Be ready to page such teams as necessary"): the
    necessity is the director's, not the reader's. A statement of the reader's purpose ("You
    are there to mobilize responders as necessary") describes the role, it does not instruct."""
    sentence = hit.passage.sentence_at(hit.start)
    if _ROLE_PURPOSE.match(sentence.text):
        return True
    for found in CHOSEN_BY.finditer(hit.passage.text, 0, hit.start):
        director = ARTICLE.sub("", (found.group("by") or found.group("who")).strip())
        if DIRECTOR.search(director):
            return True
    return False


def _default_given(hit: Hit) -> bool:
    """Whether the text says what to do when the reader cannot decide, in the hit's sentence or
    the next ("Announcing publicly is at your discretion. If you are unsure, then announce
    publicly."): the discretion has a written default, so nothing is left to a guess."""
    starts = hit.passage.sentence_starts
    index = bisect_left(starts, hit.passage.sentence_at(hit.start).start)
    following = hit.passage.sentences[index : index + 2] if index < len(starts) else []
    if any(on_doubt(sentence.text) for sentence in following) or on_doubt(hit.sentence):
        return True
    # or in the item right under it ("decide whether to announce" / "* If you are unsure,
    # announce"): the default is written one line on
    below = _next_passage(hit)
    return below is not None and any(on_doubt(s.text) for s in below.sentences[:2])


def _next_passage(hit: Hit) -> Passage | None:
    """The passage that starts on the line after the hit's passage ends, if any."""
    end = hit.passage.block.span.end_line
    for passage in hit.context.passages:
        line = passage.block.span.line
        if end < line <= end + 1:
            return passage
        if line > end + 1:
            break
    return None


def _leads_instruction(hit: Hit) -> bool:
    """Whether the vague words open a clause before an instruction ("Depending on the
    situation, page the on-call")."""
    sentence = hit.passage.sentence_at(hit.start)
    comma = hit.passage.text.find(",", hit.end, sentence.end)
    return comma >= 0 and instructs(hit.passage.text[comma + 1 : sentence.end].strip())


def _excused(context: CheckContext) -> set[int]:
    """Lines whose vague words RB101 found but excused (another role's call, a default given):
    a decision on them is not left to the reader either."""
    found = context.shared.setdefault("RB101-excused", set())
    assert isinstance(found, set)
    return found


def _decision_flags(context: CheckContext) -> list[Finding]:
    """The findings on decisions nothing written decides (worked out once per document; RB101
    reports those left to an opinion, RB102 those judged with no measure)."""
    return context.once("decisions", lambda: _work_out_decision_flags(context))


def _work_out_decision_flags(context: CheckContext) -> list[Finding]:
    selected = context.config.selected(["RB101", "RB102"], context.document.path)
    vague = _vague_in_text(context)  # also notes the lines whose vague words are excused
    flagged = {f.span.line for f in vague} if "RB101" in selected else set()
    flagged |= _excused(context)
    if "RB102" in selected:
        flagged |= {finding.span.line for finding in _unmeasurable_in_text(context)}
    return list(_undecided_decisions(context, flagged, measured_by_rb102="RB102" in selected))


def _bare_question(context: CheckContext, step: Step) -> bool:
    """Whether a decision is a question alone on its line, with no branch that depends on it
    (every edge unconditional): a check to answer, not a gate ("* Does the attacker have enough
    information to find another way in?"). A question followed by what to do ("... ? - do
    so.") is a decision."""
    if step.source is None or any(edge.when for edge in step.next):
        return False
    line = context.document.lines[step.source.end_line - 1].rstrip()
    return step.source.line == step.source.end_line and line.endswith("?")


_DETERMINES = re.compile(
    r"\b(?:determine|decide|assess|establish|work\s+out|find\s+out|figure\s+out|triage|judge)\s+"
    r"(?:if|whether|what|how)\b",
    re.IGNORECASE,
)
"""A step that finds out the answer a decision after it takes: its outcome decides it."""


def _illustrative(before: str, condition: str) -> bool:
    """Whether a condition only illustrates (it follows "for example" / "e.g." in the 20
    characters `before` it) or predicts ("there will be a lot of noise"): nothing hangs on it."""
    return bool(_EXAMPLE_OF.search(before[-20:]) or _PREDICTED.search(condition))


def _before_on_line(lines: tuple[str, ...], span: Span, condition: str) -> str:
    """The text before a decision's condition on its line ("" when it is not found there)."""
    line = lines[span.line - 1] if span.line <= len(lines) else ""
    column = line.find(condition[:30])
    return line[:column] if column > 0 else ""


_CLAUSE_REST = re.compile(r"(?:(?!\bthen\b)[^.;:!?,]){0,100}", re.IGNORECASE)
"""The rest of a condition's clause in the source after the words a step kept."""


def _undecided_decisions(
    context: CheckContext, flagged: set[int], measured_by_rb102: bool
) -> Iterator[Finding]:
    """Decisions whose condition nothing written decides (issue 16 item 5: `gate: human`),
    that no RB101/RB102 in the text already flags: the decision itself is left to the reader
    (RB102 when it judges with no measure and RB102 is on, else RB101)."""
    lines = context.document.lines
    previous: Step | None = None
    determined: set[str] = set()  # decisions on what a step before them finds out
    for step in context.graph.steps:
        before, previous = previous, step
        if step.kind != "decision" or step.source is None:
            continue
        if step.id in determined or (before is not None and _DETERMINES.search(before.text)):
            # "Investigate the alert to determine if ...", then "If action is required", and
            # the cases after it ("If no action is required"): the finding decides them all
            determined.update(edge.to for edge in step.next if edge.when == "otherwise")
            continue
        open_ = [
            condition
            for condition in undecided(
                [edge.when for edge in step.next if edge.when] or [step.condition or step.text]
            )
            if not (on_doubt(condition) or precaution(condition))  # a written default
        ]
        if not open_ or flagged.intersection(range(step.source.line, step.source.end_line + 1)):
            continue
        if _bare_question(context, step):
            continue  # "Does it provide enough detail?": an assessment, nothing gated on it
        if _illustrative(_before_on_line(lines, step.source, open_[0]), open_[0]):
            continue  # "... for example when a new page has had no time to rise"
        condition = " ".join(open_[0].split())
        span = step.source
        as_written = open_[0]
        for number in range(step.source.line, min(step.source.end_line, len(lines)) + 1):
            column = lines[number - 1].find(open_[0])
            if column >= 0:
                end = column + len(open_[0])
                span = Span(line=number, column=column + 1, end_line=number, end_column=end)
                rest = _CLAUSE_REST.match(lines[number - 1], end)
                as_written += rest.group(0) if rest else ""
                break
        if not undecided([as_written]):
            continue  # the source decides it: "once you are confident (via forensic analysis)"
        if _expected_then(context, span, open_[0]):
            continue  # "Once the lag is near zero, the geo postgres should switch to ...": told
        if _OBSERVED.match(condition) and not _DIAGNOSIS.search(condition):
            continue  # "If you see no entries": the look before decides it (still a human gate)
        code = "RB102" if measured_by_rb102 and measureless(condition) else "RB101"
        yield Finding(
            code,
            span,
            f'decision on "{condition}": nothing written decides it (no measure, explicit state '
            "or value, named check or declared input), so it is left to the reader",
            "state what decides it: a metric and threshold, the explicit state or value, or the "
            "outcome of a named earlier step",
            condition,
            step.id,
        )


_OBSERVED = re.compile(
    r"^\W*(?:if|once|when|whenever|unless)\s+(?:you|we)\s+(?:(?:do|did|does|can|could)\s*(?:not|n't)"
    r"\s+|cannot\s+|can't\s+|still\s+)?(?:see|find|identify|know|notice|spot|locate|get)\s+"
    r"(?!(?:how|why|whether|if)\b)",
    re.IGNORECASE,
)
"""What the reader sees, finds or knows as the case ("If you see no entries", "if you don't see
it", "Once you identify the component", "if you know the ID"): an observation the look before
it decides, not an opinion. The gate stays human (what was found is the reader's report)."""
_DIAGNOSIS = re.compile(
    r"\b(?:cause|causes|reason|culprit|offender|fault|faulty|root|problem|issue|denominator"
    r"|explanation|fix|solution|anything\s+(?:wrong|unusual|suspicious))\b",
    re.IGNORECASE,
)
"""A conclusion of analysis ("If you don't find a common cause", "If we cannot identify the
faulty release"): whether it was reached is the reader's judgement."""


def _expected_then(context: CheckContext, span: Span, condition: str) -> bool:
    """Whether the sentence that holds a decision's condition says what a thing then does
    ("Once the lag is near zero, the geo postgres should switch to streaming"): nothing is
    asked of the reader on it."""
    words = " ".join(condition.split())[:30]
    for passage in context.passages:
        block = passage.block.span
        if not block.line <= span.line <= block.end_line:
            continue
        text = " ".join(passage.text.split())
        offset = text.find(words)
        if offset >= 0:
            return any(
                sentence.start <= offset < sentence.end and expectation(sentence.text)
                for sentence in sentences(text)
            )
    return False


@rule(
    "RB102",
    "unmeasurable-condition",
    "warning",
    blocking=True,
    signoff=True,
    summary='A condition with a judgement but no metric or threshold: "if latency is high".',
    docs=RuleDoc(
        what="Flags conditions that compare against a judgement (high, slow, backed up, looks "
        "unhealthy) without a number, a threshold or a named metric; also questions and items of "
        'a list to confirm judged the same way ("Are the workers making sufficient progress?") '
        'and deadlines nobody sets ("in an appropriate timeframe").',
        why='"High" is whatever the reader thinks is high. Two on-call engineers — or an agent '
        "and a human — take different branches on the same data.",
        example="If latency is high, scale the deployment to 6 replicas.",
        instead="If p99 latency (`http_request_duration_seconds`) is above 500 ms for 5 minutes, "
        "scale the deployment to 6 replicas.",
    ),
)
@with_model_flags("RB102")
@one_per_line
def unmeasurable_condition(context: CheckContext) -> Iterator[Finding]:
    yield from _unmeasurable_in_text(context)
    yield from unmeasurable_checks(context)
    yield from (f for f in _decision_flags(context) if f.code == "RB102")


def _unmeasurable_in_text(context: CheckContext) -> list[Finding]:
    """RB102's findings (worked out once per document: RB101 reads their lines too)."""
    return context.once("RB102", lambda: list(_unmeasurable(context)))


_REQUIRED_AMOUNT = re.compile(
    r"\b(?:make\s+sure|ensure|verify|confirm|check)\s+(?:that\s+)?(?:there\s+(?:is|are)\s+|you\s+have"
    r"\s+|(?:it|they)\s+(?:has|have)\s+|the\s+[\w-]+\s+(?:has|have)\s+)?(?:enough|sufficient|adequate"
    r"|plenty\s+of)\s+[\w-]+(?:\s+[\w-]+)?",
    re.IGNORECASE,
)
"""An amount required with no measure: "make sure there is enough headroom"."""
_REQUIRED_FIRST = frozenset({"sure", "ensure", "verify", "confirm", "check"})


_CHECK_JUDGEMENT = re.compile(
    rf"{JUDGEMENT.pattern}"
    r"|\b(?:(?:genuinely|actually|significantly|particularly|unusually|abnormally|very)\s+)?"
    r"(?:high|elevated|excessive|sufficient|insufficient|healthy|unhealthy|abnormal|significant"
    r"|reasonable|acceptable)\s+(?!(?:than|or|and|but)\b)[a-z]+|\bbrief\s+spikes?\b",
    re.IGNORECASE,
)
"""A judgement with no measure, also before its noun ("a high restart count", "sufficient
progress")."""
_CHECK_FIRST = frozenset(
    {"high", "elevated", "excessive", "sufficient", "insufficient", "healthy", "unhealthy",
     "abnormal", "significant", "reasonable", "acceptable", "spike", "spikes", "normal", "slow",
     "enough", "unusual", "large", "lots", "plenty", "many", "much", "growing", "increasing"}
)  # fmt: skip
_CONFIRM_LEAD = re.compile(r"\b(?:confirm|ensure|make\s+sure)\b[^.]*:\s*$", re.IGNORECASE)
"""A lead-in that asks the reader to confirm what its list says ("... and confirm:")."""


def _judged_checks(context: CheckContext) -> Iterator[Finding]:
    """What the reader is to find out or confirm, judged with no measure: a question ("Are the
    workers making sufficient progress?") or an item of a list to confirm ("confirm: - response
    time remains healthy")."""
    for hit in scan_hits(context, _CHECK_JUDGEMENT, needs=_CHECK_FIRST):
        if hit.passage.block.kind == "heading":
            continue  # "### What does abnormal look like?": a title the section answers
        if not _checked_with_no_measure(context, hit):
            continue
        yield Finding(
            "RB102",
            hit.span,
            f'unmeasurable check "{hit.words}": no threshold to decide by',
            'name the metric and the threshold (and for how long), e.g. "above 500 ms for 5m"',
            hit.words,
            hit.step,
        )


_LOOK_FOR = re.compile(
    r"^\W*(?:(?:then|also|next|first|now)\s+)?(?:look|watch|check|monitor|scan|search|keep\s+an"
    r"\s+eye\s+out)\s+(?:\w+\s+){0,3}?for\b",
    re.IGNORECASE,
)
"""An instruction to look for something: what it looks for is the condition it acts on."""
_ALTERNATIVE_START = re.compile(r".*(?:[,;(]|\bor\b|\band\b)", re.IGNORECASE | re.DOTALL)
_ALTERNATIVE_END = re.compile(r"[,;.!?)]|\bor\b|\band\b", re.IGNORECASE)


def _looked_for(hit: Hit) -> bool:
    """Whether the judgement is part of what an instruction looks for ("Look for pods in
    `CrashLoopBackOff`, or showing a high restart count"): a condition with no measure."""
    sentence = hit.passage.sentence_at(hit.start)
    return _LOOK_FOR.match(hit.passage.text, sentence.start, hit.start) is not None


def _alternative(hit: Hit) -> str:
    """The alternative of a list that holds a judgement ("or showing a high restart count"):
    a measure in another alternative ("`OOMKilled` (Exit Code 137)") does not decide it."""
    text = hit.passage.text
    sentence = hit.passage.sentence_at(hit.start)
    before = _ALTERNATIVE_START.match(text, sentence.start, hit.start)
    start = before.end() if before else sentence.start
    after = _ALTERNATIVE_END.search(text, hit.end, sentence.end)
    return text[start : after.start() if after else sentence.end]


def _checked_with_no_measure(context: CheckContext, hit: Hit) -> bool:
    """Whether a judgement is what the reader looks for, asks or confirms, with no measure in
    its alternative (a look-for) or its sentence (a question, an item to confirm)."""
    if _looked_for(hit):
        return not _decidable(_alternative(hit))
    sentence = hit.sentence
    if _decidable(sentence) or foreseen(sentence, hit.match):
        return False
    return sentence.rstrip().endswith("?") or _in_confirm_list(context, hit.passage)


def _in_confirm_list(context: CheckContext, passage: Passage) -> bool:
    """Whether a list item belongs to a list that a lead-in asks to confirm or check ("...
    and confirm:")."""
    if passage.block.list_depth == 0:
        return False
    for block in reversed(context.document.blocks):
        if block.span.line >= passage.block.span.line:
            continue
        if block.list_depth >= passage.block.list_depth and block.kind != "heading":
            continue
        return bool(_CONFIRM_LEAD.search(block.text))
    return False


_UNTIMED = re.compile(
    r"\b(?:in|within)\s+(?:a|an)\s+(?:reasonable|appropriate|suitable|timely|acceptable|sensible)"
    r"\s+(?:time(?:\s*frame)?|timeframe|period|amount\s+of\s+time)\b",
    re.IGNORECASE,
)
"""A deadline nobody sets: "fix the issue in an appropriate timeframe"."""
_UNTIMED_FIRST = frozenset(
    {"reasonable", "appropriate", "suitable", "timely", "acceptable", "sensible"}
)


def _unmeasurable(context: CheckContext) -> Iterator[Finding]:
    yield from _judged_before(context)
    yield from _judged_checks(context)
    for hit in scan_hits(context, _UNTIMED, needs=_UNTIMED_FIRST):
        if _decidable(hit.sentence) or not instructs(hit.sentence):
            continue
        if described(context, hit.passage, hit.sentence):
            continue  # "If this value is high it means ..." describing a graph
        yield Finding(
            "RB102",
            hit.span,
            f'unmeasurable deadline "{hit.words}": by when, exactly?',
            'name the time limit, e.g. "within 2 working days"',
            hit.words,
            hit.step,
        )
    for hit in scan_hits(context, _REQUIRED_AMOUNT, needs=_REQUIRED_FIRST):
        rest = hit.passage.text[hit.start : hit.passage.sentence_at(hit.start).end]
        if _decidable(rest) or not instructs(hit.sentence):
            continue
        if described(context, hit.passage, hit.sentence):
            continue  # a description, as above
        yield Finding(
            "RB102",
            hit.span,
            f'unmeasurable condition "{hit.words}": how much is enough?',
            'name the amount and how to measure it, e.g. "at least 20% free on /var"',
            hit.words,
            hit.step,
        )
    for hit in scan_hits(context, _CONDITION, needs=_CONDITION_FIRST):
        clause = hit.match.group(0)
        judgement = next(
            (j for j in JUDGEMENT.finditer(clause) if not foreseen(clause, j)), None
        )  # a risk foreseen ("activities that might generate plenty of pages") asks a precaution
        if judgement is None or _decidable(clause) or _embedded_question(hit):
            continue
        if not (instructs(hit.sentence) or _VERDICT.search(hit.sentence)):
            continue
        if described(context, hit.passage, hit.sentence):
            continue  # a description, as above
        if _illustrates(hit):
            continue  # "for example when a new page has had no time to rise", "if X, there will be"
        if _ADEQUATE.match(clause):
            continue  # "if the logs are not enough to find the cause": RB101's
        words = " ".join(clause[: judgement.end()].split())
        span = hit.passage.span(hit.match.start(), hit.match.start() + judgement.end())
        yield Finding(
            "RB102",
            span,
            f'unmeasurable condition "{words}": no threshold to decide by',
            'name the metric and the threshold (and for how long), e.g. "above 500 ms for 5m"',
            words,
            hit.step,
        )


_ADEQUATE = re.compile(rf"\W*(?:if|when|unless|once)\s+{_ADEQUATE_FOR}", re.IGNORECASE)


_EXAMPLE_OF = re.compile(r"\b(?:for\s+example|for\s+instance|e\.g\.|such\s+as),?\s*$", re.I)
_PREDICTION = re.compile(
    r"[^.;:!?]*?,?\s*(?:then\s+)?(?:there\s+will\s+be|you\s+(?:will|should)\s+(?:now\s+)?(?:see"
    r"|notice|get)|it\s+will\s+be)\b",
    re.IGNORECASE,
)


_PREDICTED = re.compile(r"\b(?:there\s+will\s+be|you\s+will\s+(?:see|notice|get))\b", re.I)


def _illustrates(hit: Hit) -> bool:
    """Whether a condition only illustrates ("... for example when a new page has not risen
    yet") or predicts ("if there's a major outage there will be a lot of noise"): no decision
    hangs on it."""
    start = hit.match.start()
    if _illustrative(hit.passage.text[max(0, start - 20) : start], hit.match.group(0)):
        return True
    return _PREDICTION.match(hit.passage.text, hit.match.end()) is not None


_VERDICT = re.compile(
    r",\s*(?:then\s+)?(?:the\s+|this\s+|that\s+)?(?:issue|problem|alert|incident|error|outage)s?\s+"
    r"(?:(?:may|might|could|will|should|probably)\s+)?(?:have\s+|has\s+)?(?:been\s+|be\s+|is\s+"
    r"|are\s+)?(?:resolved|fixed|gone|cleared|over|recovered|self-resolved|mitigated)\b"
    r"|,\s*(?:then\s+)?(?:you\s+can|it\s+is\s+safe\s+to)\s+(?:ignore|close|resolve|skip)\b"
    r"|,\s*(?:then\s+)?no\s+(?:further\s+)?action\s+is\s+(?:needed|required|necessary)\b",
    re.IGNORECASE,
)
"""A verdict on the case as the outcome of a condition ("If activity now appears normal, the
issue may have resolved itself"): the reader decides on it whether to stop."""
_REFERS_BACK = re.compile(
    at_word_start(
        "iow",
        r"\b(?:if\s+not|if\s+so|if\s+yes|if\s+no|otherwise"
        r"|(?:if|when|whenever)\s+(?:that|this|it)\s+(?:happens|occurs|is\s+the\s+case))\b",
    ),
    re.IGNORECASE,
)


def _judged_before(context: CheckContext) -> Iterator[Finding]:
    """ "Verify the host is healthy, if not switch to ...": "if not" takes the clause before it
    as its condition, so a judgement there with no measure is RB102."""
    blocks = context.document.blocks
    for hit in scan_hits(
        context, _REFERS_BACK, needs=frozenset({"if", "otherwise", "when", "whenever"})
    ):
        start = hit.passage.sentence_at(hit.match.start()).start
        if not hit.passage.text[start : hit.match.start()].strip(" \t\n*_(") and start > 0:
            # "It often gets stuck. If that happens, ...": the sentence before is the case
            start = hit.passage.sentence_at(start - 1).start
        before = hit.passage.text[start : hit.match.start()]
        judgement = JUDGEMENT.search(before)
        if judgement is None or _decidable(before):
            continue
        lead_in = hit.sentence.rstrip().endswith(":") and code_follows(blocks, hit.passage)
        if not (instructs(hit.sentence) or lead_in):
            continue
        span = hit.passage.span(start + judgement.start(), start + judgement.end())
        words = " ".join(judgement.group(0).split())
        yield Finding(
            "RB102",
            span,
            f'unmeasurable condition "{words}" (then "{hit.words}"): no threshold to decide by',
            'name the metric and the threshold (and for how long), e.g. "above 500 ms for 5m"',
            words,
            hit.step,
        )


def _decidable(clause: str) -> bool:
    """A condition decided by what is written: a number, a threshold or comparison, an
    explicit value, or how it is judged (RB102's test; `conditions.decidable` also takes
    states a command reports and the outcome of the step before)."""
    return bool(MEASURED.search(clause) or EXPLICIT.search(clause) or JUDGED_BY.search(clause))


_QUESTION_VERB = re.compile(
    r"\b(?:check|checking|verify|see|determine|confirm|find\s+out|ask|identify|validate|test"
    r"|know|decide|establish|investigate|figure\s+out|look\s+at|assess|evaluate|wonder|sure)"
    r"\s+(?:\w+\s+){0,3}$",
    re.IGNORECASE,
)


def _embedded_question(hit: Hit) -> bool:
    """ "Check if the job is stuck": a check (an embedded question), not a condition."""
    before = hit.passage.text[max(0, hit.match.start() - 40) : hit.match.start()]
    return bool(_QUESTION_VERB.search(before)) and hit.match.group(0)[:2].lower() in ("if", "wh")
