"""The commands of a code block: console prompts, continuations and multi-line constructs, SQL
statements, Ruby and Python console scripts, metric queries, and example output left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from compiler.parse import Block, CodeLine
from compiler.text.effect_words import DESTRUCTIVE_PROGRAM_WORDS, WRITE_PROGRAM_WORDS
from compiler.text.instructions import instructional as _instructional
from compiler.text.shell import (
    CONTINUATION_PROMPT,
    group_of,
    leading_group,
    reads_as_sentence,
    split_pipeline,
    writes_a_file,
)

SCRIPT_LANGS = {"bash", "sh", "shell", "zsh"}
COMMON_PROGRAMS = frozenset(
    {
        "aws",
        "awk",
        "cat",
        "chroot",
        "cp",
        "curl",
        "date",
        "df",
        "dig",
        "du",
        "echo",
        "find",
        "for",
        "gcloud",
        "grep",
        "if",
        "ip",
        "journalctl",
        "kill",
        "ls",
        "mkdir",
        "mount",
        "mv",
        "nc",
        "nslookup",
        "ping",
        "ps",
        "rm",
        "scp",
        "sed",
        "ssh",
        "sudo",
        "systemctl",
        "tail",
        "top",
        "wget",
        "while",
    }
)
PROMQL_WORDS = frozenset(
    {
        "sum",
        "min",
        "max",
        "avg",
        "count",
        "rate",
        "irate",
        "increase",
        "delta",
        "deriv",
        "histogram_quantile",
        "topk",
        "bottomk",
        "absent",
        "label_replace",
        "and",
        "or",
        "unless",
        "by",
        "without",
        "on",
        "ignoring",
        "group_left",
        "group_right",
        "predict_linear",
        "vector",
        "scalar",
        "clamp_max",
        "clamp_min",
        "count_over_time",
        "avg_over_time",
        "max_over_time",
        "min_over_time",
        "sum_over_time",
        "quantile_over_time",
    }
)
_METRIC_NAME = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+){2,}(?:\{.*)?$")
SHELL_LANGS = {
    "",
    "powershell",
    "ps1",
    "pwsh",
    "cmd",
    "bat",
    "fish",
    "ksh",
    "csh",
    "tcsh",
    "bash",
    "sh",
    "shell",
    "console",
    "zsh",
    "terminal",
    "shell-session",
    "shellsession",
}
_STRONG_PROMPT = re.compile(
    r"^(?:\([\w.-]+\)\s?)?(?:PS(?:\s[^>\n]*)?>|\[[^\]]*\]\s*[\w.@:~/-]*\s?[$#>%]"
    r"|[\w.@:~/-]*[\w~/][$%]|[\w.-]+-[\w.-]+\s\$|"
    r"[\w.@-]+:[\w.~/-]*#|[\w-]+=[#>]|irb(?:\([^)]*\)(?::\d+)+)?[>*]|(?:\[\d+\]\s*)?pry(?:\([^)]*\))?>|"
    r"mysql>|redis[\w.:-]*>|>>>|(?:ba|z)?sh-\d+(?:\.\d+)*#|\$>?|%(?=\s+[a-z]))\s+"
)
"""A console prompt: `$`, `user@host:~$`, `db-01 $`, `(venv)root@host:~#`, `PS>`, `PS C:\\>`,
`[ prod ] production>`, `postgres=#`, `irb(main):001:0>`, `irb>`, `[1] pry(main)>`, `pry>`,
`mysql>`, `>>>`, a root debug shell's `sh-5.1#`, zsh's `%` before a lower-case word (`% kubectl
get pods`; not curl's `% Total`)."""
_WEAK_PROMPT = re.compile(r"^[#>]\s+")
_AMBIGUOUS_CONTINUATION = re.compile(r"^(?:>|\.\.\.)(?:\s|$)")
"""A shell's `>` or Python's `...`: a continuation only of a command still open (a trailing
`\\`, an open quote; any line after `>>>`): after a whole one, output or a console's prompt."""
SQL_LANGS = {"sql", "psql", "pgsql", "plpgsql", "postgres", "postgresql", "mysql", "sqlite"}
SCRIPT_CONSOLE_LANGS = {"ruby", "rb", "irb", "pry", "python", "py", "python3", "pycon", "ipython"}
_OPTION = re.compile(r"\s--?[a-z][\w-]*(?:[=\s]|$)")
"""A command-line option (`-n`, `--target=x`): a line shaped like a command that has one is
read as a command even when its program is unknown."""
_CHATOPS = re.compile(r"^[/!][a-z][\w-]*(?:\s+\S+)+\s*$")
"""A chat-ops command: `/runner run stop blue`, `!ic page`."""
_COMMAND_START = re.compile(
    r"^(?:<(?:\s+[\w./~-]+|[\w~-]*[./][\w./~-]*)\s+)?(?:sudo\s+)?"
    r"(?:(?:\.{1,2}/|~/|(?:\.{1,2}|~)?(?:/[\w.+-]+)+/|(?:[\w.+-]+/)+)"
    r"(?=[a-z][\w+-]*(?:\.(?:sh|py|rb|pl))?(?:\s|$)"
    r"|[a-z][\w.+-]*\s))?[a-z][a-z0-9_.+-]*(?:\s|$)"
)
"""A line opening like a command, perhaps after its input's redirection (`< list.txt xargs rm`;
not a placeholder `<output of x>`), its program perhaps by its path (`/opt/gitlab/embedded/bin/
pgbench -i`, `./bin/rails x`; a path alone is a command only when it names a program or a
script, not a file such as `/home/me/.gnupg/pubring.kbx`)."""
_ASSIGNMENT = re.compile(r"^(?:export\s+)?[A-Za-z_][A-Za-z0-9_]*=")
_PURE_ASSIGNMENT = re.compile(r"^(?:export\s+)?[A-Za-z_][A-Za-z0-9_]*=\S*$")
_QUOTED_OR_PLACEHOLDER = re.compile(r"'[^']*'|\"[^\"]*\"|<[^<>]*>")
_SHELL_NOOPS = {
    "exit",
    "cd",
    "clear",
    "logout",
    "set",
    "umask",
    "ulimit",
    "alias",
    "unalias",
    "shopt",
    "trap",
    "declare",
    "typeset",
    "readonly",
    "unset",
    "source",
    ".",
    "echo",
    "printf",
    "local",
    "shift",
    "return",
    "true",
    "false",
    ":",
    "}",
}
_COMPOUND_OPEN = {
    "for": "done",
    "while": "done",
    "until": "done",
    "if": "fi",
    "case": "esac",
    "function": "}",
}
_FUNCTION_DEFINITION = re.compile(r"^[A-Za-z_][\w-]*\s*\(\)\s*\{?\s*$")
_TABLE_HEADER = re.compile(r"^[A-Z][A-Z0-9_()%/.-]*(?:\s{2,}[A-Z][A-Z0-9_()%/. -]*){1,}$")
_COLUMNS = re.compile(r"\S+(?:\s{2,}\S+){2,}")


_BLANKS = re.compile(r"[ \t\n\r\f\v]+")
_CONTINUATION = re.compile(r"\\[ \t\n\r\f\v]+")


def _join_continuations(text: str) -> str:
    return _words(_CONTINUATION.sub(" ", text).rstrip("\\"))


def _words(command: str) -> str:
    """A command's words joined by single spaces. Words break on blanks only, as in sh: a
    no-break or other Unicode space stays inside its word, so `oc<U+00A0>delete` is never the
    program `oc` with an argument `delete`."""
    return _BLANKS.sub(" ", command).strip(" ")


def _commands(
    block: Block,
    known: frozenset[str],
    asked: bool = False,
    described: bool = False,
    context: list[tuple[list[CodeLine], str]] | None = None,
) -> Iterator[tuple[list[CodeLine], str]]:
    """Commands in a code block: (source lines with prompts stripped, normalised text).

    A block with console prompts (`$`, `PS>`, `[ env ] name>`, `name=#`, irb, pry, `mysql>`,
    `>>>`) holds the prompted lines and their continuations; everything else in it is output.
    Without prompts: SQL statements, a Ruby or Python script (one step), or shell lines; a
    block tagged as output or data (`text`, `json`, `yaml`...) holds none. `asked`: the text
    before the block asks to run it, so every line shaped like a command is one, its program
    known or not; `described`: the text before only introduces the block ("The pipeline did
    this:"), so an unknown program opening it is not taken for a command. Shell lines that
    only set the working directory or environment (`cd x`, `export A=b`) are no commands:
    they are added to `context`, when given."""
    language = _language(block)
    lines = list(block.lines)
    commented = language in SCRIPT_CONSOLE_LANGS  # `# find ...` is a Ruby or Python comment
    if any(_STRONG_PROMPT.match(line.text.lstrip()) for line in lines) or (
        not commented and _weakly_prompted(lines, known)
    ):
        yield from _prompted(lines, context)
    elif language in SQL_LANGS or (language == "" and _sql_script(lines)):
        yield from _statements(lines)
    elif language in SCRIPT_CONSOLE_LANGS and any(_RESULT.match(line.text) for line in lines):
        yield from _transcript(lines)
    elif (language in SCRIPT_CONSOLE_LANGS or language == "") and _console_prompted(lines):
        for line in lines:
            if _CONSOLE_PROMPT.match(line.text.lstrip()):
                statement = _after_prompt(line)
                if statement.text and not statement.text.startswith("#"):
                    yield [statement], _words(statement.text)
    elif language in SCRIPT_CONSOLE_LANGS:
        body = [line for line in lines if line.text.strip()]
        if any(not line.text.lstrip().startswith("#") for line in body):  # not only comments
            yield (
                [_strip_indent(line) for line in body],
                " ".join(_words(line.text) for line in body),
            )
    elif language == "" and _code_statements(lines):
        yield from _code_groups(lines)
    elif language in SHELL_LANGS:
        untagged = language == "" and not described
        yield from _unprompted(lines, asked or language in SCRIPT_LANGS, known, untagged, context)


_RESULT = re.compile(r"^\s*(?:#\s*)?=>")
"""A console result shown after a statement: `# => 42`, `=> #<Queue ...>`."""


def _transcript(lines: list[CodeLine]) -> Iterator[tuple[list[CodeLine], str]]:
    """A console session written out (statements, each with its `# =>` result): every
    statement is a step of its own; the results and the blank lines between are not."""
    group: list[CodeLine] = []
    for line in [*lines, CodeLine(0, 1, "")]:
        if line.text.strip() and not _RESULT.match(line.text):
            group.append(_strip_indent(line))
        elif group:
            yield group, " ".join(_words(c.text) for c in group)
            group = []


_CONSOLE_PROMPT = re.compile(r"^>\s+")
_CODE_STATEMENT = re.compile(
    r"^(?:[a-z_]\w*\s*=\s*)?(?:(?:::)?[A-Z]\w*(?:::[A-Z]\w*)+\.[a-z_]\w*[!?]?"
    r"|[A-Za-z_]\w*\.[a-z_]\w*[!?]?\()"
)
"""A statement of program code, not a shell line nor output: a method called on a namespaced
constant (`Sidekiq::Queue.new`), or with arguments on a class or an object
(`Invoice.where(...)`, `user.update!(...)`)."""


def _code_statements(lines: list[CodeLine]) -> bool:
    """An untagged block whose every line is a code statement, or that is one Ruby block
    opened on a call (`Invoice.where(x).each do |i|` ... `end`): commands for a console, to
    be run one by one (output shown as a result is never shaped like a call)."""
    body = [line.text.strip() for line in lines if line.text.strip()]
    if not body:
        return False
    one_block = bool(_RUBY_BLOCK_OPEN.search(body[0])) and body[-1] == "end"
    return all(_CODE_STATEMENT.match(text) for text in body[: 1 if one_block else None])


def _code_groups(lines: list[CodeLine]) -> Iterator[tuple[list[CodeLine], str]]:
    """The statements of console code, a Ruby `do ... end` block as one."""
    group: list[CodeLine] = []
    for line in lines:
        if line.text.strip():
            group.append(_strip_indent(line))
        if group and not _open_ruby_blocks(group):
            yield group, " ".join(_words(c.text) for c in group)
            group = []
    if group:
        yield group, " ".join(_words(c.text) for c in group)


def _console_prompted(lines: list[CodeLine]) -> bool:
    """Every statement of a console block behind a bare `>` prompt (`> user.save!`), perhaps
    each with its result (`=> #<Project id:1>`)."""
    body = [line.text.lstrip() for line in lines if line.text.strip()]
    prompted = [text for text in body if _CONSOLE_PROMPT.match(text)]
    return bool(prompted) and all(_CONSOLE_PROMPT.match(t) or _RESULT.match(t) for t in body)


def _after_prompt(line: CodeLine) -> CodeLine:
    """The statement after a line's `>` prompt."""
    stripped = line.text.lstrip()
    prompt = _CONSOLE_PROMPT.match(stripped)
    assert prompt is not None  # `_console_prompted`: every line has one
    offset = len(line.text) - len(stripped) + prompt.end()
    return CodeLine(line.line, line.column + offset, stripped[prompt.end() :].rstrip())


_RUN_OR_WATCH = re.compile(
    r"\b(?:run|check|watch|query|quer(?:y|ied|ies)|execut|graph|plot|monitor|look|view|use)\w*",
    re.IGNORECASE,
)
QUERY_LANGS = {"promql", "logql", "metricsql"}
"""Blocks of metric or log queries, to run in a metrics console (not a shell)."""
_QUERY_TOKEN = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+){2,}")


def _query_block(block: Block) -> bool:
    """A block that holds one metric or log query: tagged `promql` (or `logql`...), or a
    shell-like block whose every line reads as PromQL."""
    language = _language(block)
    if language in QUERY_LANGS:
        return any(line.text.strip() for line in block.lines)
    return language in SHELL_LANGS and _only_queries(list(block.lines))


def _query(blocks: list[Block], index: int) -> list[tuple[list[CodeLine], str]]:
    """A query block's one query (all its lines) when the paragraph before it asks to run or
    watch it ("Check the usage with this query:"), else nothing: a query shown alone is
    often the alert's own expression, not something to run."""
    block, before = blocks[index], blocks[index - 1] if index else None
    if not _query_block(block) or before is None or before.kind != "paragraph":
        return []
    if not (_instructional(before.text) or _RUN_OR_WATCH.search(before.text)):
        return []
    body = [_strip_indent(line) for line in block.lines if line.text.strip()]
    return [(body, " ".join(_words(line.text) for line in body))]


def _only_queries(lines: list[CodeLine]) -> bool:
    """A block whose every line is a PromQL expression (`sum(rate(x_total[5m]))`,
    `(a_b_c / d_e_f) * 100`, a bare metric name): queries to run, not shell output."""
    body = [line.text.strip() for line in lines if line.text.strip()]
    return bool(body) and all(_is_query(text) for text in body)


_SHELL_SEPARATOR = re.compile(r";|&&|\|\|")
"""Shell, never PromQL or LogQL: `count = 3; oc delete pod x` runs `oc`, it is no query."""


def _is_query(text: str) -> bool:
    if _SHELL_SEPARATOR.search(text):
        return False
    first = re.split(r"[\s({\[]", text, maxsplit=1)[0]
    if first in PROMQL_WORDS or _METRIC_NAME.match(first):
        return True
    return text.startswith("(") and _QUERY_TOKEN.search(text) is not None


def _prompted(
    lines: list[CodeLine], context: list[tuple[list[CodeLine], str]] | None = None
) -> Iterator[tuple[list[CodeLine], str]]:
    """Prompted lines with their continuations (a trailing `\\`, an open quote or construct,
    a heredoc, or a continuation prompt such as `>`, `...`, `->`, `name-#`). After a
    command that opens a root shell (`sudo su`, `sudo -i`), `# ` is the root prompt."""
    index = 0
    root = False
    while index < len(lines):
        stripped = lines[index].text.lstrip()
        prompt = (
            _STRONG_PROMPT.match(stripped)
            or _weak_prompt(stripped)
            or (_ROOT_PROMPT.match(stripped) if root else None)
        )
        index += 1
        if not prompt or not stripped[prompt.end() :].strip():
            continue
        line = lines[index - 1]
        offset = len(line.text) - len(stripped) + prompt.end()
        group = [CodeLine(line.line, line.column + offset, stripped[prompt.end() :].rstrip())]
        python = stripped.startswith(">>>")
        while index < len(lines):
            following = lines[index].text.lstrip()
            more = CONTINUATION_PROMPT.match(following)
            ambiguous = more and _AMBIGUOUS_CONTINUATION.match(following) and not python
            if (more is None or ambiguous) and not _continues(group):
                break  # `> Profile URL: ...`, `... your key ...` after a whole command
            cut = more.end() if more else 0
            piece = lines[index]
            start = piece.column + len(piece.text) - len(following) + cut
            group.append(CodeLine(piece.line, start, following[cut:].rstrip()))
            index += 1
        group = [c for c in group if c.text]
        inner = group_of(group[0].text) if len(group) == 1 and group[0].text[:1] in "({" else None
        if inner is not None:  # `$ (kubectl delete pod x)`: the commands inside the brackets
            first = group[0]
            group = [
                CodeLine(
                    first.line, first.column + inner.start, first.text[inner.start : inner.end]
                )
            ]
        text = " ".join(_words(c.text) for c in group)
        root = root or _ROOT_SHELL.match(text) is not None
        sets = None if inner is not None and inner.subshell else context
        if text and not _not_a_command(group, text, sets):
            yield group, text


_ROOT_SHELL = re.compile(
    r"^(?:sudo\s+(?:-[is]|su\b|bash\b|-u\s+root\s+(?:-i|bash))|su(?:\s+-)?\s*$)"
)
"""A command that opens a root shell: the `# ` lines after it are its prompts."""
_ROOT_PROMPT = re.compile(r"^#\s+(?=[a-z/.~])")


def _weakly_prompted(lines: list[CodeLine], known: frozenset[str]) -> bool:
    """Commands behind `#` or `>` prompts, every other line output (not a command)."""
    weak = False
    for line in lines:
        text = line.text.strip()
        if _weak_prompt(text):
            weak = True
        elif text and text.split(" ")[0] in known:
            return False
    return weak


def _weak_prompt(text: str) -> re.Match[str] | None:
    """`# cmd` or `> cmd`: a prompt only before a known program (else a comment or a quote)."""
    prompt = _WEAK_PROMPT.match(text)
    if prompt is None:
        return None
    first = text[prompt.end() :].split(" ")[0]
    return prompt if first in COMMON_PROGRAMS else None


_SQL_START = re.compile(
    r"(?:SELECT|UPDATE|DELETE|INSERT|ALTER|DROP|TRUNCATE|CREATE|WITH|VACUUM|ANALYZE|EXPLAIN"
    r"|GRANT|REVOKE|BEGIN|COMMIT|ROLLBACK|REINDEX|CLUSTER|SHOW|SET)\b",
    re.IGNORECASE,
)


def _sql_script(lines: list[CodeLine]) -> bool:
    """An untagged block of SQL: it opens with a statement keyword (`SELECT`, `delete`, `show`)
    and ends its statement with `;` (a psql result such as `DELETE 3` does not)."""
    body = [t for t in (line.text.strip() for line in lines) if t and not t.startswith("--")]
    return bool(body) and bool(_SQL_START.match(body[0])) and body[-1].endswith(";")


_TRAILING_SQL_COMMENT = re.compile(r"\s+--(?:\s.*)?$")


def _uncommented(line: str) -> str:
    """A SQL line without the `-- comment` that ends it (not a `--` inside quotes)."""
    found = _TRAILING_SQL_COMMENT.search(line)
    if found is None:
        return line
    before = line[: found.start()]
    if before.count("'") % 2 or before.count('"') % 2:
        return line
    return before.rstrip()


def _statements(lines: list[CodeLine]) -> Iterator[tuple[list[CodeLine], str]]:
    """SQL statements, each up to its `;` (or the end of the block); `--` comments between
    statements skipped (one inside a statement is part of its text, as in the source)."""
    group: list[CodeLine] = []
    for line in lines:
        stripped = line.text.strip()
        if not stripped or (stripped.startswith("--") and not group):
            continue
        group.append(_strip_indent(line))
        if _uncommented(stripped).endswith(";"):  # "SELECT pg_sleep(60); -- 1 minute"
            yield group, " ".join(_words(c.text) for c in group)
            group = []
    if group:
        yield group, " ".join(_words(c.text) for c in group)


def _unprompted(
    lines: list[CodeLine],
    script: bool,
    known: frozenset[str],
    untagged: bool = False,
    context: list[tuple[list[CodeLine], str]] | None = None,
) -> Iterator[tuple[list[CodeLine], str]]:
    """Shell lines without prompts; example output pasted under them is skipped. A block
    whose every line is shaped like a command is a script: each line counts. In a block with
    no language tag, the first line is a command when shaped like one (see `_opens_block`)."""
    shaped = [_command_line(line, False) for line in _first_lines(lines)]
    script = script or (
        bool(shaped)
        and all(c is not None for c in shaped)
        and any(
            _words(c.text).split(" ")[0] in known or _OPTION.search(c.text)
            for c in shaped
            if c is not None
        )
    )
    in_output = False
    index = 0
    first = True  # no line before it in the block: it cannot be output of a command
    while index < len(lines):
        line = lines[index]
        index += 1
        in_output = _output_continues(line.text, in_output, known)
        opens = untagged and first and bool(line.text.strip())
        after_command = not first
        first = first and not line.text.strip()
        if in_output or (after_command and _reads_as_output(line.text, known)):
            continue
        command = _command_line(line, False)
        if command is None or not _looks_like_command(command.text, script, known):
            if not (_runs_known_later(line.text, known) or (opens and _opens_block(command))):
                continue
            command = _strip_indent(line)
        group = [command]
        while index < len(lines) and _continues(group):
            if lines[index].text.lstrip().startswith("#") and group[-1].text.endswith("\\"):
                break  # a comment after a backslash ends the command, as in the shell
            group.append(_strip_indent(lines[index]))
            index += 1
        text = " ".join(_words(c.text) for c in group)
        # what a subshell sets ends with it: `(cd /srv)` is no context of the lines after it
        sets = None if _subshell(line.text) else context
        if not _not_a_command(group, text, sets):
            yield group, text


_ACTING_WORDS = DESTRUCTIVE_PROGRAM_WORDS | WRITE_PROGRAM_WORDS


def _reads_as_output(text: str, known: frozenset[str]) -> bool:
    """A line under a command that reads as a sentence (`no resources found`, `(no resources
    found)`) and opens with no known program: what the command printed, or a note, not a
    command of its own. A line opening with a word that acts (`reboot the host now`, `drop
    the table`) stays a command: a destructive one is never lost as output."""
    words = text.strip().lstrip("(").split()
    return (
        bool(words)
        and words[0] not in known
        and words[0].lower() not in _ACTING_WORDS
        and reads_as_sentence(text)
    )


def _subshell(text: str) -> bool:
    """Whether a line is one `( ... )` subshell."""
    group = group_of(text.strip()) if text.lstrip()[:1] == "(" else None
    return group is not None and group.subshell


_PROGRAM_AND_WORD = re.compile(
    r"^(?:sudo\s+)?(?:(?:\.{1,2}|~)?/?(?:[\w.+-]+/)+)?(?P<program>[a-z][\w.+-]*)\s+"
    r"(?:(?!(?:to|the|a|an|of|in|on|for|is|are|was|were|not|no|and|or|with|from|at|by|be|has"
    r"|have|had|can|will|did|does)\b)[a-z][\w:.-]*(?<![:.])(?:\s|$)"
    r"|(?<!\bsee\s)(?<!\bread\s)(?<!\bcheck\s)(?<!\buse\s)(?<!\bin\s)(?<!\bat\s)"
    r"(?<!\bfile\s)(?<!\bpath\s)(?<!\berror\s)(?<!\bwarning\s)(?<!\bnote\s)"
    r"(?P<argument>--?[a-z][\w-]*(?:[=\s]|$)|\.{0,2}/?[\w.-]+/[\w./-]*\.[a-z]{1,4}(?:\s|$)))"
)
"""A program and its sub-command (`ckan dataset purge NAME`, `ykman fido access change-pin`),
an option (`gitlab-psql -qtc "SELECT ..."`) or a script's path (`sh scripts/parse.sh -f x`),
not words of a sentence (`connection to the server refused`)."""


def _opens_block(command: CodeLine | None) -> bool:
    """The first line of an untagged block shaped like a program and its sub-command, an
    option or a script: nothing ran before it in the block, so it is no output but a command,
    its program known or not."""
    if command is None:
        return False
    found = _PROGRAM_AND_WORD.match(command.text)
    if found is None or found.group("program") in PROMQL_WORDS:
        return False
    # a host name before a path is a monitoring line ("lb7.example.com HAProxy/worker4 is ...")
    return found.group("argument") is None or found.group("program").count(".") < 2


def _first_lines(lines: list[CodeLine]) -> list[CodeLine]:
    """The first line of each command line of a block: a line continued by a trailing `\\`
    carries the next one (`mysql -h db \\` over `  -u admin -p \\`), which is no line of its
    own."""
    firsts: list[CodeLine] = []
    continued = False
    for line in lines:
        if line.text.strip() and not continued:
            firsts.append(line)
        continued = line.text.rstrip().endswith("\\")
    return firsts


def _output_continues(text: str, in_output: bool, known: frozenset[str]) -> bool:
    """Example output pasted under unprompted commands: a table header starts it, a blank
    line ends it; columnar rows not starting with a known program are output too."""
    stripped = text.strip()
    if not stripped:
        return False
    if in_output or _TABLE_HEADER.match(stripped):
        return True
    return bool(_COLUMNS.fullmatch(stripped)) and stripped.split()[0] not in known


_CONTEXT_PROGRAMS = frozenset(
    {"cd", "pushd", "popd", "export", "unset", "source", ".", "exit", "logout", "set", "umask",
     "ulimit", "alias", "unalias", "shopt", "trap", "declare", "typeset", "readonly"}
)  # fmt: skip
"""Shell built-ins that change where, or with what, the commands after them run (`exit`
leaves the shell an `ssh HOST` or `sudo su -` opened; `umask 077`, `set -a`, `ulimit -n`,
`alias kubectl=...`, `trap ... EXIT` change how they run, `declare -x A=b` exports: the
executor replays what it can exactly and refuses the rest)."""


def _not_a_command(
    group: list[CodeLine], text: str, context: list[tuple[list[CodeLine], str]] | None
) -> bool:
    """Whether a shell line is no command (see `_does_nothing`); one that sets the working
    directory or environment is added to `context` (when given) rather than dropped, without
    its line breaks (`export A=1 \\` over `B=2` is `export A=1 B=2`)."""
    text = _LINE_BREAK.sub(" ", text)  # `cd my\ dir` keeps its escaped blank
    if not _does_nothing(text):
        return False
    if context is not None and sets_context(text):
        context.append((group, text))
    return True


_LINE_BREAK = re.compile(r"\s+\\\s+")
"""A trailing `\\` of a line joined to the next one: a line break, no character."""


def sets_context(text: str) -> bool:
    """A line that does nothing itself but changes the working directory, environment or shell
    of the commands after it: `cd /srv`, `export KUBECONFIG=~/prod`, `NAME=value`, `source
    .env`, `exit`. A console's meta-command (psql's `\\set FETCH_COUNT 1`) is no shell line."""
    if text.startswith("\\"):
        return False
    programs = _programs(text)
    if programs is None:
        first = _words(text).split(" ")[0]
        return first in _CONTEXT_PROGRAMS or _is_assignment(text)
    return any(program is None or program in _CONTEXT_PROGRAMS for program in programs)


def _does_nothing(text: str) -> bool:
    """A line that only moves, prints or sets (`cd /srv`, `echo done`, `NAME=value`): no step.
    Every command of the line counts, so `cd /srv && rm -rf cache` or `echo y | kubectl
    delete ...` is a step: what runs after the no-op must never be lost."""
    if "$(" in text or "`" in text:
        return False  # a substitution runs its command: `NAME=$(oc get pod ...)`
    if writes_a_file(text):
        return False  # `echo "alias k=kubectl" >> ~/.bashrc` writes a file
    programs = _programs(text)
    if programs is None:
        first = _words(text).split(" ")[0]
        return first in _SHELL_NOOPS or _is_assignment(text)
    return all(program is None or program in _SHELL_NOOPS for program in programs)


def _programs(text: str) -> list[str | None] | None:
    """The program of every command of a shell line, in order (each stage of each pipeline;
    None for a stage that only assigns), or None when the line cannot be split as shell."""
    if _is_assignment(text):
        return [None]
    command = split_pipeline(text)
    if command is None:
        return None
    programs: list[str | None] = []
    for pipeline in [command.stages, *command.followers]:
        for stage in pipeline:
            words = [word for word in stage if not _ASSIGNMENT.match(word)]
            if words[:1] == ["sudo"] or words == ["export"]:
                words = words[1:]
            programs.append(words[0] if words else None)
    return programs


def _runs_known_later(text: str, known: frozenset[str]) -> bool:
    """A line whose first word is no known program but which runs one after a separator or a
    pipe (`count = 3; oc delete pod ledger-0`): a command, not example output."""
    stripped = text.strip()
    if not re.match(r"[A-Za-z_]", stripped):
        return False  # a comment (`# x; rm -rf /`: commented out) or a continued line
    programs = _programs(stripped)
    return programs is not None and any(program in known for program in programs[1:])


def _is_assignment(text: str) -> bool:
    """`NAME=value` alone, with no command substitution: it sets, it does not act. (An
    assignment from `$(...)` runs that command, so it stays a step.)"""
    if "$(" in text or "`" in text:
        return False
    return bool(_PURE_ASSIGNMENT.match(_QUOTED_OR_PLACEHOLDER.sub("x", text)))


def _looks_like_command(text: str, script: bool, known: frozenset[str]) -> bool:
    """Without prompts: skip PromQL and metric names; outside a shell-tagged block, also
    anything that does not start with a known program."""
    first = _words(text).split(" ")[0]
    if _CHATOPS.match(text):
        return True
    if first in PROMQL_WORDS or _METRIC_NAME.match(first) or "{" in first:
        return False
    shell_setting = first in _CONTEXT_PROGRAMS or _ASSIGNMENT.match(text) is not None
    return script or first in known or shell_setting


def _command_line(line: CodeLine, prompted: bool) -> CodeLine | None:
    """An unprompted line that starts like a command (a program, an assignment, a chat-ops
    `/command` or `!command`); `prompted` is kept for callers and ignored."""
    stripped = line.text.lstrip()
    offset = len(line.text) - len(stripped)
    if _CHATOPS.match(stripped):
        return CodeLine(line.line, line.column + offset, stripped.rstrip())
    if not stripped or stripped.startswith("#"):
        return None
    group = group_of(stripped) if stripped[:1] in "({" else None
    if group is not None:  # `(kubectl delete pod x)`: its commands, never output
        stripped, offset = stripped[group.start : group.end], offset + group.start
    elif (opening := leading_group(stripped)) is not None:
        # `(cd /srv && kubectl delete pod x) && ...`: the whole line, never output
        inner = stripped[opening.start : opening.end]
        if _COMMAND_START.match(inner) or _ASSIGNMENT.match(inner):
            return CodeLine(line.line, line.column + offset, stripped.rstrip())
    if not (_COMMAND_START.match(stripped) or _ASSIGNMENT.match(stripped)):
        return None
    return CodeLine(line.line, line.column + offset, stripped.rstrip())


def _strip_indent(line: CodeLine) -> CodeLine:
    stripped = line.text.lstrip()
    return CodeLine(line.line, line.column + len(line.text) - len(stripped), stripped.rstrip())


_HEREDOC = re.compile(r"<<-?\s*[\'\"]?(?P<tag>[A-Za-z_]\w*)[\'\"]?")


def _continues(group: list[CodeLine]) -> bool:
    """Whether the next source line belongs to the command: backslash, open quote, compound."""
    text = "\n".join(c.text for c in group)
    first_word = _words(group[0].text).split(" ")[0]
    if first_word not in _COMPOUND_OPEN and _open_ruby_blocks(group):
        return len(group) < 50  # `u.projects.each do |p|` ... `end`: one statement
    if text.endswith("\\") or text.endswith("|") or text.endswith("&&") or text.endswith("||"):
        return True
    heredoc = _HEREDOC.search(group[0].text)
    if heredoc and not any(c.text.strip() == heredoc.group("tag") for c in group[1:]):
        return len(group) < 200
    piped = _PIPED_COMPOUND.search(group[0].text)  # `cat hosts | while read h; do`
    closer = _COMPOUND_OPEN.get(first_word) or (piped and _COMPOUND_OPEN[piped.group(1)])
    if _FUNCTION_DEFINITION.match(group[0].text):
        closer = "}"
    if closer and not re.search(rf"(?:^|[;\s]){closer}\s*;?\s*$", text):
        return len(group) < 50
    if text.count("$(") > text.count(")"):
        return len(group) < 20  # `X=$(oc get routes/y` / `--no-headers | awk '{print $2}')`
    return _open_quote(text)


_PIPED_COMPOUND = re.compile(r"[|;&]\s*(for|while|until)\b(?=.*;\s*do\s*$)")
_RUBY_BLOCK_OPEN = re.compile(r"(?:\.\w+[!?]?(?:\([^)]*\))?|\bloop)\s+do\s*$|\bdo\s*\|[^|]*\|\s*$")
"""A Ruby block opened on a method (`.each do`, `.find_each(batch_size: 100) do`, `loop do`) or
with its parameters (`do |p|`); a shell's `while read x; do` is closed by `done`, not `end`."""
_RUBY_BLOCK_END = re.compile(r"end\b(?![\w=])")


def _open_ruby_blocks(group: list[CodeLine]) -> bool:
    """Whether a Ruby `do ... end` block opened in the lines is not closed yet."""
    opened = sum(1 for c in group if _RUBY_BLOCK_OPEN.search(c.text))
    closed = sum(1 for c in group if _RUBY_BLOCK_END.match(c.text.strip()))
    return opened > closed


def _open_quote(text: str) -> bool:
    single = double = False
    escaped = False
    for char in text:
        if escaped:
            escaped = False
        elif char == "\\" and not single:
            escaped = True
        elif char == "'" and not double:
            single = not single
        elif char == '"' and not single:
            double = not double
    return single or double


def reads_as_script(block: Block, known: frozenset[str]) -> bool:
    """Whether every line of a block is part of a command or sets the context of one: a
    script, whatever the words before it call it. Two lines at least (one line of output can
    look like anything)."""
    lines = list(block.lines)
    body = {line.line for line in lines if line.text.strip()}
    context: list[tuple[list[CodeLine], str]] = []
    commands = [
        (group, text)
        for group, text in _unprompted(lines, False, known, context=context)
        if _runs_a_program(text, known)
    ]
    covered = {c.line for group, _ in [*commands, *context] for c in group}
    return len(body) > 1 and bool(commands) and body <= covered


def _runs_a_program(text: str, known: frozenset[str]) -> bool:
    """A command line whose program is known, given by its path, or a shell construct."""
    first = _words(text).removeprefix("sudo ").split(" ")[0]
    return first in known or first in _COMPOUND_OPEN or first.startswith(("/", "./", "~/"))


def _language(block: Block) -> str:
    """A code block's language tag, lower case (`bash` of "```{.bash}", "" untagged)."""
    return block.info.split(" ")[0].lower().strip("{}.")


def _shell_line(text: str, block: Block) -> tuple[str, bool] | None:
    """A code line read as shell: its words after any console prompt, and whether it had one;
    None outside a prompt and a shell block."""
    stripped = text.strip()
    prompt = _STRONG_PROMPT.match(stripped)
    if prompt is None and _language(block) not in SHELL_LANGS:
        return None
    return (stripped[prompt.end() :].strip() if prompt else stripped), prompt is not None


def is_context_line(text: str, block: Block) -> bool:
    """Whether a code line sets the working directory or environment of the commands after it
    (`$ cd /srv`, `export A=b`; see `sets_context`): behind a prompt, or in a shell block."""
    line = _shell_line(text, block)
    return line is not None and bool(line[0]) and _does_nothing(line[0]) and sets_context(line[0])


def looks_like_command_line(text: str, block: Block, known: frozenset[str]) -> bool:
    """Whether a code line reads as a command to run: behind a console prompt, or a known
    program in a block not tagged as output or data."""
    line = _shell_line(text, block)
    if line is None or not line[0] or _does_nothing(line[0]):
        return False
    body, prompted = line
    first = _words(body.removeprefix("sudo ")).split(" ")[0]
    return prompted or (first in known and " " in body)
