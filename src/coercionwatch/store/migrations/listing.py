"""The listing schema (migrations 0005, 0011): facet table, sort columns, listing indexes.

Migration 0004 restates records through the writer of today, which writes facets, so it
adds this schema first when it is missing; 0005 then adds whatever is still missing and
derives every row. Both calls leave a database that has it as it is.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

LIST_SORTS = {
    "date": "coalesce(date, '')",
    "name": "sort_name",
    "type": "type",
    "status": "status",
}
"""Each listing index's sort expression, after the projection's columns and the kind."""


def add_listing_schema() -> None:
    inspector = sa.inspect(op.get_bind())
    present = {c["name"] for c in inspector.get_columns("records")}
    for name in ("type", "status"):
        if name not in present:
            op.add_column(
                "records", sa.Column(name, sa.String(64), nullable=False, server_default="")
            )
    if "sort_name" not in present:
        op.add_column("records", sa.Column("sort_name", sa.Text, nullable=False, server_default=""))
    if not inspector.has_table("facets"):
        op.create_table(
            "facets",
            sa.Column("record_pk", sa.Integer, primary_key=True),
            sa.Column("facet", sa.String(32), primary_key=True),
            sa.Column("value", sa.String(200), primary_key=True),
            sa.Column("kind", sa.String(32), nullable=False),
            sa.Column("points_to", sa.String(32)),
            sa.Column("shown", sa.Boolean, nullable=False),
        )
        op.create_index(
            "ix_facets_count", "facets", ["kind", "facet", "shown", "value", "record_pk"]
        )
    for name, expression in LIST_SORTS.items():
        op.execute(
            f"CREATE INDEX IF NOT EXISTS ix_records_list_{name} ON records"
            f" (kind, visibility, withheld, deleted, {expression}, id)"
        )
    # The timeline lists several kinds in one order: by date first, then kind and id.
    op.execute(
        "CREATE INDEX IF NOT EXISTS ix_records_timeline ON records"
        " (visibility, withheld, deleted, coalesce(date, ''), kind, id)"
    )
    # The feed lists measures and responses by when they last changed.
    op.execute(
        "CREATE INDEX IF NOT EXISTS ix_records_updated ON records"
        " (visibility, withheld, deleted, updated_at, kind, id)"
    )
