"""Answers kept until the next write: hits skip the app, a write is seen at once, the bytes
kept stay bounded, and a reader holding the ETag gets a 304."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import PlainTextResponse, StreamingResponse
from fastapi.testclient import TestClient

from coercionwatch.ingest import read_records
from coercionwatch.reference import reference_files
from coercionwatch.store import Store
from coercionwatch.web import create_app
from coercionwatch.web.answers import AnswerCache

from .conftest import SITE


class Counted:
    """A tiny app whose answers say how often it was asked, under a head the test moves."""

    def __init__(self, max_bytes: int = 1000) -> None:
        self.head = 1
        self.calls = 0
        inner = FastAPI()

        @inner.get("/page")
        def page(size: int = 10) -> PlainTextResponse:
            self.calls += 1
            return PlainTextResponse(f"{self.calls}:" + "x" * size)

        @inner.get("/stream")
        def stream() -> StreamingResponse:
            self.calls += 1
            return StreamingResponse(iter([b"y" * 40] * 10))

        self.cache = AnswerCache(inner, lambda: self.head, max_bytes=max_bytes)
        self.client = TestClient(self.cache)


def test_a_second_ask_is_answered_without_the_app_until_the_head_moves():
    app = Counted()
    first = app.client.get("/page")
    again = app.client.get("/page")
    assert (first.text, again.text, app.calls) == ("1:xxxxxxxxxx", "1:xxxxxxxxxx", 1)
    assert app.client.get("/page?size=3").text == "2:xxx"  # the query is part of the key
    app.head = 2
    assert app.client.get("/page").text == "3:xxxxxxxxxx"
    assert app.calls == 3


def test_the_etag_names_the_head_and_a_matching_ask_gets_no_body():
    app = Counted()
    tag = app.client.get("/page").headers["etag"]
    unchanged = app.client.get("/page", headers={"If-None-Match": tag})
    assert unchanged.status_code == 304
    assert unchanged.content == b""
    app.head = 7
    moved = app.client.get("/page", headers={"If-None-Match": tag})
    assert moved.status_code == 200
    assert moved.headers["etag"] != tag


def test_the_answers_kept_stay_within_their_bytes():
    app = Counted(max_bytes=2000)
    for size in range(20):
        app.client.get(f"/page?size={50 + size}")
    kept = app.cache._answers
    assert 0 < kept.currsize <= 2000
    assert len(kept) < 20  # the oldest were dropped
    too_big = app.client.get("/page?size=500")  # over a twentieth of the bytes
    assert too_big.status_code == 200
    app.client.get("/page?size=500")
    assert app.calls == 22


def test_a_streamed_answer_over_the_limit_is_passed_on_whole_and_not_kept():
    app = Counted(max_bytes=2000)
    assert app.client.get("/stream").content == b"y" * 400
    assert app.client.get("/stream").content == b"y" * 400
    assert app.calls == 2


def test_none_kept_when_the_bytes_are_zero():
    app = Counted(max_bytes=0)
    app.client.get("/page")
    app.client.get("/page")
    assert app.calls == 2


def test_the_record_app_shows_a_write_at_the_very_next_request(database):
    with Store.open(database) as store:
        store.import_records(read_records(reference_files()), author="test")
        client = TestClient(create_app(store, site=SITE))
        before = client.get("/actor/canada.json")
        listed = client.get("/api/actors?country=CA")
        assert "Canada (renamed in a test)" not in listed.text
        assert client.get("/actor/canada.json").headers["etag"] == before.headers["etag"]
        actor = store.get("actor", "canada").record
        changed = actor.model_copy(update={"name": "Canada (renamed in a test)"})
        store.save(changed, author="test", reason="a test renames it")
        after = client.get("/actor/canada.json")
        assert after.json()["name"] == "Canada (renamed in a test)"
        assert after.headers["etag"] != before.headers["etag"]
        assert "Canada (renamed in a test)" in client.get("/api/actors?country=CA").text
