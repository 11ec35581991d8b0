"""Whether a change is said with how elsewhere on the page: an edit of a named file, a PR of a
change already shown, "as above", a place named in the sentence before, a pointer after it, an
entry of a list of contents, or the same change (verb and object) resolved on another line.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, replace

from compiler.parse import Block
from compiler.records import Span, Step
from compiler.rules import CheckContext, Finding
from compiler.rules.assumptions.actions.asked import FORM_STEPS
from compiler.rules.assumptions.actions.layout import (
    block_at,
    block_before,
    contents_item,
    lead_in,
    links_a_file,
    links_a_folder,
    list_follows,
    list_items_before,
    section_details,
    section_of,
    sentence_from,
)
from compiler.rules.assumptions.actions.says_how import (
    code_only_reads,
    item_details,
    names_system,
    says_how_here,
)
from compiler.rules.assumptions.actions.words import (
    CONNECTIVE,
    EDIT_VERB,
    bare_clause,
    clause_verbs_and_objects,
    own_clause,
)
from compiler.rules.assumptions.scan import Hit, code_follows
from compiler.rules.regions import Passage, block_after, blocks_after, read_block
from compiler.text.console_code import code_effect
from compiler.text.instructions import is_instruction
from compiler.text.links import ANY_LINK, LINK, points_at_how
from compiler.text.sentences import sentence_at, sentences
from compiler.values import Value, set_field

FILLS_IN = re.compile(
    r"^(?:replace\s+`[^`]+`|(?:modify|change|update|substitute|swap)\s+(?:any\s+|all\s+)?"
    r"(?:(?:references?\s+to|occurrences?\s+of|instances?\s+of)\s+)?(?:the\s+)?"
    r"`[^`]*(?:<[^`>]+>|\$\{?[A-Za-z_]|\{\{)[^`]*`)\s+(?:with|to|by)\b",
    re.IGNORECASE,
)
"""Filling in a value of a command or a file shown: "Replace `my-test-name` with a name",
"Modify any references to `<CLUSTER>` with the cluster's name" (a placeholder is no system)."""
_FILE = re.compile(
    r"`[^`\n]*(?:/[^`\n]*|\.(?:ya?ml|json|rb|py|erb|tf|tfvars|toml|ini|conf|cfg|md|js|ts|html?"
    r"|txt|env|sh|properties|xml|go|java|lock))`"
    r"|\[[^\]\n]*\.(?:ya?ml|json|rb|py|erb|tf|tfvars|toml|ini|conf|cfg|md|js|ts|txt|go)\]",
    re.IGNORECASE,
)
"""A file named in inline code or a link's words: `charts/values.yaml`, [best_bets.yml][x]."""
_REPO_FILE = re.compile(
    r"`(?![/~])[^`\n]*\.(?:ya?ml|json|rb|py|erb|tf|tfvars|toml|ini|cfg|md|js|ts|scss|css|html?"
    r"|txt|go|java|lock|gemspec)`"
    r"|(?<![\w/.-])(?![/~])[\w-]+(?:/[\w*.-]+)*\.(?:ya?ml|json|rb|py|erb|tf|tfvars|toml|cfg|md|js"
    r"|ts|scss|css|gemspec)\b"
    r"|\b(?-i:Makefile|Gemfile|Dockerfile|Procfile|Rakefile|README|CHANGELOG)\b",
    re.IGNORECASE,
)
"""A file of a repository: a relative path with a source extension (`config/x.rb`,
README.md) or a build file (Makefile, Gemfile)."""
_FILE_NOUN = re.compile(
    r"\b(?:helm\s+chart|tfvars)s?\b|\b(?:the|this|that|each)\s+(?:`[^`\n]+`\s+)?file\b",
    re.IGNORECASE,
)
"""A file named by what it is: a chart, a variables file, "the `x` file" (where an edit goes)."""
_EDIT = re.compile(
    r"^(?:edit|modify|update|change|add|amend|adjust|append|insert|set|configure|define)\b",
    re.IGNORECASE,
)
_VALUE_CHANGE = re.compile(r"^(?:increase|decrease|raise|lower|bump)\b", re.IGNORECASE)
"""A value changed: with a linked file, the file is where ("Increase the memory: <file>")."""
_FILE_OP = re.compile(r"^(?:delete|remove|replace|rename|copy|move|create)\b", re.IGNORECASE)
"""What is done to a file of a repository as a whole (the file is what, a commit how)."""


def _edits_a_file(clause: str, context_text: str) -> bool:
    """Whether a change clause edits a named file (the file is where, its content what: "you
    should edit the `rds.tfvars` file", "Update the Makefile to use the lite stack") or does
    something to a repository's file as a whole ("Delete the `config/new_defaults.rb` file",
    "Replace the default README.md")."""
    bare = bare_clause(clause)
    if _EDIT.match(bare):
        return any(p.search(context_text) for p in (_FILE, _REPO_FILE, _FILE_NOUN))
    return bool(_FILE_OP.match(bare)) and bool(_REPO_FILE.search(bare))


_REFERS_TO_CHANGES = re.compile(
    r"\brevert\s+(?:PR|pull\s+request|MR|merge\s+request)\b"
    r"|\b(?:the|your|these|those|this)\s+(?:[\w-]+\s+)?changes?\b",
    re.IGNORECASE,
)
"""A PR or merge of changes said before: a revert, "merge the changes"."""
_AS_ABOVE = re.compile(
    r"\bas\s+(?:above|below|follows|described(?:\s+(?:above|below))?|shown(?:\s+(?:above|below))?"
    r"|in\s+step\s+\d+)\b"
    # the steps that say how are announced: "Follow these steps to revoke old tokens"
    r"|\b(?:follow|using|with)\s+(?:these|the\s+following|the\s+steps\s+below)\s*"
    r"(?:steps|instructions|procedure)?\s+to\b"
    # how is what was done before: "using the same method as the initial request"
    r"|\b(?:using|with|by|via|through|in|following)\s+the\s+same\s+(?:method|way|steps|process"
    r"|procedure|approach|command|tool|instructions)\s+as\b",
    re.IGNORECASE,
)
"""A change said with how elsewhere on the page: "update the two files as above"."""
_GIT_CHANGE = re.compile(
    r"\b(?:merge|PR|MR|pull\s+request|merge\s+request|commit)\b", re.IGNORECASE
)


def resolved_by_reference(context: CheckContext, hit: Hit) -> bool:
    """Whether the change is said elsewhere on the page: an edit of a file the clause names
    (the file is where, its new content what: "Edit `values.yaml`", "modify [types.yml][x]"), a
    change that refers back to one already described ("merge the changes", "create the revert
    PR", "as above"), a PR after the edit it carries (a block of content earlier in its
    section), or a change done in the place the sentence before names ("Create a key
    in Notify's dashboard ... you can revoke the old key")."""
    clause = own_clause(hit.words)
    if _edits_a_file(clause, clause) or _says_how_in_sentence(context, clause, hit.sentence):
        return True
    if _AS_ABOVE.search(hit.sentence) or _STEP_REFERENCE.search(hit.passage.text):
        return True
    if _GIT_CHANGE.search(hit.sentence) and (
        _REFERS_TO_CHANGES.search(hit.sentence) or _change_shown_before(context, hit.passage)
    ):
        return True
    block = hit.passage.block
    if _under_an_edit(context, block) or _edit_before_in_list(context, block, hit.sentence):
        return True
    if contents_item(context, block) or _fills_shown(context, clause, block):
        return True
    if _heading_names_place(context, hit.span.line):
        return True
    if _console_opened(context, hit.span.line) and not _GIT_CHANGE.search(hit.sentence):
        return True  # a PR is made in a repository, not in the console
    if _pointer_before(context, hit.passage.block, clause) or _section_summary(context, block):
        return True
    return _place_before(hit) or _pointer_after(hit) or _done_after(hit)


_SHOWN_TEXT = re.compile(
    r"\b(?:these|those|the\s+following|the\s+above|the\s+example)\s+(?:\w+\s+)?(?:lines|commands?"
    r"|snippets?|code|examples?|styles|values)\b",
    re.IGNORECASE,
)
"""Text the page shows that a change fills in: "Copy these lines and modify the class name",
"The following example commands assume production; change the URL"."""
_BY_MEANS = re.compile(
    r"\bby\s+(?:committing|clicking|pressing|selecting|editing|running|using|following"
    r"|opening|raising|merging)\b",
    re.IGNORECASE,
)
"""How a change is made, said after it: "update the page by committing your edits"."""
_STEP_REFERENCE = re.compile(r"\b(?:in|from|at|of)\s+step\s+\d+\b", re.IGNORECASE)
"""A change that undoes or repeats a numbered step ("... paused in step 3")."""


def _says_how_in_sentence(context: CheckContext, clause: str, sentence: str) -> bool:
    """Whether the change's sentence says how: it edits (or carries in a PR) a file it links
    ("update the [exemption list][x]" where x is `.../blob/.../list.rb`, "Create a PR which
    adds the team to [alphagov.yml](...)"), it fills in text the page shows ("Copy these lines
    and modify the class name"), or it names the means after the change ("... by committing
    your edits", "by pressing the bin icon")."""
    bare = bare_clause(clause)
    changes_a_file = _EDIT.match(bare) or _FILE_OP.match(bare) or _GIT_CHANGE.search(sentence)
    if changes_a_file and links_a_file(context, sentence):
        return True
    if _VALUE_CHANGE.match(bare) and links_a_file(context, sentence):
        return True  # "Increase the memory: <the release's values file>"
    if _EDIT.match(bare) and links_a_folder(context, sentence):
        return True  # "Update the config of the DaemonSet here: <its folder>"
    if _SHOWN_TEXT.search(sentence) and EDIT_VERB.search(clause):
        return True
    return _BY_MEANS.search(sentence) is not None


def _edit_before_in_list(context: CheckContext, block: Block, sentence: str) -> bool:
    """Whether a PR or merge carries an edit of a named file that an item just before it in
    the same list asks for ("1. Edit the [fastly logs Terraform][x]. ... 3. Raise a PR, get a
    review, merge and deploy")."""
    if not _GIT_CHANGE.search(sentence):
        return False
    lines = context.document.lines
    for item in list_items_before(context, block, FORM_STEPS):
        text = read_block(lines, item).text
        if EDIT_VERB.search(text) and (
            links_a_file(context, text) or any(p.search(text) for p in (_FILE, _REPO_FILE))
        ):
            return True
    return False


def _under_an_edit(context: CheckContext, block: Block) -> bool:
    """Whether a list item details an edit of a named file that its lead-in asks for ("you
    should edit the `rds.tfvars` file ... and add the following:" then "* Change `x` from
    false to true"): the item is what to write, the file where."""
    lead = lead_in(context, block)
    if lead is None:
        return False
    text = read_block(context.document.lines, lead).text
    return any(
        EDIT_VERB.search(sentence.text) is not None
        and any(p.search(sentence.text) for p in (_FILE, _REPO_FILE, _FILE_NOUN))
        for sentence in sentences(text)
    )


_DO_THIS = re.compile(
    r"^\W*(?:(?:you|we)\s+(?:can|could|should|may|might|must|need\s+to|have\s+to"
    r"|will\s+(?:need|have)\s+to)\s+)?(?:do|achieve|accomplish|perform)\s+(?:this|that|so|it)\s+"
    r"(?:by|with|using|via|through|from)\b"
    r"|^\W*(?:this|that|it)\s+can\s+be\s+done\s+(?:by|with|using|via|through|from)\b"
    r"|^\W*(?:to\s+do\s+(?:this|that|so)\b"
    r"|(?:(?:you|we)\s+(?:can|could|should)\s+)?do\s+(?:one|either|any)\s+of\s+the\s+following)",
    re.IGNORECASE,
)
"""The words right after a change that say how it is done: "You can do this by getting to the
container console with ...", "This can be done by using ...", "To do this, ...", "You can do
one of the following:"."""


def _says_how_next(text: str) -> bool:
    """Whether a sentence right after a change points at how or says how it is done."""
    return points_at_how(text) or _DO_THIS.match(text) is not None


_SUMMARY_REACH = 3
"""How many blocks after a section's opening paragraph its commands or sub-sections may start."""


def _section_summary(context: CheckContext, block: Block) -> bool:
    """Whether the change is said in the paragraph that opens its section, and the blocks right
    after it carry the section's procedure out (commands that change something, not only
    read): the opening sums up what follows ("## Rollback" - "you can revert the set to its
    previous state." - "If it exists, delete it with:" and the command), and each step below
    is read on its own."""
    if block.kind != "paragraph" or block.list_depth:
        return False
    heading = block_before(context, block)
    if heading is None or heading.kind != "heading":
        return False
    following = blocks_after(context.document.blocks, block.span.end_line)
    for _, after in zip(range(_SUMMARY_REACH), following, strict=False):
        if after.kind == "heading":
            return False
        if after.kind == "code":
            return _changes(context, after)
    return False


def _changes(context: CheckContext, code: Block) -> bool:
    """Whether a code block holds a step that changes something (its tool writes or deletes)
    or a line of console code that does (`UPDATE ... SET`, `.destroy`)."""
    first, last = code.span.line, code.span.end_line
    if any(
        step.effect in ("write", "destructive")
        for step in context.graph.steps
        if step.source is not None and first <= step.source.line <= last
    ):
        return True
    return any(code_effect(line.text) is not None for line in code.lines)


def _pointer_before(context: CheckContext, block: Block, clause: str) -> bool:
    """Whether the paragraph right before the change points at how to do that very change
    ("Follow the [instructions for re-enabling an app](...)." then "you will need to re-enable
    all of them"): a link whose words hold the change's verb."""
    before = block_before(context, block)
    if before is None or before.kind != "paragraph":
        return False
    first = sentences(read_block(context.document.lines, before).text)
    verb = _VERB.match(bare_clause(clause))
    if not first or verb is None or not points_at_how(first[0].text):
        return False
    stem = re.sub(r"(?:e|es|ed|ing|s)$", "", verb.group(0).lower())
    return len(stem) >= 4 and any(
        stem in (link.group("label") or "").lower() for link in LINK.finditer(first[0].text)
    )


_VERB = re.compile(r"[A-Za-z][\w-]*")


def _pointer_after(hit: Hit) -> bool:
    """Whether the next sentence points at how or says how the change is done ("... you will
    need to reindex elasticsearch. Follow the guidance on [how to reindex][r]", "Downgrade
    chromium. You can do this by ..."): in the passage, or opening the paragraph after it."""
    sentence = hit.passage.sentence_at(hit.start)
    index = bisect_left(hit.passage.sentence_starts, sentence.start)
    following = hit.passage.sentences[index + 1 : index + 2]
    if following and _says_how_next(following[0].text):
        return True
    return _next_paragraph_says_how(hit.context, hit.passage.block)


def _next_paragraph_says_how(context: CheckContext, block: Block) -> bool:
    """Whether the paragraph right after a block opens by saying how ("You can do this by ...")."""
    after = block_after(context.document.blocks, block.span.end_line)
    if after is None or after.kind != "paragraph":
        return False
    first = sentences(read_block(context.document.lines, after).text)
    return bool(first) and _DO_THIS.match(first[0].text) is not None


def resolved_step(context: CheckContext, clause: str, step: Step, passage: Passage) -> bool:
    """`resolved_by_reference` for a step's text, and what comes right after the step: a code
    block that is not only reads (the content to write), or for a lead-in, a list (its
    details, "Apply the workspace:" and the linked workspaces)."""
    clause = CONNECTIVE.sub("", own_clause(clause))
    if _edits_a_file(clause, passage.text):
        return True
    sentence = sentence_from(context, step.source or passage.block.span)
    if _says_how_in_sentence(context, clause, sentence):
        return True
    if _AS_ABOVE.search(sentence) or _STEP_REFERENCE.search(passage.text):
        return True
    if _GIT_CHANGE.search(sentence) and (
        _REFERS_TO_CHANGES.search(sentence) or _change_shown_before(context, passage)
    ):
        return True
    blocks = context.document.blocks
    if code_follows(blocks, passage) and not code_only_reads(context, passage):
        return True
    if step.text.rstrip().endswith(":") and list_follows(blocks, passage):
        return True
    if step.source is None:
        return False
    block = block_at(context, step.source.line)
    if block is not None and (
        _STEP_REFERENCE.search(read_block(context.document.lines, block).text)
        or _under_an_edit(context, block)
        or _edit_before_in_list(context, block, sentence)
        or contents_item(context, block)
        or item_details(context, block)
        or _fills_shown(context, clause, block)
    ):
        return True
    if _heading_names_place(context, step.source.line) or _console_opened(
        context, step.source.line
    ):
        return True
    block = block_at(context, step.source.line)
    if block is not None and _pointer_before(context, block, clause):
        return True
    return _place_before_step(context, step.source, clause) or _pointer_after_step(
        context, step.source
    )


def _pointer_after_step(context: CheckContext, span: Span) -> bool:
    """`_pointer_after` for a step: the sentence after it in its block (read across line
    breaks), or the paragraph after its block."""
    block = block_at(context, span.line)
    if block is None:
        return False
    if (span.end_line, span.end_column) < (block.span.end_line, block.span.end_column):
        rest_span = Span(
            line=span.end_line,
            column=span.end_column + 1,
            end_line=block.span.end_line,
            end_column=block.span.end_column,
        )
        rest = read_block(context.document.lines, replace(block, span=rest_span)).text
        following = sentences(rest.strip())
        if following and _says_how_next(following[0].text):
            return True
    return _next_paragraph_says_how(context, block)


_SHOWN_VALUE = re.compile(
    r"^[a-z]+\s+(?:this|that|these|those)\s+(?:values?|settings?|numbers?|fields?|lines?"
    r"|parameters?|options?|keys?|counts?|limits?)\b",
    re.IGNORECASE,
)


def _fills_shown(context: CheckContext, clause: str, block: Block) -> bool:
    """Whether the change is to a value the code block right before it shows ("... parallelism:
    4 ...", then "You may need to increase this value"): the content is shown, the change is
    to it."""
    if _SHOWN_VALUE.match(bare_clause(clause)) is None:
        return False
    before = block_before(context, block)
    return before is not None and before.kind == "code"


def _place_before_step(context: CheckContext, span: Span, clause: str) -> bool:
    """`_place_before` for a step: the sentence before it (on its line, or ending the line
    before in the same paragraph) names the system, or links the thing "this" changes."""
    lines = context.document.lines
    line = lines[span.line - 1]
    start = sentence_at(line, span.column - 1)
    if start is not None and start.start > 0:
        found = sentence_at(line, max(0, start.start - 2))
        previous = line[found.start : found.end] if found is not None else ""
    elif span.line > 1 and lines[span.line - 2].strip():
        above = lines[span.line - 2].rstrip()
        found = sentence_at(above, max(0, len(above) - 1))
        previous = above[found.start : found.end] if found is not None else above
    else:
        return False
    if _PLACE.search(previous):
        return True
    return bool(_THIS.match(clause)) and bool(ANY_LINK.search(previous))


def _change_shown_before(context: CheckContext, passage: Passage) -> bool:
    """Whether a code block of content (a config or a diff: no command in it) comes earlier in
    the passage's section: the change a PR then carries."""
    for block in reversed(context.document.blocks):
        if block.span.line >= passage.block.span.line:
            continue
        if block.kind == "heading":
            return False
        if block.kind == "code" and any(line.text.strip() for line in block.lines):
            steps = [
                step
                for step in context.graph.steps
                if step.source is not None
                and block.span.line <= step.source.line <= block.span.end_line
            ]
            if not steps:
                return True  # content to write (a config, a diff), not commands
    return False


def _place_before(hit: Hit) -> bool:
    """Whether the sentence right before the change, in the same passage, names the system it
    is done in (a capitalised name after in/on/via, a link) and the change names no other."""
    sentence = hit.passage.sentence_at(hit.start)
    index = bisect_left(hit.passage.sentence_starts, sentence.start)
    if index == 0:
        return False
    previous = hit.passage.sentences[index - 1].text
    if _PLACE.search(previous):
        return True
    # "[ElasticsearchPresenter][x]. Modify this if ...": what it changes is the thing linked
    return bool(_THIS.match(own_clause(hit.words))) and bool(ANY_LINK.search(previous))


_THIS = re.compile(r"^[a-z]+\s+(?:this|it|that)\b", re.IGNORECASE)


_PLACE = re.compile(
    r"\b(?:in|on|via|using|through|from)\s+\[?(?:the\s+)?(?-i:[A-Z][\w.-]*(?:'s|\u2019s)?)"
    r"(?:\s+(?:dashboard|console|UI|portal|app|settings))?",
    re.IGNORECASE,
)


@dataclass(init=False, repr=False, eq=False)
class _Action(Value):
    """A change instruction of the document: its verbs and object words (stemmed), and
    whether its passage says how (a command, a tool, a code block or a list after it)."""

    line: int
    verbs: frozenset[str]
    objects: frozenset[str]
    resolved: bool

    def __init__(
        self, line: int, verbs: frozenset[str], objects: frozenset[str], resolved: bool
    ) -> None:
        set_field(self, "line", line)
        set_field(self, "verbs", verbs)
        set_field(self, "objects", objects)
        set_field(self, "resolved", resolved)


def actions_saying_how(context: CheckContext, hits: list[Hit]) -> dict[str, list[_Action]]:
    """The change instructions of the document whose own passage says how, by verb."""
    found: dict[str, list[_Action]] = {}
    for hit in hits:
        if hit.match.group("clause") is None:
            continue
        verbs, objects = clause_verbs_and_objects(hit.words)
        resolved = (
            says_how_here(context, hit.passage)
            or names_system(hit.words)
            or section_details(context.document.blocks, hit.passage)
        )
        if resolved:
            for verb in verbs:
                found.setdefault(verb, []).append(_Action(hit.span.line, verbs, objects, resolved))
    return found


def is_said_elsewhere(
    context: CheckContext, actions: dict[str, list[_Action]], finding: Finding
) -> bool:
    """Whether the same change (a verb and, when it has one, its object) is said with how to
    do it elsewhere: a checklist item or intro ("Isolate affected instances") that a later
    section details, or "restart if necessary" before the restart commands. A change of "it"
    or "them" is of something its section names: the same verb said with how in that section
    is the same change ("you may need to rebuild it from scratch", then "Rebuild the entire
    search index:" and the command)."""
    verbs, objects = clause_verbs_and_objects(finding.evidence)
    pronoun = _PRONOUN_OBJECT.match(finding.evidence) is not None
    section = section_of(context, finding.span.line) if pronoun else None
    return any(
        action.line != finding.span.line
        and (
            not objects
            or objects & action.objects
            or (pronoun and section_of(context, action.line) == section)
        )
        for verb in verbs
        for action in actions.get(verb, ())
    )


_PRONOUN_OBJECT = re.compile(r"^[a-z-]+\s+(?:it|them)\b", re.IGNORECASE)
"""A change whose object is a pronoun: "rebuild it from scratch", "restart them"."""


def _heading_names_place(context: CheckContext, line: int) -> bool:
    """Whether the heading of the section a change is in names the system it is done in ("##
    Rotate credentials in AWS SecretsManager", then "edit the `username` key of the secret")."""
    heading = section_of(context, line)
    if heading == 0:
        return False
    return names_system(context.document.lines[heading - 1].lstrip("#").strip())


_CONSOLE_URL = re.compile(
    r"^https?://(?:[\w-]+\.)*(?:console\.(?:aws\.amazon|cloud\.google)\.com|portal\.azure\.com)"
    r"(?:[/?#]|$)",
    re.IGNORECASE,
)
"""A page of a cloud provider's web console (AWS, Google Cloud, Azure)."""


def _console_opened(context: CheckContext, line: int) -> bool:
    """Whether the section links a page of a cloud console before the change ("Open the
    following pages as separate tabs: [Cloud DNS zone](https://console.cloud.google.com/...)",
    then "Change the canonical name to ..."): the console is where the section's changes are
    made, its page the tool."""
    first = _console_links(context).get(section_of(context, line))
    return first is not None and first < line


def _console_links(context: CheckContext) -> dict[int, int]:
    """Per section (by its heading's line), the first line that links a cloud console's page,
    found once per document."""

    def find() -> dict[int, int]:
        found: dict[int, int] = {}
        for block in context.document.blocks:
            if block.kind == "code" or ("console" not in block.text and "portal" not in block.text):
                continue
            for link in LINK.finditer(block.text):
                if _CONSOLE_URL.match(link.group("url") or link.group("bare") or ""):
                    found.setdefault(section_of(context, block.span.line), block.span.line)
                    break
        return found

    return context.once("RB108-consoles", find)


def _done_after(hit: Hit) -> bool:
    """Whether a change said in the passive ("API keys should be rotated every 6 months") is
    carried out by the instructions right after it in its passage, which name where they are
    done ("Create a new key in the dashboard ..., and update the secret in Vault"): the passive
    says what is due, the instructions say how."""
    if hit.match.group("passive") is None:
        return False
    sentence = hit.passage.sentence_at(hit.start)
    index = bisect_left(hit.passage.sentence_starts, sentence.start)
    following = hit.passage.sentences[index + 1 : index + 3]
    return any(is_instruction(s.text) and names_system(s.text) for s in following)
