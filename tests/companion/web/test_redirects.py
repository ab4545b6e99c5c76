"""Every redirect target taken from a request goes through the one same-site check (no open redirect)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from companion.web.security import safe_next
from tests.support.web import csrf_token, log_in, make_member

HOSTILE = [
    "//evil.example/x",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "https://evil.example/",
    "HTTPS://evil.example",
    "http:/evil.example",
    "javascript:alert(1)",
    "\t//evil.example",
    "/\t/evil.example",
    "/%2F%2Fevil.example",
    "/%2f/evil.example",
    "%2F%2Fevil.example",
    "/%5Cevil.example",
    "/%5cevil.example",
    "/%252F%252Fevil.example",
    "https%3A%2F%2Fevil.example",
    "//evil.example@companion.test",
    "evil.example",
    "",
]


def _stays_here(location: str) -> bool:
    parts = urlsplit(location)
    return parts.netloc in ("", "localhost", "companion.test") and not location.startswith("//")


@pytest.mark.parametrize("target", HOSTILE)
def test_the_check_refuses_every_form_of_leaving(target):
    assert safe_next(target, fallback="/home") == "/home"


@pytest.mark.parametrize("target", ["/profile", "/circles/?tab=1", "/suggestions#x", "/a%20b"])
def test_same_site_paths_pass(target):
    assert safe_next(target) == target


@pytest.mark.parametrize("target", HOSTILE)
def test_the_language_switch_stays_on_the_site(client, target):
    response = client.get("/language/en", query_string={"next": target})
    assert response.status_code == 302 and _stays_here(response.headers["Location"])


@pytest.mark.parametrize("target", HOSTILE)
def test_the_login_remembers_only_same_site_targets(client, target):
    client.get("/login", query_string={"next": target})
    with client.session_transaction() as session:
        assert session["login_next"] == "/"


@pytest.mark.parametrize("target", HOSTILE)
def test_the_calendar_form_stays_on_the_site(client, store, target):
    log_in(client, make_member(store, forum_user_id=5, username="kai"))
    response = client.post(
        "/circles/calendar/renew", data={"csrf_token": csrf_token(client, "/profile"), "next": target}
    )
    assert response.status_code == 302 and _stays_here(response.headers["Location"]), response.headers["Location"]


def test_the_calendar_form_still_returns_to_a_same_site_page(client, store):
    log_in(client, make_member(store, forum_user_id=6, username="lea"))
    response = client.post(
        "/circles/calendar/renew", data={"csrf_token": csrf_token(client, "/profile"), "next": "/profile#calendar"}
    )
    assert response.headers["Location"] == "/profile#calendar"
