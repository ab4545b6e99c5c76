"""In a real browser, as members: what they meet after withdrawing consent, undoing "Passt nicht", and so on."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from companion.store.models import Member, OutboxItem, Suggestion
from tests.support.browser import give_consent, log_in, sandbox_people

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _suggest(live, member_username: str, other_username: str) -> None:
    """What the nightly run would have stored: one suggestion of the other to the member."""
    with live.store.transaction() as db:
        me = db.scalar(select(Member).where(Member.username == member_username))
        other = db.scalar(select(Member).where(Member.username == other_username))
        db.add(
            Suggestion(
                run_date=date.today(),
                member_id=me.id,
                suggested_member_id=other.id,
                rank=1,
                score=0.7,
                shared_terms=["OZG", "E-Akte"],
            )
        )


def _phone_member(browser, live, username: str):
    """A 375 px German browser page of a member who is logged in and consents to matching."""
    page = browser.new_context(viewport={"width": 375, "height": 800}, locale="de-DE").new_page()
    log_in(page, live, username)
    give_consent(page, live)
    return page


def _consenting_colleague(live, person) -> None:
    """Store a sandbox user as a member who consents to matching (as a sync and her own consent would)."""
    from companion.members.consent import set_consent

    with live.store.transaction() as db:
        other = Member(forum_user_id=person.id, username=person.username, name=person.name)
        db.add(other)
        db.flush()
        set_consent(db, other.id, "matching", True)


def test_withdrawn_consent_takes_her_off_his_page_and_stops_the_contact(
    browser, live_companion, sandbox_forum, artifacts
):
    ordinary, _admin = sandbox_people(sandbox_forum)
    him, her = ordinary[0], ordinary[1]
    his = _phone_member(browser, live_companion, him.username)
    hers = _phone_member(browser, live_companion, her.username)
    _suggest(live_companion, him.username, her.username)

    his.goto(live_companion.url + "/suggestions")
    expect(his.get_by_text("Ihr teilt: OZG, E-Akte")).to_be_visible()

    give_consent(hers, live_companion, matching=False)
    # His page was loaded before she withdrew: the button must not introduce them any more.
    his.get_by_role("button", name="Kontakt aufnehmen").click()
    expect(his.get_by_text("nimmt nicht mehr an den Vorschlägen teil")).to_be_visible()
    his.screenshot(path=str(artifacts / "member-consent-withdrawn-375.png"), full_page=True)
    expect(his.get_by_role("button", name="Kontakt aufnehmen")).to_have_count(0)
    expect(his.get_by_text(her.name or her.username)).to_have_count(0)
    with live_companion.store.session() as db:
        assert db.scalar(select(func.count()).select_from(OutboxItem)) == 0


def test_circle_signup_keeps_the_topics_after_a_validation_error(page, live_companion, sandbox_forum, artifacts):
    from companion.circles.seasons import create_season
    from companion.store.models import SignUp
    from tests.support.circles import spec

    today = date.today()
    with live_companion.store.transaction() as db:
        season_id = create_season(
            db,
            spec(
                name="Themen-Runde",
                signup_opens_on=today,
                signup_closes_on=today + timedelta(days=5),
                first_meeting_on=today + timedelta(days=14),
            ),
            actor="test",
        ).id
    ordinary, _admin = sandbox_people(sandbox_forum)
    member = ordinary[0]
    page.set_viewport_size({"width": 375, "height": 800})
    log_in(page, live_companion, member.username)
    give_consent(page, live_companion, matching=False, circles=True)
    page.goto(f"{live_companion.url}/circles/seasons/{season_id}/signup")
    page.locator("#interests").fill("Bürgerservice, Digitalisierung")
    # No weekly time chosen: the form comes back with an error and must keep what was typed.
    page.get_by_role("button", name="Anmeldung speichern").click()
    expect(page.get_by_text("Bitte wähle mindestens eine wöchentliche Zeit")).to_be_visible()
    page.screenshot(path=str(artifacts / "member-signup-error-375.png"), full_page=True)
    assert page.locator("#interests").input_value() == "Bürgerservice, Digitalisierung"
    page.locator("#slot-1-vormittag").check()
    page.get_by_role("button", name="Anmeldung speichern").click()
    expect(page.get_by_text("Danke! Deine Anmeldung ist gespeichert.")).to_be_visible()
    with live_companion.store.session() as db:
        me = db.scalar(select(Member).where(Member.username == member.username))
        signup = db.scalar(select(SignUp).where(SignUp.season_id == season_id, SignUp.member_id == me.id))
        assert sorted(i.term for i in signup.interests) == ["bürgerservice", "digitalisierung"]


def test_forum_links_lead_to_forum_pages_not_json_errors(page, live_companion, sandbox_forum, artifacts):
    ordinary, _admin = sandbox_people(sandbox_forum)
    me, colleague = ordinary[0], ordinary[2]
    log_in(page, live_companion, me.username)
    give_consent(page, live_companion)
    _consenting_colleague(live_companion, colleague)
    _suggest(live_companion, me.username, colleague.username)
    page.goto(live_companion.url + "/suggestions")
    page.get_by_role("link", name="Forumsprofil").click()
    page.wait_for_url(f"{sandbox_forum.url}/u/{colleague.username}")
    expect(page.locator("h1")).to_contain_text(f"@{colleague.username}")
    page.screenshot(path=str(artifacts / "forum-profile.png"), full_page=True)
    page.goto(live_companion.url + "/suggestions")
    page.get_by_role("link", name="Zurück zum Forum").click()
    expect(page.locator("h1")).to_contain_text("Neueste Themen")
    page.locator("main a[href^='/t/']").first.click()
    expect(page.locator("article").first).to_be_visible()


ADMIN_PAGES_375 = ["/circles/admin/", "/circles/admin/seasons/new", "/circles/", "/badges/admin", "/admin/dashboard/"]


def test_admin_pages_fit_a_phone_without_sideways_scrolling(page, live_companion, sandbox_forum, artifacts):
    from companion.circles.seasons import create_season
    from tests.support.circles import spec

    today = date.today()
    with live_companion.store.transaction() as db:
        create_season(
            db,
            spec(
                name="Eine Runde mit einem recht langen Namen für das Frühjahr",
                signup_opens_on=today,
                signup_closes_on=today + timedelta(days=5),
                first_meeting_on=today + timedelta(days=14),
            ),
            actor="test",
        )
    _ordinary, admin = sandbox_people(sandbox_forum)
    page.set_viewport_size({"width": 375, "height": 800})
    log_in(page, live_companion, admin.username)
    too_wide = {}
    for path in ADMIN_PAGES_375:
        page.goto(live_companion.url + path)
        page.screenshot(path=str(artifacts / f"admin-375{path.replace('/', '-')}.png"), full_page=True)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 375:
            too_wide[path] = width
    assert too_wide == {}


def test_a_member_takes_back_not_a_fit_from_the_history(page, live_companion, sandbox_forum, artifacts):
    ordinary, _admin = sandbox_people(sandbox_forum)
    me, colleague = ordinary[0], ordinary[3]
    log_in(page, live_companion, me.username)
    give_consent(page, live_companion)
    _consenting_colleague(live_companion, colleague)
    _suggest(live_companion, me.username, colleague.username)
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(live_companion.url + "/suggestions")
    page.get_by_role("button", name="Passt nicht").click()
    expect(page.get_by_role("button", name="Kontakt aufnehmen")).to_have_count(0)
    page.get_by_role("button", name=f"„Passt nicht“ für {colleague.name} zurücknehmen").click()
    expect(
        page.get_by_text("Zurückgenommen: Diese Person ist wieder unter deinen aktuellen Vorschlägen.")
    ).to_be_visible()
    expect(page.get_by_role("button", name="Kontakt aufnehmen")).to_be_visible()
    page.screenshot(path=str(artifacts / "member-undo-not-a-fit-375.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    with live_companion.store.session() as db:
        assert db.scalar(select(Suggestion.status)) == "new"


def test_a_paused_member_reads_why_and_resumes_in_one_click(page, live_companion, sandbox_forum, artifacts):
    from companion.store.models import MemberPreferences
    from companion.suggestions.pausing import pause_unresponsive

    ordinary, _admin = sandbox_people(sandbox_forum)
    me, colleague = ordinary[0], ordinary[4]
    log_in(page, live_companion, me.username)
    give_consent(page, live_companion)
    with live_companion.store.transaction() as db:
        mine = db.scalar(select(Member).where(Member.username == me.username))
        other = Member(forum_user_id=colleague.id, username=colleague.username, name=colleague.name)
        db.add(other)
        db.flush()
        for weeks in range(3):
            db.add(
                Suggestion(
                    run_date=date.today() - timedelta(weeks=weeks),
                    member_id=mine.id,
                    suggested_member_id=other.id,
                    rank=1,
                    score=0.5,
                    status="ignored",
                )
            )
        db.flush()
        assert pause_unresponsive(db, live_companion.url) == [mine.id]
        my_id = mine.id
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(live_companion.url + "/suggestions")
    expect(page.get_by_text("Zu deinen letzten drei Vorschlägen ist nichts entstanden")).to_be_visible()
    page.screenshot(path=str(artifacts / "member-paused-375.png"), full_page=True)
    page.get_by_role("button", name="Wieder Vorschläge bekommen").click()
    expect(page.get_by_text("Schön, dass du wieder dabei bist")).to_be_visible()
    expect(page.get_by_role("button", name="Wieder Vorschläge bekommen")).to_have_count(0)
    with live_companion.store.session() as db:
        assert db.get(MemberPreferences, my_id).cadence == "weekly"


def test_did_you_meet_answers_in_one_click_from_the_link_and_on_the_suggestions_page(
    browser, live_companion, sandbox_forum, artifacts
):
    from datetime import UTC, datetime

    from companion.store.models import MeetingCheck

    ordinary, _admin = sandbox_people(sandbox_forum)
    him, her = ordinary[0], ordinary[1]
    his = _phone_member(browser, live_companion, him.username)
    _phone_member(browser, live_companion, her.username)  # she logs in and consents too
    with live_companion.store.transaction() as db:
        me = db.scalar(select(Member).where(Member.username == him.username))
        other = db.scalar(select(Member).where(Member.username == her.username))
        asked = {}
        for member, colleague in ((me, other), (other, me)):
            check = MeetingCheck(
                member_id=member.id,
                other_member_id=colleague.id,
                introduced_at=datetime(2026, 11, 17, 9, tzinfo=UTC),
                asked_on=date(2026, 12, 1),
            )
            db.add(check)
            db.flush()
            asked[member.username] = (check.id, check.token)

    # Her answer link, opened in a browser that is not signed in: the page asks, one click answers.
    stranger = browser.new_context(viewport={"width": 375, "height": 800}, locale="de-DE").new_page()
    stranger.goto(f"{live_companion.url}/met/{asked[her.username][1]}?answer=met")
    expect(stranger.get_by_role("heading", name="Habt ihr euch getroffen?")).to_be_visible()
    expect(stranger.get_by_text("Am 17. November 2026 hat dir der Begleitdienst")).to_be_visible()
    stranger.screenshot(path=str(artifacts / "member-did-you-meet-link-375.png"), full_page=True)
    stranger.get_by_role("button", name="Ja, wir hatten Kontakt").click()
    expect(stranger.get_by_text("Danke! Schön, dass ihr Kontakt hattet.")).to_be_visible()

    his.goto(live_companion.url + "/suggestions")
    card = his.locator(f"#met-{asked[him.username][0]}")
    expect(card.get_by_text("Hattet ihr seitdem Kontakt?")).to_be_visible()
    his.screenshot(path=str(artifacts / "member-did-you-meet-page-375.png"), full_page=True)
    card.get_by_role("button", name="Noch nicht").click()
    expect(his.get_by_text("Danke. Vielleicht klappt es ja noch")).to_be_visible()
    expect(his.locator(f"#met-{asked[him.username][0]}")).to_have_count(0)
    with live_companion.store.session() as db:
        answers = {c.member.username: c.status for c in db.scalars(select(MeetingCheck))}
    assert answers == {her.username: "met", him.username: "not_met"}
