"""Webhook verification and parsing into typed events."""

from __future__ import annotations

import json

import pytest

from sync.errors import (
    WebhookMalformed,
    WebhookTooLarge,
    WebhookUnauthorized,
    WebhookUnsupported,
)
from sync.records import (
    ForumLike,
    ForumPost,
    ForumTopic,
    ForumUser,
    GroupMembershipChange,
    Ping,
    UserBadge,
)
from sync.webhooks import parse_event, signature_for, verify_signature

SECRET = "my_lovely_secret_for_web_hook"


def deliver(event: str, event_type: str, body: dict, *, secret: str = SECRET, event_id: str = "17", **kwargs):
    raw = json.dumps(body).encode()
    headers = {
        "X-Discourse-Instance": "https://forum.example.org",
        "X-Discourse-Event-Id": event_id,
        "X-Discourse-Event-Type": event_type,
        "X-Discourse-Event": event,
        "X-Discourse-Event-Signature": signature_for(secret, raw),
    }
    return parse_event(headers, raw, secret=SECRET, **kwargs)


def test_signature_matches_the_documented_test_vector():
    header = "sha256=162f107f6b5022353274eb1a7197885cfd35744d8d08e5bcea025d309386b7d6"
    assert signature_for(SECRET, b'{"ping":"OK"}') == header
    assert verify_signature(SECRET, b'{"ping":"OK"}', header)


@pytest.mark.parametrize(
    "header",
    [None, "", "sha256=" + "0" * 64, "162f107f6b5022353274eb1a7197885cfd35744d8d08e5bcea025d309386b7d6", "sha256=zz"],
)
def test_missing_or_forged_signatures_are_refused(header):
    assert not verify_signature(SECRET, b'{"ping":"OK"}', header)


def test_signature_over_a_changed_body_is_refused():
    header = signature_for(SECRET, b'{"ping":"OK"}')
    assert not verify_signature(SECRET, b'{"ping":"OK "}', header)
    assert not verify_signature("another_secret_value", b'{"ping":"OK"}', header)


def test_ping_is_parsed():
    event = deliver("ping", "ping", {"ping": "OK"})
    assert event.event_id == "17"
    assert event.event_name == "ping"
    assert event.instance == "https://forum.example.org"
    assert event.payload == Ping("OK")


def test_unsigned_delivery_is_401_before_the_body_is_read():
    with pytest.raises(WebhookUnauthorized) as info:
        parse_event({"X-Discourse-Event": "ping", "X-Discourse-Event-Id": "1"}, b"not even json", secret=SECRET)
    assert info.value.http_status == 401


def test_forged_delivery_is_401():
    raw = b'{"ping":"OK"}'
    headers = {
        "X-Discourse-Event": "ping",
        "X-Discourse-Event-Id": "1",
        "X-Discourse-Event-Signature": signature_for("wrong_secret_123", raw),
    }
    with pytest.raises(WebhookUnauthorized):
        parse_event(headers, raw, secret=SECRET)


def test_oversized_delivery_is_413_even_when_signed():
    raw = json.dumps({"ping": "x" * 2000}).encode()
    headers = {
        "X-Discourse-Event": "ping",
        "X-Discourse-Event-Id": "1",
        "X-Discourse-Event-Signature": signature_for(SECRET, raw),
    }
    with pytest.raises(WebhookTooLarge) as info:
        parse_event(headers, raw, max_bytes=1000, secret=SECRET)
    assert info.value.http_status == 413


def test_signed_garbage_is_400():
    raw = b"{not json"
    headers = {
        "X-Discourse-Event": "ping",
        "X-Discourse-Event-Id": "1",
        "X-Discourse-Event-Signature": signature_for(SECRET, raw),
    }
    with pytest.raises(WebhookMalformed) as info:
        parse_event(headers, raw, secret=SECRET)
    assert info.value.http_status == 400


def test_missing_event_headers_are_400():
    raw = b'{"ping":"OK"}'
    with pytest.raises(WebhookMalformed):
        parse_event({"X-Discourse-Event-Signature": signature_for(SECRET, raw)}, raw, secret=SECRET)


def test_unknown_event_or_missing_payload_is_422():
    with pytest.raises(WebhookUnsupported) as info:
        deliver("category_created", "category", {"category": {"id": 1}})
    assert info.value.http_status == 422
    with pytest.raises(WebhookUnsupported):
        deliver("post_created", "post", {"user": {"id": 1}})
    with pytest.raises(WebhookUnsupported):
        deliver("post_created", "post", {"post": {"raw": "no ids"}})


def test_user_event_resolves_field_names_and_lists():
    body = {
        "user": {
            "id": 7,
            "username": "anna",
            "name": "Anna",
            "email": "anna@essen.de",
            "admin": False,
            "user_fields": {"1": "Stadt Essen", "2": None},
            "groups": [{"id": 3, "name": "essen"}],
            "ignored_usernames": ["bob"],
            "muted_usernames": [],
            "bio_raw": "Digitales",
            "something_new": {"nested": True},
        }
    }
    event = deliver("user_updated", "user", body, user_field_names={"1": "Verwaltung"})
    user = event.payload
    assert isinstance(user, ForumUser)
    assert (user.id, user.username, user.email) == (7, "anna", "anna@essen.de")
    assert user.user_fields == {"Verwaltung": "Stadt Essen"}
    assert user.groups == ("essen",)
    assert user.ignored_usernames == ("bob",)
    assert user.bio == "Digitales"


def test_post_event_marks_private_messages():
    body = {
        "post": {
            "id": 101,
            "topic_id": 9,
            "post_number": 2,
            "username": "anna",
            "user_id": 7,
            "raw": "Hallo",
            "created_at": "2024-05-01T10:00:00.000Z",
            "topic_archetype": "private_message",
            "reply_to_post_number": 1,
            "reply_to_user": {"username": "bob"},
        }
    }
    event = deliver("post_created", "post", body)
    post = event.payload
    assert isinstance(post, ForumPost)
    assert post.is_private and post.reply_to_username == "bob" and post.reply_to_post_number == 1
    assert post.created_at.year == 2024


def test_topic_group_badge_and_like_events():
    topic = deliver(
        "topic_created",
        "topic",
        {
            "topic": {
                "id": 9,
                "title": "Zirkel",
                "category_id": 4,
                "tags": [{"id": 1, "name": "ki", "slug": "ki"}, "open-data"],
                "created_by": {"username": "anna"},
            }
        },
    ).payload
    assert isinstance(topic, ForumTopic) and topic.tags == ("ki", "open-data")
    group = deliver("user_added_to_group", "group_user", {"group_user": {"group_id": 3, "user_id": 7}}).payload
    assert group == GroupMembershipChange(group_id=3, user_id=7, added=True)
    grant = deliver(
        "user_badge_granted",
        "user_badge",
        {
            "user_badge": {
                "id": 55,
                "badge_id": 101,
                "user_id": 7,
                "granted_at": "2024-05-02T08:00:00Z",
                "granted_by_id": -1,
            }
        },
    ).payload
    assert isinstance(grant, UserBadge) and (grant.badge_id, grant.user_id) == (101, 7)
    like = deliver(
        "post_liked", "like", {"like": {"post": {"id": 101, "topic_id": 9}, "user": {"username": "bob"}}}
    ).payload
    assert like == ForumLike(post_id=101, username="bob", created_at=None, topic_id=9)


def test_the_same_event_id_is_reported_for_duplicates():
    first = deliver("ping", "ping", {"ping": "OK"}, event_id="99")
    second = deliver("ping", "ping", {"ping": "OK"}, event_id="99")
    assert first.event_id == second.event_id == "99"
