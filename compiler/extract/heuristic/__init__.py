"""Deterministic, offline step extraction from runbooks as people write them.

Steps come from list items, instructional paragraphs and shell commands in procedural
sections (Diagnosis, Mitigation, Steps, ...). A paragraph that introduces a code block becomes
the commands' note, or a decision whose branch is those commands when it states a condition.

`extract` walks a document's blocks in source order. The parts, each importing only the ones
listed before it: `shared` (sentences, a sentence's condition), `spans` (where part of a block
is in the source), `sections` (what a block's headings say), `commands` (the commands of a code
block), `context` (the `cd`/`export` lines a command runs after), `jumps` (step references,
"stop here", "otherwise"), `drafts` (a draft step from a block), `asides` (what reads like an
instruction but is no step), `clauses` (one step per instruction of a clause), `sentence` (a
sentence's steps, decisions and branches), `paragraphs` (a paragraph's steps), `cases`
(mutually exclusive cases), `lead_ins` (a paragraph that introduces a code block).
"""

from __future__ import annotations

import re
from dataclasses import replace

from compiler.extract import DraftStep
from compiler.extract.heuristic.asides import quoted_example
from compiler.extract.heuristic.cases import (
    _case_lead,
    _CaseHeadings,
    _close_cases,
    _exclusive_cases,
)
from compiler.extract.heuristic.commands import COMMON_PROGRAMS, _commands, _query, _query_block
from compiler.extract.heuristic.context import ShellContext
from compiler.extract.heuristic.drafts import _command_step
from compiler.extract.heuristic.jumps import _edge_of_last
from compiler.extract.heuristic.lead_ins import (
    _asks_to_run,
    _condition_over,
    _described,
    _done_before_running,
    _introduced,
    _lead_ins,
    _numbered_from_first,
    _shows_output,
    _unshown_changes,
)
from compiler.extract.heuristic.paragraphs import (
    _CASE_LABEL,
    _COMMAND_CASE,
    _prose_steps,
    _statement_lists,
    contents_lists,
    described_items,
    linked_heading,
    table_cells,
)
from compiler.extract.heuristic.sections import is_procedural
from compiler.parse import Block, CodeLine, Document, readable_blocks
from compiler.records import Span


def extract(document: Document, programs: frozenset[str] = frozenset()) -> list[DraftStep]:
    """Draft steps of a document, in source order.

    `programs` are command names known to the registry: in a code block with no `$ ` prompts
    and no shell language tag, only lines starting with one of them (or a common shell
    command) are taken as commands; the rest is read as example output."""
    known = programs | COMMON_PROGRAMS
    source_lines = document.lines
    blocks = [
        part for block in readable_blocks(document) for part in _lone_commands(block, source_lines)
    ]
    context_of: dict[int, list[tuple[list[CodeLine], str]]] = {}
    commands_of = {
        i: []
        if _shows_output(blocks, i, known)
        else _query(blocks, i)
        or list(
            _commands(
                block,
                known,
                _asks_to_run(blocks, i) or (not block.info.strip() and _inline(block)),
                _described(blocks, i),
                context_of.setdefault(i, []),
            )
        )
        for i, block in enumerate(blocks)
        if block.kind == "code"
    }
    shell = ShellContext(document.lines)
    lead_ins = _lead_ins(blocks, commands_of)
    statements = _statement_lists(blocks)
    described = described_items(blocks)
    contents = contents_lists(document, blocks)
    consumed = set(lead_ins.values())
    drafts: list[DraftStep] = []
    open_cases: list[tuple[int, int]] = []  # (decision's draft index, its list depth)
    labelled: list[tuple[int, int | None]] = []  # "**Symptom:** fix" decisions, by list
    headings = _CaseHeadings(drafts)
    for index, block in enumerate(blocks):
        _close_cases(drafts, open_cases, block.list_depth if block.kind != "heading" else -1)
        if block.kind == "heading":
            headings.visit(block)
            drafts += linked_heading(blocks, index, document.lines)
        if block.kind == "table":
            drafts += [
                step
                for cell in table_cells(block, document.lines)
                for step in _prose_steps(cell, document.lines, is_procedural(block, False))
            ]
            continue
        if block.kind == "paragraph" and index not in consumed and _edge_of_last(block, drafts):
            continue
        if block.kind == "paragraph" and block.list_id in contents:
            continue  # a table of contents: the headed sections hold the steps
        if block.kind == "paragraph" and quoted_example(blocks, index, document.lines):
            continue  # "Good examples: > Reboot a machine"
        if block.kind == "paragraph" and index not in consumed:
            case = _case_lead(block, blocks[index + 1] if index + 1 < len(blocks) else None)
            listed = block.list_id in statements or index in described
            prose = replace(block, ordered=False) if listed else block
            found = [] if case else _prose_steps(prose, document.lines, is_procedural(block, False))
            labels_case = _CASE_LABEL.match(block.text) or _COMMAND_CASE.match(block.text)
            if found and found[0].branch_size and labels_case:
                labelled.append((len(drafts), block.list_id))
            if case is not None:
                open_cases.append((len(drafts), block.list_depth))
                found = [case]
            drafts += shell.attach(found)  # `Run \`kubectl ...\`` after `export`/`ssh HOST`
        elif block.kind == "code":
            shell.add(context_of.get(index, []))
            commands = commands_of[index]
            if index in lead_ins and commands:
                adjacent = lead_ins[index] == index - 1
                lead_in = blocks[lead_ins[index]]
                unshown = _unshown_changes(lead_in, document.lines, commands)
                if not unshown and adjacent:
                    unshown = _done_before_running(lead_in, document.lines)
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
            drafts += shell.attach(found)
    _close_cases(drafts, open_cases, -1)
    headings.close(0)
    _exclusive_cases(drafts, labelled)
    return _numbered_from_first(drafts)


_LONE_COMMAND = re.compile(
    r"`(?P<code>(?:sudo\s+)?[a-z][\w.+-]*\s(?=[\w\-./~$\"'<>|=*:@%(\[])[^`]+)`\.?$"
)
"""A command with its arguments in inline code, at the end of a paragraph (a metric and its
labels, `name {...}`, or a formula, `load_1m minus vcpus`, is none)."""
_LEADS_IN = re.compile(
    r"(?:[:.!?)]|\b(?:run|execute|use|using|via|with|command|following|below|type|enter|issue"
    r"|do))\s*$",
    re.IGNORECASE,
)
"""Words that end before a command on a line of its own: a sentence or a lead-in ("run",
"using the following"), not a sentence going on ("such as `oc exec` and / `oc logs`.")."""
_PROMPTED_ITEM = re.compile(
    r"^\$\s+(?:sudo\s+)?(?!(?:is|are|was|were|the|a|an|of|to|in|on|and|or|for|per|each)\b)"
    r"[a-z][\w.+-]*\s+\S"
)
"""A list item written as a shell prompt and its command."""
_COMMAND_LABEL = re.compile(
    r"^\s*(?:[A-Z][\w ]{0,30}|(?:for|on|in|with)\s+[^:`]{1,40}):\s*$", re.IGNORECASE
)
"""A short label before a command on its line: "In GCE: `journalctl -u x`", "DB console: ..."."""


def _inline(block: Block) -> bool:
    """A code block read from a command in inline code (`_lone_commands`): written as a
    command, its program need not be known."""
    first = block.lines[0] if block.lines else None
    return first is not None and (block.span.line, block.span.column + 1) == (
        first.line,
        first.column,
    )


def _lone_commands(block: Block, lines: tuple[str, ...]) -> list[Block]:
    """A paragraph whose last lines are each only a command in inline code (in a list item,
    below the item's first line), perhaps after a short label ("Run the following command" /
    "`kubectl -n apps delete pod -l app=x`", both in one paragraph or not; "Rails console:
    `...`" / "DB console: `...`") is read as its words, then a code block of each such line: a
    command like any in a block, led in by the words (or the label) before it."""
    if block.kind != "paragraph":
        return [block]
    if block.list_depth and _PROMPTED_ITEM.match(block.text) and "\n" not in block.text:
        # "- $ knife search node role:x": an item that is a prompted command is one
        line = CodeLine(block.span.line, block.span.column, block.text)
        return [replace(block, kind="code", lines=(line,), inline_code=())]
    if not block.inline_code:
        return [block]
    if block.list_depth and block.inline_code[-1].line == block.span.line:
        return [block]  # "- `kubectl get pods`": an item that opens with its command is one
    parts: list[Block] = []
    while block.inline_code:
        code = block.inline_code[-1]
        lone = _LONE_COMMAND.search(block.text, max(len(block.text) - len(code.text) - 3, 0))
        source = lines[code.line - 1] if code.line <= len(lines) else ""
        before = source[: code.column - 1]
        label = _COMMAND_LABEL.match(before) if before.strip() else None
        if lone is None or lone.group("code") != code.text or (before.strip() and not label):
            break
        if source[code.column : code.column + len(code.text)] != code.text:
            break  # inline code over two source lines: no line of its own
        words = block.text[: lone.start()].rstrip()
        if words and label is None and not _LEADS_IN.search(words):
            break  # "... such as `oc exec` and / `oc logs`.": the sentence goes on
        command = replace(
            block,
            kind="code",
            span=Span(
                line=code.line,
                column=code.column,
                end_line=code.line,
                end_column=code.column + len(code.text) + 1,
            ),
            text=code.text,
            lines=(CodeLine(code.line, code.column + 1, code.text),),
            inline_code=(),
        )
        parts.insert(0, command)
        if label is not None:
            said = before.strip()
            column = len(before) - len(before.lstrip()) + 1
            span = Span(
                line=code.line, column=column, end_line=code.line, end_column=column + len(said) - 1
            )
            parts.insert(0, replace(block, span=span, text=said, inline_code=()))
            words = words[: len(words) - len(said)].rstrip()
        if not words or code.line == block.span.line:
            return parts
        end_line = code.line - 1
        end_column = max(len(lines[end_line - 1]), 1)
        block = replace(
            block,
            span=replace(block.span, end_line=end_line, end_column=end_column),
            text=words,
            inline_code=block.inline_code[:-1],
        )
    return [block, *parts]
