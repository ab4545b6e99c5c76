"""Tests of meeting date planning: holidays, closures, host rotation and local times across DST."""

from dataclasses import fields
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from matching.circles.meetings import (
    BlockReason,
    DateRange,
    PlannedMeeting,
    TimeBlock,
    UnplacedMeeting,
    meeting_start_in_block,
    plan_meetings,
    public_holidays,
)

BERLIN = ZoneInfo("Europe/Berlin")
THURSDAY = 3


def _nrw_holidays(*years: int) -> dict[date, str]:
    return public_holidays("NW", years)


def test_long_series_skips_fronleichnam_allerheiligen_christmas_and_keeps_local_time_across_dst():
    # Thursdays every 6 weeks from Allerheiligen 2029: the series hits Allerheiligen,
    # Christi Himmelfahrt, Tag der Deutschen Einheit, 2. Weihnachtstag, 1. Mai and Fronleichnam.
    plan = plan_meetings(date(2029, 11, 1), THURSDAY, time(10, 0), 90, 6, 15, host_orgs=["essen", "wesel"])
    holidays_nrw = _nrw_holidays(2029, 2030, 2031)
    assert plan.unplaced == []
    assert len(plan.meetings) == 15
    shifted_names = {holidays_nrw[m.planned_date] for m in plan.meetings if m.shifted_by_days}
    assert {"Allerheiligen", "Fronleichnam", "Zweiter Weihnachtstag"} <= shifted_names
    offsets = set()
    for meeting in plan.meetings:
        local_day = meeting.starts_at.date()
        assert local_day not in holidays_nrw
        assert local_day.weekday() == THURSDAY
        assert meeting.starts_at.tzinfo is not None
        assert (meeting.starts_at.hour, meeting.starts_at.minute) == (10, 0)
        assert (meeting.ends_at.hour, meeting.ends_at.minute) == (11, 30)
        assert meeting.ends_at - meeting.starts_at == timedelta(minutes=90)
        assert abs(meeting.shifted_by_days) <= 7
        offsets.add(meeting.starts_at.utcoffset())
    # Both winter (UTC+1) and summer (UTC+2) dates occur, all at 10:00 local time.
    assert offsets == {timedelta(hours=1), timedelta(hours=2)}


def test_fronleichnam_moves_one_week_later_with_reason():
    plan = plan_meetings(date(2026, 5, 7), THURSDAY, time(14, 0), 60, 4, 2)
    first, second = plan.meetings
    assert first.starts_at == datetime(2026, 5, 7, 14, 0, tzinfo=BERLIN)
    assert second.planned_date == date(2026, 6, 4)
    assert second.starts_at.date() == date(2026, 6, 11)
    assert second.shifted_by_days == 7
    assert second.shifted_from == date(2026, 6, 4)
    assert second.reason_code == "public_holiday"
    # A code and its data, no text: the holiday's name is the holidays package's German name.
    assert second.reason_params == {"holiday": "Fronleichnam"}
    assert first.shifted_from is None and first.reason_code is None


def test_allerheiligen_on_a_weekday_is_skipped():
    # 1 November 2027 is a Monday.
    plan = plan_meetings(date(2027, 10, 4), 0, time(9, 0), 60, 4, 2)
    assert plan.meetings[1].planned_date == date(2027, 11, 1)
    assert plan.meetings[1].starts_at.date() == date(2027, 11, 8)


def test_christmas_day_moves_and_winter_offset_applies():
    # 26 December 2030 is a Thursday; one week later (2 January 2031) is a workday.
    plan = plan_meetings(date(2030, 11, 28), THURSDAY, time(9, 30), 120, 4, 2)
    christmas = plan.meetings[1]
    assert christmas.planned_date == date(2030, 12, 26)
    assert christmas.starts_at == datetime(2031, 1, 2, 9, 30, tzinfo=BERLIN)
    assert christmas.starts_at.utcoffset() == timedelta(hours=1)
    assert christmas.reason_params == {"holiday": "Zweiter Weihnachtstag"}


def test_blocked_date_falls_back_to_a_week_earlier_when_later_is_blocked_too():
    # Christmas Monday 2028 moves +7 to Neujahr (also a holiday), so it moves -7 instead.
    plan = plan_meetings(date(2028, 11, 27), 0, time(9, 30), 120, 4, 2)
    christmas = plan.meetings[1]
    assert christmas.starts_at.date() == date(2028, 12, 18)
    assert christmas.shifted_by_days == -7


def test_first_date_is_moved_to_the_slot_weekday():
    plan = plan_meetings(date(2026, 3, 2), 2, time(10, 0), 60, 5, 3)
    assert [m.starts_at.date() for m in plan.meetings] == [date(2026, 3, 4), date(2026, 4, 8), date(2026, 5, 13)]


def test_dst_spring_forward_week_keeps_wall_clock_time():
    # DST starts on Sunday 29 March 2026; meetings on Mondays before and after.
    plan = plan_meetings(date(2026, 3, 2), 0, time(10, 0), 60, 4, 2)
    before, after = plan.meetings
    assert before.starts_at.utcoffset() == timedelta(hours=1)
    assert after.starts_at.utcoffset() == timedelta(hours=2)
    assert after.starts_at.hour == 10 == before.starts_at.hour
    # 28 days minus the lost hour between the two instants (same-zone subtraction in Python is wall-clock).
    utc = ZoneInfo("UTC")
    assert after.starts_at.astimezone(utc) - before.starts_at.astimezone(utc) == timedelta(days=28, hours=-1)


def test_meeting_over_the_dst_change_keeps_its_real_length():
    # A Sunday-night meeting across the autumn change (25 October 2026, 03:00 -> 02:00).
    plan = plan_meetings(date(2026, 10, 24), 6, time(1, 30), 120, 4, 1)
    meeting = plan.meetings[0]
    # Wall clock shows 01:30 -> 02:30 (second 02:30), but two real hours pass.
    assert (meeting.ends_at.hour, meeting.ends_at.minute, meeting.ends_at.fold) == (2, 30, 1)
    assert meeting.ends_at.astimezone(ZoneInfo("UTC")) - meeting.starts_at.astimezone(ZoneInfo("UTC")) == timedelta(
        minutes=120
    )


def test_school_holidays_are_skipped_when_configured():
    autumn = DateRange(date(2026, 10, 17), date(2026, 10, 31))
    without = plan_meetings(date(2026, 9, 24), THURSDAY, time(10, 0), 60, 4, 2)
    with_ferien = plan_meetings(date(2026, 9, 24), THURSDAY, time(10, 0), 60, 4, 2, school_holidays=[autumn])
    assert without.meetings[1].starts_at.date() == date(2026, 10, 22)
    # One week later is still inside the holidays, so the meeting moves one week earlier.
    assert with_ferien.meetings[1].starts_at.date() == date(2026, 10, 15)
    assert with_ferien.meetings[1].reason_code == "school_holiday"


def test_school_holidays_accept_plain_tuples():
    plan = plan_meetings(
        date(2026, 9, 24), THURSDAY, time(10, 0), 60, 4, 2, school_holidays=[(date(2026, 10, 17), date(2026, 10, 31))]
    )
    assert plan.meetings[1].starts_at.date() == date(2026, 10, 15)


def test_closure_day_of_an_attending_organisation_blocks_the_date():
    closure = {"luenen": {date(2026, 5, 15)}}
    plan = plan_meetings(
        date(2026, 4, 17),
        4,
        time(10, 0),
        60,
        4,
        2,
        closure_days=closure,
        host_orgs=["essen"],
        attendee_orgs=["essen", "luenen"],
    )
    assert plan.meetings[1].starts_at.date() == date(2026, 5, 22)
    assert plan.meetings[1].reason_code == "closure_day"
    assert plan.meetings[1].reason_params == {"organisation": "luenen"}


def test_closure_day_of_the_host_only_passes_hosting_on():
    closure = {"essen": {date(2026, 5, 15)}}
    plan = plan_meetings(
        date(2026, 4, 17),
        4,
        time(10, 0),
        60,
        4,
        3,
        closure_days=closure,
        host_orgs=["essen", "wesel"],
        attendee_orgs=[],
    )
    assert [m.starts_at.date() for m in plan.meetings] == [date(2026, 4, 17), date(2026, 5, 15), date(2026, 6, 12)]
    assert [m.host_organisation_id for m in plan.meetings] == ["essen", "wesel", "essen"]


def test_by_default_closures_of_any_host_organisation_block_the_date():
    closure = {"wesel": {date(2026, 5, 15)}}
    plan = plan_meetings(
        date(2026, 4, 17), 4, time(10, 0), 60, 4, 2, closure_days=closure, host_orgs=["essen", "wesel"]
    )
    assert plan.meetings[1].starts_at.date() == date(2026, 5, 22)


def test_hosts_rotate_round_robin():
    plan = plan_meetings(date(2026, 1, 12), 0, time(10, 0), 60, 4, 7, host_orgs=[7, 3, 9])
    assert [m.host_organisation_id for m in plan.meetings] == [7, 3, 9, 7, 3, 9, 7]


def test_without_hosts_the_host_is_none():
    plan = plan_meetings(date(2026, 1, 12), 0, time(10, 0), 60, 4, 2)
    assert all(m.host_organisation_id is None for m in plan.meetings)


def test_unplaceable_date_is_reported_not_dropped():
    planned = date(2026, 2, 9)
    closed = {planned - timedelta(days=7), planned, planned + timedelta(days=7)}
    plan = plan_meetings(date(2026, 1, 12), 0, time(10, 0), 60, 4, 3, closed_days=closed)
    assert len(plan.meetings) == 2
    assert len(plan.unplaced) == 1
    missing = plan.unplaced[0]
    assert missing.index == 1
    assert missing.planned_date == planned
    assert missing.reason_code == "closed_day"
    assert missing.reason_params == {}


def test_meetings_stay_in_order_when_a_shift_would_pass_the_previous_meeting():
    # Custom shift order "earlier first": a later meeting must never be placed before the previous one.
    plan = plan_meetings(date(2026, 1, 5), 0, time(10, 0), 60, 4, 3, shift_days=(-7, 7))
    days = [m.starts_at.date() for m in plan.meetings]
    assert days == sorted(days)
    assert len(set(days)) == len(days)


@pytest.mark.parametrize("cadence", [3, 7])
def test_cadence_outside_four_to_six_weeks_is_rejected(cadence):
    with pytest.raises(ValueError, match="cadence"):
        plan_meetings(date(2026, 1, 5), 0, time(10, 0), 60, cadence, 3)


def test_invalid_weekday_state_and_shift_are_rejected():
    with pytest.raises(ValueError, match="weekday"):
        plan_meetings(date(2026, 1, 5), 7, time(10, 0), 60, 4, 3)
    with pytest.raises(ValueError, match="state"):
        plan_meetings(date(2026, 1, 5), 0, time(10, 0), 60, 4, 3, state="XX")
    with pytest.raises(ValueError, match="one week"):
        plan_meetings(date(2026, 1, 5), 0, time(10, 0), 60, 4, 3, shift_days=(8,))


def test_other_state_uses_its_own_holidays():
    # Reformationstag (31 October) is a holiday in Niedersachsen but not in NRW; 2029-10-31 is a Wednesday.
    nrw = plan_meetings(date(2029, 9, 5), 2, time(10, 0), 60, 4, 3)
    nds = plan_meetings(date(2029, 9, 5), 2, time(10, 0), 60, 4, 3, state="NI")
    assert nrw.meetings[2].starts_at.date() == date(2029, 10, 31)
    assert nds.meetings[2].starts_at.date() == date(2029, 11, 7)


def test_time_block_start_and_fit():
    block = TimeBlock("vormittag", time(9, 0), time(11, 0))
    assert block.minutes == 120
    assert meeting_start_in_block(block, 90) == time(9, 0)
    assert meeting_start_in_block(block, 60, offset_minutes=60) == time(10, 0)
    with pytest.raises(ValueError, match="does not fit"):
        meeting_start_in_block(block, 90, offset_minutes=60)
    with pytest.raises(ValueError):
        TimeBlock("kaputt", time(11, 0), time(9, 0))


def test_reasons_are_codes_with_their_data_and_no_text():
    plan = plan_meetings(date(2026, 5, 7), THURSDAY, time(14, 0), 60, 4, 2)
    moved = plan.meetings[1]
    assert isinstance(moved.reason_code, BlockReason)
    for record in (PlannedMeeting, UnplacedMeeting):
        assert not [f.name for f in fields(record) if f.name.endswith(("_de", "_en"))]
