"""The report's "did you meet?" contacts and change projects, on the seeded store with hand-worked figures."""

from __future__ import annotations

import pytest

from companion.reports.build import build_report
from companion.reports.figures import ContactKind, compute
from companion.reports.rendering import render_body, render_csv
from tests.support.reports import END, NOW, START, seed_answers_and_projects, seed_report_network


@pytest.fixture
def seeded(store):
    ids = seed_report_network(store)
    seed_answers_and_projects(store, ids)
    return store, ids


def _report(store, k):
    with store.session() as db:
        return build_report(db, START, END, k, now=NOW)


def test_a_yes_to_did_you_meet_is_one_contact_per_cross_organisation_pair(seeded):
    store, ids = seeded
    with store.session() as db:
        raw = compute(db, START, END, now=NOW)
    # a5-b4 in February (two answers, one pair), a3-c1 in May; "not yet" and same-organisation pairs do not count.
    assert [cell.value for cell in raw.contacts_by_quarter[ContactKind.MET]] == [1, 1]
    first, second = raw.contacts_by_quarter[ContactKind.MET]
    assert (first.people, second.people) == ({ids["a5"], ids["b4"]}, {ids["a3"], ids["c1"]})
    met = [c for c in raw.contacts if c.kind == ContactKind.MET]
    assert len(met) == 3  # a1-a2 is recorded but is no cross-organisation contact
    shown = _report(store, 2)
    assert [v.value for v in shown.contacts[ContactKind.MET]] == [1, 1]
    assert shown.contacts_total[ContactKind.MET].value == 2
    # Under k=5 each quarter concerns two people only, and the whole period four.
    hidden = _report(store, 5)
    assert [v.value for v in hidden.contacts[ContactKind.MET]] == [None, None]
    assert hidden.contacts_total[ContactKind.MET].value is None


def test_change_projects_started_check_ins_and_mean_confidence_per_quarter(seeded):
    report = _report(seeded[0], 5)
    (q1, *q1_values), (q2, *q2_values) = report.projects
    assert q1 == "Q1 2026" and [v.value for v in q1_values] == [0, 0, 0, None]
    assert q2 == "Q2 2026"
    started, checked_in, check_ins, mean = q2_values
    assert (started.value, checked_in.value, check_ins.value) == (5, 5, 6)
    assert mean.value == pytest.approx(23 / 6)
    assert [v.value for v in report.projects_total[:3]] == [5, 5, 6]
    assert report.projects_total[3].value == pytest.approx(23 / 6)


def test_change_project_figures_about_fewer_than_k_members_are_hidden_with_their_mean(seeded):
    report = _report(seeded[0], 6)
    _label, *q2_values = report.projects[1]
    assert [v.value for v in q2_values] == [None, None, None, None]
    assert all(v.value is None for v in report.projects_total)


def test_both_appear_in_the_german_page_and_csv(seeded):
    report = _report(seeded[0], 5)
    html = str(render_body(report, "de"))
    assert "Vorhaben der Zirkelmitglieder" in html
    assert "3,8" in html  # the mean confidence, German decimal comma
    assert "Treffen laut eigener Antwort" in html
    csv_text = render_csv(report, "de")
    assert "Vorhaben;Q2 2026;;Check-ins;6" in csv_text
    assert "Vorhaben;Q2 2026;;mittlere Zuversicht (1–5);3.8333" in csv_text


def test_guests_registered_by_mail_count_at_their_meetup_even_after_their_names_are_deleted(store):
    from datetime import UTC, datetime

    from sqlalchemy import select

    from companion.meetups.guests import purge_guests
    from companion.store.models import Meetup, MeetupGuest

    seed_report_network(store)
    with store.transaction() as db:
        lean_coffee, barcamp = db.scalars(select(Meetup).order_by(Meetup.starts_at)).all()
        for n, (meetup, status) in enumerate(
            [(lean_coffee, "confirmed"), (lean_coffee, "confirmed"), (lean_coffee, "unconfirmed")]
            + [(barcamp, "confirmed")] * 3
        ):
            db.add(
                MeetupGuest(
                    meetup_id=meetup.id,
                    name=f"Gast {n}",
                    email=f"gast{n}@example.org",
                    status=status,
                    token_hash=f"hash-{n}",
                )
            )
    with store.transaction() as db:
        # Thirty days after the Lean Coffee in March its guests are deleted; the Barcamp's (June) are kept.
        assert purge_guests(db, now=datetime(2026, 6, 15, tzinfo=UTC), retention_days=30) == 3
        assert db.get(Meetup, lean_coffee.id).guests_counted == 2
    with store.session() as db:
        raw = compute(db, START, END, now=NOW)
        names = db.scalars(select(MeetupGuest.name)).all()
    assert sorted(names) == ["Gast 3", "Gast 4", "Gast 5"]
    # Confirmed participants include the guests; guests are the members without organisation plus mail guests.
    assert [(m.title, m.confirmed.value, m.guests.value) for m in raw.meetups] == [
        ("Lean Coffee Wesel", 8, 3),
        ("Barcamp Essen", 6, 3),
    ]
    report = _report(store, 5)
    assert [row[5].value for row in report.meetups] == [None, None]  # three guests each: fewer than k
    assert report.meetups_total[2].value == 6
