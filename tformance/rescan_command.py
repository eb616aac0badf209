"""`tformance detect --rescan`: judge the stored PRs again with this version's detection rules."""

from __future__ import annotations

import argparse
import asyncio

from tformance.core.settings import Settings
from tformance.core.workspace import RescanResult, Workspace

from .cli import EXIT_OK
from .wiring import local_workspace


def run_rescan(args: argparse.Namespace) -> int:
    """Re-evaluate the stored PRs from their stored text (no GitHub call) and say what changed."""
    settings = Settings.load(overrides={"database": args.db}).with_(demo=args.demo)
    result = asyncio.run(_rescan(local_workspace(settings), every_pr=args.all))
    print(
        f"Re-evaluated {result.rescanned:,} PRs with detection rules {Workspace.rules_version}: "
        f"{result.verdicts_changed:,} changed verdict, {result.tools_changed:,} changed tools."
    )
    return EXIT_OK


async def _rescan(workspace: Workspace, *, every_pr: bool) -> RescanResult:
    async with workspace:
        return await workspace.rescan(every_pr=every_pr)
