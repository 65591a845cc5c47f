"""The public view reading ahead for a static site's pages builds exactly the pages it
builds asking one page at a time, withheld records included, and validated records are kept
by content, never by name: two databases with the same id never share a record."""

from __future__ import annotations

import pytest

from coercionwatch.publish.pages.actors import ACTOR_READS, actor_page
from coercionwatch.publish.pages.records import record_page, referrer_reads
from coercionwatch.publish.view import PublicView
from coercionwatch.store import Store, reader
from tests.helpers import actor, import_files, measure, write_lines


def _records() -> list[dict]:
    return [
        actor("usa", type="state", name="United States", country="US"),
        actor("canada", type="state", name="Canada", country="CA"),
        *(actor(f"p-{n}", nationality=["CA"]) for n in range(6)),
        actor("witness", visibility="restricted"),
        *(measure(f"m-{n}", f"p-{n % 6}", date=f"2025-0{1 + n % 9}-01") for n in range(20)),
        measure("m-secret", "witness"),
        *(
            {
                "kind": "response",
                "id": f"r-{n}",
                "actor": "canada",
                "stance": "condemn",
                "forum": "national",
                "date": "2026-01-01",
                "answers": [{"measure": f"m-{n}"}],
                **({"members": ["witness"]} if n == 2 else {}),
            }
            for n in range(8)
        ),
    ]


@pytest.fixture
def filled(store: Store, tmp_path) -> Store:
    import_files(store, write_lines(tmp_path / "records.jsonl", _records()))
    return store


def test_pages_built_after_reading_ahead_are_the_pages_built_one_by_one(filled):
    with filled.reading() as connection:
        withheld = frozenset(reader.withheld_keys(connection))
        assert ("actor", "witness") in withheld
        for kind, build, reads in (
            ("actor", actor_page, ACTOR_READS),
            ("measure", lambda v, i: record_page(v, "measure", i), referrer_reads("measure")),
        ):
            ids = [i for page in reader.shown_ids(connection, kind) for i in page]
            ahead = PublicView(connection, withheld)
            ahead.read_ahead(kind, ids, reads)
            for record_id in ids:
                one = build(PublicView(connection), record_id)
                assert build(ahead, record_id).data == one.data, (kind, record_id)
            assert "witness" not in str([build(ahead, i).data for i in ids])


def test_a_record_is_kept_by_its_content_not_its_name(tmp_path):
    first, second = (Store.open(str(tmp_path / f"{n}.db")) for n in (1, 2))
    try:
        for number, store in enumerate((first, second)):
            import_files(
                store,
                write_lines(
                    tmp_path / f"{number}.jsonl", [actor("same-id", name=f"Name {number}")]
                ),
            )
        with first.reading() as one, second.reading() as two:
            assert reader.shown(one, "actor", "same-id").record.name == "Name 0"
            assert reader.shown(two, "actor", "same-id").record.name == "Name 1"
    finally:
        first.close()
        second.close()
