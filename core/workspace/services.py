"""The services a workspace talks to, built in one place and injected: the seam for transports.

Production, ``--demo`` and the tests all go through this same door: only the GitHub transport and
the LLM endpoint differ. The demo's stand-ins are wired in ``tformance.fakes.demo`` and reach the
engine only through the :class:`DemoBackend` protocol, so nothing here imports a fake.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

import httpx

from tformance.core.github.client import GitHubClient
from tformance.core.github.governor import GitHubGovernor
from tformance.core.github.token_sources import FoundToken, find_token
from tformance.core.logs import add_secret
from tformance.core.settings import Settings
from tformance.core.sync.estimate import Pace

if TYPE_CHECKING:
    from tformance.core.llm.client import LLMClient
    from tformance.core.store.pr_store import DatabaseThread
    from tformance.core.sync.service import SyncService


class DemoBackend(Protocol):
    """What the demo wiring hands the engine: an offline GitHub whose pace can change mid-sync,
    the token it accepts, the repositories of its organisation, and an offline LLM."""

    @property
    def token(self) -> str: ...

    def pace(self) -> tuple[float, float]:
        """Seconds per request and per PR, at the current speed."""
        ...

    def set_speed(self, speed: float) -> None: ...

    def repositories(self) -> list[str]: ...

    def llm(self, speed: float) -> LLMClient: ...


@dataclass
class Services:
    settings: Settings
    transport: httpx.AsyncBaseTransport | None = None
    demo_backend: DemoBackend | None = None  # the offline GitHub and LLM behind --demo
    today: date | None = None
    backoff_base: float = 1.0
    demo_speed: float = 1.0
    _governors: dict[int, GitHubGovernor] = field(default_factory=dict, repr=False)

    @property
    def demo(self) -> bool:
        return self.settings.demo

    def initial_token(self) -> str | None:
        """A token to start with (see ``find_token``), or None."""
        found = self.find_token()
        return found.value if found else None

    def find_token(self) -> FoundToken | None:
        """The demo's token, else the first of ``GITHUB_TOKEN``, ``GH_TOKEN``, ``gh auth token``
        (for the configured host) and the remembered token; each says where it came from."""
        if self.demo_backend is not None:
            return FoundToken(self.demo_backend.token, "demo")
        if self.settings.github_token:
            found: FoundToken | None = FoundToken(self.settings.github_token, "GITHUB_TOKEN")
        else:
            found = find_token(host=self.settings.github_host)
        if found:
            add_secret(found.value)  # whatever its shape, it never reaches a log line
        return found

    def github(self, token: str) -> GitHubClient:
        """A client for ``token``. Every client of one token shares one governor: GitHub's
        secondary limits count the token's traffic, whichever screen or command sends it."""
        return GitHubClient(
            token,
            self.settings.github_url,
            transport=self.transport,
            max_in_flight=self.settings.max_in_flight,
            max_retries=self.settings.max_retries,
            backoff_base=self.backoff_base,
            governor=self.governor(token),
        )

    def governor(self, token: str) -> GitHubGovernor:
        key = hash(token)  # only a hash is kept, never the token
        if key not in self._governors:
            # The demo's latency is theatre, not GitHub's server time: no time budget there.
            budget = None if self.demo else GitHubGovernor().time_budget
            self._governors[key] = GitHubGovernor(max_in_flight=self.settings.max_in_flight, time_budget=budget)
        return self._governors[key]

    def sync_service(self, github: GitHubClient, db: DatabaseThread, **options: Any) -> SyncService:
        """The sync, with the settings both front ends honour (page size, requests in flight)."""
        from tformance.core.sync.service import SyncService

        options.setdefault("today", self.today)
        options.setdefault("pace", self.pace())
        return SyncService(
            github,
            db,
            page_size=self.settings.page_size,
            max_concurrent_repos=self.settings.max_in_flight,
            **options,
        )

    def llm(self, speed: float | None = None) -> LLMClient | None:
        """The LLM client: Groq from ``GROQ_API_KEY`` (None without a key), or in the demo its
        offline LLM at the demo's pace. Nothing connects until the first request."""
        if self.demo_backend is not None:
            return self.demo_backend.llm(speed or self.demo_speed)
        from tformance.core.llm.client import build_llm_client

        return build_llm_client(self.settings)

    def set_demo_speed(self, speed: float) -> None:
        """Change the pace of the demo's offline GitHub, even during a sync (no-op outside the demo)."""
        if self.demo_backend is None:
            return
        self.demo_speed = max(speed, 0.01)
        self.demo_backend.set_speed(self.demo_speed)

    def pace(self) -> Pace:
        """The pace a sync on these services will go at, for its estimate: GitHub's, or the
        demo's at the current demo speed; the page size and concurrency of the settings."""
        settings = self.settings
        if self.demo_backend is None:
            return Pace(concurrency=settings.max_in_flight, page_size=settings.page_size)
        per_request, per_pr = self.demo_backend.pace()
        return Pace(per_request, per_pr, concurrency=settings.max_in_flight, page_size=settings.page_size)

    def database_location(self) -> str:
        return self.settings.database_location()
