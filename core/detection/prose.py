"""Rules for what people write about AI use: sentences, disclosure sections and trailers.

"Written with Claude Code", "I used Cursor to implement this", "AI Disclosure: used Cursor
IDE for implementation", "Model: Claude 4 Opus", "Assisted-by: Gemini". The detector drops a
prose match that is negated, hedged, asked, quoted, in an unticked checkbox or inside an HTML
comment, so "No AI was used" and "- [ ] I used Copilot" say nothing.
"""

from __future__ import annotations

import re

from tformance.core.detection.rule import IM, MESSAGES, TEXT, I, Rule

_PROSE_SOURCE = (
    "how authors state AI use in PR descriptions (e.g. 'Generated with Claude Code', 'I used Cursor to write')"
)
_DISCLOSURE_SOURCE = (
    "AI disclosure sections of PR templates (e.g. ghostty, curl, Linux kernel's Assisted-by: "
    "https://docs.kernel.org/process/coding-assistants.html): 'AI Disclosure: Used Cursor IDE', 'Model: Claude 4 Opus'"
)
_TRAILER_SOURCE = "Assisted-by: / Generated-by: trailers (https://docs.kernel.org/process/coding-assistants.html)"

# "<written|generated|...> [mostly] <with|by|using> [the help of] [a] <TOOL>". Only verbs
# saying who produced the work; "powered by" or "built with" describe product features
# far more often than authorship.
_VERB = (
    r"(?:written|wrote|generated|created|authored|produced|drafted|"
    r"co-?written|co-?authored|assisted|implemented|coded|made|developed|debugged|"
    r"prepared|composed|refactored|scaffolded|vibe[- ]coded|built|(?:auto-?)?completed|paired|pair-programmed)"
)
_ADVERB = (
    r"(?:(?:partly|partially|mostly|largely|entirely|fully|primarily|heavily|"
    r"mainly|in[ \t]part|in[ \t]full|automatically|together)[ \t]{1,3}){0,2}"
)
# "wrote this with", "built it in", "generated the tests using".
# A file name is an object too: "Generated AGENTS.md via Codex CLI". Other nouns stay out:
# "generated summaries with GPT-4" describes a feature.
_OBJECT = (
    r"(?:(?:(?:this|it|these|them|most[ \t]of[ \t](?:this|it)|the[ \t](?:code|tests|fix|changes|patch|docs))"
    r"(?:[ \t]one)?|(?:the[ \t])?[\w/-]{1,60}\.[A-Za-z]{1,6})[ \t]{1,3})?"
)
_PREP = r"(?:by|with|using|via|through|in|from)"
_HELP = (
    r"(?:(?:the|some)[ \t]{1,3})?(?:help|assistance|aid|support)[ \t]{1,3}"
    r"(?:of|from)[ \t]{1,3}"
)
_ARTICLE = r"(?:(?:an?|the|my)[ \t]{1,3})?"

# The frames are anchored at the tool name: regexes that start with a name search fast,
# while one that starts with a list of verbs is tried at every position.
_PRODUCED_WITH = re.compile(
    rf"\b{_VERB}[ \t]{{1,3}}{_OBJECT}{_ADVERB}{_PREP}[ \t]{{1,3}}(?:{_HELP})?{_ARTICLE}"
    r"\[?\Z",  # "[" for a Markdown link: "Generated with [Claude Code](...)"
    I,
)
# Past tense only: "use GPT-4 to generate summaries" describes a feature.
_USED = re.compile(rf"\b(?:used|using|asked|prompted|had|leveraged|utilized)[ \t]{{1,3}}{_ARTICLE}\Z", I)
_TO_WRITE = re.compile(
    r"[ \t]{1,3}(?:(?:to|in[ \t]order[ \t]to)[ \t]{1,3}(?:help[ \t]{1,3}(?:me[ \t]{1,3})?)?(?:write|generate|draft|"
    r"create|implement|refactor|code|produce|build|author|debug|fix|port|migrate|add|update|rewrite)|"
    r"for[ \t]{1,3}(?:the[ \t]{1,3})?(?:writing|generating|drafting|implementing|implementation|refactoring|"
    r"coding|development|debugging|most[ \t]of[ \t]this|this[ \t]{1,3}(?:PR|change|fix|feature|patch)|"
    r"the[ \t]{1,3}(?:code|changes|tests))|"
    # "I used GH Copilot while writing this PR"
    r"while[ \t]{1,3}(?:writing|working[ \t]on|preparing|implementing|coding|drafting|building|developing))\b",
    I,
)
# "claude-code used with Sonnet 4.5", "Copilot was used for the tests".
_NAME_USED = re.compile(
    r"[ \t]{1,3}used[ \t]{0,3}[:?][ \t]{0,3}(?:\*\*)?[ \t]{0,3}(?:yes|true|\[x\])\b|"  # "Claude Code used: yes"
    r"[ \t]{1,3}(?:\([^()\n]{1,40}\)[ \t]{1,3})?(?:was[ \t]{1,3}|were[ \t]{1,3})?used[ \t]{1,3}"
    r"(?:with|via|for[ \t]{1,3}(?:the[ \t]{1,3})?(?:implementation|coding|writing|this|tests|code|changes|refactoring|"
    r"most|parts|debugging)|to[ \t]{1,3}(?:write|implement|help|generate|draft|debug|refactor|build|create|fix)|"
    # "AI was used in this PR", "- [x] Was AI used in this pull request?"
    r"in[ \t]{1,3}(?:this|the)[ \t]{1,3}(?:PR|pull[ \t]request|change|patch|commit|contribution))\b",
    I,
)
# "ChatGPT helped me draft the guide", "Claude wrote most of this".
_NAME_WROTE = re.compile(
    r"[ \t]{1,3}(?:(?:helped|assisted)[ \t]{1,3}(?:(?:me|us)[ \t]{1,3})?(?:to[ \t]{1,3})?(?:write|draft|implement|"
    r"generate|build|create|refactor|debug|fix|port)|(?:wrote|generated|drafted|implemented|created|refactored|"
    r"produced)[ \t]{1,3}(?:(?:most|much|all|some|parts?)[ \t]{1,3}of[ \t]{1,3})?(?:this|these|it|the[ \t]{1,3}(?:code|"
    r"tests|fix|implementation|changes|patch|first[ \t]draft|draft|migration|PR)))\b",
    I,
)
_ASSISTED_BY = re.compile(r"^[ \t>*]{0,8}(?:ai-)?(?:assisted|generated|co-developed)-by:[ \t]{0,8}\Z", IM)
# A label of an AI disclosure on the same line ("AI Disclosure: ...", "**Model:** ...",
# "Tools used - ..."), or a disclosure heading up to five lines above.
_LABEL = (
    r"(?:(?:AI|LLM|GenAI|Gen[ \t]AI|Generative[ \t]AI)[ \t-]{0,3}(?:disclosure|usage|use|used|assistance|assisted|"
    r"involvement|tools?(?:[ \t]used)?|models?(?:[ \t]used)?|agents?(?:[ \t]used)?|assistants?|contribution|"
    r"statement|attribution|generated)|(?:Tools?|Models?|Agents?|Assistants?|LLMs?)(?:[ \t]used)?|"
    r"(?:Assisted|Generated|Written)[ \t]by|AI|LLM)"
)
_DISCLOSURE = re.compile(
    rf"^[ \t>*_#-]{{0,8}}(?:\[[xX]\][ \t]{{0,3}})?(?:\*\*|__)?{_LABEL}(?:\*\*|__)?[ \t]{{0,3}}[:\uff1a=\u2013\u2014-]"
    r"(?:\*\*|__)?[^\n]{0,120}\Z|"
    r"^[ \t]{0,3}#{1,6}[ \t]{0,3}(?:AI|LLM|Generative[ \t]AI)[ \t-]{0,3}(?:disclosure|usage|use|assistance|"
    r"involvement|tools?[ \t]used|statement|policy|contribution|attribution)[^\n]{0,40}\n(?:[^\n]{0,200}\n){0,5}"
    r"[^\n]{0,200}\Z",
    IM,
)
_DISCLOSURE_REACH = 1300

# Names used by a feature, not by an author: "built with the Gemini API".
_NOT_A_PRODUCT_PART = (
    r"(?![ \t-]{0,3}(?:Agent[ \t]{1,3})?(?:API|SDK|client|library|models?|endpoint|integration|provider|"
    r"adapter|plugin|extension|settings|config|prompts?|responses?|output|"
    r"conversation|pagination|position|support|provider|tokens?|key)\b)"
)
# What an AI feature of the product outputs ("show responses generated by Claude"), or a
# sentence about finding AI work ("detect PRs written with Copilot").
_PRODUCT_OUTPUT = re.compile(
    r"\b(?:responses?|messages?|outputs?|text|content|summar(?:y|ies)|answers?|"
    r"completions?|replies|images?|embeddings?|captions?|tokens?|results?|queries|"
    r"prompts?|reports?|insights?|recommendations?|data|titles|translations?)"
    r"[ \t]{1,3}(?:(?:are|were|is|was|being|get|gets|got)[ \t]{1,3})?"
    r"(?:[a-z]{2,12}ly[ \t]{1,3})?\Z|"
    r"\b(?:detect|recogni[sz]e|flag|identify|count|classify|mark|label|tag|spot|find|filter|track)"
    r"(?:s|es|ed|ing)?\b[^.\n]{0,60}\Z",
    I,
)

# How people name each tool: (tool, needles, in prose, in a disclosure or trailer).
# Prose needs the unambiguous form (a colleague called Devin, the warp web framework, a
# cubic spline, a mouse cursor); a disclosure line or trailer already says it is about AI.
_CLAUDE_MODEL = r"(?:\d(?:\.\d)?[ \t])?(?:Opus|Sonnet|Haiku)(?:[ \t-]\d(?:\.\d{1,2})?)?"
_NAMES: tuple[tuple[str, tuple[str, ...], str, str], ...] = (
    ("claude_code", ("claude code", "claude-code", "claude_code"), r"Claude[ \t]Code", r"claude[ \t_-]code"),
    (
        "claude",
        ("claude", "opus", "sonnet", "haiku"),
        rf"(?:Anthropic(?:'s)?[ \t])?Claude(?![ \t_-]{{0,3}}code\b)(?:[ \t-]{{1,2}}{_CLAUDE_MODEL})?|"
        r"(?:Opus|Sonnet|Haiku)[ \t-]\d(?:\.\d{1,2})?",
        rf"(?:Anthropic(?:'s)?[ \t])?Claude(?![ \t_-]{{0,3}}code\b)(?:[ \t-]{{1,2}}{_CLAUDE_MODEL})?|"
        r"(?:Opus|Sonnet|Haiku)(?:[ \t-]\d(?:\.\d{1,2})?)?|"
        # Model ids ("claude-sonnet-4-5"), but not dated snapshots, which API configs pin.
        r"claude(?:-(?!code\b)[a-z0-9.]{1,12}){1,5}(?<!-20\d{6})",
    ),
    ("copilot", ("copilot",), r"(?:(?:GitHub|GH)[ \t])?Copilot(?:[ \t](?:Chat|Agent|coding[ \t]agent))?", ""),
    (
        "cursor",
        ("cursor",),
        r"(?-i:Cursor)(?:[ \t](?:AI|Agent|IDE|Composer|Tab|CLI))?(?![ \t-]{0,3}based)",
        r"cursor(?:[ \t](?:ai|agent|ide|composer|tab|cli))?",
    ),
    (
        "devin",
        ("devin",),
        r"Devin[ \t]AI|Cognition(?:'s)?[ \t]Devin|(?-i:Devin)(?=[ \t]\(?(?:the[ \t])?AI)",
        r"devin(?:[ \t]ai)?",
    ),
    ("chatgpt_codex", ("codex",), r"(?:OpenAI(?:'s)?[ \t])?Codex(?:[ \t](?:CLI|cloud|web))?", ""),
    (
        "chatgpt",
        ("chatgpt", "gpt", "o3", "o4"),
        r"ChatGPT(?![ \t]Codex)|GPT-?[345](?:\.\d{1,2})?o?(?:[ \t-]mini)?",
        r"ChatGPT(?![ \t]Codex)|GPT-?[345](?:\.\d{1,2})?o?(?:[ \t-](?:mini|codex|pro|nano|turbo))*|o[34](?:-mini)?",
    ),
    ("aider", ("aider",), r"aider(?:[ \t]chat)?", ""),
    ("jules", ("jules",), r"Google(?:'s)?[ \t]Jules|Jules[ \t](?:AI|agent)", r"jules"),
    ("windsurf", ("windsurf", "codeium"), r"Windsurf(?:[ \t]Cascade)?|Codeium", ""),
    (
        "gemini",
        ("gemini",),
        r"(?:Google[ \t])?Gemini(?:[ \t](?:Code[ \t]Assist|CLI|\d(?:\.\d)?[ \t]?(?:Pro|Flash)?|Pro))?",
        "",
    ),
    ("amazon_q", ("amazon q", "q developer"), r"Amazon[ \t]Q(?:[ \t]Developer)?|Q[ \t]Developer", ""),
    ("codewhisperer", ("codewhisperer",), r"(?:Amazon[ \t])?CodeWhisperer", ""),
    ("tabnine", ("tabnine",), r"Tabnine", ""),
    ("cody", ("cody",), r"Sourcegraph(?:'s)?[ \t]Cody|Cody[ \t]AI", r"(?:Sourcegraph[ \t])?Cody"),
    (
        "amp",
        ("amp",),
        r"Sourcegraph(?:'s)?[ \t]Amp|Amp[ \t](?:Code|agent|CLI)|(?-i:Amp)(?=[ \t]\(ampcode)",
        r"amp(?:code)?",
    ),
    (
        "warp",
        ("warp",),
        r"Warp(?:'s)?[ \t](?:AI|Agent|agent[ \t]mode|Terminal)",
        r"warp(?:[ \t](?:ai|agent|terminal))?",
    ),
    ("openhands", ("openhands", "opendevin"), r"OpenHands|OpenDevin", ""),
    ("roo_code", ("roo", "roomote"), r"Roo(?:[ \t]?Code)?|Roomote", ""),
    ("kiro", ("kiro",), r"(?-i:Kiro)(?:[ \t](?:IDE|agent|AI|CLI))?", r"kiro"),
    ("cline", ("cline",), r"(?-i:Cline)", r"cline"),
    ("opencode", ("opencode",), r"(?-i:OpenCode|opencode)", r"opencode"),
    ("qwen_code", ("qwen",), r"Qwen[ \t-]?Code(?:r)?(?:[ \t]CLI)?", ""),
    (
        "factory",
        ("factory", "droid"),
        r"Factory(?:\.ai|[ \t]AI)?(?:'s)?[ \t]Droids?|Factory\.ai|Droid[ \t](?:CLI|agent)",
        r"Factory(?:\.ai|[ \t]AI)?(?:'s)?(?:[ \t]Droids?)?|droid",
    ),
    ("mintlify", ("mintlify",), r"Mintlify(?:'s)?[ \t](?:agent|AI|writer)", r"mintlify(?:[ \t](?:agent|ai))?"),
    ("lingo_dev", ("lingo", "replexica"), r"Lingo\.dev|Replexica", ""),
    ("coderabbit", ("coderabbit",), r"CodeRabbit", ""),
    ("greptile", ("greptile",), r"Greptile", ""),
    ("cubic", ("cubic",), r"cubic(?:\.dev|-dev-ai|[ \t]AI)", ""),
    ("sourcery", ("sourcery",), r"Sourcery(?:[ \t]AI)?", ""),
    ("ellipsis", ("ellipsis",), r"(?-i:Ellipsis)(?:\.dev)?", ""),
    ("qodo", ("qodo", "codiumai", "pr-agent"), r"Qodo(?:[ \t](?:Merge|Gen|Command))?|CodiumAI|PR-Agent", ""),
    (
        "ai_generic",
        (
            "ai",
            "llm",
            "language model",
            "artificial intelligence",
            "deepseek",
            "llama",
            "qwen",
            "mistral",
            "grok",
            "kimi",
        ),
        r"(?:generative[ \t])?AI(?:[ \t](?:assistant|agent|tool|model|coding[ \t]"
        r"(?:assistant|agent|tool))s?|[ \t]assistance)?|LLMs?|"
        r"(?:a[ \t])?large[ \t]language[ \t]model|artificial[ \t]intelligence",
        r"(?:generative[ \t])?AI(?:[ \t](?:assistant|agent|tool|model|coding[ \t](?:assistant|agent|tool))s?)?|LLMs?|"
        r"DeepSeek(?:[ \t-]?(?:V\d|R\d|Coder))?|Llama[ \t-]?\d(?:\.\d)?|Qwen[ \t-]?\d(?:\.\d)?(?:[ \t-]Coder)?|"
        r"Mistral|Codestral|Devstral|Grok(?:[ \t-]\d)?|Kimi(?:[ \t-]K\d)?|GLM-?\d(?:\.\d)?",
    ),
)


# Tools that are models more than agents: "aider with gpt-4.1" or "Cline (with Claude Sonnet 4)"
# names the agent's model, which is not a second tool.
_MODEL_TOOLS = frozenset({"claude", "chatgpt", "gemini", "ai_generic"})


def _after_an_agent() -> re.Pattern[str]:
    agents = "|".join(f"(?:{disclosed or prose})" for tool, _, prose, disclosed in _NAMES if tool not in _MODEL_TOOLS)
    return re.compile(
        rf"(?<![\w-])(?:{agents})(?![\w-])[^\n]{{0,24}}?(?:\bwith|\busing|\bvia|\bon|\+|\(|/)[ \t]{{0,3}}"
        r"(?:the[ \t])?\Z",
        I,
    )


_AFTER_AN_AGENT = _after_an_agent()


def _pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-])(?:{name})(?![\w-]){_NOT_A_PRODUCT_PART}", I)


def _rules() -> tuple[Rule, ...]:
    """Per-tool prose, disclosure and trailer rules."""
    rules: list[Rule] = []
    for tool, needles, prose_name, disclosed_name in _NAMES:
        prose = _pattern(prose_name)
        disclosed = _pattern(disclosed_name or prose_name)
        beside = _AFTER_AN_AGENT if tool in _MODEL_TOOLS else None
        rules += [
            Rule(
                tool,
                "prose: produced with",
                TEXT,
                prose,
                needles,
                _PROSE_SOURCE,
                before=_PRODUCED_WITH,
                unless_before=_PRODUCT_OUTPUT,
                unless_next_to=beside,
                prose=True,
            ),
            Rule(
                tool,
                "prose: used to write",
                TEXT,
                prose,
                needles,
                _PROSE_SOURCE,
                before=_USED,
                after=_TO_WRITE,
                unless_before=_PRODUCT_OUTPUT,
                unless_next_to=beside,
                prose=True,
            ),
            Rule(
                tool,
                "prose: used with",
                TEXT,
                disclosed,
                needles,
                _PROSE_SOURCE,
                after=_NAME_USED,
                unless_next_to=beside,
                prose=True,
            ),
            Rule(
                tool,
                "prose: tool wrote",
                TEXT,
                prose,
                needles,
                _PROSE_SOURCE,
                after=_NAME_WROTE,
                unless_next_to=beside,
                prose=True,
            ),
            Rule(
                tool,
                "AI disclosure",
                TEXT,
                disclosed,
                needles,
                _DISCLOSURE_SOURCE,
                before=_DISCLOSURE,
                unless_next_to=beside,
                prose=True,
                reach=_DISCLOSURE_REACH,
                line_anchored=True,
            ),
        ]
        # Projects asking for AI disclosure use "Assisted-by: <agent>:<model>".
        rules.append(
            Rule(
                tool,
                "Assisted-by trailer",
                MESSAGES,
                disclosed,
                needles,
                _TRAILER_SOURCE,
                before=_ASSISTED_BY,
                unless_next_to=beside,
                frame_needles=("assisted-by:", "generated-by:", "co-developed-by:"),
            )
        )
    return tuple(rules)


PROSE_RULES: tuple[Rule, ...] = (
    # An Assisted-by trailer naming an agent we do not know; human helpers' trailers
    # carry an email, agents' ("Assisted-by: <agent>:<model>") do not.
    Rule(
        "ai_generic",
        "Assisted-by trailer",
        MESSAGES,
        re.compile(r"^[ \t>*]{0,8}(?:ai-)?assisted-by:[ \t]{0,8}[^<\n]{1,80}$", IM),
        ("assisted-by:",),
        _TRAILER_SOURCE,
    ),
    # Plain statements that this PR or its code is AI-generated, with no tool named:
    # "this PR was AI-generated", "(AI-assisted)", or a line "AI-generated: yes".
    Rule(
        "ai_generic",
        "prose: AI-generated",
        TEXT,
        re.compile(
            r"\b(?:this|these|the|my)[ \t]{1,3}(?:PR|pull[ \t]request|change(?:set|s)?|"
            r"code|commits?|patch|diff|fix|implementation|description|refactor(?:ing)?|"
            r"tests?)[ \t]{1,3}(?:(?:is|was|were|are|has[ \t]been|have[ \t]been)"
            r"[ \t]{1,3})?(?:(?:partly|partially|mostly|largely|entirely|fully)"
            r"[ \t]{1,3})?AI[- ](?:generated|assisted|written|authored)\b|"
            r"[(\[][ \t]{0,3}AI[- ](?:generated|assisted|written)[ \t]{0,3}[)\]]|"
            r"\b(?:contains|includes|has)[ \t]{1,3}(?:some[ \t]{1,3})?AI[- ](?:generated|written|assisted)[ \t]{1,3}"
            r"(?:code|changes|content|tests)\b|"
            r"^[ \t]{0,8}(?:[-*>#][ \t]{0,3}){0,3}(?:\[[xX]\][ \t]{0,3})?(?:\*\*)?"
            r"AI[- ](?:generated|assisted)(?:\*\*)?[ \t]{0,3}(?:[:.!]|$)",
            IM,
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
        _PROSE_SOURCE,
        prose=True,
    ),
    Rule(
        "ai_generic",
        "prose: AI was used",
        TEXT,
        re.compile(
            r"\b(?:AI|an?[ \t]LLM|LLMs?|generative[ \t]AI)(?:[ \t](?:tools?|"
            r"assistants?|agents?))?[ \t]{1,3}(?:was|were|has[ \t]been|have[ \t]been)"
            r"[ \t]{1,3}used\b",
            I,
        ),
        (" used",),
        _PROSE_SOURCE,
        prose=True,
    ),
    # A disclosure answered yes without naming a tool: "AI used: Yes", "[x] AI-assisted".
    Rule(
        "ai_generic",
        "AI disclosure: yes",
        TEXT,
        re.compile(
            r"^[ \t>*_#-]{0,8}(?:\*\*|__)?(?:AI|LLM)[ \t-]{0,3}(?:used|usage|assistance|assisted|generated|"
            r"disclosure|involvement)(?:\*\*|__)?[ \t]{0,3}[:?=][ \t"
            r"]{0,3}(?:\*\*|__)?[ \t]{0,3}(?:yes|yep|true|\[x\])\b",
            IM,
        ),
        ("ai", "llm"),
        _DISCLOSURE_SOURCE,
        prose=True,
    ),
    *_rules(),
)
