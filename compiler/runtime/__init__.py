"""Agent runtime: load a compiled runbook, guard every tool call, audit what happened.

Lean on purpose: importing it loads none of the CLI's or the compiler's heavier dependencies
(typer, rich, jinja2, markdown_it, openai, instructor); an agent process needs only the
artifact, the registry and the profiles. `mcp` and `langchain_core` are imported only by
`compiler.runtime.mcp_server` and by `langchain_tools()` when called.
"""

from compiler.runtime.adapters import tool_specs
from compiler.runtime.audit_log import AuditLog, AuditTrail, read_audit_log
from compiler.runtime.commands import RenderError, fill_arguments, missing_inputs, render_command
from compiler.runtime.execute import (
    Execution,
    ExecutionResult,
    Executor,
    SubprocessExecutor,
    dry_run,
)
from compiler.runtime.guard import (
    Guard,
    GuardError,
    HumanGateError,
    InputError,
    RunbookFinishedError,
    ToolCall,
    UnknownOutcomeError,
    Verdict,
)
from compiler.runtime.langchain import langchain_tools
from compiler.runtime.loader import (
    ArtifactError,
    ArtifactSchemaError,
    ArtifactTampered,
    ArtifactUnreadable,
    CompiledRunbook,
    ProfilesDrift,
    RegistryDrift,
    RelaxedPolicy,
    RunbookBlocked,
    SourceDrift,
    SourceMissing,
    UnknownProfile,
    UnknownSchemaVersion,
    load,
    read_artifact,
)
from compiler.runtime.outcomes import Outcome, name_outcomes, outcome_name
from compiler.runtime.session import CallResult, RunbookSession, StepNotDoneError
from compiler.runtime.toolspec import (
    FORMATS,
    Format,
    ToolSpecError,
    export_runbook_tools,
    export_tools,
    function_name,
    import_tools,
    registry_name,
)
from compiler.runtime.transcript import (
    AuditError,
    ClaimCheck,
    Finding,
    TranscriptReport,
    audit_transcript,
)
from compiler.runtime.transcript_read import (
    Transcript,
    TranscriptError,
    parse_transcript,
    read_transcript,
)

__all__ = [
    "FORMATS",
    "ArtifactError",
    "ArtifactSchemaError",
    "ArtifactTampered",
    "ArtifactUnreadable",
    "AuditError",
    "AuditLog",
    "AuditTrail",
    "CallResult",
    "ClaimCheck",
    "CompiledRunbook",
    "Execution",
    "ExecutionResult",
    "Executor",
    "Finding",
    "Format",
    "Guard",
    "GuardError",
    "HumanGateError",
    "InputError",
    "Outcome",
    "ProfilesDrift",
    "RegistryDrift",
    "RelaxedPolicy",
    "RenderError",
    "RunbookBlocked",
    "RunbookFinishedError",
    "RunbookSession",
    "SourceDrift",
    "SourceMissing",
    "StepNotDoneError",
    "SubprocessExecutor",
    "ToolCall",
    "ToolSpecError",
    "Transcript",
    "TranscriptError",
    "TranscriptReport",
    "UnknownOutcomeError",
    "UnknownProfile",
    "UnknownSchemaVersion",
    "Verdict",
    "audit_transcript",
    "dry_run",
    "export_runbook_tools",
    "export_tools",
    "fill_arguments",
    "function_name",
    "import_tools",
    "langchain_tools",
    "load",
    "missing_inputs",
    "name_outcomes",
    "outcome_name",
    "parse_transcript",
    "read_artifact",
    "read_audit_log",
    "read_transcript",
    "registry_name",
    "render_command",
    "tool_specs",
]
