"""Lists as indexed queries: the facet table, the sort columns and the listing indexes.

Every current record's facet values (`model/facets.yaml`) are derived here, as the writer
derives them for every version written from now on; `verify` recomputes them.

Revision ID: 0005
Revises: 0004
"""

from alembic import op

from coercionwatch.store.facets import rebuild_facets
from coercionwatch.store.migrations.listing import add_listing_schema

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    add_listing_schema()
    connection = op.get_bind()
    rebuild_facets(connection)
    # Statistics for the planner, which picks the listing indexes well only with them. On
    # PostgreSQL, this schema's tables only: a whole-database ANALYZE also takes locks on the
    # catalogs and on other schemas' tables, which another schema's migration may hold (two
    # new schemas migrated at once deadlocked).
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("ANALYZE records, facets")
    else:
        connection.exec_driver_sql("ANALYZE")


def downgrade() -> None:
    raise NotImplementedError("restore a backup taken before migration 0005")
