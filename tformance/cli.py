"""The `tformance` command: the TUI by default, plus headless `sync`, `report`, `detect`, `enrich` and `repos`.

Exit codes: 0 success, 1 some repo failed (or the disk is full), 2 bad usage, a rejected token, a
database that cannot be used or one already being synced, 130 interrupted.
Every failure prints one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from tformance.core.errors import DatabaseError, DatabaseFull, SettingsError, TformanceError
from tformance.core.logs import configure_logging

from . import __version__

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


class UsageError(TformanceError):
    """Bad arguments or missing configuration: exit 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        """One line on stderr, as the CLI contract promises, instead of argparse's usage dump."""
        self.exit(EXIT_USAGE, f"tformance: {message} (see `{self.prog} --help`)\n")


_VERBOSE_HELP = "log debug details to stderr (CLI) and the log file (see `tformance config`)"
_HOST_HELP = "GitHub Enterprise Server host: https://HOST/api/graphql (default: GH_HOST or github.com)"


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="tformance", description="Engineering metrics from your team's GitHub history.")
    parser.add_argument("--version", action="version", version=f"tformance {__version__}")
    parser.add_argument("--demo", action="store_true", help="open on the built-in demo organisation (offline)")
    parser.add_argument("--demo-speed", type=float, default=1.0, help="demo pace multiplier (2 = twice as fast)")
    parser.add_argument(
        "--db", metavar="PATH", help="database path or URL (default: TFORMANCE_DB or the user data dir)"
    )
    parser.add_argument("--host", help=_HOST_HELP)
    parser.add_argument("-v", "--verbose", action="store_true", help=_VERBOSE_HELP)
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    # `-v` also after the subcommand (`tformance sync -v`), as people type it.
    verbose = _Parser(add_help=False)
    verbose.add_argument("-v", "--verbose", dest="sub_verbose", action="store_true", help=_VERBOSE_HELP)

    sync = sub.add_parser(
        "sync",
        parents=[verbose],
        help="sync PR history headless, with progress bars",
        description="Fetch the pull requests of the given repositories (or refresh the tracked ones) into the "
        "local database, with progress bars, then detect and summarise AI-assisted PRs.",
    )
    sync.add_argument("--repo", action="append", default=[], metavar="OWNER/NAME", help="repeat for more repos")
    sync.add_argument("--months", type=_months, help="months of history (default: SYNC_HISTORY_MONTHS or 12)")
    sync.add_argument("--db", dest="sub_db", metavar="PATH", help="database path or URL")
    sync.add_argument("--host", dest="sub_host", help=_HOST_HELP)
    sync.add_argument("--no-llm", action="store_true", help="skip the LLM enrichment")
    sync.add_argument("--demo", dest="sub_demo", action="store_true", help="sync the demo organisation offline")
    sync.add_argument("--demo-speed", dest="sub_demo_speed", type=float, help=argparse.SUPPRESS)
    sync.add_argument(
        "--dry-run", action="store_true", help="show what would be fetched and sent to the LLM; send nothing"
    )
    sync.add_argument(
        "--llm-mode", choices=("live", "batch"), default="live", help="batch: Groq Batch API, collect later"
    )

    enrich = sub.add_parser(
        "enrich",
        parents=[verbose],
        help="finish the AI detection and summaries still pending (LLM)",
        description="Send the PRs still waiting for the LLM to Groq: AI verdicts and one-line summaries.",
    )
    enrich.add_argument("--db", dest="sub_db", metavar="PATH", help="database path or URL")
    enrich.add_argument("--demo", dest="sub_demo", action="store_true", help="enrich the demo database")
    enrich.add_argument("--llm-mode", choices=("live", "batch"), default="live", help="batch: Groq Batch API")
    enrich.add_argument("--dry-run", action="store_true", help="show which fields would leave the machine")

    report = sub.add_parser(
        "report",
        parents=[verbose],
        help="print the dashboard metrics",
        description="The dashboard's figures as text, JSON, CSV (one row per PR) or a self-contained HTML page.",
    )
    report.add_argument("--db", dest="sub_db", metavar="PATH", help="database path or URL")
    report.add_argument("--demo", dest="sub_demo", action="store_true", help="report on the demo database")
    report.add_argument("--repo", help="only this repository (OWNER/NAME)")
    report.add_argument("--since", help="only PRs created on or after this date (YYYY-MM-DD)")
    report.add_argument(
        "--include-bots", action="store_true", help="count automation bots' PRs in the headline figures too"
    )
    report.add_argument("--format", choices=("text", "json", "csv", "html"), default="text")
    report.add_argument("--anonymize", action="store_true", help="replace logins and repo names consistently")
    report.add_argument("--output", "-o", help="write to this file instead of stdout")

    detect = sub.add_parser(
        "detect",
        parents=[verbose],
        help="read PRs as JSON lines on stdin, print AI signatures found (stage 1)",
        description="Read one PR per JSON line on stdin and print the AI signatures found, one line each.",
    )
    detect.add_argument(
        "--rescan", action="store_true", help="instead, judge the stored PRs again with these rules (no refetch)"
    )
    detect.add_argument(
        "--all", action="store_true", help="with --rescan: every PR, not only those judged by older rules"
    )
    detect.add_argument("--db", dest="sub_db", metavar="PATH", help="database path or URL (with --rescan)")
    detect.add_argument("--demo", dest="sub_demo", action="store_true", help="rescan the demo database")

    repos = sub.add_parser(
        "repos", parents=[verbose], help="list the tracked repositories; `repos remove OWNER/NAME` untracks one"
    )
    repos.add_argument("--db", dest="sub_db", metavar="PATH", help="database path or URL")
    repos.add_argument("--demo", dest="sub_demo", action="store_true", help="the demo database")
    repos_sub = repos.add_subparsers(dest="action", parser_class=_Parser)
    remove = repos_sub.add_parser("remove", help="untrack a repository and delete its PRs")
    remove.add_argument("name", metavar="OWNER/NAME")
    remove.add_argument("--yes", "-y", action="store_true", help="do not ask for confirmation")
    remove.add_argument("--db", dest="sub_db", metavar="PATH", help="database path or URL")

    config = sub.add_parser(
        "config", parents=[verbose], help="show the settings in effect, where each came from, and the file paths"
    )
    config.add_argument("--db", dest="sub_db", metavar="PATH", help="database path or URL")
    config.add_argument("--host", dest="sub_host", help=_HOST_HELP)
    return parser


def _months(value: str) -> int:
    try:
        months = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--months must be a whole number, got {value!r}") from None
    if not 1 <= months <= 120:
        raise argparse.ArgumentTypeError(f"--months must be between 1 and 120, got {months}")
    return months


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # Merge the flags a user may put before or after the subcommand.
    args.db = getattr(args, "sub_db", None) or args.db
    args.host = getattr(args, "sub_host", None) or args.host
    args.demo = bool(getattr(args, "sub_demo", False) or args.demo)
    if getattr(args, "sub_demo_speed", None):
        args.demo_speed = args.sub_demo_speed
    args.verbose = bool(getattr(args, "sub_verbose", False) or args.verbose)
    # The app draws on the terminal: it logs to the file only. The CLI also warns on stderr.
    configure_logging(
        verbose=args.verbose,
        console=args.command is not None,
        secrets=(os.environ.get(name) for name in ("GITHUB_TOKEN", "GH_TOKEN", "GROQ_API_KEY")),
    )
    try:
        return _dispatch(args)
    except KeyboardInterrupt:
        print("tformance: interrupted; progress is saved, run the same command to resume", file=sys.stderr)
        return EXIT_INTERRUPTED
    except DatabaseFull as error:
        print(f"tformance: {error}", file=sys.stderr)
        return EXIT_FAILED
    except (UsageError, SettingsError, DatabaseError) as error:
        print(f"tformance: {error}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        # The reader went away (`tformance report | head`): not an error worth a traceback.
        sys.stderr.close()
        return EXIT_OK
    except TformanceError as error:
        from tformance.core.workspace import SyncLocked

        print(f"tformance: {error}", file=sys.stderr)
        return EXIT_USAGE if isinstance(error, SyncLocked) else EXIT_FAILED
    except Exception as error:
        # A database failure outside the paths that translate it (a damaged page found mid-report).
        failure = _database_failure(error)
        if failure is None:
            raise
        print(f"tformance: {failure}", file=sys.stderr)
        return EXIT_FAILED if isinstance(failure, DatabaseFull) else EXIT_USAGE


def _database_failure(error: Exception) -> DatabaseError | None:
    import sqlite3

    import peewee

    if not isinstance(error, peewee.PeeweeException | sqlite3.Error):
        return None
    from tformance.core.workspace import database_failure

    return database_failure(error)


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "sync":
        from .sync_command import run_sync

        return run_sync(args)
    if args.command == "report":
        from .report_command import run_report

        return run_report(args)
    if args.command == "enrich":
        from .enrich_command import run_enrich

        return run_enrich(args)
    if args.command == "detect" and args.all and not args.rescan:
        raise UsageError("--all goes with --rescan: `tformance detect --rescan --all`")
    if args.command == "detect" and args.rescan:
        from .rescan_command import run_rescan

        return run_rescan(args)
    if args.command == "repos":
        from .repos_command import run_repos

        return run_repos(args)
    if args.command == "config":
        from .config_command import run_config

        return run_config(args, sys.stdout)
    if args.command == "detect":
        from .detect_command import run

        return run(sys.stdin, sys.stdout, sys.stderr)
    from .tui_command import run_tui

    return run_tui(args)


if __name__ == "__main__":
    raise SystemExit(main())
