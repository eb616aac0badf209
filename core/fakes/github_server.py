"""Serve a ``FakeGitHub`` over real HTTP, in a thread (tests) or as a process (kill -9 tests, benchmarks).

    python -m tformance.core.fakes.github_server --port 0 --dataset large --latency 0.3 --latency-per-pr 0.02

prints the endpoint URL on its first line of stdout, then serves until killed.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .demo_org import build_demo_org, build_empty_org, build_large_org
from .github_fake import DEMO_TOKEN, FakeGitHub


def _handler_for(fake: FakeGitHub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        # HTTP/1.1 keeps connections alive, as GitHub's edge does; every answer sets Content-Length.
        protocol_version = "HTTP/1.1"

        def _serve(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else b""
            fake.enter()
            try:
                answer = fake.handle(self.command, self.path, self.headers.items(), body)
                if answer.delay > 0:
                    time.sleep(answer.delay)
            finally:
                fake.leave()
            if answer.disconnect:
                self.close_connection = True  # drop the socket without a word, like a reset connection
                return
            self.send_response(answer.status)
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.send_header("content-length", str(len(answer.body)))
            self.end_headers()
            self.wfile.write(answer.body)

        do_POST = _serve
        do_GET = _serve

        def version_string(self) -> str:
            return "GitHub.com"

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
            pass  # tests and benchmarks want quiet; fake.requests records everything

    return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        # A client killed mid-answer (the kill -9 test does it on purpose) is routine, not worth a traceback.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def serve_in_thread(fake: FakeGitHub, host: str = "127.0.0.1", port: int = 0) -> tuple[str, Callable[[], None]]:
    """Start serving ``fake`` on a daemon thread; returns the endpoint URL and a function that stops it."""
    server = _Server((host, port), _handler_for(fake))
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), name="fake-github", daemon=True)
    thread.start()
    url = f"http://{host}:{server.server_address[1]}/graphql"

    def stop() -> None:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

    return url, stop


def build_fake(args: argparse.Namespace) -> FakeGitHub:
    today = date.fromisoformat(args.today) if args.today else datetime.now(UTC).date()
    if args.dataset == "large" or args.repos or args.prs_per_repo:
        org = build_large_org(today, args.repos or 20, args.prs_per_repo or 1000, args.seed)
    elif args.dataset == "empty":
        org = build_empty_org(today)
    else:
        org = build_demo_org(today, args.seed)
    return FakeGitHub(
        org,
        tokens=args.token or [DEMO_TOKEN],
        rate_limit=args.rate_limit,
        latency_per_request=args.latency,
        latency_per_pr=args.latency_per_pr,
        max_first_before_502=args.max_first_before_502,
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tformance.core.fakes.github_server", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--dataset", choices=("demo", "large", "empty"), default="demo")
    parser.add_argument("--repos", type=int, help="large dataset: number of repositories (default 20)")
    parser.add_argument("--prs-per-repo", type=int, help="large dataset: PRs per repository (default 1000)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--today", help="YYYY-MM-DD the data ends at (default: today, UTC)")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added to every answer")
    parser.add_argument("--latency-per-pr", type=float, default=0.0, help="seconds added per PR returned")
    parser.add_argument("--rate-limit", type=int, default=5000, help="points per hour")
    parser.add_argument("--max-first-before-502", type=int, help="PR pages bigger than this get a 502")
    parser.add_argument("--token", action="append", help=f"an accepted token (repeatable; default {DEMO_TOKEN})")
    args = parser.parse_args(argv)
    url, stop = serve_in_thread(build_fake(args), args.host, args.port)
    print(url, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
