"""A member can take back "Passt nicht"; only a rejected suggestion of their own can be taken back."""

from __future__ import annotations

from datetime import date

import pytest

from companion.store.models import Member, Suggestion
from companion.store.states import InvalidTransition
from companion.suggestions.feedback import SuggestionNotYours, reject, undo_reject
from companion.suggestions.inputs import load_history


def test_undo_makes_the_suggestion_current_and_lifts_the_block(store):
    with store.transaction() as session:
        a = Member(forum_user_id=601, username="a1", name="A")
        b = Member(forum_user_id=602, username="b1", name="B")
        session.add_all([a, b])
        session.flush()
        row = Suggestion(run_date=date(2026, 12, 1), member_id=a.id, suggested_member_id=b.id, rank=1, score=0.4)
        session.add(row)
        session.flush()
        with pytest.raises(InvalidTransition):
            undo_reject(session, row.id, a.id)
        reject(session, row.id, a.id)
        assert (a.id, b.id) in load_history(session).rejected
        with pytest.raises(SuggestionNotYours):
            undo_reject(session, row.id, b.id)
        undo_reject(session, row.id, a.id)
        assert row.status == "new"
        assert (a.id, b.id) not in load_history(session).rejected
