import json

import pytest

from coercionwatch.ingest import read_records
from tests.helpers import write_json

PAGES = [
    "/",
    "/incidents",
    "/incident/eo-14203-designations-2025",
    "/actors",
    "/actor/kimberly-prost",
    "/actor/france",
    "/measures",
    "/measure/designation-kimberly-prost",
    "/responses",
    "/response/france-august-2025",
    "/countermeasures",
    "/countermeasure/smith-v-trump",
    "/provisions",
    "/provision/rome-statute-art-70",
    "/sources",
    "/source/seed-slaw-attacks-against-the-icc",
    "/timeline",
    "/data",
    "/search?q=sanctions",
]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_and_its_api_twin(client, path):
    page = client.get(path)
    assert page.status_code == 200, path
    assert page.headers["content-type"].startswith("text/html")
    assert "<main" in page.text
    api = client.get("/api" + (path if path != "/" else ""))
    assert api.status_code == 200 and isinstance(api.json(), dict)


def test_a_person_page_lists_measures_and_the_answers_to_them(client):
    data = client.get("/api/actor/kimberly-prost").json()
    assert [m["id"] for m in data["measuresAgainst"]] == ["designation-kimberly-prost"]
    answering = {r["id"] for r in data["responsesToThose"]}
    assert {"canada-september-2025", "france-august-2025", "prost-on-her-designation"} <= answering


def test_a_state_page_lists_imposed_said_and_protections(client):
    usa = client.get("/api/actor/united-states").json()
    assert "designation-kimberly-prost" in {m["id"] for m in usa["measuresImposed"]}
    canada = client.get("/api/actor/canada").json()
    assert {r["id"] for r in canada["statements"]} == {
        "canada-september-2025",
        "canada-at-asp-december-2025",
    }
    assert canada["protectionsInForce"] == []
    assert "canada-fema-order" in {c["id"] for c in canada["otherCountermeasures"]}


def test_incident_filters(client):
    everything = client.get("/api/incidents").json()
    assert everything["total"] == len(everything["incidents"]) == 8
    cyber = client.get("/api/incidents", params={"category": "cyber"}).json()
    assert [i["id"] for i in cyber["incidents"]] == ["cyberattacks-on-the-icc"]
    concluded = client.get("/api/incidents", params={"ongoing": "false"}).json()
    assert all(not i["ongoing"] for i in concluded["incidents"]) and concluded["incidents"]
    dated = client.get("/api/incidents", params={"from": "2025-12", "to": "2025-12"}).json()
    assert {i["id"] for i in dated["incidents"]} == {
        "icc-ultimatum-december-2025",
        "visa-denial-deputy-prosecutor-2025",
        "russia-retaliation-against-icc-officials",
    }
    words = client.get("/api/incidents", params={"q": "Darfur"}).json()
    assert [i["id"] for i in words["incidents"]] == ["visa-denial-deputy-prosecutor-2025"]
    empty = client.get("/api/incidents", params={"category": "", "from": ""}).json()
    assert len(empty["incidents"]) == 8


def test_timeline_filters(client):
    measures = client.get("/api/timeline", params={"kind": "measure", "from": "2025-08"}).json()
    assert measures["events"] and all(e["kind"] == "measure" for e in measures["events"])
    assert all(e["date"] >= "2025-08" for e in measures["events"])
    dates = [e["date"] for e in client.get("/api/timeline").json()["events"]]
    assert dates == sorted(dates, reverse=True)


def test_seed_envelope_and_citations(client, demo_store):
    envelope = client.get("/incident/eo-14203-designations-2025.json").json()
    assert envelope["site"] == "https://coercion.test"
    record = envelope["record"]
    assert record["url"] == "https://coercion.test/incident/eo-14203-designations-2025"
    bib = client.get("/incident/eo-14203-designations-2025/citation.bib")
    assert bib.headers["content-type"] == "application/x-bibtex"
    assert bib.text.startswith("@misc{eo-14203-designations-2025,")
    assert "url = {https://coercion.test/incident/eo-14203-designations-2025}" in bib.text
    ris = client.get("/incident/eo-14203-designations-2025/citation.ris").text
    assert ris.startswith("TY  - ELEC\n") and ris.endswith("ER  - \n")
    csl = client.get("/incident/eo-14203-designations-2025/citation.csl.json").json()
    assert csl[0]["issued"] == {"date-parts": [[2025, 2, 6]]}
    page = client.get("/api/incident/eo-14203-designations-2025").json()
    assert page["citations"]["text"] == record["citation"]


def test_unknown_ids_give_404_pages_and_json(client):
    html = client.get("/actor/nobody")
    assert html.status_code == 404 and "Not found" in html.text and "<main" in html.text
    api = client.get("/api/actor/nobody")
    assert api.status_code == 404 and api.json() == {"error": "No actor here."}
    assert client.get("/planet/x.json").status_code == 404
    assert client.get("/incident/nope/citation.bib").status_code == 404
    assert client.get("/data/planet.csv").status_code == 404


@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        ("/incidents?from=yesterday", "from"),
        ("/incidents?to=2025-13-45", "to"),
        ("/timeline?from=2025-02-30", "from"),
        ("/incidents?severity=catastrophic", "severity"),
        ("/incidents?ongoing=maybe", "ongoing"),
        ("/timeline?kind=planet", "kind"),
        ("/search?q=" + "x" * 600, "q"),
    ],
)
def test_bad_parameters_give_422_naming_the_parameter(client, path, parameter):
    html = client.get(path)
    assert html.status_code == 422 and f"parameter &#39;{parameter}&#39;" in html.text
    api = client.get("/api" + path)
    assert api.status_code == 422
    assert api.json()["error"][0]["loc"] == ["query", parameter]


@pytest.mark.parametrize("query", ['"', "NEAR(", "*", "'; DROP TABLE records; --", "<script>"])
def test_hostile_search_text_is_harmless(client, query):
    page = client.get("/search", params={"q": query})
    assert page.status_code == 200
    assert "<script>" not in page.text.split("<main")[1]


def test_text_from_records_is_escaped_and_html_sanitised(client, demo_store, tmp_path):
    hostile = {
        "kind": "incident",
        "slug": "hostile",
        "title": "<script>alert('t')</script>",
        "date": "2025-01-01",
        "summary": "<img src=x onerror=alert(1)>",
        "category": "cyber",
        "severity": "limited",
        "posture": "alleged",
        "contentHtml": (
            "<p>ok</p><script>alert('c')</script><a href='javascript:x' onclick='y'>l</a>"
        ),
    }
    demo_store.import_records(read_records([write_json(tmp_path / "h.json", hostile)]), author="t")
    text = client.get("/incident/hostile").text
    assert "&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt;" in text
    assert "&lt;img src=x onerror=alert(1)&gt;" in text
    assert "<script>alert" not in text and "onclick" not in text and "javascript:" not in text
    assert "<p>ok</p>" in text
    listing = client.get("/incidents").text
    assert "<script>alert" not in listing


def test_openapi_describes_the_api(client):
    spec = client.get("/api/openapi.json").json()
    assert "/api/incidents" in spec["paths"] and "/incident/{slug}.json" in spec["paths"]
    assert client.get("/api/docs").status_code == 200


def test_downloads_feed_and_sitemap(client):
    package = client.get("/data/datapackage.json").json()
    assert {r["path"] for r in package["resources"]} >= {"measure.csv", "incident.csv"}
    assert client.get("/data/measure.csv").text.startswith("kind,id,visibility,type")
    measures = client.get("/data/measure.json").json()
    assert len(measures) == 28
    feed = client.get("/feed.atom")
    assert feed.headers["content-type"] == "application/atom+xml"
    assert feed.text.count("<entry>") == 50
    assert "https://coercion.test/measure/designation-erdenebalsuren-damdin" in feed.text
    sitemap = client.get("/sitemap.xml").text
    assert "<loc>https://coercion.test/actor/kimberly-prost</loc>" in sitemap


def test_new_records_appear_without_a_restart(client, demo_store, tmp_path):
    record = {"kind": "provision", "id": "new-rule", "instrument": "New", "summary": "Fresh."}
    assert client.get("/api/provision/new-rule").status_code == 404
    demo_store.import_records(read_records([write_json(tmp_path / "p.json", record)]), author="t")
    assert client.get("/api/provision/new-rule").json()["record"]["summary"] == "Fresh."
    assert json.loads(client.get("/provision/new-rule.json").text)["id"] == "new-rule"
