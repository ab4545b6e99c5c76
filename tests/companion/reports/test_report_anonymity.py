"""k-anonymity: a small organisation's figures are hidden, not shown, and cannot be worked out from totals."""

from __future__ import annotations

import io
import random
import re

import pytest
from pypdf import PdfReader

from companion.reports.anonymity import protect
from companion.reports.build import build_report
from companion.reports.figures import Cell, ContactKind
from companion.reports.rendering import render_csv, render_document, render_pdf
from tests.support.reports import END, NOW, SMALL_ORG, START, seed_report_network

K = 5


def cell(*people: int, value: float | None = None) -> Cell:
    return Cell(len(people) if value is None else value, frozenset(people))


def test_a_figure_about_fewer_than_k_people_is_hidden_and_zero_is_shown():
    shown = protect([cell(1, 2, 3, 4, 5), cell(6, 7), Cell(0)], K)
    # 6, 7 alone would be derivable from the total: the smallest other non-empty cell goes too.
    assert [s.value for s in shown] == [None, None, 0]


def test_complementary_suppression_stops_once_the_hidden_remainder_covers_k_people():
    shown = protect([cell(1, 2), cell(3, 4, 5, 6, 7, 8), cell(9, 10, 11, 12, 13, 14, 15), cell(16, 17, 18)], K)
    assert [s.value for s in shown] == [None, 6, 7, None]  # 2 + 3 hidden people = 5


def test_people_counted_in_two_hidden_cells_count_once():
    # Two pair cells about the same three people: together still only three people, so a third cell goes too.
    shown = protect([cell(1, 2, 3, value=2), cell(1, 2, 3, value=1), cell(4, 5, 6, 7, 8, 9)], K)
    assert all(s.hidden for s in shown)


def test_a_named_small_group_is_hidden_whatever_its_count():
    shown = protect([cell(*range(10)), cell(*range(10, 20)), cell(*range(20, 26))], K, named_small=[False, False, True])
    assert [s.value for s in shown] == [10, 10, None]


def test_the_hidden_remainder_of_any_line_never_concerns_1_to_k_minus_1_people():
    rng = random.Random(7)
    for _ in range(500):
        cells = [
            Cell(rng.randint(0, 9), frozenset(rng.sample(range(40), rng.randint(0, 8))))
            for _ in range(rng.randint(1, 7))
        ]
        shown = protect(cells, K)
        hidden = frozenset().union(*(c.people for c, s in zip(cells, shown) if s.hidden))
        everyone = frozenset().union(*(c.people for c in cells))
        # Either nothing to work out, or at least k people behind it, or the total itself is hidden (rule 2).
        assert len(hidden) == 0 or len(hidden) >= K or len(everyone) < K
        assert all(s.hidden for c, s in zip(cells, shown) if 0 < len(c.people) < K)


@pytest.fixture
def report(store):
    seed_report_network(store)
    with store.session() as db:
        return build_report(db, START, END, K, now=NOW)


def test_the_small_organisation_is_pooled_and_its_figures_hidden(report):
    members = {(g.name or "pool"): v.value for g, v in report.members_by_org}
    assert members == {"Kreis Wesel": 6, "Stadt Essen": 6, "Stadt Lünen": None, "pool": None}
    # Not derivable: the total minus the shown organisations leaves 9 members behind two hidden rows.
    assert report.members_latest.value - sum(v for v in members.values() if v is not None) == 9
    pairs = {(a.name or "pool", b.name or "pool"): v.value for a, b, v in report.pairs}
    assert all(value is None for (a, b), value in pairs.items() if "pool" in (a, b))
    assert pairs[("Kreis Wesel", "Stadt Essen")] == 7 and pairs[("Stadt Essen", "Stadt Lünen")] == 3
    by_org = {(g.name or "pool"): [v.value for v in rest] for g, *rest in report.headline_by_org}
    assert by_org["pool"] == [None, None, None]
    assert by_org["Kreis Wesel"] == [6, 6, 1.0]
    # Essen's 5 members with a contact are hidden too, else Lünen's and the pool's 2 + 2 could be worked out.
    assert by_org["Stadt Essen"][1:] == [None, None]


def test_small_counts_per_quarter_are_hidden_with_their_complement_but_the_total_is_shown(report):
    assert [v.value for v in report.contacts[ContactKind.INTRODUCTION]] == [None, None]
    assert report.contacts_total[ContactKind.INTRODUCTION].value == 4  # 8 people
    assert report.contacts_total[ContactKind.CONVERSATION].value is None  # 2 contacts of 4 people
    bridge = report.badges[0]
    assert [v.value for v in bridge[1]] == [None, None] and bridge[2].value == 8


def test_no_output_names_the_small_organisation_or_a_member(report):
    outputs = [render_document(report, "de"), render_document(report, "en"), render_csv(report, "de")]
    outputs.append("\n".join(page.extract_text() for page in PdfReader(io.BytesIO(render_pdf(report, "de"))).pages))
    for text in outputs:
        assert SMALL_ORG not in text
        assert not re.search(r"Person [ABCS]\d|user[abcs]\d|guest1|Gast Eins", text)
    assert "kleinere Organisationen (zusammengefasst)" in outputs[0]
    assert "weniger als 5 Mitgliedern" in outputs[0]
    assert "fewer than 5 members" in outputs[1]


def test_the_threshold_is_a_setting(store, settings):
    assert settings.report_min_group == 5
    seed_report_network(store)
    with store.session() as db:
        lower = build_report(db, START, END, 3, now=NOW)
    assert {g.name: v.value for g, v in lower.members_by_org}[SMALL_ORG] == 3
    assert "weniger als 3 Mitgliedern" in render_document(lower, "de")


def test_pairs_are_ordered_by_published_figures_only(report, monkeypatch):
    # Hidden pairs come last, by name: their position must not tell how large they are.
    assert [v.value for _a, _b, v in report.pairs] == [7, 3, None, None, None, None]
    assert next((a.name, b.name) for a, b, v in report.pairs if v.hidden) == ("Kreis Wesel", "Stadt Lünen")
    from companion.reports import rendering

    monkeypatch.setattr(rendering, "PAIRS_LISTED", 1)
    html = render_document(report, "de")
    assert "5 weitere Paare, ihre gezeigten Kontakte zusammen" in html
    assert '<td class="numeric">3</td></tr></tbody>' in html


def test_the_report_counts_its_hidden_figures(report):
    # 24 cells of the tables, plus the conversations' total and the meetups' waiting list and guests totals.
    assert report.hidden_count == 27
    assert "Verborgene Zahlen: 27." in render_document(report, "de")
