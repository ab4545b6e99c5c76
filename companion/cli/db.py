"""`companion db`: create, upgrade and inspect the database schema."""

from __future__ import annotations

import click

from companion.settings import load_settings
from companion.store import migrate
from companion.store.db import open_store


@click.group()
def db() -> None:
    """Manage the database schema (Alembic migrations).

    \b
    Examples:
      companion db upgrade             apply every migration
      companion db current             show the schema revision
      companion db revision -m "..."   write the next migration from the models
      companion db downgrade base      remove every table (asks first)
    """


@db.command()
@click.argument("revision", default="head")
def upgrade(revision: str) -> None:
    """Apply migrations up to REVISION (default: the newest).

    \b
    Example:
      COMPANION_DATABASE_URL=postgresql://companion@db/companion companion db upgrade
    """
    store = open_store(load_settings().database_url)
    migrate.upgrade(store, revision)
    click.echo(f"Database {store.safe_url} is at revision {migrate.current_revision(store)}.")


@db.command()
@click.argument("revision")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def downgrade(revision: str, yes: bool) -> None:
    """Revert migrations down to REVISION ("base" removes all data).

    \b
    Example:
      companion db downgrade base --yes
    """
    store = open_store(load_settings().database_url)
    if not yes:
        click.confirm(f"Revert {store.safe_url} to {revision}? Data in removed tables is lost", abort=True)
    migrate.downgrade(store, revision)
    click.echo(f"Database {store.safe_url} is at revision {migrate.current_revision(store) or 'base'}.")


@db.command()
def current() -> None:
    """Show the schema revision of the database and the newest one the code knows.

    \b
    Example:
      companion db current
    """
    store = open_store(load_settings().database_url)
    click.echo(f"database: {migrate.current_revision(store) or 'empty'}; code: {migrate.head_revision()}")


@db.command()
@click.option("-m", "--message", required=True, help='What the migration changes, e.g. "add worker heartbeats".')
@click.option("--rev-id", help="Revision id (default: a random one), e.g. 0003_meetups.")
def revision(message: str, rev_id: str | None) -> None:
    """Write the next migration from what the models add or change (Alembic autogenerate).

    Run it against a database at the newest migration (`companion db upgrade` first),
    then read and edit the file it writes before committing it.

    \b
    Example:
      companion db upgrade && companion db revision -m "add meetup rooms" --rev-id 0003_rooms
    """
    store = open_store(load_settings().database_url)
    path = migrate.revision(store, message, rev_id=rev_id)
    click.echo(f"Wrote {path}; read it, then `companion db upgrade`.")
