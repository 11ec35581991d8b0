"""RB108 implied-action-without-tool: an action a step asks for with no command or tool."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from compiler.models import Span, Step
from compiler.parse import Block
from compiler.rules import CheckContext, Finding, RuleDoc, rule
from compiler.rules.assumptions.scan import (
    _PEOPLE_SUBJECT,
    _ROLE_WORD,
    _TRIBAL,
    Hit,
    _code_follows,
    _instructs,
    _references,
    _scan,
    _stem,
    _with_model_flags,
)
from compiler.rules.regions import Passage, block_after, blocks_after, read_block
from compiler.text.effect_words import CHANGE_VERBS, ROLL_BACK, alternation
from compiler.text.instructions import is_instruction
from compiler.text.links import (
    ANY_LINK,
    BRACKETED,
    LINK,
    is_section_link,
    points_at_how,
)
from compiler.text.patterns import by_first_letter
from compiler.text.sentences import sentence_at, sentences

_ACTION_VERB = alternation(
    (
        *CHANGE_VERBS,
        # A step's own words: more verbs than the prose scan's (its alternatives are whole
        # words, so their order decides no match).
        *("refund", "edit", "update", "recover", "silence", "change", r"clean\s*up", "issue"),
        *("raise", "lower"),
        # adding something to a setting: "add the node to the policy", "add the IP to the
        # allowlist"
        r"add\s+(?=(?:[\w'-]+\s+){1,6}?(?:to|into)\s+(?:the\s+|your\s+|its\s+|a\s+)?(?:[\w-]+\s+)?"
        r"(?:polic(?:y|ies)|config(?:uration)?|allow-?list|deny-?list|whitelist|blacklist|quota"
        r"|rules?|settings|limits?|pool|node\s*pool|list)\b)",
    )
)
_AS_NOUN = (
    r"(?!\s*(?:\*\*)?:|\s*\)|\s+(?:is|are|was|were|must|should|can|will|has|have|may|might|needs"
    r"|requires|includes)\b)"
)
"""A change word used as a noun: before a verb ("the change must include ...", "patch are
integers"), as a label ("**Issue**: a group of errors") or ending a list of names in brackets
("the operation (backup, transform, restore) is taking", "a run (plan and apply)")."""
_IMPLIED_ACTION = re.compile(
    rf"^(?:(?:then|now|next|first|finally|please|also|optionally)\s*,?\s+)?"
    rf"(?:you\s+(?:can|could|should|must|may|might|need\s+to|will\s+need\s+to)\s+"
    rf"(?:safely\s+|simply\s+|just\s+)?)?{_ACTION_VERB}\b{_AS_NOUN}(?!\s+of\b)(?:`[^`\n]*`|[^.;:!?`])*"
    rf"|\byou\s+(?:can|could|should|must|may|need\s+to)\s+(?:safely\s+|simply\s+|just\s+)?"
    rf"{_ACTION_VERB}\b(?!\s+of\b)(?:`[^`\n]*`|[^.;:!?`])*"
    r"|^(?:check|look\s+up|verify|review|find|confirm)\s+(?:the\s+)?(?:[\w'-]+\s+){1,2}?"
    r"(?:in|on|via|using)\s+(?:the\s+)?(?-i:[A-Z][a-z][A-Za-z0-9]*)[^.;:!?]*"
    # a look-up in a console nobody names: "check the cloud provider to verify ..."
    r"|^(?:check|look\s+(?:at|in)|review|consult)\s+(?:with\s+)?(?:the\s+|your\s+)"
    r"(?:cloud\s+provider|(?:(?-i:[a-z][\w-]*)\s+)?(?:console|dashboard|portal|control\s+panel))"
    r"\b[^.;:!?]*"
    # a resource the reader must add: "you will need more storage space"
    r"|^you\s+(?:will\s+|may\s+|might\s+)?(?:also\s+)?need\s+more\s+(?:[\w-]+\s+){0,2}?"
    r"(?:storage|space|capacity|memory|disk|disks|nodes|replicas|cpus?|resources|quota)\b[^.;:!?]*",
    re.IGNORECASE,
)


@rule(
    "RB108",
    "implied-action-without-tool",
    "warning",
    blocking=True,
    signoff=True,
    summary='An action the step asks for with no command or tool: "you can safely delete the pod".',
    docs=RuleDoc(
        what="Flags change instructions anywhere in the prose (delete, restart, scale, roll back, "
        '"take corrective measures", "add the node to the policy", "you will need more '
        'storage", ...) or a look-up in a named system or console ("check billing in Stripe", '
        '"check the cloud provider") that bind no tool and give no command: no command or tool '
        "in inline code (a file name or setting is not one, nor a link to documentation), no "
        "code block after it, no list after it that "
        "details it, and the same change is not said with how elsewhere in the document (an "
        "edit of a named file with its content, a PR of a change already shown, a place named "
        'in the sentence before, "as above").',
        why="The agent has to invent how: it calls a `check_stripe` tool that does not exist, "
        "or runs whatever delete command looks right.",
        example="Check billing in Stripe for recent charges.",
        instead="Use `billing.get_charges` for the customer's charges in the last 30 days.",
    ),
)
@_with_model_flags("RB108")
def implied_action(context: CheckContext) -> Iterator[Finding]:
    lines: set[int] = set()
    hits = list(
        _scan(
            context,
            _CHANGE_CLAUSE,
            ("clause", "passive", "gerund", "noun", "outcome"),
            _CHANGE_FIRST,
        )
    )
    actions = _actions(context, hits)
    for finding in [*_implied_in_steps(context), *_implied_in_prose(context, hits)]:
        if _said_elsewhere(actions, finding):
            continue
        if finding.span.line not in lines:
            lines.add(finding.span.line)
            yield finding


_REQUEST = (
    r"\s+(?:a|an)\s+(?:new\s+|emergency\s+)?(?:change\s+request|change\s+ticket|CR|RFC"
    r"|support\s+(?:case|ticket)|pull\s+request|merge\s+request|PR|MR)\b"
)
"""What is opened to ask for a change: "a change request", "an emergency CR", "a PR"."""
_CHANGE_VERBS = "|".join(
    r"roll\s*(?:it\s+|them\s+)?back" if verb == ROLL_BACK else verb for verb in CHANGE_VERBS
) + (
    r"|block|blacklist|blocklist|unblock|whitelist|allowlist|isolate|quarantine"
    # more verbs that change a system's state, each with what it changes, so the intransitive
    # ("the alert should clear", "start with the logs", "errors should stop") is not one
    r"|bump|revert|provision|deprovision|taint|untaint|toggle|re-?enable"
    r"|re-?index|re-?sync|re-?publish|re-?process|re-?queue|re-?provision|re-?import|unpublish"
    r"|kick\s+off|free\s+up|clear\s+(?:out\s+)?(?:the|a|all|any|its|their)\b"
    r"|stop\s+(?:the|a|all|any|its|their)\s+(?!\w+ing\b)"
    r"|pause\s+(?:the|a|all|any)\b|resume\s+(?:the|a|all|any)\b|suspend\s+(?:the|a|all|any)\b"
    r"|fix\s+(?:the|it|them|any|its|their)\b"
    r"|merge\s+(?:the|a|your|this|that)\b|trigger\s+(?:an?\s+|the\s+)?(?:[\w-]+\s+)?(?:migration"
    r"|build|deploy(?:ment)?|job|pipeline|sync|re-?index|rebuild|failover|backup|rollout|release"
    r"|run)\b|run\s+(?:the|a|an)\s+(?:[\w-]+\s+){0,3}?(?:migrations?|tasks?|jobs?|backfills?"
    r"|scripts?|playbooks?|pipelines?)\b(?!\s+(?:below|above))"
    r"|set\s+(?!(?:this|it|that)\s)(?:the\s+|your\s+|its\s+)?(?:[\w.-]+\s+){1,3}?to\s+"
    r"(?!(?:be|do|make|see|get)\b)"
    r"|take\s+(?:the\s+)?(?:corrective|remedial|appropriate|necessary)\s+(?:measures?|actions?|steps?)"
    r"|shut\s*down|turn\s+(?:off|on)|power\s+(?:off|on|cycle)|take\s+(?:a|an)\s+(?:disk\s+)?"
    r"(?:image|snapshot|backup|dump)|adjust|force|switch|reinstate|raise|lower|reconfigure"
    r"|configure|define\s+(?=(?:[\w-]+\s+){0,3}?(?:values?|defaults?|limits?|requests?|quotas?"
    r"|env(?:ironment)?\s+variables?|parameters?|settings)\b)"
    r"|update\s+(?:the\s+|our\s+|your\s+)?(?:status\s+page|config|configuration"
    r"|settings|dns|firewall|certificate)|do(?:ing)?\s+a\s+(?:rolling\s+)?(?:restart|reboot|failover"
    r"|rollback|deploy)|log\s+(?:in|on)\s+to|ssh\s+(?:in)?to|encrypt|decrypt|re-?run"
    # opening a request for a change: "open a change request", "raise an emergency CR"
    + "".join(f"|{verb}{_REQUEST}" for verb in ("open", "file", "raise", "submit", "create"))
)
_CHANGE_VERB = f"(?:(?:{by_first_letter(_CHANGE_VERBS)}){_AS_NOUN})"
"""A change verb (grouped by first letter for speed: the same matches as the list)."""
_CHANGE_FIRST = frozenset(
    [
        *re.findall(r"[a-z]+", _CHANGE_VERBS.replace("(?:", " ").replace("\\s", " ")),
        *("should", "must", "may", "might", "need", "needs", "try", "consider", "start", "begin"),
        *("shutdown", "rerun", "doing", "require", "sure", "ensure", "open", "file", "submit"),
    ]
) - {"s", "it", "them", "a", "an", "the", "our", "your", "in", "on", "off", "to", "up"}
"""Words every change clause holds (its verb, or the modal of a passive): a cheap test."""
_CHANGE_CLAUSE = re.compile(
    # A match starts at the text's start, at punctuation or at a word starting with one of
    # these letters: that test first rejects most positions before any alternative is tried.
    r"(?:^|(?=[\n;:.!?,])|\b(?=[aotcmsipnrhwgbje]))"
    rf"(?:(?:^|[;:]\s*|(?<![\w,])\n\s*|[.!?]\s+|,\s+|\b(?:and|or|then|can|could|must|should|also|just|simply"
    rf"|safely|immediately|please)\s+"
    rf"|\b(?:need|needs|required|have|has|able|want|going|ensure|be\s+sure)\s+to\s+"
    rf"|\bmake\s+sure\s+(?:you\s+)?)"
    # 60 characters (inline code counts as one: its dots end nothing), then the word ends
    rf"(?P<clause>{_CHANGE_VERB}\b(?:`[^`\n]{{1,80}}`|\[[^\]\n]{{1,80}}\]|(?<=[A-Z])\.(?=[A-Z])"
    rf"|[^.;:!?,`]){{0,60}}\w*)"
    r"|\b(?:try|consider|start|begin)\s+(?P<gerund>[a-z]+ing\b[^.;:!?,]{0,60}\w*)"
    r"|(?<!\bthat\s)(?<!\bwhich\s)(?<!\bwho\s)"
    r"(?P<passive>\b(?:should|must|may\s+need\s+to|might\s+need\s+to|needs?\s+to)\s+be\s+"
    r"(?:deleted|removed|restarted|rebooted|terminated|replaced|drained|recreated|rotated"
    r"|revoked|disabled|rolled\s+back|redeployed|scaled|upgraded)\b)"
    # a change asked for as its outcome: "make sure your emails are encrypted"
    r"|\b(?:make\s+sure|ensure)\s+(?:that\s+)?(?P<outcome>(?:[\w'-]+\s+){1,4}?(?:is|are|gets?"
    r"|has\s+been|have\s+been)\s+(?:encrypted|decrypted|disabled|enabled|deleted|removed|rotated"
    r"|revoked|restarted|rebooted|updated|patched|upgraded|blocked|locked|replaced|reset"
    r"|drained|cordoned|scaled)\b)"
    # a change named as a noun that something needs: "might need a manual reboot of the node"
    r"|\b(?:might|may|could|will)\s+(?:also\s+)?(?:need|require)\s+(?:an?|the)\s+"
    r"(?P<noun>(?:(?:manual|rolling|full|quick|forced?|hard|clean)\s+)?(?:reboot|restart|rollback"
    r"|failover|redeploy(?:ment)?|reinstall(?:ation)?|replacement|rebuild)\b[^.;:!?,]{0,60}\w*))",
    re.IGNORECASE,
)
_NAMED_SYSTEM = re.compile(
    r"\b(?:in|on|via|using|through|from|into)\s+(?:the\s+|your\s+)?"
    r"(?:(?-i:[A-Z][a-z]+[A-Z]\w*|[A-Z][a-z]{2,})\b|\[)"
    # a product known by its acronym, with no article ("in SSM Parameter Store", "with GOV.UK
    # Docker"; "add the node with the VMI" names a thing, not where)
    r"|\b(?:in|on|via|using|through|from|into|with)\s+[A-Z]{2,}[A-Za-z0-9]*(?:\.[A-Z]{2,})?\b"
    # "log in to Fastly", "visit Terraform Cloud": the system is where the reader goes
    r"|\b(?i:log|sign)\s+(?:in|on)(?:\s+to|to)?\s+(?:the\s+)?[A-Z][A-Za-z0-9]+\b"
    r"|\b(?i:visit|open|go\s+to)\s+(?:the\s+)?(?:[A-Z][a-z]+[A-Z]\w*|[A-Z][a-z]{2,}"
    r"|[A-Z]{2,}[A-Za-z0-9]*)\b"
    # a pull request names its repository: "open a PR in govuk-helm-charts"
    r"|\b(?:PR|(?i:pull\s+request)|MR|(?i:merge\s+request))s?\s+(?:in|on|to|against)\s+(?:the\s+)?"
    r"(?:`[^`\n]+`|[\w.]+-[\w.-]+|\[)"
    # "go back to Signon and revoke the old token": the system carries over "and"
    r"|\b(?:the|to|with)\s+(?-i:[A-Z][a-z]+[A-Z]\w*|[A-Z][a-z]{2,})"
    r"(?:\s*$|\s+(?:and|then)\s*$|\s+(?:room|channel|thread|ticket|incident|page|board|workspace"
    r"|project|account)\b)"
    r"|\]\(|https?://"
)


_NEXT_ACTION = re.compile(r"\s+and\s+(?:then\s+|to\s+|also\s+)?(?=\w)", re.IGNORECASE)


_TO_PEOPLE = re.compile(
    r"^(?:update|remove|kick|drop|brief)\s+(?:them|him|her|us|everyone|someone|people"
    r"|the\s+(?:person|individual|executive|other\s+\w+))\s+(?:with|on|about|off|from\s+the"
    r"\s+(?:call|bridge|meeting|room|channel))\b"
    # raising a matter with people: "raise the issue with the owning team"
    r"|^raise\s+(?:the\s+|this\s+|that\s+|an?\s+|your\s+|any\s+)?(?:issue|concern|question"
    r"|problem|matter|it|this|that|risk)s?\s+(?:with|to)\b",
    re.IGNORECASE,
)
"""A change verb whose object is people: "update them with anything you feel appropriate",
"remove them from the call" (informing or moderating, not changing a system)."""


def _own_clause(words: str) -> str:
    """A change clause up to the next action coordinated with it: "update the status page"
    of "update the status page and to send posts from our accounts" (what the second action
    names or leaves unsaid is not the first's)."""
    for found in _NEXT_ACTION.finditer(words):
        if is_instruction(words[found.end() :]):
            return words[: found.start()]
    return words


_THING_SUBJECT = re.compile(
    r"^\W*(?P<subject>it|this|that|(?:the|a|an|each|every|any)\s+(?:[\w-]+\s+){0,2}?[\w-]+)\s+"
    r"(?:should|will|would|can|could|may|might|must)\s+(?:also\s+|then\s+)?(?:be\s+[\w-]+\s+and\s+)?$",
    re.IGNORECASE,
)


def _expected_behaviour(hit: Hit) -> bool:
    """Whether a change verb after a modal says what a thing is expected to do, not what the
    reader must do: its subject is a thing, not the reader, a person or a role ("The structure
    should be flexible and scale ...", "the deployment will restart")."""
    start = hit.passage.sentence_at(hit.start).start
    if _POSSIBILITY.search(hit.passage.text, max(start, hit.start - 30), hit.start):
        return True  # "... could block node drain": a consequence, not an instruction
    found = _THING_SUBJECT.match(hit.passage.text, start, hit.start)  # the sentence's subject
    if found is None:  # or a clause's: "Correct the issues and the collector should restart"
        begin = max(start, hit.start - 60)
        found = _CLAUSE_THING_SUBJECT.search(hit.passage.text, begin, hit.start)
    if found is None:
        return False
    subject = found.group("subject")
    return not (_PEOPLE_SUBJECT.match(subject) or _ROLE_WORD.search(subject))


_POSSIBILITY = re.compile(
    r"(?<!\byou\s)(?<!\bwe\s)\b(?:could|would|might)\s+(?:also\s+|even\s+|then\s+)?$",
    re.IGNORECASE,
)
_CLAUSE_THING_SUBJECT = re.compile(
    r"(?:,\s*|\b(?:and|then|so|but)\s+)(?P<subject>(?:the|this|that|its)\s+(?:[\w-]+\s+){0,2}?"
    r"[\w-]+)\s+(?:should|will|would|can|could|may|might)\s+(?:also\s+|then\s+)?$",
    re.IGNORECASE,
)


_AND_THEN = re.compile(r"\b(?:and|or)\s+(?:then\s+)?(?:[a-z]+\s+(?:and|or)\s+)?$", re.IGNORECASE)


def _place_carries(hit: Hit) -> bool:
    """Whether the change is coordinated with an action before it that names the system both
    are done in ("log in to the [Customer Portal](...) and open a support case")."""
    start = hit.passage.sentence_at(hit.start).start
    before = hit.passage.text[start : hit.start]
    return _AND_THEN.search(before) is not None and _names_system(before)


_LOOK_UP = re.compile(r"(?:check|look\s+up|verify|review|find|confirm)\b", re.IGNORECASE)


def _names_system(clause: str, text: str | None = None, offset: int = 0) -> bool:
    """Whether a change clause names the system it is done in ("in PagerDuty", "the Slack
    room"): a capitalised name after its first word, or a link. Given the text the clause
    starts at `offset` of, a link to documentation ("in your [KubeletConfiguration](https://
    kubernetes.io/docs/...)") is a reference for how, not a system to do it in."""
    for found in _NAMED_SYSTEM.finditer(clause):
        if text is None or not _LINKISH.search(found.group(0)):
            return True
        start, end = offset + found.start(), offset + found.end()
        links = [
            link
            for link in LINK.finditer(text, max(0, start - 200), end + 400)
            if link.start() < end and link.end() > start - 1
        ]
        if not links or not all(_documentation(link) for link in links):
            return True
    return False


_LINKISH = re.compile(r"\[|\]\(|://")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)
_DOCS = re.compile(
    r"(?:^|[/.])(?:docs?|documentation|reference|manual|handbook)(?:[/.#-]|$)|\bdocumentation\b",
    re.IGNORECASE,
)


def _documentation(link: re.Match[str]) -> bool:
    """Whether a link points at documentation elsewhere (its address or its words say so); a
    relative link ("/manual/waf-rules.html", "#rollback") is a page of the runbooks' own site,
    where how is written."""
    url = link.group("url") or link.group("bare") or ""
    if link.group("url") is not None and not _SCHEME.match(url):
        return False
    return bool(_DOCS.search(url)) or bool(
        link.group("label") and re.search(r"\b(?:docs?|documentation)\b", link.group("label"), re.I)
    )


def _implied_in_prose(context: CheckContext, hits: list[Hit]) -> Iterator[Finding]:
    """Change instructions anywhere in the prose whose passage gives no command, names no
    tool (inline code, a named system) and is not followed by a code block."""
    bound = {step.id for step in context.graph.steps if step.tool is not None}
    blocks = context.document.blocks
    for hit in hits:
        passage = hit.passage
        reads = _leads(hit) and _code_only_reads(context, passage)
        if hit.step in bound and not reads:
            continue  # the step names its tool (perhaps by alias: RB206 covers that)
        if hit.match.group("gerund") and not _gerund_of_change(hit.match.group("gerund")):
            continue
        if _quoted(hit) or _purpose(hit) or _in_time_clause(hit) or _theirs(hit) or _use_of(hit):
            continue  # it wasn't "We can either get you that list or fix the incident"
        if _example(hit) or _in_a_ui(context, passage.block):
            continue  # "(e.g. deploy a branch)", "Change the name" among the form's clicks
        if _FILLS_IN.match(hit.words):
            continue  # "Replace `[rds-hostname]` with the hostname": a command filled in
        if _resolved_by_reference(context, hit):
            continue  # "Edit `values.yaml`", "merge the changes", "update the files as above"
        if passage.block.kind == "heading" or _command_in(context, passage):
            continue
        if (_code_follows(blocks, passage) and not reads) or _list_details(context, hit):
            continue
        if hit.match.group("clause") and not _instructs(hit.sentence):
            continue  # a passive "X needs to be replaced" instructs with no "you"
        if hit.match.group("clause") and _expected_behaviour(hit):
            continue  # "The structure should be flexible and scale with the incident"
        clause = hit.match.group("clause")
        if _names_system(_own_clause(clause or hit.words), passage.text, hit.start):
            continue  # "update the incident in PagerDuty": the tool is named
        if _TRIBAL.search(_own_clause(hit.words)):
            continue  # "reinstate our default rules": RB104 names what is missing
        if _TO_PEOPLE.match(hit.words):
            continue
        if _place_carries(hit):
            continue  # "log in to the [Customer Portal] and open a support case"
        yield Finding(
            "RB108",
            hit.span,
            f'"{hit.words}" asks for an action but names no tool or command',
            "name the registry tool (inline code) or give the exact command in a code block",
            hit.words,
            hit.step,
        )


_FILLS_IN = re.compile(r"^replace\s+`[^`]+`\s+with\b", re.IGNORECASE)
"""Filling in a value of a command or a file shown: "Replace `my-test-name` with a name"."""
_FILE = re.compile(
    r"`[^`\n]*(?:/[^`\n]*|\.(?:ya?ml|json|rb|py|erb|tf|tfvars|toml|ini|conf|cfg|md|js|ts|html?"
    r"|txt|env|sh|properties|xml|go|java|lock))`"
    r"|\[[^\]\n]*\.(?:ya?ml|json|rb|py|erb|tf|tfvars|toml|ini|conf|cfg|md|js|ts|txt|go)\]",
    re.IGNORECASE,
)
"""A file named in inline code or a link's words: `charts/values.yaml`, [best_bets.yml][x]."""
_REPO_FILE = re.compile(
    r"`(?![/~])[^`\n]*\.(?:ya?ml|json|rb|py|erb|tf|tfvars|toml|ini|cfg|md|js|ts|scss|css|html?"
    r"|txt|go|java|lock|gemspec)`"
    r"|(?<![\w/.-])(?![/~])[\w-]+(?:/[\w*.-]+)*\.(?:ya?ml|json|rb|py|erb|tf|tfvars|toml|cfg|md|js"
    r"|ts|scss|css|gemspec)\b"
    r"|\b(?-i:Makefile|Gemfile|Dockerfile|Procfile|Rakefile|README|CHANGELOG)\b",
    re.IGNORECASE,
)
"""A file of a repository: a relative path with a source extension (`config/x.rb`,
README.md) or a build file (Makefile, Gemfile)."""
_FILE_NOUN = re.compile(
    r"\b(?:helm\s+chart|tfvars)s?\b|\b(?:the|this|that|each)\s+(?:`[^`\n]+`\s+)?file\b",
    re.IGNORECASE,
)
"""A file named by what it is: a chart, a variables file, "the `x` file" (where an edit goes)."""
_EDIT = re.compile(
    r"^(?:edit|modify|update|change|add|amend|adjust|append|insert|set|configure|define)\b",
    re.IGNORECASE,
)
_FILE_OP = re.compile(r"^(?:delete|remove|replace|rename|copy|move|create)\b", re.IGNORECASE)
"""What is done to a file of a repository as a whole (the file is what, a commit how)."""
_ADDRESS = re.compile(
    r"^\W*(?:(?:then|now|next|first|finally|also|please)\W+)?(?:you\s+(?:can|could|should|must"
    r"|may|might|need\s+to|will\s+need\s+to|have\s+to)\s+(?:also\s+|now\s+|then\s+)?)?",
    re.IGNORECASE,
)
"""How a change clause may open before its verb: "you should edit ...", "Then modify ..."."""


def _bare(clause: str) -> str:
    """A change clause from its verb: "you should edit the file" -> "edit the file"."""
    found = _ADDRESS.match(clause)
    return clause[found.end() :] if found is not None else clause


def _edits_a_file(clause: str, context_text: str) -> bool:
    """Whether a change clause edits a named file (the file is where, its content what: "you
    should edit the `rds.tfvars` file", "Update the Makefile to use the lite stack") or does
    something to a repository's file as a whole ("Delete the `config/new_defaults.rb` file",
    "Replace the default README.md")."""
    bare = _bare(clause)
    if _EDIT.match(bare):
        return any(p.search(context_text) for p in (_FILE, _REPO_FILE, _FILE_NOUN))
    return bool(_FILE_OP.match(bare)) and bool(_REPO_FILE.search(bare))


_REFERS_TO_CHANGES = re.compile(
    r"\brevert\s+(?:PR|pull\s+request|MR|merge\s+request)\b"
    r"|\b(?:the|your|these|those|this)\s+(?:[\w-]+\s+)?changes?\b",
    re.IGNORECASE,
)
"""A PR or merge of changes said before: a revert, "merge the changes"."""
_AS_ABOVE = re.compile(
    r"\bas\s+(?:above|below|follows|described(?:\s+(?:above|below))?|shown(?:\s+(?:above|below))?"
    r"|in\s+step\s+\d+)\b"
    # the steps that say how are announced: "Follow these steps to revoke old tokens"
    r"|\b(?:follow|using|with)\s+(?:these|the\s+following|the\s+steps\s+below)\s*"
    r"(?:steps|instructions|procedure)?\s+to\b",
    re.IGNORECASE,
)
"""A change said with how elsewhere on the page: "update the two files as above"."""
_GIT_CHANGE = re.compile(
    r"\b(?:merge|PR|MR|pull\s+request|merge\s+request|commit)\b", re.IGNORECASE
)


def _resolved_by_reference(context: CheckContext, hit: Hit) -> bool:
    """Whether the change is said elsewhere on the page: an edit of a file the clause names
    (the file is where, its new content what: "Edit `values.yaml`", "modify [types.yml][x]"), a
    change that refers back to one already described ("merge the changes", "create the revert
    PR", "as above"), a PR after the edit it carries (a block of content earlier in its
    section), or a change done in the place the sentence before names ("Create a key
    in Notify's dashboard ... you can revoke the old key")."""
    clause = _own_clause(hit.words)
    if _edits_a_file(clause, clause) or _says_how_in_sentence(context, clause, hit.sentence):
        return True
    if _AS_ABOVE.search(hit.sentence) or _STEP_REFERENCE.search(hit.passage.text):
        return True
    if _GIT_CHANGE.search(hit.sentence) and (
        _REFERS_TO_CHANGES.search(hit.sentence) or _change_shown_before(context, hit.passage)
    ):
        return True
    block = hit.passage.block
    if _under_an_edit(context, block) or _edit_before_in_list(context, block, hit.sentence):
        return True
    if _contents_item(context, block):
        return True
    return _place_before(hit) or _pointer_after(hit)


@dataclass(frozen=True)
class _Layout:
    """Where each block of a document is: block start lines (for bisection) and the blocks of
    each list, built once per document so that look-ups stay linear in long lists."""

    blocks: tuple[Block, ...]
    starts: list[int]
    items: dict[int, list[int]]
    references: dict[str, str]
    """Link reference definitions, `[label]: url`, by lower-case label."""
    contents: dict[int, bool] = field(default_factory=dict)
    """Whether each list (by id) is a list of contents, worked out once per list."""


def _layout(context: CheckContext) -> _Layout:
    return context.once("RB108-layout", lambda: _lay_out(context))


def _lay_out(context: CheckContext) -> _Layout:
    blocks = context.document.blocks
    items: dict[int, list[int]] = {}
    for index, block in enumerate(blocks):
        if block.list_id is not None:
            items.setdefault(block.list_id, []).append(index)
    starts = [block.span.line for block in blocks]
    return _Layout(blocks, starts, items, _references(context))


def _link_urls(context: CheckContext, text: str) -> list[str]:
    """The addresses a text links: inline links, bare URLs and reference-style links (`[x][y]`,
    `[x][]`, `[x]`) whose definitions the document holds."""
    urls = [found.group("url") or found.group("bare") or "" for found in LINK.finditer(text)]
    references = _layout(context).references
    for found in BRACKETED.finditer(text):
        label = (found.group(2) or found.group(1)).strip().lower()
        if label in references:
            urls.append(references[label])
    return urls


_REPOSITORY_FILE_URL = re.compile(
    r"/(?:blob|tree|edit)/[^?#\s]*\.(?:ya?ml|json|rb|py|erb|tf|tfvars|toml|md|js|ts|scss|css|txt"
    r"|go|cfg|ini)(?:[?#]\S*)?$",
    re.IGNORECASE,
)
"""A link to a file of a repository (`.../blob/main/data/repos.yml`): what an edit changes."""


def _links_a_file(context: CheckContext, text: str) -> bool:
    """Whether a text links a repository's file (inline or by reference)."""
    if "[" not in text and "://" not in text:
        return False
    return any(_REPOSITORY_FILE_URL.search(url) for url in _link_urls(context, text))


def _block_index(layout: _Layout, line: int) -> int | None:
    """The index of the block that holds a source line, if any."""
    index = bisect_right(layout.starts, line) - 1
    if index >= 0 and line <= layout.blocks[index].span.end_line:
        return index
    return None


def _block_at(context: CheckContext, line: int) -> Block | None:
    layout = _layout(context)
    index = _block_index(layout, line)
    return layout.blocks[index] if index is not None else None


_SHOWN_TEXT = re.compile(
    r"\b(?:these|those|the\s+following|the\s+above|the\s+example)\s+(?:\w+\s+)?(?:lines|commands?"
    r"|snippets?|code|examples?|styles|values)\b",
    re.IGNORECASE,
)
"""Text the page shows that a change fills in: "Copy these lines and modify the class name",
"The following example commands assume production; change the URL"."""
_BY_MEANS = re.compile(
    r"\bby\s+(?:committing|clicking|pressing|selecting|editing|running|using|following"
    r"|opening|raising|merging)\b",
    re.IGNORECASE,
)
"""How a change is made, said after it: "update the page by committing your edits"."""
_STEP_REFERENCE = re.compile(r"\b(?:in|from|at|of)\s+step\s+\d+\b", re.IGNORECASE)
"""A change that undoes or repeats a numbered step ("... paused in step 3")."""


def _says_how_in_sentence(context: CheckContext, clause: str, sentence: str) -> bool:
    """Whether the change's sentence says how: it edits (or carries in a PR) a file it links
    ("update the [exemption list][x]" where x is `.../blob/.../list.rb`, "Create a PR which
    adds the team to [alphagov.yml](...)"), it fills in text the page shows ("Copy these lines
    and modify the class name"), or it names the means after the change ("... by committing
    your edits", "by pressing the bin icon")."""
    bare = _bare(clause)
    changes_a_file = _EDIT.match(bare) or _FILE_OP.match(bare) or _GIT_CHANGE.search(sentence)
    if changes_a_file and _links_a_file(context, sentence):
        return True
    if _SHOWN_TEXT.search(sentence) and _EDIT_VERB.search(clause):
        return True
    return _BY_MEANS.search(sentence) is not None


def _list_items_before(context: CheckContext, block: Block, count: int) -> list[Block]:
    """Up to `count` items of the block's list right before it, nearest first."""
    if block.list_id is None:
        return []
    layout = _layout(context)
    here = _block_index(layout, block.span.line)
    if here is None:
        return []
    listed = layout.items.get(block.list_id, [])
    before = listed[max(0, bisect_left(listed, here) - count) : bisect_left(listed, here)]
    return [layout.blocks[i] for i in reversed(before)]


def _edit_before_in_list(context: CheckContext, block: Block, sentence: str) -> bool:
    """Whether a PR or merge carries an edit of a named file that an item just before it in
    the same list asks for ("1. Edit the [fastly logs Terraform][x]. ... 3. Raise a PR, get a
    review, merge and deploy")."""
    if not _GIT_CHANGE.search(sentence):
        return False
    lines = context.document.lines
    for item in _list_items_before(context, block, _FORM_STEPS):
        text = read_block(lines, item).text
        if _EDIT_VERB.search(text) and (
            _links_a_file(context, text) or any(p.search(text) for p in (_FILE, _REPO_FILE))
        ):
            return True
    return False


def _contents_item(context: CheckContext, block: Block) -> bool:
    """Whether a list item is an entry of a list of contents: most items of its list are only
    a link to a section of the page ("1. Open a Pull Request (PR)", "2. [Wait for CI](#wait)"):
    the title of a section that says how."""
    if block.list_id is None:
        return False
    layout = _layout(context)
    known = layout.contents.get(block.list_id)
    if known is None:
        items = layout.items.get(block.list_id, [])
        lines = context.document.lines
        anchors = sum(1 for i in items if is_section_link(read_block(lines, layout.blocks[i]).text))
        known = len(items) >= _CONTENTS_ITEMS and 2 * anchors >= len(items)
        layout.contents[block.list_id] = known
    return known


_CONTENTS_ITEMS = 3


def _lead_in(context: CheckContext, block: Block) -> Block | None:
    """The paragraph a list hangs from: the block right before the list's first item, if it
    is not deeper in a list (the lead-in "edit the file and add:")."""
    if block.list_depth == 0 or block.list_id is None:
        return None
    layout = _layout(context)
    first = layout.items.get(block.list_id, [0])[0]
    for other in reversed(layout.blocks[max(0, first - 3) : first]):
        if other.kind == "html":
            continue
        if other.kind == "heading" or other.list_depth >= block.list_depth:
            return None
        return other
    return None


def _under_an_edit(context: CheckContext, block: Block) -> bool:
    """Whether a list item details an edit of a named file that its lead-in asks for ("you
    should edit the `rds.tfvars` file ... and add the following:" then "* Change `x` from
    false to true"): the item is what to write, the file where."""
    lead = _lead_in(context, block)
    if lead is None:
        return False
    text = read_block(context.document.lines, lead).text
    return any(
        _EDIT_VERB.search(sentence.text) is not None
        and any(p.search(sentence.text) for p in (_FILE, _REPO_FILE, _FILE_NOUN))
        for sentence in sentences(text)
    )


_EDIT_VERB = re.compile(r"\b(?:edit|modify|update|change|amend|adjust)\b", re.IGNORECASE)


def _pointer_after(hit: Hit) -> bool:
    """Whether the next sentence of the passage points at how ("... you will need to reindex
    elasticsearch. Follow the guidance on [how to reindex][r]")."""
    sentence = hit.passage.sentence_at(hit.start)
    index = bisect_left(hit.passage.sentence_starts, sentence.start)
    following = hit.passage.sentences[index + 1 : index + 2]
    return any(points_at_how(s.text) for s in following)


_THEIR_MODAL = re.compile(
    r"\b(?:they|he|she)\s+(?:can|could|will|would|should|may|might|must)\s+(?:\w+ly\s+|also\s+)?$",
    re.IGNORECASE,
)


_USED_TO = re.compile(
    r"\b(?:(?:is|are)\s+)?used\s+(?:to|for)\s+(?:[a-z]+\s+(?:and|or)\s+)?$", re.IGNORECASE
)


def _use_of(hit: Hit) -> bool:
    """Whether the change says what something is used for ("the script used to backup and
    restore the databases"): a description, not an instruction."""
    start = hit.passage.sentence_at(hit.start).start
    return _USED_TO.search(hit.passage.text, max(start, hit.start - 40), hit.start) is not None


_EXAMPLE = re.compile(
    r"\((?:e\.?\s?g\.?|for\s+example|for\s+instance|such\s+as)\b[^()]*$"
    r"|^\W*(?:for\s+example|for\s+instance|e\.g\.)\W+(?:you|we)\s+(?:can|could|might|may)\b",
    re.IGNORECASE,
)


def _example(hit: Hit) -> bool:
    """Whether the change is given as an example: inside brackets that open with "e.g." ("(e.g.
    run it locally, or deploy a branch to integration)"), or a sentence that opens "For example,
    you can ..." (what can be done, not what to do)."""
    start = hit.passage.sentence_at(hit.start).start
    return _EXAMPLE.search(hit.passage.text[start : hit.start]) is not None


_UI = re.compile(
    r"\b(?:click(?:ing|ed)?|press(?:ing)?|tap|tick|untick)\s+(?:on\s+)?(?:the\s+|a\s+)?\S"
    r"|\b(?:button|icon|tab|drop-?down|checkbox|check\s+box|menu|web\s+UI|screen|form|field)s?\b"
    r"|\b(?:(?:web|user|admin)\s+interface|(?-i:the\s+UI|[A-Z][\w-]*\s+(?:interface|UI)))\b"
    r"|\bin\s+the\s+top\s+(?:left|right)\b"
    # a field or a button known by its label: the "Customized message", the 'Privacy' setting
    r"|\bthe\s+(?:[\"'\u201c\u2018])(?-i:[A-Z])[\w ]{1,30}(?:[\"'\u201d\u2019])",
    re.IGNORECASE,
)
"""A user interface the reader works in: a click, a button or a field, "the UI"."""


def _in_a_ui(context: CheckContext, block: Block) -> bool:
    """Whether the change is done in a user interface that its text or the items before it
    drive ("1. Click 'Manage'. 2. Change the email address. 3. Click 'Update profile'", "delete
    the lock using the UI", "in the top left of the Kibana interface ... change this to `x`"):
    the form is the tool, its fields are named where the reader is."""
    lines = context.document.lines
    if _UI.search(read_block(lines, block).text):
        return True
    if block.list_depth == 0 or block.list_id is None:
        return False
    layout = _layout(context)
    here = _block_index(layout, block.span.line)
    if here is None:
        return False
    listed = layout.items.get(block.list_id, [])
    items = listed[max(0, bisect_left(listed, here) - _FORM_STEPS) : bisect_left(listed, here)]
    for index in reversed(items):  # back through the form's short steps
        text = read_block(lines, layout.blocks[index]).text
        if _UI.search(text):
            return True
        if len(text.split()) > _FORM_STEP_WORDS:
            return False
    return False


_FORM_STEP_WORDS = 12
"""At most this many words in a step of a form ("Set the repository name to the new name")."""
_FORM_STEPS = 4
"""At most this many of a form's steps between a change and the click that opened the form."""


def _theirs(hit: Hit) -> bool:
    """Whether the change is someone else's to make ("... so they can fix it themselves")."""
    start = hit.passage.sentence_at(hit.start).start
    return _THEIR_MODAL.search(hit.passage.text, max(start, hit.start - 40), hit.start) is not None


_CONNECTIVE = re.compile(r"^(?:then|now|next|first|finally|also|please)\W+", re.IGNORECASE)


def _resolved_step(context: CheckContext, clause: str, step: Step, passage: Passage) -> bool:
    """`_resolved_by_reference` for a step's text, and what comes right after the step: a code
    block that is not only reads (the content to write), or for a lead-in, a list (its
    details, "Apply the workspace:" and the linked workspaces)."""
    clause = _CONNECTIVE.sub("", _own_clause(clause))
    if _edits_a_file(clause, passage.text):
        return True
    sentence = _sentence_from(context, step.source or passage.block.span)
    if _says_how_in_sentence(context, clause, sentence):
        return True
    if _AS_ABOVE.search(sentence) or _STEP_REFERENCE.search(passage.text):
        return True
    if _GIT_CHANGE.search(sentence) and (
        _REFERS_TO_CHANGES.search(sentence) or _change_shown_before(context, passage)
    ):
        return True
    blocks = context.document.blocks
    if _code_follows(blocks, passage) and not _code_only_reads(context, passage):
        return True
    if step.text.rstrip().endswith(":") and _list_follows(blocks, passage):
        return True
    if step.source is None:
        return False
    block = _block_at(context, step.source.line)
    if block is not None and (
        _STEP_REFERENCE.search(read_block(context.document.lines, block).text)
        or _under_an_edit(context, block)
        or _edit_before_in_list(context, block, sentence)
        or _contents_item(context, block)
    ):
        return True
    return _place_before_step(context, step.source, clause) or _pointer_after_step(
        context, step.source
    )


def _pointer_after_step(context: CheckContext, span: Span) -> bool:
    """`_pointer_after` for a step: the sentence after it on its line points at how."""
    line = context.document.lines[span.line - 1]
    found = sentence_at(line, span.column - 1)
    if found is None:
        return False
    return points_at_how(line[found.end :].strip())


def _place_before_step(context: CheckContext, span: Span, clause: str) -> bool:
    """`_place_before` for a step: the sentence before it (on its line, or ending the line
    before in the same paragraph) names the system, or links the thing "this" changes."""
    lines = context.document.lines
    line = lines[span.line - 1]
    start = sentence_at(line, span.column - 1)
    if start is not None and start.start > 0:
        found = sentence_at(line, max(0, start.start - 2))
        previous = line[found.start : found.end] if found is not None else ""
    elif span.line > 1 and lines[span.line - 2].strip():
        above = lines[span.line - 2].rstrip()
        found = sentence_at(above, max(0, len(above) - 1))
        previous = above[found.start : found.end] if found is not None else above
    else:
        return False
    if _PLACE.search(previous):
        return True
    return bool(_THIS.match(clause)) and bool(ANY_LINK.search(previous))


def _change_shown_before(context: CheckContext, passage: Passage) -> bool:
    """Whether a code block of content (a config or a diff: no command in it) comes earlier in
    the passage's section: the change a PR then carries."""
    for block in reversed(context.document.blocks):
        if block.span.line >= passage.block.span.line:
            continue
        if block.kind == "heading":
            return False
        if block.kind == "code" and any(line.text.strip() for line in block.lines):
            steps = [
                step
                for step in context.graph.steps
                if step.source is not None
                and block.span.line <= step.source.line <= block.span.end_line
            ]
            if not steps:
                return True  # content to write (a config, a diff), not commands
    return False


def _place_before(hit: Hit) -> bool:
    """Whether the sentence right before the change, in the same passage, names the system it
    is done in (a capitalised name after in/on/via, a link) and the change names no other."""
    sentence = hit.passage.sentence_at(hit.start)
    index = bisect_left(hit.passage.sentence_starts, sentence.start)
    if index == 0:
        return False
    previous = hit.passage.sentences[index - 1].text
    if _PLACE.search(previous):
        return True
    # "[ElasticsearchPresenter][x]. Modify this if ...": what it changes is the thing linked
    return bool(_THIS.match(_own_clause(hit.words))) and bool(ANY_LINK.search(previous))


_THIS = re.compile(r"^[a-z]+\s+(?:this|it|that)\b", re.IGNORECASE)


_PLACE = re.compile(
    r"\b(?:in|on|via|using|through|from)\s+\[?(?:the\s+)?(?-i:[A-Z][\w.-]*(?:'s|\u2019s)?)"
    r"(?:\s+(?:dashboard|console|UI|portal|app|settings))?",
    re.IGNORECASE,
)
_TIME_CLAUSE = re.compile(
    r"\b(?:as\s+soon\s+as|when|whenever|once|before|after|until|while)\s+(?:you|we|they)\b"
    r"[^,;:]*$",
    re.IGNORECASE,
)


_GOAL_CLAUSE = re.compile(
    r"\b(?:if|in\s+case|unless|whether)\s+(?:you|we|they)\s+(?:(?:ever|also|still|later|then"
    r"|only|do|don't|do\s+not)\s+)?(?:need|needs|want|wish|have|decide|choose|plan|are\s+going"
    r"|were\s+to)\s+(?:to\s+)?(?:(?:also|urgently|quickly|manually)\s+)?$",
    re.IGNORECASE,
)


def _in_time_clause(hit: Hit) -> bool:
    """Whether the change is inside a clause of time about the reader ("Escalate as soon as you
    begin to consider failing over"), or is the goal a condition states ("If you need to rotate
    the secret, note that ...", "in case you need to revert the changes"): when or in which
    case the instruction applies, not the instruction."""
    start = hit.passage.sentence_at(hit.start).start
    if _TIME_CLAUSE.search(hit.passage.text, start, hit.start) is not None:
        return True
    window = max(start, hit.start - 80)
    return _GOAL_CLAUSE.search(hit.passage.text, window, hit.start) is not None


_OPEN_QUOTE = re.compile(r"\"|\u201c|\u201d")


def _quoted(hit: Hit) -> bool:
    """Whether the change is inside a quotation in its sentence (an odd number of double quotes
    before it): words someone says or said, not an instruction to the reader."""
    start = hit.passage.sentence_at(hit.start).start
    return len(_OPEN_QUOTE.findall(hit.passage.text, start, hit.start)) % 2 == 1


_PURPOSE = re.compile(r"^\W*(?:(?:so\s+as|in\s+order)\s+)?to\s+[^,;:]*$", re.IGNORECASE)


_PURPOSE_LEAD = re.compile(
    r"(?:^|(?<=[.!?]\s))\W*(?:(?:so\s+as|in\s+order)\s+)?to\s+[^,;:.]*,", re.IGNORECASE
)
"""Purpose clauses that open sentences: the goals, not the changes asked for."""


def _purpose(hit: Hit) -> bool:
    """Whether the change is the goal of a purpose clause that opens the sentence ("To stop the
    errors and clear the alert, disable ..."): the instruction is what follows the comma."""
    start = hit.passage.sentence_at(hit.start).start
    return _PURPOSE.match(hit.passage.text[start : hit.start]) is not None


@dataclass(frozen=True)
class _Action:
    """A change instruction of the document: its verbs and object words (stemmed), and
    whether its passage says how (a command, a tool, a code block or a list after it)."""

    line: int
    verbs: frozenset[str]
    objects: frozenset[str]
    resolved: bool


_CHANGE_WORDS = re.compile(_CHANGE_VERB, re.IGNORECASE)
_FUNCTION_WORDS = frozenset(
    {"the", "and", "any", "all", "for", "with", "from", "this", "that", "these", "those", "your",
     "our", "their", "its", "into", "onto", "them", "they", "you", "immediately", "not", "etc",
     "other", "some", "each", "every", "then", "also", "just", "can", "should", "must", "will",
     "need", "needs", "may", "might", "have", "has", "are", "was", "were", "been", "being"}
)  # fmt: skip


@lru_cache(maxsize=256)
def _clause_verbs_and_objects(clause: str) -> tuple[frozenset[str], frozenset[str]]:
    """`_verbs_and_objects` of a change clause (short), cached: RB108 asks again for each
    finding's words, already read for the document's actions."""
    return _verbs_and_objects(clause)


def _verbs_and_objects(words: str) -> tuple[frozenset[str], frozenset[str]]:
    """The stemmed change verbs of some words and their other (object) words."""
    changes = [found.group(0) for found in _CHANGE_WORDS.finditer(words)]
    verbs = {_stem(change) for change in changes}
    verb_words = {_stem(w) for change in changes for w in change.split()}
    objects = {
        _stem(word)
        for word in words.split()
        if len(word) > 2 and word.lower() not in _FUNCTION_WORDS
    } - verb_words
    return frozenset(verbs), frozenset(objects)


def _actions(context: CheckContext, hits: list[Hit]) -> dict[str, list[_Action]]:
    """The change instructions of the document whose own passage says how, by verb."""
    found: dict[str, list[_Action]] = {}
    for hit in hits:
        if hit.match.group("clause") is None:
            continue
        verbs, objects = _clause_verbs_and_objects(hit.words)
        resolved = (
            _says_how_here(context, hit.passage)
            or _names_system(hit.words)
            or _section_details(context.document.blocks, hit.passage)
        )
        if resolved:
            for verb in verbs:
                found.setdefault(verb, []).append(_Action(hit.span.line, verbs, objects, resolved))
    return found


def _section_details(blocks: tuple[Block, ...], passage: Passage) -> bool:
    """Whether a heading's section holds a list or a code block (the heading's action is
    detailed there: "## Isolate Affected Instances" then its bullets)."""
    if passage.block.kind != "heading":
        return False
    for block in blocks_after(blocks, passage.block.span.end_line):
        if block.kind == "heading":
            return False
        if block.list_depth > 0 or block.kind == "code":
            return True
    return False


def _said_elsewhere(actions: dict[str, list[_Action]], finding: Finding) -> bool:
    """Whether the same change (a verb and, when it has one, its object) is said with how to
    do it elsewhere: a checklist item or intro ("Isolate affected instances") that a later
    section details, or "restart if necessary" before the restart commands."""
    verbs, objects = _clause_verbs_and_objects(finding.evidence)
    return any(
        action.line != finding.span.line and (not objects or objects & action.objects)
        for verb in verbs
        for action in actions.get(verb, ())
    )


def _says_how_here(context: CheckContext, passage: Passage) -> bool:
    """Whether a passage says how: a command or a tool in inline code, a code block right after
    it that changes something, or a list right after it that details it."""
    blocks = context.document.blocks
    return (
        _command_in(context, passage)
        or (_code_follows(blocks, passage) and not _code_only_reads(context, passage))
        or _list_follows(blocks, passage)
    )


_LEAD_IN = re.compile(
    r"^\W*(?:(?:then|now|next|first|finally|also|please|try|you\s+(?:can|could|should|must|may"
    r"|might))\s+)*$",
    re.IGNORECASE,
)


def _leads(hit: Hit) -> bool:
    """Whether the change is the sentence's first instruction ("Try deleting the pod and watch
    ...", not "Check the status and restart count"): what a block after it must do."""
    sentence = hit.passage.sentence_at(hit.start)
    return _LEAD_IN.match(hit.passage.text, sentence.start, hit.start) is not None


_SETS = re.compile(r"^\s*(?:\$\s+)?(?:export\s+)?[A-Za-z_][A-Za-z0-9_]*=|.*(?:>\s*\S|\|\s*tee\b)")
"""A shell line that sets something: an assignment, or output written to a file."""


def _code_only_reads(context: CheckContext, passage: Passage) -> bool:
    """Whether the code block right after a passage holds only steps that read (each binds a
    tool whose effect is `read`): "Try deleting the pod:" then `oc get pods` shows the pods,
    it does not say how to delete one."""
    after = block_after(context.document.blocks, passage.block.span.end_line)
    if after is None or after.kind != "code":
        return False
    if any(_SETS.match(line.text) for line in after.lines):
        return False  # "Configure the variable:" then `export X="$(oc get ...)"` sets it
    first, last = after.span.line, after.span.end_line
    inside = [
        step
        for step in context.graph.steps
        if step.source is not None and first <= step.source.line <= last
    ]
    return bool(inside) and all(step.effect == "read" for step in inside)


def _command_in(context: CheckContext, passage: Passage) -> bool:
    """Whether the passage's inline code holds a command or a tool."""
    return any(_says_how_inline(context, code.text) for code in passage.block.inline_code)


def _says_how_inline(context: CheckContext, code: str) -> bool:
    """Inline code that is a command (words and options) or a registry tool, not a file name
    or a setting (`alertmanager.yaml`, `maxPods`)."""
    return (
        bool(_COMMAND_LIKE.search(code))
        or bool(_TASK_NAME.match(code))
        or code in context.registry.tools
    )


_TASK_NAME = re.compile(r"^[a-z][\w-]*(?::[\w-]+)+(?:\[[^\]]*\])?$")
"""A task runner's task name (`db:data:migrate`, `rename_country:all[a,b]`): the command."""


_INLINE_CODE = re.compile(r"`([^`\n]+)`")


_COMMAND_LIKE = re.compile(
    # words and options, a shell or path start, a call, or a tool-like `family.verb_noun`: one
    # dot, lower-case snake words; a file name or a field path (`spec.evaluationInterval`,
    # `metadata.labels.app`) is neither
    r"\S\s+\S|^[!/$]|^\w+\(|^[a-z][a-z0-9_-]*\.(?!(?:ya?ml|json|conf|cfg|ini|toml|txt|log|sh|py"
    r"|md|pem|crt|key|xml|env)$)[a-z_][a-z0-9_]*$"
)


def _gerund_of_change(words: str) -> bool:
    """Whether "deleting the pod", "doing a rolling restart" (after "try", "consider") is a
    change: the gerund's verb, with the words after it, starts a change clause."""
    first, _, rest = words.partition(" ")
    gerund = first.lower()[:-3]
    bases = {gerund, gerund + "e", gerund[:-1] if gerund[-1:] == gerund[-2:-1] else gerund}
    for base in bases:
        phrase = f"{base} {rest}"
        found = _CHANGE_WORDS.match(phrase)
        whole = found is not None and (
            found.end() == len(phrase) or not phrase[found.end()].isalnum()
        )
        if found is not None and whole and found.end() >= len(base):
            return True
    return False


def _list_details(context: CheckContext, hit: Hit) -> bool:
    """Whether the list right after the passage details this action: the passage asks for one
    change (the list is how), or the list repeats the action's verb. "Shut down servers, turn
    off a data center. Some common things to try:" and a list that only shuts down leaves the
    data center unsaid."""
    blocks = context.document.blocks
    if not _list_follows(blocks, hit.passage):
        return False
    changes = len(_CHANGE_WORDS.findall(_PURPOSE_LEAD.sub(" ", hit.passage.text)))
    if changes <= 1:
        return True
    verbs, _ = _clause_verbs_and_objects(hit.words)
    depth = hit.passage.block.list_depth
    listed = []
    for block in blocks_after(blocks, hit.passage.block.span.end_line):
        if block.kind == "html":
            continue
        if block.list_depth <= depth:
            break
        listed.append(block.text)
    said, _ = _verbs_and_objects(" ".join(listed))
    return bool(verbs & said)


def _list_follows(blocks: tuple[Block, ...], passage: Passage) -> bool:
    """Whether a list nested deeper than the passage comes right after it (its details)."""
    after = block_after(blocks, passage.block.span.end_line)
    return (
        after is not None
        and after.list_depth > passage.block.list_depth
        and passage.block.kind != "heading"
    )


def _implied_in_steps(context: CheckContext) -> Iterator[Finding]:
    steps = context.graph.steps
    for index, step in enumerate(steps):
        if step.tool is not None or step.source is None or step.kind in ("decision", "end"):
            continue
        bound = context.graph.bound[step.id]
        if bound.draft.command is not None or any(i.kind == "unknown-tool" for i in bound.issues):
            continue
        if any(_says_how_inline(context, code) for code in _INLINE_CODE.findall(step.text)):
            continue  # "Restart it with `systemctl restart foo`"
        if step.text.rstrip().endswith(":") and (
            _says_how(context, steps[index + 1]) or _query_follows(context, step.source)
        ):
            continue  # a lead-in: the commands or the query after it say how
        if step.source.end_line > len(context.document.lines):
            continue
        block = Block(kind="paragraph", span=step.source, text=step.text)
        passage = read_block(context.document.lines, block)
        match = _IMPLIED_ACTION.search(passage.text)  # the first action only
        if match is None:
            continue  # (tested first: it is cheaper than finding the sentence)
        if not _instructs(_sentence_from(context, step.source)):
            continue  # a step cut from a description ("... the operator reconciles to update")
        if _FILLS_IN.match(match.group(0)) or _resolved_step(
            context, match.group(0), step, passage
        ):
            continue  # "Edit `values.yaml`:" and its content, "merge the changes"
        source_block = _block_at(context, step.source.line)
        if source_block is not None and _in_a_ui(context, source_block):
            continue  # "Change the email address" among the form's clicks
        named = _names_system(match.group(0), passage.text, match.start())
        if named and not _LOOK_UP.match(match.group(0)):
            continue  # "update the incident in PagerDuty": the tool is named
        if _TO_PEOPLE.search(match.group(0)):
            continue
        if _TRIBAL.search(match.group(0)):
            continue  # "check the usual dashboard": RB104 names what is missing
        if match.start() == 0 and _place_named_before(context, step.source):
            continue  # "Sign in to [the desk](...) and raise a CR"
        start = match.start() + len(match.group(0)) - len(_bare(match.group(0)))
        if start >= match.end():
            start = match.start()
        words = " ".join(passage.text[start : match.end()].split())
        yield Finding(
            "RB108",
            passage.span(start, match.end()),  # the change itself, not "you can"
            f'"{words}" asks for an action but names no tool or command',
            "name the registry tool (inline code) or give the exact command in a code block",
            words,
            step.id,
        )


def _place_named_before(context: CheckContext, span: Span) -> bool:
    """Whether a step cut from the middle of a sentence is coordinated with an action before it
    that names the system both are done in ("Sign in to [the desk](...) and raise a CR")."""
    line = context.document.lines[span.line - 1]
    found = sentence_at(line, span.column - 1)
    before = line[found.start if found is not None else 0 : span.column - 1]
    return _AND_THEN.search(before) is not None and _names_system(before)


def _sentence_from(context: CheckContext, span: Span) -> str:
    """The source sentence a step starts in, from its start (for a step cut from the middle of
    a sentence, the words before it decide whether the sentence instructs)."""
    line = context.document.lines[span.line - 1]
    found = sentence_at(line, span.column - 1)
    return line[found.start : found.end] if found is not None else line


_QUERY_LANGUAGES = frozenset({"promql", "logql", "sql", "kql", "traceql"})


def _says_how(context: CheckContext, step: Step) -> bool:
    """Whether a step is a tool call or a command (bound or not: RB207 covers the latter)."""
    bound = context.graph.bound.get(step.id)
    return step.tool is not None or (bound is not None and bound.draft.command is not None)


def _query_follows(context: CheckContext, span: Span) -> bool:
    """Whether the block right after a span is a query (PromQL, SQL...) to run."""
    after = next(blocks_after(context.document.blocks, span.end_line), None)
    return after is not None and after.kind == "code" and after.info.lower() in _QUERY_LANGUAGES
