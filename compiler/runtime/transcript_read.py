"""Read an agent transcript, in whichever format it is, into calls and assistant text.

Formats: OpenAI Chat Completions (`tool_calls`, and the legacy `function_call` with `function`
role results), OpenAI Responses (`function_call` / `function_call_output` items), Anthropic
Messages (`tool_use` / `tool_result` content blocks) and the runtime's own JSONL audit log. The
file may be JSON or JSONL, whatever its name; the format is recognised from the content.

The reader fails closed: a transcript in no known format, an empty one, or one with a message,
content block or item it does not understand raises `TranscriptError` naming the message, so
an audit never passes a transcript it could not read.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

FORMATS = ("chat", "responses", "anthropic", "audit-log")


class TranscriptError(ValueError):
    """A transcript that cannot be read: unknown format, or a message the reader does not
    understand."""


@dataclass(frozen=True)
class Result:
    """What a tool call returned: its text, and whether the transcript flags it an error."""

    text: str
    is_error: bool = False


@dataclass(frozen=True)
class Call:
    """One tool call: where it is (message index, 1-based line), its id, name, arguments,
    and the result paired with it (None when none came back)."""

    index: int
    line: int
    call_id: str | None
    name: str
    arguments: Mapping[str, Any] | str
    result: Result | None = None


@dataclass(frozen=True)
class Said:
    """Text an assistant wrote, at a message index."""

    index: int
    line: int
    text: str


@dataclass(frozen=True)
class Transcript:
    """A transcript read: its format, its calls in order, and every assistant text."""

    format: str
    calls: tuple[Call, ...]
    said: tuple[Said, ...]


@dataclass(frozen=True)
class _Pending:
    """A result before it is paired with its call (by id, or by name for legacy Chat)."""

    index: int
    key: str
    result: Result


Item = Call | Said | _Pending


def read_transcript(path: Path | str) -> Transcript:
    """Read a transcript file (JSON or JSONL, any of the known formats)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise TranscriptError(f"{path}: cannot read transcript: {error}") from None
    records, lines = _json_records(text, str(path))
    return parse_transcript(records, str(path), lines)


def parse_transcript(
    data: Any, where: str = "transcript", lines: list[int] | None = None
) -> Transcript:
    """A transcript from already-parsed JSON: a list of messages or items, or an object
    holding them (`messages`, or Responses' `input` / `output`)."""
    items = _items(data, where)
    if not items:
        raise TranscriptError(f"{where}: empty transcript: no message to audit")
    fmt = _detect(data, items, where)
    numbers = lines if lines is not None and len(lines) == len(items) else [1] * len(items)
    parsed: list[Item] = []
    for index, item in enumerate(items):
        try:
            parsed += _READERS[fmt](index, item)
        except TranscriptError as error:
            raise TranscriptError(f"{where}: message {index}: {error}") from None
    parsed = [_at_line(entry, numbers) for entry in parsed]
    return Transcript(fmt, tuple(_paired(parsed)), tuple(i for i in parsed if isinstance(i, Said)))


def _json_records(text: str, where: str) -> tuple[Any, list[int] | None]:
    """JSON if the whole text is one value, else JSONL (one value per non-blank line), with
    each JSONL record's line number."""
    try:
        return json.loads(text), None
    except json.JSONDecodeError as whole:
        if len(text.strip().splitlines()) < 2:
            raise TranscriptError(f"{where}: not valid JSON: {whole.msg}") from None
    except RecursionError:
        raise TranscriptError(f"{where}: JSON nested too deeply to read") from None
    records, lines = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError as error:
                raise TranscriptError(
                    f"{where}: not valid JSON or JSONL: line {number}: {error.msg}"
                ) from None
            except RecursionError:
                raise TranscriptError(f"{where}: JSON nested too deeply to read") from None
            lines.append(number)
    return records, lines


def _items(data: Any, where: str) -> list[Mapping[str, Any]]:
    if isinstance(data, Mapping):
        if "messages" in data:
            data = data["messages"]
        elif "input" in data or "output" in data:
            data = _as_list(data.get("input")) + _as_list(data.get("output"))
        elif "role" in data or "type" in data or "verdict" in data:
            data = [data]  # a JSONL file of one record
        else:
            keys = ", ".join(sorted(map(str, data))[:6]) or "none"
            raise TranscriptError(
                f"{where}: no known transcript format (top-level keys: {keys}); expected "
                "OpenAI Chat or Anthropic `messages`, OpenAI Responses `input`/`output` items, "
                "or a runbookc audit log"
            )
    if not isinstance(data, list):
        raise TranscriptError(f"{where}: no known transcript format: expected a list of messages")
    for index, item in enumerate(data):
        if not isinstance(item, Mapping):
            raise TranscriptError(f"{where}: message {index} is not a JSON object")
    return data


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, str):  # Responses input may be a bare prompt
        return [{"role": "user", "content": value}]
    return list(value) if isinstance(value, list) else [value]


def _detect(data: Any, items: list[Mapping[str, Any]], where: str) -> str:
    """The format, from the first item that only one format would write."""
    for item in items:
        if "verdict" in item and "reason" in item:
            return "audit-log"
        if item.get("type") in _RESPONSES_TYPES or "call_id" in item:
            return "responses"
        if "type" in item and "role" not in item:
            return "responses"  # an item type the Responses reader will name
        if item.get("role") in ("tool", "function") or "tool_calls" in item:
            return "chat"
        if "function_call" in item:
            return "chat"
        content = item.get("content")
        types = (
            {b.get("type") for b in content if isinstance(b, Mapping)}
            if isinstance(content, list)
            else set()
        )
        if types & (_RESPONSES_PARTS - _CHAT_PARTS):
            return "responses"
        if types - _CHAT_PARTS:
            return "anthropic"
    if isinstance(data, Mapping) and isinstance(data.get("system"), str | list):
        return "anthropic"
    if all(isinstance(item.get("role"), str) for item in items):
        return "chat"  # text only: Chat and Anthropic share this shape
    raise TranscriptError(f"{where}: no known transcript format: its messages have no role")


def _at_line(entry: Item, lines: list[int]) -> Item:
    if isinstance(entry, _Pending):
        return entry
    return replace(entry, line=lines[entry.index])


def _paired(items: list[Item]) -> Iterator[Call]:
    """Calls with their results: a result belongs to the latest call before it with its key
    (call id, or function name for legacy Chat) that has no result yet."""
    calls: list[Call] = []
    for item in items:
        if isinstance(item, Call):
            calls.append(item)
        elif isinstance(item, _Pending):
            for position in range(len(calls) - 1, -1, -1):
                call = calls[position]
                if call.result is None and _key(call) == item.key:
                    calls[position] = replace(call, result=item.result)
                    break
    yield from calls


def _key(call: Call) -> str:
    return f"id:{call.call_id}" if call.call_id is not None else f"name:{call.name}"


# --- OpenAI Chat Completions -----------------------------------------------------------------

_CHAT_ROLES = ("system", "developer", "user", "assistant", "tool", "function")
_CHAT_PARTS = frozenset({"text", "refusal", "image_url", "input_audio", "file"})


def _chat(index: int, message: Mapping[str, Any]) -> list[Item]:
    role = message.get("role")
    if role not in _CHAT_ROLES:
        raise TranscriptError(f"unknown role {role!r} for OpenAI Chat")
    text = _parts_text(message.get("content"), _CHAT_PARTS)
    if role == "tool":
        return [_Pending(index, f"id:{_text_field(message, 'tool_call_id')}", Result(text))]
    if role == "function":
        return [_Pending(index, f"name:{_text_field(message, 'name')}", Result(text))]
    if role != "assistant":
        return []
    items: list[Item] = [Said(index, 1, text)] if text.strip() else []
    for call in message.get("tool_calls") or []:
        items.append(_chat_call(index, call))
    legacy = message.get("function_call")
    if legacy is not None:
        name, arguments = _function(legacy)
        items.append(Call(index, 1, None, name, arguments))
    return items


def _chat_call(index: int, call: Any) -> Call:
    if not isinstance(call, Mapping) or call.get("type", "function") not in ("function", "custom"):
        raise TranscriptError(f"tool call of unknown type: {_show(call)}")
    if call.get("type") == "custom":
        custom = call.get("custom") or {}
        return Call(index, 1, _text_field(call, "id"), _text_field(custom, "name"), str(custom))
    name, arguments = _function(call.get("function"))
    return Call(index, 1, _text_field(call, "id"), name, arguments)


def _function(function: Any) -> tuple[str, Mapping[str, Any] | str]:
    if not isinstance(function, Mapping):
        raise TranscriptError(f"function call without a function: {_show(function)}")
    arguments = function.get("arguments", "{}")
    if not isinstance(arguments, str | Mapping):
        raise TranscriptError("function arguments are neither JSON text nor an object")
    return _text_field(function, "name"), arguments


# --- OpenAI Responses --------------------------------------------------------------------------

_RESPONSES_TYPES = frozenset({"function_call", "function_call_output", "reasoning", "message"})
_RESPONSES_PARTS = frozenset(
    {"input_text", "output_text", "refusal", "input_image", "input_file", "text"}
)


def _responses(index: int, item: Mapping[str, Any]) -> list[Item]:
    kind = item.get("type", "message")
    if kind == "function_call":
        name, arguments = _function(item)
        return [Call(index, 1, _text_field(item, "call_id"), name, arguments)]
    if kind == "function_call_output":
        output = _parts_text(item.get("output"), _RESPONSES_PARTS)
        return [_Pending(index, f"id:{_text_field(item, 'call_id')}", Result(output))]
    if kind == "reasoning":
        return []
    if kind != "message" or item.get("role") not in ("system", "developer", "user", "assistant"):
        raise TranscriptError(f"unknown OpenAI Responses item {kind!r} (role {item.get('role')!r})")
    text = _parts_text(item.get("content"), _RESPONSES_PARTS)
    return [Said(index, 1, text)] if item["role"] == "assistant" and text.strip() else []


# --- Anthropic Messages ------------------------------------------------------------------------

_ANTHROPIC_BLOCKS = frozenset(
    {"text", "tool_use", "tool_result", "thinking", "redacted_thinking", "image", "document"}
)


def _anthropic(index: int, message: Mapping[str, Any]) -> list[Item]:
    role = message.get("role")
    if role not in ("user", "assistant"):
        raise TranscriptError(f"unknown role {role!r} for Anthropic Messages")
    content = message.get("content")
    blocks = [{"type": "text", "text": content}] if isinstance(content, str) else content
    if not isinstance(blocks, list):
        raise TranscriptError("content is neither text nor a list of blocks")
    items: list[Item] = []
    for block in blocks:
        items += _anthropic_block(index, role, block)
    return items


def _anthropic_block(index: int, role: str, block: Any) -> list[Item]:
    kind = block.get("type") if isinstance(block, Mapping) else None
    if kind not in _ANTHROPIC_BLOCKS:
        raise TranscriptError(f"unknown Anthropic content block {kind!r}")
    if kind == "tool_use":
        arguments = block.get("input", {})
        if not isinstance(arguments, Mapping):
            raise TranscriptError("tool_use input is not an object")
        return [Call(index, 1, _text_field(block, "id"), _text_field(block, "name"), arguments)]
    if kind == "tool_result":
        text = _parts_text(block.get("content"), frozenset({"text", "image", "document"}))
        result = Result(text, block.get("is_error") is True)
        return [_Pending(index, f"id:{_text_field(block, 'tool_use_id')}", result)]
    if kind == "text" and role == "assistant":
        return [Said(index, 1, str(block.get("text", "")))]
    return []


# --- the runtime's audit log -------------------------------------------------------------------


def _audit_log(index: int, entry: Mapping[str, Any]) -> list[Item]:
    verdict = entry.get("verdict")
    if verdict not in ("allow", "deny", "advance"):
        raise TranscriptError(f"audit record with unknown verdict {verdict!r}")
    if verdict == "advance" or entry.get("tool") is None:
        return []
    args = entry.get("args")
    arguments: Mapping[str, Any] | str = args if isinstance(args, Mapping | str) else {}
    result = Result(str(entry.get("reason", "")), is_error=verdict == "deny")
    return [Call(index, 1, None, _text_field(entry, "tool"), arguments, result)]


_READERS: dict[str, Callable[[int, Mapping[str, Any]], list[Item]]] = {
    "chat": _chat,
    "responses": _responses,
    "anthropic": _anthropic,
    "audit-log": _audit_log,
}


# --- shared --------------------------------------------------------------------------------------


def _parts_text(content: Any, known: frozenset[str]) -> str:
    """Text of a content field: a string, or a list of typed parts (unknown types refused)."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if not isinstance(content, list):
        raise TranscriptError(f"content is neither text nor a list of parts: {_show(content)}")
    texts = []
    for part in content:
        kind = part.get("type") if isinstance(part, Mapping) else None
        if kind not in known:
            raise TranscriptError(f"unknown content part {kind!r}")
        texts.append(str(part.get("text") or part.get("refusal") or ""))
    return "\n".join(text for text in texts if text)


def _text_field(item: Mapping[str, Any], name: str) -> str:
    value = item.get(name)
    if not isinstance(value, str) or not value:
        raise TranscriptError(f"missing or empty `{name}`")
    return value


def _show(value: Any) -> str:
    text = json.dumps(value, default=str)
    return text if len(text) <= 60 else text[:57] + "..."
