"""`runbookc init`: a starter tools.yaml, profiles.yaml and configuration from the commands an
existing runbook tree already runs.

Programs the catalogue below knows get one tool per subcommand, with the effect that
subcommand has (`kubectl get` reads, `kubectl scale` writes, `kubectl delete` destroys);
destructive tools require approval. Programs it does not know are listed for review, not
guessed: their commands stay flagged (RB207) until someone writes their tools. Everything
written is a draft for a human to read; the summary says what to review.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from compiler.extract.heuristic import extract
from compiler.parse import SourceError, decode_source, parse
from compiler.pipeline import SourceFile
from compiler.text.effect_words import (
    DESTRUCTIVE_VERBS,
    PROGRAMS_WITH_SUBCOMMANDS,
    alternation,
)
from compiler.text.shell import split_pipeline

Effect = str


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_READ_WORDS = re.compile(
    r"^(get|describe|logs?|top|explain|version|status|show|list|ls|inspect|info|stats|ps|"
    r"history|events|cat|check|health|diff|images|endpoint|query|search|watch|whoami|"
    r"api-resources|cluster-info|auth|is-active|is-enabled|list-units|tree|verify|dump)$"
)
_DESTRUCTIVE_WORDS = re.compile(
    "^"
    + alternation(
        # `compact`, `mask`, `format` are its own. A prefix: `del` is `delete`, `rm` is `rmi`,
        # `drop` is `dropdb`.
        DESTRUCTIVE_VERBS | {"del", "rm", "rmi", "prune", "compact", "reset", "mask", "format"}
    )
)

READ_PROGRAMS = _words(
    "curl wget dig nslookup host ping traceroute mtr ss netstat ip ifconfig df du free uptime "
    "ps pgrep top htop iostat vmstat mpstat sar dmesg journalctl cat less head tail grep jq "
    "yq awk wc ls find stat lsof openssl date hostname uname whoami id env printenv nc "
    "tcpdump lsblk blkid findmnt mount getent"
)
"""Programs that only read (some, like curl, can write with options: review them)."""

WRITE_PROGRAMS = _words(
    "cp mv mkdir touch chmod chown ln tee sed service psql mysql mongosh sqlcmd "
    "ssh scp rsync tar gzip sysctl iptables nft"
)
DESTRUCTIVE_PROGRAMS = _words(
    "rm rmdir kill pkill killall reboot shutdown halt poweroff dd mkfs wipefs shred "
    "truncate fdisk parted"
)


@dataclass
class Found:
    """What the tree runs: commands per (program, subcommand), and where."""

    commands: dict[tuple[str, str], list[str]] = field(default_factory=lambda: defaultdict(list))
    unknown: Counter[str] = field(default_factory=Counter)
    unknown_examples: dict[str, str] = field(default_factory=dict)
    executors: set[str] = field(default_factory=set)
    roles: set[str] = field(default_factory=set)
    files: int = 0


def effect_of(program: str, subcommand: str) -> Effect | None:
    """The effect of `program subcommand`, or None for a program the catalogue lacks."""
    if program in DESTRUCTIVE_PROGRAMS:
        return "destructive"
    if program in READ_PROGRAMS:
        return "read"
    if program in WRITE_PROGRAMS:
        return "write"
    if program not in PROGRAMS_WITH_SUBCOMMANDS:
        return None
    if _DESTRUCTIVE_WORDS.match(subcommand):
        return "destructive"
    if _READ_WORDS.match(subcommand):
        return "read"
    return "write"


def _argv(command: str) -> list[str]:
    parsed = split_pipeline(command)
    if parsed is None or not parsed.stages:
        return []
    for word_list in parsed.stages:
        words = [w for w in word_list if not re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", w)]
        if words and words[0] == "sudo":
            words = words[1:]
        if words and words[0] not in ("echo", "export", "cd", "set", "true"):
            return words
    return []


def _subcommand(argv: list[str]) -> str:
    return next((w for w in argv[1:] if not w.startswith("-") and "$" not in w), "")


def scan(sources: list[SourceFile]) -> Found:
    """Every command the runbooks run (in code blocks the extractor takes as steps)."""
    found = Found()
    for source in sources:
        try:
            document = parse(decode_source(source.path.read_bytes()), source.display)
        except (OSError, SourceError):
            continue
        found.files += 1
        front = document.front_matter
        if isinstance(front.get("executor"), str):
            found.executors.add(front["executor"])
        escalation = front.get("escalation")
        for role in (
            front.get("owner"),
            escalation.get("role") if isinstance(escalation, dict) else None,
        ):
            if isinstance(role, str) and role.strip():
                found.roles.add(role.strip())
        for draft in extract(document, frozenset()):
            if not draft.command:
                continue
            argv = _argv(draft.command)
            if not argv or not re.fullmatch(r"[\w.+-]+", Path(argv[0]).name):
                continue
            program = Path(argv[0]).name
            subcommand = _subcommand(argv) if program in PROGRAMS_WITH_SUBCOMMANDS else ""
            if effect_of(program, subcommand) is None:
                found.unknown[program] += 1
                found.unknown_examples.setdefault(program, draft.command.splitlines()[0])
            else:
                found.commands[(program, subcommand)].append(draft.command)
    return found


def _name(program: str, subcommand: str) -> str:
    def clean(word: str) -> str:
        return re.sub(r"[^a-z0-9]+", "_", word.lower()).strip("_") or "x"

    return f"{clean(program)}.{clean(subcommand)}" if subcommand else f"{clean(program)}.run"


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


@dataclass(frozen=True)
class Starter:
    """The files `init` writes, and what it tells the user to review."""

    registry: str
    profiles: str
    config: str
    tools: int
    programs: list[str]
    unknown: list[str]


def starter(found: Found) -> Starter:
    """tools.yaml, profiles.yaml and a [tool.runbookc] table for what the tree runs."""
    lines = [
        "# Starter tool registry written by `runbookc init` from the commands your runbooks run.",
        "# REVIEW every tool before an agent relies on it: `effect` (read | write | destructive),",
        "# `permission` (granted by profiles.yaml), `requires_approval`, and the command pattern",
        "# ({args*} takes the rest of the line; name the arguments that matter, such as",
        "# `-n|--namespace {namespace}`). Format: docs/registry.md.",
        "version: 1",
        "tools:",
    ]
    permissions: set[str] = set()
    programs = sorted({program for program, _ in found.commands})
    for (program, subcommand), commands in sorted(found.commands.items()):
        effect = effect_of(program, subcommand) or "write"
        level = {"read": "read", "write": "write", "destructive": "admin"}[effect]
        permission = f"{program}-{level}"
        permissions.add(permission)
        pattern = " ".join(w for w in (program, subcommand, "{args*}") if w)
        example = commands[0].splitlines()[0][:80]
        description = f"{' '.join(filter(None, (program, subcommand)))}: {len(commands)} use(s)"
        lines += [
            f"  - name: {_name(program, subcommand)}",
            f"    description: {_q(f'{description}, e.g. {example}')}",
            f"    commands: [{_q(pattern)}]",
            "    params: {type: object, properties: {args: {type: [array, string], items: "
            "{type: string}}}}",
            f"    effect: {effect}",
            f"    permission: {permission}",
            f"    requires_approval: {'true' if effect == 'destructive' else 'false'}",
        ]
    if not found.commands:
        lines[-1] = "tools: []"
    unknown = sorted(found.unknown)
    if unknown:
        lines += [
            "",
            "# Programs runbookc does not know: write their tools by hand (until then",
            "# their commands are flagged RB207 unbound-command). Uses, and a first example:",
        ]
        lines += [
            f"#   {p}: {found.unknown[p]} use(s), e.g. {found.unknown_examples[p][:80]}"
            for p in unknown
        ]
    executors = sorted(found.executors) or ["oncall"]
    reads = sorted(p for p in permissions if p.endswith("-read"))
    writes = sorted(p for p in permissions if p.endswith("-write"))
    profile_lines = [
        "# Starter executor profiles written by `runbookc init`. REVIEW: which permissions each",
        "# executor (named by a runbook's front matter `executor:`) really has. A step whose",
        "# tool needs a permission its executor lacks is RB105 access-gap (docs/registry.md).",
        "version: 1",
        "# Teams and roles runbooks may name as owner, contacts or escalation (found in front",
        "# matter; add the others).",
        f"roles: [{', '.join(_q(r) for r in sorted(found.roles))}]",
        "profiles:",
    ]
    for executor in executors:
        granted = [*reads, *writes]
        profile_lines += [
            f"  {executor}:",
            f"    description: {_q('reads and changes; destructive tools (*-admin) left out')}",
            f"    permissions: [{', '.join(granted)}]",
        ]
    config = "\n".join(
        [
            "[tool.runbookc]",
            "# Written by `runbookc init`; every key: docs/configuration.md.",
            'extend-exclude = ["README.md", "CHANGELOG.md", "CONTRIBUTING.md"]',
            '# per-file-ignores = {"legacy/*.md" = ["RB207"]}   # paths relative to this file',
            "stale-after-days = 365",
        ]
    )
    return Starter(
        "\n".join(lines) + "\n",
        "\n".join(profile_lines) + "\n",
        config + "\n",
        len(found.commands),
        programs,
        unknown,
    )
