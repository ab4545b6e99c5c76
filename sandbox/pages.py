"""Plain HTML views of members, inboxes and badges, plus the /sandbox control surface for tests and demos."""

from __future__ import annotations

import math
from typing import Any

from flask import Blueprint, Response, abort, render_template, request

from .http import json_response, state
from .serializers import iso

pages = Blueprint("sandbox_pages", __name__, url_prefix="/sandbox")

MEMBERS_PER_PAGE = 100


@pages.get("/")
def index() -> str:
    """Members with links to their inbox and badges, searchable and paginated."""
    forum = state()
    needle = request.args.get("q", "").strip().lower()
    try:
        page = max(1, int(request.args.get("page", "1")))
    except ValueError:
        page = 1
    with forum.lock:
        users = list(forum.users.values())
        population = _population(users)
        if needle:
            users = [
                u
                for u in users
                if needle in u.username.lower()
                or needle in u.name.lower()
                or needle in (u.user_fields.get("1") or "").lower()
                or needle in u.email.lower()
            ]
        users.sort(key=lambda u: u.username.lower())
        pages_total = max(1, math.ceil(len(users) / MEMBERS_PER_PAGE))
        chunk = users[(page - 1) * MEMBERS_PER_PAGE : page * MEMBERS_PER_PAGE]
        return render_template(
            "sandbox/index.html",
            users=chunk,
            q=request.args.get("q", ""),
            page=page,
            pages=pages_total,
            total=len(users),
            population=population,
        )


def _population(users: list[Any]) -> dict[str, int]:
    """Why three pages count members differently: every account here, who may log in, who the companion syncs."""
    return {
        "accounts": len(users),
        # The "log in as" page offers accounts that are neither staged nor suspended (sandbox/connect.py).
        "can_log_in": sum(1 for u in users if not u.staged and u.suspended_till is None),
        # The companion syncs Discourse's /admin/users/list/active.json population: activated, not staged.
        "synced": sum(1 for u in users if u.active and not u.staged),
        "system": sum(1 for u in users if u.id <= 0),
        "staged": sum(1 for u in users if u.staged),
        "suspended": sum(1 for u in users if u.suspended_till is not None),
        "inactive": sum(1 for u in users if not u.active),
    }


@pages.get("/inbox/<username>")
def inbox(username: str) -> str:
    """A member's private messages, raw text escaped with clickable links."""
    forum = state()
    with forum.lock:
        user = forum.find_user(username)
        if user is None:
            abort(404)
        return render_template("sandbox/inbox.html", user=user, messages=forum.inbox(username))


@pages.get("/u/<username>")
def user_badges(username: str) -> str:
    """A member's badges."""
    forum = state()
    with forum.lock:
        user = forum.find_user(username)
        if user is None:
            abort(404)
        return render_template("sandbox/user.html", user=user, badges=forum.badges_of(username))


@pages.route("/faults", methods=["GET", "POST"])
def faults() -> Response:
    """Plan faults over HTTP: {"fail_next": {"n", "status"}, "rate_limit_next": {...}, "slow_next": {...}, ...}."""
    forum = state()
    if request.method == "POST":
        plan: dict[str, Any] = request.get_json(silent=True) or {}
        try:
            if plan.get("reset"):
                forum.faults.reset()
                forum.admin_limiter.reset()
                forum.explorer_limiter.reset()
            if "fail_next" in plan:
                forum.faults.fail_next(int(plan["fail_next"].get("n", 1)), int(plan["fail_next"].get("status", 503)))
            if "rate_limit_next" in plan:
                spec = plan["rate_limit_next"]
                forum.faults.rate_limit_next(
                    int(spec.get("n", 1)), str(spec.get("shape", "json")), int(spec.get("wait_seconds", 1))
                )
            if "slow_next" in plan:
                forum.faults.slow_next(int(plan["slow_next"].get("n", 1)), float(plan["slow_next"].get("seconds", 1)))
            if "post_latency" in plan:
                spec = plan["post_latency"]
                forum.faults.set_post_latency(float(spec.get("low", 0)), float(spec.get("high", 0)))
            if "land_late_next" in plan:
                spec = plan["land_late_next"]
                forum.faults.land_late_next(int(spec.get("n", 1)), float(spec.get("seconds", 1)))
            if "duplicate_webhooks_next" in plan:
                forum.faults.duplicate_next_webhooks(int(plan["duplicate_webhooks_next"]))
        except (TypeError, ValueError, AttributeError) as exc:
            return json_response({"errors": [f"invalid fault plan: {exc}"], "error_type": "invalid_parameters"}, 400)
    return json_response({"pending": forum.faults.pending()})


@pages.get("/state.json")
def state_summary() -> Response:
    """Counters for tests and the demo: requests served, 429s, records, webhook deliveries."""
    forum = state()
    with forum.lock:
        return json_response(
            {
                "request_count": forum.request_count,
                "rate_limited_count": forum.rate_limited_count,
                "users": len(forum.users),
                "topics": len(forum.topics),
                "posts": len(forum.posts),
                "badges": len(forum.badges),
                "user_badges": len(forum.user_badges),
                "webhook_deliveries": len(forum.webhook_deliveries),
            }
        )


@pages.get("/webhooks.json")
def webhook_log() -> Response:
    """The webhook delivery log (one entry per attempt)."""
    forum = state()
    with forum.lock:
        return json_response(
            {
                "deliveries": [
                    {
                        "event_id": d.event_id,
                        "event_type": d.event_type,
                        "event": d.event,
                        "attempt": d.attempt,
                        "status": d.status,
                        "error": d.error,
                        "delivered_at": iso(d.delivered_at),
                    }
                    for d in forum.webhook_deliveries
                ]
            }
        )


@pages.post("/webhooks/ping")
def webhook_ping() -> Response:
    """Send a ping event to the configured webhook URL."""
    forum = state()
    if forum.webhooks is None:
        return json_response({"errors": ["no webhook_url configured"], "error_type": "not_found"}, 404)
    return json_response({"event_id": forum.webhooks.ping()})


# --- The forum's own HTML pages, so the companion's forum links can be followed in the demo ---------------
# Routes as Discourse's config/routes.rb declares them (users#show, topics#show, badges#show, the root list);
# Discourse renders them in its Ember app, the sandbox as plain server-side HTML with the same addresses.

forum_pages = Blueprint("sandbox_forum_pages", __name__)

LATEST_ON_HOME = 30
POSTS_ON_PROFILE = 10


def _public_posts(forum: Any, user_id: int) -> list[tuple[Any, Any]]:
    """A member's newest posts in public topics, as (post, topic) pairs."""
    found = []
    for post in forum.posts.values():
        topic = forum.topics.get(post.topic_id)
        if post.user_id != user_id or post.deleted_at or topic is None or topic.deleted_at:
            continue
        if not topic.is_private_message:
            found.append((post, topic))
    found.sort(key=lambda pair: pair[0].created_at, reverse=True)
    return found[:POSTS_ON_PROFILE]


@forum_pages.get("/")
def home() -> str:
    """The forum's start page: the latest public topics (Discourse: root to list#latest)."""
    forum = state()
    with forum.lock:
        topics = [t for t in forum.topics.values() if not t.is_private_message and t.deleted_at is None]
        topics.sort(key=lambda t: t.bumped_at or t.created_at, reverse=True)
        return render_template("sandbox/forum_home.html", topics=topics[:LATEST_ON_HOME])


@forum_pages.get("/u/<username>")
@forum_pages.get("/u/<username>/summary")
@forum_pages.get("/u/<username>/badges")
def profile(username: str) -> str:
    """A member's public profile with recent posts and badges (Discourse: get "u/:username" => "users#show")."""
    forum = state()
    with forum.lock:
        user = forum.find_user(username)
        if user is None or user.staged:
            abort(404)
        return render_template(
            "sandbox/forum_user.html", user=user, posts=_public_posts(forum, user.id), badges=forum.badges_of(username)
        )


@forum_pages.get("/t/<int:topic_id>")
@forum_pages.get("/t/<int:topic_id>/<int:post_number>")
@forum_pages.get("/t/<slug>/<int:topic_id>")
@forum_pages.get("/t/<slug>/<int:topic_id>/<int:post_number>")
def topic(topic_id: int, post_number: int | None = None, slug: str | None = None) -> str:
    """A public topic with its posts, the linked post marked (Discourse: get "t/:slug/:topic_id(/:post_number)")."""
    forum = state()
    with forum.lock:
        found = forum.topics.get(topic_id)
        # Private messages are not shown here (Discourse answers 404 to anyone outside the conversation);
        # the sandbox's inbox pages show them.
        if found is None or found.deleted_at is not None or found.is_private_message:
            abort(404)
        posts = [forum.posts[i] for i in found.post_ids if i in forum.posts and forum.posts[i].deleted_at is None]
        authors = {p.user_id: forum.users.get(p.user_id) for p in posts}
        return render_template(
            "sandbox/forum_topic.html", topic=found, posts=posts, authors=authors, marked=post_number or 1
        )


@forum_pages.get("/badges/<int:badge_id>")
@forum_pages.get("/badges/<int:badge_id>/<slug>")
def badge(badge_id: int, slug: str | None = None) -> str:
    """A badge and who was granted it (Discourse: get "/badges/:id(/:slug)" => "badges#show")."""
    forum = state()
    with forum.lock:
        found = forum.badges.get(badge_id)
        if found is None or not found.enabled:
            abort(404)
        grants = sorted(
            (ub for ub in forum.user_badges.values() if ub.badge_id == badge_id), key=lambda ub: ub.granted_at
        )
        holders = [(forum.users.get(ub.user_id), ub) for ub in grants]
        return render_template("sandbox/forum_badge.html", badge=found, holders=holders)
