"""Season dates: never before the first date, default year-end closure days, school holidays as ranges or ICS."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from sqlalchemy import select

from companion.circles.errors import SeasonInvalid
from companion.circles.formation import form_season
from companion.circles.holidays import parse_days, parse_ranges, ranges_from_ics
from companion.circles.seasons import create_season, effective_closed_days
from companion.circles.signups import SignUpForm, sign_up
from companion.store.models import Meeting, Season
from tests.support.circles import add_members, spec
from tests.support.web import log_in

# Two all-day events as a ministry's holiday calendar publishes them: DTEND is the day after the last day.
HOLIDAYS_ICS = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//test//ferien//DE\r
BEGIN:VEVENT\r
UID:weihnachten-2026@test\r
DTSTART;VALUE=DATE:20261223\r
DTEND;VALUE=DATE:20270107\r
SUMMARY:Weihnachtsferien\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:oster-2027@test\r
DTSTART;VALUE=DATE:20270322\r
DTEND;VALUE=DATE:20270403\r
SUMMARY:Osterferien\r
END:VEVENT\r
END:VCALENDAR\r
"""

WINTER = dict(
    name="Winter 2026",
    signup_opens_on=date(2026, 11, 1),
    signup_closes_on=date(2026, 11, 30),
    first_meeting_on=date(2026, 12, 22),
    cadence_weeks=4,
    meetings_count=3,
)


def test_ranges_are_read_from_lines_and_from_an_ics_file():
    assert parse_ranges("22.12.2026 – 06.01.2027\n\n2027-03-22 - 2027-04-02\n03.10.2026") == [
        ["2026-12-22", "2027-01-06"],
        ["2027-03-22", "2027-04-02"],
        ["2026-10-03", "2026-10-03"],
    ]
    assert ranges_from_ics(HOLIDAYS_ICS) == [["2026-12-23", "2027-01-06"], ["2027-03-22", "2027-04-02"]]
    assert parse_days("24.12.2026, 2027-01-02") == ["2026-12-24", "2027-01-02"]


def test_bad_ranges_are_named_line_by_line():
    with pytest.raises(SeasonInvalid) as caught:
        parse_ranges("22.12.2026 – 06.01.2027\nWeihnachten\n10.01.2027 – 01.01.2027")
    assert len(caught.value.problems) == 2
    assert "2" in caught.value.problems[0] and "3" in caught.value.problems[1]
    with pytest.raises(SeasonInvalid):
        ranges_from_ics(b"not a calendar")


def test_default_closure_days_are_the_year_end_days_and_editable(store):
    with store.transaction() as session:
        season = create_season(session, spec(**WINTER), actor="admin")
        assert date(2026, 12, 24) in effective_closed_days(season)
        assert date(2026, 12, 31) in effective_closed_days(season)
        assert date(2026, 12, 28) in effective_closed_days(season)
        season.closed_days = ["2027-01-04"]
        assert effective_closed_days(season) == [date(2027, 1, 4)]


def test_formed_circles_never_meet_on_christmas_eve_nor_before_the_first_date(store, settings):
    with store.transaction() as session:
        season = create_season(session, spec(**WINTER), actor="admin")
        # Every weekday offered, so some circle gets each slot, Thursday 24.12. and Friday 25.12. among them.
        slots = {(day, "vormittag") for day in range(5)}
        people = add_members(session, 30)
        for i, person in enumerate(people):
            form = SignUpForm(interests=["ozg"], availability={sorted(slots)[i % 5]}, willing_to_host=i % 2 == 0)
            sign_up(session, season, person, form, today=date(2026, 11, 15))
        form_season(session, season, settings, actor="admin")
        days = [m.starts_at.astimezone(settings_zone(settings)).date() for m in session.scalars(select(Meeting))]
    assert days
    assert min(days) >= date(2026, 12, 22)
    closed = {date(2026, 12, 24), date(2026, 12, 28), date(2026, 12, 29), date(2026, 12, 30), date(2026, 12, 31)}
    assert not closed & set(days)


def settings_zone(settings):
    from zoneinfo import ZoneInfo

    return ZoneInfo(settings.timezone)


def test_the_admin_form_takes_ranges_and_an_ics_upload(web_app, store):
    from companion.store.models import Member

    with store.transaction() as session:
        admin = Member(forum_user_id=99, username="admin99", name="Admin")
        session.add(admin)
        session.flush()
        admin_id = admin.id
    client = web_app.test_client()
    log_in(client, admin_id, admin=True)
    html = client.get("/circles/admin/seasons/new").get_data(as_text=True)
    assert re.search(r"id=\"year_end_closed\" name=\"year_end_closed\" checked", html)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    form = {
        "csrf_token": token,
        "name": "Winter 2026",
        "signup_opens_on": "2026-11-01",
        "signup_closes_on": "2026-11-30",
        "first_meeting_on": "2026-12-22",
        "min_size": "4",
        "target_size": "6",
        "max_size": "8",
        "cadence_weeks": "5",
        "meetings_count": "4",
        "meeting_minutes": "90",
        "skip_school_holidays": "on",
        "year_end_closed": "on",
        "closed_days": "02.01.2027",
        "school_holidays": "12.10.2026 – 24.10.2026",
        "time_blocks": '[{"key": "vormittag", "start": "09:00", "end": "11:30"}]',
    }
    bad = client.post("/circles/admin/seasons/new", data={**form, "school_holidays": "Herbstferien"})
    assert bad.status_code == 400
    assert "Zeile 1" in bad.get_data(as_text=True)
    upload = (io.BytesIO(HOLIDAYS_ICS), "ferien.ics")
    good = client.post(
        "/circles/admin/seasons/new",
        data={**form, "school_holidays_ics": upload},
        content_type="multipart/form-data",
    )
    assert good.status_code == 302, good.get_data(as_text=True)
    with store.session() as session:
        season = session.scalar(select(Season))
        assert season.school_holidays == [
            ["2026-10-12", "2026-10-24"],
            ["2026-12-23", "2027-01-06"],
            ["2027-03-22", "2027-04-02"],
        ]
        assert "2027-01-02" in season.closed_days and "2026-12-24" in season.closed_days
    edit = client.get(f"/circles/admin/seasons/{season.id}/edit").get_data(as_text=True)
    assert "12.10.2026 – 24.10.2026" in edit
    assert "02.01.2027" in edit
