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
        )


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
