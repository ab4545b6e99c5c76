"""The Flask application of the sandbox forum."""

from __future__ import annotations

import secrets
from typing import Any

from flask import Flask, Response, request

from . import themes as _themes  # noqa: F401  (registers the theme routes on the API blueprint)
from .api import api
from .connect import connect
from .errors import NotFound
from .explorer import register_explorer
from .http import error_response
from .pages import forum_pages, pages
from .seed import SYSTEM_DOMAIN, seed_network
from .settings import SandboxSettings
from .state import ForumState
from .text import linkify_escaped
from .webhooks import WebhookDispatcher


def build_state(settings: SandboxSettings) -> ForumState:
    """A state seeded with the configured network, with the API user present."""
    state = ForumState(settings)
    if settings.members > 0 or settings.organisations > 0:
        seed_network(state, settings.members, settings.organisations, settings.seed, settings.seed_reference)
    ensure_api_user(state)
    return state


def ensure_api_user(state: ForumState) -> None:
    """Create the admin the API key acts as (system, id -1) when the state lacks it."""
    name = state.settings.api_username
    if state.find_user(name) is None:
        state.seeding = True
        try:
            state.create_user(
                name,
                name,
                f"{name}@{SYSTEM_DOMAIN}",
                admin=True,
                trust_level=4,
                user_id=-1 if -1 not in state.users else None,
            )
        finally:
            state.seeding = False


def enable_webhooks(state: ForumState, instance: str) -> None:
    """Start delivering webhooks when the settings name a URL."""
    settings = state.settings
    if settings.webhook_url and state.webhooks is None:
        state.webhooks = WebhookDispatcher(
            state,
            settings.webhook_url,
            settings.webhook_secret,
            instance,
            settings.webhook_retry_delays,
            settings.webhook_timeout,
        )


class AcceptJsonRoutes:
    """Route `/posts` with `Accept: application/json` to `/posts.json` as Rails does (pydiscourse relies on it)."""

    def __init__(self, wsgi_app: Any) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        path = environ.get("PATH_INFO", "")
        accept = environ.get("HTTP_ACCEPT", "")
        if (
            "application/json" in accept
            and not path.endswith(".json")
            and path not in ("", "/")
            and not path.startswith(("/sandbox", "/session"))
        ):
            environ["PATH_INFO"] = path.rstrip("/") + ".json"
        return self.wsgi_app(environ, start_response)


def create_app(settings: SandboxSettings | None = None, state: ForumState | None = None) -> Flask:
    """Create the sandbox app around a given state, or a freshly seeded one."""
    settings = settings or (state.settings if state is not None else SandboxSettings())
    state = state or build_state(settings)
    ensure_api_user(state)
    app = Flask(__name__)
    app.wsgi_app = AcceptJsonRoutes(app.wsgi_app)  # type: ignore[method-assign]
    app.config["SANDBOX_STATE"] = state
    app.secret_key = secrets.token_hex(16)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.jinja_env.globals.update(linkify=linkify_escaped, site_title=settings.title)
    app.register_blueprint(api)
    register_explorer(app, settings.data_explorer_kind)
    app.register_blueprint(connect)
    app.register_blueprint(pages)
    app.register_blueprint(forum_pages)
    enable_webhooks(state, settings.base_url or "http://localhost")

    @app.errorhandler(404)
    @app.errorhandler(405)
    def not_found(_error: Exception) -> Response | tuple[str, int]:
        # Discourse answers unknown API routes with its JSON 404; HTML pages get a plain page.
        wants_html = "text/html" in request.headers.get("Accept", "") and not request.path.endswith(".json")
        if request.path.startswith("/sandbox/") or wants_html:
            return "<h1>404</h1><p>Nicht gefunden / not found</p>", 404
        return error_response(NotFound())

    return app
