"""The words that say what an action does to a system: destroys something, changes it, or reads.

One list per word family, shared by every stage that reads effects: binding (a command's
sub-command words, an instruction's verbs), console code (a method's name), the extractor (a
lead-in's change that its commands do not make), RB108 (a change with no tool) and `init`'s
starter registry. Each reader derives its own pattern or set from these lists, adding only
words of its own kind (a console method's `rmtree`, a short form such as `del`).
"""

from __future__ import annotations

DESTRUCTIVE_VERBS = frozenset(
    {"delete", "destroy", "drop", "truncate", "terminate", "purge", "wipe", "erase", "kill",
     "drain", "remove", "revoke", "evict", "uninstall", "yank", "unpublish", "decommission",
     "deprovision", "cancel", "stop", "recycle"}
)  # fmt: skip
"""Verbs that delete, destroy or stop something (LABELLING.md's destructive row and its kin;
"recycle" a node or pod: drain it and terminate it for a new one),
the same in an instruction ("Delete the pod") and as a command's sub-command (`oc delete`)."""

DESTRUCTIVE_PHRASES = (r"shut\s*down", r"turn\s+off", r"power\s+off", r"tear\s*down")
"""Destructive verbs of more than one word, as regular expressions (prose)."""

DESTRUCTIVE_PROGRAM_WORDS = DESTRUCTIVE_VERBS | frozenset(
    {"rm", "rmdir", "rmi", "prune", "flushall", "flushdb", "shred", "mkfs", "dd", "reset",
     "deregister", "pkill", "killall", "shutdown", "poweroff", "halt", "teardown", "dropdb",
     "dropuser", "userdel", "groupdel", "deluser", "unlink", "wipefs", "ifdown", "del"}
)  # fmt: skip
"""Words that make a command destructive whatever tool runs it (`oc delete`, `rm -rf`, `gh run
cancel`, `gem yank`): the destructive verbs and the programs and sub-commands that do the same
(`rm`, `dropdb`, `redis-cli flushall`, `redis-cli del KEY`, `git reset`)."""

DESTRUCTIVE_OPTIONS = frozenset(
    {"--force", "-rf", "-fr", "--delete", "-delete", "--purge", "--hard", "--replicas=0", "--prune"}
)
"""Options that delete, overwrite or stop wherever they stand (`git push --delete`, `rsync
--delete`, `find -delete`, `git reset --hard`, `kubectl scale --replicas=0`, `kubectl apply
--prune`)."""

WRITE_PROGRAM_WORDS = frozenset(
    {"apply", "create", "patch", "scale", "restart", "rollout", "set", "edit", "replace",
     "label", "annotate", "cordon", "uncordon", "start", "update", "upgrade", "install",
     "mv", "cp", "chown", "chmod", "tee", "systemctl", "reboot", "run", "exec", "taint",
     "untaint"}
)  # fmt: skip
"""Words that make a command change something (`oc apply`, `kubectl rollout restart`, `mv`,
`terraform taint`: the next apply replaces the resource)."""

READ_PROGRAM_WORDS = frozenset(
    {"get", "describe", "logs", "log", "list", "ls", "show", "status", "top", "watch", "cat",
     "tail", "head", "grep", "ps", "journalctl", "explain", "inspect", "info", "history", "df",
     "du", "free", "events"}
)  # fmt: skip
"""Words of a command that only reads (`oc get`, `kubectl logs`, `journalctl`)."""

OPERAND_READERS = frozenset(
    {"grep", "egrep", "fgrep", "zgrep", "rg", "ag", "cat", "zcat", "less", "more", "head",
     "tail", "wc", "echo", "printf", "jq", "ls", "stat", "file", "diff", "uniq",
     "cut", "tr", "column", "nl", "strings", "md5sum", "sha256sum", "base64"}
)  # fmt: skip
"""Programs whose operands are patterns, text or files to read, never sub-commands: the words
after them name nothing they do (`grep drop`, `echo "delete it"`, `cat /srv/stop`)."""

ROLL_BACK = r"roll\s*back"
""""roll back" with no object between its words ("roll it back" is a reader's own form)."""

CHANGE_VERBS = (
    "delete", "remove", "restart", "reboot", "scale", "drain", "cordon", "uncordon", "kill",
    "terminate", ROLL_BACK, "rollback", "redeploy", "deploy", "purge", "flush",
    "wipe", "truncate", "drop", "patch", "upgrade", "downgrade", "increase", "decrease",
    "resize", "expand", "recreate", "replace", "rotate", "renew", "revoke", "grant", "disable",
    "enable", "evict", "restore", "reinstall", "rebuild", r"fail\s*over", "promote", "migrate",
    r"apply(?!\s+to\s)", "modify", "reset", "cancel",
)  # fmt: skip
"""Verbs that change a system's state, in an instruction ("restart the pod", "roll back the
release"), as regular-expression alternatives in a fixed order (readers that keep the matched
words depend on it)."""


def alternation(
    words: tuple[str, ...] | frozenset[str], forms: dict[str, str] | None = None
) -> str:
    """Words (each a regular expression) as one group, `(?:a|b|c)`, a word written as `forms`
    gives it when it has a guard (`{"drop": "drop(?!_while)"}`). A set's words are sorted: its
    order says nothing, and the readers of such a group only ask whether it matches."""
    ordered = sorted(words) if isinstance(words, frozenset) else list(words)
    forms = forms or {}
    return "(?:" + "|".join(forms.get(word, word) for word in ordered) + ")"


def stem(verb: str) -> str:
    """A verb to which "e", "es" or "ing" may be added ("delet", "restart"); a verb of more
    words keeps them, joined by any space ("scale\\s+down")."""
    first, *rest = verb.split()
    if not rest and first.endswith("e"):
        return first[:-1]
    return r"\s+".join([first, *rest])


PROGRAMS_WITH_SUBCOMMANDS = frozenset(
    {"kubectl", "oc", "helm", "docker", "podman", "crictl", "systemctl", "etcdctl", "git", "aws",
     "gcloud", "az", "virtctl", "ceph", "rbd", "rados", "amtool", "promtool", "vault", "consul",
     "nomad", "terraform", "redis-cli", "rabbitmqctl", "nodetool", "gh", "argocd", "flux",
     "istioctl", "velero", "mc"}
)  # fmt: skip
"""Programs whose first word picks what they do (`kubectl delete`, `aws rds ...`): one tool per
sub-command in a starter registry, and what a team's own wrapper most often runs."""
