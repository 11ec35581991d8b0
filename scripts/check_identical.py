"""Everything the command line writes, into one directory, to diff before and after a refactor.

Usage: python scripts/check_identical.py OUT_DIR [--corpora DIR] [--graph-every N]
                                         [--compare BEFORE_DIR]
then:  diff -r BEFORE_DIR OUT_DIR   (or pass --compare BEFORE_DIR to do it here)

Runs `runbookc` in this process through its typer app (`compiler.cli.app`, the only module of
the compiler this script names, so it works across moves of everything else) over the shared
corpora (`../shared/corpora`, with `runbooks_src/tools.yaml` as in tests/test_corpora.py) and
`runbooks_src`, and keeps, per command, stdout, stderr and the exit code, plus every file the
command wrote:

- `compile --out` of both trees (the artifacts) and `compile --check` against them;
- `check` in every format (text, json, sarif, github, markdown);
- `report` of both trees (the HTML page);
- `graph` of every runbook in mermaid, dot and html, and of `compiled/*.json` artifacts;
- `schema` of every kind, `rules` in every format, `explain` of every rule;
- `tools export` of the registry and of an artifact in every format;
- `audit` of the transcript fixtures, `eval evals` in every format;
- `init` and `signoff` in a scratch copy of `runbooks_src` (the files they write).

Caches are off (`--no-cache`), and every command runs with the repository as working directory
and writes under one fixed scratch path (the corpora are copied there too), so the paths
printed are the same in both runs, even from two checkouts in different places: to check a
commit while working on, run the script from a copy of it (`git archive COMMIT | tar -x -C DIR`).
The one path that names the checkout itself (SARIF's base URI) is recorded as `<checkout>/`.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRATCH = Path("/tmp/runbookc-identical-scratch")
FORMATS = ["text", "json", "sarif", "github", "markdown"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--corpora", type=Path, default=ROOT.parent / "shared" / "corpora")
    parser.add_argument("--compare", type=Path, help="diff -r against this earlier output")
    parser.add_argument(
        "--graph-every",
        type=int,
        default=1,
        metavar="N",
        help="graph only every Nth corpus runbook (quicker; compare with a full run's subset)",
    )
    args = parser.parse_args()
    os.chdir(ROOT)
    os.environ.pop("RUNBOOKC_CACHE_DIR", None)
    os.environ["NO_COLOR"] = "1"
    sys.path.insert(0, str(ROOT))
    from typer.testing import CliRunner

    import compiler.cli
    from compiler.cli import app

    if not args.corpora.is_dir():
        print(f"no corpora at {args.corpora}", file=sys.stderr)
        return 2
    if not Path(compiler.cli.__file__).resolve().is_relative_to(ROOT):
        print(f"compiler imported from {compiler.cli.__file__}, not {ROOT}", file=sys.stderr)
        return 2
    shutil.rmtree(SCRATCH, ignore_errors=True)
    SCRATCH.mkdir(parents=True)
    # a copy at a fixed place: the paths printed do not depend on where the checkout is
    corpora = SCRATCH / "corpora"
    shutil.copytree(args.corpora, corpora)
    runner = CliRunner()
    count = 0
    names: set[str] = set()

    def run(name: str, *argv: str) -> None:
        nonlocal count
        assert name not in names, f"two commands recorded as {name}"
        names.add(name)
        result = runner.invoke(app, list(argv), catch_exceptions=True)
        record = SCRATCH / "runs" / name
        record.parent.mkdir(parents=True, exist_ok=True)
        # names hold dots (`check/src.json`): add the suffix, never replace one
        record.with_name(f"{record.name}.out").write_bytes(unrooted(result.stdout_bytes))
        record.with_name(f"{record.name}.err").write_bytes(unrooted(result.stderr_bytes))
        text = str(result.exit_code)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            text += f"\n{type(result.exception).__name__}: {result.exception}"
        record.with_name(f"{record.name}.rc").write_text(text + "\n")
        count += 1

    registry = "runbooks_src/tools.yaml"
    trees = {"corpora": [str(corpora), "--registry", registry], "src": ["runbooks_src"]}
    for tag, tree in trees.items():
        out = str(SCRATCH / "compiled" / tag)
        run(f"compile/{tag}", "compile", *tree, "--out", out, "--no-cache")
        run(f"compile/{tag}-check", "compile", *tree, "--out", out, "--check", "--no-cache")
        run(
            f"compile/{tag}-check-drift",
            "compile",
            *tree,
            "--out",
            "compiled",
            "--check",
            "--no-cache",
        )
        for fmt in FORMATS:
            run(f"check/{tag}.{fmt}", "check", *tree, "--format", fmt, "--no-cache")
        report = str(SCRATCH / "report" / f"{tag}.html")
        run(f"report/{tag}", "report", *tree, "--out", report, "--no-cache")

    runbooks = sorted(corpora.rglob("*.md"))[:: args.graph_every]
    runbooks += sorted(Path("runbooks_src").glob("*.md"))
    for path in runbooks:
        extra = ["--registry", registry] if path.is_relative_to(corpora) else []
        stem = str(path.relative_to(SCRATCH) if path.is_absolute() else path).replace("/", "__")
        for fmt in ["mermaid", "dot", "html"]:
            run(f"graph/{stem}.{fmt}", "graph", str(path), "--format", fmt, *extra)
    for path in sorted(Path("compiled").glob("*.json")):
        for fmt in ["mermaid", "dot", "html"]:
            run(f"graph-json/{path.stem}.{fmt}", "graph", str(path), "--format", fmt)

    for kind in ["artifact", "registry", "profiles"]:
        run(f"schema/{kind}", "schema", "--kind", kind)
    run("schema/check", "schema", "--check")
    for fmt in ["text", "json", "markdown"]:
        run(f"rules/{fmt}", "rules", "--format", fmt)
    run("version", "version")
    codes = [rule["code"] for rule in json.loads((SCRATCH / "runs/rules/json.out").read_text())]
    assert codes, "rules --format json listed no rule"
    for code in codes:
        run(f"explain/{code}", "explain", code)

    artifact = sorted(Path("compiled").glob("*.json"))[0]
    for fmt in ["openai", "openai-responses", "anthropic", "mcp"]:
        run(f"tools/registry.{fmt}", "tools", "export", registry, "--format", fmt)
        run(f"tools/artifact.{fmt}", "tools", "export", str(artifact), "--format", fmt)
    for transcript in sorted(Path("tests/fixtures/transcripts").glob("*.jsonl")):
        for fmt in FORMATS:
            run(
                f"audit/{transcript.stem}.{fmt}",
                "audit",
                str(transcript),
                "--runbook",
                "compiled/etcd-defrag.json",
                "--registry",
                registry,
                "--format",
                fmt,
            )
    for fmt in FORMATS:
        run(f"eval/{fmt}", "eval", "evals", "--format", fmt)

    # init and signoff write files: run them in a scratch copy of runbooks_src.
    fresh = SCRATCH / "init"
    shutil.copytree("runbooks_src", fresh / "runbooks")
    for name in ["tools.yaml", "profiles.yaml"]:
        (fresh / "runbooks" / name).unlink()
    run("init/first", "init", str(fresh / "runbooks"))
    run("init/again", "init", str(fresh / "runbooks"))
    signed = SCRATCH / "signoff"
    shutil.copytree("runbooks_src", signed)
    baseline = signed / "baseline.json"
    run(
        "signoff/write-baseline",
        "check",
        str(signed),
        "--write-baseline",
        str(baseline),
        "--no-cache",
    )
    run(
        "signoff/one",
        "signoff",
        "RB303@steps/billingctl-refund-create-charge-charge-id-amount",
        "--runbook",
        str(signed / "support-billing-dispute.md"),
        "--by",
        "sre-lead",
        "--reason",
        "reviewed",
        "--date",
        "2026-01-02",
    )
    run(
        "signoff/all",
        "signoff",
        "--from",
        str(baseline),
        "--by",
        "sre-lead",
        "--reason",
        "reviewed",
        "--date",
        "2026-01-02",
    )
    run("signoff/check-after", "check", str(signed), "--format", "json", "--no-cache")
    run("signoff/compile-after", "compile", str(signed), "--out", str(signed / "out"), "--no-cache")

    shutil.rmtree(args.out, ignore_errors=True)
    shutil.copytree(SCRATCH, args.out, ignore=lambda d, _: ["corpora"] if d == str(SCRATCH) else [])
    files = sum(1 for path in args.out.rglob("*") if path.is_file())
    print(f"{count} commands recorded in {args.out} ({files} files)")
    if args.compare is not None:
        return compare(args.compare, args.out, subset=args.graph_every > 1)
    return 0


def unrooted(output: bytes) -> bytes:
    """The checkout's own path (SARIF's `originalUriBaseIds` names it) as `<checkout>/`."""
    return output.replace(os.fsencode(f"{ROOT}/"), b"<checkout>/")


def compare(before: Path, after: Path, subset: bool = False) -> int:
    """Every file under `before` and `after` the same, and no file on one side only."""
    differences: list[str] = []

    def walk(cmp: filecmp.dircmp[str], prefix: Path) -> None:
        differences.extend(f"only before: {prefix / n}" for n in cmp.left_only)
        differences.extend(f"only after: {prefix / n}" for n in cmp.right_only)
        for name in cmp.common_files:
            if (Path(cmp.left) / name).read_bytes() != (Path(cmp.right) / name).read_bytes():
                differences.append(f"differs: {prefix / name}")
        for name, sub in cmp.subdirs.items():
            walk(sub, prefix / name)

    walk(filecmp.dircmp(str(before), str(after)), Path())
    if subset:
        # a --graph-every run: files the full run has and this one skipped are not differences
        differences = [d for d in differences if not d.startswith("only before: runs/graph/")]
    for line in differences[:50]:
        print(line)
    if differences:
        print(f"{len(differences)} difference(s)")
        return 1
    print(f"identical: {before} and {after}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
