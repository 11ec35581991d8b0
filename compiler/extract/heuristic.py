"""Deterministic, offline step extraction from runbooks as people write them.

Steps come from list items, instructional paragraphs and shell commands in procedural
sections (Diagnosis, Mitigation, Steps, ...). A paragraph that introduces a code block becomes
the commands' note, or a decision whose branch is those commands when it states a condition.
"""

from __future__ import annotations

import bisect
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import cache, lru_cache

from compiler.extract import DraftKind, DraftStep, Jump
from compiler.models import Span
from compiler.parse import (
    Block,
    CodeLine,
    Document,
    anchor,
    continuation,
    normalise,
    readable_blocks,
    text_at,
)
from compiler.text.instructions import ESCALATE as _ESCALATE
from compiler.text.instructions import IMPERATIVE as _IMPERATIVE
from compiler.text.instructions import STEP_REFERENCE as _STEP_REFERENCE
from compiler.text.instructions import VERBS as _VERBS
from compiler.text.instructions import gerund_of_verb, introduced_condition
from compiler.text.instructions import instructional as _instructional
from compiler.text.instructions import leading_condition as _leading
from compiler.text.patterns import by_first_letter
from compiler.text.sentences import Sentence, protected
from compiler.text.sentences import sentences as _split_sentences

PROCEDURAL = re.compile(
    r"diagnos|mitigat|procedure|steps?\b|resol|remediat|troubleshoot|\bfix|recover|investigat"
    r"|triage|respon|action|workaround|debug|check|verif|runbook|how to|instruction|rollback"
    r"|roll back|escalat|restor|repair|solution|validat|playbook|what to do|\bops\b",
    re.IGNORECASE,
)
DESCRIPTIVE = re.compile(
    r"meaning|impact|summary|overview|description|background|context|symptom|reference"
    r"|links|see also|related|\bnotes?\b|prerequisite|about|purpose|glossary|severity|faq"
    r"|owner|contacts?\b|changelog|history|appendix|further reading|example output",
    re.IGNORECASE,
)
SCRIPT_LANGS = {"bash", "sh", "shell", "zsh"}
COMMON_PROGRAMS = frozenset(
    {
        "aws",
        "awk",
        "cat",
        "chroot",
        "cp",
        "curl",
        "date",
        "df",
        "dig",
        "du",
        "echo",
        "find",
        "for",
        "gcloud",
        "grep",
        "if",
        "ip",
        "journalctl",
        "kill",
        "ls",
        "mkdir",
        "mount",
        "mv",
        "nc",
        "nslookup",
        "ping",
        "ps",
        "rm",
        "scp",
        "sed",
        "ssh",
        "sudo",
        "systemctl",
        "tail",
        "top",
        "wget",
        "while",
    }
)
PROMQL_WORDS = frozenset(
    {
        "sum",
        "min",
        "max",
        "avg",
        "count",
        "rate",
        "irate",
        "increase",
        "delta",
        "deriv",
        "histogram_quantile",
        "topk",
        "bottomk",
        "absent",
        "label_replace",
        "and",
        "or",
        "unless",
        "by",
        "without",
        "on",
        "ignoring",
        "group_left",
        "group_right",
        "predict_linear",
        "vector",
        "scalar",
        "clamp_max",
        "clamp_min",
        "count_over_time",
        "avg_over_time",
        "max_over_time",
        "min_over_time",
        "sum_over_time",
        "quantile_over_time",
    }
)
_METRIC_NAME = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+){2,}(?:\{.*)?$")
SHELL_LANGS = {
    "",
    "powershell",
    "ps1",
    "pwsh",
    "cmd",
    "bat",
    "fish",
    "ksh",
    "csh",
    "tcsh",
    "bash",
    "sh",
    "shell",
    "console",
    "zsh",
    "terminal",
    "shell-session",
    "shellsession",
}
_STRONG_PROMPT = re.compile(
    r"^(?:PS(?:\s[^>\n]*)?>|\[[^\]]*\]\s*[\w.@:~/-]*\s?[$#>%]|[\w.@:~/-]*[\w~/][$%]|"
    r"[\w.@-]+:[\w.~/-]*#|[\w-]+=[#>]|irb\([^)]*\)(?::\d+)+[>*]|\[\d+\]\s*pry\([^)]*\)>|"
    r"mysql>|redis[\w.:-]*>|>>>|\$)\s+"
)
"""A console prompt: `$`, `user@host:~$`, `PS>`, `PS C:\\>`, `[ prod ] production>`,
`postgres=#`, `irb(main):001:0>`, `[1] pry(main)>`, `mysql>`, `>>>`."""
_WEAK_PROMPT = re.compile(r"^[#>]\s+")
_CONTINUATION_PROMPT = re.compile(
    r"^(?:>|\.\.\.|->|[\w-]+-[#>(']|irb\([^)]*\)(?::\d+)+\*)(?:\s+|$)"
)
SQL_LANGS = {"sql", "psql", "pgsql", "plpgsql", "postgres", "postgresql", "mysql", "sqlite"}
SCRIPT_CONSOLE_LANGS = {"ruby", "rb", "irb", "pry", "python", "py", "python3", "pycon", "ipython"}
_OPTION = re.compile(r"\s--?[a-z][\w-]*(?:[=\s]|$)")
"""A command-line option (`-n`, `--target=x`): a line shaped like a command that has one is
read as a command even when its program is unknown."""
_CHATOPS = re.compile(r"^[/!][a-z][\w-]*(?:\s+\S+)+\s*$")
"""A chat-ops command: `/runner run stop blue`, `!ic page`."""
_COMMAND_START = re.compile(r"^(?:sudo\s+)?[a-z][a-z0-9_.+-]*(?:\s|$)")
_ASSIGNMENT = re.compile(r"^(?:export\s+)?[A-Za-z_][A-Za-z0-9_]*=")
_PURE_ASSIGNMENT = re.compile(r"^(?:export\s+)?[A-Za-z_][A-Za-z0-9_]*=\S*$")
_QUOTED_OR_PLACEHOLDER = re.compile(r"'[^']*'|\"[^\"]*\"|<[^<>]*>")
_SHELL_NOOPS = {
    "exit",
    "cd",
    "clear",
    "logout",
    "set",
    "unset",
    "source",
    ".",
    "echo",
    "printf",
    "local",
    "shift",
    "return",
    "true",
    "false",
    ":",
    "}",
}
_COMPOUND_OPEN = {
    "for": "done",
    "while": "done",
    "until": "done",
    "if": "fi",
    "case": "esac",
    "function": "}",
}
_FUNCTION_DEFINITION = re.compile(r"^[A-Za-z_][\w-]*\s*\(\)\s*\{?\s*$")
_TABLE_HEADER = re.compile(r"^[A-Z][A-Z0-9_()%/.-]*(?:\s{2,}[A-Z][A-Z0-9_()%/. -]*){1,}$")
_COLUMNS = re.compile(r"\S+(?:\s{2,}\S+){2,}")

_COORDINATED = re.compile(
    r"(?<!\bshould)(?<!\bmust)(?<!\bwill)(?<!\bcan)(?<!\bmay)(?<!\bwould)(?<!\bcould)"
    rf"(?:,\s*|\s+)(?:and\s+then|and|or|then)\s+(?:to\s+|you\s+(?:should|must|will|need\s+to)\s+)?"
    r"(?:\w+ly\s+)?"
    rf"(?=(?:{by_first_letter(_VERBS)})\b(?![-']))"
    r"(?!(?:be|have|make|let|set|see|list|note|file|cut|post|act)\b)"
    r"(?!(?<!, and )(?<!, or )use\b)",
    re.IGNORECASE,
)
_SHARED_OBJECT = re.compile(
    r"^\W*(?:please\s+)?[a-z]+(?:\s+(?:off|on|up|down|out|over|back))?\s*$", re.IGNORECASE
)
"""A verb with no object of its own before "and <verb> <object>": both act on that object
("Cordon and drain the node", "Turn off and power down the host")."""
_ATTEMPT = re.compile(r"^(?:please\s+)?(?:try|attempt)\s+to\s+", re.IGNORECASE)
_COLON_SPLIT = re.compile(r":\s+(?=[A-Z])")
"""A colon between two instructions, the second capitalised: "Involve others as needed: Do
not hesitate to escalate"."""
_SERIAL = re.compile(
    rf",\s+(?:to\s+)?(?=(?:{by_first_letter(_VERBS)})\b(?![-']))"
    r"(?!(?:be|have|make|let|set|see|list|note|file|cut|post|use|act|and|or|then)\b)",
    re.IGNORECASE,
)
"""A comma before another instruction of a series that ends with "and"/"or": "listen to the
call, watch the room, and track requests"."""
"""Another instruction joined by "and"/"or"/"then" ("Identify X and keep Y"); a verb that is
as often a noun or an auxiliary does not split."""
_TRAILING_CONDITION = re.compile(
    # The lookahead first: it fails fast at most positions, before a dozen lookbehinds run.
    r"(?=\s\(?(?:if|unless|when|once|in case)\b)"
    r"(?<!\bcheck)(?<!\bverify)(?<!\bsee)(?<!\bdetermine)(?<!\bconfirm)(?<!\bknow)"
    r"(?<!\bvalidate)(?<!\btest)(?<!\bfind out)(?<!\binvestigate)(?<!\bask)(?<!\blook)"
    r"(?<!\beven)(?<!\bas)(?<!\bidentify)(?<!\bdecide)(?<!\bwhether)(?<!\bat)(?<!\bso)"
    r"\s\(?(?P<cond>(?:if|unless|when|once|in case)(?:/when)?\s[^.;:()]+)",
    re.IGNORECASE,
)
_ELLIPTICAL = re.compile(
    r"(?:if|when|unless)\s+(?:any|so|necessary|needed|required|possible|applicable|appropriate"
    r"|desired|wanted|you\s+(?:can|like|want|wish|prefer)(?:\s+help\s+it)?)"
    r"(?:\W*$|\s*,|\s+(?:with|using|via|by|for|to|in|on|from|through)\b)",
    re.IGNORECASE,
)
"""A trailing condition that only hedges ("restart if necessary", "if any", "if you can help
it"): the instruction stays one step, the hedge is the rules' business (RB101). (Labels differ
on hedges: the seed cases make "if needed" a decision, the corpus cases do not.)"""
_CHECK = re.compile(
    r"^(?:keep\s+(?:checking|watching|monitoring|an\s+eye)|check|verify|validate|confirm|ensure|look|inspect|review|monitor|watch|observe|see"
    r"|examine|investigate|determine|find|identify|make sure|compare|query|list|get|describe"
    r"|view|study|gather|collect)\b",
    re.IGNORECASE,
)
_STOP = re.compile(
    r"\b(?:stop\s+here|stop\s+the\s+(?:runbook|procedure)"
    r"|(?:and|then)\s+stop\b(?!\s+(?:the|a|all)\b)|you(?:'re|\s+are)\s+done|no\s+further\s+action|nothing\s+(?:more|else|further)\s+to\s+do"
    r"|(?:end|exit)\s+the\s+(?:runbook|procedure))\b|^\W*stop\W*$",
    re.IGNORECASE,
)
"""The procedure ends here: "stop here", "then stop", "you are done", "no further action"."""
_LINK_JUMP = re.compile(
    r"\b(?:go|skip|jump|continue|proceed|return|move)\s+(?:back\s+)?to\s+\[[^\]]*\]\(#[^)]*\)",
    re.IGNORECASE,
)
_CONDITIONAL_HEADING = re.compile(r"(?:if|when|in case|unless)\b", re.IGNORECASE)
_OTHERWISE = re.compile(r"\s*otherwise\b", re.IGNORECASE)
_JUMP_HINTS = ("step", "stop", "done", "further", "nothing", " the runbook", " the procedure")
"""Words every jump but an anchor link has one of: a cheap test before the patterns run."""
_BLANKS = re.compile(r"[ \t\n\r\f\v]+")
_CONTINUATION = re.compile(r"\\[ \t\n\r\f\v]+")
_JUMP_WORDS = re.compile(
    r"\b(?:go|skip|jump|return|continue|proceed|move|start over|follow|repeat|restart)\b",
    re.IGNORECASE,
)
_POINTER = (
    r"(?:(?:for\s+more(?:\s+information)?,?\s+)?(?:(?:follow|read)\s+(?:the\s+)?"
    r"|(?:see(?:\s+also)?|refer\s+to|consult|look(?:\s+at)?|(?:take|have)\s+a\s+look\s+at"
    r"|check\s+out)\s+(?:the\s+|our\s+)?))?"
    r"(?:\[[^\]]*\](?:\([^)]*\)|\[[^\]]*\])?|<?https?://\S+>?)"
    r"(?:\s+for\s+[^.!?]*)?\.?"
)
_ONLY_LINK = re.compile(rf"^{_POINTER}(?:\s+{_POINTER})*$", re.IGNORECASE)
"""A pointer elsewhere, not a step: a bare link, "See [Debugging Pods](...).", "Look [here](...)
for an example.", several such in a row."""
_PROCEDURE_JUMP = re.compile(
    r"\b(?:you\s+(?:should|can|may|must|need\s+to)\s+)?(?:(?:start|begin)\s+to\s+|now\s+)?"
    r"(?:follow|go\s+through|continue\s+with)\s+(?:the\s+|our\s+)?(?:"
    r"(?:steps|process|procedure|instructions|runbook|playbook)\s+(?:from|in|of|at|under)\s+"
    r"(?:the\s+|our\s+)?\[[^\]]*\]\([^)]*\)(?:\s+(?:process|procedure|runbook|playbook|page))?"
    r"|\[[^\]]*\]\([^)]*\)\s+(?:process|procedure|runbook|playbook))",
    re.IGNORECASE,
)
"""Handing over to another documented procedure: "you should follow the [Security Response](...)
process", "start to follow the steps from [After an Incident](...)": a jump, not a step."""


def extract(document: Document, programs: frozenset[str] = frozenset()) -> list[DraftStep]:
    """Draft steps of a document, in source order.

    `programs` are command names known to the registry: in a code block with no `$ ` prompts
    and no shell language tag, only lines starting with one of them (or a common shell
    command) are taken as commands; the rest is read as example output."""
    known = programs | COMMON_PROGRAMS
    blocks = readable_blocks(document)
    commands_of = {
        i: [] if _shows_output(blocks, i) else _query(blocks, i) or list(_commands(block, known))
        for i, block in enumerate(blocks)
        if block.kind == "code"
    }
    lead_ins = _lead_ins(blocks, commands_of)
    consumed = set(lead_ins.values())
    drafts: list[DraftStep] = []
    open_cases: list[tuple[int, int]] = []  # (decision's draft index, its list depth)
    labelled: list[tuple[int, int | None]] = []  # "**Symptom:** fix" decisions, by list
    headings = _CaseHeadings(drafts)
    for index, block in enumerate(blocks):
        _close_cases(drafts, open_cases, block.list_depth if block.kind != "heading" else -1)
        if block.kind == "heading":
            headings.visit(block)
        if block.kind == "paragraph" and index not in consumed and _edge_of_last(block, drafts):
            continue
        if block.kind == "paragraph" and index not in consumed:
            case = _case_lead(block, blocks[index + 1] if index + 1 < len(blocks) else None)
            found = [] if case else _prose_steps(block, document.lines, is_procedural(block, False))
            if found and found[0].branch_size and _CASE_LABEL.match(block.text):
                labelled.append((len(drafts), block.list_id))
            if case is not None:
                open_cases.append((len(drafts), block.list_depth))
                found = [case]
            drafts += found
        elif block.kind == "code":
            commands = commands_of[index]
            if index in lead_ins and commands:
                adjacent = lead_ins[index] == index - 1
                lead_in = blocks[lead_ins[index]]
                unshown = _unshown_changes(lead_in, document.lines, commands)
                found = unshown + _introduced(lead_in, commands, adjacent, document.lines)
            else:
                found = [_command_step(block, lines, text) for lines, text in commands]
                before = blocks[index - 1] if index else None
                guard = _condition_over(before, document.lines) if found and before else None
                if guard is not None:
                    found = [replace(guard, branch_size=len(found)), *found]
            if commands and _query_block(block):
                # Run in a metrics console, not a shell: a check with no command to bind.
                found = [replace(d, kind="check", command=None) if d.command else d for d in found]
            drafts += found
    _close_cases(drafts, open_cases, -1)
    headings.close(0)
    _exclusive_cases(drafts, labelled)
    return _numbered_from_first(drafts)


def _edge_of_last(block: Block, drafts: list[DraftStep]) -> bool:
    """A paragraph that only jumps ("Go to step 8.", "Restoring it is the owner's job: go to
    step 8.") is an edge of the step before it, not a step (a numbered item stays a step:
    jumps name it by its number)."""
    if not drafts or (block.ordered and block.first_in_item) or not _JUMP_WORDS.search(block.text):
        return False
    parts = sentences(block.text)
    if not parts or not all(
        _jump_only(part.text) and not _leading(part.text) and not _OTHERWISE_LEAD.match(part.text)
        for part in parts
    ):
        return False  # "If X, go to step 5." is a decision
    jumps = _jumps(block, block.text, block.span)
    if not jumps:
        return False
    drafts[-1] = replace(drafts[-1], jumps=(*drafts[-1].jumps, *jumps))
    return True


def _numbered_from_first(drafts: list[DraftStep]) -> list[DraftStep]:
    """A numbered item whose lead-in became its command's note starts at its first step:
    "7. Shrink the journal. Get approval first. ```journalctl ...```" -> "go to step 7"
    lands on "Get approval first", not on the command after it."""
    for index, draft in enumerate(drafts):
        lead = draft.note_span
        if draft.list_number is None or lead is None or index == 0:
            continue
        first = index
        while first > 0 and lead.line < drafts[first - 1].span.line < draft.span.line:
            first -= 1
        if first < index and drafts[first].list_number is None:
            drafts[first] = replace(
                drafts[first], list_number=draft.list_number, list_key=draft.list_key
            )
            drafts[index] = replace(draft, list_number=None)
    return drafts


_CASE_HEADING = re.compile(
    r"^(?:\*\*)?(?:if|when|in\s+case|unless|option\s+\w+|case\s+\w+|scenario\s+\w+)\b",
    re.IGNORECASE,
)
"""A heading that names one of several cases: "If the primary is down", "Option 2: ..."."""


class _CaseHeadings:
    """Sibling headings that each name a case become decisions, one per heading, whose
    branch is the section's steps; each branch skips the later cases (mutually exclusive)."""

    def __init__(self, drafts: list[DraftStep]) -> None:
        self.drafts = drafts
        self.level = 0
        self.group: list[int] = []

    def visit(self, heading: Block) -> None:
        """Close the cases a heading ends; open one if the heading names a case."""
        if self.group and heading.level <= self.level:
            self._end_branch()
            if heading.level < self.level or not _CASE_HEADING.match(heading.text):
                self.close(heading.level)
        if _CASE_HEADING.match(heading.text) and (not self.group or heading.level == self.level):
            self.level = heading.level
            condition = heading.text.strip("*: ")
            self.group.append(len(self.drafts))
            decision = _draft(heading, "decision", heading.text, heading.span, condition=condition)
            self.drafts.append(decision)

    def _end_branch(self) -> None:
        at = self.group[-1]
        if not self.drafts[at].branch_size:
            self.drafts[at] = replace(self.drafts[at], branch_size=len(self.drafts) - at - 1)

    def close(self, level: int) -> None:
        """End the group of cases: each branch skips the cases after it."""
        if not self.group or level > self.level:
            return
        self._end_branch()
        end = len(self.drafts)
        for at in self.group:
            draft = self.drafts[at]
            after = at + 1 + draft.branch_size
            if draft.branch_size and at != self.group[-1]:
                self.drafts[at] = replace(draft, else_size=end - after)
        self.group = []


def _case_lead(block: Block, following: Block | None) -> DraftStep | None:
    """ "If you are logged in to the box, try:" over a nested list: a decision whose branch
    is the nested items (`_close_cases` counts them)."""
    leading = _leading(block.text)
    if leading is None or following is None or following.list_depth <= block.list_depth:
        return None
    rest = leading.group("rest").strip()
    if rest and not (rest[-1] in ":," and len(rest.split()) <= 5):
        return None  # "If X, restart Y:" is a step of its own, not only a case
    if following.kind not in ("paragraph", "code"):
        return None
    condition = _condition_of(block.text)
    return _draft(block, "decision", block.text, block.span, condition=condition)


def _close_cases(drafts: list[DraftStep], open_cases: list[tuple[int, int]], depth: int) -> None:
    """Give each open case decision whose nested list ended its branch size."""
    while open_cases and depth <= open_cases[-1][1]:
        at, _ = open_cases.pop()
        drafts[at] = replace(drafts[at], branch_size=len(drafts) - at - 1)


_OUTPUT_LEAD_IN = re.compile(
    r"\b(?:output|you\s+(?:should|will)\s+see|it\s+returns|looks?\s+like|similar\s+to)\b"
    r"[^.:]*:?\s*$",
    re.IGNORECASE,
)


def _shows_output(blocks: list[Block], index: int) -> bool:
    """A code block introduced as output ("Example output:") holds no commands, unless it
    marks commands with `$ ` prompts."""
    block, before = blocks[index], blocks[index - 1] if index else None
    if before is None or before.kind != "paragraph" or not _OUTPUT_LEAD_IN.search(before.text):
        return False
    return not any(_STRONG_PROMPT.match(line.text.lstrip()) for line in block.lines)


def _lead_ins(
    blocks: list[Block], commands_of: dict[int, list[tuple[list[CodeLine], str]]]
) -> dict[int, int]:
    """Code block index -> index of the paragraph that introduces its commands: the
    paragraph right before it, or the first paragraph of the numbered item it sits in."""
    found: dict[int, int] = {}
    for index, commands in sorted(commands_of.items()):
        if not commands:
            continue
        item = _item_paragraph(blocks, index)
        if item is not None and item not in found.values():
            found[index] = item
        elif index > 0 and blocks[index - 1].kind == "paragraph" and _introduces(blocks[index - 1]):
            found[index] = index - 1
    return found


_CHANGE = re.compile(
    r"^(?:(?:try|please|then|first|now)\s+)?(?P<stem>delet|restart|remov|kill|reboot|drain|cordon"
    r"|evict|terminat|recreat|redeploy|reinstall|rollback|roll\s+back|scale\s+down)(?:e|es|ing)?"
    # its object right after it ("restart count" is a noun)
    r"\s+(?:the|a|an|it|them|this|that|these|those|its|their|your|all|any|every|each)\b",
    re.IGNORECASE,
)
_DOING = {
    "delet": ("delet", "rm", "remov", "del", "destroy", "drop"),
    "remov": ("delet", "rm", "remov", "del", "destroy", "drop", "uninstall"),
    "kill": ("kill", "delet", "stop", "rm"),
    "rollback": ("rollback", "undo", "roll"),
    "roll back": ("rollback", "undo", "roll"),
    "scale down": ("scale",),
}
"""Words of a command that do what a change verb says (else the verb's stem itself)."""


def _unshown_changes(
    lead_in: Block, lines: tuple[str, ...], commands: list[tuple[list[CodeLine], str]]
) -> list[DraftStep]:
    """The changes a lead-in asks for that its commands do not make: in "Try deleting the pod
    and watch for a successful restart:" over `oc get pods`, deleting is a step of its own
    (the commands only watch)."""
    if not any(m in lead_in.text.lower() for m in _CHANGE_HINTS) or _leading(lead_in.text):
        return []
    command_words = [set(re.findall(r"[a-z]+", text.lower())) for _, text in commands]
    if not all(words & _READS and not words & _CHANGES for words in command_words):
        return []  # a command may make the change another way ("restart" by `oc delete pod`)
    words = set().union(*command_words)
    found = []
    for draft in _prose_steps(lead_in, lines):
        change = _CHANGE.match(draft.text)
        if draft.kind == "decision" or draft.branch_size or change is None:
            continue
        stem = " ".join(change.group("stem").lower().split())
        doing = _DOING.get(stem, (stem,))
        if not any(w.startswith(d) for w in words for d in doing):
            found.append(draft)
    return found


_READS = frozenset(
    {"get", "describe", "logs", "log", "list", "ls", "show", "status", "top", "watch", "cat",
     "tail", "head", "grep", "ps", "journalctl", "explain", "inspect", "info", "history", "df",
     "du", "free", "events"}
)  # fmt: skip
"""Words of a command that only reads."""
_CHANGES = frozenset(
    {"delete", "del", "rm", "kill", "restart", "undo", "apply", "create", "replace", "patch",
     "scale", "drain", "cordon", "uncordon", "evict", "reboot", "stop", "start", "edit", "set",
     "annotate", "label", "exec", "debug", "rsh", "ssh", "remove", "destroy", "drop", "systemctl",
     "service", "terminate", "reload", "rollback", "upgrade", "install", "uninstall", "mv", "cp"}
)  # fmt: skip
"""Words of a command that may change something (the lead-in's change may be made by it)."""
_CHANGE_HINTS = ("delet", "restart", "remov", "kill", "reboot", "drain", "cordon", "evict",
                 "terminat", "recreat", "redeploy", "reinstall", "roll", "scale")  # fmt: skip


def _condition_over(before: Block, lines: tuple[str, ...]) -> DraftStep | None:
    """The decision over commands that the paragraph right before them ends in, when that
    paragraph is not their lead-in: "... Is this organic growth? If monitoring is enabled,
    the following metric can be watched." over a query (a sentence with an instruction in it
    is a step of the paragraph's already)."""
    if before.kind != "paragraph" or before.text.rstrip().endswith("?"):
        return None
    parts = sentences(before.text)
    if len(parts) < 2:
        return None
    last = parts[-1]
    text = last.text.strip()
    if not _leading(text) or _instructional(text) or is_pointer(text):
        return None
    if _OUTPUT_LEAD_IN.search(text.rstrip(".")) or _SHOWS.search(text):
        return None  # "If it was imported, you will see output like this.": what it shows
    start = last.start + len(last.text) - len(last.text.lstrip())
    span = _sub_span(before, lines, start, start + len(text))
    if span is None:
        return None
    return _draft(before, "decision", text, span, condition=_condition_of(text))


def _item_paragraph(blocks: list[Block], index: int) -> int | None:
    """The first paragraph of the numbered list item that holds block `index`, if any."""
    code = blocks[index]
    if code.list_id is None or not code.ordered:
        return None
    for back in range(index - 1, -1, -1):
        block = blocks[back]
        if block.list_id != code.list_id or block.list_depth != code.list_depth:
            if block.list_depth <= code.list_depth:
                return None
            continue
        if block.first_in_item:
            return back if block.kind == "paragraph" else None
    return None


def is_procedural(block: Block, procedural_doc: bool) -> bool:
    """Whether a block belongs to a section that reads as procedure (Diagnosis, Steps...).

    A prior only: no section is dropped by its heading, nor any instruction in it. Under a
    descriptive heading (Meaning, Impact) an obligation put on a third party ("Affected hosts
    should be isolated") is not read as a step."""
    titles = (*block.sections, block.text) if block.kind == "heading" else block.sections
    for title in reversed(titles):
        kind = _title_kind(title)
        if kind is not None:
            return kind
    return not procedural_doc


@cache
def _title_kind(title: str) -> bool | None:
    """True for a procedural heading, False for a descriptive one, None for neither."""
    if PROCEDURAL.search(title):
        return True
    return False if DESCRIPTIVE.search(title) else None


_SHOWS = re.compile(
    r"(?:here(?:'s|\s+is|\s+are)?|for\s+(?:example|instance)|example|e\.g\.|below\s+is"
    r"|the\s+output|this\s+(?:shows|will\s+show|gives|returns|prints|lists)|note(?:\s+that)?,?)\b",
    re.IGNORECASE,
)
"""A sentence presenting the block that follows ("Here an example with network issues."), or
an aside ("Note that ...")."""


_NAMES_THE_BLOCK = re.compile(
    r"\b(?:the\s+following|(?:this|these|the)\s+commands?\s+below|(?:command|query)\s+below)\b",
    re.IGNORECASE,
)


def _introduces(block: Block) -> bool:
    """A paragraph right before commands that reads as their lead-in."""
    text = block.text
    if text.endswith(":"):
        return True
    if len(text) > 400:
        return False
    other = _ELSE_CLAUSE.search(text)
    if (
        other
        and _IMPERATIVE.match(text[other.end() :])
        and not _instructional(text[: other.start()])
    ):
        # "The status should be `True`, if not, check its message": what the block before
        # showed, and what to do when it is wrong; not the next commands' lead-in.
        return False
    parts = [p for p in sentences(text) if not _SHOWS.match(p.text)]
    if len(parts) > 1 and not _instructional(parts[-1].text):
        # "... In that case, delete the import secret. That makes the hub resend the CA." ends in
        # description: its instructions are steps of their own, not the commands' lead-in.
        return _NAMES_THE_BLOCK.search(text) is not None
    return True


def _section_of(block: Block) -> tuple[str | None, str | None]:
    if not block.sections:
        return None, None
    return " > ".join(block.sections), anchor(block.sections[-1])


def _heading_condition(block: Block) -> str | None:
    """Steps under a heading such as "If all pods are running" hold only under that condition."""
    if block.sections and _CONDITIONAL_HEADING.match(block.sections[-1]):
        return block.sections[-1]
    return None


def _draft(block: Block, kind: DraftKind, text: str, span: Span, **extra: object) -> DraftStep:
    section, anchor = _section_of(block)
    jumps = _jumps(block, text, span)
    extra["condition"] = extra.get("condition") or _heading_condition(block)
    return DraftStep(
        kind=kind,
        text=text,
        span=span,
        section=section,
        anchor=anchor,
        jumps=jumps,
        inline_code=tuple(c for c in block.inline_code if _inside(c.line, c.column, span)),
        list_number=block.number,
        list_key=block.list_id if block.ordered else None,
        **extra,  # type: ignore[arg-type]
    )


def _inside(line: int, column: int, span: Span) -> bool:
    after_start = (line, column) >= (span.line, span.column)
    return after_start and (line, column) <= (span.end_line, span.end_column)


def _jumps(block: Block, text: str, span: Span) -> tuple[Jump, ...]:
    """Step references, each under the condition of its own sentence: "If X, go to step 9.
    Otherwise go to step 10." gives a jump when X and one otherwise."""
    lowered = text.lower()
    if not block.links and not any(word in lowered for word in _JUMP_HINTS):
        return ()
    found = []
    for sentence in (part.text for part in sentences(text)):
        reference = _STEP_REFERENCE.search(sentence)
        if reference:
            target = reference.group("n") or reference.group("r")
            found.append(Jump(target, "step-number", span, _jump_condition(sentence)))
        elif _STOP.search(sentence):
            found.append(Jump("end", "end", span, _jump_condition(sentence)))
    if found or not _JUMP_WORDS.search(text):
        return tuple(found)
    anchors = [href[1:] for href in block.links if href.startswith("#") and len(href) > 1]
    return (Jump(anchors[0], "anchor", span),) if anchors else ()


def _jump_condition(sentence: str) -> str | None:
    if _OTHERWISE.match(sentence):
        return "otherwise"
    return _condition_of(sentence)


def _prose_steps(block: Block, lines: tuple[str, ...], procedural: bool = True) -> list[DraftStep]:
    """One step (or decision and branch) per instruction sentence of a paragraph; "Otherwise
    ..." after a decision is that decision's other branch."""
    text = block.text
    if not text or is_pointer(text) or is_aside(block, lines):
        return []
    case = _case_label(block, lines, procedural)
    if case:
        return case
    parts = _grouped(sentences(text))
    if len(parts) <= 1:
        found = _sentence_steps(block, lines, 0, len(text), procedural)
        return found or _resolves_itself(block, lines, 0, len(text))
    drafts = _sentences_steps(block, lines, parts, procedural)
    if not drafts and block.ordered and block.first_in_item:
        if _STATEMENT.match(text) or _TITLE.match(text):
            return []
        # A numbered item is a step even when none of its sentences reads as an instruction.
        kind = _prose_kind(text)
        return [_draft(block, kind, text, block.span, condition=_condition_of(text))]
    return drafts


_CASE_LABEL = re.compile(
    r"^(?P<label>(?:\*\*|__)(?P<case>[^*_:\n]{2,80}?)(?::(?:\*\*|__)|(?:\*\*|__):))\s+(?=\S)"
)
"""A bold label naming a case before its fix: "**Bad deploy:** Roll it back."."""


def _case_label(block: Block, lines: tuple[str, ...], procedural: bool) -> list[DraftStep]:
    """A list item "**Symptom:** fix" -> a decision for the symptom whose branch is the fix
    (sibling items of this shape are mutually exclusive cases: see `_exclusive_cases`)."""
    if block.list_depth == 0 or not block.first_in_item:
        return []
    label = _CASE_LABEL.match(block.text)
    if label is None:
        return []
    rest = block.text[label.end() :]
    parts = [(label.end() + a, label.end() + b) for a, b in _grouped(sentences(rest))]
    branch = _sentences_steps(block, lines, parts, procedural)
    span = _sub_span(block, lines, 0, label.end("label"))
    if not branch or span is None:
        return []
    condition = label.group("case").strip()
    decision = _draft(
        block, "decision", label.group("label"), span, condition=condition, branch_size=len(branch)
    )
    return [decision, *branch]


def _exclusive_cases(drafts: list[DraftStep], cases: list[tuple[int, int | None]]) -> None:
    """Consecutive label decisions of one list are exclusive: each branch skips the rest."""
    groups: list[list[int]] = []
    for number, (at, list_id) in enumerate(cases):
        before, before_list = cases[number - 1] if number else (-1, None)
        if number and before_list == list_id and at == before + 1 + drafts[before].branch_size:
            groups[-1].append(at)
        else:
            groups.append([at])
    for group in groups:
        last = group[-1]
        end = last + 1 + drafts[last].branch_size
        for at in group[:-1]:
            after = at + 1 + drafts[at].branch_size
            drafts[at] = replace(drafts[at], else_size=end - after)


def _sentences_steps(
    block: Block, lines: tuple[str, ...], parts: list[tuple[int, int]], procedural: bool
) -> list[DraftStep]:
    text = block.text
    drafts: list[DraftStep] = []
    decision: int | None = None
    fragment: DraftStep | None = None  # "If the node fails to boot." before its instruction
    asked: int | None = None  # a question just before: "Is it down?"
    for part_start, part_end in parts:
        if drafts and is_procedure_pointer(text[part_start:part_end]):
            continue  # "Restarting the pod may help. See [Restarting the pod](...)": its how-to
        otherwise = _OTHERWISE_LEAD.match(text, part_start)
        start = otherwise.end() if otherwise else part_start
        anaphor = None if otherwise else _ANAPHOR.match(text, start)
        found = _sentence_steps(
            block, lines, anaphor.end() if anaphor else start, part_end, procedural, False
        )
        if anaphor and found and found[0].kind != "decision":
            if asked is not None and asked == len(drafts) - 1:
                # "Were keys kept on the host? If so, rotate them.": the question's branch
                drafts[asked] = replace(drafts[asked], branch_size=len(found))
                drafts += found
                decision = asked = None
                continue
            found = _anaphor_decision(block, lines, anaphor, found)
        asked = len(drafts) if len(found) == 1 and _asks(found[0]) else None
        if fragment is not None and found and found[0].kind != "decision":
            found = [replace(fragment, branch_size=len(found)), *found]
        if not found and fragment is None:
            found = _resolves_itself(block, lines, start, part_end)
        fragment = None if found else _condition_fragment(block, lines, start, part_end)
        if fragment is None and not found and not otherwise and not anaphor:
            fragment = _question_fragment(block, lines, start, part_end)
        if otherwise and decision is not None and found and drafts[decision].else_size == 0:
            drafts[decision] = replace(drafts[decision], else_size=len(found))
            drafts += found
            decision = None
            continue
        if found and found[0].kind == "decision" and found[0].branch_size:
            decision = len(drafts)
        elif found:
            decision = None
        drafts += found
    return drafts


_ANAPHOR = re.compile(
    r"(?:if\s+(?:so|yes|that\s+is\s+the\s+case|this\s+is\s+the\s+case)"
    r"|in\s+(?:that|this|such\s+an?|such)\s+(?:case|event|situation))\b,?\s+(?=[a-z])",
    re.IGNORECASE,
)
"""A condition that refers back to the sentence before: "If so, ...", "In that case, ..."."""


def _asks(draft: DraftStep) -> bool:
    """A yes/no question left to the reader ("Were keys kept on the host?"), no branch yet."""
    return draft.kind == "decision" and not draft.branch_size and draft.text.endswith("?")


def _anaphor_decision(
    block: Block, lines: tuple[str, ...], anaphor: re.Match[str], found: list[DraftStep]
) -> list[DraftStep]:
    """ "In that case, restart it": a decision on what the sentence before said, whose branch
    is the instruction (one step as it was when the words cannot be placed)."""
    said = anaphor.group(0).rstrip().rstrip(",")
    span = _sub_span(block, lines, anaphor.start(), anaphor.start() + len(said))
    if span is None:
        return found
    condition = " ".join(said.split())
    decision = _draft(block, "decision", said, span, condition=condition, branch_size=len(found))
    return [decision, *found]


_CONDITION_FRAGMENT = re.compile(
    r"^(?P<cond>(?:if|in\s+case|unless)\s+[^,;:.!?]+)"
    r"(?:,\s+(?:that|it|this)(?:['\u2019]s|\s+is)\s+(?:totally\s+|perfectly\s+)?(?:fine|ok|okay"
    r"|alright|all\s+right|normal|expected))?\.$",
    re.IGNORECASE,
)
"""A condition written as a sentence of its own, its instruction in the next one: "If the
replica is lagging. It's best to ...", "If you don't know the owner, that's fine. Ask ..."."""


_DIAGNOSIS = re.compile(
    r"(?:^|,\s+)there\s+(?:is|are|may\s+be|might\s+be|could\s+be|seems\s+to\s+be|is\s+likely)\s+"
    r"(?:an?\s+|some\s+)?(?:\w+\s+)?(?:problem|issue|fault|error|failure)s?\b",
    re.IGNORECASE,
)
"""A consequence that names a fault, not what to do about it: the next sentence says that."""


_RESOLVES = re.compile(
    r"^(?P<cond>(?:if|when|once)\s+[^,;:.!?]+),\s+(?:then\s+)?"
    r"(?P<wait>(?:it|this|that|the\s+(?:\w+\s+)?(?:alert|issue|problem|error|incident|condition"
    r"|warning|failure|situation)s?)\s+(?:may|might|will|should|could|is\s+likely\s+to)\s+"
    r"(?P<past>have\s+)?(?:\w+ly\s+)?(?:resolved?|clear(?:ed)?|recover(?:ed)?|go(?:ne)?\s+away"
    r"|fix(?:ed)?|self-heal(?:ed)?)\b[^.;:!?]*)\.$",
    re.IGNORECASE,
)
"""A condition under which the trouble clears by itself: "If a rollout is running, the alert
will clear within minutes" (a decision, its branch the wait), "If traffic is back to normal,
the problem may have gone away" (only the decision: nothing is left to wait for)."""


def _resolves_itself(block: Block, lines: tuple[str, ...], start: int, end: int) -> list[DraftStep]:
    """The decision (and the wait) of a sentence saying the trouble may resolve by itself."""
    text = block.text[start:end].strip()
    resolves = _RESOLVES.match(text)
    if resolves is None or _instructional(text):
        return []
    start += len(block.text[start:end]) - len(block.text[start:end].lstrip())
    span = _sub_span(block, lines, start, start + len(text))
    condition = " ".join(resolves.group("cond").split())
    if span is None:
        return []
    if resolves.group("past"):
        return [_draft(block, "decision", text, span, condition=condition)]
    wait = resolves.group("wait")
    wait_start, wait_end = (start + at for at in resolves.span("wait"))
    wait_span = _sub_span(block, lines, wait_start, wait_end)
    if wait_span is None:
        return [_draft(block, "decision", text, span, condition=condition)]
    decision = _draft(block, "decision", text, span, condition=condition, branch_size=1)
    return [decision, _draft(block, "manual", " ".join(wait.split()), wait_span)]


def _condition_fragment(
    block: Block, lines: tuple[str, ...], start: int, end: int
) -> DraftStep | None:
    """The decision of a condition written as a sentence of its own, or None."""
    text = block.text[start:end].strip()
    fragment = _CONDITION_FRAGMENT.match(text)
    leading = _leading(text) if fragment is None else None
    if leading and _DIAGNOSIS.search(leading.group("rest")):
        fragment = leading  # "If X, there may be a problem with Y. Look at ..."
    if fragment is None or _instructional(text):
        return None
    start += len(block.text[start:end]) - len(block.text[start:end].lstrip())
    span = _sub_span(block, lines, start, start + len(text))
    if span is None:
        return None
    condition = _condition_of(text) if "kw" in fragment.groupdict() else fragment.group("cond")
    return _draft(block, "decision", text, span, condition=" ".join((condition or "").split()))


_YES_NO = re.compile(
    r"^(?:(?:is|are|does|do|did|has|have|was|were|can|could|will)\s+\w[^?]*"
    r"|(?:need|want|not\s+sure|unsure)\b[^?]{0,60}"
    r"|\w+(?:\s+\w+)?\s+(?:down|full|stuck|failing|slow|broken|missing|gone|late|high|low))\?$",
    re.IGNORECASE,
)
"""A yes/no question to the reader in prose, its answer the next sentence's condition: "Is the
disk full? Clean /tmp.", "Need a reviewer? Ask in the channel.", "Queue stuck? Drain it."."""


def _question_fragment(
    block: Block, lines: tuple[str, ...], start: int, end: int
) -> DraftStep | None:
    """The decision of a yes/no question whose branch is the next sentence, or None."""
    text = block.text[start:end].strip()
    if not _YES_NO.match(text) or _WH_QUESTION.match(text):
        return None
    start += len(block.text[start:end]) - len(block.text[start:end].lstrip())
    span = _sub_span(block, lines, start, start + len(text))
    if span is None:
        return None
    return _draft(block, "decision", text, span, condition=" ".join(text.split()))


@lru_cache(maxsize=2048)
def sentences(text: str) -> tuple[Sentence, ...]:
    """The sentences of a text (`compiler.text.sentences`), remembered: the extractor and
    the coverage pass read the same paragraphs."""
    if not _MAY_END.search(text):
        stripped = text.strip()
        start = text.find(stripped[:1]) if stripped else 0
        return (Sentence(start, start + len(stripped), stripped),) if stripped else ()
    return tuple(_split_sentences(text))


_MAY_END = re.compile("[.!?][\"'\u201d\u2019)\\]*_]*\\s|\n[ \t>]*\n")
"""Where a sentence may end (`compiler.text.sentences` decides): text without one of these is
one sentence, and the splitter need not run."""


def _grouped(parts: tuple[Sentence, ...]) -> list[tuple[int, int]]:
    """Sentences as (start, end) ranges, a sentence that only jumps ("If it fails, go to step
    7.", "Otherwise stop here.") joined to the one before: a jump is an edge of its step."""
    groups: list[tuple[int, int]] = []
    for part in parts:
        if groups and _jump_only(part.text):
            groups[-1] = (groups[-1][0], part.end)
        else:
            groups.append((part.start, part.end))
    return groups


def _jump_only(sentence: str) -> bool:
    lowered = sentence.lower()
    if "](#" not in sentence and not any(word in lowered for word in _JUMP_HINTS):
        return False
    otherwise = _OTHERWISE_LEAD.match(sentence)
    rest = sentence[otherwise.end() :] if otherwise else sentence
    leading = _leading(rest)
    return _only_jumps(leading.group("rest") if leading else rest)


_FOLLOWING = re.compile(
    r"\b(?:do|follow|perform|use|run|take|complete|try)\s+(?:the\s+following|these(?:\s+\w+)?"
    r"\s+(?:steps|actions|things|commands)|the\s+(?:steps|actions|commands)\s+below)\s*[,:]?\s*$",
    re.IGNORECASE,
)
"""An instruction that only leads in to the items after it: "you should follow these three
steps,"."""
_REASSURANCE = re.compile(
    r"^(?:please\s+)?(?:(?:don't|do\s+not|never)\s+(?:worry|be\s+afraid"
    r"|feel\s+(?:bad|ashamed|guilty|like|that))"
    r"|(?:[^.]{0,80},\s+)?you\s+(?:should|can|may)\s+(?:always\s+)?feel\s+free)\b",
    re.IGNORECASE,
)
"""Reassurance or permission, not an instruction: "Don't worry if you don't meet them all",
"There is no formal training, you should feel free to contact Support"."""
_STATEMENT = re.compile(
    r"^(?:there(?:'s|\u2019s|\s+(?:is|are|was|were|should|will|would|may|might|can|must)\b))",
    re.IGNORECASE,
)
"""A numbered item that is not a step though numbered: a statement of what there is ("There is
no need to ...")."""
_TITLE = re.compile(r"^(?:\*\*|__)\s*\w+(?:\s*[/&]\s*\w+)?\s*(?:\*\*|__):?$")
"""A list item that is only a one-word bold title over the items under it: "1. **Prepare**"
("1. **Confirm queue length**" names its object: an instruction)."""
_QUESTION = re.compile(
    r"^(?:is|are|does|do|did|has|have|can|could|was|were|will|should"
    r"|what|which|who|when|where|how|why)\s+[^?]*\?$",
    re.IGNORECASE,
)
"""A question in a list item: a yes/no question is a decision for the reader, another one
("Which keys were on the host?") a check."""
_WH_QUESTION = re.compile(r"^(?:what|which|who|when|where|how|why)\b", re.IGNORECASE)
_EMPHASIS_AROUND = re.compile(r"^(?:\*\*|__|\*|_)(?P<inner>.+?)(?:\*\*|__|\*|_)$", re.DOTALL)


def _unemphasised(text: str) -> str:
    """Text without the emphasis wrapped around all of it: "**Is the IC there?**"."""
    around = _EMPHASIS_AROUND.match(text)
    return around.group("inner") if around else text


_CODE_FIRST = re.compile(r"^`(?:sudo\s+)?[a-z][\w.+-]*(?:\s+[^`]*)?`(?:\s|$|[.;:])")
"""A list item that starts with a command in inline code: "`kill -9` any session"."""
_OTHERWISE_LEAD = re.compile(
    r"(?:(?:otherwise|else|if\s+not)\b\s*,?"
    r"|if\s+(?:it|this|that)\s+(?:does\s+not|doesn't|is\s+not|isn't)(?:\s+\w+)?\s*,)\s*",
    re.IGNORECASE,
)
"""An else branch's lead: "Otherwise, restart it." -> "restart it", "If it does not help,
page the lead" (not "If it does not look like ..., escalate": a condition of its own)."""


def _sentence_steps(
    block: Block,
    lines: tuple[str, ...],
    start: int,
    end: int,
    procedural: bool = True,
    first: bool = True,
) -> list[DraftStep]:
    """The steps of `block.text[start:end]`: nothing, one step, or a decision and its branch."""
    text = block.text[start:end].strip()
    start += len(block.text[start:end]) - len(block.text[start:end].lstrip())
    if not text or is_pointer(text) or (first and _TITLE.match(text)):
        return []
    if _FOLLOWING.search(text) and not _leading(text):
        return []  # "you should do the following,": the items after it are the steps
    if _REASSURANCE.match(text):
        return []
    numbered = block.ordered and block.first_in_item and first and not _STATEMENT.match(text)
    command_item = block.list_depth > 0 and first and _CODE_FIRST.match(text) is not None
    question = block.list_depth > 0 and _QUESTION.match(_unemphasised(text)) is not None
    otherwise = _else_split(block, lines, text, start, procedural) if "," in text else None
    if otherwise is not None:
        return otherwise
    to_check = _TO_CHECK.match(text) is not None
    if not (numbered or command_item or question or to_check) and not _instructional(
        text, procedural
    ):
        return []
    whole = start == 0 and end >= len(block.text)
    span = block.span if whole else _sub_span(block, lines, start, start + len(text))
    if span is None:
        return []
    if to_check:
        return [_draft(block, "check", text, span)]  # "Other things to check:" over a list
    if question and _WH_QUESTION.match(_unemphasised(text)):
        # "Which keys were on the host?": the reader finds out.
        return [_draft(block, "check", text, span)]
    if question:
        # "Is it something that should be worked on now?": the reader decides.
        condition = _unemphasised(text).rstrip("?").strip()
        return [_draft(block, "decision", text, span, condition=condition)]
    leading = _leading(text)
    if leading and len(sentences(text)) > 1:
        # "If X, go to step 4. Otherwise go to step 6.": one decision, its jumps the edges.
        return [_draft(block, "decision", text, span, condition=_condition_of(text))]
    if leading and is_pointer(leading.group("rest")):
        return []  # "If you want to learn more, take a look at [the guide](...)."
    if leading and leading.group("rest").strip():
        return _split_condition(block, leading, lines, text, start, span)
    introduced = introduced_condition(text) if not leading else None
    if introduced and introduced[1].group("rest").strip() and len(sentences(text)) == 1:
        # "In a spot pool, if the node is gone, recreate it": the phrase is part of the case.
        shift, inner = introduced
        if not is_pointer(inner.group("rest")) and _instructional(inner.group("rest")):
            return _split_condition(block, inner, lines, text, start, span, shift)
    if leading:
        return [_draft(block, "decision", text, span, condition=_condition_of(text))]
    return _instructions(block, lines, text, start, span)


_ELSE_CLAUSE = re.compile(r",\s+(?P<key>if\s+not|otherwise|else)\b,?\s+", re.IGNORECASE)


_TO_CHECK = re.compile(
    r"^(?:other|more|some|additional|further|common)?\s*(?:things|items|places|areas|causes"
    r"|suspects)\s+to\s+(?:check|verify|inspect|investigate|look\s+(?:at|for|into))\s*:$",
    re.IGNORECASE,
)
"""A verbless lead-in to what the reader checks: "Other things to check:", "Places to look at:"."""


def _else_split(
    block: Block, lines: tuple[str, ...], text: str, start: int, procedural: bool
) -> list[DraftStep] | None:
    """A check, then what to do if it fails: "Verify that the host is healthy, if not switch to
    it and read the logs", "The status should be `True`, if not, check its message" -> the check
    (when it is an instruction), then a decision whose branch is the fix."""
    found = _ELSE_CLAUSE.search(text)
    if found is None or _leading(text) or len(sentences(text)) > 1:
        return None
    rest = text[found.end() :]
    if not _IMPERATIVE.match(rest):
        return None
    head = text[: found.start()]
    key_at, rest_at = start + found.start("key"), start + found.end()
    head_span = _sub_span(block, lines, start, start + len(head))
    key_span = _sub_span(block, lines, key_at, key_at + len(found.group("key")))
    rest_span = _sub_span(block, lines, rest_at, rest_at + len(rest))
    if head_span is None or key_span is None or rest_span is None:
        return None
    checked = []
    if _instructional(head, procedural):
        checked = _instructions(block, lines, head, start, head_span)
    branch = _instructions(block, lines, rest, rest_at, rest_span)
    condition = f"{found.group('key')}: {' '.join(head.split())}"
    key = found.group("key")
    decision = _draft(
        block, "decision", key, key_span, condition=condition, branch_size=len(branch)
    )
    return [*checked, decision, *branch]


def _instructions(
    block: Block, lines: tuple[str, ...], text: str, start: int, span: Span, **extra: object
) -> list[DraftStep]:
    """One step per instruction of a clause: "Identify X and keep Y" is two steps ("Try to
    identify X and resolve it" is one attempt)."""
    found = [] if _ATTEMPT.match(text) else list(_COORDINATED.finditer(text))
    bare: list[re.Match[str]] = []
    guard = protected(text) if found else []
    found = [
        m
        for m in found
        if not any(a <= m.start() < b for a, b in guard)
        # "..., and you will take point": only after an instruction of its own
        and ("you " not in m.group(0) or _instructional(text[: m.start()]))
    ]
    if found and _SHARED_OBJECT.match(text[: found[0].start()]):
        found = found[1:]  # "Turn off and power down the host": one object, one step
    last = next((m for m in reversed(found) if text[m.start()] == ","), None)
    if last is not None:  # a series "A, B, and C": the commas before its last "and" split too
        serial = [
            m
            for m in _SERIAL.finditer(text, 0, last.start())
            if not any(a <= m.start() < b for a, b in guard)
        ]
        if serial and _instructional(text[: min(m.start() for m in serial)]):
            found = sorted([*found, *serial], key=lambda m: m.start())
    elif not found:
        found = bare = _bare_series(text)
    if ": " in text:  # "Involve the team as needed: Do not hesitate to escalate ..."
        guard = guard or protected(text)
        found += [
            m
            for m in _COLON_SPLIT.finditer(text)
            if not any(a <= m.start() < b for a, b in guard)
            and _IMPERATIVE.match(text)
            and _instructional(text[m.end() :])
            and not _leading(text[m.end() :])
        ]
        found.sort(key=lambda m: m.start())
    cuts = [0] + [m.end() for m in found]
    ends = [m.start() for m in found] + [len(text)]
    spans = [_sub_span(block, lines, start + a, start + b) for a, b in zip(cuts, ends, strict=True)]
    jump = any(_only_jumps(text[a:b]) for a, b in zip(cuts, ends, strict=True))
    if jump or any(part is None for part in spans):
        kind = _prose_kind(text)
        return [_draft(block, kind, text, span, condition=_condition_of(text), **extra)]
    if len(cuts) == 1:
        return _guarded(block, lines, text, start, span, **extra)
    drafts = []
    for (a, b), part_span in zip(zip(cuts, ends, strict=True), spans, strict=True):
        assert part_span is not None
        piece = text[a:b]
        drafts += _guarded(block, lines, piece, start + a, part_span, **extra)
    ruled = drafts[-2] if bare and len(drafts) > 2 else None
    if ruled is not None and ruled.kind == "decision" and ruled.branch_size == 1:
        # "Drain it, isolate it, switch it off if you must": the condition governs the series
        return [replace(ruled, branch_size=len(drafts) - 1), *drafts[:-2], drafts[-1]]
    return drafts


_COMMA = re.compile(r",\s+")
_NOT_A_CLAUSE = re.compile(
    r"(?:the|a|an|any|all|some|each|every|its|their|your|our|this|that|these|those|and|or|"
    r"then|but|which|who|where|when|if|as|so|e\.g|i\.e|etc|for|with|from|to|in|on|at|by)\b",
    re.IGNORECASE,
)


def _bare_series(text: str) -> list[re.Match[str]]:
    """The commas of a series of three or more instructions with no "and": "Drain the node,
    cordon it, page the owner" (each part an instruction of a few words, the first and the last
    starting with a verb). A comma before a noun phrase ("Check pods, services, ...") or a
    single word never splits."""
    commas = list(_COMMA.finditer(text))
    if len(commas) < 2 or not _IMPERATIVE.match(text):
        return []
    guard = protected(text)
    if any(a <= m.start() < b for m in commas for a, b in guard):
        return []
    if _SERIAL.match(text, commas[-1].start()) is None:
        return []
    cuts = [0] + [m.end() for m in commas]
    ends = [m.start() for m in commas] + [len(text)]
    pieces = [text[a:b] for a, b in zip(cuts, ends, strict=True)]
    if not _instructional(pieces[0]) or not _instructional(pieces[-1]):
        return []
    for piece in pieces[1:-1]:
        words = piece.split()
        if not 2 <= len(words) <= 6 or _NOT_A_CLAUSE.match(piece) or not piece[:1].islower():
            return []
    return commas


_LEFT_TO_READER = re.compile(
    r"\s(?P<cond>as\s+(?:necessary|needed|required)|at\s+your\s+(?:own\s+)?discretion)"
    r"(?=\s*(?:[,.;:!)]|\(|$))",
    re.IGNORECASE,
)
"""A decision left to the reader after an instruction: "Notify stakeholders as necessary",
"Delegate tasks at your discretion" (LABELLING: a vague condition is a decision). "As
appropriate" says how, not whether ("Restore it from a backup as appropriate")."""


def _guarded(
    block: Block, lines: tuple[str, ...], text: str, start: int, span: Span, **extra: object
) -> list[DraftStep]:
    """One instruction, or, when a condition trails it ("Page the lead if nobody has yet"),
    a decision for that condition whose branch is the instruction."""
    kind = _prose_kind(text)
    condition = _condition_of(text)
    step = _draft(block, kind, text, span, condition=condition, **extra)
    trailing = _TRAILING_CONDITION.search(text) if condition else None
    if trailing is None and (" as " in text or " at your " in text):
        return _left_to_reader(block, lines, text, start, step)
    if trailing is None or _leading(text):
        return [step]
    head = text[: trailing.start()].rstrip(" ,(\u2013\u2014-")
    cond = trailing.group("cond").rstrip(" ,)")
    at = trailing.start("cond")
    whole = text[at - 1 : at] == "(" and text[at + len(cond) : at + len(cond) + 1] == ")"
    if not whole and any(a < at < b for a, b in protected(text)):
        return [step]  # never cut inside parentheses, quotes or code
    if (
        _ELLIPTICAL.match(cond)
        or len(sentences(text)) > 1  # jump sentences joined to their step
        or not _instructional(head)
        or _only_jumps(head)
    ):
        return [step]
    cond_at = start + trailing.start("cond")
    cond_span = _sub_span(block, lines, cond_at, cond_at + len(cond))
    head_span = _sub_span(block, lines, start, start + len(head))
    if cond_span is None or head_span is None:
        return [step]
    decision = _draft(
        block, "decision", cond, cond_span, condition=" ".join(cond.split()), branch_size=1
    )
    return [decision, replace(step, text=head, span=head_span, kind=_prose_kind(head))]


def _left_to_reader(
    block: Block, lines: tuple[str, ...], text: str, start: int, step: DraftStep
) -> list[DraftStep]:
    """A decision "as necessary" whose branch is the instruction ("Notify stakeholders as
    necessary"); never inside parentheses, quotes or code."""
    hedge = _LEFT_TO_READER.search(text)
    if hedge is None or any(a < hedge.start("cond") < b for a, b in protected(text)):
        return [step]
    at = start + hedge.start("cond")
    cond = hedge.group("cond")
    cond_span = _sub_span(block, lines, at, at + len(cond))
    if cond_span is None:
        return [step]
    condition = " ".join(cond.split())
    decision = _draft(block, "decision", cond, cond_span, condition=condition, branch_size=1)
    return [decision, step]


def _prose_kind(text: str) -> DraftKind:
    if _ESCALATE.search(text):
        return "escalate"
    if _CHECK.match(text):
        return "check"
    return "manual"


def _condition_of(text: str) -> str | None:
    leading = _leading(text)
    if leading:
        return " ".join(f"{leading.group('kw')}{leading.group('cond')}".split())
    trailing = _TRAILING_CONDITION.search(text)
    return " ".join(trailing.group("cond").split()) if trailing else None


def _split_condition(
    block: Block,
    leading: re.Match[str],
    lines: tuple[str, ...],
    text: str,
    offset: int,
    span: Span,
    shift: int = 0,
) -> list[DraftStep]:
    """'If X, do Y.' -> a decision 'If X' whose branch is the step 'do Y'; 'If X, go to step
    7' or 'If X, stop here' -> one decision whose edge under X is the jump. `text` is
    `block.text[offset:]` up to the sentence's end, at `span`; `leading` matched it from
    `shift` on (after an introducing phrase, which is part of the condition)."""
    said = f"{text[:shift]}{leading.group('kw')}{leading.group('cond')}"
    condition = " ".join(said.split())
    rest = leading.group("rest").strip()
    if _only_jumps(rest) or _FOLLOWING.search(rest):
        return [_draft(block, "decision", text, span, condition=condition)]
    head_end = shift + leading.start("rest")
    head = text[:head_end].rstrip().rstrip(",;:").rstrip()
    head_span = _sub_span(block, lines, offset, offset + len(head))
    rest_span = _sub_span(block, lines, offset + head_end, offset + len(text))
    if head_span is None or rest_span is None:
        return [_draft(block, "decision", text, span, condition=_condition_of(text))]
    consequents = _instructions(
        block, lines, text[head_end:].strip(), offset + head_end, rest_span, id_words=text
    )
    if len(consequents) > 1:
        consequents = [replace(c, id_words=None) for c in consequents]
    decision = _draft(
        block, "decision", head, head_span, condition=condition, branch_size=len(consequents)
    )
    return [decision, *consequents]


def _only_jumps(text: str) -> bool:
    """Text that does nothing but go somewhere, perhaps saying why: "go to step 7.", "then
    stop here: the alert has cleared", "go to [Step 6](#step-6-escalate)"."""
    left = _STOP.sub(" ", _LINK_JUMP.sub(" ", _STEP_REFERENCE.sub(" ", text)))
    if "](" in left:
        left = _PROCEDURE_JUMP.sub(" ", left)
    if left == text:
        return False  # no jump in it
    if not _LETTER.search(_JUMP_FILLER.sub("", f" {left} ")):
        return True
    # "Restoring it is the owner's job: go to step 8.": a reason before the colon
    head, colon, tail = text.partition(": ")
    return bool(colon) and _only_jumps(tail) and not _instructional(head)


_JUMP_FILLER = re.compile(
    r"\b(?:then|and|here)\b|\s[:;\u2013\u2014]\s.*$|\s(?:in\s+order\s+)?to\s+[a-z]+\b[^.;:]*",
    re.IGNORECASE,
)
"""What may go with a jump: "then", "and", "here", a reason after a colon or dash, and its
purpose ("go to step 7 to get the pod rescheduled")."""
_LETTER = re.compile(r"[a-z]", re.IGNORECASE)


def _sub_span(block: Block, lines: tuple[str, ...], start: int, end: int) -> Span | None:
    """Span of `block.text[start:end]` in the source, or None if it cannot be placed exactly.

    `block.text` is the block's source with container markers dropped and whitespace runs
    collapsed, so its n-th non-space character is the n-th one of the source pieces."""
    placement = _placement(block, lines)
    before = placement.non_space_before(start)
    inside = placement.non_space_before(end) - before
    if not inside or before + inside > placement.total:
        return None
    line, column = placement.source_position(before)
    end_line, end_column = placement.source_position(before + inside - 1)
    span = Span(line=line + 1, column=column, end_line=end_line + 1, end_column=end_column)
    return span if text_at(lines, span) == normalise(block.text[start:end]) else None


@dataclass(frozen=True)
class _Placement:
    """Where a block's non-space characters are, in `block.text` and in the source, kept by
    runs of them (words), not character by character."""

    text_runs: list[tuple[int, int]]
    """(start, end) in `block.text` of each run of non-space characters."""
    text_counts: list[int]
    """Non-space characters of `block.text` before each of its runs."""
    source_runs: list[tuple[int, int]]
    """(line index, column) in the source of the first character of each run."""
    source_counts: list[int]
    """Non-space source characters before each source run."""
    total: int
    """Non-space source characters in all."""

    def non_space_before(self, offset: int) -> int:
        """How many non-space characters of `block.text` come before `offset`."""
        index = bisect.bisect_left(self.text_runs, (offset,)) - 1  # last run starting before
        if index < 0:
            return 0
        start, end = self.text_runs[index]
        return self.text_counts[index] + min(offset, end) - start

    def source_position(self, number: int) -> tuple[int, int]:
        """(line index, column) of the `number`-th (from 0) non-space source character."""
        index = bisect.bisect_right(self.source_counts, number) - 1
        line, column = self.source_runs[index]
        return line, column + number - self.source_counts[index]


_LAST_BLOCK = threading.local()
"""Per thread: the last block `_placement` placed and its placement (compiles may run in
threads at once)."""
_NON_SPACE_RUN = re.compile(r"\S+")


def _placement(block: Block, lines: tuple[str, ...]) -> _Placement:
    """Where the non-space characters of a block are. Kept for the last block: a paragraph's
    sentences are placed one after another (linear, not quadratic)."""
    last: tuple[Block, _Placement] | None = getattr(_LAST_BLOCK, "value", None)
    if last is not None and last[0] is block:
        return last[1]
    source_runs: list[tuple[int, int]] = []
    source_counts: list[int] = []
    total = 0
    for index, offset, piece in _pieces(block.span, lines):
        for run in _NON_SPACE_RUN.finditer(piece):
            source_runs.append((index, offset + run.start() + 1))
            source_counts.append(total)
            total += run.end() - run.start()
    text_runs: list[tuple[int, int]] = []
    text_counts: list[int] = []
    seen = 0
    for run in _NON_SPACE_RUN.finditer(block.text):
        text_runs.append(run.span())
        text_counts.append(seen)
        seen += run.end() - run.start()
    placement = _Placement(text_runs, text_counts, source_runs, source_counts, total)
    _LAST_BLOCK.value = (block, placement)
    return placement


def _pieces(span: Span, lines: tuple[str, ...]) -> Iterator[tuple[int, int, str]]:
    """(line index, column offset, text) of each source line of a span, as `text_at` reads
    them: the first from the span's column, later ones without container markers."""
    first, last = span.line - 1, span.end_line - 1
    depth = lines[first][: span.column - 1].count(">")
    for index in range(first, min(last, len(lines) - 1) + 1):
        line = lines[index][: span.end_column] if index == last else lines[index]
        offset = span.column - 1 if index == first else len(line) - len(continuation(line, depth))
        yield index, offset, line[offset:]


def _last_condition(
    block: Block, lines: tuple[str, ...], code_block_steps: list[DraftStep]
) -> list[DraftStep] | None:
    """A lead-in whose last sentence is a condition over the commands, after instructions of
    their own: "Talk with the owner about the cause. If it started with the rollout, roll it
    back:" -> the talk, then a decision whose branch is the commands."""
    parts = sentences(block.text)
    if len(parts) < 2:
        return None
    last = parts[-1]
    text = last.text.strip()
    if not _leading(text) or not all(_instructional(p.text.strip()) for p in parts[:-1]):
        return None
    earlier = [step for p in parts[:-1] for step in _sentence_steps(block, lines, p.start, p.end)]
    start = last.start + len(last.text) - len(last.text.lstrip())
    span = _sub_span(block, lines, start, start + len(text))
    if span is None or not earlier or any(d.kind == "decision" for d in earlier):
        return None
    decision = _draft(
        block,
        "decision",
        text,
        span,
        condition=_condition_of(text),
        branch_size=len(code_block_steps),
    )
    # The item's number goes with its first step only ("go to step 8" lands on the talk).
    number, key = code_block_steps[0].list_number, code_block_steps[0].list_key
    steps = [replace(d, list_number=None, list_key=None) for d in (*earlier, decision)]
    steps[0] = replace(steps[0], list_number=number, list_key=key)
    code_block_steps = [replace(d, list_number=None) for d in code_block_steps]
    return [*steps, *code_block_steps]


def _introduced(
    block: Block,
    commands: list[tuple[list[CodeLine], str]],
    adjacent: bool,
    lines: tuple[str, ...] | None = None,
) -> list[DraftStep]:
    """Commands led in by a paragraph: its text is their note; a condition in it becomes a
    decision whose branch is the commands (only when nothing stands between them)."""
    code_block_steps = [_command_step(block, lines, text, block) for lines, text in commands]
    if block.ordered and block.number is not None:
        code_block_steps[0] = replace(
            code_block_steps[0], list_number=block.number, list_key=block.list_id
        )
    leading = _leading(block.text)
    if not leading and adjacent and lines is not None:
        return _last_condition(block, lines, code_block_steps) or code_block_steps
    if not leading or not adjacent:
        return code_block_steps
    condition = _condition_of(block.text)
    decision = _draft(
        block,
        "decision",
        block.text,
        block.span,
        condition=condition,
        branch_size=len(code_block_steps),
    )
    return [decision, *code_block_steps]


def _command_step(
    context: Block, lines: list[CodeLine], text: str, lead_in: Block | None = None
) -> DraftStep:
    """A step for one command; `lead_in` is the paragraph that introduced its code block."""
    first, last = lines[0], lines[-1]
    span = Span(
        line=first.line,
        column=first.column,
        end_line=last.line,
        end_column=len(last.text) + last.column - 1,
    )
    section, anchor = _section_of(context)
    return DraftStep(
        kind="action",
        text=text,
        span=span,
        section=section,
        anchor=anchor,
        note=lead_in.text if lead_in else None,
        note_span=lead_in.span if lead_in else None,
        command=_join_continuations(text),
        condition=_heading_condition(context),
    )


def _join_continuations(text: str) -> str:
    return _words(_CONTINUATION.sub(" ", text).rstrip("\\"))


def _words(command: str) -> str:
    """A command's words joined by single spaces. Words break on blanks only, as in sh: a
    no-break or other Unicode space stays inside its word, so `oc<U+00A0>delete` is never the
    program `oc` with an argument `delete`."""
    return _BLANKS.sub(" ", command).strip(" ")


def _commands(block: Block, known: frozenset[str]) -> Iterator[tuple[list[CodeLine], str]]:
    """Commands in a code block: (source lines with prompts stripped, normalised text).

    A block with console prompts (`$`, `PS>`, `[ env ] name>`, `name=#`, irb, pry, `mysql>`,
    `>>>`) holds the prompted lines and their continuations; everything else in it is output.
    Without prompts: SQL statements, a Ruby or Python script (one step), or shell lines; a
    block tagged as output or data (`text`, `json`, `yaml`...) holds none."""
    language = block.info.split(" ")[0].lower().strip("{}.")
    lines = list(block.lines)
    if any(_STRONG_PROMPT.match(line.text.lstrip()) for line in lines) or _weakly_prompted(
        lines, known
    ):
        yield from _prompted(lines)
    elif language in SQL_LANGS:
        yield from _statements(lines)
    elif language in SCRIPT_CONSOLE_LANGS:
        body = [line for line in lines if line.text.strip()]
        if body:
            yield (
                [_strip_indent(line) for line in body],
                " ".join(_words(line.text) for line in body),
            )
    elif language in SHELL_LANGS:
        yield from _unprompted(lines, language in SCRIPT_LANGS, known)


_RUN_OR_WATCH = re.compile(
    r"\b(?:run|check|watch|query|quer(?:y|ied|ies)|execut|graph|plot|monitor|look|view|use)\w*",
    re.IGNORECASE,
)
QUERY_LANGS = {"promql", "logql", "metricsql"}
"""Blocks of metric or log queries, to run in a metrics console (not a shell)."""
_QUERY_TOKEN = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+){2,}")


def _query_block(block: Block) -> bool:
    """A block that holds one metric or log query: tagged `promql` (or `logql`...), or a
    shell-like block whose every line reads as PromQL."""
    language = block.info.split(" ")[0].lower().strip("{}.")
    if language in QUERY_LANGS:
        return any(line.text.strip() for line in block.lines)
    return language in SHELL_LANGS and _only_queries(list(block.lines))


def _query(blocks: list[Block], index: int) -> list[tuple[list[CodeLine], str]]:
    """A query block's one query (all its lines) when the paragraph before it asks to run or
    watch it ("Check the usage with this query:"), else nothing: a query shown alone is
    often the alert's own expression, not something to run."""
    block, before = blocks[index], blocks[index - 1] if index else None
    if not _query_block(block) or before is None or before.kind != "paragraph":
        return []
    if not (_instructional(before.text) or _RUN_OR_WATCH.search(before.text)):
        return []
    body = [_strip_indent(line) for line in block.lines if line.text.strip()]
    return [(body, " ".join(_words(line.text) for line in body))]


def _only_queries(lines: list[CodeLine]) -> bool:
    """A block whose every line is a PromQL expression (`sum(rate(x_total[5m]))`,
    `(a_b_c / d_e_f) * 100`, a bare metric name): queries to run, not shell output."""
    body = [line.text.strip() for line in lines if line.text.strip()]
    return bool(body) and all(_is_query(text) for text in body)


def _is_query(text: str) -> bool:
    first = re.split(r"[\s({\[]", text, maxsplit=1)[0]
    if first in PROMQL_WORDS or _METRIC_NAME.match(first):
        return True
    return text.startswith("(") and _QUERY_TOKEN.search(text) is not None


def _prompted(lines: list[CodeLine]) -> Iterator[tuple[list[CodeLine], str]]:
    """Prompted lines with their continuations (a trailing `\\`, an open quote or construct,
    a heredoc, or a continuation prompt such as `>`, `...`, `->`, `name-#`)."""
    index = 0
    while index < len(lines):
        stripped = lines[index].text.lstrip()
        prompt = _STRONG_PROMPT.match(stripped) or _weak_prompt(stripped)
        index += 1
        if not prompt or not stripped[prompt.end() :].strip():
            continue
        line = lines[index - 1]
        offset = len(line.text) - len(stripped) + prompt.end()
        group = [CodeLine(line.line, line.column + offset, stripped[prompt.end() :].rstrip())]
        while index < len(lines):
            following = lines[index].text.lstrip()
            more = _CONTINUATION_PROMPT.match(following)
            if more is None and not _continues(group):
                break
            cut = more.end() if more else 0
            piece = lines[index]
            start = piece.column + len(piece.text) - len(following) + cut
            group.append(CodeLine(piece.line, start, following[cut:].rstrip()))
            index += 1
        group = [c for c in group if c.text]
        text = " ".join(_words(c.text) for c in group)
        first = _words(group[0].text).split(" ")[0] if text else ""
        if text and first not in _SHELL_NOOPS and not _is_assignment(text):
            yield group, text


def _weakly_prompted(lines: list[CodeLine], known: frozenset[str]) -> bool:
    """Commands behind `#` or `>` prompts, every other line output (not a command)."""
    weak = False
    for line in lines:
        text = line.text.strip()
        if _weak_prompt(text):
            weak = True
        elif text and text.split(" ")[0] in known:
            return False
    return weak


def _weak_prompt(text: str) -> re.Match[str] | None:
    """`# cmd` or `> cmd`: a prompt only before a known program (else a comment or a quote)."""
    prompt = _WEAK_PROMPT.match(text)
    if prompt is None:
        return None
    first = text[prompt.end() :].split(" ")[0]
    return prompt if first in COMMON_PROGRAMS else None


def _statements(lines: list[CodeLine]) -> Iterator[tuple[list[CodeLine], str]]:
    """SQL statements, each up to its `;` (or the end of the block); `--` comments skipped."""
    group: list[CodeLine] = []
    for line in lines:
        stripped = line.text.strip()
        if not stripped or stripped.startswith("--"):
            continue
        group.append(_strip_indent(line))
        if stripped.endswith(";"):
            yield group, " ".join(_words(c.text) for c in group)
            group = []
    if group:
        yield group, " ".join(_words(c.text) for c in group)


def _unprompted(
    lines: list[CodeLine], script: bool, known: frozenset[str]
) -> Iterator[tuple[list[CodeLine], str]]:
    """Shell lines without prompts; example output pasted under them is skipped. A block
    whose every line is shaped like a command is a script: each line counts."""
    shaped = [_command_line(line, False) for line in lines if line.text.strip()]
    script = script or (
        bool(shaped)
        and all(c is not None for c in shaped)
        and any(
            _words(c.text).split(" ")[0] in known or _OPTION.search(c.text)
            for c in shaped
            if c is not None
        )
    )
    in_output = False
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        in_output = _output_continues(line.text, in_output, known)
        if in_output:
            continue
        command = _command_line(line, False)
        if command is None or not _looks_like_command(command.text, script, known):
            continue
        group = [command]
        while index < len(lines) and _continues(group):
            if lines[index].text.lstrip().startswith("#") and group[-1].text.endswith("\\"):
                break  # a comment after a backslash ends the command, as in the shell
            group.append(_strip_indent(lines[index]))
            index += 1
        text = " ".join(_words(c.text) for c in group)
        first_word = _words(group[0].text).split(" ")[0]
        if first_word in _SHELL_NOOPS or _is_assignment(text):
            continue
        yield group, text


def _output_continues(text: str, in_output: bool, known: frozenset[str]) -> bool:
    """Example output pasted under unprompted commands: a table header starts it, a blank
    line ends it; columnar rows not starting with a known program are output too."""
    stripped = text.strip()
    if not stripped:
        return False
    if in_output or _TABLE_HEADER.match(stripped):
        return True
    return bool(_COLUMNS.fullmatch(stripped)) and stripped.split()[0] not in known


def _is_assignment(text: str) -> bool:
    """`NAME=value` alone, with no command substitution: it sets, it does not act. (An
    assignment from `$(...)` runs that command, so it stays a step.)"""
    if "$(" in text or "`" in text:
        return False
    return bool(_PURE_ASSIGNMENT.match(_QUOTED_OR_PLACEHOLDER.sub("x", text)))


def _looks_like_command(text: str, script: bool, known: frozenset[str]) -> bool:
    """Without prompts: skip PromQL and metric names; outside a shell-tagged block, also
    anything that does not start with a known program."""
    first = _words(text).split(" ")[0]
    if _CHATOPS.match(text):
        return True
    if first in PROMQL_WORDS or _METRIC_NAME.match(first) or "{" in first:
        return False
    return script or first in known or _ASSIGNMENT.match(text) is not None


def _command_line(line: CodeLine, prompted: bool) -> CodeLine | None:
    """An unprompted line that starts like a command (a program, an assignment, a chat-ops
    `/command` or `!command`); `prompted` is kept for callers and ignored."""
    stripped = line.text.lstrip()
    offset = len(line.text) - len(stripped)
    if _CHATOPS.match(stripped):
        return CodeLine(line.line, line.column + offset, stripped.rstrip())
    if not stripped or stripped.startswith("#"):
        return None
    if not (_COMMAND_START.match(stripped) or _ASSIGNMENT.match(stripped)):
        return None
    return CodeLine(line.line, line.column + offset, stripped.rstrip())


def _strip_indent(line: CodeLine) -> CodeLine:
    stripped = line.text.lstrip()
    return CodeLine(line.line, line.column + len(line.text) - len(stripped), stripped.rstrip())


_HEREDOC = re.compile(r"<<-?\s*[\'\"]?(?P<tag>[A-Za-z_]\w*)[\'\"]?")


def _continues(group: list[CodeLine]) -> bool:
    """Whether the next source line belongs to the command: backslash, open quote, compound."""
    text = "\n".join(c.text for c in group)
    if text.endswith("\\") or text.endswith("|") or text.endswith("&&") or text.endswith("||"):
        return True
    heredoc = _HEREDOC.search(group[0].text)
    if heredoc and not any(c.text.strip() == heredoc.group("tag") for c in group[1:]):
        return len(group) < 200
    first_word = _words(group[0].text).split(" ")[0]
    closer = _COMPOUND_OPEN.get(first_word)
    if _FUNCTION_DEFINITION.match(group[0].text):
        closer = "}"
    if closer and not re.search(rf"(?:^|[;\s]){closer}\s*;?\s*$", text):
        return len(group) < 50
    return _open_quote(text)


def _open_quote(text: str) -> bool:
    single = double = False
    escaped = False
    for char in text:
        if escaped:
            escaped = False
        elif char == "\\" and not single:
            escaped = True
        elif char == "'" and not double:
            single = not single
        elif char == '"' and not single:
            double = not double
    return single or double


def looks_like_command_line(text: str, block: Block, known: frozenset[str]) -> bool:
    """Whether a code line reads as a command to run: behind a console prompt, or a known
    program in a block not tagged as output or data."""
    stripped = text.strip()
    prompt = _STRONG_PROMPT.match(stripped)
    if prompt is None:
        language = block.info.split(" ")[0].lower().strip("{}.")
        if language not in SHELL_LANGS:
            return False
    body = stripped[prompt.end() :].strip() if prompt else stripped
    first = _words(body.removeprefix("sudo ")).split(" ")[0]
    if not body or first in _SHELL_NOOPS or _is_assignment(body):
        return False
    return prompt is not None or (first in known and " " in body)


_SPEAKER = re.compile(r"^(?:\([^)]{1,30}\)\s*)?[A-Z][\w.'-]*(?:\s[A-Z][\w.'-]*){0,2}:\s+\S")
"""A speaker's name before their words: "IC: Stop.", "(If yes) Executive: ..."."""


def is_dialogue(block: Block, lines: tuple[str, ...]) -> bool:
    """A quoted line of example dialogue ("> IC: Stop. Leave the call."): it shows how a call
    may go, it does not tell the reader what to do."""
    quoted = lines[block.span.line - 1].lstrip().startswith(">")
    return quoted and _SPEAKER.match(block.text) is not None


_ITALIC_PARAGRAPH = re.compile(r"^(?P<mark>[_*])(?![_*\s]).*(?<![_*\s])(?P=mark)$", re.DOTALL)


def is_aside(block: Block, lines: tuple[str, ...]) -> bool:
    """Example dialogue, or a paragraph set wholly in italics outside a list ("_Next step is to
    stabilize the incident. We need to ..._"): a summary or aside, not steps."""
    if is_dialogue(block, lines):
        return True
    if block.list_depth or not block.text.endswith(("_", "*")):
        return False
    italic = _ITALIC_PARAGRAPH.match(block.text)
    return italic is not None and block.text.count(italic.group("mark")) == 2


def not_a_step(text: str) -> bool:
    """An instruction-like sentence the extractor leaves out on purpose: a pointer elsewhere, a
    one-word bold title, a lead-in to the items after it, reassurance ("Don't worry ..."), a
    sentence that only jumps (an edge of the step before it)."""
    text = text.strip()
    if is_pointer(text) or is_procedure_pointer(text) or is_title(text):
        return True
    leading = _leading(text) if "](" in text else None
    if leading and is_pointer(leading.group("rest")):
        return True  # a pointer under a condition
    if _REASSURANCE.match(text) or (_JUMP_WORDS.search(text) and _jump_only(text)):
        return True
    return bool(_FOLLOWING.search(text)) and not _leading(text)


def is_title(text: str) -> bool:
    """A list item that is only a one-word bold title over the items under it ("**Prepare**")."""
    return bool(_TITLE.match(text.strip()))


def is_pointer(text: str) -> bool:
    """A sentence that only points elsewhere: "See [Debugging Pods](...)." (not a procedure
    of the same documentation to carry out: see `is_procedure_pointer`)."""
    text = text.strip()
    if not _ONLY_LINK.match(text) or "](#" in text:
        return False
    return not is_procedure_pointer(text)


_PROCEDURE_LINK = re.compile(
    r"^(?:see|follow|refer\s+to)\s+\[(?:the\s+)?(?P<first>[A-Za-z]+)\b[^\]]*\]"
    r"\((?![a-z][a-z0-9+.-]*:|/|#)[^)\s]*\.md(?:#[^)]*)?\)\.?$",
    re.IGNORECASE,
)


def is_procedure_pointer(text: str) -> bool:
    """A relative link to another page of the same documentation whose title names an action
    ("See [Restarting the Policy Propagator Pod](../common/restart.md).") is that action, done
    by the linked procedure (a step), unlike a pointer to reading ("See [KubeNode](https://
    kubernetes.io/...)")."""
    found = _PROCEDURE_LINK.match(text.strip())
    if found is None:
        return False
    first = found.group("first")
    return bool(_IMPERATIVE.match(first)) or gerund_of_verb(first)
