"""Deterministic markers that AI coding tools and automation bots leave on pull requests.

Every rule is data: the tool it names, a short marker name, the places of a PR it
applies to, and a precompiled regex. The detector in `ai_detector` is generic over
these tuples, so adding a marker never touches detection code.

Patterns use only bounded repetition, and rules on free text carry literal needles
that must occur before the regex runs, so a megabyte of hostile text scans quickly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Scope(StrEnum):
    """A place in a pull request that a rule can look at."""

    TITLE = "title"
    BODY = "body"
    BRANCH = "branch"
    AUTHOR = "author"  # the PR author's login
    LABEL = "label"  # one label name at a time
    COMMIT_MESSAGE = "commit_message"
    COMMIT_AUTHOR = "commit_author"  # a commit author's name, email or login, each alone


TEXT_SCOPES = frozenset({Scope.TITLE, Scope.BODY, Scope.COMMIT_MESSAGE})


@dataclass(frozen=True)
class Rule:
    """One marker: `pattern` found in any of `scopes` is evidence for `tool`.

    needles: lowercase literals, one of which must occur in the text for the rule to
        run; every rule on free text has some, so most rules skip most text.
    before / after: when set, a match of `pattern` counts only if `before` matches
        the text ending where it starts, and `after` the text starting where it ends.
    unless_before: when set, a match does not count if this matches the text ending
        where the match (grown by `before`) starts.
    prose: the match is a sentence, so the detector drops it when negated, hedged,
        asked, in an unticked checkbox or inside an HTML comment.
    """

    tool: str
    marker: str
    scopes: frozenset[Scope]
    pattern: re.Pattern[str]
    needles: tuple[str, ...] = ()
    before: re.Pattern[str] | None = None
    after: re.Pattern[str] | None = None
    unless_before: re.Pattern[str] | None = None
    prose: bool = False


AI_TOOLS: tuple[str, ...] = (
    "claude_code",
    "claude",
    "copilot",
    "cursor",
    "devin",
    "chatgpt_codex",
    "chatgpt",
    "aider",
    "jules",
    "windsurf",
    "gemini",
    "amazon_q",
    "codewhisperer",
    "tabnine",
    "cody",
    "warp",
    "coderabbit",
    "greptile",
    "cubic",
    "ai_generic",
)

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

_I = re.IGNORECASE
_IM = re.IGNORECASE | re.MULTILINE

_TEXT = TEXT_SCOPES
_MESSAGES = frozenset({Scope.BODY, Scope.COMMIT_MESSAGE})
_BODY = frozenset({Scope.BODY})
_IDENTITY = frozenset({Scope.AUTHOR, Scope.COMMIT_AUTHOR})
_COMMIT_AUTHOR = frozenset({Scope.COMMIT_AUTHOR})
_BRANCH = frozenset({Scope.BRANCH})
_LABEL = frozenset({Scope.LABEL})

# A git trailer line; ">" and "*" let quoted or bulleted squash-merge bodies count.
_TRAILER = r"^[ \t>*]{0,8}co-authored-by:[ \t]{0,8}"
_EMAIL = r"[ \t]{0,8}<[^<>\n]{0,120}>"


def _login(names: str) -> re.Pattern[str]:
    """A whole login, with or without the `[bot]` suffix that GraphQL drops."""
    return re.compile(rf"^(?:{names})(?:\[bot\])?$", _I)


def _bot_email(login: str) -> re.Pattern[str]:
    """The noreply email GitHub gives an app's commits: `<id>+<login>[bot]@users...`."""
    return re.compile(rf"^(?:\d{{1,12}}\+)?(?:{login})(?:\[bot\])?@users\.noreply\.github\.com$", _I)


def _trailer(name: str) -> re.Pattern[str]:
    """A `Co-authored-by:` trailer whose name part starts with `name`."""
    return re.compile(rf"{_TRAILER}(?:{name})[^<\n]{{0,60}}(?:{_EMAIL})?", _IM)


def _trailer_email(domain: str) -> re.Pattern[str]:
    """A `Co-authored-by:` trailer whose email matches `domain` (a regex)."""
    return re.compile(rf"{_TRAILER}[^<\n]{{0,60}}<[^<>\n]{{0,60}}{domain}>", _IM)


def _label(names: str) -> re.Pattern[str]:
    """A whole label such as `copilot`, `ai:copilot` or `copilot-generated`."""
    return re.compile(
        r"^(?:ai[ \t]{0,2}[:/_-][ \t]{0,2})?"
        rf"(?:{names})"
        r"(?:[ _-](?:generated|assisted|authored|agent|pr))?$",
        _I,
    )


def _prefixed_label(names: str) -> re.Pattern[str]:
    """A label naming a tool whose bare name is ambiguous: only `ai:cursor` etc."""
    return re.compile(rf"^ai[ \t]{{0,2}}[:/_-][ \t]{{0,2}}(?:{names})$|^(?:{names})[ _-]agent$", _I)


# Prose: "<written|generated|...> [mostly] <with|by|using> [the help of] [a] <TOOL>".
# Only verbs saying who produced the work; "powered by" or "built with" describe
# product features far more often than authorship.
_VERB = (
    r"(?:written|wrote|generated|created|authored|produced|drafted|"
    r"co-?written|co-?authored|assisted|implemented|coded|made|"
    r"prepared|composed|refactored|scaffolded|vibe[- ]coded)"
)
_ADVERB = (
    r"(?:(?:partly|partially|mostly|largely|entirely|fully|primarily|heavily|"
    r"mainly|in[ \t]part|in[ \t]full|automatically)[ \t]{1,3}){0,2}"
)
_PREP = r"(?:by|with|using|via|through|in|from)"
_HELP = (
    r"(?:(?:the|some)[ \t]{1,3})?(?:help|assistance|aid|support)[ \t]{1,3}"
    r"(?:of|from)[ \t]{1,3}"
)
_ARTICLE = r"(?:(?:an?|the)[ \t]{1,3})?"

# The frames are anchored at the tool name: regexes that start with a name search
# fast, while one that starts with a list of verbs is tried at every position.
_PRODUCED_WITH = re.compile(
    rf"\b{_VERB}[ \t]{{1,3}}{_ADVERB}{_PREP}[ \t]{{1,3}}(?:{_HELP})?{_ARTICLE}"
    r"\[?\Z",  # "[" for a Markdown link: "Generated with [Claude Code](...)"
    _I,
)
# Past tense only: "use GPT-4 to generate summaries" describes a feature.
_USED = re.compile(rf"\b(?:used|asked|prompted|had)[ \t]{{1,3}}{_ARTICLE}\Z", _I)
_TO_WRITE = re.compile(
    r"[ \t]{1,3}(?:to[ \t]{1,3}(?:help[ \t]{1,3})?(?:write|generate|draft|create|"
    r"implement|refactor|code|produce|build|author)|for[ \t]{1,3}(?:writing|"
    r"generating|drafting|implementing|refactoring|coding|most[ \t]of[ \t]this))\b",
    _I,
)
_ASSISTED_BY = re.compile(r"^[ \t>*]{0,8}(?:ai-)?assisted-by:[ \t]{0,8}\Z", _IM)

# Names used by a feature, not by an author: "built with the Gemini API".
_NOT_A_PRODUCT_PART = (
    r"(?![ \t-]{0,3}(?:API|SDK|client|library|models?|endpoint|integration|provider|"
    r"adapter|plugin|extension|settings|config|prompts?|responses?|output|"
    r"conversation)\b)"
)
# What an AI feature of the product outputs: "show responses generated by Claude".
_PRODUCT_OUTPUT = re.compile(
    r"\b(?:responses?|messages?|outputs?|text|content|summar(?:y|ies)|answers?|"
    r"completions?|replies|images?|embeddings?|captions?|tokens?|results?|queries|"
    r"prompts?|reports?|insights?|recommendations?|data|titles|translations?)"
    r"[ \t]{1,3}(?:(?:are|were|is|was|being|get|gets|got)[ \t]{1,3})?"
    r"(?:[a-z]{2,12}ly[ \t]{1,3})?\Z",
    _I,
)

# How prose names each tool, with the needles that name needs. Ambiguous words (a
# colleague called Devin, the warp web framework, a cubic spline, a mouse cursor)
# need a qualifier or a capital letter.
_PROSE_NAMES: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("claude_code", ("claude code",), r"Claude[ \t]Code"),
    ("claude", ("claude",), r"(?:Anthropic(?:'s)?[ \t])?Claude(?![ \t-]{0,3}Code\b)"),
    ("copilot", ("copilot",), r"(?:GitHub[ \t])?Copilot(?:[ \t]Chat)?"),
    (
        "cursor",
        ("cursor",),
        r"(?-i:Cursor)(?:[ \t](?:AI|Agent|IDE|Composer))?(?![ \t-]{0,3}based)",
    ),
    ("devin", ("devin",), r"Devin[ \t]AI|Cognition(?:'s)?[ \t]Devin"),
    ("chatgpt_codex", ("codex",), r"(?:OpenAI(?:'s)?[ \t])?Codex(?:[ \t]CLI)?"),
    ("chatgpt", ("chatgpt", "gpt"), r"ChatGPT(?![ \t]Codex)|GPT-?[345](?:\.\d{1,2})?o?"),
    ("aider", ("aider",), r"aider(?:[ \t]chat)?"),
    ("jules", ("jules",), r"Google(?:'s)?[ \t]Jules|Jules[ \t](?:AI|agent)"),
    ("windsurf", ("windsurf", "codeium"), r"Windsurf(?:[ \t]Cascade)?|Codeium"),
    (
        "gemini",
        ("gemini",),
        r"(?:Google[ \t])?Gemini(?:[ \t](?:Code[ \t]Assist|CLI|Pro))?",
    ),
    (
        "amazon_q",
        ("amazon q", "q developer"),
        r"Amazon[ \t]Q(?:[ \t]Developer)?|Q[ \t]Developer",
    ),
    ("codewhisperer", ("codewhisperer",), r"(?:Amazon[ \t])?CodeWhisperer"),
    ("tabnine", ("tabnine",), r"Tabnine"),
    ("cody", ("cody",), r"Sourcegraph(?:'s)?[ \t]Cody|Cody[ \t]AI"),
    ("warp", ("warp",), r"Warp(?:'s)?[ \t](?:AI|Agent|agent[ \t]mode)"),
    ("coderabbit", ("coderabbit",), r"CodeRabbit"),
    ("greptile", ("greptile",), r"Greptile"),
    ("cubic", ("cubic",), r"cubic(?:\.dev|-dev-ai|[ \t]AI)"),
    (
        "ai_generic",
        ("ai", "llm", "language model", "artificial intelligence"),
        r"(?:generative[ \t])?AI(?:[ \t](?:assistant|agent|tool|model|coding[ \t]"
        r"(?:assistant|agent|tool))s?|[ \t]assistance)?|LLMs?|"
        r"(?:a[ \t])?large[ \t]language[ \t]model|artificial[ \t]intelligence",
    ),
)


def _prose_rules() -> tuple[Rule, ...]:
    """Per-tool "produced with", "used X to write" and Assisted-by rules."""
    rules: list[Rule] = []
    for tool, needles, name in _PROSE_NAMES:
        pattern = re.compile(rf"\b(?:{name})\b{_NOT_A_PRODUCT_PART}", _I)
        rules.append(
            Rule(
                tool,
                "prose: produced with",
                _TEXT,
                pattern,
                needles,
                before=_PRODUCED_WITH,
                unless_before=_PRODUCT_OUTPUT,
                prose=True,
            )
        )
        rules.append(
            Rule(
                tool,
                "prose: used to write",
                _TEXT,
                pattern,
                needles,
                before=_USED,
                after=_TO_WRITE,
                prose=True,
            )
        )
        if tool != "ai_generic":
            # Projects asking for AI disclosure use "Assisted-by: <agent>:<model>".
            rules.append(
                Rule(
                    tool,
                    "Assisted-by trailer",
                    _MESSAGES,
                    pattern,
                    needles,
                    before=_ASSISTED_BY,
                )
            )
    return tuple(rules)


AI_RULES: tuple[Rule, ...] = (
    # Claude Code appends this footer to PR bodies and commits it writes; the link was
    # claude.ai/code before it moved to claude.com/claude-code.
    Rule(
        "claude_code",
        "Claude Code footer",
        _TEXT,
        re.compile(
            r"Generated[ \t]with[ \t]\[Claude[ \t]Code\][ \t]{0,3}\((?:https?://)?"
            r"(?:www\.)?(?:claude\.(?:ai|com)/(?:claude-)?code|docs\.anthropic\.com)"
            r"[^)\s]{0,80}\)",
            _I,
        ),
        ("[claude code]",),
    ),
    # Claude Code's default commit trailer; Claude Code is the tool that writes it.
    Rule(
        "claude_code",
        "Co-Authored-By: Claude trailer",
        _MESSAGES,
        _trailer_email(r"(?:noreply|claude)@anthropic\.com"),
        ("@anthropic.com",),
    ),
    # The Claude Code GitHub Action commits and co-authors as the claude[bot] app.
    Rule(
        "claude_code",
        "claude[bot] trailer",
        _MESSAGES,
        _trailer(r"claude\[bot\]"),
        ("claude[bot]",),
    ),
    Rule(
        "claude_code",
        "claude[bot] account",
        _IDENTITY,
        re.compile(r"^claude\[bot\]$", _I),
    ),
    Rule(
        "claude_code",
        "claude[bot] email",
        _COMMIT_AUTHOR,
        re.compile(r"^(?:\d{1,12}\+)?claude\[bot\]@users\.noreply\.github\.com$", _I),
    ),
    # The Claude Code GitHub Action names branches claude/issue-N-... or claude/pr-N-...
    Rule(
        "claude_code",
        "Claude Code action branch",
        _BRANCH,
        re.compile(r"^claude/(?:issue|pr)-\d{1,10}", _I),
    ),
    Rule("claude_code", "claude-code label", _LABEL, _label(r"claude[ _-]?code")),
    # The Copilot coding agent opens PRs as Copilot (GraphQL) or copilot-swe-agent[bot].
    Rule(
        "copilot",
        "Copilot coding agent author",
        _IDENTITY,
        _login(r"copilot|copilot-swe-agent"),
    ),
    # Its commits carry the Copilot app's noreply email.
    Rule(
        "copilot",
        "Copilot commit email",
        _COMMIT_AUTHOR,
        _bot_email(r"copilot|copilot-swe-agent"),
    ),
    # Commits on Copilot's branches, or accepted suggestions, credit it in a trailer.
    Rule(
        "copilot",
        "Co-authored-by: Copilot trailer",
        _MESSAGES,
        _trailer(r"(?:GitHub[ \t])?copilot(?:-swe-agent)?(?:\[bot\])?[ \t]{0,3}(?:<|$)"),
        ("copilot",),
    ),
    # The coding agent works on copilot/<slug> branches.
    Rule("copilot", "copilot/ branch", _BRANCH, re.compile(r"^copilot/", _I)),
    # The coding agent wraps its tips and the original prompt in these HTML comments;
    # Copilot PR summaries use copilot:summary placeholders.
    Rule(
        "copilot",
        "Copilot PR body marker",
        _BODY,
        re.compile(
            r"<!--[ \t]{0,3}(?:START[ \t]COPILOT[ \t](?:CODING[ \t]AGENT|ORIGINAL)|"
            r"copilot:(?:summary|walkthrough|poem|all))",
            _I,
        ),
        ("copilot",),
    ),
    Rule("copilot", "copilot label", _LABEL, _label(r"copilot|github[ _-]copilot")),
    # Cursor's agents commit as Cursor Agent <cursoragent@cursor.com> and add a trailer.
    Rule(
        "cursor",
        "Cursor Agent trailer",
        _MESSAGES,
        _trailer_email(r"cursoragent@cursor\.com"),
        ("cursoragent@cursor.com",),
    ),
    Rule(
        "cursor",
        "Cursor Agent email",
        _COMMIT_AUTHOR,
        re.compile(r"^cursoragent@cursor\.com$", _I),
    ),
    # Cursor's CLI and agents can add a Made-with: Cursor trailer.
    Rule(
        "cursor",
        "Made-with: Cursor trailer",
        _MESSAGES,
        re.compile(r"^[ \t>*]{0,8}made-with:[ \t]{0,8}cursor\b[^\n]{0,40}", _IM),
        ("made-with:",),
    ),
    # Cursor background agents push to cursor/<slug> branches.
    Rule("cursor", "cursor/ branch", _BRANCH, re.compile(r"^cursor/", _I)),
    Rule("cursor", "cursor label", _LABEL, _prefixed_label(r"cursor")),
    # Devin opens PRs as the devin-ai-integration app and credits itself in trailers.
    Rule("devin", "Devin author", _IDENTITY, _login(r"devin-ai-integration")),
    Rule(
        "devin",
        "Devin commit email",
        _COMMIT_AUTHOR,
        _bot_email(r"devin-ai-integration"),
    ),
    Rule(
        "devin",
        "Co-Authored-By: Devin trailer",
        _MESSAGES,
        _trailer(r"devin[ \t]ai\b|[^<\n]{0,60}<[^<>\n]{0,30}devin-ai-integration"),
        ("devin",),
    ),
    # Devin links its session from every PR body it writes.
    Rule(
        "devin",
        "Devin session link",
        _TEXT,
        re.compile(r"devin\.ai/sessions/[0-9a-f]{6,64}", _I),
        ("devin.ai/sessions/",),
    ),
    # Devin branches are devin/<unix time>-<slug>.
    Rule("devin", "devin/ branch", _BRANCH, re.compile(r"^devin/\d{9,11}-", _I)),
    Rule("devin", "devin label", _LABEL, _label(r"devin")),
    # aider suffixes the author name with (aider); older versions also prefixed
    # commit messages with "aider: ".
    Rule(
        "aider",
        "(aider) author name",
        _COMMIT_AUTHOR,
        re.compile(r"\(aider\)[ \t]{0,3}$", _I),
    ),
    Rule(
        "aider",
        "aider: message prefix",
        frozenset({Scope.COMMIT_MESSAGE}),
        re.compile(r"\Aaider:[ \t]", _I),
        ("aider:",),
    ),
    # Recent aider versions add Co-authored-by: aider (<model>) <aider@aider.chat>.
    Rule(
        "aider",
        "aider trailer",
        _MESSAGES,
        _trailer_email(r"@aider\.chat"),
        ("@aider.chat",),
    ),
    Rule(
        "aider",
        "aider email",
        _COMMIT_AUTHOR,
        re.compile(r"^[^@\s]{1,40}@aider\.chat$", _I),
    ),
    Rule("aider", "aider label", _LABEL, _label(r"aider")),
    # Codex cloud tasks push to codex/<slug> branches and link the task in the body.
    Rule("chatgpt_codex", "codex/ branch", _BRANCH, re.compile(r"^codex/", _I)),
    Rule(
        "chatgpt_codex",
        "Codex task link",
        _TEXT,
        re.compile(r"chatgpt\.com/codex/tasks/[\w-]{4,80}", _I),
        ("chatgpt.com/codex/tasks/",),
    ),
    # Codex commits as Codex <codex@openai.com> and can credit itself in a trailer.
    Rule(
        "chatgpt_codex",
        "Co-authored-by: Codex trailer",
        _MESSAGES,
        re.compile(rf"{_TRAILER}codex\b[^<\n]{{0,60}}<[^<>\n]{{0,60}}openai\.com>", _IM),
        ("openai.com",),
    ),
    Rule(
        "chatgpt_codex",
        "Codex commit email",
        _COMMIT_AUTHOR,
        re.compile(r"^(?:codex|noreply)@openai\.com$", _I),
    ),
    # The Codex GitHub app, when it opens or co-authors a PR.
    Rule(
        "chatgpt_codex",
        "Codex app",
        _IDENTITY,
        _login(r"chatgpt-codex-connector"),
    ),
    Rule("chatgpt_codex", "codex label", _LABEL, _label(r"codex|openai[ _-]codex")),
    # Jules opens PRs as google-labs-jules and links its task from the body.
    Rule("jules", "Jules author", _IDENTITY, _login(r"google-labs-jules")),
    Rule(
        "jules",
        "Jules commit email",
        _COMMIT_AUTHOR,
        _bot_email(r"google-labs-jules"),
    ),
    Rule(
        "jules",
        "Jules trailer",
        _MESSAGES,
        _trailer(r"google-labs-jules"),
        ("google-labs-jules",),
    ),
    Rule(
        "jules",
        "Jules task link",
        _TEXT,
        re.compile(r"jules\.google(?:\.com)?/task/[\w-]{4,80}", _I),
        ("jules.google",),
    ),
    # Windsurf (formerly Codeium) credits itself in trailers with its own names.
    Rule(
        "windsurf",
        "Windsurf trailer",
        _MESSAGES,
        _trailer(r"windsurf\b|codeium\b"),
        ("windsurf", "codeium"),
    ),
    Rule(
        "windsurf",
        "Windsurf email",
        _COMMIT_AUTHOR,
        re.compile(r"@(?:windsurf|codeium)\.(?:com|ai)$", _I),
    ),
    # Gemini Code Assist is a GitHub app; accepting its suggestions co-authors commits.
    Rule(
        "gemini",
        "Gemini Code Assist app",
        _IDENTITY,
        _login(r"gemini-code-assist"),
    ),
    Rule(
        "gemini",
        "Gemini Code Assist email",
        _COMMIT_AUTHOR,
        _bot_email(r"gemini-code-assist"),
    ),
    Rule(
        "gemini",
        "Gemini Code Assist trailer",
        _MESSAGES,
        _trailer(r"gemini-code-assist"),
        ("gemini-code-assist",),
    ),
    # Amazon Q Developer's agent opens PRs and commits as its GitHub app.
    Rule(
        "amazon_q",
        "Amazon Q Developer app",
        _IDENTITY,
        _login(r"amazon-q-developer"),
    ),
    Rule(
        "amazon_q",
        "Amazon Q Developer email",
        _COMMIT_AUTHOR,
        _bot_email(r"amazon-q-developer"),
    ),
    Rule(
        "amazon_q",
        "Amazon Q Developer trailer",
        _MESSAGES,
        _trailer(r"amazon-q-developer"),
        ("amazon-q-developer",),
    ),
    # Warp's agent (now Oz) adds Co-Authored-By: Warp <agent@warp.dev> to commits.
    Rule(
        "warp",
        "Warp agent trailer",
        _MESSAGES,
        _trailer_email(r"@warp\.dev"),
        ("@warp.dev",),
    ),
    Rule("warp", "Warp agent email", _COMMIT_AUTHOR, re.compile(r"@warp\.dev$", _I)),
    # Tabnine and Cody leave no standard trailer we know of; a trailer naming them,
    # or prose, is what there is.
    Rule(
        "tabnine",
        "Tabnine trailer",
        _MESSAGES,
        _trailer(r"tabnine\b"),
        ("tabnine",),
    ),
    Rule(
        "cody",
        "Sourcegraph Cody trailer",
        _MESSAGES,
        _trailer(r"sourcegraph[ \t]cody\b|cody[ \t]ai\b"),
        ("cody",),
    ),
    # CodeRabbit writes PR summaries, docstring PRs and committable suggestions.
    Rule("coderabbit", "CodeRabbit app", _IDENTITY, _login(r"coderabbitai")),
    Rule(
        "coderabbit",
        "CodeRabbit email",
        _COMMIT_AUTHOR,
        _bot_email(r"coderabbitai"),
    ),
    Rule(
        "coderabbit",
        "CodeRabbit trailer",
        _MESSAGES,
        _trailer(r"coderabbitai"),
        ("coderabbitai",),
    ),
    Rule(
        "coderabbit",
        "Summary by CodeRabbit",
        _BODY,
        re.compile(r"Summary[ \t]by[ \t]CodeRabbit", _I),
        ("summary by coderabbit",),
    ),
    # CodeRabbit marks the PR description it wrote with this HTML comment.
    Rule(
        "coderabbit",
        "CodeRabbit release notes comment",
        _BODY,
        re.compile(r"release[ \t]notes[ \t]by[ \t]coderabbit\.ai", _I),
        ("coderabbit.ai",),
    ),
    # Greptile and cubic review PRs; their committed suggestions credit them.
    Rule("greptile", "Greptile app", _IDENTITY, _login(r"greptile-apps")),
    Rule(
        "greptile",
        "Greptile email",
        _COMMIT_AUTHOR,
        _bot_email(r"greptile-apps"),
    ),
    Rule(
        "greptile",
        "Greptile trailer",
        _MESSAGES,
        _trailer(r"greptile-apps"),
        ("greptile-apps",),
    ),
    Rule("cubic", "cubic app", _IDENTITY, _login(r"cubic-dev-ai")),
    Rule("cubic", "cubic email", _COMMIT_AUTHOR, _bot_email(r"cubic-dev-ai")),
    Rule(
        "cubic",
        "cubic trailer",
        _MESSAGES,
        _trailer(r"cubic-dev-ai"),
        ("cubic-dev-ai",),
    ),
    # cubic writes a "Summary by cubic" section into the PR descriptions it edits.
    Rule(
        "cubic",
        "Summary by cubic",
        _BODY,
        re.compile(r"Summary[ \t]by[ \t]cubic\b", _I),
        ("summary by cubic",),
    ),
    # Labels teams put on AI work.
    Rule(
        "ai_generic",
        "AI label",
        _LABEL,
        re.compile(
            r"^(?:ai|llm|genai)[ _-](?:generated|assisted|authored|written|pr|code)$|"
            r"^(?:generated|written|assisted)[ _-](?:by|with)[ _-](?:ai|llm)$",
            _I,
        ),
    ),
    # Other agents (opencode, Goose, ...) copy Claude Code's robot footer.
    Rule(
        "ai_generic",
        "robot Generated with footer",
        _TEXT,
        re.compile(r"\N{ROBOT FACE}[ \t]{0,3}Generated[ \t](?:with|by)[ \t][^\n]{1,60}", _I),
        ("\N{ROBOT FACE}",),
    ),
    # An Assisted-by trailer naming an agent we do not know; human helpers' trailers
    # carry an email, agents' ("Assisted-by: <agent>:<model>") do not.
    Rule(
        "ai_generic",
        "Assisted-by trailer",
        _MESSAGES,
        re.compile(r"^[ \t>*]{0,8}(?:ai-)?assisted-by:[ \t]{0,8}[^<\n]{1,80}$", _IM),
        ("assisted-by:",),
    ),
    # Plain statements that this PR or its code is AI-generated, with no tool named:
    # "this PR was AI-generated", "(AI-assisted)", or a line "AI-generated: yes".
    Rule(
        "ai_generic",
        "prose: AI-generated",
        _TEXT,
        re.compile(
            r"\b(?:this|these|the)[ \t]{1,3}(?:PR|pull[ \t]request|change(?:set|s)?|"
            r"code|commits?|patch|diff|fix|implementation|description|refactor(?:ing)?|"
            r"tests?)[ \t]{1,3}(?:(?:is|was|were|are|has[ \t]been|have[ \t]been)"
            r"[ \t]{1,3})?(?:(?:partly|partially|mostly|largely|entirely|fully)"
            r"[ \t]{1,3})?AI[- ](?:generated|assisted|written|authored)\b|"
            r"[(\[][ \t]{0,3}AI[- ](?:generated|assisted|written)[ \t]{0,3}[)\]]|"
            r"^[ \t]{0,8}(?:[-*>#][ \t]{0,3}){0,3}(?:\[[xX]\][ \t]{0,3})?(?:\*\*)?"
            r"AI[- ](?:generated|assisted)(?:\*\*)?[ \t]{0,3}(?:[:.!]|$)",
            _IM,
        ),
        (
            "ai-generated",
            "ai generated",
            "ai-assisted",
            "ai assisted",
            "ai-written",
            "ai written",
            "ai-authored",
            "ai authored",
        ),
        prose=True,
    ),
    Rule(
        "ai_generic",
        "prose: AI was used",
        _TEXT,
        re.compile(
            r"\b(?:AI|an?[ \t]LLM|LLMs?|generative[ \t]AI)(?:[ \t](?:tools?|"
            r"assistants?|agents?))?[ \t]{1,3}(?:was|were|has[ \t]been|have[ \t]been)"
            r"[ \t]{1,3}used\b",
            _I,
        ),
        (" used",),
        prose=True,
    ),
    *_prose_rules(),
)


def _ident(names: str) -> re.Pattern[str]:
    """A bot's login, commit name or noreply email, with or without [bot]."""
    return re.compile(
        rf"^(?:\d{{1,12}}\+)?(?:{names})(?:\[bot\])?"
        r"(?:@users\.noreply\.github\.com)?$",
        _I,
    )


AUTOMATION_RULES: tuple[Rule, ...] = (
    # Dependabot opens PRs as dependabot[bot] on dependabot/<ecosystem>/... branches.
    Rule(
        "dependabot",
        "Dependabot account",
        _IDENTITY,
        _ident(r"dependabot|dependabot-preview"),
    ),
    Rule("dependabot", "dependabot/ branch", _BRANCH, re.compile(r"^dependabot/", _I)),
    # Renovate runs as renovate[bot] (GitHub app) or a self-hosted bot user.
    Rule(
        "renovate",
        "Renovate account",
        _IDENTITY,
        _ident(r"renovate|renovate-bot|mend-renovate|whitesource-renovate|renovatebot"),
    ),
    Rule("renovate", "renovate/ branch", _BRANCH, re.compile(r"^renovate/", _I)),
    # Workflows that push or open PRs with GITHUB_TOKEN act as github-actions[bot].
    Rule(
        "github_actions",
        "GitHub Actions account",
        _IDENTITY,
        _ident(r"github-actions|actions-user"),
    ),
    Rule("snyk", "Snyk account", _IDENTITY, _ident(r"snyk-bot|snyk-io")),
    Rule("snyk", "snyk- branch", _BRANCH, re.compile(r"^snyk-(?:fix|upgrade)-", _I)),
    # pre-commit.ci opens autoupdate PRs and pushes autofix commits.
    Rule("pre_commit_ci", "pre-commit.ci account", _IDENTITY, _ident(r"pre-commit-ci")),
    Rule(
        "pre_commit_ci",
        "pre-commit.ci branch",
        _BRANCH,
        re.compile(r"^pre-commit-ci-update-config$", _I),
    ),
    Rule("mergify", "Mergify account", _IDENTITY, _ident(r"mergify")),
    Rule("mergify", "mergify/ branch", _BRANCH, re.compile(r"^mergify/", _I)),
    Rule("imgbot", "ImgBot account", _IDENTITY, _ident(r"imgbot|imgbotapp")),
    Rule(
        "allcontributors",
        "all-contributors account",
        _IDENTITY,
        _ident(r"allcontributors"),
    ),
    Rule("greenkeeper", "Greenkeeper account", _IDENTITY, _ident(r"greenkeeper")),
    Rule("depfu", "Depfu account", _IDENTITY, _ident(r"depfu")),
    Rule("pyup", "PyUp account", _IDENTITY, _ident(r"pyup-bot|pyup\.io")),
    Rule(
        "release_please",
        "release-please account",
        _IDENTITY,
        _ident(r"release-please"),
    ),
    Rule(
        "release_please",
        "release-please branch",
        _BRANCH,
        re.compile(r"^release-please--", _I),
    ),
    Rule(
        "semantic_release",
        "semantic-release account",
        _IDENTITY,
        _ident(r"semantic-release-bot"),
    ),
    Rule("weblate", "Weblate account", _IDENTITY, _ident(r"weblate")),
)
