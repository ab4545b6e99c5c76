"""The suggestion feature's PMs: queued once per key, and stopped if anyone they concern withdraws matching consent."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from companion.members.consent import REQUIRES_CONSENT, consent_requirement
from companion.outbox.delivery import enqueue
from companion.store.models import OutboxItem


def queue_matching_pm(
    session: Session,
    *,
    key: str,
    recipients: list[str],
    title: str,
    raw: str,
    concerns: Iterable[int],
    member_id: int,
    run_id: int | None = None,
) -> OutboxItem:
    """Queue one PM; the delivery loop checks again just before sending that every member it concerns consents."""
    return enqueue(
        session,
        key=key,
        kind="pm",
        payload={
            "recipients": recipients,
            "title": title,
            "raw": raw,
            REQUIRES_CONSENT: consent_requirement("matching", concerns),
        },
        member_id=member_id,
        run_id=run_id,
    )
