"""The circle method: Vorhaben, check-ins before meetings, progress over the season, the host's plan, summaries."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from companion.circles.errors import PublishRefused
from companion.circles.method import (
    CheckInInput,
    MethodRefused,
    ProjectInput,
    circle_progress,
    meeting_plan,
    next_step_for,
    save_check_in,
    save_project,
)
from companion.circles.summaries import publish_summaries
from companion.store.models import OutboxItem, Season
from tests.support.circles import add_members
from tests.support.formats import START, make_circle

BEFORE = START - timedelta(days=1)


@pytest.fixture
def circle_with_people(store, season_id):
    with store.transaction() as session:
        people = add_members(session, 5)
        circle = make_circle(session, session.get(Season, season_id), people[:4])
        return circle.id, [p.id for p in people]


def _load(session, circle_id, member_ids):
    from companion.store.models import Circle, Member

    return session.get(Circle, circle_id), [session.get(Member, i) for i in member_ids]


def test_a_member_enters_a_vorhaben_and_updates_it(store, circle_with_people):
    circle_id, ids = circle_with_people
    with store.transaction() as session:
        circle, people = _load(session, circle_id, ids)
        save_project(
            session, circle, people[0], ProjectInput("E-Akte im Bauamt", "Papier spart Wege", "Gespräch mit IT")
        )
        project = save_project(
            session, circle, people[0], ProjectInput("E-Akte im Bauamt einführen", due_on=date(2030, 6, 1))
        )
        assert project.what == "E-Akte im Bauamt einführen" and project.due_on == date(2030, 6, 1)
    with store.transaction() as session:
        circle, people = _load(session, circle_id, ids)
        progress = circle_progress(session, circle)
        assert [p.project.what if p.project else None for p in progress].count("E-Akte im Bauamt einführen") == 1


def test_only_circle_members_and_only_with_a_what(store, circle_with_people):
    circle_id, ids = circle_with_people
    with store.transaction() as session:
        circle, people = _load(session, circle_id, ids)
        with pytest.raises(MethodRefused, match="only members"):
            save_project(session, circle, people[4], ProjectInput("Fremdes Vorhaben"))
        with pytest.raises(MethodRefused) as refused:
            save_project(session, circle, people[0], ProjectInput("   "))
        assert refused.value.text("de") == "Bitte beschreibe, was dein Vorhaben ist."


def test_check_ins_show_progress_and_the_next_step_for_the_reminder(store, circle_with_people):
    circle_id, ids = circle_with_people
    with store.transaction() as session:
        circle, people = _load(session, circle_id, ids)
        first, second, third = sorted(circle.meetings, key=lambda m: m.number)
        save_project(session, circle, people[0], ProjectInput("Open Data Portal", first_step="Datensätze sichten"))
        assert next_step_for(session, first, people[0]) == "Datensätze sichten"
        save_check_in(session, first, people[0], CheckInInput("gesichtet", "Lizenz klären", "", 3), now=BEFORE)
        save_check_in(session, second, people[0], CheckInInput("geklärt", "Portal testen", "Zeit", 4, True), now=BEFORE)
        assert next_step_for(session, third, people[0]) == "Portal testen"
        progress = next(p for p in circle_progress(session, circle) if p.member.id == people[0].id)
        assert progress.confidences == [3, 4, None]
        assert progress.latest_next_step == "Portal testen"


def test_check_in_refuses_bad_confidence_cancelled_or_past_meetings(store, circle_with_people):
    circle_id, ids = circle_with_people
    with store.transaction() as session:
        circle, people = _load(session, circle_id, ids)
        meeting = sorted(circle.meetings, key=lambda m: m.number)[0]
        with pytest.raises(MethodRefused, match="between 1 and 5"):
            save_check_in(session, meeting, people[0], CheckInInput("", "x", "", 6), now=BEFORE)
        with pytest.raises(MethodRefused, match="next step"):
            save_check_in(session, meeting, people[0], CheckInInput("", " ", "", 3), now=BEFORE)
        with pytest.raises(MethodRefused, match="over"):
            save_check_in(
                session, meeting, people[0], CheckInInput("", "x", "", 3), now=meeting.ends_at + timedelta(minutes=1)
            )
        meeting.status = "cancelled"
        with pytest.raises(MethodRefused, match="cancelled"):
            save_check_in(session, meeting, people[0], CheckInInput("", "x", "", 3), now=BEFORE)


def test_the_plan_gives_each_member_time_and_keeps_time_for_advice(store, circle_with_people):
    circle_id, ids = circle_with_people
    with store.transaction() as session:
        circle, people = _load(session, circle_id, ids)
        meeting = sorted(circle.meetings, key=lambda m: m.number)[0]
        plain = meeting_plan(session, meeting)
        assert [item.kind for item in plain.items] == [
            "opening",
            "check_in",
            "check_in",
            "check_in",
            "check_in",
            "closing",
        ]
        save_check_in(session, meeting, people[1], CheckInInput("", "weiter", "Widerstand im Amt", 2, True), now=BEFORE)
        plan = meeting_plan(session, meeting)
        kinds = [item.kind for item in plan.items]
        assert kinds.count("check_in") == 4 and "advice" in kinds
        assert sum(item.minutes for item in plan.items) <= 120
        advice = next(item for item in plan.items if item.kind == "advice")
        assert advice.minutes >= 20
        assert [member.id for member, _ in plan.advice_candidates] == [people[1].id]


def test_summaries_are_queued_once_for_members_who_opted_in(store, settings, circle_with_people, season_id):
    circle_id, ids = circle_with_people
    with store.transaction() as session:
        circle, people = _load(session, circle_id, ids)
        season = session.get(Season, season_id)
        save_project(
            session,
            circle,
            people[0],
            ProjectInput("Bürgerservice digital [link](http://x)", publish_summary=True, summary="Es läuft."),
        )
        save_project(session, circle, people[1], ProjectInput("Privat bleibt privat"))
        with pytest.raises(PublishRefused, match="SHARING_CATEGORY_ID"):
            publish_summaries(session, season, settings)
        configured = settings.replace(sharing_category_id=7)
        assert publish_summaries(session, season, configured) == 1
        assert publish_summaries(session, season, configured) == 0
    with store.transaction() as session:
        topics = session.scalars(select(OutboxItem).where(OutboxItem.kind == "topic")).all()
        assert len(topics) == 1
        assert topics[0].payload["category_id"] == 7
        assert "\\[link\\]" in topics[0].payload["raw"] and "Privat" not in topics[0].payload["raw"]


def test_the_reminder_names_the_members_own_next_step_and_the_check_in(store, settings, circle_with_people):
    from datetime import UTC, datetime

    from companion.circles.reminders import queue_due_reminders
    from companion.store.models import Circle

    circle_id, ids = circle_with_people
    now = datetime.now(UTC)
    with store.transaction() as session:
        circle, people = _load(session, circle_id, ids)
        for meeting in circle.meetings:
            meeting.starts_at = now + timedelta(days=7 * meeting.number - 1)
            meeting.ends_at = meeting.starts_at + timedelta(hours=2)
        save_project(session, circle, people[0], ProjectInput("Open Data", first_step="Datensätze sichten"))
        session.get(Circle, circle_id).forum_group_name = "zirkel-1"
    with store.transaction() as session:
        queue_due_reminders(session, settings, now=now)
        mine = [people[0].username]
        reminders = [item for item in session.scalars(select(OutboxItem)) if item.payload.get("recipients") == mine]
    assert reminders, "the member gets a reminder a week before"
    body = reminders[0].payload["raw"]
    assert "Dein nächster Schritt: Datensätze sichten" in body
    assert "/check-in" in body
