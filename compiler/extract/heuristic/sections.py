"""What a block's headings say: whether its section reads as procedure or description (a prior
only), the section's name and anchor, and a condition a heading states.
"""

from __future__ import annotations

import re

from compiler.parse import Block, anchor
from compiler.text.genre import PROCEDURAL, section_kind

__all__ = ["PROCEDURAL", "is_procedural"]

_CONDITIONAL_HEADING = re.compile(r"(?:if|when|in case|unless)\b", re.IGNORECASE)


def is_procedural(block: Block, procedural_doc: bool) -> bool:
    """Whether a block belongs to a section that reads as procedure (Diagnosis, Steps...).

    A prior only: no section is dropped by its heading, nor any instruction in it. Under a
    descriptive heading (Meaning, Impact) an obligation put on a third party ("Affected hosts
    should be isolated") is not read as a step."""
    titles = (*block.sections, block.text) if block.kind == "heading" else block.sections
    for title in reversed(titles):
        kind = section_kind(title)
        if kind is not None:
            return kind
    return not procedural_doc


def _section_of(block: Block) -> tuple[str | None, str | None]:
    if not block.sections:
        return None, None
    return " > ".join(block.sections), anchor(block.sections[-1])


def _heading_condition(block: Block) -> str | None:
    """Steps under a heading such as "If all pods are running" hold only under that condition."""
    if block.sections and _CONDITIONAL_HEADING.match(block.sections[-1]):
        return block.sections[-1]
    return None
