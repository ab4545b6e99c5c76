"""The audit log: one row for every admin action, saying who changed what."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from companion.store.models import AuditEntry


def record(
    session: Session, actor: str, action: str, subject: str = "", details: Mapping[str, Any] | None = None
) -> AuditEntry:
    """Add an audit entry to the session (it commits with the change it describes)."""
    entry = AuditEntry(actor=actor, action=action, subject=subject, details=dict(details or {}))
    session.add(entry)
    session.flush()
    return entry


def recent(session: Session, *, limit: int = 50, action_prefix: str | None = None) -> list[AuditEntry]:
    """The newest audit entries, optionally only actions starting with a prefix (e.g. "rules.")."""
    query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)
    if action_prefix:
        query = query.where(AuditEntry.action.startswith(action_prefix))
    return list(session.scalars(query))
