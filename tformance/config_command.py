"""`tformance config`: the effective settings, where each came from, and where the files are."""

from __future__ import annotations

import argparse
from typing import TextIO
from urllib.parse import urlsplit, urlunsplit

from tformance.core import paths
from tformance.core.settings import Settings

from .cli import EXIT_OK
from .wiring import local_workspace

# (label, Settings field) in the order people look for them.
SHOWN = (
    ("months", "history_months"),
    ("repos", "default_repos"),
    ("page_size", "page_size"),
    ("max_in_flight", "max_in_flight"),
    ("llm_model", "llm_model"),
    ("llm_batch_size", "llm_batch_size"),
    ("theme", "theme"),
    ("github_url", "github_url"),
    ("database", "database"),
)


def run_config(args: argparse.Namespace, out: TextIO) -> int:
    """Print each setting's value and source, the token's source (never the token), and the paths."""
    settings = Settings.load(host=args.host, overrides={"database": args.db})
    rows = [(label, _shown(getattr(settings, name)), settings.sources.get(name, "default")) for label, name in SHOWN]
    rows[-1] = ("database", without_password(settings.database_location()), rows[-1][2])
    found = local_workspace(settings).find_token()
    how = found.description if found else "run `gh auth login`, or set GITHUB_TOKEN or GH_TOKEN"
    rows.append(("github_token", "found" if found else "none", how))
    rows.append(("groq_api_key", "set" if settings.groq_api_key else "not set", "environment (GROQ_API_KEY)"))
    width = max(len(row[0]) for row in rows)
    value_width = min(max(len(row[1]) for row in rows), 60)
    for label, value, source in rows:
        out.write(f"{label:<{width}}  {value:<{value_width}}  {source}\n")
    config = paths.config_file_path()
    out.write("\n")
    out.write(f"{'database':<{width}}  {without_password(settings.database_location())}\n")
    out.write(f"{'config file':<{width}}  {config}{'' if config.exists() else ' (not created yet)'}\n")
    out.write(f"{'logs':<{width}}  {paths.log_file_path()}\n")
    return EXIT_OK


def _shown(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, tuple):
        return ", ".join(value) or "-"
    return str(value)


def without_password(location: str) -> str:
    """A database URL with its password masked (paths pass through)."""
    if "://" not in location:
        return location
    parts = urlsplit(location)
    if parts.password is None:
        return location
    netloc = parts.netloc.rsplit("@", 1)
    user = netloc[0].split(":", 1)[0]
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc[1]}"))
