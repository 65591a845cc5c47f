"""A measure's regional group is its target's, read from the target's nationality: the
facet read a `region` field, which only state actors have, so no measure had one.

Revision ID: 0010
Revises: 0009
"""

from alembic import op

from coercionwatch.store.facets import rebuild_facets

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    rebuild_facets(op.get_bind())


def downgrade() -> None:
    raise NotImplementedError("restore a backup taken before migration 0010")
