"""The table of counted waves: a report read from it equals a fresh count, whatever was
written since, and the public rows hold nothing the public projection does not show."""

import orjson
import pytest
from sqlalchemy import create_engine, delete, select, update

from coercionwatch.analysis.coverage import (
    check_counted_waves,
    count_waves,
    coverage,
    keep_counted_waves,
    report_json,
    wave_entries,
    wave_json,
)
from coercionwatch.store import Store, counts
from coercionwatch.store.schema import coverage_counts
from tests.analysis.test_coverage import CASE, A, B, _response, _state
from tests.helpers import write_records


def _by_id(rid):
    return next(r for r in CASE if r["id"] == rid)


@pytest.fixture
def case(store):
    write_records(store, *CASE)
    return store


def _report(store, **options):
    with store.reading() as connection:
        return report_json(coverage(connection, **options))


def _rows(store):
    with store.engine.connect() as connection:
        found = connection.execute(
            select(coverage_counts.c.projection, coverage_counts.c.wave, coverage_counts.c.body)
        )
        return {(side, wave): body for side, wave, body in found}


def _fresh(store, **options):
    """The report counted from nothing: the table emptied first."""
    with store.engine.begin() as connection:
        connection.execute(delete(coverage_counts))
    return _report(store, **options)


def _counted_both(store):
    """Every wave counted and kept in both projections."""
    for public_only in (True, False):
        _report(store, public_only=public_only)
    assert set(_rows(store)) == {(p, w) for p in ("public", "all") for w in (A, B)}


def _tamper(store, side, wave, old, new):
    with store.engine.begin() as connection:
        body = connection.execute(
            select(coverage_counts.c.body).where(
                coverage_counts.c.projection == side, coverage_counts.c.wave == wave
            )
        ).scalar_one()
        assert old in body
        connection.execute(
            update(coverage_counts)
            .where(coverage_counts.c.projection == side, coverage_counts.c.wave == wave)
            .values(body=body.replace(old, new))
        )


def test_a_report_from_the_table_equals_a_fresh_count(case):
    for public_only in (True, False):
        first = _report(case, public_only=public_only)  # counts and keeps every wave
        assert (
            _report(case, public_only=public_only) == first == _fresh(case, public_only=public_only)
        )
        assert _report(case, public_only=public_only, within=7) == _fresh(
            case, public_only=public_only, within=7
        )
        assert _report(case, public_only=public_only, wave=B) == _fresh(
            case, public_only=public_only, wave=B
        )
    # The report does read the table: an edit of a row shows in it.
    _report(case)
    _tamper(case, "public", A, '"CA"', '"ZZ"')
    tampered = {w["id"]: w for w in _report(case)["waves"]}
    assert "ZZ" in tampered[A]["answeredEver"]


def test_writing_one_response_changes_only_its_waves_rows(case):
    _counted_both(case)
    before = _rows(case)
    write_records(case, _response("r6", "japan", "2025-01-04", "m-b", channel="statement"))
    after = _rows(case)
    assert set(after) == {("public", A), ("all", A)}  # wave B's rows dropped, A's kept
    assert all(after[key] == before[key] for key in after)
    for public_only in (True, False):
        report = _report(case, public_only=public_only)
        assert "JP" in {w["id"]: w for w in report["waves"]}[B]["answeredEver"]
        assert report == _fresh(case, public_only=public_only)
    # Moved from wave A to wave B: the rows of both go.
    _counted_both(case)
    write_records(case, {**_by_id("r1"), "date": "2025-01-05", "answers": [{"measure": "m-b"}]})
    assert _rows(case) == {}
    assert _report(case) == _fresh(case)
    _counted_both(case)
    case.delete("response", "r6", author="tester")
    assert set(_rows(case)) == {("public", A), ("all", A)}
    assert _report(case, public_only=False) == _fresh(case, public_only=False)


def test_an_actor_or_a_membership_change_is_counted(case):
    _counted_both(case)
    write_records(case, {**_by_id("core"), "members": ["kenya", "netherlands"]})
    assert _rows(case) == {}
    assert "NL" in {w["id"]: w for w in _report(case)["waves"]}[A]["answeredEver"]
    assert _report(case) == _fresh(case)
    _counted_both(case)
    write_records(case, {**_state("japan", "JP"), "country": "FR"})
    answered = {w["id"]: w for w in _report(case)["waves"]}[A]["answeredEver"]
    assert "FR" in answered and "JP" not in answered
    assert _report(case) == _fresh(case)


def test_a_withheld_change_is_counted(case):
    _counted_both(case)
    write_records(case, {**_by_id("r1"), "visibility": "restricted"})
    assert _rows(case) == {}
    waves = {w["id"]: w for w in _report(case)["waves"]}
    assert "CA" not in waves[A]["answeredEver"]
    assert _report(case) == _fresh(case)
    _counted_both(case)
    write_records(case, {**_by_id("r5"), "visibility": "public"})
    assert "KE" in {w["id"]: w for w in _report(case)["waves"]}[B]["answeredEver"]
    assert _report(case) == _fresh(case)


def test_verify_finds_a_tampered_row(case):
    _counted_both(case)
    assert case.verify(check_counted_waves) == []
    _tamper(case, "all", B, '"KE"', '"JP"')
    faults = [str(f) for f in case.verify(check_counted_waves)]
    assert len(faults) == 1
    assert f"the all count of wave {B!r} differs from a fresh count" in faults[0]


def test_a_row_of_another_digest_is_counted_again(case):
    _counted_both(case)
    _tamper(case, "public", A, '"CA"', '"ZZ"')
    with case.engine.begin() as connection:
        connection.execute(update(coverage_counts).values(digest="0" * 64))
    assert _report(case) == _fresh(case)
    assert case.verify(check_counted_waves) == []


def test_the_public_report_never_holds_restricted_material(case):
    write_records(
        case,
        {**_state("secret-state", "FR"), "visibility": "restricted"},
        _response(
            "r7",
            "canada",
            "2024-12-23",
            "m-a1",
            members=["secret-state"],
            memberCount=9,
            channel="joint-statement",
        ),
    )
    everything = _report(case, public_only=False)
    assert "FR" in {w["id"]: w for w in everything["waves"]}[A]["answeredEver"]
    public = _report(case)
    for wave in public["waves"]:
        assert "FR" not in wave["answeredEver"]
        assert all("FR" not in j["namedStatesParties"] for j in wave["reportedCounts"])
    shown = orjson.dumps(public).decode() + "".join(
        body for (side, _), body in _rows(case).items() if side == "public"
    )
    assert "r5" not in shown and "secret-state" not in shown
    assert public == _fresh(case)


def test_a_count_made_before_a_write_is_not_kept(case):
    with case.reading() as connection:
        seen = counts.epoch(connection)
        write_records(case, _response("r6", "japan", "2025-01-04", "m-b"))
        kept = counts.keep_counts(connection, seen, True, "d" * 64, [(B, "m-b", "{}")])
    assert not kept
    assert _rows(case) == {}


def test_a_database_that_takes_no_write_is_counted_all_the_same(tmp_path):
    path = tmp_path / "record.db"
    with Store.open(str(path)) as opened:
        write_records(opened, *CASE)
        expected = _report(opened)
        with opened.engine.begin() as connection:
            connection.execute(delete(coverage_counts))
    read_only = create_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
    try:
        with read_only.connect() as connection:
            assert report_json(coverage(connection)) == expected
    finally:
        read_only.dispose()
    with Store.open(str(path)) as opened:
        assert _rows(opened) == {}


def _waves_counted(store, **options):
    """Every wave as a site build reads it, a group at a time (`count_waves`)."""
    with store.reading() as connection:
        entries, _ = wave_entries(connection, **options)
        report = count_waves(connection, entries, **options)
    return [wave_json(w) for w in report.waves]


def test_a_site_builds_waves_read_from_the_table_equal_a_fresh_count(case):
    for public_only in (True, False):
        fresh = _waves_counted(case, public_only=public_only)  # counts and keeps them
        assert {w for side, w in _rows(case) if side == counts.projection(public_only)} == {A, B}
        assert _waves_counted(case, public_only=public_only) == fresh
    # Read from the table, not counted again: an edit of a row shows.
    _tamper(case, "public", A, '"CA"', '"ZZ"')
    assert "ZZ" in {w["id"]: w for w in _waves_counted(case)}[A]["answeredEver"]
    # After a write, what it dropped is counted again.
    write_records(case, _response("r6", "japan", "2025-01-04", "m-b", channel="statement"))
    waves = {w["id"]: w for w in _waves_counted(case)}
    assert "JP" in waves[B]["answeredEver"] and "ZZ" in waves[A]["answeredEver"]
    with case.engine.begin() as connection:
        connection.execute(delete(coverage_counts))
    assert _waves_counted(case) == [wave_json(w) for w in _report_waves(case)]


def _report_waves(store):
    with store.reading() as connection:
        return coverage(connection).waves


def test_keeping_the_counted_waves_fills_the_table_a_site_build_reads(case):
    with case.reading() as connection:
        keep_counted_waves(connection)
    assert set(_rows(case)) == {("public", A), ("public", B)}
    assert _report(case) == _fresh(case)
