"""LangChain tools for a runbook session: `langchain_tools(session)`.

`langchain_core` is imported when the function is called, never when `compiler.runtime` is
(install it with the `langchain` extra). The tools are those of the current step, so an agent
asks for them again after each step, as with `session.tools()`: a tool list fixed at the start
of a run would offer tools the guard no longer allows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from compiler.runtime.guard import OUTCOME_TOOL, GuardError

if TYPE_CHECKING:
    from langchain_core.tools import StructuredTool

    from compiler.runtime.session import RunbookSession


def langchain_tools(session: RunbookSession) -> list[StructuredTool]:
    """`StructuredTool`s for what the model may call now: the current step's tool, each call
    checked by the guard and run by the session's executor, and `choose_outcome` at a
    decision. A denied call raises `ToolException` with the guard's reason, which LangChain
    hands back to the model as the tool's output (`handle_tool_error=True`)."""
    try:
        from langchain_core.tools import StructuredTool, ToolException
    except ImportError as error:
        raise ImportError(
            "langchain_tools needs langchain-core: pip install 'runbook-compiler[langchain]'"
        ) from error

    def build(spec: dict[str, Any]) -> StructuredTool:
        name = spec["function"]["name"]

        def run(**arguments: Any) -> str:
            if name == OUTCOME_TOOL:
                try:
                    step = session.advance(str(arguments.get("outcome")))
                except GuardError as failure:
                    raise ToolException(str(failure)) from None
                return f"moved to step {step.id}"
            result = session.call(name, arguments)
            if not result.ok:
                raise ToolException(result.message())
            return result.message()

        return StructuredTool.from_function(
            func=run,
            name=name,
            description=spec["function"]["description"],
            args_schema=spec["function"]["parameters"],
            handle_tool_error=True,
        )

    return [build(spec) for spec in session.tools("openai")]
