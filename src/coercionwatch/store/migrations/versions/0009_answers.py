"""The answers table: each response as coverage counts it, one row a response, so that the
report for every wave reads the responses in one scan rather than four facet look-ups each.

Revision ID: 0009
Revises: 0008
"""

from alembic import op

from coercionwatch.store.answers import rebuild_answers
from coercionwatch.store.migrations.answers import add_answers_schema

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    add_answers_schema()
    rebuild_answers(op.get_bind())


def downgrade() -> None:
    raise NotImplementedError("restore a backup taken before migration 0009")
