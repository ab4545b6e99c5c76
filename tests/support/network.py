"""A small network in the store for page tests: organisations, members, consent, suggestions, runs, outbox, circles."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from companion.store.models import (
    Circle,
    CircleMember,
    JobRun,
    JobStep,
    Meeting,
    Member,
    MemberPreferences,
    Organisation,
    OrganisationAlias,
    OutboxItem,
    Post,
    Rsvp,
    Season,
    Suggestion,
    Tag,
    Topic,
    TopicTag,
)


def build_network(store) -> dict[str, int]:
    """Fill the store and return the ids tests need by name."""
    now = datetime.now(UTC)
    today = date.today()
    with store.transaction() as db:
        wesel = Organisation(key="kreis-wesel", name="Kreis Wesel")
        essen = Organisation(key="stadt-essen", name="Stadt Essen")
        db.add_all([wesel, essen])
        db.flush()
        db.add_all(
            [
                OrganisationAlias(organisation_id=wesel.id, kind="group", value="kreis-wesel"),
                OrganisationAlias(organisation_id=essen.id, kind="email_domain", value="essen.example"),
            ]
        )
        anna = Member(
            forum_user_id=101,
            username="anna",
            name="Anna Schmidt",
            organisation_id=wesel.id,
            organisation_source="group",
            email="anna@wesel.example",
        )
        bert = Member(
            forum_user_id=102,
            username="bert",
            name="Bert Meyer",
            organisation_id=essen.id,
            organisation_source="email_domain",
            email="bert@essen.example",
        )
        carla = Member(
            forum_user_id=103,
            username="carla",
            name="Carla Vogel",
            organisation_id=essen.id,
            email="carla@essen.example",
        )
        dora = Member(forum_user_id=104, username="dora", name=None)
        boss = Member(forum_user_id=1, username="chef", name="Admin Person", admin=True, organisation_id=wesel.id)
        db.add_all([anna, bert, carla, dora, boss])
        db.flush()
        db.add(MemberPreferences(member_id=anna.id, matching_consent=True, circles_consent=True, cadence="weekly"))
        # The colleagues suggested to Anna agreed to matching too: without it they appear on nobody's page.
        for colleague in (bert, carla):
            db.add(MemberPreferences(member_id=colleague.id, matching_consent=True, cadence="weekly"))
        tag = Tag(name="e-akte")
        db.add(tag)
        db.flush()
        db.add(Topic(id=1, title="E-Akte im Kreis", member_id=anna.id, created_at=now))
        db.flush()
        db.add(TopicTag(topic_id=1, tag_id=tag.id))
        db.add(Post(id=1, topic_id=1, post_number=1, member_id=anna.id, raw="Hallo", created_at=now))
        db.add(
            Post(
                id=2, topic_id=1, post_number=2, member_id=bert.id, reply_to_member_id=anna.id, raw="Hi", created_at=now
            )
        )
        run = JobRun(
            job="nightly",
            run_date=today,
            status="failed",
            counts={"suggestions": 2},
            error="forum unavailable",
            finished_at=now,
        )
        db.add(run)
        db.flush()
        db.add(JobStep(run_id=run.id, name="matching", status="done", counts={"pairs": 2}, finished_at=now))
        first = Suggestion(
            run_id=run.id,
            run_date=today,
            member_id=anna.id,
            suggested_member_id=bert.id,
            rank=1,
            score=0.8,
            shared_terms=["OZG", "E-Akte", "Lean Coffee"],
        )
        second = Suggestion(
            run_id=run.id,
            run_date=today - timedelta(days=14),
            member_id=anna.id,
            suggested_member_id=carla.id,
            rank=1,
            score=0.5,
            shared_terms=["OZG"],
            status="contacted",
            feedback_at=now,
        )
        foreign = Suggestion(
            run_id=run.id,
            run_date=today,
            member_id=carla.id,
            suggested_member_id=dora.id,
            rank=1,
            score=0.4,
            shared_terms=["Geheim"],
        )
        db.add_all([first, second, foreign])
        failed = OutboxItem(
            idempotency_key="failed-1",
            kind="pm",
            payload={"recipients": ["anna"], "title": "t", "raw": "r"},
            status="failed",
            attempts=8,
            last_error="403 forbidden",
        )
        db.add(failed)
        season = Season(
            name="Frühjahr",
            signup_opens_on=today - timedelta(days=60),
            signup_closes_on=today - timedelta(days=30),
            first_meeting_on=today - timedelta(days=20),
            status="published",
        )
        db.add(season)
        db.flush()
        circle = Circle(
            season_id=season.id, number=1, name="Zirkel 1", slot_weekday=2, slot_block="afternoon", status="published"
        )
        db.add(circle)
        db.flush()
        db.add_all(
            [CircleMember(circle_id=circle.id, member_id=anna.id), CircleMember(circle_id=circle.id, member_id=bert.id)]
        )
        past = Meeting(
            circle_id=circle.id,
            number=1,
            uid="m1@test",
            starts_at=now - timedelta(days=10),
            ends_at=now - timedelta(days=10) + timedelta(hours=1),
            location="Wesel",
        )
        upcoming = Meeting(
            circle_id=circle.id,
            number=2,
            uid="m2@test",
            starts_at=now + timedelta(days=20),
            ends_at=now + timedelta(days=20, hours=1),
            location="Rathaus Essen",
        )
        db.add_all([past, upcoming])
        db.flush()
        db.add(Rsvp(meeting_id=past.id, member_id=anna.id, answer="yes", attended=True))
        return {
            "anna": anna.id,
            "bert": bert.id,
            "carla": carla.id,
            "dora": dora.id,
            "admin": boss.id,
            "suggestion": first.id,
            "past_suggestion": second.id,
            "foreign_suggestion": foreign.id,
            "failed_item": failed.id,
            "wesel": wesel.id,
            "essen": essen.id,
        }
