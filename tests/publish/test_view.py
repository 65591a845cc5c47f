"""The public view reading ahead for a static site's pages builds exactly the pages it
builds asking one page at a time, withheld records included, and validated records are kept
by content, never by name: two databases with the same id never share a record."""

from __future__ import annotations

import pytest

from coercionwatch.publish.pages.actors import ACTOR_READS, actor_page
from coercionwatch.publish.pages.incident import INCIDENT_READS, incident_page
from coercionwatch.publish.pages.records import record_page, referrer_reads
from coercionwatch.publish.view import Known, PublicView
from coercionwatch.store import Store, reader
from tests.helpers import actor, import_files, measure, write_lines

SITE = "https://example.org"


def _incident(slug: str) -> dict:
    return {
        "kind": "incident",
        "slug": slug,
        "title": slug.title(),
        "date": "2025-01-01",
        "summary": "Measures under one order.",
        "category": "judicial-independence",
        "severity": "limited",
        "posture": "confirmed",
    }


def _records() -> list[dict]:
    return [
        actor("usa", type="state", name="United States", country="US"),
        actor("canada", type="state", name="Canada", country="CA"),
        *(actor(f"p-{n}", nationality=["CA"]) for n in range(6)),
        actor("witness", visibility="restricted"),
        *(
            measure(
                f"m-{n}",
                f"p-{n % 6}",
                date=f"2025-0{1 + n % 9}-01",
                **({"incident": "order"} if n % 4 == 0 else {}),
            )
            for n in range(20)
        ),
        measure("m-secret", "witness", incident="order"),
        {  # answers a withheld measure of the incident: not one of the incident's answers
            "kind": "response",
            "id": "r-secret",
            "actor": "canada",
            "stance": "condemn",
            "forum": "national",
            "date": "2026-02-01",
            "answers": [{"measure": "m-secret"}, {"measure": "m-1"}],
        },
        _incident("order"),
        _incident("other"),
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


def test_pages_built_after_reading_ahead_are_the_pages_built_one_by_one(filled, tmp_path):
    """Read ahead, and from views sharing what they learn (as a site build's are), the
    pages are those of a view asking for each page alone: the answers to an actor's or an
    incident's measures, reached through them, and an incident's updates included."""
    revised = write_lines(
        tmp_path / "revised.jsonl", [{**_incident("order"), "summary": "Revised."}]
    )
    import_files(filled, revised, reason="New figures.")
    with filled.reading() as connection:
        withheld = frozenset(reader.withheld_keys(connection))
        assert ("actor", "witness") in withheld
        known = Known()
        for kind, build, reads in (
            ("actor", actor_page, ACTOR_READS),
            ("incident", lambda v, i: incident_page(v, i, SITE), INCIDENT_READS),
            ("measure", lambda v, i: record_page(v, "measure", i), referrer_reads("measure")),
        ):
            ids = [i for page in reader.shown_ids(connection, kind) for i in page]
            for shared in (Known(), known):
                ahead = PublicView(connection, withheld, shared)
                ahead.read_ahead(kind, ids, reads)
                for record_id in ids:
                    one = build(PublicView(connection), record_id)
                    assert build(ahead, record_id).data == one.data, (kind, record_id)
                assert "witness" not in str([build(ahead, i).data for i in ids])
        order = incident_page(PublicView(connection), "order", SITE).data
        assert [r["id"] for r in order["responses"]] == ["r-0", "r-4"]  # same day: by id
        assert [u["summary"] for u in order["record"]["updateLog"]] == ["New figures."]


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
