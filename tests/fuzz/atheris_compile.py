"""Coverage-guided fuzzing of the whole compile pipeline with atheris (libFuzzer).

Not collected by pytest (the name does not start with `test_`); run it by hand:

    pip install atheris
    mkdir -p /tmp/corpus && cp runbooks_src/*.md /tmp/corpus/
    python tests/fuzz/atheris_compile.py /tmp/corpus -max_total_time=600

Any libFuzzer flag works (`-runs=N`, `-max_len=65536`, `-jobs=2`, `-dict=...`). A failing
input is written to `crash-<sha1>`; replay it, without atheris, with

    python tests/fuzz/atheris_compile.py --replay crash-<sha1>

Each input is a runbook's bytes; its first byte picks the registry (the real one in
runbooks_src/ or the small test one). The invariants are those of tests/test_properties.py:
compiling either gives an artifact or raises SourceError with a documented fatal code
(RB001-RB005), nothing else; every step's text is found at its source span; every bound tool
is in the registry; the artifact passes the runtime loader; compiling twice gives identical
bytes.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Any

REPO = Path(__file__).resolve().parents[2]
FATAL_SOURCE_CODES = {"RB001", "RB002", "RB003", "RB005"}
REGISTRIES = (REPO / "runbooks_src", REPO / "tests" / "fixtures")

_state: dict[str, Any] = {}


def _load() -> None:
    """Import the compiler and load both environments (inside atheris' instrumentation when
    fuzzing, so coverage of the compiler guides the search)."""
    from compiler.emit import canonical_json
    from compiler.parse import SourceError, decode_source, normalise, text_at
    from compiler.pipeline import Environment, SourceFile, compile_bytes
    from compiler.registry import load_profiles, load_registry
    from compiler.runtime import read_artifact

    _state.update(
        canonical_json=canonical_json,
        SourceError=SourceError,
        decode_source=decode_source,
        normalise=normalise,
        text_at=text_at,
        compile_bytes=compile_bytes,
        read_artifact=read_artifact,
        source=SourceFile(Path("fuzz.md"), "fuzz.md", "fuzz.md", "fuzz.json"),
        envs=[
            Environment(load_registry(d / "tools.yaml"), load_profiles(d / "profiles.yaml"))
            for d in REGISTRIES
        ],
        scratch=Path(tempfile.mkdtemp(prefix="runbookc-fuzz-")) / "artifact.json",
    )


def check_one(data: bytes) -> None:
    """Compile one input and assert every invariant; raises AssertionError on a violation
    (and lets any undocumented exception through, which is the point)."""
    if not _state:
        _load()
    s = _state
    env = s["envs"][data[0] % 2] if data else s["envs"][0]
    runbook = data[1:]
    try:
        artifact = s["compile_bytes"](runbook, s["source"], env)
    except s["SourceError"] as error:
        assert error.code in FATAL_SOURCE_CODES, f"undocumented fatal code {error.code}"
        assert "\n" not in error.message, f"multi-line message {error.message!r}"
        return
    lines = s["decode_source"](runbook, env.config.max_bytes).split("\n")
    for step in artifact.steps:
        if step.source is not None:
            found = s["text_at"](lines, step.source)
            assert found == s["normalise"](step.text), f"ungrounded step {step.id}: {found!r}"
        if step.tool is not None:
            assert step.tool.name in env.registry.tools, f"hallucinated tool {step.tool.name}"
    text = s["canonical_json"](artifact)
    again = s["canonical_json"](s["compile_bytes"](runbook, s["source"], env))
    assert text == again, "compiling twice gave different bytes"
    if artifact.steps:
        s["scratch"].write_text(text, encoding="utf-8")
        s["read_artifact"](s["scratch"])


def _replay(names: list[str]) -> int:
    """Check each file (or each file under a directory); 1 if any fails."""
    paths = [
        path
        for name in names
        for path in (sorted(Path(name).rglob("*")) if Path(name).is_dir() else [Path(name)])
        if path.is_file()
    ]
    failures = 0
    for path in paths:
        try:
            check_one(path.read_bytes())
        except Exception as error:  # report every input, then fail
            failures += 1
            print(f"{path}: {type(error).__name__}: {error}", file=sys.stderr)
    print(f"replayed {len(paths)} input(s): {failures} failure(s)", file=sys.stderr)
    return 1 if failures else 0


def _atheris() -> ModuleType | None:
    try:
        import atheris  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        return None
    module: ModuleType = atheris
    return module


def main(argv: list[str]) -> int:
    """Fuzz with atheris, or replay inputs with `--replay PATH...`."""
    if argv[1:2] == ["--replay"]:
        return _replay(argv[2:])
    atheris = _atheris()
    if atheris is None:
        print(
            "atheris is not installed: `pip install atheris` (CPython 3.11+ on Linux or "
            "macOS), or replay inputs without it: --replay PATH...",
            file=sys.stderr,
        )
        return 2
    with atheris.instrument_imports(include=["compiler"]):
        _load()
    atheris.Setup(argv, check_one)
    atheris.Fuzz()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
