"""End to end over real HTTP: season summaries, Lean Coffee notes and the camp grid become forum topics exactly once."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from companion.camp.service import CampSpec, create_camp, plan_grid, post_grid, propose_session
from companion.circles.method import ProjectInput, save_project
from companion.circles.summaries import publish_summaries
from companion.meetups import lean_coffee
from companion.outbox.delivery import deliver_pending
from companion.outbox.handlers import HANDLERS
from companion.store.models import Season
from sandbox import SandboxSettings, run_sandbox_server
from tests.support.circles import add_members
from tests.support.env import companion_context
from tests.support.formats import START, make_circle, make_meetup

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def publish_everything(context, season_id: int, meetup_id: int, camp_id: int) -> None:
    from companion.store.models import Camp, Meetup

    with context.store.transaction() as session:
        publish_summaries(session, session.get(Season, season_id), context.settings)
        lean_coffee.post_notes(session, session.get(Meetup, meetup_id), context.settings)
        post_grid(session, session.get(Camp, camp_id), context.settings, actor="admin")


def test_every_shared_write_up_is_created_once_also_when_publishing_is_repeated(store, settings, season_id):
    with run_sandbox_server(SandboxSettings(members=5, organisations=2, admin_requests_per_minute=0)) as server:
        category_id = next(iter(server.state.categories))
        context = companion_context(settings, store, server.url, sharing_category_id=category_id)
        with store.transaction() as session:
            people = add_members(session, 4)
            circle = make_circle(session, session.get(Season, season_id), people)
            for person in people[:2]:
                save_project(session, circle, person, ProjectInput(f"Vorhaben von {person.name}", publish_summary=True))
            meetup, participants = make_meetup(session, participants=2, start=300)
            lean_coffee.enable(session, meetup)
            topic = lean_coffee.propose(session, meetup, participants[0], "Open Data")
            lean_coffee.start_next(session, meetup, START)
            lean_coffee.finish_current(session, meetup, START, notes="Portal bis Mai")
            camp = create_camp(
                session, CampSpec("Camp", date(2027, 6, 1), "Essen", "Saal: 50", "10:00-11:00"), actor="a"
            )
            propose_session(session, camp, "Barcamp-Session", member=people[0])
            plan_grid(session, camp, actor="admin")
            ids = (meetup.id, camp.id)
            assert topic.status == "discussed"
        topics_before = len(server.state.topics)
        publish_everything(context, season_id, *ids)
        first = deliver_pending(store, context.forum, HANDLERS)
        assert first.failed == 0 and first.remaining == 0
        publish_everything(context, season_id, *ids)
        deliver_pending(store, context.forum, HANDLERS)
        titles = Counter(t.title for t in list(server.state.topics.values())[topics_before:])
    assert titles == {
        "Vorhaben aus dem Zirkel: Vorhaben von Rebel 1": 1,
        "Vorhaben aus dem Zirkel: Vorhaben von Rebel 2": 1,
        "Notizen: Lean Coffee Essen": 1,
        "Sessionplan: Camp": 1,
    }
