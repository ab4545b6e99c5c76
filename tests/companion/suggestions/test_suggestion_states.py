"""The suggestion lifecycle: its table, and the feedback services that go through it."""

from datetime import date

import pytest

from companion.members.consent import set_consent
from companion.store.models import Member, Suggestion
from companion.store.states import InvalidTransition
from companion.suggestions.feedback import contact, detect_conversations, reject
from companion.suggestions.planning import mark_ignored
from companion.suggestions.states import SUGGESTION, SuggestionStatus
from tests.support.lifecycles import transitions

TODAY = date(2026, 11, 22)


def test_the_suggestion_table_allows_exactly_these_changes():
    transitions(
        SUGGESTION,
        {
            ("new", "contacted"),
            ("new", "rejected"),
            ("new", "talked"),
            ("new", "ignored"),
            ("ignored", "contacted"),
            ("ignored", "rejected"),
            ("ignored", "talked"),
            ("contacted", "talked"),
            ("contacted", "rejected"),
            ("rejected", "new"),
        },
    )


def _pair(session, status: str = "new") -> Suggestion:
    a, b = Member(forum_user_id=1, username="a"), Member(forum_user_id=2, username="b")
    session.add_all([a, b])
    session.flush()
    for member in (a, b):
        # An introduction needs both members' consent to matching (withdrawn consent is honoured at once).
        set_consent(session, member.id, "matching", True)
    row = Suggestion(run_date=TODAY, member_id=a.id, suggested_member_id=b.id, rank=1, score=0.5, status=status)
    session.add(row)
    session.flush()
    return row


def test_a_talked_suggestion_cannot_be_rejected_and_stays_talked(store):
    with store.transaction() as session:
        row = _pair(session, SuggestionStatus.TALKED)
        with pytest.raises(InvalidTransition):
            reject(session, row.id, row.member_id)
        assert row.status == "talked"
        contact(session, row.id, row.member_id)
        assert row.status == "talked", "asking for an introduction after talking keeps what came of it"


def test_feedback_moves_a_new_suggestion_through_its_table(store):
    with store.transaction() as session:
        row = _pair(session)
        contact(session, row.id, row.member_id)
        assert row.status == SuggestionStatus.CONTACTED
        reject(session, row.id, row.member_id)
        assert row.status == SuggestionStatus.REJECTED
        assert detect_conversations(session) == 0, "a rejected suggestion is no longer open"


def test_unanswered_suggestions_become_ignored_in_the_store_values(store):
    with store.transaction() as session:
        row = _pair(session)
        row.run_date = date(2026, 10, 1)
        session.flush()
        assert mark_ignored(session, TODAY) == 1
        session.refresh(row)
        assert row.status == "ignored"
