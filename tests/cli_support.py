"""Running ``tformance`` as a user does, in a subprocess, and reading its one-line reasons."""

from __future__ import annotations

import os
import subprocess
import sys


def tformance(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m tformance ARGS``, without the caller's GITHUB_TOKEN or TFORMANCE_DB, plus ``env``."""
    full_env = {key: value for key, value in os.environ.items() if key not in {"GITHUB_TOKEN", "TFORMANCE_DB"}}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "tformance", *args], env=full_env, capture_output=True, text=True, timeout=120
    )


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    """The one non-blank line the command wrote to stderr; no traceback."""
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]
