"""Which network addresses the project may reach: never loopback, private, link-local,
reserved or cloud-metadata ones, unless a person allows it for local work.

A URL is configuration or input a user may paste from anywhere (a webhook, a page to
capture, a snapshot to mirror); reaching an address inside the network could touch
services that should not be reachable. An IPv6 address that carries an IPv4 one (NAT64,
6to4, Teredo, IPv4-mapped or -compatible) reaches that IPv4 host, so the IPv4 address is
judged too. A client then connects only to the addresses checked, so that a second DNS
answer (rebinding) never counts.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
"""The well-known NAT64 prefix (RFC 6052): the last 32 bits are the IPv4 host reached."""
LOCAL_NAT64 = ipaddress.IPv6Network("64:ff9b:1::/48")
"""The local-use NAT64 prefix (RFC 8215): not globally reachable, and where the IPv4
address sits in it depends on the local translator, so none of it is allowed."""
IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")
"""Deprecated IPv4-compatible addresses (::a.b.c.d), which some stacks still route; :: and
::1 are the unspecified and loopback addresses, not IPv4 ones."""


class AddressRefused(ValueError):
    """The URL may not be reached: nothing was sent to it."""


def check_url(url: str, *, allow_private: bool = False) -> list[str]:
    """Every address the host resolves to, in resolution order, once all of them are allowed."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise AddressRefused(f"{url!r} is not an http(s) URL")
    if parts.username or parts.password:
        raise AddressRefused("credentials in the URL are refused; put them elsewhere")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except ValueError as exc:
        raise AddressRefused(f"{url!r} has a bad port: {exc}") from None
    except socket.gaierror as exc:
        raise AddressRefused(f"cannot resolve {parts.hostname!r}: {exc.strerror}") from None
    addresses = [ipaddress.ip_address(info[4][0]) for info in infos]
    for address in addresses:
        if not allow_private and not _public(address):
            carried = ", ".join(str(a) for a in _embedded_ipv4(address))
            shown = f"{address} (carrying {carried})" if carried else str(address)
            raise AddressRefused(
                f"{parts.hostname} resolves to {shown}, a private or reserved address"
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
