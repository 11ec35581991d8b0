"""A step's effect is at least the most dangerous thing it does: the command a wrapper runs,
a destructive call in console code, a destructive verb in prose (issue 15, item 4; the words
of the real cases changed)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from compiler.models import Artifact, Step
from compiler.text.console_code import code_effect, is_console_code
from compiler.text.wrappers import inner_commands

from .conftest import codes

Compile = Callable[[str], Artifact]


def _step(artifact: Artifact) -> Step:
    (step,) = [s for s in artifact.steps if s.source is not None]
    return step


def _command_step(compile_text: Compile, command: str, info: str = "console") -> Step:
    prefix = "$ " if info == "console" else ""
    return _step(compile_text(f"# T\n\n## Fix\n\n```{info}\n{prefix}{command}\n```\n"))


# Wrappers: the inner command's effect is never lost ------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        "vault-run staging-admin -- kubectl --namespace shop delete configmap cart",
        "aws-vault exec ops-admin -- terraform destroy -auto-approve",
        "sudo -u app bash -c 'rm -rf /srv/cache/*'",
        "timeout 60 ssh -i key.pem db-3 'sudo systemctl stop postgresql'",
        "env RAILS_ENV=production nohup bundle exec rake db:drop",
        "docker exec -it -u redis cache-1 redis-cli flushall",
        "nice -n 10 xargs -r -n 20 kubectl delete pod < stale.txt",
        "watch -n 5 'oc delete pod -l app=spool --field-selector=status.phase=Failed'",
        "gcloud compute ssh vm-7 --zone europe-west2-a --command 'sudo rm -rf /var/lib/spool'",
        "oc exec ledger-0 -c app -- sh -c 'truncate -s 0 /data/ledger.log'",
        "bash --noprofile --norc -ec 'cd /srv/spool && rm -f *.tmp'",
        "find /srv -xdev -type f -name exports -user app -exec shred -u {} +",
        "find /var/spool/exports -name '*.csv' -mtime +30 -delete",
    ],
)
def test_a_wrapper_is_at_least_as_dangerous_as_the_command_it_runs(
    command: str, compile_text: Compile
) -> None:
    step = _command_step(compile_text, command)
    assert step.effect == "destructive" and step.kind == "action" and step.requires_approval


@pytest.mark.parametrize(
    "command",
    [
        "vault-run staging-read -- kubectl --namespace shop get configmap cart",
        "timeout 30 oc get pods -n shop",
        "sudo -u app bash -c 'ls -la /srv/cache'",
        "ssh bastion-2 uptime",
        "git checkout -- deleted-notes.txt",
        "git log --oneline -- cmd/stop.go",
        "find /var/spool/exports -name '*.csv' -exec ls -la {} ;",
    ],
)
def test_a_wrapper_of_a_harmless_command_is_not_destructive(
    command: str, compile_text: Compile
) -> None:
    assert _command_step(compile_text, command).effect != "destructive"


def test_a_pipeline_into_a_wrapped_delete_is_destructive(compile_text: Compile) -> None:
    step = _command_step(compile_text, "oc get pods -o name | xargs -n 10 oc delete")
    assert step.effect == "destructive"


def test_options_before_the_sub_command_do_not_hide_it(compile_text: Compile) -> None:
    assert _command_step(compile_text, "kubectl -n shop delete -f cart.yaml").effect == (
        "destructive"
    )
    step = _command_step(compile_text, "gcloud compute instances delete vm-7 --zone z")
    assert step.effect == "destructive"


@pytest.mark.parametrize(
    "command",
    [
        # an option's value before the sub-command path (`--profile ops`, `--project p`)
        "aws --profile ops --region eu-north-1 rds delete-db-cluster --db-cluster-identifier c",
        "gcloud --project ledger-prod compute instances delete vm-7 --zone z",
        "kubectl --insecure-skip-tls-verify delete pod cart-0",
        # a team's own wrapper with no `--` before the command it runs
        "ops-cli aws ledger-prod-admin aws rds delete-db-instance --db-instance-identifier d",
        "acme-run prod kubectl -n shop delete deployment cart",
        # ... or runs a quoted command line on many hosts
        "knife ssh 'roles:ledger-db' 'sudo rm -rf /var/opt/ledger/data'",
        "fleetctl run -H 'db-*' \"consul kv delete -recurse service/ledger\"",
    ],
)
def test_what_a_destructive_command_deletes_is_found_past_values_feeders_and_wrappers(
    command: str, compile_text: Compile
) -> None:
    assert _command_step(compile_text, command).effect == "destructive"


@pytest.mark.parametrize(
    "command",
    [
        "aws --profile ops --region eu-north-1 rds describe-db-clusters",
        "ops-cli aws ledger-prod-admin aws rds describe-db-instances",
        "kubectl get pods -n delete-requests",
        "knife ssh 'roles:ledger-db' 'sudo ls -la /var/opt/ledger/data'",
    ],
)
def test_look_alikes_that_only_read_are_not_destructive(
    command: str, compile_text: Compile
) -> None:
    assert _command_step(compile_text, command).effect != "destructive"


@pytest.mark.parametrize(
    ("command", "destructive"),
    [
        ("gh run cancel 4711 --repo acme/ledger", True),
        ("gem yank ledger-client -v 2.3.1", True),
        ("git push origin --delete release-7", True),
        ("rsync -a --delete build/ /srv/www/", True),
        ("git reset --hard origin/main", True),
        ("kubectl scale deployment api -n shop --replicas 0", True),
        ("oc scale deployment api -n shop --replicas=0", True),
        ("shutdown -h +5", True),
        ("curl -sX PURGE https://cdn.example.org/assets/app.css", True),
        ("kubectl scale deployment api -n shop --replicas=3", False),
        ("git push origin main", False),
        ("terraform taint module.ledger.aws_db_instance.primary", False),
    ],
)
def test_destructive_words_and_options_of_a_command(
    command: str, destructive: bool, compile_text: Compile
) -> None:
    assert (_command_step(compile_text, command).effect == "destructive") == destructive


def test_a_wrapped_delete_with_no_check_after_it_is_reported(compile_text: Compile) -> None:
    art = compile_text(
        "# T\n\n## Fix\n\n```console\n$ vault-run ops -- kubectl -n shop delete pod cart-0\n```\n"
    )
    assert "RB303" in codes(art)


def test_inner_commands_unwrap_every_level() -> None:
    inner = inner_commands(["sudo", "-u", "app", "bash", "-c", "cd /srv && rm -rf cache"])
    assert ["cd", "/srv"] in inner and ["rm", "-rf", "cache"] in inner
    assert inner_commands(["oc", "get", "pods"]) == []
    assert inner_commands(["rm", "--", "-odd-name"]) == []


# Console code: a destructive call anywhere in the line ---------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        'Jobs::DeadSet.new.select { |j| j.queue == "mailers" }.each(&:destroy)',
        'Jobs::Queue.new("low").each { |job| job.remove if job.args.empty? }',
        'Audit::Entry.where("created_at < ?", 90.days.ago).delete_all',
        "db.sessions.deleteMany({ expired: true })",
        'shutil.rmtree("/srv/uploads/tmp")',
        "WITH stale AS (SELECT id FROM sessions) DELETE FROM sessions USING stale;",
        "drop table if exists import_batches;",
        # every destructive verb of text/effect_words.py is a method's name too
        "Ci::Build.running.where(project_id: 7).find_each(&:cancel)",
        'Node.find_by(name: "w-3").drain',
        "Gem.find(12).yank!",
        # a job or a service named for what it does, run
        'LedgerEntryPurgeWorker.perform_async("acct-9")',
        "Accounts::RemoveService.new(account, admin).execute",
    ],
)
def test_a_destructive_call_anywhere_in_console_code_is_destructive(line: str) -> None:
    assert code_effect(line) == "destructive"


@pytest.mark.parametrize(
    "line",
    [
        'Audit::Entry.where(kind: "login").count',
        "Jobs::Queue.all.map { |q| [q.name, q.size] }",
        "SELECT count(*) FROM sessions WHERE deleted_at IS NULL;",
        "kubectl apply -f cleanup.delete.yaml",
        "curl https://delete.example.org/status",
        "oc get pods -o jsonpath='{.items[*].metadata.deletionTimestamp}'",
        "DeletedLedgerEntriesReport.new(since: 1.week.ago).run",
    ],
)
def test_read_only_code_and_plain_commands_are_not_destructive_code(line: str) -> None:
    assert code_effect(line) is None


def test_changing_code_writes() -> None:
    assert code_effect('Account.find(7).update(plan: "basic")') == "write"
    assert code_effect("update accounts set plan = 'basic' where id = 7;") == "write"


def test_console_code_in_a_block_makes_the_step_destructive(compile_text: Compile) -> None:
    block = 'Mailer::Log.where(status: "bounced", created_at: 1.year.ago..).in_batches.destroy_all'
    step = _command_step(compile_text, block, info="ruby")
    assert step.effect == "destructive" and step.requires_approval


@pytest.mark.parametrize(
    "line",
    [
        "Jobs::Queue.all.map { |q| [q.name, q.size] }",
        'Account.find(7).update(plan: "basic")',
        "Rails.cache.clear",
        "db.sessions.find({ expired: true }).count()",
        "SELECT id FROM jobs WHERE state = 'dead'; SELECT 1;",
        'queue = Jobs::Queue.new("low")',
        "import shutil",
        "BEGIN;",
        "COMMIT",
        "VACUUM (VERBOSE) jobs;",
    ],
)
def test_console_code_is_recognised(line: str) -> None:
    assert is_console_code(line)


@pytest.mark.parametrize(
    "line",
    [
        "deploy.sh --env staging",
        "python3.11 -m http.server 8080",
        "oc get pods -n shop | grep api",
        "set -euo pipefail",
        "./bin/rails runner 'Ledger.tidy'",
        "JOBS=$(oc get jobs -o name)",
        "SELECT=1 rm -rf /srv",
        "ROLLBACK=no helm uninstall ledger",
        "TRUNCATE= oc get pods",
        "ledger=Jobs::Queue.new oc get pods",
    ],
)
def test_shell_lines_are_not_console_code(line: str) -> None:
    assert not is_console_code(line)


def test_console_code_is_not_split_into_shell_pipes(compile_text: Compile) -> None:
    art = compile_text(
        "# T\n\n## Look\n\n```ruby\nJobs::Queue.all.map { |q| [q.name, q.size] }\n```\n"
    )
    step = _step(art)
    assert "RB208" not in codes(art) and codes(art).count("RB207") == 1
    assert step.effect != "destructive"


# Prose: what LABELLING.md calls destructive -------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "destructive"),
    [
        ("Scale down the reporting workers before the migration.", True),
        ("If needed, scale in the batch pool by setting `enabled: false`.", True),
        ("Scale up the web tier to six replicas.", False),
        ("Wait until the nightly exports finish, or cancel them.", True),
        ("Yank the broken release from the package index.", True),
        ("Unpublish the faulty version from the registry.", True),
        ("Tear down the scratch environment.", True),
        ("Uninstall the log shipper from the node.", True),
        ("Change the A record from `203.0.113.7` to the new load balancer address.", True),
        ("Afterwards, set each MX record back to `mail.example.org.`", True),
        ("Change the log format to JSON.", False),
        ("Select the region in the drop-down list.", False),
        ("Tune the ring buffers if packet drops are observed.", False),
    ],
)
def test_destructive_verbs_in_prose(
    sentence: str, destructive: bool, compile_text: Compile
) -> None:
    art = compile_text(f"# T\n\n## Steps\n\n1. {sentence}\n")
    actions = [s for s in art.steps if s.source is not None and s.kind != "decision"]
    assert any(s.effect == "destructive" for s in actions) == destructive


@pytest.mark.parametrize(
    ("sentence", "destructive"),
    [
        ("Empty the warm tier with `redis-cli -n 3 flushdb`.", True),
        ("Clean up with `sudo -u app bash -c 'rm -rf /srv/x'`.", True),
        ("In the console, run `Audit::Entry.where(kind: 'tmp').in_batches.destroy_all`.", True),
        ("Do not run `redis-cli -n 3 flushdb` on a primary.", False),
        ("Use `redis-cli -n 3 dbsize` instead of `redis-cli -n 3 flushdb`.", False),
        ("Run `redis-cli -n 3 dbsize` on the cache host.", False),
        # A negation earlier in the sentence that does not govern the command cancels nothing
        # (programs outside the registry, no destructive word of prose in the command) ...
        ("Without waiting for the replica, run `redis-cli -n 3 flushall`.", True),
        ("Without pausing the queue first, run `dropdb ledger_cache`.", True),
        ("When the job has not finished after an hour, run `wipefs -a /dev/sdc`.", True),
        ("Rather than paging the on-call lead, run `redis-cli -n 5 flushdb`.", True),
        ("Don't wait for the export, just run `shred -u /var/cache/export.csv`.", True),
        ("With no replica left, use `dropdb ledger_cache` to start over.", True),
        # ... and one that governs it still forbids it.
        ("Never run `redis-cli -n 5 flushall` on a primary.", False),
        ("Don't use `dropdb ledger` here.", False),
        ("Check the pods rather than running `wipefs -a /dev/sdc`.", False),
        ("Avoid `shred -u /var/cache/export.csv` while the export runs.", False),
        ("Do not run `redis-cli -n 5 flushall` or `dropdb ledger` yet.", False),
        ("Restart the worker without running `redis-cli -n 5 flushall`.", False),
        ("Use `redis-cli -n 5 dbsize` instead of `dropdb ledger`.", False),
    ],
)
def test_an_inline_command_an_instruction_asks_for_gives_its_effect(
    sentence: str, destructive: bool, compile_text: Compile
) -> None:
    art = compile_text(f"# T\n\n## Steps\n\n1. {sentence}\n")
    assert any(s.effect == "destructive" for s in art.steps if s.source) == destructive


def test_tainting_a_resource_for_replacement_writes(compile_text: Compile) -> None:
    step = _command_step(compile_text, "terraform taint module.ledger.aws_db_instance.primary")
    assert step.effect == "write"
