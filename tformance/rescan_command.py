"""`tformance detect --rescan`: judge the stored PRs again with this version's detection rules."""

from __future__ import annotations

import argparse

from tformance.core.detection.detector import RULES_VERSION
from tformance.core.detection.rescan import rescan_signatures
from tformance.core.settings import Settings
from tformance.core.store.database import open_database

from .cli import EXIT_OK


def run_rescan(args: argparse.Namespace) -> int:
    """Re-evaluate the stored PRs from their stored text (no GitHub call) and say what changed."""
    settings = Settings.load(overrides={"database": args.db}).with_(demo=args.demo)
    open_database(settings.database_location())
    result = rescan_signatures(every_pr=args.all)
    print(
        f"Re-evaluated {result.rescanned:,} PRs with detection rules {RULES_VERSION}: "
        f"{result.verdicts_changed:,} changed verdict, {result.tools_changed:,} changed tools."
    )
    return EXIT_OK
