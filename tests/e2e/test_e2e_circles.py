"""End to end over HTTP against the sandbox: sign-up to published groups, messages, RSVPs, reminders, ICS, once."""

from __future__ import annotations

from datetime import timedelta

import icalendar
import pytest
from sqlalchemy import select

from companion.circles.calendar import build_ics, current_token, feed_meetings
from companion.circles.formation import form_season
from companion.circles.links import rsvp_token
from companion.circles.publishing import publish_season
from companion.circles.reminders import send_due_reminders
from companion.circles.rsvp import rsvp_from_token
from companion.circles.seasons import create_season
from companion.forum.reading import run_sync
from companion.outbox.delivery import deliver_pending
from companion.outbox.handlers import HANDLERS
from companion.store.models import (
    Circle,
    Member,
    MemberPreferences,
    OutboxItem,
    Rsvp,
    Season,
)
from sandbox import SandboxSettings, run_sandbox_server
from tests.support.circles import sign_up_all, spec
from tests.support.env import companion_context

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_season_from_sign_up_to_forum_groups_messages_rsvps_reminders_and_ics(store, settings):
    sandbox_settings = SandboxSettings(members=40, organisations=5, admin_requests_per_minute=0)
    with run_sandbox_server(sandbox_settings) as server:
        context = companion_context(settings, store, server.url)
        config = context.settings
        run_sync(context)
        with store.transaction() as session:
            members = session.scalars(
                select(Member)
                .where(
                    Member.active.is_(True),
                    Member.staged.is_(False),
                    Member.admin.is_(False),
                    Member.organisation_id.is_not(None),
                )
                .order_by(Member.id)
                .limit(14)
            ).all()
            assert len(members) >= 8, "the sandbox should seed enough members with an organisation"
            for member in members:
                session.merge(MemberPreferences(member_id=member.id, circles_consent=True))
            season = create_season(session, spec(), actor="admin")
            sign_up_all(session, season, members)
            form_season(session, season, config, actor="admin")
            publish_season(session, season, config, actor="admin")
            season_id = season.id
            groups = {c.forum_group_name: sorted(cm.member.username for cm in c.members) for c in season.circles}
        report = deliver_pending(store, context.forum, HANDLERS)
        assert report.failed == 0 and report.remaining == 0
        for name, usernames in groups.items():
            group = server.state.find_group(name)
            assert group is not None
            in_forum = sorted(server.state.users[i].username for i in server.state.group_member_ids(group))
            assert set(usernames) <= set(in_forum)
        titles = [t.title for t in server.state.topics.values()]
        # One welcome per member, each in their own PM with every date (no meeting threads yet).
        welcomes = sum(t.startswith(("Willkommen im Zirkel", "Welcome to Zirkel")) for t in titles)
        assert welcomes == sum(len(u) for u in groups.values())
        assert not any(": Treffen " in t for t in titles)
        posts_after_publish = len(server.state.posts)
        with store.transaction() as session:
            publish_season(session, session.get(Season, season_id), config, actor="admin")
        deliver_pending(store, context.forum, HANDLERS)
        assert len(server.state.posts) == posts_after_publish, "re-running publish must send nothing twice"

        with store.transaction() as session:
            circle = session.get(Season, season_id).circles[0]
            meeting = circle.meetings[0]
            member_id = circle.members[0].member_id
            meeting_id, start = meeting.id, meeting.starts_at
            rsvp_from_token(
                session, config, rsvp_token(config, meeting.id, member_id), "yes", now=start - timedelta(days=8)
            )
        for moment in (start - timedelta(days=6), start - timedelta(days=5), start - timedelta(hours=12)):
            send_due_reminders(context, moment)
        delivered = deliver_pending(store, context.forum, HANDLERS)
        assert delivered.failed == 0
        # The meeting's thread reached the circle's group before the meeting, with the reminders.
        assert any(t.title.startswith(f"{circle.name}: Treffen 1 ") for t in server.state.topics.values())
        with store.transaction() as session:
            size = len([cm for cm in session.get(Season, season_id).circles[0].members if cm.left_at is None])
            keys = [
                k
                for k in session.scalars(select(OutboxItem.idempotency_key))
                if f"circles:meeting:{meeting_id}:reminder" in k
            ]
            assert len(keys) == 2 * size
            assert session.get(Rsvp, (meeting_id, member_id)).answer == "yes"
            sent = session.scalars(select(OutboxItem).where(OutboxItem.status != "sent")).all()
            assert sent == []
            token = current_token(session, circle=session.get(Circle, circle.id)).token
            name, meetings = feed_meetings(session, token)
            parsed = icalendar.Calendar.from_ical(build_ics(session, name, meetings, config, generated_at=start))
        assert len(parsed.walk("VEVENT")) == len(meetings) > 0
