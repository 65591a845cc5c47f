"""The coverage pages on the small case of tests/analysis/test_coverage.py, whose figures
are worked out by hand there: the pages show those figures, list the silent states, and
neither count nor name a restricted response."""

import csv
import io

import pytest

from coercionwatch.publish.links import Links
from coercionwatch.publish.pages.actors import actor_page
from coercionwatch.publish.pages.coverage import (
    coverage_index,
    coverage_overview,
    coverage_pages,
    map_chart,
    overview_csv,
    overview_page,
    read_coverage,
    states_csv,
    wave_page,
)
from coercionwatch.publish.render import render
from coercionwatch.publish.view import PublicView
from tests.analysis.test_coverage import CASE, SRC
from tests.helpers import import_files, write_lines

A, B, C = "us-eo14203-2024-12-20", "us-eo14203-2025-01-02", "us-eo14203-2026-07-01"

LATER = {  # after 2 June 2026, when Hungary's withdrawal is disputed
    "kind": "measure",
    "id": "m-c",
    "type": "designation",
    "imposer": "united-states",
    "target": "judge-b",
    "date": "2026-07-01",
    "program": "ICC-EO14203",
    "sources": SRC,
}


@pytest.fixture
def case(store, tmp_path):
    import_files(store, write_lines(tmp_path / "case.jsonl", [*CASE, LATER]))
    with store.reading() as connection, connection.begin():
        yield PublicView(connection)


def _by_id(view, **options):
    report = read_coverage(view, **options)
    return report, {item.wave.id: item for item in report.waves}


def _csv(text):
    return list(csv.DictReader(io.StringIO(text)))


def test_the_overview_gives_each_wave_the_hand_counted_figures(case):
    report, _ = _by_id(case)
    page = overview_page(case, report)
    rows = {w["wave"]: w for w in page.data["waves"]}
    assert list(rows) == [A, B, C]
    a = rows[A]
    # 124 parties on 20 December 2024; Canada, and Kenya and Japan through the joint r2.
    assert (a["states_parties"], a["answered"], a["silent"]) == (124, 3, 121)
    assert (a["answered_within_7"], a["answered_within_30"]) == (1, 3)
    assert (a["first_answer_days"], a["first_cross_regional_days"]) == (2, 21)
    assert a["sharePercent"] == "2%"
    regions = {r["group"]: (r["answered"], r["parties"]) for r in a["byRegion"]}
    assert regions["eastern-european"] == (0, 19)  # without Ukraine, not yet a party
    assert regions["asia-pacific"] == (1, 19)
    # Kenya's r5 is restricted: wave B was answered by the Netherlands alone.
    assert (rows[B]["states_parties"], rows[B]["answered"], rows[B]["silent"]) == (125, 1, 124)
    table = {r["wave"]: r for r in _csv(overview_csv(report))}
    assert table[A]["answered"] == "3" and table[A]["share"] == str(round(3 / 124, 4))
    assert table[B]["silent"] == "124"
    html = render(page, Links())
    assert "chart-timeline" in html and "chart-heatmap" in html
    assert f'href="/coverage/{A}"' in html


def test_a_wave_page_lists_every_party_its_answers_and_the_silent(case):
    report, waves = _by_id(case)
    page = wave_page(case, report, waves[A])
    data = page.data
    states = {s["code"]: s for s in data["states"]}
    assert len(states) == 124 and "UA" not in states  # not a party on that day
    ca, jp = states["CA"], states["JP"]
    assert (ca["within7"], ca["within30"], ca["ever"], ca["days"]) == (True, True, True, 2)
    assert [r["id"] for r in ca["responses"]] == ["r1"]
    assert ca["channels"] == ["Statement"] and ca["leans"] == ["Against the measures"]
    assert (jp["within7"], jp["within30"]) == (False, True)
    assert jp["forums"] == ["UN in New York"] and jp["responses"][0]["id"] == "r2"
    silent = [s["code"] for s in data["silent"]]
    assert len(silent) == 121 and "NL" in silent and "CA" not in silent
    assert data["firstCrossRegional"]["id"] == "r2" and data["firstCrossRegionalDays"] == 21
    (joint,) = data["reportedCounts"]  # 40 reported, Kenya and Japan named
    assert (joint["response"]["id"], joint["memberCount"], joint["named"]) == ("r2", 40, 2)
    assert data["nationality"][0]["code"] == "KE" and data["nationality"][0]["answered"]
    assert data["hostState"]["code"] == "NL" and not data["hostState"]["answered"]
    steps = {s["id"]: s for s in data["checklist"]}
    assert steps["un-new-york"]["done"] and [b["id"] for b in steps["un-new-york"]["by"]] == ["r2"]
    assert not steps["host-state"]["done"]
    rows = {r["code"]: r for r in _csv(states_csv(waves[A], report))}
    assert len(rows) == 124
    assert rows["CA"]["answered_within_7"] == "yes" and rows["CA"]["responses"] == "r1"
    assert rows["JP"]["answered_within_7"] == "no" and rows["JP"]["answered_within_30"] == "yes"
    assert rows["NL"]["answered_ever"] == "no"
    colours = {r["code"]: r["status"] for r in _csv(map_chart(waves[A], report, case).csv)}
    assert colours["CA"] == colours["JP"] == colours["KE"] == "answered"
    assert colours["NL"] == "silent" and colours["UA"] == colours["US"] == "non-party"
    assert sum(1 for s in colours.values() if s == "answered") == 3
    html = render(page, Links())
    assert "Every State Party" in html and "Silent (121)" in html
    assert 'aria-label="Canada: answered"' in html
    assert 'aria-label="Netherlands: silent"' in html


def test_a_restricted_response_is_neither_counted_nor_shown(case):
    report, waves = _by_id(case)
    b = waves[B]
    page = wave_page(case, report, b)
    assert page.data["answered"] == 1
    assert "KE" in {s["code"] for s in page.data["silent"]}
    html = render(page, Links())
    assert "r5" not in html
    rows = {r["code"]: r for r in _csv(states_csv(b, report))}
    assert rows["KE"]["answered_ever"] == "no" and "r5" not in states_csv(b, report)
    assert {r["code"]: r["status"] for r in _csv(map_chart(b, report, case).csv)}["KE"] == "silent"
    kenya = actor_page(case, "kenya").data["coverage"]
    statuses = {w["id"]: w["status"] for w in kenya["waves"]}
    assert statuses == {A: "answered", B: "silent", C: "silent"}
    for built in _built(case):
        assert "r5" not in render(built, Links(static=True, depth=2)), built.path
        for path, text in built.files.items():
            assert "r5" not in text, path


def _built(view: PublicView) -> list:
    """The coverage pages as a site build writes them: the overview, then every wave."""
    return [*coverage_overview(view), *coverage_pages(view, coverage_index(view).entries)]


def test_each_page_of_a_build_carries_the_csvs_of_what_it_shows(case, monkeypatch):
    import coercionwatch.publish.pages.coverage as pages

    report, waves = _by_id(case)
    drawn = []
    draw = pages.world_map
    monkeypatch.setattr(pages, "world_map", lambda *a, **k: drawn.append(a) or draw(*a, **k))
    built = {page.path: page for page in _built(case)}
    assert len(drawn) == len(waves)  # each wave's map drawn once, for its page and its CSV
    assert built["coverage"].files["coverage.csv"] == overview_csv(report)
    for wave_id, item in waves.items():
        files = built[f"coverage/{wave_id}"].files
        assert files[f"coverage/{wave_id}/states.csv"] == states_csv(item, report)
        assert files[f"coverage/{wave_id}/map.csv"] == map_chart(item, report, case).csv


def test_as_of_and_within_change_what_answered_means(case):
    report, waves = _by_id(case, within=7)
    assert waves[A].answered == ["CA"]
    page = wave_page(case, report, waves[A])
    assert page.data["answeredPhrase"] == "answered within 7 days"
    assert page.data["query"] == "?within=7"
    assert "Within 7 days</th>" in render(page, Links())
    report, waves = _by_id(case, as_of="2024-12-31")
    assert list(waves) == [A] and waves[A].answered == ["CA"]


def test_counts_after_june_2026_say_hungary_s_withdrawal_is_disputed(case):
    report, waves = _by_id(case)
    later = wave_page(case, report, waves[C]).data
    assert later["disputes"] and "Hungary" in later["disputes"][0]
    assert "HU" in {s["code"] for s in later["states"]}
    assert wave_page(case, report, waves[A]).data["disputes"] == []
    assert "Disputed:" in render(overview_page(case, report), Links())
    note = {r["code"]: r["note"] for r in _csv(map_chart(waves[C], report, case).csv)}["HU"]
    assert note == "membership disputed"


def test_a_state_page_shows_its_answers_per_wave_and_its_layers(case):
    canada = actor_page(case, "canada").data["coverage"]
    waves = {w["id"]: w for w in canada["waves"]}
    assert waves[A]["status"] == "answered" and waves[A]["days"] == 2
    assert [r["id"] for r in waves[A]["responses"]] == ["r1"]
    assert waves[B]["status"] == "silent"
    assert (canada["answered"], canada["silent"]) == (1, 2)
    layers = {x["layer"]: x for x in canada["layers"]}
    assert layers["commercial"]["status"] == "proposed"
    assert [c["id"] for c in layers["commercial"]["by"]] == ["c2"]
    assert layers["reputational"]["status"] == "present"
    assert layers["reputational"]["channels"] == ["Statement"]
    assert canada["gaps"] == ["Legal"]
    ukraine = actor_page(case, "ukraine").data["coverage"]
    assert {w["id"]: w["status"] for w in ukraine["waves"]}[A] == "non-party"
    usa = actor_page(case, "united-states").data["coverage"]
    assert {w["status"] for w in usa["waves"]} == {"non-party"}
    assert [x["status"] for x in usa["layers"]] == ["absent", "absent", "absent"]
    html = render(actor_page(case, "canada"), Links())
    assert "Answers and silences, wave by wave" in html and "Protection layers" in html
    assert actor_page(case, "judge-a").data.get("coverage") is None


def test_the_heat_map_keeps_to_the_latest_waves(case, monkeypatch):
    import coercionwatch.publish.pages.coverage as pages

    report, _ = _by_id(case)
    monkeypatch.setattr(pages, "HEATMAP_WAVES", 2)
    chart = pages.heatmap_chart(report, case)
    assert {r["wave_id"] for r in _csv(chart.csv)} == {B, C}
    assert "the latest 2 waves" in chart.alt
    assert {r["id"] for r in _csv(pages.timeline_chart(report, case).csv)} == {A, B, C}
