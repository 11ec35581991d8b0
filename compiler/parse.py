"""Markdown source -> Document: blocks with spans, front matter, and dropped-line accounting.

This is the only module that imports markdown_it.
"""

from __future__ import annotations

import bisect
import html
import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from typing import Any, Literal

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from compiler.records import Span
from compiler.safe_yaml import safe_load
from compiler.source import DEFAULT_MAX_BYTES as DEFAULT_MAX_BYTES
from compiler.source import SourceError as SourceError
from compiler.source import decode_source as decode_source
from compiler.source import normalise as normalise
from compiler.text.markup import html_texts
from compiler.text.shell import CONTINUATION_PROMPT
from compiler.values import Value, set_field

_NON_ANCHOR = re.compile(r"[^\w\- ]")

BlockKind = Literal["heading", "paragraph", "code", "html", "table", "hr"]

_LEAF_TYPES = {"inline", "fence", "code_block", "html_block", "hr", "table_open"}
_REFERENCE_DEFINITION = re.compile(r"^ {0,3}\[[^\]]+\]:(?P<rest>.*)$")
# Linear: one optional list number between runs of markers (a second `*` run right after the
# first, with only an optional group between them, backtracks quadratically on long lines).
_CONTAINER_MARKERS_ONLY = re.compile(r"^[\s>*+\-]*(?:\d{1,9}[.)][\s>*+\-]*)?$")
_FRONT_MATTER_CLOSE = re.compile(r"^(---|\.\.\.)\s*$")


@dataclass(init=False, repr=False, eq=False)
class InlineCode(Value):
    """An inline code span inside a block, with its 1-based position."""

    text: str
    line: int
    column: int

    def __init__(self, text: str, line: int, column: int) -> None:
        set_field(self, "text", text)
        set_field(self, "line", line)
        set_field(self, "column", column)


@dataclass(init=False, repr=False, eq=False)
class CodeLine(Value):
    """One line inside a code block, with its 1-based position."""

    line: int
    column: int
    text: str

    def __init__(self, line: int, column: int, text: str) -> None:
        set_field(self, "line", line)
        set_field(self, "column", column)
        set_field(self, "text", text)


@dataclass(init=False, repr=False, eq=False)
class Block(Value):
    """A leaf block of the document in source order."""

    kind: BlockKind
    span: Span
    text: str
    sections: tuple[str, ...] = ()
    level: int = 0
    list_depth: int = 0
    list_id: int | None = None
    ordered: bool = False
    number: int | None = None
    first_in_item: bool = False
    info: str = ""
    lines: tuple[CodeLine, ...] = ()
    inline_code: tuple[InlineCode, ...] = ()
    links: tuple[str, ...] = ()

    def __init__(
        self,
        kind: BlockKind,
        span: Span,
        text: str,
        sections: tuple[str, ...] = (),
        level: int = 0,
        list_depth: int = 0,
        list_id: int | None = None,
        ordered: bool = False,
        number: int | None = None,
        first_in_item: bool = False,
        info: str = "",
        lines: tuple[CodeLine, ...] = (),
        inline_code: tuple[InlineCode, ...] = (),
        links: tuple[str, ...] = (),
    ) -> None:
        set_field(self, "kind", kind)
        set_field(self, "span", span)
        set_field(self, "text", text)
        set_field(self, "sections", sections)
        set_field(self, "level", level)
        set_field(self, "list_depth", list_depth)
        set_field(self, "list_id", list_id)
        set_field(self, "ordered", ordered)
        set_field(self, "number", number)
        set_field(self, "first_in_item", first_in_item)
        set_field(self, "info", info)
        set_field(self, "lines", lines)
        set_field(self, "inline_code", inline_code)
        set_field(self, "links", links)


@dataclass(init=False, repr=False, eq=False)
class Document(Value):
    """A parsed runbook: front matter, leaf blocks, and the lines the parser dropped."""

    path: str
    text: str
    lines: tuple[str, ...]
    front_matter: dict[str, Any]
    front_matter_span: Span | None
    blocks: tuple[Block, ...]
    dropped_lines: tuple[int, ...] = field(default=())

    def __init__(
        self,
        path: str,
        text: str,
        lines: tuple[str, ...],
        front_matter: dict[str, Any],
        front_matter_span: Span | None,
        blocks: tuple[Block, ...],
        dropped_lines: tuple[int, ...] = (),
    ) -> None:
        set_field(self, "path", path)
        set_field(self, "text", text)
        set_field(self, "lines", lines)
        set_field(self, "front_matter", front_matter)
        set_field(self, "front_matter_span", front_matter_span)
        set_field(self, "blocks", blocks)
        set_field(self, "dropped_lines", dropped_lines)

    @property
    def anchors(self) -> set[str]:
        """Anchors of every heading, as links to them are written."""
        return {anchor(b.text) for b in self.blocks if b.kind == "heading"}


def parse(text: str, path: str = "<string>") -> Document:
    """Parse decoded markdown into a Document."""
    lines = tuple(text.split("\n"))
    front_matter, fm_span = _front_matter(lines)
    body_start = fm_span.end_line if fm_span else 0
    body = "\n" * body_start + "\n".join(lines[body_start:])
    tokens = _markdown().parse(body)
    blocks = tuple(_Walker(lines, tokens).blocks())
    dropped = _dropped_lines(lines, tokens, body_start, body)
    return Document(path, text, lines, front_matter, fm_span, blocks, dropped)


@cache
def _markdown() -> MarkdownIt:
    """One parser per process: building it costs more than parsing a typical runbook.

    Blocks only: the compiler needs no inline tree but code spans and anchor links, which
    `inline_code_spans` and `anchor_links` find in a block's text; markdown-it-py's inline
    phase would double the cost of parsing."""
    return MarkdownIt("commonmark").enable("table").disable(["inline", "text_join"])


_BACKTICKS = re.compile(r"`+")
_ESCAPED = re.compile(r"\\[!-/:-@\[-`{-~]")
# Neither the destination nor a parenthesised title may run past a `]` or `(`: otherwise each
# `](#` of a long run of them scans to the end of the text (quadratic).
_ANCHOR_LINK = re.compile(r"\]\(\s*<?(#[^)\s>\]]*)>?(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^()]*\)))?\s*\)")


def inline_code_spans(text: str) -> list[tuple[str, str, int]]:
    """(backtick run, content, offset of the run) of each CommonMark code span in inline text:
    a run of n backticks closed by the next run of exactly n; line endings read as spaces,
    and one space stripped from each end when both ends have one. Backslash-escaped
    backticks open nothing (but close a span: escapes do not work inside code)."""
    if "`" not in text:
        return []
    found = []
    escaped = {m.start() + 1 for m in _ESCAPED.finditer(text)}
    runs = list(_BACKTICKS.finditer(text))
    # Run indices by length, so finding the closing run is a lookup, not a scan of every later
    # run (which made runs of escaped backticks quadratic).
    by_length: dict[int, list[int]] = {}
    for i, run in enumerate(runs):
        by_length.setdefault(len(run.group(0)), []).append(i)
    index = 0
    while index < len(runs):
        opening = runs[index]
        if opening.start() in escaped:
            opening_text = opening.group(0)[1:]
            start = opening.start() + 1
        else:
            opening_text, start = opening.group(0), opening.start()
        if not opening_text:
            index += 1
            continue
        same = by_length.get(len(opening_text), [])
        later = bisect.bisect_right(same, index)
        closing = same[later] if later < len(same) else None
        if closing is None:
            index += 1
            continue
        content = text[start + len(opening_text) : runs[closing].start()].replace("\n", " ")
        if len(content) > 2 and content[0] == " " == content[-1] and content.strip():
            content = content[1:-1]
        found.append((opening_text, content, start))
        index = closing + 1
    return found


def anchor_links(text: str) -> tuple[str, ...]:
    """The `#anchor` destinations of inline links, outside code spans."""
    if "#" not in text:
        return ()
    for run, content, offset in inline_code_spans(text):
        width = len(run) * 2 + len(content)
        text = text[:offset] + " " * width + text[offset + width :]
    return tuple(match.group(1) for match in _ANCHOR_LINK.finditer(text))


def _front_matter(lines: tuple[str, ...]) -> tuple[dict[str, Any], Span | None]:
    if not lines or lines[0].rstrip() != "---":
        return {}, None
    end = next((i for i in range(1, len(lines)) if _FRONT_MATTER_CLOSE.match(lines[i])), None)
    if end is None:
        raise SourceError("RB003", "front matter opened with '---' is never closed", 1)
    raw = "\n".join(lines[1:end])
    try:
        loaded = safe_load(raw)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        # libyaml marks an unclosed bracket at the end of input: point at the last YAML line.
        line = min(mark.line + 2, end) if mark is not None else 1
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise SourceError("RB003", f"invalid YAML front matter: {problem}", line) from None
    if loaded is None:
        loaded = {}
    if not isinstance(loaded, dict):
        raise SourceError("RB003", "front matter must be a YAML mapping", 2)
    span = Span(line=1, column=1, end_line=end + 1, end_column=len(lines[end]))
    return {str(key): _plain(value) for key, value in loaded.items()}, span


def _plain(value: Any) -> Any:
    """Front matter as JSON values: YAML dates become ISO strings; values JSON cannot hold
    (`!!binary`, `!!set`, `.inf`, `.nan`) are an RB003."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        raise SourceError("RB003", f"front matter value {value} is not a finite number", 2)
    if value is None or isinstance(value, str | int | float):
        return value
    kind = type(value).__name__
    raise SourceError("RB003", f"front matter value of type {kind} cannot be stored in JSON", 2)


def _dropped_lines(
    lines: tuple[str, ...], tokens: list[Token], body_start: int, body: str
) -> tuple[int, ...]:
    """Non-blank lines no leaf token accounts for: markdown-it-py dropped them."""
    covered = [False] * len(lines)
    for token in tokens:
        if token.type in _LEAF_TYPES and token.map:
            for index in range(token.map[0], min(token.map[1], len(lines))):
                covered[index] = True
    dropped = []
    destination_pending = False
    for index in range(body_start, len(lines)):
        line = lines[index]
        if covered[index] or not line.strip():
            continue
        definition = _REFERENCE_DEFINITION.match(line)
        if definition or destination_pending:
            # A reference definition may put its destination on the next line.
            destination_pending = bool(definition and not definition.group("rest").strip())
            continue
        if _CONTAINER_MARKERS_ONLY.match(line):
            continue
        dropped.append(index + 1)
    return tuple(dropped)


def anchor(title: str) -> str:
    """GitHub-style anchor of a heading title."""
    return _NON_ANCHOR.sub("", title.strip().lower()).replace(" ", "-")


_ADMONITION = re.compile(r"^(?:!!!|\?\?\?\+?)\s*[A-Za-z]")
_HTML_START = re.compile(r"^<[A-Za-z][\w-]*(?:\s[^>]*)?/?>")


def is_admonition_html(block: Block, previous: Block | None, lines: tuple[str, ...]) -> bool:
    """An indented block of HTML in the body of an admonition (`!!! note` over indented
    lines): CommonMark reads it as code, the documentation site that the admonition is
    written for renders it as the HTML it is."""
    if block.kind != "code" or block.info or previous is None or previous.kind != "paragraph":
        return False
    before = lines[block.span.line - 2].strip() if block.span.line >= 2 else ""
    if before.startswith(("```", "~~~")):
        return False
    return bool(_ADMONITION.match(previous.text) and _HTML_START.match(block.text))


def readable_blocks(document: Document) -> list[Block]:
    """The blocks of a document as a reader sees them: an HTML block (or an admonition's
    indented HTML) becomes the blocks of its text (`html_blocks`), every other block stays."""
    found: list[Block] = []
    previous: Block | None = None
    for block in document.blocks:
        if block.kind == "html" or is_admonition_html(block, previous, document.lines):
            found += html_blocks(block, document.lines)
        else:
            found.append(block)
        previous = block
    return found


def html_blocks(block: Block, lines: tuple[str, ...]) -> tuple[Block, ...]:
    """The text a reader sees of an HTML block, as the markdown blocks it would be: each
    `<p>`, `<li>`, `<details>` body or loose run of text a paragraph (an `<li>`'s in a list), each
    cell of a `<table>` a block of kind "table"; titles (`<summary>`, `<th>`, `<h2>`) are no
    block, as a heading is never a step. Inline tags stay in a block's text, as they
    stay in a markdown paragraph's; spans point at the source."""
    first = block.span.line - 1
    starts = [0]
    for number in range(first, block.span.end_line - 1):
        starts.append(starts[-1] + len(lines[number]) + 1)
    source = "\n".join(lines[first : block.span.end_line])
    found = []
    for run in html_texts(source):
        if run.title:
            continue
        if run.code:
            found.append(_pre_block(block, source, starts, first, run.start, run.end))
            continue
        line, column = _position(starts, run.start)
        end_line, end_column = _position(starts, run.end - 1)
        span = Span(
            line=first + line + 1,
            column=column + 1,
            end_line=first + end_line + 1,
            end_column=end_column + 1,
        )
        found.append(
            Block(
                "table" if run.in_table else "paragraph",
                span,
                text_at(lines, span),
                sections=block.sections,
                list_depth=block.list_depth + run.list_depth,
                list_id=block.list_id,
                first_in_item=run.first_in_item,
            )
        )
    return tuple(found)


_TAG_TEXT = re.compile(r"<[^<>]*>")
_LANGUAGE = re.compile(r"\b(?:language|lang)-(?P<name>[\w+-]+)", re.IGNORECASE)


def _pre_block(
    block: Block, source: str, starts: list[int], first: int, start: int, end: int
) -> Block:
    """The code block a `<pre>` holds (`source[start:end]`, the block's lines from `first`):
    its lines with their tags removed and entities decoded, as a fenced block's lines are;
    its language from a `language-X` class of the `<pre>` or the `<code>` in it."""
    code_lines = []
    for index in range(_position(starts, start)[0], _position(starts, end - 1)[0] + 1):
        begin = max(starts[index], start)
        finish = min(starts[index + 1] - 1 if index + 1 < len(starts) else len(source), end)
        piece = source[begin:finish]
        # the column of the line's first character a reader sees (tags before it skipped)
        skipped = re.match(r"(?:\s*<[^<>]*>)*", piece)
        at = skipped.end() if skipped else 0
        column = begin - starts[index] + at + 1
        text = html.unescape(_TAG_TEXT.sub("", piece[at:])).rstrip()
        code_lines.append(CodeLine(first + index + 1, column, text))
    while code_lines and not code_lines[-1].text.strip():
        code_lines.pop()  # the line of a closing `</code>`
    opened = source.rfind("<pre", 0, start)
    opening_tags = re.match(r"(?:\s*<[^<>]*>)*", source[start:end])
    head = source[opened : start + (opening_tags.end() if opening_tags else 0)]
    language = _LANGUAGE.search(head) if opened >= 0 else None
    line, column = _position(starts, start)
    end_line, end_column = _position(starts, end - 1)
    span = Span(
        line=first + line + 1,
        column=column + 1,
        end_line=first + end_line + 1,
        end_column=end_column + 1,
    )
    return Block(
        "code",
        span,
        normalise(" ".join(c.text for c in code_lines)),
        sections=block.sections,
        list_depth=block.list_depth,
        list_id=block.list_id,
        info=language.group("name") if language else "",
        lines=tuple(code_lines),
    )


def _position(starts: list[int], offset: int) -> tuple[int, int]:
    """(line index, column index) of an offset, given the offset each line starts at."""
    index = bisect.bisect_right(starts, offset) - 1
    return index, offset - starts[index]


def text_at(lines: tuple[str, ...] | list[str], span: Span) -> str:
    """The normalised source text inside a span (container markers on later lines removed:
    indentation, and as many block-quote markers as precede the span on its first line, so a
    `>` that belongs to the content, such as a redirection in a code block, is kept)."""
    if span.line > len(lines) or span.end_line > len(lines):
        return ""
    first = span.line - 1
    last = span.end_line - 1
    if first == last:
        return normalise(lines[first][span.column - 1 : span.end_column])
    depth = lines[first][: span.column - 1].count(">")
    parts = [lines[first][span.column - 1 :]]
    parts += [continuation(lines[i], depth) for i in range(first + 1, last)]
    parts.append(continuation(lines[last][: span.end_column], depth))
    return normalise(" ".join(parts))


def grounded(lines: tuple[str, ...] | list[str], span: Span, text: str) -> bool:
    """Whether a step's text is the source text at its span, whitespace aside, or that text
    without the console's continuation prompts (`>`, `irb(main):006:1>`) that open its later
    lines: the prompts are the console's, not the command's."""
    wanted = normalise(text)
    if text_at(lines, span) == wanted:
        return True
    if span.line == span.end_line or span.end_line > len(lines):
        return False
    first, last = span.line - 1, span.end_line - 1
    depth = lines[first][: span.column - 1].count(">")
    parts = [lines[first][span.column - 1 :]]
    for index in range(first + 1, last + 1):
        line = lines[index] if index < last else lines[last][: span.end_column]
        later = continuation(line, depth)
        parts.append(CONTINUATION_PROMPT.sub("", later, count=1))
    return normalise(" ".join(parts)) == wanted


def continuation(line: str, depth: int) -> str:
    """A later line of a span without its indentation and up to `depth` quote markers."""
    text = line.lstrip()
    for _ in range(depth):
        if not text.startswith(">"):
            break
        text = text[1:].lstrip()
    return text


def find_spans(
    lines: tuple[str, ...] | list[str], span: Span, pattern: re.Pattern[str]
) -> list[tuple[Span, re.Match[str]]]:
    """Every match of a pattern inside a source span, each with its own precise span.

    Patterns see the source as written, line breaks included (use `\\s+` between words)."""
    if span.end_line > len(lines):
        return []
    starts: list[tuple[int, int, int]] = []  # (offset in region, line, first column)
    parts: list[str] = []
    offset = 0
    for number in range(span.line, span.end_line + 1):
        text = lines[number - 1]
        first = span.column if number == span.line else 1
        last = span.end_column if number == span.end_line else len(text)
        piece = text[first - 1 : last]
        starts.append((offset, number, first))
        parts.append(piece)
        offset += len(piece) + 1
    region = "\n".join(parts)

    def position(at: int) -> tuple[int, int]:
        for begin, number, first in reversed(starts):
            if at >= begin:
                return number, first + at - begin
        return span.line, span.column

    found = []
    for match in pattern.finditer(region):
        if match.end() == match.start():
            continue
        line, column = position(match.start())
        end_line, end_column = position(match.end() - 1)
        found.append(
            (Span(line=line, column=column, end_line=end_line, end_column=end_column), match)
        )
    return found


def _dedent(index: int, line: str, indent: int) -> CodeLine:
    """A code line without the fence's indentation (CommonMark removes at most that much)."""
    removed = min(indent, len(line) - len(line.lstrip(" ")))
    return CodeLine(index + 1, removed + 1, line[removed:])


def _unquoted(index: int, line: str, depth: int) -> CodeLine:
    """A code line of a fence inside a block quote, without its `depth` quote markers (and the
    one space after each): "> kubectl delete job x" is the command `kubectl delete job x`."""
    removed = len(line) - len(line.lstrip(" "))
    for _ in range(depth):
        if line[removed : removed + 1] != ">":
            break
        removed += 2 if line[removed + 1 : removed + 2] == " " else 1
    return CodeLine(index + 1, removed + 1, line[removed:])


class _Walker:
    """Turns the flat markdown-it token stream into leaf Blocks with container context."""

    def __init__(self, lines: tuple[str, ...], tokens: list[Token]) -> None:
        self.lines = lines
        self.tokens = tokens
        self.sections: list[tuple[int, str]] = []
        self.titles: tuple[str, ...] = ()
        """The titles of `sections`, kept as a tuple: every block records them."""
        self.lists: list[bool] = []
        self.list_ids: list[int] = []
        self.lists_seen = 0
        self.item_numbers: list[int | None] = []
        self.item_fresh = False

    def blocks(self) -> list[Block]:
        out: list[Block] = []
        index = 0
        while index < len(self.tokens):
            token = self.tokens[index]
            block = self._visit(token, index)
            if block is not None:
                out.append(block)
            index += 1
        return out

    def _visit(self, token: Token, index: int) -> Block | None:
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            self.lists.append(kind == "ordered_list_open")
            self.lists_seen += 1
            self.list_ids.append(self.lists_seen)
        elif kind in ("bullet_list_close", "ordered_list_close"):
            self.lists.pop()
            self.list_ids.pop()
        elif kind == "list_item_open":
            info = token.info
            self.item_numbers.append(int(info) if info.isdigit() else None)
            self.item_fresh = True
        elif kind == "list_item_close":
            self.item_numbers.pop()
        elif kind == "heading_open":
            return self._heading(token, self.tokens[index + 1])
        elif kind == "paragraph_open":
            return self._paragraph(self.tokens[index + 1])
        elif kind in ("fence", "code_block"):
            return self._code(token)
        elif kind == "html_block":
            return self._simple("html", token)
        elif kind == "table_open":
            return self._simple("table", token)
        elif kind == "hr":
            return self._simple("hr", token)
        return None

    def _context(self) -> dict[str, Any]:
        fresh = self.item_fresh
        self.item_fresh = False
        return {
            "sections": self.titles,
            "list_depth": len(self.lists),
            "list_id": self.list_ids[-1] if self.list_ids else None,
            "ordered": bool(self.lists and self.lists[-1]),
            "number": self.item_numbers[-1] if self.item_numbers and fresh else None,
            "first_in_item": fresh,
        }

    def _heading(self, token: Token, inline: Token) -> Block:
        level = int(token.tag[1:])
        title = normalise(inline.content)
        while self.sections and self.sections[-1][0] >= level:
            self.sections.pop()
        span = self._inline_span(inline)
        context = self._context()
        context["sections"] = tuple(t for _, t in self.sections)
        self.sections.append((level, title))
        self.titles = (*context["sections"], title)
        return Block(
            "heading",
            span,
            title,
            level=level,
            inline_code=self._codes(inline, span),
            links=self._links(inline),
            **context,
        )

    def _paragraph(self, inline: Token) -> Block:
        span = self._inline_span(inline)
        return Block(
            "paragraph",
            span,
            text_at(self.lines, span),
            inline_code=self._codes(inline, span),
            links=self._links(inline),
            **self._context(),
        )

    def _code(self, token: Token) -> Block:
        assert token.map is not None
        start, end = token.map
        opening = self.lines[start]
        marker = opening.find(token.markup) if token.type == "fence" else -1
        quotes = opening[:marker].count(">") if marker > 0 else 0  # a fence inside a quote
        if token.type == "fence":
            first = start + 1
            closing = continuation(self.lines[end - 1], quotes)
            closed = end - 1 > start and closing.startswith(token.markup)
            last = end - 1 if closed else end
        else:
            first, last = start, end
        indent = len(opening) - len(opening.lstrip())
        if quotes:
            code_lines = tuple(_unquoted(i, self.lines[i], quotes) for i in range(first, last))
        else:
            code_lines = tuple(_dedent(i, self.lines[i], indent) for i in range(first, last))
        span = Span(
            line=start + 1, column=indent + 1, end_line=end, end_column=len(self.lines[end - 1])
        )
        text = normalise(" ".join(line.text for line in code_lines))
        return Block(
            "code", span, text, info=token.info.strip(), lines=code_lines, **self._context()
        )

    def _simple(self, kind: BlockKind, token: Token) -> Block:
        assert token.map is not None
        start, end = token.map
        first = self.lines[start]
        column = len(first) - len(first.lstrip()) + 1
        span = Span(
            line=start + 1, column=column, end_line=end, end_column=len(self.lines[end - 1])
        )
        return Block(kind, span, text_at(self.lines, span), **self._context())

    def _inline_span(self, inline: Token) -> Span:
        assert inline.map is not None
        start, end = inline.map
        content_lines = inline.content.split("\n")
        first_text = content_lines[0].strip()
        source_first = self.lines[start]
        found = source_first.find(first_text) if first_text else -1
        column = found + 1 if found >= 0 else len(source_first) - len(source_first.lstrip()) + 1
        last = min(start + len(content_lines) - 1, end - 1)
        last_text = content_lines[-1].strip()
        source_last = self.lines[last]
        from_col = column - 1 if last == start else 0
        found_last = source_last.find(last_text, from_col) if last_text else -1
        end_column = found_last + len(last_text) if found_last >= 0 else len(source_last.rstrip())
        return Span(line=start + 1, column=column, end_line=last + 1, end_column=end_column)

    def _codes(self, inline: Token, span: Span) -> tuple[InlineCode, ...]:
        codes: list[InlineCode] = []
        cursor_line = span.line - 1
        cursor_col = span.column - 1
        for markup, content, _ in inline_code_spans(inline.content):
            line, col = self._find(f"{markup}{content}", cursor_line, cursor_col, span.end_line - 1)
            if line < 0:
                line, col = span.line - 1, span.column - 1
            else:
                cursor_line, cursor_col = line, col + 1
            codes.append(InlineCode(content, line + 1, col + 1))
        return tuple(codes)

    def _find(self, needle: str, line: int, col: int, last: int) -> tuple[int, int]:
        while line <= last and line < len(self.lines):
            found = self.lines[line].find(needle, col)
            if found >= 0:
                return line, found
            line, col = line + 1, 0
        return -1, -1

    @staticmethod
    def _links(inline: Token) -> tuple[str, ...]:
        return anchor_links(inline.content)
