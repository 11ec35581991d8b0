"""Session 11 review (review11): holes found in the session's changes, each with its test."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from compiler.runtime import GuardError, load
from compiler.runtime.session import RunbookSession

from .security.test_guard_side import HIDDEN_NOTE, artifact_of, compile_tree


def _session(tmp_path: Path) -> RunbookSession:
    path = compile_tree(tmp_path, "noted", HIDDEN_NOTE)
    runbook = load(path, registry=tmp_path / "tools.yaml", profiles=tmp_path / "profiles.yaml")
    return RunbookSession(runbook)


def _at_decision(session: RunbookSession) -> None:
    session.call("oc.get_pods", {"namespace": "payments"})
    while not session.outcomes():
        session.advance(confirmed_by="alice")


def test_a_refused_outcome_lists_the_choices_without_comments(tmp_path: Path) -> None:
    """An agent that names no outcome, or a wrong one, is told the choices: as a reader sees
    them, never with an HTML comment's words (sec11 cleaned `runbook_status` and the outcome
    tool, but the guard's refusal listed the raw conditions)."""
    session = _session(tmp_path)
    _at_decision(session)
    for wrong in (None, "no-such-outcome"):
        with pytest.raises(GuardError) as refused:
            session.advance(wrong)
        assert "SYSTEM" not in str(refused.value) and "always" not in str(refused.value)
        assert "Pending" in str(refused.value)
    tool = json.dumps(session.guard.outcome_tool())
    assert "Pending" in tool and "SYSTEM" not in tool and "always" not in tool
    shown = next(o for o in session.guard.outcomes() if "Pending" in o)
    assert session.advance(shown).id  # the agent names back what it was shown


def test_outcomes_that_read_alike_without_comments_are_left_to_a_person(tmp_path: Path) -> None:
    """Two branches whose conditions differ only inside comments: the agent cannot tell them
    apart, so naming them is refused; the condition as written still names one."""
    from compiler.models import Edge
    from compiler.runtime.guard import _choose_edge

    session = _session(tmp_path)
    _at_decision(session)
    step = session.current.model_copy(
        update={
            "next": [
                Edge(to="steps/a", when="the pods are ready <!-- a -->"),
                Edge(to="steps/b", when="the pods are ready <!-- b -->"),
            ]
        }
    )
    with pytest.raises(GuardError, match="reads the same"):
        _choose_edge(step, "the pods are ready")
    assert _choose_edge(step, "the pods are ready <!-- b -->") == "steps/b"


def test_serve_tells_a_waiting_agent_the_person_step_without_comments(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A human-gated step the client could not confirm: the error the agent reads names the
    step as a reader sees it (no HTML comment)."""
    pytest.importorskip("mcp")
    from compiler.runtime import mcp_server

    session = _session(tmp_path)
    session.call("oc.get_pods", {"namespace": "payments"})
    assert session.current.gate == "human" or session.outcomes()

    async def no_confirmation(*_: Any, **__: Any) -> None:
        return None

    monkeypatch.setattr(mcp_server, "_ask_confirmation", no_confirmation)
    monkeypatch.setattr(mcp_server, "_who_must_act", lambda *_: "a person must act")
    server = mcp_server.RunbookServer([session.runbook], lambda runbook: session)
    seen = []
    while not session.done:
        if session.current.gate == "human":
            result = asyncio.run(server._advance(None, session, None))
            seen.append(json.dumps(result.model_dump(mode="json")))
        outcomes = session.outcomes()
        session.advance(outcomes[0].name if outcomes else None, confirmed_by="alice")
    assert seen
    for shown in seen:
        assert "SYSTEM" not in shown and "always" not in shown


def _context_of_last(tmp_path: Path, block: str) -> Any:
    from compiler.runtime.shell_context import apply_context

    (tmp_path / "stack").mkdir(exist_ok=True)
    lines = "".join(f"   {line}\n" for line in block.splitlines())
    path = compile_tree(
        tmp_path, "trail", f"1. Plan, then list the pods:\n\n   ```\n{lines}   ```\n"
    )
    last = [s for s in artifact_of(path).steps if s.tool is not None][-1]
    assert last.tool is not None and last.tool.name == "oc.get_pods"
    return apply_context(last.context, str(tmp_path), {})


@pytest.mark.parametrize(
    "line",
    [
        "pushd stack && terraform plan && popd",
        "cd stack && terraform plan; cd ..",
        "cd stack && terraform plan && cd $OLDPWD",
        "terraform plan | cd stack",  # a pipeline's part runs in a subshell
        "terraform plan || cd stack",  # whether it ran is not written: refused
    ],
)
def test_what_a_line_sets_after_its_program_is_context_too(tmp_path: Path, line: str) -> None:
    """`pushd stack && terraform plan && popd` leaves the terminal where it was: the commands
    after it do not run in `stack` (sec11 carried the line's leading `pushd` to them and
    dropped its trailing `popd`). What cannot be replayed is refused, never guessed."""
    from compiler.runtime.shell_context import ContextError

    try:
        applied = _context_of_last(tmp_path, f"{line}\noc get pods -n payments")
    except ContextError as refusal:
        assert ("$OLDPWD" in line or "||" in line) and "not executed" in str(refusal)
        return
    assert applied.cwd == str(tmp_path)


@pytest.mark.parametrize(
    "body",
    [
        # what the console printed after a prompted command: a redacted value, a help listing
        "# Users\n\nConfirm the account:\n\n```\n$ accountctl show alice\nname:   alice\n"
        "token:  XXXXXXXX\n```\n",
        "# Keys\n\nExtend it:\n\n```\n$ keyctl edit alice\nHow long should it be valid?\n"
        "      <days>  = token lasts for days\n```\n",
    ],
)
def test_what_a_console_printed_is_no_placeholder(compile_text: Any, body: str) -> None:
    """A block where a command was typed after a prompt: its other lines are what the console
    printed (LABELLING: output of a command is not a flag), unless typed at a prompt of their
    own (`redis> auth <secret>`)."""
    from .test_precision import flags

    assert flags(compile_text, body, "RB107") == []


@pytest.mark.parametrize(
    "body",
    [
        "# Cache\n\nConnect:\n\n```\nops$ /usr/bin/cachectl -h 10.1.2.3\n"
        "10.1.2.3:7000> login <secret>\n```\n",
        "# Hold\n\nHold both:\n\n```\nlaptop      $ fleetctl hold group:<secret>-web\n"
        "web-01-prd  $ sudo fleetctl hold --local\n```\n",
    ],
)
def test_a_line_typed_at_another_prompt_is_still_read(compile_text: Any, body: str) -> None:
    """Typed at a prompt the extractor does not read as a shell's, or after a host name."""
    from .test_precision import flags

    assert [e for _, e in flags(compile_text, body, "RB107")] == ["secret"]


def test_an_assignment_before_a_program_and_its_and_is_no_terminal_state(tmp_path: Path) -> None:
    """`A=b oc ... && echo done`: A is the program's alone. sec11 carried the whole `A=b oc ...`
    as a context line of this step and of every later one, which the executor refuses: the
    rest of the runbook could not run."""
    path = compile_tree(
        tmp_path,
        "prefixed",
        "1. List them:\n\n   ```\n   CLUSTER_NAME=blue oc get pods -n payments && echo done\n"
        "   oc get pods -n payments\n   ```\n",
    )
    first, last = [s for s in artifact_of(path).steps if s.tool is not None]
    assert [(c.text, c.prefix) for c in first.context] == [("CLUSTER_NAME=blue", True)]
    assert last.context == []


def test_a_command_is_shown_to_the_agent_as_it_runs(tmp_path: Path) -> None:
    """Inside a code block `<!-- -->` is part of the command: the agent is shown the command
    the call runs, not one with a piece cut out (`-l 'tier=<!-- a -->db'` was shown as
    `-l 'tier=db'` while the call ran with the selector as written)."""
    pytest.importorskip("mcp")
    from compiler.runtime.mcp_server import _shown

    command = "oc get pods -n payments -l 'tier=<!-- a -->db'"
    path = compile_tree(tmp_path, "coded", f"1. List them:\n\n   ```\n   {command}\n   ```\n")
    runbook = load(path, registry=tmp_path / "tools.yaml", profiles=tmp_path / "profiles.yaml")
    step = runbook.artifact.steps[0]
    assert step.tool is not None and step.tool.args["selector"] == "tier=<!-- a -->db"
    assert RunbookSession(runbook).status()["step"]["text"] == command
    assert _shown(step)["text"] == command


def test_top_level_reads_a_line_as_the_shell_does() -> None:
    """One scanner for the context's words and separators (they were two copies)."""
    from compiler.text.shell import top_level

    text = "export A=$(ssh h 'x && y') && cd \"a b\" \\; c"
    top = "".join(text[i] for i, level in top_level(text) if level)
    assert "x && y" not in top and "'" not in top.replace("$(", "")
    assert " && cd " in top and '"' in top and "\\" in top and ";" not in top


def test_what_a_subshell_sets_after_its_program_ends_with_it(tmp_path: Path) -> None:
    """`(pushd stack && terraform plan && popd)`: neither the `pushd` nor the `popd` is the
    terminal's (extract6's subshells with review11's trailing context)."""
    applied = _context_of_last(
        tmp_path, "(pushd stack && terraform plan && popd)\noc get pods -n payments"
    )
    assert applied.cwd == str(tmp_path)


@pytest.mark.parametrize("info", ["", "bash"])
def test_a_subshell_then_more_commands_is_a_command_not_output(tmp_path: Path, info: str) -> None:
    """`(cd /srv && oc delete pod x) && oc get pods` in a block with no prompt was read as
    output: a destructive command dropped with no diagnostic (extract6 read a line that is
    one whole group; one that goes on after the group was still lost)."""
    line = "(cd /srv/cache && oc delete pod stale-0 -n payments) && oc get pods -n payments"
    path = compile_tree(tmp_path, "grouped", f"1. Clear it:\n\n   ```{info}\n   {line}\n   ```\n")
    artifact = artifact_of(path)
    assert line in [step.text for step in artifact.steps]
    assert "RB303" in [d.code for d in artifact.diagnostics]
