"""Shared fixtures: stores on SQLite (always) and PostgreSQL (when COMPANION_TEST_DATABASE_URL names one)."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from companion.settings import Settings, load_settings
from companion.store import migrate
from companion.store.db import Store
from companion.store.models import Base
from tests.support.env import PG_SKIP_REASON, postgres_base_url, skip_or_fail

pytest_plugins = ["tests.support.circles_fixtures", "tests.support.i18n_fixtures", "tests.support.web_fixtures"]


@pytest.fixture(scope="session")
def postgres_schema_url():
    """A private schema in the test PostgreSQL database, so parallel runs do not collide."""
    base = postgres_base_url()
    if base is None:
        skip_or_fail(PG_SKIP_REASON)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f'create schema "{schema}"'))
    separator = "&" if "?" in base else "?"
    yield f"{base}{separator}options=-csearch_path%3D{schema}"
    with admin.begin() as connection:
        connection.execute(text(f'drop schema "{schema}" cascade'))
    admin.dispose()


@pytest.fixture(scope="session")
def _migrated_postgres(postgres_schema_url):
    store = Store(postgres_schema_url)
    migrate.upgrade(store)
    yield store
    store.dispose()


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "companion.sqlite3"
    store = Store(f"sqlite:///{path}")
    migrate.upgrade(store)
    store.dispose()
    return path


def _truncate_all(store: Store) -> None:
    tables = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
    with store.engine.begin() as connection:
        connection.execute(text(f"truncate {tables} restart identity cascade"))


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path) -> Store:
    """A migrated, empty store on each database the run can reach."""
    if request.param == "sqlite":
        path = tmp_path / "companion.sqlite3"
        shutil.copy(request.getfixturevalue("_sqlite_template"), path)
        store = Store(f"sqlite:///{path}")
        yield store
        store.dispose()
    else:
        if postgres_base_url() is None:
            skip_or_fail(PG_SKIP_REASON)
        store = request.getfixturevalue("_migrated_postgres")
        _truncate_all(store)
        yield store
        _truncate_all(store)


@pytest.fixture
def sqlite_store(tmp_path, _sqlite_template) -> Store:
    """A migrated, empty SQLite store (for tests that are about something other than the database)."""
    path = tmp_path / "companion.sqlite3"
    shutil.copy(_sqlite_template, path)
    store = Store(f"sqlite:///{path}")
    yield store
    store.dispose()


@pytest.fixture
def settings(tmp_path) -> Settings:
    """Settings as an operator would set them for tests, with every secret present."""
    return load_settings(
        {
            "COMPANION_INSTANCE_PATH": str(tmp_path / "instance"),
            "COMPANION_SECRET_KEY": "test-secret-key-0123456789",
            "COMPANION_CONNECT_SECRET": "test-connect-secret",
            "COMPANION_WEBHOOK_SECRET": "test-webhook-secret",
            "COMPANION_SESSION_COOKIE_SECURE": "false",
        }
    )


# --- live servers over real HTTP -------------------------------------------------------
