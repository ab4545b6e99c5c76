"""Web security: CSRF protection, strict response headers, same-site return paths, trusted proxies and rate limits."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import unquote, urlsplit

from flask import Flask, Response, current_app, g, request
from flask_limiter import Limiter
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter, Map

csrf = CSRFProtect()


class StoreIdConverter(IntegerConverter):
    """An <int:...> URL part no larger than a database integer, so a huge id is a 404, not a database error."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


def content_security_policy(forum_url: str | None) -> str:
    """A CSP that allows only the companion's own scripts, styles and images (no inline code)."""
    form_targets = "'self'" + (f" {forum_url}" if forum_url else "")
    return "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "form-action " + form_targets,
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "object-src 'none'",
        ]
    )


def install_security(app: Flask, *, forum_url: str | None, secure_cookie: bool) -> None:
    """Turn on CSRF checks, cookie flags and the security headers of every response."""
    app.config.update(
        SESSION_COOKIE_NAME="companion_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SECURE=secure_cookie,
        # Lax, not Strict: the forum sends the member back by a top-level redirect after login.
        SESSION_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=None,
        WTF_CSRF_SSL_STRICT=False,
    )
    csrf.init_app(app)
    policy = content_security_policy(forum_url)

    @app.after_request
    def add_headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if secure_cookie:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if getattr(g, "member", None) is not None and not request.path.startswith("/static/"):
            # Pages of a logged-in member hold personal data: no shared or back-button caches.
            response.headers["Cache-Control"] = "no-store"
        return response


def safe_next(target: str | None, fallback: str = "/") -> str:
    """A same-site path to return to, or the fallback for anything that could leave the site.

    The one check for every redirect target taken from a request (login, language switch, forms).
    """
    if not target or not isinstance(target, str) or len(target) > 2000:
        return fallback
    # Check the target as given and as a browser or proxy might decode it (%2F%2F, %5C, double encoding).
    forms = [target]
    for _ in range(3):
        decoded = unquote(forms[-1])
        if decoded == forms[-1]:
            break
        forms.append(decoded)
    for form in forms:
        if any(ord(ch) < 32 or ord(ch) == 127 or ch == "\\" for ch in form):
            return fallback
        if not form.startswith("/") or form.startswith("//"):
            return fallback
        parts = urlsplit(form)
        if parts.scheme or parts.netloc:
            return fallback
    return target


# Limits per client address; a view opts in with @rate_limited(name) and the app factory applies them.
RATE_LIMITS = {
    "login": "20 per minute",
    # Generous: the forum sends bursts (a mass edit), and a refused delivery is retried by Discourse anyway.
    "webhooks": "1200 per minute",
    # Every form a member sends (POST), across all pages together.
    "forms": "120 per minute",
    # The template editor's live preview posts after each pause in typing: its own budget, so a long edit
    # cannot use up the forms budget that saving (and the other members behind the same address) need.
    "previews": "300 per minute",
}


def client_address() -> str:
    """The client's address as Flask sees it (ProxyFix has put the real one there behind trusted proxies)."""
    return request.remote_addr or "unknown"


def rate_limited(name: str):
    """Mark a view as counted against the named limit of RATE_LIMITS; views sharing a name share the budget."""

    def decorate(view):
        view.companion_rate_limit = name
        return view

    return decorate


def install_proxy_fix(app: Flask, trusted_proxies: int) -> None:
    """Trust X-Forwarded-For/-Proto/-Host from exactly that many proxies in front (none when 0)."""
    if trusted_proxies > 0:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=trusted_proxies, x_proto=trusted_proxies, x_host=trusted_proxies
        )


def _own_budget_endpoints(app: Flask) -> frozenset[str]:
    """Endpoints with a named limit of their own; their posts do not count against the forms budget."""
    return frozenset(
        endpoint for endpoint, view in app.view_functions.items() if getattr(view, "companion_rate_limit", None)
    )


def install_rate_limits(app: Flask, storage_url: str) -> Limiter:
    """Flask-Limiter for this app: the named limits on the marked views, and one budget for all forms.

    The storage is memory:// for the embedded default (each process counts alone) or Redis, shared by all
    gunicorn workers and web containers; the limits themselves can be changed in app.config["RATE_LIMITS"].
    """
    app.config.setdefault("RATE_LIMITS", dict(RATE_LIMITS))
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)

    def configured(name: str) -> Callable[[], str]:
        return lambda: current_app.config["RATE_LIMITS"][name]

    own_budget = _own_budget_endpoints(app)

    def is_not_a_form() -> bool:
        return request.method != "POST" or request.blueprint == "webhooks" or request.endpoint in own_budget

    limiter = Limiter(
        client_address,
        app=app,
        storage_uri=storage_url,
        strategy="moving-window",
        key_prefix="companion",
        application_limits=[configured("forms")],
        application_limits_exempt_when=is_not_a_form,
    )
    for endpoint, view in list(app.view_functions.items()):
        name = getattr(view, "companion_rate_limit", None)
        if name is not None:
            app.view_functions[endpoint] = limiter.shared_limit(configured(name), scope=name)(view)  # type: ignore[assignment]
    return limiter
