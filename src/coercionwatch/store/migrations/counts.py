"""The table of counted waves (migration 0012).

Migration 0004 restates records through the writer of today, which drops rows of this
table, so it adds it first when it is missing; 0012 adds it if it is still missing.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


def add_counts_schema() -> None:
    if sa.inspect(op.get_bind()).has_table("coverage_counts"):
        return
    op.create_table(
        "coverage_counts",
        sa.Column("projection", sa.String(8), primary_key=True),
        sa.Column("wave", sa.Text, primary_key=True),
        sa.Column("measures", sa.Text, nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
    )
