"""Circle pages: sign-up with the availability grid, RSVPs and signed links, ICS feeds, admin preview and publish."""

from __future__ import annotations

import re
from unittest import mock

import icalendar
import pytest
from sqlalchemy import select

from companion.circles.formation import form_season
from companion.circles.links import rsvp_token
from companion.circles.publishing import publish_season
from companion.store.models import (
    AuditEntry,
    Meeting,
    Member,
    OutboxItem,
    Rsvp,
    Season,
    SignUp,
)
from tests.support.circles import NOW, add_members, sign_up_all
from tests.support.web import log_in as shared_log_in


def log_in(client, member_id, admin=False):
    shared_log_in(client, member_id, admin=admin)


def csrf(client, path):
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


@pytest.fixture
def frozen_now():
    with mock.patch("companion.web.circles.utcnow", return_value=NOW):
        yield NOW


def test_sign_up_through_the_availability_grid(web_app, store, season_id, frozen_now):
    with store.transaction() as session:
        (me,) = add_members(session, 1)
    client = web_app.test_client()
    log_in(client, me.id)
    page = client.get(f"/circles/seasons/{season_id}/signup").get_data(as_text=True)
    assert 'id="slot-1-vormittag"' in page and 'for="slot-1-vormittag"' in page
    assert "Wann kannst du?" in page  # German is the default language
    token = csrf(client, f"/circles/seasons/{season_id}/signup")
    answer = client.post(
        f"/circles/seasons/{season_id}/signup",
        data={
            "csrf_token": token,
            "slot": ["1:vormittag", "3:mittag"],
            "interests": "Open Data, KI",
            "mode": "online",
            "willing_to_host": "on",
            "action": "save",
        },
    )
    assert answer.status_code == 302
    with store.transaction() as session:
        signup = session.scalar(select(SignUp))
        assert {(a.weekday, a.block) for a in signup.availability} == {(1, "vormittag"), (3, "mittag")}
        assert signup.mode == "online" and signup.willing_to_host
    refused = client.post(f"/circles/seasons/{season_id}/signup", data={"csrf_token": token, "action": "save"})
    assert refused.status_code == 400 and "mindestens eine wöchentliche Zeit" in refused.get_data(as_text=True)


def test_member_without_consent_sees_why(web_app, store, season_id, frozen_now):
    with store.transaction() as session:
        (me,) = add_members(session, 1, consent=False)
    client = web_app.test_client()
    log_in(client, me.id)
    token = csrf(client, f"/circles/seasons/{season_id}/signup")
    answer = client.post(
        f"/circles/seasons/{season_id}/signup", data={"csrf_token": token, "slot": "1:vormittag", "action": "save"}
    )
    assert answer.status_code == 400 and "Einwilligung" in answer.get_data(as_text=True)
    with store.transaction() as session:
        assert session.scalars(select(SignUp)).all() == []


def test_a_circles_error_is_shown_in_the_pages_language(web_app, store, season_id, frozen_now):
    with store.transaction() as session:
        (me,) = add_members(session, 1, consent=False)
    client = web_app.test_client()
    log_in(client, me.id)
    data = {"csrf_token": csrf(client, f"/circles/seasons/{season_id}/signup"), "slot": "1:vormittag", "action": "save"}
    german = client.post(f"/circles/seasons/{season_id}/signup", data=data).get_data(as_text=True)
    assert "Bitte stimme zuerst der Teilnahme an Zirkeln zu" in german and "please agree" not in german
    english = client.post(f"/circles/seasons/{season_id}/signup", data=data, headers={"Accept-Language": "en"})
    page = english.get_data(as_text=True)
    assert english.status_code == 400 and '<html lang="en">' in page
    assert "please agree to take part in circles first" in page and "Bitte stimme" not in page


@pytest.fixture
def published(store, web_app, season_id):
    with store.transaction() as session:
        season = session.get(Season, season_id)
        people = add_members(session, 8)
        sign_up_all(session, season, people)
        form_season(session, season, web_app.extensions["companion"].settings, actor="admin")
        publish_season(session, season, web_app.extensions["companion"].settings, actor="admin")
        circle = season.circles[0]
        return circle.id, circle.meetings[0].id, [cm.member_id for cm in circle.members]


def test_the_admin_season_page_words_moved_meetings_in_the_page_language(web_app, store, season_id, published):
    _, meeting_id, members = published
    with store.transaction() as session:
        meeting = session.get(Meeting, meeting_id)
        organisation = session.get(Member, members[0]).organisation
        meeting.move_reason, meeting.move_params = "closure_day", {"organisation": organisation.id}
        (admin,) = add_members(session, 1, start=99)
    client = web_app.test_client()
    log_in(client, admin.id, admin=True)
    german = client.get(f"/circles/admin/seasons/{season_id}").get_data(as_text=True)
    assert f"Verschoben: Schließtag einer Verwaltung ({organisation.name})" in german
    english = client.get(f"/circles/admin/seasons/{season_id}", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    assert f"Moved: closure day of organisation {organisation.name}" in english


def test_rsvp_buttons_and_calendar_feed(web_app, store, published, frozen_now):
    circle_id, meeting_id, members = published
    client = web_app.test_client()
    log_in(client, members[0])
    page = client.get(f"/circles/circle/{circle_id}").get_data(as_text=True)
    assert "Kommst du?" in page
    feed = re.search(r'value="http://companion.test(/calendar/[^"]+\.ics)"', page).group(1)
    token = csrf(client, f"/circles/circle/{circle_id}")
    client.post(f"/circles/meetings/{meeting_id}/rsvp", data={"csrf_token": token, "answer": "yes"})
    with store.transaction() as session:
        assert session.get(Rsvp, (meeting_id, members[0])).answer == "yes"
    anonymous = web_app.test_client()
    ics = anonymous.get(feed)
    assert ics.status_code == 200 and ics.mimetype == "text/calendar"
    events = icalendar.Calendar.from_ical(ics.data).walk("VEVENT")
    assert len(events) >= 1
    client.post("/circles/calendar/revoke", data={"csrf_token": token})
    assert anonymous.get(feed).status_code == 404
    outsider = web_app.test_client()
    with store.transaction() as session:
        (stranger,) = add_members(session, 1, start=70)
    log_in(outsider, stranger.id)
    assert outsider.get(f"/circles/circle/{circle_id}").status_code == 403


def test_signed_link_needs_a_confirming_post(web_app, store, published, frozen_now):
    _circle_id, meeting_id, members = published
    settings = web_app.extensions["companion"].settings
    link = f"/circles/rsvp/{rsvp_token(settings, meeting_id, members[2])}/maybe"
    client = web_app.test_client()
    page = client.get(link)
    assert page.status_code == 200
    with store.transaction() as session:
        assert session.get(Rsvp, (meeting_id, members[2])) is None  # a link preview must not answer
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    done = client.post(link, data={"csrf_token": token})
    assert done.status_code == 200
    with store.transaction() as session:
        assert session.get(Rsvp, (meeting_id, members[2])).answer == "maybe"
    assert client.get("/circles/rsvp/forged-token/yes").status_code == 404


def test_admin_creates_forms_and_publishes(web_app, store, frozen_now):
    with store.transaction() as session:
        (admin,) = add_members(session, 1, start=99)
    client = web_app.test_client()
    log_in(client, admin.id, admin=True)
    token = csrf(client, "/circles/admin/seasons/new")
    base = {
        "csrf_token": token,
        "name": "Herbst",
        "signup_opens_on": "2025-01-01",
        "signup_closes_on": "2025-01-31",
        "first_meeting_on": "2025-02-03",
        "min_size": "4",
        "target_size": "6",
        "max_size": "8",
        "cadence_weeks": "5",
        "meetings_count": "4",
        "meeting_minutes": "90",
        "school_holidays": "",
        "skip_school_holidays": "on",
        "time_blocks": '[{"key": "vormittag", "start": "09:00", "end": "11:30"}]',
    }
    bad = client.post("/circles/admin/seasons/new", data={**base, "cadence_weeks": "9"})
    assert bad.status_code == 400 and "cadence" in bad.get_data(as_text=True)
    good = client.post("/circles/admin/seasons/new", data=base)
    assert good.status_code == 302
    with store.transaction() as session:
        season = session.scalar(select(Season))
        sign_up_all(session, season, add_members(session, 9))
    client.post(f"/circles/admin/seasons/{season.id}/form", data={"csrf_token": token})
    preview = client.get(f"/circles/admin/seasons/{season.id}").get_data(as_text=True)
    assert "Qualitätskennzahlen" in preview and "Zirkel 1" in preview
    # The first click only names the consequence; nothing is queued until the admin confirms.
    confirm = client.post(f"/circles/admin/seasons/{season.id}/publish", data={"csrf_token": token})
    assert "9 Mitglieder erhalten je eine Nachricht." in confirm.get_data(as_text=True)
    with store.transaction() as session:
        assert session.get(Season, season.id).status == "formed"
        assert session.scalars(select(OutboxItem)).all() == []
    client.post(f"/circles/admin/seasons/{season.id}/publish", data={"csrf_token": token, "confirmed": "yes"})
    with store.transaction() as session:
        assert session.get(Season, season.id).status == "published"
        assert session.scalars(select(OutboxItem)).all()
        actions = {a.action for a in session.scalars(select(AuditEntry))}
    assert {"circles.season.create", "circles.season.form", "circles.season.publish"} <= actions
    member = web_app.test_client()
    log_in(member, admin.id, admin=False)
    assert member.get("/circles/admin/").status_code == 403


def test_admin_opens_a_draft_season_with_a_button_and_members_can_sign_up(web_app, store, frozen_now):
    from companion.circles.seasons import create_season
    from companion.circles.states import SeasonStatus
    from tests.support.circles import spec

    with store.transaction() as session:
        (admin,) = add_members(session, 1, start=99)
        (member,) = add_members(session, 1, start=1)
        season_id = create_season(session, spec(), actor="admin", status=SeasonStatus.DRAFT).id
    client = web_app.test_client()
    log_in(client, admin.id, admin=True)
    page = client.get(f"/circles/admin/seasons/{season_id}").get_data(as_text=True)
    assert "Status: Entwurf" in page and "Für Anmeldungen öffnen" in page and "Runde abschließen" not in page
    token = csrf(client, f"/circles/admin/seasons/{season_id}")
    wrong = client.post(f"/circles/admin/seasons/{season_id}/status", data={"csrf_token": token, "status": "published"})
    assert wrong.status_code == 302
    assert "eigene Aktionen" in client.get(f"/circles/admin/seasons/{season_id}").get_data(as_text=True)
    client.post(f"/circles/admin/seasons/{season_id}/status", data={"csrf_token": token, "status": "open"})
    page = client.get(f"/circles/admin/seasons/{season_id}").get_data(as_text=True)
    assert "Status: offen" in page and "Runde abschließen" in page and "Zurück zum Entwurf" in page
    with store.transaction() as session:
        assert session.get(Season, season_id).status == "open"
        audit = session.scalar(select(AuditEntry).where(AuditEntry.action == "circles.season.status"))
        assert audit.actor == admin.username and audit.details == {"from": "draft", "to": "open"}
    signer = web_app.test_client()
    log_in(signer, member.id)
    token = csrf(signer, f"/circles/seasons/{season_id}/signup")
    answer = signer.post(
        f"/circles/seasons/{season_id}/signup",
        data={"csrf_token": token, "slot": "1:vormittag", "interests": "KI", "mode": "either", "action": "save"},
    )
    assert answer.status_code == 302
    with store.transaction() as session:
        assert session.scalar(select(SignUp).where(SignUp.season_id == season_id)) is not None
