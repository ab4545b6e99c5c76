"""Queueing the circle service's forum writes through the outbox, reporting whether each was new."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from companion.circles.errors import CirclesError
from companion.outbox.delivery import enqueue_once
from companion.store.models import Circle

# Discourse group visibility 2 = only members see the group; messageable 3 = members, moderators and admins.
GROUP_VISIBILITY_MEMBERS = 2
GROUP_MESSAGEABLE_MEMBERS = 3


def forum_group(circle: Circle) -> str:
    """The name of the circle's forum group (set when the circle is formed)."""
    if not circle.forum_group_name:
        raise CirclesError("circle %(id)s has no forum group name; form the season again", id=circle.id)
    return circle.forum_group_name


def queue(session: Session, key: str, kind: str, payload: Mapping[str, Any], member_id: int | None = None) -> bool:
    """Queue one forum write under its idempotency key; False when that key was queued before."""
    return enqueue_once(session, key=key, kind=kind, payload=payload, member_id=member_id)[1]


def pm(session: Session, key: str, recipients: list[str], title: str, raw: str, member_id: int | None = None) -> bool:
    """Queue a private message (recipients are usernames or group names)."""
    return queue(session, key, "pm", {"recipients": list(recipients), "title": title[:250], "raw": raw}, member_id)
