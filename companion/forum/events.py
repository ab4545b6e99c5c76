"""Applying verified forum webhook events to the store, once per event id."""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from companion.badges.catalogue import record_revocation
from companion.forum.ingest import Ingestor
from companion.members.privacy import delete_forum_user
from companion.store.db import Store
from companion.store.models import ConfigEntry, ForumGroup, Member, WebhookEvent
from sync.records import ForumLike, ForumPost, ForumTopic, ForumUser, GroupMembershipChange, Ping, UserBadge
from sync.webhooks import WebhookEvent as Event

log = logging.getLogger(__name__)

USER_FIELDS_KEY = "forum_user_fields"


def user_field_names(store: Store) -> dict[str, str]:
    """The forum's user-field ids mapped to names, as last seen by a full sync."""
    with store.transaction() as session:
        entry = session.get(ConfigEntry, USER_FIELDS_KEY)
        return dict(entry.value) if entry else {}


def apply_event(store: Store, event: Event) -> str:
    """Apply one event unless its id was seen before; returns "applied", "duplicate" or "ignored"."""
    try:
        with store.transaction() as session:
            if session.get(WebhookEvent, event.event_id) is not None:
                return "duplicate"
            session.add(WebhookEvent(event_id=event.event_id, event=event.event_name))
            session.flush()
            outcome = _apply(session, event)
    except IntegrityError:
        # The same delivery arrived twice at once; the other request applied it.
        return "duplicate"
    log.info("webhook %s %s: %s", event.event_name, event.event_id, outcome)
    return outcome


def _apply(session, event: Event) -> str:
    payload = event.payload
    name = event.event_name
    ingest = Ingestor(session)
    if isinstance(payload, Ping):
        return "ignored"
    if isinstance(payload, ForumUser):
        if name == "user_destroyed":
            delete_forum_user(session, payload.id)
            return "applied"
        ingest.member(payload)
        ingest.relations(payload)
        return "applied"
    if isinstance(payload, ForumPost):
        if name == "post_destroyed":
            ingest.delete_post(payload.id)
        elif payload.is_private:
            ingest.private_contact([payload.username, payload.reply_to_username or ""])
        else:
            ingest.post(payload)
        return "applied"
    if isinstance(payload, ForumTopic):
        ingest.topic(payload)
        return "applied"
    if isinstance(payload, ForumLike):
        ingest.like(payload)
        return "applied"
    if isinstance(payload, GroupMembershipChange):
        member = session.scalar(select(Member).where(Member.forum_user_id == payload.user_id))
        group = session.scalar(select(ForumGroup).where(ForumGroup.forum_group_id == payload.group_id))
        if member is None or group is None:
            return "ignored"
        ingest.add_to_group(member.username, group.name)
        return "applied"
    if isinstance(payload, UserBadge):
        if name == "user_badge_revoked":
            member = (
                session.scalar(select(Member).where(Member.forum_user_id == payload.user_id))
                if payload.user_id
                else None
            )
            if member is None and payload.username:
                member = session.scalar(select(Member).where(Member.username == payload.username))
            if member is None:
                return "ignored"
            record_revocation(session, member.id, payload.badge_id)
            return "applied"
        return "ignored"
    return "ignored"
