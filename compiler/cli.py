"""`runbookc`: argument handling and output choice only; the work lives in the modules.

No `from __future__ import annotations` here: typer reads every command's parameters on each
run, and string annotations would cost it an `eval` each (tens of milliseconds per run).
"""

import enum
import json
import sys
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn, TypeVar

import typer

from compiler import __version__
from compiler.cache import DEFAULT_DIR as DEFAULT_CACHE_DIR
from compiler.compilation import CompileResult
from compiler.config import ConfigError
from compiler.extract import LLMAuthError, Usage
from compiler.formats import as_github, as_json, as_markdown, as_sarif, as_text
from compiler.models import Diagnostic
from compiler.registry import RegistryError
from compiler.rules import all_rules
from compiler.text.escape import printable
from compiler.workspace import (
    WorkspaceError,
    artifact_for,
    compile_all,
    discover,
    displayed,
    environment,
    run_evals,
)

# Each command imports what only it needs (drawings, the report and jinja2, agent files, the
# runtime, the LLM SDK, the eval scorer, sign-off writing) when it runs: `check` and `compile`
# start without them, and load the compile stages only when a file is not in the cache.
if TYPE_CHECKING:
    from compiler.extract.llm import LLMSettings

app = typer.Typer(
    help="Compile markdown runbooks into explicit, tool-bound step graphs for agents.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
DEFAULT_MODEL = "gpt-4.1-mini"
T = TypeVar("T")

PathsArg = Annotated[list[Path], typer.Argument(help="Runbook files or directories.")]
RegistryOpt = Annotated[
    Path | None, typer.Option(help="Tool registry (default: nearest tools.yaml).")
]
ProfilesOpt = Annotated[
    Path | None, typer.Option(help="Executor profiles (default: nearest profiles.yaml).")
]
CacheOpt = Annotated[
    Path | None,
    typer.Option(
        "--cache-dir",
        envvar="RUNBOOKC_CACHE_DIR",
        help="Where results of unchanged inputs are cached (default .runbookc-cache).",
    ),
]
NoCacheOpt = Annotated[bool, typer.Option("--no-cache", help="Compile everything afresh.")]
ConfigOpt = Annotated[Path | None, typer.Option(help="runbookc.toml or pyproject.toml to use.")]


class OutputFormat(enum.StrEnum):
    """Output formats of `check`."""

    text = "text"
    json = "json"
    sarif = "sarif"
    github = "github"
    markdown = "markdown"


RENDERERS = {
    OutputFormat.text: as_text,
    OutputFormat.json: as_json,
    OutputFormat.sarif: as_sarif,
    OutputFormat.github: as_github,
    OutputFormat.markdown: as_markdown,
}


def _fail(message: str) -> NoReturn:
    typer.echo(f"runbookc: error: {printable(message)}", err=True)
    raise typer.Exit(EXIT_ERROR)


def _guarded(action: Callable[[], T]) -> T:
    """Turn the known setup errors into one-line messages and exit 2."""
    try:
        return action()
    except _setup_errors() as error:
        _fail(str(error))


def _setup_errors() -> tuple[type[Exception], ...]:
    """The known setup errors. Those of the eval scorer and of sign-off writing are looked up
    only when their module was loaded (one never loaded raised nothing), so that catching them
    does not import them for every command."""
    errors: list[type[Exception]] = [WorkspaceError, RegistryError, ConfigError, LLMAuthError]
    for module, name in (("compiler.signing", "SignoffError"), ("compiler.evals", "EvalError")):
        if module in sys.modules:  # EvalError covers AuditEvalError too
            errors.append(getattr(sys.modules[module], name))
    return tuple(errors)


def _compile(
    paths: list[Path],
    registry: Path | None,
    profiles: Path | None,
    config: Path | None,
    jobs: int,
    cache_dir: Path | None,
    llm: "LLMSettings | None" = None,
    fatal_ok: bool = False,
) -> list[CompileResult]:
    def run() -> list[CompileResult]:
        sources = discover(paths)
        env = replace(environment(paths, registry, profiles, config, cache_dir), llm=llm)
        return compile_all(sources, env, jobs, cache_dir)

    results = _guarded(run)
    fatal = [r.fatal for r in results if r.fatal is not None]
    for diagnostic in fatal:
        typer.echo(
            f"{diagnostic.path}:{diagnostic.line}:{diagnostic.column}: "
            f"{diagnostic.code} {diagnostic.message}",
            err=True,
        )
    if fatal and not fatal_ok:
        _fail(f"{len(fatal)} file(s) could not be compiled; nothing was written")
    if llm is not None:
        usage = sum((r.usage for r in results), Usage())
        typer.echo(
            f"llm {llm.model}: {usage.calls} call(s), {usage.cache_hits} cache hit(s), "
            f"{usage.input_tokens} input / {usage.output_tokens} output tokens",
            err=True,
        )
    return results


class ExtractorChoice(enum.StrEnum):
    """Step extractors."""

    heuristic = "heuristic"
    llm = "llm"


ExtractorOpt = Annotated[
    ExtractorChoice, typer.Option("--extractor", help="heuristic (offline) or llm.")
]
ModelOpt = Annotated[
    str, typer.Option("--model", envvar="RUNBOOKC_MODEL", help="Model for --extractor llm.")
]
BaseUrlOpt = Annotated[
    str | None,
    typer.Option("--base-url", help="OpenAI-compatible endpoint (else OPENAI_BASE_URL)."),
]
DeadlineOpt = Annotated[
    float, typer.Option("--llm-deadline", min=1, help="Total seconds for the model, per file.")
]


def _llm(
    extractor: ExtractorChoice,
    model: str,
    base_url: str | None,
    deadline: float,
    cache_dir: Path | None,
) -> "LLMSettings | None":
    if extractor is ExtractorChoice.heuristic:
        return None
    from compiler.extract.llm import LLMSettings  # the SDK loads only when a call is made

    responses = cache_dir / "llm" if cache_dir else None
    return LLMSettings(
        model=model, base_url=base_url, deadline_seconds=deadline, cache_dir=responses
    )


def _cache(cache_dir: Path | None, no_cache: bool) -> Path | None:
    return None if no_cache else cache_dir or DEFAULT_CACHE_DIR


@app.command("compile")
def compile_command(
    paths: PathsArg,
    out: Annotated[Path, typer.Option("--out", help="Directory for the JSON artifacts.")],
    check: Annotated[
        bool,
        typer.Option("--check", help="Compare with --out instead of writing; exit 1 on drift."),
    ] = False,
    registry: RegistryOpt = None,
    profiles: ProfilesOpt = None,
    config: ConfigOpt = None,
    jobs: Annotated[int, typer.Option(min=1, help="Parallel compile processes.")] = 1,
    cache_dir: CacheOpt = None,
    no_cache: NoCacheOpt = False,
    extractor: ExtractorOpt = ExtractorChoice.heuristic,
    model: ModelOpt = DEFAULT_MODEL,
    base_url: BaseUrlOpt = None,
    llm_deadline: DeadlineOpt = 120.0,
) -> None:
    """Compile runbooks into artifacts: OUT/<path relative to PATH, .md -> .json>."""
    cache = _cache(cache_dir, no_cache)
    llm = _llm(extractor, model, base_url, llm_deadline, cache)
    results = _compile(paths, registry, profiles, config, jobs, cache, llm)
    from compiler.outdir import drift, orphans, remove, write_all

    strays = orphans(results, out, paths)
    if check:
        drifted = drift(results, out)
        for item in drifted:
            typer.echo(f"{out / item.output}: out of date ({', '.join(item.reasons)})")
        for stray in strays:
            typer.echo(f"{out / stray.output}: no source ({stray.reason})")
        if drifted or strays:
            typer.echo(
                f"{len(drifted)} artifact(s) out of date, {len(strays)} without a source; "
                "run `runbookc compile` again (files it does not own: remove by hand)",
                err=True,
            )
            raise typer.Exit(EXIT_FINDINGS)
        typer.echo(f"{len(results)} artifact(s) up to date", err=True)
        return
    _guarded(lambda: write_all(results, out))
    removed = _guarded(lambda: remove(strays, out))
    for stray in strays:
        done = "removed stale artifact" if stray in removed else "not removed, no source"
        typer.echo(f"{out / stray.output}: {done} ({stray.reason})", err=True)
    blocked = sum(1 for r in results if r.status == "blocked")
    typer.echo(
        f"compiled {len(results)} runbook(s) into {out}: "
        f"{len(results) - blocked} ready, {blocked} blocked",
        err=True,
    )


@app.command("check")
def check_command(
    paths: PathsArg,
    output_format: Annotated[
        OutputFormat, typer.Option("--format", help="Output format.")
    ] = OutputFormat.text,
    strict: Annotated[
        bool, typer.Option("--strict", help="Exit 1 on any unsigned blocking diagnostic.")
    ] = False,
    registry: RegistryOpt = None,
    profiles: ProfilesOpt = None,
    config: ConfigOpt = None,
    cache_dir: CacheOpt = None,
    no_cache: NoCacheOpt = False,
    extractor: ExtractorOpt = ExtractorChoice.heuristic,
    model: ModelOpt = DEFAULT_MODEL,
    base_url: BaseUrlOpt = None,
    llm_deadline: DeadlineOpt = 120.0,
) -> None:
    """Lint runbooks: diagnostics with codes, spans and fix hints."""
    cache = _cache(cache_dir, no_cache)
    llm = _llm(extractor, model, base_url, llm_deadline, cache)
    results = _compile(paths, registry, profiles, config, 1, cache, llm)
    diagnostics = [d for result in results for d in displayed(result)]
    sys.stdout.write(RENDERERS[output_format](diagnostics, len(results)))
    if _fails(diagnostics, strict):
        raise typer.Exit(EXIT_FINDINGS)


def _fails(diagnostics: list[Diagnostic], strict: bool) -> bool:
    if strict:
        unsigned = any(d.blocking and d.signoff is None for d in diagnostics)
        return unsigned or any(d.code.startswith("RB9") for d in diagnostics)
    return any(d.severity in ("error", "fatal") and d.signoff is None for d in diagnostics)


@app.command("signoff")
def signoff_command(
    target: Annotated[str, typer.Argument(help="CODE@STEP, or CODE for a runbook-level flag.")],
    runbook: Annotated[Path, typer.Option("--runbook", help="The runbook markdown file.")],
    by: Annotated[str, typer.Option("--by", help="Who signs off (a person or role).")],
    reason: Annotated[str, typer.Option("--reason", help="Why this flag is acceptable.")],
    resolution: Annotated[
        str | None, typer.Option(help="What the implicit part means, for the agent to see.")
    ] = None,
    on: Annotated[str | None, typer.Option("--date", help="YYYY-MM-DD (default: today).")] = None,
    fingerprint: Annotated[
        str | None, typer.Option(help="Which flag, when a step has several of one code.")
    ] = None,
    registry: RegistryOpt = None,
    profiles: ProfilesOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Record a human sign-off of one flag in the runbook's <name>.signoffs.toml."""
    from compiler.signing import SignoffError, sign_off

    def run() -> tuple[Diagnostic, Path]:
        try:
            when = date.fromisoformat(on) if on else date.today()
        except ValueError:
            raise SignoffError(f"--date {on!r} is not YYYY-MM-DD") from None
        env = environment([runbook], registry, profiles, config)
        return sign_off(
            runbook,
            target,
            env,
            by=by,
            reason=reason,
            resolution=resolution,
            when=when,
            fingerprint=fingerprint,
        )

    diagnostic, path = _guarded(run)
    typer.echo(
        f"signed off {diagnostic.code} {diagnostic.step or ''} ({diagnostic.fingerprint}) in {path}"
    )


class GraphFormat(enum.StrEnum):
    """Graph output formats."""

    mermaid = "mermaid"
    dot = "dot"
    html = "html"


@app.command("graph")
def graph_command(
    file: Annotated[Path, typer.Argument(help="A runbook (.md) or a compiled artifact (.json).")],
    graph_format: Annotated[GraphFormat, typer.Option("--format")] = GraphFormat.mermaid,
    registry: RegistryOpt = None,
    profiles: ProfilesOpt = None,
) -> None:
    """Print the step graph as Mermaid, Graphviz DOT, or a self-contained HTML page with the
    source and flags beside it."""
    from compiler.render import to_dot, to_mermaid
    from compiler.report import artifact_page, render_report

    artifact = _guarded(lambda: artifact_for(file, registry, profiles))
    if graph_format is GraphFormat.html:
        page = _guarded(lambda: artifact_page(artifact, file))
        sys.stdout.write(render_report([page], f"Step graph: {artifact.runbook.title}"))
        return
    sys.stdout.write((to_mermaid if graph_format is GraphFormat.mermaid else to_dot)(artifact))


@app.command("report")
def report_command(
    paths: PathsArg,
    out: Annotated[Path, typer.Option("--out", help="The HTML file to write.")],
    registry: RegistryOpt = None,
    profiles: ProfilesOpt = None,
    config: ConfigOpt = None,
    jobs: Annotated[int, typer.Option(min=1, help="Parallel compile processes.")] = 1,
    cache_dir: CacheOpt = None,
    no_cache: NoCacheOpt = False,
    extractor: ExtractorOpt = ExtractorChoice.heuristic,
    model: ModelOpt = DEFAULT_MODEL,
    base_url: BaseUrlOpt = None,
    llm_deadline: DeadlineOpt = 120.0,
) -> None:
    """Write one self-contained HTML page: every runbook's graph, source and flags, and a
    summary. Exit 1 if a runbook could not be compiled (it is in the page, marked failed)."""
    from compiler.report import pages_from_results, report_parts, write_report

    cache = _cache(cache_dir, no_cache)
    llm = _llm(extractor, model, base_url, llm_deadline, cache)
    results = _compile(paths, registry, profiles, config, jobs, cache, llm, fatal_ok=True)
    pages = pages_from_results(results)
    title = "Runbook report: " + ", ".join(map(str, paths))
    _guarded(lambda: write_report(out, report_parts(pages, title)))
    failed = sum(1 for page in pages if page.status == "failed")
    ready = sum(1 for page in pages if page.status == "ready")
    typer.echo(
        f"wrote {out}: {len(pages)} runbook(s), {ready} ready, "
        f"{len(pages) - ready - failed} blocked, {failed} failed",
        err=True,
    )
    if failed:
        raise typer.Exit(EXIT_FINDINGS)


@app.command("schema")
def schema_command(
    check: Annotated[
        bool, typer.Option("--check", help="Exit 1 if the checked-in schemas drifted.")
    ] = False,
    write: Annotated[
        bool, typer.Option("--write", help="Regenerate the checked-in schemas.")
    ] = False,
    kind: Annotated[
        str, typer.Option(help="Schema to print: artifact, registry or profiles.")
    ] = "artifact",
) -> None:
    """Print, check or regenerate the artifact and registry JSON Schemas."""
    from compiler.schema import SCHEMAS, schema_drift, write_schemas

    if check:
        stale = schema_drift()
        for name in stale:
            typer.echo(f"{name}: out of date; run `runbookc schema --write`", err=True)
        raise typer.Exit(EXIT_FINDINGS if stale else EXIT_OK)
    if write:
        for name in write_schemas():
            typer.echo(f"wrote {name}", err=True)
        return
    if kind not in SCHEMAS:
        _fail(f"unknown schema {kind!r}; choose from {', '.join(SCHEMAS)}")
    sys.stdout.write(SCHEMAS[kind]())


@app.command("explain")
def explain_command(
    code: Annotated[str, typer.Argument(help="A rule code such as RB101.")],
) -> None:
    """Show a rule's documentation: what it does, why, an example, what to write instead."""
    rules = all_rules()
    found = rules.get(code.upper()) or next((r for r in rules.values() if r.name == code), None)
    if found is None:
        _fail(f"unknown rule {code!r}; `runbookc rules` lists them")
    can_sign = "yes" if found.signoff else "no — the runbook or registry must change"
    typer.echo(
        f"{found.code} {found.name} ({found.severity}, "
        f"{'blocking' if found.blocking else 'not blocking'}; sign-off: {can_sign})\n\n"
        f"{found.summary}\n\n## What it does\n{found.docs.what}\n\n"
        f"## Why is this bad?\n{found.docs.why}\n\n## Example\n{_indent(found.docs.example)}\n\n"
        f"## Use instead\n{_indent(found.docs.instead)}"
    )


def _indent(text: str) -> str:
    return "\n".join(f"    {line}" for line in text.splitlines())


@app.command("rules")
def rules_command() -> None:
    """List every rule: code, name, severity, blocking, sign-off, summary."""
    for item in all_rules().values():
        flags = ("blocking" if item.blocking else "-") + (", signable" if item.signoff else "")
        typer.echo(f"{item.code}  {item.name:<33} {item.severity:<8} {flags:<20} {item.summary}")


@app.command("eval")
def eval_command(
    directory: Annotated[
        Path, typer.Argument(help="Eval cases (NAME.md + NAME.gold.yaml).")
    ] = Path("evals"),
    output_format: Annotated[
        OutputFormat, typer.Option("--format", help="text or json.")
    ] = OutputFormat.text,
    extractor: ExtractorOpt = ExtractorChoice.heuristic,
    model: ModelOpt = DEFAULT_MODEL,
    base_url: BaseUrlOpt = None,
    llm_deadline: DeadlineOpt = 120.0,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="List every disagreement with the labels.")
    ] = False,
) -> None:
    """Score extraction against labelled cases; exit 1 if any tool is hallucinated, any step
    is ungrounded, or a score is below its floor in suite.yaml."""
    from compiler.evals import render_text

    llm = _llm(extractor, model, base_url, llm_deadline, None)
    report = _guarded(lambda: run_evals(directory, llm))
    if output_format is OutputFormat.json:
        sys.stdout.write(json.dumps(report.as_dict(), indent=2) + "\n")
    else:
        sys.stdout.write(render_text(report, verbose))
    if not report.ok:
        raise typer.Exit(EXIT_FINDINGS)


tools_app = typer.Typer(help="Export registry tools as agent tool specs, or import them.")
app.add_typer(tools_app, name="tools")


class SpecFormat(enum.StrEnum):
    """Tool spec formats."""

    openai = "openai"
    openai_responses = "openai-responses"
    anthropic = "anthropic"
    mcp = "mcp"


@tools_app.command("export")
def tools_export_command(
    file: Annotated[Path, typer.Argument(help="tools.yaml, or a compiled runbook (.json).")],
    spec_format: Annotated[SpecFormat, typer.Option("--format")] = SpecFormat.openai,
    registry: RegistryOpt = None,
) -> None:
    """Print tool specs: OpenAI Chat or Responses, Anthropic Messages, or an MCP tools/list."""
    from compiler.agent_files import export_tool_specs
    from compiler.runtime.toolspec import check_format

    fmt = check_format(spec_format.value)
    sys.stdout.write(_guarded(lambda: export_tool_specs(file, fmt, registry)))


@tools_app.command("import")
def tools_import_command(
    spec: Annotated[Path, typer.Argument(help="OpenAI tool list or MCP tools/list JSON.")],
    out: Annotated[Path, typer.Option("--out", help="Registry YAML to write.")],
    force: Annotated[bool, typer.Option("--force", help="Overwrite --out.")] = False,
) -> None:
    """Build registry entries, marked unreviewed and failing closed, from tool specs."""
    from compiler.agent_files import import_tool_specs

    count = _guarded(lambda: import_tool_specs(spec, out, force))
    typer.echo(f"wrote {count} unreviewed tool(s) to {out}; review effect and permission", err=True)


@app.command("audit")
def audit_command(
    transcript: Annotated[
        Path,
        typer.Argument(
            help="Agent transcript (OpenAI Chat or Responses, Anthropic Messages, or a runbookc "
            "audit log; JSON or JSONL), or with --gold a directory of labelled transcripts."
        ),
    ],
    runbook: Annotated[
        Path | None, typer.Option("--runbook", help="The compiled runbook (.json).")
    ] = None,
    registry: RegistryOpt = None,
    gold: Annotated[
        bool,
        typer.Option(
            "--gold", help="Eval mode: score the audit on every NAME.gold.yaml under the path."
        ),
    ] = False,
    inputs: Annotated[
        list[str] | None,
        typer.Option("--input", help="A run input NAME=VALUE, pinned as the guard pins it."),
    ] = None,
    output_format: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.text,
) -> None:
    """Check a transcript: calls outside the graph, out of order, at human steps, with other
    arguments than the runbook's, or reusing an id; and claims no successful call backs."""
    if gold:
        _audit_eval(transcript, registry, output_format)
        return
    if runbook is None:
        _fail("audit: --runbook is required (or --gold with a directory of labelled transcripts)")
    from compiler.agent_files import audit_transcript_file
    from compiler.audit_output import render as render_audit

    values = _guarded(lambda: _inputs(inputs or []))
    report = _guarded(lambda: audit_transcript_file(transcript, runbook, registry, values))
    sys.stdout.write(render_audit(report, str(transcript), output_format.value))
    if not report.ok:
        raise typer.Exit(EXIT_FINDINGS)


def _inputs(pairs: list[str]) -> dict[str, str]:
    values = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise WorkspaceError(f"--input {pair!r}: expected NAME=VALUE")
        values[name.strip()] = value
    return values


def _audit_eval(directory: Path, registry: Path | None, output_format: OutputFormat) -> None:
    if output_format not in (OutputFormat.text, OutputFormat.json):
        _fail("audit --gold: --format must be text or json")
    from compiler.audit_eval import evaluate as evaluate_audit
    from compiler.audit_eval import render_text as render_audit_eval

    report = _guarded(lambda: evaluate_audit(directory, registry))
    if output_format is OutputFormat.json:
        sys.stdout.write(json.dumps(report.as_dict(), indent=2) + "\n")
    else:
        sys.stdout.write(render_audit_eval(report))
    if not report.ok:
        raise typer.Exit(EXIT_FINDINGS)


@app.command("serve")
def serve_command(
    artifacts: Annotated[list[Path], typer.Argument(help="Compiled runbooks (.json) to serve.")],
    registry: RegistryOpt = None,
    profiles: Annotated[
        Path | None, typer.Option(help="Executor profiles (default: beside the registry).")
    ] = None,
    profile: Annotated[
        str | None, typer.Option(help="Executor profile (default: each runbook's executor).")
    ] = None,
    inputs: Annotated[
        list[str] | None, typer.Option("--input", help="A runbook input, NAME=VALUE; repeatable.")
    ] = None,
    actor: Annotated[str, typer.Option(help="Who the agent is, in the audit log.")] = "agent",
    audit: Annotated[
        Path, typer.Option(help="JSONL audit log of every call, verdict and result.")
    ] = Path("runbookc-audit.jsonl"),
    execute: Annotated[
        bool, typer.Option("--execute", help="Run allowed calls (default: dry run, argv only).")
    ] = False,
    timeout: Annotated[float, typer.Option(help="Seconds a command may run (--execute).")] = 60.0,
    http: Annotated[
        int | None, typer.Option("--http", help="Serve streamable HTTP on 127.0.0.1:PORT.")
    ] = None,
) -> None:
    """Serve compiled runbooks to MCP clients (stdio by default), every call guarded."""
    from compiler.serving import serve_artifacts  # imports mcp: only when serving

    _guarded(
        lambda: serve_artifacts(
            artifacts,
            registry=registry,
            profiles=profiles,
            profile=profile,
            inputs=inputs or [],
            actor=actor,
            audit=audit,
            execute=execute,
            timeout=timeout,
            http_port=http,
        )
    )


@app.command("version")
def version_command() -> None:
    """Print the compiler version."""
    typer.echo(__version__)


def main() -> None:
    """Console entry point."""
    app()
