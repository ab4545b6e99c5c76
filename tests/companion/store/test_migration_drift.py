"""The models and the newest migration agree, and `companion db revision` writes the next migration."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from click.testing import CliRunner
from sqlalchemy import text

from companion.cli import main
from companion.store import migrate
from companion.store.db import Store
from companion.store.models import Base


def test_models_and_the_latest_migration_agree(store):
    with store.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == [], differences


def test_db_revision_autogenerates_what_the_models_add(tmp_path, monkeypatch):
    store = Store(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    migrate.upgrade(store)
    with store.engine.begin() as connection:
        # As if the models had just gained this table: the database at head lacks it.
        connection.execute(text("drop table worker_heartbeats"))
    versions = tmp_path / "versions"
    versions.mkdir()
    path = migrate.revision(store, "add worker heartbeats", rev_id="0099_test", directory=versions)
    store.dispose()
    source = path.read_text()
    assert path.parent == versions
    assert "revision = '0099_test'" in source
    assert f"down_revision = '{migrate.head_revision()}'" in source
    assert "op.create_table('worker_heartbeats'" in source
    assert "op.drop_table('worker_heartbeats')" in source


def test_db_revision_refuses_a_database_behind_the_code(tmp_path, monkeypatch):
    monkeypatch.setenv("COMPANION_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    result = CliRunner().invoke(main, ["db", "revision", "-m", "anything"])
    assert result.exit_code == 2
    assert "companion db upgrade" in result.output
    assert not list((migrate.MIGRATIONS / "versions").glob("*anything*"))
