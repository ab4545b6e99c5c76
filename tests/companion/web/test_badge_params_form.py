"""Admins set badge rule parameters in form fields with an error next to each field; JSON stays for import/export."""

from __future__ import annotations

import re

from companion.badges import catalogue
from tests.support.badges import member, organisation
from tests.support.web import log_in


def _admin(client, store):
    with store.transaction() as session:
        admin_id = member(session, "ada", organisation(session, "essen"))
    log_in(client, admin_id, admin=True, locale="de")


def _form(client, **params):
    html = client.get("/badges/admin").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    data = {
        "csrf_token": token,
        "name_de": "Brückenbauer*in",
        "name_en": "Bridge builder",
        "description_de": "Verbindet",
        "description_en": "Connects",
        "icon": "fa-handshake",
        "badge_type": "silver",
    }
    data.update(params)
    return html, data


def test_the_catalogue_shows_a_field_per_rule_parameter(app, store):
    client = app.test_client()
    _admin(client, store)
    html, _data = _form(client)
    assert 'id="brueckenbauer-param-min_orgs" name="param-min_orgs"' in html
    assert 'name="param-kinds" value="pm"' in html
    assert "Nötige andere Verwaltungen" in html and "Private Nachrichten" in html


def test_fields_are_saved(app, store):
    client = app.test_client()
    _admin(client, store)
    _html, data = _form(client)
    response = client.post(
        "/badges/admin/brueckenbauer", data={**data, "param-min_orgs": "2", "param-kinds": ["reply", "pm"]}
    )
    assert response.status_code == 302
    with store.session() as session:
        assert catalogue.get_badge(session, "brueckenbauer").params == {"min_orgs": 2, "kinds": ["reply", "pm"]}


def test_each_bad_field_gets_its_own_error_and_nothing_is_saved(app, store):
    client = app.test_client()
    _admin(client, store)
    _html, data = _form(client)
    response = client.post("/badges/admin/brueckenbauer", data={**data, "param-min_orgs": "0"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="brueckenbauer-param-min_orgs-error">Bitte mindestens 1 eingeben.' in html
    assert 'value="0" aria-invalid="true"' in html
    # What counts was not chosen at all: a second error, next to its own field.
    assert "Bitte mindestens eines auswählen." in html
    response = client.post(
        "/badges/admin/brueckenbauer", data={**data, "param-min_orgs": "drei", "param-kinds": ["like"]}
    )
    assert "Bitte eine ganze Zahl eingeben." in response.get_data(as_text=True)
    # The checkbox the admin ticked stays ticked on the page with the error.
    assert re.search(r'name="param-kinds" value="like" checked', response.get_data(as_text=True))
    with store.session() as session:
        assert catalogue.get_badge(session, "brueckenbauer").params["min_orgs"] == 3
