"""The remembered GitHub token: one file under the user config dir, readable only by the user."""

from __future__ import annotations

import os
from pathlib import Path

from . import paths


def load_token(path: Path | None = None) -> str | None:
    path = path or paths.saved_token_path()
    try:
        token = path.read_text(encoding="utf-8").strip()
    except (FileNotFoundError, PermissionError):
        return None
    return token or None


def save_token(token: str, path: Path | None = None) -> Path:
    """Write the token with mode 0600 from the start, so it is never readable by others, even briefly."""
    path = path or paths.saved_token_path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(token.strip() + "\n")
    os.chmod(path, 0o600)
    return path


def forget_token(path: Path | None = None) -> bool:
    """Delete the saved token; return whether there was one."""
    path = path or paths.saved_token_path()
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    return True
