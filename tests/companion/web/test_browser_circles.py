"""In a real browser: sign up with the availability grid, an admin forms and publishes, the member RSVPs."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests
from icalendar import Calendar
from playwright.sync_api import expect
from sqlalchemy import select

from companion.circles.signups import SignUpForm, sign_up
from companion.members import consent
from companion.store.models import (
    Circle,
    CircleMember,
    Meeting,
    Member,
    Organisation,
    Rsvp,
    Season,
    SignUp,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Tuesday and Thursday mornings and Tuesday afternoon: (weekday, time block key) as the grid's checkbox ids name them.
MY_SLOTS = [(1, "vormittag"), (3, "vormittag"), (1, "nachmittag")]
OTHERS = 5


def forum_users(sandbox_forum):
    """An ordinary member and an admin of the sandbox forum."""
    users = [u for u in sandbox_forum.state.users.values() if u.id > 0 and not u.staged and u.suspended_till is None]
    return next(u for u in users if not u.admin and not u.moderator), next(u for u in users if u.admin)


def log_in(page, live, username: str, next_path: str) -> None:
    page.goto(f"{live.url}/login?next={next_path}")
    page.get_by_role("link", name=re.compile(rf"@{re.escape(username)}\)")).click()
    page.wait_for_url(re.compile(re.escape(live.url) + ".*"))


def sign_up_colleagues(store, season_id: int, today) -> list[str]:
    """Colleagues of four other organisations who consented and chose the same Tuesday morning."""
    names = []
    with store.transaction() as db:
        season = db.get(Season, season_id)
        organisations = [Organisation(key=f"zirkel-test-{i}", name=f"Zirkeltest-Verwaltung {i}") for i in range(4)]
        db.add_all(organisations)
        db.flush()
        for i in range(OTHERS):
            colleague = Member(
                forum_user_id=900_000 + i,
                username=f"kollegin{i}",
                name=f"Kollegin {i}",
                organisation_id=organisations[i % 4].id,
            )
            db.add(colleague)
            db.flush()
            consent.set_consent(db, colleague.id, "circles", True)
            sign_up(
                db,
                season,
                colleague,
                SignUpForm(interests=["OZG", "Lean Coffee"], availability={(1, "vormittag")}, willing_to_host=i == 0),
                today=today,
            )
            names.append(colleague.username)
    return names


def test_member_signs_up_admin_publishes_member_rsvps_and_subscribes(
    browser, page, live_companion, sandbox_forum, artifacts
):
    live = live_companion
    member, admin = forum_users(sandbox_forum)
    today = datetime.now(ZoneInfo(live.context.settings.timezone)).date()

    # The admin opens a season through the admin form.
    admin_context = browser.new_context(viewport={"width": 1100, "height": 900}, locale="de-DE")
    admin_page = admin_context.new_page()
    try:
        log_in(admin_page, live, admin.username, "/circles/admin/seasons/new")
        admin_page.wait_for_url(live.url + "/circles/admin/seasons/new")
        admin_page.locator("#name").fill("Browser-Runde")
        admin_page.locator("#signup_opens_on").fill(today.isoformat())
        admin_page.locator("#signup_closes_on").fill((today + timedelta(days=3)).isoformat())
        admin_page.locator("#first_meeting_on").fill((today + timedelta(days=10)).isoformat())
        admin_page.locator("#min_size").fill("3")
        admin_page.locator("#target_size").fill("6")
        admin_page.locator("#max_size").fill("6")
        admin_page.screenshot(path=str(artifacts / "circles-01-admin-season-form.png"), full_page=True)
        admin_page.get_by_role("button", name="Runde speichern").click()
        admin_page.wait_for_url(re.compile(re.escape(live.url) + r"/circles/admin/seasons/\d+$"))
        season_id = int(admin_page.url.rsplit("/", 1)[1])
        assert admin_page.locator("h1").inner_text() == "Browser-Runde"

        # The member agrees to circles, then signs up with the availability grid.
        log_in(page, live, member.username, "/profile")
        page.locator("#consent-circles").check()
        page.get_by_role("button", name="Zustimmung speichern").click()
        assert page.locator("#consent-circles").is_checked()
        page.goto(live.url + "/circles/")
        page.screenshot(path=str(artifacts / "circles-02-index-open-season.png"), full_page=True)
        page.get_by_role("link", name="Browser-Runde").click()
        page.wait_for_url(f"{live.url}/circles/seasons/{season_id}/signup")
        for weekday, block in MY_SLOTS:
            page.locator(f"#slot-{weekday}-{block}").check()
        page.locator("#interests").fill("OZG, Lean Coffee, E-Akte")
        page.locator("#willing_to_host").check()
        page.screenshot(path=str(artifacts / "circles-03-signup-grid.png"), full_page=True)
        page.get_by_role("button", name="Anmeldung speichern").click()
        expect(page.get_by_text("Danke! Deine Anmeldung ist gespeichert.")).to_be_visible()
        for weekday, block in MY_SLOTS:
            assert page.locator(f"#slot-{weekday}-{block}").is_checked()
        assert not page.locator("#slot-0-vormittag").is_checked()
        page.screenshot(path=str(artifacts / "circles-04-signup-saved.png"), full_page=True)

        with live.store.session() as db:
            me = db.scalar(select(Member).where(Member.username == member.username))
            signup = db.scalar(select(SignUp).where(SignUp.season_id == season_id, SignUp.member_id == me.id))
            assert {(a.weekday, a.block) for a in signup.availability} == set(MY_SLOTS)
            assert {i.term for i in signup.interests} == {"ozg", "lean coffee", "e-akte"}
            assert signup.willing_to_host
            my_id = me.id
        colleagues = sign_up_colleagues(live.store, season_id, today)

        # The admin forms the circles as a preview and publishes them.
        admin_page.reload()
        admin_page.get_by_role("button", name="Zirkel bilden (Vorschau)").click()
        expect(admin_page.get_by_text("Zirkel 1").first).to_be_visible()
        admin_page.screenshot(path=str(artifacts / "circles-05-admin-preview.png"), full_page=True)
        admin_page.get_by_role("button", name="Im Forum veröffentlichen").click()
        # Confirmation names the consequence before anything is sent.
        expect(admin_page.get_by_text(f"{OTHERS + 1} Mitglieder erhalten je eine Nachricht.")).to_be_visible()
        admin_page.screenshot(path=str(artifacts / "circles-05b-admin-publish-confirm.png"), full_page=True)
        admin_page.get_by_role("button", name="Ja, jetzt veröffentlichen").click()
        admin_page.wait_for_url(f"{live.url}/circles/admin/seasons/{season_id}")
        admin_page.screenshot(path=str(artifacts / "circles-06-admin-published.png"), full_page=True)
    finally:
        admin_context.close()

    with live.store.session() as db:
        assert db.get(Season, season_id).status == "published"
        circle = db.scalar(
            select(Circle)
            .join(CircleMember, CircleMember.circle_id == Circle.id)
            .where(Circle.season_id == season_id, CircleMember.member_id == my_id)
        )
        assert circle is not None and circle.status == "published"
        circle_id, circle_name = circle.id, circle.name
        fellow_usernames = [cm.member.username for cm in circle.members if cm.member_id != my_id]
        meetings = sorted(circle.meetings, key=lambda m: m.starts_at)
        assert meetings
        next_meeting_id = meetings[0].id
        host_names = {db.get(Organisation, m.host_organisation_id).name for m in meetings if m.host_organisation_id}
    assert fellow_usernames and set(fellow_usernames) <= set(colleagues)

    # The member opens "my circle": members, dates and hosts.
    page.goto(live.url + "/circles/")
    page.get_by_role("link", name=re.compile(re.escape(circle_name) + " · Browser-Runde")).click()
    page.wait_for_url(f"{live.url}/circles/circle/{circle_id}")
    members_text = page.locator("section[aria-labelledby=members-heading]").inner_text()
    assert f"@{member.username}" in members_text
    assert all(f"@{name}" in members_text for name in fellow_usernames)
    dates = page.locator("ol.meetings > li")
    assert dates.count() == len(meetings)
    dates_text = page.locator("section[aria-labelledby=dates-heading]").inner_text()
    assert host_names and all(name in dates_text for name in host_names)
    page.screenshot(path=str(artifacts / "circles-07-my-circle.png"), full_page=True)

    # RSVP "yes" to the next meeting with its button.
    next_item = page.locator(f"#meeting-{next_meeting_id}")
    next_item.get_by_role("button", name="Ja").click()
    expect(page.get_by_text("Deine Antwort ist gespeichert.")).to_be_visible()
    yes = page.locator(f"#meeting-{next_meeting_id}").get_by_role("button", name="Ja")
    assert yes.get_attribute("aria-pressed") == "true"
    assert (
        page.locator(f"#meeting-{next_meeting_id}").get_by_role("button", name="Nein").get_attribute("aria-pressed")
        == "false"
    )
    page.screenshot(path=str(artifacts / "circles-08-rsvp-yes.png"), full_page=True)
    with live.store.session() as db:
        answers = db.scalars(select(Rsvp).where(Rsvp.meeting_id == next_meeting_id)).all()
        assert [(a.member_id, a.answer) for a in answers] == [(my_id, "yes")]

    # The private calendar address answers with an ICS feed of the circle's dates.
    feed_url = page.locator("#feed-url").input_value()
    assert re.fullmatch(re.escape(live.url) + r"/calendar/[^/]+\.ics", feed_url)
    response = requests.get(feed_url, timeout=10)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/calendar")
    events = [c for c in Calendar.from_ical(response.content).walk() if c.name == "VEVENT"]
    with live.store.session() as db:
        expected = {m.uid: m.starts_at for m in db.scalars(select(Meeting).where(Meeting.circle_id == circle_id))}
    assert {str(e["UID"]) for e in events} == set(expected)
    for event in events:
        assert event.decoded("DTSTART") == expected[str(event["UID"])]
    (artifacts / "circles-09-calendar-feed.ics").write_bytes(response.content)
