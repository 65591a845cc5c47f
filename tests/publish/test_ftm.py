"""The FollowTheMoney export: entities that fit the FtM model, with stable ids, and nothing
that the public projection withholds."""

import json

import pytest
from followthemoney import model

from coercionwatch.ingest.lists import read_list
from coercionwatch.publish import ExportRefused, export_all
from coercionwatch.reference import reference_files
from tests.helpers import actor, import_files, measure, write_json

SITE = "https://coercion.test"
MARKER = "ZZRESTRICTEDZZ"


def _entities(store, folder):
    export_all(store, folder, site=SITE, formats=["ftm"])
    path = folder / "entities.ftm.json"
    return path, [json.loads(line) for line in path.read_text("utf-8").splitlines()]


@pytest.fixture
def reference_store(store):
    import_files(store, *reference_files())
    return store


def test_every_entity_fits_the_ftm_model(reference_store, tmp_path):
    _, entities = _entities(reference_store, tmp_path)
    ids = {e["id"] for e in entities}
    assert len(ids) == len(entities)
    for data in entities:
        schema = model.get(data["schema"])
        assert schema is not None and not schema.abstract, data
        schema.validate(data)  # raises InvalidData naming the property at fault
        assert set(schema.required) <= set(data["properties"]), data
        cleaned = model.get_proxy(data, cleaned=False).to_dict()
        assert cleaned["properties"] == data["properties"], data  # already clean
        for name, values in data["properties"].items():
            if schema.properties[name].type.name == "entity":
                assert set(values) <= ids, (data["id"], name)
    designations = [m for m in reference_store.records("measure") if m.record.type == "designation"]
    sanctions = [e for e in entities if e["schema"] == "Sanction"]
    assert len(sanctions) == len(designations) > 10


def test_people_bodies_and_sanctions_carry_the_record(reference_store, tmp_path):
    _, entities = _entities(reference_store, tmp_path)
    by_id = {e["id"]: e for e in entities}
    khan = by_id["coercionwatch-actor-karim-khan"]
    assert khan["schema"] == "Person"
    assert khan["properties"]["name"] == ["Karim Khan"]
    assert khan["properties"]["nationality"] == ["gb"]
    assert khan["properties"]["birthDate"] == ["1970-03-30"]
    assert khan["properties"]["topics"] == ["sanction"]
    assert khan["properties"]["programId"] == ["ICC-EO14203"]
    sanction = by_id["coercionwatch-measure-designation-karim-khan"]
    assert sanction["schema"] == "Sanction"
    properties = sanction["properties"]
    assert properties["entity"] == ["coercionwatch-actor-karim-khan"]
    assert properties["authority"] == ["United States"]
    assert properties["authorityId"] == ["52965"]  # from the SDN entry it cites
    assert properties["program"] == ["Executive Order 14203"]
    assert properties["programId"] == ["ICC-EO14203"]
    assert properties["startDate"] == ["2025-02-06"]
    assert properties["status"] == ["In force"]
    prost = by_id["coercionwatch-measure-designation-kimberly-prost"]["properties"]
    assert prost["authority"] == ["Department of State"]  # the agency, where one is named
    assert by_id["coercionwatch-actor-kimberly-prost"]["properties"]["topics"] == ["sanction"]
    assert by_id["coercionwatch-actor-united-states"]["schema"] == "PublicBody"
    assert by_id["coercionwatch-actor-icc"]["schema"] == "PublicBody"
    assert any(e["properties"].get("sourceUrl") for e in entities)


def test_ids_and_bytes_are_stable(reference_store, tmp_path):
    first, before = _entities(reference_store, tmp_path / "one")
    again, _ = _entities(reference_store, tmp_path / "two")
    assert first.read_bytes() == again.read_bytes()
    records = [
        actor("newcomer"),
        measure("designation-newcomer", "newcomer", imposer="united-states"),
    ]
    import_files(reference_store, write_json(tmp_path / "more.json", records))
    _, after = _entities(reference_store, tmp_path / "three")
    kept = {e["id"]: e for e in after}
    assert all(kept[e["id"]] == e for e in before)
    assert {"coercionwatch-actor-newcomer", "coercionwatch-measure-designation-newcomer"} <= set(
        kept
    )


def test_our_own_watch_reads_the_export_as_an_opensanctions_file(reference_store, tmp_path):
    path, _ = _entities(reference_store, tmp_path)
    read = read_list(path)
    assert read.format == "ftm"
    listed = {row.entry().name: row.entry() for row in read.rows()}
    assert "ICC-EO14203" in listed["Karim Khan"].programs
    assert listed["Karim Khan"].nationalities == ["GB"]


def test_nothing_withheld_reaches_the_ftm_export(store, tmp_path):
    records = [
        actor("usa", type="state", name="United States", country="US"),
        actor("judge", name="A Judge"),
        actor("witness-zz", name=f"Witness {MARKER}", visibility="restricted"),
        measure("m-judge", "judge", program="ICC-EO14203"),
        measure("m-witness-zz", "witness-zz", summary="Against someone protected."),
        measure("m-lead-zz", "judge", visibility="restricted", summary=f"Lead {MARKER}"),
        {
            "kind": "source",
            "id": "s-private-zz",
            "title": "Private",
            "type": "statement",
            "url": f"https://example.org/{MARKER}",
            "visibility": "restricted",
        },
        {**actor("named"), "sources": ["s-private-zz"]},
    ]
    import_files(store, write_json(tmp_path / "r.json", records))
    path, entities = _entities(store, tmp_path / "out")
    text = path.read_text("utf-8")
    for secret in (MARKER, "witness-zz", "m-witness-zz", "m-lead-zz", "s-private-zz"):
        assert secret not in text
    assert {e["id"] for e in entities} == {
        "coercionwatch-actor-usa",
        "coercionwatch-actor-judge",
        "coercionwatch-actor-named",
        "coercionwatch-measure-m-judge",
    }


def test_datapackage_comes_with_the_csv_it_describes(store, tmp_path):
    written = export_all(store, tmp_path / "out", site=SITE)
    names = sorted(p.name for p in written)
    assert "datapackage.json" in names and "entities.ftm.json" in names
    package = json.loads((tmp_path / "out" / "datapackage.json").read_text("utf-8"))
    assert {r["path"] for r in package["resources"]} <= set(names)
    with pytest.raises(ExportRefused, match="describes the CSV files"):
        export_all(store, tmp_path / "none", site=SITE, formats=["json", "datapackage"])
    assert not (tmp_path / "none").exists()


def test_dates_list_entries_and_legal_basis_as_the_record_qualifies_them(store, tmp_path):
    records = [
        actor("usa", type="state", name="United States", country="US"),
        actor("judge", name="A Judge", birthDate="1960", birthDateCertainty="approximate"),
        {"kind": "provision", "id": "eo-14203", "instrument": "Executive Order 14203"},
        {
            "kind": "source",
            "id": "sdn-entry",
            "title": "SDN entry",
            "type": "sanctions-list",
            "publisher": "OFAC",
            "listEntry": {"list": "OFAC SDN", "uid": "54321"},
        },
        measure(
            "m-judge",
            "judge",
            imposer="usa",
            agency="Treasury's OFAC",
            date="2025-06",
            dateCertainty="inferred",
            dateNote="Month of the press release.",
            effective="2025-06-05",
            legalBasis=[{"provision": "eo-14203"}, {"text": "IEEPA"}],
            status="lifted",
            statusDate="2026-01-10",
            sources=["sdn-entry"],
        ),
    ]
    import_files(store, write_json(tmp_path / "r.json", records))
    _, entities = _entities(store, tmp_path / "out")
    by_id = {e["id"]: e["properties"] for e in entities}
    sanction = by_id["coercionwatch-measure-m-judge"]
    assert sanction["authority"] == ["Treasury's OFAC"]
    assert sanction["authorityId"] == ["54321"]
    assert sanction["program"] == ["Executive Order 14203", "IEEPA"]
    assert sanction["startDate"] == ["2025-06-05"]
    assert "listingDate" not in sanction  # inferred: not stated as a fact
    assert (sanction["endDate"], sanction["status"]) == (["2026-01-10"], ["Lifted"])
    judge = by_id["coercionwatch-actor-judge"]
    assert "birthDate" not in judge and "topics" not in judge  # no sanction in force
