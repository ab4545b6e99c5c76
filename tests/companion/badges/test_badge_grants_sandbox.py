"""Badge grants against the sandbox: reasons on the forum's own host, repeated multiple_grant with the same post."""

from __future__ import annotations

import pytest

from companion.forum.connection import forum_from_client, on_forum_host
from companion.outbox.handlers import grant_badge
from sandbox import SandboxSettings, run_sandbox_server
from sync.client import ForumClient
from sync.errors import ForumRejected, RepeatedGrant
from sync.writers import ForumWriter

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def forum():
    with run_sandbox_server(SandboxSettings(members=20, organisations=2, admin_requests_per_minute=0)) as server:
        yield server


def client(url: str) -> ForumClient:
    return ForumClient(url, "sandbox-api-key", "system", requests_per_minute=0, timeout=(5, 30))


def a_post(server):
    post = next(p for p in server.state.posts.values() if p.deleted_at is None and p.post_number == 1)
    return post.topic_id, post.post_number


def a_member(server) -> str:
    return next(u.username for u in server.state.users.values() if u.id > 0 and u.active and not u.staged)


def test_a_reason_off_the_forums_host_is_refused_with_400(forum):
    writer = ForumWriter(client(forum.url))
    badge = writer.create_badge("Ortsfremd", badge_type_id=3)
    topic_id, number = a_post(forum)
    with pytest.raises(ForumRejected) as info:
        writer.grant_badge(a_member(forum), badge.id, reason=f"https://evil.example/t/{topic_id}/{number}")
    assert info.value.status == 400


def test_reasons_are_moved_onto_the_canonical_host(forum):
    # The API is reached as localhost, but the forum knows itself as 127.0.0.1 (its DISCOURSE_HOSTNAME).
    api_url = forum.url.replace("127.0.0.1", "localhost")
    topic_id, number = a_post(forum)
    badge = ForumWriter(client(forum.url)).create_badge("Brücke lokal", badge_type_id=3)
    payload = {"username": a_member(forum), "forum_badge_id": badge.id, "reason": f"{api_url}/t/{topic_id}/{number}"}
    with pytest.raises(ForumRejected):
        grant_badge(forum_from_client(client(api_url)), payload, "k1", False)
    result = grant_badge(forum_from_client(client(api_url), public_url=forum.url), payload, "k1", False)
    assert result.extra["user_badge_id"] is not None
    assert (
        on_forum_host("https://a.example/t/5/2?u=x", "https://forum.example.org")
        == "https://forum.example.org/t/5/2?u=x"
    )


def test_a_repeated_multiple_grant_citing_the_same_post_is_not_a_new_grant(forum):
    writer = ForumWriter(client(forum.url))
    badge = writer.create_badge("Mehrfach", badge_type_id=3, multiple_grant=True)
    member = a_member(forum)
    topic_id, number = a_post(forum)
    reason = f"{forum.url}/t/{topic_id}/{number}"
    first = writer.grant_badge(member, badge.id, reason=reason, times=1)
    with pytest.raises(RepeatedGrant) as info:
        writer.grant_badge(member, badge.id, reason=reason, times=2)
    assert info.value.user_badge_id == first.id
    assert [g.badge.name for g in forum.state.badges_of(member)].count("Mehrfach") == 1
    # The outbox handler reports it as done without a new grant id, so no count goes up.
    payload = {"username": member, "forum_badge_id": badge.id, "reason": reason, "times": 2}
    result = grant_badge(forum_from_client(client(forum.url)), payload, "k2", False)
    assert result.extra["user_badge_id"] is None and result.extra["repeat_of"] == first.id
