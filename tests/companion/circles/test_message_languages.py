"""Circle messages from the catalogue: each PM in its member's language only, names people typed escaped."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from companion.circles import messages
from companion.circles.formation import form_season
from companion.circles.publishing import publish_season
from companion.circles.reminders import queue_due_reminders
from companion.messages.markdown import escape_markdown
from companion.store.models import Member, MemberPreferences, OutboxItem, Season
from tests.support.circles import add_members, sign_up_all

BERLIN = ZoneInfo("Europe/Berlin")
START = datetime(2025, 1, 14, 9, 0, tzinfo=BERLIN)
HOSTILE = "[x](http://evil) @everyone <b>"
LINKS = {"yes": "https://c.test/y", "maybe": "https://c.test/m", "no": "https://c.test/n"}


def _line(location: str = "Rathaus Essen", host: str | None = "Stadt Essen") -> messages.MeetingLine:
    return messages.MeetingLine(1, START, START + timedelta(minutes=90), location, host)


def _welcome(locale: str, name: str = "Zirkel 1", season: str = "Frühjahr 2025", location: str = "Rathaus Essen"):
    return messages.welcome(name, season, ["anna", "ben.k"], [_line(location)], "https://c.test/circles/1", locale)


ENGLISH_WORDS = ("Welcome", "Hello", "Members", "Dates", "Before each meeting", "RSVP", "host", "Tuesday", "January")
GERMAN_WORDS = ("Willkommen", "Hallo", "Mitglieder", "Termine", "Vor jedem Treffen", "Gastgeber", "Dienstag", "Uhr")


def test_a_german_members_welcome_is_german_only_with_german_dates():
    title, body = _welcome("de")
    assert title == "Willkommen im Zirkel 1 (Frühjahr 2025)"
    assert "Hallo, willkommen im **Zirkel 1** der Runde „Frühjahr 2025“!" in body
    assert "1. Dienstag, 14. Januar 2025, 09:00–10:30 Uhr, Rathaus Essen – Gastgeber: Stadt Essen" in body
    assert messages.SEPARATOR not in body
    assert not [word for word in ENGLISH_WORDS if word in title + body]


def test_an_english_members_welcome_is_english_only():
    title, body = _welcome("en")
    assert title == "Welcome to Zirkel 1 (Frühjahr 2025)"
    assert "Tuesday, January 14, 2025" in body and "host: Stadt Essen" in body
    assert messages.SEPARATOR not in body
    assert not [word for word in GERMAN_WORDS if word in title + body]


def test_members_are_mentioned_but_typed_names_and_places_cannot_inject_markup():
    title, body = _welcome("de", name=HOSTILE, season=HOSTILE, location=HOSTILE)
    assert "Mitglieder: @anna, @ben.k" in body
    assert escape_markdown(HOSTILE) in body
    for markup in ("](http://evil", "@everyone", "<b>", "[x]"):
        assert re.search(r"(?<!\\)" + re.escape(markup), body) is None, markup
    assert "\n" not in title and HOSTILE in title  # a title is plain text on one line
    assert messages.mention("evil](http://x)") == escape_markdown("evil](http://x)")


def test_a_reminder_and_a_seat_offer_are_in_the_members_language_and_escape_typed_values():
    _, german = messages.reminder("Zirkel 1", _line(HOSTILE), 1, LINKS, next_step=HOSTILE, locale="de")
    assert "Dein Zirkel 1 trifft sich morgen: Dienstag, 14. Januar 2025, 09:00–10:30 Uhr" in german
    assert "[Ja, ich komme](https://c.test/y)" in german and "Will you" not in german
    title, english = messages.reminder("Zirkel 1", _line(), 7, LINKS, locale="en")
    assert title == "Reminder: Zirkel 1, meeting 1 in 7 days" and "Kommst" not in english
    assert re.search(r"(?<!\\)\]\(http://evil", german) is None
    _, offer = messages.meetup_offer(HOSTILE, START, START + timedelta(hours=2), START, "https://c.test/m/1", "de")
    assert "bis 14. Januar 2025, 09:00 Uhr" in offer and escape_markdown(HOSTILE) in offer


def test_a_group_post_stays_bilingual_german_first_both_from_the_catalogue():
    title, body = messages.meeting_thread(HOSTILE, _line(), "https://c.test/circles/1")
    german, english = body.split(messages.SEPARATOR)
    assert title.endswith(": Treffen 1 am 14.01.2025 / meeting 1 on Jan 14, 2025")
    assert german.startswith("Treffen 1: Dienstag, 14. Januar 2025") and english.startswith("Meeting 1: Tuesday")
    _, left = messages.member_left(HOSTILE, "anna")
    assert left.startswith("@anna ist aus dem " + escape_markdown(HOSTILE) + " ausgetreten.")


def test_publishing_and_reminders_write_to_each_member_in_their_language(store, settings, season_id):
    with store.transaction() as session:
        season = session.get(Season, season_id)
        people = add_members(session, 6)
        session.get(MemberPreferences, people[0].id).locale = "en"
        sign_up_all(session, season, people)
        form_season(session, season, settings, actor="admin")
        publish_season(session, season, settings, actor="admin")
        english_name = people[0].username
        first = min((m for c in season.circles for m in c.meetings), key=lambda m: m.starts_at)
        queue_due_reminders(session, settings, now=first.starts_at - timedelta(days=6))
        items = session.scalars(select(OutboxItem).where(OutboxItem.kind == "pm")).all()
        personal = [i for i in items if i.member_id is not None]
        assert english_name in {session.get(Member, i.member_id).username for i in personal}
        for item in personal:
            member = session.get(Member, item.member_id)
            text = item.payload["title"] + item.payload["raw"]
            if member.username == english_name:
                assert not [word for word in ("Hallo", "Erinnerung", "Termine", "Kommst") if word in text]
            else:
                assert not [word for word in ("Hello", "Reminder", "Dates:", "Will you") if word in text]
                assert messages.SEPARATOR not in item.payload["raw"]
