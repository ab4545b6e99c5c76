"""Database leases that let exactly one worker run a job while others idle."""

from __future__ import annotations

import os
import socket
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Callable, Iterator

from sqlalchemy import delete, insert, update
from sqlalchemy.exc import IntegrityError

from companion.store.db import Store
from companion.store.models import JobLock
from companion.store.types import utcnow


def default_holder() -> str:
    """A name for this process: host and pid."""
    return f"{socket.gethostname()}:{os.getpid()}"


class LockHeld(RuntimeError):
    """Another process holds the lock."""


def acquire(store: Store, name: str, holder: str, ttl: timedelta, now: Callable[[], datetime] = utcnow) -> bool:
    """Take or renew the lease on `name`; False when another holder's lease has not expired."""
    moment = now()
    expires = moment + ttl
    with store.engine.begin() as connection:
        taken = connection.execute(
            update(JobLock)
            .where(JobLock.name == name)
            .where((JobLock.holder == holder) | (JobLock.expires_at < moment))
            .values(holder=holder, acquired_at=moment, expires_at=expires)
        ).rowcount
    if taken:
        return True
    try:
        with store.engine.begin() as connection:
            connection.execute(insert(JobLock).values(name=name, holder=holder, acquired_at=moment, expires_at=expires))
        return True
    except IntegrityError:
        return False


def release(store: Store, name: str, holder: str) -> None:
    """Give the lease back if this holder still has it."""
    with store.engine.begin() as connection:
        connection.execute(delete(JobLock).where(JobLock.name == name).where(JobLock.holder == holder))


@contextmanager
def job_lock(store: Store, name: str, holder: str | None = None, ttl: timedelta = timedelta(hours=2)) -> Iterator[str]:
    """Hold the lease for the duration of the block, raising LockHeld when another process has it."""
    holder = holder or default_holder()
    if not acquire(store, name, holder, ttl):
        raise LockHeld(f"job {name!r} is running elsewhere")
    try:
        yield holder
    finally:
        release(store, name, holder)
