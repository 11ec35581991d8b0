"""Issue 15, session 15: classes found on a random sample of unseen GitLab runbooks and GOV.UK
pages (seeds 10401, 10402), each written here in other words than the pages that showed it,
with look-alikes that must not change."""

from __future__ import annotations

from collections.abc import Callable

from compiler.extract.heuristic import extract
from compiler.models import Artifact
from compiler.parse import parse

from .conftest import drafted_texts as _texts
from .conftest import source_steps as _steps

Compile = Callable[[str], Artifact]


def _kinds(text: str) -> list[tuple[str, str]]:
    return [(d.kind, d.text) for d in extract(parse(text), frozenset({"oc"}))]


def _page(body: str) -> str:
    return f"# Spooler\n\n## Steps\n\n{body}\n"


# A command in inline code on a line of its own ---------------------------------------------


def test_a_paragraph_that_is_only_a_command_in_inline_code_is_that_command(
    compile_text: Compile,
) -> None:
    page = _page("To clear the stuck jobs, run this\n\n`oc -n spool delete job -l stuck=true`")
    steps = _steps(compile_text(page))
    assert [(s.kind, s.text, s.effect) for s in steps] == [
        ("action", "oc -n spool delete job -l stuck=true", "destructive")
    ]
    assert steps[0].note == "To clear the stuck jobs, run this"


def test_a_command_on_the_last_line_of_its_lead_in_paragraph_is_a_step() -> None:
    page = _page("A member can be restarted from any host with\n`sudo spoolctl restart main`")
    assert _texts(page) == ["sudo spoolctl restart main"]


def test_labelled_commands_on_lines_of_their_own_are_a_step_each() -> None:
    page = _page(
        "Staging console: `ruby bin/report.rb -a staging`\n"
        "Production console: `ruby bin/report.rb -a production`"
    )
    assert _texts(page) == ["ruby bin/report.rb -a staging", "ruby bin/report.rb -a production"]


def test_code_ending_a_sentence_that_goes_on_or_a_metric_is_no_command() -> None:
    going_on = "Some tools stop working then, such as `oc rsh` and\n`oc cp`."
    assert _texts(_page(going_on)) == []
    metric = 'The series looks like this.\n\n`spool_jobs_total {queue="mail"}`'
    assert _texts(_page(metric)) == []
    formula = "`spool_load_5m \u2013 worker_count`"
    assert _texts(_page(formula)) == []
    named = "The bucket is `spool-archive backups` for now."
    assert _texts(_page(named)) == []


# A condition with no comma before what it asks ----------------------------------------------


def test_a_condition_with_no_comma_before_you_should_or_will_need_to_is_a_decision() -> None:
    should = "If the spool keeps growing you should move it to the large tier."
    assert _kinds(_page(should)) == [
        ("decision", "If the spool keeps growing"),
        ("manual", "you should move it to the large tier."),
    ]
    need = "When the worker is still busy we will need to find out why the batch (a, b) is slow."
    assert [kind for kind, _ in _kinds(_page(need))] == ["decision", "manual"]
    assert _kinds(_page(need))[0][1] == "When the worker is still busy"


def test_what_you_should_see_or_be_after_a_condition_is_no_decision() -> None:
    assert _kinds(_page("If the restart worked you should see the workers reconnect.")) == []
    seen = _kinds(_page("If the spool is empty you should be fine to continue."))
    assert [kind for kind, _ in seen] != ["decision", "manual"]


# What reads like an instruction but points, leads in or cautions ------------------------------


def test_parts_of_the_page_to_read_or_carry_on_from_are_no_steps() -> None:
    assert _texts(_page("See the recovery cases below.")) == []
    assert _texts(_page("Carry on by following [Spool not drained](#spool-not-drained).")) == []
    assert _texts(_page("See the spool log for errors.")) == ["See the spool log for errors."]
    external = "Rotate the key by following [the rotation guide](https://example.org/keys)."
    assert _texts(_page(external)) == [external]


def test_a_lead_in_to_the_cases_below_after_an_instruction_drops_only_the_lead_in() -> None:
    texts = _texts(_page("Write down the start time, and follow one of the options below."))
    assert texts == ["Write down the start time"]
    assert _texts(_page("Follow one of the paths below.")) == []


def test_cautions_and_remarks_are_no_steps() -> None:
    assert _texts(_page("Use this with extreme caution!")) == []
    assert _texts(_page("Take care around very large spools.")) == []
    assert _texts(_page("Consider that the counters lag by a minute.")) == []
    assert _texts(_page("Use the short flag with the restart command.")) != []
    assert _texts(_page("Take care to drain the spool first.")) != []
    assert _texts(_page("Consider draining the spool.")) == ["Consider draining the spool."]


def test_the_writers_recommendation_of_an_action_is_an_instruction() -> None:
    text = "I recommend running `spoolctl stats` before the purge."
    assert _texts(_page(text)) == [text]
    assert _texts(_page("I recommend this approach for small spools.")) == []


# One step per instruction of a paragraph ---------------------------------------------------


def test_a_sentence_opening_with_a_lower_case_service_name_ends_the_one_before() -> None:
    text = (
        "Check that the spool drained. spool-worker will pick up the next batch. Pay close "
        "attention to the backlog graph."
    )
    assert _texts(_page(text)) == [
        "Check that the spool drained.",
        "Pay close attention to the backlog graph.",
    ]
    assert _texts(_page("Restart it, e.g. re-run the unit.")) == [
        "Restart it, e.g. re-run the unit."
    ]


def test_a_sentence_opening_with_and_is_read_on_its_own() -> None:
    text = "Open the queue graph. And set the range to the last six hours."
    assert _texts(_page(text)) == [
        "Open the queue graph.",
        "And set the range to the last six hours.",
    ]
    assert _texts(_page("Open the queue graph. And the range is six hours.")) == [
        "Open the queue graph."
    ]


# Mutually exclusive cases: a state, a dash and its fix ---------------------------------------


def test_a_state_a_dash_and_its_fix_in_a_list_item_is_a_decision_and_its_branch() -> None:
    page = _page(
        "- The sweeper job is suspended - In this case resume it from the console.\n"
        "- The sweeper keeps crashing - You should read its last log lines."
    )
    assert _kinds(page) == [
        ("decision", "The sweeper job is suspended"),
        ("manual", "resume it from the console."),
        ("decision", "The sweeper keeps crashing"),
        ("manual", "You should read its last log lines."),
    ]


def test_a_title_cased_name_a_dash_and_what_it_shows_is_no_step() -> None:
    assert _texts(_page("- Record Counts Over Time - Graphs of each spool's backlog")) == []
    assert _texts(_page("- Record the counts - they show the backlog")) != []


def test_a_name_and_what_it_is_or_the_readers_own_doing_before_a_dash_is_no_case() -> None:
    page = _page("- The spool in which you are working - replace <spool> in the scripts")
    assert [kind for kind, _ in _kinds(page)] != ["decision", "manual"]
    warned = _page("- \u26a0\ufe0f Jobs are not retried - make sure they are idempotent")
    assert [kind for kind, _ in _kinds(warned)][:1] != ["decision"]


# A condition leading in to its commands ----------------------------------------------------


def test_a_lead_in_that_is_only_a_condition_is_the_decision_over_its_commands() -> None:
    page = _page("If you need every queue name\n\n```\nsudo spoolctl list-queues\n```")
    assert _kinds(page) == [
        ("decision", "If you need every queue name"),
        ("action", "sudo spoolctl list-queues"),
    ]


def test_a_command_on_its_own_line_under_a_numbered_items_words_is_its_command() -> None:
    page = _page(
        "1. Log in to the spool host\n"
        "2. Should you need the full queue list (names only)\n"
        "`sudo spoolctl list-queues --names`\n"
        "3. Compare the list"
    )
    assert _kinds(page) == [
        ("manual", "Log in to the spool host"),
        ("decision", "Should you need the full queue list (names only)"),
        ("action", "sudo spoolctl list-queues --names"),
        ("check", "Compare the list"),
    ]


def test_a_condition_then_a_place_then_the_instruction_keeps_the_condition() -> None:
    text = "If you already have the broker console open, then in its queue view, select `mail`."
    assert _kinds(_page(text)) == [
        ("decision", "If you already have the broker console open"),
        ("manual", "in its queue view, select `mail`."),
    ]
    assert _kinds(_page("The page will not load, so clear the browser cache.")) == [
        ("manual", "clear the browser cache.")
    ]


def test_a_list_item_that_is_a_prompted_command_is_that_command() -> None:
    page = _page("List the hosts:\n- $ spoolctl hosts --role relay\n- $ spoolctl hosts --role edge")
    assert _kinds(page) == [
        ("action", "spoolctl hosts --role relay"),
        ("action", "spoolctl hosts --role edge"),
    ]
    assert _kinds(_page("Prices:\n- $ is the default currency\n- $ per month")) == []


def test_a_numbered_item_that_only_says_what_you_will_see_is_no_step() -> None:
    page = _page(
        "1. Press `Save`\n"
        "1. When it is saved, on the summary screen, you will see the relay listed.\n"
        "1. You will be asked for a token, paste it.\n"
        "1. `spoolctl hosts`, you should now see the relay"
    )
    assert _texts(page) == [
        "Press `Save`",
        "You will be asked for a token, paste it.",
        "`spoolctl hosts`, you should now see the relay",
    ]


def test_an_instruction_to_do_the_following_on_things_only_leads_in() -> None:
    page = _page("1. Perform the following on both relays created before\n1. Open the relay page")
    assert _texts(page) == ["Open the relay page"]
    page = _page("1. Use the following settings for the relay\n1. Open the relay page")
    assert _texts(page) == ["Use the following settings for the relay", "Open the relay page"]


# A list that only describes ----------------------------------------------------------------


def test_a_link_with_a_query_string_is_no_question_in_a_list_that_only_describes() -> None:
    page = _page(
        "1. **[Relay panel](https://dash.example.org/d/relay?orgId=1)** - shows the relay lag.\n"
        "1. **[Spool log](https://logs.example.org/goto/spool?x=1)** holds one line per job."
    )
    assert _texts(page) == []
    asked = _page("1. Is the relay lagging?\n1. Spool logs hold one line per job.")
    assert len(_texts(asked)) == 2


def test_a_numbered_description_sample_or_aside_is_no_step_by_its_number() -> None:
    page = _page(
        "1. Filter the relay logs on one host.\n"
        "1. The longer a job runs, the likelier it is to be sampled.\n"
        "1. Each log line already has a job id.\n"
        "1. **Sample query: <https://logs.example.org/goto/abc>**\n"
        "1. Note: the ids are reused after a restart.\n"
        "1. The old spool can now be deleted.\n"
        "1. The relay owners will be able to add you to the rota."
    )
    assert _texts(page) == [
        "Filter the relay logs on one host.",
        "The old spool can now be deleted.",
        "The relay owners will be able to add you to the rota.",
    ]


def test_instead_of_x_introduces_the_instruction() -> None:
    text = "Instead of grepping the whole log, filter it by the job id."
    assert _texts(_page(text)) == [text]
    assert _texts(_page("Instead of a restart, the relay reloads its config.")) == []


def test_a_symptom_message_dont_panic_and_a_purpose_after_the_following_are_no_steps() -> None:
    page = _page(
        "- Message in #spool-alerts: _Relay lag is too high_\n\n"
        "* *Don't panic*\n\n"
        "Follow these steps in order to rotate the relay token:\n\n"
        "1. Message the relay owners in #relays.\n"
        "1. Example: `spoolctl token revoke relay-01`"
    )
    assert _texts(page) == [
        "Message the relay owners in #relays.",
        "Example: `spoolctl token revoke relay-01`",
    ]


def test_what_you_want_to_do_said_to_you_is_an_instruction() -> None:
    page = _page("You generally want to record each vote the lead calls.")
    assert _texts(page) == ["You generally want to record each vote the lead calls."]
    assert _texts(_page("Here are the things you want to record as scribe.")) == []
    assert _texts(_page("So you want to run a relay?")) == []
    texts = _texts(_page("1. In the relay logs, search by the job id, then visualize the hits."))
    assert texts == ["In the relay logs, search by the job id", "visualize the hits."]


def test_a_page_to_read_by_its_bare_address_or_a_lead_in_to_options_is_no_step() -> None:
    page = _page(
        "See also https://docs.example.org/relays.html which covers the same ground.\n\n"
        "See:\n\n1. https://example.org/a\n1. https://example.org/b\n\n"
        "To rotate the token we suggest to use one of these two options:"
    )
    assert _texts(page) == []
    assert _texts(_page("See the relay log for timeouts.")) == ["See the relay log for timeouts."]


def test_what_a_lead_in_asks_before_and_run_is_a_step_before_the_commands() -> None:
    page = _page("Log in to the relay host and run:\n\n```\nsudo spoolctl status\n```")
    assert _kinds(page) == [
        ("manual", "Log in to the relay host"),
        ("action", "sudo spoolctl status"),
    ]
    page = _page("Check the disk model and type:\n\n```\nsudo lsblk -d -o name,model\n```")
    assert [kind for kind, _ in _kinds(page)] == ["action"]
    page = _page("If it is stuck, log in to the host and run:\n\n```\nsudo spoolctl restart\n```")
    assert [kind for kind, _ in _kinds(page)] == ["decision", "action"]


def test_described_items_after_a_lead_in_asking_to_look_at_them_stay_steps() -> None:
    page = _page(
        "When the relay lags, look at:\n\n"
        "1. The relay panels in the [dashboard](https://dash.example.org/d/relay?orgId=1)\n"
        "1. Check the spool error log"
    )
    assert _texts(page)[1:] == [
        "The relay panels in the [dashboard](https://dash.example.org/d/relay?orgId=1)",
        "Check the spool error log",
    ]


# Instructions inside tables ----------------------------------------------------------------


def test_instructions_in_a_tables_cells_are_steps_of_their_own() -> None:
    page = _page(
        "| Task | How |\n"
        "| --- | --- |\n"
        "| Watch the [#relay-alerts](https://chat.example.org/relay) channel | Answer questions."
        " Escalate to the owners where needed. |\n"
        "| Review the relay dashboards | Open a ticket for anything red. |\n"
    )
    assert _texts(page) == [
        "Watch the [#relay-alerts](https://chat.example.org/relay) channel",
        "Answer questions.",
        "Escalate to the owners where needed.",
        "Review the relay dashboards",
        "Open a ticket for anything red.",
    ]


def test_a_table_of_data_names_or_addresses_gives_no_steps() -> None:
    data = _page(
        "| Metric | Value |\n| --- | --- |\n| Find replicas (tested) | 3 \u00d7 4Gi |\n"
        "| Peak load | 100 users |\n"
    )
    assert _texts(data) == []
    reference = _page(
        "| App | Docs |\n| --- | --- |\n| Relay admin | https://docs.example.org/relay |\n"
        "| Spool UI | `spoolctl ui` |\n"
    )
    assert _texts(reference) == []
