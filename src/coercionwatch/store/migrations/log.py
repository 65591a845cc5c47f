"""The log schema (migration 0006): leaves, complete nodes and signed checkpoints.

Migration 0004 writes journal entries through the writer of today, which appends leaves,
so it adds this schema first; 0006 then adds whatever is still missing. Either way every
journal entry not yet in the log becomes a leaf, in journal order, so an existing record's
history is in the log from its first entry. Both calls leave a database that has it as
it is.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from coercionwatch.store.log import append_leaves

CHUNK = 10_000


def add_log_schema() -> None:
    inspector = sa.inspect(op.get_bind())
    if not inspector.has_table("log_leaves"):
        op.create_table(
            "log_leaves",
            sa.Column("idx", sa.BigInteger, primary_key=True, autoincrement=False),
            sa.Column("kind", sa.String(16), nullable=False),
            sa.Column("data", sa.LargeBinary, nullable=False),
            sa.Column("seq", sa.BigInteger),
        )
        op.create_index("ix_log_leaves_seq", "log_leaves", ["seq"])
    if not inspector.has_table("log_nodes"):
        op.create_table(
            "log_nodes",
            sa.Column("level", sa.Integer, primary_key=True, autoincrement=False),
            sa.Column("idx", sa.BigInteger, primary_key=True, autoincrement=False),
            sa.Column("hash", sa.LargeBinary, nullable=False),
            sa.Column("size", sa.BigInteger, nullable=False),
        )
        op.create_index("ix_log_nodes_size", "log_nodes", ["size", "level"])
    if not inspector.has_table("log_checkpoints"):
        op.create_table(
            "log_checkpoints",
            sa.Column("size", sa.BigInteger, primary_key=True, autoincrement=False),
            sa.Column("root", sa.LargeBinary, nullable=False),
            sa.Column("note", sa.Text, nullable=False),
            sa.Column("signed_at", sa.String(32), nullable=False),
        )
    connection = op.get_bind()
    after = connection.execute(
        sa.text("SELECT count(*) FROM log_leaves WHERE kind = 'journal'")
    ).scalar_one()
    while True:
        rows = connection.execute(
            sa.text("SELECT seq, entry_hash FROM journal WHERE seq > :after ORDER BY seq LIMIT :n"),
            {"after": after, "n": CHUNK},
        ).all()
        if not rows:
            break
        append_leaves(
            connection,
            "journal",
            [bytes.fromhex(r.entry_hash) for r in rows],
            seqs=[r.seq for r in rows],
        )
        after = rows[-1].seq
