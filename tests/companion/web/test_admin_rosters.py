"""Admins see who signed up for a season and who booked a meetup, and download both as CSV (audited)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from companion.meetups.registration import MeetupSpec, create_meetup, register
from companion.store.models import AuditEntry, Season
from tests.support.circles import add_members, sign_up_all
from tests.support.web import log_in


def _admin(client, member_id):
    log_in(client, member_id, admin=True)


def test_signups_list_and_csv_download_is_audited(web_app, store, season_id):
    with store.transaction() as session:
        season = session.get(Season, season_id)
        people = add_members(session, 3)
        sign_up_all(session, season, people, interests=("bürgerservice",))
        (admin,) = add_members(session, 1, start=90)
        admin_id = admin.id
    client = web_app.test_client()
    _admin(client, admin_id)
    page = client.get(f"/circles/admin/seasons/{season_id}/signups").get_data(as_text=True)
    assert "Anmeldungen für" in page and "rebel1" in page and "3 Einträge." in page
    assert '<th scope="col">Runde</th>' in page and "bürgerservice" in page
    # The page's CSV is the report's export: one implementation, audited and with formula protection.
    legacy = client.get(f"/circles/admin/seasons/{season_id}/signups?format=csv")
    assert legacy.status_code == 302
    assert legacy.headers["Location"].endswith(f"/admin/report/exports/signups/{season_id}.csv")
    download = client.get(legacy.headers["Location"])
    assert download.mimetype == "text/csv" and "attachment" in download.headers["Content-Disposition"]
    lines = download.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0].startswith("Runde;Benutzername;Name;Organisation") and len(lines) == 4
    assert "bürgerservice" in "\n".join(lines)
    with store.session() as session:
        entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "reports.export.signups"))
        assert entry is not None
    member = web_app.test_client()
    log_in(member, admin_id, admin=False)
    assert member.get(f"/circles/admin/seasons/{season_id}/signups").status_code == 403
    assert member.get(f"/admin/report/exports/signups/{season_id}.csv").status_code == 403


def test_meetup_attendees_list_booked_first(web_app, store):
    now = datetime(2025, 1, 20, 9, 0, tzinfo=UTC)
    with store.transaction() as session:
        first, second, admin = add_members(session, 3)
        meetup = create_meetup(
            session,
            MeetupSpec(
                title="Barcamp",
                starts_at=datetime(2025, 3, 1, 9, 0, tzinfo=UTC),
                ends_at=datetime(2025, 3, 1, 15, 0, tzinfo=UTC),
                capacity=1,
            ),
            actor="admin",
        )
        register(session, meetup, first, now=now)
        register(session, meetup, second, now=now)
        meetup_id, admin_id = meetup.id, admin.id
    client = web_app.test_client()
    _admin(client, admin_id)
    page = client.get(f"/circles/admin/meetups/{meetup_id}/attendees").get_data(as_text=True)
    assert page.index("rebel1") < page.index("rebel2")
    assert "bestätigt" in page and "Warteliste" in page and "confirmed" not in page
    text = client.get(f"/admin/report/exports/meetups/{meetup_id}.csv").get_data(as_text=True)
    rows = text.lstrip("\ufeff").splitlines()[1:]
    assert rows[0].startswith("Barcamp;rebel1;") and ";bestätigt;" in rows[0]
    assert rows[1].startswith("Barcamp;rebel2;") and ";Warteliste;" in rows[1]
