"""Posting a watch report to a webhook, refusing addresses inside private networks.

A webhook URL is configuration a user may paste from anywhere; sending to loopback,
private, link-local or reserved addresses could reach services that should not be
reachable, so those are refused unless explicitly allowed (for local testing).
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Any
from urllib.parse import urlsplit

import httpx
import orjson


class WebhookRefused(ValueError):
    pass


def check_url(url: str, *, allow_private: bool = False) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise WebhookRefused(f"{url!r} is not an http(s) URL")
    if parts.username or parts.password:
        raise WebhookRefused("credentials in the URL are refused; use a token in the path")
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise WebhookRefused(f"cannot resolve {parts.hostname!r}: {exc.strerror}") from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not allow_private and not address.is_global:
            raise WebhookRefused(
                f"{parts.hostname} resolves to {address}, a private or reserved address "
                "(pass --allow-private-webhook to send there anyway)"
            )


def post_report(url: str, report: dict[str, Any], *, allow_private: bool = False) -> int:
    """POST the report as JSON; returns the HTTP status. Redirects are not followed."""
    check_url(url, allow_private=allow_private)
    response = httpx.post(
        url,
        content=orjson.dumps(report),
        timeout=15,
        follow_redirects=False,
        headers={"Content-Type": "application/json", "User-Agent": "coercionwatch-watch"},
    )
    response.raise_for_status()
    return response.status_code
