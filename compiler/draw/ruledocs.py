"""The rule catalogue as data and documents: `runbookc rules --format json|markdown`, the
README's rule table, and one page per rule in docs/rules/ (SARIF `helpUri` points there).

Everything here is generated from the rule registry; `tests/test_rules.py` fails when the
checked-in copies drift (`python -m compiler.draw.ruledocs` rewrites the pages and the README's
table).
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from compiler.rules import Rule, all_rules

FAMILIES = {
    "RB0": "Source and structure",
    "RB1": "Implicit assumptions",
    "RB2": "Binding",
    "RB3": "Graph",
    "RB4": "LLM extractor",
    "RB9": "Sign-offs",
}


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def rule_data(rule: Rule) -> dict[str, Any]:
    """One rule as JSON data: metadata and its four-part docs."""
    return {
        "code": rule.code,
        "name": rule.name,
        "severity": rule.severity,
        "blocking": rule.blocking,
        "signoff": rule.signoff,
        "family": FAMILIES.get(rule.family, rule.family),
        "summary": rule.summary,
        "docs": {
            "what": rule.docs.what,
            "why": rule.docs.why,
            "example": rule.docs.example,
            "instead": rule.docs.instead,
        },
    }


def rules_json(rules: Mapping[str, Rule] | None = None) -> str:
    """Every rule, as a JSON list in code order."""
    rules = all_rules() if rules is None else rules
    return json.dumps([rule_data(r) for r in rules.values()], indent=2, ensure_ascii=False) + "\n"


def rules_table(rules: Mapping[str, Rule] | None = None, link: bool = False) -> str:
    """The markdown table of every rule (the README's, exactly; `link` links each code to
    its page in docs/rules/)."""
    rules = all_rules() if rules is None else rules
    lines = [
        "| code | name | severity | blocks | sign-off | what it flags |",
        "|---|---|---|---|---|---|",
    ]
    for r in rules.values():
        code = f"[{r.code}]({r.code}.md)" if link else r.code
        summary = r.summary.replace("|", "\\|")
        lines.append(
            f"| {code} | `{r.name}` | {r.severity} | {_yes(r.blocking)} | {_yes(r.signoff)} "
            f"| {summary} |"
        )
    return "\n".join(lines) + "\n"


def _fenced(text: str) -> str:
    """A code block whose fence is longer than any backtick run inside (examples hold
    fenced blocks of their own)."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}\n{text}\n{fence}"


def rule_page(rule: Rule) -> str:
    """A rule's page: metadata, then what it does, why, an example, what to write instead."""
    signoff = "yes" if rule.signoff else "no — the runbook or the registry must change"
    return (
        f"# {rule.code} `{rule.name}`\n\n"
        f"{rule.summary}\n\n"
        f"- Family: {FAMILIES.get(rule.family, rule.family)}\n"
        f"- Severity: {rule.severity}\n"
        f"- Blocks an agent until fixed or signed off: {_yes(rule.blocking)}\n"
        f"- Can be signed off: {signoff}\n\n"
        f"## What it does\n\n{rule.docs.what}\n\n"
        f"## Why is this bad?\n\n{rule.docs.why}\n\n"
        f"## Example\n\n{_fenced(rule.docs.example)}\n\n"
        f"## Use instead\n\n{_fenced(rule.docs.instead)}\n\n"
        f"Generated from the rule registry (`runbookc explain {rule.code}` shows the same).\n"
    )


def index_page(rules: Mapping[str, Rule] | None = None) -> str:
    """docs/rules/README.md: every rule, linked."""
    return (
        "# Rules\n\n"
        "Every diagnostic `runbookc` reports, generated from the rule registry "
        "(`runbookc rules --format markdown`). A blocking diagnostic that is not signed off "
        "makes its step `gate: human` and the artifact `blocked`.\n\n" + rules_table(rules, True)
    )


def rule_documents(rules: Mapping[str, Rule] | None = None) -> dict[str, str]:
    """File name -> content of every page of docs/rules/."""
    rules = all_rules() if rules is None else rules
    pages = {f"{code}.md": rule_page(rule) for code, rule in rules.items()}
    pages["README.md"] = index_page(rules)
    return pages


def write_rule_docs(folder: Path) -> list[str]:
    """(Re)write docs/rules/; the names of the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in rule_documents().items():
        path = folder / name
        if not path.is_file() or path.read_text("utf-8") != text:
            path.write_text(text, "utf-8")
            written.append(name)
    return written


def write_readme_table(readme: Path) -> bool:
    """Put the current rule table in place of the README's (the first markdown table whose
    header is the rule table's); whether the file changed."""
    text = readme.read_text("utf-8")
    header = rules_table().split("\n", 1)[0]
    start = text.index(header + "\n")
    end = start
    while text.startswith("|", end):
        end = text.index("\n", end) + 1
    updated = text[:start] + rules_table() + text[end:]
    if updated == text:
        return False
    readme.write_text(updated, "utf-8")
    return True


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/rules")
    for name in write_rule_docs(target):
        print(f"wrote {target / name}")
    readme = Path(sys.argv[2] if len(sys.argv) > 2 else "README.md")
    if readme.is_file() and write_readme_table(readme):
        print(f"wrote the rule table of {readme}")
