"""The shape of a detection rule, and the pattern builders the rule tables share.

Patterns use only bounded repetition, and rules on free text carry literal needles that
must occur before the regex runs, so a megabyte of hostile text scans quickly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

I = re.IGNORECASE  # noqa: E741 (a regex flag, as in `re`)
IM = re.IGNORECASE | re.MULTILINE

# How far rules look around a match for their context, negations and checkboxes: bounded so
# that a megabyte of repeated matches stays linear.
CONTEXT = 80


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
TEXT = TEXT_SCOPES
MESSAGES = frozenset({Scope.BODY, Scope.COMMIT_MESSAGE})
BODY = frozenset({Scope.BODY})
COMMIT_MESSAGE = frozenset({Scope.COMMIT_MESSAGE})
IDENTITY = frozenset({Scope.AUTHOR, Scope.COMMIT_AUTHOR})
COMMIT_AUTHOR = frozenset({Scope.COMMIT_AUTHOR})
BRANCH = frozenset({Scope.BRANCH})
LABEL = frozenset({Scope.LABEL})


@dataclass(frozen=True)
class Rule:
    """One marker: `pattern` found in any of `scopes` is evidence for `tool`.

    source: where the marker comes from: the documentation page, or the repository and
        PR shape it was seen in. Every rule has one, so a reader can check it.
    needles: lowercase literals, one of which must occur in the text for the rule to
        run; every rule on free text has some, so most rules skip most text. The scan
        starts a little before the first of them.
    frame_needles: lowercase literals of which one must occur as well (the words of the
        frame around a name, such as "assisted-by:").
    before / after: when set, a match of `pattern` counts only if `before` matches
        the text ending where it starts (looking back at most `reach` characters),
        and `after` the text starting where it ends. With `line_anchored`, `before` is
        only tried from the starts of the lines within reach (a few tries, not one per
        character), so a long reach stays cheap.
    unless_before: when set, a match does not count if this matches the text ending
        where the match (grown by `before`) starts.
    unless_next_to: when set, a match does not count if this matches the text ending
        where the match itself starts (a model named right after its agent).
    prose: the match is a sentence, so the detector drops it when negated, hedged,
        asked, quoted, in an unticked checkbox or inside an HTML comment.
    """

    tool: str
    marker: str
    scopes: frozenset[Scope]
    pattern: re.Pattern[str]
    needles: tuple[str, ...] = ()
    source: str = ""
    before: re.Pattern[str] | None = None
    after: re.Pattern[str] | None = None
    unless_before: re.Pattern[str] | None = None
    unless_next_to: re.Pattern[str] | None = None
    prose: bool = False
    reach: int = CONTEXT
    line_anchored: bool = False
    frame_needles: tuple[str, ...] = ()


# A git trailer line; ">" and "*" let quoted or bulleted squash-merge bodies count.
TRAILER = r"^[ \t>*]{0,8}co-authored-by:[ \t]{0,8}"
EMAIL = r"[ \t]{0,8}<[^<>\n]{0,120}>"


def login(names: str) -> re.Pattern[str]:
    """A whole login, with or without the `[bot]` suffix that GraphQL drops."""
    return re.compile(rf"^(?:{names})(?:\[bot\])?$", I)


def bot_email(logins: str) -> re.Pattern[str]:
    """The noreply email GitHub gives an app's commits: `<id>+<login>[bot]@users...`."""
    return re.compile(rf"^(?:\d{{1,12}}\+)?(?:{logins})(?:\[bot\])?@users\.noreply\.github\.com$", I)


def email(addresses: str) -> re.Pattern[str]:
    """A whole commit email matching `addresses` (a regex)."""
    return re.compile(rf"^(?:{addresses})$", I)


def trailer(name: str) -> re.Pattern[str]:
    """A `Co-authored-by:` trailer whose name part starts with `name`."""
    return re.compile(rf"{TRAILER}(?:{name})[^<\n]{{0,60}}(?:{EMAIL})?", IM)


def named_trailer(name: str) -> re.Pattern[str]:
    """A `Co-authored-by:` trailer whose whole name is `name`, whatever its email."""
    return re.compile(rf"{TRAILER}(?:{name})[ \t]{{0,3}}(?:<[^<>\n]{{0,120}}>|$)", IM)


def trailer_email(domain: str) -> re.Pattern[str]:
    """A `Co-authored-by:` trailer whose email matches `domain` (a regex)."""
    return re.compile(rf"{TRAILER}[^<\n]{{0,60}}<[^<>\n]{{0,60}}{domain}>", IM)


def branch(prefix: str) -> re.Pattern[str]:
    """A branch name starting with `prefix` (a regex)."""
    return re.compile(rf"^(?:{prefix})", I)


def label(names: str) -> re.Pattern[str]:
    """A whole label such as `copilot`, `ai:copilot` or `copilot-generated`."""
    return re.compile(
        r"^(?:ai[ \t]{0,2}[:/_-][ \t]{0,2})?"
        rf"(?:{names})"
        r"(?:[ _-](?:generated|assisted|authored|agent|pr))?$",
        I,
    )


def prefixed_label(names: str) -> re.Pattern[str]:
    """A label naming a tool whose bare name is ambiguous: only `ai:cursor` etc."""
    return re.compile(rf"^ai[ \t]{{0,2}}[:/_-][ \t]{{0,2}}(?:{names})$|^(?:{names})[ _-]agent$", I)


def ident(names: str) -> re.Pattern[str]:
    """A bot's login, commit name or noreply email, with or without [bot]."""
    return re.compile(
        rf"^(?:\d{{1,12}}\+)?(?:{names})(?:\[bot\])?"
        r"(?:@users\.noreply\.github\.com)?$",
        I,
    )


def app_rules(tool: str, app: str, logins: str, source: str) -> tuple[Rule, ...]:
    """The three marks a GitHub app leaves: its login as author, its noreply email on
    commits, and a `Co-authored-by:` trailer naming it (a committed suggestion)."""
    needles = tuple(alternative.replace("\\", "").lower() for alternative in logins.split("|"))
    return (
        Rule(tool, f"{app} account", IDENTITY, login(logins), source=source),
        Rule(tool, f"{app} email", COMMIT_AUTHOR, bot_email(logins), source=source),
        Rule(tool, f"{app} trailer", MESSAGES, trailer(rf"(?:{logins})\b"), needles, source=source),
    )
