"""The printable PDF: rendered from the report's HTML by WeasyPrint, read back as text."""

from __future__ import annotations

import io

from pypdf import PdfReader

from companion.reports.build import build_report
from companion.reports.rendering import render_pdf
from tests.support.reports import END, NOW, START, seed_answers_and_projects, seed_report_network


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_pdf_carries_the_report_in_german_with_its_threshold(sqlite_store):
    seed_answers_and_projects(sqlite_store, seed_report_network(sqlite_store))
    with sqlite_store.session() as db:
        report = build_report(db, START, END, 5, now=NOW, timezone="Europe/Berlin")
    data = render_pdf(report, "de")
    assert data.startswith(b"%PDF-")
    text = " ".join(pdf_text(data).replace("\xa0", " ").split())
    assert "Bericht: was das Netzwerk bewirkt" in text
    assert "1. Januar 2026 – 30. Juni 2026" in text
    assert "erstellt 01.07.26, 14:00" in text  # 12:00 UTC in the network's time zone
    assert "83,3 %" in text  # 15 of 18 active members, German number format
    assert "weniger als 5 Mitgliedern" in text
    assert "Kontakte über Organisationsgrenzen" in text
    assert "Q2 2026" in text and "Lean Coffee Wesel" in text
    assert "Kreis Wesel" in text and "kleinere Organisationen (zusammengefasst)" in text
    assert "Vorhaben der Zirkelmitglieder" in text and "3,8" in text


def test_the_pdf_in_english(sqlite_store):
    with sqlite_store.session() as db:
        report = build_report(db, START, END, 5, now=NOW)
    text = " ".join(pdf_text(render_pdf(report, "en")).split())
    assert "Report: what the network achieves" in text
    assert "January 1, 2026 – June 30, 2026" in text
    assert "No meetups in this period." in text
