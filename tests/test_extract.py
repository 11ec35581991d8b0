from __future__ import annotations

import pytest

from compiler.extract.heuristic import extract
from compiler.parse import parse


def drafts(text: str, programs: frozenset[str] = frozenset({"oc"})) -> list[tuple[str, str]]:
    return [(d.kind, d.text) for d in extract(parse(text), programs)]


def test_no_section_is_dropped_by_its_heading_words_only_weighed() -> None:
    # Issue 15: heading words set a prior, never exclude; "you should" alone does not make a
    # step under a descriptive heading, an imperative does.
    text = (
        "# Alert\n\n## Meaning\n\nYou should see errors. Restart it.\n\n"
        "## Mitigation\n\nRestart the pod.\n"
    )
    assert drafts(text) == [("manual", "Restart it."), ("manual", "Restart the pod.")]


def test_documents_without_procedural_headings_are_all_procedure() -> None:
    assert drafts("# Fix it\n\n1. Drain the node.\n2. Reboot.\n") == [
        ("manual", "Drain the node."),
        ("manual", "Reboot."),
    ]


def test_descriptive_bullets_are_not_steps_but_numbered_items_are() -> None:
    text = "## Diagnosis\n\n- The field shows a list.\n- Check the logs.\n\n1. The node.\n"
    assert drafts(text) == [("check", "Check the logs."), ("manual", "The node.")]


def test_prompted_commands_skip_output_and_comments() -> None:
    text = (
        "## Diagnosis\n\n```console\n# list them\n$ oc get pods \\\n    -n x\nNAME  READY\n"
        "api   1/1\nsh-5.1$ oc get nodes\n```\n"
    )
    found = extract(parse(text))
    assert [(d.text, d.command) for d in found] == [
        ("oc get pods \\ -n x", "oc get pods -n x"),
        ("oc get nodes", "oc get nodes"),
    ]
    assert (found[0].span.line, found[0].span.column, found[0].span.end_line) == (5, 3, 6)


def test_unprompted_blocks_skip_promql_and_unknown_words() -> None:
    text = (
        "## Diagnosis\n\n```\nsum(rate(x[5m]))\nkube_pod_status_ready\nNAME STATUS\n"
        "oc get pods\n```\n\n```bash\nfrobnicate --now\n```\n"
    )
    assert [t for _, t in drafts(text)] == ["oc get pods", "frobnicate --now"]


def test_multi_line_quoted_commands_are_one_step() -> None:
    text = "## Steps\n\n```bash\noc patch x --patch '{\n  \"a\": 1\n}'\noc get x\n```\n"
    assert [t for _, t in drafts(text)] == ["oc patch x --patch '{ \"a\": 1 }'", "oc get x"]


def test_lead_in_paragraph_becomes_the_commands_note() -> None:
    found = extract(parse("## Diagnosis\n\nCheck the pods:\n\n```console\n$ oc get pods\n```\n"))
    assert [(d.text, d.note) for d in found] == [("oc get pods", "Check the pods:")]


def test_conditional_lead_in_becomes_a_decision_over_its_commands() -> None:
    text = (
        "## Mitigation\n\nIf the pod is stuck, delete it:\n\n```console\n$ oc delete pod a\n"
        "$ oc get pods\n```\n\nDone.\n"
    )
    found = extract(parse(text))
    assert found[0].kind == "decision" and found[0].branch_size == 2
    assert found[0].condition == "If the pod is stuck"


def test_if_x_then_y_splits_into_decision_and_action() -> None:
    found = extract(parse("## Steps\n\n- If you see OOMKilled, delete the pod.\n"))
    assert [(d.kind, d.text) for d in found] == [
        ("decision", "If you see OOMKilled"),
        ("manual", "delete the pod."),
    ]
    assert (found[1].span.column, found[1].span.end_column) == (25, 39)
    assert found[0].branch_size == 1


def test_trailing_condition_is_kept_on_the_step() -> None:
    (step,) = extract(parse("## Steps\n\n1. Restart the pods if needed.\n"))
    assert step.condition == "if needed"
    (check,) = extract(parse("## Steps\n\n1. Check if the pods are ready.\n"))
    assert check.condition is None


def test_escalation_and_jumps() -> None:
    found = extract(
        parse(
            "## Steps\n\n1. Escalate to the DBA.\n2. Go to step 1.\n"
            "3. Repeat [the checks](#steps).\n"
        )
    )
    assert found[0].kind == "escalate"
    assert [(j.target, j.when) for j in found[1].jumps] == [("1", None)]
    assert [(j.target, j.by) for j in found[2].jumps] == [("steps", "anchor")]


def test_headings_that_state_a_condition_make_their_steps_conditional() -> None:
    # Issue 15: the heading itself is the decision whose branch is its section.
    decision, step = extract(
        parse("## Mitigation\n\n### If the pods are running\n\n- Restart them.\n")
    )
    assert (decision.kind, decision.branch_size) == ("decision", 1)
    assert step.condition == "If the pods are running"


def test_pasted_output_tables_are_not_commands() -> None:
    text = (
        "## Diagnosis\n\n```shell\noc get lease -n x\n\nNAME     HOLDER   AGE\n"
        "master   pod-1    32m\n\noc get pods\n```\n"
    )
    assert [t for _, t in drafts(text)] == ["oc get lease -n x", "oc get pods"]


def test_indented_fences_keep_unindented_commands_whole() -> None:
    text = "## Diagnosis\n\n ```bash\noc logs -n x\n ```\n"
    (step,) = extract(parse(text), frozenset({"oc"}))
    assert step.text == "oc logs -n x" and step.span.column == 1


def test_comment_after_a_continuation_ends_the_command() -> None:
    text = "## Steps\n\n```bash\noc logs pod \\\n# if using Istio\noc get pods\n```\n"
    found = extract(parse(text), frozenset({"oc"}))
    assert [d.command for d in found] == ["oc logs pod", "oc get pods"]


def test_plain_assignments_are_not_steps_but_substitutions_are() -> None:
    text = "## Steps\n\n```bash\nNS=payments\nPOD=$(oc get pods -o name)\necho $POD\n```\n"
    assert [t for _, t in drafts(text)] == ["POD=$(oc get pods -o name)"]


def test_explanations_that_start_with_when_are_not_steps() -> None:
    text = "## Diagnosis\n\nWhen calls are slow, the cause can be the network.\n"
    assert drafts(text) == []


def test_a_condition_listing_things_splits_before_the_instruction() -> None:
    found = extract(parse("## Steps\n\n- If it lacks a ConfigMap, Secret or file, go to step 6.\n"))
    assert [d.text for d in found] == ["If it lacks a ConfigMap, Secret or file, go to step 6."]
    assert found[0].kind == "decision"
    assert found[0].jumps[0].when == "If it lacks a ConfigMap, Secret or file"


@pytest.mark.parametrize(
    "text",
    [
        "If the pod is gone, stop here: the alert has cleared.",
        "If any member is unhealthy, go to [Step 6](#step-6-escalate).",
    ],
)
def test_a_condition_whose_consequence_only_jumps_is_one_decision(text: str) -> None:
    found = extract(parse(f"## Steps\n\n{text}\n\n## Step 6: escalate\n\n1. Page the owner.\n"))
    assert found[0].kind == "decision" and found[0].text == text
    assert (found[0].jumps[0].when or found[0].condition) == text.split(",")[0]


@pytest.mark.parametrize(
    "pointer",
    ["See [Debugging Pods](https://k8s.io/debug).", "For more information, see <https://x.io>"],
)
def test_a_pointer_elsewhere_is_not_a_step(pointer: str) -> None:
    assert extract(parse(f"## Steps\n\n1. Check the pods.\n2. {pointer}\n")) == [
        extract(parse("## Steps\n\n1. Check the pods.\n"))[0]
    ]
