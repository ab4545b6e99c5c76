"""Acceptance: every German page, as a member and as an admin, on seeded data, shows no English, no escaped umlaut
and no wrong plural.

The data comes from one demo cycle against the sandbox forum (sync, consent, a formed and published circle season,
suggestions, badges, delivery) plus a draft season, meetups with seats taken, an RSVP, a rule change with an umlaut,
a roll-back and the admin forms' error answers. English is detected with a list of common English UI words that
German text never uses; text the page marks as English on purpose (lang="en": the English fields of a badge or a
message template) is left out.
"""

from __future__ import annotations

import json
import re
import socket
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from companion.circles.seasons import DEFAULT_TIME_BLOCKS
from companion.settings import load_settings
from companion.web import create_app
from tests.support.web import log_in

pytestmark = pytest.mark.slow

# Common English UI words that do not occur in German text, compared case-insensitively; "version" only in lower
# case (German writes "Version").
ENGLISH_WORDS = {
    "the",
    "and",
    "of",
    "to",
    "is",
    "are",
    "with",
    "must",
    "not",
    "be",
    "been",
    "has",
    "have",
    "this",
    "that",
    "from",
    "for",
    "your",
    "you",
    "please",
    "save",
    "edit",
    "delete",
    "cancel",
    "cancelled",
    "published",
    "formed",
    "preview",
    "draft",
    "closed",
    "scheduled",
    "confirmed",
    "waiting",
    "queued",
    "sent",
    "failed",
    "running",
    "done",
    "skipped",
    "pending",
    "sending",
    "members",
    "member",
    "suggestions",
    "circles",
    "seats",
    "left",
    "yes",
    "none",
    "true",
    "false",
    "null",
    "already",
    "week",
    "weeks",
    "days",
    "hours",
    "minutes",
    "version",
    "rollback",
    "back",
    "nightly",
    "match",
    "deliver",
    "badges",
    "reminders",
    "host",
    "any",
    "prefer_other",
    "require_other",
    "empty",
    "least",
    "got",
    "overlaps",
    "window",
    "sign-up",
    "meeting",
    "meetings",
    "Companion",
    "remaining",
    "retried",
    "due",
    "talked",
    "grants",
    "interactions",
    "stopped_early",
    "rate_limited",
    "dry_run",
    "already_queued",
    "placed",
    "or",
    "at",
    "on",
    "by",
}
# Dotted codes (audit actions such as rules.save) and snake_case keys (counts) are codes, not words.
CODE = re.compile(r"\b[a-z]+(?:\.[a-z_]+)+\b|\b[a-z]+_[a-z_]+\b")
WRONG_PLURAL = re.compile(
    r"(?<![\d.,])1 (Zusagen|Plätze|Anmeldungen|Mitglieder|Vorschläge|Wochen|Tage|Stunden|Organisationen|Gesprächen|"
    r"Gästen|Organisationspaaren|führten|aktive Mitglieder)\b"
)
ESCAPED = re.compile(r"\\u00[0-9a-fA-F]{2}")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
VISIBLE_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")


class VisibleText(HTMLParser):
    """The text a German reader sees: text nodes and labelling attributes, without scripts and English-marked parts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._stack: list[bool] = []  # per open element: is its content hidden from the check?

    def _hidden(self) -> bool:
        return any(self._stack)

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        # Code shown as code on purpose (<code>, class="code": JSON fields, identifiers) is not UI text.
        hidden = (
            tag in ("script", "style", "code")
            or (values.get("lang") or "").startswith("en")
            or "code" in (values.get("class") or "").split()
        )
        if not (hidden or self._hidden()):
            self.parts.extend(values[name] for name in VISIBLE_ATTRIBUTES if values.get(name))
            if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
                self.parts.append(values["value"])
        if tag not in VOID:
            self._stack.append(hidden)

    def handle_endtag(self, tag):
        if tag not in VOID and self._stack:
            self._stack.pop()

    def handle_data(self, data):
        if not self._hidden() and data.strip():
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html.split("<body", 1)[-1])
    return "\n".join(" ".join(part.split()) for part in parser.parts)


def problems_of(html: str, own_words: set[str]) -> list[str]:
    """English words, escaped umlauts and wrong plurals on one page."""
    found = []
    if ESCAPED.search(html):
        found.append(f"escaped umlaut {ESCAPED.search(html).group(0)}")
    text = visible_text(html)
    # Jinja placeholders in the message template editor are code, usernames are data.
    text = re.sub(r"\{\{.*?\}\}|\{%.*?%\}", " ", text)
    for name in sorted(own_words, key=len, reverse=True):
        if "." in name or "_" in name:
            text = text.replace(name, " ")
    # A name quoted „so“ is what the admin typed (a JSON key), quoted on purpose.
    text = re.sub(r"„[^“]*“", " ", text)
    for line in text.splitlines():
        for word in re.findall(r"[A-Za-z][A-Za-z_\-]*", CODE.sub(" ", line)):
            english = word == "version" or (word.lower() in ENGLISH_WORDS and word.lower() != "version")
            if english and word not in own_words:
                found.append(f"English {word!r} in {line!r}")
        for code in CODE.findall(line):
            found.append(f"code {code!r} in {line!r}")
        if WRONG_PLURAL.search(line):
            found.append(f"wrong plural in {line!r}")
    return found


def test_the_checker_finds_what_it_is_meant_to_find():
    html = (
        "<body><p>Status: published</p><p>1 Zusagen</p><p>rules.save</p><p lang='en'>the English name</p>"
        '<p title=\'Save this\'>ok</p><code>{"a": "Mehr Vorschl\\u00e4ge"}</code></body>'
    )
    found = " | ".join(problems_of(html, set()))
    assert "'published'" in found and "wrong plural" in found and "rules.save" in found
    assert "'Save'" in found and "escaped umlaut" in found
    assert "English name" not in found
    assert problems_of("<body><p>1 Zusage, 2 Zusagen, noch 1 Platz frei</p></body>", set()) == []


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """One demo cycle plus the states, plurals and admin actions the demo does not produce."""
    from companion.circles.rsvp import record_rsvp
    from companion.circles.seasons import SeasonSpec, create_season
    from companion.demo.cycle import run_cycle, start_servers
    from companion.meetups import registration as meetups
    from companion.store.models import Circle, CircleMember, Meeting, MeetingCheck, Member, Suggestion
    from companion.suggestions import rules as rule_service

    instance = tmp_path_factory.mktemp("german-pages")
    servers = start_servers(
        load_settings({"COMPANION_INSTANCE_PATH": str(instance)}),
        members=60,
        forum_port=_free_port(),
        companion_port=_free_port(),
    )
    try:
        run_cycle(servers)
        context = servers.context
        now = datetime.now(UTC)
        with context.store.transaction() as db:
            members = list(db.scalars(select(Member).where(Member.id > 0).order_by(Member.id)))
            create_season(
                db,
                SeasonSpec(
                    name="Frühjahrsrunde",
                    signup_opens_on=date.today() + timedelta(days=400),
                    signup_closes_on=date.today() + timedelta(days=410),
                    first_meeting_on=date.today() + timedelta(days=420),
                ),
                actor="admin",
                status="draft",
            )
            one_left = meetups.create_meetup(
                db,
                meetups.MeetupSpec(
                    title="Lean Coffee",
                    starts_at=now + timedelta(days=20),
                    ends_at=now + timedelta(days=20, hours=2),
                    capacity=2,
                    location="Essen",
                ),
                actor="admin",
            )
            meetups.register(db, one_left, members[0], now=now)
            full = meetups.create_meetup(
                db,
                meetups.MeetupSpec(
                    title="OZG-Werkstatt",
                    starts_at=now + timedelta(days=30),
                    ends_at=now + timedelta(days=30, hours=3),
                    capacity=1,
                ),
                actor="admin",
            )
            meetups.register(db, full, members[1], now=now)
            meetups.register(db, full, members[2], now=now)
            membership = db.scalars(select(CircleMember).order_by(CircleMember.circle_id)).first()
            circle = db.get(Circle, membership.circle_id)
            meeting = db.scalars(select(Meeting).where(Meeting.circle_id == circle.id).order_by(Meeting.number)).first()
            circle_member = db.get(Member, membership.member_id)
            record_rsvp(db, meeting, circle_member, "yes", now=now)
            first = rule_service.save_rules(db, "admin", {"suggestions_per_member": "4"}, "Mehr Vorschläge")
            rule_service.save_rules(db, "admin", {"org_mode": "require_other"}, "Nur andere Verwaltungen")
            rule_service.rollback(db, "admin", first.id)
            suggestion = db.scalars(select(Suggestion).order_by(Suggestion.id)).first()
            # The demo cycle asks its first introduced pair "did you meet?"; the member's page shows that question.
            question = db.scalars(
                select(MeetingCheck).where(MeetingCheck.member_id == suggestion.member_id)
            ).first() or MeetingCheck(
                member_id=suggestion.member_id,
                other_member_id=suggestion.suggested_member_id,
                introduced_at=now - timedelta(days=14),
                asked_on=date.today(),
            )
            db.add(question)
            db.flush()
            ids = {
                "member": suggestion.member_id,
                "circle_member": circle_member.id,
                "circle": circle.id,
                "admin": members[0].id,
                "meetups": [one_left.id, full.id],
                "waiting_member": members[2].id,
                "question_token": question.token,
            }
        app = create_app(context)
        app.config.update(TESTING=True, WTF_CSRF_ENABLED=False)
        yield app, ids, context
    finally:
        servers.stop()


def _client(app, member_id: int, admin: bool = False):
    client = app.test_client()
    log_in(client, member_id, admin=admin, locale="de")
    return client


def _own_words(context) -> set[str]:
    """Names from the data itself (members, organisations, seasons, tags) that may look like English words."""
    from companion.store.models import Member, Organisation

    with context.store.transaction() as db:
        words = set()
        for row in db.scalars(select(Member)):
            words.add(row.username)
            words.update(re.findall(r"[A-Za-z]+", f"{row.username} {row.name or ''}"))
        for row in db.scalars(select(Organisation)):
            words.update(re.findall(r"[A-Za-z]+", row.name))
    return words


def _pages(app, ids):
    from companion.store.models import Season

    member = _client(app, ids["member"])
    in_circle = _client(app, ids["circle_member"])
    waiting = _client(app, ids["waiting_member"])
    admin = _client(app, ids["admin"], admin=True)
    from companion.store.models import Camp, LeanCoffee, Meeting, Meetup

    with app.extensions["companion"].store.transaction() as db:
        seasons = [season.id for season in db.scalars(select(Season))]
        camps = [camp.id for camp in db.scalars(select(Camp))]
        meetups = [meetup.id for meetup in db.scalars(select(Meetup))]
        lean_coffees = list(db.scalars(select(LeanCoffee.meetup_id)))
        meeting = db.scalars(select(Meeting).where(Meeting.circle_id == ids["circle"]).order_by(Meeting.number)).first()
    pages = [(member, path) for path in ("/", "/profile", "/suggestions", "/circles/", "/badges/")]
    pages += [(member, f"/met/{ids['question_token']}?answer=met")]
    pages += [(in_circle, "/"), (in_circle, f"/circles/circle/{ids['circle']}"), (in_circle, "/circles/")]
    pages += [(waiting, f"/circles/meetups/{meetup}") for meetup in ids["meetups"]]
    pages += [(in_circle, f"/circles/circle/{ids['circle']}/vorhaben")]
    pages += [(in_circle, f"/circles/meetings/{meeting.id}/{page}") for page in ("check-in", "plan")]
    pages += [(member, "/camp/")] + [(member, f"/camp/{camp}") for camp in camps]
    pages += [(member, f"/meetups/{meetup}/guest") for meetup in meetups]
    pages += [(member, f"/meetups/{meetup}/lean-coffee") for meetup in lean_coffees]
    pages += [(member, f"/circles/meetups/{meetup}") for meetup in ids["meetups"]]
    admin_paths = [
        "/admin/",
        "/admin/audit",
        "/admin/dashboard/",
        "/admin/organisations/",
        "/admin/rules/",
        "/admin/runs/",
        "/admin/templates/",
        "/admin/templates/suggestions/de",
        "/admin/templates/introduction/de",
        "/admin/templates/meeting_check/de",
        "/badges/admin",
        "/circles/admin/",
        "/circles/admin/meetups/new",
        "/circles/admin/seasons/new",
        "/admin/report/",
        "/camp/admin/new",
        "/meetups/admin/places",
    ]
    admin_paths += [f"/meetups/{meetup}/lean-coffee/facilitate" for meetup in lean_coffees]
    admin_paths += [f"/circles/admin/meetups/{meetup}/attendees" for meetup in meetups]
    admin_paths += [f"/circles/admin/seasons/{season}/signups" for season in seasons]
    admin_paths += [f"/circles/admin/seasons/{season}" for season in seasons]
    admin_paths += [f"/circles/admin/seasons/{season}/edit" for season in seasons]
    admin_paths += [f"/circles/seasons/{season}/signup" for season in seasons]
    pages += [(admin, path) for path in admin_paths]
    return pages, admin


def test_every_german_page_is_german(seeded):
    app, ids, context = seeded
    own = _own_words(context)
    pages, _admin = _pages(app, ids)
    found = {}
    for client, path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.get_data(as_text=True)
        assert '<html lang="de">' in html, path
        problems = problems_of(html, own)
        if problems:
            found[path] = problems
    assert found == {}, "\n".join(f"{path}: {'; '.join(sorted(set(p)))}" for path, p in found.items())


def test_the_admin_forms_answer_errors_in_german(seeded):
    app, ids, context = seeded
    own = _own_words(context)
    _pages_list, admin = _pages(app, ids)
    from companion.store.models import Season

    with context.store.transaction() as db:
        season = db.scalars(select(Season).where(Season.status == "published")).first()
        window = (season.signup_opens_on.isoformat(), season.signup_closes_on.isoformat())
        first_meeting = season.first_meeting_on.isoformat()
    answers = {
        "overlapping season": admin.post(
            "/circles/admin/seasons/new",
            data={
                "name": "Überschneidung",
                "signup_opens_on": window[0],
                "signup_closes_on": window[1],
                "first_meeting_on": first_meeting,
                "min_size": "4",
                "target_size": "6",
                "max_size": "8",
                "cadence_weeks": "5",
                "meetings_count": "6",
                "meeting_minutes": "90",
                "time_blocks": json.dumps(list(DEFAULT_TIME_BLOCKS)),
            },
        ),
        "badge parameter": admin.post(
            "/badges/admin/brueckenbauer",
            data={
                "name_de": "Brückenbauer*in",
                "name_en": "Bridge builder",
                "description_de": "d",
                "description_en": "e",
                "icon": "fa-handshake",
                "badge_type": "silver",
                "params": '{"min_orgs": 0}',
            },
        ),
        "empty badge name": admin.post(
            "/badges/admin/brueckenbauer",
            data={
                "name_de": " ",
                "name_en": "Bridge builder",
                "description_de": "d",
                "description_en": "e",
                "icon": "fa-handshake",
                "badge_type": "silver",
                "params": '{"min_orgs": 3}',
            },
        ),
        "rule out of range": admin.post("/admin/rules/", data={"action": "preview", "hub_cap": "0"}),
        "template syntax": admin.post(
            "/admin/templates/suggestions/de",
            data={"action": "preview", "title": "T", "body": "Hallo\n{% for s in suggestions %}", "username": ""},
        ),
    }
    texts = {name: response.get_data(as_text=True) for name, response in answers.items()}
    assert "überschneidet sich" in texts["overlapping season"]
    assert "„min_orgs“ muss mindestens 1 sein (angegeben: 0)" in texts["badge parameter"]
    assert "Name (Deutsch): darf nicht leer sein" in texts["empty badge name"]
    assert "ganze Zahl von 1 bis 100" in texts["rule out of range"]
    assert "Zeile 2: Ein Block ist nicht geschlossen: Es fehlt ein „endfor“ oder „endif“." in texts["template syntax"]
    found = {name: problems_of(html, own) for name, html in texts.items()}
    assert all(not problems for problems in found.values()), found


@pytest.mark.browser
def test_every_german_page_fits_a_phone_without_sideways_scrolling(seeded, browser, artifacts):
    """The same pages in Chromium at 375 px: nothing wider than the screen; a screenshot of each to look at."""
    import threading

    from werkzeug.serving import make_server

    app, ids, _context = seeded
    pages, _admin = _pages(app, ids)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    contexts = {}
    too_wide = {}
    try:
        for client, path in pages:
            if id(client) not in contexts:
                # The test client's signed session cookie is the member's login; the browser carries it on.
                name = app.config["SESSION_COOKIE_NAME"]
                cookie = client.get_cookie(name)
                context = browser.new_context(viewport={"width": 375, "height": 800}, locale="de-DE")
                context.add_cookies([{"name": name, "value": cookie.value, "url": base}])
                contexts[id(client)] = context.new_page()
            page = contexts[id(client)]
            page.goto(base + path)
            name = re.sub(r"[^a-z0-9]+", "-", path.split("?")[0].lower()).strip("-") or "start"
            name = "met" if name.startswith("met-") else name
            page.screenshot(path=str(artifacts / f"de-375-{name}.png"), full_page=True)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 375:
                too_wide[path] = width
    finally:
        for page in contexts.values():
            page.context.close()
        server.shutdown()
    assert too_wide == {}
