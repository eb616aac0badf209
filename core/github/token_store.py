"""The remembered GitHub token: one file under the user config dir, readable only by the user."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from tformance.core import paths


def load_token(path: Path | None = None) -> str | None:
    path = path or paths.saved_token_path()
    try:
        token = path.read_text(encoding="utf-8").strip()
    except (FileNotFoundError, PermissionError):
        return None
    return token or None


def save_token(token: str, path: Path | None = None) -> Path:
    """Write the token with mode 0600 from the start, so it is never readable by others, even briefly.

    It goes to a new temporary file beside ``path`` that is then renamed over it: a symlink planted
    at ``path`` is replaced, never followed, and a crash never leaves half a token.
    """
    path = path or paths.saved_token_path()
    paths.private_dir(path.parent)
    descriptor, temporary = tempfile.mkstemp(prefix=".github_token.", dir=path.parent)  # 0600, O_EXCL
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(token.strip() + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    return path


def forget_token(path: Path | None = None) -> bool:
    """Delete the saved token; return whether there was one."""
    path = path or paths.saved_token_path()
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    return True
