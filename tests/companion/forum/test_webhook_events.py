"""POST /webhooks/discourse: verified before parsing, de-duplicated, applied once, no side effect on refusal."""

import json

import pytest
from sqlalchemy import func, select

from companion.context import Context
from companion.store.models import Member, Post, WebhookEvent
from companion.web import create_app
from sync.webhooks import signature_for


@pytest.fixture
def client(store, settings):
    app = create_app(Context(settings=settings.replace(forum_url="http://forum.test"), store=store))
    app.config["TESTING"] = True
    return app.test_client()


def deliver(client, settings, event, body, event_id="1", signature=None, headers=None):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    all_headers = {
        "Content-Type": "application/json",
        "X-Discourse-Event": event,
        "X-Discourse-Event-Type": event.split("_")[0],
        "X-Discourse-Event-Id": event_id,
        "X-Discourse-Instance": "http://forum.test",
        "X-Discourse-Event-Signature": signature
        if signature is not None
        else signature_for(settings.webhook_secret, raw),
    }
    all_headers.update(headers or {})
    return client.post("/webhooks/discourse", data=raw, headers=all_headers)


USER = {
    "user": {
        "id": 42,
        "username": "erika.beispiel",
        "name": "Erika Beispiel",
        "email": "erika@stadt-beispiel.de",
        "active": True,
        "admin": False,
        "moderator": False,
        "trust_level": 1,
        "groups": [],
        "user_fields": {},
    }
}


def members(store):
    with store.transaction() as session:
        return session.scalar(select(func.count()).select_from(Member))


def test_signed_user_created_is_applied_once_per_event_id(client, settings, store):
    first = deliver(client, settings, "user_created", USER, event_id="7")
    assert first.status_code == 200 and first.get_json()["status"] == "applied"
    again = deliver(client, settings, "user_created", USER, event_id="7")
    assert again.status_code == 200 and again.get_json()["status"] == "duplicate"
    assert members(store) == 1
    with store.transaction() as session:
        assert session.scalar(select(func.count()).select_from(WebhookEvent)) == 1


@pytest.mark.parametrize(
    "signature,status",
    [("", 401), ("sha256=" + "0" * 64, 401), ("sha1=abc", 401)],
)
def test_unsigned_or_forged_deliveries_are_refused_without_side_effects(client, settings, store, signature, status):
    response = deliver(client, settings, "user_created", USER, signature=signature)
    assert response.status_code == status
    assert members(store) == 0
    with store.transaction() as session:
        assert session.scalar(select(func.count()).select_from(WebhookEvent)) == 0


def test_signature_is_checked_over_the_raw_body_before_parsing(client, settings, store):
    raw = json.dumps(USER).encode()
    tampered = raw.replace(b"erika.beispiel", b"mallory.evil")
    response = deliver(
        client, settings, "user_created", tampered, signature=signature_for(settings.webhook_secret, raw)
    )
    assert response.status_code == 401
    assert members(store) == 0


def test_malformed_body_with_valid_signature_is_400(client, settings, store):
    response = deliver(client, settings, "user_created", b"{not json")
    assert response.status_code == 400
    assert members(store) == 0


def test_unknown_event_is_422(client, settings, store):
    response = deliver(client, settings, "solved_accepted", {"solved": {}})
    assert response.status_code == 422


def test_oversized_body_is_413(client, settings, store):
    big = {"user": {**USER["user"], "bio_raw": "x" * (settings.webhook_max_bytes + 10)}}
    response = deliver(client, settings, "user_created", big)
    assert response.status_code == 413
    assert members(store) == 0


def test_ping_is_acknowledged(client, settings):
    response = deliver(client, settings, "ping", {"ping": "OK"})
    assert response.status_code == 200 and response.get_json()["status"] == "ignored"


def test_post_created_edited_and_destroyed(client, settings, store):
    deliver(client, settings, "user_created", USER, event_id="1")
    post = {
        "post": {
            "id": 900,
            "topic_id": 77,
            "post_number": 1,
            "username": "erika.beispiel",
            "user_id": 42,
            "raw": "OZG-Umsetzung in Essen",
            "created_at": "2026-11-01T10:00:00Z",
            "topic_title": "OZG",
            "category_id": 5,
            "archetype": "regular",
        }
    }
    assert deliver(client, settings, "post_created", post, event_id="2").get_json()["status"] == "applied"
    post["post"]["raw"] = "OZG-Umsetzung in Essen, aktualisiert"
    deliver(client, settings, "post_edited", post, event_id="3")
    with store.transaction() as session:
        assert session.get(Post, 900).raw.endswith("aktualisiert")
    deliver(client, settings, "post_destroyed", post, event_id="4")
    with store.transaction() as session:
        assert session.get(Post, 900) is None


def test_user_destroyed_deletes_the_member(client, settings, store):
    deliver(client, settings, "user_created", USER, event_id="1")
    assert members(store) == 1
    deliver(client, settings, "user_destroyed", USER, event_id="2")
    assert members(store) == 0


def test_webhooks_refused_when_no_secret_is_configured(store, settings):
    context = Context(settings=settings.replace(webhook_secret=None), store=store)
    client = create_app(context).test_client()
    response = deliver(client, settings, "user_created", USER)
    assert response.status_code == 503
    assert members(store) == 0


def test_health_reports_database_and_schema(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.get_json()["status"] == "ok"


def test_a_flood_of_deliveries_from_one_address_is_limited(client, settings, store):
    # The route's own limit, with a budget small enough to exhaust in a test.
    client.application.config["RATE_LIMITS"]["webhooks"] = "3 per minute"
    statuses = [deliver(client, settings, "ping", {"ping": "OK"}, event_id=str(i)).status_code for i in range(5)]
    assert statuses[:3] == [200, 200, 200]
    assert statuses[3:] == [429, 429]
