"""The withheld flag on current records, and the proposals awaiting a decision.

Both are derived from versions and journal, and `verify` recomputes them.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "records", sa.Column("withheld", sa.Boolean, nullable=False, server_default=sa.false())
    )
    op.execute("UPDATE records SET withheld = (visibility <> 'public')")
    op.create_table(
        "proposals",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("record_id", sa.String(200), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("base_version", sa.Integer, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("decided_seq", sa.Integer),
    )
    op.create_index("ix_proposals_status", "proposals", ["status", "seq"])
    op.create_index("ix_proposals_record", "proposals", ["kind", "record_id", "version"])


def downgrade() -> None:
    op.drop_table("proposals")
    with op.batch_alter_table("records") as batch:
        batch.drop_column("withheld")
