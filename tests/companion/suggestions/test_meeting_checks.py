"""The "did you meet?" question: asked of both members once, after the configured days, and answered."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from companion.members.consent import set_consent
from companion.outbox.guards import pre_send_block
from companion.store.models import MeetingCheck, OutboxItem
from companion.store.states import InvalidTransition
from companion.suggestions.meeting_checks import (
    MeetingAnswer,
    UnknownMeetingCheck,
    answer,
    ask_whether_met,
    check_by_token,
    meeting_check_counts,
    open_checks_for,
)
from tests.support.suggestions import MEETING_CHECK_TODAY, introduced_pair

TODAY = MEETING_CHECK_TODAY
BASE = "https://companion.test"


def _questions(session):
    return session.scalars(select(OutboxItem).where(OutboxItem.idempotency_key.startswith("met:"))).all()


def test_both_members_are_asked_once_after_the_configured_days_in_their_language(store):
    with store.transaction() as session:
        mia, ole = introduced_pair(session, sent_days_ago=14)
        assert ask_whether_met(session, TODAY, 14, BASE) == 2
        assert ask_whether_met(session, TODAY + timedelta(days=1), 14, BASE) == 0
        by_recipient = {item.payload["recipients"][0]: item for item in _questions(session)}
        assert set(by_recipient) == {"mia", "ole"}
        german, english = by_recipient["mia"], by_recipient["ole"]
        assert german.payload["title"] == "Habt ihr euch getroffen, Mia und Ole?"
        assert "am 1. Dezember 2026 haben wir dich und Ole (Kreis Wesel)" in german.payload["raw"]
        assert "on December 1, 2026 we introduced you and Mia (Stadt Essen)" in english.payload["raw"]
        checks = {c.member_id: c for c in session.scalars(select(MeetingCheck))}
        assert f"{BASE}/met/{checks[mia.id].token}?answer=met" in german.payload["raw"]
        assert f"{BASE}/met/{checks[ole.id].token}?answer=not_met" in english.payload["raw"]
        assert checks[mia.id].token != checks[ole.id].token


def test_not_asked_before_the_days_are_up_nor_for_an_unsent_introduction_nor_when_off(store):
    with store.transaction() as session:
        introduced_pair(session, sent_days_ago=13)
        assert ask_whether_met(session, TODAY, 14, BASE) == 0
        assert ask_whether_met(session, TODAY, 0, BASE) == 0
        assert ask_whether_met(session, TODAY, 13, BASE) == 2
    with store.transaction() as session:
        for row in session.scalars(select(MeetingCheck)):
            session.delete(row)
        for row in session.scalars(select(OutboxItem)):
            row.status, row.sent_at = "pending", None
        session.flush()
        assert ask_whether_met(session, TODAY + timedelta(days=30), 14, BASE) == 0


def test_a_member_without_consent_is_not_asked_and_a_withdrawal_stops_the_queued_question(store):
    with store.transaction() as session:
        mia, ole = introduced_pair(session, sent_days_ago=20)
        set_consent(session, ole.id, "matching", False)
        assert ask_whether_met(session, TODAY, 14, BASE) == 0
        set_consent(session, ole.id, "matching", True)
        assert ask_whether_met(session, TODAY, 14, BASE) == 2
        set_consent(session, mia.id, "matching", False)
        session.flush()
        # Checked again at delivery time: the question to Ole concerns Mia, so it no longer goes out either.
        for item in _questions(session):
            assert pre_send_block(session, item.payload) is not None
        assert open_checks_for(session, ole.id) == []
        token = session.scalar(select(MeetingCheck.token).where(MeetingCheck.member_id == ole.id))
        with pytest.raises(UnknownMeetingCheck):
            check_by_token(session, token)


def test_answers_change_state_through_the_table_and_count_once_per_pair(store):
    with store.transaction() as session:
        mia, ole = introduced_pair(session, sent_days_ago=14)
        ask_whether_met(session, TODAY, 14, BASE)
        assert meeting_check_counts(session).questions == 2
        checks = {c.member_id: c for c in session.scalars(select(MeetingCheck))}
        answer(session, check_by_token(session, checks[mia.id].token), MeetingAnswer.NOT_MET)
        counts = meeting_check_counts(session)
        assert (counts.answers, counts.pairs_met) == (1, 0)
        answer(session, checks[mia.id], MeetingAnswer.MET)
        answer(session, checks[ole.id], MeetingAnswer.MET)
        counts = meeting_check_counts(session)
        assert (counts.questions, counts.answers, counts.pairs_met) == (2, 2, 1)
        assert checks[mia.id].answered_at is not None
        assert open_checks_for(session, mia.id) == []
        with pytest.raises(ValueError):
            answer(session, checks[ole.id], MeetingAnswer.ASKED)


def test_the_lifecycle_refuses_going_back_to_asked(store):
    with store.transaction() as session:
        mia, _ole = introduced_pair(session, sent_days_ago=14)
        ask_whether_met(session, TODAY, 14, BASE)
        check = session.scalar(select(MeetingCheck).where(MeetingCheck.member_id == mia.id))
        answer(session, check, MeetingAnswer.MET)
        from companion.suggestions.meeting_checks import MEETING_CHECK

        with pytest.raises(InvalidTransition):
            MEETING_CHECK.move(check, MeetingAnswer.ASKED)


def test_deleting_a_member_deletes_both_questions_of_the_pair(store):
    with store.transaction() as session:
        mia, _ole = introduced_pair(session, sent_days_ago=14)
        ask_whether_met(session, TODAY, 14, BASE)
        session.delete(mia)
    with store.session() as session:
        assert session.scalars(select(MeetingCheck)).all() == []


def test_the_members_own_data_export_holds_their_answers(store):
    from companion.members.privacy import export_member_data

    with store.transaction() as session:
        mia, _ole = introduced_pair(session, sent_days_ago=14)
        ask_whether_met(session, TODAY, 14, BASE)
        check = session.scalar(select(MeetingCheck).where(MeetingCheck.member_id == mia.id))
        answer(session, check, MeetingAnswer.MET)
        exported = export_member_data(session, mia.id)
    (own,) = exported["did_you_meet"]
    assert (own["colleague"], own["status"], own["asked_on"]) == ("ole", "met", TODAY.isoformat())
    assert exported["change_projects"] == [] and exported["check_ins"] == []


def test_two_processes_asking_at_once_send_each_member_one_question(store, monkeypatch):
    """The nightly lock keeps two runs apart; should two ask at once anyway, the store lets only one through."""
    import threading

    from sqlalchemy.exc import IntegrityError

    from companion.suggestions import meeting_checks

    with store.transaction() as session:
        introduced_pair(session, sent_days_ago=14)
    barrier, outcomes = threading.Barrier(2), []
    read_asked = meeting_checks._asked_pairs

    def both_read_first(session):
        pairs = read_asked(session)
        barrier.wait(timeout=10)  # both have seen "nobody asked yet" before either writes
        return pairs

    monkeypatch.setattr(meeting_checks, "_asked_pairs", both_read_first)

    def ask() -> None:
        try:
            with store.transaction() as session:
                outcomes.append(ask_whether_met(session, TODAY, 14, BASE))
        except IntegrityError:
            outcomes.append("refused")

    threads = [threading.Thread(target=ask) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes, key=str) == [2, "refused"]
    with store.session() as session:
        assert session.scalar(select(func.count()).select_from(MeetingCheck)) == 2
        questions = session.scalars(select(OutboxItem).where(OutboxItem.idempotency_key.startswith("met:"))).all()
        assert sorted(item.payload["recipients"][0] for item in questions) == ["mia", "ole"]
