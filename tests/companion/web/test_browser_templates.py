"""In a real browser on a phone, in German: the message template editor previews while the admin types."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from companion.store.models import Member
from tests.support.browser import log_in, sandbox_people

pytestmark = [pytest.mark.browser, pytest.mark.slow]

EDITOR = "/admin/templates/suggestions/de"


def test_the_preview_follows_the_typing_shows_german_errors_and_placeholders_insert_at_the_cursor(
    browser, live_companion, sandbox_forum, artifacts
):
    ordinary, admin = sandbox_people(sandbox_forum)
    with live_companion.store.transaction() as db:
        db.add(Member(forum_user_id=ordinary[0].id, username=ordinary[0].username, name="Renate Beispiel"))
    page = browser.new_context(viewport={"width": 375, "height": 800}, locale="de-DE").new_page()
    form_posts = []
    page.on("request", lambda r: form_posts.append(r.url) if r.method == "POST" and r.url.endswith(EDITOR) else None)
    log_in(page, live_companion, admin.username, EDITOR)
    page.wait_for_url(live_companion.url + EDITOR)
    preview = page.locator("[data-preview-region]")
    body = page.locator("#tpl-body")
    # On opening, the script asks for the stored text for the admin themself.
    expect(preview.locator("h2")).to_have_text(f"Vorschau für {admin.username}")

    page.locator("#tpl-username").fill(ordinary[0].username)
    body.fill("")
    body.press_sequentially("Hallo {{ member_name }}, schön, dass du da bist.", delay=20)
    expect(preview.locator("pre")).to_have_text("Hallo Renate Beispiel, schön, dass du da bist.")
    expect(preview.locator("h2")).to_have_text(f"Vorschau für {ordinary[0].username}")

    body.press_sequentially(" {{ member_name }", delay=20)
    error = page.locator("#tpl-body-error")
    expect(error.locator(".message")).to_have_text("Zeile 1: Unerwartetes „}“: Eine Klammer passt nicht.")
    expect(preview.locator(".preview-status")).to_have_text("Zeile 1: Unerwartetes „}“: Eine Klammer passt nicht.")
    expect(error.locator(".detail")).to_have_text("Technische Meldung: unexpected '}'")
    expect(body).to_have_attribute("aria-invalid", "true")
    page.screenshot(path=str(artifacts / "admin-template-preview-error-375.png"), full_page=True)

    body.fill("Liebe  Grüße")
    body.evaluate("field => field.setSelectionRange(6, 6)")  # the cursor between the two spaces
    expect(page.get_by_text("Ein Klick auf einen Platzhalter fügt ihn")).to_be_visible()
    page.get_by_role("button", name="{{ member_name }}", exact=True).click()
    expect(body).to_have_value("Liebe {{ member_name }} Grüße")
    expect(preview.locator("pre")).to_have_text("Liebe Renate Beispiel Grüße")
    expect(error).to_be_hidden()
    expect(body).not_to_have_attribute("aria-invalid", "true")
    page.screenshot(path=str(artifacts / "admin-template-preview-375.png"), full_page=True)

    assert form_posts == []  # all of it without submitting the form
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    # On a wide screen the preview stands beside the form.
    page.set_viewport_size({"width": 1100, "height": 900})
    form_box, preview_box = page.locator("form[data-preview-url]").bounding_box(), preview.bounding_box()
    assert preview_box["x"] > form_box["x"] + form_box["width"] - 1
    page.screenshot(path=str(artifacts / "admin-template-preview-wide.png"), full_page=True)
    page.context.close()
