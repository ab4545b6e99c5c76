"""Behind a trusted proxy, limits count per real client, and with Redis across several web workers."""

from __future__ import annotations

import random

from companion.context import Context
from companion.web import create_app
from tests.support.env import redis_test_url


def make_app(settings, store, **overrides):
    app = create_app(Context(settings=settings.replace(**overrides), store=store))
    app.config.update(TESTING=True)
    return app


def login_from(client, address: str, proxy: str = "172.18.0.2") -> int:
    """One login request as the TLS proxy forwards it: the proxy connects, the client is in X-Forwarded-For."""
    return client.get("/login", headers={"X-Forwarded-For": address}, environ_base={"REMOTE_ADDR": proxy}).status_code


def test_behind_a_trusted_proxy_each_client_has_its_own_budget(web_settings, sqlite_store):
    client = make_app(web_settings, sqlite_store, trusted_proxies=1).test_client()
    # The measurement: 22 logins of different clients through one proxy all go through.
    assert [login_from(client, f"10.1.0.{n}") for n in range(22)] == [302] * 22
    assert [login_from(client, "10.2.0.1") for _ in range(21)] == [302] * 20 + [429]
    assert login_from(client, "10.2.0.2") == 302


def test_without_trusted_proxies_a_forged_header_gains_nothing(web_settings, sqlite_store):
    client = make_app(web_settings, sqlite_store).test_client()
    statuses = [login_from(client, f"10.3.0.{n}") for n in range(21)]
    assert statuses == [302] * 20 + [429]


def test_only_the_configured_number_of_proxies_is_trusted(web_settings, sqlite_store):
    client = make_app(web_settings, sqlite_store, trusted_proxies=1).test_client()
    # A client that forges its own X-Forwarded-For entry: the proxy appends the real address last.
    statuses = [login_from(client, f"6.6.6.{n}, 10.4.0.1") for n in range(21)]
    assert statuses == [302] * 20 + [429]


def test_proxy_fix_gives_the_public_scheme_and_host(web_settings, sqlite_store):
    app = make_app(web_settings, sqlite_store, trusted_proxies=1)

    @app.get("/_where")
    def where():
        from flask import request

        return f"{request.scheme}://{request.host} {request.remote_addr}"

    text = (
        app.test_client()
        .get(
            "/_where",
            headers={"X-Forwarded-For": "10.5.0.1", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "c.example"},
            environ_base={"REMOTE_ADDR": "172.18.0.2"},
        )
        .get_data(as_text=True)
    )
    assert text == "https://c.example 10.5.0.1"


def test_two_workers_sharing_redis_count_one_client_together(web_settings, sqlite_store):
    url = redis_test_url()
    first = make_app(web_settings, sqlite_store, trusted_proxies=1, ratelimit_storage_url=url).test_client()
    second = make_app(web_settings, sqlite_store, trusted_proxies=1, ratelimit_storage_url=url).test_client()
    # Fresh addresses every run, so counts left in Redis by an earlier run cannot matter.
    base = f"10.{random.randrange(10, 250)}.{random.randrange(256)}"
    alternating = [login_from(first if n % 2 else second, f"{base}.1") for n in range(20)]
    assert alternating == [302] * 20
    assert login_from(first, f"{base}.1") == 429
    assert login_from(second, f"{base}.1") == 429
    assert login_from(second, f"{base}.2") == 302


def test_forms_are_limited_per_client_but_pages_are_not(web_settings, sqlite_store):
    app = make_app(web_settings, sqlite_store, trusted_proxies=1)
    app.config["RATE_LIMITS"]["forms"] = "3 per minute"
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()

    def post(address: str) -> int:
        return client.post(
            "/logout", headers={"X-Forwarded-For": address}, environ_base={"REMOTE_ADDR": "172.18.0.2"}
        ).status_code

    assert [post("10.6.0.1") for _ in range(4)] == [302, 302, 302, 429]
    assert post("10.6.0.2") == 302
    assert client.get("/", headers={"X-Forwarded-For": "10.6.0.1"}).status_code == 200
