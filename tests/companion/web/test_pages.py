"""Member and admin pages: what they show, what their forms change, who may open them, and their languages."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest
from sqlalchemy import func, select

from companion.store.models import (
    AuditEntry,
    ConsentEvent,
    Member,
    MemberInterest,
    MemberPreferences,
    OutboxItem,
    RuleVersion,
    Suggestion,
)
from companion.web.i18n import load_catalogue
from tests.support.network import build_network
from tests.support.web import csrf_token, log_in

MEMBER_PAGES = ["/", "/profile", "/suggestions"]
ADMIN_PAGES = [
    "/admin/",
    "/admin/audit",
    "/admin/rules/",
    "/admin/organisations/",
    "/admin/templates/",
    "/admin/templates/suggestions/de",
    "/admin/templates/introduction/en",
    "/admin/runs/",
    "/admin/dashboard/",
    "/admin/report/",
]
ADMIN_POSTS = [
    "/admin/rules/",
    "/admin/rules/rollback/1",
    "/admin/organisations/mapping",
    "/admin/organisations/aliases",
    "/admin/organisations/assign",
    "/admin/templates/suggestions/de",
    "/admin/runs/outbox/1/retry",
]


@pytest.fixture
def network(store):
    return build_network(store)


@pytest.fixture
def admin_client(client, network):
    log_in(client, network["admin"], admin=True)
    return client


@pytest.fixture
def anna(client, network):
    log_in(client, network["anna"])
    return client


def text_nodes(html: str) -> set[str]:
    body = html.split("<body>", 1)[-1]
    return {unescape(" ".join(node.split())) for node in re.findall(r">([^<]+)<", body) if node.strip()}


@pytest.mark.parametrize("language", ["de", "en"])
def test_every_page_renders_in_both_languages(admin_client, language):
    for path in MEMBER_PAGES + ADMIN_PAGES:
        response = admin_client.get(path, headers={"Accept-Language": language})
        assert response.status_code == 200, path
        assert f'<html lang="{language}">' in response.get_data(as_text=True), path


def test_german_pages_show_no_english_msgid(admin_client):
    english = {
        message.id
        for message in load_catalogue("de")
        # Messages with a context (e.g. the language names) may equal text shown on purpose, like the switch.
        if isinstance(message.id, str) and message.id and not message.context and "%(" not in message.id
        if message.string != message.id
    }
    for path in MEMBER_PAGES + ADMIN_PAGES:
        leaked = text_nodes(admin_client.get(path).get_data(as_text=True)) & english
        assert leaked == set(), f"{path} shows untranslated {sorted(leaked)}"


def test_visitors_are_sent_to_the_login(client, network):
    for path in ["/profile", "/suggestions", "/admin/rules/"]:
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login?next=")


def test_a_member_who_is_not_admin_cannot_open_or_use_admin_pages(anna, store):
    for path in ADMIN_PAGES:
        assert anna.get(path).status_code == 403, path
    token = csrf_token(anna)
    for path in ADMIN_POSTS:
        assert (
            anna.post(path, data={"csrf_token": token, "action": "save", "suggestions_per_member": "5"}).status_code
            == 403
        ), path
    with store.session() as db:
        assert db.scalar(select(func.count()).select_from(RuleVersion)) == 0
        assert db.scalar(select(func.count()).select_from(AuditEntry)) == 0


def test_home_shows_consent_meeting_and_newest_suggestions(anna):
    html = anna.get("/").get_data(as_text=True)
    assert "Zirkel 1" in html and "Rathaus Essen" in html
    assert "Bert Meyer" in html and "Ihr teilt: OZG, E-Akte, Lean Coffee" in html
    assert "Carla Vogel" not in html  # already contacted: not among the newest


def test_suggestions_show_reasons_and_only_my_own(anna, network):
    html = anna.get("/suggestions").get_data(as_text=True)
    assert "Ihr teilt: OZG, E-Akte, Lean Coffee" in html
    assert "Stadt Essen" in html and 'href="http://forum.test/u/bert"' in html
    assert "Kontakt aufgenommen" in html  # the past suggestion with what came of it
    assert "Geheim" not in html and "dora" not in html


def test_get_in_touch_queues_one_introduction(anna, store, network):
    token = csrf_token(anna, "/suggestions")
    for _ in range(2):
        assert anna.post(f"/suggestions/{network['suggestion']}/contact", data={"csrf_token": token}).status_code == 302
    with store.session() as db:
        items = list(db.scalars(select(OutboxItem).where(OutboxItem.kind == "pm", OutboxItem.status == "pending")))
        assert len(items) == 1
        assert sorted(items[0].payload["recipients"]) == ["anna", "bert"]
        assert db.get(Suggestion, network["suggestion"]).status == "contacted"


def test_not_a_fit_is_recorded(anna, store, network):
    anna.post(f"/suggestions/{network['suggestion']}/reject", data={"csrf_token": csrf_token(anna)})
    with store.session() as db:
        assert db.get(Suggestion, network["suggestion"]).status == "rejected"


def test_not_a_fit_after_a_conversation_is_refused_with_a_message(anna, store, network):
    with store.transaction() as db:
        db.get(Suggestion, network["suggestion"]).status = "talked"
    answer = anna.post(f"/suggestions/{network['suggestion']}/reject", data={"csrf_token": csrf_token(anna)})
    assert answer.status_code == 302
    assert "Ihr habt euch schon ausgetauscht" in anna.get("/suggestions").get_data(as_text=True)
    with store.transaction() as db:
        assert db.get(Suggestion, network["suggestion"]).status == "talked"


def test_someone_elses_suggestion_cannot_be_used(anna, store, network):
    token = csrf_token(anna)
    assert (
        anna.post(f"/suggestions/{network['foreign_suggestion']}/contact", data={"csrf_token": token}).status_code
        == 404
    )
    assert (
        anna.post(f"/suggestions/{network['foreign_suggestion']}/reject", data={"csrf_token": token}).status_code == 404
    )
    with store.session() as db:
        assert db.get(Suggestion, network["foreign_suggestion"]).status == "new"
        assert (
            db.scalar(
                select(func.count())
                .select_from(OutboxItem)
                .where(OutboxItem.kind == "pm", OutboxItem.status == "pending")
            )
            == 0
        )


def test_consent_is_saved_with_evidence(anna, store, network):
    html = anna.get("/profile").get_data(as_text=True)
    assert "Wenn du zustimmst" in html  # the plain-language privacy text
    anna.post("/profile/consent", data={"csrf_token": csrf_token(anna), "matching": "yes"})
    with store.session() as db:
        preferences = db.get(MemberPreferences, network["anna"])
        assert (preferences.matching_consent, preferences.circles_consent) == (True, False)
        events = list(db.scalars(select(ConsentEvent).where(ConsentEvent.member_id == network["anna"])))
        assert [(e.kind, e.granted) for e in events] == [("circles", False)]


def test_cadence_pause_needs_a_future_date(anna, store, network):
    token = csrf_token(anna)
    anna.post("/profile/cadence", data={"csrf_token": token, "cadence": "paused", "paused_until": "2000-01-01"})
    with store.session() as db:
        assert db.get(MemberPreferences, network["anna"]).cadence == "weekly"
    anna.post("/profile/cadence", data={"csrf_token": token, "cadence": "paused", "paused_until": "2999-01-01"})
    with store.session() as db:
        preferences = db.get(MemberPreferences, network["anna"])
        assert (preferences.cadence, preferences.paused_until.isoformat()) == ("paused", "2999-01-01")


def test_interests_can_be_removed_and_added(anna, store, network):
    assert "e-akte" in anna.get("/profile").get_data(as_text=True)
    token = csrf_token(anna)
    anna.post("/profile/interests/remove", data={"csrf_token": token, "term": "e-akte"})
    anna.post("/profile/interests/add", data={"csrf_token": token, "term": "Lean Coffee"})
    with store.session() as db:
        edits = {
            (i.term, i.action)
            for i in db.scalars(select(MemberInterest).where(MemberInterest.member_id == network["anna"]))
        }
    assert edits == {("e-akte", "removed"), ("Lean Coffee", "added")}


def test_my_data_downloads_as_json_and_can_be_deleted(anna, store, network):
    response = anna.get("/profile/my-data.json")
    assert response.mimetype == "application/json" and "attachment" in response.headers["Content-Disposition"]
    assert json.loads(response.get_data(as_text=True))["member"]["username"] == "anna"
    token = csrf_token(anna)
    anna.post("/profile/delete", data={"csrf_token": token})
    with store.session() as db:
        assert db.get(Member, network["anna"]) is not None  # not confirmed: nothing deleted
    anna.post("/profile/delete", data={"csrf_token": token, "confirm": "yes"})
    with store.session() as db:
        assert db.get(Member, network["anna"]) is None
    assert anna.get("/profile").status_code == 302


def test_invalid_rule_values_are_explained_and_nothing_is_saved(admin_client, store):
    response = admin_client.post(
        "/admin/rules/",
        data={
            "csrf_token": csrf_token(admin_client),
            "action": "save",
            "suggestions_per_member": "99",
            "min_score": "viel",
        },
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Nichts wurde gespeichert" in html
    assert 'id="error-suggestions_per_member"' in html and 'id="error-min_score"' in html
    assert 'value="99"' in html  # the entered value stays for correction
    with store.session() as db:
        assert db.scalar(select(func.count()).select_from(RuleVersion)) == 0
        assert db.scalar(select(func.count()).select_from(AuditEntry)) == 0


def test_rules_are_previewed_saved_audited_and_rolled_back(admin_client, store):
    token = csrf_token(admin_client)
    form = {
        spec_name: value
        for spec_name, value in re.findall(
            r'name="([a-z_]+)" value="([^"]*)"', admin_client.get("/admin/rules/").get_data(as_text=True)
        )
        if spec_name != "csrf_token"
    }
    form.update({"csrf_token": token, "suggestions_per_member": "5"})
    preview = admin_client.post("/admin/rules/", data={**form, "action": "preview"})
    assert preview.status_code == 200
    assert "Mit diesen Regeln bekommen" in preview.get_data(as_text=True)
    assert "Zu wenig Geschichte zum Kalibrieren: 0 Paare" in preview.get_data(as_text=True)
    with store.session() as db:
        assert db.scalar(select(func.count()).select_from(RuleVersion)) == 0
    admin_client.post("/admin/rules/", data={**form, "action": "save", "comment": "mehr Vorschläge"})
    form["suggestions_per_member"] = "2"
    admin_client.post("/admin/rules/", data={**form, "action": "save"})
    with store.session() as db:
        versions = list(db.scalars(select(RuleVersion).order_by(RuleVersion.id)))
        assert [v.rules["suggestions_per_member"] for v in versions] == [5, 2]
        assert db.scalar(select(AuditEntry).where(AuditEntry.action == "rules.save")).actor == "chef"
    admin_client.post(f"/admin/rules/rollback/{versions[0].id}", data={"csrf_token": token})
    with store.session() as db:
        newest = db.scalar(select(RuleVersion).order_by(RuleVersion.id.desc()).limit(1))
        assert (newest.rules["suggestions_per_member"], newest.rolled_back_from) == (5, versions[0].id)
        assert db.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "rules.rollback")) == 1


def test_failed_outbox_items_can_be_retried_with_audit(admin_client, store, network):
    html = admin_client.get("/admin/runs/").get_data(as_text=True)
    assert "403 forbidden" in html and "forum unavailable" in html and "matching" in html
    admin_client.post(
        f"/admin/runs/outbox/{network['failed_item']}/retry", data={"csrf_token": csrf_token(admin_client)}
    )
    with store.session() as db:
        # It was attempted before, so the next sender looks it up first.
        assert db.get(OutboxItem, network["failed_item"]).status == "uncertain"
        assert db.scalar(select(AuditEntry.action)) == "outbox.retry"


def test_organisation_mapping_lists_and_adds_aliases_with_audit(admin_client, store):
    html = admin_client.get("/admin/organisations/").get_data(as_text=True)
    assert "essen.example" in html and "dora" in html  # dora has no organisation
    admin_client.post(
        "/admin/organisations/aliases",
        data={
            "csrf_token": csrf_token(admin_client),
            "organisation": "Stadt Lünen",
            "kind": "email_domain",
            "value": "@Luenen.example",
        },
    )
    html = admin_client.get("/admin/organisations/").get_data(as_text=True)
    assert "Stadt Lünen" in html and "luenen.example" in html
    with store.session() as db:
        assert db.scalar(select(AuditEntry.action)) == "organisations.alias_add"


def test_template_preview_renders_for_a_real_member(admin_client, store):
    response = admin_client.post(
        "/admin/templates/suggestions/de",
        data={
            "csrf_token": csrf_token(admin_client),
            "action": "preview",
            "username": "anna",
            "title": "Hallo {{ member_name }}",
            "body": "{% for s in suggestions %}{{ s.name }}; {% endfor %}",
        },
    )
    html = response.get_data(as_text=True)
    assert "Hallo Anna Schmidt" in html and "Bert Meyer;" in html
    with store.session() as db:
        assert db.scalar(select(func.count()).select_from(AuditEntry)) == 0  # a preview changes nothing


def test_dashboard_draws_charts_as_svg(admin_client):
    html = admin_client.get("/admin/dashboard/").get_data(as_text=True)
    assert html.count("<svg") == 3
    assert "Kreis Wesel – Stadt Essen: 1" in html  # bert replied to anna


@pytest.mark.parametrize(
    "body", ["{% for i in range(10**9) %}x{% endfor %}", "{% for i in range(99999) %}{{ 'x' * 100 }}{% endfor %}"]
)
@pytest.mark.parametrize("action", ["save", "preview"])
def test_a_costly_template_gets_a_clear_error_not_a_server_error(admin_client, body, action):
    response = admin_client.post(
        "/admin/templates/suggestions/de",
        data={"csrf_token": csrf_token(admin_client), "action": action, "username": "anna", "title": "T", "body": body},
    )
    assert response.status_code == 400
