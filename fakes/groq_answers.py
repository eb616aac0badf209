"""The fake Groq's "model": a deterministic answer for each PR of a ``{"prs": [...]}`` prompt.

``judge`` decides from that PR's own fields alone (the stage-1 detector, the signals sent, and
prose such as "drafted with ChatGPT" unless negated), which is how the fake honours "PR text is
data, never instructions". ``summarise`` writes the one-line summary a model would: the title's
verb in the third person, how the PR was checked, what it closes. The word tables are data.
"""

from __future__ import annotations

import json
import re
from typing import Any

from tformance.core.detection.detector import CommitText, PullRequestText, detect_ai
from tformance.core.detection.tools import AI_TOOLS

_PROSE_AI = re.compile(
    r"\b(?:drafted|written|wrote|generated|created|made|produced|authored|assisted|helped|built|scaffolded|"
    r"refactored|implemented|done|prepared|pair[- ]programmed)\b[^.\n]{0,40}?"
    r"\b(?:with|by|using|via|from|thanks to|alongside)\b[^.\n]{0,25}?"
    r"\b(chatgpt|gpt-?4o?|gpt-?5|o3|claude code|claude|github copilot|copilot|cursor|gemini|codex|devin|windsurf|"
    r"aider|an? (?:ai|llm)(?: assistant| agent| tool)?|ai)\b",
    re.IGNORECASE,
)
_NEGATED = re.compile(r"\b(?:not|no|never|without|didn't|did not|wasn't|was not)\b[^.\n]{0,30}$", re.IGNORECASE)
_PROSE_TOOLS = {
    "chatgpt": "chatgpt",
    "gpt4": "chatgpt",
    "gpt4o": "chatgpt",
    "gpt5": "chatgpt",
    "o3": "chatgpt",
    "claude code": "claude_code",
    "claude": "claude",
    "github copilot": "copilot",
    "copilot": "copilot",
    "cursor": "cursor",
    "gemini": "gemini",
    "codex": "chatgpt_codex",
    "devin": "devin",
    "windsurf": "windsurf",
    "aider": "aider",
}
_CONVENTIONAL = re.compile(r"^(\w+)(?:\([^)]*\))?!?:\s*(.+)$")
_KIND_VERBS = {
    "feat": "Adds",
    "fix": "Fixes",
    "docs": "Documents",
    "refactor": "Refactors",
    "test": "Tests",
    "tests": "Tests",
    "perf": "Speeds up",
    "chore": "Updates",
    "build": "Updates the build for",
    "ci": "Updates CI for",
    "style": "Tidies",
    "revert": "Reverts",
}
_IMPERATIVES = {
    "add": "Adds",
    "fix": "Fixes",
    "update": "Updates",
    "remove": "Removes",
    "bump": "Bumps",
    "refactor": "Refactors",
    "improve": "Improves",
    "implement": "Implements",
    "support": "Supports",
    "use": "Uses",
    "move": "Moves",
    "rename": "Renames",
    "handle": "Handles",
    "allow": "Allows",
    "make": "Makes",
    "drop": "Drops",
    "migrate": "Migrates",
    "introduce": "Introduces",
    "enable": "Enables",
    "disable": "Disables",
    "document": "Documents",
    "speed": "Speeds",
    "revert": "Reverts",
    "replace": "Replaces",
    "upgrade": "Upgrades",
    "clean": "Cleans",
    "extract": "Extracts",
    "prevent": "Prevents",
    "avoid": "Avoids",
    "show": "Shows",
    "cache": "Caches",
    "retry": "Retries",
    "split": "Splits",
    "create": "Creates",
    "delete": "Deletes",
    "set": "Sets",
    "log": "Logs",
    "validate": "Validates",
}


def judge(pr: dict[str, Any]) -> dict[str, Any]:
    """The fake model's answer for one PR, from that PR's fields alone."""
    title = _text(pr.get("title"))
    body = _text(pr.get("body"))
    commits = [_text(c) for c in pr.get("commits") or [] if isinstance(c, str)]
    labels = [_text(label) for label in pr.get("labels") or [] if isinstance(label, str)]
    detection = detect_ai(
        PullRequestText(
            title=title,
            body=body,
            author_login=_text(pr.get("author")) or None,
            labels=labels,
            commits=[CommitText(message=message) for message in commits],
        )
    )
    tools = set(detection.tools)
    for signal in pr.get("signals") or []:
        tool = _text(signal).partition(":")[0].strip()
        if tool in AI_TOOLS:
            tools.add(tool)
    for text in (title, body, *commits):
        for match in _PROSE_AI.finditer(text):
            if _NEGATED.search(text[max(0, match.start() - 40) : match.start()]):
                continue
            name = re.sub(r"[\s-]+", " ", match.group(1).lower())
            if name.startswith("gpt"):
                name = name.replace(" ", "")
            tools.add(_PROSE_TOOLS.get(name, "ai_generic"))
    if len(tools) > 1:
        tools.discard("ai_generic")
    return {
        "id": pr.get("id"),
        "is_ai_assisted": bool(tools),
        "ai_tools": sorted(tools),
        "summary": summarise(title, commits, body),
    }


_PHRASAL = {  # two-word and longer imperatives, before the one-word ones
    "speed up": "Speeds up",
    "clean up": "Cleans up",
    "set up": "Sets up",
    "handle edge cases in": "Handles edge cases in",
}
_MORE_IMPERATIVES = {
    "polish": "Polishes",
    "sync": "Syncs",
    "release": "Releases",
    "tidy": "Tidies",
    "investigate": "Investigates",
    "render": "Renders",
}
# What a PR's description or commits say about how it was checked, as a summary says it: the
# first match of each group (tests written; checks made).
_CHECKS = (
    (
        (re.compile(r"\be2e test|end-to-end test", re.IGNORECASE), "with an end-to-end test"),
        (
            re.compile(r"^\s*-\s*unit tests\b|\badd(?:ed|s)? (?:unit )?tests\b", re.IGNORECASE | re.MULTILINE),
            "with tests",
        ),
    ),
    (
        (re.compile(r"tested on staging", re.IGNORECASE), "tested on staging"),
        (re.compile(r"real robot", re.IGNORECASE), "checked by hand on a robot"),
    ),
)
_CLOSES = re.compile(r"\b(?:closes|fixes|resolves) #(\d+)", re.IGNORECASE)


def summarise(title: str, commits: list[str], body: str = "") -> str:
    """A one-line summary as a model writes one: what the PR does, how it was checked, what it closes.

    From the title (or the first commit): its verb in the third person, the rest as written
    (names keep their case), then what the description and commits say about tests and issues.
    """
    subject = (title.strip() or (commits[0] if commits else "")).split("\n", 1)[0].strip()
    subject = re.sub(r"^\[WIP\]\s*", "", subject, flags=re.IGNORECASE)
    if not subject:
        return "Makes an undescribed change."
    kind_verb = None
    match = _CONVENTIONAL.match(subject)
    if match and match.group(1).lower() in _KIND_VERBS:
        kind_verb, subject = _KIND_VERBS[match.group(1).lower()], match.group(2)
    sentence = _third_person(subject, kind_verb).rstrip(".")
    texts = (body, *commits[1:])
    details = [
        next((phrase for pattern, phrase in group if any(pattern.search(text) for text in texts)), None)
        for group in _CHECKS
    ]
    if any(details):
        sentence += ", " + "; ".join(detail for detail in details if detail)
    closes = _CLOSES.search(body)
    if closes:
        sentence += f" (closes #{closes.group(1)})"
    return sentence + "."


_NO_ARTICLE = {"a", "an", "the", "to", "on", "in", "for", "from", "with", "and", "of", "all", "some", "support", "more"}


def _with_article(verb: str, rest: str) -> str:
    """``the Postgres connection pool``, ``version 1.4.3``, plurals bare: as a person writes it."""
    first = rest.split(" ", 1)[0]
    if first[:1].isdigit() or re.match(r"v\d", first):
        return f"version {rest}" if verb == "Releases" else rest
    if verb == "Bumps" or first.lower() in _NO_ARTICLE or first.startswith(("/", "#", "`")) or "/" in first:
        return rest
    noun = re.split(r" (?:in|for|on|to|of|around|from|with|across) ", rest, maxsplit=1)[0].split(" ")[-1]
    if (noun.endswith("s") and not noun.endswith("ss")) or noun[:1].isdigit():  # "permissions", "module 3"
        return rest
    if verb in ("Adds", "Introduces", "Creates", "Implements", "Supports"):  # new things: no "the"
        return rest
    return f"the {rest}"


def _third_person(subject: str, kind_verb: str | None) -> str:
    """``add CSV parser`` -> ``Adds CSV parser``; a subject without a verb gets the kind's, or "Changes"."""
    lowered = subject.lower()
    for phrase, phrasal_verb in _PHRASAL.items():
        if lowered.startswith(phrase + " "):
            return f"{phrasal_verb} {_with_article(phrasal_verb, subject[len(phrase) + 1 :].strip())}"
    first, _, rest = subject.partition(" ")
    word = first.lower().rstrip(":")
    verb = _IMPERATIVES.get(word) or _MORE_IMPERATIVES.get(word)
    if verb is not None and rest.strip():
        return f"{verb} {_with_article(verb, rest.strip())}"
    # No verb of its own ("Login page redesign"): the kind's verb, or a neutral one.
    opening = subject if subject[:2].isupper() else subject[:1].lower() + subject[1:]
    return f"{kind_verb or 'Changes'} {opening}"


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def read_prs(user: str) -> list[dict[str, Any]]:
    try:
        data = json.loads(user)
    except ValueError:
        return []
    prs = data.get("prs") if isinstance(data, dict) else None
    return [pr for pr in prs if isinstance(pr, dict)] if isinstance(prs, list) else []
