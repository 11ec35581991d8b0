from __future__ import annotations

import pytest

from compiler.parse import SourceError, decode_source, parse, text_at


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
