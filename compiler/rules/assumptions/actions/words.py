"""The words of a change RB108 reads: the change verbs of a step and of a clause in prose, and
the verbs and objects a change names (to find the same change said elsewhere).
"""

from __future__ import annotations

import re
from functools import lru_cache

from compiler.text.effect_words import CHANGE_VERBS, ROLL_BACK, alternation
from compiler.text.instructions import is_instruction
from compiler.text.normalise import loose_stem
from compiler.text.patterns import by_first_letter

_ACTION_VERB = alternation(
    (
        *CHANGE_VERBS,
        # A step's own words: more verbs than the prose scan's (its alternatives are whole
        # words, so their order decides no match).
        *("refund", "edit", "update", "recover", "silence", "change", r"clean\s*up", "issue"),
        *("raise", "lower"),
        # adding something to a setting: "add the node to the policy", "add the IP to the
        # allowlist"
        r"add\s+(?=(?:[\w'-]+\s+){1,6}?(?:to|into)\s+(?:the\s+|your\s+|its\s+|a\s+)?(?:[\w-]+\s+)?"
        r"(?:polic(?:y|ies)|config(?:uration)?|allow-?list|deny-?list|whitelist|blacklist|quota"
        r"|rules?|settings|limits?|pool|node\s*pool|list)\b)",
    )
)
_AS_NOUN = (
    r"(?!\s*(?:\*\*)?:|\s*\)|\s+(?:is|are|was|were|must|should|can|will|has|have|may|might|needs"
    r"|requires|includes)\b)"
)
"""A change word used as a noun: before a verb ("the change must include ...", "patch are
integers"), as a label ("**Issue**: a group of errors") or ending a list of names in brackets
("the operation (backup, transform, restore) is taking", "a run (plan and apply)")."""
IMPLIED_ACTION = re.compile(
    rf"^(?:(?:then|now|next|first|finally|please|also|optionally)\s*,?\s+)?"
    rf"(?:you\s+(?:can|could|should|must|may|might|need\s+to|will\s+need\s+to)\s+"
    rf"(?:safely\s+|simply\s+|just\s+)?)?{_ACTION_VERB}\b{_AS_NOUN}(?!\s+of\b)(?:`[^`\n]*`|[^.;:!?`])*"
    rf"|\byou\s+(?:can|could|should|must|may|need\s+to)\s+(?:safely\s+|simply\s+|just\s+)?"
    rf"{_ACTION_VERB}\b(?!\s+of\b)(?:`[^`\n]*`|[^.;:!?`])*"
    r"|^(?:check|look\s+up|verify|review|find|confirm)\s+(?:the\s+)?(?:[\w'-]+\s+){1,2}?"
    r"(?:in|on|via|using)\s+(?:the\s+)?(?-i:[A-Z][a-z][A-Za-z0-9]*)[^.;:!?]*"
    # a look-up in a console nobody names: "check the cloud provider to verify ..."
    r"|^(?:check|look\s+(?:at|in)|review|consult)\s+(?:with\s+)?(?:the\s+|your\s+)"
    r"(?:cloud\s+provider|(?:(?-i:[a-z][\w-]*)\s+)?(?:console|dashboard|portal|control\s+panel))"
    r"\b[^.;:!?]*"
    # a resource the reader must add: "you will need more storage space"
    r"|^you\s+(?:will\s+|may\s+|might\s+)?(?:also\s+)?need\s+more\s+(?:[\w-]+\s+){0,2}?"
    r"(?:storage|space|capacity|memory|disk|disks|nodes|replicas|cpus?|resources|quota)\b[^.;:!?]*",
    re.IGNORECASE,
)
"""An instruction to change something, its verb first or after "you should", "you can": the
words RB108 reads for a change that does not say how."""


_REQUEST = (
    r"\s+(?:a|an)\s+(?:new\s+|emergency\s+)?(?:change\s+request|change\s+ticket|CR|RFC"
    r"|support\s+(?:case|ticket)|pull\s+request|merge\s+request|PR|MR)\b"
)
"""What is opened to ask for a change: "a change request", "an emergency CR", "a PR"."""
_CHANGE_VERBS = "|".join(
    r"roll\s*(?:it\s+|them\s+)?back" if verb == ROLL_BACK else verb for verb in CHANGE_VERBS
) + (
    r"|block|blacklist|blocklist|unblock|whitelist|allowlist|isolate|quarantine"
    # more verbs that change a system's state, each with what it changes, so the intransitive
    # ("the alert should clear", "start with the logs", "errors should stop") is not one
    r"|bump|revert|provision|deprovision|taint|untaint|toggle|re-?enable"
    r"|re-?index|re-?sync|re-?publish|re-?process|re-?queue|re-?provision|re-?import|unpublish"
    r"|kick\s+off|free\s+up|clear\s+(?:out\s+)?(?:the|a|all|any|its|their)\b"
    r"|stop\s+(?:the|a|all|any|its|their)\s+(?!\w+ing\b)"
    r"|pause\s+(?:the|a|all|any)\b|resume\s+(?:the|a|all|any)\b|suspend\s+(?:the|a|all|any)\b"
    r"|fix\s+(?:the|it|them|any|its|their)\b"
    r"|merge\s+(?:the|a|your|this|that)\b|trigger\s+(?:an?\s+|the\s+)?(?:[\w-]+\s+)?(?:migration"
    r"|build|deploy(?:ment)?|job|pipeline|sync|re-?index|rebuild|failover|backup|rollout|release"
    r"|run)\b|run\s+(?:the|a|an)\s+(?:[\w-]+\s+){0,3}?(?:migrations?|tasks?|jobs?|backfills?"
    r"|scripts?|playbooks?|pipelines?)\b(?!\s+(?:below|above))"
    # "set the replicas to 3", not "set up a way to ..." (set up: establish)
    r"|set\s+(?!(?:this|it|that|up)\s)(?:the\s+|your\s+|its\s+)?(?:[\w.-]+\s+){1,3}?to\s+"
    r"(?!(?:be|do|make|see|get)\b)"
    r"|take\s+(?:the\s+)?(?:corrective|remedial|appropriate|necessary)\s+(?:measures?|actions?|steps?)"
    r"|shut\s*down|turn\s+(?:off|on)|power\s+(?:off|on|cycle)|take\s+(?:a|an)\s+(?:disk\s+)?"
    r"(?:image|snapshot|backup|dump)|adjust|force|switch|reinstate|raise|lower|reconfigure"
    r"|configure|define\s+(?=(?:[\w-]+\s+){0,3}?(?:values?|defaults?|limits?|requests?|quotas?"
    r"|env(?:ironment)?\s+variables?|parameters?|settings)\b)"
    r"|update\s+(?:the\s+|our\s+|your\s+)?(?:status\s+page|config|configuration"
    r"|settings|dns|firewall|certificate)|do(?:ing)?\s+a\s+(?:rolling\s+)?(?:restart|reboot|failover"
    r"|rollback|deploy)|log\s+(?:in|on)\s+to|encrypt|decrypt|re-?run"
    # opening a request for a change: "open a change request", "raise an emergency CR"
    + "".join(f"|{verb}{_REQUEST}" for verb in ("open", "file", "raise", "submit", "create"))
)
_CHANGE_VERB = f"(?:(?:{by_first_letter(_CHANGE_VERBS)}){_AS_NOUN})"
"""A change verb (grouped by first letter for speed: the same matches as the list)."""
CHANGE_FIRST = frozenset(
    [
        *re.findall(r"[a-z]+", _CHANGE_VERBS.replace("(?:", " ").replace("\\s", " ")),
        *("should", "must", "may", "might", "need", "needs", "try", "consider", "start", "begin"),
        *("shutdown", "rerun", "doing", "require", "sure", "ensure", "open", "file", "submit"),
    ]
) - {"s", "it", "them", "a", "an", "the", "our", "your", "in", "on", "off", "to", "up"}
"""Words every change clause holds (its verb, or the modal of a passive): a cheap test."""
CHANGE_CLAUSE = re.compile(
    # A match starts at the text's start, at punctuation or at a word starting with one of
    # these letters: that test first rejects most positions before any alternative is tried.
    r"(?:^|(?=[\n;:.!?,])|\b(?=[aotcmsipnrhwgbje]))"
    rf"(?:(?:^|[;:]\s*|(?<![\w,])\n\s*|[.!?]\s+|,\s+|\b(?:and|or|then|can|could|must|should|also|just|simply"
    rf"|safely|immediately|please)\s+"
    rf"|\b(?:need|needs|required|have|has|able|want|going|ensure|be\s+sure)\s+to\s+"
    rf"|\bmake\s+sure\s+(?:you\s+)?)"
    # 60 characters (inline code counts as one: its dots end nothing), then the word ends
    rf"(?P<clause>{_CHANGE_VERB}\b(?:`[^`\n]{{1,80}}`|\[[^\]\n]{{1,80}}\]|(?<=[A-Z])\.(?=[A-Z])"
    rf"|[^.;:!?,`]){{0,60}}\w*)"
    r"|\b(?:try|consider|start|begin)\s+(?P<gerund>[a-z]+ing\b[^.;:!?,]{0,60}\w*)"
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
    r"|failover|redeploy(?:ment)?|reinstall(?:ation)?|replacement|rebuild)\b[^.;:!?,]{0,60}\w*))",
    re.IGNORECASE,
)
"""A clause that asks for a change, from where it opens (the text's start, punctuation, a
connective or a modal) through its verb and object."""


_NEXT_ACTION = re.compile(r"\s+and\s+(?:then\s+|to\s+|also\s+)?(?=\w)", re.IGNORECASE)


def own_clause(words: str) -> str:
    """A change clause up to the next action coordinated with it: "update the status page"
    of "update the status page and to send posts from our accounts" (what the second action
    names or leaves unsaid is not the first's)."""
    for found in _NEXT_ACTION.finditer(words):
        if is_instruction(words[found.end() :]):
            return words[: found.start()]
    return words


LOOK_UP = re.compile(r"(?:check|look\s+up|verify|review|find|confirm)\b", re.IGNORECASE)
"""A verb of looking something up ("check", "look up", "verify"), not of changing it."""
_ADDRESS = re.compile(
    r"^\W*(?:(?:then|now|next|first|finally|also|please)\W+)?(?:you\s+(?:can|could|should|must"
    r"|may|might|need\s+to|will\s+need\s+to|have\s+to)\s+(?:also\s+|now\s+|then\s+)?)?",
    re.IGNORECASE,
)
"""How a change clause may open before its verb: "you should edit ...", "Then modify ..."."""


def bare_clause(clause: str) -> str:
    """A change clause from its verb: "you should edit the file" -> "edit the file"."""
    found = _ADDRESS.match(clause)
    return clause[found.end() :] if found is not None else clause


EDIT_VERB = re.compile(r"\b(?:edit|modify|update|change|amend|adjust)\b", re.IGNORECASE)
"""A verb of editing ("edit", "modify", "update", "change", "amend", "adjust")."""


CONNECTIVE = re.compile(r"^(?:then|now|next|first|finally|also|please)\W+", re.IGNORECASE)
"""A connective word opening a clause ("then", "now", "next", "please")."""


CHANGE_WORDS = re.compile(_CHANGE_VERB, re.IGNORECASE)
"""Any verb of change, anywhere in a text."""
_FUNCTION_WORDS = frozenset(
    {"the", "and", "any", "all", "for", "with", "from", "this", "that", "these", "those", "your",
     "our", "their", "its", "into", "onto", "them", "they", "you", "immediately", "not", "etc",
     "other", "some", "each", "every", "then", "also", "just", "can", "should", "must", "will",
     "need", "needs", "may", "might", "have", "has", "are", "was", "were", "been", "being"}
)  # fmt: skip


@lru_cache(maxsize=256)
def clause_verbs_and_objects(clause: str) -> tuple[frozenset[str], frozenset[str]]:
    """`verbs_and_objects` of a change clause (short), cached: RB108 asks again for each
    finding's words, already read for the document's actions."""
    return verbs_and_objects(clause)


def verbs_and_objects(words: str) -> tuple[frozenset[str], frozenset[str]]:
    """The stemmed change verbs of some words and their other (object) words."""
    changes = [found.group(0) for found in CHANGE_WORDS.finditer(words)]
    verbs = {loose_stem(change) for change in changes}
    verb_words = {loose_stem(w) for change in changes for w in change.split()}
    objects = {
        loose_stem(word)
        for word in words.split()
        if len(word) > 2 and word.lower() not in _FUNCTION_WORDS
    } - verb_words
    return frozenset(verbs), frozenset(objects)


def gerund_of_change(words: str) -> bool:
    """Whether "deleting the pod", "doing a rolling restart" (after "try", "consider") is a
    change: the gerund's verb, with the words after it, starts a change clause."""
    first, _, rest = words.partition(" ")
    gerund = first.lower()[:-3]
    bases = {gerund, gerund + "e", gerund[:-1] if gerund[-1:] == gerund[-2:-1] else gerund}
    for base in bases:
        phrase = f"{base} {rest}"
        found = CHANGE_WORDS.match(phrase)
        whole = found is not None and (
            found.end() == len(phrase) or not phrase[found.end()].isalnum()
        )
        if found is not None and whole and found.end() >= len(base):
            return True
    return False
