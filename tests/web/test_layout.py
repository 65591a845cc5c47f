"""How pages sit on a screen, in headless Chromium: filter forms on a desktop and a phone, the
site's icon and titles, the static search started from its address, the API docs offline,
and the list components (facets, pager, sortable table) that the stylesheet lays out."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from importlib.resources import as_file, files
from itertools import combinations
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, Route, expect

from coercionwatch.ingest import read_records
from coercionwatch.publish.site import build_site
from coercionwatch.reference import reference_files
from coercionwatch.store import Store

from .conftest import SITE, serve_app, serve_folder

pytestmark = pytest.mark.usefixtures("browser")

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}
FILTER_PAGES = ["incidents", "timeline", "measures"]
CONTROLS = "form.filters :is(input, select, button)"
BOXES = """elements => elements
  .filter(element => element.getClientRects().length > 0)
  .map(element => {
    const box = element.getBoundingClientRect();
    return {name: element.name || element.textContent.trim(), top: box.top, bottom: box.bottom,
            left: box.left, right: box.right};
  })"""
Box = dict[str, Any]


@pytest.fixture(scope="module")
def reference_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """The reference case in SQLite: layout does not depend on the backend."""
    with Store.open(str(tmp_path_factory.mktemp("db") / "record.db")) as store:
        store.import_records(read_records(reference_files()), author="test")
        yield store


@pytest.fixture(scope="module")
def app_url(reference_store: Store) -> Iterator[str]:
    yield from serve_app(reference_store)


@pytest.fixture(scope="module")
def site_url(reference_store: Store, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("site") / "site"
    build_site(reference_store, folder, site=SITE)
    yield from serve_folder(folder)


@pytest.fixture(params=["server", "static"])
def where(request: pytest.FixtureRequest) -> tuple[str, bool]:
    """(base URL, whether it is the static copy): both lay pages out with one stylesheet."""
    static = request.param == "static"
    return request.getfixturevalue("site_url" if static else "app_url"), static


def _url(where: tuple[str, bool], path: str, query: str = "") -> str:
    base, static = where
    if not static:
        return f"{base}/{path}{query}"
    return (f"{base}/{path}/index.html" if path else f"{base}/index.html") + query


def _boxes(page: Page, selector: str) -> list[Box]:
    return page.locator(selector).evaluate_all(BOXES)


def _rows(boxes: list[Box]) -> list[list[Box]]:
    """Controls grouped into the rows they appear in: a control starting above the foot of
    a row's first control belongs to that row."""
    rows: list[list[Box]] = []
    for box in sorted(boxes, key=lambda box: (box["top"], box["left"])):
        if rows and box["top"] < rows[-1][0]["bottom"]:
            rows[-1].append(box)
        else:
            rows.append([box])
    return rows


def _overlap(a: Box, b: Box) -> bool:
    return min(a["right"], b["right"]) - max(a["left"], b["left"]) > 0.5 and (
        min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > 0.5
    )


def _horizontal_overflow(page: Page) -> float:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.parametrize("path", FILTER_PAGES)
def test_filter_controls_line_up_on_a_desktop(browser, where, path):
    if where[1]:
        pytest.skip("the static copy pages its lists but filters only through its search")
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.goto(_url(where, path))
    form = page.locator("form.filters").bounding_box()
    boxes = _boxes(page, CONTROLS)
    heights = {round(box["bottom"] - box["top"]) for box in boxes}
    assert len(heights) == 1, heights  # the button as tall as the fields it sits beside
    for row in _rows(boxes):
        assert max(b["top"] for b in row) - min(b["top"] for b in row) < 1, row
        assert max(b["bottom"] for b in row) - min(b["bottom"] for b in row) < 1, row
    assert len(_rows(boxes)) < len(boxes)  # the controls share rows: a desktop is wide
    for box in boxes:
        assert form["x"] <= box["left"] and box["right"] <= form["x"] + form["width"], box
    context.close()


@pytest.mark.parametrize("path", [*FILTER_PAGES, ""])
def test_forms_fit_a_phone(browser, where, path):
    if where[1] and path:
        pytest.skip("the static copy pages its lists but filters only through its search")
    context = browser.new_context(viewport=PHONE, device_scale_factor=2)
    page = context.new_page()
    page.goto(_url(where, path))
    parts = _boxes(page, "main form :is(label, input, select, button)")
    assert parts
    for a, b in combinations(parts, 2):
        assert not _overlap(a, b), (a, b)
    for part in parts:
        assert part["left"] >= 0 and part["right"] <= PHONE["width"], part
    assert _horizontal_overflow(page) <= 0
    context.close()


def test_every_page_names_an_icon_that_loads(page, where):
    for path in ("", "incidents", "incident/eo-14203-designations-2025", "search"):
        page.goto(_url(where, path))
        icon = page.locator('link[rel="icon"]').evaluate("link => link.href")
        answer = page.request.get(icon)
        assert answer.status == 200, (path, icon)
        assert answer.headers["content-type"].startswith("image/svg+xml")
        assert "<svg" in answer.text()


def test_titles_name_the_site_once(page, where):
    page.goto(_url(where, ""))
    assert page.title() == "Coercion Watch"
    assert page.get_by_role("heading", level=1).inner_text() == "Coercion Watch"
    page.goto(_url(where, "incidents"))
    assert page.title() == "Incidents · Coercion Watch"


def test_searching_from_the_home_page(page, where):
    _, static = where
    page.goto(_url(where, ""))
    page.get_by_label("Search the record").fill("paralysing")
    page.get_by_role("button", name="Search").click()
    if static:
        expect(page.locator(".pagefind-ui__search-input")).to_have_value("paralysing")
        result = page.locator(".pagefind-ui__result-link").first
    else:
        result = page.locator("ol.results a").first
    expect(result).to_contain_text("Kimberly Prost")


def test_static_search_runs_the_words_in_its_address_and_keeps_them_there(page, site_url):
    page.goto(f"{site_url}/search/index.html?q=paralysing")
    box = page.locator(".pagefind-ui__search-input")
    expect(box).to_have_value("paralysing")
    expect(page.locator(".pagefind-ui__result-link").first).to_contain_text("Kimberly Prost")
    box.fill("ultimatum")
    expect(page).to_have_url(re.compile(r"/search/index\.html\?q=ultimatum$"))
    expect(page.locator(".pagefind-ui__result-link").first).to_contain_text("ultimatum")
    box.fill("")
    expect(page).to_have_url(re.compile(r"/search/index\.html$"))


def test_api_docs_show_the_operations_with_no_other_host(page, app_url):
    elsewhere: list[str] = []

    def only_here(route: Route) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    page.route("**/*", only_here)
    page.goto(f"{app_url}/api/docs")
    operation = page.locator(".opblock-summary-path", has_text=re.compile(r"^/api/search$"))
    expect(operation.first).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert elsewhere == []


LISTING = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Measures · Coercion Watch</title><link rel="stylesheet" href="static/style.css"></head>
<body><main id="main"><h1>Measures</h1>
<div class="listing">
<aside class="facets" aria-label="Refine">
  <section><h2>Type</h2><ul>
    <li><a href="?type=designation" aria-current="true">Sanctions designation</a>
      <span class="n">17</span></li>
    <li><a href="?type=visa">Visa denial</a> <span class="n">3</span></li>
  </ul></section>
  <section><h2>Status</h2><ul>
    <li><a href="?status=in-force">In force</a> <span class="n">20</span></li>
    <li><a href="?status=lifted">Lifted</a> <span class="n">9</span></li>
  </ul></section>
</aside>
<div class="results">
<table class="records"><caption>Measures</caption>
<thead><tr><th scope="col" aria-sort="descending"><a href="?sort=date">Date</a></th>
<th scope="col" aria-sort="none"><a href="?sort=name">Name</a></th>
<th scope="col" aria-sort="none"><a href="?sort=type">Type</a></th>
<th scope="col" aria-sort="none"><a href="?sort=nationality">Nationality</a></th>
<th scope="col" aria-sort="none"><a href="?sort=status">Status</a></th></tr></thead>
<tbody><tr><td>19 December 2025</td><td><a href="#m1">Visa denial: Nazhat Shameem Khan</a></td>
<td>Visa denial</td><td>Fiji</td><td>In force</td></tr>
<tr><td>5 June 2025</td><td><a href="#m2">Sanctions designation: Kimberly Prost</a></td>
<td>Sanctions designation</td><td>Canada</td><td>In force</td></tr></tbody></table>
<nav class="pager" aria-label="Pages"><a rel="prev" href="?page=1">Previous page</a>
<a rel="next" href="?page=3">Next page</a></nav>
</div></div></main></body></html>
"""


@pytest.fixture(scope="module")
def listing_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A list page as the list templates write one, over the stylesheet the site ships."""
    folder = tmp_path_factory.mktemp("listing")
    with as_file(files("coercionwatch.publish") / "static") as assets:
        shutil.copytree(assets, folder / "static")
    (folder / "index.html").write_text(LISTING, "utf-8")
    yield from serve_folder(Path(folder))


def _box(page: Page, selector: str) -> Box:
    return _boxes(page, selector)[0]


def test_facets_sit_beside_the_results_on_a_desktop_and_above_them_on_a_phone(browser, listing_url):
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.goto(f"{listing_url}/index.html")
    facets, results = _box(page, "aside.facets"), _box(page, "div.results")
    assert facets["right"] <= results["left"]
    assert abs(facets["top"] - results["top"]) < 1
    prev, next_ = _box(page, ".pager a[rel=prev]"), _box(page, ".pager a[rel=next]")
    assert abs(next_["right"] - results["right"]) < 1  # forward at the right, back at the left
    assert abs(prev["left"] - results["left"]) < 1
    context.close()

    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(f"{listing_url}/index.html")
    facets, results = _box(page, "aside.facets"), _box(page, "div.results")
    assert facets["bottom"] <= results["top"]
    assert _horizontal_overflow(page) <= 0
    assert _box(page, "table.records")["right"] <= PHONE["width"]
    context.close()


def test_sort_arrows_are_seen_but_not_read(page, listing_url):
    page.goto(f"{listing_url}/index.html")
    arrows = page.locator("table.records th a").evaluate_all(
        "links => links.map(link => getComputedStyle(link, '::after').content)"
    )
    assert arrows[0] == '"▼" / ""'  # the current order; aria-sort says it to screen readers
    assert set(arrows[1:]) == {'"↕" / ""'}
    assert page.get_by_role("link", name="Date", exact=True).count() == 1


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_list_components_have_no_serious_accessibility_violations(browser, listing_url, viewport):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.goto(f"{listing_url}/index.html")
    violations = Axe().run(page).response["violations"]
    assert [v["id"] for v in violations if v["impact"] in ("serious", "critical")] == []
    context.close()
