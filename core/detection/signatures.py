"""Deterministic markers that AI coding tools and automation bots leave on pull requests.

Every rule is data: the tool it names, a short marker name, the places of a PR it
applies to, a precompiled regex and the `source` its marker comes from. The detector in
`detector` is generic over these tuples, so adding a marker never touches detection code.
Prose and disclosure rules ("written with Claude", "AI Disclosure: used Cursor") live in
`prose`; review bots' summaries, which never make a PR AI-assisted, in `REVIEW_SUMMARIES`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tformance.core.detection.prose import PROSE_RULES
from tformance.core.detection.rule import (
    BODY,
    BRANCH,
    COMMIT_AUTHOR,
    COMMIT_MESSAGE,
    IDENTITY,
    IM,
    LABEL,
    MESSAGES,
    TEXT,
    TEXT_SCOPES,
    I,
    Rule,
    Scope,
    app_rules,
    bot_email,
    branch,
    email,
    ident,
    label,
    login,
    named_trailer,
    prefixed_label,
    trailer,
    trailer_email,
)
from tformance.core.detection.tools import AI_TOOLS

__all__ = [
    "AI_RULES",
    "AI_TOOLS",
    "AUTOMATION_BOTS",
    "AUTOMATION_RULES",
    "QUOTING_BOTS",
    "REVIEW_SUMMARIES",
    "TEXT_SCOPES",
    "ReviewSummary",
    "Rule",
    "Scope",
]

AUTOMATION_BOTS: tuple[str, ...] = (
    "dependabot",
    "renovate",
    "github_actions",
    "snyk",
    "pre_commit_ci",
    "mergify",
    "imgbot",
    "allcontributors",
    "greenkeeper",
    "depfu",
    "pyup",
    "release_please",
    "semantic_release",
    "weblate",
)

# Dependency bots paste upstream release notes and commit lists into their PR bodies
# and commit messages; AI footers quoted from upstream say nothing about this PR.
QUOTING_BOTS: frozenset[str] = frozenset({"dependabot", "renovate", "snyk", "greenkeeper", "depfu", "pyup"})

_CLAUDE_DOCS = "https://docs.anthropic.com/en/docs/claude-code/settings (attribution, includeCoAuthoredBy)"
_CLAUDE_ACTION = "https://github.com/anthropics/claude-code-action (claude[bot], claude/issue-N-<date> branches)"
_CLAUDE_WEB = (
    "https://docs.anthropic.com/en/docs/claude-code/claude-code-on-the-web (claude/<slug> branches, session links)"
)
_COPILOT_AGENT = "https://docs.github.com/en/copilot/concepts/agents/coding-agent/about-coding-agent"
_AUTOFIX = (
    "https://docs.github.com/en/code-security/code-scanning/managing-code-scanning-alerts/"
    "responsible-use-autofix-code-scanning; commits 'Potential fix for code scanning alert no. N' "
    "co-authored by 'Copilot Autofix powered by AI'"
)
_CURSOR = "https://docs.cursor.com/background-agent (Cursor Agent <cursoragent@cursor.com>, cursor/ branches)"
_DEVIN = "https://docs.devin.ai/integrations/gh (devin-ai-integration[bot], devin/<epoch>- branches, session links)"
_CODEX = "https://developers.openai.com/codex/cloud (codex/ branches, chatgpt.com/codex/tasks links)"
_AIDER = "https://aider.chat/docs/git.html (attribute-author, attribute-commit-message-author, co-authored-by)"
_JULES = "https://jules.google/docs (google-labs-jules[bot]; 'PR created automatically by Jules for task')"
_GEMINI = "https://developers.google.com/gemini-code-assist/docs/review-github-code; https://github.com/google-github-actions/run-gemini-cli"
_AMAZON_Q = "https://docs.aws.amazon.com/amazonq/latest/qdeveloper-ug/amazon-q-developer-github.html"
_KIRO = "https://kiro.dev/docs (kiro-agent[bot] opens the autonomous agent's PRs)"
_WARP = "https://docs.warp.dev/agents (Co-Authored-By: Warp <agent@warp.dev>)"
_AMP = "https://ampcode.com/manual (Amp-Thread: trailer, Co-authored-by: Amp <amp@ampcode.com>)"
_OPENHANDS = (
    "https://docs.all-hands.dev/usage/how-to/github-action; All-Hands-AI/"
    "OpenHands commits co-authored by openhands <openhands@all-hands.dev>"
)
_ROO = "RooCodeInc/Roo-Code PRs opened by roomote[bot], commits Co-authored-by: Roomote / Roo Code <...@roocode.com>"
_CLINE = (
    "cline/cline: commit footer 'Generated with [Cline](https://"
    "docs.cline.bot)', Co-Authored-By: Cline <noreply@cline.bot>"
)
_OPENCODE = (
    "https://opencode.ai/docs/github/ (opencode-agent[bot], openco"
    "de/ branches); Co-Authored-By: opencode <noreply@opencode.ai>"
)
_QWEN = "QwenLM/qwen-code settings: gitCoAuthor, default Co-authored-by: Qwen-Coder <qwen-coder@alibabacloud.com>"
_FACTORY = (
    "https://docs.factory.ai; commits Co-authored-by: factory-droi"
    "d[bot] <138933559+factory-droid[bot]@users.noreply.github.com>"
)
_MINTLIFY = "https://www.mintlify.com/docs/agent (PRs by mintlify[bot] on mintlify/ branches)"
_LINGO = (
    "https://lingo.dev/en/ci (lingodotdev/lingo.dev action: 'feat"
    ": update translations via @lingodotdev'; formerly Replexica)"
)
_CODERABBIT = "https://docs.coderabbit.ai (coderabbitai[bot]: committable suggestions, docstring and unit-test PRs)"
_GREPTILE = "https://docs.greptile.com (greptile-apps[bot] suggestions)"
_CUBIC = "https://docs.cubic.dev (cubic-dev-ai[bot] suggestions)"
_SOURCERY = "https://docs.sourcery.ai (sourcery-ai[bot] suggestions)"
_ELLIPSIS = "https://docs.ellipsis.dev (ellipsis-dev[bot] fixes and suggestions)"
_QODO = "https://qodo-merge-docs.qodo.ai (qodo-merge-pro[bot], formerly CodiumAI PR-Agent)"

_CLAUDE_NAME = r"Claude(?:[ \t]{1,2}(?:Code|Opus|Sonnet|Haiku|Fable|v?\d[\d.]{0,4}|\([^()<>\n]{1,24}\))){0,5}"

AI_RULES: tuple[Rule, ...] = (
    # Claude Code appends a footer to PR bodies and commits it writes. The link was
    # claude.ai/code, then claude.com/claude-code; on the web it links the session.
    Rule(
        "claude_code",
        "Claude Code footer",
        TEXT,
        re.compile(
            r"Generated[ \t](?:with|by|using)[ \t]\[Claude[ \t]Code\][ \t]{0,3}\((?:https?://)?"
            r"(?:www\.)?(?:claude\.(?:ai|com)|docs\.anthropic\.com|anthropic\.com)"
            r"[^)\s]{0,80}\)",
            I,
        ),
        ("[claude code]",),
        _CLAUDE_DOCS,
    ),
    Rule(
        "claude_code",
        "Claude Code session link",
        TEXT,
        re.compile(r"claude\.ai/code/session_[A-Za-z0-9]{6,40}", I),
        ("claude.ai/code/session_",),
        _CLAUDE_WEB,
    ),
    # The co-author trailer: noreply@ or no-reply@anthropic.com, or a bare "Claude" with
    # an optional model name ("Claude Opus 4.1 (1M context)"), whatever the address.
    Rule(
        "claude_code",
        "Co-Authored-By: Claude trailer",
        MESSAGES,
        trailer_email(r"@anthropic\.com"),
        ("@anthropic.com",),
        _CLAUDE_DOCS,
    ),
    Rule(
        "claude_code",
        "Co-Authored-By: Claude trailer",
        MESSAGES,
        named_trailer(_CLAUDE_NAME),
        ("claude",),
        _CLAUDE_DOCS,
    ),
    # The GitHub Action commits and co-authors as the claude[bot] app. A bare "claude" login
    # may be a person, so the account counts only with its suffix.
    Rule("claude_code", "claude[bot] trailer", MESSAGES, trailer(r"claude\[bot\]"), ("claude[bot]",), _CLAUDE_ACTION),
    Rule("claude_code", "claude[bot] account", IDENTITY, re.compile(r"^claude\[bot\]$", I), source=_CLAUDE_ACTION),
    Rule(
        "claude_code",
        "claude[bot] email",
        COMMIT_AUTHOR,
        email(r"(?:\d{1,12}\+)?claude\[bot\]@users\.noreply\.github\.com"),
        source=_CLAUDE_ACTION,
    ),
    Rule("claude_code", "Claude commit email", COMMIT_AUTHOR, email(r"no-?reply@anthropic\.com"), source=_CLAUDE_DOCS),
    # The GitHub Action names branches claude/issue-N-... or claude/pr-N-...; Claude Code
    # on the web pushes claude/<slug>-<session id>.
    Rule(
        "claude_code",
        "claude/ branch",
        BRANCH,
        re.compile(
            r"^claude/(?:(?:issue|pr)-\d{1,10}\b|[\w./-]{1,100}?-(?=[0-9A-Za-z]{0,31}\d)[0-9A-Za-z]{20,32}$)", I
        ),
        source=f"{_CLAUDE_ACTION}; {_CLAUDE_WEB}",
    ),
    Rule("claude_code", "claude-code label", LABEL, label(r"claude[ _-]?code"), source="labels teams put on AI PRs"),
    # The Copilot coding agent opens PRs as Copilot (GraphQL) or copilot-swe-agent[bot];
    # github-copilot[bot] is the older app name.
    Rule(
        "copilot", "Copilot author", IDENTITY, login(r"copilot|copilot-swe-agent|github-copilot"), source=_COPILOT_AGENT
    ),
    Rule(
        "copilot",
        "Copilot commit email",
        COMMIT_AUTHOR,
        bot_email(r"copilot|copilot-swe-agent|github-copilot"),
        source=_COPILOT_AGENT,
    ),
    # Commits on Copilot's branches, accepted suggestions and Autofix credit it in a trailer.
    Rule(
        "copilot",
        "Co-authored-by: Copilot trailer",
        MESSAGES,
        named_trailer(
            r"(?:GitHub[ \t])?copilot(?:-swe-agent|[ \t]Autofix(?:[ \t]powered[ \t]by[ \t]AI)?)?(?:\[bot\])?"
        ),
        ("copilot",),
        _COPILOT_AGENT,
    ),
    Rule(
        "copilot",
        "Copilot Autofix trailer",
        MESSAGES,
        trailer_email(r"\d{1,12}\+(?:copilot|github-advanced-security\[bot\])@users\.noreply\.github\.com"),
        ("+copilot@", "github-advanced-security"),
        _AUTOFIX,
    ),
    Rule(
        "copilot",
        "Copilot Autofix commit",
        frozenset({Scope.TITLE, Scope.COMMIT_MESSAGE}),
        re.compile(
            r"^Potential[ \t]fix[ \t]for[ \t](?:code[ \t]scanning[ \t]"
            r"alert[ \t]no\.[ \t]\d{1,9}|pull[ \t]request[ \t]finding)",
            IM,
        ),
        ("potential fix for",),
        _AUTOFIX,
    ),
    Rule("copilot", "copilot/ branch", BRANCH, branch(r"copilot/"), source=_COPILOT_AGENT),
    Rule("copilot", "Copilot Autofix branch", BRANCH, branch(r"alert-autofix-\d{1,9}\b"), source=_AUTOFIX),
    # The coding agent wraps its tips and the original prompt in these HTML comments.
    Rule(
        "copilot",
        "Copilot coding agent body",
        BODY,
        re.compile(
            r"<!--[ \t]{0,3}START[ \t]COPILOT[ \t](?:CODING[ \t]AGENT|ORIGINAL)|"
            r"You[ \t]can[ \t]make[ \t]Copilot[ \t]smarter[ \t]by[ \t]setting[ \t]up",
            I,
        ),
        ("start copilot", "make copilot smarter"),
        _COPILOT_AGENT,
    ),
    Rule("copilot", "copilot label", LABEL, label(r"copilot|github[ _-]copilot"), source="labels teams put on AI PRs"),
    # Cursor's agents commit as Cursor Agent <cursoragent@cursor.com>; older versions
    # used noreply@cursor.sh or cursor@cursor.com. A trailer naming Cursor counts too.
    Rule("cursor", "Cursor trailer", MESSAGES, trailer_email(r"@cursor\.(?:com|sh)"), ("@cursor.",), _CURSOR),
    Rule(
        "cursor",
        "Cursor trailer",
        MESSAGES,
        named_trailer(r"Cursor(?:[ \t](?:Agent|AI|Bugbot))?"),
        ("cursor",),
        _CURSOR,
    ),
    Rule("cursor", "Cursor email", COMMIT_AUTHOR, email(r"[^@\s]{1,40}@cursor\.(?:com|sh)"), source=_CURSOR),
    Rule("cursor", "Cursor Agent name", COMMIT_AUTHOR, re.compile(r"^Cursor[ \t]Agent$", I), source=_CURSOR),
    Rule(
        "cursor",
        "Cursor app",
        IDENTITY,
        re.compile(r"^cursor\[bot\]$", I),
        source="Cursor Bugbot autofix commits as cursor[bot]",
    ),
    Rule(
        "cursor",
        "Made-with: Cursor trailer",
        MESSAGES,
        re.compile(r"^[ \t>*]{0,8}made-with:[ \t]{0,8}cursor\b[^\n]{0,40}", IM),
        ("made-with:",),
        "Cursor CLI commits: Made-with: Cursor trailer",
    ),
    Rule(
        "cursor",
        "Cursor agent link",
        BODY,
        re.compile(r"cursor\.com/(?:background-agent|agents)(?:\?(?:bcId|id)=|/)bc-[\w-]{4,60}", I),
        ("cursor.com/",),
        "Cursor background-agent PRs: 'Open in Cursor' / 'Open in Web' badges (?bcId=bc-... or /agents/bc-...)",
    ),
    Rule("cursor", "cursor/ branch", BRANCH, branch(r"cursor/"), source=_CURSOR),
    Rule("cursor", "cursor label", LABEL, prefixed_label(r"cursor"), source="labels teams put on AI PRs"),
    # Devin opens PRs as the devin-ai-integration app; other installs show devin[bot],
    # devin-ai[bot] or the devin-cognition user. GraphQL drops "[bot]", and people are
    # called Devin, so a bare "devin" login counts only with its suffix.
    Rule("devin", "Devin author", IDENTITY, login(r"devin-ai-integration|devin-ai|devin-cognition"), source=_DEVIN),
    Rule("devin", "Devin author", IDENTITY, re.compile(r"^devin\[bot\]$", I), source=_DEVIN),
    Rule(
        "devin", "Devin commit email", COMMIT_AUTHOR, bot_email(r"devin-ai-integration|devin-ai|devin"), source=_DEVIN
    ),
    Rule(
        "devin",
        "Devin commit email",
        COMMIT_AUTHOR,
        email(r"devin@cognition-labs\.com|devin@cognition\.ai"),
        source="Devin commits as devin@cognition-labs.com in early installs",
    ),
    Rule(
        "devin",
        "Co-Authored-By: Devin trailer",
        MESSAGES,
        trailer_email(
            r"(?:devin-ai-integration|devin)(?:\[bot\])?@users\.noreply\.github\.com|@cognition(?:-labs)?\.(?:com|ai)"
        ),
        ("devin", "cognition"),
        _DEVIN,
    ),
    Rule("devin", "Co-Authored-By: Devin trailer", MESSAGES, named_trailer(r"Devin[ \t]AI"), ("devin ai",), _DEVIN),
    Rule(
        "devin",
        "Devin session link",
        TEXT,
        re.compile(r"devin\.ai/sessions/[0-9a-f]{6,64}", I),
        ("devin.ai/sessions/",),
        _DEVIN,
    ),
    Rule("devin", "devin/ branch", BRANCH, re.compile(r"^devin/\d{9,11}-", I), source=_DEVIN),
    Rule("devin", "devin label", LABEL, label(r"devin"), source="labels teams put on AI PRs"),
    # aider suffixes the author name with (aider) and, with attribute-commit-message-author,
    # prefixes messages with "aider: " (on any line of a squashed message).
    Rule("aider", "(aider) author name", COMMIT_AUTHOR, re.compile(r"\(aider\)[ \t]{0,3}$", I), source=_AIDER),
    Rule(
        "aider",
        "aider: message prefix",
        COMMIT_MESSAGE,
        re.compile(r"^[ \t*-]{0,4}aider:[ \t]", IM),
        ("aider:",),
        _AIDER,
    ),
    Rule("aider", "aider trailer", MESSAGES, trailer_email(r"@aider\.chat"), ("@aider.chat",), _AIDER),
    Rule("aider", "aider trailer", MESSAGES, named_trailer(r"aider(?:[ \t]\([^()\n]{1,40}\))?"), ("aider",), _AIDER),
    Rule("aider", "aider email", COMMIT_AUTHOR, email(r"[^@\s]{1,40}@aider\.chat"), source=_AIDER),
    Rule("aider", "aider label", LABEL, label(r"aider"), source="labels teams put on AI PRs"),
    # Codex cloud tasks push to codex/<slug> branches and link the task in the body.
    Rule("chatgpt_codex", "codex/ branch", BRANCH, branch(r"codex/"), source=_CODEX),
    Rule(
        "chatgpt_codex",
        "Codex task link",
        TEXT,
        re.compile(r"chatgpt\.com/(?:s/)?codex/tasks/[\w-]{4,80}", I),
        ("/codex/tasks/",),
        _CODEX,
    ),
    Rule(
        "chatgpt_codex",
        "Co-authored-by: Codex trailer",
        MESSAGES,
        re.compile(r"^[ \t>*]{0,8}co-authored-by:[ \t]{0,8}codex\b[^<\n]{0,60}<[^<>\n]{0,60}openai\.com>", IM),
        ("openai.com",),
        _CODEX,
    ),
    Rule(
        "chatgpt_codex",
        "Co-authored-by: Codex trailer",
        MESSAGES,
        named_trailer(r"Codex(?:[ \t]CLI)?"),
        ("codex",),
        _CODEX,
    ),
    Rule("chatgpt_codex", "Codex commit email", COMMIT_AUTHOR, email(r"(?:codex|noreply)@openai\.com"), source=_CODEX),
    *app_rules("chatgpt_codex", "Codex app", "chatgpt-codex-connector", _CODEX),
    Rule("chatgpt_codex", "codex label", LABEL, label(r"codex|openai[ _-]codex"), source="labels teams put on AI PRs"),
    *app_rules("jules", "Jules", "google-labs-jules", _JULES),
    Rule(
        "jules",
        "Jules task link",
        TEXT,
        re.compile(r"jules\.google(?:\.com)?/task/[\w-]{4,80}|PR[ \t]created[ \t]automatically[ \t]by[ \t]Jules", I),
        ("jules",),
        _JULES,
    ),
    Rule("jules", "Jules email", COMMIT_AUTHOR, email(r"jules@google\.com"), source=_JULES),
    Rule("jules", "Jules trailer", MESSAGES, trailer_email(r"jules@google\.com"), ("jules@google.com",), _JULES),
    Rule(
        "windsurf",
        "Windsurf trailer",
        MESSAGES,
        trailer(r"windsurf\b|codeium\b"),
        ("windsurf", "codeium"),
        "Windsurf (formerly Codeium) Cascade commits credit Windsurf or Codeium",
    ),
    Rule(
        "windsurf",
        "Windsurf email",
        COMMIT_AUTHOR,
        re.compile(r"@(?:windsurf|codeium)\.(?:com|ai)$", I),
        source="Windsurf (formerly Codeium) commit identities",
    ),
    # Gemini Code Assist is a GitHub app whose accepted suggestions co-author commits;
    # the Gemini CLI GitHub Action acts as gemini-cli[bot].
    *app_rules("gemini", "Gemini Code Assist", "gemini-code-assist", _GEMINI),
    *app_rules("gemini", "Gemini CLI", "gemini-cli", _GEMINI),
    Rule(
        "gemini",
        "Gemini trailer",
        MESSAGES,
        named_trailer(r"Gemini(?:[ \t](?:CLI|Code[ \t]Assist))?"),
        ("gemini",),
        _GEMINI,
    ),
    *app_rules("amazon_q", "Amazon Q Developer", "amazon-q-developer", _AMAZON_Q),
    Rule(
        "amazon_q",
        "Amazon Q trailer",
        MESSAGES,
        named_trailer(r"Amazon[ \t]Q(?:[ \t]Developer)?"),
        ("amazon q",),
        _AMAZON_Q,
    ),
    *app_rules("kiro", "Kiro agent", "kiro-agent", _KIRO),
    Rule("kiro", "Kiro trailer", MESSAGES, named_trailer(r"Kiro(?:[ \t](?:Agent|AI))?"), ("kiro",), _KIRO),
    Rule("kiro", "Kiro trailer", MESSAGES, trailer_email(r"@kiro\.dev"), ("@kiro.dev",), _KIRO),
    Rule("warp", "Warp agent trailer", MESSAGES, trailer_email(r"@warp\.dev"), ("@warp.dev",), _WARP),
    Rule("warp", "Warp agent email", COMMIT_AUTHOR, re.compile(r"@warp\.dev$", I), source=_WARP),
    Rule("amp", "Amp trailer", MESSAGES, trailer_email(r"@ampcode\.com"), ("@ampcode.com",), _AMP),
    Rule("amp", "Amp email", COMMIT_AUTHOR, email(r"[^@\s]{1,40}@ampcode\.com"), source=_AMP),
    Rule(
        "amp",
        "Amp thread link",
        TEXT,
        re.compile(r"ampcode\.com/threads/T-[0-9a-f-]{8,40}", I),
        ("ampcode.com/threads/",),
        _AMP,
    ),
    Rule(
        "tabnine",
        "Tabnine trailer",
        MESSAGES,
        trailer(r"tabnine\b"),
        ("tabnine",),
        "no documented trailer: a trailer naming Tabnine",
    ),
    Rule(
        "cody",
        "Sourcegraph Cody trailer",
        MESSAGES,
        trailer(r"sourcegraph[ \t]cody\b|cody[ \t]ai\b|cody[ \t]{0,3}<[^<>\n]{0,60}@sourcegraph\.com>"),
        ("cody",),
        "Sourcegraph Cody has no standard trailer: a trailer naming Cody or a sourcegraph.com address",
    ),
    # OpenHands (formerly OpenDevin) commits as openhands <openhands@all-hands.dev>, now
    # also @openhands.dev; its resolver opens PRs as openhands-agent.
    *app_rules("openhands", "OpenHands", "openhands-agent|openhands", _OPENHANDS),
    Rule(
        "openhands",
        "OpenHands trailer",
        MESSAGES,
        trailer_email(r"@(?:all-hands|openhands)\.dev"),
        ("all-hands.dev", "openhands.dev"),
        _OPENHANDS,
    ),
    Rule(
        "openhands",
        "OpenHands email",
        COMMIT_AUTHOR,
        email(r"[^@\s]{1,40}@(?:all-hands|openhands)\.dev"),
        source=_OPENHANDS,
    ),
    Rule("openhands", "openhands branch", BRANCH, branch(r"openhands(?:/|-fix-issue-\d)"), source=_OPENHANDS),
    Rule(
        "openhands",
        "OpenHands conversation link",
        TEXT,
        re.compile(r"app\.all-hands\.dev/conversations/[0-9a-f]{8,40}", I),
        ("all-hands.dev/conversations/",),
        _OPENHANDS,
    ),
    *app_rules("roo_code", "Roomote", "roomote", _ROO),
    Rule("roo_code", "Roo Code trailer", MESSAGES, named_trailer(r"Roo(?:[ \t]?Code)?|Roomote"), ("roo",), _ROO),
    Rule("roo_code", "Roo Code trailer", MESSAGES, trailer_email(r"@roocode\.com"), ("@roocode.com",), _ROO),
    Rule("roo_code", "Roo Code email", COMMIT_AUTHOR, email(r"[^@\s]{1,40}@roocode\.com"), source=_ROO),
    Rule(
        "cline",
        "Cline footer",
        TEXT,
        re.compile(r"Generated[ \t](?:with|by)[ \t]\[Cline\][ \t]{0,3}\((?:https?://)?(?:docs\.)?cline\.bot", I),
        ("[cline]",),
        _CLINE,
    ),
    Rule("cline", "Cline trailer", MESSAGES, trailer_email(r"@cline\.bot"), ("@cline.bot",), _CLINE),
    Rule("cline", "Cline trailer", MESSAGES, named_trailer(r"Cline"), ("cline",), _CLINE),
    *app_rules("opencode", "opencode agent", "opencode-agent", _OPENCODE),
    Rule(
        "opencode",
        "opencode footer",
        TEXT,
        re.compile(r"Generated[ \t](?:with|by)[ \t]\[opencode\][ \t]{0,3}\((?:https?://)?opencode\.ai", I),
        ("[opencode]",),
        _OPENCODE,
    ),
    Rule("opencode", "opencode trailer", MESSAGES, trailer_email(r"@opencode\.ai"), ("@opencode.ai",), _OPENCODE),
    Rule("opencode", "opencode trailer", MESSAGES, named_trailer(r"opencode"), ("opencode",), _OPENCODE),
    Rule("opencode", "opencode/ branch", BRANCH, branch(r"opencode/"), source=_OPENCODE),
    Rule(
        "qwen_code",
        "Qwen Code trailer",
        MESSAGES,
        trailer_email(r"qwen-coder@alibabacloud\.com"),
        ("qwen-coder@",),
        _QWEN,
    ),
    Rule("qwen_code", "Qwen Code trailer", MESSAGES, named_trailer(r"Qwen[- ]?Code(?:r)?"), ("qwen",), _QWEN),
    Rule("qwen_code", "Qwen Code email", COMMIT_AUTHOR, email(r"qwen-coder@alibabacloud\.com"), source=_QWEN),
    *app_rules("factory", "Factory Droid", "factory-droid", _FACTORY),
    Rule("factory", "Factory trailer", MESSAGES, trailer_email(r"@factory\.ai"), ("@factory.ai",), _FACTORY),
    *app_rules("mintlify", "Mintlify agent", "mintlify", _MINTLIFY),
    Rule("mintlify", "mintlify/ branch", BRANCH, branch(r"mintlify/"), source=_MINTLIFY),
    *app_rules("lingo_dev", "Lingo.dev", "lingodotdev|replexica", _LINGO),
    Rule(
        "lingo_dev",
        "Lingo.dev commit",
        frozenset({Scope.TITLE, Scope.COMMIT_MESSAGE}),
        re.compile(r"\bupdate[ \t]translations[ \t]via[ \t]@(?:lingodotdev|replexica)\b", I),
        ("via @lingodotdev", "via @replexica"),
        _LINGO,
    ),
    Rule("lingo_dev", "Lingo.dev branch", BRANCH, branch(r"(?:lingo\.dev|lingodotdev|replexica)/"), source=_LINGO),
    # Review bots: only a committed suggestion, with the bot as author or co-author, counts.
    *app_rules("coderabbit", "CodeRabbit", "coderabbitai", _CODERABBIT),
    *app_rules("greptile", "Greptile", "greptile-apps", _GREPTILE),
    *app_rules("cubic", "cubic", "cubic-dev-ai", _CUBIC),
    *app_rules("sourcery", "Sourcery", "sourcery-ai", _SOURCERY),
    *app_rules("ellipsis", "Ellipsis", "ellipsis-dev", _ELLIPSIS),
    *app_rules(
        "qodo",
        "Qodo",
        "qodo-merge-pro|qodo-merge|qodo-code-review|qodo-merge-pro-for-open-source|codiumai-pr-agent-pro|codium-pr-agent",
        _QODO,
    ),
    # A co-author trailer naming a known AI tool is a marker, whatever its address. (Names
    # people also have, Devin, Jules, Cody, need the tool's address or a qualifier above.)
    *(
        Rule(
            tool,
            "Co-authored-by trailer naming the tool",
            MESSAGES,
            named_trailer(name),
            (needle,),
            "Co-authored-by trailers that agents and committed suggestions add, with any address",
        )
        for tool, needle, name in (
            ("chatgpt", "chatgpt", r"ChatGPT"),
            ("codewhisperer", "codewhisperer", r"(?:Amazon[ \t])?CodeWhisperer"),
            ("amp", "amp", r"Amp(?:[ \t]Code)?"),
            ("warp", "warp", r"Warp(?:[ \t](?:Agent|AI))?|Oz"),
            ("factory", "droid", r"(?:Factory[ \t])?Droid|factory-droid"),
            ("lingo_dev", "lingo", r"Lingo\.dev|Replexica"),
            ("coderabbit", "coderabbit", r"CodeRabbit(?:[ \t]AI)?"),
            ("greptile", "greptile", r"Greptile"),
            ("cubic", "cubic", r"cubic(?:[ \t]AI)?"),
            ("sourcery", "sourcery", r"Sourcery(?:[ \t]AI)?"),
            ("ellipsis", "ellipsis", r"Ellipsis"),
            ("qodo", "qodo", r"Qodo(?:[ \t]Merge)?"),
        )
    ),
    # When nobody edits it, GitHub titles a PR after its branch: "Codex/add input validation".
    *(
        Rule(
            tool,
            f"{prefix}/ branch as title",
            frozenset({Scope.TITLE}),
            re.compile(rf"\A[ \t]{{0,3}}{prefix}/[\w.-]", I),
            (f"{prefix}/",),
            "GitHub's default PR title, the branch name with its first letter raised and dashes as spaces",
        )
        for tool, prefix in (
            ("claude_code", "claude"),
            ("copilot", "copilot"),
            ("cursor", "cursor"),
            ("devin", "devin"),
            ("chatgpt_codex", "codex"),
            ("opencode", "opencode"),
            ("openhands", "openhands"),
        )
    ),
    Rule(
        "ai_generic",
        "AI label",
        LABEL,
        re.compile(
            r"^(?:ai|llm|genai)[ _-](?:generated|assisted|authored|written|pr|code)$|"
            r"^(?:generated|written|assisted)[ _-](?:by|with)[ _-](?:ai|llm)$",
            I,
        ),
        source="labels teams put on AI PRs",
    ),
    # Other agents (Goose, Crush, ...) copy Claude Code's robot footer.
    Rule(
        "ai_generic",
        "robot Generated with footer",
        TEXT,
        re.compile(r"\N{ROBOT FACE}[ \t]{0,3}Generated[ \t](?:with|by)[ \t][^\n]{1,60}", I),
        ("\N{ROBOT FACE}",),
        "agents that copy Claude Code's footer (block/goose, charmbracelet/crush)",
    ),
    *PROSE_RULES,
)


@dataclass(frozen=True)
class ReviewSummary:
    """Text a review bot writes into a human's PR description: set aside, never authorship.

    The block runs from `start` to `end` (or to the end of the text when `end` is None or
    not found), and the prose rules do not read it.
    """

    tool: str
    marker: str
    start: re.Pattern[str]
    end: re.Pattern[str] | None
    needles: tuple[str, ...]
    source: str


REVIEW_SUMMARIES: tuple[ReviewSummary, ...] = (
    ReviewSummary(
        "coderabbit",
        "Summary by CodeRabbit",
        re.compile(
            r"<!--[ \t]{0,3}This[ \t]is[ \t]an[ \t]auto-generated[ \t]comment:[ \t]re"
            r"lease[ \t]notes[ \t]by[ \t]coderabbit\.ai|Summary[ \t]by[ \t]CodeRabbit",
            I,
        ),
        re.compile(
            r"<!--[ \t]{0,3}end[ \t]of[ \t]auto-generated[ \t]comment:[ "
            r"\t]release[ \t]notes[ \t]by[ \t]coderabbit\.ai[ \t]{0,3}-->",
            I,
        ),
        ("coderabbit",),
        "https://docs.coderabbit.ai/guides/commands (high-level summary in the PR description)",
    ),
    ReviewSummary(
        "cubic",
        "Summary by cubic",
        re.compile(
            r"<!--[ \t]{0,3}This[ \t]is[ \t]an[ \t]auto-generated[ \t"
            r"]description[ \t]by[ \t]cubic|Summary[ \t]by[ \t]cubic\b",
            I,
        ),
        re.compile(r"<!--[ \t]{0,3}End[ \t]of[ \t]auto-generated[ \t]description[ \t]by[ \t]cubic\.?[ \t]{0,3}-->", I),
        ("cubic",),
        "https://docs.cubic.dev (PR description: 'This is an auto-generated description by cubic')",
    ),
    ReviewSummary(
        "sourcery",
        "Summary by Sourcery",
        re.compile(r"Summary[ \t]by[ \t]Sourcery|Reviewer's[ \t]Guide[ \t]by[ \t]Sourcery", I),
        None,
        ("sourcery",),
        "https://docs.sourcery.ai (Summary by Sourcery appended to PR descriptions)",
    ),
    ReviewSummary(
        "ellipsis",
        "Ellipsis summary",
        # Where the comments are gone (an edited or re-rendered body), the summary is the
        # "> [!IMPORTANT]" blockquote that ends with Ellipsis's credit line.
        re.compile(
            r"<!--[ \t]{0,3}ELLIPSIS_HIDDEN[ \t]{0,3}-->|^>[ \t]\[!IMPORTANT\][ \t]*"
            r"(?=(?:\n>[^\n]{0,1000}){0,30}?This[ \t]description[ \t]was[ \t]created[ \t]by)",
            IM,
        ),
        re.compile(
            r"<!--[ \t]{0,3}ELLIPSIS_HIDDEN[ \t]{0,3}-->|"
            r"automatically[ \t]update[ \t]as[ \t]commits[ \t]are[ \t]pushed\.?(?:[ \t]{0,3}</sup>)?",
            I,
        ),
        ("ellipsis_hidden", "this description was created by"),
        "https://docs.ellipsis.dev (PR summary between ELLIPSIS_HIDDEN comments; 'This description was created by "
        "Ellipsis for <sha>', e.g. hack-dance/island-ai#93, langfuse/langfuse#9087)",
    ),
    ReviewSummary(
        "greptile",
        "Greptile summary",
        re.compile(r"Greptile[ \t](?:Summary|Overview)|<!--[ \t]{0,3}greptile_comment", I),
        re.compile(r"<!--[ \t]{0,3}/greptile_comment[ \t]{0,3}-->", I),
        ("greptile",),
        "https://docs.greptile.com (Greptile Summary / Overview in PR descriptions and comments)",
    ),
    ReviewSummary(
        "copilot",
        "Copilot review or summary",
        re.compile(
            r"<!--[ \t]{0,3}copilot:(?:summary|walkthrough|poem|all)|Copilot[ \t]reviewed[ \t]\d{1,5}[ \t]out[ \t]of|"
            r"Generated[ \t]by[ \t]Copilot[ \t]at[ \t][0-9a-f]{7}",
            I,
        ),
        None,
        ("copilot",),
        "https://docs.github.com/en/copilot/using-github-copilot/code-review (copilot-pull-request-reviewer); "
        "Copilot PR summaries (copilot:summary placeholders)",
    ),
    ReviewSummary(
        "cursor",
        "Cursor Bugbot summary",
        re.compile(r"<!--[ \t]{0,3}CURSOR_SUMMARY[ \t]{0,3}-->", I),
        re.compile(r"<!--[ \t]{0,3}/CURSOR_SUMMARY[ \t]{0,3}-->", I),
        ("cursor_summary",),
        "https://docs.cursor.com/bugbot (Bugbot's PR summary between CURSOR_SUMMARY comments)",
    ),
    ReviewSummary(
        "gemini",
        "Gemini Code Assist summary",
        re.compile(
            r"I'm[ \t]Gemini[ \t]Code[ \t]Assist|Summary[ \t]of[ \t]Changes[ \t]{0,3}\n{1,2}[ \t]{0,3}Hello[ \t]@", I
        ),
        None,
        ("gemini code assist", "summary of changes"),
        _GEMINI,
    ),
    ReviewSummary(
        "qodo",
        "Qodo PR description",
        re.compile(r"<!--[ \t]{0,3}pr_agent:|###[ \t]\*\*PR[ \t]Type\*\*|PR[ \t]Reviewer[ \t]Guide", I),
        None,
        ("pr_agent:", "**pr type**", "pr reviewer guide"),
        _QODO,
    ),
)


AUTOMATION_RULES: tuple[Rule, ...] = (
    # Dependabot opens PRs as dependabot[bot] on dependabot/<ecosystem>/... branches.
    Rule(
        "dependabot",
        "Dependabot account",
        IDENTITY,
        ident(r"dependabot|dependabot-preview"),
        source="https://docs.github.com/en/code-security/dependabot",
    ),
    Rule(
        "dependabot",
        "dependabot/ branch",
        BRANCH,
        branch(r"dependabot/"),
        source="https://docs.github.com/en/code-security/dependabot",
    ),
    # Renovate runs as renovate[bot] (GitHub app) or a self-hosted bot user.
    Rule(
        "renovate",
        "Renovate account",
        IDENTITY,
        ident(r"renovate|renovate-bot|mend-renovate|whitesource-renovate|renovatebot"),
        source="https://docs.renovatebot.com",
    ),
    Rule(
        "renovate",
        "renovate/ branch",
        BRANCH,
        branch(r"renovate/"),
        source="https://docs.renovatebot.com/configuration-options/#branchprefix",
    ),
    # Workflows that push or open PRs with GITHUB_TOKEN act as github-actions[bot].
    Rule(
        "github_actions",
        "GitHub Actions account",
        IDENTITY,
        ident(r"github-actions|actions-user"),
        source="https://docs.github.com/en/actions/security-for-github-actions/security-guides/automatic-token-authentication",
    ),
    Rule("snyk", "Snyk account", IDENTITY, ident(r"snyk-bot|snyk-io"), source="https://docs.snyk.io"),
    Rule("snyk", "snyk- branch", BRANCH, branch(r"snyk-(?:fix|upgrade)-"), source="https://docs.snyk.io"),
    # pre-commit.ci opens autoupdate PRs and pushes autofix commits.
    Rule("pre_commit_ci", "pre-commit.ci account", IDENTITY, ident(r"pre-commit-ci"), source="https://pre-commit.ci"),
    Rule(
        "pre_commit_ci",
        "pre-commit.ci branch",
        BRANCH,
        re.compile(r"^pre-commit-ci-update-config$", I),
        source="https://pre-commit.ci",
    ),
    Rule("mergify", "Mergify account", IDENTITY, ident(r"mergify"), source="https://docs.mergify.com"),
    Rule("mergify", "mergify/ branch", BRANCH, branch(r"mergify/"), source="https://docs.mergify.com"),
    Rule("imgbot", "ImgBot account", IDENTITY, ident(r"imgbot|imgbotapp"), source="https://imgbot.net"),
    Rule(
        "allcontributors",
        "all-contributors account",
        IDENTITY,
        ident(r"allcontributors"),
        source="https://allcontributors.org/docs/en/bot/overview",
    ),
    Rule(
        "greenkeeper",
        "Greenkeeper account",
        IDENTITY,
        ident(r"greenkeeper"),
        source="greenkeeper[bot] PRs (retired service)",
    ),
    Rule("depfu", "Depfu account", IDENTITY, ident(r"depfu"), source="https://depfu.com"),
    Rule("pyup", "PyUp account", IDENTITY, ident(r"pyup-bot|pyup\.io"), source="https://pyup.io"),
    Rule(
        "release_please",
        "release-please account",
        IDENTITY,
        ident(r"release-please"),
        source="https://github.com/googleapis/release-please",
    ),
    Rule(
        "release_please",
        "release-please branch",
        BRANCH,
        branch(r"release-please--"),
        source="https://github.com/googleapis/release-please",
    ),
    Rule(
        "semantic_release",
        "semantic-release account",
        IDENTITY,
        ident(r"semantic-release-bot"),
        source="https://github.com/semantic-release/semantic-release",
    ),
    Rule("weblate", "Weblate account", IDENTITY, ident(r"weblate"), source="https://docs.weblate.org"),
)
