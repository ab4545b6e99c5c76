"""POST /webhooks/discourse: verified, de-duplicated forum events."""

from __future__ import annotations

import logging

from flask import Blueprint, jsonify, request

from companion.errors import CompanionError
from companion.forum.events import AccountExists, Outcome, apply_event, user_field_names
from companion.web import get_context
from companion.web.security import rate_limited
from sync.errors import ForumError, WebhookError, WebhookTooLarge
from sync.records import ForumUser
from sync.webhooks import parse_event

log = logging.getLogger(__name__)

bp = Blueprint("webhooks", __name__)


@bp.post("/webhooks/discourse")
@rate_limited("webhooks")
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
    outcome = apply_event(context.store, event, account_exists=_account_exists(context))
    if outcome is Outcome.UNCONFIRMED:
        # Not recorded: a retry (retry_web_hook_events) or an admin's redelivery can apply it later.
        return jsonify(status=outcome, event_id=event.event_id, error="the forum could not confirm this now"), 503
    if outcome is Outcome.REFUSED:
        return jsonify(status=outcome, event_id=event.event_id, error="the forum's state contradicts this event"), 409
    return jsonify(status=outcome, event_id=event.event_id), 200


def _account_exists(context) -> AccountExists:
    """Ask the forum whether an account still exists (None when the forum cannot be asked now)."""

    def ask(user: ForumUser) -> bool | None:
        try:
            return bool(context.forum.reader.user_exists(user.id, user.username))
        except (ForumError, CompanionError) as error:
            log.warning("cannot ask the forum about user %s: %s", user.id, error)
            return None

    return ask
