"""Instructions: whether a sentence tells the reader to do something, and whether it hands
the problem to someone else.

The one home of the imperative-verb list and of the "you should ..." forms, used by the
extractor (which sentences become steps) and by the text rules (which sentences gate
anything). Nothing here imports a compile stage.
"""

from __future__ import annotations

import re
from functools import lru_cache

from compiler.text.markup import OPEN, html_comments
from compiler.text.patterns import by_first_letter
from compiler.text.task_boxes import TASK_BOX

VERBS = (
    r"do\s+not|do(?=\s+`)|don't|never|accept|acknowledge|act|activate|add|adjust|allow|analy[sz]e"
    r"|announce"
    r"|answer|appoint|attempt"
    r"|apply|archive|arrange|ask|assemble|assess|assign|attach|attend|avoid|back ?up|be|begin"
    r"|block|brief|bring|bump|call|cancel|capture|change|check|choose|clean|clear|click|close|double-click|collect"
    r"|communicate|compare|complete|conduct|configure|confirm|connect|consider(?!\s+that\b)"
    r"|contact|contain"
    r"|continue|coordinate|copy|cordon|craft|create|cut|debug|decide|declare|decrease|delegate"
    r"|delete|deploy|deregister|describe|designate|destroy|detach|determine|disable|disconnect"
    r"|discuss|disseminate|dismiss|document|erase|evict|purge|truncate|uninstall|wipe"
    r"|download|drain|drop|edit|email|enable|ensure|enter|escalate|establish|evaluate|examine"
    r"|execute|expand|explain|export|extend|extract|file|fill|find|finish|fix|flush|focus|follow"
    r"|forward|gain"
    r"|freeze|gather|get|give|go|grant|hand\s+(?:over|off)|have|hold|identify|ignore|implement|include|increase|inform"
    r"|initiate|inspect|install|instruct|investigate|invite|involve|isolate|issue|join|keep|kick"
    r"|kill|leave"
    r"|let|list|listen|lock|log ?(?:in|on)(?:to)?|log\s+out|login|look|make|mention|merge"
    r"|direct(?=\s+(?:the\s+)?(?:users?|them|people|customers?|reporters?|him|her|someone)\s+to\b)"
    r"|message(?=\s+(?:(?:the|them|him|her|someone|everyone|anyone|your|our|their)\b|[@#]))"
    r"|migrate|mitigate|modify"
    r"|monitor"
    r"|mount|move|navigate|note\s+(?:down|the|it|this|any|which|how|what|where)|notify"
    r"|observe|obtain|open|page|participate|pass|patch|pause"
    r"|pay\s+(?:close\s+|careful\s+|special\s+|particular\s+)?attention|perform|pick"
    r"|paste|ping|post|prefer|prepare|press|preserve|prevent|prioriti[sz]e|proceed|provide|prune"
    r"|publish|pull|push|put|query|raise|right-click|reach out|read|reboot|record|recreate|reduce"
    r"|refer|refund|reinstall"
    r"|reinstate|release|reload|remain|remember|remind|remove|rename|renew|repair|repeat|replace|reply"
    r"|report|request|re-?run|reset|resize|resolve|respond|restart|restore|resume|retry|review"
    r"|revert|revoke|roll ?back|rotate|run|save|scale|schedule|search|see|select|send|set ?up"
    r"|set|share|ship|shut ?down|shut|sign|silence|sit\s+(?:in|with)\b|skip|snooze"
    r"|speak\s+(?:to|with)\b|specify|ssh"
    r"|start|stay|stop|state(?=\s+(?:that|clearly|why|what)\b)|study|submit|summari[sz]e|swap"
    r"|switch|sync|tag|tail|take|talk\s+(?:with|to)\b|tap|tell|terminate|test|tick|track|trigger"
    r"|type(?!\s+(?:of|is|are|was|and)\b)|untick"
    r"|try|turn|uncordon|unlock|update|upgrade|upload|use|validate|verify|view|visit|visuali[sz]e|wait"
    r"|watch|work\s+(?:with|through|on)|write"
)
"""Verbs an instruction starts with ("Isolate affected instances", "Be aware of ...")."""


IMPERATIVE = re.compile(
    r"^(?:please\s+|then,?\s+|now,?\s+|first,?\s+|next,?\s+|finally,?\s+|also,?\s+|optionally,?\s+"
    r"|immediately\s+|always\s+|just\s+|either\s+)?"
    r"(?!use\s+this\b(?!\s+(?:command|tool|query|script)))"
    rf"(?:{by_first_letter(VERBS)})\b(?![-'])(?!\s+only\b)(?!\s*(?:[=|>]|<[\s=]))",
    re.IGNORECASE,
)


YOU_SHOULD = re.compile(
    r"\b(?=[yw])(?<!\bwhat )(?<!\bwhich )(?<!\bhow )(?<!\bwhere )(?<!\bwhen )"
    # an adverb between: "To investigate, we first need to log in", "you then must restart it"
    r"(?:you|we)(?:\s+(?:first|then|also|now|still|really|probably|usually|only|definitely"
    r"|always|just|simply|generally|typically|normally|actually))?"
    r"(?:\s+|(?=['\u2019]ll\b))(?:should|must|need to(?!\s+know\b)|have to"
    r"|(?:will|['\u2019]ll)\s+(?:usually\s+|normally\s+|typically\s+|probably\s+|also\s+|first\s+"
    r"|then\s+|now\s+|still\s+)?"
    r"(?:need|have|want)\s+to"
    r"(?!\s+(?:know|see|understand|learn|hear|be|have|find\s+out)\b)"
    r"|(?:will|['\u2019]ll)\s+need\s+(?:more|an?|another|additional|extra)\b"
    r"|(?:may|might)\s+(?:want|need) to"
    r"|(?:are|will\s+be|'re)\s+(?:\w+ly\s+)?(?:expected|required|responsible\s+for(?=\s+\w)|asked)\b"
    r"(?!\s+to\s+(?:know|understand|be\s+(?:familiar|aware)|have\s+(?:read|an?\s+understanding))\b)"
    r"|(?<=we\s)(?:\w+ly\s+)?(?:recommend|suggest|advise)\b)"
    r"\b",
    re.IGNORECASE,
)


LEADING_CONDITION = re.compile(
    r"^(?:(?:therefore|so|then|also|however|thus|now|next|finally|again|alternatively|and|but"
    r"|similarly|likewise|additionally)"
    r"\s*,?\s+)?"
    r"(?P<kw>if|in case|in the case|in the event(?:\s+that)?|when|whenever|once|unless|should"
    r"|where|for the case)\b"
    r"(?P<cond>(?:`[^`\n]*`|://|[^,:;`])*?)(?:,|;|\bthen\b|:(?!//))\s*(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)


_ADVICE_AFTER = (
    r"it(?:'s|\u2019s|\s+is)\s+(?:\w+ly\s+|always\s+|also\s+)?(?:worth\s+[a-z]+ing|best\s+to"
    r"|recommended\s+to|advisable\s+to|necessary\s+to)\b"
)
"""Advice as the consequence of a condition ("If X, and Y, then it's worth checking Z")."""


LEADING_INSTRUCTION = re.compile(
    # The condition may hold commas ("If it lacks a ConfigMap, Secret or file, go to step 6")
    # but never runs past a "then": "If X, then the job is done and ... to provision, update
    # or delete" has no instruction after its condition.
    # "Unable to resolve X, please contact support": a failure as the condition, only before
    # an instruction ("Unable to connect to the server: x509 ..." is an error message).
    # Code is read whole: "If `Ledger::Sync::Error` keeps appearing, ..." is not cut at "::".
    LEADING_CONDITION.pattern.replace(
        "(?:`[^`\\n]*`|://|[^,:;`])*?", r"(?:`[^`\n]*`|(?!\bthen\b)[^`])*?"
    )
    .replace(
        "(?P<rest>.*)$",
        rf"(?P<rest>(?:{IMPERATIVE.pattern.removeprefix('^')}|{_ADVICE_AFTER}).*)$",
    )
    .replace("(?P<kw>if|", r"(?P<kw>(?:if\s+(?:you\s+are\s+)?)?unable\s+to|if|"),
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
    r"^(?!(?:it|this|that|there|these|those|which|what|each|all|no|none|nothing|neither)\b)"
    r"(?!(?:the\s+|its\s+|their\s+)?(?:\w+\s+)?(?:output|result|response|notification|message|log"
    r"|event|alert|command|query|value|status|condition|metric|graph|dashboard)s?\b)"
    r"(?:(?:as\s+soon\s+as\s+possible|if\s+so|then),\s+)?"
    # "If it needs to be stopped for some reason (...)": a condition, not an obligation
    r"(?!(?:if|when|whenever|once|since|because|as|while|unless|whether|although|though|until"
    r"|before|after|so)\b[^,.;:?!]*\b(?:needs?|has|have)\s+to\b)"
    # nor one denied, explained or reported ("Domains do not need to be added", "... because
    # less data needs to be scanned", "We know that Postgres must also run those queries")
    # ... nor inside a clause of when or where ("Use this at night when a hotfix must go out")
    r"(?![^,.;:?!]*(?:\b(?:not|because|since|that|when|whenever|if|where|while|unless|until"
    r"|once)\b|n't\b)[^,.;:?!]*?"
    r"\b(?:needs?\s+to|ha(?:s|ve)\s+to|must(?!\s+be\b))\b)"
    # the subject is no question word ("decisions on what should replace it"); a relative clause
    # inside it is fine ("instances which were hit should be isolated")
    r"[^,.;:?!]{1,80}?(?<!\bwhat)(?<!\bwhich)(?<!\bwho)(?<!\bhow)(?<!\bwhere)(?<!\bwhether)"
    r"(?<!\bthat)"  # "the names of properties that must be included": a relative clause
    r"\s+(?:should|must(?=\s+be\s+[a-z]+ed\b"
    # "They must first attempt to log in", "Developers must export the strings"
    rf"|\s+(?:first\s+|then\s+|also\s+|always\s+|now\s+)?(?!be\b|have\b|never\b|do\s+not\b|don't\b)"
    rf"(?:{by_first_letter(VERBS)})\b)"
    # "The certificate needs to be renewed", "The nodes have to be drained first" (not "you/we
    # need to", read as the reader's own; not "would need to", a hypothesis)
    r"|(?<!\byou)(?<!\bwe)(?<!\bi)(?:will\s+)?(?:needs?|has|have)\s+to(?=\s+be\s+(?:\w+ly\s+)?"
    r"(?:[a-z]+ed|taken|done|run|shut\s+down|kept|sent|given|made|written|thrown|rebuilt|put"
    r"|torn\s+down|set\s+up|rerun|re-run|chosen|brought|built)\b))"
    r"\s+(?!(?:be\s+)?automatically\b)"
    r"(?![^.;]*\b(?:on\s+(?:its|their)\s+own|by\s+(?:itself|themselves))\b)(?:also\s+|then\s+|always\s+|immediately\s+"
    r"|now\s+|first\s+|(?!only)\w+ly\s+)?"
    r"(?!(?:show|list|display|contain|include|return|report|read|say|look|appear|match|have"
    r"|print|output|work|fail|succeed|resolve|recover|reflect|indicate|mention|state|note|see"
    r"|come\s+back|go\s+away|settle|stabili[sz]e"
    r"|take\s+(?:about|around|up|\d|a\s+few|several|less|more|some|no|only|at))\b)"
    rf"(?:(?:{by_first_letter(VERBS)})\b(?![-'])(?<!\bbe)"
    r"|be\s+(?:\w+ly\s+)?(?:[a-z]+ed|taken|done|run|shut\s+down|kept|sent|given|made|written"
    r"|thrown|rebuilt|put)\b"
    # a verb the list lacks, its object or direction right after it ("should shadow your
    # rotation", "should come directly after ...")
    r"|(?!be\b|get\b|go\b)[a-z]{3,}(?<!ed)(?<!ing)(?<![^s]s)\s+(?:the|a|an|your|our|their"
    r"|its|this|these|those|all|any|every|each|it|them|directly|back|up|down|out|off|over)\b)",
    re.IGNORECASE,
)
"""An obligation put on someone or something named: "Affected instances should be isolated",
"The new lead should then announce ...", "Tasks should be assigned to one person" (not an
expectation: "It should take 5 minutes", "The status should be `True`", "The page should list
the node"; not what happens by itself: "Subscriptions should be automatically created by the
service")."""


_OBLIGED = re.compile(r"\b(?:should|must|needs?\s+to\s+be|ha(?:s|ve)\s+to\s+be)\b", re.IGNORECASE)
"""The words an obligation needs (a cheap test before `_OBLIGATION`)."""


_EXPECT = re.compile(
    r"\s+(?:(?:now|then|also)\s+)?(?:see|notice|observe|receive|expect|get\s+(?:an?\s+|the\s+)?"
    r"(?:output|result|response|message|error))\b|\s+(?:not\s+)?expect\b|\s+(?:now|then)\s+(?:have|be)\b",
    re.IGNORECASE,
)
"""After "you should": what the reader will see, not something to do ("You should see errors
about the kubeconfig")."""


_EMBEDDED = re.compile(
    r"\b(?:what|which|whose|how|where|when|whether|everything|anything|all)\b(?:\s+[\w-]+){0,3}\s+$",
    re.IGNORECASE,
)
"""Words before "you should" that make it part of an embedded question or a relative clause."""


_PRESENTING = re.compile(r"^(?:here|below|these|this|the\s+following)\s+(?:is|are)\b", re.I)
"""A sentence presenting what follows ("Here are some examples you should use")."""
_REMARKED = re.compile(
    r"^(?:(?:see|watch)\s+how\b[^.!]*\?[\s_*\"']*$|(?:note|notice)\s+how\b)", re.I
)
"""A remark on what the reader has just seen, not an instruction: "See how much faster that
was?", "Note how this isn't phrased as a question" ("See how the pod behaves" stays one)."""


_YOU_CAN = re.compile(
    r"(?:you|we)\s+(?:(?:can|may)|(?:could|might)(?!\s+(?:find|see|notice|get|observe|encounter"
    r"|experience|receive|hit)\b))\s+(?:now\s+|then\s+|also\s+|safely\s+)?(?!be\b|have\b)",
    re.I,
)
"""What a condition allows is an instruction: "If the pool is drained, you can remove it", "If
you wish to confirm it, you could ask the owners" (not what you might find or see)."""


_PASSIVE_CAN = re.compile(
    r"^(?:it|they|this|these|those|(?:the|that|this|these|those|any|all)\s+(?!following\b)[\w-]+"
    r"(?:\s+[\w-]+)?)"
    r"\s+(?:can|could|may)\s+(?:then\s+|now\s+|also\s+|safely\s+|simply\s+)?be\s+(?:safely\s+)?"
    r"(?!(?:seen|found|observed|noticed|considered|explained|described|caused|expected|used"
    r"|ignored|affected|triggered|related|impacted|delayed)\b)"
    r"(?:[a-z]{3,}ed|[a-z]+en|run|reset|set|put|rerun|re-run|shut\s+down|torn\s+down)\b",
    re.IGNORECASE,
)
"""What a condition allows, in the passive: "If the email is spam, it can be deleted", "If
this is the case, the duplicate can be removed" (not what may be seen or caused)."""


def permitted_passive(text: str) -> bool:
    """A step that is what a condition allows, in the passive ("**it can be deleted**", "the
    alert can be silenced"): the reader's action, not a description of what happens."""
    return bool(_PASSIVE_CAN.match(_STRONG.sub(r"\g<words>", text).lstrip("*_ ")))


_YOU_WILL = re.compile(r"(?:you|we)\s+(?:will|['\u2019]ll)\s+(?:then\s+|first\s+|now\s+)?", re.I)
"""After a purpose, what the reader will do is the way to do it: "In order to build a new
server, you will add the definitions to ..." (not "you will see ...")."""


_SETTING = re.compile(
    r"^(?:in|at|during|on|for)\s+(?:an?\s+|the\s+|that\s+|this\s+)?[a-z]+,?\s+(?=(?:you|we)\s)",
    re.IGNORECASE,
)
"""A short phrase setting when, between a condition and what it allows: "If no approver
answers, in an emergency you can contact ..."."""


_UNMARKED_CAN = re.compile(
    r"^(?:if|when|once|after)\s+(?:\([^()]{0,80}\)|[^,;:.?!()]){4,120}?(?<!\band)(?<!\bor)"
    r"(?<!\bthat)(?<!\bwhich)"
    r"(?<!\bif)(?<!\bwhen)(?<!\bwhether)\s(?P<allowed>(?:you|we)(?:\s+|(?=['\u2019]ll\b))"
    r"(?:can|could|should|must|need\s+to|have\s+to|(?:will|['\u2019]ll)\s+(?:need|have)\s+to)\s+"
    r"(?:also\s+|then\s+|now\s+|first\s+)?)",
    re.IGNORECASE,
)
"""A condition with no comma before what it allows or asks: "If it appears to be natural
growth you can increase the allowed time", "If subscriptions break (e.g. topics appear as `x`)
you can delete them", "If the database alerts often you should move it", "If the pod is still
running you will need to investigate why" (not "If the pod restarts and you can reach it
...")."""


_UNMARKED_DO = re.compile(
    r"^(?i:if|when|once|after)\s+(?P<cond>[^,;:.?!()\[\]`]{2,90}?)"
    rf"(?P<verb>\s(?!(?:be|have|do|let|see|look|keep|make|note|need)\b)(?:{by_first_letter(VERBS)})"
    r"\s+(?:(?:the|a|an|it|them|this|that|these|those|your|our|all|any|each|every|to|on|for"
    r"|into|through|with|from|up|down|out|back|over|off)\b|[`'\"\u201c\u2018\[]|\*\*|[A-Z]))"
)
"""A condition with no comma before an imperative: "Once merged run the pipeline", "If
necessary create a new pool", "When done click Save", "After the MR is merged apply the plan",
"If the build fails check the logs" (the verb lower case, its object after it)."""
_CONDITION_END = re.compile(
    r"(?:\b(?:[a-z]{3,}ed|done|necessary|needed|required|ready|complete|finished|possible"
    r"|available|unsure|so|not|applicable|successful|over|down|up|empty|green|present|missing"
    r"|found|gone|broken|stuck|open|closed|set|run|in\s+doubt|in\s+place|the\s+case"
    r"|passes|fails|succeeds|returns|shows|exists|appears|happens|persists|continues|works"
    r"|recovers|completes|finishes|starts|stops|breaks|hangs|crashes|occurs|changes|reports"
    r"|matches|differs|grows|fires|clears|resolves|remains|recurs))$",
    re.IGNORECASE,
)
"""How a comma-less condition ends before its instruction: a participle or a state ("Once
merged", "If necessary", "If the build is green"), or a verb of what happens ("If the build
fails"), never a noun ("When the pods restart the service" has no instruction)."""
_COPULA_END = re.compile(r"\b(?:is|are|was|were|be|been|being|has|have|had|gets?|got)$", re.I)
"""A condition ending in "is"/"has": the word after it is a participle ("If the job is run
the output appears"), not an imperative."""


def _unmarked_imperative(text: str) -> int:
    """Where the imperative after a comma-less condition starts ("Once merged |run the
    pipeline"), or 0."""
    found = _UNMARKED_DO.match(text)
    if found is None:
        return 0
    condition = found.group("cond").rstrip()
    if _COPULA_END.search(condition) or not _CONDITION_END.search(condition):
        return 0
    if re.search(r"\b(?:and|or|but|that|which|who|to)$", condition, re.IGNORECASE):
        return 0
    return found.start("verb") + 1


_LEAD_ADVERB = re.compile(r"^[a-z]{2,}ly,?\s+(?=[a-z])", re.IGNORECASE)
"""A manner adverb before an imperative: "Manually page them", "Simply state that ..."."""


_INTRO = re.compile(
    r"^(?:based\s+on|using|with|after|before|during|for\s+(?:each|every|the|a|an|all)|on|in|from"
    r"|instead\s+of"
    r"|as\s+well\s+as|in\s+addition\s+to|besides|apart\s+from"
    r"|via|by|at|within|inside|as\s+(?:a|an|the|[a-z]+(?:tion|ment|ance|ence))"
    # what the reader has already done: "Now that the project is moved, push some data to it"
    r"|(?:so\s+)?now\s+that"
    r"|(?:in\s+order\s+)?to\s+[a-z]{2,})\b"
    r"[^,;:.?!]{0,80},\s+",
    re.IGNORECASE,
)
"""A short phrase setting where, with what or what for before an instruction: "On the hub, run
...", "Based on the data that was compromised, assess ...", "As a first step, ...", "To deploy a
branch, run ..." (a purpose: "to" and any verb)."""
_HAVING = re.compile(
    r"^having\s+(?:\[(?:[a-z]+(?:ed|en|wn|one|un|t)|made|built|found|set|read|run|sent|kept)\b"
    r"[^\]]*\]\([^)]*\)|(?:[a-z]+(?:ed|en|wn|one|un|t)|made|built|found|set|read|run|sent|kept)\b)"
    r"(?:\[[^\]]*\]\([^)]*\)|[^,;:.?!\[]){0,120},\s+",
    re.IGNORECASE,
)
"""What the reader has done before an instruction: "Having [created the data bag](...), ensure
..." (its link may hold dots and colons)."""
_UNDERSTANDING = re.compile(
    r"^(?:in\s+order\s+)?to\s+(?:understand|know|see|learn|appreciate)\b", re.IGNORECASE
)
"""A purpose of knowing, before what the text goes on to explain ("To understand why, it's
necessary to explain how ..."): no instruction follows."""
_AND_THEN = re.compile(r"\b(?:and|then)\s+[a-z]", re.IGNORECASE)
_PURPOSE = re.compile(r"^(?:in\s+order\s+)?to\s+(?!be\b)[a-z]{2,}", re.IGNORECASE)
"""A purpose opening a sentence: what the reader wants done ("To add Sidekiq Web, ...")."""
_FOR_INTRO = re.compile(
    r"^for\s+(?!example\b|instance\b|more\b|further\b|additional\b|details?\b)"
    r"[^,;:.?!]{1,80},\s+",
    re.IGNORECASE,
)
"""Whom or what the instruction after it is for: "For billing disputes, page the finance
lead", "For PV-backed stores, check the free space" (not "For example, ...")."""
_READING = re.compile(
    r"(?:please\s+)?(?:see|refer|consult|read|look|visit|follow|review|check\s+out|go\s+to)\b",
    re.IGNORECASE,
)


_BARE_VERB = re.compile(
    r"^(?P<verb>[A-Z][a-z]+)(?<!ly)(?<![^s]s)(?<!ed)(?<!ing)"
    r"(?:\s+(?:and|or)\s+[a-z]{2,})?\s+"
    r"(?:(?:it|them)\b|(?:the|a|an|any|all|every|each|your|our|their|its|this|these|those)\s+\S"
    r"|(?:\*\*|__|['\"\u2018\u201c])\S"
    # a name in code, then what for: "Graph `series_total` to see", "Grep `x` for errors"
    r"|`[^`\s]+`\s+(?:to|for|on|from|with|until|after)\b"
    # a verb and its particle, then any object: "Spell out acronyms", "Roll out changes"
    r"|(?<=[a-z]\s)(?:out|up|down|off|over|away)\s+(?!to\b|of\b|for\b|in\b|on\b|and\b|is\b"
    r"|are\b|was\b|were\b|will\b|can\b)[a-z][a-z-]+\b)"
)
"""A word of verb shape (not -ly, -ed, -ing, nor a third-person -s) opening a sentence with its
object right after it: "Blacklist the addresses", "Prefix all subjects", "Roll it back", or a
name of a button or field in quotes or bold ("Hit **Save**", "Tick 'Remember me'"). The
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


_PAIRED_VERB = re.compile(
    r"^(?P<verb>[A-Z][a-z]+)(?<!ly)(?<![^s]s)(?<!ed)(?<!ing)\s+and\s+(?=[a-z])"
)
_STATED = re.compile(r"^(?:\S+\s+){1,4}?(?:is|are|was|were|has|have|had|will|can|does|do)\b")


def _paired_imperative(text: str) -> bool:
    """Two verbs joined by "and" over one object, the first unlisted, the second listed, the
    object a bare noun: "Commit and push changes.", "Lint and deploy charts:". Not a noun pair
    stated about ("Backup and restore procedures are described in ..."), nor a title or a
    fragment with no sentence's end ("Data and check boxes": as often two nouns)."""
    paired = _PAIRED_VERB.match(text)
    if (
        paired is None
        or text.rstrip("*_ ")[-1:] not in ".:!"
        or paired.group("verb").lower() in _NOT_VERBS
    ):
        return False
    rest = text[paired.end() :]
    if _STATED.match(rest) or _KNOWN_VERB.fullmatch(paired.group("verb")):
        return False  # a listed first verb: IMPERATIVE read the sentence already
    return IMPERATIVE.match(rest) is not None and instructional(rest[:1].upper() + rest[1:])


_SUGGESTION = re.compile(
    # the object after the gerund: any word, a link or code ("Running [amtool check](...) on
    # the file will help you find ...", "Conducting tabletop exercises is a good first step")
    r"^(?P<gerund>[A-Za-z]{3,}ing)\s+(?:\[[^\]]+\]\([^)\s]*\)|`[^`]+`|[A-Za-z][\w-]*\b)"
    r"(?:[^.;:!?\[`]|\[[^\]]*\]\([^)\s]*\)|`[^`]*`){0,120}?"
    r"(?:\b(?:may|might|can|could|should|will|would|often|usually"
    r"|typically)\s+(?:\w+\s+){0,8}?(?:help|fix|resolve|solve|clear|recover|restore)\w*\b"
    r"|\s(?:is|are)\s+(?:often\s+|usually\s+|always\s+)?(?:an?|the)\s+(?:\w+\s+)?(?:ideal|good|great"
    r"|best|recommended|useful|simple|quick|easy|safe|safest)\s+(?:starting\s+point|way|idea"
    r"|option|approach|first\s+step|place\s+to\s+start)\b)",
    re.IGNORECASE,
)
"""An action suggested by what it does: "Restarting the pod may help", "Deleting the lease
will make the controller re-elect, which should resolve the alert"."""
_NEGATED = re.compile(r"\b(?:not|never|no)\b|n't\b", re.IGNORECASE)


def gerund_of_verb(word: str) -> bool:
    """Whether a word is the -ing form of an instruction verb ("restarting", "stopping")."""
    stem = word.lower().removesuffix("ing")
    if stem == word.lower():
        return False
    candidates = (stem, f"{stem}e", stem[:-1] if len(stem) > 2 and stem[-1] == stem[-2] else "")
    return any(c and _KNOWN_VERB.fullmatch(c) for c in candidates)


def suggests_action(text: str) -> bool:
    """An action the text recommends by what it does: "Restarting the pod may help"."""
    found = _SUGGESTION.match(text) if "ing " in text[:40] else None
    if found is None or _NEGATED.search(text):
        return False
    return gerund_of_verb(found.group("gerund"))


_OFFERED = re.compile(
    r"^(?:(?:alternatively|optionally|instead),?\s+)?(?:you|we)\s+(?:can|could|may|might)\s+"
    r"(?:also|alternatively|instead|always)\s+(?:\w+ly\s+)?",
    re.IGNORECASE,
)
"""Another way offered: "You can also verify the file directly", "You could also roll it
back" (a bare "you can" states what is possible: not an instruction)."""
_SEQUENCED = re.compile(
    r"^(?:first|second|third|fourth|next|then|finally|lastly|afterwards),?\s+(?:you|we)\s+"
    r"(?:can|could|may)\s+(?:\w+ly\s+)?(?!(?:be|see|find|have|get|notice|observe|expect)\b)",
    re.IGNORECASE,
)
"""What is possible, placed in a sequence: "Second, we can check the `status` part", "Then you
can verify the route" (the order makes it the next thing to do)."""
_FIRST_PERSON_ADVICE = re.compile(
    r"^i\s+(?:would\s+|strongly\s+)?(?:recommend|suggest|advise)\s+(?:that\s+you\s+|you\s+(?:to\s+)?)?",
    re.IGNORECASE,
)
"""The writer's own advice, then the instruction: "I recommend using `\\a` before the query"
(the -ing form reads as its verb; "Let's look at ..." is a tutorial's narration)."""
_YOU_WANT = re.compile(
    r"^(?:(?:so|then|now|also|here),?\s+)?you\s+(?:(?:only|generally|usually|probably|also|really"
    r"|definitely|typically|mostly)\s+)?want\s+to\s+(?!(?:know|see|understand|learn|be|have)\b)",
    re.IGNORECASE,
)
"""What the reader wants to do, said to them as the sentence's main clause: "You only want to
document what matters" (not "the things you want to capture", not "if you want to ...")."""
_ADVISED = re.compile(
    r"^(?P<now>now,?\s+)?it(?:'s|\u2019s|\s+is|\s+(?:may|might|could|will)\s+(?:\w+\s+)?be)\s+"
    r"(?:(?:\w+ly|(?P<now_after>now))\s+)?"
    r"(?:best|better(?=\s+to\s+(?!be\b))|recommended|necessary"
    r"|(?(now)|(?(now_after)|(?!)))safe(?=\s+to\s+(?!(?:say|assume|be|ignore|use|run|proceed)\b))"
    r"|advisable|advised|wise"
    r"|a\s+good\s+idea|good\s+practice|customary|courteous|preferable)\s+to\s+[\"\u201c']?",
    re.IGNORECASE,
)
"""An instruction put as advice: "It's best to start with the journal", "it's better to escalate
the alert" (not "It's better to be safe than sorry"), "it is courteous to
"take the page" ...", "it may just be necessary to clear the cache", "Now it is safe to stop the
service" (not "It's important to ...": what matters, said of the process; "safe" only now: "It
is safe to interrupt it" gives leave, it asks nothing)."""


_WORTH = re.compile(
    r"^it(?:'s|\u2019s|\s+is)\s+(?:(?:\w+ly|always|also|often)\s+)*worth\s+\[?(?P<gerund>[a-z]+ing)\b",
    re.IGNORECASE,
)
"""Advice put as what is worth doing: "It's worth checking the logs", "It is always worth
rotating the key" (the -ing form of an instruction verb)."""


_WAY = re.compile(
    # "A quick hacky way to find the logs is to", "A workaround for this issue is to", "(The)
    # first step is to figure out ..."
    r"^(?:(?:the|this|one|another|a|an)\s+)?(?:(?!(?:to|of|for|is)\b)[a-z-]+\s+){0,2}"
    r"(?:way|option|approach|method"
    r"|fix|solution|workaround|(?:first|next|last|final)\s+(?:step|thing\s+to\s+do))"
    r"\s+(?:(?:to|of|for)\s+[^,.;:!?]{1,60}?\s+|here\s+)?is\s+to\s+",
    re.IGNORECASE,
)
"""An instruction put as the way to do something: "The simplest way to do this is to open an
MR", "One option is to restart the pod" (not "The purpose of this page is to ...")."""


_DEFINITION = re.compile(
    r"^(?:[a-z][\w.-]*(?:\s+[a-z][\w.-]*){0,2}:\s+(?P<meaning>[A-Z].*)"
    r"|[\w`.-]+(?:\s+[\w`./-]+){0,3}\s*(?:->|=>|\u2192)\s+\S.*)$",
    re.DOTALL,
)
"""An entry of a list of definitions: a lower-case term, a colon and its meaning ("message: A
human readable message"), or a term, an arrow and its meaning ("query us -> query duration")."""


_TITLED_ENTRY = re.compile(
    r"^(?:[A-Z][\w/&()]*,?\s+){1,5}(?:[A-Z][\w/&()]*|[a-z]{1,3})\s+[-\u2013\u2014]{1,2}\s+(?=\S)"
)
"""An entry of a list of what a page or panel shows: a name in title case, a dash and what it
is ("File Sizes Over Time - Graphs of each database")."""


HEDGED_NEED = re.compile(
    r"\b(?:may|might|could|will)\s+(?:also\s+|then\s+)?need\s+(?:to\s+be\s+[a-z]+(?:ed|en|wn)\b"
    r"|an?\s+(?:\w+\s+)?(?:reboot|restart|replacement|upgrade|update|restore|rollback|resize"
    r"|clean-?up|drain|redeploy(?:ment)?|recreation|reinstall(?:ation)?)\b)",
    re.IGNORECASE,
)
"""A hedged change (LABELLING's "you may have to recycle the node"): "the OSD may need to be
replaced", "the instance might need a manual reboot"."""


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
    ConfigMap, Secret or file, go to step 6" the condition runs to the comma before "go". Never
    at a mark inside an HTML comment ("If X <!-- note: y -->"): its words are no instruction."""
    found = LEADING_INSTRUCTION.match(text) or LEADING_CONDITION.match(text)
    if found is not None and OPEN in text:
        split = found.start("rest")
        if any(start < split <= end for start, end in html_comments(text)):
            return None
    return found


def introduced_condition(text: str) -> tuple[int, re.Match[str]] | None:
    """A leading condition after a short phrase setting where ("In a spot pool, if the node
    is gone, ..."): the offset the condition starts at, and its match on the text from there."""
    intro = _INTRO.match(text) if "," in text and not _HYPHENATED.match(text) else None
    rest = text[intro.end() :] if intro else ""
    leading = leading_condition(rest) if _CONDITION_WORD.match(rest) else None
    return (intro.end(), leading) if intro and leading else None


_HYPHENATED = re.compile("^\\w+[-'\u2019]")
"""A first word such as "On-call", which is no preposition."""
_CONDITION_WORD = re.compile(r"(?:if|when|whenever|once|unless|in\s+case)\b", re.IGNORECASE)


_BE_OR_HAVE = re.compile(r"(?:be|have)\b", re.IGNORECASE)


def _allowed(text: str) -> bool:
    """A condition with no comma, then what it allows: "If it has grown you can move it"."""
    return unmarked_condition_end(text) > 0


def unmarked_condition_end(text: str) -> int:
    """Where a condition with no comma before what it allows ends ("If it has grown| you can
    move it"), or 0 when the text opens with no such condition."""
    allowed = _UNMARKED_CAN.match(text)
    if allowed is None and text[:1] in "IiWwOoAa":
        return _unmarked_imperative(text)  # "Once merged run the pipeline"
    if allowed is None or IMPERATIVE.match(text[allowed.end() :]) is None:
        return 0
    if _BE_OR_HAVE.match(text, allowed.end()) or _EXPECT.match(text, allowed.end() - 1):
        return 0  # "If it is stale you can be sure of a bug", "... you should see X": no action
    return allowed.start("allowed")


def is_instruction(text: str) -> bool:
    """Whether a sentence tells the reader to do something (used by the text rules too)."""
    return instructional(text.strip().lstrip("-*0123456789.) ").strip())


def mentions_escalation(text: str) -> bool:
    """Whether text hands the problem to someone else (escalate, page, open a case...)."""
    return bool(ESCALATE.search(text))


_INLINE_HTML = re.compile(
    r"</?(?P<tag>code|kbd|tt|samp|em|strong|b|i|u|a|span|mark|small)(?:\s[^<>]*)?>",
    re.IGNORECASE,
)
"""Inline HTML around words (an HTML table cell, a `<p>`): `<code>` reads as a backtick, the
other tags as nothing: "Do <code>!ic page</code> in Slack" is "Do `!ic page` in Slack"."""


_SUBJECT_FIRST = re.compile(
    r"^(?!(?:Check|Ensure|Verify|Confirm|Validate|Test|Note|Remember|Make|See|Watch|Monitor"
    r"|Wait|Ask|Tell|Assume|Expect)\b)"
    r"[A-Z][a-z]+(?:(?:\s+[A-Z][\w-]*){1,3}(?:\s+[a-z]+)?|\s+[a-z]+s)"
    r"(?:\s+(?:for|of|in|on|from|with)\s+[`\w.-]+(?:\s+[`\w.-]+){0,2})?"
    r"\s+(?:is|are|was|were|has|had|have|will|would|does|did)\b"
    # a one-word subject before its verb, in any case: "change must include a description"
    r"|^(?!(?:always|never|also|just|then|now|please|only|first)\b)(?i:[a-z])[a-z]+\s+"
    r"(?:is|are|was|were|must|can|could|should|will|would|may|might)\s"
)
"""A verb-shaped first word that is the start of a subject: "Search API has its own ...", "Email
notifications are being migrated", "Login credentials for Pingdom are under ..." (a name or a
plural noun, perhaps with its phrase, then the sentence's verb; "Change Management issue was
created": a name and its noun). Not after a verb that takes a clause: "Ensure nodes are Ready"
is an instruction."""
_LINK_FIRST = re.compile(
    r"^(?P<mark>\*\*|__)?\[(?P<words>[^\]]+)\](?:\([^)]*\)|\[[^\]]*\])(?P=mark)?"
)
"""A link the sentence opens with: its words are the sentence's first words ("[Manually run the
tests](...) to confirm ...")."""
_INLINE_LINK = re.compile(r"\[(?P<words>[^\]\[]+)\]\([^)\s]*\)")
"""A link inside a sentence: read as its words."""
_SYMBOLS = re.compile(r"^[^\w\s`'\"\u2018\u201c\[(<*_$#>/!.,;:-]+\s+")
"""Signs before a sentence's first word: an emoji or a warning sign ("\u26a0\ufe0f Do not ...")."""
_ALTERNATIVE = re.compile(r"^(?:Or|And(?:\s+then)?),?\s+(?=[a-z])")
"""An alternative or a next step opening a sentence or list item ("Or, run these checks by
hand", "And change the date to the graph's"): what follows it is read on its own."""
_STRONG = re.compile(r"(?P<mark>\*\*|__)(?P<words>[^*_\s](?:[^*_]*[^*_\s])?)(?P=mark)")
"""Bold words inside a sentence: read as the words themselves."""


_SEQUENCE_THEN_LINK = re.compile(
    r"^(?:then|now|first|next|finally|also|lastly|afterwards),?\s+(?=\[)", re.IGNORECASE
)


def _unlinked(text: str) -> str:
    """Text whose first words are a link, read as the link's words ("[sign in](...) with ...")."""
    return _LINK_FIRST.sub(r"\g<words>", text, count=1) if text[:1] == "[" else text


def _inline_tag(tag: re.Match[str]) -> str:
    return "`" if tag.group("tag").lower() == "code" else ""


_DEFINED_TERM = re.compile(
    r"^[*_]*[A-Za-z][\w-]*(?:[*_]*:|:[*_]*)\s+(?:[A-Z][a-z]+ed|Used|Sent|Meant|Set|Kept)"
    r"\s+(?:for|to|by|when|if|in|on|as|with)\b"
)
"""A one-word term, a colon, then a capitalised past participle saying what it is for ("Page:
Used for urgent conditions", "Ticket: Raised when ..."): a definition, even when the term is
verb-shaped."""


@lru_cache(maxsize=8192)  # pure; the extractor and the rules ask again of the same sentences
def instructional(text: str, procedural: bool = True) -> bool:
    """An instruction: imperative, "you should ...", a step reference, or a condition whose
    consequence is one of those ("If X, restart Y" — not "When X, the cause can be Y").
    Outside procedural sections an obligation put on someone else ("Hosts should be
    isolated") does not count."""
    if "<" in text and _INLINE_HTML.search(text):
        text = " ".join(_INLINE_HTML.sub(_inline_tag, text).split())
    if text[:1] == "[" and TASK_BOX.match(text):
        text = TASK_BOX.sub("", text, count=1)  # "[ ] Determine the version to deploy"
    defined = _DEFINITION.match(text) if (":" in text[:40] or ">" in text[:40]) else None
    if defined and not (defined.group("meaning") and _imperative(defined.group("meaning"))):
        return False  # "message: A human readable message", "wait us -> waiting average"
    titled = _TITLED_ENTRY.match(text) if text[:1].isupper() and " " in text[:40] else None
    if titled and not _imperative(text[titled.end() :]):
        return False  # "File Sizes Over Time - Graphs for every database instance ..."
    if text[:3].lstrip("*_")[:1] == "[":
        text = _LINK_FIRST.sub(r"\g<words>", text, count=1)  # "[Run the tests](...) to ..."
    sequenced = _SEQUENCE_THEN_LINK.match(text) if "](" in text else None
    if sequenced:
        text = text[: sequenced.end()] + _unlinked(text[sequenced.end() :])  # "Finally, [purge"
    named = text  # "Hit **Deploy**": a bold name is the object of an unlisted verb
    if "**" in text or "__" in text:
        text = _STRONG.sub(r"\g<words>", text)  # "you **must** dismiss", "Do __not__ delete"
    leading = leading_condition(text)
    if leading and ("you" in text or "we" in text) and _allowed(text):
        return True  # "If there are still connections after 5m you can check if ...:"
    if leading:
        text = leading.group("rest")
        text = _unlinked(text)  # "If X, [roll back](...)"
        if _bare_imperative(text[:1].upper() + text[1:]):
            return True  # "If anyone disrupts the call, mute them."
        setting = _SETTING.match(text)  # "If X, in an emergency you can contact ..."
        can = _YOU_CAN.match(text, setting.end() if setting else 0)
        if can and IMPERATIVE.match(_unlinked(text[can.end() :])):
            return True  # "Once it has recovered, you can announce ...", "... [sign in](...)"
        if " be " in text and _PASSIVE_CAN.match(text) and text.rstrip()[-1:] != ":":
            return True  # "If it is spam, it can be deleted", "..., the pod may be restarted"
    elif ("you" in text or "we" in text or text[:1] in "IiWwOoAa") and _allowed(text):
        return True  # "If it has grown you can move it to ..."
    if text[:1] in "SsWwNn" and _REMARKED.match(text):
        return False  # "See how long it's taking us to reach consensus?"
    worded = text[:1].isalpha()  # no sign before: "??? aside" is an admonition, not a verb
    text = _EMPHASIS.sub("", _SYMBOLS.sub("", text))
    if text[:2] in ("Or", "An"):
        text = _ALTERNATIVE.sub("", text, count=1)  # "- Or, run these checks by hand:"
    label = LABEL.match(text) if ":" in text else None
    if label and IMPERATIVE.match(text[label.end() :]):
        return True
    if ":" in text[:20] and _DEFINED_TERM.match(text):
        return False  # "Page: Used for urgent conditions": a term and what it is for
    bare = _imperative(text) if worded else _bare_imperative(text)  # "- treat it as ..."
    if (IMPERATIVE.match(text) or bare) and not _SUBJECT_FIRST.match(text):
        return True
    if named is not text and _bare_imperative(_EMPHASIS.sub("", _SYMBOLS.sub("", named))):
        return True
    if worded and " and " in text[:24] and _paired_imperative(text):
        return True  # "Commit and push changes": the unlisted verb shares the listed one's object
    adverb = _LEAD_ADVERB.match(text)
    if adverb and _imperative(_unlinked(text[adverb.end() :])):
        return True  # "Finally, [purge the cache](...)"
    if suggests_action(text[:1].upper() + text[1:]):
        return True  # "If there is no activity, restarting the pod may help."
    if "need" in text and HEDGED_NEED.search(text):
        return True  # "the OSD may need to be replaced", "might need a manual reboot"
    offered = (
        _OFFERED.match(text)
        or _ADVISED.match(text)
        or _SEQUENCED.match(text)
        or (_FIRST_PERSON_ADVICE.match(text) if text[:2] in ("I ", "i ") else None)
    )
    after = _unlinked(text[offered.end() :]) if offered else ""  # "to [clear the cache](...)"
    if offered and _imperative(after):
        return True
    if offered and offered.re is _FIRST_PERSON_ADVICE and gerund_of_verb(after.split(" ", 1)[0]):
        return True  # "I recommend running the query with `\\a`"
    wanted = _YOU_WANT.match(text) if "want" in text[:40] and text[-1:] != "?" else None
    if wanted and _imperative(_unlinked(text[wanted.end() :])):
        return True  # "You generally want to note any actions the lead asked for"
    worth = _WORTH.match(text) if "worth" in text[:20] else None
    if worth and gerund_of_verb(worth.group("gerund")):
        return True  # "It's worth checking the logs for warnings"
    having = _HAVING.match(text) if text[:6].lower() == "having" else None
    if having and _imperative(_unlinked(text[having.end() :])):
        return True  # "Having [created your data bag](...), ensure that ..."
    way = _WAY.match(text) if "is to" in folded_head(text) else None
    if way and _imperative(_unlinked(text[way.end() :])):
        return True  # "The simplest way to do this is to open an MR against ..."
    role = _ROLE.match(text) if "is to" in folded_head(text) else None
    if role and _imperative(text[role.end() :]):
        return True  # "Your job as scribe is to listen to the call, ..."
    intro = _INTRO.match(text) if "," in text else None
    if intro is None and "," in text and text[:4].lower() == "for ":
        intro = _FOR_INTRO.match(text)
        if intro and _READING.match(text, intro.end()):
            intro = None  # "For more details, see [the guide](...)": a pointer
    elif intro and text[:4].lower() == "for " and _READING.match(text, intro.end()):
        after = text[intro.end() :]
        tail = after[after.rfind(")") + 1 :] if ")" in after else after
        if ("](" in after or "://" in after) and not _AND_THEN.search(tail):
            intro = None  # "For a general introduction, see [the wiki](...)": a pointer
    rest = text[intro.end() :] if intro else ""
    rest = _unlinked(rest)  # "After X, [release it](...)"
    if intro and rest[:3].lower() in ("you", "we ") and _PURPOSE.match(text):
        can = _YOU_CAN.match(rest) or _YOU_WILL.match(rest)
        if can and IMPERATIVE.match(rest[can.end() :]) and not _EXPECT.match(rest, can.end() - 1):
            return True  # "To add it, you can use the middleware", "To build one, you will add"
    advised = (
        _ADVISED.match(rest)
        if intro and rest[:2].lower() == "it" and not _UNDERSTANDING.match(text)
        else None
    )
    if advised and _imperative(_unlinked(rest[advised.end() :])):
        return True  # "In most cases, it is recommended to pass it to CI"
    if intro and (_imperative(rest) or leading_condition(rest)):
        return True if _imperative(rest) else instructional(rest, procedural)
    if intro and procedural and _OBLIGED.search(rest) and _OBLIGATION.match(rest):
        return True  # "At the start of the call, the lead should announce ..."
    if intro and _listed_intro(text):
        return True  # "Using log files, graphs, and any other tools, identify what leaked"
    unpunctuated = _INLINE_LINK.sub(r"\g<words>", text) if intro is None else ""
    if _UNPUNCTUATED_INTRO.match(unpunctuated) and _verb_after_intro(unpunctuated):
        return True  # "On the edit page select `Unsuspend user`", "In [Whitehall](...) run `x`"
    # Each search below needs a word that the case-folded text holds (casefold, not lower:
    # the long s folds to "s", as the patterns' IGNORECASE reads it): most sentences skip both.
    folded = text.casefold()
    if _PRESENTING.match(text):
        return False  # "Here are some phrases you should use": what follows is the instruction
    if "`" in text and _HOW_TO_RUN.search(text):
        return True  # "You can check the status by running `kubectl rollout status ...`"
    # "you should ..." counts under any heading (a heading never excludes an instruction);
    # what the reader should see is an expectation, not an instruction.
    you_should = None
    expected = False  # "You should then be logged in": what the reader will find
    if "you" in folded or "we" in folded:
        for found in YOU_SHOULD.finditer(text):
            # not what the reader will see, nor inside an embedded question or relative clause
            # ("which bridge you should be using", "everything you need to know")
            if _EXPECT.match(text, found.end()):
                expected = True
            elif not _EMBEDDED.search(text, max(0, found.start() - 40), found.start()):
                you_should = found
                break
    if (
        procedural
        and not (you_should or expected)
        and _OBLIGED.search(folded)
        and _OBLIGATION.match(text)
    ):
        return True
    return bool(you_should or ("step" in folded and STEP_REFERENCE.search(text)))


def opening_phrase(text: str) -> int:
    """Where a short phrase setting where, with what or what for ends ("To stop the errors
    and clear the alert, ..."), 0 when the sentence opens with none: its words are one."""
    intro = _INTRO.match(text) if "," in text else None
    return intro.end() if intro else 0


def introduction(text: str) -> int:
    """Where the instruction after a short introducing phrase starts ("In Specialist Publisher,
    go to ..." -> the offset of "go"), or 0 when the sentence has no such phrase."""
    intro = _INTRO.match(text) if "," in text else None
    if intro is None and "," in text and text[:4].lower() == "for ":
        intro = _FOR_INTRO.match(text)
    if intro is None or not _imperative(text[intro.end() :]):
        return 0
    return intro.end()


_HOW_TO_RUN = re.compile(
    r"\b(?:can|could|may)\s+(?:also\s+)?(?:be\s+[a-z]+(?:ed|en|wn)\s+|[a-z]+\b[^.;!?`]*?\s)??"
    r"(?:by\s+running|by\s+executing|by\s+using|using|with|via|running|run|use)\s+"
    r"`[a-z][\w.-]*\s[^`]+`",
    re.IGNORECASE,
)
"""A command in inline code given as the way to do something possible: "You can check the
status by running `kubectl rollout status ...`", "The app can be restarted with `make restart`"
(what can be done is how it is done; "The job was restarted by running ..." is history)."""


_UNPUNCTUATED_INTRO = re.compile(
    r"^(?:(?:in\s+order\s+)?to\s+[a-z]{2,}|on|in|from|under|within|inside"
    r"|(?:before|after|while|when)\s+[a-z]{2,}ing)\s+(?!order\b)[\w\"'\u201c]",
    re.IGNORECASE,
)
"""A phrase setting where, when (a gerund's time: "Before commencing any work") or what for
with no comma before its instruction: "On the edit page select `Reset`", "In order to keep them
go to [the workspace](...) and lock it", "Before starting the upgrade contact the DBA"."""
_VERB_WITH_OBJECT = re.compile(
    r"(?<!\bthe)(?<!\ba)(?<!\ban)(?<!\bthis)(?<!\byour)(?<!\bour)"  # "update the list the ..."
    rf"\s(?:{by_first_letter(VERBS)})\s+(?:(?:the|a|an|it|them|this|that|these|those|your|our|all"
    r"|to|on|for|into|through)\b|[`'\"\u201c\u2018\[]|\*\*)",
)
"""A listed verb, in lower case, with its object or its preposition after it (not a noun
after a determiner: "the list", "your email address")."""


def _verb_after_intro(text: str) -> bool:
    """An imperative within the first 12 words after a phrase with no comma: every word
    before it belongs to the phrase (no clause word: "On the node the pod restarts ...").
    A purpose's own verb is not that imperative ("To search by ID use `id:` instead", not
    "To restart the pod is enough")."""
    return _verb_after_intro_at(text) > 0


def _verb_after_intro_at(text: str) -> int:
    """Where `_verb_after_intro`'s imperative starts in `text` (a single space joins the words
    `str.split` gives, so the offset is the text's only when it is spaced that way), or 0."""
    words = text.split()
    if not words:
        return 0
    head = " ".join(words[:14])
    purpose = words[0].lower() == "to" or words[:3] == ["In", "order", "to"]
    start = len(" ".join(words[: 2 if words[0].lower() == "to" else 4])) if purpose else 0
    verb = _VERB_WITH_OBJECT.search(head, start)
    if verb is None or _CLAUSE_WORD.search(head, 0, verb.start()):
        return 0
    return verb.start() + 1


def imperative_after_phrase(text: str) -> int:
    """Where the imperative after an opening phrase with no comma starts ("Before commencing
    any work |contact the affected teams", "On the edit page |select `Reset`"), or 0 when the
    sentence opens with no such phrase. Offsets count in `text` as written."""
    if not _UNPUNCTUATED_INTRO.match(text):
        return 0
    at = _verb_after_intro_at(text)
    if at == 0:
        return 0
    spaced = " ".join(text.split())
    if "," in spaced[:at]:
        return 0  # "To export data, to give to the team, use this": commas set the phrase off
    word = len(spaced[:at].split())  # the imperative is the text's word at this index
    found = list(re.finditer(r"\S+", text))
    return found[word].start() if word < len(found) else 0


_COMMA = re.compile(r",\s+")


def _listed_intro(text: str) -> bool:
    """An introducing phrase that holds a list ("Using log files, graphs, and any other tools,")
    before an imperative: each later comma of its first 200 characters may end it."""
    head = text[:200]
    if any(mark in head for mark in ";:.?!"):
        head = re.split(r"[;:.?!]", head, maxsplit=1)[0]
    return any(
        _imperative(text[comma.end() :]) and not _CLAUSE_WORD.search(head, 0, comma.start())
        for comma in _COMMA.finditer(head)
    )


_CLAUSE_WORD = re.compile(
    r"\b(?:you|we|they|it|he|she|i|is|are|was|were|be|will|would|can|could|has|have|had|which"
    r"|that|who)\b|['\u2019](?:ll|re|s|ve|d)\b",
    re.IGNORECASE,
)
"""A word of a clause, not of a phrase: the list the phrase holds ends before it."""


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
