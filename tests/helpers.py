"""Small builders shared by tests: records as plain dicts, files written from them."""

from __future__ import annotations

import http.server
import json
import os
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from typer.testing import CliRunner, Result

from coercionwatch.cli import output
from coercionwatch.cli.app import app
from coercionwatch.ingest import read_records
from coercionwatch.store import ImportSummary, Store

TERMINAL = (80, 25)
"""The terminal (columns, lines) the tests run the program at, whatever terminal, if any,
runs the tests."""


def at_terminal(columns: int, lines: int) -> None:
    """Give the program's Rich consoles this size. They are made once, at import, and keep
    the size the environment gave then when it gave both COLUMNS and LINES: a pytest-xdist
    worker does (80 by 24, which GNU readline sets in pytest's process and the workers
    inherit), so a COLUMNS given to one run in this process would go unseen. Without the
    two, Rich asks the terminal, if any, on every run."""
    for console in (output.console, output.errors):
        console.size = (columns, lines)


def run_program(args: list[str], env: dict[str, str] | None = None) -> Result:
    """Run the program in this process, as typed at a terminal of TERMINAL's size, or of
    the COLUMNS (and LINES) in `env`; the consoles are given back TERMINAL's size after."""
    env = {"COLUMNS": str(TERMINAL[0]), "LINES": str(TERMINAL[1]), **(env or {})}
    at_terminal(int(env["COLUMNS"]), int(env["LINES"]))
    try:
        return CliRunner().invoke(app, args, env=env, catch_exceptions=False)
    finally:
        at_terminal(*TERMINAL)


def actor(record_id: str, **fields: Any) -> dict[str, Any]:
    return {"kind": "actor", "id": record_id, "name": record_id.title(), "type": "person", **fields}


def measure(record_id: str, target: str, imposer: str = "usa", **fields: Any) -> dict[str, Any]:
    return {
        "kind": "measure",
        "id": record_id,
        "type": "designation",
        "imposer": imposer,
        "target": target,
        "date": "2025-08-20",
        **fields,
    }


def write_json(path: Path, value: Any) -> Path:
    path.write_text(json.dumps(value, ensure_ascii=False), "utf-8")
    return path


def write_lines(path: Path, values: list[Any]) -> Path:
    path.write_text("".join(json.dumps(v) + "\n" for v in values), "utf-8")
    return path


def import_files(store: Store, *paths: Path, reason: str | None = None) -> ImportSummary:
    return store.import_records(read_records(list(paths)), author="tester", reason=reason)


def write_records(store: Store, *records: dict[str, Any]) -> ImportSummary:
    """Records given as plain dicts, imported as one batch (no file in between)."""
    from coercionwatch.ingest import Incoming
    from coercionwatch.model import Location, load_record

    incoming = [
        Incoming(load_record(r["kind"], {k: v for k, v in r.items() if k != "kind"}), Location("t"))
        for r in records
    ]
    return store.import_records(incoming, author="tester", reason="test")


def basic_records() -> list[dict[str, Any]]:
    return [
        actor("usa", type="state", name="United States", country="US"),
        actor("prost", nationality=["CA"]),
        measure("m-prost", "prost"),
    ]


class Posted(NamedTuple):
    """One request a test webhook received."""

    host: str
    content_type: str
    body: Any


@dataclass
class Webhook:
    port: int
    received: list[Posted]


@contextmanager
def webhook_server(status: int = 204, tls: ssl.SSLContext | None = None) -> Iterator[Webhook]:
    """A real webhook on 127.0.0.1 (HTTPS with `tls`) that answers `status` to every POST."""
    received: list[Posted] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            received.append(Posted(self.headers["Host"], self.headers["Content-Type"], body))
            self.send_response(status)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield Webhook(server.server_address[1], received)
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def never_blocking(fifo: Path) -> Iterator[None]:
    """Should the code under test open this FIFO after all (opening one to read waits for a
    writer), give it an end of file, so that the test fails instead of hanging."""
    done = threading.Event()

    def release() -> None:
        while not done.wait(0.2):
            try:
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
            except OSError:  # no reader yet
                continue

    thread = threading.Thread(target=release, daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()
