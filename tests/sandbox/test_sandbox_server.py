"""The sandbox over real HTTP with pydiscourse, which insists on Discourse's exact content type."""

from __future__ import annotations

import pytest
from pydiscourse import DiscourseClient
from pydiscourse.exceptions import DiscourseClientError, DiscourseRateLimitedError

from sandbox import SandboxSettings, run_sandbox_server


@pytest.fixture(scope="module")
def server():
    with run_sandbox_server(SandboxSettings(members=80, seed=9, admin_requests_per_minute=0)) as running:
        yield running


def test_pydiscourse_reads_and_writes(server):
    client = DiscourseClient(server.url, api_username="system", api_key="sandbox-api-key", timeout=5)
    member = next(
        u for u in server.state.users.values() if u.id > 0 and not u.staged and not u.staff and u.suspended_till is None
    )
    profile = client.user(member.username)
    assert profile["username"] == member.username and profile["user_fields"]["1"] == member.user_fields["1"]
    assert client.latest_topics()
    sent = client.create_post(
        "Hallo, hier ist dein Vorschlag der Woche.",
        title="Vorschlag der Woche",
        archetype="private_message",
        target_recipients=member.username,
    )
    assert server.state.inbox(member.username)[0].topic_id == sent["topic_id"]
    with pytest.raises(DiscourseClientError):
        client.user("nobody-here")


def test_pydiscourse_sees_the_rate_limit(server, monkeypatch):
    client = DiscourseClient(server.url, api_username="system", api_key="sandbox-api-key", timeout=5)
    monkeypatch.setattr("pydiscourse.client.time.sleep", lambda seconds: None)
    before = server.state.rate_limited_count
    server.state.faults.rate_limit_next(5, shape="json", wait_seconds=1)
    with pytest.raises(DiscourseRateLimitedError):
        client.user("system")
    # pydiscourse tries four times, reading wait_seconds from each JSON 429, then gives up.
    assert server.state.rate_limited_count - before == 4
    assert server.state.faults.pending()["rate_limit"] == 1
    assert client.user("system")["username"] == "system"  # the fifth planned 429 is retried through


def test_serve_forever_is_offered():
    from sandbox import serve_forever

    assert callable(serve_forever)
