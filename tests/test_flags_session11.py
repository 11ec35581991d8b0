"""Session 11 (flags5, issue 16): closed-world flags on real prose. RB107 reads every code
block of any language (LABELLING: "in prose or in any code block of any language"), not only
the commands; each form is written in other words than the page it came from, with
look-alikes that must stay unflagged."""

from __future__ import annotations

import pytest

from .test_precision import Compile, flags


@pytest.mark.parametrize(
    ("body", "evidence"),
    [
        # a config snippet to apply: YAML, INI, an untagged block, a PromQL query
        (
            "# Quota\n\nApply a claim like this:\n\n```yaml\nkind: BucketClaim\nmetadata:\n"
            "  name: <claim-name>\n```\n",
            "claim-name",
        ),
        (
            "# Access\n\nAdd this profile to the config file:\n\n```ini\n[profile ops]\n"
            "role_arn = <arn of the role to take>\n```\n",
            "arn of the role to take",
        ),
        (
            "# Access\n\nAdd the entry:\n\n```\nendpoint: my-tenant.example.org\n```\n",
            "my-tenant.example.org",
        ),
        (
            "# Traffic\n\nGraph it:\n\n```promql\n"
            'rate(bytes_total{instance="<host-ip>"}[5m])\n```\n',
            "host-ip",
        ),
    ],
)
def test_placeholder_in_a_code_block_of_any_language(
    compile_text: Compile, body: str, evidence: str
) -> None:
    """A value the reader must invent in a snippet that is not a shell command."""
    assert [e for _, e in flags(compile_text, body, "RB107")] == [evidence]


@pytest.mark.parametrize(
    "body",
    [
        # a variable of the snippet's own language
        '# DNS\n\nThe listener:\n\n```hcl\nhostname = "*.${base_domain}"\n```\n',
        '# Mail\n\nThe template:\n\n```yaml\nsubject: "{{ title }}"\n```\n',
        # markup: a tag is no value
        "# Page\n\nThe banner:\n\n```html\n<banner-title>Down</banner-title>\n```\n",
        # what a program printed, announced by its lead-in
        "# Pods\n\nYou should see something like the following for each node.\n\n"
        "```\n<node-ip>   Ready\n```\n",
        "# Pods\n\nThe operator error message reads:\n\n```\nfailed to sync <claim-name>\n```\n",
        # a log line that opens with its time, a console's printed result, output marks
        "# Pods\n\nCheck:\n\n```\nE0917 11:21:46.2 sync.go:66] lease <namespace>/op lost\n```\n",
        "# Rails\n\nFind it:\n\n```ruby\nProject.find(12)\n=> #<Project id:12 group/app>\n```\n",
        "# Rails\n\nThe queue sizes:\n\n```\nBuildWorker: 20\n<snip>\n```\n",
        # a message quoted as a sentence
        "# Storage\n\nThe page reads:\n\n    Storage host <host-name> went down. Check it now.\n",
        # the value the variable is assigned is reported where the variable is used
        "# Logs\n\n```console\n$ NS='<namespace label of the alert>'\n```\n",
        # what the value is of is named in the prose
        "# Access\n\nPick the cluster you want to reach, then add:\n\n```ini\n"
        "cluster = <id of the cluster you want to reach>\n```\n",
    ],
)
def test_code_block_look_alikes_stay_unflagged(compile_text: Compile, body: str) -> None:
    assert flags(compile_text, body, "RB107") == []


def test_from_the_inline_code_is_where_the_action_is_done(compile_text: Compile) -> None:
    """ "from the `<x>` workspace" names the place an action is done, not where the value
    comes from: the placeholder is still the reader's to invent."""
    body = "# Network\n\n1. Run `terraform plan` from the `net-<stage>` workspace.\n"
    assert [e for _, e in flags(compile_text, body, "RB107")] == ["stage"]


def test_where_the_value_comes_from_still_declares(compile_text: Compile) -> None:
    body = "# Network\n\n1. Take the stage from the `stage` label, then run `plan <stage>`.\n"
    assert flags(compile_text, body, "RB107") == []


def test_a_legend_line_declares_its_placeholder(compile_text: Compile) -> None:
    """ "`<stage>` to the target stage name, e.g. `prod`" says how to fill it."""
    body = (
        "# Network\n\nIn the steps below, change:\n\n* `<stage>` to the target stage name, e.g. "
        "`prod`\n\n1. Run `plan-net --stage <stage>`.\n"
    )
    assert flags(compile_text, body, "RB107") == []


# RB108 (precision on unseen pages): a change is said with how by the page it is done on, a
# placeholder filled in is no system change, and a pointer to how right before the change.


@pytest.mark.parametrize(
    "body",
    [
        "# Tokens\n\n1. Sign in as an admin.\n1. Go to https://git.example.org/-/tokens and "
        "create a token.\n  - Enable the scope for `read_repository`.\n",
        "# Variables\n\n1. Unset the variables.\n    - Navigate to [the group settings]"
        "(https://git.example.org/groups/x/-/settings) and expand **Variables**.\n"
        "    - For the builder, remove `BUILDER_IMAGE`.\n",
    ],
)
def test_change_on_the_page_an_item_opens(compile_text: Compile, body: str) -> None:
    assert flags(compile_text, body, "RB108") == []


def test_change_after_a_long_item_without_a_page_is_flagged(compile_text: Compile) -> None:
    body = (
        "# Variables\n\n1. Unset the variables once the new code has reached every production "
        "region and the canary stage is quiet.\n    - For the builder, remove `BUILDER_IMAGE`.\n"
    )
    assert [e for _, e in flags(compile_text, body, "RB108")] == ["remove `BUILDER_IMAGE`"]


@pytest.mark.parametrize(
    "body",
    [
        "# Upgrade\n\nEdit the plan:\n\n* Change `<REGION>` to the region you upgrade\n",
        "# Upgrade\n\nEdit the plan:\n\n* Update `<ZONE>` with the zone of the node\n",
    ],
)
def test_filling_in_a_placeholder_is_no_system_change(compile_text: Compile, body: str) -> None:
    assert flags(compile_text, body, "RB108") == []


def test_a_setting_changed_is_still_a_change(compile_text: Compile) -> None:
    body = "# Upgrade\n\n* Change `max_connections` to 400 on the primary\n"
    assert len(flags(compile_text, body, "RB108")) == 1


def test_pointer_to_how_right_before_the_same_change(compile_text: Compile) -> None:
    body = (
        "# Restore\n\nFollow the [steps for rebuilding a queue index](https://docs.example.org/w)."
        "\n\nIf several indexes were dropped at the start, you will need to rebuild each of them.\n"
    )
    assert flags(compile_text, body, "RB108") == []


def test_pointer_to_another_change_before_does_not_say_how(compile_text: Compile) -> None:
    body = (
        "# Restore\n\nFollow the [steps for checking a queue index](https://docs.example.org/w)."
        "\n\nIf several indexes were dropped at the start, you will need to rebuild each of them.\n"
    )
    assert len(flags(compile_text, body, "RB108")) == 1


# Recall on the tuned groups, by classes: an imperative whose object follows "with", and a
# table read cell by cell (LABELLING's table cells are sentences of their own).


@pytest.mark.parametrize("verb", ["Pair", "Confer"])
def test_imperative_with_an_object_after_with(compile_text: Compile, verb: str) -> None:
    body = f"# Rota\n\n{verb} with platform owners where required.\n"
    assert [e for _, e in flags(compile_text, body, "RB101")] == ["where required"]


def test_description_with_with_stays_unflagged(compile_text: Compile) -> None:
    body = "# Rota\n\nRotates with every deploy where required by policy.\n"
    assert flags(compile_text, body, "RB101") == []


def test_table_cell_is_a_sentence(compile_text: Compile) -> None:
    body = (
        "# Rota\n\n| Task | What to do |\n| --- | --- |\n"
        "| Leaked keys | Notify the data owners when a key leaks. |\n"
    )
    assert [e for _, e in flags(compile_text, body, "RB103")] == ["the data owners"]


def test_table_cell_that_describes_stays_unflagged(compile_text: Compile) -> None:
    body = (
        "# Rota\n\n| Task | What happens |\n| --- | --- |\n"
        "| Leaked keys | The data owners are notified by the scanner. |\n"
    )
    assert flags(compile_text, body, "RB103") == []


def test_cell_sentences_keep_offsets() -> None:
    from compiler.text.sentences import cell_sentences

    text = "| a | Run `x | y` now. Then stop. |\n| --- | --- |\n| b | c |"
    found = [(s.text, text[s.start : s.end]) for s in cell_sentences(text)]
    assert [t for t, _ in found] == ["a", "Run `x | y` now.", "Then stop.", "b", "c"]
    assert all(t == raw for t, raw in found)


@pytest.mark.parametrize(
    ("body", "evidence"),
    [
        (
            "# Cutover\n\nReview the failed checks and either retry or open a new ticket.\n",
            "either retry or open",
        ),
        (
            "# Cutover\n\nWe need to either add more workers or move the queue.\n",
            "either add more workers or move",
        ),
        (
            "# Cutover\n\nIf the change runs at night the owners may not answer, and you can go "
            "on with the remaining steps at your own discretion.\n",
            "at your own discretion",
        ),
    ],
)
def test_choice_left_to_the_reader(compile_text: Compile, body: str, evidence: str) -> None:
    """RB101: two actions offered with nothing to decide between them; a discretion that is
    the reader's "own"."""
    assert [e for _, e in flags(compile_text, body, "RB101")] == [evidence]


@pytest.mark.parametrize(
    "body",
    [
        # a stated end that either way reaches
        "# Banner\n\nTo hide the banner, either delete or set to `false` the `show_banner` key.\n",
        # quoted as someone's words
        '# Calls\n\nIt was not "We can either pause the rollout or roll it back, which one?".\n',
        # a choice of means, no second action
        "# Access\n\nLog in either via the console or the CLI.\n",
    ],
)
def test_choice_look_alikes_stay_unflagged(compile_text: Compile, body: str) -> None:
    assert flags(compile_text, body, "RB101") == []


def test_section_opening_sums_up_the_commands_after_it(compile_text: Compile) -> None:
    """RB108: the paragraph that opens a section and sums up its procedure, the commands that
    carry it out right after it ("you can roll the claim back to its old size." then "If the
    claim still exists, remove it with:" and the command)."""
    body = (
        "# Resize\n\n## Undo\n\nShould the resize go wrong, you can simply revert the volume "
        "set to its previous size.\n\nIf the set still exists, remove it first:\n\n```\n"
        "kubectl -n store delete --cascade=orphan sts/store-0\n```\n"
    )
    assert flags(compile_text, body, "RB108") == []


@pytest.mark.parametrize(
    "after",
    [
        "Its size can be seen like this:\n\n```\nkubectl -n store get sts store-0\n```\n",
        "### Find the volume\n\n```\nkubectl -n store delete pvc data-0\n```\n",
    ],
)
def test_section_opening_without_changing_commands_is_flagged(
    compile_text: Compile, after: str
) -> None:
    body = (
        "# Resize\n\n## Undo\n\nShould the resize go wrong, you can simply revert the volume "
        "set to its previous size.\n\n" + after
    )
    assert len(flags(compile_text, body, "RB108")) == 1


@pytest.mark.parametrize(
    "body",
    [
        "# Access\n\n1. Log in to the portal at https://portal.example.net.\n2. Pick the tenant.\n",
        "# Access\n\n> Note: If you need longer, you can renew your access grant at any time "
        "using the same process as the first request.\n",
    ],
)
def test_change_at_a_web_page_or_as_before_says_how(compile_text: Compile, body: str) -> None:
    """RB108: the page the change is done on is given by its address; "the same process as"
    points at how, written before."""
    assert flags(compile_text, body, "RB108") == []


def test_change_with_a_different_process_is_flagged(compile_text: Compile) -> None:
    body = (
        "# Access\n\n> Note: If you need longer, you can renew your access grant at any time "
        "with a new process.\n"
    )
    assert len(flags(compile_text, body, "RB108")) == 1


def test_code_comment_that_says_how_to_fill_declares(compile_text: Compile) -> None:
    body = (
        "# Balancer\n\n```console\n$ kubectl -n edge get svc\n"
        "# Substitute <lb-name> with a name from the list above\n"
        "$ kubectl -n edge describe svc <lb-name>\n```\n"
    )
    assert flags(compile_text, body, "RB107") == []


def test_code_comment_that_only_uses_the_value_does_not_declare(compile_text: Compile) -> None:
    body = (
        "# Balancer\n\n```console\n# save the output into <lb-name>.txt\n"
        "$ kubectl -n edge describe svc <lb-name>\n```\n"
    )
    assert [e for _, e in flags(compile_text, body, "RB107")] == ["lb-name"]


def test_look_up_at_a_linked_page_says_where(compile_text: Compile) -> None:
    body = (
        "# Checks\n\n## Possible checks\n\n1. Check Hetzner status on Twitter: "
        "[@hetzner_status](https://twitter.com/hetzner_status).\n\n1. SSH into the machine.\n"
    )
    assert flags(compile_text, body, "RB108") == []


@pytest.mark.parametrize(
    "body",
    [
        "# Checks\n\n## Possible checks\n\n1. Check Hetzner status on Twitter.\n\n"
        "1. SSH into the machine.\n",
        "# Checks\n\n## Possible checks\n\n1. Check Hetzner status on Twitter, as the "
        "[docs](https://hetzner.example/docs/status) say.\n\n1. SSH into the machine.\n",
    ],
)
def test_look_up_in_a_named_system_without_its_page(compile_text: Compile, body: str) -> None:
    assert len(flags(compile_text, body, "RB108")) == 1


# Session 11 (flags6): RB103, RB104 and RB108 on forms seen on tuned and unseen pages.


@pytest.mark.parametrize(
    "sentence",
    [
        "Before starting the database failover contact the platform owners so they know.",
        "After restoring the snapshot contact the storage operators to confirm the size.",
    ],
)
def test_contact_after_a_time_phrase_with_no_comma(compile_text: Compile, sentence: str) -> None:
    """RB103: the imperative after a gerund's time phrase with no comma ("Before commencing
    any work contact the affected teams") is a contact the reader must make."""
    found = flags(compile_text, f"# Failover\n\n{sentence}\n", "RB103")
    assert len(found) == 1


@pytest.mark.parametrize(
    "sentence",
    [
        "Before the failover the contact owners are listed in the sheet.",
        "When running the script the contact form is shown to users.",
    ],
)
def test_contact_as_a_noun_after_a_time_phrase(compile_text: Compile, sentence: str) -> None:
    assert flags(compile_text, f"# Failover\n\n{sentence}\n", "RB103") == []


@pytest.mark.parametrize(
    "body",
    [
        "# Load\n\n- Drain the old hosts, see [Draining a host](./drain-host.md).\n",
        "# Load\n\n1. Purge the stale jobs: follow the steps described in `docs/jobs/purge.md` "
        "of this repository.\n",
        "# Load\n\nTo clear the queue and purge stale jobs follow the steps described in "
        "`docs/jobs/purge.md` of this repository.\n",
    ],
)
def test_change_whose_sentence_points_at_its_steps(compile_text: Compile, body: str) -> None:
    """RB108: the sentence of the change points at the page its steps are written on (a page
    whose title holds the change's verb, or "the steps described in" a named page)."""
    assert flags(compile_text, body, "RB108") == []


@pytest.mark.parametrize(
    ("body", "evidence"),
    [
        # the page is about the first change only: the second is still flagged
        (
            "# Load\n\n- Drain the old hosts, then replace them, see "
            "[Draining a host](./drain-host.md).\n",
            "replace them",
        ),
        # the link is where to look (a graph), not how to change
        (
            "# Load\n\n- Drain the old hosts, see [the drain graph](https://grafana.example.org/d/x)."
            "\n",
            "Drain the old hosts",
        ),
        # the steps are said by a person, not written on a page
        (
            "# Load\n\nTo clear the queue and purge stale jobs follow the steps described by "
            "the on-call lead.\n",
            "purge stale jobs follow the steps described by the on-call lead",
        ),
    ],
)
def test_change_beside_a_pointer_elsewhere_is_flagged(
    compile_text: Compile, body: str, evidence: str
) -> None:
    assert [e for _, e in flags(compile_text, body, "RB108")] == [evidence]


def test_watch_after_a_time_phrase_with_no_comma(compile_text: Compile) -> None:
    """RB106: "After restarting X keep an eye on Y" is a watch the reader is told to keep."""
    body = (
        "# Queue\n\nThe backlog may be high for a while. After restarting the worker keep an "
        "eye on the queue depth to ensure that it falls.\n"
    )
    assert len(flags(compile_text, body, "RB106")) == 1
    quiet = "# Queue\n\nThe backlog may be high. After restarting the worker the queue falls.\n"
    assert flags(compile_text, quiet, "RB106") == []


def test_standard_process_with_two_joined_modifiers(compile_text: Compile) -> None:
    """RB104: "the standard X and Y process" is "the standard process" with a joined modifier."""
    body = "# Release\n\n1. Ship the fix through the standard build and release process.\n"
    assert [e for _, e in flags(compile_text, body, "RB104")] == [
        "the standard build and release process"
    ]


@pytest.mark.parametrize(
    "body",
    [
        "# Release\n\n1. Ship the fix through the standard build and release process described "
        "below.\n\n## Build\n\nRun make.\n",
        "# Release\n\nThe team ships fixes through the standard build and release process.\n",
    ],
)
def test_standard_process_on_the_page_or_described(compile_text: Compile, body: str) -> None:
    assert flags(compile_text, body, "RB104") == []


def test_how_to_link_does_not_reach_the_actor(compile_text: Compile) -> None:
    """RB103: a link to a page of written steps is no contact-page link (LABELLING)."""
    body = (
        "# Zones\n\nYou will require Network Engineering to help create the zones; the steps "
        "are written [here](https://docs.example.org/how-to/zones.html).\n"
    )
    assert [e for _, e in flags(compile_text, body, "RB103")] == ["Network Engineering"]


@pytest.mark.parametrize(
    "link",
    [
        "reach them [here](https://docs.example.org/how-to/contact-network.html)",
        "see [their page](https://wiki.example.org/teams/network)",
    ],
)
def test_contact_or_team_page_link_reaches_the_actor(compile_text: Compile, link: str) -> None:
    body = f"# Zones\n\nYou will require Network Engineering to help create the zones, {link}.\n"
    assert flags(compile_text, body, "RB103") == []


def test_link_on_the_contact_words_is_about_the_actor(compile_text: Compile) -> None:
    body = (
        "# Errors\n\n1. **Failures must be seen.** Services should [send exceptions to Rollbar]"
        "(/manual/error-reporting.html). Services must not hide errors.\n"
    )
    assert flags(compile_text, body, "RB103") == []
