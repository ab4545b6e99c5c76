"""Helpers of the circle service tests: organisations, consenting members and season specs."""

from __future__ import annotations

from datetime import UTC, date, datetime

from companion.circles.seasons import SeasonSpec
from companion.store.models import Member, MemberPreferences, Organisation

ORG_KEYS = ("kreis-a", "stadt-b", "stadt-c", "stadt-d")


def add_members(session, count: int, *, consent: bool = True, start: int = 1, orgs=None) -> list[Member]:
    """Members spread round-robin over the given organisations (created when missing), with circles consent."""
    organisations = orgs or ensure_orgs(session)
    members = []
    for i in range(start, start + count):
        member = Member(
            forum_user_id=1000 + i,
            username=f"rebel{i}",
            name=f"Rebel {i}",
            organisation_id=organisations[i % len(organisations)].id,
        )
        session.add(member)
        session.flush()
        session.add(MemberPreferences(member_id=member.id, circles_consent=consent))
        members.append(member)
    session.flush()
    return members


def ensure_orgs(session) -> list[Organisation]:
    """The test organisations, created on first use."""
    from sqlalchemy import select

    existing = {o.key: o for o in session.scalars(select(Organisation))}
    for key in ORG_KEYS:
        if key not in existing:
            existing[key] = Organisation(key=key, name=key.replace("-", " ").title())
            session.add(existing[key])
    session.flush()
    return [existing[k] for k in ORG_KEYS]


def spec(**overrides) -> SeasonSpec:
    """A valid season spec (sign-up in January 2025, meetings from February)."""
    values = dict(
        name="Frühjahr 2025",
        signup_opens_on=date(2025, 1, 1),
        signup_closes_on=date(2025, 1, 31),
        first_meeting_on=date(2025, 2, 3),
    )
    values.update(overrides)
    return SeasonSpec(**values)


SIGNUP_DAY = date(2025, 1, 15)
NOW = datetime(2025, 1, 20, 9, 0, tzinfo=UTC)


def sign_up_all(
    session, season, members, *, slots=None, host_every: int = 2, interests=("open data", "digitalisierung")
):
    """Sign every member up at the given slots (default: Tuesday morning), every n-th willing to host."""
    from companion.circles.signups import SignUpForm, sign_up

    chosen = slots or {(1, "vormittag")}
    return [
        sign_up(
            session,
            season,
            member,
            SignUpForm(interests=list(interests), availability=set(chosen), willing_to_host=(i % host_every == 0)),
            today=SIGNUP_DAY,
        )
        for i, member in enumerate(members)
    ]
