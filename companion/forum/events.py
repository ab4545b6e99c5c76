"""Applying verified forum webhook events to the store, once per event id.

Only the body of a delivery is signed; the event name is an unsigned header. So
a header never decides alone that something is destroyed: a `user_destroyed` is
applied only when the forum confirms the account is gone, and a body already
applied under one event name is refused under a destructive other one.

Admin rights in the companion do not derive from stored groups: they come from
the forum's signed DiscourseConnect answer at login (`companion.web.auth`), so a
webhook that changes stored memberships, the `admins` group included, grants nobody anything.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from enum import StrEnum

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from companion.badges.catalogue import record_revocation
from companion.circles.replies import check_in_from_reply
from companion.forum.ingest import Ingestor
from companion.members.privacy import delete_forum_user
from companion.store.db import Store
from companion.store.models import ConfigEntry, ForumGroup, GroupMembership, Member, Post, Topic, WebhookEvent
from companion.store.types import utcnow
from sync.records import (
    ForumLike,
    ForumPost,
    ForumTopic,
    ForumUser,
    GroupMembershipChange,
    Ping,
    UnusedEvent,
    UserBadge,
)
from sync.webhooks import WebhookEvent as Event

log = logging.getLogger(__name__)

USER_FIELDS_KEY = "forum_user_fields"

#: Asks the forum whether an account still exists: True, False, or None when the forum cannot tell now.
AccountExists = Callable[[ForumUser], bool | None]

# A signed body replayed under one of these names (an unsigned header) must not destroy anything.
DESTRUCTIVE_EVENTS = frozenset({"post_destroyed", "topic_destroyed", "user_suspended", "user_destroyed"})


class Outcome(StrEnum):
    """What became of one delivery."""

    APPLIED = "applied"
    DUPLICATE = "duplicate"
    IGNORED = "ignored"
    # The forum could not confirm a deletion now; nothing was recorded, so a redelivery can try again.
    UNCONFIRMED = "unconfirmed"
    # Refused: the forum says otherwise, or the body was applied under another event name.
    REFUSED = "refused"


def user_field_names(store: Store) -> dict[str, str]:
    """The forum's user-field ids mapped to names, as last seen by a full sync."""
    with store.transaction() as session:
        entry = session.get(ConfigEntry, USER_FIELDS_KEY)
        return dict(entry.value) if entry else {}


def apply_event(store: Store, event: Event, account_exists: AccountExists | None = None) -> Outcome:
    """Apply one event unless its id (or, for destructive events, its body) was seen before."""
    if event.event_name == "user_destroyed" and isinstance(event.payload, ForumUser):
        # Asked before any transaction: the answer is a forum request.
        exists = account_exists(event.payload) if account_exists is not None else None
        if exists is None:
            log.warning("webhook user_destroyed %s: the forum could not confirm the deletion", event.event_id)
            return Outcome.UNCONFIRMED
        if exists:
            log.warning(
                "webhook user_destroyed %s refused: the forum still has user %s", event.event_id, event.payload.id
            )
            return Outcome.REFUSED
    try:
        with store.transaction() as session:
            if session.get(WebhookEvent, event.event_id) is not None:
                return Outcome.DUPLICATE
            if _replayed_under_another_name(session, event):
                log.warning(
                    "webhook %s %s refused: body already applied as another event", event.event_name, event.event_id
                )
                return Outcome.REFUSED
            session.add(
                WebhookEvent(event_id=event.event_id, event=event.event_name, body_digest=event.body_digest or None)
            )
            session.flush()
            outcome = _apply(session, event)
    except IntegrityError:
        # The same delivery arrived twice at once; the other request applied it.
        return Outcome.DUPLICATE
    log.info("webhook %s %s: %s", event.event_name, event.event_id, outcome)
    return outcome


def _replayed_under_another_name(session, event: Event) -> bool:
    # user_destroyed was confirmed with the forum already: the forum's word outranks the digest.
    if event.event_name not in DESTRUCTIVE_EVENTS or event.event_name == "user_destroyed" or not event.body_digest:
        return False
    earlier = session.scalars(select(WebhookEvent.event).where(WebhookEvent.body_digest == event.body_digest))
    return any(name != event.event_name for name in earlier)


def _apply(session, event: Event) -> Outcome:
    payload = event.payload
    name = event.event_name
    ingest = Ingestor(session)
    if isinstance(payload, (Ping, UnusedEvent)):
        return Outcome.IGNORED
    if isinstance(payload, ForumUser):
        if name == "user_destroyed":
            delete_forum_user(session, payload.id)
            return Outcome.APPLIED
        stored = ingest.member(payload)
        if name == "user_suspended":
            # Takes effect at once, whatever the payload says about the end of the suspension.
            stored.suspended = True
        elif name == "user_unsuspended":
            stored.suspended = False
        ingest.relations(payload)
        return Outcome.APPLIED
    if isinstance(payload, ForumPost):
        if name == "post_destroyed":
            ingest.delete_post(payload.id)
        elif payload.is_private:
            ingest.private_contact([payload.username, payload.reply_to_username or ""])
            if name == "post_created":
                _check_in_by_reply(session, payload)
        else:
            # post_created, post_edited and post_recovered all (re)store the post.
            ingest.post(payload)
        return Outcome.APPLIED
    if isinstance(payload, ForumTopic):
        if name == "topic_destroyed":
            # Nobody is profiled on deleted text: the topic leaves the store with its posts.
            session.execute(delete(Post).where(Post.topic_id == payload.id))
            session.execute(delete(Topic).where(Topic.id == payload.id))
            return Outcome.APPLIED
        ingest.topic(payload)
        return Outcome.APPLIED
    if isinstance(payload, ForumLike):
        ingest.like(payload)
        return Outcome.APPLIED
    if isinstance(payload, GroupMembershipChange):
        joined = session.scalar(select(Member).where(Member.forum_user_id == payload.user_id))
        group = session.scalar(select(ForumGroup).where(ForumGroup.forum_group_id == payload.group_id))
        if joined is None or group is None:
            return Outcome.IGNORED
        if payload.added:
            ingest.add_to_group(joined.username, group.name)
        else:
            session.execute(
                delete(GroupMembership).where(
                    GroupMembership.member_id == joined.id, GroupMembership.group_id == group.id
                )
            )
        return Outcome.APPLIED
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
                return Outcome.IGNORED
            record_revocation(session, member.id, payload.badge_id)
            return Outcome.APPLIED
        return Outcome.IGNORED
    return Outcome.IGNORED


def _check_in_by_reply(session, post: ForumPost) -> None:
    """A reply in a meeting's circle thread with labelled lines is that member's check-in (see circles.replies)."""
    member = session.scalar(select(Member).where(Member.username == post.username))
    if member is not None and post.raw:
        check_in_from_reply(session, post.topic_id, member, post.raw, now=utcnow())
