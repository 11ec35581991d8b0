"""The wheel as a user installs it: built from this checkout, installed in a fresh virtualenv
outside the repository, and run from there — compile, check, explain, report, and the LLM
extractor replaying a cassette with the prompt template the wheel carries.

Slow (one build, one virtualenv); marked `wheel` and run by the default test command, so CI
runs it. The build may fetch setuptools from the package index (pip's build isolation); the
virtualenv gets no packages from the network: the wheel is installed with `--no-index
--no-deps`, and its dependencies come from this test run's own site-packages (a `.pth` line),
placed after the wheel's, so `compiler` is imported from the wheel, never from the checkout.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import textwrap
import zipfile
from pathlib import Path

import pytest

from .conftest import FIXTURES, REPO

pytestmark = pytest.mark.wheel

LLM_SUITE = FIXTURES / "llm"
OFFLINE = ("--no-index", "--no-deps")
CASSETTE = REPO / "tests" / "cassettes" / "extract_normal.yaml"


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """(the new virtualenv's bin folder, the environment to run it in)."""
    if not (REPO / "prompts").is_dir():
        pytest.skip("no source checkout (prompts/) to build the wheel from")
    work = tmp_path_factory.mktemp("wheel")
    dist = work / "dist"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(REPO)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert build.returncode == 0, build.stderr[-2000:]
    (wheel,) = dist.glob("runbook_compiler-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "compiler/prompts/extract-v2.md" in names
    assert any(name.endswith("licenses/LICENSE") for name in names)
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    install = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "-q",
            *OFFLINE,
            str(wheel),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert install.returncode == 0, install.stderr[-2000:]
    # Dependencies from this run's environment, after the venv's own site-packages.
    (site / "zz-test-dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTHON", "VIRTUAL_ENV", "RUNBOOKC_"))
    }
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["OPENAI_API_KEY"] = "sk-test-not-a-real-key"
    return venv / "bin", env


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A working directory outside the repository, with a copy of the example runbooks."""
    assert not tmp_path.resolve().is_relative_to(REPO.resolve())
    shutil.copytree(REPO / "runbooks_src", tmp_path / "runbooks")
    return tmp_path


def test_the_installed_wheel_imports_from_itself(
    installed: tuple[Path, dict[str, str]], outside: Path
) -> None:
    bin_dir, env = installed
    code = "import compiler, sys; print(compiler.__file__)"
    where = _run([str(bin_dir / "python"), "-c", code], outside, env).stdout.strip()
    assert Path(where).resolve().is_relative_to(bin_dir.parent.resolve())
    version = _run([str(bin_dir / "runbookc"), "--version"], outside, env)
    assert version.returncode == 0 and version.stdout.startswith("runbookc ")


def test_compile_check_explain_report_from_the_wheel(
    installed: tuple[Path, dict[str, str]], outside: Path
) -> None:
    bin_dir, env = installed
    runbookc = str(bin_dir / "runbookc")
    compiled = _run([runbookc, "compile", "runbooks", "--out", "compiled"], outside, env)
    assert compiled.returncode == 0, compiled.stderr
    assert len(list((outside / "compiled").glob("*.json"))) >= 5
    check = _run([runbookc, "check", "runbooks", "--format", "json"], outside, env)
    assert check.returncode == 1, check.stderr  # the examples hold blocking flags on purpose
    assert json.loads(check.stdout)["summary"]["files"] >= 5
    explain = _run([runbookc, "explain", "RB101"], outside, env)
    assert explain.returncode == 0 and "## Why is this bad?" in explain.stdout
    report = _run([runbookc, "report", "runbooks", "--out", "report.html"], outside, env)
    assert report.returncode == 0, report.stderr
    assert "<svg" in (outside / "report.html").read_text("utf-8")


def test_the_llm_extractor_from_the_wheel_uses_its_packaged_prompt(
    installed: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    bin_dir, env = installed
    shutil.copytree(LLM_SUITE, tmp_path / "llm")
    script = textwrap.dedent(
        f"""
        import sys, vcr
        from compiler.cli import app
        replay = vcr.VCR(record_mode="none", match_on=["method", "uri", "body"])
        with replay.use_cassette({str(CASSETTE)!r}) as tape:
            try:
                app(["compile", "llm/checkout-502.md", "--out", "out", "--extractor", "llm",
                     "--model", "test-model-2026", "--base-url", "https://llm.invalid/v1",
                     "--no-cache"])
            except SystemExit as done:
                assert done.code in (0, None), done.code
        assert tape.play_count == 1, tape.play_count
        """
    )
    run = _run([str(bin_dir / "python"), "-c", script], tmp_path, env)
    assert run.returncode == 0, run.stderr[-3000:]
    provenance = json.loads((tmp_path / "out" / "checkout-502.json").read_text())["provenance"]
    expected = hashlib.sha256((REPO / "prompts" / "extract-v2.md").read_bytes()).hexdigest()
    assert provenance["extractor"] == "llm" and provenance["prompt_sha256"] == expected
