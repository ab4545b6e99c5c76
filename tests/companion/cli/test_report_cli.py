"""`companion report` writes the period's report as HTML, PDF or CSV, and refuses a wrong period in one line."""

from __future__ import annotations

import csv
import io

from click.testing import CliRunner
from pypdf import PdfReader

from companion.cli import main
from tests.support.reports import SMALL_ORG, seed_report_network

PERIOD = ["--from", "2026-01-01", "--to", "2026-06-30"]


def env_for(store, settings):
    return {"COMPANION_DATABASE_URL": store.url, "COMPANION_INSTANCE_PATH": settings.instance_path}


def test_csv_html_and_pdf(sqlite_store, settings, tmp_path):
    seed_report_network(sqlite_store)
    env = env_for(sqlite_store, settings)
    runner = CliRunner()
    result = runner.invoke(main, ["report", *PERIOD, "--format", "csv"], env=env, catch_exceptions=False)
    assert result.exit_code == 0
    rows = list(csv.reader(io.StringIO(result.output), delimiter=";"))
    assert ["Bericht", "2026-01-01/2026-06-30", "", "Mindestgruppengröße (k)", "5"] in rows
    assert ["Kernzahl", "Q2 2026", "", "aktive Mitglieder", "13"] in rows

    english = runner.invoke(main, ["report", *PERIOD, "--format", "csv", "--locale", "en"], env=env)
    assert ["headline", "Q2 2026", "", "active members", "13"] in list(csv.reader(io.StringIO(english.output)))

    html = tmp_path / "bericht.html"
    result = runner.invoke(main, ["report", *PERIOD, "--output", str(html)], env=env, catch_exceptions=False)
    assert result.exit_code == 0 and "written to" in result.output
    text = html.read_text(encoding="utf-8")
    assert text.startswith("<!doctype html>") and "<svg" in text and SMALL_ORG not in text

    pdf = tmp_path / "bericht.pdf"
    env["COMPANION_REPORT_MIN_GROUP"] = "3"
    result = runner.invoke(main, ["report", *PERIOD, "--format", "pdf", "-o", str(pdf)], env=env)
    assert result.exit_code == 0
    content = " ".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "weniger als 3 Mitgliedern" in content and SMALL_ORG in content  # named once k allows it


def test_a_wrong_period_is_one_clear_line(sqlite_store, settings):
    result = CliRunner().invoke(
        main, ["report", "--from", "2026-07-01", "--to", "2026-01-01"], env=env_for(sqlite_store, settings)
    )
    assert result.exit_code == 2
    assert result.output.strip() == "Error: the period ends (2026-01-01) before it starts (2026-07-01)"
