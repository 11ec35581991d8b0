"""Issue 15, session 13: no destructive instruction may be lost to extraction. Every test is
written in other words than the pages that showed the class, with look-alikes that must not
change."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from compiler.extract.heuristic import extract
from compiler.models import Artifact
from compiler.parse import parse
from compiler.text.instructions import is_instruction

from .conftest import drafted_texts as _texts
from .conftest import source_steps as _steps

Compile = Callable[[str], Artifact]


def _block(body: str, info: str = "") -> str:
    return f"# Spool\n\nThe spool volume is full.\n\n```{info}\n{body}\n```\n"


# A command after a no-op, an assignment or an unknown first word --------------------------


@pytest.mark.parametrize(
    ("body", "info"),
    [
        ("$ cd /var/spool && rm -rf outgoing", ""),
        ("cd /var/spool && rm -rf outgoing", "bash"),
        ("cd /var/spool && rm -rf outgoing", ""),
        ('echo "draining"; oc delete pvc spool-0', ""),
        ("echo yes | oc delete project spool", "sh"),
        ("tries = 5; oc delete pod spool-1", ""),
        ("avg = 2; rm -rf /var/spool/tmp", ""),
        ("Limit = 1 && oc delete job spool-sweeper", ""),
    ],
)
def test_a_destructive_command_after_a_no_op_is_a_destructive_step(
    compile_text: Compile, body: str, info: str
) -> None:
    (step,) = _steps(compile_text(_block(body, info)))
    assert step.effect == "destructive"
    assert step.text.endswith(body.split("$ ")[-1].split("&& ")[-1].split("; ")[-1])


@pytest.mark.parametrize(
    ("body", "info"),
    [
        ("cd /var/spool", "bash"),
        ("echo done", "bash"),
        ("SPOOL=/var/spool", ""),
        ("export SPOOL=/var/spool; cd /tmp", "bash"),
        ("tries = 5", ""),
        ("avg(rate(spool_bytes_written_total[5m]))", ""),
        ("# cleanup; rm -rf /var/spool/tmp (do not run this)", ""),
        ("Error: disk full; retrying in 5s", ""),
    ],
)
def test_a_no_op_comment_or_output_alone_is_still_no_step(body: str, info: str) -> None:
    assert _texts(_block(body, info)) == []


def test_an_assignment_from_a_substitution_still_runs_its_command() -> None:
    assert _texts(_block("POD=$(oc get pod -l app=spool -o name)", "bash")) == [
        "POD=$(oc get pod -l app=spool -o name)"
    ]


def test_an_open_substitution_continues_on_the_next_line() -> None:
    body = "HOST=$(oc -n spool get route/spool-api\n  --no-headers | awk '{print $2}')"
    assert _texts(_block(body, "bash")) == [
        "HOST=$(oc -n spool get route/spool-api --no-headers | awk '{print $2}')"
    ]


def test_a_debug_shell_prompt_is_a_prompt() -> None:
    body = "sh-5.1# chroot /host\nsh-5.1# crio config | grep spool\nspool_dir = /var/spool"
    assert _texts(_block(body, "console")) == ["chroot /host", "crio config | grep spool"]


# A link whose own words are the instruction ------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "1. Stop the writers.\n2. [Drop the shadow tables](https://wiki.example/drop).\n",
            ["Stop the writers.", "[Drop the shadow tables](https://wiki.example/drop)."],
        ),
        (
            "[Flush the edge cache](/manual/edge.html#flush) for the renamed page.\n",
            ["[Flush the edge cache](/manual/edge.html#flush) for the renamed page."],
        ),
    ],
)
def test_a_link_that_is_the_instruction_is_a_step(text: str, expected: list[str]) -> None:
    assert _texts(f"# Rename\n\n## Steps\n\n{text}") == expected


def test_a_numbered_destructive_link_is_a_destructive_step(compile_text: Compile) -> None:
    text = "# Rename\n\n## Steps\n\n1. Stop the writers.\n2. [Drop the shadow tables](https://x.example/d).\n"
    steps = _steps(compile_text(text))
    assert [(s.text[:10], s.effect) for s in steps][-1] == ("[Drop the ", "destructive")


@pytest.mark.parametrize(
    "text",
    [
        # Related pages: a bulleted list of links, even with imperative titles.
        "Related pages:\n\n- [Restore a database from a snapshot](restore.html)\n",
        # A capitalised page title, a link to reading or a named page.
        "1. [Export Health Certificates](https://x.example/ehc).\n",
        "1. [Read more about the edge cache](/manual/edge.html).\n",
        "1. [Take a quick look at the edge docs](https://x.example/edge)\n",
        "1. [General app: Ledger API](https://x.example/ledger)\n",
    ],
)
def test_a_link_to_reading_or_a_title_stays_a_pointer(text: str) -> None:
    assert _texts(f"# Rename\n\n## Steps\n\n{text}") == []


def test_a_command_continued_over_lines_in_an_untagged_block_is_one_step() -> None:
    body = "pg_dump -h <db-host> \\\n  -U <user> -d ledger \\\n  -f /tmp/ledger.sql"
    assert _texts(_block(body)) == [
        "pg_dump -h <db-host> \\ -U <user> -d ledger \\ -f /tmp/ledger.sql"
    ]


def test_output_in_an_untagged_block_is_still_no_step() -> None:
    body = "ledger-0   Running   0   3d\nledger-1   Running   2   3d"
    assert _texts(_block(body)) == []
    assert _texts(_block("Dumped 3 tables to /tmp/ledger.sql")) == []


# Cautions ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "Be extra careful when rotating the root certificate of the mesh.",
        "⚠️ Take great care while the replica is catching up.",
        "PLEASE BE CAREFUL WITH THIS FLAG AS IT CANNOT BE REVERTED.",
        "Be aware that the import rewrites every row of the table.",
    ],
)
def test_a_caution_is_neither_a_step_nor_a_decision(sentence: str) -> None:
    assert _texts(f"# Certs\n\n## Steps\n\n{sentence}\n") == []


@pytest.mark.parametrize(
    "sentence",
    [
        "Take care to copy the old certificate before rotating it.",
        "Be careful not to restart both replicas at once.",
        "Be aware of your on-call dates and arrange swaps early.",
    ],
)
def test_an_instruction_worded_as_care_stays_a_step(sentence: str) -> None:
    assert _texts(f"# Certs\n\n## Steps\n\n{sentence}\n") != []


# Conditions that belong to a clause, not to the instruction --------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "Write down the timeline, as we want a clearer idea of when backups start to lag.",
        "Add the commands that could help the next person if the disk fills again.",
        "Record anything about when the queue stopped draining.",
    ],
)
def test_a_condition_inside_a_clause_makes_no_decision(sentence: str) -> None:
    (only,) = _texts(f"# Disk\n\n## Steps\n\n{sentence}\n")
    assert only == sentence


@pytest.mark.parametrize(
    "sentence",
    [
        "Write down the timeline when backups start to lag.",
        "Page the team that owns the disk if it fills again.",
    ],
)
def test_a_condition_over_the_instruction_is_still_a_decision(sentence: str) -> None:
    assert len(_texts(f"# Disk\n\n## Steps\n\n{sentence}\n")) == 2


# Instruction forms (is_instruction: the rules read it too) --------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "Log into the billing console as an administrator.",
        "To find the replica, log onto the bastion first.",
        "Make sure workers in the blue pool are drained.",
        "Ensure replicas are healthy before you continue.",
        "It may be necessary to rotate the signing key as well.",
        "If the export is stale, it may just be necessary to [flush the queue](flush.html).",
        "It will be necessary to re-run the import.",
        "After tagging the build, [publish the package](/manual/publish.html#steps).",
        "Once the review is done, [deploy the worker](https://ci.example/deploy) to staging.",
        "Finally, [flush the edge cache](/manual/edge.html) for the page.",
        "In [the admin app](https://admin.example) run `Ledger.rebuild_index`",
        "Once you have access, you can [sign in](https://sso.example/login) with your token.",
        "Always keep a second copy of the key.",
        "Replicas which were promoted should be rebuilt from the snapshot.",
    ],
)
def test_more_instruction_forms(sentence: str) -> None:
    assert is_instruction(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "Login details for the billing console are in the vault.",
        "Contact details for each owner are at the bottom of the page.",
        "Search results for the archive are served by the replica.",
        "The log into which the worker writes is rotated daily.",
        "It may be necessary for the team to wait for the vendor.",
        "It is necessary that the import finishes first.",
        "After tagging the build, [the changelog](/manual/changes.html) is regenerated.",
        "If it fails, [the runbook](https://wiki.example/rb) has the details.",
        # A verb-shaped noun as the subject, or a question word before "should".
        "change must include a link to the ticket",
        "Release is the app that tracks deployments.",
        "Nobody has decided what should replace the old exporter.",
        "Finally, [the changelog](/manual/changes.html) lists every release.",
        "In [the admin app](https://admin.example) every job has its own page.",
    ],
)
def test_statements_shaped_like_those_forms_are_no_instructions(sentence: str) -> None:
    assert not is_instruction(sentence)


# A command opening a list item before other sentences --------------------------------------


def test_a_command_item_followed_by_a_decision_keeps_the_command() -> None:
    item = (
        "1. `psql -h ledger-db -U admin`. If you get a `role does not exist` error, "
        "ask for access in the team channel."
    )
    texts = _texts(f"# DB\n\n## Steps\n\n{item}\n")
    assert texts[0] == "`psql -h ledger-db -U admin`."
    assert len(texts) == 3  # the command, the decision, its branch


@pytest.mark.parametrize(
    "item",
    [
        # An explained command stays one step with its explanation.
        "1. `terraform taint 'random_id.key'`. Tainting makes the next apply replace it.",
        # A term a list defines is no command.
        "- `green` - every shard is allocated. Nothing to do.",
    ],
)
def test_a_code_led_item_without_another_instruction_is_unchanged(item: str) -> None:
    texts = _texts(f"# DB\n\n## Steps\n\n{item}\n")
    assert texts in ([], [item.split(" ", 1)[1]])


# An instruction only in a numbered heading -------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # A body that only says what is needed, or points at an example: the heading is the step.
        ("[Example PR](https://git.example/pr/1)\n\nYou will need the key's fingerprint.", 1),
        ("This is needed because the old index is never read again.", 1),
        # A body that says how: its steps are the steps.
        ("Run `ledgerctl reindex --all`.", 1),
        ("If the index is large, ask the search team first.", 2),
        ("```\nledgerctl reindex --all\n```", 1),
    ],
)
def test_a_numbered_instruction_heading_over_no_step_is_the_step(body: str, expected: int) -> None:
    text = f"# Index\n\n### 3. Rebuild the search index\n\n{body}\n\n### 4. Tell the team\n"
    texts = _texts(text)
    assert len(texts) - texts.count("Tell the team") == expected
    assert ("Rebuild the search index" in texts) == (expected == 1 and "ledgerctl" not in body)


@pytest.mark.parametrize(
    "heading",
    ["### Rebuild the search index", "### 3. The search index", "### 3. How the index is built"],
)
def test_an_unnumbered_or_topic_heading_over_prose_is_no_step(heading: str) -> None:
    body = "This is needed because the old index is never read again."
    assert _texts(f"# Index\n\n{heading}\n\n{body}\n") == []


def test_a_numbered_heading_step_is_grounded_after_its_number(compile_text: Compile) -> None:
    art = compile_text("# Index\n\n### 3. Rebuild the search index\n\nIt is slow.\n")
    (step,) = _steps(art)
    assert step.text == "Rebuild the search index"
    assert step.source is not None and step.source.column == len("### 3. ") + 1


# A condition holding code with colons ------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "condition"),
    [
        (
            "If you see a `listen tcp 0.0.0.0:8080: bind` error, stop the old worker.",
            "If you see a `listen tcp 0.0.0.0:8080: bind` error",
        ),
        (
            "If `Ledger::Sync::TimeoutError` keeps appearing, page the ledger team.",
            "If `Ledger::Sync::TimeoutError` keeps appearing",
        ),
    ],
)
def test_a_condition_is_never_cut_at_a_colon_inside_code(sentence: str, condition: str) -> None:
    assert _texts(f"# Worker\n\n## Steps\n\n{sentence}\n")[0] == condition


def test_a_condition_still_ends_at_a_colon_outside_code() -> None:
    texts = _texts("# Worker\n\n## Steps\n\nIf the worker is stuck: restart it.\n")
    assert texts == ["If the worker is stuck", "restart it."]


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        ("- `stale` is a lock older than an hour", []),
        ("- `ledger_sync`", []),
        ("- `ledger-archive-bucket`: exports older than a year", []),
        (
            "- `kill` any worker still holding the lock",
            ["`kill` any worker still holding the lock"],
        ),
        ("- `flush` means the queue was emptied", []),
        (
            "- `ledgerctl unlock --all` to release every lock",
            ["`ledgerctl unlock --all` to release every lock"],
        ),
    ],
)
def test_code_an_item_defines_is_no_command(item: str, expected: list[str]) -> None:
    assert _texts(f"# Locks\n\n## Steps\n\n{item}\n") == expected


@pytest.mark.parametrize(
    ("sentence", "decision"),
    [
        ("Rotate the key once a year.", None),
        ("Check the replica once daily, after the export.", None),
        ("Rotate the key once the audit is over.", "once the audit is over"),
    ],
)
def test_once_as_a_frequency_is_no_condition(sentence: str, decision: str | None) -> None:
    drafts = extract(parse(f"# Keys\n\n## Steps\n\n{sentence}\n"))
    assert [d.text for d in drafts if d.kind == "decision"] == ([decision] if decision else [])


def test_a_when_to_heading_is_a_topic_not_a_case() -> None:
    text = (
        "# Banner\n\n## When to deploy a banner\n\nA banner is for emergencies.\n\n"
        "## When the banner is stuck\n\nPurge the page cache.\n"
    )
    kinds = [(d.kind, d.text) for d in extract(parse(text))]
    assert ("decision", "When to deploy a banner") not in kinds
    assert ("decision", "When the banner is stuck") in kinds


@pytest.mark.parametrize(
    ("item", "steps"),
    [
        ("- **Sync**: runs the migrations (if defined) with the job template", 1),
        ("- `redirects` contains the new `path`", 0),
        ("- `ledgerctl` must never run twice at once", 0),
        ("- Restart the worker (if the queue is defined)", 2),
    ],
)
def test_elliptical_conditions_and_code_subjects(item: str, steps: int) -> None:
    assert len(_texts(f"# Sync\n\n## Steps\n\n{item}\n")) == steps


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("See how much quicker the second call was?", False),
        ("Notice how nobody asked for a status.", False),
        ("See how the replica behaves after the restart.", True),
        ("Note the replica's lag before the restart.", True),
    ],
)
def test_a_remark_on_what_was_just_seen_is_no_instruction(sentence: str, expected: bool) -> None:
    assert is_instruction(sentence) is expected


# An instruction after "so" / "then" in a sentence that is not one --------------------------


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "The proxy certificate will not match `localhost`, so accept the browser warning.",
            ["accept the browser warning."],
        ),
        ("A stale worker may hold the port, so stop it first.", ["stop it first."]),
        # What the writer did, what is no action, what not to do: no step.
        ("We restarted the proxy, then checked the logs.", []),
        ("These headers are dropped by the proxy, so have no effect here.", []),
        ("The proxy keeps state, so avoid restarting it during business hours.", []),
    ],
)
def test_an_instruction_after_so_or_then_is_a_step(sentence: str, expected: list[str]) -> None:
    assert _texts(f"# Proxy\n\n## Steps\n\n{sentence}\n") == expected


# The first line of an untagged block -------------------------------------------------------


@pytest.mark.parametrize(
    "body", ["ledgerctl shard purge OLD_SHARD", "vaultkeeper token revoke TOKEN_ID"]
)
def test_an_unknown_program_opening_an_untagged_block_is_a_command(
    compile_text: Compile, body: str
) -> None:
    text = f"# Shards\n\n### Purging a shard\n\nUse the shard name.\n\n```\n{body}\n```\n"
    (step,) = _steps(compile_text(text))
    assert step.text == body and step.effect == "destructive"


@pytest.mark.parametrize(
    ("body", "info"),
    [
        ("connection to the shard was refused", ""),
        ("shard purged: 3 segments", ""),
        ("received unexpected status 500", "console"),
        ("sum(rate(shard_bytes_total[5m]))", ""),
    ],
)
def test_output_or_a_query_opening_a_block_is_no_command(body: str, info: str) -> None:
    assert _texts(f"# Shards\n\nThe worker logs this.\n\n```{info}\n{body}\n```\n") == []
