"""Where a GitHub token comes from, without copy and paste, in a fixed order.

``GITHUB_TOKEN``, then ``GH_TOKEN`` (the GitHub CLI's variable), then ``gh auth token`` (the
CLI keeps its tokens in the OS keychain, so we ask it and never read its files), then the token
the user chose to remember in the app. A found token says where it came from; the token itself
is never part of its ``repr`` or of any message.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from tformance.core.github.token_store import load_token
from tformance.core.settings import GITHUB_COM

GH_TIMEOUT_SECONDS = 5.0  # `gh auth token` answers in milliseconds; a keychain prompt must not hang us

SOURCE_DESCRIPTIONS = {
    "GITHUB_TOKEN": "token from GITHUB_TOKEN",
    "GH_TOKEN": "token from GH_TOKEN",
    "gh": "token from the GitHub CLI",
    "saved": "saved token",
    "entered": "token entered now",
    "demo": "demo token",
}


@dataclass(frozen=True)
class FoundToken:
    """A token and the source it came from (a key of ``SOURCE_DESCRIPTIONS``)."""

    value: str = field(repr=False)
    source: str

    @property
    def description(self) -> str:
        """What to show a user: "token from GH_TOKEN", never the token."""
        return SOURCE_DESCRIPTIONS.get(self.source, f"token from {self.source}")


def find_token(
    env: Mapping[str, str] | None = None,
    host: str | None = None,
    *,
    saved: Callable[[], str | None] = load_token,
    timeout: float = GH_TIMEOUT_SECONDS,
) -> FoundToken | None:
    """The first token found in the documented order, or None when there is none anywhere."""
    env = os.environ if env is None else env
    for name in ("GITHUB_TOKEN", "GH_TOKEN"):
        value = env.get(name, "").strip()
        if value:
            return FoundToken(value, name)
    from_gh = token_from_gh_cli(host, env=env, timeout=timeout)
    if from_gh:
        return FoundToken(from_gh, "gh")
    remembered = saved()
    return FoundToken(remembered, "saved") if remembered else None


def token_from_gh_cli(host: str | None, *, env: Mapping[str, str], timeout: float) -> str | None:
    """What ``gh auth token`` prints for ``host`` (github.com when None); None if gh is absent,
    not signed in, slow or failing. Its stderr is never shown: it may be a prompt or a hint."""
    gh = shutil.which("gh", path=env.get("PATH"))
    if gh is None:
        return None
    command = [gh, "auth", "token"]
    if host and host.lower() != GITHUB_COM:
        command += ["--hostname", host]
    try:
        result = subprocess.run(
            command,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    token = result.stdout.strip()
    if result.returncode != 0 or not token or len(token.split()) != 1:
        return None
    return token
