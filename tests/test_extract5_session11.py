"""Issue 15, session 11 (extract5): classes of missed and false steps found on tuned cases and
on seeded random samples of unseen runbooks, each written here in other words than the pages
that showed it, with look-alikes that must not change."""

from __future__ import annotations

from collections.abc import Callable

from compiler.extract.heuristic import extract
from compiler.models import Artifact
from compiler.parse import parse
from compiler.text.instructions import instructional

from .conftest import drafted_texts as _texts
from .conftest import source_steps as _steps

Compile = Callable[[str], Artifact]


def _page(body: str) -> str:
    return f"# Spooler\n\n## Steps\n\n{body}\n"


# Obligations addressed to no one ------------------------------------------------------------


def test_a_thing_that_needs_or_has_to_be_done_is_an_instruction() -> None:
    assert instructional("The spool certificates need to be rotated before Friday.")
    assert instructional("A fresh queue for the mailer has to be created in terraform.")
    assert instructional("The old replicas have to be drained of traffic first.")
    assert instructional("The retention policy needs to be updated.")


def test_someone_named_who_must_do_something_is_an_instruction() -> None:
    assert instructional("Editors must first request access through the portal.")
    assert instructional("The duty manager must review the spool change.")


def test_need_or_must_that_is_denied_explained_or_hypothetical_is_no_instruction() -> None:
    assert not instructional("Queues do not need to be added to the legacy spooler.")
    assert not instructional("The key should not normally need to be replaced.")
    assert not instructional("Reads are faster because less data needs to be scanned.")
    assert not instructional("We know that the spooler must also parse those files.")
    assert not instructional("If it needs to be stopped for some reason (it loops).")
    assert not instructional("There may be jobs that are stale and need to be removed.")
    assert not instructional("Since the spooler would need to be restarted, it is slow.")
    assert not instructional("The pods need to be running.")
    assert not instructional("Operators must have admin rights.")
    assert not instructional("Use this at night when a spool fix must go out.")


def test_an_obligation_paragraph_becomes_a_step() -> None:
    page = _page("The spool nodes need to be drained before the upgrade can be applied.")
    assert _texts(page) == ["The spool nodes need to be drained before the upgrade can be applied."]


# A condition with no comma before its instruction -------------------------------------------


def _kinds(body: str) -> list[tuple[str, str]]:
    return [(d.kind, d.text) for d in extract(parse(_page(body)), frozenset({"oc"}))]


def test_a_condition_without_a_comma_before_an_imperative_is_a_decision() -> None:
    assert _kinds("Once approved deploy the spooler.") == [
        ("decision", "Once approved"),
        ("manual", "deploy the spooler."),
    ]
    assert _kinds("If required add a second spool disk.") == [
        ("decision", "If required"),
        ("manual", "add a second spool disk."),
    ]
    assert _kinds("When the queue is empty restart the `spooler` unit.")[0] == (
        "decision",
        "When the queue is empty",
    )
    assert _kinds("If the sync fails open a ticket with the vendor.")[0] == (
        "decision",
        "If the sync fails",
    )


def test_a_condition_whose_verb_takes_the_object_is_no_decision() -> None:
    assert _kinds("When the workers restart the queue drains slowly.") == []
    assert _kinds("If the report is run the totals change.") == []


# Two instructions in one sentence -------------------------------------------------------------


def test_a_relative_clause_ending_in_an_infinitive_shares_no_object() -> None:
    assert _kinds("1. Tick the box of the rule you wish to edit then choose **Inbound**") == [
        ("manual", "Tick the box of the rule you wish to edit"),
        ("manual", "choose **Inbound**"),
    ]
    assert _kinds("Open the spool you need to purge and press 'Empty'")[1:] == [
        ("manual", "press 'Empty'")
    ]


def test_two_verbs_after_a_modal_still_share_their_object() -> None:
    assert _kinds("You will need to review and merge the spool PR.") == [
        ("manual", "You will need to review and merge the spool PR.")
    ]


# An action suggested by what it does ---------------------------------------------------------


def test_a_gerund_with_a_linked_or_bare_object_suggesting_an_action_is_an_instruction() -> None:
    assert instructional(
        "Running [spoolctl verify](https://example.org/spoolctl) against the queue file "
        "will help you spot syntax errors."
    )
    assert instructional("Holding short failover drills with the team is a good first step.")
    assert instructional("Checking the spool logs is usually a good idea.")


def test_a_gerund_that_helps_nothing_or_is_a_noun_is_no_instruction() -> None:
    assert not instructional("Running out of spool space will not help.")
    assert not instructional("Waking the whole team at night should be a rare occurrence.")
    assert not instructional("Logging is a good way to debug.")


# "we first need to", an instruction spliced onto a statement -----------------------------------


def test_an_adverb_between_you_or_we_and_the_modal_keeps_the_instruction() -> None:
    assert instructional("To read the queue we first need to [open the console](x).")
    assert instructional("You still have to restart the spooler twice.")
    assert not instructional("You then should see the spool drain.")


def test_needing_to_know_is_no_instruction() -> None:
    assert not instructional("We only need to know one thing: is the spool down?")
    assert instructional("We need to restart the spooler.")


def test_an_instruction_spliced_onto_a_statement_is_a_step_from_the_statement() -> None:
    page = _page("* the last field of each line is the job id, copy 2 of those like `a1..b2`")
    assert _texts(page) == [
        "the last field of each line is the job id, copy 2 of those like `a1..b2`"
    ]
    asked = _page("The spool dashboard is owned by the print team, ask in #print for access.")
    assert _texts(asked) == [
        "The spool dashboard is owned by the print team, ask in #print for access."
    ]


def test_a_list_or_what_a_tool_does_after_a_comma_is_no_spliced_instruction() -> None:
    assert _texts(_page("Every pool is round-robin except for websockets, ssh and pages.")) == []
    assert _texts(_page("This will enable tracing, write dumps to `/tmp` and stop.")) == []
    assert _texts(_page("The node cannot reach the registry, pull images, or run pods.")) == []
    assert _texts(_page("The spooler is documented elsewhere, see [the guide](x).")) == []


# SQL: a statement ended by `;` before a trailing comment ---------------------------------------


def test_a_sql_statement_ends_at_its_semicolon_before_a_trailing_comment() -> None:
    page = _page(
        "```sql\nSELECT pg_sleep(60); -- one minute\n\nALTER TABLE jobs RENAME TO jobs_old;\n"
        "SELECT 'a -- b' FROM jobs\n  WHERE id = 1;\n```"
    )
    assert _texts(page) == [
        "SELECT pg_sleep(60); -- one minute",
        "ALTER TABLE jobs RENAME TO jobs_old;",
        "SELECT 'a -- b' FROM jobs WHERE id = 1;",
    ]


# What a condition allows, in the passive -----------------------------------------------------


def test_what_a_condition_allows_in_the_passive_is_its_branch(compile_text: Compile) -> None:
    page = _page("If the job is clearly a duplicate, **it can be deleted**.")
    steps = _steps(compile_text(page))
    assert [(s.kind, s.text, s.effect) for s in steps] == [
        ("decision", "If the job is clearly a duplicate", None),
        ("action", "**it can be deleted**.", "destructive"),
    ]
    assert instructional("Once the pods are evicted, the node can be untainted.")


def test_what_may_be_seen_or_a_lead_in_after_a_condition_is_no_passive_permission() -> None:
    assert not instructional("If it happens, it can be seen in the spool logs.")
    assert not instructional("If the job loops, the following query can be run:")
    assert not instructional("If triggered, it may be safely ignored.")


def test_now_that_opens_an_instruction_without_making_it_a_decision() -> None:
    assert _kinds("Now that the spool is moved, send a test job to it.") == [
        ("manual", "Now that the spool is moved, send a test job to it.")
    ]
    assert not instructional("As soon as possible, the spool should be small.")


def test_an_unlisted_verb_with_a_name_in_code_and_what_for_is_an_imperative() -> None:
    assert instructional("Graph `spool_jobs_total` to see the trend.")
    assert instructional("Hit `play` on the `deploy_spool` job.")
    assert not instructional("Field `spool_id` in the table holds the key.")
    assert not instructional("Label `tier` is set by the operator.")


def test_an_instruction_put_as_a_step_or_a_way_of_any_kind_is_one() -> None:
    assert instructional("A quick dirty way to find the jobs is to search the spool log.")
    assert instructional("First step is to check which queue holds the job.")
    assert instructional("The next step is to restart the spooler.")
    assert not instructional("The purpose of this page is to explain the spooler.")
    assert not instructional("Our goal is to restart it.")


# Duty tables -------------------------------------------------------------------------------


def test_a_duty_row_whose_guide_is_a_titled_link_is_a_step() -> None:
    table = (
        "| Task | Guide |\n| --- | --- |\n"
        "| Review spool PRs | [Reviewing spool PRs](reviewing.html) |\n"
        "| Rotate spool keys | [keys](https://example.org/keys) |\n"
    )
    assert _texts(_page(table)) == ["Review spool PRs"]


def test_what_the_reader_will_do_after_a_purpose_is_an_instruction() -> None:
    assert instructional("In order to add a spool host, you will add its name to the inventory.")
    assert instructional("To file a spool ticket, you will first need to log in.")
    assert not instructional("To deploy it, you will see a banner.")
    assert not instructional("You will be prompted for a password.")
