"""The member's feed: read alike by a second parser (vobject) in summer and winter time, with booked meetups."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import vobject

from companion.circles.calendar import build_ics, current_token, feed_locale, feed_meetings, feed_meetups
from companion.circles.formation import form_season
from companion.circles.publishing import publish_season
from companion.meetups.registration import MeetupSpec, create_meetup, register
from companion.store.models import Member, Season
from tests.support.circles import add_members, sign_up_all


def _feed(session, settings, token, now):
    name, meetings = feed_meetings(session, token)
    return build_ics(session, name, meetings, settings, generated_at=now, meetups=feed_meetups(session, token))


def test_vobject_reads_every_meeting_at_the_stored_instant_across_summer_time(store, settings, season_id):
    now = datetime(2025, 1, 25, tzinfo=UTC)
    with store.transaction() as session:
        season = session.get(Season, season_id)
        season.meetings_count = 6  # February to autumn: both sides of the March and October changes
        sign_up_all(session, season, add_members(session, 8))
        form_season(session, season, settings, actor="admin")
        publish_season(session, season, settings, actor="admin")
        circle = season.circles[0]
        expected = {m.uid: m.starts_at.astimezone(UTC) for m in circle.meetings}
        member = session.get(Member, circle.members[0].member_id)
        body = _feed(session, settings, current_token(session, member=member).token, now)
    months = {instant.month for instant in expected.values()}
    assert months & {4, 5, 6, 7, 8, 9} and months & {1, 2, 3, 11, 12}
    parsed = vobject.readOne(body.decode())
    read = {str(event.uid.value): event.dtstart.value.astimezone(UTC) for event in parsed.vevent_list}
    assert read == expected
    assert b"RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3" in body
    assert body.count(b"BEGIN:DAYLIGHT") == 1 and body.count(b"BEGIN:STANDARD") == 1


def test_a_booked_meetup_seat_is_in_the_member_feed(store, settings):
    now = datetime(2025, 1, 25, 9, 0, tzinfo=UTC)
    with store.transaction() as session:
        booked, other = add_members(session, 2)
        meetup = create_meetup(
            session,
            MeetupSpec(
                title="Barcamp Verwaltung",
                starts_at=datetime(2025, 6, 12, 8, 0, tzinfo=UTC),
                ends_at=datetime(2025, 6, 12, 15, 0, tzinfo=UTC),
                capacity=10,
                location="Essen",
            ),
            actor="admin",
        )
        register(session, meetup, booked, now=now)
        mine = vobject.readOne(_feed(session, settings, current_token(session, member=booked).token, now).decode())
        theirs = _feed(session, settings, current_token(session, member=other).token, now)
    (event,) = mine.vevent_list
    assert event.summary.value == "Meetup: Barcamp Verwaltung"
    assert event.dtstart.value.astimezone(UTC) == datetime(2025, 6, 12, 8, 0, tzinfo=UTC)
    assert event.dtend.value - event.dtstart.value == timedelta(hours=7)
    assert b"Barcamp" not in theirs


def test_a_members_feed_is_in_their_language_and_a_circles_feed_in_the_networks(store, settings, season_id):
    now = datetime(2025, 1, 25, tzinfo=UTC)
    with store.transaction() as session:
        season = session.get(Season, season_id)
        sign_up_all(session, season, add_members(session, 8))
        form_season(session, season, settings, actor="admin")
        publish_season(session, season, settings, actor="admin")
        circle = season.circles[0]
        member = session.get(Member, circle.members[0].member_id)
        member.locale = "en"
        mine, shared = current_token(session, member=member).token, current_token(session, circle=circle).token
        assert (feed_locale(session, mine), feed_locale(session, shared)) == ("en", "de")
        name, meetings = feed_meetings(session, mine, "en")
        english = build_ics(session, name, meetings, settings, generated_at=now, locale="en").decode()
        name, meetings = feed_meetings(session, shared, "de")
        german = build_ics(session, name, meetings, settings, generated_at=now, locale="de").decode()
    assert "X-WR-CALNAME:My circles" in english and f"SUMMARY:{circle.name}: meeting 1 (" in english
    assert "Treffen" not in english and "Zirkel-Seite" not in english
    assert f"SUMMARY:{circle.name}: Treffen 1 (" in german and "Zirkel-Seite: " in german
