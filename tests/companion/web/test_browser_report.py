"""In a real browser: an admin opens the report, picks a period, sees charts and tables, downloads the PDF."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.companion.web.test_browser import forum_users, log_in_through_forum
from tests.support.reports import SMALL_ORG, seed_answers_and_projects, seed_report_network

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_admin_reads_the_report_and_downloads_the_pdf(page, live_companion, sandbox_forum, artifacts):
    seed_answers_and_projects(live_companion.store, seed_report_network(live_companion.store))
    _member, _other, admin = forum_users(sandbox_forum)
    log_in_through_forum(page, live_companion, admin.username, "/admin/report/")
    page.wait_for_url(re.compile(re.escape(live_companion.url) + "/admin/report/"))
    page.get_by_role("link", name="Bericht").first.wait_for()
    page.locator("#report-from").fill("2026-01-01")
    page.locator("#report-to").fill("2026-06-30")
    page.get_by_role("button", name="Bericht anzeigen").click()
    page.wait_for_url(re.compile(r".*from=2026-01-01&to=2026-06-30"))
    expect(page.locator("h1")).to_have_text("Bericht: was das Netzwerk bewirkt")
    expect(page.locator(".figure.headline strong")).to_have_text(re.compile(r"83,3\s%"))
    expect(page.get_by_text("weniger als 5 Mitgliedern", exact=False)).to_be_visible()
    assert page.locator("svg.chart").count() >= 6
    expect(page.get_by_role("cell", name="kleinere Organisationen (zusammengefasst)").first).to_be_visible()
    assert SMALL_ORG not in page.locator("main").inner_text()
    expect(page.get_by_role("heading", name="Vorhaben der Zirkelmitglieder")).to_be_visible()
    projects = page.get_by_role("table", name="Vorhaben und Check-ins je Quartal")
    expect(projects.get_by_role("row").filter(has_text="Q2 2026")).to_contain_text("3,8")
    expect(page.get_by_role("columnheader", name="Treffen laut eigener Antwort").first).to_be_visible()
    page.screenshot(path=str(artifacts / "20-admin-report.png"), full_page=True)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Als PDF herunterladen").click()
    download = download_info.value
    assert download.suggested_filename == "bericht-2026-01-01-2026-06-30.pdf"
    with open(download.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"

    page.get_by_role("link", name="English").click()
    expect(page.locator("h1")).to_have_text("Report: what the network achieves")
    expect(page.locator(".figure.headline strong")).to_have_text("83.3%")
    page.screenshot(path=str(artifacts / "21-admin-report-en.png"), full_page=True)
