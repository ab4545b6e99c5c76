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


def test_real_events_the_companion_does_not_use_are_answered_ignored(client, settings, store):
    # Discourse shows every non-2xx answer as a failed delivery; these are real events, just not ours.
    for index, name in enumerate(
        ["solved_accepted", "user_logged_in", "category_created", "topic_closed_status_updated"]
    ):
        response = deliver(client, settings, name, {name.split("_")[0]: {"id": 1}}, event_id=f"u{index}")
        assert response.status_code == 200 and response.get_json()["status"] == "ignored"


def test_an_unusable_payload_of_a_used_event_is_422(client, settings, store):
    response = deliver(client, settings, "post_created", {"post": {"raw": "no ids"}})
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
    post["post"]["deleted_at"] = "2026-11-02T10:00:00Z"
    deliver(client, settings, "post_destroyed", post, event_id="4")
    with store.transaction() as session:
        assert session.get(Post, 900) is None
    del post["post"]["deleted_at"]
    assert deliver(client, settings, "post_recovered", post, event_id="5").get_json()["status"] == "applied"
    with store.transaction() as session:
        assert session.get(Post, 900) is not None


class AnsweringForum:
    """Stands in for the forum facade: says whether an account still exists (None: cannot be reached)."""

    def __init__(self, exists):
        self.exists = exists
        self.asked = []
        self.reader = self

    def user_exists(self, user_id, username):
        self.asked.append((user_id, username))
        if self.exists is None:
            from sync.errors import ForumUnavailable

            raise ForumUnavailable("forum down")
        return self.exists


def forum_answering(client, exists):
    forum = AnsweringForum(exists)
    client.application.extensions["companion"].forum = forum
    return forum


def test_user_destroyed_deletes_the_member_once_the_forum_confirms(client, settings, store):
    deliver(client, settings, "user_created", USER, event_id="1")
    assert members(store) == 1
    forum = forum_answering(client, exists=False)
    response = deliver(client, settings, "user_destroyed", USER, event_id="2")
    assert response.status_code == 200 and response.get_json()["status"] == "applied"
    assert forum.asked == [(42, "erika.beispiel")]
    assert members(store) == 0


def test_a_user_updated_body_resent_as_user_destroyed_deletes_nothing(client, settings, store):
    # Only the body is signed: a captured delivery re-sent with another event header and a new id verifies.
    deliver(client, settings, "user_updated", USER, event_id="1")
    forum_answering(client, exists=True)
    response = deliver(client, settings, "user_destroyed", USER, event_id="forged-2")
    assert response.status_code == 409 and response.get_json()["status"] == "refused"
    assert members(store) == 1


def test_a_deletion_the_forum_cannot_confirm_now_is_not_applied_nor_recorded(client, settings, store):
    deliver(client, settings, "user_created", USER, event_id="1")
    forum_answering(client, exists=None)
    assert deliver(client, settings, "user_destroyed", USER, event_id="2").status_code == 503
    assert members(store) == 1
    forum_answering(client, exists=False)
    # The same delivery again (Discourse's redeliver button keeps the id) now goes through.
    assert deliver(client, settings, "user_destroyed", USER, event_id="2").get_json()["status"] == "applied"
    assert members(store) == 0


def test_a_signed_body_replayed_under_a_destructive_name_is_refused(client, settings, store):
    deliver(client, settings, "user_created", USER, event_id="1")
    post = {"post": {"id": 901, "topic_id": 78, "post_number": 1, "username": "erika.beispiel", "raw": "Hallo Welt"}}
    deliver(client, settings, "post_created", post, event_id="2")
    response = deliver(client, settings, "post_destroyed", post, event_id="3")
    assert response.status_code == 409
    with store.transaction() as session:
        assert session.get(Post, 901) is not None


def test_topic_destroyed_removes_the_topic_and_its_posts(client, settings, store):
    from companion.store.models import Topic

    deliver(client, settings, "user_created", USER, event_id="1")
    post = {"post": {"id": 902, "topic_id": 79, "post_number": 1, "username": "erika.beispiel", "raw": "Text"}}
    deliver(client, settings, "post_created", post, event_id="2")
    topic = {"topic": {"id": 79, "title": "Thema", "deleted_at": "2026-11-02T10:00:00Z"}}
    assert deliver(client, settings, "topic_destroyed", topic, event_id="3").get_json()["status"] == "applied"
    with store.transaction() as session:
        assert session.get(Topic, 79) is None and session.get(Post, 902) is None


def test_suspension_takes_effect_at_once_and_is_lifted(client, settings, store):
    deliver(client, settings, "user_created", USER, event_id="1")
    suspended = {"user": {**USER["user"], "suspended_till": "3026-01-01T00:00:00Z"}}
    assert deliver(client, settings, "user_suspended", suspended, event_id="2").status_code == 200
    with store.transaction() as session:
        assert session.scalar(select(Member.suspended)) is True
    assert deliver(client, settings, "user_unsuspended", USER, event_id="3").status_code == 200
    with store.transaction() as session:
        assert session.scalar(select(Member.suspended)) is False


def test_a_new_user_from_a_webhook_is_not_taken_for_activated(client, settings, store):
    body = {"user": {k: v for k, v in USER["user"].items() if k != "active"}}
    deliver(client, settings, "user_created", body, event_id="1")
    with store.transaction() as session:
        assert session.scalar(select(Member.active)) is False
    # A later user_updated (no `active` either) keeps what is known; the catch-up read sets it from the admin list.
    deliver(client, settings, "user_approved", {"user": {**body["user"], "name": "E. B."}}, event_id="2")
    with store.transaction() as session:
        assert session.scalar(select(Member.active)) is False


def test_user_removed_from_group_removes_the_membership_even_for_admins(client, settings, store):
    from companion.store.models import ForumGroup, GroupMembership

    deliver(client, settings, "user_created", USER, event_id="1")
    with store.transaction() as session:
        session.add(ForumGroup(name="admins", forum_group_id=1))
        session.add(ForumGroup(name="kreis-wesel", forum_group_id=41))
    change = {"group_user": {"group_id": 41, "user_id": 42, "notification_level": 3, "owner": False}}
    deliver(client, settings, "user_added_to_group", change, event_id="2")
    deliver(client, settings, "user_removed_from_group", change, event_id="3")
    admins = {"group_user": {"group_id": 1, "user_id": 42}}
    assert deliver(client, settings, "user_removed_from_group", admins, event_id="4").status_code == 200
    with store.transaction() as session:
        assert session.scalar(select(func.count()).select_from(GroupMembership)) == 0


def test_deeply_nested_signed_json_is_400_not_500(client, settings, store):
    for index, raw in enumerate([b"[" * 100_000 + b"]" * 100_000, b'{"a":' * 5_000 + b"1" + b"}" * 5_000]):
        response = deliver(client, settings, "user_updated", raw, event_id=f"n{index}")
        assert response.status_code == 400
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


def test_a_labelled_reply_in_a_meeting_thread_becomes_the_members_check_in(client, settings, store):
    from datetime import UTC, datetime, timedelta

    from companion.circles.seasons import create_season
    from companion.store.models import CheckIn, OutboxItem, Season
    from tests.support.circles import spec
    from tests.support.formats import make_circle

    deliver(client, settings, "user_created", USER, event_id="1")
    with store.transaction() as session:
        erika = session.scalar(select(Member).where(Member.username == "erika.beispiel"))
        season = create_season(session, spec(), actor="admin")
        circle = make_circle(session, session.get(Season, season.id), [erika])
        meeting = min(circle.meetings, key=lambda m: m.number)
        meeting.starts_at = datetime.now(UTC) + timedelta(days=3)
        meeting.ends_at = meeting.starts_at + timedelta(hours=2)
        key = f"circles:meeting:{meeting.id}:thread"
        session.add(OutboxItem(idempotency_key=key, kind="pm", payload={}, status="sent", forum_topic_id=4242))
    reply = {
        "post": {
            "id": 901,
            "topic_id": 4242,
            "post_number": 2,
            "username": "erika.beispiel",
            "user_id": 42,
            "raw": "Erledigt: Termin mit der IT\nNächster Schritt: Pilot starten\nZuversicht: 4",
            "created_at": "2026-11-01T10:00:00Z",
            "archetype": "private_message",
        }
    }
    assert deliver(client, settings, "post_created", reply, event_id="2").get_json()["status"] == "applied"
    with store.transaction() as session:
        check_in = session.scalar(select(CheckIn))
        assert check_in is not None and check_in.next_step == "Pilot starten" and check_in.confidence == 4
