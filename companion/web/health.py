"""GET /health: is the web process up, its database usable and the worker alive; with the outbox state."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, send_from_directory

from companion.ops.status import collect_status
from companion.store import migrate
from companion.store.db import StoreError
from companion.web import get_context, get_store

bp = Blueprint("health", __name__)


@bp.get("/health")
def health():
    """200 when the database answers and is current and the worker is not silent, else 503 with the reason."""
    store = get_store()
    try:
        store.ping()
        migrate.check_up_to_date(store)
    except StoreError as error:
        return jsonify(status="unavailable", error=str(error)), 503
    status = collect_status(store, get_context().settings)
    body = {"schema": migrate.head_revision(), **status.as_dict()}
    if not status.healthy:
        return jsonify(status="unavailable", error=f"the worker is {status.worker.status}", **body), 503
    return jsonify(status="ok", **body), 200


@bp.get("/favicon.ico")
def favicon():
    """The icon for browsers that ask /favicon.ico before reading the page's link (an SVG, which they all read)."""
    return send_from_directory(current_app.static_folder or "static", "favicon.svg", mimetype="image/svg+xml")
