"""A database written by model v1 migrates to v2: restated, journaled, and still verified."""

from __future__ import annotations

import hashlib

from alembic import command

from coercionwatch.model import canonical_json, load_record, stored_body
from coercionwatch.store import Store
from coercionwatch.store.database import alembic_config, create_database_engine
from coercionwatch.store.schema import journal, proposals, records, refs, versions
from coercionwatch.store.search import index_rows, searchable_text
from coercionwatch.store.writer import JournalWriter

V1 = [
    ("actor", {"id": "us", "name": "United States", "type": "state", "visibility": "public"}),
    ("actor", {"id": "prost", "name": "K. Prost", "type": "person", "visibility": "public"}),
    ("actor", {"id": "canada", "name": "Canada", "type": "state", "visibility": "public"}),
    (
        "measure",
        {
            "id": "m-prost",
            "type": "designation",
            "imposer": "us",
            "target": "prost",
            "authority": "Executive Order 14203",
            "provisions": [],
            "status": "active",
            "visibility": "public",
        },
    ),
    (
        "response",
        {
            "id": "r-canada",
            "actor": "canada",
            "stance": "condemn",
            "forum": "joint",
            "answers": ["m-prost"],
            "visibility": "public",
        },
    ),
]
V1_POINTERS = [
    ("measure", "m-prost", "imposer", "actor", "us"),
    ("measure", "m-prost", "target", "actor", "prost"),
    ("response", "r-canada", "actor", "actor", "canada"),
    ("response", "r-canada", "answers", "measure", "m-prost"),
]


def _write_v1_database(location: str) -> None:
    """What a v1 release left behind: v1 bodies, their journal, refs under v1 names, and
    one proposal still open."""
    engine = create_database_engine(location)
    with engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "0003")
        writer = JournalWriter(connection, "v1 editor", "loaded under model v1")
        rows = [*V1, ("actor", {**V1[1][1], "name": "Kimberly Prost"})]
        for pk, (kind, body) in enumerate(rows, start=1):
            raw = canonical_json(body)
            digest = hashlib.sha256(raw).hexdigest()
            proposing = pk == len(rows)
            version = 2 if proposing else 1
            connection.execute(
                versions.insert().values(
                    kind=kind, id=body["id"], version=version, hash=digest, body=raw.decode()
                )
            )
            action = "propose" if proposing else "create"
            entry = writer.entry(action, kind, body["id"], version, digest)
            connection.execute(journal.insert().values(**entry))
            if proposing:
                connection.execute(
                    proposals.insert().values(
                        seq=entry["seq"],
                        kind=kind,
                        record_id=body["id"],
                        version=2,
                        base_version=1,
                        status="open",
                    )
                )
                continue
            record = load_record(kind, body)
            connection.execute(
                records.insert().values(
                    pk=pk,
                    kind=kind,
                    id=body["id"],
                    version=1,
                    hash=digest,
                    visibility="public",
                    deleted=False,
                    title=record.heading(),
                    date=record.when(),
                    updated_at=writer.at,
                    withheld=False,
                )
            )
            v1_text = searchable_text(body, frozenset({"imposer", "target", "actor", "answers"}))
            index_rows(connection, [(pk, record.heading(), v1_text)], replaced=[])
        for edge in V1_POINTERS:
            connection.execute(
                refs.insert().values(
                    dict(
                        zip(
                            ("from_kind", "from_id", "field", "to_kind", "to_id"), edge, strict=True
                        )
                    )
                )
            )
    engine.dispose()


def test_a_v1_database_is_restated_in_v2_and_verifies(database):
    _write_v1_database(database)
    with Store.open(database) as store:
        assert store.verify() == []
        response = store.get("response", "r-canada")
        assert response is not None and response.version == 2
        body = stored_body(response.record)
        assert (body["forum"], body["channel"]) == ("unknown", "joint-statement")
        assert body["answers"] == [{"measure": "m-prost"}]
        history = store.history("response", "r-canada")
        assert [v.entry.version for v in history] == [1, 2]
        assert history[-1].entry.reason.startswith("model v2")
        assert history[-1].entry.author == "coercionwatch"
        measure = store.get("measure", "m-prost")
        assert measure is not None
        assert [b.text for b in measure.record.legal_basis] == ["Executive Order 14203"]
        # The actor with a proposal waiting keeps its version, so the proposal stays good.
        assert store.get("actor", "prost").version == 1
        assert [p.status for p in store.proposals()] == ["open"]
        assert store.referrers("measure", "m-prost") == [
            ("response", "r-canada", "answers.measure")
        ]
        store.accept([store.proposals()[0].seq], author="reviewer", reason="checked")
        assert store.get("actor", "prost").record.name == "Kimberly Prost"
        assert store.verify() == []


def test_every_version_written_under_v1_still_reads(database):
    _write_v1_database(database)
    with Store.open(database) as store:
        for kind, body in V1:
            first = store.history(kind, body["id"])[0]
            assert first.body == body
            assert load_record(kind, first.body).id == body["id"]
