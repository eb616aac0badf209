"""Stage 1 AI-assisted PR detection: deterministic signatures, offline and instant.

`detect_ai` runs every rule in `signatures` (and `prose`) over a PR's title, body, branch, author,
labels and commits, and reports which AI tools left markers and where. Non-AI
automation (dependabot, renovate, ...) is recognised separately and never counts as AI.
Text that must not count is blanked first (`masking`); a name in prose must be asserted (`negation`).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from tformance.core.detection.masking import (
    QUOTED_PHRASE,
    mask_code,
    mask_html_comments,
    mask_quotes,
    mask_review_summaries,
)
from tformance.core.detection.negation import is_asserted
from tformance.core.detection.rule import CONTEXT
from tformance.core.detection.signatures import (
    AI_RULES,
    AI_TOOLS,
    AUTOMATION_BOTS,
    AUTOMATION_RULES,
    QUOTING_BOTS,
    REVIEW_SUMMARIES,
    TEXT_SCOPES,
    Rule,
    Scope,
)
from tformance.core.detection.tools import most_specific

__all__ = [
    "AI_TOOLS",
    "AUTOMATION_BOTS",
    "CommitText",
    "Detection",
    "Evidence",
    "PullRequestText",
    "RULES_VERSION",
    "detect_ai",
    "detection_to_json",
]

EXCERPT_LIMIT = 80

# Rules look this far around a match for negations, questions and checkboxes; bounded so
# that a megabyte of repeated matches stays linear.
_CONTEXT = CONTEXT
_MAX_CANDIDATES = 1000
# A name in prose ("AI", "Claude") may occur thousands of times in a long body, and each
# occurrence is read in context: fewer are examined, so a megabyte stays well under a second.
_MAX_PROSE_CANDIDATES = 250
# A match can start this far before its needle, on the same line ("Co-authored-by: ... <").
_NAME_LEAD = 240
_LINES_UP = 8  # line-anchored rules look this many lines up, at most

# Bump when the detection code changes what it finds; rule edits change the digest alone.
_DETECTOR_REVISION = 3  # 3: quoted footers, ticked questions, clauses after a dash


def _rules_by_scope() -> dict[Scope, tuple[Rule, ...]]:
    return {scope: tuple(rule for rule in AI_RULES if scope in rule.scopes) for scope in Scope}


def _rules_by_needle(rules: dict[Scope, tuple[Rule, ...]]) -> dict[Scope, dict[str, tuple[int, ...]]]:
    """Per text scope: each needle, and the positions in that scope's rules of the rules it opens."""
    index: dict[Scope, dict[str, tuple[int, ...]]] = {}
    for scope in TEXT_SCOPES:
        needles: dict[str, list[int]] = {}
        for position, rule in enumerate(rules[scope]):
            for needle in rule.needles:
                needles.setdefault(needle, []).append(position)
        index[scope] = {needle: tuple(positions) for needle, positions in needles.items()}
    return index


# Rules in table order, per scope; every rule on free text has needles (a test checks).
_RULES_BY_SCOPE = _rules_by_scope()
_RULES_BY_NEEDLE = _rules_by_needle(_RULES_BY_SCOPE)


def _rules_digest() -> str:
    """A digest of every rule table: it changes whenever a rule is added, removed or edited."""
    digest = hashlib.sha256()
    for rule in (*AI_RULES, *AUTOMATION_RULES):
        parts = (rule.tool, rule.marker, sorted(rule.scopes), rule.pattern.pattern, rule.pattern.flags, rule.needles)
        extra = (rule.before, rule.after, rule.unless_before, rule.unless_next_to)
        digest.update(
            repr(
                (parts, [p and (p.pattern, p.flags) for p in extra], rule.prose, rule.reach, rule.line_anchored)
            ).encode()
        )
    for block in REVIEW_SUMMARIES:
        digest.update(repr((block.tool, block.start.pattern, block.end and block.end.pattern)).encode())
    return digest.hexdigest()[:12]


# Stored with every PR's verdict: a PR judged by other rules is judged again from its stored text.
RULES_VERSION = f"{_DETECTOR_REVISION}.{_rules_digest()}"


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
    """The verdict for one PR: AI tools found (sorted, unique); automation and review bots'
    summaries (which never make a PR AI-assisted) apart."""

    is_ai_assisted: bool
    tools: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    automation: tuple[str, ...]
    review_bots: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Field:
    scope: Scope
    where: str
    text: str


def detect_ai(pr: PullRequestText) -> Detection:
    """Find AI-tool markers in `pr`; never raises on missing, empty or huge text."""
    fields = list(_fields(pr))
    automation = _automation(f for f in fields if f.scope not in TEXT_SCOPES)
    quoting_pr = _quotes_upstream(pr)

    found: dict[tuple[str, str, str], Evidence] = {}
    reviewers: set[str] = set()
    skipped_commits = _quoting_commits(pr)
    own_commits = _own_commits(pr) if quoting_pr else set()
    for field in fields:
        if field.scope in TEXT_SCOPES and (
            (quoting_pr and field.scope is not Scope.TITLE and field.where not in own_commits)
            or field.where in skipped_commits
        ):
            continue
        for evidence in _scan(field, reviewers):
            found.setdefault((evidence.tool, evidence.marker, evidence.where), evidence)

    # ai_generic means "AI, no tool named", and "claude" beside "claude_code" names the same
    # use twice: the most specific tools stand.
    kept = most_specific({e.tool for e in found.values()})
    kept_evidence = [e for e in found.values() if e.tool in kept]
    tools = tuple(sorted(kept))
    return Detection(
        is_ai_assisted=bool(tools),
        tools=tools,
        evidence=tuple(kept_evidence),
        automation=tuple(sorted(automation)),
        review_bots=tuple(sorted(reviewers)),
    )


def detection_to_json(d: Detection) -> dict[str, Any]:
    """A JSON-ready dict of `d`: is_ai_assisted, tools, evidence, automation."""
    return {
        "is_ai_assisted": d.is_ai_assisted,
        "tools": list(d.tools),
        "evidence": [{"tool": e.tool, "marker": e.marker, "where": e.where, "excerpt": e.excerpt} for e in d.evidence],
        "automation": list(d.automation),
        "review_bots": list(d.review_bots),
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


def _commit_authors(pr: PullRequestText) -> Iterator[tuple[str, bool, set[str]]]:
    """Per commit: the `where` of its message, whether its author is known at all, and
    the automation bots that author is."""
    for index, commit in enumerate(pr.commits or (), start=1):
        where = f"commit {index} author"
        identities = [
            field
            for value in (commit.author_name, commit.author_email, commit.author_login)
            for field in _field(Scope.COMMIT_AUTHOR, where, value)
        ]
        yield f"commit {index} message", bool(identities), _automation(identities)


def _own_commits(pr: PullRequestText) -> set[str]:
    """`where` names of commit messages by an identified author who is not automation: a
    person's commit pushed onto a dependency bot's branch says what that person did."""
    return {where for where, known, bots in _commit_authors(pr) if known and not bots}


def _quoting_commits(pr: PullRequestText) -> set[str]:
    """`where` names of commit messages written by dependency bots."""
    return {where for where, _, bots in _commit_authors(pr) if bots & QUOTING_BOTS}


def _scan(field: _Field, reviewers: set[str]) -> Iterator[Evidence]:
    """Evidence from every AI rule that applies to `field`; review bots whose summaries
    it holds are added to `reviewers`."""
    rules = _RULES_BY_SCOPE[field.scope]
    if field.scope not in TEXT_SCOPES:
        for rule in rules:
            if rule.pattern.search(field.text):
                yield _evidence(rule, field, field.text)
        return
    lowered = field.text.lower()
    # Review bots' summaries of the PR are set aside at once, so they are recorded even when
    # no prose rule runs.
    reviewed = mask_review_summaries(field.text, lowered, reviewers)
    markdown = field.scope is Scope.BODY
    # Each distinct needle is looked for once; only the rules with a needle present run.
    by_needle = _RULES_BY_NEEDLE[field.scope]
    needles = {needle: at for needle in by_needle if (at := lowered.find(needle)) >= 0}
    candidates: dict[tuple[re.Pattern[str], int, int, int], list[tuple[int, int]]] = {}
    marker_text: str | None = None
    prose_text: str | None = None
    taken: list[tuple[str, int, int]] = []
    for index in sorted({index for needle in needles for index in by_needle[needle]}):
        rule = rules[index]
        if rule.frame_needles and not any(frame in lowered for frame in rule.frame_needles):
            continue
        first = min(needles[needle] for needle in rule.needles if needle in needles)
        if rule.prose:
            if prose_text is None:
                prose_text = mask_quotes(mask_html_comments(mask_code(reviewed, markdown=markdown)))
            text = prose_text
        else:
            if marker_text is None:
                # A footer in double quotes is talked about: 'Do NOT include "Generated with ..."'.
                marker_text = mask_quotes(mask_code(reviewed, markdown=markdown), QUOTED_PHRASE)
            text = marker_text
        # Every pattern matches within one line: start at the line of the first needle.
        pos = max(lowered.rfind("\n", 0, first) + 1, first - _NAME_LEAD)
        key = (rule.pattern, id(text), pos, _limit(rule))
        if key not in candidates:
            # Rules sharing a name pattern (four frames per tool) share one scan of the text.
            candidates[key] = _candidates(rule.pattern, text, pos, _limit(rule))
        span = _first_match(rule, text, candidates[key])
        if span is None or any(tool == rule.tool and start < span[1] and span[0] < end for tool, start, end in taken):
            # A prose rule re-reading a footer already found adds nothing.
            continue
        taken.append((rule.tool, *span))
        yield _evidence(rule, field, field.text[span[0] : span[1]])


def _limit(rule: Rule) -> int:
    return _MAX_PROSE_CANDIDATES if rule.prose else _MAX_CANDIDATES


def _candidates(pattern: re.Pattern[str], text: str, pos: int, limit: int) -> list[tuple[int, int]]:
    """The spans of the first `limit` matches of `pattern` in `text` from `pos`."""
    spans: list[tuple[int, int]] = []
    for match in pattern.finditer(text, pos):
        spans.append(match.span())
        if len(spans) >= limit:
            break
    return spans


def _first_match(rule: Rule, text: str, spans: Iterable[tuple[int, int]]) -> tuple[int, int] | None:
    """The span of the first match of `rule` in `text` that meets all its conditions.

    `spans` are the pattern's matches. The span grows to cover the `before` and `after`
    context. At most `_limit(rule)` matches are examined, so hostile repetition stays cheap.
    """
    for count, (start, end) in enumerate(spans):
        if count >= _limit(rule):
            return None
        named_at = start
        if rule.before is not None:
            context = _before(rule, text, start)
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
        if rule.unless_next_to is not None and rule.unless_next_to.search(text, max(0, named_at - _CONTEXT), named_at):
            continue
        # Negations and checkboxes are read around the name itself: a disclosure heading
        # several lines up must not hide the "No AI was used" under it.
        if rule.prose and not is_asserted(text, named_at, end):
            continue
        return start, end
    return None


def _before(rule: Rule, text: str, start: int) -> re.Match[str] | None:
    """The match of `rule.before` that ends at `start`, if any, within its reach."""
    assert rule.before is not None
    floor = max(0, start - rule.reach)
    if not rule.line_anchored:
        return rule.before.search(text, floor, start)
    end = start
    for _ in range(_LINES_UP):
        newline = text.rfind("\n", floor, end)
        if newline < 0 and floor > 0:
            return None  # the line starts out of reach
        context = rule.before.match(text, newline + 1, start)
        if context is not None or newline < 0:
            return context
        end = newline
    return None


def _evidence(rule: Rule, field: _Field, matched: str) -> Evidence:
    """Evidence for `rule` with `matched` as a verbatim, single-line, bounded excerpt."""
    excerpt = " ".join(matched.split())
    if len(excerpt) > EXCERPT_LIMIT:
        excerpt = excerpt[: EXCERPT_LIMIT - 1].rstrip() + "\u2026"
    return Evidence(tool=rule.tool, marker=rule.marker, where=field.where, excerpt=excerpt)
