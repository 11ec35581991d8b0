"""Scaffold a new rule: its `@rule` in the family's module, its golden fixture, its docs page.

    python scripts/add_rule.py RB113 vague-deadline [--severity warning]

Writes a check function that finds nothing and docs that say TODO, so the rule tests fail
until the rule is written (ARCHITECTURE.md, "Adding a rule"): fill in the docs and the check
(message and fix beside the `@rule`), make the fixture flag what the rule is about, then run
`python -m compiler.draw.ruledocs` for docs/rules/ and the README's table.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FAMILIES = {
    "RB0": "source",
    "RB1": "assumptions/reasons",
    "RB2": "binding",
    "RB3": "graph",
    "RB4": "grounding",
}
"""Families whose rules are check functions (RB9xx are reported by the sign-off stage). RB1xx
is a package of modules, one per rule family: a new rule lands in its last module (after
RB112), to move to the module of its family if one fits."""


def stub(code: str, name: str, severity: str) -> str:
    """The `@rule` and check function of a new rule, as module text."""
    function = name.replace("-", "_")
    return f'''

@rule(
    "{code}",
    "{name}",
    "{severity}",
    blocking=True,
    signoff=True,
    summary="TODO: one sentence saying what it flags.",
    docs=RuleDoc(
        what="TODO",
        why="TODO",
        example="TODO",
        instead="TODO",
    ),
)
def {function}(context: CheckContext) -> Iterator[Finding]:
    # TODO: yield Finding("{code}", span, message, fix, evidence, step_id) for each problem
    return iter(())
'''


FIXTURE = """# TODO: a runbook that shows the problem

## Steps

1. TODO: a line {code} flags. <!-- expect: {code} -->
2. TODO: a line like it that {code} must leave alone.
"""


def scaffold(code: str, name: str, severity: str, root: Path = ROOT) -> list[Path]:
    """Write the rule and its fixture under `root`; the paths written. ValueError when the
    code or name is malformed or taken."""
    if not re.fullmatch(r"RB[0-4]\d\d", code):
        raise ValueError(f"{code}: a check rule's code is RB0xx to RB4xx")
    if not re.fullmatch(r"[a-z]+(?:-[a-z]+)+", name):
        raise ValueError(f"{name}: a rule's name is kebab-case, at least two words")
    if severity not in ("info", "warning", "error"):
        raise ValueError(f"{severity}: severity is info, warning or error")
    module = root / "compiler" / "rules" / f"{FAMILIES[code[:3]]}.py"
    fixture = root / "tests" / "fixtures" / "rules" / f"{code}.md"
    text = module.read_text(encoding="utf-8")
    rules = root / "compiler" / "rules"
    for path in rules.rglob("*.py"):
        taken = path.read_text(encoding="utf-8")
        if f'"{code}"' in taken or f'"{name}"' in taken:
            raise ValueError(f"{code} or {name} is already declared in {path.name}")
    if fixture.exists():
        raise ValueError(f"{fixture} exists")
    module.write_text(text.rstrip("\n") + "\n" + stub(code, name, severity), encoding="utf-8")
    fixture.write_text(FIXTURE.format(code=code), encoding="utf-8")
    return [module, fixture]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("code", help="RB0xx to RB4xx, the next free one of its family")
    parser.add_argument("name", help="kebab-case, says what is wrong")
    parser.add_argument("--severity", default="warning", choices=["info", "warning", "error"])
    args = parser.parse_args()
    try:
        written = scaffold(args.code.upper(), args.name, args.severity)
    except ValueError as error:
        print(f"add_rule: {error}", file=sys.stderr)
        return 2
    for path in written:
        print(f"wrote {path.relative_to(ROOT)}")
    print("next: write the docs and the check, make the fixture real, then run")
    print("  python -m compiler.draw.ruledocs && pytest -q tests/test_rules.py")
    return 0


if __name__ == "__main__":
    sys.exit(main())
