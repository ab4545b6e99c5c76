"""Withdrawn matching consent is honoured at once: off others' pages, queued writes stopped, checked at delivery."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from companion.members.consent import set_consent
from companion.outbox.delivery import DeliveryResult, deliver_pending
from companion.store.models import Member, MemberPreferences, OutboxItem, Suggestion
from companion.suggestions.feedback import SuggestionWithdrawn, contact, suggestions_for

TODAY = date(2026, 12, 1)


class RecordingForum:
    """A handler that records what it was asked to send."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    def __call__(self, forum, payload, key, uncertain):
        self.sent.append(key)
        return DeliveryResult(post_id=len(self.sent))


def _pair(session):
    a = Member(forum_user_id=501, username="anna", name="Anna")
    b = Member(forum_user_id=502, username="ben", name="Ben")
    session.add_all([a, b])
    session.flush()
    for m in (a, b):
        set_consent(session, m.id, "matching", True)
    suggestion = Suggestion(run_date=TODAY, member_id=a.id, suggested_member_id=b.id, rank=1, score=0.5)
    session.add(suggestion)
    session.flush()
    return a, b, suggestion


def test_withdrawn_colleague_leaves_the_suggestion_page_and_cannot_be_contacted(store):
    with store.transaction() as session:
        a, b, suggestion = _pair(session)
        assert [v.username for v in suggestions_for(session, a.id, "https://forum.test")] == ["ben"]
        set_consent(session, b.id, "matching", False)
        assert suggestions_for(session, a.id, "https://forum.test") == []
        with pytest.raises(SuggestionWithdrawn):
            contact(session, suggestion.id, a.id)
        assert session.scalar(select(OutboxItem)) is None


def test_withdrawal_stops_a_queued_introduction(store):
    with store.transaction() as session:
        a, b, suggestion = _pair(session)
        item = contact(session, suggestion.id, a.id)
        item_id = item.id
        set_consent(session, b.id, "matching", False)
    handler = RecordingForum()
    report = deliver_pending(store, None, {"pm": handler})
    assert handler.sent == []
    assert report.sent == 0
    with store.transaction() as session:
        stopped = session.get(OutboxItem, item_id)
        assert stopped.status == "cancelled"
        assert "withdrew matching consent" in stopped.last_error


def test_delivery_checks_consent_again_just_before_sending(store):
    with store.transaction() as session:
        a, b, suggestion = _pair(session)
        item_id = contact(session, suggestion.id, a.id).id
        # Consent gone without the withdrawal path (e.g. a second process, or an account deletion in flight).
        session.get(MemberPreferences, b.id).matching_consent = False
    handler = RecordingForum()
    report = deliver_pending(store, None, {"pm": handler})
    assert handler.sent == []
    assert report.withheld == 1
    with store.transaction() as session:
        item = session.get(OutboxItem, item_id)
        assert item.status == "cancelled"
        assert f"member {b.id}" in item.last_error


def test_writes_without_consent_requirements_are_still_sent(store):
    with store.transaction() as session:
        a, _b, suggestion = _pair(session)
        contact(session, suggestion.id, a.id)
    handler = RecordingForum()
    report = deliver_pending(store, None, {"pm": handler})
    assert report.sent == 1
    assert len(handler.sent) == 1
