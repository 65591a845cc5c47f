"""The fields of model v2 travel whole: import, store, page, API, record JSON and export."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from coercionwatch.publish import export_all
from coercionwatch.store import Store
from tests.helpers import import_files, write_json

from .conftest import serve_app

RECORDS = [
    {"kind": "actor", "id": "russia", "name": "Russia", "type": "state", "country": "RU"},
    {"kind": "actor", "id": "slovenia", "name": "Slovenia", "type": "state", "country": "SI"},
    {"kind": "actor", "id": "chile", "name": "Chile", "type": "state", "country": "CL"},
    {"kind": "actor", "id": "group-x", "name": "Group of friends", "type": "group"},
    {"kind": "actor", "id": "official-a", "name": "Official A", "type": "person"},
    {"kind": "actor", "id": "official-b", "name": "Official B", "type": "person"},
    {"kind": "source", "id": "report-1", "title": "First report", "type": "article"},
    {"kind": "source", "id": "report-2", "title": "Second report", "type": "article"},
    {
        "kind": "provision",
        "id": "art-70",
        "instrument": "Rome Statute",
        "article": "Art. 70",
        "identifiers": ["RS-70"],
        "aliases": ["offences against justice"],
        "jurisdiction": "ICC",
    },
    *[
        {
            "kind": "measure",
            "id": f"sentence-{who}",
            "type": "in-absentia-sentence",
            "imposer": "russia",
            "agency": "A Moscow court",
            "target": f"official-{who}",
            "act": "verdict-1",
            "date": "2025-12",
            "dateCertainty": "approximate",
            "dateNote": "reported later that month",
            "legalBasis": [{"text": "Criminal code, Art. 299"}],
            "breaches": [{"provision": "art-70", "by": ["slovenia"], "source": "report-2"}],
            "status": "active",
            "sources": ["report-1"],
        }
        for who in ("a", "b")
    ],
    {
        "kind": "response",
        "id": "joint-1",
        "actor": "group-x",
        "speaker": {"name": "Speaker Q", "role": "ambassador"},
        "members": ["slovenia", "chile"],
        "memberCount": 40,
        "membersNote": "some forty states",
        "date": "2026-01",
        "stance": "solidarity",
        "forum": "un-geneva",
        "channel": "joint-statement",
        "answers": [{"measure": "sentence-a"}, {"measure": "sentence-b"}],
        "sources": ["report-1"],
        "disputes": [
            {"field": "memberCount", "value": 45, "sources": ["report-2"], "note": "a later count"}
        ],
    },
    {
        "kind": "countermeasure",
        "id": "complaint-1",
        "name": "Complaint against the verdict",
        "layer": "legal",
        "type": "criminal-complaint",
        "jurisdiction": "COE",
        "status": "requested",
        "actors": [{"actor": "slovenia", "role": "requester"}],
        "milestones": [{"stage": "filed", "date": "2026-02", "sources": ["report-2"]}],
        "covers": ["sentence-a"],
        "sources": ["report-2"],
    },
]


@pytest.fixture
def v2_store(database: str, tmp_path: Path) -> Iterator[Store]:
    with Store.open(database) as store:
        import_files(store, write_json(tmp_path / "v2.json", RECORDS))
        yield store


@pytest.fixture
def v2_client(v2_store: Store) -> Iterator[httpx.Client]:
    for url in serve_app(v2_store):
        with httpx.Client(base_url=url, timeout=20) as client:
            yield client


def _native(record: dict) -> dict:
    return {k: v for k, v in record.items() if k != "kind"}


def test_every_v2_field_is_stored_and_served_as_written(v2_client):
    for record in RECORDS:
        served = v2_client.get(f"/{record['kind']}/{record['id']}.json").json()
        for field, value in _native(record).items():
            assert served[field] == value, (record["id"], field)


def test_the_response_page_shows_members_speaker_and_disputes(v2_client):
    page = v2_client.get("/response/joint-1").text
    for shown in (
        "Speaker Q",
        "ambassador",
        ">Slovenia</a>",
        ">Chile</a>",
        "some forty states",
        "UN in Geneva",
        "Joint statement",
        "Expresses solidarity",
        "45",
        ">Second report</a>",
        "a later count",
    ):
        assert shown in page, shown
    assert "Sentence in absentia: Official A" in page  # answers link by name


def test_one_act_against_many_is_grouped(v2_client):
    page = v2_client.get("/measure/sentence-a").text
    assert "The same act against others" in page
    assert 'href="/measure/sentence-b"' in page
    assert "Approximate" in page and "reported later that month" in page
    assert ">Slovenia</a>" in page  # who says the measure breaches Art. 70
    countermeasure = v2_client.get("/countermeasure/complaint-1").text
    assert "Requester" in countermeasure and "Filed" in countermeasure


def test_exports_carry_the_v2_fields(v2_store, tmp_path):
    export_all(v2_store, tmp_path / "out", site="https://example.org", formats=["json"])
    responses = json.loads((tmp_path / "out" / "response.json").read_text("utf-8"))
    assert responses[0]["disputes"][0]["value"] == 45
    assert responses[0]["members"] == ["slovenia", "chile"]
    measures = json.loads((tmp_path / "out" / "measure.json").read_text("utf-8"))
    assert {m["act"] for m in measures} == {"verdict-1"}


def test_a_typed_answer_to_a_missing_record_is_refused(v2_store, tmp_path):
    from coercionwatch.model import InvalidInput

    bad = {**RECORDS[-2], "id": "joint-2", "answers": [{"countermeasure": "no-such"}]}
    with pytest.raises(InvalidInput, match="no-such"):
        import_files(v2_store, write_json(tmp_path / "bad.json", [bad]))


def test_a_record_outside_any_act_lists_no_others(v2_client, v2_store, tmp_path):
    lone = [{**RECORDS[9], "id": f"lone-{n}"} for n in (1, 2)]
    for measure in lone:
        measure.pop("act")
    import_files(v2_store, write_json(tmp_path / "lone.json", lone))
    assert "The same act against others" not in v2_client.get("/measure/lone-1").text
    assert "The same act against others" not in v2_client.get("/actor/russia").text
