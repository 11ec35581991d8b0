from __future__ import annotations

from collections.abc import Callable

from compiler.models import Artifact

from .conftest import codes

Compile = Callable[[str], Artifact]


def steps_by_text(artifact: Artifact) -> dict[str, object]:
    return {s.text: s for s in artifact.steps}


def test_command_binding_captures_args(compile_text: Compile) -> None:
    art = compile_text("## Diagnosis\n\n```console\n$ oc get pods -n payments\n```\n")
    step = art.steps[0]
    assert step.tool is not None
    assert (step.tool.name, step.tool.bound_by, step.tool.args) == (
        "oc.get_pods",
        "command",
        {"namespace": "payments"},
    )
    assert step.kind == "check" and step.effect == "read" and step.permission == "cluster-read"


def test_explicit_name_wins_over_alias(compile_text: Compile) -> None:
    art = compile_text("## Steps\n\n1. Use `pagerduty.page` to page the on-call.\n")
    assert art.steps[0].tool is not None and art.steps[0].tool.bound_by == "explicit"
    assert "RB206" not in codes(art, "RB2")


def test_alias_binding_needs_signoff(compile_text: Compile) -> None:
    art = compile_text("## Steps\n\n1. Page the on-call now.\n")
    assert art.steps[0].tool is not None and art.steps[0].tool.bound_by == "alias"
    (diag,) = [d for d in art.diagnostics if d.code == "RB206"]
    assert diag.blocking and (diag.column, diag.end_column) == (4, 19)
    assert art.status == "blocked" and art.steps[0].gate == "human"


def test_unknown_tool_has_did_you_mean_and_cannot_bind(compile_text: Compile) -> None:
    art = compile_text("## Steps\n\n1. Call `billing.get_invoice` for the customer.\n")
    (diag,) = [d for d in art.diagnostics if d.code == "RB201"]
    assert "billing.get_invoices" in diag.fix
    assert (diag.line, diag.column) == (3, 9)
    assert art.steps[0].tool is None and art.status == "blocked"


def test_tool_looking_names_outside_tool_context_are_not_flagged(compile_text: Compile) -> None:
    art = compile_text(
        "## Diagnosis\n\n- Use the `node_filesystem_free_bytes` metric.\n"
        "- Check the `spec.kafka` field via `spec.kafka`.\n"
    )
    assert "RB201" not in codes(art, "RB2")


def test_ambiguous_binding(compile_text: Compile) -> None:
    art = compile_text("## Steps\n\n```bash\ndupctl run x\n```\n")
    assert codes(art, "RB2") == ["RB202"] and art.steps[0].tool is None


def test_deprecated_tool(compile_text: Compile) -> None:
    art = compile_text("## Steps\n\n```bash\nkubectl top pods\n```\n")
    (diag,) = [d for d in art.diagnostics if d.code == "RB203"]
    assert "oc.adm_top" in diag.fix and not diag.blocking


def test_args_failing_the_params_schema(compile_text: Compile) -> None:
    art = compile_text("## Steps\n\n```bash\noc scale deploy/api --replicas many\n```\n")
    (diag,) = [d for d in art.diagnostics if d.code == "RB204"]
    assert "does not match" in diag.message


def test_unbound_command_and_unknown_pipe_filter(compile_text: Compile) -> None:
    art = compile_text(
        "## Steps\n\n```console\n$ frobnicate --all\n$ oc get pods | xargs oc delete pod\n```\n"
    )
    assert codes(art, "RB2") == ["RB207", "RB208"]
    assert art.steps[1].tool is not None and art.steps[1].tool.name == "oc.get_pods"


def test_substitution_must_be_read_only(compile_text: Compile) -> None:
    safe = compile_text("## Steps\n\n```bash\noc get pod $(oc get pods -o name)\n```\n")
    assert "RB207" not in codes(safe, "RB2")
    unsafe = compile_text("## Steps\n\n```bash\noc get pod $(oc delete pod x)\n```\n")
    assert "RB207" in codes(unsafe, "RB2")


def test_placeholder_values_are_not_checked_against_the_schema(compile_text: Compile) -> None:
    art = compile_text("## Steps\n\n```bash\noc scale deploy/api --replicas $REPLICAS\n```\n")
    assert "RB204" not in codes(art, "RB2")


def test_assignment_from_a_substitution_binds_the_inner_command(compile_text: Compile) -> None:
    art = compile_text("## Steps\n\n```bash\nexport POD=$(oc get pods -n x -o name)\n```\n")
    assert art.steps[0].tool is not None and art.steps[0].tool.name == "oc.get_pods"


def test_shell_loops_are_one_unbound_command(compile_text: Compile) -> None:
    art = compile_text(
        "## Steps\n\n```bash\nL=x; for p in $(oc get pods); do oc get pod $p; done\n```\n"
    )
    (diag,) = [d for d in art.diagnostics if d.code.startswith("RB2")]
    assert diag.code == "RB207" and "shell `for` construct" in diag.message


def test_comments_redirects_and_harmless_followers_do_not_block(compile_text: Compile) -> None:
    art = compile_text(
        "## Steps\n\n```bash\noc get pods -n x > pods.txt 2>&1 && echo done  # save them\n```\n"
    )
    assert codes(art, "RB2") == []
    assert art.steps[0].tool is not None and art.steps[0].tool.args == {"namespace": "x"}


def test_tools_named_in_prose_bind_or_are_unknown(compile_text: Compile) -> None:
    art = compile_text(
        "## Steps\n\n"
        "1. Refund it with the stripe_refund tool.\n"
        "2. Call pagerduty.page for the on-call.\n"
        "3. Watch the kube_pod_status_ready metric.\n"
    )
    refund, page, watch = art.steps[:3]
    assert refund.tool is None and "RB201" in codes(art, "RB201")
    unknown = next(d for d in art.diagnostics if d.code == "RB201")
    assert (unknown.line, unknown.column, unknown.end_column) == (3, 23, 35)
    assert page.tool is not None and page.tool.name == "pagerduty.page"
    assert watch.tool is None
