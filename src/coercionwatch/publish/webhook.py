"""Posting a watch report to a webhook, only ever to addresses the model's guard allowed
(`model.addresses`): a second DNS answer (rebinding) never counts."""

from __future__ import annotations

from typing import Any

import orjson

from coercionwatch.model.addresses import check_url


class WebhookFailed(RuntimeError):
    """The webhook could not be reached, or did not accept the report."""


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
