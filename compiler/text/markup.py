"""Markup that is not text a reader sees: HTML comments, and the tags around the text of an
HTML block.

A comment is invisible where runbooks are read (GitHub, a wiki), so nothing in one is ever an
instruction; scanning for them is linear, and an unclosed comment runs to the end of the text,
as it does in CommonMark. The text of an HTML block (a table's cells, a `<details>` body, `<p>`
and `<li>` elements) is what a reader sees of it: `html_texts` finds each run of it between
block-level tags, so the stages can read it as they read markdown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

_SPACES = re.compile(r"[ \t]{2,}")
OPEN, CLOSE = "<!--", "-->"


def html_comments(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of each HTML comment in `text`, markers included."""
    found: list[tuple[int, int]] = []
    at = text.find(OPEN)
    while at >= 0:
        close = text.find(CLOSE, at + len(OPEN))
        end = len(text) if close < 0 else close + len(CLOSE)
        found.append((at, end))
        at = text.find(OPEN, end)
    return found


def without_html_comments(text: str) -> str:
    """`text` with every HTML comment removed (white space around it folded to one space)."""
    if OPEN not in text:
        return text
    kept, at = [], 0
    for start, end in html_comments(text):
        kept.append(text[at:start])
        at = end
    kept.append(text[at:])
    return _SPACES.sub(" ", "".join(kept)).strip()


_TAG = re.compile(r"<!--|<(?P<close>/?)(?P<name>[A-Za-z][A-Za-z0-9-]*)\b[^>]*>")
_BLOCK_TAGS = frozenset(
    {
        *("address", "article", "aside", "blockquote", "body", "br", "caption", "center", "dd"),
        *("details", "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer"),
        *("form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "html", "iframe", "legend"),
        *("li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "td"),
        *("tfoot", "th", "thead", "tr", "ul"),
    }
)
"""Tags that end one run of text and start another (a paragraph, a list item, a cell)."""
_TITLE_TAGS = frozenset({"summary", "caption", "legend", "th", "h1", "h2", "h3", "h4", "h5", "h6"})
"""Tags whose text names what follows, as a heading does."""
_HIDDEN_TAGS = frozenset({"script", "style", "template", "textarea"})
"""Tags whose content is nothing a reader sees as text."""
_TEXT_ATTRIBUTE = re.compile(
    r"\s(?:title|alt|aria-[\w-]+|placeholder|value|label|data-[\w-]+)\s*=", re.IGNORECASE
)
"""An attribute holding words of its own (a tooltip): the tag ends the run of text before it."""
_VISIBLE = re.compile(r"[^\W_]")
_TAG_OR_ANY = re.compile(r"<[^<>]*>")


_ANCHOR = re.compile(r"<a\b[^>]*?\bhref=[\"']?(?P<href>[^\"'\s>]*)[^>]*>(?P<text>[^<]*)</a>", re.I)
_SPACE_BEFORE_MARK = re.compile(r" ([.,;:!?])(?=\s|$)")
_CODE = re.compile(r"<code\b[^>]*>(?P<text>[^<`]*)</code>", re.IGNORECASE)


def visible(text: str) -> str:
    """`text` as markdown would write what a reader sees of it: a link `[text](href)`, code
    `` `text` ``, every other tag read as a space, comments dropped."""
    text = _ANCHOR.sub(lambda m: f"[{m.group('text')}]({m.group('href')})", text)
    text = _CODE.sub(lambda m: f"`{m.group('text')}`", without_html_comments(text))
    return _SPACE_BEFORE_MARK.sub(r"\1", " ".join(_TAG_OR_ANY.sub(" ", text).split()))


@dataclass(frozen=True)
class HtmlText:
    """A run of text of an HTML block between block-level tags, inline tags kept."""

    start: int
    end: int
    """Offsets in the block's text: its first and one past its last character."""
    in_table: bool
    """In a cell of a `<table>` beside other cells: read as a markdown table's cell is."""
    list_depth: int
    """How many `<ul>`/`<ol>` hold it."""
    first_in_item: bool
    """The first run of text of an `<li>`."""
    title: bool
    """Inside a `<summary>`, `<th>`, `<caption>`, `<legend>` or `<h1>`-`<h6>`: a title."""
    code: bool = False
    """Inside a `<pre>`: lines of code, as a fenced block's are (its inline tags kept)."""


def html_texts(text: str) -> list[HtmlText]:
    """The runs of visible text of an HTML block, in order (linear in the text).

    A run ends at a block-level tag, a comment or a tag with a tooltip; inline tags (`<code>`,
    `<a>`, `<strong>`) stay in it, as they stay in a markdown paragraph. The content of a
    `<pre>` is one run, marked as code; runs without a letter or digit, and the content of
    `<script>` and `<style>`, are left out."""
    found: list[HtmlText] = []
    rows_of: list[int] = []  # the row of each run found (-1: none)
    cells: dict[int, int] = {}  # cells per row
    row = -1
    tables = lists = items = hidden = titles = pre = 0
    fresh_item = False
    start = end = -1  # the current run: first and one past the last character, tags included
    at = 0

    def flush() -> None:
        nonlocal start, end, fresh_item
        if start >= 0 and not hidden and _VISIBLE.search(visible(text[start:end])):
            item = fresh_item and items > 0
            code = pre > 0
            table = tables > 0 and not code
            found.append(HtmlText(start, end, table, lists, item, titles > 0, code))
            rows_of.append(row if tables else -1)
            fresh_item = False
        start = end = -1

    def extend(piece_start: int, piece_end: int) -> None:
        nonlocal start, end
        piece = text[piece_start:piece_end]
        stripped = piece.strip()
        if not stripped:
            return
        left = piece_start + len(piece) - len(piece.lstrip())
        start = left if start < 0 else start
        end = left + len(stripped)

    for tag in _TAG.finditer(text):
        extend(at, tag.start())
        if tag.group(0) == "<!--":
            flush()
            close = text.find("-->", tag.end())
            at = len(text) if close < 0 else close + 3
            continue
        at = tag.end()
        name = (tag.group("name") or "").lower()
        opening = not tag.group("close")
        if name == "pre":
            flush()
            pre = pre + 1 if opening else max(pre - 1, 0)
        elif pre:
            extend(tag.start(), tag.end())  # highlighting spans, `<code>`: all one block
        elif name in _HIDDEN_TAGS:
            flush()
            hidden = hidden + 1 if opening else max(hidden - 1, 0)
        elif name in _BLOCK_TAGS:
            flush()
            step = 1 if opening else -1
            if name == "table":
                tables = max(tables + step, 0)
            elif name == "tr" and opening:
                row = len(cells)
                cells[row] = 0
            elif name in ("td", "th") and opening and row >= 0:
                cells[row] += 1
            elif name in ("ul", "ol"):
                lists = max(lists + step, 0)
            elif name in _TITLE_TAGS:
                titles = max(titles + step, 0)
            elif name == "li":
                items = max(items + step, 0)
                fresh_item = opening
        elif _TEXT_ATTRIBUTE.search(tag.group(0)):
            flush()  # a tooltip is no part of the sentence around it
        else:
            extend(tag.start(), tag.end())
    extend(at, len(text))
    flush()
    # A cell alone in its row is a note across the table (or a one-column table, a list): its
    # text is read as a paragraph, not as a cell of reference data.
    return [
        replace(run, in_table=False) if row >= 0 and cells[row] == 1 else run
        for run, row in zip(found, rows_of, strict=True)
    ]
