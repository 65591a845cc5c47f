"""Snapshots of sanctions lists: members per snapshot, entry bodies stored once by digest.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "list_snapshots",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("list_name", sa.String(100), nullable=False),
        sa.Column("format", sa.String(32), nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("published", sa.String(10)),
        sa.Column("taken_at", sa.String(32), nullable=False),
        sa.Column("entries", sa.Integer, nullable=False),
        sa.Column("members", sa.LargeBinary, nullable=False),
    )
    op.create_index("ix_list_snapshots_list", "list_snapshots", ["list_name", "id"])
    op.create_table(
        "list_entry_bodies",
        sa.Column("digest", sa.String(64), primary_key=True),
        sa.Column("body", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("list_entry_bodies")
    op.drop_table("list_snapshots")
