"""Where a change stands in its document: the block at a line, the items of its list, the
lead-in of a list, a list of contents, the addresses a text links (built once per document).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from compiler.parse import Block
from compiler.records import Span
from compiler.rules import CheckContext
from compiler.rules.assumptions.scan import link_references
from compiler.rules.regions import Passage, block_after, blocks_after, read_block
from compiler.text.links import BRACKETED, LINK, is_section_link
from compiler.text.markup import html_texts
from compiler.text.sentences import sentence_at
from compiler.values import Value, set_field


@dataclass(init=False, repr=False, eq=False)
class Layout(Value):
    """Where each block of a document is: block start lines (for bisection) and the blocks of
    each list, built once per document so that look-ups stay linear in long lists."""

    blocks: tuple[Block, ...]
    starts: list[int]
    items: dict[int, list[int]]
    references: dict[str, str]
    """Link reference definitions, `[label]: url`, by lower-case label."""
    sections: list[int]
    """The line of the heading whose section holds each block (0 before the first heading)."""
    contents: dict[int, bool] = field(default_factory=dict)
    """Whether each list (by id) is a list of contents, worked out once per list."""

    def __init__(
        self,
        blocks: tuple[Block, ...],
        starts: list[int],
        items: dict[int, list[int]],
        references: dict[str, str],
        sections: list[int],
        contents: dict[int, bool] | None = None,
    ) -> None:
        set_field(self, "blocks", blocks)
        set_field(self, "starts", starts)
        set_field(self, "items", items)
        set_field(self, "references", references)
        set_field(self, "sections", sections)
        set_field(self, "contents", {} if contents is None else contents)


def layout_of(context: CheckContext) -> Layout:
    """The document's `Layout`, built once per document."""
    return context.once("RB108-layout", lambda: _lay_out(context))


def _lay_out(context: CheckContext) -> Layout:
    blocks = context.document.blocks
    items: dict[int, list[int]] = {}
    for index, block in enumerate(blocks):
        if block.list_id is not None:
            items.setdefault(block.list_id, []).append(index)
    starts = [block.span.line for block in blocks]
    sections, heading = [], 0
    for block in blocks:
        heading = block.span.line if block.kind == "heading" else heading
        sections.append(heading)
    return Layout(blocks, starts, items, link_references(context), sections)


def _link_urls(context: CheckContext, text: str) -> list[str]:
    """The addresses a text links: inline links, bare URLs and reference-style links (`[x][y]`,
    `[x][]`, `[x]`) whose definitions the document holds."""
    urls = [found.group("url") or found.group("bare") or "" for found in LINK.finditer(text)]
    references = layout_of(context).references
    for found in BRACKETED.finditer(text):
        label = (found.group(2) or found.group(1)).strip().lower()
        if label in references:
            urls.append(references[label])
    return urls


_REPOSITORY_FILE_URL = re.compile(
    r"/(?:blob|tree|edit)/[^?#\s]*\.(?:ya?ml|json|rb|py|erb|tf|tfvars|toml|md|js|ts|scss|css|txt"
    r"|go|cfg|ini|lst|gotmpl|jsonnet|libsonnet|conf|hcl|tpl|j2)(?:[?#]\S*)?$",
    re.IGNORECASE,
)
"""A link to a file of a repository (`.../blob/main/data/repos.yml`, `deny-ips.lst`,
`gprd.yaml.gotmpl`): what an edit changes."""
_REPOSITORY_FOLDER_URL = re.compile(r"/-/tree/[^?#\s]+$", re.IGNORECASE)
"""A link to a folder of a repository (`.../-/tree/master/releases/fluentd`): where an edit
goes ("Update the config of the DaemonSet here: <folder>")."""


def links_a_file(context: CheckContext, text: str) -> bool:
    """Whether a text links a repository's file (inline or by reference)."""
    if "[" not in text and "://" not in text:
        return False
    return any(_REPOSITORY_FILE_URL.search(url) for url in _link_urls(context, text))


def links_a_folder(context: CheckContext, text: str) -> bool:
    """Whether a text links a repository's folder (inline or by reference)."""
    if "[" not in text and "://" not in text:
        return False
    return any(_REPOSITORY_FOLDER_URL.search(url) for url in _link_urls(context, text))


def block_index(layout: Layout, line: int) -> int | None:
    """The index of the block that holds a source line, if any."""
    index = bisect_right(layout.starts, line) - 1
    if index >= 0 and line <= layout.blocks[index].span.end_line:
        return index
    return None


def block_at(context: CheckContext, line: int) -> Block | None:
    """The block that holds `line`, if any."""
    layout = layout_of(context)
    index = block_index(layout, line)
    return layout.blocks[index] if index is not None else None


def list_items_before(context: CheckContext, block: Block, count: int) -> list[Block]:
    """Up to `count` items of the block's list right before it, nearest first."""
    if block.list_id is None:
        return []
    layout = layout_of(context)
    here = block_index(layout, block.span.line)
    if here is None:
        return []
    listed = layout.items.get(block.list_id, [])
    before = listed[max(0, bisect_left(listed, here) - count) : bisect_left(listed, here)]
    return [layout.blocks[i] for i in reversed(before)]


def contents_item(context: CheckContext, block: Block) -> bool:
    """Whether a list item is an entry of a list of contents: most items of its list are only
    a link to a section of the page ("1. Open a Pull Request (PR)", "2. [Wait for CI](#wait)"):
    the title of a section that says how."""
    if block.list_id is None:
        return False
    layout = layout_of(context)
    known = layout.contents.get(block.list_id)
    if known is None:
        items = layout.items.get(block.list_id, [])
        lines = context.document.lines
        anchors = sum(1 for i in items if is_section_link(read_block(lines, layout.blocks[i]).text))
        known = len(items) >= _CONTENTS_ITEMS and 2 * anchors >= len(items)
        layout.contents[block.list_id] = known
    return known


_CONTENTS_ITEMS = 3


def lead_in(context: CheckContext, block: Block) -> Block | None:
    """The paragraph a list hangs from: the block right before the list's first item, if it
    is not deeper in a list (the lead-in "edit the file and add:")."""
    if block.list_depth == 0 or block.list_id is None:
        return None
    layout = layout_of(context)
    first = layout.items.get(block.list_id, [0])[0]
    for other in reversed(layout.blocks[max(0, first - 3) : first]):
        if other.kind == "html":
            continue
        if other.kind == "heading" or other.list_depth >= block.list_depth:
            return None
        return other
    return None


def item_body(context: CheckContext, block: Block) -> list[Block]:
    """The blocks of the list item that `block` opens, after it (its paragraphs, code blocks and
    nested lists), up to the next item of the list, the list's end or a heading."""
    if block.list_id is None or not block.first_in_item:
        return []
    layout = layout_of(context)
    here = block_index(layout, block.span.line)
    if here is None:
        return []
    body = []
    for index in range(here + 1, len(layout.blocks)):
        other = layout.blocks[index]
        if other.kind == "heading" or other.list_depth < block.list_depth:
            break
        if other.list_depth == block.list_depth and (
            other.list_id != block.list_id or other.first_in_item
        ):
            break
        body.append(other)
    return body


def block_before(context: CheckContext, block: Block) -> Block | None:
    """The block right before `block` (HTML blocks skipped), if any."""
    layout = layout_of(context)
    here = block_index(layout, block.span.line)
    for index in range((here or 0) - 1, -1, -1):
        if layout.blocks[index].kind != "html":
            return layout.blocks[index]
    return None


def section_of(context: CheckContext, line: int) -> int:
    """The line of the heading whose section holds `line` (0 before the first heading)."""
    layout = layout_of(context)
    index = bisect_right(layout.starts, line) - 1
    return layout.sections[index] if index >= 0 else 0


def section_details(blocks: tuple[Block, ...], passage: Passage) -> bool:
    """Whether a heading's section holds a list or a code block (the heading's action is
    detailed there: "## Isolate Affected Instances" then its bullets)."""
    if passage.block.kind != "heading":
        return False
    for block in blocks_after(blocks, passage.block.span.end_line):
        if block.kind == "heading":
            return False
        if block.list_depth > 0 or block.kind == "code":
            return True
    return False


def list_follows(blocks: tuple[Block, ...], passage: Passage) -> bool:
    """Whether a list nested deeper than the passage comes right after it (its details)."""
    after = block_after(blocks, passage.block.span.end_line)
    return (
        after is not None
        and after.list_depth > passage.block.list_depth
        and passage.block.kind != "heading"
    )


def sentence_from(context: CheckContext, span: Span) -> str:
    """The source sentence a step starts in, from its start (for a step cut from the middle of
    a sentence, the words before it decide whether the sentence instructs)."""
    line = context.document.lines[span.line - 1]
    found = sentence_at(line, span.column - 1)
    return line[found.start : found.end] if found is not None else line


def in_html_title(passage: Passage, offset: int) -> bool:
    """Whether `offset` of an HTML block's passage lies in a title (`<summary>`, `<th>`,
    `<h2>`): a heading, never a step ("<summary>Renew the sub keys</summary>" over the
    commands that renew them)."""
    if passage.block.kind != "html" or offset >= len(passage.origins):
        return False
    where = passage.origins[offset]
    return any(run.title and run.start <= where < run.end for run in html_texts(passage.raw))


_ITEM_LINE = re.compile(r"^( *)(?:[-*+]|\d+[.)])\s+")


def items_under_in_source(context: CheckContext, block: Block) -> bool:
    """Whether a list item's source is followed by items indented further, though not enough to
    nest them (CommonMark makes them siblings), that give commands in inline code: its
    sub-steps as written ("1. deploy and test in staging" over "  1. upload the environment
    file `knife environment from file stg.json`"). Items nested in it are its body."""
    lines = context.document.lines
    own = _ITEM_LINE.match(lines[block.span.line - 1])
    if own is None:
        return False
    under: list[str] = []
    for text in lines[block.span.end_line :]:
        item = _ITEM_LINE.match(text)
        if item is None or len(item.group(1)) <= len(own.group(1)):
            break
        if len(item.group(1)) >= len(own.group(0)):
            return False  # nested in the item: its body (read as such elsewhere)
        under.append(text)
    return any("`" in text for text in under)
