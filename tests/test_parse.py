from __future__ import annotations

from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from compiler.parse import (
    SourceError,
    anchor_links,
    decode_source,
    inline_code_spans,
    parse,
    text_at,
)


def test_blocks_keep_line_and_column_spans() -> None:
    doc = parse("# Title\n\n## Steps\n\n1. Check the `oc` pods\n   twice\n")
    item = next(b for b in doc.blocks if b.kind == "paragraph")
    assert (item.span.line, item.span.column, item.span.end_line) == (5, 4, 6)
    assert item.text == "Check the `oc` pods twice"
    assert item.ordered and item.number == 1
    assert item.sections == ("Title", "Steps")
    assert item.inline_code[0].text == "oc" and item.inline_code[0].column == 14
    assert text_at(doc.lines, item.span) == item.text


def test_front_matter_is_parsed_and_its_lines_are_not_content() -> None:
    doc = parse("---\nid: x\nlast_reviewed: 2026-01-02\n---\n# T\n")
    assert doc.front_matter == {"id": "x", "last_reviewed": "2026-01-02"}
    assert doc.front_matter_span is not None and doc.front_matter_span.end_line == 4
    assert doc.blocks[0].span.line == 5
    assert doc.dropped_lines == ()


@pytest.mark.parametrize(
    ("text", "line"),
    [("---\nid: [x\n---\n", 2), ("---\nid: x\n", 1), ("---\n- a\n---\n", 2)],
)
def test_malformed_front_matter_is_a_source_error(text: str, line: int) -> None:
    with pytest.raises(SourceError) as raised:
        parse(text)
    assert raised.value.code == "RB003" and raised.value.line == line


def test_content_past_the_nesting_limit_is_reported_not_lost() -> None:
    deep = "> " * 30 + "Delete the volume first.\n"
    doc = parse(f"# T\n\n{deep}\nafter\n")
    assert doc.dropped_lines == (3,)


def test_deep_lists_past_the_limit_are_reported() -> None:
    text = "".join("  " * i + f"- item {i}\n" for i in range(30))
    doc = parse(text)
    assert doc.dropped_lines, "markdown-it-py drops items past maxNesting"
    assert all(n > 5 for n in doc.dropped_lines)


def test_reference_definitions_are_accounted_for() -> None:
    doc = parse("See [docs][d].\n\n[d]:\n    https://example.com/x\n[e]: https://example.com\n")
    assert doc.dropped_lines == ()


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "RB005"),
        (b"  \n\n", "RB005"),
        (b"\x00\x01binary", "RB001"),
        (b"# caf\xe9\n", "RB001"),
        (b"x" * 300_000, "RB002"),
    ],
)
def test_bad_bytes_are_refused_with_a_code(data: bytes, code: str) -> None:
    with pytest.raises(SourceError) as raised:
        decode_source(data)
    assert raised.value.code == code


def test_crlf_and_bom_are_normalised() -> None:
    assert decode_source(b"\xef\xbb\xbf# T\r\nx\r\n") == "# T\nx\n"


@pytest.mark.parametrize(
    ("text", "spans"),
    [
        ("Run `oc get pods` then ``a ` b``.", [("`", "oc get pods"), ("``", "a ` b")]),
        ("Escaped \\`not code` and `code`.", [("`", "and")]),
        ("Unclosed `` run and `x`.", [("`", "x")]),
        ("` pad `, `  `, a\nmulti-line `one\ntwo`.", [("`", "pad"), ("`", "  "), ("`", "one two")]),
    ],
)
def test_code_spans_follow_commonmark(text: str, spans: list[tuple[str, str]]) -> None:
    assert [(run, content) for run, content, _ in inline_code_spans(text)] == spans


def test_code_spans_match_markdown_it_on_the_corpora(corpora: Path) -> None:
    # The compiler parses blocks only and finds code spans itself; markdown-it-py's inline
    # phase is the reference.
    full = MarkdownIt("commonmark").enable("table")
    checked = 0
    for path in sorted(corpora.rglob("*.md")):
        for token in full.parse(path.read_text("utf-8")):
            if token.type != "inline":
                continue
            expected = [c.content for c in token.children or [] if c.type == "code_inline"]
            assert [c for _, c, _ in inline_code_spans(token.content)] == expected, path
            links = [
                str(c.attrs["href"])
                for c in token.children or []
                if c.type == "link_open" and str(c.attrs["href"]).startswith("#")
            ]
            assert list(anchor_links(token.content)) == links, path
            checked += 1
    assert checked > 5000
