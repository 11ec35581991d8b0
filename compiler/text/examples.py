"""Text that shows examples rather than asks for anything: a lead-in to examples.

"Good examples:", "For example:", "Do say:" introduce quoted examples of wording ("> Reboot a
machine"): what they show is what is meant, not an instruction to the reader. The extractor
takes no step from them and RB108 asks no tool of them.
"""

from __future__ import annotations

import re

_EXAMPLE_LEAD = re.compile(
    r"\b(?:examples?|e\.g\.|for\s+instance|do(?:n't|\s+not)?\s+(?:say|write))\s*:\s*$",
    re.IGNORECASE,
)


def introduces_examples(text: str) -> bool:
    """Whether a paragraph introduces examples: "Good examples:", "For example:", "Do say:"."""
    return _EXAMPLE_LEAD.search(text) is not None
