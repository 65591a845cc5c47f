"""`records.withheld` follows the projection however far away the change that moves it."""

from __future__ import annotations

from coercionwatch.ingest import Incoming
from coercionwatch.model import Location, load_record
from coercionwatch.store import Store
from tests.helpers import actor, basic_records


def _import(store: Store, *records: dict) -> None:
    incoming = [Incoming(load_record(r.pop("kind"), r), Location("t")) for r in records]
    store.import_records(incoming, author="t")


def _response() -> dict:
    return {
        "kind": "response",
        "id": "r1",
        "actor": "usa",
        "stance": "condemn",
        "forum": "national",
        "answers": ["m-prost"],
    }


def test_restricting_a_target_withholds_what_needs_it_and_publishing_it_undoes_that(
    store: Store,
):
    _import(store, *basic_records(), _response())
    assert store.withheld_keys() == set()
    _import(store, actor("prost", nationality=["CA"], visibility="restricted"))
    assert store.withheld_keys() == {("actor", "prost"), ("measure", "m-prost")}
    public = {s.record.id for s in store.records(public_only=True)}
    assert public == {"usa", "r1"}
    assert store.search("Prost", public_only=True) == []
    assert store.verify() == []
    _import(store, actor("prost", nationality=["CA"]))
    assert store.withheld_keys() == set()
    assert store.verify() == []


def test_deleting_a_record_clears_its_flag(store: Store):
    _import(store, actor("lead", visibility="restricted"))
    assert store.withheld_keys() == {("actor", "lead")}
    store.delete("actor", "lead", author="t")
    assert store.withheld_keys() == set() and store.verify() == []
