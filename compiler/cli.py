"""`runbookc`: argument handling and output choice only; the work lives in the modules.

No `from __future__ import annotations` here: typer reads every command's parameters on each
run, and string annotations would cost it an `eval` each (tens of milliseconds per run).
"""

import enum
import gc
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn, TypeVar

import typer

from compiler import __version__, cli_coercion
from compiler.compilation import CompileResult, displayed
from compiler.config import Config, ConfigError
from compiler.extract import LLMAuthError, Usage
from compiler.project import BaselineError, WorkspaceError, parse_inputs, patterns_cache
from compiler.project.batch import compile_all, once_per_program
from compiler.project.cache import DEFAULT_DIR as DEFAULT_CACHE_DIR
from compiler.project.discovery import artifact_for, discover, environment
from compiler.registry import RegistryError
from compiler.text.escape import printable
from compiler.values import Value, set_field

# Each command imports what only it needs (drawings, the report and jinja2, agent files, the
# runtime, the LLM SDK, the eval scorer, sign-off writing) when it runs: `check` and `compile`
# start without them, and load the compile stages only when a file is not in the cache.
if TYPE_CHECKING:
    from compiler.extract.llm import LLMSettings
    from compiler.records import Diagnostic

app = typer.Typer(
    help="Compile markdown runbooks into explicit, tool-bound step graphs for agents.\n\n"
    "First run on your repository: `runbookc init`, then `runbookc check .`",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"runbookc {__version__}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_print_version,
            is_eager=True,
            help="Print the version and exit.",
        ),
    ] = False,
) -> None:
    """Compile markdown runbooks into explicit, tool-bound step graphs for agents."""


def _example(*lines: str) -> str:
    """A command's help epilog: an example or two, shown under its options."""
    # "\b" keeps click from re-wrapping the paragraph.
    return "Examples:\n\n\b\n" + "\n".join(f"  $ {line}" for line in lines)


EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
DEFAULT_MODEL = "gpt-4.1-mini"
T = TypeVar("T")

PathsArg = Annotated[
    list[Path], typer.Argument(metavar="PATH...", help="Runbook files or directories.")
]
RegistryOpt = Annotated[
    Path | None,
    typer.Option(metavar="FILE", help="Tool registry (default: nearest tools.yaml)."),
]
ProfilesOpt = Annotated[
    Path | None,
    typer.Option(metavar="FILE", help="Executor profiles (default: nearest profiles.yaml)."),
]
CacheOpt = Annotated[
    Path | None,
    typer.Option(
        "--cache-dir",
        metavar="DIR",
        envvar="RUNBOOKC_CACHE_DIR",
        help="Where results of unchanged inputs are cached (default .runbookc-cache).",
    ),
]
NoCacheOpt = Annotated[bool, typer.Option("--no-cache", help="Compile everything afresh.")]
JobsOpt = Annotated[
    str,
    typer.Option(
        "--jobs",
        metavar="N|auto",
        help="Parallel compile processes (auto: one per CPU when there are at least 32 files "
        "to compile, one per 16 files at most).",
    ),
]
ConfigOpt = Annotated[
    Path | None, typer.Option(metavar="FILE", help="runbookc.toml or pyproject.toml to use.")
]
ExcludeOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--exclude",
        metavar="PATTERN",
        help="Skip files and folders matching this gitignore-style pattern (replaces the "
        "configured `exclude`); repeatable.",
    ),
]
ExtendExcludeOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--extend-exclude", metavar="PATTERN", help="Skip these too, on top of `exclude`."
    ),
]
IncludeOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--include", metavar="PATTERN", help="Compile files matching these (default *.md)."
    ),
]
ForceExcludeOpt = Annotated[
    bool,
    typer.Option(
        "--force-exclude", help="Apply the excludes to files named outright (pre-commit)."
    ),
]
GitignoreOpt = Annotated[
    bool,
    typer.Option(
        "--respect-gitignore/--no-respect-gitignore",
        help="Skip what .gitignore ignores (default: as configured, on).",
    ),
]


@dataclass(init=False, repr=False, eq=False)
class Selection(Value):
    """File selection from the command line, layered over the configuration's."""

    exclude: list[str] | None = None
    extend_exclude: list[str] | None = None
    include: list[str] | None = None
    force_exclude: bool = False
    respect_gitignore: bool | None = None

    def __init__(
        self,
        exclude: list[str] | None = None,
        extend_exclude: list[str] | None = None,
        include: list[str] | None = None,
        force_exclude: bool = False,
        respect_gitignore: bool | None = None,
    ) -> None:
        set_field(self, "exclude", exclude)
        set_field(self, "extend_exclude", extend_exclude)
        set_field(self, "include", include)
        set_field(self, "force_exclude", force_exclude)
        set_field(self, "respect_gitignore", respect_gitignore)

    def applied(self, config: Config) -> Config:
        """The configuration with these command-line choices on top."""
        changes: dict[str, object] = {}
        if self.exclude:
            changes["exclude"] = tuple(self.exclude)
        if self.extend_exclude:
            changes["extend_exclude"] = (*config.extend_exclude, *self.extend_exclude)
        if self.include:
            changes["include"] = tuple(self.include)
        if self.respect_gitignore is not None:
            changes["respect_gitignore"] = self.respect_gitignore
        return replace(config, **changes)  # type: ignore[arg-type]


class OutputFormat(enum.StrEnum):
    """Output formats of `check`."""

    text = "text"
    json = "json"
    sarif = "sarif"
    github = "github"
    markdown = "markdown"


def _renderer(output_format: OutputFormat) -> "Callable[[list[Diagnostic], int], str]":
    """The renderer of an output format (formats load the rule catalogue and the models: only
    the commands that print diagnostics import them)."""
    from compiler.draw import diagnostics

    return {
        OutputFormat.text: diagnostics.as_text,
        OutputFormat.json: diagnostics.as_json,
        OutputFormat.sarif: diagnostics.as_sarif,
        OutputFormat.github: diagnostics.as_github,
        OutputFormat.markdown: diagnostics.as_markdown,
    }[output_format]


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
    errors: list[type[Exception]] = [
        WorkspaceError,
        RegistryError,
        ConfigError,
        LLMAuthError,
        BaselineError,
    ]
    for module, name in (
        ("compiler.project.signing", "SignoffError"),
        ("compiler.project.evals", "EvalError"),
    ):
        if module in sys.modules:  # EvalError covers AuditEvalError too
            errors.append(getattr(sys.modules[module], name))
    return tuple(errors)


def _compile(
    paths: list[Path],
    registry: Path | None,
    profiles: Path | None,
    config: Path | None,
    jobs: int | None,
    cache_dir: Path | None,
    llm: "LLMSettings | None" = None,
    fatal_ok: bool = False,
    selection: Selection | None = None,
    lint_only: bool = False,
    echo_fatal: bool = True,
) -> list[CompileResult]:
    """Compile what the paths select. A file that cannot be compiled is printed on stderr
    (unless the caller reports it itself) and stops the run (exit 2) unless `fatal_ok`: then
    it is a result like any other."""
    from compiler.project.selection import FileSelection

    chosen = selection or Selection()

    def run() -> list[CompileResult]:
        base = environment(paths, registry, profiles, config, cache_dir, lint_only=lint_only)
        env = replace(base, config=chosen.applied(base.config), llm=llm)
        sources = discover(paths, FileSelection(env.config, chosen.force_exclude))
        with _progress(len(sources), llm is not None) as advance:
            return compile_all(sources, env, jobs, cache_dir, advance)

    results = _guarded(run)
    fatal = [r.fatal for r in results if r.fatal is not None]
    for diagnostic in fatal if echo_fatal else []:
        typer.echo(
            f"{printable(diagnostic.path)}:{diagnostic.line}:{diagnostic.column}: "
            f"{diagnostic.code} {printable(diagnostic.message)}",
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


PROGRESS_MIN_FILES = 20
"""A progress bar appears for at least this many files (any number with the LLM extractor)."""


@contextmanager
def _progress(total: int, slow: bool) -> Iterator[Callable[[int], None] | None]:
    """A progress bar on stderr, only on a terminal and only for a long run."""
    if total < (1 if slow else PROGRESS_MIN_FILES) or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    columns = (TextColumn("compiling"), BarColumn(), MofNCompleteColumn())
    # Drawn as files are done, not by rich's refresh thread: `--jobs` forks worker processes
    # while the bar is up, and a fork must not catch another thread holding a lock.
    console = Console(stderr=True)
    with Progress(*columns, console=console, transient=True, auto_refresh=False) as bar:
        task = bar.add_task("compiling", total=total)

        def advance(count: int) -> None:
            bar.advance(task, count)
            bar.refresh()

        yield advance


class ExtractorChoice(enum.StrEnum):
    """Step extractors."""

    heuristic = "heuristic"
    llm = "llm"


ExtractorOpt = Annotated[
    ExtractorChoice, typer.Option("--extractor", help="heuristic (offline) or llm.")
]
ModelOpt = Annotated[
    str,
    typer.Option(
        "--model", metavar="NAME", envvar="RUNBOOKC_MODEL", help="Model for --extractor llm."
    ),
]
BaseUrlOpt = Annotated[
    str | None,
    typer.Option(
        "--base-url", metavar="URL", help="OpenAI-compatible endpoint (else OPENAI_BASE_URL)."
    ),
]
DeadlineOpt = Annotated[
    float,
    typer.Option(
        "--llm-deadline", min=1, metavar="SECONDS", help="Total seconds for the model, per file."
    ),
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


def _jobs(value: str) -> int | None:
    """`--jobs` as compile_all takes it: a number of processes, or None for auto."""
    if value == "auto":
        return None
    if value.isascii() and value.isdigit() and int(value) >= 1:
        return int(value)
    raise typer.BadParameter(
        f"{value!r} is neither a number of processes (1 or more) nor auto", param_hint="--jobs"
    )


def _cache(cache_dir: Path | None, no_cache: bool) -> Path | None:
    """The cache directory of a command, which also keeps compiled patterns (a process run
    from `main` only)."""
    directory = None if no_cache else cache_dir or DEFAULT_CACHE_DIR
    patterns_cache.use(directory)
    return directory


@app.command(
    "init",
    epilog=_example("runbookc init docs/runbooks", "runbookc check docs/runbooks"),
)
def init_command(
    path: Annotated[
        Path, typer.Argument(metavar="DIR", help="The runbook tree (default: here).")
    ] = Path("."),
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite an existing tools.yaml / profiles.yaml.")
    ] = False,
) -> None:
    """Write a starter tools.yaml and profiles.yaml into DIR from the commands its runbooks
    run, and a [tool.runbookc] configuration; then say what to review."""
    from compiler.config import find_config, load_config
    from compiler.project.selection import FileSelection
    from compiler.project.starter import scan, starter

    if not path.is_dir():
        _fail(f"{path}: not a directory")
    registry, profiles = path / "tools.yaml", path / "profiles.yaml"
    existing = [p for p in (registry, profiles) if p.exists()]
    if existing and not force:
        _fail(f"{', '.join(map(str, existing))} exists; pass --force to overwrite")
    found_config = find_config(path)
    config = _guarded(lambda: load_config(found_config))
    sources = _guarded(lambda: discover([path], FileSelection(config)))
    found = scan(sources)
    made = starter(found)
    _guarded(lambda: _write_text(registry, made.registry))
    _guarded(lambda: _write_text(profiles, made.profiles))
    written = _guarded(lambda: _write_config(path, found_config, made.config))
    echo = partial(typer.echo, err=True)
    echo(f"scanned {found.files} runbook(s) under {printable(str(path))}")
    echo(
        f"wrote {registry}: {made.tools} tool(s) for {len(made.programs)} known program(s)"
        + (f" ({', '.join(made.programs)})" if made.programs else "")
    )
    echo(f"wrote {profiles}: executor profile(s) with the read and write permissions")
    echo(written)
    if made.unknown:
        echo(
            f"unknown program(s), listed at the end of {registry} for you to write tools for: "
            + ", ".join(printable(u) for u in made.unknown)
        )
    echo(
        "review: each tool's effect, permission and requires_approval; the command patterns "
        "(name the arguments that matter); who each profile really is.\n"
        f"next: runbookc check {path}   then, to adopt with the findings you have today:\n"
        f"      runbookc check {path} --write-baseline {path / '.runbookc-baseline.json'}"
    )


def _write_text(path: Path, text: str) -> None:
    try:
        path.write_text(text, "utf-8")
    except OSError as error:
        raise WorkspaceError(f"{path}: cannot write: {error.strerror}") from None


def _write_config(folder: Path, found: Path | None, table: str) -> str:
    """The [tool.runbookc] table: kept if one applies already, else added to pyproject.toml
    or written as runbookc.toml."""
    if found is not None:
        return f"kept the configuration in {found} (see docs/configuration.md for new keys)"
    pyproject = folder / "pyproject.toml"
    if pyproject.is_file():
        with pyproject.open("a", encoding="utf-8") as handle:
            handle.write("\n" + table)
        return f"added [tool.runbookc] to {pyproject}"
    _write_text(folder / "runbookc.toml", table.replace("[tool.runbookc]\n", "", 1))
    return f"wrote {folder / 'runbookc.toml'}"


@app.command(
    "compile",
    epilog=_example(
        "runbookc compile runbooks/ --out compiled/",
        "runbookc compile runbooks/ --out compiled/ --check",
    ),
)
def compile_command(
    paths: PathsArg,
    out: Annotated[
        Path, typer.Option("--out", metavar="DIR", help="Directory for the JSON artifacts.")
    ],
    check: Annotated[
        bool,
        typer.Option("--check", help="Compare with --out instead of writing; exit 1 on drift."),
    ] = False,
    registry: RegistryOpt = None,
    profiles: ProfilesOpt = None,
    config: ConfigOpt = None,
    exclude: ExcludeOpt = None,
    extend_exclude: ExtendExcludeOpt = None,
    include: IncludeOpt = None,
    force_exclude: ForceExcludeOpt = False,
    respect_gitignore: GitignoreOpt = True,
    jobs: JobsOpt = "auto",
    cache_dir: CacheOpt = None,
    no_cache: NoCacheOpt = False,
    extractor: ExtractorOpt = ExtractorChoice.heuristic,
    model: ModelOpt = DEFAULT_MODEL,
    base_url: BaseUrlOpt = None,
    llm_deadline: DeadlineOpt = 120.0,
) -> None:
    """Compile runbooks into artifacts: OUT/<path relative to PATH, .md -> .json>.

    Nothing is written if any file cannot be compiled (exit 2); `check` is the merge gate."""
    workers = _jobs(jobs)
    cache = _cache(cache_dir, no_cache)
    llm = _llm(extractor, model, base_url, llm_deadline, cache)
    selection = Selection(
        exclude, extend_exclude, include, force_exclude, _flag_given(respect_gitignore)
    )
    results = _compile(paths, registry, profiles, config, workers, cache, llm, selection=selection)
    from compiler.project.outdir import drift, orphans, remove, write_all

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


class ColorChoice(enum.StrEnum):
    """When text output is coloured."""

    auto = "auto"
    always = "always"
    never = "never"


def _use_color(choice: ColorChoice) -> bool:
    """auto: on a terminal, unless NO_COLOR is set; FORCE_COLOR forces it (no-color.org)."""
    if choice is not ColorChoice.auto:
        return choice is ColorChoice.always
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return sys.stdout.isatty()


@app.command(
    "check",
    epilog=_example(
        "runbookc check runbooks/",
        "runbookc check runbooks/ --baseline .runbookc-baseline.json --format sarif",
        "cat rb.md | runbookc check - --stdin-filename runbooks/rb.md",
    ),
)
def check_command(
    paths: PathsArg,
    output_format: Annotated[
        OutputFormat, typer.Option("--format", help="Output format.")
    ] = OutputFormat.text,
    strict: Annotated[
        bool, typer.Option("--strict", help="Also exit 1 on any sign-off problem (RB9xx).")
    ] = False,
    baseline: Annotated[
        Path | None,
        typer.Option(
            "--baseline",
            metavar="FILE",
            help="Fail only on diagnostics this baseline file does not hold.",
        ),
    ] = None,
    write_baseline: Annotated[
        Path | None,
        typer.Option(
            "--write-baseline",
            metavar="FILE",
            help="Write every unsigned diagnostic to this file; exit 0.",
        ),
    ] = None,
    stdin_filename: Annotated[
        str | None,
        typer.Option("--stdin-filename", help="With PATH `-`: the file name stdin stands for."),
    ] = None,
    color: Annotated[
        ColorChoice,
        typer.Option("--color", help="Colour text output (auto: on a terminal, not NO_COLOR)."),
    ] = ColorChoice.auto,
    registry: RegistryOpt = None,
    profiles: ProfilesOpt = None,
    config: ConfigOpt = None,
    exclude: ExcludeOpt = None,
    extend_exclude: ExtendExcludeOpt = None,
    include: IncludeOpt = None,
    force_exclude: ForceExcludeOpt = False,
    respect_gitignore: GitignoreOpt = True,
    jobs: JobsOpt = "auto",
    cache_dir: CacheOpt = None,
    no_cache: NoCacheOpt = False,
    extractor: ExtractorOpt = ExtractorChoice.heuristic,
    model: ModelOpt = DEFAULT_MODEL,
    base_url: BaseUrlOpt = None,
    llm_deadline: DeadlineOpt = 120.0,
) -> None:
    """Lint runbooks: diagnostics with codes, spans and fix hints.

    Exit 0 when nothing unsigned blocks, 1 when something does (or a file cannot be
    compiled: its fatal diagnostic is reported with the other files' results), 2 when the
    tool cannot do its job. With no tools.yaml, only the text and graph rules run."""
    workers = _jobs(jobs)
    cache = _cache(cache_dir, no_cache)
    llm = _llm(extractor, model, base_url, llm_deadline, cache)
    if paths == [Path("-")]:
        results = [_compile_stdin(stdin_filename, registry, profiles, config, llm)]
    else:
        if Path("-") in paths:
            _fail("`-` (stdin) cannot be mixed with other paths")
        selection = Selection(
            exclude, extend_exclude, include, force_exclude, _flag_given(respect_gitignore)
        )
        results = _compile(
            paths,
            registry,
            profiles,
            config,
            workers,
            cache,
            llm,
            True,
            selection,
            lint_only=True,
            echo_fatal=False,
        )
    diagnostics = once_per_program([d for result in results for d in displayed(result)])
    if write_baseline is not None:
        from compiler.project.baseline import write_baseline as write

        count = _guarded(lambda: write(write_baseline, diagnostics))
        typer.echo(f"wrote {count} diagnostic(s) to baseline {write_baseline}", err=True)
        return
    if baseline is not None:
        diagnostics = _baselined(diagnostics, baseline)
    render = _renderer(output_format)
    if output_format is OutputFormat.text:
        from compiler.draw.diagnostics import as_text

        sys.stdout.write(as_text(diagnostics, len(results), _use_color(color)))
    else:
        sys.stdout.write(render(diagnostics, len(results)))
    if _fails(diagnostics, strict):
        raise typer.Exit(EXIT_FINDINGS)


def _flag_given(value: bool) -> bool | None:
    """--no-respect-gitignore on the command line; else the configuration decides."""
    return None if value else False


def _baselined(diagnostics: "list[Diagnostic]", baseline: Path) -> "list[Diagnostic]":
    from compiler.project.baseline import apply_baseline, load_entries

    entries = _guarded(lambda: load_entries(baseline))
    applied = apply_baseline(diagnostics, entries, baseline.parent)
    typer.echo(
        f"baseline {printable(str(baseline))}: {applied.matched} known diagnostic(s) hidden, "
        f"{len(applied.new)} not in the baseline",
        err=True,
    )
    for entry in applied.stale:
        typer.echo(
            f"baseline: stale entry {printable(entry.path)}: {printable(entry.target)} "
            f"({entry.fingerprint}) matches nothing now (fixed, or its words changed)",
            err=True,
        )
    if applied.stale:
        typer.echo(
            f"baseline: {len(applied.stale)} stale entr(y/ies); rewrite it with "
            "`runbookc check --write-baseline`",
            err=True,
        )
    return applied.new


def _compile_stdin(
    name: str | None,
    registry: Path | None,
    profiles: Path | None,
    config: Path | None,
    llm: "LLMSettings | None",
) -> CompileResult:
    """`check -`: the runbook's bytes from stdin, named (for the registry, configuration,
    sign-offs and the output) by --stdin-filename."""
    from compiler.pipeline import SourceFile, compile_data

    if not name:
        _fail("`check -` needs --stdin-filename (the path the text stands for)")
    path = Path(name)
    env = _guarded(lambda: environment([path], registry, profiles, config, lint_only=True))
    source = SourceFile(path, name, path.name, path.with_suffix(".json").name)
    return compile_data(sys.stdin.buffer.read(), source, replace(env, llm=llm))


def _fails(diagnostics: "list[Diagnostic]", strict: bool) -> bool:
    """ruff's rule: any unsigned blocking diagnostic fails; --strict adds sign-off problems."""
    unsigned = any(d.blocking and d.signoff is None for d in diagnostics)
    return unsigned or (strict and any(d.code.startswith("RB9") for d in diagnostics))


@app.command(
    "signoff",
    epilog=_example(
        "runbookc signoff RB101@mitigation/restart-api --runbook rb.md --by alice "
        "--reason 'restart only when the pool stays exhausted'",
        "runbookc signoff --from reviewed.json --by alice --reason 'reviewed in PR #42'",
    ),
)
def signoff_command(
    target: Annotated[
        str | None,
        typer.Argument(metavar="[CODE@STEP]", help="CODE@STEP, or CODE for a runbook-level flag."),
    ] = None,
    runbook: Annotated[
        Path | None, typer.Option("--runbook", metavar="FILE", help="The runbook markdown file.")
    ] = None,
    listed: Annotated[
        Path | None,
        typer.Option(
            "--from",
            metavar="FILE",
            help="Sign off every flag in this reviewed list: a baseline file, or the output "
            "of `check --format json`, cut down to what was reviewed.",
        ),
    ] = None,
    by: Annotated[str, typer.Option("--by", help="Who signs off (a person or role).")] = "",
    reason: Annotated[str, typer.Option("--reason", help="Why this flag is acceptable.")] = "",
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
    """Record a human sign-off of one flag (or of a reviewed list of flags) in each
    runbook's <name>.signoffs.toml."""
    from compiler.project.signing import sign_off

    when = _guarded(lambda: _signoff_date(on))
    if listed is not None:
        if target is not None or runbook is not None:
            _fail("signoff: give either --from LIST or CODE@STEP --runbook FILE, not both")
        _sign_listed(listed, by, reason, resolution, when, registry, profiles, config)
        return
    if target is None or runbook is None:
        _fail("signoff: give CODE@STEP and --runbook FILE (or --from LIST)")

    def run() -> "tuple[Diagnostic, Path]":
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


def _signoff_date(on: str | None) -> date:
    from compiler.project.signing import SignoffError

    try:
        return date.fromisoformat(on) if on else date.today()
    except ValueError:
        raise SignoffError(f"--date {on!r} is not YYYY-MM-DD") from None


def _sign_listed(
    listed: Path,
    by: str,
    reason: str,
    resolution: str | None,
    when: date,
    registry: Path | None,
    profiles: Path | None,
    config: Path | None,
) -> None:
    """`signoff --from`: every listed flag, runbook by runbook; exit 1 if any was not signed."""
    from compiler.project.baseline import Entry, load_entries
    from compiler.project.signing import SignedList, sign_off_listed

    entries = _guarded(lambda: load_entries(listed))
    by_runbook: dict[Path, list[Entry]] = {}
    for entry in entries:
        by_runbook.setdefault(listed.parent / entry.path, []).append(entry)
    signed = skipped = 0
    for runbook, group in by_runbook.items():

        def sign(runbook: Path = runbook, group: list[Entry] = group) -> SignedList:
            env = environment([runbook], registry, profiles, config)
            return sign_off_listed(
                runbook, group, env, by=by, reason=reason, resolution=resolution, when=when
            )

        done, missed = _guarded(sign)
        for diagnostic in done:
            typer.echo(
                f"signed off {diagnostic.code} {diagnostic.step or ''} "
                f"({diagnostic.fingerprint}) in {printable(str(runbook))}"
            )
        for entry, why in missed:
            typer.echo(
                f"not signed: {printable(str(runbook))}: {printable(entry.target)} "
                f"({entry.fingerprint}): {printable(why)}",
                err=True,
            )
        signed, skipped = signed + len(done), skipped + len(missed)
    typer.echo(f"{signed} flag(s) signed off, {skipped} not", err=True)
    if skipped:
        raise typer.Exit(EXIT_FINDINGS)


class GraphFormat(enum.StrEnum):
    """Graph output formats."""

    mermaid = "mermaid"
    dot = "dot"
    html = "html"


@app.command(
    "graph",
    epilog=_example("runbookc graph runbooks/etcd-defrag.md --format dot | dot -Tsvg > g.svg"),
)
def graph_command(
    file: Annotated[Path, typer.Argument(help="A runbook (.md) or a compiled artifact (.json).")],
    graph_format: Annotated[GraphFormat, typer.Option("--format")] = GraphFormat.mermaid,
    registry: RegistryOpt = None,
    profiles: ProfilesOpt = None,
) -> None:
    """Print the step graph as Mermaid, Graphviz DOT, or a self-contained HTML page with the
    source and flags beside it."""
    from compiler.draw.export import to_dot, to_mermaid
    from compiler.draw.report import artifact_page, render_report

    artifact = _guarded(lambda: artifact_for(file, registry, profiles))
    if graph_format is GraphFormat.html:
        page = _guarded(lambda: artifact_page(artifact, file))
        sys.stdout.write(render_report([page], f"Step graph: {artifact.runbook.title}"))
        return
    sys.stdout.write((to_mermaid if graph_format is GraphFormat.mermaid else to_dot)(artifact))


@app.command("report", epilog=_example("runbookc report runbooks/ --out report.html"))
def report_command(
    paths: PathsArg,
    out: Annotated[Path, typer.Option("--out", metavar="FILE", help="The HTML file to write.")],
    registry: RegistryOpt = None,
    profiles: ProfilesOpt = None,
    config: ConfigOpt = None,
    exclude: ExcludeOpt = None,
    extend_exclude: ExtendExcludeOpt = None,
    include: IncludeOpt = None,
    force_exclude: ForceExcludeOpt = False,
    respect_gitignore: GitignoreOpt = True,
    jobs: JobsOpt = "auto",
    cache_dir: CacheOpt = None,
    no_cache: NoCacheOpt = False,
    extractor: ExtractorOpt = ExtractorChoice.heuristic,
    model: ModelOpt = DEFAULT_MODEL,
    base_url: BaseUrlOpt = None,
    llm_deadline: DeadlineOpt = 120.0,
) -> None:
    """Write one self-contained HTML page: every runbook's graph, source and flags, and a
    summary. Exit 1 if a runbook could not be compiled (it is in the page, marked failed)."""
    from compiler.draw.report import pages_from_results, report_parts
    from compiler.project.outdir import write_report

    workers = _jobs(jobs)
    cache = _cache(cache_dir, no_cache)
    llm = _llm(extractor, model, base_url, llm_deadline, cache)
    selection = Selection(
        exclude, extend_exclude, include, force_exclude, _flag_given(respect_gitignore)
    )
    results = _compile(paths, registry, profiles, config, workers, cache, llm, True, selection)
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


@app.command("schema", epilog=_example("runbookc schema --kind registry > registry.schema.json"))
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
    from compiler.project.schema import SCHEMAS, schema_drift, write_schemas

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


@app.command("explain", epilog=_example("runbookc explain RB101", "runbookc explain unknown-tool"))
def explain_command(
    code: Annotated[str, typer.Argument(help="A rule code such as RB101.")],
) -> None:
    """Show a rule's documentation: what it does, why, an example, what to write instead."""
    from compiler.rules import all_rules

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


class RulesFormat(enum.StrEnum):
    """Output formats of `rules`."""

    text = "text"
    json = "json"
    markdown = "markdown"


@app.command(
    "rules",
    epilog=_example("runbookc rules", "runbookc rules --format json | jq '.[].code'"),
)
def rules_command(
    rules_format: Annotated[
        RulesFormat,
        typer.Option("--format", help="text, json (with the docs) or markdown (a table)."),
    ] = RulesFormat.text,
) -> None:
    """List every rule: code, name, severity, blocking, sign-off, summary."""
    from compiler.draw.ruledocs import rules_json, rules_table
    from compiler.rules import all_rules

    if rules_format is RulesFormat.json:
        sys.stdout.write(rules_json())
        return
    if rules_format is RulesFormat.markdown:
        sys.stdout.write(rules_table())
        return
    for item in all_rules().values():
        flags = ("blocking" if item.blocking else "-") + (", signable" if item.signoff else "")
        typer.echo(f"{item.code}  {item.name:<33} {item.severity:<8} {flags:<20} {item.summary}")


@app.command("eval", epilog=_example("runbookc eval evals/ -v"))
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
    from compiler.project.evals import render_text, run_evals

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


@tools_app.command(
    "export", epilog=_example("runbookc tools export runbooks/tools.yaml --format mcp")
)
def tools_export_command(
    file: Annotated[Path, typer.Argument(help="tools.yaml, or a compiled runbook (.json).")],
    spec_format: Annotated[SpecFormat, typer.Option("--format")] = SpecFormat.openai,
    registry: RegistryOpt = None,
) -> None:
    """Print tool specs: OpenAI Chat or Responses, Anthropic Messages, or an MCP tools/list."""
    from compiler.project.agent_files import export_tool_specs
    from compiler.runtime.toolspec import check_format

    fmt = check_format(spec_format.value)
    sys.stdout.write(_guarded(lambda: export_tool_specs(file, fmt, registry)))


@tools_app.command(
    "import", epilog=_example("runbookc tools import mcp-tools.json --out imported.yaml")
)
def tools_import_command(
    spec: Annotated[Path, typer.Argument(help="OpenAI tool list or MCP tools/list JSON.")],
    out: Annotated[Path, typer.Option("--out", help="Registry YAML to write.")],
    force: Annotated[bool, typer.Option("--force", help="Overwrite --out.")] = False,
) -> None:
    """Build registry entries, marked unreviewed and failing closed, from tool specs."""
    from compiler.project.agent_files import import_tool_specs

    count = _guarded(lambda: import_tool_specs(spec, out, force))
    typer.echo(f"wrote {count} unreviewed tool(s) to {out}; review effect and permission", err=True)


@app.command(
    "audit", epilog=_example("runbookc audit transcript.json --runbook compiled/etcd-defrag.json")
)
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
    from compiler.draw.audit import render as render_audit
    from compiler.project.agent_files import audit_transcript_file

    values = _guarded(lambda: parse_inputs(inputs or []))
    report = _guarded(lambda: audit_transcript_file(transcript, runbook, registry, values))
    sys.stdout.write(render_audit(report, str(transcript), output_format.value))
    if not report.ok:
        raise typer.Exit(EXIT_FINDINGS)


def _audit_eval(directory: Path, registry: Path | None, output_format: OutputFormat) -> None:
    if output_format not in (OutputFormat.text, OutputFormat.json):
        _fail("audit --gold: --format must be text or json")
    from compiler.project.audit_eval import evaluate as evaluate_audit
    from compiler.project.audit_eval import render_text as render_audit_eval

    report = _guarded(lambda: evaluate_audit(directory, registry))
    if output_format is OutputFormat.json:
        sys.stdout.write(json.dumps(report.as_dict(), indent=2) + "\n")
    else:
        sys.stdout.write(render_audit_eval(report))
    if not report.ok:
        raise typer.Exit(EXIT_FINDINGS)


@app.command(
    "serve", epilog=_example("runbookc serve compiled/etcd-defrag.json --input etcd_pod=etcd-0")
)
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
    from compiler.project.serving import serve_artifacts  # imports mcp: only when serving

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


@app.command("version", epilog=_example("runbookc version"))
def version_command() -> None:
    """Print the compiler version."""
    typer.echo(__version__)


cli_coercion.install()


def main() -> None:
    """Console entry point."""
    # What the process has loaded by now lives until it exits: kept out of the collector's
    # walks, the command's own collections skip it (about 3% of a single-file check). Only
    # the console entry does this; importing this module (tests, library use) does not.
    gc.freeze()
    with patterns_cache.kept():
        app()
