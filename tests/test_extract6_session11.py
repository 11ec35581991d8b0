"""Issue 15, session 11 (extract6): a way in before a lead-in, numbered instruction headings,
two verbs over one bare object, commands in subshells and groups; each in other words
than the pages that showed it, with look-alikes that must not change."""

from __future__ import annotations

from collections.abc import Callable

from compiler.extract.heuristic import extract
from compiler.models import Artifact
from compiler.parse import parse
from compiler.text.instructions import instructional
from compiler.text.shell import group_of, reads_as_sentence

from .conftest import drafted_texts as _texts


def _page(body: str) -> str:
    return f"# Mailer\n\n## Steps\n\n{body}\n"


# A way in before a lead-in's last sentence --------------------------------------------------


def test_a_way_in_before_the_lead_in_of_commands_is_a_step_of_its_own() -> None:
    page = _page("SSH into the mail relay. List the held messages:\n\n```\noc get jobs\n```")
    assert _texts(page) == ["SSH into the mail relay.", "oc get jobs"]
    page = _page("Sign in to the console. Show the queues:\n\n```\noc get queues\n```")
    assert _texts(page) == ["Sign in to the console.", "oc get queues"]


def test_other_sentences_before_the_lead_in_stay_its_note() -> None:
    page = _page("The relay holds its mail. List the held messages:\n\n```\noc get jobs\n```")
    assert _texts(page) == ["oc get jobs"]
    drafts = extract(parse(_page("The relay holds mail. Show it:\n\n```\noc get jobs\n```")))
    assert [d.kind for d in drafts] == ["action"]


# A numbered heading that destroys, over a body that only confirms or checks ----------------


def _numbered(body: str) -> list[str]:
    return _texts(
        f"# Exports\n\n### 2. Purge the stale exports\n\n{body}\n\n### 3. Tell the team\n"
    )


def test_a_numbered_destroying_heading_over_a_confirmation_is_a_step() -> None:
    texts = _numbered("You will have to confirm the purge in the dialog box.")
    assert texts[0] == "Purge the stale exports"
    assert "You will have to confirm the purge in the dialog box." in texts


def test_a_numbered_destroying_heading_over_its_destroying_steps_is_their_title() -> None:
    for body in (
        "Run `exportctl purge --stale` on the archive host.",
        "In the console run `StaleExportPurgeJob.perform_now`.",
        "```\nrm -rf /srv/exports/stale\n```",
        "Remove every export older than a year from the bucket.",
    ):
        assert "Purge the stale exports" not in _numbered(body), body


# Two verbs over one bare object ----------------------------------------------------------


def test_an_unlisted_verb_paired_with_a_listed_one_over_a_bare_noun_is_an_instruction() -> None:
    assert instructional("Squash and push commits.")
    assert instructional("Lint and deploy charts:")
    assert _texts(_page("1. Squash and push commits. Open the MR.\n2. Merge it.")) == [
        "Squash and push commits.",
        "Open the MR.",
        "Merge it.",
    ]


def test_a_noun_pair_or_a_title_is_no_paired_instruction() -> None:
    assert not instructional("Squash and merge commits are kept apart.")
    assert not instructional("Metadata and restart counts")
    assert not instructional("Inventory and check boxes")


# Commands in ( ) subshells and { } groups --------------------------------------------------


def _block(code: str) -> list[tuple[str, str | None, list[str]]]:
    drafts = extract(
        parse(f"# Mailer\n\n## Steps\n\nRun:\n\n```shell\n{code}\n```\n"),
        frozenset({"oc", "rm", "ls"}),
    )
    return [(d.text, d.command, [c.text for c in d.context]) for d in drafts]


def test_a_command_in_a_subshell_or_a_group_is_a_command_step() -> None:
    assert _block("(oc delete pod mailer-0)") == [
        ("oc delete pod mailer-0", "oc delete pod mailer-0", [])
    ]
    assert _block("{ oc delete pod mailer-0; }") == [
        ("oc delete pod mailer-0", "oc delete pod mailer-0", [])
    ]
    prompted = extract(parse("# M\n\n## Steps\n\n```\n$ ( oc delete pod mailer-0 )\n```\n"))
    assert [d.command for d in prompted] == ["oc delete pod mailer-0"]


def test_a_cd_inside_a_subshell_ends_with_it_and_inside_a_group_carries_on() -> None:
    assert _block("(cd /var/spool && rm -rf held)\nls") == [
        ("cd /var/spool && rm -rf held", "cd /var/spool && rm -rf held", ["cd /var/spool"]),
        ("ls", "ls", []),
    ]
    assert _block("{ cd /var/spool; rm -rf held; }\nls") == [
        ("cd /var/spool; rm -rf held", "cd /var/spool; rm -rf held", ["cd /var/spool"]),
        ("ls", "ls", ["cd /var/spool"]),
    ]
    assert _block("(cd /var/spool)\nls") == [("ls", "ls", [])]


def test_no_group_is_read_into_arithmetic_brace_expansion_or_two_groups() -> None:
    assert group_of("(( held++ ))") is None
    assert group_of("{a,b}") is None
    assert group_of("(oc get pods) && (oc get jobs)") is None
    assert group_of("{ oc get pods }") is None  # no `;` before `}`: sh reads on
    found = group_of("(echo ')' ; rm held)")
    assert found is not None and found.subshell and (found.start, found.end) == (1, 19)


def test_a_command_in_a_subshell_compiles_as_the_command_alone(
    compile_text: Callable[[str], Artifact],
) -> None:
    def compiled(code: str) -> tuple[list[tuple[str, str | None, str | None]], list[str]]:
        art = compile_text(f"# Mailer\n\n## Steps\n\nRun:\n\n```shell\n{code}\n```\n")
        steps = [(s.kind, s.effect, s.tool) for s in art.steps if s.source is not None]
        return steps, [f"{d.code} {d.message}" for d in art.diagnostics]

    alone = compiled("kubectl delete pod mailer-0")
    assert alone[0] == [("action", "destructive", None)]
    assert compiled("(kubectl delete pod mailer-0)") == alone  # bound as `kubectl`, not `(kubectl`


# A sentence under a command in an unprompted block (session 11, extract7) -----------------


def _untagged(code: str) -> list[str]:
    return _texts(f"# Mailer\n\n## Steps\n\nList the held jobs:\n\n```\n{code}\n```\n")


def test_a_sentence_under_a_command_is_its_output_not_a_step() -> None:
    assert _untagged("oc get jobs -n mail\nno jobs are held in the queue") == [
        "oc get jobs -n mail"
    ]
    assert _untagged("oc get jobs -n mail\n(nothing to show for this namespace)") == [
        "oc get jobs -n mail"
    ]
    assert _untagged("oc get jobs\nthe queue is empty.\noc get pods") == [
        "oc get jobs",
        "oc get pods",
    ]
    assert [t for t, _, _ in _block("oc get jobs\nnothing was found in your queue")] == [
        "oc get jobs"
    ]


def test_commands_that_read_like_words_stay_commands() -> None:
    # a known program, an option, a path, an assignment, a shell keyword: never output
    assert _untagged("oc get jobs\noc adm drain the node") == [
        "oc get jobs",
        "oc adm drain the node",
    ]
    assert _untagged("oc get jobs\nrelay flush --all of them") == [
        "oc get jobs",
        "relay flush --all of them",
    ]
    assert _untagged("oc get jobs\n./bin/flush the queue") == [
        "oc get jobs",
        "./bin/flush the queue",
    ]
    assert _block("oc get jobs\nrelay flush the-queue now") == [
        ("oc get jobs", "oc get jobs", []),
        ("relay flush the-queue now", "relay flush the-queue now", []),
    ]
    # the first line of a block: nothing ran before it, so it is no output
    assert [t for t, _, _ in _block("flush the queue")] == ["flush the queue"]


def test_reads_as_sentence_wants_plain_words_and_a_word_of_a_sentence() -> None:
    assert reads_as_sentence("no resources found")
    assert reads_as_sentence("(No jobs in the queue.)")
    assert reads_as_sentence("Waiting for the rollout to finish...")
    assert not reads_as_sentence("relay flush queue")  # no closed-class word
    assert not reads_as_sentence("for job in the queue")  # a shell loop
    assert not reads_as_sentence("flush the queue --now")
    assert not reads_as_sentence("copy the 3 files")
    assert not reads_as_sentence("remove")


def test_a_sentence_that_opens_with_an_acting_word_stays_a_command() -> None:
    """Under a command, `reboot the host now` reads as words of a sentence, but its program
    would reboot: a destructive line is never taken for output (lead, session 11)."""
    from compiler.extract.heuristic.commands import _reads_as_output

    known = frozenset({"kubectl"})
    assert _reads_as_output("no resources found", known)
    assert not _reads_as_output("reboot the host now", known)
    assert not _reads_as_output("drop the table", known)
