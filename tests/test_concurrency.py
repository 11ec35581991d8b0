"""Concurrent and interrupted writes: artifacts and sign-off sidecars are never torn.

Every file is written to a temporary file in the same directory and renamed over the target
(compiler.emit.atomic_write). A compile killed with SIGKILL can leave at most a hidden
`.<name>.<random>.tmp` file beside the artifacts: never a `*.json`, never read by the loader,
`compile --check` or a later compile (which leaves it alone: deleting temp files it did not
create could break a compile running at the same time).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from compiler import emit
from compiler.cli import app
from compiler.project.batch import compile_all
from compiler.project.discovery import discover, environment
from compiler.project.outdir import write_all
from compiler.runtime import read_artifact

from .conftest import FIXTURES, REPO, with_registry
from .test_signoff import RUNBOOK as POOL_RUNBOOK

runner = CliRunner()
TEMPORARY = re.compile(r"^\..+\.json\.[^./]+\.tmp$")
COPIES = 6


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example runbooks, copied COPIES times, with their registry and profiles."""
    root = tmp_path_factory.mktemp("tree") / "runbooks"
    root.mkdir()
    for name in ("tools.yaml", "profiles.yaml"):
        shutil.copy(REPO / "runbooks_src" / name, root / name)
    for copy in range(COPIES):
        folder = root / f"team{copy:02d}"
        folder.mkdir()
        for runbook in sorted((REPO / "runbooks_src").glob("*.md")):
            shutil.copy(runbook, folder / runbook.name)
    return root


@pytest.fixture(scope="module")
def reference(tree: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """Each artifact of the tree as one uninterrupted compile writes it, by relative path."""
    out = tmp_path_factory.mktemp("reference")
    result = _run_compile(tree, out)
    assert result.returncode == 0, result.stderr
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*.json")}


def _command(tree: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "compiler", "compile", str(tree), "--out", str(out), *extra]


def _run_compile(tree: Path, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        _command(tree, out, *extra), capture_output=True, text=True, check=False, timeout=120
    )


def _assert_only_complete_artifacts(
    out: Path, reference: dict[str, bytes], *, complete: bool
) -> list[str]:
    """Every `*.json` in `out` is a whole artifact (byte-identical to the reference and
    accepted by the runtime loader); returns the names of leftover temporary files."""
    leftovers = []
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        name = path.relative_to(out).as_posix()
        if path.suffix == ".json":
            assert path.read_bytes() == reference[name], f"{name} is torn or stale"
            read_artifact(path)
        else:
            assert TEMPORARY.match(path.name), f"unexpected file {name}"
            leftovers.append(name)
    if complete:
        assert {p.relative_to(out).as_posix() for p in out.rglob("*.json")} == set(reference)
    return leftovers


def test_two_compiles_of_the_same_tree_at_once_leave_whole_artifacts(
    tree: Path, reference: dict[str, bytes], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    for extra in ((), ("--no-cache", "--jobs", "2")):
        shutil.rmtree(out, ignore_errors=True)
        processes = [
            subprocess.Popen(
                _command(tree, out, *extra), stdout=subprocess.PIPE, stderr=subprocess.PIPE
            )
            for _ in range(2)
        ]
        for process in processes:
            _, stderr = process.communicate(timeout=120)
            assert process.returncode == 0, stderr.decode()
        assert _assert_only_complete_artifacts(out, reference, complete=True) == []


def test_compiles_in_threads_at_once_leave_whole_artifacts(
    tree: Path, reference: dict[str, bytes], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    sources = discover([tree])
    env = environment([tree])
    errors: list[BaseException] = []

    def compile_and_write() -> None:
        try:
            write_all(compile_all(sources, env), out)
        except BaseException as error:  # reported below; a thread cannot fail the test
            errors.append(error)

    threads = [threading.Thread(target=compile_and_write) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert _assert_only_complete_artifacts(out, reference, complete=True) == []


def _kill_when(tree: Path, out: Path, ready: int) -> None:
    """Start a compile and SIGKILL it once `ready` artifacts (or a temporary file, for
    ready=0) are in `out` (a compile that finishes first is not killed)."""
    process = subprocess.Popen(
        _command(tree, out, "--no-cache"), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        while process.poll() is None:
            if out.is_dir():
                names = [p.name for p in out.rglob("*")]
                written = sum(1 for n in names if n.endswith(".json"))
                if (ready and written >= ready) or (not ready and any(map(TEMPORARY.match, names))):
                    break
            time.sleep(0.0005)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)


def test_compiles_killed_mid_write_leave_only_whole_artifacts(
    tree: Path, reference: dict[str, bytes], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    leftovers: list[str] = []
    # Killed as soon as a temporary file shows, after the first artifact, and half-way.
    for ready in (0, 1, len(reference) // 2):
        shutil.rmtree(out, ignore_errors=True)
        _kill_when(tree, out, ready)
        if out.is_dir():
            leftovers += _assert_only_complete_artifacts(out, reference, complete=False)
    assert all(TEMPORARY.match(Path(name).name) for name in leftovers)
    # The next compile completes the directory; a leftover temporary file does not matter.
    result = _run_compile(tree, out, "--no-cache")
    assert result.returncode == 0, result.stderr
    _assert_only_complete_artifacts(out, reference, complete=True)
    check = _run_compile(tree, out, "--no-cache", "--check")
    assert check.returncode == 0, check.stdout + check.stderr


def test_a_compile_killed_early_leaves_nothing_or_whole_artifacts(
    tree: Path, reference: dict[str, bytes], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    for delay in (0.05, 0.2, 0.4):
        process = subprocess.Popen(
            _command(tree, out, "--no-cache"),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        if out.is_dir():
            _assert_only_complete_artifacts(out, reference, complete=False)


def test_an_unwritable_output_directory_is_a_clear_error(tmp_path: Path) -> None:
    root = tmp_path / "runbooks"
    root.mkdir()
    shutil.copy(FIXTURES / "tools.yaml", root / "tools.yaml")
    (root / "a.md").write_text("# Steps\n\n```console\n$ oc get pods\n```\n")
    (tmp_path / "out").write_text("a file, not a directory")
    result = runner.invoke(app, ["compile", str(root), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "cannot write artifact" in result.output and "Traceback" not in result.output


# --- sign-off sidecars ---------------------------------------------------------------------

# Two flags on one runbook: a second sign-off rewrites a sidecar that already exists.
# a second RB101 on the look step: a hedge on a look ("as appropriate") is no flag (LABELLING),
# the reader's judgement is
RUNBOOK = POOL_RUNBOOK.replace("`oc.get_pods`.", "`oc.get_pods`; use your judgement.")
SIGNOFF_OPTIONS = ("--reason", "scale only past 80% CPU", "--date", "2026-11-20")
SCALE = "RB101@mitigation/scale-the-api-with-oc-get-pods"
CHECK = "RB101@mitigation/check-the-pods-with-oc-get-pods"


@pytest.fixture
def runbook(tmp_path: Path) -> Path:
    root = tmp_path / "runbooks"
    with_registry(root)
    (root / "pool.md").write_text(RUNBOOK)
    return root / "pool.md"


def _sign(runbook: Path, target: str) -> tuple[int, str]:
    result = runner.invoke(
        app,
        ["signoff", target, "--runbook", str(runbook), "--by", "alice", *SIGNOFF_OPTIONS],
    )
    return result.exit_code, result.output


def test_signoff_writes_the_sidecar_by_rename(
    runbook: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    renames: list[tuple[str, str]] = []
    real_replace = os.replace

    def spy(source: str | Path, target: str | Path) -> None:
        renames.append((Path(source).name, Path(target).name))
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", spy)
    code, output = _sign(runbook, SCALE)
    assert code == 0, output
    ((temporary, target),) = renames
    assert target == "pool.signoffs.toml" and temporary.startswith(".pool.signoffs.toml.")


@pytest.mark.parametrize("failing", ["replace", "fsync", "write"])
def test_a_failed_sidecar_write_keeps_the_old_sidecar(
    runbook: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    code, output = _sign(runbook, SCALE)
    assert code == 0, output
    sidecar = runbook.with_name("pool.signoffs.toml")
    before = sidecar.read_bytes()

    def fail(*_args: object, **_kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    real_fdopen = os.fdopen

    def torn_fdopen(*args: object, **kwargs: object) -> object:
        """A stream that writes half of the text to disk, then fails."""
        stream = real_fdopen(*args, **kwargs)  # type: ignore[call-overload]

        def half_then_fail(text: str) -> int:
            stream.buffer.write(text[: len(text) // 2].encode())
            stream.buffer.flush()
            fail()
            return 0

        stream.write = half_then_fail
        return stream

    with monkeypatch.context() as patch:
        if failing == "write":
            patch.setattr(emit.os, "fdopen", torn_fdopen)
        else:
            patch.setattr(emit.os, failing, fail)
        code, output = _sign(runbook, CHECK)
    assert code == 2, output
    assert "cannot write" in output and "No space left" in output
    assert "Traceback" not in output
    assert sidecar.read_bytes() == before
    assert sorted(p.name for p in runbook.parent.iterdir()) == [
        "pool.md",
        "pool.signoffs.toml",
        "profiles.yaml",
        "tools.yaml",
    ]
    code, output = _sign(runbook, CHECK)
    assert code == 0, output
    assert sidecar.read_text().count("[[signoff]]") == 2
