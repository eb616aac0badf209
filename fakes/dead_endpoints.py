"""Endpoints that fail the way dead services do, for the fault tests and ``benchmarks/dead_endpoints.py``.

``serve_silent`` accepts connections and never answers (a hung proxy, a firewall that eats
packets after the handshake); ``serve_html`` answers every request with a web page and HTTP 200
(a captive portal, a proxy's sign-in page, a wrong URL); ``closed_port`` is a port nothing listens on.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from tformance.fakes.http_serving import FakeResponse, serve_in_thread

PORTAL_PAGE = b"<!DOCTYPE html><html><head><title>Sign in to the network</title></head><body>Welcome</body></html>"


@dataclass
class Counter:
    """How many connections or requests an endpoint received."""

    count: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self) -> None:
        with self._lock:
            self.count += 1


def serve_silent(path: str = "/graphql") -> tuple[str, Callable[[], None], Counter]:
    """A TCP server that accepts every connection and never sends a byte; returns URL, stop, counter."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.1)
    held: list[socket.socket] = []
    counter = Counter()
    stopping = threading.Event()

    def accept() -> None:
        while not stopping.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            held.append(connection)  # kept open, unread and unanswered
            counter.add()

    thread = threading.Thread(target=accept, name="silent-endpoint", daemon=True)
    thread.start()

    def stop() -> None:
        stopping.set()
        thread.join(timeout=5)
        listener.close()
        for connection in held:
            connection.close()

    return f"http://127.0.0.1:{listener.getsockname()[1]}{path}", stop, counter


def serve_html(path: str = "/graphql") -> tuple[str, Callable[[], None], Counter]:
    """An HTTP server answering every request with a web page and status 200."""
    counter = Counter()

    def handle(method: str, request_path: str, headers: object, body: bytes) -> FakeResponse:
        counter.add()
        return FakeResponse(200, {"Content-Type": "text/html; charset=utf-8"}, PORTAL_PAGE)

    url, stop = serve_in_thread(handle, name="html-endpoint", quiet_disconnects=True)
    return url + path, stop, counter


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port
