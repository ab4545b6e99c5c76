"""The "did you meet?" question end to end over real HTTP: asked of both, once, in the run after the days are up."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from companion.jobs.nightly import run_nightly
from companion.store.models import Suggestion
from companion.suggestions.feedback import contact
from sandbox import SandboxSettings, run_sandbox_server
from tests.support.env import companion_context
from tests.support.nightly import prepare

pytestmark = pytest.mark.e2e

QUESTION_TITLES = ("Habt ihr euch getroffen", "Did you meet")


@pytest.fixture
def forum():
    with run_sandbox_server(SandboxSettings(members=30, admin_requests_per_minute=0)) as server:
        yield server


def _questions(state, username):
    return [m for m in state.inbox(username) if m.title.startswith(QUESTION_TITLES)]


def test_both_members_get_one_question_in_the_run_after_the_configured_days(forum, store, settings):
    context = companion_context(settings.replace(meeting_check_days=14), store, forum.url)
    prepare(context)
    first = run_nightly(context, sync=False)
    with context.store.transaction() as session:
        suggestion = session.scalars(select(Suggestion).order_by(Suggestion.id)).first()
        pair = suggestion.member.username, suggestion.suggested.username
        contact(session, suggestion.id, suggestion.member_id, settings.base_url)
    run_nightly(context, today=first.run_date + timedelta(days=1), sync=False)
    assert all(_questions(forum.state, name) == [] for name in pair)
    later = first.run_date + timedelta(days=16)
    run_nightly(context, today=later, sync=False)
    run_nightly(context, today=later + timedelta(days=1), sync=False)
    for name, other in (pair, pair[::-1]):
        (question,) = _questions(forum.state, name)
        assert other in question.title or forum.state.find_user(other).name in question.title
        assert f"{settings.base_url}/met/" in question.raw
