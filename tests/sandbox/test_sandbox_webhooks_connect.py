"""Outgoing signed webhooks and the DiscourseConnect provider of the sandbox, over real HTTP."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
import requests
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from sandbox import SandboxSettings, run_sandbox_server
from sandbox.connect import decode_payload, encode_payload, sign
from sandbox.webhooks import sign as sign_webhook

H = {"Api-Key": "sandbox-api-key", "Api-Username": "system"}
SECRET = "my_lovely_secret_for_web_hook"


class Receiver:
    """A tiny HTTP server that records webhook deliveries and can refuse the first ones."""

    def __init__(self, failures: int = 0) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.failures = failures

        @Request.application
        def app(request: Request) -> Response:
            self.received.append((dict(request.headers), request.get_data()))
            if self.failures > 0:
                self.failures -= 1
                return Response("busy", status=500)
            return Response("ok")

        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}/webhooks/discourse"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def events(self) -> list[str]:
        return [h["X-Discourse-Event"] for h, _ in self.received]

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.stop()


def test_webhook_signature_matches_the_facts_test_vector():
    assert sign_webhook(SECRET, b'{"ping":"OK"}') == (
        "sha256=162f107f6b5022353274eb1a7197885cfd35744d8d08e5bcea025d309386b7d6"
    )


def test_state_changes_are_posted_signed_with_real_headers(receiver):
    settings = SandboxSettings(members=40, webhook_url=receiver.url, webhook_secret=SECRET, admin_requests_per_minute=0)
    with run_sandbox_server(settings) as server:
        forum = server.state
        user = forum.create_user("neu.mitglied", "Neu Mitglied", "neu.mitglied@essen.de", bio_raw="Hallo")
        post = forum.create_post(
            "neu.mitglied",
            "Mein erster Beitrag zu Open Data",
            title="Open Data in Essen",
            category="Austausch",
            tags=["open-data"],
        )
        forum.edit_post(post.id, "Mein erster Beitrag zu Open Data (bearbeitet)")
        forum.edit_topic(post.topic_id, title="Open Data in der Stadt Essen")
        liker = next(u for u in forum.users.values() if u.id > 0 and u.id != user.id and not u.staged)
        forum.like(liker.username, post.id)
        forum.update_user("neu.mitglied", bio_raw="Neue Bio")
        badge = forum.create_badge("Test-Abzeichen", 3)
        grant = forum.grant_badge("neu.mitglied", badge.id, reason=f"/t/{post.topic_id}")
        forum.revoke_badge(grant.id)
        forum.destroy_post(post.id)
        forum.destroy_user("neu.mitglied")
        assert forum.webhooks.wait_idle(10)
    assert receiver.events() == [
        "user_created",
        "user_added_to_group",
        "topic_created",
        "post_created",
        "post_edited",
        "topic_edited",
        "post_liked",
        "user_updated",
        "user_badge_granted",
        "user_badge_revoked",
        "topic_destroyed",
        "post_destroyed",
        "user_destroyed",
    ]
    types = [h["X-Discourse-Event-Type"] for h, _ in receiver.received]
    assert types[:4] == ["user", "group_user", "topic", "post"] and "like" in types and "user_badge" in types
    ids = [int(h["X-Discourse-Event-Id"]) for h, _ in receiver.received]
    assert ids == sorted(set(ids))
    for headers, body in receiver.received:
        assert headers["X-Discourse-Event-Signature"] == sign_webhook(SECRET, body)
        assert headers["X-Discourse-Instance"] == server.url
        payload = json.loads(body)
        assert list(payload) == [headers["X-Discourse-Event-Type"]]
    created = json.loads(receiver.received[0][1])["user"]
    assert created["username"] == "neu.mitglied" and created["email"] == "neu.mitglied@essen.de"
    assert {"user_fields", "groups", "ignored_usernames", "muted_usernames", "external_id"} <= set(created)
    added = json.loads(receiver.received[1][1])["group_user"]
    assert added["user_id"] == user.id
    liked = json.loads(receiver.received[6][1])["like"]
    assert liked["post"]["id"] == post.id and liked["user"]["username"] == liker.username


def test_http_writes_fire_webhooks_and_the_log_records_attempts(receiver):
    settings = SandboxSettings(members=20, webhook_url=receiver.url, webhook_secret=SECRET)
    with run_sandbox_server(settings) as server:
        member = next(u for u in server.state.users.values() if u.id > 0 and not u.staged)
        response = requests.post(
            f"{server.url}/posts.json",
            headers=H,
            timeout=5,
            data={
                "title": "Vorschlag",
                "raw": "Hallo!",
                "archetype": "private_message",
                "target_recipients": member.username,
            },
        )
        assert response.status_code == 200
        assert server.state.webhooks.wait_idle(10)
        log = requests.get(f"{server.url}/sandbox/webhooks.json", timeout=5).json()["deliveries"]
    assert [d["event"] for d in log] == ["topic_created", "post_created"]
    assert all(d["status"] == 200 and d["attempt"] == 1 for d in log)


def test_failed_deliveries_are_not_retried_by_default():
    # app/jobs/regular/emit_web_hook_event.rb retries only when retry_web_hook_events is on (off by default).
    receiver = Receiver(failures=2)
    try:
        settings = SandboxSettings(
            members=10, webhook_url=receiver.url, webhook_secret=SECRET, webhook_retry_delays=(0.01, 0.01, 0.01)
        )
        with run_sandbox_server(settings) as server:
            event_id = server.state.webhooks.ping()
            assert server.state.webhooks.wait_idle(10)
            log = list(server.state.webhook_deliveries)
    finally:
        receiver.stop()
    assert [(d.event_id, d.attempt, d.status) for d in log] == [(event_id, 1, 500)]


def test_retries_when_configured_each_carry_a_new_event_id():
    receiver = Receiver(failures=2)
    try:
        settings = SandboxSettings(
            members=10,
            webhook_url=receiver.url,
            webhook_secret=SECRET,
            webhook_retry_delays=(0.01, 0.01, 0.01),
            retry_web_hook_events=True,
        )
        with run_sandbox_server(settings) as server:
            event_id = server.state.webhooks.ping()
            assert server.state.webhooks.wait_idle(10)
            log = list(server.state.webhook_deliveries)
    finally:
        receiver.stop()
    assert [(d.attempt, d.status) for d in log] == [(1, 500), (2, 500), (3, 200)]
    ids = [h["X-Discourse-Event-Id"] for h, _ in receiver.received]
    assert ids[0] == str(event_id) and len(set(ids)) == 3, "each retry is a new event"
    assert len({body for _, body in receiver.received}) == 1
    assert receiver.received[0][1] == b'{"ping":"OK"}'


def test_duplicate_delivery_fault_sends_an_event_twice(receiver):
    settings = SandboxSettings(members=10, webhook_url=receiver.url, webhook_secret=SECRET)
    with run_sandbox_server(settings) as server:
        server.state.faults.duplicate_next_webhooks(1)
        server.state.create_user("doppelt", "Doppelt", "doppelt@moers.de")
        assert server.state.webhooks.wait_idle(10)
    created = [h["X-Discourse-Event-Id"] for h, _ in receiver.received if h["X-Discourse-Event"] == "user_created"]
    assert len(created) == 2 and created[0] == created[1]


def test_short_secret_means_no_signature(receiver):
    settings = SandboxSettings(members=5, webhook_url=receiver.url, webhook_secret="short")
    with run_sandbox_server(settings) as server:
        server.state.webhooks.ping()
        assert server.state.webhooks.wait_idle(10)
    assert "X-Discourse-Event-Signature" not in receiver.received[0][0]


# ---- DiscourseConnect -------------------------------------------------------

CONNECT_SECRET = "sandbox-connect-secret"


def _request(nonce: str, return_url: str, **extra: str) -> dict[str, str]:
    # Build the request the way a relying party does, independently of the sandbox's helpers.
    sso = base64.b64encode(urlencode({"nonce": nonce, "return_sso_url": return_url, **extra}).encode()).decode()
    sig = hmac.new(CONNECT_SECRET.encode(), sso.encode(), hashlib.sha256).hexdigest()
    return {"sso": sso, "sig": sig}


def _answer(location: str) -> dict[str, str]:
    query = parse_qs(urlparse(location).query)
    sso, sig = query["sso"][0], query["sig"][0]
    assert hmac.new(CONNECT_SECRET.encode(), sso.encode(), hashlib.sha256).hexdigest() == sig
    return {k: v[0] for k, v in parse_qs(base64.b64decode(sso).decode(), keep_blank_values=True).items()}


@pytest.fixture(scope="module")
def sandbox():
    with run_sandbox_server(SandboxSettings(members=60, seed=4)) as server:
        yield server


def test_connect_round_trip_with_as_shortcut(sandbox):
    member = next(
        u
        for u in sandbox.state.users.values()
        if u.id > 0 and not u.staged and not u.staff and u.suspended_till is None
    )
    params = _request("n-123", "http://companion.test/auth/callback?next=/de/")
    response = requests.get(
        f"{sandbox.url}/session/sso_provider",
        params={**params, "as": member.username},
        allow_redirects=False,
        timeout=5,
    )
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("http://companion.test/auth/callback?next=/de/&sso=")
    fields = _answer(location)
    assert fields["nonce"] == "n-123" and fields["return_sso_url"] == "http://companion.test/auth/callback?next=/de/"
    assert fields["external_id"] == str(member.id) and fields["username"] == member.username
    assert fields["email"] == member.email and fields["admin"] == "false" and fields["moderator"] == "false"
    group_names = fields["groups"].split(",")
    assert any(g.full_name == member.user_fields["1"] and g.name in group_names for g in sandbox.state.groups.values())
    assert fields["avatar_url"].startswith(sandbox.url)


def test_connect_remembers_the_session_and_prompt_none(sandbox):
    session = requests.Session()
    params = _request("n-1", "http://companion.test/cb", prompt="none")
    failed = session.get(f"{sandbox.url}/session/sso_provider", params=params, allow_redirects=False, timeout=5)
    assert _answer(failed.headers["Location"]) == {
        "nonce": "n-1",
        "return_sso_url": "http://companion.test/cb",
        "failed": "true",
    }
    admin = next(u for u in sandbox.state.users.values() if u.admin and u.id > 0)
    first = session.get(
        f"{sandbox.url}/session/sso_provider",
        params={**_request("n-2", "http://companion.test/cb"), "as": admin.username},
        allow_redirects=False,
        timeout=5,
    )
    assert _answer(first.headers["Location"])["admin"] == "true"
    again = session.get(
        f"{sandbox.url}/session/sso_provider",
        params=_request("n-3", "http://companion.test/cb", prompt="none"),
        allow_redirects=False,
        timeout=5,
    )
    fields = _answer(again.headers["Location"])
    assert fields["nonce"] == "n-3" and fields["username"] == admin.username and "failed" not in fields
    session.get(f"{sandbox.url}/sandbox/logout", timeout=5)
    page = session.get(
        f"{sandbox.url}/session/sso_provider",
        params=_request("n-4", "http://companion.test/cb"),
        allow_redirects=False,
        timeout=5,
    )
    assert page.status_code == 200 and "Anmelden als" in page.text


def test_connect_log_in_as_page_lists_and_searches_members(sandbox):
    params = _request("n-5", "http://companion.test/cb")
    page = requests.get(f"{sandbox.url}/session/sso_provider", params=params, timeout=5)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    admin = next(u for u in sandbox.state.users.values() if u.admin and u.id > 0)
    assert admin.username in page.text and "Admin" in page.text
    target = next(
        u
        for u in sandbox.state.users.values()
        if u.id > 0 and not u.staged and not u.staff and u.suspended_till is None
    )
    found = requests.get(f"{sandbox.url}/session/sso_provider", params={**params, "q": target.username}, timeout=5)
    assert target.username in found.text and admin.username not in found.text


def test_connect_rejects_a_bad_signature(sandbox):
    params = _request("n-6", "http://companion.test/cb")
    params["sig"] = "0" * 64
    response = requests.get(f"{sandbox.url}/session/sso_provider", params=params, allow_redirects=False, timeout=5)
    assert response.status_code == 422


def test_connect_payload_helpers_keep_the_trailing_newline():
    sso = encode_payload({"nonce": "x", "return_sso_url": "http://a/b"})
    assert sso.endswith("\n")
    assert decode_payload(sso) == {"nonce": "x", "return_sso_url": "http://a/b"}
    assert sign("k", sso) != sign("k", sso.strip())


def test_server_counts_and_real_content_type(sandbox):
    before = sandbox.state.request_count
    response = requests.get(f"{sandbox.url}/site/basic-info.json", headers=H, timeout=5)
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert sandbox.state.request_count == before + 1


def test_connect_accepts_a_payload_whose_line_breaks_a_browser_form_turned_into_crlf(sandbox):
    # Discourse-style payloads are base64 with a line break every 60 characters; a form posts them back as CR LF.
    raw = urlencode({"nonce": "n-crlf", "return_sso_url": "http://companion.test/auth/callback?next=/" + "x" * 80})
    sso = base64.encodebytes(raw.encode()).decode()
    sig = hmac.new(CONNECT_SECRET.encode(), sso.encode(), hashlib.sha256).hexdigest()
    member = next(u for u in sandbox.state.users.values() if u.id > 0 and not u.staged and u.suspended_till is None)
    response = requests.get(
        f"{sandbox.url}/session/sso_provider",
        params={"sso": sso.replace("\n", "\r\n"), "sig": sig, "as": member.username},
        allow_redirects=False,
        timeout=5,
    )
    assert response.status_code == 302
    assert _answer(response.headers["Location"])["nonce"] == "n-crlf"


def test_suspension_group_removal_recovery_events_and_user_payloads_without_active(receiver):
    from datetime import UTC, datetime, timedelta

    settings = SandboxSettings(members=20, webhook_url=receiver.url, webhook_secret=SECRET, admin_requests_per_minute=0)
    with run_sandbox_server(settings) as server:
        forum = server.state
        user = next(u for u in forum.users.values() if u.id > 0 and not u.staged and u.active)
        group = next(g for g in forum.groups.values() if not g.automatic and user.id in g.members)
        forum.remove_group_members(group, [user])
        forum.suspend_user(user.username, datetime.now(UTC) + timedelta(days=3))
        forum.unsuspend_user(user.username)
        post = next(p for p in forum.posts.values() if p.deleted_at is None and p.post_number == 2)
        forum.destroy_post(post.id)
        forum.recover_post(post.id)
        assert forum.webhooks.wait_idle(10)
    assert receiver.events() == [
        "user_removed_from_group",
        "user_suspended",
        "user_unsuspended",
        "post_destroyed",
        "post_recovered",
    ]
    bodies = [json.loads(body) for _, body in receiver.received]
    assert bodies[0]["group_user"] == {"group_id": group.id, "user_id": user.id}
    assert all("active" not in b["user"] for b in bodies if "user" in b), "WebHookUserSerializer has no active"
    assert bodies[1]["user"]["suspended_till"] is not None
