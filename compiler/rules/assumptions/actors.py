"""RB103 undefined-actor: a person or role to contact that the runbook never declares."""

from __future__ import annotations

import re
from collections.abc import Iterator

from compiler.rules import CheckContext, Finding, RuleDoc, rule
from compiler.rules.assumptions.described import described
from compiler.rules.assumptions.scan import (
    ARTICLE,
    CHANNEL,
    CHOSEN_BY,
    DIRECTOR,
    ROLE_ACRONYM,
    ROLE_NOUN,
    ROLE_WORD,
    Hit,
    instructs,
    links_by_reference,
    one_per_line,
    scan_hits,
    with_model_flags,
)
from compiler.rules.regions import starting_with
from compiler.text.actors import defined_roles, own_team, unmodified
from compiler.text.instructions import imperative_after_phrase, is_instruction
from compiler.text.links import CONTACT_WORDS, DOCUMENT_URL, LINK

_NON_ALNUM_RUN = re.compile(r"[^a-z0-9]+")
_ON_CALL = re.compile(r"\bon-call\b")
_CONTACT_VERB = (
    r"\b(?:ping|ask|contact|notify|page|escalate\s+to|reach\s+out\s+to|tell|inform|loop\s+in"
    # reaching a person by any means: a call, a mail, a message, waking them
    r"|call(?!\s+(?:recording|log|bridge|notes?)\b)|phone(?!\s+(?:numbers?|bridge|call)\b)|ring"
    r"|text|e-?mail(?!\s+(?:address(?:es)?|alerts?|list)\b)|dm|alert|wake(?:\s+up)?"
    # a person tagged where they will be notified: "@mention someone who knows the code"
    r"|(?<=@)mention"
    r"|(?:confirm|agree|liaise|verify|double-check|discuss\s+(?:[\w'`-]+\s+){0,4}?)\s*with"
    r"|defer\s+to|pass\s+(?:[\w'`-]+\s+){0,5}?(?:on\s+|over\s+)?to"
    r"|message|slack|consult|check\s+(?:in\s+)?with|talk\s+(?:to|with)|speak\s+(?:to|with)|work\s+with"
    r"|follow\s+up\s+with|give\s+(?:an?\s+)?(?:quick\s+)?heads[\s-]*up\s+to"
    r"|coordinate\s+with|sync\s+(?:up\s+)?with|get\s+approval\s+from|involve|invite"
    r"|get\s+in\s+touch\s+with|delegate\s+to:?|hand\s+(?:it\s+|this\s+)?(?:off|over)\s+to"
    r"|engage|bring\s+in|pull\s+in|(?:get|request|obtain|seek)\s+(?:an?\s+)?(?:[\w-]+\s+){0,2}?"
    r"(?:approval|sign-?off|ok|okay|go-ahead|help|assistance|review)\s+from"
    r"|(?:send|share|forward|report|give|email|e-mail|hand|escalate|raise)\s+(?:[\w'`-]+\s+){0,6}?"
    r"(?:with|to)|escalate\s+(?:it\s+)?to)"
)
_ACTOR_STARTS = "abcdefghiklmnoprstvwLAEOV"
_MORE_PEOPLE = (
    r"(?:\w[\w'-]*\s+){0,3}?(?:squad|crew|desk|staff|personnel|members?|operator|reviewers?"
    r"|teammates?|peers?|analysts?|officers?|liaisons?|coordinators?|secretariat|helpdesk"
    r"|(?:operations|support|service|contact|help|security)\s+cent(?:re|er)s?)\b"
)
"""People and units named by what they are rather than a role title: "the storage squad",
"the on-duty operator", "the data centre staff", "the network operations centre"."""
_PERSON = rf"(?:{ROLE_ACRONYM}|{ROLE_NOUN}|{_MORE_PEOPLE})"
_ONE_OF = (
    r"(?:(?:an?|one|any|some)\s+(?:[\w-]+\s+)?(?:of|from|on|in)\s+(?:the\s+|your\s+|our\s+)?"
    r"|(?:someone|somebody|anyone|anybody)\s+(?:of|from|on|in)\s+(?:the\s+|your\s+|our\s+)?)"
)
"""A person picked from a group: "a member of the infrastructure team", "someone on the
Platform team", "anyone from legal" (the group is what must resolve)."""
_FUNCTION_SUBJECT = (
    r"(?-i:(?!(?:It|This|That|These|Those|They|There|We|You|Customers|Users|Everyone|Anyone"
    r"|Nothing|Something|Each|All|Any)\b)[A-Z][a-z]+(?:\s+(?:(?:or|and|&)\s+)?[A-Z][a-z]+){0,3})"
)
"""A function or group named by a capitalised name at the head of its clause ("Marketing or
Public Relations", "Finance", "Salespeople")."""
_CONTACTED = (
    r"(?:included|invited|informed|notified|paged|contacted|consulted|looped\s+in|engaged"
    r"|alerted|told|called|briefed|involved|brought\s+in|made\s+aware|woken(?:\s+up)?"
    r"|kept\s+(?:up\s+to\s+date|informed|updated|posted|aware|in\s+the\s+loop))\b"
)
"""What a person is when contacted: the passive of a contact ("Finance should be kept up to
date", "Marketing should be engaged")."""
_PEOPLE_ONLY = (
    r"(?:inform|notify|contact|liaise\s+with|agree\s+with|consult\s+with|escalate\s+to"
    r"|hand\s+(?:it\s+|this\s+)?(?:off|over)\s+to|reach\s+out\s+to|get\s+in\s+touch\s+with"
    r"|coordinate\s+with|(?:get|request|obtain|seek)\s+(?:an?\s+)?(?:[\w-]+\s+){0,2}?"
    r"(?:approval|sign-?off|go-ahead|help|assistance|review)\s+from)"
)
"""Contact verbs whose object is always someone: whatever noun it is ("Inform customers",
"Liaise with owning teams"), it names an actor that must resolve."""
_NOT_IN_OBJECT = (
    r"(?:that|to|of|about|when|if|whether|with|for|before|after|and|or|which|who|so|in|on|at"
    r"|by|as|from|the|a|an|is|are|was|were|will|can|should|must|may|via|using|through|once"
    r"|until|immediately|directly|asap|first|now|then|too|also|again|here|there|where|how|what"
    r"|why|this|that|these|those|them|us|him|her|it|its|you|your|yourself|me|we|they|their)\b"
)
_THING = (
    r"(?:details?|info(?:rmation)?|forms?|pages?|address(?:es)?|numbers?|lists?|fields?|points?"
    r"|emails?|sheets?)\b"
)
"""What "contact" names as a noun ("the contact detail fields", "contact form")."""
_ANY_OBJECT = (
    r"(?:(?:the|your|our|all|any|each|every|affected|relevant|other|appropriate)\s+){0,2}"
    rf"(?!{_NOT_IN_OBJECT}|{_THING})(?-i:[a-z])[\w&'-]*(?:\(s\))?(?![\w&'-])"
    rf"(?:\s+(?!{_NOT_IN_OBJECT})(?-i:[a-z])[\w&'-]*(?:\(s\))?(?![\w&'-])){{0,3}}"
    r"(?<!decision)(?<!decisions)(?<!choice)(?<!choices)(?<!plan)(?<!plans)(?<!understanding)"
    r"(?!\s+(?-i:[A-Z]))"
)
"""Any common noun phrase as a contact's object: up to four lower-case words, stopping at a
function word (a name, "the FBI", is the capitalised-name reading's to judge); not what
"inform" means of a thought ("to inform your decision")."""
_PUBLIC_SERVICE = re.compile(
    r"\b(?:law\s+enforcement|police|emergency\s+services|authorities)$", re.IGNORECASE
)
"""Who anyone can reach without the document: "Contact local law enforcement"."""
_IDENTIFIED_BY = re.compile(
    r"\s+(?:(?:that|who|which)\s+(?:may|might|can|could|will|would|is|are|was|were|has|have"
    r"|had|own|owns|run|runs|use|uses|used|manage|manages|maintain|maintains)\b"
    r"|(?:for|of)\s+(?:any|the|each|every|all)\b|responsible\b)",
    re.IGNORECASE,
)
"""What picks the people out by the case at hand ("external parties that may have been used",
"operators for any systems used in the attack"): whoever that is, not a role to resolve."""
_ACTOR_ACTIVE = (
    rf"{_CONTACT_VERB}\s+(?P<actor>(?:the\s+|your\s+|an?\s+|our\s+|one\s+of\s+the\s+|{_ONE_OF})?"
    rf"(?:{_PERSON}|(?-i:[A-Z][a-z]{{2,}}(?:\s+(?:[A-Z][\w&]*|&))*)\b"
    r"|(?-i:[A-Z][A-Z.]*[A-Z](?:\s+[A-Z]{2,})+)\b)"
    r"(?:\s+(?:leads?|leaders?|managers?|owners?|members?|on-?call|engineers?))?"
    rf"(?:\s+or\s+{_PERSON})?(?:\s+of\s+(?-i:[A-Z]\w+))?)"
    rf"|\blet\s+(?P<let>(?:the\s+|your\s+|an?\s+|one\s+of\s+the\s+|{_ONE_OF})?{_PERSON})\s+know\b"
    rf"|\bkeep\s+(?P<kept>(?:the\s+|your\s+|all\s+)?{_PERSON})\s+"
    r"(?:informed|updated|posted|aware|in\s+the\s+loop|up\s+to\s+date)\b"
    rf"|\bget\s+(?P<involved>(?:the\s+|your\s+|an?\s+|{_ONE_OF})?{_PERSON})\s+involved\b"
    rf"|\b{_PEOPLE_ONLY}\s+(?P<anyone>{_ANY_OBJECT})"
    rf"|\b(?:require|need)\s+(?P<helper>(?-i:[A-Z][\w&-]*(?:\s+[A-Z][\w&-]*){{0,3}})|{_ANY_OBJECT})"
    r"\s+to\s+(?:help|assist|approve|sign\s+off)\b"
)
_ACTOR = re.compile(
    starting_with(
        _ACTOR_STARTS,
        rf"{_ACTOR_ACTIVE}"
        rf"|(?P<passive>\b(?:the\s+|an?\s+|all\s+|{_ONE_OF})?{_PERSON}(?:\s+(?:and|or)\s+{_PERSON})?"
        rf"|(?<![\w,;:] )(?<![\w,;:])\b{_FUNCTION_SUBJECT})"
        r"(?:\s+for\s+[\w\s-]{1,30}?)?\s+(?:should|must|need\s+to|will\s+need\s+to|have\s+to"
        r"|are\s+to|is\s+to)\s+(?:(?:also|always|then|immediately|first)\s+)?be\s+"
        rf"{_CONTACTED}"
        # a contact asked for as its outcome: "make sure the right stakeholders are informed"
        r"|\b(?:make\s+sure|ensure)\s+(?:that\s+)?(?P<outcome>(?:the\s+|all\s+|your\s+)?"
        rf"{_PERSON})\s+(?:are|is|get|gets|have\s+been|has\s+been)\s+"
        r"(?:kept\s+)?(?:included|invited|informed|notified|paged|contacted|consulted|looped\s+in"
        r"|updated|aware|engaged|alerted|told|briefed|involved)\b",
    ),
    re.IGNORECASE,
)
_PASSIVE_CONTACT_WORDS = frozenset(
    {
        "included",
        "invited",
        "informed",
        "notified",
        "paged",
        "contacted",
        "consulted",
        "looped",
        "updated",
        "aware",
        "engaged",
        "alerted",
        "told",
        "called",
        "briefed",
        "involved",
        "brought",
        "made",
        "woken",
        "kept",
    }
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
     "consulted", "looped", "engage", "bring", "pull", "request", "obtain", "seek", "involved",
     "call", "phone", "ring", "text", "e", "dm", "alert", "warn", "brief", "wake", "confirm",
     "agree", "liaise", "verify", "double", "discuss", "defer", "pass", "engaged", "alerted",
     "require", "need",
     "told", "called", "briefed", "brought", "made", "woken", "kept", "mention"}
)  # fmt: skip
"""Words every actor match holds (its contact verb, "let", or a passive): a cheap test."""


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
    words = _words(ARTICLE.sub("", actor))
    return bool(words) and any(words <= _words(name) for name in names)


_GROUP_NOUNS = frozenset({"team", "squad", "crew", "group"})


def _owning_team(actor: str, owner: str | None) -> bool:
    """Whether the actor is the runbook's owner named as a group: the owner `#modernisation-
    platform` (front matter) declares "the Modernisation Platform team"."""
    words = _words(ARTICLE.sub("", actor))
    named = words - _GROUP_NOUNS
    return owner is not None and bool(named) and named != words and named <= _words(owner)


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
        "sentence. A link to a page of written steps (docs, how-to, runbook) that names no way "
        'to reach people ("the steps can be followed [here](.../how-to/...)") is no contact '
        "link; a link on the contact's own words or to a team, contact or channel page is. "
        'A contact after a phrase with no comma ("Before commencing any work contact the '
        'affected teams") counts as one after a comma. A contact declared as `null` is flagged '
        "as unassigned.",
        why='Readers know who "the AE" is this quarter; an agent does not, and the person may '
        "have left. Escalations to nobody are how incidents stall at 3 a.m.",
        example="If the customer is on an enterprise plan, ping the AE.",
        instead="---\ncontacts: {AE: billing-ops}\n---\n"
        "If the customer is on an enterprise plan, use `pagerduty.page` to page billing-ops.",
    ),
)
@with_model_flags("RB103")
@one_per_line
def undefined_actor(context: CheckContext) -> Iterator[Finding]:
    assigned, unassigned = _declared_actors(context)
    defined: set[str] | None = None  # read from the whole document only when a hit needs it
    lean = (_ACTOR_NOT_PASSIVE, _PASSIVE_CONTACT_WORDS)
    groups = ("actor", "let", "involved", "kept", "passive", "outcome", "anyone", "helper")
    for hit in scan_hits(context, _ACTOR, groups, _ACTOR_FIRST, lean):
        actor = hit.words
        if _NOT_AN_OBJECT.match(actor) or _title_word(hit) or _REFERS_BACK_TO.match(actor):
            continue  # "ask you who is on-call", "ask as an IC", "Gaining Message Approval"
        if hit.match.group("anyone") and (
            _IDENTIFIED_BY.match(hit.passage.text, hit.end) or _PUBLIC_SERVICE.search(actor)
        ):
            continue  # "Reach out to external parties that may have been used as a vector"
        if _used_as_noun(hit) or _part_of_a_name(hit) or _capitalised_inside(hit):
            continue  # "the alert indicates that an Operator ...", "Email Alert Frontend uses"
        opens_with_contact = _opens_with_contact(hit)  # "Agree with the data owners ..."
        if not (opens_with_contact or instructs(hit.sentence)):
            continue  # "There is a limit of how many requests we can send to Google Cloud API"
        if not opens_with_contact and described(context, hit.passage, hit.sentence):
            continue  # "Salespeople should be notified ..." describing the roles
        alternatives = _ALTERNATIVES.split(actor)
        if any(
            _known(a, assigned) or own_team(a) or _owning_team(a, context.meta.owner)
            for a in alternatives
        ) or _reachable(hit):
            continue  # one defined alternative is enough: "your team or other colleagues"
        if _reached_in_section(context, hit):
            continue
        if defined is None:
            defined = _document_roles(context)
        if any(_named(unmodified(a), defined) for a in alternatives) or _chosen_by_known(
            hit, assigned | defined
        ):
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


_OPENING = re.compile(
    r"^[\s*_>-]*(?:\d+[.)]\s+)?(?:\[[ xX]?\]\s+)?(?:then\s+|also\s+|please\s+)?$", re.I
)


_NAME_BEFORE = re.compile(r"(?-i:[A-Z])[\w.]*[\w]\s+$")


def _capitalised_inside(hit: Hit) -> bool:
    """Whether the contact word is capitalised after a capitalised word: one name ("GOV.UK
    Notify limits this account"), not a verb ("... the MR. Ask someone ...")."""
    verb = hit.match.start()
    before = hit.passage.text[max(0, verb - 40) : verb]
    return hit.passage.text[verb : verb + 1].isupper() and _NAME_BEFORE.search(before) is not None


def _opens_with_contact(hit: Hit) -> bool:
    """Whether the contact verb opens its sentence or item ("Liaise with owning teams", "1. Agree
    with the product team ..."): an imperative, whatever the rest of the sentence holds."""
    if hit.match.group("passive") or hit.match.group("outcome"):
        return False  # "Salespeople should be notified": the person opens it, not the verb
    verb = hit.match.start()
    start = hit.passage.sentence_at(hit.start).start
    return _OPENING.match(hit.passage.text[start:verb]) is not None


_NOUN_OR_VERB = re.compile(
    r"(?:alert|call|phone|ring|text|e-?mail|dm|message|page|slack|report|contact)\b",
    re.IGNORECASE,
)
"""Contact verbs that are nouns as often ("the alert indicates", "a phone bridge with ...")."""
_BEFORE_A_VERB = re.compile(
    r"(?:[.,;:!?(]|\b(?:to|please|then|and|or|also|first|now|just"
    r"|immediately|should|must|can|could|will|would|may|might|you|we|always|never|don't|do"
    r"|not))\W*$",
    re.IGNORECASE,
)
"""What a verb follows: the start of a clause or item, "to", a modal, the reader, a joiner."""


_FINITE_AFTER = re.compile(
    r"^\s*(?:\([^)]*\)\s*)?,?\s*(?:is|are|was|were|has|have|does|do|did|will|can|may|uses|runs"
    r"|sends|needs|requires|handles|provides|lets|allows|gives)\b",
    re.IGNORECASE,
)


def _part_of_a_name(hit: Hit) -> bool:
    """Whether the contact word and a capitalised actor make one name ("Email Alert Frontend
    uses cookies", "Licensing and Email Alert Frontend, do not"): the word is capitalised
    inside a sentence, or the run is the subject of the verb after it."""
    verb = hit.match.start()
    if hit.match.group("actor") is None or not hit.words[:1].isupper():
        return False
    start = hit.passage.sentence_at(hit.start).start
    word = hit.passage.text[verb : verb + 1]
    inside = hit.passage.text[start:verb].strip(" \t*_-+0123456789.)") != ""
    return (word.isupper() and inside) or _FINITE_AFTER.match(hit.passage.text, hit.end) is not None


def _used_as_noun(hit: Hit) -> bool:
    """Whether a contact word that is also a noun stands where a noun would ("The alert message
    indicates the Operator", "a phone bridge with 100 people"), not where a verb would ("Alert the
    DBA", "you should call the vendor", "then page the DBA")."""
    verb = hit.match.start()
    if not _NOUN_OR_VERB.match(hit.passage.text, verb):
        return False
    sentence = hit.passage.sentence_at(hit.start)
    start = sentence.start
    opening = hit.passage.text[start:verb]
    if not opening.strip(" \t*_-+0123456789.)"):
        # first in its sentence: a verb, unless a label ("**Alert Expression:**")
        return hit.passage.text[hit.end : hit.end + 2].strip().startswith(":")
    marker = len(opening) - len(opening.lstrip(" \t*_-+0123456789.)"))
    text = hit.passage.text[start + marker : sentence.end]
    if imperative_after_phrase(text) == verb - start - marker:
        return False  # "Before commencing any work contact the teams": the phrase's imperative
    return _BEFORE_A_VERB.search(hit.passage.text, max(start, verb - 40), verb) is None


_ALTERNATIVES = re.compile(r"\s+or\s+|\s*/\s*", re.IGNORECASE)
_QUEUE = re.compile(
    r"\b(?:re)?assign(?:ing|ed)?\s+(?:it|them|the\s+[\w-]+)\s+to\s+(?:`[^`\n]+`|\[)",
    re.IGNORECASE,
)
"""A hand-over through a ticket queue named: "by reassigning it to `3rd line--Content`"."""


def _reachable(hit: Hit) -> bool:
    """Whether the sentence, outside the actor's own words, gives a way to reach the actor: a
    link, a channel, a handle, an address, a paging service, a ticket queue or a call/room."""
    said = hit.match.group(0)  # the contact's own words: "Phone the DBA" gives no number
    rest = LINK.sub(lambda link: _unless_how_to(link, hit.words), hit.sentence)
    rest = rest.replace(said, " ").replace(hit.words, " ")
    if CHANNEL.search(rest) or _QUEUE.search(hit.sentence):
        return True
    return links_by_reference(hit.context, rest)


def _unless_how_to(link: re.Match[str], actor: str) -> str:
    """A link as written, or only its words when it leads to a page of written steps that
    names no way to reach people ("the steps can be followed [here](.../how-to/zones.html)"):
    a how-to page is no contact page (LABELLING: "contact-page link"). A link on the actor's
    own words ("[report exceptions to Sentry](/manual/errors.html)") is about the actor."""
    url = link.group("url") or link.group("bare") or ""
    label = link.group("label") or ""
    if actor in label or not DOCUMENT_URL.search(url) or CONTACT_WORDS.search(url + " " + label):
        return link.group(0)
    return label


def _reached_in_section(context: CheckContext, hit: Hit) -> bool:
    """Whether the same actor is reached by a channel elsewhere in its section ("copy the
    message into Slack and wait for confirmation from the IC", then "get sign-off from the IC"):
    the issue's "a channel ... in the same sentence or section", for that actor."""
    name = ARTICLE.sub("", hit.words).lower()
    if not name or _ANYONE.match(name):
        return False
    phrase = re.compile(rf"\b{re.escape(name)}\b", re.IGNORECASE)
    in_section = _channel_sentences(context).get(hit.passage.block.sections, [])
    return any(text != hit.sentence and phrase.search(text) for text in in_section)


def _channel_sentences(context: CheckContext) -> dict[tuple[str, ...], list[str]]:
    """The sentences that name a channel, by section (read once per document, not once per
    actor: a section full of actors stays linear)."""
    kept = context.shared.get("channel-sentences")
    if isinstance(kept, dict):
        return kept
    found: dict[tuple[str, ...], list[str]] = {}
    for passage in context.passages:
        for sentence in passage.sentences:
            if CHANNEL.search(sentence.text):
                found.setdefault(passage.block.sections, []).append(sentence.text)
    context.shared["channel-sentences"] = found
    return found


_ANYONE = re.compile(
    r"^(?:others?|someone|somebody|anyone|people|folks|everyone|them|stakeholders)$", re.IGNORECASE
)
_NOT_AN_OBJECT = re.compile(
    r"(?:you|yourself|as|in|for|about|during|on|at|by|from|with|to|if|when|whether|how|what"
    r"|why|where|which)\b",
    re.IGNORECASE,
)
"""Words a contact verb's object never starts with: the reader, a preposition, or a question
asked ("ask how long someone needs")."""


def _title_word(hit: Hit) -> bool:
    """A capitalised word in a heading after a verb used as a noun ("Gaining Message
    Approval"): in title case every word is capitalised, so only a role word is an actor."""
    return hit.passage.block.kind == "heading" and ROLE_WORD.search(hit.words) is None


def _head_of_defined(actor: str, names: set[str]) -> bool:
    """Whether the actor is a defined role by its head noun ("your experts" for "Subject
    Matter Experts", "the commander" for "Incident Commander")."""
    words = [w.rstrip("s") for w in _NON_ALNUM_RUN.split(ARTICLE.sub("", actor).lower()) if w]
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
    before = re.split(r"[,;:]", hit.passage.text[start:verb])[-1]  # its own clause only
    clause = _THIRD_PERSON_CLAUSE.search(before)
    if clause is not None and not _READER.search(before, clause.end()):
        return True  # "They may also serve as a liaison to keep stakeholders up to date"
    subjects = list(_CONTACT_SUBJECT.finditer(hit.passage.text, max(start, verb - 60), verb))
    if not subjects:
        return False
    subject = subjects[-1].group("subject") or subjects[-1].group("thing")
    return subject.lower() not in ("you", "we")


_THIRD_PERSON_CLAUSE = re.compile(
    r"(?:^\W*(?:[a-z]+\s+)?|\b(?:and|but|where|when|because|since|so|as)\s+)(?:they|he|she|it"
    r"|he\s+or\s+she)\s+(?:\w+\s+){0,2}?(?:will|would|may|might|can|could|should|must|is|are"
    r"|was|were|has|have|had|do|does|did|serves?|tends?|wants?|tries|try|likes?)\b",
    re.IGNORECASE,
)
"""A clause whose subject is someone other than the reader: what it says they do is
described ("they would be reluctant to involve another member of their team")."""
_READER = re.compile(r"\b(?:you|your)\b", re.IGNORECASE)
_PRONOUN_SUBJECT = re.compile(
    r"\b(?:we|they|he|she|it|i)\s+(?:also\s+|then\s+|always\s+|usually\s+|often\s+)?$",
    re.IGNORECASE,
)
"""A contact verb right after a subject other than the reader: what someone does."""


_CONTACT_SUBJECT = re.compile(
    r"\b(?P<subject>you|we|he|she|they|it|this|that|which|(?:the|a|an)\s+(?:[\w-]+\s+){0,2}?[\w-]+"
    r"|(?-i:[A-Z][\w.]*(?:\s+[A-Z][\w.]*){0,3}))\s+"
    r"(?:(?:will|would|may|might|can|could|should|must)\s+(?:also\s+)?(?:want\s+to\s+|need\s+to\s+"
    r"|have\s+to\s+)?|(?:wants|needs|has)\s+to\s+)(?:\w+ly\s+)?$"
    # a thing does it, with no modal: "checks which notify X", "the jobs that run the backups
    # send metrics to X"
    r"|\b(?P<thing>which|that|the\s+(?:[\w-]+\s+){0,2}?[\w-]+s)\s+(?:\w+ly\s+)?$",
    re.IGNORECASE,
)
_REFERS_BACK_TO = re.compile(r"^(?:such|these|those|that|this|said|the\s+same)\s", re.IGNORECASE)
"""An actor named before ("page such teams"): flagged, if at all, where it is named."""


def _chosen_by_known(hit: Hit, names: set[str]) -> bool:
    """ "page other people as directed by the Incident Commander": a known role picks them; so
    does any role who directs the reader to do it ("The Incident Commander will instruct you to
    notify stakeholders"): whom to contact is named when the instruction comes."""
    for found in CHOSEN_BY.finditer(hit.sentence):
        by = found.group("by") or found.group("who")
        director = ARTICLE.sub("", by.strip())
        if found.group("who") and DIRECTOR.search(director):
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
    words = _words(ARTICLE.sub("", actor))
    return bool(words) and any(words == _words(name) for name in names)


def _document_roles(context: CheckContext) -> set[str]:
    """Roles the document itself defines (headings, definition lines, "Long Name (LN)")."""
    headings = [p.text for p in context.passages if p.block.kind == "heading"]
    return defined_roles(headings, (p.text for p in context.passages))
