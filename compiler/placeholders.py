"""Placeholders: the values a runbook leaves to be filled in at run time.

`$NAMESPACE`, `${NAMESPACE}`, `<namespace>` and `{{namespace}}` all name the input `namespace`;
fillers written as text (`pod-XXXXX`, `my-cluster`, `your-namespace`, `/path/to/file`,
`[port number]`) are placeholders too.
Shared by binding (placeholder arguments are not checked against a tool's schema), the
undeclared-placeholder rule, and the runtime guard (a placeholder accepts the run's input).
"""

from __future__ import annotations

import re

PLACEHOLDER = re.compile(
    r"\$\{(?P<brace>[^{}\s]+)\}|\$(?P<dollar>[A-Za-z_]\w*)"
    r"|<(?P<angle>[A-Za-z_][\w .:/-]*)>|\{\{\s*(?P<mustache>[A-Za-z_][\w.-]*)\s*\}\}"
    # fillers written as text: `pod-XXXXX`, `my-cluster`, `/path/to/kubeconfig`, `[port number]`
    r"|(?<![\w$/.-])(?P<filler>[A-Za-z0-9_.-]*(?<![A-Za-z])X{3,}(?![a-z])[A-Za-z0-9_.-]*)"
    r"|(?<![\w$/.-])(?P<example>(?:my|your|example)-[a-z0-9][\w.-]*)"
    r"|(?P<path>/path/to/[\w./-]*\w)"
    r"|\[(?P<bracket>[a-z][a-z -]{0,30}\s(?:number|name|id|address|port|host|value|here))\]"
)
SUBSTITUTION = "$(...)"
"""How a `$(command)` argument is recorded: its value, too, is only known at run time."""


def raw_name(match: re.Match[str]) -> str:
    """The placeholder's name as written (`ETCD_POD`, `etcd-pod`)."""
    return next(value for value in match.groupdict().values() if value)


def placeholder_name(match: re.Match[str]) -> str:
    """The input a placeholder refers to: `$ETCD_POD`, `${etcd_pod}`, `<etcd-pod>` and
    `{{etcd_pod}}` all mean `etcd_pod`."""
    return re.sub(r"[-. ]", "_", raw_name(match).lower())


def input_key(name: str) -> str:
    """The one comparable form of an input's name, used wherever a placeholder is matched to
    a declared input: `POD_NAME`, `pod-name` and `podName` are one input."""
    return re.sub(r"[^0-9a-z]", "", name.lower())


def is_placeholder(value: str) -> bool:
    """Whether a whole value is filled in at run time."""
    return value == SUBSTITUTION or PLACEHOLDER.fullmatch(value) is not None
