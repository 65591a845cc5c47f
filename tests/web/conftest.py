"""Real servers on 127.0.0.1: the web app under Uvicorn, and a plain file server for the
static site. Browser tests use Debian's Chromium through Playwright."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from coercionwatch.ingest import read_records
from coercionwatch.publish.site import build_site
from coercionwatch.reference import reference_files
from coercionwatch.store import Store
from coercionwatch.web import create_app
from tests.conftest import DatabaseTemplate, postgres_schema

SITE = "https://coercion.test"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_socket() -> socket.socket:
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


def import_reference_case(database: str) -> None:
    with Store.open(database) as store:
        store.import_records(read_records(reference_files()), author="test")


@pytest.fixture(scope="session")
def reference_case(tmp_path_factory: pytest.TempPathFactory) -> DatabaseTemplate:
    return DatabaseTemplate(tmp_path_factory.mktemp("reference-case"), import_reference_case)


@pytest.fixture
def demo_store(database: str, reference_case: DatabaseTemplate) -> Iterator[Store]:
    """The reference case as `import` leaves it, in this test's own database."""
    reference_case.copy_to(database)
    with Store.open(database) as store:
        yield store


def serve_app(store: Store) -> Iterator[str]:
    yield from serve(create_app(store, site=SITE))


def serve(app: FastAPI) -> Iterator[str]:
    """One app under Uvicorn on a free port, in a thread of this process."""
    sock = _free_socket()
    config = uvicorn.Config(app, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        yield url
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


@pytest.fixture
def server(demo_store: Store) -> Iterator[str]:
    """The web app over the reference case, on a free port."""
    yield from serve_app(demo_store)


@pytest.fixture
def client(server: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server, timeout=20) as http:
        yield http


def serve_folder(folder: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


class _Tracker(http.server.BaseHTTPRequestHandler):
    """Another host, as a reader's browser sees it: it answers every request and notes it."""

    requests: list[str]

    def do_GET(self) -> None:
        self.requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/gif")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@dataclass
class Tracker:
    url: str
    requests: list[str]


@pytest.fixture
def tracker() -> Iterator[Tracker]:
    """A server on another port of 127.0.0.1, which makes it another origin to the browser."""
    requests: list[str] = []
    handler = type("Handler", (_Tracker,), {"requests": requests})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield Tracker(f"http://127.0.0.1:{httpd.server_address[1]}", requests)
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="session")
def reference_sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The static site of the reference case, built once a backend (`static_site`)."""
    return {}


@pytest.fixture
def static_site(
    database: str,
    reference_case: DatabaseTemplate,
    reference_sites: dict[str, Path],
    tmp_path_factory: pytest.TempPathFactory,
    tmp_path: Path,
) -> Path:
    """The static site of the reference case, this test's own copy: built once a backend
    from a copy of the reference case of its own (about 5 s on PostgreSQL), copied here."""
    backend = "postgresql" if "://" in database else "sqlite"
    if backend not in reference_sites:
        built = tmp_path_factory.mktemp(f"site-{backend}") / "site"
        with _another_database(database, tmp_path_factory) as location:
            reference_case.copy_to(location)
            with Store.open(location) as store:
                build_site(store, built, site=SITE)
        reference_sites[backend] = built
    folder = tmp_path / "site"
    shutil.copytree(reference_sites[backend], folder)
    return folder


@contextmanager
def _another_database(like: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if "://" in like:
        with postgres_schema("site") as location:
            yield location
    else:
        yield str(tmp_path_factory.mktemp("site-db") / "record.db")


@pytest.fixture
def static_server(static_site: Path) -> Iterator[str]:
    yield from serve_folder(static_site)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail("Chromium is required in CI but is not installed")
        pytest.skip("Chromium not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(accept_downloads=True)
    opened = context.new_page()
    opened.set_default_timeout(15_000)
    yield opened
    context.close()
