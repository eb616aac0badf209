"""Stage 1 AI-assisted PR detection: deterministic signatures, offline and instant.

`detect_ai` runs every rule in `ai_signatures` over a PR's title, body, branch, author,
labels and commits, and reports which AI tools left markers and where. Non-AI
automation (dependabot, renovate, ...) is recognised separately and never counts as AI.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from tformance.core.ai_signatures import (
    AI_RULES,
    AI_TOOLS,
    AUTOMATION_BOTS,
    AUTOMATION_RULES,
    QUOTING_BOTS,
    TEXT_SCOPES,
    Rule,
    Scope,
)

__all__ = [
    "AI_TOOLS",
    "AUTOMATION_BOTS",
    "CommitText",
    "Detection",
    "Evidence",
    "PullRequestText",
    "detect_ai",
    "detection_to_json",
]

GENERIC_TOOL = "ai_generic"
EXCERPT_LIMIT = 80

# Rules look this far around a match for their context, negations, questions and
# checkboxes; bounded so that a megabyte of repeated matches stays linear.
_CONTEXT = 80
_MAX_CANDIDATES = 1000


@dataclass(frozen=True)
class CommitText:
    """The text of one commit that detection looks at."""

    message: str = ""
    author_name: str | None = None
    author_email: str | None = None
    author_login: str | None = None


@dataclass(frozen=True)
class PullRequestText:
    """The text of one pull request that detection looks at."""

    title: str | None = None
    body: str | None = None
    author_login: str | None = None
    branch: str | None = None
    labels: Sequence[str] = ()
    commits: Sequence[CommitText] = ()


@dataclass(frozen=True)
class Evidence:
    """One marker found: which tool, which rule, where in the PR, and the text."""

    tool: str
    marker: str
    where: str
    excerpt: str


@dataclass(frozen=True)
class Detection:
    """The verdict for one PR: AI tools found (sorted, unique) and automation apart."""

    is_ai_assisted: bool
    tools: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    automation: tuple[str, ...]


@dataclass(frozen=True)
class _Field:
    scope: Scope
    where: str
    text: str


_HEDGE = re.compile(
    r"\b(?:no|not|never|without|nor|neither|none|zero|if|whether|unless|instead|"
    r"rather|avoid(?:ed|ing|s)?|forbid(?:den|s)?|prohibit(?:ed|s)?|ban(?:ned|s)?|"
    r"disallow(?:ed|s)?|refrain|cannot|dont|didnt|doesnt|wasnt|werent|isnt|arent)\b|"
    r"n['\u2019]t\b",
    re.IGNORECASE,
)
# A sentence ends at a newline or at . ! ? ; followed by space (not inside a URL).
_SENTENCE_END = re.compile(r"\n|[.!?;](?=\s|$)")
_UNTICKED = re.compile(r"^[ \t]{0,8}(?:[-*+]|\d{1,3}[.)])[ \t]{1,4}\[ \]")
_ANSWERED_NO = re.compile(
    r"^[ \t]{0,3}[:=]?[ \t]{0,3}(?:\*\*)?[ \t]{0,3}(?:no|none|false|n/a|nope)\b",
    re.IGNORECASE,
)
_FENCE = re.compile(r"^[ \t]{0,3}(?:```|~~~)", re.MULTILINE)
_INLINE_CODE = re.compile(r"`[^`\n]{1,200}`")


def detect_ai(pr: PullRequestText) -> Detection:
    """Find AI-tool markers in `pr`; never raises on missing, empty or huge text."""
    fields = list(_fields(pr))
    automation = _automation(f for f in fields if f.scope not in TEXT_SCOPES)
    quoting_pr = _quotes_upstream(pr)

    found: dict[tuple[str, str, str], Evidence] = {}
    skipped_commits = _quoting_commits(pr)
    for field in fields:
        if field.scope in TEXT_SCOPES and (
            (quoting_pr and field.scope is not Scope.TITLE) or field.where in skipped_commits
        ):
            continue
        for evidence in _scan(field):
            found.setdefault((evidence.tool, evidence.marker, evidence.where), evidence)

    evidence = list(found.values())
    if any(e.tool != GENERIC_TOOL for e in evidence):
        # ai_generic means "AI, no tool named"; a named tool supersedes it.
        evidence = [e for e in evidence if e.tool != GENERIC_TOOL]
    tools = tuple(sorted({e.tool for e in evidence}))
    return Detection(
        is_ai_assisted=bool(tools),
        tools=tools,
        evidence=tuple(evidence),
        automation=tuple(sorted(automation)),
    )


def detection_to_json(d: Detection) -> dict[str, Any]:
    """A JSON-ready dict of `d`: is_ai_assisted, tools, evidence, automation."""
    return {
        "is_ai_assisted": d.is_ai_assisted,
        "tools": list(d.tools),
        "evidence": [{"tool": e.tool, "marker": e.marker, "where": e.where, "excerpt": e.excerpt} for e in d.evidence],
        "automation": list(d.automation),
    }


def _fields(pr: PullRequestText) -> Iterator[_Field]:
    """Every non-empty piece of text in `pr`, tagged with its scope and location.

    Commits are numbered from 1 in the order given, so "commit 3" is the third.
    """
    yield from _field(Scope.TITLE, "title", pr.title)
    yield from _field(Scope.BODY, "body", pr.body)
    yield from _field(Scope.BRANCH, "branch", _branch_name(pr.branch))
    yield from _field(Scope.AUTHOR, "author", pr.author_login)
    for label in pr.labels or ():
        yield from _field(Scope.LABEL, "label", label)
    for index, commit in enumerate(pr.commits or (), start=1):
        yield from _field(Scope.COMMIT_MESSAGE, f"commit {index} message", commit.message)
        for value in (commit.author_name, commit.author_email, commit.author_login):
            yield from _field(Scope.COMMIT_AUTHOR, f"commit {index} author", value)


def _field(scope: Scope, where: str, value: object) -> Iterator[_Field]:
    """`value` as a field if it is a non-blank string; identities and names are stripped."""
    if not isinstance(value, str):
        return
    text = value if scope in TEXT_SCOPES else value.strip()
    if text:
        yield _Field(scope, where, text)


def _branch_name(branch: str | None) -> str | None:
    """The bare branch name: without refs/heads/ or an `owner:` prefix."""
    if not isinstance(branch, str):
        return None
    name = branch.strip().removeprefix("refs/heads/")
    # Git forbids ":" in ref names, so anything before one is GitHub's "owner:" label.
    return name.rpartition(":")[2]


def _automation(fields: Iterable[_Field]) -> set[str]:
    """Ids of automation bots that own any identity or branch in `fields`."""
    bots: set[str] = set()
    for field in fields:
        for rule in AUTOMATION_RULES:
            if field.scope in rule.scopes and rule.pattern.search(field.text):
                bots.add(rule.tool)
    return bots


def _quotes_upstream(pr: PullRequestText) -> bool:
    """True when the PR comes from a dependency bot whose text quotes upstream notes."""
    own = [
        *_field(Scope.AUTHOR, "author", pr.author_login),
        *_field(Scope.BRANCH, "branch", _branch_name(pr.branch)),
    ]
    return bool(_automation(own) & QUOTING_BOTS)


def _quoting_commits(pr: PullRequestText) -> set[str]:
    """`where` names of commit messages written by dependency bots."""
    skipped: set[str] = set()
    for index, commit in enumerate(pr.commits or (), start=1):
        where = f"commit {index} author"
        identities = [
            field
            for value in (commit.author_name, commit.author_email, commit.author_login)
            for field in _field(Scope.COMMIT_AUTHOR, where, value)
        ]
        if _automation(identities) & QUOTING_BOTS:
            skipped.add(f"commit {index} message")
    return skipped


def _scan(field: _Field) -> Iterator[Evidence]:
    """Evidence from every AI rule that applies to `field`."""
    if field.scope not in TEXT_SCOPES:
        for rule in AI_RULES:
            if field.scope in rule.scopes and rule.pattern.search(field.text):
                yield _evidence(rule, field, field.text)
        return
    lowered = field.text.lower()
    needles: dict[str, bool] = {}
    marker_text: str | None = None
    prose_text: str | None = None
    taken: list[tuple[str, int, int]] = []
    for rule in AI_RULES:
        if field.scope not in rule.scopes or not _has_needle(rule, lowered, needles):
            continue
        if rule.prose:
            if prose_text is None:
                prose_text = _mask_html_comments(_mask_code(field.text))
            text = prose_text
        else:
            if marker_text is None:
                marker_text = _mask_code(field.text)
            text = marker_text
        span = _first_match(rule, text)
        if span is None or any(tool == rule.tool and start < span[1] and span[0] < end for tool, start, end in taken):
            # A prose rule re-reading a footer already found adds nothing.
            continue
        taken.append((rule.tool, *span))
        yield _evidence(rule, field, field.text[span[0] : span[1]])


def _has_needle(rule: Rule, lowered: str, seen: dict[str, bool]) -> bool:
    """Whether any of the rule's needles occurs in `lowered`; memoised in `seen`."""
    if not rule.needles:
        return True
    for needle in rule.needles:
        present = seen.get(needle)
        if present is None:
            present = seen[needle] = needle in lowered
        if present:
            return True
    return False


def _first_match(rule: Rule, text: str) -> tuple[int, int] | None:
    """The span of the first match of `rule` in `text` that meets all its conditions.

    The span grows to cover the `before` and `after` context. At most
    `_MAX_CANDIDATES` matches are examined, so hostile repetition stays cheap.
    """
    for count, match in enumerate(rule.pattern.finditer(text)):
        if count >= _MAX_CANDIDATES:
            return None
        start, end = match.span()
        if rule.before is not None:
            context = rule.before.search(text, max(0, start - _CONTEXT), start)
            if context is None:
                continue
            start = context.start()
        if rule.unless_before is not None and rule.unless_before.search(text, max(0, start - _CONTEXT), start):
            continue
        if rule.after is not None:
            context = rule.after.match(text, end, end + _CONTEXT)
            if context is None:
                continue
            end = context.end()
        if rule.prose and not _is_asserted(text, start, end):
            continue
        return start, end
    return None


def _is_asserted(text: str, start: int, end: int) -> bool:
    """False when the sentence around text[start:end] negates, hedges or asks it."""
    before = text[max(0, start - _CONTEXT) : start]
    line_start = before.rfind("\n") + 1
    if _UNTICKED.match(before[line_start:]):
        return False
    clause_start = 0
    for boundary in _SENTENCE_END.finditer(before):
        clause_start = boundary.end()
    if _HEDGE.search(before[clause_start:]):
        return False
    after = text[end : end + _CONTEXT]
    if _ANSWERED_NO.match(after):
        return False
    boundary = _SENTENCE_END.search(after)
    return not (boundary and boundary.group() == "?")


def _evidence(rule: Rule, field: _Field, matched: str) -> Evidence:
    """Evidence for `rule` with `matched` as a verbatim, single-line, bounded excerpt."""
    excerpt = " ".join(matched.split())
    if len(excerpt) > EXCERPT_LIMIT:
        excerpt = excerpt[: EXCERPT_LIMIT - 1].rstrip() + "\u2026"
    return Evidence(tool=rule.tool, marker=rule.marker, where=field.where, excerpt=excerpt)


def _mask_code(text: str) -> str:
    """`text` with fenced and inline code blanked, keeping offsets.

    Examples of footers and trailers in code blocks document them; they are not marks.
    """
    if "`" not in text and "~~~" not in text:
        return text
    pieces: list[str] = []
    position = 0
    fences = _FENCE.finditer(text)
    for opening in fences:
        closing = next(fences, None)
        # An unclosed fence runs to the end of the text, as in CommonMark.
        stop = closing.end() if closing else len(text)
        pieces.append(text[position : opening.start()])
        pieces.append(_blank(text[opening.start() : stop]))
        position = stop
    pieces.append(text[position:])
    return _INLINE_CODE.sub(lambda m: _blank(m.group()), "".join(pieces))


def _mask_html_comments(text: str) -> str:
    """`text` with HTML comments blanked: templates put questions about AI there."""
    start = text.find("<!--")
    if start < 0:
        return text
    pieces: list[str] = []
    position = 0
    while start >= 0:
        stop = text.find("-->", start + 4)
        stop = len(text) if stop < 0 else stop + 3
        pieces.append(text[position:start])
        pieces.append(_blank(text[start:stop]))
        position = stop
        start = text.find("<!--", position)
    pieces.append(text[position:])
    return "".join(pieces)


def _blank(text: str) -> str:
    """Spaces in place of `text`, keeping its newlines so lines and offsets stay put."""
    return re.sub(r"[^\n]", " ", text)
