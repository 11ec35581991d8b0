"""A command's written context: `cd`/`export` lines are carried by the steps after them, applied
exactly by the executor or refused, and signed with the step (tests in other words than the
runbooks they came from: GitLab and MoJ runbooks that `cd` into a Terraform folder first)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from compiler.models import Artifact, ContextLine, Step
from compiler.runtime.execute import Execution, SubprocessExecutor, dry_run
from compiler.runtime.shell_context import ContextError, apply_context
from compiler.signoff import step_target
from compiler.text.wrappers import opens_shell

from .conftest import source_steps

Compile = Callable[[str], Artifact]

TEARDOWN = """# Remove the review stack

## Before you start

```bash
cd infra/stacks/review
export CLOUD_PROFILE=review
```

## Tear it down

1. Remove the stack:

   ```bash
   terraform destroy
   ```

## Another case

```bash
terraform plan
```
"""


def _step(artifact: Artifact, text: str) -> Step:
    return next(step for step in source_steps(artifact) if step.text == text)


def test_a_command_carries_the_cd_and_export_lines_written_before_it(
    compile_text: Compile,
) -> None:
    step = _step(compile_text(TEARDOWN), "terraform destroy")
    assert [(line.line, line.text) for line in step.context] == [
        (6, "cd infra/stacks/review"),
        (7, "export CLOUD_PROFILE=review"),
    ]
    assert step.effect == "destructive"


def test_context_holds_for_the_rest_of_the_runbook_as_in_one_terminal(
    compile_text: Compile,
) -> None:
    plan = _step(compile_text(TEARDOWN), "terraform plan")
    assert [line.text for line in plan.context] == [
        "cd infra/stacks/review",
        "export CLOUD_PROFILE=review",
    ]
    later = TEARDOWN.replace("terraform plan", "cd ../live\nterraform plan")
    assert [line.text for line in _step(compile_text(later), "terraform plan").context] == [
        "cd infra/stacks/review",
        "export CLOUD_PROFILE=review",
        "cd ../live",
    ]


def test_a_cd_in_the_same_block_applies_only_to_the_commands_after_it(
    compile_text: Compile,
) -> None:
    artifact = compile_text(
        "# Clear the cache\n\n```\nls -l\ncd /srv/cache\nrm -rf thumbnails\n```\n"
    )
    assert _step(artifact, "ls -l").context == []
    removal = _step(artifact, "rm -rf thumbnails")
    assert [line.text for line in removal.context] == ["cd /srv/cache"]
    assert removal.effect == "destructive"


def test_a_command_after_cd_on_the_same_line_is_a_step(compile_text: Compile) -> None:
    artifact = compile_text("# Clear the cache\n\n```\ncd /srv/cache && rm -rf thumbnails\n```\n")
    removal = _step(artifact, "cd /srv/cache && rm -rf thumbnails")
    assert removal.effect == "destructive"
    # its directory is in its own text, but the registry binds `rm -rf thumbnails` alone
    assert [line.text for line in removal.context] == ["cd /srv/cache"]


def test_context_lines_are_classified_not_output(compile_text: Compile) -> None:
    artifact = compile_text(TEARDOWN)
    assert artifact.coverage.get("context") == 2
    look_alike = compile_text("# Shown\n\n```text\ncd infra/stacks/review\n```\n")
    assert "context" not in look_alike.coverage  # a `text` block is output, not commands


def test_commands_typed_into_a_remote_or_root_shell_carry_it(compile_text: Compile) -> None:
    artifact = compile_text(
        "# Clear the cache on the app host\n\n```\nssh app-07.internal\ncd /srv/app\n"
        "rm -rf cache\nexit\n```\n\nBack on your machine:\n\n```\nls -l\nsudo su -\n"
        "systemctl stop ledger\n```\n"
    )
    assert [line.text for line in _step(artifact, "rm -rf cache").context] == [
        "ssh app-07.internal",
        "cd /srv/app",
    ]
    assert _step(artifact, "ls -l").context == []  # `exit` left the host and its `cd`
    assert _step(artifact, "ssh app-07.internal").context == []
    assert [line.text for line in _step(artifact, "systemctl stop ledger").context] == ["sudo su -"]


def test_a_command_run_through_ssh_opens_no_shell(compile_text: Compile) -> None:
    artifact = compile_text("# Check\n\n```\nssh app-07.internal uptime\nls -l\n```\n")
    assert _step(artifact, "ls -l").context == []


def _signoff_target(compile_text: Compile, text: str) -> str:
    diagnostic = next(
        d
        for d in compile_text(text).diagnostics
        if d.code == "RB207" and "terraform" in d.message and d.line == 15
    )
    return diagnostic.fingerprint


def test_editing_the_directory_makes_a_signoff_on_the_command_stale(
    compile_text: Compile,
) -> None:
    before = _signoff_target(compile_text, TEARDOWN)
    moved = TEARDOWN.replace("cd infra/stacks/review", "cd infra/stacks/live")
    assert _signoff_target(compile_text, moved) != before
    reworded = TEARDOWN.replace("Remove the stack:", "Remove the whole stack:")
    assert _signoff_target(compile_text, reworded) == before


def _lines(*texts: str) -> list[ContextLine]:
    return [ContextLine(line=number, text=text) for number, text in enumerate(texts, 1)]


def test_directories_and_variables_are_applied_in_order(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "c").mkdir()
    applied = apply_context(
        _lines("cd a/b", "cd ..", "pushd ../c", "popd", "export A=1 B='two words'", "C=3"),
        str(tmp_path),
        {"KEEP": "x", "GONE": "y"},
        frozenset({"A", "B", "C"}),
    )
    assert applied.cwd == str(tmp_path / "a")
    # `C=3` sets a shell variable: no command sees it (session 11)
    assert applied.environment == {"KEEP": "x", "GONE": "y", "A": "1", "B": "two words"}
    unset = apply_context(_lines("unset GONE"), str(tmp_path), {"GONE": "y"}, frozenset({"GONE"}))
    assert unset.environment == {}
    assert apply_context([], str(tmp_path), {"K": "v"}).environment is None


@pytest.mark.parametrize(
    "line",
    [
        "source .env",
        ". ./settings.sh",
        "cd $REPO_DIR",
        "export KUBECONFIG=$HOME/.kube/live",
        "export TOKEN=`cat token`",
        "cd <repository>",
        "cd -",
        "cd missing-directory",
        "cd /srv/app-*",
        "cd ~other-user",
        "cd '~/repo'",
        "A=1 reboot",
        "cd a | tee log",
        "popd",
        "export 'x y'",
        "cd 'open quote",
        "export PATH=/tmp/tools",  # which program runs: never the runbook's to set
        "LD_PRELOAD=/tmp/hook.so; export LD_PRELOAD",
        "export DYLD_INSERT_LIBRARIES=/tmp/hook.dylib",
        "export BASH_ENV=/tmp/rc PYTHONPATH=/tmp",
        "ssh app-07.internal",  # the step runs on that host
        "sudo su -",
    ],
)
def test_what_cannot_be_applied_exactly_is_refused(tmp_path: Path, line: str) -> None:
    (tmp_path / "a").mkdir()
    with pytest.raises(ContextError, match=r"^not executed: .*run the step by hand$"):
        apply_context(_lines(line), str(tmp_path), {"HOME": str(tmp_path)})


def _execution(step_context: list[ContextLine], argv: list[str]) -> Execution:
    step = Step(id="s", kind="check", text=" ".join(argv), source=None, context=step_context)
    return Execution(step=step, tool="t", arguments={}, argv=argv)


def test_the_executor_runs_the_command_where_the_runbook_put_it(tmp_path: Path) -> None:
    (tmp_path / "stack").mkdir()
    executor = SubprocessExecutor(timeout=30, directory=str(tmp_path))
    where = executor(_execution(_lines("cd stack"), ["pwd"]))
    assert where.ok and where.output.strip() == os.path.realpath(tmp_path / "stack")
    variable = executor(_execution(_lines("export STAGE=review"), ["printenv", "STAGE"]))
    assert variable.ok and variable.output.strip() == "review"


def test_the_executor_refuses_and_runs_nothing_when_the_context_cannot_be_applied(
    tmp_path: Path,
) -> None:
    marker = tmp_path / "ran"
    executor = SubprocessExecutor(timeout=30, directory=str(tmp_path))
    result = executor(_execution(_lines("source .env"), ["touch", str(marker)]))
    assert not result.ok and "`source .env` (line 1)" in result.output
    assert not marker.exists()


def test_a_dry_run_says_what_the_step_runs_after() -> None:
    result = dry_run(_execution(_lines("cd stack", "export STAGE=review"), ["terraform", "plan"]))
    assert result.output == (
        "dry run (not executed): terraform plan (after: cd stack; export STAGE=review)"
    )
    assert result.data["context"] == ["cd stack", "export STAGE=review"]


# Review (session 10): lines the executor read differently from the shell, or applied although
# they set which code runs.


@pytest.mark.parametrize(
    "line",
    [
        "cd stage#blue",  # a `#` inside a word is no comment: the shell enters `stage#blue`
        "export TARGET=blue#2",
        "unset PATH",  # which program runs: the default search path instead of this one
        "unset LD_LIBRARY_PATH PATH",
        "pushd",  # swaps the top two directories of the stack; no directory to go to
        "pushd stage; popd +1",  # removes a stack entry other than the top
        "cd x{,}",  # brace expansion: two directories
        "export STAGE={blue,green}",  # `export STAGE=blue STAGE=green`
        "export GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=core.pager GIT_CONFIG_VALUE_0=touch",
        "export GIT_CONFIG_GLOBAL=deploy/gitconfig",  # [core] sshCommand/fsmonitor run code
        "export HOME=deploy",  # ~/.ssh/config ProxyCommand, ~/.gitconfig, ... run code
        "export XDG_CONFIG_HOME=deploy",
        "export OPENSSL_CONF=deploy/openssl.cnf",  # loads an engine (a library)
        "export GLIBC_TUNABLES=glibc.malloc.check=3",
        "export GIT_PAGER=less GIT_EXTERNAL_DIFF=deploy/diff.sh",
        "export CDPATH=/etc",  # decides where a later `cd x` goes
        "export KUBECONFIG=~other/.kube/config",
        "export KUBECONFIG=/etc/k:~/.kube/config",  # the shell expands `~` after `:` too
    ],
)
def test_what_the_shell_reads_otherwise_or_that_sets_code_is_refused(
    tmp_path: Path, line: str
) -> None:
    (tmp_path / "stage").mkdir()
    (tmp_path / "x{,}").mkdir()
    (tmp_path / "deploy").mkdir()
    with pytest.raises(ContextError, match=r"^not executed: .*run the step by hand$"):
        apply_context(_lines(line), str(tmp_path), {"HOME": str(tmp_path), "PATH": "/bin"})


def test_a_comment_after_a_context_line_is_no_part_of_it(tmp_path: Path) -> None:
    (tmp_path / "stage").mkdir()
    applied = apply_context(
        _lines("cd stage  # the blue stack", "export A='x #y' B=\"p q\" # note"),
        str(tmp_path),
        {},
        frozenset({"A", "B"}),
    )
    assert applied.cwd == str(tmp_path / "stage")
    assert applied.environment == {"A": "x #y", "B": "p q"}


def test_a_tilde_in_an_assignment_is_the_home_directory_as_in_the_shell(tmp_path: Path) -> None:
    applied = apply_context(
        _lines("export KUBECONFIG=~/.kube/live", "CONF=~", "export CONF"),
        str(tmp_path),
        {"HOME": "/home/op"},
        frozenset({"CONF"}),
    )
    assert applied.environment == {
        "HOME": "/home/op",
        "KUBECONFIG": "/home/op/.kube/live",
        "CONF": "/home/op",
    }


@pytest.mark.parametrize(
    "command",
    [
        "ssh ops@db-3.internal -p 2200",  # options after the host
        "ssh db-3.internal -L 5432:localhost:5432",
        "tsh ssh --cluster live ops@db-3",
        "sudo -iu postgres",
        "sudo -i -u postgres",
        "sudo -u postgres -s",
        "sudo bash",
        "sudo -u git -H bash -l",
        "kubectl -n ledger exec -it ledger-0 -- bash",
        "kubectl exec --stdin --tty ledger-0 -- /bin/sh",
        "oc exec -it ledger-0 -- bash -il",
        "kubectl debug -it node/worker-2 --image=busybox",
        "docker run -it debian:12",
        "docker run --rm -it --cap-add sys_ptrace -v /:/host:ro debian:12 /bin/bash",
        "podman exec -it cache sh",
        "nsenter -t 1 -m -u -i -n -p",
        "mosh ops@db-3",
        "ssh db-3 -t sudo -i",  # a root shell on the host
        "oc -n default debug node/worker-2",  # an option before the verb
        "oc -n ledger rsh -c app ledger-0",
        "gcloud compute ssh ledger-vm --zone europe-west1-b",
        "aws ssm start-session --target i-0abc",
        "sudo su - postgres",
        "chroot /host",
    ],
)
def test_commands_that_open_a_shell(command: str) -> None:
    assert opens_shell(command)


@pytest.mark.parametrize(
    "command",
    [
        "ssh db-3.internal uptime",  # one command run there
        "ssh -N -L 5432:localhost:5432 db-3",  # a tunnel, no shell
        "tsh ssh ops@db-3 df -h",
        "sudo -u postgres psql -c 'select 1'",
        "sudo -i systemctl restart ledger",
        "su - git -c 'gitlab-ctl status'",
        "kubectl exec ledger-0 -- ls /data",
        "kubectl exec -it ledger-0 -- ls /data",
        "docker run --rm debian:12 ls",
        "docker run -it -v /data:/mnt:ro rdb-tool:1 /mnt/dump.rdb",  # a program, not a shell
        "nsenter -t 1 -m ls /",
        "bash scripts/rotate.sh",
        "ssh-keygen -t ed25519",
        "oc rsh ledger-0 ls /data",  # look-alikes of the shells above, each running a command
        "oc debug node/worker-2 -- chroot /host ls",
        "gcloud compute ssh ledger-vm --command 'df -h'",
        "oc -n default get pods",
    ],
)
def test_commands_that_open_no_shell(command: str) -> None:
    assert not opens_shell(command)


def test_commands_after_a_shell_opened_with_options_carry_it(compile_text: Compile) -> None:
    artifact = compile_text(
        "# Trim the spool\n\n```\nssh ops@spool-2.internal -p 2200\nrm -rf /var/spool/old\n```\n"
    )
    assert [line.text for line in _step(artifact, "rm -rf /var/spool/old").context] == [
        "ssh ops@spool-2.internal -p 2200"
    ]


def test_a_command_in_words_carries_the_context_and_can_open_a_shell(compile_text: Compile) -> None:
    artifact = compile_text(
        "# Restart the worker\n\n```bash\nexport KUBECONFIG=/etc/kube/live\n```\n\n"
        "Then remove the pod with `kubectl delete pod worker-0`.\n\n"
        "1. Log in with `ssh worker-host.internal`.\n"
        "2. Clear the spool: `rm -rf /var/spool/worker`.\n"
    )
    remove = _step(artifact, "Then remove the pod with `kubectl delete pod worker-0`.")
    assert [line.text for line in remove.context] == ["export KUBECONFIG=/etc/kube/live"]
    clear = _step(artifact, "Clear the spool: `rm -rf /var/spool/worker`.")
    assert [line.text for line in clear.context] == [
        "export KUBECONFIG=/etc/kube/live",
        "ssh worker-host.internal",
    ]
    look_alike = _step(artifact, "Log in with `ssh worker-host.internal`.")
    assert [line.text for line in look_alike.context] == ["export KUBECONFIG=/etc/kube/live"]


def test_variables_set_for_one_command_are_its_own_context(compile_text: Compile) -> None:
    artifact = compile_text(
        "# Drain\n\n```bash\nKUBECONFIG=/etc/kube/blue kubectl delete pod drain-0\n"
        "kubectl delete pod drain-1\n```\n\nThen run `env STAGE=blue oc get pods`.\n"
    )
    first = _step(artifact, "KUBECONFIG=/etc/kube/blue kubectl delete pod drain-0")
    assert [line.text for line in first.context] == ["KUBECONFIG=/etc/kube/blue"]
    assert _step(artifact, "kubectl delete pod drain-1").context == []  # that command only
    prose = _step(artifact, "Then run `env STAGE=blue oc get pods`.")
    assert [line.text for line in prose.context] == ["STAGE=blue"]
    applied = apply_context(first.context, "/", {})
    assert applied.environment == {"KUBECONFIG": "/etc/kube/blue"}


def test_a_context_line_continued_on_the_next_line_is_context(compile_text: Compile) -> None:
    artifact = compile_text(
        "# Plan\n\n```bash\nexport CLOUD_PROFILE=review \\\n  CLOUD_REGION=eu-west-2\n"
        "terraform plan\n```\n"
    )
    plan = _step(artifact, "terraform plan")
    assert [line.text for line in plan.context] == [
        "export CLOUD_PROFILE=review \\\nCLOUD_REGION=eu-west-2"  # as written (session 11)
    ]
    assert apply_context(plan.context, "/", {}, frozenset({"CLOUD_PROFILE"})).environment == {
        "CLOUD_PROFILE": "review",
        "CLOUD_REGION": "eu-west-2",
    }


def test_a_cd_or_export_before_a_command_on_its_line_is_its_own_context(
    compile_text: Compile,
) -> None:
    artifact = compile_text(
        "# Drain\n\n```bash\nexport KUBECONFIG=/etc/kube/blue && kubectl delete pod drain-0\n"
        "cd stacks/blue; STAGE=blue terraform destroy\nkubectl delete pod drain-1\n"
        "kubectl get pods && kubectl delete pod drain-2\n```\n"
    )
    first = _step(artifact, "export KUBECONFIG=/etc/kube/blue && kubectl delete pod drain-0")
    assert [line.text for line in first.context] == ["export KUBECONFIG=/etc/kube/blue"]
    destroy = _step(artifact, "cd stacks/blue; STAGE=blue terraform destroy")
    # session 11: what a line leaves set holds for the lines after it, as in the terminal
    assert [line.text for line in destroy.context] == [
        "export KUBECONFIG=/etc/kube/blue",
        "cd stacks/blue",
        "STAGE=blue",
    ]
    left = ["export KUBECONFIG=/etc/kube/blue", "cd stacks/blue"]  # not the prefix STAGE=blue
    assert [line.text for line in _step(artifact, "kubectl delete pod drain-1").context] == left
    last = _step(artifact, "kubectl get pods && kubectl delete pod drain-2")
    assert [line.text for line in last.context] == left


# Session 11 (sec11): a shell's reading of assignments, an allow-list of what a runbook may
# export, and the lines that change how a command runs (never dropped silently).


def test_an_assignment_of_its_own_is_no_exported_variable(tmp_path: Path) -> None:
    """`NAME=v` sets a shell variable: the shell passes it to a command only when it was
    exported already, or is exported later."""
    alone = apply_context(_lines("CDI_NAMESPACE=blue"), str(tmp_path), {"KEEP": "x"})
    assert alone.environment is None
    later = apply_context(_lines("POD_NAME=web-1", "export POD_NAME"), str(tmp_path), {})
    assert later.environment == {"POD_NAME": "web-1"}
    inherited = apply_context(_lines("NAMESPACE=blue"), str(tmp_path), {"NAMESPACE": "green"})
    assert inherited.environment == {"NAMESPACE": "blue"}
    gone = apply_context(_lines("NODE=a", "unset NODE", "export NODE"), str(tmp_path), {})
    assert gone.environment is None


def test_an_assignment_before_the_program_is_exported_to_it(compile_text: Compile) -> None:
    artifact = compile_text(
        "# Drain\n\n```bash\nCLUSTER=blue; kubectl delete pod drain-0\n"
        "env CLUSTER=green kubectl delete pod drain-1\n```\n"
    )
    shell_only = _step(artifact, "CLUSTER=blue; kubectl delete pod drain-0")
    assert [(line.text, line.prefix) for line in shell_only.context] == [("CLUSTER=blue", False)]
    assert apply_context(shell_only.context, "/", {}).environment is None
    prefixed = _step(artifact, "env CLUSTER=green kubectl delete pod drain-1")
    assert [(line.text, line.prefix) for line in prefixed.context] == [
        ("CLUSTER=blue", False),  # the shell variable the line before left set
        ("CLUSTER=green", True),
    ]
    assert apply_context(prefixed.context, "/", {}).environment == {"CLUSTER": "green"}


def test_the_executor_passes_an_unexported_variable_to_no_command(tmp_path: Path) -> None:
    executor = SubprocessExecutor(timeout=30, directory=str(tmp_path))
    result = executor(_execution(_lines("STAGE=review"), ["printenv", "STAGE"]))
    assert not result.ok and result.output.strip() == "exit code 1"


@pytest.mark.parametrize(
    "line",
    [
        "export PERL5OPT=-Mdeploy",  # a Perl module loaded by every perl
        "export RUBYOPT=-rdeploy",
        "export JAVA_TOOL_OPTIONS=-javaagent:deploy.jar",
        "export _JAVA_OPTIONS=-javaagent:deploy.jar",
        "export AWS_CONFIG_FILE=deploy/aws.ini",  # [profile x] credential_process = ...
        "export AWS_SHARED_CREDENTIALS_FILE=deploy/creds",
        "export GOOGLE_APPLICATION_CREDENTIALS=deploy/adc.json",  # an executable source
        "export PROMPT_COMMAND=deploy/hook",
        "export ENV=deploy/rc SHELLOPTS=xtrace PS4=x IFS=/",
        "export npm_config_script_shell=deploy/sh",
        "export BASH_FUNC_kubectl%%='() { deploy; }'",
        "export PSQLRC=deploy/psqlrc",  # `\\! cmd` runs a shell command
        "export WIDGET_HOOK=deploy/run",  # unknown to the executor: not known to be data
        "export http_proxy=proxy.internal:3128",
        "HOME=deploy",  # already exported: the assignment changes what commands see
        "unset KEEP_TLS",  # removing a variable not known to be data
    ],
)
def test_a_runbook_exports_only_what_is_known_to_be_data(tmp_path: Path, line: str) -> None:
    (tmp_path / "deploy").mkdir()
    environ = {"HOME": str(tmp_path), "KEEP_TLS": "1"}
    with pytest.raises(ContextError, match=r"^not executed: .*run the step by hand$"):
        apply_context(_lines(line), str(tmp_path), environ)


def test_data_variables_and_the_executor_s_own_allowances_are_exported(tmp_path: Path) -> None:
    applied = apply_context(
        _lines(
            "export KUBECONFIG=/etc/kube/blue AWS_PROFILE=ops AWS_REGION=eu-west-2",
            "export NAMESPACE=ledger CDI_NAMESPACE=cdi POD_NAME=web-1 TOOLS_POD=t-0",
            "export WIDGET_COLOUR=blue",
        ),
        str(tmp_path),
        {},
        frozenset({"WIDGET_COLOUR"}),
    )
    assert applied.environment is not None
    assert sorted(applied.environment) == [
        "AWS_PROFILE", "AWS_REGION", "CDI_NAMESPACE", "KUBECONFIG", "NAMESPACE", "POD_NAME",
        "TOOLS_POD", "WIDGET_COLOUR",
    ]  # fmt: skip
    message = "WIDGET_COLOUR is not known to be data"
    with pytest.raises(ContextError, match=message):
        apply_context(_lines("export WIDGET_COLOUR=blue"), str(tmp_path), {})
    executor = SubprocessExecutor(
        timeout=30, directory=str(tmp_path), allow_variables=frozenset({"WIDGET_COLOUR"})
    )
    ran = executor(_execution(_lines("export WIDGET_COLOUR=blue"), ["printenv", "WIDGET_COLOUR"]))
    assert ran.ok and ran.output.strip() == "blue"


@pytest.mark.parametrize(
    "line",
    [
        "umask 077",
        "set -e",
        "set -euo pipefail",
        "set -x",
        "ulimit -n 65536",
        "alias kubectl='kubectl --context live'",
        "shopt -s nullglob",
        "trap 'rm -rf /srv/cache' EXIT",
    ],
)
def test_lines_that_change_how_a_command_runs_are_its_context(
    compile_text: Compile, line: str
) -> None:
    artifact = compile_text(f"# Purge\n\n```bash\n{line}\nkubectl delete pod purge-0\n```\n")
    assert [c.text for c in _step(artifact, "kubectl delete pod purge-0").context] == [line]
    assert artifact.coverage.get("context") == 1


@pytest.mark.parametrize(
    "line",
    [
        "set -a",  # every later assignment exported
        "set -o allexport",
        "set -k",
        "set -- a b",
        "set",
        "umask u=rwx,go=",
        "ulimit -n 65536",
        "alias kubectl='kubectl --context live'",
        "unalias kubectl",
        "shopt -s nullglob",
        "trap 'rm -rf /srv/cache' EXIT",
    ],
)
def test_what_changes_how_a_command_runs_is_refused_unless_replayed(
    tmp_path: Path, line: str
) -> None:
    with pytest.raises(ContextError, match=r"^not executed: .*run the step by hand$"):
        apply_context(_lines(line), str(tmp_path), {})


def test_umask_and_shell_options_are_replayed(tmp_path: Path) -> None:
    applied = apply_context(_lines("set -euo pipefail", "set +x", "umask 027"), str(tmp_path), {})
    assert applied.umask == 0o027 and applied.environment is None
    executor = SubprocessExecutor(timeout=30, directory=str(tmp_path))
    made = executor(_execution(_lines("umask 077"), ["touch", "secret"]))
    assert made.ok and (tmp_path / "secret").stat().st_mode & 0o777 == 0o600


def test_a_context_line_is_stored_and_applied_as_written(compile_text: Compile) -> None:
    """Session 11 (sec11): a step's context is its source text, not the step's collapsed
    blanks: `"blue  green"` is two blanks, and a sign-off signs those."""
    page = (
        '# Retire\n\n```bash\nexport DEPLOY_NAME="blue  green"\t# two blanks\n'
        "kubectl delete deployment retired\n"
        "STACK_NAME='a\tb'   kubectl delete deployment gone\n```\n"
    )
    artifact = compile_text(page)
    retired = _step(artifact, "kubectl delete deployment retired")
    assert [line.text for line in retired.context] == [
        'export DEPLOY_NAME="blue  green"\t# two blanks'
    ]
    assert apply_context(retired.context, "/", {}).environment == {"DEPLOY_NAME": "blue  green"}
    gone = next(s for s in source_steps(artifact) if s.text.endswith("deployment gone"))
    assert [(line.text, line.prefix) for line in gone.context] == [
        ('export DEPLOY_NAME="blue  green"\t# two blanks', False),
        ("STACK_NAME='a\tb'", True),
    ]
    assert apply_context(gone.context, "/", {}).environment == {
        "DEPLOY_NAME": "blue  green",
        "STACK_NAME": "a\tb",
    }


def test_a_signoff_signs_the_context_s_blanks(compile_text: Compile) -> None:
    before = _signoff_target(compile_text, TEARDOWN.replace("=review", '="review  blue"'))
    after = _signoff_target(compile_text, TEARDOWN.replace("=review", '="review blue"'))
    assert before != after


@pytest.mark.parametrize(
    ("text", "outcome"),
    [
        ("export STACK_NAME=blue \\\nCLUSTER=live", {"STACK_NAME": "blue", "CLUSTER": "live"}),
        ("export STACK_NAME='blue\ngreen'", None),  # the next line's indentation is unknown
        ('export STACK_NAME="blue \\\ngreen"', None),
        ("export STACK_NAME=blue\nCLUSTER=live", None),  # two commands
    ],
)
def test_a_line_written_over_several_lines_is_joined_as_the_shell_joins_it(
    tmp_path: Path, text: str, outcome: dict[str, str] | None
) -> None:
    lines = [ContextLine(line=1, text=text)]
    if outcome is None:
        with pytest.raises(ContextError, match="line break"):
            apply_context(lines, str(tmp_path), {})
    else:
        assert apply_context(lines, str(tmp_path), {}).environment == outcome


def test_declared_variables_are_context_applied_as_the_shell_does(
    compile_text: Compile, tmp_path: Path
) -> None:
    """`declare -x` exports as `export` does; it was a step of its own, and the command after
    it ran without the variable (session 11)."""
    artifact = compile_text(
        "# Purge\n\n```bash\ndeclare -x KUBECONFIG=/etc/kube/blue\nreadonly POD_NAME=purge-0\n"
        "kubectl delete pod purge-0\n```\n"
    )
    purge = _step(artifact, "kubectl delete pod purge-0")
    assert [line.text for line in purge.context] == [
        "declare -x KUBECONFIG=/etc/kube/blue",
        "readonly POD_NAME=purge-0",
    ]
    assert apply_context(purge.context, str(tmp_path), {}).environment == {
        "KUBECONFIG": "/etc/kube/blue"
    }
    for refused in ("declare -A pods", "typeset -i COUNT_ID=1", "local NAMESPACE=x"):
        with pytest.raises(ContextError, match="run the step by hand"):
            apply_context(_lines(refused), str(tmp_path), {})


def test_an_artifact_written_before_prefix_existed_is_refused(tmp_path: Path) -> None:
    """An old artifact's `KUBECONFIG=x` context line may be a prefix (`KUBECONFIG=x kubectl
    ...`), which it did not mark: read as a shell variable it would run the command against
    the default cluster, so the schema requires `prefix` and such an artifact does not load."""
    from compiler.models import ContextLine as Model
    from compiler.records import ContextLine as Record

    schema = Model.model_json_schema()
    assert schema["required"] == ["line", "prefix", "text"]
    assert Record(line=1, text="cd x").prefix is False  # inside a compile, the default


def test_a_runbook_s_cd_never_decides_which_program_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A registry command given by a relative path (`bin/rotate`), or a bare name while PATH
    holds `.`, is found from the working directory: after the runbook's `cd`, the runbook
    would choose the program (session 11)."""
    for folder in ("ops", "uploads"):
        script = tmp_path / folder / "bin" / "rotate"
        script.parent.mkdir(parents=True)
        script.write_text(f"#!/bin/sh\necho {folder}\n")
        script.chmod(0o755)
    executor = SubprocessExecutor(timeout=30, directory=str(tmp_path / "ops"))
    assert executor(_execution([], ["bin/rotate"])).output.strip() == "ops"
    moved = executor(_execution(_lines("cd ../uploads"), ["bin/rotate"]))
    assert not moved.ok and "would decide which program bin/rotate is" in moved.output
    monkeypatch.setenv("PATH", f".:{os.environ['PATH']}")
    (tmp_path / "uploads" / "printenv").write_text("#!/bin/sh\necho planted\n")
    (tmp_path / "uploads" / "printenv").chmod(0o755)
    bare = executor(_execution(_lines("cd ../uploads"), ["printenv", "HOME"]))
    assert not bare.ok and "run the step by hand" in bare.output
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    ran = executor(_execution(_lines("cd ../uploads"), ["printenv", "PATH"]))
    assert ran.ok and ran.output.strip() == "/usr/bin:/bin"


def test_what_a_command_line_leaves_set_holds_for_the_commands_after_it(
    compile_text: Compile,
) -> None:
    """`cd stack && terraform plan` leaves the terminal in `stack`: the `terraform destroy`
    typed next runs there, not wherever the executor starts (session 11)."""
    artifact = compile_text(
        "# Retire the review stack\n\n```bash\ncd infra/review && terraform plan\n"
        "KUBECONFIG=/etc/kube/review kubectl get pods\nterraform destroy\n```\n"
    )
    destroy = _step(artifact, "terraform destroy")
    assert [line.text for line in destroy.context] == ["cd infra/review"]


def test_a_separator_inside_quotes_or_a_substitution_does_not_end_a_context_line(
    compile_text: Compile,
) -> None:
    artifact = compile_text(
        "# Rotate\n\n```bash\nexport LEADER_NODE=$(ssh db-1 'test -e /x && cat /x') && "
        "kubectl get pods\nexport NS='a;b' && kubectl get pods -n a\n```\n"
    )
    first = next(s for s in source_steps(artifact) if s.text.startswith("export LEADER"))
    assert [line.text for line in first.context] == [
        "export LEADER_NODE=$(ssh db-1 'test -e /x && cat /x')"
    ]
    second = next(s for s in source_steps(artifact) if s.text.startswith("export NS"))
    assert [line.text for line in second.context][-1] == "export NS='a;b'"


def test_variables_passed_through_sudo_are_the_command_s_context(
    compile_text: Compile, tmp_path: Path
) -> None:
    """`sudo KUBECONFIG=x kubectl ...` binds kubectl without `sudo` and the assignment: the
    kubeconfig was lost, and the pod deleted on the default cluster (session 11)."""
    artifact = compile_text(
        "# Purge\n\n```bash\nsudo KUBECONFIG=/etc/kube/blue kubectl delete pod purge-0\n"
        "KUBECONFIG=/etc/kube/blue sudo kubectl delete pod purge-1\n```\n"
    )
    through = _step(artifact, "sudo KUBECONFIG=/etc/kube/blue kubectl delete pod purge-0")
    assert [(line.text, line.prefix) for line in through.context] == [
        ("KUBECONFIG=/etc/kube/blue", True)
    ]
    assert apply_context(through.context, str(tmp_path), {}).environment == {
        "KUBECONFIG": "/etc/kube/blue"
    }
    before = _step(artifact, "KUBECONFIG=/etc/kube/blue sudo kubectl delete pod purge-1")
    assert [line.text for line in before.context] == ["KUBECONFIG=/etc/kube/blue sudo"]
    with pytest.raises(ContextError, match="`sudo` runs a command"):
        apply_context(before.context, str(tmp_path), {})


def test_a_control_character_cannot_make_two_contexts_sign_alike(compile_text: Compile) -> None:
    """A sign-off signs a step's context lines joined by separator characters; one line that
    holds the separator itself (`cd a<US>export X=1`) must not sign like two lines (`cd a`, then
    `export X=1`), else an edit from one to the other keeps the sign-off valid (review11)."""
    step = _step(compile_text(TEARDOWN), "terraform destroy")
    two_lines = step.model_copy(update={"context": _lines("cd a", "export X=1")})
    one_line = step.model_copy(update={"context": _lines("cd a\x1fexport X=1")})
    assert step_target(one_line) != step_target(two_lines)
    # context without control characters signs as before: earlier sign-offs stay valid
    assert step_target(two_lines).endswith("\x1ecd a\x1fexport X=1")
