"""`tformance` with no subcommand: the terminal app (and `tformance --demo`, offline)."""

from __future__ import annotations

import argparse
import contextlib
from pathlib import Path

from tformance.core import paths
from tformance.core.settings import Settings, demo_settings

from .wiring import build_services


def run_tui(args: argparse.Namespace) -> int:
    """Build the services from the environment and flags, run the app, return the exit code."""
    settings = Settings.load(host=args.host, overrides={"database": args.db}).with_(demo=bool(args.demo))
    if not args.db and args.demo:
        # Each `--demo` starts from an empty demo database, so the whole flow is shown every time.
        _remove_demo_database(paths.demo_database_path())
    if args.demo:
        settings = demo_settings(settings)
    speed = args.demo_speed or 1.0
    services = build_services(settings, demo_speed=speed)

    from .tui.app import make_app  # Textual is imported only when the app runs

    app = make_app(services)
    if args.demo:
        app.set_demo_speed(speed)  # paced for a person to watch: about 30 s for the sync
    app.run()
    return app.return_code or 0


def _remove_demo_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            Path(f"{path}{suffix}").unlink()
