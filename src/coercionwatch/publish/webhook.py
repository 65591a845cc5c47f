"""Posting a watch report to a webhook, refusing addresses inside private networks.

A webhook URL is configuration a user may paste from anywhere; sending to loopback,
private, link-local or reserved addresses could reach services that should not be
reachable, so those are refused unless explicitly allowed (for local testing). The post
goes only to addresses that were checked: a second DNS answer (rebinding) never counts.
An IPv6 address that carries an IPv4 one (NAT64, 6to4, Teredo, IPv4-mapped or -compatible)
reaches that IPv4 host, so the IPv4 address is judged too.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Any
from urllib.parse import urlsplit

import orjson

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
"""The well-known NAT64 prefix (RFC 6052): the last 32 bits are the IPv4 host reached."""
LOCAL_NAT64 = ipaddress.IPv6Network("64:ff9b:1::/48")
"""The local-use NAT64 prefix (RFC 8215): not globally reachable, and where the IPv4
address sits in it depends on the local translator, so none of it is allowed."""
IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")
"""Deprecated IPv4-compatible addresses (::a.b.c.d), which some stacks still route; :: and
::1 are the unspecified and loopback addresses, not IPv4 ones."""


class WebhookRefused(ValueError):
    """The URL may not be posted to: nothing was sent."""


class WebhookFailed(RuntimeError):
    """The webhook could not be reached, or did not accept the report."""


def check_url(url: str, *, allow_private: bool = False) -> list[str]:
    """Every address the host resolves to, in resolution order, once all of them are allowed."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise WebhookRefused(f"{url!r} is not an http(s) URL")
    if parts.username or parts.password:
        raise WebhookRefused("credentials in the URL are refused; use a token in the path")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except ValueError as exc:
        raise WebhookRefused(f"{url!r} has a bad port: {exc}") from None
    except socket.gaierror as exc:
        raise WebhookRefused(f"cannot resolve {parts.hostname!r}: {exc.strerror}") from None
    addresses = [ipaddress.ip_address(info[4][0]) for info in infos]
    for address in addresses:
        if not allow_private and not _public(address):
            carried = ", ".join(str(a) for a in _embedded_ipv4(address))
            shown = f"{address} (carrying {carried})" if carried else str(address)
            raise WebhookRefused(
                f"{parts.hostname} resolves to {shown}, a private or reserved address "
                "(pass --allow-private-webhook to send there anyway)"
            )
    return list(dict.fromkeys(str(address) for address in addresses))


def _public(address: IPAddress) -> bool:
    """Whether the address, and every IPv4 address it carries, is reachable on the Internet."""
    if address in LOCAL_NAT64:
        return False
    return all(a.is_global for a in (address, *_embedded_ipv4(address)))


def _embedded_ipv4(address: IPAddress) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address stands for: a connection to it ends up there."""
    if isinstance(address, ipaddress.IPv4Address):
        return []
    if address.ipv4_mapped is not None:
        return [address.ipv4_mapped]
    if address.sixtofour is not None:
        return [address.sixtofour]
    if address.teredo is not None:
        return list(address.teredo)
    if address in NAT64 or (address in IPV4_COMPATIBLE and int(address) > 1):
        return [ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)]
    return []


def post_report(url: str, report: dict[str, Any], *, allow_private: bool = False) -> int:
    """POST the report as JSON to the URL's checked addresses; returns the HTTP status."""
    return deliver(url, check_url(url, allow_private=allow_private), orjson.dumps(report))


def deliver(url: str, addresses: list[str], body: bytes) -> int:
    """POST to the first of these addresses that takes the connection, as an ordinary
    connect tries a name's addresses in turn, but never to one that was not checked.

    The Host header and TLS server name stay the URL's own, so virtual hosts and
    certificate checks work as usual. Redirects are not followed.
    """
    import httpx  # here, not at the top: most watches post nothing, and it costs 60 ms

    target = httpx.URL(url)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "coercionwatch-watch",
        "Host": target.host if target.port is None else f"{target.host}:{target.port}",
    }
    extensions = {"sni_hostname": target.host} if target.scheme == "https" else {}
    unreachable: list[str] = []
    with httpx.Client(timeout=15, follow_redirects=False) as client:
        for address in addresses:
            try:
                response = client.post(
                    target.copy_with(host=address),
                    content=body,
                    headers=headers,
                    extensions=extensions,
                )
            except httpx.ConnectError as exc:
                unreachable.append(f"{address}: {exc}")
                continue
            except httpx.HTTPError as exc:
                raise WebhookFailed(f"could not post to {url}: {exc}") from None
            if not response.is_success:
                raise WebhookFailed(
                    f"{url} answered {response.status_code} {response.reason_phrase}"
                )
            return response.status_code
    raise WebhookFailed(f"could not post to {url}: {'; '.join(unreachable)}")
