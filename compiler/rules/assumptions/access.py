"""RB105 access-gap: a step's tool needs a permission the executor profile does not have."""

from __future__ import annotations

from collections.abc import Iterator

from compiler.records import Step
from compiler.rules import CheckContext, Finding, RuleDoc, rule
from compiler.rules.assumptions.scan import front_matter_key_span


@rule(
    "RB105",
    "access-gap",
    "error",
    blocking=True,
    signoff=True,
    summary="A step's tool needs a permission the runbook's executor profile does not have.",
    docs=RuleDoc(
        what="Compares each bound tool's `permission` with the permissions of the executor "
        "profile named in front matter (`executor`, defined in profiles.yaml). Also flags an "
        "executor that no profile defines.",
        why='The on-call gap: the runbook says "deploy the fix", and at 2 a.m. the person (or '
        "agent) running it finds they lack deploy rights. Better found at review time.",
        example="---\nexecutor: oncall-sre\n---\n```console\n$ deployctl release payments "
        "--env prod --tag v2\n```   (oncall-sre lacks `deploy`)",
        instead="Grant the permission to the profile, hand the step to a role that has it "
        "(an escalate step), or choose an executor profile that has it.",
    ),
)
def access_gap(context: CheckContext) -> Iterator[Finding]:
    executor = context.meta.executor
    if executor is None:
        return
    permissions = context.profiles.permissions.get(executor)
    if permissions is None:
        span = front_matter_key_span(context, "executor")
        yield Finding(
            "RB105",
            span,
            f"executor profile `{executor}` is not defined in profiles.yaml",
            "define the profile in profiles.yaml or name an existing one",
            executor,
        )
        return
    for step in context.graph.steps:
        if step.permission and step.permission not in permissions and step.source:
            yield Finding(
                "RB105",
                step.source,
                f"needs permission `{step.permission}` (tool `{_tool_name(step)}`), "
                f"which executor `{executor}` lacks",
                f"grant `{step.permission}` to `{executor}`, or escalate this step to a role "
                "that has it",
                f"{step.permission} {executor}",
                step.id,
            )


def _tool_name(step: Step) -> str:
    return step.tool.name if step.tool else "?"
