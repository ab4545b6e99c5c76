"""Security of the web shell: headers, CSRF, rate limits, safe return paths and guarded admin pages."""

from __future__ import annotations

import re

import pytest

from companion.web.security import safe_next
from tests.support.web import csrf_token, log_in, make_member


def test_every_page_gets_a_strict_content_security_policy(client):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_pages_have_no_inline_scripts_or_styles(client, store):
    log_in(client, make_member(store, forum_user_id=1, username="anna"))
    html = client.get("/").get_data(as_text=True)
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html) is None
    assert re.search(r"\sstyle=", html) is None
    assert re.search(r"\son[a-z]+=", html) is None
    assert "<style" not in html


def test_a_post_without_csrf_token_is_refused(client, store):
    log_in(client, make_member(store, forum_user_id=2, username="bert"))
    response = client.post("/logout")
    assert response.status_code == 400
    assert "Formular ist abgelaufen" in response.get_data(as_text=True)
    with client.session_transaction() as session:
        assert "member_id" in session


def test_a_post_with_a_wrong_csrf_token_is_refused(client, store):
    log_in(client, make_member(store, forum_user_id=3, username="carla"))
    assert client.post("/logout", data={"csrf_token": "not-the-token"}).status_code == 400
    assert client.post("/logout", data={"csrf_token": csrf_token(client)}).status_code == 302


def test_pages_of_a_logged_in_member_are_not_cached(client, store):
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")
    log_in(client, make_member(store, forum_user_id=4, username="dora"))
    assert client.get("/").headers["Cache-Control"] == "no-store"


def test_login_is_rate_limited_per_client(client):
    statuses = [client.get("/login").status_code for _ in range(21)]
    assert statuses[:20] == [302] * 20
    assert statuses[20] == 429
    blocked = client.get("/login")
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) >= 1
    other = client.get("/login", environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 302


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/suggestions", "/suggestions"),
        ("/profile?x=1#top", "/profile?x=1#top"),
        ("//evil.example", "/"),
        ("https://evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("evil.example", "/"),
        ("/ok\r\nSet-Cookie: x", "/"),
        (None, "/"),
        ("", "/"),
    ],
)
def test_safe_next_keeps_only_same_site_paths(target, expected):
    assert safe_next(target) == expected


def test_unknown_pages_show_a_friendly_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Seite nicht gefunden" in response.get_data(as_text=True)
