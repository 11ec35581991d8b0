"""Session 9 (issue 16): flag classes read from a random sample of diagnostics on unseen
runbooks (not from tuned misses), named in LABELLING.md's words. Each is written here in other
words than the page it came from, with a look-alike that must stay flagged (or unflagged)."""

from __future__ import annotations

import pytest

from .test_precision import Compile, flags


@pytest.mark.parametrize(
    ("body", "code", "expected"),
    [
        # what a thing should do is an expectation, not an instruction
        (
            "# Sync\n\nOnce the backlog is small, the indexer should switch to incremental mode.\n",
            "RB102",
            0,
        ),
        (
            "# Cron\n\nThe nightly job should pick up the new key and reload the usual config.\n",
            "RB104",
            0,
        ),
        # a duty, the reader's or a person's, still instructs
        (
            "# Sync\n\nOnce the backlog is small, you should switch the indexer to incremental.\n",
            "RB102",
            1,
        ),
        (
            "# Review\n\nOnce the backlog is small, the author must switch the indexer over.\n",
            "RB102",
            1,
        ),
        # so does the passive ("should be restarted")
        (
            "# Sync\n\nOnce the backlog is small, the indexer should be restarted.\n",
            "RB102",
            1,
        ),
    ],
)
def test_what_a_thing_should_do_is_no_instruction(
    compile_text: Compile, body: str, code: str, expected: int
) -> None:
    """ "the geo postgres should switch to streaming replication" says what the system will do:
    a condition or reference in it asks nothing of the reader."""
    assert len(flags(compile_text, body, code)) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # "your" only in the condition; the main clause is a conclusion
        ("# Check\n\nIf the page looks fine from your laptop, the fault is in the CDN.\n", 0),
        # the reader as the condition's subject: their own case
        ("# Check\n\nIf you see a lot of timeouts from the API, it is time for a failover.\n", 1),
        # an instruction in the main clause
        ("# Check\n\nIf the page looks fine from your laptop, purge the CDN cache.\n", 1),
    ],
)
def test_an_address_in_the_condition_alone_asks_nothing(
    compile_text: Compile, body: str, expected: int
) -> None:
    """ "If it is ok from your side, then it can be only network failure": "your" sits in the
    condition; the sentence concludes, it does not instruct."""
    assert len(flags(compile_text, body, "RB102")) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # a hedged look, whatever the hedge
        ("# Queue\n\nIt might be worth scanning the broker logs for rejected frames.\n", 0),
        ("# Queue\n\nYou may want to [inspect the consumer lag](lag.md) first.\n", 0),
        ("# Queue\n\nYou might want to drill down into the slowest consumers.\n", 0),
        ("# Queue\n\n1. Roll out the change\n    * Watch the consumers as necessary\n", 0),
        ("# Queue\n\nThen you should observe the graphs as needed.\n", 0),
        # a hedged change is still the reader's decision
        ("# Queue\n\nIt might be worth restarting the broker.\n", 1),
        ("# Queue\n\nYou may want to [purge the dead letters](purge.md) first.\n", 1),
        ("# Queue\n\n1. Roll out the change\n    * Restart the consumers as necessary\n", 1),
    ],
)
def test_a_hedged_look_is_no_flag(compile_text: Compile, body: str, expected: int) -> None:
    """LABELLING: a hedged look ("you may want to check the logs") is not a flag; the same
    hedge over a change is."""
    assert len(flags(compile_text, body, "RB101")) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # the page resolves the reference where it points
        ("# Rules\n\nTag the change as discussed above before you apply it.\n", 0),
        ("# Restore\n\nIf you could not use the special procedure below, restore the dump.\n", 0),
        # a habit, or a reference that points nowhere, is still lore
        ("# Rules\n\nTag the change as discussed before you apply it.\n", 1),
        ("# Restore\n\nIf you could not use the special procedure, restore the dump.\n", 1),
    ],
)
def test_a_reference_resolved_where_it_points(
    compile_text: Compile, body: str, expected: int
) -> None:
    """RB104: "as discussed above" and "the special procedure above" point at the page itself."""
    assert len(flags(compile_text, body, "RB104")) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # the value a change replaced can be read back
        ("# Keys\n\nIf the token was rotated by mistake, put back the old value.\n", 0),
        ("# Keys\n\nIf the deploy broke logins, restore the old proxy settings.\n", 0),
        # an old way of working is lore
        ("# Keys\n\nIf the deploy broke logins, use the old script.\n", 1),
    ],
)
def test_the_value_before_a_change_is_no_lore(
    compile_text: Compile, body: str, expected: int
) -> None:
    """RB104: "you may need to retrieve the old value" names the state before the change."""
    assert len(flags(compile_text, body, "RB104")) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # a notice between the instruction and its command
        (
            "# Fix\n\n1. Purge the stale workers on the hosts:\n\n"
            "    > **Notice:** this also purges workers started a moment ago.\n\n"
            "    ```bash\n    $ sudo su\n    # /opt/cleanup.sh --stale\n    ```\n",
            0,
        ),
        # a notice and no command after it
        (
            "# Fix\n\n1. Purge the stale workers:\n\n"
            "    > **Notice:** this also purges workers started a moment ago.\n\n"
            "1. Tell the team.\n",
            1,
        ),
    ],
)
def test_a_notice_between_an_instruction_and_its_command(
    compile_text: Compile, body: str, expected: int
) -> None:
    """RB108: the command after "> **Notice:** ..." is still the one the instruction runs."""
    assert len(flags(compile_text, body, "RB108")) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # the program is the verb: ssh names the tool
        ("# Logs\n\n1. ssh into the relay host and read `/var/log/relay.log`.\n", 0),
        ("# Logs\n\n1. SSH to one of the relay nodes.\n", 0),
        # logging in names no tool
        ("# Logs\n\n1. Log in to the relay host.\n", 1),
    ],
)
def test_ssh_names_its_tool(compile_text: Compile, body: str, expected: int) -> None:
    """RB108: "ssh into the chef server" says how (`ssh HOST`); "log in to the bastion" does
    not (LABELLING)."""
    assert len(flags(compile_text, body, "RB108")) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # what the command will do, "your" or not
        ("# Setup\n\n`make user` will create your login if needed and rotate the key.\n", 0),
        # the reader is asked something in the same sentence
        ("# Setup\n\n`make user` will fail, so you must rotate the key if needed.\n", 1),
        ("# Setup\n\nRun `make user`, and rotate your key if needed.\n", 1),
    ],
)
def test_what_a_command_will_do_is_no_instruction(
    compile_text: Compile, body: str, expected: int
) -> None:
    """ "This will create your user account if necessary and reset the password": what the
    command does, not a decision or a change left to the reader."""
    assert len(flags(compile_text, body, "RB101")) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # a naming pattern in a description: nothing to fill in
        ("# Store\n\nNightly dumps are written to `s3://dumps/<cluster>-<date>.tar`.\n", 0),
        ("# Store\n\nThe worker logs a line like `queue drained: <count>` when it is done.\n", 0),
        # the same pattern, later in a command: flagged once, on its first line
        (
            "# Store\n\nNightly dumps are written to `s3://dumps/<cluster>.tar`.\n\n"
            "1. Fetch one with `aws s3 cp s3://dumps/<cluster>.tar .`\n",
            1,
        ),
        # a command a label or a verb of use introduces is run, whatever the sentence
        ("# Store\n\n1. On the relay: `psql -h <relay-host> -d dumps`\n", 1),
        ("# Store\n\n1. Health of the relay (usually with `service <unit> status`)\n", 1),
    ],
)
def test_a_placeholder_only_described_is_no_value_to_fill(
    compile_text: Compile, body: str, expected: int
) -> None:
    """RB107: "These backups are placed in `...backup.<unix timestamp>.xbstream`" names how
    files are called; the reader invents nothing. A placeholder also used in an instruction is
    flagged once, on its first line (LABELLING)."""
    found = flags(compile_text, body, "RB107")
    assert len(found) == expected
    if expected:
        assert found[0][0] == 3  # its first line


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # a placeholder that says its default says what goes there
        ("# Drop\n\n```\nrelay purge --queue <queue-defaults-to-inbox>\n```\n", 0),
        ("# Drop\n\n```\nrelay purge --queue <queue, default: inbox>\n```\n", 0),
        # one that does not
        ("# Drop\n\n```\nrelay purge --queue <queue-name>\n```\n", 1),
        ("# Drop\n\n```\nrelay purge --queue <defaultqueue>\n```\n", 1),
    ],
)
def test_a_placeholder_with_its_default(compile_text: Compile, body: str, expected: int) -> None:
    """RB107: `<branch-name-defaults-to-main>` says how to fill it (LABELLING)."""
    assert len(flags(compile_text, body, "RB107")) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # the case the next sentence refers back to is judged with no measure
        (
            "# Drain\n\nThe drain sometimes gets stuck on the ingress pods. If that happens,\n"
            "evicting them by hand usually helps:\n\n```\nkubectl delete pod -l app=ingress\n```\n",
            1,
        ),
        ("# Drain\n\nAt times the queue is backed up. If so, add two consumers with `scale`.\n", 1),
        # a case with its measure
        (
            "# Drain\n\nThe drain can take over 20 minutes. If that happens, delete the pods with"
            " `kubectl delete pod -l app=ingress`.\n",
            0,
        ),
    ],
)
def test_a_judged_case_referred_back_to(compile_text: Compile, body: str, expected: int) -> None:
    """RB102: "The destroy process often gets stuck ... If that happens, running this ... usually
    works:" decides on "gets stuck", which nothing measures."""
    assert len(flags(compile_text, body, "RB102")) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # who someone else contacts, or what a system is sent, asks the reader nothing
        ("# Quota\n\nThere is a cap on how many calls we can send to the Billing API.\n", 0),
        ("# Quota\n\nThe alert tells a storage admin that the pool is nearly full.\n", 0),
        ("# Quota\n\nThe exporter failed to send metrics to the vendor team.\n", 0),
        # a contact the reader is told to make, task box or not
        ("# Quota\n\n1. Ask the storage admins to raise the cap.\n", 1),
        ("# Quota\n\n- [ ] Work with the billing team to raise the cap.\n", 1),
    ],
)
def test_a_contact_nobody_asks_the_reader_to_make(
    compile_text: Compile, body: str, expected: int
) -> None:
    """RB103: "failed to send metrics to Red Hat", "This alert is a warning to let a system
    admin know" describe; "- [ ] Work with the delivery team" instructs (a task list item)."""
    assert len(flags(compile_text, body, "RB103")) == expected


@pytest.mark.parametrize(
    ("body", "code", "expected"),
    [
        ("# Rotate\n\n1. [ ] Stop the relay if necessary\n", "RB101", 1),
        ("# Rotate\n\n* [x] Wait for the replicas to catch up.\n", "RB106", 1),
        ("# Rotate\n\n* [ ] The relay stops if necessary\n", "RB101", 0),
    ],
)
def test_a_task_list_item_is_read_without_its_box(
    compile_text: Compile, body: str, code: str, expected: int
) -> None:
    """ "1. [ ] Stop Chef if necessary" is an instruction; the box is not a word of it."""
    assert len(flags(compile_text, body, code)) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # an illustration, comma or not, decides nothing
        (
            "# Edge\n\nFor example, if edge errors are elevated, the fault must be in the CDN.\n",
            0,
        ),
        (
            "# Edge\n\nFor instance if edge errors are elevated, the fault must be in the CDN.\n",
            0,
        ),
        # a condition the reader acts on
        ("# Edge\n\nIf there are elevated edge errors, purge the CDN cache with `purge`.\n", 1),
    ],
)
def test_an_illustration_decides_nothing(compile_text: Compile, body: str, expected: int) -> None:
    """RB102: "For example, if there are elevated CloudFlare errors ... the problem must be
    inside CloudFlare" illustrates a symptom."""
    assert len(flags(compile_text, body, "RB102")) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # a program named as the means names the tool
        ("# Scale\n\n1. Roll out the new relay chart via helm.\n", 0),
        ("# Scale\n\n1. Apply the terraform for the relay pool.\n", 0),
        ("# Scale\n\n1. Recreate the bucket using terraform.\n", 0),
        # a means that is no program
        ("# Scale\n\n1. Recreate the bucket using the console.\n", 1),
        ("# Scale\n\n1. Recreate the bucket with care.\n", 1),
    ],
)
def test_a_program_named_as_the_means(compile_text: Compile, body: str, expected: int) -> None:
    """RB108: "Deploy ... via helm", "recreate it using terraform", "Apply the terraform" name the
    tool (its own command); "using the console" does not say how."""
    assert len(flags(compile_text, body, "RB108")) == expected


@pytest.mark.parametrize(
    ("body", "code", "expected"),
    [
        # "excessive X" is a judgement with no measure: RB102's, not RB101's
        ("# Disk\n\nIf you see excessive churn in the WAL, shrink the retention.\n", "RB102", 1),
        ("# Disk\n\nIf you see excessive churn in the WAL, shrink the retention.\n", "RB101", 0),
        # with its measure
        (
            "# Disk\n\nIf you see excessive churn (over 5 GB an hour), shrink the retention.\n",
            "RB102",
            0,
        ),
    ],
)
def test_excessive_is_unmeasurable(
    compile_text: Compile, body: str, code: str, expected: int
) -> None:
    """ "If we see excessive growth in Disk usage": how much is excessive? (LABELLING's
    unmeasurable-condition)."""
    assert len(flags(compile_text, body, code)) == expected


@pytest.mark.parametrize(
    ("body", "code", "expected"),
    [
        # the reader as the object of what something does: a description
        ("# Resize\n\nThis page will guide you through the necessary steps.\n", "RB104", 0),
        ("# Resize\n\nThe dashboard helps you watch the host until it settles.\n", "RB106", 0),
        # the reader told to do it
        ("# Resize\n\nTake the necessary steps before you resize the volume.\n", "RB104", 1),
        ("# Resize\n\nUse the dashboard and watch the host until it settles.\n", "RB106", 1),
    ],
)
def test_the_reader_as_an_object_is_not_told(
    compile_text: Compile, body: str, code: str, expected: int
) -> None:
    """ "This runbook will guide you through the necessary steps", "This will help you monitor
    the host": what the page or a tool does for the reader."""
    assert len(flags(compile_text, body, code)) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # what the reader sees, finds or knows is an observation
        ("# Logs\n\n1. If you see no entries, read the rotated logs with `zcat`.\n", 0),
        ("# Logs\n\n1. If you don't find the job, restart the scheduler with `restart`.\n", 0),
        ("# Logs\n\n1. Once you identify the failing shard, drain it with `drain`.\n", 0),
        # an opinion or the reader's certainty is not
        ("# Logs\n\n1. If you think the job is lost, restart the scheduler with `restart`.\n", 1),
        ("# Logs\n\n1. If you feel the shard is lost, drain it with `drain`.\n", 1),
    ],
)
def test_what_the_reader_observes_decides(compile_text: Compile, body: str, expected: int) -> None:
    """ "If you see no entries, you may have to scan the older logs", "If you don't see it, try
    to debug logs": the look before decides them; not a decision left to opinion (RB101)."""
    assert len(flags(compile_text, body, "RB101")) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # a change named as the case to avoid ("unless you deliberately want to ...")
        (
            "# Pool\n\nUnless you deliberately want to increase the pool, keep `size` in the"
            " [recipe](r.md) as it is.\n",
            0,
        ),
        # the change asked for
        ("# Pool\n\nThen increase the pool size.\n", 1),
    ],
)
def test_a_change_named_as_the_case_to_avoid(
    compile_text: Compile, body: str, expected: int
) -> None:
    """RB108: "Unless you intentionally want to increase the amount of underlying connections"
    names the case, not an instruction."""
    assert len(flags(compile_text, body, "RB108")) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # what a graph or a query shows the reader: a look
        ("# Latency\n\nOpen the [graph](g.md), then change the Y-axis grouping to route.\n", 0),
        ("# Latency\n\n1. If it is empty, try widening the time range to a week.\n", 0),
        ("# Latency\n\n1. Remove the first (top) query from the panel.\n", 0),
        # a change to a system
        ("# Latency\n\n1. Remove the stale routes from the load balancer.\n", 1),
        ("# Latency\n\n1. Change the retention of the metrics store to a week.\n", 1),
    ],
)
def test_a_change_to_a_view_is_a_look(compile_text: Compile, body: str, expected: int) -> None:
    """RB108: "change the X-axis grouping to method", "try expanding the time range" change what
    the reader sees, not a system."""
    assert len(flags(compile_text, body, "RB108")) == expected
