"""Languages: German by default, English on request or by forum locale, a switch link, complete catalogues."""

from __future__ import annotations

import os
import time
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.support import Translations

from companion.store.models import MemberPreferences
from companion.web import create_app
from companion.web.i18n import TRANSLATIONS_ROOT, catalogue_path, compiled_problem, load_catalogue
from tests.support.web import log_in, make_member

REPO = Path(__file__).resolve().parents[3]


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


def used_messages() -> dict[tuple[str | None, str], list[str]]:
    """Every (context, msgid) the code and templates use, extracted with the repo's babel.cfg as pybabel does."""
    with (REPO / "babel.cfg").open() as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    found: dict[tuple[str | None, str], list[str]] = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(REPO), method_map, options_map, keywords=DEFAULT_KEYWORDS
    ):
        # A plural message is one catalogue entry, found by its singular.
        msgid = message[0] if isinstance(message, (tuple, list)) else message
        if msgid:
            found.setdefault((context, msgid), []).append(f"{filename}:{lineno}")
    return found


def test_every_message_used_in_code_and_templates_has_a_german_translation():
    used = used_messages()
    assert len(used) > 300, "babel.cfg finds too few messages: is a mapping missing?"
    catalogue = load_catalogue("de")
    missing = []
    for (context, msgid), places in sorted(used.items(), key=lambda item: item[0][1]):
        message = catalogue.get(msgid, context=context)
        strings = (
            message.string if message and isinstance(message.string, (list, tuple)) else [message and message.string]
        )
        if message is None or message.fuzzy or not all(strings):
            missing.append(f"{msgid!r} ({places[0]})")
    assert missing == [], "untranslated: " + "; ".join(missing)


def test_the_lazy_and_plural_keywords_are_extracted():
    used = used_messages()
    assert ("job status", "cancelled") in used  # lazy_pgettext in web/admin/runs.py
    assert any(
        REPO.joinpath("companion/web/__init__.py").as_posix().endswith(place.split(":")[0])
        for place in used[(None, "Page not found")]
    )  # lazy_gettext


def test_the_compiled_catalogue_is_current_and_complete():
    assert compiled_problem("de") is None
    with catalogue_path("de", suffix=".mo").open("rb") as handle:
        compiled = Translations(handle)
    for message in load_catalogue("de"):
        if not message.id:
            continue
        if isinstance(message.id, (list, tuple)):
            singular, plural = message.id[0], message.id[1]
            if message.context:
                assert compiled.unpgettext(message.context, singular, plural, 2) == message.string[1]
            else:
                assert compiled.ungettext(singular, plural, 1) == message.string[0]
                assert compiled.ungettext(singular, plural, 2) == message.string[1]
        elif message.context:
            assert compiled.upgettext(message.context, message.id) == message.string
        else:
            assert compiled.ugettext(message.id) == message.string, message.id


def test_a_missing_or_stale_compiled_catalogue_is_reported(tmp_path):
    folder = tmp_path / "de" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "messages.po").write_text('msgid "a"\nmsgstr "b"\n')
    assert "is missing" in compiled_problem("de", tmp_path)
    (folder / "messages.mo").write_bytes(b"")
    past = time.time() - 60
    os.utime(folder / "messages.mo", (past, past))
    assert "is older than" in compiled_problem("de", tmp_path)
    os.utime(folder / "messages.mo", None)
    assert compiled_problem("de", tmp_path) is None


def test_the_app_does_not_compile_catalogues_at_start(settings, sqlite_store):
    before = {path: path.stat().st_mtime for path in TRANSLATIONS_ROOT.rglob("*.mo")}
    create_app(settings=settings, store=sqlite_store)
    assert not (Path(settings.instance_path) / "translations").exists()
    assert {path: path.stat().st_mtime for path in TRANSLATIONS_ROOT.rglob("*.mo")} == before


def test_there_is_one_catalogue_per_locale():
    assert sorted(p.relative_to(TRANSLATIONS_ROOT).as_posix() for p in TRANSLATIONS_ROOT.rglob("*.po")) == [
        "de/LC_MESSAGES/messages.po"
    ]
