"""The display names of the detector's tool ids: one home for every place a person reads them.

Ids (``claude_code``) are stable data, stored in the database and printed in JSON; people read
the display name (``Claude Code``) in the app and in the text, CSV and HTML reports.
"""

from __future__ import annotations

TOOL_DISPLAY_NAMES: dict[str, str] = {
    "claude_code": "Claude Code",
    "claude": "Claude",
    "copilot": "Copilot",
    "cursor": "Cursor",
    "devin": "Devin",
    "chatgpt_codex": "Codex",
    "chatgpt": "ChatGPT",
    "aider": "Aider",
    "jules": "Jules",
    "windsurf": "Windsurf",
    "gemini": "Gemini",
    "amazon_q": "Amazon Q",
    "codewhisperer": "CodeWhisperer",
    "tabnine": "Tabnine",
    "cody": "Cody",
    "warp": "Warp",
    "coderabbit": "CodeRabbit",
    "greptile": "Greptile",
    "cubic": "cubic",
    "ai_generic": "unnamed AI",
    "unknown": "tool unknown",
}


def display_name(tool: str) -> str:
    """``claude_code`` -> ``Claude Code``; an id we do not know is shown with spaces for underscores."""
    return TOOL_DISPLAY_NAMES.get(tool, tool.replace("_", " "))
