"""Session 8, RB108 precision on unseen prose: forms read on unlabelled real pages (GOV.UK manual
pages in neither wild group, PagerDuty pages that are no eval case, OpenShift and
prometheus-operator alert runbooks that are no eval case) where RB108 asked for a tool that the
page gives. Each test is written in other words than the page that showed the form, and each
keeps a look-alike that is still flagged."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from compiler.models import Artifact

Compile = Callable[[str], Artifact]
FRONT = "---\nid: t\nowner: team-x\nescalation: {role: team-x, after: 15m}\n---\n"


def rb108(compile_text: Compile, body: str) -> list[str]:
    artifact = compile_text(FRONT + body)
    return [d.evidence or "" for d in artifact.diagnostics if d.code == "RB108"]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # a titled item whose own body holds the command (a paragraph in between)
        (
            "# Fix\n\n1. **Restart the ingest workers:**\n\n"
            "   When the queue has stalled for good, restarting them clears it:\n\n"
            "   ```bash\n   kubectl -n ingest rollout restart deployment/ingest-worker\n   ```\n\n"
            "2. **Check the queue:**\n\n   It should drain within minutes.\n",
            0,
        ),
        # ... or a nested list of how
        (
            "# Fix\n\n1. **Expand the data volume** when the class allows it:\n\n"
            "   a. Patch the claim:\n\n"
            "      ```bash\n      oc patch pvc data-0 -p '{\"spec\":{}}'\n      ```\n",
            0,
        ),
        # look-alike: the titled item's body only reads, or holds no code at all
        (
            "# Fix\n\n1. **Restart the ingest workers:**\n\n   Look at them first:\n\n"
            "   ```bash\n   kubectl -n ingest get pods\n   ```\n",
            1,
        ),
        (
            "# Fix\n\n1. **Restart the ingest workers:**\n\n"
            "   Do it when the queue has stalled for good.\n\n2. **Check the queue:**\n",
            1,
        ),
    ],
)
def test_an_item_title_is_detailed_by_its_own_body(
    compile_text: Compile, body: str, expected: int
) -> None:
    """RB108: a list item that opens with a title (bold, or ending in a colon) is said with how
    when the item's own body holds a command that changes something, or a nested list, as a
    heading's section is; a body that only reads or only talks names no tool."""
    assert len(rb108(compile_text, body)) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "# Fix\n\nDowngrade the ledger service to the last good image.\n\n"
            "You can do this by opening the release console with `ledgerctl console` and "
            "choosing the previous build.\n",
            0,
        ),
        (
            "# Fix\n\nMigrate the tenants off the full shard. To do this, follow the "
            "shard runbook's drain section.\n",
            0,
        ),
        (
            "# Fix\n\n> If the build fails on the runtime version, you need to upgrade node to "
            "20.\n> This can be done by using the version manager's install command.\n",
            0,
        ),
        # look-alike: "this" is done later, not told how
        (
            "# Fix\n\nDowngrade the ledger service to the last good image.\n\n"
            "You can do this later in the day if the queue is quiet.\n",
            1,
        ),
    ],
)
def test_do_this_by_after_a_change_says_how(
    compile_text: Compile, body: str, expected: int
) -> None:
    """RB108: the sentence or paragraph right after a change that says how it is done ("You
    can do this by ...", "To do this, ...", "You can do one of the following:") resolves it."""
    assert len(rb108(compile_text, body)) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "# Shell\n\nBefore you can query the ledger, you will need to set up a way to "
            "reach the private subnet.\n",
            0,
        ),
        # look-alike: a setting given a value is a change
        ("# Shell\n\nYou will need to set the pool size to 40 on the primary.\n", 1),
    ],
)
def test_set_up_is_no_setting_of_a_value(compile_text: Compile, body: str, expected: int) -> None:
    """RB108: "set up a way to ..." establishes something; it is not "set X to Y"."""
    assert len(rb108(compile_text, body)) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "# Titles\n\nWrite titles as tasks. Do say:\n\n> Purge a stuck queue\n>\n"
            "> Ledger: restore a snapshot\n",
            0,
        ),
        # look-alike: a quoted note that is no example
        ("# Titles\n\nRead this before the restore.\n\n> Purge the stuck queue first.\n", 1),
    ],
)
def test_a_quoted_example_of_wording_asks_for_nothing(
    compile_text: Compile, body: str, expected: int
) -> None:
    """RB108: quoted paragraphs after a lead-in to examples ("Do say:", "Good examples:") show
    wording; a quoted note of its own still asks for a change."""
    assert len(rb108(compile_text, body)) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "# On call\n\nShadow a shift first: you need to increase your familiarity with the "
            "tools.\n",
            0,
        ),
        ("# On call\n\nDuring a major incident we need to switch our mindset to triage.\n", 0),
        # look-alike: the same verbs on a system
        ("# On call\n\nDuring a major incident we need to switch the traffic to the DR site.\n", 1),
    ],
)
def test_a_change_of_mind_is_no_change_of_a_system(
    compile_text: Compile, body: str, expected: int
) -> None:
    """RB108: changing the reader's own understanding or mindset changes no system."""
    assert len(rb108(compile_text, body)) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "# Load\n\n1. Write the job file:\n\n   ```yaml\n   workers: 8\n   ```\n\n"
            "   > Eight workers suit a small test. You may need to raise this number for a "
            "full run.\n",
            0,
        ),
        # look-alike: "this number" with no shown content before it
        ("# Load\n\nEight workers suit a small test. You may need to raise this number.\n", 1),
    ],
)
def test_a_change_to_a_shown_value(compile_text: Compile, body: str, expected: int) -> None:
    """RB108: a change to "this value" or "this number" right after the code block that shows
    it is a change to that content."""
    assert len(rb108(compile_text, body)) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "# Search\n\n## Reindexing\n\nNow and then you may need to "
            "rebuild it entirely.\n\nRebuild the catalogue index (it empties the index "
            "first):\n\n```\ncatalog index rebuild --all\n```\n",
            0,
        ),
        # look-alike: the rebuild with how is in another section
        (
            "# Search\n\n## Reindexing\n\nNow and then you may need to rebuild it entirely.\n\n"
            "## Other\n\nRebuild the catalogue index:\n\n```\ncatalog index rebuild --all\n```\n",
            1,
        ),
    ],
)
def test_a_pronoun_object_is_resolved_in_its_section(
    compile_text: Compile, body: str, expected: int
) -> None:
    """RB108: a change of "it" is of what its section is about: the same verb said with how in
    that section is the same change; in another section it is not."""
    assert len(rb108(compile_text, body)) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "# Training\n\nFor example, if we need to empty the cache to fix a problem, we "
            "could either wipe every node at once, or do a rolling restart of the cache nodes.\n",
            0,
        ),
        # look-alike: the same sentence told, not given as an example
        (
            "# Training\n\nIf we need to empty the cache to fix a problem, we could either "
            "wipe every node at once, or do a rolling restart of the cache nodes.\n",
            1,
        ),
    ],
)
def test_an_example_after_a_condition_is_an_example(
    compile_text: Compile, body: str, expected: int
) -> None:
    """RB108: "For example, if X, we could ..." gives what could be done, as "For example, we
    could ..." does."""
    assert len(rb108(compile_text, body)) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # the wrapped line's pointer names the linked page: only the cordon is flagged
        (
            "# Nodes\n\n- Cordon the old nodes first,\n  see [Safely drain a "
            "node](https://example.org/docs/drain)\n",
            ["Cordon the old nodes first"],
        ),
        # look-alike: a link that is an instruction of the sentence, not pointed at
        (
            "# Nodes\n\n- Cordon the old nodes first,\n  then [drain a "
            "node](https://example.org/docs/drain)\n",
            ["Cordon the old nodes first, then [drain a node](https"],
        ),
    ],
)
def test_a_linked_page_title_after_see_asks_for_nothing(
    compile_text: Compile, body: str, expected: list[str]
) -> None:
    """RB108: the title of a page that "see" or "refer to" points at names the page, it asks
    for nothing; the change before it, and a link that is part of the instruction, still do."""
    assert rb108(compile_text, body) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "# Keys\n\n## Rotate the token in HashiCorp Vault\n\nLocate the secret named "
            "`payments/api` and edit the `token` and `key` entries to match the new "
            "credentials.\n",
            0,
        ),
        # look-alike: a heading that names no system
        (
            "# Keys\n\n## Rotate the token\n\nLocate the secret named `payments/api` and edit "
            "the `token` and `key` entries to match the new credentials.\n",
            1,
        ),
    ],
)
def test_the_heading_names_the_system_of_its_section(
    compile_text: Compile, body: str, expected: int
) -> None:
    """RB108: a section whose heading names the system ("... in HashiCorp Vault") says where its
    changes are made, as a sentence before them does."""
    assert len(rb108(compile_text, body)) == expected


_ZONE_TAB = (
    "# CDN\n\n## Switch\n\nOpen these pages in new tabs:\n\n- [Route 53 zone]"
    "(https://console.aws.amazon.com/route53/v2/hostedzones#ListRecordSets/Z123)\n\nThen:\n\n"
)
_DOCS_TAB = (
    "# CDN\n\n## Switch\n\nRead these pages first:\n\n- [Route 53 records]"
    "(https://docs.aws.amazon.com/route53/latest/records.html)\n\nThen:\n\n"
)
_ALIAS = (
    "- Change the alias target from `a.example.net.` to the standby distribution, and set the "
    "TTL to 60 seconds.\n"
)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (_ZONE_TAB + _ALIAS, 0),
        # look-alikes: a documentation page is no console; a PR is made in a repository
        (_DOCS_TAB + _ALIAS, 1),
        (
            _ZONE_TAB + "- Raise and merge a PR in `cdn-config` to fail over to the standby CDN.\n",
            1,
        ),
    ],
)
def test_a_console_page_the_section_opens_is_its_tool(
    compile_text: Compile, body: str, expected: int
) -> None:
    """RB108: a section that links a cloud console's page before its changes (the DNS zone in
    the AWS or Google Cloud console) says where they are made; a documentation page does not,
    and a PR is still made elsewhere."""
    assert len(rb108(compile_text, body)) == expected


_RENEW = "# Certs\n\n## Renewing the signing certificate\n\n"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            _RENEW + "The security team advises that the signing certificate should be replaced "
            "every year. Generate a new one in HashiCorp Vault, then upload it in the Cloudflare "
            "dashboard.\n",
            0,
        ),
        # look-alikes: the instructions after it name no place; nothing after it instructs
        (
            _RENEW + "The security team advises that the signing certificate should be replaced "
            "every year. Generate a new one, then upload it.\n",
            1,
        ),
        (_RENEW + "The signing certificate should be replaced every year. It expires in May.\n", 1),
    ],
)
def test_a_passive_change_carried_out_by_the_instructions_after_it(
    compile_text: Compile, body: str, expected: int
) -> None:
    """RB108: a change said in the passive ("should be replaced every year") that the next
    instructions of its paragraph carry out, naming where, says what is due; they say how."""
    assert len(rb108(compile_text, body)) == expected
