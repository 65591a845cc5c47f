import http.server
import json
import socket
import ssl
import threading

import pytest
import trustme

from coercionwatch.publish.webhook import WebhookFailed, WebhookRefused, check_url, post_report


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/x",
        "http://localhost/x",
        "http://10.0.0.5/x",
        "http://192.168.1.1/",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/x",
        "http://0.0.0.0/",
    ],
)
def test_private_and_reserved_addresses_are_refused(url):
    with pytest.raises(WebhookRefused, match="private or reserved"):
        check_url(url)


@pytest.mark.parametrize(
    "url", ["ftp://example.org/x", "file:///etc/passwd", "http://u:p@127.0.0.1/"]
)
def test_other_schemes_and_credentials_are_refused(url):
    with pytest.raises(WebhookRefused):
        check_url(url, allow_private=True)


def test_private_addresses_can_be_allowed_explicitly():
    check_url("http://127.0.0.1:8080/hook", allow_private=True)


class _Hook(http.server.BaseHTTPRequestHandler):
    """A real webhook on 127.0.0.1 that answers with `status` and keeps what it got."""

    status = 204
    received: list = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((self.headers["Host"], json.loads(body)))
        self.send_response(self.status)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def hook():
    _Hook.received = []
    _Hook.status = 204
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_the_post_keeps_the_host_name_while_connecting_to_the_checked_address(hook):
    url = f"http://localhost:{hook}/hook"
    assert check_url(url, allow_private=True) in ("127.0.0.1", "::1")
    assert post_report(url, {"counts": {"added": 1}}, allow_private=True) == 204
    assert _Hook.received == [(f"localhost:{hook}", {"counts": {"added": 1}})]


def test_a_webhook_that_refuses_the_report_is_an_error_not_a_crash(hook):
    _Hook.status = 500
    with pytest.raises(WebhookFailed, match="answered 500"):
        post_report(f"http://127.0.0.1:{hook}/hook", {}, allow_private=True)


def test_a_webhook_that_is_down_is_an_error_not_a_crash():
    with socket.socket() as probe:  # a port that was free a moment ago, now closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(WebhookFailed, match="could not post"):
        post_report(f"http://127.0.0.1:{port}/hook", {}, allow_private=True)


@pytest.fixture
def tls_hook(tmp_path, monkeypatch):
    """A real HTTPS webhook on 127.0.0.1, its certificate from a CA this test trusts."""
    authority = trustme.CA()
    ca_file = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(ca_file))
    monkeypatch.setenv("SSL_CERT_FILE", str(ca_file))

    def serve(name: str) -> int:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        authority.issue_cert(name).configure_cert(context)
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Hook)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server.server_address[1]

    _Hook.received = []
    _Hook.status = 204
    servers: list = []
    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()


def test_https_is_verified_against_the_url_name_not_the_pinned_address(tls_hook):
    port = tls_hook("localhost")
    url = f"https://localhost:{port}/hook"
    assert post_report(url, {"ok": True}, allow_private=True) == 204
    assert _Hook.received == [(f"localhost:{port}", {"ok": True})]


def test_a_certificate_for_another_name_is_refused(tls_hook):
    port = tls_hook("elsewhere.example")
    with pytest.raises(WebhookFailed, match="CERTIFICATE_VERIFY_FAILED"):
        post_report(f"https://localhost:{port}/hook", {}, allow_private=True)
    assert _Hook.received == []
