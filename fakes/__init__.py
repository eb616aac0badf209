"""Local fakes of the services tformance talks to, for tests, the offline demo and benchmarks.

``FakeGitHub`` answers GitHub's GraphQL API over a generated organisation (``build_demo_org``);
``github_server`` serves it over a real socket.
"""

from __future__ import annotations

from tformance.fakes.demo_org import DemoOrg, build_demo_org, build_empty_org, build_large_org
from tformance.fakes.github_fake import DEMO_TOKEN, FakeGitHub, FakeResponse, Fault, RecordedRequest

__all__ = [
    "DEMO_TOKEN",
    "DemoOrg",
    "FakeGitHub",
    "FakeResponse",
    "Fault",
    "RecordedRequest",
    "build_demo_org",
    "build_empty_org",
    "build_large_org",
]
