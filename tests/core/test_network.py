"""Corporate networks: proxies from the environment and certificates from SSL_CERT_FILE or the OS store."""

from __future__ import annotations

import http.client
import http.server
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import certifi
import pytest
import truststore

from tests.cli_support import tformance
from tests.sync_helpers import DOCS
from tformance.core.errors import SettingsError
from tformance.core.github.client import GitHubClient
from tformance.core.llm.client import build_llm_client
from tformance.core.network import tls_context
from tformance.core.settings import Settings
from tformance.fakes.github_fake import DEMO_TOKEN


class ForwardingProxy(http.server.ThreadingHTTPServer):
    """A plain HTTP proxy: takes absolute-form requests (``POST http://host/path``) and forwards them."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _ProxyHandler)
        self.seen: list[str] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _ProxyHandler(http.server.BaseHTTPRequestHandler):
    server: ForwardingProxy

    def do_POST(self) -> None:  # noqa: N802 (the http.server hook's name)
        target = urlsplit(self.path)
        self.server.seen.append(f"{self.command} {self.path}")
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        upstream = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
        headers = {name: value for name, value in self.headers.items() if name.lower() not in {"proxy-connection"}}
        upstream.request(self.command, target.path or "/", body=body, headers=headers)
        answer = upstream.getresponse()
        payload = answer.read()
        self.send_response(answer.status)
        for name, value in answer.getheaders():
            if name.lower() not in {"transfer-encoding", "connection", "content-length"}:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)
        upstream.close()

    def log_message(self, *_args: object) -> None:
        """Quiet: the test reads ``seen``."""


@pytest.fixture
def proxy() -> Iterator[ForwardingProxy]:
    proxy = ForwardingProxy()
    thread = threading.Thread(target=proxy.serve_forever, daemon=True)
    thread.start()
    yield proxy
    proxy.shutdown()
    proxy.server_close()


def test_sync_goes_through_the_proxy_the_environment_names(server, proxy: ForwardingProxy, tmp_path: Path) -> None:  # noqa: F811
    _, url = server
    env = {"GITHUB_TOKEN": DEMO_TOKEN, "TFORMANCE_GITHUB_URL": url, "HTTP_PROXY": proxy.url, "NO_PROXY": ""}
    result = tformance("sync", "--repo", DOCS, "--db", str(tmp_path / "t.db"), "--no-llm", env=env)
    assert result.returncode == 0, result.stderr
    assert proxy.seen and all(line == f"POST {url}" for line in proxy.seen)

    proxy.seen.clear()
    bypass = {**env, "NO_PROXY": "127.0.0.1"}
    assert tformance("sync", "--db", str(tmp_path / "t.db"), "--no-llm", env=bypass).returncode == 0
    assert proxy.seen == []


def test_certificates_come_from_ssl_cert_file_else_the_os_store(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    assert isinstance(tls_context(), truststore.SSLContext)
    monkeypatch.setenv("SSL_CERT_FILE", certifi.where())
    context = tls_context()
    assert not isinstance(context, truststore.SSLContext) and context.verify_mode == ssl.CERT_REQUIRED
    assert context.cert_store_stats()["x509_ca"] > 100  # the bundle's CAs, loaded
    monkeypatch.setenv("SSL_CERT_FILE", "/nowhere/corporate-ca.pem")
    with pytest.raises(SettingsError, match=r"cannot load the certificates in SSL_CERT_FILE=/nowhere/corporate-ca.pem"):
        tls_context()


def test_a_missing_certificate_file_is_one_line_from_the_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    env = {"GITHUB_TOKEN": DEMO_TOKEN, "SSL_CERT_FILE": "/nowhere/ca.pem"}
    result = tformance("sync", "--repo", DOCS, "--db", str(tmp_path / "t.db"), env=env)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip() == (
        "tformance: cannot load the certificates in SSL_CERT_FILE=/nowhere/ca.pem: No such file or directory"
    )


async def test_both_clients_trust_the_environment_and_the_os_store(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    github = GitHubClient(DEMO_TOKEN, "https://ghe.example.com/api/graphql")
    try:
        assert github._http.trust_env
        assert isinstance(github._http._transport._pool._ssl_context, truststore.SSLContext)
    finally:
        await github.aclose()
    llm = build_llm_client(Settings(groq_api_key="gsk_" + "k" * 40))
    assert llm is not None
    groq = llm._groq_source()
    try:
        http = groq._client
        assert http.trust_env and isinstance(http._transport._pool._ssl_context, truststore.SSLContext)
    finally:
        await groq.close()
