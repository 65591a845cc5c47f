"""The answers table (migration 0009).

Migration 0004 restates records through the writer of today, which writes this table, so it
adds it first when it is missing; 0009 adds it if it is still missing and derives every row.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


def add_answers_schema() -> None:
    if sa.inspect(op.get_bind()).has_table("answers"):
        return
    op.create_table(
        "answers",
        sa.Column("record_pk", sa.Integer, primary_key=True),
        sa.Column("measures", sa.Text, nullable=False),
        sa.Column("speakers", sa.Text, nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("forum", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(64), nullable=False),
        sa.Column("member_count", sa.Integer),
    )
