"""The coverage routes over the reference case: pages, JSON twins, CSVs, as_of and within."""

import csv
import io

import httpx
import pytest

from coercionwatch.analysis.coverage import coverage, report_json
from tests.helpers import import_files, write_json

from .conftest import serve_app
from .test_restricted import _leaks, planted  # noqa: F401 (a fixture)

AUGUST = "us-eo14203-2025-08-20"
FEBRUARY = "us-eo14203-2025-02-06"


def _rows(answer):
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(answer.text)))


def _without_day(data):
    """The layers are counted as of today: a test may straddle midnight, nothing else moves."""
    return {k: v for k, v in data.items() if k != "states"}


def test_the_pages_answer(client):
    overview = client.get("/coverage")
    assert overview.status_code == 200 and "<main" in overview.text
    assert f'href="/coverage/{AUGUST}"' in overview.text
    assert '<a href="/coverage" aria-current="page">Coverage</a>' in overview.text
    wave = client.get(f"/coverage/{AUGUST}")
    assert wave.status_code == 200 and "Every State Party" in wave.text
    assert 'class="chart chart-map"' in wave.text
    # Albanese's designation came by that day, not on it: its own wave, labelled so.
    alone = client.get(f"/coverage/{AUGUST}-designation-francesca-albanese")
    assert "by 20 Aug 2025: EO 14203 (United States), Francesca Albanese" in alone.text


def test_the_json_is_the_report_scripts_read(client, demo_store):
    api = client.get("/api/coverage").json()
    with demo_store.reading() as connection:
        expected = report_json(coverage(connection, public_only=True))
    assert _without_day(api) == _without_day(expected)
    assert {"id", "date", "imposer", "measures", "statesParties", "answered", "silent"} <= set(
        api["waves"][0]
    )
    one = client.get(f"/api/coverage/{AUGUST}").json()
    (wave,) = one["waves"]
    assert wave == next(w for w in api["waves"] if w["id"] == AUGUST)
    assert wave["answered"] == ["CA", "FR", "SN"]
    assert wave["statesParties"] == 125 and len(wave["silent"]) == 122
    assert {"code", "layers"} <= set(one["states"][0])


def test_the_csvs_are_what_the_pages_show(client):
    api = client.get("/api/coverage").json()
    overview = {r["wave"]: r for r in _rows(client.get("/coverage.csv"))}
    assert list(overview) == [w["id"] for w in api["waves"]]
    assert overview[AUGUST]["answered"] == "3" and overview[AUGUST]["silent"] == "122"
    timeline = {r["id"]: r for r in _rows(client.get("/coverage/timeline.csv"))}
    assert timeline[AUGUST]["answered"] == "3" and timeline[AUGUST]["parties"] == "125"
    heatmap = _rows(client.get("/coverage/heatmap.csv"))
    cells = {(r["wave_id"], r["group"]): r for r in heatmap}
    august = next(w for w in api["waves"] if w["id"] == AUGUST)
    for group, counted in august["byRegion"].items():
        cell = cells[AUGUST, group]
        assert (int(cell["parties"]), int(cell["answered"])) == (
            counted["parties"],
            counted["answered"],
        )
    states = {r["code"]: r for r in _rows(client.get(f"/coverage/{AUGUST}/states.csv"))}
    assert len(states) == 125
    assert {c for c, r in states.items() if r["answered_ever"] == "yes"} == {"CA", "FR", "SN"}
    shown = {r["code"]: r["status"] for r in _rows(client.get(f"/coverage/{AUGUST}/map.csv"))}
    assert {c for c, s in shown.items() if s == "answered"} == {"CA", "FR", "SN"}
    assert shown["US"] == "non-party" and shown["DE"] == "silent"


def test_as_of_and_within(client):
    early = client.get("/api/coverage", params={"as_of": "2025-03-01"}).json()
    assert early["asOf"] == "2025-03-01"
    assert all(w["date"] <= "2025-03-01" for w in early["waves"])
    assert AUGUST not in {w["id"] for w in early["waves"]}
    page = client.get(f"/coverage/{AUGUST}", params={"as_of": "2025-03-01"})
    assert page.status_code == 404  # the wave had not happened yet
    assert "began after 2025-03-01" in page.text
    week = client.get(f"/api/coverage/{FEBRUARY}", params={"within": "7"}).json()["waves"][0]
    ever = client.get(f"/api/coverage/{FEBRUARY}").json()["waves"][0]
    assert week["answered"] == ever["answeredWithin7"]
    html = client.get("/coverage", params={"within": "30"}).text
    assert "answered within 30 days" in html and 'href="/coverage.csv?within=30"' in html
    csv_week = _rows(client.get("/coverage.csv", params={"within": "7"}))
    assert {r["wave"]: r["answered"] for r in csv_week}[FEBRUARY] == str(len(week["answered"]))


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"as_of": "2025-13-01"}, "as_of"),
        ({"as_of": "2025-06"}, "as_of"),
        ({"within": "-1"}, "within"),
    ],
)
def test_bad_parameters_are_named(client, params, name):
    answer = client.get("/api/coverage", params=params)
    assert answer.status_code == 422 and answer.json()["error"][0]["loc"] == ["query", name]
    page = client.get("/coverage", params=params)
    assert page.status_code == 422 and f"The parameter &#39;{name}&#39;" in page.text


def test_an_unknown_parameter_is_refused_on_every_coverage_route(client):
    wave = client.get("/api/coverage").json()["waves"][0]["id"]
    for path in ("/api/coverage", f"/api/coverage/{wave}"):
        answer = client.get(path, params={"asof": "2025-06-01"})
        assert answer.status_code == 400, path
        assert answer.json()["error"][0]["allowed"] == ["as_of", "within"]
    for path in ("/coverage.csv", f"/coverage/{wave}/map.csv", f"/coverage/{wave}"):
        page = client.get(path, params={"asof": "2025-06-01"})
        assert page.status_code == 400, path
        assert "no parameter &#39;asof&#39;. It takes: as_of, within" in page.text, path
    assert client.get("/coverage?_=1").status_code == 200


def test_an_unknown_wave_is_a_404(client):
    page = client.get("/coverage/us-eo14203-1999-01-01")
    assert page.status_code == 404 and "<main" in page.text and "No wave" in page.text
    api = client.get("/api/coverage/us-eo14203-1999-01-01")
    assert api.status_code == 404 and "No wave" in api.json()["error"]
    assert client.get("/coverage/us-eo14203-1999-01-01/states.csv").status_code == 404


def test_a_state_page_shows_its_waves_and_layers(client):
    canada = client.get("/api/actor/canada").json()["coverage"]
    statuses = {w["id"]: w["status"] for w in canada["waves"]}
    assert statuses[AUGUST] == "answered" and statuses[FEBRUARY] == "answered"
    assert {x["layer"] for x in canada["layers"]} == {"legal", "reputational", "commercial"}
    html = client.get("/actor/canada").text
    assert "Answers and silences, wave by wave" in html and "Protection layers" in html


def test_the_static_site_has_the_same_pages_and_files(static_site, client):
    assert (static_site / "coverage" / "index.html").is_file()
    wave = static_site / "coverage" / AUGUST / "index.html"
    assert "Every State Party" in wave.read_text("utf-8")
    for path in ("coverage.csv", "coverage/timeline.csv", "coverage/heatmap.csv"):
        assert (static_site / path).read_text("utf-8") == client.get(f"/{path}").text, path
    for name in ("states.csv", "map.csv"):
        served = client.get(f"/coverage/{AUGUST}/{name}").text
        assert (static_site / "coverage" / AUGUST / name).read_text("utf-8") == served
    overview = (static_site / "coverage" / "index.html").read_text("utf-8")
    assert f'href="../coverage/{AUGUST}/index.html"' in overview
    assert 'href="../coverage.csv"' in overview


def test_no_coverage_route_shows_restricted_material(planted):  # noqa: F811
    """The planted records of test_restricted: a restricted measure and response, a public
    measure withheld for its restricted target, a response by a restricted actor."""
    for base in serve_app(planted):
        with httpx.Client(base_url=base, timeout=20) as client:
            waves = [w["id"] for w in client.get("/api/coverage").json()["waves"]]
            assert "us-threat-2026-01-01" not in waves  # lead-zz's, restricted
            assert "ru-threat-2025-12-01" not in waves  # m-witness-zz's, withheld
            paths = ["/coverage", "/api/coverage", "/coverage.csv", "/coverage/timeline.csv"]
            paths += ["/coverage/heatmap.csv", "/actor/france", "/api/actor/france"]
            for wave in waves:
                paths += [f"/coverage/{wave}", f"/api/coverage/{wave}"]
                paths += [f"/coverage/{wave}/states.csv", f"/coverage/{wave}/map.csv"]
            for path in paths:
                answer = client.get(path)
                assert answer.status_code == 200, path
                assert not _leaks(answer.text), (path, _leaks(answer.text))
            order = client.get("/api/coverage/us-eo14203-2025-02-06").json()["waves"][0]
            france = next(a for a in order["answers"] if a["code"] == "FR")
            assert "r-hidden-zz" not in france["responses"]
            assert "r-public" in france["responses"]


def test_a_write_is_seen_by_the_next_state_page(client, demo_store, tmp_path):
    def netherlands():
        waves = client.get("/api/actor/netherlands").json()["coverage"]["waves"]
        return {w["id"]: w["status"] for w in waves}[AUGUST]

    assert netherlands() == "silent"
    answer = {
        "kind": "response",
        "id": "netherlands-on-august",
        "actor": "netherlands",
        "date": "2025-08-25",
        "stance": "condemn",
        "forum": "national",
        "answers": [{"measure": "designation-kimberly-prost"}],
        "sources": ["seed-just-security-raising-the-cost"],
    }
    import_files(demo_store, write_json(tmp_path / "nl.json", answer))
    assert netherlands() == "answered"
    wave = client.get(f"/api/coverage/{AUGUST}").json()["waves"][0]
    assert "NL" in wave["answered"] and wave["hostState"]["answered"] is True
