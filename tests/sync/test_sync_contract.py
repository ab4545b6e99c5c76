"""Contract: every request the client makes exists in the official OpenAPI spec and fits its request schema.

The fake forum's answers are built and validated from the official response
schemas (see sync_testkit.fixture), so the readers are tested on realistic
payloads. Deviations from the published contract are listed here, each with
its reason; anything else the client calls fails this test.
"""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlparse

import pytest
import responses

from sync.client import ForumClient
from sync.probe import probe_forum
from sync.readers import ForumReader
from sync.writers import ForumWriter
from tests.support.fakeforum import FakeForum
from tests.support.synckit import (
    BASE_URL,
    FakeClock,
    needs_contract,
    openapi,
    schema,
    validate,
)

pytestmark = needs_contract

DE = "/admin/plugins/discourse-data-explorer"
# Calls the published spec does not describe, and why the client makes them anyway.
NOT_IN_SPEC = {
    ("POST", "/user_badges.json"): "grant a badge: Discourse route without published docs (FACTS.md)",
    ("GET", f"{DE}/queries.json"): "Data Explorer plugin: detect it and list saved queries",
    ("POST", f"{DE}/queries.json"): "Data Explorer plugin: save the companion's bulk queries",
    ("POST", f"{DE}/queries/{{id}}/run.json"): "Data Explorer plugin: run a saved bulk query",
    ("GET", "/admin/plugins/explorer/queries.json"): "standalone Data Explorer plugin: the older prefix",
    ("POST", "/admin/plugins/explorer/queries.json"): "standalone Data Explorer plugin: save a query",
    ("POST", "/admin/plugins/explorer/queries/{id}/run.json"): "standalone Data Explorer plugin: run a query",
    ("GET", "/admin/api/web_hooks.json"): "probe only: report whether webhooks are configured",
    ("GET", "/admin/site_settings.json"): "probe fallback for versions without the config endpoint",
    ("GET", "/admin/config/site_settings.json"): "probe only: read named site settings (filter_names[])",
}
# Query parameters Discourse accepts that the spec does not list for that operation.
EXTRA_QUERY_PARAMS = {
    ("GET", "/latest.json"): {"page"},
    ("GET", "/u/{username}.json"): {"skip_track_visit"},  # UsersController#show: no profile view counted
    ("GET", "/groups.json"): {"page"},
    ("GET", "/groups/{name}/members.json"): {"limit", "offset"},
    ("GET", "/topics/private-messages-sent/{username}.json"): {"page"},
}
# Request body fields Discourse accepts that the published request schemas leave out.
EXTRA_BODY_FIELDS = {
    ("POST", "/posts.json"): {"tags"},  # PostsController permits tags: [] for new topics
    ("POST", "/admin/badges.json"): {"description", "icon", "multiple_grant", "listable", "allow_title", "enabled"},
    ("POST", "/admin/groups.json"): {"messageable_level"},  # GroupsController permits it; schema omits it
}
REQUEST_SCHEMAS = {
    ("POST", "/posts.json"): "topic_create_request",
    ("POST", "/admin/groups.json"): "group_create_request",
    ("POST", "/admin/badges.json"): "badge_create_request",
    ("POST", "/user_badges.json"): "user_badge_grant_request",
}


def _template_regex(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}]+\})", template)
    return re.compile("^" + "".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts) + "$")


def match_operation(method: str, path: str) -> tuple[str, dict | None]:
    """Return (template, operation) of the spec for a concrete request, or (template, None) for listed exceptions."""
    for template, operations in openapi()["paths"].items():
        if _template_regex(template).match(path) and method.lower() in operations:
            return template, operations[method.lower()]
    for m, template in NOT_IN_SPEC:
        if m == method and _template_regex(template).match(path):
            return template, None
    raise AssertionError(f"{method} {path} is neither in openapi.json nor a documented exception")


def run_everything(rsps, *, data_explorer: bool) -> FakeForum:
    forum = FakeForum(rsps, members=3, data_explorer=data_explorer)
    clock = FakeClock()
    client = ForumClient(BASE_URL, "key", "system", clock=clock, sleep=clock.sleep)
    reader = ForumReader(client)
    reader.read_all(include_likes=True)
    reader.read_changes(since_post_id=100)
    reader.read_group("essen")
    reader.read_topic(100)
    writer = ForumWriter(client)
    writer.send_private_message(["user1", "essen"], "Dein Vorschlag", "Hallo", "k-1")
    writer.send_private_message(["user1"], "Dein Vorschlag", "Hallo", "k-1", first_attempt=False)
    writer.create_topic("Zirkel", "Willkommen", 5, "k-2", tags=["zirkel"])
    writer.create_topic("Zirkel", "Willkommen", 5, "k-2", first_attempt=False)
    group = writer.create_group(
        "zirkel-1",
        full_name="Zirkel 1",
        bio_raw="Wir",
        usernames=["user1"],
        visibility_level=1,
        messageable_level=3,
        automatic_membership_email_domains=["essen.de"],
    )
    writer.update_group(group.id, group.name, full_name="Zirkel Eins")
    writer.add_group_members(group.id, ["user2"])
    writer.remove_group_members(group.id, ["user2"])
    badge = writer.create_badge("Brückenbauerin", badge_type_id=2, description="x")
    writer.grant_badge("user1", badge.id, reason=f"{BASE_URL}/t/zirkel/101")
    probe_forum(client)
    return forum


@pytest.fixture(params=[False, True], ids=["per-member", "data-explorer"])
def calls(request):
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        run_everything(rsps, data_explorer=request.param)
        yield [(c.request.method, c.request) for c in rsps.calls]


def test_every_call_is_in_the_spec_or_a_documented_exception(calls):
    seen = set()
    for method, request in calls:
        template, _ = match_operation(method, urlparse(request.url).path)
        seen.add((method, template))
    # The scenario really exercised the client broadly (PM look-ups go by external_id, not the sent list).
    assert len(seen) >= 24


def test_query_parameters_are_declared(calls):
    for method, request in calls:
        url = urlparse(request.url)
        template, operation = match_operation(method, url.path)
        if operation is None:
            continue
        declared = {p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"}
        allowed = declared | EXTRA_QUERY_PARAMS.get((method, template), set())
        used = set(parse_qs(url.query))
        assert used <= allowed, f"{method} {template}: undeclared query parameters {used - allowed}"


def test_request_bodies_fit_the_request_schemas(calls):
    checked = 0
    for method, request in calls:
        path = urlparse(request.url).path
        template, operation = match_operation(method, path)
        if not request.body:
            continue
        body = json.loads(request.body)
        assert request.headers["Content-Type"].startswith("application/json")
        extras = EXTRA_BODY_FIELDS.get((method, template), set())
        target = {k: v for k, v in body.items() if k not in extras}
        if (method, template) == ("POST", "/admin/groups.json"):
            target = {"group": {k: v for k, v in body["group"].items() if k not in extras}}
        if (method, template) in REQUEST_SCHEMAS:
            validate(target, REQUEST_SCHEMAS[(method, template)])
            checked += 1
        elif operation is not None and "requestBody" in operation:
            validate(target, operation["requestBody"]["content"]["application/json"]["schema"])
            checked += 1
    assert checked >= 7


def test_pm_uses_target_recipients_not_the_deprecated_field(calls):
    pm_bodies = [
        json.loads(r.body)
        for m, r in calls
        if m == "POST" and urlparse(r.url).path == "/posts.json" and b"private_message" in r.body
    ]
    assert pm_bodies
    for body in pm_bodies:
        assert "target_usernames" not in body
        assert body["target_recipients"] == "user1,essen"


def test_the_fake_forum_answers_fit_the_response_schemas():
    # Spot-check that fixtures stay schema-valid end to end, including lists built of items.
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        FakeForum(rsps, members=2)
        clock = FakeClock()
        client = ForumClient(BASE_URL, "key", clock=clock, sleep=clock.sleep)
        validate(client.get("/admin/users/list/active.json", page=1), "admin_user_list_response")
        validate(client.get("/posts.json"), "latest_posts_response")
        validate(client.get("/groups.json"), "groups_list_response")
        validate(client.get("/groups/essen/members.json", limit=1000, offset=0), "group_members_response")
        validate(client.get("/admin/badges.json"), "badge_list_response")
        user = client.get("/u/user1.json")
        user["user"].pop("bio_raw")  # sent by Discourse to admins, absent from the published schema
        validate(user, "user_get_response")
        assert schema("topic_show_response")["properties"]["tags"]["items"]["type"] == "object"
