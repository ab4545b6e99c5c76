"""In a real browser: Vorhaben and check-in, a Lean Coffee vote ordering the agenda, guest opt-in, the camp grid."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from companion.camp.service import CampSpec, create_camp, propose_session, toggle_vote
from companion.meetups import lean_coffee
from companion.store.models import Meetup, MeetupGuest, MeetupRegistration, Member, Season
from companion.store.types import utcnow
from tests.support.circles import add_members, spec
from tests.support.formats import make_circle
from tests.support.smtp import smtp_server

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def forum_users(sandbox_forum):
    users = [u for u in sandbox_forum.state.users.values() if u.id > 0 and not u.staged and u.suspended_till is None]
    return next(u for u in users if not u.admin and not u.moderator), next(u for u in users if u.admin)


def log_in(page, live, username: str, next_path: str) -> None:
    page.goto(f"{live.url}/login?next={next_path}")
    page.get_by_role("link", name=re.compile(rf"@{re.escape(username)}\)")).click()
    page.wait_for_url(re.compile(re.escape(live.url) + ".*"))


def member_id_of(store, username: str) -> int:
    with store.transaction() as session:
        return session.scalar(select(Member.id).where(Member.username == username))


def test_a_member_enters_a_vorhaben_and_a_check_in_and_sees_them(page, live_companion, sandbox_forum, artifacts):
    live = live_companion
    member, _ = forum_users(sandbox_forum)
    log_in(page, live, member.username, "/profile")
    me = member_id_of(live.store, member.username)
    with live.store.transaction() as session:
        from companion.circles.seasons import create_season

        today = utcnow().date()
        season = create_season(
            session,
            spec(
                signup_opens_on=today - timedelta(days=30),
                signup_closes_on=today - timedelta(days=20),
                first_meeting_on=today + timedelta(days=7),
            ),
            actor="admin",
        )
        circle = make_circle(
            session, session.get(Season, season.id), [session.get(Member, me), *add_members(session, 3)]
        )
        for meeting in circle.meetings:
            meeting.starts_at = utcnow() + timedelta(days=7 * meeting.number)
            meeting.ends_at = meeting.starts_at + timedelta(hours=2)
        circle_id = circle.id
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live.url}/circles/circle/{circle_id}")
    page.get_by_role("link", name="Vorhaben und Fortschritt").click()
    page.get_by_label("Was möchtest du verändern oder ausprobieren?").fill("Digitale Bauanträge im Kreis")
    page.get_by_label("Dein erster Schritt").fill("Gespräch mit dem Bauamt")
    page.get_by_role("button", name="Vorhaben speichern").click()
    assert page.get_by_text("Dein Vorhaben ist gespeichert.").is_visible()
    page.get_by_role("link", name=re.compile("Check-in für Treffen 1")).click()
    assert page.get_by_text("Dein letzter nächster Schritt: Gespräch mit dem Bauamt").is_visible()
    page.get_by_label("Was hast du seit dem letzten Mal getan?").fill("Termin vereinbart")
    page.get_by_label("Dein nächster Schritt").fill("Prozess skizzieren")
    page.get_by_label("4", exact=True).check()
    page.get_by_role("button", name="Check-in speichern").click()
    table = page.locator("table")
    assert "Digitale Bauanträge im Kreis" in table.inner_text()
    assert "Zuversicht 4 von 5" in table.inner_text() and "Prozess skizzieren" in table.inner_text()
    page.screenshot(path=str(artifacts / "formats-01-vorhaben-375.png"), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375 + 1, f"the page scrolls sideways at 375 px ({width} px)"


def test_a_lean_coffee_vote_orders_the_agenda(page, live_companion, sandbox_forum, artifacts):
    live = live_companion
    member, _ = forum_users(sandbox_forum)
    log_in(page, live, member.username, "/profile")
    me = member_id_of(live.store, member.username)
    with live.store.transaction() as session:
        starts = utcnow() + timedelta(days=3)
        meetup = Meetup(title="Lean Coffee Wesel", starts_at=starts, ends_at=starts + timedelta(hours=2), capacity=24)
        session.add(meetup)
        session.flush()
        lean_coffee.enable(session, meetup, dots=2)
        others = add_members(session, 2, start=700)
        for person in [session.get(Member, me), *others]:
            session.add(MeetupRegistration(meetup_id=meetup.id, member_id=person.id, status="confirmed"))
        session.flush()
        first = lean_coffee.propose(session, meetup, others[0], "Onboarding neuer Kolleg*innen")
        lean_coffee.propose(session, meetup, others[1], "Papierlose Sitzungen")
        lean_coffee.vote(session, first, others[0])
        meetup_id = meetup.id
    page.goto(f"{live.url}/meetups/{meetup_id}/lean-coffee")
    items = page.locator("ol.agenda > li")
    assert "Onboarding" in items.nth(0).inner_text()
    page.get_by_role("button", name="Einen Punkt auf „Papierlose Sitzungen“ setzen").click()
    page.get_by_role("button", name="Einen Punkt auf „Papierlose Sitzungen“ setzen").click()
    assert "Papierlose Sitzungen" in page.locator("ol.agenda > li").nth(0).inner_text()
    assert page.get_by_text("Du hast noch 0 Punkte.").is_visible()
    page.screenshot(path=str(artifacts / "formats-02-lean-coffee.png"), full_page=True)


def test_a_guest_registers_with_double_opt_in_and_cancels(page, live_companion, artifacts, monkeypatch):
    live = live_companion
    with live.store.transaction() as session:
        starts = utcnow() + timedelta(days=10)
        meetup = Meetup(
            title="Offenes Meetup",
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            location="Stadtbibliothek",
            capacity=24,
        )
        session.add(meetup)
        session.flush()
        meetup_id = meetup.id
    with smtp_server() as (inbox, port):
        for name, value in {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": port, "SMTP_FROM": "rebellen@example.org"}.items():
            monkeypatch.setitem(live.context.settings.values, name, value)
        page.set_viewport_size({"width": 375, "height": 800})
        page.goto(f"{live.url}/meetups/{meetup_id}/guest")
        page.get_by_label("Dein Name").fill("Erika Bürgerin")
        page.get_by_label("Deine E-Mail-Adresse").fill("erika@example.org")
        page.get_by_label(re.compile("Wir nutzen Namen und Adresse")).check()
        page.get_by_role("button", name="Anmelden").click()
        assert page.get_by_text("Wir haben dir eine E-Mail geschickt.").is_visible()
        page.screenshot(path=str(artifacts / "formats-03-guest-sent-375.png"), full_page=True)
    assert len(inbox.messages) == 1 and inbox.messages[0]["To"].addresses[0].addr_spec == "erika@example.org"
    link = re.search(r"(http://127\.0\.0\.1:\d+/meetups/guest/\S+)", inbox.bodies()[0]).group(1)
    page.goto(link)
    page.get_by_role("button", name="Anmeldung bestätigen").click()
    assert page.get_by_text("Du bist angemeldet, Erika Bürgerin.").is_visible()
    with live.store.transaction() as session:
        assert session.scalar(select(MeetupGuest.status)) == "confirmed"
    page.get_by_role("button", name="Anmeldung stornieren").click()
    assert page.get_by_text("Deine Anmeldung ist storniert.").is_visible()
    with live.store.transaction() as session:
        assert session.scalar(select(MeetupGuest.status)) == "cancelled"


def test_a_camp_grid_is_built_and_shown(page, live_companion, sandbox_forum, artifacts):
    live = live_companion
    _, admin = forum_users(sandbox_forum)
    log_in(page, live, admin.username, "/camp/")
    with live.store.transaction() as session:
        camp = create_camp(
            session,
            CampSpec(
                "Rebellen-Camp",
                utcnow().date() + timedelta(days=60),
                "Zeche",
                "Saal: 80\nWerkstatt: 20",
                "10:00-10:45\n11:00-11:45",
            ),
            actor="admin",
        )
        people = add_members(session, 4, start=800)
        sessions = [
            propose_session(session, camp, title, member=people[0])
            for title in ("Open Data", "KI im Amt", "Agile Teams")
        ]
        for person in people:
            toggle_vote(session, sessions[0], person)
            toggle_vote(session, sessions[1], person)
        camp_id = camp.id
    page.goto(f"{live.url}/camp/{camp_id}")
    page.get_by_role("button", name="Plan aus den Stimmen erstellen").click()
    grid = page.locator("table.camp-grid")
    rows = grid.locator("tbody tr")
    assert rows.count() == 2
    texts = [rows.nth(i).inner_text() for i in range(2)]
    assert sum("Open Data" in t for t in texts) == 1 and not any("Open Data" in t and "KI im Amt" in t for t in texts)
    page.screenshot(path=str(artifacts / "formats-04-camp-grid.png"), full_page=True)
