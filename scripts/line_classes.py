"""Print a runbook line by line with the class the compiler gives it, for a recall pass on
unlabelled documents: `S` a line a step starts on (with the step's kind and text), `s` a line
inside a step, `U` an unplaced instruction (RB008), else the coverage class's first letter
(d description, o output, h heading, t table, q quote, l links, c comment, f front matter).

    python scripts/line_classes.py FILE.md [...] [--registry runbooks_src/tools.yaml]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from compiler.extract.coverage import _block_class, account
from compiler.extract.heuristic import extract
from compiler.parse import parse
from compiler.registry import load_registry


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--registry", default=Path("runbooks_src/tools.yaml"), type=Path)
    args = parser.parse_args()
    programs = load_registry(args.registry).programs
    for path in args.files:
        show(path, programs)


def show(path: Path, programs: frozenset[str]) -> None:
    text = path.read_text(encoding="utf-8", errors="replace")
    document = parse(text, str(path))
    drafts = extract(document, programs)
    covered = account(document, drafts, programs)
    lines = document.lines
    marks = [""] * len(lines)
    starts: dict[int, list[str]] = {}
    for draft in drafts:
        for span in filter(None, (draft.span, draft.note_span)):
            for n in range(span.line, min(span.end_line, len(lines)) + 1):
                marks[n - 1] = marks[n - 1] or "s"
        starts.setdefault(draft.span.line, []).append(f"{draft.kind}: {draft.text[:70]}")
    for block in document.blocks:
        kind = _block_class(block, lines)[0]
        for n in range(block.span.line, min(block.span.end_line, len(lines)) + 1):
            marks[n - 1] = marks[n - 1] or kind
    for issue in covered.unplaced:
        marks[issue.span.line - 1] = "U"
    print(f"##### {path.name}  steps={len(drafts)} unplaced={len(covered.unplaced)}")
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        mark = "S" if n in starts else (marks[n - 1] or "-")
        extra = "   <= " + " | ".join(starts[n]) if n in starts else ""
        print(f"{mark} {n:4} {line[:110]}{extra}")


if __name__ == "__main__":
    main()
