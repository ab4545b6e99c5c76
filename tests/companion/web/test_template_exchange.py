"""Message templates as JSON: an admin exports them all and imports a file, all at once or not at all."""

from __future__ import annotations

import io
import json
from html import unescape

from sqlalchemy import func, select

from companion.messages.templates import DEFAULTS, LOCALES, get_template
from companion.store.models import AuditEntry, MessageTemplate
from tests.support.web import csrf_token, log_in, make_member


def _admin(client, store):
    log_in(client, make_member(store, forum_user_id=900, username="admin"), admin=True)


def _import(client, data, *, as_file=True):
    token = csrf_token(client, "/admin/templates/")
    if as_file:
        payload = {"file": (io.BytesIO(json.dumps(data).encode()), "vorlagen.json"), "csrf_token": token}
        return client.post(
            "/admin/templates/import", data=payload, content_type="multipart/form-data", follow_redirects=True
        )
    return client.post("/admin/templates/import", data={"json": data, "csrf_token": token}, follow_redirects=True)


def test_the_export_holds_every_template_in_force_and_importing_it_back_changes_nothing(client, store):
    _admin(client, store)
    response = client.get("/admin/templates/export.json")
    assert response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    data = response.get_json()
    assert data["version"] == 1
    assert {(t["key"], t["locale"]) for t in data["templates"]} == {(k, loc) for k in DEFAULTS for loc in LOCALES}
    page = unescape(_import(client, data).get_data(as_text=True))
    assert "0 Vorlagen wurden importiert." in page
    with store.session() as db:
        # Shipped defaults stay defaults: nothing is stored as an edit.
        assert db.scalar(select(func.count()).select_from(MessageTemplate)) == 0


def test_an_imported_change_is_saved_and_audited(client, store):
    _admin(client, store)
    data = client.get("/admin/templates/export.json").get_json()
    for entry in data["templates"]:
        if (entry["key"], entry["locale"]) == ("introduction", "de"):
            entry["title"] = "Lernt euch kennen: {{ first_name }} und {{ second_name }}"
    page = unescape(_import(client, data).get_data(as_text=True))
    assert "1 Vorlage wurde importiert." in page
    with store.session() as db:
        assert get_template(db, "introduction", "de")[0] == "Lernt euch kennen: {{ first_name }} und {{ second_name }}"
        assert db.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "templates.save")) == 1


def test_one_broken_entry_imports_nothing_and_says_which_in_german(client, store):
    _admin(client, store)
    data = client.get("/admin/templates/export.json").get_json()
    data["templates"][0]["title"] = "Neu: {{ member_name }}"
    data["templates"][1]["body"] = "Hallo {{ member_name"
    data["templates"].append({"key": "unknown", "locale": "de", "title": "x", "body": "y"})
    page = unescape(_import(client, data).get_data(as_text=True))
    assert f"Eintrag {len(data['templates'])}: Es gibt keine Vorlage unknown/de." in page
    assert "Es wurde nichts importiert." in page
    data["templates"].pop()
    page = unescape(_import(client, data).get_data(as_text=True))
    assert "Eintrag 2 (suggestions/en):" in page and "Es wurde nichts importiert." in page
    with store.session() as db:
        assert db.scalar(select(func.count()).select_from(MessageTemplate)) == 0


def test_not_json_or_not_an_export_is_refused_and_only_admins_may(client, store):
    _admin(client, store)
    assert "Die Datei ist kein gültiges JSON" in unescape(
        _import(client, "{nope", as_file=False).get_data(as_text=True)
    )
    page = unescape(_import(client, {"templates": []}).get_data(as_text=True))
    assert "Das ist kein Vorlagen-Export des Begleitdienstes (Version 1)." in page
    member = client.application.test_client()
    log_in(member, make_member(store, forum_user_id=901, username="member"))
    assert member.get("/admin/templates/export.json").status_code == 403
