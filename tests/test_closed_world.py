"""Issue 16, closed world: what resolves a condition, a wait, an actor, an action or a
placeholder, and what does not (each case is a general form, not a labelled case's text)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from compiler.models import Artifact
from compiler.text.actors import defined_roles, initials, own_team, unmodified
from compiler.text.conditions import precaution

Compile = Callable[[str], Artifact]
FRONT = "---\nid: t\nowner: team-x\nescalation: {role: team-x, after: 15m}\n---\n"


def flags(compile_text: Compile, body: str, code: str) -> list[tuple[int, str]]:
    artifact = compile_text(FRONT + body)
    return [(d.line - 5, d.evidence) for d in artifact.diagnostics if d.code == code]


def test_roles_the_document_defines() -> None:
    roles = defined_roles(
        ["Steps for Incident Commander", "What is On-Call?", "Assemble Response Team"],
        ["**Scribe** - takes notes", "The Subject Matter Expert (SME) helps."],
    )
    assert {"Incident Commander", "IC", "On-Call", "Response Team", "Scribe", "SME"} <= roles
    assert initials("Subject Matter Experts") == "SME"
    assert unmodified("the next on-call") == "the on-call"
    assert own_team("other team members") and not own_team("another team")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("# Steps for Incident Commander\n\n1. Page the IC now.\n", 0),
        ("# What is On-Call?\n\n1. Let the next on-call know.\n", 0),
        ("# Steps\n\n1. Page the IC now.\n", 1),
        ("# Steps\n\n1. Invite all responders to the voice call.\n", 0),
        ("# Steps for Incident Commander\n\n1. Page others as directed by the IC.\n", 0),
        ("# Steps\n\n1. Talk with the application owner.\n", 1),
        ("# Steps\n\n1. Get in touch with the customers' security teams.\n", 1),
    ],
)
def test_actors_resolve_or_flag(compile_text: Compile, body: str, expected: int) -> None:
    assert len(flags(compile_text, body, "RB103")) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("# Fix\n\n1. Verify that the host is healthy, if not move the pods.\n", 1),
        ("# Fix\n\n1. If renewal keeps failing, page team-x.\n", 1),
        ("# Fix\n\n1. Escalate if you cannot fix it within a reasonable timeframe.\n", 1),
        ("# Fix\n\n1. Monitor logs for unusual activity.\n", 1),
        ("# Fix\n\n1. If the pod is `Pending`, delete it with `oc delete pod x`.\n", 0),
        ("# Fix\n\n1. If there are problems with the data in `Foo`, read its logs.\n", 1),
        ("# Fix\n\n1. Only once you are confident (via forensic analysis), tell team-x.\n", 0),
        ("# Fix\n\n1. If an issue keeps happening; if it alerts often, tell team-x.\n", 1),
    ],
)
def test_conditions_decidable_or_flagged(compile_text: Compile, body: str, expected: int) -> None:
    assert len(flags(compile_text, body, "RB102")) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("# Fix\n\n1. Occasionally check on the progress of the fix.\n", 1),
        ("# Fix\n\n1. Wait for the new certificate to be issued.\n", 1),
        ("# Fix\n\nIf an upgrade runs, the alert may resolve in some time.\n", 1),
        ("# Fix\n\n1. Wait up to 10 minutes for the new certificate to be issued.\n", 0),
        ("# Fix\n\n1. Monitor the incident, and notify team-x if it escalates.\n", 0),
        ("# Fix\n\n1. Follow the fix progress, and post the message once it is ready.\n", 1),
    ],
)
def test_waits_bounded_or_flagged(compile_text: Compile, body: str, expected: int) -> None:
    assert len(flags(compile_text, body, "RB106")) == expected


def test_an_action_detailed_elsewhere_is_flagged_where_it_is_detailed(
    compile_text: Compile,
) -> None:
    body = (
        "# Checklist\n\n1. Isolate affected hosts.\n2. Tell team-x.\n\n"
        "## Isolate Affected Hosts\n\n* Blacklist the IP addresses of the hosts.\n"
    )
    assert [line for line, _ in flags(compile_text, body, "RB108")] == [8]  # the bullet


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("# Fix\n\n* **Bad Deployment:** Roll it back.\n", 1),
        ("# Fix\n\n1. Check the ceph daemons and take corrective measures.\n", 1),
        ("# Fix\n\n1. Roll back `alertmanager.yaml` to the previous version.\n", 1),
        ("# Fix\n\n1. Restart it with `systemctl restart foo`.\n", 0),
        ("# Fix\n\n* Disks that fill up, logs that should be rotated.\n", 0),
        ("# Fix\n\nRemove unused images:\n\n```shell\n# TODO: command needed\n```\n", 1),
    ],
)
def test_actions_say_how_or_flag(compile_text: Compile, body: str, expected: int) -> None:
    assert len(flags(compile_text, body, "RB108")) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # a setting changed in prose, with no command: flagged
        ("When the quota is reached, add the namespace to the exemption list.", 1),
        ("If the backlog keeps growing, you will need more consumer replicas for the queue.", 1),
        ("If the VM is stopped, check the cloud provider to see whether it was retired.", 1),
        (
            "If memory is short, you can lower the cache size by changing `cacheMB` in your "
            "[ServerConfig](https://example.org/docs/server/config/).",
            1,
        ),
        ("Be sure to define sensible request values for the sidecar.", 1),
        # said how, or not a change: not flagged
        ("If the quota is reached, add the namespace to the list with `quota-ctl exempt ns`.", 0),
        ("Define what a good hand-over looks like for the rotation.", 0),
        ("If the queue stalls, you will need more patience than usual.", 0),
        (
            "If memory is short, lower the cache size in the [Admin Panel](https://admin.example.org"
            "/settings).",
            0,
        ),
    ],
)
def test_settings_changed_in_prose_say_how_or_flag(
    compile_text: Compile, sentence: str, expected: int
) -> None:
    body = f"# Mitigation\n\n{sentence}\n"
    assert len(flags(compile_text, body, "RB108")) == expected


@pytest.mark.parametrize(
    "command",
    [
        "oc logs hypershift-agent-XXXXX -n ns",
        "kubectl -n my-namespace get pods",
        "kubectl --kubeconfig /path/to/kubeconfig get pods",
        "curl http://localhost:[port number]/healthz",
    ],
)
def test_placeholders_written_as_text(compile_text: Compile, command: str) -> None:
    body = f"# Fix\n\n1. Look:\n\n```console\n$ {command}\n```\n"
    assert len(flags(compile_text, body, "RB107")) == 1


def test_a_placeholder_in_prose_is_flagged_once(compile_text: Compile) -> None:
    body = (
        "# Fix\n\nThe `agent-XXXXX` pod counts it.\n\n1. Open the `agent-XXXXX` pod.\n"
        "2. Read the `agent-XXXXX` pod's logs.\n"
    )
    assert len(flags(compile_text, body, "RB107")) == 1


def test_a_placeholder_is_flagged_once_per_document_on_its_first_line(
    compile_text: Compile,
) -> None:
    """LABELLING.md: once per distinct placeholder, on its first line: a later command or
    prose line that repeats it (in any spelling of the same name) is not flagged again; a
    different placeholder is."""
    body = (
        "# Drain\n\n1. Cordon it:\n\n```console\n$ kubectl cordon ${TARGET_HOST}\n```\n\n"
        "2. Drain it:\n\n```console\n$ kubectl drain <target-host> --force\n```\n\n"
        "3. Note `$TARGET_HOST` in the log, then uncordon it:\n\n"
        "```console\n$ kubectl uncordon $TARGET_HOST --context $KUBE_CONTEXT\n```\n"
    )
    assert flags(compile_text, body, "RB107") == [(6, "target_host"), (18, "kube_context")]


@pytest.mark.parametrize(
    ("sentence", "code", "expected"),
    [
        # contacts said in other words: flagged unless the actor resolves
        ("After the fix, follow up with the platform owners about the root cause.", "RB103", 1),
        ("Check in with the database experts every hour.", "RB103", 1),
        ("Make sure the regional managers are notified of the outage.", "RB103", 1),
        ("Pick an owner for each task, and check in with that person after an hour.", "RB103", 0),
        ("Low-urgency page to storage team.", "RB103", 0),
        ("If the rollout fails twice, escalate to engineering.", "RB103", 1),
        ("Keep the finance leads updated every half hour.", "RB103", 1),
        ("Raise the concern with the owning team before the freeze.", "RB103", 1),
        ("Raise the concern with the owning team before the freeze.", "RB108", 0),
        ("Today we keep the finance leads in the loop by hand.", "RB103", 0),
        # a state nobody measures
        ("When the error rate settles down, close the incident.", "RB102", 1),
        ("If the replica set is in a weird state, scale it to zero.", "RB102", 1),
        ("If the WAL volume is nearly exhausted, page the storage on-call.", "RB102", 1),
        ("If the report says the bucket is close to its quota, archive old objects.", "RB102", 1),
        ("If the bucket is within 5% of its quota, archive old objects.", "RB102", 0),
        ("Once the cluster stabilises, resume the deploys.", "RB102", 1),
        ("Once the queue depth is below 100, re-enable the cron jobs.", "RB102", 0),
        # left to the reader
        ("Apply your own discretion when sharing logs with the vendor.", "RB101", 0),
        ("Use your discretion when sharing logs with the vendor.", "RB101", 1),
    ],
)
def test_assumptions_said_in_other_words(
    compile_text: Compile, sentence: str, code: str, expected: int
) -> None:
    assert len(flags(compile_text, f"# Respond\n\n{sentence}\n", code)) == expected


def test_html_blocks_are_read_as_prose(compile_text: Compile) -> None:
    """A table or list written in HTML is read without its tags; an HTML comment is not."""
    body = (
        "# Levels\n\n<table>\n  <tr>\n    <td>\n      <ul>\n"
        "        <li>Escalate to the vendor if you feel it is needed.</li>\n"
        "        <li>Drain the node if required (<code>node-drain</code>).</li>\n"
        "      </ul>\n    </td>\n  </tr>\n</table>\n\n<!-- restart it when appropriate -->\n"
    )
    assert [line for line, _ in flags(compile_text, body, "RB101")] == [7, 8]


@pytest.mark.parametrize(
    ("front", "owner"),
    [
        ("owner: team-a", "team-a"),
        ("owner_slack: '#team-b'", "#team-b"),
        ("team: team-c", "team-c"),
        ("owners: [team-d, team-e]", "team-d, team-e"),
    ],
)
def test_owner_from_common_front_matter_keys(compile_text: Compile, front: str, owner: str) -> None:
    artifact = compile_text(f"---\nid: t\n{front}\n---\n# T\n\n1. Run `oc get pods`.\n")
    assert artifact.runbook.owner == owner
    assert not [d for d in artifact.diagnostics if d.code == "RB110"]


@pytest.mark.parametrize(
    "tail",
    [
        "## Escalation\n\nThe storage team.\n",
        "If it still fails, escalate in [#storage](https://chat.example/storage).\n",
        "If it still fails, please connect with Red Hat Support.\n",
    ],
)
def test_escalation_written_in_the_prose(compile_text: Compile, tail: str) -> None:
    artifact = compile_text(
        f"---\nid: t\nowner: team-a\n---\n# T\n\n1. Run `oc get pods`.\n\n{tail}"
    )
    assert not [d for d in artifact.diagnostics if d.code == "RB109"]


def test_no_escalation_or_owner_flags_without_a_procedure(compile_text: Compile) -> None:
    artifact = compile_text("# Reading list\n\nSome background on the system.\n")
    assert not [d for d in artifact.diagnostics if d.code in ("RB109", "RB110")]


def test_a_review_date_in_the_text_is_read(compile_text: Compile) -> None:
    artifact = compile_text(
        "---\nid: t\nowner: team-a\n---\n# T\n\nLast Reviewed: 2001-01-01\n\n"
        "1. Run `oc get pods`.\n"
    )
    stale = [d for d in artifact.diagnostics if d.code == "RB111"]
    assert [(d.line, d.evidence) for d in stale] == [(7, "2001-01-01")]


def test_an_undecidable_decision_is_a_human_gate(compile_text: Compile) -> None:
    body = "# Fix\n\n1. If you don't find a common cause, page team-x.\n2. Run `oc get pods`.\n"
    decisions = [s for s in compile_text(FRONT + body).steps if s.kind == "decision"]
    assert decisions and all(s.gate == "human" for s in decisions)
    body = "# Fix\n\n1. If the pod is `Pending`, run `oc get pods`.\n"
    decided = [s for s in compile_text(FRONT + body).steps if s.kind == "decision"]
    assert decided and all(s.gate == "auto" for s in decided)


@pytest.mark.parametrize(
    "condition",
    [
        "If you don't find a common cause",
        "If we cannot identify the faulty release",
        "When you believe the rollout never finished",
        "Whenever the team feels uneasy about the change",
    ],
)
def test_an_undecidable_decision_is_flagged_and_never_ready(
    compile_text: Compile, condition: str
) -> None:
    """Item 5: a decision nothing written decides is a human gate, flagged (RB101 when no
    text rule already flags its words), and the runbook is never `ready`."""
    artifact = compile_text(
        FRONT + f"# Fix\n\n1. {condition}, page team-x.\n2. Run `oc get pods`.\n"
    )
    decisions = [s for s in artifact.steps if s.kind == "decision"]
    assert decisions and all(s.gate == "human" for s in decisions)
    flagged = [d for d in artifact.diagnostics if d.code in ("RB101", "RB102") and d.line == 8]
    assert len(flagged) == 1 and artifact.status == "blocked"


@pytest.mark.parametrize(
    "condition",
    [
        "If the pod is `Pending`",
        "Once the bridge call is over",
        "If a placement policy is configured",
        "When the nightly job ends",
        "If you cannot join the bridge call",
    ],
)
def test_a_stated_case_is_decided_and_not_flagged(compile_text: Compile, condition: str) -> None:
    """A case stated as a fact to observe (a named thing's state or event, the reader's own
    state) is decided by what is written: an automatic gate and no flag."""
    artifact = compile_text(
        FRONT + f"# Fix\n\n1. {condition}, page team-x.\n2. Run `oc get pods`.\n"
    )
    decisions = [s for s in artifact.steps if s.kind == "decision"]
    assert decisions and all(s.gate == "auto" for s in decisions)
    assert not [d for d in artifact.diagnostics if d.code in ("RB101", "RB102")]


def test_a_list_details_only_the_changes_it_repeats(compile_text: Compile) -> None:
    body = (
        "# Fix\n\nShut down the servers, turn off the data center. Some things to try:\n\n"
        "* Shut down the servers from the provider console.\n"
    )
    assert [e for _, e in flags(compile_text, body, "RB108")] == ["turn off the data center"]


def test_a_gerund_after_try_is_an_action(compile_text: Compile) -> None:
    body = "# Fix\n\nTry deleting the pod and see whether it comes back.\n"
    assert len(flags(compile_text, body, "RB108")) == 1


@pytest.mark.parametrize(
    "sentence",
    [
        "In a local cluster the disk may need to be replaced.",
        "The node might need a manual reboot.",
    ],
)
def test_a_hedged_change_without_you_is_left_to_the_reader(
    compile_text: Compile, sentence: str
) -> None:
    assert len(flags(compile_text, f"# Fix\n\n{sentence}\n", "RB101")) == 1


# --- Session 5: causes of false positives and misses, each with words no eval case holds ---


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # a field path in inline code is not a command or a tool
        ("# Fix\n\nIf the `spec.maxSurge` value was changed, restore the previous settings.\n", 1),
        ("# Fix\n\nIf `metadata.labels.tier` is missing, recreate the service account.\n", 1),
        ("# Fix\n\n1. Restore the settings with `ops.restore_settings`.\n", 0),
        # a gerund phrase after "try"/"consider" is a change when its words are one
        ("# Fix\n\nYou could try doing a failover to the standby.\n", 1),
        ("# Fix\n\nYou could try reading the failover notes first.\n", 0),
    ],
)
def test_session5_actions(compile_text: Compile, body: str, expected: int) -> None:
    assert len(flags(compile_text, body, "RB108")) == expected


def test_session5_a_second_action_does_not_excuse_the_first(compile_text: Compile) -> None:
    """ "Rotate the key and then check the usual dashboard": the tribal reference belongs to
    the second action, so the first still names no tool."""
    body = "# Fix\n\n1. Rotate the signing key and then check the usual dashboard.\n"
    assert [e for _, e in flags(compile_text, body, "RB108")] == ["Rotate the signing key"]
    assert len(flags(compile_text, body, "RB104")) == 1


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("# Fix\n\nNote: the sync runs hourly when the API is not overloaded.\n", 0),
        ("# Fix\n\nNote that it retries when the cluster is not saturated.\n", 0),
        ("# Fix\n\nNote that you must restart it if the load is high.\n", 1),
    ],
)
def test_session5_an_aside_is_not_an_instruction(
    compile_text: Compile, body: str, expected: int
) -> None:
    assert len(flags(compile_text, body, "RB102")) == expected


@pytest.mark.parametrize(
    ("quote", "expected"),
    [
        ("> Lead: Hold on. Could you please page the storage owner right away?\n", 0),
        ("> We are rolling back now; I need the platform lead to stay if needed.\n", 0),
        ("> **Note:** page the storage owner if needed.\n", 2),
    ],
)
def test_session5_quoted_speech_is_not_an_instruction(
    compile_text: Compile, quote: str, expected: int
) -> None:
    """A script of what someone says on the call is words to say, not an instruction; an
    admonition is read like any paragraph."""
    found = [c for c in ("RB101", "RB103") for _ in flags(compile_text, f"# Fix\n\n{quote}", c)]
    assert len(found) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("# Steps\n\n1. The vendor may ask you who owns the cluster.\n", 0),  # the reader
        ("# Steps\n\n1. There is one thing you can ask as a duty manager.\n", 0),  # not an object
        ("# Asking For Approval\n\nRun `oc get pods`.\n", 0),  # a title-case heading
        ("# Steps for Incident Commander\n\n1. The IC may ask you to contact another team.\n", 0),
        ("# Steps\n\n1. Contact another team about it.\n", 1),
    ],
)
def test_session5_actors(compile_text: Compile, body: str, expected: int) -> None:
    assert len(flags(compile_text, body, "RB103")) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("# Role\n\nYour job as Scribe is to take notes and watch the chat room for updates.\n", 0),
        ("# Role\n\nThe scribe is responsible for keeping an eye on the bridge chat.\n", 0),
        ("# Fix\n\n1. Watch the chat room for updates.\n", 1),
        ("# Fix\n\n1. Post the draft, then wait for sign-off from the duty manager.\n", 1),
        ("# Fix\n\n1. Post the draft, then wait for 10 minutes.\n", 0),
    ],
)
def test_session5_waits(compile_text: Compile, body: str, expected: int) -> None:
    assert len(flags(compile_text, body, "RB106")) == expected


@pytest.mark.parametrize(
    ("body", "code", "expected"),
    [
        ("# Fix\n\n1. If errors persist, restart the worker with `oc.restart`.\n", "RB102", 1),
        ("# Fix\n\n1. If the graph now looks normal, close the incident.\n", "RB102", 1),
        ("# Fix\n\n1. If there are lots of retries, page team-x.\n", "RB102", 1),
        ("# Fix\n\n1. Tell team-x anything you think useful.\n", "RB101", 1),
        ("# Fix\n\n1. If the pod is `Running`, close the incident.\n", "RB102", 0),
    ],
)
def test_session5_judgements(compile_text: Compile, body: str, code: str, expected: int) -> None:
    assert len(flags(compile_text, body, code)) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("# Fix\n\n1. Raise the quota through your normal process.\n", 1),
        ("# Fix\n\n1. Post the summary to our ops mailing list.\n", 1),
        ("# Fix\n\n1. Post the summary to [the ops list](https://lists.example/ops).\n", 0),
    ],
)
def test_session5_tribal(compile_text: Compile, body: str, expected: int) -> None:
    assert len(flags(compile_text, body, "RB104")) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("# Fix\n\nYou could also downgrade the agent to the last release.\n", 1),
        ("# Fix\n\nYou can just redeploy the gateway.\n", 1),
        ("# Fix\n\nYou could also downgrade it with `helm rollback agent 3`.\n", 0),
    ],
)
def test_session5_a_modal_and_an_adverb_before_a_change(
    compile_text: Compile, body: str, expected: int
) -> None:
    assert len(flags(compile_text, body, "RB108")) == expected


@pytest.mark.parametrize(
    ("body", "code", "expected"),
    [
        ("# Steps\n\n1. Ask your responders what they found.\n", "RB103", 0),
        ("# Steps\n\n1. Ask your insurance provider what they cover.\n", "RB103", 1),
        ("# Steps\n\nThere is a checklist you can apply to every outage.\n", "RB108", 0),
        ("# Steps\n\n1. Apply the hotfix to every node.\n", "RB108", 1),
    ],
)
def test_session5_own_people_and_apply_to(
    compile_text: Compile, body: str, code: str, expected: int
) -> None:
    assert len(flags(compile_text, body, code)) == expected


def test_session5_an_undecided_decision_judged_with_no_measure_is_rb102(
    compile_text: Compile,
) -> None:
    """The issue's split: a decision left to an opinion is RB101, one that judges a quantity
    with no measure ("enough headroom") is RB102."""
    body = (
        "# Fix\n\n1. Does the cache have enough headroom? If not, page team-x.\n"
        "2. Run `oc get pods`.\n\n"
        "## Other\n\n* Whenever the team feels uneasy about the change, page team-x.\n"
    )
    assert [line for line, _ in flags(compile_text, body, "RB102")] == [3]
    assert [line for line, _ in flags(compile_text, body, "RB101")] == [8]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("# Fix\n\nOn bare metal the host may need a hard reboot of its controller.\n", 1),
        ("# Fix\n\nThe old nodes will require a rolling restart after the patch.\n", 1),
        ("# Fix\n\nChanges that would require a reboot are not applied.\n", 0),
    ],
)
def test_session5_a_change_named_as_a_noun(compile_text: Compile, body: str, expected: int) -> None:
    assert len(flags(compile_text, body, "RB108")) == expected


@pytest.mark.parametrize(
    ("body", "code", "expected"),
    [
        ("# Fix\n\n* Keep notes. Ask team-x if you are not sure what broke.\n", "RB101", 0),
        ("# Fix\n\n* Keep notes. Ask team-x if you think the cache broke.\n", "RB101", 1),
        (
            "# Fix\n\n* Rolling back is at your discretion. If in doubt, roll back with "
            "`helm rollback web 3`.\n",
            "RB101",
            0,
        ),
        (
            "# Fix\n\n* Rolling back is at your discretion. Roll back: `helm rollback web 3`.\n",
            "RB101",
            1,
        ),
    ],
)
def test_session6_a_default_for_doubt_is_written_down(
    compile_text: Compile, body: str, code: str, expected: int
) -> None:
    """ "If you are unsure, do X" is the case written down for when the reader cannot decide;
    it also settles a discretion stated beside it."""
    assert len(flags(compile_text, body, code)) == expected


def test_session6_a_decision_on_doubt_is_not_flagged_but_needs_a_person(
    compile_text: Compile,
) -> None:
    artifact = compile_text(
        FRONT + "# Fix\n\n1. When you are not sure the rollout finished, page team-x.\n"
        "2. Run `oc get pods`.\n"
    )
    decisions = [s for s in artifact.steps if s.kind == "decision"]
    assert decisions and all(s.gate == "human" for s in decisions)
    assert not [d for d in artifact.diagnostics if d.code in ("RB101", "RB102")]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("# Fix\n\n* When running jobs that could cause lots of alerts, tell team-x first.\n", 0),
        ("# Fix\n\n* When a batch job causes lots of alerts, tell team-x.\n", 1),
    ],
)
def test_session6_a_foreseen_risk_asks_a_precaution(
    compile_text: Compile, body: str, expected: int
) -> None:
    assert len(flags(compile_text, body, "RB102")) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "# Fix\n\nNotify the customers only once you are confident (through a log review) "
            "that the leak has stopped.\n",
            0,
        ),
        (
            "# Fix\n\nNotify the customers only once you are confident that the leak has "
            "stopped.\n",
            1,
        ),
    ],
)
def test_session6_a_decision_is_judged_by_its_clause_as_written(
    compile_text: Compile, body: str, expected: int
) -> None:
    """A decision step keeps its condition's words, not the bracket after them saying how it is
    judged; the source clause decides."""
    assert len(flags(compile_text, body, "RB102")) == expected


@pytest.mark.parametrize(
    ("block", "expected"),
    [
        ("```\noc get pods -n web\n```\n", 1),
        ("```\noc delete pod web-1 -n web\n```\n", 0),
    ],
)
def test_session6_a_block_that_only_reads_does_not_say_how_to_change(
    compile_text: Compile, block: str, expected: int
) -> None:
    """ "Try deleting the pod:" then a block that only lists the pods: the change is unsaid."""
    body = f"# Fix\n\nTry deleting the web pod and watch it come back:\n\n{block}"
    assert len(flags(compile_text, body, "RB108")) == expected


def test_session6_a_look_before_reads_is_not_a_change(compile_text: Compile) -> None:
    body = (
        "# Fix\n\n1. Check the pod's status and restart count:\n\n"
        "   ```\n   oc get pods -n web\n   ```\n"
    )
    assert not flags(compile_text, body, "RB108")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("# Duty Manager\n\n* The rollback is at the DM's discretion.\n", 1),
        ("# Scribe\n\n* You may be muted; that is at the DM's discretion.\n", 0),
        ("# Steps for Duty Manager\n\nIt's the call of the DM whether to fail over.\n", 1),
        ("# Steps for Scribe\n\nIt's the call of the DM whether to fail over.\n", 0),
    ],
)
def test_session6_a_discretion_is_the_readers_when_the_section_is_for_its_holder(
    compile_text: Compile, body: str, expected: int
) -> None:
    """A discretion names its holder; it is left to the reader only when the section is read by
    that role (a heading names it, or its initials)."""
    assert len(flags(compile_text, body, "RB101")) == expected


def test_session6_a_hedge_adverb_is_not_an_imperative(compile_text: Compile) -> None:
    body = "# Fix\n\nPerhaps the cache was cold, or it may be a slow disk.\n"
    assert not flags(compile_text, body, "RB101")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("# Fix\n\n1. Make sure the backups are encrypted before you ship them.\n", 1),
        ("# Fix\n\n1. Make sure the backups are listed before you ship them.\n", 0),
        ("# Fix\n\n* Change of shift lead is useful for long outages.\n", 0),
        ("# Fix\n\n1. Brief the new lead, then update them with the timeline.\n", 0),
        ("# Fix\n\n1. If the caller keeps talking, remove them from the call.\n", 0),
        ("# Fix\n\n1. If the host keeps failing, remove it from the pool.\n", 1),
    ],
)
def test_session6_changes_to_systems_not_to_people(
    compile_text: Compile, body: str, expected: int
) -> None:
    """A change asked for as its outcome ("make sure X are encrypted") needs how; a verb used as
    a noun ("Rotation of", "Change of command") or done to people ("update them with", "remove
    them from the call") is not a system change."""
    assert len(flags(compile_text, body, "RB108")) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("# Fix\n\nYou should feel free to ask the storage team about quotas.\n", 0),
        ("# Fix\n\nYou should ask the storage team about quotas.\n", 1),
        ("# Fix\n\nThe duty lead runs the call. She will also tell you to page the DBA.\n", 0),
        ("# Fix\n\nThe duty lead runs the call. Page the DBA when the call starts.\n", 1),
        ("# Fix\n\nThe DM picks a vendor. Be ready to contact such vendors quickly.\n", 0),
    ],
)
def test_session6_actors_permitted_directed_or_named_before(
    compile_text: Compile, body: str, expected: int
) -> None:
    """A contact the text only permits, one a role directs the reader to make (it names whom
    then), and an actor that refers back ("such vendors") are not undefined actors here."""
    assert len(flags(compile_text, body, "RB103")) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("# Fix\n\n1. If the token is somehow corrupt, issue a new one with `oc.get`.\n", 1),
        ("# Fix\n\n1. If the token is `expired`, issue a new one with `oc.get`.\n", 0),
        ("# Fix\n\nIf traffic now looks normal, the outage may have cleared itself.\n", 1),
        ("# Fix\n\nIf traffic now looks normal, the graphs turn green.\n", 0),
        ("# Triage\n\n* Is this a job that must be handled tonight? - page team-x.\n", 1),
        ("# Triage\n\n* Is this a job that must be handled within 2 hours? - page team-x.\n", 0),
    ],
)
def test_session6_unmeasured_judgements(compile_text: Compile, body: str, expected: int) -> None:
    """ "somehow invalid" says the criterion is missing; a condition whose outcome is a verdict
    on the case ("the issue may have resolved itself") is a decision; a question of what ought
    to be done ("Is it work that must be handled tonight?") is a judgement of priority."""
    assert len(flags(compile_text, body, "RB102")) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("# Fix\n\nIf a backup lead is named, she must be able to take over if required.\n", 0),
        ("# Fix\n\nIf a backup lead is named, you must hand over to her if required.\n", 1),
        ("# Fix\n\nThe DM may ask you to call a vendor. Be ready to do so as necessary.\n", 0),
        ("# Fix\n\nA vendor may be slow. Be ready to call the vendor as necessary.\n", 1),
        ("# Fix\n\nYou are there to keep notes and to page vendors as necessary.\n", 0),
    ],
)
def test_session6_vague_words_that_are_not_the_readers_call(
    compile_text: Compile, body: str, expected: int
) -> None:
    """Vague words on someone else's duty ("she must ... if required"), on an action a role
    directs ("the DM may ask you to ... as necessary"), or in a statement of the reader's
    purpose are not a decision left to the reader."""
    assert len(flags(compile_text, body, "RB101")) == expected


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ("If you are running a load test that you know will trigger alerts", True),
        ("When running jobs that could cause lots of alerts", True),
        ("If you know the load test is over", False),
        ("If you think the load test will trigger alerts", False),
    ],
)
def test_session6_a_known_effect_is_a_precaution(condition: str, expected: bool) -> None:
    assert precaution(condition) is expected


@pytest.mark.parametrize(
    ("tail", "expected"),
    [
        ("```\noc get pods -n web\n```\n\nIf that fails, page team-x.\n", 1),
        ("```\noc get pods -n web -w\n```\n\nIf that fails, page team-x.\n", 0),
        ("```\noc get pods -n web\n```\n\nWithin 10 minutes every pod must be Ready.\n", 0),
    ],
)
def test_session6_a_one_shot_command_does_not_do_the_watch(
    compile_text: Compile, tail: str, expected: int
) -> None:
    """A command after "watch for ..." does the watch only if it watches (`-w`, `watch`, a
    loop, `kubectl wait`), or a bound follows it; a one-shot get leaves the watch open."""
    body = f"# Fix\n\nRecreate the web pod and watch for it to come back:\n\n{tail}"
    assert len(flags(compile_text, body, "RB106")) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("# Fix\n\n1. Mute the disk alert until the vendor has replaced the drive.\n", 1),
        ("# Fix\n\n1. Mute the disk alert until the next morning.\n", 0),
        ("# Fix\n\n1. Mute the disk alert for at most 4 hours.\n", 0),
    ],
)
def test_session6_a_suspension_held_until_an_event_is_a_wait(
    compile_text: Compile, body: str, expected: int
) -> None:
    assert len(flags(compile_text, body, "RB106")) == expected


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ("## Handover\n\n1. Write a summary for the next shift.\n", 1),
        ("## Handover\n\n1. Hand over the pager with a written summary.\n", 0),
    ],
)
def test_session6_the_usual_way_written_in_the_document(
    compile_text: Compile, extra: str, expected: int
) -> None:
    """ "handed over in the usual way" is on the page when an instruction opens with the same
    verb ("Hand over the pager with a written summary")."""
    body = (
        "# Fix\n\n1. Once it is quiet, you should go off shift (handed over in the usual way)."
        f"\n\n{extra}"
    )
    assert len(flags(compile_text, body, "RB104")) == expected


def test_session6_a_decision_on_excused_words_is_not_flagged(compile_text: Compile) -> None:
    """Vague words RB101 excuses (here a role directs the action) are not flagged as an
    undecided decision either, when the extractor makes the condition a decision step."""
    body = "# Fix\n\nThe DM may ask you to call a vendor. If necessary, page the vendor.\n"
    artifact = compile_text(FRONT + body)
    assert [s for s in artifact.steps if s.kind == "decision"]
    assert not [d for d in artifact.diagnostics if d.code in ("RB101", "RB102")]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("# Fix\n\n1. Wait for the disk to detach.\n", 1),
        ("# Fix\n\n1. Wait up to 5 minutes for the disk to detach.\n", 0),
        ("# Fix\n\n1. Re-run it a few more times.\n", 1),
        ("# Fix\n\n1. Re-run it 3 times, then page team-x.\n", 0),
        ("# Fix\n\n1. Give the cache some time to warm, then run `oc get pods`.\n", 1),
        ("# Fix\n\n1. Let the replicas catch up before you continue.\n", 1),
        ("# Fix\n\n1. You do not need to wait for the approver; go ahead.\n", 0),
    ],
)
def test_session6_waits_the_labelling_rules_name(
    compile_text: Compile, body: str, expected: int
) -> None:
    """The unbounded-wait forms of the labelling rules ("wait for the volume to attach", "retry
    a couple of times") and their kin with no number; a wait the text rules out is none."""
    assert len(flags(compile_text, body, "RB106")) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("# Fix\n\n1. Engage the network team.\n", 1),
        ("# Fix\n\n1. Bring in the storage team.\n", 1),
        ("# Fix\n\n1. Get the billing team involved.\n", 1),
        ("# Fix\n\n1. Loop in legal before you answer.\n", 1),
        ("# Fix\n\n1. Get sign-off from the release manager.\n", 1),
        ("# Fix\n\n1. Check the management cluster.\n", 0),
        (
            "# Fix\n\n1. Post the plan in #ops and wait for the release manager's OK there.\n"
            "2. Get sign-off from the release manager before you ship.\n",
            0,
        ),
    ],
)
def test_session6_actor_forms(compile_text: Compile, body: str, expected: int) -> None:
    """More ways to bring someone in ("engage", "bring in", "get X involved", "get sign-off
    from", a function such as "legal"); a channel for the same actor elsewhere in the section
    resolves it (the issue's "same sentence or section")."""
    assert len(flags(compile_text, body, "RB103")) == expected


def test_session6_a_function_word_inside_a_longer_name(compile_text: Compile) -> None:
    body = "# Fix\n\n1. Contact security vendors for a quote.\n"
    assert [evidence for _, evidence in flags(compile_text, body, "RB103")] == ["security vendors"]


@pytest.mark.parametrize(
    ("body", "code", "expected"),
    [
        ("# Fix\n\n1. File a change request for the resize.\n", "RB108", 1),
        ("# Fix\n\n1. Sign in to [the desk](https://desk.example) and raise a CR.\n", "RB108", 0),
        ("# Fix\n\n1. Sign in to the desk and raise a CR.\n", "RB108", 1),
        ("# Fix\n\n1. Compare with the graphs they usually watch.\n", "RB104", 1),
        ("# Fix\n\n1. Compare with the graphs in the linked dashboard.\n", "RB104", 0),
    ],
)
def test_session6_labelling_rule_forms_for_actions_and_tribal(
    compile_text: Compile, body: str, code: str, expected: int
) -> None:
    """ "open a change request" needs a tool unless a place is named for it (carried over "and"
    from the action before it); "the numbers we always look at" is tribal."""
    assert len(flags(compile_text, body, code)) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("# Fix\n\n1. Ensure the node has enough free memory, then run `oc get pods`.\n", 1),
        ("# Fix\n\n1. Ensure the node has enough free memory (at least 4 GiB).\n", 0),
    ],
)
def test_session6_an_amount_required_with_no_measure(
    compile_text: Compile, body: str, expected: int
) -> None:
    """The labelling rules' "enough headroom" as a requirement, not only as a condition."""
    assert len(flags(compile_text, body, "RB102")) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("# Fix\n\nDepending on the circumstances, restart the standby.\n", 1),
        ("# Fix\n\n1. Pick the replica count on a case-by-case basis.\n", 1),
        ("# Fix\n\nDepending on the region, run `oc get pods` in its cluster.\n", 0),
    ],
)
def test_session6_a_decision_depending_on_the_situation(
    compile_text: Compile, body: str, expected: int
) -> None:
    assert len(flags(compile_text, body, "RB101")) == expected


@pytest.mark.parametrize(
    ("body", "code", "expected"),
    [
        ("# Fix\n\nYou would rarely consider during peak hours.\n", "RB101", 0),
        ("# Fix\n\n1. Share the bridge with anyone who may need to join.\n", "RB101", 0),
        ("# Fix\n\nPerhaps you do not want a full response for small outages.\n", "RB101", 0),
        ("# Fix\n\nPerhaps the cache should be rebuilt first.\n", "RB101", 1),
        ("# Fix\n\nThe storage team may need to coordinate with finance.\n", "RB101", 0),
        ("# Fix\n\nYou may need to coordinate with team-x.\n", "RB101", 1),
        ("# Fix\n\n1. Sometimes you may need to identify the owner first.\n", "RB101", 0),
        ("# Fix\n\n* Drafting status messages when needed.\n", "RB101", 0),
        ("# Fix\n\n* Write the status messages when needed.\n", "RB101", 1),
    ],
)
def test_session6_hedges_that_ask_nothing_of_the_reader(
    compile_text: Compile, body: str, code: str, expected: int
) -> None:
    """Read on unlabelled documents: "consider during", a hedge in a relative clause or on a
    role's own duty, a "perhaps" with no obligation, a hedged look ("identify"), a duty named by
    a gerund are not the reader's decision; the same words addressed to the reader are."""
    assert len(flags(compile_text, body, code)) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("# Fix\n\nThe bot pings the responders list.\n", 0),
        ("# Fix\n\nA director may want to reach out to the account owner.\n", 0),
        ("# Fix\n\nYou may want to reach out to the account owner.\n", 1),
        ("# Fix\n\nThe bot gives you the ability to page the storage team.\n", 0),
        ("# Fix\n\n## Waiting to escalate to the storage team\n\nDo not.\n", 0),
        ("# Fix\n\n## Escalate to the storage team\n\nDo it now.\n", 1),
    ],
)
def test_session6_a_contact_described_not_asked(
    compile_text: Compile, body: str, expected: int
) -> None:
    assert len(flags(compile_text, body, "RB103")) == expected


@pytest.mark.parametrize(
    ("body", "code", "expected"),
    [
        ("# Fix\n\nThe pool should be elastic and scale with the load.\n", "RB108", 0),
        ("# Fix\n\nYou should scale the pool with the load.\n", "RB108", 1),
        ("# Fix\n\nRestart usually means a short outage for the pods.\n", "RB108", 0),
        ("# Review\n\n* Is the summary detailed enough?\n* Run `oc get pods`.\n", "RB102", 0),
        (
            "# Review\n\n* Is there enough disk left? If not, page team-x.\n* Run `oc get pods`.\n",
            "RB102",
            1,
        ),
    ],
)
def test_session6_what_a_thing_does_and_questions_to_answer(
    compile_text: Compile, body: str, code: str, expected: int
) -> None:
    """Read on unlabelled documents: a change verb whose subject is a thing says what it is
    expected to do; a verb-shaped first word before a finite verb is a noun ("Restart usually
    means ..."); a question alone on its line with nothing gated on it is an assessment, not a
    decision ("Is the summary detailed enough?")."""
    assert len(flags(compile_text, body, code)) == expected


def test_session6_a_block_that_sets_a_variable_is_not_only_reads(compile_text: Compile) -> None:
    body = (
        "# Fix\n\n1. Configure the `WEB_NS` variable:\n\n"
        '   ```\n   export WEB_NS="$(oc get pods -n web)"\n   ```\n'
    )
    assert not flags(compile_text, body, "RB108")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("# Fix\n\nA low budget could block node drains.\n", 0),
        ("# Fix\n\n1. Check the config and the agent should restart on its own.\n", 0),
        ("# Fix\n\n1. Check the config, then restart the agent.\n", 1),
        ("# Fix\n\nUse the `Agent` objects to\nreconfigure the fleet.\n", 0),
    ],
)
def test_session6_consequences_and_soft_line_breaks(
    compile_text: Compile, body: str, expected: int
) -> None:
    """A change after "could"/"would"/"might" with no "you" is a consequence; one whose clause
    subject is a thing ("the agent should restart") is what it does; a soft line break inside
    a sentence does not start a new instruction."""
    assert len(flags(compile_text, body, "RB108")) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("# Fix\n\n1. Run our capacity script and add a row.\n", 1),
        ("# Fix\n\n1. Run our [capacity script](https://git.example/cap) and add a row.\n", 0),
        (
            "# Fix\n\n1. Run our capacity script ([source][cap]) and add a row.\n\n"
            "[cap]: https://git.example/cap\n",
            0,
        ),
    ],
)
def test_our_x_resolves_by_any_link(compile_text: Compile, body: str, expected: int) -> None:
    """An "our X" that links it (inline, reference-style or a bare URL) is not tribal."""
    assert len(flags(compile_text, body, "RB104")) == expected


def test_long_change_evidence_ends_on_a_whole_word(compile_text: Compile) -> None:
    """The clause is read 60 characters past its verb; the evidence then finishes its word."""
    body = (
        "# Fix\n\nFix or disable the admission webhooks of your operator to get the reconciler\n"
        "back to a working state.\n"
    )
    found = flags(compile_text, body, "RB108")
    assert len(found) == 1
    evidence = found[0][1]
    assert evidence.startswith("disable the admission webhooks")
    assert evidence.split()[-1] in body.split(), evidence


# Session 7: actors resolved like names, whatever the verb that reaches them or the word that
# names them (each in words no labelled case uses).


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # reached by any means: a call, a mail, a text, an alert, waking them
        ("# Fix\n\n1. Phone the data centre staff and ask them to reseat the disk.\n", 1),
        ("# Fix\n\n1. Email the billing department with the invoice number.\n", 1),
        ("# Fix\n\n1. Alert the release managers before you start.\n", 1),
        ("# Fix\n\n1. Wake up the database administrator.\n", 1),
        ("# Fix\n\n1. Confirm with the team lead that the window is open.\n", 1),
        # named by what they are, or picked from a group
        ("# Fix\n\n1. Forward the crash dump to the storage squad.\n", 1),
        ("# Fix\n\n1. Reach out to the networking crew.\n", 1),
        ("# Fix\n\n1. Inform the on-duty operator.\n", 1),
        ("# Fix\n\n1. Ask a member of the infrastructure team to approve it.\n", 1),
        # a contact asked for in the passive, of a function named by its capitalised name
        ("# Fix\n\n1. Salespeople should be notified when a demo is affected.\n", 1),
        ("# Fix\n\n1. Finance should be kept up to date on billing impact.\n", 1),
        ("# Fix\n\n1. Marketing should be engaged for any public incident.\n", 1),
        # resolved: a channel, an address, a link; not a person; the word used as a noun
        ("# Fix\n\n1. Phone the data centre staff on the hotline +44 20 0000 0000.\n", 0),
        ("# Fix\n\n1. Email the billing department at billing@example.com.\n", 0),
        ("# Fix\n\n1. Call the API with `curl -X POST https://x.example/y`.\n", 0),
        ("# Fix\n\n1. Forward port 8080 to the pod.\n", 0),
        ("# Fix\n\nThe alert message indicates the Operator that failed.\n", 0),
        ("# Fix\n\n**Alert Expression:**\n", 0),
        ("# Fix\n\nA phone bridge with 100 people sitting idle is costly.\n", 0),
        # described, not asked: someone else's clause
        ("# Fix\n\nThey may also act as a liaison to keep the sales team up to date.\n", 0),
        ("# Fix\n\nSometimes he would be reluctant to involve another member of staff.\n", 0),
        # a subject in a clause before the instruction is not the instruction's subject
        ("# Fix\n\n1. If they are on the premium tier, call the account manager.\n", 1),
    ],
)
def test_session7_actor_forms(compile_text: Compile, body: str, expected: int) -> None:
    """RB103 reads a contact by what it does (reaching a person: call, phone, email, alert,
    wake, confirm with, pass on to; or the passive "should be engaged / kept up to date") and a
    person by what they are (squad, crew, staff, operator, a member of a team, a capitalised
    function), then resolves them like any other actor; a contact word used as a noun or in
    someone else's clause is not a step."""
    assert len(flags(compile_text, body, "RB103")) == expected


@pytest.mark.parametrize(
    ("body", "code", "expected"),
    [
        # advisability the reader weighs, however it is said
        (
            "# Fix\n\n1. Roll back if it seems wise, with `kubectl rollout undo deploy/x`.\n",
            "RB101",
            1,
        ),
        (
            "# Fix\n\n1. If doing so is prudent, promote the standby with `pg promote`.\n",
            "RB101",
            1,
        ),
        ("# Fix\n\n1. If the situation warrants it, page team-x.\n", "RB101", 1),
        ("# Fix\n\n1. If it makes sense, rotate the keys with `vault rotate`.\n", "RB101", 1),
        (
            "# Fix\n\nIt may be worth restarting the service with `systemctl restart x`.\n",
            "RB101",
            1,
        ),
        ("# Fix\n\n1. It is up to you to fail over to the standby.\n", "RB101", 1),
        ("# Fix\n\n1. Pick a suitable replica and promote it with `pg promote`.\n", "RB101", 1),
        ("# Fix\n\n1. Choose an appropriate time to run `pg vacuum`.\n", "RB101", 1),
        # decided: a criterion named; a written default for doubt right under it
        ("# Fix\n\n1. Pick the replica with the lowest lag and promote it.\n", "RB101", 0),
        (
            "# Fix\n\n1. Decide whether to page the vendor, and tell team-x.\n"
            "    * If you are unsure, page the vendor.\n",
            "RB101",
            0,
        ),
        # judgements with no measure, in other words
        ("# Fix\n\n1. When the replica has caught up, promote it with `pg promote`.\n", "RB102", 1),
        ("# Fix\n\n1. Once traffic is back to normal, close it with `pd resolve`.\n", "RB102", 1),
        ("# Fix\n\n1. If responses are sluggish, page team-x.\n", "RB102", 1),
        ("# Fix\n\n1. If the cache is under pressure, raise its memory to 8Gi.\n", "RB102", 1),
        (
            "# Fix\n\n1. If replica lag is under 10 seconds, promote it with `pg promote`.\n",
            "RB102",
            0,
        ),
    ],
)
def test_session7_condition_forms(
    compile_text: Compile, body: str, code: str, expected: int
) -> None:
    """RB101 reads advisability as the condition (seems wise, is prudent, makes sense, the
    situation warrants it, may be worth doing, "it is up to you", a suitable/appropriate pick);
    RB102 reads more states nobody measures (caught up, back to normal, sluggish, under
    pressure). A default for doubt in the item right under the decision settles it."""
    assert len(flags(compile_text, body, code)) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # more verbs that change a system, each with what it changes
        ("# Fix\n\n1. Bump the file descriptor limit on the host.\n", 1),
        ("# Fix\n\n1. Revert the commit that broke the build.\n", 1),
        ("# Fix\n\n1. Clear the dead-letter queue.\n", 1),
        ("# Fix\n\n1. Kick off a new build of the image.\n", 1),
        ("# Fix\n\n1. Taint the failing node so nothing lands on it.\n", 1),
        ("# Fix\n\n1. Trigger the failover of the database.\n", 1),
        ("# Fix\n\n1. Run the cleanup job for the tenant.\n", 1),
        ("# Fix\n\n1. Set the worker count to 8.\n", 1),
        ("# Fix\n\n1. Pause the consumer group.\n", 1),
        ("# Fix\n\n1. If action is needed, fix the issue within the hour.\n", 1),
        # said how, intransitive, a goal or words someone says
        ("# Fix\n\n1. Clear the dead-letter queue with `rabbitmqadmin purge queue name=dlq`.\n", 0),
        ("# Fix\n\nThe alert should clear within 10 minutes.\n", 0),
        ("# Fix\n\n1. Run the following command:\n\n```bash\nkubectl get pods\n```\n", 0),
        ("# Fix\n\n1. Set the worker count to 8 with `kubectl scale deploy/w --replicas=8`.\n", 0),
        (
            '# Fix\n\nIt wasn\'t "we can get you the list or fix the outage", it was a decision.\n',
            0,
        ),
        (
            "# Fix\n\nTo stop the errors and clear the alert, you can turn off the feature.\n\n"
            "* Edit the config:\n\n    ```console\n    oc edit cm feature\n    ```\n",
            0,
        ),
    ],
)
def test_session7_action_forms(compile_text: Compile, body: str, expected: int) -> None:
    """RB108 reads more changes by what they do to a system (bump, revert, clear X, kick off,
    taint, trigger a failover, run a job, set X to Y, pause X, fix X); an intransitive use, a
    goal in a purpose clause ("To ... clear the alert, ...") and words in quotation marks are
    not instructions, and a goal does not count as a second change the list must repeat."""
    assert len(flags(compile_text, body, "RB108")) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # waiting on any event with no time given, however the event is said
        ("# Fix\n\n1. Wait until the replica catches up.\n", 1),
        ("# Fix\n\n1. Hold off until the backlog clears.\n", 1),
        ("# Fix\n\n1. Let the reindex run to completion.\n", 1),
        ("# Fix\n\n1. Let the new records propagate.\n", 1),
        ("# Fix\n\n1. Check back later to confirm the fix held.\n", 1),
        # bounded, or not a wait
        ("# Fix\n\n1. Wait up to 20 minutes until the replica catches up.\n", 0),
        ("# Fix\n\n1. Check back in 30 minutes to confirm the fix held.\n", 0),
        ("# Fix\n\n1. Let the IC know you are done.\n", 0),
    ],
)
def test_session7_wait_forms(compile_text: Compile, body: str, expected: int) -> None:
    """RB106: "until <any event>" is open-ended unless a duration bounds it (the event's verb
    need not be on a list); holding off, letting a job run its course and checking back later
    are waits too."""
    assert len(flags(compile_text, body, "RB106")) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # habit as the manner, and artifacts known by their insider owner or lore
        ("# Fix\n\n1. Roll the change out as you normally would.\n", 1),
        ("# Fix\n\n1. Run Priya's cleanup script on the host.\n", 1),
        ("# Fix\n\n1. Run the purge script Dana wrote.\n", 1),
        ("# Fix\n\n1. Log in with the shared password.\n", 1),
        ("# Fix\n\n1. Follow the team's checklist for the cutover.\n", 1),
        # linked or named: on the page
        ("# Fix\n\n1. Run Priya's [cleanup script](https://git.example/cleanup).\n", 0),
        ("# Fix\n\n1. Log in with the password from [the vault](https://vault.example/db).\n", 0),
        ("# Fix\n\n1. Restart it as shown in [step 2](#step-2).\n", 0),
    ],
)
def test_session7_tribal_forms(compile_text: Compile, body: str, expected: int) -> None:
    """RB104: habit as the manner ("as you normally would") and an artifact known only by its
    owner or lore ("Priya's script", "the script Dana wrote", "the shared password", "the team's
    checklist") are insiders' references unless the sentence links them."""
    assert len(flags(compile_text, body, "RB104")) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # the file to edit is where, its content what
        (
            "# Fix\n\n1. Edit `deploy/prod/values.yaml` in the infra repository:\n\n"
            "    ```yaml\n    workers: 6\n    ```\n",
            0,
        ),
        (
            "# Fix\n\nNext, modify [routes.yml][r] with the new route.\n\n[r]: https://git.example/r\n",
            0,
        ),
        ("# Fix\n\n1. Modify the routing rules with the new route.\n", 1),
        # a PR or merge of a change already shown, or referred back to
        ("# Scale\n\n```yaml\nworkers: 6\n```\n\nOpen a PR, get it reviewed, and merge it.\n", 0),
        ("# Scale\n\n1. Merge the changes once the review passes.\n", 0),
        ("# Scale\n\n1. Open a PR to move the workers to the new pool.\n", 1),
        ("# Scale\n\nYou can also update both manifests as above and open a PR.\n", 0),
        # a place named in the sentence before; a lead-in whose list gives the places
        (
            "# Keys\n\nCreate a key on the Acme dashboard. Then you can revoke the old key.\n",
            0,
        ),
        ("# Keys\n\nCreate a new key. After a day, you can revoke the old key.\n", 1),
        (
            "# Apply\n\n- Apply the matching workspace:\n  - [prod](https://tf.example/prod)\n"
            "  - [staging](https://tf.example/staging)\n",
            0,
        ),
        # a change inside a clause of time is when, not what
        ("# Fix\n\n1. Tell team-x as soon as you begin to consider rolling back.\n", 0),
    ],
)
def test_session7_changes_said_on_the_page(compile_text: Compile, body: str, expected: int) -> None:
    """RB108 resolves a change said on the page in other ways: an edit of a named file (its
    content after it), a PR or merge of a change already shown or referred back to ("merge the
    changes", "as above"), a place named in the sentence before, a lead-in whose list links the
    places; a change in a clause of time ("as soon as you consider rolling back") is not asked."""
    assert len(flags(compile_text, body, "RB108")) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("# Triage\n\n* Is the error rate genuinely elevated, or is it a brief spike?\n", 1),
        ("# Triage\n\n* Are the consumers making sufficient progress?\n", 1),
        ("# Triage\n\nOpen the dashboard and confirm:\n\n- latency remains healthy\n", 1),
        ("# Triage\n\nOpen the dashboard and confirm:\n\n- p95 latency stays under 300 ms\n", 0),
        ("# Triage\n\n* Is the error rate above 5% for 10 minutes?\n", 0),
        ("# Triage\n\nCommon causes:\n\n- not enough nodes in the pool\n", 0),
    ],
)
def test_session7_judged_checks(compile_text: Compile, body: str, expected: int) -> None:
    """RB102 also reads what the reader is to find out or confirm: a question or an item of a
    list to confirm, judged with no measure ("genuinely elevated", "sufficient progress",
    "remains healthy"); a measure decides it, and a list of causes asks nothing."""
    assert len(flags(compile_text, body, "RB102")) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("# Steps\n\n1. Escalate to ACME SMT before you fail over.\n", 1),
        ("# Steps\n\nPager Alert Service uses cookies for sessions.\n", 0),
        ("# Steps\n\nApps other than Billing and Pager Alert Service, do not use cookies.\n", 0),
        ("# Steps\n\n- Fill in the name and email address of the team asking for access.\n", 0),
        ("# Steps\n\nThe app sends mail to users - both members of the public and staff.\n", 0),
    ],
)
def test_session7_actor_names_and_nouns(compile_text: Compile, body: str, expected: int) -> None:
    """An acronym name is an actor ("ACME SMT"); a contact word inside a capitalised name or
    before its noun ("email address", "Pager Alert Service uses ...") reaches nobody."""
    assert len(flags(compile_text, body, "RB103")) == expected


@pytest.mark.parametrize(
    ("body", "code", "expected"),
    [
        # the reader's own decision or satisfaction as the condition
        (
            "# Fix\n\n1. If you decide the old keys are unsafe, revoke them in the vault UI.\n",
            "RB101",
            1,
        ),
        ("# Fix\n\n1. If you don't think the patch is safe, ask team-x.\n", "RB101", 1),
        ("# Fix\n\n1. Ship it when satisfied, with `deploy.run`.\n", "RB101", 1),
        ("# Fix\n\nYou can run a hook to decide whether an error is sent.\n", "RB101", 0),
        ("# Fix\n\n1. Ask team-x if you need them to unlock it.\n", "RB101", 1),
        # a goal stated is a case, not a judgement; a hedge in a clause of time is when
        ("# Fix\n\n1. If you need to reset the password, use the Acme UI.\n", "RB101", 0),
        ("# Fix\n\n1. Turn off the node if you have to.\n", "RB101", 1),
        ("# Fix\n\n1. Tell team-x as soon as you begin to consider rolling back.\n", "RB101", 0),
        (
            "# Fix\n\nSet the message; the downtime the app might need to recover is 5 min.\n",
            "RB101",
            0,
        ),
        # a decision on what the step before found out
        (
            "# Fix\n\n1. Read the alert to determine if it is real.\n"
            "2. If action is required, page team-x.\n3. If no action is required, close it.\n",
            "RB101",
            0,
        ),
        # what a thing does is described, not asked
        ("# Fix\n\n- Triggers a rolling update (zero-downtime if possible)\n", "RB101", 0),
        # filling in a command and a change word used as a noun
        ("# Fix\n\nReplace `<host>` with the replica's hostname.\n", "RB108", 0),
        ("# Fix\n\n- change must include a clear description\n", "RB108", 0),
    ],
)
def test_session7_wild_forms(compile_text: Compile, body: str, code: str, expected: int) -> None:
    """Forms read from the GOV.UK (wild) group and its unlabelled siblings, in other words."""
    assert len(flags(compile_text, body, code)) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "# Fix\n\nFind the job name of the run.\n\n```bash\nkubectl logs job/<JOB_NAME>\n```\n",
            0,
        ),
        ("# Fix\n\nRead the failed run.\n\n```bash\nkubectl logs job/<JOB_NAME>\n```\n", 1),
        ("# Fix\n\nRead the job.\n\n```bash\nkubectl logs job/<JOB_NAME>\n```\n", 1),
        ("# Fix\n\n```bash\nkubectl logs <job pod e.g. job-1-x7z>\n```\n", 0),
        ("# Fix\n\nFind the pod.\n\n```bash\nkubectl logs <pod>\n```\n", 1),
    ],
)
def test_session7_placeholders_said_in_words(
    compile_text: Compile, body: str, expected: int
) -> None:
    """RB107: a placeholder of two or more words is declared by a sentence that says where its
    value comes from in the same words ("Find the job name ..." for `<JOB_NAME>`), or by its own
    example ("<job pod e.g. ...>"); a one-word name needs the prose to say so outright."""
    assert len(flags(compile_text, body, "RB107")) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("# Fix\n\n1. Run the `orders:backfill[2024]` rake task in the shop app.\n", 0),
        ("# Fix\n\n1. Merge the schema change.\n", 0),
        ("# Fix\n\nYou will need to rebuild the index. See [how to rebuild](/docs/rebuild).\n", 0),
        ("# Fix\n\nYou will need to rebuild the index. It takes an hour.\n", 1),
        ("# Fix\n\nTell the owners, so they can fix it themselves.\n", 0),
        ("# Fix\n\nChoose a passphrase. Set this to something only you know.\n", 0),
    ],
)
def test_session7_more_changes_said_on_the_page(
    compile_text: Compile, body: str, expected: int
) -> None:
    """RB108 (read on unlabelled GOV.UK pages): a task name in inline code is the command; a
    merge of a named change carries it; a pointer right after the change says how; a change
    someone else makes, or setting "this" (a value the reader chooses), asks no tool."""
    assert len(flags(compile_text, body, "RB108")) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("# After\n\n- Once traffic is back, keep a close eye on the CDN's status page.\n", 1),
        ("# After\n\n- Teams should regularly review and close these alerts.\n", 1),
        ("# After\n\n- Review these alerts every Monday.\n", 0),
        ("# After\n\nYou can monitor queue lengths using the queue dashboard.\n", 0),
        ("# After\n\nMonitor queue lengths on the queue dashboard.\n", 1),
    ],
)
def test_session7_watch_forms(compile_text: Compile, body: str, expected: int) -> None:
    """RB106: "keep a close eye on", a regular review with no schedule are waits; a watch the
    text offers as a means ("you can monitor X using the dashboard") is where to look."""
    assert len(flags(compile_text, body, "RB106")) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("# Fix\n\n- As soon as you are confident the CDN has recovered, switch back.\n", 1),
        ("# Fix\n\n1. If the change is a small piece of work, merge it with `gh pr merge`.\n", 1),
        ("# Fix\n\n1. If a PR is particularly good, thank the author.\n", 1),
        ("# Fix\n\n1. Patch the library in an appropriate timeframe for its severity.\n", 1),
        ("# Fix\n\n1. Patch the library within 2 working days.\n", 0),
        (
            "# Fix\n\nPin items, for example when a new page is not ranked well enough.\n",
            0,
        ),
        (
            "# Fix\n\n- Watch social media (if there's a big outage there will be lots of noise)\n",
            0,
        ),
    ],
)
def test_session7_more_judgements(compile_text: Compile, body: str, expected: int) -> None:
    """RB102: "as soon as" opens a condition; a size or quality judged ("a small piece of
    work", "particularly good") and a deadline nobody sets ("in an appropriate timeframe") have
    no measure; a condition given as an example or a prediction decides nothing."""
    assert len(flags(compile_text, body, "RB102")) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("# Keys\n\n1. Go back to Acmeauth and revoke the old token.\n", 0),
        ("# Keys\n\n1. Go back and revoke the old token.\n", 1),
        ("# Keys\n\nThe backup job used to back up and restore the databases needs a role.\n", 0),
    ],
)
def test_session7_system_carried_and_uses(compile_text: Compile, body: str, expected: int) -> None:
    """RB108: a system named before "and" carries to the change after it; what a thing is
    used to do is a description."""
    assert len(flags(compile_text, body, "RB108")) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # A watch that opens a purpose: the instruction is what follows it.
        (
            "# Fix\n\n1. To watch the rebalance, check the new broker took its partitions.\n",
            0,
        ),
        ("# Fix\n\n1. In order to monitor the resync ensure the new node joined.\n", 0),
        # A watch the reader is told to keep is still a wait.
        ("# Fix\n\n1. Check the broker joined, then watch the rebalance until it ends.\n", 1),
        ("# Fix\n\n1. You need to watch the resync until it finishes.\n", 1),
    ],
)
def test_a_watch_that_opens_a_purpose_is_no_wait(
    compile_text: Compile, body: str, expected: int
) -> None:
    assert len(flags(compile_text, body, "RB106")) == expected


def test_the_tech_docs_template_review_keys_are_read(
    compile_text: Compile, monkeypatch: pytest.MonkeyPatch
) -> None:
    # alphagov's tech-docs-template (GOV.UK, MoJ) writes `last_reviewed_on` and `review_in`.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01
    body = "# T\n\n1. Run `oc get pods`.\n"
    recent = compile_text(f"---\nid: t\nowner: team-a\nlast_reviewed_on: 2025-11-02\n---\n{body}")
    assert not [d for d in recent.diagnostics if d.code == "RB111"]
    due = compile_text(
        f"---\nid: t\nowner: team-a\nlast_reviewed_on: 2025-05-01\nreview_in: 6 months\n---\n{body}"
    )
    (stale,) = [d for d in due.diagnostics if d.code == "RB111"]
    assert (stale.line, stale.evidence) == (4, "2025-05-01") and "limit 180" in stale.message
    default = compile_text(f"---\nid: t\nowner: team-a\nlast_reviewed_on: 2025-05-01\n---\n{body}")
    assert not [d for d in default.diagnostics if d.code == "RB111"]  # 245 days < 365
