"""Find the claims in an agent's words: statements that an action happened or a state was
reached.

Text is folded first (NFKC, format characters dropped, look-alike letters read as Latin), so
"d\\u0435fragmented" with a Cyrillic "\\u0435" or a zero-width space inside the verb is still a
claim. Three shapes are claims:

- an action verb in the past ("defragmented", "paged", "rolled back"), unless a hedge or a
  negation governs it in its clause ("did not restart", "should be refunded", "if ... listed");
- a verbless completion: an action noun that is done ("Defrag done", "refund issued",
  "defragmentation of X went through");
- a state: something gone, cleared or resolved ("the alarm is gone"), or a negated state
  ("no alarm remains", "there is no NOSPACE alarm anymore").

Each claim carries the objects it names (endpoints, pod and account names, ticket numbers,
amounts) and how many things it says it covered ("all three members"), for the audit to
compare with the calls that back it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from compiler.confusables import fold_prose
from compiler.text.sentences import sentences

READ = "read"
STATE = "state"
ABSENT = "absent"
RESOLVED = "resolved"


@dataclass(frozen=True)
class Family:
    """A kind of action: the past-tense verbs that claim it, the nouns that name it in a
    verbless completion, and the words a step's tool must contain to perform it."""

    name: str
    verbs: str
    keywords: tuple[str, ...]


FAMILIES = (
    Family(
        "refund",
        r"refunded|credited|(?:issued|processed|made) (?:a |the )?(?:full |partial )?refunds?",
        ("refund", "credit"),
    ),
    Family(
        "escalate",
        r"escalated|paged|notified|pinged|contacted|alerted|informed|messaged"
        r"|looped in|handed (?:it )?(?:off|over)",
        ("page", "escalat", "notif", "oncall", "on-call", "pager"),
    ),
    Family(
        "reply", r"replied|responded|answered|emailed|wrote back", ("reply", "respond", "email")
    ),
    Family("restart", r"restarted|rebooted|bounced|recycled", ("restart", "reboot")),
    Family(
        "delete",
        r"deleted|removed|purged|pruned|wiped|cleaned up|evicted|killed|terminated",
        ("delete", "remove", "prune", "purge", "evict", "kill", "terminat", "vacuum", "drop"),
    ),
    Family(
        "clear",
        r"cleared|disarmed|vacuumed|freed up|freed",
        ("clear", "disarm", "vacuum"),
    ),
    Family("scale", r"scaled(?: up| down)?|resized", ("scale", "resize")),
    Family("drain", r"drained|cordoned|uncordoned", ("drain", "cordon")),
    Family("rollback", r"rolled back|reverted|undid", ("rollback", "undo", "revert")),
    Family("deploy", r"deployed|released|shipped|promoted", ("deploy", "release", "ship")),
    Family("grant", r"granted", ("grant",)),
    Family("revoke", r"revoked", ("revoke",)),
    Family("defrag", r"defragmented|defragged|compacted", ("defrag", "compact")),
    Family(
        "change",
        r"patched|edited|applied|modified|reconfigured|silenced|renewed|rotated",
        ("patch", "edit", "apply", "silence", "renew", "rotat"),
    ),
    Family(
        READ,
        r"checked|verified|looked up|looked at|looked into|confirmed|inspected"
        r"|reviewed|queried|examined|investigated|listed|validated|viewed",
        (),
    ),
)
_BY_NAME = {family.name: family for family in FAMILIES}
_EDGE = r"(?<![\w-])"
_END = r"(?![\w-])"
VERB = re.compile(
    "|".join(rf"{_EDGE}(?P<f{i}>{family.verbs}){_END}" for i, family in enumerate(FAMILIES)),
    re.IGNORECASE,
)
_DONE = r"done|complete|completed|finished|succeeded|successful|went through|issued|in place"
COMPLETION = re.compile(
    rf"{_EDGE}(?P<noun>[a-z][a-z-]*)(?:\s+(?:of|on|for|to)\s+(?:[^,;:]|:(?!\s))*?)?\s+"
    rf"(?:is\s+|was\s+|are\s+|were\s+|has\s+been\s+|have\s+been\s+)?(?:now\s+)?(?:{_DONE}){_END}",
    re.IGNORECASE,
)
GONE = re.compile(
    rf"{_EDGE}(?P<subject>(?:[\w-]+\s+){{0,3}}?[\w-]+)\s+(?:is\s+|are\s+|was\s+|has\s+been\s+)?"
    rf"(?:now\s+)?(?:all\s+)?(?P<state>gone|resolved|fixed|mitigated){_END}",
    re.IGNORECASE,
)
ABSENCE = re.compile(
    rf"{_EDGE}(?:there\s+(?:is|are|was|were)\s+)?no\s+(?:more\s+|longer\s+(?:an?\s+)?)?"
    rf"(?P<subject>(?:[\w-]+\s+){{0,2}}?[\w-]+?)\s*(?:(?:is|are)\s+)?"
    r"(?:remains?|left|anymore|any more|active|present|firing|listed|to clear|(?=\s*[.;,]|$))"
    + _END,
    re.IGNORECASE,
)
HEDGES = frozenset(
    {"not", "never", "no", "be", "will", "would", "should", "could", "can", "may", "might"}
    | {"must", "need", "needs", "please", "if", "unless", "whether", "cannot", "nothing"}
    | {"neither", "nor", "yet"}
)
_BOUNDARY = re.compile(
    r"[;,:()]|\s(?:and|but|then|so|since|because|as|while|after|once|which)\s", re.IGNORECASE
)
_LEADING = re.compile(
    r"^(?:(?:and|but|then|so|since|because|as|while|after|once|which)\s+)+", re.IGNORECASE
)
QUANTITY = re.compile(
    r"\b(?:(?:all|every|each)\s+(?:of\s+the\s+)?(?:(?P<n1>two|three|four|five|\d+)\s+)?"
    r"|both\s+|(?:the\s+)?(?P<n2>two|three|four|five|\d+)\s+)"
    r"(?:\w+\s+)?(?:members?|pods?|nodes?|endpoints?|followers?|replicas?|instances?|hosts?)\b",
    re.IGNORECASE,
)
_NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5}
OBJECT = re.compile(
    r"https?://[^\s,;()'\"]+"
    r"|\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b"
    r"|\$\s?\d+(?:[.,]\d+)?"
    r"|\b[a-z][a-z0-9]*(?:[-_.][a-z0-9]+)+\b"
    r"|\b\d{4,}\b",
    re.IGNORECASE,
)
STOPWORDS = frozenset(
    {"that", "this", "with", "from", "have", "there", "their", "they", "them", "then", "than"}
    | {"were", "been", "into", "also", "each", "every", "some", "which", "what", "when"}
    | {"where", "will", "would", "should", "could", "about", "after", "before", "again"}
    | {"still", "only", "just", "more", "most", "other", "such", "very", "your", "here"}
    | {"found", "sure", "everything", "nothing", "anything", "customer", "customers", "user"}
    | {"users", "recent", "afterwards", "because", "since", "while", "both", "able", "done"}
    | {"anymore", "remains", "left", "gone", "now", "active", "quick", "update"}
)
WORD = re.compile(r"[a-z][a-z0-9_-]+")


@dataclass(frozen=True)
class Claim:
    """One claim: its words (folded), its family (an action family, `read`, or a state kind),
    the objects it names, how many things it says it covered, and where it was said."""

    text: str
    family: str
    index: int
    objects: tuple[str, ...] = ()
    count: int = 1
    subject: str = ""


def claims_in(text: str, index: int) -> list[Claim]:
    """Every claim in an assistant message, in order."""
    found: list[Claim] = []
    for sentence in (s.text for s in sentences(fold_prose(text))):
        found += _sentence_claims(sentence, index)
    return found


def family(name: str) -> Family | None:
    """The action family of this name (None for read and the state kinds)."""
    return _BY_NAME.get(name)


def nouns(text: str) -> set[str]:
    """Content words of a text (4+ letters, not claim verbs or stopwords)."""
    words = WORD.findall(VERB.sub(" ", text.lower()))
    return {word for word in words if len(word) >= 4 and word not in STOPWORDS}


def related(a: str, b: str) -> bool:
    """Same word up to an inflection: a common prefix of at least min(len, 5) letters."""
    shortest = min(len(a), len(b))
    common = next((i for i in range(shortest) if a[i] != b[i]), shortest)
    return common >= min(shortest, 5)


def objects_in(text: str) -> tuple[str, ...]:
    """Names of things in a text: URLs, addresses, amounts, names with digits, long numbers."""
    found: list[str] = []
    for match in OBJECT.finditer(text):
        word = match.group(0).rstrip(".").lower().replace("$", "").strip()
        if _is_object(word) and not any(word in earlier for earlier in found):
            found.append(word)
    return tuple(found)


def _is_object(word: str) -> bool:
    return any(char.isdigit() for char in word) and not re.fullmatch(r"\d+[.,]\d+", word)


@dataclass(frozen=True)
class _Trigger:
    start: int
    end: int
    family: str
    subject: str = ""


def _sentence_claims(sentence: str, index: int) -> list[Claim]:
    triggers = sorted(_triggers(sentence), key=lambda t: t.start)
    triggers = [t for n, t in enumerate(triggers) if n == 0 or t.start >= triggers[n - 1].end]
    claims = []
    for number, trigger in enumerate(triggers):
        begin = _boundary(sentence, triggers[number - 1].end, trigger.start) if number else 0
        end = (
            _boundary(sentence, trigger.end, triggers[number + 1].start)
            if number + 1 < len(triggers)
            else len(sentence)
        )
        if trigger.family in (STATE, ABSENT) or not _hedged(sentence[begin : trigger.start]):
            clause = _LEADING.sub("", sentence[begin:end].strip(" ,;:")).rstrip(".!?")
            claims.append(_claim(clause, trigger, index))
    return claims


def _triggers(sentence: str) -> Iterator[_Trigger]:
    for match in VERB.finditer(sentence):
        name = FAMILIES[int((match.lastgroup or "f0")[1:])].name
        yield _Trigger(match.start(), match.end(), name)
    for match in COMPLETION.finditer(sentence):
        noun = _noun_family(match.group("noun"))
        if noun is not None:
            yield _Trigger(match.start(), match.end(), noun)
    for match in GONE.finditer(sentence):
        kind = RESOLVED if match.group("state").lower() != "gone" else STATE
        yield _Trigger(match.start(), match.end(), kind, match.group("subject"))
    for match in ABSENCE.finditer(sentence):
        yield _Trigger(match.start(), match.end(), ABSENT, match.group("subject"))


def _noun_family(noun: str) -> str | None:
    noun = noun.lower()
    for candidate in FAMILIES:
        if candidate.name != READ and any(noun.startswith(k) for k in candidate.keywords):
            return candidate.name
    return None


def _boundary(sentence: str, start: int, end: int) -> int:
    """Where one claim's clause ends and the next begins: the last separator between them."""
    found = list(_BOUNDARY.finditer(sentence, start, end))
    return found[-1].start() if found else end


def _hedged(before: str) -> bool:
    """A hedge or negation in the words just before a verb, within its clause."""
    segment = _BOUNDARY.split(" " + before + " ")[-1]
    words = re.findall(r"[\w']+", segment.lower())[-5:]
    return any(word in HEDGES or word.endswith("n't") for word in words)


def _claim(clause: str, trigger: _Trigger, index: int) -> Claim:
    subject = trigger.subject.lower()
    return Claim(clause, trigger.family, index, objects_in(clause), _count(clause), subject)


def _count(clause: str) -> int:
    """How many things a claim says it covered: 'all three members' 3, 'both' 2, 'every
    member' 2 (at least), otherwise 1."""
    match = QUANTITY.search(clause)
    if match is None:
        return 1
    number = match.group("n1") or match.group("n2")
    if number:
        return int(number) if number.isdigit() else _NUMBERS[number.lower()]
    return 2
