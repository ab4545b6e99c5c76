"""Seasons: validation, overlaps, editing after formation, closure days; sign-ups: consent, window, availability."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from companion.circles.errors import SeasonInvalid, SeasonOverlap, SignUpRefused
from companion.circles.seasons import (
    closure_days,
    create_season,
    find_season,
    open_seasons,
    set_closure_days,
    update_season,
    validate,
)
from companion.circles.signups import SignUpForm, sign_up, signup_of, withdraw
from companion.store.models import AuditEntry, Season
from tests.support.circles import SIGNUP_DAY, add_members, ensure_orgs, spec


def test_default_spec_is_valid_and_follows_the_issue():
    s = spec()
    assert validate(s) == []
    assert (s.min_size, s.target_size, s.max_size) == (4, 6, 8)
    assert 4 <= s.cadence_weeks <= 6


@pytest.mark.parametrize(
    "overrides, fragment",
    [
        ({"cadence_weeks": 3}, "cadence"),
        ({"cadence_weeks": 7}, "cadence"),
        ({"min_size": 7, "target_size": 6}, "sizes"),
        ({"signup_closes_on": date(2024, 12, 1)}, "close on or after"),
        ({"first_meeting_on": date(2025, 1, 20)}, "after the sign-up window"),
        ({"time_blocks": []}, "at least one weekly time block"),
        ({"time_blocks": [{"key": "x", "start": "09:00", "end": "09:30"}]}, "shorter than a meeting"),
        ({"time_blocks": [{"key": "Bad Key", "start": "09:00", "end": "12:00"}]}, "lower-case"),
        ({"school_holidays": [["2025-04-20", "2025-04-01"]]}, "end before they start"),
        ({"name": "  "}, "needs a name"),
    ],
)
def test_invalid_specs_are_refused_with_a_reason(store, overrides, fragment):
    with store.transaction() as session:
        with pytest.raises(SeasonInvalid) as raised:
            create_season(session, spec(**overrides), actor="admin")
    assert fragment in str(raised.value)
    with store.transaction() as session:
        assert session.scalars(select(Season)).all() == []


def test_overlapping_seasons_are_refused_and_the_first_is_kept(store, season_id):
    with store.transaction() as session:
        with pytest.raises(SeasonOverlap, match="Frühjahr 2025"):
            create_season(session, spec(name="Doppelt", signup_opens_on=date(2025, 1, 20)), actor="admin")
        with pytest.raises(SeasonOverlap, match="meeting period"):
            create_season(
                session,
                spec(
                    name="Später",
                    signup_opens_on=date(2025, 2, 10),
                    signup_closes_on=date(2025, 2, 20),
                    first_meeting_on=date(2025, 3, 3),
                ),
                actor="admin",
            )
    with store.transaction() as session:
        assert [s.name for s in session.scalars(select(Season))] == ["Frühjahr 2025"]
        later = create_season(
            session,
            spec(
                name="Herbst 2025",
                signup_opens_on=date(2025, 8, 1),
                signup_closes_on=date(2025, 8, 31),
                first_meeting_on=date(2025, 9, 8),
            ),
            actor="admin",
        )
        assert later.status == "open"
        actions = [a.action for a in session.scalars(select(AuditEntry))]
    assert actions.count("circles.season.create") == 2


def test_update_refuses_frozen_fields_after_formation(store, season_id):
    with store.transaction() as session:
        season = session.get(Season, season_id)
        season.status = "formed"
        with pytest.raises(SeasonInvalid, match="cadence_weeks"):
            update_season(session, season, spec(cadence_weeks=6), actor="admin")
        update_season(session, season, spec(name="Frühjahr 2025 (neu)"), actor="admin")
    with store.transaction() as session:
        assert find_season(session, season_id).name == "Frühjahr 2025 (neu)"
        assert find_season(session, "Frühjahr 2025 (neu)").id == season_id


def test_closure_days_are_replaced_per_organisation(store, season_id):
    with store.transaction() as session:
        season = session.get(Season, season_id)
        org = ensure_orgs(session)[0]
        set_closure_days(session, season, org, [date(2025, 3, 4), date(2025, 3, 5)], actor="admin")
        set_closure_days(session, season, org, [date(2025, 3, 5)], actor="admin")
        assert closure_days(session, season) == {org.id: {date(2025, 3, 5)}}


def test_sign_up_needs_consent_window_and_offered_slots(store, season_id):
    with store.transaction() as session:
        season = session.get(Season, season_id)
        (consenting,) = add_members(session, 1)
        (refusing,) = add_members(session, 1, consent=False, start=50)
        form = SignUpForm(
            interests=["Open Data, KI", "open data"], availability={(1, "vormittag")}, willing_to_host=True
        )
        with pytest.raises(SignUpRefused, match="consent"):
            sign_up(session, season, refusing, form, today=SIGNUP_DAY)
        with pytest.raises(SignUpRefused, match="open from"):
            sign_up(session, season, consenting, form, today=date(2025, 2, 1))
        with pytest.raises(SignUpRefused, match="not offered"):
            sign_up(session, season, consenting, SignUpForm(availability={(6, "vormittag")}), today=SIGNUP_DAY)
        with pytest.raises(SignUpRefused, match="at least one"):
            sign_up(session, season, consenting, SignUpForm(), today=SIGNUP_DAY)
        with pytest.raises(SignUpRefused, match="unknown forum usernames: nobody"):
            sign_up(
                session,
                season,
                consenting,
                SignUpForm(availability={(1, "vormittag")}, keep_apart_usernames=["nobody"]),
                today=SIGNUP_DAY,
            )
        signup = sign_up(session, season, consenting, form, today=SIGNUP_DAY)
        assert sorted(i.term for i in signup.interests) == ["ki", "open data"]
        assert [(a.weekday, a.block) for a in signup.availability] == [(1, "vormittag")]
    with store.transaction() as session:
        season = session.get(Season, season_id)
        assert [s.name for s in open_seasons(session, SIGNUP_DAY)] == ["Frühjahr 2025"]
        assert open_seasons(session, date(2025, 2, 1)) == []


def test_sign_up_again_replaces_and_withdraw_removes(store, season_id):
    with store.transaction() as session:
        season = session.get(Season, season_id)
        me, other = add_members(session, 2)
        sign_up(session, season, me, SignUpForm(availability={(1, "vormittag")}), today=SIGNUP_DAY)
        sign_up(
            session,
            season,
            me,
            SignUpForm(availability={(2, "mittag"), (3, "mittag")}, mode="online", keep_apart_usernames=["REBEL2"]),
            today=SIGNUP_DAY,
        )
    with store.transaction() as session:
        season = session.get(Season, season_id)
        signup = signup_of(session, season, me)
        assert {(a.weekday, a.block) for a in signup.availability} == {(2, "mittag"), (3, "mittag")}
        assert signup.mode == "online"
        assert [k.other_member_id for k in signup.keep_apart] == [other.id]
        assert withdraw(session, season, me, today=SIGNUP_DAY) is True
        assert signup_of(session, season, me) is None
