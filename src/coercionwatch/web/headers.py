"""Headers on every answer of the web app: what a page may load, no sniffing, no referrer."""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from coercionwatch.publish.policy import (
    PAGE_DIRECTIVES,
    REFERRER_POLICY,
    WIDGET_DIRECTIVES,
    policy,
)

SERVER_POLICY = policy({**PAGE_DIRECTIVES, "frame-ancestors": "'none'"})
"""The site's policy, and no framing by other sites (a header can say so, a <meta> cannot)."""

DOCS_POLICY = policy({**WIDGET_DIRECTIVES, "frame-ancestors": "'none'"})
"""/api/docs runs Swagger UI, served from here: its icons are data: images."""

SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": SERVER_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": REFERRER_POLICY,
}


class SecurityHeaders:
    """Adds `SECURITY_HEADERS` to every response that does not set its own. Plain ASGI, so
    it sees 404s, 422s and static files alike and leaves streamed bodies alone."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)
