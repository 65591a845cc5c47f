"""The static site: the same pages as the server, as plain files any host can serve.

Built into a staging folder beside the target and swapped in at the end, so a failed build
never leaves a half-written site. Links are relative; nothing is fetched from other hosts.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from functools import partial
from importlib.resources import as_file, files
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import orjson
from sqlalchemy.engine import Connection

from coercionwatch.analysis.coverage import keep_counted_waves
from coercionwatch.model import KINDS, Incident, Record, native_record
from coercionwatch.store import Store, log, reader
from coercionwatch.store.listing import Listing, listed

from .bulk import (
    everything_chunks,
    replace_folder,
    unreplaceable,
    write_atomically,
    write_kind_files,
)
from .citations import FORMATS as CITATION_FORMATS
from .citations import citation_file
from .datapackage import datapackage
from .feed import atom_feed
from .links import SECTIONS, Links, page_depth
from .pages import Page
from .pages.actors import ACTOR_READS, actor_page
from .pages.coverage import coverage_index, coverage_overview, coverage_pages
from .pages.data import EVERYTHING, data_page
from .pages.home import home_page
from .pages.incident import INCIDENT_READS, incident_page, incident_record
from .pages.lists import PAGE_SIZE, list_page
from .pages.records import record_page, referrer_reads
from .pages.search import error_page, search_page
from .pages.timeline import timeline, timeline_page
from .proofs import record_proof
from .render import render
from .seed import dumps_envelope, seed_envelope
from .sitemap import sitemap_files
from .tiles import write_tiles
from .view import Known, ListAnswer, PublicView, Reads


@dataclass
class SiteSummary:
    pages: int
    files: int
    render_seconds: float
    index_seconds: float


PAGES_PER_VIEW = 64
"""Record pages written from one view, which reads ahead for all of them at once; dropping
it after a few dozen keeps memory flat however large the record."""

READS: dict[str, Reads] = {"actor": ACTOR_READS, "incident": INCIDENT_READS}
"""What each kind's page lists of the records pointing at it, where it is not what
`referrer_reads` gives."""


Group = Callable[[], Iterator[Page]]
"""Pages written together by one process: a list's pages (each links to the next), a few
dozen record pages read ahead at once, a few dozen coverage waves."""

WAVES_PER_GROUP = 32
"""Coverage wave pages written by one process at a time."""

LOADED_BYTES = 16 << 20
"""Validated records each process building the site keeps (`reader.loaded_up_to`), by the
size of their JSON: four times the server's, as a build reads each record many times over.
The whole of a 10,000-record archive (13 MiB of JSON) fits; at 100,000 records it costs
about 48 MiB more a process than the server's 4 MiB, and the build stays under 300 MiB."""


class Pages:
    """Each page of the site as it is built, all from one transaction, whose withheld keys
    are therefore read once, and whose views share what they learn (`view.Known`)."""

    def __init__(self, connection: Connection, site: str) -> None:
        self.connection = connection
        self.site = site
        self.withheld = frozenset(reader.withheld_keys(connection))
        self.known = Known()

    def view(self) -> PublicView:
        return PublicView(self.connection, self.withheld, self.known.bounded())

    def __iter__(self) -> Iterator[Page]:
        return self.walk()

    def walk(self, claim: Callable[[int], bool] | None = None) -> Iterator[Page]:
        """Every page, group by group; with `claim`, only the groups this process claims by
        their number: the processes building one site walk the same groups in the same
        order, and the first to reach one builds it."""
        for number, group in enumerate(self.groups(), 1):
            if claim is None or claim(number):
                yield from group()

    def groups(self) -> Iterator[Group]:
        """The front pages (home, data, search, lists, timeline), each shown record's page,
        then the coverage pages: last, as how many groups they make is known only once the
        waves are indexed, which every process does for its states' pages anyway. Each
        group of waves is counted by the process that claims it."""
        yield self.fixed
        for kind, section in SECTIONS.items():
            yield partial(self.paged, section, listed(kind, size=PAGE_SIZE), list_page)
        yield partial(self.paged, "timeline", timeline(size=PAGE_SIZE), timeline_page)
        for kind in KINDS:
            for record_ids in reader.shown_ids(self.connection, kind, PAGES_PER_VIEW):
                yield partial(self.records, kind, record_ids)
        waves = coverage_index(self.view()).entries
        yield partial(coverage_overview, self.view())
        for start in range(0, len(waves), WAVES_PER_GROUP):
            yield partial(coverage_pages, self.view(), waves[start : start + WAVES_PER_GROUP])

    def fixed(self) -> Iterator[Page]:
        yield home_page(self.view())
        yield data_page(self.view())
        yield search_page(self.view(), None)

    def records(self, kind: str, record_ids: list[str]) -> Iterator[Page]:
        """These records' pages, from one view that reads ahead for all of them."""
        view = self.view()
        view.read_ahead(kind, record_ids, READS.get(kind) or referrer_reads(kind))
        for record_id in record_ids:
            page = self.record_page(view, kind, record_id)
            if page is not None:
                yield page

    def record_page(self, view: PublicView, kind: str, record_id: str) -> Page | None:
        if kind == "incident":
            return incident_page(view, record_id, self.site)
        if kind == "actor":
            return actor_page(view, record_id)
        return record_page(view, kind, record_id)

    def paged(
        self,
        section: str,
        listing: Listing,
        build: Callable[[PublicView, Listing, ListAnswer], Page],
    ) -> Iterator[Page]:
        """A list's pages: `section/`, then `section/page/2/`… linked to each other, each
        with the count and facets of the whole list, counted once."""
        whole = self.view().list(listing)
        number = 1
        while True:
            page = build(self.view(), listing, whole)
            if number > 1:
                page.path = f"{section}/page/{number}"
                page.data["previousPage"] = (
                    section if number == 2 else f"{section}/page/{number - 1}"
                )
            after = page.data.get("next")
            if after:
                page.data["nextPage"] = f"{section}/page/{number + 1}"
            yield page
            if not after:
                return
            listing = replace(listing, after=after)
            number += 1


def _write_page(folder: Path, page: Page) -> None:
    links = Links(static=True, depth=page_depth(page.path))
    _write(
        folder / page.path / "index.html" if page.path else folder / "index.html",
        render(page, links),
    )
    for path, data in page.files.items():
        _write(folder / path, data)


SHARED_FROM = 2_000
"""Shown records from which pages are built by several processes: below it, starting
them costs more than it saves."""

_shared: Any = None
"""In each process building the site: the number after the last group of pages claimed
by any of them, and how many pages the other processes have written."""


def _share_with(shared: Any) -> None:
    global _shared
    _shared = shared


def _claim(group: int) -> bool:
    """Take a group of pages unless a process has taken a later one (and so has
    passed this one: it was taken, by whoever reached it first)."""
    with _shared.get_lock():
        if _shared[0] > group:
            return False
        _shared[0] = group + 1
        return True


def _build_share(location: str, folder: str, site: str, head: int) -> tuple[int, int] | None:
    """Write the groups of pages this process claims, from the same state of the record as
    the build that asked for them, or write nothing and say so (None) if the record has
    moved since: every write moves the journal's head. Returns how many pages it wrote, and
    how many files beside them."""
    with (
        reader.loaded_up_to(LOADED_BYTES),
        Store.open(location, create=False) as store,
        store.reading() as connection,
        connection.begin(),
    ):
        if reader.journal_head(connection) != head:
            return None
        written = beside = 0
        for page in Pages(connection, site).walk(_claim):
            _write_page(Path(folder), page)
            written += 1
            beside += len(page.files)
            if written % 100 == 0:
                with _shared.get_lock():
                    _shared[1] += 100
        return written, beside


_made: Path | None = None
"""The folder this process last wrote into: files are mostly written a folder at a time
(a wave's page and its CSVs, each kind's JSON), and a folder known to exist is not made
again."""


def _write(path: Path, data: bytes | str) -> None:
    global _made
    if path.parent != _made:
        path.parent.mkdir(parents=True, exist_ok=True)
        _made = path.parent
    with open(path, "wb") as stream:
        stream.write(data.encode("utf-8") if isinstance(data, str) else data)


def _record_files(pages: Pages, site: str) -> Iterator[tuple[str, bytes | str]]:
    """Each shown record's files, a view a group: what a view learns (names, titles,
    referrers) is dropped with it, so memory stays flat however large the record."""
    for kind in KINDS:
        for record_ids in reader.shown_ids(pages.connection, kind, PAGES_PER_VIEW):
            view = pages.view()
            found = view.many([(kind, record_id) for record_id in record_ids])
            yield from _files_of(view, [found[k] for k in sorted(found)], site)


def _files_of(
    view: PublicView, shown: list[Record], site: str
) -> Iterator[tuple[str, bytes | str]]:
    for record in shown:
        if isinstance(record, Incident):
            updates = view.incident_updates(record)
            yield (
                f"incident/{record.id}.json",
                dumps_envelope(seed_envelope(record, updates, site=site)),
            )
            seed = incident_record(record, view, site)
            for fmt in CITATION_FORMATS:
                yield f"incident/{record.id}/citation.{fmt}", citation_file(seed, fmt)
        else:
            yield f"{record.kind}/{record.id}.json", orjson.dumps(native_record(record))
        proof = record_proof(view, record.kind, record.id)
        if proof is not None:
            yield f"{record.kind}/{record.id}.tlog-proof", proof.text()


SITE_MARK = ".coercionwatch-site"
"""Left in every site built here, so that a rebuild replaces only a folder that it made."""


class SiteRefused(ValueError):
    """The folder given is not one the site may be written over: nothing was written."""


def check_target(directory: Path) -> None:
    """Refuse to replace a file, or a folder with things in it that no build left there."""
    reason = unreplaceable(directory, SITE_MARK, "site build")
    if reason is not None:
        raise SiteRefused(reason)


def site_address(url: str) -> str:
    """The address the site will be published at, checked: it goes into every citation, the
    feed, the sitemap and the data package, so a typing slip there travels far."""
    parsed = urlsplit(url.strip())
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise ValueError(f"{url!r} is not a web address such as https://example.org/record")
    if parsed.query or parsed.fragment:
        raise ValueError(f"{url!r} has a query or fragment; give the site's address alone")
    return url.strip().rstrip("/")


def build_site(
    store: Store,
    directory: Path,
    *,
    site: str,
    search_index: bool = True,
    progress: Callable[[int], None] | None = None,
    workers: int | None = None,
) -> SiteSummary:
    """Write the whole public site to `directory`, replacing what was there. Record pages
    are built by `workers` processes (default: one per core, for a large record)."""
    import time

    directory = directory.resolve()
    check_target(directory)
    directory.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{directory.name}.", dir=directory.parent))
    global _made
    _made = None  # a folder of an earlier build, perhaps removed since
    try:
        started = time.perf_counter()
        with reader.loaded_up_to(LOADED_BYTES):
            with store.reading() as connection:
                keep_counted_waves(connection)
            # One transaction: every page is of the same state of the record, even if a
            # write lands during the build.
            with store.reading() as connection, connection.begin():
                pages, others = _write_pages(store, connection, staging, site, workers, progress)
                rendered = time.perf_counter() - started
                others += _write_files(connection, staging, site)
        _write(staging / "404.html", render(error_page(404, "No page here."), Links(static=True)))
        _write(
            staging / SITE_MARK, b"Built by coercionwatch site; a rebuild replaces this folder.\n"
        )
        _write(staging / "data" / "datapackage.json", orjson.dumps(datapackage(site)))
        with as_file(files("coercionwatch.publish") / "static") as assets:
            shutil.copytree(assets, staging / "static")
        others += 3 + len(list((staging / "static").iterdir()))  # 404, mark, data package
        started = time.perf_counter()
        if search_index:
            index_for_search(staging)
        indexed = time.perf_counter() - started
        replace_folder(staging, directory)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return SiteSummary(pages, pages + others, rendered, indexed)


def _write_files(connection: Connection, staging: Path, site: str) -> int:
    """What the site holds beside its pages, of the same state of the record: each shown
    record's files, each kind's, the log's tiles, the feed, the sitemaps. Returns how many."""
    view = PublicView(connection)
    written = 0
    for path, data in _record_files(Pages(connection, site), site):
        _write(staging / path, data)
        written += 1
    written += len(write_kind_files(view, staging / "data", site=site))
    signed = log.latest_checkpoint(connection)
    if signed is not None:
        written += write_tiles(connection, staging / "log", signed.note)
    write_atomically(staging / EVERYTHING, everything_chunks(view))
    _write(staging / "feed.atom", atom_feed(view, site))
    written += 2
    for name, content in sitemap_files(view, site, suffix="/index.html"):
        _write(staging / name, content)
        written += 1
    return written


def _write_pages(
    store: Store,
    connection: Connection,
    staging: Path,
    site: str,
    workers: int | None,
    progress: Callable[[int], None] | None,
) -> tuple[int, int]:
    """Every page: this process and `workers - 1` others each claim groups of pages (the
    front pages' first) until none are left. A process that finds the record moved on
    claims none. Returns how many pages were written, and how many files beside them (the
    front pages' CSVs)."""
    pages = Pages(connection, site)
    if workers is None:
        large = sum(reader.count(connection).values()) >= SHARED_FROM
        workers = min(os.cpu_count() or 1, 4) if large else 1
    location = store.engine.url
    if location.get_backend_name() == "sqlite" and location.database in (None, "", ":memory:"):
        workers = 1  # another process cannot open a database held in this one's memory
    head = reader.journal_head(connection)
    spawn = multiprocessing.get_context("spawn")
    shared = spawn.Array("q", 2)
    _share_with(shared)
    written = beside = 0

    def write(page: Page) -> None:
        nonlocal written, beside
        _write_page(staging, page)
        written += 1
        beside += len(page.files)
        if progress and written % 100 == 0:
            progress(written + shared[1])

    if workers == 1:
        for page in pages.walk():
            write(page)
        return written, beside
    with ProcessPoolExecutor(workers - 1, spawn, _share_with, (shared,)) as pool:
        others = [
            pool.submit(
                _build_share,
                location.render_as_string(hide_password=False),
                str(staging),
                site,
                head,
            )
            for _ in range(workers - 1)
        ]
        for page in pages.walk(_claim):
            write(page)
        for future in others:
            done = future.result()
            if done is not None:
                written += done[0]
                beside += done[1]
    return written, beside


def index_for_search(folder: Path) -> None:
    """Pagefind's full-text index, written into the site as plain files."""
    subprocess.run(
        [sys.executable, "-m", "pagefind", "--site", str(folder), "--quiet"],
        check=True,
        capture_output=True,
    )
