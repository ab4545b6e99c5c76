"""Verify and parse Discourse webhook deliveries into typed events.

Order of checks, cheapest and safest first: size (413), signature over the
raw bytes (401), JSON shape (400), known event with a usable payload (422).
Nothing in the body is looked at before the signature matched.
Discourse retries failed deliveries, so the same event id can arrive twice;
the companion deduplicates by `WebhookEvent.event_id`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sync import parse
from sync.errors import WebhookMalformed, WebhookTooLarge, WebhookUnauthorized, WebhookUnsupported
from sync.records import ForumLike, ForumPost, ForumTopic, ForumUser, GroupMembershipChange, Ping, UserBadge

DEFAULT_MAX_BYTES = 1_000_000
SIGNATURE_HEADER = "X-Discourse-Event-Signature"

EventPayload = ForumUser | ForumPost | ForumTopic | GroupMembershipChange | UserBadge | ForumLike | Ping

# Event name -> (payload key in the body, the event type header Discourse sends).
EVENTS: dict[str, tuple[str, str]] = {
    "user_created": ("user", "user"),
    "user_updated": ("user", "user"),
    "user_destroyed": ("user", "user"),
    "post_created": ("post", "post"),
    "post_edited": ("post", "post"),
    "post_destroyed": ("post", "post"),
    "topic_created": ("topic", "topic"),
    "topic_edited": ("topic", "topic"),
    "user_added_to_group": ("group_user", "group_user"),
    "user_removed_from_group": ("group_user", "group_user"),
    "user_badge_granted": ("user_badge", "user_badge"),
    "user_badge_revoked": ("user_badge", "user_badge"),
    "post_liked": ("like", "like"),
    "ping": ("ping", "ping"),
}


@dataclass(frozen=True)
class WebhookEvent:
    """One verified delivery: who sent it, which event, and the typed record it carries."""

    event_id: str
    event_name: str
    event_type: str
    instance: str | None
    payload: EventPayload


def signature_for(secret: str, raw_body: bytes) -> str:
    """Return the header value Discourse would send for this body: ``sha256=<hex>``."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), raw_body, hashlib.sha256).hexdigest()


def verify_signature(secret: str, raw_body: bytes, header: str | None) -> bool:
    """Return True only when the header is a valid HMAC-SHA256 of the raw body (constant-time compare)."""
    if not secret or not header:
        return False
    expected = signature_for(secret, raw_body)
    return hmac.compare_digest(expected.encode("ascii"), header.strip().encode("utf-8", "replace"))


def parse_event(
    headers: Mapping[str, str],
    raw_body: bytes,
    max_bytes: int = DEFAULT_MAX_BYTES,
    *,
    secret: str,
    user_field_names: Mapping[str, str] | None = None,
) -> WebhookEvent:
    """Verify a delivery and return its typed event, or raise a WebhookError with the HTTP status to answer."""
    if len(raw_body) > max_bytes:
        raise WebhookTooLarge(f"body of {len(raw_body)} bytes exceeds {max_bytes}")
    lower = {k.lower(): v for k, v in headers.items()}
    signature = lower.get(SIGNATURE_HEADER.lower())
    if not signature:
        raise WebhookUnauthorized("unsigned delivery")
    if not verify_signature(secret, raw_body, signature):
        raise WebhookUnauthorized("signature does not match")
    event_name = (lower.get("x-discourse-event") or "").strip()
    event_id = (lower.get("x-discourse-event-id") or "").strip()
    if not event_name or not event_id:
        raise WebhookMalformed("missing X-Discourse-Event or X-Discourse-Event-Id")
    try:
        body = json.loads(raw_body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise WebhookMalformed("body is not JSON") from exc
    if not isinstance(body, dict):
        raise WebhookMalformed("body is not a JSON object")
    if event_name not in EVENTS:
        raise WebhookUnsupported(f"event {event_name!r} is not handled")
    key, event_type = EVENTS[event_name]
    if key not in body:
        raise WebhookUnsupported(f"event {event_name!r} without a {key!r} payload")
    try:
        payload = _payload(event_name, body[key], user_field_names or {})
    except (KeyError, TypeError, ValueError) as exc:
        raise WebhookUnsupported(f"event {event_name!r} has an unusable payload: {exc!r}") from exc
    return WebhookEvent(
        event_id=event_id,
        event_name=event_name,
        event_type=(lower.get("x-discourse-event-type") or event_type).strip(),
        instance=lower.get("x-discourse-instance"),
        payload=payload,
    )


def _payload(event_name: str, item: Any, field_names: Mapping[str, str]) -> EventPayload:
    if event_name == "ping":
        return Ping(message=str(item))
    if not isinstance(item, Mapping):
        raise TypeError("payload is not an object")
    if event_name.startswith("user_") and "badge" not in event_name and "group" not in event_name:
        return parse.user_details(item, field_names)
    if event_name.startswith("post_") and event_name != "post_liked":
        return parse.post(item)
    if event_name.startswith("topic_"):
        return parse.topic(item)
    if "group" in event_name:
        return GroupMembershipChange(
            group_id=int(item["group_id"]), user_id=int(item["user_id"]), added=event_name == "user_added_to_group"
        )
    if "badge" in event_name:
        return parse.user_badge(item)
    if event_name == "post_liked":
        post = item.get("post") or {}
        user = item.get("user") or {}
        return ForumLike(
            post_id=int(post.get("id") or item["post_id"]),
            username=str(user.get("username") or item["username"]),
            created_at=parse.parse_datetime(item.get("created_at") or post.get("updated_at")),
            topic_id=parse.as_int(post.get("topic_id")),
        )
    raise ValueError(f"no payload reader for {event_name}")
