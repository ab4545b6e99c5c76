"""Behaviour of the sandbox's API: auth, error bodies, pagination, writes, rate limits, faults, Data Explorer."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from sandbox import ForumState, SandboxSettings, create_app
from tests.support.sandbox import API_HEADERS, make_client

H = API_HEADERS
NOT_PERMITTED = {"errors": ["You are not permitted to view the requested resource."], "error_type": "invalid_access"}


@pytest.fixture(scope="module")
def client():
    return make_client(members=250, seed=5)


def _regular_member(forum, skip=()):
    return next(
        u
        for u in forum.users.values()
        if u.id > 0 and not u.staged and not u.staff and u.suspended_till is None and u.username not in skip
    )


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Api-Key": "wrong", "Api-Username": "system"},
        {"Api-Key": "sandbox-api-key", "Api-Username": "nobody-here"},
        {"Api-Key": "sandbox-api-key"},
    ],
)
def test_missing_or_wrong_credentials_get_discourses_403(client, headers):
    response = client.get("/site.json", headers=headers)
    assert response.status_code == 403
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert response.get_json() == NOT_PERMITTED


def test_credentials_in_the_query_string_are_refused(client):
    response = client.get("/site.json?api_key=sandbox-api-key&api_username=system")
    assert response.status_code == 403


def test_non_staff_user_cannot_use_admin_endpoints(client):
    member = _regular_member(client.forum)
    headers = {**H, "Api-Username": member.username}
    assert client.get("/admin/users/list/active.json", headers=headers).status_code == 403
    assert client.post("/admin/badges.json", headers=headers, data={"name": "x", "badge_type_id": 3}).status_code == 403
    assert client.get("/site.json", headers=headers).status_code == 200


def test_unknown_things_get_discourses_404(client):
    expected = {"errors": ["The requested URL or resource could not be found."], "error_type": "not_found"}
    for url in (
        "/u/nobody-here.json",
        "/t/999999.json",
        "/groups/nope.json",
        "/no/such/route.json",
        "/t/external_id/never-used.json",
        "/user-badges/nobody-here.json",
    ):
        response = client.get(url, headers=H)
        assert response.status_code == 404, url
        assert response.headers["Content-Type"] == "application/json; charset=utf-8"
        assert response.get_json() == expected, url


def test_admin_user_list_pages_of_100_from_page_1(client):
    seen = []
    page = 1
    while True:
        body = client.get(f"/admin/users/list/active.json?page={page}&show_emails=true", headers=H).get_json()
        seen.extend(u["id"] for u in body)
        if len(body) < 100:
            break
        assert len(body) == 100
        page += 1
    forum = client.forum
    # lib/admin_user_index_query.rb: "active" filters nothing (system, discobot, staged, inactive all listed).
    expected = set(forum.users)
    assert {-1, -2} <= expected and any(u.staged for u in forum.users.values())
    assert any(not u.active and not u.staged for u in forum.users.values())
    assert len(seen) == len(set(seen)), "pages overlap"
    assert set(seen) == expected
    assert page == len(expected) // 100 + 1
    # Ordered by last_seen_at DESC NULLS LAST.
    seen_at = [forum.users[i].last_seen_at for i in seen]
    known = [t for t in seen_at if t is not None]
    assert known == sorted(known, reverse=True) and all(t is None for t in seen_at[len(known) :])
    assert client.get(f"/admin/users/list/active.json?page={page + 1}", headers=H).get_json() == []


def test_emails_only_with_show_emails(client):
    body = client.get("/admin/users/list/active.json?page=1", headers=H).get_json()
    assert all("email" not in u for u in body)
    body = client.get("/admin/users/list/active.json?page=1&show_emails=true", headers=H).get_json()
    forum = client.forum
    assert all(u["email"] == forum.users[u["id"]].email for u in body)


def test_suspended_and_staged_lists_hold_only_those_users(client):
    suspended = client.get("/admin/users/list/suspended.json", headers=H).get_json()
    assert suspended and all(u["suspended_till"] for u in suspended)
    staged = client.get("/admin/users/list/staged.json", headers=H).get_json()
    assert staged and all(u["staged"] for u in staged)


def test_user_profile_carries_fields_groups_bio_ignores(client):
    forum = client.forum
    ignorer = next(u for u in forum.users.values() if u.ignored_user_ids)
    body = client.get(f"/u/{ignorer.username}.json", headers=H).get_json()["user"]
    assert body["ignored_usernames"] == [forum.users[i].username for i in ignorer.ignored_user_ids]
    assert body["user_fields"]["1"] == ignorer.user_fields["1"]
    assert set(body["user_fields"]) == {"1", "2", "3"}
    org_group = next(g for g in forum.groups.values() if g.full_name == ignorer.user_fields["1"])
    assert org_group.name in [g["name"] for g in body["groups"]]
    if ignorer.bio_raw:
        assert body["bio_raw"] == ignorer.bio_raw


def test_site_lists_user_fields_and_categories(client):
    body = client.get("/site.json", headers=H).get_json()
    fields = {f["name"]: f for f in body["user_fields"]}
    assert fields["Verwaltung"]["field_type"] == "dropdown"
    assert "Kreis Wesel" in fields["Verwaltung"]["options"]
    assert fields["Arbeitsschwerpunkt"]["field_type"] == "text"
    assert fields["Fachbereich"]["field_type"] == "dropdown"
    assert {"Allgemein", "Austausch", "Zirkel", "Veranstaltungen"} <= {c["name"] for c in body["categories"]}


def test_group_members_paging_and_limit(client):
    forum = client.forum
    group = max((g for g in forum.groups.values() if not g.automatic), key=lambda g: len(g.members))
    first = client.get(f"/groups/{group.name}/members.json?limit=5&offset=0", headers=H).get_json()
    second = client.get(f"/groups/{group.name}/members.json?limit=5&offset=5", headers=H).get_json()
    assert first["meta"] == {"total": len(group.members), "limit": 5, "offset": 0}
    ids = [m["id"] for m in first["members"] + second["members"]]
    assert ids == list(group.members)[:10]
    too_many = client.get(f"/groups/{group.name}/members.json?limit=1001", headers=H)
    assert too_many.status_code == 400
    assert too_many.get_json()["error_type"] == "invalid_parameters"


def test_posts_json_is_50_newest_public_posts_with_inclusive_before(client):
    forum = client.forum
    newest = client.get("/posts.json", headers=H).get_json()["latest_posts"]
    assert len(newest) == 50
    ids = [p["id"] for p in newest]
    assert ids == sorted(ids, reverse=True)
    public = [
        p.id for p in forum.posts.values() if p.deleted_at is None and not forum.topics[p.topic_id].is_private_message
    ]
    assert ids == sorted(public, reverse=True)[:50]
    before = ids[10]
    page = client.get(f"/posts.json?before={before}", headers=H).get_json()["latest_posts"]
    assert page[0]["id"] == before
    assert all("raw" in p and "category_id" in p for p in page)


def test_latest_topics_paging_has_no_overlap_and_accepts_tag_objects(client):
    forum = client.forum
    seen = []
    page = 0
    while True:
        body = client.get(f"/latest.json?per_page=100&page={page}", headers=H).get_json()
        seen.extend(t["id"] for t in body["topic_list"]["topics"])
        if "more_topics_url" not in body["topic_list"]:
            break
        page += 1
    public = {t.id for t in forum.topics.values() if not t.is_private_message}
    assert sorted(seen) == sorted(public)
    shown = client.get(f"/t/{seen[0]}.json", headers=H).get_json()
    assert all(set(tag) == {"id", "name", "slug"} for tag in shown["tags"])


def test_legacy_tag_strings_option():
    legacy = make_client(members=30, legacy_tag_strings=True)
    topic = next(t for t in legacy.forum.topics.values() if t.tags)
    shown = legacy.get(f"/t/{topic.id}.json", headers=H).get_json()
    assert shown["tags"] == topic.tags


def test_likes_given_through_user_actions(client):
    forum = client.forum
    liker_id, likes = max(forum.likes_by_user.items(), key=lambda item: len(item[1]))
    liker = forum.users[liker_id]
    collected = []
    offset = 0
    while True:
        body = client.get(
            f"/user_actions.json?username={liker.username}&filter=1&offset={offset}&limit=7", headers=H
        ).get_json()["user_actions"]
        collected.extend(a["post_id"] for a in body)
        if len(body) < 7:
            break
        offset += 7
    assert sorted(collected) == sorted(like.post_id for like in likes)
    missing = client.get("/user_actions.json?filter=1", headers=H)
    assert missing.status_code == 400


def test_private_message_with_target_recipients_lands_in_the_inbox(client):
    forum = client.forum
    member = _regular_member(forum)
    org_group = next(g for g in forum.groups.values() if member.id in g.members)
    response = client.post(
        "/posts.json",
        headers=H,
        data={
            "title": "Dein Rebellen-Vorschlag",
            "raw": "Hallo, das ist ein Test. https://companion.example/v/1",
            "archetype": "private_message",
            "target_recipients": f"{member.username},{org_group.name}",
        },
    )
    assert response.status_code == 200
    topic_id = response.get_json()["topic_id"]
    inbox = forum.inbox(member.username)
    assert inbox[0].topic_id == topic_id and inbox[0].from_username == "system"
    other_member = next(uid for uid in org_group.members if uid != member.id)
    assert topic_id in [m.topic_id for m in forum.inbox(forum.users[other_member].username)]
    sent = client.get("/topics/private-messages-sent/system.json", headers=H).get_json()
    assert topic_id in [t["id"] for t in sent["topic_list"]["topics"]]
    received = client.get(f"/topics/private-messages/{member.username}.json", headers=H).get_json()
    assert received["topic_list"]["topics"][0]["title"] == "Dein Rebellen-Vorschlag"


def test_private_message_rules(client):
    member = _regular_member(client.forum)
    old_style = client.post(
        "/posts.json",
        headers=H,
        data={
            "title": "Alt",
            "raw": "Alter Parameter",
            "archetype": "private_message",
            "target_usernames": member.username,
        },
    )
    assert old_style.status_code == 422
    unknown = client.post(
        "/posts.json",
        headers=H,
        data={
            "title": "Niemand",
            "raw": "An niemanden",
            "archetype": "private_message",
            "target_recipients": "nobody-x",
        },
    )
    assert unknown.status_code == 422
    assert unknown.get_json()["errors"]


def _forum_at(moment, **settings):
    from sandbox.seed import seed_network

    forum = ForumState(SandboxSettings(members=20, admin_requests_per_minute=0, **settings), clock=lambda: moment[0])
    seed_network(forum, 20, 4, 1)
    return forum


def test_identical_bodies_within_120_seconds_are_refused_to_members_but_not_to_staff():
    moment = [datetime(2030, 1, 1, tzinfo=UTC)]
    forum = _forum_at(moment)
    client = create_app(state=forum).test_client()
    member = _regular_member(forum)
    other = _regular_member(forum, skip={member.username})
    as_member = {**H, "Api-Username": member.username}
    body = {"title": "Hallo", "raw": "Gleicher Text", "archetype": "private_message"}
    assert (
        client.post("/posts.json", headers=as_member, data={**body, "target_recipients": other.username}).status_code
        == 200
    )
    moment[0] += timedelta(seconds=119)
    # Another request (another recipient) with the same body: the unique-post check refuses a member ...
    again = client.post("/posts.json", headers=as_member, data={**body, "target_recipients": "system"})
    assert again.status_code == 422
    assert again.get_json() == {"errors": ["Body is too similar to what you recently posted"]}
    moment[0] += timedelta(seconds=2)
    assert (
        client.post("/posts.json", headers=as_member, data={**body, "target_recipients": "system"}).status_code == 200
    )
    # ... but staff are exempt (lib/validators/post_validator.rb).
    first = client.post("/posts.json", headers=H, data={**body, "target_recipients": member.username})
    second = client.post("/posts.json", headers=H, data={**body, "target_recipients": other.username})
    assert first.status_code == second.status_code == 200
    assert first.get_json()["id"] != second.get_json()["id"]


def test_an_identical_api_request_within_120_seconds_gets_the_same_post_back():
    moment = [datetime(2030, 1, 1, tzinfo=UTC)]
    forum = _forum_at(moment)
    client = create_app(state=forum).test_client()
    body = {"title": "Hallo", "raw": "Gleicher Text", "archetype": "private_message"}
    body["target_recipients"] = _regular_member(forum).username
    first = client.post("/posts.json", headers=H, data=body).get_json()
    moment[0] += timedelta(seconds=119)
    assert client.post("/posts.json", headers=H, data=body).get_json()["id"] == first["id"]
    moment[0] += timedelta(seconds=2)
    assert client.post("/posts.json", headers=H, data=body).get_json()["id"] != first["id"]


def test_pm_titles_are_cleaned_and_external_ids_unique_for_pms_too():
    moment = [datetime(2030, 1, 1, tzinfo=UTC)]
    forum = _forum_at(moment)
    client = create_app(state=forum).test_client()
    body = {"raw": "Text eins", "archetype": "private_message", "target_recipients": _regular_member(forum).username}
    created = client.post(
        "/posts.json", headers=H, data={**body, "title": "WICHTIG!!! BITTE LESEN...", "external_id": "Pm-1"}
    )
    topic = forum.topics[created.get_json()["topic_id"]]
    assert topic.title == "Wichtig! bitte lesen"
    again = client.post(
        "/posts.json", headers=H, data={**body, "raw": "Text zwei", "title": "x y z", "external_id": "pm-1"}
    )
    assert again.status_code == 422
    assert again.get_json()["errors"] == ["External ID has already been taken"]
    found = client.get("/t/external_id/pm-1.json", headers=H)
    assert found.status_code == 301 and found.headers["Location"].endswith(f"/{topic.id}.json")


def test_late_landing_posts_are_created_after_the_delay():
    from sandbox.faults import FaultInjector

    faults = FaultInjector()
    faults.land_late_next(1, 2.5)
    faults.set_post_latency(0.3, 0.5)
    assert faults.take_post_delay() == 2.5
    assert all(0.3 <= faults.take_post_delay() <= 0.5 for _ in range(20))
    faults.reset()
    assert faults.take_post_delay() == 0.0


def test_topic_with_external_id_redirects(client):
    created = client.post(
        "/posts.json",
        headers=H,
        json={
            "title": "Zirkel Herbst: Treffen 1",
            "raw": "Wir treffen uns in Essen.",
            "category": 4,
            "tags": ["zirkel"],
            "external_id": "season-3-circle-1",
        },
    ).get_json()
    response = client.get("/t/external_id/season-3-circle-1.json", headers=H)
    assert response.status_code == 301
    assert response.headers["Location"].endswith(f"/t/{created['topic_slug']}/{created['topic_id']}.json")
    followed = client.get(response.headers["Location"], headers=H).get_json()
    assert followed["id"] == created["topic_id"] and followed["tags"][0]["name"] == "zirkel"
    again = client.post(
        "/posts.json",
        headers=H,
        json={"title": "Nochmal", "raw": "anderer Text", "category": 4, "external_id": "season-3-circle-1"},
    )
    assert again.status_code == 422


def test_group_membership_changes(client):
    forum = client.forum
    a, b = [u.username for u in forum.users.values() if u.id > 0 and not u.staged][:2]
    created = client.post("/admin/groups.json", headers=H, json={"group": {"name": "zirkel-test", "usernames": a}})
    group_id = created.get_json()["basic_group"]["id"]
    again = client.put(f"/groups/{group_id}/members.json", headers=H, data={"usernames": a})
    assert again.status_code == 422
    assert again.get_json()["errors"] == [f"{a} is already a member of this group."]
    added = client.put(f"/groups/{group_id}/members.json", headers=H, data={"usernames": f"{a},{b}"}).get_json()
    assert added["usernames"] == [b]
    removed = client.delete(f"/groups/{group_id}/members.json", headers=H, data={"usernames": f"{b},{b}"}).get_json()
    assert removed["usernames"] == [b]
    duplicate_name = client.post("/admin/groups.json", headers=H, json={"group": {"name": "zirkel-test"}})
    assert duplicate_name.status_code == 422
    automatic = next(g for g in forum.groups.values() if g.automatic)
    assert client.put(f"/groups/{automatic.id}/members.json", headers=H, data={"usernames": a}).status_code == 422


def test_badge_grant_and_revoke(client):
    forum = client.forum
    member = _regular_member(forum)
    badge = client.post(
        "/admin/badges.json",
        headers=H,
        json={"name": "Zirkel-Pionier:in", "badge_type_id": 2, "description": "Erster Zirkel"},
    ).get_json()["badge"]
    assert badge["id"] >= 100
    duplicate = client.post("/admin/badges.json", headers=H, json={"name": "Zirkel-Pionier:in", "badge_type_id": 2})
    assert duplicate.status_code == 422
    topic = next(t for t in forum.topics.values() if not t.is_private_message)
    grant = client.post(
        "/user_badges.json",
        headers=H,
        data={"username": member.username, "badge_id": badge["id"], "reason": f"/t/{topic.slug}/{topic.id}"},
    )
    assert grant.status_code == 200
    assert [g.badge.name for g in forum.badges_of(member.username)][-1] == "Zirkel-Pionier:in"
    bad_reason = client.post(
        "/user_badges.json",
        headers=H,
        data={"username": member.username, "badge_id": badge["id"], "reason": "https://elsewhere.example/page"},
    )
    # user_badges_controller.rb: a reason that does not route on this forum is 400 (invalid_grant_badge_reason_link).
    assert bad_reason.status_code == 400
    user_badge_id = grant.get_json()["user_badge"]["id"]
    assert client.delete(f"/user_badges/{user_badge_id}.json", headers=H).status_code == 200
    assert "Zirkel-Pionier:in" not in [g.badge.name for g in forum.badges_of(member.username)]


def test_shared_admin_rate_limit_answers_json_429():
    client = make_client(members=20, admin_requests_per_minute=3)
    statuses = [client.get("/site/basic-info.json", headers=H).status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    limited = client.get("/u/system.json", headers=H)
    assert limited.status_code == 429
    body = limited.get_json()
    assert body["error_type"] == "rate_limit" and body["errors"]
    wait = body["extras"]["wait_seconds"]
    assert 1 <= wait <= 60
    assert limited.headers["Retry-After"] == str(wait)
    assert limited.headers["Discourse-Rate-Limit-Error-Code"]
    assert limited.headers["Content-Type"] == "application/json; charset=utf-8"
    assert (client.forum.request_count, client.forum.rate_limited_count) == (3, 1)


def test_rate_limit_window_slides_with_the_clock():
    now = [1000.0]
    forum = ForumState(
        SandboxSettings(members=0, organisations=0, admin_requests_per_minute=2), monotonic=lambda: now[0]
    )
    client = create_app(state=forum).test_client()
    assert client.get("/site.json", headers=H).status_code == 200
    now[0] += 30
    assert client.get("/site.json", headers=H).status_code == 200
    limited = client.get("/site.json", headers=H)
    assert limited.get_json()["extras"]["wait_seconds"] == 30
    now[0] += 30.5
    assert client.get("/site.json", headers=H).status_code == 200


def test_unlimited_when_zero():
    client = make_client(members=10, admin_requests_per_minute=0)
    assert all(client.get("/site/basic-info.json", headers=H).status_code == 200 for _ in range(80))


def test_fault_injection_fail_rate_limit_and_slow():
    client = make_client(members=10)
    faults = client.forum.faults
    faults.fail_next(2, status=503)
    assert [client.get("/site.json", headers=H).status_code for _ in range(3)] == [503, 503, 200]
    faults.rate_limit_next(1, shape="text", wait_seconds=7)
    text = client.get("/site.json", headers=H)
    assert text.status_code == 429 and text.headers["Content-Type"].startswith("text/plain")
    assert text.headers["Retry-After"] == "7" and text.headers["Discourse-Rate-Limit-Error-Code"]
    faults.rate_limit_next(1, shape="json", wait_seconds=4)
    as_json = client.get("/site.json", headers=H)
    assert as_json.get_json()["extras"]["wait_seconds"] == 4
    sleeps = []
    import sandbox.api as api_module

    original = api_module.time.sleep
    api_module.time.sleep = sleeps.append
    try:
        faults.slow_next(1, 2.5)
        assert client.get("/site.json", headers=H).status_code == 200
        assert client.get("/site.json", headers=H).status_code == 200
    finally:
        api_module.time.sleep = original
    assert sleeps == [2.5]
    with pytest.raises(ValueError):
        faults.rate_limit_next(1, shape="xml")


def test_faults_over_http():
    client = make_client(members=10)
    planned = client.post(
        "/sandbox/faults", json={"fail_next": {"n": 1, "status": 500}, "rate_limit_next": {"n": 1, "shape": "json"}}
    )
    assert planned.get_json()["pending"]["fail"] == 1
    assert client.get("/site.json", headers=H).status_code == 500
    assert client.get("/site.json", headers=H).status_code == 429
    assert client.get("/site.json", headers=H).status_code == 200
    client.post("/sandbox/faults", json={"fail_next": {"n": 5}})
    assert client.post("/sandbox/faults", json={"reset": True}).get_json()["pending"]["fail"] == 0
    assert client.post("/sandbox/faults", json={"fail_next": {"n": "many"}}).status_code == 400


def test_data_explorer_is_404_when_disabled(client):
    response = client.get("/admin/plugins/discourse-data-explorer/queries.json", headers=H)
    assert response.status_code == 404
    assert response.get_json()["error_type"] == "not_found"


def test_data_explorer_runs_the_companions_queries():
    from sync import bulk_queries

    now = [0.0]
    forum = ForumState(
        SandboxSettings(members=60, data_explorer=True, admin_requests_per_minute=0, data_explorer_kind="bundled"),
        monotonic=lambda: now[0],
    )
    from sandbox.seed import seed_network

    seed_network(forum, 60, 5, 2)
    client = create_app(state=forum).test_client()
    base = "/admin/plugins/discourse-data-explorer"
    ids = {}
    for query in bulk_queries.ALL_QUERIES:
        saved = client.post(
            f"{base}/queries.json",
            headers=H,
            json={"query": {"name": query.name, "description": query.description, "sql": query.sql}},
        ).get_json()
        ids[query.name] = saved["query"]["id"]
    listed = client.get(f"{base}/queries.json", headers=H).get_json()["queries"]
    assert {q["name"] for q in listed} == set(ids)

    members = client.post(
        f"{base}/queries/{ids[bulk_queries.MEMBERS_QUERY.name]}/run.json",
        headers=H,
        json={"params": json.dumps({"offset": "0"}), "limit": 10000},
    ).get_json()
    assert members["success"] is True
    assert members["columns"] == list(bulk_queries.MEMBERS_QUERY.columns)
    rows = [dict(zip(members["columns"], row)) for row in members["rows"]]
    # The users table holds every account; the companion's population rule picks the members.
    assert [r["uid"] for r in rows] == sorted(forum.users)
    assert members["relations"] == {}, "no column named after a model id, so nothing is serialised"
    someone = next(u for u in forum.users.values() if u.ignored_user_ids or (u.id > 0 and u.user_fields.get("1")))
    row = next(r for r in rows if r["uid"] == someone.id)
    assert json.loads(row["user_fields"]).get("1") == someone.user_fields.get("1")
    assert row["email"] == someone.email

    now[0] += 1
    page = client.post(
        f"{base}/queries/{ids[bulk_queries.MEMBERS_QUERY.name]}/run.json",
        headers=H,
        data={"params": json.dumps({"offset": "50"}), "limit": "10000"},
    ).get_json()
    assert [r[0] for r in page["rows"]] == [r["uid"] for r in rows][50:]
    # A third run within 10 s is over Data Explorer's limit of 2 per 10 s.
    limited = client.post(
        f"{base}/queries/{ids[bulk_queries.LIKES_QUERY.name]}/run.json", headers=H, json={"params": "{}"}
    )
    assert limited.status_code == 429 and limited.get_json()["error_type"] == "rate_limit"

    now[0] += 20
    likes = client.post(
        f"{base}/queries/{ids[bulk_queries.LIKES_QUERY.name]}/run.json",
        headers=H,
        json={"params": "{}", "limit": 10000},
    ).get_json()
    assert likes["columns"] == list(bulk_queries.LIKES_QUERY.columns)
    assert len(likes["rows"]) == len(forum.likes)

    unknown = client.post(
        f"{base}/queries.json",
        headers=H,
        json={"query": {"name": "something else", "description": "", "sql": "SELECT 1"}},
    ).get_json()["query"]["id"]
    now[0] += 20
    rejected = client.post(f"{base}/queries/{unknown}/run.json", headers=H, json={"params": "{}"})
    assert rejected.status_code == 422 and rejected.get_json()["success"] is False
