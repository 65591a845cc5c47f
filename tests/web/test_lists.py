"""List pages and their JSON twins over a generated record, on both databases: filters,
facets and pages as a reader follows them, downloads of exactly what is filtered, and a
page that reads about one page of records whatever the size of the record."""

from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient

from coercionwatch.model.facets import sort_name
from coercionwatch.publish.pages.lists import list_page
from coercionwatch.publish.view import PublicView
from coercionwatch.store.listing import Listing
from coercionwatch.web import create_app
from tests.helpers import import_files, write_lines
from tests.store.test_listing import _records

SITE = "https://coercion.test"


@pytest.fixture
def listed_store(store, tmp_path):
    import_files(store, write_lines(tmp_path / "records.jsonl", _records()))
    return store


@pytest.fixture
def client(listed_store):
    return TestClient(create_app(listed_store, site=SITE))


def test_a_list_page_reads_about_one_page_of_records(listed_store):
    with listed_store.reading() as connection:
        view = PublicView(connection)
        page = list_page(view, Listing("measure", size=10))
        assert len(page.data["records"]) == 10
        assert view.materialised == 10
        view = PublicView(connection)
        list_page(view, Listing("response", size=5))
        # five responses, and the measures they answer, named in the facet beside them
        assert view.materialised <= 5 + 10


def test_following_facets_and_pages(client):
    first = client.get("/api/measures", params={"size": 10}).json()
    assert first["count"] == 45 and len(first["records"]) == 10
    designation = next(v for v in first["facets"]["type"]["values"] if v["value"] == "designation")
    assert designation["label"] == "Sanctions designation" and designation["count"] == 15
    narrowed = client.get("/api/measures" + designation["href"]).json()
    assert narrowed["count"] == 15
    assert all(r["type"] == "designation" for r in narrowed["records"])
    chosen = next(v for v in narrowed["facets"]["type"]["values"] if v["selected"])
    assert chosen["value"] == "designation" and "type=" not in chosen["href"]
    seen = [r["id"] for r in narrowed["records"]]
    following = client.get("/api/measures" + narrowed["nextUrl"]).json()
    seen += [r["id"] for r in following["records"]]
    assert following["next"] is None and len(seen) == len(set(seen)) == 15


def test_measures_by_their_targets_regional_group(client):
    region = client.get("/api/measures").json()["facets"]["region"]["values"]
    assert [(v["value"], v["label"], v["count"]) for v in region] == [
        ("western-european-others", "Western European and other States", 45)
    ]
    assert client.get("/api/measures?region=western-european-others").json()["count"] == 45
    assert client.get("/api/measures?region=african").json()["count"] == 0


def test_downloads_hold_exactly_what_is_filtered(client):
    params = {"type": "designation", "status": "active"}
    listed = client.get("/api/measures", params={**params, "size": 500}).json()
    rows = list(csv.DictReader(io.StringIO(client.get("/measures.csv", params=params).text)))
    as_json = client.get("/measures.json", params=params).json()
    wanted = [r["id"] for r in listed["records"]]
    assert [r["id"] for r in rows] == wanted == [r["id"] for r in as_json]
    assert wanted and all(r["status"] == "active" for r in as_json)


def test_bad_list_parameters_are_named(client):
    for params, name in (
        ({"type": "not-a-type"}, "type"),
        ({"sort": "colour"}, "sort"),
        ({"after": "not-a-token"}, "after"),
        ({"size": "0"}, "size"),
    ):
        answer = client.get("/api/measures", params=params)
        assert answer.status_code == 422
        assert answer.json()["error"][0]["loc"] == ["query", name]


def test_an_unknown_parameter_is_named_with_those_a_page_takes(client):
    answer = client.get("/api/measures", params={"type": "designation", "nonsense": "1"})
    assert answer.status_code == 400
    (error,) = answer.json()["error"]
    assert error["loc"] == ["query", "nonsense"] and "nonsense" not in error["allowed"]
    assert {"type", "country", "from", "to", "q", "sort", "after", "size"} <= set(error["allowed"])
    page = client.get("/measures?contry=FR")
    assert page.status_code == 400
    assert "This page takes no parameter &#39;contry&#39;. It takes: type, status" in page.text
    for url in ("/api/search?q=person&kind=actor&sort=name", "/api/timeline?type=threat"):
        assert client.get(url).status_code == 400, url
    # A cache-buster, and the size a page's download link keeps, are taken.
    assert client.get("/api/measures?_=1712345678").status_code == 200
    assert client.get("/measures.csv?type=threat&size=10").status_code == 200
    assert client.get("/api/search?q=person&_ts=1").status_code == 200


def test_a_country_in_lower_case_is_the_same_code(client):
    for path, upper, lower in (
        ("/api/actors", "CA", "ca"),
        ("/api/measures", "FR", "fr"),
        ("/api/measures", "FR", " Fr "),
    ):
        wanted = client.get(path, params={"country": upper}).json()
        asked = client.get(path, params={"country": lower}).json()
        assert wanted["count"] > 0 and asked["count"] == wanted["count"]
        assert [r["id"] for r in asked["records"]] == [r["id"] for r in wanted["records"]]
        chosen = [v for v in asked["facets"]["country"]["values"] if v["selected"]]
        assert [v["value"] for v in chosen] == [upper]


def test_search_pages_and_counts_by_kind(client):
    first = client.get("/api/search", params={"q": "person"}).json()
    kinds = {f["value"]: f["count"] for f in first["facets"]["kind"]}
    assert kinds["actor"] == 20 and first["count"] == sum(kinds.values())
    assert len(first["hits"]) == 20 and first["nextUrl"]
    actors = client.get("/api/search", params={"q": "person", "kind": "actor", "page": 2}).json()
    assert actors["count"] == 20 and actors["hits"] == [] and actors["nextUrl"] is None
    assert all(
        h["kind"] == "actor"
        for h in client.get("/api/search", params={"q": "person", "kind": "actor"}).json()["hits"]
    )


def test_a_page_past_the_last_says_which_is_the_last(client):
    past = client.get("/api/search", params={"q": "person", "page": 9}).json()
    assert past["hits"] == [] and past["pages"] == -(-past["count"] // 20) >= 2
    assert past["previousUrl"] == f"?q=person&page={past['pages']}"
    page = client.get("/search", params={"q": "person", "page": 9}).text
    assert f"there is no page 9, the last is page {past['pages']}" in page
    assert ", page 2<" in client.get("/search", params={"q": "person", "page": 2}).text


def test_a_kind_with_no_dates_is_listed_by_name(client):
    # Actors have no date of their own: their list runs A to Z, and offers no date order.
    first = client.get("/api/actors", params={"size": 100}).json()
    names = [r["title"] for r in first["records"]]
    assert names.index("Canada") < names.index("Russia") < names.index("United States")
    assert first["sort"] == "name"
    assert {s["name"] for s in first["sorts"]} >= {"name"} and "date" not in {
        s["name"] for s in first["sorts"]
    }
    assert client.get("/api/measures").json()["sort"] == "date"


@pytest.mark.parametrize("kind", ["measures", "responses", "actors", "incidents", "sources"])
def test_sorting_by_name_follows_the_titles_on_the_cards(demo_store, kind):
    """The name a list sorts by is the title its cards show (a measure's names its target,
    where its stored title names her id), case and accents folded."""
    client = TestClient(create_app(demo_store, site=SITE))
    titles, url = [], f"/api/{kind}?sort=name&size=7"
    while url:
        answer = client.get(url).json()
        titles += [r["title"] for r in answer["records"]]
        url = answer["nextUrl"] and f"/api/{kind}" + answer["nextUrl"]
    assert len(titles) > 7
    assert titles == sorted(titles, key=sort_name)
