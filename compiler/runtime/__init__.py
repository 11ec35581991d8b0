"""Agent runtime: load a compiled runbook, guard every tool call, audit what happened.

Imports neither markdown_it nor openai (directly or through compiler.parse / compiler.extract):
an agent process needs only the artifact, the registry and the profiles.
"""

from compiler.runtime.audit_log import AuditLog, AuditTrail, read_audit_log
from compiler.runtime.guard import (
    Guard,
    GuardError,
    HumanGateError,
    RunbookFinishedError,
    ToolCall,
    UnknownOutcomeError,
    Verdict,
)
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
from compiler.runtime.toolspec import (
    ToolSpecError,
    export_runbook_tools,
    export_tools,
    function_name,
    import_tools,
    registry_name,
)
from compiler.runtime.transcript import (
    Claim,
    Finding,
    TranscriptError,
    TranscriptReport,
    audit_transcript,
    read_transcript,
)

__all__ = [
    "ArtifactError",
    "ArtifactSchemaError",
    "ArtifactTampered",
    "ArtifactUnreadable",
    "AuditLog",
    "AuditTrail",
    "Claim",
    "CompiledRunbook",
    "Finding",
    "Guard",
    "GuardError",
    "HumanGateError",
    "ProfilesDrift",
    "RegistryDrift",
    "RelaxedPolicy",
    "RunbookBlocked",
    "RunbookFinishedError",
    "SourceDrift",
    "SourceMissing",
    "ToolCall",
    "ToolSpecError",
    "TranscriptError",
    "TranscriptReport",
    "UnknownOutcomeError",
    "UnknownProfile",
    "UnknownSchemaVersion",
    "Verdict",
    "audit_transcript",
    "export_runbook_tools",
    "export_tools",
    "function_name",
    "import_tools",
    "load",
    "read_artifact",
    "read_audit_log",
    "read_transcript",
    "registry_name",
]
