"""The public status the forum's theme component reads: which circle sign-ups are open (no personal data)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Response, jsonify, url_for

from companion.circles.seasons import open_seasons
from companion.circles.signups import signup_window_open
from companion.suggestions.planning import network_today
from companion.web import get_context

bp = Blueprint("forum_status", __name__)


def _forum_origin(forum_url: str | None) -> str | None:
    if not forum_url:
        return None
    parts = urlsplit(forum_url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


@bp.get("/api/forum/status.json")
def status() -> Response:
    """Open sign-ups with their closing date and sign-up page, readable from the forum's pages (CORS)."""
    context = get_context()
    today = network_today(context.settings)
    base = context.settings.base_url.rstrip("/")
    with context.store.transaction() as session:
        signups = [
            {
                "id": season.id,
                "name": season.name,
                "closes_on": season.signup_closes_on.isoformat(),
                "closes_on_display": season.signup_closes_on.strftime("%d.%m.%Y"),
                "url": base + url_for("circles.signup", season_id=season.id),
            }
            for season in open_seasons(session, today)
            if signup_window_open(season, today)
        ]
    response = jsonify({"signups": signups})
    origin = _forum_origin(context.settings.forum_url)
    if origin:
        # Only the forum's own pages may read it from the browser; it holds nothing personal either way.
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Vary"] = "Origin"
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
