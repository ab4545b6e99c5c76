"""The "did you meet?" pages: the answer page the PM links to, the suggestions page and the dashboard."""

from __future__ import annotations

from html import unescape

from sqlalchemy import select

from companion.store.models import MeetingCheck
from companion.suggestions.meeting_checks import ask_whether_met
from tests.support.suggestions import MEETING_CHECK_TODAY as TODAY
from tests.support.suggestions import introduced_pair
from tests.support.web import csrf_token, log_in, make_member


def _asked(store) -> dict[str, MeetingCheck]:
    with store.transaction() as session:
        introduced_pair(session, sent_days_ago=14, locales=("de", "de"))
        ask_whether_met(session, TODAY, 14, "https://companion.test")
    with store.session() as session:
        checks = session.scalars(select(MeetingCheck)).all()
        return {check.member.username: check for check in checks}


def _status(store, check_id: int) -> str:
    with store.session() as session:
        return session.get(MeetingCheck, check_id).status


def test_opening_the_answer_link_records_nothing_and_one_click_answers(client, store):
    checks = _asked(store)
    path = f"/met/{checks['mia'].token}"
    page = unescape(client.get(f"{path}?answer=met").get_data(as_text=True))
    assert "Habt ihr euch getroffen?" in page
    assert "Am 1. Dezember 2026 hat dir der Begleitdienst Ole (Kreis Wesel) vorgestellt." in page
    assert "Ja, wir hatten Kontakt" in page and "Noch nicht" in page
    # The forum fetches every link in a post; opening it must not answer for the member.
    assert _status(store, checks["mia"].id) == "asked"
    token = csrf_token(client, f"{path}?answer=met")
    answered = unescape(client.post(path, data={"answer": "met", "csrf_token": token}).get_data(as_text=True))
    assert "Danke! Schön, dass ihr Kontakt hattet." in answered
    assert _status(store, checks["mia"].id) == "met"
    assert _status(store, checks["ole"].id) == "asked"
    again = unescape(client.get(path).get_data(as_text=True))
    assert "Deine Antwort: ja, ihr hattet Kontakt." in again


def test_a_wrong_token_or_answer_is_refused_and_changes_nothing(client, store):
    checks = _asked(store)
    assert client.get("/met/not-a-token").status_code == 404
    path = f"/met/{checks['mia'].token}"
    token = csrf_token(client, path)
    assert client.post(path, data={"answer": "asked", "csrf_token": token}).status_code == 400
    assert client.post(path, data={"answer": "maybe", "csrf_token": token}).status_code == 400
    assert client.post(path, data={"answer": "met"}).status_code == 400  # no CSRF token
    assert _status(store, checks["mia"].id) == "asked"


def test_the_suggestions_page_asks_and_answers_in_one_click_only_for_the_own_question(client, store):
    checks = _asked(store)
    log_in(client, checks["ole"].member_id)
    page = unescape(client.get("/suggestions").get_data(as_text=True))
    assert "Hattet ihr seitdem Kontakt?" in page and "Mia (Stadt Essen)" in page
    token = csrf_token(client, "/suggestions")
    mine = client.post(f"/suggestions/met/{checks['ole'].id}", data={"answer": "not_met", "csrf_token": token})
    assert mine.status_code == 302
    assert _status(store, checks["ole"].id) == "not_met"
    theirs = client.post(f"/suggestions/met/{checks['mia'].id}", data={"answer": "met", "csrf_token": token})
    assert theirs.status_code == 404
    assert _status(store, checks["mia"].id) == "asked"
    assert "Hattet ihr seitdem Kontakt?" not in unescape(client.get("/suggestions").get_data(as_text=True))


def test_the_dashboard_counts_pairs_that_met_and_answers(client, store):
    checks = _asked(store)
    admin = make_member(store, forum_user_id=900, username="admin")
    log_in(client, admin, admin=True)
    for username in ("mia", "ole"):
        path = f"/met/{checks[username].token}"
        client.post(path, data={"answer": "met", "csrf_token": csrf_token(client, path)})
    page = unescape(client.get("/admin/dashboard/").get_data(as_text=True))
    figure = page.split('id="figure-met"')[1].split("</div>")[0]
    assert "<strong>1</strong>" in figure
    assert "vorgestelltes Paar hatte Kontakt" in figure
    assert "2 Nachfragen, 2 Antworten" in figure
