"""The table of counted waves: each wave's answers counted once and kept, exact under
writes, so that the coverage report reads one row a wave rather than every answer. It
starts empty: the first report counts and keeps every wave.

Revision ID: 0012
Revises: 0011
"""

from coercionwatch.store.migrations.counts import add_counts_schema

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    add_counts_schema()


def downgrade() -> None:
    raise NotImplementedError("restore a backup taken before migration 0012")
