"""Pages of the network's formats: Vorhaben and check-ins, the Lean Coffee board and facilitation, guests by e-mail."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from companion.meetups import lean_coffee
from companion.store.models import CheckIn, MeetupGuest, OutboxItem, Project, Season
from tests.support.circles import add_members
from tests.support.formats import make_circle, make_meetup
from tests.support.smtp import smtp_server
from tests.support.web import csrf_token, log_in


@pytest.fixture
def circle_people(store, season_id):
    with store.transaction() as session:
        people = add_members(session, 5)
        circle = make_circle(session, session.get(Season, season_id), people[:4])
        return circle.id, [m.id for m in circle.meetings], [p.id for p in people]


def test_a_member_enters_a_vorhaben_and_a_check_in_and_sees_both(client, store, circle_people):
    circle_id, meeting_ids, ids = circle_people
    log_in(client, ids[0])
    token = csrf_token(client, f"/circles/circle/{circle_id}/vorhaben")
    answer = client.post(
        f"/circles/circle/{circle_id}/vorhaben",
        data={
            "csrf_token": token,
            "what": "Bürgerservice per Chat",
            "why": "Wartezeiten",
            "first_step": "Pilot planen",
        },
    )
    assert answer.status_code == 302
    answer = client.post(
        f"/circles/meetings/{meeting_ids[0]}/check-in",
        data={"csrf_token": token, "done": "Pilot geplant", "next_step": "Team fragen", "stuck": "", "confidence": "4"},
    )
    assert answer.status_code == 302
    page = client.get(f"/circles/circle/{circle_id}/vorhaben").get_data(as_text=True)
    assert "Bürgerservice per Chat" in page and "Team fragen" in page and "Zuversicht 4 von 5" in page
    with store.transaction() as session:
        assert session.scalar(select(Project.what)) == "Bürgerservice per Chat"
        assert session.scalar(select(CheckIn.confidence)) == 4


def test_errors_keep_what_was_typed_and_outsiders_are_refused(client, circle_people):
    circle_id, meeting_ids, ids = circle_people
    log_in(client, ids[0])
    token = csrf_token(client, f"/circles/circle/{circle_id}/vorhaben")
    answer = client.post(
        f"/circles/meetings/{meeting_ids[0]}/check-in",
        data={"csrf_token": token, "done": "viel geschafft", "next_step": "", "confidence": "9"},
    )
    assert answer.status_code == 400
    page = answer.get_data(as_text=True)
    assert "viel geschafft" in page and "zwischen 1 und 5" in page
    log_in(client, ids[4])
    assert client.get(f"/circles/circle/{circle_id}/vorhaben").status_code == 403
    assert client.get(f"/circles/meetings/{meeting_ids[0]}/plan").status_code == 403


def test_the_plan_lists_each_member_with_minutes(client, circle_people):
    _circle_id, meeting_ids, ids = circle_people
    log_in(client, ids[1])
    page = client.get(f"/circles/meetings/{meeting_ids[0]}/plan").get_data(as_text=True)
    assert page.count("Check-in:") == 4
    assert re.search(r"\d+ Minuten", page)


@pytest.fixture
def lean(store):
    with store.transaction() as session:
        meetup, people = make_meetup(session, participants=3)
        lean_coffee.enable(session, meetup, dots=2)
        return meetup.id, [p.id for p in people]


def test_votes_on_the_board_order_the_agenda(client, lean):
    meetup_id, ids = lean
    path = f"/meetups/{meetup_id}/lean-coffee"
    log_in(client, ids[0])
    token = csrf_token(client, path)
    for title in ("Open Data", "KI im Amt"):
        assert client.post(path, data={"csrf_token": token, "action": "propose", "title": title}).status_code == 302
    page = client.get(path).get_data(as_text=True)
    topic_ids = re.findall(r'name="topic_id" value="(\d+)"', page)
    assert len(topic_ids) == 2, "both proposed topics can be voted on"
    for member_id in ids[:2]:
        log_in(client, member_id)
        client.post(path, data={"csrf_token": token, "action": "vote", "topic_id": topic_ids[1]})
    page = client.get(path).get_data(as_text=True)
    assert page.index("KI im Amt") < page.index("Open Data")
    assert "2 Punkte" in page and "0 Punkte" in page


def test_facilitation_runs_timeboxes_and_posts_notes_once(client, store, web_settings, lean, monkeypatch):
    meetup_id, ids = lean
    log_in(client, ids[0], admin=True)
    path = f"/meetups/{meetup_id}/lean-coffee/facilitate"
    token = csrf_token(client, path)
    client.post(
        f"/meetups/{meetup_id}/lean-coffee", data={"csrf_token": token, "action": "propose", "title": "Open Data"}
    )
    assert client.post(path, data={"csrf_token": token, "action": "next"}).status_code == 302
    page = client.get(path).get_data(as_text=True)
    assert "Open Data" in page and "data-ends-at=" in page
    client.post(path, data={"csrf_token": token, "action": "finish", "notes": "Portal bis Mai"})
    monkeypatch.setitem(web_settings.values, "SHARING_CATEGORY_ID", 5)
    for _ in range(2):
        client.post(path, data={"csrf_token": token, "action": "post"})
    with store.transaction() as session:
        items = session.scalars(select(OutboxItem).where(OutboxItem.kind == "topic")).all()
    assert len(items) == 1 and "Portal bis Mai" in items[0].payload["raw"]
    log_in(client, ids[1])
    assert client.get(path).status_code == 403


def test_a_guest_registers_confirms_by_the_emailed_link_and_cancels(app, client, store, web_settings, monkeypatch):
    with store.transaction() as session:
        meetup, _ = make_meetup(session, capacity=3)
        meetup_id = meetup.id
    with smtp_server() as (inbox, port):
        for name, value in {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": port, "SMTP_FROM": "rebellen@example.org"}.items():
            monkeypatch.setitem(web_settings.values, name, value)
        path = f"/meetups/{meetup_id}/guest"
        token = csrf_token(client, path)
        refused = client.post(path, data={"csrf_token": token, "name": "Eva", "email": "eva@example.org"})
        assert refused.status_code == 400 and not inbox.messages
        sent = client.post(path, data={"csrf_token": token, "name": "Eva", "email": "eva@example.org", "privacy": "on"})
        assert sent.status_code == 200 and "E-Mail" in sent.get_data(as_text=True)
    assert len(inbox.messages) == 1
    link = re.search(r"http://companion\.test(/meetups/guest/\S+)", inbox.bodies()[0]).group(1)
    with store.transaction() as session:
        assert session.scalar(select(MeetupGuest.status)) == "unconfirmed"
    client.get(link)  # a link preview opening the page changes nothing
    with store.transaction() as session:
        assert session.scalar(select(MeetupGuest.status)) == "unconfirmed"
    client.post(link, data={"csrf_token": token, "action": "confirm"})
    with store.transaction() as session:
        assert session.scalar(select(MeetupGuest.status)) == "confirmed"
    page = client.post(link, data={"csrf_token": token, "action": "cancel"}).get_data(as_text=True)
    assert "storniert" in page
    assert client.get("/meetups/guest/forged-token").status_code == 404


def test_the_meetup_form_suggests_the_place_whose_turn_it_is(client, store):
    with store.transaction() as session:
        admin = add_members(session, 1, start=900)[0].id
    log_in(client, admin, admin=True)
    token = csrf_token(client, "/meetups/admin/places")
    client.post("/meetups/admin/places", data={"csrf_token": token, "places": "Coworking Ruhr\nStadtbibliothek"})
    page = client.get("/circles/admin/meetups/new").get_data(as_text=True)
    assert 'value="Coworking Ruhr"' in page
    assert "Als Nächstes an der Reihe: Coworking Ruhr" in client.get("/meetups/admin/places").get_data(as_text=True)
