"""The facet rows that name a record, found by what they name: a record's visibility changing
re-reads the verdict of every row naming it, which without this index scanned the whole
facet table once per 500 records written (an import's time grew with the square of its size).

Revision ID: 0008
Revises: 0007
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_facets_named", "facets", ["points_to", "value"])


def downgrade() -> None:
    raise NotImplementedError("restore a backup taken before migration 0008")
