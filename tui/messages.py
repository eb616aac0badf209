"""Messages between screens and the app: past events (``TokenAccepted``) and requests (``ShowDashboard``).

Screens post requests, which bubble up to the app that owns navigation; what a screen tells itself
(``SyncCompleted``, ``RepositoriesLoaded``...) does not bubble. Tests assert on these.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from textual.message import Message

from tformance.core.events import EnrichmentProgress, EnrichmentStopped, Notice, RepoFinished, SyncFinished
from tformance.core.metrics.types import TeamReport
from tformance.core.workspace import RepoInfo, TokenInfo


@dataclass(frozen=True)
class Secret:
    """A token in transit: its repr never shows it, so a message log or traceback cannot leak it."""

    value: str = field(repr=False)


@dataclass
class TokenAccepted(Message):
    """GitHub accepted a token. ``token`` is set when it is a new one the app should use from now on;
    ``source`` says where it came from (a key of ``core.token_sources.SOURCE_DESCRIPTIONS``)."""

    info: TokenInfo
    source: str
    token: Secret | None = None


@dataclass
class TokenRejected(Message, bubble=False):
    """The token could not be used; ``reason`` is a sentence for the user."""

    reason: str


@dataclass
class RepositoriesLoaded(Message, bubble=False):
    repos: list[RepoInfo]


@dataclass
class PullRequestCountsLoaded(Message, bubble=False):
    """PR counts for some repos: ``recent`` over the last 6 months, ``in_range`` over the sync window."""

    recent: dict[str, int]
    in_range: dict[str, int]
    complete: bool  # the last batch


class SyncEventsReady(Message, bubble=False):
    """The sync buffered events for the screen to drain; consecutive ones collapse into one."""

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, SyncEventsReady)


@dataclass
class RepoSynced(Message, bubble=False):
    """One repository finished, successfully or not."""

    result: RepoFinished


@dataclass
class SyncCompleted(Message, bubble=False):
    """A sync run ended (``finished.cancelled`` when the user stopped it). ``run``: "main" or a retry's id."""

    finished: SyncFinished
    run: str = "main"


@dataclass
class ReportLoaded(Message, bubble=False):
    report: TeamReport


@dataclass
class ShowTokenScreen(Message):
    """Ask for a token, explaining why (the saved one was rejected, the user asked, ...)."""

    reason: str = ""


class ShowRepoPicker(Message):
    """Choose repositories (with the current token)."""


@dataclass
class StartSync(Message):
    repos: list[str]


class GoBack(Message):
    """Return to the screen under this one (see ``navigation.can_go_back``)."""


class ShowDashboard(Message):
    """Open the dashboard on what the database holds."""


@dataclass
class EnrichmentUpdated(Message, bubble=False):
    """The LLM stage moved on (``EnrichmentProgress``), stopped early, or has a notice for the user.

    The app sends it to whichever screen is showing."""

    event: EnrichmentProgress | EnrichmentStopped | Notice
    running: bool = True
