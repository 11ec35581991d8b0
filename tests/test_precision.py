"""Session 7, precision pass: forms read on unlabelled real documents (GOV.UK manual pages in
neither wild group, PagerDuty and stolostron pages that are no eval case) that the RB1xx rules
flagged but that a careful reader can act on without guessing. Each test is written in other
words than the page that showed the form, and each keeps a true positive of the same rule."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from compiler.models import Artifact

Compile = Callable[[str], Artifact]
FRONT = "---\nid: t\nowner: team-x\nescalation: {role: team-x, after: 15m}\n---\n"


def flags(compile_text: Compile, body: str, code: str) -> list[tuple[int, str]]:
    artifact = compile_text(FRONT + body)
    return [(d.line - 5, d.evidence) for d in artifact.diagnostics if d.code == code]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # an edit of a named file, however the sentence opens
        (
            "# Vars\n\nIn the [vars folder](https://example.org/v) you must edit\n"
            "the `<env>/db.tfvars` file for that environment.\n",
            0,
        ),
        ("# Vars\n\n1. Update the Gemfile to pin the linter.\n", 0),
        ("# Vars\n\n1. Remove the `config/initializers/legacy_cors.rb` file.\n", 0),
        ("# Vars\n\n1. Replace the generated CHANGELOG.md with an empty one.\n", 0),
        # an item under a lead-in that edits a named file is what to write there
        (
            "# Vars\n\nOpen the `settings/prod.yaml` file and modify these keys:\n\n"
            "* Switch `tls_only` from false to true\n",
            0,
        ),
        # the same changes with no file: still flagged
        (
            "# Vars\n\nOpen the load balancer and modify these keys:\n\n"
            "* Switch `tls_only` from false to true\n",
            1,
        ),
        ("# Vars\n\n1. You must update the worker pool.\n", 1),
        ("# Vars\n\n1. Remove the old session file on each worker host.\n", 1),
    ],
)
def test_a_file_edit_says_where_and_what(compile_text: Compile, body: str, expected: int) -> None:
    """RB108: an edit of a file the sentence names ("you must edit the `x.tfvars` file"), a
    file of a repository removed or replaced as a whole, and the items of a list its lead-in
    says to write into a named file say where and what; a change of a system, or of a path on
    a host, names no tool."""
    assert len(flags(compile_text, body, "RB108")) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("# Keys\n\nIf you ever need to renew the webhook token, mind that it is shared.\n", 0),
        ("# Keys\n\nNote the current value, in case we need to roll back the release.\n", 0),
        ("# Keys\n\nIf you decide to scale the workers, tell the team first.\n", 0),
        ("# Keys\n\nIf the release broke it, renew the webhook token.\n", 1),
        ("# Keys\n\nIf errors persist, roll back the release.\n", 1),
    ],
)
def test_a_goal_a_condition_states_is_not_asked(
    compile_text: Compile, body: str, expected: int
) -> None:
    """RB108: a change that a condition states as the reader's goal ("if you decide to scale",
    "in case we need to restore") says in which case the instruction applies; the instruction
    is the main clause."""
    assert len(flags(compile_text, body, "RB108")) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("# Keys\n\n1. Renew `billing-token` in AWS Secrets Manager.\n", 0),
        ("# Keys\n\n1. Renew the billing token in GCP.\n", 0),
        ("# Keys\n\n1. Sign in to Grafana using the shared admin account.\n", 0),
        ("# Keys\n\n1. Visit Jenkins and rebuild the last release.\n", 0),
        ("# Keys\n\n1. Export the board as JSON, then open a PR in ops-dashboards-config.\n", 0),
        (
            "# Keys\n\nRun the release in [the CI portal](https://ci.example.org). "
            "Read the output and apply the change.\n",
            0,
        ),
        ("# Keys\n\n1. Renew the billing token in the secret store.\n", 1),
        ("# Keys\n\n1. Log in to the jump host.\n", 1),
        ("# Keys\n\n1. Export the board as JSON, then open a PR.\n", 1),
    ],
)
def test_a_system_named_by_acronym_or_visited(
    compile_text: Compile, body: str, expected: int
) -> None:
    """RB108: the system a change is done in is named by an acronym ("in GCP"), by going there
    ("sign in to Grafana", "visit Jenkins and ..."), by a PR's repository, or by a link in the
    sentence before; "the secret store", "the jump host" and a PR with no repository name
    nothing."""
    assert len(flags(compile_text, body, "RB108")) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "# Rotate\n\nUse the steps below to revoke the stale tokens.\n\n"
            "1. Open the token page.\n",
            0,
        ),
        (
            "# Rotate\n\nYou can rebuild the search index as follows:\n\n1. Open the admin page.\n",
            0,
        ),
        ("# Rotate\n\nYou can rebuild the search index.\n", 1),
    ],
)
def test_steps_announced_after_a_change(compile_text: Compile, body: str, expected: int) -> None:
    """RB108: "as follows" and "use the steps below to X" announce how."""
    assert len(flags(compile_text, body, "RB108")) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "# Views\n\n1. Try it on a laptop first (for example with compose, or deploy to a "
            "sandbox).\n",
            0,
        ),
        ("# Views\n\nFor instance, you could disable the grouping of similar errors.\n", 0),
        ("# Views\n\nWatch the operation (snapshot, copy, restore) while it runs.\n", 0),
        ("# Views\n\nDisable the grouping of similar errors.\n", 1),
        ("# Views\n\n1. Try it on a laptop first, then deploy to a sandbox.\n", 1),
    ],
)
def test_examples_and_names_in_brackets(compile_text: Compile, body: str, expected: int) -> None:
    """RB108: a change given as an example (in brackets opened by "for example", or "For
    instance, you could ...") is not asked; a change word ending a bracketed list of names is a
    noun."""
    assert len(flags(compile_text, body, "RB108")) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "# Users\n\n1. Search for the account and click **Edit**.\n"
            "1. Change the display name.\n1. Set the role to viewer.\n1. Press **Save**.\n",
            0,
        ),
        ("# Users\n\nRemove the stale lease from the admin screen.\n", 0),
        (
            "# Users\n\nAt the top right of the Kibana interface is a picker; you need to "
            "switch it to `audit-*`.\n",
            0,
        ),
        ("# Users\n\n1. Check the AWS console for the `logs` bucket.\n", 0),
        (
            "# Users\n\n1. Note the current owner and why the alert fired, and write both in the "
            "incident ticket for the review.\n1. Change the display name.\n",
            1,
        ),
        ("# Users\n\n1. Search for the account.\n1. Change the display name.\n", 1),
        ("# Users\n\n1. Check the cloud provider console for the `logs` bucket.\n", 1),
    ],
)
def test_a_change_in_a_user_interface(compile_text: Compile, body: str, expected: int) -> None:
    """RB108: a change made in a user interface that its text names (a button, a screen, "the
    Kibana interface") or that the form's clicks just before it open is said there; a change
    after a long step that drives no interface, and a console nobody names, are not."""
    assert len(flags(compile_text, body, "RB108")) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # a link to the site's own page, or a repository file linked by reference
        ("# Tune\n\nYou could adjust the [rate limits](/handbook/rate-limits.html) too.\n", 0),
        ("# Tune\n\nYou could adjust the [rate limits](https://vendor.example/docs/x) too.\n", 1),
        (
            "# Tune\n\nUpdate the [owners list][o] with the new team.\n\n"
            "[o]: https://github.com/acme/ops/blob/main/owners.yml\n",
            0,
        ),
        (
            "# Tune\n\nUpdate the [owners list][o] with the new team.\n\n"
            "[o]: https://status.acme.example/owners\n",
            1,
        ),
        (
            "# Tune\n\nThe outage may need a rollback using the [release workflow][w].\n\n"
            "[w]: https://ci.acme.example/release\n",
            0,
        ),
        ("# Tune\n\nThe outage may need a rollback.\n", 1),
        # the means after the change, text the page shows, a numbered step referred to
        ("# Tune\n\nReset the banner for everyone by committing a new cookie version.\n", 0),
        ("# Tune\n\nReset the banner for everyone.\n", 1),
        ("# Tune\n\nCopy these lines into your stylesheet and change the class name.\n", 0),
        ("# Tune\n\n5. Resume the nightly jobs. Only needed if paused in step 2.\n", 0),
        ("# Tune\n\n5. Resume the nightly jobs.\n", 1),
        ("# Tune\n\n5. **Resume the nightly jobs.** Only if you paused them in step 3.\n", 0),
        (
            "# Tune\n\n1. Configure the linter for the app. Find out more in [the guide][g].\n\n"
            "[g]: https://acme.example/linting\n",
            0,
        ),
        # a PR carrying an edit the list asks for just before
        (
            "# Tune\n\n1. Edit the [alerting Terraform][t].\n1. Add the new rule.\n"
            "1. Raise a PR and merge it.\n\n[t]: https://github.com/acme/infra/blob/main/alerts.tf\n",
            0,
        ),
        ("# Tune\n\n1. Check the new rule.\n1. Raise a PR and merge it.\n", 1),
        # contents of the page, a field known by its label, a product by its acronym
        ("# Tune\n\n1. [Build](#build)\n1. Open a pull request\n1. [Deploy](#deploy)\n", 0),
        ("# Tune\n\n1. Build with `make`.\n1. Open a pull request\n1. Deploy with `make x`.\n", 1),
        ("# Tune\n\n1. Set the 'Visibility' option to 'Private'.\n", 0),
        ("# Tune\n\n1. Set the visibility option to private.\n", 1),
        ("# Tune\n\n1. Run the import job with AWS Batch.\n", 0),
        ("# Tune\n\n1. Add the node with the VMI to the policy.\n", 1),
    ],
)
def test_how_said_in_the_sentence_or_around_it(
    compile_text: Compile, body: str, expected: int
) -> None:
    """RB108: a change says how through a link to the site's own page or to a repository file
    (also by reference), the means after it ("by committing ..."), text the page shows ("copy
    these lines and change ..."), a numbered step, a pointer after it ("Find out more in
    [...]"), an edit just before a PR in the same list, a section of a list of contents, a
    field's label, or a product's acronym; the same changes without them are flagged."""
    assert len(flags(compile_text, body, "RB108")) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # reached through a reference-style link the page defines, on the next line too
        (
            "# Help\n\nIf the dashboard is empty, ask someone\nin [Platform Owls] for access.\n\n"
            "[Platform Owls]: https://groups.example.org/owls\n",
            0,
        ),
        ("# Help\n\nIf the dashboard is empty, ask someone\nin [Platform Owls] for access.\n", 1),
        # one defined alternative is enough; "the other on-call" is the on-call
        ("# Help\n\nIf stuck, ask your team or a friendly database person.\n", 0),
        ("# Help\n\nIf stuck, ask a friendly database person.\n", 1),
        ("# On-call\n\nWhen on call, ask the other on-call to review it.\n", 0),
        # a queue the ticket is handed to
        (
            "# Help\n\nHand the case over to billing support by reassigning it to `L2--Billing`.\n",
            0,
        ),
        ("# Help\n\nHand the case over to billing support.\n", 1),
        # what a thing does, and a question asked
        ("# Help\n\nUptime probes are set up in Pingdom, which notify Opsbell directly.\n", 0),
        ("# Help\n\nTo check that Ledger Sync can talk to Billing Core, run `x`.\n", 0),
        ("# Help\n\nNever ask how long someone needs; trust their estimate.\n", 0),
        ("# Help\n\nIf the probes fail, notify the billing engineers.\n", 1),
    ],
)
def test_actors_reached_or_not_people(compile_text: Compile, body: str, expected: int) -> None:
    """RB103: a contact reached through a link the page defines by reference (`[Name]` and
    `[Name]: url`), one of several alternatives that is defined, "the other on-call", a ticket
    queue named; a system that a thing talks to or notifies and a question asked reach nobody.
    The same contacts with no way to reach them are flagged."""
    assert len(flags(compile_text, body, "RB103")) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("# Vals\n\n1. Restore from the snapshot. Put in `<snap>` and `<table>` as needed.\n", 0),
        ("# Vals\n\nPaste the example lines and alter the team name and icon as required.\n", 0),
        ("# Vals\n\n1. Restore from the snapshot, adding replicas as needed.\n", 1),
        (
            "# Vals\n\nRotate keys in the vault where possible. Only rotate them by hand when the "
            "vault is down.\n",
            0,
        ),
        ("# Vals\n\nRotate keys in the vault where possible.\n", 1),
        ("# Vals\n\nYou can always reopen a closed alert afterwards if needed.\n", 0),
        ("# Vals\n\nKeep a spare key, so that you can swap the main one if needed.\n", 0),
        ("# Vals\n\nFrom time to time you may need to rebuild the cache. Run `make cache`.\n", 0),
        ("# Vals\n\nYou may need to rebuild the cache.\n", 1),
        (
            "# Vals\n\n> Ops, please stay. Everyone else, feel free to leave at your discretion.\n",
            0,
        ),
        ("# Vals\n\nLeave the call at your discretion.\n", 1),
    ],
)
def test_vague_words_that_leave_nothing_to_judge(
    compile_text: Compile, body: str, expected: int
) -> None:
    """RB101: vague words that qualify a value filled in (a placeholder, lines the page shows),
    a default whose exception the next sentence writes, a reassurance ("you can always ..."), a
    purpose ("so that you can ..."), a case that arises now and then, or a permission ("feel
    free to ...") leave nothing to judge; the same words on a change the reader must weigh are
    flagged."""
    assert len(flags(compile_text, body, "RB101")) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("# Sync\n\n1. Wait overnight for the snapshot to be copied to staging.\n", 0),
        ("# Sync\n\n1. Wait for the snapshot to be copied to staging.\n", 1),
        ("# Sync\n\nYou may go to meetings if you check the pager on a daily basis.\n", 0),
        ("# Sync\n\nBuild the assets in watch mode while you work on the styles.\n", 0),
        ("# Sync\n\nFor a leaked key, skip the wait and rotate every copy by hand.\n", 0),
        ("# Sync\n\nAcross the fleet we continuously monitor disk latency to spot bad hosts.\n", 0),
        (
            "# Sync\n\n1. If you want to use the analytics suite to watch the rollout, ask in "
            "#analytics.\n",
            0,
        ),
        ("# Sync\n\n1. Watch the rollout.\n", 1),
        ("# Sync\n\nMonitor disk latency to spot bad hosts.\n", 1),
    ],
)
def test_waits_with_a_period_or_only_described(
    compile_text: Compile, body: str, expected: int
) -> None:
    """RB106: a wait bounded by a period ("overnight", "on a daily basis") has a schedule; a
    watch mode, a wait skipped, what a team monitors (described), and a watch stated as a goal
    ("If you want to ... to watch X, ask ...") are not waits asked for; the same waits asked
    for are flagged."""
    assert len(flags(compile_text, body, "RB106")) == expected


def test_an_implied_action_is_flagged_at_the_change_itself(compile_text: Compile) -> None:
    """RB108's evidence is the change, not the words that address the reader before it."""
    found = flags(
        compile_text,
        "# Env\n\nIn a hurry, you can patch the environment variables directly on the cluster.\n",
        "RB108",
    )
    assert found == [(3, "patch the environment variables directly on the cluster")]
