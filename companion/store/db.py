"""Opening the store: engine, sessions and schema checks on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from companion.errors import CompanionError


class StoreError(CompanionError, RuntimeError):
    """The store cannot be used: unreachable, or its schema does not match the code."""


def _enable_sqlite_foreign_keys(dbapi_connection, _record) -> None:
    # SQLite ignores foreign keys (and so ON DELETE CASCADE) unless asked per connection.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def create_store_engine(url: str) -> Engine:
    """An engine for the URL, with SQLite set up for concurrent web and worker processes."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        event.listen(engine, "connect", _enable_sqlite_foreign_keys)
        if database and database != ":memory:":
            with engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA journal_mode=WAL")
        return engine
    return create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 10})


class Store:
    """The database behind the companion: an engine and a session factory."""

    def __init__(self, url: str) -> None:
        self.url = url
        try:
            self.engine = create_store_engine(url)
        except SQLAlchemyError as error:
            reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
            raise StoreError(f"cannot open the database {self.safe_url}: {reason}") from None
        except OSError as error:
            raise StoreError(f"cannot open the database {self.safe_url}: {error.strerror or error}") from None
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def safe_url(self) -> str:
        """The URL with any password hidden."""
        return make_url(self.url).render_as_string(hide_password=True)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def session(self) -> Session:
        """A new session; the caller commits or rolls back."""
        return self._sessions()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session that commits on success and rolls back on error."""
        session = self._sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def ping(self) -> None:
        """Connect once, raising StoreError with a one-line reason when the database is unreachable."""
        try:
            with self.engine.connect() as connection:
                connection.execute(text("select 1"))
        except OperationalError as error:
            reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
            raise StoreError(f"cannot reach the database {self.safe_url}: {reason}") from None
        except DBAPIError as error:
            reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
            raise StoreError(f"cannot read the database {self.safe_url}: {reason}") from None

    def check_integrity(self) -> None:
        """Raise StoreError when the database file is damaged (SQLite's quick check; PostgreSQL checks itself)."""
        if self.dialect != "sqlite":
            self.ping()
            return
        try:
            with self.engine.connect() as connection:
                problems = [row[0] for row in connection.exec_driver_sql("PRAGMA quick_check")]
        except DBAPIError as error:
            reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
            raise StoreError(f"the database {self.safe_url} is damaged: {reason}; restore it from a backup") from None
        if problems != ["ok"]:
            raise StoreError(
                f"the database {self.safe_url} is damaged: {problems[0] if problems else 'no answer'}; "
                "restore it from a backup"
            )

    def dispose(self) -> None:
        self.engine.dispose()


def open_store(url: str) -> Store:
    """Open the store at the URL and check it is reachable."""
    store = Store(url)
    store.ping()
    return store
