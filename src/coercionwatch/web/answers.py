"""Answers kept between requests while the record stands still.

Every write moves the journal's head (`Store.journal_head`), and every public answer is a
function of the record at that head and of the day (statuses read "as of today"). So an
answer to a GET, stored under (head, day, path, query), stays right until the next write:
the request after a write misses and is computed from the database, and any number of
workers each keep their own copy without telling each other anything. The store of answers
is bounded in bytes, the least recently used dropped first, so it never grows with the
record. The head is one indexed query per request; a hit costs nothing else.

An answer also carries an ETag made of the same head and day, so a reader, a proxy or a
mirror asking again with `If-None-Match` gets a 304 without a body.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from cachetools import LRUCache
from starlette.types import ASGIApp, Message, Receive, Scope, Send

ANSWER_BYTES = 24 * 1024 * 1024
"""Bytes of answers kept per worker; an answer larger than a twentieth of it is not kept."""

UNCACHED_PREFIXES = ("/static/",)
"""Paths served from files, which Starlette already answers without the database."""


@dataclass(frozen=True)
class Answer:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes


class AnswerCache:
    """ASGI middleware: GETs answered from the answers kept at the current head."""

    def __init__(
        self, app: ASGIApp, head: Callable[[], str], *, max_bytes: int = ANSWER_BYTES
    ) -> None:
        self.app = app
        self.head = head
        self.max_bytes = max_bytes
        self.largest = max_bytes // 20
        self._answers: LRUCache[tuple[object, ...], Answer] = LRUCache(
            maxsize=max(max_bytes, 1), getsizeof=lambda a: len(a.body) + 256
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            self.max_bytes <= 0
            or scope["type"] != "http"
            or scope["method"] != "GET"
            or scope["path"].startswith(UNCACHED_PREFIXES)
        ):
            await self.app(scope, receive, send)
            return
        state = (self.head(), dt.datetime.now(dt.UTC).date().isoformat())
        tag = f'W/"{state[0]}-{state[1]}"'.encode()
        key = (*state, scope["path"], scope["query_string"])
        kept = self._answers.get(key)  # only the event loop's thread comes here
        if kept is not None:
            await self._send(kept, tag, scope, send)
            return
        await self.app(scope, receive, self._keeping(key, tag, send))

    def _keeping(self, key: tuple[object, ...], tag: bytes, send: Send) -> Send:
        """`send`, passing the answer on as it goes and keeping a copy of a whole 200 that
        fits; a streamed download larger than that is passed on and forgotten."""
        start: Message | None = None
        chunks: list[bytes] = []
        size = 0

        async def keep(message: Message) -> None:
            nonlocal start, size
            if message["type"] == "http.response.start":
                if message["status"] == 200:
                    start = message
                    message = {**message, "headers": [*message["headers"], (b"etag", tag)]}
            elif message["type"] == "http.response.body" and start is not None:
                body = message.get("body", b"")
                size += len(body)
                if size > self.largest:
                    start = None
                    chunks.clear()
                else:
                    chunks.append(body)
                    if not message.get("more_body", False):
                        answer = Answer(200, list(start["headers"]), b"".join(chunks))
                        self._answers[key] = answer
            await send(message)

        return keep

    async def _send(self, answer: Answer, tag: bytes, scope: Scope, send: Send) -> None:
        asked = dict(scope["headers"]).get(b"if-none-match")
        headers = [
            (name, value)
            for name, value in answer.headers
            if not (asked == tag and name == b"content-length")
        ]
        headers.append((b"etag", tag))
        if asked == tag:
            await send({"type": "http.response.start", "status": 304, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return
        await send({"type": "http.response.start", "status": answer.status, "headers": headers})
        await send({"type": "http.response.body", "body": answer.body})
