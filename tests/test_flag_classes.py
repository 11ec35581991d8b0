"""Session 8 (issue 16): flag classes named in LABELLING.md's words, each read from a miss of a
tuned eval group and written here in other words, with a look-alike that must stay unflagged
(or a true positive that must stay flagged)."""

from __future__ import annotations

import pytest

from .test_precision import Compile, flags


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # the digits of a name measure nothing
        ("# Check\n\nConfirm:\n\n- the p99 checkout latency remains healthy\n", 1),
        ("# Check\n\nConfirm:\n\n- the ec2 fleet stays healthy\n", 1),
        ("# Check\n\n1. If p95 latency is high, scale the api to 6 replicas.\n", 1),
        # a number of its own does
        ("# Check\n\nConfirm:\n\n- the p99 checkout latency remains under 300 ms\n", 0),
        ("# Check\n\n1. If latency is high (above 2 s), scale the api to 6 replicas.\n", 0),
    ],
)
def test_a_name_with_digits_is_no_measure(compile_text: Compile, body: str, expected: int) -> None:
    """RB102 "a state with no field": "p(95) response time remains healthy" names a metric but
    no threshold; "p99", "ec2", "v1.2" are names, not numbers."""
    assert len(flags(compile_text, body, "RB102")) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # a metric or command named as the subject of a judgement is no value
        (
            "# Plan\n\n1. If the `pg_database_size_bytes` shows that the database is getting\n"
            "large, add a replica with `terraform apply`.\n",
            1,
        ),
        ("# Plan\n\n1. If `redis-cli info` looks unhealthy, fail over with `failover`.\n", 1),
        # a literal that is the value still decides
        ("# Plan\n\n1. If `Pending`, describe the pod with `kubectl describe pod`.\n", 0),
        ("# Plan\n\n1. If the `phase` is `Failed`, delete the job with `kubectl delete`.\n", 0),
    ],
)
def test_a_named_metric_is_no_value(compile_text: Compile, body: str, expected: int) -> None:
    """RB102: "if the `etcd_mvcc_db_total_size_in_bytes` shows that you are growing close to
    the quota" opens on a literal, but the literal is the subject of the judgement."""
    assert len(flags(compile_text, body, "RB102")) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # what a look-for looks for, judged with no measure
        (
            "# Pods\n\nLook for workers in `Error`, `Evicted` (reason 42), or with an elevated\n"
            "memory footprint. Restart them with `kubectl rollout restart`.\n",
            1,
        ),
        ("# Pods\n\nCheck for excessive disk writes on the broker nodes.\n", 1),
        # a measure in the same alternative decides it
        ("# Pods\n\nLook for workers with an elevated memory footprint (over 2 GiB).\n", 0),
        ("# Pods\n\nLook for workers in `Error` or `Evicted` (reason 42).\n", 0),
    ],
)
def test_what_a_look_looks_for(compile_text: Compile, body: str, expected: int) -> None:
    """RB102: "Look for pods in `CrashLoopBackOff`, `OOMKilled` (Exit Code 137), or showing a
    high restart count": the judged alternative has no threshold, whatever the others have."""
    assert len(flags(compile_text, body, "RB102")) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("# Deploy\n\n1. Skip the canary if the diff is a tiny change to copy text.\n", 1),
        ("# Deploy\n\n1. Page the DBA if the backlog is a large number of jobs.\n", 1),
        # an amount in passing is no judgement of what something is
        ("# Deploy\n\n1. If you see a large number of 502s, page the DBA.\n", 0),
        ("# Deploy\n\n1. Skip the canary if the diff only changes copy text.\n", 0),
        ("# Deploy\n\n1. Skip the canary if it is a minor version bump (x.Y.z).\n", 0),
    ],
)
def test_an_amount_judged_by_its_size(compile_text: Compile, body: str, expected: int) -> None:
    """RB102: "unless the change is a rebase on top of a small piece of work": what something
    is, judged by its size, with nothing to measure it by (an amount in passing, "if you see a
    large number of requests", read on unlabelled pages, is mostly no decision)."""
    assert len(flags(compile_text, body, "RB102")) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "# Release\n\n1. The on-call engineer must roll back, unless the fix is trivial and "
            "the reviewer is confident nothing else broke.\n",
            1,
        ),
        ("# Release\n\n1. Ship the build once the tests pass and the owner is happy.\n", 1),
        # said, not a condition
        ("# Release\n\n1. Ship the build; the owner is happy with it.\n", 0),
        ("# Release\n\n1. Ship the build once the tests pass and the linter is green.\n", 0),
    ],
)
def test_someone_elses_satisfaction_as_the_condition(
    compile_text: Compile, body: str, expected: int
) -> None:
    """RB101 "the decision is left to the reader" (or to any person): a satisfaction or
    confidence as one of a condition's clauses ("and the author is confident there are no side
    effects"), whoever's duty the sentence states."""
    assert len(flags(compile_text, body, "RB101")) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("# Gem\n\n1. Before the release, run the customary smoke checks.\n", 1),
        ("# Gem\n\n1. Rotate the key in the same way it was done last year.\n", 1),
        ("# Gem\n\n1. Create the token in the same manner as previously.\n", 1),
        # on the page
        ("# Gem\n\n1. Re-issue the token the same way it was issued in step 2.\n", 0),
        ("# Gem\n\nThe usual suspects are the disks.\n", 0),
        ("# Gem\n\n1. Obtain credentials in the usual way via [gds](https://example.org).\n", 0),
    ],
)
def test_what_the_reader_must_remember(compile_text: Compile, body: str, expected: int) -> None:
    """RB104 "something only insiders can resolve": whatever is usual ("take the usual
    measures of due diligence") and "the same manner that it was" done before, unless the page
    says where."""
    assert len(flags(compile_text, body, "RB104")) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("# Review\n\n1. You should also @mention somebody who knows the billing code.\n", 1),
        ("# Review\n\n1. Where you can, \\@mention someone more familiar with CSS.\n", 1),
        # a person the page defines, or no person at all
        ("# Review\n\n1. @mention the reviewers in [#billing](https://example.org/c).\n", 0),
        ("# Review\n\n1. Do not mention the outage in the release notes.\n", 0),
    ],
)
def test_a_person_tagged_is_contacted(compile_text: Compile, body: str, expected: int) -> None:
    """RB103 "a person to contact that the document never resolves": "@mention someone who you
    think may be better placed to review it" contacts someone nobody names."""
    assert len(flags(compile_text, body, "RB103")) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # the cases after a step that finds out the answer are decided by it
        (
            "# Triage\n\n1. Read the report to determine whether the bug is exploitable.\n"
            "2. If it is exploitable, patch it within the week.\n"
            "3. If it is not exploitable, close the report with a note.\n",
            0,
        ),
        # with nothing that finds it out, the judgement is the reader's
        (
            "# Triage\n\n1. Read the report.\n"
            "2. If it is serious, patch it within the week.\n"
            "3. If it is not serious, close the report with a note.\n",
            2,
        ),
    ],
)
def test_every_case_of_a_finding_is_decided(
    compile_text: Compile, body: str, expected: int
) -> None:
    """RB101/RB102 on decisions: "Investigate the alert to determine if it's a real
    vulnerability", then "If action is required ..." and "If no action is required ...": the
    other cases of the same finding (its "otherwise" chain) are decided by it too."""
    found = flags(compile_text, body, "RB101") + flags(compile_text, body, "RB102")
    assert len(found) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # a list under the reference names it, with links
        (
            "# Check\n\n1. Then look at our logging tools\n"
            "    1. Kibana: open [Kibana][k] and pick your app.\n"
            "    1. Sentry: open [Sentry][s].\n\n[k]: https://example.org\n[s]: https://example.org\n",
            0,
        ),
        ("# Check\n\nOpen our usual dashboards:\n\n- [Latency](https://example.org/l)\n", 0),
        # a list with nothing to follow does not
        ("# Check\n\nOpen our dashboards:\n\n- the latency one\n", 1),
        ("# Check\n\n1. Then look at our logging tools\n1. Restart the app.\n", 1),
    ],
)
def test_a_reference_the_list_below_names(compile_text: Compile, body: str, expected: int) -> None:
    """RB104: "Next, check our monitoring tools" over a list whose items link Grafana and
    Sentry is resolved on the page."""
    assert len(flags(compile_text, body, "RB104")) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "# Tune\n\nAdd the following suggested thresholds, and change them as desired:\n\n"
            "```yaml\nwarning: 5\n```\n",
            0,
        ),
        (
            "# Tune\n\nAdd thresholds for the alert, and change them as desired.\n",
            1,
        ),
    ],
)
def test_defaults_shown_to_edit_as_desired(compile_text: Compile, body: str, expected: int) -> None:
    """RB101: "Insert these default values, and edit them as desired": the page gives values
    that serve as they are, so nothing is left to a guess."""
    assert len(flags(compile_text, body, "RB101")) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("# Logs\n\n1. You may want to search the audit log for the request id.\n", 0),
        ("# Logs\n\n1. Consider comparing the two configs before the deploy.\n", 0),
        # a hedged change is still the reader's call
        ("# Logs\n\n1. You may want to purge the audit log for the request id.\n", 1),
        ("# Logs\n\n1. Consider swapping the two configs before the deploy.\n", 1),
    ],
)
def test_a_hedged_look_leaves_nothing_risky(
    compile_text: Compile, body: str, expected: int
) -> None:
    """RB101: LABELLING's "a hedged look" is no flag, whatever the look verb (search, compare,
    explore, query ...), as "you may want to check the logs"."""
    assert len(flags(compile_text, body, "RB101")) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("# Go\n\n1. Once you hold the required roles, restart the worker.\n", 0),
        ("# Go\n\n1. Find the build number. When you know the build number, roll back to it.\n", 0),
        # whether it is required, or what the reader thinks, is still left open
        ("# Go\n\n1. Once a restart is required, restart the worker.\n", 1),
        ("# Go\n\n1. If you know it is safe, roll back the build.\n", 1),
    ],
)
def test_an_attribute_or_a_finding_is_no_judgement(
    compile_text: Compile, body: str, expected: int
) -> None:
    """RB101 on decisions: "Once you have the necessary permissions" names which permissions,
    and "Once you know the version" is what the step before found out; neither is an opinion."""
    found = flags(compile_text, body, "RB101") + flags(compile_text, body, "RB102")
    assert len(found) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("# Mon\n\n1. Read the matching Kafka Watch logs under /var/log/kafka.\n", 0),
        ("# Mon\n\n1. Restart each monitor daemon in the ring, one by one.\n", 0),
        # the verb, wherever it stands
        ("# Mon\n\n1. Then watch the consumer lag.\n", 1),
        ("# Mon\n\n1. Restart the consumer and monitor the lag.\n", 1),
    ],
)
def test_monitor_as_a_noun_is_no_watch(compile_text: Compile, body: str, expected: int) -> None:
    """RB106: "check the corresponding Ceph Monitor logs", "each Monitor in the cluster": a
    "monitor" after a determiner or a name is a thing, not a watch."""
    assert len(flags(compile_text, body, "RB106")) == expected


@pytest.mark.parametrize(
    ("body", "code", "expected"),
    [
        ("# Ask\n\n1. If the traces are not sufficient to diagnose it, ask in #dev.\n", "RB101", 1),
        ("# Ask\n\n1. If the traces are not sufficient to diagnose it, ask in #dev.\n", "RB102", 0),
        # a quantity stays RB102's
        ("# Ask\n\n1. If there is not enough free memory, add a node.\n", "RB102", 1),
        ("# Ask\n\n1. If there is not enough free memory, add a node.\n", "RB101", 0),
    ],
)
def test_adequacy_for_the_readers_task(
    compile_text: Compile, body: str, code: str, expected: int
) -> None:
    """RB101, not RB102: "If the messages of conditions are not enough for troubleshooting"
    leaves to the reader whether what they have serves their task; "not enough disk space" is a
    quantity with no measure."""
    assert len(flags(compile_text, body, code)) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("# Logs\n\n1. Slice the output with the usual shell tools such as cut and sort.\n", 0),
        # an open list of examples leaves the rest to memory
        ("# Logs\n\n1. Run the usual checks (e.g. lint, unit tests, etc).\n", 1),
        ("# Logs\n\n1. Slice the output with the usual shell tools.\n", 1),
    ],
)
def test_examples_name_the_reference(compile_text: Compile, body: str, expected: int) -> None:
    """RB104: "the usual linux tools like grep and awk" names what it means; "the usual
    measures of due diligence (e.g. ensuring tests pass, ..., etc)" does not."""
    assert len(flags(compile_text, body, "RB104")) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("# Stats\n\n1. Check that the redis-monitor daemon is up with `systemctl`.\n", 0),
        (
            "# Stats\n\nIf you'd like to watch a talk on it, see [the talk](https://example.org).\n",
            0,
        ),
        ("# Stats\n\n1. Restart redis, then monitor the daemon.\n", 1),
    ],
)
def test_a_name_or_a_goal_is_no_watch(compile_text: Compile, body: str, expected: int) -> None:
    """RB106: "Verify gitlab-monitor service is running" names a service; "If you'd like to
    watch a more detailed video" states a goal; neither asks the reader to wait."""
    assert len(flags(compile_text, body, "RB106")) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "# Pods\n\n1. If the pods are stuck in state `Init...`; describe them.\n",
            0,
        ),
        ("# Pods\n\n### Is the queue draining at a reasonable rate?\n\nOver 2k/s.\n", 0),
        ("# Pods\n\n1. If all is well, you should now see `OK` in the output.\n", 0),
        # a judgement that decides the next step is still flagged
        ("# Pods\n\n1. If the pods are slow, describe them with `kubectl`.\n", 1),
        ("# Pods\n\n1. Is the queue draining at a reasonable rate?\n", 1),
    ],
)
def test_titles_predictions_and_whole_literals(
    compile_text: Compile, body: str, expected: int
) -> None:
    """RB102: "If the Pods are stuck in state `Init...`" is an explicit state (the literal is
    read whole), "### What does abnormal look like?" is a title, and "If everything is normal,
    you should see \"200 OK\"" predicts what the reader will see."""
    assert len(flags(compile_text, body, "RB102")) == expected
