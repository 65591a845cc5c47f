"""The archive: files by SHA-256, and what each mirror holds of them.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "blobs",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("media_type", sa.String(200), nullable=False),
        sa.Column("added_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "blob_copies",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("mirror", sa.String(500), primary_key=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("checked_at", sa.String(32), nullable=False),
        sa.Column("detail", sa.Text),
    )
    op.create_index("ix_blob_copies_state", "blob_copies", ["mirror", "state"])


def downgrade() -> None:
    raise NotImplementedError("restore a backup taken before migration 0007")
