"""One snapshot of the companion's state for /health, /metrics and `companion status`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select

from companion.ops.heartbeat import WorkerHealth, forum_request_totals, worker_health
from companion.settings import Settings
from companion.store.db import Store
from companion.store.models import JobRun, OutboxItem, SyncCursor
from companion.store.types import utcnow

OUTBOX_STATES = ("pending", "sending", "sent", "failed", "cancelled")


@dataclass(frozen=True)
class Status:
    """Counts and ages an operator watches: worker, outbox, nightly run, sync and forum requests."""

    worker: WorkerHealth
    outbox: dict[str, int] = field(default_factory=dict)
    oldest_pending_seconds: float | None = None
    sent_last_minute: int = 0
    last_nightly_ok: datetime | None = None
    sync_lag_seconds: float | None = None
    forum_requests: int = 0
    forum_rate_limited: int = 0

    @property
    def healthy(self) -> bool:
        return self.worker.healthy

    def as_dict(self) -> dict:
        return {
            "worker": self.worker.as_dict(),
            "outbox": dict(self.outbox),
            "oldest_pending_seconds": _round(self.oldest_pending_seconds),
            "sent_last_minute": self.sent_last_minute,
            "last_nightly_ok": self.last_nightly_ok.isoformat() if self.last_nightly_ok else None,
            "sync_lag_seconds": _round(self.sync_lag_seconds),
            "forum_requests": self.forum_requests,
            "forum_rate_limited": self.forum_rate_limited,
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def collect_status(store: Store, settings: Settings, now: datetime | None = None, host: str | None = None) -> Status:
    """Read the status from the database (a handful of small aggregate queries)."""
    moment = now or utcnow()
    worker = worker_health(
        store, silent_after=settings.worker_silent_after, required=settings.worker_required, now=moment, host=host
    )
    with store.session() as session:
        counts = dict.fromkeys(OUTBOX_STATES, 0)
        for state, number in session.execute(select(OutboxItem.status, func.count()).group_by(OutboxItem.status)):
            counts[state] = number
        oldest = session.scalar(select(func.min(OutboxItem.created_at)).where(OutboxItem.status == "pending"))
        sent_recently = session.scalar(
            select(func.count()).where(OutboxItem.status == "sent", OutboxItem.sent_at >= moment - timedelta(minutes=1))
        )
        last_nightly = session.scalar(
            select(func.max(JobRun.finished_at)).where(JobRun.job == "nightly", JobRun.status == "ok")
        )
        last_sync = session.scalar(select(func.max(SyncCursor.updated_at)))
    requests, limited = forum_request_totals(store)
    # func.min/max bypass the column type on some drivers; make the values aware UTC again.
    oldest, last_nightly, last_sync = (_aware(v) for v in (oldest, last_nightly, last_sync))
    return Status(
        worker=worker,
        outbox=counts,
        oldest_pending_seconds=(moment - oldest).total_seconds() if oldest else None,
        sent_last_minute=sent_recently or 0,
        last_nightly_ok=last_nightly,
        sync_lag_seconds=(moment - last_sync).total_seconds() if last_sync else None,
        forum_requests=requests,
        forum_rate_limited=limited,
    )


def _aware(value: datetime | str | None) -> datetime | None:
    from datetime import UTC

    if value is None:
        return None
    if isinstance(value, str):  # SQLite hands back aggregates as text
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)
