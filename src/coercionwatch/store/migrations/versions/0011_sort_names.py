"""Lists sorted by name order by the name a reader sees: a measure titled `designation:
fatou-bensouda` by its card's "Sanctions designation: Fatou Bensouda". The sort column
`sort_name` is derived with the facets, and its listing index replaces the one on `title`.
The feed lists by when records last changed, through a new index on `updated_at`.

Revision ID: 0011
Revises: 0010
"""

from alembic import op

from coercionwatch.store.facets import rebuild_facets
from coercionwatch.store.migrations.listing import add_listing_schema

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_records_list_title")
    add_listing_schema()
    connection = op.get_bind()
    rebuild_facets(connection)
    # The planner's statistics for the new indexes. One table: a whole-database ANALYZE on
    # PostgreSQL takes catalog locks that another schema's migration may hold.
    connection.exec_driver_sql("ANALYZE records")


def downgrade() -> None:
    raise NotImplementedError("restore a backup taken before migration 0011")
