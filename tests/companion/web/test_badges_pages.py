"""The badge pages: members see progress in German or English; admins edit the catalogue, audited."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from companion.badges import catalogue
from companion.context import Context
from companion.store.models import AuditEntry, BadgeGrant
from companion.web import create_app
from tests.support.badges import member, organisation, post, topic
from tests.support.web import log_in as shared_log_in

FORUM = "http://forum.test"


@pytest.fixture
def app(settings, store):
    application = create_app(Context(settings=settings.replace(forum_url=FORUM), store=store))
    application.config.update(TESTING=True)
    return application


def log_in(client, member_id, admin=False, locale="de"):
    shared_log_in(client, member_id, admin=admin, locale=locale)


def csrf(client, path="/badges/admin"):
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


@pytest.fixture
def ben(store):
    """Ben (Wesel) replied to members of two other organisations."""
    with store.transaction() as session:
        essen, wesel, luenen = (organisation(session, k) for k in ("essen", "wesel", "luenen"))
        anna, ben_id, carl = (
            member(session, "anna", essen),
            member(session, "ben", wesel),
            member(session, "carl", luenen),
        )
        first, second = topic(session, anna), topic(session, carl)
        post(session, first, ben_id, number=2, reply_to=anna, minutes=1)
        post(session, second, ben_id, number=2, reply_to=carl, minutes=2)
    return ben_id


def test_member_page_shows_progress_in_german(app, ben):
    client = app.test_client()
    log_in(client, ben)
    html = client.get("/badges/").get_data(as_text=True)
    assert "Brückenbauer*in" in html
    assert "2 von 3 Organisationen" in html
    assert '<progress max="3" value="2"' in html


def test_member_page_in_english(app, ben):
    client = app.test_client()
    log_in(client, ben, locale="en")
    html = client.get("/badges/").get_data(as_text=True)
    assert "Bridge builder" in html and "2 of 3 organisations" in html


def test_earned_badge_is_listed_with_its_evidence(app, store, ben):
    with store.transaction() as session:
        catalogue.seed_defaults(session)
        badge = catalogue.get_badge(session, "brueckenbauer")
        session.add(BadgeGrant(badge_id=badge.id, member_id=ben, evidence_url=f"{FORUM}/t/1/2"))
    client = app.test_client()
    log_in(client, ben, locale="en")
    html = client.get("/badges/").get_data(as_text=True)
    earned = html.split('id="earned-heading"')[1].split('id="progress-heading"')[0]
    assert "Bridge builder" in earned and f"{FORUM}/t/1/2" in earned


def test_member_page_needs_login(app):
    response = app.test_client().get("/badges/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_admin_page_is_for_admins_only(app, ben):
    client = app.test_client()
    log_in(client, ben, admin=False)
    assert client.get("/badges/admin").status_code == 403


def test_admin_edit_is_validated_saved_and_audited(app, store, ben):
    client = app.test_client()
    log_in(client, ben, admin=True)
    token = csrf(client)
    form = {
        "csrf_token": token,
        "name_de": "Brückenbauer*in",
        "name_en": "Bridge builder",
        "description_de": "Neu",
        "description_en": "New",
        "icon": "fa-handshake",
        "badge_type": "gold",
        "params": json.dumps({"min_orgs": 2, "kinds": ["reply"]}),
    }
    response = client.post("/badges/admin/brueckenbauer", data=form)
    assert response.status_code == 302
    with store.transaction() as session:
        badge = catalogue.get_badge(session, "brueckenbauer")
        assert (badge.badge_type, badge.params["min_orgs"], badge.multiple_grant) == ("gold", 2, False)
        [entry] = session.scalars(select(AuditEntry).where(AuditEntry.action == "badge.edit")).all()
        assert entry.actor == "ben" and entry.details["badge_type"] == {"before": "silver", "after": "gold"}


def test_admin_edit_with_bad_params_is_refused_and_nothing_changes(app, store, ben):
    client = app.test_client()
    log_in(client, ben, admin=True)
    form = {
        "csrf_token": csrf(client),
        "name_de": "X",
        "name_en": "X",
        "description_de": "d",
        "description_en": "e",
        "icon": "fa-handshake",
        "badge_type": "bronze",
        "params": json.dumps({"min_orgs": 0}),
    }
    response = client.post("/badges/admin/brueckenbauer", data=form)
    assert response.status_code == 422
    assert "„min_orgs“ muss mindestens 1 sein (angegeben: 0)" in response.get_data(as_text=True)
    with store.transaction() as session:
        assert catalogue.get_badge(session, "brueckenbauer").name_de == "Brückenbauer*in"
        assert session.scalars(select(AuditEntry)).all() == []


def test_admin_form_without_csrf_token_is_rejected(app, store, ben):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    log_in(client, ben, admin=True)
    client.get("/badges/admin")
    assert client.post("/badges/admin/brueckenbauer/enabled", data={"enabled": "0"}).status_code == 400


def test_disable_and_allow_regrant_are_audited(app, store, ben):
    client = app.test_client()
    log_in(client, ben, admin=True)
    token = csrf(client)
    assert client.post("/badges/admin/gastgeber/enabled", data={"csrf_token": token, "enabled": "0"}).status_code == 302
    with store.transaction() as session:
        catalogue.record_forum_badge_id(session, "brueckenbauer", 101)
        catalogue.record_revocation(session, ben, 101)
    html = client.get("/badges/admin").get_data(as_text=True)
    assert "Revoked" in html or "Entzogen" in html
    response = client.post(
        "/badges/admin/regrant", data={"csrf_token": token, "member_id": ben, "badge_key": "brueckenbauer"}
    )
    assert response.status_code == 302
    with store.transaction() as session:
        assert catalogue.get_badge(session, "gastgeber").enabled is False
        assert session.scalar(select(BadgeGrant.regrant_allowed)) is True
        actions = sorted(e.action for e in session.scalars(select(AuditEntry)))
        assert actions == ["badge.allow_regrant", "badge.disable"]
