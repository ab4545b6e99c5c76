"""Tests of the synthetic sign-up generator and of planning meetings for a formed circle."""

from collections import Counter
from datetime import date, time

from matching.circles.formation import FormationSettings, form_circles
from matching.circles.meetings import (
    TimeBlock,
    meeting_start_in_block,
    plan_meetings,
    public_holidays,
)
from matching.circles.synthetic import DEFAULT_BLOCKS, DEFAULT_SLOTS, synthetic_signups


def test_generator_is_seeded_and_has_unequal_organisations_and_sparse_availability():
    first = synthetic_signups(400, 7)
    again = synthetic_signups(400, 7)
    other = synthetic_signups(400, 8)
    assert [(s.member_id, s.organisation_id, s.interests, s.availability) for s in first] == [
        (s.member_id, s.organisation_id, s.interests, s.availability) for s in again
    ]
    assert [s.availability for s in first] != [s.availability for s in other]
    sizes = Counter(s.organisation_id for s in first if s.organisation_id is not None)
    assert max(sizes.values()) >= 5 * min(sizes.values())
    assert any(s.organisation_id is None for s in first)
    assert all(2 <= len(s.availability) <= 4 for s in first)
    assert all(slot in DEFAULT_SLOTS for s in first for slot in s.availability)
    assert len({s.member_id for s in first}) == 400


def test_formed_circle_gets_a_meeting_series_rotating_over_its_host_organisations():
    signups = synthetic_signups(60, 1)
    formation = form_circles(signups, FormationSettings(seed=1))
    circle = formation.circles[0]
    host_orgs = circle.host_organisation_ids
    by_id = {s.member_id: s for s in signups}
    assert host_orgs
    assert set(host_orgs) == {by_id[m].organisation_id for m in circle.host_candidate_ids} - {None}
    hours = dict(zip(DEFAULT_BLOCKS, [(9, 11), (12, 14), (14, 16)]))
    first, last = hours[circle.slot.block]
    start = meeting_start_in_block(TimeBlock(circle.slot.block, time(first), time(last)), 90)
    plan = plan_meetings(
        date(2026, 9, 1),
        circle.slot.weekday,
        start,
        90,
        5,
        6,
        host_orgs=list(host_orgs),
        attendee_orgs=list(circle.organisation_ids),
    )
    assert len(plan.meetings) + len(plan.unplaced) == 6
    holidays_nrw = public_holidays("NW", [2026, 2027])
    for i, meeting in enumerate(plan.meetings):
        assert meeting.starts_at.weekday() == circle.slot.weekday
        assert meeting.starts_at.date() not in holidays_nrw
        assert meeting.host_organisation_id == host_orgs[i % len(host_orgs)]
