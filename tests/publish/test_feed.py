"""The Atom feed lists measures and responses by when they were added or changed here, and
says so in `<updated>`, through an index, on both databases."""

from __future__ import annotations

import datetime as dt

from lxml import etree
from sqlalchemy import event, select

from coercionwatch.publish.feed import atom_feed
from coercionwatch.publish.view import PublicView
from coercionwatch.store.listing import Listing, page
from coercionwatch.store.schema import records
from tests.helpers import actor, import_files, measure, write_lines

ATOM = {"a": "http://www.w3.org/2005/Atom"}


def _entries(store) -> tuple[dt.datetime, list[tuple[str, dt.datetime]]]:
    with store.reading() as connection:
        feed = etree.fromstring(atom_feed(PublicView(connection), "https://cw.test"))
    entries = [
        (
            e.findtext("a:id", namespaces=ATOM).rsplit("/", 1)[1],
            dt.datetime.fromisoformat(e.findtext("a:updated", namespaces=ATOM)),
        )
        for e in feed.findall("a:entry", ATOM)
    ]
    return dt.datetime.fromisoformat(feed.findtext("a:updated", namespaces=ATOM)), entries


def _changed(store, record_id: str) -> dt.datetime:
    with store.reading() as connection:
        at = connection.execute(select(records.c.updated_at).where(records.c.id == record_id))
        return dt.datetime.fromisoformat(at.scalar_one())


def test_the_feed_is_ordered_and_dated_by_when_records_changed(store, tmp_path):
    people = [actor("usa", type="state"), actor("prost"), actor("bensouda")]
    old = measure("m-2020", "bensouda", date="2020-09-02")
    import_files(store, write_lines(tmp_path / "a.jsonl", [*people, old]))
    new = measure("m-2025", "prost", date="2025-08-20")
    import_files(store, write_lines(tmp_path / "b.jsonl", [new]))
    updated, entries = _entries(store)
    assert [i for i, _ in entries] == ["m-2025", "m-2020"]
    # A correction to the 2020 designation is news now: it comes first, dated today.
    import_files(store, write_lines(tmp_path / "c.jsonl", [{**old, "status": "lifted"}]))
    updated, entries = _entries(store)
    assert [i for i, _ in entries] == ["m-2020", "m-2025"]
    assert entries[0][1] == updated == _changed(store, "m-2020")
    assert entries[1][1] == _changed(store, "m-2025") and entries[1][1].year > 2025


def test_the_feed_reads_an_index_in_order(tmp_path):
    from coercionwatch.store import Store

    with Store.open(f"sqlite:///{tmp_path / 'feed.db'}") as store:
        import_files(store, write_lines(tmp_path / "a.jsonl", [actor("usa", type="state")]))
        statements: list[tuple[str, tuple]] = []
        with store.reading() as connection:

            def noted(_conn, _cursor, statement, parameters, _context, _many):
                statements.append((statement, parameters))

            event.listen(connection, "before_cursor_execute", noted)
            page(connection, Listing(("measure", "response"), sort="updated", size=50))
            event.remove(connection, "before_cursor_execute", noted)
            ((statement, parameters),) = [s for s in statements if "ORDER BY" in s[0]]
            plan = " ".join(
                str(row[-1])
                for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
            )
    assert "ix_records_updated" in plan and "TEMP B-TREE" not in plan, plan
