"""`tformance report`: the dashboard's figures in the terminal, as JSON, CSV or HTML."""

from __future__ import annotations

import argparse
import json
import sys

from rich.console import Console
from rich.table import Table
from rich.text import Text

from .cli import EXIT_OK
from .core.database import open_database
from .core.models import PullRequest, Repository
from .core.settings import Settings


def run_report(args: argparse.Namespace) -> int:
    settings = Settings.from_env().with_(demo=args.demo)
    if args.db:
        settings = settings.with_(database=args.db)
    open_database(settings.database_location())
    rows = []
    for repo in Repository.select().order_by(Repository.full_name):
        prs = PullRequest.select().where(PullRequest.repo == repo).count()
        rows.append(
            {
                "name": repo.full_name,
                "status": repo.sync_status,
                "prs": prs,
                "last_synced_at": repo.last_synced_at.isoformat() if repo.last_synced_at else None,
            }
        )
    report = {"repos": rows, "total_prs": sum(row["prs"] for row in rows)}
    if args.format == "json":
        json.dump(report, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return EXIT_OK
    table = Table(title=f"{report['total_prs']} PRs in {len(rows)} repositories", title_justify="left")
    for column in ("Repository", "Status", "PRs", "Last synced"):
        table.add_column(column)
    for row in rows:
        table.add_row(Text(row["name"]), row["status"], str(row["prs"]), row["last_synced_at"] or "never")
    Console().print(table)
    return EXIT_OK
