"""Database leases that let exactly one worker run a job while others idle."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from companion.errors import CompanionError
from companion.store.db import Store
from companion.store.models import JobLock
from companion.store.types import utcnow


def default_holder() -> str:
    """A name for this process: host and pid."""
    return f"{socket.gethostname()}:{os.getpid()}"


class LockHeld(CompanionError, RuntimeError):
    """Another process holds the lock."""


def _dead_local_holders(store: Store, name: str) -> list[str]:
    """Holders of this lease that ran on this host and whose process no longer exists (killed)."""
    with store.engine.begin() as connection:
        holders = [row[0] for row in connection.execute(select(JobLock.holder).where(JobLock.name == name))]
    return [holder for holder in holders if holder_is_dead(holder)]


def holder_is_dead(holder: str) -> bool:
    """Whether a holder name ("host:pid", optionally "/suffix") names a process on this host that has ended."""
    holder_host, _, pid = holder.split("/", 1)[0].rpartition(":")
    return holder_host == socket.gethostname() and pid.isdigit() and not _process_alive(int(pid))


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def acquire(store: Store, name: str, holder: str, ttl: timedelta, now: Callable[[], datetime] = utcnow) -> bool:
    """Take or renew the lease on `name`; False when another live holder's lease has not expired."""
    moment = now()
    expires = moment + ttl
    # A killed worker on this host cannot give its lease back; take it over at once.
    stale = _dead_local_holders(store, name)
    with store.engine.begin() as connection:
        taken = connection.execute(
            update(JobLock)
            .where(JobLock.name == name)
            .where((JobLock.holder == holder) | (JobLock.expires_at < moment) | JobLock.holder.in_(stale))
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


class Lease:
    """A held lease that the job renews while it works, so a crashed holder's lease soon expires."""

    def __init__(self, store: Store, name: str, holder: str, ttl: timedelta) -> None:
        self.store, self.name, self.holder, self.ttl = store, name, holder, ttl
        self._renewed = utcnow()

    def renew(self) -> None:
        """Extend the lease when a third of it has passed; raise LockHeld if it was lost."""
        if utcnow() - self._renewed < self.ttl / 3:
            return
        if not acquire(self.store, self.name, self.holder, self.ttl):
            raise LockHeld(f"lost the lease on job {self.name!r}")
        self._renewed = utcnow()


@contextmanager
def job_lock(
    store: Store, name: str, holder: str | None = None, ttl: timedelta = timedelta(minutes=15)
) -> Iterator[Lease]:
    """Hold the lease for the duration of the block, raising LockHeld when another process has it."""
    holder = holder or default_holder()
    if not acquire(store, name, holder, ttl):
        raise LockHeld(f"job {name!r} is running elsewhere")
    try:
        yield Lease(store, name, holder, ttl)
    finally:
        release(store, name, holder)
