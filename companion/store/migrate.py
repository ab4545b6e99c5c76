"""Applying Alembic migrations and checking that the schema matches the code."""

from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from companion.store.db import Store, StoreError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(store: Store) -> Config:
    """An Alembic configuration bound to the store's engine."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = store.engine
    return config


def head_revision() -> str:
    """The newest migration the code knows."""
    head = ScriptDirectory.from_config(_script_only_config()).get_current_head()
    if head is None:
        raise RuntimeError(f"no migrations found in {MIGRATIONS}")
    return head


def _script_only_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def current_revision(store: Store) -> str | None:
    """The migration the database is at, or None for an empty database."""
    with store.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(store: Store, revision: str = "head") -> None:
    """Apply migrations up to the revision."""
    check_not_newer(store)
    command.upgrade(alembic_config(store), revision)


def downgrade(store: Store, revision: str) -> None:
    """Revert migrations down to the revision ("base" removes every table)."""
    command.downgrade(alembic_config(store), revision)


def check_not_newer(store: Store) -> None:
    """Raise StoreError when the database was migrated by a newer version of the companion."""
    current = current_revision(store)
    if current is None:
        return
    script = ScriptDirectory.from_config(_script_only_config())
    try:
        script.get_revision(current)
    except Exception:
        raise StoreError(
            f"the database schema is at revision {current}, which this version of the companion "
            f"does not know (newest known: {head_revision()}); upgrade the companion"
        ) from None


def check_up_to_date(store: Store) -> None:
    """Raise StoreError unless the database is at the newest migration."""
    check_not_newer(store)
    current = current_revision(store)
    head = head_revision()
    if current != head:
        raise StoreError(
            f"the database schema is at revision {current or 'none'}, the code needs {head}: run `companion db upgrade`"
        )


def revision(store: Store, message: str, *, rev_id: str | None = None, directory: Path | None = None) -> Path:
    """Autogenerate the next migration from the difference between the models and the (current) database.

    The database must be at the newest migration, or the new file would repeat older ones. directory puts
    the file elsewhere than the package's versions folder (tests).
    """
    check_up_to_date(store)
    config = alembic_config(store)
    if directory is not None:
        config.set_main_option("path_separator", "os")
        config.set_main_option("version_locations", os.pathsep.join([str(MIGRATIONS / "versions"), str(directory)]))
    scripts = command.revision(
        config, message=message, autogenerate=True, rev_id=rev_id, version_path=str(directory) if directory else None
    )
    script = scripts[0] if isinstance(scripts, list) else scripts
    if script is None:
        raise StoreError("Alembic wrote no migration")
    return Path(script.path)
