"""The coverage pages in headless Chromium, on the server and in the static copy: reached
from the menu, every state on the map named, axe-core clean, nothing refused by the
site's policy, readable on a phone."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from .test_browser import NOTE_VIOLATIONS, _url, site  # noqa: F401 (a fixture)

pytestmark = pytest.mark.usefixtures("browser")

AUGUST = "us-eo14203-2025-08-20"
LABELS = {"answered": "answered", "silent": "silent", "non-party": "not a State Party"}


def _clean(page, path):
    violations = Axe().run(page).response["violations"]
    assert [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in violations
    ] == [], path


def test_from_the_menu_to_a_wave_and_its_map(page, site):  # noqa: F811
    base, static = site
    page.add_init_script(NOTE_VIOLATIONS)
    page.goto(_url(base, "", static))
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Coverage").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Who answered"
    assert page.get_by_role("img", name="Share of States Parties that answered").count() == 1
    _clean(page, "coverage")
    page.get_by_role("link", name="20 Aug 2025: EO 14203 (United States)", exact=True).click()
    assert "EO 14203" in page.get_by_role("heading", level=1).inner_text()
    page.wait_for_load_state("networkidle")
    marks = page.locator("svg.chart-map g.state")
    names = marks.evaluate_all("gs => gs.map(g => g.getAttribute('aria-label'))")
    assert len(names) > 190 and all(names)
    for name in ("Canada: answered", "Germany: silent", "United States: not a State Party"):
        assert page.get_by_role("img", name=name, exact=True).count() == 1, name
    group = page.get_by_role("group", name="Who answered: 20 Aug 2025: EO 14203 (United States)")
    assert group.count() == 1
    assert page.get_by_role("heading", name="Silent (122)").count() == 1
    _clean(page, AUGUST)
    assert page.evaluate("window.__violations") == []


def test_every_state_on_the_map_has_an_accessible_name(page, site):  # noqa: F811
    base, static = site
    page.goto(_url(base, f"coverage/{AUGUST}", static))
    marks = page.locator("svg.chart-map g.state")
    codes = marks.evaluate_all("gs => gs.map(g => g.dataset.code)")
    statuses = marks.evaluate_all("gs => gs.map(g => g.classList[1])")
    named = page.locator("svg.chart-map g.state[role='img']")
    assert named.count() == len(codes)
    # What a screen reader is told is what the map CSV says of each state.
    for code, status in zip(codes, statuses, strict=True):
        name = page.locator(f"svg.chart-map g.state[data-code='{code}']").get_attribute(
            "aria-label"
        )
        assert name and name.split(": ")[1].startswith(LABELS[status]), code


def test_coverage_pages_fit_a_phone(browser, site):  # noqa: F811
    base, static = site
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2)
    phone = context.new_page()
    for path in ("coverage", f"coverage/{AUGUST}", "actor/canada"):
        phone.goto(_url(base, path, static))
        overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, (path, overflow)
    context.close()
