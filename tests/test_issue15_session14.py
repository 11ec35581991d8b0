"""Issue 15, session 14: classes found on a random sample of unseen GitLab runbooks (seed 915),
each written here in other words than the pages that showed it, with look-alikes that must not
change."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from compiler.extract.heuristic import extract
from compiler.models import Artifact, Step
from compiler.parse import parse
from compiler.text.instructions import is_instruction

Compile = Callable[[str], Artifact]


def _steps(artifact: Artifact) -> list[Step]:
    return [s for s in artifact.steps if s.source is not None]


def _texts(text: str) -> list[str]:
    return [d.text for d in extract(parse(text), frozenset({"oc"}))]


def _kinds(text: str) -> list[tuple[str, str]]:
    return [(d.kind, d.text) for d in extract(parse(text), frozenset({"oc"}))]


def _page(body: str) -> str:
    return f"# Broker\n\n## Steps\n\n{body}\n"


# A task list's check box is no word ---------------------------------------------------------


def test_a_checked_or_open_box_before_an_instruction_is_read_past() -> None:
    assert is_instruction("[ ] Pick the release to ship by reading <https://example.org/tags>.")
    assert is_instruction("[x] Work out the digest of the image by fetching `sha256.txt`.")
    assert not is_instruction("[ ] The broker is already on the latest release.")


def test_a_box_before_a_command_in_inline_code_is_that_command() -> None:
    texts = _texts(_page("- [ ] `oc get pods -n broker`\n- [x] `oc get routes -n broker`"))
    assert texts == ["[ ] `oc get pods -n broker`", "[x] `oc get routes -n broker`"]
    assert _texts(_page("- [ ] `broker`\n- [ ] `spool`")) == []


# A condition with no comma before what it allows ------------------------------------------


def test_a_condition_holding_a_parenthesis_before_you_can_is_a_decision(
    compile_text: Compile,
) -> None:
    text = (
        "If leases go stale (e.g. the holder shows as `_orphaned_`) you can delete them and "
        "restart the broker to take them again."
    )
    steps = _steps(compile_text(_page(text)))
    assert [s.kind for s in steps[:2]] == ["decision", "action"]
    assert steps[0].condition == "If leases go stale (e.g. the holder shows as `_orphaned_`)"
    assert steps[1].effect == "destructive"


def test_a_condition_then_what_you_can_reach_is_no_instruction() -> None:
    assert not is_instruction("If leases go stale (e.g. after a failover) and you can see them.")
    assert not is_instruction("If the lease is stale (e.g. orphaned) you can be sure of a bug.")


def test_a_lead_in_describing_then_asking_under_a_condition_is_a_decision() -> None:
    body = (
        "Replication can lag for a while. If a replica still lags after 10m you can compare "
        "the WAL positions:\n\n```\noc exec replica-0 -- psql -c 'select 1'\n```"
    )
    kinds = _kinds(_page(body))
    assert [k for k, _ in kinds] == ["decision", "action"]
    look_alike = "Replication can lag for a while. It shows this:\n\n```\noc get pods\n```"
    assert [k for k, _ in _kinds(_page(look_alike))] == ["action"]


# Advice and ways put as statements ------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Now it is safe to delete the old snapshot.",
        "It's now safe to drain the node.",
        "The quickest way to fix this is to restart the broker.",
        "One option is to roll the deployment back.",
        "This easiest way to do that is to open a merge request against the chart.",
    ],
)
def test_safe_to_and_the_way_is_to_are_instructions(text: str) -> None:
    assert is_instruction(text)


@pytest.mark.parametrize(
    "text",
    [
        "It is safe to ignore the warning.",
        "It is safe to assume the data is intact.",
        "It is safe to run the check twice.",
        "The purpose of this page is to describe the broker.",
        "The goal of this check is to catch drift.",
    ],
)
def test_permission_and_purpose_are_no_instructions(text: str) -> None:
    assert not is_instruction(text)


def test_safe_to_delete_is_a_destructive_step(compile_text: Compile) -> None:
    (step,) = _steps(compile_text(_page("Now it is safe to delete the released lease.")))
    assert step.effect == "destructive"


# Definitions, prerequisites of knowledge, what happens by itself --------------------------


@pytest.mark.parametrize(
    "text",
    [
        "latency: Time taken by one request, in ms",
        "message: A longer text that explains the failure",
        "queue ms -> average time spent queued",
        "wait us -> time spent waiting",
        "You are expected to know how the broker elects a leader.",
        "You are expected to understand the retention policy before changing it.",
        "Queues should be automatically recreated by the broker on restart.",
        "Leases should automatically expire after a minute.",
    ],
)
def test_definitions_knowledge_and_automatic_behaviour_are_no_instructions(text: str) -> None:
    assert not is_instruction(text)


@pytest.mark.parametrize(
    "text",
    [
        "Note: Drain the node first.",
        "You are expected to page the broker owner.",
        "Queues should be recreated by hand after a restart.",
    ],
)
def test_their_look_alikes_stay_instructions(text: str) -> None:
    assert is_instruction(text)


# Pointers: related pages, a page to read for how, an example elsewhere --------------------


@pytest.mark.parametrize(
    "text",
    [
        "See also:\n\n- https://example.org/broker\n- https://example.org/spool",
        "See also: [the retention notes](https://example.org/retention)",
        "Read the [broker handbook](handbook.md) to learn how to rotate keys.",
        "Check the [spool runbook](spool.md) to see how to use it.",
        "Take a look at an example [merge request](https://example.org/mr/1).",
        "You can see an example of draining a broker in [this issue](https://example.org/i/2).",
    ],
)
def test_pointers_elsewhere_are_no_steps(text: str) -> None:
    assert _texts(_page(text)) == []


def test_a_check_of_a_linked_dashboard_stays_a_step() -> None:
    assert _texts(_page("Check the [broker dashboard](https://example.org/d) for errors.")) == [
        "Check the [broker dashboard](https://example.org/d) for errors."
    ]


# Commands the text writes without code marks or prompts -----------------------------------


def test_a_list_item_that_is_a_sudo_command_is_a_step(compile_text: Compile) -> None:
    steps = _steps(compile_text(_page("- Edit the unit file.\n- sudo systemctl stop broker")))
    assert [s.text for s in steps] == ["Edit the unit file.", "sudo systemctl stop broker"]
    assert steps[1].effect == "destructive"
    assert _texts(_page("- sudo access is needed for this.\n- sudo rights: ask the owner")) == []


@pytest.mark.parametrize(
    ("first", "expected"),
    [
        ("brokerctl --reset-offsets spool", "brokerctl --reset-offsets spool"),
        ("sh tools/rotate.sh -n 3", "sh tools/rotate.sh -n 3"),
        (
            'broker-psql -qtc "SELECT count(*)\nFROM leases;"',
            'broker-psql -qtc "SELECT count(*) FROM leases;"',
        ),
    ],
)
def test_the_first_line_of_an_untagged_block_with_an_option_or_a_script_is_a_command(
    first: str, expected: str
) -> None:
    body = f"Look at the offsets:\n\n```\n{first}\nOffsets reset: 4\n```"
    assert _texts(_page(body)) == [expected]


@pytest.mark.parametrize(
    "first",
    ["see docs/broker.md for details", "usage: broker [--force]", "Offsets reset: 4"],
)
def test_output_or_prose_opening_a_block_is_still_no_command(first: str) -> None:
    assert _texts(_page(f"It printed:\n\n```\n{first}\ntotal 4\n```")) == []


def test_a_zsh_percent_prompt_is_a_prompt_and_curl_progress_is_not() -> None:
    body = "The pods:\n\n```\n% oc get pods -n broker\nNAME   READY\nbroker-0   1/1\n```"
    assert _texts(_page(body)) == ["oc get pods -n broker"]
    progress = "It printed:\n\n```\n  % Total    % Received\n100  512  100  512\n```"
    assert _texts(_page(progress)) == []


# "Make sure to <verb>" asks for the verb -----------------------------------------------------


def test_make_sure_to_remove_is_a_destructive_action(compile_text: Compile) -> None:
    (step,) = _steps(compile_text(_page("Make sure to remove the stale lock file.")))
    assert (step.kind, step.effect) == ("action", "destructive")
    (look_alike,) = _steps(compile_text(_page("Make sure the stale lock file is gone.")))
    assert look_alike.kind == "check"


# Smaller classes seen while checking the above on unlabelled pages -------------------------


def test_a_trailing_in_case_is_a_precaution_not_a_decision() -> None:
    kinds = _kinds(_page("Copy the current key aside in case we need to roll back."))
    assert [k for k, _ in kinds] == ["manual"]
    conditional = _kinds(_page("Page the broker owner in case of a failed promotion."))
    assert [k for k, _ in conditional] == ["decision", "escalate"]


def test_a_condition_is_not_cut_at_the_colon_of_an_address() -> None:
    text = (
        "If the spool is saturated you can open [the busiest queue](https://example.org/d#/q/8) "
        "and pause it."
    )
    kinds = _kinds(_page(text))
    assert kinds[0] == ("decision", "If the spool is saturated")
    assert all("//example" not in t[:3] for _, t in kinds)


def test_a_name_and_its_noun_before_a_verb_is_a_subject() -> None:
    assert not is_instruction("[Change Control](https://example.org/cc) ticket was raised.")
    assert is_instruction("Change the [Broker Config](https://example.org/c) to use TLS.")


def test_safe_to_without_now_gives_leave() -> None:
    assert not is_instruction("It is safe to interrupt the sweep with SIGTERM.")
    assert is_instruction("It is now safe to interrupt the sweep with SIGTERM.")


def test_a_host_name_then_a_path_opening_a_block_is_a_monitoring_line() -> None:
    body = "The check said:\n\n```\nlb2.example.org broker_443/spool2.example.org is DOWN\n```"
    assert _texts(_page(body)) == []


def test_a_second_question_after_and_is_no_decision() -> None:
    assert [
        k
        for k, _ in _kinds(_page("Search the tracker to see if it was filed and if a fix exists."))
    ] == ["manual"]
    assert [k for k, _ in _kinds(_page("Check when the key was issued and when it expires."))] == [
        "check"
    ]
    branched = _kinds(
        _page("Look at the node with `knife node show x` and if it is empty, load it.")
    )
    assert [k for k, _ in branched] == ["decision", "check"]


def test_an_address_inside_a_condition_keeps_the_condition_whole() -> None:
    text = "If the zone is [run by us](https://example.org/zones), you will need to redeploy it."
    kinds = _kinds(_page(text))
    assert kinds[0] == ("decision", "If the zone is [run by us](https://example.org/zones)")


def test_a_command_after_its_input_redirection_is_a_destructive_step(compile_text: Compile) -> None:
    page = _page("1. Delete the listed dumps:\n   ```bash\n   < dumps.txt xargs -n1 rm -f\n   ```")
    (step,) = _steps(compile_text(page))
    assert (step.text, step.effect) == ("< dumps.txt xargs -n1 rm -f", "destructive")
    assert _texts(_page("It printed:\n\n```\n< HTTP/1.1 200 OK\n```")) == []


def test_a_hash_after_a_root_shell_is_its_prompt(compile_text: Compile) -> None:
    body = "Sweep the workers:\n\n```bash\n$ sudo -i\n# /root/sweep.sh remove-stale\n```"
    steps = _steps(compile_text(_page(body)))
    assert [s.text for s in steps] == ["sudo -i", "/root/sweep.sh remove-stale"]
    assert steps[1].effect == "destructive"
    comment = "Look:\n\n```bash\n$ oc get pods\n# a comment, not a command\n```"
    assert _texts(_page(comment)) == ["oc get pods"]


def test_in_the_event_opens_a_condition() -> None:
    text = "In the event that the spool is compromised, stop the broker at once."
    kinds = _kinds(_page(text))
    assert [k for k, _ in kinds[:1]] == ["decision"]
    assert kinds[0][1] == "In the event that the spool is compromised"
    assert not is_instruction("In the event of a spool failure the broker restarts itself.")


def test_a_program_given_by_its_path_is_a_command() -> None:
    body = '```shell\nN=30\n/opt/broker/bin/brokerbench -i -s "$N"\n./bin/sweep --dry-run\n```'
    assert _texts(_page(body)) == [
        '/opt/broker/bin/brokerbench -i -s "$N"',
        "./bin/sweep --dry-run",
    ]


def test_a_file_path_or_a_placeholder_in_angles_is_no_command() -> None:
    listing = "```bash\n/home/me/.gnupg/pubring.kbx\n```"
    assert _texts(_page(listing)) == []
    template = "The ticket holds:\n\n```bash\n<output of the following command> `oc get pods`\n```"
    assert _texts(_page(template)) == []


@pytest.mark.parametrize(
    "text",
    [
        "Stale leases must be removed by hand.",
        "The spool bucket's access list must be configured.",
        "Any heavy job unrelated to the test must be excluded (verify with `top`).",
    ],
)
def test_an_obligation_with_must_be_is_an_instruction(text: str) -> None:
    assert is_instruction(text)


@pytest.mark.parametrize(
    "text",
    [
        "The certificate must be valid.",
        "This must be used with care.",
        "The values must be considered together.",
        "Leases must be automatically renewed by the broker.",
    ],
)
def test_a_requirement_or_what_happens_by_itself_is_no_obligation(text: str) -> None:
    assert not is_instruction(text)


def test_a_condition_and_more_then_advice_is_a_decision() -> None:
    text = (
        "If the page named the edge zone, and fetches of `/raw/` fail then it's worth "
        "checking how the edge worker runs."
    )
    kinds = _kinds(_page(text))
    assert [k for k, _ in kinds] == ["decision", "manual"]
    assert kinds[1][1] == "it's worth checking how the edge worker runs."


def test_direct_someone_to_is_an_instruction() -> None:
    assert is_instruction("If details are missing, direct users to open a ticket.")
    assert is_instruction("Direct the reporter to the status page.")
    assert not is_instruction("Direct access to the spool is restricted.")


def test_having_done_something_then_an_instruction_is_an_instruction() -> None:
    assert is_instruction("Having [made your key](https://example.org/k.md), ensure it is listed.")
    assert is_instruction("Having confirmed the backup, drop the old table.")
    assert not is_instruction("Having issues with the broker is common.")
    assert not is_instruction("Having done that, the broker restarts.")


def test_what_resumes_on_its_own_is_no_obligation() -> None:
    assert not is_instruction("Replication should resume on its own.")
    assert not is_instruction("The leases should expire by themselves.")
    assert is_instruction("Replication should be resumed by hand.")


def test_see_something_for_examples_is_a_pointer() -> None:
    assert _texts(_page("See the existing spool configs for examples.")) == []
    assert _texts(_page("See whether the spool is full.")) != []


def test_what_a_tool_will_print_is_output() -> None:
    body = "And it will then trigger the sweep:\n\n```\nsweep queued\nstarted sweep/run #12\n```"
    assert _texts(_page(body)) == []
    asked = "Then trigger the sweep:\n\n```\nbrokerctl sweep --now\n```"
    assert _texts(_page(asked)) == ["brokerctl sweep --now"]


def test_a_fence_inside_a_block_quote_holds_commands(compile_text: Compile) -> None:
    body = "> If the sweep sticks, run this:\n> ```\n> oc -n spool delete job sweeper\n> ```\n"
    steps = _steps(compile_text(_page(body)))
    assert [(s.kind, s.effect) for s in steps] == [("decision", None), ("action", "destructive")]
    assert steps[1].text == "oc -n spool delete job sweeper"
    redirect = "```bash\n$ cat spool.log > /tmp/copy.log\n```"
    assert _texts(_page(redirect)) == ["cat spool.log > /tmp/copy.log"]


def test_follow_these_steps_with_its_purpose_leads_in() -> None:
    assert _texts(_page("Follow these steps, to delete the spool cluster.")) == []
    texts = _texts(_page("Follow these steps to the letter and delete the spool."))
    assert texts == ["Follow these steps to the letter", "delete the spool."]


def test_a_bold_phrase_alone_is_a_heading() -> None:
    assert _texts(_page("**Set up the broker keys**\n\nRun `oc get pods`.")) == [
        "Run `oc get pods`."
    ]
    assert _texts(_page("**Restart the broker.**")) == ["**Restart the broker.**"]
    assert _texts(_page("1. **Confirm queue length**")) == ["**Confirm queue length**"]


def test_advice_after_a_setting_phrase_is_an_instruction() -> None:
    assert is_instruction("In most cases, it is recommended to hand the sweep to CI.")
    assert not is_instruction("In most cases, it is recommended.")


def test_a_hash_line_in_a_ruby_block_is_a_comment_not_a_prompt() -> None:
    body = "Then:\n\n```ruby\n# find the stuck runs\nSweep.where(done: false)\n```"
    assert _texts(_page(body)) == ["# find the stuck runs Sweep.where(done: false)"]


def test_knowing_why_before_advice_is_no_instruction() -> None:
    assert not is_instruction("To understand why, it's necessary to explain how leases work.")


def test_a_negated_subject_is_a_prohibition_not_an_obligation() -> None:
    assert not is_instruction("No resources should be removed in the first apply.")
    assert not is_instruction("None of the leases must be deleted by hand.")
    assert is_instruction("Stale resources should be removed after the first apply.")


def test_a_numbered_item_naming_things_in_code_is_a_title() -> None:
    body = (
        "1. `Browser --> Edge`\n   * The browser connects.\n2. `Edge --> Broker` and `Edge --> DB`"
    )
    assert _texts(_page(body)) == []
    assert _texts(_page("1. `oc get pods`\n2. `oc get routes`")) == [
        "`oc get pods`",
        "`oc get routes`",
    ]


def test_a_bold_heading_is_not_reported_as_an_unplaced_instruction(compile_text: Compile) -> None:
    artifact = compile_text(_page("**Check replication:**\n\nRun `oc get pods -n spool`."))
    assert [d.code for d in artifact.diagnostics if d.code == "RB008"] == []
    assert [s.text for s in _steps(artifact)] == ["Run `oc get pods -n spool`."]


def test_an_obligation_inside_a_relative_clause_is_none() -> None:
    assert not is_instruction("The list names the fields that must be included in the record.")
    assert is_instruction("The fields must be included in the record.")
