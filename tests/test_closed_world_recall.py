"""Session 10 (issue 16, recall): closed-world flags. A check is decided only by what is written;
the object of a contact verb is an actor whatever noun it is. Each form is written in other
words than the page it came from, with look-alikes that must stay unflagged."""

from __future__ import annotations

import pytest

from .test_precision import Compile, flags


@pytest.mark.parametrize(
    "body",
    [
        "# Cutover\n\n1. Confirm the replication settings are right.\n",
        "# Cutover\n\n1. Make sure the queue consumers are healthy.\n",
        "# Cutover\n\nThen validate that the DNS entries resolve as expected.\n",
        "# Cutover\n\n- Check that the failover pair is functioning properly.\n",
        "# Cutover\n\n- Are the shard replicas correctly balanced across zones?\n",
        "# Cutover\n\n- Does the bucket policy have the correct principals?\n",
        "# Cutover\n\n3. Check that all are present, you will see names such as `db-1`.\n",
    ],
)
def test_check_with_an_undecided_expected_state(compile_text: Compile, body: str) -> None:
    """RB102: what the reader is told to verify, confirm or answer, judged right or well with
    nothing written to decide it ("the routes are correct", "is properly configured")."""
    assert len(flags(compile_text, body, "RB102")) == 1


@pytest.mark.parametrize(
    "body",
    [
        # a literal, a number, a state a tool reports
        "# Cutover\n\n1. Confirm the replication mode is `sync`.\n",
        "# Cutover\n\n1. Make sure the queue has fewer than 100 messages.\n",
        "# Cutover\n\n1. Check that the old bucket is empty.\n",
        "# Cutover\n\n1. Verify the path is correctly set, such as `s3://state/prod/`.\n",
        # the reader's own choice, a purpose, what a thing does
        "# Cutover\n\n1. Make sure you are in the correct project before you start.\n",
        "# Cutover\n\n- Confirm that you've set up the pager correctly before the shift.\n",
        "# Cutover\n\nThis job ensures the routes are correct after each deploy.\n",
        "# Cutover\n\nRestart the agent to ensure that it is healthy again.\n",
        # the check spelt out: after a colon, in its own items, behind a link
        "# Cutover\n\n1. Verify the pair is healthy:\n   - `pg_isready` exits 0\n",
        "# Cutover\n\n1. Ensure the proxy is healthy\n    - Validate that port 443 answers\n",
        "# Cutover\n\n1. Verify that the [cluster is healthy](#health) in staging.\n\n## Health\n\n"
        "Green in the console.\n",
        # a name in brackets, a compound, a review of ourselves, a heading, a described form
        "# Cutover\n\n- Are the writers sending to the raw (good or bad) streams?\n",
        "# Cutover\n\n1. Make sure each exclusion has a well-argued reason recorded.\n",
        "# Review\n\nDid we handle the cutover well, or could we have done better?\n",
        "# Cutover\n\n## Is the pair healthy?\n\nRun `pg_isready`.\n",
        "# Report\n\n- Condition: What is the state? Is it healthy or not?\n",
    ],
)
def test_check_decided_by_what_is_written(compile_text: Compile, body: str) -> None:
    """RB102 look-alikes: the expected state is written, or there is no check of the system."""
    assert flags(compile_text, body, "RB102") == []


@pytest.mark.parametrize(
    "body",
    [
        "# Rebuild\n\n1. Notify downstream consumers that the topic will move.\n",
        "# Rebuild\n\n- Coordinate with dependent squads before the cutover.\n",
        "# Rebuild\n\n3. Agree with the data owners which tables are restored.\n",
        "# Rebuild\n\nYou will then need to get sign-off from affected tenants.\n",
        "# Rebuild\n\nYou will require Network Engineering to help with the peering.\n",
    ],
)
def test_contact_object_is_an_actor(compile_text: Compile, body: str) -> None:
    """RB103: the object of a contact verb that only ever takes people is an actor whatever
    noun it is ("Inform customers", "Liaise with owning teams"); nothing resolves it here."""
    assert len(flags(compile_text, body, "RB103")) == 1


@pytest.mark.parametrize(
    "body",
    [
        # resolved: a channel in the sentence
        "# Rebuild\n\n1. Notify downstream consumers in #data-platform before the move.\n",
        # not people: a thought, a form, a document, a name
        "# Rebuild\n\nRead the design notes to inform your decision on the layout.\n",
        "# Rebuild\n\n1. Update the name and the contact detail fields.\n",
        "# Rebuild\n\nPlease consult the audit log for suspicious calls.\n",
        "# Rebuild\n\nThe Acme Notify service limits each account to 100 messages.\n",
        # picked out by the case at hand: whoever that is
        "# Rebuild\n\n1. Reach out to suppliers that may have shipped the bad build.\n",
        "# Rebuild\n\n- Contact operators for any hosts used in the attack.\n",
        # what a thing does
        "# Rebuild\n\nThe pipeline notifies subscribers when the build ends.\n",
    ],
)
def test_contact_object_resolved_or_no_person(compile_text: Compile, body: str) -> None:
    """RB103 look-alikes: a way to reach them is given, or the object is no one to contact."""
    assert flags(compile_text, body, "RB103") == []


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # a repetition the reader may have to do, with no count
        ("# Sync\n\nThe import task may need to be rerun several times before it passes.\n", 1),
        ("# Sync\n\n1. You might have to apply it multiple times on the larger shards.\n", 1),
        # a count, an end, a thing's doing, a permission
        ("# Sync\n\nThe import task may need to be rerun up to 3 times.\n", 0),
        ("# Sync\n\n1. Apply it repeatedly until the diff is empty.\n", 0),
        ("# Sync\n\nThe exporter restarted several times during the night.\n", 0),
        ("# Sync\n\nYou will be repeatedly prompted for the passphrase.\n", 0),
        ("# Sync\n\nFeel free to run this multiple times; it only shows new rows.\n", 0),
    ],
)
def test_repetition_with_no_count(compile_text: Compile, body: str, expected: int) -> None:
    """RB106: any action asked again "multiple times", "several times", "repeatedly" is an
    unbounded retry unless a number, a time or an end is written."""
    assert len(flags(compile_text, body, "RB106")) == expected


def test_public_service_needs_no_contact(compile_text: Compile) -> None:
    """RB103: a public service is reachable without the document; a private group is not."""
    assert flags(compile_text, "# Breach\n\n- Notify the police.\n", "RB103") == []
    assert len(flags(compile_text, "# Breach\n\n- Notify the finance office.\n", "RB103")) == 1
