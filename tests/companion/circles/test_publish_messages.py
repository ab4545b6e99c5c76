"""Publishing sends each member one welcome with every date; each meeting's thread follows shortly before it."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from companion.circles.formation import form_season
from companion.circles.publishing import publish_recipients, publish_season
from companion.circles.reminders import THREAD_DAYS_BEFORE, queue_due_reminders
from companion.store.models import OutboxItem, Season
from tests.support.circles import add_members, sign_up_all


def _thread_keys(session):
    return [k for k in session.scalars(select(OutboxItem.idempotency_key)) if k.endswith(":thread")]


def test_meeting_threads_follow_in_time_not_all_at_publishing(store, settings, season_id):
    with store.transaction() as session:
        season = session.get(Season, season_id)
        sign_up_all(session, season, add_members(session, 8))
        form_season(session, season, settings, actor="admin")
        placed, waiting = publish_recipients(session, season)
        assert placed + waiting == 8
        publish_season(session, season, settings, actor="admin")
        assert _thread_keys(session) == []
        first, second = season.circles[0].meetings[:2]
        first_id, second_start = first.id, second.starts_at
        queue_due_reminders(session, settings, now=first.starts_at - timedelta(days=THREAD_DAYS_BEFORE + 3))
        assert _thread_keys(session) == []
        queue_due_reminders(session, settings, now=first.starts_at - timedelta(days=THREAD_DAYS_BEFORE - 1))
        queue_due_reminders(session, settings, now=first.starts_at - timedelta(days=2))
        assert _thread_keys(session) == [f"circles:meeting:{first_id}:thread"]
        queue_due_reminders(session, settings, now=second_start - timedelta(days=3))
        assert len(_thread_keys(session)) == 2
