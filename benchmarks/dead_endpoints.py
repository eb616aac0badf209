"""How long `tformance sync` takes to give up on a dead endpoint, with the real timeouts.

    python benchmarks/dead_endpoints.py

Three cases, each a real `tformance sync` subprocess: a GitHub URL that accepts connections and
never answers, a GitHub URL answering a web page with status 200, and a Groq base URL on a closed
port (GitHub itself is the fake, served over loopback). Prints the wall time, the exit code and the
one-line reason of each.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tformance.core.dates import utc_now  # noqa: E402
from tformance.fakes.dead_endpoints import closed_port, serve_html, serve_silent  # noqa: E402
from tformance.fakes.demo_org import build_demo_org  # noqa: E402
from tformance.fakes.github_fake import DEMO_TOKEN, FakeGitHub  # noqa: E402
from tformance.fakes.github_server import serve_in_thread  # noqa: E402

REPO = "acme-robotics/docs"


def run(label: str, env: dict[str, str], *flags: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        command = [sys.executable, "-m", "tformance", "sync", "--repo", REPO, "--db", f"{folder}/t.db", *flags]
        started = time.monotonic()
        result = subprocess.run(command, env={**os.environ, **env}, capture_output=True, text=True)
        elapsed = time.monotonic() - started
    reason = next((line for line in result.stderr.splitlines() if line.startswith("tformance:")), "")
    notice = next((line for line in (result.stdout + result.stderr).splitlines() if "AI summaries" in line), "")
    print(f"{label}: {elapsed:.1f} s, exit {result.returncode}: {reason or notice}")


def main() -> None:
    silent_url, stop_silent, _ = serve_silent()
    html_url, stop_html, _ = serve_html()
    github_url, stop_github = serve_in_thread(FakeGitHub(build_demo_org(utc_now().date())))
    try:
        run("GitHub never answers", {"GITHUB_TOKEN": DEMO_TOKEN, "TFORMANCE_GITHUB_URL": silent_url}, "--no-llm")
        run("GitHub answers HTML 200", {"GITHUB_TOKEN": DEMO_TOKEN, "TFORMANCE_GITHUB_URL": html_url}, "--no-llm")
        groq = {"GROQ_API_KEY": "gsk_dead", "GROQ_BASE_URL": f"http://127.0.0.1:{closed_port()}"}
        run("Groq port closed", {"GITHUB_TOKEN": DEMO_TOKEN, "TFORMANCE_GITHUB_URL": github_url, **groq})
    finally:
        stop_silent()
        stop_html()
        stop_github()


if __name__ == "__main__":
    main()
