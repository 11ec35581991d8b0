"""Relabel RB107 in eval gold files: once per distinct placeholder per document.

../shared/LABELLING.md labels an undeclared placeholder "once per distinct placeholder, on its
first line". The older groups (top-level cases, seed, corpus, adversarial, clean, heldout) were
labelled once per command. This script applies the labelling rule mechanically: per gold file,
it keeps the first RB107 flag label (lowest line) of each distinct placeholder and deletes the
later ones. Nothing else changes: other labels, `clean_lines`, comments and order are kept, and
only whole one-line `- {code: RB107, ...}` entries under `flags:` are removed.

A label's placeholder is read, in this order, from its `evidence:` field, from its trailing
comment (`# $NAMESPACE`), or from the runbook line it points at when that line holds exactly one
placeholder; it is named the way the rule names it (`compiler.placeholders.placeholder_name`:
`$POD_NAME`, `<pod-name>` and `{{pod_name}}` are one placeholder). A label whose placeholder
cannot be read is kept and counted as "undetermined".

The script prints per-group counts only, never a file's content or name, so it can run over the
held-out groups without anyone reading them:

    python scripts/dedupe_rb107_labels.py [evals] [--write]

Without `--write` it only counts.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

from compiler.placeholders import PLACEHOLDER, placeholder_name

GROUPS = (
    "cases",
    "cases/seed",
    "cases/corpus",
    "cases/adversarial",
    "cases/clean",
    "cases/heldout",
    "cases/prose",
    "cases/prose-heldout",
)
_TOP_KEY = re.compile(r"^[A-Za-z_][\w-]*\s*:")
_FLOW_ITEM = re.compile(r"^\s*-\s*\{[^{}]*\}\s*(?:#(?P<comment>.*))?$")


def _first_placeholder(text: str) -> str | None:
    match = PLACEHOLDER.search(text)
    return placeholder_name(match) if match else None


def _on_line(runbook: list[str], line: int) -> str | None:
    """The one placeholder a runbook line holds, or None when it holds none or several."""
    if not 1 <= line <= len(runbook):
        return None
    names = {placeholder_name(m) for m in PLACEHOLDER.finditer(runbook[line - 1])}
    return names.pop() if len(names) == 1 else None


def dedupe(gold: Path) -> tuple[str, int, int, int]:
    """The gold file's new text and (RB107 labels, labels removed, labels undetermined)."""
    text = gold.read_text("utf-8")
    lines = text.splitlines(keepends=True)
    md = gold.with_name(gold.name.removesuffix(".gold.yaml") + ".md")
    runbook = md.read_text("utf-8").splitlines() if md.is_file() else []
    labels: list[tuple[int, int, str | None]] = []  # (label's line, index in the file, name)
    section = None
    for index, raw in enumerate(lines):
        if _TOP_KEY.match(raw):
            section = raw.split(":", 1)[0].strip()
            continue
        item = _FLOW_ITEM.match(raw)
        if section != "flags" or item is None:
            continue
        parsed = yaml.safe_load(raw)
        if not (isinstance(parsed, list) and len(parsed) == 1 and isinstance(parsed[0], dict)):
            continue
        label: dict[str, Any] = parsed[0]
        if label.get("code") != "RB107" or not isinstance(label.get("line"), int):
            continue
        name = None
        if isinstance(label.get("evidence"), str):
            name = _first_placeholder(label["evidence"])
        if name is None and item.group("comment"):
            name = _first_placeholder(item.group("comment"))
        if name is None:
            name = _on_line(runbook, label["line"])
        labels.append((label["line"], index, name))
    drop: set[int] = set()
    seen: set[str] = set()
    for _line, index, name in sorted(labels):
        if name is None:
            continue
        if name in seen:
            drop.add(index)
        seen.add(name)
    new = "".join(raw for index, raw in enumerate(lines) if index not in drop)
    _check(text, new, len(drop))
    undetermined = sum(1 for *_, name in labels if name is None)
    return new, len(labels), len(drop), undetermined


def _check(old: str, new: str, dropped: int) -> None:
    """The edit removed exactly `dropped` RB107 flag labels and changed nothing else."""
    before, after = yaml.safe_load(old), yaml.safe_load(new)
    flags_before = Counter(repr(sorted(f.items())) for f in before.get("flags") or [])
    flags_after = Counter(repr(sorted(f.items())) for f in after.get("flags") or [])
    removed = flags_before - flags_after
    assert not flags_after - flags_before, "a label was added"
    assert sum(removed.values()) == dropped, "not exactly the dropped labels went"
    assert all("'RB107'" in key for key in removed), "a label other than RB107 went"
    assert {k: v for k, v in before.items() if k != "flags"} == {
        k: v for k, v in after.items() if k != "flags"
    }, "something other than flags changed"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("directory", nargs="?", default="evals", type=Path)
    parser.add_argument("--write", action="store_true", help="rewrite the gold files")
    args = parser.parse_args()
    for group in GROUPS:
        folder = args.directory / group
        totals = Counter[str]()
        for gold in sorted(folder.glob("*.gold.yaml")):
            new, labels, removed, undetermined = dedupe(gold)
            totals.update(files=1, labels=labels, removed=removed, undetermined=undetermined)
            if args.write and removed:
                gold.write_text(new, "utf-8")
        print(
            f"{group}: {totals['files']} gold file(s), {totals['labels']} RB107 label(s), "
            f"{totals['removed']} removed, {totals['undetermined']} undetermined (kept)"
        )


if __name__ == "__main__":
    main()
