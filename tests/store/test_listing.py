"""Lists as indexed queries, on SQLite and PostgreSQL: filters, facet counts, sorting and
keyset pages agree with the same questions asked of the records in Python; withheld
records are never listed, counted or offered as a choice; verify recomputes the facets."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import delete, update

from coercionwatch.store import Store
from coercionwatch.store.listing import Listing, facet_counts, page, total
from coercionwatch.store.schema import facets
from coercionwatch.store.schema import records as records_table
from coercionwatch.store.store import RESTATISTICS
from tests.helpers import actor, import_files, measure, write_lines

TYPES = ("designation", "threat", "visa-denial")
STATUSES = ("active", "lifted")


def _records() -> list[dict[str, Any]]:
    states = [
        actor(
            "usa",
            type="state",
            name="United States",
            country="US",
            region="western-european-others",
        ),
        actor("russia", type="state", name="Russia", country="RU", region="eastern-european"),
        actor(
            "canada", type="state", name="Canada", country="CA", region="western-european-others"
        ),
    ]
    people = [actor(f"person-{n:02d}", nationality=["CA" if n % 3 else "FR"]) for n in range(20)]
    secret = actor("protected-witness", visibility="restricted")
    measures = [
        measure(
            f"m-{n:02d}",
            f"person-{n % 20:02d}",
            imposer="usa" if n % 4 else "russia",
            type=TYPES[n % 3],
            status=STATUSES[(n // 3) % 2],
            date=f"20{20 + n % 6}-0{1 + n % 9}-1{n % 10}",
            **({"act": "one-order"} if n % 10 == 0 else {}),
        )
        for n in range(45)
    ]
    measures.append(measure("m-secret", "protected-witness", date="2025-03-01"))
    responses = [
        {
            "kind": "response",
            "id": f"r-{n:02d}",
            "actor": "canada",
            "stance": "condemn" if n % 2 else "concern",
            "forum": "national",
            "date": f"2026-0{1 + n % 9}-01",  # after every measure it answers
            "answers": [{"measure": f"m-{n:02d}"}],
            **({"members": ["protected-witness"]} if n == 3 else {}),
        }
        for n in range(12)
    ]
    return [*states, *people, secret, *measures, *responses]


@pytest.fixture
def listed(store: Store, tmp_path) -> tuple[Store, list[dict[str, Any]]]:
    records = _records()
    import_files(store, write_lines(tmp_path / "records.jsonl", records))
    return store, records


def _shown_measures(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in records if r["kind"] == "measure" and r["id"] != "m-secret"]


def _walk(connection: Any, listing: Listing) -> list[str]:
    seen = []
    while True:
        rows, after = page(connection, listing)
        seen.extend(r.record.id for r in rows)
        assert len(rows) <= listing.size
        if after is None:
            return seen
        listing = replace(listing, after=after)


def test_filters_and_facet_counts_agree_with_the_records(listed):
    store, records = listed
    shown = _shown_measures(records)
    wanted = [m for m in shown if m["type"] == "designation" and m["status"] == "active"]
    listing = Listing("measure", (("type", "designation"), ("status", "active")), size=100)
    with store.reading() as connection:
        rows, after = page(connection, listing)
        assert after is None
        assert {r.record.id for r in rows} == {m["id"] for m in wanted}
        assert total(connection, listing) == len(wanted)
        counts = facet_counts(connection, listing)
        assert dict(counts["imposer"]) == Counter(m["imposer"] for m in wanted)
        assert dict(counts["type"]) == {"designation": len(wanted)}
        everything = facet_counts(connection, Listing("measure"))
    assert dict(everything["type"]) == Counter(m["type"] for m in shown)
    assert dict(everything["year"]) == Counter(m["date"][:4] for m in shown)
    nationals = Counter("CA" if int(m["target"][-2:]) % 3 else "FR" for m in shown)
    assert dict(everything["country"]) == nationals
    # A target's regional group is her nationality's: Canada and France are both WEOG.
    assert dict(everything["region"]) == {"western-european-others": len(shown)}
    # Most frequent first; ties by value.
    assert everything["type"] == sorted(everything["type"], key=lambda vc: (-vc[1], vc[0]))


def test_pages_walk_every_record_once_in_each_sort(listed):
    store, records = listed
    shown = _shown_measures(records)
    with store.reading() as connection:
        by_date = _walk(connection, Listing("measure", size=7))
        by_name = _walk(connection, Listing("measure", sort="name", descending=False, size=7))
        oldest = _walk(connection, Listing("measure", descending=False, size=7))
    newest = sorted(shown, key=lambda m: (m["date"], m["id"]), reverse=True)
    assert by_date == [m["id"] for m in newest]
    assert oldest == list(reversed(by_date))
    # A measure is named by its type's label and its target's name, case folded.
    names = {
        "designation": "sanctions designation",
        "threat": "threat",
        "visa-denial": "visa denial",
    }
    named = sorted(shown, key=lambda m: (f"{names[m['type']]}: {m['target']}", m["id"]))
    assert by_name == [m["id"] for m in named]


def test_sorting_by_name_orders_by_the_names_readers_see(store, tmp_path):
    """Ids order these the other way round; so do their bytes (`Z` before `n`, `é` last)."""
    people = [
        actor("a-prosecutor", name="Zeid Ra'ad"),
        actor("b-deputy", name="nazhat Khan"),
        actor("c-judge", name="Éric Alapini"),
        actor("d-registrar", name="Beti Hohler"),
    ]
    state = actor("usa", type="state", name="United States", country="US")
    measures = [measure(f"m-{p['id']}", p["id"]) for p in people]
    responses = [
        {
            "kind": "response",
            "id": f"r-{p['id']}",
            "actor": p["id"],
            "stance": "condemn",
            "forum": "national",
            "date": "2025-09-01",
            "answers": [{"measure": f"m-{p['id']}"}],
        }
        for p in people
    ]
    records = [state, *people, *measures, *responses]
    import_files(store, write_lines(tmp_path / "named.jsonl", records))
    readable = ["d-registrar", "c-judge", "b-deputy", "a-prosecutor"]

    def by_name(kind: str, descending: bool = False) -> list[str]:
        with store.reading() as connection:
            listing = Listing(kind, sort="name", descending=descending, size=3)
            return [i.removeprefix("m-").removeprefix("r-") for i in _walk(connection, listing)]

    assert by_name("measure") == readable
    assert by_name("response") == readable
    assert by_name("measure", descending=True) == readable[::-1]
    assert by_name("actor") == ["d-registrar", "c-judge", "b-deputy", "usa", "a-prosecutor"]
    # A measure's name is its target's: renaming her moves it, and verify checks the column.
    renamed = actor("a-prosecutor", name="Abel Zeid")
    import_files(store, write_lines(tmp_path / "renamed.jsonl", [renamed]))
    assert by_name("measure")[0] == by_name("response")[0] == "a-prosecutor"
    assert store.verify() == []
    with store.engine.begin() as connection:
        connection.execute(
            update(records_table).where(records_table.c.id == "m-b-deputy").values(sort_name="a")
        )
    messages = [fault.message for fault in store.verify()]
    assert any("records.sort_name is 'a'" in m for m in messages)


def test_a_write_between_pages_neither_repeats_nor_skips(listed, tmp_path):
    store, _ = listed
    first = Listing("measure", size=10)
    with store.reading() as connection:
        rows, after = page(connection, first)
    before = [r.record.id for r in rows]
    # Newer than every row already shown: it belongs on page 1, which the reader has read.
    newer = measure("m-late", "person-01", date="2026-12-31")
    import_files(store, write_lines(tmp_path / "late.jsonl", [newer]))
    with store.reading() as connection:
        rest = _walk(connection, replace(first, after=after))
        everything = _walk(connection, replace(first, size=100))
    assert not set(before) & set(rest)
    assert before + rest == [i for i in everything if i != "m-late"]


def test_withheld_records_are_never_listed_counted_or_offered(listed):
    store, _ = listed
    with store.reading() as connection:
        ids = _walk(connection, Listing("measure", size=50))
        counts = facet_counts(connection, Listing("measure"), limit=100)
        answers = facet_counts(connection, Listing("response"), limit=100)
        by_target = total(connection, Listing("measure", (("target", "protected-witness"),)))
    assert "m-secret" not in ids and by_target == 0
    offered = {value for rows in counts.values() for value, _ in rows}
    assert "protected-witness" not in offered
    # A response that names the witness among its members is shown, but not that name.
    assert "protected-witness" not in {value for value, _ in answers["actor"]}
    assert dict(answers["actor"])["canada"] == 12


def test_a_facet_read_through_an_actor_follows_the_actor(listed, tmp_path):
    store, _ = listed
    moved = actor("person-01", nationality=["DE"])
    import_files(store, write_lines(tmp_path / "moved.jsonl", [moved]))
    with store.reading() as connection:
        german = _walk(connection, Listing("measure", (("country", "DE"),)))
    assert german and all(int(i[2:]) % 20 == 1 for i in german)
    with store.reading() as connection:
        assert _walk(connection, Listing("measure", (("region", "western-european-others"),)))
        assert not _walk(connection, Listing("measure", (("region", "eastern-european"),)))
    russian = actor("person-01", nationality=["RU"])
    import_files(store, write_lines(tmp_path / "moved-again.jsonl", [russian]))
    with store.reading() as connection:
        eastern = _walk(connection, Listing("measure", (("region", "eastern-european"),)))
    assert sorted(eastern) == sorted(german)
    assert store.verify() == []


def test_verify_recomputes_the_facets(listed):
    store, _ = listed
    assert store.verify() == []
    with store.engine.begin() as connection:
        connection.execute(
            delete(facets).where(facets.c.facet == "status", facets.c.value == "lifted")
        )
        connection.execute(update(facets).where(facets.c.value == "condemn").values(shown=False))
    messages = [fault.message for fault in store.verify()]
    assert any("facets is missing status = 'lifted'" in m for m in messages)
    assert any("facets.shown is False for stance = 'condemn'" in m for m in messages)


def test_a_large_import_refreshes_sqlite_statistics(tmp_path):
    """Without statistics SQLite scans an index of every record to find a few by id."""
    with Store.open(f"sqlite:///{tmp_path / 'big.db'}") as store:
        people = [actor(f"person-{n:04d}") for n in range(RESTATISTICS)]
        import_files(store, write_lines(tmp_path / "people.jsonl", people))
        with store.reading() as connection:
            stats = connection.exec_driver_sql(
                "SELECT stat FROM sqlite_stat1 WHERE tbl = 'records' LIMIT 1"
            ).scalar()
    assert stats is not None and int(stats.split()[0]) == RESTATISTICS


def _newest_first(found: list[dict[str, Any]]) -> list[str]:
    by_id = sorted(found, key=lambda r: r["id"])
    return [r["id"] for r in sorted(by_id, key=lambda r: r.get("date") or "", reverse=True)]


def test_referrers_of_each_target_are_its_shown_referrers_newest_first(listed):
    """Directly (the measures against a person) and through the records between (the
    answers to those measures), for many targets at once and for one."""
    from coercionwatch.store import reader

    store, records = listed
    shown = _shown_measures(records)
    responses = [r for r in records if r["kind"] == "response"]
    people = [f"person-{n:02d}" for n in range(20)] + ["protected-witness", "nobody"]
    through = ("measure", ("target",))
    with store.reading() as connection:
        for limit in (1, 2, 12):
            each = reader.shown_referrers_of_each(
                connection, "actor", people, "measure", ("target",), limit=limit
            )
            answers = reader.shown_referrers_of_each(
                connection,
                "actor",
                people,
                "response",
                ("answers.measure",),
                limit=limit,
                through=through,
            )
            for person in people:
                against = [m for m in shown if m["target"] == person]
                answering = [
                    r
                    for r in responses
                    if {a["measure"] for a in r["answers"]} & {m["id"] for m in against}
                ]
                for found, expected in ((each, against), (answers, answering)):
                    rows, count = found.get(person, ([], 0))
                    assert [r.record.id for r in rows] == _newest_first(expected)[:limit]
                    assert count == len(expected)
                rows, count = reader.shown_referrers(
                    connection,
                    "actor",
                    person,
                    "response",
                    ("answers.measure",),
                    limit=limit,
                    through=through,
                )
                assert ([r.record.id for r in rows], count) == (
                    _newest_first(answering)[:limit],
                    len(answering),
                )
        # a withheld referrer is neither listed nor counted
        assert "protected-witness" not in each
        assert each["person-00"][1] == 3  # m-00, m-20, m-40
        assert answers["person-03"][1] == 1  # r-03 answers m-03


def test_shown_ids_come_in_keyset_pages_of_shown_records_only(listed):
    from coercionwatch.store import reader

    store, records = listed
    with store.reading() as connection:
        pages = list(reader.shown_ids(connection, "actor", size=7))
    assert all(len(p) == 7 for p in pages[:-1])
    ids = [i for p in pages for i in p]
    expected = sorted(
        r["id"] for r in records if r["kind"] == "actor" and r.get("visibility") != "restricted"
    )
    assert ids == expected
