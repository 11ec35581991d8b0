"""RB108 implied-action-without-tool: an action a step asks for with no command or tool."""

from __future__ import annotations

import re
from collections.abc import Iterator

from compiler.parse import Block
from compiler.records import Span
from compiler.rules import CheckContext, Finding, RuleDoc, rule
from compiler.rules.assumptions.actions.asked import (
    TO_PEOPLE,
    expected_behaviour,
    given_as_example,
    in_a_ui,
    in_pointer,
    in_purpose_clause,
    in_quotation,
    in_time_clause,
    of_mind,
    pointed_to,
    points_to_steps,
    shown_as_example,
    theirs,
    use_of,
)
from compiler.rules.assumptions.actions.layout import (
    block_at,
    in_html_title,
    items_under_in_source,
    sentence_from,
)
from compiler.rules.assumptions.actions.said_elsewhere import (
    FILLS_IN,
    actions_saying_how,
    is_said_elsewhere,
    resolved_by_reference,
    resolved_step,
)
from compiler.rules.assumptions.actions.says_how import (
    INLINE_CODE,
    code_only_reads,
    command_in,
    item_details,
    leads,
    links_the_page,
    list_details,
    names_system,
    place_carries,
    place_named_before,
    query_follows,
    says_how_inline,
    step_says_how,
)
from compiler.rules.assumptions.actions.words import (
    CHANGE_CLAUSE,
    CHANGE_FIRST,
    IMPLIED_ACTION,
    LOOK_UP,
    bare_clause,
    gerund_of_change,
    own_clause,
)
from compiler.rules.assumptions.described import described
from compiler.rules.assumptions.scan import (
    TRIBAL,
    Hit,
    code_follows,
    expectation,
    instructs,
    scan_hits,
    with_model_flags,
)
from compiler.rules.regions import read_block


@rule(
    "RB108",
    "implied-action-without-tool",
    "warning",
    blocking=True,
    signoff=True,
    summary='An action the step asks for with no command or tool: "you can safely delete the pod".',
    docs=RuleDoc(
        what="Flags change instructions anywhere in the prose (delete, restart, scale, roll back, "
        '"take corrective measures", "add the node to the policy", "you will need more '
        'storage", ...) or a look-up in a named system or console ("check billing in Stripe", '
        '"check the cloud provider") that bind no tool and give no command: no command or tool '
        "in inline code (a file name or setting is not one, nor a link to documentation), no "
        "code block after it, no list after it that "
        "details it, and the same change is not said with how elsewhere in the document (an "
        "edit of a named file with its content, a PR of a change already shown, a place named "
        "in the sentence before or in the section's heading, a cloud console page the section "
        'opens, "as above", "You can do this by ..." right after it, a titled list item whose '
        "own body gives the command, a web page the sentence gives by its address or the item "
        "before opens, a pointer to that very change right before it, a pointer in the "
        "change's own sentence to the page of its written steps (\", see [Safely drain a "
        'node](.../docs/...)" after "Drain the node", the title holding the change\'s verb; '
        '"follow the steps described in `docs/queues.md`"; a link to a graph is where to look, '
        'not how), "using the same method '
        "as\" a step before, a section's opening summary with the changing commands right after "
        'it). Filling in a placeholder ("Modify `<VERSION>` with the version") is no change.',
        why="The agent has to invent how: it calls a `check_stripe` tool that does not exist, "
        "or runs whatever delete command looks right.",
        example="Check billing in Stripe for recent charges.",
        instead="Use `billing.get_charges` for the customer's charges in the last 30 days.",
    ),
)
@with_model_flags("RB108")
def implied_action(context: CheckContext) -> Iterator[Finding]:
    lines: set[int] = set()
    hits = list(
        scan_hits(
            context,
            CHANGE_CLAUSE,
            ("clause", "passive", "gerund", "noun", "outcome"),
            CHANGE_FIRST,
        )
    )
    actions = actions_saying_how(context, hits)
    for finding in [*_implied_in_steps(context), *_implied_in_prose(context, hits)]:
        if is_said_elsewhere(context, actions, finding):
            continue
        if finding.span.line not in lines:
            lines.add(finding.span.line)
            yield finding


def _implied_in_prose(context: CheckContext, hits: list[Hit]) -> Iterator[Finding]:
    """Change instructions anywhere in the prose whose passage gives no command, names no
    tool (inline code, a named system) and is not followed by a code block."""
    bound = {step.id for step in context.graph.steps if step.tool is not None}
    blocks = context.document.blocks
    for hit in hits:
        passage = hit.passage
        reads = leads(hit) and code_only_reads(context, passage)
        if hit.step in bound and not reads:
            continue  # the step names its tool (perhaps by alias: RB206 covers that)
        if hit.match.group("gerund") and not gerund_of_change(hit.match.group("gerund")):
            continue
        if (
            in_quotation(hit)
            or in_purpose_clause(hit)
            or in_time_clause(hit)
            or theirs(hit)
            or use_of(hit)
        ):
            continue  # it wasn't "We can either get you that list or fix the incident"
        if given_as_example(hit) or in_a_ui(context, passage.block):
            continue  # "(e.g. deploy a branch)", "Change the name" among the form's clicks
        if shown_as_example(context, passage.block) or of_mind(hit.words) or in_pointer(hit):
            continue  # "Good examples: > Reboot a machine", "increase your understanding"
        if FILLS_IN.match(hit.words):
            continue  # "Replace `[rds-hostname]` with the hostname": a command filled in
        if pointed_to(hit):
            continue  # "scale out by adding nodes (see [Add an instance](add.md))"
        if resolved_by_reference(context, hit):
            continue  # "Edit `values.yaml`", "merge the changes", "update the files as above"
        if passage.block.kind == "heading" or in_html_title(passage, hit.start):
            continue  # "<summary>Renew the keys</summary>": a title over the steps
        if command_in(context, passage):
            continue
        if (code_follows(blocks, passage) and not reads) or list_details(context, hit):
            continue
        if item_details(context, passage.block) or items_under_in_source(context, passage.block):
            continue  # "3. **Scale out the MDS:**" and the item's `oc patch ...`
        if hit.match.group("clause") and not instructs(hit.sentence):
            continue  # a passive "X needs to be replaced" instructs with no "you"
        if described(context, passage, hit.sentence):
            continue  # "`idx_tup_read` should increase over time" in a description
        if not hit.match.group("clause") and _what_it_does(hit.sentence):
            continue  # "This will start draining the runner": what a command does
        if hit.match.group("clause") and expected_behaviour(hit):
            continue  # "The structure should be flexible and scale with the incident"
        clause = hit.match.group("clause")
        if names_system(own_clause(clause or hit.words), passage.text, hit.start):
            continue  # "update the incident in PagerDuty": the tool is named
        if TRIBAL.search(own_clause(hit.words)):
            continue  # "reinstate our default rules": RB104 names what is missing
        if TO_PEOPLE.match(hit.words):
            continue
        if place_carries(hit):
            continue  # "log in to the [Customer Portal] and open a support case"
        yield Finding(
            "RB108",
            hit.span,
            f'"{hit.words}" asks for an action but names no tool or command',
            "name the registry tool (inline code) or give the exact command in a code block",
            hit.words,
            hit.step,
        )


def _pointed_to_in_source(context: CheckContext, source: Span, words: str) -> bool:
    """`points_to_steps` read in the step's whole source block: a step cut from its sentence
    ("Drain affected nodes" of "Drain affected nodes, then replace them, see [Safely drain a
    node](...)") keeps the pointer that closes the sentence."""
    block = block_at(context, source.line)
    if block is None:
        return False
    passage = read_block(context.document.lines, block)
    at = passage.text.find(words)
    return at >= 0 and points_to_steps(passage, at, at + len(words), words)


_NEEDED = re.compile(r"\b(?:will|would|should)\s+(?:\w+\s+)?(?:need|require)", re.IGNORECASE)


def _what_it_does(sentence: str) -> bool:
    """Whether a sentence says what a thing will do ("This will start draining the runner and
    deleting the machines"), not what it needs the reader to do ("This will require restarting
    the pods")."""
    return expectation(sentence) and _NEEDED.search(sentence) is None


def _implied_in_steps(context: CheckContext) -> Iterator[Finding]:
    steps = context.graph.steps
    for index, step in enumerate(steps):
        if step.tool is not None or step.source is None or step.kind in ("decision", "end"):
            continue
        bound = context.graph.bound[step.id]
        if bound.draft.command is not None or any(i.kind == "unknown-tool" for i in bound.issues):
            continue
        if any(says_how_inline(context, code) for code in INLINE_CODE.findall(step.text)):
            continue  # "Restart it with `systemctl restart foo`"
        if step.text.rstrip().endswith(":") and (
            step_says_how(context, steps[index + 1]) or query_follows(context, step.source)
        ):
            continue  # a lead-in: the commands or the query after it say how
        if step.source.end_line > len(context.document.lines):
            continue
        block = Block(kind="paragraph", span=step.source, text=step.text)
        passage = read_block(context.document.lines, block)
        match = IMPLIED_ACTION.search(passage.text)  # the first action only
        if match is None:
            continue  # (tested first: it is cheaper than finding the sentence)
        if not instructs(sentence_from(context, step.source)):
            continue  # a step cut from a description ("... the operator reconciles to update")
        if described(context, passage, sentence_from(context, step.source)):
            continue  # a step the extractor read in a description ("We may need to adjust")
        if FILLS_IN.match(match.group(0)) or resolved_step(context, match.group(0), step, passage):
            continue  # "Edit `values.yaml`:" and its content, "merge the changes"
        source_block = block_at(context, step.source.line)
        if source_block is not None and in_a_ui(context, source_block):
            continue  # "Change the email address" among the form's clicks
        if source_block is not None and items_under_in_source(context, source_block):
            continue  # "1. deploy in staging" over "  1. upload the file `knife ...`"
        named = names_system(match.group(0), passage.text, match.start())
        if named and (not LOOK_UP.match(match.group(0)) or links_the_page(passage.text)):
            continue  # "update the incident in PagerDuty": the tool is named; a look-up in
            # a named system at a page the text links is where to look
        if TO_PEOPLE.search(match.group(0)) or of_mind(bare_clause(match.group(0))):
            continue
        if TRIBAL.search(match.group(0)):
            continue  # "check the usual dashboard": RB104 names what is missing
        if _pointed_to_in_source(context, step.source, match.group(0)):
            continue  # "follow the steps described in `docs/queues.md`"
        if match.start() == 0 and place_named_before(context, step.source):
            continue  # "Sign in to [the desk](...) and raise a CR"
        start = match.start() + len(match.group(0)) - len(bare_clause(match.group(0)))
        if start >= match.end():
            start = match.start()
        words = " ".join(passage.text[start : match.end()].split())
        yield Finding(
            "RB108",
            passage.span(start, match.end()),  # the change itself, not "you can"
            f'"{words}" asks for an action but names no tool or command',
            "name the registry tool (inline code) or give the exact command in a code block",
            words,
            step.id,
        )
