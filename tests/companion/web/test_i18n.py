"""Languages: German by default, English on request or by forum locale, a switch link, complete catalogues."""

from __future__ import annotations

from pathlib import Path

from companion.store.models import MemberPreferences
from companion.web.i18n import (
    catalog_files,
    extract_msgids,
    merged_catalog,
    missing_translations,
    source_files,
)
from tests.support.web import log_in, make_member

CORE_ROOT = Path(__file__).resolve().parents[3] / "companion"


def test_german_is_the_default(client):
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="de">' in html
    assert "Mit dem Forum anmelden" in html


def test_accept_language_picks_english(client):
    html = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Log in with the forum" in html


def test_the_forum_locale_beats_accept_language(client, store):
    member_id = make_member(store, forum_user_id=1, username="anna", locale="en_GB")
    log_in(client, member_id)
    html = client.get("/", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert '<html lang="en">' in html
    with store.transaction() as db:
        db.add(MemberPreferences(member_id=member_id, locale="de"))
    html = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="de">' in html


def test_the_language_switch_sticks_and_returns(client):
    response = client.get("/language/en", query_string={"next": "/?a=1"})
    assert response.status_code == 302 and response.headers["Location"] == "/?a=1"
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)
    assert client.get("/language/de", query_string={"next": "https://evil.example"}).headers["Location"] == "/"
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="de">' in html
    assert 'href="/language/en?next=/"' in html


def test_the_core_catalogue_translates_every_core_message():
    core = [path for path in source_files() if _is_core(path)]
    assert core, "no core web files found"
    used = extract_msgids(core)
    assert len(used) > 30
    catalog = merged_catalog(catalog_files(locale="de"))
    missing = sorted(msgid for msgid in used if catalog.get(msgid) is None)
    assert missing == []


def test_every_area_catalogue_translates_every_message_its_pages_use():
    missing = missing_translations("de")
    assert missing == {}, "untranslated: " + "; ".join(f"{k!r} in {sorted(v)}" for k, v in sorted(missing.items()))


def _is_core(path: Path) -> bool:
    relative = path.relative_to(CORE_ROOT).as_posix()
    return not (
        relative.startswith(("templates/circles/", "templates/badges/"))
        or relative in ("web/circles.py", "web/badges.py", "web/webhooks.py", "web/health.py")
    )
