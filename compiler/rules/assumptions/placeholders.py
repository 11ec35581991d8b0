"""RB107 undeclared-placeholder: a placeholder (`$NAMESPACE`, `<pod>`) not declared in `inputs`."""

from __future__ import annotations

import re
from collections.abc import Iterator

from compiler.parse import Block, InlineCode
from compiler.placeholders import PLACEHOLDER, input_key, placeholder_name, raw_name
from compiler.records import Span
from compiler.rules import CheckContext, Finding, RuleDoc, rule
from compiler.rules.assumptions.scan import instructs, with_model_flags
from compiler.rules.regions import Passage, Region, command_regions, matches, step_at
from compiler.text.shell import TYPED_AT_PROMPT
from compiler.text.task_boxes import LOOSE_TASK_BOX

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
_OUTPUT_MARKS = frozenset(
    {"none", "nil", "null", "pending", "unknown", "unnamed", "invalid", "empty", "snip", "snipped"}
    | {"truncated", "omitted", "redacted", "elided", "...", "output"}
)
"""What programs print in angle brackets (`<none>`, `<pending>`) and what an author writes
where output was cut (`<snip>`): shown, nothing to fill in."""
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
        return name.lower() not in _HTML_TAGS and name.lower() not in _OUTPUT_MARKS
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
        "commands and in inline code anywhere in the prose, and the written fillers (`<name>`, "
        "`my-service`, `XXXX`, `/path/to/...`) in every other code block of any language (a "
        "YAML or INI snippet, a query; not markup, not a block a lead-in announces as output, "
        "not a log line or a printed result, not what a console printed after a command typed at "
        "its prompt, not the snippet's own `${var}`), that front matter "
        '`inputs` does not declare and the prose (or a code comment, "# Replace <pod> with '
        '..." ) does not say how to fill (matched case-insensitively, `-` = '
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
@with_model_flags("RB107")
def undeclared_placeholder(context: CheckContext) -> Iterator[Finding]:
    known: tuple[set[str], dict[str, bool]] | None = None  # read at the first placeholder
    found = [
        (span, match, region.step)
        for region in [*command_regions(context), *_inline_code_regions(context, PLACEHOLDER)]
        for span, match in matches(context, region, PLACEHOLDER)
        if _is_real_placeholder(match)
    ] + [
        (span, match, region.step)
        for region in _code_block_regions(context)
        for span, match in matches(context, region, PLACEHOLDER)
        if _is_real_placeholder(match)
        and _written_filler(match)
        and not _assigned_value(context, span)
    ]
    described = _described_only(context) if found else set()
    asked = {
        placeholder_name(m) for span, m, _ in found if (span.line, span.column) not in described
    }
    seen: set[str] = set()  # once per distinct placeholder in the document, on its first line
    for span, match, step in sorted(found, key=lambda item: (item[0].line, item[0].column)):
        if placeholder_name(match) not in asked:
            continue  # only ever in a naming pattern or shown output: nothing to fill in
        name = raw_name(match)
        if known is None:
            inputs = {input_key(key) for key in context.meta.inputs}
            known = (inputs | _described(context), _assigned_names(context))
        declared, assigned = known
        if input_key(name) in declared or placeholder_name(match) in seen:
            continue
        if _EXAMPLE.search(match.group(0)) or _named_in_prose(context, name):
            continue  # "<domain e.g. d000.cloudfront.net>", "<EDITION_ID>" after "the edition ID"
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
            if _describes(sentence.text) or _LEGEND.match(sentence.text):
                names |= {input_key(raw_name(m)) for m in PLACEHOLDER.finditer(sentence.text)}
    for block in context.document.blocks:  # "# Replace <pod> with a pod from the list above"
        for line in block.lines if block.kind == "code" else ():
            comment = _COMMENT.match(line.text)
            if comment and PLACEHOLDER.search(comment[1]) and _FILL.search(comment[1]):
                names |= {input_key(raw_name(m)) for m in PLACEHOLDER.finditer(comment[1])}
    return names


_COMMENT = re.compile(r"\s*(?:#|//|--)\s+(.*)")
"""A comment line of a code block (shell, Ruby, Python, YAML; JavaScript; SQL)."""
_FILL = re.compile(r"\b(?:replace|substitute|fill\s+in)\b", re.IGNORECASE)


_LEGEND = re.compile(
    r"\W*`[^`]+`\s*(?:to|is|are|means|[:=\u2013\u2014-])\s+(?:the|a|an|your)\b", re.I
)
"""A legend line: "`<env>` to the target environment identifier", "`$NS` - the namespace"."""
_AT_CODE = re.compile(r"\s*\x00")


def _describes(sentence: str) -> bool:
    """Whether a sentence says where a value comes from or how to fill it in. "from the"
    right before inline code that holds the placeholder names the place an action is done
    ("execute `terraform apply` from the `core-vpc-$environment` workspace"): the value is
    used there, not described."""
    text = _CODE.sub(lambda code: " \x00 " if PLACEHOLDER.search(code[0]) else " ", sentence)
    return any(
        not (match.group(0).lower().startswith("from") and _AT_CODE.match(text, match.end()))
        for match in _DESCRIBES.finditer(text)
    )


_EXAMPLE = re.compile(
    r"\b(?:e\.g\.|for\s+example|such\s+as|like)\s|(?<![a-z])defaults?(?:[\s_-]+to)?[\s_:=-]+\w",
    re.IGNORECASE,
)
"""A placeholder that gives its own example or default ("<branch-defaults-to-main>"): it
says what goes there."""
_NAME_WORDS = re.compile(r"[a-z0-9]+")
_FILLERS = frozenset({"your", "my", "the", "a", "an", "new", "old", "some", "example"})


def _named_in_prose(context: CheckContext, name: str) -> bool:
    """Whether the prose says where the value of a placeholder of two or more words comes from,
    naming it as a phrase outside code ("<EDITION_ID>" after "find the edition ID",
    "<your-domain-name>" in a procedure for "the domain name(s) you want a certificate for")."""
    words = [w for w in _NAME_WORDS.findall(name.lower()) if w not in _FILLERS]
    if len(words) < 2:
        return False
    phrases = context.once("prose-phrases", lambda: _prose_text(context))
    if re.search(r"\b" + r"[\s_-]+".join(map(re.escape, words)) + r"s?\b", phrases):
        return True
    # "<name of the role you want to assume>" after "the role you want to assume": what the
    # value is OF is a thing the prose has named
    head, of, tail = name.lower().partition(" of ")
    named = _NAME_WORDS.findall(tail)
    if not of or len(named) < 3 or len(head.split()) > 2:
        return False
    return re.search(r"\b" + r"\s+".join(map(re.escape, named)) + r"\b", phrases) is not None


def _prose_text(context: CheckContext) -> str:
    """The document's sentences that say where a value comes from or what it is for ("the
    edition ID found in the previous step", "the domain name that you want a certificate
    for"), lower case, inline code left out."""
    kept = []
    for passage in context.passages:
        for sentence in passage.sentences:
            text = _CODE.sub(" ", sentence.text)
            if _DESCRIBES.search(text) or _WANTED.search(text):
                kept.append(text)
    return "\n".join(kept).lower()


_WANTED = re.compile(r"\b(?:you|we)\s+(?:want|need|wish|are\s+(?:creating|adding|using))\b", re.I)


def _single_quoted(context: CheckContext, span: Span) -> bool:
    """Whether a position is inside '...' on its line, where the shell expands nothing."""
    before = context.document.lines[span.line - 1][: span.column - 1]
    return before.count("'") % 2 == 1


_NOT_WRITTEN = frozenset(
    {"html", "htm", "xhtml", "xml", "svg", "jsx", "tsx", "vue", "erb", "md", "mdx"}
    | {"log", "logs", "output", "diff"}
)
"""Languages whose `<name>` is a tag, and blocks of what a program printed: nothing in them is
a value to fill in."""
_SHOWS_OUTPUT = re.compile(
    r"\b(?:outputs?|logs?|logged|messages?|events?|errors?|alerts?|response|results?"
    r"|prints?|printed|returns?|returned|shows?|shown|displays?|indicates?|similar\s+to"
    r"|(?:appears?|looks?)\s+(?:something\s+)?like|as\s+follows"
    r"|(?:should|will|may|might|would|can)\s+(?:see|appear|show|print|return|give|display))\b",
    re.IGNORECASE,
)
"""Words of a lead-in that announces what a program prints or an alert says ("The error
message will appear as follows:", "You should see something like the following for each
host.", "A sample alert message is provided below,")."""
_RESULT_LINE = re.compile(r"\s*(?:=>|#<|[IWEF]\d{4}\s|\d{4}-\d\d-\d\d[T ]\d|\d\d:\d\d:\d\d|[<>]\s)")
"""A console's printed result (`=> #<Project id:1 foo/bar>`), a log line that opens with its
time (`I1130 12:15:18.63 ...`, `2025-04-18T07:28:00Z ...`), a header curl printed (`< Age: 3`)."""
_PROSE_LINE = re.compile(r"(?:\s*<[^<>]+>)*\s*[A-Z][a-z]+(?:\s+(?:[A-Za-z-]+|<[^<>]+>)){3,}[\s.,]*")
"""A line of a code block that is a sentence ("Storage node <name> went down. Please check
the node"): an alert's or a program's message, not something to type."""


def _shows_output(block: Block) -> bool:
    """Whether a block is a lead-in that announces output, for the code block after it: its
    last sentence speaks of output, logs, messages or what will be seen."""
    if block.kind != "paragraph":
        return False
    last = re.split(r"(?<=[.!?])\s+(?=\S)", block.text.strip())[-1]
    return _SHOWS_OUTPUT.search(last) is not None


_CLOSING_TAG = re.compile(r"</[A-Za-z]|/>")
_ASSIGNED_VALUE = re.compile(r"(?:^|[\s;(])(?:export\s+)?[A-Za-z_]\w*=\S*$")


def _assigned_value(context: CheckContext, span: Span) -> bool:
    """Whether a placeholder is the value a shell variable is assigned (`NAMESPACE='<from the
    alert>'`): it is reported once, where the variable is used ("assigned from a
    placeholder")."""
    before = context.document.lines[span.line - 1][: span.column - 1]
    return _ASSIGNED_VALUE.search(before) is not None


def _written_filler(match: re.Match[str]) -> bool:
    """Whether a placeholder outside a command is a value written to be replaced (`<name>`,
    `my-service`, `XXX`, `/path/to/...`), not a variable of the snippet's own language
    (Terraform's `${cluster_base_domain}`, a template's `{{ name }}`, Ruby's `$stdout`)."""
    if match.group("angle") and match.string[max(0, match.start() - 1) : match.start()] == "#":
        return False  # Ruby's inspect of an object: `#<HTTPClient::SendTimeoutError: ...>`
    return not (match.group("brace") or match.group("dollar") or match.group("mustache"))


def _printed_lines(context: CheckContext, block: Block) -> set[int]:
    """The lines of a console transcript that the console printed: in a block where a command
    step was typed after a prompt (`$ knife user show x`, `web-1 $ systemctl status x`), each
    line no command step covers, unless typed at a prompt of its own (LABELLING: output of a
    command is nothing to fill in). None for a block with no prompted command (a YAML or INI
    snippet is all written)."""
    first, last = block.span.line, block.span.end_line
    typed: set[int] = set()
    prompted = False
    for bound in context.graph.bound.values():
        span = bound.draft.span
        if bound.draft.command is None or not first <= span.line <= last:
            continue
        typed.update(range(span.line, span.end_line + 1))
        before = context.document.lines[span.line - 1][: span.column - 1].strip()
        prompted = prompted or (bool(before) and before[-1] in "$#>%\u276f")
    if not prompted:
        return set()
    lines = context.document.lines
    return {
        number
        for number in range(first, last + 1)
        if number not in typed and not TYPED_AT_PROMPT.match(lines[number - 1])
    }


def _code_block_regions(context: CheckContext) -> Iterator[Region]:
    """Every line of every code block (any language: YAML, INI, Ruby, untagged) that holds a
    placeholder, so a value the reader must invent in a config snippet is read as it is in a
    command (LABELLING: "in prose or in any code block of any language"). Markup is left out:
    its `<name>` is a tag."""
    blocks = context.document.blocks
    for index, block in enumerate(blocks):
        if block.kind != "code" or block.info.split(" ")[0].lower().strip("{}.") in _NOT_WRITTEN:
            continue
        if any(_CLOSING_TAG.search(line.text) for line in block.lines):
            continue  # untagged HTML or XML
        if index > 0 and _shows_output(blocks[index - 1]):
            continue  # "The error message will appear as follows:" and what a program printed
        printed: set[int] | None = None
        for line in block.lines:
            if not PLACEHOLDER.search(line.text) or _RESULT_LINE.match(line.text):
                continue
            if printed is None:
                printed = _printed_lines(context, block)
            if line.line in printed:
                continue
            if _PROSE_LINE.match(line.text) and not line.text.rstrip().endswith(":"):
                continue
            span = Span(
                line=line.line,
                column=line.column,
                end_line=line.line,
                end_column=line.column + max(len(line.text), 1) - 1,
            )
            yield Region(step_at(context, span) or "", span, command=False, text=line.text)


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


_OUTPUT_BEFORE = re.compile(
    r"\b(?:saying|says|reads?|shows?|prints?|looks?\s+like|like|such\s+as|e\.g\.,?|for\s+example,?"
    r"|named|called)\s*:?\s*$",
    re.IGNORECASE,
)
_PROSE_WORD = re.compile(r"[A-Za-z]{2,}")


def _described_only(context: CheckContext) -> set[tuple[int, int]]:
    """Where placeholders sit in inline code of a sentence that tells the reader nothing to do
    (a naming pattern, "Backups land in `backup.<unix timestamp>.xbstream`") or that shows
    what output looks like ("error logs saying `fork failed: <reason>`"), as (line, column):
    the reader fills in no value there. A sentence that is the code alone (a list item of
    commands) is read as the command it is."""
    spots: set[tuple[int, int]] = set()
    for passage in context.passages:
        for code in passage.block.inline_code:
            if PLACEHOLDER.search(code.text) and _only_described(passage, code):
                spots |= {
                    (span.line, span.column)
                    for span, _ in matches(context, _code_region(code), PLACEHOLDER)
                }
    return spots


def _code_region(code: InlineCode) -> Region:
    span = Span(
        line=code.line,
        column=code.column,
        end_line=code.line,
        end_column=code.column + len(code.text) + 1,
    )
    return Region("", span, command=False, text=code.text)


def _only_described(passage: Passage, code: InlineCode) -> bool:
    start = 0
    while (found := passage.text.find(code.text, start)) >= 0:
        start = found + 1
        if passage.span(found, found + 1).line != code.line:
            continue
        before = max(0, found - 1)
        if _OUTPUT_BEFORE.search(passage.text, 0, before):
            return True
        if _USED_BEFORE.search(passage.text, 0, before):
            return False  # "For DB: `ssh <user>@<host>`", "(usually with `service <name> status`)"
        sentence = LOOSE_TASK_BOX.sub("", passage.sentence_at(found).text, count=1)
        words = _PROSE_WORD.findall(_INLINE.sub(" ", sentence))
        return len(words) >= 3 and not instructs(sentence)
    return False


_INLINE = re.compile(r"`[^`\n]*`")
_USED_BEFORE = re.compile(
    r"(?::|\b(?:with|using|via|run|running|execute|executing|type|enter|invoke))\s*$", re.IGNORECASE
)
"""Code a label or a verb of use introduces: a command to run, whatever the sentence is."""
