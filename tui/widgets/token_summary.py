"""Whose token this is and what it can do: login, name, scopes, rate limit left, and what is missing."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from tformance.core.workspace import SOURCE_DESCRIPTIONS, TokenInfo

from ..formatting import count
from ..safe_text import clean

SOURCES = SOURCE_DESCRIPTIONS  # where the token came from, as the CLI says it too


def describe_token(info: TokenInfo, source: str, *, compact: bool = False) -> Content:
    """The token's owner, scopes and limits; its warnings last, one a line. Never the token itself."""
    parts: list[str | tuple[str, str]] = [("✓ ", "$text-success bold"), "Signed in as ", (clean(info.login), "bold")]
    if info.name:
        parts.append(f" ({clean(info.name)})")
    if source in SOURCES:
        parts.append((f" · {SOURCES[source]}", "$text-muted"))
    if not compact:
        scopes = "fine-grained token" if info.scopes is None else ", ".join(info.scopes) or "none"
        parts += [("\n  Scopes: ", "$text-muted"), clean(scopes)]
    if info.rate_limit_remaining is not None:
        limit = f" of {count(info.rate_limit_limit)}" if info.rate_limit_limit else ""
        parts += [("\n  " if not compact else " · ", "$text-muted"), f"{count(info.rate_limit_remaining)}{limit}"]
        parts.append(" GitHub points left")
        if info.rate_limit_reset is not None and not compact:
            parts.append((f", resets at {info.rate_limit_reset:%H:%M} UTC", "$text-muted"))
    for warning in info.warnings():
        parts += [("\n⚠ ", "$text-warning bold"), (clean(warning), "$text-warning")]
    return Content.assemble(*parts)


class TokenSummary(Static):
    """Shows ``describe_token`` for the token in use."""

    DEFAULT_CSS = """
    TokenSummary { height: auto; }
    """

    def show(self, info: TokenInfo, source: str, *, compact: bool = False) -> None:
        self.update(describe_token(info, source, compact=compact))
