"""Runbook bytes -> text, refusing what no stage can compile (oversized, binary, not UTF-8, empty).

Also the whitespace-collapsed form that stages compare text in. Light on purpose: a run
served from the cache never loads the parser.
"""

from __future__ import annotations

DEFAULT_MAX_BYTES = 256 * 1024


class SourceError(Exception):
    """The file cannot be compiled at all: the tool could not do its job (exit 2)."""

    def __init__(self, code: str, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.line = line
        self.column = column


def decode_source(data: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Decode runbook bytes, refusing binary, non-UTF-8, empty and oversized input."""
    if len(data) > max_bytes:
        raise SourceError(
            "RB002",
            f"file is {len(data)} bytes, over the {max_bytes}-byte limit "
            "(`max-bytes` in the configuration)",
        )
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise SourceError("RB001", "file looks binary (NUL byte); expected UTF-8 markdown", line)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise SourceError(
            "RB001", f"not valid UTF-8 (byte 0x{data[error.start]:02x})", line, column
        ) from None
    if not text.strip():
        raise SourceError("RB005", "file is empty; a runbook needs at least one step")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def normalise(text: str) -> str:
    """Collapse whitespace, as used to compare step text with source text."""
    return " ".join(text.split())
