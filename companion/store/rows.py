"""Reading one row that must exist: a clear error instead of a None that fails further on."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy.orm import Session

from companion.errors import CompanionError

T = TypeVar("T")


class RowMissing(CompanionError, LookupError):
    """A row the caller relies on is not in the store (deleted meanwhile, or a wrong id)."""


def require(session: Session, model: type[T], key: Any) -> T:
    """The row of `model` with that primary key, or RowMissing naming the table and key."""
    row = session.get(model, key)
    if row is None:
        table = getattr(model, "__tablename__", model.__name__)
        raise RowMissing(f"no {table} row {key!r} in the store")
    return row
