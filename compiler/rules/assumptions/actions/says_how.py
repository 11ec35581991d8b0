"""Whether a change says how where it stands: a command or a tool in its text, a code block that
changes something or a list after it, a system named in the clause or carried over from the
action before it.
"""

from __future__ import annotations

import re

from compiler.parse import Block
from compiler.records import Span, Step
from compiler.rules import CheckContext
from compiler.rules.assumptions.actions.asked import PURPOSE_LEAD
from compiler.rules.assumptions.actions.layout import item_body, list_follows
from compiler.rules.assumptions.actions.words import (
    CHANGE_WORDS,
    clause_verbs_and_objects,
    verbs_and_objects,
)
from compiler.rules.assumptions.scan import Hit, code_follows, command_after
from compiler.rules.regions import Passage, blocks_after
from compiler.text.effect_words import PROGRAMS_WITH_SUBCOMMANDS
from compiler.text.links import LINK
from compiler.text.sentences import sentence_at

_NAMED_SYSTEM = re.compile(
    r"\b(?:in|on|via|using|through|from|into)\s+(?:the\s+|your\s+)?"
    r"(?:(?-i:[A-Z][a-z]+[A-Z]\w*|[A-Z][a-z]{2,})\b|\[)"
    # a product known by its acronym, with no article ("in SSM Parameter Store", "with GOV.UK
    # Docker"; "add the node with the VMI" names a thing, not where)
    r"|\b(?:in|on|via|using|through|from|into|with)\s+[A-Z]{2,}[A-Za-z0-9]*(?:\.[A-Z]{2,})?\b"
    # the web page the change is done on: "Log in to the dashboard at https://dash.example.com"
    r"|\b(?:at|on)\s+(?:\[|<?https?\b)"
    # "log in to Fastly", "visit Terraform Cloud": the system is where the reader goes
    r"|\b(?i:log|sign)\s+(?:in|on)(?:\s+to|to)?\s+(?:the\s+)?[A-Z][A-Za-z0-9]+\b"
    r"|\b(?i:visit|open|go\s+to)\s+(?:the\s+)?(?:[A-Z][a-z]+[A-Z]\w*|[A-Z][a-z]{2,}"
    r"|[A-Z]{2,}[A-Za-z0-9]*)\b"
    # a pull request names its repository: "open a PR in govuk-helm-charts"
    r"|\b(?:PR|(?i:pull\s+request)|MR|(?i:merge\s+request))s?\s+(?:in|on|to|against)\s+(?:the\s+)?"
    r"(?:`[^`\n]+`|[\w.]+-[\w.-]+|\[)"
    # "go back to Signon and revoke the old token": the system carries over "and"
    r"|\b(?:the|to|with)\s+(?-i:[A-Z][a-z]+[A-Z]\w*|[A-Z][a-z]{2,})"
    r"(?:\s*$|\s+(?:and|then)\s*$|\s+(?:room|channel|thread|ticket|incident|page|board|workspace"
    r"|project|account)\b)"
    r"|\]\(|https?://"
)


_AND_THEN = re.compile(r"\b(?:and|or)\s+(?:then\s+)?(?:[a-z]+\s+(?:and|or)\s+)?$", re.IGNORECASE)


def place_carries(hit: Hit) -> bool:
    """Whether the change is coordinated with an action before it that names the system both
    are done in ("log in to the [Customer Portal](...) and open a support case")."""
    start = hit.passage.sentence_at(hit.start).start
    before = hit.passage.text[start : hit.start]
    return _AND_THEN.search(before) is not None and names_system(before)


_NAMED_PROGRAM = re.compile(
    r"\b(?:via|using|with|through)\s+(?:the\s+)?`?(?:"
    + "|".join(sorted(PROGRAMS_WITH_SUBCOMMANDS | {"knife", "rake", "ansible", "kubectl"}))
    + r")\b(?![.-]\w)|\bapply\s+the\s+terraform\b",
    re.IGNORECASE,
)
"""A program named as the means ("Deploy it via helm", "recreate it using terraform", "Apply
the Terraform change"): the command is the program's own, the tool is named."""


def names_system(clause: str, text: str | None = None, offset: int = 0) -> bool:
    """Whether a change clause names the system it is done in ("in PagerDuty", "the Slack
    room"): a capitalised name after its first word, or a link. Given the text the clause
    starts at `offset` of, a link to documentation ("in your [KubeletConfiguration](https://
    kubernetes.io/docs/...)") is a reference for how, not a system to do it in."""
    if _NAMED_PROGRAM.search(clause):
        return True
    for found in _NAMED_SYSTEM.finditer(clause):
        if text is None or not _LINKISH.search(found.group(0)):
            return True
        start, end = offset + found.start(), offset + found.end()
        links = [
            link
            for link in LINK.finditer(text, max(0, start - 200), end + 400)
            if link.start() < end and link.end() > start - 1
        ]
        if not links or not all(_documentation(link) for link in links):
            return True
    return False


_LINKISH = re.compile(r"\[|\]\(|://")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)
_DOCS = re.compile(
    r"(?:^|[/.])(?:docs?|documentation|reference|manual|handbook)(?:[/.#-]|$)|\bdocumentation\b",
    re.IGNORECASE,
)


def _documentation(link: re.Match[str]) -> bool:
    """Whether a link points at documentation elsewhere (its address or its words say so); a
    relative link ("/manual/waf-rules.html", "#rollback") is a page of the runbooks' own site,
    where how is written."""
    url = link.group("url") or link.group("bare") or ""
    if link.group("url") is not None and not _SCHEME.match(url):
        return False
    return bool(_DOCS.search(url)) or bool(
        link.group("label") and re.search(r"\b(?:docs?|documentation)\b", link.group("label"), re.I)
    )


def links_the_page(text: str) -> bool:
    """Whether a text links the very page to look at ("Check the provider's status on Twitter:
    [@status](https://twitter.com/...)"), not documentation about it."""
    return any(not _documentation(link) for link in LINK.finditer(text))


def says_how_here(context: CheckContext, passage: Passage) -> bool:
    """Whether a passage says how: a command or a tool in inline code, a code block right after
    it that changes something, or a list right after it that details it."""
    blocks = context.document.blocks
    return (
        command_in(context, passage)
        or (code_follows(blocks, passage) and not code_only_reads(context, passage))
        or list_follows(blocks, passage)
    )


_LEAD_IN = re.compile(
    r"^\W*(?:(?:then|now|next|first|finally|also|please|try|you\s+(?:can|could|should|must|may"
    r"|might))\s+)*$",
    re.IGNORECASE,
)


def leads(hit: Hit) -> bool:
    """Whether the change is the sentence's first instruction ("Try deleting the pod and watch
    ...", not "Check the status and restart count"): what a block after it must do."""
    sentence = hit.passage.sentence_at(hit.start)
    return _LEAD_IN.match(hit.passage.text, sentence.start, hit.start) is not None


_SETS = re.compile(r"^\s*(?:\$\s+)?(?:export\s+)?[A-Za-z_][A-Za-z0-9_]*=|.*(?:>\s*\S|\|\s*tee\b)")
"""A shell line that sets something: an assignment, or output written to a file."""


def code_only_reads(context: CheckContext, passage: Passage) -> bool:
    """Whether the code block right after a passage holds only steps that read (each binds a
    tool whose effect is `read`): "Try deleting the pod:" then `oc get pods` shows the pods,
    it does not say how to delete one."""
    after = command_after(context.document.blocks, passage)
    return after is not None and _reads_only(context, after)


def _reads_only(context: CheckContext, code: Block) -> bool:
    """Whether a code block holds steps and each of them only reads."""
    if any(_SETS.match(line.text) for line in code.lines):
        return False  # "Configure the variable:" then `export X="$(oc get ...)"` sets it
    first, last = code.span.line, code.span.end_line
    inside = [
        step
        for step in context.graph.steps
        if step.source is not None and first <= step.source.line <= last
    ]
    return bool(inside) and all(step.effect == "read" for step in inside)


_TITLE = re.compile(r"^(?:\*\*|__)|:\s*(?:\*\*|__)?$")
"""An item's title over its body: set in bold ("**Restart MDS:**"), or ending in a colon."""


def item_details(context: CheckContext, block: Block) -> bool:
    """Whether a list item opens with a title whose own body says how: a code block in the item
    that changes something, or a list nested in it ("3. **Scale out the MDS:**", a paragraph,
    then `oc patch ...`), as a heading's section does."""
    if not _TITLE.search(block.text):
        return False
    return any(
        (other.kind == "code" and _changes(context, other)) or other.list_depth > block.list_depth
        for other in item_body(context, block)
    )


def _changes(context: CheckContext, code: Block) -> bool:
    """Whether a code block changes something: a command of it writes or destroys (by its tool
    or its words: `oc patch`, `rollout restart`, `rm`), it sets a variable or a file, or it
    holds no command at all (content to write: a config, a manifest)."""
    if any(_SETS.match(line.text) for line in code.lines):
        return True
    first, last = code.span.line, code.span.end_line
    inside = [
        step
        for step in context.graph.steps
        if step.source is not None and first <= step.source.line <= last
    ]
    return not inside or any(step.effect in ("write", "destructive") for step in inside)


def command_in(context: CheckContext, passage: Passage) -> bool:
    """Whether the passage's inline code holds a command or a tool."""
    return any(says_how_inline(context, code.text) for code in passage.block.inline_code)


def says_how_inline(context: CheckContext, code: str) -> bool:
    """Inline code that is a command (words and options) or a registry tool, not a file name
    or a setting (`alertmanager.yaml`, `maxPods`)."""
    return (
        bool(_COMMAND_LIKE.search(code))
        or bool(_TASK_NAME.match(code))
        or code in context.registry.tools
    )


_TASK_NAME = re.compile(r"^[a-z][\w-]*(?::[\w-]+)+(?:\[[^\]]*\])?$")
"""A task runner's task name (`db:data:migrate`, `rename_country:all[a,b]`): the command."""


INLINE_CODE = re.compile(r"`([^`\n]+)`")
"""An inline code span, its text as group 1."""


_COMMAND_LIKE = re.compile(
    # words and options, a shell or path start, a call, or a tool-like `family.verb_noun`: one
    # dot, lower-case snake words; a file name or a field path (`spec.evaluationInterval`,
    # `metadata.labels.app`) is neither
    r"\S\s+\S|^[!/$]|^\w+\(|^[a-z][a-z0-9_-]*\.(?!(?:ya?ml|json|conf|cfg|ini|toml|txt|log|sh|py"
    r"|md|pem|crt|key|xml|env)$)[a-z_][a-z0-9_]*$"
)


def list_details(context: CheckContext, hit: Hit) -> bool:
    """Whether the list right after the passage details this action: the passage asks for one
    change (the list is how), or the list repeats the action's verb. "Shut down servers, turn
    off a data center. Some common things to try:" and a list that only shuts down leaves the
    data center unsaid."""
    blocks = context.document.blocks
    if not list_follows(blocks, hit.passage):
        return False
    changes = len(CHANGE_WORDS.findall(PURPOSE_LEAD.sub(" ", hit.passage.text)))
    if changes <= 1:
        return True
    verbs, _ = clause_verbs_and_objects(hit.words)
    depth = hit.passage.block.list_depth
    listed = []
    for block in blocks_after(blocks, hit.passage.block.span.end_line):
        if block.kind == "html":
            continue
        if block.list_depth <= depth:
            break
        listed.append(block.text)
    said, _ = verbs_and_objects(" ".join(listed))
    return bool(verbs & said)


def place_named_before(context: CheckContext, span: Span) -> bool:
    """Whether a step cut from the middle of a sentence is coordinated with an action before it
    that names the system both are done in ("Sign in to [the desk](...) and raise a CR")."""
    line = context.document.lines[span.line - 1]
    found = sentence_at(line, span.column - 1)
    before = line[found.start if found is not None else 0 : span.column - 1]
    return _AND_THEN.search(before) is not None and names_system(before)


_QUERY_LANGUAGES = frozenset({"promql", "logql", "sql", "kql", "traceql"})


def step_says_how(context: CheckContext, step: Step) -> bool:
    """Whether a step is a tool call or a command (bound or not: RB207 covers the latter)."""
    bound = context.graph.bound.get(step.id)
    return step.tool is not None or (bound is not None and bound.draft.command is not None)


def query_follows(context: CheckContext, span: Span) -> bool:
    """Whether the block right after a span is a query (PromQL, SQL...) to run."""
    after = next(blocks_after(context.document.blocks, span.end_line), None)
    return after is not None and after.kind == "code" and after.info.lower() in _QUERY_LANGUAGES
