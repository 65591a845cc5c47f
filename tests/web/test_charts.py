"""The pictures inline in a page, in headless Chromium: named for a screen reader, clean for
axe-core, loading and running nothing under the site's policy, and drawn where they should be."""

import csv
import html
import shutil
from importlib.resources import files

import pytest
from axe_playwright_python.sync_playwright import Axe

from coercionwatch.publish.charts import (
    MapState,
    RegionCell,
    WavePoint,
    region_heatmap,
    wave_timeline,
    world_map,
)
from coercionwatch.publish.policy import PAGE_POLICY
from tests.conftest import SHARED

from .conftest import serve_folder
from .test_browser import NOTE_VIOLATIONS

pytestmark = pytest.mark.usefixtures("browser")


def _states() -> list[MapState]:
    """Every state of the reference table, with a status that cycles, some silent."""
    with (SHARED / "data" / "states" / "states.csv").open(encoding="utf-8") as f:
        table = list(csv.DictReader(f))
    statuses = ["answered", "silent", "non-party"]
    return [MapState(row["iso2"], row["name_en"], statuses[n % 3]) for n, row in enumerate(table)]


def _page(folder, states) -> None:
    waves = [
        WavePoint("w1", "2025-02-13", "First wave", 1, 125, 79),
        WavePoint("w2", "2025-08-20", "Second wave", 4, 125, 12),
    ]
    cells = [
        RegionCell(w.id, w.label, g, label, 25, 5 * n)
        for w in waves
        for n, (g, label) in enumerate([("african", "African States"), ("weog", "WEOG")])
    ]
    charts = [
        world_map(states, title="Answers to the second wave"),
        wave_timeline(waves, title="Waves"),
        region_heatmap(cells, title="By region"),
    ]
    figures = "".join(
        f"<figure>{c.svg}<figcaption>{html.escape(c.alt)}</figcaption></figure>" for c in charts
    )
    (folder / "index.html").write_text(
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f'<meta http-equiv="Content-Security-Policy" content="{html.escape(PAGE_POLICY)}">'
        "<meta name='viewport' content='width=device-width'>"
        "<link rel='stylesheet' href='style.css'><title>Pictures</title></head>"
        "<body><main><h1>Pictures</h1>"
        f"{figures}</main></body></html>",
        "utf-8",
    )
    shutil.copy(str(files("coercionwatch.publish") / "static" / "style.css"), folder)


def test_the_map_is_named_state_by_state_and_axe_finds_nothing(page, tmp_path):
    states = _states()
    _page(tmp_path, states)
    page.add_init_script(NOTE_VIOLATIONS)
    page.set_viewport_size({"width": 1100, "height": 900})
    for url in serve_folder(tmp_path):
        page.goto(f"{url}/index.html")
        page.wait_for_load_state("networkidle")
        labels = {"answered": "answered", "silent": "silent", "non-party": "not a State Party"}
        for state in states:
            mark = page.get_by_role("img", name=f"{state.name}: {labels[state.status]}", exact=True)
            assert mark.count() == 1, state.name
        # A microstate is a dot big enough to see and to point at; Tuvalu has only its dot.
        for name in ("Nauru", "Tuvalu", "San Marino", "Liechtenstein"):
            box = page.get_by_role("img", name=name).bounding_box()
            assert box["width"] >= 4 and box["height"] >= 4, name
        assert page.get_by_role("group", name="Answers to the second wave").count() == 1
        assert page.get_by_role("img", name="Waves").count() == 1
        report = Axe().run(page).response
        assert [(v["id"], v["impact"]) for v in report["violations"]] == []
        assert "svg-img-alt" in {rule["id"] for rule in report["passes"]}  # the states checked
        assert page.evaluate("window.__violations") == []  # no inline style, no script
        page.locator("svg.chart-map").screenshot(path=tmp_path / "map.png")
    assert (tmp_path / "map.png").stat().st_size > 10_000


def test_the_pictures_fit_a_phone(browser, tmp_path):
    _page(tmp_path, _states())
    context = browser.new_context(viewport={"width": 360, "height": 740})
    phone = context.new_page()
    for url in serve_folder(tmp_path):
        phone.goto(f"{url}/index.html")
        overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0
        box = phone.locator("svg.chart-map").bounding_box()
        assert box["width"] <= 360
        assert box["height"] == pytest.approx(box["width"] * 539 / 1000, rel=0.02)  # its shape
    context.close()
