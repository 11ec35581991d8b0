"""Audit an agent transcript (OpenAI chat messages) against a compiled runbook.

Findings:
- `tool-not-in-graph`: a call to a tool that no step of the runbook uses;
- `out-of-order`: a call to a tool whose step is not reachable next from the steps done so far;
- `human-gated`: a call made at a step only a human may execute;
- `unbacked-claim`: an action the final assistant message claims that no successful call to a
  runbook tool backs ("refunded $48" with no refund call).
"""

from __future__ import annotations

import json
import re
from collections import deque
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from compiler.models import Artifact, Step
from compiler.registry import Registry
from compiler.runtime.guard import OUTCOME_TOOL
from compiler.runtime.loader import CompiledRunbook, read_artifact
from compiler.runtime.toolspec import registry_name

Messages = Sequence[Mapping[str, Any]]


class TranscriptError(ValueError):
    """A transcript that cannot be read as OpenAI chat messages."""


@dataclass(frozen=True)
class Finding:
    """One problem in a transcript, at a message index."""

    kind: str
    message: str
    index: int
    tool: str | None = None


@dataclass(frozen=True)
class Claim:
    """An action the final message claims, and the tool call that backs it (if any)."""

    text: str
    family: str
    index: int
    backed_by: str | None


@dataclass(frozen=True)
class TranscriptReport:
    """Findings of one transcript audit; `ok` when there are none."""

    runbook: str
    calls: int
    claims: tuple[Claim, ...]
    findings: tuple[Finding, ...]

    @property
    def ok(self) -> bool:
        """True when the transcript has no findings."""
        return not self.findings

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary."""
        return {
            "runbook": self.runbook,
            "ok": self.ok,
            "calls": self.calls,
            "claims": [asdict(claim) for claim in self.claims],
            "findings": [asdict(finding) for finding in self.findings],
        }


@dataclass(frozen=True)
class _Call:
    index: int
    tool: str
    succeeded: bool


def read_transcript(path: Path | str) -> list[dict[str, Any]]:
    """Read messages from a .json list, a {"messages": [...]} object, or .jsonl (one per line)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise TranscriptError(f"{path}: cannot read transcript: {error}") from None
    try:
        if path.suffix == ".jsonl":
            data: Any = [json.loads(line) for line in text.splitlines() if line.strip()]
        else:
            data = json.loads(text)
    except json.JSONDecodeError as error:
        raise TranscriptError(
            f"{path}: not valid JSON: {error.msg} at line {error.lineno}"
        ) from None
    except RecursionError:
        raise TranscriptError(f"{path}: JSON nested too deeply to read") from None
    return _messages(data, str(path))


def _messages(data: Any, where: str) -> list[dict[str, Any]]:
    if isinstance(data, Mapping):
        data = data.get("messages")
    if not isinstance(data, list) or not all(isinstance(m, Mapping) for m in data):
        raise TranscriptError(f"{where}: expected a list of chat messages or {{'messages': [...]}}")
    return [dict(message) for message in data]


def audit_transcript(
    transcript: Messages | Mapping[str, Any],
    runbook: CompiledRunbook | Artifact | Path | str,
    registry: Registry | None = None,
    control_tools: Collection[str] = (OUTCOME_TOOL,),
) -> TranscriptReport:
    """Check a transcript's tool calls and final claims against a compiled runbook.

    Calls to `control_tools` (the agent loop's own pseudo-tools, such as the guard's
    `choose_outcome`) are not tool calls of the runbook and are skipped."""
    artifact, registry = _runbook(runbook, registry)
    messages = _messages(transcript, "transcript")
    calls = [call for call in _calls(messages) if call.tool not in control_tools]
    graph = _Graph(artifact, registry)
    findings = [finding for call in calls for finding in graph.visit(call)]
    claims = _claims(messages, graph)
    findings += [
        Finding(
            "unbacked-claim",
            f"claims {c.text!r} but no successful runbook tool call backs it",
            c.index,
        )
        for c in claims
        if c.backed_by is None
    ]
    return TranscriptReport(artifact.runbook.id, len(calls), tuple(claims), tuple(findings))


def _runbook(
    runbook: CompiledRunbook | Artifact | Path | str, registry: Registry | None
) -> tuple[Artifact, Registry | None]:
    if isinstance(runbook, CompiledRunbook):
        return runbook.artifact, registry or runbook.registry
    if isinstance(runbook, Artifact):
        return runbook, registry
    return read_artifact(runbook), registry


def _content(message: Mapping[str, Any]) -> str:
    content = message.get("content")
    if isinstance(content, list):
        return "".join(str(part.get("text", "")) for part in content if isinstance(part, Mapping))
    return content if isinstance(content, str) else ""


def _failed(content: str) -> bool:
    """Tool output that reports an error."""
    return content.lstrip().lower().startswith("error") or '"error"' in content


def _calls(messages: list[dict[str, Any]]) -> Iterator[_Call]:
    results = {str(m.get("tool_call_id")): _content(m) for m in messages if m.get("role") == "tool"}
    for index, message in enumerate(messages):
        if message.get("role") != "assistant":
            continue
        for call in message.get("tool_calls") or []:
            function = call.get("function") or {}
            result = results.get(str(call.get("id")))
            succeeded = result is not None and not _failed(result)
            yield _Call(index, registry_name(str(function.get("name", ""))), succeeded)


class _Graph:
    """Tracks the position of a transcript along the runbook graph."""

    def __init__(self, artifact: Artifact, registry: Registry | None) -> None:
        self.steps = {step.id: step for step in artifact.steps}
        self.order = [step.id for step in artifact.steps]
        self.entry = artifact.entry or self.order[0]
        self.registry = registry
        self.tools = {step.tool.name for step in artifact.steps if step.tool is not None}
        self.position: str | None = None
        self.done: list[tuple[_Call, Step]] = []

    def visit(self, call: _Call) -> list[Finding]:
        """Match one call to a step, and report what is wrong with it."""
        if call.tool not in self.tools:
            return [
                _finding("tool-not-in-graph", call, "is not a tool of any step of this runbook")
            ]
        findings = []
        expected = self.next_steps()
        step = next((s for s in expected if _tool_of(s) == call.tool), None)
        if step is None:
            step = self._resync(call.tool)
            wanted = ", ".join(sorted({_tool_of(s) or s.id for s in expected})) or "(the end)"
            reason = f"(step {step.id}) is not reachable next; expected {wanted}"
            findings.append(_finding("out-of-order", call, reason))
        if step.gate == "human":
            reason = f"called at step {step.id}, which only a human may execute"
            findings.append(_finding("human-gated", call, reason))
        self.position = step.id
        self.done.append((call, step))
        return findings

    def next_steps(self) -> list[Step]:
        """Tool steps the next call may match: the current one again (a retry) and the first
        tool steps along every path out of it, passing through steps without a tool and
        through human-gated steps (a human does those)."""
        if self.position is None:
            found, starts = [], [self.entry]
        else:
            current = self.steps[self.position]
            found, starts = [current], [edge.to for edge in current.next]
        queue, seen = deque(starts), {*starts, self.position}
        while queue:
            step = self.steps[queue.popleft()]
            if step.tool is not None:
                found.append(step)
                if step.gate != "human":
                    continue
            for edge in step.next:
                if edge.to not in seen:
                    seen.add(edge.to)
                    queue.append(edge.to)
        return found

    def _resync(self, tool: str) -> Step:
        downstream = self._downstream()
        for step_id in downstream + self.order:
            step = self.steps[step_id]
            if _tool_of(step) == tool:
                return step
        raise AssertionError(f"{tool} is a graph tool but no step uses it")

    def _downstream(self) -> list[str]:
        if self.position is None:
            return []
        queue, seen, order = deque([self.position]), {self.position}, []
        while queue:
            for edge in self.steps[queue.popleft()].next:
                if edge.to not in seen:
                    seen.add(edge.to)
                    order.append(edge.to)
                    queue.append(edge.to)
        return order

    def text_of(self, step: Step) -> str:
        """Words that say what a step's tool does: its name, description, step text."""
        name = _tool_of(step) or ""
        tool = self.registry.tools.get(name) if self.registry else None
        parts = [name.replace(".", " ").replace("_", " "), step.text, step.note or ""]
        if tool is not None:
            parts.append(tool.description)
        return " ".join(parts).lower()

    def effect_of(self, step: Step) -> str | None:
        """The step's effect, from the artifact or else the registry."""
        tool = self.registry.tools.get(_tool_of(step) or "") if self.registry else None
        return step.effect or (tool.effect if tool else None)


def _finding(kind: str, call: _Call, reason: str) -> Finding:
    return Finding(kind, f"{call.tool} {reason}", call.index, call.tool)


def _tool_of(step: Step) -> str | None:
    return step.tool.name if step.tool else None


@dataclass(frozen=True)
class _Family:
    name: str
    verbs: str
    keywords: tuple[str, ...]


READ = "read"
FAMILIES = (
    _Family(
        "refund",
        r"refunded|credited|(?:issued|processed|made) (?:a |the )?"
        r"(?:full |partial )?refunds?",
        ("refund", "credit"),
    ),
    _Family(
        "escalate",
        r"escalated|paged|notified|pinged|contacted|alerted|informed|messaged"
        r"|looped in|handed (?:it )?(?:off|over)",
        ("page", "escalat", "notif", "oncall", "on-call", "pager"),
    ),
    _Family(
        "reply", r"replied|responded|answered|emailed|wrote back", ("reply", "respond", "email")
    ),
    _Family("restart", r"restarted|rebooted|bounced|recycled", ("restart", "reboot")),
    _Family(
        "delete",
        r"deleted|removed|purged|pruned|wiped|cleaned up|evicted|killed|terminated",
        ("delete", "remove", "prune", "purge", "evict", "kill", "terminat", "vacuum"),
    ),
    _Family("clear", r"cleared|disarmed|vacuumed|freed up|freed", ("clear", "disarm", "vacuum")),
    _Family("scale", r"scaled|resized", ("scale", "resize")),
    _Family("drain", r"drained|cordoned|uncordoned", ("drain", "cordon")),
    _Family("rollback", r"rolled back|reverted|undid", ("rollback", "undo", "revert")),
    _Family("deploy", r"deployed|released|shipped|promoted", ("deploy", "release", "ship")),
    _Family("grant", r"granted", ("grant",)),
    _Family("revoke", r"revoked", ("revoke",)),
    _Family("defrag", r"defragmented|defragged|compacted", ("defrag", "compact")),
    _Family(
        "change",
        r"patched|edited|applied|modified|reconfigured|silenced|renewed|rotated",
        ("patch", "edit", "apply", "silence", "renew", "rotat"),
    ),
    _Family(
        READ,
        r"checked|verified|looked up|looked at|looked into|confirmed|inspected"
        r"|reviewed|queried|examined|investigated|listed|validated|viewed",
        (),
    ),
)
CLAIM = re.compile(
    "|".join(rf"\b(?P<f{i}>{family.verbs})\b" for i, family in enumerate(FAMILIES)),
    re.IGNORECASE,
)
# Words shortly before a claim verb, in the same clause, that make it no claim: "not
# restarted", "will be refunded", "if the alarm is still listed".
HEDGES = frozenset(
    {"not", "never", "no", "be", "will", "would", "should", "could", "can", "may"}
    | {"might", "must", "need", "needs", "please", "if", "unless", "whether", "cannot"}
)
# Words too common to tie a "checked X" claim to a tool.
STOPWORDS = frozenset(
    {"that", "this", "with", "from", "have", "there", "their", "they", "them", "then", "than"}
    | {"were", "been", "into", "also", "each", "every", "some", "which", "what", "when"}
    | {"where", "will", "would", "should", "could", "about", "after", "before", "again"}
    | {"still", "only", "just", "more", "most", "other", "such", "very", "your", "here"}
    | {"found", "sure", "everything", "nothing", "anything", "customer", "customers", "user"}
    | {"users", "recent", "afterwards", "because", "since", "while", "both", "able", "done"}
)
WORD = re.compile(r"[a-z][a-z0-9_-]+")


def _final_message(messages: list[dict[str, Any]]) -> tuple[int, str] | None:
    for index in range(len(messages) - 1, -1, -1):
        message = messages[index]
        if message.get("role") == "assistant" and _content(message).strip():
            return index, _content(message)
    return None


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+|\n+", text) if s.strip()]


def _claims(messages: list[dict[str, Any]], graph: _Graph) -> list[Claim]:
    final = _final_message(messages)
    if final is None:
        return []
    index, text = final
    backing = [
        (step, graph.text_of(step), graph.effect_of(step))
        for call, step in graph.done
        if call.succeeded
    ]
    claims = []
    for sentence in _sentences(text):
        for family, clause in _clauses(sentence):
            backed = _backer(family, clause, backing)
            claims.append(Claim(clause, family.name, index, backed))
    return claims


def _clauses(sentence: str) -> Iterator[tuple[_Family, str]]:
    """Each claim verb in a sentence with its clause (up to the next claim verb)."""
    matches = list(CLAIM.finditer(sentence))
    for number, match in enumerate(matches):
        segment = re.split(r"[,;:()]", sentence[: match.start()])[-1]
        before = re.findall(r"[\w']+", segment.lower())[-5:]
        if any(word in HEDGES or word.endswith("n't") for word in before):
            continue
        end = matches[number + 1].start() if number + 1 < len(matches) else len(sentence)
        family = FAMILIES[int((match.lastgroup or "f0")[1:])]
        clause = sentence[match.start() : end].strip(" ,;:").rstrip(".!?")
        yield family, re.sub(r"[\s,;]+(?:and|then|but|so|and then)$", "", clause)


def _backer(
    family: _Family, clause: str, backing: list[tuple[Step, str, str | None]]
) -> str | None:
    """The tool of the first successful call that backs a claim: for "checked X" a read tool
    whose words share a noun with the claim; for an action, a changing tool of its family."""
    for step, text, effect in backing:
        if family.name == READ:
            backs = effect in ("read", None) and _shares_noun(clause, text)
        else:
            backs = effect != "read" and any(keyword in text for keyword in family.keywords)
        if backs and step.tool is not None:
            return step.tool.name
    return None


def _nouns(text: str) -> set[str]:
    words = WORD.findall(CLAIM.sub(" ", text.lower()))
    return {word for word in words if len(word) >= 4 and word not in STOPWORDS}


def _shares_noun(clause: str, tool_text: str) -> bool:
    nouns = _nouns(clause)
    if not nouns:
        return True
    words = set(WORD.findall(tool_text))
    return any(_related(noun, word) for noun in nouns for word in words if len(word) >= 4)


def _related(a: str, b: str) -> bool:
    """Same word up to an inflection: a common prefix of at least min(len, 5) letters."""
    shortest = min(len(a), len(b))
    common = next((i for i in range(shortest) if a[i] != b[i]), shortest)
    return common >= min(shortest, 5)
