"""Session 10 (prec3, issue 16): judgements the text rules share, read from random samples of
diagnostics on unseen runbooks, instead of one class per phrase. Each is written here in other
words than the page it came from, with a look-alike that must stay flagged.

- A command written as a paragraph of inline code right after an instruction says how, as a
  code block does (not the next item of the same list: that is its own step).
- A sentence that reads as an instruction only by a modal or a passive ("We may need to raise
  the worker count", "there may be images that need to be removed") tells the reader nothing
  when nothing around it does (its passage, its list) and its section is neither a procedure
  nor a task: RB101 and RB108 read it as a description.
"""

from __future__ import annotations

import pytest

from compiler.rules.assumptions.described import tells_reader

from .test_precision import Compile, flags


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # the command is a paragraph of inline code under the instruction
        (
            "# Hung pushes\n\n## Resolution\n\nTerminate every receive-pack older than an hour\n\n"
            "`knife ssh roles:git 'pkill --older 3600 -f receive-pack'`\n",
            0,
        ),
        (
            "# Kernels\n\nIssue this command from the ops checkout to purge the old kernels:\n\n"
            "`bundle exec knife ssh 'roles:base' 'sudo apt-get -y purge linux-image-4.13'`\n",
            0,
        ),
        (
            "# Cache\n\nIf either service is down, restart it with\n\n`gitlab-ctl restart cache`"
            "\n\nor\n\n`systemctl restart cache`\n",
            0,
        ),
        # look-alikes: the next item of the same list is a step of its own
        (
            "# Breach\n\n* Rotate the root password and lock the other accounts.\n"
            "* `sudo shutdown now`\n",
            1,
        ),
        # words around the code: a sentence, not a command on its own
        (
            "# Hung pushes\n\nTerminate every receive-pack older than an hour.\n\n"
            "The process list shows `receive-pack` entries.\n",
            1,
        ),
    ],
)
def test_a_command_in_a_paragraph_of_its_own_says_how(
    compile_text: Compile, body: str, expected: int
) -> None:
    """RB108: "Kill the processes ..." then `` `knife ssh ... | xargs kill` `` alone on a line."""
    assert len(flags(compile_text, body, "RB108")) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # a plan in a description
        (
            "# Mirrors\n\n## Background\n\nAs the instance grows, so does the number of mirrors. "
            "We may need to raise the worker count accordingly.\n",
            0,
        ),
        # what a system does "if necessary"
        (
            "# Sessions\n\n## Durability\n\nThe store persists to disk, and its eviction policy "
            "will, if necessary, drop the keys closest to expiry.\n",
            0,
        ),
        # a wish of the authors among notes about the repository
        (
            "# About\n\n- It holds the alert rules.\n- It also builds the dashboards.\n"
            "- We should probably write a tour of it, if possible.\n",
            0,
        ),
        # look-alikes: a procedure's section; the reader addressed; an instruction beside it
        (
            "# Mirrors\n\n## Mitigation\n\nAs the instance grows, so does the number of mirrors. "
            "We may need to raise the worker count accordingly.\n",
            1,
        ),
        (
            "# Mirrors\n\n## Background\n\nAs the instance grows, so does the number of mirrors. "
            "You may need to raise the worker count accordingly.\n",
            1,
        ),
        (
            "# About\n\n- Check the alert rules.\n- Rebuild the dashboards.\n"
            "- Restart the exporter, if possible.\n",
            1,
        ),
        # a task's section: what it says is how to do the task
        (
            "# Mirrors\n\n## Raising the worker count\n\nAs the instance grows, so does the number "
            "of mirrors. We may need to raise the worker count accordingly.\n",
            1,
        ),
    ],
)
def test_a_hedge_in_a_description_is_no_decision(
    compile_text: Compile, body: str, expected: int
) -> None:
    """RB101: a hedge in words that tell the reader nothing to do is not a decision left to
    them."""
    assert len(flags(compile_text, body, "RB101")) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # a passive duty with no one to do it, in an overview
        (
            "# Registry\n\n## Overview\n\nThe registry keeps every image it was sent. Some images "
            "become obsolete and need to be removed.\n",
            0,
        ),
        # what a number should do
        (
            "# Index health\n\n## Notes\n\nOn a healthy replica the counter `idx_scan` should "
            "increase over time.\n",
            0,
        ),
        # look-alikes: under a procedure; with an instruction in the passage
        (
            "# Registry\n\n## Resolution\n\nThe registry keeps every image it was sent. Some "
            "images become obsolete and need to be removed.\n",
            1,
        ),
        (
            "# Registry\n\n## Overview\n\nThe registry keeps every image it was sent. Delete the "
            "obsolete images.\n",
            1,
        ),
    ],
)
def test_a_change_in_a_description_is_not_asked(
    compile_text: Compile, body: str, expected: int
) -> None:
    """RB108: a change said of no one in words that describe is no instruction to act."""
    assert len(flags(compile_text, body, "RB108")) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("After a few minutes, stop the load generator.", True),
        ("Image issues: fix the registry credentials.", True),
        ("If a branch is rebased, the author must dismiss the stale review.", True),
        ("Owners should regularly close the stale alerts.", True),
        ("On the server, we must remove the repository from the database.", True),
        ("It might be worth asking the customer to run `git fsck`.", True),
        ("[Search GitHub](https://github.com) for the name and remove it.", True),
        ("We may need to raise the worker count accordingly.", False),
        ("Some images become obsolete and need to be removed.", False),
        ("The counter should increase over time.", False),
        ("This will help you monitor the host.", False),
    ],
)
def test_what_tells_the_reader_to_act(sentence: str, expected: bool) -> None:
    """An imperative (after a setting, a label or a condition), a duty of the team or of a
    person, advice to no one; not a plan, a passive with no one, an expectation."""
    assert tells_reader(sentence) is expected


@pytest.mark.parametrize(
    ("code", "body", "expected"),
    [
        # RB102: what a graph's value means, in a description of the graph
        (
            "RB102",
            "# CI graphs\n\n## Namespaces\n\nOne group holds every namespace that ran fewer than "
            "ten jobs.\nIf this value is high it means that many namespaces have a few jobs each,"
            "\nwhich is also what should be expected.\n",
            0,
        ),
        (
            "RB102",
            "# CI graphs\n\n## Namespaces\n\nOne group holds every namespace that ran fewer than "
            "ten jobs.\nIf this value is high, restart the runner manager.\n",
            1,
        ),
        # RB106: what a tool is there to watch
        (
            "RB106",
            "# Disk IO\n\n## Background\n\nDisk activity is a must-have to monitor: the exporter "
            "is there to watch read and write IOPS and latency.\n",
            0,
        ),
        (
            "RB106",
            "# Disk IO\n\n## Background\n\nDisk activity matters. Watch read and write IOPS and "
            "latency.\n",
            1,
        ),
        # RB103: who is told, in a description of the roles
        (
            "RB103",
            "# Rota\n\n## Sales\n\nSales are stakeholders during an incident. Salespeople should "
            "be notified when a demo may be affected.\n",
            0,
        ),
        (
            "RB103",
            "# Rota\n\n## Sales\n\nSales are stakeholders during an incident. Notify the account "
            "executive when a demo may be affected.\n",
            1,
        ),
    ],
)
def test_the_other_text_rules_read_a_sentence_in_its_place(
    compile_text: Compile, code: str, body: str, expected: int
) -> None:
    """RB102, RB103, RB106 share the judgement: words that describe ask nothing."""
    assert len(flags(compile_text, body, code)) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "# Deploy\n\n## Wait for the build to finish\n\nThe build takes about ten minutes; see "
            "the [pipeline](https://ci.example.org/p).\n",
            0,
        ),
        (
            "# Cache\n\n### Watch the hit ratio\n\nThe panel [Cache hits](https://grafana.example"
            ".org/d/x) shows it per node.\n",
            0,
        ),
        # look-alike: the same words as a sentence of the section
        ("# Deploy\n\n## Build\n\nWait for the build to finish.\n", 1),
    ],
)
def test_a_heading_is_a_title_not_a_wait(compile_text: Compile, body: str, expected: int) -> None:
    """RB106: "## Wait for Continuous Integration to pass" titles its section, as a heading
    never holds RB108's change."""
    assert len(flags(compile_text, body, "RB106")) == expected
