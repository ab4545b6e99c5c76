"""End to end over real HTTP: badges are created once in the sandbox forum, granted with a reason link, never twice."""

from __future__ import annotations

import html

import pytest
import requests

from companion.badges.awarding import award_badges
from companion.forum.reading import run_sync
from companion.outbox.delivery import deliver_pending
from companion.outbox.handlers import HANDLERS
from sandbox import SandboxSettings, run_sandbox_server
from tests.support.env import companion_context

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_badges_are_created_once_granted_with_reason_and_not_twice(store, settings):
    sandbox_settings = SandboxSettings(members=40, organisations=5, admin_requests_per_minute=0)
    with run_sandbox_server(sandbox_settings) as server:
        context = companion_context(settings, store, server.url)
        run_sync(context)
        first = award_badges(context)
        assert first.grants, "the seeded network should earn at least one badge"
        report = deliver_pending(store, context.forum, HANDLERS)
        assert report.failed == 0 and report.remaining == 0
        names = {b.name for b in server.state.badges.values()}
        assert {"Brückenbauer*in", "Brücke zwischen Verwaltungen"} <= names
        grant = first.grants[0]
        held = server.state.badges_of(grant.username)
        assert any(g.badge.name == grant.badge_name_de for g in held)
        with_reason = [g for g in held if g.user_badge.reason]
        assert all(g.user_badge.reason.startswith(f"{server.url}/t/") for g in with_reason)
        # The member's page in the sandbox forum shows the badge, as a member would see it in Discourse.
        page = requests.get(f"{server.url}/sandbox/u/{grant.username}", timeout=10)
        assert page.status_code == 200 and grant.badge_name_de in html.unescape(page.text)
        badge_count = len(server.state.badges)
        grant_count = len(server.state.user_badges)
        second = award_badges(context)
        assert second.grants == []
        deliver_pending(store, context.forum, HANDLERS)
        assert len(server.state.badges) == badge_count and len(server.state.user_badges) == grant_count
