"""In a real browser: log in through the sandbox forum, consent, see suggestions, get in touch, change a rule."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from companion.forum.connection import build_forum_client
from companion.members.consent import set_consent
from companion.outbox.delivery import deliver_pending
from companion.outbox.handlers import HANDLERS
from companion.store.models import Member, Suggestion

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def forum_users(sandbox_forum):
    """An ordinary member, another member of a different organisation, and an admin of the sandbox forum."""
    state = sandbox_forum.state
    users = [u for u in state.users.values() if u.id > 0 and not u.staged and u.suspended_till is None]
    ordinary = [u for u in users if not u.admin and not u.moderator]
    admin = next(u for u in users if u.admin)
    return ordinary[0], ordinary[1], admin


def log_in_through_forum(page, live, username: str, next_path: str = "/") -> None:
    page.goto(f"{live.url}/login?next={next_path}")
    page.get_by_role("link", name=re.compile(rf"@{re.escape(username)}\)")).click()
    page.wait_for_url(re.compile(re.escape(live.url) + ".*"))


def test_member_journey_from_login_to_introduction(page, live_companion, sandbox_forum, artifacts):
    member, other, _admin = forum_users(sandbox_forum)
    page.goto(live_companion.url + "/")
    page.screenshot(path=str(artifacts / "01-home-visitor.png"), full_page=True)
    page.get_by_role("link", name="Mit dem Forum anmelden").first.click()
    page.get_by_role("link", name=re.compile(rf"@{re.escape(member.username)}\)")).click()
    page.wait_for_url(live_companion.url + "/")
    expect(page.get_by_role("button", name="Abmelden")).to_be_visible()
    page.screenshot(path=str(artifacts / "02-home-member.png"), full_page=True)

    page.get_by_role("link", name="Mein Profil").click()
    page.locator("#consent-matching").check()
    page.get_by_role("button", name="Zustimmung speichern").click()
    expect(page.get_by_text("Deine Zustimmung wurde gespeichert.")).to_be_visible()
    assert page.locator("#consent-matching").is_checked()
    page.screenshot(path=str(artifacts / "03-profile-consent.png"), full_page=True)

    # What the nightly run would have stored: a suggestion of a colleague from another organisation.
    with live_companion.store.transaction() as db:
        me = db.scalar(select(Member).where(Member.username == member.username))
        colleague = Member(forum_user_id=other.id, username=other.username, name=other.name)
        db.add(colleague)
        db.flush()
        # Only a colleague who agreed to matching can be suggested (and introduced).
        set_consent(db, colleague.id, "matching", True)
        db.add(
            Suggestion(
                run_date=date.today(),
                member_id=me.id,
                suggested_member_id=colleague.id,
                rank=1,
                score=0.7,
                shared_terms=["OZG", "E-Akte", "Lean Coffee"],
            )
        )

    page.get_by_role("link", name="Meine Vorschläge").click()
    expect(page.get_by_text("Ihr teilt: OZG, E-Akte, Lean Coffee")).to_be_visible()
    page.screenshot(path=str(artifacts / "04-suggestions.png"), full_page=True)
    page.get_by_role("button", name="Kontakt aufnehmen").click()
    expect(page.get_by_text("Der Begleitdienst stellt euch beide")).to_be_visible()
    page.screenshot(path=str(artifacts / "05-suggestions-contacted.png"), full_page=True)

    # The worker's delivery loop sends the queued introduction to the forum.
    forum = build_forum_client(live_companion.context.settings)
    report = deliver_pending(live_companion.store, forum, HANDLERS)
    assert report.sent == 1
    inbox = sandbox_forum.state.inbox(other.username)
    assert len(inbox) == 1 and member.username in inbox[0].to_usernames
    assert other.name in inbox[0].title or other.username in inbox[0].title
    page.goto(f"{sandbox_forum.url}/sandbox/inbox/{other.username}")
    page.screenshot(path=str(artifacts / "06-forum-inbox.png"), full_page=True)

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_companion.url + "/profile")
    page.screenshot(path=str(artifacts / "07-profile-phone.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_admin_changes_a_rule_after_a_preview(page, live_companion, sandbox_forum, artifacts):
    _member, _other, admin = forum_users(sandbox_forum)
    log_in_through_forum(page, live_companion, admin.username, "/admin/rules/")
    page.wait_for_url(live_companion.url + "/admin/rules/")
    page.locator("#field-suggestions_per_member").fill("5")
    page.get_by_role("button", name="Vorschau").click()
    expect(page.get_by_text("Mit diesen Regeln bekommen")).to_be_visible()
    expect(page.get_by_text("Vorschläge pro Mitglied: 3 → 5")).to_be_visible()
    page.screenshot(path=str(artifacts / "08-admin-rules-preview.png"), full_page=True)
    page.get_by_role("button", name="Als neue Version speichern").click()
    expect(page.get_by_text("Die Regeln wurden als Version 1 gespeichert.")).to_be_visible()
    page.locator("#field-suggestions_per_member").fill("99")
    page.get_by_role("button", name="Als neue Version speichern").click()
    expect(page.get_by_text("Nichts wurde gespeichert").first).to_be_visible()
    page.screenshot(path=str(artifacts / "09-admin-rules-invalid.png"), full_page=True)
    for name, path in [
        ("10-admin-dashboard", "/admin/dashboard/"),
        ("11-admin-organisations", "/admin/organisations/"),
        ("12-admin-templates", "/admin/templates/suggestions/de"),
        ("13-admin-runs", "/admin/runs/"),
    ]:
        page.goto(live_companion.url + path)
        expect(page.locator("h1")).to_be_visible()
        page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)
    page.goto(live_companion.url + "/language/en?next=/admin/")
    assert page.locator("h1").inner_text() == "Administration"
    expect(page.get_by_role("link", name="Matching rules")).to_be_visible()
