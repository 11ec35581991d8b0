"""Shell words: a command line split into argv pipelines, as sh would split it, with its
`$(...)` substitutions taken out and redirections dropped."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class ShellCommand:
    """A command line: the pipeline of its first command, the pipelines of the commands run
    after it (`;`, `&&`, `||`), and its $(...) substitutions, taken out. Redirections are
    dropped."""

    stages: list[list[str]]
    followers: list[list[list[str]]]
    substitutions: list[str]


CONTINUATION_PROMPT = re.compile(
    r"^(?:>|\.\.\.|->|[\w-]+-[#>(']|irb\([^)]*\)(?:(?::\d+)+\*|:\d+:0*[1-9]\d*>))(?:\s+|$)"
)
"""A console's continuation prompt at the start of a command's later line: a shell's `>`,
Python's `...`, MySQL's `->`, psql's `name-#`, irb's `irb(main):005:1*` or, inside a block,
`irb(main):006:1>` (nesting level 1 or more). It is no part of the command."""

TYPED_AT_PROMPT = re.compile(r"\s*(?:[^\s<]\S*\s*)?[$#>%\u276f]\s")
"""A console line typed at a prompt, whatever the console (`$ oc get pods`, `web-01 $ sudo x`,
`10.0.0.1:6379> auth <password>`, `gpg> expire`): typed, not printed. A line that opens with
`<name>` (`<n> = key expires in n days`) is no prompt."""

_SEPARATORS = ("&&", "||", ";", "&")
_REDIRECT = re.compile(
    r"(?<!\S)(?:\d|&)?(?:>>?|<(?![\w-][^<>]*>))(?:&\d+|\s*[^\s|;&<>]+)|(?<=\s)#.*$"
)


_WRITES_A_FILE = re.compile(r"(?<![0-9&<>=-])>{1,2}\s*(?!\s*(?:/dev/null|&))[\w/.$~\"']")
_QUOTED_OR_PLACEHOLDER = re.compile(r"'[^']*'|\"(?:\\.|[^\"\\])*\"|<[^<>\s][^<>]*>")


def writes_a_file(command: str) -> bool:
    """Whether a command redirects its output into a file (`echo x >> ~/.rc`): it writes,
    whatever tool it is. A `>` inside quotes or closing a placeholder (`'<pod name>'`) is none."""
    return _WRITES_A_FILE.search(_QUOTED_OR_PLACEHOLDER.sub("x", command)) is not None


_SED_ARGUMENT_LETTERS = frozenset("efl")
_OUTPUT_OPTIONS = ("-o", "--output")
_UNIQ_VALUE_OPTIONS = frozenset(
    {"-f", "-s", "-w", "--skip-fields", "--skip-chars", "--check-chars"}
)
_GZIP_TO_STDOUT = frozenset({"-c", "--stdout", "--to-stdout", "-t", "--test", "-l", "--list"})


def edits_files(argv: list[str]) -> bool:
    """Whether a text filter run this way writes files instead of only printing: `sed -i`,
    `awk -i inplace`, `yq -i`, `sort -o FILE`, `uniq IN OUT`, `gzip FILE` (which replaces it).
    Such a command is no read-only filter, whatever list it is on."""
    if not argv:
        return False
    program, options = argv[0].rsplit("/", 1)[-1], _options_of(argv[1:])
    if program == "sed":
        return any(_sed_in_place(word) for word in options)
    if program in ("awk", "gawk"):
        return "inplace" in " ".join(argv[1:]) and any(
            w.startswith(("-i", "--include")) for w in options
        )
    if program == "yq":
        return any(w in ("-i", "--inplace") or w.startswith("--inplace=") for w in options)
    if program in ("sort", "base64"):
        return any(w.startswith(_OUTPUT_OPTIONS) for w in options)
    if program == "uniq":
        return len(_operands(argv[1:], _UNIQ_VALUE_OPTIONS)) >= 2
    if program in ("gzip", "gunzip"):
        stdout = any(w in _GZIP_TO_STDOUT or _short_cluster_has(w, "ctl") for w in options)
        return not stdout and bool(_operands(argv[1:], frozenset({"-S", "--suffix"})))
    return False


def _options_of(words: list[str]) -> list[str]:
    """The option words before a `--` that ends them."""
    ends = words.index("--") if "--" in words else len(words)
    return [word for word in words[:ends] if word.startswith("-") and word != "-"]


def _operands(words: list[str], value_options: frozenset[str]) -> list[str]:
    """The words that are neither options nor an option's value."""
    operands, skip = [], False
    for word in words:
        if skip:
            skip = False
        elif word.startswith("-") and word != "-":
            skip = word in value_options
        else:
            operands.append(word)
    return operands


def _sed_in_place(word: str) -> bool:
    """`-i`, `-i.bak`, `-ni`, `-Ei`, `-I` (BSD) or `--in-place[=SUFFIX]`; a letter that takes
    a value (`-e`, `-f`, `-l`) ends the cluster."""
    if word.startswith("--"):
        return word == "--in-place" or word.startswith("--in-place=")
    for letter in word[1:]:
        if letter in "iI":
            return True
        if letter in _SED_ARGUMENT_LETTERS:
            return False
    return False


def _short_cluster_has(word: str, letters: str) -> bool:
    return not word.startswith("--") and any(letter in word[1:] for letter in letters)


def split_pipeline(command: str) -> ShellCommand | None:
    """Split a shell command into argv pipelines; None if it cannot be tokenised.

    Each `$(...)` or backtick substitution becomes one `$(...)` word; its text is kept in
    `substitutions` so it can be bound as a command of its own."""
    outer, substitutions = _take_substitutions(command)
    if outer is None:
        return None
    tokens = _tokens(_without_redirects(outer))
    if tokens is None:
        return None
    commands: list[list[list[str]]] = [[[]]]
    for token in tokens:
        if token in _SEPARATORS:
            commands.append([[]])
        elif token == "|":
            commands[-1].append([])
        else:
            commands[-1][-1].append(token)
    pipelines = [[stage for stage in pipeline if stage] for pipeline in commands]
    pipelines = [pipeline for pipeline in pipelines if pipeline]
    if not pipelines:
        return ShellCommand([], [], substitutions)
    return ShellCommand(pipelines[0], pipelines[1:], substitutions)


# Words split on blanks only, as in sh (and shlex): a no-break or other Unicode space is part
# of a word, so `oc<U+00A0>delete` is one word, never the program `oc`.
_TOKEN = re.compile(
    r"""[ \t\r\n]*(?:(?P<op>\|\||&&|[|&;])"""
    r"""|(?P<word>(?:[^ \t\r\n'"\\|&;]+|'[^']*'|"(?:\\.|[^"\\])*"|\\.)+))"""
)
_DOUBLE_QUOTED_ESCAPE = re.compile(r'\\([\\"$`])')
_QUOTED_PART = re.compile(r"""'([^']*)'|"((?:\\.|[^"\\])*)"|\\(.)""")


def _tokens(command: str) -> list[str] | None:
    """Shell words and operators, quotes removed as POSIX sh does; None on unbalanced quotes.

    A regular expression does what shlex does for the commands runbooks contain, several
    times faster; anything it cannot account for falls back to shlex."""
    tokens: list[str] = []
    position = 0
    for match in _TOKEN.finditer(command):
        if match.start() != position:
            return _shlex_tokens(command)
        position = match.end()
        word = match.group("word")
        tokens.append(match.group("op") if word is None else _unquote(word))
    if command[position:].strip(" \t\r\n"):
        return _shlex_tokens(command)
    return tokens


def _unquote(word: str) -> str:
    if not any(char in word for char in "'\"\\"):
        return word
    return _QUOTED_PART.sub(_unquoted_part, word)


def _unquoted_part(match: re.Match[str]) -> str:
    single, double, escaped = match.groups()
    if single is not None:
        return single
    if double is not None:
        return _DOUBLE_QUOTED_ESCAPE.sub(r"\1", double)
    return escaped or ""


def _shlex_tokens(command: str) -> list[str] | None:
    try:
        lexer = shlex.shlex(command, posix=True, punctuation_chars="|&;")
        lexer.whitespace_split = True
        lexer.commenters = ""
        return list(lexer)
    except ValueError:
        return None


def _without_redirects(command: str) -> str:
    """Drop `> file`, `2>&1`, `< in` and trailing `# comments` outside quotes."""
    if not any(char in command for char in "<>#"):
        return command
    if "'" not in command and '"' not in command:
        return _REDIRECT.sub("", command)
    out: list[str] = []
    segment: list[str] = []
    quote = ""
    for char in command:
        if quote:
            out.append(char)
            quote = "" if char == quote else quote
        elif char in "'\"":
            out.append(_REDIRECT.sub("", "".join(segment)))
            segment = []
            out.append(char)
            quote = char
        else:
            segment.append(char)
    out.append(_REDIRECT.sub("", "".join(segment)))
    return "".join(out)


def _take_substitutions(command: str) -> tuple[str | None, list[str]]:
    if "$(" not in command and "`" not in command:
        return command, []
    out: list[str] = []
    found: list[str] = []
    index = 0
    while index < len(command):
        if command.startswith("$(", index) and not command.startswith("$((", index):
            depth, end = 1, index + 2
            while end < len(command) and depth:
                depth += {"(": 1, ")": -1}.get(command[end], 0)
                end += 1
            if depth:
                return None, []
            found.append(command[index + 2 : end - 1].strip())
            out.append("$(...)")
            index = end
        elif command[index] == "`":
            end = command.find("`", index + 1)
            if end < 0:
                return None, []
            found.append(command[index + 1 : end].strip())
            out.append("$(...)")
            index = end + 1
        else:
            out.append(command[index])
            index += 1
    return "".join(out), found


@dataclass(frozen=True)
class Group:
    """A command line that is one `( ... )` subshell or `{ ...; }` group: where the commands
    inside it start and end in the line, and whether it is a subshell (what a `cd` or an
    assignment inside it sets ends with it; inside `{ }` it carries on)."""

    start: int
    end: int
    subshell: bool


def group_of(text: str) -> Group | None:
    """The `( ... )` subshell or `{ ...; }` group a whole line is (`(kubectl delete pod x)`,
    `{ cd /srv; make clean; }`): its commands, without the brackets and a brace group's last
    `;`. None for any other line: `(( n++ ))` (arithmetic), `(a) && (b)` (two groups), `$(x)`,
    `{a,b}` (no blank after `{`, a brace expansion), `{ a }` (no `;`: not closed in sh)."""
    stripped = text.rstrip()
    lead = len(text) - len(text.lstrip())
    stripped = stripped[lead:]
    if stripped[:1] == "(" and stripped[1:2] != "(" and stripped.endswith(")"):
        subshell = True
    elif stripped[:2] in ("{ ", "{\t") and stripped.endswith("}"):
        subshell = False
    else:
        return None
    if _closing(stripped) != len(stripped) - 1:
        return None
    body = stripped[1:-1]
    start = lead + 1 + len(body) - len(body.lstrip())
    body = body.strip()
    if not subshell:
        if not body.endswith((";", "&")) or body.endswith(("&&", ";;")):
            return None
        body = body[:-1].rstrip() if body.endswith(";") else body
    if not body:
        return None
    return Group(start=start, end=start + len(body), subshell=subshell)


def leading_group(text: str) -> Group | None:
    """The `( ... )` subshell or `{ ...; }` group a line opens with when commands follow it
    after a shell operator (`(cd /srv && make clean) && make`, `{ a; b; } | tee log`); None
    otherwise (a whole-line group is `group_of`'s)."""
    stripped = text.strip()
    if stripped[:1] not in "({":
        return None
    close = _closing(stripped)
    if close < 0 or not stripped[close + 1 :].lstrip().startswith(("&&", "||", "|", ";", ">")):
        return None
    return group_of(stripped[: close + 1])


def _closing(text: str) -> int:
    """Where the bracket opening `text` closes (quotes and `$(...)` read as sh reads them), or
    -1 when it does not."""
    opener = text[0]
    closer = ")" if opener == "(" else "}"
    quote, depth, index = "", 0, 0
    while index < len(text):
        char = text[index]
        if char == "\\" and quote != "'":
            index += 2
            continue
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"`":
            quote = char
        elif char == opener or (char in "({" and index and text[index - 1] == "$"):
            depth += 1
        elif char == closer or (char in ")}" and depth > 1):
            depth -= 1
            if depth == 0:
                return index
        index += 1
    return -1


def top_level(text: str, start: int = 0, stop: int | None = None) -> Iterator[tuple[int, bool]]:
    """Each position of `text[start:stop]` a shell reads a character at, with whether it is at
    the line's top level: outside quotes, backquotes, `$(...)` and `${...}`. A `\\` and the
    character it escapes are one position (the backslash's); a quote or an opening `$(` is at
    the level around it."""
    end = len(text) if stop is None else stop
    quote, depth, index = "", 0, start
    while index < end:
        char = text[index]
        yield index, not quote and not depth
        if char == "\\" and quote != "'":
            index += 2
            continue
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"`":
            quote = char
        elif text.startswith(("$(", "${"), index):
            depth += 1
            index += 1
        elif char in ")}" and depth:
            depth -= 1
        index += 1


_FUNCTION_WORDS = frozenset(
    {"a", "an", "the", "no", "not", "is", "are", "was", "were", "be", "been", "has", "have",
     "had", "of", "to", "in", "on", "at", "by", "from", "with", "for", "and", "or", "this",
     "that", "it", "there", "yet", "any", "will", "would", "could", "should", "can",
     "cannot", "did", "does", "do", "than", "into", "your", "our", "their", "its", "those",
     "these", "may", "must", "might", "shall", "am", "being", "about", "without", "within"}
)  # fmt: skip
"""Closed-class words of an English sentence (articles, negation, auxiliaries, prepositions,
conjunctions): a line of plain words with one of them reads as a sentence, not a command."""
_PLAIN_WORD = re.compile(r"[A-Za-z][a-z]*(?:['\u2019-][a-z]+)*[.,;:!?]?")
_SHELL_KEYWORDS = frozenset(
    {"for", "while", "until", "if", "then", "else", "elif", "fi", "do", "done", "case", "esac",
     "select", "function", "time", "in"}
)  # fmt: skip


def reads_as_sentence(line: str) -> bool:
    """Whether a line in a code block reads as English words rather than a command: `no
    resources found`, `(no resources found)`, `Waiting for the rollout to finish...`. Two
    plain words or more (no option, path, assignment, digit, quote or shell operator), one of
    them a closed-class word of a sentence, the first no shell keyword (`for f in a b`).
    Whether its first word is a known program is for the caller to ask."""
    text = line.strip()
    if text[:1] == "(" and text[-1:] == ")":
        text = text[1:-1].strip()
    text = text.rstrip(".")  # `Waiting for it...`
    words = text.split()
    if len(words) < 2 or words[0].lower() in _SHELL_KEYWORDS:
        return False
    if not all(_PLAIN_WORD.fullmatch(word) for word in words):
        return False
    return any(word.rstrip(".,;:!?").lower() in _FUNCTION_WORDS for word in words)
