"""Draft steps + registry -> bound steps. Precedence: explicit name > command > alias > llm.

Binding records what it found (including what went wrong) as data; the binding rules in
`compiler.rules.binding` turn that data into diagnostics.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from itertools import pairwise

from compiler.extract import DraftStep
from compiler.issues import BindingIssue as BindingIssue
from compiler.parse import InlineCode
from compiler.placeholders import is_placeholder
from compiler.records import Effect, Span, ToolBinding
from compiler.registry import Registry, Tool
from compiler.text.console_code import code_effect, is_console_code
from compiler.text.effect_words import (
    DESTRUCTIVE_OPTIONS,
    DESTRUCTIVE_PHRASES,
    DESTRUCTIVE_PROGRAM_WORDS,
    DESTRUCTIVE_VERBS,
    OPERAND_READERS,
    PROGRAMS_WITH_SUBCOMMANDS,
    WRITE_PROGRAM_WORDS,
    alternation,
    stem,
)
from compiler.text.instructions import permitted_passive
from compiler.text.shell import edits_files, split_pipeline, writes_a_file
from compiler.text.wrappers import inner_commands, shell_commands
from compiler.values import Value, set_field

_TOOL_IDENTIFIER = re.compile(r"^[a-z][a-z0-9]*(?:[._][a-z0-9]+)+$")
_TOOL_VERB_BEFORE = re.compile(
    r"\b(?:call|calling|invoke|invoking|run|running|execute|executing|trigger|use|using)"
    r"\s+(?:the\s+)?$|\btool\s+$",
    re.IGNORECASE,
)
_NOT_A_TOOL_AFTER = re.compile(
    r"^\s*(?:metric|label|field|annotation|key|parameter|flag|option|setting|variable|value"
    r"|resource|file|object|section|property|attribute|column|query|expression|series|cr)s?\b",
    re.IGNORECASE,
)
_TOOL_AFTER = re.compile(r"^\s*(?:tool|function|action)\b", re.IGNORECASE)
_NAME = r"(?P<name>[a-z][a-z0-9]*(?:[._][a-z0-9]+)+)"
_PROSE_TOOL = (
    re.compile(rf"\b(?i:call|invoke)\s+(?:the\s+)?{_NAME}\b(?![`.\w])"),
    re.compile(rf"(?<![`\w.]){_NAME}\s+(?:tool|function)\b"),
)
"""A tool name written in prose without backticks: "call billing.refund", "the x_y tool"."""


@dataclass(init=False, repr=False, eq=False)
class BoundStep(Value):
    """A draft step with its tool (if any) and the binding issues found."""

    draft: DraftStep
    tool: ToolBinding | None
    definition: Tool | None
    issues: tuple[BindingIssue, ...] = ()
    effect: Effect | None = None
    """The most dangerous effect among a compound command's parts, when it is more dangerous
    than the bound tool's (or there is no tool): `a && b`, `a; b`, `a | b`, HTTP methods, the
    commands a wrapper runs (`sudo`, `ssh HOST CMD`, `X -- CMD`), console code's calls."""

    def __init__(
        self,
        draft: DraftStep,
        tool: ToolBinding | None,
        definition: Tool | None,
        issues: tuple[BindingIssue, ...] = (),
        effect: Effect | None = None,
    ) -> None:
        set_field(self, "draft", draft)
        set_field(self, "tool", tool)
        set_field(self, "definition", definition)
        set_field(self, "issues", issues)
        set_field(self, "effect", effect)


def bind(drafts: list[DraftStep], registry: Registry) -> list[BoundStep]:
    """Bind every draft step against the registry."""
    return [bind_step(draft, registry) for draft in drafts]


def bind_step(draft: DraftStep, registry: Registry) -> BoundStep:
    """Bind one step, trying each binding source in precedence order. A step no command
    binds takes the effect its words name ("Shut down the instance" is destructive)."""
    for attempt in (_explicit, _command, _alias, _llm):
        bound = attempt(draft, registry)
        if bound is not None:
            bound = _checked(_model_touched(bound))
            if draft.command is None and bound.tool is not None:
                return _with_effect(bound, prose_effect(draft))
            return bound
    return _with_effect(BoundStep(draft, None, None), prose_effect(draft))


_PROSE_DESTRUCTIVE_WORDS = DESTRUCTIVE_VERBS | {"overwrite", *DESTRUCTIVE_PHRASES}  # prose only
_PROSE_DESTRUCTIVE_VERBS = alternation(
    _PROSE_DESTRUCTIVE_WORDS,
    {
        "cancel": r"cancel(?:l(?=ed|ing))?",
        # "drop the table", not a drop-down list or "buffer drops are observed"
        "drop": r"drop(?!-?\s?down\b|s\s+(?:are|were|in|of|per)\b)",
        # "stop the service", "stop or restart the workers", not "stop here", "stop and
        # think" or "stop the runbook"
        "stop": r"stop(?=\s+(?:(?:and|or)\s+(?:re)?start\b|(?!here\b|now\b|and\b|or\b"
        r"|then\b|(?:the\s+)?(?:runbook|procedure)\b)\w))",
    },
)
_GERUND = alternation(
    _PROSE_DESTRUCTIVE_WORDS,
    {
        **{verb: stem(verb) for verb in _PROSE_DESTRUCTIVE_WORDS},
        "cancel": "cancell?",
        "drop": "dropp",
        "stop": "stopp",
    },
)
_PROSE_DESTRUCTIVE = re.compile(
    # An "-ing" form is the reader's action only after a verb that proposes it ("consider
    # removing the pod", "try deleting it") or as a second action after a comma ("edit the
    # instance, removing the disk"); elsewhere it names an action ("the reason for stopping
    # Chef", "since terminating a process can ...", "simplifies it by removing ...").
    rf"(?:\b(?:consider|try|start|begin|recommend|suggest)\s+|,\s+)(?:\w+ly\s+)?{_GERUND}ing\b"
    r"|(?<!\bnot )(?<!n't )(?<!\bnever )(?<!\bno )\b(?:"
    rf"{_PROSE_DESTRUCTIVE_VERBS}"
    # "replace the kubeconfig" overwrites it; "replace `<NAME>` with ..." fills a placeholder
    r"|replace(?!\s+(?:`|<|\$|\{|all\s+occurrences|(?:the\s+|each\s+)?(?:placeholder|value|text"
    r"|string|variable|name|word)s?\b))"
    # Scaling down or in stops running instances (scaling up does not).
    r"|scale\s+(?:\S+\s+){0,3}?(?:to|down\s+to)\s+(?:zero|0)\b|scal(?:e|ing)\s+(?:down|in)\b"
    r"|rm\s+-\w*r|force[- ]delete)"
    r"(?:s|d|ed)?\b"
    # A current value overwritten, told as an instruction that names the value:
    # "Change the record from `a.example.` to ...", "then set each record back to `b`".
    r"|(?:^|[,;]\s*|\b(?:and|then)\s+)(?:\w+ly\s+)?(?:(?:change|switch|repoint)\s[^.;:]{0,120}?"
    r"\bfrom|(?:set|change|switch|point)\s[^.;:]{0,120}?\bback\s+to)\s+[`'\"]",
    re.IGNORECASE,
)
"""A destructive verb in an instruction, not negated ("do not delete" is not one), or a
current value overwritten."""


_CHECK_THEN_DESTROY = re.compile(
    # "Find and terminate the old transactions", "Make sure to remove the old directory",
    # "Check the list, then delete stale entries": the bare verb, told to the reader.
    rf"(?:\b(?:and|then)\s+|\bsure\s+to\s+|,\s+(?:then\s+)?)(?:\w+ly\s+)?{_PROSE_DESTRUCTIVE_VERBS}\b"
    # "... and click "Delete""
    r"|\bclick\s+(?:on\s+)?(?:the\s+)?[\"'*`]+(?:delete|destroy|remove|terminate|drop|purge)\b",
    re.IGNORECASE,
)
"""A check that also tells the reader to destroy something (its own words describe what is
looked at; these do not)."""


_DESCRIBED = re.compile(
    r"(?:\b(?:(?:will|would|may|might|can|could)\s+(?:\w+ly\s+)?be|is|are|was|were|been"
    r"|being|gets?|got)\s+(?:\w+ly\s+)?"
    r"|(?<!\bneed )(?<!\bneeds )(?<!\bhas )(?<!\bhave )(?<!\bought )\bto\s+be\s+)$",
    re.IGNORECASE,
)
"""A destructive verb's passive told as what happens or what a thing is for ("the pods will be
deleted", "the host to be removed"), not asked of the reader ("X must be deleted", "needs to
be removed" are)."""

_ONE_WORD = re.compile(r"\w*")


def _own_words(draft: DraftStep) -> str:
    """A sentence without its inline code that holds more than one word (a file
    `/tmp/keys-to-delete.txt`, a command): its commands are read as commands
    (`_asked_inline_code`), and a name is no verb; a lone word in code (a button, `Delete`) is
    still read."""
    text = draft.text
    for code in draft.inline_code:
        if not _ONE_WORD.fullmatch(code.text):
            text = text.replace(f"`{code.text}`", "`code`")
    return text


def prose_effect(draft: DraftStep) -> Effect | None:
    """The effect an instruction's words name: destructive verbs for actions, and for checks
    only a destructive verb told to the reader beside the look ("find and terminate"); never
    for decisions, whose words describe what is looked at."""
    if draft.kind == "decision" or draft.command is not None:
        return None
    words = _own_words(draft)
    if draft.kind == "check":
        return "destructive" if _CHECK_THEN_DESTROY.search(words) else None
    permitted = " be " in words and permitted_passive(words)  # "If spam, it can be deleted"
    if any(
        permitted or not _DESCRIBED.search(words, 0, found.start())
        for found in _PROSE_DESTRUCTIVE.finditer(words)
    ):
        return "destructive"
    inline = [_inline_effect(code) for code in _asked_inline_code(draft)]
    return "destructive" if "destructive" in inline else None


_RUN = r"(?:run|use|execute|call|invoke|type|enter|try)"
_NEGATED_BEFORE = re.compile(
    # The negation governs the command itself: "do not run `x`", "never `x`", "avoid running
    # `x`", "without using `x`", "instead of `x`", "rather than running `x`" ...
    rf"(?:(?:\bnot|\bnever|n't)\s+(?:\w+ly\s+)?(?:{_RUN}\s+)?"
    rf"|\b(?:avoid(?:ing)?|without|instead\s+of|rather\s+than)\s+(?:{_RUN}(?:ning|ing)?\s+)?)"
    # ... or a command it forbids that this one is listed with ("do not run `x` or `y`").
    r"(?:the\s+(?:command\s+)?)?(?:`[^`]*`\s*,?\s*(?:(?:or|and|nor)\s+)?)*$",
    re.IGNORECASE,
)


def _asked_inline_code(draft: DraftStep) -> list[str]:
    """The inline commands an instruction asks for ("Run `redis-cli flushdb` on the host"),
    not those it forbids ("do not run `x`", "instead of `y`"). A negation elsewhere in the
    sentence forbids nothing ("Without waiting for the replica, run `x`")."""
    asked = []
    for code in draft.inline_code:
        offset = draft.text.find(f"`{code.text}`")
        if offset >= 0 and not _NEGATED_BEFORE.search(draft.text[:offset]):
            asked.append(code.text)
    return asked


def _inline_effect(text: str) -> Effect | None:
    """The effect of an inline command, read without a registry: its words (past options),
    the commands it wraps, and any console code in it."""
    parsed = split_pipeline(text)
    if parsed is None or not parsed.stages or " " not in text.strip():
        return code_effect(text)
    stages = [*parsed.stages, *(stage for p in parsed.followers for stage in p)]
    effects: list[Effect | None] = [code_effect(text)]
    for stage in stages:
        argv = _argv([stage])
        effects.append(words_effect(argv))
        effects += [words_effect(inner) for inner in inner_commands(stage)]
    return max(effects, key=_RANK)


def _model_touched(bound: BoundStep) -> BoundStep:
    """A step the model proposed binds `llm` whatever named the tool: the quote being in the
    source does not make the model's choice of that sentence a human's."""
    if bound.draft.origin != "llm" or bound.tool is None or bound.tool.bound_by == "llm":
        return bound
    name = bound.tool.name
    issue = BindingIssue(
        "llm-binding", bound.draft.span, name, f"`{name}` is in a step the model proposed"
    )
    binding = replace(bound.tool, bound_by="llm")
    return BoundStep(bound.draft, binding, bound.definition, (*bound.issues, issue))


def _explicit(draft: DraftStep, registry: Registry) -> BoundStep | None:
    for code in draft.inline_code:
        if code.text in registry.tools:
            tool = registry.tools[code.text]
            return BoundStep(draft, ToolBinding(name=tool.name, bound_by="explicit"), tool)
    for code in draft.inline_code:
        if _TOOL_IDENTIFIER.match(code.text) and _in_tool_context(draft, code, registry):
            issue = BindingIssue(
                "unknown-tool",
                _code_span(code),
                code.text,
                candidates=tuple(registry.suggest(code.text)),
            )
            return BoundStep(draft, None, None, (issue,))
    named = _prose_tool_name(draft.text) if draft.command is None else None
    if named is not None:
        return _prose_tool(draft, registry, named)
    for code in draft.inline_code:
        parsed = split_pipeline(code.text)
        argv = _argv(parsed.stages) if parsed and parsed.stages else []
        if argv and argv[0] in registry.programs and " " in code.text:
            return _bind_command(draft, registry, code.text, _code_span(code))
    return None


def _prose_tool_name(text: str) -> re.Match[str] | None:
    lowered = text.lower()
    if not any(word in lowered for word in ("call", "invoke", "tool", "function")):
        return None
    return next(filter(None, (pattern.search(text) for pattern in _PROSE_TOOL)), None)


def _prose_tool(draft: DraftStep, registry: Registry, named: re.Match[str]) -> BoundStep:
    """A tool named in prose, outside backticks: "call billing.refund", "the x_y tool"."""
    name = named.group("name")
    span = draft.span
    if span.line == span.end_line and draft.text == draft.text.strip():
        start = span.column + named.start("name")
        end = start + len(name) - 1
        span = Span(line=span.line, column=start, end_line=span.line, end_column=end)
    if name in registry.tools:
        tool = registry.tools[name]
        return BoundStep(draft, ToolBinding(name=name, bound_by="explicit"), tool)
    issue = BindingIssue("unknown-tool", span, name, candidates=tuple(registry.suggest(name)))
    return BoundStep(draft, None, None, (issue,))


def _in_tool_context(draft: DraftStep, code: InlineCode, registry: Registry) -> bool:
    """Whether inline code reads as a tool name: "call `x`", "the `x` tool", or a name in a
    namespace the registry uses (`billing.refund` when `billing.*` tools exist)."""
    namespace = code.text.split(".")[0] if "." in code.text else None
    if namespace and any(name.startswith(namespace + ".") for name in registry.tools):
        return True
    offset = draft.text.find(f"`{code.text}`")
    if offset < 0:
        return False
    before, after = draft.text[:offset], draft.text[offset + len(code.text) + 2 :]
    if _TOOL_AFTER.match(after):
        return True
    return bool(_TOOL_VERB_BEFORE.search(before)) and not _NOT_A_TOOL_AFTER.match(after)


def _code_span(code: InlineCode) -> Span:
    width = len(code.text) + 2
    return Span(
        line=code.line, column=code.column, end_line=code.line, end_column=code.column + width - 1
    )


def _command(draft: DraftStep, registry: Registry) -> BoundStep | None:
    if draft.command is None:
        return None
    return _bind_command(draft, registry, draft.command, draft.span)


def _bind_command(draft: DraftStep, registry: Registry, command: str, span: Span) -> BoundStep:
    """Bind a command line to the tool of its first acting program. The step's effect is the
    most dangerous among every program it runs (wrapped ones too) and any console code's."""
    bound = _bound_command(draft, registry, command, span)
    return _with_effect(bound, code_effect(command))


def _bound_command(draft: DraftStep, registry: Registry, command: str, span: Span) -> BoundStep:
    if is_console_code(command):
        # Not a shell line: its `{ |job| ... }` and `;` are no pipes or separators.
        detail = (
            "console code (Ruby, Python, SQL, ...), not a shell command: no registry tool runs it"
        )
        unbound = _unbound(draft, BindingIssue("unbound-command", span, command, detail))
        # When the line also reads as shell (`x = 1; rm -rf /srv`), its shell stages' words
        # count too: a destructive part is never lost to the console reading.
        return _with_effect(unbound, _inline_effect(command))
    parsed = split_pipeline(command)
    if parsed is None or not parsed.stages:
        detail = "the command could not be split into words (unbalanced quotes?)"
        return _unbound(draft, BindingIssue("unbound-command", span, command, detail))
    pipelines = [_past_harmless(p) for p in (parsed.stages, *parsed.followers)]
    keyword = next((s[0] for p in pipelines for s in p if s[0] in _COMPOUND), None)
    if keyword is not None:
        detail = f"a shell `{keyword}` construct; write each command it runs as its own step"
        unbound = _unbound(draft, BindingIssue("unbound-command", span, command, detail))
        inner = [words_effect(_argv([stage])) for p in pipelines for stage in p]
        inner += [words_effect(part.split()) for part in _SHELL_PARTS.split(command)]
        inner += [_wrapped_effect(registry, stage) for p in pipelines for stage in p]
        return _with_effect(unbound, max(inner, key=_RANK))
    # Assignments and harmless builtins (echo) do not act; the first command that does is
    # the one the step binds to, and every later one must bind too.
    acting = [p for p in pipelines if _acts(p)]
    substitutions = parsed.substitutions
    if not acting and len(substitutions) == 1:
        # `NAME=$(command)`: the command in the substitution is what the step runs.
        return _bound_command(draft, registry, substitutions[0], span)
    if not acting:
        detail = "only assigns variables or prints; nothing for a tool to run"
        return _unbound(draft, BindingIssue("unbound-command", span, command, detail))
    issues = [i for p in pipelines if p not in acting for i in _filter_issues(registry, p, span)]
    issues += _filter_issues(registry, acting[0], span)
    issues += _follower_issues(registry, acting[1:], span)
    issues += _substitution_issues(registry, substitutions, span)
    parts = [_argv(p) for p in acting] + [stage for p in acting for stage in p[1:]]
    bound = _matched(draft, registry, _argv(acting[0]), command, span, issues)
    effects = [_part_effect(registry, argv) for argv in parts]
    effects += [_wrapped_effect(registry, stage) for p in acting for stage in p]
    effects.append("write" if writes_a_file(command) else None)
    return _with_effect(bound, max(effects, key=_RANK))


_WORD = re.compile(r"[A-Za-z]+")
_FILE_NAME = re.compile(r"[\w.-]+\.[A-Za-z0-9]{1,5}")
_SUB_COMMAND = re.compile(r"[A-Za-z][\w:-]*")
"""A word that can be a sub-command (`delete`, `terminate-instances`, `db:drop`), not an
option, a path or a file name."""
_SHELL_PARTS = re.compile(r"[;&|]+|\bdo\b|\bthen\b")
_RANK = {None: 0, "read": 1, "write": 2, "destructive": 3}.__getitem__


def _part_effect(registry: Registry, argv: list[str]) -> Effect | None:
    """The effect of one program of a compound command: an HTTP method's, else its words'
    (a destructive word is never lost), else the registry tool's it matches."""
    if not argv:
        return None
    method = http_method(argv)
    if method is not None:
        return _method_effect(method)
    if argv[0] in registry.filters:
        return "write" if edits_files(argv) else "read"
    effect = words_effect(argv)
    if effect == "destructive":
        return effect
    matches = registry.match_command(argv)
    if matches:
        return matches[0].tool.effect
    return effect


def _wrapped_effect(registry: Registry, stage: list[str]) -> Effect | None:
    """The most dangerous effect among the commands a wrapper runs (`sudo -u app CMD`,
    `timeout 30 CMD`, `ssh HOST CMD`, `bash -c '...'`, `kubectl exec POD -- CMD`, `WRAPPER ...
    -- CMD`): a wrapper is at least as dangerous as what it wraps."""
    words = list(stage)
    while words and (words[0] == "export" or _ASSIGNMENT_WORD.match(words[0])):
        words.pop(0)
    runs = inner_commands(words) + _behind_unknown_program(registry, words)
    inner = [_part_effect(registry, argv) for argv in runs]
    return max(inner, key=_RANK, default=None)


def _behind_unknown_program(registry: Registry, argv: list[str]) -> list[list[str]]:
    """The commands a program nobody knows may run for its own words: from each later word
    that names a known program (`gds-cli aws prod-admin aws rds delete-db-instance ...`
    runs `aws rds delete-db-instance ...`), and each quoted word of several words
    (`knife ssh 'role:db' 'sudo rm -rf /var/opt/data'`). A team's own wrapper needs no `--`."""

    def known(word: str) -> bool:
        return word in registry.programs or word in _WRAPPED_CLIS

    if not argv or known(argv[0]):
        return []
    runs = [argv[index:] for index in range(1, len(argv)) if known(argv[index])]
    return runs + [run for word in argv[1:] if " " in word.strip() for run in shell_commands(word)]


_WRAPPED_CLIS = PROGRAMS_WITH_SUBCOMMANDS | {"gsutil", "psql", "mysql", "rm", "heroku", "cf", "fly"}
"""Programs a team's own wrapper often runs (credentials, a chosen cluster or account) beside
the registry's own programs."""


def words_effect(argv: list[str]) -> Effect | None:
    """The effect a command's program and first sub-command words name, without a registry:
    `oc delete ...`, `rm -rf`, `terraform destroy`, SQL `DROP TABLE`, Ruby `.destroy` are
    destructive; `apply`, `restart` write. Sub-command words are read past leading options
    (`kubectl -n apps delete`) and one level deeper (`gcloud compute instances delete`)."""
    if not argv or argv[0].rsplit("/", 1)[-1] in OPERAND_READERS:
        return None  # `grep stop app.log`, `tail -f shutdown.log`: a pattern and files
    before_operands = argv[1 : argv.index("--")] if "--" in argv else argv[1:]
    plain = [word for word in before_operands if _SUB_COMMAND.fullmatch(word)]
    # A path or a file name names no action (`vim /etc/stop.conf`, `ls shutdown.log`).
    named = [word for word in argv[1:3] if "/" not in word and not _FILE_NAME.fullmatch(word)]
    # One level deeper only as a whole word (`gcloud compute instances delete`, not the
    # namespace of `kubectl get pods -n delete-requests`).
    sub_commands = _words(plain[:2] + _without_option_values(before_operands)[:4])
    sub_commands |= {word.lower() for word in plain[2:3]}
    acting = _words([argv[0], *(word for word in named if not word.startswith("-"))])
    # An option may say that a command writes (`gpg --edit-key`), never that it destroys:
    # DESTRUCTIVE_OPTIONS does (`docker run --rm` removes nothing of yours).
    words = _words([argv[0], *named]) | sub_commands
    destroys = (acting | sub_commands) & DESTRUCTIVE_PROGRAM_WORDS
    scaled_to_zero = any(a == "--replicas" and b == "0" for a, b in pairwise(argv))
    # `docker compose down`, `govuk-docker down`: stops and removes what `up` started.
    taken_down = argv[1:2] == ["down"] or argv[1:3] == ["compose", "down"]
    if destroys or scaled_to_zero or taken_down or DESTRUCTIVE_OPTIONS.intersection(argv):
        return "destructive"
    return "write" if words & WRITE_PROGRAM_WORDS else None


def _words(texts: Iterable[str]) -> set[str]:
    return {word.lower() for text in texts for word in _WORD.findall(text)}


def _without_option_values(words: list[str]) -> list[str]:
    """The sub-command-shaped words when every option takes the word after it as its value
    (`aws --profile prod --region eu-west-1 rds delete-db-instance` -> `rds`,
    `delete-db-instance`). A flag that takes no value hides the word after it here, so
    `words_effect` reads this beside the plain reading, never instead of it."""
    kept: list[str] = []
    valued = False
    for word in words:
        if valued:
            valued = False
        elif word.startswith("-"):
            valued = "=" not in word
        elif _SUB_COMMAND.fullmatch(word):
            kept.append(word)
    return kept


def _method_effect(method: str) -> Effect:
    if method in ("GET", "HEAD", "OPTIONS"):
        return "read"
    # PURGE (a CDN or cache) throws cached objects away, as DELETE does.
    return "destructive" if method in ("DELETE", "PURGE") else "write"


def _with_effect(bound: BoundStep, effect: Effect | None) -> BoundStep:
    """Raise a bound step's effect to the most dangerous one among its command's parts."""
    own = bound.definition.effect if bound.definition else None
    if _RANK(effect) <= _RANK(own):
        return bound
    return BoundStep(bound.draft, bound.tool, bound.definition, bound.issues, effect)


_HTTP_CLIENTS = frozenset({"curl", "wget", "http", "https", "xh"})
_CURL_METHOD = re.compile(r"^-(?P<flags>[a-zA-Z]*)X(?P<method>[A-Za-z]*)$")
_CURL_BODY = frozenset({"-d", "--data", "--data-raw", "--data-binary", "--data-urlencode",
                        "-F", "--form", "-T", "--upload-file", "--json"})  # fmt: skip


def http_method(argv: list[str]) -> str | None:
    """The HTTP method an HTTP client command sends (`-X`, `--request`, `-XDELETE`,
    `-sXDELETE`, `--method=` for wget, the method word for httpie), None if not one."""
    if not argv or argv[0] not in _HTTP_CLIENTS:
        return None
    if argv[0] in ("http", "https", "xh"):
        words = [w for w in argv[1:] if not w.startswith("-")]
        if words and words[0].isupper() and words[0].isalpha():
            return words[0]
        return "POST" if any("=" in w and not w.startswith("http") for w in words[1:]) else "GET"
    method, body = None, False
    for index, word in enumerate(argv[1:], start=1):
        following = argv[index + 1] if index + 1 < len(argv) else ""
        name, _, value = word.partition("=")
        if name in ("-X", "--request", "--method"):
            method = value or following
        elif (short := _CURL_METHOD.match(word)) is not None:
            method = short.group("method") or following
        elif name in _CURL_BODY or name.startswith(("--post-data", "--post-file", "--body")):
            body = True
    if method:
        return method.strip("'\"").upper()
    return "POST" if body else "GET"


def _expanded(argv: list[str]) -> list[str]:
    """curl's combined short options split as curl reads them: `-sXDELETE` -> `-s -X
    DELETE`, `--request=PUT` -> `--request PUT`, so the registry sees the method."""
    if not argv or argv[0] != "curl":
        return argv
    out = argv[:1]
    for word in argv[1:]:
        short = _CURL_METHOD.match(word)
        if short is not None and short.group("method"):
            out += [f"-{flag}" for flag in short.group("flags")] + ["-X", short.group("method")]
        elif word.startswith("--request="):
            out += ["--request", word.partition("=")[2]]
        else:
            out.append(word)
    return out


def _unbound(draft: DraftStep, issue: BindingIssue) -> BoundStep:
    return BoundStep(draft, None, None, (issue,))


def _matched(
    draft: DraftStep,
    registry: Registry,
    argv: list[str],
    command: str,
    span: Span,
    issues: list[BindingIssue],
) -> BoundStep:
    """Bind argv to the single most specific matching tool, or record why not. An HTTP client
    sending anything but GET/HEAD never binds a read-only tool."""
    matches = registry.match_command(_expanded(argv))
    method = http_method(argv)
    if method is not None and _method_effect(method) != "read":
        matches = [m for m in matches if m.tool.effect != "read"]
    if not matches:
        known = sorted(
            t.name for t in registry.tools.values() if any(p.program == argv[0] for p in t.patterns)
        )
        detail = (
            f"no pattern of {', '.join(known[:5])} matches"
            if known
            else f"no registry tool runs `{argv[0]}`"
        )
        issues.insert(0, BindingIssue("unbound-command", span, command, detail, tuple(known[:5])))
        return BoundStep(draft, None, None, tuple(issues))
    top = [m for m in matches if m.specificity == matches[0].specificity]
    if len(top) > 1:
        names = tuple(m.tool.name for m in top)
        issues.insert(0, BindingIssue("ambiguous-binding", span, command, candidates=names))
        return BoundStep(draft, None, None, tuple(issues))
    match = matches[0]
    binding = ToolBinding(name=match.tool.name, args=match.args, bound_by="command")
    return BoundStep(draft, binding, match.tool, tuple(issues))


_COMPOUND = {"for", "while", "until", "if", "case", "function", "select"}
_HARMLESS = {"echo", "printf", "true", "false", "exit", "break", "continue", "sleep", ":"}
_ASSIGNMENT_WORD = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")


def _filter_issues(registry: Registry, stages: list[list[str]], span: Span) -> list[BindingIssue]:
    """Stages after a pipe must be registered filters that only print (not `sed -i`), or
    match a read-only tool."""
    issues = []
    for stage in stages[1:]:
        if stage[0] in registry.filters and edits_files(stage):
            message = f"`{stage[0]}` after a pipe writes files here"
        elif stage[0] not in registry.filters and _read_only_match(registry, stage) is None:
            message = f"`{stage[0]}` after a pipe"
        else:
            continue
        issues.append(BindingIssue("unknown-pipe-filter", span, stage[0], message))
    return issues


def _follower_issues(
    registry: Registry, followers: list[list[list[str]]], span: Span
) -> list[BindingIssue]:
    """Commands after `;` or `&&` run too: each must match a registry tool."""
    issues = []
    for pipeline in followers:
        argv = _argv(pipeline)
        if not registry.match_command(argv):
            issues.append(
                BindingIssue(
                    "unbound-command",
                    span,
                    " ".join(argv),
                    f"`{argv[0]}` runs after the first command and no registry tool matches it",
                )
            )
        issues += _filter_issues(registry, pipeline, span)
    return issues


def _substitution_issues(
    registry: Registry, substitutions: list[str], span: Span
) -> list[BindingIssue]:
    issues = []
    for inner in substitutions:
        parsed = split_pipeline(inner)
        argv = _argv(parsed.stages) if parsed and parsed.stages else []
        if not argv or _read_only_match(registry, argv) is None:
            issues.append(
                BindingIssue(
                    "unbound-command",
                    span,
                    inner,
                    "a $(...) substitution that no read-only tool matches",
                )
            )
    return issues


def _past_harmless(stages: list[list[str]]) -> list[list[str]]:
    """A pipeline from its first stage that acts: in `echo yes | oc delete project x` the
    `oc delete` is what runs, not the `echo` that feeds it."""
    for index, stage in enumerate(stages):
        if _acts([stage]):
            return stages[index:]
    return stages


def _acts(stages: list[list[str]]) -> bool:
    argv = _argv(stages)
    return bool(argv) and argv[0] not in _HARMLESS


def _argv(stages: list[list[str]]) -> list[str]:
    """The first stage's argv without `sudo`, `export` and leading `NAME=value` words."""
    words = list(stages[0])
    while words and (words[0] in ("sudo", "export") or _ASSIGNMENT_WORD.match(words[0])):
        words.pop(0)
    return words


def _read_only_match(registry: Registry, argv: list[str]) -> Tool | None:
    matches = registry.match_command(argv)
    return matches[0].tool if matches and matches[0].tool.effect == "read" else None


def _alias(draft: DraftStep, registry: Registry) -> BoundStep | None:
    if draft.command is not None:
        return None
    found = registry.match_alias(draft.text)
    if not found:
        return None
    tool, alias, offset = found[0]
    span = draft.span
    if span.line == span.end_line:
        start = span.column + offset
        span = Span(
            line=span.line, column=start, end_line=span.line, end_column=start + len(alias) - 1
        )
    issue = BindingIssue("alias-binding", span, alias, f"`{alias}` is an alias of `{tool.name}`")
    return BoundStep(draft, ToolBinding(name=tool.name, bound_by="alias"), tool, (issue,))


def _llm(draft: DraftStep, registry: Registry) -> BoundStep | None:
    """Last in precedence: a registry tool the LLM extractor proposed (needs sign-off)."""
    if draft.proposed_tool is None or draft.proposed_tool not in registry.tools:
        return None
    tool = registry.tools[draft.proposed_tool]
    issue = BindingIssue(
        "llm-binding", draft.span, tool.name, f"`{tool.name}` was proposed by the model"
    )
    return BoundStep(draft, ToolBinding(name=tool.name, bound_by="llm"), tool, (issue,))


def _checked(bound: BoundStep) -> BoundStep:
    """Add deprecation and argument-schema issues for a bound tool."""
    tool, binding = bound.definition, bound.tool
    if tool is None or binding is None:
        return bound
    issues = list(bound.issues)
    span = bound.draft.span
    if tool.deprecated is not None:
        issues.append(
            BindingIssue(
                "deprecated-tool",
                span,
                tool.name,
                candidates=tuple(filter(None, [tool.deprecated.replacement])),
            )
        )
    if tool.params and binding.bound_by == "command":
        filled_later = {k for k, v in binding.args.items() if is_placeholder(v)}
        issues += [
            BindingIssue("invalid-tool-args", span, bound.draft.text, message)
            for argument, message in tool.argument_errors(binding.args)
            if argument not in filled_later
        ]
    return BoundStep(bound.draft, binding, tool, tuple(issues), bound.effect)
