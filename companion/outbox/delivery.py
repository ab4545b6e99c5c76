"""The outbox: durable forum writes with idempotency keys, delivered paced and resumable.

Guarantee: a sender claims an item by one conditional update (pending or
uncertain -> sending, with its name and a claim deadline) and commits that
before the request goes out, so however many senders run at once, one sends
each item; it is marked `sent` with the forum's ids after. An attempt that may
have landed (a timeout, a crash mid-send, an unexpected answer) leaves the item
"uncertain" until a look-up by the item's own key has answered: its handler
must look up whether the forum already has the write before repeating it (the
writers in `sync` do this by external_id), so nobody receives a message twice.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import ColumnElement, and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from companion.jobs.locks import default_holder, holder_is_dead
from companion.ops.progress import ProgressCallback, no_progress
from companion.outbox.guards import pre_send_block
from companion.outbox.states import OPEN, OutboxStatus
from companion.store.db import Store
from companion.store.models import OutboxItem
from companion.store.rows import require
from companion.store.types import utcnow
from sync.errors import ForumError, ForumRejected, ForumUnavailable, RateLimited

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
# How long one sender's claim on one item holds; a sender killed mid-send loses it after this (or at once on this host).
CLAIM_TTL = timedelta(minutes=15)
CLAIM_BATCH = 10


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
        idempotency_key=key,
        kind=kind,
        payload=dict(payload),
        member_id=member_id,
        run_id=run_id,
        status=OutboxStatus.PENDING,
    )
    nested = session.begin_nested()
    try:
        session.add(item)
        session.flush()
        nested.commit()
    except IntegrityError:
        # Another process queued the same key between our look-up and insert.
        nested.rollback()
        return session.scalars(select(OutboxItem).where(OutboxItem.idempotency_key == key)).one(), False
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
    progress: ProgressCallback = no_progress,
    claim_ttl: timedelta = CLAIM_TTL,
) -> DeliveryReport:
    """Send due outbox items one by one until none is left, the limit is hit or should_stop says so.

    Any number of senders may run this at once (the nightly run, the worker's delivery job,
    `companion deliver`): each item is claimed by one conditional update, so only one sends it.
    """
    report = DeliveryReport()
    handled = 0
    total = count_open(store, kinds) if progress is not no_progress else None
    holder = f"{default_holder()}/{secrets.token_hex(4)}"
    while not should_stop() and (limit is None or handled < limit):
        item_id, uncertain = claim_next(store, now(), kinds, holder, claim_ttl)
        if item_id is None:
            break
        handled += 1
        outcome = _deliver_one(store, forum, handlers, item_id, uncertain, now, holder)
        setattr(report, outcome, getattr(report, outcome) + 1)
        progress("delivering", handled, max(total, handled) if total is not None else None)
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


def _claimable(moment: datetime, dead_holders: list[str]) -> ColumnElement[bool]:
    """Open items no live sender holds: pending, uncertain, or sending under a claim that ran out."""
    stale_claim = or_(
        OutboxItem.claimed_until.is_(None),
        OutboxItem.claimed_until < moment,
        OutboxItem.claimed_by.in_(dead_holders),
    )
    return and_(
        OutboxItem.next_attempt_at <= moment,
        or_(
            OutboxItem.status.in_((OutboxStatus.PENDING, OutboxStatus.UNCERTAIN)),
            and_(OutboxItem.status == OutboxStatus.SENDING, stale_claim),
        ),
    )


def _dead_claimers(session: Session, moment: datetime) -> list[str]:
    """Claimers of items still being sent whose process on this host has ended (killed mid-send)."""
    holders = session.scalars(
        select(OutboxItem.claimed_by)
        .where(OutboxItem.status == OutboxStatus.SENDING, OutboxItem.claimed_until >= moment)
        .distinct()
    )
    return [holder for holder in holders if holder and holder_is_dead(holder)]


def claim_next(
    store: Store,
    moment: datetime,
    kinds: set[str] | None,
    holder: str,
    ttl: timedelta = CLAIM_TTL,
) -> tuple[int | None, bool]:
    """Claim the oldest due item for this holder; returns its id and whether an earlier attempt may have landed."""
    while True:
        with store.transaction() as session:
            dead = _dead_claimers(session, moment)
            query = select(OutboxItem.id, OutboxItem.status).where(_claimable(moment, dead))
            if kinds:
                query = query.where(OutboxItem.kind.in_(kinds))
            candidates = session.execute(query.order_by(OutboxItem.id).limit(CLAIM_BATCH)).all()
            if not candidates:
                return None, False
            for item_id, seen in candidates:
                # Only one sender's update finds the row still in the state it saw: that sender has it.
                claimed = session.execute(  # type: ignore[attr-defined]  # an UPDATE's CursorResult has rowcount
                    update(OutboxItem)
                    .where(OutboxItem.id == item_id, OutboxItem.status == seen, _claimable(moment, dead))
                    .values(
                        status=OutboxStatus.SENDING,
                        claimed_by=holder,
                        claimed_until=moment + ttl,
                        attempts=OutboxItem.attempts + 1,
                    )
                    .execution_options(synchronize_session=False)
                ).rowcount
                if claimed == 1:
                    return item_id, seen != OutboxStatus.PENDING
        # Every candidate went to another sender meanwhile; look again.


def _deliver_one(store, forum, handlers, item_id: int, uncertain: bool, now, holder: str) -> str:
    with store.transaction() as session:
        item = require(session, OutboxItem, item_id)
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
        _finish(store, item_id, holder, status=OutboxStatus.FAILED, error=f"no handler for outbox kind {kind!r}")
        return "failed"
    # After an attempt that may have landed, only a look-up that answered can make the item certain again.
    unsure = OutboxStatus.UNCERTAIN if uncertain else OutboxStatus.PENDING
    try:
        result = handler(forum, payload, key, uncertain)
    except RateLimited as error:
        retry_at = now() + timedelta(seconds=error.wait_seconds)
        _finish(store, item_id, holder, status=unsure, error=str(error), retry_at=retry_at)
        return "rate_limited"
    except ForumUnavailable as error:
        status = OutboxStatus.UNCERTAIN if error.ambiguous else unsure
        if attempts >= MAX_ATTEMPTS:
            status = OutboxStatus.FAILED
        _finish(store, item_id, holder, status=status, error=str(error), retry_at=now() + _backoff(attempts))
        return "failed" if status == OutboxStatus.FAILED else "retried"
    except ForumRejected as error:
        _finish(store, item_id, holder, status=OutboxStatus.FAILED, error=f"{error} (HTTP {error.status})")
        return "failed"
    except ForumError as error:
        # An unexpected answer may follow a write that landed: look it up before repeating it.
        status = OutboxStatus.FAILED if attempts >= MAX_ATTEMPTS else OutboxStatus.UNCERTAIN
        _finish(store, item_id, holder, status=status, error=str(error), retry_at=now() + _backoff(attempts))
        return "failed" if status == OutboxStatus.FAILED else "retried"
    with store.transaction() as session:
        item = session.get(OutboxItem, item_id)
        if item.claimed_by != holder:
            log.warning("outbox item %s was sent after its claim ran out; recording the result anyway", item_id)
        item.status = OutboxStatus.SENT
        item.sent_at = now()
        item.forum_post_id = result.post_id
        item.forum_topic_id = result.topic_id
        item.result = dict(result.extra)
        item.last_error = None
        item.claimed_by = item.claimed_until = None
    return "sent"


def _finish(
    store: Store, item_id: int, holder: str, *, status: str, error: str, retry_at: datetime | None = None
) -> None:
    log.warning("outbox item %s: %s", item_id, error)
    with store.transaction() as session:
        item = session.get(OutboxItem, item_id)
        if item is None or item.claimed_by != holder or item.status != OutboxStatus.SENDING:
            # Another sender took the item over after our claim ran out; its outcome counts.
            return
        item.status = status
        item.last_error = error
        item.claimed_by = item.claimed_until = None
        if retry_at is not None:
            item.next_attempt_at = retry_at


def _seconds_until_item(store: Store, item_id: int, moment: datetime) -> float:
    with store.transaction() as session:
        due = require(session, OutboxItem, item_id).next_attempt_at
    return max(0.0, (due - moment).total_seconds())


def count_open(store: Store, kinds: set[str] | None = None) -> int:
    """How many items still wait to be sent."""
    with store.transaction() as session:
        query = select(func.count()).select_from(OutboxItem).where(OutboxItem.status.in_(tuple(OPEN)))
        if kinds:
            query = query.where(OutboxItem.kind.in_(kinds))
        return session.scalar(query) or 0


def retry_failed(store: Store, item_id: int, now: Callable[[], datetime] = utcnow) -> bool:
    """Put a failed item back in the queue (an admin action); False when it is not failed."""
    with store.transaction() as session:
        item = session.get(OutboxItem, item_id)
        if item is None or item.status != OutboxStatus.FAILED:
            return False
        # A failed item may have landed on an earlier attempt: the next sender looks it up first.
        item.status = OutboxStatus.UNCERTAIN if item.attempts else OutboxStatus.PENDING
        item.attempts = 0
        item.next_attempt_at = now()
        return True
