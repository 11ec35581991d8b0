"""RB106 unbounded-wait: a wait or retry with no limit ("wait until it recovers")."""

from __future__ import annotations

import re
from collections.abc import Iterator

from compiler.parse import Block
from compiler.rules import CheckContext, Finding, RuleDoc, rule
from compiler.rules.assumptions.described import described
from compiler.rules.assumptions.scan import (
    Hit,
    code_follows,
    instructs,
    one_per_line,
    scan_hits,
    with_model_flags,
)
from compiler.rules.regions import DURATION_OR_COUNT, Passage, block_after, starting_with

_WAIT = re.compile(
    starting_with(
        "kprwmocfoOpPrRcCMWKFsSgGaAlLtThH",
        # a count or a time with no number: "retry a couple of times", "wait a bit", "give it
        # some time", "let it settle"
        r"\b(?:retry|repeat|try\s+again|re-?run\s+it)\b[^.;:!?]{0,40}?\b(?:a\s+(?:couple|few)"
        r"\s+(?:of\s+)?(?:more\s+)?(?:times|attempts|tries)|several\s+times|multiple\s+times"
        r"|a\s+number\s+of\s+times)\b"
        r"|\b(?:wait|give\s+(?:it|them|the\s+[\w-]+)|allow)\s+(?:for\s+)?(?:a\s+(?:bit|while|little"
        r"(?:\s+while)?|moment|few\s+(?:more\s+)?(?:minutes|seconds|hours))|some\s+(?:more\s+)?"
        r"(?:time|minutes))\b"
        r"|\blet\s+(?:it|them|the\s+[\w-]+(?:\s+[\w-]+)?)\s+(?:settle|stabili[sz]e|recover|catch\s+up"
        r"|warm\s+up|finish|converge|sync|complete|drain|propagate|roll\s+out|run\s+to\s+completion"
        r"|run\s+its\s+course)\b"
        # coming back to it later with no time: "check back later"
        r"|\bcheck\s+back\b(?:\s+(?:later|on\s+it|in\s+a\s+(?:while|bit)))?"
        r"|\b(?:wait|hold\s+off|keep\s+(?:retrying|trying|checking|waiting|polling|watching|restarting)"
        r"|retry|repeat|poll)\b(?:[^.;:!?]{0,60}?\b(?:until|till|for\s+(?:it|them|the\s+[\w-]+"
        r"(?:\s+[\w-]+){0,2}?)\s+to)\b[^.;:!?]*)?"
        r"|\b(?:(?:occasionally|periodically|regularly|continuously|constantly)\s+)?(?:monitor"
        r"|watch|keep\s+(?:an|a)\s+(?:close\s+|careful\s+|watchful\s+)?eye\s+on|keep\s+monitoring)"
        r"\s+(?:the\s+|for\s+|any\s+)?[\w'-]+"
        r"(?:\s+(?!and\b)[\w-]+){0,5}"
        r"|\bfollow\s+(?:the\s+)?[\w-]+\s+progress\b"
        r"|\b(?:occasionally|periodically|regularly|from\s+time\s+to\s+time)\s+(?:check|review"
        r"|look\s+at|inspect|revisit)\s+"
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
     "hold", "back",
     "silence", "snooze", "mute", "pause", "suspend", "try", "rerun", "re", "run", "give",
     "allow", "let",
     "periodically", "regularly", "from", "may", "might", "will", "should", "could"}
)  # fmt: skip
"""Words every wait match holds: a cheap test."""
_WATCH = re.compile(
    r"(?:occasionally|periodically|regularly|continuously|constantly|from\s+time|monitor|watch"
    r"|keep\s+an?\s+(?:close\s+|careful\s+|watchful\s+)?eye|keep\s+monitoring|follow)",
    re.IGNORECASE,
)
_OPEN_ENDED = re.compile(
    # waiting on any event with no time given: "until the replica catches up"
    r"\b(?:until|till)\s+(?:it|they|`[^`]+`|(?:the|these|those|this|that|all|every|your|its)\s+"
    r"[\w-]+(?:\s+[\w-]+){0,2}?)\s+(?:has\s+|have\s+|is\s+|are\s+)?[a-z]+(?:s|es|ed)?\b"
    r"|\bkeep\s+\w+ing\b|\bfor\s+(?:it|them|the\s+[\w-]+(?:\s+[\w-]+){0,2}?)\s+to\s+(?:recover"
    r"|come\s+back|be)\b"
    r"|\b(?:some|a)\s+(?:time|while|bit)\b|\buntil\s+(?:it|they)\s+(?:fix|resolve|heal)s?\b"
    r"|\b(?:a\s+(?:couple|few)|several|multiple|a\s+number)\s+(?:of\s+)?(?:more\s+)?(?:times"
    r"|attempts|tries|minutes|seconds|hours)\b|\ba\s+(?:little|moment)\b|^let\s"
    r"|^check\s+back\b"
    r"|^wait\s+for\s+(?:it|them|(?:the|a|an|all|every|your)\s+[\w-]+(?:\s+[\w-]+){0,2}?)\s+to\s+[a-z]+"
    r"|^(?:silence|snooze|mute|pause|suspend)\b[^.;:!?]*\b(?:until|till)\b",
    re.IGNORECASE,
)
_WAIT_FOR = re.compile(r"\s+for\s+(?!\d)[\w/-]", re.IGNORECASE)
"""A wait for something to arrive: "wait for confirmation from the IC", "wait for a reply"."""
_SCHEDULE = re.compile(
    r"\b(?:working|business|office)\s+hours\b|\bnext\s+(?:day|week|release|maintenance|morning"
    r"|shift|business\s+day)|\btomorrow\b"
    r"|\bshipped\b|\breleased\b|\bnext\s+scheduled\b|\bscheduled\s+to\s+run\b"
    # a schedule said as a period: "wait overnight for the sync", "on an hourly basis"
    r"|\bovernight\b|\b(?:hourly|daily|nightly|weekly)\b",
    re.IGNORECASE,
)
_NOT_WAITING = re.compile(
    # a watch or a wait named, not asked: "run Sass in watch mode", "skip the wait", "a metric
    # we monitor", "we monitor various metrics to determine ..." (what the team does, described)
    r"^(?:watch|wait)\s+(?:mode|this\s+space)\b"
    # attention, not a wait: "watch out for patch failures" (look out for them as they come)
    r"|^watch\s+out\b",
    re.IGNORECASE,
)
_DESCRIBED = re.compile(
    r"(?:\b(?:skip|skipping|skipped)\s+the\s+|\bwe\s+(?:also\s+|currently\s+|actively\s+"
    r"|constantly\s+|continuously\s+)?|\b(?:if|in\s+case)\s+(?:you|we)(?:\s+(?:want|need|wish"
    r"|would\s+like)|['\u2019]d\s+like)\s+to\b[^,;:.]*)$",
    re.IGNORECASE,
)
"""What comes before a watch or a wait that describes it or states a goal: "skip the wait",
"we monitor ...", "If you want to use analytics to monitor the test, talk to ...", "If you'd
like to watch a video about it, ..."."""


_REPEATED = re.compile(
    r"\b(?P<verb>[a-z]+)\s+(?:(?:it|this|that|them|the\s+[\w-]+|again)\s+)?(?P<times>(?:a\s+(?:couple"
    r"|few)\s+(?:of\s+)?(?:more\s+)?|several\s+|multiple\s+|many\s+|a\s+number\s+of\s+)times"
    r"|repeatedly|more\s+than\s+once|over\s+and\s+over(?:\s+again)?)\b",
    re.IGNORECASE,
)
"""Any action done again with no count: "may need to be run multiple times", "click it a few
times" (closed world: a repetition is bounded only by a number, a time or an end written)."""
_REPEATED_FIRST = frozenset({"times", "repeatedly", "once", "over"})
_HEDGED_DUTY = re.compile(
    r"\b(?:may|might|will|could)\s+(?:also\s+)?(?:need|have)\s+to\s+be\s+$", re.IGNORECASE
)
"""An action the reader may have to do, in the passive: "the job may need to be [run] ..."."""
_ASKED_OF_READER = re.compile(
    r"(?:^|[;:]\s*)[\s*_>-]*(?:\d+[.)]\s+)?(?:\[[ xX]?\]\s+)?(?:then\s+|and\s+|please\s+|also\s+)?$"
    r"|\byou\s+(?:may\s+|might\s+|will\s+|should\s+|must\s+|can\s+)?(?:need|have)\s+to\s+$",
    re.IGNORECASE,
)
"""The repeated verb is the reader's: it opens its sentence or item ("Click it a few times"),
or the reader has to ("you may need to run it multiple times")."""
_END_WRITTEN = re.compile(r"\b(?:until|till|as\s+long\s+as|while|unless)\b", re.IGNORECASE)
_NOT_AN_ACTION = frozenset(
    {"is", "are", "was", "were", "been", "has", "have", "had", "fired", "fires", "failed",
     "fails", "happened", "happens", "occurred", "occurs", "seen", "shown", "appears",
     "appeared", "called", "used", "mentioned", "changed", "restarted", "crashed"}
)  # fmt: skip
"""What a thing did or is, counted loosely ("the alert fired several times"): no repetition
asked of the reader."""


def _repeats(context: CheckContext) -> Iterator[Finding]:
    """RB106 for a repetition asked of the reader with no count, time or end."""
    for hit in scan_hits(context, _REPEATED, ("times",), _REPEATED_FIRST):
        verb = hit.match.group("verb").lower()
        if verb in _NOT_AN_ACTION:
            continue
        sentence = hit.sentence
        if DURATION_OR_COUNT.search(sentence) or _SCHEDULE.search(sentence):
            continue
        if _END_WRITTEN.search(sentence):
            continue  # "repeat it several times until the backlog is empty": the end is written
        verb_at = hit.match.start("verb")
        before = hit.passage.text[hit.passage.sentence_at(verb_at).start : verb_at]
        if not (_ASKED_OF_READER.search(before) or _HEDGED_DUTY.search(before)):
            continue  # "we're not repeating it multiple times", "you will be repeatedly prompted"
        if not instructs(sentence) and not _HEDGED_DUTY.search(before):
            continue
        yield Finding(
            "RB106",
            hit.span,
            f'unbounded repetition "{hit.words}": how many times at most?',
            "give a number of attempts, and what to do when they run out",
            hit.words,
            hit.step,
        )


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
@with_model_flags("RB106")
@one_per_line
def unbounded_wait(context: CheckContext) -> Iterator[Finding]:
    blocks = context.document.blocks
    for hit in scan_hits(context, _WAIT, needs=_WAIT_FIRST):
        implied = _IMPLIED_WAIT.search(hit.words) is not None
        waits_for = hit.words.lower() == "wait" and _WAIT_FOR.match(hit.passage.text, hit.end)
        if not (_OPEN_ENDED.search(hit.words) or _WATCH.match(hit.words) or implied or waits_for):
            continue
        if DURATION_OR_COUNT.search(hit.sentence) or _SCHEDULE.search(hit.sentence):
            continue
        if _NO_WAIT.search(hit.passage.text, max(0, hit.start - 30), hit.start):
            continue  # "You don't need to wait for the IC": the text says not to wait
        if _WATCH.match(hit.words) and _A_NOUN.search(hit.passage.text, 0, hit.start):
            continue  # "check the Ceph Monitor logs", "for each Monitor in the cluster"
        if _NOT_WAITING.match(hit.words) or _described(hit):
            continue  # "run Sass in watch mode", "we monitor various metrics"
        if not implied and not instructs(hit.sentence):
            continue
        if hit.passage.block.kind == "heading":
            continue  # "## Wait for CI to pass": a title; its section says what the wait is
        if described(context, hit.passage, hit.sentence):
            continue  # "the exporter is there to watch read IOPS" in a description
        if _WATCH.match(hit.words) and (_standing_watch(hit, blocks) or _means(hit)):
            continue
        if _PURPOSE.search(hit.passage.text, max(0, hit.start - 20), hit.start):
            continue  # "To watch this recovery, ensure ...": what the instruction is for
        yield Finding(
            "RB106",
            hit.span,
            f'unbounded wait "{hit.words}": for how long at most?',
            "give a timeout or a number of attempts, and what to do when it runs out",
            hit.words,
            hit.step,
        )
    yield from _repeats(context)


_NO_WAIT = re.compile(
    r"\b(?:don't|do\s+not|doesn't|does\s+not|never|no\s+need\s+to|needn't|without|instead\s+of"
    r"|rather\s+than)\s+(?:(?:need|have)\s+to\s+|bother\s+(?:to\s+)?)?$",
    re.IGNORECASE,
)
_A_NOUN = re.compile(
    r"(?:\b(?:the|a|an|each|every|any|all|this|that|these|those|new|its|their|corresponding)"
    r"|(?<=[\w,]\s)(?-i:[A-Z][\w-]*[a-z0-9][\w-]*|[A-Z]{2,}))\s+$|(?<=\w)[-_./]$",
    re.IGNORECASE,
)
"""What makes "monitor" or "watch" a noun: a determiner or a name before it ("the monitor pod",
"each Monitor in the cluster", "Ceph Monitor logs" mid-sentence), or a name it ends
("gitlab-monitor service"); the verb opens its clause ("Then monitor the queue")."""
_PURPOSE = re.compile(r"(?:^|[.!?:]\s+|\n)\W*(?:in\s+order\s+)?to\s+$", re.IGNORECASE)
"""A watch that opens a purpose ("To watch this recovery in action, ensure ..."): the sentence's
instruction is what follows it, not a wait."""
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


def _described(hit: Hit) -> bool:
    """Whether the words before the watch or wait, in its sentence, describe it or make it a
    goal (`_DESCRIBED`)."""
    start = hit.passage.sentence_at(hit.start).start
    return _DESCRIBED.search(hit.passage.text, max(start, hit.start - 80), hit.start) is not None


_MEANS = re.compile(r"\byou\s+can\s+(?:also\s+)?$", re.IGNORECASE)
_USING = re.compile(r"[^.;:!?]*?\b(?:using|with|via|in|on|from)\s+(?:the\s+)?\S", re.IGNORECASE)


def _means(hit: Hit) -> bool:
    """Whether the watch is a means the text offers ("You can monitor queue lengths using the
    dashboard"): where to look, not a wait the procedure asks for."""
    start = hit.passage.sentence_at(hit.start).start
    offered = _MEANS.search(hit.passage.text, max(start, hit.start - 20), hit.start)
    return offered is not None and _USING.match(hit.passage.text, hit.start) is not None


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
    if not code_follows(blocks, passage):
        return False
    after = block_after(blocks, passage.block.span.end_line)
    if after is None:
        return False
    if any(_WATCHING_COMMAND.search(line.text) for line in after.lines):
        return True
    following = block_after(blocks, after.span.end_line)  # the check that ends the watch
    return following is not None and bool(DURATION_OR_COUNT.search(following.text))
