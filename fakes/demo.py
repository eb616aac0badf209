"""The demo's wiring, in one place: the offline GitHub and LLM behind ``--demo``, as ``Services``.

The engine never imports this module: it sees the demo only as a ``DemoBackend`` inside the
injected ``Services``. The front ends choose demo or production in ``tformance.wiring``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from tformance.core.dates import utc_now
from tformance.core.settings import DEFAULT_GITHUB_URL, Settings
from tformance.core.workspace.services import Services
from tformance.fakes.demo_org import build_demo_org
from tformance.fakes.github_fake import DEMO_TOKEN, FakeGitHub

if TYPE_CHECKING:
    from tformance.core.llm.client import LLMClient

# The demo's pace at --demo-speed 1: watched, not waited for. Its pages of 20 PRs are sliced and
# fetched in parallel as against GitHub, and at this pace the sync takes about 13 s in all
# (``python benchmarks/demo_pace.py``; figures in the README).
DEMO_LATENCY_PER_REQUEST = 0.6
DEMO_LATENCY_PER_PR = 0.12


@dataclass
class DemoGitHub:
    """The ``DemoBackend`` over a ``FakeGitHub``: its pace follows the demo speed."""

    fake: FakeGitHub
    token: str = DEMO_TOKEN

    def pace(self) -> tuple[float, float]:
        return self.fake.latency_per_request, self.fake.latency_per_pr

    def set_speed(self, speed: float) -> None:
        speed = max(speed, 0.01)
        self.fake.latency_per_request = DEMO_LATENCY_PER_REQUEST / speed
        self.fake.latency_per_pr = DEMO_LATENCY_PER_PR / speed

    def repositories(self) -> list[str]:
        return [repo.full_name for repo in self.fake.org.repos]

    def llm(self, speed: float) -> LLMClient:
        from tformance.fakes.groq_fake import build_demo_llm

        llm, _fake = build_demo_llm(speed)
        return llm


def demo_services(
    settings: Settings, fake: FakeGitHub, *, today: date | None = None, backoff_base: float = 1.0
) -> Services:
    """Services whose GitHub is ``fake`` and whose token is the demo's (tests pace ``fake`` themselves)."""
    return Services(
        settings, transport=fake.transport(), demo_backend=DemoGitHub(fake), today=today, backoff_base=backoff_base
    )


def build_demo_services(settings: Settings, *, speed: float = 1.0, today: date | None = None) -> Services:
    """The ``--demo`` services: the demo organisation, served offline at the demo's pace."""
    today = today or utc_now().date()
    fake = FakeGitHub(build_demo_org(today))
    services = demo_services(settings.with_(demo=True, github_url=DEFAULT_GITHUB_URL), fake, today=today)
    services.set_demo_speed(speed)
    return services
