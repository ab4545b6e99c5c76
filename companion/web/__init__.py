"""The companion's web pages: the Flask app factory that wires settings, store, login, security and languages.

Each feature's pages are a blueprint in `companion/web/<feature>.py` (admin pages in
`companion/web/admin/`), listed once in `_blueprint_modules`; a module may add
`NAV_LINKS = [NavLink(endpoint, label, admin=False)]` to the main menu.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask, current_app, g, jsonify, render_template, request
from flask_babel import lazy_gettext
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from companion.context import Context
from companion.ops.compute import configure_numba
from companion.settings import Settings, SettingsError, load_settings
from companion.store.db import Store, open_store

log = logging.getLogger(__name__)

PACKAGE_ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class NavLink:
    """One entry of the main menu: an endpoint, its (lazily translated) label and whether only admins see it."""

    endpoint: str
    label: Any
    admin: bool = False


def get_context() -> Context:
    """The companion Context of the running app (settings, store, forum)."""
    return current_app.extensions["companion"]


def get_store() -> Store:
    """The store of the running app."""
    return get_context().store


def _build_context(context: Context | None, settings: Settings | None, store: Store | None, forum: Any) -> Context:
    if context is None:
        settings = settings or load_settings()
        store = store or open_store(settings.database_url)
        context = Context(settings=settings, store=store)
    if forum is not None:
        context.forum = forum
    return context


def _blueprint_modules() -> list[Any]:
    """Every module with pages, in menu order; "webhooks" is exempt from CSRF (the forum signs its calls instead)."""
    from companion.web import (
        auth,
        badges,
        camp,
        circle_method,
        circles,
        forum_status,
        guests,
        health,
        i18n,
        lean_coffee,
        meetup_places,
        member,
        metrics,
        suggestions,
        webhooks,
    )
    from companion.web.admin import audit, dashboard, organisations, reports, rules, runs, templates

    return [
        i18n,
        auth,
        member,
        suggestions,
        circles,
        circle_method,
        lean_coffee,
        guests,
        meetup_places,
        camp,
        badges,
        audit,
        rules,
        organisations,
        templates,
        runs,
        dashboard,
        reports,
        webhooks,
        health,
        forum_status,
        metrics,
    ]


def create_app(
    context: Context | None = None,
    *,
    settings: Settings | None = None,
    store: Store | None = None,
    forum: Any = None,
) -> Flask:
    """Build the web app around a Context (or settings/store/forum from which one is made)."""
    from companion.web import auth, i18n, labels, security, webhooks

    context = _build_context(context, settings, store, forum)
    settings = context.settings
    configure_numba()
    app = Flask(
        "companion",
        root_path=str(PACKAGE_ROOT),
        template_folder="templates",
        static_folder="static",
        instance_path=str(Path(settings.instance_path).resolve()),
    )
    if not settings.secret_key:
        raise SettingsError("COMPANION_SECRET_KEY is not set: the web pages need it to sign session cookies")
    # Ids in URLs fit the store's integer columns (PostgreSQL's integer is 32 bits); larger ones are 404.
    app.url_map.converters["int"] = security.StoreIdConverter
    app.config.update(
        SECRET_KEY=settings.secret_key,
        PERMANENT_SESSION_LIFETIME=auth.SESSION_LIFETIME,
        MAX_CONTENT_LENGTH=max(settings.webhook_max_bytes, 1024 * 1024),
    )
    app.extensions["companion"] = context
    security.install_security(app, forum_url=settings.forum_url, secure_cookie=settings.session_cookie_secure)
    i18n.init_i18n(app, settings.default_locale, settings.timezone)
    app.jinja_env.add_extension("jinja2.ext.do")
    labels.install_labels(app)

    nav_links: list[NavLink] = []
    for module in _blueprint_modules():
        app.register_blueprint(module.bp)
        if module is webhooks:
            security.csrf.exempt(module.bp)
        nav_links.extend(getattr(module, "NAV_LINKS", []))
    app.extensions["companion_nav"] = nav_links

    security.install_proxy_fix(app, settings.trusted_proxies)
    app.extensions["companion_limiter"] = security.install_rate_limits(app, settings.ratelimit_storage_url)
    app.before_request(auth.load_member)
    _install_template_globals(app)
    _install_error_pages(app)
    return app


def _install_template_globals(app: Flask) -> None:
    from flask_babel import get_locale

    @app.context_processor
    def globals_for_templates() -> dict[str, Any]:
        is_admin = bool(getattr(g, "is_admin", False))
        links = [
            link
            for link in app.extensions["companion_nav"]
            if (is_admin or not link.admin) and link.endpoint in app.view_functions
        ]
        locale = str(get_locale() or app.config["BABEL_DEFAULT_LOCALE"])
        return {
            "nav_links": links,
            "member": getattr(g, "member", None),
            "is_admin": is_admin,
            "current_locale": locale,
            "other_locale": "en" if locale == "de" else "de",
            "forum_url": get_context().settings.forum_url,
            # AGPL section 13 and the German Impressum/Datenschutz duty: on every page.
            "source_url": get_context().settings.source_url,
            "imprint_url": get_context().settings.imprint_url,
            "privacy_url": get_context().settings.privacy_url,
        }


ERROR_TITLES = {
    400: lazy_gettext("The request was not understood"),
    403: lazy_gettext("Access denied"),
    404: lazy_gettext("Page not found"),
    405: lazy_gettext("This action is not allowed here"),
    413: lazy_gettext("The request is too large"),
    429: lazy_gettext("Too many requests"),
    500: lazy_gettext("Something went wrong"),
}
ERROR_TEXTS = {
    400: lazy_gettext("Please go back and try again."),
    403: lazy_gettext("You do not have permission to open this page."),
    404: lazy_gettext("The page you asked for does not exist."),
    405: lazy_gettext("Please use the buttons on the pages."),
    413: lazy_gettext("Please send less data."),
    429: lazy_gettext("Please wait a moment and try again."),
    500: lazy_gettext("Please try again later. The administrators have been informed."),
}


def _wants_json() -> bool:
    """Whether the client (the pages' own scripts) asked for JSON rather than a page."""
    return request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json"


def _error_answer(code: int, title: Any, text: Any):
    if _wants_json():
        return jsonify(error=f"{title}. {text}" if text else f"{title}."), code
    return render_template("error.html", code=code, title=title, text=text), code


def _install_error_pages(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_failed(error: CSRFError):
        from flask_babel import gettext as _

        text = _("The form has expired or did not come from this site. Please reload the page and try again.")
        return _error_answer(400, ERROR_TITLES[400], text)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if request.blueprint == "webhooks" or request.path.startswith("/static/"):
            return error
        code = error.code or 500
        return _error_answer(code, ERROR_TITLES.get(code, error.name), ERROR_TEXTS.get(code, ""))

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        log.exception("unhandled error on %s", request.path)
        return _error_answer(500, ERROR_TITLES[500], ERROR_TEXTS[500])
