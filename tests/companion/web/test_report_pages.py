"""The admin report page, its PDF and CSV, and the CSV exports: admins only, both languages, every download audited."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from companion.reports.exports import pseudonym
from companion.store.models import AuditEntry, Season, SignUp, SignUpInterest
from tests.support.reports import SMALL_ORG, seed_report_network
from tests.support.web import log_in

PERIOD = "from=2026-01-01&to=2026-06-30"


@pytest.fixture
def ids(store):
    ids = seed_report_network(store)
    with store.transaction() as db:
        season = db.scalar(select(Season))
        for name in ("a1", "b2"):
            signup = SignUp(season_id=season.id, member_id=ids[name], willing_to_host=name == "a1", mode="online")
            db.add(signup)
            db.flush()
            db.add(SignUpInterest(signup_id=signup.id, term="OZG"))
        ids["season"] = season.id
    return ids


@pytest.fixture
def admin(client, ids):
    log_in(client, ids["a1"], admin=True)
    return client


def audit_actions(store) -> list[tuple[str, str, dict]]:
    with store.session() as db:
        return [(e.action, e.subject, e.details) for e in db.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def rows(response, delimiter=";") -> list[list[str]]:
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=delimiter))


def test_only_admins_see_the_report_and_the_exports(client, ids):
    paths = ["/admin/report/", "/admin/report/report.pdf", f"/admin/report/exports/signups/{ids['season']}.csv"]
    for path in paths:
        assert client.get(path).status_code == 302
    log_in(client, ids["b1"])
    for path in paths:
        assert client.get(path).status_code == 403


def test_the_report_page_in_german_and_english(admin, store):
    html = admin.get(f"/admin/report/?{PERIOD}").get_data(as_text=True).replace("\xa0", " ")
    assert "<h1>Bericht: was das Netzwerk bewirkt</h1>" in html
    assert html.count("<svg") >= 6
    assert "83,3 %" in html and "weniger als 5 Mitgliedern" in html
    main = html.split("<main", 1)[1]  # the header names the admin who is logged in
    assert SMALL_ORG not in main
    assert not any(f"Person {x}" in main or f"user{x.lower()}" in main for x in ("A1", "B1", "C1", "S1"))
    english = admin.get(f"/admin/report/?{PERIOD}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Report: what the network achieves" in english and "83.3%" in english.replace("\xa0", "")
    assert audit_actions(store) == []  # looking is not downloading


def test_a_wrong_period_is_refused_with_a_clear_message(admin):
    response = admin.get("/admin/report/?from=2026-06-30&to=2026-01-01")
    assert response.status_code == 400
    assert "Ungültiger Zeitraum" in response.get_data(as_text=True)
    response = admin.get("/admin/report/report.csv?from=gestern")
    assert response.status_code == 400 and "YYYY-MM-DD" in response.get_data(as_text=True)


def test_pdf_and_csv_downloads_are_audited(admin, store):
    pdf = admin.get(f"/admin/report/report.pdf?{PERIOD}")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF-")
    assert "attachment" in pdf.headers["Content-Disposition"]
    figures = rows(admin.get(f"/admin/report/report.csv?{PERIOD}"))
    assert figures[0] == ["Abschnitt", "Zeitraum", "Gruppe", "Kennzahl", "Wert"]
    assert ["Kernzahl", "2026-01-01/2026-06-30", "", "Anteil", "0.8333"] in figures
    assert not any(SMALL_ORG in cell for row in figures for cell in row)
    assert [(a, s) for a, s, _d in audit_actions(store)] == [
        ("reports.download.pdf", "2026-01-01/2026-06-30"),
        ("reports.download.csv", "2026-01-01/2026-06-30"),
    ]


def test_signups_rosters_and_attendees_exports(admin, store, ids):
    signups = rows(admin.get(f"/admin/report/exports/signups/{ids['season']}.csv"))
    assert signups[0][:4] == ["Runde", "Benutzername", "Name", "Organisation"]
    assert [(r[1], r[3], r[4], r[6]) for r in signups[1:]] == [
        ("usera1", "Kreis Wesel", "1", "OZG"),
        ("userb2", "Stadt Essen", "0", "OZG"),
    ]
    assert [r[5] for r in signups[1:]] == ["Nur online", "Nur online"]
    rosters = rows(admin.get(f"/admin/report/exports/rosters/{ids['season']}.csv"))
    assert sorted(r[2] for r in rosters[1:]) == ["usera1", "usera6", "userb1", "userb6", "userc1", "users2"]
    with store.session() as db:
        from companion.store.models import Meetup

        first = db.scalar(select(Meetup).where(Meetup.title == "Lean Coffee Wesel"))
    attendees = rows(admin.get(f"/admin/report/exports/meetups/{first.id}.csv", headers={"Accept-Language": "en"}), ",")
    assert attendees[0] == ["meetup", "username", "name", "organisation", "status", "registered"]
    assert [(r[1], r[4]) for r in attendees[1:]][-2:] == [("guest1", "confirmed"), ("userb3", "waiting list")]
    assert len(attendees) == 1 + 7
    actions = audit_actions(store)
    assert [(a, d["rows"]) for a, _s, d in actions] == [
        ("reports.export.signups", 2),
        ("reports.export.circle_rosters", 6),
        ("reports.export.meetup_attendees", 7),
    ]
    assert admin.get("/admin/report/exports/signups/999.csv").status_code == 404
    assert len(audit_actions(store)) == 3


def test_exports_neutralise_spreadsheet_formulas(admin, store, ids):
    from companion.store.models import Meetup

    with store.transaction() as db:
        meetup = db.scalar(select(Meetup).where(Meetup.title == "Barcamp Essen"))
        meetup.title = '=HYPERLINK("http://evil.example","klick")'
        meetup_id = meetup.id
    attendees = rows(admin.get(f"/admin/report/exports/meetups/{meetup_id}.csv"))
    assert attendees[1][0] == '\'=HYPERLINK("http://evil.example","klick")'
    figures = rows(admin.get(f"/admin/report/report.csv?{PERIOD}"))
    assert any(row[2].startswith("'=HYPERLINK") for row in figures)


def test_suggestion_outcomes_are_pseudonymised(admin, store, ids, web_settings):
    outcomes = rows(admin.get(f"/admin/report/exports/suggestions.csv?{PERIOD}"))
    text = "\n".join(";".join(r) for r in outcomes)
    assert "user" not in text and "Person" not in text and SMALL_ORG not in text
    assert len(outcomes) == 1 + 5
    first = outcomes[1]
    assert first[:6] == [
        "2026-02-20",
        pseudonym(web_settings.secret_key, ids["a1"]),
        "Kreis Wesel",
        pseudonym(web_settings.secret_key, ids["b1"]),
        "Stadt Essen",
        "0",
    ]
    assert first[8] == "vorgestellt"
    small = next(r for r in outcomes if r[1] == pseudonym(web_settings.secret_key, ids["s1"]))
    assert small[2] == "kleinere Organisationen (zusammengefasst)"
    assert pseudonym("another key", ids["a1"]) != first[1]
    assert [a for a, _s, _d in audit_actions(store)] == ["reports.export.suggestion_outcomes"]
