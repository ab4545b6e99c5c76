"""GET /health: is the web process up and its database usable."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, send_from_directory

from companion.store import migrate
from companion.store.db import StoreError
from companion.web import get_store

bp = Blueprint("health", __name__)


@bp.get("/health")
def health():
    """200 with the schema revision when the database answers and is current, else 503."""
    store = get_store()
    try:
        store.ping()
        migrate.check_up_to_date(store)
    except StoreError as error:
        return jsonify(status="unavailable", error=str(error)), 503
    return jsonify(status="ok", schema=migrate.head_revision()), 200


@bp.get("/favicon.ico")
def favicon():
    """The icon for browsers that ask /favicon.ico before reading the page's link (an SVG, which they all read)."""
    return send_from_directory(current_app.static_folder or "static", "favicon.svg", mimetype="image/svg+xml")
