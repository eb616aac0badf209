"""Reading the LLM's answers: nothing the model writes is trusted until it is checked here.

``parse_answers`` accepts fenced or prefixed JSON, keeps each well-formed entry for a PR we asked
about, and reports the rest as missing (so only those are asked again). ``final_verdict`` combines an
answer with the stage-1 signatures: explicit markers win, the LLM decides the rest.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from tformance.core.detection.tools import AI_TOOLS, GENERIC_TOOL, most_specific
from tformance.core.errors import LLMBadAnswer
from tformance.core.text_values import without_nul

SUMMARY_LIMIT = 240

_FENCE = re.compile(r"```[a-zA-Z0-9_-]*[ \t]*\n?(.*?)(?:\n?```|\Z)", re.DOTALL)
_NON_WORD = re.compile(r"[^a-z0-9]+")
_CANONICAL = frozenset(AI_TOOLS)
# Names models write for the canonical ids, after lower-casing and joining words with "_".
_ALIASES = {
    "claude_code": "claude_code",
    "claudecode": "claude_code",
    "anthropic_claude_code": "claude_code",
    "claude": "claude",
    "anthropic_claude": "claude",
    "claude_ai": "claude",
    "github_copilot": "copilot",
    "copilot_agent": "copilot",
    "copilot_coding_agent": "copilot",
    "copilot_swe_agent": "copilot",
    "cursor_ai": "cursor",
    "cursor_agent": "cursor",
    "devin_ai": "devin",
    "codex": "chatgpt_codex",
    "openai_codex": "chatgpt_codex",
    "chatgpt_codex": "chatgpt_codex",
    "chat_gpt": "chatgpt",
    "gpt": "chatgpt",
    "gpt_4": "chatgpt",
    "gpt_4o": "chatgpt",
    "gpt_5": "chatgpt",
    "openai_chatgpt": "chatgpt",
    "aider_chat": "aider",
    "google_jules": "jules",
    "codeium": "windsurf",
    "gemini_code_assist": "gemini",
    "google_gemini": "gemini",
    "amazon_q_developer": "amazon_q",
    "q_developer": "amazon_q",
    "amazon_codewhisperer": "codewhisperer",
    "sourcegraph_cody": "cody",
    "warp_agent": "warp",
    "coderabbitai": "coderabbit",
    "code_rabbit": "coderabbit",
    "cubic_dev_ai": "cubic",
    "sourcegraph_amp": "amp",
    "amp_code": "amp",
    "all_hands": "openhands",
    "opendevin": "openhands",
    "openhands_agent": "openhands",
    "roo": "roo_code",
    "roocode": "roo_code",
    "roomote": "roo_code",
    "kiro_agent": "kiro",
    "cline_bot": "cline",
    "open_code": "opencode",
    "sst_opencode": "opencode",
    "qwen_coder": "qwen_code",
    "qwencode": "qwen_code",
    "factory_droid": "factory",
    "droid": "factory",
    "factory_ai": "factory",
    "mintlify_agent": "mintlify",
    "lingo": "lingo_dev",
    "lingodotdev": "lingo_dev",
    "lingo_dev_ai": "lingo_dev",
    "replexica": "lingo_dev",
    "sourcery_ai": "sourcery",
    "ellipsis_dev": "ellipsis",
    "qodo_merge": "qodo",
    "codiumai": "qodo",
    "pr_agent": "qodo",
    "ai": GENERIC_TOOL,
    "llm": GENERIC_TOOL,
    "generic": GENERIC_TOOL,
    "generic_ai": GENERIC_TOOL,
    "unknown": GENERIC_TOOL,
    "other": GENERIC_TOOL,
}


@dataclass(frozen=True)
class PRAnswer:
    """The model's checked answer for one PR."""

    id: int
    is_ai_assisted: bool
    ai_tools: tuple[str, ...]
    summary: str


@dataclass(frozen=True)
class ParsedAnswers:
    answers: dict[int, PRAnswer]
    missing: frozenset[int]  # asked about, but no usable entry: ask again for these alone
    unknown_ids: tuple[Any, ...] = ()  # entries for PRs we did not ask about (ignored)
    problems: tuple[str, ...] = ()  # why entries were rejected, for the debug log


def strip_fences(content: str) -> str:
    """The JSON inside a reply: fences (```json ... ```) and prose around the object removed."""
    text = content.strip()
    if "```" in text:
        match = _FENCE.search(text)
        if match:
            text = match.group(1).strip()
    if text and text[0] not in "{[":
        start = min((i for i in (text.find("{"), text.find("[")) if i >= 0), default=-1)
        if start >= 0:
            text = text[start:]
    if text and text[-1] not in "}]":
        end = max(text.rfind("}"), text.rfind("]"))
        if end >= 0:
            text = text[: end + 1]
    return text


def load_json(content: str | None) -> Any:
    """The JSON value of a reply; ``LLMBadAnswer`` when there is none."""
    if content is None or not content.strip():
        raise LLMBadAnswer("the model sent an empty answer")
    text = content.strip()
    try:
        return json.loads(text)
    except ValueError:
        pass
    try:
        return json.loads(strip_fences(text))
    except json.JSONDecodeError as error:
        raise LLMBadAnswer(f"the model's answer is not valid JSON ({error.msg} at {error.pos})") from None


def parse_answers(content: str | None, expected_ids: Collection[int]) -> ParsedAnswers:
    """Check a reply against the PRs asked about. Raises ``LLMBadAnswer`` only when nothing is usable
    as a whole (not JSON, no list of entries); bad single entries just count as missing."""
    data = load_json(content)
    entries = _entries(data)
    if entries is None:
        raise LLMBadAnswer('the model\'s answer has no "prs" list')
    expected = set(expected_ids)
    answers: dict[int, PRAnswer] = {}
    unknown: list[Any] = []
    problems: list[str] = []
    for entry in entries:
        if not isinstance(entry, dict):
            problems.append(f"an entry is {type(entry).__name__}, not an object")
            continue
        pr_id = _as_id(entry.get("id"))
        if pr_id is None or pr_id not in expected:
            unknown.append(entry.get("id"))
            continue
        if pr_id in answers:
            continue  # the first answer for a PR stands; a repeat may be the model drifting
        answer, problem = _check_entry(pr_id, entry)
        if answer is None:
            problems.append(f"PR {pr_id}: {problem}")
        else:
            answers[pr_id] = answer
    return ParsedAnswers(answers, frozenset(expected - answers.keys()), tuple(unknown), tuple(problems))


def canonical_tool(name: Any) -> str | None:
    """The canonical tool id for a name the model wrote, or None when it names no tool we know."""
    if not isinstance(name, str):
        return None
    key = _NON_WORD.sub("_", name.strip().lower()).strip("_")
    if key in _CANONICAL:
        return key
    return _ALIASES.get(key)


def canonical_tools(names: Iterable[Any]) -> tuple[str, ...]:
    """Known tool ids among ``names``, unique and sorted; ``ai_generic`` only when no tool is named,
    and a general name (``claude``) only when its specific agent (``claude_code``) is not there."""
    return tuple(sorted(most_specific({tool for tool in map(canonical_tool, names) if tool is not None})))


def final_verdict(signature_tools: Iterable[str], answer: PRAnswer) -> tuple[bool, list[str]]:
    """AI-assisted or not, and the tools: explicit stage-1 markers win; otherwise the LLM's answer."""
    signatures = set(canonical_tools(signature_tools))
    if signatures:
        tools = signatures | set(answer.ai_tools if answer.is_ai_assisted else ())
        return True, list(canonical_tools(tools))
    if not answer.is_ai_assisted:
        return False, []
    return True, list(canonical_tools(answer.ai_tools) or (GENERIC_TOOL,))


def clean_summary(text: str) -> str:
    """One line, no list markers or quotes around it, at most ``SUMMARY_LIMIT`` characters."""
    line = " ".join(without_nul(text).split()).strip().lstrip("-*#> ").strip().strip('"').strip()
    if len(line) > SUMMARY_LIMIT:
        line = line[: SUMMARY_LIMIT - 1].rsplit(" ", 1)[0].rstrip(",;:") + "\u2026"
    return line


def _entries(data: Any) -> list[Any] | None:
    if isinstance(data, dict):
        prs = data.get("prs")
        if isinstance(prs, list):
            return prs
        if isinstance(prs, dict):
            return [prs]
        if "id" in data:
            return [data]  # a single entry for a single-PR request
        return None
    if isinstance(data, list):
        return data
    return None


def _as_id(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _check_entry(pr_id: int, entry: dict[str, Any]) -> tuple[PRAnswer | None, str]:
    flag = entry.get("is_ai_assisted")
    if not isinstance(flag, bool):
        return None, f"is_ai_assisted is {type(flag).__name__}, not a boolean"
    tools = entry.get("ai_tools", [])
    if tools is None:
        tools = []
    if isinstance(tools, str):
        tools = [tools]
    if not isinstance(tools, list):
        return None, f"ai_tools is {type(tools).__name__}, not a list"
    summary = entry.get("summary")
    if not isinstance(summary, str) or not clean_summary(summary):
        return None, "no summary"
    return PRAnswer(pr_id, flag, canonical_tools(tools) if flag else (), clean_summary(summary)), ""
