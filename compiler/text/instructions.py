"""Instructions: whether a sentence tells the reader to do something, and whether it hands
the problem to someone else.

The one home of the imperative-verb list and of the "you should ..." forms, used by the
extractor (which sentences become steps) and by the text rules (which sentences gate
anything). Nothing here imports a compile stage.
"""

from __future__ import annotations

import re
from functools import lru_cache

from compiler.text.patterns import by_first_letter

VERBS = (
    r"do\s+not|don't|never|accept|acknowledge|act|activate|add|adjust|allow|analy[sz]e|announce"
    r"|answer|appoint"
    r"|apply|archive|arrange|ask|assemble|assess|assign|attach|attend|avoid|back ?up|be|begin"
    r"|block|brief|bring|bump|call|cancel|capture|change|check|choose|clean|clear|close|collect"
    r"|communicate|compare|complete|conduct|configure|confirm|connect|consider|contact|contain"
    r"|continue|coordinate|copy|cordon|create|cut|debug|decide|declare|decrease|delegate"
    r"|delete|deploy|deregister|describe|designate|destroy|detach|determine|disable|disconnect"
    r"|discuss|dismiss|document|erase|evict|purge|truncate|uninstall|wipe"
    r"|download|drain|drop|edit|email|enable|ensure|enter|escalate|establish|evaluate|examine"
    r"|execute|expand|explain|export|extend|extract|file|fill|find|finish|fix|flush|focus|follow"
    r"|forward"
    r"|freeze|gather|get|give|go|grant|hand\s+(?:over|off)|have|hold|identify|ignore|implement|include|increase|inform"
    r"|initiate|inspect|install|instruct|investigate|invite|involve|isolate|issue|join|keep|kick"
    r"|kill|leave"
    r"|let|list|listen|lock|log ?in|login|look|make|mention|merge|message|migrate|mitigate|modify"
    r"|monitor"
    r"|mount|move|navigate|note\s+(?:down|the|it|this|any|which|how|what|where)|notify"
    r"|observe|obtain|open|page|participate|pass|patch|pause|perform|pick"
    r"|ping|post|prefer|prepare|preserve|prevent|prioriti[sz]e|proceed|provide|prune|publish|pull"
    r"|push|put|query|raise|reach out|read|reboot|record|recreate|reduce|refer|refund|reinstall"
    r"|reinstate|release|reload|remain|remember|remind|remove|rename|renew|repair|repeat|replace|reply"
    r"|report|request|re-?run|reset|resize|resolve|respond|restart|restore|resume|retry|review"
    r"|revert|revoke|roll ?back|rotate|run|save|scale|schedule|search|see|select|send|set ?up"
    r"|set|share|ship|shut ?down|shut|sign|silence|skip|snooze|specify|ssh|start|stay|stop"
    r"|study|submit|summari[sz]e|swap|switch|sync|tag|tail|take|tell|terminate|test|trigger"
    r"|try|turn|uncordon|unlock|update|upgrade|upload|use|validate|verify|view|visit|wait"
    r"|watch|work\s+(?:with|through|on)|write"
)
"""Verbs an instruction starts with ("Isolate affected instances", "Be aware of ...")."""


IMPERATIVE = re.compile(
    r"^(?:please\s+|then,?\s+|now,?\s+|first,?\s+|next,?\s+|finally,?\s+|also,?\s+|optionally,?\s+"
    r"|immediately\s+|always\s+|just\s+)?"
    r"(?!use\s+this\b(?!\s+(?:command|tool|query|script)))"
    rf"(?:{by_first_letter(VERBS)})\b(?![-'])(?!\s+only\b)",
    re.IGNORECASE,
)


YOU_SHOULD = re.compile(
    r"\b(?=[yw])(?<!\bwhat )(?<!\bwhich )(?<!\bhow )(?<!\bwhere )(?<!\bwhen )"
    r"(?:you|we)\s+(?:should|must|need to|have to|will need to"
    r"|(?:may|might)\s+(?:want|need) to"
    r"|(?:are|will\s+be|'re)\s+(?:\w+ly\s+)?(?:expected|required|responsible\s+for(?=\s+\w)|asked)\b"
    r"|(?<=we\s)(?:\w+ly\s+)?(?:recommend|suggest|advise)\b)"
    r"\b",
    re.IGNORECASE,
)


LEADING_CONDITION = re.compile(
    r"^(?:(?:therefore|so|then|also|however|thus|now|next|finally|again|alternatively|and|but"
    r"|similarly|likewise|additionally)"
    r"\s*,?\s+)?"
    r"(?P<kw>if|in case|in the case|when|whenever|once|unless|should|where|for the case)\b"
    r"(?P<cond>[^,:;]*?)(?:,|;|\bthen\b|:)\s*(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)


LEADING_INSTRUCTION = re.compile(
    # The condition may hold commas ("If it lacks a ConfigMap, Secret or file, go to step 6")
    # but never runs past a "then": "If X, then the job is done and ... to provision, update
    # or delete" has no instruction after its condition.
    LEADING_CONDITION.pattern.replace("[^,:;]*?", r"(?:(?!\bthen\b).)*?").replace(
        "(?P<rest>.*)$", rf"(?P<rest>(?:{IMPERATIVE.pattern.removeprefix('^')}).*)$"
    ),
    re.IGNORECASE | re.DOTALL,
)


STEP_REFERENCE = re.compile(
    # the word-start test first: mid-word positions fail it before any alternative is tried
    r"\b(?=[gsjrcpm])(?:"
    r"\b(?:go|skip|jump|return|continue|proceed|move|start over)\s+(?:back\s+)?(?:to|with|from|at)"
    r"\s+step\s+(?P<n>\d+)|\b(?:repeat|redo)\s+(?:from\s+)?step\s+(?P<r>\d+))",
    re.IGNORECASE,
)


ESCALATE = re.compile(
    # Every match starts a word with one of these letters: mid-word positions fail this one
    # test instead of every alternative (and the look-behinds of "page"/"ping").
    r"\b(?=(?i:[ecnorihgap]))(?:"
    r"\b(?i:escalate|contact|notify|open an? (?:\w+ )?(?:support )?(?:case|ticket)|reach out"
    r"|inform|hand ?(?:off|over)|raise an? (?:incident|ticket)"
    r"|(?:get|ask\s+for|request)\s+(?:an?\s+)?(?:approval|sign-?off)\s+from)\b"
    # "connect with Red Hat Support", "connect with the on-call" (not "connect with ssh")
    r"|\b(?i:connect|get\s+in\s+touch)\s+with\s+(?:(?i:the|your)\s+)?(?:[A-Z]|(?i:support|on-?call"
    r"|owners?|team)\b)"
    # "page"/"ping" as a verb with a person, role or team after it, not the noun ("run page").
    r"|(?<![\w-])(?<!\bthe )(?<!\ba )(?<!\bthis )(?<!\byour )(?<!\bour )(?<!\brun )"
    r"(?i:page|ping)\s+(?:(?i:the|a|an|someone|somebody|them|him|her|your|their|on-?call)\b|@|[A-Z])"
    r")",
)
"""Contacting, paging or handing over to a person, role or team."""


_ROLE = re.compile(
    r"^your\s+(?:main\s+|primary\s+|first\s+|only\s+)?(?:job|role|task|duty|responsibility|goal"
    r"|aim)\b[^.;:]{0,80}?\bis\s+to\s+",
    re.IGNORECASE,
)
"""A role statement: "Your job as scribe is to <instructions>"."""


def folded_head(text: str) -> str:
    """The case-folded start of a text (where a role statement's "is to" would be)."""
    return text[:120].casefold()


_OBLIGATION = re.compile(
    r"^(?!(?:it|this|that|there|these|those|which|what|each|all|they|he|she)\b)"
    r"(?!(?:the\s+|its\s+|their\s+)?(?:\w+\s+)?(?:output|result|response|notification|message|log"
    r"|event|alert|command|query|value|status|condition|metric|graph|dashboard)s?\b)"
    r"(?:(?:as\s+soon\s+as\s+possible|if\s+so|then),\s+)?"
    r"[^,.;:?!]{1,80}?\s+should\s+(?:also\s+|then\s+|always\s+|immediately\s+|now\s+|first\s+)?"
    r"(?!(?:show|list|display|contain|include|return|report|read|say|look|appear|match|have"
    r"|print|output|work|fail|succeed|resolve|recover|reflect|indicate|mention|state|note|see"
    r"|take\s+(?:about|around|up|\d|a\s+few|several|less|more|some|no|only|at))\b)"
    rf"(?:(?:{by_first_letter(VERBS)})\b(?![-'])(?<!\bbe)"
    r"|be\s+(?:\w+ly\s+)?(?:[a-z]+ed|taken|done|run|shut\s+down|kept|sent|given|made|written"
    r"|thrown|rebuilt|put)\b)",
    re.IGNORECASE,
)
"""An obligation put on someone or something named: "Affected instances should be isolated",
"The new lead should then announce ...", "Tasks should be assigned to one person" (not an
expectation: "It should take 5 minutes", "The status should be `True`", "The page should list
the node")."""


_EXPECT = re.compile(
    r"\s+(?:now\s+|then\s+|also\s+)?(?:see|notice|observe|receive|get\s+(?:an?\s+|the\s+)?"
    r"(?:output|result|response|message|error))\b",
    re.IGNORECASE,
)
"""After "you should": what the reader will see, not something to do ("You should see errors
about the kubeconfig")."""


_PRESENTING = re.compile(r"^(?:here|below|these|this|the\s+following)\s+(?:is|are)\b", re.I)
"""A sentence presenting what follows ("Here are some examples you should use")."""


_YOU_CAN = re.compile(
    r"(?:you|we)\s+(?:can|may)\s+(?:now\s+|then\s+|also\s+|safely\s+)?(?!be\b|have\b)", re.I
)
"""What a condition allows is an instruction: "If the pool is drained, you can remove it"."""


_LEAD_ADVERB = re.compile(r"^[a-z]{2,}ly,?\s+(?=[a-z])", re.IGNORECASE)
"""A manner adverb before an imperative: "Manually page them", "Simply state that ..."."""


_INTRO = re.compile(
    r"^(?:based\s+on|using|with|after|before|during|for\s+(?:each|every|the|a|an|all)|on|in|from"
    r"|via|by|at|within|inside|as\s+(?:a|an|the)|to\s+(?:be\s+safe|confirm|check|verify|see))\b"
    r"[^,;:.?!]{1,80},\s+",
    re.IGNORECASE,
)
"""A short phrase setting where or with what before an instruction: "On the hub, run ...",
"Based on the data that was compromised, assess ...", "As a first step, ...". """


_BARE_VERB = re.compile(
    r"^(?P<verb>[A-Z][a-z]+)(?<!ly)(?<![^s]s)(?<!ed)(?<!ing)"
    r"(?:\s+(?:and|or)\s+[a-z]{2,})?\s+"
    r"(?:(?:it|them)\b|(?:the|a|an|any|all|every|each|your|our|their|its|this|these|those)\s+\S)"
)
"""A word of verb shape (not -ly, -ed, -ing, nor a third-person -s) opening a sentence with its
object right after it: "Blacklist the addresses", "Prefix all subjects", "Roll it back". The
verb list cannot hold every verb; this catches the rest. `_NOT_VERBS` are the words of that
shape that are not verbs."""
_NOT_VERBS = frozenset(
    {"the", "this", "that", "these", "those", "there", "here", "its", "they", "them", "their",
     "all", "each", "every", "some", "any", "most", "many", "much", "more", "less", "few", "both",
     "either", "neither", "such", "other", "another", "several", "one", "two", "three", "first",
     "second", "third", "last", "next", "and", "but", "nor", "yet", "for", "with", "from", "after",
     "before", "because", "since", "while", "until", "unless", "although", "though", "whereas",
     "however", "also", "then", "thus", "hence", "what", "which", "who", "whom", "whose", "why",
     "how", "where", "when", "whether", "once", "even", "just", "only", "still", "now", "often",
     "sometimes", "perhaps", "maybe", "otherwise", "meanwhile", "today", "tomorrow", "yesterday",
     "tonight", "again", "about", "above", "below", "under", "over", "into", "onto", "upon",
     "per", "via", "like", "unlike", "despite", "during", "between", "among", "against",
     "toward", "towards", "behind", "beyond", "except", "given", "without", "within", "across",
     "through", "throughout", "around", "inside", "outside", "near", "off", "out", "was", "were",
     "are", "has", "had", "have", "did", "does", "can", "could", "will", "would", "shall",
     "should", "may", "might", "must", "got", "took", "saw", "made", "found", "ran", "went",
     "came", "gave", "left", "kept", "sent", "told", "brought", "began", "broke", "chose",
     "knew", "thought", "became", "caused", "everything", "nothing", "something", "anything",
     "everyone", "nobody", "someone", "anyone", "yes", "not", "far", "too", "very",
     "our", "your", "his", "her", "him", "she", "you", "let", "it", "we", "as", "in", "on",
     "if", "no", "so", "or", "an", "at", "by", "to", "up", "my", "he", "me", "us", "of", "is",
     "be", "am", "oh", "ok"}
)  # fmt: skip


LABEL = re.compile(r"^(?:\*\*)?[A-Z][\w ]{0,60}?(?:\*\*)?:\s+(?=\S)")
"""A short label before an instruction: "Note for operators: restart ..."."""


_EMPHASIS = re.compile(
    r"^(?:<(?:span|i|em|b|strong|img)\b[^<>]*>(?:\s*</\w+>)?\s*)*(?:\*\*|__|\*|_)?(?=\w)"
)
"""Markup before a sentence's first word: emphasis, or an inline icon ("<span class="icon
bad"></span> Don't estimate ...")."""


@lru_cache(maxsize=8192)  # pure; the extractor and the rules ask again of the same sentences
def leading_condition(text: str) -> re.Match[str] | None:
    """A leading condition, split before the instruction it guards: in "If it lacks a
    ConfigMap, Secret or file, go to step 6" the condition runs to the comma before "go"."""
    return LEADING_INSTRUCTION.match(text) or LEADING_CONDITION.match(text)


def is_instruction(text: str) -> bool:
    """Whether a sentence tells the reader to do something (used by the text rules too)."""
    return instructional(text.strip().lstrip("-*0123456789.) ").strip())


def mentions_escalation(text: str) -> bool:
    """Whether text hands the problem to someone else (escalate, page, open a case...)."""
    return bool(ESCALATE.search(text))


@lru_cache(maxsize=8192)  # pure; the extractor and the rules ask again of the same sentences
def instructional(text: str, procedural: bool = True) -> bool:
    """An instruction: imperative, "you should ...", a step reference, or a condition whose
    consequence is one of those ("If X, restart Y" — not "When X, the cause can be Y").
    Outside procedural sections an obligation put on someone else ("Hosts should be
    isolated") does not count."""
    leading = leading_condition(text)
    if leading:
        text = leading.group("rest")
        if _bare_imperative(text[:1].upper() + text[1:]):
            return True  # "If anyone disrupts the call, mute them."
        can = _YOU_CAN.match(text)
        if can and IMPERATIVE.match(text[can.end() :]):
            return True  # "Once it has recovered, you can announce ..."
    text = _EMPHASIS.sub("", text)
    label = LABEL.match(text) if ":" in text else None
    if label and IMPERATIVE.match(text[label.end() :]):
        return True
    if IMPERATIVE.match(text) or _bare_imperative(text):
        return True
    adverb = _LEAD_ADVERB.match(text)
    if adverb and IMPERATIVE.match(text[adverb.end() :]):
        return True
    role = _ROLE.match(text) if "is to" in folded_head(text) else None
    if role and _imperative(text[role.end() :]):
        return True  # "Your job as scribe is to listen to the call, ..."
    intro = _INTRO.match(text) if "," in text else None
    rest = text[intro.end() :] if intro else ""
    if intro and (_imperative(rest) or leading_condition(rest)):
        return True if _imperative(rest) else instructional(rest, procedural)
    # Each search below needs a word that the case-folded text holds (casefold, not lower:
    # the long s folds to "s", as the patterns' IGNORECASE reads it): most sentences skip both.
    folded = text.casefold()
    if _PRESENTING.match(text):
        return False  # "Here are some phrases you should use": what follows is the instruction
    # "you should ..." counts under any heading (a heading never excludes an instruction);
    # what the reader should see is an expectation, not an instruction.
    you_should = ("you" in folded or "we" in folded) and YOU_SHOULD.search(text)
    if you_should and _EXPECT.match(text, you_should.end()):
        you_should = None
    if procedural and not you_should and "should" in folded and _OBLIGATION.match(text):
        return True
    return bool(you_should or ("step" in folded and STEP_REFERENCE.search(text)))


def _imperative(text: str) -> bool:
    """An imperative opening a clause, the verb listed or not ("play it with a colleague")."""
    return bool(IMPERATIVE.match(text)) or _bare_imperative(text[:1].upper() + text[1:])


def _bare_imperative(text: str) -> bool:
    """A sentence opening with a verb the list lacks, its object right after it."""
    bare = _BARE_VERB.match(text)
    if bare is None or bare.group("verb").lower() in _NOT_VERBS:
        return False
    return not _KNOWN_VERB.fullmatch(bare.group("verb"))  # a listed verb: IMPERATIVE decided


_KNOWN_VERB = re.compile(rf"(?:{by_first_letter(VERBS)})", re.IGNORECASE)
