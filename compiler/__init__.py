"""runbook-compiler: markdown runbooks -> explicit, tool-bound step graphs for agents."""

__version__ = "0.1.0"
