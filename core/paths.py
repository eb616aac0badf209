"""Where tformance keeps its files. Directories are created on demand, never at import."""

from __future__ import annotations

from pathlib import Path

import platformdirs

APP_NAME = "tformance"


def data_dir() -> Path:
    """The user data directory (created if missing, readable by the user only: it holds PR text)."""
    return private_dir(Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)))


def config_dir() -> Path:
    """The user config directory (created if missing, readable by the user only)."""
    return private_dir(Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)))


def private_dir(path: Path) -> Path:
    """``path`` as a directory only its owner can enter: created 0700, or tightened to 0700 if it exists."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    if path.stat().st_mode & 0o077:
        path.chmod(0o700)  # an older tformance, or a umask, left it open to other users
    return path


def default_database_path() -> Path:
    return data_dir() / "tformance.db"


def demo_database_path() -> Path:
    """The demo keeps its own database so a sales demo never mixes with real data."""
    return data_dir() / "demo.db"


def saved_token_path() -> Path:
    return config_dir() / "github_token"


def config_file_path() -> Path:
    """``config.toml``: the user's defaults (see ``config_file``)."""
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "config.toml"


def log_dir() -> Path:
    """The user log directory (created if missing, readable by the user only)."""
    return private_dir(log_file_path().parent)


def log_file_path() -> Path:
    """The log file (rotated by ``logs``); its directory is created only when something is logged."""
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)) / "tformance.log"
