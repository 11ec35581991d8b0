"""RB1xx: implicit assumptions — what a human reader fills in without noticing.

Each rule looks for the words a person would silently complete ("if needed", "the AE", "the
usual dashboard") and reports the exact words, so a human can write down what they mean.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property, lru_cache, wraps

from compiler.models import Span, Step
from compiler.parse import Block
from compiler.placeholders import PLACEHOLDER, input_key, placeholder_name, raw_name
from compiler.rules import CheckContext, Finding, RuleDoc, rule
from compiler.rules.regions import (
    DURATION_OR_COUNT,
    Passage,
    Region,
    at_word_start,
    block_after,
    blocks_after,
    command_regions,
    matches,
    read_block,
    starting_with,
    step_at,
    title_span,
)
from compiler.text.actors import defined_roles, initials, own_team, unmodified
from compiler.text.conditions import (
    EXPLICIT,
    JUDGED_BY,
    JUDGEMENT,
    MEASURED,
    foreseen,
    measureless,
    on_doubt,
    precaution,
    undecided,
)
from compiler.text.instructions import is_instruction, mentions_escalation
from compiler.text.patterns import by_first_letter
from compiler.text.sentences import sentence_at

_VAGUE = (
    r"\b(?:if|when|where|as)\s+(?:it\s+is\s+|it's\s+)?(?:needed|necessary|required|appropriate"
    r"|applicable|relevant|desired|warranted|suitable|sensible|practical|feasible)\b"
    r"|\b(?:if|where|when)\s+(?:at\s+all\s+)?possible\b|\b(?:by|via)\s+any\s+means\s+necessary\b"
    r"|\bwhen\s+(?:it\s+)?makes\s+sense\b|\bat\s+(?:your|their|the\s+\w+'s)\s+discretion\b"
    r"|\buse\s+(?:your\s+)?(?:own\s+|best\s+)?(?:good\s+)?(?:judg(?:e)?ment|discretion)\b"
    r"|\bif\s+you\s+(?:think|feel|believe)\b"
    r"|\bif\s+you\s+(?:absolutely\s+|really\s+)?(?:have|need)\s+to\b"
    r"|\bif\s+you\s+can\s+(?:help|avoid)\s+it\b"
    r"|\b(?:you|they)\s+(?:think|feel|believe|deem|judge)\s+(?:(?:is|are|to\s+be|it\s+is)\s+"
    r"(?:an?\s+|the\s+)?[\w-]+|(?:appropriate|necessary|relevant|needed|best|fit|right"
    r"|important|useful|sensible)\b)"
    r"|\bif\s+(?:things|it|that)\s+(?:looks?|seems?)\s+(?:bad|wrong|off|ok|fine|good|right)\b"
    # A hedged change ("you may need to restart it"); a hedged look ("may need to check the
    # logs") leaves nothing risky to the reader.
    r"|\b(?:might|may)\s+(?:also\s+)?need\s+(?:an?\s+)?(?:manual\s+|quick\s+)?(?:reboot|restart"
    r"|replacement|rollback|redeploy(?:ment)?|failover|resize|upgrade|cleanup|clean-up)\b"
    r"|\b(?:might|may)\s+(?:also\s+)?(?:(?:need|have|want)\s+to\s+(?!(?:check|look|see|use|run"
    r"|review|inspect|verify|confirm|read|consult|examine|investigate|identify|find|determine"
    r"|locate|understand|know)\b)"
    r"|be\s+(?:an?\s+)?(?:option|necessary|needed|required|good\s+idea)\b)"
    r"|\bconsider\s+\[?(?!checking|looking|reading|reviewing|during|nothing|something|anything"
    r"|everything|morning|evening|thing)[a-z]+ing\b"
    r"|\bshould\s+(?:probably|perhaps|possibly)\b|\bperhaps\b"
    r"|\b(?:it\s+is|it's)\s+(?:the|your)\s+(?:call|decision|choice)\b"
    r"|\bif\s+you(?:'re|\s+are)\s+(?:certain|sure|confident|comfortable)\b"
    r"|\bto\s+(?:your|the)\s+needs\b"
    r"|\bdepending\s+on\s+(?:the\s+)?(?:situation|circumstances|context|scenario|case)\b"
    r"|\b(?:on\s+)?a\s+case[\s-]+by[\s-]+case\s+basis\b"
)
_VAGUE_WORDS = frozenset(
    {"needed", "necessary", "required", "appropriate", "applicable", "relevant", "desired",
     "warranted", "suitable", "sensible", "practical", "feasible", "possible", "means", "sense",
     "discretion", "judgment", "judgement", "think", "feel", "believe", "have", "need", "help",
     "avoid", "deem", "judge", "look", "looks", "seem", "seems", "might", "may", "consider",
     "should", "perhaps", "call", "decision", "choice", "certain", "sure", "confident",
     "comfortable", "needs", "depending", "basis"}
)  # fmt: skip
"""Words every `_VAGUE` match holds (a whole word): a cheap test before the pattern runs."""
_CONDITION = re.compile(
    at_word_start(
        "iwuoml",
        r"\b(?:if|when|whenever|unless|once|in\s+case|until)\b[^.;:!?,]{0,100}"
        # what a watch looks for is the condition it waits on: "monitor logs for unusual activity"
        r"|\b(?:monitor|watch|look)\s+(?:[\w-]+\s+){0,3}?for\s+[^.;:!?,]{0,60}",
    ),
    re.IGNORECASE,
)
_CONDITION_FIRST = frozenset(
    {"if", "when", "whenever", "unless", "once", "case", "until", "monitor", "watch", "look"}
)
"""Words every condition match holds: a cheap test."""

_NON_ALNUM = re.compile(r"[^a-z0-9]")
_NON_ALNUM_RUN = re.compile(r"[^a-z0-9]+")
_ON_CALL = re.compile(r"\bon-call\b")
_ARTICLE = re.compile(r"^(?:the|your|an?|our)\s+", re.IGNORECASE)
_CONTACT_VERB = (
    r"\b(?:ping|ask|contact|notify|page|escalate\s+to|reach\s+out\s+to|tell|inform|loop\s+in"
    r"|message|slack|consult|check\s+(?:in\s+)?with|talk\s+(?:to|with)|speak\s+(?:to|with)|work\s+with"
    r"|follow\s+up\s+with|give\s+(?:an?\s+)?(?:quick\s+)?heads[\s-]*up\s+to"
    r"|coordinate\s+with|sync\s+(?:up\s+)?with|get\s+approval\s+from|involve|invite"
    r"|get\s+in\s+touch\s+with|delegate\s+to:?|hand\s+(?:it\s+|this\s+)?(?:off|over)\s+to"
    r"|engage|bring\s+in|pull\s+in|(?:get|request|obtain|seek)\s+(?:an?\s+)?(?:approval|sign-?off"
    r"|ok|okay|go-ahead|help|assistance|review)\s+from"
    r"|(?:send|share|forward|report|give|email|e-mail|hand|escalate|raise)\s+(?:[\w'`-]+\s+){0,6}?"
    r"(?:with|to)|escalate\s+(?:it\s+)?to)"
)
_ROLE_ACRONYM = r"(?:AE|AM|DBA|SRE|TAM|CSM|PM|EM|TL|CTO|CISO|VP|SME|NOC|SOC|IC)s?\b"
_ROLE_NOUN = (
    r"(?:[\w'-]+\s+){0,3}?(?:account\s+(?:executive|manager|owner)|manager|owner|lead|team"
    r"|engineer|admin(?:istrator)?|dba|on-?call|expert|specialist|vendor|support|sales"
    r"|architect|developer|maintainer|approver|person|people|folks|someone|somebody|colleague"
    r"|supervisor|boss|customer\s+success|stakeholder|counsel|representative|provider|compan(?:y|ie)"
    r"|commander|proxy|director|executive|responder|others|contact|department|partner)s?\b"
    # a function named on its own ("loop in legal"), not as a word of a longer name ("security
    # companies", "the management cluster")
    r"|board|committee|council"
    r"|(?:legal|finance|management|leadership|compliance|procurement|security|(?-i:HR)|comms"
    r"|engineering)"
    r"(?=\s*(?:[.,;:!?)]|$|\s(?:and|or|to|about|for|with|if|when|before|after|on|in|at|so|as"
    r"|immediately|now|first|team)\b))"
)
_ACTOR_STARTS = "abcdefghiklmnoprstLAEOV"
_ACTOR_ACTIVE = (
    rf"{_CONTACT_VERB}\s+(?P<actor>(?:the\s+|your\s+|an?\s+|our\s+|one\s+of\s+the\s+)?"
    rf"(?:{_ROLE_ACRONYM}|{_ROLE_NOUN}|(?-i:[A-Z][a-z]{{2,}}(?:\s+(?:[A-Z][\w&]*|&))*)\b)"
    rf"(?:\s+or\s+(?:{_ROLE_ACRONYM}|{_ROLE_NOUN}))?(?:\s+of\s+(?-i:[A-Z]\w+))?)"
    rf"|\blet\s+(?P<let>(?:the\s+|your\s+|an?\s+|one\s+of\s+the\s+)?(?:{_ROLE_ACRONYM}"
    rf"|{_ROLE_NOUN}))\s+know\b"
    rf"|\bkeep\s+(?P<kept>(?:the\s+|your\s+|all\s+)?(?:{_ROLE_ACRONYM}|{_ROLE_NOUN}))\s+"
    r"(?:informed|updated|posted|aware|in\s+the\s+loop)\b"
    rf"|\bget\s+(?P<involved>(?:the\s+|your\s+|an?\s+)?(?:{_ROLE_ACRONYM}|{_ROLE_NOUN}))\s+involved\b"
)
_ACTOR = re.compile(
    starting_with(
        _ACTOR_STARTS,
        rf"{_ACTOR_ACTIVE}"
        rf"|(?P<passive>\b(?:the\s+|an?\s+|all\s+)?{_ROLE_NOUN}(?:\s+(?:and|or)\s+{_ROLE_NOUN})?)"
        r"(?:\s+for\s+[\w\s-]{1,30}?)?\s+(?:should|must|need\s+to)\s+(?:always\s+)?be\s+"
        r"(?:included|invited|informed|notified|paged|contacted|consulted|looped\s+in)\b"
        # a contact asked for as its outcome: "make sure the right stakeholders are informed"
        r"|\b(?:make\s+sure|ensure)\s+(?:that\s+)?(?P<outcome>(?:the\s+|all\s+|your\s+)?"
        rf"(?:{_ROLE_ACRONYM}|{_ROLE_NOUN}))\s+(?:are|is|get|gets|have\s+been|has\s+been)\s+"
        r"(?:kept\s+)?(?:included|invited|informed|notified|paged|contacted|consulted|looped\s+in"
        r"|updated|aware)\b",
    ),
    re.IGNORECASE,
)
_PASSIVE_CONTACT_WORDS = frozenset(
    {"included", "invited", "informed", "notified", "paged", "contacted", "consulted", "looped",
     "updated", "aware"}
)
"""Words the passive of `_ACTOR` ends with ("the DBA must be informed"): one must be there."""
_ACTOR_NOT_PASSIVE = re.compile(
    starting_with(_ACTOR_STARTS, rf"{_ACTOR_ACTIVE}|(?P<passive>(?!))|(?P<outcome>(?!))"),
    re.IGNORECASE,
)
"""`_ACTOR` for a passage with none of `_PASSIVE_CONTACT_WORDS`: the same matches there, without
trying the costly passive (a role noun, perhaps after three words) at every word."""
_ACTOR_FIRST = frozenset(
    {"ping", "ask", "contact", "notify", "page", "escalate", "reach", "tell", "inform", "loop",
     "message", "slack", "consult", "check", "talk", "speak", "work", "coordinate", "sync", "get",
     "involve", "invite", "delegate", "hand", "send", "share", "forward", "report", "give",
     "email", "mail", "let", "included", "invited", "informed", "notified", "paged", "contacted",
     "follow", "heads", "keep", "raise",
     "consulted", "looped", "engage", "bring", "pull", "request", "obtain", "seek", "involved"}
)  # fmt: skip
"""Words every actor match holds (its contact verb, "let", or a passive): a cheap test."""
_LINK = re.compile(r"\]\(|\]\[|https?://")
_TRIBAL = re.compile(
    starting_with(
        "alotduy",
        r"\b(?:the|your|our)\s+(?:usual|old|normal|regular|standard|typical|familiar|legacy|good\s+old|desired"
        r"|necessary|agreed|expected)\s+"
        r"(?:[\w-]+\s+)?(?:dashboards?|scripts?|tools?|process|procedure|way|place|fix|workaround"
        r"|commands?|playbook|runbook|query|queries|link|page|channel|spreadsheet|docs?|document"
        r"|approach|method|trick|steps?|time\s*frame|timeline|deadline|repositor(?:y|ies)|repos?"
        r"|settings|values?|config(?:uration)?)\b"
        r"|\bas\s+(?:before|usual|always|last\s+time|discussed|we\s+(?:did|do))\b"
        r"|\blike\s+(?:last\s+time|before|we\s+always\s+do)\b"
        r"|\bour\s+(?:usual\s+|default\s+|various\s+|own\s+|internal\s+|standard\s+)?"
        r"(?:[\w-]+\s+)?(?:dashboards?|scripts?|tools?|process|knowledge\s+base|wiki|accounts?"
        r"|rules|runbooks?|playbooks?|repos?|repositor(?:y|ies)|config(?:uration)?|setup"
        r"|tradecraft|docs|documentation|mailing\s+lists?|channels?)\b"
        r"|\b(?:deploy|use|apply)\s+(?:some\s+)?tradecraft\b"
        # "the numbers we always look at"
        r"|\bthe\s+(?:[\w-]+\s+){1,2}?(?:(?:that|which)\s+)?(?:we|they)\s+(?:always|usually|normally"
        r"|typically|generally)\s+(?:look\s+at|use|check|run|watch|do|follow)\b",
    ),
    re.IGNORECASE,
)
_TRIBAL_WORDS = frozenset(
    {"usual", "old", "normal", "regular", "standard", "typical", "familiar", "legacy", "good",
     "desired", "necessary", "agreed", "expected", "before", "always", "last", "discussed", "we",
     "like", "our", "tradecraft", "usually", "normally", "typically", "generally", "they"}
)  # fmt: skip
"""Words every `_TRIBAL` match holds (a whole word): a cheap test before the pattern runs."""
_WAIT = re.compile(
    starting_with(
        "kprwmocfoOpPrRcCMWKFsSgGaAlLtT",
        # a count or a time with no number: "retry a couple of times", "wait a bit", "give it
        # some time", "let it settle"
        r"\b(?:retry|repeat|try\s+again|re-?run\s+it)\b[^.;:!?]{0,40}?\b(?:a\s+(?:couple|few)"
        r"\s+(?:of\s+)?(?:more\s+)?(?:times|attempts|tries)|several\s+times|multiple\s+times"
        r"|a\s+number\s+of\s+times)\b"
        r"|\b(?:wait|give\s+(?:it|them|the\s+[\w-]+)|allow)\s+(?:for\s+)?(?:a\s+(?:bit|while|little"
        r"(?:\s+while)?|moment|few\s+(?:more\s+)?(?:minutes|seconds|hours))|some\s+(?:more\s+)?"
        r"(?:time|minutes))\b"
        r"|\blet\s+(?:it|them|the\s+[\w-]+(?:\s+[\w-]+)?)\s+(?:settle|stabili[sz]e|recover|catch\s+up"
        r"|warm\s+up|finish|converge|sync)\b"
        r"|\b(?:wait|keep\s+(?:retrying|trying|checking|waiting|polling|watching|restarting)"
        r"|retry|repeat|poll)\b(?:[^.;:!?]{0,60}?\b(?:until|till|for\s+(?:it|them|the\s+[\w-]+"
        r"(?:\s+[\w-]+){0,2}?)\s+to)\b[^.;:!?]*)?"
        r"|\b(?:(?:occasionally|periodically|regularly|continuously|constantly)\s+)?(?:monitor"
        r"|watch|keep\s+an\s+eye\s+on|keep\s+monitoring)\s+(?:the\s+|for\s+|any\s+)?[\w-]+"
        r"(?:\s+(?!and\b)[\w-]+){0,5}"
        r"|\bfollow\s+(?:the\s+)?[\w-]+\s+progress\b"
        r"|\b(?:occasionally|periodically|regularly|from\s+time\s+to\s+time)\s+check\s+"
        r"(?:on\s+)?[^.;:!?]{0,60}"
        # a suspension held until an event: "apply a silence to the alert, until these servers
        # are troubleshooted" (it waits on the event to lift it)
        r"|\b(?:silence|snooze|mute|pause|suspend)\b[^.;:!?]{0,60}?\b(?:until|till)\b[^.;:!?]*"
        # an implied wait: "the alert may resolve in some time"
        r"|\b(?:may|might|will|should|could)\s+(?:\w+ly\s+)?(?:resolve|recover|clear|settle"
        r"|finish|complete|come\s+back|heal)\b[^.;:!?]{0,30}?\b(?:in|after|within)\s+(?:some"
        r"|a)\s+(?:time|while|bit)\b",
    ),
    re.IGNORECASE,
)
_WAIT_FIRST = frozenset(
    {"wait", "keep", "retry", "repeat", "poll", "monitor", "watch", "follow", "occasionally",
     "silence", "snooze", "mute", "pause", "suspend", "try", "rerun", "re", "run", "give",
     "allow", "let",
     "periodically", "regularly", "from", "may", "might", "will", "should", "could"}
)  # fmt: skip
"""Words every wait match holds: a cheap test."""
_WATCH = re.compile(
    r"(?:occasionally|periodically|regularly|continuously|constantly|from\s+time|monitor|watch"
    r"|keep\s+an\s+eye|keep\s+monitoring|follow)",
    re.IGNORECASE,
)
_OPEN_ENDED = re.compile(
    r"\b(?:until|till)\s+(?:it|they|`[^`]+`|(?:the|these|those|this|that)\s+[\w-]+(?:\s+[\w-]+)?"
    r"|all\s+[\w-]+)\s+(?:is|are|becomes?"
    r"|recovers?|comes?\s+back|works?|succeeds?|stabili[sz]es?|finish(?:es)?|completes?|resolves?"
    r"|returns?|shows?|reports?|turns?|gets?|goes|settles?|clears?)\b"
    r"|\bkeep\s+\w+ing\b|\bfor\s+(?:it|them|the\s+[\w-]+(?:\s+[\w-]+){0,2}?)\s+to\s+(?:recover"
    r"|come\s+back|be)\b"
    r"|\b(?:some|a)\s+(?:time|while|bit)\b|\buntil\s+(?:it|they)\s+(?:fix|resolve|heal)s?\b"
    r"|\b(?:a\s+(?:couple|few)|several|multiple|a\s+number)\s+(?:of\s+)?(?:more\s+)?(?:times"
    r"|attempts|tries|minutes|seconds|hours)\b|\ba\s+(?:little|moment)\b|^let\s"
    r"|^wait\s+for\s+(?:it|them|(?:the|a|an|all|every|your)\s+[\w-]+(?:\s+[\w-]+){0,2}?)\s+to\s+[a-z]+"
    r"|^(?:silence|snooze|mute|pause|suspend)\b[^.;:!?]*\b(?:until|till)\b",
    re.IGNORECASE,
)
_WAIT_FOR = re.compile(r"\s+for\s+(?!\d)[\w/-]", re.IGNORECASE)
"""A wait for something to arrive: "wait for confirmation from the IC", "wait for a reply"."""
_SCHEDULE = re.compile(
    r"\b(?:working|business|office)\s+hours\b|\bnext\s+(?:day|week|release|maintenance|morning"
    r"|shift|business\s+day)|\btomorrow\b"
    r"|\bshipped\b|\breleased\b",
    re.IGNORECASE,
)
_ACTION_VERB = (
    r"(?:delete|remove|restart|reboot|scale|drain|cordon|uncordon|kill|terminate|roll\s*back"
    r"|rollback|redeploy|deploy|refund|purge|flush|wipe|truncate|drop|patch|edit|update|upgrade"
    r"|downgrade|increase|decrease|resize|expand|recreate|replace|rotate|renew|revoke|grant"
    r"|disable|enable|evict|restore|recover|reinstall|rebuild|fail\s*over|promote|migrate|silence|apply(?!\s+to\s)|modify|change"
    r"|clean\s*up|reset|issue|cancel|raise|lower"
    # adding something to a setting: "add the node to the policy", "add the IP to the allowlist"
    r"|add\s+(?=(?:[\w'-]+\s+){1,6}?(?:to|into)\s+(?:the\s+|your\s+|its\s+|a\s+)?(?:[\w-]+\s+)?"
    r"(?:polic(?:y|ies)|config(?:uration)?|allow-?list|deny-?list|whitelist|blacklist|quota"
    r"|rules?|settings|limits?|pool|node\s*pool|list)\b))"
)
_IMPLIED_ACTION = re.compile(
    rf"^(?:(?:then|now|next|first|finally|please|also|optionally)\s*,?\s+)?"
    rf"(?:you\s+(?:can|could|should|must|may|might|need\s+to|will\s+need\s+to)\s+"
    rf"(?:safely\s+|simply\s+|just\s+)?)?{_ACTION_VERB}\b(?!\s+of\b)[^.;:!?]*"
    rf"|\byou\s+(?:can|could|should|must|may|need\s+to)\s+(?:safely\s+|simply\s+|just\s+)?"
    rf"{_ACTION_VERB}\b(?!\s+of\b)[^.;:!?]*"
    r"|^(?:check|look\s+up|verify|review|find|confirm)\s+(?:the\s+)?(?:[\w'-]+\s+){1,2}?"
    r"(?:in|on|via|using)\s+(?:the\s+)?(?-i:[A-Z][a-z][A-Za-z0-9]*)[^.;:!?]*"
    # a look-up in a console nobody names: "check the cloud provider to verify ..."
    r"|^(?:check|look\s+(?:at|in)|review|consult)\s+(?:with\s+)?(?:the\s+|your\s+)"
    r"(?:cloud\s+provider|(?:[\w-]+\s+)?(?:console|dashboard|portal|control\s+panel))\b[^.;:!?]*"
    # a resource the reader must add: "you will need more storage space"
    r"|^you\s+(?:will\s+|may\s+|might\s+)?(?:also\s+)?need\s+more\s+(?:[\w-]+\s+){0,2}?"
    r"(?:storage|space|capacity|memory|disk|disks|nodes|replicas|cpus?|resources|quota)\b[^.;:!?]*",
    re.IGNORECASE,
)
_REASON = re.compile(
    r"\b(?:because|since|so\s+(?:that|the|it|they)|in\s+order\s+to|reason|otherwise|as\s+it"
    r"|which\s+(?:is|will)|if|only|in\s+this\s+case|when|unless|no\s+longer\s+needed"
    r"|to\s+(?:apply|trigger|pick\s+up|reload|refresh|reset|re-?create|rebuild|allow|let|ensure"
    r"|avoid|make|reclaim|unstick|re-?pull|re-?sync|reduce|fix)|unused|clean\s*up|fix|reduce|mitigate"
    r"|this\s+(?:triggers|will|allows|frees|causes|forces)|which\s+(?:triggers|frees|forces)"
    r"|stuck|orphaned|corrupt(?:ed)?|to\s+(?:free|release|recover|unblock|clear|reclaim|restore"
    r"|fix|resolve|stop|prevent|force|remove|get\s+rid))\b",
    re.IGNORECASE,
)
_TEMPLATE_KEYWORDS = {"end", "else", "range", "if", "with", "template", "define", "block"}
_HTML_TAGS = {
    "br",
    "details",
    "summary",
    "b",
    "i",
    "code",
    "pre",
    "kbd",
    "sup",
    "sub",
    "p",
    "div",
    "span",
    "a",
    "img",
    "em",
    "strong",
    "ul",
    "li",
    "ol",
    "table",
    "hr",
}
_ENVIRONMENT = {
    "HOME",
    "PATH",
    "USER",
    "PWD",
    "SHELL",
    "HOSTNAME",
    "KUBECONFIG",
    "TMPDIR",
    "RANDOM",
    "LANG",
    "TERM",
}
_ASSIGNMENT = re.compile(
    r"(?:^|[\s;(])(?:export\s+)?(?P<name>[A-Za-z_][A-Za-z0-9_]*)=(?P<value>\S*)"
    r"|\bfor\s+(?P<loop>[A-Za-z_][A-Za-z0-9_]*)\s+in\b|\bread\s+(?:-\w+\s+)*(?P<read>[A-Za-z_]\w*)"
)


def _norm(name: str) -> str:
    return input_key(name)


@dataclass(frozen=True)
class Hit:
    """A match in a passage: its words as read, and (worked out when a rule first asks: most
    hits are dropped before) where it is in the source, its sentence and its step."""

    words: str
    passage: Passage
    match: re.Match[str]
    start: int
    """Where the hit's words start in the passage's text."""
    end: int
    context: CheckContext = field(repr=False, compare=False)

    @cached_property
    def span(self) -> Span:
        """The source span of the hit's words."""
        return self.passage.span(self.start, self.end)

    @cached_property
    def sentence(self) -> str:
        """The sentence of the passage holding the hit's words."""
        return self.passage.sentence_at(self.start).text

    @cached_property
    def step(self) -> str | None:
        """The step whose text (or lead-in) holds the hit, if any."""
        return step_at(self.context, self.span)


def _scan(
    context: CheckContext,
    pattern: re.Pattern[str],
    groups: tuple[int | str, ...] = (0,),
    needs: frozenset[str] = frozenset(),
    lean: tuple[re.Pattern[str], frozenset[str]] | None = None,
) -> Iterator[Hit]:
    """Every match of `pattern` in the whole document's prose (every passage), as read; the
    hit's words are the first of `groups` that took part in the match. With `needs`, only
    passages holding one of those words are scanned (every match must contain one). With
    `lean` (a pattern and words), a passage holding none of those words is scanned with that
    cheaper pattern: it drops only alternatives that need one of the words, so it finds the
    same matches there."""
    if not needs and not pattern.search(context.passage_text):  # one pass rules most out
        return
    for passage in context.passages:
        if needs and needs.isdisjoint(passage.words):
            continue
        if _spoken(context, passage):
            continue
        scanner = pattern
        if lean is not None and lean[1].isdisjoint(passage.words):
            scanner = lean[0]
        for match in scanner.finditer(passage.text):
            group = next((g for g in groups if match.start(g) != -1), 0)
            start, end = match.span(group)
            if start >= end:
                continue
            words = " ".join(match.group(group).split())
            yield Hit(words, passage, match, start, end, context)


_QUOTED = re.compile(r"^\s*>")
_ADMONITION = re.compile(
    r"^\W*(?:\[!\w+\]|(?:note|warning|important|tip|caution|danger|info|hint|attention)\b)",
    re.IGNORECASE,
)
_SPEECH = re.compile(
    r"^\W*(?-i:[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*){0,3})\s*:\s|\b(?-i:I|I'm|I've|I'd|I'll)\b"
    r"|\b(?:we|we're|we've|we'll|let's|our|us)\b",
    re.IGNORECASE,
)
"""Speech: a speaker's label ("IC: Stop.") or a first-person word ("we are currently ...")."""


def _spoken(context: CheckContext, passage: Passage) -> bool:
    """Whether a passage is quoted speech, a script of what someone says on the call ("> IC:
    Stop. Leave the call.", "> We are currently in a SEV-1 situation"): words to say, not an
    instruction to the reader. An admonition ("> **Note:** restart if needed") is read."""
    line = passage.block.span.line
    return bool(
        line <= len(context.document.lines)
        and _QUOTED.match(context.document.lines[line - 1])
        and not _ADMONITION.match(passage.text)
        and _SPEECH.search(passage.text)
    )


def _one_per_line(
    check: Callable[[CheckContext], Iterator[Finding]],
) -> Callable[[CheckContext], Iterator[Finding]]:
    """A text rule says its finding once per source line: a reader fixes the line, not each
    phrase of it ("if an issue keeps happening; if it alerts often")."""

    @wraps(check)
    def once(context: CheckContext) -> Iterator[Finding]:
        lines: set[int] = set()
        for finding in check(context):
            if finding.span.line not in lines:
                lines.add(finding.span.line)
                yield finding

    return once


def _with_model_flags(
    code: str,
) -> Callable[
    [Callable[[CheckContext], Iterator[Finding]]], Callable[[CheckContext], Iterator[Finding]]
]:
    """The rule's own findings, then the flags of its code the LLM extractor proposed (their
    quote is in the source: the grounding gate dropped the others, RB401) on lines the rule did
    not flag, marked as the model's. Like every RB1xx finding they block until signed off."""

    def wrap(
        check: Callable[[CheckContext], Iterator[Finding]],
    ) -> Callable[[CheckContext], Iterator[Finding]]:
        @wraps(check)
        def with_model(context: CheckContext) -> Iterator[Finding]:
            lines: set[int] = set()
            for finding in check(context):
                lines.add(finding.span.line)
                yield finding
            for issue in context.extraction_issues:
                if issue.kind != "proposed-flag" or issue.code != code:
                    continue
                if issue.span.line in lines:
                    continue  # the rule flags the line itself
                lines.add(issue.span.line)
                words = " ".join(issue.evidence.split())
                why = f": {issue.detail}" if issue.detail else ""
                yield Finding(
                    code,
                    issue.span,
                    f'proposed by the model, not found by the rules: "{words}"{why}',
                    "confirm it and rewrite the words, or sign it off as not an assumption",
                    words,
                    step_at(context, issue.span),
                )

        return with_model

    return wrap


_ADDRESSED = re.compile(r"\b(?:you|your|yourself|should|must|please|make\s+sure)\b", re.IGNORECASE)


_BARE_IMPERATIVE = re.compile(
    r"^(?:[-*+]\s+|\d+[.)]\s+)?(?:[A-Za-z][a-z]+)(?:\s+and\s+[a-z]+)?\s+(?:the|a|an|any|all|every|your|our|its|their|it|them"
    r"|this|that|these|those|up|down|off|out|back)\b"
)
_NOT_VERBS = frozenset(
    {"the", "this", "that", "these", "those", "there", "it", "its", "they", "we", "a", "an",
     "all", "each", "every", "some", "most", "many", "if", "when", "once", "in", "on", "at",
     "for", "with", "from", "by", "after", "before", "as", "so", "and", "but", "or", "of",
     "because", "since", "while", "although", "however", "also", "then", "what", "which",
     "perhaps", "maybe", "probably", "possibly", "sometimes", "usually", "often", "typically",
     "generally", "otherwise", "here", "now"}
)  # fmt: skip


_HEDGED_CHANGE = re.compile(
    r"(?:might|may)\s+(?:also\s+)?need\s+(?:to\s+be\b|an?\s+|manual\s+|reboot|restart|replacement"
    r"|rollback|redeploy|failover|resize|upgrade|clean)",
    re.IGNORECASE,
)
"""A hedged change with no "you": "the OSD may need to be replaced", "might need a reboot"."""


_LEAD_LABEL = re.compile(r"^(?:[-*+]\s+|\d+[.)]\s+)?[A-Z][\w /&-]{0,60}:\s+(?=[A-Z])")
"""A short label before an instruction: "Bad Deployment: Roll it back."."""


_LEAD_ADVERB = re.compile(r"^(?:[-*+]\s+|\d+[.)]\s+)?[A-Za-z]+ly,?\s+")


_NOTE = re.compile(
    r"^(?:[-*+]\s+|\d+[.)]\s+)?(?:\*\*)?(?:note|nb|n\.b\.)\b(?:\*\*)?(?:\s+that\b|\s*:)?\s*",
    re.IGNORECASE,
)
"""An aside: "Note that ...", "Note: ..." (what follows is information unless it instructs)."""


_GERUND_FIRST = re.compile(
    r"^(?:[-*+]\s+|\d+[.)]\s+)?(?!(?:bring|string|ring|sing|during|nothing|something|anything"
    r"|everything|morning|evening|following|pending|according|regarding|depending|assuming"
    r"|including|notwithstanding)\b)[A-Za-z]{2,}ing\b(?!\s*:)",
    re.IGNORECASE,
)


_NOUN_SUBJECT = re.compile(
    r"^(?:[-*+]\s+|\d+[.)]\s+)?[A-Za-z-]+\s+(?:\w+ly\s+)?(?:is|are|was|were|means|has|does"
    r"|takes|requires|happens|occurs|seems|looks|usually|often|rarely)\b",
    re.IGNORECASE,
)
"""A first word followed by a finite verb: a noun, the sentence's subject ("Silence usually
means ...", "Restart is required when ..."), not an imperative."""


def _instructs(sentence: str) -> bool:
    """Whether a sentence tells the reader something to do: an imperative (a known verb, or
    any word followed by an object, "Shrink the journal"), a "you" sentence, or a modal
    ("should", "must"). Background and explanation are not instructions, nor is an aside
    ("Note that it defaults to ...") unless what it says instructs."""
    note = _NOTE.match(sentence)
    if note is not None and note.end() > 0:
        sentence = sentence[note.end() :]
    if _GERUND_FIRST.match(sentence) and not _ADDRESSED.search(sentence):
        return False  # "Drafting messages when needed, ...": a duty named, not an instruction
    if _NOUN_SUBJECT.match(sentence) and not _ADDRESSED.search(sentence):
        return False  # "Silence usually means everyone is working": a verb-shaped noun
    if is_instruction(sentence) or _ADDRESSED.search(sentence):
        return True
    sentence = _LEAD_LABEL.sub("", sentence, count=1)  # "Bad Deployment: Roll it back."
    adverb = _LEAD_ADVERB.match(sentence)  # "Occasionally check on the progress"
    if adverb and is_instruction(sentence[adverb.end() :]):
        return True
    sentence = sentence[adverb.end() :] if adverb else sentence
    bare = _BARE_IMPERATIVE.match(sentence)
    return bare is not None and sentence.split()[0].lower() not in _NOT_VERBS


@rule(
    "RB101",
    "vague-condition",
    "warning",
    blocking=True,
    signoff=True,
    summary='A condition that leaves the decision to the reader: "if needed", "as appropriate".',
    docs=RuleDoc(
        what='Flags conditions such as "if needed", "as appropriate", "when necessary", '
        '"if required", "use your judgement" (extend with `extra-vague-phrases`).',
        why='A person fills in what "needed" means from experience; an agent fills it in with '
        "a guess and then acts on it — restarting a database because it looked needed.",
        example="Restart the payments-api pods if needed.",
        instead="Restart the payments-api pods if `postgres.pool_stats` shows more than 95% of "
        "connections in use for 5 minutes.",
    ),
)
@_with_model_flags("RB101")
@_one_per_line
def vague_condition(context: CheckContext) -> Iterator[Finding]:
    yield from _vague_in_text(context)
    yield from (f for f in _decision_flags(context) if f.code == "RB101")


def _vague_in_text(context: CheckContext) -> list[Finding]:
    """RB101's findings in the text (worked out once per document)."""
    if "RB101" not in context.shared:
        context.shared["RB101"] = list(_vague(context))
    found: list[Finding] = context.shared["RB101"]  # type: ignore[assignment]
    return found


def _vague(context: CheckContext) -> Iterator[Finding]:
    extra = "|".join(
        r"\s+".join(map(re.escape, phrase.split())) for phrase in context.config.extra_vague_phrases
    )
    starts = "abcdimopstuwyI" + "".join(phrase[:1] for phrase in context.config.extra_vague_phrases)
    vague = _VAGUE + (rf"|\b(?:{extra})\b" if extra else "")
    pattern = re.compile(at_word_start(starts, vague), re.IGNORECASE)
    excused = _excused(context)
    for hit in _scan(context, pattern, needs=frozenset() if extra else _VAGUE_WORDS):
        hedged_change = _HEDGED_CHANGE.match(hit.passage.text, hit.match.start()) is not None
        holder = _holder(hit)
        if holder is not None:
            if not _reader_is(holder, hit.passage.block.sections):
                excused.add(hit.span.line)
                continue  # "at the IC's discretion", read by the SME: not the reader's call
        elif _embedded_question(hit) or not (
            hedged_change or _instructs(hit.sentence) or _leads_instruction(hit)
        ):
            continue
        if _musing(hit) or _in_relative_clause(hit):
            continue
        if (holder is None and (_someone_elses(hit) or _directed(hit))) or _default_given(hit):
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
    r"[\w-]+(?:\s+[\w-]+)?|you|we)\s+(?:(?:must|should|will|shall|can|may)(?:\s+not)?|need\s+to"
    r"|needs\s+to|has\s+to|have\s+to)\s+(?:also\s+|always\s+)?[a-z]+",
    re.IGNORECASE,
)


def _someone_elses(hit: Hit) -> bool:
    """Whether the vague words qualify someone else's duty, not the reader's: the nearest
    modal before them in the sentence has a third-person subject ("if a Deputy is assigned, he
    or she must be fully qualified to assume the position if required")."""
    sentence = hit.passage.sentence_at(hit.start)
    found = list(_MODAL_SUBJECT.finditer(hit.passage.text, sentence.start, hit.start))
    own = _MODAL_SUBJECT.search(hit.passage.text, max(sentence.start, hit.start - 40), hit.end)
    if own is not None and own.start() < hit.start <= own.end() + 1:
        # the hedge's own subject: "the security team may need to" (a person or a role; "the
        # OSD may need to be replaced" is still the reader's hedged change)
        return bool(_PEOPLE_SUBJECT.match(own.group("subject")))
    last = found[-1] if found else None
    if last is None:
        return False
    return last.group("subject").lower() not in ("you", "we")


_PEOPLE_SUBJECT = re.compile(
    rf"^(?:he\s+or\s+she|he|she|they)$|^(?:the|a|an|each|every|any)\s+(?:[\w-]+\s+)?"
    rf"(?:{_ROLE_ACRONYM}|{_ROLE_NOUN})",
    re.IGNORECASE,
)
_RELATIVE = re.compile(r"\b(?:who|which|that)\s+$", re.IGNORECASE)
_OBLIGATION = re.compile(
    r"\b(?:should|must|need\s+to|needs\s+to|have\s+to|has\s+to|ought\s+to)\b", re.IGNORECASE
)
_CLAUSE_END = re.compile(r"[,;:.!?]")


def _in_relative_clause(hit: Hit) -> bool:
    """ "shared with anyone who may need to respond": the hedge is the relative clause's subject's,
    not an instruction to the reader."""
    return _RELATIVE.search(hit.passage.text, max(0, hit.start - 12), hit.start) is not None


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
    for found in _CHOSEN_BY.finditer(hit.passage.text, 0, hit.start):
        director = _ARTICLE.sub("", (found.group("by") or found.group("who")).strip())
        if _DIRECTOR.search(director):
            return True
    return False


def _default_given(hit: Hit) -> bool:
    """Whether the text says what to do when the reader cannot decide, in the hit's sentence or
    the next ("Announcing publicly is at your discretion. If you are unsure, then announce
    publicly."): the discretion has a written default, so nothing is left to a guess."""
    starts = hit.passage.sentence_starts
    index = bisect_left(starts, hit.passage.sentence_at(hit.start).start)
    following = hit.passage.sentences[index : index + 2] if index < len(starts) else []
    return any(on_doubt(sentence.text) for sentence in following) or on_doubt(hit.sentence)


def _leads_instruction(hit: Hit) -> bool:
    """Whether the vague words open a clause before an instruction ("Depending on the
    situation, page the on-call")."""
    sentence = hit.passage.sentence_at(hit.start)
    comma = hit.passage.text.find(",", hit.end, sentence.end)
    return comma >= 0 and _instructs(hit.passage.text[comma + 1 : sentence.end].strip())


def _excused(context: CheckContext) -> set[int]:
    """Lines whose vague words RB101 found but excused (another role's call, a default given):
    a decision on them is not left to the reader either."""
    found = context.shared.setdefault("RB101-excused", set())
    assert isinstance(found, set)
    return found


def _decision_flags(context: CheckContext) -> list[Finding]:
    """The findings on decisions nothing written decides (worked out once per document; RB101
    reports those left to an opinion, RB102 those judged with no measure)."""
    if "decisions" not in context.shared:
        selected = context.config.selected(["RB101", "RB102"], context.document.path)
        vague = _vague_in_text(context)  # also notes the lines whose vague words are excused
        flagged = {f.span.line for f in vague} if "RB101" in selected else set()
        flagged |= _excused(context)
        if "RB102" in selected:
            flagged |= {finding.span.line for finding in _unmeasurable_in_text(context)}
        context.shared["decisions"] = list(
            _undecided_decisions(context, flagged, measured_by_rb102="RB102" in selected)
        )
    found: list[Finding] = context.shared["decisions"]  # type: ignore[assignment]
    return found


def _bare_question(context: CheckContext, step: Step) -> bool:
    """Whether a decision is a question alone on its line, with no branch that depends on it
    (every edge unconditional): a check to answer, not a gate ("* Does the attacker have enough
    information to find another way in?"). A question followed by what to do ("... ? - do
    so.") is a decision."""
    if step.source is None or any(edge.when for edge in step.next):
        return False
    line = context.document.lines[step.source.end_line - 1].rstrip()
    return step.source.line == step.source.end_line and line.endswith("?")


_CLAUSE_REST = re.compile(r"(?:(?!\bthen\b)[^.;:!?,]){0,100}", re.IGNORECASE)
"""The rest of a condition's clause in the source after the words a step kept."""


def _undecided_decisions(
    context: CheckContext, flagged: set[int], measured_by_rb102: bool
) -> Iterator[Finding]:
    """Decisions whose condition nothing written decides (issue 16 item 5: `gate: human`),
    that no RB101/RB102 in the text already flags: the decision itself is left to the reader
    (RB102 when it judges with no measure and RB102 is on, else RB101)."""
    lines = context.document.lines
    for step in context.graph.steps:
        if step.kind != "decision" or step.source is None:
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


@rule(
    "RB102",
    "unmeasurable-condition",
    "warning",
    blocking=True,
    signoff=True,
    summary='A condition with a judgement but no metric or threshold: "if latency is high".',
    docs=RuleDoc(
        what="Flags conditions that compare against a judgement (high, slow, backed up, looks "
        "unhealthy) without a number, a threshold or a named metric.",
        why='"High" is whatever the reader thinks is high. Two on-call engineers — or an agent '
        "and a human — take different branches on the same data.",
        example="If latency is high, scale the deployment to 6 replicas.",
        instead="If p99 latency (`http_request_duration_seconds`) is above 500 ms for 5 minutes, "
        "scale the deployment to 6 replicas.",
    ),
)
@_with_model_flags("RB102")
@_one_per_line
def unmeasurable_condition(context: CheckContext) -> Iterator[Finding]:
    yield from _unmeasurable_in_text(context)
    yield from (f for f in _decision_flags(context) if f.code == "RB102")


def _unmeasurable_in_text(context: CheckContext) -> list[Finding]:
    """RB102's findings (worked out once per document: RB101 reads their lines too)."""
    if "RB102" not in context.shared:
        context.shared["RB102"] = list(_unmeasurable(context))
    found: list[Finding] = context.shared["RB102"]  # type: ignore[assignment]
    return found


_REQUIRED_AMOUNT = re.compile(
    r"\b(?:make\s+sure|ensure|verify|confirm|check)\s+(?:that\s+)?(?:there\s+(?:is|are)\s+|you\s+have"
    r"\s+|(?:it|they)\s+(?:has|have)\s+|the\s+[\w-]+\s+(?:has|have)\s+)?(?:enough|sufficient|adequate"
    r"|plenty\s+of)\s+[\w-]+(?:\s+[\w-]+)?",
    re.IGNORECASE,
)
"""An amount required with no measure: "make sure there is enough headroom"."""
_REQUIRED_FIRST = frozenset({"sure", "ensure", "verify", "confirm", "check"})


def _unmeasurable(context: CheckContext) -> Iterator[Finding]:
    yield from _judged_before(context)
    for hit in _scan(context, _REQUIRED_AMOUNT, needs=_REQUIRED_FIRST):
        rest = hit.passage.text[hit.start : hit.passage.sentence_at(hit.start).end]
        if _decidable(rest) or not _instructs(hit.sentence):
            continue
        yield Finding(
            "RB102",
            hit.span,
            f'unmeasurable condition "{hit.words}": how much is enough?',
            'name the amount and how to measure it, e.g. "at least 20% free on /var"',
            hit.words,
            hit.step,
        )
    for hit in _scan(context, _CONDITION, needs=_CONDITION_FIRST):
        clause = hit.match.group(0)
        judgement = next(
            (j for j in JUDGEMENT.finditer(clause) if not foreseen(clause, j)), None
        )  # a risk foreseen ("activities that might generate plenty of pages") asks a precaution
        if judgement is None or _decidable(clause) or _embedded_question(hit):
            continue
        if not (_instructs(hit.sentence) or _VERDICT.search(hit.sentence)):
            continue
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
    at_word_start("io", r"\b(?:if\s+not|if\s+so|if\s+yes|if\s+no|otherwise)\b"), re.IGNORECASE
)


def _judged_before(context: CheckContext) -> Iterator[Finding]:
    """ "Verify the host is healthy, if not switch to ...": "if not" takes the clause before it
    as its condition, so a judgement there with no measure is RB102."""
    for hit in _scan(context, _REFERS_BACK, needs=frozenset({"if", "otherwise"})):
        start = hit.passage.sentence_at(hit.match.start()).start
        before = hit.passage.text[start : hit.match.start()]
        judgement = JUDGEMENT.search(before)
        if judgement is None or _decidable(before) or not _instructs(hit.sentence):
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


def _declared_actors(context: CheckContext) -> tuple[set[str], set[str]]:
    """(declared and assigned names, declared but unassigned names)."""
    meta = context.meta
    assigned = {k for k, v in meta.contacts.items() if v}
    assigned |= {v for v in meta.contacts.values() if v}
    assigned |= set(context.profiles.roles)
    assigned |= {x for x in (meta.owner, meta.executor) if x}
    if meta.escalation is not None:
        assigned.add(meta.escalation.role)
    unassigned = {k for k, v in meta.contacts.items() if not v}
    return assigned, unassigned


def _words(name: str) -> frozenset[str]:
    name = _ON_CALL.sub("oncall", name.lower())
    return frozenset(w.rstrip("s") for w in _NON_ALNUM_RUN.split(name) if w)


def _known(actor: str, names: set[str]) -> bool:
    """Whether every word of the actor (less articles) is in one declared name."""
    words = _words(_ARTICLE.sub("", actor))
    return bool(words) and any(words <= _words(name) for name in names)


@rule(
    "RB103",
    "undefined-actor",
    "warning",
    blocking=True,
    signoff=True,
    summary='A person or role to contact that the runbook never declares: "ping the AE".',
    docs=RuleDoc(
        what='Flags people and roles a step tells you to contact, ask or escalate to ("the '
        'AE", "the DBA", "ping Sam") that are not declared in front matter `contacts`, '
        "`owner`, `escalation`, or the roles in profiles.yaml, nor defined by the document "
        'itself (a heading or definition line that names the role, "Incident Commander (IC)", '
        "its initials), nor reachable by a channel, link, handle, queue or call in the same "
        "sentence. A contact declared as `null` is flagged as unassigned.",
        why='Readers know who "the AE" is this quarter; an agent does not, and the person may '
        "have left. Escalations to nobody are how incidents stall at 3 a.m.",
        example="If the customer is on an enterprise plan, ping the AE.",
        instead="---\ncontacts: {AE: billing-ops}\n---\n"
        "If the customer is on an enterprise plan, use `pagerduty.page` to page billing-ops.",
    ),
)
@_with_model_flags("RB103")
@_one_per_line
def undefined_actor(context: CheckContext) -> Iterator[Finding]:
    assigned, unassigned = _declared_actors(context)
    defined: set[str] | None = None  # read from the whole document only when a hit needs it
    lean = (_ACTOR_NOT_PASSIVE, _PASSIVE_CONTACT_WORDS)
    groups = ("actor", "let", "involved", "kept", "passive", "outcome")
    for hit in _scan(context, _ACTOR, groups, _ACTOR_FIRST, lean):
        actor = hit.words
        if _NOT_AN_OBJECT.match(actor) or _title_word(hit) or _REFERS_BACK_TO.match(actor):
            continue  # "ask you who is on-call", "ask as an IC", "Gaining Message Approval"
        if _known(actor, assigned) or _reachable(hit) or own_team(actor):
            continue
        if _reached_in_section(context, hit):
            continue
        if defined is None:
            defined = _document_roles(context)
        if _named(unmodified(actor), defined) or _chosen_by_known(hit, assigned | defined):
            continue
        if _permitted(hit):
            continue  # "feel free to contact our support team": a permission, not a step
        if _described_contact(hit):
            continue
        if _head_of_defined(actor, defined):
            continue  # "your experts": the Subject Matter Experts the document defines
        if _known(actor, unassigned):
            message = f'"{actor}" is declared in contacts but assigned to nobody (null)'
        else:
            message = f'"{actor}" is not a declared contact, role or escalation target'
        yield Finding(
            "RB103",
            hit.span,
            message,
            "declare the role in front matter `contacts` (or `escalation`) and name it here",
            actor,
            hit.step,
        )


_CHANNEL = re.compile(
    r"\]\(|\]\[|https?://|(?<![\w&])#[a-z][\w-]+|(?<![\w.])@[a-z][\w.-]+|[\w.+-]+@[\w-]+\.[\w.]+"
    r"|\b(?:slack|pagerduty|opsgenie|jira|servicenow|zendesk|(?-i:Teams)|mailing\s+list|channel"
    r"|queue|ticket|pager|phone|e-?mail\s+address|hotline|bridge|chat\s*room|war\s*room"
    r"|(?:voice|video|conference|incident|bridge|zoom)\s+call)\b",
    re.IGNORECASE,
)


def _reachable(hit: Hit) -> bool:
    """Whether the sentence, outside the actor's own words, gives a way to reach the actor: a
    link, a channel, a handle, an address, a paging service, a ticket queue or a call/room."""
    return bool(_CHANNEL.search(hit.sentence.replace(hit.words, " ")))


def _reached_in_section(context: CheckContext, hit: Hit) -> bool:
    """Whether the same actor is reached by a channel elsewhere in its section ("copy the
    message into Slack and wait for confirmation from the IC", then "get sign-off from the IC"):
    the issue's "a channel ... in the same sentence or section", for that actor."""
    name = _ARTICLE.sub("", hit.words).lower()
    if not name or _ANYONE.match(name):
        return False
    phrase = re.compile(rf"\b{re.escape(name)}\b", re.IGNORECASE)
    sections = hit.passage.block.sections
    for passage in context.passages:
        if passage.block.sections != sections:
            continue
        for sentence in passage.sentences:
            if sentence.text == hit.sentence:
                continue
            if phrase.search(sentence.text) and _CHANNEL.search(sentence.text):
                return True
    return False


_ANYONE = re.compile(
    r"^(?:others?|someone|somebody|anyone|people|folks|everyone|them|stakeholders)$", re.IGNORECASE
)


_CHOSEN_BY = re.compile(
    r"\b(?:directed|assigned|designated|chosen|nominated|requested|instructed|delegated)\s+by\s+"
    r"(?P<by>(?:the\s+|your\s+|an?\s+)?[\w-]+(?:\s+[\w-]+)?)"
    # "the IC may ask you to reach out to another team": the role who asks picks them
    r"|(?P<who>\b(?:the\s+|your\s+)?[\w-]+(?:\s+[\w-]+)?)\s+(?:will|may|might|can|could|would"
    r"|should)?\s*(?:(?:\w+ly|also|then|first)\s+)?(?:ask|asks|tell|tells|instruct|instructs|direct|directs|request"
    r"|requests)\s+you\s+to\b",
    re.IGNORECASE,
)
_NOT_AN_OBJECT = re.compile(
    r"(?:you|yourself|as|in|for|about|during|on|at|by|from|with|to|if|when|whether)\b",
    re.IGNORECASE,
)
"""Words a contact verb's object never starts with: the reader, or a preposition."""
_ROLE_WORD = re.compile(rf"\b(?:{_ROLE_ACRONYM}|{_ROLE_NOUN})", re.IGNORECASE)


def _title_word(hit: Hit) -> bool:
    """A capitalised word in a heading after a verb used as a noun ("Gaining Message
    Approval"): in title case every word is capitalised, so only a role word is an actor."""
    return hit.passage.block.kind == "heading" and _ROLE_WORD.search(hit.words) is None


def _head_of_defined(actor: str, names: set[str]) -> bool:
    """Whether the actor is a defined role by its head noun ("your experts" for "Subject
    Matter Experts", "the commander" for "Incident Commander")."""
    words = [w.rstrip("s") for w in _NON_ALNUM_RUN.split(_ARTICLE.sub("", actor).lower()) if w]
    if len(words) != 1:
        return False
    return any(
        (name_words := _NON_ALNUM_RUN.split(name.lower()))
        and len(name_words) > 1
        and name_words[-1].rstrip("s") == words[0]
        for name in names
    )


_PERMISSION = re.compile(
    r"\b(?:feel\s+free|(?:are|is)\s+(?:free|welcome)|(?:it\s+is|it's)\s+(?:(?:perfectly|totally"
    r"|always)\s+)?(?:ok|okay|fine|acceptable))\s+to\s+(?:\w+\s+){0,3}$",
    re.IGNORECASE,
)


def _permitted(hit: Hit) -> bool:
    """Whether the hit is in what the text permits, not asks ("feel free to contact ...")."""
    start = hit.passage.sentence_at(hit.start).start
    return _PERMISSION.search(hit.passage.text, start, hit.start) is not None


_THIRD_PERSON_CONTACT = re.compile(
    r"^(?:pages|pings|asks|contacts|notifies|tells|informs|escalates|involves|invites|messages"
    r"|emails|consults|engages|sends|shares|forwards|reports|gives|hands)\b",
    re.IGNORECASE,
)
_ABILITY = re.compile(
    r"\b(?:the\s+ability|able|ways?|means|used|allows?\s+(?:you\s+)?|lets?\s+you|helps?\s+(?:you\s+)?)"
    r"\s+to\s+(?:\w+ly\s+)?$",
    re.IGNORECASE,
)


def _described_contact(hit: Hit) -> bool:
    """Whether the contact is described, not asked of the reader: a verb in the third person
    ("it pages the responders list"), a subject other than the reader ("a senior executive may
    want to reach out to ...", "This will page a specific person"), a capability ("the ability to
    page all the current on-calls"), or a heading that is not an instruction ("Hesitating to
    escalate to other responders")."""
    start = hit.passage.sentence_at(hit.start).start
    verb = hit.match.start()
    if _THIRD_PERSON_CONTACT.match(hit.passage.text, verb):
        return True
    if _ABILITY.search(hit.passage.text, max(start, verb - 40), verb):
        return True
    if _PRONOUN_SUBJECT.search(hit.passage.text, max(start, verb - 30), verb):
        return True  # "we also want to make sure we keep stakeholders in the loop"
    if hit.passage.block.kind == "heading" and not is_instruction(hit.sentence):
        return True
    subjects = list(_CONTACT_SUBJECT.finditer(hit.passage.text, max(start, verb - 60), verb))
    return bool(subjects) and subjects[-1].group("subject").lower() not in ("you", "we")


_PRONOUN_SUBJECT = re.compile(
    r"\b(?:we|they|he|she|it|i)\s+(?:also\s+|then\s+|always\s+|usually\s+|often\s+)?$",
    re.IGNORECASE,
)
"""A contact verb right after a subject other than the reader: what someone does."""


_CONTACT_SUBJECT = re.compile(
    r"\b(?P<subject>you|we|he|she|they|it|this|that|(?:the|a|an)\s+(?:[\w-]+\s+){0,2}?[\w-]+)\s+"
    r"(?:(?:will|would|may|might|can|could|should|must)\s+(?:also\s+)?(?:want\s+to\s+|need\s+to\s+"
    r"|have\s+to\s+)?|(?:wants|needs|has)\s+to\s+)(?:\w+ly\s+)?$",
    re.IGNORECASE,
)
_DIRECTOR = re.compile(
    rf"^(?:they|he|she)\b|(?-i:^[A-Z]{{2,5}}s?\b)|{_ROLE_ACRONYM}|{_ROLE_NOUN}", re.IGNORECASE
)
_REFERS_BACK_TO = re.compile(r"^(?:such|these|those|that|this|said|the\s+same)\s", re.IGNORECASE)
"""An actor named before ("page such teams"): flagged, if at all, where it is named."""


def _chosen_by_known(hit: Hit, names: set[str]) -> bool:
    """ "page other people as directed by the Incident Commander": a known role picks them; so
    does any role who directs the reader to do it ("The Incident Commander will instruct you to
    notify stakeholders"): whom to contact is named when the instruction comes."""
    for found in _CHOSEN_BY.finditer(hit.sentence):
        by = found.group("by") or found.group("who")
        director = _ARTICLE.sub("", by.strip())
        if found.group("who") and _DIRECTOR.search(director):
            return True
        if (
            _named(by, names)
            or _named(by.rsplit(" ", 1)[-1], names)
            or _named(by.rsplit(" ", 1)[0], names)
        ):
            return True
    return False


def _named(actor: str, names: set[str]) -> bool:
    """Whether the actor (less articles) is exactly one of the names, word for word."""
    words = _words(_ARTICLE.sub("", actor))
    return bool(words) and any(words == _words(name) for name in names)


def _document_roles(context: CheckContext) -> set[str]:
    """Roles the document itself defines (headings, definition lines, "Long Name (LN)")."""
    headings = [p.text for p in context.passages if p.block.kind == "heading"]
    return defined_roles(headings, (p.text for p in context.passages))


@rule(
    "RB104",
    "tribal-reference",
    "warning",
    blocking=True,
    signoff=True,
    summary='A reference only insiders can resolve: "the usual dashboard", "as before".',
    docs=RuleDoc(
        what='Flags references to shared memory instead of the page: "the usual dashboard", '
        '"the old script", "as before", "like last time".',
        why="Tribal knowledge does not survive team changes, and an agent has none: it will "
        "pick some dashboard, some script.",
        example="Check the usual dashboard for connection errors.",
        instead="Check the [payments DB dashboard](https://grafana.example/d/pgpool) panel "
        '"connection errors", or run `postgres.pool_stats`.',
    ),
)
@_with_model_flags("RB104")
@_one_per_line
def tribal_reference(context: CheckContext) -> Iterator[Finding]:
    blocks = context.document.blocks
    for hit in _scan(context, _TRIBAL, needs=_TRIBAL_WORDS):
        if hit.words.lower().startswith("our") and _LINK.search(hit.sentence):
            continue
        if hit.sentence.rstrip().endswith(":") and _code_follows(blocks, hit.passage):
            continue  # "use the old script:" and the script after it: it is on the page
        if not _instructs(hit.sentence):
            continue  # background: "They will appoint the usual roles" asks nothing of the reader
        if _way_written_elsewhere(context, hit):
            continue
        yield Finding(
            "RB104",
            hit.span,
            f'tribal reference "{hit.words}": which one, exactly?',
            "link or name the exact dashboard, script or procedure",
            hit.words,
            hit.step,
        )


_USUAL_WAY = re.compile(
    r"(?P<verb>[a-z][\w-]+)(?:\s+(?:over|up|down|out|off|back))?\s+(?:in|the)\s+(?:the\s+)?"
    r"(?:usual|normal|standard|regular)\s+"
    r"(?:way|manner|fashion)$",
    re.IGNORECASE,
)


def _way_written_elsewhere(context: CheckContext, hit: Hit) -> bool:
    """Whether "<done> in the usual way" is written elsewhere in the document as an instruction
    opening with the same verb ("time-boxed in the usual way" and "Time-box the task with a
    specific number of minutes"): the usual way is on the page."""
    before = hit.passage.text[max(0, hit.start - 40) : hit.end]
    found = _USUAL_WAY.search(before)
    if found is None:
        return False
    stem = _stem(found.group("verb"))
    if len(stem) < 4:
        return False
    for passage in context.passages:
        if passage is hit.passage:
            continue
        for sentence in passage.sentences:
            first = _FIRST_WORD.match(sentence.text)  # the bare verb: an imperative
            if first and _NON_ALNUM.sub("", first.group(1).lower()) in (stem, stem + "e"):
                return True
    return False


_FIRST_WORD = re.compile(r"^\W*(?:\d+[.)]\s+)?([\w-]+)")


@rule(
    "RB105",
    "access-gap",
    "error",
    blocking=True,
    signoff=True,
    summary="A step's tool needs a permission the runbook's executor profile does not have.",
    docs=RuleDoc(
        what="Compares each bound tool's `permission` with the permissions of the executor "
        "profile named in front matter (`executor`, defined in profiles.yaml). Also flags an "
        "executor that no profile defines.",
        why='The on-call gap: the runbook says "deploy the fix", and at 2 a.m. the person (or '
        "agent) running it finds they lack deploy rights. Better found at review time.",
        example="---\nexecutor: oncall-sre\n---\n```console\n$ deployctl release payments "
        "--env prod --tag v2\n```   (oncall-sre lacks `deploy`)",
        instead="Grant the permission to the profile, hand the step to a role that has it "
        "(an escalate step), or choose an executor profile that has it.",
    ),
)
def access_gap(context: CheckContext) -> Iterator[Finding]:
    executor = context.meta.executor
    if executor is None:
        return
    permissions = context.profiles.permissions.get(executor)
    if permissions is None:
        span = _front_matter_key_span(context, "executor")
        yield Finding(
            "RB105",
            span,
            f"executor profile `{executor}` is not defined in profiles.yaml",
            "define the profile in profiles.yaml or name an existing one",
            executor,
        )
        return
    for step in context.graph.steps:
        if step.permission and step.permission not in permissions and step.source:
            yield Finding(
                "RB105",
                step.source,
                f"needs permission `{step.permission}` (tool `{_tool_name(step)}`), "
                f"which executor `{executor}` lacks",
                f"grant `{step.permission}` to `{executor}`, or escalate this step to a role "
                "that has it",
                f"{step.permission} {executor}",
                step.id,
            )


def _tool_name(step: Step) -> str:
    return step.tool.name if step.tool else "?"


def _front_matter_key_span(context: CheckContext, key: str) -> Span:
    for number, line in enumerate(context.document.lines, start=1):
        if line.startswith(f"{key}:"):
            return Span(line=number, column=1, end_line=number, end_column=len(line))
        if (
            context.document.front_matter_span
            and number > context.document.front_matter_span.end_line
        ):
            break
    return Span(line=1, column=1, end_line=1, end_column=max(1, len(context.document.lines[0])))


@rule(
    "RB106",
    "unbounded-wait",
    "warning",
    blocking=True,
    signoff=True,
    summary='A wait or retry with no limit: "wait until it recovers", "keep retrying".',
    docs=RuleDoc(
        what='Flags waits, polls, retries and watches ("monitor the logs", "occasionally check '
        'on ...", "may resolve in some time") with no duration, timeout, attempt count or '
        'schedule. A watch with its trigger ("and notify the IC if it escalates") is a duty, '
        "not a wait.",
        why='A person gives up after a while and escalates; an agent told to "keep retrying" '
        "will, for hours, while the incident grows.",
        example="Wait until the pods recover.",
        instead="Wait up to 10 minutes for all pods to be Ready; if they are not, escalate to "
        "payments-oncall-secondary.",
    ),
)
@_with_model_flags("RB106")
@_one_per_line
def unbounded_wait(context: CheckContext) -> Iterator[Finding]:
    blocks = context.document.blocks
    for hit in _scan(context, _WAIT, needs=_WAIT_FIRST):
        implied = _IMPLIED_WAIT.search(hit.words) is not None
        waits_for = hit.words.lower() == "wait" and _WAIT_FOR.match(hit.passage.text, hit.end)
        if not (_OPEN_ENDED.search(hit.words) or _WATCH.match(hit.words) or implied or waits_for):
            continue
        if DURATION_OR_COUNT.search(hit.sentence) or _SCHEDULE.search(hit.sentence):
            continue
        if _NO_WAIT.search(hit.passage.text, max(0, hit.start - 30), hit.start):
            continue  # "You don't need to wait for the IC": the text says not to wait
        if not implied and not _instructs(hit.sentence):
            continue
        if _WATCH.match(hit.words) and _standing_watch(hit, blocks):
            continue
        yield Finding(
            "RB106",
            hit.span,
            f'unbounded wait "{hit.words}": for how long at most?',
            "give a timeout or a number of attempts, and what to do when it runs out",
            hit.words,
            hit.step,
        )


_NO_WAIT = re.compile(
    r"\b(?:don't|do\s+not|doesn't|does\s+not|never|no\s+need\s+to|needn't|without|instead\s+of"
    r"|rather\s+than)\s+(?:(?:need|have)\s+to\s+|bother\s+(?:to\s+)?)?$",
    re.IGNORECASE,
)
_IMPLIED_WAIT = re.compile(r"\b(?:in|after|within)\s+(?:some|a)\s+(?:time|while|bit)$")
_TRIGGERED = re.compile(
    r"\band\s+(?:then\s+)?(?:notify|tell|inform|alert|page|escalate|ping|let)\b[^.;!?]*?\b(?:if"
    r"|when|once|as\s+soon\s+as)\b",
    re.IGNORECASE,
)
_CAPABILITY = re.compile(
    r"\b(?:help(?:s)?\s+(?:you\s+)?|allows?\s+(?:you\s+)?|lets?\s+you\s+|used\s+)to\s+(?:\w+\s+)?$",
    re.IGNORECASE,
)


_DUTY = re.compile(
    r"^\W*(?:your|the\s+[\w-]+(?:\s+[\w-]+)?'s|their|his|her)\s+(?:main\s+|primary\s+)?(?:job|role"
    r"|responsibility|duty|task|purpose)\b[^.;:!?]{0,60}?\s+is\s+to\b"
    r"|^\W*(?:you\s+are|they\s+are|the\s+[\w-]+(?:\s+[\w-]+)?\s+is)\s+responsible\s+for\b",
    re.IGNORECASE,
)
"""A role's duties described ("Your job as Scribe is to listen to the call, watch the chat
room, ..."): a standing duty for the whole incident, not a wait in the procedure."""


def _standing_watch(hit: Hit, blocks: tuple[Block, ...]) -> bool:
    """A watch that is not a wait: a standing duty with its trigger ("monitor the incident and
    notify the IC if it escalates") or in a description of a role's duties ("Your job is to
    ... watch the chat room"), what a tool can do ("X can help you to monitor ..."), or a
    watch a command after it does ("Watch the pods roll over:" then the command)."""
    before = hit.passage.text[max(0, hit.match.start() - 30) : hit.match.start()]
    sentence = hit.passage.sentence_at(hit.match.start())
    after = hit.passage.text[hit.match.start() : sentence.end]
    return bool(
        _TRIGGERED.search(after)
        or _DUTY.search(sentence.text)
        or _CAPABILITY.search(before)
        or _watch_follows(blocks, hit.passage)
    )


_WATCHING_COMMAND = re.compile(
    r"(?:^|\s)(?:-w|--watch(?:=\S+)?|-f|--follow)(?:\s|$)|^\s*(?:\$\s*)?watch\s|\b(?:until|while)\b"
    r"|\b(?:kubectl|oc)\s+(?:\S+\s+)*?(?:wait|rollout\s+status)\b|\btail\s+-\w*f"
)


def _watch_follows(blocks: tuple[Block, ...], passage: Passage) -> bool:
    """Whether a code block right after the passage does the watching (`-w`, `--watch`,
    `watch ...`, `tail -f`, a loop, `kubectl wait`): a one-shot `oc get pods` after "watch for
    a successful restart" shows the state once, and the watch is still the reader's."""
    if not _code_follows(blocks, passage):
        return False
    after = block_after(blocks, passage.block.span.end_line)
    if after is None:
        return False
    if any(_WATCHING_COMMAND.search(line.text) for line in after.lines):
        return True
    following = block_after(blocks, after.span.end_line)  # the check that ends the watch
    return following is not None and bool(DURATION_OR_COUNT.search(following.text))


def _assigned_names(context: CheckContext) -> dict[str, bool]:
    """Shell variables the runbook assigns: name -> whether the value is itself a placeholder."""
    names: dict[str, bool] = {}
    for block in context.document.blocks:
        if block.kind != "code":
            continue
        for line in block.lines:
            for match in _ASSIGNMENT.finditer(line.text):
                name = match.group("name") or match.group("loop") or match.group("read")
                value = line.text[match.start("value") :] if match.group("name") else ""
                from_placeholder = any(
                    m.group("angle") or m.group("mustache") for m in PLACEHOLDER.finditer(value)
                )
                names[name] = names.get(name, False) or from_placeholder
    return names


def _is_real_placeholder(match: re.Match[str]) -> bool:
    """Not a Go-template keyword, an HTML tag, `<none>` output, or a well-known variable."""
    name = raw_name(match)
    if match.group("mustache"):
        return name not in _TEMPLATE_KEYWORDS
    if match.group("angle"):
        return name.lower() not in _HTML_TAGS and name.lower() != "none"
    return name not in _ENVIRONMENT


@rule(
    "RB107",
    "undeclared-placeholder",
    "warning",
    blocking=True,
    signoff=True,
    summary="A placeholder (`$NAMESPACE`, `<pod>`, `{{cluster}}`) not declared in `inputs`.",
    docs=RuleDoc(
        what="Flags `$VAR`, `${VAR}`, `<name>`, `{{name}}` and fillers written as text "
        "(`pod-XXXXX`, `my-`/`your-`/`example-` names, `/path/to/...`, `[port number]`) in "
        "commands and in inline code anywhere in the prose, that front matter `inputs` does "
        "not declare and the prose does not say how to fill (matched case-insensitively, `-` = "
        "`_`); once per distinct placeholder in the document, on its first line. A "
        "variable the runbook assigns itself is fine — unless it is assigned from a "
        "placeholder such as `NODE=<node from the alert>`.",
        why="A reader knows to substitute the namespace from the alert; an agent has to guess "
        "where the value comes from, and a guessed namespace is a command against the wrong "
        "thing.",
        example="```console\n$ oc get pods -n $NAMESPACE\n```   (no `inputs`)",
        instead="---\ninputs:\n  namespace: {type: string, description: namespace label of "
        "the alert}\n---\n```console\n$ oc get pods -n $NAMESPACE\n```",
    ),
)
@_with_model_flags("RB107")
def undeclared_placeholder(context: CheckContext) -> Iterator[Finding]:
    known: tuple[set[str], dict[str, bool]] | None = None  # read at the first placeholder
    found = [
        (span, match, region.step)
        for region in [*command_regions(context), *_inline_code_regions(context, PLACEHOLDER)]
        for span, match in matches(context, region, PLACEHOLDER)
        if _is_real_placeholder(match)
    ]
    seen: set[str] = set()  # once per distinct placeholder in the document, on its first line
    for span, match, step in sorted(found, key=lambda item: (item[0].line, item[0].column)):
        name = raw_name(match)
        if known is None:
            inputs = {_norm(key) for key in context.meta.inputs}
            known = (inputs | _described(context), _assigned_names(context))
        declared, assigned = known
        if _norm(name) in declared or placeholder_name(match) in seen:
            continue
        if not match.group("angle") and _single_quoted(context, span):
            continue  # the shell expands nothing inside '...'
        if name in assigned and not assigned[name]:
            continue
        seen.add(placeholder_name(match))
        how = " (assigned from a placeholder)" if name in assigned else ""
        yield Finding(
            "RB107",
            span,
            f"placeholder `{match.group(0)}` is not declared in inputs{how}",
            f"declare `{placeholder_name(match)}` under `inputs:` in front matter, "
            "with where its value comes from",
            name.lower(),
            step,
        )


_DESCRIBES = re.compile(
    r"\b(?:need\s+to\s+know|find|get|look\s+up|replace|substitute|fill\s+in|is\s+the|are\s+the"
    r"|from\s+the|comes?\s+from|printed|shown|output)\b",
    re.IGNORECASE,
)


_CODE = re.compile(r"`[^`]*`")


def _described(context: CheckContext) -> set[str]:
    """Placeholders the prose says how to fill ("replace `<VERSION>` with the version from
    step 2", "we need to know the `<klusterlet_name>`"), folded like input names."""
    names: set[str] = set()
    for passage in context.passages:
        if "`" not in passage.text:
            continue
        for sentence in passage.sentences:
            if _DESCRIBES.search(_CODE.sub(" ", sentence.text)):
                names |= {_norm(raw_name(m)) for m in PLACEHOLDER.finditer(sentence.text)}
    return names


def _single_quoted(context: CheckContext, span: Span) -> bool:
    """Whether a position is inside '...' on its line, where the shell expands nothing."""
    before = context.document.lines[span.line - 1][: span.column - 1]
    return before.count("'") % 2 == 1


def _inline_code_regions(context: CheckContext, pattern: re.Pattern[str]) -> Iterator[Region]:
    """Every inline code span of the document's prose (not only of steps) in which `pattern`
    matches, in order (the others are not placed at all)."""
    for passage in context.passages:
        for code in passage.block.inline_code:
            if not pattern.search(code.text):
                continue
            width = len(code.text) + 2
            span = Span(
                line=code.line,
                column=code.column,
                end_line=code.line,
                end_column=code.column + width - 1,
            )
            yield Region(step_at(context, span) or "", span, command=False, text=code.text)


@rule(
    "RB108",
    "implied-action-without-tool",
    "warning",
    blocking=True,
    signoff=True,
    summary='An action the step asks for with no command or tool: "you can safely delete the pod".',
    docs=RuleDoc(
        what="Flags change instructions anywhere in the prose (delete, restart, scale, roll back, "
        '"take corrective measures", "add the node to the policy", "you will need more '
        'storage", ...) or a look-up in a named system or console ("check billing in Stripe", '
        '"check the cloud provider") that bind no tool and give no command: no command or tool '
        "in inline code (a file name or setting is not one, nor a link to documentation), no "
        "code block after it, no list after it that "
        "details it, and the same change is not said with how elsewhere in the document.",
        why="The agent has to invent how: it calls a `check_stripe` tool that does not exist, "
        "or runs whatever delete command looks right.",
        example="Check billing in Stripe for recent charges.",
        instead="Use `billing.get_charges` for the customer's charges in the last 30 days.",
    ),
)
@_with_model_flags("RB108")
def implied_action(context: CheckContext) -> Iterator[Finding]:
    lines: set[int] = set()
    hits = list(
        _scan(
            context,
            _CHANGE_CLAUSE,
            ("clause", "passive", "gerund", "noun", "outcome"),
            _CHANGE_FIRST,
        )
    )
    actions = _actions(context, hits)
    for finding in [*_implied_in_steps(context), *_implied_in_prose(context, hits)]:
        if _said_elsewhere(actions, finding):
            continue
        if finding.span.line not in lines:
            lines.add(finding.span.line)
            yield finding


_CHANGE_VERBS = (
    r"delete|remove|restart|reboot|scale|drain|cordon|uncordon|kill|terminate|roll\s*(?:it\s+"
    r"|them\s+)?back|rollback|redeploy|deploy|purge|flush|wipe|truncate|drop|patch|upgrade"
    r"|downgrade|increase|decrease|resize|expand|recreate|replace|rotate|renew|revoke|grant"
    r"|disable|enable|evict|restore|reinstall|rebuild|fail\s*over|promote|migrate|apply(?!\s+to\s)|modify"
    r"|reset|cancel|block|blacklist|blocklist|unblock|whitelist|allowlist|isolate|quarantine"
    r"|take\s+(?:the\s+)?(?:corrective|remedial|appropriate|necessary)\s+(?:measures?|actions?|steps?)"
    r"|shut\s*down|turn\s+(?:off|on)|power\s+(?:off|on|cycle)|take\s+(?:a|an)\s+(?:disk\s+)?"
    r"(?:image|snapshot|backup|dump)|adjust|force|switch|reinstate|raise|lower|reconfigure"
    r"|configure|define\s+(?=(?:[\w-]+\s+){0,3}?(?:values?|defaults?|limits?|requests?|quotas?"
    r"|env(?:ironment)?\s+variables?|parameters?|settings)\b)"
    r"|update\s+(?:the\s+|our\s+|your\s+)?(?:status\s+page|config|configuration"
    r"|settings|dns|firewall|certificate)|do(?:ing)?\s+a\s+(?:rolling\s+)?(?:restart|reboot|failover"
    r"|rollback|deploy)|log\s+(?:in|on)\s+to|ssh\s+(?:in)?to|encrypt|decrypt|re-?run"
    r"|open\s+(?:a|an)\s+(?:new\s+|emergency\s+)?(?:change\s+request|change\s+ticket|CR|RFC|support\s+(?:case|ticket)|pull\s+request|merge\s+request|PR|MR)\b"
    r"|file\s+(?:a|an)\s+(?:new\s+|emergency\s+)?(?:change\s+request|change\s+ticket|CR|RFC|support\s+(?:case|ticket)|pull\s+request|merge\s+request|PR|MR)\b"
    r"|raise\s+(?:a|an)\s+(?:new\s+|emergency\s+)?(?:change\s+request|change\s+ticket|CR|RFC|support\s+(?:case|ticket)|pull\s+request|merge\s+request|PR|MR)\b"
    r"|submit\s+(?:a|an)\s+(?:new\s+|emergency\s+)?(?:change\s+request|change\s+ticket|CR|RFC|support\s+(?:case|ticket)|pull\s+request|merge\s+request|PR|MR)\b"
    r"|create\s+(?:a|an)\s+(?:new\s+|emergency\s+)?(?:change\s+request|change\s+ticket|CR|RFC|support\s+(?:case|ticket)|pull\s+request|merge\s+request|PR|MR)\b"
)
_CHANGE_VERB = f"(?:{by_first_letter(_CHANGE_VERBS)})"
"""A change verb (grouped by first letter for speed: the same matches as the list)."""
_CHANGE_FIRST = frozenset(
    [
        *re.findall(r"[a-z]+", _CHANGE_VERBS.replace("(?:", " ").replace("\\s", " ")),
        *("should", "must", "may", "might", "need", "needs", "try", "consider", "start", "begin"),
        *("shutdown", "rerun", "doing", "require", "sure", "ensure", "open", "file", "submit"),
    ]
) - {"s", "it", "them", "a", "an", "the", "our", "your", "in", "on", "off", "to", "up"}
"""Words every change clause holds (its verb, or the modal of a passive): a cheap test."""
_CHANGE_CLAUSE = re.compile(
    # A match starts at the text's start, at punctuation or at a word starting with one of
    # these letters: that test first rejects most positions before any alternative is tried.
    r"(?:^|(?=[\n;:.!?,])|\b(?=[aotcmsipnrhwgbje]))"
    rf"(?:(?:^|[;:]\s*|(?<![\w,])\n\s*|[.!?]\s+|,\s+|\b(?:and|or|then|can|could|must|should|also|just|simply"
    rf"|safely|immediately|please)\s+"
    rf"|\b(?:need|needs|required|have|has|able|want|going|ensure|be\s+sure)\s+to\s+"
    rf"|\bmake\s+sure\s+(?:you\s+)?)"
    rf"(?P<clause>{_CHANGE_VERB}\b[^.;:!?,]{{0,60}})"
    r"|\b(?:try|consider|start|begin)\s+(?P<gerund>[a-z]+ing\b[^.;:!?,]{0,60})"
    r"|(?<!\bthat\s)(?<!\bwhich\s)(?<!\bwho\s)"
    r"(?P<passive>\b(?:should|must|may\s+need\s+to|might\s+need\s+to|needs?\s+to)\s+be\s+"
    r"(?:deleted|removed|restarted|rebooted|terminated|replaced|drained|recreated|rotated"
    r"|revoked|disabled|rolled\s+back|redeployed|scaled|upgraded)\b)"
    # a change asked for as its outcome: "make sure your emails are encrypted"
    r"|\b(?:make\s+sure|ensure)\s+(?:that\s+)?(?P<outcome>(?:[\w'-]+\s+){1,4}?(?:is|are|gets?"
    r"|has\s+been|have\s+been)\s+(?:encrypted|decrypted|disabled|enabled|deleted|removed|rotated"
    r"|revoked|restarted|rebooted|updated|patched|upgraded|blocked|locked|replaced|reset"
    r"|drained|cordoned|scaled)\b)"
    # a change named as a noun that something needs: "might need a manual reboot of the node"
    r"|\b(?:might|may|could|will)\s+(?:also\s+)?(?:need|require)\s+(?:an?|the)\s+"
    r"(?P<noun>(?:(?:manual|rolling|full|quick|forced?|hard|clean)\s+)?(?:reboot|restart|rollback"
    r"|failover|redeploy(?:ment)?|reinstall(?:ation)?|replacement|rebuild)\b[^.;:!?,]{0,60}))",
    re.IGNORECASE,
)
_NAMED_SYSTEM = re.compile(
    r"\b(?:in|on|via|using|through|from|into)\s+(?:the\s+|your\s+)?"
    r"(?:(?-i:[A-Z][a-z]+[A-Z]\w*|[A-Z][a-z]{2,})\b|\[)"
    r"|\b(?:the|to|with)\s+(?-i:[A-Z][a-z]+[A-Z]\w*|[A-Z][a-z]{2,})(?:\s*$|\s+(?:room|channel|thread"
    r"|ticket|incident|page|board|workspace|project|account)\b)"
    r"|\]\(|https?://"
)


_NEXT_ACTION = re.compile(r"\s+and\s+(?:then\s+|to\s+|also\s+)?(?=\w)", re.IGNORECASE)


_TO_PEOPLE = re.compile(
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


def _own_clause(words: str) -> str:
    """A change clause up to the next action coordinated with it: "update the status page"
    of "update the status page and to send posts from our accounts" (what the second action
    names or leaves unsaid is not the first's)."""
    for found in _NEXT_ACTION.finditer(words):
        if is_instruction(words[found.end() :]):
            return words[: found.start()]
    return words


_THING_SUBJECT = re.compile(
    r"^\W*(?P<subject>it|this|that|(?:the|a|an|each|every|any)\s+(?:[\w-]+\s+){0,2}?[\w-]+)\s+"
    r"(?:should|will|would|can|could|may|might|must)\s+(?:also\s+|then\s+)?(?:be\s+[\w-]+\s+and\s+)?$",
    re.IGNORECASE,
)


def _expected_behaviour(hit: Hit) -> bool:
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
    return not (_PEOPLE_SUBJECT.match(subject) or _ROLE_WORD.search(subject))


_POSSIBILITY = re.compile(
    r"(?<!\byou\s)(?<!\bwe\s)\b(?:could|would|might)\s+(?:also\s+|even\s+|then\s+)?$",
    re.IGNORECASE,
)
_CLAUSE_THING_SUBJECT = re.compile(
    r"(?:,\s*|\b(?:and|then|so|but)\s+)(?P<subject>(?:the|this|that|its)\s+(?:[\w-]+\s+){0,2}?"
    r"[\w-]+)\s+(?:should|will|would|can|could|may|might)\s+(?:also\s+|then\s+)?$",
    re.IGNORECASE,
)


_AND_THEN = re.compile(r"\band\s+(?:then\s+)?$", re.IGNORECASE)


def _place_carries(hit: Hit) -> bool:
    """Whether the change is coordinated with an action before it that names the system both
    are done in ("log in to the [Customer Portal](...) and open a support case")."""
    start = hit.passage.sentence_at(hit.start).start
    before = hit.passage.text[start : hit.start]
    return _AND_THEN.search(before) is not None and _names_system(before)


_LOOK_UP = re.compile(r"(?:check|look\s+up|verify|review|find|confirm)\b", re.IGNORECASE)


def _names_system(clause: str, text: str | None = None, offset: int = 0) -> bool:
    """Whether a change clause names the system it is done in ("in PagerDuty", "the Slack
    room"): a capitalised name after its first word, or a link. Given the text the clause
    starts at `offset` of, a link to documentation ("in your [KubeletConfiguration](https://
    kubernetes.io/docs/...)") is a reference for how, not a system to do it in."""
    for found in _NAMED_SYSTEM.finditer(clause):
        if text is None or not _LINKISH.search(found.group(0)):
            return True
        start, end = offset + found.start(), offset + found.end()
        links = [
            link
            for link in _LINK.finditer(text, max(0, start - 200), end + 400)
            if link.start() < end and link.end() > start - 1
        ]
        if not links or not all(_documentation(link) for link in links):
            return True
    return False


_LINKISH = re.compile(r"\[|\]\(|://")
_LINK = re.compile(r"\[(?P<label>[^\]\n]*)\]\((?P<url>[^)\s]*)\)|(?P<bare>https?://[^\s)>\]]+)")
_DOCS = re.compile(
    r"(?:^|[/.])(?:docs?|documentation|reference|manual|handbook)(?:[/.#-]|$)|\bdocumentation\b",
    re.IGNORECASE,
)


def _documentation(link: re.Match[str]) -> bool:
    """Whether a link points at documentation (its address or its words say so)."""
    return bool(_DOCS.search(link.group("url") or link.group("bare") or "")) or bool(
        link.group("label") and re.search(r"\b(?:docs?|documentation)\b", link.group("label"), re.I)
    )


def _implied_in_prose(context: CheckContext, hits: list[Hit]) -> Iterator[Finding]:
    """Change instructions anywhere in the prose whose passage gives no command, names no
    tool (inline code, a named system) and is not followed by a code block."""
    bound = {step.id for step in context.graph.steps if step.tool is not None}
    blocks = context.document.blocks
    for hit in hits:
        passage = hit.passage
        reads = _leads(hit) and _code_only_reads(context, passage)
        if hit.step in bound and not reads:
            continue  # the step names its tool (perhaps by alias: RB206 covers that)
        if hit.match.group("gerund") and not _gerund_of_change(hit.match.group("gerund")):
            continue
        if passage.block.kind == "heading" or _command_in(context, passage):
            continue
        if (_code_follows(blocks, passage) and not reads) or _list_details(context, hit):
            continue
        if hit.match.group("clause") and not _instructs(hit.sentence):
            continue  # a passive "X needs to be replaced" instructs with no "you"
        if hit.match.group("clause") and _expected_behaviour(hit):
            continue  # "The structure should be flexible and scale with the incident"
        clause = hit.match.group("clause")
        if clause and _names_system(_own_clause(clause), passage.text, hit.match.start("clause")):
            continue  # "update the incident in PagerDuty": the tool is named
        if _TRIBAL.search(_own_clause(hit.words)):
            continue  # "reinstate our default rules": RB104 names what is missing
        if _TO_PEOPLE.match(hit.words):
            continue
        if _place_carries(hit):
            continue  # "log in to the [Customer Portal] and open a support case"
        yield Finding(
            "RB108",
            hit.span,
            f'"{hit.words}" asks for an action but names no tool or command',
            "name the registry tool (inline code) or give the exact command in a code block",
            hit.words,
            hit.step,
        )


@dataclass(frozen=True)
class _Action:
    """A change instruction of the document: its verbs and object words (stemmed), and
    whether its passage says how (a command, a tool, a code block or a list after it)."""

    line: int
    verbs: frozenset[str]
    objects: frozenset[str]
    resolved: bool


_CHANGE_WORDS = re.compile(_CHANGE_VERB, re.IGNORECASE)
_FUNCTION_WORDS = frozenset(
    {"the", "and", "any", "all", "for", "with", "from", "this", "that", "these", "those", "your",
     "our", "their", "its", "into", "onto", "them", "they", "you", "immediately", "not", "etc",
     "other", "some", "each", "every", "then", "also", "just", "can", "should", "must", "will",
     "need", "needs", "may", "might", "have", "has", "are", "was", "were", "been", "being"}
)  # fmt: skip


def _stem(word: str) -> str:
    word = _NON_ALNUM.sub("", word.lower())
    for suffix in ("ing", "ed", "es", "s", "e"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


@lru_cache(maxsize=256)
def _clause_verbs_and_objects(clause: str) -> tuple[frozenset[str], frozenset[str]]:
    """`_verbs_and_objects` of a change clause (short), cached: RB108 asks again for each
    finding's words, already read for the document's actions."""
    return _verbs_and_objects(clause)


def _verbs_and_objects(words: str) -> tuple[frozenset[str], frozenset[str]]:
    """The stemmed change verbs of some words and their other (object) words."""
    changes = [found.group(0) for found in _CHANGE_WORDS.finditer(words)]
    verbs = {_stem(change) for change in changes}
    verb_words = {_stem(w) for change in changes for w in change.split()}
    objects = {
        _stem(word)
        for word in words.split()
        if len(word) > 2 and word.lower() not in _FUNCTION_WORDS
    } - verb_words
    return frozenset(verbs), frozenset(objects)


def _actions(context: CheckContext, hits: list[Hit]) -> dict[str, list[_Action]]:
    """The change instructions of the document whose own passage says how, by verb."""
    found: dict[str, list[_Action]] = {}
    for hit in hits:
        if hit.match.group("clause") is None:
            continue
        verbs, objects = _clause_verbs_and_objects(hit.words)
        resolved = (
            _says_how_here(context, hit.passage)
            or _names_system(hit.words)
            or _section_details(context.document.blocks, hit.passage)
        )
        if resolved:
            for verb in verbs:
                found.setdefault(verb, []).append(_Action(hit.span.line, verbs, objects, resolved))
    return found


def _section_details(blocks: tuple[Block, ...], passage: Passage) -> bool:
    """Whether a heading's section holds a list or a code block (the heading's action is
    detailed there: "## Isolate Affected Instances" then its bullets)."""
    if passage.block.kind != "heading":
        return False
    for block in blocks_after(blocks, passage.block.span.end_line):
        if block.kind == "heading":
            return False
        if block.list_depth > 0 or block.kind == "code":
            return True
    return False


def _said_elsewhere(actions: dict[str, list[_Action]], finding: Finding) -> bool:
    """Whether the same change (a verb and, when it has one, its object) is said with how to
    do it elsewhere: a checklist item or intro ("Isolate affected instances") that a later
    section details, or "restart if necessary" before the restart commands."""
    verbs, objects = _clause_verbs_and_objects(finding.evidence)
    return any(
        action.line != finding.span.line and (not objects or objects & action.objects)
        for verb in verbs
        for action in actions.get(verb, ())
    )


def _says_how_here(context: CheckContext, passage: Passage) -> bool:
    """Whether a passage says how: a command or a tool in inline code, a code block right after
    it that changes something, or a list right after it that details it."""
    blocks = context.document.blocks
    return (
        _command_in(context, passage)
        or (_code_follows(blocks, passage) and not _code_only_reads(context, passage))
        or _list_follows(blocks, passage)
    )


_LEAD_IN = re.compile(
    r"^\W*(?:(?:then|now|next|first|finally|also|please|try|you\s+(?:can|could|should|must|may"
    r"|might))\s+)*$",
    re.IGNORECASE,
)


def _leads(hit: Hit) -> bool:
    """Whether the change is the sentence's first instruction ("Try deleting the pod and watch
    ...", not "Check the status and restart count"): what a block after it must do."""
    sentence = hit.passage.sentence_at(hit.start)
    return _LEAD_IN.match(hit.passage.text, sentence.start, hit.start) is not None


_SETS = re.compile(r"^\s*(?:\$\s+)?(?:export\s+)?[A-Za-z_][A-Za-z0-9_]*=|.*(?:>\s*\S|\|\s*tee\b)")
"""A shell line that sets something: an assignment, or output written to a file."""


def _code_only_reads(context: CheckContext, passage: Passage) -> bool:
    """Whether the code block right after a passage holds only steps that read (each binds a
    tool whose effect is `read`): "Try deleting the pod:" then `oc get pods` shows the pods,
    it does not say how to delete one."""
    after = block_after(context.document.blocks, passage.block.span.end_line)
    if after is None or after.kind != "code":
        return False
    if any(_SETS.match(line.text) for line in after.lines):
        return False  # "Configure the variable:" then `export X="$(oc get ...)"` sets it
    first, last = after.span.line, after.span.end_line
    inside = [
        step
        for step in context.graph.steps
        if step.source is not None and first <= step.source.line <= last
    ]
    return bool(inside) and all(step.effect == "read" for step in inside)


def _command_in(context: CheckContext, passage: Passage) -> bool:
    """Whether the passage's inline code holds a command or a tool."""
    return any(_says_how_inline(context, code.text) for code in passage.block.inline_code)


def _says_how_inline(context: CheckContext, code: str) -> bool:
    """Inline code that is a command (words and options) or a registry tool, not a file name
    or a setting (`alertmanager.yaml`, `maxPods`)."""
    return bool(_COMMAND_LIKE.search(code)) or code in context.registry.tools


_INLINE_CODE = re.compile(r"`([^`\n]+)`")


_COMMAND_LIKE = re.compile(
    # words and options, a shell or path start, a call, or a tool-like `family.verb_noun`: one
    # dot, lower-case snake words; a file name or a field path (`spec.evaluationInterval`,
    # `metadata.labels.app`) is neither
    r"\S\s+\S|^[!/$]|^\w+\(|^[a-z][a-z0-9_-]*\.(?!(?:ya?ml|json|conf|cfg|ini|toml|txt|log|sh|py"
    r"|md|pem|crt|key|xml|env)$)[a-z_][a-z0-9_]*$"
)


def _gerund_of_change(words: str) -> bool:
    """Whether "deleting the pod", "doing a rolling restart" (after "try", "consider") is a
    change: the gerund's verb, with the words after it, starts a change clause."""
    first, _, rest = words.partition(" ")
    gerund = first.lower()[:-3]
    bases = {gerund, gerund + "e", gerund[:-1] if gerund[-1:] == gerund[-2:-1] else gerund}
    for base in bases:
        phrase = f"{base} {rest}"
        found = _CHANGE_WORDS.match(phrase)
        whole = found is not None and (
            found.end() == len(phrase) or not phrase[found.end()].isalnum()
        )
        if found is not None and whole and found.end() >= len(base):
            return True
    return False


def _list_details(context: CheckContext, hit: Hit) -> bool:
    """Whether the list right after the passage details this action: the passage asks for one
    change (the list is how), or the list repeats the action's verb. "Shut down servers, turn
    off a data center. Some common things to try:" and a list that only shuts down leaves the
    data center unsaid."""
    blocks = context.document.blocks
    if not _list_follows(blocks, hit.passage):
        return False
    changes = len(_CHANGE_WORDS.findall(hit.passage.text))
    if changes <= 1:
        return True
    verbs, _ = _clause_verbs_and_objects(hit.words)
    depth = hit.passage.block.list_depth
    listed = []
    for block in blocks_after(blocks, hit.passage.block.span.end_line):
        if block.kind == "html":
            continue
        if block.list_depth <= depth:
            break
        listed.append(block.text)
    said, _ = _verbs_and_objects(" ".join(listed))
    return bool(verbs & said)


def _list_follows(blocks: tuple[Block, ...], passage: Passage) -> bool:
    """Whether a list nested deeper than the passage comes right after it (its details)."""
    after = block_after(blocks, passage.block.span.end_line)
    return (
        after is not None
        and after.list_depth > passage.block.list_depth
        and passage.block.kind != "heading"
    )


def _code_follows(blocks: tuple[Block, ...], passage: Passage) -> bool:
    """Whether a code block with something in it besides comments comes right after the
    passage (it says how; "# TODO: Command needed" does not)."""
    after = block_after(blocks, passage.block.span.end_line)
    return (
        after is not None
        and after.kind == "code"
        and any(
            line.text.strip() and not line.text.lstrip().startswith("#") for line in after.lines
        )
    )


def _implied_in_steps(context: CheckContext) -> Iterator[Finding]:
    steps = context.graph.steps
    for index, step in enumerate(steps):
        if step.tool is not None or step.source is None or step.kind in ("decision", "end"):
            continue
        bound = context.graph.bound[step.id]
        if bound.draft.command is not None or any(i.kind == "unknown-tool" for i in bound.issues):
            continue
        if any(_says_how_inline(context, code) for code in _INLINE_CODE.findall(step.text)):
            continue  # "Restart it with `systemctl restart foo`"
        if step.text.rstrip().endswith(":") and (
            _says_how(context, steps[index + 1]) or _query_follows(context, step.source)
        ):
            continue  # a lead-in: the commands or the query after it say how
        if step.source.end_line > len(context.document.lines):
            continue
        block = Block(kind="paragraph", span=step.source, text=step.text)
        passage = read_block(context.document.lines, block)
        match = _IMPLIED_ACTION.search(passage.text)  # the first action only
        if match is None:
            continue  # (tested first: it is cheaper than finding the sentence)
        if not _instructs(_sentence_from(context, step.source)):
            continue  # a step cut from a description ("... the operator reconciles to update")
        named = _names_system(match.group(0), passage.text, match.start())
        if named and not _LOOK_UP.match(match.group(0)):
            continue  # "update the incident in PagerDuty": the tool is named
        if _TO_PEOPLE.search(match.group(0)):
            continue
        if _TRIBAL.search(match.group(0)):
            continue  # "check the usual dashboard": RB104 names what is missing
        if match.start() == 0 and _place_named_before(context, step.source):
            continue  # "Sign in to [the desk](...) and raise a CR"
        words = " ".join(match.group(0).split())
        yield Finding(
            "RB108",
            passage.span(*match.span()),
            f'"{words}" asks for an action but names no tool or command',
            "name the registry tool (inline code) or give the exact command in a code block",
            words,
            step.id,
        )


def _place_named_before(context: CheckContext, span: Span) -> bool:
    """Whether a step cut from the middle of a sentence is coordinated with an action before it
    that names the system both are done in ("Sign in to [the desk](...) and raise a CR")."""
    line = context.document.lines[span.line - 1]
    found = sentence_at(line, span.column - 1)
    before = line[found.start if found is not None else 0 : span.column - 1]
    return _AND_THEN.search(before) is not None and _names_system(before)


def _sentence_from(context: CheckContext, span: Span) -> str:
    """The source sentence a step starts in, from its start (for a step cut from the middle of
    a sentence, the words before it decide whether the sentence instructs)."""
    line = context.document.lines[span.line - 1]
    found = sentence_at(line, span.column - 1)
    return line[found.start : found.end] if found is not None else line


_QUERY_LANGUAGES = frozenset({"promql", "logql", "sql", "kql", "traceql"})


def _says_how(context: CheckContext, step: Step) -> bool:
    """Whether a step is a tool call or a command (bound or not: RB207 covers the latter)."""
    bound = context.graph.bound.get(step.id)
    return step.tool is not None or (bound is not None and bound.draft.command is not None)


def _query_follows(context: CheckContext, span: Span) -> bool:
    """Whether the block right after a span is a query (PromQL, SQL...) to run."""
    after = next(blocks_after(context.document.blocks, span.end_line), None)
    return after is not None and after.kind == "code" and after.info.lower() in _QUERY_LANGUAGES


@rule(
    "RB109",
    "missing-escalation",
    "warning",
    blocking=True,
    signoff=True,
    summary="The runbook never says whom to escalate to when it does not work.",
    docs=RuleDoc(
        what="Flags runbooks that hold a procedure but no escalation path: no `escalation` in "
        'front matter, no escalation step, no "Escalation"/"Contacts" section, and no sentence '
        "that hands over with a channel or to a named organisation.",
        why="Every procedure can fail. Without a written escalation path, an agent either "
        "loops or stops silently; a person improvises, often by paging whoever they know.",
        example="---\nowner: team-payments\n---\n# Pool exhausted\n...(no escalation)",
        instead="---\nowner: team-payments\nescalation: {role: payments-oncall-secondary, "
        "after: 15m}\n---",
    ),
)
def missing_escalation(context: CheckContext) -> Iterator[Finding]:
    if context.meta.escalation is not None or not _holds_procedure(context):
        return
    steps = context.graph.steps
    if any(s.kind == "escalate" for s in steps) or mentions_escalation(
        "\n".join(s.text for s in steps)
    ):
        return
    if _escalation_written(context):
        return
    yield Finding(
        "RB109",
        title_span(context),
        "no escalation path: no `escalation` and no escalate step",
        "add `escalation: {role: ..., after: 15m}` to front matter",
        context.meta.id,
    )


_ESCALATION_HEADING = re.compile(
    r"^\W*(?:escalat\w*(?:\s+(?:path|policy|contacts?|procedure|matrix))?|contacts?|who\s+to\s+"
    r"(?:contact|call|page)|points?\s+of\s+contact|(?:support|on-?call)\s+contacts?|support)\W*$",
    re.IGNORECASE,
)


def _escalation_written(context: CheckContext) -> bool:
    """An escalation path in the prose: an "Escalation"/"Contacts" section, or a sentence that
    hands the problem on with a way to reach someone (a link, channel, handle, queue...) or to a
    named organisation ("connect with Red Hat Support")."""
    for passage in context.passages:
        if passage.block.kind == "heading":
            if _ESCALATION_HEADING.search(passage.text):
                return True
            continue
        if not mentions_escalation(passage.text):
            continue
        for sentence in passage.sentences:
            reach = _CHANNEL.search(sentence.text) or _NAMED_PARTY.search(sentence.text)
            if reach and mentions_escalation(sentence.text):
                return True
    return False


_NAMED_PARTY = re.compile(r"\b(?:with|to)\s+(?:the\s+)?[A-Z][\w&-]*(?:\s+[A-Z][\w&-]*)+")
"""A named organisation or team to hand over to: "connect with Red Hat Support"."""


def _holds_procedure(context: CheckContext) -> bool:
    """Whether the document holds a procedure (a step to take), not only links or policy."""
    return any(step.kind != "end" for step in context.graph.steps)


_PERSON = re.compile(r"@|^[A-Z][a-z]+(?:\s+[A-Z][a-z]+)+$")


@rule(
    "RB110",
    "missing-owner",
    "warning",
    blocking=False,
    signoff=True,
    summary="No `owner` in front matter, or the owner is a person rather than a team or role.",
    docs=RuleDoc(
        what="Flags runbooks that hold a procedure without an owner (front matter `owner`, "
        "`owners`, `owner_slack` or `team`), and owners that look like a single person (an "
        "e-mail address or a personal name).",
        why="Unowned runbooks rot: nobody updates them when the system changes. A person as "
        "owner leaves with the person.",
        example="---\nowner: alice@example.com\n---",
        instead="---\nowner: team-payments\n---",
    ),
)
def missing_owner(context: CheckContext) -> Iterator[Finding]:
    owner = context.meta.owner
    if not _holds_procedure(context):
        return
    if owner is None:
        yield Finding(
            "RB110",
            title_span(context),
            "no `owner` in front matter",
            "add `owner: <team or role>` to front matter",
            context.meta.id,
        )
    elif _PERSON.search(owner) and owner not in context.profiles.roles:
        yield Finding(
            "RB110",
            _front_matter_key_span(context, "owner"),
            f"owner `{owner}` looks like a person, not a team or role",
            "make a team or role the owner",
            owner,
        )


@rule(
    "RB111",
    "stale-review",
    "warning",
    blocking=False,
    signoff=True,
    summary="`last_reviewed` is older than the configured age (365 days by default).",
    docs=RuleDoc(
        what='Flags runbooks whose `last_reviewed` (front matter, or a "Last reviewed: '
        'YYYY-MM-DD" line in the text) is older than `stale-after-days`, missing while other '
        "front matter is present, or not a date. "
        "Ages are counted from today, or from SOURCE_DATE_EPOCH when it is set.",
        why="Systems drift: commands, flags and dashboards change. A runbook nobody has read "
        "for a year is a guess written in the past tense.",
        example="---\nlast_reviewed: 2023-01-10\n---",
        instead="Re-read the runbook against the current system, fix what changed, and update "
        "`last_reviewed`.",
    ),
)
def stale_review(context: CheckContext) -> Iterator[Finding]:
    reviewed = context.meta.last_reviewed
    span = _front_matter_key_span(context, "last_reviewed")
    if reviewed is None:
        reviewed, span = _reviewed_in_body(context)
    if reviewed is None:
        if context.document.front_matter:
            yield Finding(
                "RB111",
                title_span(context),
                "no `last_reviewed` date",
                "add `last_reviewed: YYYY-MM-DD` to front matter",
                context.meta.id,
            )
        return
    try:
        when = date.fromisoformat(reviewed[:10])
    except ValueError:
        yield Finding(
            "RB111",
            span,
            f"`last_reviewed` is not a date: {reviewed!r}",
            "write it as YYYY-MM-DD",
            reviewed,
        )
        return
    age = (context.config.reference_date() - when).days
    if age > context.config.stale_after_days:
        yield Finding(
            "RB111",
            span,
            f"last reviewed {age} days ago (limit {context.config.stale_after_days})",
            "review the runbook and update `last_reviewed`",
            reviewed,
        )


_REVIEWED_LINE = re.compile(
    r"\blast[\s_-]+reviewed\W{0,20}\s*(?:<[^>]*>\s*)*(?P<date>\d{4}-\d{2}-\d{2})", re.IGNORECASE
)


def _reviewed_in_body(context: CheckContext) -> tuple[str | None, Span]:
    """A review date the document states in its text ("Last Reviewed: 2024-03-01"), read the
    same as the front matter key."""
    for number, line in enumerate(context.document.lines, start=1):
        found = _REVIEWED_LINE.search(line)
        if found is not None:
            column = found.start("date") + 1
            span = Span(line=number, column=column, end_line=number, end_column=column + 9)
            return found.group("date"), span
    return None, title_span(context)


_PROBLEM = re.compile(
    r"\b(?:duplicate[sd]?|stuck|orphan(?:ed)?|stale|corrupt(?:ed)?|undesired|unused|fail(?:ed|ing)"
    r"|broken|leak(?:ed|ing|s)?|full|conflict(?:ing|s)?|dangling|zombie|hung|invalid|wrong"
    r"|misconfigured|no\s+longer\s+needed|not\s+needed)\b",
    re.IGNORECASE,
)
_GENERIC_OBJECTS = {"pod", "pods", "node", "nodes", "default", "true", "false", "all"}


def _problem_stated(context: CheckContext, step: Step) -> bool:
    """Whether text before the step names what it destroys together with what is wrong with
    it ("two wasp-agent daemonsets ... undesired" before `oc delete ds wasp-agent`)."""
    if step.tool is None or step.source is None:
        return False
    objects = {
        word.lower()
        for value in step.tool.args.values()
        for word in re.split(r"[\s/]+", value)
        if len(word) > 3 and word.lower() not in _GENERIC_OBJECTS and not PLACEHOLDER.match(word)
    }
    before = "\n".join(context.document.lines[: step.source.line - 1]).lower()
    for name in objects:
        for found in re.finditer(re.escape(name), before):
            window = before[max(0, found.start() - 160) : found.end() + 160]
            if _PROBLEM.search(window):
                return True
    return False


@rule(
    "RB112",
    "destructive-without-reason",
    "warning",
    blocking=True,
    signoff=True,
    summary="A destructive step that does not say why it is needed.",
    docs=RuleDoc(
        what="Flags steps bound to a destructive tool when neither the step, the text of its "
        "section before it (heading included), nor the decision that leads to it says why or "
        "when (because ..., to free ..., if ..., only ..., Reason: ...).",
        why="The reason is what tells a reader when *not* to run the step. An agent without "
        "it runs the delete every time the runbook is followed.",
        example="```console\n$ oc delete pod payments-api-0\n```",
        instead="If the pod has been stuck in `Terminating` for more than 10 minutes, delete it "
        "to release its volume:\n```console\n$ oc delete pod payments-api-0\n```",
    ),
)
def destructive_without_reason(context: CheckContext) -> Iterator[Finding]:
    conditions = {e.to: e.when for s in context.graph.steps for e in s.next if e.when}
    headings = [b.span.line for b in context.document.blocks if b.kind == "heading"]
    for step in context.graph.steps:
        if step.source is None or step.effect != "destructive":
            continue
        if step.condition or conditions.get(step.id):
            continue
        above = bisect_left(headings, step.source.line)
        heading = headings[above - 1] if above else 1
        before = context.document.lines[heading - 1 : step.source.line - 1]
        said = " ".join([step.text, *before])
        if _REASON.search(said) or _problem_stated(context, step):
            continue
        yield Finding(
            "RB112",
            step.source,
            "destructive step with no stated reason",
            "say why (and when) this step is needed, in the step or the lines before it",
            step.text,
            step.id,
        )
