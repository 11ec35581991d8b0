"""RB107 undeclared-placeholder: a placeholder (`$NAMESPACE`, `<pod>`) not declared in `inputs`."""

from __future__ import annotations

import re
from collections.abc import Iterator

from compiler.parse import InlineCode
from compiler.placeholders import PLACEHOLDER, placeholder_name, raw_name
from compiler.records import Span
from compiler.rules import CheckContext, Finding, RuleDoc, rule
from compiler.rules.assumptions.scan import _instructs, _norm, _with_model_flags
from compiler.rules.regions import Passage, Region, command_regions, matches, step_at

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
        return name.lower() not in _HTML_TAGS and name.lower() != "none"
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
        "commands and in inline code anywhere in the prose, that front matter `inputs` does "
        "not declare and the prose does not say how to fill (matched case-insensitively, `-` = "
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
@_with_model_flags("RB107")
def undeclared_placeholder(context: CheckContext) -> Iterator[Finding]:
    known: tuple[set[str], dict[str, bool]] | None = None  # read at the first placeholder
    found = [
        (span, match, region.step)
        for region in [*command_regions(context), *_inline_code_regions(context, PLACEHOLDER)]
        for span, match in matches(context, region, PLACEHOLDER)
        if _is_real_placeholder(match)
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
            inputs = {_norm(key) for key in context.meta.inputs}
            known = (inputs | _described(context), _assigned_names(context))
        declared, assigned = known
        if _norm(name) in declared or placeholder_name(match) in seen:
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
            if _DESCRIBES.search(_CODE.sub(" ", sentence.text)):
                names |= {_norm(raw_name(m)) for m in PLACEHOLDER.finditer(sentence.text)}
    return names


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
    return re.search(r"\b" + r"[\s_-]+".join(map(re.escape, words)) + r"s?\b", phrases) is not None


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
        sentence = _CHECKBOX.sub("", passage.sentence_at(found).text, count=1)
        words = _PROSE_WORD.findall(_INLINE.sub(" ", sentence))
        return len(words) >= 3 and not _instructs(sentence)
    return False


_INLINE = re.compile(r"`[^`\n]*`")
_USED_BEFORE = re.compile(
    r"(?::|\b(?:with|using|via|run|running|execute|executing|type|enter|invoke))\s*$", re.IGNORECASE
)
"""Code a label or a verb of use introduces: a command to run, whatever the sentence is."""
_CHECKBOX = re.compile(r"^\W*\[[ xX]?\]\s*")
