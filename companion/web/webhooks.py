"""POST /webhooks/discourse: verified, de-duplicated forum events."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from companion.forum.events import apply_event, user_field_names
from companion.web import get_context
from companion.web.security import rate_limited
from sync.errors import WebhookError, WebhookTooLarge
from sync.webhooks import parse_event

bp = Blueprint("webhooks", __name__)

# Generous: the forum sends bursts (a mass edit), and a refused delivery is retried by Discourse anyway.
WEBHOOKS_PER_MINUTE = 1200


@bp.post("/webhooks/discourse")
@rate_limited("webhooks", WEBHOOKS_PER_MINUTE)
def discourse():
    """Verify the signature over the raw body before parsing anything, then apply the event once."""
    context = get_context()
    secret = context.settings.webhook_secret
    if not secret:
        return jsonify(error="webhooks are not configured: set COMPANION_WEBHOOK_SECRET"), 503
    limit = context.settings.webhook_max_bytes
    if request.content_length is not None and request.content_length > limit:
        return jsonify(error=str(WebhookTooLarge(f"body of {request.content_length} bytes exceeds {limit}"))), 413
    raw = request.stream.read(limit + 1)
    try:
        event = parse_event(
            dict(request.headers.items()), raw, limit, secret=secret, user_field_names=user_field_names(context.store)
        )
    except WebhookError as error:
        return jsonify(error=str(error)), error.http_status
    outcome = apply_event(context.store, event)
    return jsonify(status=outcome, event_id=event.event_id), 200
