"""People's paths through the site, in headless Chromium: the server and the static copy."""

import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from coercionwatch.ingest import read_records
from coercionwatch.publish.site import build_site
from tests.helpers import write_json

from .conftest import SITE, serve_app, serve_folder

pytestmark = pytest.mark.usefixtures("browser")

MAIN_PAGES = [
    "",
    "incidents",
    "responses",
    "incident/eo-14203-designations-2025",
    "actors",
    "actor/kimberly-prost",
    "actor/canada",
    "measures",
    "timeline",
    "search",
    "data",
]


def _url(base: str, path: str, static: bool) -> str:
    if not static:
        return f"{base}/{path}"
    return f"{base}/{path}/index.html" if path else f"{base}/index.html"


@pytest.fixture(params=["server", "static"])
def site(request, demo_store):
    """(base URL, whether it is the static copy) for the reference case."""
    if request.param == "server":
        yield from ((url, False) for url in serve_app(demo_store))
        return
    yield from ((url, True) for url in serve_folder(request.getfixturevalue("static_site")))


def test_from_home_to_an_incident_and_its_citation(page, site):
    base, static = site
    page.goto(_url(base, "", static))
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Incidents").click()
    page.get_by_role("link", name=re.compile("Executive Order 14203")).first.click()
    heading = page.get_by_role("heading", level=1)
    assert "Executive Order 14203" in heading.inner_text()
    with page.expect_download() as download:
        page.get_by_role("link", name="BibTeX").click()
    content = Path(download.value.path()).read_text("utf-8")
    assert content.startswith("@misc{eo-14203-designations-2025,")


def test_facets_filters_and_pages(page, site):
    base, static = site
    if static:  # the static copy pages its lists; facets are counts, not links
        page.goto(_url(base, "actors", static))
        expect(page.get_by_role("status")).to_have_text("76 records")
        assert page.locator("table.records tbody tr").count() == 50
        page.get_by_role("link", name="Next page").click()
        assert page.locator("table.records tbody tr").count() == 26
        page.get_by_role("link", name="Previous page").click()
        assert page.locator("table.records tbody tr").count() == 50
        return
    page.goto(f"{base}/measures?size=10")
    expect(page.get_by_role("status")).to_contain_text("29 records")
    refine = page.get_by_role("complementary", name="Refine")
    refine.get_by_role("link", name="Sanctions designation", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("17 records")
    assert page.locator("table.records tbody tr").count() == 10
    expect(refine.get_by_role("link", name="Sanctions designation", exact=True)).to_have_attribute(
        "aria-current", "true"
    )
    page.get_by_role("link", name="Next page").click()
    assert page.locator("table.records tbody tr").count() == 7
    page.get_by_role("columnheader", name="Name").get_by_role("link").click()
    expect(page.get_by_role("columnheader", name="Name")).to_have_attribute(
        "aria-sort", "ascending"
    )
    page.get_by_role("link", name=re.compile("Remove the filter Type")).click()
    expect(page.get_by_role("status")).to_contain_text("29 records")
    page.goto(f"{base}/incidents")
    page.get_by_label("From").fill("2025-12-01")
    page.get_by_label("To").fill("2025-12-31")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("status")).to_contain_text("3 records")


def test_searching(page, site):
    base, static = site
    page.goto(_url(base, "search", static))
    if static:
        page.locator(".pagefind-ui__search-input").fill("paralysing")
        result = page.locator(".pagefind-ui__result-link").first
    else:
        page.get_by_label("Words to find").fill("paralysing")
        page.get_by_role("button", name="Search").click()
        result = page.locator("ol.results a").first
    result.wait_for()
    assert "Kimberly Prost" in result.inner_text()
    result.click()
    assert "Kimberly Prost" in page.get_by_role("heading", level=1).inner_text()


def test_main_pages_have_no_serious_accessibility_violations(page, site):
    base, static = site
    axe = Axe()
    for path in MAIN_PAGES:
        page.goto(_url(base, path, static))
        if static and path == "search":
            page.locator(".pagefind-ui__search-input").wait_for()
        violations = axe.run(page).response["violations"]
        serious = [
            (v["id"], v["impact"]) for v in violations if v["impact"] in ("serious", "critical")
        ]
        assert serious == [], (path, serious)


def test_keyboard_users_can_skip_to_content_and_see_focus(page, site):
    base, static = site
    page.goto(_url(base, "incidents", static))
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert skip.bounding_box()["x"] >= 0
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_readable_on_a_phone(browser, site):
    base, static = site
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2)
    phone = context.new_page()
    for path in ("", "incident/eo-14203-designations-2025", "actor/kimberly-prost", "timeline"):
        phone.goto(_url(base, path, static))
        overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, (path, overflow)
    context.close()


NOTE_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.effectiveDirective} ${event.blockedURI}`);
});
"""

INJECT = """([image]) => {
  const img = document.createElement("img");
  img.src = image;
  document.body.append(img);
  const script = document.createElement("script");
  script.textContent = "window.__ran = true";
  document.body.append(script);
}"""


def test_main_pages_break_no_policy_and_the_policy_holds(page, site, tracker):
    base, static = site
    page.add_init_script(NOTE_VIOLATIONS)
    refused: list[str] = []
    page.on(
        "console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None
    )
    for path in [*MAIN_PAGES, *([] if static else ["api/docs"])]:
        page.goto(_url(base, path, static))
        if path == "api/docs":
            page.locator(".opblock").first.wait_for()
        if static and path == "search":  # Pagefind: its worker, WebAssembly and index
            page.locator(".pagefind-ui__search-input").fill("paralysing")
            page.locator(".pagefind-ui__result-link").first.wait_for()
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.__violations") == [], path
    assert refused == []
    # Markup that got into a page some other way still loads nothing and runs nothing.
    page.evaluate(INJECT, [f"{tracker.url}/pixel.gif"])
    page.wait_for_function("window.__violations.length >= 2", timeout=5_000)
    assert sorted(v.split()[0] for v in page.evaluate("window.__violations")) == [
        "img-src",
        "script-src-elem",
    ]
    assert page.evaluate("window.__ran === undefined")
    assert tracker.requests == []


def test_a_record_body_makes_no_browser_fetch_from_another_host(
    page, demo_store, tmp_path, tracker
):
    host = tracker.url.removeprefix("http:")
    body = (
        f'<p>Text</p><img src="{tracker.url}/img.gif" alt="">'
        f'<img srcset="{host}/srcset.gif 2x" alt="">'
        f'<picture><source srcset="{tracker.url}/source.gif"><img src="{host}/p.gif"></picture>'
        f'<video poster="{tracker.url}/poster.gif" src="{host}/v.mp4"></video>'
        f'<iframe src="{tracker.url}/frame"></iframe><object data="{host}/object"></object>'
        f'<p style="background: url({tracker.url}/style.gif)">styled</p>'
        f'<a href="{tracker.url}/report">the report</a>'
    )
    planted = {
        "kind": "incident",
        "slug": "planted-body",
        "title": "Planted body",
        "date": "2025-01-01",
        "summary": "A body that would call another host.",
        "category": "cyber",
        "severity": "limited",
        "posture": "alleged",
        "contentHtml": body,
    }
    demo_store.import_records(read_records([write_json(tmp_path / "i.json", planted)]), author="t")
    build_site(demo_store, tmp_path / "site", site=SITE, search_index=False)
    page.add_init_script(NOTE_VIOLATIONS)

    def read_the_incident(base: str, static: bool) -> None:
        page.goto(_url(base, "incident/planted-body", static))
        page.wait_for_load_state("networkidle")
        link = page.get_by_role("link", name="the report")
        assert link.get_attribute("href") == f"{tracker.url}/report"
        # Nothing was left for the policy to refuse: the cleaning removed it all.
        assert page.evaluate("window.__violations") == [], static

    for url in serve_app(demo_store):
        read_the_incident(url, static=False)
    for url in serve_folder(tmp_path / "site"):
        read_the_incident(url, static=True)
    assert tracker.requests == []
