"""End to end over real HTTP: the client, readers and writers against the sandbox forum."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import requests

from sandbox import SandboxSettings, run_sandbox_server
from sync.client import ForumClient
from sync.errors import ForumAccessDenied
from sync.probe import probe_forum
from sync.readers import ForumReader
from sync.webhooks import parse_event
from sync.writers import ForumWriter, external_id_for
from tests.support.synckit import HAVE_CONTRACT, schema

pytestmark = pytest.mark.e2e

# Sandbox answers checked against the official response schemas (path -> schema name).
RESPONSE_SCHEMAS = {
    "/posts.json": "latest_posts_response",
    "/groups.json": "groups_list_response",
    "/admin/badges.json": "badge_list_response",
    "/site/basic-info.json": "site_basic_info_response",
}


def client_for(server, settings: SandboxSettings, **kwargs) -> ForumClient:
    # The sandbox runs unlimited here (pacing is tested on its own and measured by the benchmark).
    kwargs.setdefault("requests_per_minute", settings.admin_requests_per_minute)
    return ForumClient(server.url, settings.api_key, settings.api_username, timeout=(5, 30), **kwargs)


@pytest.fixture(scope="module")
def sandbox():
    settings = SandboxSettings(members=40, organisations=4, admin_requests_per_minute=0, data_explorer=True)
    with run_sandbox_server(settings) as server:
        yield server, settings


def test_full_read_matches_between_per_member_and_bulk_paths(sandbox):
    server, settings = sandbox
    client = client_for(server, settings)
    reader = ForumReader(client)
    per_member, used_bulk = reader.read_members(prefer_bulk=False)
    assert not used_bulk
    bulk, used_bulk = ForumReader(client).read_members(prefer_bulk=True)
    assert used_bulk
    by_id = {m.id: m for m in bulk}
    assert {m.id for m in per_member} == set(by_id)
    for member in per_member:
        other = by_id[member.id]
        assert (
            other.username,
            other.user_fields,
            set(other.groups),
            other.ignored_usernames,
            other.muted_usernames,
        ) == (member.username, member.user_fields, set(member.groups), member.ignored_usernames, member.muted_usernames)
    assert any(m.user_fields for m in per_member), "the sandbox seeds user fields; names must resolve"
    assert client.rate_limited_count == 0


def test_snapshot_and_incremental_read(sandbox):
    server, settings = sandbox
    reader = ForumReader(client_for(server, settings))
    snapshot = reader.read_all(prefer_bulk=False, include_likes=False)
    assert snapshot.members and snapshot.groups and snapshot.posts
    newest = max(p.id for p in snapshot.posts)
    username = snapshot.members[0].username
    post = server.state.create_post(
        username,
        "Ein ganz neuer Beitrag über offene Daten im Kreis.",
        title="Neu: Offene Daten im Kreis und in der Stadt",
    )
    changes = reader.read_changes(since_post_id=newest)
    assert [p.id for p in changes.posts] == [post.id]


def some_member(server, settings) -> str:
    return next(
        u.username
        for u in server.state.users.values()
        if u.id > 0 and not u.admin and u.username != settings.api_username
    )


def test_pm_retry_after_crash_is_not_sent_twice_against_the_sandbox(sandbox):
    server, settings = sandbox
    writer = ForumWriter(client_for(server, settings))
    target = some_member(server, settings)
    sent = writer.send_private_message([target], "Dein Vorschlag für diese Woche", "Hallo, lerne Anna kennen!", "e2e-1")
    again = writer.send_private_message(
        [target], "Dein Vorschlag für diese Woche", "Hallo, lerne Anna kennen!", "e2e-1", first_attempt=False
    )
    assert again.post_id == sent.post_id and again.already_existed
    inbox = [m for m in server.state.inbox(target) if m.topic_id == sent.topic_id]
    assert len(inbox) == 1 and "<!-- companion:e2e-1 -->" in inbox[0].raw


def test_writers_are_idempotent_against_the_sandbox(sandbox):
    server, settings = sandbox
    client = client_for(server, settings)
    writer = ForumWriter(client)
    target = some_member(server, settings)
    sent = writer.send_private_message([target], "Dein Vorschlag, zweite Woche", "Hallo, lerne Bernd kennen!", "e2e-2")
    inbox = [m for m in server.state.inbox(target) if m.topic_id == sent.topic_id]
    assert len(inbox) == 1 and "<!-- companion:e2e-2 -->" in inbox[0].raw
    badge = writer.create_badge("E2E-Brückenbauer", badge_type_id=3, description="Test")
    writer.grant_badge(target, badge.id)
    writer.grant_badge(target, badge.id)
    assert [g.badge.name for g in server.state.badges_of(target)].count("E2E-Brückenbauer") == 1
    group = writer.create_group("e2e-zirkel", full_name="E2E Zirkel", usernames=[target])
    assert writer.create_group("e2e-zirkel").id == group.id
    topic = writer.create_topic("Zirkel E2E: erstes Treffen im Herbst", "Willkommen im Zirkel!", 1, "e2e-topic")
    assert writer.find_topic_by_external_id(external_id_for("e2e-topic")).topic_id == topic.topic_id


def test_faults_are_absorbed(sandbox):
    server, settings = sandbox
    client = client_for(server, settings)
    server.state.faults.rate_limit_next(1, shape="text", wait_seconds=1)
    server.state.faults.rate_limit_next(1, shape="json", wait_seconds=1)
    server.state.faults.fail_next(2, status=503)
    assert ForumReader(client).read_user_fields() is not None
    assert client.rate_limited_count == 2


def test_wrong_key_is_access_denied(sandbox):
    server, settings = sandbox
    client = ForumClient(server.url, "wrong-key", settings.api_username, requests_per_minute=0)
    with pytest.raises(ForumAccessDenied):
        client.get("/admin/users/list/active.json", page=1)
    report = probe_forum(client_for(server, settings))
    assert report.reachable and report.api_key_valid and report.api_user_is_admin
    assert report.data_explorer == "available"


def test_default_budget_is_never_exceeded():
    settings = SandboxSettings(members=20, organisations=2, admin_requests_per_minute=60)
    with run_sandbox_server(settings) as server:
        # Scale time down: pacer and sandbox both count per minute, but 60 requests would take a minute;
        # the burst alone must pass without a 429.
        client = client_for(server, settings, requests_per_minute=60)
        for _ in range(client.pacer.burst):
            client.get("/site/basic-info.json")
        assert server.state.rate_limited_count == 0


def schema_errors(instance, name: str) -> list[str]:
    """Return schema violations, except integers where the published schema says string|null.

    Those fields (e.g. reply_to_post_number) were typed from null examples when
    the spec was generated; real Discourse sends integers there.
    """
    import jsonschema

    spec = schema(name)
    problems = []
    for error in jsonschema.validators.validator_for(spec)(spec).iter_errors(instance):
        if (
            error.validator == "type"
            and isinstance(error.instance, int)
            and error.validator_value == ["string", "null"]
        ):
            continue
        problems.append(f"{name} at {list(error.absolute_path)}: {error.message}")
    return problems


@pytest.mark.skipif(not HAVE_CONTRACT, reason="Discourse contract folder ../shared/discourse is absent")
def test_sandbox_answers_fit_the_response_schemas(sandbox):
    server, settings = sandbox
    session = requests.Session()
    session.headers.update({"Api-Key": settings.api_key, "Api-Username": settings.api_username})
    problems = []
    for path, name in RESPONSE_SCHEMAS.items():
        answer = session.get(server.url + path, timeout=10)
        assert answer.status_code == 200, path
        problems += schema_errors(answer.json(), name)
    users = session.get(
        server.url + "/admin/users/list/active.json", params={"page": 1, "show_emails": "true"}, timeout=10
    )
    problems += schema_errors(users.json(), "admin_user_list_response")
    assert problems == []


def test_webhook_deliveries_verify_and_parse():
    received: list[tuple[dict, bytes]] = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((dict(self.headers), body))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    httpd = HTTPServer(("127.0.0.1", 0), Hook)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    secret = "companion-webhook-secret"
    settings = SandboxSettings(
        members=5,
        organisations=2,
        admin_requests_per_minute=0,
        webhook_url=f"http://127.0.0.1:{httpd.server_port}/hook",
        webhook_secret=secret,
    )
    try:
        with run_sandbox_server(settings) as server:
            username = next(u.username for u in server.state.users.values() if not u.admin and u.id > 0)
            received.clear()
            server.state.create_post(
                username,
                "Ein Beitrag, der einen Webhook auslösen soll, mit Inhalt.",
                title="Webhook-Test: ein neues Thema für alle",
            )
            for _ in range(100):
                if any(h.get("X-Discourse-Event") == "post_created" for h, _ in received):
                    break
                threading.Event().wait(0.05)
    finally:
        httpd.shutdown()
    events = [parse_event(h, b, secret=secret) for h, b in received]
    assert any(e.event_name == "post_created" and e.payload.username == username for e in events)
