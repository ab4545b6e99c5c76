"""A small in-memory forum served through `responses`, answering with schema-valid fixtures."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlparse

import responses

from sync.bulk_queries import ALL_QUERIES
from tests.support.synckit import BASE_URL, fixture

JSON_TYPE = "application/json; charset=utf-8"
DE = "/admin/plugins/discourse-data-explorer"
STANDALONE_DE = "/admin/plugins/explorer"


@dataclass
class FakeMember:
    id: int
    username: str
    fields: dict[str, str]
    groups: list[str]
    ignored: list[str] = field(default_factory=list)
    muted: list[str] = field(default_factory=list)


class FakeForum:
    """Registers regex callbacks on a RequestsMock; keeps posts, groups, badges and grants in memory."""

    def __init__(self, rsps: responses.RequestsMock, members: int = 3, *, data_explorer: bool = False) -> None:
        self.rsps = rsps
        self.data_explorer = data_explorer
        self.connect_provider = True
        self.user_fields = [
            {
                "id": 1,
                "name": "Verwaltung",
                "field_type": "dropdown",
                "description": "Arbeitgeber",
                "options": ["Stadt Essen", "Kreis Wesel"],
                "editable": True,
                "required": False,
            },
            {
                "id": 2,
                "name": "Interessen",
                "field_type": "text",
                "description": "",
                "editable": True,
                "required": False,
            },
        ]
        self.members = [
            FakeMember(
                i,
                f"user{i}",
                {"1": "Stadt Essen" if i % 2 else "Kreis Wesel", "2": f"Thema {i}"},
                ["essen" if i % 2 else "wesel"],
                ignored=["user1"] if i == 2 else [],
            )
            for i in range(1, members + 1)
        ]
        self.groups = [{"id": 41, "name": "essen"}, {"id": 42, "name": "wesel"}]
        self.posts: list[dict[str, Any]] = [
            {
                "id": i,
                "topic_id": 100 + (i - 1) // 3,
                "post_number": 1 + (i - 1) % 3,
                "username": "user1",
                "raw": f"Beitrag {i}",
                "title": f"Thema {100 + (i - 1) // 3}",
                "category_id": 5,
                "archetype": "regular",
                "tags": [{"id": 1, "name": "ki", "slug": "ki"}],
                "external_id": None,
            }
            for i in range(1, 121)
        ]
        self.badges: list[dict[str, Any]] = [{"id": 101, "name": "Brückenbauer", "badge_type_id": 3}]
        self.grants: list[dict[str, Any]] = []
        self.queries: list[dict[str, Any]] = []
        self.fail_next: dict[tuple[str, str], list[Callable[[], Any]]] = {}
        self._register()

    # --- helpers -----------------------------------------------------------------

    def inject(self, method: str, path_regex: str, *outcomes: Any) -> None:
        """Make the next requests matching method+regex fail: an exception instance or (status, body)."""
        self.fail_next.setdefault((method, path_regex), []).extend(outcomes)

    def _route(self, method: str, pattern: str, handler: Callable[..., Any]) -> None:
        regex = re.compile(re.escape(BASE_URL) + pattern + r"(\?.*)?$")

        def callback(request):
            for (m, rx), queue in self.fail_next.items():
                if m == method and re.search(rx, urlparse(request.url).path) and queue:
                    outcome = queue.pop(0)
                    if isinstance(outcome, tuple) and outcome and outcome[0] == "after":
                        self._dispatch(handler, regex, request)  # the forum did it, the answer got lost
                        raise outcome[1]
                    if isinstance(outcome, Exception):
                        raise outcome
                    status, body = outcome
                    return status, {"Content-Type": JSON_TYPE}, json.dumps(body)
            return self._dispatch(handler, regex, request)

        self.rsps.add_callback(method, regex, callback=callback)

    def _dispatch(self, handler, regex, request):
        match = regex.match(request.url)
        query = {k: v[0] for k, v in parse_qs(urlparse(request.url).query).items()}
        body = json.loads(request.body) if request.body else {}
        result = handler(*match.groups()[:-1], query=query, body=body)
        if isinstance(result, tuple):
            status, payload, *headers = result
            return status, {"Content-Type": JSON_TYPE, **(headers[0] if headers else {})}, json.dumps(payload)
        return 200, {"Content-Type": JSON_TYPE}, json.dumps(result)

    def member(self, username: str) -> FakeMember | None:
        return next((m for m in self.members if m.username == username), None)

    # --- endpoints ---------------------------------------------------------------

    def _register(self) -> None:
        r = self._route
        r("GET", r"/site\.json", lambda query, body: fixture("site_response", user_fields=self.user_fields))
        r("GET", r"/site/basic-info\.json", lambda query, body: fixture("site_basic_info_response", title="Rebellen"))
        r("GET", r"/admin/users/list/(\w+)\.json", self._admin_list)
        r("GET", r"/u/([^/]+)\.json", self._user)
        r("GET", r"/groups\.json", self._groups)
        r("GET", r"/groups/([^/]+)/members\.json", self._group_members)
        r("GET", r"/groups/([^/.]+)\.json", self._group)
        r("POST", r"/admin/groups\.json", self._create_group)
        r("PUT", r"/groups/(\d+)\.json", lambda gid, query, body: fixture("success_ok_response", success="OK"))
        r("PUT", r"/groups/(\d+)/members\.json", self._add_members)
        r("DELETE", r"/groups/(\d+)/members\.json", self._remove_members)
        r("GET", r"/posts\.json", self._latest_posts)
        r("POST", r"/posts\.json", self._create_post)
        r("GET", r"/posts/(\d+)\.json", self._post)
        r("GET", r"/latest\.json", self._latest)
        r("GET", r"/t/external_id/([^/]+)\.json", self._by_external_id)
        r("GET", r"/t/(\d+)\.json", self._topic)
        r("GET", r"/topics/private-messages-sent/([^/]+)\.json", self._sent)
        r("GET", r"/user_actions\.json", self._user_actions)
        r("GET", r"/admin/badges\.json", self._badges)
        r("POST", r"/admin/badges\.json", self._create_badge)
        r("POST", r"/user_badges\.json", self._grant)
        r("GET", r"/user-badges/([^/]+)\.json", self._user_badges)
        r("GET", r"/admin/api/web_hooks\.json", lambda query, body: (404, {"errors": ["not found"]}))
        r(
            "GET",
            r"/admin/site_settings\.json",
            lambda query, body: {
                "site_settings": [{"setting": "enable_discourse_connect_provider", "value": self.connect_provider}]
            },
        )
        r(
            "GET",
            r"/admin/config/site_settings\.json",
            lambda query, body: {
                "site_settings": [
                    {"setting": "enable_discourse_connect_provider", "value": self.connect_provider},
                    {"setting": "retry_web_hook_events", "value": False},
                ]
            },
        )
        for prefix in (DE, STANDALONE_DE):
            r("GET", prefix + r"/queries\.json", self._queries)
            r("POST", prefix + r"/queries\.json", self._save_query)
            r("POST", prefix + r"/queries/(\d+)/run\.json", self._run_query)

    def _admin_list(self, flag, query, body):
        page = int(query.get("page", 1))
        chunk = self.members[(page - 1) * 100 : page * 100]
        if not chunk:
            return []  # Discourse answers an empty list past the end (the schema wants >= 1 item)
        return [
            fixture(
                "admin_user_list_response",
                "items",
                id=m.id,
                username=m.username,
                email=f"{m.username}@example.org",
                trust_level=1,
                active=True,
            )
            for m in chunk
        ]

    def _user(self, username, query, body):
        m = self.member(username)
        if m is None and username != "system":
            return 404, {"errors": ["The requested URL or resource could not be found."], "error_type": "not_found"}
        if m is None:
            return fixture("user_get_response", user={"id": -1, "username": "system", "admin": True})
        groups = [fixture("user_get_response", "user", "groups", "items", id=41, name=g) for g in m.groups]
        return fixture(
            "user_get_response",
            user={
                "id": m.id,
                "username": m.username,
                "user_fields": m.fields,
                "groups": groups,
                "ignored_usernames": m.ignored,
                "muted_usernames": m.muted,
                "locale": "de",
                "name": m.username.title(),
            },
            # As admin, Discourse adds bio_raw; the published schema does not list it.
            _beyond_schema={"user": {"bio_raw": "Ich mag Daten"}},
        )

    def _groups(self, query, body):
        page = int(query.get("page", 0))
        items = [
            fixture("groups_list_response", "groups", "items", id=g["id"], name=g["name"], display_name=g["name"])
            for g in (self.groups if page == 0 else [])
        ]
        return fixture(
            "groups_list_response", groups=items, total_rows_groups=len(self.groups), load_more_groups="/groups?page=1"
        )

    def _group(self, name, query, body):
        group = next((g for g in self.groups if g["name"] == name), None)
        if group is None:
            return 404, {"errors": ["not found"], "error_type": "not_found"}
        return fixture("group_response", group={"id": group["id"], "name": name})

    def _group_members(self, name, query, body):
        members = [m for m in self.members if name in m.groups]
        offset, limit = int(query.get("offset", 0)), int(query.get("limit", 50))
        page = members[offset : offset + limit]
        items = [fixture("group_members_response", "members", "items", id=m.id, username=m.username) for m in page]
        return fixture(
            "group_members_response",
            members=items,
            owners=items[:1],
            meta={"total": len(members), "limit": limit, "offset": offset},
        )

    def _create_group(self, query, body):
        name = body["group"]["name"]
        if any(g["name"] == name for g in self.groups):
            return 422, {"errors": ["Name has already been taken"], "error_type": "invalid_parameters"}
        group = {"id": 40 + len(self.groups) + 1, "name": name}
        self.groups.append(group)
        return fixture("group_create_response", basic_group={"id": group["id"], "name": name})

    def _add_members(self, gid, query, body):
        names = body["usernames"].split(",")
        group = next(g for g in self.groups if g["id"] == int(gid))
        new = [n for n in names if (m := self.member(n)) and group["name"] not in m.groups]
        if not new:
            return 422, {
                "errors": [f"{names[0]} is already a member of this group"],
                "error_type": "invalid_parameters",
            }
        for n in new:
            self.member(n).groups.append(group["name"])
        return fixture("group_add_members_response", success="OK", usernames=new, emails=[])

    def _remove_members(self, gid, query, body):
        names = body["usernames"].split(",")
        group = next(g for g in self.groups if g["id"] == int(gid))
        removed = [n for n in names if (m := self.member(n)) and group["name"] in m.groups]
        for n in removed:
            self.member(n).groups.remove(group["name"])
        return fixture(
            "group_remove_members_response",
            success="OK",
            usernames=removed,
            skipped_usernames=[n for n in names if n not in removed],
        )

    def _post_item(self, p):
        return fixture(
            "latest_posts_response",
            "latest_posts",
            "items",
            id=p["id"],
            topic_id=p["topic_id"],
            post_number=p["post_number"],
            username=p["username"],
            raw=p["raw"],
            topic_title=p["title"],
            category_id=p["category_id"] or 0,
            created_at="2024-05-01T10:00:00.000Z",
        )

    def _public_posts(self):
        return [p for p in self.posts if p["archetype"] != "private_message"]

    def _latest_posts(self, query, body):
        before = int(query["before"]) if "before" in query else None
        posts = [p for p in sorted(self._public_posts(), key=lambda p: -p["id"]) if before is None or p["id"] <= before]
        return fixture("latest_posts_response", latest_posts=[self._post_item(p) for p in posts[:50]])

    def _create_post(self, query, body):
        for p in self.posts[-20:]:
            if p["raw"] == body.get("raw") and p["username"] == "system":
                return 422, {"errors": ["Body is too similar to what you recently posted"], "action": "create_post"}
        if body.get("external_id") and any(p["external_id"] == body["external_id"] for p in self.posts):
            return 422, {"errors": ["External id has already been taken"]}
        post_id = max(p["id"] for p in self.posts) + 1
        topic_id = max(p["topic_id"] for p in self.posts) + 1
        private = body.get("archetype") == "private_message"
        self.posts.append(
            {
                "id": post_id,
                "topic_id": topic_id,
                "post_number": 1,
                "username": "system",
                "raw": body["raw"],
                "title": body.get("title", ""),
                "category_id": body.get("category"),
                "archetype": "private_message" if private else "regular",
                "tags": [{"id": 9, "name": t, "slug": t} for t in body.get("tags", [])],
                "external_id": body.get("external_id"),
                "recipients": body.get("target_recipients"),
            }
        )
        return fixture("topic_create_response", id=post_id, topic_id=topic_id, username="system", raw=body["raw"])

    def _post(self, post_id, query, body):
        p = next((p for p in self.posts if p["id"] == int(post_id)), None)
        if p is None:
            return 404, {"errors": ["not found"]}
        return fixture("post_show_response", id=p["id"], topic_id=p["topic_id"], raw=p["raw"], username=p["username"])

    def _topic_json(self, topic_id: int):
        first = next((p for p in self.posts if p["topic_id"] == topic_id and p["post_number"] == 1), None)
        if first is None:
            return None
        post = fixture("topic_show_response", "post_stream", "posts", "items", id=first["id"], topic_id=topic_id)
        return fixture(
            "topic_show_response",
            id=topic_id,
            title=first["title"],
            category_id=first["category_id"] or 0,
            tags=first["tags"],
            post_stream={"posts": [post], "stream": [first["id"]]},
            archetype=first["archetype"],
        )

    def _topic(self, topic_id, query, body):
        topic = self._topic_json(int(topic_id))
        return topic if topic is not None else (404, {"errors": ["not found"]})

    def _by_external_id(self, external_id, query, body):
        p = next((p for p in self.posts if p["external_id"] == external_id), None)
        if p is None:
            return 404, {"errors": ["not found"]}
        return 301, {}, {"Location": f"{BASE_URL}/t/some-slug/{p['topic_id']}.json"}

    def _topic_list_item(self, p):
        return {
            "id": p["topic_id"],
            "title": p["title"],
            "fancy_title": p["title"],
            "created_at": "2024-05-01T10:00:00.000Z",
            "category_id": p["category_id"],
            "archetype": p["archetype"],
            "tags": [t["name"] for t in p["tags"]],  # old Discourse: tags as plain strings
            "posters": [{"user_id": 1, "extras": "latest", "description": "Original Poster"}],
        }

    def _latest(self, query, body):
        page, per_page = int(query.get("page", 0)), int(query.get("per_page", 30))
        firsts = [p for p in self._public_posts() if p["post_number"] == 1][::-1]
        chunk = firsts[page * per_page : (page + 1) * per_page]
        return {
            "users": [{"id": 1, "username": "user1", "name": None, "avatar_template": ""}],
            "topic_list": {"per_page": per_page, "topics": [self._topic_list_item(p) for p in chunk]},
        }

    def _sent(self, username, query, body):
        sent = [p for p in self.posts if p["archetype"] == "private_message" and p["username"] == username][::-1]
        topics = [
            {
                "id": p["topic_id"],
                "title": p["title"],
                "created_at": "2099-01-01T00:00:00.000Z",
                "archetype": "private_message",
            }
            for p in sent
        ]
        return {"users": [], "topic_list": {"per_page": 30, "topics": topics}}

    def _user_actions(self, query, body):
        if int(query.get("offset", 0)) > 0:
            return fixture("user_actions_response", user_actions=[])
        item = fixture(
            "user_actions_response",
            "user_actions",
            "items",
            action_type=1,
            post_id=None,
            acting_username=query["username"],
            topic_id=100,
        )
        item["post_id"] = 3  # the schema says string|null; Discourse sends the integer id
        return {"user_actions": [item]}

    def _badge_item(self, b, schema="badge_list_response"):
        return fixture(schema, "badges", "items", id=b["id"], name=b["name"], badge_type_id=b["badge_type_id"])

    def _badges(self, query, body):
        return fixture("badge_list_response", badges=[self._badge_item(b) for b in self.badges])

    def _create_badge(self, query, body):
        badge = {"id": 100 + len(self.badges) + 1, "name": body["name"], "badge_type_id": body["badge_type_id"]}
        self.badges.append(badge)
        return fixture(
            "badge_create_response",
            badge={"id": badge["id"], "name": badge["name"], "badge_type_id": badge["badge_type_id"]},
        )

    def _grant(self, query, body):
        m = self.member(body["username"])
        grant = {"id": 500 + len(self.grants), "badge_id": body["badge_id"], "user_id": m.id, "username": m.username}
        self.grants.append(grant)
        return {
            "user_badge": {
                "id": grant["id"],
                "badge_id": grant["badge_id"],
                "user_id": m.id,
                "granted_at": "2024-05-02T08:00:00.000Z",
                "granted_by_id": -1,
            }
        }

    def _user_badges(self, username, query, body):
        mine = [g for g in self.grants if g["username"] == username]
        items = [
            fixture("user_badges_response", "user_badges", "items", id=g["id"], badge_id=g["badge_id"]) for g in mine
        ]
        badges = [
            self._badge_item(b, "user_badges_response")
            for b in self.badges
            if any(g["badge_id"] == b["id"] for g in mine)
        ]
        return fixture("user_badges_response", user_badges=items, badges=badges)

    def _queries(self, query, body):
        if not self.data_explorer:
            return 404, {"errors": ["not found"], "error_type": "not_found"}
        return {"queries": self.queries}

    def _save_query(self, query, body):
        if not self.data_explorer:
            return 404, {"errors": ["not found"]}
        saved = {"id": len(self.queries) + 1, **body["query"]}
        self.queries.append(saved)
        return {"query": saved}

    def _run_query(self, query_id, query, body):
        saved = next(q for q in self.queries if q["id"] == int(query_id))
        definition = next(q for q in ALL_QUERIES if q.name == saved["name"])
        params = json.loads(body["params"])
        offset, limit = int(params.get("offset", 0)), int(body.get("limit", 1000))
        if definition.name == "companion_members_v2":
            rows = [
                [
                    m.id,
                    m.username,
                    m.username.title(),
                    f"{m.username}@example.org",
                    True,
                    False,
                    False,
                    False,
                    1,
                    False,
                    False,
                    "2024-05-01T10:00:00Z",
                    "2023-01-01T10:00:00Z",
                    "de",
                    "Ich mag Daten",
                    json.dumps(m.fields),
                    ",".join(m.groups),
                    ",".join(m.ignored),
                    ",".join(m.muted),
                ]
                for m in self.members
            ]
        else:
            rows = [[3, m.username, "2024-05-01T10:00:00Z"] for m in self.members]
        return {"success": True, "columns": list(definition.columns), "rows": rows[offset : offset + limit]}
