"""RB9xx: sign-off hygiene. Reported by `compiler.signoff.apply_signoffs`, which sees both the
diagnostics and the sidecar; declared here so they have docs like every other rule."""

from __future__ import annotations

from compiler.rules import Rule, RuleDoc, declare

declare(
    Rule(
        "RB901",
        "unused-signoff",
        "warning",
        blocking=False,
        signoff=False,
        summary="A sign-off matches no current diagnostic.",
        docs=RuleDoc(
            what="Reports a sign-off in `<name>.signoffs.toml` whose flag is no longer raised "
            "anywhere in the runbook (the text was fixed, or the step was removed).",
            why="Dead sign-offs pile up and hide which decisions still matter; a reviewer "
            "cannot tell a live exception from history.",
            example='[[signoff]]\ncode = "RB101"\nstep = "mitigation/restart-if-needed"\n'
            '...   (the runbook now says "if the pool is above 95% for 5 minutes")',
            instead="Delete the `[[signoff]]` table: the runbook no longer needs it.",
        ),
        reported_by="signoff",
    )
)
declare(
    Rule(
        "RB902",
        "stale-signoff",
        "warning",
        blocking=False,
        signoff=False,
        summary="The flagged words changed after they were signed off.",
        docs=RuleDoc(
            what="Reports a sign-off whose code is still raised on the same step, but for "
            "different words: the evidence the human read is not what the runbook says now.",
            why='A sign-off approves specific text. If "restart if needed" became "drop the '
            'database if needed", the old approval must not carry over.',
            example='[[signoff]]\ncode = "RB101"\nevidence = "if needed"\n...   (the step now '
            'says "as appropriate")',
            instead="Read the new wording, then `runbookc signoff RB101@STEP --runbook FILE "
            "--by you --reason ...` again (it replaces the stale entry).",
        ),
        reported_by="signoff",
    )
)
declare(
    Rule(
        "RB903",
        "invalid-signoff",
        "error",
        blocking=False,
        signoff=False,
        summary="A sign-off lacks who, when or why, or signs off a code that cannot be.",
        docs=RuleDoc(
            what="Reports sign-offs missing `code`, `fingerprint`, `by`, `date` or `reason`, "
            "with a date that is not YYYY-MM-DD, with an unknown code, or for a rule that "
            "cannot be signed off (unknown tools, fatal errors, dangling references).",
            why="A sign-off is an audit record. Without who, when and why it records nothing; "
            "and some flags (a tool that does not exist) have no safe reading to sign.",
            example='[[signoff]]\ncode = "RB201"\nfingerprint = "9c1e..."\nby = "sam"\n'
            'date = 2026-11-20\nreason = "we know"',
            instead="Add the tool to tools.yaml or fix the runbook; sign off only rules whose "
            "`runbookc explain` says sign-off: yes, with a real reason.",
        ),
        reported_by="signoff",
    )
)
declare(
    Rule(
        "RB904",
        "unreadable-signoffs",
        "fatal",
        blocking=True,
        signoff=False,
        summary="The sign-off sidecar file is not valid TOML, or is over 1 MiB.",
        docs=RuleDoc(
            what="Reports a `<name>.signoffs.toml` that cannot be parsed, whose `signoff` "
            "key is not an array of tables, or that is larger than 1 MiB (not read).",
            why="If sign-offs cannot be read, the compiler cannot know which flags a human "
            "accepted; guessing either way is unsafe, so it stops.",
            example='[[signoff]\ncode = "RB101"',
            instead='[[signoff]]\ncode = "RB101"\n...',
        ),
        reported_by="signoff",
    )
)
