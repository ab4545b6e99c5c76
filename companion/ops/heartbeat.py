"""The worker's heartbeat in the database, so the web process and the CLI can tell whether it is alive."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from companion import __version__
from companion.store.db import Store
from companion.store.models import WorkerHeartbeat
from companion.store.types import utcnow

HEARTBEAT_EVERY_SECONDS = 30


def beat(
    store: Store,
    worker_id: str,
    *,
    forum_requests: int = 0,
    forum_rate_limited: int = 0,
    now: datetime | None = None,
) -> None:
    """Record that this worker is alive, with its forum request counters since it started."""
    moment = now or utcnow()
    with store.transaction() as session:
        row = session.get(WorkerHeartbeat, worker_id)
        if row is None:
            row = WorkerHeartbeat(worker_id=worker_id, version=__version__, started_at=moment)
            session.add(row)
        row.beat_at = moment
        row.forum_requests = forum_requests
        row.forum_rate_limited = forum_rate_limited


@dataclass(frozen=True)
class WorkerHealth:
    """The newest heartbeat and what it says: alive, silent, or never seen."""

    status: str
    worker_id: str | None
    beat_at: datetime | None
    age_seconds: float | None
    healthy: bool

    def as_dict(self) -> dict:
        return {
            "status": self.status,
            "worker_id": self.worker_id,
            "last_heartbeat": self.beat_at.isoformat() if self.beat_at else None,
            "age_seconds": round(self.age_seconds, 1) if self.age_seconds is not None else None,
        }


def worker_health(
    store: Store, *, silent_after: float, required: bool, now: datetime | None = None, host: str | None = None
) -> WorkerHealth:
    """How the newest heartbeat (of workers on host, if given) compares with the allowed silence.

    A worker never seen counts as silent where one is required (production).
    """
    moment = now or utcnow()
    query = select(WorkerHeartbeat).order_by(WorkerHeartbeat.beat_at.desc()).limit(1)
    if host is not None:
        query = query.where(WorkerHeartbeat.worker_id.startswith(f"{host}:", autoescape=True))
    with store.session() as session:
        row = session.scalars(query).first()
        if row is None:
            return WorkerHealth("never seen", None, None, None, healthy=not required)
        age = (moment - row.beat_at).total_seconds()
        silent = age > silent_after
        return WorkerHealth("silent" if silent else "ok", row.worker_id, row.beat_at, age, healthy=not silent)


def forum_request_totals(store: Store) -> tuple[int, int]:
    """Forum requests and rate-limited answers reported by every worker's newest heartbeat."""
    with store.session() as session:
        rows = session.execute(select(WorkerHeartbeat.forum_requests, WorkerHeartbeat.forum_rate_limited)).all()
    return sum(r[0] for r in rows), sum(r[1] for r in rows)
