"""A seeded store for the report, small enough that every figure is known by hand.

Period 2026-01-01 .. 2026-06-30 (Q1, Q2). Organisations: Kreis Wesel (a1-a6), Stadt Essen (b1-b6),
Stadt Lünen (c1-c5, joined in April) and the small "Amt Klein" (s1-s3, fewer than k=5 members);
g1 belongs to no organisation. The figures this yields are worked out in tests/companion/reports/.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from companion.store.models import (
    Badge,
    BadgeGrant,
    CheckIn,
    Circle,
    CircleMember,
    Like,
    Meeting,
    MeetingCheck,
    Meetup,
    MeetupRegistration,
    Member,
    Organisation,
    Post,
    PrivateContact,
    Project,
    Rsvp,
    Season,
    Suggestion,
    Topic,
)

START, END = date(2026, 1, 1), date(2026, 6, 30)
NOW = datetime(2026, 7, 1, 12, tzinfo=UTC)
SMALL_ORG = "Amt Klein"


def at(day: str, hour: int = 10) -> datetime:
    """A moment on an ISO day (UTC)."""
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


def seed_report_network(store) -> dict[str, int]:
    """Seed the network described in the module docstring; return member ids by short name."""
    ids: dict[str, int] = {}
    with store.transaction() as db:
        orgs = {}
        for key, name in [("a", "Kreis Wesel"), ("b", "Stadt Essen"), ("c", "Stadt Lünen"), ("s", SMALL_ORG)]:
            orgs[key] = Organisation(key=f"org-{key}", name=name)
            db.add(orgs[key])
        db.flush()
        sizes = {"a": 6, "b": 6, "c": 5, "s": 3}
        forum_id = 100
        for key, size in sizes.items():
            for n in range(1, size + 1):
                forum_id += 1
                joined = at("2026-04-15") if key == "c" else at("2025-12-01")
                member = Member(
                    forum_user_id=forum_id,
                    username=f"user{key}{n}",
                    name=f"Person {key.upper()}{n}",
                    organisation_id=orgs[key].id,
                    forum_created_at=joined,
                )
                db.add(member)
                db.flush()
                ids[f"{key}{n}"] = member.id
        guest = Member(forum_user_id=999, username="guest1", name="Gast Eins", forum_created_at=at("2025-12-01"))
        db.add(guest)
        db.flush()
        ids["g1"] = guest.id

        def suggestion(a: str, b: str, day: str, status: str = "contacted") -> None:
            db.add(
                Suggestion(
                    run_date=date.fromisoformat(day),
                    member_id=ids[a],
                    suggested_member_id=ids[b],
                    rank=1,
                    score=0.5,
                    status=status,
                    feedback_at=at(day),
                )
            )

        suggestion("a1", "b1", "2026-02-20")
        suggestion("a2", "b2", "2026-03-01")
        suggestion("a3", "c1", "2026-05-01")
        suggestion("s1", "a4", "2026-05-02")
        suggestion("b5", "c4", "2026-05-03", status="rejected")  # not a contact

        def conversation(a: str, b: str, day: str) -> None:
            db.add(PrivateContact(member_id=ids[a], other_member_id=ids[b], first_at=at(day)))
            db.add(PrivateContact(member_id=ids[b], other_member_id=ids[a], first_at=at(day)))

        conversation("a5", "b4", "2026-01-15")
        conversation("a1", "a2", "2026-01-20")  # same organisation
        conversation("b3", "c2", "2026-05-10")

        season = Season(
            name="Runde 2026",
            signup_opens_on=date(2026, 3, 1),
            signup_closes_on=date(2026, 4, 1),
            first_meeting_on=date(2026, 5, 5),
            status="published",
        )
        db.add(season)
        db.flush()
        circle = Circle(season_id=season.id, number=1, name="Zirkel 1", slot_weekday=1, slot_block="morning")
        circle.status = "published"
        db.add(circle)
        db.flush()
        for name in ["a1", "b1", "c1", "s2", "a6", "b6"]:
            db.add(CircleMember(circle_id=circle.id, member_id=ids[name], joined_at=at("2026-04-20")))
        meetings = []
        for number, day in enumerate(["2026-05-05", "2026-06-09", "2026-07-07"], start=1):
            meeting = Meeting(
                circle_id=circle.id, number=number, uid=f"m{number}", starts_at=at(day), ends_at=at(day, 12)
            )
            db.add(meeting)
            meetings.append(meeting)
        db.flush()
        for name in ["a1", "b1", "c1", "a6"]:
            db.add(
                Rsvp(meeting_id=meetings[0].id, member_id=ids[name], answer="yes", at=at("2026-05-01"), attended=True)
            )
        db.add(Rsvp(meeting_id=meetings[0].id, member_id=ids["s2"], answer="yes", at=at("2026-05-01")))
        db.add(Rsvp(meeting_id=meetings[0].id, member_id=ids["b6"], answer="no", at=at("2026-05-01")))
        db.add(Rsvp(meeting_id=meetings[1].id, member_id=ids["a1"], answer="yes", at=at("2026-06-01"), attended=False))
        db.add(Rsvp(meeting_id=meetings[1].id, member_id=ids["b1"], answer="yes", at=at("2026-06-01")))

        topic = Topic(id=1, title="OZG", member_id=ids["a1"], created_at=at("2026-01-05"))
        db.add(topic)
        db.flush()
        for post_id, name, day in [(1, "a1", "2026-01-05"), (2, "s3", "2026-02-01"), (3, "b5", "2026-03-03")]:
            db.add(Post(id=post_id, topic_id=1, post_number=post_id, member_id=ids[name], created_at=at(day)))
        db.flush()
        db.add(Like(post_id=1, member_id=ids["c3"], created_at=at("2026-05-15")))

        first = Meetup(title="Lean Coffee Wesel", starts_at=at("2026-03-10"), ends_at=at("2026-03-10", 12), capacity=20)
        second = Meetup(title="Barcamp Essen", starts_at=at("2026-06-01"), ends_at=at("2026-06-01", 12), capacity=10)
        db.add_all([first, second])
        db.flush()
        for name in ["a1", "a2", "a3", "b1", "b2", "g1"]:
            db.add(
                MeetupRegistration(
                    meetup_id=first.id, member_id=ids[name], status="confirmed", registered_at=at("2026-03-01")
                )
            )
        db.add(
            MeetupRegistration(
                meetup_id=first.id, member_id=ids["b3"], status="waiting", registered_at=at("2026-03-01")
            )
        )
        for name in ["a4", "b4", "s1"]:
            db.add(
                MeetupRegistration(
                    meetup_id=second.id, member_id=ids[name], status="confirmed", registered_at=at("2026-05-20")
                )
            )

        bridge = Badge(key="bridge", name_de="Brückenbauer*in", name_en="Bridge builder", rule="cross_org_replies")
        circle_badge = Badge(key="circle_member", name_de="Zirkel-Mitglied", name_en="Circle member", rule="circle")
        db.add_all([bridge, circle_badge])
        db.flush()
        for name, day in [("a1", "2026-02-01"), ("b1", "2026-02-01"), ("a2", "2026-03-01")]:
            db.add(BadgeGrant(badge_id=bridge.id, member_id=ids[name], granted_at=at(day)))
        for name in ["a3", "b3", "c1", "a6", "b6"]:
            db.add(BadgeGrant(badge_id=bridge.id, member_id=ids[name], granted_at=at("2026-05-20")))
        db.add(
            BadgeGrant(
                badge_id=bridge.id, member_id=ids["c2"], granted_at=at("2026-05-20"), revoked_at=at("2026-05-21")
            )
        )
        for name in ["a1", "b1", "c1", "s2", "a6", "b6"]:
            db.add(BadgeGrant(badge_id=circle_badge.id, member_id=ids[name], granted_at=at("2026-04-21")))
    return ids


def seed_answers_and_projects(store, ids: dict[str, int]) -> None:
    """Add "did you meet?" answers and change projects with check-ins to the seeded network.

    Met across organisations: a5-b4 (both said yes, February), a3-c1 (a3 said yes in May, c1 did not answer).
    Not counted: s1 answered a4 "not yet", and a1-a2 share an organisation. Change projects: a1, b1, c1, a6 and b6
    started theirs in April, s2 only in July (after the period). Check-ins before meeting 1 (May): a1 4, b1 3, c1 5,
    a6 2, b6 4; before meeting 2 (June): a1 5. So Q2 has 5 members checking in, 6 check-ins, mean 23/6.
    """
    with store.transaction() as db:

        def check(member: str, other: str, status: str, answered: str | None) -> None:
            db.add(
                MeetingCheck(
                    member_id=ids[member],
                    other_member_id=ids[other],
                    introduced_at=at("2026-01-20"),
                    asked_on=date(2026, 2, 3),
                    status=status,
                    answered_at=at(answered) if answered else None,
                )
            )

        check("a5", "b4", "met", "2026-02-10")
        check("b4", "a5", "met", "2026-02-12")
        check("a3", "c1", "met", "2026-05-10")
        check("c1", "a3", "asked", None)
        check("s1", "a4", "not_met", "2026-05-12")
        check("a1", "a2", "met", "2026-03-01")
        circle = db.scalar(select(Circle))
        meetings = db.scalars(select(Meeting).where(Meeting.circle_id == circle.id).order_by(Meeting.number)).all()
        for name, day in [
            ("a1", "2026-04-25"),
            ("b1", "2026-04-25"),
            ("c1", "2026-04-26"),
            ("a6", "2026-04-27"),
            ("b6", "2026-04-28"),
            ("s2", "2026-07-02"),
        ]:
            db.add(Project(circle_id=circle.id, member_id=ids[name], what="Vorhaben", created_at=at(day)))
        for name, confidence in [("a1", 4), ("b1", 3), ("c1", 5), ("a6", 2), ("b6", 4)]:
            db.add(
                CheckIn(
                    meeting_id=meetings[0].id, member_id=ids[name], confidence=confidence, created_at=at("2026-05-04")
                )
            )
        db.add(CheckIn(meeting_id=meetings[1].id, member_id=ids["a1"], confidence=5, created_at=at("2026-06-08")))
