"""Repeatable badges: the n-th grant is sent only while the member holds fewer than n."""

from sandbox import SandboxSettings, run_sandbox_server
from sync.client import ForumClient
from sync.writers import ForumWriter


def test_nth_grant_of_a_repeatable_badge_is_sent_once():
    with run_sandbox_server(SandboxSettings(members=10, admin_requests_per_minute=0)) as forum:
        writer = ForumWriter(
            ForumClient(forum.url, "sandbox-api-key", "system", requests_per_minute=10_000, headroom=1.0)
        )
        badge = writer.create_badge("Brücke zwischen Verwaltungen", multiple_grant=True)
        member = next(u.username for u in forum.state.users.values() if u.id > 0 and u.active)
        writer.grant_badge(member, badge.id, times=1)
        writer.grant_badge(member, badge.id, times=1)
        assert len([g for g in forum.state.badges_of(member) if g.badge.id == badge.id]) == 1
        writer.grant_badge(member, badge.id, times=2)
        writer.grant_badge(member, badge.id, times=2)
        assert len([g for g in forum.state.badges_of(member) if g.badge.id == badge.id]) == 2
