import pytest

from coercionwatch.ingest import read_records
from coercionwatch.model import InvalidInput
from tests.helpers import actor, basic_records, import_files, measure, write_json, write_lines


def test_import_creates_then_leaves_unchanged(store, tmp_path):
    path = write_json(tmp_path / "r.json", basic_records())
    first = import_files(store, path)
    assert (first.created, first.updated, first.unchanged) == (3, 0, 0)
    again = import_files(store, path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert store.count() == {"actor": 2, "measure": 1}


def test_references_may_point_forward_within_an_import(store, tmp_path):
    records = list(reversed(basic_records()))  # the measure comes before its actors
    assert import_files(store, write_lines(tmp_path / "r.jsonl", records)).created == 3


def _refused(store, path):
    with pytest.raises(InvalidInput) as caught:
        import_files(store, path)
    assert store.count() == {}
    assert store.verify() == []
    assert store.history("actor", "usa") == []
    return caught.value.problems


def test_a_missing_reference_refuses_the_whole_import(store, tmp_path):
    records = [*basic_records(), measure("m2", "nobody", sources=["no-such-source"])]
    problems = _refused(store, write_lines(tmp_path / "r.jsonl", records))
    assert sorted(str(p) for p in problems) == [
        f"{tmp_path / 'r.jsonl'}:4: measure 'm2': field 'sources': "
        "refers to source 'no-such-source', which is not in the record",
        f"{tmp_path / 'r.jsonl'}:4: measure 'm2': field 'target': "
        "refers to actor 'nobody', which is not in the record",
    ]


def test_duplicate_ids_refuse_the_import(store, tmp_path):
    records = [*basic_records(), actor("prost")]
    (problem,) = _refused(store, write_lines(tmp_path / "r.jsonl", records))
    assert problem.field == "id" and "duplicate id, first given at" in problem.message


def test_one_bad_record_among_many_writes_nothing(store, tmp_path):
    good = [actor(f"person-{n}") for n in range(1200)]  # more than one write batch
    bad = {**actor("bad"), "nationality": ["Canada"]}
    problems = _refused(store, write_lines(tmp_path / "r.jsonl", [*good, bad]))
    assert [(p.record_id, p.field) for p in problems] == [("bad", "nationality.0")]


def test_problems_in_several_files_are_all_reported(store, tmp_path):
    one = write_lines(tmp_path / "one.jsonl", [{**actor("a"), "type": "wizard"}])
    two = write_json(tmp_path / "two.json", {"kind": "actor", "id": "b"})
    with pytest.raises(InvalidInput) as caught:
        import_files(store, one, two)
    assert [(p.location.file, p.field) for p in caught.value.problems] == [
        (str(one), "type"),
        (str(two), "name"),
        (str(two), "type"),
    ]


def test_references_to_deleted_records_are_missing(store, tmp_path):
    import_files(store, write_json(tmp_path / "r.json", [actor("gone")]))
    store.delete("actor", "gone", author="t")
    with pytest.raises(InvalidInput, match="refers to actor 'gone'"):
        import_files(store, write_json(tmp_path / "m.json", [actor("usa"), measure("m", "gone")]))


def test_related_incidents_that_are_missing_are_only_warnings(store, seed_incident):
    summary = import_files(store, seed_incident)
    assert summary.created == 1
    assert {w.field for w in summary.warnings} == {"relatedIncidents"}
    assert len(summary.warnings) == 6


def test_add_only_adds_what_is_missing_and_keeps_the_rest(store, tmp_path):
    path = write_json(tmp_path / "r.json", basic_records())
    import_files(store, path)
    corrected = measure("m-prost", "prost", status="lifted")
    import_files(store, write_json(tmp_path / "fix.json", corrected))
    store.delete("measure", "m-prost", author="t")
    store.import_records(
        read_records([write_json(tmp_path / "more.json", [*basic_records(), actor("new")])]),
        author="t",
        add_only=True,
    )
    summary = store.import_records(read_records([path]), author="t", add_only=True)
    assert (summary.created, summary.updated, summary.kept) == (0, 0, 3)
    assert store.get("measure", "m-prost") is None  # a deletion is a correction too
    assert store.get("actor", "new") is not None
    assert [v.entry.action for v in store.history("measure", "m-prost")] == [
        "create",
        "update",
        "delete",
    ]


def test_problems_are_reported_in_item_order(store, tmp_path):
    one = write_lines(
        tmp_path / "one.jsonl",
        [
            actor("usa", type="state"),
            measure("m1", "ghost"),
            {**actor("ghost"), "type": "wizard"},
            measure("m2", "nobody"),
            {**actor("x"), "region": "mars"},
        ],
    )
    two = write_json(tmp_path / "two.json", [measure("m3", "nobody-else"), {"kind": "actor"}])
    with pytest.raises(InvalidInput) as caught:
        import_files(store, one, two)
    problems = caught.value.problems
    where = [(p.location.file, p.location.line or p.location.index, p.field) for p in problems]
    assert where == [
        (str(one), 2, "target"),
        (str(one), 3, "type"),
        (str(one), 4, "target"),
        (str(one), 5, "region"),
        (str(two), 1, "target"),
        (str(two), 2, "id"),
        (str(two), 2, "name"),
        (str(two), 2, "type"),
    ]


def test_a_reference_to_an_invalid_record_names_it(store, tmp_path):
    path = write_lines(
        tmp_path / "r.jsonl",
        [actor("usa", type="state"), measure("m1", "ghost"), {**actor("ghost"), "type": "wizard"}],
    )
    with pytest.raises(InvalidInput) as caught:
        import_files(store, path)
    pointer, invalid = caught.value.problems
    assert (pointer.record_id, pointer.field, invalid.record_id) == ("m1", "target", "ghost")
    assert pointer.message == (
        f"refers to actor 'ghost', which failed validation ({path}:3; see there)"
    )
    assert "not in the record" not in pointer.message


def test_a_large_import_is_planned_for_the_size_it_reaches(store, tmp_path):
    """PostgreSQL's statistics say the tables hold one record (autovacuum analysed them
    after the first import); an import of thousands refreshes them as it goes, or its later
    statements are planned for one record (a scan of every record per facet row)."""
    if store.engine.dialect.name != "postgresql":
        pytest.skip("SQLite's statistics are refreshed after the import (Store._analyze)")
    import_files(store, write_lines(tmp_path / "one.jsonl", [actor("only-one")]))
    with store.engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE records")
    people = [actor(f"person-{n:05d}") for n in range(3_000)]
    assert import_files(store, write_lines(tmp_path / "many.jsonl", people)).created == 3_000
    with store.engine.connect() as connection:
        estimate = connection.exec_driver_sql(
            "SELECT reltuples FROM pg_class WHERE oid = 'records'::regclass"
        ).scalar_one()
    assert estimate >= 2_000
