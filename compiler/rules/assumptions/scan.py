"""What the RB1xx rules share: `Hit` and `scan_hits` (every match of a pattern in the document's
prose, quoted speech skipped), the decorators `one_per_line` and `with_model_flags`, whether a
sentence instructs (`instructs`), and the words and patterns more than one rule reads.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property, wraps

from compiler.parse import Block
from compiler.records import Span
from compiler.rules import CheckContext, Finding
from compiler.rules.regions import Passage, block_after, starting_with, step_at
from compiler.text.instructions import is_instruction
from compiler.text.links import BRACKETED, reference_definitions
from compiler.text.task_boxes import LISTED_TASK_BOX
from compiler.values import Value, set_field

ARTICLE = re.compile(r"^(?:the|your|an?|our)\s+", re.IGNORECASE)
"""An article or possessive before a name ("the", "your", "an", "our"), dropped to compare names."""
ROLE_ACRONYM = r"(?:AE|AM|DBA|SRE|TAM|CSM|PM|EM|TL|CTO|CISO|VP|SME|NOC|SOC|IC)s?\b"
"""A role known by its initials ("SRE", "DBA", "IC"), as a pattern to build others with."""
ROLE_NOUN = (
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
"""A role or a group of people named by a noun ("the account manager", "on-call", "legal"),
as a pattern to build others with."""
_INSIDER_ARTIFACT = (
    r"(?:dashboards?|scripts?|tools?|runbooks?|playbooks?|spreadsheets?|sheets?|docs?|wiki"
    r"|notebooks?|trick|workaround|passwords?|credentials|laptops?|machines?|box|vault|bastion"
    r"|jump\s*(?:box|host)|repos?|repositor(?:y|ies)|queries|query|commands?|process|procedure"
    r"|checklists?|templates?|alias(?:es)?)\b"
)
"""Things a team keeps that a reference must link or name ("the shared password")."""
TRIBAL = re.compile(
    starting_with(
        "alotduy",
        r"\b(?:the|your|our)\s+(?:usual|old|normal|regular|standard|typical|familiar|legacy|good\s+old|desired"
        r"|necessary|agreed|expected)\s+"
        r"(?:[\w-]+\s+(?:(?:and|&)\s+[\w-]+\s+)?)?(?:dashboards?|scripts?|tools?|process|procedure|way|place|fix|workaround"
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
        r"|typically|generally)\s+(?:look\s+at|use|check|run|watch|do|follow)\b"
        # the manner of habit: "deploy as you normally would", "as we always do"
        r"|\bas\s+(?:you|we|they)\s+(?:would\s+)?(?:normally|usually|always|typically)"
        r"(?:\s+(?:would|do|did|does))?\b"
        r"|\bas\s+(?:normally|usually|typically)\s+(?:done|configured|set\s+up|deployed)\b"
        # an artifact known by its insider owner or lore: "Bob's script", "the team's runbook",
        # "the script Bob wrote", "the well-known trick", "the shared password"
        rf"|\b(?:the\s+team's|(?:the|our)\s+(?:well-known|famous|trusty|magic"
        rf"|secret|shared|internal|ops|team|special))\s+(?:[\w-]+\s+)?{_INSIDER_ARTIFACT}"
        rf"|\bthe\s+(?:[\w-]+\s+)?{_INSIDER_ARTIFACT}\s+(?:that\s+)?(?-i:[A-Z][a-z]+)\s+"
        r"(?:wrote|made|built|set\s+up|created|shared|uses|maintains|keeps)\b",
    ),
    re.IGNORECASE,
)
"""A reference to something the team knows but the page does not say ("the usual dashboard",
"as before", "our scripts", "Bob's script")."""


OWNED = re.compile(
    r"(?<![\w'])(?-i:[A-Z][a-z]+)(?:'s|\u2019s)\s+(?:[\w-]+\s+)?(?:scripts?|notebooks?"
    r"|spreadsheets?|checklists?|trick|workaround|alias(?:es)?|quer(?:y|ies)|fix|hack)\b",
    re.IGNORECASE,
)
"""Something a person wrote, known by its author's name: "Bob's script", "Priya's notebook" (a
product's own part, "Chrome's developer tools", "Notify's dashboard", is on the page)."""


@dataclass(init=False, repr=False, eq=False)
class Hit(Value):
    """A match in a passage: its words as read, and (worked out when a rule first asks: most
    hits are dropped before) where it is in the source, its sentence and its step."""

    words: str
    passage: Passage
    match: re.Match[str]
    start: int
    """Where the hit's words start in the passage's text."""
    end: int
    context: CheckContext = field(repr=False, compare=False)

    def __init__(
        self,
        words: str,
        passage: Passage,
        match: re.Match[str],
        start: int,
        end: int,
        context: CheckContext,
    ) -> None:
        set_field(self, "words", words)
        set_field(self, "passage", passage)
        set_field(self, "match", match)
        set_field(self, "start", start)
        set_field(self, "end", end)
        set_field(self, "context", context)

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


def scan_hits(
    context: CheckContext,
    pattern: re.Pattern[str],
    groups: tuple[int | str, ...] = (0,),
    needs: frozenset[str] = frozenset(),
    lean: tuple[re.Pattern[str], frozenset[str]] | None = None,
    holds: str = "",
) -> Iterator[Hit]:
    """Every match of `pattern` in the whole document's prose (every passage), as read; the
    hit's words are the first of `groups` that took part in the match. With `needs`, only
    passages holding one of those words are scanned (every match must contain one). With
    `lean` (a pattern and words), a passage holding none of those words is scanned with that
    cheaper pattern: it drops only alternatives that need one of the words, so it finds the
    same matches there. With `holds` (characters every match contains as they are, such as the
    "?" of a question), a passage without them is not scanned."""
    if not needs and not pattern.search(context.passage_text):  # one pass rules most out
        return
    for passage in _read(context):
        if needs and needs.isdisjoint(passage.words):
            continue
        if holds and holds not in passage.text:
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
    r"^\W*(?:\[!\w+\]|(?:note|notice|warning|important|tip|caution|danger|info|hint|attention)\b)",
    re.IGNORECASE,
)
_SPEECH = re.compile(
    r"^\W*(?-i:[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*){0,3})\s*:\s|\b(?-i:I|I'm|I've|I'd|I'll)\b"
    r"|\b(?:we|we're|we've|we'll|let's|our|us)\b",
    re.IGNORECASE,
)
"""Speech: a speaker's label ("IC: Stop.") or a first-person word ("we are currently ...")."""


def _read(context: CheckContext) -> tuple[Passage, ...]:
    """The passages the rules read: all but quoted speech (worked out once per document)."""
    return context.once(
        "read passages", lambda: tuple(p for p in context.passages if not _spoken(context, p))
    )


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


def one_per_line(
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


def with_model_flags(
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
CONDITION_FIRST = re.compile(
    r"^\W*(?:if|when|whenever|once|unless|as\s+soon\s+as|in\s+case)\b[^,;:]*,\s*(?:then\s+)?",
    re.IGNORECASE,
)
"""A condition before the main clause ("If it is ok from your side, then ..."): a word there
that only addresses the reader ("your side") does not make what follows an instruction; the
reader as its subject ("If you are growing close to the quota, ...") does: a case of theirs."""
_READER_AS_OBJECT = re.compile(
    r"\b(?:help|helps|guide|guides|let|lets|allow|allows|enable|enables|show|shows|walk|walks"
    r"|take|takes|give|gives|get|gets)\s+$",
    re.IGNORECASE,
)
"""The reader as the object of what something does ("This runbook will guide you through ...",
"a guide to help you navigate our process"): a description, not an instruction."""
_READER_SUBJECT = re.compile(r"\byou\b", re.IGNORECASE)
_EXPECTED = re.compile(
    r"(?P<subject>\b(?:it|they|this|that|these|those)|\b(?:the|a|an|its|their|each|every|any|this"
    r"|that|these|those)\s+(?:[\w.-]+\s+){0,3}?[\w.-]+|`[^`\n]+`)\s+(?:should|will|would)\s+"
    r"(?:(?:also|now|then|eventually|soon|automatically|still|always|never|not|only)\s+)*+"
    r"(?!(?:be|have|get)\b)[a-z]+",
    re.IGNORECASE,
)
"""What a thing should or will do: an expectation ("the geo postgres should switch to
streaming", "`idx_tup_read` should increase over time", "This will start draining the
runner"), not an instruction to the reader ("the pod should be restarted" is one, in the
passive; so is a person's duty, and anything that "must")."""


def expectation(sentence: str) -> bool:
    """Whether a sentence's main clause is what a thing should do ("Once the lag is near zero,
    the geo postgres should switch to streaming") and nothing in it addresses the reader: it
    tells the reader what to expect."""
    condition = CONDITION_FIRST.match(sentence)
    main = sentence[condition.end() :] if condition else LIST_MARK.sub("", sentence, count=1)
    found = _EXPECTED.match(main)
    if found is None or _PERSON.search(found.group("subject")):
        return False
    return not _addressed(sentence, owner=False)  # "..., if not you can recreate it": asks


LIST_MARK = re.compile(r"^[-*+\s]*(?:\d+[.)]\s+)?")
"""A list item's mark (with any space before it) at the start of a sentence."""


def _addressed(sentence: str, owner: bool = True) -> bool:
    """Whether a sentence's main clause addresses the reader: "you", "please", "make sure",
    "must", or a "should" that is no thing's expected behaviour; with `owner` false, "your"
    alone does not ("This will create your user account" says what a command does)."""
    condition = CONDITION_FIRST.match(sentence)
    if condition and _READER_SUBJECT.search(sentence, 0, condition.end()):
        return True
    main = sentence[condition.end() :] if condition else sentence
    expected = [
        found.span()
        for found in _EXPECTED.finditer(main)
        if not _PERSON.search(found.group("subject"))
    ]
    return any(
        not any(start <= word.start() < end for start, end in expected)
        for word in _ADDRESSED.finditer(main)
        if (owner or word.group(0).lower() != "your")
        and not _READER_AS_OBJECT.search(main, 0, word.start())
    )


BARE_IMPERATIVE = re.compile(
    r"^(?:[-*+]\s+|\d+[.)]\s+)?(?:[A-Za-z][a-z]+)(?:\s+and\s+[a-z]+)?\s+(?:the|a|an|any|all|every|your|our|its|their|it|them"
    r"|this|that|these|those|up|down|off|out|back|with\s+\w+)\b"
)
"""A first word followed by an object or a particle ("Restart the pod", "Scale it down"): a
verb in the imperative, unless the word is one of `NOT_VERBS`."""
NOT_VERBS = frozenset(
    {"the", "this", "that", "these", "those", "there", "it", "its", "they", "we", "a", "an",
     "all", "each", "every", "some", "most", "many", "if", "when", "once", "in", "on", "at",
     "for", "with", "from", "by", "after", "before", "as", "so", "and", "but", "or", "of",
     "because", "since", "while", "although", "however", "also", "then", "what", "which",
     "perhaps", "maybe", "probably", "possibly", "sometimes", "usually", "often", "typically",
     "generally", "otherwise", "here", "now"}
)  # fmt: skip
"""First words that are no verb, though `BARE_IMPERATIVE` reads them as one."""


_LEAD_LABEL = re.compile(r"^(?:[-*+]\s+|\d+[.)]\s+)?[A-Z][\w /&-]{0,60}:\s+(?=[A-Z])")
"""A short label before an instruction: "Bad Deployment: Roll it back."."""


LEAD_ADVERB = re.compile(r"^(?:[-*+]\s+|\d+[.)]\s+)?[A-Za-z]+ly,?\s+")
"""An adverb before a sentence's first verb ("Optionally, restart the pod")."""


_NOTE = re.compile(
    r"^(?:[-*+]\s+|\d+[.)]\s+)?(?:\*\*)?(?:please\s+)?(?:note|nb|n\.b\.)\b(?:\*\*)?"
    r"(?:\s+that\b|\s*:)?\s*",
    re.IGNORECASE,
)
"""An aside: "Note that ...", "Please note that ...", "Note: ..." (what follows is
information unless it instructs)."""


_GERUND_FIRST = re.compile(
    r"^(?:[-*+]\s+|\d+[.)]\s+)?(?!(?:bring|string|ring|sing|during|nothing|something|anything"
    r"|everything|morning|evening|following|pending|according|regarding|depending|assuming"
    r"|including|notwithstanding)\b)[A-Za-z]{2,}ing\b(?!\s*:)",
    re.IGNORECASE,
)


NOUN_SUBJECT = re.compile(
    r"^(?:[-*+]\s+|\d+[.)]\s+)?[A-Za-z-]+\s+(?:\w+ly\s+)?(?:is|are|was|were|means|has|does"
    r"|takes|requires|happens|occurs|seems|looks|usually|often|rarely|had|did|became|caused)\b",
    re.IGNORECASE,
)
"""A first word followed by a finite verb: a noun, the sentence's subject ("Silence usually
means ...", "Restart is required when ...", "Issue had two causes" in a past account), not an
imperative."""


def instructs(sentence: str) -> bool:
    """Whether a sentence tells the reader something to do: an imperative (a known verb, or
    any word followed by an object, "Shrink the journal"), a "you" sentence, or a modal
    ("should", "must"). Background and explanation are not instructions, nor is an aside
    ("Note that it defaults to ...") unless what it says instructs."""
    sentence = LISTED_TASK_BOX.sub("", sentence, count=1)  # "- [ ] Work with the delivery team"
    note = _NOTE.match(sentence)
    if note is not None and note.end() > 0:
        sentence = sentence[note.end() :]
    if expectation(sentence):
        return False  # "Once it is done, the job should switch to ...": what to expect
    if _GERUND_FIRST.match(sentence) and not _addressed(sentence):
        return False  # "Drafting messages when needed, ...": a duty named, not an instruction
    if NOUN_SUBJECT.match(sentence) and not _addressed(sentence):
        return False  # "Silence usually means everyone is working": a verb-shaped noun
    if is_instruction(sentence) or _addressed(sentence):
        return True
    sentence = _LEAD_LABEL.sub("", sentence, count=1)  # "Bad Deployment: Roll it back."
    adverb = LEAD_ADVERB.match(sentence)  # "Occasionally check on the progress"
    if adverb and is_instruction(sentence[adverb.end() :]):
        return True
    sentence = sentence[adverb.end() :] if adverb else sentence
    bare = BARE_IMPERATIVE.match(sentence)
    if bare is None or THIRD_PERSON.match(sentence):
        return False  # "Triggers a rolling update (zero-downtime if possible)": what it does
    return sentence.split()[0].lower() not in NOT_VERBS


THIRD_PERSON = re.compile(r"^(?:[-*+]\s+|\d+[.)]\s+)?[A-Za-z][a-z]+[^su\Wi]s\b")
"""A first word in the third person ("Triggers", "Runs", not "Press", "Focus"): a description."""


PEOPLE_SUBJECT = re.compile(
    rf"^(?:he\s+or\s+she|he|she|they)$|^(?:the|a|an|each|every|any)\s+(?:[\w-]+\s+)?"
    rf"(?:{ROLE_ACRONYM}|{ROLE_NOUN})",
    re.IGNORECASE,
)
"""People or a role as a clause's whole subject ("they", "the on-call engineer")."""

_PERSON = re.compile(
    rf"{PEOPLE_SUBJECT.pattern}|\b(?:author|reviewer|user|requester|customer|submitter)s?$",
    re.IGNORECASE,
)
"""A person as the subject of a duty ("the author must dismiss the review")."""


CHANNEL = re.compile(
    r"\]\(|\]\[|https?://|(?<![\w&])#[a-z][\w-]+|(?<![\w.])@[a-z][\w.-]+|[\w.+-]+@[\w-]+\.[\w.]+"
    r"|\b(?:slack|pagerduty|opsgenie|jira|servicenow|zendesk|(?-i:Teams)|mailing\s+list|channel"
    r"|queue|ticket|pager|phone|e-?mail\s+address|hotline|bridge|chat\s*room|war\s*room"
    r"|(?:voice|video|conference|incident|bridge|zoom)\s+call)\b",
    re.IGNORECASE,
)
"""A way to reach someone: a link, a channel, a handle, an address, a ticket queue, a call."""


def link_references(context: CheckContext) -> dict[str, str]:
    """The document's link reference definitions (`[Senior Tech]: https://...`), address by
    lower-case label, read once per document."""
    return context.once("references", lambda: reference_definitions(context.document.lines))


def links_by_reference(context: CheckContext, text: str) -> bool:
    """Whether a text holds a reference-style link the document defines (`[x][y]`, `[x][]`,
    or the shortcut `[GOV.UK Senior Tech]`): a link, though no URL is written beside it."""
    if "[" not in text:
        return False
    labels = link_references(context)
    return any(
        (found.group(2) or found.group(1)).strip().lower() in labels
        for found in BRACKETED.finditer(text)
    )


CHOSEN_BY = re.compile(
    r"\b(?:directed|assigned|designated|chosen|nominated|requested|instructed|delegated)\s+by\s+"
    r"(?P<by>(?:the\s+|your\s+|an?\s+)?[\w-]+(?:\s+[\w-]+)?)"
    # "the IC may ask you to reach out to another team": the role who asks picks them
    r"|(?P<who>\b(?:the\s+|your\s+)?[\w-]+(?:\s+[\w-]+)?)\s+(?:will|may|might|can|could|would"
    r"|should)?\s*(?:(?:\w+ly|also|then|first)\s+)?(?:ask|asks|tell|tells|instruct|instructs|direct|directs|request"
    r"|requests)\s+you\s+to\b",
    re.IGNORECASE,
)
"""A reader whom someone else directs ("assigned by the IC", "the IC may ask you to ...")."""
ROLE_WORD = re.compile(rf"\b(?:{ROLE_ACRONYM}|{ROLE_NOUN})", re.IGNORECASE)
"""A role anywhere in a text (`ROLE_ACRONYM` or `ROLE_NOUN`)."""
DIRECTOR = re.compile(
    rf"^(?:they|he|she)\b|(?-i:^[A-Z]{{2,5}}s?\b)|{ROLE_ACRONYM}|{ROLE_NOUN}", re.IGNORECASE
)
"""Who may direct the reader: a pronoun, initials at the start, or a role."""


def front_matter_key_span(context: CheckContext, key: str) -> Span:
    """Where front matter sets `key` (its whole line), else the document's first line."""
    for number, line in enumerate(context.document.lines, start=1):
        if line.startswith(f"{key}:"):
            return Span(line=number, column=1, end_line=number, end_column=len(line))
        if (
            context.document.front_matter_span
            and number > context.document.front_matter_span.end_line
        ):
            break
    return Span(line=1, column=1, end_line=1, end_column=max(1, len(context.document.lines[0])))


def code_follows(blocks: tuple[Block, ...], passage: Passage) -> bool:
    """Whether a command comes right after the passage, or after one notice under it (it says
    how; "# TODO: Command needed" does not)."""
    return command_after(blocks, passage) is not None


_ONLY_CODE = re.compile(r"^(?:`[^`\n]+`[\s,;.]*)+$")
"""A paragraph of inline code and nothing else: a command written on a line of its own."""


def command_after(blocks: tuple[Block, ...], passage: Passage) -> Block | None:
    """The block that gives a command right after the passage (or after one notice under it):
    a code block with something in it besides comments, or a paragraph of inline code alone
    ("Kill the processes dangling for an hour" then `` `knife ssh ... | xargs sudo kill` ``),
    not the next item of the same list (its own step)."""
    after = block_after(blocks, passage.block.span.end_line)
    if after is not None and after.kind == "paragraph" and _ADMONITION.match(after.text):
        after = block_after(blocks, after.span.end_line)  # "> **Notice:** ..." between them
    if after is None:
        return None
    if after.kind == "code":
        lines = after.lines
        return (
            after
            if any(line.text.strip() and not line.text.lstrip().startswith("#") for line in lines)
            else None
        )
    inline = (
        after.kind == "paragraph"
        and _ONLY_CODE.match(after.text.strip()) is not None
        and not _next_item(blocks, passage.block, after)
    )
    return after if inline else None


def _next_item(blocks: tuple[Block, ...], block: Block, after: Block) -> bool:
    """Whether `after` is an item of the list holding `block` (or of one it is nested in),
    not a body nested under it: "* Change the password" then "* `sudo shutdown now`" are two
    steps."""
    if after.list_id is None:
        return False
    own = parsed_block(blocks, block)
    return own.list_id is not None and after.list_depth <= own.list_depth


def parsed_block(blocks: tuple[Block, ...], block: Block) -> Block:
    """The document's own block where `block` starts (a step's text read as a block has no
    list of its own)."""
    here = bisect_right(blocks, block.span.line, key=lambda b: b.span.line) - 1
    return blocks[here] if here >= 0 else block
