"""The Discourse API endpoints the companion uses, answered from the in-memory state."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, g, redirect, request
from werkzeug.wrappers import Response as BaseResponse

from . import serializers as ser
from .errors import ForumError, InvalidAccess, NotFound, RateLimitedError, Unprocessable
from .http import bool_param, error_response, int_param, json_response, list_param, nested, params, state, viewer
from .models import Group, User

api = Blueprint("sandbox_api", __name__)

ADMIN_USERS_PER_PAGE = 100
LATEST_POSTS_PER_PAGE = 50
GROUP_MEMBERS_MAX_LIMIT = 1000
GROUPS_PER_PAGE = 36
TOPICS_DEFAULT_PER_PAGE = 30
TOPICS_MAX_PER_PAGE = 100
USER_ACTIONS_DEFAULT_LIMIT = 30
ADMIN_RATE_LIMIT_CODE = "admin_api_key_rate_limit"
IP_RATE_LIMIT_TEXT = (
    "Slow down, too many requests from this IP address. Please retry again in {wait} seconds. "
    "Error code: ip_10_secs_limit.\n"
)


@api.before_request
def guard() -> Response | None:
    """Authenticate, apply planned faults, then the shared admin API rate limit."""
    forum = state()
    if "api_key" in request.args or "api_username" in request.args:
        # Discourse refuses credentials in the query string.
        return error_response(InvalidAccess())
    key = request.headers.get("Api-Key")
    username = request.headers.get("Api-Username") or ""
    user = forum.find_user(username) if key == forum.settings.api_key else None
    if user is None or user.suspended_till is not None:
        return error_response(InvalidAccess())
    g.sandbox_viewer = user
    delay = forum.faults.take_slowdown()
    if delay:
        time.sleep(delay)
    fault = forum.faults.take_failure()
    if fault is not None:
        if fault.kind == "rate_limit":
            with forum.lock:
                forum.rate_limited_count += 1
            if fault.shape == "text":
                return Response(
                    IP_RATE_LIMIT_TEXT.format(wait=fault.wait_seconds),
                    status=429,
                    headers={
                        "Retry-After": str(fault.wait_seconds),
                        "Discourse-Rate-Limit-Error-Code": "ip_10_secs_limit",
                    },
                    content_type="text/plain; charset=utf-8",
                )
            return error_response(RateLimitedError(fault.wait_seconds, ADMIN_RATE_LIMIT_CODE))
        return _server_error(fault.status)
    wait = forum.admin_limiter.try_acquire()
    if wait is not None:
        with forum.lock:
            forum.rate_limited_count += 1
        return error_response(RateLimitedError(wait, ADMIN_RATE_LIMIT_CODE))
    with forum.lock:
        forum.request_count += 1
    return None


def _server_error(status: int) -> Response:
    if status == 500:
        return json_response({"status": 500, "error": "Internal Server Error"}, 500)
    # Gateways in front of Discourse answer 502/503/504 with HTML.
    return Response(
        f"<html><body><h1>{status} Service Unavailable</h1></body></html>",
        status=status,
        content_type="text/html; charset=utf-8",
    )


@api.errorhandler(ForumError)
def forum_error(error: ForumError) -> Response:
    """Render an error with Discourse's JSON body."""
    return error_response(error)


def _require_admin() -> User:
    user = viewer()
    if not user.admin:
        raise InvalidAccess()
    return user


def _require_staff() -> User:
    user = viewer()
    if not user.staff:
        raise InvalidAccess()
    return user


# ---- users -----------------------------------------------------------------

# lib/admin_user_index_query.rb: "active" only orders (last_seen_at DESC NULLS LAST) and filters nothing, so
# the list holds system (-1), discobot (-2), staged, never-activated and anonymized accounts as well.
_USER_FLAGS = {
    "active": lambda u: True,
    "new": lambda u: u.trust_level == 0 and not u.staged,
    "staff": lambda u: u.staff,
    "admins": lambda u: u.admin,
    "moderators": lambda u: u.moderator,
    "suspended": lambda u: u.suspended_till is not None,
    "silenced": lambda u: u.silenced_till is not None,
    "staged": lambda u: u.staged,
    "pending": lambda u: False,
}
_USER_ORDERS = {
    "created": lambda u: u.created_at.timestamp(),
    "seen": lambda u: u.last_seen_at.timestamp() if u.last_seen_at else 0.0,
    "username": lambda u: u.username.lower(),
    "trust_level": lambda u: u.trust_level,
    "posts": lambda u: u.post_count,
}


@api.get("/admin/users/list/<flag>.json")
def admin_users_list(flag: str) -> Response:
    """GET /admin/users/list/{flag}.json: 100 users per page, pages from 1."""
    _require_staff()
    source = params()
    forum = state()
    keep: Callable[[User], bool]
    if flag in _USER_FLAGS:
        keep = _USER_FLAGS[flag]
    elif flag.isdigit():
        level = int(flag)
        keep = lambda u: u.trust_level == level and not u.staged  # noqa: E731
    else:
        raise NotFound()
    page = max(1, int_param(source, "page", 1) or 1)
    needle = str(source.get("filter") or "").lower()
    show_emails = bool_param(source, "show_emails")
    with forum.lock:
        users = [u for u in forum.users.values() if keep(u)]
        if needle:
            users = [
                u
                for u in users
                if needle in u.username.lower() or needle in u.email.lower() or needle in (u.name or "").lower()
            ]
        order = str(source.get("order") or ("seen" if flag == "active" else "created"))
        key = _USER_ORDERS.get(order, _USER_ORDERS["created"])
        ascending = bool_param(source, "asc")
        # Ties are broken by id so pages never overlap.
        users.sort(key=lambda u: u.id)
        users.sort(key=key, reverse=not ascending)
        chunk = users[(page - 1) * ADMIN_USERS_PER_PAGE : page * ADMIN_USERS_PER_PAGE]
        body = [ser.admin_list_user(forum, u, show_emails) for u in chunk]
        # Fault mode: members visit the forum while a client walks the list (they jump to page 1 of "active").
        forum.visits_during_listing(users[page * ADMIN_USERS_PER_PAGE :])
        return json_response(body)


@api.get("/u/<username>.json")
@api.get("/users/<username>.json")  # the older spelling, still routed by Discourse and used by pydiscourse
def user_show(username: str) -> Response:
    """GET /u/{username}.json."""
    forum = state()
    with forum.lock:
        user = forum.get_user(username)
        if user.staged and not viewer().staff:
            raise NotFound()
        return json_response(ser.user_detail(forum, user, viewer()))


@api.get("/user_actions.json")
def user_actions() -> Response:
    """GET /user_actions.json: likes given (filter 1), new topics (4) and replies (5)."""
    from .errors import InvalidParameters

    source = params()
    if not source.get("username"):
        raise InvalidParameters("username")
    forum = state()
    offset = max(0, int_param(source, "offset", 0) or 0)
    limit = int_param(source, "limit", USER_ACTIONS_DEFAULT_LIMIT, minimum=0) or 0
    filters = {int(f) for f in str(source.get("filter") or "").split(",") if f.strip().isdigit()}
    with forum.lock:
        user = forum.get_user(str(source["username"]))
        entries: list[tuple[Any, dict[str, Any]]] = []
        if not filters or 1 in filters:
            for like in forum.likes_by_user.get(user.id, []):
                post = forum.posts[like.post_id]
                topic = forum.topics[post.topic_id]
                if post.deleted_at is None and not topic.is_private_message:
                    entries.append((like.created_at, ser.user_action_like(forum, user, post)))
        if filters & {4, 5}:
            for post in forum.posts.values():
                if post.user_id != user.id or post.deleted_at is not None:
                    continue
                topic = forum.topics[post.topic_id]
                if topic.is_private_message:
                    continue
                kind = 4 if post.post_number == 1 else 5
                if kind in filters:
                    entries.append((post.created_at, ser.user_action_own_post(forum, user, post, kind)))
        entries.sort(key=lambda e: e[0], reverse=True)
        return json_response({"user_actions": [e[1] for e in entries[offset : offset + limit]]})


# ---- site ------------------------------------------------------------------


@api.get("/site.json")
def site() -> Response:
    """GET /site.json."""
    forum = state()
    with forum.lock:
        return json_response(ser.site(forum, viewer()))


@api.get("/site/basic-info.json")
def basic_info() -> Response:
    """GET /site/basic-info.json."""
    return json_response(ser.basic_info(state()))


# ---- groups ----------------------------------------------------------------


def _group_or_404(name_or_id: str | int) -> Group:
    group = state().find_group(name_or_id)
    if group is None or (group.visibility_level > 0 and not viewer().staff):
        raise NotFound()
    return group


@api.get("/groups.json")
def groups_index() -> Response:
    """GET /groups.json: 36 groups per page, pages from 0, sorted by name."""
    source = params()
    forum = state()
    page = max(0, int_param(source, "page", 0) or 0)
    kind = source.get("type")
    with forum.lock:
        groups = [gr for gr in forum.groups.values() if gr.visibility_level == 0 or viewer().staff]
        if kind == "custom":
            groups = [gr for gr in groups if not gr.automatic]
        elif kind == "automatic":
            groups = [gr for gr in groups if gr.automatic]
        groups.sort(key=lambda gr: gr.name.lower())
        chunk = groups[page * GROUPS_PER_PAGE : (page + 1) * GROUPS_PER_PAGE]
        return json_response(
            {
                "groups": [ser.group_list_item(forum, gr, viewer()) for gr in chunk],
                "extras": {"type_filters": ["my", "owner", "public", "close", "automatic", "non_automatic"]},
                "total_rows_groups": len(groups),
                "load_more_groups": f"/groups?page={page + 1}",
            }
        )


@api.get("/groups/<name>.json")
def group_show(name: str) -> Response:
    """GET /groups/{name}.json."""
    forum = state()
    with forum.lock:
        return json_response(ser.group_detail(forum, _group_or_404(name), viewer()))


@api.get("/groups/<name>/members.json")
def group_members(name: str) -> Response:
    """GET /groups/{name}/members.json: limit up to 1000 (400 beyond), offset from 0."""
    source = params()
    forum = state()
    limit = int_param(source, "limit", 50, minimum=0, maximum=GROUP_MEMBERS_MAX_LIMIT)
    offset = int_param(source, "offset", 0, minimum=0)
    with forum.lock:
        group = _group_or_404(name)
        member_ids = forum.group_member_ids(group)
        chunk = member_ids[offset : offset + limit]
        owners = [forum.users[i] for i in member_ids if i in group.owner_ids]
        return json_response(
            {
                "members": [ser.group_member(forum, forum.users[i], group) for i in chunk],
                "owners": [ser.group_member(forum, u, group) for u in owners],
                "meta": {"total": len(member_ids), "limit": limit, "offset": offset},
            }
        )


_GROUP_FIELDS = {
    "full_name": str,
    "bio_raw": str,
    "visibility_level": int,
    "messageable_level": int,
    "mentionable_level": int,
    "members_visibility_level": int,
    "public_admission": bool,
    "public_exit": bool,
    "primary_group": bool,
    "flair_bg_color": str,
    "automatic_membership_email_domains": str,
    "title": str,
    "default_notification_level": int,
    "allow_membership_requests": bool,
}


def _group_changes(fields: dict[str, Any]) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for key, kind in _GROUP_FIELDS.items():
        if key in fields:
            value = fields[key]
            if kind is bool:
                changes[key] = bool_param(fields, key)
            elif kind is int:
                changes[key] = int_param(fields, key)
            else:
                changes[key] = None if value in (None, "") else str(value)
    return changes


@api.post("/admin/groups.json")
def group_create() -> Response:
    """POST /admin/groups.json with group{name, full_name, usernames, ...}."""
    _require_admin()
    fields = nested(params(), "group")
    forum = state()
    with forum.lock:
        changes = _group_changes(fields)
        group = forum.create_group(
            str(fields.get("name") or ""),
            usernames=list_param(fields, "usernames"),
            owner_usernames=list_param(fields, "owner_usernames"),
            **changes,
        )
        body = ser.group_basic(forum, group, viewer())
        del body["display_name"]
        return json_response({"basic_group": body})


def _editable_group(group_id: int) -> Group:
    group = state().find_group(group_id)
    if group is None:
        raise NotFound()
    user = viewer()
    if not user.admin and user.id not in group.owner_ids:
        raise InvalidAccess()
    if group.automatic:
        raise Unprocessable("You cannot modify an automatic group")
    return group


@api.put("/groups/<int:group_id>.json")
def group_update(group_id: int) -> Response:
    """PUT /groups/{id}.json with group{...}."""
    forum = state()
    fields = nested(params(), "group")
    with forum.lock:
        group = _editable_group(group_id)
        changes = _group_changes(fields)
        if fields.get("name"):
            changes["name"] = str(fields["name"])
        forum.update_group(group, **changes)
        return json_response({"success": "OK"})


def _users_from(source: dict[str, Any]) -> list[User]:
    forum = state()
    names = list_param(source, "usernames")
    users = [forum.get_user(n) for n in names]
    for raw_id in list_param(source, "user_ids"):
        if not raw_id.isdigit() or int(raw_id) not in forum.users:
            raise NotFound()
        users.append(forum.users[int(raw_id)])
    if not users:
        from .errors import InvalidParameters

        raise InvalidParameters("usernames")
    return users


@api.put("/groups/<int:group_id>/members.json")
def group_add_members(group_id: int) -> Response:
    """PUT /groups/{id}/members.json usernames=a,b (422 when all already belong)."""
    forum = state()
    source = params()
    with forum.lock:
        group = _editable_group(group_id)
        users = _users_from(source)
        if len(users) > GROUP_MEMBERS_MAX_LIMIT:
            raise Unprocessable(f"You can add at most {GROUP_MEMBERS_MAX_LIMIT} users at once")
        added = forum.add_group_members(group, users)
        return json_response({"success": "OK", "usernames": [u.username for u in added], "emails": []})


@api.delete("/groups/<int:group_id>/members.json")
def group_remove_members(group_id: int) -> Response:
    """DELETE /groups/{id}/members.json usernames=a,b."""
    forum = state()
    source = params()
    with forum.lock:
        group = _editable_group(group_id)
        removed, skipped = forum.remove_group_members(group, _users_from(source))
        return json_response(
            {
                "success": "OK",
                "usernames": [u.username for u in removed],
                "skipped_usernames": [u.username for u in skipped],
            }
        )


# ---- posts and topics ------------------------------------------------------


@api.get("/posts.json")
def latest_posts() -> Response:
    """GET /posts.json?before=ID: the 50 newest public posts with id <= before."""
    source = params()
    forum = state()
    before = int_param(source, "before")
    with forum.lock:
        posts = forum.public_posts_before(before, LATEST_POSTS_PER_PAGE)
        return json_response({"latest_posts": [ser.latest_post(forum, p, viewer()) for p in posts]})


@api.post("/posts.json")
def create_post() -> Response:
    """POST /posts.json: a topic, a reply or a private message."""
    source = params()
    if "target_usernames" in source and "target_recipients" not in source:
        raise Unprocessable("target_usernames is no longer supported, use target_recipients instead")
    forum = state()
    archetype = str(source.get("archetype") or "regular")
    topic_id = int_param(source, "topic_id")
    category = source.get("category")
    delay = forum.faults.take_post_delay()
    if delay:
        # Latency under load, or a late landing: the post is created after the delay even if the client left.
        time.sleep(delay)
    # app/controllers/posts_controller.rb memoizes an API request's answer by user and parameters
    # (DistributedMemoizer, 120 s): an identical request within the window gets the same post back.
    signature = (viewer().id, tuple(sorted((str(k), repr(v)) for k, v in source.items())))
    with forum.lock:
        memo = forum.api_post_memo.get(signature)
        window = forum.settings.api_memo_seconds
        if memo is not None and (forum.now() - memo[1]).total_seconds() < window and memo[0] in forum.posts:
            return json_response(ser.created_post(forum, forum.posts[memo[0]], viewer()))
        post = forum.create_post(
            viewer().username,
            str(source.get("raw") or ""),
            topic_id=topic_id,
            title=source.get("title"),
            category=int(category) if isinstance(category, str) and category.isdigit() else category,
            tags=list_param(source, "tags"),
            archetype=archetype,
            target_recipients=source.get("target_recipients"),
            external_id=source.get("external_id") or None,
            reply_to_post_number=int_param(source, "reply_to_post_number"),
        )
        if window > 0:
            forum.api_post_memo[signature] = (post.id, forum.now())
        return json_response(ser.created_post(forum, post, viewer()))


@api.get("/posts/<int:post_id>.json")
def show_post(post_id: int) -> Response:
    """GET /posts/{id}.json: one post with its raw text (private ones only for participants and staff)."""
    forum = state()
    with forum.lock:
        post = forum.find_post(post_id)
        topic = forum.find_topic(post.topic_id)
        if topic.archetype == "private_message" and not viewer().staff and viewer() not in forum.pm_participants(topic):
            raise InvalidAccess()
        return json_response(ser.post_show(forum, post, viewer()))


@api.put("/posts/<int:post_id>.json")
def edit_post(post_id: int) -> Response:
    """PUT /posts/{id}.json with post{raw}."""
    source = params()
    raw = nested(source, "post").get("raw") or source.get("raw")
    if not raw:
        from .errors import InvalidParameters

        raise InvalidParameters("post")
    forum = state()
    with forum.lock:
        post = forum.find_post(post_id)
        if post.user_id != viewer().id and not viewer().staff:
            raise InvalidAccess()
        post = forum.edit_post(post_id, str(raw))
        return json_response({"post": ser.created_post(forum, post, viewer())})


@api.delete("/posts/<int:post_id>.json")
def delete_post(post_id: int) -> Response:
    """DELETE /posts/{id}.json."""
    forum = state()
    with forum.lock:
        post = forum.find_post(post_id)
        if post.user_id != viewer().id and not viewer().staff:
            raise InvalidAccess()
        forum.destroy_post(post_id)
        return Response(status=200)


@api.post("/post_actions.json")
def post_action() -> Response:
    """POST /post_actions.json id=POST&post_action_type_id=2 (like)."""
    source = params()
    post_id = int_param(source, "id")
    if post_id is None or int_param(source, "post_action_type_id") != 2:
        from .errors import InvalidParameters

        raise InvalidParameters("post_action_type_id")
    forum = state()
    with forum.lock:
        forum.like(viewer().username, post_id)
        return json_response(ser.created_post(forum, forum.posts[post_id], viewer()))


def _readable_topic(topic_id: int) -> Any:
    forum = state()
    topic = forum.find_topic(topic_id)
    private = topic.is_private_message and not viewer().admin
    if private and viewer().id not in {u.id for u in forum.pm_participants(topic)}:
        raise NotFound()
    return topic


@api.get("/t/<int:topic_id>.json")
@api.get("/t/<slug>/<int:topic_id>.json")
def topic_show(topic_id: int, slug: str | None = None) -> Response:
    """GET /t/{id}.json."""
    forum = state()
    with forum.lock:
        return json_response(ser.topic_view(forum, _readable_topic(topic_id), viewer()))


@api.get("/t/external_id/<external_id>.json")
def topic_by_external_id(external_id: str) -> BaseResponse:
    """GET /t/external_id/{id}.json: 301 to the topic's JSON URL, like Discourse."""
    forum = state()
    with forum.lock:
        topic = forum.topic_by_external_id(external_id)
        location = f"{request.host_url.rstrip('/')}/t/{topic.slug}/{topic.id}.json"
    return redirect(location, code=301)


@api.get("/latest.json")
def latest_topics() -> Response:
    """GET /latest.json?per_page&page: public topics by latest activity, pages from 0."""
    source = params()
    forum = state()
    per_page = min(TOPICS_MAX_PER_PAGE, max(1, int_param(source, "per_page", TOPICS_DEFAULT_PER_PAGE) or 1))
    page = max(0, int_param(source, "page", 0) or 0)
    with forum.lock:
        topics = [t for t in forum.topics.values() if not t.is_private_message and t.deleted_at is None]
        topics.sort(key=lambda t: (t.bumped_at or t.created_at, t.id), reverse=True)
        chunk = topics[page * per_page : (page + 1) * per_page]
        more = f"/latest?page={page + 1}&per_page={per_page}" if len(topics) > (page + 1) * per_page else None
        return json_response(ser.topic_list(forum, chunk, viewer(), per_page, more))


def _pm_list(username: str, sent_only: bool) -> Response:
    source = params()
    forum = state()
    page = max(0, int_param(source, "page", 0) or 0)
    with forum.lock:
        user = forum.get_user(username)
        if user.id != viewer().id and not viewer().admin:
            raise InvalidAccess()
        topics = forum.private_messages_of(user, sent_only=sent_only)
        chunk = topics[page * TOPICS_DEFAULT_PER_PAGE : (page + 1) * TOPICS_DEFAULT_PER_PAGE]
        kind = "private-messages-sent" if sent_only else "private-messages"
        more = (
            f"/topics/{kind}/{user.username}?page={page + 1}"
            if len(topics) > (page + 1) * TOPICS_DEFAULT_PER_PAGE
            else None
        )
        return json_response(ser.topic_list(forum, chunk, viewer(), TOPICS_DEFAULT_PER_PAGE, more))


@api.get("/topics/private-messages/<username>.json")
def private_messages(username: str) -> Response:
    """GET /topics/private-messages/{username}.json."""
    return _pm_list(username, sent_only=False)


@api.get("/topics/private-messages-sent/<username>.json")
def private_messages_sent(username: str) -> Response:
    """GET /topics/private-messages-sent/{username}.json."""
    return _pm_list(username, sent_only=True)


# ---- badges ----------------------------------------------------------------


@api.get("/admin/badges.json")
def badges_index() -> Response:
    """GET /admin/badges.json."""
    _require_admin()
    forum = state()
    with forum.lock:
        return json_response(ser.badge_list(forum))


@api.post("/admin/badges.json")
def badge_create() -> Response:
    """POST /admin/badges.json with name, badge_type_id and options."""
    _require_admin()
    source = params()
    fields = nested(source, "badge") or source
    forum = state()
    badge_type = int_param(fields, "badge_type_id")
    with forum.lock:
        badge = forum.create_badge(
            str(fields.get("name") or ""),
            badge_type or 0,
            description=str(fields.get("description") or ""),
            icon=str(fields.get("icon") or "fa-certificate"),
            multiple_grant=bool_param(fields, "multiple_grant"),
            listable=bool_param(fields, "listable", True),
            allow_title=bool_param(fields, "allow_title"),
            enabled=bool_param(fields, "enabled", True),
            long_description=str(fields.get("long_description") or ""),
            query=str(fields.get("query") or "") or None,
        )
        return json_response(ser.badge_created(badge))


@api.post("/user_badges.json")
def user_badge_grant() -> Response:
    """POST /user_badges.json with username, badge_id and a reason URL."""
    _require_staff()
    source = params()
    forum = state()
    badge_id = int_param(source, "badge_id")
    if not source.get("username") or badge_id is None:
        from .errors import InvalidParameters

        raise InvalidParameters("username" if not source.get("username") else "badge_id")
    with forum.lock:
        user_badge = forum.grant_badge(
            str(source["username"]), badge_id, granted_by=viewer().username, reason=source.get("reason") or None
        )
        return json_response(ser.user_badge_granted(forum, user_badge))


@api.delete("/user_badges/<int:user_badge_id>.json")
def user_badge_revoke(user_badge_id: int) -> Response:
    """DELETE /user_badges/{id}.json."""
    _require_staff()
    forum = state()
    with forum.lock:
        forum.revoke_badge(user_badge_id)
        return json_response({"success": "OK"})


@api.get("/user-badges/<username>.json")
def user_badges(username: str) -> Response:
    """GET /user-badges/{username}.json."""
    forum = state()
    with forum.lock:
        user = forum.get_user(username)
        grants = sorted(
            (ub for ub in forum.user_badges.values() if ub.user_id == user.id),
            key=lambda ub: (ub.granted_at, ub.id),
            reverse=True,
        )
        return json_response(ser.user_badges(forum, grants))


# ---- site settings and webhooks (read by `companion check`) ----------------


def _site_settings() -> list[dict[str, Any]]:
    settings = state().settings
    values = {
        "retry_web_hook_events": settings.retry_web_hook_events,
        "enable_discourse_connect_provider": True,
        "data_explorer_enabled": settings.data_explorer,
    }
    return [
        {"setting": name, "value": value, "default": False, "type": "bool", "category": "api"}
        for name, value in values.items()
    ]


@api.get("/admin/config/site_settings.json")
def config_site_settings() -> Response:
    """GET /admin/config/site_settings.json?filter_names[]=...: only the named settings
    (app/controllers/admin/config/site_settings_controller.rb; filter_names is required)."""
    _require_admin()
    names = request.args.getlist("filter_names[]") or request.args.getlist("filter_names")
    if not names:
        from .errors import InvalidParameters

        raise InvalidParameters("filter_names")
    return json_response({"site_settings": [s for s in _site_settings() if s["setting"] in names]})


@api.get("/admin/site_settings.json")
def all_site_settings() -> Response:
    """GET /admin/site_settings.json: every setting; `filter=` is ignored, as Discourse does."""
    _require_admin()
    return json_response({"site_settings": _site_settings()})


@api.get("/admin/api/web_hooks.json")
def web_hooks() -> Response:
    """GET /admin/api/web_hooks.json: the configured webhooks."""
    _require_admin()
    settings = state().settings
    hooks = [{"id": 1, "payload_url": settings.webhook_url, "active": True}] if settings.webhook_url else []
    return json_response({"web_hooks": hooks})
