from alembic.script import ScriptDirectory

from coercionwatch.store import Store, database_url
from coercionwatch.store.database import SCHEMA_HEAD, alembic_config, schema_revision


def test_the_known_head_is_alembics_head():
    assert ScriptDirectory.from_config(alembic_config()).get_current_head() == SCHEMA_HEAD


def test_opening_creates_then_reuses_the_schema(database):
    with Store.open(database) as first:
        assert schema_revision(first.engine) == SCHEMA_HEAD
    with Store.open(database) as again:
        assert again.count() == {}


def test_locations_become_urls(tmp_path):
    assert database_url(str(tmp_path / "x.db")) == f"sqlite:///{tmp_path / 'x.db'}"
    assert database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert database_url(None).endswith("/coercionwatch.db")
