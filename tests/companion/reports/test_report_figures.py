"""Every figure of the report on a seeded store where the truth is worked out by hand (tests/support/reports.py)."""

from __future__ import annotations

from datetime import date

import pytest

from companion.reports.build import PeriodError, build_report, parse_period
from companion.reports.figures import ContactKind, compute, quarters
from tests.support.reports import END, NOW, START, seed_report_network

K = 5


@pytest.fixture
def seeded(store):
    ids = seed_report_network(store)
    with store.session() as db:
        raw = compute(db, START, END, now=NOW)
        report = build_report(db, START, END, K, now=NOW)
    return ids, raw, report


def values(cells):
    return [cell.value for cell in cells]


def by_name(rows):
    return {(group.name or "pool"): [v.value for v in rest] for group, *rest in rows}


def test_quarters_are_clipped_to_the_period():
    assert [(q.label, q.start, q.end) for q in quarters(date(2026, 2, 15), date(2026, 7, 3))] == [
        ("Q1 2026", date(2026, 2, 15), date(2026, 3, 31)),
        ("Q2 2026", date(2026, 4, 1), date(2026, 6, 30)),
        ("Q3 2026", date(2026, 7, 1), date(2026, 7, 3)),
    ]
    assert [q.label for q in quarters(date(2025, 12, 31), date(2026, 1, 1))] == ["Q4 2025", "Q1 2026"]


def test_period_parsing_defaults_and_errors():
    assert parse_period(None, None, today=date(2026, 5, 4)) == (date(2026, 1, 1), date(2026, 5, 4))
    with pytest.raises(PeriodError, match="YYYY-MM-DD"):
        parse_period("1.1.2026", None, today=date(2026, 5, 4))
    with pytest.raises(PeriodError, match="before it starts"):
        parse_period("2026-05-01", "2026-04-01", today=date(2026, 5, 4))


def test_members_and_organisations_over_time(seeded):
    _ids, raw, report = seeded
    # Q1: Wesel 6, Essen 6, Amt Klein 3 and the guest without organisation; Lünen's 5 join in April.
    assert [(label, v.value, orgs) for label, v, orgs in report.members] == [("Q1 2026", 16, 3), ("Q2 2026", 21, 4)]
    assert report.members_latest.value == 21
    assert values(raw.members_by_org.values()) == [6, 6, 5, 3]


def test_cross_organisation_contacts_per_kind_and_quarter(seeded):
    _ids, raw, _report = seeded
    assert values(raw.contacts_by_quarter[ContactKind.INTRODUCTION]) == [2, 2]
    assert values(raw.contacts_by_quarter[ContactKind.CONVERSATION]) == [1, 1]  # a1-a2 is the same organisation
    assert values(raw.contacts_by_quarter[ContactKind.CIRCLE]) == [0, 13]  # 15 pairs of six, minus a1-a6 and b1-b6


def test_contacts_per_pair_of_organisations(seeded):
    ids, raw, _report = seeded
    org = {name: raw.member_org[ids[name]] for name in ("a1", "b1", "c1", "s1")}

    def pair(x, y):
        return raw.contacts_by_pair[tuple(sorted((org[x], org[y])))].value

    assert pair("a1", "b1") == 7  # 2 introductions, 1 conversation, 4 circle pairs
    assert pair("a1", "c1") == 3
    assert pair("a1", "s1") == 3
    assert pair("b1", "c1") == 3
    assert pair("b1", "s1") == 2
    assert pair("c1", "s1") == 1
    assert sum(cell.value for cell in raw.contacts_by_pair.values()) == 2 + 2 + 1 + 1 + 13


def test_headline_share_and_its_trend(seeded):
    _ids, _raw, report = seeded
    assert [(label, a.value, r.value) for label, a, r, _s in report.trend] == [("Q1 2026", 10, 6), ("Q2 2026", 13, 12)]
    assert report.trend[0][3].value == pytest.approx(6 / 10)
    assert report.trend[1][3].value == pytest.approx(12 / 13)
    # The guest g1 (no organisation) registered for a meetup in Q1 but is not counted.
    assert (report.active.value, report.reached.value) == (18, 15)
    assert report.headline.value == pytest.approx(15 / 18)


def test_active_members_per_organisation(seeded):
    _ids, raw, _report = seeded
    assert sorted(values(raw.active_by_org.values())) == [3, 3, 6, 6]
    assert sorted(values(raw.reached_by_org.values())) == [2, 2, 5, 6]


def test_circles_held_and_attendance(seeded):
    _ids, _raw, report = seeded
    # Two meetings in Q2 (the July one lies after the period); six seats each; yes: 5 + 2;
    # attended: four recorded, s2 said yes with nothing recorded, a1 recorded absent at the second.
    assert [(c[0], c[1], c[2], c[3].value, c[4].value, c[5].value) for c in report.circles] == [
        ("Q1 2026", 0, 0, 0, 0, 0),
        ("Q2 2026", 1, 2, 12, 7, 6),
    ]
    assert [v if isinstance(v, int) else v.value for v in report.circles_total] == [1, 2, 12, 7, 6]


def test_meetups_with_participants_waiting_list_and_guests(seeded):
    _ids, raw, _report = seeded
    assert [(m.title, m.capacity, m.confirmed.value, m.waiting.value, m.guests.value) for m in raw.meetups] == [
        ("Lean Coffee Wesel", 20, 6, 1, 1),
        ("Barcamp Essen", 10, 3, 0, 0),
    ]


def test_badges_granted_per_quarter_without_revoked_ones(seeded):
    _ids, raw, report = seeded
    assert {key: values(cells) for key, cells in raw.badges.items()} == {"bridge": [3, 5], "circle_member": [0, 6]}
    assert [(names["de"], total.value) for names, _cells, total in report.badges] == [
        ("Brückenbauer*in", 8),
        ("Zirkel-Mitglied", 6),
    ]


def test_an_empty_store_gives_an_empty_report(store):
    with store.session() as db:
        report = build_report(db, START, END, K, now=NOW)
    assert [v.value for _l, v, _o in report.members] == [0, 0]
    assert report.headline.value is None  # no active members: nothing to divide
    assert report.pairs == [] and report.meetups == [] and report.badges == []


def test_quarter_index_finds_the_quarter_of_a_moment():
    from datetime import UTC, datetime

    from companion.reports.figures import quarter_index

    periods = quarters(date(2026, 2, 15), date(2026, 7, 3))
    assert quarter_index(periods, date(2026, 2, 14)) is None
    assert quarter_index(periods, date(2026, 3, 31)) == 0
    assert quarter_index(periods, datetime(2026, 4, 1, 0, 30, tzinfo=UTC)) == 1
    assert quarter_index(periods, date(2026, 7, 4)) is None
    assert quarter_index(periods, None) is None
