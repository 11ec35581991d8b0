"""Conditions: whether a reader (or an agent) can decide a condition from what is written.

Decidable: a number, a threshold or comparison; an explicit value (inline code or a quoted
literal as what something is, shows or returns — not a resource named in passing); how it is
judged ("(via forensic analysis)"); a state a command reports (Running, Pending, empty, not
found, exists); or the outcome of the step before ("if it fails", "if so", "if that does not
work"). Everything else is left to someone's judgement. Every scan here is linear.
"""

from __future__ import annotations

import re
from functools import lru_cache

MEASURED = re.compile(
    # a number of its own: the digits of a name ("p(95) response time", "p99", "ec2", "v1.2")
    # measure nothing
    r"(?<![\w.])(?<![A-Za-z]\()\d|%|[<>=]|\bthreshold\b|\bSLO\b|\bbudget\b|\blimit\b|\bthat\s+is\b|\b(?:longer|shorter"
    r"|more|less|fewer|greater|higher|lower)\s+than\b",
    re.IGNORECASE,
)
"""A number, a threshold or a comparison (not the digits of a name: "if p99 latency is high")."""
_LITERAL = r"(?:`[^`]+`|\"[^\"]+\"|\u201c[^\u201d]+\u201d)"
_NOT_SUBJECT = (
    r"(?!\s+(?:(?:is|are|was|were)\s+(?!not\b)(?![`\"\u201c])|shows?\s+that|(?:has|have|keeps?|looks?"
    r"|seems?|appears?|gets?|grows?|starts?)\b))"
)
"""What may not follow a literal that opens a condition for it to be the value: a verb that
makes it the subject of a judgement ("if the `db_size` shows that you are close to ...", "if
`ceph status` looks unhealthy"; "if `Running`, ..." and "if `x` is `y`" are values)."""
EXPLICIT = re.compile(
    r"\b(?:is|are|was|were|be|been|equals?|shows?|showing|returns?|reports?|contains?|says?|reads?"
    r"|has|have|becomes?|remains?|stays?|set\s+to|in\s+state|stuck\s+in|still\s+in|matches"
    r"|to\s+be|as|not|no|than|of|output|outputs|prints?|lists?|see|seeing|names?|e\.g\.,?)\s+"
    r"(?:still\s+|now\s+|not\s+|set\s+to\s+)?" + _LITERAL + r"|^\W*(?:if|when|whenever|unless"
    r"|once|until)\s+(?:the\s+)?" + _LITERAL + _NOT_SUBJECT,
    re.IGNORECASE,
)
"""An explicit value as what something is, shows or returns."""
JUDGEMENT = re.compile(
    r"\b(?:is|are|was|were|looks?|seems?|appears?|gets?|becomes?|remains?|stays?|getting)\s+"
    r"(?:not\s+)?(?:(?:very|too|still|quite|really|unusually|abnormally|genuinely|actually"
    r"|significantly|particularly|extremely|overly|excessively|much)\s+)?"
    r"(?:high|higher|low|lower|slow|slower|large|larger|big|bigger|small|huge|elevated"
    r"|excessive|spiking|backed\s+up|unhealthy|abnormal|unusual|overloaded|busy|heavy"
    r"|growing|increasing|rising|bad|off|stuck|saturated|congested|laggy|full|normal|fine|okay"
    r"|ok|sluggish|flaky|unstable|erratic|noisy|overwhelmed|struggling|starved|thrashing|lagging"
    r"|behind|worse|better|back\s+to\s+normal|under\s+(?:heavy\s+|significant\s+|high\s+)?"
    r"(?:load|pressure|strain))\b"
    r"|\b(?:has|have)\s+(?:not\s+)?(?:caught\s+up|settled|calmed\s+down|stabili[sz]ed)\b"
    r"|\btoo\s+(?:many|much|few|long|high|low|slow|big|small|large)\b"
    r"|\b(?:a\s+lot|lots|plenty)\s+of\b|\b(?:persists?|persisting)\b"
    r"|\byou\s+(?:suspect|believe|are\s+confident|feel\s+confident)\b"
    r"|\b(?:is|are|was|were|be|remains?|stays?|looks?|seems?|appears?)\s+(?:not\s+)?"
    r"(?:sufficient|insufficient|enough|significant"
    r"|time[\s-]sensitive|urgent|healthy|stable|recovered|(?:actively\s+)?recovering|complex"
    r"|compromised|serious|severe|critical|important|safe|secure[d]?)\b"
    r"|\bthere\s+(?:are|is)\s+(?:any\s+|some\s+)?(?:problems?|issues?|trouble)\b"
    r"|\b(?:increases?|grows?|gets?|becomes?|starts?\s+to\s+become)\s+(?:in\s+)?(?:complexity"
    r"|larger|bigger|worse|serious)\b|\b(?:alerts?|happens?|fails?|occurs?)\s+(?:often"
    r"|frequently|a\s+lot|repeatedly)\b|\benough\s+[\w-]+\s+(?:is|are)\b"
    r"|\bsignificant\s+[\w-]+|\b(?:keeps?\s+happening|not\s+enough)\b"
    r"|\bkeeps?\s+(?!in\b)[a-z]+ing\b|\b(?:reasonable|acceptable|sensible|normal|appropriate"
    r"|suitable|timely)\s+(?:amount\s+of\s+)?"
    r"(?:time(?:\s*frame)?|timeframe|period|level|number|rate|amount)\b"
    r"|\b(?:unusual|abnormal|suspicious|anomalous|strange|odd|weird|excessive)\s+[\w-]+"
    # a size or quality judged: "is a small piece of work", "is particularly good"
    r"|\b(?:is|are)\s+(?:a|an)\s+(?:small|large|big|minor|major|trivial|simple)\s+"
    r"(?!(?:version|release|upgrade|update)\b)[\w-]+"  # "a minor version" is a kind of release
    # what something is, judged by its size: "the change is a rebase on top of a small piece of
    # work" (not an amount in passing: "if you see a large number of requests")
    r"|\b(?:is|are|was|were)\s+(?:[\w-]+\s+){0,6}?(?:a|an)\s+(?:(?:very|fairly"
    r"|relatively|quite)\s+)?(?:small|large|big|huge|tiny|minor|trivial|massive)\s+(?:piece"
    r"|amount|number|proportion|part|fraction|share|spike|increase|drop|decrease|change|diff"
    r"|fix)\b"
    r"|\b(?:particularly|especially|really|very)\s+(?:good|great|bad|poor|small|large)\b"
    r"|\bsomehow\s+[a-z]+|\bin\s+some\s+way\b"
    # a state nobody measures: "once things calm down", "when the service stabilises"
    r"|\b(?:calms?|calmed|settles?|settled|quiets?|quieted|dies|died)\s+down\b"
    r"|\bstabili[sz](?:es|ed|e)\b|\b(?:returns?|gets?|goes|comes?)\s+back\s+to\s+normal\b"
    r"|\bin\s+(?:a\s+)?(?:bad|good|poor|weird|strange|odd|broken|sorry)\s+state\b",
    re.IGNORECASE,
)
"""A judgement with no measure: "is high", "too many", "looks unhealthy", "you suspect"."""
JUDGED_BY = re.compile(r"\((?:via|using|by|through|per|see)\b", re.IGNORECASE)
"""How the condition is judged, in brackets after it."""
_REPORTED_STATE = re.compile(
    r"\b(?:fails?|failed|failing|succeeds?|succeeded|works?|worked|exists?|existed|missing|empty"
    r"|found|returns?|returned|shows?|showed|lists?|prints?|contains?|errors?|timed?\s+out"
    r"|running|ready|pending|terminating|completed?|evicted|crash\w*|unknown|true|false"
    r"|available|unavailable|degraded|progressing|present|absent|enabled|disabled|installed"
    r"|bound|unbound|online|offline|reachable|unreachable|resolves?|responds?|mounted"
    r"|full|exhausted|expired|revoked|no\s+longer|listed|in\s+progress|different\s+(?:than|from)|same\s+as|differs?)\b",
    re.IGNORECASE,
)
_NEGATED = re.compile(
    # a negated outcome of the system ("it does not start", "the pod cannot be scheduled");
    # "you don't find" / "you cannot resolve" is the reader's own judgement
    r"(?<!\byou\s)(?<!\bwe\s)\b(?:(?:does|did|do)\s*(?:not|n't)\s+\w+|cannot|can't|unable)\b",
    re.IGNORECASE,
)
LOOKS = (
    "check", "look", "see", "review", "inspect", "verify", "confirm", "read", "consult",
    "examine", "investigate", "identify", "find", "determine", "locate", "understand", "know",
    "search", "query", "view", "compare", "study", "analyse", "analyze", "explore", "scan",
    "drill", "monitor", "watch", "observe", "note", "browse", "sift",
)  # fmt: skip
"""Verbs of a look, that change nothing: hedged ("you may want to check the logs", "consider
reviewing the diff"), they leave nothing risky to the reader (LABELLING: a hedged look)."""
LOOKING = (
    "checking", "looking", "seeing", "reviewing", "inspecting", "verifying", "confirming",
    "reading", "consulting", "examining", "investigating", "identifying", "finding",
    "determining", "locating", "searching", "querying", "viewing", "comparing", "studying",
    "analysing", "analyzing", "exploring", "scanning", "drilling", "monitoring", "watching",
    "observing", "noting", "browsing", "sifting",
)  # fmt: skip
"""`LOOKS` as "-ing" forms: "consider checking"."""
_OUTCOME = re.compile(
    r"^\W*(?:if|when|once|unless)\s+(?:so|not|yes|no|above|this|that|it|they|these|the\s+(?:above"
    r"|previous|command|step|check|restart|fix))\b",
    re.IGNORECASE,
)


_APPROXIMATE = re.compile(
    r"\b(?:(?:close|closer)\s+to|near(?:ly)?|almost|approaching|about\s+to\s+(?:reach|hit|run\s+out"
    r"|exceed|fill))\b",
    re.IGNORECASE,
)
"""A bound approached with no margin: "growing close to the quota", "nearly full"."""


@lru_cache(maxsize=8192)  # pure; asked again of the same conditions
def decidable(condition: str) -> bool:
    """Whether a condition can be decided from what is written, without judgement ("the output
    shows that you are close to the quota" is not: how close is not said)."""
    if _APPROXIMATE.search(condition) and not MEASURED.search(condition):
        return False
    return bool(
        MEASURED.search(condition)
        or EXPLICIT.search(condition)
        or JUDGED_BY.search(condition)
        or _REPORTED_STATE.search(condition)
        or _NEGATED.search(condition)
        or _OUTCOME.match(condition)
    )


_LEFT_OPEN = re.compile(
    # not as an attribute ("once you have the necessary permissions": which ones, not whether)
    r"(?<!\bthe\s)(?<!\bany\s)(?<!\ball\s)(?<!\byour\s)(?<!\btheir\s)"
    r"\b(?:needed|necessary|required|appropriate|applicable|desired|warranted|suitable|sensible"
    r"|practical|feasible|possible)\b"
    r"|\b(?:makes\s+sense|discretion|judge?ment|reasonable|acceptable|enough|significant)\b",
    re.IGNORECASE,
)
"""Words that leave a condition to judgement ("if the change is necessary", "enough room")."""
_FOUND_OUT = re.compile(
    r"\b(?:once|when|after|now\s+that)\s+you\s+(?:know|have\s+found|have\s+identified|find"
    r"|identify)\s+(?:the|which|what|where|its|their)\b",
    re.IGNORECASE,
)
"""What the reader has found out as a time, not an opinion ("Once you know the version, check
..."): the outcome of the look before it ("if you know how to fix it" stays an opinion)."""
_OPINION = re.compile(
    r"\b(?:you|we|i)\s+(?:(?:do|did|does|can|could|are|were)\s*(?:not|n't)\s+|cannot\s+|can't\s+"
    r"|still\s+)?(?:find|figure|identify|determine|tell|know|see|understand|recogni[sz]e|locate"
    r"|spot|work\s+out|are\s+(?:not\s+)?(?:sure|unsure|certain|uncertain|confident|comfortable"
    r"|convinced|happy|satisfied|in\s+doubt)|'re\s+(?:not\s+)?(?:sure|unsure|certain|confident"
    r"|comfortable))\b"
    r"|\b(?:think|thinks|feel|feels|believe|believes|suspect|suspects|doubt|doubts|reckon|deem"
    r"|deems|judge|judges)\b|\bin\s+doubt\b|\bunsure\b",
    re.IGNORECASE,
)
"""An opinion or the reader's own search as the condition: "if you don't find a common cause",
"if you are unsure", "whenever the team feels uneasy"."""


_MEASURE_WORD = re.compile(
    r"\b(?:enough|significant|reasonable|acceptable|sufficient|insufficient)\b", re.IGNORECASE
)


_NORMATIVE_QUESTION = re.compile(
    r"^\W*(?:is|are|was)\s+(?:it|this|that)\b[^?]*\b(?:should|must|ought\s+to"
    r"|(?:has|have|needs?)\s+to)\s+(?:be\s+|not\s+)?[a-z]+",
    re.IGNORECASE,
)
"""A question asking what ought to be done ("Is it something that should be worked on right
now?", "Is it work that doesn't have to happen during the night?"): a judgement of priority."""


def measureless(condition: str) -> bool:
    """Whether a condition judges a quantity or quality with no measure ("is high", "enough
    headroom", "a reasonable time", what ought to be done now): RB102's kind, where an opinion
    or "if needed" is RB101's."""
    return bool(
        JUDGEMENT.search(condition)
        or _MEASURE_WORD.search(condition)
        or _APPROXIMATE.search(condition)
        or _NORMATIVE_QUESTION.match(condition)
    )


_DOUBT = re.compile(
    r"\b(?:if|when|whenever)\s+(?:(?:you|we|they)\s+(?:are|feel|remain)\s+(?:still\s+)?|(?:you|we|they)'re"
    r"\s+(?:still\s+)?)?(?:unsure|uncertain|in\s+doubt|not\s+(?:sure|certain|confident))\b",
    re.IGNORECASE,
)
"""The reader's own doubt as the condition: "if you are unsure", "if in doubt", "when not
sure"."""


def on_doubt(condition: str) -> bool:
    """Whether a condition is the reader's doubt ("If you are unsure, announce publicly"): its
    branch is the default the text gives for when the reader cannot decide, so the case is
    written down, not left open. (A decision on it still needs a person: an agent does not know
    when it is "unsure".)"""
    return _DOUBT.search(condition) is not None


_FORESEEN = re.compile(
    r"\b(?:might|may|could)\s+(?:\w+ly\s+)?(?:generate|cause|produce|create|trigger|result\s+in"
    r"|lead\s+to|bring)\s+(?:\w+\s+)?$",
    re.IGNORECASE,
)


def foreseen(condition: str, judgement: re.Match[str]) -> bool:
    """Whether the judgement in a condition is a risk the reader foresees ("when doing
    activities that might generate plenty of pages"): the step is a precaution for anything that
    could have that effect, so over-applying it is harmless and no threshold is missing."""
    return _FORESEEN.search(condition, 0, judgement.start()) is not None


_KNOWN_EFFECT = re.compile(
    r"\b(?:you|we)\s+(?:know|expect|anticipate)\s+(?:that\s+)?(?:[\w-]+\s+){0,2}?(?:will|would"
    r"|might|may|could)\s+(?:\w+ly\s+)?(?:cause|generate|produce|create|trigger|result\s+in"
    r"|lead\s+to|page|alert|fire)\b",
    re.IGNORECASE,
)
"""Knowledge of an action's effect ("an action that you know will cause a page"): a risk the
reader foresees, not an opinion on the system."""


def precaution(condition: str) -> bool:
    """Whether a condition judges nothing but foreseen risks (`foreseen`, "an action that you
    know will cause a page"): a precaution's trigger, not a judgement left open."""
    rest = _KNOWN_EFFECT.sub(" ", condition)
    found = list(JUDGEMENT.finditer(rest))
    return (
        bool(found or rest != condition)
        and all(foreseen(rest, judgement) for judgement in found)
        and not (_OPINION.search(rest) or _LEFT_OPEN.search(rest))
    )


@lru_cache(maxsize=8192)  # pure; asked again of the same conditions
def judged(condition: str) -> bool:
    """Whether a condition is left to judgement: an opinion or the reader's own search, a
    word such as "needed" or "enough", or a judgement with no measure ("is high")."""
    return bool(
        _OPINION.search(_FOUND_OUT.sub(" ", condition))
        or _LEFT_OPEN.search(condition)
        or JUDGEMENT.search(condition)
        or _NORMATIVE_QUESTION.match(condition)
        or (_APPROXIMATE.search(condition) and not MEASURED.search(condition))
    )


def left_to_judgement(conditions: list[str]) -> bool:
    """Whether a decision on these conditions (its branches' `when`, "otherwise" aside) needs a
    person: some condition is left to judgement and nothing written decides it (item 5: never
    `auto`, and flagged). A case stated to observe ("once the call is over", "if a placement
    policy is configured") is decided by looking, as the labelling rules read it."""
    return bool(undecided(conditions))


def undecided(conditions: list[str]) -> list[str]:
    """The conditions among these ("otherwise" aside) left to judgement with nothing written
    that decides them."""
    return [c for c in conditions if c.lower() != "otherwise" and _open(c)]


def _open(condition: str) -> bool:
    """Whether nothing written decides a condition left to judgement. What ought to be done is
    asked of the reader whatever the verbs ("should be worked on", "doesn't have to happen"
    are not outcomes a command reports): only a measure or an explicit value decides it."""
    if _NORMATIVE_QUESTION.match(condition):
        return not (
            MEASURED.search(condition) or EXPLICIT.search(condition) or JUDGED_BY.search(condition)
        )
    return not decidable(condition) and judged(condition)
