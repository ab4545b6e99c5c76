"""A meeting never falls before the season's first date; the year-end closure days are known."""

from datetime import date, time

from matching.circles.meetings import plan_meetings, year_end_closure_days

FRIDAY = 4


def test_a_blocked_first_meeting_is_never_moved_before_the_first_date():
    # The case: first meeting on or after Tue 22.12.2026, the Friday slot hits 25.12. (a holiday) and
    # 1.1.2027 (a holiday too); the one-week-earlier shift used to put it on 18.12., before the season started.
    plan = plan_meetings(date(2026, 12, 22), FRIDAY, time(9, 0), 90, 5, 3)
    assert all(m.starts_at.date() >= date(2026, 12, 22) for m in plan.meetings)
    assert [m.index for m in plan.meetings] == [1, 2]
    assert plan.unplaced[0].index == 0
    assert plan.unplaced[0].reason_code == "public_holiday"


def test_year_end_closure_days_are_christmas_eve_new_years_eve_and_the_working_days_between():
    days = year_end_closure_days(date(2026, 12, 1), date(2027, 1, 31))
    # 27.12.2026 is a Sunday, so Monday 28. to Wednesday 30. are the working days between the holidays.
    assert days == [date(2026, 12, 24), date(2026, 12, 28), date(2026, 12, 29), date(2026, 12, 30), date(2026, 12, 31)]


def test_closed_days_keep_circles_off_christmas_eve():
    closed = year_end_closure_days(date(2026, 12, 1), date(2027, 1, 31))
    thursday = 3
    plan = plan_meetings(date(2026, 12, 22), thursday, time(9, 0), 90, 5, 2, closed_days=closed)
    assert plan.meetings[0].starts_at.date() not in closed
    assert plan.meetings[0].starts_at.date() >= date(2026, 12, 22)
