"""Document -> steps a model proposes, through any OpenAI-compatible endpoint.

The model proposes; the compiler disposes. This module only asks: one chat completion per
procedural section, typed by `instructor`, at temperature 0, with the prompt from `prompts/`.
It keeps no opinion about the answer — quotes that are not in the source and tools that are
not in the registry are returned as proposed, for the grounding gate to drop.

This is the only module that imports `openai` and `instructor`, and it imports them only when a
call is about to be made, so the rest of the compiler (and a fully cached compile) runs without
them. Failures come back as data (`LLMResult.failure`). The one error raised is `LLMAuthError`
(credentials refused or missing), because no retry and no fallback fixes it.
"""

from __future__ import annotations

import contextlib
import hashlib
import ipaddress
import json
import logging
import os
import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast
from urllib.parse import urlsplit

from pydantic import BaseModel, Field, ValidationError, field_validator

from compiler.emit import atomic_write
from compiler.extract import LLMAuthError
from compiler.extract.heuristic.sections import PROCEDURAL, is_procedural
from compiler.parse import Block, Document

if TYPE_CHECKING:
    import httpx2
    from instructor import Instructor
    from openai.types.chat import ChatCompletionMessageParam

PROMPT_NAME = "extract-v2.md"


def _prompt_path() -> Path:
    """The prompt template: inside the package when installed from a wheel (the build maps
    the top-level prompts/ to compiler/prompts/), else the source checkout's prompts/."""
    packaged = Path(__file__).resolve().parents[1] / "prompts" / PROMPT_NAME
    if packaged.is_file():
        return packaged
    return Path(__file__).resolve().parents[2] / "prompts" / PROMPT_NAME


PROMPT_PATH = _prompt_path()
BACKOFF_BASE = 0.5
"""Seconds before the first retry; doubled per retry, then jittered down by up to half."""
BACKOFF_CAP = 8.0
RETRY_AFTER_CAP = 60.0
"""A server's Retry-After is honoured up to this many seconds (and never past the deadline)."""

Failure = Literal["invalid-output", "unavailable", "auth", "deadline"]

# instructor logs every failed attempt at ERROR; without a handler, Python would print those
# lines to stderr. Failures reach the user as LLMResult.failure_message instead.
logging.getLogger("instructor").addHandler(logging.NullHandler())


@dataclass(frozen=True)
class LLMSettings:
    """How to reach the model, and how long and how often to try."""

    model: str
    base_url: str | None = None
    """Else OPENAI_BASE_URL, else the SDK default (api.openai.com)."""
    api_key: str | None = None
    """Else OPENAI_API_KEY; may be absent only for a local (loopback) endpoint."""
    deadline_seconds: float = 120.0
    """One total deadline per compile: all sections, all retries."""
    max_retries: int = 3
    """Per call, on 429 / 5xx / timeouts / connection errors."""
    validation_retries: int = 2
    """Re-asks after output that does not fit the schema."""
    cache_dir: Path | None = None
    """Response cache directory; None caches nothing."""


class ProposedStep(BaseModel):
    """One instruction of the runbook section, as a step."""

    # The class docstrings here are sent to the model: they are the schema's descriptions.

    source_quote: str
    kind: Literal["action", "check", "decision", "manual", "escalate"]
    condition: str | None = None
    tool: str | None = None
    actors: list[str] = Field(default_factory=list)
    placeholders: list[str] = Field(default_factory=list)

    @field_validator("condition", "tool")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        """Models write "" or "null" for "none"; both mean None."""
        if value is None or value.strip().lower() in ("", "null", "none"):
            return None
        return value


FlagCode = Literal["RB101", "RB102", "RB103", "RB104", "RB106", "RB107", "RB108"]
"""The assumption rules a model may propose a flag for (the text rules of issue 16)."""


class ProposedFlag(BaseModel):
    """An implicit assumption of the section: its verbatim words, the rule, and why."""

    quote: str
    code: FlagCode
    reason: str = ""


class SectionExtraction(BaseModel):
    """The steps of one runbook section, in source order, and what it leaves implicit."""

    steps: list[ProposedStep]
    unknowns: list[str] = Field(default_factory=list)
    flags: list[ProposedFlag] = Field(default_factory=list)


@dataclass(frozen=True)
class Section:
    """A procedural section: the unit sent to the model."""

    title: str
    """Heading path joined with " > ", as DraftStep.section; "" before the first heading."""
    text: str
    """The exact source lines of the section joined with "\\n" (no leading/trailing blank line)."""
    first_line: int
    """1-based source line of text's first line."""
    sha256: str
    """sha256 of text (UTF-8)."""


@dataclass(frozen=True)
class LLMResult:
    """Every section's extraction, in order, or how far it got and why it stopped."""

    sections: list[tuple[Section, SectionExtraction]]
    """Sections extracted (from the cache or the model); on failure, those done before it."""
    prompt_sha256: str
    cache_keys: list[str]
    """One per entry of `sections`, in the same order."""
    calls: int
    """HTTP requests sent, retries and re-asks included."""
    cache_hits: int
    input_tokens: int
    output_tokens: int
    failure: Failure | None = None
    """Never "auth" here (that raises LLMAuthError); the value is for callers that record it."""
    failure_message: str | None = None
    """One line, for a diagnostic."""


def sections_of(document: Document) -> list[Section]:
    """The procedural sections of a document, chosen as the heuristic extractor chooses them.

    A section runs from a heading to the next heading of any level; text before the first
    heading is a section titled "". A document without headings is one section."""
    headings = [b for b in document.blocks if b.kind == "heading"]
    procedural_doc = any(PROCEDURAL.search(h.text) for h in headings)
    body_start = document.front_matter_span.end_line if document.front_matter_span else 0
    ends = [h.span.line - 1 for h in headings] + [len(document.lines)]
    found = []
    if not procedural_doc:  # the preamble is procedural exactly when no heading is
        found.append(_section(document, "", body_start, ends[0]))
    for heading, end in zip(headings, ends[1:], strict=True):
        if is_procedural(heading, procedural_doc):
            title = " > ".join((*heading.sections, heading.text))
            found.append(_section(document, title, _after(document, heading), end))
    return [section for section in found if section is not None]


_SETEXT_UNDERLINE = re.compile(r"^ {0,3}(?:=+|-+)[ \t]*$")


def _after(document: Document, heading: Block) -> int:
    """0-based index of the first line after a heading (and its setext underline)."""
    index = heading.span.end_line
    if index < len(document.lines) and _SETEXT_UNDERLINE.match(document.lines[index]):
        index += 1
    return index


def _section(document: Document, title: str, start: int, end: int) -> Section | None:
    """The section made of lines[start:end] without blank lines at either end, if any remain."""
    lines = document.lines
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    if start >= end:
        return None
    text = "\n".join(lines[start:end])
    return Section(title, text, start + 1, hashlib.sha256(text.encode("utf-8")).hexdigest())


def extract_with_llm(
    document: Document,
    tool_names: list[str],
    settings: LLMSettings,
    *,
    transport: httpx2.BaseTransport | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> LLMResult:
    """Ask the model for the steps of every procedural section of a document.

    Raises only LLMAuthError; every other failure is `LLMResult.failure`. `transport` (an
    httpx2 transport), `sleep` and `clock` are for tests and the cassette generator."""
    tools = sorted(set(tool_names))
    deadline = clock() + settings.deadline_seconds
    try:
        prompt = _Prompt.load(PROMPT_PATH)
    except _StopError as unusable:
        return LLMResult([], "", [], 0, 0, 0, 0, unusable.failure, unusable.message)
    endpoint = _Endpoint(settings, transport, sleep, clock, deadline)
    done: list[tuple[Section, SectionExtraction]] = []
    keys: list[str] = []
    hits = 0
    failed: _StopError | None = None
    try:
        for section in sections_of(document):
            key = _cache_key(settings.model, prompt.sha256, section.sha256, tools)
            extraction = _cached(settings.cache_dir, key)
            if extraction is None:
                extraction = endpoint.extract(section, prompt.messages(section, tools))
                _store(settings.cache_dir, key, extraction)
            else:
                hits += 1
            done.append((section, extraction))
            keys.append(key)
    except LLMAuthError:
        raise
    except _StopError as stop:
        failed = stop
    except Exception as error:  # the contract: nothing but LLMAuthError escapes
        failed = _StopError("unavailable", f"LLM extractor failed: {_one_line(error)}")
    usage = endpoint.usage
    return LLMResult(
        done,
        prompt.sha256,
        keys,
        usage.calls,
        hits,
        usage.input_tokens,
        usage.output_tokens,
        failed.failure if failed else None,
        failed.message if failed else None,
    )


class _StopError(Exception):
    """Extraction stops here; becomes LLMResult.failure."""

    def __init__(self, failure: Failure, message: str) -> None:
        super().__init__(message)
        self.failure: Failure = failure
        self.message = message


@dataclass(frozen=True)
class _Prompt:
    """The versioned prompt template: system text, user text with placeholders, file sha256."""

    system: str
    user: str
    sha256: str

    _MARKER = re.compile(r"^<!-- (system|user) -->[ \t]*$", re.MULTILINE)
    _PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")

    @classmethod
    def load(cls, path: Path) -> _Prompt:
        try:
            data = path.read_bytes()
        except OSError as error:
            raise _StopError(
                "unavailable", f"cannot read prompt template {path}: {error}"
            ) from None
        parts = cls._MARKER.split(data.decode("utf-8"))
        named = dict(zip(parts[1::2], (p.strip() for p in parts[2::2]), strict=True))
        used = set(cls._PLACEHOLDER.findall(named.get("user", "")))
        if set(named) != {"system", "user"} or not used <= {"tools", "title", "section"}:
            raise _StopError("unavailable", f"prompt template {path} is malformed")
        return cls(named["system"], named["user"], hashlib.sha256(data).hexdigest())

    def messages(self, section: Section, tools: list[str]) -> list[dict[str, str]]:
        values = {
            "tools": "\n".join(f"- {t}" for t in tools) or "(none: every step's tool is null)",
            "title": _as_data(section.title).replace('"', "'"),
            "section": _as_data(section.text),
        }
        user = self._PLACEHOLDER.sub(lambda m: values[m.group(1)], self.user)
        return [{"role": "system", "content": self.system}, {"role": "user", "content": user}]


_DELIMITER = re.compile(r"<(/?)runbook_section", re.IGNORECASE)


def _as_data(text: str) -> str:
    """Runbook text cannot close its own data block: its delimiter tags are defused."""
    return _DELIMITER.sub(r"<\1runbook-section", text)


def _cache_key(model: str, prompt_sha256: str, section_sha256: str, tools: list[str]) -> str:
    """Everything the answer depends on; the response schema too, as the model sees it."""
    parts = [model, prompt_sha256, _schema_sha256(), section_sha256, *sorted(tools)]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


@cache
def _schema_sha256() -> str:
    schema = json.dumps(SectionExtraction.model_json_schema(), sort_keys=True)
    return hashlib.sha256(schema.encode("utf-8")).hexdigest()


def _entry(directory: Path, key: str) -> Path:
    return directory / key[:2] / f"{key}.json"


def _cached(directory: Path | None, key: str) -> SectionExtraction | None:
    """A cached extraction, or None on a miss or an unreadable entry."""
    if directory is None:
        return None
    try:
        return SectionExtraction.model_validate_json(_entry(directory, key).read_bytes())
    except (OSError, ValueError, ValidationError):
        return None


def _store(directory: Path | None, key: str, extraction: SectionExtraction) -> None:
    """Best effort, atomic: concurrent compiles never read a torn entry."""
    if directory is not None:
        with contextlib.suppress(OSError):
            atomic_write(_entry(directory, key), extraction.model_dump_json(indent=2) + "\n")


@dataclass
class _Usage:
    calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0

    def on_call(self, *_args: Any, **_kwargs: Any) -> None:
        self.calls += 1

    def on_response(self, response: Any) -> None:
        usage = getattr(response, "usage", None)
        self.input_tokens += getattr(usage, "prompt_tokens", 0) or 0
        self.output_tokens += getattr(usage, "completion_tokens", 0) or 0


@dataclass
class _Endpoint:
    """The model endpoint: a client made on first use, bounded retries, one deadline."""

    settings: LLMSettings
    transport: httpx2.BaseTransport | None
    sleep: Callable[[float], None]
    clock: Callable[[], float]
    deadline: float
    usage: _Usage = field(default_factory=_Usage)
    _client: Instructor | None = None

    def extract(self, section: Section, messages: list[dict[str, str]]) -> SectionExtraction:
        """One section: transport failures are retried with backoff inside the deadline."""
        client = self._client or self._connect()
        attempts = max(1, self.settings.max_retries + 1)
        reason = ""
        for attempt in range(attempts):
            remaining = self._remaining(section)
            try:
                return self._create(client, messages, remaining)
            except Exception as error:
                wait, reason = _transient(error, self.settings)
            if self.clock() >= self.deadline:
                raise _StopError("deadline", self._late(section, reason)) from None
            if attempt + 1 == attempts:
                break
            delay = max(_backoff(attempt), min(wait or 0.0, RETRY_AFTER_CAP))
            if delay >= self.deadline - self.clock():
                raise _StopError("deadline", self._late(section, reason)) from None
            self.sleep(delay)
        raise _StopError(
            "unavailable", f"LLM endpoint unavailable after {_attempts(attempts)}: {reason}"
        )

    def _remaining(self, section: Section) -> float:
        remaining = self.deadline - self.clock()
        if remaining <= 0:
            raise _StopError("deadline", self._late(section, None))
        return remaining

    def _late(self, section: Section, reason: str | None) -> str:
        where = f"section {section.title!r}" if section.title else "the runbook"
        last = f" (last error: {reason})" if reason else ""
        limit = f"{self.settings.deadline_seconds:g}s"
        return f"LLM deadline of {limit} reached before {where} was extracted{last}"

    def _create(
        self, client: Instructor, messages: list[dict[str, str]], timeout: float
    ) -> SectionExtraction:
        result = client.chat.completions.create(
            model=self.settings.model,
            response_model=SectionExtraction,
            messages=cast("list[ChatCompletionMessageParam]", messages),
            temperature=0,
            max_retries=self.settings.validation_retries,
            timeout=timeout,
        )
        # A clean copy: instructor hangs the raw response on the model it returns.
        return SectionExtraction.model_validate(result.model_dump())

    def _connect(self) -> Instructor:
        try:
            import httpx2
            import instructor
            import openai
        except ImportError as error:
            raise _StopError(
                "unavailable",
                f"the LLM extractor needs the 'llm' extra ({error}): "
                "pip install 'runbook-compiler[llm]'",
            ) from None
        base_url = self.settings.base_url or os.environ.get("OPENAI_BASE_URL") or None
        http = httpx2.Client(transport=self.transport) if self.transport else None
        client = instructor.from_openai(
            openai.OpenAI(
                api_key=_api_key(self.settings, base_url),
                base_url=base_url,
                max_retries=0,  # retries are ours: counted, jittered, inside the deadline
                http_client=http,
            ),
            mode=instructor.Mode.JSON_SCHEMA,
        )
        client.on("completion:kwargs", self.usage.on_call)
        client.on("completion:response", self.usage.on_response)
        self._client = client
        return client


def _api_key(settings: LLMSettings, base_url: str | None) -> str:
    key = settings.api_key or os.environ.get("OPENAI_API_KEY")
    if key:
        return key
    if base_url and _is_local(base_url):
        return "unused"  # local servers (Ollama, llama.cpp, vLLM) take any key; the SDK needs one
    where = base_url or "the OpenAI API"
    raise LLMAuthError(f"no API key for the LLM endpoint at {where}: set OPENAI_API_KEY")


def _is_local(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _transient(error: Exception, settings: LLMSettings) -> tuple[float | None, str]:
    """(Retry-After seconds or None, reason) for an error worth retrying; raise otherwise."""
    import openai
    from instructor.core import IncompleteOutputException, InstructorRetryException

    cause: BaseException = error
    attempts = None
    if isinstance(error, InstructorRetryException):
        cause, attempts = error.__cause__ or error, error.n_attempts
    if isinstance(cause, openai.AuthenticationError | openai.PermissionDeniedError):
        raise LLMAuthError(
            f"the LLM endpoint refused the credentials ({_describe(cause)}); "
            "check OPENAI_API_KEY and the model's access"
        ) from None
    if isinstance(cause, openai.APIStatusError):
        if cause.status_code in (408, 409, 429) or cause.status_code >= 500:
            return _retry_after(cause), _describe(cause)
        raise _StopError(
            "unavailable", f"the LLM endpoint rejected the request: {_describe(cause)}"
        )
    if isinstance(cause, openai.APITimeoutError):
        return None, "request timed out"
    if isinstance(cause, openai.APIConnectionError):
        return None, f"cannot connect ({_one_line(cause.__cause__ or cause)})"
    if isinstance(
        cause, ValueError | IncompleteOutputException | InstructorRetryException
    ):  # pydantic's ValidationError and json's JSONDecodeError are ValueErrors
        raise _StopError("invalid-output", _invalid(attempts, settings)) from None
    raise _StopError("unavailable", f"LLM call failed: {_one_line(cause)}")


def _invalid(attempts: int | None, settings: LLMSettings) -> str:
    count = attempts or settings.validation_retries + 1
    return f"model returned invalid output after {_attempts(count)}"


def _attempts(count: int) -> str:
    return f"{count} attempt{'' if count == 1 else 's'}"


def _describe(error: Any) -> str:
    """HTTP status and the server's own message, on one line."""
    body = getattr(error, "body", None)
    message = body.get("message") if isinstance(body, dict) else None
    detail = f": {_one_line(message)}" if message else ""
    return f"HTTP {error.status_code}{detail}"


def _retry_after(error: Any) -> float | None:
    headers = error.response.headers
    with contextlib.suppress(TypeError, ValueError):
        if "retry-after-ms" in headers:
            return float(str(headers["retry-after-ms"])) / 1000
        if "retry-after" in headers:
            return float(str(headers["retry-after"]))
    return None


def _backoff(attempt: int) -> float:
    """Exponential backoff with jitter: base * 2**attempt, capped, then down by up to half."""
    delay = min(BACKOFF_CAP, BACKOFF_BASE * 2.0**attempt)
    return delay / 2 + random.uniform(0, delay / 2)


def _one_line(value: object) -> str:
    text = " ".join(str(value).split())
    name = type(value).__name__ if isinstance(value, BaseException) else ""
    text = f"{name}: {text}" if name and text else name or text
    return text if len(text) <= 200 else text[:197] + "..."
