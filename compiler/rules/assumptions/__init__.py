"""RB1xx: implicit assumptions — what a human reader fills in without noticing.

Each rule looks for the words a person would silently complete ("if needed", "the AE", "the
usual dashboard") and reports the exact words, so a human can write down what they mean. One
module per rule family, importing what they share from `scan`; they are imported here in code
order, which is the order the rules register in.
"""

# isort: off
# RB101-RB102, RB103, RB104, RB105, RB106, RB107, RB108, RB109-RB111, RB112
from compiler.rules.assumptions import (  # noqa: F401
    conditions,
    actors,
    tribal,
    access,
    waits,
    placeholders,
    actions,
    document,
    reasons,
)

# isort: on
