"""Transcript audit: calls outside the graph, out of order, at human steps, with arguments the
guard denies or a reused id; claims in any assistant message that no successful call backs."""

from __future__ import annotations

import json
from typing import Any

import pytest

from compiler.registry import Registry, load_registry
from compiler.runtime import (
    AuditError,
    TranscriptReport,
    audit_transcript,
    read_artifact,
    read_transcript,
)

from .conftest import FIXTURES, REPO

TRANSCRIPTS = FIXTURES / "transcripts"
SUPPORT = REPO / "compiled" / "support-billing-dispute.json"
ETCD = REPO / "compiled" / "etcd-defrag.json"


REGISTRY = load_registry(REPO / "runbooks_src" / "tools.yaml")


@pytest.fixture(scope="module")
def registry() -> Registry:
    return REGISTRY


def audit(messages: Any, runbook: Any, **kwargs: Any) -> TranscriptReport:
    """Audit with the registry the runbooks were compiled with."""
    return audit_transcript(messages, runbook, REGISTRY, **kwargs)


def kinds(report: TranscriptReport) -> list[str]:
    return [finding.kind for finding in report.findings]


def call(call_id: str, name: str, args: dict[str, Any] | None = None) -> dict[str, Any]:
    function = {"name": name, "arguments": json.dumps(args or {})}
    return {
        "role": "assistant",
        "content": None,
        "tool_calls": [{"id": call_id, "function": function}],
    }


def result(call_id: str, content: str = "ok") -> dict[str, Any]:
    return {"role": "tool", "tool_call_id": call_id, "content": content}


def say(text: str) -> dict[str, Any]:
    return {"role": "assistant", "content": text}


def etcd_messages() -> list[dict[str, Any]]:
    path = TRANSCRIPTS / "etcd-defrag.clean.jsonl"
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


REFUND = {"charge_id": "ch_1", "amount": "48", "reason": "requested_by_customer"}
REPLY = {"ticket_id": "1", "template": "billing-dispute-resolved", "status": "solved"}


# --- the two scenarios ----------------------------------------------------------------------


def test_support_agent_claims_what_it_never_did() -> None:
    report = audit(read_transcript(TRANSCRIPTS / "support-billing-dispute.unbacked.json"), SUPPORT)
    assert not report.ok
    assert kinds(report) == ["tool-not-in-graph"] + ["unbacked-claim"] * 3
    stray = report.findings[0]
    assert (stray.tool, stray.index) == ("check_stripe", 6)
    unbacked = {c.family: c.text for c in report.claims if c.backed_by is None}
    assert set(unbacked) == {"read", "escalate", "refund"}
    assert unbacked["read"].startswith("I checked billing in Stripe")
    assert unbacked["escalate"].endswith("I escalated to the AE")
    assert unbacked["refund"].startswith("I refunded $48")
    assert all(f.index == 8 for f in report.findings[1:])


def test_clean_etcd_transcript_passes() -> None:
    assert read_artifact(ETCD).status == "ready"
    report = audit(etcd_messages(), ETCD)
    assert report.ok, report.findings
    assert (report.calls, report.format) == (7, "chat")
    assert [(c.family, c.backed_by) for c in report.claims] == [
        ("defrag", "etcdctl.defrag"),
        ("read", "etcdctl.endpoint_status"),
        ("read", "etcdctl.alarm_list"),
        ("absent", "etcdctl.alarm_list"),
    ]
    assert report.to_dict()["ok"] is True


def test_no_registry_is_refused_not_passed() -> None:
    with pytest.raises(AuditError, match="no tool registry"):
        audit_transcript(etcd_messages(), ETCD)


# --- call findings ----------------------------------------------------------------------------


def test_out_of_order_call() -> None:
    messages = [
        call("1", "support__get_ticket", {"ticket_id": "1"}),
        result("1"),
        call("2", "support__reply_ticket", REPLY),
        result("2"),
    ]
    report = audit(messages, SUPPORT)
    assert kinds(report) == ["out-of-order"]
    assert report.findings[0].index == 2
    assert "expected crm.get_account" in report.findings[0].message


def test_first_call_must_be_at_the_entry() -> None:
    args = {"endpoints": "https://10.0.0.3:2379", "command_timeout": "60s"}
    messages = [call("1", "etcdctl__defrag", args), result("1")]
    assert kinds(audit(messages, ETCD)) == ["out-of-order"]


def test_human_gated_call() -> None:
    messages = [
        call("1", "support__get_ticket", {"ticket_id": "1"}),
        result("1"),
        call("2", "crm__get_account", {"account_id": "a1"}),
        result("2"),
        call("3", "billing__issue_refund", REFUND),
        result("3", '{"refund": "re_1"}'),
    ]
    report = audit(messages, SUPPORT)
    assert kinds(report) == ["human-gated"]
    assert report.findings[0].tool == "billing.issue_refund"


def test_retry_of_the_same_step_is_in_order() -> None:
    messages = etcd_messages()
    args = json.loads(messages[2]["tool_calls"][0]["function"]["arguments"])
    retry = [call("r", "oc__rsh", args)]
    report = audit([*messages[:4], *retry, result("r", "sh-5.1#"), *messages[4:]], ETCD)
    assert report.ok, report.findings


def test_position_resyncs_after_an_out_of_order_call() -> None:
    messages = etcd_messages()
    # skip the rsh and the first status: one finding, then the rest follows the graph again
    report = audit(messages[:2] + messages[6:], ETCD)
    assert kinds(report) == ["out-of-order"]


def test_loop_control_tools_are_skipped() -> None:
    messages = etcd_messages()
    choose = [call("x", "choose_outcome", {"outcome": "otherwise"}), result("x")]
    report = audit(messages[:8] + choose + messages[8:], ETCD)
    assert report.ok, report.findings
    assert report.calls == 7
    strict = audit(messages[:8] + choose + messages[8:], ETCD, control_tools=())
    assert kinds(strict) == ["tool-not-in-graph"]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        ({"target": "etcd-master-0", "namespace": "kube-system", "container": "etcdctl"}, "fixed"),
        ({"namespace": "openshift-etcd", "container": "etcdctl"}, "target"),
        ({"target": 7, "namespace": "openshift-etcd", "container": "etcdctl"}, "schema"),
        ({"target": "etcd-master-0", "shell": "sh"}, "not parameters"),
    ],
)
def test_arguments_are_judged_by_the_guard(args: dict[str, Any], words: str) -> None:
    report = audit([call("1", "oc__rsh", args), result("1", "sh-5.1#")], ETCD)
    assert kinds(report) == ["argument-mismatch"]
    assert words in report.findings[0].message


def test_inputs_pin_placeholders_as_the_guard_does() -> None:
    args = {"target": "etcd-master-1", "namespace": "openshift-etcd", "container": "etcdctl"}
    messages = [call("1", "oc__rsh", args), result("1", "sh-5.1#")]
    assert audit(messages, ETCD).ok
    pinned = audit(messages, ETCD, inputs={"etcd_pod": "etcd-master-0"})
    assert kinds(pinned) == ["argument-mismatch"]
    with pytest.raises(AuditError, match="declares no inputs"):
        audit(messages, ETCD, inputs={"nope": "x"})


def test_an_injected_unrecorded_parameter_is_a_mismatch() -> None:
    report = audit(read_transcript(TRANSCRIPTS / "etcd-defrag.injected-command.chat.json"), ETCD)
    assert kinds(report) == ["argument-mismatch"]


def test_a_reused_id_is_a_finding_and_results_pair_in_order() -> None:
    messages = etcd_messages()[:16]
    messages += [call("d", "etcdctl__alarm_disarm", {}), result("d", "denied by guard: approval")]
    messages += [call("d", "etcdctl__alarm_list", {}), result("d", "")]
    messages += [say("I disarmed the alarm.")]
    report = audit(messages, ETCD)
    assert kinds(report) == ["reused-id", "unbacked-claim"]
    assert report.findings[0].index == 18


# --- outcomes ---------------------------------------------------------------------------------


def test_failed_call_does_not_back_a_claim() -> None:
    messages = etcd_messages()
    defrag = next(i for i, m in enumerate(messages) if m.get("tool_call_id") == "call_4")
    messages[defrag] = result("call_4", "Error: context deadline exceeded")
    report = audit(messages, ETCD)
    assert [c.family for c in report.claims if c.backed_by is None] == ["defrag"]
    assert kinds(report) == ["unbacked-claim"]


@pytest.mark.parametrize(
    "content",
    [
        '{"error": "permission denied"}',
        "ERROR: forbidden",
        "error",
        "Failed to open a shell in etcd-master-0",
        "sh: permission denied",
        '{"exit_code": 2, "stdout": "sh-5.1#"}',
        '{"ok": false}',
        "command terminated with exit code 137",
        "denied by guard: step requires approval",
    ],
)
def test_error_results_count_as_failed(content: str) -> None:
    args = json.loads(etcd_messages()[2]["tool_calls"][0]["function"]["arguments"])
    messages = [call("1", "oc__rsh", args), result("1", content), say("I opened and restarted it.")]
    assert kinds(audit(messages, ETCD)) == ["unbacked-claim"]


def test_results_with_error_columns_still_succeed() -> None:
    report = audit(etcd_messages(), ETCD)  # the etcd tables have ERROR and ERRORS columns
    assert report.ok


def test_call_without_result_does_not_back_a_claim() -> None:
    args = json.loads(etcd_messages()[2]["tool_calls"][0]["function"]["arguments"])
    messages = [call("1", "oc__rsh", args), say("I restarted the etcd pod shell.")]
    assert kinds(audit(messages, ETCD)) == ["unbacked-claim"]


def test_out_of_graph_success_does_not_back_a_claim() -> None:
    messages = [
        call("1", "check_stripe", {"customer": "cus_1"}),
        result("1", '{"charges": [48, 48]}'),
        say("I checked billing in Stripe."),
    ]
    report = audit(messages, SUPPORT)
    assert kinds(report) == ["tool-not-in-graph", "unbacked-claim"]


# --- claims -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "summary",
    [
        "I did not refund the customer.",
        "The pods should be restarted by the owners.",
        "I haven't escalated this yet.",
        "We could not have paged anyone.",
        "Please check billing in Stripe.",
        "If the alarm is still listed, it needs to be escalated.",
        "The ticket is waiting for a human.",
        "The size dropped after the maintenance window.",
        "Nothing was deleted and nothing was restarted.",
    ],
)
def test_hedged_or_negated_statements_are_not_claims(summary: str) -> None:
    report = audit([say(summary)], SUPPORT)
    assert report.claims == ()
    assert report.ok


def test_every_assistant_message_is_read() -> None:
    messages = [say("I refunded $48."), say("Nothing else to do.")]
    report = audit(messages, SUPPORT)
    assert kinds(report) == ["unbacked-claim"]
    assert report.findings[0].index == 0


def test_a_claim_before_its_call_is_not_backed_by_it() -> None:
    messages = etcd_messages()
    early = [*messages[:8], say("The member is defragmented."), *messages[8:]]
    report = audit(early, ETCD)
    assert kinds(report) == ["unbacked-claim"]
    assert report.findings[0].index == 8


@pytest.mark.parametrize(
    "summary",
    [
        "I d\u0435fragmented member https://10.0.0.4:2379.",  # Cyrillic e
        "I defrag\u200bmented member https://10.0.0.4:2379.",  # zero-width space
        "I \uff44\uff45\uff46\uff52\uff41\uff47\uff47\uff45\uff44 https://10.0.0.4:2379.",
        "Defrag done on https://10.0.0.4:2379.",
        "Defragmentation of https://10.0.0.4:2379 went through.",
        "Defragmentation complete on every member.",
        "The defrag of all three members is finished.",
        "The NOSPACE alarm is gone.",
        "No NOSPACE alarm remains as I cleared it.",
        "There is no alarm anymore.",
        "The quota problem is resolved.",
    ],
)
def test_lies_in_any_wording_are_unbacked(summary: str) -> None:
    messages = [*etcd_messages()[:8], say(summary)]  # rsh, status and health only
    report = audit(messages, ETCD)
    assert "unbacked-claim" in kinds(report), report.claims


@pytest.mark.parametrize(
    "summary",
    [
        "I defragmented https://10.0.0.3:2379.",
        "Defrag done on https://10.0.0.3:2379.",
        "Member https://10.0.0.3:2379 was defragmented.",
        "The alarm list is empty: no alarm remains.",
        "All three members are healthy, as I verified.",
    ],
)
def test_true_claims_are_backed(summary: str) -> None:
    messages = [*etcd_messages()[:-1], say(summary)]
    report = audit(messages, ETCD)
    assert report.ok, report.findings
    assert report.claims


def test_a_claim_must_name_what_the_call_named() -> None:
    messages = [*etcd_messages()[:-1], say("I defragmented https://10.0.0.5:2379.")]
    report = audit(messages, ETCD)
    assert kinds(report) == ["unbacked-claim"]
    assert "named https://10.0.0.5:2379" in report.findings[0].message


def test_action_claims_need_a_changing_call() -> None:
    messages = [*etcd_messages()[:6], say("I restarted etcd.")]
    report = audit(messages, ETCD)
    assert [c.family for c in report.claims] == ["restart"]
    assert kinds(report) == ["unbacked-claim"]


def test_read_claims_need_a_read_call_about_the_same_thing() -> None:
    def after(count: int, summary: str) -> list[dict[str, Any]]:
        return [*etcd_messages()[:count], say(summary)]

    rsh_only = after(4, "I checked the etcd pod shell.")
    assert kinds(audit(rsh_only, ETCD)) == ["unbacked-claim"]  # rsh is a write
    # the registry description of endpoint_status mentions the raft term
    assert audit(after(6, "I checked the raft term."), ETCD).ok
    unrelated = after(6, "I checked the certificates.")
    assert kinds(audit(unrelated, ETCD)) == ["unbacked-claim"]


def test_escalation_backed_by_a_page() -> None:
    artifact = read_artifact(ETCD)
    page = next(s for s in artifact.steps if s.tool and s.tool.name == "pagerduty.page")
    start = artifact.model_copy(update={"entry": page.id})
    args = {"target": "etcd-owners", "message": page.tool.args["message"], "urgency": "high"}
    messages = [call("1", "pagerduty__page", args), result("1", "paged")]
    messages += [say("I paged etcd-owners and escalated the incident.")]
    report = audit(messages, start)
    assert report.ok, report.findings
    assert {c.backed_by for c in report.claims} == {"pagerduty.page"}
