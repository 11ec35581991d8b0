"""A task list's check box ("[ ]", "[x]") before an item's words, in the three forms the readers
meet it.

They are kept apart on purpose, since each reader sees a different text: the extractor reads an
item's words after its list mark is gone and takes only a well-formed box ("[ ]", "[x]") followed
by a space; the assumption rules read a sentence as written, list mark and all ("- [ ] Page the
IMOC"), and also take an empty "[]"; the placeholder rule reads the sentence round an inline code
span, where any punctuation or markup ("**[ ]**", "> [x]") may come first and no space need follow
("[x]`kubectl ...`"). Made one pattern, each would strip or keep words the others' readers rely on.
"""

from __future__ import annotations

import re

TASK_BOX = re.compile(r"^\[[ xX]\]\s+")
"""A task list's check box before an item's words ("[ ] Determine the version"): no word
of the instruction, nor of the command it may hold ("[ ] `kubectl get nodes`")."""

LISTED_TASK_BOX = re.compile(r"^(?:[-*+]\s+|\d+[.)]\s+)?\[[ xX]?\]\s+")
"""A task list's box before an item, with the item's list mark if it has one ("- [ ] Page the
IMOC", "1. [x] Page the IMOC"): the item is read without it."""

LOOSE_TASK_BOX = re.compile(r"^\W*\[[ xX]?\]\s*")
"""A task list's box at the start of a sentence after any punctuation or markup, with or without
a space after it ("**[ ]** Check", "[x]`kubectl get pods`")."""
