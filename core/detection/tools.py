"""The registry of AI tool ids: one home for the ids, their display names and their kinds.

Ids (``claude_code``) are stable data, stored in the database and printed in JSON; people read
the display name (``Claude Code``) in the app and in the text, CSV and HTML reports. The detector's
rules, the LLM prompt and the answer checker all take their list of ids from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ToolKind(StrEnum):
    """What a tool does on a pull request."""

    AGENT = "agent"  # writes code: its markers make a PR AI-assisted
    REVIEWER = "reviewer"  # reviews PRs: only its committed suggestions count, never its summaries
    MODEL = "model"  # a model or chat product named in prose, not an agent with markers of its own
    GENERIC = "generic"  # AI with no tool named


@dataclass(frozen=True)
class Tool:
    id: str
    name: str
    kind: ToolKind = ToolKind.AGENT


_A, _R, _M = ToolKind.AGENT, ToolKind.REVIEWER, ToolKind.MODEL

TOOLS: tuple[Tool, ...] = (
    Tool("claude_code", "Claude Code"),
    Tool("claude", "Claude", _M),
    Tool("copilot", "Copilot"),
    Tool("cursor", "Cursor"),
    Tool("devin", "Devin"),
    Tool("chatgpt_codex", "Codex"),
    Tool("chatgpt", "ChatGPT", _M),
    Tool("aider", "Aider"),
    Tool("jules", "Jules"),
    Tool("windsurf", "Windsurf"),
    Tool("gemini", "Gemini"),
    Tool("amazon_q", "Amazon Q"),
    Tool("codewhisperer", "CodeWhisperer"),
    Tool("tabnine", "Tabnine"),
    Tool("cody", "Cody"),
    Tool("amp", "Amp"),
    Tool("warp", "Warp"),
    Tool("openhands", "OpenHands"),
    Tool("roo_code", "Roo Code"),
    Tool("kiro", "Kiro"),
    Tool("cline", "Cline"),
    Tool("opencode", "opencode"),
    Tool("qwen_code", "Qwen Code"),
    Tool("factory", "Factory Droid"),
    Tool("mintlify", "Mintlify agent"),
    Tool("lingo_dev", "Lingo.dev"),
    Tool("coderabbit", "CodeRabbit", _R),
    Tool("greptile", "Greptile", _R),
    Tool("cubic", "cubic", _R),
    Tool("sourcery", "Sourcery", _R),
    Tool("ellipsis", "Ellipsis", _R),
    Tool("qodo", "Qodo", _R),
    Tool("ai_generic", "unnamed AI", ToolKind.GENERIC),
)

AI_TOOLS: tuple[str, ...] = tuple(tool.id for tool in TOOLS)
GENERIC_TOOL = "ai_generic"
REVIEWERS: frozenset[str] = frozenset(tool.id for tool in TOOLS if tool.kind is ToolKind.REVIEWER)

# A product's general name next to its specific agent names the same use twice ("claude" beside
# "claude_code"): the specific one is kept, so a PR counts once per tool it really used.
SUBSUMED_BY: dict[str, str] = {"claude": "claude_code", "chatgpt": "chatgpt_codex"}

TOOL_DISPLAY_NAMES: dict[str, str] = {tool.id: tool.name for tool in TOOLS} | {"unknown": "tool unknown"}


def display_name(tool: str) -> str:
    """``claude_code`` -> ``Claude Code``; an id we do not know is shown with spaces for underscores."""
    return TOOL_DISPLAY_NAMES.get(tool, tool.replace("_", " "))


def most_specific(tools: set[str]) -> set[str]:
    """``tools`` without ``ai_generic`` when a tool is named, and without a general name
    (``claude``) when its specific agent (``claude_code``) is there."""
    if len(tools) > 1:
        tools = tools - {GENERIC_TOOL}
    return tools - {general for general, specific in SUBSUMED_BY.items() if specific in tools}
