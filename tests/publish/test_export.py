import csv
import json

from coercionwatch.ingest import read_records
from coercionwatch.model import KINDS, Incident
from coercionwatch.publish import dumps_envelope, export_all, seed_envelope
from coercionwatch.store import Store
from tests.helpers import actor, basic_records, import_files, measure, write_json

MARKER = "RESTRICTED-MARKER-7f3a"


def test_the_seed_goes_in_and_comes_out_unchanged(store, seed_incident):
    import_files(store, seed_incident)
    found = store.get("incident", "icc-immunity-demands-rome-statute")
    assert isinstance(found.record, Incident)
    original = json.loads(seed_incident.read_text("utf-8"))
    updates = store.update_log(found.record.id)
    envelope = seed_envelope(
        found.record, updates, site="https://unused.example", generated=original["generatedAt"]
    )
    assert dumps_envelope(envelope) == seed_incident.read_text("utf-8")


def test_updates_appear_in_the_update_log(store, seed_incident):
    import_files(store, seed_incident)
    incident = store.get("incident", "icc-immunity-demands-rome-statute").record
    store.save(
        incident.model_copy(update={"ongoing": False}), author="ed", reason="The ultimatum lapsed."
    )
    record = seed_envelope(
        store.get("incident", incident.id).record, store.update_log(incident.id), site="x"
    )["record"]
    assert record["updateCount"] == 1
    assert record["updateLog"][0]["summary"] == "The ultimatum lapsed."
    assert record["lastUpdated"] == record["updateLog"][0]["date"]
    assert record["citation"].endswith(f"Updated {record['displayLastUpdated']}.")


def test_bulk_json_export_reimports_to_the_same_hashes(store, tmp_path, seed_incident, database):
    import_files(store, write_json(tmp_path / "r.json", basic_records()), seed_incident)
    out = tmp_path / "out"
    written = export_all(store, out, site="https://example.org", formats=["json"])
    assert sorted(p.name for p in written) == sorted(f"{k}.json" for k in KINDS)
    fresh_db = tmp_path / "copy.db"
    with Store.open(str(fresh_db)) as copy:
        copy.import_records(read_records(sorted(out.glob("*.json"))), author="mirror")
        for kind in KINDS:
            assert {(r.record.id, r.hash) for r in copy.records(kind)} == {
                (r.record.id, r.hash) for r in store.records(kind)
            }


def test_csv_has_a_header_and_one_row_per_record(store, tmp_path):
    import_files(store, write_json(tmp_path / "r.json", basic_records()))
    export_all(store, tmp_path / "out", site="https://example.org", formats=["csv"])
    with (tmp_path / "out" / "measure.csv").open(newline="", encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    assert [(r["id"], r["target"], r["status"]) for r in rows] == [("m-prost", "prost", "active")]


def test_restricted_material_never_reaches_an_export(store, tmp_path):
    records = [
        *basic_records(),
        actor("witness-x", name=f"Witness {MARKER}", visibility="restricted"),
        measure("m-witness", "witness-x", summary="Threat against a protected witness."),
        measure("m-lead", "prost", visibility="restricted", summary=f"Lead {MARKER}"),
        {
            "kind": "response",
            "id": "r1",
            "actor": "usa",
            "stance": "endorse",
            "forum": "national",
            "answers": ["m-prost", "m-lead"],
        },
    ]
    import_files(store, write_json(tmp_path / "r.json", records))
    export_all(store, tmp_path / "out", site="https://example.org")
    everything = "".join(p.read_text("utf-8") for p in (tmp_path / "out").iterdir())
    for secret in (MARKER, "witness-x", "m-witness", "m-lead"):
        assert secret not in everything
    exported = json.loads((tmp_path / "out" / "response.json").read_text("utf-8"))
    assert exported[0]["answers"] == [{"measure": "m-prost"}]
