"""The transparency log: leaves, complete nodes and signed checkpoints; every journal
entry already written becomes a leaf (`store/migrations/log.py`).

Revision ID: 0006
Revises: 0005
"""

from coercionwatch.store.migrations.log import add_log_schema

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    add_log_schema()


def downgrade() -> None:
    raise NotImplementedError("restore a backup taken before migration 0006")
