"""Three suggestion runs in a row ignored: the member is paused with one friendly note and resumes in one click."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from companion.members.consent import set_consent
from companion.messages.gettext import text_in
from companion.store.models import Member, MemberPreferences, OutboxItem, Suggestion
from companion.suggestions.pausing import pause_note, pause_unresponsive, resume
from companion.suggestions.planning import due_members

TODAY = date(2026, 12, 1)


def _member_with_runs(session, statuses):
    member = Member(forum_user_id=701, username="mia", name="Mia")
    other = Member(forum_user_id=702, username="ole", name="Ole")
    session.add_all([member, other])
    session.flush()
    set_consent(session, member.id, "matching", True)
    session.flush()
    for weeks, status in enumerate(statuses):
        session.add(
            Suggestion(
                run_date=TODAY - timedelta(weeks=weeks),
                member_id=member.id,
                suggested_member_id=other.id,
                rank=1,
                score=0.5,
                status=status,
            )
        )
    session.flush()
    return member


def test_three_ignored_runs_pause_with_one_note_and_one_click_resumes(store):
    with store.transaction() as session:
        member = _member_with_runs(session, ["ignored", "ignored", "ignored"])
        assert pause_unresponsive(session, "http://companion.test") == [member.id]
        assert pause_unresponsive(session, "http://companion.test") == []
        preferences = session.get(MemberPreferences, member.id)
        assert (preferences.cadence, preferences.paused_reason) == ("paused", "ignored")
        assert member.id not in due_members(session, TODAY + timedelta(days=7))
        (note,) = session.scalars(select(OutboxItem)).all()
        assert note.payload["title"] == "Vorschläge pausiert"
        assert "http://companion.test/suggestions" in note.payload["raw"]
        resume(session, member.id, TODAY)
        assert (preferences.cadence, preferences.paused_reason) == ("weekly", None)
        # Resuming starts afresh: the same three old runs do not pause the member again.
        assert pause_unresponsive(session) == []


def test_any_answer_among_the_last_three_runs_keeps_suggestions_coming(store):
    with store.transaction() as session:
        _member_with_runs(session, ["ignored", "contacted", "ignored"])
        assert pause_unresponsive(session) == []
        assert session.scalars(select(OutboxItem)).all() == []


def test_the_pause_note_comes_from_the_catalogue_in_the_members_language(store):
    german_title, german = pause_note("de", "Mia [x](http://evil)", "http://companion.test/suggestions")
    assert german_title == text_in("de", "Suggestions paused") == "Vorschläge pausiert"
    assert german.startswith("Hallo Mia \\[x\\]\\(http://evil\\),\n\nzu deinen letzten drei Vorschlägen")
    assert "genügt ein Klick: http://companion.test/suggestions" in german and "Hello" not in german
    english_title, english = pause_note("en", "Mia", "http://companion.test/suggestions")
    assert english_title == "Suggestions paused" and english.startswith("Hello Mia,\n\nnothing came of")
    assert "Hallo" not in english
    with store.transaction() as session:
        member = _member_with_runs(session, ["ignored", "ignored", "ignored"])
        member.locale = "en_GB"
        pause_unresponsive(session, "http://companion.test")
        (note,) = session.scalars(select(OutboxItem)).all()
        assert (note.payload["title"], note.payload["raw"]) == (english_title, english)
