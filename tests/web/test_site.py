"""The static site: complete, self-contained, and linked only relatively."""

import csv
import json
import multiprocessing
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from coercionwatch.ingest import read_records
from coercionwatch.publish import site
from coercionwatch.publish.policy import PAGE_POLICY, STATIC_SEARCH_POLICY
from coercionwatch.publish.site import build_site
from coercionwatch.store import reader
from tests.helpers import write_json

from .conftest import SITE


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value and name in ("href", "src"):
                self.links.append((tag, value))


def _page_links(path: Path) -> list[tuple[str, str]]:
    parser = _Links()
    parser.feed(path.read_text("utf-8"))
    return parser.links


def test_every_internal_link_resolves_to_a_file(static_site: Path):
    pages = list(static_site.rglob("*.html"))
    assert len(pages) > 190
    checked = 0
    for page in pages:
        base = page.relative_to(static_site).as_posix()
        for tag, link in _page_links(page):
            if urlsplit(link).scheme in ("http", "https", "mailto"):
                assert tag == "a", (base, link)  # only links out, never a fetched resource
                continue
            assert not link.startswith("/"), (base, link)
            target = urlsplit(urljoin(f"http://x/{base}", link)).path.lstrip("/")
            assert (static_site / target).is_file(), (base, link)
            checked += 1
    assert checked > 4000


def test_nothing_is_fetched_from_another_host(static_site: Path):
    for path in [*static_site.rglob("*.html"), *static_site.rglob("*.css")]:
        text = path.read_text("utf-8")
        assert not re.search(r"""(src|@import|url\()\s*=?\s*["']?(https?:)?//""", text), path


def test_records_downloads_feed_sitemap_and_citations(static_site: Path):
    envelope = json.loads(
        (static_site / "incident" / "eo-14203-designations-2025.json").read_text()
    )
    assert envelope["record"]["url"] == f"{SITE}/incident/eo-14203-designations-2025"
    assert json.loads((static_site / "actor" / "kimberly-prost.json").read_text())["id"] == (
        "kimberly-prost"
    )
    for fmt in ("bib", "ris", "csl.json"):
        assert (
            (static_site / "incident" / "eo-14203-designations-2025" / f"citation.{fmt}")
            .stat()
            .st_size
        )
    package = json.loads((static_site / "data" / "datapackage.json").read_text())
    for resource in package["resources"]:
        assert (static_site / "data" / resource["path"]).is_file()
    assert (static_site / "feed.atom").read_text().count("<entry>") == 50
    sitemap = (static_site / "sitemap.xml").read_text()
    assert f"<loc>{SITE}/actor/kimberly-prost/index.html</loc>" in sitemap
    assert (static_site / "pagefind" / "pagefind-ui.js").is_file()
    assert (static_site / "404.html").is_file()


def test_a_rebuild_replaces_the_site_whole(demo_store, tmp_path):
    folder = tmp_path / "site"
    build_site(demo_store, folder, site=SITE, search_index=False)
    (folder / "stale.html").write_text("old")
    summary = build_site(demo_store, folder, site=SITE, search_index=False)
    assert not (folder / "stale.html").exists()
    assert summary.pages == len(list(folder.rglob("index.html")))
    assert not list(tmp_path.glob(".site.*"))


class _Head(HTMLParser):
    """The <meta> tags of a page, whatever comes before the first one that loads anything,
    and whether any script is written into the page itself."""

    def __init__(self) -> None:
        super().__init__()
        self.metas_before_loading: list[dict[str, str | None]] = []
        self.loading = False
        self.inline_scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "meta" and not self.loading:
            self.metas_before_loading.append(attributes)
        if tag in ("link", "script", "img", "style"):
            self.loading = True
        if tag == "script" and "src" not in attributes:
            self.inline_scripts += 1


def test_every_page_carries_the_policy_before_it_loads_anything(static_site: Path):
    pages = list(static_site.rglob("*.html"))
    for page in pages:
        head = _Head()
        head.feed(page.read_text("utf-8"))
        metas = {
            m.get("http-equiv") or m.get("name"): m.get("content")
            for m in head.metas_before_loading
        }
        search = page.relative_to(static_site).as_posix() == "search/index.html"
        expected = STATIC_SEARCH_POLICY if search else PAGE_POLICY
        assert metas["Content-Security-Policy"] == expected, page
        assert metas["referrer"] == "no-referrer", page
        assert head.inline_scripts == 0, page
    assert "'wasm-unsafe-eval'" in STATIC_SEARCH_POLICY and "frame-ancestors" not in PAGE_POLICY


def test_the_static_csv_runs_no_formula(demo_store, tmp_path):
    planted = {"kind": "provision", "id": "planted", "instrument": "=1+1", "summary": "-2+3"}
    demo_store.import_records(read_records([write_json(tmp_path / "p.json", planted)]), author="t")
    folder = tmp_path / "site"
    build_site(demo_store, folder, site=SITE, search_index=False)
    with (folder / "data" / "provision.csv").open(newline="", encoding="utf-8") as stream:
        row = next(row for row in csv.DictReader(stream) if row["id"] == "planted")
    assert (row["instrument"], row["summary"]) == ("'=1+1", "'-2+3")


def _pages(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes() for path in folder.rglob("index.html")}


def test_pages_written_by_several_processes_are_the_pages_one_writes(demo_store, tmp_path):
    alone = build_site(demo_store, tmp_path / "one", site=SITE, search_index=False, workers=1)
    shared = build_site(demo_store, tmp_path / "three", site=SITE, search_index=False, workers=3)
    assert shared.pages == alone.pages
    assert _pages(tmp_path / "three") == _pages(tmp_path / "one")
    assert len(_pages(tmp_path / "one")) == alone.pages


def test_a_process_that_finds_the_record_moved_writes_no_page(demo_store, tmp_path):
    location = demo_store.engine.url.render_as_string(hide_password=False)
    with demo_store.reading() as connection:
        head = reader.journal_head(connection)
    out = tmp_path / "pages"
    out.mkdir()
    site._share_with(multiprocessing.Array("q", 2))
    assert site._build_share(location, str(out), SITE, head + 1) is None
    assert not any(out.iterdir())
    shared = site._build_share(location, str(out), SITE, head)
    assert shared is not None
    written, _ = shared
    assert written and written == len(list(out.rglob("index.html")))
