import pytest

from coercionwatch.publish.webhook import WebhookRefused, check_url


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
