import socket
import ssl

import pytest
import trustme

from coercionwatch.model.addresses import check_url
from coercionwatch.publish.webhook import WebhookFailed, deliver, post_report
from tests.helpers import webhook_server


def test_the_post_keeps_the_host_name_while_connecting_to_the_checked_address():
    with webhook_server() as hook:
        url = f"http://localhost:{hook.port}/hook"
        assert set(check_url(url, allow_private=True)) <= {"127.0.0.1", "::1"}
        assert post_report(url, {"counts": {"added": 1}}, allow_private=True) == 204
    assert [(p.host, p.body) for p in hook.received] == [
        (f"localhost:{hook.port}", {"counts": {"added": 1}})
    ]


def test_an_unreachable_address_falls_through_to_the_next_checked_one():
    # Nothing listens on 127.0.0.2: like a name whose first address is down.
    with webhook_server() as hook:
        url = f"http://localhost:{hook.port}/hook"
        assert deliver(url, ["127.0.0.2", "127.0.0.1"], b'{"n": 1}') == 204
        with pytest.raises(WebhookFailed, match=r"127\.0\.0\.2"):
            deliver(url, ["127.0.0.2"], b"{}")
    assert [(p.host, p.body) for p in hook.received] == [(f"localhost:{hook.port}", {"n": 1})]


def test_a_webhook_that_refuses_the_report_is_an_error_not_a_crash():
    with webhook_server(status=500) as hook, pytest.raises(WebhookFailed, match="answered 500"):
        post_report(f"http://127.0.0.1:{hook.port}/hook", {}, allow_private=True)


def test_a_webhook_that_is_down_is_an_error_not_a_crash():
    with socket.socket() as probe:  # a port that was free a moment ago, now closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(WebhookFailed, match="could not post"):
        post_report(f"http://127.0.0.1:{port}/hook", {}, allow_private=True)


@pytest.fixture
def certificate_for(tmp_path, monkeypatch):
    """Server TLS contexts from a throwaway CA that this test's clients trust."""
    authority = trustme.CA()
    ca_file = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(ca_file))
    monkeypatch.setenv("SSL_CERT_FILE", str(ca_file))

    def context(name: str) -> ssl.SSLContext:
        server_side = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        authority.issue_cert(name).configure_cert(server_side)
        return server_side

    return context


def test_https_is_verified_against_the_url_name_not_the_pinned_address(certificate_for):
    with webhook_server(tls=certificate_for("localhost")) as hook:
        url = f"https://localhost:{hook.port}/hook"
        assert post_report(url, {"ok": True}, allow_private=True) == 204
    assert [(p.host, p.body) for p in hook.received] == [(f"localhost:{hook.port}", {"ok": True})]


def test_a_certificate_for_another_name_is_refused(certificate_for):
    tls = certificate_for("elsewhere.example")
    with (
        webhook_server(tls=tls) as hook,
        pytest.raises(WebhookFailed, match="CERTIFICATE_VERIFY_FAILED"),
    ):
        post_report(f"https://localhost:{hook.port}/hook", {}, allow_private=True)
    assert hook.received == []
