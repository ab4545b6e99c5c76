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
    UnusedEvent,
    UserBadge,
)
from sync.webhooks import MAX_JSON_DEPTH, json_depth_exceeds, parse_event, signature_for, verify_signature

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


def test_real_events_the_companion_does_not_use_are_unused_not_422():
    for name, key in (("category_created", "category"), ("user_logged_in", "user"), ("chat_message_created", "chat")):
        event = deliver(name, key, {key: {"id": 1}})
        assert event.payload == UnusedEvent(name)


def test_missing_or_unusable_payload_of_a_used_event_is_422():
    with pytest.raises(WebhookUnsupported) as info:
        deliver("post_created", "post", {"user": {"id": 1}})
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


def deliver_raw(event: str, raw: bytes):
    headers = {
        "X-Discourse-Event-Id": "99",
        "X-Discourse-Event-Type": event.split("_")[0],
        "X-Discourse-Event": event,
        "X-Discourse-Event-Signature": signature_for(SECRET, raw),
    }
    return parse_event(headers, raw, secret=SECRET)


@pytest.mark.parametrize(
    "raw",
    [
        b"[" * 100_000 + b"]" * 100_000,
        b'{"user":' + b'{"a":' * 5_000 + b"1" + b"}" * 5_000 + b"}",
    ],
    ids=["100k-nested-arrays", "objects-5000-deep"],
)
def test_deeply_nested_json_is_malformed_before_the_parser_runs(raw):
    with pytest.raises(WebhookMalformed) as info:
        deliver_raw("user_updated", raw)
    assert info.value.http_status == 400 and "deeper" in str(info.value)


def test_depth_counts_brackets_outside_strings_only():
    assert not json_depth_exceeds(json.dumps({"bio_raw": "[" * 10_000}).encode())
    nested: object = 1
    for _ in range(MAX_JSON_DEPTH):
        nested = [nested]
    assert not json_depth_exceeds(json.dumps(nested).encode())
    assert json_depth_exceeds(json.dumps([nested]).encode())


def test_user_payload_without_active_does_not_claim_an_activated_account():
    event = deliver("user_created", "user", {"user": {"id": 5, "username": "neu"}})
    assert event.payload.active_known is False
    event = deliver("user_updated", "user", {"user": {"id": 5, "username": "neu", "active": False}})
    assert event.payload.active_known is True and event.payload.active is False


def test_topic_author_is_created_by_at_the_top_level():
    body = {"topic": {"id": 3, "title": "Offene Daten", "created_by": {"id": 8, "username": "jonas"}}}
    event = deliver("topic_created", "topic", body)
    assert event.payload.username == "jonas" and event.payload.user_id == 8


def test_like_events_carry_no_date_and_none_is_invented():
    body = {"like": {"post": {"id": 4, "topic_id": 2, "updated_at": "2026-01-01T00:00:00Z"}, "user": {"username": "a"}}}
    event = deliver("post_liked", "like", body)
    assert event.payload.created_at is None


@pytest.mark.parametrize(
    "event_name",
    ["user_suspended", "user_unsuspended", "user_approved", "post_recovered", "topic_destroyed", "topic_recovered"],
)
def test_real_events_that_matter_are_parsed(event_name):
    key = event_name.split("_")[0]
    body = {"user": {"id": 5, "username": "x"}} if key == "user" else {key: {"id": 5, "topic_id": 1, "title": "T"}}
    assert deliver(event_name, key, body).event_name == event_name


def test_the_body_digest_is_carried_and_independent_of_headers():
    first = deliver("user_updated", "user", {"user": {"id": 5, "username": "x"}}, event_id="1")
    second = deliver("user_destroyed", "user", {"user": {"id": 5, "username": "x"}}, event_id="2")
    assert first.body_digest == second.body_digest and len(first.body_digest) == 64
