"""The template editor's live preview: a JSON endpoint rendering the entered text for a member, errors in German."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event, func, select

from companion.store.models import AuditEntry, MessageTemplate
from tests.support.network import build_network
from tests.support.web import csrf_token, log_in

PREVIEW = "/admin/templates/suggestions/de/preview"
JSON = {"Accept": "application/json"}


@pytest.fixture
def network(store):
    return build_network(store)


@pytest.fixture
def admin(client, network):
    log_in(client, network["admin"], admin=True, locale="de")
    return client


def _post(client, token: str | None = None, **fields):
    headers = dict(JSON)
    if token is not None:
        headers["X-CSRFToken"] = token  # as the editor's script sends it
    return client.post(PREVIEW, data=fields, headers=headers)


def test_the_entered_text_is_rendered_for_a_real_member_and_nothing_is_saved(admin, store):
    response = _post(
        admin,
        csrf_token(admin),
        username="anna",
        title="Hallo {{ member_name }}",
        body="{% for s in suggestions %}{{ s.name }}; {% endfor %}",
    )
    assert response.status_code == 200
    answer = response.get_json()
    assert answer["title"] == "Hallo Anna Schmidt"
    assert "Bert Meyer;" in answer["body"]
    assert answer["username"] == "anna" and answer["heading"] == "Vorschau für anna"
    with store.session() as db:
        assert db.scalar(select(func.count()).select_from(MessageTemplate)) == 0
        assert db.scalar(select(func.count()).select_from(AuditEntry)) == 0


def test_a_preview_only_reads_so_it_never_waits_for_a_write_lock(admin, store):
    token = csrf_token(admin)
    statements: list[str] = []

    def seen(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement.split(None, 1)[0].upper())

    event.listen(store.engine, "before_cursor_execute", seen)
    try:
        assert _post(admin, token, username="anna", title="T {{ member_name }}", body="x").status_code == 200
    finally:
        event.remove(store.engine, "before_cursor_execute", seen)
    # The session check on each request may refresh the member's row; the preview itself writes nothing.
    assert not {"INSERT", "DELETE", "SAVEPOINT"} & set(statements), statements


def test_without_a_username_the_admin_sees_the_text_for_themself(admin):
    answer = _post(admin, csrf_token(admin), username="", title="Für {{ member_name }}", body="x").get_json()
    assert answer["username"] == "chef" and answer["title"] == "Für Admin Person"


def test_a_syntax_error_is_a_400_with_a_german_message_for_the_body(admin):
    response = _post(admin, csrf_token(admin), username="anna", title="T", body="Hallo\n{{ member_name }")
    assert response.status_code == 400
    answer = response.get_json()
    assert answer["errors"] == {"body": "Zeile 2: Unerwartetes „}“: Eine Klammer passt nicht."}
    assert answer["details"] == {"body": "unexpected '}'"}  # Jinja's own words, shown as a technical detail


@pytest.mark.parametrize(
    ("title", "body", "field", "german"),
    [
        ("Hallo {{ namen }}", "x", "title", "Den Platzhalter „namen“ gibt es hier nicht; nimm einen aus der Liste."),
        ("T", "a\n{% for s in suggestions %}x", "body", "Zeile 2: Ein Block ist nicht geschlossen"),
        ("T", "{% for s in suggestions %}\n{{ s.alter }}{% endfor %}", "body", "Zeile 2: Der Wert hat kein Feld"),
        ("T", "{{ 1 / 0 }}", "body", "Zeile 1: Ein Wert lässt sich nicht berechnen"),
        ("T", "{{ member_name.__class__ }}", "body", "geschützte Umgebung nicht erlaubt"),
        ("T", "{{ member_name|fett }}", "body", "Den Filter „fett“ gibt es nicht."),
        ("T", "{% for i in range(10**9) %}x{% endfor %}", "body", "Die Vorlage ist zu aufwendig: eine Zahl oder"),
        ("T", "{{ 'x' * 10000000 }}", "body", "zu aufwendig: der Text würde länger als 50000 Zeichen"),
        ("T", "x" * 30_000, "body", "Die Vorlage ist länger als 20000 Zeichen."),
    ],
)
def test_every_kind_of_template_error_is_worded_in_german(admin, title, body, field, german):
    response = _post(admin, csrf_token(admin), username="anna", title=title, body=body)
    assert response.status_code == 400
    errors = response.get_json()["errors"]
    assert list(errors) == [field] and german in errors[field], errors


def test_the_errors_follow_the_page_language(client, network):
    log_in(client, network["admin"], admin=True, locale="en")
    response = client.post(
        "/admin/templates/suggestions/en/preview",
        data={"username": "anna", "title": "T", "body": "{{ nope }}"},
        headers={**JSON, "X-CSRFToken": csrf_token(client)},
    )
    assert response.get_json()["errors"] == {
        "body": "Line 1: There is no placeholder “nope” here; use one from the list."
    }


def test_an_unknown_member_is_a_german_error_for_the_username(admin):
    response = _post(admin, csrf_token(admin), username="niemand", title="T", body="x")
    assert response.status_code == 400
    assert response.get_json()["errors"] == {"username": "Es gibt kein Mitglied mit diesem Benutzernamen."}


def test_a_member_who_is_not_admin_is_refused(client, network):
    log_in(client, network["anna"], locale="de")
    response = _post(client, csrf_token(client), username="anna", title="T", body="{{ member_name }}")
    assert response.status_code == 403
    assert response.get_json() == {"error": "Zugriff verweigert. Du darfst diese Seite nicht öffnen."}


def test_a_preview_without_or_with_a_wrong_csrf_token_is_refused(admin):
    for token in (None, "not-the-token"):
        response = _post(admin, token, username="anna", title="T", body="x")
        assert response.status_code == 400
        assert "Das Formular ist abgelaufen" in response.get_json()["error"]


def test_an_unknown_template_is_not_found(admin):
    response = admin.post(
        "/admin/templates/nothing/de/preview", data={"title": "T"}, headers={**JSON, "X-CSRFToken": csrf_token(admin)}
    )
    assert response.status_code == 404


def test_previews_have_their_own_budget_and_leave_the_forms_budget_to_saving(admin, app):
    app.config["RATE_LIMITS"]["forms"] = "2 per minute"
    app.config["RATE_LIMITS"]["previews"] = "3 per minute"
    token = csrf_token(admin)
    statuses = [_post(admin, token, username="anna", title="T", body="x").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    saved = admin.post(
        "/admin/templates/suggestions/de", data={"csrf_token": token, "action": "save", "title": "T", "body": "x"}
    )
    assert saved.status_code == 302


def test_the_editor_offers_placeholders_and_its_script_without_inline_code(admin):
    html = admin.get("/admin/templates/suggestions/de").get_data(as_text=True)
    assert 'src="/static/template-editor.js"' in html
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html) is None
    assert 'data-preview-url="/admin/templates/suggestions/de/preview"' in html
    assert '<code data-insert="{{ member_name }}">{{ member_name }}</code>' in html
    assert 'data-insert="{% for s in suggestions %}' in html  # a list inserts its loop, not {{ suggestions }}
    assert 'aria-live="polite"' in html


def test_without_script_the_form_shows_the_error_by_its_field_in_german(admin):
    response = admin.post(
        "/admin/templates/suggestions/de",
        data={"csrf_token": csrf_token(admin), "action": "save", "title": "T", "body": "a\n{% for s in suggestions %}"},
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Die Vorlage lässt sich nicht darstellen: Zeile 2: Ein Block ist nicht geschlossen" in html
    assert 'aria-describedby="tpl-body-error" aria-invalid="true"' in html
