"""The address guard: what a URL given by a user may reach."""

import pytest

from coercionwatch.model.addresses import AddressRefused, check_url


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
    with pytest.raises(AddressRefused, match="private or reserved"):
        check_url(url)


@pytest.mark.parametrize(
    ("url", "carried"),
    [
        ("http://[64:ff9b::127.0.0.1]/x", "127.0.0.1"),  # NAT64, well-known prefix
        ("http://[64:ff9b::a9fe:a9fe]/latest/meta-data", "169.254.169.254"),
        ("http://[2002:c0a8:101::1]/x", "192.168.1.1"),  # 6to4
        ("http://[2002:7f00:1::]:8080/x", "127.0.0.1"),
        ("http://[::10.0.0.5]/x", "10.0.0.5"),  # IPv4-compatible
        ("http://[::127.0.0.1]/x", "127.0.0.1"),
        ("http://[::ffff:127.0.0.1]/x", "127.0.0.1"),  # IPv4-mapped
        ("http://[::ffff:192.168.1.1]/x", "192.168.1.1"),
        ("http://[2001:0:808:808:0:f227:80ff:fffe]/x", "8.8.8.8, 127.0.0.1"),  # Teredo
    ],
)
def test_ipv4_addresses_inside_ipv6_ones_are_judged_as_ipv4(url, carried):
    with pytest.raises(AddressRefused, match="private or reserved") as caught:
        check_url(url)
    assert f"(carrying {carried})" in str(caught.value)


def test_the_local_use_nat64_prefix_is_refused_whatever_it_carries():
    with pytest.raises(AddressRefused, match="private or reserved"):
        check_url("http://[64:ff9b:1::8.8.8.8]/x")


@pytest.mark.parametrize(
    "url", ["http://[64:ff9b::8.8.8.8]/x", "http://[2002:808:808::1]/x", "http://8.8.8.8/x"]
)
def test_public_ipv4_addresses_inside_ipv6_ones_are_allowed(url):
    assert len(check_url(url)) == 1


@pytest.mark.parametrize(
    "url", ["ftp://example.org/x", "file:///etc/passwd", "http://u:p@127.0.0.1/"]
)
def test_other_schemes_and_credentials_are_refused(url):
    with pytest.raises(AddressRefused):
        check_url(url, allow_private=True)


def test_private_addresses_can_be_allowed_explicitly():
    check_url("http://127.0.0.1:8080/hook", allow_private=True)
