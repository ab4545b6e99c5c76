"""Test helpers for the sandbox forum: API clients and validation against the shared Discourse schemas."""

from __future__ import annotations

import copy
import json
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from sandbox import SandboxSettings, create_app

SHARED_DISCOURSE = Path(__file__).resolve().parents[2] / ".." / "shared" / "discourse"
API_HEADERS = {"Api-Key": "sandbox-api-key", "Api-Username": "system"}

# Every endpoint with a published response shape -> where that shape lives: a file in schemas/,
# or "openapi:<path>:<method>" for shapes only embedded in openapi.json.
ENDPOINT_SCHEMAS: dict[tuple[str, str], str] = {
    ("GET", "/admin/users/list/{flag}.json"): "schemas/admin_user_list_response.json",
    ("GET", "/u/{username}.json"): "schemas/user_get_response.json",
    ("GET", "/site.json"): "schemas/site_response.json",
    ("GET", "/site/basic-info.json"): "schemas/site_basic_info_response.json",
    ("GET", "/groups.json"): "schemas/groups_list_response.json",
    ("GET", "/groups/{name}.json"): "schemas/group_response.json",
    ("GET", "/groups/{name}/members.json"): "schemas/group_members_response.json",
    ("GET", "/posts.json"): "schemas/latest_posts_response.json",
    ("GET", "/t/{id}.json"): "schemas/topic_show_response.json",
    ("GET", "/user_actions.json"): "schemas/user_actions_response.json",
    ("POST", "/posts.json"): "schemas/topic_create_response.json",
    ("PUT", "/posts/{id}.json"): "schemas/post_update_response.json",
    ("GET", "/posts/{id}.json"): "schemas/post_show_response.json",
    ("POST", "/post_actions.json"): "schemas/post_action_response.json",
    ("POST", "/admin/groups.json"): "schemas/group_create_response.json",
    ("PUT", "/groups/{id}.json"): "openapi:/groups/{id}.json:put",
    ("PUT", "/groups/{id}/members.json"): "schemas/group_add_members_response.json",
    ("DELETE", "/groups/{id}/members.json"): "schemas/group_remove_members_response.json",
    ("GET", "/admin/badges.json"): "schemas/badge_list_response.json",
    ("POST", "/admin/badges.json"): "schemas/badge_create_response.json",
    ("GET", "/user-badges/{username}.json"): "schemas/user_badges_response.json",
    ("GET", "/latest.json"): "openapi:/latest.json:get",
    ("GET", "/topics/private-messages/{username}.json"): "openapi:/topics/private-messages/{username}.json:get",
    (
        "GET",
        "/topics/private-messages-sent/{username}.json",
    ): "openapi:/topics/private-messages-sent/{username}.json:get",
}
# Endpoints the sandbox serves that have no published response schema (checked by behaviour tests instead).
UNPUBLISHED = {
    ("POST", "/user_badges.json"),
    ("DELETE", "/user_badges/{id}.json"),
    ("DELETE", "/posts/{id}.json"),
    ("GET", "/t/external_id/{external_id}.json"),  # 301 without a body
    ("GET", "/admin/plugins/discourse-data-explorer/queries.json"),
    ("POST", "/admin/plugins/discourse-data-explorer/queries.json"),
    ("POST", "/admin/plugins/discourse-data-explorer/queries/{id}/run.json"),
    ("GET", "/admin/plugins/explorer/queries.json"),
    ("GET", "/admin/config/site_settings.json"),
    ("GET", "/admin/site_settings.json"),
    ("GET", "/admin/api/web_hooks.json"),
    ("POST", "/admin/plugins/explorer/queries.json"),
    ("POST", "/admin/plugins/explorer/queries/{id}/run.json"),
    ("GET", "/admin/themes.json"),
    ("POST", "/admin/themes/import.json"),
}


@dataclass(frozen=True)
class Widening:
    """One documented place where real Discourse answers more than the spec's recorded example allows."""

    schema: str
    path: str  # dotted path of properties; "[]" steps into array items
    add_types: tuple[str, ...] = ()
    add_properties: tuple[tuple[str, str], ...] = ()
    numeric_keys_of: str | None = None
    reason: str = ""


# The published schemas were recorded from one fixture response each, so fields that were null there are typed
# "string|null" and optional fields absent there are forbidden by additionalProperties=false. Real Discourse sends
# more; these widenings allow exactly that and nothing else.
WIDENINGS: tuple[Widening, ...] = (
    Widening(
        "user_get_response.json",
        "user.user_fields",
        numeric_keys_of="string|null",
        reason="a forum defines its own user fields; the fixture had fields 1 and 2 only",
    ),
    Widening(
        "user_get_response.json",
        "user",
        add_properties=(("bio_raw", "string"), ("bio_cooked", "string"), ("bio_excerpt", "string")),
        reason="Discourse adds the bio only when it is present; the fixture user had none",
    ),
    Widening(
        "user_get_response.json",
        "user.featured_topic",
        add_types=("null",),
        reason="featured_topic is null for members who featured no topic",
    ),
    Widening(
        "latest_posts_response.json",
        "latest_posts.[].reply_to_post_number",
        add_types=("integer",),
        reason="replies carry the post number they answer; the fixture post answered none",
    ),
    Widening(
        "topic_show_response.json",
        "post_stream.posts.[].reply_to_post_number",
        add_types=("integer",),
        reason="as above",
    ),
    Widening("topic_create_response.json", "reply_to_post_number", add_types=("integer",), reason="as above"),
    Widening("post_update_response.json", "post.reply_to_post_number", add_types=("integer",), reason="as above"),
    Widening("post_show_response.json", "reply_to_post_number", add_types=("integer",), reason="as above"),
    Widening("post_action_response.json", "reply_to_post_number", add_types=("integer",), reason="as above"),
    Widening(
        "user_actions_response.json",
        "user_actions.[].post_id",
        add_types=("integer",),
        reason="a like or reply action names its post; the fixture action had none",
    ),
    Widening(
        "user_actions_response.json",
        "user_actions.[].hidden",
        add_types=("boolean",),
        reason="posts.hidden is a boolean column",
    ),
    Widening(
        "user_actions_response.json",
        "user_actions.[].post_type",
        add_types=("integer",),
        reason="posts.post_type is an integer column",
    ),
    Widening(
        "group_members_response.json",
        "members.[].last_posted_at",
        add_types=("null",),
        reason="members who never posted have no last_posted_at",
    ),
    Widening("group_members_response.json", "owners.[].last_posted_at", add_types=("null",), reason="as above"),
    Widening(
        "group_members_response.json",
        "members.[].last_seen_at",
        add_types=("null",),
        reason="members who never visited have no last_seen_at",
    ),
    Widening("group_members_response.json", "owners.[].last_seen_at", add_types=("null",), reason="as above"),
    Widening(
        "openapi:/latest.json:get",
        "topic_list.topics.[].image_url",
        add_types=("null",),
        reason="topics without an image have image_url null (the PM list's schema already allows it)",
    ),
    Widening(
        "topic_show_response.json", "category_id", add_types=("null",), reason="private messages have no category"
    ),
    Widening(
        "topic_show_response.json",
        "details",
        add_properties=(("allowed_users", "array"), ("allowed_groups", "array")),
        reason="private messages list their allowed users and groups",
    ),
)


def shared_folder() -> Path:
    """The shared Discourse contract folder, or skip (fail under COMPANION_TEST_STRICT=1) when absent."""
    if not SHARED_DISCOURSE.is_dir():
        reason = f"{SHARED_DISCOURSE.resolve()} is absent: the shared Discourse schemas are not beside this checkout"
        if os.environ.get("COMPANION_TEST_STRICT") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    return SHARED_DISCOURSE


@cache
def _openapi() -> dict[str, Any]:
    return json.loads((shared_folder() / "openapi.json").read_text(encoding="utf-8"))


def _step(schema: dict[str, Any], part: str) -> dict[str, Any]:
    return schema["items"] if part == "[]" else schema["properties"][part]


def _widen(schema: dict[str, Any], widening: Widening) -> None:
    node = schema
    for part in [p for p in widening.path.split(".") if p]:
        node = _step(node, part)
    if widening.add_types:
        types = node.get("type", [])
        types = [types] if isinstance(types, str) else list(types)
        node["type"] = types + [t for t in widening.add_types if t not in types]
    for name, kind in widening.add_properties:
        node["properties"].setdefault(name, {"type": kind})
    if widening.numeric_keys_of:
        node["patternProperties"] = {"^[0-9]+$": {"type": widening.numeric_keys_of.split("|")}}


@cache
def _schema(method: str, route: str) -> dict[str, Any]:
    source = ENDPOINT_SCHEMAS[(method, route)]
    if source.startswith("openapi:"):
        _, path, verb = source.split(":")
        responses = _openapi()["paths"][path][verb]["responses"]
        schema = copy.deepcopy(responses["200"]["content"]["application/json"]["schema"])
    else:
        schema = json.loads((shared_folder() / source).read_text(encoding="utf-8"))
    for widening in WIDENINGS:
        if source == widening.schema or source.endswith("/" + widening.schema):
            _widen(schema, widening)
    return schema


def validation_errors(method: str, route: str, body: Any) -> list[str]:
    """Messages of every schema violation of a response body for an endpoint (empty when valid)."""
    validator = Draft202012Validator(_schema(method, route))
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(body)]


def assert_valid(method: str, route: str, body: Any) -> None:
    """Fail with the violations when a body does not match the endpoint's published schema."""
    errors = validation_errors(method, route, body)
    assert not errors, f"{method} {route} violates its schema:\n" + "\n".join(errors[:20])


def make_client(**overrides: Any) -> Any:
    """A Flask test client of a freshly seeded sandbox with the given settings."""
    settings = SandboxSettings(**{"members": 120, "admin_requests_per_minute": 0, **overrides})
    app = create_app(settings)
    client = app.test_client()
    client.forum = app.config["SANDBOX_STATE"]  # type: ignore[attr-defined]
    return client
