"""Checks run just before an outbox item is sent: a write that must not go out any more is cancelled instead."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy.orm import Session

from companion.members.consent import withheld_reason

# Each check returns why the write must not go out, or None; the first reason wins.
PRE_SEND_CHECKS: tuple[Callable[[Session, Mapping[str, Any]], str | None], ...] = (withheld_reason,)


def pre_send_block(session: Session, payload: Mapping[str, Any]) -> str | None:
    """Why this payload must not be sent now (e.g. a member withdrew consent since it was queued), or None."""
    for check in PRE_SEND_CHECKS:
        reason = check(session, payload)
        if reason:
            return reason
    return None
