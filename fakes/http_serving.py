"""Serving code shared by the local API fakes (``FakeGitHub``, ``FakeGroq``).

A fake answers one request at a time through ``handle(method, path, headers, body) -> FakeResponse``,
never sleeping itself, and counts requests in flight with ``enter()``/``leave()`` (``CountsInFlight``).
This module serves such a fake in-process to httpx (``FakeTransport``, ``FakeSyncTransport``) or over
a real socket on a daemon thread (``serve_in_thread``); all three wait ``delay`` and drop the connection
on ``disconnect`` the same way.
"""

from __future__ import annotations

import asyncio
import json
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol

import httpx

Headers = dict[str, str] | Iterable[tuple[str, str]]
Handle = Callable[[str, str, list[tuple[str, str]], bytes], "FakeResponse"]


@dataclass
class FakeResponse:
    status: int
    headers: dict[str, str]
    body: bytes
    delay: float = 0.0  # seconds the server should wait before answering (the caller sleeps)
    disconnect: bool = False  # drop the connection without an answer

    def json(self) -> Any:
        return json.loads(self.body)


class ServedFake(Protocol):
    def enter(self) -> None: ...

    def leave(self) -> None: ...

    def handle(self, method: str, path: str, headers: Headers, body: bytes) -> FakeResponse: ...


class CountsInFlight:
    """``enter()``/``leave()`` keeping ``in_flight`` and its high-water mark ``max_in_flight``.

    The fake sets ``in_flight``, ``max_in_flight`` and ``_lock`` (a ``threading.RLock``) in its ``__init__``.
    """

    in_flight: int
    max_in_flight: int
    _lock: threading.RLock

    def enter(self) -> None:
        with self._lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def leave(self) -> None:
        with self._lock:
            self.in_flight -= 1


@contextmanager
def _counted(enter: Callable[[], None] | None, leave: Callable[[], None] | None) -> Iterator[None]:
    if enter is not None:
        enter()
    try:
        yield
    finally:
        if leave is not None:
            leave()


def _remaining(delay: float, started: float) -> float:
    """What is left of ``delay`` after the fake's own work: the latency model is the whole response
    time, so the time spent computing the answer (or waiting for the fake's lock) counts towards it."""
    return max(0.0, delay - (time.perf_counter() - started))


def _httpx_response(answer: FakeResponse, request: httpx.Request) -> httpx.Response:
    if answer.disconnect:
        raise httpx.RemoteProtocolError("Server disconnected without sending a response.", request=request)
    return httpx.Response(answer.status, headers=list(answer.headers.items()), content=answer.body, request=request)


class FakeTransport(httpx.AsyncBaseTransport):
    """Serves a fake to an ``httpx.AsyncClient`` in-process; latency is slept with ``asyncio.sleep``."""

    def __init__(self, fake: ServedFake) -> None:
        self.fake = fake

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = await request.aread()
        with _counted(self.fake.enter, self.fake.leave):
            started = time.perf_counter()
            answer = self.fake.handle(request.method, request.url.path, request.headers.multi_items(), body)
            if answer.delay > 0:
                await asyncio.sleep(_remaining(answer.delay, started))
        return _httpx_response(answer, request)


class FakeSyncTransport(httpx.BaseTransport):
    """Serves a fake to a plain ``httpx.Client`` in-process; latency is slept with ``time.sleep``."""

    def __init__(self, fake: ServedFake) -> None:
        self.fake = fake

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        with _counted(self.fake.enter, self.fake.leave):
            started = time.perf_counter()
            answer = self.fake.handle(request.method, request.url.path, request.headers.multi_items(), body)
            if answer.delay > 0:
                time.sleep(_remaining(answer.delay, started))
        return _httpx_response(answer, request)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    quiet_disconnects = False

    def handle_error(self, request: socket.socket | tuple[bytes, socket.socket], client_address: Any) -> None:
        # A client killed mid-answer (a kill -9 test does it on purpose) is routine, not worth a traceback.
        if not (self.quiet_disconnects and isinstance(sys.exc_info()[1], ConnectionError)):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    # HTTP/1.1 keeps connections alive, as the real services' edges do; every answer sets Content-Length.
    protocol_version = "HTTP/1.1"
    handle_fake: Handle
    enter: Callable[[], None] | None = None
    leave: Callable[[], None] | None = None
    strip_query = False
    server_header: str | None = None
    log: Callable[[str], None] | None = None

    def _serve(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        path = self.path.split("?", 1)[0] if self.strip_query else self.path
        with _counted(self.enter, self.leave):
            started = time.perf_counter()
            answer = self.handle_fake(self.command, path, list(self.headers.items()), body)
            if answer.delay > 0:
                time.sleep(_remaining(answer.delay, started))
        if answer.disconnect:
            self.close_connection = True  # drop the socket without a word, like a reset connection
            return
        self.send_response(answer.status)
        for name, value in answer.headers.items():
            self.send_header(name, value)
        self.send_header("content-length", str(len(answer.body)))
        self.end_headers()
        self.wfile.write(answer.body)

    def version_string(self) -> str:
        return self.server_header if self.server_header is not None else super().version_string()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        if self.log is not None:  # tests and benchmarks want quiet; the fakes record every request
            self.log(format % args)


def serve_in_thread(
    handle: Handle,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    name: str = "fake-http",
    url_path: str = "",
    methods: Iterable[str] = ("GET", "POST"),
    enter: Callable[[], None] | None = None,
    leave: Callable[[], None] | None = None,
    strip_query: bool = False,
    server_header: str | None = None,
    quiet_disconnects: bool = False,
    log: Callable[[str], None] | None = None,
) -> tuple[str, Callable[[], None]]:
    """Serve ``handle`` over HTTP/1.1 on a daemon thread named ``name``; returns the URL and a stop function.

    ``port`` 0 picks a free port; the URL is ``http://host:port`` followed by ``url_path``. Each request
    of one of ``methods`` is answered by ``handle(method, path, headers, body)`` between ``enter()`` and
    ``leave()``, after sleeping the answer's ``delay``. ``strip_query`` drops ``?...`` from the path;
    ``server_header`` replaces the ``Server:`` value; ``quiet_disconnects`` hides tracebacks of clients
    that went away; ``log`` receives http.server's request log lines (default: dropped).
    """
    attributes: dict[str, Any] = {
        "handle_fake": staticmethod(handle),
        "enter": staticmethod(enter) if enter else None,
        "leave": staticmethod(leave) if leave else None,
        "strip_query": strip_query,
        "server_header": server_header,
        "log": staticmethod(log) if log else None,
    }
    attributes.update({f"do_{method.upper()}": _Handler._serve for method in methods})
    server = _Server((host, port), type("Handler", (_Handler,), attributes))
    server.quiet_disconnects = quiet_disconnects
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), name=name, daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

    return f"http://{host}:{server.server_address[1]}{url_path}", stop
