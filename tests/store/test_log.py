"""The log in the store, on SQLite and PostgreSQL: every journal entry a leaf in the same
transaction, proofs that check against the root, checkpoints that `verify` holds the
store to — a truncated or rewritten journal fails it."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from coercionwatch.model import merkle, note
from coercionwatch.store import Store, log
from coercionwatch.store.schema import journal
from tests.helpers import actor, basic_records, measure, write_records


def entry_leaves(store: Store) -> list[bytes]:
    with store.reading() as connection:
        rows = connection.execute(select(journal.c.entry_hash).order_by(journal.c.seq))
        return [merkle.leaf_hash(bytes.fromhex(r.entry_hash)) for r in rows]


@pytest.fixture
def logged(store: Store) -> Store:
    write_records(store, *basic_records())
    write_records(store, actor("prost", nationality=["CA"], name="Kimberly Prost"))
    store.delete("measure", "m-prost", author="tester", reason="test")
    return store


def test_every_journal_entry_is_a_leaf_and_the_root_is_theirs(logged: Store):
    leaves = entry_leaves(logged)
    assert len(leaves) == 5
    with logged.reading() as connection:
        assert log.tree_size(connection) == 5
        assert log.root(connection) == merkle.root_of(leaves)
        assert log.leaf_data(connection, 0, 5)[0] != b""
    assert logged.verify() == []


def test_proofs_check_against_the_root(logged: Store):
    leaves = entry_leaves(logged)
    with logged.reading() as connection:
        for size in range(1, 6):
            root = merkle.root_of(leaves[:size])
            for index in range(size):
                proof = log.inclusion_proof(connection, index, size)
                merkle.check_inclusion(index, size, leaves[index], proof, root)
            for old in range(1, size + 1):
                proof = log.consistency_proof(connection, old, size)
                merkle.check_consistency(old, size, merkle.root_of(leaves[:old]), root, proof)


def test_a_checkpoint_is_signed_kept_and_extended(logged: Store):
    signer = note.Signer.generate("example.org/record")
    signed = logged.sign_checkpoint(signer)
    checkpoint = note.open_checkpoint(signed, signer.verifier())
    assert checkpoint.size == 5 and checkpoint.root == merkle.root_of(entry_leaves(logged))
    write_records(logged, measure("m-two", "prost"))
    later = note.open_checkpoint(logged.sign_checkpoint(signer), signer.verifier())
    assert later.size == 6
    with logged.reading() as connection:
        assert log.latest_checkpoint(connection).size == 6
        proof = log.consistency_proof(connection, 5, 6)
    merkle.check_consistency(5, 6, checkpoint.root, later.root, proof)
    assert logged.verify() == []


def _truncate(store: Store, keep: int) -> None:
    """What someone holding the database does to undo the last entries without trace:
    remove them from the journal, the versions, the log and its nodes alike."""
    with store.engine.begin() as connection:
        connection.execute(text(f"DELETE FROM journal WHERE seq > {keep}"))
        connection.execute(text(f"DELETE FROM log_leaves WHERE idx >= {keep}"))
        connection.execute(text(f"DELETE FROM log_nodes WHERE size > {keep}"))


def test_a_journal_truncated_after_a_checkpoint_fails_verify(store: Store):
    write_records(store, actor("a"))
    write_records(store, actor("b"))
    store.sign_checkpoint(note.Signer.generate("example.org/record"))
    _truncate(store, 1)
    faults = [str(f) for f in store.verify()]
    assert any("the journal was truncated" in f for f in faults), faults


def test_a_journal_rewritten_after_a_checkpoint_fails_verify(store: Store):
    write_records(store, actor("a"))
    store.sign_checkpoint(note.Signer.generate("example.org/record"))
    with store.engine.begin() as connection:
        connection.execute(text("DELETE FROM log_leaves"))
        connection.execute(text("DELETE FROM log_nodes"))
        fake = bytes(32)
        log.append_leaves(connection, "capture", [fake])
    faults = [str(f) for f in store.verify()]
    assert any("the journal was rewritten" in f for f in faults), faults


def test_a_changed_node_or_leaf_is_named(logged: Store):
    with logged.engine.begin() as connection:
        connection.execute(
            text("UPDATE log_nodes SET hash = :h WHERE level = 1 AND idx = 0"), {"h": bytes(32)}
        )
    assert any("log node 0 at level 1" in str(f) for f in logged.verify())


def test_leaves_of_other_kinds_sit_between_journal_leaves(logged: Store):
    with logged.engine.begin() as connection:
        assert log.append_leaves(connection, "capture", [bytes(range(32))]) == [5]
    write_records(logged, actor("after"))
    with logged.reading() as connection:
        assert log.tree_size(connection) == 7
        entry, leaf = log.record_leaf(connection, "actor", "after")
        assert leaf == 6
        assert entry.seq == connection.execute(select(func.max(journal.c.seq))).scalar()
    assert logged.verify() == []
    with pytest.raises(ValueError), logged.engine.begin() as connection:
        log.append_leaves(connection, "capture", [b"short"])
