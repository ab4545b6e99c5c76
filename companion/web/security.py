"""Web security: CSRF protection, strict response headers, same-site return paths and a small rate limiter."""

from __future__ import annotations

import functools
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote, urlsplit

from flask import Flask, Response, abort, current_app, g, request
from flask_wtf.csrf import CSRFProtect
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


class RateLimiter:
    """Counts hits per key in a sliding window and says when a key has had enough."""

    def __init__(self, limit: int, window_seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window = window_seconds
        self.clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str) -> float | None:
        """Record a hit; return None when allowed, else the seconds until the next hit is allowed."""
        now = self.clock()
        with self._lock:
            if len(self._hits) > 10_000:
                # Forget idle keys so a flood of addresses cannot exhaust memory.
                self._hits = {k: v for k, v in self._hits.items() if v and v[-1] > now - self.window}
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                return max(hits[0] + self.window - now, 0.001)
            hits.append(now)
            return None


def client_address() -> str:
    """The client's address as Flask sees it (behind a proxy, configure ProxyFix in front)."""
    return request.remote_addr or "unknown"


def rate_limited(name: str, limit: int, window_seconds: float = 60.0):
    """Decorate a view so one client gets at most `limit` calls per window, else 429 with Retry-After."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            limiters: dict[str, RateLimiter] = current_app.extensions.setdefault("companion_rate_limits", {})
            if current_app.config.get("RATE_LIMITS_ENABLED", True):
                limiter = limiters.get(name)
                if limiter is None:
                    limiter = limiters.setdefault(name, RateLimiter(limit, window_seconds))
                wait = limiter.hit(client_address())
                if wait is not None:
                    g.retry_after = int(wait) + 1
                    abort(429)
            return view(*args, **kwargs)

        return wrapper

    return decorate
