from __future__ import annotations

from collections.abc import Callable

import pytest

from compiler.models import Artifact

from .conftest import codes

Compile = Callable[[str], Artifact]


def edges(artifact: Artifact) -> dict[str, list[tuple[str, str | None]]]:
    return {s.id: [(e.to, e.when) for e in s.next] for s in artifact.steps}


def test_sequence_ends_at_end(compile_text: Compile) -> None:
    art = compile_text("## Steps\n\n1. Drain the node.\n2. Reboot it.\n")
    assert edges(art) == {
        "steps/drain-the-node": [("steps/reboot-it", None)],
        "steps/reboot-it": [("end", None)],
        "end": [],
    }
    assert art.entry == "steps/drain-the-node"


def test_decision_has_branch_and_otherwise(compile_text: Compile) -> None:
    art = compile_text("## Steps\n\n- If you see OOMKilled, delete the pod.\n- Reboot it.\n")
    decision = art.steps[0]
    assert decision.kind == "decision"
    assert [(e.to, e.when) for e in decision.next] == [
        ("steps/if-you-see-oomkilled-delete-the-pod", "If you see OOMKilled"),
        ("steps/reboot-it", "otherwise"),
    ]


def test_step_ids_are_stable_across_unrelated_edits(compile_text: Compile) -> None:
    before = compile_text("## Steps\n\n1. Drain the node.\n2. Reboot it.\n")
    after = compile_text(
        "# New title\n\nIntro.\n\n## Steps\n\n1. Check first.\n2. Drain the node.\n3. Reboot it.\n"
    )
    assert {s.id for s in before.steps} < {s.id for s in after.steps}


def test_dangling_step_reference(compile_text: Compile) -> None:
    art = compile_text("## Steps\n\n1. Drain the node.\n2. If it fails, go to step 7.\n")
    assert "RB301" in codes(art, "RB3")


def test_conditional_jump_back_is_a_loop_with_an_exit(compile_text: Compile) -> None:
    art = compile_text("## Steps\n\n1. Restart the pod.\n2. If it still fails, go to step 1.\n")
    decision = art.steps[1]
    assert [(e.to, e.when) for e in decision.next] == [
        ("steps/restart-the-pod", "If it still fails"),
        ("end", "otherwise"),
    ]
    assert len(art.steps) == 3 and "RB306" not in codes(art, "RB3")


@pytest.mark.parametrize(
    "stop",
    ["If the pod is gone, stop here.", "If the pod is gone,\n   you are done.", "Stop."],
)
def test_stop_here_ends_the_runbook(compile_text: Compile, stop: str) -> None:
    art = compile_text(f"## Steps\n\n1. Check the pods.\n2. {stop}\n3. Delete the pod.\n")
    ending = next(s for s in art.steps if "top" in s.text or "done" in s.text)
    assert "end" in [e.to for e in ending.next]
    assert ("steps/delete-the-pod" in [e.to for e in ending.next]) == ("If" in stop)


def test_a_condition_over_two_lines_still_splits_from_its_action(compile_text: Compile) -> None:
    art = compile_text(
        "## Steps\n\n1. If the invoice is disputed,\n   refund it with the stripe_refund tool.\n"
    )
    decision, action = art.steps[0], art.steps[1]
    assert decision.kind == "decision" and decision.text == "If the invoice is disputed"
    assert action.text == "refund it with the stripe_refund tool."
    assert action.source is not None and (action.source.line, action.source.column) == (4, 4)
    assert action.gate == "human"


def test_unconditional_loop_never_ends_and_skipped_steps_are_unreachable(
    compile_text: Compile,
) -> None:
    art = compile_text("## Steps\n\n1. Restart the pod.\n2. Go to step 1.\n3. Reboot it.\n")
    assert codes(art, "RB3") == ["RB306", "RB302", "RB305"]
    assert art.status == "blocked"


def test_anchor_jumps_only_with_jump_words(compile_text: Compile) -> None:
    art = compile_text(
        "## Checks\n\n1. Check the pods.\n\n## Fix\n\n1. Reboot it.\n"
        "2. See [the checks](#checks) for why.\n3. Go to [missing](#nope).\n"
    )
    assert codes(art, "RB3") == ["RB301"]


def test_following_another_sections_instructions_is_no_jump(compile_text: Compile) -> None:
    # A real page: "Follow the instructions to [assign users](#assign)" in one section went to
    # that later section as a jump, so every step of the sections between was unreachable
    # (dozens of RB305) and a later "follow the steps to [x](#earlier)" looped (RB302).
    art = compile_text(
        "## Add an account\n\n1. Open the admin page.\n"
        "2. Follow the instructions to [grant a role](#grant-a-role) using the new name.\n\n"
        "## Rename an account\n\n1. Open the admin page.\n2. Change the name.\n\n"
        "## Grant a role\n\n1. Open the roles tab.\n2. Pick the role.\n\n"
        "## Reset a role\n\n1. Follow the steps in [grant a role](#grant-a-role) first.\n"
        "2. Clear the role.\n"
    )
    assert codes(art, "RB30") == []
    assert all(len(step.next) <= 1 for step in art.steps)
    looped = compile_text(
        "## Checks\n\n1. Check the pods.\n2. Restart the pod.\n"
        "3. Go back to [the checks](#checks).\n"
    )
    assert [e.to for e in looped.steps[2].next] == ["checks/check-the-pods"]


def test_a_stop_until_something_is_done_is_a_pause_not_the_end(compile_text: Compile) -> None:
    art = compile_text(
        "## Checks\n\n1. Run `oc get nodes`.\n"
        "2. If it lists no nodes, you must stop here and ask for access before continuing.\n"
        "3. Run `oc get pods`.\n"
    )
    assert codes(art, "RB305") == []
    ended = compile_text(
        "## Checks\n\n1. Run `oc get nodes`.\n2. Stop here.\n3. Run `oc get pods`.\n"
    )
    assert codes(ended, "RB305") == ["RB305"]


def test_if_this_step_otherwise_skip_keeps_both_branches(compile_text: Compile) -> None:
    art = compile_text(
        "## Fix\n\n### 1. Check it\n\nRun `oc get pods`.\n\n### 2. Patch it\n\n"
        "If the fix is needed today, follow this step to patch it. Otherwise, skip to step 3.\n\n"
        "Run `oc patch deploy/web -p x`.\n\n### 3. Tell the team\n\nRun `oc get deploy`.\n"
    )
    decision = next(step for step in art.steps if step.kind == "decision")
    assert [e.when for e in decision.next] == ["If the fix is needed today", "otherwise"]
    assert decision.next[1].to.startswith("3-tell-the-team/")
    assert codes(art, "RB30") == []


def test_each_sentence_jumps_under_its_own_condition(compile_text: Compile) -> None:
    art = compile_text(
        "## Steps\n\n1. Check the disk.\n2. Read the usage. If it is above 90%, go to step 4. "
        "If it is above 80%, go to step 3. Otherwise go to step 5.\n3. Trim logs.\n"
        "4. Page the on-call.\n5. Close the incident.\n"
    )
    step = art.steps[1]
    assert [(e.to, e.when) for e in step.next] == [
        ("steps/page-the-on-call", "If it is above 90%"),
        ("steps/trim-logs", "If it is above 80%"),
        ("steps/close-the-incident", "otherwise"),
    ]
