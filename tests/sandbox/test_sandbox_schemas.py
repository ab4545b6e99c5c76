"""Every sandbox response validates against the published Discourse schemas in ../shared/discourse."""

from __future__ import annotations

import re

import pytest

from tests.support.sandbox import (
    API_HEADERS,
    ENDPOINT_SCHEMAS,
    UNPUBLISHED,
    WIDENINGS,
    _openapi,
    assert_valid,
    make_client,
    shared_folder,
    validation_errors,
)

H = API_HEADERS


@pytest.fixture(scope="module")
def client():
    shared_folder()
    # A bundled core serves the plugin under both prefixes, so every documented route is served.
    return make_client(members=120, seed=3, data_explorer_kind="bundled")


def _template(rule: str) -> str:
    return re.sub(r"<(?:[a-z]+:)?[a-z_]+>", "{}", rule)


def test_every_api_route_is_mapped_to_a_schema_or_listed_as_unpublished(client):
    mapped = {(m, _template(re.sub(r"\{[a-z_]+\}", "<x>", r))) for m, r in ENDPOINT_SCHEMAS} | {
        (m, _template(re.sub(r"\{[a-z_]+\}", "<x>", r))) for m, r in UNPUBLISHED
    }
    served = set()
    for rule in client.application.url_map.iter_rules():
        if rule.rule.startswith(("/sandbox", "/static", "/session")):
            continue
        if rule.endpoint.startswith("sandbox_forum_pages."):
            continue  # the forum's HTML pages (profile, topic, badge), not API routes
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            served.add((method, _template(rule.rule)))
    served.discard(("GET", "/t/{}/{}.json"))  # the slugged alias of /t/{id}.json
    served.discard(("GET", "/users/{}.json"))  # the old alias of /u/{username}.json
    assert served - mapped == set()
    assert mapped - served == set()


def test_every_schema_source_and_widening_target_exists():
    folder = shared_folder()
    for source in ENDPOINT_SCHEMAS.values():
        if source.startswith("openapi:"):
            _, path, verb = source.split(":")
            assert "schema" in _openapi()["paths"][path][verb]["responses"]["200"]["content"]["application/json"]
        else:
            assert (folder / source).is_file(), source
    for widening in WIDENINGS:
        assert widening.schema in ENDPOINT_SCHEMAS.values() or (folder / "schemas" / widening.schema).is_file()
        assert widening.reason


def test_validation_rejects_a_wrong_shape():
    shared_folder()
    assert validation_errors("GET", "/site/basic-info.json", {"title": 3})
    assert validation_errors("GET", "/posts.json", {"latest_posts": [{"id": "x"}]})
    # The widenings add types, they do not open closed objects.
    assert validation_errors("GET", "/u/{username}.json", {"user_badges": [], "user": {"surprise": 1}})


@pytest.mark.parametrize("flag", ["active", "staff", "admins", "moderators", "suspended", "silenced", "staged", "new"])
def test_admin_user_lists(client, flag):
    response = client.get(f"/admin/users/list/{flag}.json?page=1&show_emails=true", headers=H)
    assert response.status_code == 200
    body = response.get_json()
    if flag in ("active", "staff", "admins", "moderators", "staged", "suspended", "silenced"):
        assert body, f"the seeded network should have {flag} users"
    if body:  # the schema demands minItems 1; an exhausted list is [] in Discourse
        assert_valid("GET", "/admin/users/list/{flag}.json", body)
        assert all("email" in u for u in body)


def test_every_user_profile(client):
    forum = client.forum
    for user in list(forum.users.values()):
        response = client.get(f"/u/{user.username}.json", headers=H)
        assert response.status_code == 200
        assert_valid("GET", "/u/{username}.json", response.get_json())


def test_site_and_basic_info(client):
    assert_valid("GET", "/site.json", client.get("/site.json", headers=H).get_json())
    assert_valid("GET", "/site/basic-info.json", client.get("/site/basic-info.json", headers=H).get_json())


def test_groups_and_members(client):
    body = client.get("/groups.json", headers=H).get_json()
    assert_valid("GET", "/groups.json", body)
    for group in client.forum.groups.values():
        shown = client.get(f"/groups/{group.name}.json", headers=H)
        assert_valid("GET", "/groups/{name}.json", shown.get_json())
        members = client.get(f"/groups/{group.name}/members.json?limit=1000&offset=0", headers=H)
        assert_valid("GET", "/groups/{name}/members.json", members.get_json())


def test_latest_posts_all_pages(client):
    before = None
    pages = 0
    while True:
        url = "/posts.json" + (f"?before={before}" if before else "")
        body = client.get(url, headers=H).get_json()
        assert_valid("GET", "/posts.json", body)
        pages += 1
        if len(body["latest_posts"]) < 50:
            break
        before = body["latest_posts"][-1]["id"] - 1
    assert pages > 1


def test_topic_lists_and_every_topic(client):
    page = 0
    while True:
        body = client.get(f"/latest.json?per_page=100&page={page}", headers=H).get_json()
        assert_valid("GET", "/latest.json", body)
        if "more_topics_url" not in body["topic_list"]:
            break
        page += 1
    for topic in list(client.forum.topics.values()):
        shown = client.get(f"/t/{topic.id}.json", headers=H)
        assert shown.status_code == 200
        assert_valid("GET", "/t/{id}.json", shown.get_json())


def test_user_actions(client):
    checked = 0
    for username in [u.username for u in client.forum.users.values()][:40]:
        for filters in ("1", "4,5"):
            body = client.get(
                f"/user_actions.json?username={username}&filter={filters}&offset=0&limit=50", headers=H
            ).get_json()
            assert_valid("GET", "/user_actions.json", body)
            checked += len(body["user_actions"])
    assert checked > 0


def test_private_message_lists(client):
    for user in list(client.forum.users.values())[:40]:
        for kind in ("private-messages", "private-messages-sent"):
            body = client.get(f"/topics/{kind}/{user.username}.json", headers=H).get_json()
            assert_valid("GET", f"/topics/{kind}/{{username}}.json", body)


def test_writes(client):
    forum = client.forum
    member = next(
        u for u in forum.users.values() if u.id > 0 and not u.staged and not u.staff and u.suspended_till is None
    )
    topic = client.post(
        "/posts.json",
        headers=H,
        json={
            "title": "Lean Coffee im Mai",
            "raw": "Wer macht beim nächsten Lean Coffee mit?",
            "category": 2,
            "tags": ["lean-coffee"],
            "external_id": "circle-7",
        },
    )
    assert topic.status_code == 200
    assert_valid("POST", "/posts.json", topic.get_json())
    reply = client.post(
        "/posts.json",
        headers=H,
        json={"topic_id": topic.get_json()["topic_id"], "raw": "Ich bin dabei!", "reply_to_post_number": 1},
    )
    assert_valid("POST", "/posts.json", reply.get_json())
    pm = client.post(
        "/posts.json",
        headers=H,
        data={
            "title": "Dein Vorschlag der Woche",
            "raw": "Hallo! Schau mal: https://example.org/x",
            "archetype": "private_message",
            "target_recipients": member.username,
        },
    )
    assert_valid("POST", "/posts.json", pm.get_json())
    pm_topic = client.get(f"/t/{pm.get_json()['topic_id']}.json", headers=H)
    assert_valid("GET", "/t/{id}.json", pm_topic.get_json())
    shown = client.get(f"/posts/{pm.get_json()['id']}.json", headers=H)
    assert shown.status_code == 200 and shown.get_json()["raw"].startswith("Hallo!")
    assert_valid("GET", "/posts/{id}.json", shown.get_json())
    outsider = next(
        u
        for u in forum.users.values()
        if u.id > 0 and u.username != member.username and not u.staff and not u.staged and u.suspended_till is None
    )
    hidden = client.get(f"/posts/{pm.get_json()['id']}.json", headers={**H, "Api-Username": outsider.username})
    assert hidden.status_code == 403
    edited = client.put(f"/posts/{reply.get_json()['id']}.json", headers=H, json={"post": {"raw": "Dabei!!"}})
    assert_valid("PUT", "/posts/{id}.json", edited.get_json())
    liked = client.post(
        "/post_actions.json",
        headers={**H, "Api-Username": member.username},
        data={"id": reply.get_json()["id"], "post_action_type_id": 2},
    )
    assert liked.status_code == 200
    assert_valid("POST", "/post_actions.json", liked.get_json())

    created = client.post(
        "/admin/groups.json",
        headers=H,
        json={
            "group": {
                "name": "zirkel-7",
                "full_name": "Zirkel 7",
                "usernames": member.username,
                "visibility_level": 0,
                "messageable_level": 99,
            }
        },
    )
    assert created.status_code == 200
    assert_valid("POST", "/admin/groups.json", created.get_json())
    group_id = created.get_json()["basic_group"]["id"]
    updated = client.put(f"/groups/{group_id}.json", headers=H, json={"group": {"bio_raw": "Neu"}})
    assert_valid("PUT", "/groups/{id}.json", updated.get_json())
    other = next(u for u in forum.users.values() if u.id > 0 and u.id != member.id and not u.staged)
    added = client.put(f"/groups/{group_id}/members.json", headers=H, data={"usernames": other.username})
    assert_valid("PUT", "/groups/{id}/members.json", added.get_json())
    removed = client.delete(f"/groups/{group_id}/members.json", headers=H, data={"usernames": other.username})
    assert_valid("DELETE", "/groups/{id}/members.json", removed.get_json())

    badge = client.post(
        "/admin/badges.json",
        headers=H,
        data={
            "name": "Brückenbauer:in",
            "badge_type_id": 3,
            "description": "Hat drei Verwaltungen verbunden",
            "icon": "fa-bridge",
            "multiple_grant": "false",
            "listable": "true",
            "allow_title": "false",
        },
    )
    assert badge.status_code == 200
    assert_valid("POST", "/admin/badges.json", badge.get_json())
    assert_valid("GET", "/admin/badges.json", client.get("/admin/badges.json", headers=H).get_json())
    grant = client.post(
        "/user_badges.json",
        headers=H,
        data={
            "username": member.username,
            "badge_id": badge.get_json()["badge"]["id"],
            "reason": f"http://localhost/t/{topic.get_json()['topic_slug']}/{topic.get_json()['topic_id']}",
        },
    )
    assert grant.status_code == 200
    shown = client.get(f"/user-badges/{member.username}.json", headers=H)
    assert_valid("GET", "/user-badges/{username}.json", shown.get_json())
    assert badge.get_json()["badge"]["id"] in [b["badge_id"] for b in shown.get_json()["user_badges"]]
