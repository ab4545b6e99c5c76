"""The outbox: durable forum writes with idempotency keys, delivered paced and resumable.

Guarantee: an item is marked `sending` (and committed) before its request
goes out, and `sent` with the forum's ids after. An item found in `sending`
after a crash is "uncertain": its handler must look up whether the forum
already has the write before repeating it (the writers in `sync` do this by
idempotency key), so nobody receives a message twice.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from companion.outbox.guards import pre_send_block
from companion.store.db import Store
from companion.store.models import OutboxItem
from companion.store.types import utcnow
from sync.errors import ForumError, ForumRejected, ForumUnavailable, RateLimited

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8


@dataclass(frozen=True)
class DeliveryResult:
    """What the forum returned for one write."""

    post_id: int | None = None
    topic_id: int | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)


class Handler(Protocol):
    def __call__(self, forum: Any, payload: Mapping[str, Any], key: str, uncertain: bool) -> DeliveryResult: ...


def enqueue(
    session: Session,
    *,
    key: str,
    kind: str,
    payload: Mapping[str, Any],
    member_id: int | None = None,
    run_id: int | None = None,
) -> OutboxItem:
    """Queue a forum write once per idempotency key; a second call returns the existing row."""
    return enqueue_once(session, key=key, kind=kind, payload=payload, member_id=member_id, run_id=run_id)[0]


def enqueue_once(
    session: Session,
    *,
    key: str,
    kind: str,
    payload: Mapping[str, Any],
    member_id: int | None = None,
    run_id: int | None = None,
) -> tuple[OutboxItem, bool]:
    """Queue a forum write once per idempotency key; returns the row and whether this call created it."""
    existing = session.scalar(select(OutboxItem).where(OutboxItem.idempotency_key == key))
    if existing is not None:
        return existing, False
    item = OutboxItem(
        idempotency_key=key, kind=kind, payload=dict(payload), member_id=member_id, run_id=run_id, status="pending"
    )
    nested = session.begin_nested()
    try:
        session.add(item)
        session.flush()
        nested.commit()
    except IntegrityError:
        # Another process queued the same key between our look-up and insert.
        nested.rollback()
        return session.scalar(select(OutboxItem).where(OutboxItem.idempotency_key == key)), False
    return item, True


@dataclass
class DeliveryReport:
    """Counts of one delivery pass."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    remaining: int = 0
    stopped_early: bool = False
    rate_limited: int = 0
    withheld: int = 0

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(3600, 30 * 2 ** max(0, attempts - 1)))


def deliver_pending(
    store: Store,
    forum: Any,
    handlers: Mapping[str, Handler],
    *,
    limit: int | None = None,
    kinds: set[str] | None = None,
    should_stop: Callable[[], bool] = lambda: False,
    now: Callable[[], datetime] = utcnow,
    sleep: Callable[[float], None] = time.sleep,
    max_wait_seconds: float = 0.0,
) -> DeliveryReport:
    """Send due outbox items one by one until none is left, the limit is hit or should_stop says so."""
    report = DeliveryReport()
    handled = 0
    while not should_stop() and (limit is None or handled < limit):
        item_id, uncertain = _claim_next(store, now(), kinds)
        if item_id is None:
            break
        handled += 1
        outcome = _deliver_one(store, forum, handlers, item_id, uncertain, now)
        setattr(report, outcome, getattr(report, outcome) + 1)
        if outcome == "rate_limited":
            # The forum's budget is shared by every request, so the whole queue waits, not just this item.
            wait = _seconds_until_item(store, item_id, now())
            if wait > max_wait_seconds:
                report.stopped_early = True
                break
            sleep(wait)
    else:
        report.stopped_early = should_stop()
    report.remaining = count_open(store, kinds)
    return report


def _claim_next(store: Store, moment: datetime, kinds: set[str] | None) -> tuple[int | None, bool]:
    with store.transaction() as session:
        query = (
            select(OutboxItem)
            .where(OutboxItem.status.in_(("pending", "sending")))
            .where(OutboxItem.next_attempt_at <= moment)
            .order_by(OutboxItem.id)
            .limit(1)
        )
        if kinds:
            query = query.where(OutboxItem.kind.in_(kinds))
        if store.dialect == "postgresql":
            query = query.with_for_update(skip_locked=True)
        item = session.scalar(query)
        if item is None:
            return None, False
        uncertain = item.status == "sending"
        item.status = "sending"
        item.attempts += 1
        return item.id, uncertain


def _deliver_one(store, forum, handlers, item_id: int, uncertain: bool, now) -> str:
    with store.transaction() as session:
        item = session.get(OutboxItem, item_id)
        kind, payload, key, attempts = item.kind, dict(item.payload), item.idempotency_key, item.attempts
        # Checked again at delivery time: consent may have been withdrawn after the item was queued.
        withheld = pre_send_block(session, payload)
        if withheld:
            item.status = "cancelled"
            item.last_error = withheld
            log.info("outbox item %s not sent: %s", item_id, withheld)
            return "withheld"
    handler = handlers.get(kind)
    if handler is None:
        _finish(store, item_id, status="failed", error=f"no handler for outbox kind {kind!r}")
        return "failed"
    try:
        result = handler(forum, payload, key, uncertain)
    except RateLimited as error:
        _finish(
            store, item_id, status="pending", error=str(error), retry_at=now() + timedelta(seconds=error.wait_seconds)
        )
        return "rate_limited"
    except ForumUnavailable as error:
        # An ambiguous failure stays "sending" so the next attempt looks the write up first.
        status = "sending" if error.ambiguous else "pending"
        if attempts >= MAX_ATTEMPTS:
            status = "failed"
        _finish(store, item_id, status=status, error=str(error), retry_at=now() + _backoff(attempts))
        return "failed" if status == "failed" else "retried"
    except ForumRejected as error:
        _finish(store, item_id, status="failed", error=f"{error} (HTTP {error.status})")
        return "failed"
    except ForumError as error:
        status = "failed" if attempts >= MAX_ATTEMPTS else "pending"
        _finish(store, item_id, status=status, error=str(error), retry_at=now() + _backoff(attempts))
        return "failed" if status == "failed" else "retried"
    with store.transaction() as session:
        item = session.get(OutboxItem, item_id)
        item.status = "sent"
        item.sent_at = now()
        item.forum_post_id = result.post_id
        item.forum_topic_id = result.topic_id
        item.result = dict(result.extra)
        item.last_error = None
    return "sent"


def _finish(store: Store, item_id: int, *, status: str, error: str, retry_at: datetime | None = None) -> None:
    log.warning("outbox item %s: %s", item_id, error)
    with store.transaction() as session:
        item = session.get(OutboxItem, item_id)
        item.status = status
        item.last_error = error
        if retry_at is not None:
            item.next_attempt_at = retry_at


def _seconds_until_item(store: Store, item_id: int, moment: datetime) -> float:
    with store.transaction() as session:
        due = session.get(OutboxItem, item_id).next_attempt_at
    return max(0.0, (due - moment).total_seconds())


def count_open(store: Store, kinds: set[str] | None = None) -> int:
    """How many items still wait to be sent."""
    with store.transaction() as session:
        query = select(func.count()).select_from(OutboxItem).where(OutboxItem.status.in_(("pending", "sending")))
        if kinds:
            query = query.where(OutboxItem.kind.in_(kinds))
        return session.scalar(query)


def retry_failed(store: Store, item_id: int, now: Callable[[], datetime] = utcnow) -> bool:
    """Put a failed item back in the queue (an admin action); False when it is not failed."""
    with store.transaction() as session:
        item = session.get(OutboxItem, item_id)
        if item is None or item.status != "failed":
            return False
        item.status = "pending"
        item.attempts = 0
        item.next_attempt_at = now()
        return True
