"""RB0xx: source and structure — what the compiler could read, and what it could not."""

from __future__ import annotations

from collections.abc import Iterator

from compiler.records import Span
from compiler.rules import CheckContext, Finding, Rule, RuleDoc, declare, rule
from compiler.rules.regions import incident_record, title_span

declare(
    Rule(
        "RB001",
        "unreadable-source",
        "fatal",
        blocking=True,
        signoff=False,
        summary="The file is binary or not valid UTF-8.",
        docs=RuleDoc(
            what="Reports a runbook file that cannot be read or decoded as UTF-8 text, or "
            "that (or whose sidecar) resolves outside the tree being compiled, such as a "
            "symlink to /etc/passwd: that file is never read.",
            why="A runbook the compiler cannot read cannot be compiled; guessing an encoding "
            "could silently change commands.",
            example="A runbook saved as UTF-16 or Latin-1 by an editor, or a PDF renamed to .md.",
            instead="Save the file as UTF-8 (`iconv -f latin1 -t utf-8 old.md > runbook.md`).",
        ),
        reported_by="parser",
    )
)
declare(
    Rule(
        "RB002",
        "source-too-large",
        "fatal",
        blocking=True,
        signoff=False,
        summary="The file is larger than the configured limit.",
        docs=RuleDoc(
            what="Reports a runbook over the size limit (256 KiB by default, `max-bytes`).",
            why="Runbooks that large are usually generated dumps, not procedures; the cap keeps "
            "compiles fast and bounded.",
            example="A 2 MiB markdown export of a wiki space.",
            instead="Split it into one runbook per alert or procedure, or raise `max-bytes` in "
            "`[tool.runbookc]` if the file really is one procedure.",
        ),
        reported_by="parser",
    )
)
declare(
    Rule(
        "RB003",
        "invalid-front-matter",
        "fatal",
        blocking=True,
        signoff=False,
        summary="The YAML front matter cannot be parsed or has a field of the wrong type.",
        docs=RuleDoc(
            what="Reports front matter that is not valid YAML, not a mapping, never closed, or "
            "has a known field of the wrong shape.",
            why="Front matter declares the owner, inputs, contacts and escalation that other "
            "checks rely on; a typo there would silently disable them.",
            example="---\nowner: [team-payments\nescalation: payments-oncall\n---",
            instead="---\nowner: team-payments\n"
            "escalation: {role: payments-oncall, after: 15m}\n---",
        ),
        reported_by="parser",
    )
)
declare(
    Rule(
        "RB005",
        "empty-source",
        "fatal",
        blocking=True,
        signoff=False,
        summary="The file is empty.",
        docs=RuleDoc(
            what="Reports a runbook file with no content.",
            why="An empty file compiles to nothing an agent can follow; it is almost always a "
            "mistake in a rename or a merge.",
            example="(a zero-byte `restart-payments.md`)",
            instead="Write the procedure, or delete the file.",
        ),
        reported_by="parser",
    )
)


@rule(
    "RB004",
    "dropped-source",
    "error",
    blocking=True,
    signoff=False,
    summary="The markdown parser dropped a line of the source.",
    docs=RuleDoc(
        what="Reports non-blank source lines that no parsed block accounts for, such as "
        "content nested deeper than the parser's limit of 20 levels.",
        why="markdown-it-py silently stops parsing past its nesting limit. Text that vanishes "
        "from the compiled runbook is an instruction the agent will never see.",
        example="> > > > > > > > > > > > > > > > > > > > > Delete the old volume first.",
        instead="Flatten the nesting: use at most a few levels of lists or quotes.",
    ),
)
def dropped_source(context: CheckContext) -> Iterator[Finding]:
    lines = context.document.lines
    for number in context.document.dropped_lines:
        text = lines[number - 1]
        column = len(text) - len(text.lstrip()) + 1
        span = Span(line=number, column=column, end_line=number, end_column=len(text.rstrip()))
        yield Finding(
            "RB004",
            span,
            "the markdown parser dropped this line; it is not in the artifact",
            "reduce the nesting depth of lists and block quotes",
            text,
        )


@rule(
    "RB008",
    "unplaced-instruction",
    "error",
    blocking=True,
    signoff=True,
    summary="An instruction or command in the source is in no step of the artifact.",
    docs=RuleDoc(
        what="Reports an instruction-like sentence or a command line that the extractor could "
        "not place in any step: an imperative in a cell of a table of data, a prompted or known "
        "command in a code block that was read as output, an instruction sentence no step holds.",
        why="An agent sees only the artifact. An instruction that silently vanished between the "
        "source and the step graph is never run, and a runbook whose risky part was dropped "
        "could otherwise compile `ready`.",
        example="| Field | Notes |\n| --- | --- |\n| claim | Delete the stuck PVC. |",
        instead="Write the instruction as a list item or a command block under the section it "
        "belongs to:\n\n### If pods are pending\n\n1. Delete the stuck PVC: `oc delete pvc "
        "<name>`",
    ),
)
def unplaced_instruction(context: CheckContext) -> Iterator[Finding]:
    for issue in context.extraction_issues:
        if issue.kind == "unplaced-instruction":
            yield Finding(
                "RB008",
                issue.span,
                f"this {issue.detail or 'instruction'} is in no step of the artifact",
                "write it as a step (list item or command block), or sign off that it is "
                "not an instruction",
                issue.evidence,
            )


@rule(
    "RB006",
    "no-procedure",
    "warning",
    blocking=False,
    signoff=True,
    summary="No step could be extracted from the runbook.",
    docs=RuleDoc(
        what="Reports a runbook from which no step was extracted: no list items, commands or "
        "instructions in a procedural section.",
        why="An agent given an empty step graph has nothing to follow and will improvise.",
        example="# Disk full\n\nThis alert means the disk is full. Fix it.",
        instead="## Mitigation\n\n1. Find the largest directories:\n\n"
        "   ```console\n   $ du -xh /var | sort -h | tail\n   ```",
    ),
)
def no_procedure(context: CheckContext) -> Iterator[Finding]:
    if any(s.source is not None for s in context.graph.steps):
        return
    span = title_span(context)
    if incident_record(context):
        yield Finding(
            "RB006",
            span,
            "no steps: an incident record (key events, resolution, review actions) tells what "
            "was done, not what to do",
            "keep the record out of the runbooks an agent loads, or sign off that it holds no "
            "procedure",
            context.meta.id,
        )
        return
    yield Finding(
        "RB006",
        span,
        "no steps found: no list, command or instruction in a procedural section",
        "add a `## Mitigation` or `## Steps` section with numbered steps or commands",
        context.meta.id,
    )


@rule(
    "RB007",
    "duplicate-step-id",
    "info",
    blocking=False,
    signoff=True,
    summary="Two steps have the same section and wording, so their ids differ only by a suffix.",
    docs=RuleDoc(
        what="Reports a step whose id, derived from its section and words, repeats an earlier "
        "step's; it gets a numeric suffix.",
        why="Step ids anchor sign-offs and audit logs. A suffix depends on order, so moving "
        "one copy can move a sign-off to the other.",
        example="## Mitigation\n\n```console\n$ oc get pods\n```\n\n...\n\n```console\n"
        "$ oc get pods\n```",
        instead="Put repeated steps under their own sub-headings, or say why the step "
        'repeats ("Check the pods again after the restart").',
    ),
)
def duplicate_step_id(context: CheckContext) -> Iterator[Finding]:
    for issue in context.graph.issues:
        if issue.kind == "duplicate-step-id":
            yield Finding(
                "RB007",
                issue.span,
                f"step id `{issue.step}` repeats an earlier step ({issue.detail})",
                "move the repeated step under its own heading or reword it",
                issue.evidence,
                issue.step,
            )
