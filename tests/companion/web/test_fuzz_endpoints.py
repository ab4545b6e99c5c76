"""Fuzzing every form and JSON endpoint of the web app: whatever arrives, the answer is never a server error."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.network import build_network
from tests.support.web import log_in

WEB = Path(__file__).resolve().parents[3] / "companion" / "web"
# Deleting one's data and logging out end the fuzzing member's session; both have their own tests.
SKIPPED = {"member.delete_data", "auth.logout", "static"}
GET_PAGES = [
    "/",
    "/profile",
    "/suggestions",
    "/circles/",
    "/circles/admin/",
    "/circles/admin/seasons/new",
    "/circles/admin/meetups/new",
    "/badges/admin",
    "/admin/rules/",
    "/admin/organisations/",
    "/admin/templates/suggestions/de",
    "/admin/audit",
]


def _field_names_in_code() -> set[str]:
    names: set[str] = set()
    for path in WEB.rglob("*.py"):
        names.update(re.findall(r"request\.(?:form|args|values)\.(?:get|getlist)\(\"([\w-]+)\"", path.read_text()))
    return names


def _field_names_on_pages(client) -> set[str]:
    names: set[str] = set()
    for page in GET_PAGES:
        names.update(re.findall(r'name="([\w\-\[\]]+)"', client.get(page).get_data(as_text=True)))
    return names - {"csrf_token"}


hostile_text = st.one_of(
    st.text(max_size=60),
    st.sampled_from(
        [
            "",
            "0",
            "-1",
            "99999999999999999999999",
            "1e309",
            "NaN",
            "2026-02-30",
            "9999-12-31",
            "0000-01-01",
            "25:99",
            "yes",
            "true",
            "null",
            "{}",
            "[]",
            '{"a": [1, {"b": null}]}',
            "{{ 7*7 }}",
            "<script>alert(1)</script>",
            "' OR 1=1 --",
            "\x00",
            "\ud7ff\ue000\U0010ffff",
            "a" * 5000,
        ]
    ),
)
path_int = st.one_of(st.integers(0, 50), st.integers(0, 2**70))
path_text = st.one_of(st.text(alphabet=st.characters(blacklist_characters="/?#%", min_codepoint=33), max_size=20))


@pytest.fixture
def fuzz_app(app, store):
    app.config.update(WTF_CSRF_ENABLED=False)  # reach the handlers; CSRF has its own tests
    network = build_network(store)
    return app, network


def _rules(app):
    return [
        rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint not in SKIPPED and rule.endpoint != "webhooks.discourse"
    ]


def _build_path(rule, draw) -> str:
    path = rule.rule
    for argument in rule.arguments:
        converter = rule._converters[argument].__class__.__name__
        value = draw(path_int) if converter == "IntegerConverter" else quote(draw(path_text.filter(bool)), safe="")
        path = re.sub(r"<(?:[^:<>]+:)?" + re.escape(argument) + ">", lambda _match, v=value: str(v), path)
    return path


@pytest.mark.parametrize("who", ["admin", "anna", "visitor"])
def test_no_form_or_page_answers_a_server_error(fuzz_app, who):
    app, network = fuzz_app
    client = app.test_client()
    if who != "visitor":
        log_in(client, network[who], admin=who == "admin")
    fields = sorted(_field_names_in_code() | _field_names_on_pages(client))
    rules = _rules(app)

    @settings(
        max_examples=400,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(data=st.data())
    def probe(data):
        rule = data.draw(st.sampled_from(rules))
        path = _build_path(rule, data.draw)
        form = data.draw(st.dictionaries(st.sampled_from(fields), hostile_text, max_size=8))
        method = data.draw(st.sampled_from(sorted(rule.methods - {"HEAD", "OPTIONS"})))
        if who != "visitor":
            log_in(client, network[who], admin=who == "admin")  # a fuzzed request may end the session
        response = client.get(path, query_string=form) if method == "GET" else client.post(path, data=form)
        assert response.status_code < 500, (method, path, form, response.get_data(as_text=True)[:500])

    probe()


def test_the_webhook_endpoint_answers_no_server_error_to_any_signed_json(fuzz_app):
    app, _ = fuzz_app
    client = app.test_client()
    secret = app.extensions["companion"].settings.webhook_secret.encode()
    json_values = st.recursive(
        st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=False) | st.text(max_size=30),
        lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
        max_leaves=30,
    )
    events = st.sampled_from(["user", "post", "topic", "group_user", "user_badge", "like", "ping", "nonsense", ""])
    names = st.sampled_from(
        ["user_created", "user_updated", "user_destroyed", "post_created", "topic_created", "ping", "x", ""]
    )

    @settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
    @given(event=events, name=names, payload=json_values, event_id=st.integers(0, 2**70))
    def probe(event, name, payload, event_id):
        body = json.dumps({event: payload} if event else payload).encode()
        signature = "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()
        response = client.post(
            "/webhooks/discourse",
            data=body,
            content_type="application/json",
            headers={
                "X-Discourse-Event-Type": event,
                "X-Discourse-Event": name,
                "X-Discourse-Event-Id": str(event_id),
                "X-Discourse-Event-Signature": signature,
            },
        )
        assert response.status_code < 500, (event, name, body[:300], response.get_data(as_text=True)[:300])

    probe()
