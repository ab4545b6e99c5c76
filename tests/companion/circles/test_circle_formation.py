"""Formation preview, re-forming, publishing through the outbox and the refusals around them."""

from __future__ import annotations

import itertools
from datetime import date
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from companion.circles.errors import FormationRefused, PublishRefused
from companion.circles.formation import form_season, stored_figures
from companion.circles.meeting_reasons import moved_text
from companion.circles.publishing import publish_season
from companion.store.models import (
    Circle,
    Meeting,
    MemberPreferences,
    OutboxItem,
    Season,
    WaitingEntry,
)
from tests.support.circles import add_members, sign_up_all


def _formed(store, settings, season_id, members=13):
    with store.transaction() as session:
        season = session.get(Season, season_id)
        people = add_members(session, members)
        sign_up_all(session, season, people)
        outcome = form_season(session, season, settings, actor="admin")
        return outcome, [p.id for p in people]


def test_formation_stores_a_preview_with_meetings_and_figures(store, settings, season_id):
    outcome, people = _formed(store, settings, season_id)
    with store.transaction() as session:
        season = session.get(Season, season_id)
        assert season.status == "formed"
        circles = session.scalars(select(Circle).where(Circle.season_id == season_id).order_by(Circle.number)).all()
        assert circles and all(c.status == "preview" for c in circles)
        placed = [cm.member_id for c in circles for cm in c.members]
        waiting = [w.member_id for w in session.scalars(select(WaitingEntry))]
        assert sorted(placed + waiting) == sorted(people)
        assert all(season.min_size <= len(c.members) <= season.max_size for c in circles)
        figures = stored_figures(session, season)
        assert figures.placed == len(placed) and figures.circles == len(circles)
        assert figures.share_available == 1.0  # everyone chose Tuesday morning and circles meet then
        berlin = ZoneInfo(settings.timezone)
        for circle in circles:
            assert (circle.slot_weekday, circle.slot_block) == (1, "vormittag")
            assert len(circle.meetings) + len(outcome.unplaced[circle.number]) == season.meetings_count
            for meeting in circle.meetings:
                start = meeting.starts_at.astimezone(berlin)
                assert start.weekday() == 1 and start.strftime("%H:%M") == "09:00"
                assert (meeting.ends_at - meeting.starts_at).total_seconds() == season.meeting_minutes * 60
            hosts = [m.host_organisation_id for m in circle.meetings]
            # Round robin: consecutive meetings change hosts whenever more than one organisation offers to host.
            if len(set(hosts)) > 1:
                assert all(a != b for a, b in itertools.pairwise(hosts))


def test_re_forming_replaces_the_preview_and_sign_ups_stay(store, settings, season_id):
    _formed(store, settings, season_id)
    with store.transaction() as session:
        first_uids = set(session.scalars(select(Meeting.uid)))
        circles_before = len(session.scalars(select(Circle)).all())
        form_season(session, session.get(Season, season_id), settings, actor="admin")
    with store.transaction() as session:
        # Database ids may be reused after a delete, meeting UIDs never are.
        assert first_uids and not first_uids & set(session.scalars(select(Meeting.uid)))
        assert len(session.scalars(select(Circle)).all()) == circles_before
        assert len(session.get(Season, season_id).signups) == 13


def test_too_few_sign_ups_is_refused_and_nothing_is_lost(store, settings, season_id):
    with store.transaction() as session:
        season = session.get(Season, season_id)
        people = add_members(session, 3)
        sign_up_all(session, season, people)
    with store.transaction() as session:
        with pytest.raises(FormationRefused, match="3 eligible sign-ups, fewer than the minimum circle size 4"):
            form_season(session, session.get(Season, season_id), settings, actor="admin")
    with store.transaction() as session:
        season = session.get(Season, season_id)
        assert len(season.signups) == 3 and season.status == "open"


def test_withdrawn_consent_puts_a_sign_up_on_the_waiting_list(store, settings, season_id):
    with store.transaction() as session:
        season = session.get(Season, season_id)
        people = add_members(session, 9)
        sign_up_all(session, season, people)
        session.get(MemberPreferences, people[0].id).circles_consent = False
        form_season(session, season, settings, actor="admin")
        entry = session.get(WaitingEntry, (season_id, people[0].id))
        assert entry is not None and entry.reason == "no_consent"
        placed = {cm.member_id for c in season.circles for cm in c.members}
        assert people[0].id not in placed


def test_publish_queues_groups_and_one_welcome_per_member_once(store, settings, season_id):
    _formed(store, settings, season_id)
    with store.transaction() as session:
        english = sorted(session.get(Season, season_id).circles, key=lambda c: c.number)[0].members[0].member
        english.locale = "en"
        english_name = english.username
    with store.transaction() as session:
        report = publish_season(session, session.get(Season, season_id), settings, actor="admin")
    with store.transaction() as session:
        season = session.get(Season, season_id)
        circles = sorted(season.circles, key=lambda c: c.number)
        assert season.status == "published" and all(c.status == "published" for c in circles)
        items = session.scalars(select(OutboxItem).order_by(OutboxItem.id)).all()
        assert report.queued == len(items) and report.already_queued == 0
        by_kind = {}
        for item in items:
            by_kind.setdefault(item.kind, []).append(item)
        assert len(by_kind["group_create"]) == len(circles)
        group = by_kind["group_create"][0].payload
        assert group["name"] == circles[0].forum_group_name and len(group["name"]) <= 20
        assert sorted(group["usernames"]) == sorted(cm.member.username for cm in circles[0].members)
        assert group["visibility_level"] == 2 and group["messageable_level"] == 3
        placed = sum(len(c.members) for c in circles)
        waiting = len(session.scalars(select(WaitingEntry)).all())
        # One message per member (the welcome with every date), not one per meeting: the meeting threads
        # follow before each meeting.
        assert len(by_kind["pm"]) == placed + waiting
        recipients = [r for i in by_kind["pm"] for r in i.payload["recipients"]]
        assert len(recipients) == len(set(recipients))
        welcomes = {i.payload["recipients"][0]: i.payload for i in by_kind["pm"] if ":welcome:" in i.idempotency_key}
        german = next(p for name, p in welcomes.items() if name != english_name)
        assert "Termine" in german["raw"] and "Dates" not in german["raw"]
        assert german["raw"].count("\n1. ") == 1 and f"{len(circles[0].meetings)}. " in welcomes[english_name]["raw"]
        assert "Dates" in welcomes[english_name]["raw"] and "Termine" not in welcomes[english_name]["raw"]
        # The group must exist before messages to it go out: the outbox sends in id order.
        assert items[0].kind == "group_create"
        count = len(items)
    with store.transaction() as session:
        again = publish_season(session, session.get(Season, season_id), settings, actor="admin")
    assert again.queued == 0 and again.already_queued == count
    with store.transaction() as session:
        assert len(session.scalars(select(OutboxItem)).all()) == count
        with pytest.raises(FormationRefused, match="can no longer be re-formed"):
            form_season(session, session.get(Season, season_id), settings, actor="admin")


def test_publish_without_formation_is_refused(store, settings, season_id):
    with store.transaction() as session:
        with pytest.raises(PublishRefused, match="form circles first"):
            publish_season(session, session.get(Season, season_id), settings, actor="admin")


def test_school_holidays_and_closure_days_move_meetings(store, settings):
    from companion.circles.seasons import create_season, set_closure_days
    from tests.support.circles import spec

    with store.transaction() as session:
        # First Tuesday meeting would be 2025-02-04; school holidays cover it, so it moves a week.
        season = create_season(session, spec(school_holidays=[["2025-02-03", "2025-02-07"]]), actor="admin")
        people = add_members(session, 6)
        org_ids = {p.organisation_id for p in people}
        from companion.store.models import Organisation

        # All organisations closed on the second planned date (2025-03-11) moves that one too.
        for org_id in org_ids:
            set_closure_days(session, season, session.get(Organisation, org_id), [date(2025, 3, 11)], actor="admin")
        sign_up_all(session, season, people, host_every=1)
        form_season(session, season, settings, actor="admin")
        circle = season.circles[0]
        days = [m.starts_at.astimezone(ZoneInfo("Europe/Berlin")).date() for m in circle.meetings]
    assert days[0] == date(2025, 2, 11)
    assert days[1] == date(2025, 3, 18)
    # Stored as a code, worded when shown.
    assert circle.meetings[0].move_reason == "school_holiday"
    assert moved_text(circle.meetings[0].move_reason, circle.meetings[0].move_params) == "Verschoben: Schulferien"
