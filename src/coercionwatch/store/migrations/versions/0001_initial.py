"""Records, versions, journal, references and the full-text index.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "records",
        sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("id", sa.String(200), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("visibility", sa.String(16), nullable=False),
        sa.Column("deleted", sa.Boolean, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("date", sa.String(10)),
        sa.Column("updated_at", sa.String(32), nullable=False),
        sa.UniqueConstraint("kind", "id", name="uq_records_kind_id"),
    )
    op.create_index("ix_records_kind_date", "records", ["kind", "date"])
    op.create_table(
        "versions",
        sa.Column("kind", sa.String(32), primary_key=True),
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
    )
    op.create_table(
        "journal",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("action", sa.String(8), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("record_id", sa.String(200), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("version_hash", sa.String(64)),
        sa.Column("reason", sa.Text),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("entry_hash", sa.String(64), nullable=False),
    )
    op.create_index("ix_journal_record", "journal", ["kind", "record_id"])
    op.create_table(
        "refs",
        sa.Column("from_kind", sa.String(32), primary_key=True),
        sa.Column("from_id", sa.String(200), primary_key=True),
        sa.Column("field", sa.String(64), primary_key=True),
        sa.Column("to_kind", sa.String(32), primary_key=True),
        sa.Column("to_id", sa.String(200), primary_key=True),
    )
    op.create_index("ix_refs_target", "refs", ["to_kind", "to_id"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE TABLE search_index ("
            " record_pk integer PRIMARY KEY REFERENCES records(pk),"
            " title text NOT NULL, body text NOT NULL,"
            " document tsvector GENERATED ALWAYS AS ("
            "  setweight(to_tsvector('simple', title), 'A') ||"
            "  setweight(to_tsvector('simple', body), 'B')) STORED)"
        )
        op.execute("CREATE INDEX ix_search_document ON search_index USING gin (document)")
    else:
        # Contentless: the text lives in `versions` already; snippets are made from there.
        op.execute(
            "CREATE VIRTUAL TABLE search_index USING fts5("
            "title, body, content='', tokenize='unicode61 remove_diacritics 2')"
        )


def downgrade() -> None:
    op.execute("DROP TABLE search_index")
    for table in ("refs", "journal", "versions", "records"):
        op.drop_table(table)
