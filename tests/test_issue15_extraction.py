"""Regressions for issue 15 (every instruction reaches the step graph, or is reported), each
example of the issue with its words changed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from compiler.cli import app
from compiler.extract.coverage import account
from compiler.extract.heuristic import extract
from compiler.models import Artifact
from compiler.parse import parse, readable_blocks
from compiler.text.instructions import instructional
from compiler.text.markup import html_texts

from .conftest import REPO, codes
from .conftest import drafted_texts as _texts
from .conftest import source_steps as _steps

Compile = Callable[[str], Artifact]


# Whole sections skipped by heading keywords -------------------------------------------------


def test_sections_with_neither_procedural_nor_descriptive_headings_keep_their_commands() -> None:
    text = (
        "# Cache\n\n## Mitigation\n\n1. Check the cache hit rate.\n\n"
        "## Emptying the warm tier\n\n```\nredis-cli -n 3 flushdb\n```\n\n"
        "## Rebuilding indexes\n\nRun `oc rsh indexer reindex --all`.\n"
    )
    assert _texts(text) == [
        "Check the cache hit rate.",
        "redis-cli -n 3 flushdb",
        "Run `oc rsh indexer reindex --all`.",
    ]


def test_a_heading_word_such_as_action_never_hides_the_document(compile_text: Compile) -> None:
    art = compile_text(
        "# Banner\n\n## Locate 'next action'\n\n1. Open the banner settings.\n"
        "2. Replace the stale text.\n"
    )
    assert len(_steps(art)) == 2 and "RB006" not in codes(art)


# Code blocks -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("block", "expected"),
    [
        ("terraform destroy -target=module.cache", ["terraform destroy -target=module.cache"]),
        ("/deployer run halt green", ["/deployer run halt green"]),
        ("sudo -i\nchmod -R 750 /srv/ledger", ["sudo -i", "chmod -R 750 /srv/ledger"]),
        (
            "[ stage ] staging> Invoice.where(paid: false).count",
            ["Invoice.where(paid: false).count"],
        ),
        (
            "ledger=# SELECT count(*)\nledger-# FROM invoices;\n count\n-------\n 3",
            ["SELECT count(*) FROM invoices;"],
        ),
        ("irb(main):002> Invoice.find(7).destroy", ["Invoice.find(7).destroy"]),
        (
            "irb> Invoice.find(7).destroy\nirb> Invoice.count",
            ["Invoice.find(7).destroy", "Invoice.count"],
        ),
        ("pry> ledger.reload!", ["ledger.reload!"]),
        ("ledger-db-01 $ ledgerctl status\n+----+\n| ok |", ["ledgerctl status"]),
        ("(venv)root@ledger:~# pip list\nledger 1.0", ["pip list"]),
        ("# systemctl restart haproxy", ["systemctl restart haproxy"]),
        ("PS> Stop-Service -Name ledger", ["Stop-Service -Name ledger"]),
        ("mysql> DELETE FROM carts WHERE stale = 1;", ["DELETE FROM carts WHERE stale = 1;"]),
        (
            ">>> import shutil; shutil.rmtree('/tmp/spool')",
            ["import shutil; shutil.rmtree('/tmp/spool')"],
        ),
    ],
)
def test_commands_in_any_block_with_or_without_a_prompt(block: str, expected: list[str]) -> None:
    assert _texts(f"# T\n\n## Fixing\n\n```\n{block}\n```\n") == expected


def test_an_untagged_block_of_sql_is_its_statements() -> None:
    sql = "```\nSELECT\n\tid,\n\ttotal\nFROM invoices\nWHERE paid = false;\nDROP TABLE spool;\n```"
    assert _texts(f"# T\n\nRun in psql:\n\n{sql}\n") == [
        "SELECT id, total FROM invoices WHERE paid = false;",
        "DROP TABLE spool;",
    ]
    result = "```\nDELETE 3\n```"  # psql's result of a statement: no statement
    assert _texts(f"# T\n\nThe output:\n\n{result}\n") == []


@pytest.mark.parametrize(
    ("lead_in", "block", "expected"),
    [
        # "to output" asks a program to print: the block is the command to run
        (
            "Run this to get the ledger worker to output its threads to the log",
            "kill -TTIN <ledger_pid>",
            ["kill -TTIN <ledger_pid>"],
        ),
        # "looks like" over a block that is all commands: a script, not its output
        (
            "On our hosts, this looks like:",
            "export LEDGER_CONF=/etc/ledger.conf\nfor id in a b; do\n"
            "  /opt/ledger/bin/ledgerctl mark $id\ndone",
            ["for id in a b; do /opt/ledger/bin/ledgerctl mark $id done"],
        ),
        # ... and over output it is output (look-alike)
        ("The output looks like:", "ls -l\ntotal 8\ndrwxr-x 2 root root 4096 a b", []),
        # a script by its path, alone in the block
        (
            "Session 01:",
            "./run-ledger-bench.sh -h db.internal -p 6432",
            ["./run-ledger-bench.sh -h db.internal -p 6432"],
        ),
        (
            "To update it:",
            "./bin/vault-edit ledger-secrets {prd,stg}",
            ["./bin/vault-edit ledger-secrets {prd,stg}"],
        ),
        # a console session with its results
        (
            "In a Rails console:",
            "> ledger = Ledger.find_by(name: 'eu')\n=> #<Ledger id:1>\n"
            "> ledger.reindex!\n=> true\n> # done",
            ["ledger = Ledger.find_by(name: 'eu')", "ledger.reindex!"],
        ),
        # a line that only prints is no step, one that writes a file is
        (
            "Add the alias:",
            "echo \"alias lg='ledgerctl'\" >> ~/.bashrc\necho done",
            ["echo \"alias lg='ledgerctl'\" >> ~/.bashrc"],
        ),
        # output to keep is asked for: the block is what to run
        (
            "Run the script and record the output:",
            "bundle exec ledgerctl rotate --dry-run",
            ["bundle exec ledgerctl rotate --dry-run"],
        ),
        (
            "Copy the password:",
            "bin/vault-cat ledger | jq -r .password",
            ["bin/vault-cat ledger | jq -r .password"],
        ),
        ("Check the host key:", "$> ssh-keygen -lf ledger.pub", ["ssh-keygen -lf ledger.pub"]),
        ("Then:", "show log_destination;", ["show log_destination;"]),
        ("In the console:", "::Ledger::Sync.new(id).execute", ["::Ledger::Sync.new(id).execute"]),
        # an SQL comment inside a statement stays in its text (as in the source)
        (
            "Run in psql:",
            "-- the stale rows\nSELECT id\n-- only unpaid\nFROM invoices;",
            ["SELECT id -- only unpaid FROM invoices;"],
        ),
    ],
)
def test_blocks_that_were_read_as_output_are_their_commands(
    lead_in: str, block: str, expected: list[str]
) -> None:
    assert _texts(f"# T\n\n{lead_in}\n\n```\n{block}\n```\n") == expected


def test_a_piped_loop_and_a_ruby_block_are_one_step_each() -> None:
    piped = "```bash\nls /srv/spool | while read f; do\n  gzip /srv/spool/$f\ndone\nls\n```"
    ruby = (
        "Cancel the unpaid invoices in the console:\n\n"
        "```\nInvoice.where(paid: false).each do |i|\n  i.cancel!\n  i.save\nend\n```"
    )
    assert _texts(f"# T\n\n{piped}\n\n{ruby}\n") == [
        "ls /srv/spool | while read f; do gzip /srv/spool/$f done",
        "ls",
        "Invoice.where(paid: false).each do |i| i.cancel! i.save end",
    ]
    look_alike = "```bash\nls | grep while\nuptime\n```"  # no loop: two commands
    assert _texts(f"# T\n\n{look_alike}\n") == ["ls | grep while", "uptime"]


def test_a_loop_is_one_step_and_a_heredoc_too() -> None:
    loop = "```bash\nuntil oc get pod ledger-0; do\n  sleep 10\ndone\n```"
    heredoc = "```bash\ncat <<CONF > /etc/ledger.conf\nmode: ro\nCONF\n```"
    assert len(_texts(f"# T\n\n{loop}\n\n{heredoc}\n")) == 2


@pytest.mark.parametrize("info", ["text", "output", "json", "yaml"])
def test_output_blocks_hold_no_steps(info: str) -> None:
    assert _texts(f"# T\n\n```{info}\nNAME   READY\nledger 1/1\n```\n") == []


def test_output_after_a_prompted_command_is_not_a_step() -> None:
    block = "```console\n$ oc get pods\nNAME   READY\nledger-0   1/1\n```"
    assert _texts(f"# T\n\n{block}\n") == ["oc get pods"]


def test_sql_and_ruby_blocks_become_steps_reported_when_no_tool_runs_them(
    compile_text: Compile,
) -> None:
    art = compile_text(
        "# T\n\n## Fix\n\n```sql\nTRUNCATE audit_log;\n```\n\n```ruby\nLedger.purge_all!\n```\n"
    )
    steps = _steps(art)
    assert [s.text for s in steps] == ["TRUNCATE audit_log;", "Ledger.purge_all!"]
    assert all(s.effect == "destructive" for s in steps)
    assert codes(art).count("RB207") == 2


# Compound commands ---------------------------------------------------------------------------


def test_a_check_joined_to_a_delete_is_a_destructive_action(compile_text: Compile) -> None:
    art = compile_text("# T\n\n```\noc get pods -n ledger && oc delete namespace ledger\n```\n")
    (step,) = _steps(art)
    assert step.effect == "destructive" and step.kind == "action" and step.requires_approval


# Branches -----------------------------------------------------------------------------------


def test_if_then_otherwise_is_one_decision_with_both_branches(compile_text: Compile) -> None:
    art = compile_text(
        "# T\n\n## Steps\n\nIf the replica lags by more than 60 s, restart it. "
        "Otherwise drain the queue.\n\nClose the ticket.\n"
    )
    decision, restart, drain, close = _steps(art)
    assert decision.kind == "decision"
    assert [(e.to, e.when) for e in decision.next] == [
        (restart.id, "If the replica lags by more than 60 s"),
        (drain.id, "otherwise"),
    ]
    assert [e.to for e in restart.next] == [close.id]
    assert [e.to for e in drain.next] == [close.id]


def test_a_condition_over_a_nested_list_is_a_decision_over_the_list(compile_text: Compile) -> None:
    art = compile_text(
        "# T\n\n## Steps\n\n* If you still have a shell on the host, try to:\n"
        "    * Reload the firewall rules.\n    * Lock the service account.\n"
        "* Write up the timeline.\n"
    )
    decision, reload_, _lock, write = _steps(art)
    assert decision.kind == "decision"
    assert {e.to for e in decision.next} == {reload_.id, write.id}


def test_headings_that_name_cases_are_branches_not_a_sequence(compile_text: Compile) -> None:
    art = compile_text(
        "# Undo\n\n## Cases\n\n### If the upload failed before the swap\n\n1. Retry the upload."
        "\n\n### If the swap ran but the site is down\n\n1. Swap back.\n2. Retry the upload.\n\n"
        "### Option 3: only thumbnails are stale\n\n1. Rebuild the thumbnails.\n\n"
        "## After\n\n1. Post in the channel.\n"
    )
    first, retry, second, swap, retry2, third, rebuild, post = _steps(art)
    assert [s.kind for s in (first, second, third)] == ["decision"] * 3
    assert [e.to for e in first.next] == [retry.id, second.id]
    assert [e.to for e in second.next] == [swap.id, third.id]
    assert [e.to for e in retry.next] == [post.id] and [e.to for e in retry2.next] == [post.id]
    assert [e.to for e in rebuild.next] == [post.id]


def test_symptom_fix_pairs_are_exclusive_branches(compile_text: Compile) -> None:
    art = compile_text(
        "# T\n\n## Common causes\n\n* **Broken release:** Revert it.\n"
        "* **Cache stampede:** Enable the request coalescer.\n\n## After\n\n1. Tell the team.\n"
    )
    broken, revert, stampede, enable, tell = _steps(art)
    assert broken.kind == stampede.kind == "decision"
    assert [e.to for e in broken.next] == [revert.id, stampede.id]
    assert [e.to for e in revert.next] == [tell.id] and [e.to for e in enable.next] == [tell.id]


# Cut text ------------------------------------------------------------------------------------


def test_conditions_are_never_cut_inside_a_link_or_after_e_g() -> None:
    text = (
        "# T\n\n## Steps\n\nIf you have the [ledger CLI set up](https://example.com/a:b), "
        "run `ledger sync`.\n\nKeep the exports as plain files (e.g. CSV). Then upload them.\n"
    )
    found = _texts(text)
    assert found[0] == "If you have the [ledger CLI set up](https://example.com/a:b)"
    assert "Keep the exports as plain files (e.g. CSV)." in found


def test_a_paragraph_of_several_instructions_is_one_step_each() -> None:
    text = "# T\n\n## Steps\n\nStop the consumer. Purge the dead-letter queue. Start it again.\n"
    assert len(_texts(text)) == 3


# Kinds -----------------------------------------------------------------------------------------


def test_the_noun_page_is_not_an_escalation(compile_text: Compile) -> None:
    art = compile_text(
        "# T\n\n## Steps\n\n1. Open the post-apply hook on your build page.\n"
        "2. Page the ledger on-call.\n"
    )
    first, second = _steps(art)
    assert first.kind != "escalate" and second.kind == "escalate"


# Nothing silently dropped --------------------------------------------------------------------


def test_an_instruction_in_a_table_is_a_step_and_lines_are_accounted(
    compile_text: Compile,
) -> None:
    # Session 15: a table cell that instructs is a step (it was reported as RB008 before).
    art = compile_text(
        "# T\n\n## Steps\n\n1. Check the ledger.\n\n| Symptom | Remedy |\n| --- | --- |\n"
        "| lag | Restart the ledger writer. |\n"
    )
    assert codes(art).count("RB008") == 0
    assert art.coverage["step"] == 2 and art.coverage.get("unplaced", 0) == 0
    assert sum(art.coverage.values()) == 10


def test_the_report_shows_the_coverage_summary(tmp_path: Path) -> None:
    runbook = tmp_path / "r.md"
    runbook.write_text("# T\n\n## Steps\n\n1. Check the ledger.\n")
    out = tmp_path / "report.html"
    registry = REPO / "runbooks_src" / "tools.yaml"
    args = ["report", str(runbook), "--out", str(out), "--registry", str(registry)]
    CliRunner().invoke(app, args)
    assert "source lines: 3 blank, 2 heading, 1 step" in out.read_text()


# Session 5: causes of missed and extra steps on the tuned prose cases -----------------------


def test_a_trailing_condition_is_a_decision_whose_branch_is_the_instruction(
    compile_text: Compile,
) -> None:
    art = compile_text(
        "# T\n\n## Steps\n\n* Ping the release captain if nobody has taken the ticket yet.\n"
        "* Archive the build log once the upload has finished.\n* Close the ticket.\n"
    )
    decision, ping, wait, archive, close = _steps(art)
    assert (decision.kind, wait.kind) == ("decision", "decision")
    assert decision.text == "if nobody has taken the ticket yet"
    assert ping.text == "Ping the release captain" and archive.text.startswith("Archive")
    assert {e.to for e in decision.next} == {ping.id, wait.id}
    assert {e.to for e in wait.next} == {archive.id, close.id}


@pytest.mark.parametrize(
    "sentence",
    [
        "Rebuild the index if necessary.",
        "Rebuild the index if needed with `oc rsh indexer reindex`.",
        "Report the error codes, if any.",
        "Keep the old disk (do not wipe it if you can help it, as we may need it).",
        "Restart the two workers at once.",
        "Read the usage. If it is above 90%, go to step 4.",
    ],
)
def test_hedges_and_other_sentences_do_not_make_a_trailing_decision(sentence: str) -> None:
    found = extract(parse(f"# T\n\n## Steps\n\n{sentence}\n"), frozenset({"oc"}))
    assert [d.kind for d in found if d.kind == "decision"] == []


def test_handing_over_to_another_procedure_is_a_jump_not_a_step() -> None:
    text = (
        "# T\n\n## Steps\n\n1. Once the bridge is closed, you can start to follow the steps in "
        "[Wrap-up](../wrap.md).\n2. If the leak touched customer data, you should follow the "
        "[Privacy Breach](../privacy.md) process.\n3. Follow our [Shadowing Guide](../g.md).\n"
    )
    found = extract(parse(text), frozenset())
    assert [d.kind for d in found] == ["decision", "decision", "manual"]
    assert [d.condition for d in found[:2]] == [
        "Once the bridge is closed",
        "If the leak touched customer data",
    ]


@pytest.mark.parametrize(
    "paragraph",
    [
        "See our [tier table](../tiers.md) for which incidents count as major.",
        "Look [here](https://example.com/m.md) for a sample manifest.",
        "See [Probes](https://example.com/p#x)\nSee [Restarts](https://example.com/r)",
    ],
)
def test_pointers_elsewhere_are_not_steps(paragraph: str) -> None:
    assert _texts(f"# T\n\n## Steps\n\n{paragraph}\n") == []


@pytest.mark.parametrize(
    "sentence",
    [
        "Quarantine the affected hosts.",  # a verb the list lacks, with its object
        "Denylist all addresses the intruder used.",
        "Carefully drain the worker.",  # a manner adverb first
        "On the bastion host, run `oc get nodes`.",  # where, then the instruction
        "Based on what leaked, assess the exposure of the other systems.",
    ],
)
def test_instructions_beyond_the_verb_list_are_steps(sentence: str) -> None:
    assert _texts(f"# T\n\n## Steps\n\n* {sentence}\n") == [sentence]


@pytest.mark.parametrize(
    "sentence",
    [
        "Use this when a customer reports a double charge.",
        "Restarts the exporter every hour.",
        "Usually the exporter comes back by itself.",
        "Found the cause after an hour of searching.",
        "Sometimes the queue holds a poison message.",
    ],
)
def test_descriptions_shaped_like_instructions_are_not_steps(sentence: str) -> None:
    assert _texts(f"# T\n\n## About\n\n{sentence}\n") == []


@pytest.mark.parametrize(
    ("item", "steps"),
    [
        ("1. **Observe**\n    * Watch the error budget.\n", ["Watch the error budget."]),
        ("1. There is no need to answer every alert yourself.\n", []),
        ("1. There's no duty to fix the upstream service.\n", []),
    ],
)
def test_a_bold_title_or_a_statement_of_what_there_is_is_not_a_numbered_step(
    item: str, steps: list[str]
) -> None:
    assert _texts(f"# T\n\n## Duties\n\n{item}") == steps


def test_questions_in_a_list_are_decisions_or_checks() -> None:
    found = extract(
        parse(
            "# T\n\n## Steps\n\n* **Is the bridge missing a lead?**\n"
            "* Which tokens sat on the host that must now be revoked?\n"
        ),
        frozenset(),
    )
    assert [(d.kind, d.condition) for d in found] == [
        ("decision", "Is the bridge missing a lead"),
        ("check", None),
    ]


def test_verbs_of_talking_and_choosing_start_instructions() -> None:
    text = (
        "# T\n\n## Steps\n\n* Discuss the open risks.\n* Prefer the phone bridge over mail.\n"
        "* Read the audit trail and extract the suspect sessions.\n"
    )
    assert len(_texts(text)) == 4


def test_a_bold_title_item_is_not_reported_as_an_unplaced_instruction(
    compile_text: Compile,
) -> None:
    art = compile_text("# T\n\n## Duties\n\n1. **Observe**\n    * Watch the error budget.\n")
    assert "RB008" not in codes(art) and len(_steps(art)) == 1


@pytest.mark.parametrize(
    ("paragraph", "count"),
    [
        ("* **Cache poisoned:** Do a full purge.", 2),  # a two-letter verb after a case label
        ("We recommend you pin the agent version to 4.2.", 1),
        ("If the pool is drained, you can remove it from the balancer.", 2),
        ("It was a quiet week. Oh well.", 0),
    ],
)
def test_other_forms_of_instruction(paragraph: str, count: int) -> None:
    assert len(_texts(f"# T\n\n## Steps\n\n{paragraph}\n")) == count


def test_a_query_the_text_asks_to_run_is_a_check_step_with_no_command() -> None:
    text = (
        "# T\n\n## Diagnosis\n\nGraph the queue depth with this query:\n\n```promql\n"
        "sum(rabbit_queue_messages_ready) by (queue)\n```\n\n"
        "Compare it with the consumer count:\n\n```console\n"
        "(rabbit_queue_consumers_total / rabbit_queue_messages_total) * 100\n```\n\n"
        "## About\n\nThe alert fires on this expression.\n\n```promql\n"
        "rabbit_queue_messages_ready > 1000\n```\n"
    )
    found = extract(parse(text), frozenset())
    assert [(d.kind, d.command, d.span.line) for d in found] == [
        ("check", None, 8),
        ("check", None, 14),
    ]
    assert found[0].note == "Graph the queue depth with this query:"


def test_a_check_then_if_not_is_a_decision_over_the_fix() -> None:
    found = extract(
        parse(
            "# T\n\n## Steps\n\nConfirm that the relay is up, if not restart it and read its log."
            "\n\nThe `phase` of the volume should be `Bound`, if not, describe the claim.\n"
        ),
        frozenset(),
    )
    assert [(d.kind, d.text) for d in found] == [
        ("check", "Confirm that the relay is up"),
        ("decision", "if not"),
        ("manual", "restart it"),
        ("manual", "read its log."),
        ("decision", "if not"),
        ("check", "describe the claim."),
    ]
    assert found[1].branch_size == 2 and found[4].branch_size == 1


@pytest.mark.parametrize(
    ("paragraph", "count"),
    [
        ("When you hand out a task, you should follow these four steps,", 1),  # the decision
        ("Before the bridge opens, you should do the following:", 0),
        ("Here are some phrases you should use on the bridge.", 0),
        ("The [Scribe Guide](../s.md) says what you should be writing down.", 0),
        ("Note that a second scribe is not a change of roles.", 0),
    ],
)
def test_lead_ins_and_descriptions_of_what_you_should_do_are_not_steps(
    paragraph: str, count: int
) -> None:
    assert len(_texts(f"# T\n\n## Steps\n\n{paragraph}\n")) == count


def test_a_role_statement_is_one_step_per_duty_of_its_series() -> None:
    text = (
        "# T\n\n## Duties\n\nYour job as scribe is to join the bridge, read the channel, and "
        "write down every decision with its time.\n"
    )
    assert _texts(text) == [
        "Your job as scribe is to join the bridge",
        "read the channel",
        "write down every decision with its time.",
    ]


@pytest.mark.parametrize(
    "paragraph",
    [
        "Don't worry if you have not done every course yet, you can still shadow.",
        "There is no exam for this role, you should feel free to ask the leads about it.",
    ],
)
def test_reassurance_is_neither_a_step_nor_an_unplaced_instruction(
    paragraph: str, compile_text: Compile
) -> None:
    art = compile_text(f"# T\n\n## Steps\n\n{paragraph}\n")
    assert _steps(art) == [] and "RB008" not in codes(art)


def test_quoted_example_dialogue_is_not_a_step(compile_text: Compile) -> None:
    art = compile_text(
        "# T\n\n## Lingo\n\nWhen someone talks over others, cut in:\n\n"
        "> Lead: Hold on. Let the scribe finish, then go on.\n\n"
        "> Repeat the last decision aloud.\n"
    )
    assert {s.source.line for s in _steps(art) if s.source} == {5, 9}
    assert "RB008" not in codes(art) and art.coverage["quote"] == 1


@pytest.mark.parametrize(
    ("paragraph", "count"),
    [
        ("Also, don't forget to post in the channel, and get yourself on the rota.", 2),
        ("If the lead joins late, you may hand over the bridge to them.", 2),
        ("If you run the rota, you may be paged at night.", 0),
        ("Being the scribe means you own the notes of the system you are responsible for.", 0),
    ],
)
def test_lead_words_permissions_and_relative_clauses(paragraph: str, count: int) -> None:
    assert len(_texts(f"# T\n\n## Steps\n\n{paragraph}\n")) == count


@pytest.mark.parametrize(
    ("sentence", "steps"),
    [
        ("Hosts the intruder touched should be quarantined from the rest.", 1),
        ("The incoming lead should then announce themselves on the bridge.", 1),
        ("Service accounts used in the breach should rotate their tokens everywhere.", 1),
        ("The rebuild should take about ten minutes.", 0),
        ("The summary page should list every paused job.", 0),
        ("The output should describe why the job stopped.", 0),
        ("The `phase` should be `Bound`.", 0),
    ],
)
def test_an_obligation_on_someone_named_is_a_step_an_expectation_is_not(
    sentence: str, steps: int
) -> None:
    assert len(_texts(f"# T\n\n## Steps\n\n{sentence}\n")) == steps


def test_a_trailing_condition_never_cuts_inside_parentheses() -> None:
    found = _texts(
        "# T\n\n## Steps\n\nGet sign-off from the owners (or the lead if they are silent for "
        "10 minutes).\n\nPost the roles in the room (if nobody has yet).\n"
    )
    assert found == [
        "Get sign-off from the owners (or the lead if they are silent for 10 minutes).",
        "if nobody has yet",
        "Post the roles in the room",
    ]


def test_you_should_is_an_instruction_under_any_heading_but_you_should_see_is_not() -> None:
    text = (
        "# T\n\n## Purpose\n\nAs a scribe, you will be expected to keep the timeline.\n\n"
        "## Diagnosis\n\nRead the agent log. You should see errors about the token.\n"
    )
    assert _texts(text) == [
        "As a scribe, you will be expected to keep the timeline.",
        "Read the agent log.",
    ]


def test_a_connective_before_a_condition_keeps_the_decision() -> None:
    text = "# T\n\n## Steps\n\nTherefore, if it is a storage fault, escalate to the SAN team.\n"
    found = extract(parse(text), frozenset())
    assert [d.kind for d in found] == ["decision", "escalate"]
    assert found[0].condition == "if it is a storage fault"


@pytest.mark.parametrize(
    ("paragraph", "count"),
    [
        ("If anyone keeps talking over the lead, mute them.", 2),  # a verb the list lacks
        ("For a calmer drill, run it with someone from another site.", 1),
        ("Work with the lead if you are unsure what is going on.", 2),
    ],
)
def test_instructions_after_a_condition_or_a_phrase(paragraph: str, count: int) -> None:
    assert len(_texts(f"# T\n\n## Steps\n\n{paragraph}\n")) == count


def test_two_instructions_joined_by_a_colon_and_a_connective_before_when() -> None:
    item = "* Bring in the database team: Ask them for a DBA.\n"
    assert len(_texts(f"# T\n\n## Steps\n\n{item}")) == 2
    found = extract(
        parse(
            "# T\n\n## Steps\n\nLikewise, when the lead asks for a timer, you are expected to "
            "start one.\n"
        ),
        frozenset(),
    )
    assert [d.kind for d in found] == ["decision", "manual"]


def test_a_condition_never_runs_past_then_to_find_an_instruction() -> None:
    text = (
        "# T\n\n## About\n\nIf all payloads are applied, then the agent is done and the operator "
        "goes on to create, update or delete a cluster.\n"
    )
    assert _texts(text) == []


@pytest.mark.parametrize(
    ("sentence", "effect"),
    [
        ("Replace the broken token the way it was issued.", "destructive"),
        ("Overwrite the cached manifest with the one from git.", "destructive"),
        ("Replace `<CLUSTER>` with the name of your cluster.", None),
        ("Replace the placeholder with your region.", None),
    ],
)
def test_replacing_or_overwriting_in_prose_is_destructive_filling_a_placeholder_is_not(
    sentence: str, effect: str | None, compile_text: Compile
) -> None:
    (step,) = _steps(compile_text(f"# T\n\n## Steps\n\n1. {sentence}\n"))
    assert (step.effect == "destructive") == (effect == "destructive")


def test_a_paragraph_ending_in_description_is_not_the_lead_in_of_the_next_block() -> None:
    text = (
        "# T\n\n## Fix\n\nAn expired CA is the usual cause. If so, delete the `hub-import` "
        "secret on the hub. That makes the hub send the new bundle.\n\n```bash\n"
        "oc delete klusterlet agent\n```\n\n"
        "Verify the reloader logs. Here is an example.\n\n```console\n$ oc logs reloader\n```\n"
    )
    found = extract(parse(text), frozenset({"oc"}))
    assert [(d.kind, d.note) for d in found] == [
        ("decision", None),
        ("manual", None),
        ("action", None),
        ("action", "Verify the reloader logs. Here is an example."),
    ]


def test_an_inline_icon_before_an_instruction_does_not_hide_it() -> None:
    item = '* <span class="icon bad"></span>  Don\'t promise a time for the fix.\n'
    assert len(_texts(f"# T\n\n## Steps\n\n{item}")) == 1


def test_if_it_does_not_look_like_is_a_condition_not_an_else_lead() -> None:
    item = (
        "* Does the alert point at a service another team owns? If it does not look like your "
        "area, then hand over to that team.\n"
    )
    found = extract(parse(f"# T\n\n## Steps\n\n{item}"), frozenset())
    assert [d.kind for d in found] == ["decision", "decision", "escalate"]
    assert found[1].condition == "If it does not look like your area"


# Session 6 -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("paragraph", "kinds"),
    [
        ("Restarting the relay pod may help.", ["manual"]),
        (
            "If the queue does not drain, rebooting the worker node often helps.",
            ["decision", "manual"],
        ),
        (
            "Scaling the broker down will force every consumer to reconnect, which should "
            "clear the backlog.",
            ["manual"],
        ),
        ("Restarting the relay will not help here.", []),
        ("Pending the relay may help.", []),  # "pend" is no instruction verb
    ],
)
def test_an_action_suggested_by_what_it_does_is_a_step(paragraph: str, kinds: list[str]) -> None:
    found = extract(parse(f"# T\n\n## Fix\n\n{paragraph}\n"), frozenset())
    assert [d.kind for d in found] == kinds


def test_a_link_to_a_procedure_of_the_same_docs_is_a_step_a_link_to_reading_is_not() -> None:
    text = (
        "# T\n\n## Fix\n\n"
        "See [Collecting the Relay Logs](../shared/relay-logs.md).\n\n"
        "The relay is wedged. See\n[Restart the Relay Pod](../shared/relay-restart.md).\n\n"
        "If nothing moves, restarting the relay may help. See\n"
        "[Restarting the Relay Pod](../shared/relay-restart.md).\n\n"
        "See [Debugging Pods](https://kubernetes.example/docs/debug-pods.md).\n\n"
        "See [the Relay design](../design/relay.md).\n"
    )
    found = extract(parse(text), frozenset())
    assert [(d.kind, d.span.line) for d in found] == [
        ("check", 5),
        ("check", 7),
        ("decision", 10),
        ("manual", 10),  # the link after it is its how-to, not another step
    ]


def test_if_nothing_is_a_condition_not_an_if_not_else_lead() -> None:
    text = "# T\n\n## Fix\n\nDrain the node. If nothing else is scheduled there, cordon it.\n"
    found = extract(parse(text), frozenset())
    assert [(d.kind, d.else_size) for d in found] == [
        ("manual", 0),
        ("decision", 0),
        ("manual", 0),
    ]
    assert found[1].condition == "If nothing else is scheduled there"


def test_and_use_after_a_comma_is_another_instruction() -> None:
    assert _texts("# T\n\n## Steps\n\nKeep the summary brief, and use `@channel`.\n") == [
        "Keep the summary brief",
        "use `@channel`.",
    ]
    assert _texts("# T\n\n## Steps\n\nWrite it down and use the template.\n") == [
        "Write it down and use the template."
    ]


@pytest.mark.parametrize(
    ("paragraph", "count"),
    [
        ("You can also inspect the `relay.toml` file directly.", 1),
        ("You could also revert `relay.toml` to the last good version.", 1),
        ("You can see the relay in the list.", 0),  # what is possible, not another way
        ("It's best to begin with the relay's own log.", 1),
        ('When you run a load test, it is courteous to "hold the pager" yourself.', 2),
        ("It's important to review our process afterwards.", 0),
    ],
)
def test_another_way_offered_and_advice_are_instructions(paragraph: str, count: int) -> None:
    assert len(_texts(f"# T\n\n## Fix\n\n{paragraph}\n")) == count


def test_unable_to_before_an_instruction_is_its_condition() -> None:
    found = extract(
        parse(
            "# T\n\n## Fix\n\nUnable to recover the broker, please open a case with the vendor."
            "\n\nUnable to connect to the server: x509: certificate has expired.\n"
        ),
        frozenset(),
    )
    assert [(d.kind, d.condition) for d in found] == [
        ("decision", "Unable to recover the broker"),
        ("escalate", None),
    ]


@pytest.mark.parametrize(
    ("paragraph", "count"),
    [
        ("If retention is already at its minimum, you will need more disk on the node.", 2),
        ("You'll need an admin token for this.", 1),
        ("You will need about ten minutes.", 0),
    ],
)
def test_what_you_will_need_is_an_instruction(paragraph: str, count: int) -> None:
    assert len(_texts(f"# T\n\n## Fix\n\n{paragraph}\n")) == count


@pytest.mark.parametrize(
    ("paragraph", "count"),
    [
        (
            "Using the audit trail, the flow logs, and any other records at hand, attempt to "
            "find which tables were read.",
            1,
        ),
        (
            "By contrast, runbooks are short versions of the plan which make them easy to read, "
            "test and keep.",
            0,
        ),
        ("Never feel like you are failing by handing the bridge over.", 0),
    ],
)
def test_an_introducing_phrase_may_hold_a_list(paragraph: str, count: int) -> None:
    assert len(_texts(f"# T\n\n## Fix\n\n{paragraph}\n")) == count


@pytest.mark.parametrize(
    ("paragraph", "count"),
    [
        ("* A standby shift should normally follow a main shift.", 1),
        ("* New joiners should mirror your rotation for their first month.", 1),
        ("* The relay should generally come back within a minute.", 0),  # an expectation
        ("* The queue should only grow at night.", 0),
        ("* This should hopefully never happen.", 0),
        ("At the start of every bridge, the lead should introduce the roles.", 1),
    ],
)
def test_obligations_with_verbs_beyond_the_list(paragraph: str, count: int) -> None:
    assert len(_texts(f"# T\n\n## Steps\n\n{paragraph}\n")) == count


def test_a_decision_left_to_the_reader_after_an_instruction_is_a_decision() -> None:
    text = (
        "# T\n\n## Steps\n\n1. Page the platform leads as needed, linking them to the incident.\n"
        "2. Hand tasks to the deputies at your discretion.\n"
        "3. Restore the volume from a snapshot as appropriate.\n"
        '4. Brief the room (as "necessary" is not a hedge in quotes).\n'
    )
    found = extract(parse(text), frozenset())
    assert [(d.kind, d.condition) for d in found] == [
        ("decision", "as needed"),
        ("escalate", None),
        ("decision", "at your discretion"),
        ("manual", None),
        ("manual", None),  # "as appropriate" says how, not whether
        ("manual", None),
    ]
    assert found[0].branch_size == 1 and found[0].span.line == 5


def test_and_you_will_after_an_instruction_is_another_instruction() -> None:
    assert _texts(
        "# T\n\n## Steps\n\n* You should answer the pages, and you will run the bridge.\n"
        "* Again, this is routine and you should remember the rota changes.\n"
    ) == [
        "You should answer the pages",
        "run the bridge.",
        "Again, this is routine and you should remember the rota changes.",
    ]


def test_a_paragraph_that_only_jumps_is_an_edge_of_the_step_before_it() -> None:
    text = (
        "# T\n\n## Steps\n\n1. Look at the relay:\n\n   ```shell\n   $ kubectl get pods -n relay\n"
        "   ```\n\n   Fixing the image is the vendor's task: go to step 3.\n\n"
        "2. If the relay is idle, the queue is the likely cause: go to step 3 to drain it.\n\n"
        "   If the relay is busy, go to step 3.\n\n"
        "3. Drain the queue.\n"
    )
    found = extract(parse(text), frozenset({"kubectl"}))
    assert [(d.kind, d.span.line) for d in found] == [
        ("action", 8),
        ("decision", 13),
        ("decision", 15),
        ("manual", 17),
    ]
    assert [j.target for j in found[0].jumps] == ["3"]
    assert [j.target for j in found[1].jumps] == ["3"]


def test_a_paragraph_wholly_in_italics_is_an_aside_not_steps(compile_text: Compile) -> None:
    text = (
        "# T\n\n## Phases\n\n_Next comes containment. We need to decide what to cut off, and then "
        "cut it off._\n\n*Restart the relay.* Then drain the queue.\n\n"
        "* _Page the duty lead._\n"
    )
    assert _texts(text) == [
        "*Restart the relay.*",
        "Then drain the queue.",
        "_Page the duty lead._",
    ]
    assert "RB008" not in codes(compile_text(text))


@pytest.mark.parametrize(
    ("paragraph", "count"),
    [
        ("This guide covers everything you need to know before your first shift.", 0),
        ("Nobody should have to guess which channel you should be posting in.", 0),
        ("When the bridge opens, you should post the channel name.", 2),
        ("If you want to coach new leads, take a look at [the coaching page](../coach.md).", 0),
        ("Have a look at [the relay notes](https://relay.example/notes).", 0),
    ],
)
def test_embedded_you_should_and_conditional_pointers_are_not_steps(
    paragraph: str, count: int, compile_text: Compile
) -> None:
    assert len(_texts(f"# T\n\n## Duties\n\n{paragraph}\n")) == count
    assert "RB008" not in codes(compile_text(f"# T\n\n## Duties\n\n{paragraph}\n"))


@pytest.mark.parametrize(
    ("paragraph", "count"),
    [
        ("On spot capacity, the worker might need a manual restart.", 1),
        ("The broker may need to be recreated from its snapshot.", 1),
        ("The rollout may need some time.", 0),
        ("As a check, list the relay's endpoints again.", 1),
        ("As confirmation, list the relay's endpoints again.", 1),
    ],
)
def test_hedged_changes_and_short_as_phrases(paragraph: str, count: int) -> None:
    assert len(_texts(f"# T\n\n## Fix\n\n{paragraph}\n")) == count


def test_an_attempt_at_two_things_is_one_step() -> None:
    assert _texts("# T\n\n## Fix\n\nTry to find the leak and patch it.\n") == [
        "Try to find the leak and patch it."
    ]
    assert len(_texts("# T\n\n## Fix\n\nFind the leak and patch it.\n")) == 2


# Session 7: HTML blocks are read, not skipped --------------------------------------------------

_HTML_TABLE = (
    "# Tiers\n\n## Responses\n\n"
    '<table class="tiers">\n  <tr>\n    <th>Tier</th>\n    <th>Response</th>\n  </tr>\n'
    '  <tr>\n    <td class="t1">T1</td>\n    <td>\n      <p class="what">Full outage.</p>\n'
    "      <ul>\n        <li>Phone the duty lead on <code>!lead call</code>.</li>\n"
    '        <li>Read <a href="/later/review">Reviews</a>.</li>\n'
    "        <li>Billing is unaffected.</li>\n      </ul>\n    </td>\n  </tr>\n</table>\n"
)


def test_an_instruction_in_an_html_table_cell_is_a_step(compile_text: Compile) -> None:
    # Session 15: the cell's instruction is a step (it was reported as RB008 before), not its
    # statement or its pointer: as a markdown table's cell.
    art = compile_text(_HTML_TABLE)
    assert "RB008" not in codes(art)
    assert [(s.source.line, s.source.column) for s in _steps(art) if s.source] == [(15, 13)]


@pytest.mark.parametrize(
    "html",
    [
        "<details>\n<summary>Repair</summary>\n<p>Drain the relay queue.</p>\n</details>\n",
        "<div>\n  <ul>\n    <li>Drain the relay queue.</li>\n  </ul>\n</div>\n",
        "<div>\n  <p>\n    Drain the relay\n    queue.\n  </p>\n</div>\n",
    ],
)
def test_an_instruction_in_html_outside_a_table_is_a_step(html: str, compile_text: Compile) -> None:
    text = f"# Relay\n\n## Repair\n\n{html}"
    assert [" ".join(t.split()) for t in _texts(text)] == ["Drain the relay queue."]
    art = compile_text(text)
    assert "RB008" not in codes(art) and len(_steps(art)) == 1
    assert art.steps[0].source is not None and art.steps[0].source.line >= 7


@pytest.mark.parametrize(
    "html",
    [
        # A tooltip's words are no sentence, a comment is hidden (RB009's), code is not prose.
        '<div>\n<span><b>Checked:</b> <abbr title="Restart the relay on each check.">date'
        "</abbr></span>\n</div>\n",
        "<div>\n<!-- Restart the relay. -->\n</div>\n",
        "<div>\n<pre>Restart the relay.</pre>\n</div>\n",
    ],
)
def test_no_step_or_report_from_text_a_reader_does_not_see(
    html: str, compile_text: Compile
) -> None:
    text = f"# Relay\n\n## Notes\n\n{html}"
    assert _texts(text) == []
    assert "RB008" not in codes(compile_text(text))


def test_html_runs_of_text_nest_lists_and_stop_at_an_unclosed_comment() -> None:
    html = "<ul><li>Open <b>it</b>.<ul><li>Then close it.</li></ul></li></ul><!-- Purge it.\n"
    runs = html_texts(html)
    assert [html[r.start : r.end] for r in runs] == ["Open <b>it</b>.", "Then close it."]
    assert [(r.list_depth, r.first_in_item) for r in runs] == [(1, True), (2, True)]


# Session 7: series with no "and", a condition written as a sentence of its own ----------------


@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        (
            "Drain the queues, firewall isolate them, switch off a region.",
            ["Drain the queues", "firewall isolate them", "switch off a region."],
        ),
        # A comma before a noun phrase, or before a single word, never splits a series.
        ("Check pods, services, restart the deployment.", None),
        ("Inspect the logs, the events, restart the worker.", None),
        # Two parts are no series (a comma splice is left as it is).
        ("Stay on the bridge, keep the notes.", None),
    ],
)
def test_a_series_of_instructions_with_no_and_is_one_step_each(
    paragraph: str, expected: list[str] | None
) -> None:
    assert _texts(f"# T\n\n## Fix\n\n{paragraph}\n") == (expected or [paragraph])


def test_a_condition_written_as_a_sentence_of_its_own_is_the_next_ones_decision() -> None:
    text = "# T\n\n## Fix\n\nIf a replica is lagging. It is best to\nbegin with its WAL logs.\n"
    drafts = extract(parse(text))
    assert [(d.kind, d.condition, d.branch_size) for d in drafts] == [
        ("decision", "If a replica is lagging", 1),
        ("manual", None, 0),
    ]
    # A statement after it is no branch, and the condition alone is nothing.
    assert _texts("# T\n\n## Fix\n\nIf a replica is lagging. That happens at night.\n") == []


@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        (
            "1. In a spot pool, if the node vanished, the worker may need to be recreated.",
            [("decision", "In a spot pool, if the node vanished"), ("manual", None)],
        ),
        (
            "On the hub, when the agent hangs, restart it.",
            [("decision", "On the hub, when the agent hangs"), ("manual", None)],
        ),
        # No instruction after the condition; "On-call" is no phrase setting where; a
        # connective before the condition keeps the sentence a statement.
        ("In most pools, when the pod restarts, the cache is lost.", []),
        (
            "On-call duties grow at night, and if you carry the pager, you are expected to answer.",
            [("manual", None)],
        ),
    ],
)
def test_a_condition_after_an_introducing_phrase_is_a_decision(
    paragraph: str, expected: list[tuple[str, str | None]]
) -> None:
    drafts = extract(parse(f"# T\n\n## Fix\n\n{paragraph}\n"))
    assert [(d.kind, d.condition if d.kind == "decision" else None) for d in drafts] == expected


_ADMONITION_TABLE = (
    '# Bridge\n\n## Contacts\n\n!!! note "Contacts"\n    Keep these at hand.\n\n'
    "    <table>\n      <tr>\n        <td>#ops-chat</td>\n        <td>Restart the relay.</td>\n"
    '      </tr>\n      <tr>\n        <td colspan="2">Stuck? Page the duty lead.</td>\n'
    "      </tr>\n    </table>\n"
)


def test_html_in_an_admonition_is_read_and_a_cell_alone_in_its_row_is_a_paragraph(
    compile_text: Compile,
) -> None:
    # The indented table under "!!! note" is HTML (CommonMark reads it as code); the row of
    # one cell is a note across the table: a step; since session 15 the cell beside another
    # is a step too (it was reported as RB008).
    assert _texts(_ADMONITION_TABLE) == ["Restart the relay.", "Page the duty lead."]
    art = compile_text(_ADMONITION_TABLE)
    assert [d.line for d in art.diagnostics if d.code == "RB008"] == []
    # The same lines fenced are code shown, not HTML read.
    fenced = _ADMONITION_TABLE.replace("    <table>", "    ```\n    <table>").replace(
        "    </table>\n", "    </table>\n    ```\n"
    )
    assert _texts(fenced) == []


@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        # After a question, "If so" is the question's branch: no second decision.
        (
            "* Were any tokens kept on the box? If so, rotate them.",
            [("decision", "Were any tokens kept on the box", 1), ("manual", None, 0)],
        ),
        # After a statement, "In that case" is a decision on what it said.
        (
            "The relay often stalls after a deploy. In that case we need to restart it.",
            [("decision", "In that case", 1), ("manual", None, 0)],
        ),
        # A statement after it is no branch.
        ("The relay often stalls after a deploy. In that case the queue grows.", []),
    ],
)
def test_a_condition_that_refers_back_is_a_decision(
    paragraph: str, expected: list[tuple[str, str | None, int]]
) -> None:
    drafts = extract(parse(f"# T\n\n## Fix\n\n{paragraph}\n"))
    found = [(d.kind, d.condition if d.kind == "decision" else None, d.branch_size) for d in drafts]
    assert found == expected


def test_a_condition_after_a_series_with_no_and_governs_the_whole_series() -> None:
    paragraph = "Drain the queues, firewall isolate them, switch off a region if you must."
    text = f"# T\n\n## Fix\n\n{paragraph}\n"
    drafts = extract(parse(text))
    assert [(d.kind, d.branch_size) for d in drafts] == [
        ("decision", 3),
        ("manual", 0),
        ("manual", 0),
        ("manual", 0),
    ]
    assert drafts[0].condition == "if you must"


# Session 8: "Do `cmd`", "Simply state that", an expectation with its else, pronoun obligations ----


@pytest.mark.parametrize(
    "sentence",
    [
        "Do `/oncall swap` in the team channel",
        "Merely state that the fix is rolling out and post updates to the lead.",
        "Sit in on a live bridge, follow along with the notes.",
        "If so, they should be treated as leaked whatever vault held them.",
        # a manner adverb before a verb the list lacks
        "Regularly refactor and tidy our runbook index.",
        "Talk to the storage owners or read the vendor notes first.",
        "Third, we can inspect the `spec.routes` part.",
    ],
)
def test_general_instruction_forms_are_instructions(sentence: str) -> None:
    assert instructional(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "State transitions are logged by the agent.",
        "Doing `/oncall swap` twice has no effect.",
        "They should show `Ready` after a minute.",
        "It should be restarted by the supervisor on its own.",
        "Usually rebalances the shards overnight.",
        "Talks with the vendor are still ongoing.",
        "Then you can be sure the route is served.",
        "We can inspect the `spec.routes` part.",
    ],
)
def test_look_alikes_of_those_forms_are_not_instructions(sentence: str) -> None:
    assert not instructional(sentence)


def test_an_expectation_with_its_else_between_code_blocks_is_a_check_not_a_lead_in() -> None:
    text = (
        "# Relay\n\n## Diagnose\n\n```bash\noc get relay main -o yaml\n```\n\n"
        "The `phase` of the relay should be `Serving`, if not, please read the events of it.\n\n"
        "```bash\noc get relay spare -o yaml\n```\n"
    )
    drafts = extract(parse(text), frozenset({"oc"}))
    assert [(d.kind, d.branch_size) for d in drafts] == [
        ("action", 0),
        ("decision", 1),
        ("manual", 0),
        ("action", 0),
    ]
    assert drafts[1].condition == "if not: The `phase` of the relay should be `Serving`"
    assert drafts[3].note is None  # the next commands have no lead-in


def test_a_condition_said_to_be_fine_governs_the_next_sentence() -> None:
    paragraph = "* If the owner is unknown, that's okay. Post what you know and ping the lead."
    drafts = extract(parse(f"# T\n\n## Fix\n\n{paragraph}\n"))
    assert [(d.kind, d.branch_size) for d in drafts] == [
        ("decision", 2),
        ("manual", 0),
        ("escalate", 0),
    ]
    assert drafts[0].condition == "If the owner is unknown"


def test_commands_in_an_html_pre_are_steps_as_in_a_fenced_block() -> None:
    text = (
        "# Relay\n\n## Repair\n\n<div>\n<p>Bounce the relay:</p>\n"
        '<pre><code class="language-shell">$ oc rollout restart deploy/relay &amp;&amp; oc get po\n'
        "$ oc logs &lt;relay-pod&gt;\n</code></pre>\n</div>\n\n"
        "<pre>\noc delete pod relay-2\nNAME      READY\nrelay-2   1/1\n</pre>\n"
    )
    drafts = extract(parse(text), frozenset({"oc"}))
    assert [(d.text, d.span.line, d.span.column) for d in drafts] == [
        ("oc rollout restart deploy/relay && oc get po", 7, 37),
        ("oc logs <relay-pod>", 8, 3),
        ("oc delete pod relay-2", 13, 1),
    ]
    assert drafts[0].note == "Bounce the relay:"  # the paragraph before leads it in
    (shell,) = [b for b in readable_blocks(parse(text)) if b.kind == "code" and b.info]
    assert shell.info == "shell"


@pytest.mark.parametrize(
    ("lead_in", "command", "expected"),
    [
        # The commands only watch: the restart asked for is a step of its own.
        (
            "Try restarting the broker and wait for it to rejoin:",
            "oc get pods -n queue -w",
            ["Try restarting the broker", "oc get pods -n queue -w"],
        ),
        # The commands make the change: the lead-in is their note, as before.
        (
            "Try deleting the broker pod and wait for it to rejoin:",
            "oc delete pod broker-0 -n queue",
            ["oc delete pod broker-0 -n queue"],
        ),
        # A command that may make the change another way (deleting a pod restarts it).
        (
            "Restart the broker pods if they hang:",
            "oc delete pod broker-0 -n queue",
            ["oc delete pod broker-0 -n queue"],
        ),
        # A change verb with no object is a noun ("restart count").
        (
            "Read the broker's phase and restart count:",
            "oc get pods -n queue",
            ["oc get pods -n queue"],
        ),
    ],
)
def test_a_change_its_commands_do_not_make_is_a_step_beside_them(
    lead_in: str, command: str, expected: list[str]
) -> None:
    text = f"# Broker\n\n## Repair\n\n{lead_in}\n\n    {command}\n"
    drafts = extract(parse(text), frozenset({"oc"}))
    assert [d.text for d in drafts] == expected
    assert drafts[-1].note == lead_in


@pytest.mark.parametrize(
    ("last_sentence", "decision"),
    [
        # A condition ending the paragraph before commands governs them.
        ("If tracing is on, the next counter can be graphed.", "If tracing is on"),
        # What the commands will show is no decision.
        ("If the relay joined, you will see output like this.", None),
    ],
)
def test_a_condition_ending_the_paragraph_before_commands_is_their_decision(
    last_sentence: str, decision: str | None
) -> None:
    text = (
        "# Relay\n\n## Diagnose\n\nRead the relay dashboard. Is the queue growing or flat? "
        f"{last_sentence}\n\n```promql\nrelay_queue_depth\n```\n"
    )
    drafts = extract(parse(text))
    found = [(d.kind, d.condition if d.kind == "decision" else None, d.branch_size) for d in drafts]
    middle = [("decision", decision, 1)] if decision else []
    assert found == [("manual", None, 0), *middle, ("check", None, 0)]


@pytest.mark.parametrize(
    ("lead_in", "expected"),
    [
        ("More places to look at:", [("check", "More places to look at:")]),
        ("Things to know:", []),  # what to know is no check
    ],
)
def test_a_verbless_lead_in_to_what_to_check_is_a_check(
    lead_in: str, expected: list[tuple[str, str]]
) -> None:
    text = f"# Cache\n\n## Diagnose\n\n{lead_in}\n\n- a full disk on the host\n- an expired token\n"
    assert [(d.kind, d.text) for d in extract(parse(text))] == expected


def test_a_series_of_common_verbs_the_list_lacked_splits() -> None:
    paragraph = (
        "Your role as scribe is to join the bridge, gain access to the timeline, and track "
        "every decision made. You will be asked to craft the summary, gain sign-off from the "
        "lead, and then disseminate it to the company."
    )
    assert len(_texts(f"# Scribe\n\n## Duties\n\n{paragraph}\n")) == 6


@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        # A condition whose consequence names a fault governs the instruction after it.
        (
            "If the lag tops a minute, there may be a fault in the replica. Read its log.",
            [("decision", "If the lag tops a minute", 1), ("manual", None, 0)],
        ),
        # Any other statement as its consequence does not.
        (
            "If the lag tops a minute, the replica is behind. Read its log.",
            [("manual", None, 0)],
        ),
    ],
)
def test_a_condition_that_names_a_fault_governs_the_next_instruction(
    paragraph: str, expected: list[tuple[str, str | None, int]]
) -> None:
    drafts = extract(parse(f"# T\n\n## Fix\n\n{paragraph}\n"))
    found = [(d.kind, d.condition if d.kind == "decision" else None, d.branch_size) for d in drafts]
    assert found == expected


@pytest.mark.parametrize(
    ("lead_in", "expected"),
    [
        # The lead-in's last sentence is a condition over the commands.
        (
            "Ask the storage owner about the cause. If it began with the last upgrade, undo it:",
            [("manual", 3, 0), ("decision", None, 2), ("action", None, 0), ("action", None, 0)],
        ),
        # No condition: the log-in is a step of its own (a sentence that tells the reader
        # to do something), the last sentence the commands' lead-in.
        (
            "Log in to the hub. Check the node:",
            [("manual", 3, 0), ("action", 3, 0), ("action", None, 0)],
        ),
    ],
)
def test_a_condition_closing_a_lead_in_is_a_decision_over_its_commands(
    lead_in: str, expected: list[tuple[str, int | None, int]]
) -> None:
    text = (
        f"# Store\n\n## Fix\n\n1. Read the alert.\n2. Read the logs.\n3. {lead_in}\n\n"
        "   ```shell\n   $ oc rollout history deploy/store\n   $ oc rollout undo deploy/store\n"
        "   ```\n"
    )
    drafts = extract(parse(text), frozenset({"oc"}))[2:]
    assert [(d.kind, d.list_number, d.branch_size) for d in drafts] == expected


@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        # Still to come: the decision, and waiting is its branch.
        (
            "When a failover is running, the warning will usually clear within ten minutes.",
            [("decision", "When a failover is running", 1, 0), ("manual", None, 0, 0)],
        ),
        # Already happened: only the decision, nothing to wait for.
        (
            "If the queue is draining again, the problem might have gone away.",
            [("decision", "If the queue is draining again", 0, 0)],
        ),
        # "If it does not" after it is the other branch; the wait is not the page's.
        (
            "If the disk was just resized, it should recover on its own. "
            "If it does not, page the storage lead.",
            [
                ("decision", "If the disk was just resized", 1, 1),
                ("manual", None, 0, 0),
                ("escalate", None, 0, 0),
            ],
        ),
        # Not about the trouble clearing: no step.
        ("If the pool is full, the requests may have failed.", []),
    ],
)
def test_a_condition_under_which_the_trouble_clears_by_itself_is_a_decision(
    paragraph: str, expected: list[tuple[str, str | None, int, int]]
) -> None:
    drafts = extract(parse(f"# T\n\n## Mitigation\n\n{paragraph}\n"))
    found = [
        (d.kind, d.condition if d.kind == "decision" else None, d.branch_size, d.else_size)
        for d in drafts
    ]
    assert found == expected
    waits = [d.text for d in drafts if d.kind == "manual"]
    assert all(not w.lower().startswith(("if", "when")) for w in waits)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Inline HTML (a table cell, a <p>): <code> is a backtick, other tags are nothing.
        ("Do <code>/oncall swap</code> in the team room", True),
        ("Run <code>make flush</code> on the broker", True),
        ('<strong>Rotate the <a href="/keys">signing key</a>.</strong>', True),
        ('<span class="icon"></span>  Never share the token.', True),
        ("The <em>broker</em> keeps a queue per tenant.", False),
        # "For <whom or what>, <instruction>"; not a pointer, not "for example".
        ("For managed tenants, page the platform lead.", True),
        ("For S3-backed stores, check the free space of the bucket.", True),
        ("For more background, see [the design](https://example.com/design).", False),
        ("For further detail, please refer to the vendor guide.", False),
        ("For billing queries, the finance team is the owner.", False),
    ],
)
def test_inline_html_and_a_for_phrase_before_an_instruction(text: str, expected: bool) -> None:
    assert instructional(text) is expected


@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        ("Broker down? Switch traffic to the standby.", [("decision", 1), ("manual", 0)]),
        ("Is the replica behind? Pause the writers.", [("decision", 1), ("manual", 0)]),
        ("Need a second pair of eyes? Ask in the team channel.", [("decision", 1), ("manual", 0)]),
        # A question that is not yes/no, or not followed by an instruction, is no decision.
        ("Why does it lag? Pause the writers.", [("manual", 0)]),
        ("Is it a bad deploy? Hard to tell at first.", []),
    ],
)
def test_a_yes_no_question_before_an_instruction_is_its_decision(
    paragraph: str, expected: list[tuple[str, int]]
) -> None:
    drafts = extract(parse(f"# T\n\n## Fix\n\n{paragraph}\n"))
    assert [(d.kind, d.branch_size) for d in drafts] == expected
    if expected and expected[0][0] == "decision":
        assert drafts[0].condition == paragraph.split("?")[0] + "?"


def test_an_html_cell_with_a_question_and_a_chat_command_is_a_decision_and_a_step() -> None:
    text = (
        "# T\n\n## Contacts\n\n<table>\n  <tr>\n"
        '    <td colspan="2">Need a reviewer? Do <code>/review ask</code> in the team room</td>\n'
        "  </tr>\n</table>\n"
    )
    drafts = extract(parse(text))
    assert [(d.kind, d.span.line, d.branch_size) for d in drafts] == [
        ("decision", 7, 1),
        ("manual", 7, 0),
    ]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # The first verb has no object of its own: both act on the one after the second.
        ("Turn off and reboot the spare host.", ["Turn off and reboot the spare host."]),
        ("Pause or delete the stale cron job.", ["Pause or delete the stale cron job."]),
        # Each verb with its own object: two steps.
        (
            "Pause the cron job and delete the stale lock.",
            ["Pause the cron job", "delete the stale lock."],
        ),
    ],
)
def test_two_verbs_sharing_one_object_are_one_step(sentence: str, expected: list[str]) -> None:
    assert _texts(f"# T\n\n## Fix\n\n{sentence}\n") == expected


# Session 10: a prohibition's scope, complement clauses, where a condition ends --------------


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # "or", or "and" with no comma: the negation forbids every verb it joins.
        ("Do not restart the pod or delete the volume.", 1),
        ("Never cordon the host and reboot it during the day.", 1),
        ("You must never scale down the pool or remove its nodes.", 1),
        ("Don't drain it, cordon it, and reboot it.", 1),
        # ", and <verb>" after a prohibition is an instruction of its own.
        ("Do not edit the config file, and page the owner instead.", 2),
        # Without a negation the same shapes still split.
        ("Restart the pod or delete the volume.", 2),
        ("Cordon the host and reboot it during the day.", 2),
    ],
)
def test_a_prohibition_is_never_split_into_a_positive_instruction(
    sentence: str, expected: int
) -> None:
    texts = _texts(f"# T\n\n## Fix\n\n{sentence}\n")
    assert len(texts) == expected
    if expected == 1:
        assert texts == [sentence]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # The condition belongs to the clause after "that": no decision.
        (
            "Verify that the queue drains on its own when the consumers come back.",
            ["Verify that the queue drains on its own when the consumers come back."],
        ),
        (
            "Keep in mind that the lead also owns the rollback plan in case the fix fails.",
            ["Keep in mind that the lead also owns the rollback plan in case the fix fails."],
        ),
        # A condition in brackets governs the whole instruction; with no content clause, too.
        (
            "Tell the room that you are taking notes (if nobody has yet).",
            ["if nobody has yet", "Tell the room that you are taking notes"],
        ),
        (
            "Restart that worker if it stays unhealthy.",
            ["if it stays unhealthy", "Restart that worker"],
        ),
    ],
)
def test_a_condition_inside_a_content_clause_is_no_decision(
    sentence: str, expected: list[str]
) -> None:
    assert _texts(f"# T\n\n## Fix\n\n{sentence}\n") == expected


def test_a_numbered_list_of_statements_is_no_procedure() -> None:
    statements = (
        "# T\n\n## Why we stopped\n\n"
        "1. Most of the team on the bridge had nothing to do.\n"
        "1. Waking everyone at night has a cost.\n"
        "1. People who were off shift still got called.\n"
    )
    assert _texts(statements) == []
    # One item that tells the reader something: the list is a procedure, every item a step.
    procedure = statements.replace("Waking everyone at night has a cost.", "Page the lead.")
    assert len(_texts(procedure)) == 3
    # A single numbered item stays a step by its number.
    assert len(_texts("# T\n\n## Steps\n\n1. The disk usage is shown on the first panel.\n")) == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A purpose ("to" and any verb) before an imperative.
        ("To roll a release back to staging, run `make rollback-staging`.", True),
        ("To rotate the signing key, delete the old secret first.", True),
        ("In order to free the port, stop the old listener.", True),
        # Not a purpose before an instruction.
        ("To be fair, the old pipeline never needed it.", False),
        ("To date, nobody has rotated that key.", False),
        ("To rotate the key, the platform team runs a job.", False),
    ],
)
def test_a_purpose_before_an_instruction(text: str, expected: bool) -> None:
    assert instructional(text) is expected


@pytest.mark.parametrize(
    ("lead_in", "expected"),
    [
        # The words ask to run the block: its lines are commands, their programs unknown.
        ("Run the following commands:", ["yarn install", "yarn build"]),
        ("To rebuild the assets, execute:", ["yarn install", "yarn build"]),
        # Only introduced, not asked to run: unknown programs stay example text.
        ("The pipeline did this:", []),
        # Session 13: the first line of an untagged block is a command when shaped like a
        # program and its sub-command (nothing ran before it in the block to print it).
        ("Rebuild the assets.", ["yarn install"]),
    ],
)
def test_a_block_the_text_asks_to_run_holds_commands(lead_in: str, expected: list[str]) -> None:
    text = f"# T\n\n## Build\n\n{lead_in}\n\n```\nyarn install\nyarn build\n```\n"
    drafts = extract(parse(text))
    assert [d.command for d in drafts if d.command] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A contraction reads as the words it stands for.
        ("You'll need to rebuild the search index first.", True),
        ("We'll have to rotate the token after the incident.", True),
        ("You'll want to drain the queue before the upgrade.", True),
        ("You'll want to know who holds the pager.", False),
        # A command in inline code given as the way to do what is possible.
        ("You can see the rollout progress by running `kubectl rollout status deploy/web`.", True),
        ("You can use `gds aws staging-admin -- bash` to open a shell.", True),
        ("Stale locks can be cleared with `redis-cli del app:lock`.", True),
        # History, a single word in code, or no command: not an instruction.
        ("The lock was cleared by running `redis-cli del app:lock`.", False),
        ("You can find the `status` field in the response.", False),
        ("You can read more in the team wiki.", False),
    ],
)
def test_contractions_and_a_command_given_as_the_way(text: str, expected: bool) -> None:
    assert instructional(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Interface verbs, and a button or field named in quotes or bold.
        ("Click 'Save changes' and close the dialog.", True),
        ("Tap **Continue**.", True),
        ("Press Enter to confirm.", True),
        ("Type `yes` at the prompt.", True),
        ("Hit **Deploy**.", True),
        ("Untick 'Send notifications'.", True),
        # A name, not a verb, before a code span or a link; "type" as a noun.
        ("Sidekiq `retry` queue grows quickly.", False),
        ("Grafana [shows the panel](https://example.com) for each app.", False),
        ("Type of the record is CNAME.", False),
    ],
)
def test_interface_verbs_and_a_named_button(text: str, expected: bool) -> None:
    assert instructional(text) is expected


def test_a_list_item_that_is_only_a_host_name_in_code_is_no_command() -> None:
    text = (
        "# T\n\n## Fail over\n\nPoint these records at the standby:\n\n"
        "- `cdn.example.org`\n- `static.example.org`\n\n"
        "Then purge the caches:\n\n- `varnishadm ban req.url ~ .`\n- `purge-all`\n"
    )
    texts = _texts(text)
    assert not any("example.org" in t for t in texts)
    assert "`varnishadm ban req.url ~ .`" in texts and "`purge-all`" in texts


def test_a_console_transcript_is_one_step_per_statement() -> None:
    text = (
        "# T\n\n## Inspect\n\nFrom the rails console:\n\n```ruby\nResque.info\n\n"
        "# => {:pending=>12, :failed=>3}\n\nResque.queues.map { |q| [q, Resque.size(q)] }\n"
        '=> [["mailers", 12]]\n```\n\nA script stays one step:\n\n```ruby\n'
        "Resque.queues.each do |q|\n  puts q\nend\n```\n"
    )
    commands = [d.command for d in extract(parse(text)) if d.command]
    assert commands == [
        "Resque.info",
        "Resque.queues.map { |q| [q, Resque.size(q)] }",
        "Resque.queues.each do |q| puts q end",
    ]


def test_console_statements_behind_a_bare_prompt_are_one_step_each() -> None:
    text = (
        "# T\n\n## Fix\n\nThis can be applied by hand:\n\n```rb\n"
        '> team = Team.find_by!(slug: "ops")\n> team.update!(active: true)\n```\n\n'
        "```ruby\n# Only comments here\n# and nothing to run\n```\n"
    )
    commands = [d.command for d in extract(parse(text)) if d.command]
    assert commands == ['team = Team.find_by!(slug: "ops")', "team.update!(active: true)"]


def test_an_untagged_block_of_code_statements_holds_one_command_each() -> None:
    text = (
        "# T\n\n## Clean up\n\nYou may also want to clear both sets:\n\n```\n"
        'Resque::Failure.all(0, 50).each { |job| job.remove if job["queue"] == "mailers" }\n'
        "scheduler.clear_all!(force: true)\n```\n\nThe job printed:\n\n```\n"
        "Removed 12 jobs from mailers\ndone in 0.4s\n```\n"
    )
    commands = [d.command for d in extract(parse(text)) if d.command]
    assert len(commands) == 2
    assert commands[1] == "scheduler.clear_all!(force: true)"


def test_an_imperative_bold_label_titles_its_step_and_names_no_case() -> None:
    text = (
        "# T\n\n## Fix\n\n- **Grow the volume:** Raise the claim's size in the console.\n"
        "- **Prune old data:** Remove stale snapshots from the claim.\n\n"
        "## Cases\n\n- **Bad deploy:** Roll it back.\n- **Traffic spike:** Scale out the pool.\n"
    )
    drafts = extract(parse(text))
    assert [d.kind for d in drafts[:2]] == ["manual", "manual"]
    assert drafts[0].text.startswith("**Grow the volume:**")
    assert [d.kind for d in drafts[2:]] == ["decision", "manual", "decision", "manual"]


def test_cases_named_before_their_one_command_are_exclusive_branches() -> None:
    text = (
        "# T\n\n## Log in\n\n1. Assume the admin role:\n"
        "  - For prod: `cloudctl login --role prod-admin`\n"
        "  - For test: `cloudctl login --role test-admin`\n"
        "2. Open the console.\n"
    )
    drafts = extract(parse(text))
    assert [(d.kind, d.branch_size, d.else_size) for d in drafts[1:5]] == [
        ("decision", 1, 2),
        ("manual", 0, 0),
        ("decision", 1, 0),
        ("manual", 0, 0),
    ]
    assert drafts[1].condition == "For prod"
    # Not a case: a label before prose, or a lone word in code.
    other = "# T\n\n## Notes\n\n- For prod: the role is `admin`.\n- For test: `admin`\n"
    assert [d.kind for d in extract(parse(other))] == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A phrase setting where, with no comma, before the instruction.
        ("On the settings page choose `Revoke sessions`.", True),
        ("In the billing console under 'Limits' raise the quota to 50.", True),
        ("In order to keep the lock go to the [workspace](https://example.com) and lock it.", True),
        # A clause, not a phrase, before the verb: a statement.
        ("On the primary node the pod restarts every minute.", False),
        ("In most regions the team will restart the service nightly.", False),
        ("Under load it can take the service a while.", False),
    ],
)
def test_a_phrase_without_a_comma_before_an_instruction(text: str, expected: bool) -> None:
    assert instructional(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Bold words and a leading sign read as the words themselves.
        ("If the scan is skipped, you **must** re-run it before merging.", True),
        ("Do __not__ share the token in public channels.", True),
        ("\u26a0\ufe0f Never force-push to the release branch.", True),
        ("\U0001f449 Open the status dashboard.", True),
        # Still statements.
        ("The **main** branch is protected.", False),
        ("\u00a9 Crown copyright, the team.", False),
    ],
)
def test_bold_words_and_a_leading_sign_inside_an_instruction(text: str, expected: bool) -> None:
    assert instructional(text) is expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Owners should promptly review and close stale tickets.", 1),
        ("Find the old hooks and disable or delete them.", 2),
        ("Run the job to collect and archive the logs.", 1),
        # Each verb with its own object: still two.
        ("Owners should triage the tickets and close the stale ones.", 2),
        ("Find the review and ask its author.", 2),
    ],
)
def test_a_verb_with_no_object_after_a_modal_shares_the_next_ones(
    sentence: str, expected: int
) -> None:
    assert len(_texts(f"# T\n\n## Fix\n\n{sentence}\n")) == expected


def test_what_an_if_case_means_governs_the_next_instruction() -> None:
    paragraph = (
        "If the import shows a quota error, this means the project ran out of slots. "
        "Ask the platform team to raise the quota."
    )
    drafts = extract(parse(f"# T\n\n## Fix\n\n{paragraph}\n"))
    assert [(d.kind, d.branch_size) for d in drafts] == [("decision", 1), ("manual", 0)]
    # A "when" clause only explains: no decision.
    explained = paragraph.replace("If the import shows", "When the import shows")
    assert [d.kind for d in extract(parse(f"# T\n\n## Fix\n\n{explained}\n"))] == ["manual"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("If the numbers look wrong, you could ask the data team.", True),
        ("If the numbers look wrong, we might rerun the export.", True),
        ("If the filter is on, you might see fewer rows.", False),
        ("If the filter is on, you could find duplicates.", False),
    ],
)
def test_what_a_condition_suggests_with_could_or_might(text: str, expected: bool) -> None:
    assert instructional(text) is expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Bigger batches use more memory \u2014 check the pods stay under 2Gi.", 1),
        ("The cache warms slowly; wait ten minutes before the next deploy.", 1),
        ("Old tokens stop working at midnight - rotate them before then.", 1),
        # Nothing to do after the break: no step.
        ("Bigger batches use more memory \u2014 the pods may grow past 2Gi.", 0),
        ("The cache warms slowly; it takes ten minutes.", 0),
    ],
)
def test_an_instruction_after_a_dash_or_semicolon_in_a_statement(
    sentence: str, expected: int
) -> None:
    texts = _texts(f"# T\n\n## Fix\n\n{sentence}\n")
    assert len(texts) == expected
    if expected:
        assert not texts[0][0].isupper()  # the step is the instruction, not the statement


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Usual size: Search = 4 pods.", False),
        ("Limits: Check > 90% for ten minutes.", False),
        ("Search the logs for the request id.", True),
        ("Visit <https://status.example.com> for the current state.", True),
    ],
)
def test_a_verb_shaped_name_in_an_equation_is_no_imperative(text: str, expected: bool) -> None:
    assert instructional(text) is expected


@pytest.mark.parametrize(
    "sentence",
    [
        "Pin the release in the registry, for example when a hotfix must stay live over a freeze.",
        "Pin the release in the registry, e.g. if a hotfix must stay live over a freeze.",
        "Pin the release in the registry, for instance, when a freeze starts.",
    ],
)
def test_an_example_after_an_instruction_is_no_condition(sentence: str) -> None:
    drafts = extract(parse(f"# T\n\n## Fix\n\n{sentence}\n"))
    assert [d.kind for d in drafts] == ["manual"]
    assert drafts[0].text == sentence


def test_a_table_of_contents_announces_steps_its_sections_hold() -> None:
    text = (
        "# T\n\n## Overview\n\nTwo parts:\n\n1. Freeze the [release branch](https://x.org)\n"
        "2. Tag the build\n\n## 1. Freeze the release branch\n\n"
        "Lock the branch in the settings.\n\n## 2. Tag the build\n\nPush a signed tag.\n"
    )
    assert _texts(text) == ["Lock the branch in the settings.", "Push a signed tag."]
    document = parse(text)
    assert account(document, extract(document), frozenset()).unplaced == ()
    # Items that name no later heading are steps.
    other = text.replace("2. Tag the build\n\n## 1.", "2. Sign the build\n\n## 1.")
    assert _texts(other)[:2] == ["Freeze the [release branch](https://x.org)", "Sign the build"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # What the reader should then have, be or expect: an expectation.
        ("You should now have a shell on the node:", False),
        ("You should then be logged in to the console.", False),
        ("In this case, you should expect warnings like these:", False),
        ("You should not expect the job to finish quickly.", False),
        # An additive phrase before an instruction.
        ("As well as reading the log, note the exit code.", True),
        ("In addition to the alert, check the queue depth.", True),
        # Still instructions.
        ("You should have the on-call lead approve it.", True),
    ],
)
def test_expectations_and_additive_phrases(text: str, expected: bool) -> None:
    assert instructional(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # An instruction written as the text of a link it opens with.
        ("[Rerun the smoke tests](/ci.html#smoke) to confirm the release works.", True),
        ("**[Open the incident board](https://example.com/board)**", True),
        ("[The vendor guide](https://example.com) explains the flags.", False),
        # Advice put as what is worth doing.
        ("It's worth [reading the changelog][] before the upgrade.", True),
        ("It is always worth draining the node first.", True),
        ("It is worth noting that the job is slow.", False),
    ],
)
def test_a_link_that_opens_an_instruction_and_what_is_worth_doing(
    text: str, expected: bool
) -> None:
    assert instructional(text) is expected


def test_a_condition_with_its_own_consequence_is_an_aside() -> None:
    sentence = (
        "Watch the vendor's status feed - if the region fails there will be a flood of reports."
    )
    assert _texts(f"# T\n\n## Fix\n\n{sentence}\n") == [sentence]
    guarded = "Watch the vendor's status feed if the region fails."
    assert _texts(f"# T\n\n## Fix\n\n{guarded}\n") == [
        "if the region fails",
        "Watch the vendor's status feed",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A verb-shaped word that starts the subject, then the sentence's verb.
        ("Search Gateway has its own cache of results.", False),
        ("Email digests are being moved to the new service.", False),
        ("Clear runbooks were more useful than short ones.", False),
        # Imperatives with a name or a plural object.
        ("Restart Kafka brokers one at a time.", True),
        ("Check Gateway status is green before the switch.", True),
    ],
)
def test_a_verb_shaped_word_starting_the_subject_is_no_imperative(
    text: str, expected: bool
) -> None:
    assert instructional(text) is expected


def test_an_instruction_whose_first_words_wrap_is_placed_where_it_starts() -> None:
    text = (
        "# T\n\n## Fix\n\nThe collector pod runs under an account\n"
        "that needs access to the metrics namespace. Check this\nrole binding is present.\n"
    )
    document = parse(text)
    drafts = extract(document)
    assert [d.text for d in drafts] == ["Check this role binding is present."]
    assert account(document, drafts, frozenset()).unplaced == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("If the node is stuck: drain it.", True),
        # "either" before the verbs.
        ("To hide the notice, either delete or set to `false` the `show_notice` flag.", True),
        ("Either way, the flag is read at boot.", False),
    ],
)
def test_either_before_an_instruction(text: str, expected: bool) -> None:
    assert instructional(text) is expected


def test_a_table_row_of_a_name_and_its_address_is_reference_data() -> None:
    text = (
        "# T\n\n## Links\n\n| App | Docs |\n|---|---|\n"
        "| Email Digest API | https://docs.example.org/digest |\n"
        "| Restart the digest worker | after each deploy |\n"
    )
    document = parse(text)
    drafts = extract(document)
    unplaced = account(document, drafts, frozenset()).unplaced
    # Since session 15 the instructing row is a step (it was reported), the reference row none.
    assert [issue.span.line for issue in unplaced] == []
    assert [d.span.line for d in drafts] == [8]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # A verb-shaped word after "and" with "as" or a copula after it is a noun.
        ("Use chat alerts and email as your fallback channel.", 1),
        ("Keep the runbook and page is fine for now.", 1),
        # A verb with its object after "and" starts another instruction.
        ("Use chat alerts and email the owner.", 2),
    ],
)
def test_a_noun_after_and_is_no_second_instruction(sentence: str, expected: int) -> None:
    assert len(_texts(f"# T\n\n## Fix\n\n{sentence}\n")) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A list item in lower case opening with a verb the list lacks, its object after it.
        ("- reuse the token only inside the sandbox", True),
        ("- tidy the old branches once the release ships", True),
        # A lower-case noun phrase or an admonition marker is no verb.
        ("- the staging cluster and its database", False),
        ('??? note "Why is the cache cold after a deploy?"', False),
        # "Or," opening an alternative instruction.
        ("- Or, build the image locally before pushing:", True),
        ("Or, the queue drains by itself after an hour.", False),
    ],
)
def test_lower_case_items_and_alternatives_are_instructions(text: str, expected: bool) -> None:
    from compiler.text.instructions import is_instruction

    assert is_instruction(text) is expected


def test_an_alternative_asks_to_run_the_block_after_it() -> None:
    text = (
        "# T\n\n## Before pushing\n\nYou can either:\n\n- Add a CI workflow\n"
        "- Or, run these checks by hand:\n\n```\nnpm run lint # the linter\n"
        "npm test # every test\n```\n"
    )
    assert [t for t in _texts(text) if t.startswith("npm")] == [
        "npm run lint # the linter",
        "npm test # every test",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A purpose with no comma before its instruction.
        ("To filter by owner use `owner:` in the query.", True),
        ("To reach the admin page open [the console](https://example.org) first.", True),
        # The purpose's own verb is not the instruction; a noun after a determiner is no verb.
        ("To rebuild the index is rarely needed.", False),
        ("To refresh the cache the worker is restarted nightly.", False),
        ("To rename the email address of a user when their account changes", False),
    ],
)
def test_a_purpose_with_no_comma_before_its_instruction(text: str, expected: bool) -> None:
    assert instructional(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A short phrase setting when, between a condition and what it allows.
        ("If nobody on the rota answers, at night you can page the duty lead.", True),
        ("When the queue backs up, during a release we can pause the consumers.", True),
        # What is then possible to know is not an instruction.
        ("If the job fails, in practice we can be sure the cache was cold.", False),
    ],
)
def test_a_setting_between_a_condition_and_what_it_allows(text: str, expected: bool) -> None:
    assert instructional(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A condition with no comma before what it allows; "speak to" a person.
        ("If the backlog keeps growing you can add a second consumer.", True),
        ("Once the window closes we could then reopen the ticket.", True),
        ("You could also speak to the owners of the queue.", True),
        # "you can" inside the condition, or after "and", is part of the condition.
        ("If you can open the dashboard the outage is over.", False),
        ("If the node reboots and you can reach it the disk was fine.", False),
        ("When you can log in the migration has finished.", False),
    ],
)
def test_a_condition_with_no_comma_before_what_it_allows(text: str, expected: bool) -> None:
    assert instructional(text) is expected


def test_quoted_examples_after_a_lead_in_are_no_steps() -> None:
    text = (
        "# T\n\n## Naming\n\nName a page after its task.\n\nGood examples:\n\n"
        "> Restart a worker\n>\n> Queue backlog: drain the dead letters\n\n"
        "Never quote a command as advice.\n\n> Restart the worker before the deploy.\n"
    )
    document = parse(text)
    drafts = extract(document)
    assert [d.text for d in drafts] == [
        "Name a page after its task.",
        "Never quote a command as advice.",
        "Restart the worker before the deploy.",
    ]
    assert account(document, drafts, frozenset()).unplaced == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Unless the cause is clear, it's better to roll back the release.", True),
        ("It is better to ask the owning team first.", True),
        ("It's better to be safe than sorry.", False),
        ("It is better for the queue when batches are small.", False),
    ],
)
def test_advice_put_as_what_is_better(text: str, expected: bool) -> None:
    assert instructional(text) is expected


def test_an_introducing_phrase_on_its_own_line_is_the_note_of_the_step_after_it() -> None:
    text = (
        "# T\n\n## Fix\n\n1. Note the job ID. In the scheduler console,\n"
        "   open [Jobs](https://example.org/jobs) and cancel it.\n"
        "2. On the worker host, restart the agent.\n"
    )
    placed = [(d.span.line, d.text, d.note) for d in extract(parse(text))]
    assert placed == [
        (5, "Note the job ID.", None),
        (6, "open [Jobs](https://example.org/jobs)", "In the scheduler console"),
        (6, "cancel it.", None),
        # On one line the phrase stays in the step's words.
        (7, "On the worker host, restart the agent.", None),
    ]


def test_a_series_ending_in_then_use_is_one_step_each() -> None:
    text = "# T\n\n## Steps\n\n1. Open the billing page, pick your account, then use the filter.\n"
    assert _texts(text) == ["Open the billing page", "pick your account", "use the filter."]
    # "then use" with no series before it keeps its object as the tool of the first verb
    assert _texts("# T\n\n## Steps\n\nCopy the file then use it as a template.\n") == [
        "Copy the file then use it as a template."
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A purpose, then what the reader can do for it; an adverb before "need to".
        ("To rotate the token, you can run the `rotate` task.", True),
        ("For workers, you will usually need to restart the pool.", True),
        # Not a purpose ("To be fair"), nor an instruction without one.
        ("To be fair, you can see the old logs there.", False),
        ("On staging, you can find the old logs.", False),
    ],
)
def test_a_purpose_then_what_the_reader_can_do(text: str, expected: bool) -> None:
    assert instructional(text) is expected


def test_an_opening_phrase_holding_and_is_never_split() -> None:
    text = "# T\n\n## Fix\n\nTo stop the errors and clear the alert, disable the exporter.\n"
    assert _texts(text) == ["To stop the errors and clear the alert, disable the exporter."]
    two = "# T\n\n## Fix\n\nAfter the restart, drain the queue and delete the lock.\n"
    assert _texts(two) == ["After the restart, drain the queue", "delete the lock."]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A verb the list lacks with its particle, then its object.
        ("Carry out regular checks of the replica lag.", True),
        ("Roll out changes one environment at a time.", True),
        # A past form, a gerund or a particle before a preposition is no instruction.
        ("Turned out the cache was cold.", False),
        ("Rolling out changes takes a day.", False),
        ("Worn down to the metal by now.", False),
    ],
)
def test_a_verb_with_its_particle_opens_an_instruction(text: str, expected: bool) -> None:
    assert instructional(text) is expected


def test_the_following_named_steps_only_lead_in() -> None:
    text = (
        "# T\n\n## Debug\n\nIf the page is still cached, you can try the following debugging"
        " steps:\n\n1. Purge the page.\n"
    )
    drafts = extract(parse(text))
    assert [d.kind for d in drafts] == ["decision", "manual"]
    assert drafts[1].text == "Purge the page."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "For <anything>, see [a link]": a pointer, whatever the phrase.
        ("For a short history of the queue, see [the design notes](https://example.org).", False),
        ("For the alert's background, read <https://example.org/alert>.", False),
        # An instruction after the phrase, or after the link, is still one.
        ("For each failing pod, review the logs.", True),
        ("For the full procedure, follow [the guide](https://example.org) and restart it.", True),
    ],
)
def test_a_phrase_then_a_link_to_read_is_a_pointer(text: str, expected: bool) -> None:
    assert instructional(text) is expected


def test_see_a_section_of_the_same_page_is_a_pointer() -> None:
    text = (
        "# Cache\n\n## Slow flush\n\nThis alert fires when a flush runs for over an hour.\n\n"
        "See [Flushes that hang](#flushes-that-hang)\n\n"
        "## Stuck purge\n\nRefer to the [purge notes](#purge-notes) for why it happens.\n\n"
        "## Flushes that hang\n\n1. Restart the flusher.\n"
    )
    assert _texts(text) == ["Restart the flusher."]
    document = parse(text)
    assert account(document, extract(document), frozenset()).unplaced == ()


@pytest.mark.parametrize(
    "paragraph",
    [
        # A contents entry naming an action, "Follow" a section, a numbered step's anchor:
        # each stays a step.
        "1. [Rotate the signing key](#rotate-the-signing-key)",
        "1. Follow the [steps to drain the queue](#draining-the-queue)",
        "See [Step 4](#step-4-restart-the-flusher).",
    ],
)
def test_a_link_into_the_page_that_is_no_see_pointer_stays_a_step(paragraph: str) -> None:
    assert len(_texts(f"# Cache\n\n## Fix\n\n{paragraph}\n")) == 1


@pytest.mark.parametrize(
    ("heading", "expected"),
    [
        ("## Rotate the signing keys", ["Rotate the signing keys"]),
        ("### 3. Purge the stale feeds from the cache", ["Purge the stale feeds from the cache"]),
        # Topics, not instructions: one or two words, two nouns joined.
        ("## Pull requests", []),
        ("## Backup and restore", []),
        ("## Release and rollout automation", []),
        ("## Dealing with expired keys", []),
    ],
)
def test_an_instruction_heading_over_only_a_pointer_is_the_step(
    heading: str, expected: list[str]
) -> None:
    text = f"# Keys\n\n{heading}\n\nSee [the key guide](https://example.org/keys).\n"
    assert _texts(text) == expected
    document = parse(text)
    assert account(document, extract(document), frozenset()).unplaced == ()


def test_an_instruction_heading_over_its_own_steps_is_no_step() -> None:
    text = (
        "# Keys\n\n## Rotate the signing keys\n\nRun `oc rollout restart deploy/signer`.\n\n"
        "See [the key guide](https://example.org/keys).\n"
    )
    assert _texts(text) == ["Run `oc rollout restart deploy/signer`."]


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        # A verb-shaped term defined by what it is for: a definition.
        ("- **Page:** Used for outages that need an answer at night.", []),
        ("- Deploy: Scheduled for Mondays after the freeze.", []),
        # The same term over an instruction stays a step.
        (
            "- **Page:** Send a page to the on-call engineer.",
            ["Send a page to the on-call engineer."],
        ),
        ("- **Restart:** Restart the worker pods.", ["Restart the worker pods."]),
    ],
)
def test_a_term_defined_by_a_participle_is_no_instruction(item: str, expected: list[str]) -> None:
    text = f"# Levels\n\n## Steps\n\n{item}\n"
    assert [t.split("** ")[-1] for t in _texts(text)] == expected
    document = parse(text)
    assert account(document, extract(document), frozenset()).unplaced == ()
