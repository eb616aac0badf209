"""Smoke test of the real command in a real terminal: ``tformance --demo`` under tmux, driven by keys."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


class Tmux:
    """A private tmux server (its own socket), so the app gets this test's isolated environment."""

    def __init__(self) -> None:
        self.socket = f"tformance-test-{uuid.uuid4().hex[:8]}"

    def run(self, *args: str) -> str:
        done = subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True, timeout=10)
        return done.stdout

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", "app")

    def wait_for(self, text: str, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.2)
        raise AssertionError(f"{text!r} did not appear within {timeout:.0f} s; the screen shows:\n{self.screen()}")


def test_demo_reaches_the_dashboard_in_a_real_terminal(tmp_path: Path) -> None:
    tmux = Tmux()
    done = tmp_path / "exit-code"
    command = f"{sys.executable} -m tformance --demo --demo-speed 20 --db {tmp_path / 'demo.db'}; echo $? > {done}"
    tmux.run("new-session", "-d", "-s", "app", "-x", "100", "-y", "30", command)
    try:
        tmux.wait_for("5 of 5 repositories selected", timeout=60)
        tmux.run("send-keys", "-t", "app", "Enter")
        screen = tmux.wait_for("bots left out", timeout=90)  # the dashboard, its figures computed
        assert "acme-robotics" in screen and "Merged PRs per week" in screen
        tmux.run("send-keys", "-t", "app", "C-q")
        deadline = time.monotonic() + 10
        while not done.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert done.read_text().strip() == "0"
    finally:
        tmux.run("kill-server")
