"""What a line of console code does: a destructive call or statement anywhere in it.

Runbooks hand the reader lines for a Rails or irb console, a Python shell, a database prompt or
a Redis CLI. Their first word is no program, so the shell's reading of a command line says
nothing about them; what matters is whether any call or statement in the line deletes, drops,
truncates, stops or writes. Read-only code (`Sidekiq::Queue.all.collect {...}`, `SELECT ...`)
names none, and is left undecided.
"""

from __future__ import annotations

import re
from typing import Literal

from compiler.text.effect_words import DESTRUCTIVE_VERBS, alternation

_DESTRUCTIVE_VERB = alternation(
    DESTRUCTIVE_VERBS
    | {"clear", "flush", "unlink", "rmtree", "rmdir", "rm", "shutdown", "expunge", "discard_all",
       "reset_all"},
    {
        "drop": r"drop(?!_while\b|_first\b)",  # Ruby's `drop_while`, `drop_first` read
        "flush": r"flush(?:all|db)?",
        "rm": r"rm(?:_rf|_r|_f)?",
    },
)  # fmt: skip
"""A method that deletes, drops, flushes or stops (`delete`, `destroy`, `flushdb`, `rm_rf`)."""
_SUFFIX = r"(?:_[a-z_]+|[A-Z]\w*)?!?"
"""`delete_all`, `destroy_by`, `remove_role`, `deleteMany`, `dropDatabase`, `purge!`."""
_DESTRUCTIVE_CALL = re.compile(
    # A method called on a receiver (`job.delete`, `Model.where(x).destroy_all`, `db.c.drop()`),
    # not part of a longer name, a file name or a host (`.deleted_at`, `x.delete.yaml`) ...
    rf"(?<=[\w)\]}}])\.{_DESTRUCTIVE_VERB}{_SUFFIX}(?![\w-]|\.\w)"
    # ... or passed as a block or a message (`.map(&:delete)`, `send(:destroy)`).
    rf"|(?:&|\bsend\(|\bpublic_send\(|\btry\()\s*:{_DESTRUCTIVE_VERB}{_SUFFIX}(?!\w)"
    # ... or a key expired now (`redis.expire(key, 0)`): deleted.
    r"|(?<=[\w)\]}])\.(?:p?expire)\(\s*[^,()]+,\s*0\s*\)",
)
_DESTRUCTIVE_CLASS = re.compile(
    # `SearchIndexDeleteWorker.perform_async(id)`, `Projects::DestroyService.new(p).execute`:
    # a job or service named for what it does, run. `DeletedRecordsReport.new` is no verb.
    r"\b(?:[A-Z][a-z0-9]*)*(?:"
    + "|".join(sorted(verb.capitalize() for verb in DESTRUCTIVE_VERBS if verb.isalpha()))
    + r")(?:[A-Z][a-z0-9]*)*\.(?:perform_async|perform_in|perform_at|perform_now|perform_later"
    r"|new|call|run|execute)\b"
)
_DESTRUCTIVE_STATEMENT = re.compile(
    r"\b(?:DELETE\s+FROM|DROP\s+(?:TABLE|DATABASE|SCHEMA|INDEX|VIEW|MATERIALIZED\s+VIEW|USER"
    r"|ROLE|COLUMN|KEYSPACE|COLLECTION|TRIGGER|FUNCTION|SEQUENCE|EXTENSION|OWNED|SUBSCRIPTION"
    r"|PUBLICATION|REPLICATION\s+SLOT|TYPE)|TRUNCATE\s+(?:TABLE\s+)?[\"`]?\w+|FLUSHALL|FLUSHDB"
    r"|pg_terminate_backend|pg_cancel_backend|pg_drop_replication_slot"
    r"|ALTER\s+TABLE\s+\S+\s+DROP)\b",
    re.IGNORECASE,
)
_WRITING = re.compile(
    r"(?<=[\w)\]}])\.(?:update|save|create|insert|upsert|enqueue|perform|retry|requeue"
    r"|reschedule)(?:_[a-z_]+|[A-Z]\w*)?!?(?=[\s(!{;)]|$)"
    r"|(?i:\b(?:UPDATE\s+[\"`\w.]+\s+SET|INSERT\s+INTO|ALTER\s+(?:TABLE|USER|ROLE|DATABASE)"
    r"|CREATE\s+(?:TABLE|INDEX|USER|ROLE|DATABASE))\b)",
)


def code_effect(line: str) -> Literal["destructive", "write"] | None:
    """`destructive` when any call or statement of the line deletes, drops, truncates,
    flushes or stops (`Sidekiq::Queue.new.filter { |j| j.delete }`, `User.destroy_all`,
    `DELETE FROM jobs`, `FLUSHALL`); `write` when one changes data (`.update`, `UPDATE ...
    SET`); None when none does (read-only code, and every plain shell command)."""
    if any(p.search(line) for p in (_DESTRUCTIVE_CALL, _DESTRUCTIVE_CLASS, _DESTRUCTIVE_STATEMENT)):
        return "destructive"
    return "write" if _WRITING.search(line) else None


_SCRIPT = re.compile(r"\.(?:sh|bash|zsh|py|rb|pl|js|ts|exe|ps1|cmd|bat|jar)$", re.IGNORECASE)
_CALL_CHAIN = re.compile(
    r"[A-Za-z_]\w*(?:::[A-Za-z_]\w*)+|[A-Za-z_]\w*(?:\.[A-Za-z_]\w*[!?]?)+(?=[({\[]|$)"
)
"""`Sidekiq::Queue`, `User.find(`, `Rails.cache.clear`, `db.jobs.find({`: a receiver and a
method, never a program's name (`deploy.sh` is a script, `python3.11` a program)."""
_STATEMENT = re.compile(
    r"(?:SELECT|INSERT\s+INTO|UPDATE\s+\S+\s+SET|DELETE\s+FROM|WITH\s+\w+\s+AS|CREATE|DROP"
    r"|ALTER|TRUNCATE|GRANT|REVOKE|BEGIN|COMMIT|ROLLBACK|VACUUM|EXPLAIN|FLUSHALL|FLUSHDB)"
    # A keyword ends at a space, a `(`, a `;` or the line's end, never at `=`: `SELECT=1 rm -rf
    # /srv` is a shell variable set for one command.
    r"(?=[\s(;]|$)(?!\s*=)"
    r"|(?i:select\s.+\sfrom|insert\s+into|delete\s+from|update\s+\w+\s+set)\b"
    # `jobs = Queue.new("low")`: sh has no spaced assignment; `import os`, `from x import y`
    r"|[a-z_]\w*\s+=\s+\S|(?:import\s+[\w.]+(?:\s+as\s+\w+)?|from\s+[\w.]+\s+import\s+\w+)\s*$"
)

_SHELL_ASSIGNMENT = re.compile(r"[A-Za-z_]\w*=(?!=)\S*(?:\s|$)")
"""`SELECT=1 rm -rf /srv`, `JOBS=$(oc get jobs)`: a first word that sets a shell variable (no
spaces around `=`) makes the line a shell command, whatever the name."""


def is_console_code(line: str) -> bool:
    """Whether a line is code for a console (Ruby, Python, JS, SQL, Redis), not a shell command:
    its first word is a receiver and a method (`Sidekiq::Queue.all`, `User.find(3)`), or it is a
    statement (`SELECT ...`, `TRUNCATE jobs;`, `jobs = Queue.new`, `import os`). Its `{ |x| }`
    blocks and `;` are the language's, not pipes and separators."""
    stripped = line.strip()
    if _SHELL_ASSIGNMENT.match(stripped):
        return False
    if _STATEMENT.match(stripped):
        return True
    first = stripped.split(maxsplit=1)[0] if stripped else ""
    return not _SCRIPT.search(first) and _CALL_CHAIN.match(first) is not None
