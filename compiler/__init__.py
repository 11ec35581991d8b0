"""runbook-compiler: markdown runbooks -> explicit, tool-bound step graphs for agents."""

__version__ = "0.1.0"
PROJECT_URL = "https://github.com/runbook-compiler/runbook-compiler"
"""The project's home: SARIF `informationUri`, the package metadata, the GitHub Action."""
DOCS_URL = f"{PROJECT_URL}/blob/main/docs"
"""Where docs/ is published; rule pages are `docs/rules/<CODE>.md` (SARIF `helpUri`)."""
