"""Outbox handlers: one function per kind of forum write, each idempotent by its key.

Payloads carry everything a write needs, so handlers need no database:
- "pm": {recipients: [usernames or group names], title, raw}
- "topic": {title, raw, category_id, tags}
- "group_create": {name, full_name, bio_raw, usernames, visibility_level, messageable_level}
- "group_add" / "group_remove": {group_name, usernames}
- "badge_create": {badge_key, name, description, badge_type_id, icon, multiple_grant}
  -> result extra {"forum_badge_id": id}
- "badge_grant": {username, badge_name or forum_badge_id, reason, times (n-th grant of a repeatable badge)}
  -> result extra {"forum_badge_id", "user_badge_id"}
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from companion.outbox.delivery import DeliveryResult
from sync.errors import ForumRejected, ForumUnavailable, RepeatedGrant


def _missing(kind: str, field: str) -> ForumRejected:
    return ForumRejected(f"outbox {kind} payload lacks {field!r}", status=400)


def send_pm(forum, payload: Mapping[str, Any], key: str, uncertain: bool) -> DeliveryResult:
    """Send a private message once."""
    sent = forum.writer.send_private_message(
        list(payload["recipients"]), payload["title"], payload["raw"], key, first_attempt=not uncertain
    )
    return DeliveryResult(post_id=sent.post_id, topic_id=sent.topic_id, extra={"already_existed": sent.already_existed})


def create_topic(forum, payload: Mapping[str, Any], key: str, uncertain: bool) -> DeliveryResult:
    """Create a topic once (the writer keys it by an external id)."""
    sent = forum.writer.create_topic(
        payload["title"],
        payload["raw"],
        int(payload["category_id"]),
        key,
        tags=list(payload.get("tags") or ()),
        first_attempt=not uncertain,
    )
    return DeliveryResult(post_id=sent.post_id, topic_id=sent.topic_id)


def create_group(forum, payload: Mapping[str, Any], key: str, uncertain: bool) -> DeliveryResult:
    """Create a group, or reuse the one with the same name."""
    group = forum.writer.create_group(
        payload["name"],
        full_name=payload.get("full_name"),
        bio_raw=payload.get("bio_raw", ""),
        usernames=list(payload.get("usernames") or ()),
        visibility_level=payload.get("visibility_level", 2),
        messageable_level=payload.get("messageable_level", 3),
    )
    return DeliveryResult(extra={"group_id": group.id, "group_name": group.name})


def _group_id(forum, name: str) -> int:
    return forum.reader.read_group(name).id


def add_group_members(forum, payload: Mapping[str, Any], key: str, uncertain: bool) -> DeliveryResult:
    """Add members to a group (present members are skipped)."""
    added = forum.writer.add_group_members(_group_id(forum, payload["group_name"]), payload["usernames"])
    return DeliveryResult(extra={"added": list(added)})


def remove_group_members(forum, payload: Mapping[str, Any], key: str, uncertain: bool) -> DeliveryResult:
    """Remove members from a group (absent members are skipped)."""
    removed = forum.writer.remove_group_members(_group_id(forum, payload["group_name"]), payload["usernames"])
    return DeliveryResult(extra={"removed": list(removed)})


def create_badge(forum, payload: Mapping[str, Any], key: str, uncertain: bool) -> DeliveryResult:
    """Create a badge, or reuse the forum's badge of the same name."""
    if "name" not in payload:
        raise _missing("badge_create", "name")
    badge = forum.writer.create_badge(
        payload["name"],
        badge_type_id=int(payload.get("badge_type_id", 3)),
        description=payload.get("description", ""),
        icon=payload.get("icon") or "fa-certificate",
        multiple_grant=bool(payload.get("multiple_grant", False)),
    )
    return DeliveryResult(extra={"forum_badge_id": badge.id, "badge_key": payload.get("badge_key")})


def grant_badge(forum, payload: Mapping[str, Any], key: str, uncertain: bool) -> DeliveryResult:
    """Grant a badge once (the writer checks the member's badges first)."""
    badge_id = payload.get("forum_badge_id")
    if badge_id is None:
        name = payload.get("badge_name")
        if not name:
            raise _missing("badge_grant", "badge_name")
        matches = [badge.id for badge in forum.writer.list_badges() if badge.name == name]
        if not matches:
            # Its badge_create item may still be on its way with another sender: try again later, not never.
            raise ForumUnavailable(f"badge {name!r} does not exist in the forum yet", status=404)
        badge_id = matches[0]
    # Items queued with a reason on another host (the API URL) are moved onto the forum's own host.
    reason = forum.badge_reason(payload.get("reason")) if hasattr(forum, "badge_reason") else payload.get("reason")
    try:
        granted = forum.writer.grant_badge(
            payload["username"], int(badge_id), reason=reason, times=int(payload.get("times", 1))
        )
    except RepeatedGrant as repeat:
        # Done, but not a new grant: no user_badge_id, so nothing records one more grant than the forum has.
        return DeliveryResult(
            extra={"forum_badge_id": int(badge_id), "user_badge_id": None, "repeat_of": repeat.user_badge_id}
        )
    return DeliveryResult(extra={"forum_badge_id": int(badge_id), "user_badge_id": granted.id})


HANDLERS = {
    "pm": send_pm,
    "topic": create_topic,
    "group_create": create_group,
    "group_add": add_group_members,
    "group_remove": remove_group_members,
    "badge_create": create_badge,
    "badge_grant": grant_badge,
}
